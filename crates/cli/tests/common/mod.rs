//! What the tests that drive `crm-bridge` against the emulated CRMs share.
#![allow(dead_code)]

use std::{
    path::{Path, PathBuf},
    process::{Command, Stdio},
};

/// What a CLI test works in: the emulated CRMs (stopped when `running` drops), a temp directory
/// holding the workspace file `db`, and a keyring service of the test's own.
pub struct Scratch {
    pub running: bridge_fakecrm::Running,
    pub d: bridge_fakecrm::Description,
    pub dir: tempfile::TempDir,
    pub db: PathBuf,
    pub service: String,
}

impl Scratch {
    /// With `records` people per CRM and nothing else changed in the emulator.
    pub async fn records(name: &str, records: u32) -> Scratch {
        Self::start(
            name,
            bridge_fakecrm::Config {
                records,
                ..bridge_fakecrm::Config::default()
            },
        )
        .await
    }

    pub async fn start(name: &str, config: bridge_fakecrm::Config) -> Scratch {
        let running = bridge_fakecrm::start(config).await.unwrap();
        let dir = tempfile::tempdir().unwrap();
        Scratch {
            d: running.description.clone(),
            running,
            db: dir.path().join("workspace.sqlite3"),
            dir,
            service: format!("crm-bridge-test-{name}-{}", std::process::id()),
        }
    }
}

/// `crm-bridge` on a database, its sign-ins under a test's own keyring service, its log in `logs`
/// beside the database; output captured.
pub fn cli(db: &Path, service: &str) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_crm-bridge"));
    c.arg("--db")
        .arg(db)
        .env("CRM_BRIDGE_KEYRING_SERVICE", service)
        .env("CRM_BRIDGE_LOG_DIR", db.with_file_name("logs"))
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    c
}

/// Whether the CLI can reach a Secret Service; `make test` runs inside one
/// (CRM_BRIDGE_REQUIRE_KEYRING=1), elsewhere the test says it is skipped.
pub fn keyring_ready() -> bool {
    let required = std::env::var("CRM_BRIDGE_REQUIRE_KEYRING").as_deref() == Ok("1");
    let present = std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some();
    if !present && !required {
        eprintln!(
            "skipped: no session bus for the keyring here; `make test` runs this in a desktop session"
        );
    }
    present || required
}

/// Runs `crm-bridge` and fails the test with its stderr unless it succeeds; its stdout.
pub fn run_ok(db: &Path, service: &str, args: &[&str]) -> String {
    let out = cli(db, service)
        .args(args)
        .stdout(Stdio::piped())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "crm-bridge {}: {}",
        args.join(" "),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Connects one emulated CRM the way a person does on the command line.
pub fn connect(
    db: &Path,
    service: &str,
    d: &bridge_fakecrm::Description,
    provider: bridge_model::Provider,
) {
    let key = d.salesforce.jwt_private_key_path.clone();
    let args: Vec<&str> = match provider {
        bridge_model::Provider::Close => vec![
            "connect",
            "close",
            "--base-url",
            &d.close.base_url,
            "--api-key",
            &d.close.api_key,
        ],
        bridge_model::Provider::Hubspot => vec![
            "connect",
            "hubspot",
            "--base-url",
            &d.hubspot.base_url,
            "--token",
            &d.hubspot.token,
        ],
        bridge_model::Provider::Pipedrive => vec![
            "connect",
            "pipedrive",
            "--base-url",
            &d.pipedrive.base_url,
            "--token",
            &d.pipedrive.api_token,
        ],
        bridge_model::Provider::Salesforce => vec![
            "connect",
            "salesforce",
            "--base-url",
            &d.salesforce.instance_url,
            "--jwt-key",
            &key,
            "--username",
            &d.salesforce.username,
            "--client-id",
            &d.salesforce.client_id,
            "--login-url",
            &d.salesforce.base_url,
        ],
    };
    run_ok(db, service, &args);
}

/// What a run that ends by itself means to a kill loop.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum OnFailure {
    /// A run the faults stopped is run again, as cron would.
    RunAgain,
    /// A run that ends must have succeeded.
    Fail,
}

/// Starts `command` again and again and kills it with SIGKILL after a pseudo-random wait in
/// `wait_ms` (the same sequence for the same `seed`), until a run ends successfully by itself after
/// at least `min_kills` kills; returns the kills. Fails the test after `limit`.
pub fn kill_until_done(
    mut command: impl FnMut() -> Command,
    seed: u64,
    wait_ms: std::ops::Range<u64>,
    min_kills: usize,
    on_failure: OnFailure,
    limit: std::time::Duration,
) -> usize {
    use std::time::{Duration, Instant};
    let mut seed = seed;
    let mut kills = 0;
    let started = Instant::now();
    loop {
        assert!(
            started.elapsed() < limit,
            "the command never finished ({kills} kills)"
        );
        let mut child = command().spawn().unwrap();
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let wait = wait_ms.start + (seed >> 33) % (wait_ms.end - wait_ms.start);
        let deadline = Instant::now() + Duration::from_millis(wait);
        let finished = loop {
            if let Some(status) = child.try_wait().unwrap() {
                break Some(status);
            }
            if Instant::now() >= deadline {
                break None;
            }
            std::thread::sleep(Duration::from_millis(10));
        };
        match finished {
            Some(status) if status.success() && kills >= min_kills => return kills,
            Some(status) if !status.success() && on_failure == OnFailure::Fail => {
                panic!("a resumed run failed")
            }
            Some(_) => {}
            None => {
                child.kill().unwrap(); // SIGKILL
                child.wait().unwrap();
                kills += 1;
            }
        }
    }
}
