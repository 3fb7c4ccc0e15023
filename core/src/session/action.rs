//! Session actions: everything a person (or a scenario) can do to the simulation.
//! The timeline records primitive actions only (a "run" is recorded as the steps it
//! took), so replaying a timeline's actions always rebuilds the same state.

use std::time::Duration;

use serde_json::{Value, json};

use crate::history::table;
use crate::keys::{Keys, type_name};
use crate::time::{format_duration, parse_duration};

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Action {
    /// Start an order workflow (`cadence wf start`).
    Start { workflow_id: String, input: String, execution_timeout: Duration },
    /// Send a signal (`cadence wf signal`).
    Signal { name: String, input: Option<String> },
    /// Run a query (`cadence wf query`); changes nothing.
    Query { name: String },
    /// Close the workflow without asking its code (`cadence wf terminate`).
    Terminate { reason: String },
    /// Ask the workflow's code to stop (`cadence wf cancel`).
    Cancel { reason: String },
    /// One step of the worker.
    Step,
    /// Steps until nothing can happen without the clock or a signal (recorded as steps).
    Run,
    /// Move the clock to the next due timer, retry or timeout.
    AdvanceNext,
    /// Move the clock by a duration.
    AdvanceBy { by: Duration },
}

impl Action {
    /// Actions that come from outside the worker: after them, a session in auto-run
    /// mode lets the worker run.
    pub fn is_external(&self) -> bool {
        matches!(
            self,
            Action::Start { .. }
                | Action::Signal { .. }
                | Action::Terminate { .. }
                | Action::Cancel { .. }
                | Action::AdvanceNext
                | Action::AdvanceBy { .. }
        )
    }

    pub fn label(&self) -> String {
        match self {
            Action::Start { workflow_id, .. } => format!("start {workflow_id}"),
            // A megabyte scan is a label's start and end, as `wf show` shows a field.
            Action::Signal { name, input: Some(i) } => format!("signal {name} {}", table::trimmed(i, table::MAX_FIELD_LENGTH)),
            Action::Signal { name, input: None } => format!("signal {name}"),
            Action::Query { name } => format!("query {name}"),
            Action::Terminate { reason } if reason.is_empty() => "terminate".into(),
            Action::Terminate { reason } => format!("terminate: {reason}"),
            Action::Cancel { reason } if reason.is_empty() => "cancel".into(),
            Action::Cancel { reason } => format!("cancel: {reason}"),
            Action::Step => "step".into(),
            Action::Run => "run".into(),
            Action::AdvanceNext => "advance to next".into(),
            Action::AdvanceBy { by } => format!("advance {}", format_duration(*by)),
        }
    }
}

/// An action as a share link keeps it: an object whose `do` names the kind, durations
/// as text ("600s").
impl Action {
    pub(super) fn to_json(&self) -> Value {
        match self {
            Action::Start { workflow_id, input, execution_timeout } => json!({
                "do": "start",
                "workflow_id": workflow_id,
                "input": input,
                "execution_timeout": format_duration(*execution_timeout),
            }),
            Action::Signal { name, input: Some(input) } => json!({ "do": "signal", "name": name, "input": input }),
            Action::Signal { name, input: None } => json!({ "do": "signal", "name": name }),
            Action::Query { name } => json!({ "do": "query", "name": name }),
            Action::Terminate { reason } => json!({ "do": "terminate", "reason": reason }),
            Action::Cancel { reason } => json!({ "do": "cancel", "reason": reason }),
            Action::Step => json!({ "do": "step" }),
            Action::Run => json!({ "do": "run" }),
            Action::AdvanceNext => json!({ "do": "advance_next" }),
            Action::AdvanceBy { by } => json!({ "do": "advance_by", "by": format_duration(*by) }),
        }
    }

    /// Keys it does not know are ignored, as serde's derived reader did, so that a link
    /// from a later version that says more still opens.
    pub(super) fn from_json(value: &Value) -> Result<Action, String> {
        let Value::Object(object) = value else { return Err(format!("an action is an object, not {}", type_name(value))) };
        let keys = Keys(object);
        let duration = |key: &str| parse_duration(&keys.required(key)?).map_err(|why| format!("key `{key}`: {why}"));
        Ok(match keys.required("do")?.as_str() {
            "start" => Action::Start {
                workflow_id: keys.required("workflow_id")?,
                input: keys.required("input")?,
                execution_timeout: duration("execution_timeout")?,
            },
            "signal" => Action::Signal { name: keys.required("name")?, input: keys.string("input")? },
            "query" => Action::Query { name: keys.required("name")? },
            "terminate" => Action::Terminate { reason: keys.string("reason")?.unwrap_or_default() },
            "cancel" => Action::Cancel { reason: keys.string("reason")?.unwrap_or_default() },
            "step" => Action::Step,
            "run" => Action::Run,
            "advance_next" => Action::AdvanceNext,
            "advance_by" => Action::AdvanceBy { by: duration("by")? },
            other => return Err(format!("no such action {other:?}")),
        })
    }
}
