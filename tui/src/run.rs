//! How the app runs: interactively on the real terminal (restored on quit, error and
//! panic), or printed once as text (`--print`). The `tui` binary and an exercise's
//! binary (`tui --exercise N`, the participant's workflow) both run through here.

use std::process::ExitCode;
use std::time::Duration;

use crossterm::event::{self, Event, KeyEventKind};

use crate::{App, ui};

/// The largest `--print --size` side: a frame is built in memory before it is printed.
const MAX_PRINT_SIDE: u16 = 1000;

/// `--print --size WxH`, as `tui` and an exercise's terminal app both read it: no
/// smaller than the panes fit in (the screen would only say it is too small, and at
/// 0x0 print nothing) and no larger than a terminal could show.
pub fn print_size(v: &str) -> Result<(u16, u16), String> {
    let (w, h) = v.split_once('x').ok_or(format!("--size {v}: expected WxH, e.g. 160x50"))?;
    let (w, h): (u32, u32) =
        (w.parse().map_err(|_| format!("--size {v}: bad width"))?, h.parse().map_err(|_| format!("--size {v}: bad height"))?);
    if w > u32::from(MAX_PRINT_SIDE) || h > u32::from(MAX_PRINT_SIDE) {
        return Err(format!("--size {v}: at most {MAX_PRINT_SIDE}x{MAX_PRINT_SIDE}"));
    }
    if w < u32::from(ui::MIN_WIDTH) || h < u32::from(ui::MIN_HEIGHT) {
        return Err(format!("--size {v}: the screens need at least {}x{}", ui::MIN_WIDTH, ui::MIN_HEIGHT));
    }
    Ok((w as u16, h as u16))
}

/// `--print`: the final state (a scenario played to its end), rendered once.
pub fn print(mut app: App, (w, h): (u16, u16)) -> ExitCode {
    // Bridge mode: the screen once the server has answered (or could not).
    app.settle(Duration::from_secs(15));
    // A scenario is loaded at its first step for stepping; print shows where it ends.
    // Without one, the screen is the start form, as a user first sees it. An import is
    // at its end already, and its message (why the code could not replay it) stays.
    let last = postflow_core::controls::Command::Last;
    if app.mode == crate::app::Mode::Main && app.bridge.is_none() && app.availability(last).is_available() {
        app.dispatch(crate::action::UiAction::Do(last));
    }
    print!("{}", ui::render_text(&app, w, h));
    for f in &app.failures {
        eprintln!("tui: expectation failed: {f}");
    }
    // Bridge mode: a server that is down, or a workflow it does not have, is a screen of
    // nothing, not a result: a script that checks the status must not take it for one.
    let unanswered = app.bridge.as_ref().and_then(|b| b.unanswered());
    if let Some(why) = &unanswered {
        eprintln!("tui: {why}");
    }
    if app.failures.is_empty() && unanswered.is_none() { ExitCode::SUCCESS } else { ExitCode::FAILURE }
}

/// Restores the terminal when dropped: on every way out of a screen loop.
struct Restore;

impl Drop for Restore {
    fn drop(&mut self) {
        let _ = crossterm::execute!(std::io::stdout(), crossterm::event::DisableBracketedPaste);
        ratatui::restore();
    }
}

/// The terminal in raw mode on the alternate screen, already listening for resizes.
/// crossterm starts watching SIGWINCH at its first poll: a window resized between the
/// first frame and that poll would send no event, and the screen would keep the old
/// size until a key (the tmux test met it on a loaded machine).
/// Pasted text comes as one event (bracketed paste), not as keys: a pasted line break
/// would be Enter, and the line after it keys (`App::paste`).
fn init_terminal() -> std::io::Result<ratatui::DefaultTerminal> {
    let terminal = ratatui::try_init()?;
    crossterm::execute!(std::io::stdout(), crossterm::event::EnableBracketedPaste)?;
    event::poll(Duration::ZERO)?;
    Ok(terminal)
}

/// What the compiler warned of when `tui --exercise N` built the participant's code
/// (`postflow_exercise_launch::hand_over` puts it in the environment): shown as the
/// app's first message, and whenever no other message stands, in the place a loaded
/// scenario's description takes. The line printed before the app is covered by it at
/// once, and was readable only after quitting.
fn show_compiler_warning(app: &mut App, warned: Option<String>) {
    let Some(text) = warned.filter(|w| !w.trim().is_empty()) else { return };
    app.message = Some(crate::app::Message { text: text.clone(), error: true });
    app.description = Some(text);
}

/// Runs until quit. `ratatui::try_init` installs a panic hook that restores the
/// terminal before the panic message is printed; the guard restores it on every
/// other way out, errors included.
pub fn interactive(app: &mut App) -> std::io::Result<()> {
    // The guard comes first: if raw mode is on but the alternate screen fails, the
    // early return still restores.
    let _restore = Restore;
    let mut terminal = init_terminal()?;
    show_compiler_warning(app, std::env::var(postflow_exercise_launch::COMPILER_WARNS).ok());
    // In bridge mode the screen moves without keys (the server's clock and replies),
    // and so it does while playing or live: wake up every tick to move and redraw.
    let mut last = std::time::Instant::now();
    loop {
        let frame = terminal.draw(|f| ui::draw(f, app))?;
        app.too_small = frame.area.width < ui::MIN_WIDTH || frame.area.height < ui::MIN_HEIGHT;
        if let Some(text) = app.clipboard.take() {
            use std::io::Write as _;
            let mut out = std::io::stdout();
            out.write_all(crate::export::osc52(&text).as_bytes())?;
            out.flush()?;
        }
        let bridge_tick = app.bridge.as_ref().map(|_| Duration::from_millis(100));
        let tick = match (bridge_tick, app.teach.player.tick_every()) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        if let Some(t) = tick {
            app.tick();
            let now = std::time::Instant::now();
            app.tick_player(now - last);
            last = now;
            if !event::poll(t)? {
                continue;
            }
        } else {
            last = std::time::Instant::now();
        }
        match event::read()? {
            // Key releases (on terminals that report them) must not act twice.
            Event::Key(k) if k.kind != KeyEventKind::Release => app.handle_key(k),
            Event::Paste(text) => app.paste(&text),
            // The next draw fits the new size; nothing else to do.
            Event::Resize(..) => {}
            _ => continue,
        }
        if app.should_quit {
            return Ok(());
        }
    }
}

/// Refuses a fleet the machine cannot hold (`meminfo`: Linux's /proc/meminfo, when
/// there is one), with its estimate: the terminal app keeps every package to open.
fn fits_in_memory(config: &postflow_core::fleet::FleetConfig, meminfo: Option<&str>) -> Result<(), String> {
    match meminfo.and_then(postflow_core::fleet::mem_available) {
        Some(available) => config.check_memory(available, "available").map_err(|e| {
            format!("{e}; run fewer packages (the fleet binary runs large fleets: cargo run --release --bin fleet -- --packages N)")
        }),
        None => Ok(()),
    }
}

/// `tui --fleet N`: a small fleet (16 shards, as a small cluster), its charts, and its
/// packages opened one at a time in the normal screens (q comes back to the fleet).
pub fn fleet(packages: u64, print: bool, (w, h): (u16, u16)) -> ExitCode {
    use crate::ui::fleet::{FleetKey, FleetScreen};
    let config = postflow_core::fleet::FleetConfig::for_view(packages);
    if let Err(e) = fits_in_memory(&config, std::fs::read_to_string("/proc/meminfo").ok().as_deref()) {
        eprintln!("tui: --fleet: {e}");
        return ExitCode::from(2);
    }
    eprintln!("tui: running a fleet of {} packages", postflow_core::fleet::grouped(packages));
    // Where the run is, on one line rewritten in place; only for a person watching.
    let watched = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let shown = |p: postflow_core::fleet::Progress| {
        if watched {
            eprint!(
                "\rtui: {} of {} packages closed, virtual day {:.1} ",
                postflow_core::fleet::grouped(p.closed),
                postflow_core::fleet::grouped(p.packages),
                p.virtual_secs as f64 / 86_400.0
            );
        }
    };
    let run = FleetScreen::run(config, shown);
    if watched {
        // The count stopped short of the end: clear it rather than leave it behind.
        eprint!("\r\x1b[2K");
    }
    let mut screen = match run {
        Ok(s) => s,
        Err(e) => {
            eprintln!("tui: --fleet: {e}");
            return ExitCode::from(2);
        }
    };
    if print {
        print!("{}", ui::render_fleet_text(&screen, w, h));
        return ExitCode::SUCCESS;
    }
    if !std::io::IsTerminal::is_terminal(&std::io::stdout()) {
        eprintln!("tui: standard output is not a terminal; use --print for a text screen");
        return ExitCode::from(2);
    }
    let result = (|| -> std::io::Result<()> {
        loop {
            let open = {
                let _restore = Restore;
                let mut terminal = init_terminal()?;
                loop {
                    terminal.draw(|f| ui::fleet::draw(f, &screen))?;
                    if let Event::Key(k) = event::read()? {
                        if k.kind == KeyEventKind::Release {
                            continue;
                        }
                        match screen.handle(k) {
                            FleetKey::Quit => return Ok(()),
                            FleetKey::Open(i) => break i,
                            FleetKey::Nothing => {}
                        }
                    }
                }
            };
            match screen.session(open) {
                Ok((session, label)) => interactive(&mut App::fleet_package(session, label))?,
                Err(e) => eprintln!("tui: {e}"),
            }
        }
    })();
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("tui: {e}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use postflow_core::fleet::FleetConfig;

    use super::{fits_in_memory, show_compiler_warning};
    use crate::App;

    #[test]
    fn the_compilers_warning_is_on_the_exercises_screen_while_it_runs() {
        // `tui --exercise 1` with a forgotten .await: the one line printed before the
        // app was covered by it at once.
        let warned = "The compiler warns, exercises/01_activities.rs:35:5: unused `ActivityFuture` that must be used: the \
                      workflow code goes on without waiting for the activity: `.await` its result. `cargo run --bin workshop \
                      -- check 1` shows the warnings.";
        let mut app = App::new();
        show_compiler_warning(&mut app, Some(warned.into()));
        let on_screen = |app: &App| crate::ui::render_text(app, 80, 24).split_whitespace().collect::<Vec<_>>().join(" ");
        let first = on_screen(&app);
        assert!(first.contains("✗ The compiler warns, exercises/01_activities.rs:35:5: unused `ActivityFuture`"), "{first}");
        assert!(first.contains("`.await` its result. `cargo run --bin workshop -- check 1` shows the warnings."), "{first}");
        // Enter starts the order; what that says is gone at the next key, the warning stays.
        let key = |c| crossterm::event::KeyEvent::new(c, crossterm::event::KeyModifiers::NONE);
        app.handle_key(key(crossterm::event::KeyCode::Enter));
        app.handle_key(key(crossterm::event::KeyCode::Down));
        let later = on_screen(&app);
        assert!(later.contains("ActivityTaskScheduled"), "{later}");
        assert!(later.contains("The compiler warns, exercises/01_activities.rs:35:5"), "{later}");
        // Nothing warned, nothing said.
        let mut quiet = App::new();
        show_compiler_warning(&mut quiet, Some(String::new()));
        show_compiler_warning(&mut quiet, None);
        assert!(quiet.description.is_none() && !on_screen(&quiet).contains("compiler"));
    }

    #[test]
    fn a_fleet_larger_than_the_memory_available_is_refused_with_its_estimate() {
        let fleet = |packages| FleetConfig { packages, ..FleetConfig::default() };
        let meminfo = "MemTotal:        8000000 kB\nMemAvailable:    4194304 kB\n";
        assert_eq!(fits_in_memory(&fleet(100_000), Some(meminfo)), Ok(()));
        let refused = fits_in_memory(&fleet(2_000_000), Some(meminfo)).unwrap_err();
        assert!(refused.starts_with("2,000,000 packages need about") && refused.contains("more than the 4.0 GiB available"), "{refused}");
        assert!(refused.contains("cargo run --release --bin fleet"), "{refused}");
        // Without /proc/meminfo (not Linux) nothing is known, and nothing is refused.
        assert_eq!(fits_in_memory(&fleet(2_000_000), None), Ok(()));
    }
}
