import type { SyncRun } from "../../bindings/SyncRun";
import { formatTime } from "../../format";

const STATUS_LABEL: { [S in SyncRun["status"]]: string } = {
  running: "Running",
  succeeded: "Done",
  failed: "Failed",
  cancelled: "Cancelled",
  interrupted: "Interrupted",
};

/** The runs of a pair, newest first, with their counts and errors. */
export function RunHistory({ runs }: { runs: SyncRun[] }) {
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
            <td className="num">{r.counts.created}</td>
            <td className="num">{r.counts.updated}</td>
            <td className="num">{r.counts.deleted}</td>
            <td className="num">{r.counts.unchanged}</td>
            <td className={r.counts.failed ? "num alert" : "num"}>{r.counts.failed}</td>
            <td className={r.counts.conflicts ? "num alert" : "num"}>{r.counts.conflicts}</td>
            <td>{r.error ?? ""}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
