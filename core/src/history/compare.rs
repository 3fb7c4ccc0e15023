//! Comparing two histories of the same workflow: a real server's with the
//! simulator's (`bridge scenario run --compare`), or a workshop participant's with the
//! reference solution's (the workshop's checks).
//!
//! Both sides are read into core's event model and written back with core's JSON
//! writer, so only meaning is compared, not formatting. Then the fields that cannot
//! match between two runs are dropped: event times, task IDs, versions, run and
//! request IDs, identities, binary checksums, and the names of sticky task lists (a
//! worker's own `<host>:<uuid>`). Whether a decision task went to a sticky list or to
//! the workflow's task list still counts: both our worker and the simulator's model
//! of a Go worker use stickiness, so they must agree on where each task went.

use super::json::history_to_json;
use super::{EventAttributes, HistoryEvent};
use serde_json::Value;

/// Attribute keys whose values differ between any two runs.
const IGNORED_KEYS: &[&str] = &["identity", "requestId", "originalExecutionRunId", "firstExecutionRunId", "runId", "binaryChecksum"];

/// One line per event: `<id> <type> <attributes as canonical JSON>`.
pub fn normalise(events: &[HistoryEvent]) -> Vec<String> {
    let v: Value = serde_json::from_str(&history_to_json(events)).unwrap_or(Value::Null);
    let list = v["history"]["events"].as_array().cloned().unwrap_or_default();
    list.into_iter()
        .zip(events)
        .map(|(mut e, ev)| {
            let attrs = e.as_object_mut().and_then(|o| o.iter_mut().find(|(k, _)| k.ends_with("EventAttributes")).map(|(_, v)| v.take()));
            let mut attrs = attrs.unwrap_or(Value::Null);
            scrub(&mut attrs);
            // In history a sticky list carries only its name, the worker's host and a
            // UUID: which one it was cannot match, that it was one must.
            if let EventAttributes::DecisionTaskScheduled(d) = &ev.attributes
                && d.task_list.is_sticky()
                && let Some(tl) = attrs.get_mut("taskList").and_then(Value::as_object_mut)
            {
                tl.insert("name".into(), Value::String("<sticky>".into()));
                tl.remove("kind");
            }
            format!("{} {} {}", ev.event_id, ev.event_type().name(), attrs)
        })
        .collect()
}

fn scrub(v: &mut Value) {
    match v {
        Value::Object(o) => {
            o.retain(|k, _| !IGNORED_KEYS.contains(&k.as_str()));
            // A sticky task list is named after the worker that owns it.
            if o.get("kind").and_then(Value::as_str) == Some("TASK_LIST_KIND_STICKY") {
                o.insert("name".into(), Value::String("<sticky>".into()));
            }
            o.values_mut().for_each(scrub);
        }
        Value::Array(a) => a.iter_mut().for_each(scrub),
        _ => {}
    }
}

/// A readable diff of two normalised histories; empty when they are equal.
/// Every differing event is shown as `- simulator` / `+ real server` pairs.
pub fn diff(simulated: &[String], real: &[String]) -> Vec<String> {
    diff_labeled(["simulator", "real server"], simulated, real)
}

/// [`diff`] of two histories named by `labels` (who wrote each: "Go worker").
pub fn diff_labeled(labels: [&str; 2], a: &[String], b: &[String]) -> Vec<String> {
    let width = labels[0].len().max(labels[1].len()) + 1;
    let mut out = Vec::new();
    for i in 0..a.len().max(b.len()) {
        match (a.get(i), b.get(i)) {
            (Some(x), Some(y)) if x == y => {}
            (x, y) => {
                out.push(format!("- {:width$} {}", format!("{}:", labels[0]), x.map_or("(no event)", String::as_str)));
                out.push(format!("+ {:width$} {}", format!("{}:", labels[1]), y.map_or("(no event)", String::as_str)));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::history::json::history_from_json;

    fn fixture(name: &str) -> Vec<HistoryEvent> {
        let path = format!("{}/tests/fixtures/real/{name}.json", env!("CARGO_MANIFEST_DIR"));
        history_from_json(&std::fs::read_to_string(path).unwrap()).unwrap()
    }

    #[test]
    fn what_differs_between_runs_is_ignored_and_nothing_else() {
        let a = fixture("happy-path");
        let mut b = a.clone();
        for e in &mut b {
            e.event_time = crate::time::Timestamp(e.event_time.0 + 5_000_000_000);
            e.task_id += 7;
            if let crate::history::EventAttributes::WorkflowExecutionStarted(s) = &mut e.attributes {
                s.original_execution_run_id = "other".into();
                s.first_execution_run_id = "other".into();
                s.identity = "someone-else".into();
                s.request_id = "r".into();
            }
        }
        assert!(diff(&normalise(&a), &normalise(&b)).is_empty());
        if let crate::history::EventAttributes::TimerStarted(t) = &mut b[22].attributes {
            t.timer_id = "99".into();
        } else {
            panic!("event 23 is not TimerStarted: {:?}", b[22].event_type());
        }
        let d = diff(&normalise(&a), &normalise(&b));
        assert_eq!(d.len(), 2, "{d:#?}");
        assert!(d[0].starts_with("- simulator:   23 TimerStarted") && d[1].contains("\"99\""), "{d:#?}");
        let d = diff_labeled(["Go worker", "Rust worker"], &normalise(&a), &normalise(&b));
        assert!(d[0].starts_with("- Go worker:   23 TimerStarted") && d[1].starts_with("+ Rust worker: 23 TimerStarted"), "{d:#?}");
    }

    #[test]
    fn sticky_list_names_are_ignored_but_not_where_a_decision_task_went() {
        // The fixture comes from a Go worker with a sticky list ("vm:<uuid>").
        let go = fixture("happy-path");
        let mut other_worker = go.clone();
        let mut plain = go.clone();
        let mut changed = 0;
        for (o, p) in other_worker.iter_mut().zip(&mut plain) {
            if let (EventAttributes::DecisionTaskScheduled(o), EventAttributes::DecisionTaskScheduled(p)) =
                (&mut o.attributes, &mut p.attributes)
                && o.task_list.is_sticky()
            {
                o.task_list.name = "postflow-host:0b5c".into();
                p.task_list.name = "tasklist".into();
                changed += 1;
            }
        }
        assert!(changed > 0, "the fixture has no sticky decision task list");
        assert!(diff(&normalise(&go), &normalise(&other_worker)).is_empty(), "another worker's sticky list name is not a difference");
        assert_eq!(diff(&normalise(&go), &normalise(&plain)).len(), 2 * changed, "a decision task on the normal list instead is");
        // An activity on another task list is a real difference.
        if let EventAttributes::ActivityTaskScheduled(a) = &mut other_worker[4].attributes {
            a.task_list.name = "elsewhere".into();
        }
        assert_eq!(diff(&normalise(&go), &normalise(&other_worker)).len(), 2);
    }

    #[test]
    fn a_missing_event_is_shown() {
        let a = fixture("amount-over-25");
        let d = diff(&normalise(&a), &normalise(&a[..a.len() - 1]));
        assert_eq!(d.len(), 2);
        assert!(d[1].contains("(no event)"));
    }
}
