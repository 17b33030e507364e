import { useCallback } from "react";
import { ErrorBanner } from "../../components/ErrorBanner";
import { useCommand } from "../../components/useCommand";
import { api } from "../../ipc";

/** The version, where things are kept, and the licences of every bundled library. */
export function AboutPanel() {
  const load = useCallback(() => api.about(), []);
  const { data, error } = useCommand(load);
  if (!data) return <ErrorBanner error={error} />;
  return (
    <div data-testid="about">
      <dl className="facts">
        <dt>Version</dt>
        <dd data-testid="about-version">CRM Bridge {data.version}</dd>
        <dt>Workspace</dt>
        <dd className="mono small">{data.workspace ?? "in memory"}</dd>
        <dt>Backups</dt>
        <dd className="mono small">{data.backups}</dd>
        <dt>Logs</dt>
        <dd className="mono small">{data.logs ?? "not written"}</dd>
      </dl>
      <details>
        <summary data-testid="licences-summary">
          Licences of the {data.licences.length} bundled libraries
        </summary>
        <table className="grid compact" data-testid="licences">
          <thead>
            <tr>
              <th>Library</th>
              <th>Version</th>
              <th>Licence</th>
              <th>From</th>
            </tr>
          </thead>
          <tbody>
            {data.licences.map((l) => (
              <tr key={`${l.ecosystem}:${l.name}:${l.version}`}>
                <td>{l.name}</td>
                <td className="mono small">{l.version}</td>
                <td>{l.licence}</td>
                <td className="muted">{l.ecosystem === "npm" ? "npm" : "crates.io"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </div>
  );
}
