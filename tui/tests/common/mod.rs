//! What the screen tests share: keys typed as a user types them, and screens that do
//! not change when the workflow code moves by a line.

// Each test file uses what it needs of these.
#![allow(dead_code)]

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use postflow_tui::App;

pub fn key(app: &mut App, code: KeyCode) {
    app.handle_key(KeyEvent::new(code, KeyModifiers::NONE));
}

/// Types text one key at a time, as a user would.
pub fn type_text(app: &mut App, text: &str) {
    for c in text.chars() {
        key(app, KeyCode::Char(c));
    }
}

/// A scan at `location`, through the prompt.
pub fn scan(app: &mut App, location: &str) {
    key(app, KeyCode::Char('c'));
    type_text(app, location);
    key(app, KeyCode::Enter);
}

/// The screen with the line numbers of workflow code (`workflow.rs:48`, shown where
/// the code waits and in explanations) written as `:N`: snapshots stay the same when
/// the workflow code moves by a line.
pub fn stable(screen: String) -> String {
    let mut out = String::with_capacity(screen.len());
    let mut rest = screen.as_str();
    while let Some(i) = rest.find(".rs:") {
        let digits = rest[i + 4..].bytes().take_while(u8::is_ascii_digit).count();
        out.push_str(&rest[..i + 4]);
        if digits > 0 {
            out.push('N');
        }
        rest = &rest[i + 4 + digits..];
    }
    out.push_str(rest);
    out
}
