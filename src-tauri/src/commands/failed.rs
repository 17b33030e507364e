use bridge_engine::{FailedQuery, FailedRecordPage, ResyncSummary};
use bridge_model::FailedRecord;

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

#[tauri::command(async)]
pub fn discard_failed(state: State<'_>, ids: Vec<i64>, reason: String) -> Answer<usize> {
    Ok(state.engine()?.discard_failed(&ids, &reason)?)
}

/// Writes the queue as CSV into the Downloads folder; answers the file's path.
#[tauri::command(async)]
pub fn export_failed(state: State<'_>, query: FailedQuery) -> Answer<String> {
    Ok(state.engine()?.export_failed(&query)?)
}
