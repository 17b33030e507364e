//! The Tauri shell: one `AppState`, one-line commands, IPC errors as `{ code, message }`.

mod commands;
mod notify;
mod state;
mod tray;

use state::AppState;

/// Starts the app on the sync database in `CRM_BRIDGE_DB`, or the one last opened from Settings, or
/// the default one in the OS app-data dir.
pub fn run() {
    let given = std::env::var_os("CRM_BRIDGE_DB").map(std::path::PathBuf::from);
    let remember = given.is_none();
    let db = given.unwrap_or_else(bridge_engine::chosen_workspace_path);
    let state = AppState::open(&db, remember);
    let level = state
        .engine()
        .ok()
        .and_then(|e| e.settings().ok())
        .unwrap_or_default()
        .log_level;
    // Without a log file the app still runs; the reason goes to the terminal, if there is one.
    if let Err(e) = bridge_engine::start_logging(&bridge_engine::default_log_dir(), level) {
        eprintln!("CRM Bridge: no log file: {e}");
    }
    tracing::info!(target: "desktop-app", version = env!("CARGO_PKG_VERSION"), "desktop app started");
    // `make run` sets CRM_BRIDGE_DEMO=1: the window opens on the demo CRMs, connected and pulling.
    let demo = std::env::var("CRM_BRIDGE_DEMO").as_deref() == Ok("1");
    tauri::Builder::default()
        .plugin(tauri_plugin_notification::init())
        .manage(state)
        .setup(move |app| {
            tray::add(app);
            let handle = app.handle().clone();
            tauri::async_runtime::spawn(async move {
                use tauri::Manager;
                handle.state::<AppState>().scheduler(&handle).await;
            });
            if demo {
                let handle = app.handle().clone();
                tauri::async_runtime::spawn(async move {
                    use tauri::Manager;
                    handle.state::<AppState>().open_demo_and_pull(&handle).await;
                });
            }
            Ok(())
        })
        .on_window_event(|window, event| {
            // Closing the window while a pull, sync or migration runs asks first (in the UI).
            if let tauri::WindowEvent::CloseRequested { api, .. } = event {
                use tauri::{Emitter, Manager};
                let state = window.state::<AppState>();
                let running = state.running_jobs();
                if running > 0 && !state.quitting() {
                    api.prevent_close();
                    let _ = window.emit("close-requested", running);
                }
            }
        })
        .invoke_handler(tauri::generate_handler![
            commands::window::quit_anyway,
            commands::status::overview,
            commands::connections::connect_with_key,
            commands::connections::mirrored_fields,
            commands::connections::custom_objects,
            commands::connections::choose_mirrored_fields,
            commands::connections::connect_with_browser,
            commands::connections::cancel_sign_in,
            commands::connections::disconnect_preview,
            commands::connections::disconnect,
            commands::connections::reconnect_with_key,
            commands::connections::reconnect_with_browser,
            commands::workspace::audit_log,
            commands::workspace::backups,
            commands::workspace::restore_backup,
            commands::settings::settings,
            commands::settings::set_setting,
            commands::settings::diagnostics,
            commands::settings::about,
            commands::settings::open_workspace,
            commands::connections::check_connection,
            commands::connections::open_demo,
            commands::connections::leave_demo,
            commands::connections::pull,
            commands::connections::cancel_pull,
            commands::status::status,
            commands::records::record_page,
            commands::records::record,
            commands::records::record_timeline,
            commands::failed::failed_records,
            commands::failed::edit_failed,
            commands::failed::resync_failed,
            commands::failed::failed_groups,
            commands::failed::fix_failed_group,
            commands::failed::discard_failed,
            commands::failed::export_failed,
            commands::queues::duplicate_groups,
            commands::queues::find_duplicates,
            commands::queues::duplicate_group,
            commands::queues::dismiss_duplicate_group,
            commands::queues::reopen_duplicate_group,
            commands::merges::merge_preview,
            commands::merges::merge_group,
            commands::merges::bulk_merge_preview,
            commands::merges::merge_all_safe,
            commands::merges::merges,
            commands::merges::undo_merge,
            commands::queues::field_mappings,
            commands::queues::migrations,
            commands::migrate::plan_migration,
            commands::migrate::migration_options,
            commands::migrate::check_migration_plan,
            commands::migrate::save_migration_plan,
            commands::migrate::migration_plan,
            commands::migrate::dry_run_migration,
            commands::migrate::run_migration,
            commands::migrate::cancel_migration,
            commands::migrate::rollback_preview,
            commands::migrate::rollback_migration,
            commands::migrate::migration_report,
            commands::migrate::migration_results,
            commands::mappings::stage_and_owner_mappings,
            commands::mappings::save_stage_owner_mapping,
            commands::mappings::save_mappings,
            commands::mappings::export_field_mapping,
            commands::mappings::import_field_mapping,
            commands::mappings::new_field_like,
            commands::mappings::create_field,
            commands::sync::sync_pairs,
            commands::sync::suggest_sync_pair,
            commands::sync::sync_fields,
            commands::sync::suggest_lead_sync,
            commands::sync::field_options,
            commands::sync::id_fields,
            commands::sync::add_sync_pair,
            commands::sync::update_sync_pair,
            commands::sync::remove_sync_pair,
            commands::sync::run_sync,
            commands::sync::cancel_sync,
            commands::sync::sync_runs,
            commands::sync::conflicts,
            commands::sync::resolve_conflict,
            commands::sync::sync_deletions,
            commands::sync::undo_sync_deletion,
        ])
        .run(tauri::generate_context!())
        .expect("the CRM Bridge window could not start");
}
