//! Drawing: lays out the panes and overlays on one frame, or a short message when the
//! terminal is too small to lay them out at all. Also renders a frame to plain text
//! (for `--print`, snapshot tests and benchmarks) through ratatui's `TestBackend`.

mod bars;
mod bridge;
pub mod fleet;
mod guide;
mod history;
mod overlay;
mod panes;

use ratatui::Frame;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Block, Paragraph, Wrap};

use crate::app::{App, Mode, PaneScroll};

/// The smallest terminal the panes fit in.
pub const MIN_WIDTH: u16 = 80;
pub const MIN_HEIGHT: u16 = 24;

/// Below the smallest size the panes fit in, says so in their place (`what` needs it,
/// `quit` quits); whether it did.
pub(crate) fn too_small(frame: &mut Frame, what: &str, quit: &str) -> bool {
    let area = frame.area();
    if area.width >= MIN_WIDTH && area.height >= MIN_HEIGHT {
        return false;
    }
    let text = format!(
        "postflow: the terminal is {}x{}; {what} needs at least {MIN_WIDTH}x{MIN_HEIGHT}. Make it larger, or press {quit} to quit.",
        area.width, area.height
    );
    frame.render_widget(Paragraph::new(text).wrap(Wrap { trim: true }), area);
    true
}

pub fn draw(frame: &mut Frame, app: &App) {
    let area = frame.area();
    if too_small(frame, "it", "ctrl-c") {
        return;
    }
    // Built once: its height shapes the layout, then it is drawn.
    let message_text = bars::message_paragraph(app);
    let message_height = bars::message_height(message_text.as_ref(), area.width);
    // The last action grows for a long command (a start with its input wraps to four
    // lines at 80 columns) by rows a taller window has to spare: at 80x24 the panes
    // above need every row. Its border says when the command is cut.
    let last_pane = match &app.bridge {
        None => panes::last_action(app, area.width),
        Some(b) => bridge::last_action(b),
    };
    let last_needed = last_pane.height(area.width);
    let [status, body, last, message, keys] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(8),
        Constraint::Length(last_needed.clamp(5, 7.min(5 + (area.height - MIN_HEIGHT) / 4))),
        Constraint::Length(message_height),
        Constraint::Length(1),
    ])
    .areas(area);
    let [left, right] = Layout::horizontal([Constraint::Percentage(55), Constraint::Percentage(45)]).areas(body);
    let [hist, json] = Layout::vertical([Constraint::Percentage(55), Constraint::Percentage(45)]).areas(left);
    // Built before the layout, like the message: the pane takes the rows it needs.
    let pending_pane = match &app.bridge {
        None => panes::pending(app),
        Some(b) => bridge::pending(b),
    };
    // Measured once: the layout gives it rows, and its border says when they fell short.
    let pending_needed = pending_pane.height(right.width);
    let pending_height = pending_needed.max(4);
    // The guide takes the middle of the right column; the pending pane, the query and
    // the log shrink to make room.
    let (pending, guide, query, log) = if app.teach.guide_open {
        let rows = tour_column(right.height, pending_height);
        let [p, g, q, l] = Layout::vertical(rows.map(Constraint::Length)).areas(right);
        // The guide says where the panes it took went: the tour points at the log.
        let hidden = match (rows[2] == 0, rows[3] == 0) {
            (true, true) => Some("the query and the log"),
            (true, false) => Some("the query"),
            (false, true) => Some("the log"),
            (false, false) => None,
        };
        (p, Some((g, hidden)), q, l)
    } else {
        let [p, q, l] = Layout::vertical([Constraint::Length(pending_height), Constraint::Length(4), Constraint::Min(3)]).areas(right);
        (p, None, q, l)
    };

    history::history(frame, hist, app);
    if let Some(why) = app.refusal_explained() {
        guide::refusal(frame, json, app, why);
    } else if app.teach.explain_open {
        guide::explanation(frame, json, app);
    } else {
        history::event_json(frame, json, app);
    }
    if let Some((g, hidden)) = guide {
        guide::guide(frame, g, app, hidden);
    }
    pending_pane.draw(frame, pending, pending_needed);
    match &app.bridge {
        None => {
            bars::status(frame, status, app);
            panes::query(frame, query, app);
            panes::log(frame, log, app);
        }
        Some(b) => {
            bridge::status(frame, status, app, b);
            bridge::query(frame, query, b);
            bridge::log(frame, log);
        }
    }
    last_pane.draw(frame, last, last_needed);
    bars::message(frame, message, message_text);
    bars::keys(frame, keys, app);

    match &app.mode {
        Mode::Main => {}
        Mode::Form(f) => overlay::form(frame, area, f),
        Mode::Prompt(p) => overlay::prompt(frame, area, p),
        Mode::Picker(i) => overlay::picker(frame, area, *i),
        // Above the key bar, which says how to scroll and close it: a help taller than
        // the screen covered the bar.
        Mode::Help(scroll) => {
            let above_keys = Rect { height: keys.y.saturating_sub(area.y), ..area };
            app.help_max.set(overlay::help(frame, above_keys, app.bridge.is_some(), *scroll))
        }
        Mode::Commands(selected) => overlay::commands(frame, area, app, *selected),
    }
}

/// The guide's fewest rows: its title, eight lines and its bottom border.
const GUIDE_MIN: u16 = 10;
/// A pane with one line of text: its borders and the line.
const ONE_LINE: u16 = 3;

/// The rows of the right column with the tour open, `height` in all: the pending pane
/// (at most what it needs, and a third of the column, 8 rows on a small screen), the
/// guide (at least [`GUIDE_MIN`]: it is what the participant reads now), the query
/// and the log. The log and the query are given their rows whole or not at all (a
/// pane of borders only said nothing, and a lone top border looked broken); the log
/// first, as the tour points at it ("the log says Notification sent") and a query's
/// answer shows in the last action pane too. What they do not take goes to the guide.
fn tour_column(height: u16, pending_needed: u16) -> [u16; 4] {
    let pending = pending_needed.min((height / 3).max(8)).min(height.saturating_sub(GUIDE_MIN));
    let mut rest = height.saturating_sub(pending + GUIDE_MIN);
    let mut take = |rows: u16| {
        let got = if rest >= rows { rows } else { 0 };
        rest -= got;
        got
    };
    let log = take(ONE_LINE);
    let query = take(ONE_LINE);
    // The log's second line comes before more rows of the guide, which scrolls.
    let log = log + if log > 0 { take(1) } else { 0 };
    [pending, GUIDE_MIN + rest, query, log]
}

/// A pane showing `at`, `total` lines of which `visible` fit: its offset for this
/// draw, kept within what there is to see, and the note for its bottom border when it
/// holds more than it shows, naming the pane's scroll `keys`. The limit is kept for
/// the keys.
fn scrolled<At: PartialEq>(scroll: &PaneScroll<At>, at: &At, total: usize, visible: usize, keys: &str) -> (u16, Option<Line<'static>>) {
    let max = u16::try_from(total.saturating_sub(visible)).unwrap_or(u16::MAX);
    scroll.max.set(max);
    let offset = scroll.offset(at);
    let note = (max > 0).then(|| {
        let last = (usize::from(offset) + visible).min(total);
        Line::from(format!(" lines {}-{last} of {total}: {keys} scroll ", offset + 1)).right_aligned()
    });
    (offset, note)
}

/// Draws `lines`, wrapped, in `block`, scrolled as `scroll` is for `at`; the bottom
/// border says which lines show when they are not all of them.
fn draw_scrolled<At: PartialEq>(
    frame: &mut Frame,
    area: Rect,
    mut block: Block<'static>,
    lines: Vec<Line<'static>>,
    (scroll, at, keys): (&PaneScroll<At>, &At, &str),
) {
    let inner = block.inner(area);
    let text = Paragraph::new(lines).wrap(Wrap { trim: true });
    let (offset, note) = scrolled(scroll, at, text.line_count(inner.width), usize::from(inner.height), keys);
    if let Some(note) = note {
        block = block.title_bottom(note);
    }
    frame.render_widget(text.scroll((offset, 0)).block(block), area);
}

/// The first of `titles` (longest first) that fits on the top border of a pane
/// `width` columns wide, its corners left free; else the last, cut with "…". A title
/// cut mid-word ("(x: JSO") says less than a shorter one said whole.
fn fitted_title(width: u16, titles: &[String]) -> String {
    let room = usize::from(width.saturating_sub(2));
    let fits = |t: &String| Line::raw(t.as_str()).width() <= room;
    if let Some(t) = titles.iter().find(|t| fits(t)) {
        return t.clone();
    }
    let last = titles.last().map(String::as_str).unwrap_or_default();
    let mut cut = String::new();
    for c in last.chars() {
        if Line::raw(format!("{cut}{c}…")).width() > room {
            break;
        }
        cut.push(c);
    }
    format!("{cut}…")
}

/// How many lines the help has (its scroll limit).
pub fn help_lines(bridge: bool) -> u16 {
    // As many as the narrowest screen the panes are drawn on wraps the help to.
    overlay::help_text(bridge, MIN_WIDTH).len() as u16
}

/// Draws one frame on an in-memory terminal of the given size.
pub fn render(app: &App, width: u16, height: u16) -> Buffer {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("an in-memory terminal cannot fail");
    terminal.draw(|f| draw(f, app)).expect("drawing in memory cannot fail");
    terminal.backend().buffer().clone()
}

/// A buffer as text, one line per row, trailing blanks trimmed.
pub fn buffer_text(buffer: &Buffer) -> String {
    let area = buffer.area;
    let mut out = String::new();
    for y in area.top()..area.bottom() {
        let mut line = String::new();
        let mut x = area.left();
        while x < area.right() {
            // A wide character (東, 📦) takes two cells and the second holds a blank
            // that a terminal never prints: skip it, or the text reads "東 京".
            let symbol = buffer[(x, y)].symbol();
            line.push_str(symbol);
            x = x.saturating_add(u16::try_from(columns(symbol).max(1)).unwrap_or(1));
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// The screen as text: what `--print` prints.
pub fn render_text(app: &App, width: u16, height: u16) -> String {
    buffer_text(&render(app, width, height))
}

/// The fleet screen rendered as text (for `--print` and snapshot tests).
pub fn render_fleet_text(screen: &fleet::FleetScreen, width: u16, height: u16) -> String {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("an in-memory terminal cannot fail");
    terminal.draw(|f| fleet::draw(f, screen)).expect("drawing in memory cannot fail");
    buffer_text(terminal.backend().buffer())
}

/// The rows wrapped text takes in a bordered box `width` columns wide, borders included.
fn bordered_height(text: &Paragraph, width: u16) -> u16 {
    u16::try_from(text.line_count(width.saturating_sub(2))).unwrap_or(u16::MAX).saturating_add(2)
}

/// How many columns `s` takes on the terminal (wide characters take two).
fn columns(s: &str) -> usize {
    ratatui::text::Span::raw(s).width()
}

/// `s` whole if it fits in `room` columns, else its start and `…`.
fn fit_start(s: &str, room: usize) -> String {
    if columns(s) <= room {
        return s.to_owned();
    }
    let mut out = String::new();
    // The `…` is one column.
    let mut used = 1;
    for c in s.chars() {
        let w = columns(c.encode_utf8(&mut [0; 4]));
        if used + w > room {
            break;
        }
        used += w;
        out.push(c);
    }
    out.push('…');
    out
}

/// A rectangle of at most `w`x`h` centred in `area`.
fn centered(area: Rect, w: u16, h: u16) -> Rect {
    let (w, h) = (w.min(area.width), h.min(area.height));
    Rect { x: area.x + (area.width - w) / 2, y: area.y + (area.height - h) / 2, width: w, height: h }
}

#[cfg(test)]
mod tests {

    #[test]
    fn a_title_is_the_longest_that_fits_whole() {
        let titles = [" Why 40 WorkflowExecutionCompleted (x: JSON) ".to_owned(), " Why 40 WorkflowExecutionCompleted ".to_owned()];
        assert_eq!(super::fitted_title(80, &titles), titles[0]);
        assert_eq!(super::fitted_title(44, &titles), titles[1], "44 columns hold 42 of title");
        assert_eq!(super::fitted_title(20, &titles), " Why 40 WorkflowE…", "18 columns, the … one of them");
        assert_eq!(super::fitted_title(2, &titles), "…");
    }

    #[test]
    fn with_the_tour_open_the_query_and_the_log_get_a_line_or_no_rows() {
        // (pending, guide, query, log) for the right column's height and what the
        // pending pane needs.
        for height in 14..60 {
            for needed in 4..30 {
                let [pending, guide, query, log] = super::tour_column(height, needed);
                assert_eq!(pending + guide + query + log, height, "{height} {needed}");
                assert!(guide >= super::GUIDE_MIN, "{height} {needed}");
                assert!(pending >= 4 && pending <= needed, "{height} {needed}");
                assert!(query == 0 || query == 3, "{height} {needed}: {query}");
                assert!(log == 0 || log >= 3, "{height} {needed}: {log}");
                assert!(log > 0 || query == 0, "the log comes first: {height} {needed}");
            }
        }
        // 80x24: the pending pane and the guide take the column; 100x30: the log too;
        // a tall window: everything, the guide the rest.
        assert_eq!(super::tour_column(16, 9), [6, 10, 0, 0]);
        assert_eq!(super::tour_column(22, 9), [8, 10, 0, 4]);
        assert_eq!(super::tour_column(40, 9), [9, 24, 3, 4]);
    }
}
