//! The older JSON form of a history: what `cadence wf show --output_filename` writes and
//! what the Go client's replayer (`worker.NewWorkflowReplayer`,
//! `ReplayWorkflowHistoryFromJSONFile`) reads. It is Cadence's thrift-era shape,
//! serialized by Go's `encoding/json`: a plain array of events, each with a numeric
//! `eventId`, `timestamp` in Unix nanoseconds and an `eventType` name; payloads are bare
//! base64 strings, timeouts whole seconds (`startToCloseTimeoutSeconds: 60`), failures
//! flat `reason` / `details` fields and enum values without their proto prefix
//! (`START_TO_CLOSE`, `UNHANDLED_DECISION`).
//!
//! Both directions go through the proto3 JSON form of [`super::json`]: reading turns an
//! older event into its proto shape and lets the one proto reader check it; writing
//! turns the proto shape into the older one. So the field names and value rules of the
//! two forms live in this one table of renames and in `attributes_to_proto` /
//! `attributes_to_cli`.

use serde_json::{Map, Value, json};

use super::{EventType, HistoryEvent};

/// Does this event object look like the older form? The proto form has neither key.
pub(crate) fn is_cli_event(v: &Value) -> bool {
    v.get("eventType").is_some() || v.get("timestamp").is_some()
}

/// Timeouts: the older form's whole-seconds key and the proto duration key.
const DURATIONS: &[(&str, &str)] = &[
    ("executionStartToCloseTimeoutSeconds", "executionStartToCloseTimeout"),
    ("taskStartToCloseTimeoutSeconds", "taskStartToCloseTimeout"),
    ("firstDecisionTaskBackoffSeconds", "firstDecisionTaskBackoff"),
    ("startToCloseTimeoutSeconds", "startToCloseTimeout"),
    ("scheduleToCloseTimeoutSeconds", "scheduleToCloseTimeout"),
    ("scheduleToStartTimeoutSeconds", "scheduleToStartTimeout"),
    ("heartbeatTimeoutSeconds", "heartbeatTimeout"),
    ("startToFireTimeoutSeconds", "startToFireTimeout"),
];

/// The same for a retry policy.
const RETRY_DURATIONS: &[(&str, &str)] = &[
    ("initialIntervalInSeconds", "initialInterval"),
    ("maximumIntervalInSeconds", "maximumInterval"),
    ("expirationIntervalInSeconds", "expirationInterval"),
];

/// Fields that carry a payload (a bare base64 string in the older form).
const PAYLOADS: &[&str] = &["input", "result"];

/// Event types whose failure is flat `reason` / `details` in the older form and
/// `failure: {reason, details}` in proto.
fn has_flat_failure(t: EventType) -> bool {
    matches!(t, EventType::WorkflowExecutionFailed | EventType::ActivityTaskFailed | EventType::DecisionTaskFailed)
}

/// Proto enum prefixes the older form leaves off, by field.
fn enum_prefix(key: &str) -> Option<&'static str> {
    match key {
        "timeoutType" => Some("TIMEOUT_TYPE_"),
        "kind" => Some("TASK_LIST_KIND_"),
        _ => None,
    }
}

const DECISION_CAUSE_PREFIX: &str = "DECISION_TASK_FAILED_CAUSE_";

/// One event of the older form as its proto3 JSON object. Errors name the field and
/// what it should hold.
pub(crate) fn event_to_proto(v: &Value) -> Result<Value, String> {
    let obj = v.as_object().ok_or("an event must be a JSON object")?;
    let mut out = Map::new();
    for key in ["eventId", "version", "taskId"] {
        if let Some(x) = obj.get(key) {
            out.insert(key.into(), x.clone());
        }
    }
    match obj.get("timestamp") {
        None | Some(Value::Null) => {}
        Some(Value::Number(n)) if n.is_i64() => {
            out.insert("eventTime".into(), Value::Number(n.clone()));
        }
        Some(other) => return Err(format!("timestamp: expected Unix nanoseconds as a whole number, found {other}")),
    }
    let (key, attrs) = super::json::the_attributes(obj)?;
    let event_type = EventType::ALL.iter().copied().find(|t| t.attributes_key() == key);
    if let Some(named) = obj.get("eventType") {
        let named = named.as_str().ok_or_else(|| format!("eventType: expected an event type name, found {named}"))?;
        match (EventType::from_name(named), event_type) {
            (Some(n), Some(t)) if n != t => return Err(format!("eventType {named} does not match its attributes {key}")),
            (None, _) => return Err(super::json::not_read(named)),
            _ => {}
        }
    }
    let event_type = event_type.ok_or_else(|| super::json::not_read(key.strip_suffix("EventAttributes").unwrap_or(key)))?;
    let attrs = attrs.as_object().ok_or_else(|| format!("{key}: expected a JSON object"))?;
    out.insert(key.clone(), Value::Object(attributes_to_proto(event_type, attrs).map_err(|e| format!("{key}.{e}"))?));
    Ok(Value::Object(out))
}

fn seconds(key: &str, v: &Value) -> Result<Value, String> {
    match v {
        Value::Number(n) if n.is_u64() || n.is_i64() => Ok(Value::String(format!("{n}s"))),
        Value::Null => Ok(Value::Null),
        other => Err(format!("{key}: expected whole seconds, found {other}")),
    }
}

fn bare_base64(key: &str, v: &Value) -> Result<Value, String> {
    match v {
        Value::String(s) => Ok(json!({ "data": s })),
        Value::Null => Ok(Value::Null),
        // A proto-style payload in an otherwise older file: take it as it is.
        Value::Object(_) => Ok(v.clone()),
        other => Err(format!("{key}: expected a base64 string, found {other}")),
    }
}

fn failure(reason: Option<&Value>, details: Option<&Value>) -> Value {
    let mut f = Map::new();
    if let Some(r) = reason {
        f.insert("reason".into(), r.clone());
    }
    if let Some(d) = details {
        f.insert("details".into(), d.clone());
    }
    Value::Object(f)
}

fn with_prefix(prefix: &str, v: &Value) -> Value {
    match v {
        Value::String(s) if !s.starts_with(prefix) => Value::String(format!("{prefix}{s}")),
        other => other.clone(),
    }
}

/// The attributes of an older-form event in their proto shape.
pub(crate) fn attributes_to_proto(t: EventType, attrs: &Map<String, Value>) -> Result<Map<String, Value>, String> {
    let mut out = Map::new();
    for (key, v) in attrs {
        let key = key.as_str();
        if let Some((_, proto)) = DURATIONS.iter().find(|(cli, _)| *cli == key) {
            out.insert((*proto).into(), seconds(key, v)?);
        } else if PAYLOADS.contains(&key)
            || (key == "details" && matches!(t, EventType::ActivityTaskTimedOut | EventType::WorkflowExecutionTerminated))
        {
            out.insert(key.into(), bare_base64(key, v)?);
        } else if (has_flat_failure(t) && (key == "reason" || key == "details"))
            || key == "lastFailureReason"
            || key == "lastFailureDetails"
        {
            // Gathered into one failure object below.
        } else if key == "cause" && t == EventType::DecisionTaskFailed {
            out.insert(key.into(), with_prefix(DECISION_CAUSE_PREFIX, v));
        } else if let Some(prefix) = enum_prefix(key) {
            out.insert(key.into(), with_prefix(prefix, v));
        } else if key == "taskList" {
            let mut tl = v.as_object().cloned().ok_or("taskList: expected a JSON object such as {\"name\": \"tasklist\"}")?;
            if let Some(kind) = tl.get("kind").cloned() {
                tl.insert("kind".into(), with_prefix("TASK_LIST_KIND_", &kind));
            }
            out.insert(key.into(), Value::Object(tl));
        } else if key == "retryPolicy" {
            let rp = v.as_object().ok_or("retryPolicy: expected a JSON object")?;
            let mut p = Map::new();
            for (k, x) in rp {
                match RETRY_DURATIONS.iter().find(|(cli, _)| cli == k) {
                    Some((_, proto)) => {
                        p.insert((*proto).into(), seconds(&format!("retryPolicy.{k}"), x)?);
                    }
                    None if k == "nonRetriableErrorReasons" => {
                        p.insert("nonRetryableErrorReasons".into(), x.clone());
                    }
                    None => {
                        p.insert(k.clone(), x.clone());
                    }
                }
            }
            // The CLI leaves a zero expiration out; the proto form of a real server
            // writes it ("0s"), and the two must read as the same policy.
            p.entry("expirationInterval").or_insert_with(|| Value::from("0s"));
            out.insert(key.into(), Value::Object(p));
        } else if key == "header" {
            let mut h = Map::new();
            if let Some(fields) = v.get("fields").and_then(Value::as_object) {
                let mut f = Map::new();
                for (k, x) in fields {
                    f.insert(k.clone(), bare_base64(&format!("header.fields.{k}"), x)?);
                }
                h.insert("fields".into(), Value::Object(f));
            }
            out.insert(key.into(), Value::Object(h));
        } else {
            out.insert(key.into(), v.clone());
        }
    }
    if has_flat_failure(t) && (attrs.contains_key("reason") || attrs.contains_key("details")) {
        out.insert("failure".into(), failure(attrs.get("reason"), attrs.get("details")));
    }
    if attrs.contains_key("lastFailureReason") || attrs.contains_key("lastFailureDetails") || t == EventType::ActivityTaskStarted {
        // The proto form of a real server always carries lastFailure on ActivityTaskStarted
        // (`{}` for a first attempt); the older form leaves empty fields out.
        out.insert("lastFailure".into(), failure(attrs.get("lastFailureReason"), attrs.get("lastFailureDetails")));
    }
    if t == EventType::WorkflowExecutionSignaled && !attrs.contains_key("input") {
        // A signal sent without input: Go's encoding/json leaves out the empty bytes
        // that the proto form writes as `{"data": ""}`.
        out.insert("input".into(), json!({ "data": "" }));
    }
    Ok(out)
}

fn to_number(v: &Value) -> Value {
    match v {
        Value::String(s) => s.parse::<i64>().map(Value::from).unwrap_or_else(|_| v.clone()),
        other => other.clone(),
    }
}

fn whole_seconds(v: &Value) -> Value {
    match v.as_str().and_then(|s| crate::time::parse_duration(s).ok()) {
        Some(d) => Value::from(d.as_secs()),
        None => v.clone(),
    }
}

fn without_prefix(prefix: &str, v: &Value) -> Value {
    match v {
        Value::String(s) => Value::String(s.strip_prefix(prefix).unwrap_or(s).to_owned()),
        other => other.clone(),
    }
}

fn payload_data(v: &Value) -> Option<Value> {
    v.get("data").filter(|d| d.as_str().is_some_and(|s| !s.is_empty())).cloned()
}

/// Go's encoding/json writes a whole float64 without a fraction (`2`, not `2.0`).
fn go_number(v: &Value) -> Value {
    match v.as_f64().filter(|_| v.is_f64()).and_then(super::json::go_whole) {
        Some(i) => Value::from(i),
        None => v.clone(),
    }
}

/// The proto attributes of an event in the older form's shape.
pub(crate) fn attributes_to_cli(t: EventType, attrs: &Map<String, Value>) -> Map<String, Value> {
    let mut out = Map::new();
    for (key, v) in attrs {
        let key = key.as_str();
        if let Some((cli, _)) = DURATIONS.iter().find(|(_, proto)| *proto == key) {
            out.insert((*cli).into(), whole_seconds(v));
        } else if key.ends_with("EventId") {
            out.insert(key.into(), to_number(v));
        } else if PAYLOADS.contains(&key) || key == "details" {
            if let Some(d) = payload_data(v) {
                out.insert(key.into(), d);
            }
        } else if key == "failure" || key == "lastFailure" {
            let (r, d) = if key == "failure" { ("reason", "details") } else { ("lastFailureReason", "lastFailureDetails") };
            // A present failure always carries its reason (a first attempt's is `""`).
            out.insert(r.into(), v.get("reason").cloned().unwrap_or_else(|| Value::from("")));
            if let Some(details) = v.get("details").filter(|x| x.as_str().is_some_and(|s| !s.is_empty())) {
                out.insert(d.into(), details.clone());
            }
        } else if key == "cause" && t == EventType::DecisionTaskFailed {
            out.insert(key.into(), without_prefix(DECISION_CAUSE_PREFIX, v));
        } else if let Some(prefix) = enum_prefix(key) {
            out.insert(key.into(), without_prefix(prefix, v));
        } else if key == "taskList" {
            let mut tl = v.as_object().cloned().unwrap_or_default();
            if let Some(kind) = tl.get("kind").cloned() {
                tl.insert("kind".into(), without_prefix("TASK_LIST_KIND_", &kind));
            }
            out.insert(key.into(), Value::Object(tl));
        } else if key == "retryPolicy" {
            let mut p = Map::new();
            for (k, x) in v.as_object().into_iter().flatten() {
                match RETRY_DURATIONS.iter().find(|(_, proto)| proto == k) {
                    // As the CLI writes it: no zero expiration.
                    Some((cli, _)) if *cli == "expirationIntervalInSeconds" && whole_seconds(x) == 0 => None,
                    Some((cli, _)) => p.insert((*cli).into(), whole_seconds(x)),
                    None if k == "nonRetryableErrorReasons" => p.insert("nonRetriableErrorReasons".into(), x.clone()),
                    None => p.insert(k.clone(), go_number(x)),
                };
            }
            out.insert(key.into(), Value::Object(p));
        } else if key == "header" {
            let mut h = Map::new();
            if let Some(fields) = v.get("fields").and_then(Value::as_object) {
                // Inserted one by one: collecting into a map sorts a vector first, and that
                // sort's code is a kilobyte of the page for a header of one or two fields.
                let mut f = Map::new();
                for (k, x) in fields {
                    f.insert(k.clone(), x.get("data").cloned().unwrap_or(Value::Null));
                }
                h.insert("fields".into(), Value::Object(f));
            }
            out.insert(key.into(), Value::Object(h));
        } else {
            out.insert(key.into(), go_number(v));
        }
    }
    if t == EventType::ActivityTaskScheduled && !out.contains_key("domain") {
        // The CLI writes the activity's domain even when it is the workflow's own ("").
        out.insert("domain".into(), Value::from(""));
    }
    out
}

/// One event in the older form.
pub(crate) fn event_to_cli(e: &HistoryEvent) -> Value {
    // Through the text the proto export writes, not `to_value`: every attribute type's
    // serializer is then built once, not twice, in the playground's download.
    let text = serde_json::to_string_pretty(e).expect("history events serialize");
    let proto: Value = serde_json::from_str(&text).expect("our own JSON parses");
    let t = e.event_type();
    let attrs = proto.get(t.attributes_key()).and_then(Value::as_object).cloned().unwrap_or_default();
    let mut out = Map::new();
    out.insert("eventId".into(), Value::from(e.event_id));
    out.insert("timestamp".into(), Value::from(e.event_time.0));
    out.insert("eventType".into(), Value::from(t.name()));
    if e.version != 0 {
        out.insert("version".into(), Value::from(e.version));
    }
    if e.task_id != 0 {
        out.insert("taskId".into(), Value::from(e.task_id));
    }
    out.insert(t.attributes_key().into(), Value::Object(attributes_to_cli(t, &attrs)));
    Value::Object(out)
}

/// Writes a history in the older form: a JSON array of events, as `cadence wf show
/// --output_filename` does, one event per line so that exports diff well.
pub fn history_to_cli_json(events: &[HistoryEvent]) -> String {
    let mut s = String::from("[\n");
    for (i, e) in events.iter().enumerate() {
        s.push_str(&event_to_cli(e).to_string());
        s.push_str(if i + 1 < events.len() { ",\n" } else { "\n" });
    }
    s.push(']');
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::history::json::history_from_json;
    use crate::history::{EventAttributes, TimeoutType};
    use crate::scenario::{self, BUILTIN, Scenario};

    /// Files written by `cadence wf show --output_filename` (CLI of Cadence v1.4.1) for
    /// runs of the workshop's Go worker on a real server: a scan, the notification and
    /// delivery; and an amount over 25 that fails after its retries.
    const CLI_FILES: &[(&str, &str)] = &[
        ("happy-path-scan", include_str!("../../tests/fixtures/cli/happy-path-scan.json")),
        ("amount-over-25", include_str!("../../tests/fixtures/cli/amount-over-25.json")),
    ];

    /// Fields of the CLI's files that no event of this workflow uses (postflow does not
    /// keep them, so they cannot come back out).
    const NOT_KEPT: &[&str] = &["forkEventVersion", "cause"];

    fn without_unkept(mut v: Value) -> Value {
        for e in v.as_array_mut().unwrap() {
            if let Some(a) = e.get_mut("decisionTaskTimedOutEventAttributes").and_then(Value::as_object_mut) {
                for k in NOT_KEPT {
                    a.remove(*k);
                }
            }
        }
        v
    }

    #[test]
    fn reads_what_the_cli_writes_and_writes_it_back_field_for_field() {
        for (name, text) in CLI_FILES {
            let events = history_from_json(text).unwrap_or_else(|e| panic!("{name}: {e}"));
            let written: Value = serde_json::from_str(&history_to_cli_json(&events)).unwrap();
            let original = without_unkept(serde_json::from_str(text).unwrap());
            for (i, (w, o)) in written.as_array().unwrap().iter().zip(original.as_array().unwrap()).enumerate() {
                assert_eq!(w, o, "{name}: event {}", i + 1);
            }
            assert_eq!(written.as_array().unwrap().len(), original.as_array().unwrap().len(), "{name}");
        }
    }

    #[test]
    fn the_cli_form_means_what_the_proto_form_means() {
        let events = history_from_json(CLI_FILES[0].1).unwrap();
        let EventAttributes::ActivityTaskStarted(started) = &events[5].attributes else { panic!("{:?}", events[5]) };
        assert_eq!(started.attempt, 2);
        assert_eq!(started.last_failure.as_ref().unwrap().details_text(), "temporary issue, please retry");
        let EventAttributes::ActivityTaskScheduled(s) = &events[4].attributes else { panic!() };
        assert_eq!(s.start_to_close_timeout, Some(std::time::Duration::from_secs(60)));
        assert_eq!(s.retry_policy.as_ref().unwrap().maximum_attempts, 3);
        // The CLI leaves out the zero expiration the server's proto form writes: the
        // same policy either way (the workshop's checks compare them over --cli).
        let real = history_from_json(include_str!("../../tests/fixtures/real/happy-path.json")).unwrap();
        let EventAttributes::ActivityTaskScheduled(r) = &real[4].attributes else { panic!() };
        assert_eq!(s.retry_policy, r.retry_policy);
        assert_eq!(events[0].event_time.0, 1_796_175_854_469_593_523, "timestamp is Unix nanoseconds");
        let scan = events.iter().find_map(|e| match &e.attributes {
            EventAttributes::WorkflowExecutionSignaled(a) if a.signal_name == "ScanSignal" => a.input.clone(),
            _ => None,
        });
        assert_eq!(scan.unwrap().to_text(), r#"{"location":"Delft"}"#);
        let failed = history_from_json(CLI_FILES[1].1).unwrap();
        let EventAttributes::DecisionTaskTimedOut(t) = &failed[8].attributes else { panic!() };
        assert_eq!(t.timeout_type, TimeoutType::ScheduleToStart);
        let EventAttributes::WorkflowExecutionFailed(f) = &failed[12].attributes else { panic!() };
        assert_eq!(
            f.failure.as_ref().unwrap().details_text(),
            "validate payment for order: payment validation failed for order: OrderCLI2"
        );
    }

    #[test]
    fn every_builtin_scenario_survives_the_cli_form() {
        for b in BUILTIN {
            let outcome = scenario::run(&Scenario::parse(b.name, b.toml).unwrap());
            let events = outcome.session.history();
            let text = history_to_cli_json(events);
            assert_eq!(history_from_json(&text).unwrap(), events, "{}", b.name);
            let v: Value = serde_json::from_str(&text).unwrap();
            let first = &v[0];
            assert!(first["eventId"].is_i64() && first["timestamp"].is_i64(), "{}: {first}", b.name);
            assert_eq!(first["eventType"], "WorkflowExecutionStarted");
            assert!(first["workflowExecutionStartedEventAttributes"]["input"].is_string(), "payloads are bare base64");
        }
    }

    #[test]
    fn errors_in_the_cli_form_name_the_field_and_what_it_takes() {
        let event =
            |attrs: &str| format!(r#"[{{"eventId":1,"timestamp":5,"eventType":"TimerStarted","timerStartedEventAttributes":{attrs}}}]"#);
        let err = history_from_json(&event(r#"{"startToFireTimeoutSeconds":"60s"}"#)).unwrap_err().to_string();
        assert!(err.contains("startToFireTimeoutSeconds: expected whole seconds"), "{err}");
        let err = history_from_json(r#"[{"eventId":1,"timestamp":"yesterday","timerFiredEventAttributes":{}}]"#).unwrap_err().to_string();
        assert!(err.contains("timestamp: expected Unix nanoseconds"), "{err}");
        let err =
            history_from_json(r#"[{"eventId":1,"eventType":"TimerFired","timerStartedEventAttributes":{}}]"#).unwrap_err().to_string();
        assert!(err.contains("does not match"), "{err}");
        let err = history_from_json(r#"[{"eventId":1,"eventType":"MarkerRecorded","markerRecordedEventAttributes":{}}]"#)
            .unwrap_err()
            .to_string();
        assert!(err.contains("MarkerRecorded events cannot be read here"), "{err}");
        let err = history_from_json(&event(r#"{"timerId":{"a":1}}"#)).unwrap_err().to_string();
        assert!(err.contains("timerId"), "{err}");
    }
}
