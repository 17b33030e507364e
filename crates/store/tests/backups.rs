//! The workspace file is the user's alone, and it is backed up before anything that could lose data:
//! consistent copies, private, the newest few kept, restorable.

use std::fs;

use bridge_model::{NewConnection, Provider};
use bridge_store::{Store, backups, connections};
use chrono::{Duration, TimeZone, Utc};

fn new_connection(label: &str) -> NewConnection {
    NewConnection {
        provider: Provider::Close,
        label: label.into(),
        base_url: "http://127.0.0.1:9/api/v1".into(),
        account_id: None,
        secret_ref: None,
    }
}

fn labels(store: &Store) -> Vec<String> {
    store
        .read(connections::list)
        .unwrap()
        .into_iter()
        .map(|c| c.label)
        .collect()
}

#[cfg(unix)]
fn mode(path: &std::path::Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[cfg(unix)]
#[test]
fn the_database_its_log_and_its_backups_are_readable_by_the_user_only() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("workspace.sqlite3");
    let now = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
    let store = Store::open(&path).unwrap();
    store
        .write(|tx| connections::insert(tx, &new_connection("Sales"), now))
        .unwrap();
    for suffix in ["", "-wal", "-shm"] {
        let file = dir.path().join(format!("workspace.sqlite3{suffix}"));
        assert_eq!(mode(&file), 0o600, "{}", file.display());
    }
    let backup = store.back_up("before-test", now, None).unwrap().unwrap();
    assert_eq!(mode(&backup.path), 0o600);
    assert_eq!(mode(backup.path.parent().unwrap()), 0o700);
    drop(store);

    // A file left world-readable by an older version is made private when opened.
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(&path, fs::Permissions::from_mode(0o644)).unwrap();
    let _store = Store::open(&path).unwrap();
    assert_eq!(mode(&path), 0o600);

    // A new workspace directory is private; an existing shared one is left as it is.
    let fresh = dir.path().join("new-workspace");
    Store::prepare_directory(&fresh, false).unwrap();
    assert_eq!(mode(&fresh), 0o700);
    let shared = dir.path().join("shared");
    fs::create_dir(&shared).unwrap();
    fs::set_permissions(&shared, fs::Permissions::from_mode(0o755)).unwrap();
    Store::prepare_directory(&shared, false).unwrap();
    assert_eq!(mode(&shared), 0o755);
}

#[test]
fn a_backup_restores_the_workspace_as_it_was_and_only_the_newest_are_kept() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("workspace.sqlite3");
    let store = Store::open(&path).unwrap();
    let t0 = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
    store
        .write(|tx| connections::insert(tx, &new_connection("Sales"), t0))
        .unwrap();
    let backup = store
        .back_up("before-bulk-merge", t0, None)
        .unwrap()
        .unwrap();
    assert_eq!(backup.reason, "before-bulk-merge");
    store
        .write(|tx| connections::insert(tx, &new_connection("Later"), t0))
        .unwrap();
    assert_eq!(labels(&store), ["Sales", "Later"]);

    store.restore_backup(&backup.path).unwrap();
    assert_eq!(
        labels(&store),
        ["Sales"],
        "a reader sees the restored state"
    );
    store
        .write(|tx| connections::insert(tx, &new_connection("After"), t0))
        .unwrap();
    assert_eq!(labels(&store), ["Sales", "After"], "and writes go on");

    for i in 1..=7 {
        store
            .back_up("before-migration-run", t0 + Duration::minutes(i), None)
            .unwrap();
    }
    let kept = store.backups().unwrap();
    assert_eq!(kept.len(), backups::KEPT);
    assert_eq!(kept[0].taken_at, t0 + Duration::minutes(7), "newest first");
    assert_eq!(kept[4].taken_at, t0 + Duration::minutes(3));
    // The backup a restore reads outlives the pruning of the backup taken just before it.
    let oldest = kept[4].path.clone();
    store
        .back_up("before-restore", t0 + Duration::minutes(8), Some(&oldest))
        .unwrap();
    assert!(oldest.exists(), "the backup to restore was pruned");
    store.restore_backup(&oldest).unwrap();

    let missing = store
        .restore_backup(&dir.path().join("nope.sqlite3"))
        .unwrap_err();
    assert!(missing.to_string().contains("no such backup"), "{missing}");
}

#[test]
fn backups_go_where_the_settings_say_and_as_many_as_they_keep() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("workspace.sqlite3");
    let elsewhere = dir.path().join("elsewhere");
    let t0 = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
    let store = Store::open(&path).unwrap();
    store
        .write(|tx| {
            bridge_store::settings::set(tx, "backups-kept", "2", t0)?;
            bridge_store::settings::set(tx, "backups-dir", &elsewhere.to_string_lossy(), t0)
        })
        .unwrap();
    for i in 1..=4 {
        store
            .back_up("before-bulk-merge", t0 + Duration::minutes(i), None)
            .unwrap();
    }
    let kept = store.backups().unwrap();
    assert_eq!(kept.len(), 2, "{kept:?}");
    assert!(
        kept.iter()
            .all(|b| b.path.parent() == Some(elsewhere.as_path()))
    );
    assert_eq!(fs::read_dir(&elsewhere).unwrap().count(), 2);
    assert!(
        !backups::dir_of(&path).exists(),
        "nothing went to the default folder"
    );
}
