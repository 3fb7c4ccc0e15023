//! The compiler's messages laid out for the terminal's width, for both ways an exercise
//! is built: the workshop's checks and `tui --exercise N` / `bridge worker --exercise N`
//! ([`crate::hand_over`]). Cargo's output is read through a pipe (`crate::build`), so
//! neither cargo nor rustc knows how wide the terminal is (cargo 1.95 has no setting
//! that tells rustc `--diagnostic-width` for it), and rustc does not wrap its words
//! anyway: a message wider than the terminal was broken by the terminal, mid-word. Here
//! each such line is broken between words, its next lines indented under its text
//! (under the gutter `|` for a label), so that it reads as rustc's own layout. A line of
//! code is never wrapped (the markers under it would point elsewhere): when a marker
//! lies beyond the width, the code and its markers move left together, the part left
//! out shown as `…`, as rustc itself does with `--diagnostic-width`; what still does not
//! fit ends in `…`. Colors (`--color=always`) are kept and take no columns.

/// `text` (the compiler's output) with every line within `width` columns.
pub fn fit(text: &str, width: usize) -> String {
    if width == usize::MAX {
        return text.to_owned();
    }
    let lines: Vec<Line> = text.lines().map(Line::new).collect();
    let shifts = shifts(&lines, width);
    let mut out = String::with_capacity(text.len() + 64);
    for (line, shift) in lines.iter().zip(shifts) {
        match shift {
            Some((at, by)) => {
                let moved = line.without(at, by);
                lay_out(&Line::new(&moved), width, &mut out);
            }
            None => lay_out(line, width, &mut out),
        }
    }
    out
}

/// A line of the compiler's output: its visible characters, and where each one is in
/// the text, which also holds the color codes.
struct Line<'a> {
    src: &'a str,
    /// The visible characters, with their byte offsets in `src`.
    chars: Vec<(usize, char)>,
}

impl<'a> Line<'a> {
    fn new(src: &'a str) -> Line<'a> {
        let mut chars = Vec::with_capacity(src.len());
        let mut escape = false;
        for (i, c) in src.char_indices() {
            match c {
                '\x1b' => escape = true,
                c if escape => escape = !c.is_ascii_alphabetic(),
                c => chars.push((i, c)),
            }
        }
        Line { src, chars }
    }

    fn len(&self) -> usize {
        self.chars.len()
    }

    fn char(&self, i: usize) -> char {
        self.chars[i].1
    }

    /// The byte offset of visible character `i` (the end of the text for `len()`).
    fn offset(&self, i: usize) -> usize {
        self.chars.get(i).map_or(self.src.len(), |&(o, _)| o)
    }

    /// The color codes in effect at byte `at` (since the last reset).
    fn colors(&self, at: usize) -> String {
        let mut active = String::new();
        let mut rest = &self.src[..at];
        while let Some(start) = rest.find('\x1b') {
            let after = &rest[start + 1..];
            let end = after.find(|c: char| c.is_ascii_alphabetic()).map_or(after.len(), |e| e + 1);
            let code = &rest[start..start + 1 + end];
            if code == "\x1b[0m" || code == "\x1b[m" {
                active.clear();
            } else {
                active.push_str(code);
            }
            rest = &after[end..];
        }
        active
    }

    /// The line without visible characters `at..at + by + 1`, with `…` in their place.
    fn without(&self, at: usize, by: usize) -> String {
        let end = (at + by + 1).min(self.len());
        let mut s = String::from(&self.src[..self.offset(at)]);
        if !self.colors(self.offset(at)).is_empty() {
            s.push_str("\x1b[0m");
        }
        // A label line has only blanks there: it loses them, and no `…`.
        if self.gutter().is_some_and(|(_, numbered)| numbered) {
            s.push('…');
        } else {
            s.push(' ');
        }
        s.push_str(&self.colors(self.offset(end)));
        s.push_str(&self.src[self.offset(end)..]);
        s
    }

    /// Where the gutter ends (after its `|`, or the `+`/`-`/`~` of a suggested change)
    /// and whether it has a line number: `Some((end, true))` for a line of code.
    fn gutter(&self) -> Option<(usize, bool)> {
        let mut i = 0;
        while i < self.len() && self.char(i) == ' ' {
            i += 1;
        }
        let digits = i;
        while i < self.len() && self.char(i).is_ascii_digit() {
            i += 1;
        }
        let numbered = i > digits;
        while i < self.len() && self.char(i) == ' ' {
            i += 1;
        }
        match self.chars.get(i).map(|&(_, c)| c) {
            Some('|') => Some((i + 1, numbered)),
            Some('+' | '-' | '~') if numbered && self.chars.get(i + 1).is_none_or(|&(_, c)| c == ' ') => Some((i + 1, true)),
            _ => None,
        }
    }

    /// The column where the text of a wrapped line goes on: under the words after
    /// `error[E0277]: `, `= note: `, `--> `; under a label's first column after the
    /// gutter; else two columns in from where the line starts.
    fn hanging(&self, width: usize) -> usize {
        let visible: String = self.chars.iter().map(|&(_, c)| c).collect();
        let lead = visible.len() - visible.trim_start().len();
        let body = visible.trim_start();
        let after_kind = ["error", "warning", "help", "note", "= "].iter().find_map(|kind| {
            let rest = body.strip_prefix(kind)?;
            let rest = rest.strip_prefix('[').map_or(Some(rest), |r| r.find("]").map(|e| &r[e + 1..]))?;
            let rest = if *kind == "= " { rest.trim_start_matches(|c: char| c.is_ascii_alphabetic()) } else { rest };
            rest.strip_prefix(": ").map(|r| visible.len() - r.len())
        });
        let column = match (after_kind, self.gutter()) {
            (Some(c), _) => c,
            (None, Some((end, _))) => end + (end..self.len()).take_while(|&i| self.char(i) == ' ').count(),
            (None, None) if body.starts_with("--> ") => lead + 4,
            (None, None) => lead + 2,
        };
        if column <= width / 2 { column } else { (lead + 2).min(width / 2) }
    }
}

/// For each line, the characters to leave out so that the markers under a line of
/// code fit the width: `(from, how many)`, the same for the code and its labels.
fn shifts(lines: &[Line], width: usize) -> Vec<Option<(usize, usize)>> {
    let mut out = vec![None; lines.len()];
    let mut i = 0;
    while i < lines.len() {
        let Some((end, _)) = lines[i].gutter() else {
            i += 1;
            continue;
        };
        // A run of lines in one gutter: code lines and the label lines under them.
        let mut j = i;
        while j < lines.len() && lines[j].gutter().is_some_and(|(e, _)| e == end) {
            j += 1;
        }
        let group = &lines[i..j];
        // Each label line: its first column after the gutter, the last column a marker
        // (^^^, ---, ~~~, +++) reaches, and its width.
        let at = end + 1;
        let labels: Vec<(usize, usize, usize)> = group
            .iter()
            .filter(|l| l.gutter().is_some_and(|(_, numbered)| !numbered) && l.len() > at)
            .map(|l| {
                let visible: String = l.chars.iter().map(|&(_, c)| c).collect();
                let mut column = 0;
                let mut reach = 0;
                for word in visible.split(' ') {
                    if !word.is_empty() && word.chars().all(|c| matches!(c, '^' | '-' | '~' | '+')) {
                        reach = column + word.chars().count();
                    }
                    column += word.chars().count() + 1;
                }
                let first = (at..l.len()).find(|&k| l.char(k) != ' ').unwrap_or(l.len());
                (first, reach, l.len())
            })
            .collect();
        let reach = labels.iter().map(|&(_, r, _)| r).max().unwrap_or(0);
        let code = group.iter().filter(|l| l.gutter().is_some_and(|(_, numbered)| numbered)).map(Line::len).max().unwrap_or(0);
        if reach > width || code > width {
            // Move the code and its markers left (with their labels, if there is room),
            // taking out only columns where every label line is blank.
            let need = reach.saturating_sub(width);
            let want = labels.iter().map(|&(_, _, len)| len).chain([code]).max().unwrap_or(0).saturating_sub(width);
            let room = labels.iter().map(|&(first, _, _)| first.saturating_sub(at + 1)).min().unwrap_or(0);
            let by = want.max(need).min(room);
            if by >= need && by > 0 {
                for (k, l) in group.iter().enumerate() {
                    if l.len() > at {
                        out[i + k] = Some((at, by));
                    }
                }
            }
        }
        i = j;
    }
    out
}

/// One line of the compiler's output, within `width`: as it is when it fits; a line of
/// code cut with `…`; any other broken between words, its next lines under its text.
fn lay_out(line: &Line, width: usize, out: &mut String) {
    if line.len() <= width {
        out.push_str(line.src);
        out.push('\n');
        return;
    }
    let gutter = line.gutter();
    if let Some((_, true)) = gutter {
        let keep = width.saturating_sub(1);
        out.push_str(&line.src[..line.offset(keep)]);
        if !line.colors(line.offset(keep)).is_empty() {
            out.push_str("\x1b[0m");
        }
        out.push_str("…\n");
        return;
    }
    let hang = line.hanging(width);
    // What starts each next line: the gutter, in its colors, or blanks.
    let mut prefix = String::new();
    let mut columns = 0;
    if let Some((end, _)) = gutter {
        prefix.push_str(&line.src[..line.offset(end)]);
        if !line.colors(line.offset(end)).is_empty() {
            prefix.push_str("\x1b[0m");
        }
        columns = end;
    }
    prefix.push_str(&" ".repeat(hang.saturating_sub(columns)));
    // The first break may not come before the line's first word (after its gutter).
    let first_word = gutter.map_or(0, |(end, _)| end);
    let mut start = 0;
    let mut first = true;
    while start < line.len() {
        let room = if first { width } else { width - hang.min(width - 1) };
        let limit = start + room;
        let (end, next) = if line.len() <= limit {
            (line.len(), line.len())
        } else {
            let from = if first { first_word } else { start };
            let word = (from..line.len()).find(|&k| line.char(k) != ' ').unwrap_or(from);
            match (word + 1..=limit).rev().find(|&k| line.char(k) == ' ') {
                Some(b) => (b, b),
                // One word longer than the room: cut it there.
                None => (limit, limit),
            }
        };
        let mut trimmed = end;
        while trimmed > start && line.char(trimmed - 1) == ' ' {
            trimmed -= 1;
        }
        if first {
            out.push_str(&line.src[..line.offset(trimmed)]);
        } else {
            out.push_str(&prefix);
            out.push_str(&line.colors(line.offset(start)));
            out.push_str(&line.src[line.offset(start)..line.offset(trimmed)]);
        }
        if !line.colors(line.offset(trimmed)).is_empty() {
            out.push_str("\x1b[0m");
        }
        out.push('\n');
        first = false;
        start = (next..line.len()).find(|&k| line.char(k) != ' ').unwrap_or(line.len());
    }
}

#[cfg(test)]
mod tests {
    use super::fit;

    /// What rustc wrote for an activity's argument passed bare (E0277 with core's
    /// message), in the layout it writes for a wide terminal.
    const BARE_ARGUMENT: &str = r#"error[E0277]: the arguments of an activity or a workflow are a tuple, not one value
   --> exercises/01_activities.rs:35:72
    |
 35 |     ctx.execute_activity::<String>(&activity_options(), "shipProduct", order)
    |         ---------------- required by a bound introduced by this call   ^^^^^ write the arguments as a tuple: `(&order,)` for one, `(&a, &b)` for two
    |
    = help: the trait `postflow_core::payload::EncodeArgs` is not implemented for `postflow_exercises::prelude::Order`
    = note: as in Go's ExecuteActivity(ctx, name, args...), each element of the tuple is one argument
error: could not compile `postflow-exercises` (bin "exercise-1") due to 1 previous error
"#;

    fn visible(text: &str) -> String {
        crate::without_colors(text)
    }

    fn words(text: &str) -> Vec<String> {
        visible(text).split_whitespace().map(str::to_owned).collect()
    }

    #[test]
    fn a_message_wider_than_the_terminal_is_broken_between_words_under_its_text() {
        let text = fit(BARE_ARGUMENT, 80);
        assert!(text.lines().all(|l| l.chars().count() <= 80), "{text}");
        assert_eq!(
            text,
            r#"error[E0277]: the arguments of an activity or a workflow are a tuple, not one
              value
   --> exercises/01_activities.rs:35:72
    |
 35 | …execute_activity::<String>(&activity_options(), "shipProduct", order)
    |  ---------------- required by a bound introduced by this call   ^^^^^
    |  write the arguments as a tuple: `(&order,)` for one, `(&a, &b)` for two
    |
    = help: the trait `postflow_core::payload::EncodeArgs` is not implemented
            for `postflow_exercises::prelude::Order`
    = note: as in Go's ExecuteActivity(ctx, name, args...), each element of the
            tuple is one argument
error: could not compile `postflow-exercises` (bin "exercise-1") due to 1
       previous error
"#
        );
        // Nothing is lost but the start of the code (the marker stands under `order`,
        // as rustc drew it), and no word is split (a label's next line has a gutter too).
        let code = |t: &str| t.lines().filter(|l| !l.starts_with(" 35 |")).flat_map(words).filter(|w| w != "|").collect::<Vec<_>>();
        assert_eq!(code(&text), code(BARE_ARGUMENT));
        // A terminal wide enough: as rustc wrote it; a pipe: whole lines.
        assert_eq!(fit(BARE_ARGUMENT, 160), BARE_ARGUMENT);
        assert_eq!(fit(BARE_ARGUMENT, usize::MAX), BARE_ARGUMENT);
    }

    #[test]
    fn code_rustc_trimmed_for_the_terminal_but_a_column_too_wide_moves_left_rather_than_lose_its_end() {
        // rustc measures the terminal itself and trims the code's start (`...`), yet
        // leaves it a column wider than 80.
        let text = " 35 | ...tx.execute_activity::<String>(&activity_options(), \"shipProduct\", order)\n    |       \
                    ---------------- required by a bound introduced by this call   ^^^^^ write the arguments\n";
        assert_eq!(
            fit(text, 80),
            " 35 | …execute_activity::<String>(&activity_options(), \"shipProduct\", order)\n    |  ---------------- required by \
             a bound introduced by this call   ^^^^^\n    |  write the arguments\n"
        );
    }

    #[test]
    fn colors_take_no_columns_and_end_with_each_line() {
        let colored = "\x1b[1m\x1b[91merror[E0277]\x1b[0m\x1b[1m: the arguments of an activity or a workflow are a tuple, \
                       not one value\x1b[0m\n    \x1b[1m\x1b[94m|\x1b[0m         \x1b[1m\x1b[94m----\x1b[0m \x1b[1m\x1b[94mrequired \
                       by a bound introduced by this call and some more words to go past the edge\x1b[0m\n";
        let text = fit(colored, 80);
        assert_eq!(visible(&text), visible(&fit(&visible(colored), 80)), "{text}");
        assert!(visible(&text).lines().all(|l| l.chars().count() <= 80), "{text}");
        for l in text.lines() {
            // A line that turns a color on turns it off before it ends.
            assert!(!l.contains('\x1b') || l.ends_with("\x1b[0m"), "{l:?}");
        }
        // The bold message goes on bold; the gutter of a label's next line is the gutter's color.
        assert!(text.contains("\n              \x1b[1mvalue\x1b[0m\n"), "{text:?}");
        assert!(text.contains("\n    \x1b[1m\x1b[94m|\x1b[0m         \x1b[1m\x1b[94m"), "{text:?}");
    }

    #[test]
    fn a_marker_beyond_the_edge_moves_left_with_its_code() {
        let code = format!("{}foo(bar)", " ".repeat(96));
        let text = format!(" 35 | {code}\n    | {}^^^ not found in this scope\n", " ".repeat(100));
        let fitted = fit(&text, 80);
        let lines: Vec<&str> = fitted.lines().collect();
        assert!(lines.iter().all(|l| l.chars().count() <= 80), "{fitted}");
        // The marker still stands under `bar`, and the code says where it was cut.
        let under =
            |l: &str, what: &str| l.chars().collect::<Vec<_>>().windows(what.len()).position(|w| w.iter().collect::<String>() == what);
        assert_eq!(under(lines[0], "bar"), under(lines[1], "^^^"), "{fitted}");
        assert!(lines[0].starts_with(" 35 | …"), "{fitted}");
        assert!(lines[1].ends_with("^^^ not found in this scope"), "{fitted}");
    }
}
