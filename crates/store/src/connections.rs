//! The `connections` table.

use bridge_model::{Connection, ConnectionId, NewConnection, Provider};
use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, params};

use crate::{Error, Result, time};

const COLUMNS: &str =
    "id, provider, label, base_url, account_id, secret_ref, created_at, archived_at";

type Row = (
    i64,
    String,
    String,
    String,
    Option<String>,
    Option<String>,
    String,
    Option<String>,
);

fn read_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Row> {
    Row::try_from(r)
}

fn into_connection(row: Row) -> Result<Connection> {
    let (id, provider, label, base_url, account_id, secret_ref, created_at, archived_at) = row;
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
        archived_at: time::opt_from_sql("connections.archived_at", archived_at)?,
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

/// Archives a connection: it leaves the list of live connections and loses its keyring reference, while
/// its merges, migrations, sync state and failed records stay. With `drop_records`, its mirrored records,
/// links and pull cursors go too (the next sign-in pulls afresh). Returns how many records went.
pub fn archive(
    conn: &rusqlite::Connection,
    id: ConnectionId,
    drop_records: bool,
    now: DateTime<Utc>,
) -> Result<usize> {
    conn.prepare_cached(
        "UPDATE connections SET archived_at = ?2, secret_ref = NULL WHERE id = ?1",
    )?
    .execute(params![id.0, time::to_sql(now)])?;
    if !drop_records {
        return Ok(0);
    }
    let records = conn
        .prepare_cached("DELETE FROM records WHERE connection_id = ?1")?
        .execute([id.0])?;
    conn.prepare_cached("DELETE FROM sync_cursors WHERE connection_id = ?1")?
        .execute([id.0])?;
    conn.prepare_cached("DELETE FROM links WHERE connection_id = ?1")?
        .execute([id.0])?;
    Ok(records)
}

/// A signed-in-again connection: its new keyring reference, and no longer archived.
pub fn signed_in_again(
    conn: &rusqlite::Connection,
    id: ConnectionId,
    base_url: &str,
    secret_ref: &str,
) -> Result<()> {
    conn.prepare_cached(
        "UPDATE connections SET archived_at = NULL, secret_ref = ?2, base_url = ?3 WHERE id = ?1",
    )?
    .execute(params![id.0, secret_ref, base_url])?;
    Ok(())
}

/// What a connection's history holds: what stays when it is archived.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct History {
    pub records: i64,
    pub merges: i64,
    pub migrations: i64,
    pub sync_pairs: i64,
    pub failed_records: i64,
}

pub fn history(conn: &rusqlite::Connection, id: ConnectionId) -> Result<History> {
    Ok(conn
        .prepare_cached(
            "SELECT (SELECT count(*) FROM records WHERE connection_id = ?1),
                    (SELECT count(*) FROM merges WHERE connection_id = ?1),
                    (SELECT count(*) FROM migrations
                      WHERE source_connection_id = ?1 OR target_connection_id = ?1),
                    (SELECT count(*) FROM sync_pairs WHERE a_connection_id = ?1 OR b_connection_id = ?1),
                    (SELECT count(*) FROM failed_records WHERE connection_id = ?1)",
        )?
        .query_row([id.0], |r| {
            Ok(History {
                records: r.get(0)?,
                merges: r.get(1)?,
                migrations: r.get(2)?,
                sync_pairs: r.get(3)?,
                failed_records: r.get(4)?,
            })
        })?)
}

/// Deletes the connection and, by cascade, everything it holds, history included: only for a demo
/// connection whose emulator is gone. A person's connection is [`archive`]d.
pub fn delete(conn: &rusqlite::Connection, id: ConnectionId) -> Result<bool> {
    let n = conn
        .prepare_cached("DELETE FROM connections WHERE id = ?1")?
        .execute([id.0])?;
    Ok(n > 0)
}
