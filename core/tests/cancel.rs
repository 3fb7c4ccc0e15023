//! `cadence wf cancel`: the server records the request and the workflow code decides.
//! The simulator must write what a real Cadence server (v1.4.1) wrote with the
//! workshop's Go worker for the same moves (fixtures recorded with
//! `scripts/cadence-dev.sh` and `target/workshop-worker --timer-unit 1m`: a cancel in the
//! payment's retry backoff, `fixtures/real/cancel-during-payment.json`, and one while
//! the package is tracked, then delivered, `fixtures/real/cancel-while-tracking.json`),
//! and our workflow code must replay those histories.

use std::time::Duration;

use postflow_core::history::json::history_from_json;
use postflow_core::history::{EventType, HistoryEvent, table};
use postflow_core::postal::{self, PostalConfig};
use postflow_core::runtime::WorkflowRuntime;
use postflow_core::session::{Action, Session, SessionConfig};

fn fixture(name: &str) -> Vec<HistoryEvent> {
    let path = format!("{}/tests/fixtures/real/{name}.json", env!("CARGO_MANIFEST_DIR"));
    history_from_json(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// The event lines without what cannot match: times move with the wall clock.
fn lines(events: &[HistoryEvent]) -> Vec<String> {
    events.iter().map(|e| format!("{} {} {}", e.event_id, e.event_type().name(), table::attributes(&e.attributes))).collect()
}

/// A session started with the recording's own order.
fn started_like(real: &[HistoryEvent], seed: u64) -> Session {
    let (id, input) = match &real[0].attributes {
        postflow_core::history::EventAttributes::WorkflowExecutionStarted(a) => {
            let input = a.input.clone().unwrap().to_text();
            let id = serde_json::from_str::<serde_json::Value>(&input).unwrap()["id"].as_str().unwrap().to_owned();
            (id, input)
        }
        _ => unreachable!("a history starts with its start"),
    };
    let mut s = Session::new(SessionConfig { seed, ..Default::default() });
    s.perform(Action::Start { workflow_id: id, input, execution_timeout: Duration::from_secs(600) }).unwrap();
    s
}

/// A seed whose first estimate is `days`, as the recording's estimator gave.
fn seed_with_first_estimate(days: u64) -> u64 {
    (0..).find(|s| postflow_core::rng::SplitMix64::new(*s).one_to(3) == days).unwrap()
}

#[test]
fn real_cancel_histories_replay_through_our_workflow_code() {
    let def = postal::registry(PostalConfig::default()).workflow("OrderProcessingWorkflowComplete").cloned().unwrap();
    for name in ["cancel-during-payment", "cancel-while-tracking"] {
        let events = fixture(name);
        let result = WorkflowRuntime::replay(&def, "CD", postal::DOMAIN, &events);
        assert!(result.is_ok(), "{name}: {:?}", result.err());
    }
}

#[test]
fn a_cancel_in_the_payments_backoff_closes_the_workflow_as_canceled_as_on_the_real_server() {
    let real = fixture("cancel-during-payment");
    let mut s = started_like(&real, 1);
    // The first attempt failed at once; the second, a second later, too: the cancel
    // came in the two seconds before the third.
    s.perform(Action::AdvanceNext).unwrap();
    s.perform(Action::Cancel { reason: "d".into() }).unwrap();
    assert_eq!(lines(s.history()), lines(&real));
    assert_eq!(s.outcome().as_deref(), Some("canceled: validate payment for order: CanceledError"));
}

#[test]
fn a_cancel_while_tracking_cancels_the_timer_and_the_delivery_still_completes_as_on_the_real_server() {
    let real = fixture("cancel-while-tracking");
    let mut s = started_like(&real, seed_with_first_estimate(3));
    s.perform(Action::AdvanceNext).unwrap();
    s.perform(Action::AdvanceNext).unwrap();
    assert!(s.history().last().is_some_and(|e| e.event_type() == EventType::TimerStarted), "{}", s.history_table());
    s.perform(Action::Cancel { reason: "g1".into() }).unwrap();
    let again = s.perform(Action::Cancel { reason: "g2".into() }).unwrap_err();
    assert!(again.contains("cancellation already requested for this workflow execution"), "{again}");
    s.perform(Action::Signal { name: "DeliveredSignal".into(), input: None }).unwrap();
    assert_eq!(lines(s.history()), lines(&real));
    let closed = s.perform(Action::Cancel { reason: "late".into() }).unwrap_err();
    assert!(closed.contains("workflow execution already completed"), "{closed}");
}
