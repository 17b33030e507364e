//! A workspace whose sign-ins go to the real OS keyring under a throw-away service name.
#![allow(dead_code)]

use std::sync::Arc;

use bridge_engine::{Engine, Keyring};

pub struct Workspace {
    pub engine: Engine,
    pub dir: tempfile::TempDir,
    pub service: String,
}

/// None (with a notice) where no keyring is reachable, unless CRM_BRIDGE_REQUIRE_KEYRING=1 (as in
/// `make test`, which runs the tests inside a desktop session with an unlocked Secret Service).
pub fn workspace(name: &str) -> Option<Workspace> {
    if let Err(e) = Keyring::available() {
        if std::env::var("CRM_BRIDGE_REQUIRE_KEYRING").as_deref() == Ok("1") {
            panic!("no keyring: {e}");
        }
        eprintln!(
            "skipped {name}: no keyring here ({e}); `make test` runs it in a desktop session"
        );
        return None;
    }
    let dir = tempfile::tempdir().unwrap();
    let service = format!("crm-bridge-test-{name}-{}", std::process::id());
    let engine = Engine::open_with_secrets(
        &dir.path().join("workspace.sqlite3"),
        Arc::new(Keyring::new(service.clone())),
    )
    .unwrap();
    Some(Workspace {
        engine,
        dir,
        service,
    })
}
