//! Reading an event's attributes from their proto3 JSON object, field by field, by
//! the rules the serializers in [`super::json`] write: 64-bit integers as strings
//! (numbers accepted), durations as `"60s"`, payloads as `{"data": base64}` (a bare
//! base64 string accepted), unknown fields ignored, absent fields zero.
//!
//! Why not serde's derived readers: each attribute type's derived reader is a visitor
//! generic over the deserializer, and with the path-tracking wrapper that names a bad
//! field they were 7 % of the web page's download, for a file import. These
//! readers share one small function per field type and name the bad field's path the
//! same way. A test holds them equal to the derived readers, which stay for that.

use std::collections::BTreeMap;
use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use serde_json::{Map, Value};

use super::*;
use crate::payload::{Failure, Payload};
use crate::text::Str;

/// Why a value could not be read, and where: the steps from the bad value out to the
/// attributes object, innermost first (each level adds its own as the error passes).
#[derive(Debug)]
pub(crate) struct ReadError {
    path: Vec<String>,
    reason: String,
}

impl ReadError {
    fn new(reason: impl Into<String>) -> ReadError {
        ReadError { path: Vec::new(), reason: reason.into() }
    }

    fn expected(what: &str, found: &Value) -> ReadError {
        ReadError::new(format!("expected {what}, found {found}"))
    }

    /// The error as it happened inside `step` (a field name, or `[i]`).
    fn within(mut self, step: impl Into<String>) -> ReadError {
        self.path.push(step.into());
        self
    }

    /// `key.field.sub: reason`, as the event's error message names it.
    pub(crate) fn message(&self, key: &str) -> String {
        let mut at = key.to_owned();
        for step in self.path.iter().rev() {
            if !step.starts_with('[') {
                at.push('.');
            }
            at.push_str(step);
        }
        format!("{at}: {}", self.reason)
    }
}

/// A value of a field's type, read from its JSON value (present, possibly `null`).
pub(crate) trait ReadJson: Sized {
    fn read(v: &Value) -> Result<Self, ReadError>;
}

/// Whether a JSON key is the proto JSON name (lower camel case) of a Rust field.
fn is_json_name(key: &str, field: &str) -> bool {
    let (mut k, mut f) = (key.bytes(), field.bytes());
    loop {
        match (k.next(), f.next()) {
            (None, None) => return true,
            (Some(a), Some(b'_')) => match f.next() {
                Some(b) if a == b.to_ascii_uppercase() && b.is_ascii_lowercase() => {}
                _ => return false,
            },
            (Some(a), Some(b)) if a == b => {}
            _ => return false,
        }
    }
}

fn object(v: &Value) -> Result<&Map<String, Value>, ReadError> {
    v.as_object().ok_or_else(|| ReadError::expected("a JSON object", v))
}

impl ReadJson for Str {
    fn read(v: &Value) -> Result<Str, ReadError> {
        v.as_str().map(Str::from).ok_or_else(|| ReadError::expected("a string", v))
    }
}

impl ReadJson for String {
    fn read(v: &Value) -> Result<String, ReadError> {
        v.as_str().map(str::to_owned).ok_or_else(|| ReadError::expected("a string", v))
    }
}

/// Every 64-bit integer of an event (event IDs) is written as a string.
impl ReadJson for i64 {
    fn read(v: &Value) -> Result<i64, ReadError> {
        match v {
            Value::String(s) => s.parse().map_err(|_| ReadError::new(format!("expected a 64-bit integer, found {s:?}"))),
            Value::Number(n) => n.as_i64().ok_or_else(|| ReadError::new(format!("expected a 64-bit integer, found {n}"))),
            Value::Null => Ok(0),
            other => Err(ReadError::new(format!("expected a 64-bit integer, found {other}"))),
        }
    }
}

impl ReadJson for i32 {
    fn read(v: &Value) -> Result<i32, ReadError> {
        v.as_i64().and_then(|n| i32::try_from(n).ok()).ok_or_else(|| ReadError::expected("a 32-bit integer", v))
    }
}

impl ReadJson for f64 {
    fn read(v: &Value) -> Result<f64, ReadError> {
        v.as_f64().ok_or_else(|| ReadError::expected("a number", v))
    }
}

impl<T: ReadJson> ReadJson for Option<T> {
    fn read(v: &Value) -> Result<Option<T>, ReadError> {
        if v.is_null() { Ok(None) } else { T::read(v).map(Some) }
    }
}

impl<T: ReadJson> ReadJson for Box<T> {
    fn read(v: &Value) -> Result<Box<T>, ReadError> {
        T::read(v).map(Box::new)
    }
}

impl ReadJson for Vec<String> {
    fn read(v: &Value) -> Result<Vec<String>, ReadError> {
        let items = v.as_array().ok_or_else(|| ReadError::expected("an array", v))?;
        items.iter().enumerate().map(|(i, item)| String::read(item).map_err(|e| e.within(format!("[{i}]")))).collect()
    }
}

/// `google.protobuf.Duration`: `"60s"`.
impl ReadJson for Duration {
    fn read(v: &Value) -> Result<Duration, ReadError> {
        let text = v.as_str().ok_or_else(|| ReadError::expected("a duration such as \"60s\"", v))?;
        crate::time::parse_duration(text).map_err(ReadError::new)
    }
}

/// Base64 text (`bytes` fields, payload data); `null` is empty.
fn base64(v: &Value, forms: &str) -> Result<Vec<u8>, ReadError> {
    let text = match v {
        Value::String(s) => s.as_str(),
        Value::Null => "",
        other => return Err(ReadError::new(format!("{forms}, found {other}"))),
    };
    BASE64.decode(text.as_bytes()).map_err(|e| ReadError::new(format!("invalid base64 ({e}): {forms}")))
}

/// `{"data": base64}` (proto form) or a bare base64 string (the CLI's older form).
impl ReadJson for Payload {
    fn read(v: &Value) -> Result<Payload, ReadError> {
        const FORMS: &str = "expected a payload: {\"data\": \"<base64>\"} or a base64 string";
        let data = match v {
            Value::Object(o) => o.get("data").unwrap_or(&Value::Null),
            other => other,
        };
        if !matches!(data, Value::String(_) | Value::Null) {
            let at = if v.is_object() { "data: " } else { "" };
            return Err(ReadError::new(format!("{at}{FORMS}, found {data}")));
        }
        base64(data, FORMS).map(Payload::from_bytes)
    }
}

/// `bytes` fields (a failure's details): base64 text.
impl ReadJson for Vec<u8> {
    fn read(v: &Value) -> Result<Vec<u8>, ReadError> {
        base64(v, "expected base64 text")
    }
}

/// A header's fields: payloads by name.
impl ReadJson for BTreeMap<String, Payload> {
    fn read(v: &Value) -> Result<BTreeMap<String, Payload>, ReadError> {
        // Inserted one by one rather than collected, which sorts a vector first: that
        // sort's code costs the page more than the few fields a header has.
        let mut fields = BTreeMap::new();
        for (k, p) in object(v)? {
            fields.insert(k.clone(), Payload::read(p).map_err(|e| e.within(k.as_str()))?);
        }
        Ok(fields)
    }
}

/// A proto enum, by its name.
fn variant<T: Copy>(v: &Value, names: &[(&str, T)]) -> Result<T, ReadError> {
    let name = v.as_str().ok_or_else(|| ReadError::expected("a string", v))?;
    names.iter().find(|(n, _)| *n == name).map(|(_, t)| *t).ok_or_else(|| {
        let known: Vec<&str> = names.iter().map(|(n, _)| *n).collect();
        ReadError::new(format!("unknown value {name:?}, expected one of {}", known.join(", ")))
    })
}

impl ReadJson for TaskListKind {
    fn read(v: &Value) -> Result<TaskListKind, ReadError> {
        use TaskListKind::*;
        variant(
            v,
            &[
                ("TASK_LIST_KIND_INVALID", Invalid),
                ("TASK_LIST_KIND_NORMAL", Normal),
                ("TASK_LIST_KIND_STICKY", Sticky),
                ("TASK_LIST_KIND_EPHEMERAL", Ephemeral),
            ],
        )
    }
}

impl ReadJson for TimeoutType {
    fn read(v: &Value) -> Result<TimeoutType, ReadError> {
        use TimeoutType::*;
        variant(
            v,
            &[
                ("TIMEOUT_TYPE_INVALID", Invalid),
                ("TIMEOUT_TYPE_START_TO_CLOSE", StartToClose),
                ("TIMEOUT_TYPE_SCHEDULE_TO_START", ScheduleToStart),
                ("TIMEOUT_TYPE_SCHEDULE_TO_CLOSE", ScheduleToClose),
                ("TIMEOUT_TYPE_HEARTBEAT", Heartbeat),
            ],
        )
    }
}

/// `{"name": ...}`, the name required: a workflow or activity type without one is no type.
fn type_name(v: &Value) -> Result<Str, ReadError> {
    let name = object(v)?.get("name").ok_or_else(|| ReadError::new("missing field `name`"))?;
    Str::read(name).map_err(|e| e.within("name"))
}

impl ReadJson for WorkflowType {
    fn read(v: &Value) -> Result<WorkflowType, ReadError> {
        type_name(v).map(|name| WorkflowType { name })
    }
}

impl ReadJson for ActivityType {
    fn read(v: &Value) -> Result<ActivityType, ReadError> {
        type_name(v).map(|name| ActivityType { name })
    }
}

/// Walks a JSON object, handing each value whose key is one of `fields` (by proto
/// JSON name) to `read` with the field's place in the list; unknown keys are skipped.
/// One loop for every struct, so that each struct's reader is only its fields.
fn read_object(v: &Value, fields: &[&str], read: &mut dyn FnMut(usize, &Value) -> Result<(), ReadError>) -> Result<(), ReadError> {
    for (key, value) in object(v)? {
        if let Some(i) = fields.iter().position(|f| is_json_name(key, f)) {
            read(i, value).map_err(|e| e.within(key.as_str()))?;
        }
    }
    Ok(())
}

/// Reads a struct from a JSON object whose keys are its fields' proto JSON names.
macro_rules! read_fields {
    ($($ty:ident { $($field:ident),* $(,)? })+) => {
        $(impl ReadJson for $ty {
            fn read(v: &Value) -> Result<$ty, ReadError> {
                let mut out = $ty::default();
                read_object(v, &[$(stringify!($field)),*], &mut |i, value| {
                    let mut at = 0;
                    $(if i == at {
                        out.$field = ReadJson::read(value)?;
                    }
                    at += 1;)*
                    let _ = at;
                    Ok(())
                })?;
                Ok(out)
            }
        })+
    };
}

read_fields! {
    Failure { reason, details }
    Header { fields }
}
super::for_attribute_fields!(read_fields);

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::scenario::{self, BUILTIN, Scenario};

    /// The attributes as serde's derived reader reads them, with the path it names.
    fn derived(t: EventType, v: &Value) -> Result<EventAttributes, String> {
        macro_rules! derived {
            ($($name:ident),+) => {
                match t {
                    $(EventType::$name => serde_path_to_error::deserialize(v).map(EventAttributes::$name),)+
                }
            };
        }
        derived!(
            WorkflowExecutionStarted,
            WorkflowExecutionCompleted,
            WorkflowExecutionFailed,
            WorkflowExecutionTimedOut,
            WorkflowExecutionTerminated,
            DecisionTaskScheduled,
            DecisionTaskStarted,
            DecisionTaskCompleted,
            DecisionTaskTimedOut,
            DecisionTaskFailed,
            ActivityTaskScheduled,
            ActivityTaskStarted,
            ActivityTaskCompleted,
            ActivityTaskFailed,
            ActivityTaskTimedOut,
            TimerStarted,
            TimerFired,
            TimerCanceled,
            CancelTimerFailed,
            WorkflowExecutionSignaled,
            WorkflowExecutionCancelRequested,
            ActivityTaskCancelRequested,
            ActivityTaskCanceled,
            WorkflowExecutionCanceled
        )
        .map_err(|e| e.path().to_string())
    }

    /// The attribute objects of every built-in scenario's history, and of the real
    /// server's, with their event types.
    fn attribute_objects() -> Vec<(EventType, Value)> {
        let mut texts: Vec<String> = BUILTIN
            .iter()
            .map(|b| super::super::json::history_to_json(scenario::run(&Scenario::parse(b.name, b.toml).unwrap()).session.history()))
            .collect();
        for name in ["amount-over-25", "empty-customer", "happy-path", "poll-decision-task", "started-only"] {
            let path = format!("{}/tests/fixtures/real/{name}.json", env!("CARGO_MANIFEST_DIR"));
            texts.push(std::fs::read_to_string(path).unwrap());
        }
        let mut out = Vec::new();
        for text in texts {
            let v: Value = serde_json::from_str(&text).unwrap();
            for e in v["history"]["events"].as_array().unwrap() {
                let (key, attrs) = e.as_object().unwrap().iter().find(|(k, _)| k.ends_with("EventAttributes")).unwrap();
                let t = *EventType::ALL.iter().find(|t| t.attributes_key() == key).unwrap();
                out.push((t, attrs.clone()));
            }
        }
        assert!(out.iter().map(|(t, _)| *t).collect::<std::collections::BTreeSet<_>>().len() >= 15, "most event types are covered");
        out
    }

    /// Values put in place of a field's: every JSON kind, and the forms the fields take.
    fn replacements() -> Vec<Value> {
        vec![
            Value::Null,
            json!(true),
            json!(7),
            json!(-3),
            json!(2.5),
            json!(5_000_000_000i64),
            json!(""),
            json!("12"),
            json!("60s"),
            json!("soon"),
            json!("eyJhIjoxfQ=="),
            json!("***"),
            json!("TIMEOUT_TYPE_HEARTBEAT"),
            json!("TASK_LIST_KIND_STICKY"),
            json!({}),
            json!({"data": "eyJhIjoxfQ=="}),
            json!({"data": 5}),
            json!({"name": "n", "kind": "TASK_LIST_KIND_NORMAL"}),
            json!({"reason": "r", "details": "ZGV0YWls"}),
            json!({"fields": {"k": {"data": ""}}}),
            json!({"fields": {"k": 1}}),
            json!(["a", "b"]),
            json!([1]),
        ]
    }

    /// Whether `v` holds an array in place of a JSON object: serde's derived reader
    /// reads a struct from an array, field by position; these readers refuse it.
    fn array_for_object(before: &Value, after: &Value) -> bool {
        match (before, after) {
            (Value::Object(_), Value::Array(_)) => true,
            (Value::Object(a), Value::Object(b)) => a.iter().any(|(k, x)| b.get(k).is_some_and(|y| array_for_object(x, y))),
            _ => false,
        }
    }

    #[test]
    fn every_history_reads_as_the_derived_readers_read_it() {
        for (t, v) in attribute_objects() {
            assert_eq!(EventAttributes::from_json(t, &v), derived(t, &v), "{v}");
        }
    }

    #[test]
    fn a_field_replaced_by_any_value_reads_or_fails_as_with_the_derived_readers_at_the_same_path() {
        let mut cases = 0;
        for (t, v) in attribute_objects().into_iter().step_by(3) {
            let Value::Object(fields) = &v else { panic!("{v}") };
            // Each present field, one nested level too, and one the event does not carry.
            let mut paths: Vec<Vec<String>> = Vec::new();
            for (k, x) in fields {
                paths.push(vec![k.clone()]);
                if let Value::Object(inner) = x {
                    paths.extend(inner.keys().map(|i| vec![k.clone(), i.clone()]));
                }
            }
            paths.push(vec!["taskList".into()]);
            paths.push(vec!["unknownField".into()]);
            for path in &paths {
                for r in replacements() {
                    let mut changed = v.clone();
                    let mut at = &mut changed;
                    for step in path {
                        at = &mut at[step.as_str()];
                    }
                    let before = at.clone();
                    *at = r.clone();
                    let ours = EventAttributes::from_json(t, &changed);
                    match derived(t, &changed) {
                        Ok(theirs) if array_for_object(&before, &r) => assert!(ours.is_err() || ours == Ok(theirs)),
                        Ok(theirs) => assert_eq!(ours, Ok(theirs), "{changed}"),
                        Err(theirs) if array_for_object(&before, &r) => assert!(ours.is_err(), "{changed}: {theirs}"),
                        Err(theirs) => {
                            let ours = ours.expect_err(&format!("derived reader refused {changed} at {theirs}"));
                            let named = ours.split(": ").next().unwrap();
                            assert_eq!(named, format!("{}.{theirs}", t.attributes_key()), "{changed}: {ours}");
                        }
                    }
                    cases += 1;
                }
            }
        }
        assert!(cases > 2_000, "{cases}");
    }

    #[test]
    fn bad_values_are_named_by_their_path_and_what_was_expected() {
        let read = |t: EventType, v: Value| EventAttributes::from_json(t, &v).unwrap_err();
        assert_eq!(
            read(EventType::ActivityTaskScheduled, json!({"taskList": {"name": 5}})),
            "activityTaskScheduledEventAttributes.taskList.name: expected a string, found 5"
        );
        assert_eq!(
            read(EventType::ActivityTaskScheduled, json!({"retryPolicy": {"nonRetryableErrorReasons": ["a", 1]}})),
            "activityTaskScheduledEventAttributes.retryPolicy.nonRetryableErrorReasons[1]: expected a string, found 1"
        );
        assert_eq!(
            read(EventType::ActivityTaskTimedOut, json!({"timeoutType": "SOON"})),
            "activityTaskTimedOutEventAttributes.timeoutType: unknown value \"SOON\", expected one of TIMEOUT_TYPE_INVALID, \
             TIMEOUT_TYPE_START_TO_CLOSE, TIMEOUT_TYPE_SCHEDULE_TO_START, TIMEOUT_TYPE_SCHEDULE_TO_CLOSE, TIMEOUT_TYPE_HEARTBEAT"
        );
        assert_eq!(read(EventType::TimerFired, json!(["3"])), "timerFiredEventAttributes: expected a JSON object, found [\"3\"]");
        assert!(!is_json_name("task_list", "task_list") && is_json_name("taskList", "task_list"));
        assert!(!is_json_name("taskLis", "task_list") && !is_json_name("taskListX", "task_list") && !is_json_name("tasklist", "task_list"));
    }
}
