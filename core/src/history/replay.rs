//! What a replay reads of a history event.
//!
//! The runtime matches command events against the code's decisions (by activity ID
//! and type, timer ID), delivers results, failures and signals into the code, and
//! reads the time of each decision task. Everything else an event carries
//! (identities, request IDs, task lists, activity inputs, timeouts) is there for
//! people and for the server. A worker replaying a packed history after a cache miss
//! decodes only this, straight from the packed bytes (`PackedHistory::replay_events`);
//! a live history is read through the same shape, so both replay by one code path.
//! The shape borrows what it shows (from the history, or from the packed decoder's
//! one-event buffer): reading an event copies nothing the runtime does not keep.

use crate::history::{EventAttributes, EventType, HistoryEvent, TimeoutType};
use crate::payload::{Failure, Payload};
use crate::text::Str;
use crate::time::Timestamp;

/// A history event as replay sees it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ReplayEvent<'a> {
    pub event_id: i64,
    pub event_time: Timestamp,
    pub attributes: ReplayAttributes<'a>,
}

/// The attributes replay reads, per event type.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum ReplayAttributes<'a> {
    WorkflowExecutionStarted {
        workflow_type: &'a Str,
        task_list: &'a Str,
        input: Option<&'a Payload>,
    },
    ActivityTaskScheduled {
        activity_id: &'a Str,
        activity_type: &'a Str,
    },
    ActivityTaskCompleted {
        scheduled_event_id: i64,
        result: Option<&'a Payload>,
    },
    ActivityTaskFailed {
        scheduled_event_id: i64,
        failure: Option<&'a Failure>,
    },
    ActivityTaskTimedOut {
        scheduled_event_id: i64,
        timeout_type: TimeoutType,
        last_failure: Option<&'a Failure>,
    },
    TimerStarted {
        timer_id: &'a Str,
    },
    TimerFired {
        timer_id: &'a Str,
        started_event_id: i64,
    },
    TimerCanceled {
        timer_id: &'a Str,
        started_event_id: i64,
    },
    CancelTimerFailed {
        timer_id: &'a Str,
    },
    ActivityTaskCancelRequested {
        activity_id: &'a Str,
    },
    ActivityTaskCanceled {
        scheduled_event_id: i64,
    },
    WorkflowExecutionSignaled {
        signal_name: &'a Str,
        input: Option<&'a Payload>,
    },
    /// Its reason tells a failure the server wrote in a decision's place from one the
    /// code asked for.
    WorkflowExecutionFailed {
        failure: Option<&'a Failure>,
    },
    /// An event replay knows by its type alone (decision task events, an activity
    /// task's start, the workflow's close).
    Other(EventType),
}

impl ReplayEvent<'_> {
    pub fn event_type(&self) -> EventType {
        self.attributes.event_type()
    }

    /// The event as a nondeterminism error names it: its type, with the activity ID and
    /// type or the timer ID that the code's decision is matched by.
    pub fn describe(&self) -> String {
        let name = self.event_type().name();
        match &self.attributes {
            ReplayAttributes::ActivityTaskScheduled { activity_id, activity_type } => {
                format!("{name} (activityId={activity_id}, type={activity_type})")
            }
            ReplayAttributes::TimerStarted { timer_id }
            | ReplayAttributes::TimerFired { timer_id, .. }
            | ReplayAttributes::TimerCanceled { timer_id, .. }
            | ReplayAttributes::CancelTimerFailed { timer_id } => format!("{name} (timerId={timer_id})"),
            _ => name.to_owned(),
        }
    }
}

impl ReplayAttributes<'_> {
    pub fn event_type(&self) -> EventType {
        match self {
            ReplayAttributes::WorkflowExecutionStarted { .. } => EventType::WorkflowExecutionStarted,
            ReplayAttributes::ActivityTaskScheduled { .. } => EventType::ActivityTaskScheduled,
            ReplayAttributes::ActivityTaskCompleted { .. } => EventType::ActivityTaskCompleted,
            ReplayAttributes::ActivityTaskFailed { .. } => EventType::ActivityTaskFailed,
            ReplayAttributes::ActivityTaskTimedOut { .. } => EventType::ActivityTaskTimedOut,
            ReplayAttributes::TimerStarted { .. } => EventType::TimerStarted,
            ReplayAttributes::TimerFired { .. } => EventType::TimerFired,
            ReplayAttributes::TimerCanceled { .. } => EventType::TimerCanceled,
            ReplayAttributes::CancelTimerFailed { .. } => EventType::CancelTimerFailed,
            ReplayAttributes::ActivityTaskCancelRequested { .. } => EventType::ActivityTaskCancelRequested,
            ReplayAttributes::ActivityTaskCanceled { .. } => EventType::ActivityTaskCanceled,
            ReplayAttributes::WorkflowExecutionSignaled { .. } => EventType::WorkflowExecutionSignaled,
            ReplayAttributes::WorkflowExecutionFailed { .. } => EventType::WorkflowExecutionFailed,
            ReplayAttributes::Other(t) => *t,
        }
    }
}

impl<'a> From<&'a EventAttributes> for ReplayAttributes<'a> {
    #[inline]
    fn from(a: &'a EventAttributes) -> ReplayAttributes<'a> {
        match a {
            EventAttributes::WorkflowExecutionStarted(a) => ReplayAttributes::WorkflowExecutionStarted {
                workflow_type: &a.workflow_type.name,
                task_list: &a.task_list.name,
                input: a.input.as_ref(),
            },
            EventAttributes::ActivityTaskScheduled(a) => {
                ReplayAttributes::ActivityTaskScheduled { activity_id: &a.activity_id, activity_type: &a.activity_type.name }
            }
            EventAttributes::ActivityTaskCompleted(a) => {
                ReplayAttributes::ActivityTaskCompleted { scheduled_event_id: a.scheduled_event_id, result: a.result.as_ref() }
            }
            EventAttributes::ActivityTaskFailed(a) => {
                ReplayAttributes::ActivityTaskFailed { scheduled_event_id: a.scheduled_event_id, failure: a.failure.as_ref() }
            }
            EventAttributes::ActivityTaskTimedOut(a) => ReplayAttributes::ActivityTaskTimedOut {
                scheduled_event_id: a.scheduled_event_id,
                timeout_type: a.timeout_type,
                last_failure: a.last_failure.as_ref(),
            },
            EventAttributes::TimerStarted(a) => ReplayAttributes::TimerStarted { timer_id: &a.timer_id },
            EventAttributes::TimerFired(a) => ReplayAttributes::TimerFired { timer_id: &a.timer_id, started_event_id: a.started_event_id },
            EventAttributes::TimerCanceled(a) => {
                ReplayAttributes::TimerCanceled { timer_id: &a.timer_id, started_event_id: a.started_event_id }
            }
            EventAttributes::CancelTimerFailed(a) => ReplayAttributes::CancelTimerFailed { timer_id: &a.timer_id },
            EventAttributes::ActivityTaskCancelRequested(a) => {
                ReplayAttributes::ActivityTaskCancelRequested { activity_id: &a.activity_id }
            }
            EventAttributes::ActivityTaskCanceled(a) => ReplayAttributes::ActivityTaskCanceled { scheduled_event_id: a.scheduled_event_id },
            EventAttributes::WorkflowExecutionSignaled(a) => {
                ReplayAttributes::WorkflowExecutionSignaled { signal_name: &a.signal_name, input: a.input.as_ref() }
            }
            EventAttributes::WorkflowExecutionFailed(a) => ReplayAttributes::WorkflowExecutionFailed { failure: a.failure.as_ref() },
            EventAttributes::DecisionTaskScheduled(_)
            | EventAttributes::DecisionTaskStarted(_)
            | EventAttributes::DecisionTaskCompleted(_)
            | EventAttributes::DecisionTaskFailed(_)
            | EventAttributes::DecisionTaskTimedOut(_)
            | EventAttributes::ActivityTaskStarted(_)
            | EventAttributes::WorkflowExecutionCompleted(_)
            | EventAttributes::WorkflowExecutionTimedOut(_)
            | EventAttributes::WorkflowExecutionTerminated(_)
            | EventAttributes::WorkflowExecutionCancelRequested(_)
            | EventAttributes::WorkflowExecutionCanceled(_) => ReplayAttributes::Other(a.event_type()),
        }
    }
}

impl<'a> From<&'a HistoryEvent> for ReplayEvent<'a> {
    #[inline]
    fn from(e: &'a HistoryEvent) -> ReplayEvent<'a> {
        ReplayEvent { event_id: e.event_id, event_time: e.event_time, attributes: ReplayAttributes::from(&e.attributes) }
    }
}
