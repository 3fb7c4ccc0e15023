#!/usr/bin/env bash
# The workshop's Go track against a real Cadence server.
#
#   scripts/test-workshop-go.sh
#
# Starts the dev server (scripts/cadence-dev.sh up), builds a Go participant's worker
# (cadence-dev/cmd/workshop-worker: the correct code of a chapter, or with
# --mistake NAME one of the typical mistakes of cadence-dev/gotrack) and runs `workshop check --go N` against it, over the HTTP API and through
# the real `cadence` CLI: correct workers must pass, broken ones must fail with the
# mistake named, and a missing worker, a server that is down and a missing or failing
# `cadence` command must each end in a clear message, never a hang. A server that was
# already running is left running.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$REPO"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$REPO/target}"
HTTP="${POSTFLOW_CADENCE_HTTP:-http://127.0.0.1:8800}"
WORKER="$CARGO_TARGET_DIR/workshop-worker"
WORKSHOP="$CARGO_TARGET_DIR/debug/workshop"
LOG="$CARGO_TARGET_DIR/workshop-go-worker.log"
OUT="$CARGO_TARGET_DIR/workshop-go.out"

was_running=0
scripts/cadence-dev.sh status >/dev/null 2>&1 && was_running=1
worker_pid=""
stop_worker() {
  if [[ -n $worker_pid ]]; then
    kill -TERM "$worker_pid" 2>/dev/null || true
    # A stopped worker must be gone before the next starts: its polls would take tasks.
    for _ in $(seq 1 100); do kill -0 "$worker_pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$worker_pid" 2>/dev/null || true
    worker_pid=""
  fi
}
cleanup() {
  stop_worker
  if [[ $was_running == 0 ]]; then scripts/cadence-dev.sh down || true; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Build first, so compile time does not count against the server-side waits.
cargo build -q -p postflow-workshop --bin workshop -p cadence-bridge --bin bridge
(cd cadence-dev && GOFLAGS="-mod=readonly -buildvcs=false" go build -o "$WORKER" ./cmd/workshop-worker)
scripts/cadence-dev.sh up
CLI="$(scripts/cadence-dev.sh bin)/cadence --address 127.0.0.1:7833 --transport grpc"
# The progress a passing check records goes to a scratch copy, not to this checkout's.
source scripts/lib/workshop-scratch.sh
make_scratch "$CARGO_TARGET_DIR/workshop-go-scratch"

# Starts a participant's worker and waits for its own word that it polls.
start_worker() {
  stop_worker
  "$WORKER" "$@" >"$LOG" 2>&1 &
  worker_pid=$!
  for _ in $(seq 1 300); do
    if grep -q "workshop worker started" "$LOG"; then return 0; fi
    if ! kill -0 "$worker_pid" 2>/dev/null; then break; fi
    sleep 0.1
  done
  echo "FAIL: the Go worker did not start ($*):" >&2
  cat "$LOG" >&2
  exit 1
}

passed=0
# expect STATUS TEXT -- workshop args...: the exit status and a line of the output.
expect() {
  local want_status=$1 want_text=$2
  shift 3
  local status=0
  timeout 600 "$WORKSHOP" check --go "$@" >"$OUT" 2>&1 || status=$?
  if [[ $status != "$want_status" ]] || ! grep -qF -- "$want_text" "$OUT"; then
    echo "FAIL: workshop check --go $* exited $status (expected $want_status) and should say: $want_text" >&2
    cat "$OUT" >&2
    echo "--- worker log:" >&2
    tail -20 "$LOG" >&2
    exit 1
  fi
  passed=$((passed + 1))
  echo "ok: check --go $* -> $want_status, \"$want_text\""
}

# ---- over the HTTP API ----
start_worker --chapter 1
expect 0 "4 of 4 checks pass" -- 1 --address "$HTTP"
# A passed chapter is the participant's progress, as on the Rust track.
grep -q "Next: chapter 2" "$OUT" || { echo "FAIL: no word of the next chapter:" >&2; cat "$OUT" >&2; exit 1; }
"$WORKSHOP" list | grep -q "^1 of 7 chapters done" || { echo "FAIL: workshop list does not count chapter 1:" >&2; "$WORKSHOP" list >&2; exit 1; }
# `check --go` put the participant on the Go track: `list` shows no Rust files and the
# Go track's next command, `solution` the Go code, without --go.
"$WORKSHOP" list >"$OUT" 2>&1
{ ! grep -q "exercises/" "$OUT" && grep -qF 'On the Go track: `workshop check --go` checks chapter 2 once your worker runs its code' "$OUT"; } ||
  { echo "FAIL: after check --go, workshop list is not the Go track's:" >&2; cat "$OUT" >&2; exit 1; }
"$WORKSHOP" solution 1 >"$OUT" 2>&1
{ grep -qF "workflow.ExecuteActivity(ctx, validatePayment, order)" "$OUT" && ! grep -q "solutions/01_activities.rs" "$OUT"; } ||
  { echo "FAIL: after check --go, workshop solution 1 is not the Go code:" >&2; cat "$OUT" >&2; exit 1; }
passed=$((passed + 1))
echo "ok: after check --go, list and solution are the Go track's"
start_worker --chapter 1 --mistake ship-product-not-registered
expect 1 "shipProduct was scheduled but never completed" -- 1 --address "$HTTP"
start_worker --chapter 1 --mistake wrong-names
expect 1 "your worker does not run OrderProcessingWorkflow" -- 1 --address "$HTTP"
# Said once: the other checks would only fail the same way.
grep -qF "(3 not run: your worker does not run the workshop's workflow" "$OUT" || { echo "FAIL: every check run on a worker without the workflow:" >&2; cat "$OUT" >&2; exit 1; }
start_worker --chapter 2
expect 0 "2 of 2 checks pass" -- 2 --address "$HTTP"
start_worker --chapter 2 --mistake no-retry-policy
expect 1 "the activity has no retry policy" -- 2 --address "$HTTP"
# A check the server cannot play is not counted as passed there.
start_worker --chapter 4
expect 0 "1 of 1 checks pass (1 more on the simulator only)" -- 4 --address "$HTTP"
start_worker --chapter 5
expect 0 "4 of 4 checks pass" -- 5 --address "$HTTP"
start_worker --chapter 5 --mistake delivered-not-ending
expect 1 "the workflow is still running after DeliveredSignal: delivered must end the loop" -- 5 --address "$HTTP"
# Scans read from a misnamed channel leave the history as it is when they are read: the
# chapter passes on the server, and says where the mistake shows, the worker's log.
start_worker --chapter 5 --mistake scan-channel-misnamed-in-loop
expect 0 "Your Go worker's log tells: when a workflow completes with a signal it never read, it logs \"Workflow has unhandled signals\"" -- 5 --address "$HTTP"
grep -q 'Workflow has unhandled signals.*"SignalNames": \["ScanSignal"\]' "$LOG" \
  || { echo "FAIL: the Go worker did not log the scans it never read:" >&2; tail -20 "$LOG" >&2; exit 1; }
# In chapter 6 current_status shows it: the scans were never read, not lost to the
# delivery beside them (a decision task saw each one alone).
start_worker --chapter 6 --mistake scan-channel-misnamed-in-query
expect 1 "the workflow never read 2 scans (Delft, Amsterdam): a decision task ran after they arrived" -- 6 --address "$HTTP"
start_worker --chapter 6
expect 0 "4 of 4 checks pass" -- 6 --address "$HTTP"
start_worker --chapter 6 --mistake query-after-first-activity
expect 1 "the current_status query failed while the payment was being retried" -- 6 --address "$HTTP"
# The timer chapter with a 5 s "day", so timers take seconds, not minutes.
start_worker --chapter 7 --timer-unit 5s
expect 0 "4 of 4 checks pass" -- 7 --timer-unit 5s --address "$HTTP"
start_worker --chapter 7 --timer-unit 5s --mistake timer-not-canceled
expect 1 "the customer was notified twice: the old timer was not canceled when the package was scanned" -- 7 --timer-unit 5s --address "$HTTP"

# ---- through the real cadence CLI ----
start_worker --chapter 1
expect 0 "4 of 4 checks pass" -- 1 --cli "$CLI"
# The CLI's history leaves the retry policy's zero expiration out: still the reference's policy.
start_worker --chapter 2
expect 0 "2 of 2 checks pass" -- 2 --cli "$CLI"
start_worker --chapter 2 --mistake no-retry-policy
expect 1 "the activity has no retry policy" -- 2 --cli "$CLI"
start_worker --chapter 6 --mistake query-after-first-activity
expect 1 "the current_status query failed while the payment was being retried" -- 6 --cli "$CLI"

# ---- typical Go mistakes named in the workshop's words (one worker each) ----
# A timer callback without the CanceledError check: the canceled timer counts as the
# notification, and the second scan starts no timer (7.4 scans twice).
start_worker --chapter 7 --timer-unit 5s --mistake canceled-timer-notifies
expect 1 "the customer is never notified: a scan canceled the timer but asked for no new estimate" -- 7 --timer-unit 5s --address "$HTTP"
start_worker --chapter 7 --timer-unit 5s --mistake scan-keeps-the-timer
expect 1 "a scan did not restart the notification timer" -- 7 --timer-unit 5s --address "$HTTP"
# The worker's day is 5 s, the check's the default minute: the flag is named, no Rust code.
start_worker --chapter 7 --timer-unit 5s
expect 1 "If your worker's day lasts 5s, run the check with --timer-unit 5s" -- 7 --address "$HTTP"
# The other way round, the worker's day the workshop's minute and the check's 5 s: the
# first check says so, and the others are not run (each would wait minutes to fail alike).
start_worker --chapter 7
expect 1 "0 of 4 checks pass (3 not run: your worker's timers count a day as 60s and the check as 5s" -- 7 --timer-unit 5s --address "$HTTP"
start_worker --chapter 6 --mistake query-misnamed
expect 1 "its query handler is registered as \"currentStatus\"" -- 6 --address "$HTTP"
# The selector's DeliveredSignal case added before the ScanSignal one: the scan waiting
# beside the delivery is never read, which only the query after completion shows.
start_worker --chapter 6 --mistake delivered-case-first
expect 1 "select takes the case that was added to the selector first" -- 6 --address "$HTTP"
start_worker --chapter 3 --mistake scan-channel-misnamed
expect 1 "the name must match exactly, case included (\"ScanSignal\", not \"scanSignal\")" -- 3 --address "$HTTP"
start_worker --chapter 3 --mistake sleep-in-workflow
expect 1 "a decision task of your workflow timed out" -- 3 --address "$HTTP"
# Scans read in a plain goroutine: the SDK panics there and the worker dies in the middle
# of a decision task, which times out. Said to be a worker that stopped, not a sleep.
start_worker --chapter 5 --mistake scans-in-a-goroutine
# The worker crashes between two decision tasks or inside one, as its goroutine's
# panic falls: either way the message names the panic's cause.
expect 2 "a panic \"getState: illegal access from outside of workflow context\" comes from workflow code run in a goroutine" -- 5 --address "$HTTP"
# Without a retry policy the timeouts differ too: the first difference says why.
start_worker --chapter 2 --mistake no-retry-policy
expect 1 "the timeouts differ only because of the retry policy" -- 2 --address "$HTTP"

# ---- a Rust participant's workflow, served by `bridge worker --exercise N` ----
# The same checks judge it on the real server: the chapter solved in a scratch copy.
source scripts/lib/workshop-scratch.sh
make_scratch "$CARGO_TARGET_DIR/workshop-go-scratch"
# serve_exercise N: `bridge worker --exercise N` on the scratch copy, built before it
# serves (a first build takes a while), so that the wait is only for its start.
serve_exercise() {
  cargo build -q --manifest-path "$POSTFLOW_WORKSHOP_ROOT/Cargo.toml" -p postflow-exercises --features drivers --bin "exercise-$1"
  stop_worker
  "$CARGO_TARGET_DIR/debug/bridge" worker --exercise "$1" --poll-timeout 3s >"$LOG" 2>&1 &
  worker_pid=$!
  for _ in $(seq 1 600); do
    if grep -q "worker: serving" "$LOG"; then break; fi
    if ! kill -0 "$worker_pid" 2>/dev/null; then cat "$LOG" >&2; exit 1; fi
    sleep 0.1
  done
}
cp "$POSTFLOW_WORKSHOP_ROOT/exercises/solutions/06_query.rs" "$POSTFLOW_WORKSHOP_ROOT/exercises/06_query.rs"
serve_exercise 6
expect 0 "4 of 4 checks pass" -- 6 --address "$HTTP"
# The same chapter with the selector's cases swapped (DeliveredSignal first): a scan
# and the delivery waiting together lose the scan. Reading a signal writes no event,
# so on a server only the query after completion tells; it is named as the cases' order.
python3 - "$POSTFLOW_WORKSHOP_ROOT/exercises/06_query.rs" <<'PY'
import sys
p = sys.argv[1]
s = open(p).read()
a = '    s.add_receive(&ctx.signal_channel::<ScanSignal>("ScanSignal"), Selected::Scanned);\n'
b = '    s.add_receive(&ctx.signal_channel::<IgnoredAny>("DeliveredSignal"), |_| Selected::Delivered);\n'
assert a + b in s, "the solution's two cases are not where this test looks for them"
open(p, "w").write(s.replace(a + b, b + a))
PY
serve_exercise 6
expect 1 "the workflow completed without reading the scan in Delft" -- 6 --address "$HTTP"

# ---- what is not the participant's code: clear messages, never a hang ----
# An old worker still running beside the new one is pointed out.
start_worker --chapter 1
"$WORKER" --chapter 1 >"$LOG.second" 2>&1 &
second_pid=$!
for _ in $(seq 1 300); do grep -q "workshop worker started" "$LOG.second" && break; sleep 0.1; done
expect 0 "2 workers took these checks' tasks" -- 1 --address "$HTTP"
kill -TERM "$second_pid"
wait "$second_pid" 2>/dev/null || true
# A chapter-7 check that meets ACTION ("ctrl-c", "worker-stops") once it waits on
# real time: its exit status and a line of its output.
during_a_wait() {
  local action=$1 want_status=$2 want_text=$3 status=0
  start_worker --chapter 7 --timer-unit 5s
  "$WORKSHOP" check --go 7 --timer-unit 5s --address "$HTTP" >"$OUT" 2>&1 &
  local check_pid=$!
  for _ in $(seq 1 600); do grep -q "waiting for" "$OUT" && break; sleep 0.1; done
  grep -q "waiting for" "$OUT" || { echo "FAIL: the check never waited:" >&2; cat "$OUT" >&2; exit 1; }
  case $action in
    ctrl-c) kill -INT "$check_pid" ;;
    worker-stops) stop_worker ;;
  esac
  wait "$check_pid" || status=$?
  if [[ $status != "$want_status" ]] || ! grep -q "$want_text" "$OUT"; then
    echo "FAIL: $action during check --go 7 exited $status (expected $want_status) and should say: $want_text" >&2
    cat "$OUT" >&2
    exit 1
  fi
  passed=$((passed + 1))
  echo "ok: $action during check --go 7 -> $want_status, \"$want_text\""
}
# Ctrl-C ends the check and leaves no workflow of it open.
during_a_wait ctrl-c 130 "stopped; the check's workflow on the server was terminated"
if "$CARGO_TARGET_DIR/debug/bridge" --address "$HTTP" wf list | grep -q "workshop-"; then
  echo "FAIL: the stopped check left its workflow open:" >&2
  "$CARGO_TARGET_DIR/debug/bridge" --address "$HTTP" wf list >&2
  exit 1
fi
# A worker that stops in the middle of a check is said to have stopped, not blamed on the code.
during_a_wait worker-stops 2 "Did your worker stop?"
expect 2 "one chapter's code at a time" -- --all --address "$HTTP"
expect 2 "\"127.0.0.1:8800\" is not an HTTP URL" -- 1 --address 127.0.0.1:8800
expect 2 "answers, but not as Cadence's HTTP API" -- 1 --address http://127.0.0.1:7833
expect 2 "no worker" -- 1 --address "$HTTP"
expect 2 "Cadence server not reachable at http://127.0.0.1:9" -- 1 --address http://127.0.0.1:9
expect 2 "cannot run the cadence command \"./no-such-cadence\"" -- 1 --cli ./no-such-cadence
expect 2 "failed (exit status: 1) without saying why" -- 1 --cli false
expect 2 "cannot reach the server" -- 1 --cli "$(scripts/cadence-dev.sh bin)/cadence --address 127.0.0.1:9 --transport grpc"
# The gRPC port without --transport grpc: the CLI's own error is a reset connection.
expect 2 "at 127.0.0.1:7833 with --transport grpc" -- 1 --cli "$(scripts/cadence-dev.sh bin)/cadence --address 127.0.0.1:7833"
expect 2 "there is no chapter 9" -- 9 --address "$HTTP"
expect 2 "a day must last whole seconds, 1s or more" -- 7 --timer-unit 0s --address "$HTTP"

echo "workshop Go track: $passed passed, 0 failed"
