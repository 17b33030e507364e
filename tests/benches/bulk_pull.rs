//! Salesforce through Bulk API 2.0 against REST, on the emulated org: a pull of 200,000 contacts
//! (a whole pull above 10,000 records takes the bulk path; a pull since a moment REST's query
//! pages of 2,000) and a write of 50,000 contacts (ingest jobs of 10,000 against sObject
//! Collections of 200). Records per second and calls each path makes, on loopback and with 150 ms
//! a call (a real org's round trip and work per request): the calls are what a real org charges
//! against the daily allowance and the time it takes.
//!
//! `cargo bench -p bridge-tests --bench bulk_pull`

use std::time::Instant;

use bridge_crm::{Crm, Endpoint, PullRequest, Secret, connect};
use bridge_fakecrm::{Config, start};
use bridge_model::{Fields, ObjectType, Provider};
use chrono::{DateTime, Utc};

const WRITES: usize = 50_000;

async fn pull(crm: &dyn Crm, since: Option<DateTime<Utc>>) -> (usize, usize, f64) {
    let started = Instant::now();
    let (mut records, mut pages, mut cursor) = (0usize, 0usize, None);
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
        pages += 1;
        match page.next {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    (records, pages, started.elapsed().as_secs_f64())
}

async fn write(crm: &dyn Crm, size: usize, tag: &str) -> (usize, usize, f64) {
    let people: Vec<Fields> = (0..WRITES)
        .map(|i| {
            serde_json::json!({"first_name": "Bench", "last_name": format!("{tag} {i}"),
                "email": format!("bench{i}.{tag}@write.example")})
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
    (written, calls, started.elapsed().as_secs_f64())
}

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
    for latency in [0, 150] {
        bridge_tests::emulator::set_faults(
            &d.admin_url,
            Provider::Salesforce,
            &format!("latency_ms={latency}"),
        )
        .await;
        println!("-- {latency} ms a call");
        let mut rates = Vec::new();
        for (name, since) in [("Bulk API 2.0", None), ("REST query", Some(long_ago))] {
            let (records, pages, secs) = pull(crm.as_ref(), since).await;
            println!(
                "pull  {name:<17} {records} contacts in {secs:.1} s: {:.0} records/s, {pages} pages",
                records as f64 / secs
            );
            rates.push(records as f64 / secs);
        }
        println!("pull  Bulk API 2.0 / REST: {:.1}x", rates[0] / rates[1]);
        let mut rates = Vec::new();
        for (name, size) in [
            ("Bulk API 2.0", crm.batch_size_for(WRITES)),
            ("REST collections", crm.batch_size()),
        ] {
            let tag = format!("{latency}-{size}");
            let (written, calls, secs) = write(crm.as_ref(), size, &tag).await;
            println!(
                "write {name:<17} {written} of {WRITES} contacts in {secs:.1} s: {:.0} records/s, {calls} write calls",
                written as f64 / secs
            );
            rates.push(written as f64 / secs);
        }
        println!("write Bulk API 2.0 / REST: {:.1}x", rates[0] / rates[1]);
    }
}
