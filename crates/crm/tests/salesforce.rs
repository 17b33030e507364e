//! The Salesforce client against the emulator: every operation, the session id, OAuth with PKCE, the
//! JWT bearer grant, the daily quota, faults.

mod common;

use std::{sync::Arc, time::Duration};

use bridge_crm::{Crm, CrmError, Endpoint, Secret, StageOutcome, connect, oauth};
use bridge_fakecrm::{Config, Running, start};
use bridge_model::{ObjectType, Provider};
use common::{browser, ids, pull_all};

fn client_with(running: &Running, secret: Secret) -> Arc<dyn Crm> {
    connect(
        Endpoint {
            provider: Provider::Salesforce,
            base_url: running.description.salesforce.instance_url.clone(),
            secret,
        },
        None,
    )
    .unwrap()
}

fn client(running: &Running) -> Arc<dyn Crm> {
    client_with(
        running,
        Secret::api_key(&running.description.salesforce.access_token),
    )
}

fn config(records: u32) -> Config {
    Config {
        records,
        ..Config::default()
    }
}

fn jwt(running: &Running) -> Secret {
    let d = &running.description.salesforce;
    Secret::JwtBearer {
        client_id: d.client_id.clone(),
        username: d.username.clone(),
        private_key_pem: std::fs::read_to_string(&d.jwt_private_key_path).unwrap(),
        login_url: d.base_url.clone(),
    }
}

#[tokio::test]
async fn check_names_the_org_and_the_quota() {
    let running = start(config(10)).await.unwrap();
    let account = client(&running).check().await.unwrap();
    assert!(account.account_id.starts_with("00D"), "{account:?}");
    assert!(account.quota.unwrap().contains("left today"));
    // A JWT login names the org too, from the session it mints.
    let by_jwt = client_with(&running, jwt(&running)).check().await.unwrap();
    assert_eq!(by_jwt.account_id, account.account_id);
    let wrong = client_with(&running, Secret::api_key("00Dwrong!nope"));
    let err = wrong.check().await.unwrap_err();
    assert!(matches!(err, CrmError::Unauthorized { .. }), "{err}");
    assert!(err.to_string().contains("INVALID_SESSION_ID"), "{err}");
}

#[tokio::test]
async fn a_full_pull_follows_next_records_url_for_every_sobject() {
    let running = start(config(4500)).await.unwrap();
    let crm = client(&running);
    for (object_type, count, prefix) in [
        (ObjectType::Company, 900, "001"),
        (ObjectType::Person, 4500, "003"),
        (ObjectType::Lead, 450, "00Q"),
        (ObjectType::Deal, 1125, "006"),
        (ObjectType::Activity, 2250, "00T"),
    ] {
        let records = pull_all(&crm, object_type, None).await.unwrap();
        assert_eq!(records.len(), count, "{object_type}");
        assert_eq!(ids(&records).len(), count, "{object_type}: no record twice");
        assert!(
            records
                .iter()
                .all(|r| r.remote_id.starts_with(prefix) && r.remote_id.len() == 18)
        );
    }
    let leads = pull_all(&crm, ObjectType::Lead, None).await.unwrap();
    assert!(
        leads
            .iter()
            .all(|l| l.fields["company"].is_string() && l.fields["status"].is_string())
    );
    let companies = pull_all(&crm, ObjectType::Company, None).await.unwrap();
    assert!(
        !companies[0].fields["domain"]
            .as_str()
            .unwrap()
            .contains("://")
    );
}

#[tokio::test]
async fn an_incremental_pull_gets_exactly_what_changed_since() {
    let running = start(config(3000)).await.unwrap();
    let crm = client(&running);
    common::assert_incremental_matches_full(&crm, 1.0 / 3.0).await;
}

#[tokio::test]
async fn deletions_come_from_the_deleted_feed() {
    let running = start(config(20)).await.unwrap();
    let crm = client(&running);
    let people = pull_all(&crm, ObjectType::Person, None).await.unwrap();
    let gone = people[2].remote_id.clone();
    let before = chrono::Utc::now() - chrono::Duration::seconds(2);
    let d = &running.description.salesforce;
    let status = reqwest::Client::new()
        .delete(format!(
            "{}/services/data/v60.0/sobjects/Contact/{gone}",
            d.instance_url
        ))
        .bearer_auth(&d.access_token)
        .send()
        .await
        .unwrap()
        .status();
    assert_eq!(status, 204);
    let deleted = crm
        .deleted_since(ObjectType::Person, before)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(deleted, [gone]);
}

#[tokio::test]
async fn describe_stages_and_users() {
    let running = start(config(10)).await.unwrap();
    let crm = client(&running);
    let fields = crm.fields(ObjectType::Lead).await.unwrap();
    let company = fields.iter().find(|f| f.key == "Company").unwrap();
    assert!(company.required);
    let status = fields.iter().find(|f| f.key == "Status").unwrap();
    assert!(status.options.contains(&"Open - Not Contacted".to_owned()));
    let account_fields = crm.fields(ObjectType::Company).await.unwrap();
    assert!(
        account_fields
            .iter()
            .any(|f| f.custom && f.key.ends_with("__c"))
    );
    let stages = &crm.pipelines().await.unwrap()[0].stages;
    let won = stages
        .iter()
        .find(|s| s.outcome == StageOutcome::Won)
        .unwrap();
    assert_eq!(won.probability, Some(100.0));
    assert!(stages.windows(2).all(|w| w[0].order <= w[1].order));
    let owners = crm.owners().await.unwrap();
    assert!(owners.iter().all(|o| o.id.starts_with("005")));
}

#[tokio::test]
async fn the_jwt_bearer_grant_mints_a_session_and_mints_again_when_it_expires() {
    let running = start(Config {
        token_lifetime: Duration::from_secs(1),
        ..config(2500)
    })
    .await
    .unwrap();
    let crm = client_with(&running, jwt(&running));
    let account = crm.check().await.unwrap();
    assert_eq!(
        account.user_email.as_deref(),
        Some(running.description.salesforce.username.as_str())
    );
    let first = crm
        .pull(&bridge_crm::PullRequest {
            object_type: ObjectType::Person,
            since: None,
            cursor: None,
        })
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let page = crm
        .pull(&bridge_crm::PullRequest {
            object_type: ObjectType::Person,
            since: None,
            cursor: first.next,
        })
        .await
        .unwrap();
    assert!(!page.records.is_empty());
    assert!(
        matches!(crm.secret().await, Secret::JwtBearer { .. }),
        "the key stays the secret"
    );

    // A key that is not the connected app's is refused with Salesforce's reason.
    let mut other = jwt(&running);
    if let Secret::JwtBearer { username, .. } = &mut other {
        *username = "someone.else@example.com".into();
    }
    let err = client_with(&running, other).check().await.unwrap_err();
    assert!(matches!(err, CrmError::Unauthorized { .. }), "{err}");
}

#[tokio::test]
async fn oauth_web_server_flow_with_pkce() {
    let running = start(config(10)).await.unwrap();
    let d = &running.description.salesforce;
    let app = oauth::OAuthApp {
        provider: "Salesforce",
        authorize_url: d.authorize_url.clone(),
        token_url: d.token_url.clone(),
        client_id: d.client_id.clone(),
        client_secret: Some(d.client_secret.clone()),
        scopes: vec!["api".into(), "refresh_token".into()],
        basic_client_auth: false,
    };
    let signed_in = oauth::sign_in(
        &reqwest::Client::new(),
        &app,
        browser,
        Duration::from_secs(10),
    )
    .await
    .unwrap();
    let instance = signed_in
        .extra
        .instance_url
        .clone()
        .expect("Salesforce names the instance");
    assert_eq!(instance, d.instance_url);
    let crm = connect(
        Endpoint {
            provider: Provider::Salesforce,
            base_url: instance,
            secret: Secret::OAuth(signed_in.tokens),
        },
        None,
    )
    .unwrap();
    crm.check().await.unwrap();
}

#[tokio::test]
async fn a_spent_daily_quota_stops_the_pull_with_a_clear_error() {
    let running = start(Config {
        salesforce_daily: 2,
        ..config(5000)
    })
    .await
    .unwrap();
    // Three pages of 2,000 need three requests; the org allows two a day.
    let Err(err) = pull_all(&client(&running), ObjectType::Person, None).await else {
        panic!("the pull went past the daily quota");
    };
    assert!(matches!(err, CrmError::QuotaExhausted { .. }), "{err}");
    assert!(err.to_string().contains("daily API allowance"), "{err}");
}

#[tokio::test]
async fn a_pull_under_faults_still_gets_exactly_every_record() {
    let running = start(Config {
        faults: common::heavy_faults(11),
        ..config(6000)
    })
    .await
    .unwrap();
    let people = pull_all(&client(&running), ObjectType::Person, None)
        .await
        .unwrap();
    assert_eq!(ids(&people).len(), 6000);
    assert_eq!(people.len(), 6000);
}

#[tokio::test]
async fn creates_updates_upserts_and_deletes_with_a_result_per_record() {
    let running = start(config(10)).await.unwrap();
    common::assert_person_writes(&client(&running), "003000000009999AAA").await;
}

#[tokio::test]
async fn a_merge_fills_blanks_moves_children_and_deletes_the_other_account() {
    let running = start(config(10)).await.unwrap();
    let crm = client(&running);
    let merged = common::assert_company_merge(
        &crm,
        common::fields(serde_json::json!({"name": "Acme", "domain": "acme.example"})),
        common::fields(serde_json::json!({"name": "Acme Inc", "phone": "+1 555 0100"})),
    )
    .await;
    assert_eq!(merged.moved.len(), 1, "the contact was moved: {merged:?}");
    let survivor = common::pulled(&crm, ObjectType::Company, &merged.survivor_id)
        .await
        .unwrap();
    assert_eq!(survivor.fields["name"], "Acme");
    assert_eq!(survivor.fields["phone"], "+1 555 0100");
    let deals = crm.merge(ObjectType::Deal, "006", "006").await.unwrap_err();
    assert!(
        deals
            .to_string()
            .contains("merges accounts, contacts and leads"),
        "{deals}"
    );
}

#[tokio::test]
async fn a_create_is_never_sent_twice() {
    let running = start(config(10)).await.unwrap();
    common::assert_creates_at_most_once(
        &client(&running),
        &running.description.admin_url,
        "salesforce",
    )
    .await;
}

#[tokio::test]
async fn custom_fields_are_pulled_under_custom() {
    let running = start(config(30)).await.unwrap();
    let accounts = pull_all(&client(&running), ObjectType::Company, None)
        .await
        .unwrap();
    let with_custom = accounts
        .iter()
        .filter(|a| a.fields["custom"]["Lead_Source_Detail__c"].is_string())
        .count();
    assert_eq!(
        with_custom,
        accounts.len(),
        "every account has its custom picklist"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_upsert_of_long_non_ascii_keys_stays_within_the_uri_limit() {
    // Each e-mail encodes to ~380 bytes: 100 in one lookup would be a 38 KB URI, which Salesforce
    // refuses with 414. Every record must still be written.
    let running = start(config(20)).await.unwrap();
    let crm = client(&running);
    let records: Vec<_> = (0..100)
        .map(|i| {
            common::fields(serde_json::json!({
                "last_name": format!("Élodie {i}"),
                "email": format!("{}{i}@exemple-accentué.example", "é".repeat(60)),
            }))
        })
        .collect();
    let results = crm.upsert(ObjectType::Person, "email", &records).await;
    let failed: Vec<_> = results.iter().filter(|r| r.is_err()).collect();
    assert!(
        failed.is_empty(),
        "{} failed: {:?}",
        failed.len(),
        failed.first()
    );
    assert_eq!(results.len(), 100);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_crafted_next_records_url_never_carries_the_session_elsewhere() {
    // A cursor is a `nextRecordsUrl` kept from an answer: one pointing at another host is refused
    // before any request, so the session never leaves the instance.
    let running = start(config(20)).await.unwrap();
    let crm = client(&running);
    for hostile in [
        "@evil.example/services/data/v60.0/query/01g-2000",
        "//evil.example/services/data/v60.0/query/01g-2000",
        "/services/data/../../../evil",
        "https://evil.example/services/data/v60.0/query/01g-2000",
    ] {
        let request = bridge_crm::PullRequest {
            object_type: ObjectType::Person,
            since: None,
            cursor: Some(serde_json::json!({ "next": hostile }).to_string()),
        };
        let e = crm.pull(&request).await.unwrap_err();
        assert!(
            matches!(e, CrmError::Malformed { .. } | CrmError::Config(_)),
            "{hostile}: {e:?}"
        );
    }
}

/// A whole pull of more than 10,000 records goes through Bulk API 2.0 (a query job, CSV pages) and
/// reads exactly what REST's pages read, each value in its type; an incremental pull stays on REST.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_whole_pull_of_many_records_goes_through_bulk_api_2_and_reads_what_rest_reads() {
    let running = start(config(12_000)).await.unwrap();
    let crm = client(&running);
    let admin = &running.description.admin_url;
    reqwest::Client::new()
        .delete(format!("{admin}/requests"))
        .send()
        .await
        .unwrap();
    let bulk = pull_all(&crm, ObjectType::Person, None).await.unwrap();
    let paths = common::logged_paths(admin).await;
    assert!(bulk.len() > 10_000, "{}", bulk.len());
    assert!(
        paths.iter().any(|p| p.ends_with("/jobs/query")),
        "{paths:?}"
    );
    let pages = paths.iter().filter(|p| p.ends_with("/results")).count();
    assert_eq!(pages, bulk.len().div_ceil(50_000));
    assert!(
        !paths
            .iter()
            .any(|p| p.contains("/query/") && !p.contains("/jobs/")),
        "no REST pages"
    );

    // Since a moment: REST, ordered, as ever.
    let long_ago = chrono::DateTime::parse_from_rfc3339("2000-01-01T00:00:00Z")
        .unwrap()
        .with_timezone(&chrono::Utc);
    let rest = pull_all(&crm, ObjectType::Person, Some(long_ago))
        .await
        .unwrap();
    assert_eq!(ids(&bulk), ids(&rest));
    let by_id: std::collections::HashMap<&str, &bridge_crm::Pulled> =
        rest.iter().map(|r| (r.remote_id.as_str(), r)).collect();
    for r in &bulk {
        let other = by_id[r.remote_id.as_str()];
        assert_eq!(r.fields, other.fields, "{}", r.remote_id);
        assert_eq!(r.modified_at, other.modified_at, "{}", r.remote_id);
    }
    // Booleans and numbers keep their types (a lead's converted flag).
    let leads = pull_all(&crm, ObjectType::Lead, None).await.unwrap();
    assert!(leads.iter().all(|l| l.fields["converted"].is_boolean()));
}

/// A write of more records than a collection request takes goes through a Bulk API 2.0 ingest job:
/// every record gets its own outcome in the order given (Salesforce answers in no set order), a
/// refused one with Salesforce's code and the field; two identical records get two ids.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_write_of_many_records_goes_through_an_ingest_job_and_each_keeps_its_outcome() {
    let running = start(config(10)).await.unwrap();
    let crm = client(&running);
    let admin = &running.description.admin_url;
    let people: Vec<bridge_model::Fields> = (0..500)
        .map(|i| {
            let email = match i {
                7 | 300 => "not an e-mail".to_owned(),
                // Two identical records.
                10 | 11 => "twin@bulk.example".to_owned(),
                _ => format!("p{i}@bulk.example"),
            };
            serde_json::json!({"first_name": "Bulk", "last_name": format!("P{i}"), "email": email})
                .as_object()
                .unwrap()
                .clone()
        })
        .map(|mut f| {
            if f["email"] == "twin@bulk.example" {
                f.insert("last_name".into(), "Twin".into());
            }
            f
        })
        .collect();
    let results = crm.create(ObjectType::Person, &people).await;
    assert_eq!(results.len(), 500);
    let paths = common::logged_paths(admin).await;
    assert!(
        paths.iter().any(|p| p.ends_with("/jobs/ingest")),
        "{paths:?}"
    );
    assert!(!paths.iter().any(|p| p.ends_with("/composite/sobjects")));
    for (i, r) in results.iter().enumerate() {
        match i {
            7 | 300 => {
                let e = r.as_ref().unwrap_err();
                assert!(e.message.contains("INVALID_EMAIL_ADDRESS"), "{e:?}");
                assert_eq!(e.field.as_deref(), Some("email"));
            }
            _ => assert!(r.as_ref().unwrap().created, "{i}: {r:?}"),
        }
    }
    let id = |i: usize| results[i].as_ref().unwrap().remote_id.clone();
    assert_ne!(id(10), id(11), "two identical records are two records");
    // Each id is the record given at its place.
    let pulled = pull_all(&crm, ObjectType::Person, None).await.unwrap();
    let by_id: std::collections::HashMap<&str, &bridge_crm::Pulled> =
        pulled.iter().map(|r| (r.remote_id.as_str(), r)).collect();
    for i in [0, 1, 250, 499] {
        assert_eq!(
            by_id[id(i).as_str()].fields["email"],
            people[i]["email"],
            "{i}"
        );
    }

    // An update of many: by id, a blank sent as a blank; a record gone is refused alone.
    let mut updates: Vec<bridge_crm::Update> = (0..300)
        .filter(|i| *i != 7)
        .map(|i| bridge_crm::Update {
            remote_id: id(i),
            fields: serde_json::json!({"title": format!("T{i}"), "phone": null})
                .as_object()
                .unwrap()
                .clone(),
        })
        .collect();
    updates.push(bridge_crm::Update {
        remote_id: "0035e0000009999AAA".into(),
        fields: serde_json::json!({"title": "gone"})
            .as_object()
            .unwrap()
            .clone(),
    });
    let updated = crm.update(ObjectType::Person, &updates).await;
    assert!(
        updated[..299]
            .iter()
            .all(|r| r.as_ref().is_ok_and(|w| !w.created))
    );
    assert!(updated[299].is_err(), "{:?}", updated[299]);
    let pulled = pull_all(&crm, ObjectType::Person, None).await.unwrap();
    let title = |i: usize| {
        pulled
            .iter()
            .find(|r| r.remote_id == id(i))
            .unwrap()
            .fields
            .get("title")
            .cloned()
    };
    assert_eq!(title(250), Some(serde_json::json!("T250")));
    assert_eq!(title(0), Some(serde_json::json!("T0")));
}
