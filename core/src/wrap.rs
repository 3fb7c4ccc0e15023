//! Words wrapped to a terminal's width, for the binaries that print plain text (the
//! workshop's check reports, chapter texts and hints; the fleet's summary and capacity
//! model). The terminal app and the page lay out their own text; a program that
//! prints lines has to break them itself, or the terminal breaks them mid-word.

/// `text`'s words in lines of at most `width` characters: the first line starts with
/// `first`, the others with `rest`. A word longer than a whole line (a payload's JSON)
/// is cut across lines, as the terminal would cut it, but under the indent.
pub fn wrap(text: &str, first: &str, rest: &str, width: usize) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    let mut line = String::from(first);
    let mut used = first.chars().count();
    let mut empty = true;
    // A stack, so that the rest of a cut word comes next.
    let mut words: Vec<&str> = text.split_whitespace().rev().collect();
    while let Some(word) = words.pop() {
        let len = word.chars().count();
        if !empty && used + 1 + len > width {
            out.push_str(&line);
            out.push('\n');
            line = String::from(rest);
            used = rest.chars().count();
            empty = true;
        }
        if empty && used + len > width && width > used {
            // Too long for any line: what fits here, the rest as the next word.
            let split = word.char_indices().nth(width - used).map_or(word.len(), |(i, _)| i);
            words.push(&word[split..]);
            line.push_str(&word[..split]);
            used = width;
            empty = false;
            continue;
        }
        if !empty {
            line.push(' ');
            used += 1;
        }
        line.push_str(word);
        used += len;
        empty = false;
    }
    if !empty {
        out.push_str(&line);
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::wrap;

    #[test]
    fn lines_stay_within_the_width_and_keep_every_word() {
        let text = "An activity is the part of a workflow that touches the outside world: a payment service, a warehouse.";
        for width in [20, 40, 80] {
            let wrapped = wrap(text, "✗ ", "    ", width);
            assert!(wrapped.lines().all(|l| l.chars().count() <= width), "{width}:\n{wrapped}");
            assert!(wrapped.starts_with("✗ An activity"), "{wrapped}");
            assert!(wrapped.lines().skip(1).all(|l| l.starts_with("    ") && !l.starts_with("     ")), "{wrapped}");
            assert_eq!(wrapped.split_whitespace().filter(|w| *w != "✗").collect::<Vec<_>>(), text.split_whitespace().collect::<Vec<_>>());
        }
    }

    #[test]
    fn a_word_longer_than_a_line_is_cut_under_the_indent() {
        assert_eq!(
            wrap("see {\"amount\":20,\"id\":\"Order123\"} now", "  ", "    ", 14),
            "  see\n    {\"amount\":\n    20,\"id\":\"O\n    rder123\"}\n    now\n"
        );
        assert_eq!(wrap("", "  ", "  ", 12), "");
        // An indent as wide as the line leaves no room: the word stays whole rather than loop.
        assert_eq!(wrap("word", "    ", "    ", 4), "    word\n");
    }
}
