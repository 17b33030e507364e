#!/usr/bin/env bash
# The package as a user gets it (make test, after `make package`): the .deb installed with apt, the
# installed CLI run, the installed app started under Xvfb and driven to its start screen, the package
# removed again; the .rpm's files listed with rpm. Needs root (or sudo) to install.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
fail() { echo "package test: $*" >&2; exit 1; }

deb=$(ls "$PWD"/target/packages/*.deb)
rpm=$(ls "$PWD"/target/packages/*.rpm)
version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -1)
package=$(dpkg-deb --field "$deb" Package)
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

say "the .deb: $(basename "$deb")"
[ "$(dpkg-deb --field "$deb" Version)" = "$version" ] || fail "the .deb's version is not the workspace's $version"
dpkg-deb --field "$deb" Depends | grep -q "libwebkit2gtk-4.1-0" || fail "the .deb does not depend on WebKitGTK 4.1"
dpkg-deb --field "$deb" Depends | grep -q "libsecret-1-0" || fail "the .deb does not depend on libsecret"

say "installing it with apt"
as_root apt-get install -y -qq --no-install-recommends "$deb" >/dev/null
app=$(dpkg -L "$package" | grep -E '^/usr/bin/' | grep -v '/crm-bridge$' | head -1)
[ -x "$app" ] || fail "no desktop app in /usr/bin: $(dpkg -L "$package" | tr '\n' ' ')"
command -v crm-bridge >/dev/null || fail "crm-bridge is not on the PATH"
desktop=$(dpkg -L "$package" | grep -E '\.desktop$')
grep -qx 'Categories=Office;Database;' "$desktop" || fail "the .desktop entry's categories: $(cat "$desktop")"
grep -q '^Comment=.' "$desktop" || fail "the .desktop entry has no comment"
for size in 32x32 64x64 128x128 256x256 256x256@2 512x512; do
  dpkg -L "$package" | grep -q "/icons/hicolor/$size/apps/" || fail "no $size icon"
done
for binary in "$app" /usr/bin/crm-bridge; do
  file "$binary" | grep -q ', stripped' || fail "$binary has debug symbols: $(file "$binary")"
done

say "the installed CLI"
crm-bridge --version | grep -qx "crm-bridge $version" || fail "crm-bridge --version: $(crm-bridge --version)"
export CRM_BRIDGE_DB="$scratch/workspace.sqlite3" CRM_BRIDGE_LOG_DIR="$scratch/logs"
crm-bridge status | grep -q "No connections\|0 records" || fail "crm-bridge status: $(crm-bridge status)"
if crm-bridge demo --records 10 2>"$scratch/demo.err"; then fail "the packaged CLI holds the demo emulator"; fi
grep -q "no demo" "$scratch/demo.err" || fail "crm-bridge demo: $(cat "$scratch/demo.err")"

say "the installed app, driven to its start screen"
CRM_BRIDGE_INSTALLED_APP="$app" .ci/desktop-session.sh \
  cargo test --workspace --locked --test e2e -- --exact the_installed_package_opens_on_the_start_screen

say "removing it"
as_root apt-get remove -y -qq "$package" >/dev/null
[ ! -e /usr/bin/crm-bridge ] && [ ! -e "$app" ] || fail "removing the package left its binaries"

say "the .rpm: $(basename "$rpm")"
files=$(rpm -qlp "$rpm" 2>/dev/null)
for want in /usr/bin/crm-bridge "$app" "$(basename "$desktop")" /icons/hicolor/128x128/apps/; do
  grep -q -- "$want" <<<"$files" || fail "the .rpm lacks $want"
done
[ "$(rpm -qp --queryformat '%{VERSION}' "$rpm" 2>/dev/null)" = "$version" ] || fail "the .rpm's version"
say "the packages hold"
