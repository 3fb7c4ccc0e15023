//! What a history shows, as the detectors compare it: its activities with their
//! attempts and outcomes, its timers with how they ended, its signals, its status.

use std::time::Duration;

use crate::history::{EventAttributes, HistoryEvent, RetryPolicy};
use crate::payload::Payload;

/// One activity as its history shows it.
#[derive(Clone, Debug)]
pub(crate) struct Activity {
    pub activity_type: String,
    pub input: String,
    pub retry_policy: Option<RetryPolicy>,
    pub timeouts: (Option<Duration>, Option<Duration>),
    /// The attempt of the `ActivityTaskStarted`, if written.
    pub attempt: Option<i32>,
    pub result: Option<Payload>,
    /// The failure's details as text.
    pub failure: Option<String>,
    /// The message and stack of a panic the worker recovered (reason
    /// `cadenceInternal:Panic`), as [`crate::sdk::panic_parts`] reads them (the whole
    /// details as the message when they do not read so).
    pub panic: Option<(String, String)>,
    /// How it timed out, with no attempt left.
    pub timed_out: Option<crate::history::TimeoutType>,
    /// Index in the history of the scheduled event.
    pub at: usize,
}

pub(crate) fn activities(h: &[HistoryEvent]) -> Vec<Activity> {
    let mut out: Vec<(i64, Activity)> = Vec::new();
    for (i, e) in h.iter().enumerate() {
        match &e.attributes {
            EventAttributes::ActivityTaskScheduled(a) => out.push((
                e.event_id,
                Activity {
                    activity_type: a.activity_type.name.to_string(),
                    input: a.input.as_ref().map(Payload::to_text).unwrap_or_default(),
                    retry_policy: a.retry_policy.clone(),
                    timeouts: (a.schedule_to_start_timeout, a.start_to_close_timeout),
                    attempt: None,
                    result: None,
                    failure: None,
                    panic: None,
                    timed_out: None,
                    at: i,
                },
            )),
            EventAttributes::ActivityTaskStarted(a) => {
                if let Some((_, act)) = out.iter_mut().find(|(s, _)| *s == a.scheduled_event_id) {
                    act.attempt = Some(a.attempt);
                }
            }
            EventAttributes::ActivityTaskCompleted(a) => {
                if let Some((_, act)) = out.iter_mut().find(|(s, _)| *s == a.scheduled_event_id) {
                    act.result = Some(a.result.clone().unwrap_or_default());
                }
            }
            EventAttributes::ActivityTaskFailed(a) => {
                if let Some((_, act)) = out.iter_mut().find(|(s, _)| *s == a.scheduled_event_id) {
                    let failure = a.failure.clone().unwrap_or_default();
                    act.failure = Some(failure.details_text());
                    act.panic = (failure.reason == crate::sdk::PANIC_REASON)
                        .then(|| crate::sdk::panic_parts(&failure).unwrap_or_else(|| (failure.details_text(), String::new())));
                }
            }
            EventAttributes::ActivityTaskTimedOut(a) => {
                if let Some((_, act)) = out.iter_mut().find(|(s, _)| *s == a.scheduled_event_id) {
                    act.timed_out = Some(a.timeout_type);
                }
            }
            _ => {}
        }
    }
    out.into_iter().map(|(_, a)| a).collect()
}

/// One timer as its history shows it.
#[derive(Clone, Debug)]
pub(super) struct Timer {
    pub id: String,
    pub after: Duration,
    pub started: usize,
    pub fired: Option<usize>,
    pub canceled: Option<usize>,
}

pub(super) fn timers(h: &[HistoryEvent]) -> Vec<Timer> {
    let mut out: Vec<Timer> = Vec::new();
    for (i, e) in h.iter().enumerate() {
        match &e.attributes {
            EventAttributes::TimerStarted(t) => out.push(Timer {
                id: t.timer_id.to_string(),
                after: t.start_to_fire_timeout.unwrap_or_default(),
                started: i,
                fired: None,
                canceled: None,
            }),
            EventAttributes::TimerFired(t) => {
                if let Some(x) = out.iter_mut().find(|x| x.id == t.timer_id) {
                    x.fired = Some(i);
                }
            }
            EventAttributes::TimerCanceled(t) => {
                if let Some(x) = out.iter_mut().find(|x| x.id == t.timer_id) {
                    x.canceled = Some(i);
                }
            }
            _ => {}
        }
    }
    out
}

/// Indexes of the signals of one name.
pub(super) fn signals(h: &[HistoryEvent], name: &str) -> Vec<usize> {
    h.iter()
        .enumerate()
        .filter(|(_, e)| matches!(&e.attributes, EventAttributes::WorkflowExecutionSignaled(s) if s.signal_name == name))
        .map(|(i, _)| i)
        .collect()
}

pub(super) fn status(h: &[HistoryEvent]) -> &'static str {
    crate::scenario::status_of(h)
}

pub(super) fn of_type<'a>(acts: &'a [Activity], name: &str) -> Vec<&'a Activity> {
    acts.iter().filter(|a| a.activity_type == name).collect()
}

pub(super) fn decision_failures(h: &[HistoryEvent]) -> Vec<String> {
    h.iter()
        .filter_map(|e| match &e.attributes {
            EventAttributes::DecisionTaskFailed(d) => Some(d.failure.clone().unwrap_or_default().details_text()),
            _ => None,
        })
        .collect()
}

/// What a decision task that failed because the worker does not know the workflow
/// type says ("unable to find workflow type: ... Supported types: [...]"), if one did.
pub fn unknown_workflow_type(h: &[HistoryEvent]) -> Option<String> {
    decision_failures(h).into_iter().find(|d| d.contains("unable to find workflow type"))
}

/// The names a worker's "unable to find ..." failure lists as registered
/// ("Supported types: [main.validatePayment, shipProduct]").
pub(super) fn supported_types(failure: &str) -> Vec<&str> {
    failure.split_once("Supported types: [").map_or_else(Vec::new, |(_, list)| {
        list.trim_end().trim_end_matches(']').split(',').map(str::trim).filter(|n| !n.is_empty()).collect()
    })
}

/// How many `name` signals a run's `unread` list says it left in their channel.
pub(super) fn unread_count(unread: &[(String, usize)], name: &str) -> usize {
    unread.iter().find(|(n, _)| n == name).map_or(0, |(_, k)| *k)
}

pub(super) fn completed_or_failed_before(h: &[HistoryEvent], i: usize) -> bool {
    h[..i.min(h.len())].iter().any(|e| e.event_type().is_workflow_close())
}

pub(super) fn start_attributes(h: &[HistoryEvent]) -> Option<&crate::history::WorkflowExecutionStartedEventAttributes> {
    h.iter().find_map(|e| match &e.attributes {
        EventAttributes::WorkflowExecutionStarted(a) => Some(&**a),
        _ => None,
    })
}
