//! Benchmark (not a test): the local ingest rate — 1,000,000 pulled records written into the sync
//! database the way a pull writes them (batches of `records::WRITE_BATCH`, each one transaction
//! through the same store functions), then the same records again (an incremental pull that finds
//! nothing changed). The search index catches up after a pull: that time is printed on its own, and
//! the queries are timed before it (the records not indexed yet are matched one by one) and after.
//!
//! `make bench` (or `cargo bench -p bridge-tests --bench ingest`) prints the figures. Target: at least
//! 100,000 records/s. `INGEST_RECORDS` sets another size.

use std::time::Instant;

use bridge_model::{NewRecord, ObjectType, Provider, RecordQuery};
use bridge_store::{Store, records, search_index};
use bridge_tests::fixtures;

/// The allocator the app and the CLI use.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let total: u64 = std::env::var("INGEST_RECORDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    let dir = tempfile::tempdir().expect("temp dir");
    let store = Store::open(&dir.path().join("bench.sqlite3")).expect("open");
    let connection = fixtures::add_connection(&store, Provider::Hubspot, "HubSpot");

    // A pulled record carries the CRM's own payload too (`raw`): here the fields again, as a CRM
    // sends them, so each record is the size of a real one (~400 bytes of JSON twice).
    let mut seq = fixtures::Sequence::new(11);
    let companies = total / 20;
    let mut all: Vec<NewRecord> = (0..total - companies)
        .map(|i| fixtures::person(connection, &mut seq, i))
        .collect();
    all.extend((0..companies).map(|i| fixtures::company(connection, &mut seq, i)));
    let mut all: Vec<NewRecord> = all
        .into_iter()
        .map(|mut r| {
            let mut raw = r.fields.clone();
            raw.insert("id".into(), r.remote_id.clone().into());
            raw.insert("archived".into(), false.into());
            r.raw = serde_json::Value::Object(raw);
            r
        })
        .collect();
    // Pages arrive in modified-time order, not by name or id.
    all.sort_by_key(|r| r.remote_modified_at);
    let now = fixtures::fixture_now();

    for (pass, what) in [(1, "new"), (2, "unchanged")] {
        let started = Instant::now();
        let mut counts = [0usize; 3];
        // As a pull writes: the pages of a batch in one transaction.
        for batch in all.chunks(records::WRITE_BATCH) {
            let outcomes = store
                .write(|tx| records::store_page(tx, batch, now))
                .expect("a batch commits");
            for o in outcomes {
                counts[o as usize] += 1;
            }
        }
        let secs = started.elapsed().as_secs_f64();
        println!(
            "pass {pass} ({what}): {} records in {secs:.2} s = {:.0} records/s (created {}, updated {}, unchanged {})",
            all.len(),
            all.len() as f64 / secs,
            counts[0],
            counts[1],
            counts[2]
        );
        if pass == 1 {
            // Listed and found right away; found through the index once it has caught up.
            print_queries(&store, "before the search index caught up");
            let started = Instant::now();
            let mut indexed = 0;
            loop {
                let added = store
                    .write(|tx| search_index::catch_up(tx, 50_000))
                    .expect("a step commits");
                if added == 0 {
                    break;
                }
                indexed += added;
            }
            let secs = started.elapsed().as_secs_f64();
            println!(
                "search index caught up after the pull: {indexed} records in {secs:.2} s = {:.0} records/s",
                indexed as f64 / secs
            );
            print_queries(&store, "after");
        }
    }
}

/// The first page of people by name with the total, and a search with its total.
fn print_queries(store: &Store, when: &str) {
    for (what, search) in [
        ("first page + total", None),
        ("search 'smith' + total", Some("smith")),
    ] {
        let query = RecordQuery {
            connection_id: None,
            object_type: Some(ObjectType::Person),
            search: search.map(str::to_owned),
            offset: 0,
            limit: 100,
            with_total: true,
        };
        let started = Instant::now();
        let rows = store.read(|c| records::page(c, &query)).expect("page");
        let count = store.read(|c| records::count(c, &query)).expect("count");
        println!(
            "  {what} ({when}): {} rows of {count} in {:.1} ms",
            rows.len(),
            started.elapsed().as_secs_f64() * 1000.0
        );
    }
}
