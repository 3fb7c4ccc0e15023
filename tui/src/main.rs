//! `tui`: the terminal app. Parses the command line, then either runs the interactive
//! loop on the real terminal (restored on quit, error and panic) or, with `--print`,
//! prints one rendered screen as text for scripts and dumb terminals. `--bridge URL`
//! drives a real Cadence server instead of the simulator.

use std::io::IsTerminal;
use std::process::ExitCode;
use std::time::Duration;

use postflow_core::session::SessionConfig;
use postflow_tui::bridge::Bridge;
use postflow_tui::run::{interactive, print, print_size};
use postflow_tui::{App, source};

const USAGE: &str = "\
usage: tui [--scenario NAME|PATH | --import PATH | --exercise N | --fleet N
            | --bridge URL [--workflow-id ID] [--timer-unit D]]
           [--print [--size WxH]]
       tui --list

  (no arguments)       the simulator with the workshop order in the start form
  --scenario NAME|PATH play a built-in scenario (happy-path, ...) or a scenario
                       file, then step through it from its start (→ forward,
                       ← back)
  --import PATH        step through a Cadence history JSON file (exported
                       here, or fetched from a real server)
  --bridge URL         drive a real Cadence server (its HTTP API, e.g.
                       http://127.0.0.1:8800): the same screens, real time.
                       The workflow runs in a worker you start yourself:
                       cargo run -p cadence-bridge --bin bridge -- worker
  --workflow-id ID     with --bridge: open this workflow (started elsewhere)
  --timer-unit D       with --bridge: the worker's --timer-unit (default 60s),
                       so the history replays against the same workflow code
  --exercise N         the simulator running your workflow of the workshop's
                       chapter N (exercises/, built on its own:
                       `cargo run --bin workshop` checks it)
  --print              print the final screen as text instead of running
                       interactively; exits 1 if a scenario expectation failed,
                       or if the bridge's server or workflow is not there
  --size WxH           the size of the printed screen (default 160x50)
  --fleet N            run a fleet of N packages (docs/scale.md) and show its
                       charts; Enter opens a package in the single-workflow
                       screens
  --list               list the built-in scenarios";

struct Args {
    scenario: Option<String>,
    import: Option<String>,
    bridge: Option<String>,
    workflow_id: Option<String>,
    timer_unit: Option<Duration>,
    print: bool,
    size: (u16, u16),
    fleet: Option<u64>,
}

/// `--exercise`'s chapter: a number or a name, read as `workshop` reads a chapter
/// (core's one parser), so that `tui --exercise loop` is chapter 4 there too.
fn exercise_chapter(arg: Option<&str>) -> Result<u32, String> {
    let arg = arg.ok_or("--exercise needs a chapter: 1 to 7, or its name")?;
    let g = postflow_core::workshop::ChapterGuide::parse(arg).map_err(|e| format!("--exercise {arg}: {e}"))?;
    Ok(u32::from(g.number))
}

fn parse_args() -> Result<Option<Args>, String> {
    let mut args = Args {
        scenario: None,
        import: None,
        bridge: None,
        workflow_id: None,
        timer_unit: None,
        print: false,
        size: (160, 50),
        fleet: None,
    };
    let all: Vec<String> = std::env::args().skip(1).collect();
    // Your workflow runs in its own binary (this one never links it): hand over to it.
    if let Some(i) = all.iter().position(|a| a == "--exercise") {
        let n = exercise_chapter(all.get(i + 1).map(String::as_str))?;
        let rest: Vec<String> = all.iter().enumerate().filter(|(k, _)| *k != i && *k != i + 1).map(|(_, a)| a.clone()).collect();
        if let Some(other) = rest.iter().find(|a| ["--scenario", "--import", "--bridge"].contains(&a.as_str())) {
            return Err(format!("--exercise goes with --print and --size, not with {other}"));
        }
        // Checked here too (the exercise's binary checks it the same way), so that a bad
        // size is not refused only after your exercise has been built.
        if let Some(k) = rest.iter().position(|a| a == "--size") {
            print_size(rest.get(k + 1).ok_or("--size needs a value")?)?;
        }
        let args: Vec<String> = std::iter::once("tui".to_owned()).chain(rest).collect();
        return Err(postflow_exercise_launch::hand_over(n, &args));
    }
    let mut it = all.into_iter();
    while let Some(a) = it.next() {
        let mut value = |name: &str| it.next().ok_or(format!("{name} needs a value"));
        match a.as_str() {
            "--scenario" => args.scenario = Some(value("--scenario")?),
            "--import" => args.import = Some(value("--import")?),
            "--bridge" => args.bridge = Some(value("--bridge")?),
            "--workflow-id" => args.workflow_id = Some(value("--workflow-id")?),
            "--timer-unit" => {
                let v = value("--timer-unit")?;
                args.timer_unit = Some(postflow_core::time::parse_duration(&v).map_err(|e| format!("--timer-unit: {e}"))?);
            }
            "--print" => args.print = true,
            "--fleet" => {
                let v = value("--fleet")?;
                args.fleet = Some(postflow_core::count::at_least_one(&v).map_err(|e| format!("--fleet: {e}"))?);
            }
            "--size" => args.size = print_size(&value("--size")?)?,
            "--list" => {
                for (i, b) in postflow_core::scenario::BUILTIN.iter().enumerate() {
                    println!("{:<30} {}", b.name, App::scenario_description(i));
                }
                return Ok(None);
            }
            "-h" | "--help" => {
                println!("{USAGE}");
                return Ok(None);
            }
            other => return Err(format!("unknown argument {other:?}\n\n{USAGE}")),
        }
    }
    if [args.scenario.is_some(), args.import.is_some(), args.bridge.is_some()].iter().filter(|&&x| x).count() > 1 {
        return Err("give one of --scenario, --import and --bridge".into());
    }
    if args.bridge.is_none() && (args.workflow_id.is_some() || args.timer_unit.is_some()) {
        return Err("--workflow-id and --timer-unit go with --bridge".into());
    }
    Ok(Some(args))
}

fn main() -> ExitCode {
    postflow_core::cli::end_quietly_on_a_closed_pipe();
    let args = match parse_args() {
        Ok(Some(a)) => a,
        Ok(None) => return ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("tui: {e}");
            return ExitCode::from(2);
        }
    };
    if let Some(packages) = args.fleet {
        return postflow_tui::run::fleet(packages, args.print, args.size);
    }
    let loaded = match (&args.scenario, &args.import) {
        (Some(s), _) => Some(source::scenario(s)),
        (_, Some(p)) => Some(source::import(p)),
        _ => None,
    };
    let mut app = match (loaded, &args.bridge) {
        (_, Some(url)) => {
            let mut config = SessionConfig::default();
            if let Some(unit) = args.timer_unit {
                config.postal.timer_unit = unit;
            }
            match Bridge::new(url, config, args.workflow_id.clone()) {
                Ok(b) => App::bridged(b),
                Err(e) => {
                    eprintln!("tui: --bridge {url}: {e}");
                    return ExitCode::from(2);
                }
            }
        }
        (Some(Ok(l)), _) => App::from_loaded(l),
        (Some(Err(e)), _) => {
            eprintln!("tui: {e}");
            return ExitCode::from(2);
        }
        (None, _) => App::new(),
    };
    if args.print {
        return print(app, args.size);
    }
    // The tour's progress is kept between runs (not for --print: a script's screen
    // should not depend on what a person did before).
    if let Some(file) = postflow_tui::teach::default_state_file() {
        let (teach, problem) = postflow_tui::teach::Teach::load(file);
        app.teach = teach;
        app.teach.tour.rebase(&app.session);
        if let Some(p) = problem {
            app.message = Some(postflow_tui::app::Message { text: p, error: true });
        }
    }
    if !std::io::stdout().is_terminal() {
        eprintln!("tui: standard output is not a terminal; use --print for a text screen");
        return ExitCode::from(2);
    }
    match interactive(&mut app) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("tui: {e}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::exercise_chapter;

    #[test]
    fn an_exercise_is_a_chapter_number_or_name_as_the_workshop_reads_it() {
        assert_eq!(exercise_chapter(Some("4")), Ok(4));
        assert_eq!(exercise_chapter(Some("loop")), Ok(4));
        assert_eq!(exercise_chapter(Some("scan-once")), Ok(3));
        assert_eq!(exercise_chapter(Some("8")).unwrap_err(), "--exercise 8: there is no chapter 8: the workshop has chapters 1 to 7");
        assert!(exercise_chapter(Some("loops")).unwrap_err().contains("unknown chapter \"loops\""));
        assert!(exercise_chapter(None).unwrap_err().contains("1 to 7, or its name"));
        // The workshop's own parser, the one both binaries read a chapter with.
        assert_eq!(
            exercise_chapter(Some("notification")).unwrap(),
            u32::from(postflow_core::workshop::ChapterGuide::parse("notification").unwrap().number)
        );
    }
}
