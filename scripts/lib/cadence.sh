# shellcheck shell=bash
# Talking to a Cadence frontend's HTTP/JSON API from the scripts. Source it and set
# HTTP (e.g. http://127.0.0.1:8800); then use rpc and domain_usable.

# One call: rpc PROCEDURE BODY [TTL_MS]. Prints the body; the exit status is curl's
# (22 on HTTP >= 400).
rpc() {
  curl -sS --fail-with-body --max-time $(( ${3:-5000} / 1000 + 2 )) -X POST "$HTTP" \
    -H 'rpc-caller: postflow' -H 'rpc-service: cadence-frontend' -H 'rpc-encoding: json' \
    -H "rpc-procedure: uber.cadence.api.v1.$1" -H "context-ttl-ms: ${3:-5000}" -d "$2"
}

# Can workflows of domain $1 be started and described yet? A new domain reaches the
# services' domain caches only on their refresh (~10 s): until then a start fails with
# "domain exists but cannot be loaded". Probe the paths a workflow takes: frontend ->
# matching (DescribeTaskList) and frontend -> history (DescribeWorkflowExecution of an
# unknown workflow must fail about the workflow, "GetCurrentExecution failed", not
# about the domain).
domain_usable() {
  local domain=$1 out
  rpc WorkflowAPI::DescribeTaskList "{\"domain\":\"$domain\",\"taskList\":{\"name\":\"postflow-probe\"},\"taskListType\":\"TASK_LIST_TYPE_DECISION\"}" >/dev/null 2>&1 || return 1
  out=$(rpc WorkflowAPI::DescribeWorkflowExecution "{\"domain\":\"$domain\",\"workflowExecution\":{\"workflowId\":\"postflow-probe\"}}" 2>&1) && return 0
  grep -q 'GetCurrentExecution' <<<"$out" && ! grep -qi 'domain' <<<"$out"
}
