//! The `audit_log` table: every action that changed data or access, appended, never edited.

use bridge_model::{AuditEntry, ConnectionId, NewAuditEntry};
use chrono::{DateTime, Utc};
use rusqlite::params;

use crate::{Result, time};

pub fn append(
    conn: &rusqlite::Connection,
    entry: &NewAuditEntry,
    now: DateTime<Utc>,
) -> Result<i64> {
    conn.prepare_cached(
        "INSERT INTO audit_log (at, actor, action, connection_id, subject, count)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![
        time::to_sql(now),
        entry.actor,
        entry.action,
        entry.connection_id.map(|c| c.0),
        entry.subject,
        entry.count
    ])?;
    Ok(conn.last_insert_rowid())
}

/// The newest entries first; `action` keeps one kind, `connection` one connection's.
pub fn list(
    conn: &rusqlite::Connection,
    action: Option<&str>,
    connection: Option<ConnectionId>,
    limit: i64,
) -> Result<Vec<AuditEntry>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, at, actor, action, connection_id, subject, count FROM audit_log
         WHERE (?1 IS NULL OR action = ?1) AND (?2 IS NULL OR connection_id = ?2)
         ORDER BY id DESC LIMIT ?3",
    )?;
    let rows = stmt.query_map(params![action, connection.map(|c| c.0), limit], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, String>(3)?,
            r.get::<_, Option<i64>>(4)?,
            r.get::<_, String>(5)?,
            r.get::<_, i64>(6)?,
        ))
    })?;
    rows.map(|row| {
        let (id, at, actor, action, connection_id, subject, count) = row?;
        Ok(AuditEntry {
            id,
            at: time::from_sql("audit_log.at", &at)?,
            actor,
            action,
            connection_id: connection_id.map(ConnectionId),
            subject,
            count,
        })
    })
    .collect()
}
