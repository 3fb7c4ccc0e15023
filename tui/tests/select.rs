//! Selecting a history event: k and j from the shared table, ↑ and ↓ the terminal's
//! own keys for the same, refused in the words the page uses; and the lists of the
//! picker, the help and the commands moved by the same keys, with or without events.

mod common;

use common::key;
use crossterm::event::KeyCode;
use postflow_core::controls::NOTHING_TO_SELECT;
use postflow_tui::App;
use postflow_tui::app::Mode;
use postflow_tui::ui::render_text;

fn screen(app: &App) -> String {
    common::stable(render_text(app, 120, 36))
}

fn key_bar(app: &App) -> String {
    screen(app).lines().last().unwrap_or_default().trim().to_owned()
}

fn message(app: &App) -> String {
    let s = screen(app);
    let lines: Vec<&str> = s.lines().collect();
    lines[lines.len() - 2].trim().to_owned()
}

#[test]
fn k_and_j_select_as_the_arrows_do_and_say_why_not_in_the_pages_words() {
    let mut app = App::new();
    key(&mut app, KeyCode::Esc);
    for k in [KeyCode::Char('k'), KeyCode::Char('j'), KeyCode::Up, KeyCode::Down] {
        key(&mut app, KeyCode::Char('Z'));
        key(&mut app, k);
        assert_eq!(message(&app), format!("✗ {NOTHING_TO_SELECT}"), "{k:?} with no event");
    }
    assert!(!key_bar(&app).contains("event"), "no event to select, none offered: {}", key_bar(&app));
    key(&mut app, KeyCode::Char('s'));
    key(&mut app, KeyCode::Enter);
    let newest = app.session.history().len() - 1;
    assert_eq!(app.selected_index(), Some(newest), "the newest is shown unasked");
    assert!(key_bar(&app).contains("↑↓ event"), "{}", key_bar(&app));
    key(&mut app, KeyCode::Char('Z'));
    key(&mut app, KeyCode::Char('k'));
    assert_eq!(app.selected_index(), Some(newest - 1));
    assert!(!message(&app).contains("does nothing here"), "a key that works clears the last message");
    key(&mut app, KeyCode::Up);
    assert_eq!(app.selected_index(), Some(newest - 2));
    key(&mut app, KeyCode::Char('j'));
    key(&mut app, KeyCode::Down);
    assert_eq!((app.selected_index(), app.selected), (Some(newest), None), "back on the newest: following it again");
}

#[test]
fn the_picker_and_the_help_offer_their_arrows_before_any_event() {
    // The opening form closed, nothing started: the picker's and the help's own lists
    // move whether or not the session has events, and their key bars say so.
    let mut app = App::new();
    key(&mut app, KeyCode::Esc);
    key(&mut app, KeyCode::Char('p'));
    let bar = key_bar(&app);
    assert!(bar.contains("↑ up") && bar.contains("↓ down"), "{bar}");
    key(&mut app, KeyCode::Char('j'));
    assert_eq!(app.mode, Mode::Picker(1), "j moves to the second scenario");
    key(&mut app, KeyCode::Esc);
    key(&mut app, KeyCode::Char('?'));
    // Tall enough for the whole help: a shorter screen's help box covers the bar's row.
    let s = common::stable(render_text(&app, 120, 80));
    let bar = s.lines().last().unwrap_or_default();
    assert!(bar.contains("↑ up") && bar.contains("↓ down"), "{bar}");
}
