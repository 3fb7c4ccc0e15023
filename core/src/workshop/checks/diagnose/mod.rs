//! Typical mistakes, recognised in a run and named in the workshop's words. Each
//! detector looks at the participant's run beside the reference solution's; none may
//! fire on the reference itself (tested). They read only what both tracks have: the
//! history and the step results (a Rust run's log and stack trace sharpen a few).

use std::time::Duration;

use super::{Check, Problem, Run, StepResult, Track};
use crate::history::{EventAttributes, HistoryEvent, RetryPolicy, TimeoutType};
use crate::postal::{Chapter, ChapterNames};
use crate::scenario::Step;

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
pub use read::unknown_workflow_type;
use read::{Activity, decision_failures, start_attributes, status, supported_types, timers, unread_count};
use signals::{delivered_chapter, loop_chapter, scan_lost_to_the_delivery, scan_once_chapter};

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

/// The run's problem, in the workshop's words; `check` is the check it happened in.
pub(crate) fn problem(p: &Problem, check: &Check) -> String {
    let at_step = |step: usize, doing: &str| {
        if doing.is_empty() { format!("the check's step {}", step + 1) } else { format!("{doing}, the check's step {}", step + 1) }
    };
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
        Problem::Deadlock { step, after, doing } => match check.steps().get(*step) {
            Some(Step::Query { name, .. }) => format!(
                "the {name} query handler did not return for over {}s ({}): a query handler must return at once, reading \
                 the workflow's state only. No std::thread::sleep, no waiting, no loop in it: it runs on the worker's \
                 thread, and one that blocks holds that thread while the caller's query times out",
                after.as_secs().max(1),
                at_step(*step, doing)
            ),
            _ => format!(
                "potential deadlock detected: a decision task did not yield for over {}s ({}). Workflow code must never \
                 block the worker's thread: no std::thread::sleep, no waiting on the wall clock, no loop that never \
                 awaits. Wait with ctx.new_timer(..) or a selector; and call select inside the loop, each select handles \
                 one event",
                after.as_secs().max(1),
                at_step(*step, doing)
            ),
        },
        Problem::ActivityDidNotReturn { activity_type, attempt, step, after, doing } => format!(
            "your activity {activity_type} did not return: its attempt {attempt} was still running after {}s ({}), which \
             is as long as the checks wait, where the workshop's activities return at once. A loop that never ends, or a \
             wait that never comes back? A real Cadence server would wait longer, up to the attempt's start-to-close \
             timeout (a minute in the workshop), then write ActivityTaskTimedOut (with a retry policy, only once no \
             attempt is left), and your workflow code would get a timeout error instead of a result. An activity must \
             return, Ok(..) or Err(..), within its start-to-close timeout",
            after.as_secs().max(1),
            at_step(*step, doing)
        ),
        Problem::CorruptSignal { channel, error, count } => corrupt_signal(channel, error, *count),
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
        // A scan lost to a delivery beside it shows in chapter 6's answers and chapter
        // 7's timers too: named before what those chapters would take it for.
        .or_else(|| (c.check.chapter >= Chapter::Delivered).then(|| scan_lost_to_the_delivery(c)).flatten())
        .or_else(|| chapter_mistake(c, c.check.chapter))
        // The loop that delivery ends stays in chapters 6 and 7, and so does its typical
        // mistake. Its conditions hold against any later chapter's reference; other
        // chapters' do not (chapter 3's "completed without a scan" is right in chapter 5).
        .or_else(|| (c.check.chapter > Chapter::Delivered).then(|| delivered_chapter(c)).flatten())
        .or_else(|| unread(c))
}

/// The typical mistakes of what `chapter` teaches.
fn chapter_mistake(c: &Ctx<'_>, chapter: Chapter) -> Option<String> {
    match chapter {
        Chapter::Activities => activities_chapter(c),
        Chapter::Retries => retries_chapter(c),
        Chapter::ScanOnce => scan_once_chapter(c),
        Chapter::Loop => loop_chapter(c),
        Chapter::Delivered => delivered_chapter(c),
        Chapter::Query => query_chapter(c),
        Chapter::Notification => notification_chapter(c),
    }
}

/// A query handler that panicked: on a Go worker the query alone fails, with the
/// panic's message, and the workflow goes on (not the decision task: it is not
/// workflow code that failed).
fn query_handler_panicked(c: &Ctx<'_>) -> Option<String> {
    let (i, why) = c.yours.steps.iter().enumerate().find_map(|(i, s)| match s {
        StepResult::Refused(why) => why.strip_prefix(crate::workshop::checks::QUERY_HANDLER_PANIC).map(|w| (i, w)),
        _ => None,
    })?;
    let name = match c.check.steps().get(i) {
        Some(Step::Query { name, .. }) => name.clone(),
        _ => "query".into(),
    };
    Some(format!(
        "your {name} query handler panicked: {why} (the check's step {}). On a Cadence worker a panic in a query handler \
         fails that query alone (the caller gets \"query handler panic: ...\") and the workflow goes on, but nobody can \
         ask it where the package is: a handler must return the workflow's state as it is, and never panic on what may \
         not be there yet",
        i + 1
    ))
}

/// Signals the participant's code left unread where the reference read them all.
fn unread(c: &Ctx<'_>) -> Option<String> {
    let h = c.mine();
    if let (Some(mine), Some(theirs)) = (&c.yours.unread, &c.reference.unread)
        && let Some((name, n)) = mine.iter().find(|(name, n)| *n > unread_count(theirs, name))
    {
        return Some(format!(
            "the workflow {} with {n} {name} signal{} it never read: the reference solution reads every one",
            if status(h) == "running" { "waits" } else { "ended" },
            if *n == 1 { "" } else { "s" }
        ));
    }
    None
}

fn common(c: &Ctx<'_>) -> Option<String> {
    if let Some(m) = query_handler_panicked(c) {
        return Some(m);
    }
    let h = c.mine();
    if let Some(details) = unknown_workflow_type(h) {
        // Go names a function registered without a name by its package: main.OrderProcessingWorkflow.
        let go_name = supported_types(&details).into_iter().find(|t| t.ends_with(&format!(".{}", NAMES.workflow)));
        let how = match go_name {
            Some(go_name) => format!(
                ": a Go worker knows a function registered without a name by its Go name ({go_name}), so give it \
                 the name, w.RegisterWorkflowWithOptions({0}, workflow.RegisterOptions{{Name: \"{0}\"}})",
                NAMES.workflow
            ),
            None => String::new(),
        };
        return Some(format!(
            "your worker does not run {}: its decision tasks fail with \"{}\". Register the workflow under the \
             workshop's name{how}",
            NAMES.workflow,
            details.trim()
        ));
    }
    let acts = activities(h);
    let known = [NAMES.validate_payment, NAMES.ship_product, NAMES.estimated_delivery_time];
    for a in &acts {
        if let Some(m) = activity_panicked(c, a) {
            return Some(m);
        }
        if let Some(f) = &a.failure {
            // A workshop name unregistered is the registration's fault; any other name, the call's.
            if let Some((name, supported)) = unable_to_find(f).filter(|(n, _)| known.contains(n)) {
                let close: Vec<&str> = supported.iter().copied().filter(|s| close_names(s, name)).collect();
                if !close.is_empty() {
                    let (names, one) = if close.len() == 1 { ("it as", "it") } else { ("them as", "one") };
                    return Some(format!(
                        "the activity {name} is not registered with your worker under that name: its task failed with \
                         \"{f}\". Your worker registers {names} {}: the name a workflow calls must match the registered \
                         name exactly, case included. Register {one} as \"{name}\"",
                        close.iter().map(|n| format!("\"{n}\"")).collect::<Vec<_>>().join(", ")
                    ));
                }
                return Some(format!(
                    "the activity {name} is not registered with your worker: its task failed with \"{f}\". Register it \
                     next to the workflow, as validatePayment is"
                ));
            }
        }
        if let Some(m) = activity_timed_out(a) {
            return Some(m);
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
    if let Some(details) = decision_failures(h).into_iter().next()
        && c.reference.history.iter().all(|e| !matches!(e.attributes, EventAttributes::DecisionTaskFailed(_)))
    {
        return Some(format!("a decision task of your workflow failed: {}", details.trim()));
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

/// The activity type and the supported types of the Go worker's "unable to find
/// activityType=shipProduct. Supported types: [validatePayment, ShipProduct]" (the
/// simulator's worker writes the first part alone when the list is not known).
fn unable_to_find(failure: &str) -> Option<(&str, Vec<&str>)> {
    let rest = failure.strip_prefix("unable to find activityType=")?;
    let name = rest.split_once(". Supported types: [").map_or(rest, |(name, _)| name);
    Some((name, supported_types(rest)))
}

/// Whether a registered name is the called one mistyped: alike but for case, `_`
/// or `-`, or one or two letters.
fn close_names(registered: &str, called: &str) -> bool {
    let plain = |s: &str| s.chars().filter(|c| *c != '_' && *c != '-').flat_map(char::to_lowercase).collect::<Vec<char>>();
    let (a, b) = (plain(registered), plain(called));
    registered != called && (a == b || edit_distance(&a, &b) <= 2)
}

fn edit_distance(a: &[char], b: &[char]) -> usize {
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = (diagonal + usize::from(ca != cb)).min(above + 1).min(row[j] + 1);
            diagonal = above;
        }
    }
    row[b.len()]
}

/// An activity that panicked: a Go worker recovers the panic and fails the activity
/// alone, with reason `cadenceInternal:Panic` and the message and stack as details.
fn activity_panicked(c: &Ctx<'_>, a: &Activity) -> Option<String> {
    let (message, stack) = a.panic.as_ref()?;
    // The Rust track's stack is the line that panicked, under the Go worker's top line.
    let at = stack.lines().skip(1).map(str::trim).find(|l| l.rsplit_once(':').is_some_and(|(_, n)| n.parse::<u32>().is_ok()));
    let (at, instead) = match c.track {
        Track::Rust => (
            at.map(|l| format!(" at {l}")).unwrap_or_default(),
            "return Err(..) from the activity for what it cannot handle (no unwrap on input it has not checked)",
        ),
        Track::Go => ("".into(), "return an error from the activity for what it cannot handle"),
    };
    Some(format!(
        "your activity {} panicked{at}: {message}. A Go worker recovers a panic in an activity and fails that activity \
         alone (ActivityTaskFailed, reason cadenceInternal:Panic), not the decision task: your workflow code gets it as \
         the activity's error{}. An activity should not panic: {instead}",
        a.activity_type,
        if a.retry_policy.is_some() { ", once the retry policy's attempts are used up" } else { "" }
    ))
}

/// An activity whose last attempt timed out while it ran: on a real server, an
/// activity that did not return within its start-to-close timeout.
fn activity_timed_out(a: &Activity) -> Option<String> {
    if a.timed_out != Some(crate::history::TimeoutType::StartToClose) {
        return None;
    }
    Some(format!(
        "your activity {0} did not return within its start-to-close timeout ({1}): the server wrote ActivityTaskTimedOut \
         and your workflow code got a timeout error instead of a result. A loop that never ends, or a wait that never \
         comes back, in {0}? An activity must return its result or its error in time",
        a.activity_type,
        secs(a.timeouts.1)
    ))
}

/// Signals of `channel` that the code dropped as corrupt, in the workshop's words.
fn corrupt_signal(channel: &str, error: &str, count: usize) -> String {
    let carries = match channel {
        "ScanSignal" => {
            "A ScanSignal carries a JSON object with the location, {\"location\":\"Delft\"}: the reference solution reads \
             it as the workshop's ScanSignal type, ctx.signal_channel::<ScanSignal>(\"ScanSignal\")"
        }
        "DeliveredSignal" => {
            "A DeliveredSignal carries no data: it is sent without input, so its payload is empty, and a type that needs \
             a value (a String, or ()) finds nothing to decode. The reference solution takes it as \
             ctx.signal_channel::<IgnoredAny>(\"DeliveredSignal\"): IgnoredAny accepts any payload, the empty one \
             included, as Go's c.Receive(ctx, nil) does"
        }
        _ => "Declare the channel with the type the workshop's signal carries",
    };
    format!(
        "your code dropped {} as corrupt: the channel's type cannot hold what the signal carries. The workflow's log \
         says \"Corrupt signal received on channel {channel}\" ({error}), and the workflow went on waiting as if no \
         {channel} had come. {carries}",
        if count == 1 { format!("the {channel} signal") } else { format!("{count} {channel} signals") }
    )
}
