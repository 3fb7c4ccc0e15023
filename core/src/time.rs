//! Virtual time: instants and durations as Cadence's proto3 JSON writes them.
//!
//! The simulator never reads a wall clock; every instant is a [`Timestamp`] that the
//! engine's virtual clock hands out, starting from a fixed epoch so that the same
//! scenario gives the same bytes everywhere.

use std::fmt;
use std::time::Duration;

/// An instant in Unix nanoseconds (Cadence stores event times the same way).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Timestamp(pub i64);

/// The virtual clock's epoch: the Go Playground's "2009-11-10 23:00:00 UTC", a fixed
/// start that makes every simulated history reproducible and shareable.
pub const EPOCH: Timestamp = Timestamp(1_257_894_000 * 1_000_000_000);

impl Timestamp {
    pub fn plus(self, d: Duration) -> Timestamp {
        Timestamp(self.0.saturating_add(i64::try_from(d.as_nanos()).unwrap_or(i64::MAX)))
    }

    /// Time from `earlier` to `self`, zero when `earlier` is later.
    pub fn since(self, earlier: Timestamp) -> Duration {
        // In i128: two times an imported file holds may be any i64s.
        let nanos = (i128::from(self.0) - i128::from(earlier.0)).clamp(0, i128::from(u64::MAX));
        Duration::from_nanos(nanos as u64)
    }

    /// RFC 3339 in UTC with `Z` and 0, 3, 6 or 9 fractional digits, as gogo jsonpb writes it.
    pub fn to_rfc3339(self) -> String {
        let secs = self.0.div_euclid(1_000_000_000);
        let nanos = self.0.rem_euclid(1_000_000_000) as u32;
        let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
        let (y, m, d) = civil_from_days(days);
        let (hh, mm, ss) = (rem / 3600, rem % 3600 / 60, rem % 60);
        format!("{y:04}-{m:02}-{d:02}T{hh:02}:{mm:02}:{ss:02}{}Z", fraction(nanos))
    }

    /// Parses RFC 3339 (`Z` or a numeric offset, any number of fractional digits).
    pub fn parse_rfc3339(s: &str) -> Result<Timestamp, String> {
        let bad = || format!("invalid RFC 3339 time {s:?}");
        let b = s.as_bytes();
        if b.len() < 20 || b[4] != b'-' || b[7] != b'-' || !matches!(b[10], b'T' | b't') {
            return Err(bad());
        }
        let num = |r: std::ops::Range<usize>| -> Result<i64, String> { s.get(r).and_then(|t| t.parse::<i64>().ok()).ok_or_else(bad) };
        let (y, mo, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
        let (hh, mi, ss) = (num(11..13)?, num(14..16)?, num(17..19)?);
        let mut rest = &s[19..];
        let mut nanos = 0i64;
        if let Some(frac) = rest.strip_prefix('.') {
            let digits = frac.bytes().take_while(u8::is_ascii_digit).count();
            if digits == 0 {
                return Err(bad());
            }
            for (i, c) in frac[..digits].bytes().enumerate() {
                if i < 9 {
                    nanos += i64::from(c - b'0') * 10i64.pow(8 - i as u32);
                }
            }
            rest = &frac[digits..];
        }
        let offset = match rest {
            "Z" | "z" => 0,
            _ if rest.len() == 6 && matches!(&rest[..1], "+" | "-") && &rest[3..4] == ":" => {
                let sign = if rest.starts_with('-') { -1 } else { 1 };
                let h: i64 = rest[1..3].parse().map_err(|_| bad())?;
                let m: i64 = rest[4..6].parse().map_err(|_| bad())?;
                sign * (h * 3600 + m * 60)
            }
            _ => return Err(bad()),
        };
        if !(1..=12).contains(&mo) || !(1..=31).contains(&d) || hh > 23 || mi > 59 || ss > 60 {
            return Err(bad());
        }
        let secs = days_from_civil(y, mo, d) * 86_400 + hh * 3600 + mi * 60 + ss - offset;
        // Nanoseconds in an i64 reach from 1677 to 2262, as Go's time.Time in UnixNano.
        secs.checked_mul(1_000_000_000)
            .and_then(|n| n.checked_add(nanos))
            .map(Timestamp)
            .ok_or_else(|| format!("{s:?} is outside the times a clock in nanoseconds holds (1677 to 2262)"))
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_rfc3339())
    }
}

fn fraction(nanos: u32) -> String {
    match nanos {
        0 => String::new(),
        n if n % 1_000_000 == 0 => format!(".{:03}", n / 1_000_000),
        n if n % 1_000 == 0 => format!(".{:06}", n / 1_000),
        n => format!(".{n:09}"),
    }
}

// Howard Hinnant's civil-calendar algorithms: exact for the whole i64 day range we use.
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = if m > 2 { m - 3 } else { m + 9 };
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The longest Go's `time.Duration` holds: int64 nanoseconds, about 292 years. No Go
/// client can ask for more, so neither the parser nor a timer goes past it.
pub const GO_MAX_DURATION: Duration = Duration::from_nanos(i64::MAX as u64);

/// `d` in whole seconds, rounded up, as Cadence's clients send durations (the Go
/// client's `Int32Ceil` and `Int64Ceil`). Saturates rather than overflow.
pub fn ceil_secs(d: Duration) -> u64 {
    d.as_secs().saturating_add(u64::from(d.subsec_nanos() > 0))
}

/// A duration as proto3 JSON writes it: seconds, fractional digits in groups of three
/// (`"60s"`, `"1.500s"`, `"0s"`).
pub fn format_duration(d: Duration) -> String {
    format!("{}{}s", d.as_secs(), fraction(d.subsec_nanos()))
}

/// A duration for a person reading a pane: whole seconds, tenths under ten seconds,
/// rounded up as Cadence rounds a timeout ("600s", "1.5s"). A real server's history
/// puts nanoseconds into what is left of a timeout, which `format_duration` would
/// print whole ("596.523124910s").
pub fn format_duration_short(d: Duration) -> String {
    if d.subsec_nanos() == 0 || d >= Duration::from_secs(10) {
        return format!("{}s", ceil_secs(d));
    }
    let tenths = d.as_nanos().div_ceil(100_000_000);
    if tenths.is_multiple_of(10) { format!("{}s", tenths / 10) } else { format!("{}.{}s", tenths / 10, tenths % 10) }
}

/// How long a session has run, for a person glancing at a status line: "1.5s",
/// "1m 24s", "62h 42m". Both front ends show it; the precise figure is in the history.
pub fn format_elapsed(d: Duration) -> String {
    let s = d.as_secs();
    match (s / 3600, s / 60 % 60, s % 60) {
        // Tenths only where they say something: 3.04 s is "3s", not "3.0s".
        (0, 0, sec) if sec < 10 => {
            let tenths = format!("{:.1}", d.as_secs_f64());
            format!("{}s", tenths.strip_suffix(".0").unwrap_or(&tenths))
        }
        (0, 0, sec) => format!("{sec}s"),
        (0, m, sec) => format!("{m}m {sec}s"),
        (h, m, _) => format!("{h}h {m}m"),
    }
}

/// The units `parse_duration` reads, for its messages.
const UNITS: &str = "ns, us, ms, s, m, h";

/// Parses a duration the way Go's `time.ParseDuration` does for the units Cadence
/// users type (`"600s"`, `"1.5s"`, `"2m"`, `"1h30m"`, `"250ms"`). Negative values are refused.
pub fn parse_duration(s: &str) -> Result<Duration, String> {
    let bad = |why: &str| format!("invalid duration {s:?}: {why}");
    let t = s.trim();
    if t.is_empty() {
        return Err(bad("empty"));
    }
    if t.strip_prefix('-').is_some_and(|n| n.starts_with(|c: char| c.is_ascii_digit() || c == '.')) {
        return Err(bad("negative (a duration here is 0 or more)"));
    }
    if t == "0" {
        return Ok(Duration::ZERO);
    }
    let mut total: f64 = 0.0;
    let mut rest = t;
    while !rest.is_empty() {
        let n = rest.bytes().take_while(|c| c.is_ascii_digit() || *c == b'.').count();
        if n == 0 {
            return Err(bad(r#"expected a number, as in "90s", "1.5s" or "1h30m""#));
        }
        let number = &rest[..n];
        let value: f64 = number.parse().map_err(|_| bad("bad number"))?;
        rest = &rest[n..];
        let u = rest.bytes().take_while(|c| c.is_ascii_alphabetic() || *c == 0xC2 || *c == 0xB5).count();
        let unit = match &rest[..u] {
            "ns" => 1e-9,
            "us" | "µs" => 1e-6,
            "ms" => 1e-3,
            "s" => 1.0,
            "m" => 60.0,
            "h" => 3600.0,
            "" => return Err(bad(&format!("missing unit after {number:?} (the units: {UNITS}; no spaces)"))),
            other => return Err(bad(&format!("unknown unit {other:?} (the units: {UNITS})"))),
        };
        total += value * unit;
        rest = &rest[u..];
    }
    if !total.is_finite() || total * 1e9 >= GO_MAX_DURATION.as_nanos() as f64 {
        return Err(bad("too large: at most 2562047h (about 292 years), as Go's time.Duration"));
    }
    Ok(Duration::from_nanos((total * 1e9).round() as u64))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn elapsed_time_reads_as_a_person_says_it() {
        let human = |ms| format_elapsed(Duration::from_millis(ms));
        assert_eq!(human(0), "0s");
        assert_eq!(human(1_500), "1.5s");
        assert_eq!(human(3_040), "3s", "no tenths that round to nothing");
        assert_eq!(human(9_960), "10s");
        assert_eq!(human(10_400), "10s");
        assert_eq!(human(84_000), "1m 24s");
        assert_eq!(human(7_384_000), "2h 3m");
    }

    #[test]
    fn times_past_the_nanosecond_clock_are_refused_and_far_apart_ones_do_not_overflow() {
        assert!(Timestamp::parse_rfc3339("9999-12-31T23:59:59Z").unwrap_err().contains("1677 to 2262"));
        assert!(Timestamp::parse_rfc3339("1500-01-01T00:00:00Z").is_err());
        assert_eq!(Timestamp(i64::MAX).since(Timestamp(i64::MIN)), Duration::from_nanos(u64::MAX));
        assert_eq!(Timestamp(i64::MIN).since(Timestamp(i64::MAX)), Duration::ZERO);
    }

    #[test]
    fn epoch_prints_as_the_go_playground_start() {
        assert_eq!(EPOCH.to_rfc3339(), "2009-11-10T23:00:00Z");
        assert_eq!(Timestamp::parse_rfc3339("2009-11-10T23:00:00Z"), Ok(EPOCH));
    }

    #[test]
    fn fractions_use_groups_of_three_digits() {
        let t = Timestamp::parse_rfc3339("2023-09-12T05:34:46.107550Z").unwrap();
        assert_eq!(t.to_rfc3339(), "2023-09-12T05:34:46.107550Z");
        assert_eq!(EPOCH.plus(Duration::from_millis(1500)).to_rfc3339(), "2009-11-10T23:00:01.500Z");
        let offset = Timestamp::parse_rfc3339("2009-11-11T00:00:00+01:00").unwrap();
        assert_eq!(offset, EPOCH);
    }

    #[test]
    fn short_durations_read_in_seconds_rounded_up() {
        let short = |nanos: u64| format_duration_short(Duration::from_nanos(nanos));
        assert_eq!(short(596_523_124_910), "597s");
        assert_eq!(short(600_000_000_000), "600s");
        assert_eq!(short(1_500_000_000), "1.5s");
        assert_eq!(short(1_410_000_000), "1.5s");
        assert_eq!(short(1_950_000_001), "2s");
        assert_eq!(short(0), "0s");
        assert_eq!(short(1), "0.1s");
    }

    #[test]
    fn bad_times_are_errors_not_panics() {
        for s in ["", "2009-11-10", "2009-13-10T23:00:00Z", "2009-11-10T23:00:00", "x009-11-10T23:00:00Z", "2009-11-10T23:00:00.Z"] {
            assert!(Timestamp::parse_rfc3339(s).is_err(), "{s}");
        }
    }

    #[test]
    fn durations_round_trip_in_proto_form() {
        assert_eq!(format_duration(Duration::from_secs(60)), "60s");
        assert_eq!(format_duration(Duration::from_millis(1500)), "1.500s");
        assert_eq!(format_duration(Duration::ZERO), "0s");
        assert_eq!(parse_duration("1.500s"), Ok(Duration::from_millis(1500)));
        assert_eq!(parse_duration("1h30m"), Ok(Duration::from_secs(5400)));
        assert_eq!(parse_duration("250ms"), Ok(Duration::from_millis(250)));
        assert!(parse_duration("10").is_err());
        assert_eq!(parse_duration("-5s"), Err(r#"invalid duration "-5s": negative (a duration here is 0 or more)"#.into()));
        // Whoever typed it sees what would have been read.
        assert_eq!(
            parse_duration("5 parsecs"),
            Err(r#"invalid duration "5 parsecs": missing unit after "5" (the units: ns, us, ms, s, m, h; no spaces)"#.into())
        );
        assert_eq!(parse_duration("1d"), Err(r#"invalid duration "1d": unknown unit "d" (the units: ns, us, ms, s, m, h)"#.into()));
        assert_eq!(parse_duration("h"), Err(r#"invalid duration "h": expected a number, as in "90s", "1.5s" or "1h30m""#.into()));
    }
}
