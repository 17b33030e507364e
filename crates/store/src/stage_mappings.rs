//! The `stage_mappings` table: which pipeline stage of one connection is which of another's, saved
//! as versions.

use bridge_model::ConnectionId;
use chrono::{DateTime, Utc};

pub use crate::mapping_versions::SavedMapping;
use crate::{Result, mapping_versions as versions, mapping_versions::Kind};

/// Saves the stages of `source` -> `target` (JSON rules) as the next version of `name` when they
/// changed; returns the newest version.
pub fn save(
    conn: &rusqlite::Connection,
    name: &str,
    source: ConnectionId,
    target: ConnectionId,
    rules: &serde_json::Value,
    now: DateTime<Utc>,
) -> Result<i64> {
    versions::save(conn, Kind::Stages, name, source, target, rules, None, now)
}

pub fn latest(
    conn: &rusqlite::Connection,
    source: ConnectionId,
    target: ConnectionId,
) -> Result<Option<SavedMapping>> {
    versions::latest(conn, Kind::Stages, source, target)
}

pub fn list_current(conn: &rusqlite::Connection) -> Result<Vec<SavedMapping>> {
    versions::list_current(conn, Kind::Stages)
}
