//! Proto3 JSON for history events, as Cadence's HTTP API writes it (gogo `jsonpb`):
//! camelCase names, the `*EventAttributes` key carries the type, payloads as
//! `{"data": base64}`, durations as `"60s"`, 64-bit integers as strings, RFC 3339
//! times, zero values omitted.
//!
//! Reading accepts what a real server returns: the `GetWorkflowExecutionHistory`
//! response, a bare `{"events": [...]}`, or a plain array, with unknown fields ignored;
//! and the older form that `cadence wf show --output_filename` writes (see
//! [`super::cli_json`]), event by event.

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use serde::de::{self, Deserializer};
use serde::ser::{SerializeMap, Serializer};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::read_json::ReadJson;
use super::{EventAttributes, EventType, HistoryEvent};
use crate::payload::Payload;
use crate::time::Timestamp;

pub(crate) fn is_zero_i64(v: &i64) -> bool {
    *v == 0
}

pub(crate) fn is_zero_i32(v: &i32) -> bool {
    *v == 0
}

pub(crate) fn is_zero_f64(v: &f64) -> bool {
    *v == 0.0
}

/// A double that Go writes without a fraction, as the integer it writes: Go switches
/// to exponent notation only at 1e21, and every integer below 2^53 is exact in an i64.
/// Both JSON forms (gogo `jsonpb` and `encoding/json`) follow this rule.
pub(crate) fn go_whole(v: f64) -> Option<i64> {
    (v.fract() == 0.0 && v.abs() < 1e15).then_some(v as i64)
}

/// Doubles as gogo `jsonpb` writes them: a whole number has no fraction (`2`, not
/// `2.0`), so a coefficient the server writes as `2` is written `2` here too.
/// Reading takes any JSON number.
pub(crate) mod go_f64 {
    use super::*;

    pub fn serialize<S: Serializer>(v: &f64, s: S) -> Result<S::Ok, S::Error> {
        match go_whole(*v) {
            Some(i) => s.serialize_i64(i),
            None => s.serialize_f64(*v),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
        f64::deserialize(d)
    }
}

/// 64-bit integers: written as strings, read from strings or numbers.
pub(crate) mod i64_str {
    use super::*;

    pub fn serialize<S: Serializer>(v: &i64, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(v)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
        match Value::deserialize(d)? {
            Value::String(s) => s.parse().map_err(|_| de::Error::custom(format!("expected a 64-bit integer, found {s:?}"))),
            Value::Number(n) => n.as_i64().ok_or_else(|| de::Error::custom(format!("expected a 64-bit integer, found {n}"))),
            Value::Null => Ok(0),
            other => Err(de::Error::custom(format!("expected a 64-bit integer, found {other}"))),
        }
    }
}

/// `google.protobuf.Duration` fields: `"60s"`, absent when unset.
pub(crate) mod opt_duration {
    use std::time::Duration;

    use super::*;
    use crate::time::{format_duration, parse_duration};

    pub fn serialize<S: Serializer>(v: &Option<Duration>, s: S) -> Result<S::Ok, S::Error> {
        match v {
            Some(d) => s.serialize_str(&format_duration(*d)),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Duration>, D::Error> {
        match Option::<String>::deserialize(d)? {
            Some(s) => parse_duration(&s).map(Some).map_err(de::Error::custom),
            None => Ok(None),
        }
    }
}

/// `bytes` fields: standard base64 with padding.
pub(crate) mod base64_bytes {
    use super::*;

    pub fn serialize<S: Serializer>(v: &[u8], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&BASE64.encode(v))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
        let s = Option::<String>::deserialize(d)?.unwrap_or_default();
        BASE64.decode(s.as_bytes()).map_err(|e| de::Error::custom(format!("invalid base64: {e}")))
    }
}

impl Serialize for Payload {
    // A present payload always carries `data`, even empty: a real server writes
    // `{"data":""}` for a signal sent without input.
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(1))?;
        map.serialize_entry("data", &BASE64.encode(self.as_bytes()))?;
        map.end()
    }
}

impl<'de> Deserialize<'de> for Payload {
    /// `{"data": base64}` (proto form) or a bare base64 string (the CLI's older form).
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Payload, D::Error> {
        const FORMS: &str = "expected a payload: {\"data\": \"<base64>\"} or a base64 string";
        let text = match Value::deserialize(d)? {
            Value::String(s) => s,
            Value::Object(o) => match o.get("data") {
                None | Some(Value::Null) => String::new(),
                Some(Value::String(s)) => s.clone(),
                Some(other) => return Err(de::Error::custom(format!("data: {FORMS}, found {other}"))),
            },
            Value::Null => String::new(),
            other => return Err(de::Error::custom(format!("{FORMS}, found {other}"))),
        };
        BASE64.decode(text.as_bytes()).map(Payload::from_bytes).map_err(|e| de::Error::custom(format!("invalid base64 ({e}): {FORMS}")))
    }
}

impl Serialize for HistoryEvent {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(None)?;
        map.serialize_entry("eventId", &self.event_id.to_string())?;
        map.serialize_entry("eventTime", &self.event_time.to_rfc3339())?;
        if self.version != 0 {
            map.serialize_entry("version", &self.version.to_string())?;
        }
        if self.task_id != 0 {
            map.serialize_entry("taskId", &self.task_id.to_string())?;
        }
        self.attributes.serialize_entry(&mut map)?;
        map.end()
    }
}

/// A history that could not be read, with the place and the reason.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum HistoryJsonError {
    #[error("history is not valid JSON ({0}); {FORMS}")]
    Syntax(String),
    #[error("history JSON has no events; {FORMS}")]
    NoEvents,
    #[error("history event #{index} (eventId {event_id}): {reason}")]
    Event { index: usize, event_id: String, reason: String },
}

/// The forms a history file may take, for error messages.
pub const FORMS: &str = "a history is the JSON array that `cadence wf show --output_filename` writes, \
    or the HTTP API's {\"history\": {\"events\": [...]}} (also {\"events\": [...]} or a bare array)";

/// Reads one event from its JSON object, in the proto form or the CLI's older form.
pub fn event_from_value(index: usize, v: &Value) -> Result<HistoryEvent, HistoryJsonError> {
    let obj = v.as_object();
    let id_text = obj.and_then(|o| o.get("eventId")).map(|v| v.to_string().trim_matches('"').to_owned()).unwrap_or_else(|| "?".into());
    let fail = |reason: String| HistoryJsonError::Event { index, event_id: id_text.clone(), reason };
    let converted;
    let v = if super::cli_json::is_cli_event(v) {
        converted = super::cli_json::event_to_proto(v).map_err(fail)?;
        &converted
    } else {
        v
    };
    let obj = v.as_object();
    let obj = obj.ok_or_else(|| fail("an event must be a JSON object".into()))?;
    let int = |key: &str| -> Result<i64, HistoryJsonError> {
        match obj.get(key) {
            None | Some(Value::Null) => Ok(0),
            Some(v) => i64::read(v).map_err(|e| fail(e.message(key))),
        }
    };
    let event_id = int("eventId")?;
    if event_id <= 0 {
        return Err(fail("eventId must be a positive integer".into()));
    }
    let event_time = match obj.get("eventTime") {
        Some(Value::String(s)) => Timestamp::parse_rfc3339(s).map_err(fail)?,
        // The thrift form writes Unix nanoseconds.
        Some(Value::Number(n)) => Timestamp(n.as_i64().ok_or_else(|| fail("eventTime out of range".into()))?),
        None | Some(Value::Null) => Timestamp(0),
        Some(other) => return Err(fail(format!("eventTime: expected a time, found {other}"))),
    };
    let (key, attrs) = obj
        .iter()
        .find(|(k, _)| k.ends_with("EventAttributes"))
        .ok_or_else(|| fail("no *EventAttributes field (e.g. \"workflowExecutionStartedEventAttributes\")".into()))?;
    let event_type = EventType::ALL
        .iter()
        .copied()
        .find(|t| t.attributes_key() == key)
        .ok_or_else(|| fail(format!("event type {key:?} is not one this workflow produces")))?;
    let attributes = EventAttributes::from_json(event_type, attrs).map_err(fail)?;
    Ok(HistoryEvent { event_id, event_time, version: int("version")?, task_id: int("taskId")?, attributes })
}

/// Reads a history from JSON text and checks that event IDs run 1, 2, 3, ...
pub fn history_from_json(text: &str) -> Result<Vec<HistoryEvent>, HistoryJsonError> {
    let v: Value = serde_json::from_str(text).map_err(|e| HistoryJsonError::Syntax(e.to_string()))?;
    let events = match &v {
        Value::Array(a) => a,
        Value::Object(o) => match (o.get("history").and_then(|h| h.get("events")), o.get("events")) {
            (Some(Value::Array(a)), _) | (None, Some(Value::Array(a))) => a,
            _ => return Err(HistoryJsonError::NoEvents),
        },
        _ => return Err(HistoryJsonError::NoEvents),
    };
    // A run's history begins when it starts: an empty one is no history at all.
    if events.is_empty() {
        return Err(HistoryJsonError::NoEvents);
    }
    let mut out = Vec::with_capacity(events.len());
    for (i, e) in events.iter().enumerate() {
        let event = event_from_value(i, e)?;
        let expected = i as i64 + 1;
        if event.event_id != expected {
            return Err(HistoryJsonError::Event {
                index: i,
                event_id: event.event_id.to_string(),
                reason: format!("event IDs must run 1, 2, 3, ...: expected {expected}"),
            });
        }
        out.push(event);
    }
    Ok(out)
}

/// Writes a history as the `GetWorkflowExecutionHistory` response (`{"history": {"events": [...]}}`),
/// pretty-printed, one field per line, so that exports diff well.
pub fn history_to_json(events: &[HistoryEvent]) -> String {
    #[derive(Serialize)]
    struct Events<'a> {
        events: &'a [HistoryEvent],
    }
    #[derive(Serialize)]
    struct Response<'a> {
        history: Events<'a>,
    }
    serde_json::to_string_pretty(&Response { history: Events { events } }).expect("history events serialize")
}

impl fmt::Display for HistoryEvent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.event_id, self.event_type().name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::history::*;
    use std::time::Duration;

    fn scheduled() -> HistoryEvent {
        HistoryEvent {
            event_id: 1,
            event_time: crate::time::EPOCH,
            version: 0,
            task_id: 1_048_576,
            attributes: EventAttributes::ActivityTaskScheduled(Box::new(ActivityTaskScheduledEventAttributes {
                activity_id: "0".into(),
                activity_type: ActivityType { name: "validatePaymentComplete".into() },
                task_list: TaskList::named("tasklist"),
                input: Some(Payload::from("{\"location\":\"delft\"}")),
                schedule_to_close_timeout: Some(Duration::from_secs(600)),
                schedule_to_start_timeout: Some(Duration::from_secs(600)),
                start_to_close_timeout: Some(Duration::from_secs(60)),
                heartbeat_timeout: Some(Duration::ZERO),
                decision_task_completed_event_id: 4,
                retry_policy: Some(RetryPolicy {
                    initial_interval: Some(Duration::from_secs(1)),
                    backoff_coefficient: 2.0,
                    maximum_interval: Some(Duration::from_secs(10)),
                    maximum_attempts: 3,
                    expiration_interval: Some(Duration::ZERO),
                    ..Default::default()
                }),
                ..Default::default()
            })),
        }
    }

    #[test]
    fn writes_proto3_json_like_the_http_api() {
        let v = serde_json::to_value(scheduled()).unwrap();
        assert_eq!(v["eventId"], "1");
        assert_eq!(v["eventTime"], "2009-11-10T23:00:00Z");
        assert!(v.get("version").is_none(), "zero values are omitted");
        let a = &v["activityTaskScheduledEventAttributes"];
        assert_eq!(a["input"]["data"], "eyJsb2NhdGlvbiI6ImRlbGZ0In0=");
        assert_eq!(a["heartbeatTimeout"], "0s");
        assert_eq!(a["decisionTaskCompletedEventId"], "4");
        // A whole double is written as Go writes it: `2`, not `2.0`.
        let text = serde_json::to_string(&scheduled()).unwrap();
        assert!(text.contains(r#""backoffCoefficient":2,"#), "{text}");
        assert_eq!(a["retryPolicy"]["maximumAttempts"], 3);
        assert!(a["taskList"].get("kind").is_none(), "a real server writes only the name");
    }

    #[test]
    fn doubles_are_written_as_go_writes_them() {
        let text = |c: f64| serde_json::to_string(&RetryPolicy { backoff_coefficient: c, ..Default::default() }).unwrap();
        assert_eq!(text(2.0), r#"{"backoffCoefficient":2}"#);
        assert_eq!(text(1.5), r#"{"backoffCoefficient":1.5}"#);
        assert_eq!(text(0.0), "{}", "zero values are omitted");
        let back: RetryPolicy = serde_json::from_str(r#"{"backoffCoefficient":2.0}"#).unwrap();
        assert_eq!(back.backoff_coefficient, 2.0);
    }

    #[test]
    fn round_trips_through_json() {
        let events = vec![scheduled()];
        let text = history_to_json(&events);
        assert_eq!(history_from_json(&text).unwrap(), events);
    }

    #[test]
    fn reads_all_three_container_shapes_and_ignores_unknown_fields() {
        let one = r#"{"eventId":"1","eventTime":"2009-11-10T23:00:00Z","taskId":"5","somethingNew":1,
            "timerFiredEventAttributes":{"timerId":"3","startedEventId":"2","extra":true}}"#;
        for text in
            [format!("[{one}]"), format!("{{\"events\":[{one}]}}"), format!("{{\"history\":{{\"events\":[{one}]}},\"rawHistory\":[]}}")]
        {
            let h = history_from_json(&text).unwrap();
            assert_eq!(
                h[0].attributes,
                EventAttributes::TimerFired(TimerFiredEventAttributes { timer_id: "3".into(), started_event_id: 2 })
            );
        }
    }

    #[test]
    fn corrupt_histories_name_the_event_and_the_problem() {
        let err = history_from_json(r#"[{"eventId":"1","markerRecordedEventAttributes":{}}]"#).unwrap_err();
        assert!(err.to_string().contains("markerRecordedEventAttributes"), "{err}");
        let err = history_from_json(r#"[{"eventId":"2","timerFiredEventAttributes":{}}]"#).unwrap_err();
        assert!(err.to_string().contains("expected 1"), "{err}");
        let err = history_from_json(r#"[{"eventId":"1","eventTime":"yesterday","timerFiredEventAttributes":{}}]"#).unwrap_err();
        assert!(err.to_string().contains("eventId 1"), "{err}");
        let err = history_from_json(r#"[{"eventId":"1","timerStartedEventAttributes":{"startToFireTimeout":"soon"}}]"#).unwrap_err();
        assert!(err.to_string().contains("startToFireTimeout"), "{err}");
        assert_eq!(history_from_json("{}").unwrap_err(), HistoryJsonError::NoEvents);
        for empty in ["[]", r#"{"history":{"events":[]}}"#, r#"{"events":[]}"#] {
            assert_eq!(history_from_json(empty).unwrap_err(), HistoryJsonError::NoEvents, "{empty}");
        }
        assert!(matches!(history_from_json("[").unwrap_err(), HistoryJsonError::Syntax(_)));
    }
}

#[cfg(test)]
mod error_tests {
    use super::*;

    #[test]
    fn errors_name_fields_and_accepted_forms_never_rust_types() {
        let start = |attrs: &str| format!(r#"[{{"eventId":"1","workflowExecutionStartedEventAttributes":{attrs}}}]"#);
        for (attrs, field) in [
            (r#"{"input":7}"#, "input"),
            (r#"{"taskList":"tasklist"}"#, "taskList"),
            (r#"{"workflowType":[1]}"#, "workflowType"),
            (r#"{"input":{"data":"***"}}"#, "input"),
        ] {
            let err = history_from_json(&start(attrs)).unwrap_err().to_string();
            assert!(err.contains(field), "{attrs}: {err}");
            assert!(!err.contains("struct") && !err.contains("Wire"), "{attrs}: {err}");
        }
        let err = history_from_json(&start(r#"{"input":7}"#)).unwrap_err().to_string();
        assert!(err.contains(r#"{"data": "<base64>"} or a base64 string"#), "{err}");
        for text in ["{}", "[", "42"] {
            let err = history_from_json(text).unwrap_err().to_string();
            assert!(
                err.contains("cadence wf show --output_filename") && err.contains("GetWorkflowExecutionHistory")
                    || err.contains("{\"history\""),
                "{err}"
            );
        }
    }

    #[test]
    fn a_bare_base64_payload_reads_in_either_form() {
        let text = r#"[{"eventId":"1","workflowExecutionSignaledEventAttributes":{"signalName":"ScanSignal","input":"eyJsb2NhdGlvbiI6IkRlbGZ0In0="}}]"#;
        let EventAttributes::WorkflowExecutionSignaled(a) = &history_from_json(text).unwrap()[0].attributes else { panic!() };
        assert_eq!(a.input.as_ref().unwrap().to_text(), r#"{"location":"Delft"}"#);
    }
}
