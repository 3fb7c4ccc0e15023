#!/usr/bin/env bash
# Runs cadence-bridge's tests against a real Cadence server.
#
#   scripts/test-bridge.sh [extra cargo test args]
#
# Starts the dev server (scripts/cadence-dev.sh up), runs the ignored-by-default
# server tests one at a time (they share the workshop's task list), and stops the
# server on exit, also on failure or Ctrl-C. A server that was already running is
# left running.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$REPO"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$REPO/target/h-bridge}"
export POSTFLOW_CADENCE_HTTP="${POSTFLOW_CADENCE_HTTP:-http://127.0.0.1:8800}"

was_running=0
scripts/cadence-dev.sh status >/dev/null 2>&1 && was_running=1
cleanup() {
  if [[ $was_running == 0 ]]; then scripts/cadence-dev.sh down || true; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Build first, so compile time does not count against the server-side waits.
cargo test -p cadence-bridge --no-run
scripts/cadence-dev.sh up
cargo test -p cadence-bridge -- --include-ignored --test-threads=1 "$@"
