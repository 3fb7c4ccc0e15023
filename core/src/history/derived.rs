//! What a history alone tells about its workflow, as Cadence Web reads it: the
//! activities and timers still open, the decision task in flight, the signals
//! received, and whether and how the workflow closed. It needs no engine and no
//! workflow code, so it works for any history: simulated, exported or fetched from
//! a real server. Views use it for imported histories; explanations for every history.

use std::time::Duration;

use super::{EventAttributes, HistoryEvent, RetryPolicy};
use crate::time::Timestamp;

/// An activity scheduled and not closed yet.
#[derive(Clone, Debug, PartialEq)]
pub struct OpenActivity {
    pub scheduled_event_id: i64,
    pub activity_id: String,
    pub activity_type: String,
    /// The `ActivityTaskStarted` event, if history has one (an activity with a retry
    /// policy gets it only when it closes).
    pub started_event_id: Option<i64>,
    pub retry_policy: Option<RetryPolicy>,
}

/// A timer started and neither fired nor canceled.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OpenTimer {
    pub timer_id: String,
    pub started_event_id: i64,
    pub fire_at: Timestamp,
}

/// The decision task the history leaves in flight.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OpenDecisionTask {
    Scheduled { scheduled_event_id: i64 },
    Started { scheduled_event_id: i64, started_event_id: i64 },
}

/// A signal as history recorded it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReceivedSignal {
    pub event_id: i64,
    pub name: String,
}

/// How the workflow closed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Closed {
    Completed,
    Failed,
    TimedOut,
    Terminated,
    Canceled,
}

impl Closed {
    pub fn name(self) -> &'static str {
        match self {
            Closed::Completed => "completed",
            Closed::Failed => "failed",
            Closed::TimedOut => "timed_out",
            Closed::Terminated => "terminated",
            Closed::Canceled => "canceled",
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Derived {
    pub open_activities: Vec<OpenActivity>,
    pub open_timers: Vec<OpenTimer>,
    pub decision_task: Option<OpenDecisionTask>,
    pub signals: Vec<ReceivedSignal>,
    /// `TimerFired` events, oldest first (timer ID, event ID).
    pub fired_timers: Vec<(String, i64)>,
    pub closed: Option<Closed>,
    /// When the workflow times out unless it closes first (start + execution timeout).
    pub timeout_at: Option<Timestamp>,
}

impl Derived {
    pub fn is_running(&self) -> bool {
        self.closed.is_none()
    }
}

/// Reads a history from its first event to its last.
pub fn derive(history: &[HistoryEvent]) -> Derived {
    let mut d = Derived::default();
    for e in history {
        match &e.attributes {
            EventAttributes::WorkflowExecutionStarted(a) => {
                d.timeout_at = a.execution_start_to_close_timeout.map(|t| e.event_time.plus(t));
            }
            EventAttributes::DecisionTaskScheduled(_) => {
                d.decision_task = Some(OpenDecisionTask::Scheduled { scheduled_event_id: e.event_id });
            }
            EventAttributes::DecisionTaskStarted(a) => {
                d.decision_task =
                    Some(OpenDecisionTask::Started { scheduled_event_id: a.scheduled_event_id, started_event_id: e.event_id });
            }
            EventAttributes::DecisionTaskCompleted(_)
            | EventAttributes::DecisionTaskFailed(_)
            | EventAttributes::DecisionTaskTimedOut(_) => {
                d.decision_task = None;
            }
            EventAttributes::ActivityTaskScheduled(a) => d.open_activities.push(OpenActivity {
                scheduled_event_id: e.event_id,
                activity_id: a.activity_id.to_string(),
                activity_type: a.activity_type.name.to_string(),
                started_event_id: None,
                retry_policy: a.retry_policy.clone(),
            }),
            EventAttributes::ActivityTaskStarted(a) => {
                if let Some(open) = d.open_activities.iter_mut().find(|o| o.scheduled_event_id == a.scheduled_event_id) {
                    open.started_event_id = Some(e.event_id);
                }
            }
            EventAttributes::ActivityTaskCompleted(a) => close_activity(&mut d, a.scheduled_event_id),
            EventAttributes::ActivityTaskFailed(a) => close_activity(&mut d, a.scheduled_event_id),
            EventAttributes::ActivityTaskTimedOut(a) => close_activity(&mut d, a.scheduled_event_id),
            EventAttributes::ActivityTaskCanceled(a) => close_activity(&mut d, a.scheduled_event_id),
            EventAttributes::ActivityTaskCancelRequested(_) | EventAttributes::WorkflowExecutionCancelRequested(_) => {}
            EventAttributes::TimerStarted(a) => d.open_timers.push(OpenTimer {
                timer_id: a.timer_id.to_string(),
                started_event_id: e.event_id,
                fire_at: e.event_time.plus(a.start_to_fire_timeout.unwrap_or(Duration::ZERO)),
            }),
            EventAttributes::TimerFired(a) => {
                d.open_timers.retain(|t| t.timer_id != a.timer_id);
                d.fired_timers.push((a.timer_id.to_string(), e.event_id));
            }
            EventAttributes::TimerCanceled(a) => d.open_timers.retain(|t| t.timer_id != a.timer_id),
            EventAttributes::CancelTimerFailed(_) => {}
            EventAttributes::WorkflowExecutionSignaled(a) => {
                d.signals.push(ReceivedSignal { event_id: e.event_id, name: a.signal_name.to_string() });
            }
            EventAttributes::WorkflowExecutionCompleted(_) => close(&mut d, Closed::Completed),
            EventAttributes::WorkflowExecutionFailed(_) => close(&mut d, Closed::Failed),
            EventAttributes::WorkflowExecutionTimedOut(_) => close(&mut d, Closed::TimedOut),
            EventAttributes::WorkflowExecutionTerminated(_) => close(&mut d, Closed::Terminated),
            EventAttributes::WorkflowExecutionCanceled(_) => close(&mut d, Closed::Canceled),
        }
    }
    d
}

fn close_activity(d: &mut Derived, scheduled_event_id: i64) {
    d.open_activities.retain(|o| o.scheduled_event_id != scheduled_event_id);
}

/// A closed workflow has nothing open: the server drops its pending work.
fn close(d: &mut Derived, how: Closed) {
    d.closed = Some(how);
    d.open_activities.clear();
    d.open_timers.clear();
    d.decision_task = None;
    d.timeout_at = None;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::{Action, Session, SessionConfig};

    fn started() -> Session {
        let mut s = Session::new(SessionConfig::default());
        s.perform(Session::workshop_start()).unwrap();
        s
    }

    #[test]
    fn a_new_order_has_its_payment_open_and_no_timer() {
        let s = started();
        let d = derive(s.history());
        assert_eq!(d.open_activities.len(), 1);
        assert_eq!(d.open_activities[0].activity_type, "validatePaymentComplete");
        assert_eq!(d.open_activities[0].started_event_id, None, "a retried activity's start is written when it closes");
        assert!(d.open_timers.is_empty());
        assert_eq!(d.decision_task, None);
        assert!(d.is_running());
        assert_eq!(d.timeout_at, Some(s.history()[0].event_time.plus(Duration::from_secs(600))));
    }

    #[test]
    fn the_history_shows_the_same_open_timer_as_the_engine() {
        let mut s = started();
        s.perform(Action::AdvanceNext).unwrap();
        s.perform(Action::AdvanceNext).unwrap();
        s.perform(Action::Signal { name: "ScanSignal".into(), input: Some(r#"{"location":"Delft"}"#.into()) }).unwrap();
        let d = derive(s.history());
        let engine: Vec<(String, Timestamp)> = s.pending_timers().into_iter().map(|t| (t.timer_id, t.fire_at)).collect();
        let derived: Vec<(String, Timestamp)> = d.open_timers.iter().map(|t| (t.timer_id.clone(), t.fire_at)).collect();
        assert_eq!(derived, engine);
        assert!(d.open_activities.is_empty());
        assert_eq!(d.signals.iter().map(|s| s.name.as_str()).collect::<Vec<_>>(), ["ScanSignal"]);
    }

    #[test]
    fn a_delivered_package_closes_everything() {
        let mut s = started();
        for a in [Action::AdvanceNext, Action::AdvanceNext, Action::AdvanceNext] {
            s.perform(a).unwrap();
        }
        s.perform(Action::Signal { name: "DeliveredSignal".into(), input: None }).unwrap();
        let d = derive(s.history());
        assert_eq!(d.closed, Some(Closed::Completed));
        assert_eq!(d.fired_timers.len(), 1, "the notification timer fired once");
        assert!(d.open_timers.is_empty() && d.open_activities.is_empty() && d.decision_task.is_none());
    }
}
