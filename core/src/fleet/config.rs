//! A fleet's parameters: their defaults, the checks that refuse a fleet that cannot
//! run (nonsense values, workers that cannot keep up, more memory than there is),
//! the memory estimate those checks use, and the numbers' formatting for people.

use crate::count::grouped;
use std::time::Duration;

/// A fleet's parameters. The defaults are a day of orders for a large cluster.
#[derive(Clone, Debug, PartialEq)]
pub struct FleetConfig {
    pub packages: u64,
    /// History shards (16,384 for a large cluster; the dev server has 4).
    pub shards: u32,
    /// Worker slots: tasks served at once across all worker processes.
    pub workers: u32,
    /// Runs the workers keep cached, all together (Go's default is 10,000 per worker).
    pub worker_cache: usize,
    pub seed: u64,
    /// Orders arrive over this window (a Poisson process).
    pub arrival_window: Duration,
    /// A delivered package takes this many days, uniformly (lowest, highest).
    pub delivery_days: (u32, u32),
    /// Time between two scans of a package, uniformly (shortest, longest).
    pub scan_every: (Duration, Duration),
    /// What one day of the delivery estimate lasts on the notification timer.
    pub timer_unit: Duration,
    /// Shares of orders over 25 (payment fails) and without a customer (shipping fails).
    pub over_limit_share: f64,
    pub no_customer_share: f64,
    /// Worker time per task, and per event replayed on a cache miss.
    pub decision_time: Duration,
    pub activity_time: Duration,
    pub replay_time_per_event: Duration,
    /// The workflows' execution timeout.
    pub execution_timeout: Duration,
    /// How long a closed workflow's history is kept (the domain's retention).
    pub retention: Duration,
    /// Length of one row of the report.
    pub interval: Duration,
}

impl Default for FleetConfig {
    fn default() -> FleetConfig {
        FleetConfig {
            packages: 100_000,
            shards: 16_384,
            workers: 64,
            worker_cache: 100_000,
            seed: 1,
            arrival_window: Duration::from_secs(86_400),
            delivery_days: (1, 5),
            scan_every: (Duration::from_secs(3 * 3600), Duration::from_secs(9 * 3600)),
            timer_unit: Duration::from_secs(86_400),
            over_limit_share: 0.02,
            no_customer_share: 0.01,
            decision_time: Duration::from_millis(2),
            activity_time: Duration::from_millis(5),
            // The Go client's replayer, measured on a postflow history (docs/benchmarks.md).
            replay_time_per_event: Duration::from_micros(2),
            execution_timeout: Duration::from_secs(7 * 86_400),
            retention: Duration::from_secs(86_400),
            interval: Duration::from_secs(3600),
        }
    }
}

/// A span as the fleet's flags take it: "7d", "36h", "90s".
fn days(d: Duration) -> String {
    match (d.as_secs(), d.subsec_nanos()) {
        (s, 0) if s % 86_400 == 0 => format!("{}d", s / 86_400),
        (s, 0) if s % 3600 == 0 => format!("{}h", s / 3600),
        _ => format!("{}s", d.as_secs_f64()),
    }
}

/// The most rows (intervals) a run's report may have: each counts every shard, and
/// the plots show 72 columns of them.
pub const MAX_INTERVALS: u64 = 50_000;

/// A span for people: "24 h", "1.5 h", "30 min", "90 s", "360µs"; days as "6 days"
/// from two days up.
pub fn span_text(d: Duration) -> String {
    let secs = d.as_secs_f64();
    // (from how many seconds, seconds in the unit, the unit)
    let units = [
        (2.0 * 86_400.0, 86_400.0, "days"),
        (3600.0, 3600.0, "h"),
        (60.0, 60.0, "min"),
        (1.0, 1.0, "s"),
        (1e-3, 1e-3, "ms"),
        (1e-6, 1e-6, "µs"),
    ];
    let Some(&(_, per, unit)) = units.iter().find(|(from, ..)| secs >= *from) else { return format!("{} ns", d.as_nanos()) };
    // To a tenth, and no ".0" on a whole number.
    let v = (secs / per * 10.0).round() / 10.0;
    if v.fract() == 0.0 { format!("{v:.0} {unit}") } else { format!("{v:.1} {unit}") }
}

/// Parameters that cannot make a fleet, with what is wrong.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct ConfigError(pub String);

impl FleetConfig {
    /// The fleet the front ends' fleet views run (`tui --fleet N`, the playground's
    /// Fleet section): a small cluster's 16 shards and 16 worker slots, a cache of
    /// 1,000 runs, and every history kept, so that any package can be opened.
    pub fn for_view(packages: u64) -> FleetConfig {
        FleetConfig {
            packages,
            shards: 16,
            workers: 16,
            worker_cache: 1_000,
            retention: Duration::from_secs(365 * 86_400),
            ..FleetConfig::default()
        }
    }

    /// The world and the cluster in one sentence, for a page that shows the fleet.
    pub fn describe(&self) -> String {
        let hours = |d: Duration| {
            let h = d.as_secs_f64() / 3600.0;
            if h.fract() == 0.0 { format!("{h:.0}") } else { format!("{h:.1}") }
        };
        let ((d0, d1), (s0, s1)) = (self.delivery_days, self.scan_every);
        format!(
            "Packages arrive over {} hours, are paid, shipped, scanned every {}–{} hours and delivered after {d0}–{d1} days, \
             on {} history shards with {} worker slots and a cache of {} runs.",
            hours(self.arrival_window),
            hours(s0),
            hours(s1),
            grouped(self.shards.into()),
            grouped(self.workers.into()),
            grouped(self.worker_cache as u64),
        )
    }

    /// Checks the parameters, including that the workers can keep up with the
    /// tasks the fleet makes at its busiest.
    pub fn validate(&self) -> Result<(), ConfigError> {
        self.check_values()?;
        self.check_workers()
    }

    /// Checks that every parameter makes sense on its own and beside the others.
    pub fn check_values(&self) -> Result<(), ConfigError> {
        let bad = |m: String| Err(ConfigError(m));
        if self.packages == 0 {
            return bad("--packages must be at least 1".into());
        }
        if self.packages > u64::from(u32::MAX - 1) {
            return bad(format!("--packages {} is more than one engine can hold ({})", self.packages, u32::MAX - 1));
        }
        if self.shards == 0 {
            return bad("--shards must be a positive number of history shards".into());
        }
        if self.workers == 0 {
            return bad("--workers must be at least 1".into());
        }
        for (name, v) in [("over-limit", self.over_limit_share), ("no-customer", self.no_customer_share)] {
            if !(0.0..=1.0).contains(&v) {
                return bad(format!("--{name} must be a share between 0 and 1 (got {v})"));
            }
        }
        if self.over_limit_share + self.no_customer_share > 1.0 {
            return bad(format!(
                "--over-limit and --no-customer add up to more than every order ({} + {})",
                self.over_limit_share, self.no_customer_share
            ));
        }
        let (lo, hi) = self.delivery_days;
        if lo == 0 || lo > hi {
            return bad(format!("delivery days must be 1 or more, lowest first: {lo}..{hi}"));
        }
        // The execution timeout must outlast the longest delivery, and Cadence takes no
        // timeout over about 68 years: a longer delivery could never finish. (Unchecked,
        // 99999999999 days was read as 4294967295 and the refusal below suggested
        // `--execution-timeout 0d`.)
        let max_days = crate::controls::MAX_TIMEOUT_SECS / 86_400 - 1;
        if u64::from(hi) > max_days {
            return bad(format!(
                "--delivery-days: at most {} days (got {hi}): a workflow's execution timeout must outlast its delivery, \
                 and Cadence takes none over about 68 years",
                grouped(max_days)
            ));
        }
        if self.scan_every.0.is_zero() || self.scan_every.0 > self.scan_every.1 {
            return bad("the time between scans must be more than zero, shortest first".into());
        }
        if self.arrival_window.is_zero() || self.interval.is_zero() || self.timer_unit.is_zero() {
            return bad("the arrival window, the interval and the timer unit must be more than zero".into());
        }
        if self.execution_timeout <= Duration::from_secs(86_400 * u64::from(hi)) {
            return bad(format!(
                "an execution timeout of {} ends workflows before their deliveries (up to {hi} days): \
                 make it longer (--execution-timeout {}d)",
                days(self.execution_timeout),
                u64::from(hi) + 1
            ));
        }
        if self.execution_timeout.as_secs() > crate::controls::MAX_TIMEOUT_SECS {
            return bad(format!(
                "--execution-timeout is more than Cadence accepts ({} s, about 68 years)",
                crate::controls::MAX_TIMEOUT_SECS
            ));
        }
        // A row of the report per interval, each counting every shard: a nanosecond's
        // interval kept the run going for ever, a second's took 20 s for 50 packages.
        let span = self.arrival_window.as_secs_f64() + 86_400.0 * f64::from(hi);
        let rows = span / self.interval.as_secs_f64();
        if rows > MAX_INTERVALS as f64 {
            // In a unit the flag takes, rounded up: "11s", "2m", "3h".
            let shortest = match (span / MAX_INTERVALS as f64).ceil() {
                s if s > 3600.0 => format!("{}h", (s / 3600.0).ceil()),
                s if s > 60.0 => format!("{}m", (s / 60.0).ceil()),
                s => format!("{s}s"),
            };
            return bad(format!(
                "--interval {} makes about {} rows of the report over the run's {} (orders over {}, deliveries up to {hi} {}); \
                 at most {}: use --interval {} or longer",
                days(self.interval),
                // Not a float's exponent form: its formatting code is most of a kilobyte of
                // the page. Past u64 (an absurd interval) the count saturates; "about" holds.
                grouped(rows.ceil() as u64),
                span_text(Duration::from_secs_f64(span)),
                span_text(self.arrival_window),
                crate::count::plural(hi.into(), "day"),
                grouped(MAX_INTERVALS),
                shortest
            ));
        }
        Ok(())
    }

    /// Checks that the workers can keep up with the tasks the fleet makes at its
    /// busiest. The fleet binary checks memory before this: more workers cannot make
    /// a fleet fit, so a fleet too large for both hears about memory first.
    pub fn check_workers(&self) -> Result<(), ConfigError> {
        let (lo, hi) = self.delivery_days;
        // Tasks per package: ~6 decision tasks before the first scan, 2 per scan and 2 at
        // the end; an activity task per scan and 5 before (payment attempts, ship, estimate).
        let scans = (Duration::from_secs(86_400) * (lo + hi)).as_secs_f64() / 2.0 / self.scan_every_mean().as_secs_f64();
        let work_per_package = (8.0 + 2.0 * scans) * self.decision_time.as_secs_f64() + (5.0 + scans) * self.activity_time.as_secs_f64();
        // At the busiest, every package that arrived in a day is in flight.
        let in_flight = self.packages as f64 * (86_400.0 * f64::from(lo + hi) / 2.0 / self.arrival_window.as_secs_f64()).min(1.0);
        let last_delivery = self.arrival_window + Duration::from_secs(86_400 * u64::from(hi));
        let busy = in_flight * work_per_package / (86_400.0 * f64::from(lo + hi) / 2.0).min(last_delivery.as_secs_f64());
        if busy > f64::from(self.workers) {
            return Err(ConfigError(format!(
                "{} cannot keep up: at its busiest this fleet needs about {:.0} workers busy all the time \
                 ({} ms of worker time per package); add workers or make tasks shorter",
                crate::count::many(self.workers, "worker"),
                busy.ceil(),
                // Grouped as the fleet's other counts: "64,085 ms", not "64085.0 ms".
                grouped((work_per_package * 1000.0).round() as u64)
            )));
        }
        Ok(())
    }

    fn scan_every_mean(&self) -> Duration {
        (self.scan_every.0 + self.scan_every.1) / 2
    }

    /// Roughly the memory a run needs at its peak, in bytes: every package in flight
    /// parked (packed history, the server's mutable state, the fleet's own record),
    /// the cached runs live, closed histories kept for the retention period, and the
    /// history shards' counters.
    pub fn memory_estimate(&self) -> u64 {
        let days = f64::from(self.delivery_days.0 + self.delivery_days.1) / 2.0;
        let scans = days * 86_400.0 / self.scan_every_mean().as_secs_f64();
        let events = 30.0 + 12.0 * scans;
        // Measured (docs/benchmarks.md): ~11 packed bytes per event, ~1.3 KB of
        // mutable state and bookkeeping per run, ~6 KB more per cached live run.
        let history = events * 11.0;
        let per_parked = history + 1_300.0;
        let packages = self.packages as f64;
        let in_flight = packages * (days * 86_400.0 / self.arrival_window.as_secs_f64()).min(1.0);
        let cached = (self.worker_cache as f64).min(in_flight);
        // A closed package keeps only its history, less than it held open: at the
        // peak, packages still to close count as open and the rest as closed and kept.
        // (Counting both in full, a fleet whose orders all arrive before the first
        // delivery was estimated at 1.6 times its measured peak.)
        let closed_kept =
            (packages * (self.retention.as_secs_f64() / self.arrival_window.as_secs_f64()).min(1.0)).min(packages - in_flight);
        (in_flight * per_parked + cached * 6_000.0 + closed_kept * history + packages * 64.0 + 64.0 * 1024.0 * 1024.0) as u64
            + self.shard_counters_memory()
    }

    /// The memory the history shards' counters take, whatever the packages: the
    /// run's totals and the interval's counts per shard, and the sorted copy the
    /// summary ranks them in. Measured 70 bytes per shard (89 with `--csv`, whose
    /// `shards.csv` is a line per shard); 96 covers both. Without it, four billion
    /// shards passed the check and ended in an allocation failure.
    pub fn shard_counters_memory(&self) -> u64 {
        u64::from(self.shards) * 96
    }

    /// Refuses a fleet whose [`memory_estimate`](Self::memory_estimate) is over `limit`
    /// bytes, saying how much it needs, before it runs and meets the OOM killer.
    /// `limit_is` says what the limit is ("available", "allowed (--max-memory-gib)").
    pub fn check_memory(&self, limit: u64, limit_is: &str) -> Result<(), String> {
        let estimate = self.memory_estimate();
        if estimate <= limit {
            return Ok(());
        }
        Err(format!(
            "{} {} need about {} of memory at their peak, more than the {} {limit_is}",
            grouped(self.packages),
            crate::count::plural(self.packages, "package"),
            human_bytes(estimate),
            human_bytes(limit)
        ))
    }
}

/// `MemAvailable` of a Linux `/proc/meminfo` text, in bytes: the memory a fleet may
/// take without pushing other programs out.
pub fn mem_available(meminfo: &str) -> Option<u64> {
    let line = meminfo.lines().find(|l| l.starts_with("MemAvailable:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    kib.checked_mul(1024)
}

/// A size for people: KiB, MiB, GiB or TiB.
pub fn human_bytes(b: u64) -> String {
    let b = b as f64;
    if b >= 1024.0 * 1024.0 * 1024.0 * 1024.0 {
        format!("{:.1} TiB", b / 1024.0 / 1024.0 / 1024.0 / 1024.0)
    } else if b >= 1024.0 * 1024.0 * 1024.0 {
        format!("{:.1} GiB", b / 1024.0 / 1024.0 / 1024.0)
    } else if b >= 1024.0 * 1024.0 {
        format!("{:.0} MiB", b / 1024.0 / 1024.0)
    } else {
        format!("{:.0} KiB", b / 1024.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_view_fleet_is_described_by_its_own_parameters() {
        assert_eq!(
            FleetConfig::for_view(2_000).describe(),
            "Packages arrive over 24 hours, are paid, shipped, scanned every 3–9 hours and delivered after 1–5 days, \
             on 16 history shards with 16 worker slots and a cache of 1,000 runs."
        );
        let c =
            FleetConfig { scan_every: (Duration::from_secs(5400), Duration::from_secs(7200)), shards: 16_384, ..FleetConfig::default() };
        assert!(c.describe().contains("every 1.5–2 hours") && c.describe().contains("on 16,384 history shards"), "{}", c.describe());
    }

    #[test]
    fn an_interval_too_short_for_the_report_is_refused_with_the_shortest_that_fits() {
        let with = |interval| FleetConfig { interval, ..FleetConfig::default() }.check_values();
        // Before, a nanosecond's interval was accepted, and the run never ended.
        let refused = with(Duration::from_nanos(1)).unwrap_err().0;
        assert!(refused.starts_with("--interval 0.000000001s makes about 518,400,000,000,000 rows"), "{refused}");
        assert!(refused.ends_with("at most 50,000: use --interval 11s or longer"), "{refused}");
        assert_eq!(with(Duration::from_secs(11)), Ok(()));
        let long = FleetConfig { arrival_window: Duration::from_secs(3_000 * 86_400), ..FleetConfig::default() };
        assert!(long.check_values().unwrap_err().0.ends_with("use --interval 2h or longer"), "whole hours for a long run");
        // Deliveries past any execution timeout Cadence takes: before, `hi + 1` overflowed.
        let far = FleetConfig { delivery_days: (1, u32::MAX), ..FleetConfig::default() }.check_values().unwrap_err().0;
        assert!(far.starts_with("--delivery-days: at most 24,854 days (got 4294967295)"), "{far}");
    }

    #[test]
    fn workers_that_cannot_keep_up_are_told_the_work_in_grouped_milliseconds() {
        let config = FleetConfig { packages: 10_000, workers: 1, decision_time: Duration::from_secs(2), ..FleetConfig::default() };
        let refused = config.check_workers().unwrap_err().0;
        assert!(refused.starts_with("1 worker cannot keep up") && refused.contains("(64,085 ms of worker time per package)"), "{refused}");
    }

    #[test]
    fn spans_are_written_in_the_unit_that_suits_them() {
        let s = Duration::from_secs;
        for (d, text) in [
            (s(6 * 86_400), "6 days"),
            (s(86_400), "24 h"),
            (s(5400), "1.5 h"),
            (s(1800), "30 min"),
            (s(90), "1.5 min"),
            (s(11), "11 s"),
            // Not "360µs" (Debug's words, with no space) beside "24 h" and "11 s".
            (Duration::from_micros(360), "360 µs"),
            (Duration::from_micros(2500), "2.5 ms"),
            (Duration::from_nanos(40), "40 ns"),
        ] {
            assert_eq!(span_text(d), text);
        }
    }

    #[test]
    fn numbers_are_grouped_by_thousands() {
        for (n, text) in [(0, "0"), (999, "999"), (1_000, "1,000"), (20_000, "20,000"), (1_234_567, "1,234,567")] {
            assert_eq!(grouped(n), text);
        }
    }

    #[test]
    fn closed_histories_are_not_counted_on_top_of_a_fleet_that_is_all_in_flight() {
        let estimate = |arrival_days: u64, retention_days: u64| {
            FleetConfig {
                packages: 1_000_000,
                arrival_window: Duration::from_secs(arrival_days * 86_400),
                retention: Duration::from_secs(retention_days * 86_400),
                ..FleetConfig::default()
            }
            .memory_estimate()
        };
        // Orders over a day, deliveries after 1-5 days: every package is in flight at
        // once, and one that closes holds less than it did open.
        assert_eq!(estimate(1, 0), estimate(1, 1));
        assert_eq!(estimate(1, 1), estimate(1, 3));
        // Orders over a month: open and closed-and-kept packages live side by side.
        assert!(estimate(30, 3) > estimate(30, 1));
        assert!(estimate(30, 1) < estimate(1, 1), "a tenth in flight at a time");
    }

    #[test]
    fn a_fleet_over_the_memory_limit_is_refused_with_its_estimate() {
        let config = FleetConfig { packages: 1_000_000, ..FleetConfig::default() };
        let need = config.memory_estimate();
        assert_eq!(config.check_memory(need, "available"), Ok(()));
        let refused = config.check_memory(need - 1, "available").unwrap_err();
        assert!(refused.starts_with("1,000,000 packages need about 3.") && refused.contains("GiB of memory at their peak"), "{refused}");
        assert!(refused.ends_with(&format!("more than the {} available", human_bytes(need - 1))), "{refused}");
        let meminfo = "MemTotal:       24559428 kB\nMemFree:         1048576 kB\nMemAvailable:    2097152 kB\n";
        assert_eq!(mem_available(meminfo), Some(2 * 1024 * 1024 * 1024));
        assert_eq!(mem_available("MemTotal: 1 kB\n"), None);
        assert_eq!(mem_available("MemAvailable: lots kB\n"), None);
        assert_eq!(human_bytes(512 * 1024), "512 KiB");
        assert_eq!(human_bytes(300 * 1024 * 1024), "300 MiB");
        assert_eq!(human_bytes(3 << 40), "3.0 TiB", "not 3072.0 GiB");
    }

    #[test]
    fn the_shards_counters_are_in_the_memory_estimate() {
        let with = |shards| FleetConfig { packages: 1_000, shards, ..FleetConfig::default() };
        let (few, most) = (with(16_384), with(u32::MAX));
        assert_eq!(most.memory_estimate() - few.memory_estimate(), (u64::from(u32::MAX) - 16_384) * 96);
        // A thousand packages on four billion shards: refused before anything is allocated.
        let refused = most.check_memory(32 << 30, "available").unwrap_err();
        assert!(refused.starts_with("1,000 packages need about 384.") && refused.contains("GiB"), "{refused}");
        assert!(most.shard_counters_memory() > most.memory_estimate() / 2, "the shards are what makes it large");
    }
}
