import { useState } from "react";
import { ErrorBanner } from "../../components/ErrorBanner";
import { api } from "../../ipc";

/** Where the workspace is, and opening another one or a new one in its place. */
export function WorkspaceFile({ path, onOpened }: { path: string | null; onOpened: () => void }) {
  const [mode, setMode] = useState<"open" | "new" | null>(null);
  const [target, setTarget] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const folder = path ? path.replace(/[^\\/]*$/, "") : "";

  const start = (next: "open" | "new") => {
    setMode(next);
    setError(undefined);
    setTarget(next === "new" ? `${folder}new-workspace.sqlite3` : (path ?? ""));
  };
  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await api.openWorkspace(target.trim(), mode === "new");
      setMode(null);
      onOpened();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div data-testid="workspace-file">
      <p>
        This workspace is the file <span className="mono small">{path ?? "(in memory)"}</span>. Everything CRM
        Bridge knows lives in it, on this computer; sign-ins are in your system keyring.
      </p>
      <div className="actions">
        <button onClick={() => start("open")} disabled={busy} data-testid="open-workspace">
          Open another workspace…
        </button>
        <button onClick={() => start("new")} disabled={busy} data-testid="new-workspace">
          New workspace…
        </button>
      </div>
      {mode ? (
        <form className="panel" onSubmit={(e) => void submit(e)} data-testid="workspace-form">
          <label>
            {mode === "new" ? "The new workspace file (it must not exist yet)" : "The workspace file to open"}
            <input
              className="mono wide"
              value={target}
              onChange={(e) => setTarget(e.target.value)}
              required
              autoFocus
              data-testid="workspace-path"
            />
          </label>
          <p className="muted small">
            A full path. CRM Bridge opens it in place of this one and opens it again next time; this workspace
            stays as it is, and “Open another workspace…” returns to it.
          </p>
          <ErrorBanner error={error} />
          <div className="actions">
            <button className="primary" type="submit" disabled={busy} data-testid="workspace-submit">
              {mode === "new" ? "Create and open" : "Open"}
            </button>
            <button type="button" onClick={() => setMode(null)} disabled={busy}>
              Cancel
            </button>
          </div>
        </form>
      ) : null}
    </div>
  );
}
