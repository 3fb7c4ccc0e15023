//! `workshop`: do the Cadence workshop chapter by chapter, checked.
//!
//! Without a command it watches the current chapter's file, rebuilds it on every
//! save and runs the chapter's checks on the simulator (the Rust track). The commands
//! are for scripts and for the Go track: `chapter`, `hint`, `list`, `check [N|--all]`, `reset N`,
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
use postflow_core::wrap::wrap;

use exercise::{Code, Outcome};
use layout::{Layout, chapters};
use state::{State, Track};

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

/// Which track a command is about. Named once, it is remembered (in the progress
/// file): later commands without `--go` or `--rust` follow it.
#[derive(clap::Args)]
struct TrackArgs {
    /// The Go track: your own Go worker on a real Cadence server (remembered).
    #[arg(long, conflicts_with = "rust")]
    go: bool,
    /// The Rust track: your files in exercises/ on the simulator (remembered).
    #[arg(long)]
    rust: bool,
}

impl TrackArgs {
    fn named(&self) -> Option<Track> {
        match (self.go, self.rust) {
            (true, _) => Some(Track::Go),
            (_, true) => Some(Track::Rust),
            _ => None,
        }
    }
}

#[derive(Subcommand)]
enum Command {
    /// Show the next hint of the current chapter (or of chapter N), with the code of
    /// your track (--go: Go; default: the track you last named).
    // A chapter like `-1` is read as one (and refused as no chapter), not as a flag.
    Hint {
        /// The chapter: 1 to 7, or its name (default: the current one).
        #[arg(allow_negative_numbers = true)]
        chapter: Option<String>,
        #[command(flatten)]
        track: TrackArgs,
    },
    /// A chapter's texts: its goal, the Cadence idea, why it matters, what to look for
    /// in the history, and where your code is on your track (default: the current one).
    Chapter {
        /// The chapter: 1 to 7, or its name (default: the current one).
        #[arg(allow_negative_numbers = true)]
        chapter: Option<String>,
        #[command(flatten)]
        track: TrackArgs,
    },
    /// The chapters and your progress (on the Rust track, your files).
    List {
        #[command(flatten)]
        track: TrackArgs,
    },
    /// Check a chapter (default: the current one) or all; exit status 0 when every check passes.
    Check {
        /// The chapter: 1 to 7, or its name.
        #[arg(allow_negative_numbers = true)]
        chapter: Option<String>,
        /// Every chapter, in order.
        #[arg(long, conflicts_with = "chapter")]
        all: bool,
        /// Check the reference solutions instead of your files (progress is not touched).
        #[arg(long, conflicts_with = "go")]
        solutions: bool,
        /// The Go track: check your Go worker, running on a real Cadence server.
        #[arg(long)]
        go: bool,
        /// The Rust track (what `check` does without --go): your file on the simulator.
        #[arg(long, conflicts_with = "go")]
        rust: bool,
        /// With --go: the server's HTTP API (default: $POSTFLOW_CADENCE_HTTP, else
        /// http://127.0.0.1:8800). Read in code, not by clap's `env`, so that a variable
        /// set for bridge mode does not conflict with --cli.
        #[arg(long)]
        address: Option<String>,
        /// With --go: reach the server through your own `cadence` command instead of the
        /// HTTP API (e.g. './cadence', or 'cadence --address 127.0.0.1:7833 --transport grpc').
        #[arg(long, conflicts_with = "address")]
        cli: Option<String>,
        /// With --go: how long a "day" of delivery estimate lasts in your worker (the workshop's: 60s).
        #[arg(long, default_value = "60s", value_parser = postflow_core::time::parse_duration, allow_hyphen_values = true)]
        timer_unit: Duration,
        /// With --go: the domain your worker serves.
        #[arg(long, default_value = postflow_core::postal::DOMAIN)]
        domain: String,
    },
    /// Put a chapter's starting file back as it was handed out (yours is kept in
    /// exercises/.backup/); the Rust track's.
    Reset {
        #[arg(allow_negative_numbers = true)]
        chapter: String,
        #[command(flatten)]
        track: TrackArgs,
    },
    /// Show the reference solution of a chapter you have passed (on the Go track, the
    /// workshop's Go code for it).
    Solution {
        #[arg(allow_negative_numbers = true)]
        chapter: String,
        #[command(flatten)]
        track: TrackArgs,
    },
}

fn main() -> ExitCode {
    postflow_core::cli::end_quietly_on_a_closed_pipe();
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
        None => {
            // Watch mode is the Rust track: it watches your file in exercises/.
            let switched = track(&mut state, Some(Track::Rust)).1;
            watch::run(layout, &mut state, switched)
        }
        Some(Command::Chapter { chapter: c, track: t }) => {
            let (g, t) = chapter_on_track(&mut state, c.as_deref(), t.named())?;
            print!("{}", render::intro(layout, g, t, render::width()));
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::List { track: t }) => {
            let t = say_track(&mut state, t.named());
            print!("{}", render::list(layout, &state.progress, t));
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Hint { chapter: c, track: t }) => {
            let (g, t) = chapter_on_track(&mut state, c.as_deref(), t.named())?;
            let go = t == Track::Go;
            let level = state.progress.next_hint(g);
            for l in 0..level {
                print!("{}", render::hint(g, l, go, render::width()));
            }
            print!("{}", render::hint(g, level, go, render::width()));
            if level + 1 == g.hints.len() {
                println!("\nThat was the last hint of chapter {}.", g.number);
            }
            hint_shown(&mut state, g, level);
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Check { chapter: c, all, solutions, go, rust: _, address, cli, timer_unit, domain }) => {
            if go && all {
                return Err("on the Go track your worker runs one chapter's code at a time, so the other chapters' checks \
                            would fail: check the chapter it is at (`workshop check --go N`)"
                    .into());
            }
            let chosen = c.as_deref().map(ChapterGuide::parse).transpose()?;
            // A check of your code is on a track, and names it; the reference solutions are nobody's.
            if !solutions {
                say_track(&mut state, Some(if go { Track::Go } else { Track::Rust }));
            }
            let list: Vec<&'static ChapterGuide> = match (chosen, all) {
                (_, true) => chapters().collect(),
                (Some(g), false) => vec![g],
                (None, false) => vec![ChapterGuide::number(state.progress.current)?],
            };
            if go {
                let target = match cli {
                    Some(command) => go::Target::Cli(command),
                    None => go::Target::Http(
                        address.or_else(|| std::env::var("POSTFLOW_CADENCE_HTTP").ok()).unwrap_or_else(|| "http://127.0.0.1:8800".into()),
                    ),
                };
                let stop = cadence_bridge::shutdown::install();
                return go::check(&list, &go::Options { target, domain, timer_unit, stop }, &mut state);
            }
            let mut all_passed = true;
            // Chapters `--all` found failing but gave no hint: they are not the one worked on.
            let mut without_hint = Vec::new();
            for g in list {
                let code = if solutions { Code::Solution } else { Code::Exercise };
                let o = exercise::check(layout, g, code, color);
                state.refresh();
                // A hint shown is a hint used: `--all` shows one for the chapter the
                // participant is at, not one for every chapter ahead that fails.
                let hint = (!solutions && o.checks_failed() && (!all || g.number == state.progress.current))
                    .then(|| state.progress.hint_with_checks(g));
                if all && !solutions && o.checks_failed() && hint.is_none() {
                    without_hint.push(g.number);
                }
                print!("{}", render::outcome(layout, g, &o, hint, render::width()));
                // At once: a check of every chapter takes minutes, and watch mode may record meanwhile.
                if let Some(level) = hint {
                    hint_shown(&mut state, g, level);
                }
                if !solutions
                    && o.passed()
                    && let Some(next) = passed(&mut state, g)
                {
                    print!("{}", render::moved_on(g, next, false, render::width()));
                }
                all_passed &= o.passed();
                if matches!(o, Outcome::Failed(_)) {
                    return Ok(ExitCode::from(2));
                }
                println!();
            }
            if !without_hint.is_empty() {
                print!("{}", render::no_hints_ahead(&without_hint, state.progress.current, render::width()));
            }
            Ok(if all_passed { ExitCode::SUCCESS } else { ExitCode::FAILURE })
        }
        Some(Command::Reset { chapter: c, track: t }) => {
            let g = ChapterGuide::parse(&c)?;
            let t = say_track(&mut state, t.named());
            if t == Track::Go {
                // It would undo the chapter a Go worker passed, for a file it never reads.
                eprintln!(
                    "workshop: {}",
                    render::no_reset_on_go(layout, g, state.progress.chapter(g.number).passed, render::width()).trim_end()
                );
                return Ok(ExitCode::FAILURE);
            }
            let kept = reset(layout, g)?;
            let was_passed = state.progress.chapter(g.number).passed;
            record(&mut state, |p| p.chapter_mut(g.number).passed = false);
            println!("{} is back as it was handed out.", layout.show(&layout.exercise(g)));
            if was_passed {
                println!(
                    "Chapter {} counts as not passed again, until its checks pass on the file you write now \
                     (its solution opens again then).",
                    g.number
                );
            }
            if let Some(k) = kept {
                println!("Your version is kept as {}.", layout.show(&k));
            }
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Solution { chapter: c, track: t }) => {
            let g = ChapterGuide::parse(&c)?;
            let t = say_track(&mut state, t.named());
            if !state.progress.chapter(g.number).passed {
                let how = match t {
                    Track::Rust => format!("`workshop check {n}`, or `workshop check --go {n}` on the Go track", n = g.number),
                    Track::Go => format!("`workshop check --go {}`, with your worker running its code", g.number),
                };
                eprintln!(
                    "workshop: the solution of chapter {} opens once your checks pass ({how}); until then, `workshop hint {}` helps",
                    g.heading(),
                    g.number
                );
                return Ok(ExitCode::FAILURE);
            }
            if t == Track::Go {
                print!("{}", render::go_solution(layout, g, render::width()));
                return Ok(ExitCode::SUCCESS);
            }
            let path = layout.solution(g.number);
            let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", layout.show(&path)))?;
            println!("// {}\n{text}", layout.show(&path));
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// The track a command is about: the one it names, recorded as the participant's,
/// else the one they named last; and, when naming it changed the track, what to say.
fn track(state: &mut State, named: Option<Track>) -> (Track, Option<String>) {
    let Some(t) = named else { return (state.progress.track, None) };
    match state.named_track(t) {
        Ok(true) => (t, Some(render::switched(t))),
        Ok(false) => (t, None),
        Err(e) => {
            eprintln!("workshop: {e}");
            (t, None)
        }
    }
}

/// The chapter a command names (default: the current one) and the track it is about.
/// A chapter that does not exist is refused before the track named is recorded.
fn chapter_on_track(state: &mut State, chapter: Option<&str>, named: Option<Track>) -> Result<(&'static ChapterGuide, Track), String> {
    let chosen = chapter.map(ChapterGuide::parse).transpose()?;
    let t = say_track(state, named);
    Ok((chosen.map_or_else(|| ChapterGuide::number(state.progress.current), Ok)?, t))
}

/// [`track`], saying on stderr when the track changed (a command that prints lines;
/// watch mode says it on its screen).
fn say_track(state: &mut State, named: Option<Track>) -> Track {
    let (t, said) = track(state, named);
    if let Some(s) = said {
        eprint!("{}", wrap(&format!("workshop: {s}"), "", "  ", render::width()));
    }
    t
}

pub(crate) fn record(state: &mut State, change: impl FnOnce(&mut state::Progress)) {
    if let Err(e) = state.update(change) {
        eprintln!("workshop: {e}");
    }
}

/// Chapter `g` passed (both tracks): recorded, and the current chapter moved on by
/// [`state::Progress::pass`]'s rule; the chapter it moved to.
pub(crate) fn passed(state: &mut State, g: &ChapterGuide) -> Option<&'static ChapterGuide> {
    match state.passed(g.number) {
        Ok(moved) => moved.and_then(|n| ChapterGuide::number(n).ok()),
        Err(e) => {
            eprintln!("workshop: {e}");
            None
        }
    }
}

/// Hint `level` of chapter `g` was printed (both tracks): recorded as used.
pub(crate) fn hint_shown(state: &mut State, g: &ChapterGuide, level: usize) {
    if let Err(e) = state.hint_shown(g.number, level) {
        eprintln!("workshop: {e}");
    }
}

/// The time of a backup as its name's end, readable and valid in every file system:
/// `2026-12-06T11-20-05Z`.
fn backup_stamp() -> String {
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
    let t = postflow_core::time::Timestamp(i64::try_from(now).unwrap_or(0).saturating_mul(1_000_000_000)).to_rfc3339();
    t.replace(':', "-")
}

/// Writes `bytes` to `path`, or to `path-2`, `path-3`… when there is a file there
/// already: two resets in one second keep both versions.
pub(crate) fn keep(path: &std::path::Path, bytes: &[u8]) -> Result<PathBuf, String> {
    use std::io::Write as _;
    for n in 1.. {
        let candidate = if n == 1 { path.to_owned() } else { PathBuf::from(format!("{}-{n}", path.display())) };
        match std::fs::OpenOptions::new().write(true).create_new(true).open(&candidate) {
            Ok(mut f) => return f.write_all(bytes).map(|()| candidate.clone()).map_err(|e| format!("{}: {e}", candidate.display())),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(format!("{}: {e}", candidate.display())),
        }
    }
    unreachable!("some name is free")
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
        let dir = layout.backups();
        std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        let name = target.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        kept = Some(keep(&dir.join(format!("{name}.{}", backup_stamp())), &mine)?);
    }
    std::fs::write(&target, pristine).map_err(|e| format!("{}: {e}", target.display()))?;
    Ok(kept)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_resets_in_one_second_keep_both_versions() {
        let root = std::env::temp_dir().join(format!("workshop-reset-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(root.join("exercises/solutions")).unwrap();
        let layout = Layout { root: root.clone() };
        let g = ChapterGuide::number(4).unwrap();
        std::fs::write(layout.pristine(g), "// as handed out\n").unwrap();
        let mut kept = Vec::new();
        for edit in ["// edit A\n", "// edit B\n"] {
            std::fs::write(layout.exercise(g), edit).unwrap();
            kept.push(reset(&layout, g).unwrap().expect("a changed file is kept"));
        }
        assert_ne!(kept[0], kept[1]);
        let texts: Vec<String> = kept.iter().map(|k| std::fs::read_to_string(k).unwrap()).collect();
        assert_eq!(texts, ["// edit A\n", "// edit B\n"]);
        let name = kept[0].file_name().unwrap().to_string_lossy().into_owned();
        assert!(name.starts_with("04_loop.rs.20") && name.contains('T') && !name.contains(':'), "{name}");
        assert_eq!(std::fs::read_to_string(layout.exercise(g)).unwrap(), "// as handed out\n");
        // An unchanged file is not kept again.
        assert_eq!(reset(&layout, g).unwrap(), None);
        std::fs::remove_dir_all(&root).unwrap();
    }
}
