//! The audit log: every action that changed data or access, with who (the OS user), when, what and how
//! many. Written after the action, in the workspace, so it travels with the history it explains.

use bridge_model::{AuditEntry, ConnectionId, NewAuditEntry};
use chrono::Utc;

use crate::{Engine, Result};

/// What to show of the log.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize, ts_rs::TS)]
pub struct AuditQuery {
    /// One kind of action (`merge`, `disconnect`, ...), or every kind.
    pub action: Option<String>,
    pub connection_id: Option<ConnectionId>,
    /// At most this many, newest first (default 500).
    pub limit: Option<i64>,
}

/// The user the app runs as; "unknown" where the OS will not say.
fn actor() -> String {
    whoami::fallible::username().unwrap_or_else(|_| "unknown".into())
}

impl Engine {
    /// Appends an entry: `action` on `subject`, touching `count` records.
    pub(crate) fn audit(
        &self,
        action: &'static str,
        connection_id: Option<ConnectionId>,
        subject: impl Into<String>,
        count: i64,
    ) -> Result<()> {
        let entry = NewAuditEntry {
            actor: actor(),
            action,
            connection_id,
            subject: subject.into(),
            count,
        };
        self.store
            .write(|tx| bridge_store::audit_log::append(tx, &entry, Utc::now()))?;
        Ok(())
    }

    /// The audit log, newest first.
    pub fn audit_log(&self, query: &AuditQuery) -> Result<Vec<AuditEntry>> {
        Ok(self.store.read(|c| {
            bridge_store::audit_log::list(
                c,
                query.action.as_deref(),
                query.connection_id,
                query.limit.unwrap_or(500).clamp(1, 100_000),
            )
        })?)
    }
}
