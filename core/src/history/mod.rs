//! Cadence history events: every event type the postal workflow can produce, with
//! Cadence's own names and attributes (`uber.cadence.api.v1` `history.proto`).
//!
//! The JSON form is in [`json`] (proto3 JSON, as the HTTP API returns it), the older
//! form that `cadence wf show --output_filename` writes in [`cli_json`]; the
//! one-line-per-event text form used by golden files and the scenario runner is in
//! [`table`]; what a history alone tells about its workflow is in [`derived`]; what
//! a replay reads of each event in [`replay`].

pub mod cli_json;
pub mod compare;
pub mod derived;
pub mod json;
#[cfg(feature = "packed")]
pub mod packed;
mod read_json;
pub mod replay;
pub mod table;

use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::payload::{Failure, Payload};
use crate::text::Str;
use crate::time::Timestamp;
use json::{i64_str, is_zero_i32, is_zero_i64, opt_duration};

/// One event of a workflow execution's history.
#[derive(Clone, Debug, PartialEq)]
pub struct HistoryEvent {
    pub event_id: i64,
    pub event_time: Timestamp,
    pub version: i64,
    pub task_id: i64,
    pub attributes: EventAttributes,
}

impl HistoryEvent {
    pub fn event_type(&self) -> EventType {
        self.attributes.event_type()
    }
}

/// Every attribute type with its fields, in declaration order, handed to `$apply!`:
/// the packed form and the JSON reader both walk the fields from this one list.
/// (`WorkflowType` and `ActivityType` are not in it: their one field is required, and
/// each walker writes them out.)
macro_rules! for_attribute_fields {
    ($apply:ident) => {
        $apply! {
            TaskList { name, kind }
            RetryPolicy { initial_interval, backoff_coefficient, maximum_interval, maximum_attempts, non_retryable_error_reasons, expiration_interval }
            WorkflowExecutionStartedEventAttributes {
                workflow_type, task_list, input, execution_start_to_close_timeout, task_start_to_close_timeout, identity,
                original_execution_run_id, first_execution_run_id, attempt, first_decision_task_backoff, request_id,
            }
            WorkflowExecutionCompletedEventAttributes { result, decision_task_completed_event_id }
            WorkflowExecutionFailedEventAttributes { failure, decision_task_completed_event_id }
            WorkflowExecutionTimedOutEventAttributes { timeout_type }
            WorkflowExecutionTerminatedEventAttributes { reason, details, identity }
            DecisionTaskScheduledEventAttributes { task_list, start_to_close_timeout, attempt }
            DecisionTaskStartedEventAttributes { scheduled_event_id, identity, request_id }
            DecisionTaskCompletedEventAttributes { scheduled_event_id, started_event_id, identity, binary_checksum }
            DecisionTaskTimedOutEventAttributes { scheduled_event_id, started_event_id, timeout_type }
            DecisionTaskFailedEventAttributes { scheduled_event_id, started_event_id, cause, failure, identity }
            ActivityTaskScheduledEventAttributes {
                activity_id, activity_type, domain, task_list, input, schedule_to_close_timeout, schedule_to_start_timeout,
                start_to_close_timeout, heartbeat_timeout, decision_task_completed_event_id, retry_policy, header,
            }
            ActivityTaskStartedEventAttributes { scheduled_event_id, identity, request_id, attempt, last_failure }
            ActivityTaskCompletedEventAttributes { result, scheduled_event_id, started_event_id, identity }
            ActivityTaskFailedEventAttributes { failure, scheduled_event_id, started_event_id, identity }
            ActivityTaskTimedOutEventAttributes { details, scheduled_event_id, started_event_id, timeout_type, last_failure }
            TimerStartedEventAttributes { timer_id, start_to_fire_timeout, decision_task_completed_event_id }
            TimerFiredEventAttributes { timer_id, started_event_id }
            TimerCanceledEventAttributes { timer_id, started_event_id, decision_task_completed_event_id, identity }
            CancelTimerFailedEventAttributes { timer_id, cause, decision_task_completed_event_id, identity }
            WorkflowExecutionSignaledEventAttributes { signal_name, input, identity, request_id }
            WorkflowExecutionCancelRequestedEventAttributes { cause, identity, request_id }
            ActivityTaskCancelRequestedEventAttributes { activity_id, decision_task_completed_event_id }
            ActivityTaskCanceledEventAttributes { details, latest_cancel_requested_event_id, scheduled_event_id, started_event_id, identity }
            WorkflowExecutionCanceledEventAttributes { decision_task_completed_event_id, details }
        }
    };
}
pub(crate) use for_attribute_fields;

macro_rules! event_types {
    ($($name:ident => $attrs:ty, $key:literal;)+) => {
        /// The event types this workflow can produce.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum EventType { $($name,)+ }

        /// An event's type together with its attributes (the proto `oneof attributes`).
        #[derive(Clone, Debug, PartialEq)]
        pub enum EventAttributes { $($name($attrs),)+ }

        impl EventAttributes {
            pub fn event_type(&self) -> EventType {
                match self { $(EventAttributes::$name(_) => EventType::$name,)+ }
            }
        }

        impl EventType {
            pub const ALL: &'static [EventType] = &[$(EventType::$name,)+];

            /// Cadence's name of the event type, e.g. `ActivityTaskScheduled`.
            pub fn name(self) -> &'static str {
                match self { $(EventType::$name => stringify!($name),)+ }
            }

            /// The proto JSON key that carries this type's attributes.
            pub fn attributes_key(self) -> &'static str {
                match self { $(EventType::$name => $key,)+ }
            }

            pub fn from_name(name: &str) -> Option<EventType> {
                EventType::ALL.iter().copied().find(|t| t.name() == name)
            }
        }

        impl EventAttributes {
            /// Writes the attributes under their proto JSON key.
            pub(crate) fn serialize_entry<M: serde::ser::SerializeMap>(&self, map: &mut M) -> Result<(), M::Error> {
                match self { $(EventAttributes::$name(a) => map.serialize_entry($key, a),)+ }
            }

            /// Writes the attributes in their packed form (see `packed`).
            #[cfg(feature = "packed")]
            pub(crate) fn pack(&self, w: &mut packed::Writer<'_>) {
                use packed::Pack;
                match self { $(EventAttributes::$name(a) => a.pack(w),)+ }
            }

            /// Reads the packed attributes of an event of type `t`.
            #[cfg(feature = "packed")]
            pub(crate) fn unpack(t: EventType, r: &mut packed::Reader<'_>) -> Result<EventAttributes, packed::PackError> {
                use packed::Pack;
                Ok(match t { $(EventType::$name => EventAttributes::$name(Pack::unpack(r)?),)+ })
            }

            /// Reads the attributes of an event of type `t` from their JSON object.
            pub(crate) fn from_json(t: EventType, v: &serde_json::Value) -> Result<EventAttributes, String> {
                use read_json::ReadJson;
                Ok(match t {
                    $(EventType::$name => EventAttributes::$name(<$attrs>::read(v).map_err(|e| e.message($key))?),)+
                })
            }
        }
    };
}

event_types! {
    // The two largest attribute sets are boxed so that every event stays small.
    WorkflowExecutionStarted => Box<WorkflowExecutionStartedEventAttributes>, "workflowExecutionStartedEventAttributes";
    WorkflowExecutionCompleted => WorkflowExecutionCompletedEventAttributes, "workflowExecutionCompletedEventAttributes";
    WorkflowExecutionFailed => WorkflowExecutionFailedEventAttributes, "workflowExecutionFailedEventAttributes";
    WorkflowExecutionTimedOut => WorkflowExecutionTimedOutEventAttributes, "workflowExecutionTimedOutEventAttributes";
    WorkflowExecutionTerminated => WorkflowExecutionTerminatedEventAttributes, "workflowExecutionTerminatedEventAttributes";
    DecisionTaskScheduled => DecisionTaskScheduledEventAttributes, "decisionTaskScheduledEventAttributes";
    DecisionTaskStarted => DecisionTaskStartedEventAttributes, "decisionTaskStartedEventAttributes";
    DecisionTaskCompleted => DecisionTaskCompletedEventAttributes, "decisionTaskCompletedEventAttributes";
    DecisionTaskTimedOut => DecisionTaskTimedOutEventAttributes, "decisionTaskTimedOutEventAttributes";
    DecisionTaskFailed => DecisionTaskFailedEventAttributes, "decisionTaskFailedEventAttributes";
    ActivityTaskScheduled => Box<ActivityTaskScheduledEventAttributes>, "activityTaskScheduledEventAttributes";
    ActivityTaskStarted => ActivityTaskStartedEventAttributes, "activityTaskStartedEventAttributes";
    ActivityTaskCompleted => ActivityTaskCompletedEventAttributes, "activityTaskCompletedEventAttributes";
    ActivityTaskFailed => ActivityTaskFailedEventAttributes, "activityTaskFailedEventAttributes";
    ActivityTaskTimedOut => ActivityTaskTimedOutEventAttributes, "activityTaskTimedOutEventAttributes";
    TimerStarted => TimerStartedEventAttributes, "timerStartedEventAttributes";
    TimerFired => TimerFiredEventAttributes, "timerFiredEventAttributes";
    TimerCanceled => TimerCanceledEventAttributes, "timerCanceledEventAttributes";
    CancelTimerFailed => CancelTimerFailedEventAttributes, "cancelTimerFailedEventAttributes";
    WorkflowExecutionSignaled => WorkflowExecutionSignaledEventAttributes, "workflowExecutionSignaledEventAttributes";
    WorkflowExecutionCancelRequested => WorkflowExecutionCancelRequestedEventAttributes, "workflowExecutionCancelRequestedEventAttributes";
    ActivityTaskCancelRequested => ActivityTaskCancelRequestedEventAttributes, "activityTaskCancelRequestedEventAttributes";
    ActivityTaskCanceled => ActivityTaskCanceledEventAttributes, "activityTaskCanceledEventAttributes";
    WorkflowExecutionCanceled => WorkflowExecutionCanceledEventAttributes, "workflowExecutionCanceledEventAttributes";
}

impl EventType {
    /// Events a decision produces (the "dual" of a decision): replay matches them
    /// against the decisions the code makes.
    pub fn is_command_event(self) -> bool {
        use EventType::*;
        matches!(
            self,
            ActivityTaskScheduled
                | ActivityTaskCancelRequested
                | TimerStarted
                | TimerCanceled
                | CancelTimerFailed
                | WorkflowExecutionCompleted
                | WorkflowExecutionFailed
                | WorkflowExecutionCanceled
        )
    }

    /// Events that close the workflow execution.
    pub fn is_workflow_close(self) -> bool {
        use EventType::*;
        matches!(
            self,
            WorkflowExecutionCompleted
                | WorkflowExecutionFailed
                | WorkflowExecutionTimedOut
                | WorkflowExecutionTerminated
                | WorkflowExecutionCanceled
        )
    }

    /// Activity close events: the server moves them after the other buffered events.
    pub fn is_activity_close(self) -> bool {
        use EventType::*;
        matches!(self, ActivityTaskCompleted | ActivityTaskFailed | ActivityTaskTimedOut | ActivityTaskCanceled)
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct WorkflowType {
    pub name: Str,
}

#[derive(Clone, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ActivityType {
    pub name: Str,
}

/// `TaskList{name, kind}`; the kind is `TASK_LIST_KIND_STICKY` for a worker's sticky list.
#[derive(Clone, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct TaskList {
    pub name: Str,
    #[serde(skip_serializing_if = "TaskListKind::is_invalid")]
    pub kind: TaskListKind,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum TaskListKind {
    #[default]
    #[serde(rename = "TASK_LIST_KIND_INVALID")]
    Invalid,
    #[serde(rename = "TASK_LIST_KIND_NORMAL")]
    Normal,
    #[serde(rename = "TASK_LIST_KIND_STICKY")]
    Sticky,
    #[serde(rename = "TASK_LIST_KIND_EPHEMERAL")]
    Ephemeral,
}

impl TaskListKind {
    fn is_invalid(&self) -> bool {
        *self == TaskListKind::Invalid
    }
}

impl TaskList {
    /// A task list as history shows it: a real server writes only the name.
    pub fn named(name: &str) -> TaskList {
        TaskList { name: name.into(), kind: TaskListKind::Invalid }
    }

    /// A worker's sticky task list: by the Go client's naming, `<host>:<uuid>`.
    pub fn is_sticky(&self) -> bool {
        self.kind == TaskListKind::Sticky || self.name.contains(':')
    }
}

/// `Header{fields}`: context propagated with an activity; the Go client sends an empty one.
#[derive(Clone, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Header {
    #[serde(skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub fields: std::collections::BTreeMap<String, Payload>,
}

/// `RetryPolicy` of an activity, as the Go client sends it (whole seconds).
#[derive(Clone, Debug, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct RetryPolicy {
    #[serde(with = "opt_duration", skip_serializing_if = "Option::is_none")]
    pub initial_interval: Option<Duration>,
    #[serde(with = "json::go_f64", skip_serializing_if = "json::is_zero_f64")]
    pub backoff_coefficient: f64,
    #[serde(with = "opt_duration", skip_serializing_if = "Option::is_none")]
    pub maximum_interval: Option<Duration>,
    #[serde(skip_serializing_if = "is_zero_i32")]
    pub maximum_attempts: i32,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub non_retryable_error_reasons: Vec<String>,
    #[serde(with = "opt_duration", skip_serializing_if = "Option::is_none")]
    pub expiration_interval: Option<Duration>,
}

/// Which of an activity's or workflow's timeouts fired.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum TimeoutType {
    #[default]
    #[serde(rename = "TIMEOUT_TYPE_INVALID")]
    Invalid,
    #[serde(rename = "TIMEOUT_TYPE_START_TO_CLOSE")]
    StartToClose,
    #[serde(rename = "TIMEOUT_TYPE_SCHEDULE_TO_START")]
    ScheduleToStart,
    #[serde(rename = "TIMEOUT_TYPE_SCHEDULE_TO_CLOSE")]
    ScheduleToClose,
    #[serde(rename = "TIMEOUT_TYPE_HEARTBEAT")]
    Heartbeat,
}

impl TimeoutType {
    /// The short name (`START_TO_CLOSE`), as the Go client prints it.
    pub fn short_name(self) -> &'static str {
        match self {
            TimeoutType::Invalid => "INVALID",
            TimeoutType::StartToClose => "START_TO_CLOSE",
            TimeoutType::ScheduleToStart => "SCHEDULE_TO_START",
            TimeoutType::ScheduleToClose => "SCHEDULE_TO_CLOSE",
            TimeoutType::Heartbeat => "HEARTBEAT",
        }
    }
}

/// Proto name of the cause written when a close decision meets unhandled events.
pub const CAUSE_UNHANDLED_DECISION: &str = "DECISION_TASK_FAILED_CAUSE_UNHANDLED_DECISION";
/// Proto name of the cause a worker reports when the workflow code failed or diverged.
pub const CAUSE_WORKFLOW_WORKER_UNHANDLED_FAILURE: &str = "DECISION_TASK_FAILED_CAUSE_WORKFLOW_WORKER_UNHANDLED_FAILURE";
/// The cause of `CancelTimerFailed` for a timer the server does not know.
pub const CAUSE_TIMER_ID_UNKNOWN: &str = "TIMER_ID_UNKNOWN";
/// The cause the server writes for a started decision task when it closes the run
/// itself (a terminate, the workflow's timeout): the worker's answer can no longer count.
pub const CAUSE_FORCE_CLOSE_DECISION: &str = "DECISION_TASK_FAILED_CAUSE_FORCE_CLOSE_DECISION";
/// The identity the history service writes on events it adds on its own.
pub const IDENTITY_HISTORY_SERVICE: &str = "history-service";

#[derive(Clone, Debug, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct WorkflowExecutionStartedEventAttributes {
    pub workflow_type: WorkflowType,
    pub task_list: TaskList,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub input: Option<Payload>,
    #[serde(with = "opt_duration", skip_serializing_if = "Option::is_none")]
    pub execution_start_to_close_timeout: Option<Duration>,
    #[serde(with = "opt_duration", skip_serializing_if = "Option::is_none")]
    pub task_start_to_close_timeout: Option<Duration>,
    #[serde(skip_serializing_if = "Str::is_empty")]
    pub identity: Str,
    #[serde(skip_serializing_if = "Str::is_empty")]
    pub original_execution_run_id: Str,
    #[serde(skip_serializing_if = "Str::is_empty")]
    pub first_execution_run_id: Str,
    #[serde(skip_serializing_if = "is_zero_i32")]
    pub attempt: i32,
    #[serde(with = "opt_duration", skip_serializing_if = "Option::is_none")]
    pub first_decision_task_backoff: Option<Duration>,
    #[serde(skip_serializing_if = "Str::is_empty")]
    pub request_id: Str,
}

#[derive(Clone, Debug, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct WorkflowExecutionCompletedEventAttributes {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub result: Option<Payload>,
    #[serde(with = "i64_str", skip_serializing_if = "is_zero_i64")]
    pub decision_task_completed_event_id: i64,
}

#[derive(Clone, Debug, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct WorkflowExecutionFailedEventAttributes {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failure: Option<Failure>,
    #[serde(with = "i64_str", skip_serializing_if = "is_zero_i64")]
    pub decision_task_completed_event_id: i64,
}

#[derive(Clone, Debug, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct WorkflowExecutionTimedOutEventAttributes {
    pub timeout_type: TimeoutType,
}

/// `cadence wf terminate`: the server closes the run at once, without asking the
/// workflow code, and writes who asked and why.
#[derive(Clone, Debug, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct WorkflowExecutionTerminatedEventAttributes {
    #[serde(skip_serializing_if = "Str::is_empty")]
    pub reason: Str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub details: Option<Payload>,
    #[serde(skip_serializing_if = "Str::is_empty")]
    pub identity: Str,
}

#[derive(Clone, Debug, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct DecisionTaskScheduledEventAttributes {
    pub task_list: TaskList,
    #[serde(with = "opt_duration", skip_serializing_if = "Option::is_none")]
    pub start_to_close_timeout: Option<Duration>,
    #[serde(skip_serializing_if = "is_zero_i32")]
    pub attempt: i32,
}

#[derive(Clone, Debug, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct DecisionTaskStartedEventAttributes {
    #[serde(with = "i64_str", skip_serializing_if = "is_zero_i64")]
    pub scheduled_event_id: i64,
    #[serde(skip_serializing_if = "Str::is_empty")]
    pub identity: Str,
    #[serde(skip_serializing_if = "Str::is_empty")]
    pub request_id: Str,
}

#[derive(Clone, Debug, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct DecisionTaskCompletedEventAttributes {
    #[serde(with = "i64_str", skip_serializing_if = "is_zero_i64")]
    pub scheduled_event_id: i64,
    #[serde(with = "i64_str", skip_serializing_if = "is_zero_i64")]
    pub started_event_id: i64,
    #[serde(skip_serializing_if = "Str::is_empty")]
    pub identity: Str,
    #[serde(skip_serializing_if = "Str::is_empty")]
    pub binary_checksum: Str,
}

#[derive(Clone, Debug, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct DecisionTaskTimedOutEventAttributes {
    #[serde(with = "i64_str", skip_serializing_if = "is_zero_i64")]
    pub scheduled_event_id: i64,
    #[serde(with = "i64_str", skip_serializing_if = "is_zero_i64")]
    pub started_event_id: i64,
    pub timeout_type: TimeoutType,
}

#[derive(Clone, Debug, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct DecisionTaskFailedEventAttributes {
    #[serde(with = "i64_str", skip_serializing_if = "is_zero_i64")]
    pub scheduled_event_id: i64,
    #[serde(with = "i64_str", skip_serializing_if = "is_zero_i64")]
    pub started_event_id: i64,
    #[serde(skip_serializing_if = "Str::is_empty")]
    pub cause: Str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failure: Option<Failure>,
    #[serde(skip_serializing_if = "Str::is_empty")]
    pub identity: Str,
}

#[derive(Clone, Debug, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ActivityTaskScheduledEventAttributes {
    #[serde(skip_serializing_if = "Str::is_empty")]
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
    #[serde(with = "i64_str", skip_serializing_if = "is_zero_i64")]
    pub decision_task_completed_event_id: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retry_policy: Option<RetryPolicy>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub header: Option<Header>,
}

#[derive(Clone, Debug, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ActivityTaskStartedEventAttributes {
    #[serde(with = "i64_str", skip_serializing_if = "is_zero_i64")]
    pub scheduled_event_id: i64,
    #[serde(skip_serializing_if = "Str::is_empty")]
    pub identity: Str,
    #[serde(skip_serializing_if = "Str::is_empty")]
    pub request_id: Str,
    #[serde(skip_serializing_if = "is_zero_i32")]
    pub attempt: i32,
    /// Always present in released servers: `{}` for attempt 0.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_failure: Option<Failure>,
}

#[derive(Clone, Debug, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ActivityTaskCompletedEventAttributes {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub result: Option<Payload>,
    #[serde(with = "i64_str", skip_serializing_if = "is_zero_i64")]
    pub scheduled_event_id: i64,
    #[serde(with = "i64_str", skip_serializing_if = "is_zero_i64")]
    pub started_event_id: i64,
    #[serde(skip_serializing_if = "Str::is_empty")]
    pub identity: Str,
}

#[derive(Clone, Debug, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ActivityTaskFailedEventAttributes {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failure: Option<Failure>,
    #[serde(with = "i64_str", skip_serializing_if = "is_zero_i64")]
    pub scheduled_event_id: i64,
    #[serde(with = "i64_str", skip_serializing_if = "is_zero_i64")]
    pub started_event_id: i64,
    #[serde(skip_serializing_if = "Str::is_empty")]
    pub identity: Str,
}

#[derive(Clone, Debug, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ActivityTaskTimedOutEventAttributes {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub details: Option<Payload>,
    #[serde(with = "i64_str", skip_serializing_if = "is_zero_i64")]
    pub scheduled_event_id: i64,
    #[serde(with = "i64_str", skip_serializing_if = "is_zero_i64")]
    pub started_event_id: i64,
    pub timeout_type: TimeoutType,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_failure: Option<Failure>,
}

#[derive(Clone, Debug, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct TimerStartedEventAttributes {
    #[serde(skip_serializing_if = "Str::is_empty")]
    pub timer_id: Str,
    #[serde(with = "opt_duration", skip_serializing_if = "Option::is_none")]
    pub start_to_fire_timeout: Option<Duration>,
    #[serde(with = "i64_str", skip_serializing_if = "is_zero_i64")]
    pub decision_task_completed_event_id: i64,
}

#[derive(Clone, Debug, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct TimerFiredEventAttributes {
    #[serde(skip_serializing_if = "Str::is_empty")]
    pub timer_id: Str,
    #[serde(with = "i64_str", skip_serializing_if = "is_zero_i64")]
    pub started_event_id: i64,
}

#[derive(Clone, Debug, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct TimerCanceledEventAttributes {
    #[serde(skip_serializing_if = "Str::is_empty")]
    pub timer_id: Str,
    #[serde(with = "i64_str", skip_serializing_if = "is_zero_i64")]
    pub started_event_id: i64,
    #[serde(with = "i64_str", skip_serializing_if = "is_zero_i64")]
    pub decision_task_completed_event_id: i64,
    #[serde(skip_serializing_if = "Str::is_empty")]
    pub identity: Str,
}

#[derive(Clone, Debug, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct CancelTimerFailedEventAttributes {
    #[serde(skip_serializing_if = "Str::is_empty")]
    pub timer_id: Str,
    #[serde(skip_serializing_if = "Str::is_empty")]
    pub cause: Str,
    #[serde(with = "i64_str", skip_serializing_if = "is_zero_i64")]
    pub decision_task_completed_event_id: i64,
    #[serde(skip_serializing_if = "Str::is_empty")]
    pub identity: Str,
}

#[derive(Clone, Debug, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct WorkflowExecutionSignaledEventAttributes {
    #[serde(skip_serializing_if = "Str::is_empty")]
    pub signal_name: Str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub input: Option<Payload>,
    #[serde(skip_serializing_if = "Str::is_empty")]
    pub identity: Str,
    #[serde(skip_serializing_if = "Str::is_empty")]
    pub request_id: Str,
}

/// `cadence wf cancel`: someone asked the workflow to stop. Unlike a terminate the
/// server only records the request and hands it to the workflow code in a decision
/// task; what stops, and how the run closes, the code decides.
#[derive(Clone, Debug, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct WorkflowExecutionCancelRequestedEventAttributes {
    #[serde(skip_serializing_if = "Str::is_empty")]
    pub cause: Str,
    #[serde(skip_serializing_if = "Str::is_empty")]
    pub identity: Str,
    #[serde(skip_serializing_if = "Str::is_empty")]
    pub request_id: Str,
}

/// A `RequestCancelActivityTask` decision, recorded. The activity is not stopped by
/// it: a worker running an attempt hears of it only if the activity heartbeats.
#[derive(Clone, Debug, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ActivityTaskCancelRequestedEventAttributes {
    #[serde(skip_serializing_if = "Str::is_empty")]
    pub activity_id: Str,
    #[serde(with = "i64_str", skip_serializing_if = "is_zero_i64")]
    pub decision_task_completed_event_id: i64,
}

#[derive(Clone, Debug, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ActivityTaskCanceledEventAttributes {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub details: Option<Payload>,
    #[serde(with = "i64_str", skip_serializing_if = "is_zero_i64")]
    pub latest_cancel_requested_event_id: i64,
    #[serde(with = "i64_str", skip_serializing_if = "is_zero_i64")]
    pub scheduled_event_id: i64,
    #[serde(with = "i64_str", skip_serializing_if = "is_zero_i64")]
    pub started_event_id: i64,
    #[serde(skip_serializing_if = "Str::is_empty")]
    pub identity: Str,
}

/// The run closed as canceled. The Go client (and ours) never sends a cancel decision
/// for the workshop's code: the code returns an error, and the server, seeing a cancel
/// request, writes this in place of `WorkflowExecutionFailed`, the failure's details
/// as its own.
#[derive(Clone, Debug, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct WorkflowExecutionCanceledEventAttributes {
    #[serde(with = "i64_str", skip_serializing_if = "is_zero_i64")]
    pub decision_task_completed_event_id: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub details: Option<Payload>,
}
