//! Frame and key-to-frame costs on long histories: one frame of a 5,000-event
//! history (cached rows and freshly rebuilt rows), and rewinds over 1,000 timeline
//! steps, each measured from the key press to the drawn frame (160x50, TestBackend).

use std::hint::black_box;

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use postflow_core::session::{Action, Session, SessionConfig};
use postflow_tui::App;
use postflow_tui::ui::draw;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

const W: u16 = 160;
const H: u16 = 50;

/// A terminal kept across frames, as the app keeps its real one.
fn terminal() -> Terminal<TestBackend> {
    Terminal::new(TestBackend::new(W, H)).unwrap()
}

/// Draws one frame; the buffer handed back keeps the work from being optimised away.
fn frame(t: &mut Terminal<TestBackend>, app: &App) {
    black_box(t.draw(|f| draw(f, app)).unwrap());
}

/// The workshop order past its payment retries, then scanned until the timeline and
/// history are long enough.
fn session_with(min_events: usize, min_steps: usize) -> Session {
    let mut s = Session::new(SessionConfig::default());
    s.perform(Session::workshop_start()).unwrap();
    s.perform(Action::AdvanceNext).unwrap();
    s.perform(Action::AdvanceNext).unwrap();
    let mut i = 0;
    while s.history().len() < min_events || s.timeline().len() < min_steps {
        let input = format!(r#"{{"location":"City{i}"}}"#);
        s.perform(Action::Signal { name: "ScanSignal".into(), input: Some(input) }).unwrap();
        i += 1;
    }
    s
}

fn app(session: Session) -> App {
    let mut app = App::from_loaded(postflow_tui::source::Loaded {
        session,
        label: "bench".into(),
        note: None,
        failures: Vec::new(),
        description: None,
        refused: Vec::new(),
    });
    app.changed();
    app
}

fn frames(c: &mut Criterion) {
    let mut t = terminal();
    let empty = App::new();
    c.bench_function("frame, empty session (baseline)", |b| b.iter(|| frame(&mut t, &empty)));
    let mut app = app(session_with(5_000, 0));
    assert!(app.session.history().len() >= 5_000);
    c.bench_function("frame, 5000-event history, 160x50", |b| b.iter(|| frame(&mut t, &app)));
    c.bench_function("frame, 5000-event history, rows rebuilt", |b| {
        b.iter(|| {
            app.changed();
            frame(&mut t, &app)
        })
    });
    app.dispatch(postflow_tui::action::UiAction::Do(postflow_core::controls::Command::ToggleGrouped));
    c.bench_function("frame, 5000-event history, grouped", |b| b.iter(|| frame(&mut t, &app)));
}

fn rewinds(c: &mut Criterion) {
    let full = session_with(0, 1_000);
    let steps = 1_000;
    let key = |code| KeyEvent::new(code, KeyModifiers::NONE);
    let at = |k: usize| {
        let mut s = Session::new(SessionConfig::default());
        for e in &full.timeline()[..k] {
            s.apply(e.action.clone()).unwrap();
        }
        app(s)
    };
    let mut t = terminal();
    let mut g = c.benchmark_group("key to frame");
    g.sample_size(20);
    g.bench_function("← at step 1000 (re-runs 999 steps)", |b| {
        b.iter_batched(
            || at(steps),
            |mut app| {
                app.handle_key(key(KeyCode::Left));
                frame(&mut t, &app)
            },
            BatchSize::LargeInput,
        )
    });
    g.bench_function("Home from step 1000", |b| {
        b.iter_batched(
            || at(steps),
            |mut app| {
                app.handle_key(key(KeyCode::Home));
                frame(&mut t, &app)
            },
            BatchSize::LargeInput,
        )
    });
    g.bench_function("End from step 0 to 1000 (replays 1000 steps)", |b| {
        b.iter_batched(
            || {
                let mut app = at(steps);
                app.session.seek(0);
                app.changed();
                app
            },
            |mut app| {
                app.handle_key(key(KeyCode::End));
                frame(&mut t, &app)
            },
            BatchSize::LargeInput,
        )
    });
    g.finish();
}

criterion_group!(benches, frames, rewinds);
criterion_main!(benches);
