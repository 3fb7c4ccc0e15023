//! The teaching panes: the guide (the tour's chapter, step, prediction and its
//! answer) and the explanation of the selected event. They draw what
//! `postflow_core::workshop` returns; the words are core's.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Wrap};

use crate::app::App;
use postflow_core::workshop::Verdict;

const DIM: Style = Style::new().fg(Color::DarkGray);
const BOLD: Style = Style::new().add_modifier(Modifier::BOLD);

/// The guide in `area`; `hidden` names the panes it took the rows of (a short window),
/// which `G` shows again.
pub fn guide(frame: &mut Frame, area: Rect, app: &App, hidden: Option<&str>) {
    let v = app.teach.tour.view(&app.session);
    let mut lines = vec![Line::styled(format!("{} · {}", v.chapter.number, v.chapter.title), BOLD.fg(Color::Cyan))];
    if let Some(r) = &v.reveal {
        let color = match r.verdict() {
            Verdict::Right => Color::Green,
            Verdict::Wrong => Color::Red,
            Verdict::NotPredicted => Color::Yellow,
        };
        lines.push(Line::from(vec![Span::styled(r.headline(), Style::new().fg(color)), Span::raw(r.answer_text)]));
        lines.push(Line::styled(r.why, DIM));
        if !r.look_for.is_empty() {
            lines.push(Line::from(vec![Span::styled("Look for: ", BOLD), Span::raw(r.look_for)]));
        }
    }
    if let Some(hint) = &v.session_hint {
        lines.push(Line::styled(
            format!("{hint} Key: {}.", app.keys_of(postflow_core::controls::Command::TourChapter)),
            Style::new().fg(Color::Yellow),
        ));
    }
    match &v.step {
        None => lines.push(Line::raw("The tour is done. Every chapter's score is below; [ goes back a step.")),
        Some(step) => {
            lines.push(Line::from(vec![
                Span::styled("Do: ", BOLD),
                Span::raw(step.instruction),
                Span::styled(format!(" (key {})", app.keys_of(step.command)), DIM),
            ]));
            if let Some(q) = &step.question {
                // The keys are named here: the key bar has no room for them at 80 columns.
                let keys = if q.chosen.is_some() { "change: 1" } else { "keys 1" };
                lines.push(Line::from(vec![
                    Span::styled("Predict first ", BOLD.fg(Color::Magenta)),
                    Span::styled(format!("({keys}-{}): ", q.choices.len()), DIM),
                    Span::raw(q.prompt),
                ]));
                for (i, c) in q.choices.iter().enumerate() {
                    let chosen = q.chosen == Some(i);
                    let style = if chosen { Style::new().fg(Color::Magenta).add_modifier(Modifier::BOLD) } else { Style::new() };
                    lines.push(Line::styled(format!("{} {}. {c}", if chosen { "▶" } else { " " }, i + 1), style));
                }
            }
            if let Some(why) = &step.blocked {
                let key = app.keys_of(postflow_core::controls::Command::TourChapter);
                lines.push(Line::styled(format!("{why} Key: {key}."), Style::new().fg(Color::Red)));
            } else if let Some(waiting) = &step.waiting {
                lines.push(Line::styled(waiting.clone(), Style::new().fg(Color::Yellow)));
            }
            if let Some(look_for) = step.look_for {
                lines.push(Line::from(vec![Span::styled("Look for: ", BOLD), Span::raw(look_for)]));
            }
        }
    }
    // The keys go in the title when it has room for them, else after the step.
    let keys = match hidden {
        Some(panes) => format!("[ ] steps, T chapter session, G hides the tour and shows {panes}"),
        None => "[ ] steps, T chapter session, G hides".to_owned(),
    };
    let wide = format!(" {} ({keys}) ", v.position);
    let title = if wide.chars().count() + 2 <= usize::from(area.width) {
        wide
    } else {
        lines.push(Line::styled(format!("Keys: {keys}"), DIM));
        // At 80 columns "Tour · chapter 1 of 7 · step 2 of 2" is two columns too many:
        // the pane's place says it is the tour, the numbers say where in it.
        let short = v.position.strip_prefix("Tour · ").unwrap_or(&v.position);
        super::fitted_title(area.width, &[format!(" {} ", v.position), format!(" {short} ")])
    };
    let scores: Vec<String> = v.scores.iter().map(|s| format!("{}:{}", s.number, s.label())).collect();
    lines.push(Line::styled(format!("Predictions right per chapter  {}", scores.join("  ")), DIM));
    // The chapter's texts last: a short pane shows the step first, and scrolls to the idea.
    lines.push(Line::from(vec![Span::styled("The idea: ", BOLD), Span::raw(v.chapter.concept)]));
    lines.push(Line::from(vec![Span::styled("The chapter adds: ", BOLD), Span::raw(v.chapter.goal)]));
    let block = Block::bordered().title(title);
    super::draw_scrolled(frame, area, block, lines, (&app.guide_scroll, &app.guide_at(), "{ }"));
}

/// Why the action on the message line was refused, while the message stands (J K
/// scroll it and keep it).
pub fn refusal(frame: &mut Frame, area: Rect, app: &App, why: &str) {
    let block = Block::bordered().title(super::fitted_title(area.width, &[" Why it was refused ".to_owned(), " Refused ".to_owned()]));
    super::draw_scrolled(frame, area, block, vec![Line::raw(why.to_owned())], (&app.detail_scroll, &app.detail_at(), "J K"));
}

/// The detail pane with no event selected: what it will show, and how to get it.
/// `what` is what it shows of an event, said after "the selected event is …" and
/// after "to see …".
pub fn no_event(frame: &mut Frame, area: Rect, app: &App, title: &str, (shown, see): (&str, &str)) {
    app.detail_scroll.max.set(0);
    // With no event at all, ↑↓ have nothing to select.
    let text = if app.session.history().is_empty() {
        format!("no events at this moment: once there are, the selected event is {shown} here")
    } else {
        format!("select an event (↑↓) to see {see}")
    };
    frame.render_widget(Paragraph::new(text).style(DIM).wrap(Wrap { trim: true }).block(Block::bordered().title(title.to_owned())), area);
}

/// The selected event explained, in place of its JSON.
pub fn explanation(frame: &mut Frame, area: Rect, app: &App) {
    let explained = app.explanation();
    let Some(x) = explained.as_ref() else {
        no_event(frame, area, app, " Why ", ("explained", "why it is there"));
        return;
    };
    let mut lines = vec![
        Line::styled(x.headline.clone(), BOLD),
        Line::from(vec![Span::styled("Why: ", BOLD), Span::raw(x.cause.clone())]),
        Line::from(vec![Span::styled("Meaning: ", BOLD), Span::raw(x.meaning.clone())]),
    ];
    if !x.related.is_empty() {
        let related: Vec<String> = x.related.iter().map(|r| format!("{} {}", r.event_id, r.role.label())).collect();
        lines.push(Line::from(vec![Span::styled("Related (» in the history): ", BOLD), Span::raw(related.join(", "))]));
    }
    if let Some(code) = &x.code {
        lines.push(Line::from(vec![Span::styled("Code: ", BOLD), Span::styled(code.clone(), Style::new().fg(Color::Green))]));
    }
    if let Some(note) = &x.note {
        lines.push(Line::styled(note.clone(), Style::new().fg(Color::Yellow)));
    }
    let title = super::fitted_title(
        area.width,
        &[format!(" Why {} {} (x: JSON) ", x.event_id, x.event_type), format!(" Why {} {} ", x.event_id, x.event_type)],
    );
    let block = Block::bordered().title(title);
    super::draw_scrolled(frame, area, block, lines, (&app.detail_scroll, &app.detail_at(), "J K"));
}

/// Where the workflow code waits now, as lines for the pending pane: the
/// `__stack_trace` answer, one paragraph per blocked coroutine.
pub fn blocked_lines(app: &App) -> Vec<Line<'static>> {
    if app.session.workflow_id().is_none() && !app.session.is_imported() {
        return Vec::new();
    }
    let style = Style::new().fg(Color::Cyan);
    let trace = app.stack_trace();
    let mut lines = Vec::new();
    for paragraph in trace.split("\n\n") {
        let parts: Vec<&str> = paragraph.lines().map(str::trim).collect();
        match parts[..] {
            // "coroutine root [blocked on selector.Select]:", "file:line", "waiting for ..."
            [head, at, ref rest @ ..] if head.starts_with("coroutine ") => {
                let what = head.split_once('[').map_or(head, |(_, w)| w.trim_end_matches("]:"));
                lines.push(Line::styled(format!("code: {what} at {at}"), style));
                lines.extend(rest.iter().map(|l| Line::styled(format!("  {l}"), style)));
            }
            _ => lines.push(Line::styled(format!("code: {}", paragraph.trim()), style)),
        }
    }
    lines
}
