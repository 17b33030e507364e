//! How close a sync writes to the target CRM's rate limit: HubSpot -> Close (Close takes one record a
//! request, 20 requests a second), every field "always HubSpot", nothing created back in HubSpot, so
//! every write of the run goes to Close. The figure is Close writes per second while the run sends,
//! against the 20 a second the limit allows, and how many requests Close refused with 429.
//!
//! `cargo bench -p bridge-tests --bench sync_rate` (in `make bench`). Target: at least 90 %.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
    time::Instant,
};

use bridge_crm::Secret;
use bridge_engine::{Cancel, Engine, SecretStore, SyncPhase};
use bridge_fakecrm::{Config, start};
use bridge_model::{FieldRule, Provider};

/// Sign-ins kept in memory for the length of the benchmark (no keyring needed to measure).
#[derive(Default)]
struct InMemory(Mutex<HashMap<String, Secret>>);

impl SecretStore for InMemory {
    fn save(&self, reference: &str, secret: &Secret) -> bridge_engine::Result<()> {
        self.0
            .lock()
            .unwrap()
            .insert(reference.into(), secret.clone());
        Ok(())
    }
    fn load(&self, reference: &str) -> bridge_engine::Result<Secret> {
        Ok(self.0.lock().unwrap()[reference].clone())
    }
    fn delete(&self, reference: &str) -> bridge_engine::Result<()> {
        self.0.lock().unwrap().remove(reference);
        Ok(())
    }
}

#[tokio::main]
async fn main() {
    let config = Config {
        records: 1_500,
        ..Config::default()
    };
    let allowed = f64::from(config.close_per_s);
    let running = start(config).await.expect("emulator starts");
    let dir = tempfile::tempdir().expect("temp dir");
    let engine = Engine::open_with_secrets(
        &dir.path().join("bench.sqlite3"),
        Arc::new(InMemory::default()),
    )
    .expect("open");
    let connections = engine.connect_demo(&running).await.expect("connect");
    let id = |p| connections.iter().find(|c| c.provider == p).unwrap().id;
    let mut pair = engine
        .suggest_sync_pair(id(Provider::Hubspot), id(Provider::Close))
        .expect("suggest");
    for o in &mut pair.objects {
        o.default_rule = FieldRule::AlwaysA;
        o.create_in_a = false;
    }
    let pair = engine.add_sync_pair(&pair).expect("add");

    let sending: Mutex<(Option<Instant>, Option<Instant>)> = Mutex::new((None, None));
    let progress = |p: &bridge_engine::SyncProgress| {
        if p.phase == SyncPhase::Sending {
            let mut s = sending.lock().unwrap();
            let now = Instant::now();
            s.0.get_or_insert(now);
            s.1 = Some(now);
        }
    };
    let started = Instant::now();
    let report = engine
        .sync(pair.id, &progress, &Cancel::default())
        .await
        .expect("sync");
    let total = started.elapsed().as_secs_f64();
    let (first, last) = *sending.lock().unwrap();
    let secs = last.unwrap().duration_since(first.unwrap()).as_secs_f64();
    let writes = (report.counts.created + report.counts.updated) as f64;
    let requests: serde_json::Value = reqwest::get(format!(
        "{}/requests?provider=close",
        running.description.admin_url
    ))
    .await
    .expect("request log")
    .json()
    .await
    .expect("json");
    let refused = requests
        .as_array()
        .map(|r| r.iter().filter(|q| q["status"] == 429).count())
        .unwrap_or(0);
    println!(
        "HubSpot -> Close: {writes} writes ({} created, {} updated, {} failed) in {secs:.1} s of sending \
         ({total:.1} s with both pulls) = {:.1} writes/s of the {allowed} requests/s Close allows = {:.0} %; \
         {refused} requests refused with 429",
        report.counts.created,
        report.counts.updated,
        report.counts.failed,
        writes / secs,
        100.0 * writes / secs / allowed
    );
}
