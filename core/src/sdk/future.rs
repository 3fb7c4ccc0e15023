//! Activity and timer futures, and the cancellation scope that cancels timers.
//!
//! Each future reads a slot that the runtime fills when history shows the result.
//! Creating one registers a command machine, so the next decision task sends its
//! decision.

use std::cell::{Cell, RefCell};
use std::future::Future;
use std::marker::PhantomData;
use std::panic::Location;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};
use std::time::Duration;

use serde::de::DeserializeOwned;

use super::wait::WaitOn;
use super::{ActivityError, ActivityOptions, Canceled, WorkflowContext};
use crate::decision::{Decision, ScheduleActivityTaskDecisionAttributes};
use crate::history::{ActivityType, Header, TaskList};
use crate::payload::Payload;
use crate::runtime::machines::{Command, CommandId, CommandKey};
use crate::runtime::state::{ActivitySlot, CommandKind, SharedState, TimerSlot};
use crate::text::Str;

/// A future the selector can wait on: it knows when it became ready.
pub(crate) trait Selectable {
    type Output;
    fn ready_seq(&self) -> Option<u64>;
    fn output(&self) -> Option<Self::Output>;
    /// What a selector case on this future waits for (`None`: nothing the server holds).
    fn wait_on(&self) -> Option<WaitOn>;
}

/// The result of an activity (Go's `workflow.Future` from `ExecuteActivity`).
// The activity is scheduled either way, as in Go; without `.await` the code does not
// wait for it, which in the workshop is a mistake, not a choice.
#[must_use = "the workflow code goes on without waiting for the activity: `.await` its result"]
pub struct ActivityFuture<R> {
    slot: ActivitySlot,
    ctx: WorkflowContext,
    /// The line that executed the activity, and what it waits for.
    at: &'static Location<'static>,
    wait: Option<WaitOn>,
    _result: PhantomData<fn() -> R>,
}

impl<R: DeserializeOwned> ActivityFuture<R> {
    pub(crate) fn schedule(
        ctx: &WorkflowContext,
        options: &ActivityOptions,
        activity_type: &str,
        input: Payload,
        at: &'static Location<'static>,
    ) -> ActivityFuture<R> {
        let mut wait = None;
        let mut s = ctx.state.borrow_mut();
        let slot = s.spare_activity_slot.take();
        match options.check() {
            Err(reason) => {
                let seq = s.stamp();
                slot.resolve(Err(ActivityError::InvalidOptions(reason)), seq);
            }
            // On a canceled workflow the Go client makes the decision and cancels it
            // before it is sent: the ID is used, the server hears nothing.
            Ok(()) if s.workflow_canceled => {
                s.next_id();
                let seq = s.stamp();
                slot.resolve(Err(ActivityError::Canceled), seq);
            }
            Ok(()) => {
                let id = s.next_id();
                let activity_type = Str::from(activity_type);
                // A replayed decision only meets its event, by activity ID and type (as
                // the Go client matches): the rest is filled in only for a new one.
                let command = if s.replaying {
                    Command::ReplayedActivity { activity_id: id, activity_type: activity_type.clone() }
                } else {
                    let [schedule_to_start, schedule_to_close, start_to_close, heartbeat] = options.timeouts();
                    Command::Decision(Decision::ScheduleActivityTask(Box::new(ScheduleActivityTaskDecisionAttributes {
                        activity_id: Str::from_u64(id),
                        activity_type: ActivityType { name: activity_type.clone() },
                        task_list: TaskList::named(options.task_list.as_deref().unwrap_or(&s.info.task_list)),
                        input: Some(input),
                        schedule_to_close_timeout: Some(schedule_to_close),
                        schedule_to_start_timeout: Some(schedule_to_start),
                        start_to_close_timeout: Some(start_to_close),
                        heartbeat_timeout: Some(heartbeat),
                        retry_policy: options.retry_policy.as_ref().map(|r| r.to_wire()),
                        header: Some(Header::default()),
                        request_local_dispatch: true,
                        ..Default::default()
                    })))
                };
                wait = Some(WaitOn::Activity { activity_id: id, activity_type });
                s.code_line(CommandKind::ScheduleActivity, id, at);
                s.machines.add(CommandKey::Activity(id), command);
                s.activities.insert(id, slot.clone());
            }
        }
        drop(s);
        ActivityFuture { slot, ctx: ctx.clone(), at, wait, _result: PhantomData }
    }
}

impl<R: DeserializeOwned> Selectable for ActivityFuture<R> {
    type Output = Result<R, ActivityError>;

    fn ready_seq(&self) -> Option<u64> {
        self.slot.ready_seq()
    }

    fn output(&self) -> Option<Self::Output> {
        self.slot.map(|result| match result {
            Ok(p) => p.decode_or_ignore::<R>().map_err(|e| ActivityError::Decode(format!("activity result: {e}"))),
            Err(e) => Err(e.clone()),
        })
    }

    fn wait_on(&self) -> Option<WaitOn> {
        self.wait.clone()
    }
}

impl<R: DeserializeOwned> Future for ActivityFuture<R> {
    type Output = Result<R, ActivityError>;

    fn poll(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Self::Output> {
        let out = self.output();
        if out.is_none()
            && let Some(on) = &self.wait
        {
            self.ctx.state.borrow_mut().wait(self.at, on.clone());
        }
        out.map_or(Poll::Pending, Poll::Ready)
    }
}

impl<R> Drop for ActivityFuture<R> {
    fn drop(&mut self) {
        // A future dropped while the state is borrowed (the runtime never does that)
        // has its slot freed instead.
        if let Ok(mut s) = self.ctx.state.try_borrow_mut() {
            s.spare_activity_slot.give_back(&self.slot);
        }
    }
}

/// A timer (Go's `workflow.NewTimer`): `Ok(())` when it fires, `Err(Canceled)` at once
/// when its scope is canceled first.
#[must_use = "the workflow code goes on without waiting for the timer: `.await` it, or add it to a selector"]
pub struct TimerFuture {
    slot: TimerSlot,
    ctx: WorkflowContext,
    at: &'static Location<'static>,
    wait: Option<WaitOn>,
}

impl TimerFuture {
    pub(crate) fn start(
        ctx: &WorkflowContext,
        d: Duration,
        scope: Option<&CancellationScope>,
        at: &'static Location<'static>,
    ) -> TimerFuture {
        let mut wait = None;
        let mut s = ctx.state.borrow_mut();
        let slot = s.spare_timer_slot.take();
        if d.is_zero() {
            // The Go client settles a zero timer at once and never tells the server
            // (before it looks at the context).
            let seq = s.stamp();
            slot.resolve(Ok(()), seq);
        } else if s.workflow_canceled || scope.is_some_and(|sc| sc.scope.borrow().canceled()) {
            // Made and canceled before it is sent, as the Go client does on a canceled
            // context: the ID is used, the server hears nothing.
            s.next_id();
            let seq = s.stamp();
            slot.resolve(Err(Canceled), seq);
        } else {
            let id = s.next_id();
            // No Go worker asks for a longer timer, and the history's encodings need not hold one.
            let secs = crate::time::ceil_secs(d.min(crate::time::GO_MAX_DURATION));
            let command = Command::StartTimer { timer_id: id, start_to_fire: Duration::from_secs(secs) };
            wait = Some(WaitOn::Timer { timer_id: id, after: Duration::from_secs(secs) });
            s.code_line(CommandKind::StartTimer, id, at);
            s.machines.add(CommandKey::Timer(id), command);
            s.timers.insert(id, slot.clone());
            if let Some(sc) = scope {
                sc.scope.borrow_mut().add(id);
            }
        }
        drop(s);
        TimerFuture { slot, ctx: ctx.clone(), at, wait }
    }
}

impl Selectable for TimerFuture {
    type Output = Result<(), Canceled>;

    fn ready_seq(&self) -> Option<u64> {
        self.slot.ready_seq()
    }

    fn output(&self) -> Option<Self::Output> {
        self.slot.get()
    }

    fn wait_on(&self) -> Option<WaitOn> {
        self.wait.clone()
    }
}

impl Future for TimerFuture {
    type Output = Result<(), Canceled>;

    fn poll(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Self::Output> {
        let out = self.slot.get();
        if out.is_none()
            && let Some(on) = &self.wait
        {
            self.ctx.state.borrow_mut().wait(self.at, on.clone());
        }
        out.map_or(Poll::Pending, Poll::Ready)
    }
}

impl Drop for TimerFuture {
    fn drop(&mut self) {
        if let Ok(mut s) = self.ctx.state.try_borrow_mut() {
            s.spare_timer_slot.give_back(&self.slot);
        }
    }
}

/// Go's `workflow.WithCancel` for timers: `cancel()` settles every timer of the scope
/// that has not fired with `Canceled`, and tells the server only about timers it has
/// already started. A cancel request for the workflow cancels every scope too.
pub struct CancellationScope {
    ctx: WorkflowContext,
    scope: RefCell<ScopeHandle>,
}

/// Where a scope keeps its state. The workshop makes a scope per scan, starts one
/// timer in it and never clones it: such a scope keeps that in itself (an `Rc` for
/// each was an allocation and a free per scan). A second timer or a clone moves the
/// state into an `Rc` that the clones share.
enum ScopeHandle {
    Alone { timer: Option<CommandId>, canceled: bool },
    Shared(Rc<Scope>),
}

/// What clones of one scope share: its timers and whether it was canceled.
struct Scope {
    timers: RefCell<Vec<CommandId>>,
    canceled: Cell<bool>,
}

impl ScopeHandle {
    fn shared(&mut self) -> &Rc<Scope> {
        if let ScopeHandle::Alone { timer, canceled } = *self {
            let scope = Scope { timers: RefCell::new(timer.into_iter().collect()), canceled: Cell::new(canceled) };
            *self = ScopeHandle::Shared(Rc::new(scope));
        }
        match self {
            ScopeHandle::Shared(scope) => scope,
            ScopeHandle::Alone { .. } => unreachable!("made shared above"),
        }
    }

    fn canceled(&self) -> bool {
        match self {
            ScopeHandle::Alone { canceled, .. } => *canceled,
            ScopeHandle::Shared(scope) => scope.canceled.get(),
        }
    }

    fn add(&mut self, timer_id: CommandId) {
        match self {
            ScopeHandle::Alone { timer: timer @ None, .. } => *timer = Some(timer_id),
            _ => self.shared().timers.borrow_mut().push(timer_id),
        }
    }

    /// Marks the scope canceled and gives its timers, oldest first; it keeps none.
    fn cancel(&mut self) -> impl Iterator<Item = CommandId> + use<> {
        let (alone, shared) = match self {
            ScopeHandle::Alone { timer, canceled } => {
                *canceled = true;
                (timer.take(), Vec::new())
            }
            ScopeHandle::Shared(scope) => {
                scope.canceled.set(true);
                (None, scope.timers.take())
            }
        };
        alone.into_iter().chain(shared)
    }
}

impl CancellationScope {
    pub(crate) fn new(ctx: &WorkflowContext) -> CancellationScope {
        CancellationScope { ctx: ctx.clone(), scope: RefCell::new(ScopeHandle::Alone { timer: None, canceled: false }) }
    }

    #[track_caller]
    pub fn new_timer(&self, d: Duration) -> TimerFuture {
        TimerFuture::start(&self.ctx, d, Some(self), Location::caller())
    }

    #[track_caller]
    pub fn cancel(&self) {
        let at = Location::caller();
        let timers = self.scope.borrow_mut().cancel();
        let state: &SharedState = &self.ctx.state;
        let mut s = state.borrow_mut();
        for id in timers {
            // A timer that fired already has nothing to cancel.
            if s.cancel_command(CommandKey::Timer(id)) {
                s.code_line(CommandKind::CancelTimer, id, at);
            }
        }
    }
}

impl Clone for CancellationScope {
    fn clone(&self) -> CancellationScope {
        let shared = self.scope.borrow_mut().shared().clone();
        CancellationScope { ctx: self.ctx.clone(), scope: RefCell::new(ScopeHandle::Shared(shared)) }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use serde::de::IgnoredAny;

    use crate::decision::Decision;
    use crate::history::*;
    use crate::payload::Payload;
    use crate::registry::WorkflowDefinition;
    use crate::runtime::WorkflowRuntime;
    use crate::runtime::test_history::{decision_task, event, first_decision_task, first_decision_task_completed, signaled, workflow};

    #[test]
    fn clones_of_a_scope_share_its_timers_and_its_cancel() {
        // Cloned before its timer, and used again after the clone canceled it.
        let def = workflow("ClonedScope", |ctx| async move {
            let scope = ctx.cancellation_scope();
            let clone = scope.clone();
            let timer = scope.new_timer(Duration::from_secs(60));
            clone.cancel();
            let late = scope.new_timer(Duration::from_secs(60));
            // Canceled before it was ever cloned: later timers, on it or on a clone, too.
            let alone = ctx.cancellation_scope();
            alone.cancel();
            let (after, on_clone) = (alone.new_timer(Duration::from_secs(60)), alone.clone().new_timer(Duration::from_secs(60)));
            let canceled = [timer.await.is_err(), late.await.is_err(), after.await.is_err(), on_clone.await.is_err()];
            Ok(Payload::encode(&canceled))
        });
        let (_, decisions) = WorkflowRuntime::replay(&def, "w", "d", &first_decision_task("ClonedScope", None)).unwrap();
        let decisions = decisions.unwrap();
        let [Decision::CompleteWorkflowExecution(done)] = decisions.as_slice() else { panic!("{decisions:?}") };
        assert_eq!(done.result.as_ref().unwrap().to_text(), "[true,true,true,true]\n");
    }

    /// The longest durations are no panic: an activity with a `Duration::MAX` timeout
    /// is scheduled with the longest the server keeps (int32 seconds), and a
    /// `Duration::MAX` timer starts as the longest a Go worker could ask for (292
    /// years, in whole seconds).
    #[test]
    fn the_longest_durations_go_out_as_the_longest_cadence_takes() {
        let def = workflow("Forever", |ctx| async move {
            let options = crate::sdk::ActivityOptions {
                schedule_to_start_timeout: Duration::from_secs(60),
                start_to_close_timeout: Duration::MAX,
                ..Default::default()
            };
            let activity = ctx.execute_activity::<String>(&options, "work", ("x",));
            let timer = ctx.new_timer(Duration::MAX);
            activity.await.ok();
            timer.await.ok();
            Ok(Payload::encode("done"))
        });
        let (_, decisions) = WorkflowRuntime::replay(&def, "w", "d", &first_decision_task("Forever", None)).unwrap();
        let decisions = decisions.unwrap();
        let [Decision::ScheduleActivityTask(activity), Decision::StartTimer(timer)] = decisions.as_slice() else { panic!("{decisions:?}") };
        let int32 = Some(Duration::from_secs(i32::MAX as u64));
        assert_eq!((activity.start_to_close_timeout, activity.schedule_to_close_timeout), (int32, int32));
        assert_eq!(timer.start_to_fire_timeout, Some(Duration::from_secs(9_223_372_037)));
    }

    /// Two timers in one scope, canceled together when a signal comes.
    fn two_timers_in_a_scope() -> WorkflowDefinition {
        workflow("TwoTimers", |ctx| async move {
            let scope = ctx.cancellation_scope();
            let first = scope.new_timer(Duration::from_secs(60));
            let second = scope.new_timer(Duration::from_secs(120));
            ctx.signal_channel::<IgnoredAny>("cancel").receive().await;
            scope.cancel();
            let canceled = [first.await.is_err(), second.await.is_err()];
            Ok(Payload::encode(&canceled))
        })
    }

    #[test]
    fn canceling_a_scope_cancels_every_timer_started_in_it_in_order() {
        let def = two_timers_in_a_scope();
        let mut events = first_decision_task("TwoTimers", None);
        let (_, decisions) = WorkflowRuntime::replay(&def, "w", "d", &events).unwrap();
        let started: Vec<String> = decisions.unwrap().iter().map(|d| d.to_string()).collect();
        assert_eq!(started, ["StartTimer(timerId 0)", "StartTimer(timerId 1)"]);

        let timer_started = |id: i64, timer_id: &str| {
            event(
                id,
                EventAttributes::TimerStarted(TimerStartedEventAttributes {
                    timer_id: timer_id.into(),
                    decision_task_completed_event_id: 4,
                    ..Default::default()
                }),
            )
        };
        events.extend([first_decision_task_completed(), timer_started(5, "0"), timer_started(6, "1"), signaled(7, "cancel", b"")]);
        events.extend(decision_task(8));
        let (_, decisions) = WorkflowRuntime::replay(&def, "w", "d", &events).unwrap();
        let decisions = decisions.unwrap();
        let names: Vec<String> = decisions.iter().map(|d| d.to_string()).collect();
        assert_eq!(names[..2], ["CancelTimer(timerId 0)", "CancelTimer(timerId 1)"]);
        let Some(Decision::CompleteWorkflowExecution(done)) = decisions.get(2) else { panic!("{names:?}") };
        assert_eq!(done.result.as_ref().unwrap().to_text(), "[true,true]\n");
    }
}
