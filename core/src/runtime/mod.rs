//! The deterministic runtime: history in, decisions out.
//!
//! Replay is the only mode. History is cut into decision batches as the Go client
//! cuts it: events are applied in history order (signals into channels, results into
//! futures, command events into their machines), and at each `DecisionTaskStarted`
//! the code runs until it blocks. For a decision task already in history, the
//! decisions the code makes must match the command events that follow its
//! `DecisionTaskCompleted`; any mismatch is a [`Nondeterminism`] error naming the event
//! and the decision. For the last `DecisionTaskStarted`, the decisions are returned.
//!
//! A runtime can be fed a whole history at once (replay from scratch, as a worker
//! without a cache does) or batch by batch (as a sticky worker does); both give the
//! same state and the same decisions.

mod executor;
pub(crate) mod machines;
pub(crate) mod state;

use std::cell::RefCell;
use std::fmt;
use std::rc::Rc;
use std::sync::Arc;

use crate::decision::{CompleteWorkflowExecutionDecisionAttributes, Decision, FailWorkflowExecutionDecisionAttributes};
use crate::history::replay::{ReplayAttributes, ReplayEvent};
use crate::history::{EventType, HistoryEvent};
use crate::log::LogLine;
use crate::payload::Payload;
use crate::registry::WorkflowDefinition;
use crate::sdk::{ActivityError, Blocked, WorkflowContext};
use crate::text::Str;
use crate::time::Timestamp;
use crate::vec_map::VecMap;
use executor::Executor;
use machines::{Command, CommandId, CommandKey, CommandRef, command_id};
pub use state::{CommandKind, WorkflowInfo};
use state::{RunInfo, SharedState, WorkflowState};

/// The Go client's built-in query types, answered for every workflow.
pub const QUERY_STACK_TRACE: &str = "__stack_trace";
pub const QUERY_QUERY_TYPES: &str = "__query_types";
pub const QUERY_OPEN_SESSIONS: &str = "__open_sessions";

/// History and code disagree: the code is not the code that wrote the history.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Nondeterminism {
    /// The history event where the mismatch shows, if any.
    pub event_id: Option<i64>,
    pub event: Option<String>,
    /// The decision the code made there, if any.
    pub decision: Option<String>,
}

impl fmt::Display for Nondeterminism {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.event, &self.decision) {
            (Some(e), Some(d)) => write!(
                f,
                "nondeterministic workflow: history event {} {e} does not match the code's decision {d}",
                self.event_id.unwrap_or(0)
            ),
            (Some(e), None) => write!(
                f,
                "nondeterministic workflow: history event {} {e} has no matching decision in the code",
                self.event_id.unwrap_or(0)
            ),
            (None, Some(d)) => write!(
                f,
                "nondeterministic workflow: the code made decision {d}, but history has no such event (before event {})",
                self.event_id.unwrap_or(0)
            ),
            (None, None) => f.write_str("nondeterministic workflow"),
        }
    }
}

/// Why a decision task could not be completed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum RuntimeError {
    #[error("{0}")]
    Nondeterminism(Nondeterminism),
    #[error("invalid history: {0}")]
    InvalidHistory(String),
    /// The workflow code could not go on (a panic, in Go terms).
    #[error("workflow code failed: {0}")]
    WorkflowTaskFailed(String),
}

/// Why a query got no answer.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum QueryError {
    #[error("unknown queryType {name}. KnownQueryTypes=[{}]", known.join(" "))]
    UnknownQueryType { name: String, known: Vec<String> },
    #[error("workflow must handle at least one decision task before it can be queried")]
    NotReady,
    #[error("the worker could not replay the history to answer: {0}")]
    ReplayFailed(String),
    /// The handler panicked: the Go client recovers it and fails this query alone,
    /// in these words; the workflow goes on.
    #[error("query handler panic: {0}")]
    HandlerPanicked(String),
    /// The handler's answer is larger than the Go client passes on: it fails the
    /// query in these words before the server sees the answer.
    #[error("query result size ({0}) exceeds limit ({QUERY_RESULT_SIZE_LIMIT})")]
    ResultTooLarge(usize),
}

/// The largest answer of a workflow's own query handler that the Go client (v1.3.0)
/// sends, in bytes: 2 MB, under the server's 2 MiB limit on any payload, so a worker
/// never meets the server's.
pub const QUERY_RESULT_SIZE_LIMIT: usize = 2_000_000;

/// The decisions of the last decision task, waiting for their events in history.
enum Sent {
    /// A task already in history: nobody else needs its decisions.
    Replayed(Vec<Command>),
    /// The task being answered: its decisions also went to the server.
    Live(Rc<[Decision]>),
}

impl Sent {
    fn len(&self) -> usize {
        match self {
            Sent::Replayed(v) => v.len(),
            Sent::Live(d) => d.len(),
        }
    }

    fn get(&self, i: usize) -> Option<CommandRef<'_>> {
        match self {
            Sent::Replayed(v) => v.get(i).map(Command::as_ref),
            Sent::Live(d) => d.get(i).map(CommandRef::Decision),
        }
    }
}

/// Where a replay reads its events: one at a time, with a look at the type of the next
/// (a decision task's events depend on what follows its `DecisionTaskStarted`).
pub(crate) trait ReplaySource {
    /// What reading an event can fail with. Kept as the source's own small error until
    /// the replay stops on it: every event passes through this `Result`.
    type Error: Into<RuntimeError>;
    /// The next event; it may borrow from the source until the next call.
    fn next_event(&mut self) -> Option<Result<ReplayEvent<'_>, Self::Error>>;
    /// The type of the event [`next_event`](Self::next_event) gives next, if any.
    fn peek_type(&self) -> Result<Option<EventType>, Self::Error>;
}

/// A live history, read in place: nothing to fail.
impl ReplaySource for std::slice::Iter<'_, HistoryEvent> {
    type Error = std::convert::Infallible;
    fn next_event(&mut self) -> Option<Result<ReplayEvent<'_>, Self::Error>> {
        self.next().map(|e| Ok(ReplayEvent::from(e)))
    }
    fn peek_type(&self) -> Result<Option<EventType>, Self::Error> {
        Ok(self.as_slice().first().map(HistoryEvent::event_type))
    }
}

impl From<std::convert::Infallible> for RuntimeError {
    fn from(never: std::convert::Infallible) -> RuntimeError {
        match never {}
    }
}

/// A packed history, decoded as far as replay reads it, as the replay goes.
#[cfg(feature = "packed")]
impl ReplaySource for crate::history::packed::ReplayEvents<'_> {
    type Error = crate::history::packed::PackError;
    fn next_event(&mut self) -> Option<Result<ReplayEvent<'_>, Self::Error>> {
        self.next_event()
    }
    fn peek_type(&self) -> Result<Option<EventType>, Self::Error> {
        self.peek_type()
    }
}

/// Bytes a packed history's own encoder wrote that do not decode.
#[cfg(feature = "packed")]
impl From<crate::history::packed::PackError> for RuntimeError {
    fn from(e: crate::history::packed::PackError) -> RuntimeError {
        RuntimeError::InvalidHistory(e.to_string())
    }
}

/// One workflow run's code and state, driven by its history.
pub struct WorkflowRuntime {
    definition: Arc<WorkflowDefinition>,
    state: SharedState,
    executor: Executor,
    next_event_id: i64,
    /// Decisions of the last decision task, waiting for their events in history: shared
    /// with the caller that sends them rather than copied.
    sent: Sent,
    /// How many of `sent` have met their event.
    seen: usize,
    scheduled_activities: VecMap<i64, CommandId, false>,
    started_timers: VecMap<i64, CommandId, false>,
    close_sent: bool,
    tasks_run: u32,
}

impl WorkflowRuntime {
    pub fn new(definition: &WorkflowDefinition, workflow_id: &str, domain: &str) -> WorkflowRuntime {
        WorkflowRuntime::new_shared(Arc::new(definition.clone()), workflow_id, domain)
    }

    /// [`new`](Self::new) with a definition shared with its registry (no copy).
    pub fn new_shared(definition: Arc<WorkflowDefinition>, workflow_id: &str, domain: &str) -> WorkflowRuntime {
        let mut state = WorkflowState::default();
        state.info = RunInfo {
            workflow_id: workflow_id.into(),
            domain: domain.into(),
            workflow_type: Str::from(&definition.name),
            ..Default::default()
        };
        WorkflowRuntime {
            definition,
            state: Rc::new(RefCell::new(state)),
            executor: Executor::default(),
            next_event_id: 1,
            sent: Sent::Replayed(Vec::new()),
            seen: 0,
            scheduled_activities: VecMap::default(),
            started_timers: VecMap::default(),
            close_sent: false,
            tasks_run: 0,
        }
    }

    /// Replays a whole history and returns the decisions for its last decision task
    /// (when the history ends with `DecisionTaskStarted`).
    pub fn replay(
        definition: &WorkflowDefinition,
        workflow_id: &str,
        domain: &str,
        events: &[HistoryEvent],
    ) -> Result<(WorkflowRuntime, Option<Vec<Decision>>), RuntimeError> {
        let mut rt = WorkflowRuntime::new(definition, workflow_id, domain);
        let decisions = rt.process(events, true)?;
        Ok((rt, decisions))
    }

    /// Replays a history without running code for a decision task still in flight:
    /// the state a query reads (after the last completed decision task).
    pub fn replay_for_query(
        definition: &WorkflowDefinition,
        workflow_id: &str,
        domain: &str,
        events: &[HistoryEvent],
    ) -> Result<WorkflowRuntime, QueryError> {
        let mut rt = WorkflowRuntime::new(definition, workflow_id, domain);
        rt.process(events, false).map_err(|e| QueryError::ReplayFailed(e.to_string()))?;
        Ok(rt)
    }

    /// Replays a history like [`replay_for_query`](Self::replay_for_query), keeping the
    /// line of workflow code behind every command (see [`code_line`](Self::code_line)).
    pub fn replay_with_code_lines(
        definition: &WorkflowDefinition,
        workflow_id: &str,
        domain: &str,
        events: &[HistoryEvent],
    ) -> Result<WorkflowRuntime, RuntimeError> {
        let mut rt = WorkflowRuntime::new(definition, workflow_id, domain);
        rt.state.borrow_mut().code_lines = Some(Vec::new());
        rt.process(events, false)?;
        Ok(rt)
    }

    /// The line of workflow code (`file:line`) that asked for a command: the
    /// `execute_activity` of an activity, the `new_timer` of a timer, the `cancel` that
    /// canceled it. Known only on a runtime made by
    /// [`replay_with_code_lines`](Self::replay_with_code_lines).
    pub fn code_line(&self, kind: CommandKind, id: &str) -> Option<String> {
        let id: u64 = id.parse().ok()?;
        let s = self.state.borrow();
        let line = s.code_lines.as_ref()?.iter().rev().find(|l| l.kind == kind && l.id == id)?;
        Some(crate::sdk::source_line(line.at))
    }

    /// Applies the next events of the history (continuing where the last call ended).
    /// When `run_last` is set and the events end with a `DecisionTaskStarted`, the code
    /// runs for that task and its decisions are returned.
    pub fn process(&mut self, events: &[HistoryEvent], run_last: bool) -> Result<Option<Vec<Decision>>, RuntimeError> {
        Ok(self.process_shared(events, run_last)?.map(|d| d.to_vec()))
    }

    /// [`process`](Self::process), handing out the decisions the runtime keeps to match
    /// against the next events instead of a copy of them.
    pub(crate) fn process_shared(&mut self, events: &[HistoryEvent], run_last: bool) -> Result<Option<Rc<[Decision]>>, RuntimeError> {
        self.process_events(&mut events.iter(), run_last)
    }

    /// [`process_shared`](Self::process_shared) for events as replay reads them (a
    /// packed history decodes only that much); an error among them ends the replay.
    pub(crate) fn process_events(
        &mut self,
        events: &mut impl ReplaySource,
        run_last: bool,
    ) -> Result<Option<Rc<[Decision]>>, RuntimeError> {
        let mut out = None;
        while let Some(e) = events.next_event() {
            let e = e.map_err(Into::into)?;
            if e.event_id != self.next_event_id {
                return Err(RuntimeError::InvalidHistory(format!("expected event {} but found event {}", self.next_event_id, e.event_id)));
            }
            self.next_event_id += 1;
            let ty = e.event_type();
            // `ActivityTaskCanceled` for an activity that never started is written by
            // the decision that requested the cancel, among its command events.
            if !ty.is_command_event() && ty != EventType::DecisionTaskCompleted && ty != EventType::ActivityTaskCanceled {
                self.check_all_decisions_seen(e.event_id)?;
            }
            match e.attributes {
                ReplayAttributes::WorkflowExecutionStarted { workflow_type, task_list, input } => {
                    self.start(&e, workflow_type, task_list, input.cloned().unwrap_or_default())?
                }
                ReplayAttributes::Other(EventType::DecisionTaskStarted) => {
                    // What follows is read before this event is done with: keep what the task needs.
                    let (event_id, event_time) = (e.event_id, e.event_time);
                    match events.peek_type().map_err(Into::into)? {
                        // That task's decisions never reached history: its events belong to the next batch.
                        Some(EventType::DecisionTaskFailed | EventType::DecisionTaskTimedOut) => {}
                        Some(EventType::DecisionTaskCompleted) => {
                            self.run_task(event_id, event_time, true)?;
                        }
                        None if run_last => out = self.run_task(event_id, event_time, false)?,
                        None => {}
                        Some(other) => {
                            return Err(RuntimeError::InvalidHistory(format!(
                                "event {} DecisionTaskStarted is followed by {}",
                                event_id,
                                other.name()
                            )));
                        }
                    }
                }
                ReplayAttributes::ActivityTaskScheduled { activity_id, activity_type } => {
                    let id = self.match_command_id(&e, activity_id, |c, number| c.schedules(activity_id, number, activity_type))?;
                    self.scheduled_activities.insert(e.event_id, id);
                    self.initiated(&e, CommandKey::Activity(id))?;
                }
                ReplayAttributes::TimerStarted { timer_id } => {
                    let id = self.match_command_id(&e, timer_id, |c, number| c.starts_timer(timer_id, number))?;
                    self.started_timers.insert(e.event_id, id);
                    self.initiated(&e, CommandKey::Timer(id))?;
                }
                ReplayAttributes::TimerCanceled { timer_id, started_event_id } => {
                    let id = self.match_command_id(&e, timer_id, |c, number| c.cancels_timer(timer_id, number))?;
                    // The timer's life is over: nothing in history refers to it again.
                    self.started_timers.remove(&started_event_id);
                    let mut s = self.state.borrow_mut();
                    s.timers.remove(&id);
                    s.machines.completed(CommandKey::Timer(id));
                }
                ReplayAttributes::CancelTimerFailed { timer_id } => {
                    let id = self.match_command_id(&e, timer_id, |c, number| c.cancels_timer(timer_id, number))?;
                    self.state.borrow_mut().machines.cancel_failed(CommandKey::Timer(id));
                }
                ReplayAttributes::Other(EventType::WorkflowExecutionCompleted) => {
                    self.match_command(&e, |c| matches!(c.decision(), Some(Decision::CompleteWorkflowExecution(_))))?;
                    self.initiated(&e, CommandKey::CloseWorkflow)?;
                }
                // The server failed the workflow in place of a decision whose payload was over
                // its limit, and took none of the decisions after it: they never reach
                // history. The Go worker, replaying to answer a query, reads on.
                ReplayAttributes::WorkflowExecutionFailed { failure: Some(f) }
                    if f.reason == crate::engine::limits::DECISION_BLOB_SIZE_EXCEEDS_LIMIT =>
                {
                    self.seen = self.sent.len();
                }
                // A workflow asked to cancel that fails is closed as canceled by the server.
                ReplayAttributes::WorkflowExecutionFailed { .. } | ReplayAttributes::Other(EventType::WorkflowExecutionCanceled) => {
                    self.match_command(&e, |c| matches!(c.decision(), Some(Decision::FailWorkflowExecution(_))))?;
                    self.initiated(&e, CommandKey::CloseWorkflow)?;
                }
                ReplayAttributes::Other(EventType::WorkflowExecutionCancelRequested) => self.state.borrow_mut().cancel_workflow(),
                ReplayAttributes::ActivityTaskCancelRequested { activity_id } => {
                    let id = self.match_command_id(&e, activity_id, |c, number| c.cancels_activity(activity_id, number))?;
                    self.state.borrow_mut().machines.cancel_requested(CommandKey::Activity(id));
                }
                ReplayAttributes::ActivityTaskCanceled { scheduled_event_id } => {
                    self.resolve_activity(&e, scheduled_event_id, Err(ActivityError::Canceled))?
                }
                ReplayAttributes::ActivityTaskCompleted { scheduled_event_id, result } => {
                    let result = Ok(result.cloned().unwrap_or_default());
                    self.resolve_activity(&e, scheduled_event_id, result)?
                }
                ReplayAttributes::ActivityTaskFailed { scheduled_event_id, failure } => {
                    let result = Err(ActivityError::Failed(failure.cloned().unwrap_or_default()));
                    self.resolve_activity(&e, scheduled_event_id, result)?
                }
                ReplayAttributes::ActivityTaskTimedOut { scheduled_event_id, timeout_type, last_failure } => {
                    let last_failure = last_failure.filter(|f| !f.is_empty()).cloned();
                    self.resolve_activity(&e, scheduled_event_id, Err(ActivityError::TimedOut { timeout_type, last_failure }))?
                }
                ReplayAttributes::TimerFired { timer_id, started_event_id } => {
                    let started = self.started_timers.remove(&started_event_id);
                    let id = started.or_else(|| command_id(timer_id)).ok_or_else(|| unknown(&e, "a timer"))?;
                    let mut s = self.state.borrow_mut();
                    // Resolved entries leave the maps, so their cost stays flat as history grows.
                    let slot = s.timers.remove(&id).ok_or_else(|| unknown(&e, "a timer"))?;
                    let seq = s.stamp();
                    slot.resolve(Ok(()), seq);
                    s.machines.completed(CommandKey::Timer(id));
                }
                ReplayAttributes::WorkflowExecutionSignaled { signal_name, input } => {
                    let input = input.cloned().unwrap_or_default();
                    self.state.borrow_mut().push_signal(signal_name, input);
                }
                ReplayAttributes::Other(_) => {}
            }
        }
        Ok(out)
    }

    fn start(&mut self, e: &ReplayEvent, workflow_type: &str, task_list: &str, input: Payload) -> Result<(), RuntimeError> {
        if e.event_id != 1 {
            return Err(RuntimeError::InvalidHistory(format!("event {} WorkflowExecutionStarted is not the first event", e.event_id)));
        }
        if workflow_type != self.definition.name {
            return Err(RuntimeError::Nondeterminism(Nondeterminism {
                event_id: Some(1),
                event: Some(format!("WorkflowExecutionStarted (workflowType {workflow_type})")),
                decision: Some(format!("workflow type {}", self.definition.name)),
            }));
        }
        {
            let mut s = self.state.borrow_mut();
            s.info.task_list = task_list.into();
            s.info.start_time = e.event_time;
            s.now = e.event_time;
        }
        let ctx = WorkflowContext { state: self.state.clone() };
        let run = (self.definition.run)(ctx, input);
        let state = self.state.clone();
        self.executor.spawn(Box::pin(async move {
            let outcome = run.await;
            state.borrow_mut().outcome = Some(outcome);
        }));
        Ok(())
    }

    /// Runs the code for a decision task; the decisions of a new one (not replaying).
    fn run_task(&mut self, event_id: i64, event_time: Timestamp, replaying: bool) -> Result<Option<Rc<[Decision]>>, RuntimeError> {
        self.check_all_decisions_seen(event_id)?;
        {
            let mut s = self.state.borrow_mut();
            s.now = event_time;
            s.replaying = replaying;
        }
        self.tasks_run += 1;
        self.executor.run_until_blocked(&self.state).map_err(RuntimeError::WorkflowTaskFailed)?;
        let mut s = self.state.borrow_mut();
        let s = &mut *s;
        if !self.close_sent
            && let Some(outcome) = s.outcome.clone()
        {
            self.close_sent = true;
            let decision = match outcome {
                Ok(result) => Decision::CompleteWorkflowExecution(CompleteWorkflowExecutionDecisionAttributes { result: Some(result) }),
                Err(err) => Decision::FailWorkflowExecution(FailWorkflowExecutionDecisionAttributes { failure: Some(err.0) }),
            };
            s.machines.add(CommandKey::CloseWorkflow, Command::Decision(decision));
        }
        self.seen = 0;
        // A replayed task's decisions only meet their events: they stay in a buffer
        // reused from task to task. A new task's decisions go out, shared.
        let mut buffer = match std::mem::replace(&mut self.sent, Sent::Replayed(Vec::new())) {
            Sent::Replayed(mut v) => {
                v.clear();
                v
            }
            Sent::Live(_) => Vec::new(),
        };
        s.machines.take_decisions(&mut buffer);
        if replaying {
            self.sent = Sent::Replayed(buffer);
            return Ok(None);
        }
        let decisions: Rc<[Decision]> = buffer.into_iter().map(Command::into_decision).collect();
        self.sent = Sent::Live(decisions.clone());
        Ok(Some(decisions))
    }

    fn match_command(&mut self, e: &ReplayEvent, fits: impl Fn(CommandRef) -> bool) -> Result<(), RuntimeError> {
        let next = self.sent.get(self.seen);
        if next.is_some() {
            self.seen += 1;
        }
        match next {
            Some(d) if fits(d) => Ok(()),
            other => Err(RuntimeError::Nondeterminism(Nondeterminism {
                event_id: Some(e.event_id),
                event: Some(e.describe()),
                decision: other.map(|d| d.to_string()),
            })),
        }
    }

    /// [`match_command`](Self::match_command) for an event that names an activity or
    /// a timer by `id`: `fits` gets the ID's number too (parsed once), and the number
    /// comes back. The code writes only IDs that [`command_id`] reads, so after a match
    /// there is one; a missing one is an error rather than a panic all the same.
    fn match_command_id(
        &mut self,
        e: &ReplayEvent,
        id: &str,
        fits: impl Fn(CommandRef, Option<CommandId>) -> bool,
    ) -> Result<CommandId, RuntimeError> {
        let number = command_id(id);
        self.match_command(e, |c| fits(c, number))?;
        number.ok_or_else(|| unknown(e, "a command"))
    }

    #[inline]
    fn check_all_decisions_seen(&self, event_id: i64) -> Result<(), RuntimeError> {
        if self.seen < self.sent.len() { Err(self.unmatched_decision(event_id)) } else { Ok(()) }
    }

    #[cold]
    fn unmatched_decision(&self, event_id: i64) -> RuntimeError {
        let decision = self.sent.get(self.seen).map(|d| d.to_string());
        RuntimeError::Nondeterminism(Nondeterminism { event_id: Some(event_id), event: None, decision })
    }

    fn initiated(&mut self, e: &ReplayEvent, key: CommandKey) -> Result<(), RuntimeError> {
        self.state.borrow_mut().machines.initiated(key).map_err(|why| {
            RuntimeError::Nondeterminism(Nondeterminism { event_id: Some(e.event_id), event: Some(e.describe()), decision: Some(why.0) })
        })
    }

    fn resolve_activity(
        &mut self,
        e: &ReplayEvent,
        scheduled_event_id: i64,
        result: Result<Payload, ActivityError>,
    ) -> Result<(), RuntimeError> {
        let id = self.scheduled_activities.remove(&scheduled_event_id).ok_or_else(|| unknown(e, "an activity"))?;
        let mut s = self.state.borrow_mut();
        let slot = s.activities.remove(&id).ok_or_else(|| unknown(e, "an activity"))?;
        let seq = s.stamp();
        slot.resolve(result, seq);
        s.machines.completed(CommandKey::Activity(id));
        Ok(())
    }

    /// Answers a query from the state after the last decision task the code ran:
    /// the workflow's own handlers, and the Go client's built-in `__stack_trace`,
    /// `__query_types` and `__open_sessions`.
    pub fn query(&self, query_type: &str) -> Result<Payload, QueryError> {
        if self.tasks_run == 0 {
            return Err(QueryError::NotReady);
        }
        match query_type {
            QUERY_STACK_TRACE => return Ok(Payload::encode(&self.stack_trace())),
            QUERY_QUERY_TYPES => return Ok(Payload::encode(&self.query_types())),
            QUERY_OPEN_SESSIONS => return Ok(Payload::encode(&[0u8; 0])),
            _ => {}
        }
        let s = self.state.borrow();
        match s.query_handlers.get(query_type) {
            Some(handler) => {
                let answer = std::panic::catch_unwind(std::panic::AssertUnwindSafe(handler))
                    .map_err(|payload| QueryError::HandlerPanicked(crate::sdk::panic_message(payload.as_ref())))?;
                match answer.as_bytes().len() {
                    size if size > QUERY_RESULT_SIZE_LIMIT => Err(QueryError::ResultTooLarge(size)),
                    _ => Ok(answer),
                }
            }
            // As the Go client (v1.3.0) lists them: every type it answers, built-ins
            // included, sorted; the Go worker and this one side by side say the same.
            None => Err(QueryError::UnknownQueryType { name: query_type.to_owned(), known: self.query_types() }),
        }
    }

    /// Every query type this run answers, sorted (the answer to `__query_types`).
    pub fn query_types(&self) -> Vec<String> {
        let s = self.state.borrow();
        // Put in place one by one: a handful, and a sort of strings would be the page's
        // only one (a kilobyte and a half of its download).
        let mut types: Vec<String> = Vec::new();
        for t in [QUERY_OPEN_SESSIONS, QUERY_QUERY_TYPES, QUERY_STACK_TRACE]
            .into_iter()
            .map(str::to_owned)
            .chain(s.query_handlers.keys().map(Str::to_string))
        {
            let at = types.partition_point(|x| *x < t);
            types.insert(at, t);
        }
        types
    }

    /// Where the code waits now, per coroutine, with the line of workflow code that waits.
    pub fn blocked(&self) -> Vec<Blocked> {
        let s = self.state.borrow();
        let unread = |channel: &str| s.unread(channel);
        s.waits
            .iter()
            .map(|w| Blocked {
                coroutine: (w.coroutine + 1).to_string(),
                call: w.on.call(),
                at: crate::sdk::source_line(w.at),
                on: w.on.to_waiting(&unread),
            })
            .collect()
    }

    /// The answer to Cadence's `__stack_trace` query (`cadence wf stack`).
    pub fn stack_trace(&self) -> String {
        crate::sdk::stack_trace(&self.blocked())
    }

    /// Signals in history that the code has not read yet, per channel (by channel name),
    /// oldest first.
    pub fn unread_signals(&self) -> Vec<(String, Vec<Payload>)> {
        let s = self.state.borrow();
        let mut unread: Vec<(String, Vec<Payload>)> = Vec::new();
        // Sorted by channel name as they go in (names are unique; a handful of channels).
        for c in s.channels.iter().filter(|c| !c.values.is_empty()) {
            let at = unread.partition_point(|(name, _)| name.as_str() < c.name.as_str());
            unread.insert(at, (c.name.to_string(), c.values.iter().map(|(p, _)| p.clone()).collect()));
        }
        unread
    }

    /// Drops the code's log lines from now on, unformatted: for a worker whose logs
    /// nobody keeps.
    pub(crate) fn discard_logs(&mut self) {
        self.state.borrow_mut().discard_logs = true;
    }

    /// Log lines written since the last call.
    pub fn take_logs(&mut self) -> Vec<LogLine> {
        std::mem::take(&mut self.state.borrow_mut().logs)
    }

    pub fn definition(&self) -> &WorkflowDefinition {
        &self.definition
    }
}

fn unknown(e: &ReplayEvent, what: &str) -> RuntimeError {
    RuntimeError::InvalidHistory(format!("event {} {} refers to {what} the history never started", e.event_id, e.event_type().name()))
}

/// Workflows and histories written by hand for the runtime's and the SDK's own tests.
#[cfg(test)]
pub(crate) mod test_history {
    use std::future::Future;
    use std::sync::Arc;

    use crate::history::*;
    use crate::payload::Payload;
    use crate::registry::WorkflowDefinition;
    use crate::sdk::{WorkflowContext, WorkflowError};

    /// A workflow type whose code is `body` (its input unread).
    pub fn workflow<F, R>(name: &str, body: F) -> WorkflowDefinition
    where
        F: Fn(WorkflowContext) -> R + Send + Sync + 'static,
        R: Future<Output = Result<Payload, WorkflowError>> + 'static,
    {
        WorkflowDefinition {
            name: name.into(),
            run: Arc::new(move |ctx, _input| Box::pin(body(ctx))),
            validate_input: |_| Ok(()),
            signals: vec![],
            queries: vec![],
        }
    }

    /// An event at the epoch, as the tests need no times.
    pub fn event(event_id: i64, attributes: EventAttributes) -> HistoryEvent {
        HistoryEvent { event_id, event_time: crate::time::EPOCH, version: 0, task_id: 0, attributes }
    }

    /// A run of `workflow_type` started with `input`, up to its first decision task's start.
    pub fn first_decision_task(workflow_type: &str, input: Option<Payload>) -> Vec<HistoryEvent> {
        let started = event(
            1,
            EventAttributes::WorkflowExecutionStarted(Box::new(WorkflowExecutionStartedEventAttributes {
                workflow_type: WorkflowType { name: workflow_type.into() },
                task_list: TaskList::named("tasklist"),
                input,
                ..Default::default()
            })),
        );
        let mut events = vec![started];
        events.extend(decision_task(2));
        events
    }

    /// A decision task scheduled as event `scheduled` and started as the next.
    pub fn decision_task(scheduled: i64) -> [HistoryEvent; 2] {
        [
            event(scheduled, EventAttributes::DecisionTaskScheduled(Default::default())),
            event(
                scheduled + 1,
                EventAttributes::DecisionTaskStarted(DecisionTaskStartedEventAttributes {
                    scheduled_event_id: scheduled,
                    ..Default::default()
                }),
            ),
        ]
    }

    /// A signal `name` carrying `input` as it arrived (no bytes: sent without input).
    pub fn signaled(event_id: i64, name: &str, input: &[u8]) -> HistoryEvent {
        event(
            event_id,
            EventAttributes::WorkflowExecutionSignaled(WorkflowExecutionSignaledEventAttributes {
                signal_name: name.into(),
                input: Some(Payload::from_bytes(input)),
                ..Default::default()
            }),
        )
    }

    /// Replays a run of `def` that got `signals` (name and input) after its first
    /// decision task: what it completed with, if it did, and what it logged.
    pub fn replay_signals(def: &WorkflowDefinition, signals: &[(&str, &[u8])]) -> (Option<Payload>, Vec<String>) {
        let mut events = first_decision_task(&def.name, None);
        events.push(first_decision_task_completed());
        for (name, input) in signals {
            events.push(signaled(events.len() as i64 + 1, name, input));
        }
        events.extend(decision_task(events.len() as i64 + 1));
        let (mut rt, decisions) = super::WorkflowRuntime::replay(def, "w", "d", &events).unwrap();
        let result = decisions.unwrap().iter().find_map(|d| match d {
            crate::decision::Decision::CompleteWorkflowExecution(done) => done.result.clone(),
            _ => None,
        });
        (result, rt.take_logs().into_iter().map(|l| l.message).collect())
    }

    /// Event 4: that first decision task completed.
    pub fn first_decision_task_completed() -> HistoryEvent {
        event(
            4,
            EventAttributes::DecisionTaskCompleted(DecisionTaskCompletedEventAttributes {
                scheduled_event_id: 2,
                started_event_id: 3,
                ..Default::default()
            }),
        )
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::test_history::{decision_task, event, first_decision_task, first_decision_task_completed, workflow};
    use super::{RuntimeError, WorkflowRuntime};
    use crate::history::*;
    use crate::payload::Payload;

    /// A timer's events name it by the Go client's decimal ID. One that names no timer
    /// the history started ("00" is not "0") is refused with the event that names it.
    #[test]
    fn a_timer_event_for_a_timer_never_started_is_refused_with_its_event() {
        let def = workflow("OneTimer", |ctx| async move {
            ctx.new_timer(Duration::from_secs(60)).await.ok();
            Ok(Payload::encode(&"done"))
        });
        let fired = |timer_id: &str, started_event_id: i64| {
            event(6, EventAttributes::TimerFired(TimerFiredEventAttributes { timer_id: timer_id.into(), started_event_id }))
        };
        let mut events = first_decision_task("OneTimer", None);
        events.push(first_decision_task_completed());
        events.push(event(
            5,
            EventAttributes::TimerStarted(TimerStartedEventAttributes {
                timer_id: "0".into(),
                decision_task_completed_event_id: 4,
                ..Default::default()
            }),
        ));
        for (timer_id, started) in [("00", 99), ("1", 99)] {
            let mut history = events.clone();
            history.push(fired(timer_id, started));
            let err = WorkflowRuntime::replay(&def, "w", "d", &history).err();
            let expected = "event 6 TimerFired refers to a timer the history never started";
            assert_eq!(err, Some(RuntimeError::InvalidHistory(expected.into())), "timer {timer_id:?}");
        }
        // The same event with the timer's own ID lets the code go on to completion.
        events.push(fired("0", 5));
        events.extend(decision_task(7));
        let (_, decisions) = WorkflowRuntime::replay(&def, "w", "d", &events).unwrap();
        assert_eq!(decisions.unwrap().iter().map(|d| d.to_string()).collect::<Vec<_>>(), ["CompleteWorkflowExecution"]);
    }
}
