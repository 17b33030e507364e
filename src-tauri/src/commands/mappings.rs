//! Field, stage and owner mappings between two connections, and mapping files.

use bridge_engine::{CreatedField, ImportedMapping, SavedMappings, StageOwnerMapping};
use bridge_model::{ConnectionId, MigrationPlan, NewField, ObjectType};

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

/// A new field like a custom field of a connection's CRM (label, type, options), for the person to
/// confirm before it is created in another.
#[tauri::command(async)]
pub async fn new_field_like(
    state: State<'_>,
    connection: ConnectionId,
    object_type: ObjectType,
    field: String,
) -> Answer<NewField> {
    Ok(state
        .engine()?
        .new_field_like(connection, object_type, &field)
        .await?)
}

/// Creates a custom field in a connection's CRM (or finds the one made before under that label).
#[tauri::command(async)]
pub async fn create_field(
    state: State<'_>,
    connection: ConnectionId,
    object_type: ObjectType,
    field: NewField,
) -> Answer<CreatedField> {
    Ok(state
        .engine()?
        .create_field(connection, object_type, &field)
        .await?)
}
