//! What the workshop prints: a chapter's introduction, check results with the hint,
//! the progress table. Every text about a chapter comes from core's chapter guide.

use std::io::IsTerminal;

use postflow_core::workshop::{ChapterGuide, Hint};
use postflow_core::wrap::wrap;

use crate::exercise::Outcome;
use crate::layout::{Layout, chapters};
use crate::state::Progress;

/// Prose reads best in lines no longer than this, however wide the terminal.
const PROSE: usize = 90;

/// The width to write for: the terminal's, read for every screen so that a resize
/// counts. Output that is not a terminal (a pipe, a log, grep) gets whole lines, but
/// for the chapter's prose.
pub fn width() -> usize {
    if !std::io::stdout().is_terminal() {
        return usize::MAX;
    }
    crossterm::terminal::size().map_or(usize::MAX, |(columns, _)| usize::from(columns).max(40))
}

/// A paragraph of a chapter's text, indented, in lines of prose width.
fn paragraph(text: &str, width: usize) -> String {
    wrap(text, "  ", "  ", width.min(PROSE))
}

/// The chapter as the participant meets it: what to do, why it matters, where.
pub fn intro(layout: &Layout, g: &ChapterGuide, width: usize) -> String {
    let mut s = format!("Chapter {}\n\n", g.heading());
    s.push_str(&paragraph(g.goal, width));
    s.push_str("\nThe idea\n");
    s.push_str(&paragraph(g.concept, width));
    s.push_str("\nWhy it matters in Cadence\n");
    s.push_str(&paragraph(g.why, width));
    s.push_str("\nWhat to look for in the history (tui --exercise N shows it)\n");
    s.push_str(&paragraph(g.look_for, width));
    s.push_str(&format!("\nYour file: {} (the TODO(chapter {}) lines)\n", layout.show(&layout.exercise(g)), g.number));
    s
}

/// A hint, with the code for the Rust track (or the Go track).
pub fn hint(g: &ChapterGuide, level: usize, go: bool, width: usize) -> String {
    let h: &Hint = &g.hints[level.min(g.hints.len() - 1)];
    let mut s = format!("Hint {} of {} for chapter {}:\n", level + 1, g.hints.len(), g.number);
    s.push_str(&paragraph(h.text, width));
    let code = if go { h.go } else { h.rust };
    if !code.is_empty() {
        s.push('\n');
        // Code four columns in (its lines are at most 76: it fits 80 columns, unwrapped).
        for l in code.lines() {
            if !l.is_empty() {
                s.push_str("    ");
                s.push_str(l);
            }
            s.push('\n');
        }
    }
    s
}

/// The outcome of a check run, with the hint the participant has reached.
pub fn outcome(layout: &Layout, g: &ChapterGuide, o: &Outcome, hint_level: usize, go: bool, width: usize, brief: bool) -> String {
    let mut s = String::new();
    match o {
        Outcome::Missing(path) => {
            s.push_str(&format!(
                "{} is missing. `workshop reset {}` puts the starting file back (nothing else is touched).\n",
                layout.show(path),
                g.number
            ));
        }
        Outcome::CompileError(text) => {
            s.push_str(&format!("{} does not compile yet; the compiler says:\n\n", layout.show(&layout.exercise(g))));
            s.push_str(text.trim_end());
            s.push('\n');
        }
        Outcome::Failed(why) => s.push_str(&format!("The checks could not run: {why}\n")),
        Outcome::Checked { reports, printed, warnings } => {
            if !printed.is_empty() {
                s.push_str("Your program printed:\n");
                for l in printed.iter().take(20) {
                    s.push_str(&format!("  | {l}\n"));
                }
                if printed.len() > 20 {
                    s.push_str(&format!("  | ... and {} more lines\n", printed.len() - 20));
                }
                s.push('\n');
            }
            let passed = reports.iter().filter(|r| r.passed).count();
            s.push_str(&format!("Chapter {} checks: {passed} of {} pass\n", g.heading(), reports.len()));
            // Brief (watch mode, a screen to fit): the first failing check in full, the
            // others by their line; `workshop check` gives every one in full.
            let mut shown_in_full = false;
            for r in reports {
                if brief && !r.passed && shown_in_full {
                    s.push_str(&r.headline(width));
                } else {
                    s.push_str(&r.render(width));
                    shown_in_full |= !r.passed;
                }
            }
            if brief && reports.iter().filter(|r| !r.passed).count() > 1 {
                s.push_str(&format!("(`workshop check {}` shows every failing check in full)\n", g.number));
            }
            if !warnings.trim().is_empty() {
                s.push_str("\nThe compiler warns:\n");
                s.push_str(warnings.trim_end());
                s.push('\n');
            }
            if passed < reports.len() {
                s.push('\n');
                s.push_str(&hint(g, hint_level, go, width));
            }
        }
    }
    s
}

/// The progress table.
pub fn list(layout: &Layout, p: &Progress) -> String {
    // Columns as wide as what is in them, so the table fits 80 columns.
    let title = chapters().map(|g| g.title.chars().count()).max().unwrap_or(0);
    let file = chapters().map(|g| layout.show(&layout.exercise(g)).chars().count()).max().unwrap_or(0);
    let mut s = format!("  {:>2}  {:<title$}  {:<file$}  {:<8} {}\n", "#", "chapter", "file", "status", "hints");
    for g in chapters() {
        let c = p.chapter(g.number);
        let status = if c.passed {
            "done"
        } else if g.number == p.current {
            "current"
        } else {
            "-"
        };
        let marker = if g.number == p.current { ">" } else { " " };
        s.push_str(&format!(
            "{marker} {:>2}  {:<title$}  {:<file$}  {:<8} {}/{}\n",
            g.number,
            g.title,
            layout.show(&layout.exercise(g)),
            status,
            c.hints,
            g.hints.len()
        ));
    }
    let done = chapters().filter(|g| p.chapter(g.number).passed).count();
    s.push_str(&format!("\n{done} of {} chapters done\n", chapters().count()));
    s
}
