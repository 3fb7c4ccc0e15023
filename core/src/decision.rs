//! Decisions: what workflow code asks the server to do at the end of a decision task
//! (`uber.cadence.api.v1` `decision.proto`). JSON is the proto3 form a worker sends in
//! `RespondDecisionTaskCompleted`: the `*DecisionAttributes` key carries the type.

use std::fmt;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::history::json::opt_duration;
use crate::history::{ActivityType, Header, RetryPolicy, TaskList};
use crate::payload::{Failure, Payload};
use crate::text::Str;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Decision {
    #[serde(rename = "scheduleActivityTaskDecisionAttributes")]
    ScheduleActivityTask(Box<ScheduleActivityTaskDecisionAttributes>),
    #[serde(rename = "startTimerDecisionAttributes")]
    StartTimer(StartTimerDecisionAttributes),
    #[serde(rename = "cancelTimerDecisionAttributes")]
    CancelTimer(CancelTimerDecisionAttributes),
    #[serde(rename = "requestCancelActivityTaskDecisionAttributes")]
    RequestCancelActivityTask(RequestCancelActivityTaskDecisionAttributes),
    #[serde(rename = "completeWorkflowExecutionDecisionAttributes")]
    CompleteWorkflowExecution(CompleteWorkflowExecutionDecisionAttributes),
    #[serde(rename = "failWorkflowExecutionDecisionAttributes")]
    FailWorkflowExecution(FailWorkflowExecutionDecisionAttributes),
}

impl Decision {
    /// Cadence's name of the decision type, e.g. `ScheduleActivityTask`.
    pub fn type_name(&self) -> &'static str {
        match self {
            Decision::ScheduleActivityTask(_) => "ScheduleActivityTask",
            Decision::StartTimer(_) => "StartTimer",
            Decision::CancelTimer(_) => "CancelTimer",
            Decision::RequestCancelActivityTask(_) => "RequestCancelActivityTask",
            Decision::CompleteWorkflowExecution(_) => "CompleteWorkflowExecution",
            Decision::FailWorkflowExecution(_) => "FailWorkflowExecution",
        }
    }

    /// Close decisions end the workflow; the server refuses them while events are unhandled.
    pub fn is_close(&self) -> bool {
        matches!(self, Decision::CompleteWorkflowExecution(_) | Decision::FailWorkflowExecution(_))
    }
}

impl fmt::Display for Decision {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Decision::ScheduleActivityTask(a) => write_schedule_activity(f, &a.activity_id, &a.activity_type.name),
            Decision::StartTimer(a) => write!(f, "StartTimer(timerId {})", a.timer_id),
            Decision::CancelTimer(a) => write!(f, "CancelTimer(timerId {})", a.timer_id),
            Decision::RequestCancelActivityTask(a) => write!(f, "RequestCancelActivityTask(activityId {})", a.activity_id),
            Decision::CompleteWorkflowExecution(_) => f.write_str("CompleteWorkflowExecution"),
            Decision::FailWorkflowExecution(_) => f.write_str("FailWorkflowExecution"),
        }
    }
}

/// How a `ScheduleActivityTask` prints: by what replay matches it by (also when a
/// replay keeps only that of it).
pub(crate) fn write_schedule_activity(f: &mut fmt::Formatter<'_>, activity_id: &str, activity_type: &str) -> fmt::Result {
    write!(f, "ScheduleActivityTask(activityId {activity_id}, type {activity_type})")
}

#[derive(Clone, Debug, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ScheduleActivityTaskDecisionAttributes {
    pub activity_id: Str,
    pub activity_type: ActivityType,
    #[serde(skip_serializing_if = "Str::is_empty")]
    pub domain: Str,
    pub task_list: TaskList,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub input: Option<Payload>,
    #[serde(with = "opt_duration", skip_serializing_if = "Option::is_none")]
    pub schedule_to_close_timeout: Option<Duration>,
    #[serde(with = "opt_duration", skip_serializing_if = "Option::is_none")]
    pub schedule_to_start_timeout: Option<Duration>,
    #[serde(with = "opt_duration", skip_serializing_if = "Option::is_none")]
    pub start_to_close_timeout: Option<Duration>,
    #[serde(with = "opt_duration", skip_serializing_if = "Option::is_none")]
    pub heartbeat_timeout: Option<Duration>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retry_policy: Option<RetryPolicy>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub header: Option<Header>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub request_local_dispatch: bool,
}

#[derive(Clone, Debug, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct StartTimerDecisionAttributes {
    pub timer_id: Str,
    #[serde(with = "opt_duration", skip_serializing_if = "Option::is_none")]
    pub start_to_fire_timeout: Option<Duration>,
}

#[derive(Clone, Debug, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct CancelTimerDecisionAttributes {
    pub timer_id: Str,
}

#[derive(Clone, Debug, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct RequestCancelActivityTaskDecisionAttributes {
    pub activity_id: Str,
}

#[derive(Clone, Debug, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct CompleteWorkflowExecutionDecisionAttributes {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub result: Option<Payload>,
}

#[derive(Clone, Debug, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct FailWorkflowExecutionDecisionAttributes {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failure: Option<Failure>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decisions_use_the_attributes_key_as_their_type() {
        let d = Decision::StartTimer(StartTimerDecisionAttributes {
            timer_id: "3".into(),
            start_to_fire_timeout: Some(Duration::from_secs(120)),
        });
        let json = serde_json::to_string(&d).unwrap();
        assert_eq!(json, r#"{"startTimerDecisionAttributes":{"timerId":"3","startToFireTimeout":"120s"}}"#);
        assert_eq!(serde_json::from_str::<Decision>(&json).unwrap(), d);
    }
}
