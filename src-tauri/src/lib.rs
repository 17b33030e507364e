//! The Tauri shell: one `AppState`, one-line commands, IPC errors as `{ code, message }`.

mod commands;
mod state;

use state::AppState;

/// Starts the app on the sync database in `CRM_BRIDGE_DB`, or the default one in the OS app-data dir.
pub fn run() {
    let db = std::env::var_os("CRM_BRIDGE_DB")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(bridge_engine::default_database_path);
    tauri::Builder::default()
        .manage(AppState::open(&db))
        .invoke_handler(tauri::generate_handler![
            commands::status::overview,
            commands::status::status,
            commands::records::record_page,
            commands::records::record,
            commands::queues::failed_records,
            commands::queues::duplicate_groups,
            commands::queues::field_mappings,
            commands::queues::migrations,
        ])
        .run(tauri::generate_context!())
        .expect("the CRM Bridge window could not start");
}
