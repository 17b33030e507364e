//! The `settings` table: the workspace's settings, by key, as text (checked by the engine first).

use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, params};

use crate::{Result, time};

/// Every stored setting, by key.
pub fn all(conn: &rusqlite::Connection) -> Result<Vec<(String, String)>> {
    let mut stmt = conn.prepare_cached("SELECT key, value FROM settings ORDER BY key")?;
    let rows = stmt.query_map([], |r| <(String, String)>::try_from(r))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn set(conn: &rusqlite::Connection, key: &str, value: &str, now: DateTime<Utc>) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO settings (key, value, updated_at) VALUES (?1, ?2, ?3)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
    )?
    .execute(params![key, value, time::to_sql(now)])?;
    Ok(())
}

/// One setting, where the table exists: a workspace from before settings (read before its schema
/// upgrade, to back it up) has none.
pub(crate) fn get_if_any(conn: &rusqlite::Connection, key: &str) -> Option<String> {
    conn.query_row("SELECT value FROM settings WHERE key = ?1", [key], |r| {
        r.get(0)
    })
    .optional()
    .ok()
    .flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_setting_set_twice_keeps_the_last_value() {
        let store = crate::Store::open_in_memory().unwrap();
        let now = Utc::now();
        store
            .write(|tx| {
                set(tx, "theme", "dark", now)?;
                set(tx, "theme", "light", now)?;
                set(tx, "backups-kept", "9", now)
            })
            .unwrap();
        let stored = store.read(all).unwrap();
        assert_eq!(
            stored,
            [
                ("backups-kept".to_owned(), "9".to_owned()),
                ("theme".to_owned(), "light".to_owned())
            ]
        );
        assert_eq!(
            store
                .read(|c| Ok(get_if_any(c, "theme")))
                .unwrap()
                .as_deref(),
            Some("light")
        );
    }
}
