//! Watch mode, as rustlings has it: the current chapter is shown, its file is watched
//! (the `notify` crate), and every save rebuilds it and runs the chapter's checks on
//! the simulator. Keys: h hint, i the chapter's texts again, l list, c check again,
//! n next chapter (once it passes; after the last one, n finishes), q quit. On a
//! terminal keys act at once; otherwise type the letter and Enter.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::mpsc;
use std::time::Duration;

use notify::{RecursiveMode, Watcher};
use postflow_core::workshop::ChapterGuide;

use crate::exercise::{self, Code};
use crate::layout::Layout;
use crate::render;
use crate::state::State;
use crate::state::Track;

enum Event {
    /// The file of the current chapter changed.
    Saved,
    Key(char),
    /// The terminal changed size.
    Resized,
    /// Input ended (Ctrl-D, a closed pipe).
    End,
}

/// Prints, with the line ends a raw terminal needs.
struct Screen {
    raw: bool,
}

impl Screen {
    fn say(&self, text: &str) {
        let text = if self.raw { text.replace('\n', "\r\n") } else { text.to_owned() };
        let mut out = std::io::stdout();
        let _ = out.write_all(text.as_bytes());
        let _ = out.flush();
    }

    /// Clears a terminal; whether there was one to clear.
    fn clear(&self) -> bool {
        let tty = std::io::stdout().is_terminal();
        if tty {
            self.say("\x1b[2J\x1b[H");
        }
        tty
    }
}

struct RawMode;

impl Drop for RawMode {
    fn drop(&mut self) {
        let _ = crossterm::terminal::disable_raw_mode();
    }
}

/// `switched`: what to say, under the first screen, when starting watch mode took the
/// participant from the Go track to the Rust track.
pub fn run(layout: &Layout, state: &mut State, switched: Option<String>) -> Result<ExitCode, String> {
    let (tx, rx) = mpsc::channel::<Event>();
    let watched: std::sync::Arc<std::sync::Mutex<PathBuf>> = Default::default();
    let w = watched.clone();
    let file_tx = tx.clone();
    let mut watcher = notify::recommended_watcher(move |res: notify::Result<notify::Event>| {
        let Ok(event) = res else { return };
        if !(event.kind.is_modify() || event.kind.is_create() || event.kind.is_remove()) {
            return;
        }
        let current = w.lock().map(|p| p.clone()).unwrap_or_default();
        if event.paths.iter().any(|p| p.file_name() == current.file_name()) {
            let _ = file_tx.send(Event::Saved);
        }
    })
    .map_err(|e| format!("cannot watch files: {e}"))?;
    watcher
        .watch(&layout.exercises(), RecursiveMode::NonRecursive)
        .map_err(|e| format!("cannot watch {}: {e}", layout.exercises().display()))?;

    let interactive = std::io::stdin().is_terminal();
    let _raw = if interactive && crossterm::terminal::enable_raw_mode().is_ok() { Some(RawMode) } else { None };
    let screen = Screen { raw: _raw.is_some() };
    spawn_keys(tx, _raw.is_some());

    let color = std::io::stdout().is_terminal();
    let mut g = ChapterGuide::number(state.progress.current)?;
    *watched.lock().map_err(|e| e.to_string())? = layout.exercise(g);
    let mut last = check(layout, state, g, &screen, color, true);
    if let Some(s) = switched {
        // Said under the first screen, as its texts are: before it, the screen's clearing would take it away.
        let mut chars = s.chars();
        let s: String = chars.next().into_iter().flat_map(char::to_uppercase).chain(chars).collect();
        screen.say(&format!("\n{}{}", postflow_core::wrap::wrap(&s, "", "  ", render::width()), keys_help(g, last.found.passed)));
    }
    // The last check's screen is the last thing shown: a resize draws it again to the
    // new size. Anything printed below it (a hint, the list) is left as it is.
    let mut on_screen = true;
    while let Ok(event) = rx.recv() {
        let passed = last.found.passed;
        on_screen &= matches!(event, Event::Resized);
        match event {
            Event::Saved => {
                // An editor writes a file in several steps: let them settle, once.
                std::thread::sleep(Duration::from_millis(150));
                while let Ok(Event::Saved) = rx.try_recv() {}
                last = check(layout, state, g, &screen, color, false);
                on_screen = true;
            }
            Event::Resized if on_screen => last.hint_cut = draw(layout, g, &screen, &last.found, true),
            Event::Resized => {}
            Event::Key('h') => {
                state.refresh();
                // The hint the screen cut, whole; else the next one.
                let level = last.hint_cut.take().unwrap_or_else(|| state.progress.next_hint(g));
                screen.say(&format!("\n{}", render::hint(g, level, false, render::width())));
                if level + 1 == g.hints.len() {
                    screen.say(&format!("That was the last hint of chapter {}.\n", g.number));
                }
                if let Err(e) = state.hint_shown(g.number, level) {
                    screen.say(&format!("workshop: {e}\n"));
                }
                screen.say(&keys_help(g, passed));
            }
            Event::Key('i') => {
                screen.say(&format!("\n{}", render::intro(layout, g, Track::Rust, render::width())));
                screen.say(&keys_help(g, passed));
            }
            Event::Key('l') => {
                state.refresh();
                screen.say(&format!("\n{}", render::list(layout, &state.progress, crate::state::Track::Rust)));
                screen.say(&keys_help(g, passed));
            }
            Event::Key('c') => {
                last = check(layout, state, g, &screen, color, false);
                on_screen = true;
            }
            Event::Key('n') if passed => match g.next() {
                Some(next) => {
                    g = next;
                    if let Err(e) = state.update(|p| p.current = g.number) {
                        screen.say(&format!("workshop: {e}\n"));
                    }
                    *watched.lock().map_err(|e| e.to_string())? = layout.exercise(g);
                    last = check(layout, state, g, &screen, color, true);
                    on_screen = true;
                }
                None => {
                    // The last chapter can pass with an earlier one skipped: not "done" then.
                    let open: Vec<String> = crate::layout::chapters()
                        .filter(|c| !state.progress.chapter(c.number).passed)
                        .map(|c| c.number.to_string())
                        .collect();
                    if open.is_empty() {
                        screen.say("\nThat was the last chapter: the workshop is done. Congratulations!\n");
                    } else {
                        screen.say(&format!(
                            "\nThat was the last chapter. Not passed yet: {} {} (`workshop check N` there, `workshop list` \
                             shows where you stand).\n",
                            postflow_core::count::plural(open.len() as u64, "chapter"),
                            open.join(", ")
                        ));
                    }
                    break;
                }
            },
            Event::Key('n') => {
                screen.say("\nNot yet: the checks of this chapter must pass first (h for a hint).\n");
                screen.say(&keys_help(g, passed));
            }
            Event::Key('q') | Event::End => break,
            // A letter that is no key says so: the key line alone read as if it had been taken.
            Event::Key(c) => screen.say(&format!("\n{c} is no key here.{}", keys_help(g, passed))),
        }
    }
    screen.say("\n");
    Ok(ExitCode::SUCCESS)
}

/// The keys, after everything watch mode shows (a check, a hint, the texts, the list).
fn keys_help(g: &ChapterGuide, passed: bool) -> String {
    format!("\n{}\n", keys_line(g, passed))
}

/// The keys of chapter `g`'s screen; `n` once it passes (after the last chapter there
/// is no next one: `n` finishes, as the line above it says).
fn keys_line(g: &ChapterGuide, passed: bool) -> String {
    let next = match (passed, g.next()) {
        (false, _) => "",
        (true, Some(_)) => "n next chapter · ",
        (true, None) => "n finish · ",
    };
    format!("[{next}h hint · i the chapter · l list · c check again · q quit]")
}

/// What a check left on the screen.
struct Checked {
    /// The screen cut the hint it showed (this one): h shows it whole.
    hint_cut: Option<usize>,
    found: Found,
}

/// What a check found, kept to draw its screen again at another terminal size.
struct Found {
    outcome: exercise::Outcome,
    /// The hint shown with it: none for a file as handed out, whose checks fail
    /// before the participant has written anything.
    level: Option<usize>,
    /// What to do next, unwrapped.
    said: String,
    passed: bool,
    /// The chapter's texts stand above it.
    intro: bool,
}

fn check(layout: &Layout, state: &mut State, g: &'static ChapterGuide, screen: &Screen, color: bool, intro: bool) -> Checked {
    screen.clear();
    // The chapter's texts when it opens; on a save only its name, so that the checks
    // and the hint fill a small terminal (i shows the texts again).
    let header = format!("Chapter {} · {}", g.heading(), layout.show(&layout.exercise(g)));
    if intro {
        screen.say(&render::intro(layout, g, Track::Rust, render::width()));
    } else {
        screen.say(&format!("{header}\n"));
    }
    screen.say("\nBuilding and checking...\n");
    let o = exercise::check(layout, g, Code::Exercise, color);
    state.refresh();
    let passed = o.passed();
    // Opening a chapter whose file nobody has touched: the checks say what is to do,
    // and a hint waits for h instead of being handed out (and counted) unasked.
    let untouched =
        intro && matches!((std::fs::read(layout.exercise(g)), std::fs::read(layout.pristine(g))), (Ok(mine), Ok(given)) if mine == given);
    let level = (!untouched).then(|| state.progress.hint_with_checks(g));
    // Said under the screen, which a save clears again.
    let mut errors = String::new();
    let mut moved = None;
    if passed {
        match state.passed(g.number) {
            Ok(m) => moved = m,
            Err(e) => errors.push_str(&format!("workshop: {e}\n")),
        }
    }
    let said = if passed {
        let next = match g.next() {
            Some(n) => format!("Press n for chapter {}.", n.heading()),
            None => "That was the last chapter. Press n to finish.".into(),
        };
        // The current chapter moved on (`workshop check`, and watch mode when it starts
        // again, go there) to a chapter other than the next: said.
        let later = match moved.and_then(|m| ChapterGuide::number(m).ok()) {
            Some(m) if Some(m) != g.next() => format!(" (Chapter {} is the first one not passed yet.)", m.heading()),
            _ => String::new(),
        };
        format!("Every check of chapter {} passes. {next}{later}", g.number)
    } else if untouched {
        format!(
            "Your file is as handed out: write its TODO(chapter {}) lines and save it; every save checks it again (h shows a \
             hint).",
            g.number
        )
    } else {
        "Save the file to check again.".to_owned()
    };
    if o.checks_failed()
        && let Some(level) = level
        && let Err(e) = state.hint_shown(g.number, level)
    {
        errors.push_str(&format!("workshop: {e}\n"));
    }
    let found = Found { outcome: o, level, said, passed, intro };
    let hint_cut = draw(layout, g, screen, &found, false);
    screen.say(&errors);
    Checked { hint_cut, found }
}

/// Draws what a check found to the terminal's size, under the chapter's texts when it
/// opened the chapter (printed again when `again`, on a cleared screen); the hint it
/// cut, if it cut one.
fn draw(layout: &Layout, g: &ChapterGuide, screen: &Screen, found: &Found, again: bool) -> Option<usize> {
    // A save shows the chapter's name again on a clear screen. The chapter's texts,
    // when it opens, stay above (and the terminal keeps them), and its name heads the
    // checks too: on a short terminal the texts have scrolled away above them.
    let name = format!("Chapter {} · {}", g.heading(), layout.show(&layout.exercise(g)));
    let header = if found.intro {
        if again && screen.clear() {
            screen.say(&render::intro(layout, g, Track::Rust, render::width()));
        }
        screen.say("\n");
        name
    } else if screen.clear() {
        name
    } else {
        screen.say("\n");
        String::new()
    };
    let said = postflow_core::wrap::wrap(&found.said, "", "", render::width());
    let keys = keys_line(g, found.passed);
    // The last row holds the cursor.
    let fitted = render::screen(
        layout,
        g,
        &found.outcome,
        found.level,
        &header,
        &[said.trim_end(), &keys],
        render::width(),
        render::height().saturating_sub(1),
    );
    screen.say(&fitted.text);
    found.level.filter(|_| fitted.hint_cut)
}

/// Reads keys: single key presses on a raw terminal, else letters typed with Enter.
fn spawn_keys(tx: mpsc::Sender<Event>, raw: bool) {
    std::thread::spawn(move || {
        if raw {
            use crossterm::event::{Event as CEvent, KeyCode, KeyEventKind, KeyModifiers, read};
            loop {
                let event = match read() {
                    Ok(CEvent::Key(k)) if k.kind != KeyEventKind::Release => k,
                    Ok(CEvent::Resize(..)) => {
                        if tx.send(Event::Resized).is_err() {
                            return;
                        }
                        continue;
                    }
                    Ok(_) => continue,
                    Err(_) => {
                        let _ = tx.send(Event::End);
                        return;
                    }
                };
                let sent = match event.code {
                    KeyCode::Char('c') if event.modifiers.contains(KeyModifiers::CONTROL) => tx.send(Event::End),
                    KeyCode::Char(c) => tx.send(Event::Key(c.to_ascii_lowercase())),
                    KeyCode::Esc => tx.send(Event::End),
                    _ => Ok(()),
                };
                if sent.is_err() {
                    return;
                }
            }
        } else {
            let mut line = String::new();
            loop {
                line.clear();
                match std::io::stdin().read_line(&mut line) {
                    Ok(0) | Err(_) => {
                        let _ = tx.send(Event::End);
                        return;
                    }
                    Ok(_) => {
                        if let Some(c) = line.trim().chars().next()
                            && tx.send(Event::Key(c.to_ascii_lowercase())).is_err()
                        {
                            return;
                        }
                    }
                }
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_last_chapter_offers_n_to_finish_not_a_next_chapter() {
        // Chapter 7 passed: the line above said "Press n to finish." while the keys
        // offered "n next chapter", which there is not.
        let last = ChapterGuide::number(7).unwrap();
        assert_eq!(keys_line(last, true), "[n finish · h hint · i the chapter · l list · c check again · q quit]");
        let g = ChapterGuide::number(6).unwrap();
        assert_eq!(keys_line(g, true), "[n next chapter · h hint · i the chapter · l list · c check again · q quit]");
        for g in [g, last] {
            assert_eq!(keys_line(g, false), "[h hint · i the chapter · l list · c check again · q quit]");
        }
    }
}
