//! The worker: postflow's workflow code and postal activities serving a task list of
//! a real Cadence server, as the workshop's Go worker does.
//!
//! - Decision tasks go to the [`decider`](crate::decider) thread, which keeps running
//!   workflows in a bounded sticky cache ([`cache`](crate::cache)). Like the Go client,
//!   the worker polls its own sticky task list (`<host>:<uuid>`) beside the normal one
//!   and asks the server, in every RespondDecisionTaskCompleted, to send the run's next
//!   decision task there (schedule-to-start 5 s; after that the server falls back to
//!   the normal task list). A sticky task carries only the new events; the cached run
//!   takes them and runs on. Any other task is replayed from the full history.
//! - A task the code cannot run (unknown workflow type, nondeterminism, a failing
//!   workflow) is reported with RespondDecisionTaskFailed on its first attempt only,
//!   as the Go client does: later attempts are left to time out, so a broken workflow
//!   costs one call per decision timeout, not a flood.
//! - Query tasks (a decision poll answered with `query` set): answered from the cached
//!   run (a sticky query carries no history) or by replaying the history.
//! - Activity tasks: the activity runs with the task's attempt number.
//!
//! Pollers are plain threads doing blocking long polls. A transient error (server
//! down) is logged once and retried with backoff, so the worker outlives a restart; a
//! task's answer that meets the server away is sent again until it is back
//! ([`crate::away`]).
//! How the worker stops is in [`Worker::stop`] and docs/bridge.md.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use postflow_core::decision::Decision;
use postflow_core::history::CAUSE_WORKFLOW_WORKER_UNHANDLED_FAILURE;
use postflow_core::payload::{Failure, Payload};
use postflow_core::postal;
use postflow_core::registry::{ActivityContext, Registry};
use postflow_core::rng::SplitMix64;
use postflow_core::time::Timestamp;
use serde_json::{Value, json};

use crate::away::{GaveUp, ServerAway, until_answered};
use crate::client::{self, Client, Sticky};
use crate::decider::{Answered, Decided, Decider, DecisionJob, QueryJob};
use crate::error::BridgeError;
use crate::registry;

/// The Go client's default sticky cache size (`worker.SetStickyWorkflowCacheSize`).
pub const DEFAULT_STICKY_CACHE_SIZE: usize = 10_000;
/// The Go client's `StickyScheduleToStartTimeout`.
pub const STICKY_SCHEDULE_TO_START: Duration = Duration::from_secs(5);

#[derive(Clone)]
pub struct WorkerConfig {
    pub domain: String,
    pub task_list: String,
    pub decision_pollers: usize,
    pub activity_pollers: usize,
    /// The workflows and activities served ([`registry::for_chapter`] by default).
    pub registry: Registry,
    /// Seed of the estimate generator: each workflow run gets `SplitMix64::new(seed)`
    /// and draws in execution order, as the simulator does, so histories compare.
    pub seed: u64,
    /// How long one poll may be held by the server.
    pub poll_ttl: Duration,
    /// Running workflows kept between decision tasks; 0 turns sticky execution off
    /// (every task then carries and replays the whole history).
    pub sticky_cache_size: usize,
    /// Print one line per task to stderr.
    pub verbose: bool,
    /// Print what the workflow code and the activities log (stderr, one line each, as
    /// the Go worker's logger does): the only place a `bridge worker`'s runs write to.
    pub logs: bool,
}

impl Default for WorkerConfig {
    fn default() -> WorkerConfig {
        WorkerConfig {
            domain: postal::DOMAIN.into(),
            task_list: postal::TASK_LIST.into(),
            decision_pollers: 2,
            activity_pollers: 2,
            registry: registry::for_chapter(registry::DEFAULT_CHAPTER, Duration::from_secs(60)),
            seed: 1,
            poll_ttl: client::POLL_TTL,
            sticky_cache_size: DEFAULT_STICKY_CACHE_SIZE,
            verbose: false,
            logs: false,
        }
    }
}

/// Counters a load test and a person watching the worker care about.
#[derive(Default)]
pub struct Stats {
    pub decision_tasks: AtomicUsize,
    /// Decision tasks the code could not answer.
    pub failed_decision_tasks: AtomicUsize,
    /// RespondDecisionTaskFailed calls made (first attempts only).
    pub decision_failures_reported: AtomicUsize,
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
            "decision tasks {} (failed {}, RespondDecisionTaskFailed calls {}), activity tasks {}, query tasks {}, decision latency p50 {:.1} ms p99 {:.1} ms",
            self.decision_tasks.load(Ordering::Relaxed),
            self.failed_decision_tasks.load(Ordering::Relaxed),
            self.decision_failures_reported.load(Ordering::Relaxed),
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
    decider: Decider,
    /// This worker's sticky task list, `None` when sticky execution is off.
    sticky: Option<Sticky>,
    /// Open decision polls on (the normal, the sticky) task list, to balance the two
    /// as the Go client does.
    open_polls: Mutex<(usize, usize)>,
    /// Estimate generators by run ID (one per workflow run, like the simulator's).
    rngs: Mutex<HashMap<String, SplitMix64>>,
    stop: Arc<AtomicBool>,
    /// Poller threads still running.
    alive: AtomicUsize,
    /// What the pollers (and a scenario run's driver, see [`Worker::server_away`]) say
    /// about a server that goes away and comes back.
    server_away: Arc<ServerAway>,
    stats: Stats,
}

/// A running worker; [`Worker::stop`] or [`Worker::stop_and_join`] ends it.
pub struct Worker {
    shared: Arc<Shared>,
    threads: Vec<JoinHandle<()>>,
}

impl Worker {
    /// Starts the pollers. `stop` may be shared with a signal handler.
    pub fn start(client: Client, config: WorkerConfig, stop: Arc<AtomicBool>) -> Worker {
        let decider = Decider::start(config.registry.clone(), config.domain.clone(), config.sticky_cache_size);
        let sticky = (config.sticky_cache_size > 0)
            .then(|| Sticky { task_list: format!("{}:{}", hostname(), uuid::Uuid::new_v4()), schedule_to_start: STICKY_SCHEDULE_TO_START });
        let shared = Arc::new(Shared {
            client,
            config,
            decider,
            sticky,
            open_polls: Mutex::new((0, 0)),
            rngs: Mutex::new(HashMap::new()),
            stop,
            alive: AtomicUsize::new(0),
            server_away: Arc::new(ServerAway::new("worker")),
            stats: Stats::default(),
        });
        let mut threads = Vec::new();
        let kinds = [(Kind::Decision, shared.config.decision_pollers.max(1)), (Kind::Activity, shared.config.activity_pollers.max(1))];
        for (kind, n) in kinds {
            for i in 0..n {
                let s = shared.clone();
                s.alive.fetch_add(1, Ordering::SeqCst);
                let name = format!("{}-{i}", if kind == Kind::Decision { "decision" } else { "activity" });
                threads.push(
                    std::thread::Builder::new()
                        .name(name)
                        .spawn(move || {
                            poll_until_stopped(&s, kind);
                            s.alive.fetch_sub(1, Ordering::SeqCst);
                        })
                        .expect("spawn"),
                );
            }
        }
        Worker { shared, threads }
    }

    pub fn stats(&self) -> &Stats {
        &self.shared.stats
    }

    /// The sticky task list this worker polls, if sticky execution is on.
    pub fn sticky_task_list(&self) -> Option<&str> {
        self.shared.sticky.as_ref().map(|s| s.task_list.as_str())
    }

    /// What this worker says when the server goes away and comes back; a scenario run's
    /// driver says it through this too, so that the process says it once.
    pub fn server_away(&self) -> Arc<ServerAway> {
        self.shared.server_away.clone()
    }

    /// Cache hits, misses and size so far.
    pub fn cache_stats(&self) -> crate::decider::CacheStats {
        self.shared.decider.stats()
    }

    pub fn is_stopping(&self) -> bool {
        self.shared.stop.load(Ordering::SeqCst)
    }

    /// Stops: no new polls; the open ones end within the poll TTL (5 s by default) and
    /// a task one brings is answered; then the runs this worker holds are handed back
    /// (ResetStickyTaskList), so their next decision tasks go to the normal task list
    /// at once instead of after the 5 s sticky schedule-to-start timeout. Open polls
    /// cannot be abandoned: the server does not notice that an HTTP client went away
    /// and hands the dead poll the next task, which then waits for its timeout (10 s
    /// for a decision, the start-to-close timeout for an activity, failing it if it has
    /// no retry policy). Measured in docs/bridge.md; hence the short polls.
    /// Returns whether every poller ended within `grace`.
    pub fn stop(&self, grace: Duration) -> bool {
        self.shared.stop.store(true, Ordering::SeqCst);
        // From now on answers ask for no stickiness; hand back what is cached already.
        self.reset_sticky();
        let deadline = Instant::now() + grace;
        let mut ended = true;
        while self.shared.alive.load(Ordering::SeqCst) > 0 {
            if Instant::now() >= deadline {
                ended = false;
                break;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        // Runs whose answer (asking for stickiness) was in flight at the first pass.
        self.reset_sticky();
        ended
    }

    fn reset_sticky(&self) {
        let runs = self.shared.decider.drain();
        for (workflow_id, run_id) in &runs {
            if let Err(e) = self.shared.client.reset_sticky_task_list(&self.shared.config.domain, workflow_id, run_id) {
                // Harmless: the server falls back to the normal list after 5 s anyway.
                log(&self.shared, || format!("{workflow_id}: ResetStickyTaskList failed: {e}"));
            }
        }
    }

    /// [`stop`](Self::stop), then joins the poller threads.
    pub fn stop_and_join(self) {
        self.stop(self.shared.config.poll_ttl + Duration::from_secs(5));
        for t in self.threads {
            let _ = t.join();
        }
    }
}

fn hostname() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|h| h.trim().to_owned())
        .ok()
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "localhost".into())
}

#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Decision,
    Activity,
}

fn poll_until_stopped(s: &Shared, kind: Kind) {
    let mut backoff = Duration::from_millis(200);
    while !s.stop.load(Ordering::SeqCst) {
        let c = &s.config;
        let ticket = s.server_away.ticket();
        let polled = match kind {
            Kind::Decision => {
                let sticky = choose_decision_list(s);
                let list = sticky.map_or(c.task_list.as_str(), |st| st.task_list.as_str());
                let r = s.client.poll_decision_task(&c.domain, list, sticky.is_some(), c.poll_ttl);
                let mut open = s.open_polls.lock().unwrap_or_else(|p| p.into_inner());
                if sticky.is_some() {
                    open.1 -= 1
                } else {
                    open.0 -= 1
                }
                r
            }
            Kind::Activity => s.client.poll_activity_task(&c.domain, &c.task_list, c.poll_ttl),
        };
        match polled {
            Ok(task) => {
                s.server_away.say(s.server_away.reached(ticket, s.client.url()));
                backoff = Duration::from_millis(200);
                let Some(task) = task else { continue };
                // A task we got is answered even while stopping, or it waits for its timeout.
                // A panic on some odd task must not take the poller down with it.
                let handled = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| match kind {
                    Kind::Decision => handle_decision_task(s, task),
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
                s.server_away.say(s.server_away.failed(&e));
                sleep_unless_stopped(s, backoff);
                backoff = (backoff * 2).min(Duration::from_secs(5));
            }
        }
    }
}

/// The Go client's balance: poll the sticky list when more polls are open on the
/// normal one, else the normal one (so with two pollers, one of each).
fn choose_decision_list(s: &Shared) -> Option<&Sticky> {
    let mut open = s.open_polls.lock().unwrap_or_else(|p| p.into_inner());
    match &s.sticky {
        Some(st) if open.0 > open.1 => {
            open.1 += 1;
            Some(st)
        }
        _ => {
            open.0 += 1;
            None
        }
    }
}

/// How long a task's answer is sent again while the server is away: the start-to-close
/// timeout of the workshop's activities (a decision task's is 10 s). Past its timeout
/// the server has made the task another attempt and refuses the late answer.
const ANSWER_AGAIN_FOR: Duration = Duration::from_secs(60);

/// Sends a task's answer, and again while the server is away (stopped and started
/// again, say): the task waits on the server for it until the task's timeout, and an
/// answer lost costs that timeout; for the payment's last attempt or the shipping (no
/// retry policy) the timeout fails the workshop's workflow. An answer sent
/// again that the server had taken after all is refused ("not found"), which changes
/// nothing. Not sent again once the worker stops.
fn answer_task<T>(s: &Shared, call: impl FnMut() -> Result<T, BridgeError>) -> Result<T, BridgeError> {
    let stopping = || s.stop.load(Ordering::SeqCst);
    until_answered(&s.server_away, s.client.url(), Instant::now() + ANSWER_AGAIN_FOR, &stopping, call).map_err(|g| match g {
        GaveUp::Refused(e) | GaveUp::Away { error: e, .. } => e,
        GaveUp::Stopped => BridgeError::Invalid(
            "the worker stopped before the server was back to take the task's answer; the server makes the task another \
             attempt after its timeout"
                .into(),
        ),
    })
}

fn sleep_unless_stopped(s: &Shared, d: Duration) {
    let until = Instant::now() + d;
    while Instant::now() < until && !s.stop.load(Ordering::SeqCst) {
        std::thread::sleep(Duration::from_millis(50).min(until - Instant::now()));
    }
}

/// The code's own log lines, each named with its workflow (many runs share one stderr).
fn print_logs(s: &Shared, workflow_id: &str, lines: &[postflow_core::log::LogLine]) {
    if s.config.logs {
        for line in lines {
            eprintln!("worker: {workflow_id}: {line}");
        }
    }
}

fn log(s: &Shared, line: impl FnOnce() -> String) {
    if s.config.verbose {
        eprintln!("worker: {}", line());
    }
}

/// Reads a JSON integer the server may send as a number or (64-bit fields) as a string.
fn int(v: &Value) -> Option<i64> {
    match v {
        Value::Number(n) => n.as_i64(),
        Value::String(t) => t.parse().ok(),
        _ => None,
    }
}

/// The task's events plus any further pages (a long history does not fit one poll answer).
fn task_events(s: &Shared, task: &Value, workflow_id: &str, run_id: &str) -> Result<Vec<Value>, BridgeError> {
    let events: Vec<Value> = task["history"]["events"].as_array().cloned().unwrap_or_default();
    if task["nextPageToken"].as_str().is_some_and(|t| !t.is_empty()) {
        // Simplest correct way: read the whole history from the start.
        return full_history(s, task, workflow_id, run_id);
    }
    Ok(events)
}

/// The history from event 1 up to the task's `DecisionTaskStarted`.
fn full_history(s: &Shared, task: &Value, workflow_id: &str, run_id: &str) -> Result<Vec<Value>, BridgeError> {
    let mut events = s.client.history_json(&s.config.domain, workflow_id, run_id)?;
    if let Some(started) = int(&task["startedEventId"]).filter(|&id| id > 0) {
        events.retain(|e| int(&e["eventId"]).is_some_and(|id| id <= started));
    }
    Ok(events)
}

fn handle_decision_task(s: &Shared, mut task: Value) -> Result<(), BridgeError> {
    // The server may hand the run's next decision task straight back with the answer
    // (returnNewDecisionTask): it is answered at once, like a polled one.
    loop {
        match answer_decision_task(s, &task)? {
            Some(next) => task = next,
            None => return Ok(()),
        }
    }
}

/// Answers one decision or query task; returns the next decision task the server
/// handed back with the answer, if any.
fn answer_decision_task(s: &Shared, task: &Value) -> Result<Option<Value>, BridgeError> {
    let t0 = Instant::now();
    let token = task["taskToken"].as_str().unwrap_or_default();
    let workflow_id = task["workflowExecution"]["workflowId"].as_str().unwrap_or_default();
    let run_id = task["workflowExecution"]["runId"].as_str().unwrap_or_default();
    let workflow_type = task["workflowType"]["name"].as_str().unwrap_or_default();
    let read = |events: Vec<Value>| client::events_from_json(events);

    if task.get("query").is_some() {
        s.stats.query_tasks.fetch_add(1, Ordering::Relaxed);
        let query_type = task["query"]["queryType"].as_str().unwrap_or_default();
        let job = |events| QueryJob {
            workflow_id: workflow_id.into(),
            run_id: run_id.into(),
            workflow_type: workflow_type.into(),
            events,
            query_type: query_type.into(),
        };
        let mut answered = match task_events(s, task, workflow_id, run_id).and_then(read) {
            Ok(events) => s.decider.query(job(events)),
            Err(e) => Answered::Answer(Err(format!("the worker could not read the history: {e}"))),
        };
        if let Answered::NeedFullHistory = answered {
            answered = match full_history(s, task, workflow_id, run_id).and_then(read) {
                Ok(events) => s.decider.query(job(events)),
                Err(e) => Answered::Answer(Err(format!("the worker could not read the history: {e}"))),
            };
        }
        let answer = match answered {
            Answered::Answer(a) => a,
            Answered::NeedFullHistory => Err("the worker could not rebuild the workflow's state".into()),
        };
        log(s, || format!("{workflow_id}: query {query_type} -> {answer:?}"));
        answer_task(s, || s.client.respond_query(token, &answer))?;
        return Ok(None);
    }

    s.stats.decision_tasks.fetch_add(1, Ordering::Relaxed);
    // The server sends the attempt (an int64) as a JSON string.
    let attempt = int(&task["attempt"]).unwrap_or(0);
    let queries: Vec<(String, String)> = task["queries"]
        .as_object()
        .map(|qs| qs.iter().map(|(id, q)| (id.clone(), q["queryType"].as_str().unwrap_or_default().to_owned())).collect())
        .unwrap_or_default();
    let job = |events| DecisionJob {
        workflow_id: workflow_id.into(),
        run_id: run_id.into(),
        workflow_type: workflow_type.into(),
        previous_started_event_id: int(&task["previousStartedEventId"]).unwrap_or(0),
        events,
        queries: queries.clone(),
    };
    let mut decided = match task_events(s, task, workflow_id, run_id).and_then(read) {
        Ok(events) => s.decider.decide(job(events)),
        Err(e) => Decided::Failed(format!("the worker could not read the history: {e}")),
    };
    if let Decided::NeedFullHistory = decided {
        // A sticky task for a run this worker no longer holds: replay it all.
        decided = match full_history(s, task, workflow_id, run_id).and_then(read) {
            Ok(events) => s.decider.decide(job(events)),
            Err(e) => Decided::Failed(format!("the worker could not read the history: {e}")),
        };
    }
    let (decisions, query_answers) = match decided {
        Decided::Decisions { decisions, query_answers, cache_hit, logs } => {
            print_logs(s, workflow_id, &logs);
            log(s, || {
                let d: Vec<String> = decisions.iter().map(|d| d.to_string()).collect();
                format!("{workflow_id}: decisions [{}]{}", d.join(", "), if cache_hit { " (cached)" } else { "" })
            });
            (decisions, query_answers)
        }
        Decided::NeedFullHistory => {
            return fail_decision_task(s, token, workflow_id, attempt, "the worker could not rebuild the workflow's state");
        }
        Decided::Failed(msg) => return fail_decision_task(s, token, workflow_id, attempt, &msg),
    };
    let queries = (!query_answers.is_empty()).then(|| {
        let answers: serde_json::Map<String, Value> = query_answers.iter().map(|(id, a)| (id.clone(), client::query_result(a))).collect();
        json!(answers)
    });
    // A stopping worker asks for no stickiness: the next worker gets the next task.
    let sticky = s.sticky.as_ref().filter(|_| !s.stop.load(Ordering::SeqCst));
    match answer_task(s, || s.client.respond_decision_completed(token, &decisions, queries.clone(), sticky)) {
        Ok(answer) => {
            record_latency(s, t0);
            run_local_activities(s, &answer, &decisions, workflow_id, run_id);
            Ok(answer.get("decisionTask").filter(|t| t.get("taskToken").is_some()).cloned())
        }
        Err(e) => {
            // The server did not take these decisions: the cached run is ahead of history.
            s.decider.forget(run_id);
            Err(e)
        }
    }
}

/// Reports a decision task the code cannot answer, on its first attempt only (as the
/// Go client does): the server retries it after each decision timeout, and reporting
/// every retry would fail it again at once, in a tight loop.
fn fail_decision_task(s: &Shared, token: &str, workflow_id: &str, attempt: i64, msg: &str) -> Result<Option<Value>, BridgeError> {
    s.stats.failed_decision_tasks.fetch_add(1, Ordering::Relaxed);
    if attempt > 0 {
        log(s, || format!("{workflow_id}: decision task attempt {attempt} failed again; left to time out: {msg}"));
        return Ok(None);
    }
    eprintln!("worker: {workflow_id}: decision task failed: {msg} (later attempts are left to time out)");
    s.stats.decision_failures_reported.fetch_add(1, Ordering::Relaxed);
    answer_task(s, || s.client.respond_decision_failed(token, CAUSE_WORKFLOW_WORKER_UNHANDLED_FAILURE, msg))?;
    Ok(None)
}

fn record_latency(s: &Shared, t0: Instant) {
    if let Ok(mut l) = s.stats.decision_latencies.lock() {
        l.push(t0.elapsed());
    }
}

/// Runs the activities the server dispatched back with the decision answer. They are
/// already started (attempt 0) and are not offered to activity pollers, so if we did
/// not run them they would only move on after their start-to-close timeout.
fn run_local_activities(s: &Shared, answer: &Value, decisions: &[Decision], workflow_id: &str, run_id: &str) {
    let Some(local) = answer["activitiesToDispatchLocally"].as_object() else { return };
    for (activity_id, info) in local {
        let scheduled = decisions.iter().find_map(|d| match d {
            Decision::ScheduleActivityTask(a) if &a.activity_id == activity_id => Some(a),
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
    let attempt = int(&task["attempt"]).unwrap_or(0) as i32;
    let input = Payload::from_bytes(client::payload_bytes(&task["input"]).unwrap_or_default());
    let outcome = match s.config.registry.activity(activity_type) {
        None => Err(Failure::generic(format!("unable to find activityType={activity_type}"))),
        Some(def) => {
            let mut rngs = s.rngs.lock().unwrap_or_else(|p| p.into_inner());
            let rng = rngs.entry(run_id.to_owned()).or_insert_with(|| SplitMix64::new(s.config.seed));
            let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default();
            // Nobody reads the lines of a worker that does not print them: not even formatted.
            let mut lines = Vec::new();
            let mut ctx = ActivityContext {
                workflow_id,
                activity_id,
                activity_type,
                attempt,
                rng,
                logs: s.config.logs.then_some(&mut lines),
                now: Timestamp(now.as_nanos() as i64),
            };
            // Activity code is ours and should not panic; if it does, fail the attempt.
            let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| (def.run)(&mut ctx, &input)))
                .unwrap_or_else(|_| Err(Failure::generic("activity panicked")));
            drop(rngs);
            print_logs(s, workflow_id, &lines);
            outcome
        }
    };
    log(s, || format!("{workflow_id}: activity {activity_type} #{activity_id} attempt {attempt} -> {outcome:?}"));
    answer_task(s, || s.client.respond_activity(token, &outcome))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_are_read_as_numbers_or_as_the_strings_the_server_sends_for_64_bits() {
        assert_eq!(int(&json!("3")), Some(3));
        assert_eq!(int(&json!(3)), Some(3));
        assert_eq!(int(&json!(null)), None);
        assert_eq!(int(&json!("x")), None);
    }
}
