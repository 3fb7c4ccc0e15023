//! Reading a packed history as replay reads it: event by event, only the fields
//! replay matches and delivers, borrowed from the dictionary where they can be, the
//! rest jumped over by the record's length.

use super::wire::{Pack, Reader};
use super::{Head, PackError};
use crate::history::replay::{ReplayAttributes, ReplayEvent};
use crate::history::{EventType, TaskListKind, TimeoutType};
use crate::payload::{Failure, Payload};
use crate::text::Str;
use crate::time::Timestamp;

/// A packed history's events as replay reads them, one at a time
/// ([`PackedHistory::replay_events`](super::PackedHistory::replay_events)). Each event borrows from the reader's buffer, so
/// it lasts until the next is read. Ends after the first error.
pub struct ReplayEvents<'a> {
    pub(super) r: Reader<'a>,
    pub(super) index: i64,
    pub(super) len: i64,
    pub(super) time: i64,
    pub(super) slot: Slot,
}

/// The values of the event being read that a [`ReplayEvent`] borrows, when they are
/// not dictionary entries.
#[derive(Default)]
pub(super) struct Slot {
    strings: [Str; 2],
    payload: Option<Payload>,
    failure: Option<Failure>,
}

impl ReplayEvents<'_> {
    /// The next event, or `None` after the last (or after an error).
    pub fn next_event(&mut self) -> Option<Result<ReplayEvent<'_>, PackError>> {
        if self.index >= self.len {
            return None;
        }
        let event = Head::read(&mut self.r, self.index, &mut self.time).and_then(|head| {
            let end = self.r.attributes_end()?;
            let attributes = replay_attributes(head.event_type, &mut self.r, end, &mut self.slot)?;
            Ok(ReplayEvent { event_id: head.event_id, event_time: Timestamp(self.time), attributes })
        });
        self.index = if event.is_ok() { self.index + 1 } else { self.len };
        Some(event)
    }

    /// The type of the event `next_event` gives, without reading it.
    pub fn peek_type(&self) -> Result<Option<EventType>, PackError> {
        if self.index >= self.len {
            return Ok(None);
        }
        let mut r = self.r.clone();
        Head::read_type(&mut r).map(|(_, t)| Some(t))
    }
}

/// Reads what replay needs of an event's attributes and jumps over the rest: the
/// fields it reads come first in `pack_fields!` (below), and the record ends at `end`.
/// Dictionary entries are borrowed from the dictionary; only what is not one is
/// decoded into `slot`.
fn replay_attributes<'a: 's, 's>(
    t: EventType,
    r: &mut Reader<'a>,
    end: usize,
    slot: &'s mut Slot,
) -> Result<ReplayAttributes<'s>, PackError> {
    type A<'s> = ReplayAttributes<'s>;
    let [first, second] = &mut slot.strings;
    let attributes = match t {
        EventType::WorkflowExecutionStarted => {
            let workflow_type = r.str_in(first)?;
            let task_list = r.str_in(second)?;
            TaskListKind::unpack(r)?;
            A::WorkflowExecutionStarted { workflow_type, task_list, input: r.payload_in(&mut slot.payload)? }
        }
        EventType::ActivityTaskScheduled => A::ActivityTaskScheduled { activity_id: r.str_in(first)?, activity_type: r.str_in(second)? },
        EventType::ActivityTaskCompleted => {
            let result = r.payload_in(&mut slot.payload)?;
            A::ActivityTaskCompleted { scheduled_event_id: i64::unpack(r)?, result }
        }
        EventType::ActivityTaskFailed => {
            slot.failure = Option::<Failure>::unpack(r)?;
            A::ActivityTaskFailed { scheduled_event_id: i64::unpack(r)?, failure: slot.failure.as_ref() }
        }
        EventType::ActivityTaskTimedOut => {
            Option::<Payload>::unpack(r)?; // details
            let scheduled_event_id = i64::unpack(r)?;
            i64::unpack(r)?; // started_event_id
            let timeout_type = TimeoutType::unpack(r)?;
            slot.failure = Option::<Failure>::unpack(r)?;
            A::ActivityTaskTimedOut { scheduled_event_id, timeout_type, last_failure: slot.failure.as_ref() }
        }
        EventType::TimerStarted => A::TimerStarted { timer_id: r.str_in(first)? },
        EventType::TimerFired => A::TimerFired { timer_id: r.str_in(first)?, started_event_id: i64::unpack(r)? },
        EventType::TimerCanceled => A::TimerCanceled { timer_id: r.str_in(first)?, started_event_id: i64::unpack(r)? },
        EventType::CancelTimerFailed => A::CancelTimerFailed { timer_id: r.str_in(first)? },
        EventType::ActivityTaskCancelRequested => A::ActivityTaskCancelRequested { activity_id: r.str_in(first)? },
        EventType::ActivityTaskCanceled => {
            Option::<Payload>::unpack(r)?; // details
            i64::unpack(r)?; // latest_cancel_requested_event_id
            A::ActivityTaskCanceled { scheduled_event_id: i64::unpack(r)? }
        }
        EventType::WorkflowExecutionSignaled => {
            A::WorkflowExecutionSignaled { signal_name: r.str_in(first)?, input: r.payload_in(&mut slot.payload)? }
        }
        EventType::WorkflowExecutionFailed => {
            slot.failure = Option::<Failure>::unpack(r)?;
            A::WorkflowExecutionFailed { failure: slot.failure.as_ref() }
        }
        EventType::DecisionTaskScheduled
        | EventType::DecisionTaskStarted
        | EventType::DecisionTaskCompleted
        | EventType::DecisionTaskTimedOut
        | EventType::DecisionTaskFailed
        | EventType::ActivityTaskStarted
        | EventType::WorkflowExecutionCompleted
        | EventType::WorkflowExecutionTimedOut
        | EventType::WorkflowExecutionTerminated
        | EventType::WorkflowExecutionCancelRequested
        | EventType::WorkflowExecutionCanceled => A::Other(t),
    };
    r.jump_to(end)?;
    Ok(attributes)
}
