import { useCallback, useMemo } from "react";
import type { Connection } from "../bindings/Connection";
import type { ErrorCategory } from "../bindings/ErrorCategory";
import type { WriteOperation } from "../bindings/WriteOperation";
import { EmptyState } from "../components/EmptyState";
import { ErrorBanner } from "../components/ErrorBanner";
import { useCommand } from "../components/useCommand";
import { ProviderBadge } from "../components/ProviderBadge";
import { countOf, formatTime, objectTypeLabel } from "../format";
import { api } from "../ipc";

const CATEGORY_LABEL: { [C in ErrorCategory]: string } = {
  validation: "Invalid data",
  auth: "Sign-in",
  permission: "Permission",
  rate_limit: "Rate limit",
  not_found: "Not found",
  conflict: "Conflict",
  server: "CRM error",
  network: "Network",
};

const OPERATION_LABEL: { [O in WriteOperation]: string } = {
  create: "Create",
  update: "Update",
  upsert: "Create or update",
  delete: "Delete",
  merge: "Merge",
};

function ConnectionCell({ connection }: { connection: Connection | undefined }) {
  if (!connection) return null;
  return (
    <span className="nowrap">
      <ProviderBadge provider={connection.provider} /> {connection.label}
    </span>
  );
}

export function FailedRecordsScreen() {
  const load = useCallback(() => api.failedRecords(0, 500), []);
  const { data, error } = useCommand(load);
  const loadStatus = useCallback(() => api.status(), []);
  const status = useCommand(loadStatus);
  const connectionById = useMemo(
    () => new Map((status.data?.connections ?? []).map((c) => [c.connection.id, c.connection])),
    [status.data],
  );

  return (
    <section>
      <header className="screen-head">
        <h1>Failed records</h1>
        <p className="lede">
          Every write a CRM refused waits here, from every connection, until you fix it and send it again or
          discard it. Nothing is dropped silently.
        </p>
      </header>
      <ErrorBanner error={error} />
      {data && data.total === 0 ? (
        <EmptyState title="Nothing has failed">
          <p>
            When a sync or migration write is rejected — an invalid e-mail, a missing required field, an
            expired sign-in — the record lands here with the CRM's own message and the field it named.
          </p>
        </EmptyState>
      ) : null}
      {data && data.total > 0 ? (
        <>
          <p className="muted">
            {countOf(data.total, "record")} {data.total === 1 ? "waits" : "wait"} for a fix
          </p>
          <table className="grid" data-testid="failed-records">
            <thead>
              <tr>
                <th>Problem</th>
                <th>CRM</th>
                <th>Write</th>
                <th>Field</th>
                <th>What the CRM said</th>
                <th className="num">Attempts</th>
                <th>Since</th>
              </tr>
            </thead>
            <tbody>
              {data.rows.map((f) => (
                <tr key={f.id}>
                  <td>
                    <span className={`tag tag-${f.category}`}>{CATEGORY_LABEL[f.category]}</span>
                  </td>
                  <td>
                    <ConnectionCell connection={connectionById.get(f.connection_id)} />
                  </td>
                  <td>
                    {OPERATION_LABEL[f.operation]} {objectTypeLabel[f.object_type].toLowerCase()}
                    {f.remote_id ? <span className="mono muted"> {f.remote_id}</span> : null}
                  </td>
                  <td className="mono">{f.field ?? "—"}</td>
                  <td>{f.message}</td>
                  <td className="num">{f.attempts}</td>
                  <td>{formatTime(f.created_at)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      ) : null}
    </section>
  );
}
