//! A Salesforce lead ↔ HubSpot contact sync pair: leads link to the HubSpot contacts holding their
//! e-mail or are created there, the lead's status is kept with the contact's lead status (both
//! ways) and lifecycle stage (from the lead) by a value map, and a lead converted in Salesforce is
//! followed to the contact it became: the HubSpot contact goes on with that contact, nothing is
//! created twice, and the converted lead is never written to. Real emulator over HTTP (the
//! conversion through Salesforce's SOAP `convertLead`), real SQLite file, real keyring.

mod two_crms;

use bridge_crm::{Crm, Update};
use bridge_engine::{Cancel, SyncReport};
use bridge_model::{FieldRule, ObjectType, Provider};
use bridge_store::{links, sync_state};
use bridge_tests::emulator::{client, convert_lead};
use serde_json::{Value, json};
use two_crms::{fields, first_page, setup};

async fn create(crm: &dyn Crm, t: ObjectType, v: Value) -> String {
    crm.create(t, &[fields(v)])
        .await
        .remove(0)
        .unwrap()
        .remote_id
}

async fn set(crm: &dyn Crm, t: ObjectType, id: &str, v: Value) {
    let update = Update {
        remote_id: id.to_owned(),
        fields: fields(v),
    };
    crm.update(t, &[update]).await.remove(0).unwrap();
}

/// The records of a type holding `email`, as the CRM's API lists them.
async fn with_email(crm: &dyn Crm, t: ObjectType, email: &str) -> Vec<bridge_crm::Pulled> {
    first_page(crm, t)
        .await
        .into_iter()
        .filter(|r| r.fields.get("email").and_then(Value::as_str) == Some(email))
        .collect()
}

/// One record as the CRM's API lists it.
async fn one(crm: &dyn Crm, t: ObjectType, id: &str) -> bridge_crm::Pulled {
    first_page(crm, t)
        .await
        .into_iter()
        .find(|r| r.remote_id == id)
        .expect("the record is there")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lead_syncs_with_a_hubspot_contact_by_its_status_and_is_followed_when_converted() {
    let Some((ws, running, salesforce_id, hubspot_id)) =
        setup("lead-sync", Provider::Salesforce, Provider::Hubspot).await
    else {
        return;
    };
    let d = &running.description;
    let engine = &ws.engine;
    let salesforce = client(d, Provider::Salesforce);
    let hubspot = client(d, Provider::Hubspot);

    // A lead nobody knows in HubSpot, and one HubSpot holds as a contact already.
    let nia = create(
        salesforce.as_ref(),
        ObjectType::Lead,
        json!({"first_name": "Nia", "last_name": "Okoro", "company": "Okoro Labs",
               "email": "nia@okoro-labs.example", "status": "Working - Contacted"}),
    )
    .await;
    let lena = create(
        salesforce.as_ref(),
        ObjectType::Lead,
        json!({"first_name": "Lena", "last_name": "Park", "company": "Park & Co",
               "email": "lena@park-co.example", "status": "Open - Not Contacted"}),
    )
    .await;
    let lena_hs = create(
        hubspot.as_ref(),
        ObjectType::Person,
        json!({"first_name": "Lena", "last_name": "Park", "email": "lena@park-co.example",
               "lifecycle_stage": "subscriber"}),
    )
    .await;

    // A person Salesforce holds as a contact and as a lead: HubSpot gets one contact, the contact's.
    let omar = create(
        salesforce.as_ref(),
        ObjectType::Person,
        json!({"first_name": "Omar", "last_name": "Haddad", "email": "omar@haddad.example"}),
    )
    .await;
    let omar_lead = create(
        salesforce.as_ref(),
        ObjectType::Lead,
        json!({"first_name": "Omar", "last_name": "Haddad", "company": "Haddad GmbH",
               "email": "omar@haddad.example", "status": "Open - Not Contacted"}),
    )
    .await;

    // Contacts with contacts, then leads with contacts by their status's words.
    let mut pair = engine
        .suggest_sync_pair(salesforce_id.id, hubspot_id.id)
        .unwrap();
    let leads = engine
        .suggest_lead_sync(salesforce_id.id, hubspot_id.id)
        .await
        .unwrap();
    let by = |b: &str| leads.across.iter().find(|f| f.b == b).unwrap().clone();
    assert_eq!(by("lead_status").rule, FieldRule::TwoWay);
    assert_eq!(
        by("lead_status").values["Working - Contacted"],
        "IN_PROGRESS"
    );
    assert_eq!(by("lifecycle_stage").rule, FieldRule::AlwaysA);
    assert_eq!(by("lifecycle_stage").values["Open - Not Contacted"], "lead");
    assert!(
        !leads.create_in_a,
        "a contact is a lead only where a person says so"
    );
    assert_eq!(
        pair.objects
            .iter()
            .map(|o| o.object_type)
            .collect::<Vec<_>>(),
        [ObjectType::Company, ObjectType::Person]
    );
    pair.objects.push(leads);
    let pair = engine.add_sync_pair(&pair).unwrap();
    let sync = || async {
        engine
            .sync(pair.id, &|_| {}, &Cancel::default())
            .await
            .unwrap()
    };
    let first: SyncReport = sync().await;
    assert!(first.counts.created > 0, "{:?}", first.counts);

    let hs = |email: &'static str| {
        let hubspot = hubspot.clone();
        async move { with_email(hubspot.as_ref(), ObjectType::Person, email).await }
    };
    // Nia is created as a contact with her status's stage and lead status.
    let nia_hs = hs("nia@okoro-labs.example").await;
    assert_eq!(nia_hs.len(), 1, "created once");
    assert_eq!(nia_hs[0].fields["lead_status"], json!("IN_PROGRESS"));
    assert_eq!(
        nia_hs[0].fields["lifecycle_stage"],
        json!("salesqualifiedlead")
    );
    assert_eq!(nia_hs[0].fields["last_name"], json!("Okoro"));
    let nia_hs = nia_hs[0].remote_id.clone();
    // Lena is linked to the contact HubSpot held, not created again; the lead's status is written.
    let lena_now = hs("lena@park-co.example").await;
    assert_eq!(lena_now.len(), 1, "linked, not created");
    assert_eq!(lena_now[0].remote_id, lena_hs);
    assert_eq!(lena_now[0].fields["lead_status"], json!("NEW"));
    assert_eq!(lena_now[0].fields["lifecycle_stage"], json!("lead"));
    let state = |t: ObjectType, a: &str| {
        engine
            .store()
            .read(|c| sync_state::get(c, pair.id, t, a))
            .unwrap()
    };
    assert_eq!(state(ObjectType::Lead, &lena).unwrap().b_remote_id, lena_hs);
    let omar_hs = hs("omar@haddad.example").await;
    assert_eq!(omar_hs.len(), 1, "one HubSpot contact for Omar");
    assert_eq!(
        state(ObjectType::Person, &omar).map(|s| s.b_remote_id),
        Some(omar_hs[0].remote_id.clone()),
        "kept with the Salesforce contact"
    );
    assert!(
        state(ObjectType::Lead, &omar_lead).is_none(),
        "the lead stands aside"
    );
    // Nothing left to do.
    let second = sync().await;
    assert_eq!(
        (second.counts.created, second.counts.updated),
        (0, 0),
        "{:?}",
        second.counts
    );

    // HubSpot's lead status comes back as the lead's status; the stage follows from the lead.
    set(
        hubspot.as_ref(),
        ObjectType::Person,
        &lena_hs,
        json!({"lead_status": "IN_PROGRESS"}),
    )
    .await;
    sync().await;
    let lead = one(salesforce.as_ref(), ObjectType::Lead, &lena).await;
    assert_eq!(lead.fields["status"], json!("Working - Contacted"));
    sync().await;
    let lena_now = hs("lena@park-co.example").await;
    assert_eq!(
        lena_now[0].fields["lifecycle_stage"],
        json!("salesqualifiedlead")
    );
    assert_eq!(lena_now[0].fields["lead_status"], json!("IN_PROGRESS"));

    // Nia is converted in Salesforce: her HubSpot contact goes on with the contact she became.
    let contact = convert_lead(d, &nia).await;
    let after = sync().await;
    let followed = state(ObjectType::Person, &contact).expect("the contact is linked");
    assert_eq!(followed.b_remote_id, nia_hs);
    assert_eq!(
        with_email(
            salesforce.as_ref(),
            ObjectType::Person,
            "nia@okoro-labs.example"
        )
        .await
        .len(),
        1,
        "no second contact from HubSpot's"
    );
    assert_eq!(
        hs("nia@okoro-labs.example").await.len(),
        1,
        "no second HubSpot contact"
    );
    let entity = |connection, t: ObjectType, id: &str| {
        engine
            .store()
            .read(|c| {
                links::entity_of(
                    c,
                    &links::LinkedRecord {
                        connection_id: connection,
                        object_type: t,
                        remote_id: id.to_owned(),
                    },
                )
            })
            .unwrap()
    };
    let same = entity(hubspot_id.id, ObjectType::Person, &nia_hs);
    assert!(same.is_some());
    assert_eq!(entity(salesforce_id.id, ObjectType::Lead, &nia), same);
    assert_eq!(entity(salesforce_id.id, ObjectType::Person, &contact), same);
    assert_eq!(
        after.counts.failed, 0,
        "the converted lead is never written to"
    );

    // The contact syncs with Nia's HubSpot contact from now on; the lead stays as it was.
    set(
        salesforce.as_ref(),
        ObjectType::Person,
        &contact,
        json!({"title": "Head of Ops"}),
    )
    .await;
    let last = sync().await;
    assert_eq!(last.counts.failed, 0, "{:?}", last.counts);
    let nia_now = hs("nia@okoro-labs.example").await;
    assert_eq!(nia_now[0].fields["title"], json!("Head of Ops"));
    let lead = one(salesforce.as_ref(), ObjectType::Lead, &nia).await;
    assert_eq!(lead.fields["converted"], json!(true));
}
