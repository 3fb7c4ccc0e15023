//! What the server says about one workflow right now, for a screen that watches it:
//! its `DescribeWorkflowExecution` answer (pending activities with their attempt, next
//! retry and last failure; the pending decision task; the close status) and its
//! history (timers started and not yet fired or canceled). Rows are the core's own
//! pending-row types, so a front end draws them exactly as in the simulator, and
//! never reads the server's JSON itself.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use postflow_core::session::{PendingActivityRow, PendingTimerRow};
use postflow_core::time::{Timestamp, parse_duration};
use serde_json::{Value, json};

use crate::client::{Client, payload_text};
use crate::error::BridgeError;

/// The wall clock as a [`Timestamp`].
pub fn now() -> Timestamp {
    Timestamp(SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default().as_nanos() as i64)
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct ServerState {
    pub run_id: String,
    /// "completed", "failed", "timed out", "terminated", ... once closed ([`close_status`]).
    pub close_status: Option<String>,
    pub start_time: Option<Timestamp>,
    pub close_time: Option<Timestamp>,
    pub activities: Vec<Activity>,
    pub decision: Option<PendingDecision>,
    pub timers: Vec<Timer>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Activity {
    pub activity_id: String,
    pub activity_type: String,
    /// 0-based, as the server counts.
    pub attempt: i32,
    pub maximum_attempts: i32,
    pub started: bool,
    /// When the (next) attempt is due.
    pub scheduled: Option<Timestamp>,
    pub last_failure: Option<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct PendingDecision {
    pub started: bool,
    pub scheduled: Option<Timestamp>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Timer {
    pub timer_id: String,
    pub fire_at: Timestamp,
}

/// One look at a workflow: what the server says about it, and its history's events.
#[derive(Clone, Debug)]
pub struct Snapshot {
    pub state: ServerState,
    /// The events as the server wrote them (proto JSON).
    pub events: Vec<Value>,
}

impl Snapshot {
    /// The history as the JSON text `Session::import_history` reads.
    pub fn history_json(&self) -> String {
        json!({ "events": self.events }).to_string()
    }
}

impl Client {
    /// Describes the workflow and fetches the history of the run it describes (the
    /// latest, when `run_id` is empty), so a newer run with this ID does not mix in.
    pub fn snapshot(&self, domain: &str, workflow_id: &str, run_id: &str) -> Result<Snapshot, BridgeError> {
        let describe = self.describe(domain, workflow_id, run_id)?;
        let run = describe["workflowExecutionInfo"]["workflowExecution"]["runId"].as_str().unwrap_or(run_id);
        let events = self.history_json(domain, workflow_id, run)?;
        Ok(Snapshot { state: ServerState::read(&describe, &events), events })
    }
}

fn time(v: &Value) -> Option<Timestamp> {
    v.as_str().and_then(|s| Timestamp::parse_rfc3339(s).ok())
}

fn text(v: &Value) -> String {
    v.as_str().unwrap_or_default().to_owned()
}

/// A `DescribeWorkflowExecution` answer's close status in the words the simulator's
/// status line uses beside an outcome ("completed", "timed out", "continued as new"),
/// or `None` while the workflow runs. The server's name for it is
/// `WORKFLOW_EXECUTION_CLOSE_STATUS_TIMED_OUT`.
pub fn close_status(describe: &Value) -> Option<String> {
    describe["workflowExecutionInfo"]["closeStatus"]
        .as_str()
        .map(|s| s.trim_start_matches("WORKFLOW_EXECUTION_CLOSE_STATUS_").to_ascii_lowercase().replace('_', " "))
}

fn int(v: &Value) -> i32 {
    // proto3 JSON writes 32-bit integers as numbers, 64-bit ones as strings.
    v.as_i64().or_else(|| v.as_str().and_then(|s| s.parse().ok())).unwrap_or(0) as i32
}

impl ServerState {
    /// Reads a `DescribeWorkflowExecution` answer and the history's events.
    pub fn read(describe: &Value, events: &[Value]) -> ServerState {
        let info = &describe["workflowExecutionInfo"];
        let close_status = close_status(describe);
        let activities = describe["pendingActivities"]
            .as_array()
            .map(|a| {
                a.iter()
                    .map(|p| {
                        let failure = &p["lastFailure"];
                        let details = payload_text(&json_bytes(&failure["details"]));
                        Activity {
                            activity_id: text(&p["activityId"]),
                            activity_type: text(&p["activityType"]["name"]),
                            attempt: int(&p["attempt"]),
                            maximum_attempts: int(&p["maximumAttempts"]),
                            started: p["state"].as_str().is_some_and(|s| s.ends_with("STARTED")),
                            scheduled: time(&p["scheduledTime"]),
                            last_failure: failure.is_object().then(|| if details.is_empty() { text(&failure["reason"]) } else { details }),
                        }
                    })
                    .collect()
            })
            .unwrap_or_default();
        let d = &describe["pendingDecision"];
        // A closed workflow waits for nothing, though the server may still describe the
        // decision task it had scheduled when it timed out, or a timer it left running.
        let open = close_status.is_none();
        let decision = (open && d.is_object()).then(|| PendingDecision {
            started: d["state"].as_str().is_some_and(|s| s.ends_with("STARTED")),
            scheduled: time(&d["scheduledTime"]),
        });
        ServerState {
            run_id: text(&info["workflowExecution"]["runId"]),
            start_time: time(&info["startTime"]),
            close_time: time(&info["closeTime"]),
            activities: if open { activities } else { Vec::new() },
            decision,
            timers: if open { open_timers(events) } else { Vec::new() },
            close_status,
        }
    }

    pub fn activity_rows(&self, now: Timestamp) -> Vec<PendingActivityRow> {
        let now = to_second(now);
        self.activities
            .iter()
            .map(|a| PendingActivityRow {
                activity_id: a.activity_id.clone(),
                activity_type: a.activity_type.clone(),
                attempt: a.attempt,
                maximum_attempts: a.maximum_attempts,
                running: a.started,
                next_attempt_in: a.scheduled.map(to_second).filter(|t| *t > now).map(|t| t.since(now)),
                last_failure: a.last_failure.clone(),
            })
            .collect()
    }

    pub fn timer_rows(&self, now: Timestamp) -> Vec<PendingTimerRow> {
        let now = to_second(now);
        self.timers
            .iter()
            .map(|t| {
                let fire_at = to_second(t.fire_at);
                PendingTimerRow { timer_id: t.timer_id.clone(), fires_in: fire_at.since(now), fire_at }
            })
            .collect()
    }

    /// The pending decision task as text; one that waits long for a worker says so.
    pub fn decision_text(&self, now: Timestamp) -> Option<String> {
        let d = self.decision.as_ref()?;
        if d.started {
            return Some("decision task started, worker running the code".into());
        }
        let waiting = d.scheduled.map(|t| now.since(t)).unwrap_or_default();
        Some(if waiting >= Duration::from_secs(3) {
            format!("decision task scheduled {}s ago: is a worker running? (bridge worker)", waiting.as_secs())
        } else {
            "decision task scheduled, waiting for the worker".into()
        })
    }
}

/// The details of a failure are bare base64 bytes in the v1 API, not a Payload.
fn json_bytes(v: &Value) -> Value {
    match v {
        Value::String(s) => serde_json::json!({ "data": s }),
        other => other.clone(),
    }
}

/// Timers started and neither fired nor canceled, with the instant they fire.
fn open_timers(events: &[Value]) -> Vec<Timer> {
    let mut timers: Vec<Timer> = Vec::new();
    for e in events {
        if let Some(a) = e.get("timerStartedEventAttributes") {
            let after = a["startToFireTimeout"].as_str().and_then(|s| parse_duration(s).ok()).unwrap_or_default();
            if let Some(at) = time(&e["eventTime"]) {
                timers.push(Timer { timer_id: text(&a["timerId"]), fire_at: at.plus(after) });
            }
        }
        for closed in ["timerFiredEventAttributes", "timerCanceledEventAttributes"] {
            if let Some(a) = e.get(closed) {
                timers.retain(|t| t.timer_id != text(&a["timerId"]));
            }
        }
    }
    timers
}

/// `t` to the whole second below it. Waits are shown to the second, as the
/// simulator's whole-second clock shows them: the server's times carry nanoseconds,
/// and "fires in 105.473328690s" reads as noise.
fn to_second(t: Timestamp) -> Timestamp {
    Timestamp(t.0 - t.0.rem_euclid(1_000_000_000))
}

#[cfg(test)]
mod tests {
    use super::*;
    use postflow_core::time::format_duration;
    use serde_json::json;

    #[test]
    fn a_retrying_activity_reads_as_the_simulator_shows_it() {
        let describe = json!({
            "pendingActivities": [{
                "activityId": "0", "activityType": { "name": "validatePaymentComplete" }, "attempt": 1,
                "lastFailure": { "details": "dGVtcG9yYXJ5IGlzc3VlLCBwbGVhc2UgcmV0cnk=", "reason": "cadenceInternal:Generic" },
                "maximumAttempts": 3, "scheduledTime": "2026-11-25T18:04:56Z", "state": "PENDING_ACTIVITY_STATE_SCHEDULED"
            }],
            "workflowExecutionInfo": { "startTime": "2026-11-25T18:04:53Z", "workflowExecution": { "runId": "r1" } }
        });
        let s = ServerState::read(&describe, &[]);
        let now = Timestamp::parse_rfc3339("2026-11-25T18:04:55Z").unwrap();
        let rows = s.activity_rows(now);
        assert_eq!(rows[0].attempt_label(), "attempt=1 (try 2 of 3)", "the server says attempt 1, as history would");
        assert_eq!(rows[0].maximum_attempts, 3);
        assert_eq!(rows[0].next_attempt_in, Some(Duration::from_secs(1)));
        assert_eq!(rows[0].last_failure.as_deref(), Some("temporary issue, please retry"));
        assert_eq!(s.run_id, "r1");
        assert_eq!(s.close_status, None);
    }

    #[test]
    fn open_timers_are_those_not_fired_or_canceled() {
        let events = vec![
            json!({ "eventTime": "2026-11-25T18:00:00Z", "timerStartedEventAttributes": { "timerId": "3", "startToFireTimeout": "60s" } }),
            json!({ "eventTime": "2026-11-25T18:00:10Z", "timerCanceledEventAttributes": { "timerId": "3" } }),
            json!({ "eventTime": "2026-11-25T18:00:10Z", "timerStartedEventAttributes": { "timerId": "9", "startToFireTimeout": "3s" } }),
        ];
        let s = ServerState::read(&json!({ "workflowExecutionInfo": {} }), &events);
        assert_eq!(s.timers, vec![Timer { timer_id: "9".into(), fire_at: Timestamp::parse_rfc3339("2026-11-25T18:00:13Z").unwrap() }]);
        // Closed, the workflow waits for no timer it left running.
        let closed = json!({ "workflowExecutionInfo": { "closeStatus": "WORKFLOW_EXECUTION_CLOSE_STATUS_COMPLETED" } });
        let s = ServerState::read(&closed, &events);
        assert_eq!(s.close_status.as_deref(), Some("completed"));
        assert!(s.timers.is_empty());
        // Timed out with its first decision task still scheduled: the server describes
        // that task, but nothing will ever run it.
        let timed_out = json!({
            "pendingDecision": { "state": "PENDING_DECISION_STATE_SCHEDULED", "scheduledTime": "2026-11-25T18:00:00Z" },
            "pendingActivities": [{ "activityId": "0", "state": "PENDING_ACTIVITY_STATE_SCHEDULED" }],
            "workflowExecutionInfo": { "closeStatus": "WORKFLOW_EXECUTION_CLOSE_STATUS_TIMED_OUT" }
        });
        let s = ServerState::read(&timed_out, &events);
        assert_eq!((s.decision, s.activities, s.timers), (None, vec![], vec![]), "a closed workflow waits for nothing");
    }

    #[test]
    fn a_close_status_reads_in_the_words_the_simulator_shows() {
        use postflow_core::engine::WorkflowStatus;
        let closed = |status: &str| close_status(&json!({ "workflowExecutionInfo": { "closeStatus": status } }));
        // The statuses the simulator has too: the same words as its status line, so
        // bridge mode reads alike following the workflow and moved back in its history.
        for (server, sim) in [
            ("COMPLETED", WorkflowStatus::Completed(Default::default())),
            ("FAILED", WorkflowStatus::Failed(Default::default())),
            ("TIMED_OUT", WorkflowStatus::TimedOut),
            ("TERMINATED", WorkflowStatus::Terminated("".into())),
        ] {
            assert_eq!(closed(&format!("WORKFLOW_EXECUTION_CLOSE_STATUS_{server}")).as_deref(), Some(sim.words()), "{server}");
        }
        assert_eq!(closed("WORKFLOW_EXECUTION_CLOSE_STATUS_TIMED_OUT").as_deref(), Some("timed out"), "not timed_out");
        assert_eq!(closed("WORKFLOW_EXECUTION_CLOSE_STATUS_CONTINUED_AS_NEW").as_deref(), Some("continued as new"));
        assert_eq!(closed("WORKFLOW_EXECUTION_CLOSE_STATUS_CANCELED").as_deref(), Some("canceled"));
        assert_eq!(close_status(&json!({ "workflowExecutionInfo": {} })), None, "running");
    }

    #[test]
    fn waits_are_shown_to_the_second_though_the_server_counts_nanoseconds() {
        let events = vec![json!({
            "eventTime": "2026-11-25T18:00:00.473328690Z",
            "timerStartedEventAttributes": { "timerId": "5", "startToFireTimeout": "120s" }
        })];
        let describe = json!({
            "pendingActivities": [{ "activityId": "0", "scheduledTime": "2026-11-25T18:00:02.900Z" }],
            "workflowExecutionInfo": {}
        });
        let s = ServerState::read(&describe, &events);
        let now = Timestamp::parse_rfc3339("2026-11-25T18:00:15.000000001Z").unwrap();
        let timer = &s.timer_rows(now)[0];
        assert_eq!(format_duration(timer.fires_in), "105s", "not 105.473328689s");
        assert_eq!(timer.fire_at, Timestamp::parse_rfc3339("2026-11-25T18:02:00Z").unwrap());
        // A retry due within the second still counts as due in the future, to the second.
        let at = Timestamp::parse_rfc3339("2026-11-25T18:00:01.999Z").unwrap();
        assert_eq!(s.activity_rows(at)[0].next_attempt_in, Some(Duration::from_secs(1)));
        assert_eq!(s.activity_rows(Timestamp::parse_rfc3339("2026-11-25T18:00:02.5Z").unwrap())[0].next_attempt_in, None);
    }
}
