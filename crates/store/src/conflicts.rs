//! The `conflicts` table: the Conflicts inbox, fields both sides changed that the rules could not settle.

use std::collections::BTreeMap;

use bridge_model::{ConflictField, ObjectType, Side};
use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, params};

use crate::{Result, from_json, side_of, side_sql, time};

/// One record pair's open (or settled) conflict.
#[derive(Debug, Clone, PartialEq)]
pub struct Conflict {
    pub id: i64,
    pub pair_id: i64,
    pub object_type: ObjectType,
    pub a_remote_id: String,
    pub b_remote_id: String,
    pub a_name: String,
    pub b_name: String,
    pub fields: Vec<ConflictField>,
    /// A conflict about a deletion: the side the record was deleted on (`fields` is empty).
    pub deleted_side: Option<Side>,
    pub open: bool,
    pub created_at: DateTime<Utc>,
}

/// A conflict to record; an open one for the same records is replaced (the values moved on).
#[derive(Debug, Clone, PartialEq)]
pub struct NewConflict<'a> {
    pub pair_id: i64,
    pub object_type: ObjectType,
    pub a_remote_id: &'a str,
    pub b_remote_id: &'a str,
    pub a_name: &'a str,
    pub b_name: &'a str,
    pub fields: &'a [ConflictField],
    pub deleted_side: Option<Side>,
}

pub fn open(tx: &rusqlite::Connection, c: &NewConflict, now: DateTime<Utc>) -> Result<()> {
    tx.prepare_cached(
        "INSERT INTO conflicts (pair_id, object_type, a_remote_id, b_remote_id, a_name, b_name, fields,
                                deleted_side, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
         ON CONFLICT (pair_id, object_type, a_remote_id) WHERE status = 'open'
         DO UPDATE SET b_remote_id = excluded.b_remote_id, a_name = excluded.a_name,
                       b_name = excluded.b_name, fields = excluded.fields,
                       deleted_side = excluded.deleted_side",
    )?
    .execute(params![
        c.pair_id,
        c.object_type.as_str(),
        c.a_remote_id,
        c.b_remote_id,
        c.a_name,
        c.b_name,
        serde_json::to_string(c.fields).expect("fields serialise"),
        c.deleted_side.map(side_sql),
        time::to_sql(now)
    ])?;
    Ok(())
}

const COLUMNS: &str = "id, pair_id, object_type, a_remote_id, b_remote_id, a_name, b_name, fields, status, created_at, \
                       deleted_side";

type Row = (
    i64,
    i64,
    String,
    String,
    String,
    String,
    String,
    String,
    String,
    String,
    Option<String>,
);

fn parse(r: Row) -> Result<Conflict> {
    let (
        id,
        pair_id,
        object_type,
        a_remote_id,
        b_remote_id,
        a_name,
        b_name,
        fields,
        status,
        created_at,
        deleted_side,
    ) = r;
    Ok(Conflict {
        id,
        pair_id,
        object_type: object_type.parse().map_err(|e| crate::Error::Corrupt {
            what: format!("conflicts.object_type of conflict {id}"),
            detail: format!("{e}"),
        })?,
        a_remote_id,
        b_remote_id,
        a_name,
        b_name,
        fields: from_json(&format!("conflicts.fields of conflict {id}"), &fields)?,
        deleted_side: deleted_side.as_deref().map(side_of),
        open: status == "open",
        created_at: time::from_sql("conflicts.created_at", &created_at)?,
    })
}

/// Open conflicts (of one pair, or all), oldest first.
pub fn list_open(conn: &rusqlite::Connection, pair: Option<i64>) -> Result<Vec<Conflict>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM conflicts WHERE status = 'open' AND (?1 IS NULL OR pair_id = ?1) ORDER BY id"
    ))?;
    let rows = stmt.query_map([pair], |r| Row::try_from(r))?;
    rows.map(|r| parse(r?)).collect()
}

pub fn get(conn: &rusqlite::Connection, id: i64) -> Result<Option<Conflict>> {
    conn.prepare_cached(&format!("SELECT {COLUMNS} FROM conflicts WHERE id = ?1"))?
        .query_row([id], |r| Row::try_from(r))
        .optional()?
        .map(parse)
        .transpose()
}

/// The open conflict of a record pair, if any: its fields are held back from sync until settled.
pub fn open_for(
    conn: &rusqlite::Connection,
    pair: i64,
    object_type: ObjectType,
    a_remote_id: &str,
) -> Result<Option<Conflict>> {
    conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM conflicts
         WHERE pair_id = ?1 AND object_type = ?2 AND a_remote_id = ?3 AND status = 'open'"
    ))?
    .query_row(params![pair, object_type.as_str(), a_remote_id], |r| {
        Row::try_from(r)
    })
    .optional()?
    .map(parse)
    .transpose()
}

/// A person picked a side for every field.
pub fn resolve(
    tx: &rusqlite::Connection,
    id: i64,
    picks: &BTreeMap<String, Side>,
    now: DateTime<Utc>,
) -> Result<()> {
    tx.prepare_cached(
        "UPDATE conflicts SET status = 'resolved', resolution = ?2, resolved_at = ?3 WHERE id = ?1",
    )?
    .execute(params![
        id,
        serde_json::to_string(picks).expect("picks serialise"),
        time::to_sql(now)
    ])?;
    Ok(())
}

pub fn count_open(conn: &rusqlite::Connection) -> Result<i64> {
    Ok(conn
        .prepare_cached("SELECT count(*) FROM conflicts WHERE status = 'open'")?
        .query_row([], |r| r.get(0))?)
}
