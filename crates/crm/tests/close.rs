//! The Close client against the emulator: every operation, the API key and OAuth with rotating refresh
//! tokens, faults.

mod common;

use std::{collections::BTreeSet, sync::Arc, time::Duration};

use bridge_crm::{Crm, CrmError, Endpoint, Secret, StageOutcome, connect, oauth};
use bridge_fakecrm::{Config, Running, start};
use bridge_model::{ObjectType, Provider};
use common::{browser, ids, pull_all};

fn relaxed(records: u32) -> Config {
    Config {
        records,
        close_per_s: 100_000,
        ..Config::default()
    }
}

fn client_with(
    running: &Running,
    secret: Secret,
    keeper: Option<bridge_crm::SecretKeeper>,
) -> Arc<dyn Crm> {
    connect(
        Endpoint {
            provider: Provider::Close,
            base_url: running.description.close.base_url.clone(),
            secret,
        },
        keeper,
    )
    .unwrap()
}

fn client(running: &Running) -> Arc<dyn Crm> {
    client_with(
        running,
        Secret::api_key(&running.description.close.api_key),
        None,
    )
}

fn app(running: &Running) -> oauth::OAuthApp {
    let d = &running.description.close;
    oauth::OAuthApp {
        provider: "Close",
        authorize_url: d.authorize_url.clone(),
        token_url: d.token_url.clone(),
        client_id: d.client_id.clone(),
        client_secret: Some(d.client_secret.clone()),
        scopes: vec!["all.full_access".into(), "offline_access".into()],
        basic_client_auth: false,
    }
}

#[tokio::test]
async fn check_names_the_organization_and_the_user() {
    let running = start(relaxed(10)).await.unwrap();
    let account = client(&running).check().await.unwrap();
    assert!(account.account_id.starts_with("orga_"));
    assert!(account.user_email.unwrap().contains('@'));
    let wrong = client_with(&running, Secret::api_key("api_wrong"), None);
    assert!(matches!(
        wrong.check().await,
        Err(CrmError::Unauthorized { .. })
    ));
}

#[tokio::test]
async fn a_full_pull_gets_every_lead_contact_opportunity_and_activity() {
    let running = start(relaxed(300)).await.unwrap();
    let crm = client(&running);
    for (object_type, count, prefix) in [
        (ObjectType::Company, 60, "lead_"),
        (ObjectType::Person, 300, "cont_"),
        (ObjectType::Deal, 75, "oppo_"),
        // 150 notes + 75 calls + 15 meetings (tasks: none seeded).
        (ObjectType::Activity, 240, "acti_"),
    ] {
        let records = pull_all(&crm, object_type, None).await.unwrap();
        assert_eq!(records.len(), count, "{object_type}");
        assert_eq!(ids(&records).len(), count, "{object_type}: no record twice");
        assert!(records.iter().all(|r| r.remote_id.starts_with(prefix)));
    }
    let people = pull_all(&crm, ObjectType::Person, None).await.unwrap();
    let someone = &people[0];
    assert!(someone.fields["last_name"].is_string() && someone.fields["company_id"].is_string());
    let activities = pull_all(&crm, ObjectType::Activity, None).await.unwrap();
    let kinds: BTreeSet<&str> = activities
        .iter()
        .map(|a| a.fields["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, BTreeSet::from(["call", "meeting", "note"]));
    let deals = pull_all(&crm, ObjectType::Deal, None).await.unwrap();
    assert!(
        deals.iter().all(|d| d.fields["amount"].is_f64()),
        "cents become an amount"
    );
}

#[tokio::test]
async fn an_incremental_pull_gets_exactly_what_changed_since() {
    let running = start(relaxed(1500)).await.unwrap();
    let crm = client(&running);
    common::assert_incremental_matches_full(&crm, 1.0 / 3.0).await;
}

#[tokio::test]
async fn deletions_come_from_the_event_log() {
    let running = start(relaxed(20)).await.unwrap();
    let crm = client(&running);
    let people = pull_all(&crm, ObjectType::Person, None).await.unwrap();
    let gone = &people[4].remote_id;
    let before = chrono::Utc::now() - chrono::Duration::seconds(1);
    let d = &running.description.close;
    let status = reqwest::Client::new()
        .delete(format!("{}/contact/{gone}/", d.base_url))
        .basic_auth(&d.api_key, Some(""))
        .send()
        .await
        .unwrap()
        .status();
    assert_eq!(status, 200);
    let deleted = crm
        .deleted_since(ObjectType::Person, before)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(deleted, vec![gone.clone()]);
}

#[tokio::test]
async fn custom_fields_pipelines_and_users_are_described() {
    let running = start(relaxed(10)).await.unwrap();
    let crm = client(&running);
    let fields = crm.fields(ObjectType::Company).await.unwrap();
    let custom = fields.iter().find(|f| f.custom).unwrap();
    assert_eq!(custom.label, "Lead source detail");
    assert!(custom.key.starts_with("custom.cf_"));
    assert_eq!(custom.options.len(), 3);
    let stages = &crm.pipelines().await.unwrap()[0].stages;
    assert!(stages.iter().any(|s| s.outcome == StageOutcome::Won));
    let owners = crm.owners().await.unwrap();
    assert!(owners.len() >= 2 && owners[0].id.starts_with("user_"));
}

#[tokio::test]
async fn oauth_refresh_tokens_rotate_and_each_new_one_is_handed_over() {
    let running = start(Config {
        token_lifetime: Duration::from_secs(1),
        ..relaxed(150)
    })
    .await
    .unwrap();
    let signed_in = oauth::sign_in(
        &reqwest::Client::new(),
        &app(&running),
        browser,
        Duration::from_secs(10),
    )
    .await
    .unwrap();
    let (keeper, saved) = common::recording_keeper(Secret::OAuth(signed_in.tokens.clone()));
    let crm = client_with(
        &running,
        Secret::OAuth(signed_in.tokens.clone()),
        Some(keeper),
    );
    crm.check().await.unwrap();
    for _ in 0..2 {
        tokio::time::sleep(Duration::from_millis(1100)).await;
        let people = pull_all(&crm, ObjectType::Person, None).await.unwrap();
        assert_eq!(people.len(), 150);
    }
    let saved = saved.lock().unwrap().clone();
    assert!(saved.len() >= 2, "a refresh per expiry");
    let refresh = |s: &Secret| match s {
        Secret::OAuth(t) => t.refresh_token.clone().unwrap(),
        _ => panic!(),
    };
    let rotated: BTreeSet<String> = saved.iter().map(refresh).collect();
    assert_eq!(
        rotated.len(),
        saved.len(),
        "every refresh brought a new refresh token"
    );
    assert!(!rotated.contains(signed_in.tokens.refresh_token.as_ref().unwrap()));
}

#[tokio::test]
async fn a_pull_under_faults_still_gets_exactly_every_record() {
    let running = start(Config {
        faults: common::heavy_faults(5),
        ..relaxed(1000)
    })
    .await
    .unwrap();
    let crm = client(&running);
    let people = pull_all(&crm, ObjectType::Person, None).await.unwrap();
    assert_eq!(ids(&people).len(), 1000);
    assert_eq!(people.len(), 1000);
}

#[tokio::test]
async fn creates_updates_upserts_and_deletes_with_a_result_per_record() {
    let running = start(relaxed(10)).await.unwrap();
    common::assert_person_writes(&client(&running), "cont_doesnotexist").await;
}

#[tokio::test]
async fn activities_are_written_to_notes_or_calls_by_kind() {
    let running = start(relaxed(10)).await.unwrap();
    let crm = client(&running);
    let lead = crm
        .create(
            ObjectType::Company,
            &[common::fields(
                serde_json::json!({"name": "Globex", "domain": "globex.example"}),
            )],
        )
        .await
        .remove(0)
        .unwrap();
    let results = crm
        .create(
            ObjectType::Activity,
            &[
                common::fields(serde_json::json!({"kind": "note", "body": "Met at the fair", "company_id": lead.remote_id})),
                common::fields(serde_json::json!({"kind": "call", "duration_s": 300, "direction": "outbound", "company_id": lead.remote_id})),
                common::fields(serde_json::json!({"kind": "note", "body": "No lead"})),
            ],
        )
        .await;
    let (note, call) = (results[0].clone().unwrap(), results[1].clone().unwrap());
    let orphan = results[2].as_ref().unwrap_err();
    assert_eq!(orphan.field.as_deref(), Some("company_id"), "{orphan:?}");
    let activities = pull_all(&crm, ObjectType::Activity, None).await.unwrap();
    let kind = |id: &str| {
        activities
            .iter()
            .find(|a| a.remote_id == id)
            .map(|a| a.fields["kind"].clone())
    };
    assert_eq!(kind(&note.remote_id), Some(serde_json::json!("note")));
    assert_eq!(kind(&call.remote_id), Some(serde_json::json!("call")));
    // By id alone, a call is found among calls after notes.
    let deleted = crm
        .delete(ObjectType::Activity, std::slice::from_ref(&call.remote_id))
        .await;
    assert!(deleted[0].is_ok(), "{deleted:?}");
    assert!(
        common::pulled(&crm, ObjectType::Activity, &call.remote_id)
            .await
            .is_none()
    );
    let company = common::pulled(&crm, ObjectType::Company, &lead.remote_id)
        .await
        .unwrap();
    assert_eq!(company.fields["domain"], "globex.example");
}

#[tokio::test]
async fn a_lead_merge_moves_its_contacts() {
    let running = start(relaxed(10)).await.unwrap();
    let crm = client(&running);
    common::assert_company_merge(
        &crm,
        common::fields(serde_json::json!({"name": "Acme", "domain": "acme.example"})),
        common::fields(serde_json::json!({"name": "Acme Inc", "description": "duplicate"})),
    )
    .await;
    let people = crm
        .merge(ObjectType::Person, "cont_a", "cont_b")
        .await
        .unwrap_err();
    assert!(people.to_string().contains("merges leads only"), "{people}");
}

#[tokio::test]
async fn a_create_is_never_sent_twice() {
    let running = start(relaxed(10)).await.unwrap();
    common::assert_creates_at_most_once(&client(&running), &running.description.admin_url, "close")
        .await;
}

#[tokio::test]
async fn custom_fields_are_pulled_under_custom_by_their_id() {
    let running = start(relaxed(30)).await.unwrap();
    let leads = pull_all(&client(&running), ObjectType::Company, None)
        .await
        .unwrap();
    let custom = leads[0].fields["custom"]
        .as_object()
        .expect("custom fields");
    let (key, value) = custom.iter().next().unwrap();
    assert!(key.starts_with("cf_"), "{key}");
    assert!(value.is_string());
}

/// Custom object instances come through Advanced Filtering; a pull resumed after its search cursor
/// expired (a crash, the app closed) starts the search again instead of failing on every attempt.
#[tokio::test]
async fn a_custom_object_pull_resumed_after_its_cursor_expired_starts_the_search_again() {
    let running = start(Config {
        close_cursor_ttl: Duration::from_millis(50),
        ..relaxed(3_000)
    })
    .await
    .unwrap();
    let crm = client(&running);
    let listed = crm.custom_objects().await.unwrap();
    assert_eq!(listed.len(), 1, "{listed:?}");
    let invoices = listed[0].object_type;
    let whole = pull_all(&crm, invoices, None).await.unwrap();
    assert_eq!(whole.len(), 300, "every seeded invoice");
    let first = crm
        .pull(&bridge_crm::PullRequest {
            object_type: invoices,
            since: None,
            cursor: None,
        })
        .await
        .unwrap();
    let cursor = first.next.expect("more than one page");
    tokio::time::sleep(Duration::from_millis(200)).await;
    let resumed = crm
        .pull(&bridge_crm::PullRequest {
            object_type: invoices,
            since: None,
            cursor: Some(cursor),
        })
        .await
        .expect("an expired cursor starts the search again");
    assert_eq!(ids(&resumed.records), ids(&first.records));
}
