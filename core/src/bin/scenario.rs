//! Runs a scenario on the simulator and prints the history it wrote.
//!
//!     cargo run -p postflow-core --bin scenario -- happy-path
//!     cargo run -p postflow-core --bin scenario -- path/to/file.toml --format json
//!     cargo run -p postflow-core --bin scenario -- happy-path --format cli-json > happy-path.json
//!     cargo run -p postflow-core --bin scenario -- --history exported.json [--format table|json|cli-json]
//!     cargo run -p postflow-core --bin scenario -- --list
//!
//! Exit status: 0 when every expectation held, 1 when one failed, 2 on bad usage or
//! an unreadable scenario.

use std::process::ExitCode;

use postflow_core::scenario::{self, BUILTIN, Scenario};

const USAGE: &str = "usage: scenario NAME|PATH [--format table|json|cli-json|script|golden]
                         [--transcript]   (the steps; on stderr beside
                                           json, cli-json and script)
       scenario --history FILE [--format table|json|cli-json]
                         (a history in either JSON form, converted)
       scenario --list";

fn main() -> ExitCode {
    postflow_core::cli::end_quietly_on_a_closed_pipe();
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(code) => code,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
    }
}

fn run(args: &[String]) -> Result<ExitCode, String> {
    let mut target = None;
    let mut format = "table".to_owned();
    let mut transcript = false;
    let mut history = None;
    let mut list = false;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--list" => list = true,
            "--format" => format = it.next().ok_or(USAGE)?.clone(),
            "--transcript" => transcript = true,
            "--history" => history = Some(it.next().ok_or(USAGE)?.clone()),
            "-h" | "--help" => {
                println!("{USAGE}");
                return Ok(ExitCode::SUCCESS);
            }
            other if other.starts_with('-') => return Err(format!("unknown option {other}\n{USAGE}")),
            // One scenario a run: a second name replaced the first without a word.
            other if target.is_some() => {
                return Err(format!("one scenario at a time: {other} given after {}\n{USAGE}", target.unwrap_or_default()));
            }
            other => target = Some(other.to_owned()),
        }
    }
    if list {
        // --list --format json printed the table anyway, without a word.
        if args.len() > 1 {
            return Err(format!("--list prints the built-in scenarios' names and takes no other argument\n{USAGE}"));
        }
        for b in BUILTIN {
            let s = Scenario::parse(b.name, b.toml).map_err(|e| e.to_string())?;
            println!("{:<32} {}", b.name, s.description);
        }
        return Ok(ExitCode::SUCCESS);
    }
    if let Some(path) = history {
        // One run does one thing: a scenario named beside --history was ignored without
        // a word, and its author wondered why it never ran.
        if let Some(target) = target {
            return Err(format!("--history converts a history and runs no scenario: give either {target} or --history {path}\n{USAGE}"));
        }
        return convert_history(&path, &format);
    }
    // Checked before the scenario runs, so a typo costs nothing.
    let machine_readable = match format.as_str() {
        "json" | "cli-json" | "script" => true,
        "table" | "golden" => false,
        other => return Err(format!("unknown format {other}: table, json, cli-json, script or golden")),
    };
    let target = target.ok_or(USAGE)?;
    let scenario = Scenario::load(&target).map_err(|e| e.to_string())?;
    for warning in scenario.warnings() {
        eprintln!("warning: {target}: {warning}");
    }
    let outcome = scenario::run(&scenario);
    let session = &outcome.session;
    if transcript {
        // Beside JSON or a script the transcript goes to stderr: stdout stays one
        // document that `jq` or `sh` can take.
        let text = transcript_of(&scenario, &outcome);
        if machine_readable { eprintln!("{text}") } else { println!("{text}") }
    }
    match format.as_str() {
        "json" => println!("{}", session.history_json()),
        "cli-json" => println!("{}", session.history_cli_json()),
        "script" => print!("{}", session.replay_script()),
        _ => print!("{}", session.history_table()),
    }
    if outcome.passed() {
        eprintln!("{}: all expectations held ({} events)", scenario.name, session.history().len());
        Ok(ExitCode::SUCCESS)
    } else {
        for f in &outcome.failures {
            eprintln!("FAILED {}: {f}", scenario.name);
        }
        Ok(ExitCode::from(1))
    }
}

/// What each step of the file did: a line naming the step as the file numbers it, then
/// the session's entries it added, numbered as the terminal app numbers them, with the
/// `cadence` command of each. A step that added none (an `expect`, a refused signal)
/// still has its line, and a step that failed says why beneath it, so the failures
/// printed at the end can be found in the transcript.
fn transcript_of(scenario: &Scenario, outcome: &scenario::Outcome) -> String {
    let timeline = outcome.session.timeline();
    let mut text = String::new();
    let mut from = 0;
    for (i, (step, &end)) in scenario.steps.iter().zip(&outcome.ends).enumerate() {
        text += &format!("{}: {}\n", scenario::here(i, step), step.summary());
        for (k, e) in timeline.iter().enumerate().take(end).skip(from) {
            text += &format!("{:>4}  {:<24} {}\n", k + 1, e.action.label(), e.outcome);
            if let Some(cli) = &e.cli {
                text += &format!("      $ {cli}\n");
            }
        }
        // A refused action adds no entry to the timeline: said here, or the step looks as
        // if nothing had been tried.
        if let Some((_, refused)) = outcome.refusals.iter().find(|(at, _)| *at == i) {
            text += &format!("      refused, as the scenario expects: {refused}\n");
        }
        if let Some(why) = outcome.failure_of(i, step) {
            text += &format!("      FAILED: {why}\n");
        }
        from = end;
    }
    text
}

/// Reads a history file in either JSON form (the HTTP API's, or what `cadence wf show
/// --output_filename` writes) and prints it in the form asked for.
fn convert_history(path: &str, format: &str) -> Result<ExitCode, String> {
    use postflow_core::history::{cli_json, json, table};
    // Checked before the file is read, so a typo is named first.
    if !matches!(format, "json" | "cli-json" | "table" | "golden") {
        return Err(format!("unknown format {format}: table, json or cli-json (--history converts a history)"));
    }
    let bytes = std::fs::read(path).map_err(|e| format!("{path}: cannot be read as a history file: {e}"))?;
    let text = json::history_file_text(bytes).map_err(|why| format!("{path}: {why}"))?;
    let events = json::history_from_json(&text).map_err(|e| match e {
        // A scenario handed to --history: say how to run it.
        json::HistoryJsonError::Scenario | json::HistoryJsonError::Syntax(_) | json::HistoryJsonError::ForReading
            if Scenario::parse(path, &text).is_ok() =>
        {
            format!("{path}: this is a scenario file, not a history: run it with `scenario {path}`")
        }
        e => format!("{path}: {e}"),
    })?;
    match format {
        "json" => println!("{}", json::history_to_json(&events)),
        "cli-json" => println!("{}", cli_json::history_to_cli_json(&events)),
        _ => print!("{}", table::render(&events, None)),
    }
    Ok(ExitCode::SUCCESS)
}
