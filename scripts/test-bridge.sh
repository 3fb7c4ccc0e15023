#!/usr/bin/env bash
# Runs cadence-bridge's tests against a real Cadence server.
#
#   scripts/test-bridge.sh [extra cargo test args]
#
# Starts the dev server (scripts/cadence-dev.sh up), builds the Go workshop worker
# (the Go side of one comparison), runs the ignored-by-default server tests one at a
# time (they share the workshop's task list) and the terminal app's bridge tests, then checks the
# terminal app in bridge mode on a real (tmux) terminal against the same server with
# a `bridge worker`, and stops the server on exit, also on failure or Ctrl-C. A
# server that was already running is left running.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$REPO"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$REPO/target}"
export POSTFLOW_CADENCE_HTTP="${POSTFLOW_CADENCE_HTTP:-http://127.0.0.1:8800}"

was_running=0
scripts/cadence-dev.sh status >/dev/null 2>&1 && was_running=1
# The terminal check's private tmux server and worker, once started.
TMUX_SOCKET=""
worker_pid=""
source scripts/lib/tmux.sh
cleanup() {
  tm_stop
  if [[ -n $worker_pid ]]; then
    # SIGTERM lets the worker finish its open polls (at most its --poll-timeout, 5 s).
    kill -TERM "$worker_pid" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$worker_pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$worker_pid" 2>/dev/null || true
  fi
  if [[ $was_running == 0 ]]; then scripts/cadence-dev.sh down || true; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

source scripts/lib/debian.sh
command -v tmux >/dev/null 2>&1 || debian_install tmux

# Build first, so compile time does not count against the server-side waits. The Go
# workshop worker (cadence-dev/cmd/workshop-worker) is the Go side of one comparison;
# its module is the dev server's, so a warm Go cache builds it in seconds.
cargo test -p cadence-bridge --no-run
cargo test -p postflow-tui --test bridge --no-run
cargo test -p postflow-fleet --no-run
cargo build -q -p cadence-bridge --bin bridge -p postflow-tui --bin tui
export POSTFLOW_GO_WORKER="$CARGO_TARGET_DIR/workshop-worker"
(cd cadence-dev && GOFLAGS="-mod=readonly -buildvcs=false" go build -o "$POSTFLOW_GO_WORKER" ./cmd/workshop-worker)
scripts/cadence-dev.sh up
cargo test -p cadence-bridge -- --include-ignored --test-threads=1 "$@"
# The terminal app's bridge tests, with the ones that need this server.
cargo test -p postflow-tui --test bridge -- --include-ignored --test-threads=1
# Cadence's shard function: the server's admin CLI against postflow's fleet::shard.
cargo test -p postflow-fleet -- --include-ignored

# ---- The terminal app in bridge mode, on a real terminal ----
# `tui --bridge` in a detached tmux session of fixed size, typed at as a user would:
# start an order with a workflow id of its own (so reruns never meet "already
# started"), wait for the delivery timer (real payment retries first), scan, ask the
# query, deliver, and read the completed workflow off the screen. The worker runs
# with --timer-unit 1s, so the timer takes seconds, not minutes.
echo "bridge mode of the terminal app, on a tmux terminal"
worker_log="$CARGO_TARGET_DIR/tui-bridge-worker.log"
"$CARGO_TARGET_DIR/debug/bridge" worker --timer-unit 1s >"$worker_log" 2>&1 &
worker_pid=$!
TMUX_SOCKET="postflow-tui-bridge-$$"
WAIT_SECONDS=120
on_wait_failure() {
  echo "worker log:"
  tail -20 "$worker_log"
}
wid="tui-bridge-$(date +%s)-$$"
status_file="$CARGO_TARGET_DIR/tui-bridge-status"
rm -f "$status_file"
tm new-session -d -s tui -x 160 -y 45 "'$CARGO_TARGET_DIR/debug/tui' --bridge '$POSTFLOW_CADENCE_HTTP' --timer-unit 1s; echo \$? > '$status_file'"
tm set-option -t tui remain-on-exit on >/dev/null
wait_for "Start an order"
wait_for "server reachable"
wait_for "bridge $POSTFLOW_CADENCE_HTTP"
# The form opens on the Order ID; one field up is the Workflow ID.
keys Up
keys -l "$wid"
keys Enter
wait_for "$wid │ running"
wait_for "TimerStarted"
keys c
wait_for "Scan the package"
keys -l "Delft"
keys Enter
wait_for "ScanSignal --workflow_id $wid --input"
# The scan is in history at once, but the workflow reads it in a later decision task:
# ask current_status again until the answer shows it, as a user would.
ask_until a '{"delivered":false,"locationHistory":["Aarhus","Delft"]}'
keys d
wait_for "WorkflowExecutionCompleted"
wait_for "$wid │ completed │"
echo "screen after delivery:"
screen | head -3
keys q
for _ in $(seq 1 300); do
  [[ -s $status_file ]] && break
  sleep 0.1
done
status="$(cat "$status_file" 2>/dev/null || echo "none: still running")"
rm -f "$status_file"
if [[ $status != 0 ]]; then
  echo "FAIL: tui --bridge did not quit cleanly on q (exit status: $status)" >&2
  exit 1
fi
echo "tmux bridge test passed: started $wid on the server, saw the timer, scanned, queried, delivered, saw it completed, quit with status 0"

# ---- A session exported as a shell script replays on the real server ----
# The scenario runner writes the script both front ends export (Session::replay_script);
# the real `cadence` CLI runs it against this server with the worker above (a day is a
# second for both, so the script's sleeps fit the worker's timers).
echo "a session exported as a script of cadence commands, replayed by the cadence CLI"
sid="script-$$-$RANDOM"
scenario_file="$CARGO_TARGET_DIR/replay-$sid.toml"
cat >"$scenario_file" <<TOML
timer_unit = "1s"
[[steps]]
do = "start"
input = '{"id":"$sid","customer":"Cadence","amount":20,"address":"Uber office","sendFrom":"Aarhus"}'
[[steps]]
do = "run"
[[steps]]
do = "advance"
to = "next"
[[steps]]
do = "run"
[[steps]]
do = "advance"
to = "next"
[[steps]]
do = "run"
[[steps]]
do = "signal"
name = "ScanSignal"
input = "{\"location\":\"O'Hare \$HOME\"}"
[[steps]]
do = "run"
[[steps]]
do = "signal"
name = "DeliveredSignal"
[[steps]]
do = "run"
TOML
script="$CARGO_TARGET_DIR/replay-$sid.sh"
cargo run -q -p postflow-core --bin scenario -- "$scenario_file" --format script >"$script"
PATH="$(scripts/cadence-dev.sh bin):$PATH" sh "$script" >"$script.out" 2>&1 || { cat "$script.out" >&2; echo "FAIL: the exported script did not run" >&2; exit 1; }
cli=("$(scripts/cadence-dev.sh bin)/cadence" --domain cadence-workshop)
for _ in $(seq 1 120); do
  shown=$("${cli[@]}" wf show --workflow_id "$sid" 2>&1 || true)
  [[ $shown == *WorkflowExecutionCompleted* ]] && break
  sleep 0.5
done
[[ $shown == *WorkflowExecutionCompleted* ]] || { echo "$shown" >&2; echo "FAIL: the replayed workflow did not complete" >&2; exit 1; }
answer=$("${cli[@]}" wf query --workflow_id "$sid" --query_type current_status 2>&1)
[[ $answer == *'O'"'"'Hare $HOME'* ]] || { echo "$answer" >&2; echo "FAIL: the scan's location did not arrive as typed" >&2; exit 1; }
rm -f "$scenario_file" "$script" "$script.out"
echo "script replay passed: $sid completed on the server with the scanned location as typed"
