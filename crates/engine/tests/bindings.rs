//! Fails when `ui/src/bindings/` no longer matches the Rust types. `make bindings` regenerates it.

use std::{
    collections::BTreeMap,
    fs,
    path::{Path, PathBuf},
};

fn committed_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../ui/src/bindings")
}

fn read_ts(dir: &Path) -> BTreeMap<String, String> {
    fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .filter(|e| e.path().extension().is_some_and(|x| x == "ts"))
                .map(|e| {
                    let name = e.file_name().to_string_lossy().into_owned();
                    (name, fs::read_to_string(e.path()).unwrap_or_default())
                })
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn typescript_bindings_match_the_rust_types() {
    let committed = committed_dir();
    if std::env::var_os("UPDATE_BINDINGS").is_some() {
        for name in read_ts(&committed).keys() {
            fs::remove_file(committed.join(name)).unwrap();
        }
        bridge_engine::export_bindings(&committed).unwrap();
        return;
    }
    let fresh = tempfile::tempdir().unwrap();
    bridge_engine::export_bindings(fresh.path()).unwrap();
    let (want, have) = (read_ts(fresh.path()), read_ts(&committed));
    let mut drift = Vec::new();
    for (name, text) in &want {
        match have.get(name) {
            None => drift.push(format!("missing {name}")),
            Some(old) if old != text => drift.push(format!("changed {name}")),
            Some(_) => {}
        }
    }
    drift.extend(
        have.keys()
            .filter(|n| !want.contains_key(*n))
            .map(|n| format!("stale {n}")),
    );
    assert!(
        drift.is_empty(),
        "ui/src/bindings drifted from the Rust types ({}); run `make bindings` and commit the result",
        drift.join(", ")
    );
}
