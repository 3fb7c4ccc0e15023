#!/usr/bin/env bash
# What one package lifecycle costs a real Cadence server (the inputs of docs/scale.md):
# K lifecycles (start, two payment retries, ship, the estimate, 3 scans, delivered)
# through the dev server with our Rust worker, and the server's own persistence
# request counters (Prometheus, cadence-dev/config/development.yaml) read before
# and after; history events, bytes (the server's HistorySize), decision and
# activity tasks from the histories. Not a test: it measures.
#
#   scripts/measure-capacity.sh [K=100] [CONCURRENCY=16]
#   POLLERS=32 scripts/measure-capacity.sh ...   # the worker's decision and activity pollers (4)
#
# Run it where port 8800 is free (or in a network namespace of its own). Starts the dev server if needed
# and stops it again if it started it.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$REPO"
K=${1:-100}
CONCURRENCY=${2:-16}
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$REPO/target}"
ADDRESS="${POSTFLOW_CADENCE_HTTP:-http://127.0.0.1:8800}"
METRICS_PORTS="7951 7952 7953 7954" # frontend, matching, history, worker

cargo build --release -p cadence-bridge --bin bridge
BRIDGE="$CARGO_TARGET_DIR/release/bridge"

was_running=0
scripts/cadence-dev.sh status >/dev/null 2>&1 && was_running=1
WORKER_PID=
WORK=$(mktemp -d)
cleanup() {
  if [[ -n "$WORKER_PID" ]] && kill -0 "$WORKER_PID" 2>/dev/null; then kill -TERM "$WORKER_PID"; wait "$WORKER_PID" || true; fi
  if [[ $was_running == 0 ]]; then scripts/cadence-dev.sh down || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT
scripts/cadence-dev.sh up
CLI="$(scripts/cadence-dev.sh bin)/cadence"

# Sum of persistence_requests per operation over the four services.
scrape() {
  for port in $METRICS_PORTS; do
    curl -sf "http://127.0.0.1:$port/metrics" || { echo "metrics on :$port do not answer" >&2; exit 1; }
  done | awk -F'[{}]' '/^persistence_requests\{/ {
      split($2, labels, ","); op = "";
      for (i in labels) if (labels[i] ~ /^operation=/) { op = labels[i]; gsub(/operation=|"/, "", op) }
      n = $3; gsub(/ /, "", n); sum[op] += n }
    END { for (op in sum) print op, sum[op] }' | sort
}

"$BRIDGE" --address "$ADDRESS" worker --decision-pollers "${POLLERS:-4}" --activity-pollers "${POLLERS:-4}" 2>"$WORK/worker.log" &
WORKER_PID=$!
# Let the worker's first polls and the server's start-up writes settle.
sleep 3
scrape >"$WORK/before"
PREFIX="capacity-$(date +%s)"
"$BRIDGE" --address "$ADDRESS" load --workflows "$K" --concurrency "$CONCURRENCY" --prefix "$PREFIX"
# Transfer and timer tasks (visibility, deletions of fired timers) finish after the
# workflows close: wait until the counters stop moving.
prev=""
for _ in $(seq 1 30); do
  sleep 2
  scrape >"$WORK/after"
  cur=$(md5sum <"$WORK/after")
  [[ "$cur" == "$prev" ]] && break
  prev=$cur
done

echo
echo "persistence requests per lifecycle (K=$K), by operation:"
join -a2 -e 0 -o 0,1.2,2.2 "$WORK/before" "$WORK/after" | awk -v k="$K" '
  { d = $3 - $2; if (d <= 0) next; per = d / k; total += per;
    w = ($1 ~ /^(Create|Update|Append|Delete|Complete|RangeComplete|RangeDelete|Put|Upsert|Record|Insert|Lease|Conflict|Persist)/);
    if (w) writes += per;
    printf "  %-40s %8.2f  %s\n", $1, per, (w ? "write" : "read") }
  END { printf "  %-40s %8.2f\n  %-40s %8.2f\n", "all requests", total, "writes", writes }'

# History of a sample of the lifecycles: events, tasks, and the bytes the server keeps.
echo
echo "history per lifecycle (sample of 10):"
for i in $(seq 0 9); do
  id="$PREFIX-$i"
  json=$(curl -sf -X POST "$ADDRESS" -H 'rpc-caller: capacity' -H 'rpc-service: cadence-frontend' -H 'rpc-encoding: json' \
    -H 'rpc-procedure: uber.cadence.api.v1.WorkflowAPI::GetWorkflowExecutionHistory' -H 'context-ttl-ms: 10000' \
    -d "{\"domain\":\"cadence-workshop\",\"workflowExecution\":{\"workflowId\":\"$id\"},\"pageSize\":1000}")
  events=$(grep -o '"eventId"' <<<"$json" | wc -l)
  decisions=$(grep -o 'decisionTaskCompletedEventAttributes' <<<"$json" | wc -l)
  activities=$(grep -o 'activityTaskScheduledEventAttributes' <<<"$json" | wc -l)
  size=$("$CLI" --do cadence-workshop --transport grpc --address 127.0.0.1:7833 admin workflow describe --wid "$id" 2>/dev/null \
    | grep -o '\\"HistorySize\\":[0-9]*' | head -1 | grep -o '[0-9]*$' || echo 0)
  echo "  $id events $events decision_tasks $decisions activities $activities history_bytes $size"
done | tee "$WORK/sample"
awk '{ e += $3; d += $5; a += $7; b += $9; n++ }
  END { printf "  mean: %.1f events, %.1f decision tasks, %.1f activities (+2 payment retries each lifecycle), %.0f history bytes\n", e/n, d/n, a/n, b/n }' "$WORK/sample"
