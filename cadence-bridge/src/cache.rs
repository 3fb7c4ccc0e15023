//! The sticky cache: running workflows kept between decision tasks, as the Go
//! client's workflow cache keeps them, bounded and evicting the least recently used.
//!
//! A cached run is fed only the events after the decision task it last answered; a
//! task that does not continue it (another worker answered in between, a task timed
//! out, the entry was evicted) is replayed from the full history instead.

use std::collections::{BTreeMap, HashMap};

use postflow_core::runtime::WorkflowRuntime;

/// One cached run: its runtime and the `DecisionTaskStarted` it last ran code for.
pub struct CachedRun {
    pub runtime: WorkflowRuntime,
    pub workflow_id: String,
    pub started_event_id: i64,
}

/// Runs by run ID, at most `capacity` of them.
pub struct RunCache {
    capacity: usize,
    runs: HashMap<String, (CachedRun, u64)>,
    /// Last use -> run ID, oldest first.
    order: BTreeMap<u64, String>,
    tick: u64,
    pub evictions: u64,
}

impl RunCache {
    pub fn new(capacity: usize) -> RunCache {
        RunCache { capacity, runs: HashMap::new(), order: BTreeMap::new(), tick: 0, evictions: 0 }
    }

    pub fn len(&self) -> usize {
        self.runs.len()
    }

    pub fn is_empty(&self) -> bool {
        self.runs.is_empty()
    }

    /// Takes a run out (it goes back with [`put`](Self::put) once its task is answered).
    pub fn take(&mut self, run_id: &str) -> Option<CachedRun> {
        let (run, used) = self.runs.remove(run_id)?;
        self.order.remove(&used);
        Some(run)
    }

    pub fn get(&mut self, run_id: &str) -> Option<&CachedRun> {
        self.tick += 1;
        let (_, used) = self.runs.get_mut(run_id)?;
        self.order.remove(used);
        *used = self.tick;
        self.order.insert(self.tick, run_id.to_owned());
        self.runs.get(run_id).map(|(r, _)| r)
    }

    /// Keeps a run as the most recently used; evicts the least recently used one when
    /// full. Returns the evicted run's (workflow ID, run ID).
    pub fn put(&mut self, run_id: &str, run: CachedRun) -> Option<(String, String)> {
        if self.capacity == 0 {
            return None;
        }
        self.take(run_id);
        let mut evicted = None;
        if self.runs.len() >= self.capacity
            && let Some((_, oldest)) = self.order.pop_first()
            && let Some((r, _)) = self.runs.remove(&oldest)
        {
            self.evictions += 1;
            evicted = Some((r.workflow_id, oldest));
        }
        self.tick += 1;
        self.order.insert(self.tick, run_id.to_owned());
        self.runs.insert(run_id.to_owned(), (run, self.tick));
        evicted
    }

    /// Empties the cache; returns the (workflow ID, run ID) of every run it held.
    pub fn drain(&mut self) -> Vec<(String, String)> {
        self.order.clear();
        self.runs.drain().map(|(run_id, (r, _))| (r.workflow_id, run_id)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(id: &str) -> CachedRun {
        let def = postflow_core::postal::registry(Default::default()).workflow("OrderProcessingWorkflowComplete").cloned().unwrap();
        CachedRun { runtime: WorkflowRuntime::new(&def, id, "d"), workflow_id: id.into(), started_event_id: 3 }
    }

    #[test]
    fn the_least_recently_used_run_goes_first() {
        let mut c = RunCache::new(2);
        assert_eq!(c.put("a", run("A")), None);
        assert_eq!(c.put("b", run("B")), None);
        c.get("a"); // a is now newer than b
        assert_eq!(c.put("c", run("C")), Some(("B".into(), "b".into())));
        assert!(c.get("b").is_none() && c.get("a").is_some() && c.get("c").is_some());
        assert_eq!(c.len(), 2);
        assert_eq!(c.evictions, 1);
        let r = c.take("a").unwrap();
        assert_eq!(r.started_event_id, 3);
        assert_eq!(c.len(), 1);
        let mut left = c.drain();
        left.sort();
        assert_eq!(left, [("C".to_owned(), "c".to_owned())]);
        assert!(c.is_empty());
    }

    #[test]
    fn a_cache_of_size_zero_keeps_nothing() {
        let mut c = RunCache::new(0);
        c.put("a", run("A"));
        assert!(c.take("a").is_none());
    }
}
