//! Salesforce leads cross a migration into HubSpot as contacts: a lead's status becomes the
//! contact's lifecycle stage and lead status by a suggested value map; a lead that is also a contact
//! links to the HubSpot contact that contact became (never writing over it); a converted lead is
//! followed to its contact; a task on a lead lands on the lead's contact. Counted through HubSpot's
//! API. Real emulator over HTTP, real SQLite file, real keyring.

mod two_crms;

use std::collections::HashMap;

use bridge_engine::Cancel;
use bridge_model::{MigrationAction, ObjectType, Provider, Transform};
use serde_json::{Value, json};
use two_crms::{fields, first_page, setup};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn salesforce_leads_become_hubspot_contacts_and_converted_ones_follow_their_contact() {
    let Some((ws, running, source, target)) = setup(
        "leads-salesforce-hubspot",
        Provider::Salesforce,
        Provider::Hubspot,
    )
    .await
    else {
        return;
    };
    let d = &running.description;
    let engine = &ws.engine;
    let salesforce = bridge_tests::emulator::client(d, Provider::Salesforce);

    // A new lead nobody knows yet, with a task on it.
    let lead = salesforce
        .create(
            ObjectType::Lead,
            &[fields(
                json!({"first_name": "Nia", "last_name": "Okoro", "company": "Okoro Labs",
                            "email": "nia@okoro-labs.example", "status": "Working - Contacted"}),
            )],
        )
        .await
        .remove(0)
        .unwrap()
        .remote_id;
    salesforce
        .create(
            ObjectType::Activity,
            &[fields(
                json!({"kind": "task", "subject": "Call Nia back", "done": false,
                            "occurred_at": "2026-10-09", "person_id": lead}),
            )],
        )
        .await
        .remove(0)
        .unwrap();
    two_crms::pull_whole(engine, source.id).await;
    let leads = first_page(salesforce.as_ref(), ObjectType::Lead).await;
    let converted: Vec<_> = leads
        .iter()
        .filter(|l| l.fields.get("converted") == Some(&json!(true)))
        .collect();
    assert!(!converted.is_empty(), "the seed holds converted leads");

    // The plan takes leads after contacts, their status by a value map in HubSpot's words.
    let plan = engine.plan_migration(source.id, target.id).await.unwrap();
    let order: Vec<ObjectType> = plan.objects.iter().map(|o| o.source_object).collect();
    let at = |t| order.iter().position(|o| *o == t).unwrap();
    assert!(at(ObjectType::Person) < at(ObjectType::Lead), "{order:?}");
    let leads_mapping = &plan.objects[at(ObjectType::Lead)];
    assert_eq!(leads_mapping.target_object, ObjectType::Person);
    let map_of = |field: &str| match &leads_mapping
        .fields
        .iter()
        .find(|f| f.source == "status" && f.target == field)
        .unwrap_or_else(|| panic!("no status -> {field}: {leads_mapping:?}"))
        .transform
    {
        Transform::ValueMap { map, otherwise } => (map.clone(), otherwise.clone()),
        other => panic!("{other:?}"),
    };
    let (stages, otherwise) = map_of("lifecycle_stage");
    assert_eq!(stages["Open - Not Contacted"], "lead");
    assert_eq!(stages["Working - Contacted"], "salesqualifiedlead");
    assert_eq!(stages["Closed - Not Converted"], "other");
    assert_eq!(otherwise.as_deref(), Some("lead"));
    let (statuses, _) = map_of("lead_status");
    assert_eq!(statuses["Working - Contacted"], "IN_PROGRESS");
    assert_eq!(statuses["Closed - Not Converted"], "UNQUALIFIED");

    // The dry run says what the run does: the new lead created, leads that are contacts linked.
    let dry = engine
        .dry_run_migration(&plan, &Cancel::default())
        .await
        .unwrap();
    let lead_items: Vec<_> = dry
        .items
        .iter()
        .filter(|i| i.object_type == ObjectType::Lead)
        .collect();
    let action_of = |id: &str| {
        lead_items
            .iter()
            .find(|i| i.source_remote_id == id)
            .unwrap()
            .action
    };
    assert_eq!(action_of(&lead), MigrationAction::Create);
    for c in &converted {
        assert_eq!(action_of(&c.remote_id), MigrationAction::Skip);
        let item = lead_items
            .iter()
            .find(|i| i.source_remote_id == c.remote_id)
            .unwrap();
        assert!(
            item.target_remote_id
                .as_deref()
                .is_some_and(|t| t.starts_with("(new person")),
            "a converted lead goes where its contact is about to go: {item:?}"
        );
    }
    assert!(
        lead_items
            .iter()
            .filter(|i| i.source_remote_id != lead)
            .all(|i| matches!(i.action, MigrationAction::Link | MigrationAction::Skip)),
        "every seeded lead is also a contact: {lead_items:?}"
    );

    let report = engine
        .run_migration(&plan, &|_| {}, &Cancel::default())
        .await
        .unwrap();
    assert_eq!(report.failed, 0, "{report:?}");
    let results = engine.migration_results(report.migration_id).unwrap();
    let target_of = |t: ObjectType, id: &str| {
        results
            .iter()
            .find(|r| r.object_type == t && r.source_remote_id == id)
            .and_then(|r| r.target_remote_id.clone())
    };
    // A converted lead points at the contact its own contact became.
    for c in &converted {
        let contact = c.fields["converted_person_id"].as_str().unwrap();
        assert_eq!(
            target_of(ObjectType::Lead, &c.remote_id),
            target_of(ObjectType::Person, contact),
            "converted lead {}",
            c.remote_id
        );
    }
    // The new lead is a HubSpot contact in HubSpot's words, with its task on it.
    let nia = target_of(ObjectType::Lead, &lead).unwrap();
    let http = reqwest::Client::new();
    let get = |path: String| {
        let http = http.clone();
        async move {
            http.get(format!("{}{path}", d.hubspot.base_url))
                .bearer_auth(&d.hubspot.token)
                .send()
                .await
                .unwrap()
                .json::<Value>()
                .await
                .unwrap()
        }
    };
    let contact = get(format!(
        "/crm/v3/objects/contacts/{nia}?properties=email,lifecyclestage,hs_lead_status,company&associations=tasks"
    ))
    .await;
    assert_eq!(contact["properties"]["email"], "nia@okoro-labs.example");
    assert_eq!(
        contact["properties"]["lifecyclestage"],
        "salesqualifiedlead"
    );
    assert_eq!(contact["properties"]["hs_lead_status"], "IN_PROGRESS");
    assert_eq!(contact["properties"]["company"], "Okoro Labs");
    let tasks = contact["associations"]["tasks"]["results"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(tasks.len(), 1, "{contact}");
    // Leads that are contacts added no contact: HubSpot holds one per Salesforce contact, plus Nia.
    let mut contacts: HashMap<String, Value> = HashMap::new();
    let mut after: Option<String> = None;
    loop {
        let page = get(format!(
            "/crm/v3/objects/contacts?limit=100&properties=email{}",
            after
                .as_ref()
                .map(|a| format!("&after={a}"))
                .unwrap_or_default()
        ))
        .await;
        for c in page["results"].as_array().unwrap() {
            contacts.insert(c["id"].as_str().unwrap().to_owned(), c.clone());
        }
        match page["paging"]["next"]["after"].as_str() {
            Some(a) => after = Some(a.to_owned()),
            None => break,
        }
    }
    let created = results
        .iter()
        .filter(|r| {
            matches!(r.object_type, ObjectType::Person | ObjectType::Lead)
                && r.action == MigrationAction::Create
        })
        .count();
    let written: Vec<_> = results
        .iter()
        .filter(|r| r.object_type == ObjectType::Lead && r.action == MigrationAction::Update)
        .collect();
    assert!(
        written.is_empty(),
        "a lead never writes over a contact: {written:?}"
    );
    assert!(created >= 1 && contacts.contains_key(&nia));

    // A second run writes nothing; the rollback removes Nia's contact.
    let again = engine
        .run_migration(&plan, &|_| {}, &Cancel::default())
        .await
        .unwrap();
    assert_eq!((again.created, again.updated), (0, 0), "{again:?}");
    engine
        .rollback_migration(report.migration_id, false, &|_| {})
        .await
        .unwrap();
    let gone = get(format!("/crm/v3/objects/contacts/{nia}")).await;
    assert_eq!(gone["category"], "OBJECT_NOT_FOUND", "{gone}");
}
