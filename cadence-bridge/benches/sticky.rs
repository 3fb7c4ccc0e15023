//! The worker's decision-task CPU over one package's life with 100 scans, with and
//! without the sticky cache (`cargo bench -p cadence-bridge`): the decider as the
//! worker runs it, fed as the server feeds it. With the cache, each task brings only
//! its new events and the cached run goes on; without, each task brings the whole
//! history so far and it is replayed from the start. The HTTP and JSON around each
//! task are left out (scripts/load-bridge.sh measures the whole worker).

use std::time::Duration;

use cadence_bridge::decider::{Decided, Decider, DecisionJob};
use cadence_bridge::registry;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use postflow_core::engine::Engine;
use postflow_core::history::{EventType, HistoryEvent};
use postflow_core::payload::Payload;
use postflow_core::postal::{self, Order, PostalConfig};

/// Start, payment retries, 100 scans, delivered: the simulator's history.
fn hundred_scans() -> Vec<HistoryEvent> {
    let mut engine = Engine::new(postal::registry(PostalConfig::default()), 1);
    engine.start_workflow(Order::workshop().start_request(Duration::from_secs(86_400))).unwrap();
    engine.run_until_blocked();
    for _ in 0..2 {
        engine.advance_to_next().unwrap();
        engine.run_until_blocked();
    }
    for i in 0..100 {
        engine.signal("Order123", "ScanSignal", Some(Payload::from(format!(r#"{{"location":"Hub{i}"}}"#).as_str()))).unwrap();
        engine.run_until_blocked();
    }
    engine.signal("Order123", "DeliveredSignal", None).unwrap();
    engine.run_until_blocked();
    engine.execution("Order123").unwrap().history().to_vec()
}

/// Every decision task of the history: (previous started event ID, started event ID).
fn tasks(h: &[HistoryEvent]) -> Vec<(i64, i64)> {
    let started: Vec<i64> = h.iter().filter(|e| e.event_type() == EventType::DecisionTaskStarted).map(|e| e.event_id).collect();
    started.iter().enumerate().map(|(i, &s)| (if i == 0 { 0 } else { started[i - 1] }, s)).collect()
}

/// One lifecycle's decision tasks through `decider`; sticky tasks carry only new events.
fn lifecycle(decider: &Decider, h: &[HistoryEvent], run_id: &str, sticky: bool) {
    for (previous, started) in tasks(h) {
        let from = if sticky { previous as usize } else { 0 };
        let job = DecisionJob {
            workflow_id: "Order123".into(),
            run_id: run_id.into(),
            workflow_type: "OrderProcessingWorkflowComplete".into(),
            previous_started_event_id: previous,
            events: h[from..started as usize].to_vec(),
            queries: vec![],
        };
        match decider.decide(job) {
            Decided::Decisions { .. } => {}
            Decided::NeedFullHistory => panic!("task at {started}: the cached run was lost"),
            Decided::Failed(m) => panic!("task at {started}: {m}"),
        }
    }
}

fn benches(c: &mut Criterion) {
    let h = hundred_scans();
    let n_tasks = tasks(&h).len();
    println!("sticky/lifecycle: 100 scans, {} events, {n_tasks} decision tasks", h.len());
    let served = || registry::for_chapter(registry::DEFAULT_CHAPTER, Duration::from_secs(60));
    let mut g = c.benchmark_group("decider_100_scans");
    g.throughput(Throughput::Elements(1));
    let cached = Decider::start(served(), postal::DOMAIN.into(), 10_000);
    let mut run = 0u64;
    g.bench_function("lifecycle_with_sticky_cache", |b| {
        b.iter(|| {
            run += 1;
            lifecycle(&cached, &h, &run.to_string(), true)
        })
    });
    let uncached = Decider::start(served(), postal::DOMAIN.into(), 0);
    g.bench_function("lifecycle_without_cache", |b| b.iter(|| lifecycle(&uncached, &h, "r", false)));
    g.finish();
}

criterion_group! {
    name = sticky;
    config = Criterion::default().measurement_time(Duration::from_secs(5)).warm_up_time(Duration::from_secs(1)).sample_size(10);
    targets = benches
}
criterion_main!(sticky);
