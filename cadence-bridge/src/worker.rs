//! The worker: postflow's workflow code and postal activities serving a task list of
//! a real Cadence server.
//!
//! - Decision tasks: the task's full history (sticky execution is off, so the server
//!   always sends all of it) is replayed through [`WorkflowRuntime::replay`], and the
//!   decisions for the last task are sent back. A history the code could not have
//!   written fails the decision task with the runtime's message; the worker goes on.
//! - Query tasks (a decision poll answered with `query` set): replay, then answer.
//! - Activity tasks: the activity runs with the task's attempt number.
//!
//! Pollers are plain threads doing blocking long polls. A transient error (server
//! down) is logged once and retried with backoff, so the worker outlives a restart.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use postflow_core::history::CAUSE_WORKFLOW_WORKER_UNHANDLED_FAILURE;
use postflow_core::payload::{Failure, Payload};
use postflow_core::postal::{self, PostalConfig};
use postflow_core::registry::{ActivityContext, Registry};
use postflow_core::rng::SplitMix64;
use postflow_core::runtime::WorkflowRuntime;
use postflow_core::time::Timestamp;
use serde_json::{Value, json};

use crate::client::{self, Client};
use crate::error::BridgeError;

#[derive(Clone, Debug)]
pub struct WorkerConfig {
    pub domain: String,
    pub task_list: String,
    pub decision_pollers: usize,
    pub activity_pollers: usize,
    pub postal: PostalConfig,
    /// Seed of the estimate generator: each workflow run gets `SplitMix64::new(seed)`
    /// and draws in execution order, as the simulator does, so histories compare.
    pub seed: u64,
    /// How long one poll may be held by the server. Shorter polls let a stopping
    /// worker's threads finish sooner (the scenario runner uses that).
    pub poll_ttl: Duration,
    /// Print one line per task to stderr.
    pub verbose: bool,
}

impl Default for WorkerConfig {
    fn default() -> WorkerConfig {
        WorkerConfig {
            domain: postal::DOMAIN.into(),
            task_list: postal::TASK_LIST.into(),
            decision_pollers: 2,
            activity_pollers: 2,
            postal: PostalConfig::default(),
            seed: 1,
            poll_ttl: client::POLL_TTL,
            verbose: false,
        }
    }
}

/// Counters a load test and a person watching the worker care about.
#[derive(Default)]
pub struct Stats {
    pub decision_tasks: AtomicUsize,
    pub failed_decision_tasks: AtomicUsize,
    pub activity_tasks: AtomicUsize,
    pub query_tasks: AtomicUsize,
    /// Time from a decision task's arrival to the server's acknowledgement of the answer.
    pub decision_latencies: Mutex<Vec<Duration>>,
}

impl Stats {
    /// p50 and p99 of the decision-task latencies so far.
    pub fn decision_percentiles(&self) -> Option<(Duration, Duration)> {
        let mut l = self.decision_latencies.lock().ok()?.clone();
        if l.is_empty() {
            return None;
        }
        l.sort();
        let at = |q: f64| l[((l.len() as f64 * q).ceil() as usize).clamp(1, l.len()) - 1];
        Some((at(0.50), at(0.99)))
    }

    pub fn summary(&self) -> String {
        let (p50, p99) = self.decision_percentiles().unwrap_or_default();
        format!(
            "decision tasks {} (failed {}), activity tasks {}, query tasks {}, decision latency p50 {:.1} ms p99 {:.1} ms",
            self.decision_tasks.load(Ordering::Relaxed),
            self.failed_decision_tasks.load(Ordering::Relaxed),
            self.activity_tasks.load(Ordering::Relaxed),
            self.query_tasks.load(Ordering::Relaxed),
            p50.as_secs_f64() * 1e3,
            p99.as_secs_f64() * 1e3,
        )
    }
}

struct Shared {
    client: Client,
    config: WorkerConfig,
    registry: Registry,
    /// Estimate generators by run ID (one per workflow run, like the simulator's).
    rngs: Mutex<HashMap<String, SplitMix64>>,
    stop: Arc<AtomicBool>,
    /// Poller threads still running; shutdown waits for them.
    alive: AtomicUsize,
    stats: Stats,
}

/// A running worker; [`Worker::stop`] asks its pollers to finish.
pub struct Worker {
    shared: Arc<Shared>,
    threads: Vec<JoinHandle<()>>,
}

impl Worker {
    /// Starts the pollers. `stop` may be shared with a signal handler.
    pub fn start(client: Client, config: WorkerConfig, stop: Arc<AtomicBool>) -> Worker {
        let registry = postal::registry(config.postal);
        let shared = Arc::new(Shared {
            client,
            config,
            registry,
            rngs: Mutex::new(HashMap::new()),
            stop,
            alive: AtomicUsize::new(0),
            stats: Stats::default(),
        });
        let mut threads = Vec::new();
        for i in 0..shared.config.decision_pollers.max(1) {
            let s = shared.clone();
            threads.push(
                std::thread::Builder::new().name(format!("decision-{i}")).spawn(move || poll_loop(&s, Kind::Decision)).expect("spawn"),
            );
        }
        for i in 0..shared.config.activity_pollers.max(1) {
            let s = shared.clone();
            threads.push(
                std::thread::Builder::new().name(format!("activity-{i}")).spawn(move || poll_loop(&s, Kind::Activity)).expect("spawn"),
            );
        }
        Worker { shared, threads }
    }

    pub fn stats(&self) -> &Stats {
        &self.shared.stats
    }

    pub fn is_stopping(&self) -> bool {
        self.shared.stop.load(Ordering::SeqCst)
    }

    /// Stops polling and waits (at most `grace`) until every poller has ended: each
    /// finishes its open long poll and answers a task that poll brings. Leaving open
    /// polls behind is not safe over HTTP: the server does not notice that the client
    /// went away and may hand a task to the dead poll, which then waits for its
    /// timeout (10 s for a decision task, a minute for an activity).
    /// Returns whether all pollers ended in time.
    pub fn stop(&self, grace: Duration) -> bool {
        self.shared.stop.store(true, Ordering::SeqCst);
        let deadline = Instant::now() + grace;
        while self.shared.alive.load(Ordering::SeqCst) > 0 {
            if Instant::now() >= deadline {
                return false;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        true
    }

    /// Stops and joins every poller thread (bounded by the poll TTL).
    pub fn stop_and_join(self) {
        self.stop(self.shared.config.poll_ttl + Duration::from_secs(5));
        for t in self.threads {
            let _ = t.join();
        }
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Decision,
    Activity,
}

fn poll_loop(s: &Shared, kind: Kind) {
    s.alive.fetch_add(1, Ordering::SeqCst);
    poll_until_stopped(s, kind);
    s.alive.fetch_sub(1, Ordering::SeqCst);
}

fn poll_until_stopped(s: &Shared, kind: Kind) {
    let mut backoff = Duration::from_millis(200);
    let mut reported = false;
    while !s.stop.load(Ordering::SeqCst) {
        let c = &s.config;
        let polled = match kind {
            Kind::Decision => s.client.poll_decision_task(&c.domain, &c.task_list, c.poll_ttl),
            Kind::Activity => s.client.poll_activity_task(&c.domain, &c.task_list, c.poll_ttl),
        };
        match polled {
            Ok(task) => {
                if reported {
                    eprintln!("worker: server reachable again at {}", s.client.url());
                    reported = false;
                }
                backoff = Duration::from_millis(200);
                let Some(task) = task else { continue };
                // A task we got is answered even while stopping, or it waits for its timeout.
                // A panic on some odd task must not take the poller down with it.
                let handled = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| match kind {
                    Kind::Decision => handle_decision_task(s, &task),
                    Kind::Activity => handle_activity_task(s, &task),
                }));
                let result = handled.unwrap_or_else(|_| {
                    Err(BridgeError::Invalid("the worker panicked on this task; the server will retry it after its timeout".into()))
                });
                if let Err(e) = result {
                    eprintln!("worker: could not answer a task: {e}");
                }
            }
            Err(e) => {
                // Report a lasting problem once, not on every retry.
                if !reported {
                    eprintln!("worker: {e}; retrying");
                    reported = e.is_transient();
                }
                sleep_unless_stopped(s, backoff);
                backoff = (backoff * 2).min(Duration::from_secs(5));
            }
        }
    }
}

fn sleep_unless_stopped(s: &Shared, d: Duration) {
    let until = Instant::now() + d;
    while Instant::now() < until && !s.stop.load(Ordering::SeqCst) {
        std::thread::sleep(Duration::from_millis(50).min(until - Instant::now()));
    }
}

fn log(s: &Shared, line: impl FnOnce() -> String) {
    if s.config.verbose {
        eprintln!("worker: {}", line());
    }
}

/// The task's events plus any further pages (a long history does not fit one poll answer).
fn task_history(
    s: &Shared,
    task: &Value,
    workflow_id: &str,
    run_id: &str,
) -> Result<Vec<postflow_core::history::HistoryEvent>, BridgeError> {
    let mut events: Vec<Value> = task["history"]["events"].as_array().cloned().unwrap_or_default();
    if task["nextPageToken"].as_str().is_some_and(|t| !t.is_empty()) {
        // Simplest correct way: read the whole history again from the start.
        events = s.client.history_json(&s.config.domain, workflow_id, run_id)?;
        let started: i64 = task["startedEventId"].as_str().and_then(|t| t.parse().ok()).unwrap_or(i64::MAX);
        events.retain(|e| e["eventId"].as_str().and_then(|t| t.parse::<i64>().ok()).is_some_and(|id| id <= started));
    }
    client::events_from_json(events)
}

fn handle_decision_task(s: &Shared, task: &Value) -> Result<(), BridgeError> {
    let t0 = Instant::now();
    let token = task["taskToken"].as_str().unwrap_or_default();
    let workflow_id = task["workflowExecution"]["workflowId"].as_str().unwrap_or_default();
    let run_id = task["workflowExecution"]["runId"].as_str().unwrap_or_default();
    let type_name = task["workflowType"]["name"].as_str().unwrap_or_default();
    let is_query = task.get("query").is_some();
    // The server retries a failed decision task again and again; say so on the first
    // two attempts, not on every retry.
    let first_attempts = task["attempt"].as_i64().unwrap_or(0) <= 1;
    // A task the worker cannot run: a query gets the message as its answer, a decision
    // task fails with it.
    let refuse = |msg: String| {
        if is_query {
            return s.client.respond_query(token, &Err(msg));
        }
        if first_attempts {
            eprintln!("worker: {workflow_id}: decision task failed: {msg}");
        }
        s.stats.failed_decision_tasks.fetch_add(1, Ordering::Relaxed);
        s.client.respond_decision_failed(token, CAUSE_WORKFLOW_WORKER_UNHANDLED_FAILURE, &msg)
    };
    let Some(def) = s.registry.workflow(type_name) else {
        return refuse(format!("unable to find workflow type: {type_name}. Supported types: [{}]", s.registry.workflow_names().join(", ")));
    };
    let events = match task_history(s, task, workflow_id, run_id) {
        Ok(ev) => ev,
        Err(e) => return refuse(format!("the worker could not read the history: {e}")),
    };

    if is_query {
        s.stats.query_tasks.fetch_add(1, Ordering::Relaxed);
        let query_type = task["query"]["queryType"].as_str().unwrap_or_default();
        let answer = WorkflowRuntime::replay_for_query(def, workflow_id, &s.config.domain, &events)
            .and_then(|rt| rt.query(query_type))
            .map_err(|e| e.to_string());
        log(s, || format!("{workflow_id}: query {query_type} -> {answer:?}"));
        return s.client.respond_query(token, &answer);
    }

    s.stats.decision_tasks.fetch_add(1, Ordering::Relaxed);
    let result = match WorkflowRuntime::replay(def, workflow_id, &s.config.domain, &events) {
        Ok((rt, Some(decisions))) => {
            log(s, || format!("{workflow_id}: decisions [{}]", decisions.iter().map(|d| d.to_string()).collect::<Vec<_>>().join(", ")));
            // Queries the server attached to this task are answered from the state after it.
            let queries = task["queries"].as_object().map(|qs| {
                let answers: serde_json::Map<String, Value> = qs
                    .iter()
                    .map(|(id, q)| {
                        let answer = rt.query(q["queryType"].as_str().unwrap_or_default()).map_err(|e| e.to_string());
                        (id.clone(), client::query_result(&answer))
                    })
                    .collect();
                json!(answers)
            });
            match s.client.respond_decision_completed(token, &decisions, queries) {
                Ok(answer) => {
                    record_latency(s, t0);
                    run_local_activities(s, &answer, &decisions, workflow_id, run_id);
                    return Ok(());
                }
                Err(e) => Err(e),
            }
        }
        Ok((_, None)) => {
            s.stats.failed_decision_tasks.fetch_add(1, Ordering::Relaxed);
            let msg = "the task's history does not end with DecisionTaskStarted";
            s.client.respond_decision_failed(token, CAUSE_WORKFLOW_WORKER_UNHANDLED_FAILURE, msg)
        }
        Err(e) => {
            // Nondeterminism: report it on the task (the server retries it) and keep serving.
            s.stats.failed_decision_tasks.fetch_add(1, Ordering::Relaxed);
            if first_attempts {
                eprintln!("worker: {workflow_id}: decision task failed: {e}");
            }
            s.client.respond_decision_failed(token, CAUSE_WORKFLOW_WORKER_UNHANDLED_FAILURE, &e.to_string())
        }
    };
    record_latency(s, t0);
    result
}

fn record_latency(s: &Shared, t0: Instant) {
    if let Ok(mut l) = s.stats.decision_latencies.lock() {
        l.push(t0.elapsed());
    }
}

/// Runs the activities the server dispatched back with the decision answer. They are
/// already started (attempt 0) and are not offered to activity pollers, so if we did
/// not run them they would only move on after their start-to-close timeout.
fn run_local_activities(s: &Shared, answer: &Value, decisions: &[postflow_core::decision::Decision], workflow_id: &str, run_id: &str) {
    let Some(local) = answer["activitiesToDispatchLocally"].as_object() else { return };
    for (activity_id, info) in local {
        let scheduled = decisions.iter().find_map(|d| match d {
            postflow_core::decision::Decision::ScheduleActivityTask(a) if &a.activity_id == activity_id => Some(a),
            _ => None,
        });
        let Some(a) = scheduled else { continue };
        let task = json!({
            "taskToken": info["taskToken"],
            "workflowExecution": { "workflowId": workflow_id, "runId": run_id },
            "activityId": activity_id,
            "activityType": { "name": a.activity_type.name },
            "input": client::payload(a.input.as_ref().map_or(&[][..], |p| p.as_bytes())),
            "attempt": 0,
        });
        if let Err(e) = handle_activity_task(s, &task) {
            eprintln!("worker: could not answer a locally dispatched activity: {e}");
        }
    }
}

fn handle_activity_task(s: &Shared, task: &Value) -> Result<(), BridgeError> {
    s.stats.activity_tasks.fetch_add(1, Ordering::Relaxed);
    let token = task["taskToken"].as_str().unwrap_or_default();
    let workflow_id = task["workflowExecution"]["workflowId"].as_str().unwrap_or_default();
    let run_id = task["workflowExecution"]["runId"].as_str().unwrap_or_default();
    let activity_id = task["activityId"].as_str().unwrap_or_default();
    let activity_type = task["activityType"]["name"].as_str().unwrap_or_default();
    let attempt = task["attempt"].as_i64().unwrap_or(0) as i32;
    let input = Payload::from_bytes(client::payload_bytes(&task["input"]).unwrap_or_default());
    let outcome = match s.registry.activity(activity_type) {
        None => Err(Failure::generic(format!("unable to find activityType={activity_type}"))),
        Some(def) => {
            let mut rngs = s.rngs.lock().unwrap_or_else(|p| p.into_inner());
            let rng = rngs.entry(run_id.to_owned()).or_insert_with(|| SplitMix64::new(s.config.seed));
            let mut logs = Vec::new();
            let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default();
            let mut ctx = ActivityContext {
                workflow_id,
                activity_id,
                activity_type,
                attempt,
                rng,
                logs: &mut logs,
                now: Timestamp(now.as_nanos() as i64),
            };
            // Activity code is ours and should not panic; if it does, fail the attempt.
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| (def.run)(&mut ctx, &input)))
                .unwrap_or_else(|_| Err(Failure::generic("activity panicked")))
        }
    };
    log(s, || format!("{workflow_id}: activity {activity_type} #{activity_id} attempt {attempt} -> {outcome:?}"));
    s.client.respond_activity(token, &outcome)
}
