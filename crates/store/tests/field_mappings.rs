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
