import { useCallback, useState } from "react";
import { ErrorBanner } from "./components/ErrorBanner";
import { useCommand } from "./components/useCommand";
import { formatCount } from "./format";
import { api } from "./ipc";
import { ConflictsScreen } from "./screens/ConflictsScreen";
import { ConnectionsScreen } from "./screens/ConnectionsScreen";
import { DuplicatesScreen } from "./screens/DuplicatesScreen";
import { FailedRecordsScreen } from "./screens/FailedRecordsScreen";
import { LogScreen } from "./screens/LogScreen";
import { MappingsScreen } from "./screens/MappingsScreen";
import { MigrationScreen } from "./screens/MigrationScreen";
import { RecordsScreen } from "./screens/RecordsScreen";
import { SettingsScreen } from "./screens/SettingsScreen";
import { SyncScreen } from "./screens/SyncScreen";

export type ScreenId =
  | "connections"
  | "records"
  | "duplicates"
  | "sync"
  | "conflicts"
  | "mappings"
  | "migration"
  | "failed"
  | "log"
  | "settings";

const SCREENS: { id: ScreenId; label: string }[] = [
  { id: "connections", label: "Connections" },
  { id: "records", label: "Records" },
  { id: "duplicates", label: "Duplicates" },
  { id: "sync", label: "Sync" },
  { id: "conflicts", label: "Conflicts" },
  { id: "mappings", label: "Mappings" },
  { id: "migration", label: "Migration" },
  { id: "failed", label: "Failed records" },
  { id: "log", label: "Activity log" },
  { id: "settings", label: "Settings" },
];

export function App() {
  const [screen, setScreen] = useState<ScreenId>("connections");
  /** Bumped when the app switches workspace: every screen starts afresh. */
  const [workspace, setWorkspace] = useState(0);
  const loadOverview = useCallback(() => api.overview(), []);
  const overview = useCommand(loadOverview);
  const badge: Partial<Record<ScreenId, number>> = overview.data
    ? {
        connections: overview.data.connections,
        records: overview.data.records,
        duplicates: overview.data.open_duplicate_groups,
        failed: overview.data.open_failed_records,
        conflicts: overview.data.open_conflicts,
      }
    : {};

  return (
    <div className="app">
      <nav className="sidebar" aria-label="Screens">
        <div className="brand">CRM Bridge</div>
        {SCREENS.map((s) => (
          <button
            key={s.id}
            className={s.id === screen ? "nav-item active" : "nav-item"}
            aria-current={s.id === screen ? "page" : undefined}
            data-testid={`nav-${s.id}`}
            onClick={() => {
              setScreen(s.id);
              overview.reload();
            }}
          >
            <span>{s.label}</span>
            {badge[s.id] ? (
              <span className={s.id === "failed" || s.id === "conflicts" ? "count count-alert" : "count"}>
                {formatCount(badge[s.id]!)}
              </span>
            ) : null}
          </button>
        ))}
        <div className="sidebar-foot" title={overview.data?.database_path ?? undefined}>
          {overview.data?.demo ? "Demo workspace" : "Local workspace"}
          {overview.data?.database_path ? <div className="db-path">{overview.data.database_path}</div> : null}
          {overview.data?.demo ? (
            <button
              className="leave-demo"
              data-testid="leave-demo"
              onClick={() =>
                void api.leaveDemo().then(() => {
                  setScreen("connections");
                  setWorkspace((n) => n + 1);
                  overview.reload();
                })
              }
            >
              Back to my workspace
            </button>
          ) : null}
        </div>
      </nav>
      <main className="content" data-testid={`screen-${screen}`} key={workspace}>
        <ErrorBanner error={overview.error} />
        {screen === "connections" && (
          <ConnectionsScreen onOpenRecords={() => setScreen("records")} onChanged={overview.reload} />
        )}
        {screen === "records" && <RecordsScreen />}
        {screen === "duplicates" && <DuplicatesScreen onChanged={overview.reload} />}
        {screen === "sync" && <SyncScreen onChanged={overview.reload} />}
        {screen === "conflicts" && <ConflictsScreen onChanged={overview.reload} />}
        {screen === "mappings" && <MappingsScreen />}
        {screen === "migration" && <MigrationScreen onOpenFailed={() => setScreen("failed")} />}
        {screen === "failed" && <FailedRecordsScreen onChanged={overview.reload} />}
        {screen === "log" && <LogScreen />}
        {screen === "settings" && <SettingsScreen onChanged={overview.reload} />}
      </main>
    </div>
  );
}
