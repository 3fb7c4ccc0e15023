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
const MARGIN: Duration = if cfg!(test) { Duration::from_millis(100) } else { Duration::from_secs(15) };
/// How long the first decision task may wait for a worker before we say none runs.
const NO_WORKER: Duration = if cfg!(test) { Duration::from_millis(200) } else { Duration::from_secs(10) };
/// The same for a later one, which first waits out the worker's sticky task list.
const NO_WORKER_ANY_MORE: Duration = if cfg!(test) { Duration::from_millis(150) } else { Duration::from_secs(20) };

pub fn check(list: &[&'static ChapterGuide], o: &Options, state: &mut State) -> Result<ExitCode, String> {
    day_of(o.timer_unit)?;
    let server: Box<dyn Server> = match &o.target {
        Target::Http(url) => Box::new(Http::new(url, &o.domain)?),
        Target::Cli(command) => Box::new(Cli::new(command, &o.domain)?),
    };
    Ok(run(list, server.as_ref(), o, state, &mut std::io::stdout()))
}

/// A day of `--timer-unit`, if a Cadence timer can last it: whole seconds, at least one
/// (the Go client rounds a timer up to whole seconds, and one of 0s is no timer at all).
fn day_of(unit: Duration) -> Result<Duration, String> {
    if unit < Duration::from_secs(1) || unit.subsec_nanos() != 0 {
        let shown = if unit.subsec_nanos() == 0 { format!("{}s", unit.as_secs()) } else { format!("{unit:?}") };
        return Err(format!(
            "--timer-unit {shown}: a day must last whole seconds, 1s or more, as Cadence's timers count whole seconds (the \
             workshop's day is 60s; give the day your worker uses, e.g. --timer-unit 5s)"
        ));
    }
    Ok(unit)
}

/// The checks of `list` on `server`; what a participant reads goes to `out`, why the
/// checks could not run to stderr.
fn run(list: &[&'static ChapterGuide], server: &dyn Server, o: &Options, state: &mut State, out: &mut dyn Write) -> ExitCode {
    let width = render::width();
    let _ = writeln!(out, "Go track: checking your worker through {} (domain {}, task list tasklist)", server.describe(), o.domain);
    if let Err(why) = server.preflight(&o.domain) {
        eprintln!("workshop: {why}");
        return ExitCode::from(2);
    }
    let mut all = true;
    for g in list {
        let _ = writeln!(out, "\nChapter {}", g.heading());
        let (mut passed, mut elsewhere, mut not_run) = (0, 0, 0);
        // The workers that took this chapter's tasks, by the identity the history records.
        let mut workers = std::collections::BTreeSet::new();
        // Set once a check shows that the worker's day is not the check's.
        let mut wrong_day = None;
        // Set once a check shows that the worker does not run the workshop's workflow:
        // every other check would start it only to fail the same way.
        let mut unregistered = false;
        let checks: Vec<&Check> = Check::of(g.chapter).collect();
        for c in &checks {
            if let Some(why) = c.simulator_only {
                let line = format!("{} {} (checked on the simulator only: {why})", c.label(), c.expectation);
                let _ = write!(out, "{}", wrap(&line, "– ", "    ", width));
                elsewhere += 1;
                continue;
            }
            if wrong_day.is_some() || unregistered {
                not_run += 1;
                continue;
            }
            let run = drive(server, c, o);
            if o.stop.load(Ordering::SeqCst) {
                eprintln!("workshop: stopped; the check's workflow on the server was terminated");
                return ExitCode::from(130);
            }
            if let Some(Problem::Infrastructure(why)) = &run.problem {
                eprintln!("workshop: {why}");
                return ExitCode::from(2);
            }
            workers.extend(run.history.iter().filter_map(task_taken_by));
            let report = checks::evaluate(c, &run, o.timer_unit, checks::Track::Go);
            let _ = write!(out, "{}", report.render(width));
            passed += usize::from(report.passed);
            if !report.passed {
                wrong_day = worker_day(&run.history).filter(|day| *day != o.timer_unit);
                unregistered = checks::unknown_workflow_type(&run.history).is_some();
            }
        }
        if workers.len() > 1 {
            // An old `go run` left open in another terminal takes some of the tasks: each
            // verdict came from whichever worker's code took them.
            let line = format!(
                "Note: {} workers took these checks' tasks ({}), so each verdict above is that of whichever worker's code \
                 took the task. If one of them is an older version still running (in another terminal?), stop it and check \
                 again: the server gives each task to any worker that polls the task list.",
                workers.len(),
                workers.iter().map(String::as_str).collect::<Vec<_>>().join(", ")
            );
            let _ = write!(out, "\n{}", wrap(&line, "", "  ", width));
        }
        let run_here = checks.len() - elsewhere;
        let mut not_here = Vec::new();
        if let Some(day) = wrong_day
            && not_run > 0
        {
            not_here.push(format!(
                "{not_run} not run: your worker's timers count a day as {}s and the check as {}s, so the others would wait \
                 for your worker's timers only to fail the same way; if that is your worker's day, check again with \
                 `workshop check --go {} --timer-unit {}s`",
                day.as_secs(),
                o.timer_unit.as_secs(),
                g.number,
                day.as_secs(),
            ));
        }
        if unregistered && not_run > 0 {
            not_here.push(format!("{not_run} not run: your worker does not run the workshop's workflow, so they would fail the same way"));
        }
        if elsewhere > 0 {
            not_here.push(format!("{elsewhere} more on the simulator only"));
        }
        let not_here = if not_here.is_empty() { String::new() } else { format!(" ({})", not_here.join("; ")) };
        let summary = format!("Chapter {} on the server: {passed} of {run_here} checks pass{not_here}", g.number);
        let _ = write!(out, "{}", wrap(&summary, "", "  ", width));
        if not_run > 0 {
            // The worker's clock, not its code, failed the checks: no hint for the code.
            all = false;
        } else if passed < run_here {
            all = false;
            state.refresh();
            if let Some(line) = passed_before(g, state) {
                // An earlier chapter checked again, on a worker that has moved on: its
                // hint would send the participant back to code they have outgrown.
                let _ = write!(out, "{}", wrap(&line, "", "  ", width));
                continue;
            }
            // The trap of the Go track: the worker runs the code it was started with.
            let line = "Changed your code since you started your worker? It still runs the code it was started with: stop it \
                        (Ctrl-C) and start it again before checking.";
            let _ = write!(out, "{}", wrap(line, "", "  ", width));
            let level = state.progress.hint_with_checks(g);
            let _ = writeln!(out, "\n{}", render::hint(g, level, true, width));
            crate::hint_shown(state, g, level);
        } else {
            if let Some(line) = unseen_on_the_server(g) {
                let _ = write!(out, "{}", wrap(line, "", "  ", width));
            }
            if let Some(next) = crate::passed(state, g) {
                // The Go track's progress is the Rust track's, moved on by the same rule:
                // `list`, `hint` and `solution` read it.
                let _ = write!(out, "{}", render::moved_on(g, next, true, width));
            }
        }
    }
    let _ = out.flush();
    if all { ExitCode::SUCCESS } else { ExitCode::FAILURE }
}

/// What a failing chapter says instead of its hint when it passed before and the
/// participant has moved on to a later one: their worker most likely runs that later
/// chapter's code, which no earlier chapter's checks expect.
fn passed_before(g: &ChapterGuide, state: &State) -> Option<String> {
    let current = state.progress.current;
    if !state.progress.chapter(g.number).passed || current <= g.number {
        return None;
    }
    Some(format!(
        "Chapter {n} passed before (`workshop list`). If your worker runs a later chapter's code now, that is why these \
         checks fail: a worker runs one chapter's code, and each chapter's checks expect that chapter's history, so the code \
         of a later chapter fails an earlier chapter's checks. `workshop check --go` checks the chapter you are at (chapter \
         {current}); to check chapter {n} again, start a worker with chapter {n}'s code.",
        n = g.number
    ))
}

/// What the server cannot show in a chapter that passed: a signal the code never
/// reads writes nothing into the history, so only the worker's own log tells.
/// Chapter 3 sees a scan not read (the workflow never completes), chapter 6 asks
/// current_status and chapter 7's timers follow the scans; chapters 4 and 5 see nothing.
fn unseen_on_the_server(g: &ChapterGuide) -> Option<&'static str> {
    use postflow_core::postal::Chapter;
    matches!(g.chapter, Chapter::Loop | Chapter::Delivered).then_some(
        "Not seen on the server: reading a signal writes nothing into the history, so code that waits on a channel named \
         other than \"ScanSignal\" (case included) never reads a scan and still passes these checks. Your Go worker's log \
         tells: when a workflow completes with a signal it never read, it logs \"Workflow has unhandled signals\" and the \
         signal's name (\"SignalNames\": [\"ScanSignal\"]). Chapter 6's checks, which ask current_status, see it too.",
    )
}

/// How long a day of delivery estimate lasts in the worker that wrote `history`, as
/// its notification timers say: each one's length over the days of the estimate
/// before it, alike for all of them.
fn worker_day(history: &[HistoryEvent]) -> Option<Duration> {
    use postflow_core::history::EventAttributes;
    let run = Run { history: history.to_vec(), steps: vec![], notifications: None, stack_trace: None, unread: None, problem: None };
    let timers = history.iter().filter_map(|e| match &e.attributes {
        EventAttributes::TimerStarted(t) => t.start_to_fire_timeout,
        _ => None,
    });
    let mut day = None;
    for (estimate, timer) in run.estimates().iter().zip(timers) {
        let days = estimate.decode::<u32>().ok().filter(|d| *d > 0)?;
        let this = (timer / days).max(Duration::from_secs(1));
        if day.is_some_and(|d| d != this) {
            return None;
        }
        day = Some(this);
    }
    day
}

/// A worker that took the workflow's decision tasks and then stopped: the last one
/// timed out waiting on the worker's sticky task list (where a running worker takes
/// it at once) and nobody took it after. Its code is not to blame for what follows.
fn worker_gone(history: &[HistoryEvent]) -> Option<String> {
    let scheduled = timed_out_since_last_start(history, postflow_core::history::TimeoutType::ScheduleToStart)?;
    // A worker that crashed between two decision tasks (a goroutine of its own panics
    // when it will) looks the same from the server: the crash's likeliest cause is said
    // here too, or which message a participant got would depend on that timing.
    Some(format!(
        "your Go worker took the workflow's decision tasks, then not the one scheduled at event {scheduled}: it timed out on \
         the worker's sticky task list and no worker has taken it since. Did your worker stop? If it crashed, its output \
         says why: {GOROUTINE_PANIC}. Start it again and check again"
    ))
}

/// The crash a workshop's Go worker most often has, and why.
const GOROUTINE_PANIC: &str = "a panic \"getState: illegal access from outside of workflow context\" comes from workflow \
     code run in a goroutine of its own (`go func()`): the SDK can run workflow code only in goroutines it starts, with \
     workflow.Go";

/// A worker that took a decision task and never answered it, and that has taken no
/// task since: the task timed out and waits for a worker again. A worker that is
/// still there takes it again at once (a workflow that sleeps on the wall clock);
/// one that crashed does not. Called once the task has waited long enough.
fn worker_crashed(history: &[HistoryEvent]) -> Option<String> {
    let scheduled = timed_out_since_last_start(history, postflow_core::history::TimeoutType::StartToClose)?;
    Some(format!(
        "your Go worker took the decision task scheduled at event {scheduled} and never answered it (it timed out), and no \
         worker has taken the task again for {}s: your worker has stopped. Did it crash? Its output says why: \
         {GOROUTINE_PANIC}. Start your worker again and check again",
        NO_WORKER_ANY_MORE.as_secs()
    ))
}

/// The scheduled event of a decision task that timed out (`kind`) after the last
/// decision task a worker started: what [`worker_gone`] and [`worker_crashed`] read.
fn timed_out_since_last_start(history: &[HistoryEvent], kind: postflow_core::history::TimeoutType) -> Option<i64> {
    use postflow_core::history::EventAttributes;
    let last_started = history.iter().rposition(|e| e.event_type() == EventType::DecisionTaskStarted)?;
    history[last_started..].iter().find_map(|e| match &e.attributes {
        EventAttributes::DecisionTaskTimedOut(t) if t.timeout_type == kind => Some(t.scheduled_event_id),
        _ => None,
    })
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
    // The decision task that waits for a worker, and since when: across steps, as a
    // worker that went is seen only over more than one step's wait.
    let mut waiting: Option<(i64, Instant)> = None;
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
            // No chapter's check terminates; one that did would end the run here too.
            Step::Terminate { .. } => {
                server.terminate(&workflow_id);
                Ok(())
            }
            Step::Cancel { reason, .. } => server.cancel(&workflow_id, reason.as_deref().unwrap_or_default()),
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
            Step::Run | Step::Step { .. } | Step::Advance { .. } => {
                match wait(server, check, i, &workflow_id, o, &mut history, &mut waiting) {
                    Ok(()) => Ok(()),
                    Err(why) => return down(why),
                }
            }
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
    waiting: &mut Option<(i64, Instant)>,
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
            let scheduled = history.iter().rev().find(|e| e.event_type() == EventType::DecisionTaskScheduled).map_or(0, |e| e.event_id);
            if waiting.is_none_or(|(s, _)| s != scheduled) {
                *waiting = Some((scheduled, Instant::now()));
            }
            let since = waiting.map_or_else(Instant::now, |(_, since)| since);
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
                if let Some(why) = worker_crashed(history) {
                    return Err(why);
                }
                return Err(format!(
                    "no worker has taken the workflow's next decision task for {}s, though one took the earlier ones. Did \
                     your worker stop? Start it again and check again",
                    NO_WORKER_ANY_MORE.as_secs()
                ));
            }
        } else {
            *waiting = None;
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

#[cfg(test)]
mod tests {
    use super::*;
    use postflow_core::history::EventAttributes;
    use postflow_core::postal::Chapter;

    const MINUTE: Duration = Duration::from_secs(60);

    /// A server whose worker runs the reference solution of chapter `code` with days
    /// of `worker_day`: a check of `chapter` has the history of that code's run of it,
    /// its tasks taken by `workers` in turn.
    struct Fake {
        chapter: Chapter,
        code: Chapter,
        worker_day: Duration,
        workers: Vec<&'static str>,
        /// What happened to the worker: the history as the server has it once this
        /// many signals were sent.
        tamper: fn(Vec<HistoryEvent>, usize) -> Vec<HistoryEvent>,
        signals: std::cell::Cell<usize>,
    }

    /// A worker running `code` for chapter `chapter`'s checks, alone, on the workshop's
    /// day, as it ran.
    fn worker_running(chapter: Chapter, code: Chapter) -> Fake {
        Fake { chapter, code, worker_day: MINUTE, workers: vec!["1@here"], tamper: as_it_ran, signals: Default::default() }
    }

    fn as_it_ran(history: Vec<HistoryEvent>, _: usize) -> Vec<HistoryEvent> {
        history
    }

    /// The worker crashed in the middle of its fourth decision task, the one of the
    /// first scan (a goroutine of its own that panicked): the task timed out and has
    /// waited for a worker ever since, over the waits of more than one step.
    fn crashed_in_the_fourth_decision_task(mut history: Vec<HistoryEvent>, signals: usize) -> Vec<HistoryEvent> {
        if signals == 0 {
            // Before the scan: the workflow waits for it, as the reference's does.
            let scan = history.iter().position(|e| e.event_type() == EventType::WorkflowExecutionSignaled).unwrap();
            history.truncate(scan);
            return history;
        }
        use postflow_core::history::{DecisionTaskScheduledEventAttributes, DecisionTaskTimedOutEventAttributes, TimeoutType};
        let fourth = history.iter().filter(|e| e.event_type() == EventType::DecisionTaskStarted).nth(3).unwrap().clone();
        history.truncate(fourth.event_id as usize);
        let event = |id: i64, attributes| HistoryEvent { event_id: id, attributes, ..fourth.clone() };
        let timed_out = DecisionTaskTimedOutEventAttributes {
            scheduled_event_id: fourth.event_id - 1,
            started_event_id: fourth.event_id,
            timeout_type: TimeoutType::StartToClose,
        };
        history.push(event(fourth.event_id + 1, EventAttributes::DecisionTaskTimedOut(timed_out)));
        let again = DecisionTaskScheduledEventAttributes { attempt: 1, ..Default::default() };
        history.push(event(fourth.event_id + 2, EventAttributes::DecisionTaskScheduled(again)));
        history
    }

    impl Server for Fake {
        fn describe(&self) -> String {
            "a server of the tests".into()
        }
        fn preflight(&self, _: &str) -> Result<(), String> {
            Ok(())
        }
        fn start(&self, _: &str, _: &str, _: Duration) -> Result<(), Fail> {
            Ok(())
        }
        fn signal(&self, _: &str, _: &str, _: Option<&str>) -> Result<(), Fail> {
            self.signals.set(self.signals.get() + 1);
            Ok(())
        }
        fn query(&self, _: &str, _: &str) -> Result<String, Fail> {
            Err(Fail::Refused("no queries here".into()))
        }
        fn history(&self, workflow_id: &str) -> Result<Vec<HistoryEvent>, Fail> {
            let check = Check::of(self.chapter).find(|c| workflow_id.starts_with(&format!("workshop-{}-", c.name))).unwrap();
            let registry = checks::reference_registry(self.code, self.worker_day, vec![]);
            let mut history = checks::play(check, registry, self.worker_day, |_| {}).history;
            let mut turn = self.workers.iter().cycle();
            for e in &mut history {
                match &mut e.attributes {
                    EventAttributes::DecisionTaskStarted(a) => a.identity = (*turn.next().unwrap()).into(),
                    EventAttributes::ActivityTaskStarted(a) => a.identity = (*turn.next().unwrap()).into(),
                    _ => {}
                }
            }
            Ok((self.tamper)(history, self.signals.get()))
        }
        fn pending(&self, workflow_id: &str) -> Result<server::Pending, Fail> {
            let history = self.history(workflow_id)?;
            let closed = history.last().is_some_and(|e| e.event_type().is_workflow_close());
            let waiting = history.last().is_some_and(|e| e.event_type() == EventType::DecisionTaskScheduled);
            Ok(server::Pending { closed, decision_waiting: waiting, decision: waiting, activity: false })
        }
        fn terminate(&self, _: &str) {}
        fn cancel(&self, _: &str, _: &str) -> Result<(), Fail> {
            Ok(())
        }
        fn poll_every(&self) -> Duration {
            Duration::from_millis(1)
        }
    }

    /// What `workshop check --go N --timer-unit UNIT` prints and its exit status.
    fn check_go(fake: Fake, unit: Duration, name: &str) -> (String, ExitCode) {
        check_go_after(fake, unit, name, &[])
    }

    /// The same, once the chapters `passed` have passed, in that order.
    fn check_go_after(fake: Fake, unit: Duration, name: &str, passed: &[u8]) -> (String, ExitCode) {
        let dir = std::env::temp_dir().join(format!("workshop-go-{}-{name}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let _ = std::fs::remove_file(dir.join("progress.toml"));
        let mut state = State::load(&dir.join("progress.toml"));
        for &n in passed {
            state.passed(n).unwrap();
        }
        let o =
            Options { target: Target::Http(String::new()), domain: "cadence-workshop".into(), timer_unit: unit, stop: Default::default() };
        let mut out = Vec::new();
        let status = run(&[ChapterGuide::of(fake.chapter)], &fake, &o, &mut state, &mut out);
        (String::from_utf8(out).unwrap(), status)
    }

    #[test]
    fn a_worker_on_the_checks_day_passes() {
        let fake = worker_running(Chapter::Activities, Chapter::Activities);
        let (out, status) = check_go(fake, MINUTE, "pass");
        assert_eq!(status, ExitCode::SUCCESS, "{out}");
        assert!(out.contains("Chapter 1 on the server: 4 of 4 checks pass\n"), "{out}");
        assert!(!out.contains("Note:") && !out.contains("Changed your code"), "{out}");
        // The next chapter, and the next commands on this track (their hints follow at once; the worker must restart).
        let next = out.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(
            next.contains(
                "Chapter 1 passes. Next: chapter 2 · Failures and retries (`workshop chapter` and `workshop hint` go to it now; `workshop check \
                 --go` checks it once your worker runs chapter 2's code: stop it and start it again)."
            ),
            "{out}"
        );
    }

    #[test]
    fn two_workers_are_named_before_the_verdicts_are_summed_up_and_the_hint() {
        // An older worker left running beside the new one: what it did is in the verdicts.
        let fake = Fake { workers: vec!["1@old", "2@new"], ..worker_running(Chapter::Notification, Chapter::Query) };
        let (out, status) = check_go(fake, MINUTE, "two");
        assert_eq!(status, ExitCode::FAILURE, "{out}");
        let note = out.find("Note: 2 workers took these checks' tasks (1@old, 2@new), so each verdict above is that of").expect(&out);
        let summary = out.find("Chapter 7 on the server").expect(&out);
        let hint = out.find("Hint 1 of 3 for chapter 7").expect(&out);
        assert!(note < summary && summary < hint, "{out}");
    }

    #[test]
    fn a_failing_chapter_reminds_that_a_worker_runs_the_code_it_was_started_with() {
        let fake = worker_running(Chapter::Notification, Chapter::Query);
        let (out, status) = check_go(fake, MINUTE, "restart");
        assert_eq!(status, ExitCode::FAILURE, "{out}");
        assert!(out.contains("Changed your code since you started your worker? It still runs the code it was started with"), "{out}");
    }

    #[test]
    fn an_earlier_chapter_checked_on_a_worker_that_moved_on_says_why_it_fails_not_its_hint() {
        // Chapters 1 and 2 passed, and the worker runs chapter 2's code, whose retry
        // policy chapter 1's checks do not expect.
        let fake = worker_running(Chapter::Activities, Chapter::Retries);
        let (out, status) = check_go_after(fake, MINUTE, "moved-on", &[1, 2]);
        assert_eq!(status, ExitCode::FAILURE, "{out}");
        assert!(out.contains("Chapter 1 on the server: 0 of 4 checks pass"), "{out}");
        assert!(out.contains("Chapter 1 passed before (`workshop list`). If your worker runs a later chapter's code now"), "{out}");
        assert!(out.contains("`workshop check --go` checks the chapter you are at (chapter 3)"), "{out}");
        assert!(!out.contains("Hint") && !out.contains("Changed your code"), "{out}");
        // A chapter not passed yet gets its hint, as before.
        let fake = worker_running(Chapter::Activities, Chapter::Retries);
        let (out, _) = check_go(fake, MINUTE, "not-moved-on");
        assert!(out.contains("Hint 1 of 3 for chapter 1") && !out.contains("passed before"), "{out}");
    }

    #[test]
    fn a_passing_chapter_whose_histories_cannot_show_an_unread_scan_says_where_to_look() {
        // A scan read from a misnamed channel writes the same history as one read: in
        // chapters 4 and 5 only the Go worker's log can tell.
        // (The fake server refuses no signal and has a check's whole history at once, so
        // chapter 5 is asked directly; scripts/test-workshop-go.sh plays it for real.)
        assert!(unseen_on_the_server(ChapterGuide::of(Chapter::Delivered)).is_some());
        for (chapter, note) in [(Chapter::Loop, true), (Chapter::Activities, false)] {
            let (out, status) = check_go(worker_running(chapter, chapter), MINUTE, "unseen");
            assert_eq!(status, ExitCode::SUCCESS, "{out}");
            assert_eq!(out.contains("Not seen on the server:"), note, "{chapter:?}: {out}");
            if note {
                assert!(out.contains("it logs \"Workflow has unhandled signals\" and the signal's name"), "{out}");
                assert!(out.find("checks pass").unwrap() < out.find("Not seen").unwrap(), "{out}");
            }
        }
    }

    #[test]
    fn a_worker_whose_day_is_not_the_checks_stops_the_chapter_after_the_first_check() {
        // The worker's day is the workshop's minute, the check's 5 s: on a real server
        // each further check would wait minutes for the worker's timers, to fail alike.
        let fake = worker_running(Chapter::Notification, Chapter::Notification);
        let (out, status) = check_go(fake, Duration::from_secs(5), "day");
        assert_eq!(status, ExitCode::FAILURE, "{out}");
        assert!(out.contains("run the check with --timer-unit 60s"), "{out}");
        assert!(!out.contains("7.2"), "{out}");
        assert!(
            out.contains(
                "Chapter 7 on the server: 0 of 4 checks pass (3 not run: your worker's timers count a day as 60s and the \
                 check as 5s, so the others would wait for your worker's timers only to fail the same way; if that is your \
                 worker's day, check again with `workshop check --go 7 --timer-unit 60s`)"
            ),
            "{out}"
        );
        // Its code is not what failed: no hint for the code.
        assert!(!out.contains("Hint") && !out.contains("Changed your code"), "{out}");
    }

    /// The worker registered the workflow under another name: its first decision task
    /// fails, as a Go worker fails it, and is retried for ever.
    fn workflow_type_not_registered(mut history: Vec<HistoryEvent>, _: usize) -> Vec<HistoryEvent> {
        let started = history.iter().position(|e| e.event_type() == EventType::DecisionTaskStarted).unwrap();
        history.truncate(started + 1);
        let mut failed = history[started].clone();
        failed.event_id += 1;
        failed.attributes = EventAttributes::DecisionTaskFailed(postflow_core::history::DecisionTaskFailedEventAttributes {
            scheduled_event_id: history[started - 1].event_id,
            started_event_id: history[started].event_id,
            cause: "WORKFLOW_WORKER_UNHANDLED_FAILURE".into(),
            failure: Some(postflow_core::payload::Failure::generic(
                "unable to find workflow type: OrderProcessingWorkflow. Supported types: [main.OrderProcessingWorkflow]",
            )),
            ..Default::default()
        });
        history.push(failed);
        history
    }

    #[test]
    fn a_worker_without_the_workshops_workflow_fails_one_check_not_every_one_alike() {
        let fake = Fake { tamper: workflow_type_not_registered, ..worker_running(Chapter::Activities, Chapter::Activities) };
        let (out, status) = check_go(fake, MINUTE, "unregistered");
        assert_eq!(status, ExitCode::FAILURE, "{out}");
        assert_eq!(out.matches("your worker does not run OrderProcessingWorkflow").count(), 1, "{out}");
        let summary = out.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(
            summary.contains(
                "0 of 4 checks pass (3 not run: your worker does not run the workshop's workflow, so they would fail the same way)"
            ),
            "{out}"
        );
        assert!(out.contains("by its Go name (main.OrderProcessingWorkflow)"), "{out}");
    }

    #[test]
    fn a_worker_that_crashed_in_a_decision_task_is_said_to_have_stopped_not_to_sleep() {
        // Not "a busy loop, or a sleep on the wall clock": the worker is gone, and the
        // checks stop there (a real server would only wait for it).
        let fake = Fake { tamper: crashed_in_the_fourth_decision_task, ..worker_running(Chapter::Delivered, Chapter::Delivered) };
        let (out, status) = check_go(fake, MINUTE, "crash");
        assert_eq!(status, ExitCode::from(2), "{out}");
        assert!(!out.contains("5.1") && !out.contains("Hint"), "{out}");
        let fake = Fake { tamper: crashed_in_the_fourth_decision_task, ..worker_running(Chapter::Delivered, Chapter::Delivered) };
        let check = Check::of(Chapter::Delivered).next().unwrap();
        let o = Options {
            target: Target::Http(String::new()),
            domain: "cadence-workshop".into(),
            timer_unit: MINUTE,
            stop: Default::default(),
        };
        let Some(Problem::Infrastructure(why)) = drive(&fake, check, &o).problem else { panic!("not stopped") };
        assert!(why.contains("never answered it (it timed out), and no worker has taken the task again"), "{why}");
        assert!(why.contains("Did it crash?") && why.contains("workflow.Go"), "{why}");
    }

    #[test]
    fn a_worker_gone_between_two_decision_tasks_is_told_the_crash_it_likely_had() {
        // The goroutine's panic may fall after a decision task was answered: the next
        // one then times out on the sticky list, never started. That must name the
        // panic's cause as a crash inside a task does (CI met both timings).
        use postflow_core::history::{DecisionTaskStartedEventAttributes, DecisionTaskTimedOutEventAttributes, TimeoutType};
        let event = |event_id, attributes| HistoryEvent { event_id, event_time: Default::default(), version: 0, task_id: 0, attributes };
        let started = DecisionTaskStartedEventAttributes { scheduled_event_id: 2, ..Default::default() };
        let timed_out =
            DecisionTaskTimedOutEventAttributes { scheduled_event_id: 5, started_event_id: 0, timeout_type: TimeoutType::ScheduleToStart };
        let history = [event(3, EventAttributes::DecisionTaskStarted(started)), event(6, EventAttributes::DecisionTaskTimedOut(timed_out))];
        let why = worker_gone(&history).unwrap();
        assert!(why.contains("not the one scheduled at event 5") && why.contains("Did your worker stop?"), "{why}");
        assert!(
            why.contains("\"getState: illegal access from outside of workflow context\" comes from workflow code run in a goroutine"),
            "{why}"
        );
    }

    #[test]
    fn a_day_no_cadence_timer_can_last_is_refused_before_anything_runs() {
        for unit in [Duration::ZERO, Duration::from_millis(500), Duration::from_millis(1500)] {
            let m = day_of(unit).unwrap_err();
            assert!(m.contains("a day must last whole seconds, 1s or more"), "{m}");
            let o =
                Options { target: Target::Cli("no-such-cadence".into()), domain: "d".into(), timer_unit: unit, stop: Default::default() };
            let dir = std::env::temp_dir().join(format!("workshop-go-{}-day-of", std::process::id()));
            let mut state = State::load(&dir.join("progress.toml"));
            assert_eq!(check(&[ChapterGuide::of(Chapter::Notification)], &o, &mut state).err(), Some(m));
        }
        assert_eq!(day_of(Duration::from_secs(5)), Ok(Duration::from_secs(5)));
    }
}
