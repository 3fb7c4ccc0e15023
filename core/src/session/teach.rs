//! What the teaching views ask of a session: an event's explanation with the line of
//! the session's workflow code behind it, and where that code is blocked right now
//! (the `__stack_trace` answer). The words come from [`crate::workshop::explain`](mod@crate::workshop::explain);
//! this file only adds what needs the code.

use super::Session;
use crate::history::{EventAttributes, EventType, HistoryEvent};
use crate::registry::WorkflowDefinition;
use crate::runtime::{CommandKind, QUERY_STACK_TRACE, RuntimeError, WorkflowRuntime};
use crate::workshop::{Explanation, explain};

impl Session {
    /// The workflow code this session runs (or replays, for an imported history).
    fn definition(&self) -> Option<&WorkflowDefinition> {
        self.imported_definition().or_else(|| self.engine().registry().workflow(self.workflow_type()))
    }

    /// The explanation of an event of the history at the cursor, with the line of
    /// workflow code that asked for it. For an imported history that the code could
    /// not have written, the event where replay stops says so.
    pub fn explain(&self, event_id: i64) -> Option<Explanation> {
        let history = self.history();
        let mut x = explain(history, event_id)?;
        let Some(definition) = self.definition() else { return Some(x) };
        match WorkflowRuntime::replay_with_code_lines(definition, "explain", crate::postal::DOMAIN, history) {
            Ok(rt) => {
                if let Some((kind, id)) = command_of(history, event_id) {
                    x.code = rt.code_line(kind, &id);
                }
                x.note = unread_note(&rt, definition, history, event_id);
            }
            Err(err) => x.note = Some(replay_note(&err, event_id, &definition.name)),
        }
        Some(x)
    }

    /// Where the workflow code is blocked at the cursor, in the code's own terms: the
    /// answer to Cadence's `__stack_trace` query, as a worker gives it.
    pub fn stack_trace(&self) -> String {
        let trace = self.code_waits();
        // A workflow the server closed (terminated, timed out) never returned: a replay
        // finds its code where it waited, and that must not read as if it still waits.
        let closed_by_server = match self.history().last().map(HistoryEvent::event_type) {
            Some(EventType::WorkflowExecutionTerminated) => Some("was terminated"),
            Some(EventType::WorkflowExecutionTimedOut) => Some("timed out"),
            _ => None,
        };
        match (closed_by_server, trace) {
            (Some(how), Some(trace)) => format!("the workflow {how} while its code waited here; none of it runs any more\n\n{trace}"),
            (Some(how), None) => format!("the workflow {how} before its code ever ran; none of it will run"),
            (None, trace) => trace.unwrap_or_else(|| "the workflow code has not run yet".to_owned()),
        }
    }

    /// Where the code waits, or `None` when it has not run.
    fn code_waits(&self) -> Option<String> {
        if self.is_imported() {
            let definition = self.definition()?;
            return match WorkflowRuntime::replay_for_query(definition, "imported", crate::postal::DOMAIN, self.history()) {
                Ok(rt) if rt.query(QUERY_STACK_TRACE).is_ok() => Some(rt.stack_trace()),
                Ok(_) => None,
                Err(e) => Some(e.to_string()),
            };
        }
        // Refused (`QueryError::NotReady`) until a decision task has run the code.
        let p = self.engine().query(self.workflow_id()?, QUERY_STACK_TRACE).ok()?;
        Some(p.decode::<String>().unwrap_or_else(|e| e.to_string()))
    }
}

/// The command behind an event, as the code's line is keyed: an activity's events
/// (its cancel request too) point at its `execute_activity`, a timer's at its
/// `new_timer`, a cancel at `cancel`.
fn command_of(history: &[HistoryEvent], event_id: i64) -> Option<(CommandKind, String)> {
    let e = history.iter().find(|e| e.event_id == event_id)?;
    let activity = |scheduled: i64| {
        history.iter().find(|s| s.event_id == scheduled).and_then(|s| match &s.attributes {
            EventAttributes::ActivityTaskScheduled(a) => Some((CommandKind::ScheduleActivity, a.activity_id.to_string())),
            _ => None,
        })
    };
    match &e.attributes {
        EventAttributes::ActivityTaskScheduled(a) => Some((CommandKind::ScheduleActivity, a.activity_id.to_string())),
        EventAttributes::ActivityTaskStarted(a) => activity(a.scheduled_event_id),
        EventAttributes::ActivityTaskCompleted(a) => activity(a.scheduled_event_id),
        EventAttributes::ActivityTaskFailed(a) => activity(a.scheduled_event_id),
        EventAttributes::ActivityTaskTimedOut(a) => activity(a.scheduled_event_id),
        EventAttributes::ActivityTaskCanceled(a) => activity(a.scheduled_event_id),
        EventAttributes::ActivityTaskCancelRequested(a) => Some((CommandKind::ScheduleActivity, a.activity_id.to_string())),
        EventAttributes::TimerStarted(t) => Some((CommandKind::StartTimer, t.timer_id.to_string())),
        EventAttributes::TimerFired(t) => Some((CommandKind::StartTimer, t.timer_id.to_string())),
        EventAttributes::TimerCanceled(t) => Some((CommandKind::CancelTimer, t.timer_id.to_string())),
        _ => None,
    }
}

/// For a signal: whether its channel still holds values the code has not read, and
/// why: the code has not got to them yet, no code reads that channel, or the workflow
/// closed first (then nobody ever will).
fn unread_note(rt: &WorkflowRuntime, definition: &WorkflowDefinition, history: &[HistoryEvent], event_id: i64) -> Option<String> {
    let e = history.iter().find(|e| e.event_id == event_id)?;
    let EventAttributes::WorkflowExecutionSignaled(s) = &e.attributes else { return None };
    let name = &s.signal_name;
    let waiting = rt.unread_signals().into_iter().find(|(n, _)| *n == name.as_str()).map_or(0, |(_, v)| v.len());
    let closed = history.last().is_some_and(|e| e.event_type().is_workflow_close());
    let (values, wait, them) =
        if waiting == 1 { (format!("1 {name} value"), "waits", "it") } else { (format!("{waiting} {name} values"), "wait", "them") };
    Some(match waiting {
        0 => format!("By now the code has read every {name} signal."),
        _ if closed => format!("The workflow closed with {values} unread: its code never got to {them}."),
        _ if !definition.signals.contains(&name.as_str()) => {
            format!("{values} {wait} in the channel, and nothing in this code reads it.")
        }
        _ => format!("By now {values} {wait} unread in the channel: the code has not got to {them}."),
    })
}

fn replay_note(err: &RuntimeError, event_id: i64, workflow: &str) -> String {
    match err {
        RuntimeError::Nondeterminism(n) if n.event_id == Some(event_id) => format!(
            "Replaying this history through the {workflow} code fails right here: {n}. A worker with this code would \
             fail every decision task of this workflow (nondeterminism) until the code matches the history again."
        ),
        RuntimeError::Nondeterminism(n) => {
            format!("This history does not replay through the {workflow} code: it stops at event {} ({n}).", n.event_id.unwrap_or(0))
        }
        other => format!("This history does not replay through the {workflow} code: {other}."),
    }
}
