//! The `sync_deletions` table: records a sync deleted because their counterpart was deleted on the
//! other side of the pair, each with its before-image, so an undo can create it again.

use bridge_model::{ConnectionId, Fields, ObjectType, Side, SyncDeletion};
use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, params};

use crate::{Result, from_json, outbox::OutboxWrite, side_of, side_sql, time};

/// One deletion a sync carried across, with the fields the record had.
#[derive(Debug, Clone, PartialEq)]
pub struct Stored {
    pub deletion: SyncDeletion,
    pub before_image: Fields,
}

/// A deletion to record.
#[derive(Debug, Clone, PartialEq)]
pub struct NewSyncDeletion<'a> {
    pub pair_id: i64,
    pub object_type: ObjectType,
    pub side: Side,
    pub remote_id: &'a str,
    pub source_remote_id: &'a str,
    pub name: &'a str,
    pub before_image: &'a Fields,
    pub run: Option<i64>,
}

pub fn insert(tx: &rusqlite::Connection, d: &NewSyncDeletion, now: DateTime<Utc>) -> Result<i64> {
    Ok(tx
        .prepare_cached(
            "INSERT INTO sync_deletions (pair_id, object_type, side, remote_id, source_remote_id, name,
                                         before_image, deleted_at, run_id)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) RETURNING id",
        )?
        .query_row(
            params![
                d.pair_id,
                d.object_type.as_str(),
                side_sql(d.side),
                d.remote_id,
                d.source_remote_id,
                d.name,
                serde_json::Value::Object(d.before_image.clone()).to_string(),
                time::to_sql(now),
                d.run
            ],
            |r| r.get(0),
        )?)
}

/// A confirmed delete: kept with the record's before-image (from the mirror), the link ended, the
/// mirror copy marked deleted (so the run does not take the record for one to create again), the
/// write out of the outbox. `target_type` is the type of the deleted record in its CRM (the
/// write's `object_type` names the pair's object).
pub fn carried(
    tx: &rusqlite::Connection,
    pair: i64,
    (target, target_type): (ConnectionId, ObjectType),
    w: &OutboxWrite,
    run: Option<i64>,
    now: DateTime<Utc>,
) -> Result<()> {
    let remote_id = w.remote_id.clone().unwrap_or_default();
    let before = match crate::records::id_of(tx, target, target_type, &remote_id)? {
        Some(id) => crate::records::get(tx, id)?,
        None => None,
    };
    let (name, fields) = before
        .map(|r| (r.display_name, r.fields))
        .unwrap_or_else(|| (remote_id.clone(), Default::default()));
    insert(
        tx,
        &NewSyncDeletion {
            pair_id: pair,
            object_type: w.object_type,
            side: w.side,
            remote_id: &remote_id,
            source_remote_id: &w.source_remote_id,
            name: &name,
            before_image: &fields,
            run,
        },
        now,
    )?;
    let a_id = match w.side {
        Side::A => &remote_id,
        Side::B => &w.source_remote_id,
    };
    crate::sync_state::remove(tx, pair, w.object_type, a_id)?;
    crate::records::mark_deleted(
        tx,
        target,
        target_type,
        std::slice::from_ref(&remote_id),
        now,
    )?;
    if let Some(f) = crate::failed_records::open_for_outbox(tx, w.id)? {
        crate::failed_records::resolve(tx, f, now)?;
    }
    crate::outbox::done(tx, w.id)
}

const COLUMNS: &str = "id, pair_id, object_type, side, remote_id, source_remote_id, name, before_image, \
                       deleted_at, undone_at, restored_id";

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
    Option<String>,
    Option<String>,
);

fn parse(r: Row) -> Result<Stored> {
    let (
        id,
        pair_id,
        object_type,
        side,
        remote_id,
        source_remote_id,
        name,
        before_image,
        deleted_at,
        undone_at,
        restored_id,
    ) = r;
    Ok(Stored {
        before_image: from_json(
            &format!("sync_deletions.before_image of deletion {id}"),
            &before_image,
        )?,
        deletion: SyncDeletion {
            id,
            pair_id,
            object_type: object_type.parse().map_err(|e| crate::Error::Corrupt {
                what: format!("sync_deletions.object_type of deletion {id}"),
                detail: format!("{e}"),
            })?,
            side: side_of(&side),
            remote_id,
            source_remote_id,
            name,
            deleted_at: time::from_sql("sync_deletions.deleted_at", &deleted_at)?,
            undone_at: time::opt_from_sql("sync_deletions.undone_at", undone_at)?,
            restored_id,
        },
    })
}

/// The latest deletions of a pair (of every pair when None), newest first.
pub fn list(conn: &rusqlite::Connection, pair: Option<i64>, limit: i64) -> Result<Vec<Stored>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM sync_deletions WHERE ?1 IS NULL OR pair_id = ?1
         ORDER BY id DESC LIMIT ?2"
    ))?;
    let rows = stmt.query_map(params![pair, limit], |r| Row::try_from(r))?;
    rows.map(|r| parse(r?)).collect()
}

pub fn get(conn: &rusqlite::Connection, id: i64) -> Result<Option<Stored>> {
    conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM sync_deletions WHERE id = ?1"
    ))?
    .query_row([id], |r| Row::try_from(r))
    .optional()?
    .map(parse)
    .transpose()
}

/// The record was created again as `restored_id`.
pub fn undone(
    tx: &rusqlite::Connection,
    id: i64,
    restored_id: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    tx.prepare_cached(
        "UPDATE sync_deletions SET undone_at = ?2, restored_id = ?3 WHERE id = ?1 AND undone_at IS NULL",
    )?
    .execute(params![id, time::to_sql(now), restored_id])?;
    Ok(())
}
