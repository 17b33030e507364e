//! `crm-bridge pull` killed with SIGKILL at random moments and run again ends with the same database as
//! an uninterrupted pull: every page commits with its cursor. The emulator runs in this test process;
//! only the CLI is killed.

mod common;

use std::{path::Path, time::Duration};

use bridge_fakecrm::{Config, Faults, start};
use bridge_model::{ConnectionId, Provider};
use bridge_store::Store;
use common::{cli, keyring_ready};

/// Connection ids 1-4, in the order `fingerprints` reads them.
fn connect_all(db: &Path, service: &str, d: &bridge_fakecrm::Description) {
    for provider in [
        Provider::Hubspot,
        Provider::Salesforce,
        Provider::Close,
        Provider::Pipedrive,
    ] {
        common::connect(db, service, d, provider);
    }
}

fn fingerprints(db: &Path) -> Vec<Vec<(String, String, String, bool)>> {
    let store = Store::open(db).unwrap();
    (1..=4)
        .map(|id| {
            store
                .read(|c| bridge_store::records::fingerprints(c, ConnectionId(id)))
                .unwrap()
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_pull_killed_at_random_moments_resumes_to_the_same_database() {
    if !keyring_ready() {
        return;
    }
    let running = start(Config {
        records: 6_000,
        faults: Faults {
            error_rate: 0.05,
            drop_rate: 0.02,
            malformed_rate: 0.02,
            seed: 23,
            ..Faults::default()
        },
        hubspot_per_10s: 100_000,
        hubspot_search_per_s: 100_000,
        close_per_s: 100_000,
        pipedrive_per_2s: 100_000,
        ..Config::default()
    })
    .await
    .unwrap();
    let d = running.description.clone();
    let dir = tempfile::tempdir().unwrap();
    let service = format!("crm-bridge-test-kill-{}", std::process::id());
    let (reference, killed) = (
        dir.path().join("reference.sqlite3"),
        dir.path().join("killed.sqlite3"),
    );
    let (r2, k2, s2) = (reference.clone(), killed.clone(), service.clone());
    tokio::task::spawn_blocking(move || {
        connect_all(&r2, &s2, &d);
        connect_all(&k2, &s2, &d);
        let out = cli(&r2, &s2).arg("pull").output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );

        // Kill after a pseudo-random 0.2-4 s, again and again, until a run finishes on its own. A run
        // that ends by itself takes 2-3 s under these faults: HubSpot keeps activities in five
        // objects (eight searches or more under HubSpot's four a second), and each CRM's custom
        // objects are listed and pulled too. With a 2.5 s ceiling a whole run fitted so rarely that
        // the test took 400-600 s of its 600 and failed now and then.
        let kills = common::kill_until_done(
            || {
                let mut c = cli(&k2, &s2);
                c.arg("pull");
                c
            },
            0x5EED_CAFE,
            200..4_000,
            0,
            common::OnFailure::Fail,
            Duration::from_secs(600),
        );
        assert!(kills >= 3, "the pull was killed only {kills} times");
        eprintln!("killed {kills} times");
    })
    .await
    .unwrap();
    let (want, got) = (fingerprints(&reference), fingerprints(&killed));
    for (i, (w, g)) in want.iter().zip(&got).enumerate() {
        assert!(!w.is_empty());
        assert_eq!(w.len(), g.len(), "connection {}", i + 1);
        assert!(w == g, "connection {} differs after the kills", i + 1);
    }
}
