use std::collections::BTreeMap;

use bridge_engine::{Conflict, IdField, SyncReport};
use bridge_model::{
    ConnectionId, NewSyncPair, ObjectSync, ObjectType, Side, SyncCounts, SyncDeletion, SyncPair,
    SyncRun,
};

use super::{Answer, State};

#[tauri::command(async)]
pub fn sync_pairs(state: State<'_>) -> Answer<Vec<SyncPair>> {
    Ok(state.engine()?.sync_pairs()?)
}

/// A pair as a person would start it: every shared field two-way.
#[tauri::command(async)]
pub fn suggest_sync_pair(
    state: State<'_>,
    a: ConnectionId,
    b: ConnectionId,
) -> Answer<NewSyncPair> {
    Ok(state.engine()?.suggest_sync_pair(a, b)?)
}

/// The fields two connections share for an object type (with B's where it differs): the rows
/// of the rules editor.
#[tauri::command(async)]
pub fn sync_fields(
    state: State<'_>,
    a: ConnectionId,
    b: ConnectionId,
    object_type: ObjectType,
    b_object_type: Option<ObjectType>,
) -> Answer<Vec<String>> {
    Ok(state
        .engine()?
        .sync_fields(a, b, object_type, b_object_type)?)
}

/// The values each picklist of a connection's object type takes, for value maps' drop-downs.
#[tauri::command(async)]
pub async fn field_options(
    state: State<'_>,
    connection: ConnectionId,
    object_type: ObjectType,
) -> Answer<BTreeMap<String, Vec<String>>> {
    Ok(state
        .engine()?
        .field_options(connection, object_type)
        .await?)
}

/// A's leads kept with B's contacts, their status with its lead status and lifecycle stage.
#[tauri::command(async)]
pub async fn suggest_lead_sync(
    state: State<'_>,
    a: ConnectionId,
    b: ConnectionId,
) -> Answer<ObjectSync> {
    Ok(state.engine()?.suggest_lead_sync(a, b).await?)
}

/// The text custom fields of a connection's object type, where a pair can keep the other side's ids.
#[tauri::command(async)]
pub async fn id_fields(
    state: State<'_>,
    connection: ConnectionId,
    object_type: ObjectType,
) -> Answer<Vec<IdField>> {
    Ok(state.engine()?.id_fields(connection, object_type).await?)
}

#[tauri::command(async)]
pub fn add_sync_pair(state: State<'_>, pair: NewSyncPair) -> Answer<SyncPair> {
    Ok(state.engine()?.add_sync_pair(&pair)?)
}

#[tauri::command(async)]
pub fn update_sync_pair(state: State<'_>, id: i64, pair: NewSyncPair) -> Answer<SyncPair> {
    Ok(state.engine()?.update_sync_pair(id, &pair)?)
}

#[tauri::command(async)]
pub fn remove_sync_pair(state: State<'_>, id: i64) -> Answer<()> {
    Ok(state.engine()?.remove_sync_pair(id)?)
}

/// Syncs a pair now; progress arrives as `sync-progress` events after every batch.
#[tauri::command(async)]
pub async fn run_sync(app: tauri::AppHandle, state: State<'_>, id: i64) -> Answer<SyncReport> {
    state.run_sync(&app, id).await
}

#[tauri::command(async)]
pub fn cancel_sync(state: State<'_>, id: i64) {
    state.cancel_sync(id)
}

#[tauri::command(async)]
pub fn sync_runs(state: State<'_>, pair: Option<i64>, limit: i64) -> Answer<Vec<SyncRun>> {
    Ok(state.engine()?.sync_runs(pair, limit)?)
}

#[tauri::command(async)]
pub fn conflicts(state: State<'_>) -> Answer<Vec<Conflict>> {
    Ok(state.engine()?.conflicts(None)?)
}

/// Settles a conflict with a side per field; the picked values are written to the other side.
#[tauri::command(async)]
pub async fn resolve_conflict(
    state: State<'_>,
    id: i64,
    picks: BTreeMap<String, Side>,
) -> Answer<SyncCounts> {
    Ok(state.engine()?.resolve_conflict(id, &picks).await?)
}

/// The latest deletions syncs carried across (of one pair, or every pair), newest first.
#[tauri::command(async)]
pub fn sync_deletions(
    state: State<'_>,
    pair: Option<i64>,
    limit: i64,
) -> Answer<Vec<SyncDeletion>> {
    Ok(state.engine()?.sync_deletions(pair, limit)?)
}

/// Creates a record a sync deleted again from its before-image.
#[tauri::command(async)]
pub async fn undo_sync_deletion(state: State<'_>, id: i64) -> Answer<SyncDeletion> {
    Ok(state.engine()?.undo_sync_deletion(id).await?)
}
