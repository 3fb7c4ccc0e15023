//! Overlays drawn over the panes: the start form, the one-line prompts, the scenario
//! picker and the help (drawn from the keymap).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};

use super::{centered, fit_end, fit_start};
use crate::app::App;
use crate::form::{LABELS, StartForm};
use crate::keymap::{self, Context, keys_text};
use crate::prompt::Prompt;
use postflow_core::scenario::BUILTIN;

fn popup<'a>(frame: &mut Frame, area: Rect, title: &'a str) -> (Rect, Block<'a>) {
    frame.render_widget(Clear, area);
    (area, Block::bordered().title(title).style(Style::new().bg(Color::Black)))
}

fn error_line(error: &Option<String>) -> Line<'static> {
    match error {
        Some(e) => Line::styled(format!("✗ {e}"), Style::new().fg(Color::Red)),
        None => Line::raw(""),
    }
}

fn hint(context: Context) -> Line<'static> {
    let text = keymap::bindings(context).iter().map(|b| format!("{} {}", keys_text(b), b.name)).collect::<Vec<_>>().join("  ");
    Line::styled(text, Style::new().fg(Color::DarkGray))
}

pub fn form(frame: &mut Frame, screen: Rect, f: &StartForm) {
    let width = 72.min(screen.width);
    // Every field keeps one row, so a long value (a pasted order id) cannot push the
    // fields below it, or the keys, out of the box: the focused field shows its end,
    // where typing goes, the others their start, each cut with `…`.
    let room = usize::from(width.saturating_sub(2)).saturating_sub(13);
    let mut lines = Vec::new();
    for (i, label) in LABELS.iter().enumerate() {
        let focused = i == f.focus;
        let value = match f.placeholder(i) {
            Some(p) if !focused => Span::styled(fit_start(&p, room), Style::new().fg(Color::DarkGray)),
            _ if focused => Span::raw(fit_end(&format!("{}_", f.values[i]), room)),
            _ => Span::raw(fit_start(&f.values[i], room)),
        };
        let label_style = if focused { Style::new().add_modifier(Modifier::REVERSED) } else { Style::new() };
        lines.push(Line::from(vec![Span::styled(format!("{label:>12}"), label_style), Span::raw(" "), value]));
    }
    lines.push(Line::raw(""));
    lines.push(error_line(&f.error));
    lines.push(hint(Context::Form));
    // As tall as its lines wrap to (a long error), so the keys stay in the box.
    let text = Paragraph::new(lines).wrap(Wrap { trim: false });
    let height = super::bordered_height(&text, width).max(LABELS.len() as u16 + 6);
    let (area, block) = popup(frame, centered(screen, width, height), " Start an order (cadence wf start) ");
    frame.render_widget(text.block(block), area);
}

/// The most rows a prompt's input takes.
const PROMPT_INPUT_ROWS: usize = 4;

pub fn prompt(frame: &mut Frame, screen: Rect, p: &Prompt) {
    let width = 76.min(screen.width);
    // A long input (a pasted text) shows its end, where typing goes, in at most a few
    // rows: the error and the keys below it stay in view.
    let room = (usize::from(width.saturating_sub(2)) * PROMPT_INPUT_ROWS).saturating_sub(2);
    let mut lines = vec![Line::raw(format!("> {}", fit_end(&format!("{}_", p.input), room))), error_line(&p.error)];
    if let Some(note) = p.kind.note() {
        lines.push(Line::styled(note, Style::new().fg(Color::Gray)));
    }
    lines.push(hint(Context::Prompt));
    // As tall as its lines wrap to, so a long error never pushes the keys out.
    let text = Paragraph::new(lines).wrap(Wrap { trim: false });
    let height = super::bordered_height(&text, width);
    let (area, block) = popup(frame, centered(screen, width, height), p.kind.title());
    frame.render_widget(text.block(block), area);
}

pub fn picker(frame: &mut Frame, screen: Rect, selected: usize) {
    let (area, block) = popup(frame, centered(screen, 76, BUILTIN.len() as u16 + 7), " Built-in scenarios ");
    let mut lines: Vec<Line> = BUILTIN
        .iter()
        .enumerate()
        .map(|(i, b)| {
            let style = if i == selected { Style::new().add_modifier(Modifier::REVERSED) } else { Style::new() };
            Line::styled(format!(" {}", b.name), style)
        })
        .collect();
    lines.push(Line::raw(""));
    lines.push(Line::styled(App::scenario_description(selected), Style::new().fg(Color::Gray)));
    lines.push(hint(Context::Picker));
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }).block(block), area);
}

/// The help's width, where the screen has room for it.
const HELP_WIDTH: u16 = 84;
/// A help line's keys column: indent, keys, a space.
const HELP_KEYS: usize = 13;

/// The whole help, drawn from the keymap, for a help `width` columns wide (borders
/// included): a sentence longer than its column goes on under itself, never cut.
pub fn help_text(bridge: bool, width: u16) -> Vec<Line<'static>> {
    let room = usize::from(width.saturating_sub(2)).saturating_sub(HELP_KEYS).max(20);
    let mut lines = Vec::new();
    if bridge {
        let note = Style::new().fg(Color::Yellow);
        lines.push(Line::styled("bridge mode: a real Cadence server; the clock is real, so n, t, r and m do nothing,", note));
        lines.push(Line::styled("and p, i are the simulator's. The worker runs outside this app: bridge worker", note));
    }
    for context in [Context::Main, Context::Form, Context::Prompt, Context::Picker, Context::Commands, Context::Help] {
        lines.push(Line::styled(context.title().to_owned(), Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD)));
        for b in keymap::bindings(context) {
            for (i, part) in wrap_words(b.help, room).into_iter().enumerate() {
                let keys = if i == 0 { keys_text(&b) } else { String::new() };
                lines.push(Line::raw(format!("  {keys:<10} {part}")));
            }
        }
    }
    lines
}

/// Draws the help scrolled by `scroll` lines; returns the most it can scroll at this
/// size, for the keys.
pub fn help(frame: &mut Frame, screen: Rect, bridge: bool, scroll: u16) -> u16 {
    let width = HELP_WIDTH.min(screen.width);
    let lines = help_text(bridge, width);
    let total = lines.len() as u16;
    let (area, _) = popup(frame, centered(screen, width, total + 2), "");
    let visible = area.height.saturating_sub(2);
    let max = total.saturating_sub(visible);
    let scroll = scroll.min(max);
    let title = if total > visible {
        format!(" Keys: lines {}-{} of {total}, ↑↓ PgUp PgDn scroll, Esc closes ", scroll + 1, (scroll + visible).min(total))
    } else {
        " Keys (Esc closes) ".to_owned()
    };
    let block = Block::bordered().title(title).style(Style::new().bg(Color::Black));
    frame.render_widget(Paragraph::new(lines).scroll((scroll, 0)).block(block), area);
    max
}

/// `text` in rows of at most `room` characters, broken at spaces (a word longer than a
/// row is cut into pieces).
fn wrap_words(text: &str, room: usize) -> Vec<String> {
    let mut rows = vec![String::new()];
    for word in text.split(' ') {
        let row = rows.last_mut().expect("one row at least");
        let (have, more) = (row.chars().count(), word.chars().count());
        if have > 0 && have + 1 + more <= room {
            row.push(' ');
            row.push_str(word);
        } else if have == 0 && more <= room {
            row.push_str(word);
        } else {
            let chars: Vec<char> = word.chars().collect();
            let mut pieces = chars.chunks(room.max(1)).map(|c| c.iter().collect::<String>());
            if have == 0 {
                *row = pieces.next().unwrap_or_default();
            }
            rows.extend(pieces);
        }
    }
    rows
}

/// Every cadence command of the session, full screen and without borders, so a
/// mouse selection copies a command and nothing else; `y` copies it with OSC 52.
pub fn commands(frame: &mut Frame, screen: Rect, app: &App, selected: usize) {
    frame.render_widget(Clear, screen);
    let s = &app.session;
    let cmds = postflow_core::session::script::commands(s);
    let mut lines = vec![
        Line::styled(
            format!("cadence commands of this session ({}), oldest first; the selected one is bright", cmds.len()),
            Style::new().fg(Color::Cyan),
        ),
        hint(Context::Commands),
        // The overlay covers the message line: what y said ("copied ...") shows here.
        match &app.message {
            Some(m) if m.error => Line::styled(format!("✗ {}", m.text), Style::new().fg(Color::Red)),
            Some(m) => Line::styled(m.text.clone(), Style::new().fg(Color::Yellow)),
            None => Line::raw(""),
        },
    ];
    let width = screen.width.max(1) as usize;
    let mut selected_end = 0;
    for (i, (step, c)) in cmds.iter().enumerate() {
        let style = if i == selected { Style::new().fg(Color::Green).add_modifier(Modifier::BOLD) } else { Style::new().fg(Color::Gray) };
        lines.push(Line::styled(format!("# step {step}"), Style::new().fg(Color::DarkGray)));
        // Cut at the screen's width, not at spaces: the rows put together are the
        // command exactly, with no indent and no border.
        let chars: Vec<char> = c.chars().collect();
        for chunk in chars.chunks(width) {
            lines.push(Line::styled(chunk.iter().collect::<String>(), style));
        }
        if i == selected {
            selected_end = lines.len();
        }
    }
    // Keep the selected command in view.
    let scroll = (selected_end as u16).saturating_sub(screen.height);
    frame.render_widget(Paragraph::new(lines).scroll((scroll, 0)).style(Style::new().bg(Color::Black)), screen);
}
