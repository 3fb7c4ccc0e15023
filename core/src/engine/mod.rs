//! The simulated Cadence server: workflow executions, decision and activity tasks,
//! server-side retries, timers, signals, queries and the workflow timeout, on a
//! virtual clock that moves only when asked.
//!
//! A built-in worker serves the tasks (the registry's code), one engine step at a
//! time, so a front end can show every transaction. Clock moves never run the worker:
//! what waits for a worker keeps waiting, which is how a scenario puts a signal and a
//! timer into the same decision batch, or lets an activity time out.

mod activity;
mod execution;
pub mod limits;
mod queues;
mod store;

#[cfg(feature = "packed")]
use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use rustc_hash::FxHashMap;

pub use activity::{AttemptState, PendingActivity};
use execution::NextStep;
pub use execution::{AttemptRecord, DecisionTaskState, PendingTimer, StartRequest, WorkflowStatus};

use crate::decision::Decision;
#[cfg(feature = "packed")]
use crate::history::packed::Dictionary;
use crate::history::{EventAttributes, HistoryEvent, WorkflowExecutionSignaledEventAttributes};
use crate::log::LogLine;
use crate::payload::{Failure, Payload};
use crate::registry::Registry;
use crate::runtime::RuntimeError;
use crate::runtime::{QueryError, WorkflowRuntime};
use crate::text::Str;
use crate::time::{EPOCH, Timestamp};
use execution::{Execution, Identities};
use queues::{ReadySet, TimerQueue};
use store::HistoryStore;

/// The domain the simulator serves (the workshop's).
pub const DOMAIN: &str = crate::postal::DOMAIN;

/// A refused request, with Cadence's reason.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum EngineError {
    #[error("workflow {0} not found (EntityNotExistsError)")]
    NotFound(String),
    #[error("workflow {0} is already running (WorkflowExecutionAlreadyStartedError)")]
    AlreadyStarted(String),
    #[error("workflow execution already completed (workflow {0})")]
    AlreadyCompleted(String),
    #[error("cancellation already requested for this workflow execution (workflow {0})")]
    CancelAlreadyRequested(String),
    #[error("workflow type {name} is not registered; this worker runs {known}")]
    UnknownWorkflowType { name: String, known: String },
    #[error("bad input: {0}")]
    BadInput(String),
    /// An input over Cadence's payload limit, refused as a `BadRequestError`.
    #[error(
        "{} (BadRequestError: {what} is {} bytes; Cadence takes at most {} bytes, 2 MiB, in one payload)",
        limits::BLOB_SIZE_EXCEEDS_LIMIT,
        crate::count::grouped(*.size as u64),
        crate::count::grouped(limits::BLOB_SIZE_LIMIT as u64)
    )]
    BlobSizeExceedsLimit { what: &'static str, size: usize },
    /// A workflow ID or a signal name longer than Cadence takes, refused as a
    /// `BadRequestError` in the server's `words`.
    #[error(
        "{words} (BadRequestError: {what} is {} bytes; Cadence takes at most {})",
        crate::count::grouped(*.length as u64),
        crate::count::grouped(limits::ID_LENGTH_LIMIT as u64)
    )]
    IdTooLong { words: &'static str, what: &'static str, length: usize },
    #[error("query failed: {0}")]
    Query(#[from] QueryError),
    #[error("nothing is scheduled: no timer, retry or timeout is pending")]
    NothingScheduled,
}

/// What one engine step did. Wording it is left to whoever shows it, so the engine
/// spends no time on text nobody reads.
#[derive(Clone, Debug, PartialEq)]
pub struct StepReport {
    pub workflow_id: Rc<str>,
    pub outcome: StepOutcome,
}

#[derive(Clone, Debug, PartialEq)]
pub enum StepOutcome {
    DecisionTaskStarted,
    /// The decisions the workflow code made (and the server recorded or refused).
    DecisionTaskCompleted(Rc<[crate::decision::Decision]>),
    /// The worker could not complete the decision task (nondeterminism, a failing workflow).
    DecisionTaskFailed(String),
    AttemptStarted {
        activity_type: Str,
        attempt: i32,
        maximum_attempts: i32,
    },
    /// An activity attempt ended: completed, failed, retried or timed out.
    AttemptFinished(AttemptEnd),
}

/// How an activity attempt ended.
#[derive(Clone, Debug, PartialEq)]
pub struct AttemptEnd {
    pub activity_type: Str,
    /// Cadence's attempt number, from 0 (as `attempt` in history).
    pub attempt: i32,
    pub maximum_attempts: i32,
    pub result: AttemptResult,
}

#[derive(Clone, Debug, PartialEq)]
pub enum AttemptResult {
    /// The activity's result.
    Completed(Payload),
    /// `failed: <message>` or `timed out (<TYPE>)`, with the wait before the next
    /// attempt when the server retries.
    Ended { what: String, retry_in: Option<Duration> },
}

use crate::history::table::attempt_label;

impl std::fmt::Display for AttemptEnd {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let AttemptEnd { activity_type, attempt, maximum_attempts: max, result } = self;
        let this = attempt_label(*attempt, *max);
        match result {
            AttemptResult::Completed(p) => write!(f, "{activity_type} {this} completed: {}", crate::history::table::payload(p)),
            AttemptResult::Ended { what, retry_in: Some(wait) } => {
                write!(f, "{activity_type} {this} {what}; {} in {}s", attempt_label(attempt + 1, *max), wait.as_secs())
            }
            AttemptResult::Ended { what, retry_in: None } => write!(f, "{activity_type} {this} {what}; no retry left"),
        }
    }
}

impl std::fmt::Display for StepOutcome {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StepOutcome::DecisionTaskStarted => f.write_str("decision task started"),
            StepOutcome::DecisionTaskCompleted(d) if d.is_empty() => f.write_str("decision task completed: no decisions"),
            StepOutcome::DecisionTaskCompleted(d) => {
                f.write_str("decision task completed: ")?;
                for (i, decision) in d.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{decision}")?;
                }
                Ok(())
            }
            StepOutcome::DecisionTaskFailed(why) => write!(f, "decision task failed: {why}"),
            StepOutcome::AttemptStarted { activity_type, attempt, maximum_attempts } => {
                write!(f, "{activity_type} {} started", attempt_label(*attempt, *maximum_attempts))
            }
            StepOutcome::AttemptFinished(end) => write!(f, "{end}"),
        }
    }
}

/// How an engine keeps its executions. The defaults are for people looking at a
/// few packages; a fleet of a million packages asks for less.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EngineOptions {
    /// How many workflow runs the built-in worker keeps live (Go's sticky workflow
    /// cache, `worker.SetStickyWorkflowCacheSize`). A run that is not cached is
    /// rebuilt by replaying its history at its next decision task, and when the
    /// cache evicts a running workflow the worker resets its stickiness, as the Go
    /// worker does. `None`: the worker keeps every run.
    pub worker_cache: Option<usize>,
    /// Keep histories packed, as a parked workflow's history is kept in Cadence's
    /// database, instead of as live events (see [`crate::history::packed`]).
    pub packed_histories: bool,
    /// Keep log lines and every activity attempt (for the timeline views).
    pub record_attempts_and_logs: bool,
    /// Seed each workflow's activities from the engine seed and the workflow ID,
    /// instead of all from the engine seed (so packages of a fleet differ).
    pub seed_per_workflow: bool,
}

impl Default for EngineOptions {
    fn default() -> EngineOptions {
        EngineOptions { worker_cache: None, packed_histories: false, record_attempts_and_logs: true, seed_per_workflow: false }
    }
}

/// One run of a workflow in an engine: a cheap handle that stays valid for the
/// engine's life (the run may be gone, see [`Engine::drop_run`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RunRef(u32);

impl RunRef {
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// "No run" in the worker cache's recency list.
pub(crate) const NO_RUN: u32 = u32::MAX;

/// What the worker's cache did so far.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CacheStats {
    /// Decision tasks answered from a cached run (only the new events fed).
    pub hits: u64,
    /// Decision tasks that had to rebuild the run by replaying its whole history.
    pub misses: u64,
    /// Running workflows the cache dropped to make room.
    pub evictions: u64,
    /// History events replayed on misses.
    pub events_replayed: u64,
    /// Runs cached now.
    pub cached: usize,
}

/// Something the clock made happen to one run.
#[derive(Clone, Debug, PartialEq)]
pub struct Fired {
    pub run: RunRef,
    pub what: FiredKind,
}

#[derive(Clone, Debug, PartialEq)]
pub enum FiredKind {
    Timer(Str),
    WorkflowTimedOut,
    ActivityTimedOut(AttemptEnd),
}

impl std::fmt::Display for FiredKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FiredKind::Timer(id) => write!(f, "timer {id} fired"),
            FiredKind::WorkflowTimedOut => f.write_str("workflow timed out (START_TO_CLOSE)"),
            FiredKind::ActivityTimedOut(end) => write!(f, "{end}"),
        }
    }
}

pub struct Engine {
    now: Timestamp,
    registry: Registry,
    seed: u64,
    options: EngineOptions,
    ids: Identities,
    /// Every run started, in start order; `None` once dropped.
    runs: Vec<Option<Box<Execution>>>,
    /// The current run of each workflow ID.
    by_id: FxHashMap<Str, u32>,
    /// Runs the built-in worker may have a step for, in start order.
    ready: ReadySet,
    /// The timer queue: when each run next needs the clock (a timer, a retry, a
    /// timeout), earliest first.
    wakes: TimerQueue,
    /// The worker cache's recency list: most recently used first.
    lru_head: u32,
    lru_tail: u32,
    cache: CacheStats,
    #[cfg(feature = "packed")]
    dictionary: Rc<RefCell<Dictionary>>,
}

impl Engine {
    /// An engine serving `registry`, with activities seeded by `seed`.
    pub fn new(registry: Registry, seed: u64) -> Engine {
        Engine::with_options(registry, seed, EngineOptions::default())
    }

    pub fn with_options(registry: Registry, seed: u64, options: EngineOptions) -> Engine {
        let uuids = crate::uuid::Sequence::new(seed ^ 0x05EE_D1D5);
        Engine {
            now: EPOCH,
            registry,
            seed,
            options,
            ids: Identities {
                // Shaped like the Go client's and the CLI's identities.
                worker: Str::from_static("1@postflow-sim@tasklist"),
                client: Str::from_static("cadence-cli@postflow-sim"),
                sticky_task_list: Str::from_static("postflow-sim:sticky"),
                uuids,
                made: 0,
            },
            runs: Vec::new(),
            by_id: FxHashMap::default(),
            ready: ReadySet::default(),
            wakes: TimerQueue::default(),
            lru_head: NO_RUN,
            lru_tail: NO_RUN,
            cache: CacheStats::default(),
            // The histories keep the UUIDs this engine makes by their number.
            #[cfg(feature = "packed")]
            dictionary: Rc::new(RefCell::new(Dictionary::with_uuids(uuids))),
        }
    }

    pub fn now(&self) -> Timestamp {
        self.now
    }

    pub fn registry(&self) -> &Registry {
        &self.registry
    }

    pub fn options(&self) -> EngineOptions {
        self.options
    }

    /// `StartWorkflowExecution`: checks the type and the input, then writes
    /// `WorkflowExecutionStarted` and the first `DecisionTaskScheduled`.
    pub fn start_workflow(&mut self, req: StartRequest) -> Result<String, EngineError> {
        let run = self.start_run(req)?;
        Ok(self.run(run).map(|e| e.run_id.to_string()).unwrap_or_default())
    }

    /// [`start_workflow`](Self::start_workflow), answering with the new run's handle.
    pub fn start_run(&mut self, req: StartRequest) -> Result<RunRef, EngineError> {
        let definition = self.registry.workflow_shared(&req.workflow_type).cloned().ok_or_else(|| EngineError::UnknownWorkflowType {
            name: req.workflow_type.clone(),
            known: self.registry.workflow_names().join(", "),
        })?;
        if req.workflow_id.trim().is_empty() {
            return Err(EngineError::BadInput("the workflow id is empty".into()));
        }
        if let Some(length) = limits::too_long(&req.workflow_id) {
            return Err(EngineError::IdTooLong { words: limits::WORKFLOW_ID_TOO_LONG, what: "the workflow ID", length });
        }
        if req.execution_timeout.is_zero() || req.task_timeout.is_zero() {
            return Err(EngineError::BadInput("the execution and decision timeouts must be more than 0s".into()));
        }
        // A real server keeps timeouts in int32 seconds and refuses longer ones.
        if req.execution_timeout.as_secs() > i32::MAX as u64 || req.task_timeout.as_secs() > i32::MAX as u64 {
            return Err(EngineError::BadInput(format!("a timeout of more than {} s (int32 seconds) is refused by Cadence", i32::MAX)));
        }
        // The server's own check, so it comes before this simulator's reading of the order.
        if let Some(size) = limits::oversized(req.input.as_ref()) {
            return Err(EngineError::BlobSizeExceedsLimit { what: "the workflow's input", size });
        }
        (definition.validate_input)(req.input.as_ref()).map_err(EngineError::BadInput)?;
        if let Some(&old) = self.by_id.get(req.workflow_id.as_str()) {
            if self.run(RunRef(old)).is_some_and(Execution::is_running) {
                return Err(EngineError::AlreadyStarted(req.workflow_id));
            }
            // A closed run's id may be reused: the new run takes its place.
            self.drop_run(RunRef(old));
        }
        let options = self.options;
        let keeping = execution::Keeping {
            history: self.new_store(options.packed_histories),
            record: options.record_attempts_and_logs,
            seed: if options.seed_per_workflow { self.seed ^ fnv1a(req.workflow_id.as_bytes()) } else { self.seed },
        };
        let e = Execution::start(&req, definition, self.now, keeping, &mut self.ids);
        let run = u32::try_from(self.runs.len())
            .ok()
            .filter(|r| *r != NO_RUN)
            .ok_or_else(|| EngineError::BadInput(format!("this engine has started {} runs, as many as it can hold", self.runs.len())))?;
        self.runs.push(Some(Box::new(e)));
        self.by_id.insert(req.workflow_id.as_str().into(), run);
        self.refresh(RunRef(run));
        Ok(RunRef(run))
    }

    /// Where a new run keeps its history. Without the `packed` feature (the
    /// playground's build) every history is live.
    fn new_store(&self, packed: bool) -> HistoryStore {
        #[cfg(feature = "packed")]
        if packed {
            return HistoryStore::packed(self.dictionary.clone());
        }
        let _ = packed;
        HistoryStore::live()
    }

    /// The current run of a workflow.
    pub fn lookup(&self, workflow_id: &str) -> Option<RunRef> {
        self.by_id.get(workflow_id).map(|&r| RunRef(r))
    }

    fn run(&self, r: RunRef) -> Option<&Execution> {
        self.runs.get(r.index())?.as_deref()
    }

    /// Forgets a run altogether (a reused workflow ID; a fleet's retention).
    pub fn drop_run(&mut self, r: RunRef) {
        if self.runs.get(r.index()).is_none_or(Option::is_none) {
            return;
        }
        self.lru_unlink(r.0);
        self.ready.set(r.0, false);
        self.wakes.set(r.0, None);
        let Some(e) = self.runs[r.index()].take() else { return };
        if self.by_id.get(&*e.workflow_id) == Some(&r.0) {
            self.by_id.remove(&*e.workflow_id);
        }
    }

    /// `SignalWorkflowExecution`. As a real server, it records a signal of any name and
    /// any input and leaves it to the workflow code to read it (or not); only a signal
    /// to a closed workflow is refused, and writes nothing. The request itself is
    /// checked first, as the server's front door checks it before it looks for the
    /// workflow.
    pub fn signal(&mut self, workflow_id: &str, name: &str, input: Option<Payload>) -> Result<(), EngineError> {
        check_signal(name, input.as_ref())?;
        let r = self.lookup(workflow_id).ok_or_else(|| EngineError::NotFound(workflow_id.into()))?;
        self.record_signal(r, name, input)
    }

    /// [`signal`](Self::signal) by handle.
    pub fn signal_run(&mut self, r: RunRef, name: &str, input: Option<Payload>) -> Result<(), EngineError> {
        check_signal(name, input.as_ref())?;
        self.record_signal(r, name, input)
    }

    fn record_signal(&mut self, r: RunRef, name: &str, input: Option<Payload>) -> Result<(), EngineError> {
        let e = open_run(&mut self.runs, r)?;
        let request_id = self.ids.uuid();
        let event = EventAttributes::WorkflowExecutionSignaled(WorkflowExecutionSignaledEventAttributes {
            signal_name: name.into(),
            // The CLI sends empty input when none is given; the server keeps it.
            input: Some(input.unwrap_or_default()),
            identity: self.ids.client.clone(),
            request_id,
        });
        e.add_bufferable(self.now, [event], &self.ids);
        self.refresh(r);
        Ok(())
    }

    /// `TerminateWorkflowExecution` (`cadence wf terminate`): the server closes the run
    /// at once without asking the workflow code. A closed workflow is refused, as a
    /// real server refuses it, and nothing is written.
    pub fn terminate(&mut self, workflow_id: &str, reason: &str) -> Result<(), EngineError> {
        let r = self.lookup(workflow_id).ok_or_else(|| EngineError::NotFound(workflow_id.into()))?;
        open_run(&mut self.runs, r)?.terminate(self.now, reason, self.ids.client.clone());
        self.refresh(r);
        Ok(())
    }

    /// `RequestCancelWorkflowExecution` (`cadence wf cancel`): recorded for the
    /// workflow code to read in its next decision task. A run is asked once.
    pub fn cancel(&mut self, workflow_id: &str, cause: &str) -> Result<(), EngineError> {
        let r = self.lookup(workflow_id).ok_or_else(|| EngineError::NotFound(workflow_id.into()))?;
        let e = open_run(&mut self.runs, r)?;
        if e.cancel_requested {
            return Err(EngineError::CancelAlreadyRequested(workflow_id.into()));
        }
        e.request_cancel(self.now, cause, &mut self.ids);
        self.refresh(r);
        Ok(())
    }

    /// `QueryWorkflow`: answered by the worker from the state after its last decision
    /// task; writes nothing.
    pub fn query(&self, workflow_id: &str, query_type: &str) -> Result<Payload, EngineError> {
        let e = self.execution(workflow_id).ok_or_else(|| EngineError::NotFound(workflow_id.into()))?;
        // A worker without the run in its cache replays the history to answer.
        let runtime = WorkflowRuntime::replay_for_query(&e.e.definition, workflow_id, DOMAIN, e.e.history.events())?;
        Ok(runtime.query(query_type)?)
    }

    /// One step of the built-in worker, if any can be taken now: start a scheduled
    /// decision task, complete a started one, start a due retry, or finish a running
    /// activity attempt — in that order of preference, for the first run (in start
    /// order) that has one.
    pub fn step(&mut self) -> Option<StepReport> {
        while let Some(r) = self.ready.first() {
            if let Some(report) = self.step_run(RunRef(r)) {
                return Some(report);
            }
            self.ready.set(r, false);
        }
        None
    }

    fn step_run(&mut self, r: RunRef) -> Option<StepReport> {
        let e = self.runs.get(r.index())?.as_deref()?;
        let next = e.next_step(self.now)?;
        let workflow_id = e.workflow_id.clone();
        let outcome = match next {
            NextStep::PollDecision => {
                self.poll_decision_task(r);
                StepOutcome::DecisionTaskStarted
            }
            NextStep::RespondDecision => match self.respond_decision_task(r)? {
                Ok(decisions) => StepOutcome::DecisionTaskCompleted(decisions),
                Err(err) => StepOutcome::DecisionTaskFailed(err.to_string()),
            },
            NextStep::StartAttempt(id) => {
                self.start_activity_attempt(r, id);
                let a = &self.run(r)?.activities[&id];
                StepOutcome::AttemptStarted {
                    activity_type: a.activity_type.clone(),
                    attempt: a.attempt,
                    maximum_attempts: a.maximum_attempts(),
                }
            }
            NextStep::FinishAttempt(id) => StepOutcome::AttemptFinished(self.finish_activity_attempt(r, id)?),
        };
        Some(StepReport { workflow_id, outcome })
    }

    /// Whether the worker has something to do now, without the clock or a signal.
    pub fn has_step(&self) -> bool {
        self.ready.iter().any(|r| self.run(RunRef(r)).is_some_and(|e| e.next_step(self.now).is_some()))
    }

    /// A worker polls a run's scheduled decision task: `DecisionTaskStarted`.
    /// False when the run has no scheduled decision task.
    pub fn poll_decision_task(&mut self, r: RunRef) -> bool {
        let Some(e) = self.runs.get_mut(r.index()).and_then(|e| e.as_deref_mut()) else { return false };
        let polled = e.poll_decision(self.now, &mut self.ids);
        if polled && e.runtime.is_some() {
            // The worker takes the cached run out of its cache for the task.
            self.lru_touch(r.0);
        }
        self.refresh(r);
        polled
    }

    /// The worker answers a run's started decision task: the workflow code runs (on
    /// the cached run, or on one rebuilt by replay) and its decisions are written or
    /// refused. `None` when the run has no started decision task.
    pub fn respond_decision_task(&mut self, r: RunRef) -> Option<Result<Rc<[Decision]>, RuntimeError>> {
        let now = self.now;
        let e = self.runs.get_mut(r.index())?.as_deref_mut()?;
        if !matches!(e.decision, Some(DecisionTaskState::Started { .. })) {
            return None;
        }
        match e.replay_cost() {
            Some(events) => {
                self.cache.misses += 1;
                self.cache.events_replayed += events as u64;
            }
            None => self.cache.hits += 1,
        }
        let result = e.respond_decision(now, &mut self.ids);
        e.settle_started_ids();
        let cached = e.runtime.is_some();
        if cached {
            self.lru_touch(r.0);
            self.evict_over_limit();
        } else {
            self.lru_unlink(r.0);
        }
        self.refresh(r);
        Some(result)
    }

    /// A retry attempt whose time has come starts on a worker (nothing is written).
    pub fn start_activity_attempt(&mut self, r: RunRef, scheduled_event_id: i64) {
        if let Some(e) = self.runs.get_mut(r.index()).and_then(|e| e.as_deref_mut()) {
            e.start_attempt(self.now, scheduled_event_id);
            self.refresh(r);
        }
    }

    /// The started attempt of an activity runs to its end, and the server records it.
    pub fn finish_activity_attempt(&mut self, r: RunRef, scheduled_event_id: i64) -> Option<AttemptEnd> {
        let e = self.runs.get_mut(r.index())?.as_deref_mut()?;
        let end = e.finish_attempt(self.now, scheduled_event_id, &self.registry, &self.ids);
        e.settle_started_ids();
        self.refresh(r);
        end
    }

    /// Steps until no step can be taken without the clock or a signal.
    pub fn run_until_blocked(&mut self) -> Vec<StepReport> {
        std::iter::from_fn(|| self.step()).collect()
    }

    /// The earliest time at which a timer, retry or timeout is due.
    pub fn next_due(&self) -> Option<Timestamp> {
        self.wakes.first().map(|(at, _)| at)
    }

    /// Moves the clock to the next due time and fires what is due then.
    pub fn advance_to_next(&mut self) -> Result<Vec<String>, EngineError> {
        let at = self.next_due().ok_or(EngineError::NothingScheduled)?;
        Ok(self.advance_clock_to(at).iter().map(|f| f.what.to_string()).collect())
    }

    /// Moves the clock by `d`, firing what falls due on the way, each at its own time.
    pub fn advance_by(&mut self, d: Duration) -> Vec<String> {
        self.advance_clock_to(self.now.plus(d)).iter().map(|f| f.what.to_string()).collect()
    }

    /// Moves the clock to `target` (never back), firing what falls due on the way, each
    /// at its own time, runs in start order at the same instant.
    pub fn advance_clock_to(&mut self, target: Timestamp) -> Vec<Fired> {
        let mut out = Vec::new();
        while let Some((at, r)) = self.wakes.first().filter(|(at, _)| *at <= target) {
            self.now = self.now.max(at);
            let now = self.now;
            if let Some(e) = self.runs.get_mut(r as usize).and_then(|e| e.as_deref_mut()) {
                let running = e.is_running();
                for what in e.fire_due(now, &self.ids) {
                    out.push(Fired { run: RunRef(r), what });
                }
                if running && !e.is_running() {
                    self.lru_unlink(r);
                }
            }
            // The run's next wake replaces this one (a retry now due just became ready).
            self.wakes.set(r, None);
            self.refresh(RunRef(r));
        }
        self.now = self.now.max(target);
        out
    }

    /// After a change to run `r`: whether the worker has a step for it, and when it
    /// next needs the clock.
    fn refresh(&mut self, r: RunRef) {
        let now = self.now;
        let Some(e) = self.runs.get(r.index()).and_then(|e| e.as_deref()) else { return };
        self.ready.set(r.0, e.next_step(now).is_some());
        let wake = e.next_wake(now);
        if wake != self.wakes.get(r.0) {
            self.wakes.set(r.0, wake);
        }
    }

    /// What the worker's cache did so far.
    pub fn cache_stats(&self) -> CacheStats {
        self.cache
    }

    /// Runs whose timers, retries or timeouts are pending in the timer queue.
    pub fn timer_queue_len(&self) -> usize {
        self.wakes.len()
    }

    /// Runs the built-in worker has a step for now (decision tasks and activity tasks
    /// waiting for a worker, or started).
    pub fn ready_len(&self) -> usize {
        self.ready.len()
    }

    /// The dictionary packed histories share: (entries, bytes).
    #[cfg(feature = "packed")]
    pub fn dictionary_size(&self) -> (usize, usize) {
        self.dictionary.borrow().size()
    }

    fn exec_mut(&mut self, r: u32) -> Option<&mut Execution> {
        self.runs.get_mut(r as usize)?.as_deref_mut()
    }

    /// Puts a cached run at the front of the recency list (linking it if it is new).
    fn lru_touch(&mut self, r: u32) {
        self.lru_unlink(r);
        let head = self.lru_head;
        if let Some(e) = self.exec_mut(r) {
            e.lru = (NO_RUN, head);
        } else {
            return;
        }
        if let Some(h) = self.exec_mut(head) {
            h.lru.0 = r;
        }
        self.lru_head = r;
        if self.lru_tail == NO_RUN {
            self.lru_tail = r;
        }
        self.cache.cached += 1;
    }

    fn lru_unlink(&mut self, r: u32) {
        let head = self.lru_head;
        let Some(e) = self.exec_mut(r) else { return };
        let (prev, next) = e.lru;
        let linked = prev != NO_RUN || next != NO_RUN || head == r;
        if !linked {
            return;
        }
        e.lru = (NO_RUN, NO_RUN);
        match self.exec_mut(prev) {
            Some(p) => p.lru.1 = next,
            None => self.lru_head = next,
        }
        match self.exec_mut(next) {
            Some(n) => n.lru.0 = prev,
            None => self.lru_tail = prev,
        }
        self.cache.cached -= 1;
    }

    /// Drops the least recently used runs while the cache holds more than its size.
    fn evict_over_limit(&mut self) {
        let Some(limit) = self.options.worker_cache else { return };
        while self.cache.cached > limit {
            let victim = self.lru_tail;
            self.lru_unlink(victim);
            if let Some(e) = self.exec_mut(victim) {
                e.evict();
                self.cache.evictions += 1;
            }
        }
    }

    pub fn execution(&self, workflow_id: &str) -> Option<ExecutionView<'_>> {
        self.view(self.lookup(workflow_id)?)
    }

    /// A run by handle.
    pub fn view(&self, r: RunRef) -> Option<ExecutionView<'_>> {
        self.run(r).map(|e| ExecutionView { e })
    }

    pub fn executions(&self) -> impl Iterator<Item = ExecutionView<'_>> {
        self.runs.iter().flatten().map(|e| ExecutionView { e })
    }
}

/// FNV-1a: a stable, dependency-free hash for seeding per-workflow generators.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3))
}

/// A read-only look at one execution, for front ends and tests.
#[derive(Clone, Copy)]
pub struct ExecutionView<'a> {
    e: &'a Execution,
}

impl<'a> ExecutionView<'a> {
    pub fn workflow_id(&self) -> &'a str {
        &self.e.workflow_id
    }

    pub fn run_id(&self) -> &'a str {
        &self.e.run_id
    }

    pub fn workflow_type(&self) -> &'a str {
        &self.e.definition.name
    }

    /// The whole history (decoded on first look when the engine keeps it packed).
    pub fn history(&self) -> &'a [HistoryEvent] {
        self.e.history.events()
    }

    /// How many events the history has (without decoding a packed one).
    pub fn history_len(&self) -> usize {
        self.e.history.len()
    }

    /// The packed size of the history in bytes, when the engine keeps it packed.
    pub fn packed_bytes(&self) -> Option<usize> {
        self.e.history.packed_bytes()
    }

    /// Whether the worker holds this run in its cache.
    pub fn is_cached(&self) -> bool {
        self.e.runtime.is_some()
    }

    /// The batch (server transaction) number of each event.
    pub fn batches(&self) -> &'a [u32] {
        self.e.history.batches()
    }

    pub fn status(&self) -> &'a WorkflowStatus {
        &self.e.status
    }

    pub fn start_time(&self) -> Timestamp {
        self.e.start_time
    }

    pub fn execution_timeout(&self) -> Duration {
        self.e.execution_timeout
    }

    pub fn decision_task(&self) -> Option<DecisionTaskState> {
        self.e.decision
    }

    pub fn pending_activities(&self) -> impl Iterator<Item = &'a PendingActivity> {
        self.e.activities.values()
    }

    pub fn pending_timers(&self) -> impl Iterator<Item = &'a PendingTimer> {
        self.e.timers.values()
    }

    pub fn logs(&self) -> &'a [LogLine] {
        self.e.record.as_ref().map_or(&[], |r| &r.logs)
    }

    /// Every activity attempt so far, retries included (history shows only the last).
    pub fn attempts(&self) -> &'a [AttemptRecord] {
        self.e.record.as_ref().map_or(&[], |r| &r.attempts)
    }

    /// Why the worker keeps failing this workflow's decision tasks, if it does.
    pub fn stuck(&self) -> Option<&'a str> {
        self.e.stuck.as_deref()
    }

    pub fn failure(&self) -> Option<&'a Failure> {
        match &self.e.status {
            WorkflowStatus::Failed(f) => Some(f),
            _ => None,
        }
    }
}

/// What the server's front door checks in a signal before it looks for the workflow.
fn check_signal(name: &str, input: Option<&Payload>) -> Result<(), EngineError> {
    if name.trim().is_empty() {
        return Err(EngineError::BadInput("the signal name is empty".into()));
    }
    if let Some(length) = limits::too_long(name) {
        return Err(EngineError::IdTooLong { words: limits::SIGNAL_NAME_TOO_LONG, what: "the signal name", length });
    }
    match limits::oversized(input) {
        Some(size) => Err(EngineError::BlobSizeExceedsLimit { what: "the signal's input", size }),
        None => Ok(()),
    }
}

/// The run a request from outside (a signal, a terminate) is for, if it is still open:
/// a real server refuses both for a closed workflow, and writes nothing.
fn open_run(runs: &mut [Option<Box<Execution>>], r: RunRef) -> Result<&mut Execution, EngineError> {
    let e = runs.get_mut(r.index()).and_then(|e| e.as_deref_mut()).ok_or_else(|| EngineError::NotFound(format!("run #{}", r.0)))?;
    if !e.is_running() {
        return Err(EngineError::AlreadyCompleted(e.workflow_id.to_string()));
    }
    Ok(e)
}
