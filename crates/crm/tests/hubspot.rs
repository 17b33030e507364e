//! The HubSpot client against the emulator: every operation, each login, faults, and a token expiring
//! mid-pull.

mod common;

use std::{collections::BTreeSet, sync::Arc, time::Duration};

use bridge_crm::{Crm, Endpoint, Secret, connect, oauth};
use bridge_fakecrm::{Config, Running, start};
use bridge_model::{ObjectType, Provider};
use common::{browser, ids, pull_all};

fn relaxed(records: u32) -> Config {
    Config {
        records,
        hubspot_per_10s: 100_000,
        hubspot_search_per_s: 100_000,
        ..Config::default()
    }
}

fn client(running: &Running) -> Arc<dyn Crm> {
    let d = &running.description.hubspot;
    connect(
        Endpoint {
            provider: Provider::Hubspot,
            base_url: d.base_url.clone(),
            secret: Secret::api_key(&d.token),
        },
        None,
    )
    .unwrap()
}

fn app(running: &Running) -> oauth::OAuthApp {
    let d = &running.description.hubspot;
    oauth::OAuthApp {
        provider: "HubSpot",
        authorize_url: d.authorize_url.clone(),
        token_url: d.token_url.clone(),
        client_id: d.client_id.clone(),
        client_secret: Some(d.client_secret.clone()),
        scopes: vec!["crm.objects.contacts.read".into()],
        basic_client_auth: false,
    }
}

fn expected_ids(n: u32) -> BTreeSet<String> {
    (1..=n).map(|i| i.to_string()).collect()
}

#[tokio::test]
async fn check_names_the_portal_and_the_daily_allowance() {
    let running = start(relaxed(10)).await.unwrap();
    let account = client(&running).check().await.unwrap();
    assert!(account.account_id.parse::<u64>().is_ok(), "{account:?}");
    assert!(account.account_name.contains(&account.account_id));
    assert!(account.quota.unwrap().contains("left today"));
}

#[tokio::test]
async fn a_full_pull_pages_through_every_object_with_canonical_fields() {
    let running = start(relaxed(250)).await.unwrap();
    let crm = client(&running);
    let people = pull_all(&crm, ObjectType::Person, None).await.unwrap();
    assert_eq!(ids(&people), expected_ids(250));
    let first = people.iter().find(|p| p.remote_id == "1").unwrap();
    assert!(first.fields["first_name"].is_string() && first.fields["last_name"].is_string());
    assert!(first.modified_at.is_some());
    assert_eq!(first.raw["id"], "1", "the payload is kept as received");
    for (object_type, count) in [
        (ObjectType::Company, 50),
        (ObjectType::Deal, 63),
        (ObjectType::Activity, 125),
    ] {
        let records = pull_all(&crm, object_type, None).await.unwrap();
        assert_eq!(ids(&records), expected_ids(count), "{object_type}");
    }
    let deals = pull_all(&crm, ObjectType::Deal, None).await.unwrap();
    assert!(
        deals
            .iter()
            .all(|d| d.fields["stage_id"].is_string() && d.fields["name"].is_string())
    );
}

#[tokio::test]
async fn an_incremental_pull_gets_exactly_what_changed_since_through_ties_and_pages() {
    let running = start(relaxed(3000)).await.unwrap();
    let crm = client(&running);
    common::assert_incremental_matches_full(&crm, 0.5).await;
}

#[tokio::test]
async fn archived_records_come_back_from_the_delete_feed() {
    let running = start(relaxed(20)).await.unwrap();
    let crm = client(&running);
    let before = chrono::Utc::now() - chrono::Duration::seconds(1);
    let d = &running.description.hubspot;
    for id in ["3", "7"] {
        let status = reqwest::Client::new()
            .delete(format!("{}/crm/v3/objects/contacts/{id}", d.base_url))
            .bearer_auth(&d.token)
            .send()
            .await
            .unwrap()
            .status();
        assert_eq!(status, 204);
    }
    let deleted = crm
        .deleted_since(ObjectType::Person, before)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(deleted, ["3", "7"]);
    let later = chrono::Utc::now() + chrono::Duration::seconds(5);
    assert!(
        crm.deleted_since(ObjectType::Person, later)
            .await
            .unwrap()
            .unwrap()
            .is_empty()
    );
    let people = pull_all(&crm, ObjectType::Person, None).await.unwrap();
    assert!(!ids(&people).contains("3"));
}

#[tokio::test]
async fn fields_pipelines_and_owners_are_described() {
    let running = start(relaxed(10)).await.unwrap();
    let crm = client(&running);
    let fields = crm.fields(ObjectType::Person).await.unwrap();
    let email = fields.iter().find(|f| f.key == "email").unwrap();
    assert_eq!(email.label, "Email");
    assert!(
        fields.iter().any(|f| f.custom),
        "custom properties are told apart"
    );
    let pipelines = crm.pipelines().await.unwrap();
    let stages = &pipelines[0].stages;
    assert!(stages.len() >= 4);
    assert!(
        stages
            .iter()
            .any(|s| s.outcome == bridge_crm::StageOutcome::Won)
    );
    assert!(
        stages
            .iter()
            .any(|s| s.outcome == bridge_crm::StageOutcome::Lost)
    );
    let owners = crm.owners().await.unwrap();
    assert!(
        owners
            .iter()
            .all(|o| o.email.as_deref().is_some_and(|e| e.contains('@')))
    );
    assert!(!owners[0].name.is_empty());
}

#[tokio::test]
async fn oauth_with_pkce_signs_in_through_the_loopback_redirect() {
    let running = start(relaxed(10)).await.unwrap();
    let signed_in = oauth::sign_in(
        &reqwest::Client::new(),
        &app(&running),
        browser,
        Duration::from_secs(10),
    )
    .await
    .unwrap();
    assert!(signed_in.tokens.refresh_token.is_some());
    assert!(signed_in.tokens.expires_at.is_some());
    let crm = connect(
        Endpoint {
            provider: Provider::Hubspot,
            base_url: running.description.hubspot.base_url.clone(),
            secret: Secret::OAuth(signed_in.tokens),
        },
        None,
    )
    .unwrap();
    crm.check().await.unwrap();
}

#[tokio::test]
async fn a_sign_in_nobody_finishes_times_out_with_a_clear_error() {
    let running = start(relaxed(10)).await.unwrap();
    let err = oauth::sign_in(
        &reqwest::Client::new(),
        &app(&running),
        |_url| async { Ok(()) },
        Duration::from_millis(300),
    )
    .await
    .unwrap_err();
    assert!(
        err.to_string().contains("no answer from the browser"),
        "{err}"
    );
}

#[tokio::test]
async fn a_token_expiring_mid_pull_is_refreshed_once_and_the_pull_goes_on() {
    let running = start(Config {
        token_lifetime: Duration::from_secs(1),
        ..relaxed(400)
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
    let crm = connect(
        Endpoint {
            provider: Provider::Hubspot,
            base_url: running.description.hubspot.base_url.clone(),
            secret: Secret::OAuth(signed_in.tokens.clone()),
        },
        Some(keeper),
    )
    .unwrap();
    let first = crm
        .pull(&bridge_crm::PullRequest {
            object_type: ObjectType::Person,
            since: None,
            cursor: None,
        })
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(1200)).await;
    let mut rest = Vec::new();
    let mut cursor = first.next.clone();
    while let Some(c) = cursor {
        let page = crm
            .pull(&bridge_crm::PullRequest {
                object_type: ObjectType::Person,
                since: None,
                cursor: Some(c),
            })
            .await
            .unwrap();
        rest.extend(page.records);
        cursor = page.next;
    }
    assert_eq!(first.records.len() + rest.len(), 400);
    let saved = saved.lock().unwrap().clone();
    assert_eq!(saved.len(), 1, "one refresh, handed over to be kept");
    let Secret::OAuth(fresh) = &saved[0] else {
        panic!()
    };
    assert_ne!(fresh.access_token, signed_in.tokens.access_token);

    // An API token the CRM refuses is Unauthorized, with no refresh to try.
    let bad = connect(
        Endpoint {
            provider: Provider::Hubspot,
            base_url: running.description.hubspot.base_url.clone(),
            secret: Secret::api_key("pat-na1-wrong"),
        },
        None,
    )
    .unwrap();
    let err = bad.check().await.unwrap_err();
    assert!(
        matches!(err, bridge_crm::CrmError::Unauthorized { .. }),
        "{err}"
    );
    assert!(!err.to_string().contains("pat-na1-wrong"));
}

#[tokio::test]
async fn a_pull_under_faults_still_gets_exactly_every_record() {
    let running = start(Config {
        faults: common::heavy_faults(3),
        ..relaxed(2000)
    })
    .await
    .unwrap();
    let crm = client(&running);
    let people = pull_all(&crm, ObjectType::Person, None).await.unwrap();
    assert_eq!(ids(&people), expected_ids(2000));
    assert_eq!(people.len(), 2000);
}

#[tokio::test]
async fn creates_updates_upserts_and_deletes_with_a_result_per_record() {
    let running = start(relaxed(10)).await.unwrap();
    common::assert_person_writes(&client(&running), "999999999").await;
}

#[tokio::test]
async fn refused_inputs_in_a_batch_create_do_not_stop_the_others() {
    let running = start(relaxed(10)).await.unwrap();
    let crm = client(&running);
    // HubSpot refuses a whole batch for one bad input; the client splits it until the bad ones stand alone.
    let records: Vec<_> = (0..250)
        .map(|i| {
            let email = if i % 100 == 7 {
                format!("broken-{i}")
            } else {
                format!("p{i}@batch.example")
            };
            common::fields(serde_json::json!({"last_name": format!("Batch {i}"), "email": email}))
        })
        .collect();
    let results = crm.create(ObjectType::Person, &records).await;
    assert_eq!(results.len(), 250);
    for (i, r) in results.iter().enumerate() {
        match r {
            Ok(w) => assert!(i % 100 != 7 && w.created, "{i}"),
            Err(e) => {
                assert_eq!(i % 100, 7, "{i}: {e:?}");
                assert_eq!(e.field.as_deref(), Some("email"));
                assert!(e.message.contains(&format!("broken-{i}")), "{e:?}");
            }
        }
    }
    let people = pull_all(&crm, ObjectType::Person, None).await.unwrap();
    let made: BTreeSet<&str> = results
        .iter()
        .filter_map(|r| r.as_ref().ok().map(|w| w.remote_id.as_str()))
        .collect();
    assert_eq!(made.len(), 247);
    let pulled: BTreeSet<&str> = people.iter().map(|p| p.remote_id.as_str()).collect();
    assert!(made.is_subset(&pulled));
}

#[tokio::test]
async fn a_deal_created_with_its_company_is_associated_with_it() {
    let running = start(relaxed(10)).await.unwrap();
    let crm = client(&running);
    let company = crm
        .create(
            ObjectType::Company,
            &[common::fields(serde_json::json!({"name": "Initech"}))],
        )
        .await
        .remove(0)
        .unwrap();
    let deal = crm
        .create(
            ObjectType::Deal,
            &[common::fields(
                serde_json::json!({"name": "Initech renewal", "amount": "1200",
                "company_id": company.remote_id}),
            )],
        )
        .await
        .remove(0)
        .unwrap();
    let url = format!(
        "{}/crm/v4/objects/deals/{}/associations/companies",
        running.description.hubspot.base_url, deal.remote_id
    );
    let answer: serde_json::Value = reqwest::Client::new()
        .get(url)
        .bearer_auth(&running.description.hubspot.token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        answer["results"][0]["toObjectId"].as_str(),
        Some(company.remote_id.as_str()),
        "{answer}"
    );
    // ... and a pull reads the link back as the deal's company.
    let pulled = common::pulled(&crm, ObjectType::Deal, &deal.remote_id)
        .await
        .unwrap();
    assert_eq!(pulled.fields["company_id"], company.remote_id.as_str());
    // Changing the link later goes through the v4 associations: the new company replaces the old.
    let other = crm
        .create(
            ObjectType::Company,
            &[common::fields(serde_json::json!({"name": "Other Co"}))],
        )
        .await
        .remove(0)
        .unwrap();
    crm.update(
        ObjectType::Deal,
        &[bridge_crm::Update {
            remote_id: deal.remote_id.clone(),
            fields: common::fields(serde_json::json!({"company_id": other.remote_id})),
        }],
    )
    .await
    .remove(0)
    .unwrap();
    let pulled = common::pulled(&crm, ObjectType::Deal, &deal.remote_id)
        .await
        .unwrap();
    assert_eq!(pulled.fields["company_id"], other.remote_id.as_str());
    // A company that does not exist is refused as not found, and the deal keeps its link.
    let refused = crm
        .update(
            ObjectType::Deal,
            &[bridge_crm::Update {
                remote_id: deal.remote_id,
                fields: common::fields(serde_json::json!({"company_id": "999999"})),
            }],
        )
        .await
        .remove(0)
        .unwrap_err();
    assert_eq!(
        refused.category,
        bridge_model::ErrorCategory::NotFound,
        "{refused:?}"
    );
}

#[tokio::test]
async fn a_company_merge_fills_blanks_and_moves_its_people() {
    let running = start(relaxed(10)).await.unwrap();
    let crm = client(&running);
    let merged = common::assert_company_merge(
        &crm,
        common::fields(serde_json::json!({"name": "Acme", "domain": "acme.example"})),
        common::fields(serde_json::json!({"name": "Acme Inc", "phone": "+1 555 0100"})),
    )
    .await;
    let survivor = common::pulled(&crm, ObjectType::Company, &merged.survivor_id)
        .await
        .unwrap();
    assert_eq!(survivor.fields["name"], "Acme", "the survivor's values win");
    assert_eq!(
        survivor.fields["phone"], "+1 555 0100",
        "its blanks are filled"
    );
    let notes = crm.merge(ObjectType::Activity, "1", "2").await.unwrap_err();
    assert!(
        notes.to_string().contains("does not merge activities"),
        "{notes}"
    );
}

#[tokio::test]
async fn a_create_is_never_sent_twice() {
    let running = start(relaxed(10)).await.unwrap();
    common::assert_creates_at_most_once(
        &client(&running),
        &running.description.admin_url,
        "hubspot",
    )
    .await;
}

#[tokio::test]
async fn custom_properties_are_written_and_pulled_under_custom() {
    let running = start(relaxed(10)).await.unwrap();
    let crm = client(&running);
    let made = crm
        .create(
            ObjectType::Company,
            &[common::fields(
                serde_json::json!({"name": "Vandelay Industries",
                "custom": {"lead_source_detail": "trade_show"}}),
            )],
        )
        .await
        .remove(0)
        .unwrap();
    let full = common::pulled(&crm, ObjectType::Company, &made.remote_id)
        .await
        .unwrap();
    assert_eq!(full.fields["custom"]["lead_source_detail"], "trade_show");
    let since = full.modified_at.unwrap();
    let changed = pull_all(&crm, ObjectType::Company, Some(since))
        .await
        .unwrap();
    let found = changed
        .iter()
        .find(|r| r.remote_id == made.remote_id)
        .unwrap();
    assert_eq!(
        found.fields["custom"]["lead_source_detail"], "trade_show",
        "search reads it too"
    );
}

#[tokio::test]
async fn deals_and_notes_carry_their_links_full_and_incremental() {
    let running = start(relaxed(40)).await.unwrap();
    let crm = client(&running);
    let companies = ids(&pull_all(&crm, ObjectType::Company, None).await.unwrap());
    let people = ids(&pull_all(&crm, ObjectType::Person, None).await.unwrap());
    for since in [None, Some(chrono::DateTime::UNIX_EPOCH)] {
        let deals = pull_all(&crm, ObjectType::Deal, since).await.unwrap();
        assert!(!deals.is_empty());
        for deal in &deals {
            let company = deal.fields["company_id"]
                .as_str()
                .expect("every seeded deal has a company");
            assert!(companies.contains(company), "{company}");
            if let Some(person) = deal.fields.get("person_id").and_then(|v| v.as_str()) {
                assert!(people.contains(person), "{person}");
            }
        }
        let notes = pull_all(&crm, ObjectType::Activity, since).await.unwrap();
        let linked = notes
            .iter()
            .filter(|n| n.fields.contains_key("person_id"))
            .count();
        assert!(
            linked * 2 > notes.len(),
            "most notes are about a person: {linked} of {}",
            notes.len()
        );
    }
}
