//! What a worker knows by name: workflow types and activity types, with the code that
//! runs them. The simulated server, the replayer and the bridge's real worker all
//! look code up here, so the names on every path are the same.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use crate::log::LogLine;
use crate::payload::{Failure, Payload};
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

/// What an activity attempt can see: the attempt number the server hands out, the
/// worker's seeded generator and a logger.
pub struct ActivityContext<'a> {
    pub workflow_id: &'a str,
    pub activity_id: &'a str,
    pub activity_type: &'a str,
    pub attempt: i32,
    pub rng: &'a mut SplitMix64,
    pub logs: &'a mut Vec<LogLine>,
    pub now: crate::time::Timestamp,
}

impl ActivityContext<'_> {
    pub fn log_info(&mut self, message: &str, fields: &str) {
        self.logs.push(LogLine::activity(self.now, self.activity_type, message, fields));
    }
}

#[derive(Clone, Default)]
pub struct Registry {
    workflows: Vec<WorkflowDefinition>,
    activities: Vec<ActivityDefinition>,
}

impl Registry {
    pub fn register_workflow(&mut self, def: WorkflowDefinition) {
        self.workflows.retain(|w| w.name != def.name);
        self.workflows.push(def);
    }

    pub fn register_activity(&mut self, def: ActivityDefinition) {
        self.activities.retain(|a| a.name != def.name);
        self.activities.push(def);
    }

    pub fn workflow(&self, name: &str) -> Option<&WorkflowDefinition> {
        self.workflows.iter().find(|w| w.name == name)
    }

    pub fn activity(&self, name: &str) -> Option<&ActivityDefinition> {
        self.activities.iter().find(|a| a.name == name)
    }

    pub fn workflow_names(&self) -> Vec<&str> {
        self.workflows.iter().map(|w| w.name.as_str()).collect()
    }
}
