//! Where the workflow code waits, as Cadence's built-in queries report it
//! (`__stack_trace`, `__query_types`) and as the views show it: which selector, which
//! channels, timers and activity futures, at which line of the workflow code.

use postflow_core::sdk::Waiting;
use postflow_core::session::{Action, Session, SessionConfig};

fn started() -> Session {
    let mut s = Session::new(SessionConfig::default());
    s.perform(Session::workshop_start()).unwrap();
    s
}

/// Paid (after the two retries) and shipped: the workflow tracks the package.
fn tracking() -> Session {
    let mut s = started();
    s.perform(Action::AdvanceNext).unwrap();
    s.perform(Action::AdvanceNext).unwrap();
    s
}

fn query(s: &Session, name: &str) -> String {
    s.engine().query("Order123", name).unwrap().to_text()
}

#[test]
fn while_the_payment_is_retried_the_code_waits_on_its_future() {
    let s = started();
    let trace: String = serde_json::from_str(&query(&s, "__stack_trace")).unwrap();
    assert!(trace.starts_with("coroutine 1 [blocked on future.Get]:"), "{trace}");
    assert!(trace.contains("core/src/postal/chapters.rs:"), "the line of workflow code that waits: {trace}");
    assert!(trace.contains("waiting for activity 0 (validatePaymentComplete) to close"), "{trace}");
}

#[test]
fn tracking_waits_on_the_selector_with_its_timer_and_both_channels() {
    let s = tracking();
    let trace: String = serde_json::from_str(&query(&s, "__stack_trace")).unwrap();
    assert!(trace.starts_with("coroutine 1 [blocked on selector-1.Select]:"), "{trace}");
    assert!(trace.contains("core/src/postal/workflow.rs:"), "{trace}");
    assert!(
        trace.ends_with("waiting for the first of: timer 3 (180s) to fire; a ScanSignal signal; a DeliveredSignal signal"),
        "the cases in the order the code added them: {trace}"
    );
}

#[test]
fn a_scan_replaces_the_timer_case_and_unread_signals_are_counted() {
    let mut s = started();
    // Two scans while the payment is still retried: in history, unread by the code.
    for location in ["Delft", "Rotterdam"] {
        s.perform(Action::Signal { name: "ScanSignal".into(), input: Some(format!(r#"{{"location":"{location}"}}"#)) }).unwrap();
    }
    let (rt, _) = postflow_core::runtime::WorkflowRuntime::replay(
        s.engine().registry().workflow("OrderProcessingWorkflowComplete").unwrap(),
        "Order123",
        "cadence-workshop",
        s.history(),
    )
    .unwrap();
    let unread = rt.unread_signals();
    assert_eq!(unread.len(), 1);
    assert_eq!(unread[0].0, "ScanSignal");
    let inputs: Vec<String> = unread[0].1.iter().map(|p| p.to_text()).collect();
    assert_eq!(inputs, [r#"{"location":"Delft"}"#, r#"{"location":"Rotterdam"}"#]);

    // Once tracking starts the code reads both, and the newest timer is the one it waits on.
    s.perform(Action::AdvanceNext).unwrap();
    s.perform(Action::AdvanceNext).unwrap();
    let (rt, _) = postflow_core::runtime::WorkflowRuntime::replay(
        s.engine().registry().workflow("OrderProcessingWorkflowComplete").unwrap(),
        "Order123",
        "cadence-workshop",
        s.history(),
    )
    .unwrap();
    assert!(rt.unread_signals().is_empty());
    let blocked = rt.blocked();
    let Waiting::Select(cases) = &blocked[0].on else { panic!("{blocked:?}") };
    assert_eq!(cases.len(), 3, "{cases:?}");
    assert!(matches!(&cases[2], Waiting::Timer { .. }), "the new timer was added after the two channels: {cases:?}");
}

#[test]
fn the_query_types_are_the_go_clients_built_ins_and_the_workflows_own() {
    let s = started();
    assert_eq!(query(&s, "__query_types"), "[\"__open_sessions\",\"__query_types\",\"__stack_trace\",\"current_status\"]\n");
    assert_eq!(query(&s, "__open_sessions"), "[]\n");
    let e = s.engine().query("Order123", "nope").unwrap_err().to_string();
    assert!(e.contains("unknown queryType nope. KnownQueryTypes=[__open_sessions __query_types __stack_trace current_status]"), "{e}");
}

#[test]
fn a_finished_workflow_waits_on_nothing() {
    let mut s = tracking();
    s.perform(Action::Signal { name: "DeliveredSignal".into(), input: None }).unwrap();
    let trace: String = serde_json::from_str(&query(&s, "__stack_trace")).unwrap();
    assert_eq!(trace, "nothing waits: the workflow code has returned");
}
