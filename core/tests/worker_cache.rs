//! The engine's worker cache and packed histories change what a worker costs, never
//! what the server writes — except where Cadence itself writes something else: a Go
//! worker that evicts a running workflow resets its stickiness, so the next decision
//! task goes to the workflow's own task list.

use std::time::Duration;

use postflow_core::engine::{Engine, EngineOptions};
use postflow_core::history::{EventAttributes, HistoryEvent, table};
use postflow_core::payload::Payload;
use postflow_core::postal::{self, Order, PostalConfig};

const PACKAGES: usize = 5;

/// Five packages whose lives interleave: all start, pay, get scanned in turn, wait
/// for their notification, and are delivered.
fn fleet_of_five(options: EngineOptions) -> Engine {
    let mut engine = Engine::with_options(postal::registry(PostalConfig::default()), 7, options);
    let ids: Vec<String> = (0..PACKAGES).map(|i| format!("Order{i}")).collect();
    for id in &ids {
        let order = Order { id: id.as_str().into(), ..Order::workshop() };
        engine.start_workflow(order.start_request(Duration::from_secs(3600))).unwrap();
    }
    engine.run_until_blocked();
    for _ in 0..2 {
        engine.advance_to_next().unwrap();
        engine.run_until_blocked();
    }
    for place in ["Delft", "Hamburg", "Lyon"] {
        for id in &ids {
            engine.signal(id, "ScanSignal", Some(Payload::from(format!(r#"{{"location":"{place}"}}"#).as_str()))).unwrap();
            engine.run_until_blocked();
        }
    }
    engine.advance_by(Duration::from_secs(4 * 60));
    engine.run_until_blocked();
    for id in &ids {
        engine.signal(id, "DeliveredSignal", None).unwrap();
        engine.run_until_blocked();
    }
    engine
}

fn histories(engine: &Engine) -> Vec<Vec<HistoryEvent>> {
    engine.executions().map(|e| e.history().to_vec()).collect()
}

fn lines(h: &[HistoryEvent]) -> Vec<String> {
    h.iter().map(|e| format!("{} {} {}", e.event_id, e.event_type().name(), table::attributes(&e.attributes))).collect()
}

#[test]
fn packed_histories_are_the_live_histories() {
    let live = fleet_of_five(EngineOptions::default());
    let packed = fleet_of_five(EngineOptions { packed_histories: true, ..EngineOptions::default() });
    assert_eq!(histories(&live), histories(&packed));
    let e = packed.executions().next().unwrap();
    assert!(e.history().last().unwrap().event_type().is_workflow_close(), "every package was delivered");
    // About ten bytes an event, with the engine's request IDs stored by their number
    // (sixteen bytes each, they made it half as much again).
    assert!(e.packed_bytes().unwrap() < e.history_len() * 12, "{} bytes for {} events", e.packed_bytes().unwrap(), e.history_len());
}

#[test]
fn a_worker_without_a_cache_replays_every_task_and_decides_the_same() {
    let cached = fleet_of_five(EngineOptions::default());
    let uncached = fleet_of_five(EngineOptions { worker_cache: Some(0), packed_histories: true, ..EngineOptions::default() });
    let stats = uncached.cache_stats();
    assert_eq!(stats.hits, 0);
    assert!(stats.misses >= PACKAGES as u64 * 10, "{stats:?}");
    assert!(stats.events_replayed > stats.misses * 10, "{stats:?}");
    assert_eq!(cached.cache_stats().misses, PACKAGES as u64, "a cache that keeps everything replays once per package (its first task)");
    for (a, b) in histories(&cached).iter().zip(histories(&uncached)) {
        // Every event is the same but the decision tasks' task list: evicted runs are
        // not sticky, so their decision tasks go to the workflow's own task list.
        let same = |h: &[HistoryEvent]| -> Vec<String> {
            lines(h).into_iter().map(|l| l.replace("taskList=sticky", "taskList=tasklist")).collect()
        };
        assert_eq!(same(a), same(&b));
        let sticky =
            b.iter().filter(|e| matches!(&e.attributes, EventAttributes::DecisionTaskScheduled(d) if d.task_list.is_sticky())).count();
        assert_eq!(sticky, 0, "a worker that forgets every run never gets a sticky decision task");
    }
}

#[test]
fn an_evicted_run_gets_its_next_decision_task_on_the_workflow_task_list_then_sticky_again() {
    let engine = fleet_of_five(EngineOptions { worker_cache: Some(2), packed_histories: true, ..EngineOptions::default() });
    let stats = engine.cache_stats();
    assert!(stats.evictions > 0 && stats.hits > 0 && stats.misses > PACKAGES as u64, "{stats:?}");
    let h = engine.executions().next().unwrap().history().to_vec();
    let lists: Vec<&str> = h
        .iter()
        .filter_map(|e| match &e.attributes {
            EventAttributes::DecisionTaskScheduled(d) => Some(d.task_list.name.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(lists[0], postal::TASK_LIST, "the first decision task is never sticky");
    let back = lists.windows(2).position(|w| w[0] == "postflow-sim:sticky" && w[1] == postal::TASK_LIST);
    let back = back.expect("after an eviction a decision task goes to the workflow's task list");
    assert!(lists[back + 2..].contains(&"postflow-sim:sticky"), "the worker asks for stickiness again: {lists:?}");
}
