#!/usr/bin/env bash
# The full test command: installs what is missing, starts what the tests need, runs
# every test, and stops what it started. `.ci/run` calls it; so can you.
set -euo pipefail
cd "$(dirname "$0")/.."

# Each step says when it began; the summary at the end says what took how long.
began=$SECONDS
timings=()
current=""
step() {
  local now=$SECONDS
  if [[ -n $current ]]; then timings+=("$(printf '%5ds  %s' $((now - mark)) "$current")"); fi
  current="$*" mark=$now
  printf '\n== %s  [%dm%02ds]\n' "$*" $(((now - began) / 60)) $(((now - began) % 60))
}
summary() {
  step "done"
  printf '\n== time per step (total %dm%02ds)\n' $(((SECONDS - began) / 60)) $(((SECONDS - began) % 60))
  printf '%s\n' "${timings[@]}"
}

# CI runs in a fresh clone each time: keep the build cache outside it, so a warm
# machine rebuilds only our own crates. Every script below honours CARGO_TARGET_DIR.
if [[ "${CI:-}" == true && -z "${CARGO_TARGET_DIR:-}" ]]; then
  export CARGO_TARGET_DIR="${POSTFLOW_CACHE:-$HOME/.cache/postflow}/target"
fi

# In the background while cargo compiles, as they need neither it nor each other:
# registry downloads and Debian packages (with the wasm toolchain made of them), the
# Cadence server's build, and the web page: its tools (trunk, wasm-bindgen-cli,
# wasm-opt), then, once the packages are in, the page. On a cold machine those
# builds are half the run, and the terminal and server tests leave the CPU idle while
# they wait on the server; on a warm machine each is a quick check.
prefetch_log="$(mktemp)" web_log="$(mktemp)" cadence_log="$(mktemp)" prefetched="$(mktemp -u)"
# job [--own-group] LOG SCRIPT [ARG...]: runs the bash SCRIPT (ARGs are its $1...) in
# the background, its output in LOG and, when it ends, its exit status in LOG.status.
# That file is what counts, not `wait`: this machine has 32,768 PIDs and a cold run
# forks enough to wrap them, and when bash forks a child that gets an ended job's PID,
# `wait` on that PID answers with the new child's status (a failing job seen as
# passing, or a job that had passed minutes earlier failing the run). --own-group puts
# the job in a process group of its own, so that stopping it stops its compilers.
job() {
  local runner=()
  if [[ $1 == --own-group ]]; then runner=(setsid); shift; fi
  local log=$1 script=$2
  shift 2
  "${runner[@]}" bash -c "$script"$'\necho $? >"$0.status"' "$log" "$@" >"$log" 2>&1 &
}
job "$prefetch_log" 'scripts/prefetch.sh && scripts/wasm-toolchain.sh install && touch "$1"' "$prefetched"
prefetch=$!
# (The pages wait for the packages' marker file, not for a time.)
job --own-group "$web_log" 'scripts/wasm-toolchain.sh install-tools && until [[ -e $1 ]]; do sleep 1; done && scripts/test-web.sh build' \
  "$prefetched"
web_build=$!
job --own-group "$cadence_log" 'scripts/cadence-dev.sh install'
cadence=$!
bad=""
# On any exit: let an unfinished install end (killing apt mid-way breaks dpkg), stop
# the builds still running (cargo install and go build leave nothing half-installed;
# an ended build's PID, and so its process group's, may be someone else's now), then
# tidy up.
cleanup() {
  if [[ -n $web_build && ! -e "$web_log.status" ]]; then kill -- "-$web_build" 2>/dev/null || true; fi
  if [[ -n $cadence && ! -e "$cadence_log.status" ]]; then kill -- "-$cadence" 2>/dev/null || true; fi
  if [[ -n $prefetch && ! -e "$prefetch_log.status" ]]; then wait "$prefetch" 2>/dev/null || true; fi
  local log
  for log in "$prefetch_log" "$web_log" "$cadence_log"; do rm -f "$log" "$log.status"; done
  rm -f "$prefetched" ${bad:+"$bad"}
}
trap cleanup EXIT
# wait_for JOB_VAR LOG WHAT: wait for a background job once; on failure show its log.
# `wait` only waits: on a job still running (whose PID nobody else can have), or it
# returns at once (the only other children running now are the jobs started with it).
# How the job ended is read from its status file.
wait_for() {
  local pid=${!1}
  if [[ -n $pid ]]; then
    wait "$pid" 2>/dev/null || true
    [[ "$(cat "$2.status" 2>/dev/null)" == 0 ]] || { cat "$2" >&2; echo "$3 failed" >&2; exit 1; }
    printf -v "$1" '%s' ""
  fi
}

step "format"
cargo fmt --all -- --check

step "clippy"
cargo clippy --workspace --all-targets -- -D warnings

step "doc comments: rustdoc without warnings (a link to a renamed or private item)"
RUSTDOCFLAGS="-D warnings" cargo doc --workspace --no-deps --document-private-items --quiet

step "tests"
cargo test --workspace

step "scenario runner: every built-in scenario, and a failing expectation exits non-zero"
for name in $(cargo run -q -p postflow-core --bin scenario -- --list | awk '{print $1}'); do
  cargo run -q -p postflow-core --bin scenario -- "$name" >/dev/null
done
bad=$(mktemp --suffix=.toml)
printf '[[steps]]\ndo = "start"\ninput = %s\n[[steps]]\ndo = "expect"\nstatus = "completed"\n' "'{\"id\":\"X\"}'" >"$bad"
if cargo run -q -p postflow-core --bin scenario -- "$bad" >/dev/null 2>&1; then
  echo "the runner accepted a scenario whose expectation fails" >&2
  exit 1
fi

step "the workshop: every reference solution passes its chapter's checks"
cargo run -q -p postflow-workshop --bin workshop -- check --all --solutions >/dev/null

step "waiting for the Debian, npm and Go packages"
wait_for prefetch "$prefetch_log" "installing what the tests need"

step "the Go version of the workshop's workflow; the Go client replays every scenario's history postflow exports; the Go track's hints compile"
# The CLI's older JSON form is what the Go client's replayer reads.
histories="${CARGO_TARGET_DIR:-$PWD/target}/cli-histories"
rm -rf "$histories" && mkdir -p "$histories"
count=0
for name in $(cargo run -q -p postflow-core --bin scenario -- --list | awk '{print $1}'); do
  cargo run -q -p postflow-core --bin scenario -- "$name" --format cli-json >"$histories/$name.json" 2>/dev/null
  count=$((count + 1))
done
(cd cadence-dev && POSTFLOW_CLI_HISTORIES="$histories" POSTFLOW_CLI_HISTORY_COUNT=$count \
  GOFLAGS="-mod=readonly -buildvcs=false" go test -count=1 ./workshop/... ./cmd/compose-render/... ./farm/...)
# Every Go hint of the workshop, type-checked against the Cadence Go client.
cargo run -q -p postflow-core --example go_hints >cadence-dev/hintcheck/hints.go
(cd cadence-dev && GOFLAGS="-mod=readonly -buildvcs=false" go build ./hintcheck)

step "postflow-core builds for wasm32-unknown-unknown, and the same scenario gives byte-identical histories natively and in wasm"
scripts/wasm-determinism.sh

step "the terminal app in a real terminal (tmux)"
scripts/test-tui.sh

step "waiting for the Cadence server's build"
wait_for cadence "$cadence_log" "building the Cadence server"

step "the bridge against a real Cadence server (built and started here)"
scripts/test-bridge.sh

step "docker-compose.yml's settings: rendered as the image does, on PostgreSQL, one workflow through the bridge"
scripts/test-compose.sh

step "the workshop in a real terminal (tmux): watch mode, the terminal app with your workflow, bad input"
scripts/test-workshop.sh

step "the workshop's Go track: Go workers, correct and broken, on a real Cadence server"
scripts/test-workshop-go.sh

# Last, so that building the web page had the server tests' quiet minutes.
step "waiting for the web page's build (trunk, wasm-bindgen-cli, wasm-opt)"
wait_for web_build "$web_log" "building the web page"
grep -E '^(wasm|FAIL)' "$web_log"

step "the web playground in Chromium (playwright-core)"
scripts/test-web.sh e2e

summary
echo "all checks passed"
