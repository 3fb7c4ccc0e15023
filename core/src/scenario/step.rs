//! One step of a scenario: what it holds, how it is read from its table of keys, and
//! the checks a file format cannot make.
//!
//! A TOML file's `[[steps]]` tables and the JSON the build makes of the built-in
//! scenarios are read by the same code (`crate::keys`): a TOML table is first turned
//! into the JSON object it is.

use std::time::Duration;

use serde_json::{Map, Value};

use crate::history::EventType;
use crate::keys::{Keys, wrong_type};
use crate::payload::Payload;
use crate::postal::Order;
use crate::time::parse_duration;

/// One step of a scenario, as written in the file.
#[derive(Clone, Debug, PartialEq)]
pub enum Step {
    Start {
        workflow_id: Option<String>,
        input: String,
        execution_timeout: Option<String>,
    },
    Signal {
        name: String,
        input: Option<String>,
        /// The signal must be refused with a message containing this.
        error: Option<String>,
    },
    Terminate {
        reason: Option<String>,
        /// The terminate must be refused with a message containing this.
        error: Option<String>,
    },
    Cancel {
        reason: Option<String>,
        /// The cancel request must be refused with a message containing this.
        error: Option<String>,
    },
    Query {
        name: String,
        /// The answer, compared as JSON.
        expect: Option<String>,
        /// The query must fail with a message containing this.
        error: Option<String>,
    },
    Step {
        count: Option<u32>,
    },
    Run,
    Advance {
        to: Option<String>,
        by: Option<String>,
    },
    Expect(Expectation),
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Expectation {
    pub status: Option<String>,
    pub result: Option<String>,
    pub failure: Option<String>,
    pub events: Vec<String>,
    pub no_events: Vec<String>,
    pub notification_sent: Option<bool>,
}

/// Every kind of step (its `do`), with the other keys it takes.
const KINDS: [(&str, &[&str]); 9] = [
    ("start", &["workflow_id", "input", "execution_timeout"]),
    ("signal", &["name", "input", "error"]),
    ("terminate", &["reason", "error"]),
    ("cancel", &["reason", "error"]),
    ("query", &["name", "expect", "error"]),
    ("step", &["count"]),
    ("run", &[]),
    ("advance", &["to", "by"]),
    ("expect", &["status", "result", "failure", "events", "no_events", "notification_sent"]),
];

impl Step {
    /// What the step does, in words for someone who never saw the scenario file:
    /// "sending ScanSignal", "moving the clock to the next timer".
    pub fn summary(&self) -> String {
        match self {
            Step::Start { .. } => "starting the order".into(),
            Step::Signal { name, .. } => format!("sending {name}"),
            Step::Terminate { .. } => "terminating the workflow".into(),
            Step::Cancel { .. } => "asking the workflow to cancel".into(),
            Step::Query { name, .. } => format!("asking the {name} query"),
            Step::Step { .. } => "letting the worker take a step".into(),
            Step::Run => "letting the worker run".into(),
            Step::Advance { by: Some(by), .. } => format!("moving the clock by {by}"),
            Step::Advance { to: Some(to), .. } if to == "timers" => "moving the clock until every pending timer has fired".into(),
            Step::Advance { .. } => "moving the clock to the next timer".into(),
            Step::Expect(_) => "looking at the history".into(),
        }
    }

    /// The step's `do`.
    pub fn kind(&self) -> &'static str {
        let i = match self {
            Step::Start { .. } => 0,
            Step::Signal { .. } => 1,
            Step::Terminate { .. } => 2,
            Step::Cancel { .. } => 3,
            Step::Query { .. } => 4,
            Step::Step { .. } => 5,
            Step::Run => 6,
            Step::Advance { .. } => 7,
            Step::Expect(_) => 8,
        };
        KINDS[i].0
    }

    /// Reads one step's table, checked: a message says which key is wrong and why.
    pub(super) fn read(table: &Map<String, Value>) -> Result<Step, String> {
        let kinds = || KINDS.map(|(k, _)| k).join(", ");
        let kind = match table.get("do") {
            Some(Value::String(kind)) => kind.as_str(),
            Some(other) => return Err(wrong_type("do", other, &format!("one of {}", kinds()))),
            None => return Err(format!("a step needs a `do` key: one of {}", kinds())),
        };
        let Some((_, keys)) = KINDS.iter().find(|(k, _)| *k == kind) else {
            return Err(format!("do = {kind:?}: no such step, expected one of {}", kinds()));
        };
        let step = read_kind(kind, keys, table).and_then(|step| step.check().map(|()| step));
        step.map_err(|why| format!("do = {kind:?}: {why}"))
    }

    /// Checks what the format alone cannot: durations, the choice between `to` and
    /// `by`, and an order the workflow can be started with. A start the simulated server
    /// would refuse is refused here, with the file's line, since no step can expect it.
    fn check(&self) -> Result<(), String> {
        match self {
            Step::Start { workflow_id, input, execution_timeout } => {
                if let Some(t) = execution_timeout {
                    let d = duration("execution_timeout", t)?;
                    if d.is_zero() {
                        return Err("key `execution_timeout` must be more than 0s".into());
                    }
                    if d.as_secs() > i32::MAX as u64 {
                        return Err(format!(
                            "key `execution_timeout` is {t}: Cadence keeps timeouts in int32 seconds, at most {} s",
                            i32::MAX
                        ));
                    }
                }
                check_order(workflow_id.as_deref(), input)
            }
            Step::Advance { to: Some(to), by: None } if to == "next" || to == "timers" => Ok(()),
            Step::Advance { to: Some(to), by: None } => {
                Err(format!(r#"key `to` is {to:?}: expected "next" or "timers" (or by = "30s" for a duration)"#))
            }
            Step::Advance { to: None, by: Some(by) } => duration("by", by).map(|_| ()),
            Step::Advance { .. } => Err(r#"advance needs exactly one of to = "next", to = "timers" or by = "<duration>""#.into()),
            Step::Query { expect: Some(_), error: Some(_), .. } => {
                Err("a query takes `expect` (its answer) or `error` (its refusal), not both".into())
            }
            Step::Query { expect: Some(want), .. } => json("expect", want),
            Step::Expect(e) => {
                if let Some(want) = &e.result {
                    json("result", want)?;
                }
                if let Some(s) = &e.status
                    && !["running", "completed", "failed", "timed_out", "terminated", "canceled"].contains(&s.as_str())
                {
                    return Err(format!("unknown status {s:?}: running, completed, failed, timed_out, terminated or canceled"));
                }
                for name in e.events.iter().chain(&e.no_events) {
                    if EventType::from_name(name).is_none() {
                        return Err(format!("unknown event type {name:?}"));
                    }
                }
                Ok(())
            }
            _ => Ok(()),
        }
    }
}

/// A duration key, read as Go's `time.ParseDuration` reads it; a message names the key
/// and shows what a duration looks like, since `"1 s"`, `"5x"` and `"1e9h"` all fail.
pub(super) fn duration(key: &str, text: &str) -> Result<Duration, String> {
    parse_duration(text).map_err(|why| format!("key `{key}`: {why}"))
}

/// A key compared as JSON must be JSON, or the comparison fails whatever the workflow
/// does: a string result is written with its quotes, `'"Payment successful"'`.
fn json(key: &str, text: &str) -> Result<(), String> {
    match serde_json::from_str::<Value>(text) {
        Ok(_) => Ok(()),
        Err(e) => {
            Err(format!("key `{key}` is compared as JSON, and {text:?} is not JSON ({e}); a JSON string keeps its quotes: '\"text\"'"))
        }
    }
}

/// The start's input must be an order the workflow takes (the server's check at
/// `StartWorkflowExecution`, `postal::validate_order`), and the workflow needs an ID:
/// the step's `workflow_id`, or else the order's `id`, as the workshop names it.
fn check_order(workflow_id: Option<&str>, input: &str) -> Result<(), String> {
    crate::postal::validate_order(Some(&Payload::from(input))).map_err(|why| format!("key `input` is not an order: {why}"))?;
    let id = match workflow_id {
        Some(w) => w,
        // Read as the Go worker reads it: a missing field is empty, not an error.
        None => &serde_json::from_str::<Order>(input).map(|o| o.id).unwrap_or_default(),
    };
    if !id.trim().is_empty() {
        return Ok(());
    }
    Err(match workflow_id {
        Some(_) => "key `workflow_id` is empty: a workflow needs an ID".into(),
        None => "the order has no \"id\" and the step no `workflow_id`: the workflow is named after the order's id".into(),
    })
}

fn read_kind(kind: &str, keys: &[&str], table: &Map<String, Value>) -> Result<Step, String> {
    if let Some(key) = table.keys().find(|k| *k != "do" && !keys.contains(&k.as_str())) {
        return Err(match keys {
            [] => format!("unknown key `{key}`: {kind} takes no other keys"),
            _ => format!("unknown key `{key}`: {kind} takes {}", keys.join(", ")),
        });
    }
    let keys = Keys(table);
    Ok(match kind {
        "start" => Step::Start {
            workflow_id: keys.string("workflow_id")?,
            input: keys.required("input")?,
            execution_timeout: keys.string("execution_timeout")?,
        },
        "signal" => Step::Signal { name: keys.required("name")?, input: keys.string("input")?, error: keys.string("error")? },
        "terminate" => Step::Terminate { reason: keys.string("reason")?, error: keys.string("error")? },
        "cancel" => Step::Cancel { reason: keys.string("reason")?, error: keys.string("error")? },
        "query" => Step::Query { name: keys.required("name")?, expect: keys.string("expect")?, error: keys.string("error")? },
        "step" => Step::Step { count: keys.count::<u32>("count")? },
        "run" => Step::Run,
        "advance" => Step::Advance { to: keys.string("to")?, by: keys.string("by")? },
        _ => Step::Expect(Expectation {
            status: keys.string("status")?,
            result: keys.string("result")?,
            failure: keys.string("failure")?,
            events: keys.strings("events")?,
            no_events: keys.strings("no_events")?,
            notification_sent: keys.boolean("notification_sent")?,
        }),
    })
}
