import { useCallback, useState } from "react";
import type { SyncDeletion } from "../../bindings/SyncDeletion";
import { ErrorBanner } from "../../components/ErrorBanner";
import { useCommand } from "../../components/useCommand";
import { formatTime, objectTypeName } from "../../format";
import { api } from "../../ipc";

/**
 * The records a pair's syncs deleted because their counterpart was deleted on the other side, newest
 * first; each can be created again from the fields it had. (Its parent keys it by the pair's runs, so
 * a finished run reads the list again.)
 */
export function DeletionHistory({ pairId, labels }: { pairId: number; labels: { a: string; b: string } }) {
  const load = useCallback(() => api.syncDeletions(pairId, 20), [pairId]);
  const { data, error, reload } = useCommand(load);
  const [busy, setBusy] = useState<number | null>(null);
  const [failure, setFailure] = useState<unknown>(undefined);
  const [notice, setNotice] = useState<string | undefined>(undefined);
  const undo = async (d: SyncDeletion) => {
    setBusy(d.id);
    setFailure(undefined);
    try {
      const done = await api.undoSyncDeletion(d.id);
      setNotice(
        `${done.name} is back in ${labels[d.side]} (${done.restored_id ?? ""}); the sync leaves it alone.`,
      );
      reload();
    } catch (e) {
      setFailure(e);
    } finally {
      setBusy(null);
    }
  };
  if (!data || data.length === 0) return <ErrorBanner error={error} />;
  return (
    <>
      <h3>Deleted by this pair</h3>
      <ErrorBanner error={error ?? failure} />
      {notice ? (
        <p className="notice" role="status" data-testid="deletion-notice">
          {notice}
        </p>
      ) : null}
      <table className="grid" data-testid="sync-deletions">
        <thead>
          <tr>
            <th>Deleted</th>
            <th>Record</th>
            <th>In</th>
            <th>Because it was deleted in</th>
            <th>Undo</th>
          </tr>
        </thead>
        <tbody>
          {data.map((d) => (
            <tr key={d.id}>
              <td>{formatTime(d.deleted_at)}</td>
              <td>
                {objectTypeName(d.object_type)} {d.name} <span className="mono muted">{d.remote_id}</span>
              </td>
              <td>{labels[d.side]}</td>
              <td>{labels[d.side === "a" ? "b" : "a"]}</td>
              <td>
                {d.undone_at ? (
                  <span className="muted">Created again {formatTime(d.undone_at)}</span>
                ) : (
                  <button
                    onClick={() => void undo(d)}
                    disabled={busy !== null}
                    aria-label={`Undo: create ${d.name} again in ${labels[d.side]}`}
                    data-testid="undo-deletion"
                  >
                    {busy === d.id ? "Creating…" : "Undo"}
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
