//! The `migrations` table (CRM-to-CRM migrations, not schema migrations) with item counts.

use bridge_model::{ConnectionId, MigrationRow, MigrationStatus};

use crate::{Error, Result, time};

/// Every migration, newest first, with how many of its items are done, failed and planned.
pub fn list(conn: &rusqlite::Connection) -> Result<Vec<MigrationRow>> {
    let mut stmt = conn.prepare_cached(
        "SELECT m.id, m.name, m.source_connection_id, m.target_connection_id, m.status, m.updated_at,
                count(i.id) FILTER (WHERE i.status = 'done'),
                count(i.id) FILTER (WHERE i.status = 'failed'),
                count(i.id)
         FROM migrations m LEFT JOIN migration_items i ON i.migration_id = m.id
         GROUP BY m.id ORDER BY m.updated_at DESC, m.id DESC",
    )?;
    let rows = stmt.query_map([], |r| {
        <(i64, String, i64, i64, String, String, i64, i64, i64)>::try_from(r)
    })?;
    rows.map(|row| {
        let (id, name, source, target, status, updated_at, done, failed, total) = row?;
        Ok(MigrationRow {
            id,
            name,
            source_connection_id: ConnectionId(source),
            target_connection_id: ConnectionId(target),
            status: MigrationStatus::parse(&status).ok_or_else(|| Error::Corrupt {
                what: format!("migrations.status of migration {id}"),
                detail: status.clone(),
            })?,
            items_done: done,
            items_failed: failed,
            items_total: total,
            updated_at: time::from_sql("migrations.updated_at", &updated_at)?,
        })
    })
    .collect()
}
