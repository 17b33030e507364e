//! The `connections` table.

use bridge_model::{Connection, ConnectionId, NewConnection, Provider};
use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, params};

use crate::{Error, Result, time};

const COLUMNS: &str = "id, provider, label, base_url, account_id, secret_ref, created_at";

type Row = (
    i64,
    String,
    String,
    String,
    Option<String>,
    Option<String>,
    String,
);

fn read_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Row> {
    Row::try_from(r)
}

fn into_connection(row: Row) -> Result<Connection> {
    let (id, provider, label, base_url, account_id, secret_ref, created_at) = row;
    Ok(Connection {
        id: ConnectionId(id),
        provider: provider.parse::<Provider>().map_err(|e| Error::Corrupt {
            what: format!("connections.provider of connection {id}"),
            detail: e.to_string(),
        })?,
        label,
        base_url,
        account_id,
        secret_ref,
        created_at: time::from_sql("connections.created_at", &created_at)?,
    })
}

pub fn insert(
    conn: &rusqlite::Connection,
    new: &NewConnection,
    now: DateTime<Utc>,
) -> Result<ConnectionId> {
    conn.prepare_cached(
        "INSERT INTO connections (provider, label, base_url, account_id, secret_ref, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![
        new.provider.as_str(),
        new.label,
        new.base_url,
        new.account_id,
        new.secret_ref,
        time::to_sql(now)
    ])?;
    Ok(ConnectionId(conn.last_insert_rowid()))
}

pub fn list(conn: &rusqlite::Connection) -> Result<Vec<Connection>> {
    let mut stmt =
        conn.prepare_cached(&format!("SELECT {COLUMNS} FROM connections ORDER BY id"))?;
    let rows = stmt.query_map([], read_row)?;
    rows.map(|r| into_connection(r?)).collect()
}

pub fn get(conn: &rusqlite::Connection, id: ConnectionId) -> Result<Option<Connection>> {
    conn.prepare_cached(&format!("SELECT {COLUMNS} FROM connections WHERE id = ?1"))?
        .query_row([id.0], read_row)
        .optional()?
        .map(into_connection)
        .transpose()
}

/// Removes the connection and, by cascade, everything mirrored from it. Returns whether it existed.
pub fn delete(conn: &rusqlite::Connection, id: ConnectionId) -> Result<bool> {
    let n = conn
        .prepare_cached("DELETE FROM connections WHERE id = ?1")?
        .execute([id.0])?;
    Ok(n > 0)
}
