//! Saved field mappings: a save with other rules is the next version, the same rules save nothing,
//! and the list shows each name's newest version.

use bridge_model::Provider;
use bridge_store::{Store, field_mappings};
use chrono::{TimeZone, Utc};
use serde_json::json;

#[test]
fn a_changed_mapping_is_saved_as_the_next_version_and_an_unchanged_one_is_not() {
    let store = Store::open_in_memory().unwrap();
    let now = Utc.with_ymd_and_hms(2026, 11, 30, 9, 0, 0).unwrap();
    let save = |name: &str, rules: serde_json::Value| {
        store
            .write(|tx| {
                field_mappings::save(
                    tx,
                    &field_mappings::NewFieldMapping {
                        name,
                        source_connection: None,
                        source_provider: Provider::Close,
                        source_object: "person",
                        target_connection: None,
                        target_provider: Provider::Hubspot,
                        target_object: "person",
                        rules: &rules,
                    },
                    now,
                )
            })
            .unwrap()
    };
    let email = json!([{"source": "email", "target": "email"}]);
    let both =
        json!([{"source": "email", "target": "email"}, {"source": "title", "target": "title"}]);
    let (first, v1) = save("Close -> HubSpot: person", email.clone());
    assert_eq!(v1, 1);
    assert_eq!(save("Close -> HubSpot: person", email.clone()), (first, 1));
    assert_eq!(save("Close -> HubSpot: person", both.clone()).1, 2);
    assert_eq!(save("Close -> HubSpot: company", email).1, 1);
    let list = store.read(field_mappings::list_current).unwrap();
    let rows: Vec<(&str, i64, i64)> = list
        .iter()
        .map(|m| (m.name.as_str(), m.version, m.rule_count))
        .collect();
    assert_eq!(
        rows,
        [
            ("Close -> HubSpot: company", 1, 1),
            ("Close -> HubSpot: person", 2, 2)
        ]
    );
}

#[test]
fn stage_and_owner_mappings_keep_versions_and_the_newest_is_the_pairs() {
    use bridge_model::{ConnectionId, NewConnection};
    use bridge_store::{connections, owner_mappings, stage_mappings};
    let store = Store::open_in_memory().unwrap();
    let now = Utc.with_ymd_and_hms(2026, 11, 30, 9, 0, 0).unwrap();
    let connect = |provider: Provider| {
        store
            .write(|tx| {
                connections::insert(
                    tx,
                    &NewConnection {
                        provider,
                        label: provider.label().into(),
                        base_url: "http://127.0.0.1:1".into(),
                        account_id: None,
                        secret_ref: None,
                    },
                    now,
                )
            })
            .unwrap()
    };
    let (close, hubspot): (ConnectionId, ConnectionId) =
        (connect(Provider::Close), connect(Provider::Hubspot));
    let won = json!([{"source_stage": "won", "target_stage": "closedwon"}]);
    let open = json!([{"source_stage": "won", "target_stage": "qualified"}]);
    let save_stages = |rules: &serde_json::Value| {
        store
            .write(|tx| {
                stage_mappings::save(tx, "Close -> HubSpot: stages", close, hubspot, rules, now)
            })
            .unwrap()
    };
    assert_eq!(save_stages(&won), 1);
    assert_eq!(save_stages(&won), 1, "the same stages save nothing");
    assert_eq!(save_stages(&open), 2);
    let latest = store
        .read(|c| stage_mappings::latest(c, close, hubspot))
        .unwrap()
        .unwrap();
    assert_eq!((latest.version, latest.rules), (2, open));
    assert!(
        store
            .read(|c| stage_mappings::latest(c, hubspot, close))
            .unwrap()
            .is_none()
    );

    let owners = json!([{"source_owner": "u1", "target_owner": "71"}]);
    let save_owners = |fallback: Option<&str>| {
        store
            .write(|tx| {
                owner_mappings::save(
                    tx,
                    "Close -> HubSpot: owners",
                    close,
                    hubspot,
                    &owners,
                    fallback,
                    now,
                )
            })
            .unwrap()
    };
    assert_eq!(save_owners(None), 1);
    assert_eq!(
        save_owners(Some("72")),
        2,
        "another fallback owner is a new version"
    );
    let listed = store.read(owner_mappings::list_current).unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].fallback_owner.as_deref(), Some("72"));
}
