//! The guided tour: for each chapter, a few suggested actions and the events they
//! write, keyed by the same [`Chapter`] as the chapter texts ([`super::GUIDES`]) and
//! the prediction questions ([`super::questions`]).
//!
//! The steps are data; the progress through them is [`super::progress::Tour`]. Tests
//! play every step on the simulator and check that it writes what the step expects.

use crate::controls::Command;
use crate::history::EventAttributes;
use crate::postal::{Chapter, DELIVERED_SIGNAL, Order, SCAN_SIGNAL};
use crate::session::{Action, DEFAULT_EXECUTION_TIMEOUT, Session};

/// What a step asks the participant to do. Any action of the same kind counts (a
/// scan at another place is a scan); the values are the suggestion, and what the
/// tests play.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum TourAction {
    /// Start an order: the workshop's, with this customer and amount.
    Start { customer: &'static str, amount: f64 },
    /// Send `ScanSignal` with this location.
    Scan(&'static str),
    /// Send `DeliveredSignal`.
    Delivered,
    /// Ask the `current_status` query.
    Query,
    /// Move the clock to the next timer, retry or timeout.
    NextTimer,
}

/// The workshop's own order.
pub const WORKSHOP_ORDER: TourAction = TourAction::Start { customer: "Cadence", amount: 20.0 };

impl TourAction {
    /// Whether a recorded action is one of this kind.
    pub fn matches(&self, action: &Action) -> bool {
        match (self, action) {
            (TourAction::Start { .. }, Action::Start { .. }) => true,
            (TourAction::Scan(_), Action::Signal { name, .. }) => name == SCAN_SIGNAL,
            (TourAction::Delivered, Action::Signal { name, .. }) => name == DELIVERED_SIGNAL,
            (TourAction::Query, Action::Query { .. }) => true,
            (TourAction::NextTimer, Action::AdvanceNext | Action::AdvanceBy { .. }) => true,
            _ => false,
        }
    }

    /// For a start step done with a start of another order (another amount or
    /// customer, which send the run down another path): the step's order in words.
    pub fn other_order(&self, done: &Action) -> Option<String> {
        let (TourAction::Start { customer, amount }, Action::Start { input, .. }) = (self, done) else { return None };
        let order: Order = crate::payload::Payload::from(input.as_str()).decode().ok()?;
        let differs = order.customer != *customer || order.amount != *amount;
        differs.then(|| match *customer {
            "" => format!("an order of {amount} without a customer"),
            c => format!("an order of {amount} for {c}"),
        })
    }

    /// The suggested action itself.
    pub fn action(&self) -> Action {
        match *self {
            TourAction::Start { customer, amount } => {
                let order = Order { customer: customer.into(), amount, ..Order::workshop() };
                Action::Start { workflow_id: order.id.clone(), input: order.to_input_json(), execution_timeout: DEFAULT_EXECUTION_TIMEOUT }
            }
            TourAction::Scan(place) => {
                Action::Signal { name: SCAN_SIGNAL.into(), input: Some(serde_json::json!({ "location": place }).to_string()) }
            }
            TourAction::Delivered => Action::Signal { name: DELIVERED_SIGNAL.into(), input: None },
            TourAction::Query => Action::Query { name: crate::postal::CURRENT_STATUS_QUERY.into() },
            TourAction::NextTimer => Action::AdvanceNext,
        }
    }

    /// The command that does it, whose keys the front ends show next to the step.
    pub fn command(&self) -> Command {
        match self {
            TourAction::Start { .. } => Command::Start,
            TourAction::Scan(_) => Command::Scan,
            TourAction::Delivered => Command::Delivered,
            TourAction::Query => Command::Query,
            TourAction::NextTimer => Command::NextTimer,
        }
    }

    /// Performs the suggestion on a session as a participant would (with the worker
    /// running after it when the session auto-runs).
    pub fn perform(&self, session: &mut Session) -> Result<(), String> {
        session.perform(self.action())
    }
}

/// One step of the tour.
#[derive(Debug, PartialEq)]
pub struct TourStep {
    pub chapter: Chapter,
    /// Unique and stable: progress files and questions refer to it.
    pub id: &'static str,
    /// What to do, in words.
    pub instruction: &'static str,
    /// The action that starts the step; any action of its kind counts.
    pub action: TourAction,
    /// What else the instruction asks for before the events can appear (the clock
    /// for retries, say): the tests play these too.
    pub then: &'static [TourAction],
    /// Event types that appear after the action, in this order (a subsequence), as a
    /// scenario's `expect events` reads them.
    pub events: &'static [&'static str],
    /// Event types that must not appear.
    pub no_events: &'static [&'static str],
    /// What to look at once the events are there.
    pub look_for: &'static str,
    /// What the step takes for granted in the run, when the participant can have gone
    /// past it by moving the clock on.
    pub premise: Option<Premise>,
}

/// A state of the run a step is written for ("while the payment is still being
/// retried", "while the timer runs", "once the customer was notified"). A participant
/// who moved the clock on is past it, one who skipped a step is not there yet: either
/// way the step's events cannot come, and the tour says so, and how to get there,
/// rather than wait.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Premise {
    /// The payment has not gone through yet: a retry is still to come.
    PaymentPending,
    /// The notification timer runs (started, not fired or canceled).
    TimerRunning,
    /// The customer was notified: a notification timer fired and the code handled it.
    Notified,
    /// The code has read a scan: the query's location list holds more than the
    /// order's sendFrom.
    Scanned,
}

impl Premise {
    /// Whether the run at the session's cursor is still in that state.
    pub fn holds(self, session: &Session) -> bool {
        let history = session.history();
        match self {
            Premise::PaymentPending => {
                let payment = session.config().postal.chapter.names().validate_payment;
                !history.iter().any(|e| match &e.attributes {
                    EventAttributes::ActivityTaskCompleted(a) => {
                        usize::try_from(a.scheduled_event_id - 1).ok().and_then(|i| history.get(i)).is_some_and(
                            |s| matches!(&s.attributes, EventAttributes::ActivityTaskScheduled(x) if x.activity_type.name == payment),
                        )
                    }
                    _ => false,
                })
            }
            Premise::TimerRunning => !crate::history::derived::derive(history).open_timers.is_empty(),
            Premise::Notified => session.notifications() > 0,
            Premise::Scanned => session.current_status().is_some_and(|s| s.location_history.len() > 1),
        }
    }

    /// What the step needs that this run is past, or has not reached yet, and the way
    /// to it.
    pub fn unmet(self) -> String {
        use crate::controls::keys_label;
        let back = format!(
            "step back ({}) to before that, or the chapter's session starts it again with the workshop's order",
            keys_label(Command::Back)
        );
        let (needs, state, way) = match self {
            Premise::PaymentPending => ("a payment still being retried", "the payment went through (the clock moved on)", back),
            Premise::TimerRunning => (
                "the notification timer running",
                "no timer runs",
                format!(
                    "if it fired, {back}; if it has not started yet, move the clock on ({}) until the package is shipped",
                    keys_label(Command::NextTimer)
                ),
            ),
            Premise::Notified => (
                "the customer notified",
                "no notification timer has fired yet",
                format!("move the clock to the timer first ({}), as the step before does", keys_label(Command::NextTimer)),
            ),
            Premise::Scanned => (
                "a scan the code has read",
                "the query's list still holds only the order's sendFrom",
                format!("scan first ({}), after the payment went through, as the step before does", keys_label(Command::Scan)),
            ),
        };
        format!("This step needs {needs}, and in this run {state}: {way}.")
    }
}

use TourAction::{Delivered, NextTimer, Query, Scan};

const TWO_RETRIES: &[TourAction] = &[NextTimer, NextTimer];

/// Every step, chapter by chapter, in tour order.
pub static TOUR: &[TourStep] = &[
    // 1 · Two activities
    TourStep {
        chapter: Chapter::Activities,
        id: "activities/start",
        instruction: "Start the workshop's order (Order123, 20, customer Cadence).",
        action: WORKSHOP_ORDER,
        then: &[],
        events: &[
            "WorkflowExecutionStarted",
            "ActivityTaskScheduled",
            "ActivityTaskStarted",
            "ActivityTaskCompleted",
            "ActivityTaskScheduled",
            "ActivityTaskStarted",
            "ActivityTaskCompleted",
            "WorkflowExecutionCompleted",
        ],
        no_events: &["ActivityTaskFailed"],
        premise: None,
        look_for: "validatePayment, then shipProduct, each Scheduled (the workflow asked), Started (a worker took it) \
                   and Completed (the result). Between them, decision tasks: the workflow code running. Select an \
                   event to see why it is there.",
    },
    TourStep {
        chapter: Chapter::Activities,
        id: "activities/no-customer",
        instruction: "Start an order with an empty customer: shipProduct refuses it.",
        action: TourAction::Start { customer: "", amount: 20.0 },
        then: &[],
        events: &["ActivityTaskFailed", "WorkflowExecutionFailed"],
        no_events: &[],
        premise: None,
        look_for: "ActivityTaskFailed carries the activity's error; the workflow returns it wrapped, and \
                   WorkflowExecutionFailed closes the run.",
    },
    // 2 · Failures and retries
    TourStep {
        chapter: Chapter::Retries,
        id: "retries/start",
        instruction: "Start the workshop's order. validatePayment now fails on its first two attempts.",
        action: WORKSHOP_ORDER,
        then: &[],
        events: &["ActivityTaskScheduled"],
        no_events: &["ActivityTaskStarted", "ActivityTaskFailed"],
        premise: None,
        look_for: "Only ActivityTaskScheduled: attempt 0 failed and wrote nothing. The pending activity shows \
                   attempt=1 (try 2 of 3), the last failure and the time to the next retry.",
    },
    TourStep {
        chapter: Chapter::Retries,
        id: "retries/second-attempt",
        instruction: "Move the clock to the retry (1 s later).",
        action: NextTimer,
        then: &[],
        events: &[],
        no_events: &["ActivityTaskStarted", "DecisionTaskScheduled"],
        premise: Some(Premise::PaymentPending),
        look_for: "The history did not change: attempt 1 failed too. The pending activity now says \
                   attempt=2 (try 3 of 3), with the next retry 2 s away (the backoff doubled).",
    },
    TourStep {
        chapter: Chapter::Retries,
        id: "retries/third-attempt",
        instruction: "Move the clock to the next retry: the third attempt goes through.",
        action: NextTimer,
        then: &[],
        events: &["ActivityTaskStarted", "ActivityTaskCompleted", "WorkflowExecutionCompleted"],
        no_events: &["ActivityTaskFailed"],
        premise: Some(Premise::PaymentPending),
        look_for: "ActivityTaskStarted says attempt 2 and names the last failure: it was written with the result. \
                   Select it for the whole story.",
    },
    TourStep {
        chapter: Chapter::Retries,
        id: "retries/over-25",
        instruction: "Start an order of 30 (more than 25), then move the clock twice.",
        action: TourAction::Start { customer: "Cadence", amount: 30.0 },
        then: TWO_RETRIES,
        events: &["ActivityTaskStarted", "ActivityTaskFailed", "WorkflowExecutionFailed"],
        no_events: &[],
        premise: None,
        look_for: "Three attempts, one ActivityTaskFailed: the failure is final only when no attempt is left.",
    },
    // 3 · One scan signal
    TourStep {
        chapter: Chapter::ScanOnce,
        id: "scan-once/wait",
        instruction: "Start the workshop's order and move the clock twice, past the payment's retries.",
        action: WORKSHOP_ORDER,
        then: TWO_RETRIES,
        events: &["ActivityTaskCompleted", "ActivityTaskScheduled", "ActivityTaskCompleted", "DecisionTaskCompleted"],
        no_events: &["WorkflowExecutionCompleted"],
        premise: None,
        look_for: "The last decision task made no decisions: the code now waits in the ScanSignal channel. \
                   \"blocked on selector-1.Select\" names the line.",
    },
    TourStep {
        chapter: Chapter::ScanOnce,
        id: "scan-once/scan",
        instruction: "Scan the package at Delft.",
        action: Scan("Delft"),
        then: &[],
        events: &["WorkflowExecutionSignaled", "DecisionTaskScheduled", "DecisionTaskCompleted", "WorkflowExecutionCompleted"],
        no_events: &[],
        premise: None,
        look_for: "The signal woke the workflow through a decision task; the code read it, added Delft and returned.",
    },
    TourStep {
        chapter: Chapter::ScanOnce,
        id: "scan-once/restart",
        instruction: "Start the order again; do not move the clock yet.",
        action: WORKSHOP_ORDER,
        then: &[],
        events: &["ActivityTaskScheduled"],
        no_events: &[],
        premise: None,
        look_for: "The payment is being retried: the code waits on its future, not on the channel.",
    },
    TourStep {
        chapter: Chapter::ScanOnce,
        id: "scan-once/early-scan",
        instruction: "Scan the package now, while the payment is still being retried.",
        action: Scan("Delft"),
        then: &[],
        events: &["WorkflowExecutionSignaled", "DecisionTaskCompleted"],
        no_events: &["WorkflowExecutionCompleted"],
        premise: Some(Premise::PaymentPending),
        look_for: "The signal is in the history, but the code has not read it: the decision task made no \
                   decisions. Pending lists it as not read yet.",
    },
    TourStep {
        chapter: Chapter::ScanOnce,
        id: "scan-once/late-read",
        instruction: "Move the clock twice: the payment goes through, and the code reads the waiting scan.",
        action: NextTimer,
        then: &[NextTimer],
        events: &["ActivityTaskCompleted", "WorkflowExecutionCompleted"],
        no_events: &[],
        premise: Some(Premise::PaymentPending),
        look_for: "No new signal: the code read the one that waited in the channel. Signals are never lost.",
    },
    // 4 · Scans in a loop
    TourStep {
        chapter: Chapter::Loop,
        id: "loop/wait",
        instruction: "Start the workshop's order and move the clock twice.",
        action: WORKSHOP_ORDER,
        then: TWO_RETRIES,
        events: &["ActivityTaskCompleted", "DecisionTaskCompleted"],
        no_events: &["WorkflowExecutionCompleted"],
        premise: None,
        look_for: "The code waits in selector.Select, on the ScanSignal channel.",
    },
    TourStep {
        chapter: Chapter::Loop,
        id: "loop/scan",
        instruction: "Scan the package at Delft.",
        action: Scan("Delft"),
        then: &[],
        events: &["WorkflowExecutionSignaled", "DecisionTaskCompleted"],
        no_events: &["WorkflowExecutionCompleted"],
        premise: None,
        look_for: "The workflow keeps running: the loop went round and waits in Select again. The log shows the scan.",
    },
    TourStep {
        chapter: Chapter::Loop,
        id: "loop/scan-again",
        instruction: "Scan it again, at Lyon.",
        action: Scan("Lyon"),
        then: &[],
        events: &["WorkflowExecutionSignaled", "DecisionTaskCompleted"],
        no_events: &["WorkflowExecutionCompleted"],
        premise: None,
        look_for: "Each scan sent on its own: one signal, one decision task. The location list lives in the code's \
                   memory and is rebuilt by replay whenever a worker needs it.",
    },
    // 5 · The delivered signal
    TourStep {
        chapter: Chapter::Delivered,
        id: "delivered/wait",
        instruction: "Start the workshop's order and move the clock twice.",
        action: WORKSHOP_ORDER,
        then: TWO_RETRIES,
        events: &["ActivityTaskCompleted", "DecisionTaskCompleted"],
        no_events: &["WorkflowExecutionCompleted"],
        premise: None,
        look_for: "The selector now has two receive cases: ScanSignal and DeliveredSignal.",
    },
    TourStep {
        chapter: Chapter::Delivered,
        id: "delivered/scan",
        instruction: "Scan the package at Delft.",
        action: Scan("Delft"),
        then: &[],
        events: &["WorkflowExecutionSignaled", "DecisionTaskCompleted"],
        no_events: &["WorkflowExecutionCompleted"],
        premise: None,
        look_for: "Still running: a scan goes round the loop.",
    },
    TourStep {
        chapter: Chapter::Delivered,
        id: "delivered/deliver",
        instruction: "Deliver the package.",
        action: Delivered,
        then: &[],
        events: &["WorkflowExecutionSignaled", "DecisionTaskCompleted", "WorkflowExecutionCompleted"],
        no_events: &[],
        premise: None,
        look_for: "The loop ended, the function returned, and the result is in WorkflowExecutionCompleted. Now try \
                   a scan: Cadence refuses it and writes nothing.",
    },
    // 6 · The current_status query
    TourStep {
        chapter: Chapter::Query,
        id: "query/start",
        instruction: "Start the workshop's order; do not move the clock yet.",
        action: WORKSHOP_ORDER,
        then: &[],
        events: &["ActivityTaskScheduled"],
        no_events: &[],
        premise: None,
        look_for: "The payment is being retried; the query handler was registered before it.",
    },
    TourStep {
        chapter: Chapter::Query,
        id: "query/early",
        instruction: "Ask the current_status query.",
        action: Query,
        then: &[],
        events: &[],
        no_events: &["DecisionTaskScheduled", "WorkflowExecutionSignaled"],
        premise: Some(Premise::PaymentPending),
        look_for: "The answer lists Aarhus, the order's sendFrom, and the history did not grow.",
    },
    TourStep {
        chapter: Chapter::Query,
        id: "query/scan",
        instruction: "Move the clock on until the payment goes through (twice since the start), then scan at Delft.",
        action: NextTimer,
        then: &[NextTimer, Scan("Delft")],
        events: &["ActivityTaskCompleted", "WorkflowExecutionSignaled", "DecisionTaskCompleted"],
        no_events: &["WorkflowExecutionCompleted"],
        premise: Some(Premise::PaymentPending),
        look_for: "The payment, the shipment, then the scan and a decision task in which the loop adds Delft to the \
                   list the query handler reads.",
    },
    TourStep {
        chapter: Chapter::Query,
        id: "query/after-scan",
        instruction: "Ask the current_status query again.",
        action: Query,
        then: &[],
        events: &[],
        no_events: &["DecisionTaskScheduled", "WorkflowExecutionSignaled"],
        premise: Some(Premise::Scanned),
        look_for: "The answer follows the scans: Aarhus, Delft. Asking wrote nothing into the history, now as before.",
    },
    // 7 · The notification timer
    TourStep {
        chapter: Chapter::Notification,
        id: "notification/timer",
        instruction: "Start the workshop's order and move the clock twice.",
        action: WORKSHOP_ORDER,
        then: TWO_RETRIES,
        events: &["ActivityTaskScheduled", "ActivityTaskCompleted", "TimerStarted"],
        no_events: &[],
        premise: None,
        look_for: "After shipping, estimatedDeliveryTime said how many days; TimerStarted waits that many minutes. \
                   The selector now waits on the timer too.",
    },
    TourStep {
        chapter: Chapter::Notification,
        id: "notification/scan",
        instruction: "Scan the package at Delft while the timer runs.",
        action: Scan("Delft"),
        then: &[],
        events: &["WorkflowExecutionSignaled", "TimerCanceled", "ActivityTaskScheduled", "ActivityTaskCompleted", "TimerStarted"],
        no_events: &["TimerFired"],
        premise: Some(Premise::TimerRunning),
        look_for: "TimerCanceled for the old timer, a fresh estimate from Delft, TimerStarted for the new one: \
                   updateTimeout at work.",
    },
    TourStep {
        chapter: Chapter::Notification,
        id: "notification/fire",
        instruction: "Move the clock to the timer.",
        action: NextTimer,
        then: &[],
        events: &["TimerFired", "DecisionTaskScheduled", "DecisionTaskCompleted"],
        no_events: &["TimerStarted"],
        premise: Some(Premise::TimerRunning),
        look_for: "TimerFired woke the workflow; the log says Notification sent.",
    },
    TourStep {
        chapter: Chapter::Notification,
        id: "notification/scan-after",
        instruction: "Scan the package again, at Lyon.",
        action: Scan("Lyon"),
        then: &[],
        events: &["WorkflowExecutionSignaled", "DecisionTaskCompleted"],
        no_events: &["ActivityTaskScheduled", "TimerStarted", "TimerCanceled"],
        premise: Some(Premise::Notified),
        look_for: "The location is recorded, but no estimate and no timer: the customer was told already.",
    },
    TourStep {
        chapter: Chapter::Notification,
        id: "notification/deliver",
        instruction: "Deliver the package.",
        action: Delivered,
        then: &[],
        events: &["WorkflowExecutionSignaled", "WorkflowExecutionCompleted"],
        no_events: &[],
        premise: None,
        look_for: "Done: one notification, every scan in the list. Try live time next (the tour ends here) and \
                   watch retries and the timer happen by themselves.",
    },
];

/// The step with this ID.
pub fn step(id: &str) -> Option<&'static TourStep> {
    TOUR.iter().find(|s| s.id == id)
}

/// The steps of one chapter, in order.
pub fn steps_of(chapter: Chapter) -> impl Iterator<Item = &'static TourStep> {
    TOUR.iter().filter(move |s| s.chapter == chapter)
}
