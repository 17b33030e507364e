//! The `sync_cursors` table: where the pull of each (connection, object type) stands. The pass in
//! progress is an opaque JSON cursor that commits with each page; `high_water_mark` is the remote
//! modified time up to which everything has been pulled.

use bridge_model::{ConnectionId, ObjectType};
use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, params};

use crate::{Result, time};

#[derive(Debug, Clone, Default, PartialEq)]
pub struct SyncCursor {
    pub cursor: Option<String>,
    pub high_water_mark: Option<DateTime<Utc>>,
    pub last_full_at: Option<DateTime<Utc>>,
    pub deletes_checked_at: Option<DateTime<Utc>>,
}

pub fn get(
    conn: &rusqlite::Connection,
    connection: ConnectionId,
    object_type: ObjectType,
) -> Result<SyncCursor> {
    let row = conn
        .prepare_cached(
            "SELECT cursor, high_water_mark, last_full_at, deletes_checked_at FROM sync_cursors
             WHERE connection_id = ?1 AND object_type = ?2",
        )?
        .query_row(params![connection.0, object_type.as_str()], |r| {
            <(
                Option<String>,
                Option<String>,
                Option<String>,
                Option<String>,
            )>::try_from(r)
        })
        .optional()?;
    let Some((cursor, high, full, deletes)) = row else {
        return Ok(SyncCursor::default());
    };
    Ok(SyncCursor {
        cursor,
        high_water_mark: time::opt_from_sql("sync_cursors.high_water_mark", high)?,
        last_full_at: time::opt_from_sql("sync_cursors.last_full_at", full)?,
        deletes_checked_at: time::opt_from_sql("sync_cursors.deletes_checked_at", deletes)?,
    })
}

/// When each connection last finished pulling an object type (its cursor cleared): the Connections
/// screen's "Last pulled".
pub fn last_pulled(conn: &rusqlite::Connection) -> Result<Vec<(ConnectionId, DateTime<Utc>)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT connection_id, max(updated_at) FROM sync_cursors WHERE cursor IS NULL
         GROUP BY connection_id",
    )?;
    let rows = stmt.query_map([], |r| <(i64, String)>::try_from(r))?;
    rows.map(|row| {
        let (id, at) = row?;
        Ok((
            ConnectionId(id),
            time::from_sql("sync_cursors.updated_at", &at)?,
        ))
    })
    .collect()
}

pub fn put(
    conn: &rusqlite::Connection,
    connection: ConnectionId,
    object_type: ObjectType,
    state: &SyncCursor,
    now: DateTime<Utc>,
) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO sync_cursors (connection_id, object_type, cursor, high_water_mark, last_full_at,
                                   deletes_checked_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
         ON CONFLICT (connection_id, object_type) DO UPDATE SET
           cursor = excluded.cursor, high_water_mark = excluded.high_water_mark,
           last_full_at = excluded.last_full_at, deletes_checked_at = excluded.deletes_checked_at,
           updated_at = excluded.updated_at",
    )?
    .execute(params![
        connection.0,
        object_type.as_str(),
        state.cursor,
        state.high_water_mark.map(time::to_sql),
        state.last_full_at.map(time::to_sql),
        state.deletes_checked_at.map(time::to_sql),
        time::to_sql(now)
    ])?;
    Ok(())
}
