//! Predict the next event: questions the tour asks before a step's action, each tied
//! to a tour step by its ID. A choice states what the history will get, in the same
//! terms as a scenario's expectations (event types in order, event types that do not
//! appear), so a test plays the step on the simulator and checks that the stated
//! answer holds and every other choice does not.

/// A prediction question, asked before the action of tour step `step`.
#[derive(Debug, PartialEq)]
pub struct Question {
    pub step: &'static str,
    pub prompt: &'static str,
    pub choices: &'static [Choice],
    /// The index of the right choice.
    pub answer: usize,
    /// Why, shown once the action has answered it.
    pub why: &'static str,
}

/// One possible prediction, and the events it claims.
#[derive(Debug, PartialEq)]
pub struct Choice {
    pub text: &'static str,
    /// Event types the step's action writes, in this order (a subsequence).
    pub events: &'static [&'static str],
    /// Event types it does not write.
    pub no_events: &'static [&'static str],
}

const fn choice(text: &'static str, events: &'static [&'static str], no_events: &'static [&'static str]) -> Choice {
    Choice { text, events, no_events }
}

pub static QUESTIONS: &[Question] = &[
    Question {
        step: "activities/no-customer",
        prompt: "shipProduct refuses an order without a customer, and it has no retry policy. What follows its \
                 ActivityTaskFailed?",
        choices: &[
            choice("A new ActivityTaskScheduled: Cadence tries the activity again.", &["ActivityTaskFailed", "ActivityTaskScheduled"], &[]),
            choice(
                "A decision task, then WorkflowExecutionFailed: the code returns the error.",
                &["ActivityTaskFailed", "DecisionTaskCompleted", "WorkflowExecutionFailed"],
                &[],
            ),
            choice(
                "WorkflowExecutionCompleted: a failed activity does not stop the workflow.",
                &["ActivityTaskFailed", "WorkflowExecutionCompleted"],
                &[],
            ),
        ],
        answer: 1,
        why: "Without a retry policy the first failure is final. The error goes back to the code through the \
              activity's future; the workshop's code wraps it and returns it, and a workflow that returns an \
              error fails.",
    },
    Question {
        step: "retries/start",
        prompt: "validatePayment fails on its first attempt (\"temporary issue, please retry\"). What does the \
                 history get for that failed attempt?",
        choices: &[
            choice("ActivityTaskStarted and ActivityTaskFailed for attempt 0.", &["ActivityTaskStarted", "ActivityTaskFailed"], &[]),
            choice(
                "Nothing: the server keeps the failure in its own state and retries later.",
                &["ActivityTaskScheduled"],
                &["ActivityTaskStarted", "ActivityTaskFailed"],
            ),
            choice("ActivityTaskFailed, then WorkflowExecutionFailed.", &["ActivityTaskFailed", "WorkflowExecutionFailed"], &[]),
        ],
        answer: 1,
        why: "With a retry policy, retries are the server's job: a failed attempt changes the activity's state \
              (attempt, last failure, next retry time) but writes no event and wakes no decision task.",
    },
    Question {
        step: "retries/third-attempt",
        prompt: "The third attempt succeeds. Which events does the payment get now?",
        choices: &[
            choice("Two ActivityTaskFailed (attempts 0 and 1), then the result.", &["ActivityTaskFailed", "ActivityTaskCompleted"], &[]),
            choice(
                "ActivityTaskTimedOut for the failed attempts, then the result.",
                &["ActivityTaskTimedOut", "ActivityTaskCompleted"],
                &[],
            ),
            choice(
                "ActivityTaskStarted (attempt 2) and ActivityTaskCompleted, written together.",
                &["ActivityTaskStarted", "ActivityTaskCompleted"],
                &["ActivityTaskFailed"],
            ),
        ],
        answer: 2,
        why: "Cadence writes ActivityTaskStarted of a retried activity only when it closes, and only for the \
              last attempt: attempt 2, with the previous failure in lastFailure.",
    },
    Question {
        step: "retries/over-25",
        prompt: "An order of 30 fails on every attempt. Once the clock has moved twice, what does the history \
                 show?",
        choices: &[
            choice("Three ActivityTaskFailed, one per attempt.", &["ActivityTaskFailed", "ActivityTaskFailed", "ActivityTaskFailed"], &[]),
            choice(
                "One ActivityTaskStarted (attempt 2), one ActivityTaskFailed, then WorkflowExecutionFailed.",
                &["ActivityTaskStarted", "ActivityTaskFailed", "WorkflowExecutionFailed"],
                &[],
            ),
            choice("Nothing final: the workflow keeps retrying and stays open.", &[], &["WorkflowExecutionFailed"]),
        ],
        answer: 1,
        why: "MaximumAttempts 3 counts the first attempt: after attempt 2 fails, no retry is left, and only then \
              does the history get the last attempt's start and its failure.",
    },
    Question {
        step: "scan-once/scan",
        prompt: "The code waits for one ScanSignal. You send it. What happens?",
        choices: &[
            choice(
                "Only WorkflowExecutionSignaled: the code will read it later.",
                &["WorkflowExecutionSignaled"],
                &["DecisionTaskScheduled"],
            ),
            choice(
                "The signal, a decision task that reads it, then WorkflowExecutionCompleted.",
                &["WorkflowExecutionSignaled", "DecisionTaskCompleted", "WorkflowExecutionCompleted"],
                &[],
            ),
            choice("An ActivityTaskScheduled that stores the location.", &["WorkflowExecutionSignaled", "ActivityTaskScheduled"], &[]),
        ],
        answer: 1,
        why: "No decision task was pending, so the signal scheduled one; the code read the value, added the \
              location and returned. Keeping the list needs no activity: it is the code's own state.",
    },
    Question {
        step: "scan-once/early-scan",
        prompt: "The payment is still being retried when the scan comes. What does the history get?",
        choices: &[
            choice("Nothing until the code reads the channel.", &[], &["WorkflowExecutionSignaled"]),
            choice("The workflow completes at once.", &["WorkflowExecutionCompleted"], &[]),
            choice(
                "The signal and a decision task with no decisions; the workflow goes on waiting for the payment.",
                &["WorkflowExecutionSignaled", "DecisionTaskCompleted"],
                &["WorkflowExecutionCompleted"],
            ),
        ],
        answer: 2,
        why: "Cadence writes a signal when it accepts it and wakes the workflow. The code is blocked on the \
              payment's future, so it runs, finds nothing to do and blocks again; the value waits in the channel.",
    },
    Question {
        step: "loop/scan",
        prompt: "In chapter 3 one scan completed the workflow. Now the receive sits in a loop. What does a scan write?",
        choices: &[
            choice(
                "The signal and a decision task with no decisions: the loop waits for the next scan.",
                &["WorkflowExecutionSignaled", "DecisionTaskCompleted"],
                &["WorkflowExecutionCompleted"],
            ),
            choice("WorkflowExecutionCompleted, as in chapter 3.", &["WorkflowExecutionCompleted"], &[]),
            choice("A timer, to wait for the next scan.", &["WorkflowExecutionSignaled", "TimerStarted"], &[]),
        ],
        answer: 0,
        why: "Select handles one signal per call; the loop calls it again and the code blocks. Waiting on a \
              channel needs no timer and no decision.",
    },
    Question {
        step: "delivered/deliver",
        prompt: "DeliveredSignal arrives. What does the workflow decide?",
        choices: &[
            choice("Nothing: it keeps waiting for scans.", &["WorkflowExecutionSignaled"], &["WorkflowExecutionCompleted"]),
            choice("It fails: a delivered package has no next location.", &["WorkflowExecutionFailed"], &[]),
            choice(
                "To complete: WorkflowExecutionCompleted with the result text.",
                &["WorkflowExecutionSignaled", "WorkflowExecutionCompleted"],
                &[],
            ),
        ],
        answer: 2,
        why: "The delivered case sets the flag that ends the loop; the function returns its result, which the \
              worker sends as the CompleteWorkflowExecution decision.",
    },
    Question {
        step: "query/early",
        prompt: "You ask current_status while the payment is still being retried. What does the history get?",
        choices: &[
            choice("A decision task to run the query handler.", &["DecisionTaskScheduled"], &[]),
            choice(
                "Nothing: a worker answers from the workflow's state, cached or rebuilt by replay.",
                &[],
                &["DecisionTaskScheduled", "WorkflowExecutionSignaled"],
            ),
            choice("WorkflowExecutionSignaled: a query is a kind of signal.", &["WorkflowExecutionSignaled"], &[]),
        ],
        answer: 1,
        why: "A query is read-only: Cadence hands it to a worker, which calls the handler on the workflow's \
              state (from its cache, or rebuilt by replaying the history). Nothing is written, so asking is free \
              for the workflow.",
    },
    Question {
        step: "notification/scan",
        prompt: "You are about to scan the package while the notification timer is running. Which events will the \
                 history get next?",
        choices: &[
            choice("TimerFired for the old timer, then a new TimerStarted.", &["WorkflowExecutionSignaled", "TimerFired"], &[]),
            choice(
                "TimerCanceled, a new estimate, then TimerStarted for a new timer.",
                &["WorkflowExecutionSignaled", "TimerCanceled", "ActivityTaskScheduled", "ActivityTaskCompleted", "TimerStarted"],
                &[],
            ),
            choice(
                "A new estimate and a new TimerStarted; the old timer keeps running.",
                &["WorkflowExecutionSignaled", "ActivityTaskScheduled", "TimerStarted"],
                &["TimerCanceled"],
            ),
        ],
        answer: 1,
        why: "The scan case runs updateTimeout: it cancels the running timer's context first (a CancelTimer \
              decision, TimerCanceled), then asks for a fresh estimate and starts a new timer once it is back.",
    },
    Question {
        step: "notification/fire",
        prompt: "The timer fires. What does its decision task write?",
        choices: &[
            choice("A new TimerStarted: the customer is notified every day.", &["TimerFired", "TimerStarted"], &[]),
            choice(
                "Nothing after DecisionTaskCompleted: the notification is a log line, not a decision.",
                &["TimerFired", "DecisionTaskCompleted"],
                &["TimerStarted", "ActivityTaskScheduled"],
            ),
            choice("WorkflowExecutionCompleted: the customer knows, the job is done.", &["TimerFired", "WorkflowExecutionCompleted"], &[]),
        ],
        answer: 1,
        why: "handleTimeout only logs and sets notificationSent in the code's memory; the loop goes on waiting \
              for scans and the delivery.",
    },
    Question {
        step: "notification/scan-after",
        prompt: "The customer was notified. You scan again. What happens?",
        choices: &[
            choice("updateTimeout cancels the fired timer: TimerCanceled.", &["WorkflowExecutionSignaled", "TimerCanceled"], &[]),
            choice(
                "A new estimate and a new timer, as after the first scan.",
                &["WorkflowExecutionSignaled", "ActivityTaskScheduled", "TimerStarted"],
                &[],
            ),
            choice(
                "The location is recorded; no estimate and no timer.",
                &["WorkflowExecutionSignaled", "DecisionTaskCompleted"],
                &["ActivityTaskScheduled", "TimerStarted", "TimerCanceled"],
            ),
        ],
        answer: 2,
        why: "Canceling a timer that has fired does nothing (no decision), and with notificationSent set, \
              updateTimeout returns before asking for an estimate.",
    },
];

/// The question asked before step `step`, if any.
pub fn question_for(step: &str) -> Option<&'static Question> {
    QUESTIONS.iter().find(|q| q.step == step)
}
