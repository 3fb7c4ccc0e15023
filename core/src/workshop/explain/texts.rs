//! The words of the explanations, one function per event type. Written for someone
//! who meets Cadence for the first time; the Go names (`ExecuteActivity`,
//! `updateTimeout`) are the workshop's, so the texts match the code participants write.

use super::links::{Links, activity_scheduled_id, decision_task_completed_id};
use super::{Explanation, Related, Role};
use crate::engine::limits;
use crate::history::derived::{OpenDecisionTask, derive};
use crate::history::{
    ActivityTaskScheduledEventAttributes, CAUSE_FORCE_CLOSE_DECISION, CAUSE_UNHANDLED_DECISION, CAUSE_WORKFLOW_WORKER_UNHANDLED_FAILURE,
    EventAttributes, EventType, HistoryEvent, TimeoutType, WorkflowExecutionFailedEventAttributes,
    WorkflowExecutionSignaledEventAttributes, table,
};
use crate::payload::Payload;
use crate::time::format_duration;

/// Refusals a participant meets, and what Cadence means by them.
pub(super) const REFUSALS: &[(&[&str], &str)] = &[
    (
        // The engine's refusal, and the front ends' own before they send anything.
        &["already completed", "refuses signals to a closed workflow", "refuses to terminate a closed workflow"],
        "The workflow is closed. Cadence accepts no signal for a closed workflow, nor a terminate or a cancel, and \
         writes nothing: the history stays as it is. A real server refuses it with \"workflow execution already \
         completed\", even when the workflow failed or was terminated.",
    ),
    (
        &["cancellation already requested"],
        "The workflow was asked to cancel already. Cadence keeps one cancel request per run and refuses \
         another, writing nothing: the first stays for the code, which decides what it means. To end the \
         workflow now, terminate it.",
    ),
    (
        &["unknown queryType"],
        "This workflow registered no handler for that query. Queries are answered by the workflow \
         code itself: a worker calls the handler the code registered with SetQueryHandler, on the \
         workflow's state (cached, or rebuilt by replaying the history). Chapters before 6 register \
         none.",
    ),
    (
        &["at least one decision task"],
        "The workflow code has not run yet, so no query handler is registered. The first decision \
         task runs the code up to its first wait; after that, queries are answered.",
    ),
    (
        &["query result size"],
        "The answer was more than 2,000,000 bytes. The worker's Cadence client (the Go client, and ours as it) \
         does not send an answer that large: it fails this query alone, and the workflow goes on as before. \
         The workshop's answer lists every location scanned, so a few very long ones are enough.",
    ),
    (
        &["Blob data size exceeds limit."],
        "Cadence takes at most 2 MiB in one payload (the server's `limit.blobSize.error`), and the \
         server's front door refused this one before it looked at the workflow: nothing was written. \
         Workflows pass IDs and small values; large data belongs in a store that activities read.",
    ),
    (
        &["WorkflowID length exceeds limit.", "SignalName length exceeds limit."],
        "Cadence takes a workflow ID or a signal name of at most 1,000 bytes (the server's \
         `limit.workflowIDLength` and `limit.signalNameLength`; a letter outside ASCII takes two to four \
         bytes). The server's front door refused this one before it looked for the workflow: nothing was \
         written. An ID names a workflow, so that a signal or a query can find it again: an order number, \
         not the order itself.",
    ),
    (
        &["nothing is scheduled"],
        "No timer, retry or timeout is waiting on the clock: moving it would change nothing. The \
         workflow waits for a signal (or has finished).",
    ),
];

/// What an activity of the workshop does, by its registered name.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Activity {
    Payment,
    Ship,
    Estimate,
    Other,
}

fn activity(name: &str) -> Activity {
    if name.starts_with("validatePayment") {
        Activity::Payment
    } else if name.starts_with("shipProduct") {
        Activity::Ship
    } else if name.starts_with("estimatedDeliveryTime") {
        Activity::Estimate
    } else {
        Activity::Other
    }
}

/// What the workshop's code does with the activity's result.
fn activity_purpose(a: Activity) -> &'static str {
    match a {
        Activity::Payment => "The workflow checks the payment first: no shipment without it.",
        Activity::Ship => "The payment went through, so the workflow ships the package.",
        Activity::Estimate => {
            "updateTimeout asks how many days the package still needs from its last location, to set \
             the notification timer."
        }
        Activity::Other => "",
    }
}

struct Builder<'l, 'h> {
    links: &'l Links<'h>,
    related: Vec<Related>,
}

impl Builder<'_, '_> {
    fn add(&mut self, event_id: i64, role: Role) {
        if event_id > 0 && self.links.get(event_id).is_some() && !self.related.iter().any(|r| r.event_id == event_id) {
            self.related.push(Related { event_id, role });
        }
    }

    fn add_event(&mut self, e: Option<&HistoryEvent>, role: Role) {
        if let Some(e) = e {
            self.add(e.event_id, role);
        }
    }
}

pub(super) fn explain_at(links: &Links<'_>, i: usize) -> Explanation {
    let e = &links.events[i];
    let mut b = Builder { links, related: Vec::new() };
    let (headline, cause, meaning) = match &e.attributes {
        EventAttributes::WorkflowExecutionStarted(a) => {
            b.add_event(links.next_where(i, |n| n.event_type() == EventType::DecisionTaskScheduled), Role::Next);
            let input = a.input.as_ref().map(prose).unwrap_or_default();
            (
                format!("An order came in: workflow {} started", a.workflow_type.name),
                format!(
                    "A client asked Cadence to start the workflow (cadence wf start) with the order {input}. Cadence \
                     wrote this first event and, in the same transaction, scheduled the first decision task."
                ),
                format!(
                    "Nothing of the workflow code has run yet: a worker polling task list {} will run it from the top. \
                     The whole workflow may take at most {} (executionStartToCloseTimeout); each decision task \
                     at most {}.",
                    a.task_list.name,
                    format_duration(a.execution_start_to_close_timeout.unwrap_or_default()),
                    format_duration(a.task_start_to_close_timeout.unwrap_or_default()),
                ),
            )
        }
        EventAttributes::DecisionTaskScheduled(a) => decision_scheduled(links, i, a, &mut b),
        EventAttributes::DecisionTaskStarted(a) => {
            b.add(a.scheduled_event_id, Role::Scheduled);
            let ended = links.decision_ended(a.scheduled_event_id);
            b.add_event(ended, Role::Closed);
            let handled = links.handled_by(i);
            for h in &handled {
                b.add(h.event_id, Role::Handled);
            }
            let flush = a.request_id == super::links::FLUSH_REQUEST_ID;
            let cause = if flush {
                "The worker that answered the previous decision task asked for the next one in the same reply \
                 (returnNewDecisionTask), so Cadence started this task in the same transaction."
                    .to_owned()
            } else {
                format!("A worker polled the task list and took the decision task scheduled in event {}.", a.scheduled_event_id)
            };
            let what = if handled.is_empty() {
                "The worker now runs the workflow code".to_owned()
            } else {
                format!("The worker now hands the code {} and runs it", list_events(&handled))
            };
            let meaning = match ended.map(HistoryEvent::event_type) {
                None => format!(
                    "{what} until every coroutine is blocked again. It is running right now: events that arrive \
                     meanwhile are held back (buffered) until it answers."
                ),
                Some(EventType::DecisionTaskFailed) => {
                    format!("{what}, but its answer is refused (see event {}).", ended.map_or(0, |e| e.event_id))
                }
                Some(_) if ended.is_some_and(|c| links.decisions_of(c.event_id).iter().any(|d| d.event_type().is_workflow_close())) => {
                    format!("{what} until the workflow function returns; its decisions follow.")
                }
                Some(_) => format!("{what} until every coroutine is blocked again; its decisions follow."),
            };
            ("A worker took the decision task".to_owned(), cause, meaning)
        }
        EventAttributes::DecisionTaskCompleted(a) => {
            b.add(a.scheduled_event_id, Role::Scheduled);
            b.add(a.started_event_id, Role::Started);
            let decisions = links.decisions_of(e.event_id);
            for d in &decisions {
                b.add(d.event_id, Role::Decision);
            }
            let handled = links.index(a.started_event_id).map(|s| links.handled_by(s)).unwrap_or_default();
            for h in &handled {
                b.add(h.event_id, Role::Handled);
            }
            let fired = handled.iter().any(|h| h.event_type() == EventType::TimerFired);
            let meaning = if decisions.is_empty() && fired {
                let scan_too = if handled.iter().any(|h| signal_named(h, "ScanSignal").is_some()) {
                    " The scan handed over with it went through the scan case after that: its location was added to \
                     the list, and since the customer had just been notified, no new estimate and no new timer."
                } else {
                    ""
                };
                format!(
                    "The code made no decisions: the selector's timer case ran handleTimeout, which notified the \
                     customer (see the log) and remembered it in the code's own state.{scan_too} There was nothing to \
                     ask Cadence for, so the loop waits for the next scan or the delivery."
                )
            } else if decisions.is_empty() {
                no_decisions(links, i, &handled, &mut b)
            } else {
                format!(
                    "The code's decisions, written right after this event in the order the code made them: {}.",
                    decisions.iter().map(|d| format!("{} {}", d.event_id, decision_name(d))).collect::<Vec<_>>().join(", ")
                )
            };
            let returned = decisions.iter().any(|d| d.event_type().is_workflow_close());
            (
                "The worker answered with the code's decisions".to_owned(),
                format!(
                    "The workflow code ran for the decision task of events {} (scheduled) and {} (started) until it \
                     {}, and the worker reported what it asked for (RespondDecisionTaskCompleted).",
                    a.scheduled_event_id,
                    a.started_event_id,
                    if returned { "returned" } else { "blocked" }
                ),
                meaning,
            )
        }
        EventAttributes::DecisionTaskFailed(a) => decision_failed(links, i, a, &mut b),
        EventAttributes::DecisionTaskTimedOut(a) => {
            b.add(a.scheduled_event_id, Role::Scheduled);
            b.add(a.started_event_id, Role::Started);
            b.add_event(links.next_where(i, |n| n.event_type() == EventType::DecisionTaskScheduled), Role::Next);
            (
                format!("The decision task timed out ({})", a.timeout_type.short_name()),
                "No worker answered the decision task in time: the worker crashed, was too slow, or its \
                 sticky task list had no poller."
                    .to_owned(),
                "Cadence schedules the decision task again, on the workflow's normal task list, so any worker \
                 can replay the history and carry on. Nothing is lost: the history is the state."
                    .to_owned(),
            )
        }
        EventAttributes::ActivityTaskScheduled(a) => activity_scheduled(links, i, a, &mut b),
        EventAttributes::ActivityTaskStarted(a) => {
            b.add(a.scheduled_event_id, Role::Scheduled);
            b.add_event(links.activity_closed(a.scheduled_event_id), Role::Closed);
            let scheduled = links.get(a.scheduled_event_id);
            let sched = scheduled.and_then(|s| match &s.attributes {
                EventAttributes::ActivityTaskScheduled(s) => Some(s.as_ref()),
                _ => None,
            });
            let name = sched.map_or("the activity", |s| s.activity_type.name.as_str());
            let retried = sched.is_some_and(|s| s.retry_policy.is_some());
            let last_failure = a.last_failure.as_ref().filter(|f| !f.is_empty());
            let closed_with_it = links.after(i).is_some_and(|n| activity_scheduled_id(n) == Some(a.scheduled_event_id));
            if a.attempt > 0 {
                let failure = last_failure.map_or(String::new(), |f| format!(" The last of them failed with {}.", table::failure(f)));
                (
                    format!("{name} ran: attempt {} (counted from 0), the last one", a.attempt),
                    format!(
                        "This is the start of the last attempt, written only now, together with its result. With a retry \
                         policy, Cadence keeps a running activity out of the history: {} and the server retried after \
                         each backoff, keeping the failure in its own state.{failure}",
                        match a.attempt {
                            1 => "attempt 0 failed".to_owned(),
                            2 => "attempts 0 and 1 failed".to_owned(),
                            n => format!("attempts 0 to {} failed", n - 1),
                        }
                    ),
                    "The failed attempts and the waits between them are not in the history at all; while they \
                     happened, the pending-activity view (Cadence Web's \"pending activities\", DescribeWorkflowExecution) \
                     showed the attempt number and the time of the next retry. The workflow code never saw them: \
                     its future only resolves with the final result."
                        .to_owned(),
                )
            } else if retried && closed_with_it {
                (
                    format!("{name} ran (attempt 0), written with its result"),
                    "The activity has a retry policy, so Cadence writes its ActivityTaskStarted only when the activity \
                     closes, together with the closing event."
                        .to_owned(),
                    "It worked on the first attempt: no retry was needed.".to_owned(),
                )
            } else {
                (
                    format!("A worker picked up {name}"),
                    "A worker took the activity task and runs the activity function. When the Go worker that \
                     scheduled an activity has an activity poller free, it asks Cadence to hand the task straight back \
                     to it (local dispatch), which is why this event often shares a transaction with the decision \
                     that scheduled it."
                        .to_owned(),
                    "From here the activity runs until the worker reports its result. If the worker dies meanwhile, \
                     the start-to-close timeout tells Cadence to give up on this attempt."
                        .to_owned(),
                )
            }
        }
        EventAttributes::ActivityTaskCompleted(a) => {
            let (next, name) = activity_closed(&mut b, i, a.scheduled_event_id, a.started_event_id);
            let result = a.result.as_ref().map(prose).unwrap_or_default();
            let purpose = match activity(&name) {
                Activity::Estimate => match a.result.as_ref().and_then(|p| p.decode::<i64>().ok()) {
                    Some(days) => format!(
                        " The estimate is {days} day(s): updateTimeout starts the notification timer for {days} minute(s), \
                         as the workshop counts a day as a minute."
                    ),
                    None => format!(" The estimate is {result}: updateTimeout starts the notification timer from it."),
                },
                _ => String::new(),
            };
            let meaning = match given_up(links, i, a.scheduled_event_id, "result") {
                Some(c) => c,
                None => format!("{}{purpose}", wake_text(links, i, next, "The activity's future in the workflow code is ready")),
            };
            (
                format!("{name} returned {result}"),
                "The activity function returned without an error, and the worker reported its result \
                 (RespondActivityTaskCompleted)."
                    .to_owned(),
                meaning,
            )
        }
        EventAttributes::ActivityTaskFailed(a) => {
            let (next, name) = activity_closed(&mut b, i, a.scheduled_event_id, a.started_event_id);
            b.add_event(links.next_where(i, |n| n.event_type() == EventType::WorkflowExecutionFailed), Role::Next);
            let sched = scheduled_attrs(links, a.scheduled_event_id);
            let failure = a.failure.as_ref().map(table::failure).unwrap_or_default();
            let given_up = given_up(links, i, a.scheduled_event_id, "failure");
            let final_why = match sched.and_then(|s| s.retry_policy.as_ref()) {
                // Final since the cancel request: the server retries it no more.
                _ if given_up.is_some() => String::new(),
                Some(r) => format!("It has a retry policy, but its {} attempts are used up, so this failure is final.", r.maximum_attempts),
                None => "It has no retry policy, so its first failure is final: Cadence does not try again.".to_owned(),
            };
            let meaning = match given_up {
                Some(c) => c,
                None => format!(
                    "{} The error reaches the code through the activity's future; the workshop's code wraps it \
                     (\"... for order: ...\") and returns it, which fails the workflow.",
                    wake_text(links, i, next, "The activity's future in the workflow code now holds the error")
                ),
            };
            let cause = format!("The activity returned an error: {failure}. {final_why}").trim_end().to_owned();
            (format!("{name} failed for good"), cause, meaning)
        }
        EventAttributes::ActivityTaskTimedOut(a) => {
            let (next, name) = activity_closed(&mut b, i, a.scheduled_event_id, a.started_event_id);
            let what = match a.timeout_type {
                TimeoutType::ScheduleToStart => "No worker took the activity's task",
                _ => "The activity did not finish",
            };
            (
                format!("{name} timed out ({})", a.timeout_type.short_name()),
                format!(
                    "{what} within its {} timeout: Cadence's own timer ended it. With a retry policy this is written \
                     only once no attempt is left.",
                    a.timeout_type.short_name()
                ),
                match given_up(links, i, a.scheduled_event_id, "timeout") {
                    Some(c) => c,
                    None => wake_text(links, i, next, "The activity's future now holds a timeout error"),
                },
            )
        }
        EventAttributes::TimerStarted(a) => {
            b.add(a.decision_task_completed_event_id, Role::DecisionTask);
            b.add_event(links.timer_closed(e.event_id), Role::Closed);
            let estimate = links.prev_where(i, |p| {
                matches!(&p.attributes, EventAttributes::ActivityTaskCompleted(c) if activity(&activity_name(links, c.scheduled_event_id)) == Activity::Estimate)
            });
            b.add_event(estimate, Role::Cause);
            let from = estimate.map_or(String::new(), |est| {
                let days = match &est.attributes {
                    EventAttributes::ActivityTaskCompleted(c) => c.result.as_ref().and_then(|p| p.decode::<i64>().ok()),
                    _ => None,
                };
                days.map_or(String::new(), |d| {
                    format!(" The estimate in event {} said {d} day(s); the workshop counts a day as a minute.", est.event_id)
                })
            });
            let d = format_duration(a.start_to_fire_timeout.unwrap_or_default());
            (
                format!("Timer {} started: it fires in {d}", a.timer_id),
                format!(
                    "The workflow code created a timer (workflow.NewTimer in updateTimeout, inside a cancellable \
                     context) and the decision task of event {} sent the StartTimer decision.{from}",
                    a.decision_task_completed_event_id
                ),
                "Cadence keeps the timer, not the worker: no worker holds a thread or a sleep for it, and \
                 any worker can carry on when it fires. The code added the timer's future to its selector, \
                 next to the ScanSignal and DeliveredSignal channels."
                    .to_owned(),
            )
        }
        EventAttributes::TimerFired(a) => {
            b.add(a.started_event_id, Role::Started);
            let next = woke(links, i);
            b.add_event(next, Role::Next);
            let d = links.get(a.started_event_id).and_then(|s| match &s.attributes {
                EventAttributes::TimerStarted(t) => t.start_to_fire_timeout,
                _ => None,
            });
            (
                format!("Timer {} fired", a.timer_id),
                format!(
                    "The {} that the code asked for in event {} have passed, and nothing canceled the timer first.",
                    d.map_or("time".to_owned(), format_duration),
                    a.started_event_id
                ),
                format!(
                    "{} {}",
                    wake_text(links, i, next, "The timer's future in the workflow code is ready"),
                    scan_before_firing(links, i, &mut b).unwrap_or_else(|| {
                        "The selector's timer case runs handleTimeout, which notifies the customer and remembers \
                         that it did, so no later scan starts another timer."
                            .to_owned()
                    })
                ),
            )
        }
        EventAttributes::TimerCanceled(a) => {
            b.add(a.started_event_id, Role::Started);
            b.add(a.decision_task_completed_event_id, Role::DecisionTask);
            let task = links.get(a.decision_task_completed_event_id);
            let handled = task
                .and_then(|t| match &t.attributes {
                    EventAttributes::DecisionTaskCompleted(c) => links.index(c.started_event_id),
                    _ => None,
                })
                .map(|s| links.handled_by(s))
                .unwrap_or_default();
            // The cancel request cancels the timer as the worker takes the events in,
            // before the code runs: it is the cause even with a scan in the same batch.
            if let Some(c) = handled.iter().find(|h| h.event_type() == EventType::WorkflowExecutionCancelRequested) {
                b.add(c.event_id, Role::Cause);
                return finish(
                    e,
                    b,
                    format!("Timer {} canceled", a.timer_id),
                    format!(
                        "The decision task of event {} handed the code the cancel request of event {}. The Go client \
                         canceled the workflow's context and with it the timer's, so the worker sent a CancelTimer decision.",
                        a.decision_task_completed_event_id, c.event_id
                    ),
                    "Its future gives a CanceledError, which handleTimeout ignores: no notification, and later scans \
                     start no timer."
                        .to_owned(),
                );
            }
            let scan = handled.iter().copied().find(|h| signal_named(h, "ScanSignal").is_some());
            b.add_event(scan, Role::Cause);
            let because = scan.map_or("a signal".to_owned(), |s| format!("the ScanSignal of event {}", s.event_id));
            (
                format!("Timer {} canceled", a.timer_id),
                format!(
                    "The decision task of event {} handed the code {because}. The selector's scan case ran \
                     updateTimeout, which first cancels the context of the running timer (cancelTimer()); the \
                     worker turned that into a CancelTimer decision.",
                    a.decision_task_completed_event_id
                ),
                "The old estimate no longer holds: the package moved. updateTimeout goes on to ask for a \
                 fresh estimate from the new location and starts a new timer for it. The canceled timer's \
                 future is ready with a CanceledError; a later Select takes it and handleTimeout ignores it."
                    .to_owned(),
            )
        }
        EventAttributes::CancelTimerFailed(a) => {
            b.add(a.decision_task_completed_event_id, Role::DecisionTask);
            (
                format!("Canceling timer {} failed ({})", a.timer_id, a.cause),
                "The code asked to cancel a timer that Cadence no longer knows: it had already fired, or was \
                 never started."
                    .to_owned(),
                "Nothing changes for the workflow. The Go client avoids this by not canceling a timer whose \
                 TimerFired it has already seen."
                    .to_owned(),
            )
        }
        EventAttributes::WorkflowExecutionSignaled(a) => signaled(links, i, a, &mut b),
        EventAttributes::WorkflowExecutionCompleted(a) => {
            b.add(a.decision_task_completed_event_id, Role::DecisionTask);
            let handled = handled_by_completed(links, a.decision_task_completed_event_id);
            let is_delivery = |h: &&HistoryEvent| signal_named(h, "DeliveredSignal").is_some();
            // Usually the completing task brought the delivery; after a scan the code
            // could not read, the delivery waited for a later scan, and came earlier.
            let delivered = handled.iter().copied().find(is_delivery).or_else(|| links.events[..i].iter().rev().find(is_delivery));
            b.add_event(delivered, Role::Cause);
            let result = a.result.as_ref().map(prose).unwrap_or_default();
            let because = delivered.map_or(String::new(), |d| format!(" The DeliveredSignal of event {} ended its loop.", d.event_id));
            let anyway = links.cancel_request(i).map_or(String::new(), |c| {
                format!(
                    " The cancel request of event {} did not end the loop: code that returns no error completes, even \
                     after a cancel.",
                    c.event_id
                )
            });
            (
                "The workflow completed".to_owned(),
                format!(
                    "The workflow function returned {result} and the worker sent the CompleteWorkflowExecution decision in \
                     the decision task of event {}.{because}{anyway}",
                    a.decision_task_completed_event_id
                ),
                CLOSED.to_owned(),
            )
        }
        EventAttributes::WorkflowExecutionFailed(a) => {
            b.add(a.decision_task_completed_event_id, Role::DecisionTask);
            match blob_failed_decision(a) {
                Some(decision) => (
                    "The server failed the workflow: a decision carried more than 2 MiB".to_owned(),
                    format!(
                        "The worker completed its decision task with a {decision} decision whose payload is over \
                         2 MiB, Cadence's limit on one payload (the server's `limit.blobSize.error`). The server does \
                         not refuse the decision task: it writes this failure, reason {}, in the decision's place, \
                         and applies no decision after it.",
                        limits::DECISION_BLOB_SIZE_EXCEEDS_LIMIT
                    ),
                    format!(
                        "{CLOSED} No line of the workflow code returned an error: the server ended the workflow. In \
                         the workshop a scan can do it: the estimate activity's input carries the scanned location \
                         again, and Go's JSON writes each <, > and & in it as six characters (\\u003c for <), so a \
                         location that fit in its signal may not fit there. Pass small values and IDs; keep large \
                         data where activities can read it."
                    ),
                ),
                None => {
                    let activity_failure =
                        links.prev_where(i, |p| matches!(p.event_type(), EventType::ActivityTaskFailed | EventType::ActivityTaskTimedOut));
                    b.add_event(activity_failure, Role::Cause);
                    let failure = a.failure.as_ref().map(table::failure).unwrap_or_default();
                    let because =
                        activity_failure.map_or(String::new(), |f| format!(" It comes from the activity failure of event {}.", f.event_id));
                    (
                        "The workflow failed".to_owned(),
                        format!(
                            "The workflow function returned an error, {failure}, and the worker sent the \
                             FailWorkflowExecution decision.{because}"
                        ),
                        format!("{CLOSED} A failed workflow is not retried by itself: the order needs a new workflow (or a reset)."),
                    )
                }
            }
        }
        EventAttributes::WorkflowExecutionTimedOut(a) => {
            b.add(1, Role::Cause);
            let timeout = links.events.first().and_then(|s| match &s.attributes {
                EventAttributes::WorkflowExecutionStarted(st) => st.execution_start_to_close_timeout,
                _ => None,
            });
            (
                format!("The workflow timed out ({})", a.timeout_type.short_name()),
                format!(
                    "The workflow ran longer than its executionStartToCloseTimeout ({}, set at the start in event 1). \
                     Cadence's own timer closed it: no decision task ran, the code had no say.{}",
                    timeout.map_or("?".to_owned(), format_duration),
                    cut_off(&mut b, i)
                ),
                format!("{CLOSED} {}", open_work(&links.events[..i])).trim_end().to_owned(),
            )
        }
        EventAttributes::WorkflowExecutionTerminated(a) => {
            let cut_off = cut_off(&mut b, i);
            let why = if a.reason.is_empty() { String::new() } else { format!(", giving the reason \"{}\"", a.reason) };
            let who = if a.identity.is_empty() { "Someone".to_owned() } else { format!("A client with identity {}", a.identity) };
            let open = open_work(&links.events[..i]);
            (
                "The workflow was terminated".to_owned(),
                format!(
                    "{who} asked the server to terminate the workflow (cadence wf terminate){why}. The server closed \
                     it on the spot and wrote this event itself: no decision task ran, and the workflow code was not \
                     asked, so it could not clean up or answer.{cut_off}"
                ),
                format!(
                    "{CLOSED} {open}Terminating is for a workflow that is stuck or no longer wanted; to end one in an \
                     orderly way, send it a signal its code handles (here: DeliveredSignal)."
                ),
            )
        }
        EventAttributes::WorkflowExecutionCancelRequested(a) => {
            let how = arrival(links, i, &mut b);
            // What the code did about it: the decisions of the task that handed it over.
            let task = links.handling_task(i).and_then(|t| links.after(links.index(t.event_id)?));
            for d in task.map(|t| links.decisions_of(t.event_id)).unwrap_or_default() {
                b.add(d.event_id, Role::Next);
            }
            let who = if a.identity.is_empty() { "Someone".to_owned() } else { format!("A client with identity {}", a.identity) };
            let why = if a.cause.is_empty() { String::new() } else { format!(", giving the reason \"{}\"", a.cause) };
            (
                "The workflow was asked to cancel".to_owned(),
                format!(
                    "{who} asked the server to cancel the workflow (cadence wf cancel){why}. Unlike a terminate, the \
                     server closes nothing: it records the request for the code, as it does a signal.{how}"
                ),
                "What a cancel means is up to the code. The Go client cancels the workflow's context: an activity or \
                 timer the code waits for gives a CanceledError at once, and the worker tells the server \
                 (RequestCancelActivityTask, CancelTimer); later ones fail at once, unsent. Code that then returns an \
                 error closes the workflow as canceled; the tracking loop goes on until a DeliveredSignal."
                    .to_owned(),
            )
        }
        EventAttributes::ActivityTaskCancelRequested(a) => {
            b.add(a.decision_task_completed_event_id, Role::DecisionTask);
            let scheduled = links
                .prev_where(i, |p| matches!(&p.attributes, EventAttributes::ActivityTaskScheduled(s) if s.activity_id == a.activity_id));
            b.add_event(scheduled, Role::Scheduled);
            b.add_event(scheduled.and_then(|s| links.activity_closed(s.event_id)), Role::Closed);
            let cancel = links.cancel_request(i);
            b.add_event(cancel, Role::Cause);
            (
                format!(
                    "The worker asked to cancel activity {} ({})",
                    a.activity_id,
                    scheduled.map_or("?".to_owned(), |s| activity_name(links, s.event_id))
                ),
                format!(
                    "The code was waiting for this activity when the workflow was asked to cancel{}. Its context \
                     canceled, the activity's future gave a CanceledError, and the worker sent a \
                     RequestCancelActivityTask decision in the decision task of event {}.",
                    cancel.map_or(String::new(), |c| format!(" (event {})", c.event_id)),
                    a.decision_task_completed_event_id
                ),
                "The server records the request and retries the activity no more. It does not stop an attempt \
                 already running: a worker hears of a cancel only when its activity heartbeats, and these do not. \
                 The code has moved on without the result."
                    .to_owned(),
            )
        }
        EventAttributes::ActivityTaskCanceled(a) => {
            b.add(a.scheduled_event_id, Role::Scheduled);
            b.add(a.started_event_id, Role::Started);
            b.add(a.latest_cancel_requested_event_id, Role::Cause);
            (
                "Activity canceled".to_owned(),
                if a.started_event_id == 0 {
                    format!(
                        "The activity was asked to cancel (event {}) before a worker had started it, so the server \
                         closed it at once.",
                        a.latest_cancel_requested_event_id
                    )
                } else {
                    format!(
                        "The worker running it heard of the cancel request (event {}) through a heartbeat, and \
                         reported the activity canceled.",
                        a.latest_cancel_requested_event_id
                    )
                },
                "No worker runs it any more. The code's future had already given a CanceledError.".to_owned(),
            )
        }
        EventAttributes::WorkflowExecutionCanceled(a) => {
            b.add(a.decision_task_completed_event_id, Role::DecisionTask);
            let cancel = links.cancel_request(i);
            b.add_event(cancel, Role::Cause);
            let details = a.details.as_ref().map_or(String::new(), |p| format!(" ({})", p.to_text().trim_end()));
            (
                "The workflow closed as canceled".to_owned(),
                format!(
                    "After the cancel request{}, the workflow function returned an error{details}. The worker sent a \
                     FailWorkflowExecution decision, as for any error; the server, holding a cancel request, wrote \
                     this event in its place, the error as its details.",
                    cancel.map_or(String::new(), |c| format!(" of event {}", c.event_id))
                ),
                format!("{CLOSED} {}A canceled order is not picked up again: it needs a new workflow.", open_work(&links.events[..i])),
            )
        }
    };
    finish(e, b, headline, cause, meaning)
}

fn finish(e: &HistoryEvent, b: Builder<'_, '_>, headline: String, cause: String, meaning: String) -> Explanation {
    Explanation {
        event_id: e.event_id,
        event_type: e.event_type().name(),
        headline,
        cause,
        meaning,
        related: b.related,
        code: None,
        note: None,
    }
}

/// For the closing event at `i` of an activity the worker asked to cancel first: its
/// future gave the code a CanceledError then, and this `what` comes too late.
fn given_up(links: &Links<'_>, i: usize, scheduled: i64, what: &str) -> Option<String> {
    let id = &scheduled_attrs(links, scheduled)?.activity_id;
    let c = links.activity_cancel_request(i, id)?;
    Some(format!(
        "The code gave this activity up when the worker asked to cancel it (event {}), its future giving a \
         CanceledError: this {what} changes nothing.",
        c.event_id
    ))
}

/// The decision task a close by the server (at position `i`) cut off, if a worker held
/// one (the server fails it first, then writes the signals that waited for it, then
/// the close), as a sentence, and linked.
fn cut_off(b: &mut Builder<'_, '_>, i: usize) -> String {
    let failed = b
        .links
        .prev_where(i, |p| !super::links::is_bufferable(p.event_type()))
        .filter(|p| matches!(&p.attributes, EventAttributes::DecisionTaskFailed(f) if f.cause == CAUSE_FORCE_CLOSE_DECISION));
    b.add_event(failed, Role::DecisionTask);
    failed.map_or(String::new(), |f| {
        format!(" A decision task was running at that moment; event {} threw its answer away first.", f.event_id)
    })
}

/// What a close by the server dropped: the activities and timers still open.
fn open_work(before: &[HistoryEvent]) -> String {
    let d = derive(before);
    let mut dropped = Vec::new();
    if !d.open_activities.is_empty() {
        let names: Vec<&str> = d.open_activities.iter().map(|a| a.activity_type.as_str()).collect();
        dropped.push(format!("activity {}", names.join(", ")));
    }
    for t in &d.open_timers {
        dropped.push(format!("timer {} (started in event {})", t.timer_id, t.started_event_id));
    }
    if dropped.is_empty() {
        return String::new();
    }
    format!("What was still open is dropped without an event of its own: {}. ", dropped.join(" and "))
}

const CLOSED: &str = "The workflow is closed: the code runs no more, and Cadence refuses every new signal \
                      (\"workflow execution already completed\") without writing anything. Its history is kept \
                      for the domain's retention period, and queries still replay it.";

fn decision_scheduled(
    links: &Links<'_>,
    i: usize,
    a: &crate::history::DecisionTaskScheduledEventAttributes,
    b: &mut Builder<'_, '_>,
) -> (String, String, String) {
    let e = &links.events[i];
    b.add_event(links.decision_started(e.event_id), Role::Next);
    let sticky = if a.task_list.is_sticky() {
        format!(
            " It is on the sticky task list {} of the worker that ran the last decision task: that worker still \
             has the workflow in memory and gets only the new events.",
            a.task_list.name
        )
    } else {
        format!(" It is on the workflow's task list {}: any worker may take it and replays the history from the start.", a.task_list.name)
    };
    let prev = links.before(i);
    let (headline, cause) = match prev.map(|p| (p, p.event_type())) {
        None | Some((_, EventType::WorkflowExecutionStarted)) => {
            b.add(1, Role::Cause);
            (
                "The first decision task".to_owned(),
                "The workflow just started: Cadence schedules a decision task at once so that a worker runs the \
                 workflow code from the top."
                    .to_owned(),
            )
        }
        Some((p, EventType::DecisionTaskFailed)) => {
            b.add(p.event_id, Role::Cause);
            (
                "A new decision task after a failed one".to_owned(),
                format!("The decision task before failed (event {}): Cadence tries again.", p.event_id),
            )
        }
        Some((p, EventType::DecisionTaskTimedOut)) => {
            b.add(p.event_id, Role::Cause);
            (
                "A new decision task after a timeout".to_owned(),
                format!("The decision task before timed out (event {}): Cadence tries again.", p.event_id),
            )
        }
        Some((p, _)) => {
            // The events that woke the workflow: the run of inputs right before this event.
            let run_start = links.events[..i].iter().rposition(|x| !super::links::is_bufferable(x.event_type())).map_or(0, |k| k + 1);
            let wakers: Vec<&HistoryEvent> = links.events[run_start..i].iter().filter(|x| super::links::is_input(x.event_type())).collect();
            for w in &wakers {
                b.add(w.event_id, Role::Cause);
            }
            let behind = links.buffered_behind(i.saturating_sub(1)).filter(|_| !wakers.is_empty());
            match behind {
                Some(task_end) => {
                    b.add(task_end.event_id, Role::Cause);
                    (
                        "A decision task for events that were buffered".to_owned(),
                        format!(
                            "{} arrived while the decision task ending at event {} was running. Cadence held {them} back \
                             (buffered) and wrote {them} after that task's own events; since the code has not seen \
                             {them}, Cadence scheduled this new decision task at once.",
                            capitalize(&list_events(&wakers)),
                            task_end.event_id,
                            them = if wakers.len() == 1 { "it" } else { "them" },
                        ),
                    )
                }
                None if !wakers.is_empty() => (
                    "Cadence wakes the workflow".to_owned(),
                    format!(
                        "{} happened and no decision task was pending, so Cadence scheduled one: a decision task is how \
                         Cadence wakes the workflow code to react.",
                        capitalize(&list_events(&wakers))
                    ),
                ),
                None => {
                    b.add(p.event_id, Role::Cause);
                    ("A decision task".to_owned(), format!("Cadence scheduled a decision task after event {}.", p.event_id))
                }
            }
        }
    };
    let meaning = format!(
        "Until a worker polls and starts it, nothing runs; a signal or timer that comes meanwhile joins this same \
         task instead of getting one of its own.{sticky}"
    );
    (headline, cause, meaning)
}

fn decision_failed(
    links: &Links<'_>,
    i: usize,
    a: &crate::history::DecisionTaskFailedEventAttributes,
    b: &mut Builder<'_, '_>,
) -> (String, String, String) {
    b.add(a.scheduled_event_id, Role::Scheduled);
    b.add(a.started_event_id, Role::Started);
    let details = a.failure.as_ref().map(|f| f.details_text()).unwrap_or_default();
    if a.cause == CAUSE_FORCE_CLOSE_DECISION {
        let closed = links.next_where(i, |n| n.event_type().is_workflow_close());
        b.add_event(closed, Role::Next);
        let by = match closed.map(HistoryEvent::event_type) {
            Some(EventType::WorkflowExecutionTerminated) => "a terminate request",
            Some(EventType::WorkflowExecutionTimedOut) => "its execution timeout",
            _ => "the server",
        };
        (
            "Decision task cut off: FORCE_CLOSE_DECISION".to_owned(),
            format!(
                "A worker had started this decision task, but the workflow was being closed by {by} before it answered. \
                 The server failed the task itself (identity {}): whatever the worker sends back now is refused.",
                a.identity
            ),
            "Nothing of this task's decisions is written, and no new decision task follows: the close comes right \
             after this event, together with any signal that arrived while the task ran."
                .to_owned(),
        )
    } else if a.cause == CAUSE_UNHANDLED_DECISION {
        // The events that arrived while the task ran are written right after it.
        let buffered: Vec<&HistoryEvent> =
            links.events[i + 1..].iter().take_while(|x| super::links::is_bufferable(x.event_type())).collect();
        for x in &buffered {
            b.add(x.event_id, Role::Cause);
        }
        b.add_event(links.next_where(i, |n| n.event_type() == EventType::DecisionTaskScheduled), Role::Next);
        let arrived = if buffered.is_empty() { "new events".to_owned() } else { list_events(&buffered) };
        (
            "Decision refused: UNHANDLED_DECISION".to_owned(),
            format!(
                "The worker answered with a decision that closes the workflow, but {arrived} arrived while the task \
                 ran. Cadence does not close a workflow whose code has not seen every event: it threw the whole \
                 answer away."
            ),
            "The buffered events are written now, right after this one, and a fresh decision task hands them to \
             the code, which decides again with everything in view. The code itself did nothing wrong."
                .to_owned(),
        )
    } else {
        b.add_event(links.next_where(i, |n| n.event_type() == EventType::DecisionTaskScheduled), Role::Next);
        let nondeterministic = details.contains("nondetermin");
        let why = if nondeterministic {
            "The code no longer matches the history: replaying it made different decisions than the ones \
             recorded (nondeterminism). This happens when workflow code changes while workflows are running, \
             or when it reads the wall clock, random numbers or anything outside Cadence."
        } else {
            "The workflow code could not run to its next wait (in Go: a panic)."
        };
        let cause_name = if a.cause == CAUSE_WORKFLOW_WORKER_UNHANDLED_FAILURE {
            "WORKFLOW_WORKER_UNHANDLED_FAILURE".to_owned()
        } else {
            a.cause.to_string()
        };
        (
            format!("The worker failed the decision task: {cause_name}"),
            format!("{why}{}", if details.is_empty() { String::new() } else { format!(" The worker said: {details}") }),
            "Nothing of this task's decisions is written. Cadence retries the decision task, and it fails the \
             same way until the code is fixed and deployed: the workflow is stuck but not lost."
                .to_owned(),
        )
    }
}

fn activity_scheduled(
    links: &Links<'_>,
    i: usize,
    a: &ActivityTaskScheduledEventAttributes,
    b: &mut Builder<'_, '_>,
) -> (String, String, String) {
    let e = &links.events[i];
    b.add(a.decision_task_completed_event_id, Role::DecisionTask);
    b.add_event(links.activity_started(e.event_id), Role::Started);
    b.add_event(links.activity_closed(e.event_id), Role::Closed);
    let kind = activity(&a.activity_type.name);
    let mut again = String::new();
    if kind == Activity::Estimate {
        // After a scan, the estimate comes from the scan's decision task.
        let handled = handled_by_completed(links, a.decision_task_completed_event_id);
        let scan = handled.iter().copied().find(|h| signal_named(h, "ScanSignal").is_some());
        b.add_event(scan, Role::Cause);
        if scan.is_none()
            && let Some((text, causes)) = estimate_again(links, i, a, &handled)
        {
            for id in causes {
                b.add(id, Role::Cause);
            }
            again = text;
        }
    }
    let retry = match &a.retry_policy {
        Some(r) => {
            let to_start = format_duration(a.schedule_to_start_timeout.unwrap_or_default());
            let to_close = format_duration(a.schedule_to_close_timeout.unwrap_or_default());
            let raised = if to_start == to_close {
                format!("its schedule-to-start and schedule-to-close timeouts to {to_close}")
            } else {
                format!("its schedule-to-start timeout to {to_start} and its schedule-to-close timeout to {to_close}")
            };
            format!(
                " It has a retry policy ({} first wait, ×{}, at most {} between attempts, {} attempts in all): a failed \
                 attempt will be retried by the server, and the history will not show it. Because it retries, Cadence \
                 raised {raised}.",
                format_duration(r.initial_interval.unwrap_or_default()),
                r.backoff_coefficient,
                format_duration(r.maximum_interval.unwrap_or_default()),
                r.maximum_attempts,
            )
        }
        None => " It has no retry policy: if it fails, the failure goes straight to the workflow code.".to_owned(),
    };
    let purpose = activity_purpose(kind);
    (
        format!("The workflow asked for activity {} (ID {})", a.activity_type.name, a.activity_id),
        format!(
            "The workflow code called ExecuteActivity, and the decision task of event {} sent the \
             ScheduleActivityTask decision. {purpose}{again}",
            a.decision_task_completed_event_id
        )
        .trim_end()
        .to_owned(),
        format!(
            "Cadence recorded the request and put a task on task list {}. The workflow code is now blocked on \
             the activity's future: it goes on only once a worker has run the activity and reported a result.{retry}",
            a.task_list.name
        ),
    )
}

/// Why the decision task completed at `i`, which handed the code `handled`, made no
/// decisions (a timer's firing aside), from what the history shows at that moment.
fn no_decisions(links: &Links<'_>, i: usize, handled: &[&HistoryEvent], b: &mut Builder<'_, '_>) -> String {
    let signals: Vec<&HistoryEvent> = handled.iter().copied().filter(|h| h.event_type() == EventType::WorkflowExecutionSignaled).collect();
    // The code waits for no activity the worker asked to cancel: its future gave a CanceledError.
    let mut open = derive(&links.events[..i]).open_activities;
    open.retain(|a| links.activity_cancel_request(i, &a.activity_id).is_none());
    let dropped = handled.iter().find_map(|h| match &h.attributes {
        EventAttributes::ActivityTaskCompleted(a) => given_up(links, i, a.scheduled_event_id, "result"),
        _ => None,
    });
    // A scan the code could not read leaves its scan case waiting on that channel alone.
    let unreadable = links.events[..i].iter().rev().find_map(|e| Some((e, signal_named(e, "ScanSignal")?)));
    if let Some((bad, _)) = unreadable.filter(|(_, s)| unreadable_scan(s).is_some()).filter(|_| open.is_empty()) {
        return if signals.iter().any(|s| s.event_id == bad.event_id) {
            format!(
                "The code made no decisions: its selector took the ScanSignal of event {}, but the scan case could \
                 not read it. It logged \"Corrupt signal received\", dropped the value and now waits on the \
                 ScanSignal channel alone, for a scan it can read; the notification timer runs on untouched.",
                bad.event_id
            )
        } else {
            format!(
                "The code made no decisions: {} woke it, but its scan case still waits on the ScanSignal channel \
                 alone for a scan it can read (the one of event {} could not be read). Nothing else is read until \
                 then: the signal waits unread in its channel.",
                list_events(&signals),
                bad.event_id
            )
        };
    }
    match (open.first(), signals.is_empty()) {
        (Some(a), false) => format!(
            "The code made no decisions: it is still blocked on the future of activity {} ({}, event {}). {} woke it, \
             but the code cannot get to the channel before that activity is done, so it blocked again at once. The \
             signal waits unread in its channel; a channel never loses one.",
            a.activity_id,
            a.activity_type,
            a.scheduled_event_id,
            capitalize(&list_events(&signals))
        ),
        // Code that ends on a delivery would have completed: this code has no such case.
        (None, false) if signals.iter().any(|s| signal_named(s, "DeliveredSignal").is_some()) => {
            format!("The code made no decisions: {} woke it, but {NO_DELIVERED_CASE}", list_events(&signals))
        }
        (None, false) => {
            // Only a run whose timer fired has a notified customer (chapter 7's code);
            // before that chapter there is no timer at all.
            let notified = links.events[..i].iter().any(|e| e.event_type() == EventType::TimerFired);
            let canceled = estimates_canceled(links, i);
            b.add(canceled.unwrap_or_default(), Role::Cause);
            format!(
                "The code made no decisions: its selector took {} and the case changed only the code's own state (a scan \
                 adds its location to the list{}). Then the loop waits in the selector again: waiting on a channel is no \
                 decision, so nothing more is written until the next signal comes.",
                list_events(&signals),
                match canceled {
                    Some(c) => format!(
                        "; since the cancel request of event {c}, its estimate fails at once: see \"Error updating \
                         timeout\" in the log"
                    ),
                    None if notified => "; once the customer was notified, a scan starts no new estimate".to_owned(),
                    None => String::new(),
                }
            )
        }
        (None, true) if handled.iter().any(|h| h.event_type() == EventType::WorkflowExecutionCancelRequested) => {
            "The code made no decisions: the cancel request canceled its context, but it waited for no activity or \
             timer, only for signals. The loop goes on."
                .to_owned()
        }
        (None, true) if dropped.is_some() => format!("The code made no decisions. {}", dropped.unwrap_or_default()),
        (None, true) if handled.iter().any(|h| h.event_type() == EventType::ActivityTaskCompleted) => {
            "The code made no decisions: it went on with the result and now waits for what only the outside world \
             brings, a signal such as a scan. Waiting on a channel is no decision: nothing more is written \
             until a signal comes."
                .to_owned()
        }
        _ => "The code made no decisions: it ran and blocked again without asking Cadence for anything.".to_owned(),
    }
}

/// A timer firing at `i` that reaches the code in one decision batch behind a scan:
/// the waiting select takes the scan, the first to arrive, and its updateTimeout runs
/// before the customer is notified, so it asks for an estimate and a new timer (the
/// race of the README's `scan-then-fired`). `None` for any other firing.
fn scan_before_firing(links: &Links<'_>, i: usize, b: &mut Builder<'_, '_>) -> Option<String> {
    let task = links.handling_task(i)?;
    let fired = links.events[i].event_id;
    let scan = links
        .handled_by(links.index(task.event_id)?)
        .into_iter()
        .find(|h| h.event_id < fired && signal_named(h, "ScanSignal").is_some())?;
    b.add(scan.event_id, Role::Cause);
    Some(format!(
        "But the ScanSignal of event {} came first in the same batch, so the waiting select took the scan: \
         updateTimeout ran while the customer had not been notified yet. Canceling the timer that had already \
         fired did nothing, and it asked for a fresh estimate and a new timer. The timer case runs handleTimeout \
         only at a later select, once updateTimeout has started that new timer, and notifies the customer. The new \
         timer is not canceled by the notification: if it fires before the delivery, the customer is notified a \
         second time. That is a race in the workshop's code, not in Cadence.",
        scan.event_id
    ))
}

/// An estimate asked for right after the previous one came back, with no scan in the
/// decision task: a scan was already waiting in its channel. The code created the
/// notification timer, the selector took the scan in the same decision task, and
/// updateTimeout canceled the timer before it was ever sent (notes §2.6): no
/// TimerStarted, and the timer's ID is skipped.
fn estimate_again(
    links: &Links<'_>,
    i: usize,
    a: &ActivityTaskScheduledEventAttributes,
    handled: &[&HistoryEvent],
) -> Option<(String, [i64; 2])> {
    let returned = handled.iter().copied().find(|h| {
        matches!(&h.attributes, EventAttributes::ActivityTaskCompleted(c) if activity(&activity_name(links, c.scheduled_event_id)) == Activity::Estimate)
    })?;
    let scan = links.prev_where(i, |p| signal_named(p, "ScanSignal").is_some())?;
    let timer = a.activity_id.parse::<i64>().ok().filter(|id| *id > 0).map_or(String::new(), |id| format!(" (ID {})", id - 1));
    let text = format!(
        " This is a second estimate in a row: the one of event {} had just come back, and the code created the \
         notification timer for it{timer}, but the ScanSignal of event {} was already waiting in its channel. The \
         selector took that scan in the same decision task, and updateTimeout canceled the new timer and asked again, \
         from the scanned location. A timer created and canceled within one decision task never reaches Cadence: no \
         TimerStarted is written for it, and its ID is skipped.",
        returned.event_id, scan.event_id
    );
    Some((text, [returned.event_id, scan.event_id]))
}

fn signaled(
    links: &Links<'_>,
    i: usize,
    a: &WorkflowExecutionSignaledEventAttributes,
    b: &mut Builder<'_, '_>,
) -> (String, String, String) {
    let input = a.input.as_ref().filter(|p| !p.is_empty()).map(prose);
    let how = arrival(links, i, b);
    let reader = match a.signal_name.as_str() {
        "ScanSignal" => match unreadable_scan(a) {
            None => match delivered_first(links, i) {
                Some(delivery) => format!(
                    " But it is never read: it came in the same batch as the delivery of event {}, which arrived first \
                     while the code waited in its selector. A waiting select takes the first signal to arrive, the \
                     delivered case ended the loop, and the workflow completed with this scan still in its channel.",
                    delivery.event_id
                ),
                None => match estimates_canceled(links, i) {
                    Some(c) => format!(
                        " The scan case adds the location to the list but, since the cancel request of event {c}, \
                         schedules nothing: its estimate fails at once."
                    ),
                    None => " The code reads it from the ScanSignal channel when it gets there: the selector's scan case adds \
                             the location to the list (and from chapter 7 resets the notification timer). If the code is \
                             still busy with the payment, the value simply waits in the channel."
                        .to_owned(),
                },
            },
            Some(e) => format!(
                " But the code cannot read this value as a scan ({e}). When the scan case takes it, the workflow logs \
                 \"Corrupt signal received\", drops it and waits for the next scan on that channel alone, as the Go \
                 client's Receive does: nothing else is read until a scan that decodes arrives, not even a delivery."
            ),
        },
        "DeliveredSignal" => {
            let last_scan = links.events[..i].iter().rev().find_map(|e| Some((e.event_id, signal_named(e, "ScanSignal")?)));
            match last_scan.filter(|(_, s)| unreadable_scan(s).is_some()) {
                None => match delivery_not_ending(links, i) {
                    Some(task) => {
                        b.add(task.event_id, Role::Next);
                        format!(
                            " But its decision task (event {}) made no decisions and the workflow runs on: \
                             {NO_DELIVERED_CASE}",
                            task.event_id
                        )
                    }
                    None => " The selector's delivered case ends the loop, and the workflow completes.".to_owned(),
                },
                Some((id, _)) => format!(
                    " The selector's delivered case ends the loop, but not yet: the scan case is still waiting for a scan \
                     it can read (the one of event {id} could not be read), so this delivery is read after the next good scan."
                ),
            }
        }
        _ => " The workshop's code reads no channel of that name: the value stays there unread and changes nothing.".to_owned(),
    };
    let sender = match a.signal_name.as_str() {
        "ScanSignal" => ", here a scanner in a depot",
        "DeliveredSignal" => ", here the courier confirming the delivery",
        _ => "",
    };
    (
        format!("Signal {} received{}", a.signal_name, input.as_ref().map_or(String::new(), |p| format!(": {p}"))),
        format!(
            "Someone sent the signal (cadence wf signal){sender}. Cadence stored it durably as soon as it accepted it, \
             so it cannot get lost.{how}"
        ),
        format!(
            "The value waits in the workflow's {} channel until the code reads it: a channel never loses a signal.{reader}",
            a.signal_name
        ),
    )
}

/// The cancel request that makes a scan at position `i` schedule nothing: the code is
/// in its tracking loop (a timer was started), the customer not yet notified (a scan
/// would ask for an estimate), and the loop goes on after the cancel (the workflow
/// does not close as canceled). Its estimate then fails at once, unsent.
fn estimates_canceled(links: &Links<'_>, i: usize) -> Option<i64> {
    let before = &links.events[..i];
    let looping = before.iter().any(|e| e.event_type() == EventType::TimerStarted)
        && !before.iter().any(|e| e.event_type() == EventType::TimerFired)
        && !links.events.iter().any(|e| e.event_type() == EventType::WorkflowExecutionCanceled);
    links.cancel_request(i).map(|c| c.event_id).filter(|_| looping)
}

/// How the signal or cancel request at `i` reaches the code, as a sentence, linked:
/// buffered behind a running decision task, with a decision task of its own, or
/// riding along with one already scheduled.
fn arrival(links: &Links<'_>, i: usize, b: &mut Builder<'_, '_>) -> String {
    let behind = links.buffered_behind(i);
    let next = links.after(i).filter(|n| n.event_type() == EventType::DecisionTaskScheduled);
    // A decision task scheduled and not yet started when it came takes it along.
    let pending = match derive(&links.events[..i]).decision_task {
        Some(OpenDecisionTask::Scheduled { scheduled_event_id }) => links.get(scheduled_event_id),
        _ => None,
    };
    b.add_event(behind, Role::Cause);
    b.add_event(next, Role::Next);
    b.add_event(links.handling_task(i), Role::Next);
    match (behind, next, pending) {
        (Some(task_end), _, _) => format!(
            " It arrived while a decision task was running, so Cadence held it back (buffered) and wrote it into \
             the history only after that task ended in event {}; a new decision task then brought it to the code.",
            task_end.event_id
        ),
        (None, Some(n), _) => format!(" No decision task was pending, so Cadence scheduled one (event {}) to wake the code.", n.event_id),
        (None, None, Some(p)) => format!(
            " A decision task was already scheduled (event {}) and not yet started: that task brings it to the code \
             too, with no extra decision task.",
            p.event_id
        ),
        _ => String::new(),
    }
}

/// The DeliveredSignal that kept the scan at position `i` from being read: the first
/// event of the scan's decision batch, handed to code that waited in its selector (no
/// activity open when the batch began), in a decision task that closed the workflow.
/// A waiting select takes the first signal to arrive (notes §3.1); when the code was
/// busy instead, both wait in their channels and the scan case, added first, wins.
fn delivered_first<'h>(links: &Links<'h>, i: usize) -> Option<&'h HistoryEvent> {
    let task = links.handling_task(i)?;
    let t = links.index(task.event_id)?;
    let completed = links.after(t).filter(|e| e.event_type() == EventType::DecisionTaskCompleted)?;
    if !links.decisions_of(completed.event_id).iter().any(|d| d.event_type().is_workflow_close()) {
        return None;
    }
    let batch = links.handled_by(t);
    let first = *batch.first()?;
    signal_named(first, "DeliveredSignal")?;
    let begun = links.index(first.event_id)?;
    let scan_id = links.events[i].event_id;
    let waiting = first.event_id < scan_id
        && links.events[..begun].iter().any(|e| e.event_type() == EventType::DecisionTaskCompleted)
        && derive(&links.events[..begun]).open_activities.is_empty();
    waiting.then_some(first)
}

/// Why a delivery handed to waiting code changed nothing: code before chapter 5.
const NO_DELIVERED_CASE: &str = "this code has no case that ends on a delivery (chapter 5 adds it).";

/// The `DecisionTaskCompleted` of the task that handed the DeliveredSignal at `i` to
/// code waiting on no activity, if it made no decisions: code that ends on a
/// delivery completes in that task (a scan it cannot read aside), so this code does
/// not end on one. `None` while the delivery has not been handed over yet.
fn delivery_not_ending<'h>(links: &Links<'h>, i: usize) -> Option<&'h HistoryEvent> {
    let t = links.index(links.handling_task(i)?.event_id)?;
    let completed = links.after(t).filter(|e| e.event_type() == EventType::DecisionTaskCompleted)?;
    let quiet = links.decisions_of(completed.event_id).is_empty() && derive(&links.events[..=t]).open_activities.is_empty();
    quiet.then_some(completed)
}

/// The signal `name` that event `e` records, if it is one.
fn signal_named<'h>(e: &'h HistoryEvent, name: &str) -> Option<&'h WorkflowExecutionSignaledEventAttributes> {
    match &e.attributes {
        EventAttributes::WorkflowExecutionSignaled(s) if s.signal_name == name => Some(s),
        _ => None,
    }
}

/// Why a scan signal's input cannot be read as a scan, if it cannot: the workflow's own
/// decoder decides (a signal sent without input is empty, and cannot).
fn unreadable_scan(a: &WorkflowExecutionSignaledEventAttributes) -> Option<String> {
    let input = a.input.clone().unwrap_or_default();
    input.decode_or_ignore::<crate::postal::ScanSignal>().err().map(|e| e.to_string())
}

/// An activity's closing event at `i`: links its scheduled and started events and the
/// decision task it woke; returns that decision task and the activity's name.
fn activity_closed<'h>(b: &mut Builder<'_, 'h>, i: usize, scheduled: i64, started: i64) -> (Option<&'h HistoryEvent>, String) {
    b.add(scheduled, Role::Scheduled);
    b.add(started, Role::Started);
    let next = woke(b.links, i);
    b.add_event(next, Role::Next);
    (next, activity_name(b.links, scheduled))
}

/// The decision task scheduled in the same run right after event `i`, if the event woke the workflow.
fn woke<'h>(links: &Links<'h>, i: usize) -> Option<&'h HistoryEvent> {
    let mut j = i + 1;
    while let Some(e) = links.events.get(j) {
        match e.event_type() {
            EventType::DecisionTaskScheduled => return Some(e),
            t if super::links::is_bufferable(t) => j += 1,
            _ => return None,
        }
    }
    None
}

/// "The future is ready" plus how the code learns it.
fn wake_text(links: &Links<'_>, i: usize, next: Option<&HistoryEvent>, ready: &str) -> String {
    match next {
        Some(n) => format!("{ready}; Cadence scheduled a decision task (event {}) so the code can go on with it.", n.event_id),
        None => match links.handling_task(i) {
            Some(t) => format!("{ready}; a decision task was already pending, and it hands this to the code (event {}).", t.event_id),
            None => format!("{ready}; the decision task that was already pending will hand it to the code."),
        },
    }
}

fn handled_by_completed<'h>(links: &Links<'h>, completed: i64) -> Vec<&'h HistoryEvent> {
    links
        .get(completed)
        .and_then(|t| match &t.attributes {
            EventAttributes::DecisionTaskCompleted(c) => links.index(c.started_event_id),
            _ => None,
        })
        .map(|s| links.handled_by(s))
        .unwrap_or_default()
}

fn scheduled_attrs<'h>(links: &Links<'h>, scheduled: i64) -> Option<&'h ActivityTaskScheduledEventAttributes> {
    links.get(scheduled).and_then(|s| match &s.attributes {
        EventAttributes::ActivityTaskScheduled(a) => Some(a.as_ref()),
        _ => None,
    })
}

fn activity_name(links: &Links<'_>, scheduled: i64) -> String {
    scheduled_attrs(links, scheduled).map_or_else(|| "the activity".to_owned(), |a| a.activity_type.name.to_string())
}

/// A decision's event, named as the decision: "ScheduleActivityTask estimatedDeliveryTimeComplete".
fn decision_name(e: &HistoryEvent) -> String {
    match &e.attributes {
        EventAttributes::ActivityTaskScheduled(a) => format!("ScheduleActivityTask ({})", a.activity_type.name),
        EventAttributes::TimerStarted(a) => format!("StartTimer (timer {})", a.timer_id),
        EventAttributes::TimerCanceled(a) => format!("CancelTimer (timer {})", a.timer_id),
        EventAttributes::CancelTimerFailed(a) => format!("CancelTimer (timer {}, failed)", a.timer_id),
        EventAttributes::WorkflowExecutionCompleted(_) => "CompleteWorkflowExecution".to_owned(),
        EventAttributes::WorkflowExecutionFailed(a) => match blob_failed_decision(a) {
            Some(decision) => format!("{decision} (over 2 MiB: the server failed the workflow in its place)"),
            None => "FailWorkflowExecution".to_owned(),
        },
        EventAttributes::ActivityTaskCancelRequested(a) => format!("RequestCancelActivityTask (activity {})", a.activity_id),
        EventAttributes::WorkflowExecutionCanceled(_) => "FailWorkflowExecution (written as canceled)".to_owned(),
        _ => e.event_type().name().to_owned(),
    }
}

/// The decision type the server failed the workflow for, when it did so for its
/// payload's size: its words name the decision's attributes.
fn blob_failed_decision(a: &WorkflowExecutionFailedEventAttributes) -> Option<&str> {
    let failure = a.failure.as_ref().filter(|f| f.reason == limits::DECISION_BLOB_SIZE_EXCEEDS_LIMIT)?;
    std::str::from_utf8(&failure.details).ok()?.split("DecisionAttributes").next()
}

/// "the ScanSignal of event 24 and TimerFired 26".
fn list_events(events: &[&HistoryEvent]) -> String {
    let names: Vec<String> = events.iter().map(|e| short(e)).collect();
    match names.len() {
        0 => String::new(),
        1 => names[0].clone(),
        n => format!("{} and {}", names[..n - 1].join(", "), names[n - 1]),
    }
}

fn short(e: &HistoryEvent) -> String {
    match &e.attributes {
        EventAttributes::WorkflowExecutionSignaled(s) => format!("the {} of event {}", s.signal_name, e.event_id),
        EventAttributes::TimerFired(t) => format!("the firing of timer {} (event {})", t.timer_id, e.event_id),
        EventAttributes::WorkflowExecutionStarted(_) => "the start (event 1)".to_owned(),
        EventAttributes::WorkflowExecutionCancelRequested(_) => format!("the cancel request of event {}", e.event_id),
        _ if decision_task_completed_id(e).is_some() || activity_scheduled_id(e).is_some() => {
            format!("the {} of event {}", e.event_type().name(), e.event_id)
        }
        _ => format!("event {} {}", e.event_id, e.event_type().name()),
    }
}

/// A payload inside a sentence: its JSON values separated by spaces. The Go client
/// ends every value with a newline, which the one-line history table shows as `\n`
/// and a sentence must not.
/// A payload in a sentence: its values on one line, a long one cut as `wf show` cuts it.
fn prose(p: &Payload) -> String {
    let text = p.to_text().split('\n').filter(|v| !v.is_empty()).collect::<Vec<_>>().join(" ");
    table::trimmed(&text, table::MAX_FIELD_LENGTH).into_owned()
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    c.next().map_or_else(String::new, |f| f.to_uppercase().chain(c).collect())
}
