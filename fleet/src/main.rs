//! `fleet`: many packages through the workshop's workflow on postflow's engine, in
//! virtual time, with Cadence's shards, timer queues, task lists and the worker's
//! cache made visible.
//!
//!   cargo run --release --bin fleet -- --packages 1000000 [--shards 16384]
//!       [--workers W] [--cache K] [--seed S] [--csv DIR] [--model]
//!
//! A progress bar while it runs, then a summary, plots over virtual time and the
//! spread over shards. Ctrl-C stops the run and prints what it has so far.

mod csv;
mod plot;
mod progress;
mod summary;

use std::io::Write;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use clap::Parser;
use indicatif::ProgressBar;
use postflow_core::count::plural;
use postflow_core::count::{at_least_one, zero_or_more};
use postflow_core::fleet::model::{Input, Inputs, Model};
use postflow_core::fleet::stats::Report;
use postflow_core::fleet::{Fleet, FleetConfig, grouped, human_bytes, mem_available, span_text};
use postflow_core::time::parse_duration;
use postflow_core::wrap::wrap;
use summary::count;

#[derive(Parser, Debug)]
#[command(name = "fleet", about = "Many packages through the workshop's workflow on postflow's engine, as Cadence would carry them")]
struct Args {
    // Negative numbers are let through to the parsers, which say what is wrong with
    // them; clap alone would call `-5` an unexpected argument.
    /// Packages (workflows) to run through their whole life.
    #[arg(long, default_value_t = 100_000, allow_negative_numbers = true, value_parser = at_least_one::<u64>)]
    packages: u64,
    /// History shards of the cluster (numHistoryShards: the dev server has 4, a large
    /// cluster 16,384). Any number, not only a power of two: a workflow's shard is the
    /// hash of its ID modulo this.
    #[arg(long, default_value_t = 16_384, allow_negative_numbers = true, value_parser = at_least_one::<u32>)]
    shards: u32,
    /// Worker slots: decision and activity tasks served at once, across all worker
    /// processes.
    #[arg(long, default_value_t = 64, allow_negative_numbers = true, value_parser = at_least_one::<u32>)]
    workers: u32,
    /// Workflow runs the workers keep live in their sticky cache, all together (Go's
    /// default is 10,000 per worker process); a run not cached replays its history
    /// at its next decision task, and 0 replays it at every one.
    #[arg(long = "cache", default_value_t = 100_000, allow_negative_numbers = true, value_parser = zero_or_more::<usize>)]
    cache: usize,
    /// Seed of the world (arrivals, scans, estimates): the same seed, the same fleet.
    #[arg(long, default_value_t = 1, allow_negative_numbers = true, value_parser = zero_or_more::<u64>)]
    seed: u64,
    /// Orders arrive over this many hours.
    #[arg(long, default_value_t = 24.0, allow_negative_numbers = true)]
    arrival_hours: f64,
    /// Days from order to delivery, lowest-highest.
    #[arg(long, default_value = "1-5", allow_hyphen_values = true)]
    delivery_days: String,
    /// Hours between two scans of a package, shortest-longest.
    #[arg(long, default_value = "3-9", allow_hyphen_values = true)]
    scan_hours: String,
    /// What one day of the delivery estimate lasts on the notification timer (e.g. 1d, 1h,
    /// 60s). With 1d, scans every few hours reset it before it fires; 1h lets it fire.
    #[arg(long, default_value = "1d", allow_hyphen_values = true)]
    timer_unit: String,
    /// Each workflow's execution timeout (e.g. 7d, 200h): longer than the longest
    /// delivery, or the server times the workflows out first.
    #[arg(long, default_value = "7d", allow_hyphen_values = true)]
    execution_timeout: String,
    /// Share of orders over 25 (their payment fails after its retries), 0 to 1.
    #[arg(long, default_value_t = 0.02, allow_negative_numbers = true)]
    over_limit: f64,
    /// Share of orders without a customer (shipping fails), 0 to 1.
    #[arg(long, default_value_t = 0.01, allow_negative_numbers = true)]
    no_customer: f64,
    /// Worker milliseconds a decision task holds its slot.
    #[arg(long, default_value_t = 2.0, allow_negative_numbers = true)]
    decision_ms: f64,
    /// Worker milliseconds an activity task holds its slot.
    #[arg(long, default_value_t = 5.0, allow_negative_numbers = true)]
    activity_ms: f64,
    /// Length of one row of the report, e.g. 1h, 30m.
    #[arg(long, default_value = "1h", allow_hyphen_values = true)]
    interval: String,
    /// Write intervals.csv and shards.csv into this directory.
    #[arg(long)]
    csv: Option<std::path::PathBuf>,
    /// Print the capacity model for this fleet's parameters (docs/scale.md).
    #[arg(long)]
    model: bool,
    /// With --model: the persistence writes per second one history shard takes, your
    /// database's number (a planning figure; the model assumes 100).
    #[arg(long, requires = "model", allow_negative_numbers = true)]
    shard_write_budget: Option<f64>,
    /// With --model: the mean time, in milliseconds, decision tasks may wait for a
    /// worker (a planning target; the model plans for 10).
    #[arg(long, requires = "model", allow_negative_numbers = true)]
    decision_wait_ms: Option<f64>,
    /// Refuse a fleet whose memory estimate is above this many GiB (default: the
    /// memory available now).
    #[arg(long, allow_negative_numbers = true)]
    max_memory_gib: Option<f64>,
}

/// Restarts the process once with glibc's malloc told to back its heap with
/// transparent huge pages. A big fleet keeps gigabytes of small blocks (packed
/// histories, cached runs) spread over its heap, and on 4 KB pages it took 7–15 %
/// more CPU for the same run and memory (docs/benchmarks.md). glibc reads the
/// setting only from the environment at startup, hence the `exec`. A
/// `GLIBC_TUNABLES` the user set is theirs and is left alone, and if `exec` fails
/// the fleet runs as it is.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn use_huge_pages() {
    use std::os::unix::process::CommandExt;
    if std::env::var_os("GLIBC_TUNABLES").is_some() {
        return;
    }
    let Ok(exe) = std::env::current_exe() else { return };
    let mut args = std::env::args_os();
    let mut command = std::process::Command::new(exe);
    if let Some(name) = args.next() {
        command.arg0(name);
    }
    // Returns only if the restart failed.
    let _ = command.args(args).env("GLIBC_TUNABLES", "glibc.malloc.hugetlb=1").exec();
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn use_huge_pages() {}

static STOP: AtomicBool = AtomicBool::new(false);

extern "C" fn on_interrupt(_: libc::c_int) {
    STOP.store(true, Ordering::SeqCst);
}

fn main() -> ExitCode {
    postflow_core::cli::end_quietly_on_a_closed_pipe();
    use_huge_pages();
    let args = Args::parse();
    let (config, inputs) = match config(&args).and_then(|c| Ok((c, inputs(&args)?))) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("fleet: {e}");
            return ExitCode::from(2);
        }
    };
    let estimate = config.memory_estimate();
    let limit = match args.max_memory_gib {
        Some(g) => Some(((g * 1024.0 * 1024.0 * 1024.0) as u64, "allowed (--max-memory-gib)")),
        None => std::fs::read_to_string("/proc/meminfo").ok().as_deref().and_then(mem_available).map(|b| (b, "available")),
    };
    if let Some(Err(e)) = limit.map(|(limit, limit_is)| config.check_memory(limit, limit_is)) {
        // Say what makes it large: the packages and their cached runs, or the shards.
        let fewer = if config.shard_counters_memory() > estimate / 2 {
            "use fewer --shards (a large Cadence cluster has 16,384)"
        } else {
            "run fewer packages, or a smaller --cache"
        };
        eprintln!("fleet: {e}; {fewer}");
        return ExitCode::from(2);
    }
    if let Err(e) = config.check_workers() {
        eprintln!("fleet: {e}");
        return ExitCode::from(2);
    }
    // SAFETY: the handler only stores to an atomic, which is async-signal-safe.
    unsafe {
        libc::signal(libc::SIGINT, on_interrupt as *const () as libc::sighandler_t);
    }

    // Before the run, not after it: a path that cannot take the files costs nothing.
    if let Some(dir) = &args.csv
        && let Err(e) = csv::can_take_the_files(dir)
    {
        eprintln!("fleet: {e}");
        return ExitCode::from(2);
    }
    let mut fleet = match Fleet::new(config.clone()) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("fleet: {e}");
            return ExitCode::from(2);
        }
    };
    let intro = format!(
        "{} over {}, {} history {}, {} worker {}, a sticky cache of {} {}, seed {} (memory estimate {})",
        count(config.packages, "package"),
        span_text(config.arrival_window),
        grouped(config.shards.into()),
        plural(config.shards.into(), "shard"),
        grouped(config.workers.into()),
        plural(config.workers.into(), "slot"),
        grouped(config.worker_cache as u64),
        plural(config.worker_cache as u64, "run"),
        config.seed,
        human_bytes(estimate)
    );
    eprint!("{}", wrap(&intro, "fleet: ", "  ", REPORT_WIDTH));
    let bar = ProgressBar::with_draw_target(Some(config.packages), progress::target());
    bar.set_style(progress::style());
    let started = Instant::now();
    let finished = fleet.run(20_000, |f| {
        let p = f.progress();
        bar.set_position(p.closed);
        bar.set_message(progress::message(&p, progress::terminal_columns()));
        !STOP.load(Ordering::SeqCst)
    });
    let wall = started.elapsed();
    bar.finish_and_clear();
    if !finished {
        eprintln!("fleet: interrupted; what the run has so far:");
    }
    let report = fleet.report();
    print!("{}", summary::summary(&config, report, wall, finished));
    print!("{}", plots(report));
    if let Some(dir) = &args.csv {
        if let Err(e) = csv::write(dir, report) {
            eprintln!("fleet: {e}");
            return ExitCode::from(1);
        }
        let written = format!("series written to {0}/intervals.csv and {0}/shards.csv", dir.display());
        print!("{}", wrap(&written, "", "  ", REPORT_WIDTH));
    }
    if args.model {
        print!("{}", model(&config, &inputs, report, finished));
    }
    let _ = std::io::stdout().flush();
    if finished { ExitCode::SUCCESS } else { ExitCode::from(130) }
}

/// `LOW-HIGH` (or one number for both): a span of more than zero, as `example` writes it.
fn range(name: &str, text: &str, example: &str) -> Result<(f64, f64), String> {
    let bad = || format!("--{name} must be LOW-HIGH with 0 < LOW <= HIGH, e.g. {example} (got {text:?})");
    let (a, b) = text.split_once('-').unwrap_or((text, text));
    let (a, b): (f64, f64) = (a.trim().parse().map_err(|_| bad())?, b.trim().parse().map_err(|_| bad())?);
    if !(a.is_finite() && b.is_finite()) || a <= 0.0 || a > b {
        return Err(bad());
    }
    Ok((a, b))
}

/// A duration of more than zero, in days (`1d`, `1.5d`: a fleet's spans are often
/// days, where Go's durations stop at hours) or as Go writes one (`6h`, `1h30m`, `90s`).
fn duration(name: &str, text: &str) -> Result<Duration, String> {
    let t = text.trim();
    let d = match t.strip_suffix('d').and_then(|n| n.parse::<f64>().ok()) {
        Some(days) => Duration::try_from_secs_f64(days * 86_400.0)
            .map_err(|_| format!("--{name} must be a number of days from 0 to about 10^14 (got {text:?})"))?,
        None => parse_duration(t).map_err(|e| format!("--{name}: {e}; use days (1d) or Go's units (6h, 30m, 90s)"))?,
    };
    if d.is_zero() {
        return Err(format!("--{name} must be more than zero (got {text:?})"));
    }
    Ok(d)
}

/// `value` of `unit`s (`seconds` of one) as a duration, or why it cannot be one: a
/// value past what a duration holds (`--arrival-hours 1e300`) is refused, not a panic.
fn span(name: &str, value: f64, unit: &str, seconds: f64) -> Result<Duration, String> {
    Duration::try_from_secs_f64(value * seconds).map_err(|_| format!("--{name} is more {unit} than a run can last (got {value:e})"))
}

/// The capacity model's inputs: the measurements, and the two planning figures as
/// the flags set them (docs/scale.md tells to change them to one's own numbers).
fn inputs(a: &Args) -> Result<Inputs, String> {
    let mut inputs = Inputs::default();
    let positive = |name: &str, v: f64| {
        if v > 0.0 && v.is_finite() { Ok(v) } else { Err(format!("--{name} must be a number more than zero (got {v})")) }
    };
    if let Some(v) = a.shard_write_budget {
        inputs.shard_write_budget = Input {
            value: positive("shard-write-budget", v)?,
            source: "your planning figure: writes/s per history shard (--shard-write-budget)",
        };
    }
    if let Some(v) = a.decision_wait_ms {
        inputs.target_decision_wait = Input {
            value: positive("decision-wait-ms", v)? / 1e3,
            source: "your planning target: mean wait for a worker (--decision-wait-ms)",
        };
    }
    Ok(inputs)
}

fn config(a: &Args) -> Result<FleetConfig, String> {
    // NaN would otherwise become a limit of zero bytes, and the refusal would read "the 0 KiB allowed".
    if let Some(g) = a.max_memory_gib.filter(|g| g.is_nan() || *g <= 0.0) {
        return Err(format!("--max-memory-gib must be more than zero (got {g})"));
    }
    let (d0, d1) = range("delivery-days", &a.delivery_days, "1-5")?;
    if d0.fract() != 0.0 || d1.fract() != 0.0 {
        return Err("--delivery-days takes whole days, e.g. 1-5".into());
    }
    let (s0, s1) = range("scan-hours", &a.scan_hours, "3-9")?;
    if !(a.arrival_hours > 0.0 && a.arrival_hours.is_finite()) {
        // Infinity is more than zero: it is the end that is missing.
        let must = if a.arrival_hours == f64::INFINITY { "a number of hours" } else { "more than zero" };
        return Err(format!("--arrival-hours must be {must} (got {})", a.arrival_hours));
    }
    for (name, v) in [("decision-ms", a.decision_ms), ("activity-ms", a.activity_ms)] {
        if !(v >= 0.0 && v.is_finite()) {
            return Err(format!("--{name} must be zero or more milliseconds (got {v})"));
        }
    }
    let config = FleetConfig {
        packages: a.packages,
        shards: a.shards,
        workers: a.workers,
        worker_cache: a.cache,
        seed: a.seed,
        arrival_window: span("arrival-hours", a.arrival_hours, "hours", 3600.0)?,
        delivery_days: (d0 as u32, d1 as u32),
        scan_every: (span("scan-hours", s0, "hours", 3600.0)?, span("scan-hours", s1, "hours", 3600.0)?),
        timer_unit: duration("timer-unit", &a.timer_unit)?,
        over_limit_share: a.over_limit,
        no_customer_share: a.no_customer,
        decision_time: span("decision-ms", a.decision_ms, "milliseconds", 0.001)?,
        activity_time: span("activity-ms", a.activity_ms, "milliseconds", 0.001)?,
        interval: duration("interval", &a.interval)?,
        execution_timeout: duration("execution-timeout", &a.execution_timeout)?,
        ..FleetConfig::default()
    };
    config.check_values().map_err(|e| e.to_string())?;
    Ok(config)
}

/// What the report's lines fit: an 80-column terminal shows each whole, as it shows
/// the plots (72 columns and their labels).
const REPORT_WIDTH: usize = 80;

fn plots(r: &Report) -> String {
    let width = r.intervals.len().clamp(1, 72);
    let hours = |secs: u64| format!("{:.0} h", secs as f64 / 3600.0);
    let first = r.intervals.first().map_or(String::new(), |i| hours(i.start_secs));
    let last = r.intervals.last().map_or(String::new(), |i| hours(i.start_secs + i.seconds));
    let series = |f: &dyn Fn(&postflow_core::fleet::stats::Interval) -> f64| -> Vec<f64> { r.intervals.iter().map(f).collect() };
    let mut out = String::new();
    out.push_str(&plot::bars("history events per second (virtual time)", &series(&|i| i.events_per_second()), width, 8, &first, &last));
    out.push('\n');
    out.push_str(&plot::bars("timers live", &series(&|i| i.timers_live as f64), width, 8, &first, &last));
    out.push('\n');
    out.push_str(&plot::bars_up_to(
        "worker cache hit rate (%; 0 in an interval without decision tasks)",
        &series(&|i| i.cache_hit_rate().unwrap_or(0.0) * 100.0),
        width,
        6,
        &first,
        &last,
        Some(100.0),
    ));
    out.push('\n');
    out.push_str(&plot::bars("busiest shard's events per interval", &series(&|i| i.shard_events.max as f64), width, 6, &first, &last));
    out.push('\n');
    let bins: Vec<(String, u64)> = r.shard_histogram(12).into_iter().map(|(from, n)| (format!("{from}+"), n)).collect();
    out.push_str(&plot::histogram("shards by events over the run", &bins, 48));
    out.push('\n');
    out
}

/// The capacity model, only of a whole run. A run stopped early has closed the
/// packages that fail first and the shortest deliveries: its events per lifecycle
/// and its lifecycle's length (open workflows over closed ones) would put wrong
/// numbers into every row of the model.
fn model(config: &FleetConfig, inputs: &Inputs, report: &Report, finished: bool) -> String {
    if finished {
        return Model::new(inputs.clone(), config, report).render(REPORT_WIDTH);
    }
    let why = "No capacity model: the run was interrupted, and its lifecycles so far are the \
               short ones (failed payments, early deliveries). Let the run finish, or run \
               fewer packages.";
    format!("\n{}", wrap(why, "", "", REPORT_WIDTH))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_are_days_or_go_durations() {
        assert_eq!(duration("timer-unit", "1.5d"), Ok(Duration::from_secs(36 * 3600)));
        assert_eq!(duration("interval", "1h30m"), Ok(Duration::from_secs(90 * 60)));
        assert_eq!(duration("interval", " 90s "), Ok(Duration::from_secs(90)));
        assert!(duration("interval", "90").is_err_and(|e| e.contains("missing unit")), "a bare number has no unit");
        assert!(duration("timer-unit", "1e300d").is_err(), "too many days is an error, not a panic");
    }
}
