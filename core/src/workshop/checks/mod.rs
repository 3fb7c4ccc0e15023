//! The checks of each chapter: what the workshop's exercises are judged by, on both
//! tracks.
//!
//! A [`Check`] is a scenario (start an order, signal, query, let the worker run, move
//! the clock) and an expectation in the workshop's words. It is played twice:
//!
//! - on the participant's workflow: in the simulator ([`play`], the Rust track) or on
//!   a real Cadence server by the `workshop` binary (the Go track); either way the
//!   result is a [`Run`]: the history, what each step answered, and what went wrong if
//!   the code could not run at all;
//! - on the reference solution of the chapter, in the simulator, with the delivery
//!   estimates the participant's run recorded, so both sides wait for the same timers.
//!
//! [`evaluate`] then judges: a typical mistake the chapter knows is named in the
//! workshop's words ("the customer was notified twice: the old timer was not canceled
//! when the package was scanned"); anything else is the expectation plus the first
//! history event where the two runs part, side by side. A check passes when the
//! histories agree event for event (normalised as `bridge scenario run --compare`
//! does) and every step answered alike.

mod data;
mod diagnose;
mod replay;
mod report;

use std::time::Duration;

use serde::{Deserialize, Serialize};

pub use data::CHECKS;
pub use diagnose::unknown_workflow_type;
pub use replay::replay_strictly;
pub use report::{CheckReport, Difference, SideBySide};

use crate::history::{HistoryEvent, json};
use crate::payload::Payload;
use crate::postal::{self, Chapter, ChapterNames, PostalConfig};
use crate::registry::Registry;
use crate::scenario::{self, Scenario, Step};
use crate::session::{Action, Session, SessionConfig};

/// The seed of every check: estimates come from the participant's own run anyway.
pub const SEED: u64 = 1;

/// One check of a chapter.
#[derive(Debug)]
pub struct Check {
    pub chapter: Chapter,
    /// Short and stable, for people and for tests: "scan-resets-the-timer".
    pub name: &'static str,
    /// What must hold, in the workshop's words.
    pub expectation: &'static str,
    /// The scenario's steps, in the scenario file format (`docs/scenario-format.md`).
    pub scenario: &'static str,
    /// Why a real server cannot play this check as the simulator does, if it cannot.
    pub simulator_only: Option<&'static str>,
}

impl Check {
    /// The checks of a chapter, in the order they run.
    pub fn of(chapter: Chapter) -> impl Iterator<Item = &'static Check> {
        CHECKS.iter().filter(move |c| c.chapter == chapter)
    }

    /// The steps of the scenario.
    pub fn steps(&self) -> Vec<Step> {
        // The scenarios are ours and tested to parse; a broken one is a bug here.
        Scenario::parse(self.name, self.scenario).map(|s| s.steps).unwrap_or_else(|e| panic!("check {}: {e}", self.name))
    }

    /// "7.2": chapter and position, as the workshop lists them.
    pub fn label(&self) -> String {
        let n = crate::workshop::ChapterGuide::of(self.chapter).number;
        let i = Check::of(self.chapter).position(|c| c.name == self.name).unwrap_or(0) + 1;
        format!("{n}.{i}")
    }
}

/// What one scenario step gave.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum StepResult {
    /// Accepted (a start, a signal, a clock move), or an expectation that held.
    Done,
    /// A query's answer, as JSON text.
    Answer(String),
    /// Refused, or an expectation that did not hold, with why.
    Refused(String),
    /// Not played: the run ended before this step.
    NotRun,
}

/// Why a run could not be judged by its history alone.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Problem {
    /// The worker does not run the workflow type the checks start.
    NotRegistered { workflow_type: String, registered: Vec<String> },
    /// The workflow code panicked.
    Panicked(String),
    /// A decision task blocked the thread (a sleep, a busy loop): Go's deadlock detector.
    /// On a query step, the query handler did.
    Deadlock {
        step: usize,
        after: Duration,
        /// What the check was doing then ([`Step::summary`]).
        #[serde(default)]
        doing: String,
    },
    /// An activity attempt did not return (a loop that never ends, a wait that never
    /// comes back): a real server ends it with the start-to-close timeout.
    ActivityDidNotReturn {
        activity_type: String,
        attempt: i32,
        step: usize,
        after: Duration,
        #[serde(default)]
        doing: String,
    },
    /// Signals the code dropped: its channel's type cannot hold what they carry (the
    /// SDK logs "Corrupt signal received on channel ..."). The history shows only that
    /// the signals arrived.
    CorruptSignal {
        channel: String,
        /// The decoder's complaint about the first one.
        error: String,
        count: usize,
    },
    /// Replaying the history gave other decisions than the ones it recorded.
    Nondeterminism(String),
    /// The run could not be made (a server or a command that failed).
    Infrastructure(String),
}

/// Everything one run of a check's scenario showed, wherever it ran.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Run {
    #[serde(with = "events")]
    pub history: Vec<HistoryEvent>,
    /// One result per scenario step.
    pub steps: Vec<StepResult>,
    /// How often the customer was notified, when the worker's log is at hand.
    pub notifications: Option<usize>,
    /// Where the workflow code waits at the end (`__stack_trace`), when known.
    pub stack_trace: Option<String>,
    /// Signals in history the code never read, per channel, when known.
    #[serde(default)]
    pub unread: Option<Vec<(String, usize)>>,
    pub problem: Option<Problem>,
}

impl Run {
    /// A run that could not take place.
    pub fn failed(problem: Problem) -> Run {
        Run { history: Vec::new(), steps: Vec::new(), notifications: None, stack_trace: None, unread: None, problem: Some(problem) }
    }

    /// The results of `estimatedDeliveryTime` in the order they were recorded.
    pub fn estimates(&self) -> Vec<Payload> {
        diagnose::activities(&self.history)
            .into_iter()
            .filter(|a| a.activity_type == ChapterNames::STARTER.estimated_delivery_time)
            .filter_map(|a| a.result)
            .collect()
    }
}

/// Histories cross process boundaries as the proto3 JSON Cadence writes.
mod events {
    use super::*;

    pub fn serialize<S: serde::Serializer>(v: &[HistoryEvent], s: S) -> Result<S::Ok, S::Error> {
        v.serialize(s)
    }

    pub fn deserialize<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<HistoryEvent>, D::Error> {
        let values = Vec::<serde_json::Value>::deserialize(d)?;
        values.iter().enumerate().map(|(i, v)| json::event_from_value(i, v).map_err(serde::de::Error::custom)).collect()
    }
}

/// The registry of the reference solution of `chapter`, under the starter names the
/// participant registers, answering `estimatedDeliveryTime` with `estimates` first.
pub fn reference_registry(chapter: Chapter, timer_unit: Duration, estimates: Vec<Payload>) -> Registry {
    let mut r = Registry::default();
    postal::register_activities(&mut r, chapter, ChapterNames::STARTER);
    r.register_workflow(postal::workflow_definition(PostalConfig { chapter, timer_unit }, ChapterNames::STARTER));
    r.script_results(ChapterNames::STARTER.estimated_delivery_time, estimates);
    r
}

/// A participant's workflow function as the chapter's exercise registers it: under
/// the starter name, taking the signals and queries the chapter's checks send (the
/// simulated server refuses signals a workflow type does not declare).
pub fn exercise_definition(chapter: Chapter, run: crate::registry::WorkflowFn) -> crate::registry::WorkflowDefinition {
    let reference = postal::workflow_definition(PostalConfig { chapter, timer_unit: Duration::from_secs(60) }, ChapterNames::STARTER);
    crate::registry::WorkflowDefinition { run, ..reference }
}

/// Where a play is, for whoever watches it.
pub enum Moment<'a> {
    /// Step `i` is about to be played.
    Before(usize),
    /// During step `i`, the worker is about to take one step (run workflow code for a
    /// decision task, or an activity attempt): the session as it stands before it, what
    /// a run that panics or blocks in that step did write.
    Working(usize, &'a Session),
    /// Step `i` was played: the session as it stands after it.
    After(usize, &'a Session),
}

/// Plays a check on the simulator with the workflow `registry` runs under the
/// starter name. `observe` sees each step before and after it is played, so a caller
/// can watch for code that never yields, or pace a real server by it. Ends with a
/// strict replay of the history, which names code that decides differently each time
/// it runs (nondeterminism).
pub fn play(check: &Check, registry: Registry, timer_unit: Duration, mut observe: impl FnMut(Moment<'_>)) -> Run {
    let workflow_type = ChapterNames::STARTER.workflow;
    let Some(definition) = registry.workflow(workflow_type).cloned() else {
        let registered = registry.workflow_names().into_iter().map(str::to_owned).collect();
        return Run::failed(Problem::NotRegistered { workflow_type: workflow_type.into(), registered });
    };
    let config = SessionConfig { seed: SEED, postal: PostalConfig { chapter: check.chapter, timer_unit } };
    let mut session = Session::with_registry(config, with_unregistered_named(registry), workflow_type);
    session.auto_run = false;
    let steps = check.steps();
    let mut results = Vec::with_capacity(steps.len());
    for (i, step) in steps.iter().enumerate() {
        observe(Moment::Before(i));
        results.push(match step {
            Step::Query { name, .. } => match session.apply(Action::Query { name: name.clone() }) {
                Ok(()) => StepResult::Answer(session.last_entry().map(|e| e.outcome.clone()).unwrap_or_default()),
                Err(e) => StepResult::Refused(e),
            },
            // The worker's steps one by one, each watched before it is taken.
            Step::Run | Step::Step { .. } => {
                let count = match step {
                    Step::Step { count } => Some(count.unwrap_or(1)),
                    _ => None,
                };
                let mut result = StepResult::Done;
                let mut taken = 0;
                while count.is_none_or(|n| taken < n) {
                    if count.is_none() && !session.engine().has_step() {
                        break;
                    }
                    observe(Moment::Working(i, &session));
                    if let Err(e) = session.apply(Action::Step) {
                        if count.is_some() {
                            result = StepResult::Refused(e);
                        }
                        break;
                    }
                    taken += 1;
                }
                result
            }
            step => match scenario::play(&mut session, step) {
                Ok(()) => StepResult::Done,
                Err(e) => StepResult::Refused(e),
            },
        });
        observe(Moment::After(i, &session));
    }
    let history = session.history().to_vec();
    let stack_trace = session
        .workflow_id()
        .and_then(|w| session.engine().query(w, crate::runtime::QUERY_STACK_TRACE).ok())
        .and_then(|p| p.decode::<String>().ok());
    let unread = crate::runtime::WorkflowRuntime::replay_for_query(&definition, "check", postal::DOMAIN, &history)
        .ok()
        .map(|rt| rt.unread_signals().into_iter().map(|(name, values)| (name, values.len())).collect());
    // Twice: a random draw can repeat by chance once.
    let problem = (0..2)
        .find_map(|_| replay_strictly(&definition, &history).err())
        .map(Problem::Nondeterminism)
        .or_else(|| corrupt_signal(session.logs()));
    Run { history, steps: results, notifications: Some(session.notifications()), stack_trace, unread, problem }
}

/// What a query that reaches the participant's handler fails with when the handler
/// panics, before the panic's message: the runtime fails that query alone, in the Go
/// client's words (`runtime::QueryError::HandlerPanicked`); the workflow goes on.
pub const QUERY_HANDLER_PANIC: &str = "query failed: query handler panic: ";

/// What the SDK logged of the first channel whose signals it dropped as corrupt.
fn corrupt_signal(logs: &[crate::log::LogLine]) -> Option<Problem> {
    let corrupt: Vec<(&str, String)> = logs
        .iter()
        .filter(|l| l.source == "workflow")
        .filter_map(|l| {
            let channel = crate::sdk::corrupt_signal_channel(&l.message)?;
            let error = serde_json::from_str::<serde_json::Value>(&l.fields)
                .ok()
                .and_then(|f| f.get("error").and_then(|e| e.as_str()).map(str::to_owned))
                .unwrap_or_default();
            Some((channel, error))
        })
        .collect();
    let (channel, error) = corrupt.first()?;
    let count = corrupt.iter().filter(|(c, _)| c == channel).count();
    Some(Problem::CorruptSignal { channel: (*channel).to_owned(), error: error.clone(), count })
}

/// `registry`, with each of the workshop's activities it lacks answered as a Go worker
/// answers an activity type it does not have: the task fails with "unable to find
/// activityType=shipProduct. Supported types: [validatePayment, ShipProduct]" (the Go
/// client's words), so the history names what the worker does register.
fn with_unregistered_named(mut registry: Registry) -> Registry {
    let names = ChapterNames::STARTER;
    let supported = registry.activity_names().join(", ");
    for name in [names.validate_payment, names.ship_product, names.estimated_delivery_time] {
        if registry.activity(name).is_none() {
            let why = format!("unable to find activityType={name}. Supported types: [{supported}]");
            let run: crate::registry::ActivityFn = std::sync::Arc::new(move |_, _| Err(crate::payload::Failure::generic(why.clone())));
            registry.register_activity(crate::registry::ActivityDefinition { name: name.into(), run });
        }
    }
    registry
}

/// How far the reference solution has come after one step: what a real server
/// should have written by then, and how far the step moved the simulated clock (a
/// real server's clock moves on its own: that long must pass).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Pace {
    pub events: usize,
    pub clock: Duration,
    pub closed: bool,
}

/// The reference solution's pace through `check`, step by step, with `estimates`.
pub fn pacing(check: &Check, estimates: Vec<Payload>, timer_unit: Duration) -> Vec<Pace> {
    let mut paces = Vec::new();
    let mut before = crate::time::EPOCH;
    let registry = reference_registry(check.chapter, timer_unit, estimates);
    play(check, registry, timer_unit, |m| match m {
        Moment::Before(_) | Moment::Working(..) => {}
        Moment::After(_, s) => {
            let now = s.engine().now();
            let history = s.history();
            paces.push(Pace {
                events: history.len(),
                clock: now.since(before),
                closed: history.last().is_some_and(|e| e.event_type().is_workflow_close()),
            });
            before = now;
        }
    });
    paces
}

/// The reference solution's run of `check`, with the estimates `yours` recorded.
pub fn reference_run(check: &Check, yours: &Run, timer_unit: Duration) -> Run {
    play(check, reference_registry(check.chapter, timer_unit, yours.estimates()), timer_unit, |_| {})
}

/// Which track a participant follows: the words of a message depend on it (Rust code
/// or Go code, the simulator's clock or `check --go`'s `--timer-unit`). The workshop's
/// progress file keeps the one last named, as "rust" or "go"; everyone starts on Rust.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Track {
    /// The exercises in Rust, checked on the simulator.
    #[default]
    Rust,
    /// A Go worker, checked on a real server by `workshop check --go N`.
    Go,
}

/// Judges a participant's run of `check` against the reference solution's, in the
/// words of `track`; `timer_unit` is how long a day of an estimate lasts in the run.
pub fn evaluate(check: &Check, yours: &Run, timer_unit: Duration, track: Track) -> CheckReport {
    let reference = reference_run(check, yours, timer_unit);
    report::judge(check, yours, &reference, track, timer_unit)
}

#[cfg(test)]
mod tests;
