//! Replays a long history through the workflow code, for profilers and for the
//! flatness check of replay cost per event:
//! `cargo build --profile profiling -p postflow-core --example replay`, then
//! `valgrind --tool=callgrind target/profiling/examples/replay 1000 10` minus the same
//! with `1000 0` (the history built, nothing replayed), divided by 10 replays and the
//! events, and the same with 5000 events: instructions per event should not grow with
//! the history. (With LTO, `WorkflowRuntime::replay` is inlined into `main`, so it
//! cannot be singled out with `--toggle-collect`.)
//! `replay EVENTS 0 FILE` writes the history as proto JSON instead (for the Go
//! replayer's side of scripts/bench-vs-go.sh).

use std::time::Duration;

use postflow_core::engine::Engine;
use postflow_core::history::HistoryEvent;
use postflow_core::payload::Payload;
use postflow_core::postal::{self, Order, PostalConfig};
use postflow_core::runtime::WorkflowRuntime;

/// A package scanned until its history has at least `n` events.
pub fn long_history(n: usize) -> Vec<HistoryEvent> {
    let mut engine = Engine::new(postal::registry(PostalConfig::default()), 1);
    let order = Order { id: "Long".into(), ..Order::workshop() };
    engine.start_workflow(order.start_request(Duration::from_secs(600))).expect("the workshop order starts");
    engine.run_until_blocked();
    for _ in 0..2 {
        engine.advance_to_next().expect("a payment retry is due");
        engine.run_until_blocked();
    }
    let mut i = 0;
    while engine.execution("Long").expect("started").history().len() < n {
        let scan = format!(r#"{{"location":"Hub{i}"}}"#);
        engine.signal("Long", "ScanSignal", Some(Payload::from(scan.as_str()))).expect("a running workflow takes scans");
        engine.run_until_blocked();
        i += 1;
    }
    engine.execution("Long").expect("started").history().to_vec()
}

fn main() {
    let mut args = std::env::args().skip(1).map(|a| a.parse::<usize>().ok());
    let events = args.next().flatten().unwrap_or(1000);
    let times = args.next().flatten().unwrap_or(20);
    let history = long_history(events);
    if let Some(path) = std::env::args().nth(3) {
        std::fs::write(&path, postflow_core::history::json::history_to_json(&history)).expect("the history file can be written");
    }
    let def = postal::registry(PostalConfig::default()).workflow("OrderProcessingWorkflowComplete").cloned().expect("registered");
    for _ in 0..times {
        WorkflowRuntime::replay(&def, "Long", postal::DOMAIN, &history).expect("our own history replays");
    }
    println!("{times} replays of {} events", history.len());
}
