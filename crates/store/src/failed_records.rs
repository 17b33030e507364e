//! The `failed_records` table: the queue of writes that did not succeed.

use bridge_model::{
    ConnectionId, ErrorCategory, FailedRecord, NewFailedRecord, ObjectType, WriteOperation,
};
use chrono::{DateTime, Utc};
use rusqlite::params;

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
    Ok(conn
        .prepare_cached("SELECT count(*) FROM failed_records WHERE status = 'open'")?
        .query_row([], |r| r.get(0))?)
}

/// Open failed writes, oldest first.
pub fn list_open(
    conn: &rusqlite::Connection,
    offset: i64,
    limit: i64,
) -> Result<Vec<FailedRecord>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, connection_id, object_type, remote_id, operation, payload, category, message, field,
                attempts, created_at
         FROM failed_records WHERE status = 'open' ORDER BY id LIMIT ?1 OFFSET ?2",
    )?;
    let rows = stmt.query_map([limit, offset], |r| {
        <(
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
        )>::try_from(r)
    })?;
    rows.map(|row| {
        let (
            id,
            conn_id,
            object_type,
            remote_id,
            op,
            payload,
            category,
            message,
            field,
            attempts,
            at,
        ) = row?;
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
            operation: WriteOperation::parse(&op)
                .ok_or_else(|| corrupt("operation", op.clone()))?,
            payload: serde_json::from_str(&payload)
                .map_err(|e| corrupt("payload", e.to_string()))?,
            category: ErrorCategory::parse(&category)
                .ok_or_else(|| corrupt("category", category.clone()))?,
            message,
            field,
            attempts,
            created_at: time::from_sql("failed_records.created_at", &at)?,
        })
    })
    .collect()
}
