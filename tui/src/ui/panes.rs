//! The side panes: pending work (activities, timers, decision task), the last query
//! answer, the workflow's log, and the last action with its `cadence` CLI command.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Style};
use ratatui::text::Line;
use ratatui::widgets::{Block, Paragraph, Wrap};

use super::human;
use crate::app::App;
use postflow_core::session::{PendingActivityRow, PendingTimerRow};

pub fn pending(frame: &mut Frame, area: Rect, app: &App) {
    let s = &app.session;
    let mut lines = pending_lines(s.pending_activities(), s.pending_timers(), s.pending_decision());
    if lines.is_empty() {
        let text = match s.outcome() {
            Some(o) => format!("nothing: the workflow is {o}"),
            None if s.is_imported() => "not known for an imported history".into(),
            None if s.workflow_id().is_none() => "nothing: no workflow yet".into(),
            None => "nothing: the workflow waits for a signal".into(),
        };
        lines.push(Line::styled(text, Style::new().fg(Color::DarkGray)));
    }
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }).block(Block::bordered().title(" Pending ")), area);
}

/// Pending activities, timers and the decision task as the pane lists them (the
/// simulator's and the server's alike).
pub(super) fn pending_lines(
    activities: Vec<PendingActivityRow>,
    timers: Vec<PendingTimerRow>,
    decision: Option<String>,
) -> Vec<Line<'static>> {
    let mut lines = Vec::new();
    for a in activities {
        let state = match (a.running, a.next_attempt_in) {
            (true, _) => "running".to_owned(),
            (false, Some(d)) => format!("retry in {}", human(d)),
            (false, None) => "due now, waiting for the worker".to_owned(),
        };
        lines.push(Line::raw(format!("activity {} {}", a.activity_id, a.activity_type)));
        lines.push(Line::raw(format!("  attempt {} of {}, {state}", a.attempt, a.maximum_attempts)));
        if let Some(f) = a.last_failure {
            lines.push(Line::styled(format!("  last failure: {f}"), Style::new().fg(Color::Red)));
        }
    }
    for t in timers {
        let at = t.fire_at.to_rfc3339();
        lines.push(Line::raw(format!("timer {}: fires in {} (at {})", t.timer_id, human(t.fires_in), at.get(11..).unwrap_or(&at))));
    }
    if let Some(d) = decision {
        lines.push(Line::raw(d));
    }
    lines
}

pub fn query(frame: &mut Frame, area: Rect, app: &App) {
    let (title, text) = match app.last_query() {
        Some((step, answer)) => (format!(" Query current_status (step {step}) "), answer.to_owned()),
        None => (" Query current_status ".to_owned(), "not asked yet: a asks it".to_owned()),
    };
    frame.render_widget(Paragraph::new(text).wrap(Wrap { trim: false }).block(Block::bordered().title(title)), area);
}

pub fn log(frame: &mut Frame, area: Rect, app: &App) {
    let logs = app.session.logs();
    let block = Block::bordered().title(format!(" Workflow log ({} lines) ", logs.len()));
    let height = block.inner(area).height as usize;
    // The newest lines matter most: show the tail.
    let lines: Vec<Line> = logs[logs.len().saturating_sub(height)..]
        .iter()
        .map(|l| {
            let t = l.time.to_rfc3339();
            let mut text = format!("{} {} {}", t.get(11..19).unwrap_or(&t), l.source, l.message);
            if !l.fields.is_empty() {
                text.push(' ');
                text.push_str(&l.fields);
            }
            Line::raw(text)
        })
        .collect();
    frame.render_widget(Paragraph::new(lines).block(block), area);
}

pub fn last_action(frame: &mut Frame, area: Rect, app: &App) {
    let s = &app.session;
    let title = format!(" Last action (step {} of {}) ", s.cursor(), s.timeline().len());
    let mut lines = match s.last_entry() {
        Some(e) => vec![Line::raw(format!("{} → {}", e.action.label(), e.outcome))],
        None => vec![Line::raw("none yet")],
    };
    // Steps and clock moves have no CLI equivalent; the command to copy is the last
    // one that has.
    if let Some(cli) = app.last_cli() {
        lines.push(Line::styled(format!("$ {cli}"), Style::new().fg(Color::Green)));
    }
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }).block(Block::bordered().title(title)), area);
}
