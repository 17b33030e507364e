//! A person chooses which custom fields the mirror holds: the values of the others leave the
//! mirror at once, HubSpot is asked for the chosen properties only, Close's (which sends every
//! field) are kept as chosen, and a field a saved mapping needs stays mirrored whatever the
//! choice. Real emulator over HTTP, real SQLite file, real keyring.

mod two_crms;

use bridge_engine::{Cancel, PullOptions};
use bridge_model::{ConnectionId, FieldMapping, MappedField, ObjectType, Provider, Transform};
use bridge_store::records;
use two_crms::setup;

/// The custom keys the mirror holds on any record of a connection's type.
fn held(engine: &bridge_engine::Engine, c: ConnectionId, t: ObjectType) -> Vec<String> {
    let mut keys: Vec<String> = engine
        .store()
        .read(|conn| records::sync_view(conn, c, t))
        .unwrap()
        .into_iter()
        .filter_map(|r| r.fields.get("custom")?.as_object().cloned())
        .flat_map(|m| m.into_iter().map(|(k, _)| k))
        .collect();
    keys.sort();
    keys.dedup();
    keys
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_mirror_holds_the_custom_fields_a_person_chose_and_those_a_mapping_needs() {
    let Some((ws, running, close, hubspot)) =
        setup("chosen-fields", Provider::Close, Provider::Hubspot).await
    else {
        return;
    };
    let engine = &ws.engine;
    let admin = &running.description.admin_url;
    let pull = |c: ConnectionId| {
        // HubSpot's contacts, Close's leads (where its custom values are).
        let t = if c == close.id {
            ObjectType::Company
        } else {
            ObjectType::Person
        };
        let full = PullOptions {
            object_types: vec![t],
            full: true,
        };
        async move {
            engine
                .pull(c, &full, &|_| {}, &Cancel::default())
                .await
                .unwrap();
        }
    };
    // A few HubSpot contacts with both custom properties filled, as a portal's are.
    let hs = bridge_tests::emulator::client(&running.description, Provider::Hubspot);
    let updates: Vec<bridge_crm::Update> = two_crms::first_page(hs.as_ref(), ObjectType::Person)
        .await
        .into_iter()
        .take(3)
        .map(|r| bridge_crm::Update {
            remote_id: r.remote_id,
            fields: two_crms::fields(serde_json::json!({"custom": {
                "lead_source_detail": "webinar", "salesforce_id": "0035e0000000001AAA"}})),
        })
        .collect();
    for r in hs.update(ObjectType::Person, &updates).await {
        r.unwrap();
    }
    pull(hubspot.id).await;
    pull(close.id).await;
    assert!(
        held(engine, hubspot.id, ObjectType::Person).contains(&"lead_source_detail".to_owned())
    );
    assert!(!held(engine, close.id, ObjectType::Company).is_empty());

    let listed = engine.mirrored_fields(hubspot.id).await.unwrap();
    let people = listed
        .iter()
        .find(|o| o.object_type == ObjectType::Person)
        .unwrap();
    assert!(people.all);
    let keys: Vec<&str> = people.fields.iter().map(|f| f.key.as_str()).collect();
    assert!(
        keys.contains(&"lead_source_detail") && keys.contains(&"salesforce_id"),
        "{keys:?}"
    );
    assert!(
        people.fields.iter().all(|f| f.mirrored != f.standard),
        "every custom field is mirrored, no standard one until chosen"
    );

    // HubSpot: the Salesforce id only. The other values leave the mirror now, and the next pull
    // asks HubSpot for the chosen property alone.
    let kept = engine
        .choose_mirrored_fields(
            hubspot.id,
            ObjectType::Person,
            Some(vec!["salesforce_id".into()]),
        )
        .unwrap();
    assert_eq!(kept, Some(vec!["salesforce_id".to_owned()]));
    assert!(
        !held(engine, hubspot.id, ObjectType::Person).contains(&"lead_source_detail".to_owned())
    );
    bridge_tests::emulator::clear_requests(admin).await;
    pull(hubspot.id).await;
    assert!(
        !held(engine, hubspot.id, ObjectType::Person).contains(&"lead_source_detail".to_owned())
    );
    let asked: Vec<String> = bridge_tests::emulator::requests_logged(admin)
        .await
        .iter()
        .filter(|r| {
            r["path"]
                .as_str()
                .is_some_and(|p| p.contains("/objects/contacts"))
        })
        .map(|r| r["query"].to_string())
        .collect();
    assert!(!asked.is_empty());
    assert!(
        asked.iter().all(|q| !q.contains("lead_source_detail")),
        "{asked:?}"
    );

    // Close sends every field with a lead: the mirror keeps none of them when none is chosen.
    engine
        .choose_mirrored_fields(close.id, ObjectType::Company, Some(Vec::new()))
        .unwrap();
    pull(close.id).await;
    assert!(held(engine, close.id, ObjectType::Company).is_empty());

    // A field a saved mapping fills stays mirrored whatever the choice.
    engine
        .save_field_mappings(
            close.id,
            hubspot.id,
            &[FieldMapping {
                source_object: ObjectType::Person,
                target_object: ObjectType::Person,
                fields: vec![MappedField {
                    source: "title".into(),
                    target: "custom.lead_source_detail".into(),
                    transform: Transform::Direct,
                    required: false,
                }],
            }],
        )
        .unwrap();
    let kept = engine
        .choose_mirrored_fields(hubspot.id, ObjectType::Person, Some(Vec::new()))
        .unwrap();
    assert_eq!(kept, Some(vec!["lead_source_detail".to_owned()]));
    let listed = engine.mirrored_fields(hubspot.id).await.unwrap();
    let needed = listed
        .iter()
        .find(|o| o.object_type == ObjectType::Person)
        .unwrap()
        .fields
        .iter()
        .find(|f| f.key == "lead_source_detail")
        .unwrap()
        .clone();
    assert!(needed.mirrored);
    assert!(
        needed
            .needed_by
            .as_deref()
            .is_some_and(|n| n.contains("field mapping")),
        "{needed:?}"
    );
    pull(hubspot.id).await;
    assert_eq!(
        held(engine, hubspot.id, ObjectType::Person),
        ["lead_source_detail"]
    );

    // Every field again.
    assert_eq!(
        engine
            .choose_mirrored_fields(hubspot.id, ObjectType::Person, None)
            .unwrap(),
        None
    );
    let again = engine.mirrored_fields(hubspot.id).await.unwrap();
    assert!(again.iter().all(|o| o.all));
}

/// A HubSpot contact's mobile phone is a standard property CRM Bridge does not read by default:
/// listed as a standard field, mirrored under `custom` once chosen (HubSpot asked for it), offered
/// to a migration as a source, and written into Salesforce's standard `MobilePhone` (read back
/// through Salesforce's API).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_standard_field_beyond_the_canonical_ones_is_mirrored_once_chosen_and_migrated() {
    let Some((ws, running, hubspot, salesforce)) =
        setup("standard-fields", Provider::Hubspot, Provider::Salesforce).await
    else {
        return;
    };
    let engine = &ws.engine;
    let d = &running.description;
    let people = PullOptions {
        object_types: vec![ObjectType::Person],
        full: true,
    };
    let pull = || async {
        engine
            .pull(hubspot.id, &people, &|_| {}, &Cancel::default())
            .await
            .unwrap();
    };
    pull().await;
    assert!(!held(engine, hubspot.id, ObjectType::Person).contains(&"mobilephone".to_owned()));
    let listed = engine.mirrored_fields(hubspot.id).await.unwrap();
    let mobile = listed
        .iter()
        .find(|o| o.object_type == ObjectType::Person)
        .and_then(|o| o.fields.iter().find(|f| f.key == "mobilephone"))
        .expect("HubSpot's mobile phone is listed")
        .clone();
    assert!(mobile.standard && !mobile.mirrored, "{mobile:?}");
    assert_eq!(mobile.label, "Mobile Phone Number");

    engine
        .choose_mirrored_fields(
            hubspot.id,
            ObjectType::Person,
            Some(vec!["mobilephone".into(), "salesforce_id".into()]),
        )
        .unwrap();
    bridge_tests::emulator::clear_requests(&d.admin_url).await;
    pull().await;
    assert!(held(engine, hubspot.id, ObjectType::Person).contains(&"mobilephone".to_owned()));
    let asked = bridge_tests::emulator::requests_logged(&d.admin_url).await;
    assert!(
        asked.iter().any(|r| r["query"]
            .as_str()
            .is_some_and(|q| q.contains("mobilephone"))),
        "HubSpot is asked for the property"
    );
    let listed = engine.mirrored_fields(hubspot.id).await.unwrap();
    assert!(
        listed
            .iter()
            .flat_map(|o| &o.fields)
            .any(|f| f.key == "mobilephone" && f.mirrored)
    );

    // Offered to a migration as a source, and Salesforce's standard MobilePhone as a target.
    two_crms::pull_whole(engine, hubspot.id).await;
    let mut plan = engine
        .plan_migration(hubspot.id, salesforce.id)
        .await
        .unwrap();
    let options = engine.migration_options(&plan).await.unwrap();
    let at = plan
        .objects
        .iter()
        .position(|m| m.source_object == ObjectType::Person)
        .unwrap();
    assert!(
        options.fields[at]
            .source
            .contains(&"custom.mobilephone".to_owned())
    );
    assert!(
        options.fields[at]
            .target
            .contains(&"custom.MobilePhone".to_owned())
    );
    // Not one Salesforce sets itself.
    assert!(
        !options.fields[at]
            .target
            .iter()
            .any(|t| t == "custom.SystemModstamp" || t == "custom.Name"),
        "{:?}",
        options.fields[at].target
    );
    plan.objects[at]
        .fields
        .retain(|f| f.target != "custom.MobilePhone");
    plan.objects[at].fields.push(MappedField {
        source: "custom.mobilephone".into(),
        target: "custom.MobilePhone".into(),
        transform: Transform::Direct,
        required: false,
    });
    plan.objects
        .retain(|m| matches!(m.source_object, ObjectType::Company | ObjectType::Person));
    let report = engine
        .run_migration(&plan, &|_| {}, &Cancel::default())
        .await
        .unwrap();
    let results = engine.migration_results(report.migration_id).unwrap();
    let failed: Vec<_> = results.iter().filter(|r| r.error.is_some()).collect();
    assert!(failed.is_empty(), "{failed:?}");

    let with_mobile: Vec<(String, String)> = engine
        .store()
        .read(|c| records::sync_view(c, hubspot.id, ObjectType::Person))
        .unwrap()
        .into_iter()
        .filter_map(|r| {
            let mobile = r
                .fields
                .get("custom")?
                .get("mobilephone")?
                .as_str()?
                .to_owned();
            Some((r.remote_id, mobile))
        })
        .take(3)
        .collect();
    assert!(!with_mobile.is_empty());
    for (source, mobile) in with_mobile {
        let contact = results
            .iter()
            .find(|r| r.object_type == ObjectType::Person && r.source_remote_id == source)
            .and_then(|r| r.target_remote_id.clone())
            .unwrap();
        let written =
            two_crms::contact_field(d, Provider::Salesforce, &contact, "MobilePhone").await;
        assert_eq!(written, mobile.as_str(), "{contact}");
    }
}
