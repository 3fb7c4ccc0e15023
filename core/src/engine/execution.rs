//! One workflow execution on the simulated server: its history, its mutable state
//! (pending decision, activities, timers, buffered events) and the transactions that
//! write history in the batches a real Cadence server writes (semantics notes §2.2).

use std::rc::Rc;
use std::sync::Arc;
use std::time::Duration;

use super::activity::{AfterFailure, AttemptState, PendingActivity, rewrite_timeouts, timeout_failure};
use super::store::HistoryStore;
use super::{AttemptEnd, AttemptResult, FiredKind, NO_RUN};
use crate::decision::Decision;
use crate::history::*;
use crate::log::LogLine;
use crate::payload::{Failure, Payload};
use crate::registry::{ActivityContext, Registry, WorkflowDefinition};
use crate::rng::SplitMix64;
use crate::runtime::{RuntimeError, WorkflowRuntime};
use crate::text::Str;
use crate::time::Timestamp;
use crate::vec_map::VecMap;

/// The server's placeholder for an `ActivityTaskStarted` written only when the activity closes.
const TRANSIENT_EVENT_ID: i64 = -124;

/// Where a real server's task IDs start for a new shard.
const TASK_ID_BASE: i64 = 1_048_576;

#[derive(Clone, Debug, PartialEq)]
pub enum WorkflowStatus {
    Running,
    Completed(Payload),
    /// Boxed: every execution carries a status, few a failure.
    Failed(Box<Failure>),
    TimedOut,
    /// `cadence wf terminate`, with its reason.
    Terminated(Box<str>),
    /// Closed as canceled: the code ended with an error after a cancel request, with
    /// that error's details.
    Canceled(Payload),
}

impl WorkflowStatus {
    pub fn name(&self) -> &'static str {
        match self {
            WorkflowStatus::Running => "running",
            WorkflowStatus::Completed(_) => "completed",
            WorkflowStatus::Failed(_) => "failed",
            WorkflowStatus::TimedOut => "timed_out",
            WorkflowStatus::Terminated(_) => "terminated",
            WorkflowStatus::Canceled(_) => "canceled",
        }
    }

    /// The status as a person reads it beside an outcome ("timed out"); [`Self::name`]
    /// is the CLI's and the scenario files' word (`timed_out`).
    pub fn words(&self) -> &'static str {
        match self {
            WorkflowStatus::TimedOut => "timed out",
            other => other.name(),
        }
    }
}

/// One step the built-in worker can take (activities by their scheduled event ID).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum NextStep {
    PollDecision,
    RespondDecision,
    StartAttempt(i64),
    FinishAttempt(i64),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DecisionTaskState {
    Scheduled { scheduled_event_id: i64 },
    Started { scheduled_event_id: i64, started_event_id: i64 },
}

/// One activity attempt as the server saw it. History keeps only the last attempt of
/// an activity with a retry policy; these records let a timeline show them all.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AttemptRecord {
    pub activity_id: Str,
    pub activity_type: Str,
    pub attempt: i32,
    pub started_at: Option<Timestamp>,
    pub ended_at: Timestamp,
    /// `completed`, `failed: <message>` or `timed out (<TYPE>)`.
    pub outcome: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct PendingTimer {
    pub timer_id: Str,
    pub started_event_id: i64,
    pub fire_at: Timestamp,
}

/// Names and IDs the server hands out; deterministic per seed.
pub(crate) struct Identities {
    pub worker: Str,
    pub client: Str,
    pub sticky_task_list: Str,
    pub uuids: crate::uuid::Sequence,
    /// How many UUIDs the server has made.
    pub made: u64,
}

impl Identities {
    /// A version-4-shaped UUID from the seeded generator (one for every request the
    /// simulated server records).
    pub fn uuid(&mut self) -> Str {
        let bits = self.uuids.nth(self.made);
        self.made += 1;
        crate::uuid::text(bits)
    }
}

/// What an execution keeps for people to look at.
#[derive(Default)]
pub(crate) struct Record {
    pub logs: Vec<LogLine>,
    pub attempts: Vec<AttemptRecord>,
}

pub struct Execution {
    /// Shared with every step report about this workflow.
    pub(crate) workflow_id: Rc<str>,
    pub(crate) run_id: Str,
    pub(crate) definition: Arc<WorkflowDefinition>,
    pub(crate) task_list: Str,
    pub(crate) start_time: Timestamp,
    pub(crate) execution_timeout: Duration,
    pub(crate) task_timeout: Duration,
    pub(crate) history: HistoryStore,
    batch: u32,
    pub(crate) status: WorkflowStatus,
    pub(crate) decision: Option<DecisionTaskState>,
    /// The worker asked for a sticky task list in its first decision response.
    sticky: bool,
    /// Events that arrived while a decision task was in flight.
    pub(crate) buffer: Vec<EventAttributes>,
    pub(crate) activities: VecMap<i64, PendingActivity>,
    pub(crate) timers: VecMap<Str, PendingTimer>,
    /// The worker's cached workflow (sticky cache); `None` after an eviction. Boxed:
    /// a parked execution pays a pointer for it, not the runtime's size.
    pub(crate) runtime: Option<Box<WorkflowRuntime>>,
    pub(crate) rng: SplitMix64,
    /// Log lines and every activity attempt, when they are kept (for people; a
    /// fleet of a million packages does without, and pays a pointer).
    pub(crate) record: Option<Box<Record>>,
    /// Set when the worker keeps failing this workflow's decision tasks.
    pub(crate) stuck: Option<String>,
    /// The `ActivityTaskStarted` event of an activity whose close is still to come.
    last_started: VecMap<i64, i64>,
    /// The engine's bookkeeping: this run's place in the worker cache's recency list.
    pub(crate) lru: (u32, u32),
    /// Someone asked to cancel the workflow (`WorkflowExecutionCancelRequested`).
    pub(crate) cancel_requested: bool,
}

/// How an engine keeps an execution: see [`super::EngineOptions`].
pub(crate) struct Keeping {
    pub history: HistoryStore,
    pub record: bool,
    pub seed: u64,
}

/// The parameters of a workflow start (Cadence's `StartWorkflowExecutionRequest`).
#[derive(Clone, Debug, PartialEq)]
pub struct StartRequest {
    pub workflow_id: String,
    pub workflow_type: String,
    pub task_list: String,
    pub input: Option<Payload>,
    pub execution_timeout: Duration,
    pub task_timeout: Duration,
}

impl Execution {
    pub(crate) fn start(
        req: &StartRequest,
        definition: Arc<WorkflowDefinition>,
        now: Timestamp,
        keeping: Keeping,
        ids: &mut Identities,
    ) -> Execution {
        let Keeping { history, record, seed } = keeping;
        let mut e = Execution {
            workflow_id: req.workflow_id.as_str().into(),
            run_id: ids.uuid(),
            definition,
            task_list: req.task_list.as_str().into(),
            start_time: now,
            execution_timeout: req.execution_timeout,
            task_timeout: req.task_timeout,
            history,
            batch: 0,
            status: WorkflowStatus::Running,
            decision: None,
            sticky: false,
            buffer: Vec::new(),
            activities: VecMap::default(),
            timers: VecMap::default(),
            runtime: None,
            rng: SplitMix64::new(seed),
            record: record.then(Box::default),
            stuck: None,
            last_started: VecMap::default(),
            lru: (NO_RUN, NO_RUN),
            cancel_requested: false,
        };
        e.begin_batch();
        e.append(
            now,
            EventAttributes::WorkflowExecutionStarted(Box::new(WorkflowExecutionStartedEventAttributes {
                workflow_type: WorkflowType { name: req.workflow_type.as_str().into() },
                task_list: TaskList::named(&req.task_list),
                input: req.input.clone(),
                execution_start_to_close_timeout: Some(req.execution_timeout),
                task_start_to_close_timeout: Some(req.task_timeout),
                identity: ids.client.clone(),
                original_execution_run_id: e.run_id.clone(),
                first_execution_run_id: e.run_id.clone(),
                first_decision_task_backoff: Some(Duration::ZERO),
                request_id: ids.uuid(),
                ..Default::default()
            })),
        );
        e.schedule_decision(now, ids);
        e
    }

    pub fn is_running(&self) -> bool {
        self.status == WorkflowStatus::Running
    }

    /// What the built-in worker would do next for this workflow at `now`, if anything.
    pub(crate) fn next_step(&self, now: Timestamp) -> Option<NextStep> {
        if !self.is_running() || self.stuck.is_some() {
            return None;
        }
        match self.decision {
            Some(DecisionTaskState::Scheduled { .. }) => return Some(NextStep::PollDecision),
            Some(DecisionTaskState::Started { .. }) => return Some(NextStep::RespondDecision),
            None => {}
        }
        self.activities.iter().find_map(|(id, a)| match a.state {
            AttemptState::Scheduled { since } if since <= now => Some(NextStep::StartAttempt(*id)),
            AttemptState::Started { .. } => Some(NextStep::FinishAttempt(*id)),
            AttemptState::Scheduled { .. } => None,
        })
    }

    fn begin_batch(&mut self) {
        self.batch += 1;
    }

    fn append(&mut self, time: Timestamp, mut attributes: EventAttributes) -> i64 {
        let event_id = self.history.len() as i64 + 1;
        match &mut attributes {
            EventAttributes::ActivityTaskStarted(a) => {
                self.last_started.insert(a.scheduled_event_id, event_id);
            }
            EventAttributes::ActivityTaskCompleted(ActivityTaskCompletedEventAttributes {
                scheduled_event_id, started_event_id, ..
            })
            | EventAttributes::ActivityTaskFailed(ActivityTaskFailedEventAttributes { scheduled_event_id, started_event_id, .. })
            | EventAttributes::ActivityTaskTimedOut(ActivityTaskTimedOutEventAttributes { scheduled_event_id, started_event_id, .. })
                if *started_event_id == TRANSIENT_EVENT_ID =>
            {
                *started_event_id = self.last_started.remove(scheduled_event_id).unwrap_or(0);
            }
            _ => {}
        }
        // A global domain on a dev server writes failover version 1 on every event.
        let event = HistoryEvent { event_id, event_time: time, version: 1, task_id: TASK_ID_BASE + event_id - 1, attributes };
        self.history.push(event, self.batch);
        event_id
    }

    fn schedule_decision(&mut self, now: Timestamp, ids: &Identities) -> i64 {
        let task_list = TaskList::named(if self.sticky { &ids.sticky_task_list } else { &self.task_list });
        let id = self.append(
            now,
            EventAttributes::DecisionTaskScheduled(DecisionTaskScheduledEventAttributes {
                task_list,
                start_to_close_timeout: Some(self.task_timeout),
                attempt: 0,
            }),
        );
        self.decision = Some(DecisionTaskState::Scheduled { scheduled_event_id: id });
        id
    }

    fn start_decision(&mut self, now: Timestamp, scheduled_event_id: i64, request_id: Str, ids: &Identities) {
        let id = self.append(
            now,
            EventAttributes::DecisionTaskStarted(DecisionTaskStartedEventAttributes {
                scheduled_event_id,
                identity: ids.worker.clone(),
                request_id,
            }),
        );
        self.decision = Some(DecisionTaskState::Started { scheduled_event_id, started_event_id: id });
    }

    /// A worker polled: `DecisionTaskStarted`, in a batch of its own.
    pub(crate) fn poll_decision(&mut self, now: Timestamp, ids: &mut Identities) -> bool {
        let Some(DecisionTaskState::Scheduled { scheduled_event_id }) = self.decision else { return false };
        self.begin_batch();
        let request_id = ids.uuid();
        self.start_decision(now, scheduled_event_id, request_id, ids);
        true
    }

    /// Events that are not decision events: appended now when no decision task is in
    /// flight (and a decision task scheduled for them), buffered otherwise.
    pub(crate) fn add_bufferable(&mut self, now: Timestamp, events: impl IntoIterator<Item = EventAttributes>, ids: &Identities) {
        if matches!(self.decision, Some(DecisionTaskState::Started { .. })) {
            self.buffer.extend(events);
            return;
        }
        self.begin_batch();
        for e in events {
            self.append(now, e);
        }
        if self.decision.is_none() && self.stuck.is_none() {
            self.schedule_decision(now, ids);
        }
    }

    /// Flushes buffered events as the server does after a decision task: in arrival
    /// order, except that activity close events go last.
    fn flush_buffer(&mut self, now: Timestamp) -> bool {
        let buffered = std::mem::take(&mut self.buffer);
        let had = !buffered.is_empty();
        let (close, other): (Vec<_>, Vec<_>) = buffered.into_iter().partition(|e| e.event_type().is_activity_close());
        for e in other.into_iter().chain(close) {
            self.append(now, e);
        }
        had
    }

    /// The worker answers the started decision task: the workflow code runs on the
    /// history so far, and its decisions are written (or refused).
    pub(crate) fn respond_decision(&mut self, now: Timestamp, ids: &mut Identities) -> Result<Rc<[Decision]>, RuntimeError> {
        let Some(DecisionTaskState::Started { scheduled_event_id, started_event_id }) = self.decision else {
            return Ok(Rc::default());
        };
        let outcome = self.run_worker();
        self.begin_batch();
        let decisions = match outcome {
            Err(err) => {
                self.fail_decision(
                    now,
                    scheduled_event_id,
                    started_event_id,
                    CAUSE_WORKFLOW_WORKER_UNHANDLED_FAILURE,
                    &err.to_string(),
                    ids,
                );
                self.stuck = Some(err.to_string());
                self.decision = None;
                return Err(err);
            }
            Ok(d) => d,
        };
        if decisions.iter().any(Decision::is_close) && !self.buffer.is_empty() {
            // Rule 7: a close decision meets events the code has not seen. The decision
            // task fails, the events flush, and a new decision task starts at once.
            self.fail_decision(now, scheduled_event_id, started_event_id, CAUSE_UNHANDLED_DECISION, "", ids);
            self.flush_buffer(now);
            self.schedule_and_start(now, ids);
            return Ok(decisions);
        }
        let completed = self.append(
            now,
            EventAttributes::DecisionTaskCompleted(DecisionTaskCompletedEventAttributes {
                scheduled_event_id,
                started_event_id,
                identity: ids.worker.clone(),
                binary_checksum: Str::default(),
            }),
        );
        self.sticky = true;
        self.decision = None;
        let mut dispatched = Vec::new();
        for d in decisions.iter() {
            if let Some(words) = super::limits::decision_over_limit(d) {
                self.fail_for_blob_size(now, completed, words);
                break;
            }
            self.apply_decision(now, completed, d, &mut dispatched, ids);
        }
        let had_buffered = self.flush_buffer(now);
        for e in dispatched {
            self.append(now, e);
        }
        if self.is_running() {
            if had_buffered {
                self.schedule_and_start(now, ids);
            }
        } else {
            self.close();
        }
        Ok(decisions)
    }

    fn schedule_and_start(&mut self, now: Timestamp, ids: &mut Identities) {
        let scheduled = self.schedule_decision(now, ids);
        self.start_decision(now, scheduled, Str::from_static("request-from-RespondDecisionTaskCompleted"), ids);
    }

    fn fail_decision(
        &mut self,
        now: Timestamp,
        scheduled_event_id: i64,
        started_event_id: i64,
        cause: &str,
        details: &str,
        ids: &Identities,
    ) {
        self.append(
            now,
            EventAttributes::DecisionTaskFailed(DecisionTaskFailedEventAttributes {
                scheduled_event_id,
                started_event_id,
                cause: cause.into(),
                failure: (!details.is_empty()).then(|| Failure { reason: cause.into(), details: details.as_bytes().to_vec() }),
                identity: ids.worker.clone(),
            }),
        );
        // The server clears stickiness when a decision fails, and the worker drops its
        // cached run: the next decision task goes to the normal task list and replays.
        self.sticky = false;
        self.forget_run();
        self.decision = None;
    }

    /// The worker drops its cached run: the next decision task replays the history.
    pub(crate) fn forget_run(&mut self) {
        self.runtime = None;
        self.history.forget_fed();
    }

    /// The worker's cache evicted this run. Like the Go worker, it asks the server
    /// to reset stickiness (`ResetStickyTaskList`) unless the workflow has ended, so
    /// the next decision task goes to the workflow's own task list.
    pub(crate) fn evict(&mut self) {
        if self.is_running() {
            self.sticky = false;
        }
        self.forget_run();
    }

    /// Feeds the worker's cached run the events it has not seen and runs the code.
    fn run_worker(&mut self) -> Result<Rc<[Decision]>, RuntimeError> {
        // A cache miss makes a run that has read nothing: it replays the whole history.
        let runtime = self.runtime.get_or_insert_with(|| {
            let mut runtime = Box::new(WorkflowRuntime::new_shared(self.definition.clone(), &self.workflow_id, super::DOMAIN));
            if self.record.is_none() {
                runtime.discard_logs();
            }
            runtime
        });
        let result = self.history.feed(runtime);
        let logs = runtime.take_logs();
        if let Some(r) = &mut self.record {
            r.logs.extend(logs);
        }
        result.map(Option::unwrap_or_default)
    }

    /// Events the worker must replay to answer the next decision task: all of them
    /// when it does not hold the run.
    pub(crate) fn replay_cost(&self) -> Option<usize> {
        self.runtime.is_none().then(|| self.history.len())
    }

    fn apply_decision(
        &mut self,
        now: Timestamp,
        completed: i64,
        d: &Decision,
        dispatched: &mut Vec<EventAttributes>,
        ids: &mut Identities,
    ) {
        match d {
            Decision::ScheduleActivityTask(a) => {
                let mut attrs = ActivityTaskScheduledEventAttributes {
                    activity_id: a.activity_id.clone(),
                    activity_type: a.activity_type.clone(),
                    domain: a.domain.clone(),
                    task_list: a.task_list.clone(),
                    input: a.input.clone(),
                    schedule_to_close_timeout: a.schedule_to_close_timeout,
                    schedule_to_start_timeout: a.schedule_to_start_timeout,
                    start_to_close_timeout: a.start_to_close_timeout,
                    heartbeat_timeout: a.heartbeat_timeout,
                    decision_task_completed_event_id: completed,
                    retry_policy: a.retry_policy.clone(),
                    header: a.header.clone(),
                };
                rewrite_timeouts(&mut attrs, self.execution_timeout);
                let mut pending = PendingActivity::from_scheduled(0, now, &attrs);
                let id = self.append(now, EventAttributes::ActivityTaskScheduled(Box::new(attrs)));
                pending.scheduled_event_id = id;
                // Local dispatch: the worker starts the first attempt inside this transaction.
                pending.state = AttemptState::Started { at: now, started_event_id: None };
                if pending.retry_policy.is_none() {
                    dispatched.push(EventAttributes::ActivityTaskStarted(ActivityTaskStartedEventAttributes {
                        scheduled_event_id: id,
                        identity: ids.worker.clone(),
                        request_id: ids.uuid(),
                        attempt: 0,
                        last_failure: Some(Failure::default()),
                    }));
                    // The event ID is known once the dispatched events are appended, right after the buffer.
                    pending.state = AttemptState::Started { at: now, started_event_id: Some(TRANSIENT_EVENT_ID) };
                }
                self.activities.insert(id, pending);
            }
            Decision::StartTimer(t) => {
                let timeout = t.start_to_fire_timeout.unwrap_or_default();
                let id = self.append(
                    now,
                    EventAttributes::TimerStarted(TimerStartedEventAttributes {
                        timer_id: t.timer_id.clone(),
                        start_to_fire_timeout: Some(timeout),
                        decision_task_completed_event_id: completed,
                    }),
                );
                self.timers.insert(
                    t.timer_id.clone(),
                    PendingTimer { timer_id: t.timer_id.clone(), started_event_id: id, fire_at: now.plus(timeout) },
                );
            }
            Decision::CancelTimer(c) => {
                let started = self.timers.remove(&c.timer_id).map(|t| t.started_event_id).or_else(|| self.take_buffered_fire(&c.timer_id));
                let attrs = match started {
                    Some(started_event_id) => EventAttributes::TimerCanceled(TimerCanceledEventAttributes {
                        timer_id: c.timer_id.clone(),
                        started_event_id,
                        decision_task_completed_event_id: completed,
                        identity: ids.worker.clone(),
                    }),
                    None => EventAttributes::CancelTimerFailed(CancelTimerFailedEventAttributes {
                        timer_id: c.timer_id.clone(),
                        cause: CAUSE_TIMER_ID_UNKNOWN.into(),
                        decision_task_completed_event_id: completed,
                        identity: ids.worker.clone(),
                    }),
                };
                self.append(now, attrs);
            }
            Decision::CompleteWorkflowExecution(c) => {
                self.append(
                    now,
                    EventAttributes::WorkflowExecutionCompleted(WorkflowExecutionCompletedEventAttributes {
                        result: c.result.clone(),
                        decision_task_completed_event_id: completed,
                    }),
                );
                self.status = WorkflowStatus::Completed(c.result.clone().unwrap_or_default());
            }
            Decision::RequestCancelActivityTask(r) => {
                // Measured on the v1.4.1 server: the request is written and the activity
                // goes on (an attempt in its retry backoff included); only its retries end.
                // An activity ID the server does not know is a decision of no code here.
                if let Some(a) = self.activities.values_mut().find(|a| a.activity_id == r.activity_id) {
                    a.cancel_requested = true;
                }
                self.append(
                    now,
                    EventAttributes::ActivityTaskCancelRequested(ActivityTaskCancelRequestedEventAttributes {
                        activity_id: r.activity_id.clone(),
                        decision_task_completed_event_id: completed,
                    }),
                );
            }
            // After a cancel request, the server closes a failing workflow as canceled.
            Decision::FailWorkflowExecution(f) if self.cancel_requested => {
                let details = f.failure.as_ref().map(|f| Payload::from_bytes(f.details.clone()));
                self.append(
                    now,
                    EventAttributes::WorkflowExecutionCanceled(WorkflowExecutionCanceledEventAttributes {
                        decision_task_completed_event_id: completed,
                        details: details.clone(),
                    }),
                );
                self.status = WorkflowStatus::Canceled(details.unwrap_or_default());
            }
            Decision::FailWorkflowExecution(f) => self.close_failed(now, completed, f.failure.clone()),
        }
    }

    /// The server's answer to a decision whose payload is over the limit: the
    /// workflow fails in its place, with the server's reason and words.
    fn fail_for_blob_size(&mut self, now: Timestamp, completed: i64, words: &str) {
        let failure = Failure { reason: super::limits::DECISION_BLOB_SIZE_EXCEEDS_LIMIT.into(), details: words.as_bytes().to_vec() };
        self.close_failed(now, completed, Some(failure));
    }

    /// Writes `WorkflowExecutionFailed` after the decision task `completed`, whether the
    /// code asked for it or the server wrote it in a decision's place.
    fn close_failed(&mut self, now: Timestamp, completed: i64, failure: Option<Failure>) {
        self.append(
            now,
            EventAttributes::WorkflowExecutionFailed(WorkflowExecutionFailedEventAttributes {
                failure: failure.clone(),
                decision_task_completed_event_id: completed,
            }),
        );
        self.status = WorkflowStatus::Failed(Box::new(failure.unwrap_or_default()));
    }

    /// A timer that fired while the decision ran, and that the decision cancels: the
    /// server deletes the buffered `TimerFired` and writes `TimerCanceled` instead.
    fn take_buffered_fire(&mut self, timer_id: &str) -> Option<i64> {
        let i = self.buffer.iter().position(|e| matches!(e, EventAttributes::TimerFired(f) if f.timer_id == timer_id))?;
        match self.buffer.remove(i) {
            EventAttributes::TimerFired(f) => Some(f.started_event_id),
            _ => None,
        }
    }

    /// After the dispatched `ActivityTaskStarted` events are in history, activities
    /// learn their started event IDs.
    pub(crate) fn settle_started_ids(&mut self) {
        for a in self.activities.values_mut() {
            if let AttemptState::Started { started_event_id: Some(id), .. } = &mut a.state
                && *id == TRANSIENT_EVENT_ID
            {
                *id = self.last_started.remove(&a.scheduled_event_id).unwrap_or(0);
            }
        }
    }

    /// The server closes the run on its own (a terminate, the workflow's timeout), in
    /// one batch: a decision task a worker has started is failed first, since its
    /// answer can no longer count, and the signals that waited for it are written;
    /// then the close event. A decision task only scheduled is dropped unwritten.
    fn force_close(&mut self, now: Timestamp, close: EventAttributes, status: WorkflowStatus) {
        self.begin_batch();
        if let Some(DecisionTaskState::Started { scheduled_event_id, started_event_id }) = self.decision {
            self.append(
                now,
                EventAttributes::DecisionTaskFailed(DecisionTaskFailedEventAttributes {
                    scheduled_event_id,
                    started_event_id,
                    cause: CAUSE_FORCE_CLOSE_DECISION.into(),
                    // A real server writes an empty failure here (`"failure": {}`).
                    failure: Some(Failure::default()),
                    identity: IDENTITY_HISTORY_SERVICE.into(),
                }),
            );
            self.flush_buffer(now);
        }
        self.append(now, close);
        self.status = status;
        self.close();
    }

    /// `TerminateWorkflowExecution`; the caller has checked the run is open.
    pub(crate) fn terminate(&mut self, now: Timestamp, reason: &str, identity: Str) {
        let close = EventAttributes::WorkflowExecutionTerminated(WorkflowExecutionTerminatedEventAttributes {
            reason: reason.into(),
            details: None,
            identity,
        });
        self.force_close(now, close, WorkflowStatus::Terminated(reason.into()));
    }

    /// `RequestCancelWorkflowExecution`; the caller has checked the run is open and
    /// not asked to cancel already. Written like a signal: at once, with a decision
    /// task for it, or after the decision task in flight.
    pub(crate) fn request_cancel(&mut self, now: Timestamp, cause: &str, ids: &mut Identities) {
        self.cancel_requested = true;
        let request_id = ids.uuid();
        let event = EventAttributes::WorkflowExecutionCancelRequested(WorkflowExecutionCancelRequestedEventAttributes {
            cause: cause.into(),
            identity: ids.client.clone(),
            request_id,
        });
        self.add_bufferable(now, [event], ids);
    }

    fn close(&mut self) {
        self.decision = None;
        self.activities.clear();
        self.timers.clear();
        self.buffer.clear();
        self.last_started.clear();
        // The worker drops a finished run from its cache.
        self.forget_run();
        self.history.shrink();
    }

    /// A retry attempt whose time has come starts (nothing is written).
    pub(crate) fn start_attempt(&mut self, now: Timestamp, scheduled_event_id: i64) {
        if let Some(a) = self.activities.get_mut(&scheduled_event_id) {
            a.state = AttemptState::Started { at: now, started_event_id: None };
        }
    }

    /// Runs the started attempt of an activity and records what the server would.
    pub(crate) fn finish_attempt(
        &mut self,
        now: Timestamp,
        scheduled_event_id: i64,
        registry: &Registry,
        ids: &Identities,
    ) -> Option<AttemptEnd> {
        // The activity leaves the pending set while its attempt runs; a retry puts it back.
        let a = self.activities.remove(&scheduled_event_id)?;
        let result = match registry.activity(&a.activity_type) {
            Some(def) => {
                let mut ctx = ActivityContext {
                    workflow_id: &self.workflow_id,
                    activity_id: &a.activity_id,
                    activity_type: &a.activity_type,
                    attempt: a.attempt,
                    rng: &mut self.rng,
                    logs: self.record.as_deref_mut().map(|r| &mut r.logs),
                    now,
                };
                (def.run)(&mut ctx, &a.input)
            }
            None => Err(Failure::generic(format!("unable to find activityType={}", a.activity_type))),
        };
        match result {
            Ok(payload) => {
                self.record_attempt(now, &a, "completed".into());
                let completed = AttemptResult::Completed(payload.clone());
                self.close_activity(
                    now,
                    &a,
                    |started| {
                        EventAttributes::ActivityTaskCompleted(ActivityTaskCompletedEventAttributes {
                            result: Some(payload),
                            scheduled_event_id,
                            started_event_id: started,
                            identity: ids.worker.clone(),
                        })
                    },
                    ids,
                );
                let maximum_attempts = a.maximum_attempts();
                Some(AttemptEnd { activity_type: a.activity_type, attempt: a.attempt, maximum_attempts, result: completed })
            }
            Err(failure) => Some(self.attempt_failed(now, a, failure, None, ids)),
        }
    }

    fn record_attempt(&mut self, now: Timestamp, a: &PendingActivity, outcome: String) {
        let Some(record) = &mut self.record else { return };
        let started_at = match a.state {
            AttemptState::Started { at, .. } => Some(at),
            AttemptState::Scheduled { .. } => None,
        };
        record.attempts.push(AttemptRecord {
            activity_id: a.activity_id.clone(),
            activity_type: a.activity_type.clone(),
            attempt: a.attempt,
            started_at,
            ended_at: now,
            outcome,
        });
    }

    /// An attempt failed or timed out: retry (writing nothing) or close the activity.
    /// `a` is no longer among the pending activities; a retry puts it back.
    fn attempt_failed(
        &mut self,
        now: Timestamp,
        mut a: PendingActivity,
        failure: Failure,
        timeout: Option<TimeoutType>,
        ids: &Identities,
    ) -> AttemptEnd {
        let what = match timeout {
            Some(t) => format!("timed out ({})", t.short_name()),
            None => format!("failed: {}", failure.details_text()),
        };
        self.record_attempt(now, &a, what.clone());
        if let AfterFailure::Retry { at } = a.after_failure(now, &failure)
            && !a.cancel_requested
        {
            let end = AttemptEnd {
                activity_type: a.activity_type.clone(),
                attempt: a.attempt,
                maximum_attempts: a.maximum_attempts(),
                result: AttemptResult::Ended { what, retry_in: Some(at.since(now)) },
            };
            a.attempt += 1;
            a.state = AttemptState::Scheduled { since: at };
            a.last_failure = Some(failure);
            self.activities.insert(a.scheduled_event_id, a);
            return end;
        }
        let scheduled_event_id = a.scheduled_event_id;
        let started_before = matches!(a.state, AttemptState::Started { .. });
        self.close_activity(
            now,
            &a,
            |started| match timeout {
                Some(timeout_type) => EventAttributes::ActivityTaskTimedOut(ActivityTaskTimedOutEventAttributes {
                    details: None,
                    scheduled_event_id,
                    started_event_id: if started_before { started } else { 0 },
                    timeout_type,
                    last_failure: a.last_failure.clone(),
                }),
                None => EventAttributes::ActivityTaskFailed(ActivityTaskFailedEventAttributes {
                    failure: Some(failure),
                    scheduled_event_id,
                    started_event_id: started,
                    identity: ids.worker.clone(),
                }),
            },
            ids,
        );
        let maximum_attempts = a.maximum_attempts();
        AttemptEnd {
            activity_type: a.activity_type,
            attempt: a.attempt,
            maximum_attempts,
            result: AttemptResult::Ended { what, retry_in: None },
        }
    }

    /// Writes an activity's close: for an activity with a retry policy, the last
    /// attempt's `ActivityTaskStarted` (with the previous failure) goes first, in the same batch.
    fn close_activity(&mut self, now: Timestamp, a: &PendingActivity, close: impl FnOnce(i64) -> EventAttributes, ids: &Identities) {
        let mut last_started = None;
        let started = match a.state {
            AttemptState::Started { started_event_id: Some(id), .. } => id,
            AttemptState::Started { started_event_id: None, .. } => {
                last_started = Some(EventAttributes::ActivityTaskStarted(ActivityTaskStartedEventAttributes {
                    scheduled_event_id: a.scheduled_event_id,
                    identity: ids.worker.clone(),
                    request_id: format!("{}-{}", a.scheduled_event_id, a.attempt).into(),
                    attempt: a.attempt,
                    last_failure: Some(a.last_failure.clone().unwrap_or_default()),
                }));
                TRANSIENT_EVENT_ID
            }
            AttemptState::Scheduled { .. } => 0,
        };
        let close = close(started);
        self.activities.remove(&a.scheduled_event_id);
        self.add_bufferable(now, last_started.into_iter().chain([close]), ids);
    }

    /// Fires whatever is due at `now`: timers, activity timeouts, the workflow timeout.
    /// Returns a line for each thing that happened.
    pub(crate) fn fire_due(&mut self, now: Timestamp, ids: &Identities) -> Vec<FiredKind> {
        let mut out = Vec::new();
        if !self.is_running() {
            return out;
        }
        if now >= self.start_time.plus(self.execution_timeout) {
            self.force_close(
                now,
                EventAttributes::WorkflowExecutionTimedOut(WorkflowExecutionTimedOutEventAttributes {
                    timeout_type: TimeoutType::StartToClose,
                }),
                WorkflowStatus::TimedOut,
            );
            out.push(FiredKind::WorkflowTimedOut);
            return out;
        }
        let due: Vec<PendingTimer> = self.timers.values().filter(|t| t.fire_at <= now).cloned().collect();
        for t in due {
            self.timers.remove(&t.timer_id);
            self.add_bufferable(
                now,
                [EventAttributes::TimerFired(TimerFiredEventAttributes {
                    timer_id: t.timer_id.clone(),
                    started_event_id: t.started_event_id,
                })],
                ids,
            );
            out.push(FiredKind::Timer(t.timer_id));
        }
        let timed_out: Vec<(i64, TimeoutType)> = self
            .activities
            .iter()
            .filter_map(|(id, a)| {
                let (at, t) = a.next_timeout();
                (at <= now).then_some((*id, t))
            })
            .collect();
        for (id, t) in timed_out {
            let Some(mut a) = self.activities.remove(&id) else { continue };
            if t == TimeoutType::ScheduleToClose {
                // No retry outlives the schedule-to-close timeout.
                a.retry_policy = None;
            }
            out.push(FiredKind::ActivityTimedOut(self.attempt_failed(now, a, timeout_failure(t), Some(t), ids)));
        }
        out
    }

    /// The earliest time at which `fire_due` has something to do.
    pub(crate) fn next_fire(&self) -> Option<Timestamp> {
        if !self.is_running() {
            return None;
        }
        let timers = self.timers.values().map(|t| t.fire_at);
        let timeouts = self.activities.values().map(|a| a.next_timeout().0);
        timers.chain(timeouts).chain([self.start_time.plus(self.execution_timeout)]).min()
    }

    /// The earliest time after `now` at which something changes: a fire, or a retry
    /// attempt becoming startable.
    pub(crate) fn next_wake(&self, now: Timestamp) -> Option<Timestamp> {
        let retries = self.activities.values().filter_map(|a| match a.state {
            AttemptState::Scheduled { since } if since > now && self.is_running() => Some(since),
            _ => None,
        });
        retries.chain(self.next_fire()).min()
    }
}
