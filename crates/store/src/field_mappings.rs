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
