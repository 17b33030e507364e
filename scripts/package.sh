#!/usr/bin/env bash
# `make package`: the desktop app as a .deb and an .rpm, with the `crm-bridge` CLI inside (on the PATH).
# A release build without the demo (no CRM emulator in a package) and without debug symbols, in its own
# target directory so it never replaces the binaries the tests run. Tauri's bundler makes the packages
# offline; its AppImage needs linuxdeploy from GitHub, which is not in a package registry (README).
#
# PACKAGE_PROFILE=ci (make test): the same build with less optimisation (opt-level 1, no LTO, 16 codegen
# units), about a third of the time; what the package test checks does not depend on it.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
export CARGO_TARGET_DIR="$PWD/target/package"
if [ "${PACKAGE_PROFILE:-release}" = ci ]; then
  export CARGO_PROFILE_RELEASE_OPT_LEVEL=1 CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16
fi
export CARGO_PROFILE_RELEASE_STRIP=symbols CARGO_PROFILE_RELEASE_DEBUG=false

started=$SECONDS
say "the UI (the app embeds it)"
npm --prefix ui run build >/dev/null
say "release build of the app and the CLI (no demo, no debug symbols)"
cargo build --release --locked -p bridge-desktop -p bridge-cli --no-default-features \
  --features bridge-desktop/custom-protocol
# The bundler takes the files it adds from the config's paths: point them at this target directory.
cli="$CARGO_TARGET_DIR/release/crm-bridge"
config=$(printf '{"bundle":{"linux":{"deb":{"files":{"/usr/bin/crm-bridge":"%s"}},"rpm":{"files":{"/usr/bin/crm-bridge":"%s"}}}}}' "$cli" "$cli")
say "bundling .deb and .rpm"
(cd src-tauri && ../ui/node_modules/.bin/tauri bundle --ci --bundles deb,rpm --config "$config")

# Named as the package managers name them (the bundler uses the product name, with its space).
version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -1)
mkdir -p target/packages
rm -f target/packages/*.deb target/packages/*.rpm
cp "$CARGO_TARGET_DIR"/release/bundle/deb/*_"$version"_*.deb "target/packages/crm-bridge_${version}_amd64.deb"
cp "$CARGO_TARGET_DIR"/release/bundle/rpm/*-"$version"-*.rpm "target/packages/crm-bridge-${version}-1.x86_64.rpm"
say "packages in target/packages/ ($((SECONDS - started)) s):"
ls -l target/packages/ >&2
