//! Benchmarks of the simulator (`cargo bench -p postflow-core`):
//! - a whole package lifecycle with 5 scans on the engine (target: 50,000/s on one core);
//! - replay of a 1,000-event history through the workflow code (events per second);
//! - memory per open workflow in the engine (printed; counted by a global allocator).

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicIsize, Ordering};
use std::time::Duration;

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use postflow_core::engine::Engine;
use postflow_core::payload::Payload;
use postflow_core::postal::{self, Order, PostalConfig};
use postflow_core::runtime::WorkflowRuntime;

/// Counts live heap bytes, to measure what an open workflow costs.
struct Counting;

static LIVE: AtomicIsize = AtomicIsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        LIVE.fetch_add(l.size() as isize, Ordering::Relaxed);
        unsafe { System.alloc(l) }
    }
    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        LIVE.fetch_sub(l.size() as isize, Ordering::Relaxed);
        unsafe { System.dealloc(p, l) }
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

fn start(engine: &mut Engine, id: &str) {
    let order = Order { id: id.into(), ..Order::workshop() };
    engine.start_workflow(order.start_request(Duration::from_secs(600))).unwrap();
}

/// Start, payment retries, ship, estimate, five scans, the notification, delivered.
fn lifecycle(engine: &mut Engine, id: &str) {
    start(engine, id);
    engine.run_until_blocked();
    for _ in 0..2 {
        engine.advance_to_next().unwrap();
        engine.run_until_blocked();
    }
    for place in ["Delft", "Hamburg", "Lyon", "Odense", "Graz"] {
        engine.signal(id, "ScanSignal", Some(Payload::from(format!(r#"{{"location":"{place}"}}"#).as_str()))).unwrap();
        engine.run_until_blocked();
    }
    engine.advance_to_next().unwrap();
    engine.run_until_blocked();
    engine.signal(id, "DeliveredSignal", None).unwrap();
    engine.run_until_blocked();
}

/// A history of at least `n` events: a package scanned many times.
fn long_history(n: usize) -> Vec<postflow_core::history::HistoryEvent> {
    let mut engine = Engine::new(postal::registry(PostalConfig::default()), 1);
    start(&mut engine, "Long");
    engine.run_until_blocked();
    for _ in 0..2 {
        engine.advance_to_next().unwrap();
        engine.run_until_blocked();
    }
    let mut i = 0;
    while engine.execution("Long").unwrap().history().len() < n {
        engine.signal("Long", "ScanSignal", Some(Payload::from(format!(r#"{{"location":"Hub{i}"}}"#).as_str()))).unwrap();
        engine.run_until_blocked();
        i += 1;
    }
    engine.execution("Long").unwrap().history().to_vec()
}

fn benches(c: &mut Criterion) {
    let registry = postal::registry(PostalConfig::default());
    let mut g = c.benchmark_group("engine");
    g.throughput(Throughput::Elements(1));
    g.bench_function("lifecycle_5_scans", |b| {
        b.iter_batched(|| Engine::new(registry.clone(), 1), |mut e| lifecycle(&mut e, "Order123"), BatchSize::SmallInput)
    });
    g.finish();

    let history = long_history(1000);
    let def = registry.workflow("OrderProcessingWorkflowComplete").cloned().unwrap();
    let mut g = c.benchmark_group("runtime");
    g.throughput(Throughput::Elements(history.len() as u64));
    g.bench_function(format!("replay_{}_events", history.len()), |b| {
        b.iter(|| WorkflowRuntime::replay(&def, "Long", postal::DOMAIN, &history).unwrap())
    });
    g.finish();

    memory_per_open_workflow(&registry);
}

/// Live heap per workflow waiting on its notification timer, over 10,000 workflows.
fn memory_per_open_workflow(registry: &postflow_core::registry::Registry) {
    const N: usize = 10_000;
    let mut engine = Engine::new(registry.clone(), 1);
    let ids: Vec<String> = (0..N).map(|i| format!("Order{i}")).collect();
    let before = LIVE.load(Ordering::Relaxed);
    for id in &ids {
        start(&mut engine, id);
    }
    engine.run_until_blocked();
    for _ in 0..2 {
        engine.advance_to_next().unwrap();
        engine.run_until_blocked();
    }
    let open = engine.executions().filter(|e| e.pending_timers().count() == 1).count();
    let after = LIVE.load(Ordering::Relaxed);
    let events: usize = engine.executions().map(|e| e.history().len()).sum();
    println!(
        "memory/open_workflow: {} bytes per workflow ({open} open workflows waiting on their notification timer, {} events each)",
        (after - before) / N as isize,
        events / N
    );
    drop(engine);
}

criterion_group! {
    name = core;
    config = Criterion::default().measurement_time(Duration::from_secs(5)).warm_up_time(Duration::from_secs(1)).sample_size(30);
    targets = benches
}
criterion_main!(core);
