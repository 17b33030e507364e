//! Removing a connection archives it and keeps its history; signing in again (same account only) brings
//! its undo back. Every step lands in the audit log, and the removal is backed up first. Real emulator
//! over HTTP, real SQLite file, real keyring.

mod keyring_workspace;

use bridge_engine::{
    AuditQuery, Cancel, ConnectRequest, Engine, ErrorCode, Login, MergeChoice, PullOptions,
    SecretStore,
};
use bridge_fakecrm::{Config, Running, start};
use bridge_model::{Connection, Provider};
use keyring_workspace::workspace;

async fn emulator(seed: u64) -> Running {
    start(Config {
        records: 150,
        seed,
        ..Config::default()
    })
    .await
    .unwrap()
}

fn token(running: &Running) -> Login {
    Login::ApiKey(running.description.hubspot.token.clone())
}

async fn connect(engine: &Engine, running: &Running) -> Connection {
    let request = ConnectRequest {
        provider: Provider::Hubspot,
        base_url: running.description.hubspot.base_url.clone(),
        login: token(running),
        label: None,
    };
    engine.connect(request, |_| async { Ok(()) }).await.unwrap()
}

async fn pull(engine: &Engine, connection: &Connection) {
    let options = PullOptions {
        full: true,
        ..PullOptions::default()
    };
    engine
        .pull(connection.id, &options, &|_| {}, &Cancel::default())
        .await
        .unwrap();
}

/// Moves the connection to another address, as if its host now answered for another account.
fn point_at(engine: &Engine, connection: &Connection, base_url: &str) {
    engine
        .store()
        .write(|tx| {
            tx.execute(
                "UPDATE connections SET base_url = ?1 WHERE id = ?2",
                (base_url, connection.id.0),
            )?;
            Ok(())
        })
        .unwrap();
}

fn actions(engine: &Engine) -> Vec<String> {
    let mut out: Vec<String> = engine
        .audit_log(&AuditQuery::default())
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect();
    out.reverse();
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_removed_connection_keeps_its_merges_and_signing_in_again_brings_their_undo_back() {
    let Some(ws) = workspace("archive") else {
        return;
    };
    let crm = emulator(42).await;
    let connection = connect(&ws.engine, &crm).await;
    pull(&ws.engine, &connection).await;
    ws.engine.find_duplicates(&[]).unwrap();
    let group = ws.engine.duplicate_groups(0, 1).unwrap().rows[0].id;
    let merge = ws
        .engine
        .merge_group(group, &MergeChoice::default())
        .await
        .unwrap();
    let reference = connection.secret_ref.clone().unwrap();

    // Removing it: the confirmation's figures, then the archive.
    let preview = ws.engine.disconnect_preview(connection.id).unwrap();
    assert_eq!(preview.merges, 1);
    assert!(preview.records > 100, "{preview:?}");
    ws.engine.disconnect(connection.id, false).unwrap();
    let archived = &ws.engine.connections().unwrap()[0];
    assert!(archived.archived_at.is_some(), "{archived:?}");
    assert_eq!(archived.secret_ref, None);
    let keyring = bridge_engine::Keyring::new(ws.service.clone());
    assert_eq!(
        keyring.load(&reference).unwrap_err().code(),
        ErrorCode::SecretMissing,
        "the sign-in left the keyring"
    );
    let status = ws.engine.status().unwrap();
    assert_eq!(status.total_records, 0, "its records left the mirror");
    // The merge is still there, and its undo asks for a sign-in, naming the way.
    let history = ws.engine.merges(0, 10).unwrap();
    assert_eq!(history.total, 1);
    assert_eq!(history.rows[0].status, "applied");
    let refused = ws.engine.undo_merge(merge.id, false).await.unwrap_err();
    assert_eq!(refused.code(), ErrorCode::SecretMissing, "{refused}");
    assert!(refused.to_string().contains("reconnect"), "{refused}");
    // The removal was backed up first.
    let backups = ws.engine.backups().unwrap();
    assert!(
        backups.iter().any(|b| b.reason == "before-disconnect"),
        "{backups:?}"
    );

    // Another account's sign-in is refused with both names: the address now answers for another
    // portal (the second emulator, seeded differently).
    let other = emulator(7).await;
    point_at(&ws.engine, &connection, &other.description.hubspot.base_url);
    let wrong = ws
        .engine
        .reconnect(connection.id, token(&other), |_| async { Ok(()) })
        .await
        .unwrap_err();
    let message = wrong.to_string();
    assert!(
        message.contains(&connection.label) && message.contains("reaches"),
        "{message}"
    );
    assert!(ws.engine.connections().unwrap()[0].archived_at.is_some());
    point_at(&ws.engine, &connection, &crm.description.hubspot.base_url);

    // The same account: live again, and the merge undoes.
    let back = ws
        .engine
        .reconnect(connection.id, token(&crm), |_| async { Ok(()) })
        .await
        .unwrap();
    assert_eq!(back.archived_at, None);
    assert!(back.secret_ref.is_some());
    pull(&ws.engine, &back).await;
    let undone = ws.engine.undo_merge(merge.id, false).await.unwrap();
    assert_eq!(undone.status, "undone");

    assert_eq!(
        actions(&ws.engine),
        ["connect", "merge", "disconnect", "reconnect", "undo_merge"]
    );
    let log = ws.engine.audit_log(&AuditQuery::default()).unwrap();
    assert!(log.iter().all(|e| !e.actor.is_empty()));
    assert!(log.iter().all(|e| e.connection_id == Some(connection.id)));
    ws.engine.disconnect(connection.id, false).unwrap();
}
