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

use std::rc::Rc;
use std::time::Duration;

pub use activity::{AttemptState, PendingActivity};
use execution::NextStep;
pub use execution::{AttemptRecord, DecisionTaskState, PendingTimer, StartRequest, WorkflowStatus};

use crate::history::{EventAttributes, HistoryEvent, WorkflowExecutionSignaledEventAttributes};
use crate::log::LogLine;
use crate::payload::{Failure, Payload};
use crate::registry::Registry;
use crate::rng::SplitMix64;
use crate::runtime::{QueryError, WorkflowRuntime};
use crate::text::Str;
use crate::time::{EPOCH, Timestamp};
use execution::{Execution, Identities};

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
    #[error("workflow type {name} is not registered; this worker runs {known}")]
    UnknownWorkflowType { name: String, known: String },
    #[error("bad input: {0}")]
    BadInput(String),
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

pub struct Engine {
    now: Timestamp,
    registry: Registry,
    seed: u64,
    ids: Identities,
    executions: Vec<Execution>,
}

impl Engine {
    /// An engine serving `registry`, with activities seeded by `seed`.
    pub fn new(registry: Registry, seed: u64) -> Engine {
        Engine {
            now: EPOCH,
            registry,
            seed,
            ids: Identities {
                // Shaped like the Go client's and the CLI's identities.
                worker: Str::from_static("1@postflow-sim@tasklist"),
                client: Str::from_static("cadence-cli@postflow-sim"),
                sticky_task_list: Str::from_static("postflow-sim:sticky"),
                ids: SplitMix64::new(seed ^ 0x05EE_D1D5),
            },
            executions: Vec::new(),
        }
    }

    pub fn now(&self) -> Timestamp {
        self.now
    }

    pub fn registry(&self) -> &Registry {
        &self.registry
    }

    /// `StartWorkflowExecution`: checks the type and the input, then writes
    /// `WorkflowExecutionStarted` and the first `DecisionTaskScheduled`.
    pub fn start_workflow(&mut self, req: StartRequest) -> Result<String, EngineError> {
        let definition = self.registry.workflow(&req.workflow_type).cloned().ok_or_else(|| EngineError::UnknownWorkflowType {
            name: req.workflow_type.clone(),
            known: self.registry.workflow_names().join(", "),
        })?;
        if req.workflow_id.trim().is_empty() {
            return Err(EngineError::BadInput("the workflow id is empty".into()));
        }
        if req.execution_timeout.is_zero() || req.task_timeout.is_zero() {
            return Err(EngineError::BadInput("the execution and decision timeouts must be more than 0s".into()));
        }
        // A real server keeps timeouts in int32 seconds and refuses longer ones.
        if req.execution_timeout.as_secs() > i32::MAX as u64 || req.task_timeout.as_secs() > i32::MAX as u64 {
            return Err(EngineError::BadInput(format!("a timeout of more than {} s (int32 seconds) is refused by Cadence", i32::MAX)));
        }
        (definition.validate_input)(req.input.as_ref()).map_err(EngineError::BadInput)?;
        if let Some(i) = self.executions.iter().position(|e| *e.workflow_id == *req.workflow_id) {
            if self.executions[i].is_running() {
                return Err(EngineError::AlreadyStarted(req.workflow_id));
            }
            // A closed run's id may be reused: the new run takes its place.
            self.executions.remove(i);
        }
        let e = Execution::start(&req, definition, self.now, self.seed, &mut self.ids);
        let run_id = e.run_id.clone();
        self.executions.push(e);
        Ok(run_id.to_string())
    }

    /// `SignalWorkflowExecution`. As a real server, it records a signal of any name and
    /// any input and leaves it to the workflow code to read it (or not); only a signal
    /// to a closed workflow is refused, and writes nothing.
    pub fn signal(&mut self, workflow_id: &str, name: &str, input: Option<Payload>) -> Result<(), EngineError> {
        let e =
            self.executions.iter_mut().find(|e| *e.workflow_id == *workflow_id).ok_or_else(|| EngineError::NotFound(workflow_id.into()))?;
        if !e.is_running() {
            return Err(EngineError::AlreadyCompleted(workflow_id.into()));
        }
        if name.trim().is_empty() {
            return Err(EngineError::BadInput("the signal name is empty".into()));
        }
        let request_id = self.ids.uuid();
        let event = EventAttributes::WorkflowExecutionSignaled(WorkflowExecutionSignaledEventAttributes {
            signal_name: name.into(),
            // The CLI sends empty input when none is given; the server keeps it.
            input: Some(input.unwrap_or_default()),
            identity: self.ids.client.clone(),
            request_id,
        });
        e.add_bufferable(self.now, [event], &self.ids);
        Ok(())
    }

    /// `QueryWorkflow`: answered by the worker from the state after its last decision
    /// task; writes nothing.
    pub fn query(&self, workflow_id: &str, query_type: &str) -> Result<Payload, EngineError> {
        let e = self.execution(workflow_id).ok_or_else(|| EngineError::NotFound(workflow_id.into()))?;
        // A worker without the run in its cache replays the history to answer.
        let runtime = WorkflowRuntime::replay_for_query(&e.e.definition, workflow_id, DOMAIN, &e.e.history)?;
        Ok(runtime.query(query_type)?)
    }

    /// One step of the built-in worker, if any can be taken now: start a scheduled
    /// decision task, complete a started one, start a due retry, or finish a running
    /// activity attempt — in that order of preference.
    pub fn step(&mut self) -> Option<StepReport> {
        let now = self.now;
        let (i, next) = self.executions.iter().enumerate().find_map(|(i, e)| Some((i, e.next_step(now)?)))?;
        let e = &mut self.executions[i];
        let outcome = match next {
            NextStep::PollDecision => {
                e.poll_decision(now, &mut self.ids);
                StepOutcome::DecisionTaskStarted
            }
            NextStep::RespondDecision => match e.respond_decision(now, &mut self.ids) {
                Ok(decisions) => StepOutcome::DecisionTaskCompleted(decisions),
                Err(err) => StepOutcome::DecisionTaskFailed(err.to_string()),
            },
            NextStep::StartAttempt(id) => {
                e.start_attempt(now, id);
                let a = &e.activities[&id];
                StepOutcome::AttemptStarted {
                    activity_type: a.activity_type.clone(),
                    attempt: a.attempt,
                    maximum_attempts: a.maximum_attempts(),
                }
            }
            NextStep::FinishAttempt(id) => StepOutcome::AttemptFinished(e.finish_attempt(now, id, &self.registry, &self.ids)?),
        };
        e.settle_started_ids();
        Some(StepReport { workflow_id: e.workflow_id.clone(), outcome })
    }

    /// Whether the worker has something to do now, without the clock or a signal.
    pub fn has_step(&self) -> bool {
        self.executions.iter().any(|e| e.next_step(self.now).is_some())
    }

    /// Steps until no step can be taken without the clock or a signal.
    pub fn run_until_blocked(&mut self) -> Vec<StepReport> {
        std::iter::from_fn(|| self.step()).collect()
    }

    /// The earliest time at which a timer, retry or timeout is due.
    pub fn next_due(&self) -> Option<Timestamp> {
        self.executions.iter().filter_map(|e| e.next_wake(self.now)).min()
    }

    /// Moves the clock to the next due time and fires what is due then.
    pub fn advance_to_next(&mut self) -> Result<Vec<String>, EngineError> {
        let at = self.next_due().ok_or(EngineError::NothingScheduled)?;
        Ok(self.advance_to(at))
    }

    /// Moves the clock by `d`, firing what falls due on the way, each at its own time.
    pub fn advance_by(&mut self, d: Duration) -> Vec<String> {
        self.advance_to(self.now.plus(d))
    }

    fn advance_to(&mut self, target: Timestamp) -> Vec<String> {
        let mut out = Vec::new();
        while let Some(at) = self.executions.iter().filter_map(Execution::next_fire).min().filter(|t| *t <= target) {
            self.now = self.now.max(at);
            for e in &mut self.executions {
                out.extend(e.fire_due(self.now, &self.ids));
            }
        }
        self.now = self.now.max(target);
        out
    }

    pub fn execution(&self, workflow_id: &str) -> Option<ExecutionView<'_>> {
        self.executions.iter().find(|e| *e.workflow_id == *workflow_id).map(|e| ExecutionView { e })
    }

    pub fn executions(&self) -> impl Iterator<Item = ExecutionView<'_>> {
        self.executions.iter().map(|e| ExecutionView { e })
    }
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

    pub fn history(&self) -> &'a [HistoryEvent] {
        &self.e.history
    }

    /// The batch (server transaction) number of each event.
    pub fn batches(&self) -> &'a [u32] {
        &self.e.batches
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
        &self.e.logs
    }

    /// Every activity attempt so far, retries included (history shows only the last).
    pub fn attempts(&self) -> &'a [AttemptRecord] {
        &self.e.attempts
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
