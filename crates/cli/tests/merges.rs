//! `crm-bridge merge`, `merges` and `undo-merge` on a workspace connected to the emulated CRMs (which
//! run in this test process): a group merged from the command line shows in the history and is undone.

use std::{path::Path, process::Command, sync::Arc};

use bridge_engine::{Cancel, Engine, Keyring, PullOptions};
use serde_json::Value;

fn keyring_ready() -> bool {
    let required = std::env::var("CRM_BRIDGE_REQUIRE_KEYRING").as_deref() == Ok("1");
    let present = bridge_engine::Keyring::available().is_ok();
    if !present && !required {
        eprintln!("skipped: no keyring here; `make test` runs this in a desktop session");
    }
    present || required
}

async fn cli(db: &Path, service: &str, args: &[&str]) -> (bool, String, String) {
    let mut c = Command::new(env!("CARGO_BIN_EXE_crm-bridge"));
    c.arg("--db")
        .arg(db)
        .args(args)
        .env("CRM_BRIDGE_KEYRING_SERVICE", service);
    let out = tokio::task::spawn_blocking(move || c.output().unwrap())
        .await
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_group_merged_from_the_command_line_is_in_the_history_and_undone() {
    if !keyring_ready() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("w.sqlite3");
    let service = format!("crm-bridge-test-cli-merges-{}", std::process::id());
    let engine = Engine::open_with_secrets(&db, Arc::new(Keyring::new(service.clone()))).unwrap();
    let crms = bridge_engine::start_demo_crms(200).await.unwrap();
    let connections = engine.connect_demo(&crms).await.unwrap();
    for c in &connections {
        engine
            .pull(c.id, &PullOptions::default(), &|_| {}, &Cancel::default())
            .await
            .unwrap();
    }
    engine.find_duplicates(&[]).unwrap();
    // A group within one CRM account.
    let page = engine.duplicate_groups(0, 500).unwrap();
    let group = page
        .rows
        .iter()
        .find(|g| g.providers.iter().all(|p| *p == g.providers[0]))
        .expect("a group within one CRM");

    let (ok, _, err) = cli(&db, &service, &["merge"]).await;
    assert!(!ok && err.contains("name a duplicate group"), "{err}");

    let (ok, out, err) = cli(&db, &service, &["merge", &group.id.to_string(), "--json"]).await;
    assert!(ok, "{err}");
    let entry: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(entry["status"], "applied");
    let id = entry["id"].as_i64().unwrap();

    let (ok, out, _) = cli(&db, &service, &["merges"]).await;
    assert!(ok);
    let line = out
        .lines()
        .find(|l| l.trim_start().starts_with(&id.to_string()))
        .unwrap_or_else(|| panic!("merge {id} listed:\n{out}"));
    assert!(line.contains("applied") && line.contains("<-"), "{line}");

    let (ok, again, err) = cli(&db, &service, &["merge", &group.id.to_string()]).await;
    assert!(!ok && err.contains("merged already"), "{again}{err}");

    let (ok, out, err) = cli(&db, &service, &["undo-merge", &id.to_string()]).await;
    assert!(ok, "{err}");
    assert!(out.contains("undone"), "{out}");
    let (_, out, _) = cli(&db, &service, &["merges", "--json"]).await;
    let list: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(list[0]["status"], "undone");
    assert!(list[0]["members"].as_array().unwrap().len() >= 2);

    let (ok, _, err) = cli(&db, &service, &["undo-merge", &id.to_string()]).await;
    assert!(!ok && err.contains("is undone"), "{err}");
    for c in &connections {
        engine.disconnect(c.id, false).unwrap();
    }
}
