//! Session actions: everything a person (or a scenario) can do to the simulation.
//! The timeline records primitive actions only (a "run" is recorded as the steps it
//! took), so replaying a timeline's actions always rebuilds the same state.

use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::time::{format_duration, parse_duration};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "do", rename_all = "snake_case")]
pub enum Action {
    /// Start an order workflow (`cadence wf start`).
    Start {
        workflow_id: String,
        input: String,
        #[serde(with = "duration_text")]
        execution_timeout: Duration,
    },
    /// Send a signal (`cadence wf signal`).
    Signal {
        name: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        input: Option<String>,
    },
    /// Run a query (`cadence wf query`); changes nothing.
    Query { name: String },
    /// One step of the worker.
    Step,
    /// Steps until nothing can happen without the clock or a signal (recorded as steps).
    Run,
    /// Move the clock to the next due timer, retry or timeout.
    AdvanceNext,
    /// Move the clock by a duration.
    AdvanceBy {
        #[serde(with = "duration_text")]
        by: Duration,
    },
}

impl Action {
    /// Actions that come from outside the worker: after them, a session in auto-run
    /// mode lets the worker run.
    pub fn is_external(&self) -> bool {
        matches!(self, Action::Start { .. } | Action::Signal { .. } | Action::AdvanceNext | Action::AdvanceBy { .. })
    }

    pub fn label(&self) -> String {
        match self {
            Action::Start { workflow_id, .. } => format!("start {workflow_id}"),
            Action::Signal { name, input: Some(i) } => format!("signal {name} {i}"),
            Action::Signal { name, input: None } => format!("signal {name}"),
            Action::Query { name } => format!("query {name}"),
            Action::Step => "step".into(),
            Action::Run => "run".into(),
            Action::AdvanceNext => "advance to next".into(),
            Action::AdvanceBy { by } => format!("advance {}", format_duration(*by)),
        }
    }
}

mod duration_text {
    use super::*;

    pub fn serialize<S: serde::Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&format_duration(*d))
    }

    pub fn deserialize<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
        parse_duration(&String::deserialize(d)?).map_err(serde::de::Error::custom)
    }
}
