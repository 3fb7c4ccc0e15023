//! How the app runs: interactively on the real terminal (restored on quit, error and
//! panic), or printed once as text (`--print`). The `tui` binary and an exercise's
//! binary (`tui --exercise N`, the participant's workflow) both run through here.

use std::process::ExitCode;
use std::time::Duration;

use crossterm::event::{self, Event, KeyEventKind};

use crate::{App, ui};

/// `--print`: the final state (a scenario played to its end), rendered once.
pub fn print(mut app: App, (w, h): (u16, u16)) -> ExitCode {
    // Bridge mode: the screen once the server has answered (or could not).
    app.settle(Duration::from_secs(15));
    // A scenario is loaded at its first step for stepping; print shows where it ends.
    // Without one, the screen is the start form, as a user first sees it.
    if app.mode == crate::app::Mode::Main && app.bridge.is_none() {
        app.dispatch(crate::action::UiAction::Do(postflow_core::controls::Command::Last));
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
pub fn interactive(app: &mut App) -> std::io::Result<()> {
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
            // The next draw fits the new size; nothing else to do.
            Event::Resize(..) => {}
            _ => continue,
        }
        if app.should_quit {
            return Ok(());
        }
    }
}
