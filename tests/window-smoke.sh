#!/usr/bin/env bash
# Opens the desktop app on a virtual display and checks that it is still running a few seconds
# later (the window came up and the UI loaded without a crash). Saves a screenshot to
# test-artifacts/ when ImageMagick's `import` is installed. The full GUI tests, which drive the
# window, come with the desktop issue.
#   tests/window-smoke.sh PATH/TO/awslab-desktop
set -euo pipefail
app=$(realpath "$1")
artifacts=$(realpath -m "${2:-test-artifacts}")
mkdir -p "$artifacts"
# The app keeps progress and the emulator's state in its data folder: a test uses its own, never
# the learner's.
if [ -z "${AWSLAB_DATA_DIR:-}" ]; then
  AWSLAB_DATA_DIR=$(mktemp -d)
  trap 'rm -rf "$AWSLAB_DATA_DIR"' EXIT
fi
export AWSLAB_DATA_DIR

attempt() {
  xvfb-run -a -s "-screen 0 1280x900x24" bash -c '
    "$0" >"$1/window.log" 2>&1 &
    pid=$!
    sleep 8
    if ! kill -0 "$pid" 2>/dev/null; then
      wait "$pid"; echo "the app exited early with status $?"; exit 1
    fi
    if command -v import >/dev/null; then import -window root "$1/window.png"; fi
    kill "$pid"; wait "$pid" 2>/dev/null || true
  ' "$app" "$artifacts"
}

# A virtual display occasionally refuses the first GTK connection; one retry tells that apart
# from an app that really cannot start.
if attempt || { echo "retrying once"; attempt; }; then
  echo "window smoke test: 1 passed, 0 failed"
else
  echo "--- app output ---"; cat "$artifacts/window.log"
  echo "window smoke test: 0 passed, 1 failed"
  exit 1
fi
