#!/usr/bin/env bash
# Installs what `make run` and `make test` need on Debian 12 — only what is missing, so it is cheap to
# run again: Debian packages (WebKitGTK, Xvfb, WebKitWebDriver, chromium, gnome-keyring), the Rust
# components, tauri-driver, the UI's npm packages, and the vendors' client libraries the contract tests
# drive (npm: HubSpot's and Pipedrive's SDKs, jsforce; PyPI: closeio, in tests/vendor-clients/.venv).
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

packages=(
  # build: the Tauri app on WebKitGTK 4.1
  build-essential pkg-config libssl-dev libwebkit2gtk-4.1-dev libgtk-3-dev libsoup-3.0-dev
  libjavascriptcoregtk-4.1-dev librsvg2-dev libayatana-appindicator3-dev libxdo-dev file
  # tests: a real window under Xvfb driven by WebKitWebDriver, the UI in chromium, a real keyring
  xvfb xauth webkit2gtk-driver dbus dbus-x11 chromium fonts-dejavu-core
  gnome-keyring libsecret-tools keyutils curl
  # notifications drawn on the test screen (a notification server) and a screenshot of the whole screen
  dunst imagemagick
  # the vendor-client contract tests: Close's official Python client in a venv of its own
  python3-venv
  # the package test: the .rpm's files are listed with rpm
  rpm
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  say "installing Debian packages: ${missing[*]}"
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if ! command -v cargo >/dev/null; then
  echo "Rust is not installed. Install it with rustup (https://rustup.rs), then run this again." >&2
  exit 1
fi
if command -v rustup >/dev/null; then
  for c in rustfmt clippy; do
    rustup component list --installed 2>/dev/null | grep -q "^$c" || rustup component add "$c"
  done
fi
if ! command -v node >/dev/null || ! node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a===20&&b>=19)?0:1)'; then
  echo "Node.js 20.19 or newer is needed for the UI build (found: $(node --version 2>/dev/null || echo none))." >&2
  exit 1
fi

# tauri-driver drives the real window in the end-to-end test. Pin ^2: crates.io also has 3.0 alphas.
if ! command -v tauri-driver >/dev/null && [ ! -x "${CARGO_HOME:-$HOME/.cargo}/bin/tauri-driver" ]; then
  say "installing tauri-driver"
  cargo install tauri-driver --version '^2.1' --locked
fi

# npm packages, exactly as locked, whenever the lockfile changed since the last install.
if [ ! -f ui/node_modules/.package-lock.json ] || [ ui/package-lock.json -nt ui/node_modules/.package-lock.json ]; then
  say "installing the UI's npm packages"
  npm --prefix ui ci --no-audit --no-fund
fi

# The vendors' own client libraries, exactly as locked, for tests/vendor-clients.
vendor=tests/vendor-clients
if [ ! -f $vendor/node_modules/.package-lock.json ] || [ $vendor/package-lock.json -nt $vendor/node_modules/.package-lock.json ]; then
  say "installing the vendor clients' npm packages"
  npm --prefix $vendor ci --no-audit --no-fund
fi
if [ ! -x $vendor/.venv/bin/pytest ] || [ $vendor/requirements.txt -nt $vendor/.venv/installed ]; then
  say "installing Close's Python client into $vendor/.venv"
  python3 -m venv $vendor/.venv
  $vendor/.venv/bin/pip install --quiet --disable-pip-version-check -r $vendor/requirements.txt
  touch $vendor/.venv/installed
fi
