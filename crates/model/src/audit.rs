use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::ConnectionId;

/// One line of the audit log: who did what, when, to how many records.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct AuditEntry {
    pub id: i64,
    pub at: DateTime<Utc>,
    /// The OS user the app or CLI ran as.
    pub actor: String,
    /// `connect`, `reconnect`, `disconnect`, `merge`, `undo_merge`, `bulk_merge`, `migration_run`,
    /// `migration_rollback`, `sync_run`, `discard_failed`, `restore_backup`.
    pub action: String,
    pub connection_id: Option<ConnectionId>,
    /// What was acted on, in words: "Acme Inc. (HubSpot company 123)", "migration 4 'Close to HubSpot'".
    pub subject: String,
    /// How many records it touched.
    pub count: i64,
}

/// An entry to append.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAuditEntry {
    pub actor: String,
    pub action: &'static str,
    pub connection_id: Option<ConnectionId>,
    pub subject: String,
    pub count: i64,
}
