//! The `field_mappings` table: saved, versioned field mappings.

use bridge_model::{FieldMappingRow, Provider};

use crate::{Error, Result, time};

/// The newest version of every saved field mapping, by name.
pub fn list_current(conn: &rusqlite::Connection) -> Result<Vec<FieldMappingRow>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, name, version, source_provider, source_object, target_provider, target_object,
                json_array_length(rules), created_at
         FROM field_mappings f
         WHERE version = (SELECT max(version) FROM field_mappings g WHERE g.name = f.name)
         ORDER BY name",
    )?;
    let rows = stmt.query_map([], |r| {
        <(
            i64,
            String,
            i64,
            String,
            String,
            String,
            String,
            i64,
            String,
        )>::try_from(r)
    })?;
    rows.map(|row| {
        let (id, name, version, sp, so, tp, to, rule_count, created_at) = row?;
        let provider = |text: String| {
            text.parse::<Provider>().map_err(|e| Error::Corrupt {
                what: format!("field mapping {id}"),
                detail: e.to_string(),
            })
        };
        Ok(FieldMappingRow {
            id,
            name,
            version,
            source_provider: provider(sp)?,
            source_object: so,
            target_provider: provider(tp)?,
            target_object: to,
            rule_count,
            created_at: time::from_sql("field_mappings.created_at", &created_at)?,
        })
    })
    .collect()
}

/// A field mapping to save under a name: the CRMs and objects on each side and its rules (JSON).
#[derive(Debug, Clone, PartialEq)]
pub struct NewFieldMapping<'a> {
    pub name: &'a str,
    pub source_connection: Option<bridge_model::ConnectionId>,
    pub source_provider: Provider,
    pub source_object: &'a str,
    pub target_connection: Option<bridge_model::ConnectionId>,
    pub target_provider: Provider,
    pub target_object: &'a str,
    pub rules: &'a serde_json::Value,
}

/// Saves a mapping as the next version of its name; the same rules as the newest version save
/// nothing. Returns (id, version) of the newest version.
pub fn save(
    conn: &rusqlite::Connection,
    new: &NewFieldMapping,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(i64, i64)> {
    use rusqlite::{OptionalExtension, params};
    let latest: Option<(i64, i64, String)> = conn
        .prepare_cached(
            "SELECT id, version, rules FROM field_mappings WHERE name = ?1 ORDER BY version DESC LIMIT 1",
        )?
        .query_row([new.name], |r| <(i64, i64, String)>::try_from(r))
        .optional()?;
    if let Some((id, version, rules)) = &latest {
        let same = serde_json::from_str::<serde_json::Value>(rules)
            .ok()
            .as_ref()
            == Some(new.rules);
        if same {
            return Ok((*id, *version));
        }
    }
    let version = latest.map_or(1, |(_, v, _)| v + 1);
    conn.prepare_cached(
        "INSERT INTO field_mappings (name, version, source_connection_id, source_provider, source_object,
                                     target_connection_id, target_provider, target_object, rules, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    )?
    .execute(params![
        new.name,
        version,
        new.source_connection.map(|c| c.0),
        new.source_provider.as_str(),
        new.source_object,
        new.target_connection.map(|c| c.0),
        new.target_provider.as_str(),
        new.target_object,
        new.rules.to_string(),
        time::to_sql(now),
    ])?;
    Ok((conn.last_insert_rowid(), version))
}

/// The newest saved mapping of `source_object` from one connection to another: its target object,
/// rules (JSON) and version.
pub fn latest(
    conn: &rusqlite::Connection,
    source: bridge_model::ConnectionId,
    target: bridge_model::ConnectionId,
    source_object: &str,
) -> Result<Option<(String, serde_json::Value, i64)>> {
    use rusqlite::OptionalExtension;
    let row: Option<(i64, String, String, i64)> = conn
        .prepare_cached(
            "SELECT id, target_object, rules, version FROM field_mappings
             WHERE source_connection_id = ?1 AND target_connection_id = ?2 AND source_object = ?3
             ORDER BY created_at DESC, id DESC LIMIT 1",
        )?
        .query_row(rusqlite::params![source.0, target.0, source_object], |r| {
            <(i64, String, String, i64)>::try_from(r)
        })
        .optional()?;
    row.map(|(id, target_object, rules, version)| {
        let rules = serde_json::from_str(&rules).map_err(|e| Error::Corrupt {
            what: format!("field mapping {id}"),
            detail: e.to_string(),
        })?;
        Ok((target_object, rules, version))
    })
    .transpose()
}
