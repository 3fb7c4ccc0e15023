//! Runs many package lifecycles on the engine, for profilers:
//! `cargo build --release -p postflow-core --example lifecycles`, then
//! `valgrind --tool=callgrind target/release/examples/lifecycles 200`.

use std::time::Duration;

use postflow_core::engine::Engine;
use postflow_core::payload::Payload;
use postflow_core::postal::{self, Order, PostalConfig};

fn main() {
    let n: usize = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(1000);
    let registry = postal::registry(PostalConfig::default());
    let order = Order::workshop();
    let mut events = 0;
    for _ in 0..n {
        let mut engine = Engine::new(registry.clone(), 1);
        let req = order.start_request(Duration::from_secs(600));
        engine.start_workflow(req).unwrap();
        engine.run_until_blocked();
        for _ in 0..2 {
            engine.advance_to_next().unwrap();
            engine.run_until_blocked();
        }
        for place in ["Delft", "Hamburg", "Lyon", "Odense", "Graz"] {
            engine.signal("Order123", "ScanSignal", Some(Payload::from(format!(r#"{{"location":"{place}"}}"#).as_str()))).unwrap();
            engine.run_until_blocked();
        }
        engine.advance_to_next().unwrap();
        engine.run_until_blocked();
        engine.signal("Order123", "DeliveredSignal", None).unwrap();
        engine.run_until_blocked();
        events += engine.execution("Order123").unwrap().history().len();
    }
    println!("{n} lifecycles, {events} events");
}
