import { useCallback, useState } from "react";
import type { MigrationPlan } from "../bindings/MigrationPlan";
import { EmptyState } from "../components/EmptyState";
import { ErrorBanner } from "../components/ErrorBanner";
import { useCommand } from "../components/useCommand";
import { formatCount, formatTime } from "../format";
import { api } from "../ipc";
import { Wizard } from "./migration/Wizard";

const STATUS_LABEL: Record<string, string> = {
  draft: "Draft",
  dry_run: "Dry run done",
  running: "Running",
  paused: "Paused",
  completed: "Completed",
  failed: "Failed",
  rolled_back: "Rolled back",
};

export function MigrationScreen({ onOpenFailed }: { onOpenFailed?: () => void }) {
  const load = useCallback(() => api.migrations(), []);
  const { data, error, reload } = useCommand(load);
  const loadConnections = useCallback(
    () => api.status().then((s) => s.connections.map((c) => c.connection)),
    [],
  );
  const connections = useCommand(loadConnections);
  // The wizard, on a new plan (null) or a saved one.
  const [open, setOpen] = useState<{ plan: MigrationPlan | null } | null>(null);
  const [openError, setOpenError] = useState<unknown>(null);

  if (open && connections.data) {
    return (
      <section>
        <header className="screen-head">
          <h1>Migration</h1>
        </header>
        <Wizard
          connections={connections.data}
          initial={open.plan}
          initialStep={open.plan ? 1 : 0}
          onClose={() => {
            setOpen(null);
            reload();
          }}
          onOpenFailed={onOpenFailed}
        />
      </section>
    );
  }

  return (
    <section>
      <header className="screen-head">
        <h1>Migration</h1>
        <p className="lede">
          Move a whole CRM into another, step by step: choose objects, map fields and stages, match what
          already exists, try a dry run that writes nothing, then run — and roll back if you need to.
        </p>
      </header>
      <ErrorBanner error={error ?? connections.error ?? openError} />
      <div className="actions">
        <button
          className="primary"
          data-testid="new-migration"
          disabled={(connections.data?.length ?? 0) < 2}
          title={(connections.data?.length ?? 0) < 2 ? "Connect a source and a target CRM first" : undefined}
          onClick={() => setOpen({ plan: null })}
        >
          New migration
        </button>
      </div>
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
              <th />
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
                <td>
                  <button
                    className="link"
                    onClick={() =>
                      void api.migrationPlan(m.id).then((plan) => setOpen({ plan }), setOpenError)
                    }
                  >
                    Open plan
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}
