//! The decider: one thread that owns every workflow runtime (they are single-threaded
//! by design) and the sticky cache. Pollers hand it a decision or query task's events
//! and get back decisions or an answer; they do all the HTTP.

use std::sync::mpsc::{Receiver, Sender, channel};

use postflow_core::decision::Decision;
use postflow_core::history::HistoryEvent;
use postflow_core::log::LogLine;
use postflow_core::payload::Payload;
use postflow_core::registry::Registry;
use postflow_core::runtime::{QueryError, WorkflowRuntime};

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
        /// What the code logged in this task: new lines only, as replay logs nothing.
        logs: Vec<LogLine>,
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
        Err(e) => return Decided::Failed(e.to_string()),
    };
    let query_answers = job.queries.iter().map(|(id, ty)| (id.clone(), runtime.query(ty).map_err(|e| e.to_string()))).collect();
    let logs = runtime.take_logs();
    // A closed run has nothing left to decide; the others wait for their next task.
    if !decisions.iter().any(Decision::is_close) {
        let started_event_id = job.events.last().map_or(0, |e| e.event_id);
        cache.put(&job.run_id, CachedRun { runtime, workflow_id: job.workflow_id, started_event_id });
    }
    Decided::Decisions { decisions, query_answers, cache_hit, logs }
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

#[cfg(test)]
mod tests {
    use super::*;
    use postflow_core::history::json::history_from_json;
    use postflow_core::postal::Chapter;

    /// A real Go worker's history of the complete workflow (sticky, from a v1.4.1 server).
    fn happy_path() -> Vec<HistoryEvent> {
        let path = format!("{}/../core/tests/fixtures/real/happy-path.json", env!("CARGO_MANIFEST_DIR"));
        history_from_json(&std::fs::read_to_string(path).unwrap()).unwrap()
    }

    fn job(run_id: &str, previous: i64, events: &[HistoryEvent]) -> DecisionJob {
        DecisionJob {
            workflow_id: "Order123".into(),
            run_id: run_id.into(),
            workflow_type: "OrderProcessingWorkflowComplete".into(),
            previous_started_event_id: previous,
            events: events.to_vec(),
            queries: vec![("q1".into(), "current_status".into())],
        }
    }

    fn decisions(d: Decided) -> (Vec<Decision>, bool) {
        match d {
            Decided::Decisions { decisions, cache_hit, .. } => (decisions, cache_hit),
            Decided::NeedFullHistory => panic!("asked for the full history"),
            Decided::Failed(m) => panic!("failed: {m}"),
        }
    }

    #[test]
    fn a_cached_run_takes_only_the_new_events_and_decides_as_a_full_replay_does() {
        let h = happy_path();
        let d = Decider::start(crate::registry::for_chapter(Chapter::Activities, std::time::Duration::from_secs(60)), "d".into(), 10);
        // The first task (events 1-3): a full history.
        let (first, hit) = decisions(d.decide(job("r", 0, &h[..3])));
        assert!(!hit);
        assert_eq!(first.len(), 1, "{first:?}");
        // Each later task as a sticky one: only the events after the last started one.
        let mut previous = 3;
        for started in
            h.iter().filter(|e| e.event_type() == postflow_core::history::EventType::DecisionTaskStarted).map(|e| e.event_id).skip(1)
        {
            let (sticky, hit) = decisions(d.decide(job("r", previous, &h[previous as usize..started as usize])));
            assert!(hit, "task at {started} did not continue the cached run");
            // The same decisions as a worker without a cache replaying everything.
            let (full, _) = decisions(d.decide(job("other", 0, &h[..started as usize])));
            assert_eq!(sticky, full, "at event {started}");
            previous = started;
        }
        let s = d.stats();
        assert!(s.hits >= 6, "{s:?}");
    }

    #[test]
    fn a_sticky_task_that_does_not_continue_the_cached_run_asks_for_the_full_history() {
        let h = happy_path();
        let d = Decider::start(crate::registry::for_chapter(Chapter::Activities, std::time::Duration::from_secs(60)), "d".into(), 10);
        decisions(d.decide(job("r", 0, &h[..3])));
        // Another worker answered the task at 9: the next task starts after 15, not after 3.
        assert!(matches!(d.decide(job("r", 9, &h[9..15])), Decided::NeedFullHistory));
        // Never seen at all.
        assert!(matches!(d.decide(job("unknown", 3, &h[3..9])), Decided::NeedFullHistory));
        // Forgotten (its answer did not reach the server).
        decisions(d.decide(job("f", 0, &h[..3])));
        d.forget("f");
        assert!(matches!(d.decide(job("f", 3, &h[3..9])), Decided::NeedFullHistory));
        // A sticky query for a cached run is answered from it, without history.
        decisions(d.decide(job("q", 0, &h[..3])));
        let answer = |run_id: &str| {
            d.query(QueryJob {
                workflow_id: "Order123".into(),
                run_id: run_id.into(),
                workflow_type: "OrderProcessingWorkflowComplete".into(),
                events: vec![],
                query_type: "current_status".into(),
            })
        };
        match answer("q") {
            Answered::Answer(Ok(p)) => assert_eq!(p.to_text(), "{\"delivered\":false,\"locationHistory\":[\"Aarhus\"]}\n"),
            _ => panic!("no answer from the cached run"),
        }
        assert!(matches!(answer("never"), Answered::NeedFullHistory));
        // Stopping hands every cached run back; the stale ones ("r") were dropped.
        assert_eq!(d.drain(), [("Order123".to_owned(), "q".to_owned())]);
        assert_eq!(d.stats().cached, 0);
    }

    #[test]
    fn an_unknown_workflow_type_fails_with_the_types_served() {
        let d = Decider::start(crate::registry::for_chapter(Chapter::Activities, std::time::Duration::from_secs(60)), "d".into(), 10);
        let mut j = job("r", 0, &happy_path()[..3]);
        j.workflow_type = "Nope".into();
        match d.decide(j) {
            Decided::Failed(m) => assert!(
                m.contains("unable to find workflow type: Nope")
                    && m.contains("HelloWorld, OrderProcessingWorkflow, OrderProcessingWorkflowComplete"),
                "{m}"
            ),
            _ => panic!("an unknown type was decided"),
        }
    }
}
