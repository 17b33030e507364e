//! The `failed_records` table: the queue of writes that did not succeed.

use bridge_model::{
    ConnectionId, ErrorCategory, FailedGroup, FailedRecord, NewFailedRecord, ObjectType,
    WriteOperation,
};
use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, params};

use crate::{Error, Result, time};

pub fn insert(
    conn: &rusqlite::Connection,
    new: &NewFailedRecord,
    now: DateTime<Utc>,
) -> Result<i64> {
    let now = time::to_sql(now);
    conn.prepare_cached(
        "INSERT INTO failed_records (connection_id, object_type, remote_id, operation, payload, category,
                                     message, field, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9)",
    )?
    .execute(params![
        new.connection_id.0,
        new.object_type.as_str(),
        new.remote_id,
        new.operation.as_str(),
        new.payload.to_string(),
        new.category.as_str(),
        new.message,
        new.field,
        now
    ])?;
    Ok(conn.last_insert_rowid())
}

/// How many failed writes wait for a person or a retry.
pub fn count_open(conn: &rusqlite::Connection) -> Result<i64> {
    count(conn, &Filter::default())
}

/// Which open failed writes to look at: of one category, of one connection, or these ids.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Filter {
    pub category: Option<ErrorCategory>,
    pub connection: Option<ConnectionId>,
    /// Only these (empty: any).
    pub ids: Vec<i64>,
}

/// Category, connection and the ids as a JSON array, each NULL when not filtered on.
type FilterParams = (Option<&'static str>, Option<i64>, Option<String>);

impl Filter {
    /// The WHERE clause (parameters ?1 to ?3) and its parameters.
    fn sql(&self) -> (&'static str, FilterParams) {
        (
            "status = 'open'
             AND (?1 IS NULL OR category = ?1)
             AND (?2 IS NULL OR connection_id = ?2)
             AND (?3 IS NULL OR id IN (SELECT value FROM json_each(?3)))",
            (
                self.category.map(ErrorCategory::as_str),
                self.connection.map(|c| c.0),
                (!self.ids.is_empty())
                    .then(|| serde_json::to_string(&self.ids).expect("ids serialise")),
            ),
        )
    }
}

pub fn count(conn: &rusqlite::Connection, filter: &Filter) -> Result<i64> {
    let (sql, p) = filter.sql();
    Ok(conn
        .prepare_cached(&format!("SELECT count(*) FROM failed_records WHERE {sql}"))?
        .query_row(params![p.0, p.1, p.2], |r| r.get(0))?)
}

/// Open failed writes, oldest first.
pub fn list_open(
    conn: &rusqlite::Connection,
    offset: i64,
    limit: i64,
) -> Result<Vec<FailedRecord>> {
    list(conn, &Filter::default(), offset, limit)
}

const COLUMNS: &str =
    "id, connection_id, object_type, remote_id, operation, payload, category, message, field,
                       attempts, created_at";

type Raw = (
    i64,
    i64,
    String,
    Option<String>,
    String,
    String,
    String,
    String,
    Option<String>,
    i64,
    String,
);

/// Open failed writes matching `filter`, oldest first.
pub fn list(
    conn: &rusqlite::Connection,
    filter: &Filter,
    offset: i64,
    limit: i64,
) -> Result<Vec<FailedRecord>> {
    let (sql, p) = filter.sql();
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM failed_records WHERE {sql} ORDER BY id LIMIT ?4 OFFSET ?5"
    ))?;
    let rows = stmt.query_map(params![p.0, p.1, p.2, limit, offset], |r| Raw::try_from(r))?;
    rows.map(|row| failed(row?)).collect()
}

/// Open failed writes matching `filter` grouped by cause (problem, connection, object, operation,
/// field), the largest group first.
pub fn groups(conn: &rusqlite::Connection, filter: &Filter) -> Result<Vec<FailedGroup>> {
    let (sql, p) = filter.sql();
    let mut stmt = conn.prepare_cached(&format!(
        // With one min(), SQLite takes the bare `message` from the row holding it: the oldest.
        "SELECT category, connection_id, object_type, operation, field, message, min(id),
                count(DISTINCT message), count(*), json_group_array(id)
         FROM (SELECT * FROM failed_records WHERE {sql} ORDER BY id) g
         GROUP BY category, connection_id, object_type, operation, field
         ORDER BY count(*) DESC, min(id)"
    ))?;
    let rows = stmt.query_map(params![p.0, p.1, p.2], |r| {
        <(
            String,
            i64,
            String,
            String,
            Option<String>,
            String,
            i64,
            i64,
            i64,
            String,
        )>::try_from(r)
    })?;
    rows.map(|row| {
        let (category, connection, object_type, op, field, message, _, messages, count, ids) = row?;
        let corrupt = |column: &str, detail: String| Error::Corrupt {
            what: format!("failed_records.{column} of a failed group"),
            detail,
        };
        Ok(FailedGroup {
            category: ErrorCategory::parse(&category)
                .ok_or_else(|| corrupt("category", category.clone()))?,
            connection_id: ConnectionId(connection),
            object_type: object_type
                .parse::<ObjectType>()
                .map_err(|e| corrupt("object_type", e.to_string()))?,
            operation: WriteOperation::parse(&op)
                .ok_or_else(|| corrupt("operation", op.clone()))?,
            field,
            message,
            messages,
            count,
            ids: serde_json::from_str(&ids).map_err(|e| corrupt("id", e.to_string()))?,
        })
    })
    .collect()
}

/// One failed write, whatever its status.
pub fn get(conn: &rusqlite::Connection, id: i64) -> Result<Option<FailedRecord>> {
    use rusqlite::OptionalExtension;
    conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM failed_records WHERE id = ?1"
    ))?
    .query_row([id], |r| Raw::try_from(r))
    .optional()?
    .map(failed)
    .transpose()
}

fn failed(raw: Raw) -> Result<FailedRecord> {
    let (id, conn_id, object_type, remote_id, op, payload, category, message, field, attempts, at) =
        raw;
    let corrupt = |column: &str, detail: String| Error::Corrupt {
        what: format!("failed_records.{column} of failed record {id}"),
        detail,
    };
    Ok(FailedRecord {
        id,
        connection_id: ConnectionId(conn_id),
        object_type: object_type
            .parse::<ObjectType>()
            .map_err(|e| corrupt("object_type", e.to_string()))?,
        remote_id,
        operation: WriteOperation::parse(&op).ok_or_else(|| corrupt("operation", op.clone()))?,
        payload: serde_json::from_str(&payload).map_err(|e| corrupt("payload", e.to_string()))?,
        category: ErrorCategory::parse(&category)
            .ok_or_else(|| corrupt("category", category.clone()))?,
        message,
        field,
        attempts,
        created_at: time::from_sql("failed_records.created_at", &at)?,
    })
}

/// A person's edit of the write to send again.
pub fn set_payload(
    conn: &rusqlite::Connection,
    id: i64,
    payload: &serde_json::Value,
    now: DateTime<Utc>,
) -> Result<bool> {
    Ok(conn
        .prepare_cached(
            "UPDATE failed_records SET payload = ?2, updated_at = ?3 WHERE id = ?1 AND status = 'open'",
        )?
        .execute(params![id, payload.to_string(), time::to_sql(now)])?
        == 1)
}

/// Another attempt failed: its category, the CRM's message and field replace the old ones, and a
/// transient failure gets the time of its next automatic attempt.
pub fn failed_again(
    conn: &rusqlite::Connection,
    id: i64,
    error: &Refusal,
    next_retry_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Result<()> {
    conn.prepare_cached(
        "UPDATE failed_records SET attempts = attempts + 1, category = ?2, message = ?3, field = ?4,
                next_retry_at = ?5, updated_at = ?6
         WHERE id = ?1",
    )?
    .execute(params![
        id,
        error.category.as_str(),
        error.message,
        error.field,
        next_retry_at.map(time::to_sql),
        time::to_sql(now)
    ])?;
    Ok(())
}

/// Why a CRM refused a write this time.
#[derive(Debug, Clone, PartialEq)]
pub struct Refusal<'a> {
    pub category: ErrorCategory,
    pub message: &'a str,
    pub field: Option<&'a str>,
}

/// Open transient failures whose next automatic attempt is due (those never retried are due at once).
pub fn due(conn: &rusqlite::Connection, now: DateTime<Utc>) -> Result<Vec<i64>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id FROM failed_records
         WHERE status = 'open' AND category IN ('rate_limit', 'server', 'network')
           AND (next_retry_at IS NULL OR next_retry_at <= ?1)
         ORDER BY id",
    )?;
    let rows = stmt.query_map([time::to_sql(now)], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The write went through: the record leaves the queue (kept, as resolved).
pub fn resolve(conn: &rusqlite::Connection, id: i64, now: DateTime<Utc>) -> Result<()> {
    conn.prepare_cached(
        "UPDATE failed_records SET status = 'resolved', attempts = attempts + 1, updated_at = ?2
         WHERE id = ?1",
    )?
    .execute(params![id, time::to_sql(now)])?;
    Ok(())
}

/// A person gave the write up, saying why; returns how many were open.
pub fn discard(
    conn: &rusqlite::Connection,
    ids: &[i64],
    reason: &str,
    now: DateTime<Utc>,
) -> Result<usize> {
    let mut stmt = conn.prepare_cached(
        "UPDATE failed_records SET status = 'discarded', discard_reason = ?2, updated_at = ?3
         WHERE id = ?1 AND status = 'open'",
    )?;
    let mut n = 0;
    for id in ids {
        n += stmt.execute(params![id, reason, time::to_sql(now)])?;
    }
    Ok(n)
}

/// Stores a refused sync write, pointing at its outbox row; an open entry for the same row is counted
/// as one more attempt instead.
pub fn insert_for_outbox(
    conn: &rusqlite::Connection,
    new: &NewFailedRecord,
    outbox_id: i64,
    run: Option<i64>,
    next_retry_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Result<i64> {
    let open: Option<i64> = conn
        .prepare_cached("SELECT id FROM failed_records WHERE outbox_id = ?1 AND status = 'open'")?
        .query_row([outbox_id], |r| r.get(0))
        .optional()?;
    if let Some(id) = open {
        let refusal = Refusal {
            category: new.category,
            message: &new.message,
            field: new.field.as_deref(),
        };
        failed_again(conn, id, &refusal, next_retry_at, now)?;
        return Ok(id);
    }
    let id = insert(conn, new, now)?;
    conn.prepare_cached(
        "UPDATE failed_records SET outbox_id = ?2, sync_run_id = ?3, next_retry_at = ?4 WHERE id = ?1",
    )?
    .execute(params![id, outbox_id, run, next_retry_at.map(time::to_sql)])?;
    Ok(id)
}

/// The outbox rows behind failed records (those a sync wrote): (failed record, outbox row).
pub fn outbox_of(conn: &rusqlite::Connection, ids: &[i64]) -> Result<Vec<(i64, i64)>> {
    let ids = serde_json::to_string(ids).expect("ids serialise");
    let mut stmt = conn.prepare_cached(
        "SELECT id, outbox_id FROM failed_records
         WHERE id IN (SELECT value FROM json_each(?1)) AND outbox_id IS NOT NULL",
    )?;
    let rows = stmt.query_map([ids], |r| <(i64, i64)>::try_from(r))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The open failed record of an outbox row, if any.
pub fn open_for_outbox(conn: &rusqlite::Connection, outbox_id: i64) -> Result<Option<i64>> {
    Ok(conn
        .prepare_cached("SELECT id FROM failed_records WHERE outbox_id = ?1 AND status = 'open'")?
        .query_row([outbox_id], |r| r.get(0))
        .optional()?)
}

#[cfg(test)]
mod tests {
    use bridge_model::NewConnection;
    use chrono::{Duration, TimeZone};

    use super::*;

    #[test]
    fn transient_failures_are_due_when_their_time_comes_and_others_never() {
        let store = crate::Store::open_in_memory().unwrap();
        let t = Utc.with_ymd_and_hms(2026, 11, 30, 12, 0, 0).unwrap();
        let ids = store
            .write(|tx| {
                let c = crate::connections::insert(
                    tx,
                    &NewConnection {
                        provider: bridge_model::Provider::Hubspot,
                        label: "H".into(),
                        base_url: "http://x".into(),
                        account_id: None,
                        secret_ref: None,
                    },
                    t,
                )?;
                let mut ids = Vec::new();
                for category in [
                    ErrorCategory::Server,
                    ErrorCategory::RateLimit,
                    ErrorCategory::Validation,
                ] {
                    ids.push(insert(
                        tx,
                        &NewFailedRecord {
                            connection_id: c,
                            object_type: ObjectType::Person,
                            remote_id: None,
                            operation: WriteOperation::Create,
                            payload: serde_json::json!({}),
                            category,
                            message: "m".into(),
                            field: None,
                        },
                        t,
                    )?);
                }
                Ok(ids)
            })
            .unwrap();
        // Never retried yet: the transient ones are due at once; invalid data waits for a person.
        assert_eq!(store.read(|c| due(c, t)).unwrap(), ids[..2]);
        let again = Refusal {
            category: ErrorCategory::Server,
            message: "502",
            field: None,
        };
        store
            .write(|tx| failed_again(tx, ids[0], &again, Some(t + Duration::minutes(2)), t))
            .unwrap();
        assert_eq!(
            store.read(|c| due(c, t + Duration::minutes(1))).unwrap(),
            ids[1..2]
        );
        assert_eq!(
            store.read(|c| due(c, t + Duration::minutes(2))).unwrap(),
            ids[..2]
        );
        store.write(|tx| resolve(tx, ids[1], t)).unwrap();
        assert_eq!(
            store.read(|c| due(c, t + Duration::hours(1))).unwrap(),
            ids[..1]
        );
    }
}
