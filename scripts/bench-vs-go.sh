#!/usr/bin/env bash
# postflow against the reference a Cadence user has, on this machine, in one run:
# the Go client's test environment (go.uber.org/cadence/testsuite) running the same
# workflow (cadence-dev/workshop) for a package's whole life, and the Go client's
# replayer on a long history postflow wrote — alternately with postflow's own
# lifecycle and replay, ROUNDS times, and the ratio of the medians. Not a test:
# it measures (docs/benchmarks.md).
#
#   scripts/bench-vs-go.sh [ROUNDS=5] [EVENTS=1000]
#
# The lifecycle: start, two payment retries, ship, the estimate, five scans, the
# notification, delivered (postflow's `engine/lifecycle_5_scans`).
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$REPO"
ROUNDS=${1:-5}
EVENTS=${2:-1000}
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$REPO/target}"
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

cargo build -q --release -p postflow-core --example lifecycles --example replay
LIFECYCLES="$CARGO_TARGET_DIR/release/examples/lifecycles"
REPLAY="$CARGO_TARGET_DIR/release/examples/replay"
"$REPLAY" "$EVENTS" 0 "$WORK/history.json" >/dev/null
(cd cadence-dev && GOFLAGS="-mod=readonly -buildvcs=false" go test -c -o "$WORK/workshop.test" ./workshop/)

# Nanoseconds per lifecycle / per replayed event, one measurement each, each about as
# long as the Go side's (-test.benchtime 2s): a measurement of a few tens of
# milliseconds moved by half from round to round.
rust_lifecycle() {
  local n=40000 t0 t1
  t0=$(date +%s%N); "$LIFECYCLES" "$n" >/dev/null; t1=$(date +%s%N)
  echo $(((t1 - t0) / n))
}
rust_replay() {
  local n=$((20000000 / EVENTS)) t0 t1 events
  events=$("$REPLAY" "$EVENTS" 0 | awk '{print $4}')
  t0=$(date +%s%N); "$REPLAY" "$EVENTS" "$n" >/dev/null; t1=$(date +%s%N)
  # The same run builds the history first; subtract that part.
  local b0 b1; b0=$(date +%s%N); "$REPLAY" "$EVENTS" 0 >/dev/null; b1=$(date +%s%N)
  # Tenths of a nanosecond: at ~35 ns per event, whole nanoseconds rounded down would
  # flatter postflow by up to 3 %.
  awk -v t="$(((t1 - t0) - (b1 - b0)))" -v n="$n" -v e="$events" 'BEGIN {printf "%.1f\n", t / n / e}'
}
go_lifecycle() {
  "$WORK/workshop.test" -test.run XXX -test.bench 'BenchmarkLifecycle$' -test.benchtime 2s | awk '/^BenchmarkLifecycle/ {print int($3)}'
}
go_replay() {
  POSTFLOW_REPLAY_HISTORY="$WORK/history.json" "$WORK/workshop.test" -test.run XXX -test.bench 'BenchmarkReplay$' -test.benchtime 2s \
    | awk '/^BenchmarkReplay/ {for (i = 1; i <= NF; i++) if ($(i+1) == "ns/event") printf "%.1f\n", $i}'
}

median() { sort -n | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'; }

ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.1f", a / b}'; }
echo "round  go lifecycle  postflow lifecycle  ratio  |  go replay/event  postflow replay/event  ratio   (ns; load $(cut -d' ' -f1-3 /proc/loadavg))"
for r in $(seq 1 "$ROUNDS"); do
  gl=$(go_lifecycle); rl=$(rust_lifecycle); gr=$(go_replay); rr=$(rust_replay)
  lx=$(ratio "$gl" "$rl"); rx=$(ratio "$gr" "$rr")
  printf '%5d  %12d  %18d  %5sx  |  %15.1f  %21.1f  %5sx\n' "$r" "$gl" "$rl" "$lx" "$gr" "$rr" "$rx"
  echo "$gl" >>"$WORK/gl"; echo "$rl" >>"$WORK/rl"; echo "$gr" >>"$WORK/gr"; echo "$rr" >>"$WORK/rr"
  echo "$lx" >>"$WORK/lx"; echo "$rx" >>"$WORK/rx"
done
GL=$(median <"$WORK/gl"); RL=$(median <"$WORK/rl"); GR=$(median <"$WORK/gr"); RR=$(median <"$WORK/rr")
# The medians below are the headline; a target met by the medians but not by every
# round is not met when the Go side runs at its fastest, so the range is printed too.
range() { sort -n | awk 'NR == 1 {lo = $1} {hi = $1} END {print lo "x to " hi "x"}'; }
echo
echo "per round: lifecycle $(range <"$WORK/lx"), replay $(range <"$WORK/rx")"
echo "lifecycle: Go test environment $GL ns, postflow $RL ns: postflow is $(ratio "$GL" "$RL")x faster (target 100x)"
echo "replay ($(("$EVENTS"))+ events): Go replayer $GR ns/event, postflow $RR ns/event: postflow is $(ratio "$GR" "$RR")x faster (target 50x)"
