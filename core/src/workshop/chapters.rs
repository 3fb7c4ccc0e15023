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
              (A payment whose worker crashed while running it is another matter: Cadence notices \
              only when its start-to-close timeout runs out, and tries it again only if the \
              activity has a retry policy, as in chapter 2. With retries an activity can run more \
              than once, so a real payment service takes a request ID and ignores repeats.)",
        look_for: "Each activity appears three times in the history: ActivityTaskScheduled (the \
                   workflow asked), ActivityTaskStarted (a worker took it) and ActivityTaskCompleted \
                   or ActivityTaskFailed (the result). Between them, DecisionTask events show the \
                   workflow code running.",
        hints: &[
            Hint {
                text: "Two activities, each a plain function that returns a result or an error, each \
                       registered with the worker under the workshop's name for it: validatePayment refuses an amount over \
                       25 (\"payment validation failed for order: <id>\") and otherwise returns \"Payment \
                       successful\"; shipProduct refuses an order without a customer (\"customer is \
                       required\") and otherwise returns \"Product shipped successfully\". The workflow \
                       calls validatePayment, waits for its result, and only then calls shipProduct.",
                rust: "",
                go: "",
            },
            Hint {
                text: "An activity runs with options: a schedule-to-start and a start-to-close timeout \
                       of one minute each, as the workshop sets them. A failed activity is an error the \
                       workflow returns, with what it was doing in front of it: \"ship product for order: \
                       customer is required\".",
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
                     }\n\n\
                     // In main, where the worker is made: the workshop's names, not the\n\
                     // Go names it would take (main.OrderProcessingWorkflow).\n\
                     w.RegisterWorkflowWithOptions(OrderProcessingWorkflow,\n    \
                     workflow.RegisterOptions{Name: \"OrderProcessingWorkflow\"})\n\
                     w.RegisterActivityWithOptions(validatePayment,\n    \
                     activity.RegisterOptions{Name: \"validatePayment\"})",
            },
        ],
    },
    ChapterGuide {
        chapter: Chapter::Retries,
        number: 2,
        title: "Failures and retries",
        goal: "validatePayment now fails on its first two attempts with \"temporary issue, please \
               retry\", as a flaky payment provider would (in the exercise, you write that failure into \
               the activity yourself). Give the activity a retry policy (1 s \
               initial interval, backoff coefficient 2, at most 10 s between attempts, 3 attempts \
               in all) so that the third attempt goes through and the order is paid.",
        concept: "Retries are the server's job. With a retry policy, a failed attempt writes nothing \
                  into the history: Cadence waits for the backoff, hands out the next attempt and \
                  keeps the last failure in its own record of the running workflow (its mutable \
                  state). Only when the activity finally completes, or fails for good, does the \
                  history get ActivityTaskStarted (with the attempt number, counted from 0) and the \
                  closing event, in one go.",
        why: "The workflow code stays a straight line: no loop, no sleep, no counter to keep. A \
              payment service that stumbles for a moment costs a few retries on the server, not a \
              failed order. This policy gives up quickly, though: its third and last attempt starts \
              about 3 s after the first (1 s, then 2 s of backoff); to ride out a longer outage, \
              allow more attempts or a longer interval.",
        look_for: "One ActivityTaskScheduled for the payment, then nothing while the attempts fail; \
                   the pending view shows the attempt and the time of the next retry. At the end, \
                   ActivityTaskStarted says attempt 2 and names the last failure. The scheduled \
                   event's timeouts changed too, though you set one minute each: with a retry \
                   policy the server stretches the schedule-to-start and schedule-to-close timeouts \
                   to how long the retries may go on, here the workflow's 600 s (the default when \
                   the policy sets no expiration interval), so that the retries fit inside them.",
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
                  in a depot). Cadence stores the signal durably the moment it accepts it and writes \
                  WorkflowExecutionSignaled into the history (if a decision task is running just \
                  then, as soon as that task ends); the value waits in the workflow's signal \
                  channel until the code reads it. A signal that arrives while the workflow is \
                  still busy with the payment is not lost: it is read when the code gets to the \
                  channel.",
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
                text: "Wait for the first scan on the \"ScanSignal\" channel: a selector with one receive \
                       case and one select (in Go, the channel's Receive, which blocks until a scan comes).",
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
                  and runs a case that is ready. Each call to select handles exactly one event, so \
                  it has to sit inside the loop. The workflow's local variables, like the location \
                  list, survive between signals because a worker can always rebuild them by \
                  replaying: it runs the code again from the start and feeds it the results \
                  recorded in the history instead of doing the work again.",
        why: "The workflow may wait days between two scans. No worker has to keep it in memory all \
              that time: when the next scan comes, any worker replays the history and the loop goes \
              on where it was.",
        look_for: "Every scan adds WorkflowExecutionSignaled and, when no decision task is waiting \
                   already, a decision task; the workflow stays running. Two scans sent at once (turn \
                   auto-run off first) are two signals and one decision task, in which the loop goes \
                   round twice and reads both, one after the other.",
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
                  with the result. The selector now has two receive cases and each select runs one: \
                  the signal that comes first while it waits, or, when both channels already hold \
                  a signal, the case added first, so a scan waiting next to the delivery is still \
                  read. After completion, Cadence refuses new signals: the workflow is closed.",
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
                  worker, which calls the query handler on the workflow's state: the state it has \
                  in its cache, or rebuilt by replaying the history. Nothing is written into the \
                  history. The handler may only read: it cannot wait for anything (no activity, no \
                  timer, no channel). It must be registered before the workflow first waits, or \
                  early queries find no handler.",
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
        goal: "Tell the customer, once, that the package is close to delivery. After shipping \
               and after every scan, ask estimatedDeliveryTime how many days are left from the last \
               location and start a timer for that long (a day is a minute here, as in the \
               workshop). Each scan cancels the old timer and starts a new one, so a timer fires \
               only when its whole estimate ran out with no newer scan. When it fires, notify the \
               customer, once, by logging \"Notification sent\" (the checks look for that line); \
               never after delivery.",
        concept: "A timer is kept by Cadence, not by the worker: TimerStarted records it, and when it \
                  is due Cadence writes TimerFired and wakes the workflow with a decision task. \
                  Canceling a running timer is a decision too (CancelTimer, written as TimerCanceled). \
                  Waiting with the wall clock or a sleep instead would break replay: the code must \
                  only see time through Cadence.",
        why: "Millions of packages mean millions of timers that may run for days. Cadence stores \
              them durably in its own database; workers hold none of them and can restart at any time.",
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
                // Short: the watch screen keeps a hint's words whole on 80x24.
                text: "Cancel the old timer; unless the customer was notified, ask for an estimate \
                       from the last location and start a new timer in a fresh cancellable scope, \
                       added to the selector: once after shipping and again on every scan. A \
                       canceled timer's case is no notification.",
                // Where each block goes is said in comments, so the Go track's text does
                // not speak of Rust.
                rust: "// Below the workflow function:\n\
                       async fn update_timeout(\n    \
                       ctx: &WorkflowContext,\n    \
                       s: &mut Selector<Selected>,\n    \
                       timer_cancel: Option<CancellationScope>,\n    \
                       notification_sent: bool,\n    \
                       order: &Order,\n    \
                       last_location: String,\n\
                       ) -> Result<Option<CancellationScope>, String> {\n    \
                       if let Some(cancel) = timer_cancel {\n        \
                       cancel.cancel();\n    \
                       }\n    \
                       if notification_sent {\n        \
                       return Ok(None);\n    \
                       }\n    \
                       let days: i64 = ctx\n        \
                       .execute_activity(\n            \
                       &activity_options(),\n            \
                       \"estimatedDeliveryTime\",\n            \
                       (order, last_location),\n        \
                       )\n        \
                       .await\n        \
                       .map_err(|e| format!(\"estimated delivery time: {e}\"))?;\n    \
                       let timer_ctx = ctx.cancellation_scope();\n    \
                       // A day is a minute here, as in the workshop.\n    \
                       s.add_future(\n        \
                       timer_ctx.new_timer(Duration::from_secs(60) * days as u32),\n        \
                       Selected::Timer,\n    \
                       );\n    \
                       Ok(Some(timer_ctx))\n\
                       }\n\n\
                       fn last_location(status: &RefCell<QueryResult>) -> String {\n    \
                       status.borrow().location_history.last().cloned().unwrap_or_default()\n\
                       }\n\n\
                       // A case of Selected:\n\
                       Timer(Result<(), Canceled>),\n\n\
                       let mut notification_sent = false;\n\
                       let mut timer_cancel = update_timeout(\n    \
                       &ctx,\n    \
                       &mut s,\n    \
                       None,\n    \
                       notification_sent,\n    \
                       &order,\n    \
                       last_location(&status),\n\
                       )\n\
                       .await\n\
                       .map_err(|e| WorkflowError::generic(format!(\"update timeout: {e}\")))?;\n\n\
                       match update_timeout(\n    \
                       &ctx,\n    \
                       &mut s,\n    \
                       timer_cancel.take(),\n    \
                       notification_sent,\n    \
                       &order,\n    \
                       last_location(&status),\n\
                       )\n\
                       .await\n\
                       {\n    \
                       Ok(cancel) => timer_cancel = cancel,\n    \
                       Err(e) => logger.error(\n        \
                       \"Error updating timeout\",\n        \
                       &format!(r#\"{{\"error\":{e:?}}}\"#),\n    \
                       ),\n\
                       }\n\n\
                       Selected::Timer(fired) => {\n    \
                       // A canceled timer's case is ready at once: that is not a notification.\n    \
                       if fired.is_ok() {\n        \
                       notification_sent = true;\n        \
                       logger.info(\"Notification sent\", \"\");\n    \
                       }\n\
                       }\n\n\
                       // Where the worker registers the other activities:\n\
                       w.register_activity(\"estimatedDeliveryTime\", estimated_delivery_time);",
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

/// What the chapter texts claim about Cadence, played on the simulator: a claim the
/// simulator stops bearing out fails here.
#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::GUIDES;
    use crate::history::{EventAttributes, EventType};
    use crate::postal::{Chapter, PostalConfig};
    use crate::scenario::{self, Scenario};
    use crate::session::{Action, Session, SessionConfig};

    fn guide(chapter: Chapter) -> &'static super::ChapterGuide {
        GUIDES.iter().find(|g| g.chapter == chapter).unwrap()
    }

    /// Plays a scenario written for this test; its own expectations must hold.
    fn play(chapter: &str, steps: &str) -> scenario::Outcome {
        let toml = format!(
            "name = \"claim\"\ndescription = \"a chapter text's claim\"\nchapter = \"{chapter}\"\nseed = 1\n\n\
             [[steps]]\ndo = \"start\"\ninput = '{{\"id\":\"Order123\",\"customer\":\"Cadence\",\"amount\":20,\
             \"address\":\"Uber office\",\"sendFrom\":\"Aarhus\"}}'\n\n[[steps]]\ndo = \"run\"\n\n{steps}"
        );
        let outcome = scenario::run(&Scenario::parse("claim", &toml).unwrap());
        assert!(outcome.passed(), "{:?}\n{}", outcome.failures, outcome.session.history_table());
        outcome
    }

    /// The payment's two retries: each waits for its backoff on the clock, then runs.
    const PAST_THE_PAYMENT: &str = "[[steps]]\ndo = \"advance\"\nto = \"next\"\n\n[[steps]]\ndo = \"run\"\n\n\
         [[steps]]\ndo = \"advance\"\nto = \"next\"\n\n[[steps]]\ndo = \"run\"\n\n";

    #[test]
    fn an_activity_without_a_retry_policy_is_not_run_again_after_its_worker_died() {
        assert!(guide(Chapter::Activities).why.contains("tries it again only if the activity has a retry policy"));
        let config =
            SessionConfig { postal: PostalConfig { chapter: Chapter::Activities, ..PostalConfig::default() }, ..Default::default() };
        let mut s = Session::new(config);
        s.auto_run = false;
        s.apply(Session::workshop_start()).unwrap();
        // The worker "dies" while shipProduct runs: it never reports, and the clock
        // passes the activity's 60 s start-to-close timeout.
        while !s.pending_activities().iter().any(|a| a.activity_type == "shipProduct" && a.running) {
            s.apply(Action::Step).unwrap_or_else(|e| panic!("{e}\n{}", s.history_table()));
        }
        s.apply(Action::AdvanceBy { by: Duration::from_secs(61) }).unwrap();
        s.apply(Action::Run).unwrap();
        let types: Vec<EventType> = s.history().iter().map(|e| e.event_type()).collect();
        assert!(types.contains(&EventType::ActivityTaskTimedOut), "{}", s.history_table());
        assert_eq!(types.iter().filter(|t| **t == EventType::ActivityTaskScheduled).count(), 2, "{}", s.history_table());
        assert_eq!(types.last(), Some(&EventType::WorkflowExecutionFailed), "{}", s.history_table());
    }

    #[test]
    fn the_workshop_retry_policy_gives_up_about_three_seconds_after_the_first_attempt() {
        assert!(guide(Chapter::Retries).why.contains("last attempt starts about 3 s after the first (1 s, then 2 s of backoff)"));
        let b = scenario::builtin("payment-retries").unwrap();
        let o = scenario::run(&Scenario::parse(b.name, b.toml).unwrap());
        let h = o.session.history();
        let started = h.iter().find(|e| matches!(&e.attributes, EventAttributes::ActivityTaskStarted(a) if a.attempt == 2)).unwrap();
        assert_eq!(started.event_time.since(h[0].event_time).as_secs(), 3, "{}", o.session.history_table());
        // The look-for's stretched timeouts: the workflow's 600 s, both of them.
        assert!(guide(Chapter::Retries).look_for.contains("here the workflow's 600 s (the default when"));
        assert!(o.session.history_table().contains("scheduleToStart=600s scheduleToClose=600s"), "{}", o.session.history_table());
    }

    #[test]
    fn canceling_a_running_timer_is_a_decision_and_canceling_a_fired_one_writes_nothing() {
        let concept = guide(Chapter::Notification).concept;
        assert!(concept.contains("Canceling a running timer is a decision too (CancelTimer, written as TimerCanceled)"), "{concept}");
        let history = |name: &str| {
            let b = scenario::builtin(name).unwrap();
            let o = scenario::run(&Scenario::parse(b.name, b.toml).unwrap());
            assert!(o.passed(), "{name}: {:?}", o.failures);
            o.session.history().to_vec()
        };
        let timer_events = |h: &[crate::history::HistoryEvent], id: &str| -> Vec<EventType> {
            h.iter()
                .filter(|e| match &e.attributes {
                    EventAttributes::TimerStarted(t) => t.timer_id == id,
                    EventAttributes::TimerFired(t) => t.timer_id == id,
                    EventAttributes::TimerCanceled(t) => t.timer_id == id,
                    EventAttributes::CancelTimerFailed(t) => t.timer_id == id,
                    _ => false,
                })
                .map(|e| e.event_type())
                .collect()
        };
        // Scanned while timer 3 runs: the scan's decision task cancels it.
        assert_eq!(timer_events(&history("happy-path"), "3"), [EventType::TimerStarted, EventType::TimerCanceled]);
        // Scanned just before timer 3 fires, both handed over in one decision task: the
        // scan's updateTimeout cancels a timer that has fired, and nothing is written.
        assert_eq!(timer_events(&history("scan-then-fired"), "3"), [EventType::TimerStarted, EventType::TimerFired]);
    }

    #[test]
    fn the_last_rust_hint_of_chapter_7_shows_the_helper_it_calls_and_where_it_is_called() {
        // Pasted at the TODOs, the code must compile: the helper it calls comes whole,
        // signature first, with the cancel and the notification_sent guard that are
        // the chapter's point, and the two places that call it.
        let last = guide(Chapter::Notification).hints.last().unwrap();
        assert!(last.rust.starts_with("// Below the workflow function:\nasync fn update_timeout(\n"), "{}", last.rust);
        for line in ["cancel.cancel();", "if notification_sent {", "return Ok(None);", "fn last_location(", "timer_cancel.take(),"] {
            assert!(last.rust.contains(line), "{line}: {}", last.rust);
        }
        assert_eq!(last.rust.matches("update_timeout(").count(), 3, "the helper, its call after shipping, its call on a scan");
        assert!(last.text.contains("once after shipping") && last.text.contains("again on every scan"), "{}", last.text);
        // Both tracks read a hint's text: where the Rust code goes is said in its comments.
        for h in GUIDES.iter().flat_map(|g| g.hints.iter()) {
            assert!(!h.text.contains("Rust") && !h.text.contains("Go "), "a track named in a hint both tracks read: {}", h.text);
        }
    }

    #[test]
    fn a_select_takes_the_first_arrival_while_it_waits_and_the_first_case_when_both_wait() {
        let concept = guide(Chapter::Delivered).concept;
        assert!(concept.contains("the signal that comes first while it waits"), "{concept}");
        assert!(concept.contains("the case added first, so a scan waiting next to the delivery is still read"), "{concept}");
        let deliver_then_scan = "[[steps]]\ndo = \"signal\"\nname = \"DeliveredSignal\"\n\n\
             [[steps]]\ndo = \"signal\"\nname = \"ScanSignal\"\ninput = '{\"location\":\"Delft\"}'\n\n[[steps]]\ndo = \"run\"\n\n";
        // Both signals wait in their channels while the payment is retried: the scan
        // case, added first, reads its scan before the delivery ends the loop.
        play(
            "query",
            &format!(
                "{deliver_then_scan}{PAST_THE_PAYMENT}[[steps]]\ndo = \"query\"\nname = \"current_status\"\n\
                 expect = '{{\"delivered\":true,\"locationHistory\":[\"Aarhus\",\"Delft\"]}}'\n"
            ),
        );
        // The select already waits: the delivery, first to arrive, ends the loop, and
        // the scan after it is never read.
        play(
            "query",
            &format!(
                "{PAST_THE_PAYMENT}{deliver_then_scan}[[steps]]\ndo = \"query\"\nname = \"current_status\"\n\
                 expect = '{{\"delivered\":true,\"locationHistory\":[\"Aarhus\"]}}'\n"
            ),
        );
    }
}
