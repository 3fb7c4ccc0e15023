//! The verdict of one check, and the first place where a participant's run and the
//! reference solution's part, side by side. Front ends draw [`CheckReport`] as they
//! like; [`CheckReport::render`] is the plain-text form the `workshop` binary prints.

use serde::{Deserialize, Serialize};

use super::diagnose::{self, Ctx};
use super::{Check, Run, StepResult, Track};
use crate::history::compare::normalise;
use crate::history::{HistoryEvent, table};
use crate::wrap::wrap;

/// What a check found.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckReport {
    /// "7.2".
    pub label: String,
    pub name: String,
    pub expectation: String,
    pub passed: bool,
    /// Why it failed, in the workshop's words.
    pub message: Option<String>,
    /// The first history event where the runs part.
    pub difference: Option<Difference>,
}

/// The first history event where two runs part, with a few events before it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Difference {
    pub event_id: i64,
    /// In words: what the reference has there, and what yours has.
    pub explanation: String,
    pub rows: Vec<SideBySide>,
}

/// One row of the side-by-side view: the reference's event and yours.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SideBySide {
    pub reference: String,
    pub yours: String,
    pub differs: bool,
}

/// How many events before the first difference are shown.
const CONTEXT: usize = 3;

pub(super) fn judge(check: &Check, yours: &Run, reference: &Run, track: Track, timer_unit: std::time::Duration) -> CheckReport {
    let mut r = CheckReport {
        label: check.label(),
        name: check.name.into(),
        expectation: check.expectation.into(),
        passed: false,
        message: None,
        difference: first_difference(&reference.history, &yours.history),
    };
    if let Some(p) = &yours.problem {
        r.message = Some(diagnose::problem(p, check));
        // A run cut short before any step ended brought no history back: saying it
        // "ends after event 0 (not started)" would be false (it started, then failed).
        if yours.history.is_empty() {
            r.difference = None;
        }
        return r;
    }
    if let Some(p) = &reference.problem {
        // The reference is ours and tested; if it cannot run, say so rather than blame the participant.
        r.message = Some(format!("the reference solution could not run this check: {}", diagnose::problem(p, check)));
        return r;
    }
    let ctx = Ctx { check, yours, reference, track, timer_unit };
    if let Some(m) = diagnose::mistake(&ctx) {
        r.message = Some(m);
        return r;
    }
    if r.difference.is_some() {
        // The difference, explained, says it all.
        return r;
    }
    if let Some(m) = step_difference(check, yours, reference) {
        r.message = Some(m);
        return r;
    }
    r.passed = true;
    r
}

/// The first step whose outcome differs (a refusal on one side only, another answer).
fn step_difference(check: &Check, yours: &Run, reference: &Run) -> Option<String> {
    let steps = check.steps();
    for (i, (y, r)) in yours.steps.iter().zip(&reference.steps).enumerate() {
        let what = steps.get(i).map(step_label).unwrap_or_default();
        let same = match (y, r) {
            (StepResult::Answer(a), StepResult::Answer(b)) => json_equal(a, b),
            (StepResult::Refused(_), StepResult::Refused(_)) | (StepResult::Done, StepResult::Done) => true,
            _ => false,
        };
        if !same {
            return Some(format!("step {} ({what}): the reference solution {}; yours {}", i + 1, outcome(r), outcome(y)));
        }
    }
    None
}

fn step_label(s: &crate::scenario::Step) -> String {
    use crate::scenario::Step;
    match s {
        Step::Start { .. } => "start the order".into(),
        Step::Signal { name, input: Some(i), .. } => format!("signal {name} {i}"),
        Step::Signal { name, .. } => format!("signal {name}"),
        Step::Query { name, .. } => format!("query {name}"),
        Step::Terminate { .. } => "terminate the workflow".into(),
        Step::Cancel { .. } => "cancel the workflow".into(),
        Step::Step { .. } => "one worker step".into(),
        Step::Run => "let the worker run".into(),
        Step::Advance { to: Some(to), .. } if to == "timers" => "let every timer fire".into(),
        Step::Advance { .. } => "move the clock".into(),
        Step::Expect(_) => "expectation".into(),
    }
}

fn outcome(s: &StepResult) -> String {
    match s {
        StepResult::Done => "went through".into(),
        StepResult::Answer(a) => format!("answers {}", a.trim()),
        StepResult::Refused(why) => format!("fails: {why}"),
        StepResult::NotRun => "was not played".into(),
    }
}

fn json_equal(a: &str, b: &str) -> bool {
    match (serde_json::from_str::<serde_json::Value>(a.trim()), serde_json::from_str::<serde_json::Value>(b.trim())) {
        (Ok(x), Ok(y)) => x == y,
        _ => a.trim() == b.trim(),
    }
}

/// The first event where the normalised histories differ, explained.
pub fn first_difference(reference: &[HistoryEvent], yours: &[HistoryEvent]) -> Option<Difference> {
    let (a, b) = (normalise(reference), normalise(yours));
    let i = (0..a.len().max(b.len())).find(|&i| a.get(i) != b.get(i))?;
    let row = |h: &[HistoryEvent], k: usize| h.get(k).map(summary).unwrap_or_default();
    let rows: Vec<SideBySide> = (i.saturating_sub(CONTEXT)..=i)
        .map(|k| SideBySide { reference: row(reference, k), yours: row(yours, k), differs: k == i })
        .collect();
    let event_id = (i + 1) as i64;
    let explanation = match (reference.get(i), yours.get(i)) {
        (Some(r), Some(y)) if r.event_type() == y.event_type() => format!(
            "event {event_id} is {} in both, but {}",
            r.event_type().name(),
            attribute_difference(a.get(i).map_or("", String::as_str), b.get(i).map_or("", String::as_str))
        ),
        (Some(r), Some(y)) => {
            format!("at event {event_id} the reference solution's history has {}, yours has {}", describe(r), describe(y))
        }
        (Some(r), None) => format!(
            "your history ends after event {} ({}), where the reference solution's goes on with {}",
            yours.len(),
            crate::scenario::status_of(yours),
            describe(r)
        ),
        (None, Some(y)) => format!("your history goes on with {} where the reference solution's ends", describe(y)),
        (None, None) => String::new(),
    };
    // The rows write a retry policy as four bare numbers: say what they are.
    let legend = rows.iter().filter(|r| r.differs).any(|r| r.reference.contains(" retry=") || r.yours.contains(" retry="));
    let explanation = if legend {
        format!(
            "{explanation} (retry= lists the retry policy's initial interval, backoff coefficient, maximum interval and maximum attempts)"
        )
    } else {
        explanation
    };
    Some(Difference { event_id, explanation, rows })
}

fn summary(e: &HistoryEvent) -> String {
    format!("{} {} {}", e.event_id, e.event_type().name(), table::attributes(&e.attributes)).trim_end().to_owned()
}

fn describe(e: &HistoryEvent) -> String {
    let a = table::attributes(&e.attributes);
    let key: Vec<&str> = a
        .split(' ')
        .filter(|kv| ["type=", "timerId=", "signal=", "name=", "after=", "attempt="].iter().any(|k| kv.starts_with(k)))
        .collect();
    if key.is_empty() { e.event_type().name().to_owned() } else { format!("{} ({})", e.event_type().name(), key.join(", ")) }
}

/// Which attributes differ between two normalised lines (`<id> <type> <json>`).
fn attribute_difference(reference: &str, yours: &str) -> String {
    let json = |l: &str| l.splitn(3, ' ').nth(2).and_then(|j| serde_json::from_str::<serde_json::Value>(j).ok()).unwrap_or_default();
    let (r, y) = (json(reference), json(yours));
    let mut diffs = Vec::new();
    collect_differences("", &r, &y, &mut diffs);
    // A retry policy on one side only: the timeouts differ because of it (the server
    // stretches them to what the retries may take), not because they were set apart.
    let (theirs, mine) = (r.get("retryPolicy").is_some(), y.get("retryPolicy").is_some());
    if theirs != mine && diffs.iter().any(|d| d.split(' ').next().is_some_and(|p| p.ends_with("Timeout"))) {
        diffs.sort_by_key(|d| !d.starts_with("retryPolicy"));
        let so = if theirs {
            "so give the activity the retry policy and leave its timeouts at a minute each"
        } else {
            "and the reference solution gives this activity none: take the retry policy off it and leave its timeouts \
             at a minute each"
        };
        diffs.push(format!(
            "the timeouts differ only because of the retry policy: with one, the server stretches an activity's \
             schedule-to-start and schedule-to-close timeouts to what its retries may take (chapter 2), {so}"
        ));
    }
    if diffs.is_empty() { "its attributes differ".into() } else { diffs.join("; ") }
}

fn collect_differences(path: &str, r: &serde_json::Value, y: &serde_json::Value, out: &mut Vec<String>) {
    use serde_json::Value;
    let payload = |v: &Value| matches!(v, Value::Object(o) if o.len() == 1 && o.contains_key("data"));
    match (r, y) {
        (Value::Object(a), Value::Object(b)) if !payload(r) && !payload(y) => {
            let mut keys: Vec<&String> = a.keys().chain(b.keys()).collect();
            keys.sort();
            keys.dedup();
            for k in keys {
                let p = if path.is_empty() { k.clone() } else { format!("{path}.{k}") };
                collect_differences(&p, a.get(k).unwrap_or(&Value::Null), b.get(k).unwrap_or(&Value::Null), out);
            }
        }
        (a, b) if a != b => {
            let text = |base64: &str| crate::payload::Payload::from_bytes(base64_decode(base64)).to_text().trim_end().to_owned();
            // A failure's details are bytes too, written as bare base64: shown as the
            // text the history table shows, not as "dGVtcG9y…".
            let bytes = path.rsplit('.').next().is_some_and(|k| k == "details" || k.ends_with("Details"));
            let show = |v: &Value| match v {
                Value::Null => "nothing".to_owned(),
                Value::Object(o) if o.len() == 1 && o.contains_key("data") => text(o["data"].as_str().unwrap_or_default()),
                Value::String(s) if bytes => Value::String(text(s)).to_string(),
                v => v.to_string(),
            };
            out.push(format!("{path} is {} in the reference solution and {} in yours", show(a), show(b)));
        }
        _ => {}
    }
}

fn base64_decode(s: &str) -> Vec<u8> {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.decode(s).unwrap_or_default()
}

impl CheckReport {
    /// The report's first line alone: the mark, the label and the expectation.
    pub fn headline(&self, width: usize) -> String {
        let mark = if self.passed { "✓" } else { "✗" };
        wrap(&format!("{} {}", self.label, self.expectation), &format!("{mark} "), "    ", width)
    }

    /// The report as text for a terminal `width` columns wide (`usize::MAX`: lines
    /// unbroken): a mark and the expectation, then why it failed and the first
    /// difference side by side (two columns of at most 58 characters, narrower on a
    /// narrow terminal), then the differing events in full when the columns cut them.
    pub fn render(&self, width: usize) -> String {
        let mut out = self.headline(width);
        if self.passed {
            return out;
        }
        if let Some(m) = &self.message {
            out.push_str(&wrap(m, "    ", "    ", width));
        }
        if let Some(d) = &self.difference {
            // A row is "    ≠ <column> ≠ <column>".
            let column = (width.saturating_sub(9) / 2).clamp(20, 58);
            let cut = |s: &str| {
                // A cut is marked: the last character shown is `…`.
                format!("{:<column$}", crate::wrap::shortened(s, column))
            };
            out.push_str(&wrap(&format!("first difference, at event {}: {}", d.event_id, d.explanation), "    ", "    ", width));
            out.push_str(&format!("      {}   {}\n", cut("reference solution"), "your workflow"));
            for r in &d.rows {
                let mark = if r.differs { "≠" } else { " " };
                out.push_str(&format!("    {mark} {} {mark} {}\n", cut(&r.reference), cut(&r.yours).trim_end()));
            }
            if let Some(r) =
                d.rows.iter().find(|r| r.differs).filter(|r| r.reference.chars().count() > column || r.yours.chars().count() > column)
            {
                let under = " ".repeat(26);
                let event = |e: &str| if e.is_empty() { "(no event: this history ends before it)".to_owned() } else { e.to_owned() };
                out.push_str(&wrap(&event(&r.reference), "      reference solution: ", &under, width));
                out.push_str(&wrap(&event(&r.yours), "      your workflow:      ", &under, width));
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::{CheckReport, Difference, SideBySide, attribute_difference};

    fn failed() -> CheckReport {
        let row = |reference: &str, yours: &str, differs| SideBySide { reference: reference.into(), yours: yours.into(), differs };
        CheckReport {
            label: "4.2".into(),
            name: "two-scans".into(),
            expectation: "Two scans sent at once are two signals; both are read and the workflow keeps running".into(),
            passed: false,
            message: Some("the workflow completed after the first scan: a package is scanned many times on its way".into()),
            difference: Some(Difference {
                event_id: 22,
                explanation: "your history goes on with WorkflowExecutionCompleted where the reference solution's ends".into(),
                rows: vec![
                    row("21 DecisionTaskCompleted scheduled=18 started=20", "21 DecisionTaskCompleted scheduled=18 started=20", false),
                    row(
                        "",
                        r#"22 WorkflowExecutionCompleted result="Order Order123 processed successfully for customer Cadence."\n decision=21"#,
                        true,
                    ),
                ],
            }),
        }
    }

    #[test]
    fn differing_failure_details_are_shown_as_text() {
        let line =
            |details: &str| format!(r#"5 ActivityTaskFailed {{"failure":{{"reason":"cadenceInternal:Generic","details":"{details}"}}}}"#);
        use base64::Engine as _;
        let b64 = |s: &str| base64::engine::general_purpose::STANDARD.encode(s);
        let diff = attribute_difference(&line(&b64("ship product for order: customer is required")), &line(&b64("shipping failed")));
        assert_eq!(
            diff,
            r#"failure.details is "ship product for order: customer is required" in the reference solution and "shipping failed" in yours"#
        );
    }

    #[test]
    fn a_report_fits_its_width_and_says_which_history_ended() {
        for width in [60, 80, 125] {
            let text = failed().render(width);
            assert!(text.lines().all(|l| l.chars().count() <= width), "{width}:\n{text}");
            assert!(text.starts_with("✗ 4.2 Two scans sent at once"), "{text}");
            assert!(text.contains("      reference solution: (no event: this history ends"), "{text}");
        }
        // Not a terminal: whole lines, as grep reads them.
        let text = failed().render(usize::MAX);
        assert!(text.contains("    the workflow completed after the first scan: a package is scanned many times on its way\n"), "{text}");
        assert!(text.contains(r#"      your workflow:      22 WorkflowExecutionCompleted result="Order Order123 processed successfully for customer Cadence."\n decision=21"#), "{text}");
    }
}
