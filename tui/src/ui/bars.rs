//! The one-line bars: the status line at the top, the message line, and the
//! context-sensitive key bar drawn from the keymap.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::app::App;
use crate::keymap::{self, Binding, key_name};

pub fn status(frame: &mut Frame, area: Rect, app: &App) {
    let s = app.session.status_line();
    let sep = || Span::styled(" │ ", Style::new().fg(Color::DarkGray));
    let state_color = match s.run_state.as_str() {
        r if r.starts_with("completed") => Color::Green,
        r if r.starts_with("failed") || r.starts_with("timed") => Color::Red,
        _ => Color::Yellow,
    };
    // Most telling first: a narrow terminal cuts the end of the line.
    let mut spans = vec![
        Span::styled(format!(" {}", s.workflow_id), Style::new().add_modifier(Modifier::BOLD)),
        sep(),
        Span::styled(s.run_state.clone(), Style::new().fg(state_color)),
        sep(),
        Span::raw(format!("step {}/{}", app.session.cursor(), app.session.timeline().len())),
        sep(),
        // A narrow terminal keeps the elapsed time, and so room for the notification.
        Span::raw(if area.width < 100 {
            format!("+{}", super::human(s.elapsed))
        } else {
            format!("{} (+{})", s.virtual_time, super::human(s.elapsed))
        }),
        sep(),
        Span::raw(if s.notification_sent { "notification sent" } else { "notification not sent" }),
        sep(),
        match app.failures.len() {
            0 => Span::styled(app.label.clone(), Style::new().fg(Color::Cyan)),
            n => Span::styled(format!("{}: {n} expectation(s) failed", app.label), Style::new().fg(Color::Red)),
        },
        sep(),
        Span::raw(format!("seed {}", s.seed)),
    ];
    if !app.session.is_imported() {
        spans.push(sep());
        spans.push(Span::raw(if app.session.auto_run { "auto-run" } else { "manual" }));
    }
    if app.teach.player.mode() != postflow_core::session::PlayMode::Paused {
        spans.insert(1, Span::styled(format!(" {} ", app.teach.player.label()), Style::new().fg(Color::Black).bg(Color::Green)));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)).style(Style::new().bg(Color::Black)), area);
}

pub fn message(frame: &mut Frame, area: Rect, app: &App) {
    let Some(m) = &app.message else {
        // A loaded scenario's description stays in view while nothing else is said.
        if let Some(d) = &app.description {
            frame.render_widget(Paragraph::new(format!(" {d}")).style(Style::new().fg(Color::Cyan)), area);
        }
        return;
    };
    let (mark, style) = if m.error { ("✗ ", Style::new().fg(Color::Red)) } else { ("", Style::new().fg(Color::Gray)) };
    frame.render_widget(Paragraph::new(format!(" {mark}{}", m.text)).style(style), area);
}

/// The keys that do something now, in keymap order; bindings that share a name
/// ("event" for ↑ and ↓) share one entry. Only whole entries: the bar stops before
/// one that would not fit (`?`, first, lists them all).
pub fn keys(frame: &mut Frame, area: Rect, app: &App) {
    let all = keymap::bindings(app.context());
    let usable: Vec<&Binding> = all.iter().filter(|b| b.in_bar && app.available(b.action)).collect();
    let mut spans = vec![Span::raw(" ")];
    let mut used = 1;
    let mut i = 0;
    while i < usable.len() {
        let name = usable[i].name;
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
