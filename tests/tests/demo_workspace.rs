//! The demo lives in a workspace of its own: its own database file and keyring service, never the
//! person's; and an emulated CRM is never synced or migrated with a real account.

use bridge_engine::{Engine, Keyring, SecretStore};
use bridge_model::{NewConnection, Provider};
use chrono::Utc;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_opens_beside_the_persons_workspace_and_never_in_it() {
    if Keyring::available().is_err() && std::env::var("CRM_BRIDGE_REQUIRE_KEYRING").is_err() {
        eprintln!("skipped: no keyring here; `make test` runs it in a desktop session");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let home_path = dir.path().join("crm-bridge.sqlite3");
    let home = Engine::open(&home_path).unwrap();
    let demo = Engine::open_demo_workspace(&home_path).unwrap();
    assert!(demo.is_demo() && !home.is_demo());
    let demo_path = bridge_engine::demo_database_path(&home_path);
    assert_eq!(demo.store().path(), Some(demo_path.as_path()));
    assert_ne!(demo_path, home_path);

    let crms = bridge_engine::start_demo_crms(20).await.unwrap();
    let connections = demo.connect_demo(&crms).await.unwrap();
    assert_eq!(connections.len(), 4);
    assert!(
        home.connections().unwrap().is_empty(),
        "nothing in the person's workspace"
    );
    // The sign-ins are under the demo's keyring service.
    let keyring = Keyring::new(bridge_engine::DEMO_KEYRING_SERVICE);
    for c in &connections {
        keyring.load(c.secret_ref.as_deref().unwrap()).unwrap();
    }
    // Opening the demo again replaces its connections (their emulator is gone) and their secrets.
    let again = demo.connect_demo(&crms).await.unwrap();
    assert_eq!(demo.connections().unwrap().len(), 4);
    for c in &connections {
        assert!(keyring.load(c.secret_ref.as_deref().unwrap()).is_err());
    }
    for c in &again {
        demo.disconnect(c.id, false).unwrap();
    }
    crms.stop().await;
}

#[test]
fn an_emulated_crm_and_a_real_account_are_never_synced_or_migrated_together() {
    let engine = Engine::open_in_memory().unwrap();
    let add = |label: &str, base_url: &str| {
        let new = NewConnection {
            provider: Provider::Hubspot,
            label: label.into(),
            base_url: base_url.into(),
            account_id: None,
            secret_ref: None,
        };
        engine
            .store()
            .write(|tx| bridge_store::connections::insert(tx, &new, Utc::now()))
            .unwrap()
    };
    let demo = add("Demo HubSpot", "http://127.0.0.1:4010/hubspot");
    let real = add("HubSpot — Sales EU", "https://api.hubapi.com");
    let pair = engine.suggest_sync_pair(demo, real).unwrap();
    let refused = engine.add_sync_pair(&pair).unwrap_err().to_string();
    assert!(
        refused.contains("Demo HubSpot") && refused.contains("HubSpot — Sales EU"),
        "{refused}"
    );
    assert!(refused.contains("cannot be synced"), "{refused}");
    // Two emulated ones, or two real ones, may be.
    let other_demo = add("Demo HubSpot 2", "http://127.0.0.1:4011/hubspot");
    let pair = engine.suggest_sync_pair(demo, other_demo).unwrap();
    engine.add_sync_pair(&pair).unwrap();
}
