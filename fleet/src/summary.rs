//! The run's summary: one row per thing Cadence carries (workflows, history events,
//! decision and activity tasks, signals, timers, the task lists' backlog, the worker
//! cache, the history shards), each number saying what it counts.

use std::time::Duration;

use postflow_core::count::plural;
use postflow_core::fleet::stats::Report;
use postflow_core::fleet::{FleetConfig, grouped};
use postflow_core::wrap::wrap;

use crate::REPORT_WIDTH;

/// `n noun(s)` with the thousands grouped: "1 shard", "16,384 shards".
pub fn count(n: u64, noun: &str) -> String {
    format!("{} {}", grouped(n), plural(n, noun))
}

/// The summary, laid out for an 80-column terminal. `finished` is false for a run
/// stopped with Ctrl-C: its averages are then over the workflows closed so far —
/// the failed payments and the earliest deliveries, the short lifecycles — and say so.
pub fn summary(config: &FleetConfig, r: &Report, wall: Duration, finished: bool) -> String {
    let t = &r.totals;
    let spread = r.shard_spread();
    let g = grouped;
    let per_closed = if finished { "per lifecycle" } else { "per workflow closed so far, the short ones" };
    let per_started = |n: u64| n as f64 / t.started.max(1) as f64;
    let open = t.started.saturating_sub(t.completed + t.failed + t.timed_out);
    let rows: Vec<(&str, String)> = vec![
        (
            "packages",
            format!(
                "{} started, {} completed, {} failed, {} timed out{}",
                g(t.started),
                g(t.completed),
                g(t.failed),
                g(t.timed_out),
                if finished { String::new() } else { format!(" (interrupted: {} still open)", g(open)) }
            ),
        ),
        (
            "virtual time",
            if finished {
                format!("{:.2} days from the first order to the last close", t.virtual_span.as_secs_f64() / 86_400.0)
            } else {
                // Where the run stopped: the last row ends there. (The span to the last
                // close said 0.00 days of a run stopped half a day in, before any close.)
                let stopped = r.intervals.last().map_or(0, |i| i.start_secs + i.seconds);
                format!("{:.2} days from the first order to the interruption", stopped as f64 / 86_400.0)
            },
        ),
        (
            "wall time",
            format!(
                "{:.1} s ({} packages closed/s, {:.2} M events/s)",
                wall.as_secs_f64(),
                g((t.closed as f64 / wall.as_secs_f64()).round() as u64),
                t.events as f64 / wall.as_secs_f64() / 1e6
            ),
        ),
        (
            "history events",
            if t.closed == 0 {
                // Not "0.0 per workflow closed so far": there is no average of none.
                format!("{} (no workflow has closed yet)", g(t.events))
            } else {
                format!("{} ({:.1} {per_closed})", g(t.events), t.events_per_lifecycle())
            },
        ),
        (
            // What this simulation keeps, not what a server stores: the capacity model
            // takes that from the dev server (docs/scale.md).
            "history packed",
            format!(
                "{}, in the simulation's memory (the dev server stores ~151 bytes per \
                 event: docs/scale.md)",
                if t.closed == 0 {
                    "no history closed yet".to_owned()
                } else {
                    format!("{} bytes {per_closed}", g(t.packed_bytes_per_lifecycle().round() as u64))
                }
            ),
        ),
        ("decision tasks", format!("{} ({:.1} per package started)", g(t.decision_tasks), per_started(t.decision_tasks))),
        ("activity tasks", format!("{} ({:.1} per package started)", g(t.activity_tasks), per_started(t.activity_tasks))),
        ("signals", format!("{}: scans and deliveries ({} refused: the workflow had closed)", g(t.signals), g(t.signals_refused))),
        (
            "timers",
            format!(
                "{} fired, {} live at the peak{}",
                g(t.timers_fired),
                g(t.timers_live_peak),
                // Not a fault: the world scans more often than the shortest estimate (docs/scale.md).
                // (Only of a whole run: an interrupted one may just not have got there.)
                if finished && t.timers_fired == 0 && t.timers_live_peak > 0 {
                    " (every notification timer was canceled by the next scan or the delivery; a shorter --timer-unit lets some fire)"
                } else {
                    ""
                }
            ),
        ),
        ("open workflows", format!("{} at the peak", g(t.open_peak))),
        (
            "task lists",
            format!(
                "{} waiting at the peak; decision tasks waited for a worker {:.1} ms on average, {} ms at most",
                count(t.backlog_peak, "task"),
                t.decision_wait_mean() * 1e3,
                // Grouped as every other count here: "4,140 ms", not "4140 ms".
                g((t.decision_wait_max * 1e3).round() as u64)
            ),
        ),
        (
            "worker cache",
            format!(
                "{}, {} ({}), {}, {} replayed on misses",
                count(t.cache_hits, "hit"),
                if t.cache_misses == 1 { "1 miss".to_owned() } else { format!("{} misses", g(t.cache_misses)) },
                t.cache_hit_rate().map_or("-".into(), |h| format!("{:.1} % hits", h * 100.0)),
                count(t.cache_evictions, "eviction"),
                count(t.events_replayed, "event")
            ),
        ),
        (
            "history shards",
            format!(
                "{}: events per shard min {} / median {} / p99 {} / max {}",
                grouped(config.shards.into()),
                g(spread.min),
                g(spread.median),
                g(spread.p99),
                g(spread.max)
            ),
        ),
    ];
    let mut out = String::from("\n");
    for (k, v) in rows {
        out.push_str(&wrap(&v, &format!("  {k:<15} "), &" ".repeat(18), REPORT_WIDTH));
    }
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use postflow_core::fleet::Fleet;
    use postflow_core::fleet::stats::Totals;

    use super::*;

    #[test]
    fn only_a_whole_run_is_told_why_no_timer_fired() {
        let config = FleetConfig { packages: 200, shards: 4, workers: 4, worker_cache: 20, ..FleetConfig::default() };
        let mut fleet = Fleet::new(config.clone()).unwrap();
        assert!(fleet.run(1_000, |_| true));
        let report = fleet.report();
        assert_eq!(report.totals.timers_fired, 0, "the default world fires no notification timer");
        let why = "canceled by the next scan";
        assert!(summary(&config, report, Duration::from_secs(1), true).contains(why));
        let cut = summary(&config, report, Duration::from_secs(1), false);
        assert!(cut.contains("(interrupted: 0 still open)") && !cut.contains(why), "a cut run may not have got to its timers: {cut}");
    }

    #[test]
    fn an_interrupted_run_says_its_averages_are_over_the_workflows_closed_so_far() {
        let config = FleetConfig { packages: 300, shards: 4, workers: 4, worker_cache: 20, ..FleetConfig::default() };
        let mut fleet = Fleet::new(config.clone()).unwrap();
        // Stopped after the second day's first chunk, as Ctrl-C stops a run: some
        // packages have closed (the failed payments first), most are open.
        assert!(!fleet.run(500, |f| f.progress().virtual_secs < 2 * 86_400));
        let report = fleet.report();
        assert!(report.totals.closed > 0 && report.totals.closed < 300, "{:?}", report.totals);
        let cut = summary(&config, report, Duration::from_secs(1), false);
        assert!(!cut.contains("per lifecycle"), "a lifecycle average of a cut run is not one: {cut}");
        assert!(cut.contains("per workflow closed so far, the short ones"), "{cut}");
        assert!(cut.contains("days from the first order to the interruption"), "{cut}");
        let whole = summary(&config, report, Duration::from_secs(1), true);
        assert!(whole.contains("per lifecycle") && whole.contains("to the last close"), "{whole}");
    }

    #[test]
    fn a_run_stopped_before_any_close_says_where_it_stopped_and_averages_nothing() {
        // No failed orders: nothing closes before the first delivery, a day in.
        let config = FleetConfig {
            packages: 300,
            shards: 4,
            workers: 4,
            worker_cache: 20,
            over_limit_share: 0.0,
            no_customer_share: 0.0,
            ..FleetConfig::default()
        };
        let mut fleet = Fleet::new(config.clone()).unwrap();
        assert!(!fleet.run(500, |f| f.progress().virtual_secs < 12 * 3600));
        let stopped = fleet.progress().virtual_secs as f64 / 86_400.0;
        assert_eq!((fleet.report().totals.closed, stopped > 0.49), (0, true), "{stopped}");
        let cut = summary(&config, fleet.report(), Duration::from_secs(1), false);
        let words = cut.split_whitespace().collect::<Vec<_>>().join(" ");
        // Before: "0.00 days from the first order to the interruption", half a day in.
        assert!(words.contains(&format!("virtual time {stopped:.2} days from the first order to the interruption")), "{cut}");
        assert!(words.contains("(no workflow has closed yet)") && words.contains("history packed no history closed yet"), "{cut}");
        assert!(!words.contains("0.0 per workflow closed") && !words.contains("0 bytes per"), "{cut}");
    }

    #[test]
    fn the_longest_wait_is_grouped_as_the_other_counts() {
        let report = Report { totals: Totals { decision_wait_max: 4.14, ..Totals::default() }, ..Report::default() };
        let text = summary(&FleetConfig::default(), &report, Duration::from_secs(1), true);
        let words = text.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(words.contains("0.0 ms on average, 4,140 ms at most"), "{text}");
    }

    #[test]
    fn the_summary_names_cadence_s_parts_and_groups_its_numbers() {
        let config = FleetConfig { packages: 2_000, shards: 4, workers: 8, worker_cache: 100, ..FleetConfig::default() };
        let mut fleet = Fleet::new(config.clone()).unwrap();
        assert!(fleet.run(5_000, |_| true));
        let text = summary(&config, fleet.report(), Duration::from_secs(1), true);
        for part in ["2,000 started", "history events  3", "task lists      ", "worker cache    ", "history shards  4: events per shard"] {
            assert!(text.contains(part), "{part:?} missing from {text}");
        }
        // The packed size is this simulation's, not what a Cadence server stores.
        let words = text.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(words.contains("in the simulation's memory (the dev server stores ~151 bytes per event"), "{text}");
        for line in text.lines() {
            assert!(line.chars().count() <= REPORT_WIDTH, "over {REPORT_WIDTH} columns: {line:?}");
        }
        assert_eq!((count(1, "shard"), count(16_384, "shard")), ("1 shard".to_owned(), "16,384 shards".to_owned()));
    }
}
