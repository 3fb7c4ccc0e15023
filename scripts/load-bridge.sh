#!/usr/bin/env bash
# Load numbers for the bridge (not a test): N full order lifecycles (start, SCANS
# scans, delivered) through a real Cadence server, served by WORKERS `bridge worker`
# processes polling the same task list (the worker side scales out).
#
#   scripts/load-bridge.sh [N=200] [CONCURRENCY=16] [SCANS=3] [WORKERS=1]
#   STICKY_CACHE_SIZE=0 scripts/load-bridge.sh ...   # the worker without its sticky cache
#   POLLERS=32 scripts/load-bridge.sh ...             # decision and activity pollers per worker (4)
#
# Prints lifecycles per second, decision-task latency p50/p99 (server side:
# DecisionTaskScheduled to DecisionTaskCompleted event times; and worker side: task
# arrival to acknowledged answer), each worker's CPU time per lifecycle and its RSS
# (now and peak).
# Starts the dev server if needed and stops it again if it started it.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$REPO"
N=${1:-200}
CONCURRENCY=${2:-16}
SCANS=${3:-3}
WORKERS=${4:-1}
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$REPO/target}"
ADDRESS="${POSTFLOW_CADENCE_HTTP:-http://127.0.0.1:8800}"

cargo build --release -p cadence-bridge --bin bridge
BRIDGE="$CARGO_TARGET_DIR/release/bridge"

was_running=0
scripts/cadence-dev.sh status >/dev/null 2>&1 && was_running=1
WORKER_PIDS=()
cleanup() {
  for pid in "${WORKER_PIDS[@]}"; do
    if kill -0 "$pid" 2>/dev/null; then kill -TERM "$pid"; wait "$pid" || true; fi
  done
  if [[ $was_running == 0 ]]; then scripts/cadence-dev.sh down || true; fi
}
trap cleanup EXIT
scripts/cadence-dev.sh up

LOGS=()
# Default timer unit (60 s): no notification timer fires during a lifecycle, so
# every lifecycle does the same work. Short polls: a quick, clean stop at the end.
# Quiet: the workflows' log lines are not part of what a load run measures.
for w in $(seq 1 "$WORKERS"); do
  LOG=$(mktemp)
  LOGS+=("$LOG")
  "$BRIDGE" --address "$ADDRESS" worker --decision-pollers "${POLLERS:-4}" --activity-pollers "${POLLERS:-4}" \
    --sticky-cache-size "${STICKY_CACHE_SIZE:-10000}" --quiet 2>"$LOG" &
  WORKER_PIDS+=($!)
done

PREFIX="load-$(date +%s)"
echo "$WORKERS worker process(es), ${POLLERS:-4} decision and ${POLLERS:-4} activity pollers each"
"$BRIDGE" --address "$ADDRESS" load --workflows "$N" --concurrency "$CONCURRENCY" --scans "$SCANS" --prefix "$PREFIX"

for i in "${!WORKER_PIDS[@]}"; do
  pid=${WORKER_PIDS[$i]}
  rss=$(awk '/^VmRSS/ {print $2, $3}' "/proc/$pid/status")
  peak=$(awk '/^VmHWM/ {print $2, $3}' "/proc/$pid/status")
  # utime + stime (fields 14 and 15 of /proc/PID/stat, in clock ticks).
  cpu=$(awk -v hz="$(getconf CLK_TCK)" -v n="$N" '{printf "%.2f s, %.1f ms per lifecycle", ($14+$15)/hz, ($14+$15)/hz*1000/n}' "/proc/$pid/stat")
  kill -TERM "$pid"; wait "$pid" || true
  echo "worker $((i + 1)) CPU: $cpu"
  echo "worker $((i + 1)) RSS at the end: $rss (peak $peak)"
  grep 'stopped in' "${LOGS[$i]}" | sed "s/^worker: stopped in [0-9.]* s; /worker $((i + 1)) side: /"
  rm -f "${LOGS[$i]}"
done
WORKER_PIDS=()
