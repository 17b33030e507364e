use bridge_engine::{MigrationOptions, RollbackPreview};
use bridge_model::{ConnectionId, DryRun, MigrationPlan, MigrationReport, MigrationResult};

use super::{Answer, State};

/// The suggested plan between two connections: fields by name and label, stages, owners.
#[tauri::command(async)]
pub async fn plan_migration(
    state: State<'_>,
    source: ConnectionId,
    target: ConnectionId,
) -> Answer<MigrationPlan> {
    Ok(state.engine()?.plan_migration(source, target).await?)
}

#[tauri::command(async)]
pub async fn migration_options(state: State<'_>, plan: MigrationPlan) -> Answer<MigrationOptions> {
    Ok(state.engine()?.migration_options(&plan).await?)
}

/// What is wrong with a plan against the pipelines, owners and fields `migration_options` read.
#[tauri::command]
pub fn check_migration_plan(plan: MigrationPlan, options: MigrationOptions) -> Vec<String> {
    bridge_engine::check_migration_plan(&plan, &options)
}

#[tauri::command(async)]
pub fn save_migration_plan(state: State<'_>, plan: MigrationPlan) -> Answer<i64> {
    Ok(state.engine()?.save_migration_plan(&plan)?)
}

#[tauri::command(async)]
pub fn migration_plan(state: State<'_>, id: i64) -> Answer<MigrationPlan> {
    Ok(state.engine()?.migration_plan(id)?)
}

/// Writes nothing to either CRM.
#[tauri::command(async)]
pub async fn dry_run_migration(state: State<'_>, plan: MigrationPlan) -> Answer<DryRun> {
    state.dry_run_migration(&plan).await
}

/// Runs the plan; progress arrives as `migration-progress` events after every batch.
#[tauri::command(async)]
pub async fn run_migration(
    app: tauri::AppHandle,
    state: State<'_>,
    plan: MigrationPlan,
) -> Answer<MigrationReport> {
    state.run_migration(&app, &plan).await
}

#[tauri::command(async)]
pub fn cancel_migration(state: State<'_>) {
    state.cancel_migration()
}

/// What a rollback would write, and which target records changed since the run (the target is pulled).
#[tauri::command(async)]
pub async fn rollback_preview(state: State<'_>, id: i64) -> Answer<RollbackPreview> {
    Ok(state.engine()?.rollback_preview(id).await?)
}

/// Rolls a migration back; records changed since the run are left alone unless `overwrite_changed`.
#[tauri::command(async)]
pub async fn rollback_migration(
    app: tauri::AppHandle,
    state: State<'_>,
    id: i64,
    overwrite_changed: bool,
) -> Answer<MigrationReport> {
    state.rollback_migration(&app, id, overwrite_changed).await
}

/// What a migration did, counted from its items (its report, reopened from the list).
#[tauri::command(async)]
pub fn migration_report(state: State<'_>, id: i64) -> Answer<MigrationReport> {
    Ok(state.engine()?.migration_report(id)?)
}

#[tauri::command(async)]
pub fn migration_results(state: State<'_>, id: i64) -> Answer<Vec<MigrationResult>> {
    Ok(state.engine()?.migration_results(id)?)
}
