//! The `migrations` table (CRM-to-CRM migrations, not schema migrations) with item counts.

use bridge_model::{
    ConnectionId, Fields, MigrationAction, MigrationReport, MigrationRow, MigrationStatus,
    ObjectType,
};
use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, params};

use crate::{Error, Result, from_json, time};

/// Every migration, newest first, with how many of its items are done, failed and planned.
pub fn list(conn: &rusqlite::Connection) -> Result<Vec<MigrationRow>> {
    let mut stmt = conn.prepare_cached(
        "SELECT m.id, m.name, m.source_connection_id, m.target_connection_id, m.status, m.updated_at,
                count(i.id) FILTER (WHERE i.status = 'done'),
                count(i.id) FILTER (WHERE i.status = 'failed'),
                count(i.id)
         FROM migrations m LEFT JOIN migration_items i ON i.migration_id = m.id
         GROUP BY m.id ORDER BY m.updated_at DESC, m.id DESC",
    )?;
    let rows = stmt.query_map([], |r| {
        <(i64, String, i64, i64, String, String, i64, i64, i64)>::try_from(r)
    })?;
    rows.map(|row| {
        let (id, name, source, target, status, updated_at, done, failed, total) = row?;
        Ok(MigrationRow {
            id,
            name,
            source_connection_id: ConnectionId(source),
            target_connection_id: ConnectionId(target),
            status: MigrationStatus::parse(&status).ok_or_else(|| Error::Corrupt {
                what: format!("migrations.status of migration {id}"),
                detail: status.clone(),
            })?,
            items_done: done,
            items_failed: failed,
            items_total: total,
            updated_at: time::from_sql("migrations.updated_at", &updated_at)?,
        })
    })
    .collect()
}

/// The migration of this name between these two connections, if there is one.
pub fn find(
    conn: &rusqlite::Connection,
    name: &str,
    source: ConnectionId,
    target: ConnectionId,
) -> Result<Option<i64>> {
    Ok(conn
        .prepare_cached(
            "SELECT id FROM migrations
             WHERE name = ?1 AND source_connection_id = ?2 AND target_connection_id = ?3",
        )?
        .query_row(params![name, source.0, target.0], |r| r.get(0))
        .optional()?)
}

/// The migration of this name between these two connections, made (with the plan) when new; the
/// plan is replaced by the one given. A second run of the same plan finds its crosswalk here.
pub fn open(
    conn: &rusqlite::Connection,
    name: &str,
    source: ConnectionId,
    target: ConnectionId,
    plan: &serde_json::Value,
    now: DateTime<Utc>,
) -> Result<i64> {
    let now = time::to_sql(now);
    if let Some(id) = find(conn, name, source, target)? {
        conn.prepare_cached("UPDATE migrations SET plan = ?2, updated_at = ?3 WHERE id = ?1")?
            .execute(params![id, plan.to_string(), now])?;
        return Ok(id);
    }
    conn.prepare_cached(
        "INSERT INTO migrations (name, source_connection_id, target_connection_id, plan, status,
                                 created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, 'draft', ?5, ?5)",
    )?
    .execute(params![name, source.0, target.0, plan.to_string(), now])?;
    Ok(conn.last_insert_rowid())
}

pub fn set_status(
    conn: &rusqlite::Connection,
    id: i64,
    status: MigrationStatus,
    now: DateTime<Utc>,
) -> Result<()> {
    conn.prepare_cached("UPDATE migrations SET status = ?2, updated_at = ?3 WHERE id = ?1")?
        .execute(params![id, status.as_str(), time::to_sql(now)])?;
    Ok(())
}

/// The last run number of a migration (0 before its first).
pub fn last_run(conn: &rusqlite::Connection, id: i64) -> Result<i64> {
    Ok(conn
        .prepare_cached(
            "SELECT coalesce(max(run), 0) FROM migration_items WHERE migration_id = ?1",
        )?
        .query_row([id], |r| r.get(0))?)
}

/// What a migration's items come to across its runs: the report reopened from the list after the
/// wizard that ran it has closed. Items rolled back are counted as such, not as what they were.
pub fn report(conn: &rusqlite::Connection, id: i64) -> Result<MigrationReport> {
    let counts = conn
        .prepare_cached(
            "SELECT coalesce(max(run), 0),
                    count(*) FILTER (WHERE status = 'done' AND action = 'create'),
                    count(*) FILTER (WHERE status = 'done' AND action = 'update'
                                       AND before_image IS NOT NULL),
                    count(*) FILTER (WHERE status = 'done' AND action = 'link'),
                    count(*) FILTER (WHERE status = 'done' AND action = 'skip'),
                    count(*) FILTER (WHERE status = 'done' AND action = 'update'
                                       AND before_image IS NULL),
                    count(*) FILTER (WHERE status = 'failed'),
                    count(*) FILTER (WHERE status = 'rolled_back')
             FROM migration_items WHERE migration_id = ?1",
        )?
        .query_row([id], |r| {
            <(i64, i64, i64, i64, i64, i64, i64, i64)>::try_from(r)
        })?;
    let (run, created, updated, linked, skipped, unchanged, failed, rolled_back) = counts;
    Ok(MigrationReport {
        migration_id: id,
        run,
        created,
        updated,
        linked,
        skipped,
        unchanged,
        failed,
        rolled_back,
        left_changed: 0,
    })
}

/// What a migration did with one source record: the crosswalk entry, and what undoes it.
#[derive(Debug, Clone, PartialEq)]
pub struct MigrationItem {
    pub object_type: ObjectType,
    pub source_remote_id: String,
    pub target_remote_id: Option<String>,
    /// The first write it made: a create is undone by deleting, an update by the before-image.
    pub action: MigrationAction,
    /// pending (sent, answer not stored), done, failed, rolled_back.
    pub status: String,
    pub run: i64,
    pub before_image: Option<Fields>,
    pub error: Option<String>,
}

/// Every item of a migration, in the order they were first written.
pub fn items(conn: &rusqlite::Connection, id: i64) -> Result<Vec<MigrationItem>> {
    let mut stmt = conn.prepare_cached(
        "SELECT object_type, source_remote_id, target_remote_id, action, status, run, before_image, error
         FROM migration_items WHERE migration_id = ?1 ORDER BY id",
    )?;
    let rows = stmt.query_map([id], |r| {
        <(
            String,
            String,
            Option<String>,
            String,
            String,
            i64,
            Option<String>,
            Option<String>,
        )>::try_from(r)
    })?;
    rows.map(|row| {
        let (t, source, target, action, status, run, before, error) = row?;
        let corrupt = |detail: String| Error::Corrupt {
            what: format!("migration_items of migration {id}, record {source}"),
            detail,
        };
        Ok(MigrationItem {
            object_type: t
                .parse()
                .map_err(|e: bridge_model::ParseError| corrupt(e.to_string()))?,
            action: MigrationAction::parse(&action).ok_or_else(|| corrupt(action.clone()))?,
            before_image: before
                .map(|b| from_json("migration_items.before_image", &b))
                .transpose()?,
            source_remote_id: source,
            target_remote_id: target,
            status,
            run,
            error,
        })
    })
    .collect()
}

/// When each item of a migration was last written, by (source object type, source record id).
pub fn written_at(
    conn: &rusqlite::Connection,
    id: i64,
) -> Result<std::collections::HashMap<(ObjectType, String), DateTime<Utc>>> {
    let mut stmt = conn.prepare_cached(
        "SELECT object_type, source_remote_id, updated_at FROM migration_items WHERE migration_id = ?1",
    )?;
    let rows = stmt.query_map([id], |r| <(String, String, String)>::try_from(r))?;
    let mut out = std::collections::HashMap::new();
    for row in rows {
        let (t, source, at) = row?;
        let t: ObjectType = t
            .parse()
            .map_err(|e: bridge_model::ParseError| Error::Corrupt {
                what: format!("migration_items.object_type of migration {id}"),
                detail: e.to_string(),
            })?;
        out.insert(
            (t, source),
            time::from_sql("migration_items.updated_at", &at)?,
        );
    }
    Ok(out)
}

/// Stores an item as it is now. An item's first action and before-image are kept: a later run
/// that updates a record the migration created still rolls back by deleting it, and so does a
/// create whose answer was lost (pending) that a later run found in the target.
pub fn put_item(
    conn: &rusqlite::Connection,
    id: i64,
    item: &MigrationItem,
    now: DateTime<Utc>,
) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO migration_items (migration_id, run, object_type, source_remote_id, target_remote_id,
                                      action, status, before_image, error, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
         ON CONFLICT (migration_id, object_type, source_remote_id) DO UPDATE SET
           run = excluded.run, target_remote_id = coalesce(excluded.target_remote_id, target_remote_id),
           status = excluded.status, error = excluded.error, updated_at = excluded.updated_at,
           action = CASE WHEN status = 'done' OR target_remote_id IS NOT NULL
                              OR (status = 'pending' AND action = 'create')
                         THEN action ELSE excluded.action END,
           before_image = coalesce(before_image, excluded.before_image)",
    )?
    .execute(params![
        id,
        item.run,
        item.object_type.as_str(),
        item.source_remote_id,
        item.target_remote_id,
        item.action.as_str(),
        item.status,
        item.before_image
            .as_ref()
            .map(|b| serde_json::Value::Object(b.clone()).to_string()),
        item.error,
        time::to_sql(now),
    ])?;
    Ok(())
}

/// The plan a migration was last run with (JSON), if the migration exists.
pub fn plan(conn: &rusqlite::Connection, id: i64) -> Result<Option<serde_json::Value>> {
    let text: Option<String> = conn
        .prepare_cached("SELECT plan FROM migrations WHERE id = ?1")?
        .query_row([id], |r| r.get(0))
        .optional()?;
    text.map(|t| from_json(&format!("plan of migration {id}"), &t))
        .transpose()
}
