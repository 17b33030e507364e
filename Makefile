# CRM Bridge. `make run` and `make test` do all set-up on a fresh Debian 12 machine.
SHELL := bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help
export CARGO_TERM_COLOR ?= never

# One cargo selection everywhere: another one unifies features differently and rebuilds ~130 crates.
CARGO_ALL := --workspace --all-targets --locked
# Tests: the same features as CARGO_ALL, without running the benchmarks.
CARGO_TESTS := --workspace --lib --bins --tests --locked

.PHONY: help setup ui build run test check lint bindings screenshots bench clean-screenshots vendor-clients package

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

setup: ## install what is missing (Debian packages, tauri-driver, npm packages)
	@scripts/setup.sh

ui: setup ## build the UI into ui/dist (the app embeds it at compile time)
	npm --prefix ui run build

build: ui ## build the app, the CLI and every test
	cargo build $(CARGO_ALL)

run: build ## start the desktop app on a demo workspace backed by the emulator
	@if [ -z "$${DISPLAY:-}$${WAYLAND_DISPLAY:-}" ]; then \
	  echo "No display: run this from a desktop session (or: xvfb-run make run)." >&2; exit 1; fi
	@mkdir -p target/demo
	# The demo workspace: four emulated CRMs served by the app itself, connected and pulled on start.
	CRM_BRIDGE_DB=$(CURDIR)/target/demo/workspace.sqlite3 CRM_BRIDGE_DEMO=1 target/debug/bridge-desktop

lint: setup ## formatting, dependency direction, clippy, TypeScript, ESLint
	cargo fmt --all --check
	scripts/check-deps.py
	npm --prefix ui run format:check
	ui/node_modules/.bin/prettier --check 'tests/vendor-clients/*.mjs'
	npm --prefix ui run typecheck
	npm --prefix ui run lint
	npm --prefix ui run build
	cargo clippy $(CARGO_ALL) -- -D warnings

test: lint ## everything CI checks
	cargo build $(CARGO_ALL)
	@mkdir -p target/test-logs
	npm --prefix ui test 2>&1 | tee target/test-logs/ui-unit.log
	npm --prefix ui run test:ui 2>&1 | tee target/test-logs/ui-browser.log
	# The vendors' own client libraries against the emulator (tests/vendor-clients/README.md).
	npm --prefix tests/vendor-clients test 2>&1 | tee target/test-logs/vendor-node.log
	tests/vendor-clients/.venv/bin/pytest -q -p no:cacheprovider tests/vendor-clients/close 2>&1 | tee target/test-logs/vendor-close.log
	# Rust tests (incl. the bindings drift check) and the real app driven under Xvfb + a real keyring.
	TAURI_E2E=1 CRM_BRIDGE_REQUIRE_KEYRING=1 .ci/desktop-session.sh cargo test $(CARGO_TESTS) 2>&1 | tee target/test-logs/rust.log
	# Our clients' requests against HubSpot's and Pipedrive's published descriptions (needs the keyring).
	.ci/desktop-session.sh node --test tests/vendor-clients/our-requests.session.mjs 2>&1 | tee target/test-logs/vendor-ours.log
	# The packages as a user gets them: built (less optimised than `make package`), installed, run, removed.
	PACKAGE_PROFILE=ci scripts/package.sh 2>&1 | tee target/test-logs/package.log
	scripts/package-test.sh 2>&1 | tee target/test-logs/package-test.log
	@echo "Screenshots of every screen: target/screenshots/"
	@scripts/test-summary.sh

package: ui ## the .deb and .rpm of the desktop app with the CLI inside (release build, no demo) into target/packages/
	scripts/package.sh

vendor-clients: ui ## the vendors' own client libraries (HubSpot, Pipedrive, jsforce, closeio) against the emulator
	cargo build $(CARGO_ALL)
	npm --prefix tests/vendor-clients test
	tests/vendor-clients/.venv/bin/pytest -q -p no:cacheprovider tests/vendor-clients/close
	.ci/desktop-session.sh node --test tests/vendor-clients/our-requests.session.mjs

bindings: ## regenerate ui/src/bindings from the Rust types
	UPDATE_BINDINGS=1 cargo test $(CARGO_TESTS) typescript_bindings_match_the_rust_types

screenshots: ui ## screenshots of every screen of the real app, under Xvfb
	TAURI_E2E=1 .ci/desktop-session.sh cargo test $(CARGO_TESTS) the_real_app_shows_every_screen

bench: ## benchmarks (release build): Records page queries on 200,000 records; the Duplicates list at 50,000 groups; the emulator under load; pull rate vs rate limits; dedupe-csv on 100,000 and 1,000,000 people; ingest of 1,000,000 records; sync write rate vs Close's rate limit; a 200,000-contact Salesforce pull through Bulk API 2.0 vs REST
	cargo bench -p bridge-tests --bench records_page
	cargo bench -p bridge-tests --bench duplicate_groups
	cargo bench -p bridge-fakecrm --bench load
	cargo build --release -p bridge-cli
	cargo bench -p bridge-tests --bench dedupe_csv
	cargo bench -p bridge-tests --bench pull_rate
	cargo bench -p bridge-tests --bench ingest
	cargo bench -p bridge-tests --bench sync_rate
	cargo bench -p bridge-tests --bench bulk_pull
