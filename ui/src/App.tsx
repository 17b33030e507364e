import {
  ArrowLeftRight,
  CircleAlert,
  Copy,
  Database,
  GitCompareArrows,
  LogOut,
  Plug,
  Route,
  ScrollText,
  Settings,
  type LucideIcon,
} from "lucide-react";
import { useCallback, useEffect, useState } from "react";
import { Confirm } from "./components/Confirm";
import { EmptyState } from "./components/EmptyState";
import { ErrorBanner } from "./components/ErrorBanner";
import { JobsIndicator } from "./components/JobsIndicator";
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
import { applyTheme } from "./theme";

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

const compact = new Intl.NumberFormat("en-US", { notation: "compact" });

/** Screens that have something to show before any CRM is connected. */
const WITHOUT_CONNECTIONS: ScreenId[] = ["connections", "log", "settings"];

/** Each screen with its icon: below 1,100 px the sidebar narrows to the icons (the label stays the
 *  button's name and shows as a tooltip). */
const SCREENS: { id: ScreenId; label: string; icon: LucideIcon }[] = [
  { id: "connections", label: "Connections", icon: Plug },
  { id: "records", label: "Records", icon: Database },
  { id: "duplicates", label: "Duplicates", icon: Copy },
  { id: "sync", label: "Sync", icon: ArrowLeftRight },
  { id: "conflicts", label: "Conflicts", icon: GitCompareArrows },
  { id: "mappings", label: "Mappings", icon: Route },
  { id: "migration", label: "Migration", icon: LogOut },
  { id: "failed", label: "Failed records", icon: CircleAlert },
  { id: "log", label: "Activity log", icon: ScrollText },
  { id: "settings", label: "Settings", icon: Settings },
];

export function App() {
  const [screen, setScreen] = useState<ScreenId>("connections");
  /** Bumped when the app switches workspace: every screen starts afresh. */
  const [workspace, setWorkspace] = useState(0);
  const loadOverview = useCallback(() => api.overview(), []);
  const overview = useCommand(loadOverview);
  useEffect(() => {
    api.settings().then(
      (s) => applyTheme(s.theme),
      () => applyTheme("system"),
    );
  }, [workspace]);
  // Closing the window while jobs run: the app asks, and stops them only when told.
  const [closing, setClosing] = useState(0);
  useEffect(() => {
    const off = api.onCloseRequested(setClosing);
    return () => void off.then((f) => f());
  }, []);
  const demo = overview.data?.demo ?? false;
  useEffect(() => {
    document.title = demo ? "CRM Bridge — Demo" : "CRM Bridge";
  }, [demo]);
  // A workspace with nothing in it yet (failed records and conflicts outlive a removed connection).
  const nothing =
    overview.data !== undefined &&
    overview.data.connections === 0 &&
    overview.data.records === 0 &&
    overview.data.open_failed_records === 0 &&
    overview.data.open_conflicts === 0;
  const empty = nothing && !WITHOUT_CONNECTIONS.includes(screen);
  const label = SCREENS.find((s) => s.id === screen)?.label ?? "";
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
        <div className="brand">
          <span className="brand-name">CRM Bridge</span>
          <span className="brand-short" aria-hidden>
            CB
          </span>
          {demo ? (
            <span className="demo-badge" data-testid="demo-badge">
              Demo
            </span>
          ) : null}
        </div>
        {SCREENS.map((s) => (
          <button
            key={s.id}
            className={s.id === screen ? "nav-item active" : "nav-item"}
            aria-current={s.id === screen ? "page" : undefined}
            data-testid={`nav-${s.id}`}
            title={badge[s.id] ? `${s.label} (${formatCount(badge[s.id]!)})` : s.label}
            onClick={() => {
              setScreen(s.id);
              overview.reload();
            }}
          >
            <s.icon className="nav-icon" size={18} aria-hidden />
            <span className="nav-label">{s.label}</span>
            {badge[s.id] ? (
              <span className={s.id === "failed" || s.id === "conflicts" ? "count count-alert" : "count"}>
                <span className="count-full">{formatCount(badge[s.id]!)}</span>
                {/* The narrowed sidebar's badge: "5K" fits beside an icon where "5,000" covers it. */}
                <span className="count-short">{compact.format(badge[s.id]!)}</span>
              </span>
            ) : null}
          </button>
        ))}
        <JobsIndicator
          onOpen={(id) => {
            setScreen(id);
            overview.reload();
          }}
        />
        <div className="sidebar-foot" title={overview.data?.database_path ?? undefined}>
          <div className="foot-text">
            {overview.data?.demo ? "Demo workspace" : "Local workspace"}
            {overview.data?.database_path ? (
              <div className="db-path">{overview.data.database_path}</div>
            ) : null}
          </div>
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
      {closing ? (
        <Confirm
          title={closing === 1 ? "Quit while a job runs?" : `Quit while ${closing} jobs run?`}
          action="Stop and quit"
          busyLabel="Stopping…"
          danger
          onConfirm={() => api.quitAnyway()}
          onClose={() => setClosing(0)}
          testid="confirm-quit"
        >
          <p>
            Each stops after the batch it is sending. Nothing is lost: every write is recorded before it is
            sent, and the next run goes on where this one stopped.
          </p>
        </Confirm>
      ) : null}
      <main className="content" data-testid={`screen-${screen}`} key={workspace}>
        <ErrorBanner error={overview.error} />
        {empty ? (
          <EmptyState title={`${label}: nothing here yet`}>
            <p>
              Connect a CRM first: its records, duplicates, mappings and syncs appear here once it is pulled.
            </p>
            <button className="primary" onClick={() => setScreen("connections")} data-testid="go-connect">
              Connect a CRM
            </button>
          </EmptyState>
        ) : null}
        {screen === "connections" && (
          <ConnectionsScreen
            onOpenRecords={() => setScreen("records")}
            onChanged={overview.reload}
            demoAvailable={overview.data?.demo_available ?? false}
          />
        )}
        {!empty && screen === "records" && <RecordsScreen />}
        {!empty && screen === "duplicates" && <DuplicatesScreen onChanged={overview.reload} />}
        {!empty && screen === "sync" && <SyncScreen onChanged={overview.reload} onOpen={setScreen} />}
        {!empty && screen === "conflicts" && <ConflictsScreen onChanged={overview.reload} />}
        {!empty && screen === "mappings" && <MappingsScreen />}
        {!empty && screen === "migration" && <MigrationScreen onOpenFailed={() => setScreen("failed")} />}
        {!empty && screen === "failed" && <FailedRecordsScreen onChanged={overview.reload} />}
        {screen === "log" && <LogScreen />}
        {screen === "settings" && (
          <SettingsScreen
            onChanged={overview.reload}
            onWorkspaceChanged={() => {
              setScreen("connections");
              setWorkspace((n) => n + 1);
              overview.reload();
            }}
          />
        )}
      </main>
    </div>
  );
}
