#!/usr/bin/env bash
# What does a Cadence server do with an HTTP long poll whose client went away?
# (The finding and the worker's stop built on it: docs/bridge.md.)
#
#   scripts/probe-abandoned-poll.sh decision|activity DELAY
#
# Opens a poll (context-ttl-ms 60000) on a fresh task list as "ghost", kills its
# client after 1 s, waits DELAY seconds, makes a task for that list, polls as "live",
# and prints how long the live poll took and which poller the history says started
# the task. Needs a running server (scripts/cadence-dev.sh up) and python3.
set -u
H="${POSTFLOW_CADENCE_HTTP:-http://127.0.0.1:8800}"
rpc() {
  curl -sS -m $(($3 / 1000 + 3)) -X POST "$H" -H 'rpc-caller: probe' -H 'rpc-service: cadence-frontend' -H 'rpc-encoding: json' \
    -H "rpc-procedure: uber.cadence.api.v1.$1" -H "context-ttl-ms: $3" -d "$2"
}
KIND=${1:?decision or activity}
DELAY=${2:?seconds}
TL="probe-$RANDOM$RANDOM"
WID="wf-$TL"
if [[ $KIND == decision ]]; then P=WorkerAPI::PollForDecisionTask; else P=WorkerAPI::PollForActivityTask; fi
poll() { rpc "$P" "{\"domain\":\"cadence-workshop\",\"taskList\":{\"name\":\"$TL\"},\"identity\":\"$1\"}" "$2"; }

poll ghost 60000 >/dev/null 2>&1 &
GHOST=$!
sleep 1
kill -9 $GHOST 2>/dev/null
wait $GHOST 2>/dev/null
sleep "$DELAY"
rpc WorkflowAPI::StartWorkflowExecution "{\"domain\":\"cadence-workshop\",\"workflowId\":\"$WID\",\"workflowType\":{\"name\":\"Probe\"},\"taskList\":{\"name\":\"$TL\"},\"executionStartToCloseTimeout\":\"120s\",\"taskStartToCloseTimeout\":\"10s\",\"requestId\":\"$(cat /proc/sys/kernel/random/uuid)\"}" 5000 >/dev/null
if [[ $KIND == activity ]]; then
  # The first decision schedules one activity (no retry policy) on the probed list.
  token=$(rpc WorkerAPI::PollForDecisionTask "{\"domain\":\"cadence-workshop\",\"taskList\":{\"name\":\"$TL\"},\"identity\":\"decider\"}" 10000 |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["taskToken"])')
  rpc WorkerAPI::RespondDecisionTaskCompleted "{\"taskToken\":\"$token\",\"identity\":\"decider\",\"decisions\":[{\"scheduleActivityTaskDecisionAttributes\":{\"activityId\":\"0\",\"activityType\":{\"name\":\"A\"},\"taskList\":{\"name\":\"$TL\"},\"scheduleToCloseTimeout\":\"60s\",\"scheduleToStartTimeout\":\"60s\",\"startToCloseTimeout\":\"30s\"}}]}" 5000 >/dev/null
fi
t0=$(date +%s.%N)
got=$(poll live 40000)
t1=$(date +%s.%N)
history=$(rpc WorkflowAPI::GetWorkflowExecutionHistory "{\"domain\":\"cadence-workshop\",\"workflowExecution\":{\"workflowId\":\"$WID\"}}" 5000 | python3 -c '
import json, sys
out = []
for e in json.load(sys.stdin)["history"]["events"]:
    key = next(k for k in e if k.endswith("EventAttributes"))
    who = e[key].get("identity")
    out.append(key[: -len("EventAttributes")] + (f"({who})" if who else ""))
print(" ".join(out))')
printf '%s, task %ss after the kill: live poll got a task: %s, after %.2f s; history: %s\n' \
  "$KIND" "$DELAY" "$([[ $got == *taskToken* ]] && echo yes || echo no)" "$(echo "$t1 - $t0" | bc)" "$history"
rpc WorkflowAPI::TerminateWorkflowExecution "{\"domain\":\"cadence-workshop\",\"workflowExecution\":{\"workflowId\":\"$WID\"},\"reason\":\"probe\"}" 5000 >/dev/null
