import { useState } from "react";
import type { Conflict } from "../../bindings/Conflict";
import { ErrorBanner } from "../../components/ErrorBanner";
import { formatTime, objectTypeName } from "../../format";
import { api } from "../../ipc";

/** The pick of a deletion conflict (the engine's `RECORD_PICK`). */
const RECORD = "record";

/**
 * A record deleted on one side of a pair that the pair asks about before deleting it on the other: the
 * pair is set to ask, or the record left changed since the last sync. Delete it there too, or keep it.
 */
export function DeletionConflictCard({
  conflict,
  onSettled,
}: {
  conflict: Conflict;
  onSettled: (message: string) => void;
}) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const gone = conflict.deleted_side ?? "a";
  const kept = gone === "a" ? "b" : "a";
  const label = { a: conflict.a_label, b: conflict.b_label };
  const id = { a: conflict.a_remote_id, b: conflict.b_remote_id };
  const settle = async (pick: "a" | "b") => {
    setBusy(true);
    setError(undefined);
    try {
      const c = await api.resolveConflict(conflict.id, { [RECORD]: pick });
      onSettled(
        pick === gone
          ? c.failed
            ? `${conflict.a_name}: ${label[kept]} refused the delete — see Failed records.`
            : `${conflict.a_name}: deleted in ${label[kept]} too. Undo it under Sync if you need it back.`
          : `${conflict.a_name}: kept in ${label[kept]}; the sync leaves it there.`,
      );
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <article className="panel conflict" data-testid="deletion-conflict">
      <div className="pair-head">
        <div>
          <h2>
            {objectTypeName(conflict.object_type)} {conflict.a_name}
          </h2>
          <p className="muted">
            {conflict.pair_name} · deleted in {label[gone]} · found {formatTime(conflict.created_at)}
          </p>
        </div>
      </div>
      <ErrorBanner error={error} />
      <p>
        {conflict.a_name} was deleted in {label[gone]} <span className="mono muted">{id[gone]}</span> and is
        still in {label[kept]} <span className="mono muted">{id[kept]}</span>. The pair asks before deleting
        it there: it is set to ask, the record changed in {label[kept]} since the last sync, or other records
        there link to it (deleting it in {label[kept]} could take them along).
      </p>
      <div className="actions">
        <button className="danger" onClick={() => void settle(gone)} disabled={busy} data-testid="delete-too">
          Delete it in {label[kept]} too
        </button>
        <button onClick={() => void settle(kept)} disabled={busy} data-testid="keep-record">
          Keep it in {label[kept]}
        </button>
      </div>
      <p className="muted">
        Deleting can be undone under Sync (the record is created again from the fields it had). Keeping it
        leaves it in {label[kept]} for good: the sync neither deletes it nor creates it in {label[gone]}{" "}
        again.
      </p>
    </article>
  );
}
