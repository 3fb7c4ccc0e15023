//! `workshop`: do the Cadence workshop chapter by chapter, checked.
//!
//! Without a command it watches the current chapter's file, rebuilds it on every
//! save and runs the chapter's checks on the simulator (the Rust track). The commands
//! are for scripts and for the Go track: `hint`, `list`, `check [N|--all]`, `reset N`,
//! `solution N`, `check --go N` (a Go worker on a real Cadence server).

mod exercise;
mod go;
mod layout;
mod render;
mod state;
mod watch;

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Parser, Subcommand};
use postflow_core::workshop::ChapterGuide;

use exercise::{Code, Outcome};
use layout::{Layout, chapters};
use state::State;

#[derive(Parser)]
#[command(
    name = "workshop",
    version,
    about = "The Cadence workshop, chapter by chapter: your workflow checked on the simulator (Rust) or your Go worker on a real server (Go)"
)]
struct Cli {
    /// The postflow checkout whose exercises/ to use (default: the one this was built from).
    #[arg(long, global = true)]
    root: Option<PathBuf>,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Show the next hint of the current chapter (or of chapter N).
    // A chapter like `-1` is read as one (and refused as no chapter), not as a flag.
    Hint {
        /// The chapter: 1 to 7, or its name (default: the current one).
        #[arg(allow_negative_numbers = true)]
        chapter: Option<String>,
        /// The Go track's code in the hints that show code (the Rust track's otherwise).
        #[arg(long)]
        go: bool,
    },
    /// The chapters and your progress.
    List,
    /// Check a chapter (default: the current one) or all; exit status 0 when every check passes.
    Check {
        /// The chapter: 1 to 7, or its name.
        #[arg(allow_negative_numbers = true)]
        chapter: Option<String>,
        /// Every chapter, in order.
        #[arg(long, conflicts_with = "chapter")]
        all: bool,
        /// Check the reference solutions instead of your files (progress is not touched).
        #[arg(long)]
        solutions: bool,
        /// The Go track: check your Go worker, running on a real Cadence server.
        #[arg(long)]
        go: bool,
        /// With --go: the server's HTTP API.
        #[arg(long, env = "POSTFLOW_CADENCE_HTTP", default_value = "http://127.0.0.1:8800")]
        address: String,
        /// With --go: reach the server through your own `cadence` command instead of the
        /// HTTP API (e.g. './cadence', or 'cadence --address 127.0.0.1:7833 --transport grpc').
        #[arg(long)]
        cli: Option<String>,
        /// With --go: how long a "day" of delivery estimate lasts in your worker (the workshop's: 60s).
        #[arg(long, default_value = "60s", value_parser = postflow_core::time::parse_duration, allow_hyphen_values = true)]
        timer_unit: Duration,
        /// With --go: the domain your worker serves.
        #[arg(long, default_value = postflow_core::postal::DOMAIN)]
        domain: String,
    },
    /// Put a chapter's starting file back as it was handed out (yours is kept in exercises/.backup/).
    Reset {
        #[arg(allow_negative_numbers = true)]
        chapter: String,
    },
    /// Show the reference solution of a chapter you have passed.
    Solution {
        #[arg(allow_negative_numbers = true)]
        chapter: String,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let layout = match Layout::find(cli.root) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("workshop: {e}");
            return ExitCode::from(2);
        }
    };
    match run(&layout, cli.command) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("workshop: {e}");
            ExitCode::from(2)
        }
    }
}

fn run(layout: &Layout, command: Option<Command>) -> Result<ExitCode, String> {
    let mut state = State::load(&layout.state_file());
    if let Some(n) = state.notice.take() {
        eprintln!("workshop: {n}");
    }
    let color = std::io::stdout().is_terminal();
    match command {
        None => watch::run(layout, &mut state),
        Some(Command::List) => {
            print!("{}", render::list(layout, &state.progress));
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Hint { chapter: c, go }) => {
            let g = match c {
                Some(c) => ChapterGuide::parse(&c)?,
                None => ChapterGuide::number(state.progress.current)?,
            };
            let shown = state.progress.chapter(g.number).hints as usize;
            let level = shown.min(g.hints.len() - 1);
            for l in 0..level {
                print!("{}", render::hint(g, l, go, render::width()));
            }
            print!("{}", render::hint(g, level, go, render::width()));
            if level + 1 == g.hints.len() {
                println!("\nThat was the last hint of chapter {}.", g.number);
            }
            state.progress.chapter_mut(g.number).hints = (level + 1) as u8;
            save(&state);
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Check { chapter: c, all, solutions, go, address, cli, timer_unit, domain }) => {
            let list: Vec<&'static ChapterGuide> = match (&c, all) {
                (_, true) => chapters().collect(),
                (Some(c), false) => vec![ChapterGuide::parse(c)?],
                (None, false) => vec![ChapterGuide::number(state.progress.current)?],
            };
            if go {
                let target = match cli {
                    Some(command) => go::Target::Cli(command),
                    None => go::Target::Http(address),
                };
                return go::check(&list, &go::Options { target, domain, timer_unit }, &state);
            }
            let mut all_passed = true;
            for g in list {
                let code = if solutions { Code::Solution } else { Code::Exercise };
                let o = exercise::check(layout, g, code, color);
                let level = state.progress.chapter(g.number).hints as usize;
                print!("{}", render::outcome(layout, g, &o, level.saturating_sub(1), false, render::width()));
                if !solutions && o.passed() {
                    state.progress.chapter_mut(g.number).passed = true;
                }
                all_passed &= o.passed();
                if matches!(o, Outcome::Failed(_)) {
                    save(&state);
                    return Ok(ExitCode::from(2));
                }
                println!();
            }
            save(&state);
            Ok(if all_passed { ExitCode::SUCCESS } else { ExitCode::FAILURE })
        }
        Some(Command::Reset { chapter: c }) => {
            let g = ChapterGuide::parse(&c)?;
            let kept = reset(layout, g)?;
            state.progress.chapter_mut(g.number).passed = false;
            save(&state);
            println!("{} is back as it was handed out.", layout.show(&layout.exercise(g)));
            if let Some(k) = kept {
                println!("Your version is kept as {}.", layout.show(&k));
            }
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Solution { chapter: c }) => {
            let g = ChapterGuide::parse(&c)?;
            if !state.progress.chapter(g.number).passed {
                eprintln!(
                    "workshop: the solution of chapter {} opens once your checks pass (`workshop check {}`); until then, \
                     `workshop hint {}` helps",
                    g.heading(),
                    g.number,
                    g.number
                );
                return Ok(ExitCode::FAILURE);
            }
            let path = layout.solution(g.number);
            let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", layout.show(&path)))?;
            println!("// {}\n{text}", layout.show(&path));
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn save(state: &State) {
    if let Err(e) = state.save() {
        eprintln!("workshop: {e}");
    }
}

/// Puts the starting file back; the file it replaces is kept, if there was one.
pub fn reset(layout: &Layout, g: &ChapterGuide) -> Result<Option<PathBuf>, String> {
    let target = layout.exercise(g);
    let pristine = std::fs::read(layout.pristine(g)).map_err(|e| format!("{}: {e}", layout.show(&layout.pristine(g))))?;
    let mut kept = None;
    if let Ok(mine) = std::fs::read(&target) {
        if mine == pristine {
            return Ok(None);
        }
        let stamp = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
        let dir = layout.backups();
        std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        let name = target.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let backup = dir.join(format!("{name}.{stamp}"));
        std::fs::write(&backup, mine).map_err(|e| format!("{}: {e}", backup.display()))?;
        kept = Some(backup);
    }
    std::fs::write(&target, pristine).map_err(|e| format!("{}: {e}", target.display()))?;
    Ok(kept)
}
