//! Benchmarks of the teaching layer (`cargo bench -p postflow-core --bench teach`):
//! - explaining every event of the happy path, from the history alone and with the
//!   line of workflow code (which replays the history through the code);
//! - where the code waits (`__stack_trace`) at the end of the happy path;
//! - live time: one tick (100 ms of real time at ×10) of a running workflow;
//! - a 1.5 MB field cut as `cadence wf show` cuts it, as every screen shows a long
//!   scan location.

use std::time::Duration;

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use postflow_core::scenario::{self, Scenario};
use postflow_core::session::{Player, Session, SessionConfig};
use postflow_core::workshop::explain;

fn happy_path() -> Session {
    let b = scenario::builtin("happy-path").unwrap();
    scenario::run(&Scenario::parse(b.name, b.toml).unwrap()).session
}

fn benches(c: &mut Criterion) {
    let s = happy_path();
    let ids: Vec<i64> = s.history().iter().map(|e| e.event_id).collect();
    c.bench_function("explain 44 events, history only", |b| {
        b.iter(|| ids.iter().filter_map(|id| explain(s.history(), *id)).count());
    });
    c.bench_function("explain 44 events, with code lines", |b| {
        b.iter(|| ids.iter().filter_map(|id| s.explain(*id)).count());
    });
    let location = "é".repeat(750_000);
    c.bench_function("cut a 1.5 MB field to 500 characters", |b| {
        b.iter(|| postflow_core::history::table::trimmed(&location, postflow_core::history::table::MAX_FIELD_LENGTH).len())
    });
    c.bench_function("stack trace at the end of the happy path", |b| b.iter(|| s.stack_trace().len()));
    c.bench_function("live tick: 100 ms at x10 on a running workflow", |b| {
        b.iter_batched(
            || {
                let mut s = Session::new(SessionConfig::default());
                s.perform(Session::workshop_start()).unwrap();
                let mut p = Player::default();
                p.toggle_live(&s);
                (s, p)
            },
            |(mut s, mut p)| p.tick(&mut s, Duration::from_millis(100)),
            BatchSize::SmallInput,
        );
    });
}

criterion_group! {
    name = teach;
    config = Criterion::default().sample_size(20).measurement_time(Duration::from_secs(3)).warm_up_time(Duration::from_secs(1));
    targets = benches
}
criterion_main!(teach);
