//! `crm-bridge connect` takes a token or API key without it ever being in argv: from standard input or
//! from an environment variable whose value `--help` never shows.

mod common;

use std::{
    io::Write,
    process::{Command, Stdio},
};

use common::{Scratch, cli, keyring_ready, run_ok};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_secret_comes_from_stdin_or_the_environment_never_argv() {
    if !keyring_ready() {
        return;
    }
    let s = Scratch::records("secrets", 20).await;
    // Close: the API key on standard input.
    let mut child = cli(&s.db, &s.service)
        .args([
            "connect",
            "close",
            "--base-url",
            &s.d.close.base_url,
            "--api-key-stdin",
        ])
        .stdin(Stdio::piped())
        .spawn()
        .unwrap();
    writeln!(child.stdin.take().unwrap(), "{}", s.d.close.api_key).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // HubSpot: the token in CRM_BRIDGE_TOKEN.
    let out = cli(&s.db, &s.service)
        .args(["connect", "hubspot", "--base-url", &s.d.hubspot.base_url])
        .env("CRM_BRIDGE_TOKEN", &s.d.hubspot.token)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let listed: serde_json::Value =
        serde_json::from_str(&run_ok(&s.db, &s.service, &["connections", "--json"])).unwrap();
    let providers: Vec<&str> = listed
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|c| c["provider"].as_str())
        .collect();
    assert_eq!(providers.len(), 2, "{listed}");
    // The environment's value is never printed by --help.
    let help = Command::new(env!("CARGO_BIN_EXE_crm-bridge"))
        .args(["connect", "--help"])
        .env("CRM_BRIDGE_TOKEN", &s.d.hubspot.token)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&help.stdout);
    assert!(
        text.contains("--token-stdin") && text.contains("CRM_BRIDGE_TOKEN"),
        "{text}"
    );
    assert!(!text.contains(&s.d.hubspot.token), "{text}");
}
