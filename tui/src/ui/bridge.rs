//! The panes that read differently in bridge mode: the status line names the server
//! and the real clock, the pending pane shows what the server describes now, the
//! query pane the server's last answer, the log pane points at the worker (whose
//! process writes the workflow's log), and the last action is the last call sent.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Wrap};

use super::panes::{FittedPane, TALLER, pending_lines};
use crate::app::App;
use crate::bridge::{Bridge, Health};
use cadence_bridge::watch::now;
use postflow_core::session::cli;
use postflow_core::session::pending_items;
use postflow_core::time::Timestamp;
use postflow_core::time::format_elapsed;

fn time_of_day(t: Timestamp) -> String {
    let s = t.to_rfc3339();
    s.get(11..19).unwrap_or(&s).to_owned()
}

pub fn status(frame: &mut Frame, area: Rect, app: &App, b: &Bridge) {
    let s = &app.session;
    let following = s.cursor() >= s.timeline().len();
    let server = b.server.as_ref();
    let run_state = match (&b.watched, server.and_then(|v| v.close_status.clone())) {
        (None, _) => "not started".to_owned(),
        _ if b.missing.is_some() => "not on the server".to_owned(),
        _ if s.history().is_empty() => "starting".to_owned(),
        (_, Some(closed)) if following => closed,
        _ if following => "running".to_owned(),
        // Moved back: the state as of the selected moment.
        _ => s.status_line().run_state.split(" (imported").next().unwrap_or_default().to_owned(),
    };
    let state_color = match run_state.as_str() {
        r if r.starts_with("completed") => Color::Green,
        r if ["failed", "timed", "terminated", "canceled"].iter().any(|w| r.starts_with(w)) => Color::Red,
        _ => Color::Yellow,
    };
    // The clock: now while following a running workflow, else the moment shown.
    let start = s.history().first().map(|e| e.event_time);
    let moment = match (following, server.and_then(|v| v.close_time)) {
        (true, Some(closed)) => closed,
        (true, None) => now(),
        (false, _) => s.status_line().virtual_time,
    };
    let elapsed = start.map(|t| format!(" (+{})", format_elapsed(moment.since(t)))).unwrap_or_default();
    let (health, health_color) = match &b.health {
        Health::Unknown => ("connecting…", Color::Yellow),
        Health::Reachable => ("server reachable", Color::Green),
        Health::Down(_) => ("✗ server not reachable", Color::Red),
    };
    // The server's health right after the workflow's state: at 80 columns the line ends early.
    let parts = vec![
        Span::styled(format!(" {}", b.watched.as_ref().map_or("-", |w| w.workflow_id.as_str())), Style::new().add_modifier(Modifier::BOLD)),
        Span::styled(run_state, Style::new().fg(state_color)),
        Span::styled(health, Style::new().fg(health_color)),
        Span::raw(format!("event {}/{}", s.cursor(), s.timeline().len())),
        Span::raw(format!("{} UTC{elapsed}", time_of_day(moment))),
        Span::styled(app.label.clone(), Style::new().fg(Color::Cyan)),
        Span::raw("real clock"),
    ];
    super::bars::status_line(frame, area, None, parts);
}

pub fn pending(b: &Bridge) -> FittedPane {
    let t = now();
    let mut lines = match (&b.server, &b.health) {
        // What the server said before it went away may be stale by now.
        (_, Health::Down(_)) => Vec::new(),
        (Some(v), _) => pending_lines(pending_items(&v.activity_rows(t), &v.timer_rows(t), v.decision_text(t).as_deref(), &[], None)),
        (None, _) => Vec::new(),
    };
    if lines.is_empty() {
        let text = match (&b.watched, &b.server, &b.health) {
            (None, _, _) => "nothing: no workflow yet".to_owned(),
            _ if b.missing.is_some() => "nothing: the server has no workflow of this ID".to_owned(),
            (_, _, Health::Down(_)) => "not known: the server is not reachable".to_owned(),
            // "timed out", "continued as new": a verb, as the simulator's pane says it.
            (_, Some(v), _) if v.close_status.is_some() => {
                format!("nothing: the workflow {}", v.close_status.as_deref().unwrap_or_default())
            }
            (_, Some(_), _) => "nothing: the workflow waits for a signal".to_owned(),
            (_, None, _) => "asking the server…".to_owned(),
        };
        lines.push(Line::styled(text, Style::new().fg(Color::DarkGray)));
    }
    FittedPane::new(" Pending (on the server, now) ", lines, TALLER)
}

pub fn query(frame: &mut Frame, area: Rect, b: &Bridge) {
    let (title, line) = match &b.query {
        Some(q) => {
            // The time says whether the answer is fresh: at 80 columns the long title lost it.
            let at = time_of_day(q.at);
            let title = super::fitted_title(
                area.width,
                &[
                    format!(" Query current_status (asked {at} UTC) "),
                    format!(" Query current_status ({at}) "),
                    format!(" current_status {at} "),
                ],
            );
            match &q.answer {
                Ok(a) => (title, Line::raw(a.clone())),
                Err(e) => (title, Line::styled(format!("✗ {e}"), Style::new().fg(Color::Red))),
            }
        }
        None => (" Query current_status ".to_owned(), Line::raw("not asked yet: a asks the server (a worker answers)")),
    };
    frame.render_widget(Paragraph::new(line).wrap(Wrap { trim: false }).block(Block::bordered().title(title)), area);
}

pub fn log(frame: &mut Frame, area: Rect) {
    let text = "The workflow's log is written by the worker, not here: see the output of `bridge worker` \
                (-v prints every task). The worker runs outside this app: cargo run -p cadence-bridge --bin bridge -- worker";
    let block = Block::bordered().title(" Workflow log ");
    frame.render_widget(Paragraph::new(text).style(Style::new().fg(Color::DarkGray)).wrap(Wrap { trim: true }).block(block), area);
}

pub fn last_action(b: &Bridge) -> FittedPane {
    let mut lines = match &b.last {
        Some(l) => vec![Line::raw(format!("{} → {}", l.action.label(), l.outcome))],
        None => vec![Line::raw("none yet")],
    };
    if let (Some(l), Some(w)) = (&b.last, &b.watched)
        && let Some(c) = cli::command(&l.action, b.workflow_type(), &w.workflow_id)
    {
        lines.push(Line::styled(format!("$ {c}"), Style::new().fg(Color::Green)));
    }
    FittedPane::new(format!(" Last action (sent to {}) ", b.url), lines, TALLER)
}
