//! Words wrapped to a terminal's width, for the binaries that print plain text (the
//! workshop's check reports, chapter texts and hints; the fleet's summary and capacity
//! model). The terminal app and the page lay out their own text; a program that
//! prints lines has to break them itself, or the terminal breaks them mid-word.

/// `text`'s words in lines of at most `width` characters: the first line starts with
/// `first`, the others with `rest`. A word longer than a whole line (a payload's JSON)
/// is cut across lines under the indent, after a comma where the line has one, so
/// that `"amount":20,` is not read as `"amount":2` and `0,`.
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
            let limit = word.char_indices().nth(width - used).map_or(word.len(), |(i, _)| i);
            let split = word[..limit].rfind(',').map(|i| i + 1).filter(|&i| i > limit / 3).unwrap_or(limit);
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

/// `text` in at most `max` characters (`max` ≥ 1): whole when it fits, else its start
/// with `…` as the last character shown, so a cut is never mistaken for the value.
pub fn shortened(text: &str, max: usize) -> std::borrow::Cow<'_, str> {
    match text.char_indices().nth(max) {
        None => text.into(),
        Some(_) => {
            let keep = text.char_indices().nth(max.saturating_sub(1)).map_or(text.len(), |(i, _)| i);
            format!("{}…", &text[..keep]).into()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{shortened, wrap};

    #[test]
    fn a_shortened_text_ends_in_an_ellipsis_within_its_length() {
        assert_eq!(shortened("Delft", 5), "Delft");
        assert_eq!(shortened("Delft!", 5), "Delf…");
        assert_eq!(shortened("東京東京", 3), "東京…");
        assert_eq!(shortened("ab", 1), "…");
    }

    #[test]
    fn a_long_json_word_is_cut_after_its_commas() {
        let json = r#"input={"id":"Order123","customer":"Cadence","amount":20,"address":"Uber office"}"#;
        let wrapped = wrap(json, "", "  ", 40);
        assert!(wrapped.lines().all(|l| l.chars().count() <= 40), "{wrapped}");
        assert!(wrapped.lines().all(|l| l.ends_with(',') || l.ends_with('}')), "cut after a comma: {wrapped}");
        assert!(wrapped.contains(r#""amount":20,"#), "{wrapped}");
        let joined: String = wrapped.lines().map(str::trim_start).collect();
        assert_eq!(joined, json, "nothing lost");
        // A word without commas is cut where the line ends.
        assert_eq!(wrap(&"x".repeat(12), "", "", 5), "xxxxx\nxxxxx\nxx\n");
    }

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
