//! What a worker knows by name: workflow types and activity types, with the code that
//! runs them. The simulated server, the replayer and the bridge's real worker all
//! look code up here, so the names on every path are the same.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::log::LogLine;
use crate::payload::{DecodeArgs, Failure, Payload};
use crate::rng::SplitMix64;
use crate::sdk::{WorkflowContext, WorkflowError};

/// A boxed workflow future; workflow code is single-threaded by design.
pub type LocalBoxFuture<T> = Pin<Box<dyn Future<Output = T>>>;

/// Starts a workflow run: context and raw input in, the run's future out.
pub type WorkflowFn = Arc<dyn Fn(WorkflowContext, Payload) -> LocalBoxFuture<Result<Payload, WorkflowError>> + Send + Sync>;

/// Runs one attempt of an activity.
pub type ActivityFn = Arc<dyn Fn(&mut ActivityContext<'_>, &Payload) -> Result<Payload, Failure> + Send + Sync>;

/// Checks a payload before the server accepts it, so bad input is refused with a
/// message instead of failing inside the workflow code.
pub type Validator = fn(Option<&Payload>) -> Result<(), String>;

#[derive(Clone)]
pub struct WorkflowDefinition {
    pub name: String,
    pub run: WorkflowFn,
    pub validate_input: Validator,
    /// The signal channels the workflow code reads. A server records a signal of any
    /// name and input; this only lets a front end say that nothing reads a channel.
    pub signals: Vec<&'static str>,
    /// The query types the workflow answers.
    pub queries: Vec<&'static str>,
}

#[derive(Clone)]
pub struct ActivityDefinition {
    pub name: String,
    pub run: ActivityFn,
}

/// Reads a workflow's input as `I`, with the Go worker's error for one that does not
/// decode. Takes the payload, so the run does not keep it once it is read.
pub(crate) fn decode_workflow_input<I: DeserializeOwned>(input: Payload) -> Result<I, WorkflowError> {
    input.decode().map_err(|e| WorkflowError::generic(format!("unable to decode the workflow input: {e}")))
}

/// A workflow function written against typed input and result (the Go client's
/// `func(ctx workflow.Context, order Order) (string, error)`): decodes the input,
/// runs, encodes the result as a Go worker would.
pub fn typed_workflow<I, R, F, Fut>(f: F) -> WorkflowFn
where
    I: DeserializeOwned + 'static,
    R: Serialize,
    F: Fn(WorkflowContext, I) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<R, WorkflowError>> + 'static,
{
    let f = Arc::new(f);
    Arc::new(move |ctx, input: Payload| {
        let f = f.clone();
        Box::pin(async move {
            let result = f(ctx, decode_workflow_input(input)?).await?;
            Ok(Payload::encode(&result))
        })
    })
}

/// An activity written against typed arguments: decodes them, encodes its result or
/// error as a Go worker would.
pub fn typed_activity<A, R>(
    name: &str,
    f: impl Fn(&mut ActivityContext<'_>, A) -> Result<R, String> + Send + Sync + 'static,
) -> ActivityDefinition
where
    A: DecodeArgs,
    R: Serialize,
{
    ActivityDefinition {
        name: name.into(),
        run: Arc::new(move |ctx, input| {
            let args = input
                .decode_args::<A>()
                .map_err(|e| Failure::generic(format!("unable to decode the activity function input bytes with error: {e}")))?;
            f(ctx, args).map(|r| Payload::encode(&r)).map_err(Failure::generic)
        }),
    }
}

/// What an activity attempt can see: the attempt number the server hands out, the
/// worker's seeded generator and a logger.
pub struct ActivityContext<'a> {
    pub workflow_id: &'a str,
    pub activity_id: &'a str,
    pub activity_type: &'a str,
    pub attempt: i32,
    pub rng: &'a mut SplitMix64,
    /// Where the attempt's log lines go; `None` when nobody keeps them (a fleet, a
    /// real worker), so logging costs nothing.
    pub logs: Option<&'a mut Vec<LogLine>>,
    pub now: crate::time::Timestamp,
}

impl<'a> ActivityContext<'a> {
    pub fn log_info(&mut self, message: &str, fields: &str) {
        if let Some(logs) = self.logs.as_deref_mut() {
            logs.push(LogLine::activity(self.now, self.activity_type, message, fields));
        }
    }

    /// Go's `activity.GetLogger(ctx)`, written as the workflow's logger is, so that
    /// `ctx.logger().info(message, fields)` works in both.
    pub fn logger(&mut self) -> ActivityLogger<'_, 'a> {
        ActivityLogger(self)
    }
}

/// An activity's logger: see [`ActivityContext::logger`].
pub struct ActivityLogger<'c, 'a>(&'c mut ActivityContext<'a>);

impl ActivityLogger<'_, '_> {
    /// Logs a message with structured fields given as JSON text (may be empty).
    pub fn info(self, message: &str, fields: &str) {
        self.0.log_info(message, fields);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_activity_logs_through_its_logger_as_a_workflow_does() {
        let mut rng = SplitMix64::new(1);
        let mut logs = Vec::new();
        let mut ctx = ActivityContext {
            workflow_id: "Order123",
            activity_id: "1",
            activity_type: "shipProduct",
            attempt: 0,
            rng: &mut rng,
            logs: Some(&mut logs),
            now: crate::time::EPOCH,
        };
        ctx.logger().info("Shipping product", r#"{"orderID":"Order123"}"#);
        ctx.log_info("Shipped", "");
        let messages: Vec<&str> = logs.iter().map(|l| l.message.as_str()).collect();
        assert_eq!(messages, ["Shipping product", "Shipped"]);
        assert_eq!(logs[0].source, "shipProduct");
    }
}

#[derive(Clone, Default)]
pub struct Registry {
    /// Shared: every execution and cached run of a type holds its definition.
    workflows: Vec<Arc<WorkflowDefinition>>,
    activities: Vec<ActivityDefinition>,
}

impl Registry {
    pub fn register_workflow(&mut self, def: WorkflowDefinition) {
        self.workflows.retain(|w| w.name != def.name);
        self.workflows.push(Arc::new(def));
    }

    pub fn register_activity(&mut self, def: ActivityDefinition) {
        self.activities.retain(|a| a.name != def.name);
        self.activities.push(def);
    }

    pub fn workflow(&self, name: &str) -> Option<&WorkflowDefinition> {
        self.workflow_shared(name).map(|w| &**w)
    }

    pub(crate) fn workflow_shared(&self, name: &str) -> Option<&Arc<WorkflowDefinition>> {
        self.workflows.iter().find(|w| w.name == name)
    }

    pub fn activity(&self, name: &str) -> Option<&ActivityDefinition> {
        self.activities.iter().find(|a| a.name == name)
    }

    pub fn workflow_names(&self) -> Vec<&str> {
        self.workflows.iter().map(|w| w.name.as_str()).collect()
    }

    pub fn activity_names(&self) -> Vec<&str> {
        self.activities.iter().map(|a| a.name.as_str()).collect()
    }

    /// Makes `activity_type` answer with recorded results instead of running: the
    /// first activity of that type a workflow schedules gets `results[0]`, the next
    /// `results[1]`, and so on (retries of one activity get the same result). Past the
    /// recorded results the activity runs as registered. This is how the simulator
    /// replays what a real worker's `estimatedDeliveryTime` drew at random.
    pub fn script_results(&mut self, activity_type: &str, results: Vec<Payload>) {
        let Some(i) = self.activities.iter().position(|a| a.name == activity_type) else { return };
        let real = self.activities[i].run.clone();
        // (workflow ID, activity ID) of each activity given a result, in order.
        let given: Mutex<Vec<(String, String)>> = Mutex::default();
        self.activities[i].run = Arc::new(move |ctx, input| {
            let key = (ctx.workflow_id.to_owned(), ctx.activity_id.to_owned());
            let mut given = given.lock().unwrap_or_else(|p| p.into_inner());
            let index = match given.iter().position(|k| *k == key) {
                Some(index) => index,
                None => {
                    given.push(key);
                    given.len() - 1
                }
            };
            let of_this_workflow = given[..=index].iter().filter(|(w, _)| w == ctx.workflow_id).count() - 1;
            drop(given);
            match results.get(of_this_workflow) {
                Some(r) => Ok(r.clone()),
                None => real(ctx, input),
            }
        });
    }
}
