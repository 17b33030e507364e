//! What the tests that drive `crm-bridge` against the emulated CRMs share.
#![allow(dead_code)]

use std::{
    path::Path,
    process::{Command, Stdio},
};

/// `crm-bridge` on a database, its sign-ins under a test's own keyring service; output captured.
pub fn cli(db: &Path, service: &str) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_crm-bridge"));
    c.arg("--db")
        .arg(db)
        .env("CRM_BRIDGE_KEYRING_SERVICE", service)
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
