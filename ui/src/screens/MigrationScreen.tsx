import { useCallback, useState } from "react";
import type { MigrationPlan } from "../bindings/MigrationPlan";
import type { MigrationReport } from "../bindings/MigrationReport";
import type { MigrationRow } from "../bindings/MigrationRow";
import { EmptyState } from "../components/EmptyState";
import { ErrorBanner } from "../components/ErrorBanner";
import { useCommand } from "../components/useCommand";
import { formatCount, formatTime } from "../format";
import { api } from "../ipc";
import { STEPS, Wizard } from "./migration/Wizard";

const STATUS_LABEL: { [S in MigrationRow["status"]]: string } = {
  draft: "Draft",
  dry_run: "Dry run done",
  running: "Running",
  paused: "Cancelled (can go on)",
  completed: "Completed",
  failed: "Completed with failures",
  rolled_back: "Rolled back",
};

/** A migration that wrote (or tried to): its report and result file can be reopened. */
const ran = (m: MigrationRow) => m.items_total > 0 && m.status !== "draft" && m.status !== "dry_run";

export function MigrationScreen({ onOpenFailed }: { onOpenFailed?: () => void }) {
  const load = useCallback(() => api.migrations(), []);
  const { data, error, reload } = useCommand(load);
  const loadConnections = useCallback(
    () => api.status().then((s) => s.connections.map((c) => c.connection)),
    [],
  );
  const connections = useCommand(loadConnections);
  // The wizard, on a new plan (null) or a saved one.
  const [open, setOpen] = useState<{
    plan: MigrationPlan | null;
    report?: MigrationReport;
    step?: number;
  } | null>(null);
  const [openError, setOpenError] = useState<unknown>(null);

  const reopen = async (m: MigrationRow, step: number) => {
    setOpenError(null);
    try {
      const [plan, report] = await Promise.all([api.migrationPlan(m.id), api.migrationReport(m.id)]);
      setOpen({ plan, report, step });
    } catch (e) {
      setOpenError(e);
    }
  };

  if (open && connections.data) {
    return (
      <section>
        <header className="screen-head">
          <h1>Migration</h1>
        </header>
        <Wizard
          connections={connections.data}
          initial={open.plan}
          initialStep={open.step ?? (open.plan ? 1 : 0)}
          initialReport={open.report ?? null}
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
              <th>
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {data.map((m) => (
              <tr key={m.id}>
                <td>{m.name}</td>
                <td data-testid="migration-status">{STATUS_LABEL[m.status]}</td>
                <td className="num">{formatCount(m.items_done)}</td>
                <td className="num">{formatCount(m.items_failed)}</td>
                <td className="num">{formatCount(m.items_total)}</td>
                <td>{formatTime(m.updated_at)}</td>
                <td className="row-actions">
                  {ran(m) ? (
                    <button
                      className="link"
                      onClick={() => void reopen(m, STEPS.indexOf("Report"))}
                      data-testid="open-report"
                      aria-label={`Report of ${m.name}`}
                    >
                      Report
                    </button>
                  ) : null}
                  {ran(m) && m.status !== "rolled_back" && m.status !== "running" ? (
                    <button
                      className="link"
                      onClick={() => void reopen(m, STEPS.indexOf("Rollback"))}
                      data-testid="open-rollback"
                      aria-label={`Roll back ${m.name}`}
                    >
                      Roll back…
                    </button>
                  ) : null}
                  <button
                    className="link"
                    onClick={() =>
                      void api.migrationPlan(m.id).then((plan) => setOpen({ plan }), setOpenError)
                    }
                    aria-label={`Open the plan of ${m.name}`}
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
