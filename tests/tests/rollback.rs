//! A rollback checks for later changes: a target record someone changed after the run wrote it is
//! listed apart and left alone, unless the person says to overwrite it. Real emulator over HTTP, real
//! SQLite file, real keyring.

mod keyring_workspace;

use std::time::Duration;

use bridge_crm::{Endpoint, Secret, Update};
use bridge_engine::{Cancel, Engine, PullOptions};
use bridge_fakecrm::{Config, Running, start};
use bridge_model::{Connection, MigrationReport, MigrationStatus, ObjectType, Provider};
use bridge_tests::emulator::connect_with_key;
use keyring_workspace::workspace;
use serde_json::json;

fn pipedrive(running: &Running) -> std::sync::Arc<dyn bridge_crm::Crm> {
    let d = &running.description.pipedrive;
    bridge_crm::connect(
        Endpoint {
            provider: Provider::Pipedrive,
            base_url: d.base_url.clone(),
            secret: Secret::api_key(&d.api_token),
        },
        None,
    )
    .unwrap()
}

/// Whether the target CRM still has the organization.
async fn exists(engine: &Engine, target: &Connection, id: &str) -> bool {
    let options = PullOptions {
        object_types: vec![ObjectType::Company],
        full: true,
    };
    engine
        .pull(target.id, &options, &|_| {}, &Cancel::default())
        .await
        .unwrap();
    engine
        .store()
        .read(|c| bridge_store::records::fingerprints(c, target.id))
        .unwrap()
        .into_iter()
        .any(|(t, remote_id, _, deleted)| t == "company" && remote_id == id && !deleted)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rollback_leaves_records_changed_since_the_run_alone_unless_told_to_overwrite() {
    let Some(ws) = workspace("rollback-changed") else {
        return;
    };
    let running = start(Config {
        records: 50,
        ..Config::default()
    })
    .await
    .unwrap();
    let d = &running.description;
    let close = connect_with_key(
        &ws.engine,
        Provider::Close,
        &d.close.base_url,
        &d.close.api_key,
    )
    .await;
    let target = connect_with_key(
        &ws.engine,
        Provider::Pipedrive,
        &d.pipedrive.base_url,
        &d.pipedrive.api_token,
    )
    .await;
    let mut plan = ws.engine.plan_migration(close.id, target.id).await.unwrap();
    plan.objects
        .retain(|m| m.source_object == ObjectType::Company);
    let report = ws
        .engine
        .run_migration(&plan, &|_| {}, &Cancel::default())
        .await
        .unwrap();
    assert!(report.created > 5, "{report:?}");
    // Reopened from the list after the wizard closed, the report counts what the run did.
    assert_eq!(
        ws.engine.migration_report(report.migration_id).unwrap(),
        MigrationReport {
            left_changed: 0,
            ..report.clone()
        }
    );
    let created: Vec<String> = ws
        .engine
        .migration_results(report.migration_id)
        .unwrap()
        .into_iter()
        .filter(|r| r.action.as_str() == "create")
        .filter_map(|r| r.target_remote_id)
        .collect();

    // Someone edits one of the new organizations after the run.
    // Past the clock slack, with Pipedrive's whole-second times.
    tokio::time::sleep(Duration::from_millis(3_500)).await;
    let edited = created[0].clone();
    let results = pipedrive(&running)
        .update(
            ObjectType::Company,
            &[Update {
                remote_id: edited.clone(),
                fields: serde_json::from_value(json!({"name": "Renamed by a colleague"})).unwrap(),
            }],
        )
        .await;
    assert!(results[0].is_ok(), "{results:?}");

    let preview = ws
        .engine
        .rollback_preview(report.migration_id)
        .await
        .unwrap();
    assert_eq!(preview.records, created.len() as i64);
    let changed: Vec<&str> = preview
        .changed_since
        .iter()
        .map(|c| c.remote_id.as_str())
        .collect();
    assert_eq!(changed, [edited.as_str()]);
    assert_eq!(
        preview.changed_since[0].display_name,
        "Renamed by a colleague"
    );

    let rolled = ws
        .engine
        .rollback_migration(report.migration_id, false, &|_| {})
        .await
        .unwrap();
    assert_eq!(rolled.left_changed, 1);
    assert_eq!(rolled.rolled_back, created.len() as i64 - 1);
    assert!(
        exists(&ws.engine, &target, &edited).await,
        "the edited record stays"
    );
    assert!(!exists(&ws.engine, &target, &created[1]).await);

    // Told to, the rollback overwrites it too.
    let rolled = ws
        .engine
        .rollback_migration(report.migration_id, true, &|_| {})
        .await
        .unwrap();
    assert_eq!((rolled.rolled_back, rolled.left_changed), (1, 0));
    assert!(!exists(&ws.engine, &target, &edited).await);
    let reopened = ws.engine.migration_report(report.migration_id).unwrap();
    assert_eq!(
        (reopened.created, reopened.rolled_back),
        (0, created.len() as i64),
        "{reopened:?}"
    );
    let listed = ws.engine.migrations().unwrap();
    assert_eq!(listed[0].status, MigrationStatus::RolledBack);
}
