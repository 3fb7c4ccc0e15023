//! Live time keeps determinism: whatever the real time between ticks, a live session's
//! recorded actions — exported as a scenario or as a share link — replay to the same
//! history, byte for byte, and every state stays reachable by rewinding.

use std::time::Duration;

use postflow_core::scenario::{self, Scenario};
use postflow_core::session::{Action, Player, Session, SessionConfig};

fn scan(place: &str) -> Action {
    Action::Signal { name: "ScanSignal".into(), input: Some(serde_json::json!({ "location": place }).to_string()) }
}

/// A participant's live session: ticks of uneven real length (as a busy machine gives
/// them), scans and the delivery sent in between.
fn live_session(tick_ms: &[u64]) -> Session {
    let mut s = Session::new(SessionConfig::default());
    let mut p = Player::default();
    p.toggle_live(&s);
    s.perform(Session::workshop_start()).unwrap();
    for (i, ms) in tick_ms.iter().cycle().take(400).enumerate() {
        p.tick(&mut s, Duration::from_millis(*ms));
        match i {
            30 => s.perform(scan("Delft")).unwrap(),
            120 => s.perform(scan("Lyon")).unwrap(),
            _ => {}
        }
    }
    assert!(s.notifications() >= 1, "the notification timer fired by itself:\n{}", s.history_table());
    s.perform(Action::Signal { name: "DeliveredSignal".into(), input: None }).unwrap();
    assert_eq!(s.outcome().unwrap(), r#"completed: "Order Order123 processed successfully for customer Cadence.""#);
    s
}

#[test]
fn a_live_session_exported_as_a_scenario_replays_to_the_same_history() {
    for ticks in [&[100u64][..], &[16, 17, 16, 120, 33], &[7, 250, 61]] {
        let s = live_session(ticks);
        let toml = scenario::to_toml(&s, "live");
        let replay = scenario::run(&Scenario::parse("live.toml", &toml).unwrap());
        assert!(replay.passed(), "{:?}", replay.failures);
        assert_eq!(replay.session.history_json(), s.history_json(), "ticks {ticks:?}:\n{toml}");

        let shared = Session::from_share_text(&s.to_share_text()).unwrap();
        assert_eq!(shared.history_json(), s.history_json());
    }
}

#[test]
fn every_state_of_a_live_session_is_reachable_by_rewinding() {
    let mut s = live_session(&[100]);
    let states: Vec<String> = (0..=s.timeline().len())
        .map(|k| {
            s.seek(k);
            s.history_json()
        })
        .collect();
    // Walking back and forth gives each state again.
    for k in (0..=s.timeline().len()).rev() {
        s.seek(k);
        assert_eq!(s.history_json(), states[k], "state {k}");
    }
    // Quiet live time is kept as few clock moves, not one per tick.
    assert!(s.timeline().len() < 120, "{} entries for 400 ticks", s.timeline().len());
}

#[test]
fn exported_scenarios_keep_every_kind_of_action() {
    let mut s = Session::new(SessionConfig::default());
    s.perform(Session::workshop_start()).unwrap();
    s.perform(Action::AdvanceBy { by: Duration::from_millis(1500) }).unwrap();
    // The move, to the millisecond as the action says it ("+1s" read as a time since the start).
    let moved = s.timeline().iter().rev().find(|e| matches!(e.action, Action::AdvanceBy { .. })).unwrap();
    assert_eq!(moved.outcome, "clock moved 1.500s");
    s.perform(Action::AdvanceNext).unwrap();
    s.apply(Action::Query { name: "current_status".into() }).unwrap();
    s.perform(scan("Delft \"Centraal\"")).unwrap();
    let toml = scenario::to_toml(&s, "kinds");
    for part in ["do = \"start\"", "by = \"1.500s\"", "to = \"next\"", "do = \"query\"", "count = ", "Centraal"] {
        assert!(toml.contains(part), "{part} missing:\n{toml}");
    }
    let replay = scenario::run(&Scenario::parse("kinds.toml", &toml).unwrap());
    assert_eq!(replay.session.history_json(), s.history_json());
    // Only the actions up to the cursor: a rewound session exports what it shows.
    s.seek(1);
    assert_eq!(scenario::to_toml(&s, "kinds").matches("[[steps]]").count(), 1);
}
