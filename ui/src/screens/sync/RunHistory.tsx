import type { SyncRun } from "../../bindings/SyncRun";
import type { ScreenId } from "../../App";
import { formatCount, formatTime } from "../../format";

const STATUS_LABEL: { [S in SyncRun["status"]]: string } = {
  running: "Running",
  succeeded: "Done",
  failed: "Failed",
  cancelled: "Cancelled",
  interrupted: "Interrupted",
};

/** The runs of a pair, newest first, with their counts and errors; failures and conflicts lead to
 *  where they wait. */
export function RunHistory({ runs, onOpen }: { runs: SyncRun[]; onOpen?: (screen: ScreenId) => void }) {
  const count = (n: number, screen: ScreenId, what: string) =>
    n && onOpen ? (
      <button className="link" onClick={() => onOpen(screen)} aria-label={`${formatCount(n)} ${what}: open`}>
        {formatCount(n)}
      </button>
    ) : (
      formatCount(n)
    );
  if (runs.length === 0) return <p className="muted">No runs yet.</p>;
  return (
    <table className="grid" data-testid="sync-runs">
      <thead>
        <tr>
          <th>Started</th>
          <th>Status</th>
          <th className="num">Created</th>
          <th className="num">Updated</th>
          <th className="num">Deleted</th>
          <th className="num">Unchanged</th>
          <th className="num">Failed</th>
          <th className="num">Conflicts</th>
          <th>Error</th>
        </tr>
      </thead>
      <tbody>
        {runs.map((r) => (
          <tr key={r.id}>
            <td>{formatTime(r.started_at)}</td>
            <td>
              <span className={`tag tag-run-${r.status}`}>{STATUS_LABEL[r.status]}</span>
            </td>
            <td className="num">{formatCount(r.counts.created)}</td>
            <td className="num">{formatCount(r.counts.updated)}</td>
            <td className="num">{formatCount(r.counts.deleted)}</td>
            <td className="num">{formatCount(r.counts.unchanged)}</td>
            <td className={r.counts.failed ? "num alert" : "num"}>
              {count(r.counts.failed, "failed", "failed records")}
            </td>
            <td className={r.counts.conflicts ? "num alert" : "num"}>
              {count(r.counts.conflicts, "conflicts", "conflicts")}
            </td>
            <td>{r.error ?? ""}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
