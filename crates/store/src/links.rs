//! The `links` table: the identity map of records in different connections that are the same entity.
//! A link is never deleted, only ended, so the map keeps its history.

use bridge_model::{ConnectionId, ObjectType};
use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, params};

use crate::{Result, time};

/// A record in one connection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkedRecord {
    pub connection_id: ConnectionId,
    pub object_type: ObjectType,
    pub remote_id: String,
}

/// The entity a record is currently linked to.
pub fn entity_of(conn: &rusqlite::Connection, record: &LinkedRecord) -> Result<Option<i64>> {
    Ok(conn
        .prepare_cached(
            "SELECT entity_id FROM links
             WHERE connection_id = ?1 AND object_type = ?2 AND remote_id = ?3 AND ended_at IS NULL",
        )?
        .query_row(
            params![
                record.connection_id.0,
                record.object_type.as_str(),
                record.remote_id
            ],
            |r| r.get(0),
        )
        .optional()?)
}

/// Links `records` as one entity (joining the entity one of them has already); returns the ids of the
/// links it added, which are what undoing this decision ends.
pub fn link(
    tx: &rusqlite::Transaction,
    records: &[LinkedRecord],
    reason: &str,
    now: DateTime<Utc>,
) -> Result<Vec<i64>> {
    let mut entity = None;
    for r in records {
        if let Some(e) = entity_of(tx, r)? {
            entity = Some(e);
            break;
        }
    }
    let entity = match entity {
        Some(e) => e,
        None => tx
            .prepare_cached("SELECT coalesce(max(entity_id), 0) + 1 FROM links")?
            .query_row([], |r| r.get(0))?,
    };
    let mut added = Vec::new();
    for r in records {
        if entity_of(tx, r)?.is_some() {
            continue;
        }
        tx.prepare_cached(
            "INSERT INTO links (entity_id, connection_id, object_type, remote_id, reason, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )?
        .execute(params![
            entity,
            r.connection_id.0,
            r.object_type.as_str(),
            r.remote_id,
            reason,
            time::to_sql(now)
        ])?;
        added.push(tx.last_insert_rowid());
    }
    Ok(added)
}

/// Ends links (kept, with why they ended).
pub fn end(
    tx: &rusqlite::Transaction,
    ids: &[i64],
    reason: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    let mut stmt = tx.prepare_cached(
        "UPDATE links SET ended_at = ?2, ended_reason = ?3 WHERE id = ?1 AND ended_at IS NULL",
    )?;
    for id in ids {
        stmt.execute(params![id, time::to_sql(now), reason])?;
    }
    Ok(())
}

/// The records currently linked to `entity`.
pub fn members(conn: &rusqlite::Connection, entity: i64) -> Result<Vec<LinkedRecord>> {
    let mut stmt = conn.prepare_cached(
        "SELECT connection_id, object_type, remote_id FROM links
         WHERE entity_id = ?1 AND ended_at IS NULL ORDER BY id",
    )?;
    let rows = stmt.query_map([entity], |r| <(i64, String, String)>::try_from(r))?;
    rows.map(|r| {
        let (c, t, remote_id) = r?;
        Ok(LinkedRecord {
            connection_id: ConnectionId(c),
            object_type: t.parse().map_err(|e| crate::Error::Corrupt {
                what: "links.object_type".into(),
                detail: format!("{e}"),
            })?,
            remote_id,
        })
    })
    .collect()
}
