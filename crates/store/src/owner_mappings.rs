//! The `owner_mappings` table: which user of one connection owns the records of which user of
//! another, with a fallback owner, saved as versions.

use bridge_model::ConnectionId;
use chrono::{DateTime, Utc};

pub use crate::mapping_versions::SavedMapping;
use crate::{Result, mapping_versions as versions, mapping_versions::Kind};

/// Saves the owners of `source` -> `target` (JSON rules) and the fallback owner as the next version
/// of `name` when they changed; returns the newest version.
pub fn save(
    conn: &rusqlite::Connection,
    name: &str,
    source: ConnectionId,
    target: ConnectionId,
    rules: &serde_json::Value,
    fallback_owner: Option<&str>,
    now: DateTime<Utc>,
) -> Result<i64> {
    versions::save(
        conn,
        Kind::Owners,
        name,
        source,
        target,
        rules,
        fallback_owner,
        now,
    )
}

pub fn latest(
    conn: &rusqlite::Connection,
    source: ConnectionId,
    target: ConnectionId,
) -> Result<Option<SavedMapping>> {
    versions::latest(conn, Kind::Owners, source, target)
}

pub fn list_current(conn: &rusqlite::Connection) -> Result<Vec<SavedMapping>> {
    versions::list_current(conn, Kind::Owners)
}
