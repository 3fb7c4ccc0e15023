//! What a workflow author writes against: the workflow context with activities,
//! timers, cancellation scopes, signal channels, a selector, query handlers,
//! workflow time and a logger — the Cadence Go client's `workflow` package, in async
//! Rust.
//!
//! Everything here is deterministic: no threads, no wall clock, no randomness. The
//! runtime drives the code from history; the code only sees what history says.

mod channel;
mod future;
mod options;
mod selector;
pub(crate) mod wait;

use std::fmt;
use std::rc::Rc;
use std::time::Duration;

use serde::Serialize;
use serde::de::DeserializeOwned;

pub use channel::{ReceiveFuture, SignalChannel, corrupt_signal_channel};
pub use future::{ActivityFuture, CancellationScope, TimerFuture};
pub use options::{ActivityOptions, RetryPolicy};
pub use selector::{SelectFuture, Selector};
pub use wait::{Blocked, Waiting, source_line, source_path, stack_trace};

use crate::log::{Level, LogLine};
use crate::payload::{EncodeArgs, Failure, GENERIC_REASON, Payload};
use crate::registry::LocalBoxFuture;
use crate::runtime::state::{SharedState, WorkflowInfo};
use crate::time::Timestamp;

/// The handle workflow code holds (Go's `workflow.Context`). Cheap to clone.
#[derive(Clone)]
pub struct WorkflowContext {
    pub(crate) state: SharedState,
}

impl WorkflowContext {
    pub fn info(&self) -> WorkflowInfo {
        self.state.borrow().info.to_info()
    }

    /// Workflow time: the time of the decision task being run, never the wall clock.
    pub fn now(&self) -> Timestamp {
        self.state.borrow().now
    }

    pub fn is_replaying(&self) -> bool {
        self.state.borrow().replaying
    }

    /// Go's `workflow.GetLogger(ctx)`: silent while replaying.
    pub fn logger(&self) -> Logger {
        Logger { state: self.state.clone() }
    }

    /// Go's `workflow.ExecuteActivity`: schedules an activity; the future resolves with
    /// its result once history shows it closed.
    #[track_caller]
    pub fn execute_activity<R: DeserializeOwned>(
        &self,
        options: &ActivityOptions,
        activity_type: &str,
        args: impl EncodeArgs,
    ) -> ActivityFuture<R> {
        // A decision task that is already in history only has its decisions matched
        // against the events by ID and type (as the Go client does): the input it
        // would send is never read, so replay does not spend time encoding it.
        let input = if self.is_replaying() { Payload::default() } else { args.encode_args() };
        ActivityFuture::schedule(self, options, activity_type, input, std::panic::Location::caller())
    }

    /// Go's `workflow.NewTimer` on a context that is never canceled.
    #[track_caller]
    pub fn new_timer(&self, d: Duration) -> TimerFuture {
        TimerFuture::start(self, d, None, std::panic::Location::caller())
    }

    /// Go's `workflow.WithCancel`: timers started in the scope are canceled with it.
    pub fn cancellation_scope(&self) -> CancellationScope {
        CancellationScope::new(self)
    }

    /// Go's `workflow.GetSignalChannel`: values that arrived before this call wait in it.
    pub fn signal_channel<T: DeserializeOwned>(&self, name: &str) -> SignalChannel<T> {
        SignalChannel::new(self, name)
    }

    pub fn new_selector<T>(&self) -> Selector<T> {
        Selector::new(self)
    }

    /// Go's `workflow.SetQueryHandler`: answers queries from the state the handler reads.
    pub fn set_query_handler<R: Serialize>(&self, query_type: &str, handler: impl Fn() -> R + 'static) -> Result<(), WorkflowError> {
        if query_type.starts_with("__") {
            return Err(WorkflowError::generic(format!("query type {query_type} is reserved")));
        }
        self.state.borrow_mut().query_handlers.insert(query_type.into(), Box::new(move || Payload::encode(&handler())));
        Ok(())
    }

    /// Go's `workflow.Go`: another coroutine of the same run, scheduled deterministically.
    pub fn spawn(&self, f: impl std::future::Future<Output = ()> + 'static) {
        let mut s = self.state.borrow_mut();
        s.spawned.push(Box::pin(f) as LocalBoxFuture<()>);
        s.version += 1;
    }

    pub(crate) fn same_run(&self, other: &SharedState) -> bool {
        Rc::ptr_eq(&self.state, other)
    }
}

/// The replay-aware logger workflow code uses.
pub struct Logger {
    state: SharedState,
}

impl Logger {
    /// Logs a message with structured fields given as JSON text (may be empty).
    pub fn info(&self, message: &str, fields: &str) {
        self.log(Level::Info, message, fields);
    }

    pub fn error(&self, message: &str, fields: &str) {
        self.log(Level::Error, message, fields);
    }

    /// [`info`](Self::info) with fields formatted only when the line is written,
    /// never while replaying (`format_args!`).
    pub fn info_with(&self, message: &str, fields: impl fmt::Display) {
        self.log(Level::Info, message, fields);
    }

    /// [`error`](Self::error) with fields formatted only when the line is written.
    pub fn error_with(&self, message: &str, fields: impl fmt::Display) {
        self.log(Level::Error, message, fields);
    }

    fn log(&self, level: Level, message: &str, fields: impl fmt::Display) {
        let mut s = self.state.borrow_mut();
        if !s.writes_logs() {
            return;
        }
        let line = LogLine::workflow(s.now, level, message, &fields.to_string());
        s.log(line);
    }
}

/// A string written as a JSON string literal when displayed (for log fields).
pub struct JsonString<'a>(pub &'a str);

impl fmt::Display for JsonString<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&serde_json::to_string(self.0).map_err(|_| fmt::Error)?)
    }
}

/// Why an activity did not give a result, as the workflow sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ActivityError {
    /// The activity returned an error (all retries, if any, used up).
    Failed(Failure),
    /// A timeout fired with no retry left.
    TimedOut { timeout_type: crate::history::TimeoutType, last_failure: Option<Failure> },
    /// The result could not be decoded into the type the code asked for.
    Decode(String),
    /// The options were refused before anything was scheduled.
    InvalidOptions(String),
    /// The workflow was asked to cancel (`cadence wf cancel`) before the activity
    /// closed: the future is ready at once, as in Go; the activity itself may still run.
    Canceled,
}

impl fmt::Display for ActivityError {
    // The texts of the Go client's error types, so wrapped messages match a Go worker's.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ActivityError::Failed(fail) if fail.reason == GENERIC_REASON => f.write_str(&fail.details_text()),
            // Go's `*PanicError`: its text is the panic's message.
            ActivityError::Failed(fail) if fail.reason == PANIC_REASON => {
                f.write_str(&panic_parts(fail).map_or_else(|| fail.details_text(), |(message, _)| message))
            }
            ActivityError::Failed(fail) => f.write_str(&fail.reason),
            ActivityError::TimedOut { timeout_type, .. } => write!(f, "TimeoutType: {}", timeout_type.short_name()),
            ActivityError::Decode(m) | ActivityError::InvalidOptions(m) => f.write_str(m),
            ActivityError::Canceled => Canceled.fmt(f),
        }
    }
}

impl std::error::Error for ActivityError {}

/// The reason a Go worker gives an activity that panicked: it recovers the panic and
/// fails the activity task alone (`RespondActivityTaskFailed`), never the decision task.
pub const PANIC_REASON: &str = "cadenceInternal:Panic";

/// An activity's panic as a Go worker reports it (the Go client's `*PanicError`):
/// reason [`PANIC_REASON`], details the panic's message and its stack trace, each a
/// JSON string on a line of its own (`encodeArgs(msg, stack)`). The workflow's
/// `execute_activity` gets it as an error whose text is the message.
pub fn activity_panic(message: &str, stack: &str) -> Failure {
    let json = |s: &str| serde_json::Value::from(s).to_string();
    Failure { reason: PANIC_REASON.into(), details: format!("{}\n{}\n", json(message), json(stack)).into_bytes() }
}

/// The message a panic was raised with (`panic!("...")`, `.unwrap()`'s text), from
/// what `catch_unwind` or a panic hook hands over; "a panic" when it carries none.
pub fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic".into())
}

/// The message and stack trace of an activity's panic ([`activity_panic`]).
pub fn panic_parts(failure: &Failure) -> Option<(String, String)> {
    if failure.reason != PANIC_REASON {
        return None;
    }
    // From text, not bytes: one serde_json reader in the playground's download.
    let details = std::str::from_utf8(&failure.details).ok()?;
    let mut values = serde_json::Deserializer::from_str(details).into_iter::<String>();
    let message = values.next()?.ok()?;
    Some((message, values.next().and_then(Result::ok).unwrap_or_default()))
}

/// A timer (or anything else) canceled through its scope: Go's `*CanceledError`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Canceled;

impl fmt::Display for Canceled {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("CanceledError")
    }
}

impl std::error::Error for Canceled {}

/// A workflow's failure: becomes a `FailWorkflowExecution` decision.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WorkflowError(pub Failure);

impl WorkflowError {
    /// A plain Go `error` returned from the workflow function.
    pub fn generic(message: impl Into<String>) -> WorkflowError {
        WorkflowError(Failure::generic(message))
    }
}

impl fmt::Display for WorkflowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.details_text())
    }
}

impl std::error::Error for WorkflowError {}

#[cfg(test)]
mod tests {
    use super::{ActivityError, activity_panic, panic_parts};
    use crate::decision::Decision;
    use crate::payload::Payload;
    use crate::runtime::WorkflowRuntime;
    use crate::runtime::test_history::{first_decision_task, workflow};

    /// The code reads the run's own facts: the ID and domain it was started with, its
    /// type and the task list of its start event.
    #[test]
    fn info_tells_the_code_which_run_it_is() {
        let def = workflow("Facts", |ctx| async move {
            let i = ctx.info();
            Ok(Payload::encode(&format!("{} {} {} {} {}", i.workflow_id, i.domain, i.workflow_type, i.task_list, i.start_time.0)))
        });
        let events = first_decision_task("Facts", None);
        let (_, decisions) = WorkflowRuntime::replay(&def, "order-42", "samples-domain", &events).unwrap();
        let result = decisions.unwrap().iter().find_map(|d| match d {
            Decision::CompleteWorkflowExecution(done) => done.result.clone(),
            _ => None,
        });
        let expected = format!("order-42 samples-domain Facts tasklist {}", crate::time::EPOCH.0);
        assert_eq!(result, Some(Payload::encode(&expected)));
    }

    /// As the Go client writes a `*PanicError` and reads it back: the workflow's error
    /// says what the panic said.
    #[test]
    fn an_activity_panic_reaches_the_workflow_as_its_message() {
        let f = activity_panic("no \"customer\"", "activity for tasklist [panic]:\n\texercises/01_activities.rs:38");
        assert_eq!(f.details_text(), "\"no \\\"customer\\\"\"\n\"activity for tasklist [panic]:\\n\\texercises/01_activities.rs:38\"\n");
        let (message, stack) = panic_parts(&f).unwrap();
        assert_eq!(
            (message.as_str(), stack.as_str()),
            ("no \"customer\"", "activity for tasklist [panic]:\n\texercises/01_activities.rs:38")
        );
        assert_eq!(ActivityError::Failed(f).to_string(), "no \"customer\"");
    }
}
