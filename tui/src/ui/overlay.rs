//! Overlays drawn over the panes: the start form, the one-line prompts, the scenario
//! picker and the help (drawn from the keymap).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};

use super::{centered, fit_start};
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

/// A text being edited, in at most `room` columns: the text before the cursor, the
/// cursor, the text after it. The cursor is the character under it reversed, or after
/// the end a `_`, where typing goes. A text longer than the room shows the part around
/// the cursor, cut with `…` on the side(s) it goes on: its end while the cursor is in
/// the end's part (as typing at the end always was), its start while the cursor is in
/// the start's, else the cursor in the middle.
fn edited_text(text: &str, cursor: usize, room: usize) -> Vec<Span<'static>> {
    let chars: Vec<char> = text.chars().collect();
    let cursor = cursor.min(chars.len());
    // One cell per character, and the `_` after the end when the cursor is there.
    let mut widths: Vec<usize> = chars.iter().map(|c| super::columns(c.encode_utf8(&mut [0; 4]))).collect();
    if cursor == chars.len() {
        widths.push(1);
    }
    let cells = widths.len();
    let cost = |from: usize, to: usize| widths[from..to].iter().sum::<usize>() + usize::from(from > 0) + usize::from(to < cells);
    let (from, to) = if cost(0, cells) <= room {
        (0, cells)
    } else {
        // The longest end that fits, else the longest start, else around the cursor.
        let tail = (0..cells).find(|&from| cost(from, cells) <= room).unwrap_or(cells);
        let head = (0..=cells).rev().find(|&to| cost(0, to) <= room).unwrap_or(0);
        if tail <= cursor {
            (tail, cells)
        } else if cursor < head {
            (0, head)
        } else {
            let (mut from, mut to) = (cursor, cursor + 1);
            loop {
                let right = to < cells && cost(from, to + 1) <= room;
                if right {
                    to += 1;
                }
                let left = from > 0 && cost(from - 1, to) <= room;
                if left {
                    from -= 1;
                }
                if !right && !left {
                    break (from, to);
                }
            }
        }
    };
    // Cells `a..b` as text; the `_` cell after the end is none of the characters.
    let piece = |a: usize, b: usize| chars[a.min(chars.len())..b.min(chars.len())].iter().collect::<String>();
    let mut spans = Vec::new();
    if from > 0 {
        spans.push(Span::raw("…"));
    }
    spans.push(Span::raw(piece(from, cursor)));
    match chars.get(cursor) {
        Some(c) => spans.push(Span::styled(c.to_string(), Style::new().add_modifier(Modifier::REVERSED))),
        None => spans.push(Span::raw("_")),
    }
    spans.push(Span::raw(piece(cursor + 1, to)));
    if to < cells {
        spans.push(Span::raw("…"));
    }
    spans
}

/// `spans` cut into rows of `width` columns at any character, as a shell's input line
/// wraps: a long word is not moved to a row of its own (word wrapping would leave
/// `> ` alone on the first row, and the input a row taller than its room).
fn char_rows(spans: Vec<Span<'static>>, width: usize) -> Vec<Line<'static>> {
    let mut rows = vec![Vec::new()];
    let mut used = 0;
    for span in spans {
        let mut piece = String::new();
        for c in span.content.chars() {
            let w = super::columns(c.encode_utf8(&mut [0; 4]));
            if used + w > width && used > 0 {
                let row = rows.last_mut().expect("one row at least");
                row.push(Span::styled(std::mem::take(&mut piece), span.style));
                rows.push(Vec::new());
                used = 0;
            }
            piece.push(c);
            used += w;
        }
        rows.last_mut().expect("one row at least").push(Span::styled(piece, span.style));
    }
    rows.into_iter().map(Line::from).collect()
}

pub fn form(frame: &mut Frame, screen: Rect, f: &StartForm) {
    let width = 72.min(screen.width);
    // Every field keeps one row, so a long value (a pasted order id) cannot push the
    // fields below it, or the keys, out of the box: the focused field shows the part
    // around its cursor, the others their start, each cut with `…`.
    let room = usize::from(width.saturating_sub(2)).saturating_sub(13);
    let mut lines = Vec::new();
    for (i, label) in LABELS.iter().enumerate() {
        let focused = i == f.focus;
        let mut spans = vec![
            Span::styled(format!("{label:>12}"), if focused { Style::new().add_modifier(Modifier::REVERSED) } else { Style::new() }),
            Span::raw(" "),
        ];
        match f.placeholder(i) {
            Some(p) if !focused => spans.push(Span::styled(fit_start(&p, room), Style::new().fg(Color::DarkGray))),
            _ if focused => spans.extend(edited_text(&f.values[i], f.cursor(), room)),
            _ => spans.push(Span::raw(fit_start(&f.values[i], room))),
        }
        lines.push(Line::from(spans));
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
    // A long input (a pasted text) shows the part around the cursor in at most a few
    // rows: the error and the keys below it stay in view.
    let room = (usize::from(width.saturating_sub(2)) * PROMPT_INPUT_ROWS).saturating_sub(2);
    let mut input = vec![Span::raw("> ")];
    input.extend(edited_text(&p.input, p.cursor(), room));
    let mut lines = char_rows(input, usize::from(width.saturating_sub(2)));
    lines.push(error_line(&p.error));
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
    let width = 76.min(screen.width);
    let n = BUILTIN.len();
    // Under the list: a blank line, the selected scenario's description, the keys.
    let tail = vec![Line::raw(""), Line::styled(App::scenario_description(selected), Style::new().fg(Color::Gray)), hint(Context::Picker)];
    let tail_rows = usize::from(super::bordered_height(&Paragraph::new(tail.clone()).wrap(Wrap { trim: false }), width)) - 2;
    // The list takes the rows the description and the keys leave: on a short window
    // (18 scenarios at 80x24) it shows the part around the selected one, and its
    // border says which part, so that the description's end and the keys stay in the box.
    let room = usize::from(screen.height).saturating_sub(tail_rows + 2).clamp(1, n);
    let first = selected.saturating_sub(room / 2).min(n - room);
    let mut lines: Vec<Line> = BUILTIN
        .iter()
        .enumerate()
        .skip(first)
        .take(room)
        .map(|(i, b)| {
            let style = if i == selected { Style::new().add_modifier(Modifier::REVERSED) } else { Style::new() };
            Line::styled(format!(" {}", b.name), style)
        })
        .collect();
    lines.extend(tail);
    // As tall as the selected scenario's description wraps to, so its end and the keys
    // stay in the box (unreadable-scan's takes four lines at this width); the box keeps
    // its height for the shorter ones.
    let text = Paragraph::new(lines).wrap(Wrap { trim: false });
    let height = super::bordered_height(&text, width).max(room as u16 + 7);
    let (area, mut block) = popup(frame, centered(screen, width, height), " Built-in scenarios ");
    if room < n {
        block = block.title_bottom(Line::from(format!(" {}-{} of {n}: ↑↓ ", first + 1, first + room)).right_aligned());
    }
    frame.render_widget(text.block(block), area);
}

/// The help's width, where the screen has room for it.
const HELP_WIDTH: u16 = 84;
/// A help line's keys column: indent, keys, a space.
const HELP_KEYS: usize = 13;

/// The whole help, drawn from the keymap, for a help `width` columns wide (borders
/// included): a sentence longer than its column goes on under itself, never cut.
pub fn help_text(bridge: bool, width: u16) -> Vec<Line<'static>> {
    // The sentences' column keeps at least 20 characters however narrow the screen.
    let line_width = usize::from(width.saturating_sub(2)).saturating_sub(HELP_KEYS).max(20) + HELP_KEYS;
    let indent = " ".repeat(HELP_KEYS);
    let mut lines = Vec::new();
    if bridge {
        let note = Style::new().fg(Color::Yellow);
        lines.push(Line::styled("bridge mode: a real Cadence server; the clock is real, so n, t, r and m do nothing,", note));
        lines.push(Line::styled("and p, i are the simulator's. The worker runs outside this app: bridge worker", note));
    }
    let heading = |title: &str| Line::styled(title.to_owned(), Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD));
    for context in [Context::Main, Context::Form, Context::Prompt, Context::Picker, Context::Commands, Context::Help] {
        lines.push(heading(context.title()));
        for b in keymap::bindings(context) {
            let keys = format!("  {:<10} ", keys_text(&b));
            lines.extend(postflow_core::wrap::wrap(b.help, &keys, &indent, line_width).lines().map(|l| Line::raw(l.to_owned())));
        }
    }
    lines.push(heading("typing in the start form's fields and in prompts"));
    for (code, _, help) in keymap::EDIT_KEYS {
        lines.push(Line::raw(format!("  {:<10} {help}", keymap::key_name(*code))));
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

#[cfg(test)]
mod tests {
    use super::*;

    /// What `edited_text` shows, the cursor's character in brackets.
    fn shown(text: &str, cursor: usize, room: usize) -> String {
        edited_text(text, cursor, room)
            .iter()
            .map(|s| if s.style.add_modifier.contains(Modifier::REVERSED) { format!("[{}]", s.content) } else { s.content.to_string() })
            .collect()
    }

    #[test]
    fn a_text_that_fits_is_shown_whole_with_its_cursor() {
        assert_eq!(shown("Delft", 5, 20), "Delft_");
        assert_eq!(shown("Delft", 0, 20), "[D]elft");
        assert_eq!(shown("", 0, 20), "_");
        assert_eq!(shown("東京📦", 1, 20), "東[京]📦");
    }

    #[test]
    fn a_long_text_shows_the_end_the_start_or_the_middle_where_the_cursor_is() {
        let text = "abcdefghijklmnopqrstuvwxyz";
        assert_eq!(shown(text, 26, 10), "…stuvwxyz_");
        assert_eq!(shown(text, 20, 10), "…rst[u]vwxyz", "still in the end's part");
        assert_eq!(shown(text, 0, 10), "[a]bcdefghi…");
        assert_eq!(shown(text, 7, 10), "abcdefg[h]i…", "still in the start's part");
        assert_eq!(shown(text, 13, 10), "…klm[n]opqr…", "the middle");
    }

    #[test]
    fn wide_characters_count_two_columns_in_the_room() {
        // 10 wide characters are 20 columns: 9 columns hold `…`, four of them and `_`.
        let text = "東京東京東京東京東京";
        assert_eq!(shown(text, 10, 10), "…東京東京_");
        assert_eq!(shown(text, 0, 10), "[東]京東京…");
        let middle = shown(text, 5, 10);
        assert!(middle.starts_with('…') && middle.ends_with('…') && middle.contains("[京]"), "{middle}");
        assert!(ratatui::text::Span::raw(middle.replace(['[', ']'], "")).width() <= 10, "{middle}");
    }

    #[test]
    fn a_prompts_input_is_cut_into_rows_at_any_character_its_cursor_kept() {
        let spans =
            vec![Span::raw("> "), Span::raw("ab東"), Span::styled("c", Style::new().add_modifier(Modifier::REVERSED)), Span::raw("def")];
        let rows: Vec<String> =
            char_rows(spans, 4)
                .iter()
                .map(|l| {
                    l.spans
                        .iter()
                        .map(|s| {
                            if s.style.add_modifier.contains(Modifier::REVERSED) {
                                format!("[{}]", s.content)
                            } else {
                                s.content.to_string()
                            }
                        })
                        .collect()
                })
                .collect();
        // `> ` stays with the text after it; 東 (two columns) does not fit after `ab`.
        assert_eq!(rows, ["> ab", "東[c]d", "ef"]);
    }

    #[test]
    fn a_room_too_small_for_anything_still_shows_the_cursor_and_never_panics() {
        for room in 0..4 {
            for at in 0..=3 {
                assert!(shown("a東📦", at, room).contains(['[', '_']), "room {room} at {at}");
            }
        }
    }
}
