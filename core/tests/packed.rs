#![cfg(feature = "packed")]
//! Parked histories (`history::packed`) give back exactly what went in: every
//! built-in scenario's history and every history recorded on a real server, event
//! for event and batch for batch, and at a small fraction of their JSON size. What a
//! replay decodes of them (`replay_events`, skipping what replay never reads) is what
//! it reads of the full events.

use postflow_core::history::HistoryEvent;
use postflow_core::history::json::history_from_json;
use postflow_core::history::packed::{Dictionary, PackedHistory};
use postflow_core::history::replay::ReplayEvent;
use postflow_core::scenario::{self, BUILTIN, Scenario};

fn round_trip(events: &[HistoryEvent], batches: &[u32], dict: &mut Dictionary) -> PackedHistory {
    let mut packed = PackedHistory::default();
    for (i, e) in events.iter().enumerate() {
        let new_batch = i == 0 || batches.get(i) != batches.get(i - 1);
        packed.push(e, new_batch, dict);
    }
    let (decoded, decoded_batches) = packed.decode(dict).expect("our own encoding decodes");
    assert_eq!(decoded, events);
    if !batches.is_empty() {
        assert_eq!(decoded_batches, batches);
    }
    let mut replay = packed.replay_events(dict);
    for e in events {
        let replayed = replay.next_event().expect("as many events as went in").expect("our own encoding decodes for replay");
        assert_eq!(replayed, ReplayEvent::from(e));
    }
    assert!(replay.next_event().is_none());
    packed
}

#[test]
fn every_builtin_scenario_history_comes_back_event_for_event() {
    let mut dict = Dictionary::default();
    for b in BUILTIN {
        let s = Scenario::parse(b.name, b.toml).unwrap();
        let outcome = scenario::run(&s);
        for e in outcome.session.engine().executions() {
            round_trip(e.history(), e.batches(), &mut dict);
        }
    }
}

#[test]
fn real_server_histories_come_back_event_for_event() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/real");
    let mut dict = Dictionary::default();
    let mut checked = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        let Ok(events) = history_from_json(&text) else { continue };
        round_trip(&events, &[], &mut dict);
        checked += 1;
    }
    assert!(checked >= 3, "the real-server fixtures are read");
}

#[test]
fn a_parked_happy_path_is_a_small_fraction_of_its_json() {
    let b = scenario::builtin("happy-path").unwrap();
    let outcome = scenario::run(&Scenario::parse(b.name, b.toml).unwrap());
    let e = outcome.session.engine().executions().next().unwrap();
    let history = e.history();
    let mut dict = Dictionary::default();
    let packed = round_trip(history, e.batches(), &mut dict);
    let json = postflow_core::history::json::history_to_json(history).len();
    assert!(packed.byte_len() * 10 < json, "{} packed bytes for {json} bytes of JSON ({} events)", packed.byte_len(), history.len());
}
