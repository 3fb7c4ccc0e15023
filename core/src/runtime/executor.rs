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

/// A coroutine: the id it keeps for life (0 is the workflow function itself), its
/// future, and the state version it left behind at its last poll.
struct Coroutine {
    id: u32,
    future: LocalBoxFuture<()>,
    left_at: Option<u64>,
}

#[derive(Default)]
pub(crate) struct Executor {
    tasks: Vec<Option<Coroutine>>,
    next_id: u32,
}

impl Executor {
    pub fn spawn(&mut self, f: LocalBoxFuture<()>) {
        self.tasks.push(Some(Coroutine { id: self.next_id, future: f, left_at: None }));
        self.next_id += 1;
    }

    /// Runs every coroutine until all are blocked or done.
    ///
    /// Every coroutine is polled once; after that, only a coroutine whose state changed
    /// since its last poll is polled again. A coroutine's own changes do not count: it
    /// made them before it blocked, and whatever it polled after them saw them. So a
    /// workflow with one coroutine runs once per decision task, not once more to find
    /// that nothing changed.
    pub fn run_until_blocked(&mut self, state: &SharedState) -> Result<(), String> {
        let mut cx = Context::from_waker(Waker::noop());
        for c in self.tasks.iter_mut().flatten() {
            c.left_at = None;
        }
        for _ in 0..MAX_PASSES {
            let mut polled = false;
            for slot in &mut self.tasks {
                let Some(c) = slot else { continue };
                {
                    let mut s = state.borrow_mut();
                    if c.left_at == Some(s.version) {
                        continue;
                    }
                    // What the coroutine waits on is what its latest poll says.
                    s.coroutine = c.id;
                    let id = c.id;
                    s.waits.retain(|w| w.coroutine != id);
                }
                polled = true;
                if let Poll::Ready(()) = c.future.as_mut().poll(&mut cx) {
                    let id = c.id;
                    *slot = None;
                    state.borrow_mut().waits.retain(|w| w.coroutine != id);
                    continue;
                }
                c.left_at = Some(state.borrow().version);
            }
            // Most workflows never spawn: look before taking the list out.
            let spawned_any = !state.borrow().spawned.is_empty();
            if spawned_any {
                let spawned = std::mem::take(&mut state.borrow_mut().spawned);
                for f in spawned {
                    self.spawn(f);
                }
            }
            if !polled && !spawned_any {
                self.tasks.retain(Option::is_some);
                return Ok(());
            }
        }
        Err(format!("workflow code did not block after {MAX_PASSES} passes (a loop that never waits?)"))
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use crate::decision::Decision;
    use crate::payload::Payload;
    use crate::registry::WorkflowDefinition;
    use crate::runtime::WorkflowRuntime;
    use crate::runtime::test_history::{first_decision_task, workflow};

    /// A workflow whose second coroutine (Go's `workflow.Go`) cancels the timer the
    /// first one waits on: the first must run again in the same decision task and
    /// finish, because another coroutine changed what it waits on.
    fn cancel_from_another_coroutine() -> WorkflowDefinition {
        workflow("CancelFromCoroutine", |ctx| async move {
            let scope = ctx.cancellation_scope();
            let timer = scope.new_timer(Duration::from_secs(60));
            let canceller = scope.clone();
            ctx.spawn(async move { canceller.cancel() });
            let outcome = if timer.await.is_err() { "canceled" } else { "fired" };
            Ok(Payload::encode(outcome))
        })
    }

    #[test]
    fn a_coroutine_blocked_on_what_another_changes_runs_again_in_the_same_task() {
        let (_, decisions) =
            WorkflowRuntime::replay(&cancel_from_another_coroutine(), "w", "d", &first_decision_task("CancelFromCoroutine", None)).unwrap();
        let decisions = decisions.unwrap();
        // The timer was made and canceled in one task: the server never hears of it.
        let [Decision::CompleteWorkflowExecution(done)] = decisions.as_slice() else { panic!("{decisions:?}") };
        assert_eq!(done.result.as_ref().unwrap().to_text(), "\"canceled\"\n");
    }
}
