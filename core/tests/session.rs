//! The session as a front end uses it: actions, what the panes show, rewinding,
//! share links, imports, and bad input that changes nothing.

use std::time::Duration;

use postflow_core::session::{Action, Session, SessionConfig};
use postflow_core::workshop::explain::explain;

fn scan(location: &str) -> Action {
    Action::Signal { name: "ScanSignal".into(), input: Some(format!(r#"{{"location":"{location}"}}"#)) }
}

fn delivered() -> Action {
    Action::Signal { name: "DeliveredSignal".into(), input: None }
}

fn started() -> Session {
    let mut s = Session::new(SessionConfig::default());
    s.perform(Session::workshop_start()).unwrap();
    s
}

#[test]
fn a_new_order_waits_for_the_payment_retry() {
    let s = started();
    let pending = s.pending_activities();
    assert_eq!(pending.len(), 1);
    let p = &pending[0];
    assert_eq!((p.activity_type.as_str(), p.attempt, p.maximum_attempts, p.running), ("validatePaymentComplete", 1, 3, false));
    assert_eq!(p.next_attempt_in, Some(Duration::from_secs(1)));
    assert_eq!(p.last_failure.as_deref(), Some("temporary issue, please retry"));
    assert_eq!(s.status_line().run_state, "running");
    assert_eq!(
        s.last_entry().unwrap().outcome,
        "validatePaymentComplete attempt=0 (try 1 of 3) failed: temporary issue, please retry; attempt=1 (try 2 of 3) in 1s"
    );
    let start = &s.timeline()[0];
    assert!(
        start.cli.as_deref().unwrap().starts_with("cadence --domain cadence-workshop wf start --tasklist tasklist --execution_timeout 600")
    );
}

#[test]
fn the_whole_life_of_a_package() {
    let mut s = started();
    s.perform(Action::AdvanceNext).unwrap();
    s.perform(Action::AdvanceNext).unwrap();
    let timers = s.pending_timers();
    assert_eq!(timers.len(), 1, "the notification timer runs once shipping is done");
    assert_eq!(timers[0].fires_in, Duration::from_secs(180));
    s.perform(scan("Delft")).unwrap();
    assert_eq!(s.pending_timers()[0].timer_id, "5", "the scan replaced timer 3 with timer 5");
    assert_eq!(s.current_status().unwrap().location_history, ["Aarhus", "Delft"]);
    assert!(!s.status_line().notification_sent);
    s.perform(Action::AdvanceNext).unwrap();
    assert!(s.status_line().notification_sent);
    assert!(s.logs().iter().any(|l| l.message == "Notification sent"));
    assert!(s.logs().iter().any(|l| l.message == "Received signal!" && l.fields.contains("Delft")));
    s.perform(Action::Query { name: "current_status".into() }).unwrap();
    assert_eq!(s.last_entry().unwrap().outcome, r#"{"delivered":false,"locationHistory":["Aarhus","Delft"]}"#);
    s.perform(delivered()).unwrap();
    assert_eq!(s.outcome().unwrap(), r#"completed: "Order Order123 processed successfully for customer Cadence.""#);
    let groups = s.groups();
    assert!(groups.iter().any(|g| g.title == "timer 3 (180s)" && g.event_ids == [23, 28]), "{groups:?}");
}

#[test]
fn rewinding_shows_every_earlier_state_exactly() {
    let mut s = started();
    for a in [Action::AdvanceNext, Action::AdvanceNext, scan("Delft"), Action::AdvanceNext, delivered()] {
        s.perform(a).unwrap();
    }
    let n = s.timeline().len();
    let mut forward = Vec::new();
    let mut replay = Session::new(SessionConfig::default());
    for e in s.timeline() {
        replay.apply(e.action.clone()).unwrap();
        forward.push((replay.history_table(), replay.status_line(), replay.pending_timers()));
    }
    for k in (1..=n).rev() {
        s.seek(k);
        assert_eq!((s.history_table(), s.status_line(), s.pending_timers()), forward[k - 1], "state after {k} actions");
    }
    s.seek(n);
    assert_eq!(s.status_line().run_state, "completed");
}

#[test]
fn a_new_action_after_rewinding_replaces_the_rest() {
    let mut s = started();
    s.perform(Action::AdvanceNext).unwrap();
    let k = s.cursor();
    s.perform(Action::AdvanceNext).unwrap();
    s.seek(k);
    assert!(s.apply(Action::Signal { name: "Nope".into(), input: Some("{".into()) }).is_err());
    assert!(s.timeline().len() > k, "a refused action keeps the entries after the cursor");
    s.apply(Action::AdvanceBy { by: Duration::from_secs(30) }).unwrap();
    assert_eq!(s.timeline().len(), k + 1);
}

#[test]
fn bad_input_is_refused_and_changes_nothing() {
    let mut s = started();
    let before = (s.history_table(), s.timeline().len());
    let cases = [
        (Action::Signal { name: "ScanSignal".into(), input: Some("{\"location\":".into()) }, "not valid JSON"),
        (Action::Signal { name: " ".into(), input: None }, "signal name is empty"),
        (
            Action::Query { name: "where_is_it".into() },
            "unknown queryType where_is_it. KnownQueryTypes=[__open_sessions __query_types __stack_trace current_status]",
        ),
        (
            Action::Start { workflow_id: "Order123".into(), input: "{}".into(), execution_timeout: Duration::from_secs(600) },
            "already running",
        ),
        (Action::Start { workflow_id: "B".into(), input: "[]".into(), execution_timeout: Duration::from_secs(600) }, "JSON object"),
    ];
    for (action, message) in cases {
        let label = action.label();
        let err = s.apply(action).expect_err(&label);
        assert!(err.contains(message), "{label}: {err}");
    }
    assert_eq!((s.history_table(), s.timeline().len()), before);
}

#[test]
fn a_signal_after_completion_is_refused_and_writes_nothing() {
    let mut s = started();
    for a in [Action::AdvanceNext, Action::AdvanceNext, delivered()] {
        s.perform(a).unwrap();
    }
    let events = s.history().len();
    let err = s.apply(scan("Delft")).unwrap_err();
    assert!(err.contains("already completed"), "{err}");
    assert_eq!(s.history().len(), events);
}

#[test]
fn a_share_link_rebuilds_the_same_state() {
    let mut s = started();
    for a in [Action::AdvanceNext, Action::AdvanceNext, scan("Delft")] {
        s.perform(a).unwrap();
    }
    s.back();
    let link = s.to_share_text();
    let t = Session::from_share_text(&link).unwrap();
    assert_eq!((t.cursor(), t.timeline().len()), (s.cursor(), s.timeline().len()));
    assert_eq!(t.history_table(), s.history_table());
    assert!(Session::from_share_text("not a link").is_err());
}

#[test]
fn an_exported_history_imports_and_steps_event_by_event() {
    let mut s = started();
    for a in [Action::AdvanceNext, Action::AdvanceNext, scan("Delft"), delivered()] {
        s.perform(a).unwrap();
    }
    let mut i = Session::import_history(SessionConfig::default(), &s.history_json()).unwrap();
    assert_eq!(i.replay_error(), None, "the code replays its own history");
    assert_eq!(i.history().len(), s.history().len());
    // At its end, the imported run's outcome is its closing event's, as the original's.
    assert_eq!(i.outcome(), s.outcome());
    assert!(i.outcome().unwrap().starts_with("completed: \"Order Order123 processed"), "{:?}", i.outcome());
    i.seek(23);
    assert_eq!(i.outcome(), None, "not closed yet at event 23");
    assert_eq!(i.history().len(), 23);
    assert_eq!(i.current_status().unwrap().location_history, ["Aarhus"]);
    assert!(i.apply(Action::Step).is_err(), "an imported history is read-only");
    assert!(Session::import_history(SessionConfig::default(), "{\"events\": 3}").is_err());
}

/// A timeline draws the activity attempts; an import has no engine that ran them, so
/// they are read from the events: each activity's last attempt, as a server writes it.
#[test]
fn an_imported_history_has_its_activities_last_attempts() {
    let mut s = started();
    for a in [Action::AdvanceNext, Action::AdvanceNext, scan("Delft")] {
        s.perform(a).unwrap();
    }
    let mut i = Session::import_history(SessionConfig::default(), &s.history_json()).unwrap();
    let read: Vec<(String, i32, String)> =
        i.attempts().iter().map(|a| (a.activity_type.to_string(), a.attempt, a.outcome.clone())).collect();
    // The simulator's records, but for the payment's two failed attempts: a history
    // keeps only the last attempt of a retried activity.
    let expected: Vec<(String, i32, String)> = s
        .attempts()
        .iter()
        .filter(|a| !a.outcome.starts_with("failed"))
        .map(|a| (a.activity_type.to_string(), a.attempt, a.outcome.clone()))
        .collect();
    assert_eq!(read.len(), 4, "{read:?}");
    assert_eq!(read, expected);
    assert_eq!(i.attempts()[0].started_at, s.attempts()[2].started_at, "the payment's third attempt, with its own start");
    // Stepped back to the payment's completion: only its attempt is drawn.
    let paid = s.history().iter().find(|e| e.event_type() == postflow_core::history::EventType::ActivityTaskCompleted).unwrap().event_id;
    i.seek(paid as usize);
    assert_eq!(i.attempts().len(), 1);
}

/// The tour's and the exercises' chapter sessions run the starter's workflow type,
/// which six chapters' code share; both front ends import with the default session
/// (chapter 7's type). The export must read back with the code that wrote it.
#[test]
fn a_chapter_sessions_export_imports_with_the_chapters_code() {
    use postflow_core::postal::{Chapter, PostalConfig};
    let config = |chapter| SessionConfig { postal: PostalConfig { chapter, ..PostalConfig::default() }, ..SessionConfig::default() };
    let mut s = Session::new(config(Chapter::Retries));
    s.perform(Session::workshop_start()).unwrap();
    while s.outcome().is_none() {
        s.perform(Action::AdvanceNext).unwrap();
    }
    assert!(s.outcome().unwrap().starts_with("completed"), "{:?}", s.outcome());
    let i = Session::import_history(SessionConfig::default(), &s.history_json()).unwrap();
    assert_eq!(i.replay_error(), None, "chapter 2's history against chapter 2's code");
    assert_eq!(i.config().postal.chapter, Chapter::Retries);
    assert_eq!(i.outcome(), s.outcome());
    // A later chapter's code would have waited for scans instead of completing: it is
    // not the one chosen, and an explanation points at the chapters' code, not the final workflow's.
    let shipped = s.history().iter().rev().find(|e| e.event_type() == postflow_core::history::EventType::ActivityTaskScheduled);
    let x = i.explain(shipped.unwrap().event_id).unwrap();
    assert!(x.code.as_deref().is_some_and(|c| c.starts_with("core/src/postal/chapters.rs:")), "{x:?}");

    // A history that none of them could have written keeps the latest one's error.
    let mut broken = s.history_json();
    broken = broken.replacen("validatePayment", "validatePaymnt", 1);
    let b = Session::import_history(SessionConfig::default(), &broken).unwrap();
    assert!(b.replay_error().is_some_and(|e| e.contains("validatePaymnt")), "{:?}", b.replay_error());
}

/// The workshop's code has a race: when a scan and the timer's firing reach the worker
/// in one decision batch, scan first, the scan starts a new timer before the fired
/// timer's notification is handled — and that new timer notifies the customer again.
/// The simulator must show it, as a real server would.
#[test]
fn the_workshop_race_notifies_twice_when_a_scan_and_the_timer_meet() {
    let b = postflow_core::scenario::builtin("scan-then-fired").unwrap();
    // The scenario up to its DeliveredSignal, then let the new timer fire.
    let delivered = b.toml.find("name = \"DeliveredSignal\"").unwrap();
    let mut text = b.toml[..b.toml[..delivered].rfind("[[steps]]").unwrap()].to_owned();
    text.push_str("\n[[steps]]\ndo = \"advance\"\nto = \"next\"\n\n[[steps]]\ndo = \"run\"\n");
    let sc = postflow_core::scenario::Scenario::parse("race.toml", &text).unwrap();
    let out = postflow_core::scenario::run(&sc);
    assert!(out.passed(), "{:?}", out.failures);
    assert_eq!(out.session.notifications(), 2);
}

#[test]
fn unread_signals_are_listed_by_channel_name_whatever_came_first() {
    let mut s = started();
    s.perform(scan("Delft")).unwrap();
    s.perform(delivered()).unwrap();
    let channels: Vec<String> = s.unread_signals().into_iter().map(|u| u.channel).collect();
    assert_eq!(channels, ["DeliveredSignal", "ScanSignal"]);
}

#[test]
fn signals_the_code_has_not_read_yet_show_in_pending_with_their_inputs() {
    // Two scans while the payment is still being retried: Cadence records both, the
    // workflow code reads them only once it tracks the package.
    let mut s = started();
    s.perform(scan("Delft")).unwrap();
    s.perform(scan("Lyon")).unwrap();
    assert_eq!(s.current_status().unwrap().location_history, ["Aarhus"]);
    let unread = s.unread_signals();
    assert_eq!(unread.len(), 1, "{unread:?}");
    assert_eq!(unread[0].channel, "ScanSignal");
    assert_eq!(unread[0].inputs, [r#"{"location":"Delft"}"#, r#"{"location":"Lyon"}"#]);
    let lines: Vec<String> = s.pending().iter().map(|p| p.text.clone()).collect();
    assert!(lines.iter().any(|l| l.contains("2 ScanSignal (not read by the code yet)") && l.contains("Lyon")), "{lines:?}");
    // Once the code tracks the package it reads them, and they leave Pending.
    s.perform(Action::AdvanceNext).unwrap();
    s.perform(Action::AdvanceNext).unwrap();
    assert!(s.unread_signals().is_empty(), "{:?}", s.unread_signals());
    assert_eq!(s.current_status().unwrap().location_history, ["Aarhus", "Delft", "Lyon"]);
}

#[test]
fn a_very_long_unread_input_is_cut_in_pending_and_kept_whole_in_the_signal() {
    let mut s = started();
    let location = "Delft ".repeat(400);
    let input = format!(r#"{{"location":"{location}"}}"#);
    s.perform(Action::Signal { name: "ScanSignal".into(), input: Some(input.clone()) }).unwrap();
    let line = s.pending().into_iter().map(|p| p.text).find(|l| l.contains("ScanSignal")).unwrap();
    assert!(line.len() < 300 && line.ends_with('…'), "{line}");
    assert_eq!(s.unread_signals()[0].inputs, [input], "the signal keeps its whole input");
}

#[test]
fn an_imported_real_history_says_its_timeout_in_whole_seconds() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/real/poll-decision-task.json");
    let s = Session::import_history(SessionConfig::default(), &std::fs::read_to_string(path).unwrap()).unwrap();
    let line = s.pending().into_iter().map(|p| p.text).find(|l| l.starts_with("workflow timeout")).unwrap();
    assert!(line.starts_with("workflow timeout: in 597s (at "), "{line}");
}

#[test]
fn any_signal_name_and_input_is_recorded_as_a_real_server_records_it() {
    let mut s = started();
    for a in [Action::AdvanceNext, Action::AdvanceNext] {
        s.perform(a).unwrap();
    }
    let before = s.history().len();
    s.perform(Action::Signal { name: "Teleport".into(), input: Some(r#"{"to":"Mars"}"#.into()) }).unwrap();
    let outcome = &s.timeline().iter().rev().find(|e| matches!(e.action, Action::Signal { .. })).unwrap().outcome;
    assert!(outcome.contains("nothing in OrderProcessingWorkflowComplete reads channel Teleport"), "{outcome}");
    assert!(s.history().len() > before, "the signal is in history");
    let pending: Vec<String> = s.pending().iter().map(|p| p.text.clone()).collect();
    assert!(pending.iter().any(|l| l.contains("Teleport (nothing in the code reads this channel)")), "{pending:?}");
    assert_eq!(s.status_line().run_state, "running", "the workflow goes on");
    // A scan without a location: Go's decoder reads {} as an empty location, so the code appends "".
    s.perform(Action::Signal { name: "ScanSignal".into(), input: Some("{}".into()) }).unwrap();
    assert_eq!(s.current_status().unwrap().location_history, ["Aarhus", ""]);
}

#[test]
fn attempts_are_numbered_one_way_on_every_screen() {
    let s = started();
    let p = &s.pending_activities()[0];
    assert_eq!(p.attempt_label(), "attempt=1 (try 2 of 3)");
    let last = &s.last_entry().unwrap().outcome;
    assert_eq!(last, "validatePaymentComplete attempt=0 (try 1 of 3) failed: temporary issue, please retry; attempt=1 (try 2 of 3) in 1s");
    let text: Vec<String> = s.pending().iter().map(|p| p.text.clone()).collect();
    assert!(text[0].contains("attempt=1 (try 2 of 3), retry in 1s"), "{text:?}");
}

#[test]
fn the_execution_timeout_is_pending_work_and_the_clock_move_that_fires_it_is_announced() {
    let mut s = Session::new(SessionConfig::default());
    s.perform(Action::Start {
        workflow_id: "T".into(),
        input: r#"{"id":"T","amount":20}"#.into(),
        execution_timeout: Duration::from_secs(2),
    })
    .unwrap();
    let timeout = s.pending().into_iter().find(|p| p.kind == postflow_core::session::PendingKind::Timeout).unwrap();
    assert!(timeout.text.starts_with("workflow timeout: in 2s"), "{}", timeout.text);
    assert_eq!(timeout.detail, None, "the payment retry (1s) comes first");
    s.perform(Action::AdvanceNext).unwrap();
    let timeout = s.pending().into_iter().find(|p| p.kind == postflow_core::session::PendingKind::Timeout).unwrap();
    assert!(timeout.detail.as_deref().unwrap().contains("the next clock move (timer) fires it"), "{timeout:?}");
    s.perform(Action::AdvanceNext).unwrap();
    // The state line says what the outcome says, for the history imported too.
    assert_eq!(s.status_line().run_state, "timed out");
    assert_eq!(s.outcome().as_deref(), Some("timed out"));
    assert!(s.pending().is_empty());
    let imported = Session::import_history(SessionConfig::default(), &s.history_json()).unwrap();
    assert_eq!(imported.status_line().run_state, format!("timed out (imported, event {0} of {0})", imported.cursor()));
}

#[test]
fn limits_a_real_server_has_are_refused_with_the_reason() {
    let mut s = started();
    let err = s.apply(Action::AdvanceBy { by: Duration::from_secs(999_999_999_999) }).unwrap_err();
    assert!(err.contains("2262"), "{err}");
    // A move typed in hours reads back in seconds: its size in years, and how far the
    // clock can still go, say what to type instead.
    assert!(err.starts_with("the clock cannot move by 999999999999s (about 31,688 years): "), "{err}");
    let most = err.split("from here it can move at most ").nth(1).expect(&err);
    let most_secs: u64 = most.split('s').next().unwrap().parse().expect(&err);
    assert!(s.apply(Action::AdvanceBy { by: Duration::from_secs(most_secs + 1) }).is_err());
    s.apply(Action::AdvanceBy { by: Duration::from_secs(most_secs) }).expect("the most it named is a move it makes");
    assert!(most.ends_with(" years)"), "{err}");
    let err = postflow_core::time::parse_duration("999999999999s").unwrap_err();
    assert!(err.contains("too large"), "{err}");
    let mut fresh = Session::new(SessionConfig::default());
    let err = fresh
        .apply(Action::Start {
            workflow_id: "X".into(),
            input: r#"{"id":"X"}"#.into(),
            execution_timeout: Duration::from_secs(3_000_000_000),
        })
        .unwrap_err();
    assert!(err.contains("int32 seconds"), "{err}");
}

#[test]
fn a_scenario_start_whose_input_is_not_json_says_so() {
    // Refused when the file is read (exit 2), since no step can expect a refused start.
    use postflow_core::scenario::Scenario;
    let e = Scenario::parse("x.toml", "[[steps]]\ndo = \"start\"\ninput = \"Order123\"\n").unwrap_err();
    assert!(e.message.contains("not valid JSON") && !e.message.contains("workflow id is empty"), "{e}");
}

#[test]
fn acting_in_the_middle_of_the_timeline_says_what_it_replaced_and_undo_puts_it_back() {
    let mut s = started();
    s.perform(Action::AdvanceNext).unwrap();
    s.perform(Action::AdvanceNext).unwrap();
    s.perform(scan("Delft")).unwrap();
    let (len, table) = (s.timeline().len(), s.history_table());
    assert_eq!(s.replaced_note(), None, "acting at the end replaces nothing");
    s.seek(2);
    s.perform(scan("Lyon")).unwrap();
    let note = s.replaced_note().expect("the later steps were replaced");
    assert!(note.contains("acting at step 2 replaced the") && note.contains("undo puts them back"), "{note}");
    assert!(s.history_table().contains("Lyon") && !s.history_table().contains("Delft"));
    s.undo_replace().unwrap();
    assert_eq!(s.cursor(), 2, "back where the action was taken");
    assert_eq!(s.timeline().len(), len, "every replaced step is back");
    s.seek(len);
    assert_eq!(s.history_table(), table, "and replays to the same history");
    assert!(s.undo_replace().is_err(), "one undo per replacement");
}

/// As a Go worker does: a signal the code cannot decode is recorded by the server,
/// dropped by the workflow with an error in its log, and the workflow goes on waiting
/// for a scan it can read, the delivery that came meanwhile unread; the explanations
/// say so.
#[test]
fn a_signal_the_code_cannot_read_is_dropped_and_logged_not_fatal() {
    let mut s = started();
    s.perform(Action::AdvanceNext).unwrap();
    s.perform(Action::AdvanceNext).unwrap();
    s.perform(Action::Signal { name: "ScanSignal".into(), input: Some(r#""Delft""#.into()) }).unwrap();
    assert_eq!(s.status_line().run_state, "running", "the decision task did not fail");
    let last_signal =
        |s: &Session| s.history().iter().rev().find(|e| e.event_type().name() == "WorkflowExecutionSignaled").unwrap().event_id;
    let corrupt_scan = last_signal(&s);
    let corrupt = s.logs().iter().find(|l| l.message.starts_with("Corrupt signal received on channel ScanSignal")).cloned();
    assert!(corrupt.is_some(), "the workflow logs the dropped signal: {:?}", s.logs());
    assert_eq!(s.current_status().unwrap().location_history, ["Aarhus"], "nothing was read from it");
    let why = explain(s.history(), corrupt_scan).unwrap().meaning;
    assert!(why.contains("cannot read this value as a scan") && why.contains("not even a delivery"), "{why}");

    s.perform(delivered()).unwrap();
    assert_eq!(s.status_line().run_state, "running", "the scan case is still receiving: the delivery waits");
    let delivery = last_signal(&s);
    let why = explain(s.history(), delivery).unwrap().meaning;
    assert!(why.contains(&format!("the one of event {corrupt_scan} could not be read")), "{why}");
    s.perform(scan("Rotterdam")).unwrap();
    assert_eq!(s.current_status().unwrap().location_history, ["Aarhus", "Rotterdam"], "the next good scan is read");
    assert_eq!(s.status_line().run_state, "completed", "and then the delivery");
    let why = explain(s.history(), last_signal(&s)).unwrap().meaning;
    assert!(!why.contains("cannot read"), "a good scan is explained as read: {why}");
    let completed = s.history().last().unwrap().event_id;
    let why = explain(s.history(), completed).unwrap().cause;
    assert!(why.contains(&format!("The DeliveredSignal of event {} ended its loop", delivery)), "{why}");
}
