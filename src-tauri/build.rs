//! Tauri's build step, and the licences of every library the app bundles (About), read at build
//! time from `cargo metadata` (the Rust crates the app links) and the UI's lockfile (the npm packages
//! its pages ship), so the list is always the build's own.

use std::{collections::BTreeMap, path::Path, process::Command};

use serde_json::{Value, json};

fn main() {
    println!("cargo:rerun-if-changed=../Cargo.lock");
    println!("cargo:rerun-if-changed=../ui/package-lock.json");
    let out = std::env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    let licences = json!({ "rust": rust_crates(), "npm": npm_packages() });
    std::fs::write(Path::new(&out).join("licences.json"), licences.to_string())
        .expect("OUT_DIR is writable");
    tauri_build::build()
}

/// `[name, version, licence]` of every crate the app links (normal dependencies, from this package).
fn rust_crates() -> Vec<[String; 3]> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    // Only what this platform builds (Android's or Windows' crates may not even be downloaded).
    let target = std::env::var("TARGET").expect("cargo sets TARGET");
    let output = Command::new(cargo)
        .args(["metadata", "--format-version", "1", "--locked"])
        .args(["--filter-platform", &target])
        .arg("--manifest-path")
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.toml"))
        .output()
        .expect("cargo metadata runs");
    assert!(
        output.status.success(),
        "cargo metadata failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let meta: Value = serde_json::from_slice(&output.stdout).expect("cargo metadata is JSON");
    let packages: BTreeMap<&str, &Value> = meta["packages"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|p| Some((p["id"].as_str()?, p)))
        .collect();
    let nodes: BTreeMap<&str, &Value> = meta["resolve"]["nodes"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|n| Some((n["id"].as_str()?, n)))
        .collect();
    let root = packages
        .iter()
        .find(|(_, p)| p["name"] == "bridge-desktop")
        .map(|(id, _)| *id)
        .expect("cargo metadata lists bridge-desktop");
    // Only what is linked: dependencies whose kinds include a normal one (not dev, not build).
    let mut seen = std::collections::BTreeSet::new();
    let mut todo = vec![root];
    while let Some(id) = todo.pop() {
        if !seen.insert(id) {
            continue;
        }
        for dep in nodes[id]["deps"].as_array().into_iter().flatten() {
            let normal = dep["dep_kinds"]
                .as_array()
                .into_iter()
                .flatten()
                .any(|k| k["kind"].is_null());
            if normal && let Some(pkg) = dep["pkg"].as_str() {
                todo.push(pkg);
            }
        }
    }
    let mut out: Vec<[String; 3]> = seen
        .into_iter()
        .filter_map(|id| packages.get(id))
        // Our own crates are not third-party libraries.
        .filter(|p| p["source"].is_string())
        .map(|p| row(p["name"].as_str().unwrap_or_default(), p))
        .collect();
    out.sort();
    out
}

/// `[name, version, licence]` of every npm package the UI ships (not its build and test tools).
fn npm_packages() -> Vec<[String; 3]> {
    let lock = Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui/package-lock.json");
    let Ok(text) = std::fs::read_to_string(&lock) else {
        println!("cargo:warning=no ui/package-lock.json: About lists no npm packages");
        return Vec::new();
    };
    let lock: Value = serde_json::from_str(&text).expect("package-lock.json is JSON");
    let mut out: Vec<[String; 3]> = lock["packages"]
        .as_object()
        .into_iter()
        .flatten()
        .filter(|(path, p)| !path.is_empty() && p["dev"] != true)
        .filter_map(|(path, p)| Some(row(path.rsplit("node_modules/").next()?, p)))
        .collect();
    out.sort();
    out.dedup();
    out
}

/// A library's row: its name, and the version and licence its manifest (Cargo's or npm's) declares.
fn row(name: &str, manifest: &Value) -> [String; 3] {
    [
        name.to_owned(),
        manifest["version"].as_str().unwrap_or_default().to_owned(),
        manifest["license"]
            .as_str()
            .unwrap_or("see its repository")
            .to_owned(),
    ]
}
