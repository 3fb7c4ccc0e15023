//! The checks of the seven chapters, as scenarios in the scenario file format. The
//! reference solution of each chapter must pass its own chapter's checks and the
//! `expect` steps written here (tested), so no check asks for what the workshop's code
//! does not do.

use super::Check;
use crate::postal::Chapter;

/// The workshop's order, with its amount and customer replaced.
macro_rules! start {
    () => {
        start!("20", "Cadence")
    };
    ($amount:literal, $customer:literal) => {
        concat!(
            "[[steps]]\ndo = \"start\"\nworkflow_id = \"Order123\"\n",
            "input = '{\"id\":\"Order123\",\"customer\":\"",
            $customer,
            "\",\"amount\":",
            $amount,
            ",\"address\":\"Uber office\",\"sendFrom\":\"Aarhus\"}'\n"
        )
    };
}

/// Payment (failing twice, then retried after 1 s and 2 s) and shipping.
macro_rules! paid_after_retries {
    () => {
        concat!(run!(), advance!(), run!(), advance!(), run!())
    };
}

macro_rules! run {
    () => {
        "[[steps]]\ndo = \"run\"\n"
    };
}

macro_rules! advance {
    () => {
        "[[steps]]\ndo = \"advance\"\nto = \"next\"\n"
    };
    (timers) => {
        "[[steps]]\ndo = \"advance\"\nto = \"timers\"\n"
    };
}

macro_rules! scan {
    ($location:literal) => {
        concat!("[[steps]]\ndo = \"signal\"\nname = \"ScanSignal\"\ninput = '{\"location\":\"", $location, "\"}'\n")
    };
}

macro_rules! delivered {
    () => {
        "[[steps]]\ndo = \"signal\"\nname = \"DeliveredSignal\"\n"
    };
}

macro_rules! query {
    () => {
        "[[steps]]\ndo = \"query\"\nname = \"current_status\"\n"
    };
    // The answer the reference solution gives (tested); a participant's is compared
    // with the reference's as any query's is.
    ($answer:literal) => {
        concat!(query!(), "expect = '", $answer, "'\n")
    };
}

macro_rules! expect {
    ($($line:literal),* $(,)?) => {
        concat!("[[steps]]\ndo = \"expect\"\n", $($line, "\n"),*)
    };
}

macro_rules! completed {
    () => {
        expect!("status = \"completed\"", "result = '\"Order Order123 processed successfully for customer Cadence.\"'")
    };
}

pub static CHECKS: [Check; 22] = [
    // 1 · Two activities
    Check {
        chapter: Chapter::Activities,
        name: "paid-and-shipped",
        expectation: "A valid order (amount 20, customer Cadence) is paid by validatePayment, shipped by shipProduct, and the \
                      workflow completes with \"Order Order123 processed successfully for customer Cadence.\"",
        scenario: concat!(
            start!(),
            run!(),
            expect!(r#"events = ["ActivityTaskCompleted", "ActivityTaskCompleted", "WorkflowExecutionCompleted"]"#),
            completed!()
        ),

        simulator_only: None,
    },
    Check {
        chapter: Chapter::Activities,
        name: "amount-over-25",
        expectation: "An order of 30 is refused by validatePayment, nothing is shipped, and the workflow fails with \"validate \
                      payment for order: payment validation failed for order: Order123\"",
        scenario: concat!(
            start!("30", "Cadence"),
            run!(),
            expect!(
                "status = \"failed\"",
                "failure = \"validate payment for order: payment validation failed for order: Order123\"",
                r#"events = ["ActivityTaskFailed"]"#,
                r#"no_events = ["ActivityTaskCompleted"]"#
            )
        ),

        simulator_only: None,
    },
    Check {
        chapter: Chapter::Activities,
        name: "no-customer",
        expectation: "An order without a customer is paid but not shipped: shipProduct refuses it and the workflow fails with \
                      \"ship product for order: customer is required\"",
        scenario: concat!(
            start!("20", ""),
            run!(),
            expect!("status = \"failed\"", "failure = \"ship product for order: customer is required\"")
        ),

        simulator_only: None,
    },
    // 2 · Failures and retries
    Check {
        chapter: Chapter::Retries,
        name: "flaky-payment-retried",
        expectation: "validatePayment fails on its attempts 0 and 1 with \"temporary issue, please retry\"; its retry policy (1 s, \
                      x2, at most 10 s, 3 attempts) carries it through on attempt 2, and the order is shipped",
        scenario: concat!(
            start!(),
            run!(),
            expect!("status = \"running\"", r#"no_events = ["ActivityTaskStarted"]"#),
            advance!(),
            run!(),
            advance!(),
            run!(),
            completed!()
        ),

        simulator_only: None,
    },
    Check {
        chapter: Chapter::Retries,
        name: "amount-over-25-after-retries",
        expectation: "An order of 30 is refused for good on the last attempt: after three attempts the workflow fails with the \
                      payment's error",
        scenario: concat!(
            start!("30", "Cadence"),
            paid_after_retries!(),
            expect!("status = \"failed\"", "failure = \"validate payment for order: payment validation failed for order: Order123\"")
        ),

        simulator_only: None,
    },
    // 3 · One scan signal
    Check {
        chapter: Chapter::ScanOnce,
        name: "waits-for-a-scan",
        expectation: "After shipping the workflow waits for a ScanSignal; once the package is scanned in Delft it reads \
                      the signal and completes (the location list it keeps shows from chapter 6 on, when the query \
                      answers with it)",
        scenario: concat!(start!(), paid_after_retries!(), expect!("status = \"running\""), scan!("Delft"), run!(), completed!()),

        simulator_only: None,
    },
    Check {
        chapter: Chapter::ScanOnce,
        name: "scan-during-payment",
        expectation: "A scan sent while the payment is still being retried is not lost: the workflow reads it after shipping \
                      and completes",
        scenario: concat!(start!(), run!(), scan!("Delft"), advance!(), run!(), advance!(), run!(), completed!()),

        simulator_only: None,
    },
    // 4 · Scans in a loop
    Check {
        chapter: Chapter::Loop,
        name: "every-scan-handled",
        expectation: "Scans in Delft, Amsterdam and Copenhagen are each read, one after the other, and the workflow keeps \
                      running, waiting for the next",
        scenario: concat!(
            start!(),
            paid_after_retries!(),
            scan!("Delft"),
            run!(),
            scan!("Amsterdam"),
            run!(),
            scan!("Copenhagen"),
            run!(),
            expect!("status = \"running\"")
        ),

        simulator_only: None,
    },
    Check {
        chapter: Chapter::Loop,
        name: "two-scans-at-once",
        expectation: "Two scans sent at once are two signals; both are read and the workflow keeps running",
        scenario: concat!(start!(), paid_after_retries!(), scan!("Delft"), scan!("Amsterdam"), run!(), expect!("status = \"running\"")),
        simulator_only: Some("whether two signals sent at once land in one decision task depends on a real server's timing"),
    },
    // 5 · The delivered signal
    Check {
        chapter: Chapter::Delivered,
        name: "delivered-ends-the-workflow",
        expectation: "After a scan, DeliveredSignal ends the loop and the workflow completes with the workshop's result; a scan \
                      after that is refused, as the workflow is closed",
        scenario: concat!(start!(), paid_after_retries!(), scan!("Delft"), run!(), delivered!(), run!(), completed!(), scan!("Amsterdam")),

        simulator_only: None,
    },
    Check {
        chapter: Chapter::Delivered,
        name: "delivered-right-away",
        expectation: "A package delivered without any scan completes the workflow as well",
        scenario: concat!(start!(), paid_after_retries!(), delivered!(), run!(), completed!()),

        simulator_only: None,
    },
    Check {
        chapter: Chapter::Delivered,
        name: "delivered-during-payment",
        expectation: "DeliveredSignal sent while the payment is still being retried waits in its channel; the workflow \
                      completes right after shipping",
        scenario: concat!(start!(), run!(), delivered!(), advance!(), run!(), advance!(), run!(), completed!()),

        simulator_only: None,
    },
    // 6 · The current_status query
    Check {
        chapter: Chapter::Query,
        name: "status-while-paying",
        expectation: "current_status answers {\"delivered\":false,\"locationHistory\":[\"Aarhus\"]} from the very first decision \
                      task on, also while validatePayment is being retried",
        scenario: concat!(start!(), run!(), query!(), advance!(), run!(), query!(), advance!(), run!(), query!()),

        simulator_only: None,
    },
    Check {
        chapter: Chapter::Query,
        name: "status-follows-scans",
        expectation: "current_status follows the package: Delft and Amsterdam are added as they are scanned, and after \
                      DeliveredSignal it says delivered: true; asking writes nothing into the history",
        scenario: concat!(
            start!(),
            paid_after_retries!(),
            query!(),
            scan!("Delft"),
            run!(),
            query!(),
            scan!("Amsterdam"),
            run!(),
            query!(),
            delivered!(),
            run!(),
            query!(),
            completed!()
        ),

        simulator_only: None,
    },
    // 7 · The notification timer
    Check {
        chapter: Chapter::Notification,
        name: "timer-after-shipping",
        expectation: "After shipping, the workflow asks estimatedDeliveryTime how many days are left from Aarhus and starts a \
                      timer for that many days (a day lasts a minute in the workshop; check --go takes another with \
                      --timer-unit)",
        scenario: concat!(
            start!(),
            paid_after_retries!(),
            expect!("status = \"running\"", r#"events = ["ActivityTaskCompleted", "ActivityTaskScheduled", "TimerStarted"]"#),
            delivered!(),
            run!(),
            completed!()
        ),

        simulator_only: None,
    },
    Check {
        chapter: Chapter::Notification,
        name: "scan-resets-the-timer",
        expectation: "A scan cancels the old timer, asks for a fresh estimate from Delft and starts a new timer; when it fires \
                      the customer is notified once",
        scenario: concat!(
            start!(),
            paid_after_retries!(),
            scan!("Delft"),
            run!(),
            expect!(r#"events = ["TimerStarted", "WorkflowExecutionSignaled", "TimerCanceled", "ActivityTaskScheduled", "TimerStarted"]"#),
            advance!(timers),
            run!(),
            expect!("notification_sent = true"),
            delivered!(),
            run!(),
            completed!()
        ),

        simulator_only: None,
    },
    Check {
        chapter: Chapter::Notification,
        name: "notified-only-once",
        expectation: "Once the customer has been notified, a later scan asks for no estimate and starts no timer: the \
                      notification is sent once and never again",
        scenario: concat!(
            start!(),
            paid_after_retries!(),
            advance!(timers),
            run!(),
            scan!("Delft"),
            run!(),
            advance!(timers),
            run!(),
            expect!("notification_sent = true"),
            delivered!(),
            run!(),
            completed!()
        ),

        simulator_only: None,
    },
    Check {
        chapter: Chapter::Notification,
        name: "delivered-before-the-timer",
        expectation: "Scanned in Delft, then in Amsterdam, the package gets a fresh estimate and a new timer each time; \
                      delivered before the timer fires, the workflow ends and the customer is never notified",
        scenario: concat!(
            start!(),
            paid_after_retries!(),
            scan!("Delft"),
            run!(),
            scan!("Amsterdam"),
            run!(),
            expect!(
                r#"events = ["TimerStarted", "WorkflowExecutionSignaled", "TimerCanceled", "ActivityTaskScheduled", "TimerStarted","#,
                r#"          "WorkflowExecutionSignaled", "TimerCanceled", "ActivityTaskScheduled", "TimerStarted"]"#
            ),
            delivered!(),
            run!(),
            completed!(),
            expect!(r#"no_events = ["TimerFired"]"#, "notification_sent = false")
        ),

        simulator_only: None,
    },
    // Kept last: each chapter's checks are found by chapter, not by position.
    Check {
        chapter: Chapter::Query,
        name: "query-is-read-only",
        expectation: "Asking current_status twice in a row gives the same answer and writes nothing into the history",
        scenario: concat!(start!(), paid_after_retries!(), scan!("Delft"), run!(), query!(), query!(), expect!("status = \"running\"")),

        simulator_only: None,
    },
    Check {
        chapter: Chapter::Activities,
        name: "amount-of-25-is-fine",
        expectation: "An order of exactly 25 is not over 25: it is paid and shipped",
        scenario: concat!(start!("25", "Cadence"), run!(), expect!("status = \"completed\"")),

        simulator_only: None,
    },
    Check {
        chapter: Chapter::Delivered,
        name: "scan-and-delivery-waiting",
        expectation: "A scan in Delft and DeliveredSignal, both sent while the payment is still being retried, wait side \
                      by side in their channels; after shipping the select takes the ScanSignal case first (the case \
                      added first wins when both wait), so the scan is read before the delivery ends the loop",
        // A decision task between the two signals: a real server may start one between
        // them or not, so without it the history would depend on its timing.
        scenario: concat!(start!(), run!(), scan!("Delft"), run!(), delivered!(), advance!(), run!(), advance!(), run!(), completed!()),

        simulator_only: None,
    },
    Check {
        chapter: Chapter::Query,
        name: "status-after-scan-and-delivery",
        expectation: "A scan in Delft, then DeliveredSignal, both sent while the payment is retried, are both read: once \
                      the workflow completes, current_status answers \
                      {\"delivered\":true,\"locationHistory\":[\"Aarhus\",\"Delft\"]}",
        scenario: concat!(
            start!(),
            run!(),
            scan!("Delft"),
            run!(),
            delivered!(),
            advance!(),
            run!(),
            advance!(),
            run!(),
            completed!(),
            query!(r#"{"delivered":true,"locationHistory":["Aarhus","Delft"]}"#)
        ),

        simulator_only: None,
    },
];
