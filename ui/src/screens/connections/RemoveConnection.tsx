import { useCallback, useState } from "react";
import type { Connection } from "../../bindings/Connection";
import { ErrorBanner } from "../../components/ErrorBanner";
import { Modal } from "../../components/Modal";
import { useCommand } from "../../components/useCommand";
import { countOf as count } from "../../format";
import { api } from "../../ipc";

/** The confirmation of "Remove": what goes (the sign-in, the mirrored records unless kept) and what stays. */
export function RemoveConnection({
  connection,
  onRemoved,
  onCancel,
}: {
  connection: Connection;
  onRemoved: () => void;
  onCancel: () => void;
}) {
  const load = useCallback(() => api.disconnectPreview(connection.id), [connection.id]);
  const preview = useCommand(load);
  const [keepRecords, setKeepRecords] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const p = preview.data;

  const remove = async () => {
    setBusy(true);
    setError(undefined);
    try {
      await api.disconnect(connection.id, keepRecords);
      onRemoved();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      title={`Remove ${connection.label}?`}
      onClose={onCancel}
      busy={busy}
      className="wide remove-connection"
      testid="remove-connection"
    >
      <ErrorBanner error={preview.error ?? error} />
      {p ? (
        <>
          <div className="two-lists">
            <div>
              <h3>Goes</h3>
              <ul>
                <li>Its sign-in, from your system keyring</li>
                {keepRecords ? null : <li>{count(p.records, "mirrored record")}, from this workspace</li>}
              </ul>
            </div>
            <div>
              <h3>Stays</h3>
              <ul data-testid="remove-stays">
                <li>{count(p.merges, "merge")}, with their undo</li>
                <li>{count(p.migrations, "migration")}, with their rollback</li>
                <li>{count(p.sync_pairs, "sync pair")} (paused until you sign in again)</li>
                <li>{count(p.failed_records, "failed record")} in the queue</li>
                {keepRecords ? <li>{count(p.records, "mirrored record")}</li> : null}
              </ul>
            </div>
          </div>
          <label className="check">
            <input
              type="checkbox"
              checked={keepRecords}
              onChange={(e) => setKeepRecords(e.target.checked)}
              data-testid="keep-records"
            />
            Keep its records in this workspace
          </label>
          <p className="muted small">
            Nothing changes in {connection.label} itself. The workspace is backed up first, and “Sign in
            again” brings the connection back with its history.
          </p>
        </>
      ) : (
        <p className="muted">Counting what it holds…</p>
      )}
      <div className="actions">
        <button
          className="danger"
          onClick={() => void remove()}
          disabled={!p || busy}
          data-testid="confirm-remove"
        >
          {busy ? "Removing…" : "Remove connection"}
        </button>
        <button onClick={onCancel} disabled={busy} data-cancel>
          Cancel
        </button>
      </div>
    </Modal>
  );
}
