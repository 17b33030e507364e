//! A field the target lacks is created from the migration's field step, like the source field it
//! is filled from, then filled by the run: a Close contact picklist into HubSpot and into
//! Salesforce, read back through each one's API. Before it exists, the target refuses a write naming
//! it and the plan's check says so.
//! Real emulator over HTTP, real SQLite file, real keyring.

mod two_crms;

use bridge_crm::Update;
use bridge_engine::{Cancel, check_migration_plan};
use bridge_model::{FieldType, MappedField, NewField, ObjectType, Provider, Transform};
use serde_json::{Value, json};
use two_crms::{fields, first_page, setup};

/// What a target CRM calls the field created like Close's "Buying role" picklist.
struct Created {
    /// The field as mappings name it.
    name: &'static str,
    /// Its type as the CRM lists it.
    crm_type: &'static str,
    /// The words of the CRM's refusal of a write naming it before it exists.
    refusal: &'static str,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_field_hubspot_lacks_is_created_like_the_source_field_and_then_filled() {
    let created = Created {
        name: "custom.buying_role",
        crm_type: "enumeration",
        refusal: "does not exist",
    };
    created_then_filled("fields-close-hubspot", Provider::Hubspot, created).await;
}

/// Salesforce: the Tooling API's CustomField, then the signed-in user's profile given access (a
/// field without it is hidden from the API, so the run could not fill it).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_field_salesforce_lacks_is_created_like_the_source_field_and_then_filled() {
    let created = Created {
        name: "custom.Buying_Role__c",
        crm_type: "picklist",
        refusal: "No such column",
    };
    created_then_filled("fields-close-salesforce", Provider::Salesforce, created).await;
}

async fn created_then_filled(name: &str, target_provider: Provider, expected: Created) {
    let Some((ws, running, source, target)) = setup(name, Provider::Close, target_provider).await
    else {
        return;
    };
    let d = &running.description;
    let engine = &ws.engine;
    let field_name = expected.name;
    let field_key = field_name.strip_prefix("custom.").unwrap();

    // Close contacts get a "Buying role" picklist, and three of them a value.
    let close = bridge_tests::emulator::client(d, Provider::Close);
    let role = close
        .create_field(
            ObjectType::Person,
            &NewField {
                label: "Buying role".into(),
                field_type: FieldType::Picklist,
                options: vec!["Champion".into(), "Economic buyer".into(), "User".into()],
            },
        )
        .await
        .unwrap();
    let role_key = role.key.strip_prefix("custom.").unwrap().to_owned();
    let people = first_page(close.as_ref(), ObjectType::Person).await;
    let chosen: Vec<String> = people
        .iter()
        .filter(|p| p.fields.get("email").is_some())
        .take(3)
        .map(|p| p.remote_id.clone())
        .collect();
    let updates: Vec<Update> = chosen
        .iter()
        .map(|id| Update {
            remote_id: id.clone(),
            fields: fields(json!({"custom": {role_key.clone(): "Champion"}})),
        })
        .collect();
    for r in close.update(ObjectType::Person, &updates).await {
        r.unwrap();
    }
    two_crms::pull_whole(engine, source.id).await;
    let mut plan = engine.plan_migration(source.id, target.id).await.unwrap();
    let source_name = format!("custom.{role_key}");
    let people_at = plan
        .objects
        .iter()
        .position(|m| m.source_object == ObjectType::Person)
        .unwrap();
    assert!(
        !plan.objects[people_at]
            .fields
            .iter()
            .any(|f| f.source == source_name),
        "HubSpot has no such field to map it to"
    );

    // Mapped to a HubSpot property that does not exist yet: the plan's check says so, and HubSpot
    // refuses a write naming it.
    plan.objects[people_at].fields.push(MappedField {
        source: source_name.clone(),
        target: field_name.into(),
        transform: Transform::Direct,
        required: false,
    });
    let options = engine.migration_options(&plan).await.unwrap();
    let warnings = check_migration_plan(&plan, &options);
    assert!(
        warnings
            .iter()
            .any(|w| w.contains(&format!("`{field_name}` is not in the target"))),
        "{warnings:?}"
    );
    // The dry run names it, and holds back the three records carrying a value for it.
    let dry = engine
        .dry_run_migration(&plan, &Cancel::default())
        .await
        .unwrap();
    assert_eq!(dry.missing_fields.len(), 1, "{:?}", dry.missing_fields);
    assert_eq!(dry.missing_fields[0].source, source_name);
    let held: Vec<_> = dry
        .items
        .iter()
        .filter(|i| i.problems.iter().any(|p| p.field == field_name))
        .collect();
    assert_eq!(held.len(), 3, "{held:?}");
    assert!(
        held[0].problems[0]
            .message
            .contains(&format!("has no field `{field_name}`"))
    );
    if target_provider == Provider::Salesforce {
        // Salesforce refuses an opportunity without a close date, and Close's open ones have none:
        // the dry run names them (its describe says the field is required), and a default fills them.
        let no_date = dry
            .items
            .iter()
            .filter(|i| i.problems.iter().any(|p| p.field == "close_date"))
            .count();
        assert!(no_date > 0, "{:?}", dry.items);
        let deals_at = plan
            .objects
            .iter()
            .position(|m| m.source_object == ObjectType::Deal)
            .unwrap();
        let close_date = plan.objects[deals_at]
            .fields
            .iter_mut()
            .find(|f| f.target == "close_date")
            .unwrap();
        assert!(close_date.required);
        close_date.transform = Transform::Default {
            value: json!("2027-03-31"),
        };
    }
    let target_client = bridge_tests::emulator::client(d, target_provider);
    let refused = target_client
        .create(
            ObjectType::Person,
            &[fields(
                json!({"email": "early@example.com", "last_name": "Early",
                            "custom": {field_key: "Champion"}}),
            )],
        )
        .await
        .remove(0)
        .unwrap_err();
    assert!(
        refused.message.contains(field_key) && refused.message.contains(expected.refusal),
        "{refused:?}"
    );

    // Created like Close's field (label, type, options), once: a second time finds it.
    let like = engine
        .new_field_like(source.id, ObjectType::Person, &source_name)
        .await
        .unwrap();
    assert_eq!(like.label, "Buying role");
    assert_eq!(like.field_type, FieldType::Picklist);
    assert_eq!(like.options, ["Champion", "Economic buyer", "User"]);
    let created = engine
        .create_field(target.id, ObjectType::Person, &like)
        .await
        .unwrap();
    assert_eq!(created.name, field_name);
    assert_eq!(created.crm_type, expected.crm_type);
    assert_eq!(created.options, ["Champion", "Economic buyer", "User"]);
    let again = engine
        .create_field(target.id, ObjectType::Person, &like)
        .await
        .unwrap();
    assert_eq!(again.name, created.name);
    let options = engine.migration_options(&plan).await.unwrap();
    assert!(
        !check_migration_plan(&plan, &options)
            .iter()
            .any(|w| w.contains(field_key)),
        "the field is in the target now"
    );
    assert!(
        options.fields[people_at].target_options[field_name].contains(&"Economic buyer".to_owned()),
        "its options are offered for a value map"
    );

    let dry = engine
        .dry_run_migration(&plan, &Cancel::default())
        .await
        .unwrap();
    assert!(dry.missing_fields.is_empty(), "{:?}", dry.missing_fields);
    assert_eq!(dry.with_problems, 0);

    // The run fills it on the contacts migrated from those three.
    let report = engine
        .run_migration(&plan, &|_| {}, &Cancel::default())
        .await
        .unwrap();
    let results = engine.migration_results(report.migration_id).unwrap();
    let failed: Vec<_> = results.iter().filter(|r| r.error.is_some()).collect();
    assert_eq!(report.failed, 0, "{report:?} {failed:#?}");
    for id in &chosen {
        let contact = results
            .iter()
            .find(|r| r.object_type == ObjectType::Person && &r.source_remote_id == id)
            .and_then(|r| r.target_remote_id.clone())
            .unwrap();
        let filled = two_crms::contact_field(d, target_provider, &contact, field_key).await;
        assert_eq!(filled, "Champion", "{contact}");
    }
}

/// A Close picklist whose values HubSpot's has in other words ("Trade show", `trade_show`) is
/// suggested with a value map of the same words; sent as it is, HubSpot refuses each value, and the
/// dry run names every record and the field first. Counted through HubSpot's API.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_picklist_value_the_target_lacks_is_mapped_by_its_words_or_named_by_the_dry_run() {
    let Some((ws, running, source, target)) =
        setup("picklist-close-hubspot", Provider::Close, Provider::Hubspot).await
    else {
        return;
    };
    let d = &running.description;
    let engine = &ws.engine;
    two_crms::pull_whole(engine, source.id).await;
    let mut plan = engine.plan_migration(source.id, target.id).await.unwrap();
    let companies = plan
        .objects
        .iter()
        .position(|m| m.source_object == ObjectType::Company)
        .unwrap();
    let rule = plan.objects[companies]
        .fields
        .iter()
        .position(|f| f.target == "custom.lead_source_detail")
        .expect("Close's Lead source detail goes to HubSpot's");
    let suggested = plan.objects[companies].fields[rule].transform.clone();
    let Transform::ValueMap { map, .. } = &suggested else {
        panic!("a value map: {suggested:?}");
    };
    assert_eq!(map["Trade show"], "trade_show");
    assert_eq!(map["Webinar"], "webinar");

    // As it is: HubSpot takes none of Close's values, and the dry run says so per record.
    let hubspot = bridge_tests::emulator::client(d, Provider::Hubspot);
    let refused = hubspot
        .create(
            ObjectType::Company,
            &[fields(
                json!({"name": "Refused Co", "custom": {"lead_source_detail": "Trade show"}}),
            )],
        )
        .await
        .remove(0)
        .unwrap_err();
    assert!(refused.message.contains("INVALID_OPTION"), "{refused:?}");
    plan.objects[companies].fields[rule].transform = Transform::Direct;
    let dry = engine
        .dry_run_migration(&plan, &Cancel::default())
        .await
        .unwrap();
    let held: Vec<_> = dry
        .items
        .iter()
        .filter(|i| {
            i.problems
                .iter()
                .any(|p| p.field == "custom.lead_source_detail")
        })
        .collect();
    assert!(!held.is_empty());
    assert!(held.iter().all(|i| i.object_type == ObjectType::Company));
    let message = &held[0].problems[0].message;
    assert!(
        message.contains("is not one of") && message.contains("trade_show"),
        "{message}"
    );

    // By the suggested map: nothing held back, and HubSpot holds its own values.
    plan.objects[companies].fields[rule].transform = suggested;
    let dry = engine
        .dry_run_migration(&plan, &Cancel::default())
        .await
        .unwrap();
    assert_eq!(dry.with_problems, 0);
    let report = engine
        .run_migration(&plan, &|_| {}, &Cancel::default())
        .await
        .unwrap();
    assert_eq!(report.failed, 0, "{report:?}");
    let values: Vec<Value> = first_page(hubspot.as_ref(), ObjectType::Company)
        .await
        .into_iter()
        .filter_map(|c| c.fields.get("custom")?.get("lead_source_detail").cloned())
        .collect();
    assert!(!values.is_empty());
    assert!(
        values
            .iter()
            .all(|v| ["webinar", "trade_show", "referral"].contains(&v.as_str().unwrap_or(""))),
        "{values:?}"
    );
}
