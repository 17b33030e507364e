//! Benchmark (not a test): the emulator's memory with 1,000,000 people per provider, and how many
//! requests per second it serves on loopback, the load generator running in the same process on the
//! same cores. `cargo bench -p bridge-fakecrm --bench load`. Targets: under 2 GB, at least 5,000/s.

use std::{
    sync::{
        Arc,
        atomic::{AtomicU64, Ordering},
    },
    time::Instant,
};

use bridge_fakecrm::{Config, start};

const PEOPLE: u32 = 1_000_000;
const REQUESTS: u64 = 60_000;
const CLIENTS: usize = 32;

fn rss_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map(|kb| kb / 1024.0)
        .unwrap_or(f64::NAN)
}

#[tokio::main]
async fn main() {
    let before = rss_mib();
    let started = Instant::now();
    let running = start(Config {
        records: PEOPLE,
        hubspot_per_10s: u32::MAX,
        hubspot_search_per_s: u32::MAX,
        ..Config::default()
    })
    .await
    .expect("emulator starts");
    println!(
        "start with {PEOPLE} people per provider (+ {} companies, {} deals, {} notes; providers: HubSpot, Salesforce, Close, Pipedrive; load on HubSpot): {:.2} s, RSS {:.0} MiB (process before: {:.0} MiB)",
        PEOPLE / 5,
        PEOPLE / 4,
        PEOPLE / 2,
        started.elapsed().as_secs_f64(),
        rss_mib(),
        before
    );

    let base = running.description.hubspot.base_url.clone();
    let token = running.description.hubspot.token.clone();
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(CLIENTS)
        .build()
        .unwrap();
    let next = Arc::new(AtomicU64::new(0));
    let failures = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    let workers: Vec<_> = (0..CLIENTS)
        .map(|_| {
            let (client, base, token, next, failures) = (
                client.clone(),
                base.clone(),
                token.clone(),
                next.clone(),
                failures.clone(),
            );
            tokio::spawn(async move {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= REQUESTS {
                        break;
                    }
                    // A mix a sync does: mostly single reads, some pages of 100.
                    let url = if i % 10 == 0 {
                        format!(
                            "{base}/crm/v3/objects/contacts?limit=100&after={}",
                            1 + (i * 7919) % PEOPLE as u64
                        )
                    } else {
                        format!(
                            "{base}/crm/v3/objects/contacts/{}",
                            1 + (i * 104_729) % PEOPLE as u64
                        )
                    };
                    match client.get(url).bearer_auth(&token).send().await {
                        Ok(r) if r.status().is_success() => {
                            let _ = r.bytes().await;
                        }
                        _ => {
                            failures.fetch_add(1, Ordering::Relaxed);
                        }
                    }
                }
            })
        })
        .collect();
    for w in workers {
        w.await.unwrap();
    }
    let secs = started.elapsed().as_secs_f64();
    println!(
        "{REQUESTS} requests ({CLIENTS} keep-alive clients, 90 % single reads, 10 % pages of 100): {:.2} s, {:.0} requests/s, {} failed",
        secs,
        REQUESTS as f64 / secs,
        failures.load(Ordering::Relaxed)
    );
    println!("RSS after the load: {:.0} MiB", rss_mib());
    running.stop().await;
}
