//! The history pane (Cadence event names with key attributes, flat or grouped) and
//! the selected event's full JSON. Only the rows on screen are turned into text, so a
//! long history draws as fast as a short one.

use std::collections::HashMap;

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Wrap};

use crate::app::App;
use postflow_core::session::HistoryRow;

/// One line of the history pane.
enum Item {
    Header(String),
    Row(usize),
}

pub fn history(frame: &mut Frame, area: Rect, app: &App) {
    let rows = app.rows();
    let view = if app.grouped { "grouped" } else { "flat" };
    let title = super::fitted_title(
        area.width,
        &[format!(" History: {} events ({view}, g toggles) ", rows.len()), format!(" History: {} events ({view}) ", rows.len())],
    );
    let block = Block::bordered().title(title);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if rows.is_empty() {
        let s = &app.session;
        let hint = match s.workflow_id() {
            // A scenario at its start: its steps are ahead.
            None if s.cursor() < s.timeline().len() => "no workflow yet at this step: → steps forward",
            None => "no workflow yet: s opens the start form",
            Some(_) => "no events yet",
        };
        frame.render_widget(Paragraph::new(hint).style(Style::new().fg(Color::DarkGray)).wrap(Wrap { trim: true }), inner);
        return;
    }
    let items = items(app, &rows);
    let selected = app.selected_index();
    // The events the selected one relates to, marked while its explanation is shown.
    let related: Vec<i64> =
        if app.teach.explain_open { app.explanation().as_ref().as_ref().map(|x| x.related_ids()).unwrap_or_default() } else { Vec::new() };
    let columns = Columns::fitting(&rows);
    let at = items.iter().position(|i| matches!(i, Item::Row(r) if Some(*r) == selected)).unwrap_or(0);
    // Keep the selected line on screen; when following the newest event it sits at the bottom.
    let height = inner.height as usize;
    let offset = (at + 1).saturating_sub(height);
    let lines: Vec<Line> = items[offset..]
        .iter()
        .take(height)
        .map(|item| match item {
            Item::Header(t) => Line::styled(t.clone(), Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD)),
            Item::Row(r) => columns.line(&rows[*r], app.grouped, Some(*r) == selected, related.contains(&rows[*r].event_id)),
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), inner);
}

/// The pane's lines in order: flat rows, or each group's title followed by its rows.
fn items(app: &App, rows: &[HistoryRow]) -> Vec<Item> {
    if !app.grouped {
        return (0..rows.len()).map(Item::Row).collect();
    }
    let index: HashMap<i64, usize> = rows.iter().enumerate().map(|(i, r)| (r.event_id, i)).collect();
    let mut items = Vec::with_capacity(rows.len() * 2);
    for g in app.groups().iter() {
        items.push(Item::Header(g.title.clone()));
        items.extend(g.event_ids.iter().filter_map(|id| index.get(id)).map(|&i| Item::Row(i)));
    }
    items
}

/// The widths of a row's columns, fitted to the whole history (not the rows on
/// screen, so the columns stay put while scrolling): every column a fixed width would
/// waste is one more character of the details, which at 80 columns get what is left
/// of a 44-column pane.
#[derive(Clone, Copy)]
struct Columns {
    id: usize,
    at: usize,
    event_type: usize,
}

impl Columns {
    fn fitting(rows: &[HistoryRow]) -> Columns {
        let digits = |n: u64| n.checked_ilog10().unwrap_or(0) as usize + 1;
        Columns {
            id: rows.iter().map(|r| digits(r.event_id.unsigned_abs())).max().unwrap_or(1),
            at: rows.iter().map(|r| digits(r.at_secs)).max().unwrap_or(1),
            event_type: rows.iter().map(|r| r.event_type.len()).max().unwrap_or(0),
        }
    }

    fn line(&self, r: &HistoryRow, indent: bool, selected: bool, related: bool) -> Line<'static> {
        let style = match (selected, related) {
            (true, _) => Style::new().add_modifier(Modifier::REVERSED),
            (false, true) => Style::new().fg(Color::Magenta).add_modifier(Modifier::BOLD),
            _ => Style::new(),
        };
        let pad = if indent { "  " } else { "" };
        let mark = if related { "»" } else { " " };
        let Columns { id, at, event_type } = *self;
        Line::from(vec![
            Span::raw(format!("{pad}{mark}{:>id$} {:>at$}s ", r.event_id, r.at_secs)),
            Span::styled(format!("{:<event_type$} ", r.event_type), Style::new().fg(Color::Yellow)),
            Span::raw(r.details.clone()),
        ])
        .style(style)
    }
}

pub fn event_json(frame: &mut Frame, area: Rect, app: &App) {
    let rows = app.rows();
    let Some(row) = app.selected_index().and_then(|i| rows.get(i)) else {
        super::guide::no_event(frame, area, app, " Event JSON ", ("shown as JSON", "its JSON"));
        return;
    };
    let json = app.session.event_json(row.event_id).unwrap_or_default();
    let title = super::fitted_title(
        area.width,
        &[format!(" Event {} {} (↑↓ select) ", row.event_id, row.event_type), format!(" Event {} {} ", row.event_id, row.event_type)],
    );
    let mut block = Block::bordered().title(title);
    let inner = block.inner(area);
    // Wrapped, indentation kept: a long value (a result, a failure's details) cut at
    // the pane's edge was not "the event's full JSON" at 80 columns.
    let lines: Vec<Line> = json.lines().map(|l| Line::raw(l.to_owned())).collect();
    let text = Paragraph::new(lines).wrap(Wrap { trim: false });
    let (offset, note) =
        super::scrolled(&app.detail_scroll, &app.detail_at(), text.line_count(inner.width), usize::from(inner.height), "J K");
    if let Some(note) = note {
        block = block.title_bottom(note);
    }
    frame.render_widget(text.scroll((offset, 0)).block(block), area);
}
