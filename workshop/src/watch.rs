//! Watch mode, as rustlings has it: the current chapter is shown, its file is watched
//! (the `notify` crate), and every save rebuilds it and runs the chapter's checks on
//! the simulator. Keys: h hint, i the chapter's texts again, l list, c check again,
//! n next chapter (once it passes), q quit. On a terminal keys act at once; otherwise
//! type the letter and Enter.

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

enum Event {
    /// The file of the current chapter changed.
    Saved,
    Key(char),
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

    fn clear(&self) {
        if std::io::stdout().is_terminal() {
            self.say("\x1b[2J\x1b[H");
        }
    }
}

struct RawMode;

impl Drop for RawMode {
    fn drop(&mut self) {
        let _ = crossterm::terminal::disable_raw_mode();
    }
}

pub fn run(layout: &Layout, state: &mut State) -> Result<ExitCode, String> {
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
    let mut passed = check(layout, state, g, &screen, color, true);
    while let Ok(event) = rx.recv() {
        match event {
            Event::Saved => {
                // An editor writes a file in several steps: let them settle, once.
                std::thread::sleep(Duration::from_millis(150));
                while let Ok(Event::Saved) = rx.try_recv() {}
                passed = check(layout, state, g, &screen, color, false);
            }
            Event::Key('h') => {
                state.refresh();
                let level = (state.progress.chapter(g.number).hints as usize).min(g.hints.len() - 1);
                screen.say(&format!("\n{}", render::hint(g, level, false, render::width())));
                if level + 1 == g.hints.len() {
                    screen.say(&format!("That was the last hint of chapter {}.\n", g.number));
                }
                record(state, &screen, |p| p.chapter_mut(g.number).hints = (level + 1) as u8);
            }
            Event::Key('i') => screen.say(&format!("\n{}", render::intro(layout, g, render::width()))),
            Event::Key('l') => {
                state.refresh();
                screen.say(&format!("\n{}", render::list(layout, &state.progress)));
            }
            Event::Key('c') => passed = check(layout, state, g, &screen, color, false),
            Event::Key('n') if passed => match g.next() {
                Some(next) => {
                    g = next;
                    record(state, &screen, |p| p.current = g.number);
                    *watched.lock().map_err(|e| e.to_string())? = layout.exercise(g);
                    passed = check(layout, state, g, &screen, color, true);
                }
                None => {
                    screen.say("\nThat was the last chapter: the workshop is done. Congratulations!\n");
                    break;
                }
            },
            Event::Key('n') => screen.say("\nNot yet: the checks of this chapter must pass first (h for a hint).\n"),
            Event::Key('q') | Event::End => break,
            Event::Key(_) => screen.say(&keys_help(passed)),
        }
    }
    screen.say("\n");
    Ok(ExitCode::SUCCESS)
}

fn keys_help(passed: bool) -> String {
    let next = if passed { "n next chapter · " } else { "" };
    format!("\n[{next}h hint · i the chapter · l list · c check again · q quit]\n")
}

fn check(layout: &Layout, state: &mut State, g: &'static ChapterGuide, screen: &Screen, color: bool, intro: bool) -> bool {
    screen.clear();
    // The chapter's texts when it opens; on a save only its name, so that the checks
    // and the hint fill a small terminal (i shows the texts again).
    if intro {
        screen.say(&render::intro(layout, g, render::width()));
    } else {
        screen.say(&format!("Chapter {} · {}\n", g.heading(), layout.show(&layout.exercise(g))));
    }
    screen.say("\nBuilding and checking...\n");
    let o = exercise::check(layout, g, Code::Exercise, color);
    let level = state.progress.chapter(g.number).hints as usize;
    screen.say(&format!("\n{}", render::outcome(layout, g, &o, level.saturating_sub(1), false, render::width(), true)));
    let passed = o.passed();
    if passed {
        record(state, screen, |p| p.chapter_mut(g.number).passed = true);
        let next = match g.next() {
            Some(n) => format!("Press n for chapter {}.", n.heading()),
            None => "That was the last chapter. Press n to finish.".into(),
        };
        screen.say(&format!("\nEvery check of chapter {} passes. {next}\n", g.number));
    } else {
        screen.say("\nSave the file to check again.\n");
    }
    screen.say(&keys_help(passed));
    passed
}

fn record(state: &mut State, screen: &Screen, change: impl FnOnce(&mut crate::state::Progress)) {
    if let Err(e) = state.update(change) {
        screen.say(&format!("workshop: {e}\n"));
    }
}

/// Reads keys: single key presses on a raw terminal, else letters typed with Enter.
fn spawn_keys(tx: mpsc::Sender<Event>, raw: bool) {
    std::thread::spawn(move || {
        if raw {
            use crossterm::event::{Event as CEvent, KeyCode, KeyEventKind, KeyModifiers, read};
            loop {
                let event = match read() {
                    Ok(CEvent::Key(k)) if k.kind != KeyEventKind::Release => k,
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
                        if let Some(c) = line.trim().chars().next() {
                            if tx.send(Event::Key(c.to_ascii_lowercase())).is_err() {
                                return;
                            }
                        }
                    }
                }
            }
        }
    });
}
