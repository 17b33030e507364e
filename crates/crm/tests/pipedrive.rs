//! The Pipedrive client against the emulator: every operation, the API token and OAuth (Basic client
//! auth, `api_domain`), faults.

mod common;

use std::{collections::BTreeSet, sync::Arc, time::Duration};

use bridge_crm::{Crm, CrmError, Endpoint, Secret, StageOutcome, connect, oauth};
use bridge_fakecrm::{Config, Running, start};
use bridge_model::{ObjectType, Provider};
use common::{browser, ids, pull_all};

fn relaxed(records: u32) -> Config {
    Config {
        records,
        pipedrive_per_2s: 100_000,
        ..Config::default()
    }
}

fn client_with(running: &Running, base: &str, secret: Secret) -> Arc<dyn Crm> {
    let _ = running;
    connect(
        Endpoint {
            provider: Provider::Pipedrive,
            base_url: base.to_owned(),
            secret,
        },
        None,
    )
    .unwrap()
}

fn client(running: &Running) -> Arc<dyn Crm> {
    let d = &running.description.pipedrive;
    client_with(running, &d.base_url, Secret::api_key(&d.api_token))
}

fn expected_ids(n: u32) -> BTreeSet<String> {
    (1..=n).map(|i| i.to_string()).collect()
}

#[tokio::test]
async fn check_names_the_company_and_a_wrong_token_is_unauthorized() {
    let running = start(relaxed(10)).await.unwrap();
    let account = client(&running).check().await.unwrap();
    assert_eq!(account.account_id, "7001");
    assert!(account.account_name.contains("Pipedrive"));
    let d = &running.description.pipedrive;
    let wrong = client_with(&running, &d.base_url, Secret::api_key("0".repeat(40)));
    assert!(matches!(
        wrong.check().await,
        Err(CrmError::Unauthorized { .. })
    ));
}

#[tokio::test]
async fn a_full_pull_gets_every_object_with_custom_fields_by_hash() {
    let running = start(relaxed(1200)).await.unwrap();
    let crm = client(&running);
    for (object_type, count) in [
        (ObjectType::Company, 240),
        (ObjectType::Person, 1200),
        (ObjectType::Deal, 300),
        (ObjectType::Activity, 600),
    ] {
        let records = pull_all(&crm, object_type, None).await.unwrap();
        assert_eq!(ids(&records), expected_ids(count), "{object_type}");
        assert_eq!(records.len(), count as usize);
    }
    let people = pull_all(&crm, ObjectType::Person, None).await.unwrap();
    let p = &people[0];
    assert!(p.fields["email"].as_str().unwrap().contains('@'));
    let custom = p.fields["custom"].as_object().unwrap();
    assert!(custom.keys().all(|k| k.len() == 40));
    let deals = pull_all(&crm, ObjectType::Deal, None).await.unwrap();
    let stages: BTreeSet<&str> = deals
        .iter()
        .map(|d| d.fields["stage_id"].as_str().unwrap())
        .collect();
    assert!(
        stages.contains("won") && stages.contains("lost"),
        "{stages:?}"
    );
}

#[tokio::test]
async fn an_incremental_pull_gets_exactly_what_changed_since() {
    let running = start(relaxed(2000)).await.unwrap();
    let crm = client(&running);
    let since = common::assert_incremental_matches_full(&crm, 0.25).await;
    // No delete feed: the engine compares ids on a full pull instead.
    assert_eq!(
        crm.deleted_since(ObjectType::Person, since).await.unwrap(),
        None
    );
}

#[tokio::test]
async fn fields_map_hash_keys_to_labels_and_won_lost_are_pseudo_stages() {
    let running = start(relaxed(10)).await.unwrap();
    let crm = client(&running);
    let fields = crm.fields(ObjectType::Person).await.unwrap();
    let custom = fields.iter().find(|f| f.custom).unwrap();
    assert_eq!(custom.key.len(), 40);
    assert!(!custom.label.is_empty() && custom.label != custom.key);
    let stages = &crm.pipelines().await.unwrap()[0].stages;
    assert!(
        stages
            .iter()
            .filter(|s| s.outcome == StageOutcome::Open)
            .count()
            >= 3
    );
    assert!(
        stages
            .iter()
            .any(|s| s.id == "won" && s.outcome == StageOutcome::Won)
    );
    let owners = crm.owners().await.unwrap();
    assert!(owners.iter().all(|o| o.email.is_some()));
}

#[tokio::test]
async fn oauth_uses_basic_client_auth_and_the_api_domain() {
    let running = start(Config {
        token_lifetime: Duration::from_secs(1),
        ..relaxed(700)
    })
    .await
    .unwrap();
    let d = &running.description.pipedrive;
    let app = oauth::OAuthApp {
        provider: "Pipedrive",
        authorize_url: d.authorize_url.clone(),
        token_url: d.token_url.clone(),
        client_id: d.client_id.clone(),
        client_secret: Some(d.client_secret.clone()),
        scopes: vec!["base".into(), "contacts:read".into()],
        basic_client_auth: true,
    };
    let signed_in = oauth::sign_in(
        &reqwest::Client::new(),
        &app,
        browser,
        Duration::from_secs(10),
    )
    .await
    .unwrap();
    let domain = signed_in
        .extra
        .api_domain
        .clone()
        .expect("Pipedrive names the api_domain");
    let crm = client_with(
        &running,
        &format!("{domain}/api/v1"),
        Secret::OAuth(signed_in.tokens),
    );
    crm.check().await.unwrap();
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let people = pull_all(&crm, ObjectType::Person, None).await.unwrap();
    assert_eq!(
        people.len(),
        700,
        "the expired token was refreshed mid-pull"
    );
}

#[tokio::test]
async fn a_spent_daily_budget_stops_with_a_clear_error() {
    let running = start(Config {
        pipedrive_daily_tokens: 30,
        ..relaxed(10)
    })
    .await
    .unwrap();
    let crm = client(&running);
    crm.check().await.unwrap();
    // check (2 tokens) + a list (20) fit in 30; the next list does not.
    pull_all(&crm, ObjectType::Person, None).await.unwrap();
    let err = pull_all(&crm, ObjectType::Person, None).await.unwrap_err();
    assert!(matches!(err, CrmError::QuotaExhausted { .. }), "{err}");
    assert!(err.to_string().contains("daily"), "{err}");
}

#[tokio::test]
async fn a_pull_under_faults_still_gets_exactly_every_record() {
    let running = start(Config {
        faults: common::heavy_faults(9),
        ..relaxed(3000)
    })
    .await
    .unwrap();
    let crm = client(&running);
    let people = pull_all(&crm, ObjectType::Person, None).await.unwrap();
    assert_eq!(ids(&people), expected_ids(3000));
}

#[tokio::test]
async fn creates_updates_upserts_and_deletes_with_a_result_per_record() {
    let running = start(relaxed(10)).await.unwrap();
    common::assert_person_writes(&client(&running), "99999999").await;
}

#[tokio::test]
async fn deals_take_numeric_ids_and_won_or_lost_as_their_status() {
    let running = start(relaxed(10)).await.unwrap();
    let crm = client(&running);
    let results = crm
        .create(
            ObjectType::Deal,
            &[
                common::fields(serde_json::json!({"name": "Big one", "amount": 5000, "stage_id": "won", "company_id": "1"})),
                common::fields(serde_json::json!({"name": "Odd", "company_id": "org-1"})),
            ],
        )
        .await;
    let won = results[0].clone().unwrap();
    let odd = results[1].as_ref().unwrap_err();
    assert_eq!(odd.field.as_deref(), Some("company_id"), "{odd:?}");
    let deal = common::pulled(&crm, ObjectType::Deal, &won.remote_id)
        .await
        .unwrap();
    assert_eq!(deal.fields["stage_id"], "won");
    assert_eq!(deal.fields["company_id"], "1");
}

#[tokio::test]
async fn an_organization_merge_moves_its_people() {
    let running = start(relaxed(10)).await.unwrap();
    let crm = client(&running);
    common::assert_company_merge(
        &crm,
        common::fields(serde_json::json!({"name": "Acme"})),
        common::fields(serde_json::json!({"name": "Acme Inc", "city": "Leeds"})),
    )
    .await;
}

#[tokio::test]
async fn a_create_is_never_sent_twice() {
    let running = start(relaxed(10)).await.unwrap();
    common::assert_creates_at_most_once(
        &client(&running),
        &running.description.admin_url,
        "pipedrive",
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_persons_name_is_written_whole_and_one_part_changes_alone() {
    // Pipedrive v2 takes a person's `name` only and derives the parts; the emulator refuses the parts.
    let running = start(Config {
        records: 10,
        ..Config::default()
    })
    .await
    .unwrap();
    let crm = client(&running);
    let made = crm
        .create(
            ObjectType::Person,
            &[common::fields(
                serde_json::json!({"first_name": "Ada", "last_name": "Lovelace"}),
            )],
        )
        .await;
    let id = made[0].as_ref().expect("created").remote_id.clone();
    let changed = crm
        .update(
            ObjectType::Person,
            &[bridge_crm::Update {
                remote_id: id.clone(),
                fields: common::fields(serde_json::json!({"last_name": "Byron"})),
            }],
        )
        .await;
    assert!(changed[0].is_ok(), "{changed:?}");
    let person = common::pulled(&crm, ObjectType::Person, &id).await.unwrap();
    let text = |k: &str| {
        person
            .fields
            .get(k)
            .and_then(|v| v.as_str())
            .map(str::to_owned)
    };
    assert_eq!(text("name").as_deref(), Some("Ada Byron"));
    assert_eq!(text("first_name").as_deref(), Some("Ada"));
    assert_eq!(text("last_name").as_deref(), Some("Byron"));
}
