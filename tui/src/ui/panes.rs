//! The side panes: pending work (activities, timers, decision task), the last query
//! answer, the workflow's log, and the last action with its `cadence` CLI command.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Wrap};

use crate::app::App;
use postflow_core::controls::{Availability, Command, availability, keys_label};
use postflow_core::history::table;
use postflow_core::session::{PendingItem, PendingKind};

/// A pane's content built before the layout (the pending work, the last action): the
/// pane takes the rows it needs, as far as the screen has them.
pub struct FittedPane {
    title: Line<'static>,
    text: Paragraph<'static>,
    /// The bottom border's note when the pane is cut: where the rest can be seen.
    more: &'static str,
}

impl FittedPane {
    pub fn new(title: impl Into<Line<'static>>, lines: Vec<Line<'static>>, more: &'static str) -> FittedPane {
        FittedPane { title: title.into(), text: Paragraph::new(lines).wrap(Wrap { trim: false }), more }
    }

    /// Its height with borders, at `width` columns outside them.
    pub fn height(&self, width: u16) -> u16 {
        super::bordered_height(&self.text, width)
    }

    /// Draws it in `area`, `needed` rows being its [`height`](Self::height) there;
    /// when the screen is too short for all of it, the border says so (the warnings
    /// that come last, such as a coming timeout, and the end of a command, its input,
    /// must not vanish unsaid).
    pub fn draw(self, frame: &mut Frame, area: Rect, needed: u16) {
        let mut block = Block::bordered().title(self.title);
        if needed > area.height {
            block = block.title_bottom(Line::from(self.more).right_aligned());
        }
        frame.render_widget(self.text.block(block), area);
    }
}

/// The note of a pane that a taller window shows whole.
pub const TALLER: &str = " more: a taller window shows it ";

pub fn pending(app: &App) -> FittedPane {
    let s = &app.session;
    let mut lines = pending_lines(s.pending());
    if lines.is_empty() {
        let text = match s.outcome() {
            // "completed: ...", "failed: ...", "timed out": a verb, not a state ("is failed").
            Some(o) => format!("nothing: the workflow {o}"),
            None if s.is_imported() => "nothing open at this event of the imported history".into(),
            None if s.workflow_id().is_none() => "nothing: no workflow yet".into(),
            None => "nothing: the workflow waits for a signal".into(),
        };
        lines.push(Line::styled(text, Style::new().fg(Color::DarkGray)));
    }
    lines.extend(super::guide::blocked_lines(app));
    FittedPane::new(" Pending ", lines, TALLER)
}

/// The Pending pane's lines, as core words them (the simulator's, an imported
/// history's and the server's alike).
pub(super) fn pending_lines(items: Vec<PendingItem>) -> Vec<Line<'static>> {
    let mut lines = Vec::new();
    for p in items {
        let style = match p.kind {
            PendingKind::Signal => Style::new().fg(Color::Magenta),
            PendingKind::Timeout => Style::new().fg(Color::Yellow),
            _ => Style::new(),
        };
        lines.push(Line::styled(p.text, style));
        if let Some(d) = p.detail {
            let style = if p.kind == PendingKind::Activity { Style::new().fg(Color::Red) } else { Style::new().fg(Color::DarkGray) };
            lines.push(Line::styled(format!("  {d}"), style));
        }
    }
    lines
}

pub fn query(frame: &mut Frame, area: Rect, app: &App) {
    let s = &app.session;
    let (title, text) = match app.last_query() {
        Some((step, answer)) => (format!(" Query current_status (step {step}) "), answer.to_owned()),
        // An imported history cannot be asked, but replaying it answers the query.
        None if s.is_imported() => (
            super::fitted_title(
                area.width,
                &[" Query current_status (replayed from history) ".to_owned(), " Query current_status (replayed) ".to_owned()],
            ),
            s.current_status()
                .and_then(|q| serde_json::to_string(&q).ok())
                .unwrap_or_else(|| "no answer at this event: the code does not answer it yet".into()),
        ),
        None => {
            let hint = match availability(Command::Query, s) {
                Availability::Available => format!("not asked yet: {} asks it", keys_label(Command::Query)),
                // The reason alone: in parentheses it did not fit the pane's two lines at 80x24.
                Availability::Unavailable(why) => why,
            };
            (" Query current_status ".to_owned(), hint)
        }
    };
    // A two-megabyte answer wrapped into the pane on every frame froze the screen.
    let text = table::trimmed(&text, table::MAX_FIELD_LENGTH).into_owned();
    frame.render_widget(Paragraph::new(text).wrap(Wrap { trim: false }).block(Block::bordered().title(title)), area);
}

pub fn log(frame: &mut Frame, area: Rect, app: &App) {
    let logs = app.session.logs();
    let block = Block::bordered().title(format!(" Workflow log ({}) ", postflow_core::count::many(logs.len() as u64, "line")));
    let inner = block.inner(area);
    let (height, width) = (inner.height as usize, inner.width.max(1));
    // The newest lines matter most: show the tail, each line whole (wrapped), so a
    // scanned location at the end of a line is never cut off.
    let mut lines: Vec<Line> = Vec::new();
    let mut rows = 0;
    for l in logs.iter().rev() {
        let t = l.time.to_rfc3339();
        let mut text = format!("{} {} {}", t.get(11..19).unwrap_or(&t), l.source, l.message);
        if !l.fields.is_empty() {
            text.push(' ');
            text.push_str(&l.shown_fields());
        }
        // Measured as the wrap will draw it (at words): counting characters
        // undercounts, and the pane then showed the tail of a line, e.g. "sent".
        let wrapped = |t: &str| Paragraph::new(t).wrap(Wrap { trim: false }).line_count(width);
        let mut need = wrapped(&text);
        if rows + need > height && !lines.is_empty() {
            break;
        }
        if need > height {
            // The newest line alone is taller than the pane (one row at 80x24): its end,
            // where a scan's location is, marked as cut rather than a bare "processing".
            text = tail_that_fits(&text, height * usize::from(width), |t| wrapped(t) <= height);
            need = wrapped(&text);
        }
        rows += need;
        lines.push(Line::raw(text));
    }
    lines.reverse();
    let scroll = rows.saturating_sub(height) as u16;
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }).scroll((scroll, 0)).block(block), area);
}

/// The longest end of `text` that `fits` once marked with a leading "…": cut after a
/// space or a comma where it can be (a word or a JSON field whole), else anywhere.
/// `room` (the pane's cells) bounds the ends worth measuring: a 2,000-character scan
/// location is not laid out 2,000 times a frame.
fn tail_that_fits(text: &str, room: usize, fits: impl Fn(&str) -> bool) -> String {
    let total = text.chars().count();
    // (byte index, characters from there to the end) of every place a cut may start.
    let starts = || text.char_indices().enumerate().map(move |(n, (i, c))| (i, c, total - n));
    let cuts = starts().filter(|&(_, c, _)| c == ' ' || c == ',').map(|(i, c, left)| (i + c.len_utf8(), left - 1));
    let anywhere = starts().skip(1).map(|(i, _, left)| (i, left));
    cuts.chain(anywhere)
        .filter(|&(_, left)| left < room)
        .map(|(i, _)| format!("…{}", text[i..].trim_start()))
        .find(|t| fits(t))
        .unwrap_or_else(|| "…".to_owned())
}

/// The last action and its command, in a pane `width` columns wide.
pub fn last_action(app: &App, width: u16) -> FittedPane {
    let s = &app.session;
    let last = postflow_core::session::script::last_command(s);
    let older = last.as_ref().filter(|l| l.older_than_step).map(|l| l.step);
    let title = last_action_title(usize::from(width.saturating_sub(2)), s.cursor(), s.timeline().len(), older, last.is_some());
    let mut lines = match s.last_entry() {
        Some(e) => vec![Line::raw(format!("{} → {}", e.action.label(), table::trimmed(&e.outcome, table::MAX_FIELD_LENGTH)))],
        None => vec![Line::raw("none yet")],
    };
    if let Some(refused) = app.refused_here() {
        lines.push(Line::styled(format!("then ✗ {refused}"), Style::new().fg(Color::Red)));
    }
    if let Some(l) = last {
        lines.push(Line::styled(format!("$ {}", l.command), Style::new().fg(Color::Green)));
    }
    FittedPane::new(title, lines, " more: o shows every command whole ")
}

/// The last action's title in `width` columns: the step, whether the command shown is
/// older than it (steps and clock moves have no CLI equivalent, so the command is the
/// last one that has), and the pane's keys. On a narrow pane the warning takes its
/// short form and then the keys go, so that no part is cut mid-word.
fn last_action_title(width: usize, step: usize, steps: usize, older: Option<usize>, keys: bool) -> Line<'static> {
    let warning = Style::new().fg(Color::Black).bg(Color::Yellow);
    let step = Span::raw(format!(" Last action (step {step} of {steps}) "));
    let long = older.map(|n| Span::styled(format!(" $ is from step {n}: the steps since have no cadence command "), warning));
    let short = older.map(|n| Span::styled(format!(" $ is from step {n} "), warning));
    let keys = keys.then(|| Span::styled(" o: all commands · y: copy ", Style::new().fg(Color::DarkGray)));
    let fits = |parts: &[&Option<Span<'static>>]| {
        parts.iter().filter_map(|p| p.as_ref()).map(|p| p.width()).sum::<usize>() + step.width() <= width
    };
    let parts = [[&long, &keys], [&short, &keys], [&short, &None]].into_iter().find(|p| fits(p)).unwrap_or([&None, &None]);
    let mut spans = vec![step.clone()];
    spans.extend(parts.into_iter().filter_map(|p| p.clone()));
    Line::from(spans)
}

#[cfg(test)]
mod tests {
    use super::tail_that_fits;

    #[test]
    fn a_log_line_too_long_for_its_pane_keeps_its_end_marked_as_cut() {
        let fits = |t: &str| t.chars().count() <= 34;
        let failure = "23:00:00 validatePayment Temporary failure in payment processing";
        assert_eq!(tail_that_fits(failure, 34, fits), "…failure in payment processing");
        let scan = r#"23:00:03 workflow Received signal! {"signal":"ScanSignal","value":{"location":"Delft"}}"#;
        assert_eq!(tail_that_fits(scan, 34, fits), r#"…"value":{"location":"Delft"}}"#);
        let word = "x".repeat(50);
        assert_eq!(tail_that_fits(&word, 34, fits), format!("…{}", "x".repeat(33)));
        assert_eq!(tail_that_fits("Zürich 東京", 3, |t| t.chars().count() <= 3), "…東京");
    }
}
