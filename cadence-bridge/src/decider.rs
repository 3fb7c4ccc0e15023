//! The decider: one thread that owns every workflow runtime (they are single-threaded
//! by design) and the sticky cache. Pollers hand it a decision or query task's events
//! and get back decisions or an answer; they do all the HTTP.

use std::sync::mpsc::{Receiver, Sender, channel};

use postflow_core::decision::Decision;
use postflow_core::history::HistoryEvent;
use postflow_core::payload::Payload;
use postflow_core::registry::Registry;
use postflow_core::runtime::{QueryError, RuntimeError, WorkflowRuntime};

use crate::cache::{CachedRun, RunCache};

/// A decision task's part the decider needs.
pub struct DecisionJob {
    pub workflow_id: String,
    pub run_id: String,
    pub workflow_type: String,
    /// The task's `previousStartedEventId`: the last decision task that completed.
    pub previous_started_event_id: i64,
    /// The task's events: the whole history (first event 1), or only the events after
    /// `previous_started_event_id` (a sticky task).
    pub events: Vec<HistoryEvent>,
    /// Queries the server attached (ID, query type), answered after the decisions.
    pub queries: Vec<(String, String)>,
}

pub enum Decided {
    Decisions {
        decisions: Vec<Decision>,
        query_answers: Vec<(String, Result<Payload, String>)>,
        /// The run continued from the cache (only the new events were applied).
        cache_hit: bool,
    },
    /// Partial history and no cached run to continue: send the full history.
    NeedFullHistory,
    /// The code cannot answer this task (nondeterminism, a failing workflow, an unreadable history).
    Failed(String),
}

pub struct QueryJob {
    pub workflow_id: String,
    pub run_id: String,
    pub workflow_type: String,
    /// Full history, or empty (a query on the sticky task list: answer from the cache).
    pub events: Vec<HistoryEvent>,
    pub query_type: String,
}

pub enum Answered {
    Answer(Result<Payload, String>),
    NeedFullHistory,
}

enum Job {
    Decide(DecisionJob, Sender<Decided>),
    Query(QueryJob, Sender<Answered>),
    /// The decisions of this run's last task did not reach the server: drop its state.
    Forget(String),
    /// Empty the cache; answer with the runs it held (workflow ID, run ID).
    Drain(Sender<Vec<(String, String)>>),
    Stats(Sender<CacheStats>),
}

#[derive(Clone, Copy, Debug, Default)]
pub struct CacheStats {
    pub cached: usize,
    pub hits: u64,
    pub misses: u64,
    pub evictions: u64,
}

/// The pollers' handle on the decider thread.
#[derive(Clone)]
pub struct Decider {
    jobs: Sender<Job>,
}

impl Decider {
    /// Starts the thread; `cache_size` 0 keeps no run between tasks.
    pub fn start(registry: Registry, domain: String, cache_size: usize) -> Decider {
        let (jobs, rx) = channel();
        std::thread::Builder::new()
            .name("decider".into())
            .spawn(move || serve(rx, &registry, &domain, RunCache::new(cache_size)))
            .expect("spawn the decider thread");
        Decider { jobs }
    }

    pub fn decide(&self, job: DecisionJob) -> Decided {
        let (tx, rx) = channel();
        if self.jobs.send(Job::Decide(job, tx)).is_err() {
            return Decided::Failed("the worker's decider thread has stopped".into());
        }
        rx.recv().unwrap_or_else(|_| Decided::Failed("the worker's decider thread stopped while deciding".into()))
    }

    pub fn query(&self, job: QueryJob) -> Answered {
        let (tx, rx) = channel();
        if self.jobs.send(Job::Query(job, tx)).is_err() {
            return Answered::Answer(Err("the worker's decider thread has stopped".into()));
        }
        rx.recv().unwrap_or_else(|_| Answered::Answer(Err("the worker's decider thread stopped while answering".into())))
    }

    pub fn forget(&self, run_id: &str) {
        let _ = self.jobs.send(Job::Forget(run_id.to_owned()));
    }

    pub fn drain(&self) -> Vec<(String, String)> {
        let (tx, rx) = channel();
        if self.jobs.send(Job::Drain(tx)).is_err() {
            return vec![];
        }
        rx.recv().unwrap_or_default()
    }

    pub fn stats(&self) -> CacheStats {
        let (tx, rx) = channel();
        if self.jobs.send(Job::Stats(tx)).is_err() {
            return CacheStats::default();
        }
        rx.recv().unwrap_or_default()
    }
}

fn serve(rx: Receiver<Job>, registry: &Registry, domain: &str, mut cache: RunCache) {
    let (mut hits, mut misses) = (0u64, 0u64);
    for job in rx {
        match job {
            Job::Decide(job, reply) => {
                // Workflow code is ours, but a panic in it must not end the thread
                // every poller depends on: it fails this task instead.
                let decided = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| decide(registry, domain, &mut cache, job)))
                    .unwrap_or_else(|_| Decided::Failed("the workflow code panicked".into()));
                match &decided {
                    Decided::Decisions { cache_hit: true, .. } => hits += 1,
                    Decided::Decisions { .. } | Decided::NeedFullHistory => misses += 1,
                    Decided::Failed(_) => {}
                }
                let _ = reply.send(decided);
            }
            Job::Query(job, reply) => {
                let answered = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| query(registry, domain, &mut cache, job)))
                    .unwrap_or_else(|_| Answered::Answer(Err("the workflow code panicked while answering".into())));
                let _ = reply.send(answered);
            }
            Job::Forget(run_id) => {
                cache.take(&run_id);
            }
            Job::Drain(reply) => {
                let _ = reply.send(cache.drain());
            }
            Job::Stats(reply) => {
                let _ = reply.send(CacheStats { cached: cache.len(), hits, misses, evictions: cache.evictions });
            }
        }
    }
}

fn decide(registry: &Registry, domain: &str, cache: &mut RunCache, job: DecisionJob) -> Decided {
    let Some(def) = registry.workflow(&job.workflow_type) else {
        return Decided::Failed(unknown_type(registry, &job.workflow_type));
    };
    let full = job.events.first().is_some_and(|e| e.event_id == 1);
    let cached = cache.take(&job.run_id);
    let (mut runtime, cache_hit) = match cached {
        _ if full => (WorkflowRuntime::new(def, &job.workflow_id, domain), false),
        // A sticky task continues the run only right after the task it last answered.
        Some(c)
            if c.started_event_id == job.previous_started_event_id
                && job.events.first().is_some_and(|e| e.event_id == c.started_event_id + 1) =>
        {
            (c.runtime, true)
        }
        _ => return Decided::NeedFullHistory,
    };
    let decisions = match runtime.process(&job.events, true) {
        Ok(Some(d)) => d,
        Ok(None) => return Decided::Failed("the task's history does not end with DecisionTaskStarted".into()),
        Err(e) => return Decided::Failed(runtime_error(&e)),
    };
    let query_answers = job.queries.iter().map(|(id, ty)| (id.clone(), runtime.query(ty).map_err(|e| e.to_string()))).collect();
    // A closed run has nothing left to decide; the others wait for their next task.
    if !decisions.iter().any(Decision::is_close) {
        let started_event_id = job.events.last().map_or(0, |e| e.event_id);
        cache.put(&job.run_id, CachedRun { runtime, workflow_id: job.workflow_id, started_event_id });
    }
    Decided::Decisions { decisions, query_answers, cache_hit }
}

fn query(registry: &Registry, domain: &str, cache: &mut RunCache, job: QueryJob) -> Answered {
    let Some(def) = registry.workflow(&job.workflow_type) else {
        return Answered::Answer(Err(unknown_type(registry, &job.workflow_type)));
    };
    if job.events.first().is_some_and(|e| e.event_id == 1) {
        let answer = WorkflowRuntime::replay_for_query(def, &job.workflow_id, domain, &job.events).and_then(|rt| rt.query(&job.query_type));
        return Answered::Answer(answer.map_err(|e: QueryError| e.to_string()));
    }
    match cache.get(&job.run_id) {
        Some(c) => Answered::Answer(c.runtime.query(&job.query_type).map_err(|e| e.to_string())),
        None => Answered::NeedFullHistory,
    }
}

fn unknown_type(registry: &Registry, name: &str) -> String {
    format!("unable to find workflow type: {name}. Supported types: [{}]", registry.workflow_names().join(", "))
}

fn runtime_error(e: &RuntimeError) -> String {
    e.to_string()
}
