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
    #[error("the file is empty; {FORMS}")]
    Empty,
    /// The JSON stops before its last bracket: a download or a copy that did not finish.
    #[error(
        "the JSON stops at line {line}, column {column} before it is complete: the file was cut short \
         (a download or a copy that did not finish?); {FORMS}"
    )]
    CutShort { line: usize, column: usize },
    #[error("history is not valid JSON ({0}); {FORMS}")]
    Syntax(String),
    #[error("history JSON has no events; {FORMS}")]
    NoEvents,
    /// A history printed for people (a table), which names the events but is no JSON.
    #[error(
        "this is a history printed for reading (what `cadence wf show` prints without --output_filename, or a \
         table of `scenario`), not JSON; write the file with `cadence wf show --output_filename FILE`, or \
         `scenario NAME --format cli-json`"
    )]
    ForReading,
    /// A scenario file (TOML), which plays a history rather than holding one.
    #[error(
        "this is a scenario file (TOML steps), not a history: play it with `scenario FILE` or `tui --scenario FILE` \
         (`--format cli-json` writes the history it makes); {FORMS}"
    )]
    Scenario,
    /// JSON, but not a history: what was found instead.
    #[error("history JSON has no events: this is {0}; {FORMS}")]
    NotAHistory(String),
    /// One page of a history fetched from the HTTP API: the events after it are missing.
    #[error(
        "this is one page of a longer history (its nextPageToken is set): the events after event {0} are not in it; \
         ask for the next pages with that token and put their events together, or export the whole history with \
         `cadence wf show --output_filename`"
    )]
    OnePage(usize),
    /// `index` counts from 0; messages count from 1. `line` is where the event begins in
    /// the text, when the event came from one.
    #[error("history event {} ({}eventId {event_id}): {reason}", .index + 1, at_line(.line))]
    Event { index: usize, line: Option<usize>, event_id: String, reason: String },
}

fn at_line(line: &Option<usize>) -> String {
    line.map(|l| format!("line {l}, ")).unwrap_or_default()
}

/// The forms a history file may take, for error messages.
pub const FORMS: &str = "a history is the JSON array that `cadence wf show --output_filename` writes, \
    or the HTTP API's {\"history\": {\"events\": [...]}} (also {\"events\": [...]} or a bare array)";

/// What a JSON value that is no history is, in a few words, so that a person sees
/// which file they picked.
fn what_it_is(v: &Value) -> String {
    match v {
        Value::Object(o) if o.is_empty() => "an empty object".into(),
        // What the HTTP API answers instead of a history, e.g. for a workflow it does not know.
        Value::Object(o) if o.get("message").is_some_and(Value::is_string) && !o.contains_key("events") => {
            format!("an error the server answered: {}", o["message"])
        }
        Value::Object(o) => {
            let mut keys: Vec<String> = o.keys().take(6).map(|k| format!("{k:?}")).collect();
            if o.len() > keys.len() {
                keys.push("...".into());
            }
            let guess = if ["customer", "amount", "sendFrom"].iter().any(|k| o.contains_key(*k)) {
                " (an order, not a history)"
            } else if ["seed", "cursor", "actions"].iter().all(|k| o.contains_key(*k)) {
                " (a saved session, not a history)"
            } else {
                ""
            };
            format!("an object with the keys {}{guess}", keys.join(", "))
        }
        Value::Array(_) => "an array".into(),
        Value::String(_) => "a string".into(),
        Value::Number(_) => "a number".into(),
        Value::Bool(_) => "a boolean".into(),
        Value::Null => "null".into(),
    }
}

/// The syntax error of a text that is not JSON, in a person's words.
fn syntax_error(text: &str, e: &serde_json::Error) -> HistoryJsonError {
    if text.trim().is_empty() {
        HistoryJsonError::Empty
    } else if !text.trim_start().starts_with(['[', '{'])
        && text.lines().any(|l| l.trim_start().starts_with("1 ") && l.contains("WorkflowExecutionStarted"))
    {
        HistoryJsonError::ForReading
    } else if !text.trim_start().starts_with('{') && text.lines().any(|l| l.trim() == "[[steps]]") {
        HistoryJsonError::Scenario
    } else if e.classify() == serde_json::error::Category::Eof {
        // Where the text ends, not where the parser ran out of it: after a last line
        // break that is "line 2, column 0", a column no editor shows.
        let kept = text.trim_end();
        HistoryJsonError::CutShort { line: kept.lines().count().max(1), column: kept.rsplit('\n').next().map_or(0, |l| l.chars().count()) }
    } else {
        HistoryJsonError::Syntax(e.to_string())
    }
}

/// The line on which each event of the history in `text` begins, in the container
/// `history_from_json` found. Only asked for when an event is refused, so a good file
/// is parsed once. A plain scan of the text, which `history_from_json` has already
/// found to be JSON: serde's borrowed readers for the three containers cost the page
/// more than the scan.
fn event_lines(text: &str, container: Container) -> Vec<usize> {
    // The keys from the top object to the events array.
    let path: &[&str] = match container {
        Container::Array => &[],
        Container::Events => &["events"],
        Container::Response => &["history", "events"],
    };
    let bytes = text.as_bytes();
    let (mut lines, mut line, mut depth, mut on_path) = (Vec::new(), 1, 0, 0);
    // The last string read: the key of the value that follows, when it is one.
    let mut key: Option<&str> = None;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\n' => line += 1,
            b'"' => {
                let start = i + 1;
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                key = text.get(start..i.min(bytes.len()));
            }
            open @ (b'{' | b'[') => {
                // An element of the events array: the path's containers are all open.
                if open == b'{' && on_path == path.len() + 1 && depth == on_path {
                    lines.push(line);
                }
                // The top container, and below it each one opened under the path's next key.
                let on = depth == 0 || path.get(depth - 1).is_some_and(|k| Some(*k) == key);
                if on_path == depth && on {
                    on_path += 1;
                }
                depth += 1;
            }
            b'}' | b']' => {
                depth = depth.saturating_sub(1);
                on_path = on_path.min(depth);
            }
            _ => {}
        }
        i += 1;
    }
    lines
}

/// Where a history's events were found.
#[derive(Clone, Copy)]
enum Container {
    Array,
    Events,
    Response,
}

/// Reads one event from its JSON object, in the proto form or the CLI's older form.
pub fn event_from_value(index: usize, v: &Value) -> Result<HistoryEvent, HistoryJsonError> {
    let obj = v.as_object();
    let id_text = obj.and_then(|o| o.get("eventId")).map(|v| v.to_string().trim_matches('"').to_owned()).unwrap_or_else(|| "?".into());
    let fail = |reason: String| HistoryJsonError::Event { index, line: None, event_id: id_text.clone(), reason };
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
        Some(Value::String(s)) => {
            // Cadence keeps a time as Unix nanoseconds in 64 bits: 1677 to 2262. A year
            // outside it is refused before the arithmetic would overflow.
            if s.get(..4).and_then(|y| y.parse::<u16>().ok()).is_some_and(|y| !(1678..=2261).contains(&y)) {
                return Err(fail(format!("eventTime {s:?}: Cadence's clock holds times from 1678 to 2261")));
            }
            Timestamp::parse_rfc3339(s).map_err(fail)?
        }
        // The thrift form writes Unix nanoseconds.
        Some(Value::Number(n)) => Timestamp(n.as_i64().ok_or_else(|| fail("eventTime out of range".into()))?),
        None | Some(Value::Null) => Timestamp(0),
        Some(other) => return Err(fail(format!("eventTime: expected a time, found {other}"))),
    };
    let (key, attrs) = the_attributes(obj).map_err(fail)?;
    let event_type = EventType::ALL
        .iter()
        .copied()
        .find(|t| t.attributes_key() == key)
        .ok_or_else(|| fail(not_read(key.strip_suffix("EventAttributes").unwrap_or(key))))?;
    let attributes = EventAttributes::from_json(event_type, attrs).map_err(fail)?;
    Ok(HistoryEvent { event_id, event_time, version: int("version")?, task_id: int("taskId")?, attributes })
}

/// The one `*EventAttributes` field of an event object: an event has exactly one, and
/// a second (a hand edit) would leave it unclear which the event is.
pub(crate) fn the_attributes(obj: &serde_json::Map<String, Value>) -> Result<(&String, &Value), String> {
    let mut found = obj.iter().filter(|(k, _)| k.ends_with("EventAttributes"));
    let first = found.next().ok_or("no *EventAttributes field (e.g. \"workflowExecutionStartedEventAttributes\")")?;
    match found.next() {
        Some((second, _)) => Err(format!("two attribute fields, {} and {second}: an event has exactly one", first.0)),
        None => Ok(first),
    }
}

/// Cadence's event types that the workshop's workflow never writes, and when Cadence
/// writes one.
const OTHER_EVENT_TYPES: &[(&str, &str)] = &[
    ("WorkflowExecutionContinuedAsNew", "a workflow continues as a new run"),
    ("MarkerRecorded", "workflow code takes a side effect, runs a local activity or asks GetVersion"),
    ("RequestCancelActivityTaskFailed", "workflow code cancels an activity the server does not know"),
    ("StartChildWorkflowExecutionInitiated", "workflow code starts a child workflow"),
    ("UpsertWorkflowSearchAttributes", "workflow code sets search attributes"),
];

/// Why an event of type `name` (Cadence's name, e.g. `MarkerRecorded`) cannot be read.
pub(crate) fn not_read(name: &str) -> String {
    // The proto key's camelCase (`markerRecorded`) as the type's name.
    let mut chars = name.chars();
    let name: String = chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default();
    let because = OTHER_EVENT_TYPES
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, when)| format!(" (Cadence writes one when {when})"))
        .unwrap_or_default();
    format!(
        "{name} events cannot be read here{because}: postflow reads the {} event types that the workshop's \
         order workflow writes, and this history has another kind",
        EventType::ALL.len()
    )
}

/// A history file's bytes as text. JSON is UTF-8, but a file in UTF-16 with its byte
/// order mark (what Windows PowerShell's `>` writes) is read too; a binary file is
/// named for what it is, with the place of the first byte that is not UTF-8. Every
/// front end that reads a history file can read it through this.
pub fn history_file_text(bytes: Vec<u8>) -> Result<String, String> {
    let utf16 = match bytes.get(..2) {
        Some([0xFF, 0xFE]) => Some(u16::from_le_bytes as fn([u8; 2]) -> u16),
        Some([0xFE, 0xFF]) => Some(u16::from_be_bytes as fn([u8; 2]) -> u16),
        _ => None,
    };
    if let Some(unit) = utf16 {
        let units: Vec<u16> = bytes[2..].chunks(2).map(|c| unit([c[0], *c.get(1).unwrap_or(&0)])).collect();
        return String::from_utf16(&units).map_err(|_| {
            "the file begins as UTF-16 text (Windows PowerShell's `>` writes it so) but is not UTF-16 all through; \
             a history is JSON text: write it with `cadence wf show --output_filename FILE`"
                .to_owned()
        });
    }
    String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        let bytes = e.as_bytes();
        let line = 1 + bytes[..at].iter().filter(|&&b| b == b'\n').count();
        let what = if bytes.contains(&0) { "not a text file" } else { "not UTF-8 text" };
        format!("{what} (byte {} on line {line} is no UTF-8 character); a history is JSON text", at + 1)
    })
}

/// Reads a history from JSON text and checks that event IDs run 1, 2, 3, ...
/// A byte order mark before the JSON (some Windows editors write one) is skipped.
pub fn history_from_json(text: &str) -> Result<Vec<HistoryEvent>, HistoryJsonError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let v: Value = serde_json::from_str(text).map_err(|e| syntax_error(text, &e))?;
    let (events, container) = match &v {
        Value::Array(a) => (a, Container::Array),
        Value::Object(o) => match (o.get("history").and_then(|h| h.get("events")), o.get("events")) {
            (Some(Value::Array(a)), _) => (a, Container::Response),
            (None, Some(Value::Array(a))) => (a, Container::Events),
            _ if o.is_empty() => return Err(HistoryJsonError::NoEvents),
            _ => return Err(HistoryJsonError::NotAHistory(what_it_is(&v))),
        },
        other => return Err(HistoryJsonError::NotAHistory(what_it_is(other))),
    };
    // A run's history begins when it starts: an empty one is no history at all.
    if events.is_empty() {
        return Err(HistoryJsonError::NoEvents);
    }
    let at = |mut e: HistoryJsonError| {
        if let HistoryJsonError::Event { index, line, .. } = &mut e {
            *line = event_lines(text, container).get(*index).copied();
        }
        e
    };
    let mut out: Vec<HistoryEvent> = Vec::with_capacity(events.len());
    for (i, e) in events.iter().enumerate() {
        let event = event_from_value(i, e).map_err(at)?;
        let expected = i as i64 + 1;
        if event.event_id != expected {
            // Every ID below `expected` is taken already.
            let why = if event.event_id < expected {
                format!("eventId {} is used twice", event.event_id)
            } else {
                "events are missing before it, or out of order".to_owned()
            };
            return Err(at(HistoryJsonError::Event {
                index: i,
                line: None,
                event_id: event.event_id.to_string(),
                reason: format!("event IDs run 1, 2, 3, ... in the order of the file, so this one should be {expected} ({why})"),
            }));
        }
        // No run lasts longer than Go's time.Duration holds (292 years): further from
        // the start, the time since it is no number a history can hold.
        if let Some(first) = out.first() {
            let apart = i128::from(event.event_time.0) - i128::from(first.event_time.0);
            if apart.unsigned_abs() > i64::MAX as u128 {
                let side = if apart < 0 { "before" } else { "after" };
                return Err(at(HistoryJsonError::Event {
                    index: i,
                    line: None,
                    event_id: event.event_id.to_string(),
                    reason: format!(
                        "eventTime {} lies more than 292 years {side} the first event's ({}); a workflow's events lie closer together",
                        event.event_time, first.event_time
                    ),
                }));
            }
        }
        out.push(event);
    }
    // The HTTP API hands a long history out in pages: without the later ones the
    // workflow would look still open, at the last event of this page.
    if v.get("nextPageToken").and_then(Value::as_str).is_some_and(|t| !t.is_empty()) {
        return Err(HistoryJsonError::OnePage(out.len()));
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
        assert!(err.to_string().contains("MarkerRecorded events cannot be read here"), "{err}");
        let err = history_from_json(r#"[{"eventId":"2","timerFiredEventAttributes":{}}]"#).unwrap_err();
        assert!(err.to_string().contains("should be 1"), "{err}");
        let err = history_from_json(r#"[{"eventId":"1","eventTime":"yesterday","timerFiredEventAttributes":{}}]"#).unwrap_err();
        assert!(err.to_string().contains("eventId 1"), "{err}");
        let err = history_from_json(r#"[{"eventId":"1","timerStartedEventAttributes":{"startToFireTimeout":"soon"}}]"#).unwrap_err();
        assert!(err.to_string().contains("startToFireTimeout"), "{err}");
        assert_eq!(history_from_json("{}").unwrap_err(), HistoryJsonError::NoEvents);
        for empty in ["[]", r#"{"history":{"events":[]}}"#, r#"{"events":[]}"#] {
            assert_eq!(history_from_json(empty).unwrap_err(), HistoryJsonError::NoEvents, "{empty}");
        }
        assert!(matches!(history_from_json("[").unwrap_err(), HistoryJsonError::CutShort { line: 1, column: 1 }));
        // A saved file ends in a line break: the place is its last character, not "line 2, column 0".
        let cut = "{\"history\": {\"events\": [ {\"eventId\": \"1\"\n";
        assert_eq!(history_from_json(cut).unwrap_err(), HistoryJsonError::CutShort { line: 1, column: 40 });
        assert!(matches!(history_from_json("[}").unwrap_err(), HistoryJsonError::Syntax(_)));
    }

    const REAL: &str = include_str!("../../tests/fixtures/real/happy-path.json");

    /// The real server's history, one event a line as the CLI form is laid out here:
    /// event k is on line k + 1.
    fn one_event_a_line(edit: impl Fn(&mut Vec<Value>)) -> String {
        let v: Value = serde_json::from_str(REAL).unwrap();
        let mut events = v["history"]["events"].as_array().unwrap().clone();
        edit(&mut events);
        let lines: Vec<String> = events.iter().map(Value::to_string).collect();
        format!("[\n{}\n]", lines.join(",\n"))
    }

    #[test]
    fn an_empty_a_cut_short_or_a_wrong_file_is_named_for_what_it_is() {
        for empty in ["", "  \n\t"] {
            assert_eq!(history_from_json(empty), Err(HistoryJsonError::Empty), "{empty:?}");
        }
        assert!(history_from_json("").unwrap_err().to_string().starts_with("the file is empty; a history is"));
        // A download that stopped on line 3: the place, and what most likely happened.
        let text = one_event_a_line(|_| ());
        let cut = &text[..text.match_indices('\n').nth(2).unwrap().0 + 40];
        let err = history_from_json(cut).unwrap_err();
        assert!(matches!(err, HistoryJsonError::CutShort { line: 4, .. }), "{err:?}");
        assert!(err.to_string().starts_with("the JSON stops at line 4, column "), "{err}");
        assert!(err.to_string().contains("the file was cut short"), "{err}");
        // An order, a saved session, a number: JSON, but no history.
        let order = r#"{"id":"Order123","customer":"Cadence","amount":20,"address":"Uber office","sendFrom":"Aarhus"}"#;
        let err = history_from_json(order).unwrap_err().to_string();
        assert!(
            err.starts_with("history JSON has no events: this is an object with the keys ") && err.contains("(an order, not a history)"),
            "{err}"
        );
        let err = history_from_json(r#"{"seed":1,"cursor":0,"actions":[]}"#).unwrap_err().to_string();
        assert!(err.contains("(a saved session, not a history)"), "{err}");
        assert!(history_from_json("42").unwrap_err().to_string().starts_with("history JSON has no events: this is a number; "));
    }

    #[test]
    fn a_history_printed_for_reading_or_a_servers_error_is_named() {
        // `cadence wf show` without --output_filename, and the scenario runner's table.
        let shown = "  1  WorkflowExecutionStarted    {WorkflowType:{Name:OrderProcessingWorkflowComplete}}\n  \
                     2  DecisionTaskScheduled       {TaskList:{Name:tasklist}}\n";
        let table = "1   +0s    WorkflowExecutionStarted    type=OrderProcessingWorkflowComplete taskList=tasklist\n";
        for text in [shown, table] {
            let err = history_from_json(text).unwrap_err();
            assert_eq!(err, HistoryJsonError::ForReading, "{text}");
            assert!(err.to_string().contains("write the file with `cadence wf show --output_filename FILE`"), "{err}");
        }
        // A scenario file picked by mistake: its first key reads as a syntax error.
        let err = history_from_json(include_str!("../../../scenarios/happy-path.toml")).unwrap_err();
        assert_eq!(err, HistoryJsonError::Scenario);
        assert!(err.to_string().starts_with("this is a scenario file (TOML steps), not a history: play it with `scenario FILE`"));
        let answer = r#"{"code":5,"message":"Workflow execution not found.","details":[]}"#;
        let err = history_from_json(answer).unwrap_err().to_string();
        assert!(
            err.starts_with("history JSON has no events: this is an error the server answered: \"Workflow execution not found.\""),
            "{err}"
        );
    }

    #[test]
    fn a_byte_order_mark_before_the_json_is_skipped() {
        let with_bom = format!("\u{feff}{REAL}");
        assert_eq!(history_from_json(&with_bom).unwrap(), history_from_json(REAL).unwrap());
    }

    #[test]
    fn an_event_in_error_is_counted_from_1_with_the_line_it_begins_on() {
        // The 6th event given the 5th one's ID, as a copy and paste leaves it.
        let text = one_event_a_line(|e| e[5]["eventId"] = "5".into());
        let err = history_from_json(&text).unwrap_err().to_string();
        assert_eq!(
            err,
            "history event 6 (line 7, eventId 5): event IDs run 1, 2, 3, ... in the order of the file, \
             so this one should be 6 (eventId 5 is used twice)"
        );
        let text = one_event_a_line(|e| e.swap(3, 4));
        let err = history_from_json(&text).unwrap_err().to_string();
        assert!(
            err.starts_with("history event 4 (line 5, eventId 5): ") && err.ends_with("(events are missing before it, or out of order)"),
            "{err}"
        );
        // In the HTTP API's pretty-printed form too: the line of the event's `{`.
        let pretty = history_to_json(&history_from_json(REAL).unwrap()).replacen("\"eventId\": \"3\"", "\"eventId\": \"three\"", 1);
        let line = 1 + pretty[..pretty.find("\"three\"").unwrap()].matches('\n').count() - 1;
        let err = history_from_json(&pretty).unwrap_err().to_string();
        assert!(err.starts_with(&format!("history event 3 (line {line}, eventId three): eventId: ")), "{err}");
        // Under "events" beside another array of objects, and with a string holding a
        // brace and an escaped quote: only the events' own braces count.
        let text = "{\"note\": [{\"a\": \"{\\\"[\"}],\n \"events\": [\n{\"eventId\": \"1\"},\n\n{\"eventId\": 7}]}";
        let err = history_from_json(text).unwrap_err().to_string();
        assert!(err.starts_with("history event 1 (line 3, eventId 1)"), "the note's object is no event: {err}");
        // An event read on its own (the bridge's pages) has no line to name.
        let err = event_from_value(0, &Value::from(7)).unwrap_err().to_string();
        assert_eq!(err, "history event 1 (eventId ?): an event must be a JSON object");
    }

    #[test]
    fn an_event_with_two_attribute_fields_is_refused_in_either_form() {
        let proto = r#"[{"eventId":"1","timerFiredEventAttributes":{"timerId":"3"},"timerStartedEventAttributes":{"timerId":"3"}}]"#;
        let cli =
            r#"[{"eventId":1,"timestamp":5,"eventType":"TimerFired","timerFiredEventAttributes":{},"timerStartedEventAttributes":{}}]"#;
        for text in [proto, cli] {
            let err = history_from_json(text).unwrap_err().to_string();
            assert!(
                err.ends_with("two attribute fields, timerFiredEventAttributes and timerStartedEventAttributes: an event has exactly one"),
                "{err}"
            );
        }
    }

    #[test]
    fn an_event_type_of_another_workflow_says_what_writes_it() {
        let marker = one_event_a_line(|e| {
            e.truncate(4);
            e.push(serde_json::json!({"eventId": "5", "markerRecordedEventAttributes": {"markerName": "SideEffect"}}));
        });
        let err = history_from_json(&marker).unwrap_err().to_string();
        assert!(
            err.starts_with(
                "history event 5 (line 6, eventId 5): MarkerRecorded events cannot be read here (Cadence writes one \
                 when workflow code takes a side effect, runs a local activity or asks GetVersion): postflow reads the "
            ),
            "{err}"
        );
    }

    #[test]
    fn times_no_64_bit_clock_holds_are_refused_not_a_panic() {
        let time = |t: Value| one_event_a_line(move |e| e[3]["eventTime"] = t.clone());
        for (t, says) in [
            (Value::from("9999-12-31T23:59:59Z"), "eventTime \"9999-12-31T23:59:59Z\": Cadence's clock holds times from 1678 to 2261"),
            (Value::from("1500-01-01T00:00:00Z"), "Cadence's clock holds times from 1678 to 2261"),
            (Value::from("1700-01-01T00:00:00Z"), "lies more than 292 years before the first event's (2026-11-25T17:15:43.391061825Z)"),
            (Value::from(i64::MIN), "lies more than 292 years before the first event's"),
        ] {
            let err = history_from_json(&time(t.clone())).unwrap_err().to_string();
            assert!(err.starts_with("history event 4 (line 5, eventId 4): ") && err.contains(says), "{t}: {err}");
        }
        // In the CLI's form, in nanoseconds, too.
        let mut cli: Value = serde_json::from_str(&super::super::cli_json::history_to_cli_json(&history_from_json(REAL).unwrap())).unwrap();
        cli[0]["timestamp"] = i64::MAX.into();
        cli[1]["timestamp"] = i64::MIN.into();
        let cli = format!("[\n{}\n]", cli.as_array().unwrap().iter().map(Value::to_string).collect::<Vec<_>>().join(",\n"));
        let err = history_from_json(&cli).unwrap_err().to_string();
        assert!(err.starts_with("history event 2 (line 3, eventId 2): eventTime ") && err.contains("292 years before"), "{err}");
    }

    #[test]
    fn one_page_of_a_longer_history_is_refused_not_shown_as_an_open_workflow() {
        let mut v: Value = serde_json::from_str(REAL).unwrap();
        v["nextPageToken"] = "CAEQARgB".into();
        let err = history_from_json(&v.to_string()).unwrap_err();
        assert_eq!(err, HistoryJsonError::OnePage(44));
        assert!(err.to_string().contains("the events after event 44 are not in it"), "{err}");
        // The last page has none (or an empty one): the whole history.
        v["nextPageToken"] = "".into();
        assert_eq!(history_from_json(&v.to_string()).unwrap().len(), 44);
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
