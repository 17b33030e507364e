#!/usr/bin/env bash
# Runs a command inside Xvfb + a private D-Bus session + an unlocked gnome-keyring (throw-away keyrings
# dir, non-empty password) + a fresh kernel session keyring, as a desktop user would have them.
#   usage: .ci/desktop-session.sh cmd args...
set -euo pipefail
export KEYRING_HOME="$(mktemp -d)"
exec xvfb-run -a -s "-screen 0 1280x800x24" \
  dbus-run-session -- \
  keyctl session - \
  bash -c '
    export XDG_DATA_HOME="$KEYRING_HOME"
    echo -n "ci-keyring-password" | gnome-keyring-daemon --unlock --components=secrets >/dev/null
    exec "$@"' desktop-session "$@"
