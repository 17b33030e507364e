//! How close the clients pull to each CRM's rate limit, with the emulator enforcing the real published
//! limits (HubSpot 190 requests / 10 s, Close 20 / s, Pipedrive 40 / 2 s). Each client pulls people for
//! about 30 seconds; the figure is records per second against the most the limit allows (requests per
//! second x page size), and how many requests the CRM refused with 429.
//!
//! `cargo bench -p bridge-tests --bench pull_rate`

use std::time::{Duration, Instant};

use bridge_crm::{Endpoint, PullRequest, Secret, connect};
use bridge_fakecrm::{Config, start};
use bridge_model::{ObjectType, Provider};

const RUN: Duration = Duration::from_secs(30);

struct Case {
    provider: Provider,
    base_url: String,
    secret: Secret,
    /// Requests per second the limit allows, and records per page.
    allowed_per_s: f64,
    page: f64,
}

#[tokio::main]
async fn main() {
    let config = Config {
        records: 400_000,
        ..Config::default()
    };
    let limits = (
        config.hubspot_per_10s,
        config.close_per_s,
        config.pipedrive_per_2s,
    );
    let running = start(config).await.expect("emulator starts");
    let d = &running.description;
    let cases = vec![
        Case {
            provider: Provider::Hubspot,
            base_url: d.hubspot.base_url.clone(),
            secret: Secret::api_key(&d.hubspot.token),
            allowed_per_s: limits.0 as f64 / 10.0,
            page: 100.0,
        },
        Case {
            provider: Provider::Close,
            base_url: d.close.base_url.clone(),
            secret: Secret::api_key(&d.close.api_key),
            allowed_per_s: limits.1 as f64,
            page: 100.0,
        },
        Case {
            provider: Provider::Pipedrive,
            base_url: d.pipedrive.base_url.clone(),
            secret: Secret::api_key(&d.pipedrive.api_token),
            allowed_per_s: limits.2 as f64 / 2.0,
            page: 500.0,
        },
    ];
    println!(
        "pull rate against the published limits, {} s per CRM (all three at once):",
        RUN.as_secs()
    );
    let runs = cases.into_iter().map(|case| {
        tokio::spawn(async move {
            let crm = connect(
                Endpoint {
                    provider: case.provider,
                    base_url: case.base_url.clone(),
                    secret: case.secret.clone(),
                },
                None,
            )
            .unwrap();
            let started = Instant::now();
            let (mut records, mut requests, mut cursor) = (0usize, 0usize, None);
            while started.elapsed() < RUN {
                let page = crm
                    .pull(&PullRequest {
                        object_type: ObjectType::Person,
                        since: None,
                        cursor: cursor.clone(),
                    })
                    .await
                    .expect("page");
                records += page.records.len();
                requests += 1;
                cursor = page.next;
                if cursor.is_none() {
                    break;
                }
            }
            let seconds = started.elapsed().as_secs_f64();
            (case, records, requests, seconds)
        })
    });
    let mut results = Vec::new();
    for run in runs {
        results.push(run.await.unwrap());
    }
    let log: serde_json::Value =
        reqwest::get(format!("{}/requests", running.description.admin_url))
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
    for (case, records, requests, seconds) in results {
        let name = case.provider.as_str();
        let refused = log["requests"]
            .as_array()
            .map(|all| {
                all.iter()
                    .filter(|r| r["provider"] == name && r["status"] == 429)
                    .count()
            })
            .unwrap_or(0);
        let rate = records as f64 / seconds;
        let most = case.allowed_per_s * case.page;
        println!(
            "  {:<10} {records:>7} records in {requests:>4} requests over {seconds:>5.1} s: {rate:>7.0} records/s of {most:>6.0} allowed = {:>5.1} %, {refused} answered 429",
            case.provider.label(),
            rate / most * 100.0,
        );
    }
    running.stop().await;
}
