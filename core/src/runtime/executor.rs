//! The deterministic single-threaded executor: polls the run's coroutines in the
//! order they were created until none can go on (Go's `ExecuteUntilAllBlocked`).
//!
//! No wakers are needed: the only things that unblock workflow code are history
//! events and other coroutines, and both bump the state's version, so the executor
//! polls again while anything changed.

use std::task::{Context, Poll, Waker};

use super::state::SharedState;
use crate::registry::LocalBoxFuture;

/// More passes than any honest workflow needs between two blocks: a run that keeps
/// changing state without blocking is a bug in the workflow code, reported as such.
const MAX_PASSES: usize = 100_000;

/// Coroutines with the id they keep for life (0 is the workflow function itself).
#[derive(Default)]
pub(crate) struct Executor {
    tasks: Vec<Option<(u32, LocalBoxFuture<()>)>>,
    next_id: u32,
}

impl Executor {
    pub fn spawn(&mut self, f: LocalBoxFuture<()>) {
        self.tasks.push(Some((self.next_id, f)));
        self.next_id += 1;
    }

    /// Runs every coroutine until all are blocked or done.
    pub fn run_until_blocked(&mut self, state: &SharedState) -> Result<(), String> {
        let mut cx = Context::from_waker(Waker::noop());
        for _ in 0..MAX_PASSES {
            let mut progressed = false;
            for slot in &mut self.tasks {
                let Some((id, task)) = slot else { continue };
                let id = *id;
                let before = {
                    // What the coroutine waits on is what its latest poll says.
                    let mut s = state.borrow_mut();
                    s.coroutine = id;
                    s.waits.retain(|w| w.coroutine != id);
                    s.version
                };
                if let Poll::Ready(()) = task.as_mut().poll(&mut cx) {
                    *slot = None;
                    state.borrow_mut().waits.retain(|w| w.coroutine != id);
                    progressed = true;
                }
                if state.borrow().version != before {
                    progressed = true;
                }
            }
            let spawned = std::mem::take(&mut state.borrow_mut().spawned);
            if !spawned.is_empty() {
                for f in spawned {
                    self.spawn(f);
                }
                progressed = true;
            }
            if !progressed {
                self.tasks.retain(Option::is_some);
                return Ok(());
            }
        }
        Err(format!("workflow code did not block after {MAX_PASSES} passes (a loop that never waits?)"))
    }
}
