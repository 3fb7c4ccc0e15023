//! The Pending pane, worded once for both front ends: activities (with the one
//! attempt scheme), timers, the decision task in flight, signals Cadence holds that
//! the code has not read yet, and the workflow's execution timeout, which is pending
//! work too. A simulated session reads them from the engine; an imported history
//! from what the history alone tells ([`crate::history::derived`]), as Cadence Web does.

use std::time::Duration;

use super::Session;
use super::view::{PendingActivityRow, PendingTimerRow, UnreadSignalRow};
use crate::history::derived::{self, OpenDecisionTask};
use crate::time::{Timestamp, format_duration_short};

/// What a line of the Pending pane is about (front ends may style them apart).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PendingKind {
    Activity,
    Timer,
    Decision,
    Signal,
    Timeout,
}

impl PendingKind {
    /// A stable name, e.g. for a `data-kind` attribute.
    pub fn name(self) -> &'static str {
        match self {
            PendingKind::Activity => "activity",
            PendingKind::Timer => "timer",
            PendingKind::Decision => "decision",
            PendingKind::Signal => "signal",
            PendingKind::Timeout => "timeout",
        }
    }
}

/// One line of the Pending pane, with an optional second line of detail.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PendingItem {
    pub kind: PendingKind,
    pub text: String,
    pub detail: Option<String>,
}

fn item(kind: PendingKind, text: String, detail: Option<String>) -> PendingItem {
    PendingItem { kind, text, detail }
}

/// `03:02:00` of a timestamp: the time of day on the virtual clock.
fn clock(t: Timestamp) -> String {
    let s = t.to_rfc3339();
    s.get(11..19).unwrap_or(&s).to_owned()
}

/// The workflow's execution timeout as pending work.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Timeout {
    pub left: Duration,
    pub at: Timestamp,
    /// Nothing else is due before it: moving the clock to the next timer fires it.
    pub next_clock_move_fires_it: bool,
}

/// Everything pending, in the order the pane lists it. The same words for the
/// simulator, an imported history and (through the same rows) a real server.
pub fn pending_items(
    activities: &[PendingActivityRow],
    timers: &[PendingTimerRow],
    decision: Option<&str>,
    signals: &[UnreadSignalRow],
    timeout: Option<Timeout>,
) -> Vec<PendingItem> {
    let mut out = Vec::new();
    for a in activities {
        let state = match (a.running, a.next_attempt_in) {
            (true, _) => "running".to_owned(),
            (false, Some(d)) => format!("retry in {}", format_duration_short(d)),
            (false, None) => "due now, waiting for the worker".to_owned(),
        };
        out.push(item(
            PendingKind::Activity,
            format!("activity {} {}: {}, {state}", a.activity_id, a.activity_type, a.attempt_label()),
            a.last_failure.as_ref().map(|f| format!("last failure: {f}")),
        ));
    }
    for t in timers {
        out.push(item(
            PendingKind::Timer,
            format!("timer {}: fires in {} (at {})", t.timer_id, format_duration_short(t.fires_in), clock(t.fire_at)),
            None,
        ));
    }
    if let Some(d) = decision {
        out.push(item(PendingKind::Decision, d.to_owned(), None));
    }
    for s in signals {
        out.push(item(PendingKind::Signal, format!("signal {}", s.describe()), None));
    }
    if let Some(t) = timeout {
        let detail = t.next_clock_move_fires_it.then(|| "the next clock move (timer) fires it: the workflow will time out".to_owned());
        out.push(item(
            PendingKind::Timeout,
            format!("workflow timeout: in {} (at {})", format_duration_short(t.left), clock(t.at)),
            detail,
        ));
    }
    out
}

impl Session {
    /// The Pending pane at the cursor.
    pub fn pending(&self) -> Vec<PendingItem> {
        let history = self.history();
        let d = derived::derive(history);
        if self.is_imported() {
            if !d.is_running() {
                return Vec::new();
            }
            // An imported history has no clock beyond its last event.
            let now = history.last().map(|e| e.event_time).unwrap_or_default();
            let activities: Vec<PendingActivityRow> = d
                .open_activities
                .iter()
                .map(|a| PendingActivityRow {
                    activity_id: a.activity_id.clone(),
                    activity_type: a.activity_type.clone(),
                    // Retries write nothing until the activity closes: the history only
                    // knows that the activity is open, not which attempt runs.
                    attempt: 0,
                    maximum_attempts: a.retry_policy.as_ref().map_or(0, |r| r.maximum_attempts),
                    running: a.started_event_id.is_some(),
                    next_attempt_in: None,
                    last_failure: None,
                })
                .collect();
            let timers: Vec<PendingTimerRow> = d
                .open_timers
                .iter()
                .map(|t| PendingTimerRow { timer_id: t.timer_id.clone(), fires_in: t.fire_at.since(now), fire_at: t.fire_at })
                .collect();
            let decision = d.decision_task.map(|t| match t {
                OpenDecisionTask::Scheduled { scheduled_event_id } => format!("decision task scheduled (event {scheduled_event_id})"),
                OpenDecisionTask::Started { started_event_id, .. } => {
                    format!("decision task started (event {started_event_id}), worker running the code")
                }
            });
            let timeout = d.timeout_at.map(|at| Timeout { left: at.since(now), at, next_clock_move_fires_it: false });
            return pending_items(&activities, &timers, decision.as_deref(), &self.unread_signals(), timeout);
        }
        let timeout = match (d.is_running(), d.timeout_at) {
            (true, Some(at)) if self.workflow_id().is_some() => Some(Timeout {
                left: at.since(self.engine().now()),
                at,
                next_clock_move_fires_it: self.engine().next_due().is_some_and(|due| due >= at),
            }),
            _ => None,
        };
        pending_items(
            &self.pending_activities(),
            &self.pending_timers(),
            self.pending_decision().as_deref(),
            &self.unread_signals(),
            timeout,
        )
    }
}
