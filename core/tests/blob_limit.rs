//! Cadence's 2 MiB limit on one payload (`limit.blobSize.error`), as the v1.4.1 server
//! applies it: a start or a signal over it is refused and writes nothing; a decision
//! whose payload is over it fails the workflow. A query's answer meets the Go client's
//! own limit first (2,000,000 bytes): the query fails alone. The same moves on a real server: the bridge's `blob_limit` real-server test.

use postflow_core::engine::limits::{BLOB_SIZE_LIMIT, DECISION_BLOB_SIZE_EXCEEDS_LIMIT};
use postflow_core::history::{EventAttributes, EventType};
use postflow_core::postal::{CURRENT_STATUS_QUERY, DELIVERED_SIGNAL, SCAN_SIGNAL};
use postflow_core::session::{Action, Session, SessionConfig};

/// A session whose package is tracked: paid, shipped, its notification timer started.
fn tracked() -> Session {
    let mut s = Session::new(SessionConfig::default());
    s.perform(Session::workshop_start()).unwrap();
    while s.history().last().is_none_or(|e| e.event_type() != EventType::TimerStarted) {
        s.perform(Action::AdvanceNext).unwrap();
    }
    s
}

/// A scan's input (the CLI's `--input`) whose location is `n` times `c`.
fn scan_of(c: char, n: usize) -> Action {
    Action::Signal { name: SCAN_SIGNAL.into(), input: Some(format!("{{\"location\":\"{}\"}}", c.to_string().repeat(n))) }
}

/// `{"location":""}` is 15 bytes around the location.
const AROUND: usize = 15;

#[test]
fn a_signal_over_two_mib_is_refused_in_the_servers_words_and_writes_nothing() {
    let mut s = tracked();
    let before = s.history().len();
    let err = s.perform(scan_of('x', BLOB_SIZE_LIMIT - AROUND + 1)).unwrap_err();
    assert!(err.starts_with("Blob data size exceeds limit."), "{err}");
    assert!(err.contains("the signal's input is 2,097,153 bytes"), "{err}");
    assert_eq!(s.history().len(), before);
    // Exactly the limit passes, as on the server (`actualSize <= errorLimit`).
    s.perform(scan_of('x', BLOB_SIZE_LIMIT - AROUND)).unwrap();
    assert!(s.history().iter().any(|e| e.event_type() == EventType::WorkflowExecutionSignaled));
}

#[test]
fn the_size_is_checked_before_the_workflow_is_looked_for() {
    let mut s = tracked();
    s.perform(Action::Signal { name: DELIVERED_SIGNAL.into(), input: None }).unwrap();
    assert_eq!(s.outcome().as_deref().map(|o| o.starts_with("completed")), Some(true), "{:?}", s.outcome());
    let err = s.perform(scan_of('x', BLOB_SIZE_LIMIT)).unwrap_err();
    assert!(err.starts_with("Blob data size exceeds limit."), "{err}");
    let err = s.perform(scan_of('x', 3)).unwrap_err();
    assert!(err.contains("workflow execution already completed"), "{err}");
}

#[test]
fn an_order_over_two_mib_is_not_started() {
    let mut s = Session::new(SessionConfig::default());
    let Action::Start { workflow_id, input, execution_timeout } = Session::workshop_start() else { unreachable!() };
    let big = input.replacen("\"Cadence\"", &format!("\"{}\"", "C".repeat(BLOB_SIZE_LIMIT)), 1);
    let err = s.perform(Action::Start { workflow_id, input: big, execution_timeout }).unwrap_err();
    assert!(err.starts_with("Blob data size exceeds limit."), "{err}");
    assert!(err.contains("the workflow's input"), "{err}");
    assert!(s.history().is_empty());
    assert_eq!(s.workflow_id(), None);
}

#[test]
fn a_scan_whose_estimate_input_grows_past_the_limit_fails_the_workflow() {
    let mut s = tracked();
    // 400,000 `<` are 400,015 bytes of signal, but the workflow code passes the location
    // on to its estimate activity, and Go's JSON writes each `<` as `\u003c`: 2.4 MB.
    s.perform(scan_of('<', 400_000)).unwrap();
    let h = s.history();
    let types: Vec<EventType> = h.iter().rev().take(3).rev().map(|e| e.event_type()).collect();
    assert_eq!(
        types,
        [EventType::DecisionTaskCompleted, EventType::TimerCanceled, EventType::WorkflowExecutionFailed],
        "{}",
        s.history_table()
    );
    let EventAttributes::WorkflowExecutionFailed(f) = &h.last().unwrap().attributes else { unreachable!() };
    let failure = f.failure.as_ref().unwrap();
    assert_eq!(failure.reason, DECISION_BLOB_SIZE_EXCEEDS_LIMIT);
    assert_eq!(failure.details, b"ScheduleActivityTaskDecisionAttributes.Input exceeds size limit.");
    assert!(!h.iter().rev().take(3).any(|e| e.event_type() == EventType::ActivityTaskScheduled));
    assert!(s.outcome().is_some_and(|o| o.starts_with("failed")), "{:?}", s.outcome());
}

#[test]
fn an_answer_over_two_million_bytes_fails_the_query_and_the_workflow_goes_on() {
    let mut s = tracked();
    // Each location fits in a signal and in the estimate's input; the two together do
    // not fit in the answer, which lists every location.
    s.perform(scan_of('a', 1_100_000)).unwrap();
    s.perform(Action::Query { name: CURRENT_STATUS_QUERY.into() }).unwrap();
    s.perform(scan_of('b', 1_100_000)).unwrap();
    let err = s.perform(Action::Query { name: CURRENT_STATUS_QUERY.into() }).unwrap_err();
    // The worker's client refuses the answer, in the Go client's words, before the server sees it.
    assert_eq!(err, "query failed: query result size (2200055) exceeds limit (2000000)");
    s.perform(Action::Signal { name: DELIVERED_SIGNAL.into(), input: None }).unwrap();
    assert!(s.outcome().is_some_and(|o| o.starts_with("completed")), "{:?}", s.outcome());
}

#[test]
fn the_failure_is_explained_as_the_servers_not_the_codes() {
    let mut s = tracked();
    s.perform(scan_of('&', 400_000)).unwrap();
    let failed = s.history().last().unwrap().event_id;
    let x = s.explain(failed).unwrap();
    assert!(x.headline.contains("The server failed the workflow"), "{}", x.headline);
    assert!(x.cause.contains("ScheduleActivityTask decision whose payload is over 2 MiB"), "{}", x.cause);
    assert!(x.meaning.contains("No line of the workflow code returned an error"), "{}", x.meaning);
    // Not the payment's failed attempts, earlier in the history.
    assert!(!x.cause.contains("activity failure"), "{}", x.cause);
    let completed = s.history().iter().rev().find(|e| e.event_type() == EventType::DecisionTaskCompleted).unwrap().event_id;
    let x = s.explain(completed).unwrap();
    let all = format!("{} {} {}", x.headline, x.cause, x.meaning);
    assert!(all.contains("ScheduleActivityTask (over 2 MiB: the server failed the workflow in its place)"), "{all}");
    assert!(!all.contains("FailWorkflowExecution"), "{all}");
}

#[test]
fn both_refusals_are_explained() {
    use postflow_core::workshop::explain_refusal;
    let mut s = tracked();
    let signal = s.perform(scan_of('x', BLOB_SIZE_LIMIT)).unwrap_err();
    assert!(explain_refusal(&signal).is_some_and(|t| t.contains("front door refused")), "{signal}");
    s.perform(scan_of('a', 1_100_000)).unwrap();
    s.perform(scan_of('b', 1_100_000)).unwrap();
    let query = s.perform(Action::Query { name: CURRENT_STATUS_QUERY.into() }).unwrap_err();
    assert!(explain_refusal(&query).is_some_and(|t| t.contains("fails this query alone")), "{query}");
}

#[test]
fn a_long_location_is_shown_cut_as_wf_show_cuts_a_field_and_kept_whole_in_history() {
    let mut s = tracked();
    let location = format!("{}{}", "a".repeat(1_000), "z".repeat(1_000));
    s.perform(Action::Signal { name: SCAN_SIGNAL.into(), input: Some(format!("{{\"location\":\"{location}\"}}")) }).unwrap();
    let label = s.timeline().iter().rev().find(|e| matches!(e.action, Action::Signal { .. })).unwrap().action.label();
    assert!(label.len() < 600 && label.contains("aaa ... zzz"), "{label}");
    let log = s.logs().iter().map(ToString::to_string).find(|l| l.contains("Received signal")).unwrap();
    assert!(log.len() < 700 && log.contains("aaa ... zzz"), "{log}");
    let table = s.history_table();
    assert!(!table.contains(&"a".repeat(300)) && table.contains("aaa ... zzz"), "{table}");
    // History keeps every byte.
    let signaled = s.history().iter().find_map(|e| match &e.attributes {
        EventAttributes::WorkflowExecutionSignaled(a) => a.input.clone(),
        _ => None,
    });
    assert!(signaled.is_some_and(|p| p.to_text().contains(&location)));
}

#[test]
fn a_workflow_the_server_failed_for_its_size_still_answers_queries() {
    // A customer of 1.5 MB fits in the order and in the payment's and shipment's inputs;
    // with a 600 kB location beside it, the estimate's input does not. The answer holds
    // the locations only, well under the Go client's 2,000,000 bytes.
    let mut s = Session::new(SessionConfig::default());
    let Action::Start { workflow_id, input, execution_timeout } = Session::workshop_start() else { unreachable!() };
    let input = input.replacen("\"Cadence\"", &format!("\"{}\"", "C".repeat(1_500_000)), 1);
    s.perform(Action::Start { workflow_id, input, execution_timeout }).unwrap();
    while !s.history().iter().any(|e| e.event_type() == EventType::TimerStarted) {
        s.perform(Action::AdvanceNext).unwrap();
    }
    s.perform(scan_of('x', 600_000)).unwrap();
    assert_eq!(s.history().last().map(|e| e.event_type()), Some(EventType::WorkflowExecutionFailed), "{}", s.history_table());
    // A worker replays the closed workflow's history to answer. The code's last
    // decision has no event of its own (the server's failure took its place), which is
    // no nondeterminism: the Go worker answers, and so does ours.
    s.perform(Action::Query { name: CURRENT_STATUS_QUERY.into() }).unwrap();
    let answer = s.last_entry().unwrap().outcome.clone();
    assert_eq!(answer, format!(r#"{{"delivered":false,"locationHistory":["Aarhus","{}"]}}"#, "x".repeat(600_000)));
}

#[test]
fn a_history_the_server_failed_for_its_size_imports_and_replays() {
    let mut s = tracked();
    s.perform(scan_of('<', 400_000)).unwrap();
    let json = postflow_core::history::json::history_to_json(s.history());
    let imported = Session::import_history(SessionConfig::default(), &json).unwrap();
    assert_eq!(imported.replay_error(), None, "{}", imported.history_table());
    assert!(imported.outcome().is_some_and(|o| o.starts_with("failed")), "{:?}", imported.outcome());
}

#[test]
fn a_session_too_large_for_a_link_says_so_and_names_the_export() {
    use postflow_core::session::{MAX_LINK_LENGTH, link_too_long};
    let mut s = tracked();
    assert_eq!(link_too_long(&format!("http://127.0.0.1:8080/#{}", s.to_share_text())), None);
    s.perform(scan_of('x', 1_700_000)).unwrap();
    let link = format!("http://127.0.0.1:8080/#{}", s.to_share_text());
    let why = link_too_long(&link).expect("a 1.7 MB scan's link is over 2 MiB characters");
    assert!(why.starts_with("this session is too large for a link (") && why.ends_with("export it to share it"), "{why}");
    assert_eq!(link_too_long(&"x".repeat(MAX_LINK_LENGTH)), None);
    assert!(link_too_long(&"x".repeat(MAX_LINK_LENGTH + 1)).is_some());
}
