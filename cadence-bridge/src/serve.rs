//! `bridge worker`: serve the workshop's workflows on a task list until SIGINT or
//! SIGTERM, then stop within the poll timeout. The `bridge` binary serves the
//! reference chapters; an exercise's binary (`bridge worker --exercise N`) serves the
//! participant's workflow under the starter name, through the same code.

use std::process::ExitCode;
use std::sync::atomic::Ordering;
use std::time::Duration;

use clap::Args;
use postflow_core::count::{at_least_one, zero_or_more};
use postflow_core::postal::{self, Chapter};
use postflow_core::registry::Registry;
use postflow_core::time::parse_duration;

use crate::client::Client;
use crate::error::BridgeError;
use crate::shutdown;
use crate::worker::{self, Worker, WorkerConfig};

#[derive(Args)]
pub struct WorkerArgs {
    /// The task list to serve (the workshop's commands start their workflows on `tasklist`).
    #[arg(long = "tasklist", visible_alias = "tl", default_value = postal::TASK_LIST)]
    pub task_list: String,
    /// How long a "day" of the delivery estimate lasts ("days become minutes": 60s; 1s for demos).
    // Hyphens and negative numbers are let through to the parsers, which say what is
    // wrong with them; clap alone would call `-1s` an unexpected argument.
    #[arg(long, default_value = "60s", value_parser = parse_duration, allow_hyphen_values = true)]
    pub timer_unit: Duration,
    /// Seed of the estimate generator (per workflow run, as in the simulator).
    #[arg(long, default_value_t = 1, allow_negative_numbers = true, value_parser = zero_or_more::<u64>)]
    pub seed: u64,
    /// Which workshop chapter's code answers to the starter name
    /// (OrderProcessingWorkflow); HelloWorld and OrderProcessingWorkflowComplete are
    /// served too. `activities` fits the workshop's first starter command.
    #[arg(long, default_value = crate::registry::DEFAULT_CHAPTER.name(), value_parser = Chapter::parse)]
    pub chapter: Chapter,
    /// Running workflows kept between decision tasks (sticky execution, as the Go
    /// worker's cache); 0 turns stickiness off and replays every task's full history.
    #[arg(long, default_value_t = worker::DEFAULT_STICKY_CACHE_SIZE, allow_negative_numbers = true, value_parser = zero_or_more::<usize>)]
    pub sticky_cache_size: usize,
    /// Decision polls kept open at once (split between `tasklist` and the sticky list).
    #[arg(long, default_value_t = 2, allow_negative_numbers = true, value_parser = at_least_one::<usize>)]
    pub decision_pollers: usize,
    /// Activity polls kept open at once.
    #[arg(long, default_value_t = 2, allow_negative_numbers = true, value_parser = at_least_one::<usize>)]
    pub activity_pollers: usize,
    /// How long the server may hold one poll (context-ttl-ms). A stop waits for the
    /// open polls to end: the server cannot take back a poll whose client went away.
    #[arg(long, default_value = "5s", value_parser = parse_duration, allow_hyphen_values = true)]
    pub poll_timeout: Duration,
    /// Print every task.
    #[arg(short, long)]
    pub verbose: bool,
    /// Print neither the workflows' nor the activities' log lines (printed by default,
    /// as the Go worker's logger does; load runs measure without them).
    #[arg(short, long)]
    pub quiet: bool,
    /// Serve your own workflow of the workshop's chapter N (exercises/) under the
    /// starter name, instead of a reference chapter.
    #[arg(long, conflicts_with = "chapter", allow_negative_numbers = true, value_parser = exercise_chapter)]
    pub exercise: Option<u32>,
}

/// `--exercise`'s chapter, a number or a name, read by the workshop's own parser (as
/// `workshop check loop` and `tui --exercise loop` read it).
fn exercise_chapter(text: &str) -> Result<u32, String> {
    postflow_core::workshop::ChapterGuide::parse(text).map(|g| u32::from(g.number))
}

/// Serves `registry` until SIGINT/SIGTERM; `starter` says what answers to the starter name.
pub fn run(client: Client, domain: &str, address: &str, a: &WorkerArgs, registry: Registry, starter: &str) -> ExitCode {
    let stop = shutdown::install();
    let config = WorkerConfig {
        domain: domain.into(),
        task_list: a.task_list.clone(),
        decision_pollers: a.decision_pollers,
        activity_pollers: a.activity_pollers,
        registry,
        seed: a.seed,
        poll_ttl: a.poll_timeout.max(Duration::from_secs(3)),
        sticky_cache_size: a.sticky_cache_size,
        verbose: a.verbose,
        logs: !a.quiet,
    };
    // A domain the server does not have will not appear while we poll: say so and stop,
    // rather than retry for ever. A server that is away is waited for, as at any time.
    match client.describe_domain(domain) {
        Err(BridgeError::NotFound(e)) => {
            eprintln!(
                "worker: the domain {domain} is not registered on {address} ({e}): register it with `bridge --domain {domain} \
                 domain register` (or `cadence --domain {domain} domain register`), or name another with --domain"
            );
            return ExitCode::FAILURE;
        }
        // Another protocol on that port (gRPC, say) will not turn into the HTTP API:
        // polling it again and again would only repeat this.
        Err(e @ BridgeError::NotHttpApi { .. }) => {
            eprintln!("worker: {e}; give the HTTP API with --address");
            return ExitCode::FAILURE;
        }
        _ => {}
    }
    let mut names = config.registry.workflow_names().join(", ");
    names.push_str(&format!(" ({starter})"));
    let config_poll_ttl = config.poll_ttl;
    let worker = Worker::start(client, config, stop.clone());
    eprintln!(
        "worker: serving {names} on {domain}/{} at {} (timer unit {:?}, seed {}, sticky {}); Ctrl-C stops",
        a.task_list,
        address,
        a.timer_unit,
        a.seed,
        worker.sticky_task_list().map_or("off".to_owned(), |t| format!("{t}, cache {}", a.sticky_cache_size)),
    );
    while !stop.load(Ordering::SeqCst) {
        std::thread::sleep(Duration::from_millis(50));
    }
    let t0 = std::time::Instant::now();
    let grace = config_poll_ttl + Duration::from_secs(5);
    eprintln!("worker: stopping: open polls end within {config_poll_ttl:?}, tasks they bring are answered (signal again to quit now)");
    if !worker.stop(grace) {
        eprintln!("worker: some pollers did not end in time; a task they hold is retried by the server after its timeout");
    }
    let cache = worker.cache_stats();
    eprintln!(
        "worker: stopped in {:.1} s; {}; sticky cache hits {}, misses {}, evictions {}",
        t0.elapsed().as_secs_f64(),
        worker.stats().summary(),
        cache.hits,
        cache.misses,
        cache.evictions
    );
    ExitCode::SUCCESS
}

#[cfg(test)]
mod tests {
    use super::exercise_chapter;

    #[test]
    fn an_exercise_is_a_chapter_number_or_name() {
        assert_eq!(exercise_chapter("4"), Ok(4));
        assert_eq!(exercise_chapter("loop"), Ok(4));
        assert_eq!(exercise_chapter("notification"), Ok(7));
        assert!(exercise_chapter("8").unwrap_err().contains("no chapter 8"));
    }
}
