//! The decider: one thread that owns every workflow runtime (they are single-threaded
//! by design) and the sticky cache. Pollers hand it a decision or query task's events
//! and get back decisions or an answer; they do all the HTTP.

use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender, channel};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

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

/// How long workflow code may run without yielding before the worker calls it a
/// potential deadlock, as the Go client's deadlock detector does (one second).
pub const DEADLOCK_AFTER: Duration = Duration::from_secs(1);

/// The workflow whose code the decider thread is running, and since when.
type Busy = Arc<Mutex<Option<(String, Instant)>>>;

/// The pollers' handle on the decider thread.
#[derive(Clone)]
pub struct Decider {
    jobs: Sender<Job>,
    busy: Busy,
}

impl Decider {
    /// Starts the thread; `cache_size` 0 keeps no run between tasks.
    pub fn start(registry: Registry, domain: String, cache_size: usize) -> Decider {
        let (jobs, rx) = channel();
        let busy = Busy::default();
        let running = busy.clone();
        std::thread::Builder::new()
            .name("decider".into())
            .spawn(move || serve(rx, &registry, &domain, RunCache::new(cache_size), &running))
            .expect("spawn the decider thread");
        Decider { jobs, busy }
    }

    /// The workflow whose code has held the decider thread for over
    /// [`DEADLOCK_AFTER`], if one has.
    pub fn blocked_by(&self) -> Option<String> {
        let busy = self.busy.lock().unwrap_or_else(|p| p.into_inner());
        busy.as_ref().filter(|(_, since)| since.elapsed() > DEADLOCK_AFTER).map(|(what, _)| what.clone())
    }

    /// Waits for the decider's reply; `None`, with why, once workflow code has held
    /// the thread for over [`DEADLOCK_AFTER`]. A thread cannot be stopped from outside,
    /// so that code runs on, but the pollers do not wait for it: the task is failed
    /// with the reason, and so is every task after it until the code yields.
    fn reply<T>(&self, rx: &Receiver<T>, this: &str) -> Result<T, String> {
        loop {
            match rx.recv_timeout(DEADLOCK_AFTER / 4) {
                Ok(r) => return Ok(r),
                Err(RecvTimeoutError::Disconnected) => return Err("the worker's decider thread has stopped".into()),
                Err(RecvTimeoutError::Timeout) => {
                    if let Some(blocker) = self.blocked_by() {
                        return Err(blocked_message(&blocker, this));
                    }
                }
            }
        }
    }

    pub fn decide(&self, job: DecisionJob) -> Decided {
        let this = workflow_name(&job.workflow_id, &job.workflow_type);
        if let Some(blocker) = self.blocked_by() {
            return Decided::Failed(blocked_message(&blocker, &this));
        }
        let (tx, rx) = channel();
        if self.jobs.send(Job::Decide(job, tx)).is_err() {
            return Decided::Failed("the worker's decider thread has stopped".into());
        }
        self.reply(&rx, &this).unwrap_or_else(Decided::Failed)
    }

    pub fn query(&self, job: QueryJob) -> Answered {
        let this = workflow_name(&job.workflow_id, &job.workflow_type);
        if let Some(blocker) = self.blocked_by() {
            return Answered::Answer(Err(blocked_message(&blocker, &this)));
        }
        let (tx, rx) = channel();
        if self.jobs.send(Job::Query(job, tx)).is_err() {
            return Answered::Answer(Err("the worker's decider thread has stopped".into()));
        }
        self.reply(&rx, &this).unwrap_or_else(|e| Answered::Answer(Err(e)))
    }

    pub fn forget(&self, run_id: &str) {
        let _ = self.jobs.send(Job::Forget(run_id.to_owned()));
    }

    /// Empties the cache; nothing when workflow code holds the thread (a stopping
    /// worker must not wait for it).
    pub fn drain(&self) -> Vec<(String, String)> {
        let (tx, rx) = channel();
        if self.blocked_by().is_some() || self.jobs.send(Job::Drain(tx)).is_err() {
            return vec![];
        }
        self.reply(&rx, "").unwrap_or_default()
    }

    pub fn stats(&self) -> CacheStats {
        let (tx, rx) = channel();
        if self.blocked_by().is_some() || self.jobs.send(Job::Stats(tx)).is_err() {
            return CacheStats::default();
        }
        self.reply(&rx, "").unwrap_or_default()
    }
}

fn workflow_name(workflow_id: &str, workflow_type: &str) -> String {
    format!("workflow {workflow_id} ({workflow_type})")
}

/// Why a task cannot run while `blocker`'s code holds the decider thread.
fn blocked_message(blocker: &str, this: &str) -> String {
    let what = "potential deadlock detected: the code of";
    let rules = "Workflow code must never block the worker's thread: no std::thread::sleep, no waiting on the wall clock, no \
                 loop that never awaits; wait with a timer, a selector or an activity";
    let then = "This worker runs every workflow's code on one thread, so none moves on until it yields: fix the code, then \
                restart the worker (the workflows go on from their histories)";
    if blocker == this {
        format!("{what} {this} did not yield for over {} s. {rules}. {then}", DEADLOCK_AFTER.as_secs())
    } else {
        format!("this task cannot run: {what} {blocker} has not yielded for over {} s. {then}", DEADLOCK_AFTER.as_secs())
    }
}

fn serve(rx: Receiver<Job>, registry: &Registry, domain: &str, mut cache: RunCache, busy: &Busy) {
    let (mut hits, mut misses) = (0u64, 0u64);
    let running = |what: Option<String>| *busy.lock().unwrap_or_else(|p| p.into_inner()) = what.map(|w| (w, Instant::now()));
    for job in rx {
        match job {
            Job::Decide(job, reply) => {
                let run_id = job.run_id.clone();
                running(Some(workflow_name(&job.workflow_id, &job.workflow_type)));
                // Workflow code is ours, but a panic in it must not end the thread
                // every poller depends on: it fails this task instead.
                let decided = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| decide(registry, domain, &mut cache, job)))
                    .unwrap_or_else(|p| {
                        Decided::Failed(format!("the workflow code panicked: {}", postflow_core::sdk::panic_message(p.as_ref())))
                    });
                running(None);
                match &decided {
                    Decided::Decisions { cache_hit: true, .. } => hits += 1,
                    Decided::Decisions { .. } | Decided::NeedFullHistory => misses += 1,
                    Decided::Failed(_) => {}
                }
                if reply.send(decided).is_err() {
                    // Nobody waits for these decisions any more (the task was failed as
                    // a potential deadlock): the cached run is ahead of the history.
                    cache.take(&run_id);
                }
            }
            Job::Query(job, reply) => {
                running(Some(workflow_name(&job.workflow_id, &job.workflow_type)));
                let answered = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| query(registry, domain, &mut cache, job)))
                    .unwrap_or_else(|p| {
                        Answered::Answer(Err(format!(
                            "the workflow code panicked while answering: {}",
                            postflow_core::sdk::panic_message(p.as_ref())
                        )))
                    });
                running(None);
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

    /// A decider that serves, beside the workshop's workflows, one of type `name` whose
    /// code is `run`, and the first decision task of a workflow of that type, `workflow_id`.
    fn serving(name: &str, workflow_id: &str, run: postflow_core::registry::WorkflowFn) -> (Decider, DecisionJob) {
        let mut registry = crate::registry::for_chapter(Chapter::Activities, Duration::from_secs(60));
        registry.register_workflow(postflow_core::registry::WorkflowDefinition {
            name: name.into(),
            run,
            validate_input: |_| Ok(()),
            signals: vec![],
            queries: vec![],
        });
        let mut first = job(workflow_id, 0, &happy_path()[..3]);
        if let postflow_core::history::EventAttributes::WorkflowExecutionStarted(a) = &mut first.events[0].attributes {
            a.workflow_type.name = name.into();
        }
        first.workflow_id = workflow_id.into();
        first.workflow_type = name.into();
        (Decider::start(registry, "d".into(), 10), first)
    }

    #[test]
    fn workflow_code_that_blocks_the_thread_is_named_and_the_worker_goes_on_once_it_yields() {
        use std::sync::Condvar;
        // A workflow whose code blocks the thread (as std::thread::sleep or a loop that
        // never awaits does) until the test opens the gate.
        let gate = Arc::new((Mutex::new(false), Condvar::new()));
        let g = gate.clone();
        let (d, blocking) = serving(
            "Blocking",
            "Stuck1",
            Arc::new(move |_ctx, _input| {
                let g = g.clone();
                Box::pin(async move {
                    let (open, opened) = &*g;
                    let mut o = open.lock().unwrap();
                    while !*o {
                        o = opened.wait(o).unwrap();
                    }
                    Ok(Payload::from("done"))
                })
            }),
        );
        let h = happy_path();
        match d.decide(blocking) {
            Decided::Failed(m) => {
                assert!(
                    m.starts_with("potential deadlock detected: the code of workflow Stuck1 (Blocking) did not yield for over 1 s"),
                    "{m}"
                );
                assert!(m.contains("no std::thread::sleep") && m.contains("fix the code, then restart the worker"), "{m}");
            }
            _ => panic!("a blocked decision task was not failed"),
        }
        // Meanwhile another workflow's task and a query are failed at once, naming the
        // code that holds the thread, and a stopping worker is not held up.
        match d.decide(job("r", 0, &h[..3])) {
            Decided::Failed(m) => assert!(m.starts_with("this task cannot run: ") && m.contains("workflow Stuck1 (Blocking)"), "{m}"),
            _ => panic!("a task ran on a blocked thread"),
        }
        let q = QueryJob {
            workflow_id: "Order123".into(),
            run_id: "r".into(),
            workflow_type: "OrderProcessingWorkflowComplete".into(),
            events: h[..3].to_vec(),
            query_type: "current_status".into(),
        };
        assert!(matches!(d.query(q), Answered::Answer(Err(m)) if m.contains("Stuck1")));
        assert!(d.drain().is_empty());
        // Once the code yields, the worker goes on.
        *gate.0.lock().unwrap() = true;
        gate.1.notify_all();
        let deadline = Instant::now() + Duration::from_secs(30);
        while d.blocked_by().is_some() {
            assert!(Instant::now() < deadline, "the decider did not go on after the code yielded");
            std::thread::sleep(Duration::from_millis(10));
        }
        let (first, _) = decisions(d.decide(job("r", 0, &h[..3])));
        assert_eq!(first.len(), 1, "{first:?}");
        // The blocked run's decisions never reached the server: it is not cached.
        assert_eq!(d.drain(), [("Order123".to_owned(), "r".to_owned())]);
    }

    #[test]
    fn a_panic_in_workflow_code_fails_the_task_with_its_message_and_the_worker_goes_on() {
        let (d, panicking) =
            serving("Panicking", "p", Arc::new(|_ctx, _input| Box::pin(async { panic!("order {} has no address", "Order123") })));
        let h = happy_path();
        match d.decide(panicking) {
            Decided::Failed(m) => assert_eq!(m, "the workflow code panicked: order Order123 has no address"),
            _ => panic!("a panicking task was decided"),
        }
        let (first, _) = decisions(d.decide(job("r", 0, &h[..3])));
        assert_eq!(first.len(), 1, "{first:?}");
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
