//! Typical mistakes, recognised in a run and named in the workshop's words. Each
//! detector looks at the participant's run beside the reference solution's; none may
//! fire on the reference itself (tested). They read only what both tracks have: the
//! history and the step results (a Rust run's log and stack trace sharpen a few).

use std::time::Duration;

use super::{Check, Problem, Run, Track};
use crate::history::{EventAttributes, HistoryEvent, RetryPolicy, TimeoutType};
use crate::postal::{Chapter, ChapterNames};

const NAMES: ChapterNames = ChapterNames::STARTER;

mod notification;
mod payment;
mod query;
mod read;
mod signals;

use notification::notification_chapter;
use payment::{activities_chapter, retries_chapter};
use query::query_chapter;
pub(crate) use read::activities;
use read::{Activity, decision_failures, start_attributes, status, timers};
use signals::{delivered_chapter, loop_chapter, scan_once_chapter};

/// What the participant's run and the reference's share for a judgement.
pub(crate) struct Ctx<'a> {
    pub check: &'a Check,
    pub yours: &'a Run,
    pub reference: &'a Run,
    /// Whose words: Rust code and the simulator, or Go code and `check --go`.
    pub track: Track,
    /// How long a day of an estimate lasts in both runs.
    pub timer_unit: Duration,
}

impl Ctx<'_> {
    fn mine(&self) -> &[HistoryEvent] {
        &self.yours.history
    }

    /// How often the customer was notified: the worker's log if there is one, else
    /// the timers that fired (each firing notifies, in the workshop's code).
    fn notifications(&self) -> usize {
        self.yours.notifications.unwrap_or_else(|| timers(self.mine()).iter().filter(|t| t.fired.is_some()).count())
    }

    fn waits_on(&self, channel: &str) -> Option<bool> {
        self.yours.stack_trace.as_ref().map(|t| t.contains(&format!("a {channel} signal")))
    }

    /// What the code waits for, from its stack trace: "the first of: a ScanSignal signal".
    fn waiting_for(&self) -> String {
        let trace = self.yours.stack_trace.as_deref().unwrap_or_default();
        let waits: Vec<&str> = trace.lines().filter_map(|l| l.trim().strip_prefix("waiting for ")).collect();
        if waits.is_empty() { "something the checks do not send".into() } else { waits.join("; and ") }
    }
}

/// The run's problem, in the workshop's words.
pub(crate) fn problem(p: &Problem) -> String {
    match p {
        Problem::NotRegistered { workflow_type, registered } if registered.is_empty() => {
            format!("your worker registers no workflow: the checks start {workflow_type}; register it in register_workflow")
        }
        Problem::NotRegistered { workflow_type, registered } => format!(
            "your worker does not register {workflow_type} (it registers {}): the checks start the workshop's \
             {workflow_type}, so register your workflow under that name",
            registered.join(", ")
        ),
        Problem::Panicked(why) => {
            format!("your workflow code panicked: {why}. A Go worker would fail the decision task and retry it forever")
        }
        Problem::Deadlock { step, after, doing } => format!(
            "potential deadlock detected: a decision task did not yield for over {}s ({}the check's step {}). Workflow code \
             must never block the worker's thread: no std::thread::sleep, no waiting on the wall clock, no loop that \
             never awaits. Wait with ctx.new_timer(..) or a selector; and call select inside the loop, each select \
             handles one event",
            after.as_secs().max(1),
            if doing.is_empty() { String::new() } else { format!("{doing}, ") },
            step + 1
        ),
        Problem::Nondeterminism(why) => format!(
            "nondeterministic workflow: {why}. Replaying its own history, the code decided something else: workflow \
             code must decide the same way every time it runs. No wall clock (use ctx.now()), no random numbers (ask an \
             activity, like estimatedDeliveryTime), no std::thread::sleep (use a timer)"
        ),
        Problem::Infrastructure(why) => why.clone(),
    }
}

/// The first typical mistake this run shows, in the workshop's words.
pub(crate) fn mistake(c: &Ctx<'_>) -> Option<String> {
    common(c)
        .or_else(|| match c.check.chapter {
            Chapter::Activities => activities_chapter(c),
            Chapter::Retries => retries_chapter(c),
            Chapter::ScanOnce => scan_once_chapter(c),
            Chapter::Loop => loop_chapter(c),
            Chapter::Delivered => delivered_chapter(c),
            Chapter::Query => query_chapter(c),
            Chapter::Notification => notification_chapter(c),
        })
        .or_else(|| unread(c))
}

/// Signals the participant's code left unread where the reference read them all.
fn unread(c: &Ctx<'_>) -> Option<String> {
    let h = c.mine();
    if let (Some(mine), Some(theirs)) = (&c.yours.unread, &c.reference.unread) {
        if let Some((name, n)) = mine.iter().find(|(name, n)| *n > theirs.iter().find(|(t, _)| t == name).map_or(0, |(_, k)| *k)) {
            return Some(format!(
                "the workflow {} with {n} {name} signal{} it never read: the reference solution reads every one",
                if status(h) == "running" { "waits" } else { "ended" },
                if *n == 1 { "" } else { "s" }
            ));
        }
    }
    None
}

fn common(c: &Ctx<'_>) -> Option<String> {
    let h = c.mine();
    for details in decision_failures(h) {
        if details.contains("unable to find workflow type") {
            return Some(format!(
                "your worker does not run {}: its decision tasks fail with \"{}\". Register the workflow under the \
                 workshop's name",
                NAMES.workflow,
                details.trim()
            ));
        }
    }
    let acts = activities(h);
    let known = [NAMES.validate_payment, NAMES.ship_product, NAMES.estimated_delivery_time];
    for a in &acts {
        if let Some(f) = &a.failure {
            // A workshop name unregistered is the registration's fault; any other name, the call's.
            if let Some(name) = f.strip_prefix("unable to find activityType=").filter(|n| known.contains(n)) {
                return Some(format!(
                    "the activity {name} is not registered with your worker: its task failed with \"{f}\". Register it \
                     next to the workflow, as validatePayment is"
                ));
            }
        }
        if !known.contains(&a.activity_type.as_str()) {
            return Some(format!(
                "your workflow calls an activity named \"{}\"; the workshop's activities are validatePayment, shipProduct and \
                 estimatedDeliveryTime (a Go worker registers them with activity.RegisterOptions{{Name: ...}})",
                a.activity_type
            ));
        }
        let minute = Some(Duration::from_secs(60));
        if a.retry_policy.is_none() && a.timeouts != (minute, minute) {
            return Some(format!(
                "{} is scheduled with a schedule-to-start of {} and a start-to-close of {}; the workshop gives every \
                 activity one minute for each",
                a.activity_type,
                secs(a.timeouts.0),
                secs(a.timeouts.1)
            ));
        }
    }
    if let Some(a) = never_answered(c, &acts) {
        return Some(format!(
            "{0} was scheduled but never completed, where the reference solution's completed at once. A Go worker that \
             does not register {0} takes its task and never answers (its log says \"unable to find activityType={0}\"); \
             one that polls for no activities never takes it. Register {0} with your worker: \
             w.RegisterActivityWithOptions(.., activity.RegisterOptions{{Name: \"{0}\"}})",
            a.activity_type
        ));
    }
    if let Some(timeout) = decision_timeout(h) {
        return Some(format!(
            "a decision task of your workflow timed out: the worker took it but did not answer within the task's timeout \
             ({timeout}s), so the server wrote DecisionTaskTimedOut and handed the task out again. Your workflow code ran \
             that long without yielding to the SDK: a busy loop, or a sleep on the wall clock. Workflow code must wait \
             only the SDK's way: {}",
            match c.track {
                Track::Go => "workflow.Sleep or workflow.NewTimer, a Selector's Select, a Future's Get; never time.Sleep",
                Track::Rust => "ctx.new_timer(..), a selector's select, an .await; never std::thread::sleep",
            }
        ));
    }
    if let Some(details) = decision_failures(h).into_iter().next() {
        if c.reference.history.iter().all(|e| !matches!(e.attributes, EventAttributes::DecisionTaskFailed(_))) {
            return Some(format!("a decision task of your workflow failed: {}", details.trim()));
        }
    }
    None
}

/// On the Go track, the last activity of a running workflow that has no result (taken
/// by a worker or not: with a retry policy a real history writes ActivityTaskStarted
/// only once an attempt ends), where the reference completed the same call on its
/// first attempt: one it retries may still be between attempts. The simulator's worker
/// fails an unregistered activity at once, so the Rust track never sees this.
fn never_answered<'a>(c: &Ctx<'_>, acts: &'a [Activity]) -> Option<&'a Activity> {
    if c.track != Track::Go || status(c.mine()) != "running" {
        return None;
    }
    let last = acts.last().filter(|a| a.result.is_none() && a.failure.is_none())?;
    let nth = acts.iter().filter(|a| a.activity_type == last.activity_type).count();
    let theirs = activities(&c.reference.history);
    let same = theirs.iter().filter(|t| t.activity_type == last.activity_type).nth(nth - 1)?;
    (same.result.is_some() && same.attempt == Some(0)).then_some(last)
}

/// The timeout, in seconds, of the first decision task that timed out while running
/// (START_TO_CLOSE: a worker held it too long). A sticky task nobody picked up
/// (SCHEDULE_TO_START) is the server's affair, not the code's.
fn decision_timeout(h: &[HistoryEvent]) -> Option<u64> {
    let (i, scheduled) = h.iter().enumerate().find_map(|(i, e)| match &e.attributes {
        EventAttributes::DecisionTaskTimedOut(t) if t.timeout_type == TimeoutType::StartToClose => Some((i, t.scheduled_event_id)),
        _ => None,
    })?;
    let timeout = h[..i].iter().rev().find_map(|e| match &e.attributes {
        EventAttributes::DecisionTaskScheduled(d) if e.event_id == scheduled => d.start_to_close_timeout,
        _ => None,
    });
    Some(timeout.or_else(|| start_attributes(h).and_then(|a| a.task_start_to_close_timeout)).map_or(10, |d| d.as_secs()))
}

/// A retry policy in words: what the four numbers of `retry=1s,2,10s,3` are.
pub(crate) fn retry_words(p: &RetryPolicy) -> String {
    format!(
        "initial interval {}, backoff coefficient {}, maximum interval {}, maximum attempts {}",
        secs(p.initial_interval),
        p.backoff_coefficient,
        secs(p.maximum_interval),
        p.maximum_attempts
    )
}

fn secs(d: Option<Duration>) -> String {
    d.map_or("none".into(), |d| format!("{}s", d.as_secs()))
}
