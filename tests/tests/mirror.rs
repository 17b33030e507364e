//! The mirror end to end: real emulator over HTTP, real SQLite file, real keyring.

mod keyring_workspace;

use std::collections::BTreeMap;

use bridge_engine::{
    Cancel, ConnectRequest, Engine, Login, PullOptions, PullPhase, PullProgress, SecretStore,
};
use bridge_fakecrm::{Config, Faults, Running, start};
use bridge_model::{Connection, ConnectionId, ObjectType, Provider};
use bridge_tests::emulator::set_faults;
use keyring_workspace::workspace;

fn quiet(_: &PullProgress) {}

async fn pull(engine: &Engine, id: ConnectionId) -> bridge_engine::PullSummary {
    engine
        .pull(id, &PullOptions::default(), &quiet, &Cancel::default())
        .await
        .unwrap()
}

fn fingerprints(engine: &Engine, id: ConnectionId) -> Vec<(String, String, String, bool)> {
    engine
        .store()
        .read(|c| bridge_store::records::fingerprints(c, id))
        .unwrap()
}

fn live_counts(engine: &Engine, id: ConnectionId) -> BTreeMap<String, usize> {
    let mut out = BTreeMap::new();
    for (t, _, _, deleted) in fingerprints(engine, id) {
        if !deleted {
            *out.entry(t).or_default() += 1;
        }
    }
    out
}

async fn connect_hubspot(engine: &Engine, running: &Running) -> Connection {
    let d = &running.description.hubspot;
    engine
        .connect(
            ConnectRequest {
                provider: Provider::Hubspot,
                base_url: d.base_url.clone(),
                login: Login::ApiKey(d.token.clone()),
                label: None,
            },
            |_| async { Ok(()) },
        )
        .await
        .unwrap()
}

#[tokio::test]
async fn a_connection_keeps_its_secret_in_the_keyring_only_and_disconnect_removes_it() {
    let Some(ws) = workspace("secret") else {
        return;
    };
    let running = start(Config {
        records: 10,
        ..Config::default()
    })
    .await
    .unwrap();
    let connection = connect_hubspot(&ws.engine, &running).await;
    assert!(
        connection.label.contains("HubSpot portal"),
        "{connection:?}"
    );
    let reference = connection.secret_ref.clone().unwrap();
    let token = running.description.hubspot.token.clone();
    // The database file holds the reference, never the token.
    let bytes = std::fs::read(ws.dir.path().join("workspace.sqlite3")).unwrap();
    let text = String::from_utf8_lossy(&bytes);
    assert!(!text.contains(&token));
    assert!(!format!("{connection:?}").contains(&token));
    let keyring = bridge_engine::Keyring::new(ws.service.clone());
    let stored = keyring.load(&reference).unwrap();
    assert_eq!(format!("{stored:?}"), "Secret::ApiKey(<redacted>)");

    let account = ws.engine.check_connection(connection.id).await.unwrap();
    assert_eq!(Some(account.account_id), connection.account_id);

    ws.engine.disconnect(connection.id, false).unwrap();
    let archived = &ws.engine.connections().unwrap()[0];
    assert!(archived.archived_at.is_some() && archived.secret_ref.is_none());
    let gone = keyring.load(&reference).unwrap_err();
    assert_eq!(gone.code(), bridge_engine::ErrorCode::SecretMissing);
}

#[tokio::test]
async fn a_wrong_key_is_refused_before_anything_is_kept() {
    let Some(ws) = workspace("wrong") else { return };
    let running = start(Config {
        records: 10,
        ..Config::default()
    })
    .await
    .unwrap();
    let err = ws
        .engine
        .connect(
            ConnectRequest {
                provider: Provider::Close,
                base_url: running.description.close.base_url.clone(),
                login: Login::ApiKey("api_not_the_key".into()),
                label: None,
            },
            |_| async { Ok(()) },
        )
        .await
        .unwrap_err();
    assert_eq!(err.code(), bridge_engine::ErrorCode::Unauthorized);
    assert!(!err.to_string().contains("api_not_the_key"));
    assert!(ws.engine.connections().unwrap().is_empty());
}

/// 26,000 people per CRM: about 50,000 records each (companies, deals, activities scale with it).
#[tokio::test]
async fn fifty_thousand_records_per_crm_under_faults_mirror_exactly_the_emulator() {
    let Some(ws) = workspace("faults") else {
        return;
    };
    let faults = Faults {
        error_rate: 0.1,
        // A HubSpot 429 costs up to a 10-second window: a few bursts, not dozens.
        rate_limit_rate: 0.01,
        drop_rate: 0.03,
        malformed_rate: 0.03,
        seed: 17,
        ..Faults::default()
    };
    let running = start(Config {
        records: 26_000,
        faults,
        hubspot_per_10s: 100_000,
        hubspot_search_per_s: 100_000,
        close_per_s: 100_000,
        pipedrive_per_2s: 100_000,
        salesforce_daily: 10_000_000,
        ..Config::default()
    })
    .await
    .unwrap();
    let connections = ws.engine.connect_demo(&running).await.unwrap();
    // A second workspace pulls the same CRMs with the faults off: the two must agree record for record.
    let Some(clean) = workspace("faults-clean") else {
        return;
    };
    // The four CRMs pull at once, as the app does.
    let (a, b, c, d) = tokio::join!(
        pull(&ws.engine, connections[0].id),
        pull(&ws.engine, connections[1].id),
        pull(&ws.engine, connections[2].id),
        pull(&ws.engine, connections[3].id),
    );
    for summary in [a, b, c, d] {
        let total: i64 = summary.objects.iter().map(|o| o.records).sum();
        assert!(total >= 50_000, "{:?}: {total}", summary.connection_id);
        assert!(summary.objects.iter().all(|o| o.phase == PullPhase::Done));
    }
    for provider in Provider::ALL {
        set_faults(&running.description.admin_url, provider, "").await;
    }
    let clean_connections = clean.engine.connect_demo(&running).await.unwrap();
    tokio::join!(
        pull(&clean.engine, clean_connections[0].id),
        pull(&clean.engine, clean_connections[1].id),
        pull(&clean.engine, clean_connections[2].id),
        pull(&clean.engine, clean_connections[3].id),
    );
    for (faulty, exact) in connections.iter().zip(&clean_connections) {
        let a = fingerprints(&ws.engine, faulty.id);
        let b = fingerprints(&clean.engine, exact.id);
        assert_eq!(a.len(), b.len(), "{:?}", faulty.provider);
        assert!(
            a == b,
            "{:?}: the faulty pull differs from the clean one",
            faulty.provider
        );
        assert!(a.iter().all(|r| !r.3), "nothing is marked deleted");
    }
    let counts = live_counts(&ws.engine, connections[1].id);
    assert_eq!(counts["lead"], 2_600, "Salesforce leads");
    assert_eq!(counts["person"], 26_000);
}

#[tokio::test]
async fn an_incremental_pull_brings_changes_creations_and_deletions() {
    let Some(ws) = workspace("incremental") else {
        return;
    };
    let running = start(Config {
        records: 300,
        hubspot_per_10s: 100_000,
        hubspot_search_per_s: 100_000,
        pipedrive_per_2s: 100_000,
        ..Config::default()
    })
    .await
    .unwrap();
    let connections = ws.engine.connect_demo(&running).await.unwrap();
    let (hubspot, pipedrive) = (connections[0].id, connections[3].id);
    pull(&ws.engine, hubspot).await;
    pull(&ws.engine, pipedrive).await;
    let before = live_counts(&ws.engine, hubspot);

    let client = reqwest::Client::new();
    let hs = &running.description.hubspot;
    let send = |r: reqwest::RequestBuilder| async move { r.send().await.unwrap().status() };
    assert_eq!(
        send(
            client
                .patch(format!("{}/crm/v3/objects/contacts/5", hs.base_url))
                .bearer_auth(&hs.token)
                .json(&serde_json::json!({"properties": {"jobtitle": "Chief Pulling Officer"}}))
        )
        .await,
        200
    );
    assert_eq!(send(client.post(format!("{}/crm/v3/objects/contacts", hs.base_url)).bearer_auth(&hs.token).json(&serde_json::json!({"properties": {"email": "new.person@example.com", "firstname": "New"}}))).await, 201);
    assert_eq!(
        send(
            client
                .delete(format!("{}/crm/v3/objects/contacts/9", hs.base_url))
                .bearer_auth(&hs.token)
        )
        .await,
        204
    );
    let pd = &running.description.pipedrive;
    assert_eq!(
        send(
            client
                .delete(format!("{}/persons/3", pd.base_url))
                .header("x-api-token", &pd.api_token)
        )
        .await,
        200
    );

    let summary = pull(&ws.engine, hubspot).await;
    let people = summary
        .objects
        .iter()
        .find(|o| o.object_type == ObjectType::Person)
        .unwrap();
    assert!(!people.full, "the second pull is incremental");
    assert_eq!(people.created, 1);
    assert!(people.updated >= 1);
    assert_eq!(people.deleted, 1, "from the archived feed");
    assert!(
        people.records < 300,
        "only what changed was fetched: {}",
        people.records
    );
    let after = live_counts(&ws.engine, hubspot);
    assert_eq!(after["person"], before["person"]);
    let changed = ws
        .engine
        .store()
        .read(|c| bridge_store::records::fingerprints(c, hubspot))
        .unwrap();
    assert!(
        changed.iter().any(|r| r.1 == "9" && r.3),
        "contact 9 is marked deleted"
    );

    // Pipedrive has no delete feed: a full pull finds the deletion by comparison.
    let summary = ws
        .engine
        .pull(
            pipedrive,
            &PullOptions {
                object_types: vec![ObjectType::Person],
                full: true,
            },
            &quiet,
            &Cancel::default(),
        )
        .await
        .unwrap();
    assert_eq!(summary.objects[0].deleted, 1);
    assert_eq!(live_counts(&ws.engine, pipedrive)["person"], 299);
}

#[tokio::test]
async fn progress_arrives_after_every_page_and_a_cancelled_pull_resumes_where_it_stopped() {
    let Some(ws) = workspace("cancel") else {
        return;
    };
    let running = start(Config {
        records: 3000,
        close_per_s: 100_000,
        ..Config::default()
    })
    .await
    .unwrap();
    let connections = ws.engine.connect_demo(&running).await.unwrap();
    let close = connections[2].id;
    let cancel = Cancel::default();
    let seen: std::sync::Mutex<Vec<PullProgress>> = Default::default();
    let stop_at = cancel.clone();
    let report = |p: &PullProgress| {
        seen.lock().unwrap().push(p.clone());
        if p.pages == 5 {
            stop_at.cancel();
        }
    };
    let options = PullOptions {
        object_types: vec![ObjectType::Person],
        full: false,
    };
    let err = ws
        .engine
        .pull(close, &options, &report, &cancel)
        .await
        .unwrap_err();
    assert_eq!(err.code(), bridge_engine::ErrorCode::Cancelled);
    let seen = seen.into_inner().unwrap();
    assert!(seen.windows(2).all(|w| w[1].records >= w[0].records));
    assert_eq!(seen.last().unwrap().phase, PullPhase::Cancelled);
    // The 500 records kept joined the search index before the pull ended: from none to all.
    let indexing: Vec<f64> = seen
        .iter()
        .filter(|p| p.phase == PullPhase::Indexing)
        .map(|p| p.fraction.unwrap())
        .collect();
    assert_eq!(indexing, [0.0, 1.0]);
    assert_eq!(seen[seen.len() - 2].phase, PullPhase::Indexing);
    assert_eq!(
        live_counts(&ws.engine, close)["person"],
        500,
        "five pages of 100 were kept"
    );

    let summary = ws
        .engine
        .pull(close, &options, &quiet, &Cancel::default())
        .await
        .unwrap();
    assert_eq!(
        summary.objects[0].records, 2500,
        "the rest, not everything again"
    );
    assert_eq!(live_counts(&ws.engine, close)["person"], 3000);
    // The index holds all 3,000: a pull that stores nothing has nothing to index.
    let phases: std::sync::Mutex<Vec<PullPhase>> = Default::default();
    ws.engine
        .pull(
            close,
            &options,
            &|p: &PullProgress| phases.lock().unwrap().push(p.phase),
            &Cancel::default(),
        )
        .await
        .unwrap();
    let phases = phases.into_inner().unwrap();
    assert!(!phases.contains(&PullPhase::Indexing), "{phases:?}");
    assert_eq!(phases.last(), Some(&PullPhase::Done));
}
