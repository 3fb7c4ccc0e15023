//! `bridge`: postflow's workflow on a real Cadence server.
//!
//! Flags of `bridge wf ...` are shaped like the `cadence` CLI's (`--workflow_id`,
//! `--input`, `--name`, `--query_type`, ...), so the workshop's commands carry over.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Args, Parser, Subcommand};
use postflow_core::engine::limits;
use postflow_core::payload::Payload;
use postflow_core::postal::{self, ChapterNames};
use postflow_core::scenario::{BUILTIN, Scenario};
use postflow_core::time::parse_duration;

use cadence_bridge::client::{Client, StartOptions};
use cadence_bridge::scenario::{COMPARE_TIMER_UNIT, RunOptions, not_comparable, play};
use cadence_bridge::serve::{self, WorkerArgs};
use cadence_bridge::{BridgeError, registry};
use postflow_core::count::{at_least_one, plural, zero_or_more};

/// How long `bridge load` waits for a worker to poll the workshop's task list: a worker
/// started just before it is polling within seconds.
const LOAD_WORKER_WAIT: Duration = Duration::from_secs(30);

#[derive(Parser)]
#[command(name = "bridge", version, about = "Runs postflow's workflow code on a real Cadence server (HTTP/JSON API)")]
struct Cli {
    /// The frontend's HTTP API.
    #[arg(long, global = true, env = "POSTFLOW_CADENCE_HTTP", default_value = "http://127.0.0.1:8800")]
    address: String,
    /// The Cadence domain.
    #[arg(long, visible_alias = "do", global = true, default_value = postal::DOMAIN)]
    domain: String,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the workshop's workflows (HelloWorld, OrderProcessingWorkflow,
    /// OrderProcessingWorkflowComplete) and their activities until SIGINT/SIGTERM.
    Worker(WorkerArgs),
    /// Domain commands.
    Domain {
        #[command(subcommand)]
        command: DomainCommand,
    },
    /// Workflow commands (like `cadence workflow ...`).
    #[command(visible_alias = "workflow")]
    Wf {
        #[command(subcommand)]
        command: WfCommand,
    },
    /// Drive N full lifecycles (start, scans, delivered) through the server; a
    /// `bridge worker` must be running. Prints throughput and decision latency.
    Load {
        // Negative numbers are let through to the parsers, which say what is wrong with
        // them; clap alone would call `-1` an unexpected argument.
        /// Lifecycles to run in all.
        #[arg(long, default_value_t = 100, allow_negative_numbers = true, value_parser = at_least_one::<usize>)]
        workflows: usize,
        /// Scans per lifecycle.
        #[arg(long, default_value_t = 3, allow_negative_numbers = true, value_parser = zero_or_more::<usize>)]
        scans: usize,
        /// Lifecycles in flight at once.
        #[arg(long, default_value_t = 8, allow_negative_numbers = true, value_parser = at_least_one::<usize>)]
        concurrency: usize,
        /// Workflow ID prefix (IDs are PREFIX-N).
        #[arg(long, default_value = "load")]
        prefix: String,
        /// The longest wait for the server at one step of a lifecycle (its start, each
        /// scan, its delivery); a lifecycle that waits longer fails, and its workflow is
        /// terminated.
        #[arg(long, default_value = "60s", value_parser = parse_duration, allow_hyphen_values = true)]
        step_timeout: Duration,
    },
    /// Scenario commands.
    Scenario {
        #[command(subcommand)]
        command: ScenarioCommand,
    },
}

#[derive(Subcommand)]
enum DomainCommand {
    /// Register the domain (global, like the cadence CLI).
    Register {
        /// Retention in days.
        #[arg(long = "retention", visible_alias = "rd", default_value_t = 1, allow_negative_numbers = true, value_parser = zero_or_more::<u32>)]
        retention_days: u32,
        /// Register a local domain instead of a global one.
        #[arg(long)]
        local: bool,
    },
    /// Show the domain.
    Describe,
}

#[derive(Args)]
struct Execution {
    /// The workflow's ID.
    #[arg(long = "workflow_id", visible_alias = "wid", short = 'w')]
    workflow_id: String,
    /// Its run; empty for the latest run of the ID.
    #[arg(long = "run_id", visible_alias = "rid", short = 'r', default_value = "")]
    run_id: String,
}

#[derive(Subcommand)]
enum WfCommand {
    /// Start a workflow.
    Start {
        /// The new workflow's ID (an order's ID, for the workshop's workflow).
        #[arg(long = "workflow_id", visible_alias = "wid", short = 'w')]
        workflow_id: String,
        /// The workflow type a worker registered.
        #[arg(long = "workflow_type", visible_alias = "wt", default_value = "OrderProcessingWorkflowComplete")]
        workflow_type: String,
        /// The task list its decision tasks go to.
        #[arg(long = "tasklist", visible_alias = "tl", default_value = postal::TASK_LIST)]
        task_list: String,
        /// The input, as JSON (for the workshop's workflow, the order).
        #[arg(long, short = 'i')]
        input: Option<String>,
        /// The input from a JSON file, for one too long for a command line.
        #[arg(long = "input_file", visible_alias = "if", conflicts_with = "input")]
        input_file: Option<PathBuf>,
        /// Workflow timeout in seconds (the server refuses 0).
        #[arg(long = "execution_timeout", visible_alias = "et", default_value_t = 600, allow_negative_numbers = true, value_parser = at_least_one::<u64>)]
        execution_timeout: u64,
        /// Decision task timeout in seconds (the server refuses 0).
        #[arg(long = "decision_timeout", visible_alias = "dt", default_value_t = 10, allow_negative_numbers = true, value_parser = at_least_one::<u64>)]
        decision_timeout: u64,
        /// AllowDuplicate, AllowDuplicateFailedOnly, RejectDuplicate or TerminateIfRunning.
        #[arg(long = "workflowidreusepolicy", visible_alias = "wrp")]
        id_reuse_policy: Option<String>,
    },
    /// Send a signal.
    Signal {
        #[command(flatten)]
        execution: Execution,
        /// The signal's name (ScanSignal, DeliveredSignal).
        #[arg(long, short = 'n')]
        name: String,
        /// Its input, as JSON (a scan's `{"location": ...}`); none for DeliveredSignal.
        #[arg(long, short = 'i')]
        input: Option<String>,
        /// Its input from a JSON file, for one too long for a command line.
        #[arg(long = "input_file", visible_alias = "if", conflicts_with = "input")]
        input_file: Option<PathBuf>,
    },
    /// Run a query.
    Query {
        #[command(flatten)]
        execution: Execution,
        /// The query's name (current_status, or __stack_trace).
        #[arg(long = "query_type", visible_alias = "qt")]
        query_type: String,
        /// Its arguments, as JSON.
        #[arg(long, short = 'i')]
        input: Option<String>,
    },
    /// Show the history.
    Show {
        #[command(flatten)]
        execution: Execution,
        /// Print the server's JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Show status, pending activities and the pending decision (raw JSON).
    Describe {
        #[command(flatten)]
        execution: Execution,
    },
    /// Terminate a workflow.
    Terminate {
        #[command(flatten)]
        execution: Execution,
        /// Why, as the history's WorkflowExecutionTerminated will say.
        #[arg(long, visible_alias = "re", default_value = "terminated with bridge")]
        reason: String,
    },
    /// Request a workflow's cancellation (like `cadence wf cancel`).
    ///
    /// The server records the request (WorkflowExecutionCancelRequested) and the
    /// workflow's code, run by a worker, decides what to do with it. One request per run;
    /// a second is refused.
    Cancel {
        #[command(flatten)]
        execution: Execution,
        /// Why, as the cause in the history's WorkflowExecutionCancelRequested.
        #[arg(long, visible_alias = "re", default_value = "canceled with bridge")]
        reason: String,
    },
    /// List open workflows.
    List {
        /// How many workflows to list.
        #[arg(long = "pagesize", visible_alias = "ps", default_value_t = 100, allow_negative_numbers = true, value_parser = zero_or_more::<u32>)]
        page_size: u32,
    },
}

#[derive(Subcommand)]
enum ScenarioCommand {
    /// Play a built-in (by name) or file scenario on the server with an in-process worker.
    Run {
        /// A built-in name (happy-path, ...) or a path to a .toml file.
        scenario: String,
        /// Compare the real history with the simulator's; exit 1 on any difference, 2 for a
        /// scenario a real server cannot play as the simulator does (`scenario list`).
        #[arg(long)]
        compare: bool,
        /// The timer unit on both sides (real timers take real time); 10s unless given,
        /// so that a timer the scenario does not wait for cannot fire during its steps.
        #[arg(long, value_parser = parse_duration, allow_hyphen_values = true)]
        timer_unit: Option<Duration>,
        /// The longest wait for the server at one step.
        #[arg(long, default_value = "60s", value_parser = parse_duration, allow_hyphen_values = true)]
        step_timeout: Duration,
        /// Print every task the in-process worker takes.
        #[arg(short, long)]
        verbose: bool,
    },
    /// List the built-in scenarios and whether they can be compared on a real server.
    List,
}

fn main() -> ExitCode {
    postflow_core::cli::end_quietly_on_a_closed_pipe();
    let cli = Cli::parse();
    let domain = cli.domain.clone();
    match run(cli).map_err(|e| no_such_domain(e, &domain)) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("bridge: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> Result<ExitCode, BridgeError> {
    let identity = format!("bridge@{}", std::process::id());
    let client = Client::new(&cli.address, &identity)?;
    let domain = cli.domain.as_str();
    match cli.command {
        Command::Worker(a) => {
            if let Some(n) = a.exercise {
                // Your workflow runs in its own binary (this one never links it): hand over.
                let rest = exercise_args();
                let mut args = vec!["worker".to_owned(), "--address".into(), cli.address.clone(), "--domain".into(), domain.into()];
                args.extend(rest);
                return Err(BridgeError::Invalid(postflow_exercise_launch::hand_over(n, &args)));
            }
            let registry = registry::for_chapter(a.chapter, a.timer_unit);
            let starter = format!("starter: chapter {}", a.chapter.name());
            Ok(serve::run(client, domain, &cli.address, &a, registry, &starter))
        }
        Command::Domain { command: DomainCommand::Register { retention_days, local } } => {
            match client.register_domain(domain, retention_days, !local) {
                Ok(()) => println!("Domain {domain} successfully registered."),
                Err(BridgeError::AlreadyExists(_)) => println!("Domain {domain} already exists."),
                Err(e) => return Err(e),
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Domain { command: DomainCommand::Describe } => {
            println!("{}", pretty(&client.describe_domain(domain)?));
            Ok(ExitCode::SUCCESS)
        }
        Command::Wf { command } => wf(&client, domain, command),
        Command::Load { workflows, scans, concurrency, prefix, step_timeout } => {
            // A server that is down, or a domain it does not have, is one error before the
            // run, not one per lifecycle.
            client.describe_domain(domain)?;
            // Ctrl-C ends the run and terminates the workflows in flight, instead of leaving
            // them open on the server (where their IDs would refuse the next run's starts).
            let interrupt = cadence_bridge::shutdown::install();
            // Without a worker every lifecycle would wait out its bound in silence.
            let waited = cadence_bridge::load::wait_for_worker(&client, domain, postal::TASK_LIST, LOAD_WORKER_WAIT, &interrupt, || {
                eprintln!(
                    "load: waiting for a worker on task list {} in domain {domain} (start one in another terminal: `bridge \
                     worker`)",
                    postal::TASK_LIST
                )
            });
            if let Err(e) = waited {
                eprintln!("bridge: {e}");
                return Ok(ExitCode::from(if interrupt.load(std::sync::atomic::Ordering::SeqCst) { 130 } else { 1 }));
            }
            let plan = cadence_bridge::load::Plan { workflows, concurrency, scans, prefix: &prefix, step_timeout };
            let r = cadence_bridge::load::run(&client, domain, &plan, &interrupt);
            // The first few, and every one that leaves a workflow someone has to end.
            const FAILURES_SHOWN: usize = 10;
            for (_, f) in r.failures.iter().enumerate().filter(|(i, f)| *i < FAILURES_SHOWN || f.left_open) {
                eprintln!("load: {}", f.said);
            }
            // Every one, however many: each is a workflow someone has to end.
            for open in &r.left_open {
                eprintln!("load: {open}");
            }
            if !r.failures.is_empty() {
                let n = r.failures.len();
                let shown = if n > FAILURES_SHOWN { format!(": the first {FAILURES_SHOWN}, and each one left open,") } else { ",".into() };
                let open = match (n, r.failures.iter().filter(|f| f.left_open).count()) {
                    (_, 0) => String::new(),
                    (1, _) => "; its workflow may be open on the server".into(),
                    (_, open) => format!("; {open} of their workflows may be open on the server"),
                };
                let lifecycles = plural(n as u64, "lifecycle");
                eprintln!("load: {n} {lifecycles} of {workflows} failed (above{shown} each with what became of its workflow){open}");
            }
            if let Some(k) = r.never_started.filter(|&k| k > 0) {
                eprintln!(
                    "load: {k} {} of {workflows} not started: the server was away for a whole step timeout (above), and each \
                     lifecycle started now would wait out one more",
                    plural(k as u64, "lifecycle")
                );
            }
            if r.interrupted {
                let ended = match (r.terminated, r.left_open.len()) {
                    (n, 0) => format!("the {n} in flight were terminated on the server"),
                    (0, open) => format!("the {open} in flight may be open on the server (above)"),
                    (n, open) => format!("{n} in flight were terminated on the server, {open} may be open (above)"),
                };
                eprintln!("load: interrupted: {} lifecycles of {workflows} completed; {ended}", r.lifecycles);
            }
            println!(
                "lifecycles {} of {} in {:.1} s: {:.2} lifecycles/s (concurrency {concurrency})",
                r.lifecycles,
                workflows,
                r.elapsed.as_secs_f64(),
                r.lifecycles as f64 / r.elapsed.as_secs_f64()
            );
            println!(
                "decision tasks {}: scheduled-to-completed p50 {:.1} ms, p99 {:.1} ms",
                r.decision_latencies.len(),
                r.percentile(0.50).as_secs_f64() * 1e3,
                r.percentile(0.99).as_secs_f64() * 1e3
            );
            Ok(if r.interrupted {
                ExitCode::from(130)
            } else if r.failures.is_empty() {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            })
        }
        Command::Scenario { command: ScenarioCommand::List } => {
            for b in BUILTIN {
                let s = Scenario::parse(b.name, b.toml).map_err(|e| BridgeError::Invalid(e.to_string()))?;
                match not_comparable(&s) {
                    None => println!("{:32} comparable", b.name),
                    Some(why) => println!("{:32} not comparable: {why}", b.name),
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Scenario { command: ScenarioCommand::Run { scenario, compare, timer_unit, step_timeout, verbose } } => {
            let s = load_scenario(&scenario)?;
            // Not a pass: a script comparing every scenario must not count it as one.
            if compare && let Some(why) = not_comparable(&s) {
                eprintln!("bridge: {}: not comparable on a real server: {why}", s.name);
                return Ok(ExitCode::from(2));
            }
            // It plays, but a real server writes its own history for it (a timer fires
            // that the scenario resets, say): said before it plays, not taken for the
            // scenario's story.
            let timer_unit = timer_unit.unwrap_or(COMPARE_TIMER_UNIT);
            if !compare && let Some(why) = not_comparable(&s) {
                // The day's length is most of why: scans-reset-timer's scans come 90 s
                // apart, after a 10 s day's timer has fired.
                eprintln!(
                    "bridge: note: {}: a real server cannot play it as the simulator does ({why}); it plays, and the history \
                     printed is the server's, which can differ from the scenario's (`bridge scenario list`): a day of its \
                     timers lasts {} here (--timer-unit), while the scenario's own durations stay as written",
                    s.name,
                    postflow_core::time::format_duration_short(timer_unit)
                );
            }
            let timer_unit = Some(timer_unit);
            // Ctrl-C ends the run, and its workflow, instead of leaving it open on the server;
            // a second one does not cut that short (a third does, naming what it leaves).
            let interrupt = cadence_bridge::shutdown::install();
            let interrupted = || interrupt.load(std::sync::atomic::Ordering::SeqCst);
            let options = RunOptions { domain: domain.into(), timer_unit, step_timeout, verbose, interrupt: Some(interrupt.clone()) };
            let played = match play(&client, &s, &options) {
                // The error says what became of the run's workflow.
                Err(e) if interrupted() => {
                    eprintln!("bridge: {}: {e}", s.name);
                    return Ok(ExitCode::from(130));
                }
                played => played?,
            };
            // A Ctrl-C after the last step (while the worker stops, the histories are read
            // and compared) cuts nothing short: the run is finished, but its status still
            // says it was interrupted, as a script that runs scenarios in turn expects.
            let finished = |code: ExitCode| {
                if !interrupted() {
                    return code;
                }
                eprintln!("bridge: {}: interrupted after the last step; the run was finished, and its result above is complete", s.name);
                ExitCode::from(130)
            };
            // The run is over, but its workflow may not be: said whatever the outcome.
            if let Some(open) = &played.left_open {
                eprintln!("bridge: note: {}: the scenario finished, but {open}", s.name);
            }
            if !compare {
                print!("{}", postflow_core::history::table::render(&played.real, None));
                // Not a comparison, so not a failure; but not kept from the user either.
                for p in &played.problems {
                    eprintln!("bridge: note: {}: {p}", s.name);
                }
                return Ok(finished(ExitCode::SUCCESS));
            }
            for p in &played.problems {
                println!("{}: {p}", s.name);
            }
            if played.diff.is_empty() {
                println!("{}: {} events, real server and simulator agree", s.name, played.simulated.len());
            } else {
                println!(
                    "{}: the histories differ (normalised; - simulator, + real server: workflow {} on {}):",
                    s.name, played.workflow_id, played.task_list
                );
                for l in &played.diff {
                    println!("  {l}");
                }
            }
            Ok(finished(if played.equal() { ExitCode::SUCCESS } else { ExitCode::FAILURE }))
        }
    }
}

/// The worker's own arguments, as given, without `--exercise N` (a number or a name).
fn exercise_args() -> Vec<String> {
    let all: Vec<String> = std::env::args().collect();
    let after = all.iter().position(|a| a == "worker").map_or(all.len(), |i| i + 1);
    let mut rest = Vec::new();
    let mut it = all[after..].iter();
    while let Some(a) = it.next() {
        if a == "--exercise" {
            it.next();
        } else if !a.starts_with("--exercise=") {
            rest.push(a.clone());
        }
    }
    rest
}

/// The server's words for a domain it does not have ("Domain cadence-workshp does not
/// exist.") say nothing of what to do; every command but `worker` (which says it
/// itself) and `domain register` meets them the same way, most often for a typo in
/// `--domain`.
fn no_such_domain(e: BridgeError, domain: &str) -> BridgeError {
    match e {
        BridgeError::NotFound(raw) if raw.starts_with("Domain") && raw.contains("does not exist") => {
            let check = if domain == postal::DOMAIN {
                String::new()
            } else {
                format!("check --domain (the workshop's is {}, the default), or ", postal::DOMAIN)
            };
            BridgeError::NotFound(format!(
                "{} The server has no domain {domain}: {check}register it with `bridge --domain {domain} domain register`",
                raw.trim()
            ))
        }
        e => e,
    }
}

fn load_scenario(name_or_path: &str) -> Result<Scenario, BridgeError> {
    let s = Scenario::load(name_or_path).map_err(|e| BridgeError::Invalid(e.to_string()))?;
    // As the scenario runner says them: a misspelled signal plays, and is never read.
    for w in s.warnings() {
        eprintln!("bridge: warning: {}: {w}", s.name);
    }
    Ok(s)
}

fn pretty(v: &serde_json::Value) -> String {
    serde_json::to_string_pretty(v).unwrap_or_default()
}

/// Refuses an `--input` that is not JSON before anything is sent, as the `cadence` CLI
/// does: the server would take any bytes, and a malformed order would then fail its
/// workflow on the worker instead of being refused here, with nothing started.
fn check_input(input: Option<&str>) -> Result<(), BridgeError> {
    match input.map(postflow_core::session::cli::check_input) {
        Some(Err(e)) => {
            let shown = postflow_core::wrap::shortened(input.unwrap_or_default(), 200);
            Err(BridgeError::Invalid(format!("--input {shown:?}: {e}")))
        }
        _ => Ok(()),
    }
}

/// Reads an `--input_file` into the command's input, as the `cadence` CLI does.
fn read_input_file(command: &mut WfCommand) -> Result<(), BridgeError> {
    let (WfCommand::Start { input, input_file, .. } | WfCommand::Signal { input, input_file, .. }) = command else {
        return Ok(());
    };
    if let Some(path) = input_file.take() {
        let bytes = std::fs::read(&path).map_err(|e| BridgeError::Invalid(format!("error reading input file {}: {e}", path.display())))?;
        let text = postflow_core::history::json::history_file_text(bytes)
            .map_err(|e| BridgeError::Invalid(format!("input file {}: {e}", path.display())))?;
        *input = Some(text);
    }
    Ok(())
}

fn wf(client: &Client, domain: &str, mut command: WfCommand) -> Result<ExitCode, BridgeError> {
    read_input_file(&mut command)?;
    match &command {
        WfCommand::Start { input, .. } | WfCommand::Signal { input, .. } | WfCommand::Query { input, .. } => check_input(input.as_deref())?,
        _ => {}
    }
    let execution = match &command {
        WfCommand::Signal { execution, .. }
        | WfCommand::Query { execution, .. }
        | WfCommand::Show { execution, .. }
        | WfCommand::Describe { execution }
        | WfCommand::Terminate { execution, .. }
        | WfCommand::Cancel { execution, .. } => Some((execution.workflow_id.clone(), execution.run_id.clone())),
        WfCommand::Start { .. } | WfCommand::List { .. } => None,
    };
    let started = match &command {
        WfCommand::Start { workflow_id, .. } => Some(workflow_id.clone()),
        _ => None,
    };
    let input_size = match &command {
        WfCommand::Start { input, .. } | WfCommand::Signal { input, .. } => input.as_ref().map_or(0, String::len),
        _ => 0,
    };
    // The server names a limit but not how far over it the request was.
    let id_length = match &command {
        WfCommand::Start { workflow_id, .. } => workflow_id.len(),
        WfCommand::Signal { name, .. } => name.len(),
        _ => 0,
    };
    wf_call(client, domain, command).map_err(|e| match (e, execution) {
        (BridgeError::BadRequest(raw), _) if raw.contains(limits::BLOB_SIZE_EXCEEDS_LIMIT) => BridgeError::BadRequest(format!(
            "{} (the input is {} bytes; Cadence takes at most {} bytes, 2 MiB, in one payload: nothing was written)",
            raw.trim(),
            postflow_core::count::grouped(input_size as u64),
            postflow_core::count::grouped(limits::BLOB_SIZE_LIMIT as u64)
        )),
        (BridgeError::BadRequest(raw), _) if raw.contains(limits::WORKFLOW_ID_TOO_LONG) || raw.contains(limits::SIGNAL_NAME_TOO_LONG) => {
            let what = if raw.contains(limits::WORKFLOW_ID_TOO_LONG) { "workflow ID" } else { "signal name" };
            BridgeError::BadRequest(format!(
                "{} (the {what} is {} bytes; Cadence takes at most {}: nothing was written)",
                raw.trim(),
                postflow_core::count::grouped(id_length as u64),
                postflow_core::count::grouped(limits::ID_LENGTH_LIMIT as u64)
            ))
        }
        (BridgeError::AlreadyStarted(raw), _) => BridgeError::AlreadyStarted(id_in_use_advice(&raw, started.as_deref().unwrap_or("ID"))),
        // The server's own words for an ID it does not have are its storage's
        // ("GetCurrentExecution failed. Error: sql: no rows in result set").
        (BridgeError::NotFound(raw), Some((id, run))) if !raw.contains("Domain") => {
            let run = if run.is_empty() { String::new() } else { format!(" (run {run})") };
            BridgeError::NotFound(format!("no workflow {id}{run} in domain {domain} (the server: {})", raw.trim()))
        }
        // The server keeps a run's first cancel request and refuses any other: said with
        // what becomes of the first, and how to end the workflow if that is what is wanted.
        (BridgeError::CancelAlreadyRequested(raw), Some((id, _))) => {
            let domain = if domain == postal::DOMAIN { String::new() } else { format!(" --domain {domain}") };
            BridgeError::CancelAlreadyRequested(format!(
                "{}: workflow {id} keeps the cancel request it has (one per run), and its code decides what to do with it when \
                 a worker runs it; `bridge{domain} wf terminate --workflow_id {id}` ends it now",
                raw.trim().trim_end_matches('.')
            ))
        }
        // A query no worker answered: which task list wants one, so the user starts the
        // right worker (a workflow started on another list than `tasklist` waits for a
        // worker of that list, and `bridge worker` alone serves `tasklist`). Unless it
        // closed before any worker ran its code: then no worker ever can.
        (BridgeError::QueryFailed(m), Some((id, run))) if m.contains("`bridge worker`") => {
            let Ok(d) = client.describe(domain, &id, &run) else { return BridgeError::QueryFailed(m) };
            match (cadence_bridge::watch::close_status(&d), d["executionConfiguration"]["taskList"]["name"].as_str()) {
                (Some(status), _) if m.contains("at least one decision task") => BridgeError::QueryFailed(format!(
                    "workflow {id} closed ({status}) before any worker ran its code: it has no state to ask, and no worker can \
                     give it one (`bridge wf show --workflow_id {id}` shows its history)"
                )),
                (_, Some(t)) => {
                    let domain = if domain == postal::DOMAIN { String::new() } else { format!(" --domain {domain}") };
                    let list = if t == postal::TASK_LIST { String::new() } else { format!(" --tasklist {t}") };
                    BridgeError::QueryFailed(format!("{m} (workflow {id} is on task list {t}: `bridge{domain} worker{list}` serves it)"))
                }
                _ => BridgeError::QueryFailed(m),
            }
        }
        (e, _) => e,
    })
}

/// The workshop's order, as its commands give it.
const ORDER_EXAMPLE: &str = r#"--input '{"id":"Order123","customer":"Cadence","amount":20,"address":"Uber office","sendFrom":"Aarhus"}'"#;

/// Why the workshop's order workflows cannot read `input` (JSON, but not an order: a
/// number in quotes, an array, none at all), read as their code reads it; `None` for
/// an order, and for any other workflow type. The server takes any input: only the
/// worker's first decision task finds out, and fails the workflow.
fn unreadable_order(workflow_type: &str, input: Option<&str>) -> Option<String> {
    if ![ChapterNames::STARTER.workflow, ChapterNames::COMPLETE.workflow].contains(&workflow_type) {
        return None;
    }
    let payload = Payload::from_bytes(input.unwrap_or_default().as_bytes().to_vec());
    payload.decode::<postal::Order>().err().map(|e| e.to_string())
}

/// The server's reason an ID is taken, and what to do about it: a running workflow is
/// ended or left alone, a finished run's ID is reused only under another reuse policy.
fn id_in_use_advice(raw: &str, workflow_id: &str) -> String {
    let raw = raw.trim();
    if raw.contains("already running") {
        format!(
            "{raw} Cadence runs one workflow per ID at a time: start this one under another --workflow_id, or end the running \
             one first (`bridge wf terminate --workflow_id {workflow_id}`)"
        )
    } else {
        format!(
            "{raw} Cadence keeps a closed workflow's ID for its domain's retention: start under another --workflow_id, or allow \
             a new run of this ID with --workflowidreusepolicy AllowDuplicate"
        )
    }
}

fn wf_call(client: &Client, domain: &str, command: WfCommand) -> Result<ExitCode, BridgeError> {
    match command {
        WfCommand::Start { workflow_id, workflow_type, task_list, input, execution_timeout, decision_timeout, id_reuse_policy, .. } => {
            let unreadable = unreadable_order(&workflow_type, input.as_deref());
            let run_id = client.start_workflow(&StartOptions {
                domain: domain.into(),
                workflow_id: workflow_id.clone(),
                workflow_type,
                task_list: task_list.clone(),
                input,
                execution_timeout: Duration::from_secs(execution_timeout),
                task_timeout: Duration::from_secs(decision_timeout),
                id_reuse_policy,
            })?;
            println!("Started Workflow Id: {workflow_id}, run Id: {run_id}");
            if let Some(why) = unreadable {
                eprintln!(
                    "bridge: note: this input is not an order the workflow can read ({why}): the worker fails the workflow at \
                     its first decision task, as the Go worker does (`bridge wf show --workflow_id {workflow_id}` shows \
                     WorkflowExecutionFailed). An order reads: {}",
                    ORDER_EXAMPLE
                );
            }
            // The server takes a start for any task list, and the workflow then waits, with
            // nothing said, until a worker polls that list (a typo, or no worker yet).
            if client.decision_pollers(domain, &task_list).is_ok_and(|p| p.is_empty()) {
                eprintln!(
                    "bridge: note: no worker polls task list {task_list} in domain {domain} now: the workflow waits, its first \
                     decision task scheduled, until one does; start one with `bridge worker` (with --tasklist {task_list} if \
                     that is not a typo)"
                );
            }
        }
        WfCommand::Signal { execution, name, input, .. } => {
            client.signal(domain, &execution.workflow_id, &execution.run_id, &name, input.as_deref())?;
            println!("Signal workflow succeeded.");
            // The server records a signal of any name, as for the cadence CLI; a typo
            // ("scanSignal") then sits in the history unread, with nothing said.
            if ![postal::SCAN_SIGNAL, postal::DELIVERED_SIGNAL].contains(&name.as_str()) {
                eprintln!(
                    "bridge: note: the workshop's workflows read only {} and {}; the server recorded {name:?} in the history, \
                     and the workflow code will not act on it",
                    postal::SCAN_SIGNAL,
                    postal::DELIVERED_SIGNAL
                );
            }
        }
        WfCommand::Query { execution, query_type, input } => {
            let answer = client.query(domain, &execution.workflow_id, &execution.run_id, &query_type, input.as_deref())?;
            // What `cadence wf query` prints: the answer alone, on its line, so a script
            // can read it as JSON.
            println!("{answer}");
        }
        WfCommand::Show { execution, json } => {
            let events = client.history_json(domain, &execution.workflow_id, &execution.run_id)?;
            if json {
                println!("{}", pretty(&serde_json::json!({ "history": { "events": events } })));
            } else {
                // The table needs every event read; the JSON form shows any history.
                let events = cadence_bridge::client::events_from_json(events).map_err(|e| match e {
                    BridgeError::Decode { procedure, reason } => BridgeError::Decode {
                        procedure,
                        reason: format!("{reason}. `bridge wf show --json` prints the history as the server sent it"),
                    },
                    other => other,
                })?;
                print!("{}", postflow_core::history::table::render(&events, None));
            }
        }
        WfCommand::Describe { execution } => {
            println!("{}", pretty(&client.describe(domain, &execution.workflow_id, &execution.run_id)?));
        }
        WfCommand::Terminate { execution, reason } => {
            client.terminate(domain, &execution.workflow_id, &execution.run_id, &reason)?;
            println!("Terminate workflow succeeded.");
        }
        WfCommand::Cancel { execution, reason } => {
            // Sent once, as `cadence wf cancel` sends it; a caller that sends again keeps the ID.
            let request_id = cadence_bridge::client::request_id();
            client.request_cancel(domain, &execution.workflow_id, &execution.run_id, &reason, &request_id)?;
            // What `cadence wf cancel` prints.
            println!("Cancel workflow succeeded.");
        }
        WfCommand::List { page_size } => {
            for w in client.list_open(domain, page_size)? {
                println!("{:40} {:38} {}", w.workflow_id, w.run_id, w.workflow_type);
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wf_command(args: &[&str]) -> Result<WfCommand, clap::Error> {
        let cli = Cli::try_parse_from([&["bridge", "wf"][..], args].concat())?;
        match cli.command {
            Command::Wf { command } => Ok(command),
            _ => unreachable!("not a wf command"),
        }
    }

    #[test]
    fn wf_cancel_takes_the_cadence_clis_flags() {
        let Ok(WfCommand::Cancel { execution, reason }) = wf_command(&["cancel", "--workflow_id", "Order123"]) else {
            panic!("`wf cancel --workflow_id` not read as a cancel")
        };
        assert_eq!((execution.workflow_id.as_str(), execution.run_id.as_str(), reason.as_str()), ("Order123", "", "canceled with bridge"));
        // The cadence CLI's spellings, short forms too.
        let Ok(WfCommand::Cancel { execution, reason }) = wf_command(&["cancel", "--wid", "Order123", "-r", "93fe", "--re", "lost"]) else {
            panic!("the short flags not read")
        };
        assert_eq!((execution.workflow_id.as_str(), execution.run_id.as_str(), reason.as_str()), ("Order123", "93fe", "lost"));
        let Ok(WfCommand::Cancel { reason, .. }) = wf_command(&["cancel", "-w", "Order123", "--reason", "customer asked"]) else {
            panic!("--reason not read")
        };
        assert_eq!(reason, "customer asked");
        // Which workflow is not guessed.
        let e = wf_command(&["cancel"]).err().expect("a cancel without a workflow ID was taken");
        assert_eq!(e.kind(), clap::error::ErrorKind::MissingRequiredArgument);
        assert!(e.to_string().contains("--workflow_id"), "{e}");
        // Terminate takes the CLI's short spelling of the reason too.
        let Ok(WfCommand::Terminate { reason, .. }) = wf_command(&["terminate", "-w", "Order123", "--re", "lost"]) else {
            panic!("terminate's --re not read")
        };
        assert_eq!(reason, "lost");
    }
}
