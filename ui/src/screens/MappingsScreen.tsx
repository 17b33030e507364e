import { useCallback } from "react";
import { EmptyState } from "../components/EmptyState";
import { ErrorBanner } from "../components/ErrorBanner";
import { ProviderBadge } from "../components/ProviderBadge";
import { useCommand } from "../components/useCommand";
import { formatTime } from "../format";
import { api } from "../ipc";

export function MappingsScreen() {
  const load = useCallback(() => api.fieldMappings(), []);
  const { data, error } = useCommand(load);

  return (
    <section>
      <header className="screen-head">
        <h1>Mappings</h1>
        <p className="lede">
          How fields, pipeline stages and owners of one CRM correspond to another's. Sync and migration both
          use them.
        </p>
      </header>
      <ErrorBanner error={error} />
      {data && data.length === 0 ? (
        <EmptyState title="No mappings saved">
          <p>
            Mappings need two connected CRMs. You then pick an object on each side (for example Close leads
            and HubSpot companies), accept or change the suggested field pairs, and save. Every save keeps the
            previous version.
          </p>
        </EmptyState>
      ) : null}
      {data && data.length > 0 ? (
        <table className="grid" data-testid="field-mappings">
          <thead>
            <tr>
              <th>Name</th>
              <th>From</th>
              <th>To</th>
              <th className="num">Fields</th>
              <th className="num">Version</th>
              <th>Saved</th>
            </tr>
          </thead>
          <tbody>
            {data.map((m) => (
              <tr key={m.id}>
                <td>{m.name}</td>
                <td>
                  <ProviderBadge provider={m.source_provider} /> {m.source_object}
                </td>
                <td>
                  <ProviderBadge provider={m.target_provider} /> {m.target_object}
                </td>
                <td className="num">{m.rule_count}</td>
                <td className="num">v{m.version}</td>
                <td>{formatTime(m.created_at)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}
