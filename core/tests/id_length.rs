//! Cadence's limit on a workflow ID's and a signal name's length (1,000 bytes, counted
//! as UTF-8): refused at the server's front door, before the workflow is looked for,
//! and nothing is written. The same moves on a real server: the bridge's `blob_limit`
//! real-server test.

use postflow_core::engine::limits::ID_LENGTH_LIMIT;
use postflow_core::history::EventType;
use postflow_core::postal::{DELIVERED_SIGNAL, SCAN_SIGNAL};
use postflow_core::session::{Action, Session, SessionConfig};
use postflow_core::workshop::explain_refusal;

fn start(workflow_id: String) -> Action {
    let Action::Start { input, execution_timeout, .. } = Session::workshop_start() else { unreachable!() };
    Action::Start { workflow_id, input, execution_timeout }
}

/// Runs the worker and the clock until the package is tracked: its timer started.
fn track(s: &mut Session) {
    while s.history().last().is_none_or(|e| e.event_type() != EventType::TimerStarted) {
        s.perform(Action::AdvanceNext).unwrap();
    }
}

#[test]
fn a_workflow_id_over_1000_bytes_is_refused_in_the_servers_words_and_nothing_starts() {
    let mut s = Session::new(SessionConfig::default());
    let err = s.perform(start("x".repeat(ID_LENGTH_LIMIT + 1))).unwrap_err();
    assert!(err.starts_with("WorkflowID length exceeds limit."), "{err}");
    assert!(err.contains("the workflow ID is 1,001 bytes; Cadence takes at most 1,000"), "{err}");
    // Bytes, not characters: 334 characters of three bytes each are too many.
    let err = s.perform(start("東".repeat(334))).unwrap_err();
    assert!(err.contains("1,002 bytes"), "{err}");
    assert!(s.history().is_empty(), "a refused start wrote {} events", s.history().len());
    assert!(explain_refusal(&err).is_some_and(|t| t.contains("1,000 bytes") && t.contains("nothing was written")), "{err}");
    // Exactly the limit starts, and the workflow runs as any other.
    s.perform(start("x".repeat(ID_LENGTH_LIMIT))).unwrap();
    track(&mut s);
}

#[test]
fn a_signal_name_over_1000_bytes_is_refused_before_the_workflow_is_looked_for() {
    let mut s = Session::new(SessionConfig::default());
    s.perform(Session::workshop_start()).unwrap();
    track(&mut s);
    let before = s.history().len();
    let long = |n: usize| Action::Signal { name: "S".repeat(n), input: None };
    let err = s.perform(long(ID_LENGTH_LIMIT + 1)).unwrap_err();
    assert!(err.starts_with("SignalName length exceeds limit."), "{err}");
    assert!(err.contains("the signal name is 1,001 bytes"), "{err}");
    assert_eq!(s.history().len(), before, "a refused signal wrote something");
    // A name of exactly the limit is recorded, as a real server records any name.
    s.perform(long(ID_LENGTH_LIMIT)).unwrap();
    assert_eq!(s.history()[before].event_type(), EventType::WorkflowExecutionSignaled);
    s.perform(Action::Signal { name: DELIVERED_SIGNAL.into(), input: None }).unwrap();
    assert!(s.outcome().is_some_and(|o| o.starts_with("completed")), "{:?}", s.outcome());
    // The workflow is closed now, but the name's length is what the server says.
    let err = s.perform(long(ID_LENGTH_LIMIT + 1)).unwrap_err();
    assert!(err.starts_with("SignalName length exceeds limit."), "{err}");
    let err = s.perform(Action::Signal { name: SCAN_SIGNAL.into(), input: None }).unwrap_err();
    assert!(err.contains("already completed"), "{err}");
}
