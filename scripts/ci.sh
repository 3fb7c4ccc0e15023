#!/usr/bin/env bash
# The full test command: installs what is missing, starts what the tests need, runs
# every test, and stops what it started. `.ci/run` calls it; so can you.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n== %s\n' "$*"; }

# CI runs in a fresh clone each time: keep the build cache outside it, so a warm
# machine rebuilds only our own crates. Every script below honours CARGO_TARGET_DIR.
if [[ "${CI:-}" == true && -z "${CARGO_TARGET_DIR:-}" ]]; then
  export CARGO_TARGET_DIR="${POSTFLOW_CACHE:-$HOME/.cache/postflow}/target"
fi

step "format"
cargo fmt --all -- --check

step "clippy"
cargo clippy --workspace --all-targets -- -D warnings

step "tests"
cargo test --workspace

step "scenario runner: every built-in scenario, and a failing expectation exits non-zero"
for name in $(cargo run -q -p postflow-core --bin scenario -- --list | awk '{print $1}'); do
  cargo run -q -p postflow-core --bin scenario -- "$name" >/dev/null
done
bad=$(mktemp --suffix=.toml)
trap 'rm -f "$bad"' EXIT
printf '[[steps]]\ndo = "start"\ninput = %s\n[[steps]]\ndo = "expect"\nstatus = "completed"\n' "'{\"id\":\"X\"}'" >"$bad"
if cargo run -q -p postflow-core --bin scenario -- "$bad" >/dev/null 2>&1; then
  echo "the runner accepted a scenario whose expectation fails" >&2
  exit 1
fi

step "postflow-core builds for wasm32-unknown-unknown"
scripts/wasm-toolchain.sh check-core

step "the same scenario gives byte-identical histories natively and in wasm"
scripts/wasm-determinism.sh

step "the terminal app in a real terminal (tmux)"
scripts/test-tui.sh

step "the web playground in Chromium (trunk build, playwright-core)"
scripts/test-web.sh

step "the bridge against a real Cadence server (built and started here)"
scripts/test-bridge.sh

step "all checks passed"
