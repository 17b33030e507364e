//! The `duplicate_groups` table and its members.

use bridge_model::{DuplicateGroupRow, ObjectType};
use rusqlite::params;

use crate::{Error, Result, time};

/// How many candidate groups wait for review.
pub fn count_open(conn: &rusqlite::Connection) -> Result<i64> {
    Ok(conn
        .prepare_cached("SELECT count(*) FROM duplicate_groups WHERE status = 'open'")?
        .query_row([], |r| r.get(0))?)
}

/// Open groups, best score first, with their members' names.
pub fn list_open(
    conn: &rusqlite::Connection,
    offset: i64,
    limit: i64,
) -> Result<Vec<DuplicateGroupRow>> {
    let mut stmt = conn.prepare_cached(
        "SELECT g.id, g.object_type, g.score, g.created_at,
                (SELECT json_group_array(r.display_name) FROM
                   (SELECT r.display_name FROM duplicate_members m JOIN records r ON r.id = m.record_id
                    WHERE m.group_id = g.id ORDER BY r.id) r)
         FROM duplicate_groups g WHERE g.status = 'open'
         ORDER BY g.score DESC, g.id LIMIT ?1 OFFSET ?2",
    )?;
    let rows = stmt.query_map(params![limit, offset], |r| {
        <(i64, String, f64, String, String)>::try_from(r)
    })?;
    rows.map(|row| {
        let (id, object_type, score, created_at, names) = row?;
        let corrupt = |detail: String| Error::Corrupt {
            what: format!("duplicate group {id}"),
            detail,
        };
        let names: Vec<String> =
            serde_json::from_str(&names).map_err(|e| corrupt(e.to_string()))?;
        Ok(DuplicateGroupRow {
            id,
            object_type: object_type
                .parse::<ObjectType>()
                .map_err(|e| corrupt(e.to_string()))?,
            score,
            size: names.len() as i64,
            names,
            created_at: time::from_sql("duplicate_groups.created_at", &created_at)?,
        })
    })
    .collect()
}
