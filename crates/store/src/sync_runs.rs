//! The `sync_runs` table: the history of pulls (and later pushes, syncs, migrations) with their counts.

use bridge_model::{ConnectionId, ObjectType, RunStatus, SyncCounts, SyncRun};
use chrono::{DateTime, Utc};
use rusqlite::params;

use crate::{Result, time};

/// Counts of one run, added to as pages commit.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RunCounts {
    pub pages: i64,
    pub fetched: i64,
    pub created: i64,
    pub updated: i64,
    pub unchanged: i64,
    pub deleted: i64,
}

pub fn start_pull(
    conn: &rusqlite::Connection,
    connection: ConnectionId,
    object_type: ObjectType,
    now: DateTime<Utc>,
) -> Result<i64> {
    conn.prepare_cached(
        "INSERT INTO sync_runs (kind, connection_id, object_type, status, started_at)
         VALUES ('pull', ?1, ?2, 'running', ?3)",
    )?
    .execute(params![
        connection.0,
        object_type.as_str(),
        time::to_sql(now)
    ])?;
    Ok(conn.last_insert_rowid())
}

pub fn add(conn: &rusqlite::Connection, run: i64, counts: &RunCounts) -> Result<()> {
    conn.prepare_cached(
        "UPDATE sync_runs SET pages = pages + ?2, fetched = fetched + ?3, created = created + ?4,
                updated = updated + ?5, unchanged = unchanged + ?6, deleted = deleted + ?7
         WHERE id = ?1",
    )?
    .execute(params![
        run,
        counts.pages,
        counts.fetched,
        counts.created,
        counts.updated,
        counts.unchanged,
        counts.deleted
    ])?;
    Ok(())
}

/// Ends a run: `succeeded`, `failed` (with the error), `cancelled`.
pub fn finish(
    conn: &rusqlite::Connection,
    run: i64,
    status: &str,
    error: Option<&str>,
    now: DateTime<Utc>,
) -> Result<()> {
    conn.prepare_cached(
        "UPDATE sync_runs SET status = ?2, error = ?3, finished_at = ?4 WHERE id = ?1",
    )?
    .execute(params![run, status, error, time::to_sql(now)])?;
    Ok(())
}

/// Runs a crash left `running` become `interrupted`.
pub fn mark_interrupted(conn: &rusqlite::Connection, now: DateTime<Utc>) -> Result<usize> {
    Ok(conn
        .prepare_cached(
            "UPDATE sync_runs SET status = 'interrupted', finished_at = ?1 WHERE status = 'running'",
        )?
        .execute(params![time::to_sql(now)])?)
}

pub fn start_sync(conn: &rusqlite::Connection, pair: i64, now: DateTime<Utc>) -> Result<i64> {
    conn.prepare_cached(
        "INSERT INTO sync_runs (kind, pair_id, status, started_at) VALUES ('sync', ?1, 'running', ?2)",
    )?
    .execute(params![pair, time::to_sql(now)])?;
    Ok(conn.last_insert_rowid())
}

/// Adds to a sync run's counts (as batches commit, so a killed run still shows what it did).
pub fn add_sync(conn: &rusqlite::Connection, run: i64, counts: &SyncCounts) -> Result<()> {
    conn.prepare_cached(
        "UPDATE sync_runs SET created = created + ?2, updated = updated + ?3, unchanged = unchanged + ?4,
                failed = failed + ?5, conflicts = conflicts + ?6, deleted = deleted + ?7
         WHERE id = ?1",
    )?
    .execute(params![
        run,
        counts.created,
        counts.updated,
        counts.unchanged,
        counts.failed,
        counts.conflicts,
        counts.deleted
    ])?;
    Ok(())
}

/// The latest sync runs of a pair (of every pair when None), newest first.
pub fn list_sync(
    conn: &rusqlite::Connection,
    pair: Option<i64>,
    limit: i64,
) -> Result<Vec<SyncRun>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, pair_id, status, started_at, finished_at, created, updated, unchanged, failed, conflicts, error, deleted
         FROM sync_runs WHERE kind = 'sync' AND (?1 IS NULL OR pair_id = ?1)
         ORDER BY id DESC LIMIT ?2",
    )?;
    let rows = stmt.query_map(params![pair, limit], |r| {
        <(
            i64,
            i64,
            String,
            String,
            Option<String>,
            i64,
            i64,
            i64,
            i64,
            i64,
            Option<String>,
            i64,
        )>::try_from(r)
    })?;
    rows.map(|r| {
        let (
            id,
            pair_id,
            status,
            started_at,
            finished_at,
            created,
            updated,
            unchanged,
            failed,
            conflicts,
            error,
            deleted,
        ) = r?;
        Ok(SyncRun {
            id,
            pair_id,
            status: RunStatus::parse(&status).ok_or_else(|| crate::Error::Corrupt {
                what: format!("sync_runs.status of run {id}"),
                detail: status.clone(),
            })?,
            started_at: time::from_sql("sync_runs.started_at", &started_at)?,
            finished_at: time::opt_from_sql("sync_runs.finished_at", finished_at)?,
            counts: SyncCounts {
                created,
                updated,
                unchanged,
                failed,
                conflicts,
                deleted,
            },
            error,
        })
    })
    .collect()
}
