//! Opening the sync database: newer schemas are refused untouched; readers never wait for the writer.

use std::{fs, sync::mpsc, thread};

use bridge_model::{NewConnection, Provider};
use bridge_store::{Error, SCHEMA_VERSION, Store, connections};
use chrono::{TimeZone, Utc};
use rusqlite::Connection;

fn new_connection(label: &str) -> NewConnection {
    NewConnection {
        provider: Provider::Pipedrive,
        label: label.into(),
        base_url: "http://127.0.0.1:9/api/v1".into(),
        account_id: None,
        secret_ref: None,
    }
}

fn file_names(dir: &std::path::Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn a_database_from_a_newer_binary_is_refused_and_left_byte_for_byte_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("future.sqlite3");
    {
        let conn = Connection::open(&path).unwrap();
        conn.execute_batch("CREATE TABLE future (x TEXT); INSERT INTO future VALUES ('keep me');")
            .unwrap();
        conn.pragma_update(None, "user_version", SCHEMA_VERSION + 5)
            .unwrap();
    }
    let before = fs::read(&path).unwrap();
    let files_before = file_names(dir.path());

    let err = Store::open(&path)
        .err()
        .expect("a newer schema must be refused");
    match &err {
        Error::NewerSchema {
            found, supported, ..
        } => {
            assert_eq!(*found, SCHEMA_VERSION + 5);
            assert_eq!(*supported, SCHEMA_VERSION);
        }
        other => panic!("expected NewerSchema, got {other:?}"),
    }
    assert!(err.to_string().contains("left untouched"), "{err}");
    assert_eq!(fs::read(&path).unwrap(), before, "the file changed");
    assert_eq!(
        file_names(dir.path()),
        files_before,
        "no -wal/-shm/-journal file was created"
    );
}

#[test]
fn a_reader_is_not_blocked_by_a_long_write_transaction() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("bridge.sqlite3")).unwrap();
    let now = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
    store
        .write(|tx| connections::insert(tx, &new_connection("committed"), now))
        .unwrap();

    let (written, wait_for_written) = mpsc::channel();
    let (release, wait_for_release) = mpsc::channel::<()>();
    let store = &store;
    thread::scope(|s| {
        s.spawn(move || {
            store
                .write(|tx| {
                    connections::insert(tx, &new_connection("uncommitted"), now)?;
                    written.send(()).unwrap();
                    // Hold the write transaction open until the reader has finished.
                    wait_for_release.recv().unwrap();
                    Ok(())
                })
                .unwrap();
        });
        wait_for_written.recv().unwrap();
        // The writer holds its transaction; the read must still answer, with the committed state.
        let seen = store.read(connections::list).unwrap();
        release.send(()).unwrap();
        let labels: Vec<_> = seen.iter().map(|c| c.label.as_str()).collect();
        assert_eq!(labels, ["committed"]);
    });
    assert_eq!(store.read(connections::list).unwrap().len(), 2);
}

#[test]
fn a_failed_write_rolls_back_everything_it_did() {
    let store = Store::open_in_memory().unwrap();
    let now = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
    let result: Result<(), Error> = store.write(|tx| {
        connections::insert(tx, &new_connection("half"), now)?;
        Err(Error::Corrupt {
            what: "test".into(),
            detail: "abort".into(),
        })
    });
    assert!(result.is_err());
    assert!(store.read(connections::list).unwrap().is_empty());
}

#[test]
fn the_database_runs_in_wal_mode_with_foreign_keys() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("bridge.sqlite3")).unwrap();
    let (mode, fk): (String, i64) = store
        .read(|c| {
            Ok((
                c.pragma_query_value(None, "journal_mode", |r| r.get(0))?,
                c.pragma_query_value(None, "foreign_keys", |r| r.get(0))?,
            ))
        })
        .unwrap();
    assert_eq!(mode, "wal");
    assert_eq!(fk, 1);
}

#[test]
fn the_log_is_copied_into_the_database_file_in_the_background() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bridge.sqlite3");
    let store = Store::open(&path).unwrap();
    // In WAL mode only a checkpoint writes to the database file, and the writer's own checkpoint
    // waits for 400 MiB of log: a file that grows was checkpointed by the background thread.
    let size = || fs::metadata(&path).unwrap().len();
    let before = size();
    let now = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
    for i in 0..50 {
        store
            .write(|tx| connections::insert(tx, &new_connection(&format!("Pipedrive {i}")), now))
            .unwrap();
    }
    let waited = std::time::Instant::now();
    while size() == before && waited.elapsed() < std::time::Duration::from_secs(20) {
        thread::sleep(std::time::Duration::from_millis(50));
    }
    assert!(size() > before, "the database file is still {before} bytes");
    // What was copied is what was written: a connection that reads the file sees all of it.
    let labels: i64 = Connection::open(&path)
        .unwrap()
        .query_row("SELECT count(*) FROM connections", [], |r| r.get(0))
        .unwrap();
    assert_eq!(labels, 50);
    drop(store);
}
