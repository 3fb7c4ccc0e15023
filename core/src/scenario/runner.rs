//! Plays a scenario on a session and checks its expectations. The session keeps the
//! whole timeline, so a front end can step through a played scenario afterwards.

use std::time::Duration;

use super::{Expectation, Scenario, Step};
use crate::history::{EventAttributes, EventType, HistoryEvent};
use crate::postal::Order;
use crate::session::{Action, DEFAULT_EXECUTION_TIMEOUT, Session};
use crate::time::parse_duration;

pub struct Outcome {
    pub session: Session,
    /// Each expectation that did not hold, naming its step ([`here`]).
    pub failures: Vec<String>,
    /// For each step of the scenario, the length of the session's timeline once it was
    /// played: step `i` added the entries `ends[i - 1]..ends[i]` (none, for an `expect`
    /// or a refused signal). A transcript groups the entries by step with it.
    pub ends: Vec<usize>,
    /// The refusals the scenario expected, by step index: what the server said. A
    /// refused action adds no timeline entry, so a transcript shows them from here.
    pub refusals: Vec<(usize, String)>,
}

impl Outcome {
    pub fn passed(&self) -> bool {
        self.failures.is_empty()
    }

    /// The refusals the scenario expected, placed on its timeline: each at the number
    /// of entries done when it was refused (the cursor that shows the state it met),
    /// in words that say what was tried, so a front end stepping through the scenario
    /// can show what no entry records.
    pub fn refused_on_timeline(&self, scenario: &Scenario) -> Vec<(usize, String)> {
        self.refusals
            .iter()
            .filter_map(|(i, words)| {
                let step = scenario.steps.get(*i)?;
                Some((self.ends[*i], format!("{}, {}: refused, as the scenario expects: {words}", here(*i, step), step.summary())))
            })
            .collect()
    }

    /// Why step `i` (from 0) of `scenario` failed, if it did.
    pub fn failure_of(&self, i: usize, step: &Step) -> Option<&str> {
        let here = here(i, step);
        self.failures.iter().find_map(|f| f.strip_prefix(&here)?.strip_prefix(": "))
    }
}

/// How a message names step `i` (from 0): "step 3 (expect)", numbered as the file's
/// steps are, not as the timeline's entries.
pub fn here(i: usize, step: &Step) -> String {
    format!("step {} ({})", i + 1, step.kind())
}

/// Plays every step; a failed expectation is recorded and the play goes on.
pub fn run(scenario: &Scenario) -> Outcome {
    let mut session = Session::new(scenario.config);
    session.auto_run = false;
    let mut failures = Vec::new();
    let mut ends = Vec::with_capacity(scenario.steps.len());
    let mut refusals = Vec::new();
    for (i, step) in scenario.steps.iter().enumerate() {
        match play_noting(&mut session, step) {
            Ok(Some(refused)) => refusals.push((i, refused)),
            Ok(None) => {}
            Err(why) => failures.push(format!("{}: {why}", here(i, step))),
        }
        ends.push(session.timeline().len());
    }
    Outcome { session, failures, ends, refusals }
}

/// Why a start input cannot be an order: the same words the engine gives a start.
fn postflow_input_check(input: &str) -> Result<(), String> {
    crate::postal::validate_order(Some(&crate::payload::Payload::from(input)))
}

/// Plays one step on a session; an expectation that does not hold is an error.
pub fn play(session: &mut Session, step: &Step) -> Result<(), String> {
    play_noting(session, step).map(|_| ())
}

/// [`play`], with the refusal an `error` key expected, when one came.
fn play_noting(session: &mut Session, step: &Step) -> Result<Option<String>, String> {
    match step {
        Step::Start { workflow_id, input, execution_timeout } => {
            let workflow_id = match workflow_id {
                Some(w) => w.clone(),
                // The order's id names the workflow, as in the workshop; an input that
                // is no order gets the engine's own word on what is wrong with it.
                None => match serde_json::from_str::<Order>(input) {
                    Ok(o) => o.id.to_string(),
                    Err(_) => {
                        postflow_input_check(input)?;
                        String::new()
                    }
                },
            };
            let execution_timeout = execution_timeout.as_deref().map(parse_duration).transpose()?.unwrap_or(DEFAULT_EXECUTION_TIMEOUT);
            session.apply(Action::Start { workflow_id, input: input.clone(), execution_timeout }).map(|()| None)
        }
        Step::Signal { name, input, error } => {
            expect_refusal(session.apply(Action::Signal { name: name.clone(), input: input.clone() }), error.as_deref())
        }
        Step::Terminate { reason, error } => {
            expect_refusal(session.apply(Action::Terminate { reason: reason.clone().unwrap_or_default() }), error.as_deref())
        }
        Step::Cancel { reason, error } => {
            expect_refusal(session.apply(Action::Cancel { reason: reason.clone().unwrap_or_default() }), error.as_deref())
        }
        Step::Query { name, expect, error } => {
            let result = session.apply(Action::Query { name: name.clone() });
            let answer = session.last_entry().map(|e| e.outcome.clone()).unwrap_or_default();
            match (result, expect) {
                (Ok(()), Some(want)) if error.is_none() => {
                    json_equal(&answer, want).map(|()| None).map_err(|e| format!("query answer: {e}"))
                }
                (result, _) => expect_refusal(result, error.as_deref()),
            }
        }
        Step::Step { count } => {
            // A count that runs past what the worker can do says how far it got, so the
            // author can shorten it or put the missing `advance` before it.
            let n = count.unwrap_or(1);
            for done in 0..n {
                session.apply(Action::Step).map_err(|why| {
                    let why = idle_because(session).map_or(why, |state| format!("nothing to step: {state}"));
                    if n > 1 { format!("{why} (after {done} of {n} steps)") } else { why }
                })?;
            }
            Ok(None)
        }
        Step::Run => session.apply(Action::Run).map(|()| None),
        Step::Advance { to: Some(to), .. } if to == "timers" => {
            // Every pending timer fires, each at its own time; nothing else moves the
            // clock further (a workflow timeout further on stays pending).
            let latest =
                session.workflow_id().and_then(|w| session.engine().execution(w)).and_then(|e| e.pending_timers().map(|t| t.fire_at).max());
            let by = latest.map_or(Duration::ZERO, |at| at.since(session.engine().now()));
            session.apply(Action::AdvanceBy { by }).map(|()| None)
        }
        Step::Advance { to: Some(_), .. } => session
            .apply(Action::AdvanceNext)
            .map(|()| None)
            .map_err(|why| idle_because(session).map_or(why, |state| format!("nothing is scheduled: {state}"))),
        Step::Advance { by, .. } => {
            session.apply(Action::AdvanceBy { by: by.as_deref().map(parse_duration).transpose()?.unwrap_or(Duration::ZERO) }).map(|()| None)
        }
        Step::Expect(e) => check(session, e).map(|()| None),
    }
}

/// Why neither the worker nor the clock has anything to act on, when the cause is the
/// workflow's state rather than a wait: none was started, or it has closed. The
/// session's own words ("the worker waits for the clock or a signal") send an author
/// looking for a signal that can no longer help.
fn idle_because(session: &Session) -> Option<String> {
    if session.workflow_id().is_none() {
        return Some("no workflow was started (a `start` step comes first)".into());
    }
    match status_of(session.history()) {
        "running" => None,
        closed => Some(format!(
            "the workflow has closed ({}), and a closed workflow gets no more decision tasks, activities or timers",
            closed.replace('_', " ")
        )),
    }
}

/// An action's result against the refusal its step expects; an expected refusal is
/// handed back, for the transcript.
fn expect_refusal(result: Result<(), String>, error: Option<&str>) -> Result<Option<String>, String> {
    match (result, error) {
        (Ok(()), None) => Ok(None),
        (Ok(()), Some(want)) => Err(format!("expected a refusal containing {want:?}, but it was accepted")),
        (Err(got), Some(want)) if got.contains(want) => Ok(Some(got)),
        (Err(got), _) => Err(format!("refused: {got}")),
    }
}

fn json_equal(actual: &str, expected: &str) -> Result<(), String> {
    let a: serde_json::Value = serde_json::from_str(actual.trim()).map_err(|e| format!("{actual:?} is not JSON: {e}"))?;
    let e: serde_json::Value =
        serde_json::from_str(expected.trim()).map_err(|err| format!("the expected value {expected:?} is not JSON: {err}"))?;
    if a == e { Ok(()) } else { Err(format!("got {a}, expected {e}")) }
}

/// The event part of an expectation, on any run of events (a whole history, or what
/// one action added): `events` appear in this order (a subsequence) and none of
/// `no_events` appears. Each problem names what is missing or which event is unwanted.
pub fn event_problems<S: AsRef<str>>(history: &[HistoryEvent], events: &[S], no_events: &[S]) -> Vec<String> {
    let mut problems = Vec::new();
    let mut rest = history.iter().map(|ev| ev.event_type().name());
    for want in events {
        if !rest.any(|t| t == want.as_ref()) {
            let order: Vec<&str> = events.iter().map(AsRef::as_ref).collect();
            problems.push(format!("history lacks {} (in the expected order {order:?})", want.as_ref()));
            break;
        }
    }
    for unwanted in no_events {
        if let Some(ev) = history.iter().find(|ev| ev.event_type().name() == unwanted.as_ref()) {
            problems.push(format!("history has {} (event {})", unwanted.as_ref(), ev.event_id));
        }
    }
    problems
}

fn check(session: &Session, e: &Expectation) -> Result<(), String> {
    let wid = session.workflow_id().ok_or("no workflow was started")?;
    let exec = session.engine().execution(wid).ok_or("the workflow is gone")?;
    check_history(e, exec.history(), Some(session.notifications()))
}

/// Checks an expectation against a history, from the simulator or from a real
/// server. `notifications` is how often the customer was notified, when the worker's
/// log is at hand (a real server's history does not say).
pub fn check_history(e: &Expectation, history: &[HistoryEvent], notifications: Option<usize>) -> Result<(), String> {
    let mut problems = Vec::new();
    let status = status_of(history);
    if let Some(want) = &e.status
        && status != want
    {
        problems.push(format!("status is {status}, expected {want}"));
    }
    let close = history.last().map(|ev| &ev.attributes);
    if let Some(want) = &e.result {
        match close {
            Some(EventAttributes::WorkflowExecutionCompleted(c)) => {
                if let Err(why) = json_equal(&c.result.clone().unwrap_or_default().to_text(), want) {
                    problems.push(format!("result: {why}"));
                }
            }
            _ => problems.push(format!("no result: the workflow is {status}")),
        }
    }
    if let Some(want) = &e.failure {
        match close {
            Some(EventAttributes::WorkflowExecutionFailed(f)) => {
                let got = f.failure.clone().unwrap_or_default().details_text();
                if got != *want {
                    problems.push(format!("failure is {got:?}, expected {want:?}"));
                }
            }
            _ => problems.push(format!("no failure: the workflow is {status}")),
        }
    }
    problems.extend(event_problems(history, &e.events, &e.no_events));
    if let (Some(want), Some(count)) = (e.notification_sent, notifications) {
        let sent = count > 0;
        if sent != want {
            // The workshop's code notifies by logging "Notification sent": say so, or
            // a participant who logs other words cannot see why they fail.
            problems.push(if want {
                "the customer was not notified: the workflow never logged \"Notification sent\"".to_owned()
            } else {
                format!("the customer was notified ({count} \"Notification sent\" in the workflow's log), where no notification was due")
            });
        }
    }
    if problems.is_empty() { Ok(()) } else { Err(problems.join("; ")) }
}

/// The workflow's status as its history shows it.
pub(crate) fn status_of(history: &[HistoryEvent]) -> &'static str {
    match history.last().map(HistoryEvent::event_type) {
        None => "not started",
        Some(EventType::WorkflowExecutionCompleted) => "completed",
        Some(EventType::WorkflowExecutionFailed) => "failed",
        Some(EventType::WorkflowExecutionTimedOut) => "timed_out",
        Some(EventType::WorkflowExecutionTerminated) => "terminated",
        Some(EventType::WorkflowExecutionCanceled) => "canceled",
        Some(_) => "running",
    }
}
