//! Histories recorded from a real Cadence server (v1.4.1, `scripts/cadence-dev.sh`)
//! with a Go worker running the workshop's workflow (fixtures in `fixtures/real/`,
//! fetched with `GetWorkflowExecutionHistory`). The simulator must read them, our
//! workflow code must replay them without a nondeterminism error, and the simulator
//! must write the same events for the same inputs.

use postflow_core::history::json::history_from_json;
use postflow_core::history::{EventAttributes, HistoryEvent, table};
use postflow_core::postal::{self, PostalConfig};
use postflow_core::runtime::WorkflowRuntime;
use postflow_core::session::{Action, Session, SessionConfig};

fn fixture(name: &str) -> Vec<HistoryEvent> {
    let path = format!("{}/tests/fixtures/real/{name}.json", env!("CARGO_MANIFEST_DIR"));
    history_from_json(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// The event lines without what cannot match: times (real ones move with the wall clock).
fn lines(events: &[HistoryEvent]) -> Vec<String> {
    events.iter().map(|e| format!("{} {} {}", e.event_id, e.event_type().name(), table::attributes(&e.attributes))).collect()
}

#[test]
fn real_histories_replay_through_our_workflow_code() {
    let def = postal::registry(PostalConfig::default()).workflow("OrderProcessingWorkflowComplete").cloned().unwrap();
    for name in ["happy-path", "amount-over-25", "empty-customer"] {
        let events = fixture(name);
        let result = WorkflowRuntime::replay(&def, "Order123", postal::DOMAIN, &events);
        assert!(result.is_ok(), "{name}: {:?}", result.err());
    }
}

#[test]
fn a_changed_history_is_a_named_nondeterminism_error() {
    let def = postal::registry(PostalConfig::default()).workflow("OrderProcessingWorkflowComplete").cloned().unwrap();
    let mut events = fixture("happy-path");
    if let EventAttributes::ActivityTaskScheduled(a) = &mut events[10].attributes {
        a.activity_type.name = "chargeCardTwice".into();
    }
    let err = WorkflowRuntime::replay(&def, "Order123", postal::DOMAIN, &events).err().expect("a nondeterminism error");
    let msg = err.to_string();
    assert!(
        msg.contains("history event 11 ActivityTaskScheduled") && msg.contains("chargeCardTwice") && msg.contains("shipProductComplete"),
        "{msg}"
    );
}

#[test]
fn a_timer_started_under_another_id_names_the_codes_timer() {
    let def = postal::registry(PostalConfig::default()).workflow("OrderProcessingWorkflowComplete").cloned().unwrap();
    let mut events = fixture("happy-path");
    let (i, id) = events
        .iter()
        .enumerate()
        .find_map(|(i, e)| match &e.attributes {
            EventAttributes::TimerStarted(t) => Some((i, t.timer_id.to_string())),
            _ => None,
        })
        .expect("the happy path starts a timer");
    if let EventAttributes::TimerStarted(t) = &mut events[i].attributes {
        t.timer_id = "99".into();
    }
    let msg = WorkflowRuntime::replay(&def, "Order123", postal::DOMAIN, &events).err().expect("a nondeterminism error").to_string();
    let event_id = events[i].event_id;
    assert!(msg.contains(&format!("history event {event_id} TimerStarted")) && msg.contains(&format!("StartTimer(timerId {id})")), "{msg}");
}

/// A seed whose first two estimates are 1 day, like the Go reference worker's fixed estimate.
fn seed_with_two_one_day_estimates() -> u64 {
    (0..)
        .find(|s| {
            let mut r = postflow_core::rng::SplitMix64::new(*s);
            r.one_to(3) == 1 && r.one_to(3) == 1
        })
        .unwrap()
}

#[test]
fn the_simulator_writes_the_real_servers_happy_path_event_for_event() {
    let real = fixture("happy-path");
    let mut s = Session::new(SessionConfig { seed: seed_with_two_one_day_estimates(), ..Default::default() });
    s.perform(Session::workshop_start()).unwrap();
    for a in [
        Action::AdvanceNext,
        Action::AdvanceNext,
        Action::Signal { name: "ScanSignal".into(), input: Some(r#"{"location":"Delft"}"#.into()) },
        Action::AdvanceNext,
        Action::Signal { name: "DeliveredSignal".into(), input: None },
    ] {
        s.perform(a).unwrap();
    }
    assert_eq!(lines(s.history()), lines(&real));
}

#[test]
fn failed_orders_match_the_real_server_too() {
    for (name, input) in [
        ("amount-over-25", r#"{"id":"Order123","customer":"Cadence","amount":30,"address":"Uber office","sendFrom":"Aarhus"}"#),
        ("empty-customer", r#"{"id":"Order123","customer":"","amount":20,"address":"Uber office","sendFrom":"Aarhus"}"#),
    ] {
        let real = fixture(name);
        let input_text = match &real[0].attributes {
            EventAttributes::WorkflowExecutionStarted(a) => a.input.clone().unwrap().to_text(),
            _ => unreachable!(),
        };
        let _ = input;
        let mut s = Session::new(SessionConfig::default());
        s.perform(Action::Start {
            workflow_id: "Order123".into(),
            input: input_text,
            execution_timeout: std::time::Duration::from_secs(600),
        })
        .unwrap();
        s.perform(Action::AdvanceNext).unwrap();
        s.perform(Action::AdvanceNext).unwrap();
        assert_eq!(lines(s.history()), lines(&real), "{name}");
    }
}

/// The text of an event's `*EventAttributes` object, as written (brace matching; the
/// payloads are base64, so no brace hides inside a string).
fn attributes_text(event_json: &str) -> &str {
    let start = event_json.find("EventAttributes\":").expect("an attributes key") + "EventAttributes\":".len();
    let mut depth = 0;
    for (i, c) in event_json[start..].char_indices() {
        match c {
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if depth == 0 {
                    return &event_json[start..start + i + 1];
                }
            }
            _ => {}
        }
    }
    panic!("unbalanced attributes in {event_json}")
}

#[test]
fn the_simulators_json_is_textually_the_servers_for_every_activity_it_schedules() {
    // The recorded server bytes, one event per element, in the server's own text.
    let raw = std::fs::read_to_string(format!("{}/tests/fixtures/real/happy-path.json", env!("CARGO_MANIFEST_DIR"))).unwrap();
    let real_events: Vec<&str> = raw.split("},{\"eventId\"").collect();
    let mut s = Session::new(SessionConfig { seed: seed_with_two_one_day_estimates(), ..Default::default() });
    s.perform(Session::workshop_start()).unwrap();
    s.perform(Action::AdvanceNext).unwrap();
    s.perform(Action::AdvanceNext).unwrap();
    let mut compared = 0;
    for (sim, real) in s.history().iter().zip(&real_events) {
        if let EventAttributes::ActivityTaskScheduled(_) = sim.attributes {
            let ours = serde_json::to_string(sim).unwrap();
            // Identities and request IDs are not in these attributes: byte for byte.
            assert_eq!(attributes_text(&ours), attributes_text(real), "event {}", sim.event_id);
            compared += 1;
        }
    }
    // validatePayment (with its retry policy and its coefficient `2`), ship, estimate.
    assert_eq!(compared, 3);
}
