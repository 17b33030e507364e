import { useCallback } from "react";
import { EmptyState } from "../components/EmptyState";
import { ErrorBanner } from "../components/ErrorBanner";
import { useCommand } from "../components/useCommand";
import { formatCount, formatTime } from "../format";
import { api } from "../ipc";

const STATUS_LABEL: Record<string, string> = {
  draft: "Draft",
  dry_run: "Dry run done",
  running: "Running",
  paused: "Paused",
  completed: "Completed",
  failed: "Failed",
  rolled_back: "Rolled back",
};

export function MigrationScreen() {
  const load = useCallback(() => api.migrations(), []);
  const { data, error } = useCommand(load);

  return (
    <section>
      <header className="screen-head">
        <h1>Migration</h1>
        <p className="lede">
          Move a whole CRM into another, step by step: choose objects, map fields and stages, match what
          already exists, try a dry run that writes nothing, then run — and roll back if you need to.
        </p>
      </header>
      <ErrorBanner error={error} />
      {data && data.length === 0 ? (
        <EmptyState title="No migrations yet">
          <p>
            A migration needs a source and a target connection. Plans are saved, so you can stop at any step
            and come back later.
          </p>
        </EmptyState>
      ) : null}
      {data && data.length > 0 ? (
        <table className="grid" data-testid="migrations">
          <thead>
            <tr>
              <th>Name</th>
              <th>Status</th>
              <th className="num">Done</th>
              <th className="num">Failed</th>
              <th className="num">Planned</th>
              <th>Updated</th>
            </tr>
          </thead>
          <tbody>
            {data.map((m) => (
              <tr key={m.id}>
                <td>{m.name}</td>
                <td>{STATUS_LABEL[m.status] ?? m.status}</td>
                <td className="num">{formatCount(m.items_done)}</td>
                <td className="num">{formatCount(m.items_failed)}</td>
                <td className="num">{formatCount(m.items_total)}</td>
                <td>{formatTime(m.updated_at)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}
