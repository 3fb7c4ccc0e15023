//! The session's explanations point at the line of workflow code behind an event, in
//! the chapter's own code, and say where an imported history stops matching the code;
//! the blocked view is the `__stack_trace` answer.

use std::time::Duration;

use postflow_core::history::EventAttributes;
use postflow_core::history::json::{history_from_json, history_to_json};
use postflow_core::postal::{Chapter, PostalConfig};
use postflow_core::session::{Action, Session, SessionConfig};

fn session(chapter: Chapter) -> Session {
    let mut s = Session::new(SessionConfig { seed: 1, postal: PostalConfig { chapter, timer_unit: Duration::from_secs(60) } });
    s.perform(Session::workshop_start()).unwrap();
    s.perform(Action::AdvanceNext).unwrap();
    s.perform(Action::AdvanceNext).unwrap();
    s
}

/// The source line that `file:line` names, read from the repository.
fn source_line(at: &str) -> String {
    let (file, line) = at.rsplit_once(':').unwrap();
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/..");
    let text = std::fs::read_to_string(format!("{root}/{file}")).unwrap_or_else(|e| panic!("{file}: {e}"));
    text.lines().nth(line.parse::<usize>().unwrap() - 1).unwrap().to_owned()
}

fn event_id(s: &Session, f: impl Fn(&EventAttributes) -> bool) -> i64 {
    s.history().iter().find(|e| f(&e.attributes)).unwrap().event_id
}

#[test]
fn explanations_name_the_line_of_the_chapters_code() {
    let mut s = session(Chapter::Notification);
    s.perform(Action::Signal { name: "ScanSignal".into(), input: Some(r#"{"location":"Delft"}"#.into()) }).unwrap();

    let canceled = s.explain(event_id(&s, |a| matches!(a, EventAttributes::TimerCanceled(_)))).unwrap();
    let at = canceled.code.clone().expect("the cancel's line");
    assert!(at.starts_with("core/src/postal/workflow.rs:"), "{at}");
    assert!(source_line(&at).contains("cancel.cancel()"), "{at}: {}", source_line(&at));

    let timer = s.explain(event_id(&s, |a| matches!(a, EventAttributes::TimerStarted(_)))).unwrap();
    assert!(source_line(timer.code.as_deref().unwrap()).contains("new_timer("), "{:?}", timer.code);

    let payment = s.explain(5).unwrap();
    let at = payment.code.unwrap();
    assert!(at.starts_with("core/src/postal/chapters.rs:") && source_line(&at).contains("execute_activity"), "{at}");
    // Events of the same activity point at the same line; decision tasks at none.
    assert_eq!(s.explain(6).unwrap().code.as_deref(), Some(at.as_str()));
    assert_eq!(s.explain(4).unwrap().code, None);
}

#[test]
fn a_history_the_code_could_not_have_written_is_explained_where_it_stops() {
    let s = session(Chapter::Notification);
    let mut events = s.history().to_vec();
    if let EventAttributes::ActivityTaskScheduled(a) = &mut events[10].attributes {
        a.activity_type.name = "chargeCardTwice".into();
    }
    let imported = Session::import_history(SessionConfig::default(), &history_to_json(&events)).unwrap();
    let x = imported.explain(11).unwrap();
    let note = x.note.expect("a note on the diverging event");
    assert!(note.contains("fails right here") && note.contains("chargeCardTwice") && note.contains("nondeterminism"), "{note}");
    assert!(imported.explain(2).unwrap().note.unwrap().contains("stops at event 11"));
}

#[test]
fn real_server_histories_get_code_lines_too() {
    let json = include_str!("fixtures/real/happy-path.json");
    let s = Session::import_history(SessionConfig::default(), json).unwrap();
    assert_eq!(history_from_json(json).unwrap().len(), s.history().len());
    let canceled = s.explain(28).unwrap();
    assert!(source_line(canceled.code.as_deref().unwrap()).contains("cancel.cancel()"));
    assert_eq!(canceled.note, None);
}

#[test]
fn the_blocked_view_is_the_stack_trace_a_worker_answers() {
    let mut s = session(Chapter::Notification);
    let trace = s.stack_trace();
    assert!(trace.starts_with("coroutine 1 [blocked on selector-1.Select]:"), "{trace}");
    assert!(trace.contains("a ScanSignal signal; a DeliveredSignal signal"), "{trace}");
    let answer: String = s.engine().query("Order123", "__stack_trace").unwrap().decode().unwrap();
    assert_eq!(trace, answer);

    // Rewound to the first decision task (start, decision task started, completed), the
    // code waits on the payment; before it, the code has not run.
    s.seek(3);
    assert!(s.stack_trace().contains("waiting for activity 0 (validatePaymentComplete) to close"), "{}", s.stack_trace());
    s.seek(1);
    assert_eq!(s.stack_trace(), "the workflow code has not run yet");

    // Chapter 3 waits on the channel alone, and imported histories answer the same way.
    let scan_once = session(Chapter::ScanOnce);
    assert!(scan_once.stack_trace().ends_with("waiting for the first of: a ScanSignal signal"), "{}", scan_once.stack_trace());
    let live = session(Chapter::Notification);
    let imported = Session::import_history(SessionConfig::default(), &live.history_json()).unwrap();
    assert_eq!(imported.stack_trace(), live.stack_trace());
}

#[test]
fn a_signal_says_whether_the_code_has_read_it_yet() {
    let mut s = Session::new(SessionConfig::default());
    s.perform(Session::workshop_start()).unwrap();
    s.perform(Action::Signal { name: "ScanSignal".into(), input: Some(r#"{"location":"Delft"}"#.into()) }).unwrap();
    let id = event_id(&s, |a| matches!(a, EventAttributes::WorkflowExecutionSignaled(_)));
    let note = s.explain(id).unwrap().note.unwrap();
    assert_eq!(note, "By now 1 ScanSignal value waits unread in the channel: the code has not got to it.");
    s.perform(Action::AdvanceNext).unwrap();
    s.perform(Action::AdvanceNext).unwrap();
    assert_eq!(s.explain(id).unwrap().note.as_deref(), Some("By now the code has read every ScanSignal signal."));
}

#[test]
fn a_signal_no_code_reads_or_that_outlived_the_workflow_says_so() {
    let scan = |s: &mut Session, at: &str| {
        let input = format!(r#"{{"location":"{at}"}}"#);
        s.perform(Action::Signal { name: "ScanSignal".into(), input: Some(input) }).unwrap();
    };
    let last_signal = |s: &Session| {
        s.history().iter().rev().find(|e| matches!(e.attributes, EventAttributes::WorkflowExecutionSignaled(_))).unwrap().event_id
    };
    // Chapter 4's loop reads scans only: a delivery is never read, and saying that the
    // code "has not got to it yet" would promise that it will.
    let mut s = session(Chapter::Loop);
    s.perform(Action::Signal { name: "DeliveredSignal".into(), input: None }).unwrap();
    let note = s.explain(last_signal(&s)).unwrap().note.unwrap();
    assert_eq!(note, "1 DeliveredSignal value waits in the channel, and nothing in this code reads it.");
    // Chapter 3 reads one scan and completes: a second scan sent meanwhile is left
    // behind for good.
    let mut s = Session::new(SessionConfig { seed: 1, postal: PostalConfig { chapter: Chapter::ScanOnce, ..Default::default() } });
    s.perform(Session::workshop_start()).unwrap();
    scan(&mut s, "Delft");
    scan(&mut s, "Lyon");
    while s.perform(Action::AdvanceNext).is_ok() {}
    let last = s.history().last().unwrap().event_type();
    assert_eq!(last, postflow_core::history::EventType::WorkflowExecutionCompleted, "{}", s.history_table());
    let note = s.explain(last_signal(&s)).unwrap().note.unwrap();
    assert_eq!(note, "The workflow closed with 1 ScanSignal value unread: its code never got to it.");
}
