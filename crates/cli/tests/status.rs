//! `crm-bridge status` against a real database file.

use std::process::Command;

use bridge_model::{ConnectionId, NewConnection, NewRecord, ObjectType, Provider};
use bridge_store::{Store, connections, records};
use chrono::{TimeZone, Utc};
use serde_json::{Value, json};

fn seed(path: &std::path::Path) {
    let store = Store::open(path).unwrap();
    let now = Utc.with_ymd_and_hms(2026, 1, 2, 3, 4, 5).unwrap();
    store
        .write(|tx| {
            let hs = connections::insert(
                tx,
                &NewConnection {
                    provider: Provider::Hubspot,
                    label: "Sales EU".into(),
                    base_url: "http://127.0.0.1:1".into(),
                    account_id: Some("42".into()),
                    secret_ref: None,
                },
                now,
            )?;
            let person = |i: usize, object_type, id: ConnectionId| NewRecord {
                connection_id: id,
                object_type,
                remote_id: format!("{i}"),
                fields: json!({"name": format!("N{i}")})
                    .as_object()
                    .unwrap()
                    .clone(),
                raw: json!({}),
                remote_modified_at: None,
            };
            for i in 0..3 {
                records::upsert(tx, &person(i, ObjectType::Person, hs), now)?;
            }
            records::upsert(tx, &person(9, ObjectType::Company, hs), now)?;
            Ok(())
        })
        .unwrap();
}

fn crm_bridge(db: &std::path::Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_crm-bridge"))
        .arg("--db")
        .arg(db)
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn status_json_counts_records_per_connection_and_object_type() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("bridge.sqlite3");
    seed(&db);
    let out = crm_bridge(&db, &["status", "--json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let status: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(status["total_records"], 4);
    let c = &status["connections"][0];
    assert_eq!(c["connection"]["provider"], "hubspot");
    assert_eq!(c["connection"]["label"], "Sales EU");
    assert_eq!(c["counts"], json!([["company", 1], ["person", 3]]));
}

#[test]
fn status_table_names_each_connection_and_count() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("bridge.sqlite3");
    seed(&db);
    let out = crm_bridge(&db, &["status"]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("HubSpot — Sales EU"), "{text}");
    let has_row = |want: [&str; 2]| {
        text.lines()
            .any(|l| l.split_whitespace().collect::<Vec<_>>() == want)
    };
    assert!(
        has_row(["person", "3"]) && has_row(["company", "1"]),
        "{text}"
    );
    assert!(text.contains("All connections: 4 records"), "{text}");
}

#[test]
fn a_database_from_a_newer_version_is_an_error_with_its_code() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("future.sqlite3");
    drop(newer_db(&db));
    let out = crm_bridge(&db, &["status"]);
    assert!(!out.status.success());
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("DatabaseTooNew"), "{err}");
    assert!(err.contains("newer CRM Bridge"), "{err}");
}

/// A database that claims a schema version far ahead of this binary.
fn newer_db(path: &std::path::Path) -> Store {
    let store = Store::open(path).unwrap();
    store
        .write(|tx| {
            tx.pragma_update(None, "user_version", 999)?;
            Ok(())
        })
        .unwrap();
    store
}
