//! A sync pair against the emulated CRMs over HTTP: records go both ways, per-field rules hold, a
//! value sync wrote is never echoed back, and a field both sides changed waits in the Conflicts inbox
//! until a person picks a side.

mod keyring_workspace;

use std::collections::BTreeMap;

use bridge_crm::{Crm, Update};
use bridge_engine::Cancel;
use bridge_model::{
    ConflictPolicy, ErrorCategory, FieldRule, ObjectType, Provider, Side, SyncCounts,
};
use bridge_store::{records, sync_state};
use bridge_tests::emulator::client;
use serde_json::json;

async fn set(crm: &dyn Crm, id: &str, fields: serde_json::Value) {
    let update = Update {
        remote_id: id.to_owned(),
        fields: fields.as_object().unwrap().clone(),
    };
    crm.update(ObjectType::Person, &[update])
        .await
        .remove(0)
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pair_syncs_by_its_rules_never_echoes_and_asks_about_conflicts() {
    let Some(ws) = keyring_workspace::workspace("sync") else {
        return;
    };
    let crms = bridge_engine::start_demo_crms(60).await.unwrap();
    let connections = ws.engine.connect_demo(&crms).await.unwrap();
    let id = |p| connections.iter().find(|c| c.provider == p).unwrap().id;
    let engine = &ws.engine;
    let mut pair = engine
        .suggest_sync_pair(id(Provider::Hubspot), id(Provider::Salesforce))
        .unwrap();
    for o in &mut pair.objects {
        o.fields.insert("title".into(), FieldRule::AlwaysA);
        o.fields.insert("country".into(), FieldRule::DontSync);
    }
    pair.objects[0].fields.clear();
    pair.conflicts = ConflictPolicy::Ask;
    let pair = engine.add_sync_pair(&pair).unwrap();
    let sync = || async {
        engine
            .sync(pair.id, &|_| {}, &Cancel::default())
            .await
            .unwrap()
    };

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
        client(&crms.description, Provider::Hubspot),
        client(&crms.description, Provider::Salesforce),
    );
    set(
        hs.as_ref(),
        &state.a_remote_id,
        json!({"city": "Lisbon", "title": "Head of Ops"}),
    )
    .await;
    set(
        sf.as_ref(),
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
    let person = |connection, remote: &str| {
        engine
            .store()
            .read(|c| records::sync_view(c, connection, ObjectType::Person))
            .unwrap()
            .into_iter()
            .find(|r| r.remote_id == remote)
            .unwrap()
            .fields
    };
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
    set(hs.as_ref(), &state.a_remote_id, json!({"city": "Porto"})).await;
    set(sf.as_ref(), &state.b_remote_id, json!({"city": "Faro"})).await;
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
