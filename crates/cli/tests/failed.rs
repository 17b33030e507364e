//! `crm-bridge failed`, `export-failed` and `discard-failed` on a real database file.

use std::process::Command;

use bridge_model::{
    ErrorCategory, NewConnection, NewFailedRecord, ObjectType, Provider, WriteOperation,
};
use bridge_store::{Store, connections, failed_records};
use chrono::Utc;
use serde_json::{Value, json};

fn cli(db: &std::path::Path, args: &[&str]) -> (bool, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_crm-bridge"))
        .arg("--db")
        .arg(db)
        .args(args)
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn the_queue_is_listed_filtered_exported_and_discarded_with_a_reason() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("w.sqlite3");
    let store = Store::open(&db).unwrap();
    store
        .write(|tx| {
            let now = Utc::now();
            let c = connections::insert(
                tx,
                &NewConnection {
                    provider: Provider::Hubspot,
                    label: "Sales EU".into(),
                    base_url: "http://127.0.0.1:1".into(),
                    account_id: None,
                    secret_ref: None,
                },
                now,
            )?;
            for (category, field, message) in [
                (
                    ErrorCategory::Validation,
                    Some("email"),
                    "Property values were not valid",
                ),
                (
                    ErrorCategory::RateLimit,
                    None,
                    "You have reached your ten secondly limit",
                ),
            ] {
                failed_records::insert(
                    tx,
                    &NewFailedRecord {
                        connection_id: c,
                        object_type: ObjectType::Person,
                        remote_id: None,
                        operation: WriteOperation::Create,
                        payload: json!({"email": "ann at example"}),
                        category,
                        message: message.into(),
                        field: field.map(str::to_owned),
                    },
                    now,
                )?;
            }
            Ok(())
        })
        .unwrap();
    drop(store);

    let (ok, out, _) = cli(&db, &["failed"]);
    assert!(ok);
    assert!(
        out.contains("validation") && out.contains("email") && out.contains("rate_limit"),
        "{out}"
    );
    let (ok, out, _) = cli(&db, &["failed", "--category", "validation", "--json"]);
    assert!(ok);
    let page: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(page["total"], 1);
    assert_eq!(page["rows"][0]["message"], "Property values were not valid");
    let (ok, _, err) = cli(&db, &["failed", "--category", "nonsense"]);
    assert!(!ok && err.contains("not a category"), "{err}");

    let csv = dir.path().join("failed.csv");
    let (ok, _, err) = cli(&db, &["export-failed", "--out", csv.to_str().unwrap()]);
    assert!(ok, "{err}");
    let text = std::fs::read_to_string(&csv).unwrap();
    assert_eq!(text.lines().count(), 3, "{text}");
    assert!(
        text.contains("Sales EU") && text.contains("ann at example"),
        "{text}"
    );

    let (ok, _, err) = cli(&db, &["discard-failed", "--reason", "test data"]);
    assert!(!ok && err.contains("--id ID"), "{err}");
    let (ok, out, _) = cli(&db, &["discard-failed", "--all", "--reason", "test data"]);
    assert!(ok && out.starts_with("2 discarded"), "{out}");
    let (_, out, _) = cli(&db, &["failed"]);
    assert!(out.contains("Nothing waits"), "{out}");
}
