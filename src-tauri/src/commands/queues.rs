use bridge_engine::{DedupeSummary, DuplicateGroup, DuplicateGroupPage};
use bridge_model::{ConnectionId, FieldMappingRow, MigrationRow};

use super::{Answer, State};

#[tauri::command(async)]
pub fn duplicate_groups(state: State<'_>, offset: i64, limit: i64) -> Answer<DuplicateGroupPage> {
    Ok(state.engine()?.duplicate_groups(offset, limit)?)
}

/// Finds duplicates among the records of these connections (all when none are given).
#[tauri::command(async)]
pub fn find_duplicates(
    app: tauri::AppHandle,
    state: State<'_>,
    connections: Vec<ConnectionId>,
) -> Answer<DedupeSummary> {
    let engine = state.engine()?;
    let found = engine.find_duplicates(&connections)?;
    let body = format!(
        "{} duplicate groups, {} new.",
        found.groups, found.new_groups
    );
    crate::notify::job_done(&app, &engine, "Duplicates found", &body);
    Ok(found)
}

#[tauri::command(async)]
pub fn duplicate_group(state: State<'_>, id: i64) -> Answer<DuplicateGroup> {
    Ok(state.engine()?.duplicate_group(id)?)
}

/// "Not a duplicate".
#[tauri::command(async)]
pub fn dismiss_duplicate_group(state: State<'_>, id: i64) -> Answer<()> {
    Ok(state.engine()?.dismiss_duplicate_group(id)?)
}

/// Undoes "Not a duplicate".
#[tauri::command(async)]
pub fn reopen_duplicate_group(state: State<'_>, id: i64) -> Answer<()> {
    Ok(state.engine()?.reopen_duplicate_group(id)?)
}

#[tauri::command(async)]
pub fn field_mappings(state: State<'_>) -> Answer<Vec<FieldMappingRow>> {
    Ok(state.engine()?.field_mappings()?)
}

#[tauri::command(async)]
pub fn migrations(state: State<'_>) -> Answer<Vec<MigrationRow>> {
    Ok(state.engine()?.migrations()?)
}
