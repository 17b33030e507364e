//! Field, stage and owner mappings between two connections, and mapping files.

use bridge_engine::{ImportedMapping, SavedMappings, StageOwnerMapping};
use bridge_model::{ConnectionId, MigrationPlan, ObjectType};

use super::{Answer, State};

#[tauri::command(async)]
pub fn stage_and_owner_mappings(state: State<'_>) -> Answer<SavedMappings> {
    Ok(state.engine()?.stage_and_owner_mappings()?)
}

/// Saves the stages and owners of one connection mapped to another's; the next plan between them
/// starts from it.
#[tauri::command(async)]
pub fn save_stage_owner_mapping(state: State<'_>, mapping: StageOwnerMapping) -> Answer<()> {
    Ok(state.engine()?.save_stage_owner_mapping(&mapping)?)
}

/// Saves a plan's field mappings, stages and owners as the two connections' mappings.
#[tauri::command(async)]
pub fn save_mappings(state: State<'_>, plan: MigrationPlan) -> Answer<()> {
    Ok(state.engine()?.save_mappings(&plan)?)
}

/// Writes an object's saved field mapping as JSON into Downloads; answers the file's path.
#[tauri::command(async)]
pub fn export_field_mapping(
    state: State<'_>,
    source: ConnectionId,
    target: ConnectionId,
    object: ObjectType,
) -> Answer<String> {
    Ok(state
        .engine()?
        .export_field_mapping(source, target, object)?)
}

/// Saves a mapping file's text as the next version of its object's mapping between two connections.
#[tauri::command(async)]
pub fn import_field_mapping(
    state: State<'_>,
    source: ConnectionId,
    target: ConnectionId,
    text: String,
) -> Answer<ImportedMapping> {
    Ok(state
        .engine()?
        .import_field_mapping(source, target, &text)?)
}
