//! The `outbox` table: every write a sync sends, stored before it is sent and removed once the CRM
//! confirmed it, so a crash or a dead network never loses one.

use bridge_model::{Fields, ObjectType, Side, WriteOperation};
use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, params};

use crate::{Error, Result, from_json, side_of, side_sql, time};

/// A write a sync will send (or sent and the CRM refused).
#[derive(Debug, Clone, PartialEq)]
pub struct OutboxWrite {
    pub id: i64,
    pub pair_id: i64,
    pub object_type: ObjectType,
    /// The side written to.
    pub side: Side,
    pub operation: WriteOperation,
    /// The record on the other side whose values this write carries.
    pub source_remote_id: String,
    /// The record written to (updates).
    pub remote_id: Option<String>,
    pub fields: Fields,
    /// The sync state the two records have once this write is confirmed.
    pub synced: Fields,
    /// Sends so far; a create sent before may exist in the target although its answer was lost.
    pub attempts: i64,
    /// The mirror's highest record row id when it was first sent (`records::SyncView::row`): a record
    /// the create may have made is one the mirror saw after it.
    pub mirror_mark: Option<i64>,
    pub failed: bool,
}

/// A write to queue.
#[derive(Debug, Clone, PartialEq)]
pub struct NewOutboxWrite {
    pub pair_id: i64,
    pub object_type: ObjectType,
    pub side: Side,
    pub operation: WriteOperation,
    pub source_remote_id: String,
    pub remote_id: Option<String>,
    pub fields: Fields,
    pub synced: Fields,
}

/// The one write per source record and direction that may wait at a time.
pub fn key(pair: i64, object_type: ObjectType, side: Side, source_remote_id: &str) -> String {
    format!(
        "{pair}/{}/{}/{source_remote_id}",
        object_type.as_str(),
        side_sql(side)
    )
}

/// Stores a write. One that failed for the same record and direction is replaced by it (the record
/// changed since; its attempts are kept, so a create that may exist is still matched first); None when
/// one is pending already (it goes first).
pub fn queue(
    tx: &rusqlite::Connection,
    write: &NewOutboxWrite,
    run: Option<i64>,
    now: DateTime<Utc>,
) -> Result<Option<i64>> {
    Ok(tx
        .prepare_cached(
            "INSERT INTO outbox (key, pair_id, object_type, side, operation, source_remote_id, remote_id,
                                 fields, synced, run_id, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
             ON CONFLICT (key) DO UPDATE SET operation = excluded.operation, remote_id = excluded.remote_id,
                 fields = excluded.fields, synced = excluded.synced, run_id = excluded.run_id, status = 'pending'
             WHERE status = 'failed'
             RETURNING id",
        )?
        .query_row(params![
            key(
                write.pair_id,
                write.object_type,
                write.side,
                &write.source_remote_id
            ),
            write.pair_id,
            write.object_type.as_str(),
            side_sql(write.side),
            write.operation.as_str(),
            write.source_remote_id,
            write.remote_id,
            serde_json::Value::Object(write.fields.clone()).to_string(),
            serde_json::Value::Object(write.synced.clone()).to_string(),
            run,
            time::to_sql(now)
        ], |r| r.get(0))
        .optional()?)
}

const COLUMNS: &str = "id, pair_id, object_type, side, operation, source_remote_id, remote_id, fields, synced, attempts, mirror_mark, status";

type Row = (
    i64,
    i64,
    String,
    String,
    String,
    String,
    Option<String>,
    String,
    String,
    i64,
    Option<i64>,
    String,
);

fn parse(r: Row) -> Result<OutboxWrite> {
    let (
        id,
        pair_id,
        object_type,
        side,
        operation,
        source_remote_id,
        remote_id,
        fields,
        synced,
        attempts,
        mirror_mark,
        status,
    ) = r;
    let corrupt = |what: &str, detail: String| Error::Corrupt {
        what: format!("outbox.{what} of write {id}"),
        detail,
    };
    Ok(OutboxWrite {
        id,
        pair_id,
        object_type: object_type
            .parse()
            .map_err(|e| corrupt("object_type", format!("{e}")))?,
        side: side_of(&side),
        operation: WriteOperation::parse(&operation)
            .ok_or_else(|| corrupt("operation", operation.clone()))?,
        source_remote_id,
        remote_id,
        fields: from_json(&format!("outbox.fields of write {id}"), &fields)?,
        synced: from_json(&format!("outbox.synced of write {id}"), &synced)?,
        attempts,
        mirror_mark,
        failed: status == "failed",
    })
}

fn query(
    conn: &rusqlite::Connection,
    sql: &str,
    p: impl rusqlite::Params,
) -> Result<Vec<OutboxWrite>> {
    let mut stmt = conn.prepare_cached(sql)?;
    let rows = stmt.query_map(p, |r| Row::try_from(r))?;
    rows.map(|r| parse(r?)).collect()
}

/// The writes of a pair still to send, oldest first.
pub fn pending(conn: &rusqlite::Connection, pair: i64) -> Result<Vec<OutboxWrite>> {
    query(
        conn,
        &format!(
            "SELECT {COLUMNS} FROM outbox WHERE pair_id = ?1 AND status = 'pending' ORDER BY id"
        ),
        [pair],
    )
}

pub fn get_many(conn: &rusqlite::Connection, ids: &[i64]) -> Result<Vec<OutboxWrite>> {
    let ids = serde_json::to_string(ids).expect("ids serialise");
    query(
        conn,
        &format!(
            "SELECT {COLUMNS} FROM outbox WHERE id IN (SELECT value FROM json_each(?1)) ORDER BY id"
        ),
        [ids],
    )
}

/// The writes of one object type and direction not yet confirmed, by source record: None while
/// pending (a new run leaves the record alone until it is sent), the fields sent when the CRM refused
/// it (a new run sends it again only once the values change).
pub fn waiting(
    conn: &rusqlite::Connection,
    pair: i64,
    object_type: ObjectType,
    side: Side,
) -> Result<std::collections::HashMap<String, Option<Fields>>> {
    let mut stmt = conn.prepare_cached(
        "SELECT source_remote_id, status, fields FROM outbox
         WHERE pair_id = ?1 AND object_type = ?2 AND side = ?3",
    )?;
    let rows = stmt.query_map(params![pair, object_type.as_str(), side_sql(side)], |r| {
        <(String, String, String)>::try_from(r)
    })?;
    rows.map(|r| {
        let (source, status, fields) = r?;
        let fields = if status == "failed" {
            Some(from_json(&format!("outbox.fields of {source}"), &fields)?)
        } else {
            None
        };
        Ok((source, fields))
    })
    .collect()
}

/// Counts a send before it happens, so a write whose answer never came is known to maybe exist.
pub fn attempt(tx: &rusqlite::Connection, ids: &[i64]) -> Result<()> {
    // The mark is taken at the first send only: a record the mirror first saw after it may be the
    // create's (row ids only grow: records are never deleted from the mirror, only marked).
    let mut stmt = tx.prepare_cached(
        "UPDATE outbox SET attempts = attempts + 1,
                mirror_mark = coalesce(mirror_mark, (SELECT coalesce(max(id), 0) FROM records))
          WHERE id = ?1",
    )?;
    for id in ids {
        stmt.execute([id])?;
    }
    Ok(())
}

/// The CRM confirmed the write: it leaves the outbox.
pub fn done(tx: &rusqlite::Connection, id: i64) -> Result<()> {
    tx.prepare_cached("DELETE FROM outbox WHERE id = ?1")?
        .execute([id])?;
    Ok(())
}

/// The CRM refused the write: it waits in the failed-records queue, which points at it.
pub fn failed(tx: &rusqlite::Connection, id: i64) -> Result<()> {
    tx.prepare_cached("UPDATE outbox SET status = 'failed' WHERE id = ?1")?
        .execute([id])?;
    Ok(())
}

/// A failed write sent again from the queue; its payload may have been edited there.
pub fn retry(tx: &rusqlite::Connection, id: i64, fields: &Fields) -> Result<()> {
    tx.prepare_cached("UPDATE outbox SET status = 'pending', fields = ?2 WHERE id = ?1")?
        .execute(params![
            id,
            serde_json::Value::Object(fields.clone()).to_string()
        ])?;
    Ok(())
}

/// Writes of a pair not yet confirmed (pending and failed).
pub fn count(conn: &rusqlite::Connection, pair: i64) -> Result<(i64, i64)> {
    Ok(conn
        .prepare_cached(
            "SELECT count(*) FILTER (WHERE status = 'pending'), count(*) FILTER (WHERE status = 'failed')
             FROM outbox WHERE pair_id = ?1",
        )?
        .query_row([pair], |r| Ok((r.get(0)?, r.get(1)?)))?)
}
