//! Benchmark (not a test): fill a database with 200,000 records and time Records page queries.
//!
//! `cargo bench -p bridge-tests --bench records_page` prints the figures. Target: under 20 ms per page.

use std::time::{Duration, Instant};

use bridge_engine::Engine;
use bridge_model::{ObjectType, Provider, RecordQuery};
use bridge_tests::fixtures;

const RECORDS: u64 = 200_000;
const RUNS: usize = 30;

fn main() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("bench.sqlite3");
    let engine = Engine::open(&path).expect("open");
    let started = Instant::now();
    let hubspot = fixtures::add_connection(engine.store(), Provider::Hubspot, "HubSpot");
    let close = fixtures::add_connection(engine.store(), Provider::Close, "Close");
    fixtures::fill(engine.store(), hubspot, RECORDS / 2 - 10_000, 10_000, 1);
    fixtures::fill(engine.store(), close, RECORDS / 2 - 10_000, 10_000, 2);
    let fill = started.elapsed();
    let total = engine
        .record_page(&RecordQuery {
            limit: 1,
            ..Default::default()
        })
        .expect("count")
        .total;
    println!(
        "filled {total} records in {:.1} s ({:.0} records/s)",
        fill.as_secs_f64(),
        total as f64 / fill.as_secs_f64()
    );

    let cases: Vec<(&str, RecordQuery)> = vec![
        ("first page, no filter", query(None, None, 0)),
        ("page at offset 100,000", query(None, None, 100_000)),
        ("last page", query(None, None, total - 100)),
        ("search 'smith'", query(Some("smith"), None, 0)),
        (
            "search 'anna smith' (two words)",
            query(Some("anna smith"), None, 0),
        ),
        (
            "search 'globex' + person",
            query(Some("globex"), Some(ObjectType::Person), 0),
        ),
        (
            "search 'globex', offset 2,000",
            query(Some("globex"), None, 2_000),
        ),
        (
            "search 'example' (matches all)",
            query(Some("example"), None, 0),
        ),
        (
            "search '555 01' (phone digits)",
            query(Some("555 01"), None, 0),
        ),
    ];
    println!(
        "{:<36} {:>9} {:>10} {:>10}",
        "query", "matches", "median ms", "max ms"
    );
    for (name, q) in cases {
        let mut times: Vec<Duration> = Vec::with_capacity(RUNS);
        let mut matches = 0;
        for _ in 0..RUNS {
            let t = Instant::now();
            let page = engine.record_page(&q).expect("page");
            times.push(t.elapsed());
            matches = page.total;
        }
        times.sort();
        println!(
            "{name:<36} {matches:>9} {:>10.2} {:>10.2}",
            ms(times[RUNS / 2]),
            ms(times[RUNS - 1])
        );
    }
}

fn query(search: Option<&str>, object_type: Option<ObjectType>, offset: i64) -> RecordQuery {
    RecordQuery {
        connection_id: None,
        object_type,
        search: search.map(str::to_owned),
        offset,
        limit: 100,
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
