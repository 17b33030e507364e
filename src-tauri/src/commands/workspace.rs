use bridge_engine::{AuditQuery, BackupFile};
use bridge_model::AuditEntry;

use super::{Answer, State};

/// The audit log, newest first.
#[tauri::command(async)]
pub fn audit_log(state: State<'_>, query: AuditQuery) -> Answer<Vec<AuditEntry>> {
    Ok(state.engine()?.audit_log(&query)?)
}

/// The workspace's backups, newest first.
#[tauri::command(async)]
pub fn backups(state: State<'_>) -> Answer<Vec<BackupFile>> {
    Ok(state.engine()?.backups()?)
}

/// Restores one of the listed backups (by its file name); answers with the backup of what it replaced.
#[tauri::command(async)]
pub fn restore_backup(state: State<'_>, name: String) -> Answer<BackupFile> {
    Ok(state.engine()?.restore_listed_backup(&name)?)
}
