//! The workflow at the end of each workshop chapter behaves as that chapter of the
//! workshop describes, so exercises can start from any of them.

use std::time::Duration;

use postflow_core::postal::{Chapter, PostalConfig};
use postflow_core::session::{Action, Session, SessionConfig};

fn session(chapter: Chapter) -> Session {
    let mut s = Session::new(SessionConfig { seed: 1, postal: PostalConfig { chapter, timer_unit: Duration::from_secs(60) } });
    s.perform(Session::workshop_start()).unwrap();
    s
}

fn scan(s: &mut Session, place: &str) -> Result<(), String> {
    s.perform(Action::Signal { name: "ScanSignal".into(), input: Some(format!(r#"{{"location":"{place}"}}"#)) })
}

#[test]
fn activities_chapter_validates_and_ships_without_retries() {
    let s = session(Chapter::Activities);
    assert_eq!(s.outcome().unwrap(), r#"completed: "Order Order123 processed successfully for customer Cadence.""#);
    assert!(s.history_table().contains("type=validatePayment "), "{}", s.history_table());
    assert!(!s.history_table().contains("retry="));
}

#[test]
fn retries_chapter_needs_the_backoff_to_pass() {
    let mut s = session(Chapter::Retries);
    assert_eq!(s.status_line().run_state, "running");
    s.perform(Action::AdvanceNext).unwrap();
    s.perform(Action::AdvanceNext).unwrap();
    assert!(s.outcome().unwrap().starts_with("completed"));
    assert!(s.history_table().contains("attempt=2 lastFailure=cadenceInternal:Generic \"temporary issue, please retry\""));
    // What chapter 2's text says to look for: the server stretched the one-minute
    // timeouts of the retried activity to the workflow's 600 s.
    assert!(postflow_core::workshop::GUIDES[1].look_for.contains("here the workflow's 600 s"));
    let scheduled = s
        .history()
        .iter()
        .find_map(|e| match &e.attributes {
            postflow_core::history::EventAttributes::ActivityTaskScheduled(a) if a.retry_policy.is_some() => Some(a.clone()),
            _ => None,
        })
        .unwrap();
    assert_eq!(scheduled.schedule_to_start_timeout, Some(Duration::from_secs(600)));
    assert_eq!(scheduled.schedule_to_close_timeout, Some(Duration::from_secs(600)));
    assert_eq!(scheduled.start_to_close_timeout, Some(Duration::from_secs(60)));
}

#[test]
fn scan_once_chapter_ends_after_one_scan() {
    let mut s = session(Chapter::ScanOnce);
    s.perform(Action::AdvanceNext).unwrap();
    s.perform(Action::AdvanceNext).unwrap();
    assert_eq!(s.status_line().run_state, "running");
    scan(&mut s, "Delft").unwrap();
    assert!(s.outcome().unwrap().starts_with("completed"));
    assert!(s.logs().iter().any(|l| l.message == "Received signal!"));
}

#[test]
fn loop_chapter_never_ends_and_has_no_delivered_signal() {
    let mut s = session(Chapter::Loop);
    s.perform(Action::AdvanceNext).unwrap();
    s.perform(Action::AdvanceNext).unwrap();
    for place in ["Delft", "Lyon", "Graz"] {
        scan(&mut s, place).unwrap();
    }
    assert_eq!(s.status_line().run_state, "running");
    // A real server records it; this chapter's code has no channel for it, so it stays unread.
    s.perform(Action::Signal { name: "DeliveredSignal".into(), input: None }).unwrap();
    assert_eq!(s.status_line().run_state, "running");
    assert!(s.unread_signals().iter().any(|u| u.channel == "DeliveredSignal" && !u.read_by_code), "{:?}", s.unread_signals());
}

#[test]
fn delivered_chapter_ends_on_delivery_but_answers_no_query() {
    let mut s = session(Chapter::Delivered);
    s.perform(Action::AdvanceNext).unwrap();
    s.perform(Action::AdvanceNext).unwrap();
    let err = s.apply(Action::Query { name: "current_status".into() }).unwrap_err();
    assert!(err.contains("unknown queryType current_status"), "{err}");
    s.perform(Action::Signal { name: "DeliveredSignal".into(), input: None }).unwrap();
    assert!(s.outcome().unwrap().starts_with("completed"));
}

#[test]
fn query_chapter_reports_the_locations_but_sets_no_timer() {
    let mut s = session(Chapter::Query);
    s.perform(Action::AdvanceNext).unwrap();
    s.perform(Action::AdvanceNext).unwrap();
    scan(&mut s, "Delft").unwrap();
    assert_eq!(s.current_status().unwrap().location_history, ["Aarhus", "Delft"]);
    assert!(s.pending_timers().is_empty());
}

#[test]
fn every_chapter_has_its_own_registered_names() {
    assert_eq!(Chapter::parse("notification").unwrap().names().workflow, "OrderProcessingWorkflowComplete");
    assert_eq!(Chapter::parse("loop").unwrap().names().workflow, "OrderProcessingWorkflow");
    assert!(Chapter::parse("epilogue").unwrap_err().contains("activities, retries, scan-once, loop, delivered, query, notification"));
}
