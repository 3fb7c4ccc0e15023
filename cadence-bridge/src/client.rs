//! A Cadence client over the frontend's HTTP/JSON API (yarpc HTTP transport, proto3
//! JSON bodies, cadence-semantics.md §4–§5).
//!
//! Every call carries a deadline twice: `context-ttl-ms` tells the server how long it
//! may take, and the HTTP client gives up a little later, so a dead server never
//! hangs a caller.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use postflow_core::decision::Decision;
use postflow_core::history::HistoryEvent;
use postflow_core::history::json::event_from_value;
use postflow_core::payload::{Failure, Payload};
use serde_json::{Value, json};

use crate::error::BridgeError;

/// The deadline of an ordinary (not long-polling) call.
pub const DEFAULT_TTL: Duration = Duration::from_secs(10);
/// How long a worker's task poll may be held by matching: it answers empty after
/// min(60 s, ttl - 1 s). Short, because a poll cannot be taken back: the server does
/// not notice that an HTTP client went away and hands the dead poll the next task
/// (docs/bridge.md), so a stopping worker waits for its open polls to end.
pub const POLL_TTL: Duration = Duration::from_secs(5);
/// Extra time the HTTP client waits beyond the server's deadline, so the server's own
/// "deadline exceeded" answer arrives before we cut the connection.
const CLIENT_GRACE: Duration = Duration::from_secs(3);

const API: &str = "uber.cadence.api.v1";

/// Options of `StartWorkflowExecution`.
#[derive(Clone, Debug)]
pub struct StartOptions {
    pub domain: String,
    pub workflow_id: String,
    pub workflow_type: String,
    pub task_list: String,
    pub input: Option<String>,
    pub execution_timeout: Duration,
    pub task_timeout: Duration,
    /// `WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE` and friends; the short forms
    /// `AllowDuplicate`, `AllowDuplicateFailedOnly`, `RejectDuplicate`, `TerminateIfRunning` work too.
    pub id_reuse_policy: Option<String>,
}

/// One open workflow of `ListOpenWorkflowExecutions`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OpenWorkflow {
    pub workflow_id: String,
    pub run_id: String,
    pub workflow_type: String,
}

#[derive(Clone)]
pub struct Client {
    url: String,
    http: reqwest::blocking::Client,
    pub identity: String,
}

impl Client {
    /// A client of the frontend at `url` (e.g. `http://127.0.0.1:8800`).
    pub fn new(url: &str, identity: &str) -> Result<Client, BridgeError> {
        // Said here, not as "relative URL without a base" at the first call.
        match reqwest::Url::parse(url) {
            Ok(u) if matches!(u.scheme(), "http" | "https") && u.host().is_some() => {}
            _ => {
                return Err(BridgeError::Invalid(format!(
                    "{url:?} is not an HTTP URL: write the server's HTTP API with its scheme, e.g. http://127.0.0.1:8800"
                )));
            }
        }
        let http = reqwest::blocking::Client::builder()
            .connect_timeout(Duration::from_secs(3))
            // No default timeout: each call sets its own (polls last a minute).
            .timeout(None)
            .build()
            .map_err(|e| BridgeError::Invalid(format!("cannot build the HTTP client: {e}")))?;
        Ok(Client { url: url.trim_end_matches('/').to_owned() + "/", http, identity: identity.to_owned() })
    }

    pub fn url(&self) -> &str {
        &self.url
    }

    /// One unary call: `service` like `WorkflowAPI`, `method` like `StartWorkflowExecution`.
    pub fn call(&self, service: &str, method: &str, body: &Value, ttl: Duration) -> Result<Value, BridgeError> {
        let procedure = format!("{API}.{service}::{method}");
        let resp = self
            .http
            .post(&self.url)
            .header("rpc-caller", "postflow-bridge")
            .header("rpc-service", "cadence-frontend")
            .header("rpc-procedure", &procedure)
            .header("rpc-encoding", "json")
            .header("context-ttl-ms", ttl.as_millis().to_string())
            .timeout(ttl + CLIENT_GRACE)
            .json(body)
            .send()
            .map_err(|e| self.transport_error(&procedure, ttl + CLIENT_GRACE, e))?;
        let status = resp.status().as_u16();
        let header = |name: &str| resp.headers().get(name).and_then(|v| v.to_str().ok()).map(str::to_owned);
        let code = header("rpc-error-code");
        let app_error = header("rpc-application-error-name");
        let text = resp.text().map_err(|e| self.transport_error(&procedure, ttl + CLIENT_GRACE, e))?;
        if status != 200 {
            return Err(BridgeError::from_response(&procedure, status, code.as_deref(), app_error.as_deref(), &text));
        }
        serde_json::from_str(&text).map_err(|e| BridgeError::Decode { procedure, reason: e.to_string() })
    }

    fn transport_error(&self, procedure: &str, after: Duration, e: reqwest::Error) -> BridgeError {
        if e.is_timeout() {
            BridgeError::Timeout { procedure: procedure.to_owned(), after }
        } else {
            // Walk to the innermost cause: "connection refused" says more than "error sending request".
            let mut reason = e.to_string();
            let mut source = std::error::Error::source(&e);
            while let Some(s) = source {
                reason = s.to_string();
                source = s.source();
            }
            let url = self.url.trim_end_matches('/').to_owned();
            // hyper's words for an answer that is not HTTP/1 (a gRPC port answers HTTP/2 frames).
            if reason.contains("unexpected message") || reason.contains("invalid HTTP") {
                return BridgeError::NotHttpApi { url, reason };
            }
            // What the frontend's tchannel port (7933) does with an HTTP request. It stays
            // "not reachable" (a server going down mid-call says the same), with the hint
            // that the port may be the wrong one: "is it running?" alone sent people to a
            // server that runs.
            if reason.contains("closed before message completed") {
                return BridgeError::Unreachable {
                    url,
                    reason: format!(
                        "{reason}: something took the connection and hung up; if that is Cadence, this is not its HTTP API port \
                         (8800 on the dev server; 7833 is gRPC and 7933 tchannel, for the cadence CLI)"
                    ),
                };
            }
            BridgeError::Unreachable { url, reason }
        }
    }

    // ---- domains ----

    /// Registers a domain (global, like the CLI's default). Retention in whole days.
    pub fn register_domain(&self, name: &str, retention_days: u32, global: bool) -> Result<(), BridgeError> {
        let body = json!({
            "name": name,
            "workflowExecutionRetentionPeriod": format!("{}s", u64::from(retention_days) * 86_400),
            "isGlobalDomain": global,
        });
        self.call("DomainAPI", "RegisterDomain", &body, DEFAULT_TTL).map(|_| ())
    }

    pub fn describe_domain(&self, name: &str) -> Result<Value, BridgeError> {
        self.call("DomainAPI", "DescribeDomain", &json!({ "name": name }), DEFAULT_TTL)
    }

    // ---- workflows ----

    /// Starts a workflow; returns its run ID.
    pub fn start_workflow(&self, o: &StartOptions) -> Result<String, BridgeError> {
        self.start_workflow_as(o, &request_id())
    }

    /// Starts a workflow under `request_id` (a [`request_id`]); returns its run ID. The
    /// server takes a start sent again under the same request ID as the same start: if
    /// the first one started the workflow (its answer lost, say), the run ID of that
    /// start comes back, and nothing else is started.
    pub fn start_workflow_as(&self, o: &StartOptions, request_id: &str) -> Result<String, BridgeError> {
        let mut body = json!({
            "domain": o.domain,
            "workflowId": o.workflow_id,
            "workflowType": { "name": o.workflow_type },
            "taskList": { "name": o.task_list },
            "executionStartToCloseTimeout": secs(o.execution_timeout),
            "taskStartToCloseTimeout": secs(o.task_timeout),
            "identity": self.identity,
            // The server deduplicates retried starts by this ID; it must be a UUID.
            "requestId": request_id,
        });
        if let Some(input) = &o.input {
            body["input"] = payload(input.as_bytes());
        }
        if let Some(p) = &o.id_reuse_policy {
            body["workflowIdReusePolicy"] = json!(reuse_policy(p)?);
        }
        let v = self.call("WorkflowAPI", "StartWorkflowExecution", &body, DEFAULT_TTL)?;
        Ok(v["runId"].as_str().unwrap_or_default().to_owned())
    }

    pub fn signal(&self, domain: &str, workflow_id: &str, run_id: &str, name: &str, input: Option<&str>) -> Result<(), BridgeError> {
        self.signal_as(domain, workflow_id, run_id, name, input, &request_id())
    }

    /// Signals under `request_id` (a [`request_id`]). The server records a signal sent
    /// again under the same request ID once: a second send is answered as the first
    /// was, even once the workflow has closed.
    pub fn signal_as(
        &self,
        domain: &str,
        workflow_id: &str,
        run_id: &str,
        name: &str,
        input: Option<&str>,
        request_id: &str,
    ) -> Result<(), BridgeError> {
        let mut body = json!({
            "domain": domain,
            "workflowExecution": execution(workflow_id, run_id),
            "signalName": name,
            "identity": self.identity,
            "requestId": request_id,
        });
        // Like the cadence CLI, a signal without input carries an empty payload (the
        // history then shows `input: {}`), so our signals and the CLI's look alike.
        body["signalInput"] = payload(input.unwrap_or_default().as_bytes());
        self.call("WorkflowAPI", "SignalWorkflowExecution", &body, DEFAULT_TTL).map(|_| ())
    }

    /// Runs a query; returns the answer's text (JSON for the postal workflow).
    pub fn query(
        &self,
        domain: &str,
        workflow_id: &str,
        run_id: &str,
        query_type: &str,
        args: Option<&str>,
    ) -> Result<String, BridgeError> {
        let mut query = json!({ "queryType": query_type });
        if let Some(a) = args {
            query["queryArgs"] = payload(a.as_bytes());
        }
        let body = json!({ "domain": domain, "workflowExecution": execution(workflow_id, run_id), "query": query });
        // A query waits for a worker to answer; give it longer than a plain call.
        let v = self.call("WorkflowAPI", "QueryWorkflow", &body, QUERY_TTL).map_err(query_error)?;
        if let Some(rejected) = v.get("queryRejected") {
            return Err(BridgeError::QueryFailed(format!("query rejected: {rejected}")));
        }
        Ok(query_answer(&v["queryResult"]))
    }

    /// The workers polling `task_list` for decision tasks, by identity
    /// (`DescribeTaskList`). The server lists a poller for minutes after its last poll;
    /// one whose last poll is older than [`POLLER_GONE_AFTER`] is left out: a running
    /// worker polls again as soon as a poll ends (ours every few seconds, the Go
    /// client's within a minute).
    pub fn decision_pollers(&self, domain: &str, task_list: &str) -> Result<Vec<String>, BridgeError> {
        let body = json!({ "domain": domain, "taskList": { "name": task_list }, "taskListType": "TASK_LIST_TYPE_DECISION" });
        let v = self.call("WorkflowAPI", "DescribeTaskList", &body, DEFAULT_TTL)?;
        let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default();
        Ok(live_pollers(&v, postflow_core::time::Timestamp(now.as_nanos() as i64)))
    }

    pub fn describe(&self, domain: &str, workflow_id: &str, run_id: &str) -> Result<Value, BridgeError> {
        let body = json!({ "domain": domain, "workflowExecution": execution(workflow_id, run_id) });
        self.call("WorkflowAPI", "DescribeWorkflowExecution", &body, DEFAULT_TTL)
    }

    /// The whole history as the server's JSON events, following every page.
    pub fn history_json(&self, domain: &str, workflow_id: &str, run_id: &str) -> Result<Vec<Value>, BridgeError> {
        let mut events = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let mut body = json!({ "domain": domain, "workflowExecution": execution(workflow_id, run_id), "pageSize": 1000 });
            if let Some(t) = &token {
                body["nextPageToken"] = json!(t);
            }
            let v = self.call("WorkflowAPI", "GetWorkflowExecutionHistory", &body, DEFAULT_TTL)?;
            if let Some(page) = v["history"]["events"].as_array() {
                events.extend(page.iter().cloned());
            }
            match v["nextPageToken"].as_str() {
                Some(t) if !t.is_empty() => token = Some(t.to_owned()),
                _ => return Ok(events),
            }
        }
    }

    /// The whole history, read into core's event model.
    pub fn history(&self, domain: &str, workflow_id: &str, run_id: &str) -> Result<Vec<HistoryEvent>, BridgeError> {
        events_from_json(self.history_json(domain, workflow_id, run_id)?)
    }

    pub fn terminate(&self, domain: &str, workflow_id: &str, run_id: &str, reason: &str) -> Result<(), BridgeError> {
        let body = json!({
            "domain": domain,
            "workflowExecution": execution(workflow_id, run_id),
            "reason": reason,
            "identity": self.identity,
        });
        self.call("WorkflowAPI", "TerminateWorkflowExecution", &body, DEFAULT_TTL).map(|_| ())
    }

    /// Asks the server to cancel a workflow (`cadence wf cancel`), under `request_id`
    /// (a [`request_id`]). The server records `WorkflowExecutionCancelRequested` with
    /// `cause`, our identity and the request ID, and schedules a decision task unless one
    /// is already pending; what the workflow then does is up to its code. It takes one
    /// cancel request per run.
    ///
    /// Sent again under the same request ID (its answer lost, say), as the server's
    /// v1.4.1 history engine has it (`RequestCancelWorkflowExecution`) and as measured
    /// on the dev server: while the workflow runs, the second send is answered as the
    /// first was and nothing more is written. Once the workflow has closed, it is answered
    /// so only if the workflow closed as canceled; a workflow that closed otherwise
    /// (completed despite the request, terminated, timed out) refuses it "already
    /// completed", the request it recorded or not: the history's `requestId` tells. Under
    /// another request ID, a running workflow that has one refuses it ("cancellation
    /// already requested for this workflow execution":
    /// [`BridgeError::CancelAlreadyRequested`]).
    pub fn request_cancel(&self, domain: &str, workflow_id: &str, run_id: &str, cause: &str, request_id: &str) -> Result<(), BridgeError> {
        let body = json!({
            "domain": domain,
            "workflowExecution": execution(workflow_id, run_id),
            "identity": self.identity,
            "requestId": request_id,
            "cause": cause,
        });
        self.call("WorkflowAPI", "RequestCancelWorkflowExecution", &body, DEFAULT_TTL).map(|_| ())
    }

    /// Open workflows of a domain (first `max` of them), newest first.
    pub fn list_open(&self, domain: &str, max: u32) -> Result<Vec<OpenWorkflow>, BridgeError> {
        let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default();
        let body = json!({
            "domain": domain,
            "pageSize": max,
            "startTimeFilter": { "earliestTime": "1970-01-01T00:00:00Z", "latestTime": rfc3339(now + Duration::from_secs(86_400)) },
        });
        let v = self.call("VisibilityAPI", "ListOpenWorkflowExecutions", &body, DEFAULT_TTL)?;
        Ok(v["executions"]
            .as_array()
            .map(|a| {
                a.iter()
                    .map(|e| OpenWorkflow {
                        workflow_id: e["workflowExecution"]["workflowId"].as_str().unwrap_or_default().to_owned(),
                        run_id: e["workflowExecution"]["runId"].as_str().unwrap_or_default().to_owned(),
                        workflow_type: e["type"]["name"].as_str().unwrap_or_default().to_owned(),
                    })
                    .collect()
            })
            .unwrap_or_default())
    }

    // ---- worker side ----

    /// Long-polls for a decision task on `task_list` (a worker's sticky list when
    /// `sticky`); `None` when the poll ended empty.
    pub fn poll_decision_task(&self, domain: &str, task_list: &str, sticky: bool, ttl: Duration) -> Result<Option<Value>, BridgeError> {
        let body = json!({ "domain": domain, "taskList": task_list_json(task_list, sticky), "identity": self.identity });
        let v = self.call("WorkerAPI", "PollForDecisionTask", &body, ttl)?;
        Ok(v.get("taskToken").is_some().then_some(v))
    }

    /// Completes a decision task. With `sticky`, asks the server to send the run's
    /// next decision tasks to this worker's sticky list (with only the new events),
    /// as the Go client does. Like the Go client it asks for the next decision task in
    /// the answer (`returnNewDecisionTask`: there is one when events arrived while this
    /// task ran). The answer may also hand activities scheduled with
    /// `requestLocalDispatch` straight back (`activitiesToDispatchLocally`), already
    /// started, for this worker to run.
    pub fn respond_decision_completed(
        &self,
        token: &str,
        decisions: &[Decision],
        query_results: Option<Value>,
        sticky: Option<&Sticky>,
    ) -> Result<Value, BridgeError> {
        let mut body = json!({ "taskToken": token, "decisions": decisions, "identity": self.identity, "returnNewDecisionTask": true });
        if let Some(q) = query_results {
            body["queryResults"] = q;
        }
        if let Some(st) = sticky {
            body["stickyAttributes"] =
                json!({ "workerTaskList": task_list_json(&st.task_list, true), "scheduleToStartTimeout": secs(st.schedule_to_start) });
        }
        self.call("WorkerAPI", "RespondDecisionTaskCompleted", &body, DEFAULT_TTL)
    }

    /// Tells the server to send a run's next decision tasks to the normal task list
    /// again (a stopping worker's cached runs), instead of waiting for the sticky
    /// schedule-to-start timeout.
    pub fn reset_sticky_task_list(&self, domain: &str, workflow_id: &str, run_id: &str) -> Result<(), BridgeError> {
        let body = json!({ "domain": domain, "workflowExecution": execution(workflow_id, run_id) });
        self.call("WorkerAPI", "ResetStickyTaskList", &body, DEFAULT_TTL).map(|_| ())
    }

    pub fn respond_decision_failed(&self, token: &str, cause: &str, message: &str) -> Result<(), BridgeError> {
        // `details` is a Payload in the v1 API, not bare bytes.
        let body = json!({ "taskToken": token, "cause": cause, "details": payload(message.as_bytes()), "identity": self.identity });
        self.call("WorkerAPI", "RespondDecisionTaskFailed", &body, DEFAULT_TTL).map(|_| ())
    }

    pub fn poll_activity_task(&self, domain: &str, task_list: &str, ttl: Duration) -> Result<Option<Value>, BridgeError> {
        let body = json!({ "domain": domain, "taskList": { "name": task_list }, "identity": self.identity });
        let v = self.call("WorkerAPI", "PollForActivityTask", &body, ttl)?;
        Ok(v.get("taskToken").is_some().then_some(v))
    }

    pub fn respond_activity(&self, token: &str, outcome: &Result<Payload, Failure>) -> Result<(), BridgeError> {
        match outcome {
            Ok(result) => {
                let body = json!({ "taskToken": token, "result": payload(result.as_bytes()), "identity": self.identity });
                self.call("WorkerAPI", "RespondActivityTaskCompleted", &body, DEFAULT_TTL).map(|_| ())
            }
            Err(f) => {
                let body = json!({
                    "taskToken": token,
                    "failure": { "reason": f.reason, "details": B64.encode(&f.details) },
                    "identity": self.identity,
                });
                self.call("WorkerAPI", "RespondActivityTaskFailed", &body, DEFAULT_TTL).map(|_| ())
            }
        }
    }

    /// Answers a (legacy) query task: the answer, or the error message.
    pub fn respond_query(&self, token: &str, answer: &Result<Payload, String>) -> Result<(), BridgeError> {
        let body = json!({ "taskToken": token, "result": query_result(answer) });
        self.call("WorkerAPI", "RespondQueryTaskCompleted", &body, DEFAULT_TTL).map(|_| ())
    }
}

/// A new request ID, for a start, a signal or a cancel request that may be sent more
/// than once ([`Client::start_workflow_as`], [`Client::signal_as`],
/// [`Client::request_cancel`]): a UUID, as the server wants.
pub fn request_id() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// A poller whose last poll is older than this has stopped (see [`Client::decision_pollers`]).
pub const POLLER_GONE_AFTER: Duration = Duration::from_secs(90);

/// The identities of a `DescribeTaskList` answer's pollers that polled within
/// [`POLLER_GONE_AFTER`] of `now` (one without a readable time counts as polling).
fn live_pollers(v: &Value, now: postflow_core::time::Timestamp) -> Vec<String> {
    let recent = |p: &Value| {
        p["lastAccessTime"]
            .as_str()
            .and_then(|t| postflow_core::time::Timestamp::parse_rfc3339(t).ok())
            .is_none_or(|t| t.0 > now.0 - POLLER_GONE_AFTER.as_nanos() as i64)
    };
    v["pollers"]
        .as_array()
        .map(|p| p.iter().filter(|p| recent(p)).map(|p| p["identity"].as_str().unwrap_or_default().to_owned()).collect())
        .unwrap_or_default()
}

/// How long the server may wait for a worker to answer a query.
pub const QUERY_TTL: Duration = Duration::from_secs(20);

/// A query is answered by a worker that runs the workflow's code, never by the server:
/// the two ways that goes wrong are said in those terms, with what to do, instead of
/// as the server's bare "deadline exceeded" or its precondition.
fn query_error(e: BridgeError) -> BridgeError {
    match e {
        BridgeError::Server { code, .. } if code == "deadline-exceeded" => BridgeError::QueryFailed(format!(
            "no worker answered within {} s: the server hands a query to a worker that runs the workflow's code, and none \
             took it; is a worker (`bridge worker`) running for the workflow's domain and task list?",
            QUERY_TTL.as_secs()
        )),
        BridgeError::QueryFailed(m) if m.contains("at least one decision task") => BridgeError::QueryFailed(format!(
            "{m}: no worker has run the workflow's code yet, so there is no state to ask; once a worker (`bridge worker`) \
             for its task list takes its first decision task the query is answered"
        )),
        e => e,
    }
}

/// A worker's sticky task list and how long the server waits for it to poll before
/// it gives the decision task to the normal list instead.
#[derive(Clone, Debug)]
pub struct Sticky {
    pub task_list: String,
    pub schedule_to_start: Duration,
}

fn task_list_json(name: &str, sticky: bool) -> Value {
    if sticky { json!({ "name": name, "kind": "TASK_LIST_KIND_STICKY" }) } else { json!({ "name": name }) }
}

/// `WorkflowQueryResult` JSON for an answer or an error.
pub fn query_result(answer: &Result<Payload, String>) -> Value {
    match answer {
        Ok(p) => json!({ "resultType": "QUERY_RESULT_TYPE_ANSWERED", "answer": payload(p.as_bytes()) }),
        Err(m) => json!({ "resultType": "QUERY_RESULT_TYPE_FAILED", "errorMessage": m }),
    }
}

/// Reads server JSON events into core's model (the same reader the simulator's imports
/// use). The events must follow one another, but need not start at event 1: a sticky
/// decision task carries only the events after the last decision task.
pub fn events_from_json(events: Vec<Value>) -> Result<Vec<HistoryEvent>, BridgeError> {
    let fail = |reason: String| BridgeError::Decode { procedure: "GetWorkflowExecutionHistory".into(), reason };
    let mut out: Vec<HistoryEvent> = Vec::with_capacity(events.len());
    for (i, v) in events.iter().enumerate() {
        let e = event_from_value(i, v).map_err(|e| fail(e.to_string()))?;
        if let Some(prev) = out.last().filter(|p| p.event_id + 1 != e.event_id) {
            return Err(fail(format!("event {} follows event {}: the history has a gap", e.event_id, prev.event_id)));
        }
        out.push(e);
    }
    Ok(out)
}

/// A proto `Payload`: `{"data": "<base64>"}`.
pub fn payload(bytes: &[u8]) -> Value {
    json!({ "data": B64.encode(bytes) })
}

/// A query's answer as text: the JSON the worker encoded, without the line end Go's
/// JSON encoder (and ours, as the Go client's) puts after it. `cadence wf query` prints
/// the answer with that line end; a screen shows it without.
pub fn query_answer(v: &Value) -> String {
    payload_text(v).trim_end().to_owned()
}

/// The bytes of a proto `Payload`, as text (empty when absent or undecodable).
pub fn payload_text(v: &Value) -> String {
    payload_bytes(v).map(|b| String::from_utf8_lossy(&b).into_owned()).unwrap_or_default()
}

pub fn payload_bytes(v: &Value) -> Option<Vec<u8>> {
    v.get("data").and_then(Value::as_str).and_then(|s| B64.decode(s).ok())
}

fn execution(workflow_id: &str, run_id: &str) -> Value {
    if run_id.is_empty() { json!({ "workflowId": workflow_id }) } else { json!({ "workflowId": workflow_id, "runId": run_id }) }
}

/// Whole seconds, the only precision Cadence keeps.
fn secs(d: Duration) -> String {
    format!("{}s", d.as_secs())
}

fn rfc3339(since_epoch: Duration) -> String {
    postflow_core::time::Timestamp(since_epoch.as_nanos() as i64).to_rfc3339()
}

fn reuse_policy(p: &str) -> Result<&'static str, BridgeError> {
    let norm: String = p.chars().filter(|c| c.is_ascii_alphanumeric()).collect::<String>().to_ascii_lowercase();
    Ok(match norm.trim_start_matches("workflowidreusepolicy") {
        "allowduplicate" | "0" => "WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE",
        "allowduplicatefailedonly" | "1" => "WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE_FAILED_ONLY",
        "rejectduplicate" | "2" => "WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE",
        "terminateifrunning" | "3" => "WORKFLOW_ID_REUSE_POLICY_TERMINATE_IF_RUNNING",
        _ => {
            return Err(BridgeError::Invalid(format!(
                "unknown workflow ID reuse policy {p:?}: AllowDuplicate, AllowDuplicateFailedOnly, RejectDuplicate or TerminateIfRunning"
            )));
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reuse_policies_take_the_cli_spellings() {
        assert_eq!(reuse_policy("AllowDuplicate").unwrap(), "WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE");
        assert_eq!(reuse_policy("WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE").unwrap(), "WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE");
        assert!(reuse_policy("sometimes").unwrap_err().to_string().contains("RejectDuplicate"));
    }

    #[test]
    fn a_sticky_tasks_events_need_not_start_at_one_but_must_follow_one_another() {
        let ev = |id: u32| json!({ "eventId": id.to_string(), "timerFiredEventAttributes": { "timerId": "3", "startedEventId": "2" } });
        let read = events_from_json(vec![ev(7), ev(8)]).unwrap();
        assert_eq!(read.iter().map(|e| e.event_id).collect::<Vec<_>>(), [7, 8]);
        let e = events_from_json(vec![ev(7), ev(9)]).unwrap_err();
        assert!(e.to_string().contains("gap"), "{e}");
    }

    #[test]
    fn a_query_no_worker_answers_says_a_worker_is_missing_not_only_deadline_exceeded() {
        let timed_out = BridgeError::from_response(
            "uber.cadence.api.v1.WorkflowAPI::QueryWorkflow",
            504,
            Some("deadline-exceeded"),
            None,
            "call to procedure \"uber.cadence.api.v1.WorkflowAPI::QueryWorkflow\" of service \"cadence-frontend\" timed out",
        );
        let said = query_error(timed_out).to_string();
        assert!(said.starts_with("query failed: no worker answered within 20 s"), "{said}");
        assert!(said.contains("`bridge worker`") && !said.contains("server error"), "{said}");
        let never_ran = BridgeError::from_response(
            "P",
            400,
            Some("failed-precondition"),
            Some("QueryFailedError"),
            "workflow must handle at least one decision task before it can be queried",
        );
        let said = query_error(never_ran).to_string();
        assert!(said.contains("before it can be queried: no worker has run the workflow's code yet"), "{said}");
        assert!(said.contains("`bridge worker`"), "{said}");
        // Anything else is left as it was.
        let unknown = BridgeError::QueryFailed(
            "unknown queryType nope. KnownQueryTypes=[__open_sessions __query_types __stack_trace current_status]".into(),
        );
        assert_eq!(
            query_error(unknown).to_string(),
            "query failed: unknown queryType nope. KnownQueryTypes=[__open_sessions __query_types __stack_trace current_status]"
        );
    }

    #[test]
    fn a_poller_the_server_still_lists_minutes_after_its_last_poll_is_not_a_worker() {
        // As the dev server answered DescribeTaskList a minute after a worker stopped,
        // beside one polling now.
        let v = json!({ "pollers": [
            { "lastAccessTime": "2026-12-07T01:13:47.409677829Z", "identity": "bridge@17770", "ratePerSecond": 100000 },
            { "lastAccessTime": "2026-12-07T01:15:55Z", "identity": "bridge@20001" },
        ]});
        let now = postflow_core::time::Timestamp::parse_rfc3339("2026-12-07T01:15:57Z").unwrap();
        assert_eq!(live_pollers(&v, now), ["bridge@20001"]);
        let now = postflow_core::time::Timestamp::parse_rfc3339("2026-12-07T01:14:00Z").unwrap();
        assert_eq!(live_pollers(&v, now), ["bridge@17770", "bridge@20001"]);
        assert!(live_pollers(&json!({ "taskList": { "name": "tasklst" } }), now).is_empty());
    }

    #[test]
    fn a_query_answer_is_the_workers_json_without_the_encoders_line_end() {
        // A worker's answer as the server passes it on: Go's JSON encoder ends it with a line end.
        let answer = payload(b"{\"delivered\":false,\"locationHistory\":[\"Aarhus\"]}\n");
        assert_eq!(query_answer(&answer), r#"{"delivered":false,"locationHistory":["Aarhus"]}"#);
        assert_eq!(query_answer(&payload(br#""Hello""#)), r#""Hello""#);
    }

    #[test]
    fn payloads_are_base64_data() {
        let p = payload(br#"{"location":"delft"}"#);
        assert_eq!(p, json!({ "data": "eyJsb2NhdGlvbiI6ImRlbGZ0In0=" }));
        assert_eq!(payload_text(&p), r#"{"location":"delft"}"#);
    }

    #[test]
    fn an_address_without_its_scheme_is_refused_with_the_form_it_takes() {
        for bad in ["127.0.0.1:8800", "localhost", "grpc://127.0.0.1:7833", ""] {
            let e = Client::new(bad, "test").err().unwrap_or_else(|| panic!("{bad:?} was taken"));
            assert!(e.to_string().contains("is not an HTTP URL") && e.to_string().contains("http://127.0.0.1:8800"), "{e}");
        }
    }

    #[test]
    fn a_port_that_answers_another_protocol_is_named_as_not_the_http_api() {
        // What a gRPC port sends first: an HTTP/2 SETTINGS frame.
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        std::thread::spawn(move || {
            use std::io::{Read, Write};
            let (mut conn, _) = listener.accept().unwrap();
            let _ = conn.write_all(&[0, 0, 0, 4, 0, 0, 0, 0, 0]);
            let _ = conn.read(&mut [0; 1024]);
        });
        let e = Client::new(&format!("http://127.0.0.1:{port}"), "test").unwrap().describe_domain("x").unwrap_err();
        assert!(matches!(e, BridgeError::NotHttpApi { .. }), "{e:?}");
        assert!(e.to_string().contains("answers, but not as Cadence's HTTP API"), "{e}");
    }

    #[test]
    fn a_closed_port_is_reported_as_not_reachable_quickly() {
        // Port 9 (discard) is closed here; the call must fail fast with a clear message.
        let c = Client::new("http://127.0.0.1:9", "test").unwrap();
        let t = std::time::Instant::now();
        let e = c.describe_domain("x").unwrap_err();
        assert!(matches!(e, BridgeError::Unreachable { .. }), "{e}");
        assert!(e.to_string().contains("not reachable"), "{e}");
        assert!(t.elapsed() < Duration::from_secs(5));
    }
}
