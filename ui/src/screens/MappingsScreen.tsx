import { useCallback } from "react";
import type { SavedMappingRow } from "../bindings/SavedMappingRow";
import { EmptyState } from "../components/EmptyState";
import { ErrorBanner } from "../components/ErrorBanner";
import { ProviderBadge } from "../components/ProviderBadge";
import { useCommand } from "../components/useCommand";
import { formatTime } from "../format";
import { api } from "../ipc";
import { MappingEditor } from "./mappings/MappingEditor";

function SavedTable({ title, rows, testid }: { title: string; rows: SavedMappingRow[]; testid: string }) {
  if (rows.length === 0) return null;
  return (
    <>
      <h3>{title}</h3>
      <table className="grid" data-testid={testid}>
        <thead>
          <tr>
            <th>Name</th>
            <th className="num">Mapped</th>
            <th>Fallback owner</th>
            <th className="num">Version</th>
            <th>Saved</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((m) => (
            <tr key={m.name}>
              <td>{m.name}</td>
              <td className="num">{m.count}</td>
              <td>{m.fallback_owner ?? ""}</td>
              <td className="num">v{m.version}</td>
              <td>{formatTime(m.saved_at)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

export function MappingsScreen() {
  const load = useCallback(() => api.fieldMappings(), []);
  const { data, error, reload: reloadFields } = useCommand(load);
  const loadSaved = useCallback(() => api.stageAndOwnerMappings(), []);
  const saved = useCommand(loadSaved);
  const loadConnections = useCallback(
    () => api.status().then((s) => s.connections.map((c) => c.connection)),
    [],
  );
  const connections = useCommand(loadConnections);
  const reload = () => {
    reloadFields();
    saved.reload();
  };

  return (
    <section>
      <header className="screen-head">
        <h1>Mappings</h1>
        <p className="lede">
          How fields, pipeline stages and owners of one CRM correspond to another's. Sync and migration both
          use them.
        </p>
      </header>
      <ErrorBanner error={error ?? saved.error ?? connections.error} />
      {connections.data && connections.data.length >= 2 ? (
        <MappingEditor connections={connections.data} onSaved={reload} />
      ) : null}
      <SavedTable title="Stage mappings" rows={saved.data?.stages ?? []} testid="stage-mappings" />
      <SavedTable title="Owner mappings" rows={saved.data?.owners ?? []} testid="owner-mappings" />
      {data && data.length > 0 ? <h3>Field mappings</h3> : null}
      {data && data.length === 0 ? (
        <EmptyState title="No field mappings saved">
          <p>
            Field mappings are saved from the editor above or by the migration wizard: each object's fields,
            as a new version whenever they change. The next migration between the two connections starts from
            them.
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
