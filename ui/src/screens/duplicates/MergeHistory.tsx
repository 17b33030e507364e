import { Fragment, useCallback, useEffect, useState } from "react";
import type { MergeEntry } from "../../bindings/MergeEntry";
import type { MergePage } from "../../bindings/MergePage";
import { EmptyState } from "../../components/EmptyState";
import { ErrorBanner } from "../../components/ErrorBanner";
import { Modal } from "../../components/Modal";
import { Breakable } from "../../components/Breakable";
import { ProviderBadge } from "../../components/ProviderBadge";
import { countOf, formatShortTime, objectTypeName } from "../../format";
import { IpcError, api } from "../../ipc";
import { fieldLabel, fieldsOf, shown } from "./fields";

const PAGE = 100;

const STATUS_LABEL: { [status: string]: string } = {
  applying: "Merging…",
  applied: "Merged",
  undoing: "Undoing…",
  undone: "Undone",
  failed: "Stopped",
};

/** Every record of a merge as it was before, side by side. */
function BeforeImage({ entry }: { entry: MergeEntry }) {
  const fields = fieldsOf(entry.members.map((m) => m.fields));
  // What the merge made of each field: the kept record as it was written.
  const after = new Map(entry.fields.map((f) => [f.field, shown(f.value)]));
  return (
    <table className="grid comparison before" data-testid="before-image">
      <thead>
        <tr>
          <th>Before</th>
          {entry.members.map((m) => (
            <th key={m.record_id}>
              <ProviderBadge provider={m.provider} />{" "}
              <span className="muted small">{m.connection_label}</span>
              <div className="mono small muted">{m.remote_id}</div>
              <div className="small">
                {m.record_id === entry.master
                  ? "kept"
                  : m.role === "merged"
                    ? "merged into the kept record"
                    : "linked, kept in its CRM"}
              </div>
            </th>
          ))}
          <th className="merged-head">After the merge</th>
        </tr>
      </thead>
      <tbody>
        {fields.map((key) => (
          <tr key={key}>
            <th scope="row">{fieldLabel(key)}</th>
            {entry.members.map((m) => {
              const v = shown(m.fields[key]);
              return (
                <td key={m.record_id} className={v === "" ? "blank" : undefined}>
                  {v === "" ? "—" : <Breakable text={v} />}
                </td>
              );
            })}
            <td className="merged" data-testid={`after-${key}`}>
              <strong>{after.get(key) || "—"}</strong>
            </td>
          </tr>
        ))}
        <tr>
          <th scope="row">Related records</th>
          {entry.members.map((m) => (
            <td key={m.record_id}>{m.children.length ? countOf(m.children.length, "record") : "—"}</td>
          ))}
          <td className="merged">
            {countOf(
              entry.members.reduce((n, m) => n + m.children.length, 0),
              "record",
            )}{" "}
            moved to it
          </td>
        </tr>
      </tbody>
    </table>
  );
}

/** The merge history: who merged what and when, each merge's before-image, and Undo. */
export function MergeHistory({ onChanged }: { onChanged: () => void }) {
  const [rows, setRows] = useState<MergeEntry[]>([]);
  const [total, setTotal] = useState<number | null>(null);
  const [open, setOpen] = useState<number | null>(null);
  const [busy, setBusy] = useState<number | null>(null);
  const [error, setError] = useState<unknown>(undefined);
  const [notice, setNotice] = useState<string | undefined>(undefined);
  /** An undo refused because a record changed since the merge, waiting for the person's word. */
  const [changed, setChanged] = useState<{ entry: MergeEntry; message: string } | null>(null);

  const load = useCallback((count: number) => api.merges(0, Math.min(500, Math.max(PAGE, count))), []);
  const show = (page: MergePage) => {
    setRows(page.rows);
    setTotal(page.total);
  };

  useEffect(() => {
    let live = true;
    load(PAGE)
      .then((page) => {
        if (!live) return;
        setRows(page.rows);
        setTotal(page.total);
      })
      .catch((e: unknown) => live && setError(e));
    return () => {
      live = false;
    };
  }, [load]);

  const reload = async (count: number) => {
    try {
      show(await load(count));
    } catch (e) {
      setError(e);
    }
  };

  const undo = async (entry: MergeEntry, overwriteChanged = false) => {
    setBusy(entry.id);
    setError(undefined);
    setNotice(undefined);
    setChanged(null);
    try {
      const done = await api.undoMerge(entry.id, overwriteChanged);
      setNotice(
        `Merge of “${done.master_name}” undone: ${countOf(done.members.length, "record")} back as they were, in every CRM.`,
      );
      onChanged();
    } catch (e) {
      // Someone changed a record since the merge: say so, and let the person decide.
      if (e instanceof IpcError && e.code === "changed_since") setChanged({ entry, message: e.message });
      else setError(e);
    } finally {
      setBusy(null);
      await reload(rows.length);
    }
  };

  if (total === 0)
    return (
      <EmptyState title="No merges yet">
        <p>
          Merges you make appear here with who made them, when, and every record as it was, so any can be
          undone.
        </p>
      </EmptyState>
    );
  return (
    <div className="merge-history" data-testid="merge-history">
      <ErrorBanner error={error} />
      {changed ? (
        <Modal title="Changed since the merge" onClose={() => setChanged(null)} testid="changed-since">
          <p>{sentence(changed.message)}</p>
          <div className="actions">
            <button
              className="danger"
              onClick={() => void undo(changed.entry, true)}
              data-testid="undo-anyway"
            >
              Undo anyway
            </button>
            <button onClick={() => setChanged(null)} data-cancel>
              Keep the merge
            </button>
          </div>
        </Modal>
      ) : null}
      {notice ? (
        <p className="notice" role="status" data-testid="undo-notice">
          {notice}
        </p>
      ) : null}
      <table className="grid merges">
        <thead>
          <tr>
            <th>When</th>
            <th>By</th>
            <th>Kept</th>
            <th>Merged or linked</th>
            <th>Status</th>
            <th>
              <span className="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((e) => {
            const others = e.members.filter((m) => m.record_id !== e.master);
            const undoable = e.status === "applied" || e.status === "failed";
            return (
              <Fragment key={e.id}>
                <tr data-testid="merge-row" className={e.status === "undone" ? "undone" : undefined}>
                  <td className="nowrap">{formatShortTime(e.applied_at)}</td>
                  <td>{e.merged_by}</td>
                  <td>
                    <strong>{e.master_name}</strong>
                    <div className="muted small">{objectTypeName(e.object_type)}</div>
                  </td>
                  <td>
                    {others.map((m) => (
                      <div key={m.record_id} className="small">
                        <ProviderBadge provider={m.provider} /> {m.display_name}{" "}
                        <span className="muted">{m.role === "merged" ? "merged" : "linked"}</span>
                      </div>
                    ))}
                  </td>
                  <td>
                    <span className={`status status-${e.status}`} data-testid="merge-status">
                      {STATUS_LABEL[e.status] ?? e.status}
                    </span>
                    {e.undone_at ? <div className="muted small">{formatShortTime(e.undone_at)}</div> : null}
                    {e.error ? <div className="small error-text">{e.error}</div> : null}
                  </td>
                  <td className="nowrap">
                    <button
                      onClick={() => setOpen(open === e.id ? null : e.id)}
                      aria-expanded={open === e.id}
                    >
                      {open === e.id ? "Hide before and after" : "Before and after"}
                    </button>{" "}
                    {undoable ? (
                      <button onClick={() => void undo(e)} disabled={busy !== null} data-testid="undo-merge">
                        {busy === e.id ? "Undoing…" : "Undo"}
                      </button>
                    ) : null}
                  </td>
                </tr>
                {open === e.id ? (
                  <tr className="detail">
                    <td colSpan={6}>
                      <BeforeImage entry={e} />
                    </td>
                  </tr>
                ) : null}
              </Fragment>
            );
          })}
        </tbody>
      </table>
      {total !== null && rows.length < total ? (
        <button onClick={() => void reload(rows.length + PAGE)}>
          Show more ({countOf(total - rows.length, "merge")})
        </button>
      ) : null}
    </div>
  );
}

/** The engine's refusal as a sentence for the app: capitalised, without the command line's flag. */
function sentence(message: string): string {
  const text = message.replace(/ \(“Undo anyway”, or `--overwrite-changed`\)/, "");
  const capitalised = text.charAt(0).toUpperCase() + text.slice(1);
  return /[.!?]$/.test(capitalised) ? capitalised : `${capitalised}.`;
}
