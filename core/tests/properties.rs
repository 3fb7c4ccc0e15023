//! Properties of the workshop's workflow on the simulator, over random sequences of
//! scans, deliveries and clock moves (each followed by a worker run, as a person
//! using a front end does):
//! - at most one notification, and none after the DeliveredSignal;
//! - at most one running notification timer;
//! - `locationHistory` is `sendFrom` then the scan locations in signal order;
//! - event IDs are contiguous from 1;
//! - the same seed and actions give byte-identical histories.

use std::time::Duration;

use postflow_core::history::EventType;
use postflow_core::session::{Action, Session, SessionConfig};
use proptest::prelude::*;

#[derive(Clone, Debug)]
enum Move {
    Scan(u8),
    Deliver,
    NextTimer,
    Wait(u16),
}

fn moves() -> impl Strategy<Value = Vec<Move>> {
    let m = prop_oneof![
        4 => (0u8..6).prop_map(Move::Scan),
        1 => Just(Move::Deliver),
        3 => Just(Move::NextTimer),
        2 => (1u16..400).prop_map(Move::Wait),
    ];
    prop::collection::vec(m, 0..25)
}

const PLACES: [&str; 6] = ["Delft", "Hamburg", "Lyon", "Odense", "Graz", "Porto"];

/// Plays the moves; returns the session and the scans the workflow accepted.
fn play(seed: u64, moves: &[Move]) -> (Session, Vec<String>) {
    let mut s = Session::new(SessionConfig { seed, ..Default::default() });
    s.perform(Session::workshop_start()).unwrap();
    // Payment retries: two clock moves and the order is being tracked.
    s.perform(Action::AdvanceNext).unwrap();
    s.perform(Action::AdvanceNext).unwrap();
    let mut scanned = Vec::new();
    for m in moves {
        let action = match m {
            Move::Scan(i) => {
                Action::Signal { name: "ScanSignal".into(), input: Some(format!(r#"{{"location":"{}"}}"#, PLACES[*i as usize])) }
            }
            Move::Deliver => Action::Signal { name: "DeliveredSignal".into(), input: None },
            Move::NextTimer => Action::AdvanceNext,
            Move::Wait(secs) => Action::AdvanceBy { by: Duration::from_secs(u64::from(*secs)) },
        };
        let accepted = s.perform(action).is_ok();
        if let (true, Move::Scan(i)) = (accepted, m) {
            scanned.push(PLACES[*i as usize].to_owned());
        }
    }
    (s, scanned)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn the_customer_is_notified_at_most_once_and_never_after_delivery(seed in 0u64..1000, moves in moves()) {
        let (s, _) = play(seed, &moves);
        prop_assert!(s.notifications() <= 1, "{} notifications", s.notifications());
        let history = s.history();
        let delivered_at = history.iter().position(|e| matches!(&e.attributes,
            postflow_core::history::EventAttributes::WorkflowExecutionSignaled(a) if a.signal_name == "DeliveredSignal"));
        if let Some(d) = delivered_at {
            let delivered_time = history[d].event_time;
            prop_assert!(s.logs().iter().all(|l| l.message != "Notification sent" || l.time <= delivered_time));
        }
    }

    #[test]
    fn at_most_one_notification_timer_runs(seed in 0u64..1000, moves in moves()) {
        let (mut s, _) = play(seed, &moves);
        for k in (0..=s.timeline().len()).rev() {
            s.seek(k);
            prop_assert!(s.pending_timers().len() <= 1, "{} timers after {k} actions", s.pending_timers().len());
        }
    }

    #[test]
    fn the_location_history_is_the_origin_then_every_scan_in_order(seed in 0u64..1000, moves in moves()) {
        let (s, scanned) = play(seed, &moves);
        let status = s.current_status().expect("the workflow answers current_status");
        let mut expected = vec!["Aarhus".to_owned()];
        expected.extend(scanned);
        prop_assert_eq!(status.location_history, expected);
    }

    #[test]
    fn event_ids_are_contiguous_and_every_history_replays(seed in 0u64..1000, moves in moves()) {
        let (s, _) = play(seed, &moves);
        for (i, e) in s.history().iter().enumerate() {
            prop_assert_eq!(e.event_id, i as i64 + 1);
        }
        let imported = Session::import_history(SessionConfig::default(), &s.history_json()).unwrap();
        prop_assert_eq!(imported.replay_error(), None);
        let closed = s.history().last().map(|e| e.event_type().is_workflow_close()).unwrap_or(false);
        prop_assert_eq!(closed, s.status_line().run_state != "running");
        prop_assert!(s.history().iter().filter(|e| e.event_type() == EventType::WorkflowExecutionStarted).count() == 1);
    }

    #[test]
    fn the_same_seed_and_actions_give_the_same_bytes(seed in 0u64..1000, moves in moves()) {
        let (a, _) = play(seed, &moves);
        let (b, _) = play(seed, &moves);
        prop_assert_eq!(a.history_json(), b.history_json());
        prop_assert_eq!(a.history_table(), b.history_table());
    }
}
