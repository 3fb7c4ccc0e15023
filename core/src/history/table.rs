//! The one-line-per-event text form of a history (`docs/golden-format.md`): what the
//! scenario runner prints and what golden files hold, so a failing test shows a
//! readable diff.

use std::fmt::Write as _;

use super::{EventAttributes, HistoryEvent, RetryPolicy};
use crate::payload::{Failure, Payload};
use crate::time::Timestamp;

/// Renders events, one per line, with `---` between batches. `batches[i]` is the
/// batch number of `events[i]`; with no batch information every event stands alone.
/// The ID and time columns are as wide as the history's widest, so that the event
/// types stand in one column however long the run (`+5s` beside `+1380s`, event 9
/// beside event 1468).
pub fn render(events: &[HistoryEvent], batches: Option<&[u32]>) -> String {
    let start = events.first().map(|e| e.event_time).unwrap_or_default();
    let widths = Widths {
        id: events.iter().map(|e| e.event_id.to_string().len()).max().unwrap_or(0).max(3),
        time: events.iter().map(|e| offset(e.event_time, start).len()).max().unwrap_or(0),
    };
    let mut out = String::new();
    for (i, e) in events.iter().enumerate() {
        if i > 0 && batches.is_some_and(|b| b.get(i) != b.get(i - 1)) {
            out.push_str("---\n");
        }
        out.push_str(&padded_line(e, start, widths));
        out.push('\n');
    }
    out
}

/// The widths of a table's ID and time columns.
#[derive(Clone, Copy)]
struct Widths {
    id: usize,
    time: usize,
}

/// One event as `<id> +<s>s <Type> <attributes>`.
pub fn line(e: &HistoryEvent, start: Timestamp) -> String {
    padded_line(e, start, Widths { id: 3, time: 0 })
}

fn padded_line(e: &HistoryEvent, start: Timestamp, w: Widths) -> String {
    let at = offset(e.event_time, start);
    let mut s =
        format!("{:<id$} {at:<time$} {:<27} {}", e.event_id, e.event_type().name(), attributes(&e.attributes), id = w.id, time = w.time);
    s.truncate(s.trim_end().len());
    s
}

/// Whole seconds from `start` to `t`, signed: `+93s`, or `-5s` for an event a file
/// puts before the workflow's start (only a hand-edited file does).
fn offset(t: Timestamp, start: Timestamp) -> String {
    // In i128: the two instants may be any i64 a file holds.
    let secs = (i128::from(t.0) - i128::from(start.0)).div_euclid(1_000_000_000);
    if secs < 0 { format!("{secs}s") } else { format!("+{secs}s") }
}

/// The key attributes of an event, as `name=value` pairs.
pub fn attributes(a: &EventAttributes) -> String {
    let mut s = String::new();
    let mut kv = |k: &str, v: &dyn std::fmt::Display| {
        if !s.is_empty() {
            s.push(' ');
        }
        let _ = write!(s, "{k}={v}");
    };
    match a {
        EventAttributes::WorkflowExecutionStarted(a) => {
            kv("type", &a.workflow_type.name);
            kv("taskList", &a.task_list.name);
            if let Some(p) = &a.input {
                kv("input", &payload(p));
            }
            kv("executionTimeout", &secs(a.execution_start_to_close_timeout));
            kv("decisionTimeout", &secs(a.task_start_to_close_timeout));
        }
        EventAttributes::DecisionTaskScheduled(a) => {
            kv("taskList", &if a.task_list.is_sticky() { "sticky" } else { &a.task_list.name });
            kv("timeout", &secs(a.start_to_close_timeout));
            kv("attempt", &a.attempt);
        }
        EventAttributes::DecisionTaskStarted(a) => kv("scheduled", &a.scheduled_event_id),
        EventAttributes::DecisionTaskCompleted(a) => {
            kv("scheduled", &a.scheduled_event_id);
            kv("started", &a.started_event_id);
        }
        EventAttributes::DecisionTaskFailed(a) => {
            kv("scheduled", &a.scheduled_event_id);
            kv("started", &a.started_event_id);
            kv("cause", &a.cause.trim_start_matches("DECISION_TASK_FAILED_CAUSE_"));
            // Why the worker failed it (a panic's message, say): without it, `wf show`
            // names only the cause, and the reason is in the worker's log alone.
            if let Some(f) = a.failure.as_ref().filter(|f| !f.is_empty()) {
                kv("failure", &failure(f));
            }
        }
        EventAttributes::DecisionTaskTimedOut(a) => {
            kv("scheduled", &a.scheduled_event_id);
            kv("started", &a.started_event_id);
            kv("timeoutType", &a.timeout_type.short_name());
        }
        EventAttributes::ActivityTaskScheduled(a) => {
            kv("activityId", &a.activity_id);
            kv("type", &a.activity_type.name);
            if let Some(p) = &a.input {
                kv("input", &payload(p));
            }
            kv("scheduleToStart", &secs(a.schedule_to_start_timeout));
            kv("scheduleToClose", &secs(a.schedule_to_close_timeout));
            kv("startToClose", &secs(a.start_to_close_timeout));
            kv("heartbeat", &secs(a.heartbeat_timeout));
            if let Some(r) = &a.retry_policy {
                kv("retry", &retry(r));
            }
            kv("decision", &a.decision_task_completed_event_id);
        }
        EventAttributes::ActivityTaskStarted(a) => {
            kv("scheduled", &a.scheduled_event_id);
            kv("attempt", &a.attempt);
            if let Some(f) = a.last_failure.as_ref().filter(|f| !f.is_empty()) {
                kv("lastFailure", &failure(f));
            }
        }
        EventAttributes::ActivityTaskCompleted(a) => {
            kv("scheduled", &a.scheduled_event_id);
            kv("started", &a.started_event_id);
            if let Some(p) = &a.result {
                kv("result", &payload(p));
            }
        }
        EventAttributes::ActivityTaskFailed(a) => {
            kv("scheduled", &a.scheduled_event_id);
            kv("started", &a.started_event_id);
            if let Some(f) = &a.failure {
                kv("failure", &failure(f));
            }
        }
        EventAttributes::ActivityTaskTimedOut(a) => {
            kv("scheduled", &a.scheduled_event_id);
            if a.started_event_id != 0 {
                kv("started", &a.started_event_id);
            }
            kv("timeoutType", &a.timeout_type.short_name());
            if let Some(f) = a.last_failure.as_ref().filter(|f| !f.is_empty()) {
                kv("lastFailure", &failure(f));
            }
        }
        EventAttributes::TimerStarted(a) => {
            kv("timerId", &a.timer_id);
            kv("fireAfter", &secs(a.start_to_fire_timeout));
            kv("decision", &a.decision_task_completed_event_id);
        }
        EventAttributes::TimerFired(a) => {
            kv("timerId", &a.timer_id);
            kv("started", &a.started_event_id);
        }
        EventAttributes::TimerCanceled(a) => {
            kv("timerId", &a.timer_id);
            kv("started", &a.started_event_id);
            kv("decision", &a.decision_task_completed_event_id);
        }
        EventAttributes::CancelTimerFailed(a) => {
            kv("timerId", &a.timer_id);
            kv("cause", &a.cause);
            kv("decision", &a.decision_task_completed_event_id);
        }
        EventAttributes::WorkflowExecutionSignaled(a) => {
            kv("signal", &one_line(&a.signal_name));
            if let Some(p) = a.input.as_ref().filter(|p| !p.is_empty()) {
                kv("input", &payload(p));
            }
        }
        EventAttributes::WorkflowExecutionCompleted(a) => {
            if let Some(p) = &a.result {
                kv("result", &payload(p));
            }
            kv("decision", &a.decision_task_completed_event_id);
        }
        EventAttributes::WorkflowExecutionFailed(a) => {
            if let Some(f) = &a.failure {
                kv("failure", &failure(f));
            }
            kv("decision", &a.decision_task_completed_event_id);
        }
        EventAttributes::WorkflowExecutionTimedOut(a) => kv("timeoutType", &a.timeout_type.short_name()),
        EventAttributes::WorkflowExecutionTerminated(a) => {
            if !a.reason.is_empty() {
                kv("reason", &one_line(&a.reason));
            }
            if let Some(p) = a.details.as_ref().filter(|p| !p.is_empty()) {
                kv("details", &payload(p));
            }
        }
        EventAttributes::WorkflowExecutionCancelRequested(a) => {
            if !a.cause.is_empty() {
                kv("cause", &one_line(&a.cause));
            }
        }
        EventAttributes::ActivityTaskCancelRequested(a) => {
            kv("activityId", &a.activity_id);
            kv("decision", &a.decision_task_completed_event_id);
        }
        EventAttributes::ActivityTaskCanceled(a) => {
            kv("scheduled", &a.scheduled_event_id);
            if a.started_event_id != 0 {
                kv("started", &a.started_event_id);
            }
            kv("cancelRequested", &a.latest_cancel_requested_event_id);
        }
        EventAttributes::WorkflowExecutionCanceled(a) => {
            if let Some(p) = a.details.as_ref().filter(|p| !p.is_empty()) {
                kv("details", &payload(p));
            }
            kv("decision", &a.decision_task_completed_event_id);
        }
    }
    s
}

fn secs(d: Option<std::time::Duration>) -> String {
    format!("{}s", d.unwrap_or_default().as_secs())
}

/// Payload bytes as text with each newline written as `\n`.
pub fn payload(p: &Payload) -> String {
    one_line(&trimmed(&p.to_text(), MAX_FIELD_LENGTH))
}

/// The longest field `cadence wf show` prints whole (its `--max_field_length`
/// default): a megabyte scan is its start and its end, not a screen of text.
pub const MAX_FIELD_LENGTH: usize = 500;

/// `text` as the CLI shortens a field: whole when it has at most `max` characters, else
/// its first and last `max / 2` with ` ... ` between.
pub fn trimmed(text: &str, max: usize) -> std::borrow::Cow<'_, str> {
    // A megabyte field is met on every frame: count from both ends, never the whole
    // text (a byte count bounds the characters from above).
    if text.len() <= max || text.char_indices().nth(max).is_none() {
        return text.into();
    }
    let half = max / 2;
    let head = text.char_indices().nth(half).map_or(text.len(), |(i, _)| i);
    let tail = match half {
        0 => text.len(),
        _ => text.char_indices().nth_back(half - 1).map_or(0, |(i, _)| i),
    };
    format!("{} ... {}", &text[..head], &text[tail..]).into()
}

/// Text someone typed (a signal's name, a terminate's reason) on the event's one line:
/// each newline written as `\n`, as in a payload.
fn one_line(text: &str) -> String {
    text.replace('\n', "\\n")
}

/// `<reason> "<details>"`, the details as a JSON string.
pub fn failure(f: &Failure) -> String {
    format!("{} {}", f.reason, serde_json::Value::String(f.details_text()))
}

pub fn retry(r: &RetryPolicy) -> String {
    format!("{},{},{},{}", secs(r.initial_interval), r.backoff_coefficient, secs(r.maximum_interval), r.maximum_attempts)
}

/// A golden file's lines in comparable form: comments and blank lines dropped,
/// whitespace runs folded to one space.
pub fn normalize(text: &str) -> Vec<String> {
    text.lines().map(|l| l.split_whitespace().collect::<Vec<_>>().join(" ")).filter(|l| !l.is_empty() && !l.starts_with('#')).collect()
}

/// A line-by-line comparison for people: `None` when equal, else the first
/// differences with both sides.
pub fn diff(expected: &str, actual: &str) -> Option<String> {
    let (e, a) = (normalize(expected), normalize(actual));
    if e == a {
        return None;
    }
    let mut out = String::new();
    let mut shown = 0;
    for i in 0..e.len().max(a.len()) {
        let (x, y) = (e.get(i), a.get(i));
        if x != y {
            let _ = writeln!(out, "line {}:\n  expected: {}\n  actual:   {}", i + 1, x.map_or("<none>", |s| s), y.map_or("<none>", |s| s));
            shown += 1;
            if shown == 8 {
                out.push_str("  ...\n");
                break;
            }
        }
    }
    Some(out)
}

/// An activity attempt, one way on every screen: Cadence's own number (from 0, as
/// `attempt=` in history), then which try that is, and of how many.
/// `attempt_label(1, 3)` is "attempt=1 (try 2 of 3)".
pub fn attempt_label(attempt: i32, maximum_attempts: i32) -> String {
    if maximum_attempts > 0 {
        format!("attempt={attempt} (try {} of {maximum_attempts})", attempt + 1)
    } else {
        format!("attempt={attempt} (try {})", attempt + 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::history::EventAttributes;

    #[test]
    fn normalize_ignores_comments_blank_lines_and_spacing() {
        let a = "# header\n\n1  +0s   Foo   a=1\n---\n";
        assert_eq!(normalize(a), vec!["1 +0s Foo a=1", "---"]);
        assert!(diff(a, "1 +0s Foo a=1\n---").is_none());
        let d = diff(a, "1 +0s Foo a=2\n").unwrap();
        assert!(d.contains("expected: 1 +0s Foo a=1") && d.contains("actual:   1 +0s Foo a=2") && d.contains("<none>"), "{d}");
    }

    fn fired(event_id: i64, event_time: Timestamp) -> HistoryEvent {
        let attributes =
            EventAttributes::TimerFired(crate::history::TimerFiredEventAttributes { timer_id: "3".into(), started_event_id: 2 });
        HistoryEvent { event_id, event_time, version: 0, task_id: 0, attributes }
    }

    /// The column of the event type on each line: where its name begins.
    fn type_columns(table: &str) -> Vec<usize> {
        table.lines().filter(|l| *l != "---").map(|l| l.find("TimerFired").unwrap()).collect()
    }

    #[test]
    fn the_type_column_stays_put_in_a_long_run() {
        // 1,200 events over 6,000 s: IDs of 1 to 4 digits, times of 3 to 6 characters.
        let events: Vec<HistoryEvent> =
            (1..=1200).map(|i| fired(i, crate::time::EPOCH.plus(std::time::Duration::from_secs(5 * i as u64 - 5)))).collect();
        let batches: Vec<u32> = (0..1200).map(|i| i / 7).collect();
        for table in [render(&events, None), render(&events, Some(&batches))] {
            let columns = type_columns(&table);
            assert_eq!(columns.len(), 1200);
            assert!(columns.iter().all(|&c| c == columns[0]), "{:?}", &table[..400]);
            let lines: Vec<&str> = table.lines().filter(|l| *l != "---").collect();
            assert!(lines[0].starts_with("1    +0s    TimerFired"), "{}", lines[0]);
            assert!(lines[1199].starts_with("1200 +5995s TimerFired"), "{}", lines[1199]);
        }
        // Still the golden format: the padding means nothing to a comparison.
        assert_eq!(normalize(&render(&events[..1], None)), vec!["1 +0s TimerFired timerId=3 started=2"]);
    }

    #[test]
    fn an_event_a_file_puts_before_the_start_shows_a_negative_time() {
        let events = [
            fired(1, Timestamp(10_000_000_000)),
            fired(2, Timestamp(4_000_000_000)),
            fired(3, Timestamp(i64::MIN)),
            fired(4, Timestamp(i64::MAX)),
        ];
        let lines = normalize(&render(&events, None));
        assert_eq!(lines[1], "2 -6s TimerFired timerId=3 started=2");
        assert!(lines[2].starts_with("3 -9223372047s ") && lines[3].starts_with("4 +9223372026s "), "{lines:?}");
    }

    #[test]
    fn a_failed_decision_task_says_why_the_worker_failed_it() {
        let failed = |failure| {
            EventAttributes::DecisionTaskFailed(crate::history::DecisionTaskFailedEventAttributes {
                scheduled_event_id: 2,
                started_event_id: 3,
                cause: "WORKFLOW_WORKER_UNHANDLED_FAILURE".into(),
                failure,
                identity: Default::default(),
            })
        };
        assert_eq!(
            attributes(&failed(Some(Failure::generic("the workflow code panicked: boom")))),
            "scheduled=2 started=3 cause=WORKFLOW_WORKER_UNHANDLED_FAILURE failure=cadenceInternal:Generic \"the workflow code panicked: boom\""
        );
        assert_eq!(attributes(&failed(None)), "scheduled=2 started=3 cause=WORKFLOW_WORKER_UNHANDLED_FAILURE");
    }

    #[test]
    fn payloads_show_newlines_and_failures_quote_details() {
        assert_eq!(payload(&Payload::from("\"Payment successful\"\n")), "\"Payment successful\"\\n");
        // A field over 500 characters is cut as `cadence wf show` cuts it: its first and
        // last 250 around ` ... `.
        let long = format!("{{\"location\":\"{}\"}}", "é".repeat(1_000));
        let shown = payload(&Payload::from(long.as_str()));
        assert_eq!(shown.chars().count(), 505);
        assert!(shown.starts_with("{\"location\":\"éé") && shown.contains("éé ... éé") && shown.ends_with("éé\"}"), "{shown}");
        assert_eq!(trimmed(&"x".repeat(500), 500).len(), 500);
        // Counted from both ends, it cuts where counting every character cuts.
        let by_count = |text: &str, max: usize| {
            let chars: Vec<char> = text.chars().collect();
            if chars.len() <= max {
                return text.to_owned();
            }
            let (head, tail) = (&chars[..max / 2], &chars[chars.len() - max / 2..]);
            format!("{} ... {}", head.iter().collect::<String>(), tail.iter().collect::<String>())
        };
        for text in ["", "a", "ab", "abc", "éé", "東京東京東", "x東é東xé東", &"é東a".repeat(400)] {
            for max in [0, 1, 2, 3, 4, 5, 499, 500, 501] {
                assert_eq!(trimmed(text, max), by_count(text, max), "{text:?} at {max}");
            }
        }
        assert_eq!(failure(&Failure::generic("customer is required")), "cadenceInternal:Generic \"customer is required\"");
    }
}
