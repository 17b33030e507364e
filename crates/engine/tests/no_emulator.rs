//! The CRM emulator is test and demo equipment: the app and the CLI built without their `demo` feature
//! (a release build that leaves it out) hold none of it.

use std::process::Command;

/// The packages `package` is built from (normal dependencies only), one name per line.
fn built_from(package: &str, default_features: bool) -> String {
    let mut cargo = Command::new(env!("CARGO"));
    cargo
        .current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
        .args([
            "tree",
            "-p",
            package,
            "-e",
            "normal",
            "--locked",
            "--offline",
        ])
        .args(["--prefix", "none", "-f", "{p}"]);
    if !default_features {
        cargo.arg("--no-default-features");
    }
    let out = cargo.output().expect("cargo tree runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8")
}

#[test]
fn the_app_and_the_cli_without_the_demo_feature_hold_no_emulator() {
    for package in ["bridge-desktop", "bridge-cli"] {
        assert!(
            built_from(package, true).contains("bridge-fakecrm"),
            "{package} with its default features has the demo"
        );
        let without = built_from(package, false);
        assert!(without.contains("bridge-engine"), "{without}");
        assert!(
            !without.contains("bridge-fakecrm"),
            "{package} without `demo` still pulls in the emulator:\n{without}"
        );
    }
}
