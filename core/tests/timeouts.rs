//! Timeouts the simulated server writes when the clock moves while work waits.

use std::time::Duration;

use postflow_core::history::table::normalize;
use postflow_core::session::{Action, Session, SessionConfig};

fn start(execution_timeout: Duration) -> Session {
    let mut s = Session::new(SessionConfig::default());
    s.auto_run = false;
    let Action::Start { workflow_id, input, .. } = Session::workshop_start() else { unreachable!() };
    s.apply(Action::Start { workflow_id, input, execution_timeout }).unwrap();
    s
}

/// Steps the worker until `done` holds; the worker stops there, mid-work.
fn step_until(s: &mut Session, done: impl Fn(&Session) -> bool) {
    for _ in 0..50 {
        if done(s) {
            return;
        }
        if s.apply(Action::Step).is_err() {
            s.apply(Action::AdvanceNext).unwrap();
        }
    }
    panic!("never reached the state:\n{}", s.history_table());
}

fn shipping_in_progress(execution_timeout: Duration) -> Session {
    let mut s = start(execution_timeout);
    step_until(&mut s, |s| s.pending_activities().iter().any(|a| a.activity_type == "shipProductComplete" && a.running));
    s
}

fn last_line(s: &Session) -> String {
    normalize(&s.history_table()).pop().unwrap_or_default()
}

#[test]
fn an_activity_without_retries_times_out_start_to_close_and_fails_the_workflow() {
    let mut s = shipping_in_progress(Duration::from_secs(600));
    s.apply(Action::AdvanceBy { by: Duration::from_secs(61) }).unwrap();
    let lines = normalize(&s.history_table());
    assert!(lines.contains(&"13 +63s ActivityTaskTimedOut scheduled=11 started=12 timeoutType=START_TO_CLOSE".to_owned()), "{lines:#?}");
    s.apply(Action::Run).unwrap();
    assert_eq!(s.outcome().unwrap(), "failed: ship product for order: TimeoutType: START_TO_CLOSE");
}

#[test]
fn a_retry_nobody_picks_up_times_out_schedule_to_start_and_is_retried() {
    // With a one-day workflow timeout, a retried activity may wait 30 minutes for a worker.
    let mut s = start(Duration::from_secs(86_400));
    s.apply(Action::Run).unwrap();
    assert!(s.history_table().contains("scheduleToStart=1800s scheduleToClose=86400s"), "{}", s.history_table());
    s.apply(Action::AdvanceBy { by: Duration::from_secs(1 + 1800) }).unwrap();
    let p = &s.pending_activities()[0];
    assert_eq!((p.attempt, p.last_failure.as_deref()), (2, Some("")), "attempt=2, the third, is next after a timeout");
    assert!(s.attempts().iter().any(|a| a.attempt == 1 && a.outcome == "timed out (SCHEDULE_TO_START)"), "{:?}", s.attempts());
}

#[test]
fn the_workflow_timeout_closes_everything() {
    let mut s = shipping_in_progress(Duration::from_secs(600));
    s.apply(Action::AdvanceBy { by: Duration::from_secs(3600) }).unwrap();
    assert_eq!(s.outcome().unwrap(), "timed out");
    assert!(last_line(&s).ends_with("WorkflowExecutionTimedOut timeoutType=START_TO_CLOSE"), "{}", last_line(&s));
    assert!(s.pending_activities().is_empty() && s.pending_timers().is_empty());
}
