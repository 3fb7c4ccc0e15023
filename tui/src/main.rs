//! `tui`: the terminal app. Parses the command line, then either runs the interactive
//! loop on the real terminal (restored on quit, error and panic) or, with `--print`,
//! prints one rendered screen as text for scripts and dumb terminals.

use std::io::IsTerminal;
use std::process::ExitCode;

use crossterm::event::{self, Event, KeyEventKind};
use postflow_tui::{App, source, ui};

const USAGE: &str = "\
usage: tui [--scenario NAME|PATH | --import PATH] [--print [--size WxH]]

  (no arguments)       the simulator with the workshop order in the start form
  --scenario NAME|PATH play a built-in scenario (happy-path, ...) or a scenario file,
                       then step through it from its start (→ forward, ← back)
  --import PATH        step through a Cadence history JSON file (exported here, or
                       fetched from a real server)
  --print              print the final screen as text instead of running interactively;
                       exits 1 if a scenario expectation failed
  --size WxH           the size of the printed screen (default 160x50)
  --list               list the built-in scenarios";

struct Args {
    scenario: Option<String>,
    import: Option<String>,
    print: bool,
    size: (u16, u16),
}

fn parse_args() -> Result<Option<Args>, String> {
    let mut args = Args { scenario: None, import: None, print: false, size: (160, 50) };
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        let mut value = |name: &str| it.next().ok_or(format!("{name} needs a value"));
        match a.as_str() {
            "--scenario" => args.scenario = Some(value("--scenario")?),
            "--import" => args.import = Some(value("--import")?),
            "--print" => args.print = true,
            "--size" => {
                let v = value("--size")?;
                let (w, h) = v.split_once('x').ok_or(format!("--size {v}: expected WxH, e.g. 160x50"))?;
                args.size =
                    (w.parse().map_err(|_| format!("--size {v}: bad width"))?, h.parse().map_err(|_| format!("--size {v}: bad height"))?);
            }
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
    if args.scenario.is_some() && args.import.is_some() {
        return Err("give --scenario or --import, not both".into());
    }
    Ok(Some(args))
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(Some(a)) => a,
        Ok(None) => return ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("tui: {e}");
            return ExitCode::from(2);
        }
    };
    let loaded = match (&args.scenario, &args.import) {
        (Some(s), _) => Some(source::scenario(s)),
        (_, Some(p)) => Some(source::import(p)),
        _ => None,
    };
    let mut app = match loaded {
        Some(Ok(l)) => App::from_loaded(l),
        Some(Err(e)) => {
            eprintln!("tui: {e}");
            return ExitCode::from(2);
        }
        None => App::new(),
    };
    if args.print {
        return print(app, args.size);
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

/// `--print`: the final state (a scenario played to its end), rendered once.
fn print(mut app: App, (w, h): (u16, u16)) -> ExitCode {
    // A scenario is loaded at its first step for stepping; print shows where it ends.
    // Without one, the screen is the start form, as a user first sees it.
    if app.mode == postflow_tui::app::Mode::Main {
        app.dispatch(postflow_tui::action::UiAction::Last);
    }
    print!("{}", ui::render_text(&app, w, h));
    for f in &app.failures {
        eprintln!("tui: expectation failed: {f}");
    }
    if app.failures.is_empty() { ExitCode::SUCCESS } else { ExitCode::FAILURE }
}

/// Runs until quit. `ratatui::try_init` installs a panic hook that restores the
/// terminal before the panic message is printed; the guard restores it on every
/// other way out, errors included.
fn interactive(app: &mut App) -> std::io::Result<()> {
    struct Restore;
    impl Drop for Restore {
        fn drop(&mut self) {
            ratatui::restore();
        }
    }
    // The guard comes first: if raw mode is on but the alternate screen fails, the
    // early return still restores.
    let _restore = Restore;
    let mut terminal = ratatui::try_init()?;
    loop {
        terminal.draw(|f| ui::draw(f, app))?;
        match event::read()? {
            // Key releases (on terminals that report them) must not act twice.
            Event::Key(k) if k.kind != KeyEventKind::Release => app.handle_key(k),
            // The next draw fits the new size; nothing else to do.
            Event::Resize(..) => {}
            _ => continue,
        }
        if app.should_quit {
            return Ok(());
        }
    }
}
