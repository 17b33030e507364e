//! Custom objects cross a migration: a Close workspace's Invoice instances (its custom object type)
//! arrive as HubSpot `invoices` (the portal's custom object, matched by name), each named by its
//! primary display property, with its amount, due date and status, associated with the company
//! migrated from its lead; counted through HubSpot's own API. A second run writes nothing; a
//! rollback removes them. Salesforce's `Invoice__c` is mirrored and listed by its label; Pipedrive
//! has no custom objects. Real emulator over HTTP, real SQLite file, real keyring.

mod two_crms;

use std::collections::HashMap;

use bridge_engine::{Cancel, PullOptions};
use bridge_fakecrm::Running;
use bridge_model::{ObjectType, Provider, RecordQuery};
use serde_json::Value;
use two_crms::setup;

/// HubSpot's invoices as its API lists them: invoice number -> (properties, associated companies).
async fn hubspot_invoices(running: &Running) -> HashMap<String, (Value, Vec<String>)> {
    two_crms::hubspot_objects(
        running,
        "2-7100001",
        "companies",
        "invoice_number,amount,due_date,invoice_status",
    )
    .await
    .into_iter()
    .map(|(_, properties, companies)| {
        let number = properties["invoice_number"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        (number, (properties, companies))
    })
    .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_close_custom_object_crosses_to_hubspot_with_its_company_and_rolls_back() {
    let Some((ws, running, source, target)) = setup(
        "custom-objects-close-hubspot",
        Provider::Close,
        Provider::Hubspot,
    )
    .await
    else {
        return;
    };
    two_crms::pull_whole(&ws.engine, source.id).await;
    // Listed by the names Close gives the type.
    let listed = ws.engine.custom_objects(source.id).unwrap();
    assert_eq!(listed.len(), 1, "{listed:?}");
    assert_eq!(
        (listed[0].singular.as_str(), listed[0].plural.as_str()),
        ("Invoice", "Invoices")
    );
    let invoice_type = listed[0].object_type;
    assert!(invoice_type.as_str().starts_with("custom:cotype_"));
    // Mirrored: every instance, named, on its lead, with its custom fields.
    let mirrored = ws
        .engine
        .record_page(&RecordQuery {
            connection_id: Some(source.id),
            object_type: Some(invoice_type),
            limit: 500,
            with_total: true,
            ..RecordQuery::default()
        })
        .unwrap();
    assert!(mirrored.total.is_some_and(|n| n > 0), "{mirrored:?}");
    let sources: Vec<_> = mirrored
        .rows
        .iter()
        .map(|r| ws.engine.record(r.id).unwrap())
        .collect();
    for r in &sources {
        assert!(r.display_name.starts_with("INV-"), "{r:?}");
        assert!(
            r.fields["company_id"]
                .as_str()
                .unwrap()
                .starts_with("lead_")
        );
        assert_eq!(r.fields["custom"].as_object().unwrap().len(), 3, "{r:?}");
    }

    let plan = ws
        .engine
        .plan_migration(source.id, target.id)
        .await
        .unwrap();
    let mapping = plan
        .objects
        .iter()
        .find(|m| m.source_object == invoice_type)
        .unwrap_or_else(|| panic!("no invoices in {:?}", plan.objects));
    assert_eq!(mapping.target_object.as_str(), "custom:2-7100001");
    let targets: Vec<&str> = mapping.fields.iter().map(|f| f.target.as_str()).collect();
    for t in [
        "name",
        "company_id",
        "custom.amount",
        "custom.due_date",
        "custom.invoice_status",
    ] {
        assert!(targets.contains(&t), "{t}: {targets:?}");
    }
    let dry = ws
        .engine
        .dry_run_migration(&plan, &Cancel::default())
        .await
        .unwrap();
    let planned: Vec<_> = dry
        .items
        .iter()
        .filter(|i| i.object_type == invoice_type)
        .collect();
    assert_eq!(planned.len(), sources.len());
    assert!(
        planned
            .iter()
            .all(|i| i.action == bridge_model::MigrationAction::Create && i.problems.is_empty()),
        "{planned:?}"
    );

    let before = hubspot_invoices(&running).await;
    assert!(before.is_empty());
    let report = ws
        .engine
        .run_migration(&plan, &|_| {}, &Cancel::default())
        .await
        .unwrap();
    assert_eq!(report.failed, 0, "{report:?}");
    let results = ws.engine.migration_results(report.migration_id).unwrap();
    let company_of = |lead: &str| {
        results
            .iter()
            .find(|r| r.object_type == ObjectType::Company && r.source_remote_id == lead)
            .and_then(|r| r.target_remote_id.clone())
            .unwrap_or_else(|| panic!("lead {lead} not migrated"))
    };
    // Every invoice arrives, counted through HubSpot's API, with its values and its company.
    let after = hubspot_invoices(&running).await;
    assert_eq!(after.len(), sources.len());
    for r in &sources {
        let (props, companies) = &after[&r.display_name];
        let custom = r.fields["custom"].as_object().unwrap();
        let amount = custom.values().find(|v| v.is_number()).unwrap();
        assert_eq!(
            props["amount"].as_str().unwrap().parse::<f64>().unwrap(),
            amount.as_f64().unwrap(),
            "{props}"
        );
        assert!(
            ["Draft", "Sent", "Paid"].contains(&props["invoice_status"].as_str().unwrap()),
            "{props}"
        );
        assert!(props["due_date"].as_str().is_some_and(|d| d.len() == 10));
        let lead = r.fields["company_id"].as_str().unwrap();
        assert_eq!(companies, &vec![company_of(lead)], "{}", r.display_name);
    }

    // A second run finds everything in place and writes nothing.
    let again = ws
        .engine
        .run_migration(&plan, &|_| {}, &Cancel::default())
        .await
        .unwrap();
    assert_eq!(
        (again.created, again.updated, again.failed),
        (0, 0, 0),
        "{again:?}"
    );
    assert_eq!(hubspot_invoices(&running).await, after);

    // A rollback removes every invoice it made.
    let rolled = ws
        .engine
        .rollback_migration(report.migration_id, false, &|_| {})
        .await
        .unwrap();
    assert_eq!(rolled.left_changed, 0, "{rolled:?}");
    assert!(hubspot_invoices(&running).await.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn salesforce_custom_objects_are_mirrored_and_pipedrive_has_none() {
    let Some((ws, _running, source, target)) = setup(
        "custom-objects-salesforce-pipedrive",
        Provider::Salesforce,
        Provider::Pipedrive,
    )
    .await
    else {
        return;
    };
    let options = PullOptions {
        object_types: Vec::new(),
        full: true,
    };
    ws.engine
        .pull(source.id, &options, &|_| {}, &Cancel::default())
        .await
        .unwrap();
    let listed = ws.engine.custom_objects(source.id).unwrap();
    assert_eq!(listed.len(), 1, "{listed:?}");
    assert_eq!(listed[0].object_type.as_str(), "custom:Invoice__c");
    assert_eq!(listed[0].plural, "Invoices");
    let page = ws
        .engine
        .record_page(&RecordQuery {
            connection_id: Some(source.id),
            object_type: Some(listed[0].object_type),
            limit: 5,
            with_total: true,
            ..RecordQuery::default()
        })
        .unwrap();
    assert!(page.total.is_some_and(|n| n > 0));
    let one = ws.engine.record(page.rows[0].id).unwrap();
    assert!(one.display_name.starts_with("INV-"), "{one:?}");
    let custom = one.fields["custom"].as_object().unwrap();
    for key in ["Account__c", "Amount__c", "Due_Date__c", "Status__c"] {
        assert!(custom.contains_key(key), "{key}: {custom:?}");
    }
    // Pipedrive lists none, and a plan to it carries no custom object.
    ws.engine
        .pull(target.id, &options, &|_| {}, &Cancel::default())
        .await
        .unwrap();
    assert!(ws.engine.custom_objects(target.id).unwrap().is_empty());
    let plan = ws
        .engine
        .plan_migration(source.id, target.id)
        .await
        .unwrap();
    assert!(
        plan.objects
            .iter()
            .all(|m| m.source_object.custom().is_none())
    );
}
