//! Whole numbers typed on a command line (packages, workers, pollers, seeds, page
//! sizes), read by one set of rules for every binary, so that one mistake gets one
//! answer. The standard library's parser would answer `-1` with "invalid digit found
//! in string" and a number past the type's end with "number too large to fit in target
//! type"; these say what the value must be. And counts written back in words
//! ([`many`]: "1 worker", "2 workers").

use std::fmt::Display;
use std::num::IntErrorKind;

/// The unsigned integer types a count is read into.
pub trait Count: Copy + Display + TryFrom<u64> {
    const MAX: Self;
}

impl Count for u32 {
    const MAX: Self = u32::MAX;
}

impl Count for u64 {
    const MAX: Self = u64::MAX;
}

impl Count for usize {
    const MAX: Self = usize::MAX;
}

/// A count of 0 or more.
pub fn zero_or_more<T: Count>(text: &str) -> Result<T, String> {
    at_least(0, text)
}

/// A count of 1 or more.
pub fn at_least_one<T: Count>(text: &str) -> Result<T, String> {
    at_least(1, text)
}

/// `text` without the separators of digit groups people write (`20,000`,
/// `1_000_000`), when every group after the first has three digits; else as it is.
fn ungrouped(text: &str) -> std::borrow::Cow<'_, str> {
    let Some(sep) = [',', '_'].into_iter().find(|c| text.contains(*c)) else { return text.into() };
    let mut groups = text.strip_prefix(['-', '+']).unwrap_or(text).split(sep);
    let first_ok = groups.next().is_some_and(|g| (1..=3).contains(&g.len()) && g.bytes().all(|b| b.is_ascii_digit()));
    if first_ok && groups.all(|g| g.len() == 3 && g.bytes().all(|b| b.is_ascii_digit())) {
        text.replace(sep, "").into()
    } else {
        text.into()
    }
}

fn at_least<T: Count>(low: u64, text: &str) -> Result<T, String> {
    let digits = ungrouped(text);
    // Read wider than any target, so that a negative number and one past the end are
    // told apart from text that is no number at all.
    let n = match digits.parse::<i128>() {
        Ok(n) => n,
        Err(e) if *e.kind() == IntErrorKind::PosOverflow => i128::MAX,
        Err(e) if *e.kind() == IntErrorKind::NegOverflow => i128::MIN,
        // 1e9 is whole, but not written in digits, which is all a count is read in.
        Err(_) if text.parse::<f64>().is_ok_and(|f| f.is_finite() && f.fract() == 0.0 && f.abs() < 1e30) => {
            // As a float, not an i128: the page has no other use for i128's formatting.
            let whole = text.parse::<f64>().unwrap_or_default();
            return Err(format!("must be written in digits (got {text}; that is {whole:.0})"));
        }
        Err(_) if text.parse::<f64>().is_ok() => return Err(format!("must be a whole number (got {text})")),
        Err(_) => return Err(format!("expected a whole number, got {text:?}")),
    };
    if n < i128::from(low) {
        return Err(match low {
            0 => format!("must be 0 or more (got {text})"),
            _ => format!("must be at least {low} (got {text})"),
        });
    }
    u64::try_from(n).ok().and_then(|n| T::try_from(n).ok()).ok_or_else(|| format!("must be at most {} (got {text})", T::MAX))
}

/// `n` things, the noun made plural by an s unless there is one: "1 shard", "0 hits".
pub fn many(n: impl Into<u64>, noun: &str) -> String {
    let n = n.into();
    format!("{} {}", grouped(n), plural(n, noun))
}

/// A whole number for people, its thousands separated: 20,000.
pub fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The noun for `n` of it ("shard", "shards"), for a count written another way
/// (grouped digits, a word between).
pub fn plural(n: u64, noun: &str) -> String {
    if n == 1 { noun.to_owned() } else { format!("{noun}s") }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_in_range_are_read_and_the_rest_are_refused_with_what_they_must_be() {
        assert_eq!(zero_or_more::<u64>("0"), Ok(0));
        assert_eq!(zero_or_more::<u64>("+7"), Ok(7));
        assert_eq!(at_least_one::<u32>("4294967295"), Ok(u32::MAX));
        assert_eq!(zero_or_more::<u64>("18446744073709551615"), Ok(u64::MAX));
        // Digit groups as people write them, as the counts are written back.
        assert_eq!(zero_or_more::<u64>("20,000"), Ok(20_000));
        assert_eq!(at_least_one::<u64>("1_000_000"), Ok(1_000_000));
        for (got, says) in [
            (zero_or_more::<u64>("-1").map(drop), "must be 0 or more (got -1)"),
            (at_least_one::<usize>("0").map(drop), "must be at least 1 (got 0)"),
            (at_least_one::<u64>("-99999999999999999999999999999999999999999").map(drop), "must be at least 1 (got -9999"),
            (at_least_one::<u32>("4294967296").map(drop), "must be at most 4294967295 (got 4294967296)"),
            (zero_or_more::<u64>("99999999999999999999999999999999999999999").map(drop), "must be at most 18446744073709551615"),
            (zero_or_more::<u64>("1.5").map(drop), "must be a whole number (got 1.5)"),
            (zero_or_more::<u64>("1e3").map(drop), "must be written in digits (got 1e3; that is 1000)"),
            (zero_or_more::<u64>("20000.0").map(drop), "must be written in digits (got 20000.0; that is 20000)"),
            (zero_or_more::<u64>("2,00").map(drop), "expected a whole number, got \"2,00\""),
            (zero_or_more::<u64>("20,000,0").map(drop), "expected a whole number, got \"20,000,0\""),
            (zero_or_more::<u64>("1.5e3").map(drop), "must be written in digits (got 1.5e3"),
            (zero_or_more::<u64>("1e-3").map(drop), "must be a whole number (got 1e-3)"),
            (zero_or_more::<u64>("many").map(drop), "expected a whole number, got \"many\""),
            (zero_or_more::<u64>("").map(drop), "expected a whole number, got \"\""),
            (zero_or_more::<u64>(" 3").map(drop), "expected a whole number, got \" 3\""),
        ] {
            let e = got.unwrap_err();
            assert!(e.starts_with(says), "{e:?} should start with {says:?}");
        }
    }

    #[test]
    fn counts_of_one_are_singular() {
        assert_eq!(many(1u32, "shard"), "1 shard");
        assert_eq!(many(16_384u32, "shard"), "16,384 shards");
        assert_eq!(many(0u64, "hit"), "0 hits");
    }
}
