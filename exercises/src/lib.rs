//! The driver behind every exercise binary: what a participant's file is built into.
//!
//! A participant writes what a Go workshop participant writes: the workflow function,
//! the activities, and a `register_workflow` that registers them under the workshop's
//! names (the Go package's `RegisterWorkflow`). Each chapter's starting file (and each
//! reference solution) is compiled into its own small binary by [`exercise!`], so a
//! file that does not compile breaks only itself: the `workshop` binary, the terminal
//! app and the bridge never link a participant's code. They run these binaries:
//!
//! - `exercise-N check [--chapter K]`: plays chapter K's checks (default N) on the
//!   simulator and prints each [`Run`] as one line `@@postflow-run <json>`; the
//!   `workshop` binary judges them. A decision task that does not yield for a second
//!   is reported as a potential deadlock (as the Go client's detector does), an
//!   activity that does not return as one a real server would time out; either ends
//!   the process, since its thread cannot be stopped, and says so on a line of its own.
//!
//! An activity that panics fails that activity alone, as a Go worker's does: the
//! workflow code gets the panic as the activity's error.
//!
//! [`Run`]: postflow_core::workshop::checks::Run

use std::panic::AssertUnwindSafe;
use std::process::ExitCode;
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use postflow_core::postal::Chapter;
use postflow_core::registry::{ActivityContext, ActivityDefinition, Registry, typed_activity, typed_workflow};
use postflow_core::sdk::{WorkflowContext, WorkflowError};
use postflow_core::workshop::ChapterGuide;
use postflow_core::workshop::checks::{self, Check, Problem, Run};
use serde::Serialize;
use serde::de::DeserializeOwned;

/// What a participant's file imports: the SDK, the workshop's types, the worker.
pub mod prelude {
    pub use postflow_core::postal::{Order, QueryResult, ScanSignal};
    pub use postflow_core::registry::ActivityContext;
    pub use postflow_core::sdk::{
        ActivityError, ActivityOptions, Canceled, CancellationScope, Logger, RetryPolicy, Selector, SignalChannel, WorkflowContext,
        WorkflowError,
    };
    pub use serde::de::IgnoredAny;

    pub use crate::Worker;
}

/// The prefix of each line that carries a check's run to the `workshop` binary; the
/// rest of the output is whatever the participant's code printed.
pub const RUN_LINE: &str = "@@postflow-run ";

/// How long one scenario step may take before its decision task counts as blocked:
/// the Go client's deadlock detector waits one second.
pub const DEADLOCK_TIMEOUT: Duration = Duration::from_secs(1);

/// What a participant registers with (Go's `worker.Worker` in `RegisterWorkflow`).
pub struct Worker {
    chapter: Chapter,
    registry: Registry,
}

impl Worker {
    /// A worker for the checks of `chapter`.
    pub fn new(chapter: Chapter) -> Worker {
        Worker { chapter, registry: Registry::default() }
    }

    /// Go's `w.RegisterWorkflowWithOptions(f, workflow.RegisterOptions{Name: name})`.
    pub fn register_workflow<I, R, F, Fut>(&mut self, name: &str, f: F)
    where
        I: DeserializeOwned + 'static,
        R: Serialize,
        F: Fn(WorkflowContext, I) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<R, WorkflowError>> + 'static,
    {
        let definition = checks::exercise_definition(self.chapter, typed_workflow(f));
        self.registry.register_workflow(postflow_core::registry::WorkflowDefinition { name: name.into(), ..definition });
    }

    /// Go's `w.RegisterActivityWithOptions(f, activity.RegisterOptions{Name: name})`:
    /// `f` takes the activity context and one or two arguments.
    pub fn register_activity<Args>(&mut self, name: &str, f: impl Activity<Args>) {
        self.registry.register_activity(f.definition(name));
    }

    pub fn registry(&self) -> &Registry {
        &self.registry
    }

    pub fn into_registry(self) -> Registry {
        self.registry
    }
}

/// An activity function: `fn(&mut ActivityContext, A) -> Result<R, String>` or
/// `fn(&mut ActivityContext, A, B) -> Result<R, String>`.
pub trait Activity<Args> {
    fn definition(self, name: &str) -> ActivityDefinition;
}

impl<F, A, R> Activity<(A,)> for F
where
    F: Fn(&mut ActivityContext<'_>, A) -> Result<R, String> + Send + Sync + 'static,
    A: DeserializeOwned,
    R: Serialize,
{
    fn definition(self, name: &str) -> ActivityDefinition {
        as_go_worker_runs_it(typed_activity(name, move |ctx, (a,): (A,)| self(ctx, a)))
    }
}

impl<F, A, B, R> Activity<(A, B)> for F
where
    F: Fn(&mut ActivityContext<'_>, A, B) -> Result<R, String> + Send + Sync + 'static,
    A: DeserializeOwned,
    B: DeserializeOwned,
    R: Serialize,
{
    fn definition(self, name: &str) -> ActivityDefinition {
        as_go_worker_runs_it(typed_activity(name, move |ctx, (a, b): (A, B)| self(ctx, a, b)))
    }
}

/// The activity attempt running now, if any: what a blocked step is blocked in.
static RUNNING_ACTIVITY: Mutex<Option<(String, i32)>> = Mutex::new(None);

/// An activity run as a Go worker runs one: a panic in it is recovered and fails the
/// attempt alone (reason `cadenceInternal:Panic`, the message and where it happened as
/// details), and while it runs the watchdog knows which activity it is.
fn as_go_worker_runs_it(def: ActivityDefinition) -> ActivityDefinition {
    let run = def.run.clone();
    ActivityDefinition {
        run: Arc::new(move |ctx, input| {
            struct Running;
            impl Drop for Running {
                fn drop(&mut self) {
                    IN_ACTIVITY.with(|a| a.set(false));
                    *RUNNING_ACTIVITY.lock().unwrap_or_else(|e| e.into_inner()) = None;
                }
            }
            *RUNNING_ACTIVITY.lock().unwrap_or_else(|e| e.into_inner()) = Some((ctx.activity_type.to_owned(), ctx.attempt));
            IN_ACTIVITY.with(|a| a.set(true));
            let _running = Running;
            let _ = take_panic();
            std::panic::catch_unwind(AssertUnwindSafe(|| run(ctx, input))).unwrap_or_else(|payload| {
                let (message, at) = take_panic().unwrap_or_else(|| (postflow_core::sdk::panic_message(payload.as_ref()), String::new()));
                // The Go worker's stack trace begins "activity for <task list> [panic]:".
                let stack = format!("activity for {} [panic]:\n\t{at}", postflow_core::postal::TASK_LIST);
                Err(postflow_core::sdk::activity_panic(&message, stack.trim_end()))
            })
        }),
        ..def
    }
}

/// Builds an exercise binary from a participant's file (or a solution):
/// `postflow_exercises::exercise!(3, "../../03_scan_once.rs");`
#[macro_export]
macro_rules! exercise {
    ($chapter:literal, $path:literal) => {
        // Starting files leave things unused on purpose (that is what the TODOs are for);
        // not `unused` as a whole, which would also silence `unused_must_use`, the
        // compiler's warning for a forgotten `.await`.
        #[allow(unused_variables, unused_imports, unused_mut, unused_assignments, dead_code)]
        #[path = $path]
        mod exercise;

        fn main() -> std::process::ExitCode {
            $crate::main($chapter, exercise::register_workflow)
        }
    };
}

/// The command line of an exercise binary.
pub fn main(chapter: u8, register: fn(&mut Worker)) -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("check") => {
            let chapter = match args.iter().position(|a| a == "--chapter").and_then(|i| args.get(i + 1)) {
                Some(n) => match ChapterGuide::parse(n) {
                    Ok(g) => g.chapter,
                    Err(e) => return usage(&e),
                },
                None => guide(chapter).chapter,
            };
            check(chapter, register)
        }
        Some("tui") => {
            capture_panics(false);
            drivers::tui(guide(chapter), register, &args[1..])
        }
        Some("worker") => {
            capture_panics(false);
            drivers::worker(guide(chapter), register, &args[1..])
        }
        _ => usage("the workshop runs this program; try `cargo run --bin workshop`"),
    }
}

/// The other programs a participant's workflow runs in.
#[cfg(feature = "drivers")]
mod drivers {
    use std::process::ExitCode;
    use std::time::Duration;

    use postflow_core::postal::{ChapterNames, PostalConfig};
    use postflow_core::session::{Session, SessionConfig};
    use postflow_core::workshop::ChapterGuide;
    use postflow_tui::App;

    use crate::Worker;

    /// `tui --exercise N`: the terminal app on the simulator, running this workflow.
    pub fn tui(g: &'static ChapterGuide, register: fn(&mut Worker), args: &[String]) -> ExitCode {
        let mut print = false;
        let mut size = (160, 50);
        let mut it = args.iter();
        while let Some(a) = it.next() {
            match a.as_str() {
                "--print" => print = true,
                "--size" => match it.next().map(|v| postflow_tui::run::print_size(v)) {
                    Some(Ok(s)) => size = s,
                    Some(Err(e)) => return fail(&e),
                    None => return fail("--size needs WxH, e.g. 160x50"),
                },
                other => return fail(&format!("unknown argument {other:?} with --exercise (it takes --print and --size)")),
            }
        }
        let mut w = Worker::new(g.chapter);
        register(&mut w);
        let registry = w.into_registry();
        let name = ChapterNames::STARTER.workflow;
        if registry.workflow(name).is_none() {
            return fail(&format!(
                "your register_workflow registers no workflow named {name} (it registers {}); the terminal app starts {name}",
                registry.workflow_names().join(", ")
            ));
        }
        let config = SessionConfig { seed: 1, postal: PostalConfig { chapter: g.chapter, timer_unit: Duration::from_secs(60) } };
        let app = App::with_session(Session::with_registry(config, registry, name), &format!("exercise {}", g.number));
        if print {
            return postflow_tui::run::print(app, size);
        }
        if !std::io::IsTerminal::is_terminal(&std::io::stdout()) {
            return fail("standard output is not a terminal; use --print for a text screen");
        }
        let mut app = app;
        match postflow_tui::run::interactive(&mut app) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => fail(&e.to_string()),
        }
    }

    fn fail(why: &str) -> ExitCode {
        eprintln!("tui: {why}");
        ExitCode::from(2)
    }

    /// `bridge worker --exercise N`: the bridge's worker on a real Cadence server, with
    /// this workflow and its activities under the starter names, and HelloWorld and the
    /// complete workflow beside them, as the workshop's Go worker serves them.
    pub fn worker(g: &'static ChapterGuide, register: fn(&mut Worker), args: &[String]) -> ExitCode {
        use clap::Parser;

        #[derive(Parser)]
        #[command(name = "bridge worker --exercise N")]
        struct Cli {
            #[arg(long, env = "POSTFLOW_CADENCE_HTTP", default_value = "http://127.0.0.1:8800")]
            address: String,
            #[arg(long, default_value = postflow_core::postal::DOMAIN)]
            domain: String,
            #[command(flatten)]
            worker: cadence_bridge::serve::WorkerArgs,
        }
        let cli = match Cli::try_parse_from(std::iter::once("worker".to_owned()).chain(args.iter().cloned())) {
            Ok(c) => c,
            Err(e) => {
                let _ = e.print();
                return ExitCode::from(2);
            }
        };
        let mut w = Worker::new(g.chapter);
        register(&mut w);
        let mine = w.into_registry();
        let name = ChapterNames::STARTER.workflow;
        let Some(definition) = mine.workflow(name).cloned() else {
            eprintln!(
                "bridge: your register_workflow registers no workflow named {name} (it registers {}); the workshop's commands \
                 start {name}",
                mine.workflow_names().join(", ")
            );
            return ExitCode::from(2);
        };
        let mut registry = cadence_bridge::registry::workshop_registry(definition, g.chapter, cli.worker.timer_unit);
        for activity in mine.activity_names() {
            if let Some(a) = mine.activity(activity) {
                registry.register_activity(a.clone());
            }
        }
        let client = match cadence_bridge::Client::new(&cli.address, &format!("exercise-{}@{}", g.number, std::process::id())) {
            Ok(c) => c,
            Err(e) => {
                eprintln!("bridge: {e}");
                return ExitCode::from(2);
            }
        };
        let starter = format!("starter: your exercise {}", g.number);
        cadence_bridge::serve::run(client, &cli.domain, &cli.address, &cli.worker, registry, &starter)
    }
}

#[cfg(not(feature = "drivers"))]
mod drivers {
    use std::process::ExitCode;

    use postflow_core::workshop::ChapterGuide;

    use crate::Worker;

    pub fn tui(g: &ChapterGuide, _: fn(&mut Worker), _: &[String]) -> ExitCode {
        eprintln!("this build of the exercise has no terminal app: `cargo run --bin tui -- --exercise {}`", g.number);
        ExitCode::from(2)
    }

    pub fn worker(g: &ChapterGuide, _: fn(&mut Worker), _: &[String]) -> ExitCode {
        eprintln!("this build of the exercise has no worker: `cargo run --bin bridge -- worker --exercise {}`", g.number);
        ExitCode::from(2)
    }
}

fn guide(number: u8) -> &'static ChapterGuide {
    ChapterGuide::number(number).unwrap_or_else(|_| &postflow_core::workshop::GUIDES[0])
}

fn usage(why: &str) -> ExitCode {
    eprintln!("{why}\nusage: exercise-N check [--chapter K]");
    ExitCode::from(2)
}

/// An activity attempt may run this long (real time) before the checks call it one
/// that does not return. A real server gives it its start-to-close timeout (a minute
/// in the workshop); the workshop's activities return at once, and the checks cannot
/// wait a minute.
pub const ACTIVITY_TIMEOUT: Duration = Duration::from_secs(3);

/// Where the checks are: which one, which step, since when.
struct Progress {
    check: usize,
    step: usize,
    since: Instant,
    /// The history as it stood before the worker's last step: what a run that panics
    /// or hangs in that step did write, for the report to compare.
    history: Vec<postflow_core::history::HistoryEvent>,
}

/// Plays every check of `chapter` on the participant's code, one line per check.
pub fn check(chapter: Chapter, register: fn(&mut Worker)) -> ExitCode {
    let list: Vec<&'static Check> = Check::of(chapter).collect();
    let progress = Arc::new(Mutex::new(Progress { check: 0, step: 0, since: Instant::now(), history: Vec::new() }));
    let (tx, rx) = mpsc::channel::<Run>();
    capture_panics(true);
    let p = progress.clone();
    let list2 = list.clone();
    std::thread::spawn(move || {
        for (i, check) in list2.iter().enumerate() {
            let mut w = Worker::new(chapter);
            let step_progress = p.clone();
            // Where a query handler panicked, by step: the query failed alone (core
            // caught it), and the participant is told the line.
            let mut handler_panics: Vec<(usize, String)> = Vec::new();
            let run = std::panic::catch_unwind(AssertUnwindSafe(|| {
                register(&mut w);
                let mut run = checks::play(check, w.into_registry(), Duration::from_secs(60), |m| {
                    let mut p = step_progress.lock().unwrap_or_else(|e| e.into_inner());
                    match m {
                        checks::Moment::Before(step) => {
                            let history = if step == 0 { Vec::new() } else { std::mem::take(&mut p.history) };
                            *p = Progress { check: i, step, since: Instant::now(), history };
                        }
                        checks::Moment::Working(_, session) => {
                            p.history.clear();
                            p.history.extend_from_slice(session.history());
                        }
                        checks::Moment::After(step, session) => {
                            p.history.clear();
                            p.history.extend_from_slice(session.history());
                            // An activity's panic is taken where it is recovered, and the
                            // workflow's ends the play: one left here is a query handler's.
                            if let Some((_, at)) = take_panic().filter(|(_, at)| !at.is_empty()) {
                                handler_panics.push((step, at));
                            }
                        }
                    }
                });
                for (step, at) in handler_panics.drain(..) {
                    if let Some(checks::StepResult::Refused(why)) = run.steps.get_mut(step)
                        && why.starts_with(checks::QUERY_HANDLER_PANIC)
                    {
                        why.push_str(&format!(" at {at}"));
                    }
                }
                run
            }))
            .unwrap_or_else(|payload| {
                let (message, at) = take_panic().unwrap_or_else(|| (postflow_core::sdk::panic_message(payload.as_ref()), String::new()));
                let why = if at.is_empty() { message } else { format!("{message} at {at}") };
                let history = std::mem::take(&mut p.lock().unwrap_or_else(|e| e.into_inner()).history);
                Run { history, ..Run::failed(Problem::Panicked(why)) }
            });
            if tx.send(run).is_err() {
                return;
            }
            *p.lock().unwrap_or_else(|e| e.into_inner()) = Progress { check: i + 1, step: 0, since: Instant::now(), history: Vec::new() };
        }
    });
    let mut done = 0;
    while done < list.len() {
        match rx.recv_timeout(Duration::from_millis(50)) {
            Ok(run) => {
                emit(list[done], &run);
                done += 1;
            }
            Err(mpsc::RecvTimeoutError::Disconnected) => break,
            Err(mpsc::RecvTimeoutError::Timeout) => {
                let mut p = progress.lock().unwrap_or_else(|e| e.into_inner());
                let (check, step, stuck) = (p.check, p.step, p.since.elapsed());
                let activity = RUNNING_ACTIVITY.lock().unwrap_or_else(|e| e.into_inner()).clone();
                let limit = if activity.is_some() { ACTIVITY_TIMEOUT } else { DEADLOCK_TIMEOUT };
                if check == done && stuck > limit {
                    // The thread cannot be stopped: report and leave; the process ends it.
                    let doing = list[done].steps().get(step).map(|s| s.summary()).unwrap_or_default();
                    let history = std::mem::take(&mut p.history);
                    let query = matches!(list[done].steps().get(step), Some(postflow_core::scenario::Step::Query { .. }));
                    let what = match (&activity, query) {
                        (Some((a, _)), _) => format!("the activity {a} did not return"),
                        (None, true) => "a query handler did not return".to_owned(),
                        (None, false) => "the workflow code blocked the worker's thread".to_owned(),
                    };
                    let problem = match activity {
                        Some((activity_type, attempt)) => {
                            Problem::ActivityDidNotReturn { activity_type, attempt, step, after: stuck, doing }
                        }
                        None => Problem::Deadlock { step, after: stuck, doing },
                    };
                    emit(list[done], &Run { history, ..Run::failed(problem) });
                    // What the workshop's "stopped before this check (see its output above)" points to.
                    let rest: Vec<String> = list[done + 1..].iter().map(|c| c.label()).collect();
                    println!(
                        "The checks stopped at {}: {what}, and a thread cannot be stopped from outside, so the exercise \
                         program ended there{}.",
                        list[done].label(),
                        match rest.len() {
                            0 => String::new(),
                            1 => format!("; check {} did not run", rest[0]),
                            _ => format!("; checks {} to {} did not run", rest[0], rest[rest.len() - 1]),
                        }
                    );
                    return ExitCode::SUCCESS;
                }
            }
        }
    }
    ExitCode::SUCCESS
}

fn emit(check: &Check, run: &Run) {
    #[derive(Serialize)]
    struct Line<'a> {
        check: &'a str,
        run: &'a Run,
    }
    match serde_json::to_string(&Line { check: check.name, run }) {
        Ok(json) => println!("{RUN_LINE}{json}"),
        Err(e) => println!("{RUN_LINE}{{\"check\":\"{}\",\"error\":\"{e}\"}}", check.name),
    }
}

/// What an exercise binary printed: each check's run by name, and every other line
/// (what the participant's code printed itself).
pub struct Output {
    pub runs: Vec<(String, Run)>,
    pub printed: Vec<String>,
}

/// Reads what an exercise binary printed.
pub fn read_runs(output: &str) -> Result<Output, String> {
    #[derive(serde::Deserialize)]
    struct Line {
        check: String,
        run: Run,
    }
    let mut runs = Vec::new();
    let mut printed = Vec::new();
    for l in output.lines() {
        match l.strip_prefix(RUN_LINE) {
            Some(json) => {
                let line: Line = serde_json::from_str(json).map_err(|e| format!("unreadable check result: {e}"))?;
                runs.push((line.check, line.run));
            }
            None => printed.push(l.to_owned()),
        }
    }
    Ok(Output { runs, printed })
}

std::thread_local! {
    /// The last panic on this thread: its message and where it happened.
    static LAST_PANIC: std::cell::RefCell<Option<(String, String)>> = const { std::cell::RefCell::new(None) };
    /// Whether this thread runs an activity attempt now.
    static IN_ACTIVITY: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// The last panic on this thread, once.
fn take_panic() -> Option<(String, String)> {
    LAST_PANIC.with(|p| p.borrow_mut().take())
}

/// Panics in the participant's code are reported with where they happened
/// (`exercises/01_activities.rs:38`, as people know the file): as a check result
/// (`quiet`: nothing on stderr), or as the activity's failure. Elsewhere, and outside
/// an activity, a panic is also told as Rust tells it.
fn capture_panics(quiet: bool) {
    let rust = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let at = info.location().map(postflow_core::sdk::source_line).unwrap_or_default();
        LAST_PANIC.with(|p| *p.borrow_mut() = Some((postflow_core::sdk::panic_message(info.payload()), at)));
        if !quiet && !IN_ACTIVITY.with(std::cell::Cell::get) {
            rust(info);
        }
    }));
}
