//! The sync outbox: one waiting write per source record and direction, a refused write replaced by a
//! newer one (keeping its attempts, so a create that may exist is still matched first), a pending one
//! never replaced; the sync state merges what each confirmed write carried.

use bridge_model::{
    ConflictPolicy, Fields, NewConnection, NewSyncPair, ObjectType, Provider, Side, WriteOperation,
};
use bridge_store::{Store, connections, outbox, outbox::NewOutboxWrite, sync_pairs, sync_state};
use chrono::{DateTime, TimeZone, Utc};
use serde_json::json;

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 4, 5, 6, 7).unwrap()
}

fn fields(v: serde_json::Value) -> Fields {
    v.as_object().unwrap().clone()
}

fn pair(store: &Store) -> i64 {
    store
        .write(|tx| {
            let mut ids = Vec::new();
            for provider in [Provider::Hubspot, Provider::Salesforce] {
                ids.push(connections::insert(
                    tx,
                    &NewConnection {
                        provider,
                        label: provider.label().into(),
                        base_url: "http://127.0.0.1:1".into(),
                        account_id: None,
                        secret_ref: None,
                    },
                    now(),
                )?);
            }
            sync_pairs::insert(
                tx,
                &NewSyncPair {
                    name: "HubSpot ⇄ Salesforce".into(),
                    a: ids[0],
                    b: ids[1],
                    objects: Vec::new(),
                    conflicts: ConflictPolicy::Ask,
                    every_minutes: None,
                },
                now(),
            )
        })
        .unwrap()
}

fn create(pair: i64, email: &str) -> NewOutboxWrite {
    NewOutboxWrite {
        pair_id: pair,
        object_type: ObjectType::Person,
        side: Side::B,
        operation: WriteOperation::Create,
        source_remote_id: "a1".into(),
        remote_id: None,
        fields: fields(json!({ "email": email })),
        synced: fields(json!({ "email": email })),
    }
}

#[test]
fn one_write_waits_per_record_and_a_refused_one_is_replaced_keeping_its_attempts() {
    let store = Store::open_in_memory().unwrap();
    let pair = pair(&store);
    let first = store
        .write(|tx| outbox::queue(tx, &create(pair, "ann at example"), None, now()))
        .unwrap()
        .expect("queued");
    // Pending: a second write for the same record waits for the first.
    let again = store
        .write(|tx| outbox::queue(tx, &create(pair, "ann@example.com"), None, now()))
        .unwrap();
    assert_eq!(again, None);
    let waiting = store
        .read(|c| outbox::waiting(c, pair, ObjectType::Person, Side::B))
        .unwrap();
    assert_eq!(waiting.get("a1"), Some(&None));

    // Sent once, refused: it waits with what was sent, and a changed record replaces it.
    store
        .write(|tx| {
            outbox::attempt(tx, &[first])?;
            outbox::failed(tx, first)
        })
        .unwrap();
    let waiting = store
        .read(|c| outbox::waiting(c, pair, ObjectType::Person, Side::B))
        .unwrap();
    assert_eq!(
        waiting.get("a1"),
        Some(&Some(fields(json!({"email": "ann at example"}))))
    );
    let replaced = store
        .write(|tx| outbox::queue(tx, &create(pair, "ann@example.com"), None, now()))
        .unwrap();
    assert_eq!(replaced, Some(first), "the same row, sent again");
    let row = store
        .read(|c| outbox::get_many(c, &[first]))
        .unwrap()
        .remove(0);
    assert_eq!(row.fields, fields(json!({"email": "ann@example.com"})));
    assert_eq!(
        row.attempts, 1,
        "it may exist in the target: matched before it is created"
    );
    assert!(!row.failed);
    assert_eq!(store.read(|c| outbox::count(c, pair)).unwrap(), (1, 0));
    store.write(|tx| outbox::done(tx, first)).unwrap();
    assert_eq!(store.read(|c| outbox::count(c, pair)).unwrap(), (0, 0));
}

#[test]
fn the_sync_state_of_two_records_is_replaced_as_a_whole_and_found_from_side_a() {
    let store = Store::open_in_memory().unwrap();
    let pair = pair(&store);
    let state = |synced| sync_state::Synced {
        a_remote_id: "a1".into(),
        b_remote_id: "b1".into(),
        synced,
    };
    store
        .write(|tx| {
            sync_state::put(
                tx,
                pair,
                ObjectType::Person,
                &state(fields(json!({"title": "CEO"}))),
                now(),
            )
        })
        .unwrap();
    store
        .write(|tx| {
            sync_state::put(
                tx,
                pair,
                ObjectType::Person,
                &state(fields(json!({"title": "CTO", "city": "Oslo"}))),
                now(),
            )
        })
        .unwrap();
    let got = store
        .read(|c| sync_state::get(c, pair, ObjectType::Person, "a1"))
        .unwrap()
        .unwrap();
    assert_eq!(got.synced, fields(json!({"title": "CTO", "city": "Oslo"})));
    assert_eq!(
        store
            .read(|c| sync_state::list(c, pair, ObjectType::Person))
            .unwrap()
            .len(),
        1
    );
    assert!(
        store
            .read(|c| sync_state::get(c, pair, ObjectType::Company, "a1"))
            .unwrap()
            .is_none()
    );
}

#[test]
fn a_merged_record_hands_its_link_to_the_record_it_was_merged_into_unless_that_one_has_one() {
    let store = Store::open_in_memory().unwrap();
    let pair = pair(&store);
    let (a, b) = store
        .read(|c| {
            let p = sync_pairs::get(c, pair)?.unwrap();
            Ok((p.a, p.b))
        })
        .unwrap();
    let link = |a_id: &str, b_id: &str| sync_state::Synced {
        a_remote_id: a_id.into(),
        b_remote_id: b_id.into(),
        synced: fields(json!({})),
    };
    store
        .write(|tx| {
            for s in [link("a1", "b1"), link("a2", "b2"), link("a3", "b3")] {
                sync_state::put(tx, pair, ObjectType::Person, &s, now())?;
            }
            Ok(())
        })
        .unwrap();
    let links = || {
        let mut l: Vec<(String, String)> = store
            .read(|c| sync_state::list(c, pair, ObjectType::Person))
            .unwrap()
            .into_iter()
            .map(|s| (s.a_remote_id, s.b_remote_id))
            .collect();
        l.sort();
        l
    };
    let repoint = |connection, from: &str, to: &str| {
        store
            .write(|tx| sync_state::repoint(tx, connection, ObjectType::Person, from, to))
            .unwrap()
    };
    // a1 merged into a9 (not linked): b1 is a9's now.
    assert_eq!(repoint(a, "a1", "a9"), 1);
    // a2 merged into a3 (linked to b3): b2 stays with the merged a2.
    assert_eq!(repoint(a, "a2", "a3"), 0);
    // In B: b3 merged into b7.
    assert_eq!(repoint(b, "b3", "b7"), 1);
    // Another object type, or a record of the other connection, moves nothing.
    assert_eq!(
        store
            .write(|tx| sync_state::repoint(tx, a, ObjectType::Company, "a9", "a8"))
            .unwrap(),
        0
    );
    assert_eq!(repoint(b, "a9", "a8"), 0);
    assert_eq!(
        links(),
        [
            ("a2".to_string(), "b2".to_string()),
            ("a3".to_string(), "b7".to_string()),
            ("a9".to_string(), "b1".to_string()),
        ]
    );
}
