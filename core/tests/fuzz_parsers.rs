//! Fuzzing of everything that reads user input: history JSON, scenario TOML, order
//! and signal JSON. Inputs come from the kept corpus (`tests/corpus/`: real and
//! simulated histories, built-in scenarios, and the malformed inputs that once
//! mattered) and from random mutations of it. Every input must give a value or an
//! error with a message, never a panic; a session fed bad input must stay unchanged.

use postflow_core::history::json::history_from_json;
use postflow_core::payload::Payload;
use postflow_core::postal::validate_order;
use postflow_core::scenario::Scenario;
use postflow_core::session::{Action, Session, SessionConfig};
use proptest::prelude::*;

fn corpus(kind: &str) -> Vec<Vec<u8>> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus").join(kind);
    let mut files: Vec<_> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
    files.sort();
    files.iter().map(|p| std::fs::read(p).unwrap()).collect()
}

/// Reads a history the way the import path does, checking errors carry a message.
fn read_history(bytes: &[u8]) {
    let text = String::from_utf8_lossy(bytes);
    match history_from_json(&text) {
        Ok(events) => assert!(!events.is_empty() || text.contains("[]")),
        Err(e) => assert!(!e.to_string().is_empty()),
    }
    if let Err(e) = Session::import_history(SessionConfig::default(), &text) {
        assert!(!e.is_empty());
    }
}

fn read_scenario(bytes: &[u8]) {
    match Scenario::parse("fuzz.toml", &String::from_utf8_lossy(bytes)) {
        Ok(s) => assert!(s.warnings().iter().all(|w| !w.is_empty())),
        Err(e) => assert!(e.to_string().starts_with("fuzz.toml: "), "{e}"),
    }
}

fn read_input(bytes: &[u8]) {
    let p = Payload::from_bytes(bytes.to_vec());
    let _ = validate_order(Some(&p));
    let _ = p.decode::<postflow_core::postal::ScanSignal>();
    let _ = postflow_core::session::cli::check_input(&p.to_text());
}

/// Mutations that find parser bugs: truncate, flip a byte, duplicate a slice.
fn mutate(seed: &[u8], cut: usize, at: usize, byte: u8, dup: usize) -> Vec<u8> {
    let mut v = seed.to_vec();
    if v.is_empty() {
        return vec![byte];
    }
    let at = at % v.len();
    v[at] = byte;
    let dup = dup % v.len();
    let slice = v[at.min(dup)..at.max(dup)].to_vec();
    v.splice(at..at, slice);
    v.truncate(v.len() - cut % v.len());
    v
}

#[test]
fn the_corpus_reads_without_panics() {
    for h in corpus("history") {
        read_history(&h);
    }
    for s in corpus("scenario") {
        read_scenario(&s);
    }
    for i in corpus("input") {
        read_input(&i);
    }
}

#[test]
fn corpus_histories_are_read_or_refused_as_they_should_be() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus/history");
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let text = std::fs::read_to_string(&path).unwrap();
        let imported = Session::import_history(SessionConfig::default(), &text);
        let good = name.starts_with("real-") || name.starts_with("sim-");
        assert_eq!(imported.is_ok(), good, "{name}: {:?}", imported.err());
        if let Ok(s) = imported {
            assert_eq!(s.replay_error(), None, "{name}");
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn mutated_histories_never_panic(i in 0usize..8, cut in any::<usize>(), at in any::<usize>(), byte in any::<u8>(), dup in any::<usize>()) {
        let c = corpus("history");
        read_history(&mutate(&c[i % c.len()], cut, at, byte, dup));
    }

    #[test]
    fn mutated_scenarios_never_panic(i in 0usize..64, cut in any::<usize>(), at in any::<usize>(), byte in any::<u8>(), dup in any::<usize>()) {
        let c = corpus("scenario");
        read_scenario(&mutate(&c[i % c.len()], cut, at, byte, dup));
    }

    #[test]
    fn arbitrary_text_never_panics(s in ".{0,200}") {
        read_history(s.as_bytes());
        read_scenario(s.as_bytes());
        read_input(s.as_bytes());
    }

    #[test]
    fn bad_orders_and_signals_leave_the_session_unchanged(input in "[{}\\[\\]\":,a-z0-9 ]{0,40}") {
        let mut s = Session::new(SessionConfig::default());
        s.perform(Session::workshop_start()).unwrap();
        let before = (s.history_json(), s.timeline().len());
        let signal = s.apply(Action::Signal { name: "ScanSignal".into(), input: Some(input.clone()) });
        let start = s.apply(Action::Start { workflow_id: "Other".into(), input, execution_timeout: std::time::Duration::from_secs(60) });
        if signal.is_err() && start.is_err() {
            prop_assert_eq!((s.history_json(), s.timeline().len()), before);
        }
    }
}
