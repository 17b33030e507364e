#!/usr/bin/env python3
"""Fails when a workspace crate breaks DESIGN.md's dependency direction:
src-tauri, cli -> engine -> {store, crm, dedupe} -> model; fakecrm -> model at most; tauri only in bridge-desktop."""
import json
import subprocess
import sys

# Which workspace crates each crate may depend on (normal and build dependencies).
ALLOWED = {
    "bridge-model": set(),
    "bridge-store": {"bridge-model"},
    "bridge-crm": {"bridge-model"},
    "bridge-dedupe": {"bridge-model"},
    "bridge-fakecrm": {"bridge-model"},
    # The engine hosts the demo workspace, which runs the emulator in-process (DESIGN.md: "the demo mode").
    "bridge-engine": {"bridge-model", "bridge-store", "bridge-crm", "bridge-dedupe", "bridge-fakecrm"},
    "bridge-cli": {"bridge-engine", "bridge-model"},
    "bridge-desktop": {"bridge-engine", "bridge-model"},
    "bridge-tests": {"bridge-engine", "bridge-model", "bridge-store", "bridge-crm", "bridge-dedupe", "bridge-fakecrm"},
}

meta = json.loads(subprocess.check_output(["cargo", "metadata", "--format-version", "1", "--no-deps", "--locked"]))
problems = []
for pkg in meta["packages"]:
    name = pkg["name"]
    if name not in ALLOWED:
        problems.append(f"{name}: not in the crate map of scripts/check-deps.py")
        continue
    for dep in pkg["dependencies"]:
        if dep["kind"] == "dev":
            continue
        if dep["name"] == "tauri" and name != "bridge-desktop":
            problems.append(f"{name} depends on tauri; only bridge-desktop may")
        if dep["name"].startswith("bridge-") and dep["name"] not in ALLOWED[name]:
            problems.append(f"{name} depends on {dep['name']}, against DESIGN.md's dependency direction")
for p in problems:
    print(f"check-deps: {p}", file=sys.stderr)
sys.exit(1 if problems else 0)
