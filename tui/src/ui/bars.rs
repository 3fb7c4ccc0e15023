//! The one-line bars: the status line at the top, the message line, and the
//! context-sensitive key bar drawn from the keymap.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use crate::action::UiAction;
use crate::app::App;
use crate::keymap::{self, Binding, key_name};
use postflow_core::controls::Command;
use postflow_core::time::format_elapsed;

pub fn status(frame: &mut Frame, area: Rect, app: &App) {
    let s = app.session.status_line();
    let state_color = match s.run_state.as_str() {
        r if r.starts_with("completed") => Color::Green,
        r if r.starts_with("failed") || r.starts_with("timed") => Color::Red,
        _ => Color::Yellow,
    };
    // Most telling first: a narrow terminal drops the parts at the end that do not fit.
    let mut parts = vec![
        // A long workflow id (up to 1000 bytes) is cut, so the run state stays in view.
        Span::styled(
            format!(" {}", super::fit_start(&s.workflow_id, usize::from(area.width / 3).max(12))),
            Style::new().add_modifier(Modifier::BOLD),
        ),
        Span::styled(s.run_state.clone(), Style::new().fg(state_color)),
        Span::raw(format!("step {}/{}", app.session.cursor(), app.session.timeline().len())),
        // A narrow terminal keeps the elapsed time, and so room for the notification.
        Span::raw(if area.width < 100 {
            format!("+{}", format_elapsed(s.elapsed))
        } else {
            format!("{} (+{})", s.virtual_time, format_elapsed(s.elapsed))
        }),
        Span::raw(if s.notification_sent { "notification sent" } else { "notification not sent" }),
        match app.failures.len() {
            0 => Span::styled(app.label.clone(), Style::new().fg(Color::Cyan)),
            n => Span::styled(format!("{}: {n} expectation(s) failed", app.label), Style::new().fg(Color::Red)),
        },
        Span::raw(format!("seed {}", s.seed)),
    ];
    if !app.session.is_imported() {
        parts.push(Span::raw(if app.session.auto_run { "auto-run" } else { "manual" }));
    }
    let player = (app.teach.player.mode() != postflow_core::session::PlayMode::Paused)
        .then(|| Span::styled(format!(" {} ", app.teach.player.label()), Style::new().fg(Color::Black).bg(Color::Green)));
    status_line(frame, area, player, parts);
}

/// Draws a status line: `parts` between separators, the first always, then `badge`
/// beside it, then as many of the others as fit whole. Callers put the most telling
/// parts first: a narrow terminal leaves out the last ones rather than cut one mid-word.
pub fn status_line(frame: &mut Frame, area: Rect, badge: Option<Span<'static>>, parts: Vec<Span<'static>>) {
    let mut parts = parts.into_iter();
    let mut spans: Vec<Span> = parts.next().into_iter().chain(badge).collect();
    let mut used: usize = spans.iter().map(Span::width).sum();
    for part in parts {
        let sep = Span::styled(" │ ", Style::new().fg(Color::DarkGray));
        used += sep.width() + part.width();
        if used > usize::from(area.width) {
            break;
        }
        spans.extend([sep, part]);
    }
    frame.render_widget(Paragraph::new(Line::from(spans)).style(Style::new().bg(Color::Black)), area);
}

/// The message line's text and style: what the last action said, or else a loaded
/// scenario's description, which stays in view while nothing else is said.
pub fn message_paragraph(app: &App) -> Option<Paragraph<'static>> {
    let (text, style) = match (&app.message, &app.description) {
        (Some(m), _) if m.error => (format!("✗ {}", m.text), Style::new().fg(Color::Red)),
        (Some(m), _) => (m.text.clone(), Style::new().fg(Color::Gray)),
        (None, Some(d)) => (d.clone(), Style::new().fg(Color::Cyan)),
        (None, None) => return None,
    };
    Some(Paragraph::new(text).style(style).wrap(Wrap { trim: false }))
}

/// Lines the message needs at `width`: one, or up to [`MESSAGE_MAX_LINES`] when it
/// is longer than the terminal is wide (an error cut mid-sentence says nothing).
pub fn message_height(message: Option<&Paragraph>, width: u16) -> u16 {
    let lines = message.map_or(1, |p| p.line_count(width.saturating_sub(MESSAGE_INDENT)));
    u16::try_from(lines).unwrap_or(u16::MAX).clamp(1, MESSAGE_MAX_LINES)
}

/// More than this and the message takes too much from the panes.
const MESSAGE_MAX_LINES: u16 = 3;
/// The message stands a column in from the edge, on every line it wraps to.
const MESSAGE_INDENT: u16 = 1;

pub fn message(frame: &mut Frame, area: Rect, message: Option<Paragraph<'static>>) {
    if let Some(p) = message {
        let indented = Rect { x: area.x + MESSAGE_INDENT, width: area.width.saturating_sub(MESSAGE_INDENT), ..area };
        let cut = p.line_count(indented.width) > usize::from(indented.height);
        frame.render_widget(p, indented);
        // Longer than the lines it may take (a long scenario description at 80x24):
        // its last cell says that more was left out, rather than end mid-sentence unsaid.
        if cut && !indented.is_empty() {
            let (buffer, y) = (frame.buffer_mut(), indented.bottom() - 1);
            let end = (indented.left()..indented.right()).rev().find(|&x| buffer[(x, y)].symbol() != " ");
            let x = end.map_or(indented.left(), |x| (x + 1).min(indented.right() - 1));
            buffer[(x, y)].set_symbol("…");
        }
    }
}

/// The keys that do something now, in keymap order; bindings that share a name
/// ("event" for ↑ and ↓) share one entry. Only whole entries: the bar stops before
/// one that would not fit (`?`, first, lists them all).
pub fn keys(frame: &mut Frame, area: Rect, app: &App) {
    let all = keymap::bindings(app.context());
    let mut usable: Vec<&Binding> = all.iter().filter(|b| b.in_bar && app.available(b.action)).collect();
    // Steps ahead (a scenario, an import, a rewind): stepping is what one does, so ← and
    // → come right after quit instead of falling off a narrow bar behind the signals.
    if app.session.cursor() < app.session.timeline().len() {
        let stepping = |b: &&Binding| matches!(b.action, UiAction::Do(Command::Back | Command::Forward));
        let (steps, rest): (Vec<&Binding>, Vec<&Binding>) = usable.into_iter().partition(stepping);
        let after_quit = rest.iter().position(|b| b.action == UiAction::Do(Command::Quit)).map_or(0, |i| i + 1);
        usable = rest;
        usable.splice(after_quit..after_quit, steps);
    }
    let mut spans = vec![Span::raw(" ")];
    let mut used = 1;
    let mut i = 0;
    while i < usable.len() {
        let name = if usable[i].action == UiAction::Do(Command::Quit) { app.quit_name } else { usable[i].name };
        let mut keys = key_name(usable[i].keys[0]);
        while i + 1 < usable.len() && usable[i + 1].name == name {
            i += 1;
            keys.push_str(&key_name(usable[i].keys[0]));
        }
        let label = format!(" {name}  ");
        used += keys.chars().count() + label.trim_end().chars().count();
        if used > usize::from(area.width) {
            break;
        }
        used += 2;
        spans.push(Span::styled(keys, Style::new().fg(Color::Black).bg(Color::Gray)));
        spans.push(Span::raw(label));
        i += 1;
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}
