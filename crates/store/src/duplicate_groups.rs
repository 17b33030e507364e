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
                (SELECT json_group_array(json_array(r.display_name, r.provider)) FROM
                   (SELECT r.display_name, c.provider FROM duplicate_members m
                      JOIN records r ON r.id = m.record_id JOIN connections c ON c.id = r.connection_id
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
        let members: Vec<(String, String)> =
            serde_json::from_str(&names).map_err(|e| corrupt(e.to_string()))?;
        let providers = members
            .iter()
            .map(|(_, p)| {
                p.parse::<bridge_model::Provider>()
                    .map_err(|e| corrupt(e.to_string()))
            })
            .collect::<Result<Vec<_>>>()?;
        let names: Vec<String> = members.into_iter().map(|(n, _)| n).collect();
        Ok(DuplicateGroupRow {
            id,
            object_type: object_type
                .parse::<ObjectType>()
                .map_err(|e| corrupt(e.to_string()))?,
            score,
            size: names.len() as i64,
            names,
            providers,
            created_at: time::from_sql("duplicate_groups.created_at", &created_at)?,
        })
    })
    .collect()
}

/// A group found by duplicate detection, to keep for review.
#[derive(Debug, Clone, PartialEq)]
pub struct NewGroup {
    pub object_type: ObjectType,
    pub score: f64,
    pub members: Vec<bridge_model::RecordId>,
    /// JSON: why the members matched.
    pub explanation: String,
}

/// Keeps a group unless the same members were grouped before (whatever was decided then): re-running
/// detection adds no copy and never brings back a group a person dismissed. Returns whether it is new.
pub fn insert(
    tx: &rusqlite::Transaction,
    group: &NewGroup,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<bool> {
    let mut ids: Vec<i64> = group.members.iter().map(|m| m.0).collect();
    ids.sort_unstable();
    let fingerprint = ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
    let inserted = tx
        .prepare_cached(
            "INSERT INTO duplicate_groups (object_type, score, fingerprint, explanation, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (fingerprint) DO NOTHING",
        )?
        .execute(params![
            group.object_type.as_str(),
            group.score,
            fingerprint,
            group.explanation,
            time::to_sql(now)
        ])?;
    if inserted == 0 {
        return Ok(false);
    }
    let id = tx.last_insert_rowid();
    let mut member =
        tx.prepare_cached("INSERT INTO duplicate_members (group_id, record_id) VALUES (?1, ?2)")?;
    for record in ids {
        member.execute(params![id, record])?;
    }
    Ok(true)
}

/// The members of every group a person decided: merged (the same entity) or dismissed (not).
pub fn decided(conn: &rusqlite::Connection) -> Result<Vec<(bool, Vec<bridge_model::RecordId>)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT g.status, (SELECT json_group_array(m.record_id) FROM duplicate_members m
                           WHERE m.group_id = g.id)
         FROM duplicate_groups g WHERE g.status IN ('merged', 'dismissed') ORDER BY g.id",
    )?;
    let rows = stmt.query_map([], |r| <(String, String)>::try_from(r))?;
    rows.map(|row| {
        let (status, members) = row?;
        let ids: Vec<i64> = serde_json::from_str(&members).map_err(|e| Error::Corrupt {
            what: "duplicate_members".into(),
            detail: e.to_string(),
        })?;
        Ok((
            status == "merged",
            ids.into_iter().map(bridge_model::RecordId).collect(),
        ))
    })
    .collect()
}

/// One group as the review screen opens it.
#[derive(Debug, Clone, PartialEq)]
pub struct GroupDetail {
    pub id: i64,
    pub object_type: ObjectType,
    pub score: f64,
    pub status: String,
    /// JSON: why the members matched.
    pub explanation: String,
    pub members: Vec<bridge_model::RecordId>,
}

pub fn get(conn: &rusqlite::Connection, id: i64) -> Result<Option<GroupDetail>> {
    use rusqlite::OptionalExtension;
    let row = conn
        .prepare_cached(
            "SELECT g.object_type, g.score, g.status, g.explanation,
                    (SELECT json_group_array(m.record_id) FROM
                       (SELECT record_id FROM duplicate_members WHERE group_id = g.id ORDER BY record_id) m)
             FROM duplicate_groups g WHERE g.id = ?1",
        )?
        .query_row([id], |r| <(String, f64, String, String, String)>::try_from(r))
        .optional()?;
    let Some((object_type, score, status, explanation, members)) = row else {
        return Ok(None);
    };
    let corrupt = |detail: String| Error::Corrupt {
        what: format!("duplicate group {id}"),
        detail,
    };
    let members: Vec<i64> = serde_json::from_str(&members).map_err(|e| corrupt(e.to_string()))?;
    Ok(Some(GroupDetail {
        id,
        object_type: object_type
            .parse::<ObjectType>()
            .map_err(|e| corrupt(e.to_string()))?,
        score,
        status,
        explanation,
        members: members.into_iter().map(bridge_model::RecordId).collect(),
    }))
}

/// Records a person's decision on an open group: `dismissed` (not duplicates) or `skipped` (later).
/// Returns false when the group does not exist or was decided already.
pub fn decide(
    tx: &rusqlite::Transaction,
    id: i64,
    status: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<bool> {
    let changed = tx
        .prepare_cached(
            "UPDATE duplicate_groups SET status = ?2, decided_at = ?3 WHERE id = ?1 AND status = 'open'",
        )?
        .execute(params![id, status, time::to_sql(now)])?;
    Ok(changed == 1)
}

/// Undoes "Not a duplicate": a dismissed group is open again (and no longer teaches the next run).
pub fn reopen_dismissed(tx: &rusqlite::Transaction, id: i64) -> Result<bool> {
    let changed = tx
        .prepare_cached(
            "UPDATE duplicate_groups SET status = 'open', decided_at = NULL
             WHERE id = ?1 AND status = 'dismissed'",
        )?
        .execute([id])?;
    Ok(changed == 1)
}

/// Sets a group's status whatever it was: `merged` when a merge is applied, `open` again when undone.
pub fn set_status(
    tx: &rusqlite::Transaction,
    id: i64,
    status: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<()> {
    let decided = (status != "open").then(|| time::to_sql(now));
    tx.prepare_cached("UPDATE duplicate_groups SET status = ?2, decided_at = ?3 WHERE id = ?1")?
        .execute(params![id, status, decided])?;
    Ok(())
}

/// A member recreated by an undo takes its old place in the group.
pub fn replace_member(
    tx: &rusqlite::Transaction,
    group: i64,
    old: bridge_model::RecordId,
    new: bridge_model::RecordId,
) -> Result<()> {
    tx.prepare_cached(
        "UPDATE OR IGNORE duplicate_members SET record_id = ?3 WHERE group_id = ?1 AND record_id = ?2",
    )?
    .execute(params![group, old.0, new.0])?;
    Ok(())
}

/// Open groups scored at least `score`: the ones safe to merge without a look.
pub fn open_at_least(conn: &rusqlite::Connection, score: f64) -> Result<Vec<i64>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id FROM duplicate_groups WHERE status = 'open' AND score >= ?1 ORDER BY score DESC, id",
    )?;
    let rows = stmt.query_map([score], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
