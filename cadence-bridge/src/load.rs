//! A load driver: full order lifecycles (start, N scans, delivered) through a real
//! server, served by a separately running `bridge worker`. Not a test: it measures.
//!
//! Latency is read from the histories the server wrote (DecisionTaskScheduled to
//! DecisionTaskCompleted event times), so it includes matching's dispatch, the HTTP
//! round trips and our replay, as a user of the server would see it.

use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use postflow_core::history::{EventAttributes, EventType, HistoryEvent};

use crate::client::{Client, StartOptions};
use crate::error::BridgeError;

pub struct LoadReport {
    pub lifecycles: usize,
    pub failures: Vec<String>,
    pub elapsed: Duration,
    /// Server-side decision-task latencies, scheduled to completed.
    pub decision_latencies: Vec<Duration>,
}

impl LoadReport {
    pub fn percentile(&self, q: f64) -> Duration {
        let mut l = self.decision_latencies.clone();
        if l.is_empty() {
            return Duration::ZERO;
        }
        l.sort();
        l[((l.len() as f64 * q).ceil() as usize).clamp(1, l.len()) - 1]
    }
}

/// Runs `n` lifecycles of `scans` scans each, `concurrency` at a time; workflow IDs
/// start with `prefix`.
pub fn run(client: &Client, domain: &str, n: usize, concurrency: usize, scans: usize, prefix: &str) -> LoadReport {
    let next = AtomicUsize::new(0);
    let failures = Mutex::new(Vec::new());
    let latencies = Mutex::new(Vec::new());
    let done = AtomicUsize::new(0);
    let t0 = Instant::now();
    std::thread::scope(|scope| {
        for _ in 0..concurrency.max(1) {
            scope.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::SeqCst);
                    if i >= n {
                        break;
                    }
                    let id = format!("{prefix}-{i}");
                    match lifecycle(client, domain, &id, scans) {
                        Ok(h) => {
                            done.fetch_add(1, Ordering::SeqCst);
                            latencies.lock().unwrap_or_else(|p| p.into_inner()).extend(decision_latencies(&h));
                        }
                        Err(e) => failures.lock().unwrap_or_else(|p| p.into_inner()).push(format!("{id}: {e}")),
                    }
                }
            });
        }
    });
    LoadReport {
        lifecycles: done.load(Ordering::SeqCst),
        failures: failures.into_inner().unwrap_or_default(),
        elapsed: t0.elapsed(),
        decision_latencies: latencies.into_inner().unwrap_or_default(),
    }
}

const PLACES: [&str; 5] = ["Delft", "Utrecht", "Amsterdam", "Rotterdam", "Leiden"];

fn lifecycle(c: &Client, domain: &str, id: &str, scans: usize) -> Result<Vec<HistoryEvent>, BridgeError> {
    let input = format!(r#"{{"id":"{id}","customer":"Cadence","amount":20,"address":"Uber office","sendFrom":"Aarhus"}}"#);
    c.start_workflow(&StartOptions {
        domain: domain.into(),
        workflow_id: id.into(),
        workflow_type: "OrderProcessingWorkflowComplete".into(),
        task_list: postflow_core::postal::TASK_LIST.into(),
        input: Some(input),
        execution_timeout: Duration::from_secs(600),
        task_timeout: Duration::from_secs(10),
        id_reuse_policy: Some("AllowDuplicate".into()),
    })?;
    wait(c, domain, id, |h| h.iter().any(|e| e.event_type() == EventType::TimerStarted))?;
    for (k, place) in PLACES.iter().cycle().take(scans).enumerate() {
        c.signal(domain, id, "", "ScanSignal", Some(&format!(r#"{{"location":"{place}"}}"#)))?;
        // The scan is handled once a decision completed after the (k+1)-th signal.
        wait(c, domain, id, |h| {
            let signals: Vec<usize> =
                h.iter().enumerate().filter(|(_, e)| e.event_type() == EventType::WorkflowExecutionSignaled).map(|(i, _)| i).collect();
            signals.get(k).is_some_and(|&at| h[at..].iter().any(|e| e.event_type() == EventType::DecisionTaskCompleted))
                && !h.iter().rev().take(1).any(|e| e.event_type() == EventType::ActivityTaskScheduled)
        })?;
    }
    c.signal(domain, id, "", "DeliveredSignal", None)?;
    wait(c, domain, id, |h| h.last().is_some_and(|e| e.event_type().is_workflow_close()))
}

/// Polls the history (bounded, 60 s) until `done` holds.
fn wait(c: &Client, domain: &str, id: &str, done: impl Fn(&[HistoryEvent]) -> bool) -> Result<Vec<HistoryEvent>, BridgeError> {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let h = c.history(domain, id, "")?;
        if done(&h) {
            return Ok(h);
        }
        if Instant::now() >= deadline {
            return Err(BridgeError::Invalid(format!("stuck at {} events", h.len())));
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Scheduled-to-completed time of every completed decision task in a history.
pub fn decision_latencies(h: &[HistoryEvent]) -> Vec<Duration> {
    h.iter()
        .filter_map(|e| match &e.attributes {
            EventAttributes::DecisionTaskCompleted(a) => {
                let scheduled = h.get(usize::try_from(a.scheduled_event_id).ok()?.checked_sub(1)?)?;
                Some(e.event_time.since(scheduled.event_time))
            }
            _ => None,
        })
        .collect()
}
