//! Benchmark (not a test): fill a database with 200,000 records and time Records page queries.
//!
//! `make bench` (or `cargo bench -p bridge-tests --bench records_page`) prints the figures.
//! Target: under 20 ms per page.

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
        .record_page(&query(None, None, 0, true))
        .expect("count")
        .total
        .expect("asked for the total");
    println!(
        "filled {total} records in {:.1} s ({:.0} records/s)",
        fill.as_secs_f64(),
        total as f64 / fill.as_secs_f64()
    );

    // The list asks for the total once per filter (with its first page), then only for pages.
    let cases = [
        ("first page + total, no filter", query(None, None, 0, true)),
        ("page at offset 100,000", query(None, None, 100_000, false)),
        ("last page", query(None, None, total - 100, false)),
        (
            "first page + total, Person only",
            query(None, Some(ObjectType::Person), 0, true),
        ),
        (
            "search 'smith' + total",
            query(Some("smith"), None, 0, true),
        ),
        (
            "search 'smith', page at 5,000",
            query(Some("smith"), None, 5_000, false),
        ),
        (
            "search 'anna smith' + total",
            query(Some("anna smith"), None, 0, true),
        ),
        (
            "search 'globex' person + total",
            query(Some("globex"), Some(ObjectType::Person), 0, true),
        ),
        (
            "search 'globex', page at 2,000",
            query(Some("globex"), None, 2_000, false),
        ),
        (
            "search 'tyrell.example' + total",
            query(Some("tyrell.example"), None, 0, true),
        ),
        (
            "search 'mül' (3 letters) + total",
            query(Some("mül"), None, 0, true),
        ),
        (
            "search '555 01' (phone) + total",
            query(Some("555 01"), None, 0, true),
        ),
        (
            "search 'example' (all) + total",
            query(Some("example"), None, 0, true),
        ),
        (
            "search 'example' (all), page only",
            query(Some("example"), None, 0, false),
        ),
    ];
    println!(
        "{:<36} {:>9} {:>10} {:>10}",
        "query (100 rows a page)", "matches", "median ms", "max ms"
    );
    for (name, q) in cases {
        let mut times: Vec<Duration> = Vec::with_capacity(RUNS);
        let mut matches = "-".to_owned();
        for _ in 0..RUNS {
            let t = Instant::now();
            let page = engine.record_page(&q).expect("page");
            times.push(t.elapsed());
            if let Some(n) = page.total {
                matches = n.to_string();
            }
        }
        times.sort();
        println!(
            "{name:<36} {matches:>9} {:>10.2} {:>10.2}",
            ms(times[RUNS / 2]),
            ms(times[RUNS - 1])
        );
    }
}

fn query(
    search: Option<&str>,
    object_type: Option<ObjectType>,
    offset: i64,
    with_total: bool,
) -> RecordQuery {
    RecordQuery {
        connection_id: None,
        object_type,
        search: search.map(str::to_owned),
        offset,
        limit: 100,
        with_total,
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
