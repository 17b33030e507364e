use bridge_engine::{DuplicateGroupPage, FailedRecordPage};
use bridge_model::{FieldMappingRow, MigrationRow};

use super::{Answer, State};

#[tauri::command(async)]
pub fn failed_records(state: State<'_>, offset: i64, limit: i64) -> Answer<FailedRecordPage> {
    Ok(state.engine()?.failed_records(offset, limit)?)
}

#[tauri::command(async)]
pub fn duplicate_groups(state: State<'_>, offset: i64, limit: i64) -> Answer<DuplicateGroupPage> {
    Ok(state.engine()?.duplicate_groups(offset, limit)?)
}

#[tauri::command(async)]
pub fn field_mappings(state: State<'_>) -> Answer<Vec<FieldMappingRow>> {
    Ok(state.engine()?.field_mappings()?)
}

#[tauri::command(async)]
pub fn migrations(state: State<'_>) -> Answer<Vec<MigrationRow>> {
    Ok(state.engine()?.migrations()?)
}
