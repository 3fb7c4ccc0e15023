//! How the events of one history point at each other: the IDs Cadence writes
//! (`scheduledEventId`, `startedEventId`, `decisionTaskCompletedEventId`) followed both
//! ways, and the two things history only shows by position: which events a decision
//! task handed to the workflow code, and which events the server buffered while a
//! decision task ran. Reads nothing but the events, so imported histories work too.

use crate::history::{EventAttributes, EventType, HistoryEvent};

/// The request ID the server gives a decision task it starts inside the transaction
/// that completed the previous one (the Go worker asks for it with
/// `returnNewDecisionTask`): the mark of a flush of buffered events.
pub(super) const FLUSH_REQUEST_ID: &str = "request-from-RespondDecisionTaskCompleted";

pub(super) struct Links<'h> {
    pub events: &'h [HistoryEvent],
}

impl<'h> Links<'h> {
    pub fn new(events: &'h [HistoryEvent]) -> Links<'h> {
        Links { events }
    }

    pub fn index(&self, event_id: i64) -> Option<usize> {
        // Histories number their events 1, 2, 3...; fall back to a search for any other.
        let guess = usize::try_from(event_id - 1).ok().filter(|&i| self.events.get(i).is_some_and(|e| e.event_id == event_id));
        guess.or_else(|| self.events.iter().position(|e| e.event_id == event_id))
    }

    pub fn get(&self, event_id: i64) -> Option<&'h HistoryEvent> {
        self.index(event_id).map(|i| &self.events[i])
    }

    pub fn after(&self, i: usize) -> Option<&'h HistoryEvent> {
        self.events.get(i + 1)
    }

    pub fn before(&self, i: usize) -> Option<&'h HistoryEvent> {
        i.checked_sub(1).map(|j| &self.events[j])
    }

    /// The first event after position `i` that satisfies `f`.
    pub fn next_where(&self, i: usize, f: impl Fn(&HistoryEvent) -> bool) -> Option<&'h HistoryEvent> {
        self.events.get(i + 1..)?.iter().find(|e| f(e))
    }

    /// The last event before position `i` that satisfies `f`.
    pub fn prev_where(&self, i: usize, f: impl Fn(&HistoryEvent) -> bool) -> Option<&'h HistoryEvent> {
        self.events[..i.min(self.events.len())].iter().rev().find(|e| f(e))
    }

    /// The `WorkflowExecutionCancelRequested` before position `i`: someone asked the
    /// workflow to cancel (a run is asked once).
    pub fn cancel_request(&self, i: usize) -> Option<&'h HistoryEvent> {
        self.prev_where(i, |p| p.event_type() == EventType::WorkflowExecutionCancelRequested)
    }

    /// The `ActivityTaskCancelRequested` of activity `activity_id` before position `i`:
    /// the code gave that activity up there.
    pub fn activity_cancel_request(&self, i: usize, activity_id: &str) -> Option<&'h HistoryEvent> {
        self.prev_where(i, |p| matches!(&p.attributes, EventAttributes::ActivityTaskCancelRequested(c) if c.activity_id == activity_id))
    }

    /// The `ActivityTaskStarted` and the closing event of the activity scheduled at `scheduled`.
    pub fn activity_started(&self, scheduled: i64) -> Option<&'h HistoryEvent> {
        self.events.iter().find(|e| matches!(&e.attributes, EventAttributes::ActivityTaskStarted(a) if a.scheduled_event_id == scheduled))
    }

    pub fn activity_closed(&self, scheduled: i64) -> Option<&'h HistoryEvent> {
        self.events.iter().find(|e| activity_scheduled_id(e) == Some(scheduled) && e.event_type().is_activity_close())
    }

    /// `TimerFired` or `TimerCanceled` of the timer started at `started`.
    pub fn timer_closed(&self, started: i64) -> Option<&'h HistoryEvent> {
        self.events.iter().find(|e| match &e.attributes {
            EventAttributes::TimerFired(t) => t.started_event_id == started,
            EventAttributes::TimerCanceled(t) => t.started_event_id == started,
            _ => false,
        })
    }

    /// The events whose `decisionTaskCompletedEventId` is `completed`: what its decisions wrote.
    pub fn decisions_of(&self, completed: i64) -> Vec<&'h HistoryEvent> {
        self.events.iter().filter(|e| decision_task_completed_id(e) == Some(completed)).collect()
    }

    /// The decision task (scheduled, started) events that a `DecisionTaskStarted`,
    /// `Completed`, `Failed` or `TimedOut` names.
    pub fn decision_scheduled_of(&self, e: &HistoryEvent) -> Option<i64> {
        match &e.attributes {
            EventAttributes::DecisionTaskStarted(d) => Some(d.scheduled_event_id),
            EventAttributes::DecisionTaskCompleted(d) => Some(d.scheduled_event_id),
            EventAttributes::DecisionTaskFailed(d) => Some(d.scheduled_event_id),
            EventAttributes::DecisionTaskTimedOut(d) => Some(d.scheduled_event_id),
            _ => None,
        }
    }

    /// The event that ended the decision task scheduled at `scheduled` (completed,
    /// failed or timed out), if it ended.
    pub fn decision_ended(&self, scheduled: i64) -> Option<&'h HistoryEvent> {
        self.events.iter().find(|e| {
            matches!(e.event_type(), EventType::DecisionTaskCompleted | EventType::DecisionTaskFailed | EventType::DecisionTaskTimedOut)
                && self.decision_scheduled_of(e) == Some(scheduled)
        })
    }

    pub fn decision_started(&self, scheduled: i64) -> Option<&'h HistoryEvent> {
        self.events.iter().find(|e| matches!(&e.attributes, EventAttributes::DecisionTaskStarted(d) if d.scheduled_event_id == scheduled))
    }

    /// What a decision task started at position `started` handed to the workflow code:
    /// the signals, timer firings and activity results since the last decision task
    /// that completed (the Go worker's decision batch, notes §2.3). The first task
    /// hands over the start itself.
    pub fn handled_by(&self, started: usize) -> Vec<&'h HistoryEvent> {
        let from = self.events[..started]
            .iter()
            .rposition(|e| {
                e.event_type() == EventType::DecisionTaskStarted
                    && self.after_index(e).is_some_and(|n| n.event_type() == EventType::DecisionTaskCompleted)
            })
            .map_or(0, |i| i + 1);
        self.events[from..started].iter().filter(|e| is_input(e.event_type())).collect()
    }

    fn after_index(&self, e: &HistoryEvent) -> Option<&'h HistoryEvent> {
        self.index(e.event_id).and_then(|i| self.after(i))
    }

    /// The decision task that handed the event at position `i` to the code: the first
    /// decision task started after it that did not fail or time out.
    pub fn handling_task(&self, i: usize) -> Option<&'h HistoryEvent> {
        let mut j = i + 1;
        while let Some(e) = self.events.get(j) {
            if e.event_type() == EventType::DecisionTaskStarted
                && !self.after(j).is_some_and(|n| matches!(n.event_type(), EventType::DecisionTaskFailed | EventType::DecisionTaskTimedOut))
            {
                return Some(e);
            }
            j += 1;
        }
        None
    }

    /// When the event at position `i` was held back while a decision task ran and
    /// written only after that task ended, the event that ended it
    /// (`DecisionTaskCompleted` or `DecisionTaskFailed`).
    ///
    /// The server writes buffered events after the task's own events, then schedules a
    /// new decision task and starts it in the same transaction for the worker that
    /// asked for it: that started event carries [`FLUSH_REQUEST_ID`].
    pub fn buffered_behind(&self, i: usize) -> Option<&'h HistoryEvent> {
        if !is_bufferable(self.events[i].event_type()) {
            return None;
        }
        let scheduled = self.next_where(i, |e| e.event_type() == EventType::DecisionTaskScheduled)?;
        let s = self.index(scheduled.event_id)?;
        // Everything between the event and that DecisionTaskScheduled must be buffered too.
        if !self.events[i..s].iter().all(|e| is_bufferable(e.event_type())) {
            return None;
        }
        let started = self.after(s)?;
        let flushed = matches!(&started.attributes, EventAttributes::DecisionTaskStarted(d) if d.request_id == FLUSH_REQUEST_ID);
        if !flushed {
            return None;
        }
        self.prev_where(i, |e| matches!(e.event_type(), EventType::DecisionTaskCompleted | EventType::DecisionTaskFailed))
    }
}

/// Events that wake the workflow code: a decision task hands them over.
pub(super) fn is_input(t: EventType) -> bool {
    use EventType::*;
    matches!(
        t,
        WorkflowExecutionStarted
            | WorkflowExecutionSignaled
            | WorkflowExecutionCancelRequested
            | TimerFired
            | ActivityTaskCompleted
            | ActivityTaskFailed
            | ActivityTaskTimedOut
            | ActivityTaskCanceled
    )
}

/// Events the server holds back while a decision task runs (notes §2.2 rule 3): all
/// but those a decision or the server's own close writes.
pub(super) fn is_bufferable(t: EventType) -> bool {
    use EventType::*;
    matches!(
        t,
        WorkflowExecutionSignaled
            | WorkflowExecutionCancelRequested
            | TimerFired
            | ActivityTaskStarted
            | ActivityTaskCompleted
            | ActivityTaskFailed
            | ActivityTaskTimedOut
            | ActivityTaskCanceled
    )
}

pub(super) fn activity_scheduled_id(e: &HistoryEvent) -> Option<i64> {
    match &e.attributes {
        EventAttributes::ActivityTaskStarted(a) => Some(a.scheduled_event_id),
        EventAttributes::ActivityTaskCompleted(a) => Some(a.scheduled_event_id),
        EventAttributes::ActivityTaskFailed(a) => Some(a.scheduled_event_id),
        EventAttributes::ActivityTaskTimedOut(a) => Some(a.scheduled_event_id),
        EventAttributes::ActivityTaskCanceled(a) => Some(a.scheduled_event_id),
        _ => None,
    }
}

pub(super) fn decision_task_completed_id(e: &HistoryEvent) -> Option<i64> {
    match &e.attributes {
        EventAttributes::ActivityTaskScheduled(a) => Some(a.decision_task_completed_event_id),
        EventAttributes::TimerStarted(a) => Some(a.decision_task_completed_event_id),
        EventAttributes::TimerCanceled(a) => Some(a.decision_task_completed_event_id),
        EventAttributes::CancelTimerFailed(a) => Some(a.decision_task_completed_event_id),
        EventAttributes::WorkflowExecutionCompleted(a) => Some(a.decision_task_completed_event_id),
        EventAttributes::WorkflowExecutionFailed(a) => Some(a.decision_task_completed_event_id),
        EventAttributes::ActivityTaskCancelRequested(a) => Some(a.decision_task_completed_event_id),
        EventAttributes::WorkflowExecutionCanceled(a) => Some(a.decision_task_completed_event_id),
        _ => None,
    }
}
