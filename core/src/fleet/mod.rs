//! The fleet: many packages through the workshop's workflow on one engine, in
//! virtual time, with what Cadence does to carry them made visible.
//!
//! - Orders arrive over a day; each package is paid for (two failed attempts and
//!   the server's retries), shipped, scanned every few hours at a new place (each
//!   scan cancels the notification timer and starts a new one from a fresh
//!   estimate) and delivered after one to five days; a share of orders fail as in
//!   the workshop (over 25, no customer). [`world`] plans it, from the seed.
//! - The engine is the simulator's own (one piece of code for the semantics), with
//!   packed histories (what Cadence keeps between decision tasks) and a worker cache
//!   of `K` runs: a parked workflow holds no live runtime, and a decision task for
//!   one is a cache miss that replays its whole history, as a real worker's does.
//! - Workers: `W` of them take decision and activity tasks from the task lists in
//!   arrival order; a task holds its worker for the task's time (plus the replay on
//!   a cache miss). What waits is the task lists' backlog.
//! - Every workflow lives on a history shard, by Cadence's own function
//!   ([`shard`]): events, tasks and timers are counted per shard and per interval
//!   of virtual time ([`stats`]).
//!
//! Deterministic by seed; no I/O, no clock: the caller runs it in chunks
//! ([`Fleet::run_for`]) and shows progress between them.

mod calendar;
mod config;
pub mod model;
pub mod shard;
pub mod stats;
pub mod world;

use std::collections::VecDeque;
use std::time::Duration;

pub use crate::count::grouped;
use crate::engine::{AttemptState, DecisionTaskState, Engine, EngineOptions, FiredKind, RunRef, StartRequest, WorkflowStatus};
use crate::history::HistoryEvent;
use crate::payload::Payload;
use crate::postal::{self, Chapter, PostalConfig};
use crate::time::{EPOCH, Timestamp};
use calendar::Calendar;
pub use config::{ConfigError, FleetConfig, MAX_INTERVALS, human_bytes, mem_available, span_text};
use stats::{Interval, Open, Report, Shard, ShardSpread};
use world::{Arrivals, OrderKind, Plan};

/// Where a fleet run is.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Progress {
    pub arrived: u64,
    pub closed: u64,
    pub packages: u64,
    pub virtual_secs: u64,
    pub events: u64,
    pub done: bool,
}

/// The fleet's record of one package (its run's mutable state is in the engine).
struct Package {
    run: RunRef,
    shard: u32,
    plan: Plan,
    /// History length and pending timers when last looked at.
    events: u32,
    timers: u8,
    /// A decision task of this run is in the backlog or on a worker.
    decision_queued: bool,
    /// Activities (by scheduled event ID) in the backlog, on a worker, or waiting for
    /// their retry time.
    activities_queued: [i64; 2],
    closed: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Event {
    Scan { package: u32, place: u8 },
    Delivered { package: u32 },
    DecisionDone { package: u32 },
    ActivityDone { package: u32, scheduled_event_id: i64 },
    RetryDue { package: u32, scheduled_event_id: i64 },
    Purge { package: u32 },
    IntervalEnd,
}

#[derive(Clone, Copy, Debug)]
enum Task {
    Decision { package: u32 },
    Activity { package: u32, scheduled_event_id: i64 },
}

/// A fleet being simulated.
pub struct Fleet {
    config: FleetConfig,
    engine: Engine,
    arrivals: Arrivals,
    scan_inputs: Vec<Payload>,
    packages: Vec<Package>,
    /// Events in virtual time: (time, order of scheduling, event).
    queue: Calendar<Event>,
    seq: u64,
    backlog: VecDeque<(Timestamp, Task)>,
    free_workers: u32,
    busy: u32,
    now: Timestamp,
    open: Open,
    report: Report,
    timers_live: u64,
    open_workflows: u64,
    closed: u64,
    last_close: Timestamp,
    last_cache: crate::engine::CacheStats,
}

/// Reads the engine's view of run `r` (always there while its package is tracked).
macro_rules! view {
    ($fleet:expr, $run:expr) => {
        $fleet.engine.view($run)
    };
}

impl Fleet {
    pub fn new(config: FleetConfig) -> Result<Fleet, ConfigError> {
        config.validate()?;
        let registry = postal::registry(PostalConfig { chapter: Chapter::Notification, timer_unit: config.timer_unit });
        let engine = Engine::with_options(
            registry,
            config.seed,
            EngineOptions {
                worker_cache: Some(config.worker_cache),
                packed_histories: true,
                record_attempts_and_logs: false,
                seed_per_workflow: true,
            },
        );
        let mut fleet = Fleet {
            arrivals: Arrivals::new(&config, EPOCH),
            scan_inputs: world::scan_inputs(),
            packages: Vec::new(),
            queue: Calendar::new(),
            seq: 0,
            backlog: VecDeque::new(),
            free_workers: config.workers,
            busy: 0,
            now: EPOCH,
            open: Open { start: EPOCH, shard_events: vec![0; config.shards as usize], ..Open::default() },
            report: Report { shards: vec![Shard::default(); config.shards as usize], ..Report::default() },
            timers_live: 0,
            open_workflows: 0,
            closed: 0,
            last_close: EPOCH,
            last_cache: Default::default(),
            engine,
            config,
        };
        fleet.schedule(EPOCH.plus(fleet.config.interval), Event::IntervalEnd);
        Ok(fleet)
    }

    pub fn config(&self) -> &FleetConfig {
        &self.config
    }

    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    /// What has been measured so far (complete once [`Progress::done`]).
    pub fn report(&self) -> &Report {
        &self.report
    }

    pub fn progress(&self) -> Progress {
        Progress {
            arrived: self.packages.len() as u64,
            closed: self.closed,
            packages: self.config.packages,
            virtual_secs: self.now.since(EPOCH).as_secs(),
            events: self.report.totals.events,
            done: self.is_done(),
        }
    }

    fn is_done(&self) -> bool {
        self.closed == self.config.packages
    }

    /// Package `i`'s workflow ID and shard.
    pub fn package(&self, i: u64) -> Option<(String, u32)> {
        let p = self.packages.get(usize::try_from(i).ok()?)?;
        Some((world::workflow_id(i), p.shard))
    }

    /// Package `i`'s workflow status (`running`, `completed`, ...), `None` once its
    /// retention is over.
    pub fn package_status(&self, i: u64) -> Option<&'static str> {
        let p = self.packages.get(usize::try_from(i).ok()?)?;
        Some(self.engine.view(p.run)?.status().name())
    }

    /// Package `i`'s history, decoded (`None` once its retention is over).
    pub fn package_history(&self, i: u64) -> Option<Vec<HistoryEvent>> {
        let p = self.packages.get(usize::try_from(i).ok()?)?;
        Some(self.engine.view(p.run)?.history().to_vec())
    }

    /// Package `i` as a session to step through, the way both front ends open one:
    /// its history replayed through the workflow code as any imported history is, under
    /// its workflow ID, with a label naming it and its shard.
    pub fn package_session(&self, i: u64) -> Result<(crate::session::Session, String), String> {
        let (id, shard) = self.package(i).ok_or("no such package")?;
        let events = self.package_history(i).ok_or(format!("{id}: its history is past the retention period"))?;
        let mut config = crate::session::SessionConfig::default();
        config.postal.timer_unit = self.config.timer_unit;
        let session = crate::session::Session::import_events(config, events, Some(id.clone()))?;
        Ok((session, format!("fleet package {id} (shard {shard})")))
    }

    fn schedule(&mut self, at: Timestamp, e: Event) {
        self.seq += 1;
        self.queue.push(at, self.seq, e);
    }

    /// Simulates until about `budget` engine operations are done or the fleet is
    /// done. Returns whether it is done.
    pub fn run_for(&mut self, budget: u64) -> bool {
        for _ in 0..budget {
            if !self.step() {
                self.finish();
                return true;
            }
        }
        false
    }

    /// Runs to the end, asking `keep_going` every `chunk` operations (a progress
    /// bar, Ctrl-C). Returns whether it finished.
    pub fn run(&mut self, chunk: u64, mut keep_going: impl FnMut(&Fleet) -> bool) -> bool {
        loop {
            if self.run_for(chunk) {
                return true;
            }
            if !keep_going(self) {
                self.close_interval();
                return false;
            }
        }
    }

    /// One thing happens: an order, a due timer, a signal, a worker finishing.
    fn step(&mut self) -> bool {
        if self.is_done() {
            return false;
        }
        let arrival = self.arrivals.peek().map(|(_, at)| at);
        let queued = self.queue.peek_time();
        let engine = self.engine.next_due();
        let Some(next) = [arrival, queued, engine].into_iter().flatten().min() else { return false };
        self.set_now(next);
        if engine == Some(next) {
            let fired = self.engine.advance_clock_to(next);
            for f in fired {
                let package = self.engine_package(f.run);
                if let FiredKind::Timer(_) = f.what {
                    self.report.totals.timers_fired += 1;
                    self.open.row.timers_fired += 1;
                    if let Some(p) = package {
                        self.report.shards[self.packages[p as usize].shard as usize].timers_fired += 1;
                    }
                }
                if let Some(p) = package {
                    self.sync(p);
                }
            }
        } else if arrival == Some(next) {
            self.arrive();
        } else if let Some((_, event)) = self.queue.pop() {
            self.handle(event);
        }
        self.dispatch();
        true
    }

    fn set_now(&mut self, t: Timestamp) {
        if t > self.now {
            let span = t.since(self.now).as_nanos();
            self.open.busy_nanos += u128::from(self.busy) * span;
            self.report.totals.open_workflow_nanos += u128::from(self.open_workflows) * span;
            self.now = t;
        }
        // The engine's clock follows without firing what is not yet due.
        if self.engine.next_due().is_none_or(|due| due > t) {
            self.engine.advance_clock_to(t);
        }
    }

    /// The package of an engine run (runs are started in package order).
    fn engine_package(&self, r: RunRef) -> Option<u32> {
        (r.index() < self.packages.len()).then_some(r.index() as u32)
    }

    fn arrive(&mut self) {
        let Some((index, at)) = self.arrivals.peek() else { return };
        self.arrivals.advance();
        let plan = world::plan(&self.config, index, at);
        let workflow_id = world::workflow_id(index);
        let shard = shard::shard_of(&workflow_id, self.config.shards);
        let req = StartRequest {
            workflow_id,
            workflow_type: Chapter::Notification.names().workflow.into(),
            task_list: postal::TASK_LIST.into(),
            input: Some(world::order_input(index, &plan)),
            execution_timeout: self.config.execution_timeout,
            task_timeout: Duration::from_secs(10),
        };
        // The plan is ours, the workflow type registered: a refusal is a bug.
        let run = self.engine.start_run(req).unwrap_or_else(|e| panic!("the fleet's own order was refused: {e}"));
        debug_assert_eq!(run.index(), self.packages.len(), "runs and packages are numbered alike");
        let package = self.packages.len() as u32;
        self.packages.push(Package {
            run,
            shard,
            plan,
            events: 0,
            timers: 0,
            decision_queued: false,
            activities_queued: [0; 2],
            closed: false,
        });
        self.report.shards[shard as usize].workflows += 1;
        self.report.totals.started += 1;
        self.open.row.started += 1;
        self.open_workflows += 1;
        self.report.totals.open_peak = self.report.totals.open_peak.max(self.open_workflows);
        if plan.kind == OrderKind::Delivered {
            let mut plan = plan;
            match world::next_scan(&self.config, &mut plan, at) {
                Some((t, place)) => self.schedule(t, Event::Scan { package, place }),
                None => self.schedule(plan.delivered_at, Event::Delivered { package }),
            }
            self.packages[package as usize].plan = plan;
        }
        self.sync(package);
    }

    fn handle(&mut self, event: Event) {
        match event {
            Event::Scan { package, place } => {
                let input = self.scan_inputs[usize::from(place)].clone();
                self.signal(package, postal::SCAN_SIGNAL, Some(input));
                let p = &mut self.packages[package as usize];
                let mut plan = p.plan;
                match world::next_scan(&self.config, &mut plan, self.now) {
                    Some((t, place)) => self.schedule(t, Event::Scan { package, place }),
                    None => self.schedule(plan.delivered_at, Event::Delivered { package }),
                }
                self.packages[package as usize].plan = plan;
            }
            Event::Delivered { package } => self.signal(package, postal::DELIVERED_SIGNAL, None),
            Event::DecisionDone { package } => {
                let run = self.packages[package as usize].run;
                self.engine.respond_decision_task(run);
                if matches!(view!(self, run).and_then(|v| v.decision_task()), Some(DecisionTaskState::Started { .. })) {
                    // Events came in while the task ran: the server handed the worker the
                    // next decision task with its answer, and the same worker goes on.
                    let cost = self.decision_cost(run);
                    self.schedule(self.now.plus(cost), Event::DecisionDone { package });
                } else {
                    self.packages[package as usize].decision_queued = false;
                    self.release_worker();
                }
                self.sync(package);
            }
            Event::ActivityDone { package, scheduled_event_id } => {
                let run = self.packages[package as usize].run;
                self.engine.finish_activity_attempt(run, scheduled_event_id);
                self.unqueue_activity(package, scheduled_event_id);
                self.release_worker();
                self.sync(package);
            }
            Event::RetryDue { package, scheduled_event_id } => {
                self.backlog.push_back((self.now, Task::Activity { package, scheduled_event_id }));
            }
            Event::Purge { package } => {
                let run = self.packages[package as usize].run;
                self.engine.drop_run(run);
                self.report.totals.purged += 1;
            }
            Event::IntervalEnd => {
                self.close_interval();
                if !self.is_done() {
                    self.schedule(self.now.plus(self.config.interval), Event::IntervalEnd);
                }
            }
        }
    }

    fn signal(&mut self, package: u32, name: &str, input: Option<Payload>) {
        let run = self.packages[package as usize].run;
        self.report.totals.signals += 1;
        if self.engine.signal_run(run, name, input).is_err() {
            // The postal network does not know the workflow ended (it timed out).
            self.report.totals.signals_refused += 1;
        }
        self.sync(package);
    }

    fn release_worker(&mut self) {
        self.free_workers += 1;
        self.busy -= 1;
    }

    fn unqueue_activity(&mut self, package: u32, scheduled_event_id: i64) {
        for slot in &mut self.packages[package as usize].activities_queued {
            if *slot == scheduled_event_id {
                *slot = 0;
            }
        }
    }

    /// Worker time for the decision task of `run`: the task, plus the replay of the
    /// whole history when the worker does not hold the run.
    fn decision_cost(&self, run: RunRef) -> Duration {
        let replay = match self.engine.view(run) {
            Some(v) if !v.is_cached() => self.config.replay_time_per_event * v.history_len() as u32,
            _ => Duration::ZERO,
        };
        self.config.decision_time + replay
    }

    /// Looks at a run after something happened to it: new events, timers, closes,
    /// and tasks that now wait for a worker.
    fn sync(&mut self, package: u32) {
        let now = self.now;
        let (run, shard) = {
            let p = &self.packages[package as usize];
            (p.run, p.shard as usize)
        };
        let Some(v) = self.engine.view(run) else { return };
        let events = v.history_len() as u32;
        let timers = v.pending_timers().count() as u8;
        let running = matches!(v.status(), WorkflowStatus::Running);
        let decision = v.decision_task();
        let mut activities: [(i64, Option<Timestamp>); 2] = [(0, None); 2];
        for (slot, a) in activities.iter_mut().zip(v.pending_activities()) {
            *slot = (
                a.scheduled_event_id,
                match a.state {
                    AttemptState::Scheduled { since } => Some(since),
                    AttemptState::Started { .. } => None,
                },
            );
        }
        let status = v.status().clone();
        let packed = v.packed_bytes().unwrap_or(0) as u64;

        let p = &mut self.packages[package as usize];
        let new_events = u64::from(events.saturating_sub(p.events));
        p.events = events;
        let timer_delta = i64::from(timers) - i64::from(p.timers);
        p.timers = timers;
        self.report.totals.events += new_events;
        self.open.row.events += new_events;
        self.open.shard_events[shard] += new_events;
        let s = &mut self.report.shards[shard];
        s.events += new_events;
        s.timers_live = s.timers_live.saturating_add_signed(timer_delta);
        s.timers_live_max = s.timers_live_max.max(s.timers_live);
        self.timers_live = self.timers_live.saturating_add_signed(timer_delta);
        self.report.totals.timers_live_peak = self.report.totals.timers_live_peak.max(self.timers_live);

        if !running {
            if !p.closed {
                p.closed = true;
                self.closed += 1;
                self.open_workflows -= 1;
                self.last_close = now;
                let t = &mut self.report.totals;
                t.closed += 1;
                t.closed_history_bytes += packed;
                t.closed_history_events += u64::from(events);
                match status {
                    WorkflowStatus::Completed(_) => {
                        t.completed += 1;
                        self.open.row.completed += 1;
                    }
                    WorkflowStatus::Failed(_) => {
                        t.failed += 1;
                        self.open.row.failed += 1;
                    }
                    _ => {
                        t.timed_out += 1;
                        self.open.row.timed_out += 1;
                    }
                }
                self.schedule(now.plus(self.config.retention), Event::Purge { package });
            }
            return;
        }
        if matches!(decision, Some(DecisionTaskState::Scheduled { .. })) && !p.decision_queued {
            p.decision_queued = true;
            self.backlog.push_back((now, Task::Decision { package }));
            self.report.totals.decision_tasks += 1;
            self.open.row.decision_tasks += 1;
            self.report.shards[shard].decision_tasks += 1;
        }
        for (id, since) in activities {
            let p = &mut self.packages[package as usize];
            if id == 0 || p.activities_queued.contains(&id) {
                continue;
            }
            let Some(slot) = p.activities_queued.iter_mut().find(|s| **s == 0) else { continue };
            *slot = id;
            self.report.totals.activity_tasks += 1;
            self.open.row.activity_tasks += 1;
            self.report.shards[shard].activity_tasks += 1;
            match since {
                // A retry waits for its backoff on the server's timer queue.
                Some(at) if at > now => self.schedule(at, Event::RetryDue { package, scheduled_event_id: id }),
                _ => self.backlog.push_back((now, Task::Activity { package, scheduled_event_id: id })),
            }
        }
    }

    /// Free workers take tasks from the backlog, oldest first.
    fn dispatch(&mut self) {
        while self.free_workers > 0 {
            let Some((since, task)) = self.backlog.pop_front() else { break };
            match task {
                Task::Decision { package } => {
                    let run = self.packages[package as usize].run;
                    let cost = self.decision_cost(run);
                    if !self.engine.poll_decision_task(run) {
                        // The workflow ended (timed out) while its task waited.
                        self.packages[package as usize].decision_queued = false;
                        continue;
                    }
                    let wait = self.now.since(since).as_secs_f64();
                    self.open.wait_total += wait;
                    self.open.waits += 1;
                    self.open.row.decision_wait_max = self.open.row.decision_wait_max.max(wait);
                    let t = &mut self.report.totals;
                    t.decision_wait_total += wait;
                    t.decision_waits += 1;
                    t.decision_wait_max = t.decision_wait_max.max(wait);
                    self.schedule(self.now.plus(cost), Event::DecisionDone { package });
                }
                Task::Activity { package, scheduled_event_id } => {
                    let run = self.packages[package as usize].run;
                    let state = view!(self, run)
                        .and_then(|v| v.pending_activities().find(|a| a.scheduled_event_id == scheduled_event_id).map(|a| a.state.clone()));
                    match state {
                        Some(AttemptState::Scheduled { .. }) => self.engine.start_activity_attempt(run, scheduled_event_id),
                        Some(AttemptState::Started { .. }) => {}
                        None => {
                            // Timed out or closed while it waited.
                            self.unqueue_activity(package, scheduled_event_id);
                            continue;
                        }
                    }
                    self.schedule(self.now.plus(self.config.activity_time), Event::ActivityDone { package, scheduled_event_id });
                }
            }
            self.free_workers -= 1;
            self.busy += 1;
        }
        // Counted once the free workers have taken theirs: a task queued and taken at
        // the same instant never waited, and counting it made every run report "1 task
        // waiting at the peak" beside "waited 0 ms at most".
        let backlog = self.backlog.len() as u64;
        self.open.row.backlog_end = backlog;
        self.open.row.backlog_max = self.open.row.backlog_max.max(backlog);
        self.report.totals.backlog_peak = self.report.totals.backlog_peak.max(backlog);
    }

    /// Ends the current interval: its row of the report.
    fn close_interval(&mut self) {
        let seconds = self.now.since(self.open.start).as_secs();
        if seconds == 0 && self.open.row.events == 0 {
            return;
        }
        let cache = self.engine.cache_stats();
        let mut row = std::mem::take(&mut self.open.row);
        row.start_secs = self.open.start.since(EPOCH).as_secs();
        row.seconds = seconds;
        row.timers_live = self.timers_live;
        row.open_workflows = self.open_workflows;
        row.backlog_end = self.backlog.len() as u64;
        row.decision_wait_mean = if self.open.waits == 0 { 0.0 } else { self.open.wait_total / self.open.waits as f64 };
        row.cache_hits = cache.hits - self.last_cache.hits;
        row.cache_misses = cache.misses - self.last_cache.misses;
        row.cache_evictions = cache.evictions - self.last_cache.evictions;
        row.events_replayed = cache.events_replayed - self.last_cache.events_replayed;
        let capacity = u128::from(self.config.workers) * self.now.since(self.open.start).as_nanos();
        row.worker_utilization = if capacity == 0 { 0.0 } else { self.open.busy_nanos as f64 / capacity as f64 };
        // Sorted in place, not copied: the counts are zeroed for the next interval below.
        row.shard_events = ShardSpread::of(&mut self.open.shard_events);
        self.last_cache = cache;
        let t = &mut self.report.totals;
        t.cache_hits = cache.hits;
        t.cache_misses = cache.misses;
        t.cache_evictions = cache.evictions;
        t.events_replayed = cache.events_replayed;
        t.virtual_span = self.last_close.since(EPOCH);
        self.report.intervals.push(row);
        self.open.shard_events.iter_mut().for_each(|v| *v = 0);
        self.open.start = self.now;
        self.open.wait_total = 0.0;
        self.open.waits = 0;
        self.open.busy_nanos = 0;
    }

    fn finish(&mut self) {
        if self.open.row != Interval::default() || self.now > self.open.start {
            self.close_interval();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn small() -> FleetConfig {
        FleetConfig { packages: 300, shards: 16, workers: 8, worker_cache: 50, ..FleetConfig::default() }
    }

    #[test]
    fn every_package_ends_and_the_counts_add_up() {
        let mut fleet = Fleet::new(small()).unwrap();
        assert!(fleet.run(1_000, |_| true));
        let t = &fleet.report().totals;
        assert_eq!(t.started, 300);
        assert_eq!(t.completed + t.failed + t.timed_out, 300);
        assert_eq!(t.timed_out, 0);
        assert!(t.failed > 0 && t.failed < 30, "about 3 % fail: {}", t.failed);
        assert_eq!(fleet.report().shards.iter().map(|s| s.workflows).sum::<u64>(), 300);
        assert_eq!(fleet.report().shards.iter().map(|s| s.events).sum::<u64>(), t.events);
        assert_eq!(fleet.report().intervals.iter().map(|i| i.events).sum::<u64>(), t.events);
        assert!(t.cache_misses > 0 && t.cache_hits > 0);
    }

    #[test]
    fn the_backlog_counts_only_tasks_that_waited_for_a_worker() {
        let run = |workers| {
            let config = FleetConfig { workers, arrival_window: Duration::from_secs(60), ..small() };
            let mut fleet = Fleet::new(config).unwrap();
            assert!(fleet.run(1_000, |_| true));
            let t = fleet.report().totals.clone();
            let rows_max = fleet.report().intervals.iter().map(|i| i.backlog_max).max().unwrap();
            (t.backlog_peak, t.decision_wait_max, rows_max)
        };
        // Workers to spare: no task ever waits, and none is reported waiting.
        let (peak, waited, rows) = run(64);
        assert_eq!((peak, waited, rows), (0, 0.0, 0));
        // Two workers for 300 orders in one minute: tasks queue behind each other.
        let (peak, waited, rows) = run(2);
        assert!(peak > 0 && waited > 0.0 && rows == peak, "peak {peak}, waited {waited} s, rows' max {rows}");
    }

    #[test]
    fn the_same_seed_gives_the_same_fleet() {
        let run = |seed| {
            let mut f = Fleet::new(FleetConfig { seed, ..small() }).unwrap();
            f.run(10_000, |_| true);
            (f.report().clone(), f.package_history(7))
        };
        assert_eq!(run(3), run(3));
        assert_ne!(run(3).0, run(4).0);
    }
}
