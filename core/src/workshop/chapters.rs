//! The texts of the seven chapters. Written for someone who meets Cadence for the
//! first time: what to build, the idea behind it, and what to look for.

use super::{ChapterGuide, Hint};
use crate::postal::Chapter;

pub static GUIDES: [ChapterGuide; 7] = [
    ChapterGuide {
        chapter: Chapter::Activities,
        number: 1,
        title: "Two activities",
        goal: "The workflow takes an order and calls two services: validatePayment, which refuses \
               an amount over 25, and shipProduct, which refuses an order without a customer. When \
               both succeed the workflow returns \"Order <id> processed successfully for customer \
               <customer>.\"; when one fails, the workflow fails with that error.",
        concept: "An activity is the part of a workflow that touches the outside world: a payment \
                  service, a warehouse. The workflow does not call it directly. It asks Cadence to \
                  schedule it, Cadence writes ActivityTaskScheduled and puts a task on the task \
                  list, a worker picks the task up, runs the function and reports back, and only \
                  then does the workflow code go on with the result.",
        why: "Because every step is recorded by the server, a worker can crash between the payment \
              and the shipment and another worker carries on where it stopped: the completed \
              payment is in the history, so it is not asked for again, and nothing is forgotten. \
              (A payment still running when its worker crashed is run again: activities run at \
              least once, so a real payment service takes a request ID and ignores repeats.)",
        look_for: "Each activity appears three times in the history: ActivityTaskScheduled (the \
                   workflow asked), ActivityTaskStarted (a worker took it) and ActivityTaskCompleted \
                   or ActivityTaskFailed (the result). Between them, DecisionTask events show the \
                   workflow code running.",
        hints: &[
            Hint {
                text: "Call validatePayment first and wait for its result; only then call shipProduct. \
                       A failed activity is an error the workflow returns.",
                rust: "",
                go: "",
            },
            Hint {
                text: "Activities need options before they can run: a schedule-to-start and a \
                       start-to-close timeout of one minute each, as the workshop sets them.",
                rust: "",
                go: "",
            },
            Hint {
                text: "Execute each activity with those options and wrap its error with what the \
                       workflow was doing.",
                rust: "ctx.execute_activity::<String>(\n    \
                       &activity_options(),\n    \
                       \"shipProduct\",\n    \
                       (&order,),\n\
                       )\n\
                       .await\n\
                       .map_err(|e| WorkflowError::generic(format!(\n    \
                       \"ship product for order: {e}\"\n\
                       )))?;",
                go: "err := workflow.ExecuteActivity(ctx, validatePayment, order).\n    \
                     Get(ctx, &result)\n\
                     if err != nil {\n    \
                     return \"\", fmt.Errorf(\"validate payment for order: %v\", err)\n\
                     }",
            },
        ],
    },
    ChapterGuide {
        chapter: Chapter::Retries,
        number: 2,
        title: "Failures and retries",
        goal: "validatePayment now fails on its first two attempts with \"temporary issue, please \
               retry\", as a flaky payment provider would. Give the activity a retry policy (1 s \
               initial interval, backoff coefficient 2, at most 10 s between attempts, 3 attempts \
               in all) so that the third attempt goes through and the order is paid.",
        concept: "Retries are the server's job. With a retry policy, a failed attempt writes nothing \
                  into the history: Cadence waits for the backoff, hands out the next attempt and \
                  keeps the last failure in its mutable state. Only when the activity finally \
                  completes, or fails for good, does the history get ActivityTaskStarted (with the \
                  attempt number, counted from 0) and the closing event, in one go.",
        why: "The workflow code stays a straight line: no loop, no sleep, no counter to keep. A \
              payment service that is down for a minute costs a few retries on the server, not a \
              failed order.",
        look_for: "One ActivityTaskScheduled for the payment, then nothing while the attempts fail; \
                   the pending view shows the attempt and the time of the next retry. At the end, \
                   ActivityTaskStarted says attempt 2 and names the last failure. The scheduled \
                   event's timeouts changed too, though you set one minute each: with a retry \
                   policy the server stretches the schedule-to-start and schedule-to-close timeouts \
                   to the time the retries may take, here the workflow's 600 s, so that waiting for \
                   a retry never times the activity out.",
        hints: &[
            Hint {
                text: "First make validatePayment fail on its attempts 0 and 1, as the workshop does \
                       (the attempt number is in the activity's context): now the workflow fails. \
                       The fix is in how the workflow calls the activity, not in the activity.",
                rust: "",
                go: "",
            },
            Hint {
                text: "A retry policy goes into the activity options. \"3 attempts\" means the \
                       first attempt plus two retries.",
                rust: "",
                go: "",
            },
            Hint {
                text: "Add the workshop's policy to the options of validatePayment only.",
                rust: "retry_policy: Some(RetryPolicy {\n    initial_interval: Duration::from_secs(1),\n    \
                       backoff_coefficient: 2.0,\n    maximum_interval: Duration::from_secs(10),\n    \
                       maximum_attempts: 3,\n    ..Default::default()\n}),",
                go: "RetryPolicy: &cadence.RetryPolicy{\n    InitialInterval:    time.Second,\n    \
                     BackoffCoefficient: 2.0,\n    MaximumInterval:    10 * time.Second,\n    MaximumAttempts:    3,\n},",
            },
        ],
    },
    ChapterGuide {
        chapter: Chapter::ScanOnce,
        number: 3,
        title: "One scan signal",
        goal: "After shipping, the workflow keeps a list of locations that starts at the order's \
               sendFrom. It waits for one ScanSignal {\"location\": ...}, adds the location to \
               the list and completes.",
        concept: "A signal is a message sent to a running workflow from outside (here, a scanner \
                  in a depot). Cadence writes WorkflowExecutionSignaled into the history the moment \
                  it accepts the signal, and the value waits in the workflow's signal channel until \
                  the code reads it. A signal that arrives while the workflow is still busy with \
                  the payment is not lost: it is read when the code gets to the channel.",
        why: "The scanner does not need to know which worker holds the package, or whether any \
              worker is running at all: it talks to Cadence, and Cadence keeps the signal with the \
              workflow.",
        look_for: "WorkflowExecutionSignaled, then a decision task in which the workflow reads the \
                   signal and completes. Scan before the shipment: the signal sits in the history \
                   and is read later.",
        hints: &[
            Hint {
                text: "Signals arrive on a named channel of the workflow; reading from it waits \
                       until a value is there.",
                rust: "",
                go: "",
            },
            Hint {
                text: "Keep the locations in a list that starts with the order's sendFrom, and add \
                       the scanned location to it.",
                rust: "",
                go: "",
            },
            Hint {
                text: "A selector with one receive case, on the \"ScanSignal\" channel, and one select: \
                       it waits for the first scan.",
                rust: "enum Selected {\n    \
                       Scanned(ScanSignal),\n\
                       }\n\n\
                       let mut locations = vec![order.send_from.clone()];\n\
                       let logger = ctx.logger();\n\n\
                       let mut s = ctx.new_selector::<Selected>();\n\
                       s.add_receive(\n    \
                       &ctx.signal_channel::<ScanSignal>(\"ScanSignal\"),\n    \
                       Selected::Scanned,\n\
                       );\n\n\
                       match s.select().await {\n    \
                       Selected::Scanned(scan) => {\n        \
                       logger.info(\n            \
                       \"Received signal!\",\n            \
                       &format!(r#\"{{\"location\":{:?}}}\"#, scan.location),\n        \
                       );\n        \
                       locations.push(scan.location);\n    \
                       }\n\
                       }",
                go: "var scan ScanSignal\n\
                     workflow.GetSignalChannel(ctx, \"ScanSignal\").Receive(ctx, &scan)\n\
                     locationHistory = append(locationHistory, scan.Location)",
            },
        ],
    },
    ChapterGuide {
        chapter: Chapter::Loop,
        number: 4,
        title: "Scans in a loop",
        goal: "A package is scanned many times on its way. Read ScanSignal again and again, adding \
               each location to the list, with a selector inside a loop.",
        concept: "A selector waits on several things at once (channels, timers, activity results) \
                  and runs the one case that is ready. Each call to select handles exactly one \
                  event, so it has to sit inside the loop. The workflow's local variables, like the \
                  location list, survive between signals because Cadence can always rebuild them by \
                  replaying the history through the code.",
        why: "The workflow may wait days between two scans. No worker keeps it in memory all that \
              time: when the next scan comes, any worker replays the history and the loop goes on \
              where it was.",
        look_for: "Every scan adds WorkflowExecutionSignaled and a decision task; the workflow stays \
                   running. Two scans sent at once are two signals, handled one after the other.",
        hints: &[
            Hint { text: "One select handles one signal. What makes the workflow handle the next one?", rust: "", go: "" },
            Hint {
                text: "Create the selector and add the receive case once, before the loop; call \
                       select inside the loop.",
                rust: "",
                go: "",
            },
            Hint {
                text: "A loop around select.",
                rust: "loop {\n    \
                       match s.select().await {\n        \
                       Selected::Scanned(scan) => {\n            \
                       logger.info(\n                \
                       \"Received signal!\",\n                \
                       &format!(r#\"{{\"location\":{:?}}}\"#, scan.location),\n            \
                       );\n            \
                       locations.push(scan.location);\n        \
                       }\n    \
                       }\n\
                       }",
                go: "scanChan := workflow.GetSignalChannel(ctx, \"ScanSignal\")\n\
                     selector := workflow.NewSelector(ctx)\n\
                     selector.AddReceive(scanChan, func(c workflow.Channel, more bool) {\n    \
                     var scan ScanSignal\n    \
                     c.Receive(ctx, &scan)\n    \
                     locationHistory = append(locationHistory, scan.Location)\n\
                     })\n\
                     for {\n    \
                     selector.Select(ctx)\n\
                     }",
            },
        ],
    },
    ChapterGuide {
        chapter: Chapter::Delivered,
        number: 5,
        title: "The delivered signal",
        goal: "A DeliveredSignal ends the loop, and the workflow completes with \"Order <id> \
               processed successfully for customer <customer>.\". Scans before it are still \
               recorded.",
        concept: "A workflow ends when its code returns: Cadence writes WorkflowExecutionCompleted \
                  with the result. The selector now has two receive cases, and whichever signal \
                  arrived first is handled first. After completion, Cadence refuses new signals: \
                  the workflow is closed.",
        why: "A finished workflow costs nothing but its history, kept for the retention period. \
              Ending it on delivery is what keeps a hundred million packages from piling up as open \
              workflows.",
        look_for: "WorkflowExecutionSignaled for DeliveredSignal, then a decision task whose only \
                   decision is to complete: WorkflowExecutionCompleted with the result text.",
        hints: &[
            Hint {
                text: "The loop needs a way out: a flag that the delivered case sets and the loop \
                       checks.",
                rust: "",
                go: "",
            },
            Hint {
                text: "Add a second receive case to the same selector, for DeliveredSignal. It \
                       carries no data worth reading, but the case must still take the signal.",
                rust: "",
                go: "",
            },
            Hint {
                text: "Loop until delivered, then return the workshop's result text.",
                rust: "enum Selected {\n    \
                       Scanned(ScanSignal),\n    \
                       Delivered,\n\
                       }\n\n\
                       let mut delivered = false;\n\n\
                       s.add_receive(\n    \
                       &ctx.signal_channel::<IgnoredAny>(\"DeliveredSignal\"),\n    \
                       |_| Selected::Delivered,\n\
                       );\n\
                       while !delivered {\n    \
                       match s.select().await {\n        \
                       Selected::Scanned(scan) => {\n            \
                       logger.info(\n                \
                       \"Received signal!\",\n                \
                       &format!(r#\"{{\"location\":{:?}}}\"#, scan.location),\n            \
                       );\n            \
                       locations.push(scan.location);\n        \
                       }\n        \
                       Selected::Delivered => delivered = true,\n    \
                       }\n\
                       }\n\
                       Ok(format!(\n    \
                       \"Order {} processed successfully for customer {}.\",\n    \
                       order.id, order.customer\n\
                       ))",
                go: "deliveredChan := workflow.GetSignalChannel(ctx, \"DeliveredSignal\")\n\
                     delivered := false\n\
                     selector.AddReceive(deliveredChan, func(c workflow.Channel, more bool) {\n    \
                     c.Receive(ctx, nil)\n    \
                     delivered = true\n\
                     })\n\
                     for !delivered {\n    \
                     selector.Select(ctx)\n\
                     }",
            },
        ],
    },
    ChapterGuide {
        chapter: Chapter::Query,
        number: 6,
        title: "The current_status query",
        goal: "Answer the current_status query with {\"delivered\": ..., \"locationHistory\": \
               [...]}, at any moment of the workflow's life, even while the payment is still \
               being retried.",
        concept: "A query reads a workflow's state without changing it. Cadence hands the query to a \
                  worker, which rebuilds the workflow from the history and calls the query handler. \
                  Nothing is written into the history. The handler must be registered before the \
                  workflow first waits, or early queries find no handler.",
        why: "Customers ask where their package is far more often than it moves. A query answers \
              from the history Cadence already keeps, so asking costs no writes and no extra state.",
        look_for: "Ask the query at several moments: the answer follows the scans, and the history \
                   does not grow when you ask.",
        hints: &[
            Hint {
                text: "The handler returns the state the workflow keeps anyway: the location list \
                       and whether the package was delivered.",
                rust: "",
                go: "",
            },
            Hint {
                text: "Register the handler first thing in the workflow, before the first activity: \
                       a query can come while the payment is still being retried.",
                rust: "",
                go: "",
            },
            Hint {
                text: "Share the state between the loop and the handler, and register the handler \
                       at the top.",
                rust: "use std::cell::RefCell;\n\
                       use std::rc::Rc;\n\n\
                       let status = Rc::new(RefCell::new(QueryResult {\n    \
                       delivered: false,\n    \
                       location_history: vec![order.send_from.clone()],\n\
                       }));\n\
                       let view = status.clone();\n\
                       ctx.set_query_handler(\"current_status\", move || view.borrow().clone())\n    \
                       .map_err(|e| WorkflowError::generic(format!(\n        \
                       \"set query handler: {e}\"\n    \
                       )))?;\n\n\
                       while !status.borrow().delivered {\n\n\
                       status.borrow_mut().location_history.push(scan.location);\n\n\
                       Selected::Delivered => status.borrow_mut().delivered = true,",
                go: "status := func() (QueryResult, error) {\n    \
                     return QueryResult{\n        \
                     Delivered:       delivered,\n        \
                     LocationHistory: locationHistory,\n    \
                     }, nil\n\
                     }\n\
                     err := workflow.SetQueryHandler(ctx, \"current_status\", status)\n\
                     if err != nil {\n    \
                     return \"\", err\n\
                     }",
            },
        ],
    },
    ChapterGuide {
        chapter: Chapter::Notification,
        number: 7,
        title: "The notification timer",
        goal: "Tell the customer once when the package is about a day away. After shipping and \
               after every scan, ask estimatedDeliveryTime how many days are left from the last \
               location and start a timer for that long (a day is a minute here, as in the \
               workshop). Each scan cancels the old timer and starts a new one. When a timer \
               fires, notify the customer, once; never after delivery.",
        concept: "A timer is kept by Cadence, not by the worker: TimerStarted records it, and when it \
                  is due Cadence writes TimerFired and wakes the workflow with a decision task. \
                  Canceling a timer is a decision too (TimerCanceled). Waiting with the wall clock \
                  or a sleep instead would break replay: the code must only see time through \
                  Cadence.",
        why: "Millions of packages mean millions of timers that may run for days. Cadence stores \
              them durably on its own shards; workers hold none of them and can restart at any time.",
        look_for: "After each scan: TimerCanceled for the old timer, ActivityTaskScheduled for a new \
                   estimate, TimerStarted for the new timer. Move the clock: TimerFired, then the \
                   notification in the log. Scans after that start no new timer.",
        hints: &[
            Hint {
                text: "Keep the timer's cancel handle between selector rounds, and remember whether \
                       the notification went out.",
                rust: "",
                go: "",
            },
            Hint {
                text: "On every scan: cancel the old timer first; then, unless the customer was \
                       notified already, estimate again and start a new timer in a fresh \
                       cancellable scope, added to the selector.",
                rust: "",
                go: "",
            },
            Hint {
                text: "A timer in a cancellable scope, added to the selector; a canceled timer's \
                       case is not a notification.",
                rust: "Timer(Result<(), Canceled>),\n\n\
                       let days: i64 = ctx\n    \
                       .execute_activity(\n        \
                       &activity_options(),\n        \
                       \"estimatedDeliveryTime\",\n        \
                       (order, last_location),\n    \
                       )\n    \
                       .await\n    \
                       .map_err(|e| format!(\"estimated delivery time: {e}\"))?;\n\
                       let timer_ctx = ctx.cancellation_scope();\n\
                       // A day is a minute here, as in the workshop.\n\
                       s.add_future(\n    \
                       timer_ctx.new_timer(Duration::from_secs(60) * days as u32),\n    \
                       Selected::Timer,\n\
                       );\n\n\
                       Selected::Timer(fired) => {\n    \
                       // A canceled timer's case is ready at once: that is not a notification.\n    \
                       if fired.is_ok() {\n        \
                       notification_sent = true;\n        \
                       logger.info(\"Notification sent\", \"\");\n    \
                       }\n\
                       }",
                go: "// A canceled timer's future holds an error: that is no notification.\n\
                     onTimer := func(f workflow.Future) {\n    \
                     if f.Get(ctx, nil) == nil {\n        \
                     notificationSent = true\n    \
                     }\n\
                     }\n\n\
                     if cancelTimer != nil {\n    \
                     cancelTimer()\n\
                     }\n\
                     if !notificationSent {\n    \
                     timerCtx, cancel := workflow.WithCancel(ctx)\n    \
                     cancelTimer = cancel\n    \
                     timer := workflow.NewTimer(timerCtx, time.Duration(days)*time.Minute)\n    \
                     selector.AddFuture(timer, onTimer)\n\
                     }",
            },
        ],
    },
];
