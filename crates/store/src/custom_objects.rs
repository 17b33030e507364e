//! The custom objects each connection's CRM lists, with the names the CRM gives them.

use bridge_model::{ConnectionId, CustomObjectInfo};
use chrono::{DateTime, Utc};
use rusqlite::params;

use crate::{Result, time};

/// The custom objects last listed for `connection`, by their plural names.
pub fn list(
    conn: &rusqlite::Connection,
    connection: ConnectionId,
) -> Result<Vec<CustomObjectInfo>> {
    let mut stmt = conn.prepare_cached(
        "SELECT object_type, singular, plural FROM custom_objects WHERE connection_id = ?1
         ORDER BY plural COLLATE NOCASE",
    )?;
    let rows = stmt.query_map([connection.0], |r| <(String, String, String)>::try_from(r))?;
    let mut out = Vec::new();
    for row in rows {
        let (t, singular, plural) = row?;
        let object_type = t.parse().map_err(|e| crate::Error::Corrupt {
            what: format!("custom_objects.object_type of connection {}", connection.0),
            detail: format!("{e}"),
        })?;
        out.push(CustomObjectInfo {
            object_type,
            singular,
            plural,
        });
    }
    Ok(out)
}

/// Keeps `objects` as the connection's custom objects (one the CRM no longer lists is forgotten;
/// its mirrored records stay until a person disconnects).
pub fn replace(
    tx: &rusqlite::Connection,
    connection: ConnectionId,
    objects: &[CustomObjectInfo],
    now: DateTime<Utc>,
) -> Result<()> {
    tx.execute(
        "DELETE FROM custom_objects WHERE connection_id = ?1",
        [connection.0],
    )?;
    let mut insert = tx.prepare_cached(
        "INSERT INTO custom_objects (connection_id, object_type, singular, plural, seen_at)
         VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    for o in objects {
        insert.execute(params![
            connection.0,
            o.object_type.as_str(),
            o.singular,
            o.plural,
            time::to_sql(now)
        ])?;
    }
    Ok(())
}
