//! Benchmark (not a test): 50,000 candidate groups (100,000 records) waiting for review, and the
//! queries the Duplicates screen makes while a person scrolls and decides: a page of groups (the
//! virtual list asks for 100 at a time), one group's detail and a merge preview.
//!
//! `make bench` (or `cargo bench -p bridge-tests --bench duplicate_groups`) prints the figures.
//! Target: every query under 50 ms, so the list scrolls without waiting.

use std::time::{Duration, Instant};

use bridge_engine::{Engine, MergeChoice};
use bridge_model::{ObjectType, Provider, RecordId};
use bridge_store::duplicate_groups::{self, NewGroup};
use bridge_tests::fixtures;

const GROUPS: i64 = 50_000;

/// One query the screen makes, run for timing.
type Query<'a> = Box<dyn Fn() + 'a>;
const RUNS: usize = 30;

fn main() {
    let dir = tempfile::tempdir().expect("temp dir");
    let engine = Engine::open(&dir.path().join("bench.sqlite3")).expect("open");
    let started = Instant::now();
    let hubspot = fixtures::add_connection(engine.store(), Provider::Hubspot, "HubSpot");
    let close = fixtures::add_connection(engine.store(), Provider::Close, "Close");
    fixtures::fill(engine.store(), hubspot, GROUPS as u64, 0, 1);
    fixtures::fill(engine.store(), close, GROUPS as u64, 0, 2);
    // Pair the n-th person of one CRM with the n-th of the other: a cross-CRM group each.
    let now = fixtures::fixture_now();
    engine
        .store()
        .write(|tx| {
            let ids = |c| -> bridge_store::Result<Vec<i64>> {
                Ok(
                    bridge_store::records::fields_of(tx, &[ObjectType::Person], &[c])?
                        .into_iter()
                        .map(|r| r.id.0)
                        .collect(),
                )
            };
            let (left, right) = (ids(hubspot)?, ids(close)?);
            for (i, (a, b)) in left.iter().zip(&right).enumerate() {
                duplicate_groups::insert(
                    tx,
                    &NewGroup {
                        object_type: ObjectType::Person,
                        score: 0.5 + (i % 500) as f64 / 1000.0,
                        members: vec![RecordId(*a), RecordId(*b)],
                        explanation: r#"{"pairs":[]}"#.into(),
                    },
                    now,
                )?;
            }
            Ok(())
        })
        .expect("groups");
    println!(
        "filled {} records and {} groups in {:.1} s",
        2 * GROUPS,
        engine.duplicate_groups(0, 1).expect("count").total,
        started.elapsed().as_secs_f64()
    );
    let first = engine.duplicate_groups(0, 1).expect("page").rows[0].id;
    let cases: Vec<(&str, Query)> = vec![
        (
            "first page of 100 + total",
            Box::new(|| drop(engine.duplicate_groups(0, 100).expect("page"))),
        ),
        (
            "page at group 25,000",
            Box::new(|| drop(engine.duplicate_groups(25_000, 100).expect("page"))),
        ),
        (
            "last page (group 49,900)",
            Box::new(|| drop(engine.duplicate_groups(GROUPS - 100, 100).expect("page"))),
        ),
        (
            "one group's detail",
            Box::new(|| drop(engine.duplicate_group(first).expect("group"))),
        ),
        (
            "merge preview of a group",
            Box::new(|| {
                drop(
                    engine
                        .merge_preview(first, &MergeChoice::default())
                        .expect("preview"),
                )
            }),
        ),
        (
            "merge history page",
            Box::new(|| drop(engine.merges(0, 100).expect("merges"))),
        ),
    ];
    println!("{:<30} {:>10} {:>10}", "query", "median ms", "max ms");
    for (name, run) in cases {
        let mut times: Vec<Duration> = (0..RUNS)
            .map(|_| {
                let t = Instant::now();
                run();
                t.elapsed()
            })
            .collect();
        times.sort();
        println!(
            "{name:<30} {:>10.2} {:>10.2}",
            times[RUNS / 2].as_secs_f64() * 1000.0,
            times[RUNS - 1].as_secs_f64() * 1000.0
        );
    }
}
