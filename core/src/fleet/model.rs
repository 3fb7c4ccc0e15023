//! The capacity model for a real cluster (docs/scale.md): what one lifecycle costs
//! the server, measured on the real dev server, combined with the fleet
//! simulation's per-package rates, for 10^8 packages a year and 10^8 in flight.
//! Every input says where it comes from.

use std::time::Duration;

use super::FleetConfig;
use super::stats::Report;

/// A number and where it comes from.
#[derive(Clone, Debug, PartialEq)]
pub struct Input {
    pub value: f64,
    pub source: &'static str,
}

/// What one package lifecycle costs a real Cadence server, measured with
/// `scripts/measure-capacity.sh` (Cadence v1.4.1 dev server, SQLite, our Rust
/// worker through the HTTP API; lifecycle: start, two payment retries, ship, the
/// estimate, 3 scans, delivered — the `bridge load` lifecycle).
#[derive(Clone, Debug, PartialEq)]
pub struct Inputs {
    /// History events of the measured lifecycle.
    pub events_per_lifecycle: Input,
    /// Bytes the server stored for the lifecycle's history (its history tree rows).
    pub history_bytes_per_lifecycle: Input,
    /// Persistence requests of the lifecycle, all kinds, and the writes among them.
    pub persistence_requests_per_lifecycle: Input,
    pub persistence_writes_per_lifecycle: Input,
    /// Decision tasks of the measured lifecycle.
    pub decision_tasks_per_lifecycle: Input,
    /// A per-shard budget of persistence writes per second.
    pub shard_write_budget: Input,
    /// Worker time per decision task.
    pub decision_task_time: Input,
    /// The decision latency to plan for (mean wait for a worker).
    pub target_decision_wait: Input,
}

impl Default for Inputs {
    /// Measured 2026-12-02 with `scripts/measure-capacity.sh 100 16` (docs/scale.md).
    fn default() -> Inputs {
        const MEASURED: &str = "measured: scripts/measure-capacity.sh 100 16 on the dev server";
        Inputs {
            events_per_lifecycle: Input { value: 51.3, source: MEASURED },
            history_bytes_per_lifecycle: Input {
                value: 7751.0,
                source: "measured: the server's HistorySize (admin workflow describe), same run",
            },
            persistence_requests_per_lifecycle: Input {
                value: 225.4,
                source: "measured: persistence_requests counters before/after (reads include the load driver's history polling)",
            },
            persistence_writes_per_lifecycle: Input {
                value: 68.6,
                source: "measured: the write operations among them (AppendHistoryNodes 27.4, UpdateWorkflowExecution 30.6, CreateTask 6.6, ...)",
            },
            decision_tasks_per_lifecycle: Input { value: 8.1, source: MEASURED },
            shard_write_budget: Input {
                value: 100.0,
                source: "assumed planning figure: 100 persistence writes/s per history shard (a parameter)",
            },
            decision_task_time: Input {
                value: 0.0055,
                source: "docs/benchmarks.md: worker-side decision latency p50 on the dev server (5.5 ms)",
            },
            target_decision_wait: Input { value: 0.010, source: "a planning target: decisions wait 10 ms for a worker on average" },
        }
    }
}

/// One row of the model.
#[derive(Clone, Debug, PartialEq)]
pub struct Line {
    pub what: &'static str,
    pub value: f64,
    pub unit: &'static str,
    pub how: String,
}

/// The model for one scenario.
#[derive(Clone, Debug, PartialEq)]
pub struct Scenario {
    pub name: String,
    pub lines: Vec<Line>,
}

/// The capacity model: the measured inputs, what the fleet contributed, and the
/// two scenarios.
#[derive(Clone, Debug, PartialEq)]
pub struct Model {
    pub inputs: Inputs,
    pub fleet: Vec<Line>,
    pub scenarios: Vec<Scenario>,
}

const YEAR: f64 = 365.0 * 86_400.0;
const DAY: f64 = 86_400.0;

impl Model {
    /// The model with the fleet's per-package rates (a finished run of `report`).
    pub fn from_fleet(config: &FleetConfig, report: &Report) -> Model {
        Model::new(Inputs::default(), config, report)
    }

    pub fn new(inputs: Inputs, config: &FleetConfig, report: &Report) -> Model {
        let t = &report.totals;
        let packages = t.closed.max(1) as f64;
        let events = t.events_per_lifecycle().max(1.0);
        let decisions = t.decision_tasks as f64 / t.started.max(1) as f64;
        let lifecycle_days = mean_lifecycle_days(report).unwrap_or(f64::from(config.delivery_days.0 + config.delivery_days.1) / 2.0);
        let timers_per_open = if t.open_peak == 0 { 1.0 } else { t.timers_live_peak as f64 / t.open_peak as f64 };
        let shard_ratio = {
            let s = report.shard_spread();
            if s.mean > 0.0 { s.max as f64 / s.mean } else { 1.0 }
        };
        let fleet = vec![
            line("lifecycles measured", packages, "", "this run: workflows closed".into()),
            line("history events per lifecycle", events, "events", "fleet: mean over closed workflows".into()),
            line("decision tasks per package", decisions, "tasks", "fleet".into()),
            line("lifecycle, order to close", lifecycle_days, "days", "fleet: open workflows integrated over time / packages".into()),
            line("timers live per open workflow", timers_per_open, "", "fleet: timers live / open workflows at the peak".into()),
            // Shown, not used: the fleet's shards each hold a few workflows, the
            // model's many, whose busiest is nearer the mean (Poisson, below).
            line(
                "busiest shard / mean shard",
                shard_ratio,
                "x",
                format!(
                    "fleet: events per shard over its {} shards; not used below, where each shard holds many more workflows",
                    super::grouped(config.shards.into())
                ),
            ),
        ];
        let i = &inputs;
        let writes_per_event = i.persistence_writes_per_lifecycle.value / i.events_per_lifecycle.value;
        let requests_per_event = i.persistence_requests_per_lifecycle.value / i.events_per_lifecycle.value;
        let bytes_per_event = i.history_bytes_per_lifecycle.value / i.events_per_lifecycle.value;
        let scenario = |name: String, arrivals_per_s: f64| -> Scenario {
            let in_flight = arrivals_per_s * lifecycle_days * DAY;
            let events_per_s = arrivals_per_s * events;
            let writes = events_per_s * writes_per_event;
            let decisions_per_s = arrivals_per_s * decisions;
            // Workflows spread over shards by a hash, so each shard's share is Poisson:
            // the busiest of many shards carries about 4 standard deviations more than
            // the mean. Shards are added until the busiest fits the budget.
            let mut shards = (writes / i.shard_write_budget.value).ceil().max(1.0);
            let mut skew = 1.0;
            for _ in 0..50 {
                let per_shard = (in_flight / shards).max(1.0);
                skew = 1.0 + 4.0 / per_shard.sqrt();
                let needed = (writes * skew / i.shard_write_budget.value).ceil().max(1.0);
                if needed <= shards {
                    break;
                }
                shards = needed;
            }
            let workers = workers_for(decisions_per_s, i.decision_task_time.value, i.target_decision_wait.value);
            Scenario {
                name,
                lines: vec![
                    line("orders", arrivals_per_s, "/s", "the scenario".into()),
                    line("packages in flight", in_flight, "", format!("orders/s x {lifecycle_days:.2} days (Little's law)")),
                    line("history events", events_per_s, "/s", format!("orders/s x {events:.1} events per lifecycle (fleet)")),
                    line(
                        "persistence requests",
                        events_per_s * requests_per_event,
                        "/s",
                        format!("events/s x {requests_per_event:.2} requests per event (measured)"),
                    ),
                    line("persistence writes", writes, "/s", format!("events/s x {writes_per_event:.2} writes per event (measured)")),
                    line("timers live", in_flight * timers_per_open, "", format!("in flight x {timers_per_open:.2} (fleet)")),
                    line(
                        "history stored per day",
                        events_per_s * DAY * bytes_per_event / 1e9,
                        "GB/day",
                        format!("events/day x {bytes_per_event:.0} bytes per event (measured)"),
                    ),
                    line("decision tasks", decisions_per_s, "/s", format!("orders/s x {decisions:.1} (fleet)")),
                    line(
                        "history shards",
                        shards,
                        "",
                        format!("writes/s x {skew:.3} (busiest shard, Poisson) / {} writes/s per shard", i.shard_write_budget.value),
                    ),
                    line(
                        "worker slots",
                        workers,
                        "",
                        format!(
                            "smallest M/M/c with mean wait <= {} ms at {} ms per decision task (measured, not --decision-ms)",
                            ms(i.target_decision_wait.value),
                            ms(i.decision_task_time.value)
                        ),
                    ),
                ],
            }
        };
        let this_fleet = config.packages as f64 / config.arrival_window.as_secs_f64();
        let scenarios = vec![
            scenario("10^8 packages a year".into(), 1e8 / YEAR),
            scenario(format!("10^8 packages in flight ({lifecycle_days:.1}-day lifecycles)"), 1e8 / (lifecycle_days * DAY)),
            scenario(
                // Its orders kept coming at this rate: more packages in flight than
                // the run had, when its lifecycle is longer than its arrival window.
                format!(
                    "this fleet's order rate, kept up without end ({} packages every {})",
                    super::grouped(config.packages),
                    super::span_text(config.arrival_window)
                ),
                this_fleet,
            ),
        ];
        Model { inputs, fleet, scenarios }
    }

    /// The model as a text table in lines of at most `width` characters: where an
    /// input comes from goes on its row when it fits, under it when it does not.
    pub fn render(&self, width: usize) -> String {
        let mut out = String::from("\nCapacity model (docs/scale.md)\n\nInputs, measured on the real dev server or planning figures:\n");
        let i = &self.inputs;
        for (name, input) in [
            ("events per lifecycle", &i.events_per_lifecycle),
            ("history bytes per lifecycle", &i.history_bytes_per_lifecycle),
            ("persistence requests per lifecycle", &i.persistence_requests_per_lifecycle),
            ("persistence writes per lifecycle", &i.persistence_writes_per_lifecycle),
            ("decision tasks per lifecycle", &i.decision_tasks_per_lifecycle),
            ("per-shard write budget (/s)", &i.shard_write_budget),
            ("worker time per decision task (s)", &i.decision_task_time),
            ("target decision wait (s)", &i.target_decision_wait),
        ] {
            row(&mut out, format!("  {name:<36} {:>12} {:<6}", number(input.value), ""), input.source, width);
        }
        out.push_str("\nFrom this fleet run:\n");
        for l in &self.fleet {
            row(&mut out, format!("  {:<36} {:>12} {:<6}", l.what, number(l.value), l.unit), &l.how, width);
        }
        for s in &self.scenarios {
            out.push_str(&format!("\n{}:\n", s.name));
            for l in &s.lines {
                row(&mut out, format!("  {:<36} {:>12} {:<6}", l.what, number(l.value), l.unit), &l.how, width);
            }
        }
        out
    }
}

/// One row: `head` (name, value, unit), then `source` beside it or, when the two
/// would pass `width`, in lines of their own under it.
fn row(out: &mut String, head: String, source: &str, width: usize) {
    if head.chars().count() + 1 + source.chars().count() <= width {
        out.push_str(&format!("{head} {source}\n"));
    } else {
        out.push_str(head.trim_end());
        out.push('\n');
        out.push_str(&crate::wrap::wrap(source, "      ", "      ", width));
    }
}

fn line(what: &'static str, value: f64, unit: &'static str, how: String) -> Line {
    Line { what, value, unit, how }
}

/// A value for the table: whole numbers (shards, worker slots) without decimals,
/// small ones with four, the rest with two below 100 and none above.
fn number(v: f64) -> String {
    if v > 0.0 && v < 0.1 {
        return format!("{v:.4}");
    }
    if v >= 100.0 || v.fract() == 0.0 { super::grouped(v.round() as u64) } else { format!("{v:.2}") }
}

/// Seconds as milliseconds, to the microsecond and no further: "10", "5.5", "2.5" (at
/// `{:.0}`, a target of 2.5 ms read "2 ms").
fn ms(seconds: f64) -> String {
    format!("{}", (seconds * 1e6).round() / 1e3)
}

/// Mean lifecycle: open workflows integrated over the run's virtual time, over the
/// workflows closed (Little's law backwards). Integrated as the run goes, not from the
/// report's rows, whose open count is only their last instant's: with `--interval 3d`
/// the rows made 2.9-day lifecycles 1.8 days, and lifecycles shorter than a row
/// (failed payments, 3 s) 8 s.
fn mean_lifecycle_days(report: &Report) -> Option<f64> {
    let open_secs = report.totals.open_workflow_nanos as f64 / 1e9;
    let closed = report.totals.closed as f64;
    (closed > 0.0 && open_secs > 0.0).then(|| open_secs / closed / DAY)
}

/// The fewest servers `c` of an M/M/c queue (arrival rate `lambda`, service time
/// `s`) whose mean wait is at most `target` (Erlang C).
pub fn workers_for(lambda: f64, s: f64, target: f64) -> f64 {
    let a = lambda * s;
    let mut c = a.floor().max(0.0) as u64 + 1;
    loop {
        let wait = erlang_c(c, a) * s / (c as f64 - a);
        if wait <= target || c > 10_000_000 {
            return c as f64;
        }
        c += 1;
    }
}

/// Probability that an arrival waits in an M/M/c queue with offered load `a` (< c).
fn erlang_c(c: u64, a: f64) -> f64 {
    // Erlang B by recursion, then C from B: stable for large c.
    let mut b = 1.0;
    for k in 1..=c {
        b = a * b / (k as f64 + a * b);
    }
    let rho = a / c as f64;
    b / (1.0 - rho + rho * b)
}

/// Seconds in a duration, for callers formatting inputs.
pub fn secs(d: Duration) -> f64 {
    d.as_secs_f64()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn erlang_c_matches_textbook_values() {
        // Two servers, offered load 1: P(wait) = 1/3.
        assert!((erlang_c(2, 1.0) - 1.0 / 3.0).abs() < 1e-12);
        // One server: P(wait) = rho.
        assert!((erlang_c(1, 0.5) - 0.5).abs() < 1e-12);
    }

    #[test]
    fn counts_are_whole_and_the_shard_skew_of_the_run_says_it_is_not_used() {
        let config = FleetConfig { packages: 300, shards: 64, workers: 8, worker_cache: 50, ..FleetConfig::default() };
        let mut fleet = super::super::Fleet::new(config.clone()).unwrap();
        assert!(fleet.run(10_000, |_| true));
        let text = Model::from_fleet(&config, fleet.report()).render(80);
        let row = |what: &str| text.lines().filter(|l| l.trim_start().starts_with(what)).map(str::to_owned).collect::<Vec<_>>();
        for what in ["history shards", "worker slots", "lifecycles measured"] {
            let rows = row(what);
            assert!(!rows.is_empty(), "{what} missing from {text}");
            for r in rows {
                assert!(!r.contains(".00"), "a count with decimals: {r:?}");
            }
        }
        // Where a source is wrapped under its row, its words still follow each other.
        let words = text.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(words.contains("not used below, where each shard holds many more workflows"), "{text}");
        assert!(words.contains("(measured, not --decision-ms)"), "{text}");
        assert_eq!(
            (number(7.0), number(61.0), number(3.17), number(0.0055), number(841.2)),
            ("7".into(), "61".into(), "3.17".into(), "0.0055".into(), "841".into())
        );
    }

    #[test]
    fn the_lifecycle_is_the_packages_own_whatever_the_report_s_rows() {
        // Every history kept, so that each package's own lifecycle can be read from it.
        let run = |interval_hours: u64, over_limit_share: f64| {
            let config = FleetConfig {
                packages: 300,
                shards: 64,
                workers: 8,
                worker_cache: 50,
                over_limit_share,
                no_customer_share: 0.0,
                interval: Duration::from_secs(interval_hours * 3600),
                retention: Duration::from_secs(365 * 86_400),
                ..FleetConfig::default()
            };
            let mut fleet = super::super::Fleet::new(config.clone()).unwrap();
            assert!(fleet.run(10_000, |_| true));
            let lived: f64 = (0..300)
                .map(|i| {
                    let h = fleet.package_history(i).unwrap();
                    h.last().unwrap().event_time.since(h[0].event_time).as_secs_f64()
                })
                .sum();
            let model = Model::from_fleet(&config, fleet.report());
            let days = model.fleet.iter().find(|l| l.what == "lifecycle, order to close").unwrap().value;
            (days, lived / 300.0 / DAY)
        };
        for (hours, share) in [(1, 0.02), (72, 0.02), (1, 1.0)] {
            let (model, lived) = run(hours, share);
            // Before, from the rows' open counts: 1.80 days with 3-day rows for 2.89,
            // and 8 s for the failed payments' 3 s.
            assert!((model / lived - 1.0).abs() < 1e-9, "--interval {hours}h, over-limit {share}: model {model} days, lived {lived}");
        }
        let (failed, _) = run(1, 1.0);
        assert!((3.0..4.0).contains(&(failed * DAY)), "a failed payment lives its two retries' 1 s + 2 s: {} s", failed * DAY);
    }

    #[test]
    fn more_load_needs_more_workers() {
        let few = workers_for(100.0, 0.005, 0.01);
        let many = workers_for(10_000.0, 0.005, 0.01);
        assert!(few >= 1.0 && many > 50.0 && many > few, "{few} {many}");
    }
}
