// The only module that talks to the Rust side. Every command is typed with the generated bindings.
import { invoke } from "@tauri-apps/api/core";
import { listen, type UnlistenFn } from "@tauri-apps/api/event";
import type { About } from "../bindings/About";
import type { AuditEntry } from "../bindings/AuditEntry";
import type { AuditQuery } from "../bindings/AuditQuery";
import type { BackupFile } from "../bindings/BackupFile";
import type { BulkMergePreview } from "../bindings/BulkMergePreview";
import type { DisconnectPreview } from "../bindings/DisconnectPreview";
import type { BulkMergeSummary } from "../bindings/BulkMergeSummary";
import type { DedupeSummary } from "../bindings/DedupeSummary";
import type { DuplicateGroup } from "../bindings/DuplicateGroup";
import type { Connection } from "../bindings/Connection";
import type { ConnectionCheck } from "../bindings/ConnectionCheck";
import type { ConnectionId } from "../bindings/ConnectionId";
import type { DuplicateGroupPage } from "../bindings/DuplicateGroupPage";
import type { ErrorCode } from "../bindings/ErrorCode";
import type { ErrorPayload } from "../bindings/ErrorPayload";
import type { FailedQuery } from "../bindings/FailedQuery";
import type { FailedGroup } from "../bindings/FailedGroup";
import type { FailedRecord } from "../bindings/FailedRecord";
import type { FailedRecordPage } from "../bindings/FailedRecordPage";
import type { FieldMappingRow } from "../bindings/FieldMappingRow";
import type { MergeChoice } from "../bindings/MergeChoice";
import type { MergeEntry } from "../bindings/MergeEntry";
import type { MergePage } from "../bindings/MergePage";
import type { MergePreview } from "../bindings/MergePreview";
import type { MigrationRow } from "../bindings/MigrationRow";
import type { Overview } from "../bindings/Overview";
import type { Provider } from "../bindings/Provider";
import type { PullProgress } from "../bindings/PullProgress";
import type { PullSummary } from "../bindings/PullSummary";
import type { Record as CrmRecord } from "../bindings/Record";
import type { RecordId } from "../bindings/RecordId";
import type { RecordPage } from "../bindings/RecordPage";
import type { RecordQuery } from "../bindings/RecordQuery";
import type { TimelineEntry } from "../bindings/TimelineEntry";
import type { ResyncSummary } from "../bindings/ResyncSummary";
import type { RollbackPreview } from "../bindings/RollbackPreview";
import type { DryRun } from "../bindings/DryRun";
import type { MigrationOptions } from "../bindings/MigrationOptions";
import type { MirroredObject } from "../bindings/MirroredObject";
import type { CustomObjectInfo } from "../bindings/CustomObjectInfo";
import type { ObjectSync } from "../bindings/ObjectSync";
import type { IdField } from "../bindings/IdField";
import type { ImportedMapping } from "../bindings/ImportedMapping";
import type { MigrationPlan } from "../bindings/MigrationPlan";
import type { MigrationProgress } from "../bindings/MigrationProgress";
import type { MigrationReport } from "../bindings/MigrationReport";
import type { MigrationResult } from "../bindings/MigrationResult";
import type { SavedMappings } from "../bindings/SavedMappings";
import type { StageOwnerMapping } from "../bindings/StageOwnerMapping";
import type { Settings } from "../bindings/Settings";
import type { Status } from "../bindings/Status";
import type { Conflict } from "../bindings/Conflict";
import type { CreatedField } from "../bindings/CreatedField";
import type { NewField } from "../bindings/NewField";
import type { NewSyncPair } from "../bindings/NewSyncPair";
import type { ObjectType } from "../bindings/ObjectType";
import type { Side } from "../bindings/Side";
import type { SyncCounts } from "../bindings/SyncCounts";
import type { SyncDeletion } from "../bindings/SyncDeletion";
import type { SyncPair } from "../bindings/SyncPair";
import type { SyncProgress } from "../bindings/SyncProgress";
import type { SyncReport } from "../bindings/SyncReport";
import type { SyncRun } from "../bindings/SyncRun";

/** A failed command: the engine's error code, which the UI may branch on, and its message. */
export class IpcError extends Error {
  readonly code: ErrorCode | "ipc";

  constructor(code: ErrorCode | "ipc", message: string) {
    super(message);
    this.code = code;
  }
}

function isErrorPayload(e: unknown): e is ErrorPayload {
  return typeof e === "object" && e !== null && "code" in e && "message" in e;
}

async function call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(command, args);
  } catch (e) {
    if (isErrorPayload(e)) throw new IpcError(e.code, e.message);
    throw new IpcError("ipc", String(e));
  }
}

export const api = {
  overview: () => call<Overview>("overview"),
  status: () => call<Status>("status"),
  recordPage: (query: RecordQuery) => call<RecordPage>("record_page", { query }),
  record: (id: RecordId) => call<CrmRecord>("record", { id }),
  /** The activities on a record, newest first. */
  recordTimeline: (id: RecordId) => call<TimelineEntry[]>("record_timeline", { id }),
  failedRecords: (query: FailedQuery, offset: number, limit: number) =>
    call<FailedRecordPage>("failed_records", { query, offset, limit }),
  /** A person's fix of the fields to send; the next re-sync sends them. */
  editFailed: (id: number, payload: { [key: string]: unknown }) =>
    call<FailedRecord>("edit_failed", { id, payload }),
  resyncFailed: (query: FailedQuery) => call<ResyncSummary>("resync_failed", { query }),
  discardFailed: (ids: number[], reason: string) => call<number>("discard_failed", { ids, reason }),
  /** The queue grouped by cause (problem, CRM, object, operation, field), the largest group first. */
  failedGroups: (query: FailedQuery) => call<FailedGroup[]>("failed_groups", { query }),
  /** "Fix all": one value for `field` in each write (null takes it out), then each is sent again. */
  fixFailedGroup: (ids: number[], field: string, value: unknown) =>
    call<ResyncSummary>("fix_failed_group", { ids, field, value }),
  /** Writes the queue as CSV into Downloads; answers the file's path. */
  exportFailed: (query: FailedQuery) => call<string>("export_failed", { query }),
  duplicateGroups: (offset: number, limit: number) =>
    call<DuplicateGroupPage>("duplicate_groups", { offset, limit }),
  findDuplicates: (connections: ConnectionId[]) => call<DedupeSummary>("find_duplicates", { connections }),
  duplicateGroup: (id: number) => call<DuplicateGroup>("duplicate_group", { id }),
  dismissDuplicateGroup: (id: number) => call<null>("dismiss_duplicate_group", { id }),
  /** Undoes "Not a duplicate": the group is back in the list. */
  reopenDuplicateGroup: (id: number) => call<null>("reopen_duplicate_group", { id }),
  /** What merging a group does with these picks; writes nothing. */
  mergePreview: (group: number, choice: MergeChoice) =>
    call<MergePreview>("merge_preview", { group, choice }),
  mergeGroup: (group: number, choice: MergeChoice) => call<MergeEntry>("merge_group", { group, choice }),
  bulkMergePreview: () => call<BulkMergePreview>("bulk_merge_preview"),
  mergeAllSafe: () => call<BulkMergeSummary>("merge_all_safe"),
  merges: (offset: number, limit: number) => call<MergePage>("merges", { offset, limit }),
  /** A survivor changed in its CRM since the merge is refused (`changed_since`) unless `overwriteChanged`. */
  undoMerge: (id: number, overwriteChanged = false) =>
    call<MergeEntry>("undo_merge", { id, overwriteChanged }),
  fieldMappings: () => call<FieldMappingRow[]>("field_mappings"),
  migrations: () => call<MigrationRow[]>("migrations"),
  connectWithKey: (provider: Provider, baseUrl: string, apiKey: string) =>
    call<Connection>("connect_with_key", { provider, baseUrl, apiKey }),
  /** Opens the system browser on the CRM's sign-in page; answers once the person has approved. */
  connectWithBrowser: (provider: Provider, baseUrl: string) =>
    call<Connection>("connect_with_browser", { provider, baseUrl }),
  cancelSignIn: () => call<null>("cancel_sign_in"),
  /** What removing a connection keeps (its history) and lets go (its sign-in, and its records unless kept). */
  disconnectPreview: (id: ConnectionId) => call<DisconnectPreview>("disconnect_preview", { id }),
  /** Archives the connection: its sign-in leaves the keyring; merges, migrations and sync state stay. */
  disconnect: (id: ConnectionId, keepRecords: boolean) =>
    call<DisconnectPreview>("disconnect", { id, keepRecords }),
  /** Signs in again on a connection (the same account only), in place. */
  reconnectWithKey: (id: ConnectionId, apiKey: string) =>
    call<Connection>("reconnect_with_key", { id, apiKey }),
  reconnectWithBrowser: (id: ConnectionId) => call<Connection>("reconnect_with_browser", { id }),
  auditLog: (query: AuditQuery) => call<AuditEntry[]>("audit_log", { query }),
  backups: () => call<BackupFile[]>("backups"),
  settings: () => call<Settings>("settings"),
  /** Sets one setting as `crm-bridge config set` names it; answers every setting after. */
  setSetting: (key: string, value: string) => call<Settings>("set_setting", { key, value }),
  /** Versions, OS, connections (no secrets), counts, last errors and the log's tail, as text. */
  diagnostics: () => call<string>("diagnostics"),
  about: () => call<About>("about"),
  /** Opens another workspace file (`create`: a new one) in place of the open one. */
  openWorkspace: (path: string, create: boolean) => call<null>("open_workspace", { path, create }),
  /** Restores a listed backup by file name; answers the backup of what it replaced. */
  restoreBackup: (name: string) => call<BackupFile>("restore_backup", { name }),
  checkConnection: (id: ConnectionId) => call<ConnectionCheck>("check_connection", { id }),
  /** Opens the demo workspace (its own file and keyring entries, beside the person's) with its CRMs. */
  openDemo: () => call<Connection[]>("open_demo"),
  /** Back to the person's own workspace. */
  leaveDemo: () => call<null>("leave_demo"),
  pull: (id: ConnectionId, full: boolean) => call<PullSummary>("pull", { id, full }),
  cancelPull: (id: ConnectionId) => call<null>("cancel_pull", { id }),
  syncPairs: () => call<SyncPair[]>("sync_pairs"),
  /** A new pair as a person would start it: every field both CRMs share, two-way. */
  suggestSyncPair: (a: ConnectionId, b: ConnectionId) => call<NewSyncPair>("suggest_sync_pair", { a, b }),
  /** With B's object type where it is not A's (leads kept with contacts). */
  syncFields: (a: ConnectionId, b: ConnectionId, objectType: ObjectType, bObjectType?: ObjectType | null) =>
    call<string[]>("sync_fields", { a, b, objectType, bObjectType: bObjectType ?? null }),
  /** Asks the CRM: its custom fields per object type, and which the mirror holds. */
  mirroredFields: (connection: ConnectionId) => call<MirroredObject[]>("mirrored_fields", { connection }),
  customObjects: (connection: ConnectionId) => call<CustomObjectInfo[]>("custom_objects", { connection }),
  /** Mirrors only `keys` of an object type (null: every one); returns the keys now mirrored. */
  chooseMirroredFields: (connection: ConnectionId, objectType: ObjectType, keys: string[] | null) =>
    call<string[] | null>("choose_mirrored_fields", { connection, objectType, keys }),
  /** Asks the CRM: the values each picklist of an object type takes, by field. */
  fieldOptions: (connection: ConnectionId, objectType: ObjectType) =>
    call<{ [field: string]: string[] }>("field_options", { connection, objectType }),
  /** A's leads kept with B's contacts, their status by its words; asks both CRMs for their options. */
  suggestLeadSync: (a: ConnectionId, b: ConnectionId) => call<ObjectSync>("suggest_lead_sync", { a, b }),
  /** Asks the CRM: the text custom fields where a pair can keep the other side's ids. */
  idFields: (connection: ConnectionId, objectType: ObjectType) =>
    call<IdField[]>("id_fields", { connection, objectType }),
  addSyncPair: (pair: NewSyncPair) => call<SyncPair>("add_sync_pair", { pair }),
  updateSyncPair: (id: number, pair: NewSyncPair) => call<SyncPair>("update_sync_pair", { id, pair }),
  removeSyncPair: (id: number) => call<null>("remove_sync_pair", { id }),
  runSync: (id: number) => call<SyncReport>("run_sync", { id }),
  cancelSync: (id: number) => call<null>("cancel_sync", { id }),
  syncRuns: (pair: number | null, limit: number) => call<SyncRun[]>("sync_runs", { pair, limit }),
  conflicts: () => call<Conflict[]>("conflicts"),
  /** Writes the picked side's value of every field to the other side. */
  resolveConflict: (id: number, picks: { [field: string]: Side }) =>
    call<SyncCounts>("resolve_conflict", { id, picks }),
  /** The records a pair's syncs deleted because their counterpart was deleted, newest first. */
  syncDeletions: (pair: number | null, limit: number) =>
    call<SyncDeletion[]>("sync_deletions", { pair, limit }),
  /** Creates a record a sync deleted again from its before-image. */
  undoSyncDeletion: (id: number) => call<SyncDeletion>("undo_sync_deletion", { id }),
  /** A new field like a custom field of a connection's CRM (label, type, options), to confirm. */
  newFieldLike: (connection: ConnectionId, objectType: ObjectType, field: string) =>
    call<NewField>("new_field_like", { connection, objectType, field }),
  /** Creates a custom field in a connection's CRM (or finds the one made before under that label). */
  createField: (connection: ConnectionId, objectType: ObjectType, field: NewField) =>
    call<CreatedField>("create_field", { connection, objectType, field }),
  /** Progress of every running sync, after each batch. */
  onSyncProgress: (handler: (p: SyncProgress) => void): Promise<UnlistenFn> =>
    listen<SyncProgress>("sync-progress", (e) => handler(e.payload)),
  /** The suggested plan: fields by name and label, stages by meaning, owners by e-mail. */
  planMigration: (source: ConnectionId, target: ConnectionId) =>
    call<MigrationPlan>("plan_migration", { source, target }),
  migrationOptions: (plan: MigrationPlan) => call<MigrationOptions>("migration_options", { plan }),
  /** Against the pipelines, owners and fields `migrationOptions` read; asks no CRM. */
  checkMigrationPlan: (plan: MigrationPlan, options: MigrationOptions) =>
    call<string[]>("check_migration_plan", { plan, options }),
  saveMigrationPlan: (plan: MigrationPlan) => call<number>("save_migration_plan", { plan }),
  migrationPlan: (id: number) => call<MigrationPlan>("migration_plan", { id }),
  /** Reads both CRMs, writes nothing. */
  dryRunMigration: (plan: MigrationPlan) => call<DryRun>("dry_run_migration", { plan }),
  runMigration: (plan: MigrationPlan) => call<MigrationReport>("run_migration", { plan }),
  cancelMigration: () => call<null>("cancel_migration"),
  /** What a rollback would write and which target records changed since the run (reads the target). */
  rollbackPreview: (id: number) => call<RollbackPreview>("rollback_preview", { id }),
  /** Records changed since the run are left alone unless `overwriteChanged`. */
  rollbackMigration: (id: number, overwriteChanged: boolean) =>
    call<MigrationReport>("rollback_migration", { id, overwriteChanged }),
  /** What a migration did, counted from its items: its report, reopened from the list. */
  migrationReport: (id: number) => call<MigrationReport>("migration_report", { id }),
  migrationResults: (id: number) => call<MigrationResult[]>("migration_results", { id }),
  stageAndOwnerMappings: () => call<SavedMappings>("stage_and_owner_mappings"),
  /** The next plan between the two connections starts from it. */
  saveStageOwnerMapping: (mapping: StageOwnerMapping) => call<null>("save_stage_owner_mapping", { mapping }),
  /** Saves a plan's field mappings, stages and owners as versions, without a migration. */
  saveMappings: (plan: MigrationPlan) => call<null>("save_mappings", { plan }),
  /** Writes the saved mapping of one object into Downloads; answers the file's path. */
  exportFieldMapping: (source: ConnectionId, target: ConnectionId, object: ObjectType) =>
    call<string>("export_field_mapping", { source, target, object }),
  importFieldMapping: (source: ConnectionId, target: ConnectionId, text: string) =>
    call<ImportedMapping>("import_field_mapping", { source, target, text }),
  onMigrationProgress: (handler: (p: MigrationProgress) => void): Promise<UnlistenFn> =>
    listen<MigrationProgress>("migration-progress", (e) => handler(e.payload)),
  /** The window was closed while jobs ran (their number): the app asks before quitting. */
  onCloseRequested: (handler: (running: number) => void): Promise<UnlistenFn> =>
    listen<number>("close-requested", (e) => handler(e.payload)),
  /** Stops every running job after its current batch and closes the window. */
  quitAnyway: () => call<null>("quit_anyway"),
  /** Progress of every running pull, after each page. */
  onPullProgress: (handler: (p: PullProgress) => void): Promise<UnlistenFn> =>
    listen<PullProgress>("pull-progress", (e) => handler(e.payload)),
};
