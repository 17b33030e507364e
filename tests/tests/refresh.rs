//! One sign-in refresh at a time per connection, shared by all its clients: a pull and a sync run on
//! one Close connection while its access token expires (every second) and Close rotates its refresh
//! token at each use, so a client refreshing from its own copy would spend a dead refresh token. Real
//! emulator over HTTP, real SQLite file, real keyring.

mod keyring_workspace;

use std::time::Duration;

use bridge_engine::{Cancel, ConnectRequest, Login, OAuthClient, PullOptions, SecretStore};
use bridge_fakecrm::{Config, start};
use bridge_model::{ObjectType, Provider};
use bridge_tests::emulator::follow_sign_in;
use keyring_workspace::workspace;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pull_and_a_sync_on_one_connection_both_live_through_its_token_expiring() {
    let Some(ws) = workspace("refresh") else {
        return;
    };
    let running = start(Config {
        records: 300,
        token_lifetime: Duration::from_secs(1),
        close_per_s: 100_000,
        ..Config::default()
    })
    .await
    .unwrap();
    let d = &running.description;
    let close = ws
        .engine
        .connect(
            ConnectRequest {
                provider: Provider::Close,
                base_url: d.close.base_url.clone(),
                login: Login::Browser(OAuthClient {
                    authorize_url: d.close.authorize_url.clone(),
                    token_url: d.close.token_url.clone(),
                    client_id: d.close.client_id.clone(),
                    client_secret: Some(d.close.client_secret.clone()),
                    scopes: vec!["all.full_access".into(), "offline_access".into()],
                }),
                label: None,
            },
            follow_sign_in,
        )
        .await
        .unwrap();
    let hubspot = ws
        .engine
        .connect(
            ConnectRequest {
                provider: Provider::Hubspot,
                base_url: d.hubspot.base_url.clone(),
                login: Login::ApiKey(d.hubspot.token.clone()),
                label: None,
            },
            |_| async { Ok(()) },
        )
        .await
        .unwrap();
    let mut pair = ws.engine.suggest_sync_pair(close.id, hubspot.id).unwrap();
    pair.objects
        .retain(|o| o.object_type == ObjectType::Company);
    let pair = ws.engine.add_sync_pair(&pair).unwrap();
    let keyring = bridge_engine::Keyring::new(ws.service.clone());
    let reference = close.secret_ref.clone().unwrap();
    let before = format!("{:?}", keyring.load(&reference).unwrap());

    // The token the sign-in brought has expired; both start with it, and at once.
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let full = PullOptions {
        full: true,
        ..PullOptions::default()
    };
    let cancel = Cancel::default();
    let (pulled, synced) = tokio::join!(
        ws.engine.pull(close.id, &full, &|_| {}, &cancel),
        ws.engine.sync(pair.id, &|_| {}, &cancel),
    );
    let pulled = pulled.expect("the pull lives through the refresh");
    let synced = synced.expect("the sync lives through the refresh");
    let records: i64 = pulled.objects.iter().map(|o| o.records).sum();
    assert!(records > 300, "{pulled:?}");
    assert_eq!(synced.status, bridge_model::RunStatus::Succeeded);
    // The refreshed sign-in is the one kept, and it still works.
    assert_ne!(format!("{:?}", keyring.load(&reference).unwrap()), before);
    ws.engine.check_connection(close.id).await.unwrap();
}
