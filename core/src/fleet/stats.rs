//! What a fleet run measures: a row per interval of virtual time, totals per
//! history shard, and the summary. Everything is counted as the simulated server
//! and worker do the work; nothing is estimated after the fact.

use std::time::Duration;

use crate::time::Timestamp;

/// One interval of virtual time.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Interval {
    /// Seconds since the fleet's start at the beginning of the interval.
    pub start_secs: u64,
    pub seconds: u64,
    /// History events written.
    pub events: u64,
    pub decision_tasks: u64,
    pub activity_tasks: u64,
    pub timers_fired: u64,
    /// At the end of the interval.
    pub timers_live: u64,
    pub open_workflows: u64,
    pub started: u64,
    pub completed: u64,
    pub failed: u64,
    pub timed_out: u64,
    /// Tasks waiting for a worker: the largest backlog seen, and at the end.
    pub backlog_max: u64,
    pub backlog_end: u64,
    /// Time decision tasks waited for a worker (schedule to start), in virtual seconds.
    pub decision_wait_mean: f64,
    pub decision_wait_max: f64,
    pub cache_hits: u64,
    pub cache_misses: u64,
    pub cache_evictions: u64,
    pub events_replayed: u64,
    /// Share of the workers' time spent on tasks.
    pub worker_utilization: f64,
    /// Events written per shard in this interval: lowest, median, 99th percentile, highest.
    pub shard_events: ShardSpread,
}

impl Interval {
    pub fn events_per_second(&self) -> f64 {
        self.events as f64 / self.seconds.max(1) as f64
    }

    pub fn cache_hit_rate(&self) -> Option<f64> {
        let total = self.cache_hits + self.cache_misses;
        (total > 0).then(|| self.cache_hits as f64 / total as f64)
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct ShardSpread {
    pub min: u64,
    pub median: u64,
    pub p99: u64,
    pub max: u64,
    pub mean: f64,
}

impl ShardSpread {
    /// The spread of `values`, which it reorders.
    pub fn of(values: &mut [u64]) -> ShardSpread {
        if values.is_empty() {
            return ShardSpread::default();
        }
        let rank = |q: f64| ((values.len() - 1) as f64 * q).round() as usize;
        let (median, p99) = (rank(0.5), rank(0.99));
        ShardSpread {
            min: values.iter().copied().min().unwrap_or_default(),
            max: values.iter().copied().max().unwrap_or_default(),
            mean: values.iter().sum::<u64>() as f64 / values.len() as f64,
            median: nth_smallest(values, median),
            p99: nth_smallest(values, p99),
        }
    }
}

/// The `k`th smallest of `values` (from 0), which it reorders: a quickselect that
/// parts each range three ways (below, equal to, above the pivot), so a run of equal
/// counts, as a small fleet's shards hold, is settled in one pass. Written out: the
/// standard library's sort, used for this alone, was 1.5 KB of the page's download.
fn nth_smallest(values: &mut [u64], k: usize) -> u64 {
    let (mut lo, mut hi) = (0, values.len());
    loop {
        let part = &mut values[lo..hi];
        let (a, b, c) = (part[0], part[part.len() / 2], part[part.len() - 1]);
        let pivot = a.min(b).max(a.max(b).min(c));
        let (mut below, mut i, mut above) = (0, 0, part.len());
        while i < above {
            if part[i] < pivot {
                part.swap(below, i);
                below += 1;
                i += 1;
            } else if part[i] > pivot {
                above -= 1;
                part.swap(i, above);
            } else {
                i += 1;
            }
        }
        match k - lo {
            r if r < below => hi = lo + below,
            r if r >= above => lo += above,
            _ => return pivot,
        }
    }
}

/// Totals of one history shard over the whole run.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Shard {
    pub workflows: u64,
    pub events: u64,
    pub decision_tasks: u64,
    pub activity_tasks: u64,
    pub timers_fired: u64,
    pub timers_live: u64,
    pub timers_live_max: u64,
}

/// The run's totals.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Totals {
    pub started: u64,
    pub completed: u64,
    pub failed: u64,
    pub timed_out: u64,
    pub events: u64,
    pub decision_tasks: u64,
    pub activity_tasks: u64,
    pub timers_fired: u64,
    pub signals: u64,
    pub signals_refused: u64,
    pub timers_live_peak: u64,
    pub open_peak: u64,
    pub backlog_peak: u64,
    pub decision_wait_max: f64,
    pub decision_wait_total: f64,
    pub decision_waits: u64,
    pub cache_hits: u64,
    pub cache_misses: u64,
    pub cache_evictions: u64,
    pub events_replayed: u64,
    /// Packed bytes of every closed history (what the server stored per lifecycle).
    pub closed_history_bytes: u64,
    pub closed_history_events: u64,
    pub closed: u64,
    /// Histories dropped after the retention period.
    pub purged: u64,
    /// Virtual time from the first order to the last workflow's close.
    pub virtual_span: Duration,
    /// Open workflows integrated over virtual time, in workflow-nanoseconds: once
    /// every package has closed, the sum of their lifecycles (order to close).
    pub open_workflow_nanos: u128,
}

impl Totals {
    pub fn cache_hit_rate(&self) -> Option<f64> {
        let total = self.cache_hits + self.cache_misses;
        (total > 0).then(|| self.cache_hits as f64 / total as f64)
    }

    pub fn decision_wait_mean(&self) -> f64 {
        if self.decision_waits == 0 { 0.0 } else { self.decision_wait_total / self.decision_waits as f64 }
    }

    pub fn events_per_lifecycle(&self) -> f64 {
        if self.closed == 0 { 0.0 } else { self.closed_history_events as f64 / self.closed as f64 }
    }

    /// One line for people: outcomes, lifecycle shape, timers, cache. Each average
    /// names what it is over: while the fleet runs, the workflows closed so far are the
    /// short ones, and the decision tasks include those of open workflows.
    pub fn summary_line(&self) -> String {
        format!(
            "{} completed, {} failed · {:.1} events per closed workflow · {:.1} decision tasks per package started · {} {} \
             live at the peak · {:.0} % cache hits",
            super::grouped(self.completed),
            super::grouped(self.failed),
            self.events_per_lifecycle(),
            self.decision_tasks as f64 / self.started.max(1) as f64,
            super::grouped(self.timers_live_peak),
            crate::count::plural(self.timers_live_peak, "timer"),
            self.cache_hit_rate().unwrap_or(0.0) * 100.0
        )
    }

    pub fn packed_bytes_per_lifecycle(&self) -> f64 {
        if self.closed == 0 { 0.0 } else { self.closed_history_bytes as f64 / self.closed as f64 }
    }
}

/// Counters of the interval being filled.
#[derive(Default)]
pub(crate) struct Open {
    pub start: Timestamp,
    pub row: Interval,
    pub wait_total: f64,
    pub waits: u64,
    pub busy_nanos: u128,
    /// Events per shard in this interval.
    pub shard_events: Vec<u64>,
}

/// Everything a fleet run has measured so far.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Report {
    pub intervals: Vec<Interval>,
    pub shards: Vec<Shard>,
    pub totals: Totals,
}

impl Report {
    /// How the shards' whole-run event counts spread.
    pub fn shard_spread(&self) -> ShardSpread {
        let mut v: Vec<u64> = self.shards.iter().map(|s| s.events).collect();
        ShardSpread::of(&mut v)
    }

    /// A histogram of events per shard over the run: `bins` equal-width bins from
    /// the lowest to the highest shard, as (bin start, shards in it).
    pub fn shard_histogram(&self, bins: usize) -> Vec<(u64, u64)> {
        let bins = bins.max(1);
        let spread = self.shard_spread();
        let width = ((spread.max - spread.min) / bins as u64).max(1);
        let mut out: Vec<(u64, u64)> = (0..bins as u64).map(|i| (spread.min + i * width, 0)).collect();
        for s in &self.shards {
            let i = (((s.events - spread.min) / width) as usize).min(bins - 1);
            out[i].1 += 1;
        }
        out
    }

    /// The intervals as CSV (header first).
    pub fn intervals_csv(&self) -> String {
        let mut out = String::from(
            "start_seconds,seconds,events,events_per_second,decision_tasks,activity_tasks,timers_fired,timers_live,open_workflows,started,\
             completed,failed,timed_out,backlog_max,backlog_end,decision_wait_mean_s,decision_wait_max_s,cache_hits,cache_misses,\
             cache_evictions,events_replayed,worker_utilization,shard_events_min,shard_events_median,shard_events_p99,shard_events_max\n",
        );
        for r in &self.intervals {
            let s = &r.shard_events;
            out.push_str(&format!(
                "{},{},{},{:.3},{},{},{},{},{},{},{},{},{},{},{},{:.6},{:.6},{},{},{},{},{:.4},{},{},{},{}\n",
                r.start_secs,
                r.seconds,
                r.events,
                r.events_per_second(),
                r.decision_tasks,
                r.activity_tasks,
                r.timers_fired,
                r.timers_live,
                r.open_workflows,
                r.started,
                r.completed,
                r.failed,
                r.timed_out,
                r.backlog_max,
                r.backlog_end,
                r.decision_wait_mean,
                r.decision_wait_max,
                r.cache_hits,
                r.cache_misses,
                r.cache_evictions,
                r.events_replayed,
                r.worker_utilization,
                s.min,
                s.median,
                s.p99,
                s.max
            ));
        }
        out
    }

    /// The shards' totals as CSV (header first).
    pub fn shards_csv(&self) -> String {
        let mut out = String::from("shard,workflows,events,decision_tasks,activity_tasks,timers_fired,timers_live_max\n");
        for (i, s) in self.shards.iter().enumerate() {
            out.push_str(&format!(
                "{i},{},{},{},{},{},{}\n",
                s.workflows, s.events, s.decision_tasks, s.activity_tasks, s.timers_fired, s.timers_live_max
            ));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::{ShardSpread, Totals};
    use crate::rng::SplitMix64;

    #[test]
    fn the_summary_says_one_timer_as_one() {
        let one = Totals { timers_live_peak: 1, ..Totals::default() };
        assert!(one.summary_line().contains(" · 1 timer live at the peak · "), "{}", one.summary_line());
        let many = Totals { timers_live_peak: 12_000, ..Totals::default() };
        assert!(many.summary_line().contains(" · 12,000 timers live at the peak · "), "{}", many.summary_line());
    }

    #[test]
    fn the_spread_ranks_as_a_sorted_list_would() {
        let mut rng = SplitMix64::new(3);
        // Few distinct values, as shards of a small fleet have (ties everywhere), many,
        // and runs already in order either way.
        type Kind = fn(&mut SplitMix64, usize) -> u64;
        let kinds: [Kind; 4] = [|r, _| r.next_u64() % 7, |r, _| r.next_u64() % 1_000_000, |_, i| i as u64, |_, i| (1u64 << 40) - i as u64];
        for (n, kind) in [1, 2, 3, 99, 100, 101, 16_384].into_iter().flat_map(|n| kinds.iter().map(move |k| (n, k))) {
            let values: Vec<u64> = (0..n).map(|i| kind(&mut rng, i)).collect();
            let mut sorted = values.clone();
            sorted.sort_unstable();
            let at = |q: f64| sorted[((n - 1) as f64 * q).round() as usize];
            let spread = ShardSpread::of(&mut values.clone());
            assert_eq!((spread.min, spread.median, spread.p99, spread.max), (sorted[0], at(0.5), at(0.99), sorted[n - 1]), "{n} values");
            assert_eq!(spread.mean, values.iter().sum::<u64>() as f64 / n as f64);
        }
    }
}
