//! Helpers shared by the client tests: drive a whole pass, and play the browser in OAuth sign-ins.
#![allow(dead_code)]

use std::{
    collections::BTreeSet,
    sync::{Arc, Mutex},
};

use bridge_crm::{Crm, CrmError, PullRequest, Pulled, Secret, SecretKeeper};
use bridge_model::ObjectType;
use chrono::{DateTime, Utc};

/// Every page of one pass.
pub async fn pull_all(
    crm: &Arc<dyn Crm>,
    object_type: ObjectType,
    since: Option<DateTime<Utc>>,
) -> Result<Vec<Pulled>, CrmError> {
    let mut out = Vec::new();
    let mut cursor = None;
    loop {
        let page = crm
            .pull(&PullRequest {
                object_type,
                since,
                cursor: cursor.clone(),
            })
            .await?;
        out.extend(page.records);
        match page.next {
            Some(next) => cursor = Some(next),
            None => return Ok(out),
        }
    }
}

pub fn ids(records: &[Pulled]) -> BTreeSet<String> {
    records.iter().map(|r| r.remote_id.clone()).collect()
}

/// Plays the system browser: opens the authorize URL (which approves at once) and follows its
/// redirect to our loopback listener.
pub async fn browser(url: String) -> Result<(), CrmError> {
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let answer = client
        .get(&url)
        .send()
        .await
        .expect("authorize page answers");
    let location = answer
        .headers()
        .get("location")
        .unwrap_or_else(|| panic!("authorize redirects ({})", answer.status()))
        .to_str()
        .unwrap()
        .to_owned();
    let page = client
        .get(&location)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("return to CRM Bridge"), "{page}");
    Ok(())
}

/// Pulls people changed since the time at `share` of the way through their modified times, and checks it
/// is exactly the records a full pull shows as modified at or after it, none twice, oldest first.
/// Returns the `since` used.
pub async fn assert_incremental_matches_full(crm: &Arc<dyn Crm>, share: f64) -> DateTime<Utc> {
    let all = pull_all(crm, ObjectType::Person, None).await.unwrap();
    let mut times: Vec<_> = all.iter().filter_map(|r| r.modified_at).collect();
    times.sort();
    let since = times[(times.len() as f64 * share) as usize];
    let want: BTreeSet<String> = all
        .iter()
        .filter(|r| r.modified_at.is_some_and(|t| t >= since))
        .map(|r| r.remote_id.clone())
        .collect();
    let changed = pull_all(crm, ObjectType::Person, Some(since))
        .await
        .unwrap();
    assert_eq!(ids(&changed), want);
    assert_eq!(changed.len(), want.len(), "no record twice");
    assert!(
        changed
            .windows(2)
            .all(|w| w[0].modified_at <= w[1].modified_at)
    );
    since
}

/// The fault mix the client tests pull under: 10 % 5xx, 5 % 429, 5 % drops, 5 % malformed bodies.
pub fn heavy_faults(seed: u64) -> bridge_fakecrm::Faults {
    bridge_fakecrm::Faults {
        error_rate: 0.1,
        rate_limit_rate: 0.05,
        drop_rate: 0.05,
        malformed_rate: 0.05,
        seed,
        ..bridge_fakecrm::Faults::default()
    }
}

pub fn fields(value: serde_json::Value) -> bridge_model::Fields {
    value.as_object().cloned().expect("an object")
}

fn text<'a>(record: &'a Pulled, key: &str) -> Option<&'a str> {
    record.fields.get(key).and_then(|v| v.as_str())
}

/// The pulled record with this id, from a full pass.
pub async fn pulled(crm: &Arc<dyn Crm>, object_type: ObjectType, id: &str) -> Option<Pulled> {
    pull_all(crm, object_type, None)
        .await
        .unwrap()
        .into_iter()
        .find(|r| r.remote_id == id)
}

fn written(result: &bridge_crm::WriteResult) -> &bridge_crm::Written {
    result
        .as_ref()
        .unwrap_or_else(|e| panic!("written, not refused: {e:?}"))
}

/// Creates people (one with an invalid e-mail), updates one (and an id that does not exist), upserts
/// by e-mail, deletes one; checks every per-record result and what a
/// pull shows afterwards. `missing_id` is an id of this CRM's shape that no record has.
pub async fn assert_person_writes(crm: &Arc<dyn Crm>, missing_id: &str) {
    use bridge_crm::Update;
    use bridge_model::ErrorCategory;
    use serde_json::json;

    let results = crm
        .create(
            ObjectType::Person,
            &[
                fields(json!({"first_name": "Ada", "last_name": "Lovelace",
                    "email": "ada@engines.example", "title": "Analyst"})),
                fields(
                    json!({"first_name": "Bad", "last_name": "Address", "email": "not-an-email"}),
                ),
                fields(json!({"first_name": "Grace", "last_name": "Hopper",
                    "email": "grace@navy.example"})),
            ],
        )
        .await;
    assert_eq!(results.len(), 3);
    let ada = written(&results[0]).clone();
    let grace = written(&results[2]).clone();
    assert!(ada.created && grace.created && ada.remote_id != grace.remote_id);
    let refused = results[1].as_ref().unwrap_err();
    assert_eq!(refused.category, ErrorCategory::Validation, "{refused:?}");
    assert_eq!(refused.field.as_deref(), Some("email"), "{refused:?}");
    assert!(refused.message.contains("not-an-email"), "{refused:?}");

    let people = pull_all(crm, ObjectType::Person, None).await.unwrap();
    let found = people
        .iter()
        .find(|r| r.remote_id == ada.remote_id)
        .unwrap();
    assert_eq!(text(found, "email"), Some("ada@engines.example"));
    assert_eq!(text(found, "last_name"), Some("Lovelace"));
    assert_eq!(text(found, "title"), Some("Analyst"));
    assert!(
        !people
            .iter()
            .any(|r| text(r, "email") == Some("not-an-email"))
    );

    let results = crm
        .update(
            ObjectType::Person,
            &[
                Update {
                    remote_id: ada.remote_id.clone(),
                    fields: fields(json!({"title": "Lead Analyst"})),
                },
                Update {
                    remote_id: missing_id.into(),
                    fields: fields(json!({"title": "Nobody"})),
                },
                Update {
                    remote_id: ada.remote_id.clone(),
                    fields: fields(json!({"shoe_size": 9})),
                },
            ],
        )
        .await;
    assert_eq!(written(&results[0]).remote_id, ada.remote_id);
    let missing = results[1].as_ref().unwrap_err();
    assert_eq!(missing.category, ErrorCategory::NotFound, "{missing:?}");
    let unknown = results[2].as_ref().unwrap_err();
    assert_eq!(unknown.field.as_deref(), Some("shoe_size"), "{unknown:?}");
    let found = pulled(crm, ObjectType::Person, &ada.remote_id)
        .await
        .unwrap();
    assert_eq!(text(&found, "title"), Some("Lead Analyst"));

    let results = crm
        .upsert(
            ObjectType::Person,
            "email",
            &[
                fields(json!({"email": "ada@engines.example", "title": "Chief Analyst"})),
                fields(json!({"first_name": "Katherine", "last_name": "Johnson",
                    "email": "katherine@nasa.example"})),
            ],
        )
        .await;
    let (existing, new) = (written(&results[0]), written(&results[1]));
    assert_eq!(
        (existing.remote_id.as_str(), existing.created),
        (ada.remote_id.as_str(), false)
    );
    assert!(new.created);
    let people = pull_all(crm, ObjectType::Person, None).await.unwrap();
    let by_id = |id: &str| people.iter().find(|r| r.remote_id == id).unwrap();
    assert_eq!(text(by_id(&ada.remote_id), "title"), Some("Chief Analyst"));
    assert_eq!(
        text(by_id(&new.remote_id), "email"),
        Some("katherine@nasa.example")
    );
    let adas = people
        .iter()
        .filter(|r| text(r, "email") == Some("ada@engines.example"));
    assert_eq!(adas.count(), 1, "an upsert never makes a second Ada");

    let results = crm
        .delete(ObjectType::Person, std::slice::from_ref(&grace.remote_id))
        .await;
    assert_eq!(written(&results[0]).remote_id, grace.remote_id);
    assert!(
        pulled(crm, ObjectType::Person, &grace.remote_id)
            .await
            .is_none()
    );
}

/// Merges company B into company A: A remains, B is gone, and B's person now belongs to A.
/// Returns the merge outcome for provider-specific checks.
pub async fn assert_company_merge(
    crm: &Arc<dyn Crm>,
    a: bridge_model::Fields,
    b: bridge_model::Fields,
) -> bridge_crm::Merged {
    use serde_json::json;

    let created = crm.create(ObjectType::Company, &[a, b]).await;
    let (a, b) = (
        written(&created[0]).remote_id.clone(),
        written(&created[1]).remote_id.clone(),
    );
    let person = crm
        .create(
            ObjectType::Person,
            &[fields(json!({"first_name": "Mary", "last_name": "Jackson",
                "email": "mary@b.example", "company_id": b}))],
        )
        .await;
    let person = written(&person[0]).remote_id.clone();
    let merged = crm.merge(ObjectType::Company, &a, &b).await.unwrap();
    assert_eq!(
        (merged.survivor_id.as_str(), merged.merged_id.as_str()),
        (a.as_str(), b.as_str())
    );
    assert!(
        pulled(crm, ObjectType::Company, &b).await.is_none(),
        "the merged company is gone"
    );
    assert!(pulled(crm, ObjectType::Company, &a).await.is_some());
    let mary = pulled(crm, ObjectType::Person, &person).await.unwrap();
    assert_eq!(
        mary.fields.get("company_id").and_then(|v| v.as_str()),
        Some(a.as_str()),
        "the merged company's person moved to the survivor"
    );
    merged
}

/// Creates 40 people one call at a time under heavy faults, lost answers among them (the CRM made
/// the record, the answer never came). A create is never repeated blindly: each person exists at most
/// once; each reported created exists under the id given; each refused was reported as transient
/// (some of those do exist: the write whose answer was lost, which the caller must match, not resend).
pub async fn assert_creates_at_most_once(crm: &Arc<dyn Crm>, admin: &str, provider: &str) {
    use serde_json::json;

    let faults = reqwest::Client::new();
    let set = |spec: &'static str| {
        faults
            .put(format!("{admin}/faults?provider={provider}"))
            .body(spec)
            .send()
    };
    set("error_rate=0.1,rate_limit_rate=0.1,drop_rate=0.1,malformed_rate=0.05,lost_answer_rate=0.15,seed=5")
        .await
        .unwrap()
        .error_for_status()
        .unwrap();
    let mut outcomes = Vec::new();
    for i in 0..40 {
        let email = format!("w{i}@faults.example");
        let record = fields(
            json!({"first_name": "Fault", "last_name": format!("Test {i}"), "email": email}),
        );
        let result = crm.create(ObjectType::Person, &[record]).await.remove(0);
        outcomes.push((email, result));
    }
    set("").await.unwrap().error_for_status().unwrap();
    let people = pull_all(crm, ObjectType::Person, None).await.unwrap();
    let (mut made, mut lost) = (0, 0);
    for (email, result) in &outcomes {
        let copies: Vec<&Pulled> = people
            .iter()
            .filter(|r| text(r, "email") == Some(email))
            .collect();
        assert!(copies.len() <= 1, "{email} exists {} times", copies.len());
        match result {
            Ok(w) => {
                made += 1;
                assert_eq!(
                    copies.first().map(|c| c.remote_id.as_str()),
                    Some(w.remote_id.as_str())
                );
            }
            Err(e) => {
                assert!(e.category.is_transient(), "{email}: {e:?}");
                lost += copies.len();
            }
        }
    }
    assert!(made > 15, "made {made}");
    assert!(lost > 0, "some answers were lost after the record was made");
}

/// A keeper that holds the secret in memory, starting at `first`; answers every secret it saved.
pub fn recording_keeper(first: Secret) -> (SecretKeeper, Arc<Mutex<Vec<Secret>>>) {
    let saved: Arc<Mutex<Vec<Secret>>> = Arc::default();
    let (sink, source) = (saved.clone(), saved.clone());
    let keeper = SecretKeeper {
        refreshing: Arc::default(),
        load: Arc::new(move || {
            Ok(source
                .lock()
                .unwrap()
                .last()
                .cloned()
                .unwrap_or(first.clone()))
        }),
        save: Arc::new(move |s: &Secret| {
            sink.lock().unwrap().push(s.clone());
            Ok(())
        }),
    };
    (keeper, saved)
}

/// The paths of the requests the emulator logged since it was last cleared, oldest first.
pub async fn logged_paths(admin: &str) -> Vec<String> {
    let log: serde_json::Value = reqwest::get(format!("{admin}/requests"))
        .await
        .expect("the emulator's admin endpoint answers")
        .json()
        .await
        .expect("the request log is JSON");
    log["requests"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|r| r["path"].as_str().map(str::to_owned))
        .collect()
}
