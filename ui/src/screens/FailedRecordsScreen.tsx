import { useCallback } from "react";
import type { ErrorCategory } from "../bindings/ErrorCategory";
import { EmptyState } from "../components/EmptyState";
import { ErrorBanner } from "../components/ErrorBanner";
import { useCommand } from "../components/useCommand";
import { formatCount, formatTime, objectTypeLabel } from "../format";
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

export function FailedRecordsScreen() {
  const load = useCallback(() => api.failedRecords(0, 500), []);
  const { data, error } = useCommand(load);

  return (
    <section>
      <header className="screen-head">
        <h1>Failed records</h1>
        <p className="lede">
          Every write a CRM refused waits here, from every connection, until you fix it and send it again
          or discard it. Nothing is dropped silently.
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
          <p className="muted">{formatCount(data.total)} records wait for a fix</p>
          <table className="grid" data-testid="failed-records">
            <thead>
              <tr>
                <th>Problem</th>
                <th>Record</th>
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
                    {objectTypeLabel[f.object_type]} {f.operation}
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
