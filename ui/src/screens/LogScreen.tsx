import { useCallback, useState } from "react";
import type { ConnectionId } from "../bindings/ConnectionId";
import { EmptyState } from "../components/EmptyState";
import { ConnectionFilter } from "../components/ConnectionFilter";
import { ErrorBanner } from "../components/ErrorBanner";
import { useCommand } from "../components/useCommand";
import { formatCount, formatShortTime } from "../format";
import { api } from "../ipc";

/** Every kind of action the log keeps, in the words a person uses. */
const ACTIONS: [string, string][] = [
  ["connect", "Connected"],
  ["reconnect", "Signed in again"],
  ["disconnect", "Removed a connection"],
  ["merge", "Merged"],
  ["undo_merge", "Undid a merge"],
  ["bulk_merge", "Merged all safe groups"],
  ["migration_run", "Ran a migration"],
  ["migration_rollback", "Rolled back a migration"],
  ["sync_run", "Ran a sync"],
  ["discard_failed", "Discarded failed records"],
  ["restore_backup", "Restored a backup"],
];
const actionLabel = new Map(ACTIONS);

/** The audit log: who changed what, when, in which CRM, and how many records. */
export function LogScreen() {
  const [action, setAction] = useState("");
  const [connection, setConnection] = useState<ConnectionId | "">("");
  const load = useCallback(
    () =>
      api.auditLog({
        action: action || null,
        connection_id: connection === "" ? null : connection,
        limit: 1000,
      }),
    [action, connection],
  );
  const { data, error } = useCommand(load);
  const loadConnections = useCallback(
    () => api.status().then((s) => s.connections.map((c) => c.connection)),
    [],
  );
  const connections = useCommand(loadConnections);
  const labelOf = new Map((connections.data ?? []).map((c) => [c.id, c.label]));

  return (
    <section>
      <header className="screen-head">
        <h1>Activity log</h1>
        <p className="lede">
          Every change CRM Bridge made to your CRMs or your sign-ins: who did it, when, and how many records
          it touched. Kept in this workspace.
        </p>
      </header>
      <div className="filters">
        <label>
          Action
          <select value={action} onChange={(e) => setAction(e.target.value)} data-testid="log-action">
            <option value="">Every action</option>
            {ACTIONS.map(([id, label]) => (
              <option key={id} value={id}>
                {label}
              </option>
            ))}
          </select>
        </label>
        <ConnectionFilter connections={connections.data ?? []} value={connection} onChange={setConnection} />
      </div>
      <ErrorBanner error={error ?? connections.error} />
      {data && data.length === 0 ? (
        <EmptyState title={action || connection !== "" ? "Nothing matches" : "Nothing logged yet"}>
          <p>Connecting, merging, migrating, syncing and discarding failed records each leave a line here.</p>
        </EmptyState>
      ) : null}
      {data && data.length > 0 ? (
        <table className="grid" data-testid="audit-log">
          <thead>
            <tr>
              <th>When</th>
              <th>Who</th>
              <th>Action</th>
              <th>Connection</th>
              <th>What</th>
              <th className="num">Records</th>
            </tr>
          </thead>
          <tbody>
            {data.map((e) => (
              <tr key={e.id}>
                <td className="nowrap">{formatShortTime(e.at)}</td>
                <td>{e.actor}</td>
                <td className="nowrap">{actionLabel.get(e.action) ?? e.action}</td>
                <td>
                  {e.connection_id === null ? "—" : (labelOf.get(e.connection_id) ?? `#${e.connection_id}`)}
                </td>
                <td>{e.subject}</td>
                <td className="num">{e.count ? formatCount(e.count) : ""}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}
