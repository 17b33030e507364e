//! Schema migrations: append-only `.sql` files under `migrations/`, tracked in `PRAGMA user_version`.

use std::{path::Path, sync::LazyLock};

use rusqlite::{Connection, OpenFlags};
use rusqlite_migration::{M, Migrations};

use crate::{Error, Result};

static MIGRATIONS: LazyLock<Migrations<'static>> = LazyLock::new(|| {
    Migrations::new(vec![
        M::up(include_str!("../migrations/0001_init.sql")),
        M::up(include_str!("../migrations/0002_sync_cursor_deletes.sql")),
        M::up(include_str!("../migrations/0003_merge_steps.sql")),
        M::up(include_str!("../migrations/0004_sync.sql")),
        M::up(include_str!("../migrations/0005_bulk_search_index.sql")),
        M::up(include_str!("../migrations/0006_lean_record_indexes.sql")),
        M::up(include_str!("../migrations/0007_one_name_index.sql")),
        M::up_with_hook(
            include_str!("../migrations/0008_object_type_check_by_comparison.sql"),
            records_check_edited_in_place,
        ),
        M::up(include_str!("../migrations/0009_archive_and_audit.sql")),
        M::up(include_str!("../migrations/0010_activity_links.sql")),
        M::up(include_str!("../migrations/0011_outbox_mirror_mark.sql")),
        M::up_with_hook(
            include_str!("../migrations/0012_sync_deletions.sql"),
            outbox_check_edited_in_place,
        ),
        M::up(include_str!("../migrations/0013_mirrored_fields.sql")),
        M::up_with_hook(
            include_str!("../migrations/0014_custom_objects.sql"),
            records_take_custom_objects,
        ),
        M::up(include_str!("../migrations/0015_settings.sql")),
    ])
});

/// The schema version this binary writes.
pub const SCHEMA_VERSION: i64 = 15;

/// After migration 0008 edited the records table's check in `sqlite_schema`: a new schema version makes every
/// connection (and every prepared statement) read it again. The edit must have happened, or the
/// migration fails instead of leaving the old definition in place unnoticed.
fn records_check_edited_in_place(tx: &rusqlite::Transaction) -> rusqlite_migration::HookResult {
    check_edited_in_place(tx, "records", "object_type = ''activity''")
}

/// After migration 0014 let the records' check take custom objects.
fn records_take_custom_objects(tx: &rusqlite::Transaction) -> rusqlite_migration::HookResult {
    check_edited_in_place(tx, "records", "substr(object_type, 1, 7) = ''custom:''")
}

/// After migration 0012 let the outbox's operation check take deletes (as 0008 did for records).
fn outbox_check_edited_in_place(tx: &rusqlite::Transaction) -> rusqlite_migration::HookResult {
    check_edited_in_place(tx, "outbox", "''update'', ''delete''")
}

/// Fails unless `table`'s definition now reads `now_reads` (an SQL string literal's inside); then
/// bumps the schema version so every connection reads the edited definition.
fn check_edited_in_place(
    tx: &rusqlite::Transaction,
    table: &str,
    now_reads: &str,
) -> rusqlite_migration::HookResult {
    let edited: bool = tx.query_row(
        &format!("SELECT instr(sql, '{now_reads}') > 0 FROM sqlite_schema WHERE name = ?1"),
        [table],
        |r| r.get(0),
    )?;
    if !edited {
        return Err(rusqlite_migration::HookError::Hook(format!(
            "the {table} table's check was not found as this migration expects"
        )));
    }
    let version: i64 = tx.pragma_query_value(None, "schema_version", |r| r.get(0))?;
    tx.pragma_update(None, "schema_version", version + 1)?;
    Ok(())
}

pub(crate) fn migrate(conn: &mut Connection) -> Result<()> {
    MIGRATIONS.to_latest(conn)?;
    Ok(())
}

/// Reads the schema version through a read-only connection, so a database from a newer binary is
/// refused before anything (journal mode included) has been written to it.
pub(crate) fn refuse_newer(path: &Path) -> Result<()> {
    let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    let found: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    if found > SCHEMA_VERSION {
        return Err(Error::NewerSchema {
            path: path.to_owned(),
            found,
            supported: SCHEMA_VERSION,
        });
    }
    Ok(())
}

#[cfg(test)]
pub(crate) fn migrate_to(conn: &mut Connection, version: usize) -> Result<()> {
    MIGRATIONS.to_version(conn, version)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_validate() {
        MIGRATIONS.validate().unwrap();
    }

    #[test]
    fn schema_version_matches_the_number_of_migrations() {
        let mut conn = Connection::open_in_memory().unwrap();
        migrate(&mut conn).unwrap();
        let v: i64 = conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .unwrap();
        assert_eq!(v, SCHEMA_VERSION);
    }

    #[test]
    fn a_database_at_the_first_schema_keeps_its_data_when_opened_by_this_binary() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("v1.sqlite3");
        {
            let mut conn = Connection::open(&path).unwrap();
            migrate_to(&mut conn, 1).unwrap();
            conn.execute_batch(
                "INSERT INTO connections (id, provider, label, base_url, created_at)
                   VALUES (7, 'close', 'Inside sales', 'http://x/api/v1', '2025-01-01T00:00:00.000Z');
                 INSERT INTO records (connection_id, object_type, remote_id, display_name, fields, raw,
                                      content_hash, search_text, pulled_at)
                   VALUES (7, 'company', 'lead_1', 'Acme', '{\"name\":\"Acme\"}', '{}', 'h', 'acme',
                           '2025-01-01T00:00:00.000Z');
                 INSERT INTO records (connection_id, object_type, remote_id, display_name, fields, raw,
                                      content_hash, search_text, pulled_at)
                   VALUES (7, 'person', 'cont_1', 'Ann', '{\"company_id\":\"lead_1\"}', '{}', 'h', 'ann',
                           '2025-01-01T00:00:00.000Z');",
            )
            .unwrap();
        }
        let store = crate::Store::open(&path).unwrap();
        let connections = store.read(crate::connections::list).unwrap();
        assert_eq!(connections.len(), 1);
        assert_eq!(connections[0].label, "Inside sales");
        let query = bridge_model::RecordQuery {
            search: Some("acm".into()),
            limit: 10,
            ..Default::default()
        };
        let rows = store.read(|c| crate::records::page(c, &query)).unwrap();
        assert_eq!(
            rows.len(),
            1,
            "the old row is found through the search index too"
        );
        assert_eq!(rows[0].display_name, "Acme");
        // The link a merge follows was copied out of the fields into its indexed column.
        let children = store
            .read(|c| {
                crate::records::children(c, bridge_model::ConnectionId(7), "company_id", "lead_1")
            })
            .unwrap();
        assert_eq!(children.len(), 1);
        assert_eq!(children[0].2, "cont_1");
    }

    #[test]
    fn a_database_at_an_older_schema_is_backed_up_before_it_is_migrated() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("old.sqlite3");
        {
            let mut conn = Connection::open(&path).unwrap();
            migrate_to(&mut conn, 8).unwrap();
            conn.execute_batch(
                "INSERT INTO connections (id, provider, label, base_url, created_at)
                   VALUES (3, 'hubspot', 'Marketing', 'https://api.hubapi.com', '2025-01-01T00:00:00.000Z');",
            )
            .unwrap();
        }
        let store = crate::Store::open(&path).unwrap();
        let backups = store.backups().unwrap();
        assert_eq!(backups.len(), 1, "{backups:?}");
        assert_eq!(backups[0].reason, format!("before-schema-{SCHEMA_VERSION}"));
        let copy = Connection::open(&backups[0].path).unwrap();
        let (version, label): (i64, String) = copy
            .query_row(
                "SELECT (SELECT user_version FROM pragma_user_version), label FROM connections",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap();
        assert_eq!((version, label.as_str()), (8, "Marketing"));
        drop(store);
        // Opened again at the current schema: no new backup.
        let store = crate::Store::open(&path).unwrap();
        assert_eq!(store.backups().unwrap().len(), 1);
    }

    #[test]
    fn storing_a_record_builds_no_temporary_table_and_its_type_is_still_checked() {
        let mut conn = Connection::open_in_memory().unwrap();
        migrate_to(&mut conn, 7).unwrap();
        conn.execute_batch(
            "INSERT INTO connections (id, provider, label, base_url, created_at)
               VALUES (1, 'close', 'Close', 'http://x/api/v1', '2025-01-01T00:00:00.000Z');",
        )
        .unwrap();
        let insert = |conn: &Connection, object_type: &str, remote_id: &str| {
            conn.execute(
                "INSERT INTO records (connection_id, object_type, remote_id, display_name, fields, raw,
                                      content_hash, search_text, pulled_at)
                 VALUES (1, ?1, ?2, 'A', '{}', '{}', 'h', 'a', '2025-01-01T00:00:00.000Z')",
                [object_type, remote_id],
            )
        };
        insert(&conn, "person", "before").unwrap();
        let opcodes = |conn: &Connection| -> Vec<String> {
            conn.prepare(
                "EXPLAIN INSERT INTO records (connection_id, object_type, remote_id, display_name, fields,
                                              raw, content_hash, search_text, pulled_at)
                 VALUES (1, ?1, ?2, 'A', '{}', '{}', 'h', 'a', '2025-01-01T00:00:00.000Z')",
            )
            .unwrap()
            .query_map(["person", "x"], |r| r.get(1))
            .unwrap()
            .map(Result::unwrap)
            .collect()
        };
        assert!(
            opcodes(&conn).iter().any(|op| op == "OpenEphemeral"),
            "the check as a list builds a temporary b-tree"
        );
        migrate(&mut conn).unwrap();
        assert!(
            !opcodes(&conn).iter().any(|op| op == "OpenEphemeral"),
            "each insert builds a temporary b-tree: {:?}",
            opcodes(&conn)
        );
        // Every type is still accepted, anything else still refused, and the row from before is intact.
        for (i, t) in bridge_model::ObjectType::ALL.iter().enumerate() {
            insert(&conn, t.as_str(), &format!("after-{i}")).unwrap();
        }
        let refused = insert(&conn, "robot", "r1").unwrap_err().to_string();
        assert!(refused.contains("CHECK constraint failed"), "{refused}");
        let integrity: String = conn
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .unwrap();
        assert_eq!(integrity, "ok");
        let kept: i64 = conn
            .query_row(
                "SELECT count(*) FROM records WHERE remote_id = 'before'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(kept, 1);
    }

    #[test]
    fn the_outbox_takes_deletes_after_0012_and_keeps_what_it_held() {
        let mut conn = Connection::open_in_memory().unwrap();
        migrate_to(&mut conn, 11).unwrap();
        conn.execute_batch(
            "INSERT INTO connections (id, provider, label, base_url, created_at)
               VALUES (1, 'close', 'Close', 'http://x/api/v1', '2025-01-01T00:00:00.000Z'),
                      (2, 'hubspot', 'HubSpot', 'http://x', '2025-01-01T00:00:00.000Z');
             INSERT INTO sync_pairs (id, name, a_connection_id, b_connection_id, objects, conflicts, created_at)
               VALUES (1, 'p', 1, 2, '[]', 'most_recent', '2025-01-01T00:00:00.000Z');",
        )
        .unwrap();
        let queue = |conn: &Connection, operation: &str, key: &str| {
            conn.execute(
                "INSERT INTO outbox (key, pair_id, object_type, side, operation, source_remote_id, fields,
                                     synced, created_at)
                 VALUES (?1, 1, 'person', 'b', ?2, 's', '{}', '{}', '2025-01-01T00:00:00.000Z')",
                [key, operation],
            )
        };
        queue(&conn, "update", "before").unwrap();
        let refused = queue(&conn, "delete", "d0").unwrap_err().to_string();
        assert!(refused.contains("CHECK constraint failed"), "{refused}");
        migrate(&mut conn).unwrap();
        queue(&conn, "delete", "d1").unwrap();
        let refused = queue(&conn, "merge", "m1").unwrap_err().to_string();
        assert!(refused.contains("CHECK constraint failed"), "{refused}");
        let rows: i64 = conn
            .query_row("SELECT count(*) FROM outbox", [], |r| r.get(0))
            .unwrap();
        assert_eq!(rows, 2);
        let integrity: String = conn
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .unwrap();
        assert_eq!(integrity, "ok");
    }

    #[test]
    fn every_table_of_the_data_model_exists_and_is_strict() {
        let mut conn = Connection::open_in_memory().unwrap();
        migrate(&mut conn).unwrap();
        for table in [
            "connections",
            "records",
            "links",
            "sync_cursors",
            "sync_runs",
            "failed_records",
            "field_mappings",
            "stage_mappings",
            "owner_mappings",
            "duplicate_groups",
            "merges",
            "migrations",
            "migration_items",
            "audit_log",
            "sync_deletions",
            "settings",
        ] {
            let strict: i64 = conn
                .query_row(
                    "SELECT strict FROM pragma_table_list WHERE name = ?1",
                    [table],
                    |r| r.get(0),
                )
                .unwrap_or_else(|e| panic!("table {table}: {e}"));
            assert_eq!(strict, 1, "table {table} is not STRICT");
        }
    }
}
