//! The `sync_pairs` table: pairs of connections kept in agreement, with their field rules.

use bridge_model::{ConflictPolicy, ConnectionId, NewSyncPair, SyncPair};
use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, params};

use crate::{Result, from_json, time};

const COLUMNS: &str =
    "id, name, a_connection_id, b_connection_id, objects, conflicts, every_minutes, created_at";

fn policy_sql(p: ConflictPolicy) -> &'static str {
    match p {
        ConflictPolicy::MostRecent => "most_recent",
        ConflictPolicy::Ask => "ask",
    }
}

/// id, name, a, b, objects, conflicts, every_minutes, created_at.
type Row = (i64, String, i64, i64, String, String, Option<i64>, String);

fn row(r: &rusqlite::Row) -> rusqlite::Result<Row> {
    Row::try_from(r)
}

fn parse((id, name, a, b, objects, conflicts, every_minutes, created_at): Row) -> Result<SyncPair> {
    Ok(SyncPair {
        id,
        name,
        a: ConnectionId(a),
        b: ConnectionId(b),
        objects: from_json(&format!("sync_pairs.objects of pair {id}"), &objects)?,
        conflicts: if conflicts == "ask" {
            ConflictPolicy::Ask
        } else {
            ConflictPolicy::MostRecent
        },
        every_minutes,
        created_at: time::from_sql("sync_pairs.created_at", &created_at)?,
    })
}

pub fn insert(tx: &rusqlite::Connection, pair: &NewSyncPair, now: DateTime<Utc>) -> Result<i64> {
    tx.prepare_cached(
        "INSERT INTO sync_pairs (name, a_connection_id, b_connection_id, objects, conflicts, every_minutes, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute(params![
        pair.name,
        pair.a.0,
        pair.b.0,
        serde_json::to_string(&pair.objects).expect("rules serialise"),
        policy_sql(pair.conflicts),
        pair.every_minutes,
        time::to_sql(now)
    ])?;
    Ok(tx.last_insert_rowid())
}

/// Replaces a pair's rules, scope, conflict setting and schedule; false when there is no such pair.
pub fn update(tx: &rusqlite::Connection, id: i64, pair: &NewSyncPair) -> Result<bool> {
    Ok(tx
        .prepare_cached(
            "UPDATE sync_pairs SET name = ?2, objects = ?3, conflicts = ?4, every_minutes = ?5 WHERE id = ?1",
        )?
        .execute(params![
            id,
            pair.name,
            serde_json::to_string(&pair.objects).expect("rules serialise"),
            policy_sql(pair.conflicts),
            pair.every_minutes
        ])?
        == 1)
}

pub fn delete(tx: &rusqlite::Connection, id: i64) -> Result<bool> {
    Ok(tx
        .prepare_cached("DELETE FROM sync_pairs WHERE id = ?1")?
        .execute([id])?
        == 1)
}

pub fn get(conn: &rusqlite::Connection, id: i64) -> Result<Option<SyncPair>> {
    conn.prepare_cached(&format!("SELECT {COLUMNS} FROM sync_pairs WHERE id = ?1"))?
        .query_row([id], row)
        .optional()?
        .map(parse)
        .transpose()
}

pub fn list(conn: &rusqlite::Connection) -> Result<Vec<SyncPair>> {
    let mut stmt = conn.prepare_cached(&format!("SELECT {COLUMNS} FROM sync_pairs ORDER BY id"))?;
    let rows = stmt.query_map([], row)?;
    rows.map(|r| parse(r?)).collect()
}
