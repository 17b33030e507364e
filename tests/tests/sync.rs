//! A sync pair against the emulated CRMs over HTTP: records go both ways, per-field rules hold, a
//! value sync wrote is never echoed back, and a field both sides changed waits in the Conflicts inbox
//! until a person picks a side.

mod keyring_workspace;

use std::collections::{BTreeMap, HashMap};

use bridge_crm::{Crm, Update};
use bridge_engine::Cancel;
use bridge_model::{
    ConflictPolicy, ErrorCategory, FieldRule, Fields, ObjectType, Provider, Side, SyncCounts,
};
use bridge_store::{records, sync_state};
use bridge_tests::emulator::client;
use serde_json::json;

/// Changes a record in a CRM the way a person would.
async fn set(crm: &dyn Crm, t: ObjectType, id: &str, fields: serde_json::Value) {
    let update = Update {
        remote_id: id.to_owned(),
        fields: fields.as_object().unwrap().clone(),
    };
    crm.update(t, &[update]).await.remove(0).unwrap();
}

/// A workspace with the real keyring and the four demo CRMs connected (60 people each).
struct Demo {
    ws: keyring_workspace::Workspace,
    crms: bridge_engine::DemoCrms,
    connections: Vec<bridge_model::Connection>,
}

impl Demo {
    async fn start(name: &str) -> Option<Demo> {
        let ws = keyring_workspace::workspace(name)?;
        let crms = bridge_engine::start_demo_crms(60).await.unwrap();
        let connections = ws.engine.connect_demo(&crms).await.unwrap();
        Some(Demo {
            ws,
            crms,
            connections,
        })
    }

    fn id(&self, provider: Provider) -> bridge_model::ConnectionId {
        self.connections
            .iter()
            .find(|c| c.provider == provider)
            .unwrap()
            .id
    }

    fn client(&self, provider: Provider) -> std::sync::Arc<dyn Crm> {
        client(&self.crms.description, provider)
    }

    async fn sync(&self, pair: i64) -> bridge_engine::SyncReport {
        self.ws
            .engine
            .sync(pair, &|_| {}, &Cancel::default())
            .await
            .unwrap()
    }

    /// Pulls every type of these connections (deals and activities too), whole.
    async fn pull_whole(&self, connections: &[bridge_model::ConnectionId]) {
        for connection in connections {
            self.ws
                .engine
                .pull(
                    *connection,
                    &Default::default(),
                    &|_| {},
                    &Cancel::default(),
                )
                .await
                .unwrap();
        }
    }

    /// The linked people of a pair that nothing links to on either side (no deal, no activity):
    /// ones a carried deletion deletes without asking.
    fn lone_people(&self, pair: &bridge_model::SyncPair) -> Vec<sync_state::Synced> {
        let store = self.ws.engine.store();
        let lone = |connection, id: &str| {
            store
                .read(|c| records::children(c, connection, "person_id", id))
                .unwrap()
                .is_empty()
        };
        store
            .read(|c| sync_state::list(c, pair.id, ObjectType::Person))
            .unwrap()
            .into_iter()
            .filter(|s| lone(pair.a, &s.a_remote_id) && lone(pair.b, &s.b_remote_id))
            .collect()
    }

    /// The mirrored records of one type of a connection, by id.
    fn view(
        &self,
        connection: bridge_model::ConnectionId,
        t: ObjectType,
    ) -> HashMap<String, Fields> {
        self.ws
            .engine
            .store()
            .read(|c| records::sync_view(c, connection, t))
            .unwrap()
            .into_iter()
            .map(|r| (r.remote_id, r.fields))
            .collect()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pair_syncs_by_its_rules_never_echoes_and_asks_about_conflicts() {
    let Some(demo) = Demo::start("sync").await else {
        return;
    };
    let engine = &demo.ws.engine;
    let mut pair = engine
        .suggest_sync_pair(demo.id(Provider::Hubspot), demo.id(Provider::Salesforce))
        .unwrap();
    for o in &mut pair.objects {
        o.fields.insert("title".into(), FieldRule::AlwaysA);
        o.fields.insert("country".into(), FieldRule::DontSync);
    }
    pair.objects[0].fields.clear();
    pair.conflicts = ConflictPolicy::Ask;
    let pair = engine.add_sync_pair(&pair).unwrap();
    let sync = || demo.sync(pair.id);

    let first = sync().await;
    assert!(first.counts.created > 50, "{:?}", first.counts);
    // Two Salesforce contacts with one e-mail (a duplicate the seed holds): HubSpot keeps e-mails
    // unique and refuses the second; it waits in the queue with HubSpot's words, for a merge.
    let failed = engine.failed_page(&Default::default(), 0, 100).unwrap();
    assert_eq!(first.counts.failed, failed.total);
    for f in &failed.rows {
        assert_eq!(f.category, ErrorCategory::Conflict, "{f:?}");
        assert!(f.message.contains("already exists"), "{}", f.message);
    }
    let second = sync().await;
    assert_eq!(
        (
            second.counts.created,
            second.counts.updated,
            second.counts.failed
        ),
        (0, 0, 0),
        "a second run writes nothing: what the first wrote is not echoed back, and what was refused \
         is not sent again unchanged"
    );

    // A linked person: change a two-way field on each side, and the A-wins title on B.
    let state = engine
        .store()
        .read(|c| sync_state::list(c, pair.id, ObjectType::Person))
        .unwrap()
        .remove(0);
    let (hs, sf) = (
        demo.client(Provider::Hubspot),
        demo.client(Provider::Salesforce),
    );
    set(
        hs.as_ref(),
        ObjectType::Person,
        &state.a_remote_id,
        json!({"city": "Lisbon", "title": "Head of Ops"}),
    )
    .await;
    set(
        sf.as_ref(),
        ObjectType::Person,
        &state.b_remote_id,
        json!({"phone": "+44 20 7946 0000", "title": "Intern", "country": "Mars"}),
    )
    .await;
    let third = sync().await;
    assert_eq!(
        (third.counts.updated, third.counts.conflicts),
        (2, 0),
        "{:?}",
        third.counts
    );
    let person =
        |connection, remote: &str| demo.view(connection, ObjectType::Person)[remote].clone();
    sync().await; // pulls what the third run wrote
    let (a, b) = (
        person(pair.a, &state.a_remote_id),
        person(pair.b, &state.b_remote_id),
    );
    assert_eq!(
        (a["city"].clone(), b["city"].clone()),
        (json!("Lisbon"), json!("Lisbon"))
    );
    assert_eq!(a["phone"], json!("+44 20 7946 0000"));
    assert_eq!(
        b["title"],
        json!("Head of Ops"),
        "always A: B's title is put back"
    );
    assert_eq!(
        b["country"],
        json!("Mars"),
        "don't sync: left as each side has it"
    );
    assert_ne!(a["country"], json!("Mars"));

    // Both sides change the same two-way field: neither is written until a person picks.
    set(
        hs.as_ref(),
        ObjectType::Person,
        &state.a_remote_id,
        json!({"city": "Porto"}),
    )
    .await;
    set(
        sf.as_ref(),
        ObjectType::Person,
        &state.b_remote_id,
        json!({"city": "Faro"}),
    )
    .await;
    let fourth = sync().await;
    assert_eq!(
        (fourth.counts.updated, fourth.counts.conflicts),
        (0, 1),
        "{:?}",
        fourth.counts
    );
    let inbox = engine.conflicts(Some(pair.id)).unwrap();
    assert_eq!(inbox.len(), 1);
    let c = &inbox[0];
    assert_eq!(c.fields.len(), 1);
    assert_eq!(
        (
            &c.fields[0].field,
            &c.fields[0].synced,
            &c.fields[0].a,
            &c.fields[0].b
        ),
        (
            &"city".to_string(),
            &json!("Lisbon"),
            &json!("Porto"),
            &json!("Faro")
        )
    );
    let again = sync().await;
    assert_eq!(
        again.counts.conflicts, 1,
        "an open conflict stays, nothing is written"
    );
    assert_eq!(engine.conflicts(None).unwrap().len(), 1);
    let picks = BTreeMap::from([("city".to_string(), Side::B)]);
    let written = engine.resolve_conflict(c.id, &picks).await.unwrap();
    assert_eq!(
        written,
        SyncCounts {
            updated: 1,
            ..SyncCounts::default()
        }
    );
    assert!(engine.conflicts(None).unwrap().is_empty());
    let settled = sync().await;
    assert_eq!(
        (settled.counts.updated, settled.counts.conflicts),
        (0, 0),
        "{:?}",
        settled.counts
    );
    assert_eq!(person(pair.a, &state.a_remote_id)["city"], json!("Faro"));
    let runs = engine.sync_runs(Some(pair.id), 10).unwrap();
    assert_eq!(runs.len(), 7);
    assert!(
        runs.iter()
            .all(|r| r.status == bridge_model::RunStatus::Succeeded)
    );
}

/// Deals join a pair once its connections' stages and owners are mapped: they go across with the
/// mapped stage, pipeline and owner, a stage changed on either side comes back as the other's, and
/// two of A's stages mapped to one of B's are never written back and forth.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deals_sync_with_the_saved_stage_and_owner_mappings() {
    let Some(demo) = Demo::start("sync-deals").await else {
        return;
    };
    let engine = &demo.ws.engine;
    let (a, b) = (demo.id(Provider::Pipedrive), demo.id(Provider::Hubspot));
    let before = engine.suggest_sync_pair(a, b).unwrap();
    assert!(
        before
            .objects
            .iter()
            .all(|o| o.object_type != ObjectType::Deal),
        "no deals before a stage mapping"
    );
    assert!(
        !engine
            .sync_fields(a, b, ObjectType::Person, None)
            .unwrap()
            .contains(&"owner_id".to_string())
    );

    let plan = engine.plan_migration(a, b).await.unwrap();
    let mut stages = plan.stages.clone();
    // Two of Pipedrive's stages into one of HubSpot's: the second must not be undone by the sync.
    assert!(stages.len() >= 3, "{stages:?}");
    let first_target = (
        stages[0].target_pipeline.clone(),
        stages[0].target_stage.clone(),
    );
    stages[1].target_pipeline = first_target.0.clone();
    stages[1].target_stage = first_target.1.clone();
    let mapping = bridge_engine::StageOwnerMapping {
        source: a,
        target: b,
        stages: stages.clone(),
        owners: plan.owners.clone(),
        fallback_owner: None,
    };
    assert!(!mapping.owners.is_empty());
    engine.save_stage_owner_mapping(&mapping).unwrap();

    let suggested = engine.suggest_sync_pair(a, b).unwrap();
    let kinds: Vec<ObjectType> = suggested.objects.iter().map(|o| o.object_type).collect();
    assert_eq!(
        kinds,
        [ObjectType::Company, ObjectType::Person, ObjectType::Deal]
    );
    let deal_fields = engine.sync_fields(a, b, ObjectType::Deal, None).unwrap();
    for f in ["stage_id", "owner_id"] {
        assert!(deal_fields.contains(&f.to_string()), "{deal_fields:?}");
    }
    assert!(!deal_fields.contains(&"pipeline_id".to_string()));
    let pair = engine.add_sync_pair(&suggested).unwrap();
    let sync = || demo.sync(pair.id);
    let first = sync().await;
    assert!(first.counts.created > 0, "{:?}", first.counts);
    let deals_in = |stage: &str| {
        demo.view(a, ObjectType::Deal)
            .values()
            .filter(|f| f.get("stage_id").and_then(|v| v.as_str()) == Some(stage))
            .count()
    };
    let in_second = deals_in(&stages[1].source_stage);
    assert!(
        in_second > 0,
        "a Pipedrive deal in {}",
        stages[1].source_stage
    );
    // Pulls what the first wrote; HubSpot's stage of a deal in Pipedrive's second stage maps back
    // to the first, and must not be written back.
    let second = sync().await;
    assert_eq!(
        (second.counts.created, second.counts.updated),
        (0, 0),
        "{:?}",
        second.counts
    );
    assert_eq!(deals_in(&stages[1].source_stage), in_second);

    let view = |connection, t| demo.view(connection, t);
    let states = engine
        .store()
        .read(|c| sync_state::list(c, pair.id, ObjectType::Deal))
        .unwrap();
    let (pd, hs) = (view(a, ObjectType::Deal), view(b, ObjectType::Deal));
    assert_eq!(states.len(), pd.len(), "every Pipedrive deal is linked");
    let stage_of = |s: &str| {
        stages
            .iter()
            .find(|m| m.source_stage == s)
            .map(|m| (m.target_pipeline.clone(), m.target_stage.clone()))
    };
    let owner_of = |o: &str| {
        mapping
            .owners
            .iter()
            .find(|m| m.source_owner == o)
            .map(|m| m.target_owner.clone())
    };
    let text = |v: Option<&serde_json::Value>| match v {
        Some(serde_json::Value::String(s)) => s.clone(),
        Some(v) if !v.is_null() => v.to_string(),
        _ => String::new(),
    };
    let mut checked = (0, 0);
    for s in &states {
        let (d, h) = (&pd[&s.a_remote_id], &hs[&s.b_remote_id]);
        if let Some((pipeline, stage)) = stage_of(&text(d.get("stage_id"))) {
            assert_eq!(
                (text(h.get("pipeline_id")), text(h.get("stage_id"))),
                (pipeline, stage),
                "deal {} -> {}",
                s.a_remote_id,
                s.b_remote_id
            );
            checked.0 += 1;
        }
        if let Some(owner) = owner_of(&text(d.get("owner_id"))) {
            assert_eq!(text(h.get("owner_id")), owner, "deal {}", s.a_remote_id);
            checked.1 += 1;
        }
    }
    assert!(checked.0 > 10 && checked.1 > 10, "{checked:?}");
    // Stable: the deal in Pipedrive's second stage keeps it although HubSpot's stage maps back to
    // the first.
    let quiet = sync().await;
    assert_eq!(
        (
            quiet.counts.created,
            quiet.counts.updated,
            quiet.counts.conflicts
        ),
        (0, 0, 0),
        "{:?}",
        quiet.counts
    );

    // A stage changed in HubSpot comes back to Pipedrive as the stage it maps from.
    let s = states
        .iter()
        .find(|s| text(pd[&s.a_remote_id].get("stage_id")) == stages[2].source_stage)
        .or_else(|| states.first())
        .unwrap();
    let won = stages
        .iter()
        .find(|m| m.source_stage == "won")
        .expect("Pipedrive's won maps somewhere");
    set(
        demo.client(Provider::Hubspot).as_ref(),
        ObjectType::Deal,
        &s.b_remote_id,
        json!({"pipeline_id": won.target_pipeline, "stage_id": won.target_stage}),
    )
    .await;
    let back = sync().await;
    assert_eq!(back.counts.updated, 1, "{:?}", back.counts);
    sync().await;
    assert_eq!(
        text(view(a, ObjectType::Deal)[&s.a_remote_id].get("stage_id")),
        "won"
    );
}

/// Custom fields join a pair where the saved field mapping of its connections maps one to another
/// as is: their values go across both ways, nested under each CRM's own key.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn custom_fields_sync_by_the_saved_field_mapping() {
    let Some(demo) = Demo::start("sync-custom").await else {
        return;
    };
    let engine = &demo.ws.engine;
    let (a, b) = (demo.id(Provider::Close), demo.id(Provider::Pipedrive));
    let plan = engine.plan_migration(a, b).await.unwrap();
    let (a_key, b_key) = plan
        .objects
        .iter()
        .find(|o| o.source_object == ObjectType::Company)
        .unwrap()
        .fields
        .iter()
        .find_map(|f| {
            Some((
                f.source.strip_prefix("custom.")?.to_owned(),
                f.target.strip_prefix("custom.")?.to_owned(),
            ))
        })
        .expect("a Close custom field mapped to a Pipedrive one by label");
    let name = format!("custom.{a_key}");
    assert!(
        !engine
            .sync_fields(a, b, ObjectType::Company, None)
            .unwrap()
            .contains(&name),
        "not before a field mapping is saved"
    );
    engine.save_mappings(&plan).unwrap();
    assert!(
        engine
            .sync_fields(a, b, ObjectType::Company, None)
            .unwrap()
            .contains(&name)
    );
    let mut pair = engine.suggest_sync_pair(a, b).unwrap();
    pair.objects
        .retain(|o| o.object_type == ObjectType::Company);
    let pair = engine.add_sync_pair(&pair).unwrap();
    let sync = || demo.sync(pair.id);
    let first = sync().await;
    assert!(first.counts.created > 0, "{:?}", first.counts);
    let second = sync().await;
    assert_eq!(
        (second.counts.created, second.counts.updated),
        (0, 0),
        "{:?}",
        second.counts
    );
    let custom = |connection, remote: &str, key: &str| {
        demo.view(connection, ObjectType::Company)[remote]
            .get("custom")
            .and_then(|c| c.get(key))
            .cloned()
            .filter(|v| !v.is_null() && v != "")
    };
    let states = engine
        .store()
        .read(|c| sync_state::list(c, pair.id, ObjectType::Company))
        .unwrap();
    let mut with_value = 0;
    for s in &states {
        let (x, y) = (
            custom(pair.a, &s.a_remote_id, &a_key),
            custom(pair.b, &s.b_remote_id, &b_key),
        );
        assert_eq!(x, y, "{} / {}", s.a_remote_id, s.b_remote_id);
        with_value += usize::from(x.is_some());
    }
    assert!(with_value > 5, "{with_value} of {}", states.len());

    // Changed in Pipedrive, it comes back to Close under Close's key.
    let s = &states[0];
    set(
        demo.client(Provider::Pipedrive).as_ref(),
        ObjectType::Company,
        &s.b_remote_id,
        json!({"custom": {b_key.clone(): "Changed by hand"}}),
    )
    .await;
    let back = sync().await;
    assert_eq!(back.counts.updated, 1, "{:?}", back.counts);
    sync().await;
    assert_eq!(
        custom(pair.a, &s.a_remote_id, &a_key),
        Some(json!("Changed by hand"))
    );
}

/// With "B keeps A's id" set, every HubSpot record a sync links keeps its Salesforce id in a custom
/// field (written with a create, or alone for records matched by e-mail or domain); a workspace
/// started again links by it, even a person whose e-mail changed meanwhile, and creates nothing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn records_keep_each_others_id_and_a_new_workspace_links_by_it() {
    let Some(demo) = Demo::start("sync-ids").await else {
        return;
    };
    let engine = &demo.ws.engine;
    let (a, b) = (demo.id(Provider::Salesforce), demo.id(Provider::Hubspot));
    let with_ids = |engine: &bridge_engine::Engine, a, b| {
        let mut pair = engine.suggest_sync_pair(a, b).unwrap();
        for o in &mut pair.objects {
            o.id_in_b = Some("custom.salesforce_id".into());
        }
        engine.add_sync_pair(&pair).unwrap()
    };
    let pair = with_ids(engine, a, b);
    let first = demo.sync(pair.id).await;
    assert!(first.counts.created > 50, "{:?}", first.counts);
    // A record the first run created in Salesforce has its id only from Salesforce's answer: the
    // second run writes it into the HubSpot record it came from, and nothing else.
    let second = demo.sync(pair.id).await;
    assert_eq!(second.counts.created, 0, "{:?}", second.counts);
    assert!(
        second.counts.updated > 0 && second.counts.updated < first.counts.created,
        "{:?}",
        second.counts
    );
    let third = demo.sync(pair.id).await;
    assert_eq!(
        (third.counts.created, third.counts.updated),
        (0, 0),
        "{:?}",
        third.counts
    );
    let mut kept = 0;
    for t in [ObjectType::Company, ObjectType::Person] {
        let hubspot = demo.view(b, t);
        for s in engine
            .store()
            .read(|c| sync_state::list(c, pair.id, t))
            .unwrap()
        {
            assert_eq!(
                hubspot[&s.b_remote_id]["custom"]["salesforce_id"],
                json!(s.a_remote_id),
                "{t} {}",
                s.b_remote_id
            );
            kept += 1;
        }
    }
    assert!(kept > 100, "{kept}");

    // A linked person's e-mail changes in HubSpot; then the workspace is started again from nothing.
    let person = engine
        .store()
        .read(|c| sync_state::list(c, pair.id, ObjectType::Person))
        .unwrap()
        .remove(0);
    set(
        demo.client(Provider::Hubspot).as_ref(),
        ObjectType::Person,
        &person.b_remote_id,
        json!({"email": "moved.on@elsewhere.example"}),
    )
    .await;
    let Some(again) = keyring_workspace::workspace("sync-ids-again") else {
        return;
    };
    let connections = again.engine.connect_demo(&demo.crms).await.unwrap();
    let id = |p| connections.iter().find(|c| c.provider == p).unwrap().id;
    let pair2 = with_ids(
        &again.engine,
        id(Provider::Salesforce),
        id(Provider::Hubspot),
    );
    let fresh = again
        .engine
        .sync(pair2.id, &|_| {}, &Cancel::default())
        .await
        .unwrap();
    assert_eq!(
        fresh.counts.created, 0,
        "every record links to the one it was synced with: {:?}",
        fresh.counts
    );
    let relinked = again
        .engine
        .store()
        .read(|c| sync_state::get(c, pair2.id, ObjectType::Person, &person.a_remote_id))
        .unwrap()
        .expect("the person is linked");
    assert_eq!(relinked.b_remote_id, person.b_remote_id);
}

/// A create sent by a run that died before the answer came: the next run finds the record it made,
/// never a record that was there before and merely holds the same values.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_create_whose_answer_was_lost_is_never_matched_to_a_record_there_before() {
    let Some(demo) = Demo::start("sync-lost").await else {
        return;
    };
    let engine = &demo.ws.engine;
    let (hs, sf) = (
        demo.client(Provider::Hubspot),
        demo.client(Provider::Salesforce),
    );
    // Dana in both CRMs: in HubSpot with an e-mail, in Salesforce without one (so no key links them).
    let dana =
        json!({"first_name": "Dana", "last_name": "Lookalike", "title": "Buyer", "city": "Ghent"});
    let mut with_email = dana.as_object().unwrap().clone();
    with_email.insert("email".into(), json!("dana@lookalike.example"));
    let hubspot_dana = hs
        .create(ObjectType::Person, &[with_email])
        .await
        .remove(0)
        .unwrap();
    let salesforce_dana = sf
        .create(ObjectType::Person, &[dana.as_object().unwrap().clone()])
        .await
        .remove(0)
        .unwrap();
    let (a, b) = (demo.id(Provider::Hubspot), demo.id(Provider::Salesforce));
    let mut pair = engine.suggest_sync_pair(a, b).unwrap();
    pair.objects.retain(|o| o.object_type == ObjectType::Person);
    let pair = engine.add_sync_pair(&pair).unwrap();
    demo.pull_whole(&[a, b]).await;
    // A run queued Salesforce's Dana for HubSpot, sent it, and was killed before the answer came.
    let write = bridge_store::outbox::NewOutboxWrite {
        pair_id: pair.id,
        object_type: ObjectType::Person,
        side: Side::A,
        operation: bridge_model::WriteOperation::Create,
        source_remote_id: salesforce_dana.remote_id.clone(),
        remote_id: None,
        fields: dana.as_object().unwrap().clone(),
        synced: dana.as_object().unwrap().clone(),
    };
    engine
        .store()
        .write(|tx| {
            let id = bridge_store::outbox::queue(tx, &write, None, chrono::Utc::now())?.unwrap();
            bridge_store::outbox::attempt(tx, &[id])
        })
        .unwrap();
    let made = hs
        .create(ObjectType::Person, std::slice::from_ref(&write.fields))
        .await
        .remove(0)
        .unwrap();

    demo.sync(pair.id).await;
    let linked = |id: &str| {
        engine
            .store()
            .read(|c| sync_state::list(c, pair.id, ObjectType::Person))
            .unwrap()
            .into_iter()
            .find(|s| s.a_remote_id == id)
            .map(|s| s.b_remote_id)
    };
    assert_eq!(
        linked(&made.remote_id).as_deref(),
        Some(salesforce_dana.remote_id.as_str()),
        "Salesforce's Dana links to the record its create made"
    );
    assert_ne!(
        linked(&hubspot_dana.remote_id).as_deref(),
        Some(salesforce_dana.remote_id.as_str())
    );
    let hubspot = demo.view(a, ObjectType::Person);
    assert_eq!(
        hubspot[&hubspot_dana.remote_id]["email"],
        json!("dana@lookalike.example"),
        "HubSpot's own Dana keeps her e-mail"
    );
}

/// A pair that carries deletions: a person deleted in HubSpot is deleted in Salesforce by the next
/// run (and the other way round), through the CRMs' own APIs; one changed in Salesforce since waits in
/// the Conflicts inbox instead; an undo creates the deleted one again from its before-image, and the
/// sync leaves it alone after.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deletions_are_carried_across_asked_about_when_changed_and_undone() {
    let Some(demo) = Demo::start("sync-deletions").await else {
        return;
    };
    let engine = &demo.ws.engine;
    let (a, b) = (demo.id(Provider::Hubspot), demo.id(Provider::Salesforce));
    let mut pair = engine.suggest_sync_pair(a, b).unwrap();
    for o in &mut pair.objects {
        o.deletions = bridge_model::DeleteRule::Carry;
    }
    let pair = engine.add_sync_pair(&pair).unwrap();
    demo.sync(pair.id).await;
    // Both mirrors whole (deals and activities too), as after a pull of everything.
    demo.pull_whole(&[a, b]).await;
    // People nothing links to (a person with activities is asked about, like a company below).
    let states = demo.lone_people(&pair);
    let (gone_in_a, changed_in_b, gone_in_b) = (&states[0], &states[1], &states[2]);
    // A company with people: Salesforce deletes an account's contacts with it.
    let company = engine
        .store()
        .read(|c| sync_state::list(c, pair.id, ObjectType::Company))
        .unwrap()
        .into_iter()
        .find(|s| {
            !engine
                .store()
                .read(|c| records::children(c, b, "company_id", &s.b_remote_id))
                .unwrap()
                .is_empty()
        })
        .expect("a linked account with contacts");
    let (hs, sf) = (
        demo.client(Provider::Hubspot),
        demo.client(Provider::Salesforce),
    );
    // The record as Salesforce holds it after the run.
    let before = demo.view(b, ObjectType::Person)[&gone_in_a.b_remote_id].clone();
    hs.delete(
        ObjectType::Company,
        std::slice::from_ref(&company.a_remote_id),
    )
    .await
    .remove(0)
    .unwrap();
    for r in hs
        .delete(
            ObjectType::Person,
            &[
                gone_in_a.a_remote_id.clone(),
                changed_in_b.a_remote_id.clone(),
            ],
        )
        .await
    {
        r.unwrap();
    }
    sf.delete(
        ObjectType::Person,
        std::slice::from_ref(&gone_in_b.b_remote_id),
    )
    .await
    .remove(0)
    .unwrap();
    set(
        sf.as_ref(),
        ObjectType::Person,
        &changed_in_b.b_remote_id,
        json!({"title": "Changed after the last sync"}),
    )
    .await;

    let run = demo.sync(pair.id).await;
    assert_eq!(run.counts.deleted, 2, "{:?}", run.counts);
    assert_eq!(
        run.counts.created, 0,
        "nothing deleted comes back: {:?}",
        run.counts
    );
    // What each CRM holds now, read again through its API.
    demo.pull_whole(&[a, b]).await;
    let (hubspot, salesforce) = (
        demo.view(a, ObjectType::Person),
        demo.view(b, ObjectType::Person),
    );
    assert!(!salesforce.contains_key(&gone_in_a.b_remote_id));
    assert!(!hubspot.contains_key(&gone_in_b.a_remote_id));
    assert!(
        salesforce.contains_key(&changed_in_b.b_remote_id),
        "a record changed since the last sync is never deleted by a run"
    );
    let accounts = demo.view(b, ObjectType::Company);
    assert!(
        accounts.contains_key(&company.b_remote_id),
        "an account others link to is never deleted by a run"
    );
    let conflicts = engine.conflicts(Some(pair.id)).unwrap();
    assert!(
        conflicts
            .iter()
            .any(|c| c.object_type == ObjectType::Company
                && c.deleted_side == Some(Side::A)
                && c.b_remote_id == company.b_remote_id),
        "{conflicts:?}"
    );
    let asked: Vec<_> = conflicts
        .iter()
        .filter(|c| c.deleted_side.is_some() && c.object_type == ObjectType::Person)
        .collect();
    assert_eq!(asked.len(), 1, "{conflicts:?}");
    assert_eq!(asked[0].deleted_side, Some(Side::A));
    assert_eq!(asked[0].b_remote_id, changed_in_b.b_remote_id);

    // A second run changes nothing and asks the same once.
    let again = demo.sync(pair.id).await;
    assert_eq!(
        (
            again.counts.created,
            again.counts.deleted,
            again.counts.updated
        ),
        (0, 0, 0),
        "{:?}",
        again.counts
    );
    assert_eq!(
        engine.conflicts(Some(pair.id)).unwrap().len(),
        conflicts.len()
    );

    // The person keeps Salesforce's changed record: it stays, and is not created in HubSpot again.
    let picks = BTreeMap::from([(bridge_engine::RECORD_PICK.to_owned(), Side::B)]);
    engine.resolve_conflict(asked[0].id, &picks).await.unwrap();

    // The deletion in Salesforce is undone: the record is back with its fields.
    let deletions = engine.sync_deletions(Some(pair.id), 10).unwrap();
    assert_eq!(deletions.len(), 2);
    let carried = deletions
        .iter()
        .find(|d| d.remote_id == gone_in_a.b_remote_id)
        .unwrap();
    assert_eq!(carried.side, Side::B);
    let undone = engine.undo_sync_deletion(carried.id).await.unwrap();
    let restored = undone.restored_id.clone().unwrap();
    assert!(
        engine.undo_sync_deletion(carried.id).await.is_err(),
        "an undo happens once"
    );
    let after = demo.sync(pair.id).await;
    assert_eq!(
        (after.counts.created, after.counts.deleted),
        (0, 0),
        "the record kept and the one restored are left alone: {:?}",
        after.counts
    );
    let salesforce = demo.view(b, ObjectType::Person);
    for f in ["first_name", "last_name", "email", "title", "phone"] {
        assert_eq!(
            salesforce[&restored].get(f),
            before.get(f),
            "the restored record's `{f}`"
        );
    }
    assert!(salesforce.contains_key(&changed_in_b.b_remote_id));
    assert!(
        engine
            .conflicts(Some(pair.id))
            .unwrap()
            .iter()
            .all(|c| c.deleted_side.is_none() || c.object_type == ObjectType::Company),
        "only the company waits for a person"
    );
}

/// Turning deletions on for a pair carries the deletions made from then on, never the ones made while
/// the pair left them alone.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn turning_deletions_on_leaves_earlier_deletions_alone() {
    let Some(demo) = Demo::start("sync-deletions-on").await else {
        return;
    };
    let engine = &demo.ws.engine;
    let (a, b) = (demo.id(Provider::Hubspot), demo.id(Provider::Salesforce));
    let pair = engine
        .add_sync_pair(&engine.suggest_sync_pair(a, b).unwrap())
        .unwrap();
    demo.sync(pair.id).await;
    demo.pull_whole(&[a, b]).await;
    let states = demo.lone_people(&pair);
    let hs = demo.client(Provider::Hubspot);
    let delete = |id: String| {
        let hs = hs.clone();
        async move {
            hs.delete(ObjectType::Person, &[id])
                .await
                .remove(0)
                .unwrap();
        }
    };
    delete(states[0].a_remote_id.clone()).await;
    let left_alone = demo.sync(pair.id).await;
    assert_eq!(left_alone.counts.deleted, 0, "{:?}", left_alone.counts);

    let mut rules = engine.sync_pairs().unwrap().remove(0);
    for o in &mut rules.objects {
        o.deletions = bridge_model::DeleteRule::Carry;
    }
    let new = bridge_model::NewSyncPair {
        name: rules.name.clone(),
        a: rules.a,
        b: rules.b,
        objects: rules.objects.clone(),
        conflicts: rules.conflicts,
        every_minutes: rules.every_minutes,
    };
    engine.update_sync_pair(pair.id, &new).unwrap();
    let on = demo.sync(pair.id).await;
    assert_eq!(
        (on.counts.deleted, on.counts.conflicts),
        (0, 0),
        "the deletion made before is left alone: {:?}",
        on.counts
    );
    assert!(
        demo.view(b, ObjectType::Person)
            .contains_key(&states[0].b_remote_id)
    );

    delete(states[1].a_remote_id.clone()).await;
    let after = demo.sync(pair.id).await;
    assert_eq!(after.counts.deleted, 1, "{:?}", after.counts);
}

/// A pair of people alone: a contact's company cannot go across (companies are not linked), so
/// the record created from it has none, and that absence is no change to carry back: the
/// Salesforce contacts keep their accounts and a second run writes nothing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pair_without_companies_never_blanks_a_contact_s_company() {
    let Some(demo) = Demo::start("sync-people-only").await else {
        return;
    };
    let engine = &demo.ws.engine;
    let (a, b) = (demo.id(Provider::Salesforce), demo.id(Provider::Hubspot));
    let mut pair = engine.suggest_sync_pair(a, b).unwrap();
    pair.objects.retain(|o| o.object_type == ObjectType::Person);
    let pair = engine.add_sync_pair(&pair).unwrap();
    let with_account = |view: HashMap<String, Fields>| {
        let mut ids: Vec<String> = view
            .into_iter()
            .filter(|(_, f)| f.get("company_id").is_some_and(|v| !v.is_null()))
            .map(|(id, _)| id)
            .collect();
        ids.sort();
        ids
    };
    let first = demo.sync(pair.id).await;
    assert!(first.counts.created > 0, "{:?}", first.counts);
    let before = with_account(demo.view(a, ObjectType::Person));
    assert!(!before.is_empty());
    for _ in 0..2 {
        let again = demo.sync(pair.id).await;
        assert_eq!(
            (again.counts.created, again.counts.updated),
            (0, 0),
            "{:?}",
            again.counts
        );
    }
    assert_eq!(with_account(demo.view(a, ObjectType::Person)), before);
}
