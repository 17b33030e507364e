//! The log file after a whole session on the command line: a line per CRM request and per job, the
//! retries a fault caused, and never a secret or an e-mail it handled; `diagnostics` and `config`.

mod common;

use bridge_model::Provider;
use common::{Scratch, cli, connect, keyring_ready, run_ok};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_log_says_every_request_and_job_and_never_a_secret_or_a_record_value() {
    if !keyring_ready() {
        return;
    }
    let s = Scratch::records("logs", 150).await;
    for provider in [
        Provider::Close,
        Provider::Hubspot,
        Provider::Pipedrive,
        Provider::Salesforce,
    ] {
        connect(&s.db, &s.service, &s.d, provider);
    }
    // Some refusals to retry, so the log has retries to say.
    bridge_tests::emulator::set_faults(
        &s.d.admin_url,
        Provider::Hubspot,
        "error_rate=0.2,rate_limit_rate=0.1,seed=3",
    )
    .await;
    run_ok(&s.db, &s.service, &["config", "set", "log-level", "debug"]);
    run_ok(&s.db, &s.service, &["pull"]);
    bridge_tests::emulator::set_faults(&s.d.admin_url, Provider::Hubspot, "").await;
    run_ok(&s.db, &s.service, &["dedupe"]);
    run_ok(&s.db, &s.service, &["merge", "--all-safe"]);
    let diagnostics = run_ok(&s.db, &s.service, &["diagnostics"]);

    let log: String = std::fs::read_dir(s.db.with_file_name("logs"))
        .unwrap()
        .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
        .collect();
    let lines = |needle: &str| log.lines().filter(|l| l.contains(needle)).count();
    assert!(lines("crm: request") > 50, "a line per request:\n{log}");
    assert!(
        log.lines()
            .any(|l| l.contains("provider=\"HubSpot\"") && !l.contains("retries=0")),
        "a retried request says so"
    );
    assert!(
        log.lines().any(
            |l| l.contains("request=\"GET /hubspot/crm/v3/objects/contacts\"")
                && l.contains("status=200")
        ),
        "method, path and status"
    );
    for job in ["pull", "find-duplicates", "merge-all-safe"] {
        assert!(lines(&format!("job=\"{job}\"")) >= 2, "{job} start and end");
    }
    assert_eq!(lines("?"), 0, "no query string is logged");
    let secrets = [
        s.d.close.api_key.as_str(),
        &s.d.hubspot.token,
        &s.d.pipedrive.api_token,
        &s.d.salesforce.access_token,
        &s.d.salesforce.client_secret,
    ];
    for text in [&log, &diagnostics] {
        for secret in secrets {
            assert!(!text.contains(secret), "a secret is written");
        }
        // Every e-mail the session handled has an @; none is written.
        assert!(!text.contains('@'), "a record value is written");
        assert!(!text.to_ascii_lowercase().contains("bearer"));
    }
    // Diagnostics: version, connections without secrets, counts, the log's tail.
    assert!(diagnostics.starts_with(&format!("CRM Bridge {}", env!("CARGO_PKG_VERSION"))));
    assert!(
        diagnostics.matches(" records").count() >= 4,
        "{diagnostics}"
    );
    assert!(
        diagnostics.contains("HubSpot at 127.0.0.1"),
        "{diagnostics}"
    );
    assert!(
        diagnostics.contains("Log (last 40 lines):\n  "),
        "{diagnostics}"
    );
}

#[test]
fn config_reads_sets_and_refuses_a_bad_value_by_name() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("workspace.sqlite3");
    let service = "crm-bridge-test-config";
    let listed = run_ok(&db, service, &["config", "get"]);
    assert!(listed.contains("review-threshold       0.5"), "{listed}");
    assert_eq!(
        run_ok(&db, service, &["config", "set", "sync-schedule", "30"]),
        "sync-schedule = 30\n"
    );
    assert_eq!(
        run_ok(&db, service, &["config", "get", "sync-schedule"]),
        "30\n"
    );
    let refused = cli(&db, service)
        .args(["config", "set", "review-threshold", "0.2"])
        .output()
        .unwrap();
    assert!(!refused.status.success());
    assert_eq!(
        String::from_utf8_lossy(&refused.stderr),
        "error [InvalidInput]: invalid review-threshold: must be at least 0.5: below it most pairs shown are not one entity\n"
    );
    assert_eq!(
        run_ok(&db, service, &["config", "get", "review-threshold"]),
        "0.5\n"
    );
}
