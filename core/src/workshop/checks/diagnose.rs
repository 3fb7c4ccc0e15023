//! Typical mistakes, recognised in a run and named in the workshop's words. Each
//! detector looks at the participant's run beside the reference solution's; none may
//! fire on the reference itself (tested). They read only what both tracks have: the
//! history and the step results (a Rust run's log and stack trace sharpen a few).

use std::time::Duration;

use super::{Check, Problem, Run, StepResult, Track};
use crate::history::{EventAttributes, HistoryEvent, RetryPolicy, TimeoutType};
use crate::payload::Payload;
use crate::postal::{Chapter, ChapterNames};

const NAMES: ChapterNames = ChapterNames::STARTER;

/// One activity as its history shows it.
#[derive(Clone, Debug)]
pub(crate) struct Activity {
    pub activity_type: String,
    pub input: String,
    pub retry_policy: Option<RetryPolicy>,
    pub timeouts: (Option<Duration>, Option<Duration>),
    /// The attempt of the `ActivityTaskStarted`, if written.
    pub attempt: Option<i32>,
    pub result: Option<Payload>,
    pub failure: Option<String>,
    /// Index in the history of the scheduled event.
    pub at: usize,
}

pub(crate) fn activities(h: &[HistoryEvent]) -> Vec<Activity> {
    let mut out: Vec<(i64, Activity)> = Vec::new();
    for (i, e) in h.iter().enumerate() {
        match &e.attributes {
            EventAttributes::ActivityTaskScheduled(a) => out.push((
                e.event_id,
                Activity {
                    activity_type: a.activity_type.name.to_string(),
                    input: a.input.as_ref().map(Payload::to_text).unwrap_or_default(),
                    retry_policy: a.retry_policy.clone(),
                    timeouts: (a.schedule_to_start_timeout, a.start_to_close_timeout),
                    attempt: None,
                    result: None,
                    failure: None,
                    at: i,
                },
            )),
            EventAttributes::ActivityTaskStarted(a) => {
                if let Some((_, act)) = out.iter_mut().find(|(s, _)| *s == a.scheduled_event_id) {
                    act.attempt = Some(a.attempt);
                }
            }
            EventAttributes::ActivityTaskCompleted(a) => {
                if let Some((_, act)) = out.iter_mut().find(|(s, _)| *s == a.scheduled_event_id) {
                    act.result = Some(a.result.clone().unwrap_or_default());
                }
            }
            EventAttributes::ActivityTaskFailed(a) => {
                if let Some((_, act)) = out.iter_mut().find(|(s, _)| *s == a.scheduled_event_id) {
                    act.failure = Some(a.failure.clone().unwrap_or_default().details_text());
                }
            }
            _ => {}
        }
    }
    out.into_iter().map(|(_, a)| a).collect()
}

/// One timer as its history shows it.
#[derive(Clone, Debug)]
struct Timer {
    id: String,
    after: Duration,
    started: usize,
    fired: Option<usize>,
    canceled: Option<usize>,
}

fn timers(h: &[HistoryEvent]) -> Vec<Timer> {
    let mut out: Vec<Timer> = Vec::new();
    for (i, e) in h.iter().enumerate() {
        match &e.attributes {
            EventAttributes::TimerStarted(t) => out.push(Timer {
                id: t.timer_id.to_string(),
                after: t.start_to_fire_timeout.unwrap_or_default(),
                started: i,
                fired: None,
                canceled: None,
            }),
            EventAttributes::TimerFired(t) => {
                if let Some(x) = out.iter_mut().find(|x| x.id == t.timer_id) {
                    x.fired = Some(i);
                }
            }
            EventAttributes::TimerCanceled(t) => {
                if let Some(x) = out.iter_mut().find(|x| x.id == t.timer_id) {
                    x.canceled = Some(i);
                }
            }
            _ => {}
        }
    }
    out
}

/// Indexes of the signals of one name.
fn signals(h: &[HistoryEvent], name: &str) -> Vec<usize> {
    h.iter()
        .enumerate()
        .filter(|(_, e)| matches!(&e.attributes, EventAttributes::WorkflowExecutionSignaled(s) if s.signal_name == name))
        .map(|(i, _)| i)
        .collect()
}

fn status(h: &[HistoryEvent]) -> &'static str {
    crate::scenario::status_of(h)
}

fn of_type<'a>(acts: &'a [Activity], name: &str) -> Vec<&'a Activity> {
    acts.iter().filter(|a| a.activity_type == name).collect()
}

fn decision_failures(h: &[HistoryEvent]) -> Vec<String> {
    h.iter()
        .filter_map(|e| match &e.attributes {
            EventAttributes::DecisionTaskFailed(d) => Some(d.failure.clone().unwrap_or_default().details_text()),
            _ => None,
        })
        .collect()
}

fn completed_or_failed_before(h: &[HistoryEvent], i: usize) -> bool {
    h[..i.min(h.len())].iter().any(|e| e.event_type().is_workflow_close())
}

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

fn start_attributes(h: &[HistoryEvent]) -> Option<&crate::history::WorkflowExecutionStartedEventAttributes> {
    h.iter().find_map(|e| match &e.attributes {
        EventAttributes::WorkflowExecutionStarted(a) => Some(&**a),
        _ => None,
    })
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

fn activities_chapter(c: &Ctx<'_>) -> Option<String> {
    let h = c.mine();
    let acts = activities(h);
    let pay = of_type(&acts, NAMES.validate_payment);
    let ship = of_type(&acts, NAMES.ship_product);
    if pay.is_empty() {
        return Some("the workflow never calls validatePayment: execute the activity first and wait for its result".into());
    }
    let ref_acts = activities(&c.reference.history);
    for (mine, theirs) in
        [(pay.first(), of_type(&ref_acts, NAMES.validate_payment).first()), (ship.first(), of_type(&ref_acts, NAMES.ship_product).first())]
    {
        if let (Some(Some(got)), Some(Some(want))) = (mine.map(|a| &a.result), theirs.map(|a| &a.result)) {
            if got != want {
                return Some(format!(
                    "{} returns {} where the workshop's returns {}",
                    mine.map(|a| a.activity_type.as_str()).unwrap_or_default(),
                    got.to_text().trim(),
                    want.to_text().trim()
                ));
            }
        }
    }
    match c.check.name {
        "amount-over-25" => {
            if pay[0].result.is_some() {
                return Some(
                    "validatePayment accepted an order of 30: it must refuse an amount over 25 with an error \
                     (\"payment validation failed for order: <id>\")"
                        .into(),
                );
            }
            if pay[0].failure.is_some() && (!ship.is_empty() || status(h) == "completed") {
                return Some(
                    "the payment failed but the workflow went on: return the activity's error from the workflow \
                     (\"validate payment for order: ...\") instead of ignoring it"
                        .into(),
                );
            }
        }
        "no-customer" => {
            if ship.first().is_some_and(|s| s.result.is_some()) {
                return Some("shipProduct shipped an order without a customer: refuse it with the error \"customer is required\"".into());
            }
        }
        _ => {
            if pay[0].failure.is_some() && c.check.name != "amount-over-25" {
                return Some(format!("validatePayment refused a valid order: {}", pay[0].failure.clone().unwrap_or_default()));
            }
        }
    }
    if ship.is_empty() && !of_type(&ref_acts, NAMES.ship_product).is_empty() {
        return Some("the workflow never calls shipProduct: execute it once validatePayment has succeeded".into());
    }
    None
}

fn retries_chapter(c: &Ctx<'_>) -> Option<String> {
    let acts = activities(c.mine());
    let pay = of_type(&acts, NAMES.validate_payment);
    if pay.len() > 1 {
        return Some(format!(
            "the workflow scheduled validatePayment {} times: retries are the server's job. Give the one activity a retry \
             policy instead of calling it again",
            pay.len()
        ));
    }
    let first = pay.first()?;
    match &first.retry_policy {
        None if first.failure.as_deref().is_some_and(|f| f.contains("temporary issue")) => {
            return Some(
                "validatePayment failed on its first attempt (\"temporary issue, please retry\") and the workflow failed with \
                 it: the activity has no retry policy"
                    .into(),
            );
        }
        None if first.result.is_some() && first.attempt == Some(0) => {
            return Some(
                "validatePayment succeeded on its first attempt: make it fail on attempts 0 and 1 with \"temporary issue, \
                 please retry\", as a flaky payment provider would, then give it a retry policy"
                    .into(),
            );
        }
        None => return Some("validatePayment has no retry policy: add the workshop's (1 s, x2, at most 10 s, 3 attempts)".into()),
        Some(p) => {
            let want = c.reference.history.iter().find_map(|e| match &e.attributes {
                EventAttributes::ActivityTaskScheduled(a) if a.activity_type.name == NAMES.validate_payment => a.retry_policy.clone(),
                _ => None,
            });
            if let Some(want) = want {
                if *p != want {
                    return Some(format!(
                        "validatePayment's retry policy has {}; the workshop's has {} (1 s before the first retry, each wait \
                         twice the last, at most 10 s between attempts, 3 attempts in all)",
                        retry_words(p),
                        retry_words(&want)
                    ));
                }
            }
        }
    }
    if first.result.is_some() && first.attempt == Some(0) {
        return Some(
            "validatePayment succeeded on its first attempt: make it fail on attempts 0 and 1 with \"temporary issue, please \
             retry\" (ctx.attempt), as a flaky payment provider would"
                .into(),
        );
    }
    for a in of_type(&acts, NAMES.ship_product) {
        if a.retry_policy.is_some() {
            return Some("shipProduct got the retry policy too: the workshop gives it to validatePayment only".into());
        }
    }
    None
}

/// After shipping, the workflow closed though the reference waited for a signal.
fn closed_without_waiting(c: &Ctx<'_>, signal: &str) -> bool {
    let h = c.mine();
    let closed = status(h) == "completed";
    let mine_signals = signals(h, signal);
    closed
        && (mine_signals.is_empty() || mine_signals.iter().all(|&i| completed_or_failed_before(h, i)))
        && status(&c.reference.history) != "completed"
        || closed
            && c.reference
                .steps
                .iter()
                .zip(&c.yours.steps)
                .any(|(r, y)| matches!(r, StepResult::Done) && matches!(y, StepResult::Refused(_)))
            && !signals(&c.reference.history, signal).is_empty()
            && signals(h, signal).len() < signals(&c.reference.history, signal).len()
}

fn scan_once_chapter(c: &Ctx<'_>) -> Option<String> {
    let h = c.mine();
    if closed_without_waiting(c, "ScanSignal") || (status(h) == "completed" && signals(h, "ScanSignal").is_empty()) {
        return Some(
            "the workflow completed right after shipping without waiting for a scan: it must wait until a ScanSignal arrives \
             (receive().await waits; try_receive, Go's ReceiveAsync, does not)"
                .into(),
        );
    }
    if status(h) == "running" && status(&c.reference.history) == "completed" && !signals(h, "ScanSignal").is_empty() {
        if c.waits_on("ScanSignal") == Some(false) {
            return Some(format!(
                "the workflow is still waiting after the ScanSignal arrived, but not for a ScanSignal (it waits for {}): \
                 check the channel's name, the workshop's signal is \"ScanSignal\"",
                c.waiting_for()
            ));
        }
        if c.track == Track::Go {
            // No stack trace from a real server: whether the code read the signal
            // cannot be told, only that the signal reached the workflow.
            return Some(
                "the workflow is still running after the scan, though the ScanSignal reached it (the history shows \
                 WorkflowExecutionSignaled, signal ScanSignal). If your code waits on a signal channel of another name, \
                 it never gets this one: the name must match exactly, case included (\"ScanSignal\", not \"scanSignal\"). \
                 If it does read ScanSignal: add the location to the list and return"
                    .into(),
            );
        }
        return Some("the workflow is still running after the scan: read one ScanSignal, add its location to the list and return".into());
    }
    None
}

fn loop_chapter(c: &Ctx<'_>) -> Option<String> {
    let h = c.mine();
    if status(h) == "completed" && status(&c.reference.history) == "running" {
        return Some(
            "the workflow completed after the first scan: a package is scanned many times on its way. Keep calling select in \
             a loop"
                .into(),
        );
    }
    if let Some(trace) = &c.yours.stack_trace {
        if trace.contains("unread in the channel") && status(h) == "running" {
            return Some(format!(
                "scans are left unread in the ScanSignal channel while the workflow waits for {}: every select handles one \
                 signal, so the loop must come back to select",
                c.waiting_for()
            ));
        }
    }
    None
}

fn delivered_chapter(c: &Ctx<'_>) -> Option<String> {
    let h = c.mine();
    let delivered = signals(h, "DeliveredSignal");
    if status(h) == "running" && status(&c.reference.history) == "completed" && !delivered.is_empty() {
        return Some(match c.waits_on("DeliveredSignal") {
            Some(false) => format!(
                "the workflow does not read DeliveredSignal: it is still running and waits for {}. Add a receive case for \
                 the channel \"DeliveredSignal\" (named exactly so) to the selector",
                c.waiting_for()
            ),
            // Without a stack trace (a real server's run) the history cannot tell whether the code reads the channel.
            reads => format!(
                "the workflow is still running after DeliveredSignal: delivered must end the loop (loop while not \
                 delivered, then return the result){}",
                if reads.is_some() {
                    ""
                } else {
                    ". The signal did reach the workflow (WorkflowExecutionSignaled, signal DeliveredSignal): if your \
                     selector has no case for a channel named exactly \"DeliveredSignal\" (case included), your code \
                     never gets it"
                }
            ),
        });
    }
    if status(h) == "completed" && delivered.is_empty() {
        return Some("the workflow completed without a DeliveredSignal: only delivery ends the loop".into());
    }
    None
}

fn query_chapter(c: &Ctx<'_>) -> Option<String> {
    let pairs: Vec<(usize, &StepResult, &StepResult)> =
        c.yours.steps.iter().zip(&c.reference.steps).enumerate().map(|(i, (y, r))| (i, y, r)).collect();
    let refused: Vec<&(usize, &StepResult, &StepResult)> =
        pairs.iter().filter(|(_, y, r)| matches!(r, StepResult::Answer(_)) && matches!(y, StepResult::Refused(_))).collect();
    let answered = pairs.iter().any(|(_, y, r)| matches!(r, StepResult::Answer(_)) && matches!(y, StepResult::Answer(_)));
    if !refused.is_empty() {
        let why = match refused[0].1 {
            StepResult::Refused(w) => w.clone(),
            _ => String::new(),
        };
        if answered && c.check.name == "status-while-paying" {
            return Some(format!(
                "the current_status query failed while the payment was being retried ({why}): register the query handler \
                 before the first activity, at the top of the workflow"
            ));
        }
        if !answered {
            let known = known_query_types(&why);
            if known.is_empty() {
                return Some(format!("the workflow does not answer current_status ({why}): register a query handler for it"));
            }
            let (handlers, one) = if known.len() == 1 { ("handler is", "it") } else { ("handlers are", "one") };
            return Some(format!(
                "the workflow does not answer current_status: its query {handlers} registered as {} (the workflow knows \
                 the query types {}). Register {one} as \"current_status\", exactly: the name a query asks for must \
                 match, case and underscore included",
                known.iter().map(|k| format!("\"{k}\"")).collect::<Vec<_>>().join(", "),
                known_list(&why)
            ));
        }
    }
    for (_, y, r) in &pairs {
        let (StepResult::Answer(y), StepResult::Answer(r)) = (y, r) else { continue };
        let (Ok(yv), Ok(rv)) = (serde_json::from_str::<serde_json::Value>(y), serde_json::from_str::<serde_json::Value>(r)) else {
            continue;
        };
        if yv == rv {
            continue;
        }
        let shape_ok = yv.get("delivered").is_some_and(serde_json::Value::is_boolean)
            && yv.get("locationHistory").is_some_and(serde_json::Value::is_array);
        if !shape_ok {
            return Some(format!(
                "current_status answered {yv}; the workshop's answer has the shape {{\"delivered\": false, \"locationHistory\": \
                 [\"Aarhus\", ...]}}"
            ));
        }
        if yv["locationHistory"] != rv["locationHistory"] {
            return Some(format!(
                "current_status answered {} where the package had been at {}: the handler must read the workflow's current \
                 state (shared with the loop, e.g. in an Rc<RefCell<..>>), not a copy made when it was registered",
                yv["locationHistory"], rv["locationHistory"]
            ));
        }
        if yv["delivered"] != rv["delivered"] {
            return Some(format!(
                "current_status says delivered: {} after DeliveredSignal: set delivered in the state the handler reads",
                yv["delivered"]
            ));
        }
    }
    None
}

/// The query types an "unknown queryType" refusal lists (`KnownQueryTypes=[a b]`, as the
/// Go client and the simulator both write it).
fn known_list(why: &str) -> String {
    let list = why.split_once("KnownQueryTypes=[").and_then(|(_, rest)| rest.split_once(']')).map_or("", |(l, _)| l);
    list.split_whitespace().collect::<Vec<_>>().join(", ")
}

/// The participant's own query types in such a refusal: not the SDK's built-in ones
/// (`__stack_trace`, `__open_sessions`, `__query_types`).
fn known_query_types(why: &str) -> Vec<String> {
    if !why.contains("unknown queryType") {
        return Vec::new();
    }
    known_list(why).split(", ").filter(|k| !k.is_empty() && !k.starts_with("__")).map(str::to_owned).collect()
}

/// "twice", "3 times".
fn times(n: usize) -> String {
    match n {
        1 => "once".into(),
        2 => "twice".into(),
        n => format!("{n} times"),
    }
}

fn notification_chapter(c: &Ctx<'_>) -> Option<String> {
    let h = c.mine();
    let acts = activities(h);
    let estimates = of_type(&acts, NAMES.estimated_delivery_time);
    let ts = timers(h);
    if estimates.is_empty() && !of_type(&activities(&c.reference.history), NAMES.estimated_delivery_time).is_empty() {
        return Some(if ts.is_empty() {
            "there is no notification timer: after shipping, ask estimatedDeliveryTime how many days are left and start a \
             timer for that long"
                .into()
        } else {
            "the timer was started without an estimate: ask estimatedDeliveryTime first (a random number in the workflow \
             itself would break replay)"
                .into()
        });
    }
    // A timer started while an older one is still pending: the scan did not cancel it.
    for (k, t) in ts.iter().enumerate() {
        let older_pending = ts[..k].iter().any(|o| o.fired.is_none_or(|f| f > t.started) && o.canceled.is_none_or(|x| x > t.started));
        if older_pending {
            // Every timer never canceled notifies when it fires: the ones that fired
            // did, the ones still running (or ended with the workflow) would have.
            let left_running = ts.iter().filter(|t| t.canceled.is_none()).count();
            let fired = c.notifications();
            return Some(if fired >= 2 {
                format!(
                    "the customer was notified {}: the old timer was not canceled when the package was scanned, so each \
                     timer started ran to its end and notified",
                    times(fired)
                )
            } else {
                format!(
                    "the customer would be notified {}: the old timer was not canceled when the package was scanned, so \
                     each timer started runs to its end and notifies ({} fired before the check ended)",
                    times(left_running.max(2)),
                    if fired == 0 { "none".to_owned() } else { format!("only {fired}") }
                )
            });
        }
    }
    let ref_timers = timers(&c.reference.history);
    // A scan canceled the last timer and started none, though none had fired: a
    // canceled timer was taken for the notification.
    if let Some(last) = ts.last() {
        if let Some(x) = last.canceled {
            if ts.iter().all(|t| t.fired.is_none()) && !estimates.iter().any(|a| a.at > x) && ref_timers.len() > ts.len() {
                return Some(format!(
                    "the customer is never notified: a scan canceled the timer but asked for no new estimate and started no \
                     new timer, as if the customer had been notified already, though no timer had fired. The timer an \
                     earlier scan canceled was taken for the notification: a canceled timer's {}",
                    match c.track {
                        Track::Go =>
                            "future is ready at once, with an error. In the timer's callback, return when f.Get \
                                      gives a *cadence.CanceledError (errors.As(err, &canceled)); only a timer that fired \
                                      sets notificationSent",
                        Track::Rust =>
                            "case is ready at once, with Err(Canceled). Set notification_sent only when the \
                                        timer's result is Ok(()), for a timer that fired",
                    }
                ));
            }
        }
    }
    // A scan, before any notification, that left the running timer as it was.
    let mine_scans = signals(h, "ScanSignal");
    let ref_scans = signals(&c.reference.history, "ScanSignal");
    for (n, &s) in mine_scans.iter().enumerate() {
        let until = |scans: &[usize], len: usize| scans.get(n + 1).copied().unwrap_or(len);
        let pending = ts.iter().any(|t| t.started < s && t.fired.is_none_or(|f| f > s) && t.canceled.is_none_or(|x| x > s));
        let fired_before = ts.iter().any(|t| t.fired.is_some_and(|f| f < s));
        let end = until(&mine_scans, h.len());
        let touched = ts.iter().any(|t| (s..end).contains(&t.started) || t.canceled.is_some_and(|x| (s..end).contains(&x)));
        let reference_cancels = ref_scans.get(n).is_some_and(|&r| {
            let end = until(&ref_scans, c.reference.history.len());
            ref_timers.iter().any(|t| t.canceled.is_some_and(|x| (r..end).contains(&x)))
        });
        if pending && !fired_before && !touched && reference_cancels {
            return Some(
                "a scan did not restart the notification timer: the old timer kept running, as first set from Aarhus. On \
                 every scan, until the customer is notified, cancel the old timer, ask estimatedDeliveryTime again from the \
                 new location and start a new timer for that many days"
                    .into(),
            );
        }
    }
    if let Some(first_fired) = ts.iter().filter_map(|t| t.fired).min() {
        if ts.iter().any(|t| t.started > first_fired) || estimates.iter().any(|a| a.at > first_fired) {
            return Some(
                "the notification was sent again after a scan: once the customer has been notified, a scan asks for no \
                 estimate and starts no timer"
                    .into(),
            );
        }
    }
    let delivered_at = signals(h, "DeliveredSignal").first().copied();
    if let (Some(d), Some(f)) = (delivered_at, ts.iter().filter_map(|t| t.fired).min()) {
        if f > d && c.notifications() > 0 {
            return Some("the customer was notified after the package was delivered: delivery must end the workflow first".into());
        }
    }
    // Each estimate's location, and each timer's length against its estimate.
    let ref_acts = activities(&c.reference.history);
    let ref_estimates = of_type(&ref_acts, NAMES.estimated_delivery_time);
    for (mine, theirs) in estimates.iter().zip(&ref_estimates) {
        if mine.input != theirs.input {
            let location = |input: &str| input.lines().nth(1).unwrap_or("").to_owned();
            return Some(format!(
                "estimatedDeliveryTime was asked from {} where the package was last seen at {}: start the estimate from the \
                 last location in the list",
                location(&mine.input),
                location(&theirs.input)
            ));
        }
    }
    for (mine, theirs) in ts.iter().zip(&ref_timers) {
        if mine.after != theirs.after {
            return Some(timer_length(c, mine.after, theirs.after));
        }
    }
    None
}

/// A timer of `mine` where the estimate asks for `want`, in the track's words.
fn timer_length(c: &Ctx<'_>, mine: Duration, want: Duration) -> String {
    let (m, w) = (mine.as_secs(), want.as_secs());
    if c.track == Track::Rust {
        return format!(
            "a timer waits {m}s where the estimate asks for {w}s: start it for the estimated days, a day being a minute here \
             (Duration::from_secs(60) * days)"
        );
    }
    let unit = c.timer_unit.as_secs().max(1);
    let days = (w / unit).max(1);
    let yours = if m % days == 0 && m > 0 {
        format!(
            " If your worker's day lasts {}s, run the check with --timer-unit {}s; if it is meant to last {unit}s, start the \
             timer for the estimated days times that (time.Duration(days) * time.Minute in the workshop)",
            m / days,
            m / days
        )
    } else {
        " Start the timer for the estimated days times your worker's day (time.Duration(days) * time.Minute in the workshop)".to_owned()
    };
    format!(
        "a timer waits {m}s where the estimate of {} asks for {w}s: the check counts a day as {unit}s (its \
         --timer-unit, 60s unless you give another), but your worker's timers count a day differently.{yours}",
        crate::count::many(days, "day")
    )
}
