use bridge_engine::{FailedQuery, FailedRecordPage, ResyncSummary};
use bridge_model::{FailedGroup, FailedRecord};

use super::{Answer, State};

#[tauri::command(async)]
pub fn failed_records(
    state: State<'_>,
    query: FailedQuery,
    offset: i64,
    limit: i64,
) -> Answer<FailedRecordPage> {
    Ok(state.engine()?.failed_page(&query, offset, limit)?)
}

/// A person's fix of the fields to send; the next re-sync sends them.
#[tauri::command(async)]
pub fn edit_failed(state: State<'_>, id: i64, payload: serde_json::Value) -> Answer<FailedRecord> {
    Ok(state.engine()?.edit_failed(id, payload)?)
}

#[tauri::command(async)]
pub async fn resync_failed(state: State<'_>, query: FailedQuery) -> Answer<ResyncSummary> {
    Ok(state.engine()?.resync_failed(&query).await?)
}

/// The queue grouped by cause, the largest group first.
#[tauri::command(async)]
pub fn failed_groups(state: State<'_>, query: FailedQuery) -> Answer<Vec<FailedGroup>> {
    Ok(state.engine()?.failed_groups(&query)?)
}

/// "Fix all": one value for a field in each of these writes (null takes it out), then re-sent.
#[tauri::command(async)]
pub async fn fix_failed_group(
    state: State<'_>,
    ids: Vec<i64>,
    field: String,
    value: serde_json::Value,
) -> Answer<ResyncSummary> {
    Ok(state
        .engine()?
        .fix_failed_group(&ids, &field, value)
        .await?)
}

#[tauri::command(async)]
pub fn discard_failed(state: State<'_>, ids: Vec<i64>, reason: String) -> Answer<usize> {
    Ok(state.engine()?.discard_failed(&ids, &reason)?)
}

/// Writes the queue as CSV into the Downloads folder; answers the file's path.
#[tauri::command(async)]
pub fn export_failed(state: State<'_>, query: FailedQuery) -> Answer<String> {
    Ok(state.engine()?.export_failed(&query)?)
}
