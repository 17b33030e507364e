use bridge_model::{Record, RecordId, RecordPage, RecordQuery, TimelineEntry};

use super::{Answer, State};

#[tauri::command(async)]
pub fn record_page(state: State<'_>, query: RecordQuery) -> Answer<RecordPage> {
    Ok(state.engine()?.record_page(&query)?)
}

#[tauri::command(async)]
pub fn record(state: State<'_>, id: RecordId) -> Answer<Record> {
    Ok(state.engine()?.record(id)?)
}

#[tauri::command(async)]
pub fn record_timeline(state: State<'_>, id: RecordId) -> Answer<Vec<TimelineEntry>> {
    Ok(state.engine()?.timeline(id)?)
}
