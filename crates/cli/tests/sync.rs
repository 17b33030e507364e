//! The sync soak: HubSpot and Salesforce (emulated, over HTTP) synced both ways through
//! `crm-bridge sync`, with 5xx, 429, dropped connections, lost answers, malformed bodies and records
//! the target refuses, the CLI killed with SIGKILL at random moments. Afterwards every record is on
//! the other side or waits in the failed-records queue with the CRM's reason; once the faults are off,
//! the refused records fixed and the queue re-synced, both sides agree field by field and no record
//! was created twice.

mod common;

use std::{collections::HashMap, sync::Arc, time::Duration};

use bridge_crm::Update;
use bridge_engine::{Engine, Keyring};
use bridge_model::{ConnectionId, ErrorCategory, ObjectType, Provider, Side};
use bridge_store::{Store, outbox, records, sync_state};
use serde_json::{Value, json};

use common::{Scratch, cli, connect, keyring_ready, run_ok};

async fn set_faults(d: &bridge_fakecrm::Description, spec: &str) {
    for provider in [Provider::Hubspot, Provider::Salesforce] {
        bridge_tests::emulator::set_faults(&d.admin_url, provider, spec).await;
    }
}

/// The key the sync matches records by (a person's e-mail, a company's domain or name): how many
/// records hold each key tells whether a record was created twice.
fn key_counts(store: &Store, connection: ConnectionId, t: ObjectType) -> HashMap<String, usize> {
    let mut counts = HashMap::new();
    for r in store
        .read(|c| records::sync_view(c, connection, t))
        .unwrap()
    {
        let key = key_of(t, &r.fields).unwrap_or_else(|| format!("(no key) {}", r.display_name));
        *counts.entry(key).or_default() += 1;
    }
    counts
}

fn key_of(t: ObjectType, fields: &bridge_model::Fields) -> Option<String> {
    let text = |f: &str| {
        fields
            .get(f)
            .and_then(Value::as_str)
            .map(|s| s.trim().to_lowercase())
            .filter(|s| !s.is_empty())
    };
    match t {
        ObjectType::Person => text("email"),
        _ => text("domain").or_else(|| text("name")),
    }
}

/// The remote ids holding each key.
fn key_ids(store: &Store, connection: ConnectionId, t: ObjectType) -> HashMap<String, Vec<String>> {
    let mut ids: HashMap<String, Vec<String>> = HashMap::new();
    for r in store
        .read(|c| records::sync_view(c, connection, t))
        .unwrap()
    {
        let key = key_of(t, &r.fields).unwrap_or_else(|| format!("(no key) {}", r.display_name));
        ids.entry(key).or_default().push(r.remote_id);
    }
    ids
}

/// What became of the records that held `key` before the sync: their fields now, and their links.
fn trace(
    store: &Store,
    pair: i64,
    t: ObjectType,
    before: &[HashMap<String, Vec<String>>; 2],
    key: &str,
) -> String {
    let states = store.read(|c| sync_state::list(c, pair, t)).unwrap();
    let mut out = Vec::new();
    for (side, connection) in [(0, HUBSPOT), (1, SALESFORCE)] {
        let now: HashMap<String, records::SyncView> = store
            .read(|c| records::sync_view(c, connection, t))
            .unwrap()
            .into_iter()
            .map(|r| (r.remote_id.clone(), r))
            .collect();
        for id in before[side].get(key).into_iter().flatten() {
            let link: Vec<(&str, &str)> = states
                .iter()
                .filter(|s| s.a_remote_id == *id || s.b_remote_id == *id)
                .map(|s| (s.a_remote_id.as_str(), s.b_remote_id.as_str()))
                .collect();
            let linked_fields: Vec<Option<String>> = link
                .iter()
                .map(|(a, b)| {
                    let other = if side == 0 { b } else { a };
                    let other_conn = if side == 0 { SALESFORCE } else { HUBSPOT };
                    store
                        .read(|c| records::sync_view(c, other_conn, t))
                        .unwrap()
                        .into_iter()
                        .find(|r| r.remote_id == *other)
                        .map(|r| serde_json::to_string(&r.fields).unwrap())
                })
                .collect();
            out.push(format!(
                "[side {side} {id}: now {:?}; linked {link:?}; the other side's record {linked_fields:?}]",
                now.get(id).map(|r| serde_json::to_string(&r.fields).unwrap())
            ));
        }
    }
    out.join(" ")
}

const TYPES: [ObjectType; 2] = [ObjectType::Company, ObjectType::Person];
const HUBSPOT: ConnectionId = ConnectionId(1);
const SALESFORCE: ConnectionId = ConnectionId(2);

#[tokio::test(flavor = "multi_thread")]
async fn a_sync_under_faults_and_kills_loses_nothing_and_creates_nothing_twice() {
    if !keyring_ready() {
        return;
    }
    // 8,400 people per CRM: with their companies 20,160 records, half on each side.
    let people: u32 = std::env::var("SYNC_SOAK_PEOPLE")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(8_400);
    let Scratch {
        running: _running,
        d,
        dir: _dir,
        db,
        service,
    } = Scratch::records("sync", people).await;

    // Records HubSpot takes and Salesforce refuses: contacts without a last name.
    let hubspot = bridge_tests::emulator::client(&d, Provider::Hubspot);

    let (db2, s2, d2) = (db.clone(), service.clone(), d.clone());
    tokio::task::spawn_blocking(move || {
        connect(&db2, &s2, &d2, Provider::Hubspot);
        connect(&db2, &s2, &d2, Provider::Salesforce);
        run_ok(
            &db2,
            &s2,
            &[
                "add-sync-pair",
                "--a",
                "1",
                "--b",
                "2",
                "--objects",
                "company,person",
            ],
        );
        run_ok(&db2, &s2, &["pull"]);
    })
    .await
    .unwrap();
    {
        let store = Store::open(&db).unwrap();
        let people = store
            .read(|c| records::sync_view(c, HUBSPOT, ObjectType::Person))
            .unwrap();
        let nameless: Vec<Update> = people
            .iter()
            .step_by(300)
            .map(|p| Update {
                remote_id: p.remote_id.clone(),
                fields: json!({"last_name": ""}).as_object().unwrap().clone(),
            })
            .collect();
        for r in hubspot.update(ObjectType::Person, &nameless).await {
            r.unwrap();
        }
    }
    // What each side holds before the sync, by key.
    let (db2, s2) = (db.clone(), service.clone());
    tokio::task::spawn_blocking(move || run_ok(&db2, &s2, &["pull"]))
        .await
        .unwrap();
    let before_ids: Vec<[HashMap<String, Vec<String>>; 2]> = {
        let store = Store::open(&db).unwrap();
        TYPES
            .iter()
            .map(|t| {
                [
                    key_ids(&store, HUBSPOT, *t),
                    key_ids(&store, SALESFORCE, *t),
                ]
            })
            .collect()
    };
    let before: Vec<[HashMap<String, usize>; 2]> = {
        let store = Store::open(&db).unwrap();
        TYPES
            .iter()
            .map(|t| {
                [
                    key_counts(&store, HUBSPOT, *t),
                    key_counts(&store, SALESFORCE, *t),
                ]
            })
            .collect()
    };
    let total: usize = before
        .iter()
        .flat_map(|s| s.iter())
        .flat_map(|m| m.values())
        .sum();
    eprintln!("{total} records on the two sides before the sync");

    // Faults on; `crm-bridge sync` killed after 1-6 s, again and again, until a run ends by itself.
    set_faults(
        &d,
        "error_rate=0.04,rate_limit_rate=0.04,drop_rate=0.02,malformed_rate=0.02,lost_answer_rate=0.03,seed=7",
    )
    .await;
    let (db2, s2) = (db.clone(), service.clone());
    let kills = tokio::task::spawn_blocking(move || {
        common::kill_until_done(
            || {
                let mut c = cli(&db2, &s2);
                c.args(["sync", "--pair", "1"]);
                c
            },
            0x5EED_5C5C,
            1_000..6_000,
            4,
            common::OnFailure::RunAgain,
            Duration::from_secs(900),
        )
    })
    .await
    .unwrap();
    eprintln!("killed {kills} times");

    // Every record is on the other side, or its write waits with the CRM's reason.
    let engine = Engine::open_with_secrets(&db, Arc::new(Keyring::new(service.clone()))).unwrap();
    let pair = engine.sync_pairs().unwrap().remove(0);
    let store = engine.store();
    let mut queued = 0;
    for t in TYPES {
        let states = store.read(|c| sync_state::list(c, pair.id, t)).unwrap();
        for (side, connection) in [(Side::A, HUBSPOT), (Side::B, SALESFORCE)] {
            let linked: std::collections::HashSet<&str> = states
                .iter()
                .map(|s| {
                    if side == Side::A {
                        s.a_remote_id.as_str()
                    } else {
                        s.b_remote_id.as_str()
                    }
                })
                .collect();
            let other = if side == Side::A { Side::B } else { Side::A };
            let waiting: HashMap<String, outbox::OutboxWrite> = store
                .read(|c| outbox::pending(c, pair.id))
                .unwrap()
                .into_iter()
                .chain(failed_writes(&engine))
                .filter(|w| w.object_type == t && w.side == other)
                .map(|w| (w.source_remote_id.clone(), w))
                .collect();
            for r in store
                .read(|c| records::sync_view(c, connection, t))
                .unwrap()
            {
                if linked.contains(r.remote_id.as_str()) {
                    continue;
                }
                assert!(
                    waiting.contains_key(&r.remote_id),
                    "{t} {} ({}) is neither synced nor queued",
                    r.display_name,
                    r.remote_id
                );
                queued += 1;
            }
        }
    }
    let failed = all_failed(&engine);
    assert!(failed.iter().all(|f| !f.message.is_empty()));
    let refused: Vec<_> = failed
        .iter()
        .filter(|f| f.category == ErrorCategory::Validation)
        .collect();
    assert!(
        !refused.is_empty(),
        "Salesforce refuses contacts without a last name"
    );
    for f in &refused {
        assert_eq!(
            (f.connection_id, f.field.as_deref()),
            (SALESFORCE, Some("last_name")),
            "{}",
            f.message
        );
    }
    eprintln!(
        "{queued} records waiting, {} in the failed queue ({} refused by Salesforce)",
        failed.len(),
        refused.len()
    );

    // Faults off: the queue is re-synced (transient failures go through; what Salesforce refuses
    // stays), a person gives each refused contact a last name and re-syncs them; two more syncs.
    drop(engine);
    set_faults(
        &d,
        "error_rate=0,rate_limit_rate=0,drop_rate=0,malformed_rate=0,lost_answer_rate=0",
    )
    .await;
    let (db2, s2) = (db.clone(), service.clone());
    tokio::task::spawn_blocking(move || run_ok(&db2, &s2, &["resync-failed", "--all"]))
        .await
        .unwrap();
    let engine = Engine::open_with_secrets(&db, Arc::new(Keyring::new(service.clone()))).unwrap();
    let refused: Vec<_> = all_failed(&engine)
        .into_iter()
        .filter(|f| f.category == ErrorCategory::Validation)
        .collect();
    assert!(refused.len() >= 21, "{} refused", refused.len());
    for (i, f) in refused.iter().enumerate() {
        assert_eq!(f.field.as_deref(), Some("last_name"), "{}", f.message);
        let mut payload = f.payload.clone();
        payload["last_name"] = json!(format!("Fixed{i}"));
        engine.edit_failed(f.id, payload).unwrap();
    }
    drop(engine);
    let (db2, s2) = (db.clone(), service.clone());
    tokio::task::spawn_blocking(move || {
        run_ok(&db2, &s2, &["resync-failed", "--category", "validation"]);
        run_ok(&db2, &s2, &["sync"]);
        // Records both sides changed at the very same second (bulk updates) cannot be told apart
        // by time: they wait in the Conflicts inbox, and a person keeps HubSpot's values.
        let inbox: Value =
            serde_json::from_str(&run_ok(&db2, &s2, &["conflicts", "--json"])).unwrap();
        let inbox = inbox.as_array().unwrap();
        eprintln!("{} conflicts to settle", inbox.len());
        for c in inbox {
            let id = c["id"].to_string();
            run_ok(&db2, &s2, &["resolve-conflict", &id, "--all", "a"]);
        }
        run_ok(&db2, &s2, &["sync"]);
        run_ok(&db2, &s2, &["pull"]);
    })
    .await
    .unwrap();

    let engine = Engine::open_with_secrets(&db, Arc::new(Keyring::new(service.clone()))).unwrap();
    let store = engine.store();
    // What stays in the queue: only creates a CRM refuses because the record exists there already
    // (two contacts of one side with one e-mail; HubSpot keeps e-mails unique): a merge settles them.
    let left = all_failed(&engine);
    for f in &left {
        assert_eq!(f.category, ErrorCategory::Conflict, "{f:?}");
        assert!(f.message.contains("already exists"), "{}", f.message);
    }
    let duplicates: Vec<outbox::OutboxWrite> = failed_writes(&engine);
    let last = engine.sync_runs(Some(pair.id), 1).unwrap().remove(0);
    assert_eq!(
        (
            last.counts.created,
            last.counts.updated,
            last.counts.failed,
            last.counts.conflicts
        ),
        (0, 0, 0, 0),
        "the last run found nothing left to write (and echoed nothing back)"
    );
    // Both sides agree field by field.
    let companies: HashMap<String, String> = store
        .read(|c| sync_state::list(c, pair.id, ObjectType::Company))
        .unwrap()
        .into_iter()
        .map(|s| (s.b_remote_id, s.a_remote_id))
        .collect();
    for (i, t) in TYPES.iter().enumerate() {
        let fields = engine.sync_fields(pair.a, pair.b, *t, None).unwrap();
        let a: HashMap<String, _> = store
            .read(|c| records::sync_view(c, HUBSPOT, *t))
            .unwrap()
            .into_iter()
            .map(|r| (r.remote_id.clone(), r))
            .collect();
        let b: HashMap<String, _> = store
            .read(|c| records::sync_view(c, SALESFORCE, *t))
            .unwrap()
            .into_iter()
            .map(|r| (r.remote_id.clone(), r))
            .collect();
        let states = store.read(|c| sync_state::list(c, pair.id, *t)).unwrap();
        let held = |side| {
            duplicates
                .iter()
                .filter(|w| w.object_type == *t && w.side == side)
                .count()
        };
        assert_eq!(
            states.len() + held(Side::B),
            a.len(),
            "every HubSpot {t} is linked or held"
        );
        assert_eq!(
            states.len() + held(Side::A),
            b.len(),
            "every Salesforce {t} is linked or held"
        );
        for s in &states {
            let (ra, rb) = (&a[&s.a_remote_id], &b[&s.b_remote_id]);
            for f in &fields {
                let va = ra.fields.get(f).cloned().unwrap_or(Value::Null);
                let mut vb = rb.fields.get(f).cloned().unwrap_or(Value::Null);
                if f == "company_id" {
                    vb = vb
                        .as_str()
                        .and_then(|id| companies.get(id))
                        .map(|id| json!(id))
                        .unwrap_or(Value::Null);
                }
                assert!(
                    same(&va, &vb),
                    "{t} {}: `{f}` is {va} in HubSpot and {vb} in Salesforce",
                    ra.display_name
                );
            }
        }
        // Nothing was created twice: each key is held as often as the side that held it most.
        let after = [
            key_counts(store, HUBSPOT, *t),
            key_counts(store, SALESFORCE, *t),
        ];
        // Records sharing a key are matched one to one, so each side ends with as many as the side
        // that had most; records without a key never match, so each side ends with all of them.
        let mut want: HashMap<String, usize> = HashMap::new();
        for side in &before[i] {
            for (k, n) in side {
                let e = want.entry(k.clone()).or_default();
                *e = if k.starts_with("(no key)") {
                    *e + n
                } else {
                    (*e).max(*n)
                };
            }
        }
        for ((side, name), got) in [(Side::A, "HubSpot"), (Side::B, "Salesforce")]
            .iter()
            .zip(&after)
        {
            let mut want = want.clone();
            for w in duplicates
                .iter()
                .filter(|w| w.object_type == *t && w.side == *side)
            {
                let key = key_of(*t, &w.fields).expect("a refused duplicate has a key");
                *want.get_mut(&key).unwrap() -= 1;
            }
            for (k, n) in &want {
                assert_eq!(
                    got.get(k).copied().unwrap_or(0),
                    *n,
                    "{name} holds {t} `{k}` {:?} times, want {n} (before: {:?}; after: {:?}; queued: {:?}; the records that held it: {})",
                    got.get(k),
                    before[i].iter().map(|side| side.get(k)).collect::<Vec<_>>(),
                    after.iter().map(|side| side.get(k)).collect::<Vec<_>>(),
                    left.iter()
                        .filter(|f| f.payload.to_string().contains(k.as_str()))
                        .map(|f| (&f.operation, &f.message))
                        .collect::<Vec<_>>(),
                    trace(store, pair.id, *t, &before_ids[i], k)
                );
            }
            assert_eq!(
                got.len(),
                want.values().filter(|n| **n > 0).count(),
                "{name} holds {t} keys no side held"
            );
        }
    }
}

fn same(a: &Value, b: &Value) -> bool {
    let blank = |v: &Value| v.is_null() || v.as_str().is_some_and(|s| s.trim().is_empty());
    match (a, b) {
        _ if blank(a) && blank(b) => true,
        (Value::String(x), Value::String(y)) => x.trim() == y.trim(),
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        // HubSpot keeps every property as text.
        (Value::Number(n), Value::String(s)) | (Value::String(s), Value::Number(n)) => {
            s.trim().parse::<f64>().ok() == n.as_f64()
        }
        _ => a == b,
    }
}

/// Every open failed record (more than a screen's page).
fn all_failed(engine: &Engine) -> Vec<bridge_model::FailedRecord> {
    use bridge_store::failed_records::{Filter, list};
    engine
        .store()
        .read(|c| list(c, &Filter::default(), 0, i64::MAX))
        .unwrap()
}

fn failed_writes(engine: &Engine) -> Vec<outbox::OutboxWrite> {
    let ids: Vec<i64> = all_failed(engine).iter().map(|f| f.id).collect();
    let store = engine.store();
    let rows: Vec<i64> = store
        .read(|c| bridge_store::failed_records::outbox_of(c, &ids))
        .unwrap()
        .into_iter()
        .map(|(_, o)| o)
        .collect();
    store.read(|c| outbox::get_many(c, &rows)).unwrap()
}
