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
//!   is reported as a potential deadlock (as the Go client's detector does) and ends
//!   the process, since its thread cannot be stopped.
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
        typed_activity(name, move |ctx, (a,): (A,)| self(ctx, a))
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
        typed_activity(name, move |ctx, (a, b): (A, B)| self(ctx, a, b))
    }
}

/// Builds an exercise binary from a participant's file (or a solution):
/// `postflow_exercises::exercise!(3, "../../03_scan_once.rs");`
#[macro_export]
macro_rules! exercise {
    ($chapter:literal, $path:literal) => {
        // Starting files leave things unused on purpose (that is what the TODOs are for).
        #[allow(unused)]
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
        Some("tui") => drivers::tui(guide(chapter), register, &args[1..]),
        Some("worker") => drivers::worker(guide(chapter), register, &args[1..]),
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

/// Where the checks are: which one, which step, since when.
struct Progress {
    check: usize,
    step: usize,
    since: Instant,
    /// The history as the last step left it: what a run that panics or hangs did
    /// write (its WorkflowExecutionStarted at least), for the report to compare.
    history: Vec<postflow_core::history::HistoryEvent>,
}

/// Plays every check of `chapter` on the participant's code, one line per check.
pub fn check(chapter: Chapter, register: fn(&mut Worker)) -> ExitCode {
    let list: Vec<&'static Check> = Check::of(chapter).collect();
    let progress = Arc::new(Mutex::new(Progress { check: 0, step: 0, since: Instant::now(), history: Vec::new() }));
    let (tx, rx) = mpsc::channel::<Run>();
    let panics = capture_panics();
    let p = progress.clone();
    let list2 = list.clone();
    std::thread::spawn(move || {
        for (i, check) in list2.iter().enumerate() {
            let mut w = Worker::new(chapter);
            let step_progress = p.clone();
            let run = std::panic::catch_unwind(AssertUnwindSafe(|| {
                register(&mut w);
                checks::play(check, w.into_registry(), Duration::from_secs(60), |m| {
                    let mut p = step_progress.lock().unwrap_or_else(|e| e.into_inner());
                    match m {
                        checks::Moment::Before(step) => {
                            let history = if step == 0 { Vec::new() } else { std::mem::take(&mut p.history) };
                            *p = Progress { check: i, step, since: Instant::now(), history };
                        }
                        checks::Moment::After(_, session) => p.history = session.history().to_vec(),
                    }
                })
            }))
            .unwrap_or_else(|_| {
                let why = panics.lock().unwrap_or_else(|e| e.into_inner()).take().unwrap_or_else(|| "a panic".into());
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
                if check == done && stuck > DEADLOCK_TIMEOUT {
                    // The thread cannot be stopped: report and leave; the process ends it.
                    let doing = list[done].steps().get(step).map(|s| s.summary()).unwrap_or_default();
                    let history = std::mem::take(&mut p.history);
                    emit(list[done], &Run { history, ..Run::failed(Problem::Deadlock { step, after: stuck, doing }) });
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

/// Panics in the participant's code are reported as a check result, with where they
/// happened, instead of the default message on stderr.
fn capture_panics() -> Arc<Mutex<Option<String>>> {
    let last: Arc<Mutex<Option<String>>> = Arc::default();
    let keep = last.clone();
    std::panic::set_hook(Box::new(move |info| {
        let message = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "a panic".into());
        let at = info.location().map(|l| format!(" at {}:{}", l.file(), l.line())).unwrap_or_default();
        *keep.lock().unwrap_or_else(|e| e.into_inner()) = Some(format!("{message}{at}"));
    }));
    last
}
