//! Salesforce through Bulk API 2.0 against REST, on the emulated org: a pull of 200,000 contacts
//! (a whole pull above 10,000 records takes the bulk path; a pull since a moment REST's query
//! pages of 2,000) and a write of 50,000 contacts (ingest jobs of 10,000 against sObject
//! Collections of 200). Records per second and calls each path makes.
//!
//! `cargo bench -p bridge-tests --bench bulk_pull`

use std::time::Instant;

use bridge_crm::{Endpoint, PullRequest, Secret, connect};
use bridge_fakecrm::{Config, start};
use bridge_model::{ObjectType, Provider};
use chrono::{DateTime, Utc};

#[tokio::main]
async fn main() {
    let running = start(Config {
        records: 200_000,
        ..Config::default()
    })
    .await
    .expect("emulator starts");
    let d = &running.description;
    let crm = connect(
        Endpoint {
            provider: Provider::Salesforce,
            base_url: d.salesforce.instance_url.clone(),
            secret: Secret::api_key(&d.salesforce.access_token),
        },
        None,
    )
    .expect("an emulator address is a URL");
    let long_ago: DateTime<Utc> = "2000-01-01T00:00:00Z".parse().unwrap();
    let mut figures = Vec::new();
    for (name, since) in [("Bulk API 2.0", None), ("REST query", Some(long_ago))] {
        let started = Instant::now();
        let (mut records, mut requests, mut cursor) = (0usize, 0usize, None);
        loop {
            let page = crm
                .pull(&PullRequest {
                    object_type: ObjectType::Person,
                    since,
                    cursor: cursor.clone(),
                })
                .await
                .expect("the pull goes through");
            records += page.records.len();
            requests += 1;
            match page.next {
                Some(next) => cursor = Some(next),
                None => break,
            }
        }
        let secs = started.elapsed().as_secs_f64();
        println!(
            "{name:<13} {records} contacts in {secs:.1} s: {:.0} records/s, {requests} pages",
            records as f64 / secs
        );
        figures.push(records as f64 / secs);
    }
    println!(
        "Bulk API 2.0 pulls {:.1}x as fast as REST",
        figures[0] / figures[1]
    );

    const WRITES: usize = 50_000;
    let mut rates = Vec::new();
    for (name, size) in [
        ("Bulk API 2.0", crm.batch_size_for(WRITES)),
        ("REST collections", crm.batch_size()),
    ] {
        let people: Vec<bridge_model::Fields> = (0..WRITES)
            .map(|i| {
                serde_json::json!({"first_name": "Bench", "last_name": format!("{name} {i}"),
                    "email": format!("bench{i}.{}@write.example", size)})
                .as_object()
                .unwrap()
                .clone()
            })
            .collect();
        let started = Instant::now();
        let (mut written, mut calls) = (0usize, 0usize);
        for part in people.chunks(size) {
            written += crm
                .create(ObjectType::Person, part)
                .await
                .iter()
                .filter(|r| r.is_ok())
                .count();
            calls += 1;
        }
        let secs = started.elapsed().as_secs_f64();
        println!(
            "{name:<17} {written} of {WRITES} contacts written in {secs:.1} s: {:.0} records/s, {calls} write calls",
            written as f64 / secs
        );
        rates.push(written as f64 / secs);
    }
    println!(
        "Bulk API 2.0 writes {:.1}x as fast as REST",
        rates[0] / rates[1]
    );
}
