//! The Go track: the participant follows the original Go workshop with their own Go
//! worker on a real Cadence, and `workshop check --go N` checks it. Each check's
//! scenario is played on the server under the workshop's names (start, signal,
//! query; where the simulator moves its clock, real time has to pass), the history is
//! read back, and core judges it against the reference solution's run in the
//! simulator with the estimates the server recorded, exactly as on the Rust track.

mod server;

use std::io::{IsTerminal, Write};
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use postflow_core::history::{EventType, HistoryEvent};
use postflow_core::scenario::{Step, check_history};
use postflow_core::workshop::ChapterGuide;
use postflow_core::workshop::checks::{self, Check, Problem, Run, StepResult};
use postflow_core::wrap::wrap;

use crate::render;
use crate::state::State;
use server::{Cli, Fail, Http, Server};

pub enum Target {
    Http(String),
    Cli(String),
}

pub struct Options {
    pub target: Target,
    pub domain: String,
    pub timer_unit: Duration,
    /// Set by Ctrl-C: the check in flight terminates its workflow and the run stops.
    pub stop: Arc<AtomicBool>,
}

/// How long past the reference's own pace a step may wait for the real server.
const MARGIN: Duration = Duration::from_secs(15);
/// How long the first decision task may wait for a worker before we say none runs.
const NO_WORKER: Duration = Duration::from_secs(10);
/// The same for a later one, which first waits out the worker's sticky task list.
const NO_WORKER_ANY_MORE: Duration = Duration::from_secs(20);

pub fn check(list: &[&'static ChapterGuide], o: &Options, state: &mut State) -> Result<ExitCode, String> {
    let server: Box<dyn Server> = match &o.target {
        Target::Http(url) => Box::new(Http::new(url, &o.domain)?),
        Target::Cli(command) => Box::new(Cli::new(command, &o.domain)?),
    };
    println!("Go track: checking your worker through {} (domain {}, task list tasklist)", server.describe(), o.domain);
    if let Err(why) = server.preflight(&o.domain) {
        eprintln!("workshop: {why}");
        return Ok(ExitCode::from(2));
    }
    let mut all = true;
    // The workers that took this run's tasks, by the identity the history records.
    let mut workers = std::collections::BTreeSet::new();
    for g in list {
        println!("\nChapter {}", g.heading());
        let (mut passed, mut elsewhere) = (0, 0);
        let checks: Vec<&Check> = Check::of(g.chapter).collect();
        for c in &checks {
            if let Some(why) = c.simulator_only {
                let line = format!("{} {} (checked on the simulator only: {why})", c.label(), c.expectation);
                print!("{}", wrap(&line, "– ", "    ", render::width()));
                elsewhere += 1;
                continue;
            }
            let run = drive(server.as_ref(), c, o);
            if o.stop.load(Ordering::SeqCst) {
                eprintln!("workshop: stopped; the check's workflow on the server was terminated");
                return Ok(ExitCode::from(130));
            }
            if let Some(Problem::Infrastructure(why)) = &run.problem {
                eprintln!("workshop: {why}");
                return Ok(ExitCode::from(2));
            }
            workers.extend(run.history.iter().filter_map(task_taken_by));
            let report = checks::evaluate(c, &run, o.timer_unit, checks::Track::Go);
            print!("{}", report.render(render::width()));
            passed += usize::from(report.passed);
        }
        let run_here = checks.len() - elsewhere;
        let not_here = match elsewhere {
            0 => String::new(),
            n => format!(" ({n} more on the simulator only)"),
        };
        println!("Chapter {} on the server: {passed} of {run_here} checks pass{not_here}", g.number);
        if passed < run_here {
            all = false;
            state.refresh();
            let level = state.progress.hint_with_checks(g);
            println!("\n{}", render::hint(g, level, true, render::width()));
            crate::hint_shown(state, g, level);
        } else if let Some(next) = crate::passed(state, g) {
            // The Go track's progress is the Rust track's, moved on by the same rule:
            // `list`, `hint` and `solution` read it.
            print!("{}", render::moved_on(g, next, true, render::width()));
        }
    }
    if workers.len() > 1 {
        // An old `go run` left open in another terminal takes some of the tasks: each
        // verdict came from whichever worker's code took them.
        let line = format!(
            "\nNote: {} workers took these checks' tasks ({}). If one of them is an older version still running \
             (in another terminal?), stop it and check again: the server gives each task to any worker that polls.",
            workers.len(),
            workers.into_iter().collect::<Vec<_>>().join(", ")
        );
        print!("{}", wrap(&line, "", "  ", render::width()));
    }
    Ok(if all { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}

/// A worker that took the workflow's decision tasks and then stopped: the last one
/// timed out waiting on the worker's sticky task list (where a running worker takes
/// it at once) and nobody took it after. Its code is not to blame for what follows.
fn worker_gone(history: &[HistoryEvent]) -> Option<String> {
    use postflow_core::history::{EventAttributes, TimeoutType};
    let last_started = history.iter().rposition(|e| e.event_type() == EventType::DecisionTaskStarted)?;
    let scheduled = history[last_started..].iter().find_map(|e| match &e.attributes {
        EventAttributes::DecisionTaskTimedOut(t) if t.timeout_type == TimeoutType::ScheduleToStart => Some(t.scheduled_event_id),
        _ => None,
    })?;
    Some(format!(
        "your Go worker took the workflow's decision tasks, then not the one scheduled at event {scheduled}: it timed out on \
         the worker's sticky task list and no worker has taken it since. Did your worker stop? Start it again and check again"
    ))
}

/// The worker that took a decision or activity task, as the history names it.
fn task_taken_by(e: &HistoryEvent) -> Option<String> {
    use postflow_core::history::EventAttributes;
    match &e.attributes {
        EventAttributes::DecisionTaskStarted(a) => Some(a.identity.to_string()),
        EventAttributes::ActivityTaskStarted(a) => Some(a.identity.to_string()),
        _ => None,
    }
    .filter(|i| !i.is_empty())
}

/// Plays one check on the server; what the server recorded.
fn drive(server: &dyn Server, check: &Check, o: &Options) -> Run {
    let millis = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_millis()).unwrap_or(0);
    let workflow_id = format!("workshop-{}-{millis}", check.name);
    let steps = check.steps();
    let mut results = Vec::with_capacity(steps.len());
    let mut history: Vec<HistoryEvent> = Vec::new();
    // A check that cannot go on leaves nothing running behind it.
    let down = |why: String| {
        server.terminate(&workflow_id);
        Run::failed(Problem::Infrastructure(why))
    };
    for (i, step) in steps.iter().enumerate() {
        if o.stop.load(Ordering::SeqCst) {
            return down("stopped".into());
        }
        let result = match step {
            Step::Start { input, execution_timeout, .. } => {
                let timeout = execution_timeout
                    .as_deref()
                    .and_then(|t| postflow_core::time::parse_duration(t).ok())
                    .unwrap_or(postflow_core::session::DEFAULT_EXECUTION_TIMEOUT);
                server.start(&workflow_id, input, timeout)
            }
            Step::Signal { name, input, .. } => server.signal(&workflow_id, name, input.as_deref()),
            Step::Query { name, .. } => match server.query(&workflow_id, name) {
                Ok(answer) => {
                    results.push(StepResult::Answer(answer));
                    continue;
                }
                Err(e) => Err(e),
            },
            Step::Expect(e) => {
                match server.history(&workflow_id) {
                    Ok(h) => history = h,
                    Err(Fail::Down(why)) => return down(why),
                    Err(Fail::Refused(_)) => {}
                }
                results.push(match check_history(e, &history, None) {
                    Ok(()) => StepResult::Done,
                    Err(why) => StepResult::Refused(why),
                });
                continue;
            }
            Step::Run | Step::Step { .. } | Step::Advance { .. } => match wait(server, check, i, &workflow_id, o, &mut history) {
                Ok(()) => Ok(()),
                Err(why) => return down(why),
            },
        };
        match result {
            Ok(()) => results.push(StepResult::Done),
            Err(Fail::Refused(why)) => results.push(StepResult::Refused(why)),
            Err(Fail::Down(why)) => return down(why),
        }
        // A worker that cannot run the workflow fails its decision tasks: the rest of
        // the scenario would only wait for nothing.
        if history.iter().any(|e| e.event_type() == EventType::DecisionTaskFailed) {
            results.extend(std::iter::repeat_n(StepResult::NotRun, steps.len() - results.len()));
            break;
        }
    }
    if let Ok(h) = server.history(&workflow_id) {
        history = h;
    }
    if !history.last().is_some_and(|e| e.event_type().is_workflow_close()) && !history.is_empty() {
        server.terminate(&workflow_id);
    }
    if let Some(why) = worker_gone(&history) {
        return Run::failed(Problem::Infrastructure(why));
    }
    Run { history, steps: results, notifications: None, stack_trace: None, unread: None, problem: None }
}

/// Waits for the real server to get as far as the reference did at step `i`, or to
/// settle, or for the reference's own clock move plus a margin; with a countdown.
fn wait(
    server: &dyn Server,
    check: &Check,
    i: usize,
    workflow_id: &str,
    o: &Options,
    history: &mut Vec<HistoryEvent>,
) -> Result<(), String> {
    // The reference is paced with the estimates the server has recorded so far.
    let so_far = Run { history: history.clone(), steps: vec![], notifications: None, stack_trace: None, unread: None, problem: None };
    let pace = checks::pacing(check, so_far.estimates(), o.timer_unit).get(i).copied();
    let Some(pace) = pace else { return Ok(()) };
    // Letting every timer fire: the server's own pending timers say how long (a timer
    // the reference canceled may still be running here).
    let timers_due = match &check.steps()[i] {
        Step::Advance { to: Some(to), .. } if to == "timers" => latest_timer(history),
        _ => Duration::ZERO,
    };
    let clock = pace.clock.max(timers_due);
    let limit = clock + MARGIN;
    let started = Instant::now();
    let mut last_len = usize::MAX;
    let mut unchanged_since = Instant::now();
    let mut countdown = Countdown::new(check, i, clock, limit);
    let mut waiting_for_worker = None::<Instant>;
    loop {
        *history = match server.history(workflow_id) {
            Ok(h) => h,
            Err(Fail::Down(why)) => return Err(why),
            Err(Fail::Refused(_)) => history.clone(),
        };
        if history.len() != last_len {
            last_len = history.len();
            unchanged_since = Instant::now();
        }
        if history.last().is_some_and(|e| e.event_type().is_workflow_close())
            || history.iter().any(|e| e.event_type() == EventType::DecisionTaskFailed)
        {
            break;
        }
        if let Some(why) = worker_gone(history) {
            countdown.done();
            return Err(why);
        }
        let pending = match server.pending(workflow_id) {
            Ok(p) => p,
            Err(Fail::Down(why)) => return Err(why),
            Err(Fail::Refused(_)) => Default::default(),
        };
        if pending.closed {
            continue;
        }
        if pending.decision_waiting {
            let since = *waiting_for_worker.get_or_insert_with(Instant::now);
            if since.elapsed() > NO_WORKER && history.iter().all(|e| e.event_type() != EventType::DecisionTaskStarted) {
                countdown.done();
                return Err(format!(
                    "no worker picked up the workflow's first decision task within {}s: is your Go worker running, on domain {} \
                     and task list tasklist?",
                    NO_WORKER.as_secs(),
                    o.domain
                ));
            }
            // A worker that took the earlier tasks and then went: its sticky task
            // list times out first (5 s in the Go worker), then nobody takes the task.
            if since.elapsed() > NO_WORKER_ANY_MORE {
                countdown.done();
                return Err(format!(
                    "no worker has taken the workflow's next decision task for {}s, though one took the earlier ones. Did \
                     your worker stop? Start it again and check again",
                    NO_WORKER_ANY_MORE.as_secs()
                ));
            }
        } else {
            waiting_for_worker = None;
        }
        let elapsed = started.elapsed();
        let settled = history.len() >= pace.events && !pending.decision && elapsed >= timers_due;
        let quiet = !pending.decision && !pending.activity && unchanged_since.elapsed() > Duration::from_secs(2) && elapsed >= clock;
        if settled || quiet || elapsed >= limit || o.stop.load(Ordering::SeqCst) {
            break;
        }
        countdown.show(elapsed);
        std::thread::sleep(server.poll_every());
    }
    countdown.done();
    Ok(())
}

/// How long until the last timer pending in a real history fires (by the server's clock).
fn latest_timer(history: &[HistoryEvent]) -> Duration {
    use postflow_core::history::EventAttributes;
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default().as_nanos() as i64;
    let mut latest = Duration::ZERO;
    for e in history {
        let EventAttributes::TimerStarted(t) = &e.attributes else { continue };
        let settled = history.iter().any(|x| match &x.attributes {
            EventAttributes::TimerFired(f) => f.timer_id == t.timer_id,
            EventAttributes::TimerCanceled(c) => c.timer_id == t.timer_id,
            _ => false,
        });
        if !settled {
            let due = e.event_time.0 + t.start_to_fire_timeout.unwrap_or_default().as_nanos() as i64;
            latest = latest.max(Duration::from_nanos(due.saturating_sub(now).max(0) as u64));
        }
    }
    latest
}

/// A live countdown where a step waits for real time (retries, timers).
struct Countdown {
    label: String,
    clock: Duration,
    limit: Duration,
    tty: bool,
    shown: bool,
}

impl Countdown {
    fn new(check: &Check, i: usize, clock: Duration, limit: Duration) -> Countdown {
        let label = format!("{} {}, step {}", check.label(), check.name, i + 1);
        Countdown { label, clock, limit, tty: std::io::stdout().is_terminal(), shown: false }
    }

    fn show(&mut self, elapsed: Duration) {
        if self.clock < Duration::from_secs(2) && elapsed < Duration::from_secs(3) {
            return;
        }
        let left = self.clock.saturating_sub(elapsed).as_secs();
        let text = if left > 0 {
            format!("  {}: waiting for the server's clock, {left}s left (at most {}s)", self.label, self.limit.as_secs())
        } else {
            format!("  {}: waiting for your worker ({}s of at most {}s)", self.label, elapsed.as_secs(), self.limit.as_secs())
        };
        if self.tty {
            // One line rewritten in place: a line longer than the terminal would wrap,
            // and the carriage return would rewrite only its last row.
            let room = render::width().min(101) - 1;
            let text: String = text.chars().take(room).collect();
            print!("\r{text:<room$}");
            let _ = std::io::stdout().flush();
        } else if !self.shown {
            println!("{text}");
        }
        self.shown = true;
    }

    fn done(&mut self) {
        if self.tty && self.shown {
            print!("\r{:<1$}\r", "", render::width().min(101) - 1);
            let _ = std::io::stdout().flush();
        }
    }
}
