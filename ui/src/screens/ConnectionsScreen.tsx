import { useCallback } from "react";
import { EmptyState } from "../components/EmptyState";
import { ErrorBanner } from "../components/ErrorBanner";
import { ProviderBadge } from "../components/ProviderBadge";
import { useCommand } from "../components/useCommand";
import { formatCount, formatTime, objectTypeLabel } from "../format";
import { api } from "../ipc";

export function ConnectionsScreen({ onOpenRecords }: { onOpenRecords: () => void }) {
  const load = useCallback(() => api.status(), []);
  const { data, error, loading } = useCommand(load);

  return (
    <section>
      <header className="screen-head">
        <h1>Connections</h1>
        <p className="lede">
          The CRM accounts mirrored into this workspace. Your data stays on this computer.
        </p>
      </header>
      <ErrorBanner error={error} />
      {loading && !data ? <p className="muted">Loading…</p> : null}
      {data && data.connections.length === 0 ? (
        <EmptyState title="No CRM connected yet">
          <p>
            Connect HubSpot, Salesforce, Close or Pipedrive to mirror its companies, people, deals and
            activities here. Sign-in keys are kept in your operating system's keyring, never in the workspace
            file.
          </p>
          <p className="muted">Adding connections from this screen comes in the next release.</p>
        </EmptyState>
      ) : null}
      <div className="cards">
        {data?.connections.map(({ connection, counts, total }) => (
          <article className="card" key={connection.id} data-testid="connection-card">
            <div className="card-head">
              <ProviderBadge provider={connection.provider} />
              <h2>{connection.label}</h2>
            </div>
            <dl className="facts">
              <dt>Account</dt>
              <dd>{connection.account_id ?? "—"}</dd>
              <dt>Address</dt>
              <dd className="mono">{connection.base_url}</dd>
              <dt>Connected</dt>
              <dd>{formatTime(connection.created_at)}</dd>
            </dl>
            {counts.length === 0 ? (
              <p className="muted">No records pulled yet.</p>
            ) : (
              <table className="mini">
                <tbody>
                  {counts.map(([type, n]) => (
                    <tr key={type}>
                      <td>{objectTypeLabel[type]}</td>
                      <td className="num">{formatCount(n)}</td>
                    </tr>
                  ))}
                  <tr className="total">
                    <td>All records</td>
                    <td className="num">{formatCount(total)}</td>
                  </tr>
                </tbody>
              </table>
            )}
            <button className="link" onClick={onOpenRecords}>
              Browse records →
            </button>
          </article>
        ))}
      </div>
    </section>
  );
}
