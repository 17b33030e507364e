//! Salesforce pulls through Bulk API 2.0 against REST's query pages, on 200,000 contacts of the
//! emulated org: records per second and requests each path makes. A whole pull above 10,000
//! records takes the bulk path; a pull since a moment takes REST's (2,000 a page).
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
}
