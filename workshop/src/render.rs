//! What the workshop prints: a chapter's introduction, check results with the hint,
//! the progress table. Every text about a chapter comes from core's chapter guide.

use std::io::IsTerminal;

use postflow_core::workshop::{ChapterGuide, Hint};
use postflow_core::wrap::wrap;

use crate::exercise::Outcome;
use crate::layout::{Layout, chapters};
use crate::state::{Progress, Track};

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

/// The rows of the terminal, for fitting watch mode's screen; not a terminal: no limit.
pub fn height() -> usize {
    if !std::io::stdout().is_terminal() {
        return usize::MAX;
    }
    crossterm::terminal::size().map_or(usize::MAX, |(_, rows)| usize::from(rows).max(10))
}

/// A paragraph of a chapter's text, indented, in lines of prose width.
fn paragraph(text: &str, width: usize) -> String {
    wrap(text, "  ", "  ", width.min(PROSE))
}

/// The chapter as the participant meets it: what to do, why it matters, where.
pub fn intro(layout: &Layout, g: &ChapterGuide, track: Track, width: usize) -> String {
    let mut s = format!("Chapter {}\n\n", g.heading());
    s.push_str(&paragraph(g.goal, width));
    s.push_str("\nThe idea\n");
    s.push_str(&paragraph(g.concept, width));
    s.push_str("\nWhy it matters in Cadence\n");
    s.push_str(&paragraph(g.why, width));
    match track {
        Track::Rust => {
            s.push_str(&format!("\nWhat to look for in the history (tui --exercise {} shows it)\n", g.number));
            s.push_str(&paragraph(g.look_for, width));
            s.push_str(&format!("\nYour file: {} (the TODO(chapter {}) lines)\n", layout.show(&layout.exercise(g)), g.number));
        }
        Track::Go => {
            // The workshop's own compose file serves Cadence Web; ours does too, beside
            // the HTTP API that bridge mode follows a workflow through.
            s.push_str("\nWhat to look for in the history (Cadence Web, http://localhost:8088, shows it)\n");
            s.push_str(&paragraph(g.look_for, width));
            s.push('\n');
            s.push_str(&wrap(
                &format!(
                    "Your code: your Go worker, started with this chapter's code; `workshop check --go {}` checks it on the \
                     server.",
                    g.number
                ),
                "",
                "  ",
                width,
            ));
        }
    }
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

/// The outcome of a check run, whole (`workshop check`), with the hint the participant
/// has reached when the checks fail (`None`: no hint, as `check --all` shows none for
/// a chapter other than the current one).
pub fn outcome(layout: &Layout, g: &ChapterGuide, o: &Outcome, hint_level: Option<usize>, width: usize) -> String {
    parts(layout, g, o, hint_level, width, false).iter().flat_map(|p| p.lines.iter()).map(|l| format!("{l}\n")).collect()
}

/// A piece of a screen, for fitting the screen into a window's height: its lines, how
/// many of them stay however small the window, and what replaces the rest when they
/// are cut, so that nothing is ever cut without a sign.
struct Part {
    lines: Vec<String>,
    /// The lines that stay (the first ones).
    keep: usize,
    /// Who gets room beyond `keep` first: the lowest rank.
    rank: u8,
    cut: Cut,
    /// Shown whole or not at all beyond `keep` (a sentence, a table).
    whole_or_sign: bool,
    /// This part is the hint.
    hint: bool,
}

/// How a part says that it was cut.
enum Cut {
    /// Never cut (all its lines are kept).
    Never,
    /// A line in place of the lines cut; `{n}` is how many they are.
    Sign(String),
    /// The last line shown ends in `…` (a check's expectation cut to its first line).
    Ellipsis,
    /// Blank lines between the parts: dropped when room is short, nothing is lost.
    Spacer,
}

impl Part {
    fn whole(text: &str) -> Part {
        Part { lines: lines(text), keep: usize::MAX, rank: 0, cut: Cut::Never, whole_or_sign: false, hint: false }
    }

    fn cut(text: &str, keep: usize, rank: u8, sign: &str) -> Part {
        Part { lines: lines(text), keep, rank, cut: Cut::Sign(sign.to_owned()), whole_or_sign: false, hint: false }
    }

    fn first_line(text: &str, rank: u8) -> Part {
        Part { lines: lines(text), keep: 1, rank, cut: Cut::Ellipsis, whole_or_sign: false, hint: false }
    }

    fn spacer() -> Part {
        Part { lines: vec![String::new()], keep: 0, rank: u8::MAX, cut: Cut::Spacer, whole_or_sign: false, hint: false }
    }

    /// A part that is shown whole, or replaced by its sign.
    fn or_sign(text: &str, rank: u8, sign: &str) -> Part {
        Part { whole_or_sign: true, ..Part::cut(text, 0, rank, sign) }
    }
}

fn lines(text: &str) -> Vec<String> {
    text.lines().map(str::to_owned).collect()
}

/// The parts of an outcome, in the order they are shown. `brief` (watch mode): the
/// first failing check in full, the others by their expectation. `hint_level`: the
/// hint shown when the checks fail, if any.
fn parts(layout: &Layout, g: &ChapterGuide, o: &Outcome, hint_level: Option<usize>, width: usize, brief: bool) -> Vec<Part> {
    let full = format!("`workshop check {}` shows", g.number);
    let mut out = Vec::new();
    match o {
        Outcome::Missing(path) => {
            let text = format!(
                "{} is missing. `workshop reset {}` puts the starting file back (nothing else is touched).",
                layout.show(path),
                g.number
            );
            out.push(Part::whole(&wrap(&text, "", "  ", width)));
        }
        Outcome::CompileError(text) => {
            let says = format!("{} does not compile yet; the compiler says:", layout.show(&layout.exercise(g)));
            out.push(Part::whole(&wrap(&says, "", "  ", width)));
            out.push(Part::spacer());
            let text = postflow_exercise_launch::compiler::fit(text.trim_end(), width);
            out.push(Part::cut(&text, 6, 1, &format!("… {{n}} more lines from the compiler: {full} them all")));
        }
        Outcome::Failed(why) => out.push(Part::whole(&wrap_lines(why.trim_end(), "The checks could not run: ", "  ", width))),
        Outcome::Checked { reports, printed, warnings } => {
            if !printed.is_empty() {
                let mut s = String::from("Your program printed:\n");
                let first_again = printed.iter().take(20).enumerate().position(|(i, l)| printed[..i].contains(l));
                for (i, l) in printed.iter().take(20).enumerate() {
                    if Some(i) == first_again {
                        s.push_str(&wrap(&g.repeated_output_note(), "  ↺ ", "    ", width));
                    }
                    s.push_str(&format!("  | {l}\n"));
                }
                if printed.len() > 20 {
                    s.push_str(&format!("  | ... and {} more lines\n", printed.len() - 20));
                }
                out.push(Part::cut(&s, 1, 5, &format!("  | … {{n}} more lines: {full} them all")));
                out.push(Part::spacer());
            }
            let passed = reports.iter().filter(|r| r.passed).count();
            out.push(Part::whole(&format!("Chapter {} checks: {passed} of {} pass", g.heading(), reports.len())));
            let mut shown_in_full = false;
            for r in reports {
                if r.passed {
                    out.push(Part::first_line(&r.render(width), 3));
                } else if brief && shown_in_full {
                    out.push(Part::first_line(&r.headline(width), 1));
                } else {
                    // Why it failed stays; the difference side by side may be cut.
                    let text = r.render(width);
                    let mut why = r.headline(width);
                    if let Some(m) = &r.message {
                        why.push_str(&wrap(m, "    ", "    ", width));
                    }
                    match text.strip_prefix(why.as_str()) {
                        Some(rest) if !rest.is_empty() => {
                            out.push(Part::whole(&why));
                            // Where the difference is, in words; then the events side by side.
                            let table = rest.find("\n      reference solution ").map_or(rest.len(), |i| i + 1);
                            let (words, events) = rest.split_at(table);
                            if !words.is_empty() {
                                out.push(Part::or_sign(words, 2, &format!("    … where the runs part ({{n}} lines): {full} it")));
                            }
                            if !events.is_empty() {
                                let sign = format!("    … the events side by side ({{n}} lines): {full} them");
                                out.push(Part::or_sign(events, 3, &sign));
                            }
                        }
                        _ => out.push(Part::whole(&text)),
                    }
                    shown_in_full = true;
                }
            }
            if brief && reports.iter().filter(|r| !r.passed).count() > 1 {
                out.push(Part::whole(&format!("({full} every failing check in full)")));
            }
            if !warnings.trim().is_empty() {
                out.push(Part::spacer());
                let text = format!("The compiler warns:\n{}", postflow_exercise_launch::compiler::fit(warnings.trim_end(), width));
                out.push(Part::cut(&text, 1, 5, &format!("… {{n}} more lines of warnings: {full} them all")));
            }
            if let (true, Some(hint_level)) = (o.checks_failed(), hint_level) {
                out.push(Part::spacer());
                let h = hint(g, hint_level, false, width);
                // Its words stay; its code may be cut, and h shows it whole.
                let words = 1 + paragraph(g.hints[hint_level.min(g.hints.len() - 1)].text, width).lines().count();
                let mut p = Part::cut(&h, words, 4, "    … {n} more lines of this hint: h shows it whole");
                p.hint = true;
                out.push(p);
            }
        }
    }
    out
}

/// Text of several lines, each wrapped: the first line starts with `first`, every
/// other with `rest`.
fn wrap_lines(text: &str, first: &str, rest: &str, width: usize) -> String {
    text.lines()
        .enumerate()
        .map(|(i, l)| if l.trim().is_empty() { "\n".to_owned() } else { wrap(l, if i == 0 { first } else { rest }, rest, width) })
        .collect()
}

/// What watch mode shows after a check, fitted into `height` rows of `width` columns.
pub struct Screen {
    pub text: String,
    /// The hint on it was cut (h shows it whole).
    pub hint_cut: bool,
}

/// Watch mode's screen of a check: `header` (the chapter), the outcome in brief,
/// `footer` (what to do now, the keys), within `height` rows: what matters most (why
/// the first failing check fails, the hint's words, the keys) stays, the rest is
/// shortened, each cut with a sign saying how to see it whole.
#[allow(clippy::too_many_arguments)]
pub fn screen(
    layout: &Layout,
    g: &ChapterGuide,
    o: &Outcome,
    hint_level: Option<usize>,
    header: &str,
    footer: &[&str],
    width: usize,
    height: usize,
) -> Screen {
    let mut all = Vec::new();
    if !header.is_empty() {
        all.push(Part::whole(header));
        all.push(Part::spacer());
    }
    all.extend(parts(layout, g, o, hint_level, width, true));
    for f in footer {
        all.push(Part::spacer());
        all.push(Part::whole(f));
    }
    fit(&all, width, height)
}

/// How many rows a line takes on a terminal `width` columns wide (color codes take none).
fn rows(line: &str, width: usize) -> usize {
    let mut n = 0usize;
    let mut escape = false;
    for c in line.chars() {
        match c {
            '\x1b' => escape = true,
            c if escape => escape = !c.is_ascii_alphabetic(),
            _ => n += 1,
        }
    }
    if width == usize::MAX { 1 } else { n.div_ceil(width.max(1)).max(1) }
}

/// The parts within `height` rows. Each part first gets the lines it keeps (and a row
/// for its sign when it has more); then, by rank, more of its lines while rows are
/// left. Parts that must all stay are shown whole even when they alone are taller.
fn fit(parts: &[Part], width: usize, height: usize) -> Screen {
    let total: usize = parts.iter().flat_map(|p| &p.lines).map(|l| rows(l, width)).sum();
    let mut shown: Vec<usize> = parts.iter().map(|p| p.lines.len()).collect();
    if total > height {
        let sign_rows = |p: &Part, shown: usize| match &p.cut {
            Cut::Sign(_) if shown < p.lines.len() => 1,
            _ => 0,
        };
        let mut used = 0;
        for (i, p) in parts.iter().enumerate() {
            shown[i] = p.keep.min(p.lines.len());
            used += p.lines[..shown[i]].iter().map(|l| rows(l, width)).sum::<usize>() + sign_rows(p, shown[i]);
        }
        let mut order: Vec<usize> = (0..parts.len()).collect();
        order.sort_by_key(|&i| parts[i].rank);
        for i in order {
            let p = &parts[i];
            if p.whole_or_sign {
                let rest: usize = p.lines[shown[i]..].iter().map(|l| rows(l, width)).sum();
                let before = sign_rows(p, shown[i]);
                if used - before + rest <= height {
                    used = used - before + rest;
                    shown[i] = p.lines.len();
                }
                continue;
            }
            while shown[i] < p.lines.len() {
                let before = sign_rows(p, shown[i]);
                let after = sign_rows(p, shown[i] + 1);
                let more = rows(&p.lines[shown[i]], width) + after;
                if used - before + more > height {
                    break;
                }
                used = used - before + more;
                shown[i] += 1;
            }
        }
    }
    let mut text = String::new();
    let mut hint_cut = false;
    for (p, &n) in parts.iter().zip(&shown) {
        let cut = n < p.lines.len();
        for (k, l) in p.lines[..n].iter().enumerate() {
            if cut && k + 1 == n && matches!(p.cut, Cut::Ellipsis) {
                text.push_str(&ellipsis(l, width));
            } else {
                text.push_str(l);
            }
            text.push('\n');
        }
        if let (true, Cut::Sign(sign)) = (cut, &p.cut) {
            // A color the cut text began ends here.
            if p.lines.iter().any(|l| l.contains('\x1b')) {
                text.push_str("\x1b[0m");
            }
            text.push_str(&counted(sign, p.lines.len() - n));
            text.push('\n');
        }
        hint_cut |= cut && p.hint;
    }
    Screen { text, hint_cut }
}

/// A sign with its count in: "1 more line", "3 more lines", "(1 line)".
fn counted(sign: &str, n: usize) -> String {
    let lines = postflow_core::count::plural(n as u64, "line");
    sign.replace("{n} more lines", &format!("{n} more {lines}"))
        .replace("{n} lines", &format!("{n} {lines}"))
        .replace("{n}", &n.to_string())
}

/// A line that goes on but is cut here: it ends in `…`, within `width`.
fn ellipsis(line: &str, width: usize) -> String {
    let line = line.trim_end();
    if line.chars().count() + 2 <= width {
        format!("{line} …")
    } else {
        let keep = width.saturating_sub(1);
        let cut: String = line.chars().take(keep).collect();
        format!("{}…", cut.trim_end())
    }
}

/// What `check` says when the current chapter passed and moved on (both tracks).
pub fn moved_on(g: &ChapterGuide, next: &ChapterGuide, go: bool, width: usize) -> String {
    let how = if go {
        // A Go worker runs the code it was started with: the new chapter's needs a new start.
        format!(
            "`workshop chapter` and `workshop hint` go to it now; `workshop check --go` checks it once your worker runs \
             chapter {}'s code: stop it and start it again",
            next.number
        )
    } else {
        "`workshop check` and `workshop hint` go to it now".to_owned()
    };
    wrap(&format!("Chapter {} passes. Next: chapter {} ({how}).", g.number, next.heading()), "", "  ", width)
}

/// What a command says when it changed the participant's track (once, at the change).
pub fn switched(t: Track) -> String {
    match t {
        Track::Go => "you are on the Go track now: `workshop chapter`, `list`, `hint` and `solution` show it without --go (your Go \
                      worker's chapters, the Go code); `workshop check` without --go, or --rust, goes back to the Rust track."
            .into(),
        Track::Rust => "you are on the Rust track now (your files in exercises/, checked on the simulator): `workshop list`, \
                        `hint`, `chapter` and `solution` show it; `workshop check --go`, or --go, goes back to the Go track."
            .into(),
    }
}

/// Why `reset` does nothing on the Go track: it would count a chapter passed on the
/// participant's worker as not passed, for a Rust file that worker never reads.
pub fn no_reset_on_go(layout: &Layout, g: &ChapterGuide, passed: bool, width: usize) -> String {
    let undone = if passed { format!(", and counts chapter {} as not passed again", g.number) } else { String::new() };
    let text = format!(
        "you are on the Go track, where your code is your Go worker's own: the workshop neither keeps nor resets it. \
         `workshop reset {n}` puts back the Rust track's starting file, {file}{undone}; to do that all the same: \
         `workshop reset {n} --rust`.",
        n = g.number,
        file = layout.show(&layout.exercise(g))
    );
    wrap(&text, "", "  ", width)
}

/// `workshop solution N` on the Go track: the Go code of the chapter's hints, which
/// are excerpts of its reference solution, and where the whole workflow is in Go.
pub fn go_solution(layout: &Layout, g: &ChapterGuide, width: usize) -> String {
    let mut s = wrap(
        &format!("Chapter {} on the Go track: the Go code of its hints, excerpts of the reference solution.", g.heading()),
        "",
        "  ",
        width,
    );
    for (level, h) in g.hints.iter().enumerate() {
        if !h.go.is_empty() {
            s.push('\n');
            s.push_str(&hint(g, level, true, width));
        }
    }
    let whole = layout.root.join(GO_REFERENCE);
    if whole.is_file() {
        let text = format!(
            "The whole workflow in Go, every chapter in one file: {} (this project's Go reference: `tracking` is chapters 1 \
             to 6, `orderProcessing` chapter 7).",
            layout.show(&whole)
        );
        s.push('\n');
        s.push_str(&wrap(&text, "", "  ", width));
    }
    s
}

/// The Go package that writes the workshop's workflow chapter by chapter.
const GO_REFERENCE: &str = "cadence-dev/workshop/workshop.go";

/// What `check --all` says under the chapters that failed without a hint: a hint
/// shown counts as used, so `--all` shows only the current chapter's.
pub fn no_hints_ahead(chapters: &[u8], current: u8, width: usize) -> String {
    let names: Vec<String> = chapters.iter().map(u8::to_string).collect();
    let which = match names.as_slice() {
        [one] => format!("chapter {one}"),
        [first @ .., last] => format!("chapters {} and {last}", first.join(", ")),
        [] => return String::new(),
    };
    let text = format!(
        "No hint for {which}: `check --all` shows the hint of the chapter you are at (chapter {current}) only, as a \
         hint shown counts as used. `workshop hint N` shows chapter N's."
    );
    wrap(&text, "", "  ", width)
}

/// The progress table. On the Rust track a chapter whose file is gone says so,
/// whatever its progress, and how to get the file back; on the Go track the files
/// are the participant's own and not listed, and what to run next is said.
pub fn list(layout: &Layout, p: &Progress, track: Track) -> String {
    let go = track == Track::Go;
    // Columns as wide as what is in them, so the table fits 80 columns.
    let title = chapters().map(|g| g.title.chars().count()).max().unwrap_or(0);
    let shown = |g: &ChapterGuide| if go { String::new() } else { format!("{}  ", layout.show(&layout.exercise(g))) };
    let file = chapters().map(|g| shown(g).chars().count()).max().unwrap_or(0);
    let heading = if go { "" } else { "file" };
    let mut s = format!("  {:>2}  {:<title$}  {:<file$}{:<8} {}\n", "#", "chapter", heading, "status", "hints");
    let mut missing = Vec::new();
    for g in chapters() {
        let c = p.chapter(g.number);
        let status = if !go && !layout.exercise(g).is_file() {
            missing.push((g, c.passed));
            "missing"
        } else if c.passed {
            "done"
        } else if g.number == p.current {
            "current"
        } else {
            "-"
        };
        let marker = if g.number == p.current { ">" } else { " " };
        s.push_str(&format!(
            "{marker} {:>2}  {:<title$}  {:<file$}{:<8} {}/{}\n",
            g.number,
            g.title,
            shown(g),
            status,
            c.hints,
            g.hints.len()
        ));
    }
    let done = chapters().filter(|g| p.chapter(g.number).passed).count();
    s.push_str(&format!("\n{done} of {} chapters done\n", chapters().count()));
    for (g, passed) in missing {
        let then = if passed { " (the chapter counts as not passed then, until its checks pass again)" } else { "" };
        let line =
            format!("{} is missing: `workshop reset {}` puts the starting file back{then}.", layout.show(&layout.exercise(g)), g.number);
        s.push_str(&wrap(&line, "", "  ", width()));
    }
    if go {
        let line = if p.chapter(p.current).passed {
            "On the Go track: every chapter has passed on your worker.".to_owned()
        } else {
            format!(
                "On the Go track: `workshop check --go` checks chapter {n} once your worker runs its code; `workshop hint` \
                 shows its hints with the Go code.",
                n = p.current
            )
        };
        s.push_str(&wrap(&line, "", "  ", width()));
    }
    s
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use postflow_core::workshop::checks::{CheckReport, Difference, SideBySide};

    use super::*;

    fn layout() -> Layout {
        Layout { root: PathBuf::from("/nowhere") }
    }

    /// A failing check of chapter 7 as the participant's run gives it: a long
    /// expectation, a reason, and the first difference with rows wider than a column.
    fn failing(label: &str) -> CheckReport {
        let row = |reference: &str, yours: &str, differs| SideBySide { reference: reference.into(), yours: yours.into(), differs };
        CheckReport {
            label: label.into(),
            name: "timer".into(),
            expectation: "A scan cancels the old timer, asks for a fresh estimate from Delft and starts a new timer; when it \
                          fires the customer is notified once"
                .into(),
            passed: false,
            message: Some(format!(
                "check {label}: the customer was notified twice: the old timer was not canceled when the package was scanned"
            )),
            difference: Some(Difference {
                event_id: 28,
                explanation: "event 28 is TimerCanceled in both, but startedEventId is 22 in the reference solution and 27 in yours".into(),
                rows: vec![
                    row(
                        "25 DecisionTaskScheduled taskList=sticky timeout=10s attempt=0",
                        "25 DecisionTaskScheduled taskList=sticky timeout=10s attempt=0",
                        false,
                    ),
                    row("26 DecisionTaskStarted scheduled=25", "26 DecisionTaskStarted scheduled=25", false),
                    row("27 DecisionTaskCompleted scheduled=25 started=26", "27 DecisionTaskCompleted scheduled=25 started=26", false),
                    row("28 TimerCanceled timerId=3 started=22 decision=27", "28 TimerCanceled timerId=3 started=27 decision=27", true),
                ],
            }),
        }
    }

    fn chapter_7_failing() -> Outcome {
        Outcome::Checked { reports: ["7.1", "7.2", "7.3", "7.4"].map(failing).into(), printed: vec![], warnings: String::new() }
    }

    const KEYS: &str = "[h hint · i the chapter · l list · c check again · q quit]";

    #[test]
    fn on_a_small_window_the_reason_stays_and_every_cut_has_a_sign() {
        let g = ChapterGuide::number(7).unwrap();
        let o = chapter_7_failing();
        let header = "Chapter 7 · The notification timer · exercises/07_notification.rs";
        let footer = ["Save the file to check again.", KEYS];
        // Three hints used: the last one, with its code.
        let whole = screen(&layout(), g, &o, Some(2), header, &footer, 80, usize::MAX);
        assert!(!whole.hint_cut && !whole.text.contains("shows it whole"), "{}", whole.text);
        assert!(whole.text.lines().count() > 23, "the case needs a screen that does not fit:\n{}", whole.text);
        // 80x24: 23 rows, the last holds the cursor.
        let fitted = screen(&layout(), g, &o, Some(2), header, &footer, 80, 23);
        let text = &fitted.text;
        assert!(text.lines().count() <= 23, "{} rows:\n{text}", text.lines().count());
        assert!(text.lines().all(|l| l.chars().count() <= 80), "{text}");
        assert!(text.starts_with(header), "{text}");
        assert!(text.contains("check 7.1: the customer was notified twice"), "the first failing check's reason:\n{text}");
        assert!(text.contains("Hint 3 of 3 for chapter 7:"), "{text}");
        assert!(text.contains("more lines of this hint: h shows it whole") && fitted.hint_cut, "{text}");
        assert!(text.ends_with(&format!("Save the file to check again.\n{KEYS}\n")), "{text}");
        assert!(text.contains("(`workshop check 7` shows every failing check in full)"), "{text}");
        // Whatever the height, what is left out is signed (a line with …).
        for height in 10..80 {
            let fitted = screen(&layout(), g, &o, Some(2), header, &footer, 80, height);
            let missing = whole.text.lines().filter(|l| !l.is_empty() && !fitted.text.contains(*l)).count();
            let signs = fitted.text.lines().filter(|l| l.contains('…') && !whole.text.contains(*l)).count();
            assert!(missing == 0 || signs > 0, "{height} rows: {missing} lines cut without a sign:\n{}", fitted.text);
            assert!(fitted.text.contains("check 7.1: the customer was notified"), "{height}:\n{}", fitted.text);
            assert!(fitted.text.ends_with(&format!("{KEYS}\n")), "{height}:\n{}", fitted.text);
        }
    }

    #[test]
    fn a_compile_error_too_long_for_the_window_is_cut_with_a_sign() {
        let g = ChapterGuide::number(2).unwrap();
        let errors: String = (1..=60).map(|i| format!("\x1b[1merror\x1b[0m: line {i} of what the compiler says\n")).collect();
        let o = Outcome::CompileError(errors);
        let fitted = screen(&layout(), g, &o, Some(0), "Chapter 2", &["Save the file to check again.", KEYS], 80, 23);
        assert!(fitted.text.lines().count() <= 23, "{}", fitted.text);
        assert!(fitted.text.contains("line 1 of what") && !fitted.text.contains("line 60 of"), "{}", fitted.text);
        assert!(fitted.text.contains("more lines from the compiler: `workshop check 2` shows them all"), "{}", fitted.text);
    }

    #[test]
    fn one_line_cut_is_said_as_one_line() {
        // The program printed one line, too long for the window: "1 more line", not "1 more lines".
        let g = ChapterGuide::number(2).unwrap();
        let o = Outcome::Checked { reports: vec![failing("2.1")], printed: vec!["x".repeat(300)], warnings: String::new() };
        let fitted = screen(&layout(), g, &o, Some(0), "Chapter 2", &["Save the file to check again.", KEYS], 80, 23);
        assert!(fitted.text.contains("  | … 1 more line: `workshop check 2` shows them all"), "{}", fitted.text);
        assert!(!fitted.text.contains(" 1 more lines") && !fitted.text.contains("(1 lines)"), "{}", fitted.text);
    }

    #[test]
    fn a_go_participant_is_told_the_worker_must_be_started_again_for_the_next_chapter() {
        let (one, two) = (ChapterGuide::number(1).unwrap(), ChapterGuide::number(2).unwrap());
        let said = moved_on(one, two, true, 80).split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(said.contains("once your worker runs chapter 2's code: stop it and start it again"), "{said}");
        assert!(!moved_on(one, two, false, 80).contains("worker"));
    }

    #[test]
    fn where_the_program_output_first_repeats_a_note_says_why() {
        let g = ChapterGuide::number(2).unwrap();
        let printed = |lines: &[&str]| Outcome::Checked {
            reports: vec![failing("2.1")],
            printed: lines.iter().map(|l| l.to_string()).collect(),
            warnings: String::new(),
        };
        let o = printed(&["paying for Order123", "shipping Order123", "paying for Order123", "paying for Order123"]);
        let text = outcome(&layout(), g, &o, Some(0), 80);
        let lines: Vec<&str> = text.lines().collect();
        let note = lines.iter().position(|l| l.starts_with("  ↺ Lines repeat from here:")).expect(&text);
        // Above the first line printed again, once, and the lines before it untouched.
        assert_eq!(lines[note - 2..note], ["  | paying for Order123", "  | shipping Order123"], "{text}");
        let after = lines[note..].iter().position(|l| l.starts_with("  | ")).unwrap() + note;
        assert_eq!(lines[after..after + 2], ["  | paying for Order123", "  | paying for Order123"], "{text}");
        assert!(lines[note + 1..after].iter().all(|l| l.starts_with("    ")), "{text}");
        assert_eq!(text.matches('↺').count(), 1, "{text}");
        let said: String = lines[note..after].iter().map(|l| l.trim()).collect::<Vec<_>>().join(" ");
        assert!(said.contains("running its code again from the start (a replay); each check is a new run"), "{said}");
        assert!(said.contains("ctx.logger() writes a line once (tui --exercise 2 shows its log)"), "{said}");
        assert!(said.contains("`if !ctx.is_replaying()` skips a worker's replays"), "{said}");
        assert!(lines.iter().all(|l| l.chars().count() <= 80), "{text}");
        // Nothing printed twice: no note.
        let text = outcome(&layout(), g, &printed(&["paying for Order123", "shipping Order123"]), Some(0), 80);
        assert!(!text.contains('↺'), "{text}");
    }

    #[test]
    fn the_columns_side_by_side_mark_a_cut() {
        let g = ChapterGuide::number(7).unwrap();
        let o = Outcome::Checked { reports: vec![failing("7.2")], printed: vec![], warnings: String::new() };
        for width in [80, 120, usize::MAX] {
            let text = outcome(&layout(), g, &o, Some(0), width);
            let cut: Vec<&str> = text.lines().filter(|l| l.contains("25 DecisionTaskScheduled")).collect();
            assert_eq!(cut.len(), 1, "{text}");
            // The row is cut in both columns, and says so.
            assert_eq!(cut[0].matches('…').count(), 2, "{width}: {}", cut[0]);
            assert!(!cut[0].contains("attempt=0"), "{width}: {}", cut[0]);
            // A row that fits is not marked.
            let short = text.lines().find(|l| l.contains("26 DecisionTaskStarted")).unwrap();
            assert!(!short.contains('…'), "{short}");
        }
        let text = outcome(&layout(), g, &o, Some(0), 80);
        assert!(text.contains("      25 DecisionTaskScheduled taskList=…   25 DecisionTaskScheduled taskList=…\n"), "{text}");
        assert!(text.contains("    ≠ 28 TimerCanceled timerId=3 started…"), "{text}");
    }

    #[test]
    fn a_missing_file_and_checks_that_cannot_run_are_wrapped_to_the_terminal() {
        let g = ChapterGuide::number(4).unwrap();
        let missing = Outcome::Missing(PathBuf::from("/nowhere/exercises/04_loop.rs"));
        let failed = Outcome::Failed("cargo build --bin exercise-4 failed: error: failed to load manifest for workspace member\n\nCaused by: something long enough to be wrapped on a narrow terminal".into());
        for o in [missing, failed] {
            for width in [40, 60, 80] {
                let text = outcome(&layout(), g, &o, Some(0), width);
                assert!(text.lines().all(|l| l.chars().count() <= width), "{width}:\n{text}");
                // No word is split across lines.
                let words = |t: &str| t.split_whitespace().map(str::to_owned).collect::<Vec<_>>();
                assert_eq!(words(&text), words(&outcome(&layout(), g, &o, Some(0), usize::MAX)), "{width}:\n{text}");
            }
        }
        let text = outcome(&layout(), g, &Outcome::Missing(PathBuf::from("/nowhere/exercises/04_loop.rs")), Some(0), 80);
        assert_eq!(text, "exercises/04_loop.rs is missing. `workshop reset 4` puts the starting file back\n  (nothing else is touched).\n");
    }

    #[test]
    fn the_chapter_texts_name_the_chapter_to_open_in_the_terminal_app() {
        for g in chapters() {
            let text = intro(&layout(), g, Track::Rust, 80);
            assert!(text.contains(&format!("What to look for in the history (tui --exercise {} shows it)", g.number)), "{text}");
            assert!(!text.contains("--exercise N"), "{text}");
        }
    }

    #[test]
    fn on_the_go_track_the_chapter_texts_name_the_server_and_the_check_not_a_rust_file() {
        for g in chapters() {
            let text = intro(&layout(), g, Track::Go, 80);
            let words = text.split_whitespace().collect::<Vec<_>>().join(" ");
            assert!(words.contains(&g.goal.split_whitespace().collect::<Vec<_>>().join(" ")), "{text}");
            assert!(words.contains(&format!("`workshop check --go {}` checks it on the server", g.number)), "{text}");
            assert!(!text.contains("exercises/") && !text.contains("tui --exercise"), "{text}");
        }
    }
}
