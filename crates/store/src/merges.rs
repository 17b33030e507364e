//! The `merges` table: every merge applied, with the plan, the before-image and the steps done, so
//! undo works after a restart and a merge cut off half-way can be finished or undone.

use bridge_model::{ConnectionId, ObjectType};
use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, params};

use crate::{Error, Result, time};

/// A merge about to be applied.
#[derive(Debug, Clone, PartialEq)]
pub struct NewMerge<'a> {
    pub group_id: Option<i64>,
    /// None when the group spans several connections.
    pub connection_id: Option<ConnectionId>,
    pub object_type: ObjectType,
    pub master_remote_id: &'a str,
    /// JSON of the plan.
    pub plan: &'a str,
    /// JSON of every member as it was.
    pub before_image: &'a str,
    pub merged_by: &'a str,
}

/// A stored merge; the JSON columns are the engine's to read.
#[derive(Debug, Clone, PartialEq)]
pub struct MergeRow {
    pub id: i64,
    pub group_id: Option<i64>,
    pub connection_id: Option<ConnectionId>,
    pub object_type: ObjectType,
    pub master_remote_id: String,
    pub plan: String,
    pub before_image: String,
    pub steps: String,
    /// applying, applied, undoing, undone or failed.
    pub status: String,
    pub merged_by: String,
    pub applied_at: DateTime<Utc>,
    pub undone_at: Option<DateTime<Utc>>,
    pub error: Option<String>,
    /// When its last CRM write was confirmed (set once it is applied).
    pub settled_at: Option<DateTime<Utc>>,
}

pub fn insert(tx: &rusqlite::Transaction, merge: &NewMerge, now: DateTime<Utc>) -> Result<i64> {
    tx.prepare_cached(
        "INSERT INTO merges (group_id, connection_id, object_type, master_remote_id, plan, before_image,
                             status, merged_by, applied_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'applying', ?7, ?8)",
    )?
    .execute(params![
        merge.group_id,
        merge.connection_id.map(|c| c.0),
        merge.object_type.as_str(),
        merge.master_remote_id,
        merge.plan,
        merge.before_image,
        merge.merged_by,
        time::to_sql(now)
    ])?;
    Ok(tx.last_insert_rowid())
}

/// Records the steps done so far (JSON array).
pub fn set_steps(conn: &rusqlite::Connection, id: i64, steps: &str) -> Result<()> {
    conn.prepare_cached("UPDATE merges SET steps = ?2 WHERE id = ?1")?
        .execute(params![id, steps])?;
    Ok(())
}

/// Moves a merge to `status` (with the error that stopped it, if any); `undone` stamps the time.
pub fn set_status(
    conn: &rusqlite::Connection,
    id: i64,
    status: &str,
    error: Option<&str>,
    now: DateTime<Utc>,
) -> Result<()> {
    conn.prepare_cached(
        "UPDATE merges SET status = ?2, error = ?3,
                undone_at = CASE WHEN ?2 = 'undone' THEN ?4 ELSE undone_at END,
                settled_at = CASE WHEN ?2 = 'applied' THEN ?4 ELSE settled_at END
         WHERE id = ?1",
    )?
    .execute(params![id, status, error, time::to_sql(now)])?;
    Ok(())
}

const COLUMNS: &str =
    "id, group_id, connection_id, object_type, master_remote_id, plan, before_image,
                       steps, status, merged_by, applied_at, undone_at, error, settled_at";

type Raw = (
    i64,
    Option<i64>,
    Option<i64>,
    String,
    String,
    String,
    String,
    String,
    String,
    String,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
);

fn row(raw: Raw) -> Result<MergeRow> {
    let (
        id,
        group_id,
        connection_id,
        object_type,
        master,
        plan,
        before,
        steps,
        status,
        by,
        at,
        undone,
        error,
        settled,
    ) = raw;
    Ok(MergeRow {
        id,
        group_id,
        connection_id: connection_id.map(ConnectionId),
        object_type: object_type.parse().map_err(|e| Error::Corrupt {
            what: format!("merge {id}"),
            detail: format!("{e}"),
        })?,
        master_remote_id: master,
        plan,
        before_image: before,
        steps,
        status,
        merged_by: by,
        applied_at: time::from_sql("merges.applied_at", &at)?,
        undone_at: time::opt_from_sql("merges.undone_at", undone)?,
        error,
        settled_at: time::opt_from_sql("merges.settled_at", settled)?,
    })
}

pub fn get(conn: &rusqlite::Connection, id: i64) -> Result<Option<MergeRow>> {
    let raw = conn
        .prepare_cached(&format!("SELECT {COLUMNS} FROM merges WHERE id = ?1"))?
        .query_row([id], |r| Raw::try_from(r))
        .optional()?;
    raw.map(row).transpose()
}

/// Merges, the most recent first.
pub fn page(conn: &rusqlite::Connection, offset: i64, limit: i64) -> Result<Vec<MergeRow>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM merges ORDER BY applied_at DESC, id DESC LIMIT ?1 OFFSET ?2"
    ))?;
    let rows = stmt.query_map(params![limit, offset], |r| Raw::try_from(r))?;
    rows.map(|r| row(r?)).collect()
}

pub fn count(conn: &rusqlite::Connection) -> Result<i64> {
    Ok(conn
        .prepare_cached("SELECT count(*) FROM merges")?
        .query_row([], |r| r.get(0))?)
}

/// Every merge, oldest first: undo follows records recreated under new ids, and tells its own later
/// writes from other people's.
pub fn all(conn: &rusqlite::Connection) -> Result<Vec<MergeRow>> {
    let mut stmt = conn.prepare_cached(&format!("SELECT {COLUMNS} FROM merges ORDER BY id"))?;
    let rows = stmt.query_map([], |r| Raw::try_from(r))?;
    rows.map(|r| row(r?)).collect()
}

/// A merge of this group that did not finish (stopped, or cut off while applying or undoing).
pub fn unfinished_for_group(conn: &rusqlite::Connection, group_id: i64) -> Result<Option<i64>> {
    Ok(conn
        .prepare_cached(
            "SELECT id FROM merges WHERE group_id = ?1 AND status IN ('applying', 'undoing', 'failed')
             ORDER BY id DESC LIMIT 1",
        )?
        .query_row([group_id], |r| r.get(0))
        .optional()?)
}
