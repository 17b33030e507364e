//! The `sync_state` table: for each pair of linked records, the values they had after their last sync.

use bridge_model::{Fields, ObjectType};
use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, params};

use crate::{Result, from_json, time};

/// Two records a pair keeps in agreement, and the values they agreed on last.
#[derive(Debug, Clone, PartialEq)]
pub struct Synced {
    pub a_remote_id: String,
    pub b_remote_id: String,
    pub synced: Fields,
}

/// Every linked pair of records of one object type of a pair.
pub fn list(
    conn: &rusqlite::Connection,
    pair: i64,
    object_type: ObjectType,
) -> Result<Vec<Synced>> {
    let mut stmt = conn.prepare_cached(
        "SELECT a_remote_id, b_remote_id, synced FROM sync_state
         WHERE pair_id = ?1 AND object_type = ?2 ORDER BY a_remote_id",
    )?;
    let rows = stmt.query_map(params![pair, object_type.as_str()], |r| {
        <(String, String, String)>::try_from(r)
    })?;
    rows.map(|r| {
        let (a_remote_id, b_remote_id, synced) = r?;
        let synced = from_json(&format!("sync_state.synced of {a_remote_id}"), &synced)?;
        Ok(Synced {
            a_remote_id,
            b_remote_id,
            synced,
        })
    })
    .collect()
}

/// Records (or replaces) the agreed values of two linked records.
pub fn put(
    tx: &rusqlite::Connection,
    pair: i64,
    object_type: ObjectType,
    state: &Synced,
    now: DateTime<Utc>,
) -> Result<()> {
    tx.prepare_cached(
        "INSERT INTO sync_state (pair_id, object_type, a_remote_id, b_remote_id, synced, synced_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT (pair_id, object_type, a_remote_id)
         DO UPDATE SET b_remote_id = excluded.b_remote_id, synced = excluded.synced, synced_at = excluded.synced_at",
    )?
    .execute(params![
        pair,
        object_type.as_str(),
        state.a_remote_id,
        state.b_remote_id,
        serde_json::Value::Object(state.synced.clone()).to_string(),
        time::to_sql(now)
    ])?;
    Ok(())
}

/// Links two records for good whose one side is deleted: the sync leaves the other alone (a person
/// kept it). `b_remote_id` replaces the B side (an undo recreated it under a new id).
pub fn keep(
    tx: &rusqlite::Connection,
    pair: i64,
    object_type: ObjectType,
    a_remote_id: &str,
    b_remote_id: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    tx.prepare_cached(
        "INSERT INTO sync_state (pair_id, object_type, a_remote_id, b_remote_id, synced, synced_at, kept)
         VALUES (?1, ?2, ?3, ?4, '{}', ?5, 1)
         ON CONFLICT (pair_id, object_type, a_remote_id)
         DO UPDATE SET b_remote_id = excluded.b_remote_id, kept = 1",
    )?
    .execute(params![
        pair,
        object_type.as_str(),
        a_remote_id,
        b_remote_id,
        time::to_sql(now)
    ])?;
    Ok(())
}

/// Keeps every link of `object_type` whose record on either side is gone from the mirror: a pair
/// that starts carrying deletions leaves those made before alone.
pub fn keep_dangling(
    tx: &rusqlite::Connection,
    pair: i64,
    object_type: ObjectType,
    a: bridge_model::ConnectionId,
    b: bridge_model::ConnectionId,
) -> Result<usize> {
    Ok(tx
        .prepare_cached(
            "UPDATE sync_state SET kept = 1
              WHERE pair_id = ?1 AND object_type = ?2 AND kept = 0
                AND (NOT EXISTS (SELECT 1 FROM records r
                                  WHERE r.connection_id = ?3 AND r.object_type = ?2
                                    AND r.remote_id = sync_state.a_remote_id AND r.deleted_at IS NULL)
                     OR NOT EXISTS (SELECT 1 FROM records r
                                     WHERE r.connection_id = ?4 AND r.object_type = ?2
                                       AND r.remote_id = sync_state.b_remote_id AND r.deleted_at IS NULL))",
        )?
        .execute(params![pair, object_type.as_str(), a.0, b.0])?)
}

/// The A sides of the record pairs a person kept (`keep`).
pub fn kept(
    conn: &rusqlite::Connection,
    pair: i64,
    object_type: ObjectType,
) -> Result<std::collections::HashSet<String>> {
    let mut stmt = conn.prepare_cached(
        "SELECT a_remote_id FROM sync_state WHERE pair_id = ?1 AND object_type = ?2 AND kept = 1",
    )?;
    let rows = stmt.query_map(params![pair, object_type.as_str()], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Ends the link of the record pair whose A side is `a_remote_id` (a deletion carried across).
pub fn remove(
    tx: &rusqlite::Connection,
    pair: i64,
    object_type: ObjectType,
    a_remote_id: &str,
) -> Result<()> {
    tx.prepare_cached(
        "DELETE FROM sync_state WHERE pair_id = ?1 AND object_type = ?2 AND a_remote_id = ?3",
    )?
    .execute(params![pair, object_type.as_str(), a_remote_id])?;
    Ok(())
}

/// The agreed values of the record pair whose A side is `a_remote_id`.
pub fn get(
    conn: &rusqlite::Connection,
    pair: i64,
    object_type: ObjectType,
    a_remote_id: &str,
) -> Result<Option<Synced>> {
    let row: Option<(String, String)> = conn
        .prepare_cached(
            "SELECT b_remote_id, synced FROM sync_state
             WHERE pair_id = ?1 AND object_type = ?2 AND a_remote_id = ?3",
        )?
        .query_row(params![pair, object_type.as_str(), a_remote_id], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .optional()?;
    row.map(|(b_remote_id, synced)| {
        Ok(Synced {
            a_remote_id: a_remote_id.to_owned(),
            b_remote_id,
            synced: from_json(&format!("sync_state.synced of {a_remote_id}"), &synced)?,
        })
    })
    .transpose()
}

/// After a merge in `connection` folded record `from` into `to`: every pair's link of `from` is
/// moved to `to` where `to` has none in that pair, so the other side's record stays linked (and is
/// not created again, nor `to` created in it as new). Where `to` is linked already the other side
/// holds a duplicate too; that link stays on the merged record, which sync leaves alone. Returns
/// the links moved.
pub fn repoint(
    tx: &rusqlite::Connection,
    connection: bridge_model::ConnectionId,
    object_type: ObjectType,
    from: &str,
    to: &str,
) -> Result<usize> {
    let mut moved = 0;
    for side in ["a", "b"] {
        let sql = format!(
            "UPDATE sync_state SET {side}_remote_id = ?4
             WHERE object_type = ?2 AND {side}_remote_id = ?3
               AND pair_id IN (SELECT id FROM sync_pairs WHERE {side}_connection_id = ?1)
               AND NOT EXISTS (SELECT 1 FROM sync_state s
                               WHERE s.pair_id = sync_state.pair_id
                                 AND s.object_type = sync_state.object_type
                                 AND s.{side}_remote_id = ?4)"
        );
        moved += tx.prepare_cached(&sql)?.execute(params![
            connection.0,
            object_type.as_str(),
            from,
            to
        ])?;
    }
    Ok(moved)
}
