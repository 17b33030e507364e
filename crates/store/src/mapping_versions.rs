//! What `stage_mappings` and `owner_mappings` share: a mapping between two connections saved as
//! versions of a name (a save with other rules is the next version).

use bridge_model::ConnectionId;
use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, params};

use crate::{Result, from_json, time};

/// The newest version of a connection pair's stage or owner mapping.
#[derive(Debug, Clone, PartialEq)]
pub struct SavedMapping {
    pub id: i64,
    pub name: String,
    pub version: i64,
    pub source: Option<ConnectionId>,
    pub target: Option<ConnectionId>,
    pub rules: serde_json::Value,
    /// Owners only: the target owner of everyone the rules do not name.
    pub fallback_owner: Option<String>,
    pub created_at: DateTime<Utc>,
}

/// Which of the two tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Stages,
    Owners,
}

impl Kind {
    fn table(self) -> &'static str {
        match self {
            Kind::Stages => "stage_mappings",
            Kind::Owners => "owner_mappings",
        }
    }
}

/// Saves the mapping from `source` to `target` as the next version of `name`; the same rules (and
/// fallback) as the newest version save nothing. Returns the newest version.
#[allow(clippy::too_many_arguments)]
pub(crate) fn save(
    conn: &rusqlite::Connection,
    kind: Kind,
    name: &str,
    source: ConnectionId,
    target: ConnectionId,
    rules: &serde_json::Value,
    fallback_owner: Option<&str>,
    now: DateTime<Utc>,
) -> Result<i64> {
    if let Some(latest) = latest(conn, kind, source, target)?
        && latest.name == name
        && latest.rules == *rules
        && latest.fallback_owner.as_deref() == fallback_owner
    {
        return Ok(latest.version);
    }
    let version: i64 = conn
        .prepare_cached(&format!(
            "SELECT coalesce(max(version), 0) + 1 FROM {} WHERE name = ?1",
            kind.table()
        ))?
        .query_row([name], |r| r.get(0))?;
    let sql = match kind {
        Kind::Stages => {
            "INSERT INTO stage_mappings (name, version, source_connection_id, source_pipeline,
                                         target_connection_id, target_pipeline, rules, created_at)
             VALUES (?1, ?2, ?3, '*', ?4, '*', ?5, ?6)"
        }
        Kind::Owners => {
            "INSERT INTO owner_mappings (name, version, source_connection_id, target_connection_id,
                                         rules, created_at, fallback_owner)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"
        }
    };
    let mut stmt = conn.prepare_cached(sql)?;
    let now = time::to_sql(now);
    match kind {
        Kind::Stages => stmt.execute(params![
            name,
            version,
            source.0,
            target.0,
            rules.to_string(),
            now
        ])?,
        Kind::Owners => stmt.execute(params![
            name,
            version,
            source.0,
            target.0,
            rules.to_string(),
            now,
            fallback_owner
        ])?,
    };
    Ok(version)
}

fn columns(kind: Kind) -> &'static str {
    match kind {
        Kind::Stages => {
            "id, name, version, source_connection_id, target_connection_id, rules, NULL, created_at"
        }
        Kind::Owners => {
            "id, name, version, source_connection_id, target_connection_id, rules, fallback_owner, created_at"
        }
    }
}

type SavedRow = (
    i64,
    String,
    i64,
    Option<i64>,
    Option<i64>,
    String,
    Option<String>,
    String,
);

fn saved(row: SavedRow) -> Result<SavedMapping> {
    let (id, name, version, source, target, rules, fallback, created) = row;
    Ok(SavedMapping {
        rules: from_json(&format!("rules of mapping {name} v{version}"), &rules)?,
        id,
        name,
        version,
        source: source.map(ConnectionId),
        target: target.map(ConnectionId),
        fallback_owner: fallback,
        created_at: time::from_sql("created_at", &created)?,
    })
}

/// The newest mapping saved from `source` to `target`.
pub(crate) fn latest(
    conn: &rusqlite::Connection,
    kind: Kind,
    source: ConnectionId,
    target: ConnectionId,
) -> Result<Option<SavedMapping>> {
    conn.prepare_cached(&format!(
        "SELECT {} FROM {} WHERE source_connection_id = ?1 AND target_connection_id = ?2
         ORDER BY id DESC LIMIT 1",
        columns(kind),
        kind.table()
    ))?
    .query_row([source.0, target.0], |r| SavedRow::try_from(r))
    .optional()?
    .map(saved)
    .transpose()
}

/// The newest version of every saved mapping of this kind, by name.
pub(crate) fn list_current(conn: &rusqlite::Connection, kind: Kind) -> Result<Vec<SavedMapping>> {
    let table = kind.table();
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {} FROM {table} m WHERE version = (SELECT max(version) FROM {table} n WHERE n.name = m.name)
         ORDER BY name",
        columns(kind)
    ))?;
    let rows = stmt.query_map([], |r| SavedRow::try_from(r))?;
    rows.map(|r| saved(r?)).collect()
}
