//! Explanations checked against the golden histories: every event of every built-in
//! scenario is explained, and the related events are the ones the golden files name.

use std::collections::BTreeSet;

use super::*;
use crate::history::json::history_from_json;
use crate::history::{DecisionTaskFailedEventAttributes, EventAttributes, EventType, HistoryEvent};
use crate::payload::Failure;
use crate::scenario::{self, Scenario};

fn history(name: &str) -> Vec<HistoryEvent> {
    let b = scenario::builtin(name).unwrap();
    let outcome = scenario::run(&Scenario::parse(b.name, b.toml).unwrap());
    assert!(outcome.passed(), "{name}: {:?}", outcome.failures);
    let h = outcome.session.history().to_vec();
    // The golden file is the judge of the IDs these tests name.
    assert_eq!(crate::history::table::diff(b.golden(), &outcome.session.history_table()), None, "{name} drifted from its golden history");
    h
}

fn ex(h: &[HistoryEvent], id: i64) -> Explanation {
    explain(h, id).unwrap_or_else(|| panic!("no explanation for event {id}"))
}

fn role_of(x: &Explanation, id: i64) -> Option<Role> {
    x.related.iter().find(|r| r.event_id == id).map(|r| r.role)
}

#[track_caller]
fn assert_related(x: &Explanation, want: &[(i64, Role)]) {
    for (id, role) in want {
        assert_eq!(role_of(x, *id), Some(*role), "event {} {}: related {:?}\n{}", x.event_id, x.event_type, x.related, x.to_text());
    }
}

#[test]
fn every_event_of_every_builtin_scenario_is_explained() {
    let mut seen = BTreeSet::new();
    for b in scenario::BUILTIN {
        let h = history(b.name);
        for e in &h {
            let x = ex(&h, e.event_id);
            seen.insert(e.event_type());
            assert_eq!(x.event_type, e.event_type().name());
            for (what, text) in [("headline", &x.headline), ("cause", &x.cause), ("meaning", &x.meaning)] {
                assert!(text.len() > 10, "{} event {}: {what} is empty: {text:?}", b.name, e.event_id);
                assert!(!text.contains("  "), "{} event {}: {what} has a double space: {text:?}", b.name, e.event_id);
                // Prose, not the one-line table's escapes: the Go client ends every value with a newline.
                assert!(!text.contains("\\n"), "{} event {}: {what} shows a \\n: {text:?}", b.name, e.event_id);
            }
            for r in &x.related {
                assert_ne!(r.event_id, e.event_id, "{} event {} relates to itself", b.name, e.event_id);
                assert!(
                    h.iter().any(|o| o.event_id == r.event_id),
                    "{} event {}: related {} is not in the history",
                    b.name,
                    e.event_id,
                    r.event_id
                );
            }
        }
    }
    // Every type the scenarios write: a type added to a scenario is explained too.
    for t in [
        EventType::WorkflowExecutionStarted,
        EventType::WorkflowExecutionCompleted,
        EventType::WorkflowExecutionFailed,
        EventType::WorkflowExecutionTimedOut,
        EventType::DecisionTaskScheduled,
        EventType::DecisionTaskStarted,
        EventType::DecisionTaskCompleted,
        EventType::DecisionTaskFailed,
        EventType::ActivityTaskScheduled,
        EventType::ActivityTaskStarted,
        EventType::ActivityTaskCompleted,
        EventType::ActivityTaskFailed,
        EventType::TimerStarted,
        EventType::TimerFired,
        EventType::TimerCanceled,
        EventType::WorkflowExecutionSignaled,
    ] {
        assert!(seen.contains(&t), "no built-in scenario writes {}", t.name());
    }
}

#[test]
fn the_retried_payment_is_explained_as_the_last_attempt() {
    let h = history("happy-path");
    let started = ex(&h, 6);
    assert!(started.headline.contains("attempt 2"), "{}", started.headline);
    assert!(
        started.cause.contains("attempts 0 and 1 failed") && started.cause.contains("temporary issue, please retry"),
        "{}",
        started.cause
    );
    assert!(started.meaning.contains("pending"), "{}", started.meaning);
    assert_related(&started, &[(5, Role::Scheduled), (7, Role::Closed)]);
    // Had the second attempt gone through, one attempt failed before it.
    let mut second = h.clone();
    let EventAttributes::ActivityTaskStarted(a) = &mut second[5].attributes else { panic!("{:?}", second[5]) };
    a.attempt = 1;
    let x = ex(&second, 6);
    assert!(x.cause.contains("attempt 0 failed and the server retried"), "{}", x.cause);
    // With a longer policy, a range.
    let EventAttributes::ActivityTaskStarted(a) = &mut second[5].attributes else { panic!("{:?}", second[5]) };
    a.attempt = 4;
    let x = ex(&second, 6);
    assert!(x.cause.contains("attempts 0 to 3 failed"), "{}", x.cause);

    let scheduled = ex(&h, 5);
    assert!(
        scheduled.meaning.contains("task list tasklist") && scheduled.meaning.contains("blocked on the activity's future"),
        "{}",
        scheduled.meaning
    );
    assert!(scheduled.meaning.contains("3 attempts in all"), "{}", scheduled.meaning);
    assert_related(&scheduled, &[(4, Role::DecisionTask), (6, Role::Started), (7, Role::Closed)]);

    let completed = ex(&h, 7);
    assert_related(&completed, &[(5, Role::Scheduled), (6, Role::Started), (8, Role::Next)]);
    let woken = ex(&h, 8);
    assert_related(&woken, &[(7, Role::Cause), (9, Role::Next)]);
    assert!(woken.meaning.contains("sticky"), "{}", woken.meaning);
}

#[test]
fn a_scan_cancels_the_timer_through_update_timeout() {
    let h = history("happy-path");
    let canceled = ex(&h, 28);
    assert!(canceled.cause.contains("updateTimeout") && canceled.cause.contains("ScanSignal of event 24"), "{}", canceled.cause);
    assert_related(&canceled, &[(23, Role::Started), (27, Role::DecisionTask), (24, Role::Cause)]);

    let task = ex(&h, 27);
    assert_related(&task, &[(25, Role::Scheduled), (26, Role::Started), (28, Role::Decision), (29, Role::Decision), (24, Role::Handled)]);
    assert!(task.meaning.contains("28 CancelTimer (timer 3), 29 ScheduleActivityTask"), "{}", task.meaning);

    let estimate = ex(&h, 29);
    assert_related(&estimate, &[(27, Role::DecisionTask), (30, Role::Started), (31, Role::Closed), (24, Role::Cause)]);

    let timer = ex(&h, 23);
    assert_related(&timer, &[(22, Role::DecisionTask), (28, Role::Closed), (19, Role::Cause)]);
    assert!(timer.cause.contains("said 3 day(s)"), "{}", timer.cause);

    let signal = ex(&h, 24);
    assert_related(&signal, &[(25, Role::Next), (26, Role::Next)]);
    assert!(signal.cause.contains("No decision task was pending"), "{}", signal.cause);
    let woken = ex(&h, 25);
    assert_related(&woken, &[(24, Role::Cause)]);
}

#[test]
fn the_timer_firing_wakes_the_workflow_and_delivery_completes_it() {
    let h = history("happy-path");
    let fired = ex(&h, 36);
    assert_related(&fired, &[(35, Role::Started), (37, Role::Next)]);
    assert!(fired.meaning.contains("handleTimeout"), "{}", fired.meaning);
    let quiet = ex(&h, 39);
    assert!(quiet.meaning.starts_with("The code made no decisions: the selector's timer case ran handleTimeout"), "{}", quiet.meaning);
    assert_related(&quiet, &[(36, Role::Handled)]);
    let done = ex(&h, 44);
    assert_related(&done, &[(43, Role::DecisionTask), (40, Role::Cause)]);
    assert!(done.meaning.contains("already completed"), "{}", done.meaning);
}

#[test]
fn a_signal_during_a_running_decision_task_is_buffered_and_refuses_the_close() {
    let h = history("unhandled-decision");
    let failed = ex(&h, 27);
    assert!(failed.headline.contains("UNHANDLED_DECISION"), "{}", failed.headline);
    assert_related(&failed, &[(25, Role::Scheduled), (26, Role::Started), (28, Role::Cause), (29, Role::Next)]);
    let signal = ex(&h, 28);
    assert!(signal.cause.contains("buffered"), "{}", signal.cause);
    assert_related(&signal, &[(27, Role::Cause), (29, Role::Next), (30, Role::Next)]);
    let flushed = ex(&h, 29);
    assert!(flushed.headline.contains("buffered"), "{}", flushed.headline);
    assert_related(&flushed, &[(28, Role::Cause), (27, Role::Cause), (30, Role::Next)]);
    assert!(flushed.meaning.contains("task list tasklist"), "the failed task cleared stickiness: {}", flushed.meaning);
    let started = ex(&h, 30);
    assert!(started.cause.contains("returnNewDecisionTask"), "{}", started.cause);
    assert_related(&started, &[(24, Role::Handled), (28, Role::Handled), (31, Role::Closed)]);
}

#[test]
fn a_timer_firing_into_a_pending_decision_task_joins_it() {
    let h = history("scan-then-fired");
    let fired = ex(&h, 26);
    assert!(fired.meaning.contains("already pending"), "{}", fired.meaning);
    assert_related(&fired, &[(23, Role::Started)]);
    assert_eq!(role_of(&fired, 25), None, "no decision task was scheduled for it");
}

#[test]
fn a_signal_into_a_scheduled_decision_task_rides_along() {
    let h = history("fired-then-scan");
    let signal = ex(&h, 26);
    assert!(signal.cause.contains("already scheduled (event 25) and not yet started"), "{}", signal.cause);
    assert_related(&signal, &[(27, Role::Next)]);
    let started = ex(&h, 27);
    assert_related(&started, &[(24, Role::Handled), (26, Role::Handled)]);
}

#[test]
fn failures_and_the_timeout_name_their_cause() {
    let h = history("amount-over-25");
    let failed_activity = ex(&h, 7);
    assert!(failed_activity.cause.contains("3 attempts are used up"), "{}", failed_activity.cause);
    assert!(failed_activity.cause.contains("payment validation failed for order: Order123"), "{}", failed_activity.cause);
    let failed = ex(&h, 11);
    assert_related(&failed, &[(10, Role::DecisionTask), (7, Role::Cause)]);

    let h = history("empty-customer");
    let ship = h.iter().find(|e| e.event_type() == EventType::ActivityTaskFailed).unwrap();
    assert!(ex(&h, ship.event_id).cause.contains("no retry policy"), "{}", ex(&h, ship.event_id).cause);

    let h = history("workflow-timeout");
    let timeout = ex(&h, 24);
    assert!(timeout.cause.contains("executionStartToCloseTimeout (180s"), "{}", timeout.cause);
    assert_related(&timeout, &[(1, Role::Cause)]);
}

#[test]
fn a_signal_while_the_code_waits_on_an_activity_makes_an_empty_decision_task() {
    let h = history("signal-during-activity");
    let signal = ex(&h, 31);
    assert_related(&signal, &[(32, Role::Next), (33, Role::Next)]);
    let quiet = ex(&h, 34);
    assert!(quiet.meaning.contains("still blocked on the future of activity 4"), "{}", quiet.meaning);
    assert!(quiet.meaning.contains("waits unread in its channel"), "{}", quiet.meaning);
    let result = ex(&h, 35);
    assert_related(&result, &[(29, Role::Scheduled), (30, Role::Started), (36, Role::Next)]);
}

#[test]
fn real_server_histories_are_explained_too() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/real/happy-path.json");
    let h = history_from_json(include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/real/happy-path.json"))).expect(path);
    for e in &h {
        ex(&h, e.event_id);
    }
    let canceled = ex(&h, 28);
    assert_related(&canceled, &[(23, Role::Started), (27, Role::DecisionTask), (24, Role::Cause)]);
    // A real server's sticky task list is named <host>:<uuid>.
    assert!(ex(&h, 8).meaning.contains("sticky task list vm:"), "{}", ex(&h, 8).meaning);
    // The timeouts a real v1.4.1 server wrote for the retried payment, as the explanation names them.
    let EventAttributes::ActivityTaskScheduled(a) = &h[4].attributes else { panic!("{:?}", h[4]) };
    let (to_start, to_close) = (a.schedule_to_start_timeout.unwrap().as_secs(), a.schedule_to_close_timeout.unwrap().as_secs());
    assert_eq!((to_start, to_close), (600, 600));
    assert!(ex(&h, 5).meaning.contains("schedule-to-start and schedule-to-close timeouts to 600s"), "{}", ex(&h, 5).meaning);
}

#[test]
fn a_nondeterministic_worker_failure_is_explained() {
    let mut h = history("happy-path");
    h.truncate(26);
    let failure = "nondeterministic workflow: history event 28 TimerCanceled does not match the code's decision StartTimer";
    h.push(HistoryEvent {
        event_id: 27,
        event_time: h[25].event_time,
        version: 0,
        task_id: 0,
        attributes: EventAttributes::DecisionTaskFailed(DecisionTaskFailedEventAttributes {
            scheduled_event_id: 25,
            started_event_id: 26,
            cause: crate::history::CAUSE_WORKFLOW_WORKER_UNHANDLED_FAILURE.into(),
            failure: Some(Failure { reason: "x".into(), details: failure.as_bytes().to_vec() }),
            identity: Default::default(),
        }),
    });
    let x = ex(&h, 27);
    assert!(x.headline.contains("WORKFLOW_WORKER_UNHANDLED_FAILURE"), "{}", x.headline);
    assert!(x.cause.contains("nondeterminism") && x.cause.contains(failure), "{}", x.cause);
    assert!(x.meaning.contains("stuck"), "{}", x.meaning);
}

#[test]
fn refusals_a_participant_meets_are_explained() {
    assert!(explain_refusal("workflow execution already completed (workflow Order123)").unwrap().contains("closed"));
    // The front ends refuse a signal to a closed workflow before sending it, in their own words.
    assert_eq!(
        explain_refusal("the workflow has completed: Cadence refuses signals to a closed workflow"),
        explain_refusal("workflow execution already completed (workflow Order123)")
    );
    assert!(
        explain_refusal("query failed: unknown queryType current_status. KnownQueryTypes=[__stack_trace]")
            .unwrap()
            .contains("SetQueryHandler")
    );
    assert!(explain_refusal("nothing is scheduled: no timer, retry or timeout is pending").is_some());
    assert_eq!(explain_refusal("bad input: amount must be a number"), None);
    assert_eq!(explain(&history("happy-path"), 99), None);
}

#[test]
fn the_estimate_names_the_timer_the_simulator_starts() {
    let h = history("happy-path");
    for (estimate, timer) in [(19, 23), (31, 35)] {
        let days = match &h[estimate as usize - 1].attributes {
            EventAttributes::ActivityTaskCompleted(c) => c.result.as_ref().unwrap().decode::<i64>().unwrap(),
            other => panic!("{other:?}"),
        };
        let fires = match &h[timer as usize - 1].attributes {
            EventAttributes::TimerStarted(t) => t.start_to_fire_timeout.unwrap(),
            other => panic!("{other:?}"),
        };
        assert_eq!(fires.as_secs(), days as u64 * 60, "a day is a minute");
        let x = ex(&h, estimate);
        assert!(x.meaning.contains(&format!("for {days} minute(s)")), "{}", x.meaning);
    }
}

#[test]
fn a_decision_task_that_closes_the_workflow_ran_the_code_until_it_returned() {
    let h = history("happy-path");
    assert!(ex(&h, 43).cause.contains("until it returned"), "{}", ex(&h, 43).cause);
    assert!(ex(&h, 39).cause.contains("until it blocked"), "{}", ex(&h, 39).cause);
    assert!(ex(&h, 42).meaning.contains("until the workflow function returns"), "{}", ex(&h, 42).meaning);
    assert!(ex(&h, 38).meaning.contains("until every coroutine is blocked again"), "{}", ex(&h, 38).meaning);
}

#[test]
fn a_signal_is_kept_at_once_but_written_after_a_running_decision_task() {
    let h = history("unhandled-decision");
    let buffered = ex(&h, 28);
    assert!(buffered.cause.contains("stored it durably as soon as it accepted it"), "{}", buffered.cause);
    assert!(buffered.cause.contains("wrote it into the history only after that task ended in event 27"), "{}", buffered.cause);
    let delivery = ex(&h, 24);
    assert!(!delivery.cause.contains("scanner"), "a delivery is no scan: {}", delivery.cause);
}

#[test]
fn a_retried_activity_names_the_timeouts_the_server_wrote() {
    // With a one-day workflow, the server caps schedule-to-start at 30 minutes but
    // stretches schedule-to-close to the whole day (notes §1.5).
    let mut s = crate::session::Session::new(crate::session::SessionConfig::default());
    let crate::session::Action::Start { workflow_id, input, .. } = crate::session::Session::workshop_start() else { unreachable!() };
    s.perform(crate::session::Action::Start { workflow_id, input, execution_timeout: std::time::Duration::from_secs(86_400) }).unwrap();
    let h = s.history().to_vec();
    assert!(s.history_table().contains("scheduleToStart=1800s scheduleToClose=86400s"), "{}", s.history_table());
    let x = ex(&h, 5);
    assert!(
        x.meaning.contains("raised its schedule-to-start timeout to 1800s and its schedule-to-close timeout to 86400s"),
        "{}",
        x.meaning
    );
    // The workshop's 600 s workflow: both become 600 s.
    assert!(ex(&history("happy-path"), 5).meaning.contains("schedule-to-start and schedule-to-close timeouts to 600s"));
}

#[test]
fn a_scan_behind_the_delivery_in_one_batch_is_told_as_never_read() {
    // Played on the simulator: the code waits in its selector, then a delivery and a
    // scan arrive together; and the same two while the payment is still retried.
    let play = |steps: &str| {
        let toml = format!(
            "name = \"x\"\nchapter = \"query\"\nseed = 1\n\n[[steps]]\ndo = \"start\"\ninput = '{{\"id\":\"Order123\",\
             \"customer\":\"Cadence\",\"amount\":20,\"address\":\"Uber office\",\"sendFrom\":\"Aarhus\"}}'\n\n\
             [[steps]]\ndo = \"run\"\n\n{steps}"
        );
        let outcome = scenario::run(&Scenario::parse("x", &toml).unwrap());
        assert!(outcome.passed(), "{:?}\n{}", outcome.failures, outcome.session.history_table());
        outcome.session.history().to_vec()
    };
    let payment = "[[steps]]\ndo = \"advance\"\nto = \"next\"\n\n[[steps]]\ndo = \"run\"\n\n".repeat(2);
    let both = "[[steps]]\ndo = \"signal\"\nname = \"DeliveredSignal\"\n\n[[steps]]\ndo = \"signal\"\nname = \"ScanSignal\"\n\
                input = '{\"location\":\"Delft\"}'\n\n[[steps]]\ndo = \"run\"\n\n";
    let query = |locations: &str| {
        format!("[[steps]]\ndo = \"query\"\nname = \"current_status\"\nexpect = '{{\"delivered\":true,\"locationHistory\":{locations}}}'\n")
    };
    let scan_of = |h: &[HistoryEvent]| {
        h.iter()
            .find(|e| matches!(&e.attributes, EventAttributes::WorkflowExecutionSignaled(s) if s.signal_name == "ScanSignal"))
            .unwrap()
            .event_id
    };
    // Waiting: the scan is never read (the query shows Aarhus alone), and said so.
    let h = play(&format!("{payment}{both}{}", query("[\"Aarhus\"]")));
    let x = ex(&h, scan_of(&h));
    assert!(x.meaning.contains("But it is never read: it came in the same batch as the delivery of event"), "{}", x.meaning);
    // Busy with the payment: the scan case, added first, reads it (Delft is in the list).
    let h = play(&format!("{both}{payment}{}", query("[\"Aarhus\",\"Delft\"]")));
    let x = ex(&h, scan_of(&h));
    assert!(x.meaning.contains("The code reads it from the ScanSignal channel"), "{}", x.meaning);
}

#[test]
fn one_buffered_event_is_it_not_them() {
    // unhandled-decision: only the ScanSignal of event 28 was held back behind the refused task.
    let h = history("unhandled-decision");
    let x = ex(&h, 29);
    assert!(x.cause.starts_with("The ScanSignal of event 28 arrived"), "{}", x.cause);
    assert!(x.cause.contains("Cadence held it back (buffered) and wrote it after"), "{}", x.cause);
    assert!(!x.cause.contains("them"), "{}", x.cause);
}

#[test]
fn a_second_estimate_in_a_row_says_a_waiting_scan_canceled_the_timer_before_it_was_sent() {
    // scan-before-loop: the scan of event 6 waited in its channel through the payment
    // and the shipment; estimate 4 follows estimate 2 with no TimerStarted "3" at all.
    let h = history("scan-before-loop");
    assert!(!h.iter().any(|e| matches!(&e.attributes, EventAttributes::TimerStarted(t) if t.timer_id == "3")));
    let x = ex(&h, 27);
    assert!(x.headline.contains("(ID 4)"), "{}", x.headline);
    for needle in ["the one of event 23 had just come back", "timer for it (ID 3)", "the ScanSignal of event 6 was already waiting"] {
        assert!(x.cause.contains(needle), "missing {needle:?}: {}", x.cause);
    }
    assert!(x.cause.contains("no TimerStarted is written for it, and its ID is skipped"), "{}", x.cause);
    assert_related(&x, &[(23, Role::Cause), (6, Role::Cause)]);
    // A scan waiting behind a running estimate: the same, with timer 5 skipped.
    let h = history("signal-during-activity");
    assert!(!h.iter().any(|e| matches!(&e.attributes, EventAttributes::TimerStarted(t) if t.timer_id == "5")));
    let x = ex(&h, 39);
    assert!(x.cause.contains("the one of event 35 had just come back") && x.cause.contains("(ID 5)"), "{}", x.cause);
    assert!(x.cause.contains("the ScanSignal of event 31 was already waiting"), "{}", x.cause);
    // An estimate asked for by the scan's own decision task, or after shipping, says none of it.
    for (name, id) in [("happy-path", 29), ("happy-path", 17), ("scans-reset-timer", 17)] {
        let x = ex(&history(name), id);
        assert!(!x.cause.contains("second estimate in a row"), "{name} event {id}: {}", x.cause);
    }
}

#[test]
fn a_timer_firing_behind_a_scan_in_one_batch_tells_the_double_notification_race() {
    // scan-then-fired: ScanSignal 24, then TimerFired 26, both handed to the task of 27.
    let h = history("scan-then-fired");
    let x = ex(&h, 26);
    assert!(x.meaning.contains("the ScanSignal of event 24 came first in the same batch"), "{}", x.meaning);
    assert!(x.meaning.contains("notified a second time"), "{}", x.meaning);
    assert!(!x.meaning.contains("no later scan starts another timer"), "{}", x.meaning);
    assert_related(&x, &[(24, Role::Cause)]);
    // What the text claims is what the history shows: the scan's task asked for an
    // estimate, and a new timer started after the firing.
    assert!(matches!(&h[28].attributes, EventAttributes::ActivityTaskScheduled(a) if a.decision_task_completed_event_id == 28));
    assert!(h[26..].iter().any(|e| matches!(&e.attributes, EventAttributes::TimerStarted(t) if t.timer_id == "5")));
    // Fired first, scan second: the timer case wins, and the usual text holds.
    let h = history("fired-then-scan");
    let x = ex(&h, 24);
    assert!(x.meaning.contains("no later scan starts another timer"), "{}", x.meaning);
    assert!(!x.meaning.contains("second time"), "{}", x.meaning);
}

#[test]
fn a_decision_task_without_decisions_says_what_the_code_waits_for_at_that_moment() {
    // The code blocked on an activity: the signal that woke it waits unread.
    let h = history("scan-before-loop");
    let x = ex(&h, 9);
    assert!(x.meaning.contains("still blocked on the future of activity 0 (validatePaymentComplete, event 5)"), "{}", x.meaning);
    assert!(x.meaning.contains("The ScanSignal of event 6 woke it"), "{}", x.meaning);
    let x = ex(&history("signal-during-activity"), 34);
    assert!(x.meaning.contains("activity 4 (estimatedDeliveryTimeComplete, event 29)"), "{}", x.meaning);
    // The code in its selector: the scan changed only its own state.
    let x = ex(&history("notification-then-scans"), 31);
    assert!(x.meaning.contains("its selector took the ScanSignal of event 28"), "{}", x.meaning);
    assert!(!x.meaning.contains("blocked on an activity"), "{}", x.meaning);
    // The timer and a scan in one batch: both cases ran.
    let x = ex(&history("fired-then-scan"), 28);
    assert!(x.meaning.contains("handleTimeout") && x.meaning.contains("The scan handed over with it"), "{}", x.meaning);
    // A scan the code cannot read, and a delivery that waits behind it.
    let h = history("unreadable-scan");
    let x = ex(&h, 27);
    assert!(x.meaning.contains("could not read it") && x.meaning.contains("ScanSignal channel alone"), "{}", x.meaning);
    let x = ex(&h, 31);
    assert!(x.meaning.contains("the DeliveredSignal of event 28 woke it") && x.meaning.contains("the one of event 24"), "{}", x.meaning);
    // After the shipment in chapter 3 the code waits for the first scan: no signal yet.
    let s = shipped(crate::postal::Chapter::ScanOnce);
    let h = s.history().to_vec();
    let last = h.last().unwrap();
    assert_eq!(last.event_type(), EventType::DecisionTaskCompleted, "{}", s.history_table());
    let x = ex(&h, last.event_id);
    assert!(x.meaning.contains("went on with the result and now waits for what only the outside world brings"), "{}", x.meaning);
    assert!(!x.meaning.contains("blocked on an activity"), "{}", x.meaning);
}

#[test]
fn a_scan_before_chapter_seven_is_explained_without_a_notification() {
    // Chapter 4's loop has no timer: a scan's decision task spoke of a notified customer.
    let mut s = shipped(crate::postal::Chapter::Loop);
    s.perform(crate::session::Action::Signal { name: "ScanSignal".into(), input: Some(r#"{"location":"Delft"}"#.into()) }).unwrap();
    let h = s.history().to_vec();
    let last = h.last().unwrap();
    assert_eq!(last.event_type(), EventType::DecisionTaskCompleted, "{}", s.history_table());
    let x = ex(&h, last.event_id);
    assert!(x.meaning.contains("a scan adds its location to the list)"), "{}", x.meaning);
    assert!(!x.meaning.contains("notified"), "no customer is notified before chapter 7: {}", x.meaning);
    // In chapter 7's run after the notification, the clause stays.
    let x = ex(&history("notification-then-scans"), 31);
    assert!(x.meaning.contains("once the customer was notified, a scan starts no new estimate"), "{}", x.meaning);
}

/// A session of `chapter`'s code with the workshop's order started and the clock moved
/// through the payment's two retries: the package is shipped.
fn shipped(chapter: crate::postal::Chapter) -> crate::session::Session {
    let config =
        crate::session::SessionConfig { postal: crate::postal::PostalConfig { chapter, ..Default::default() }, ..Default::default() };
    let mut s = crate::session::Session::new(config);
    s.auto_run = true;
    s.perform(crate::session::Session::workshop_start()).unwrap();
    s.perform(crate::session::Action::AdvanceNext).unwrap();
    s.perform(crate::session::Action::AdvanceNext).unwrap();
    s
}

#[test]
fn a_delivery_to_code_without_a_delivered_case_is_told_as_changing_nothing() {
    let delivery = |h: &[HistoryEvent]| {
        h.iter()
            .find(|e| matches!(&e.attributes, EventAttributes::WorkflowExecutionSignaled(s) if s.signal_name == "DeliveredSignal"))
            .unwrap()
            .event_id
    };
    // Chapters 3 and 4 read no DeliveredSignal, yet the key is there: its explanation
    // said the delivered case ends the loop, and the decision task's that the
    // selector took it, while the workflow ran on.
    let deliver = |chapter| {
        let mut s = shipped(chapter);
        s.perform(crate::session::Action::Signal { name: "DeliveredSignal".into(), input: None }).unwrap();
        s
    };
    for chapter in [crate::postal::Chapter::ScanOnce, crate::postal::Chapter::Loop] {
        let s = deliver(chapter);
        let h = s.history().to_vec();
        assert_eq!(crate::scenario::status_of(&h), "running", "{}", s.history_table());
        let signal = delivery(&h);
        let task = h.last().unwrap();
        assert_eq!(task.event_type(), EventType::DecisionTaskCompleted, "{}", s.history_table());
        let x = ex(&h, signal);
        assert!(
            x.meaning.contains(&format!("But its decision task (event {}) made no decisions and the workflow runs on", task.event_id))
                && x.meaning.contains("this code has no case that ends on a delivery"),
            "{}",
            x.meaning
        );
        assert!(!x.meaning.contains("ends the loop"), "{}", x.meaning);
        assert_related(&x, &[(task.event_id, Role::Next)]);
        let x = ex(&h, task.event_id);
        assert!(
            x.meaning.contains(&format!("the DeliveredSignal of event {signal} woke it, but this code has no case that ends")),
            "{}",
            x.meaning
        );
        assert!(!x.meaning.contains("selector took"), "{}", x.meaning);
    }
    // From chapter 5 on, the same delivery ends the loop in that decision task.
    let s = deliver(crate::postal::Chapter::Delivered);
    let h = s.history().to_vec();
    assert_eq!(crate::scenario::status_of(&h), "completed", "{}", s.history_table());
    let signal = delivery(&h);
    assert!(ex(&h, signal).meaning.ends_with("The selector's delivered case ends the loop, and the workflow completes."));
}

#[test]
fn an_activity_timeout_says_whether_a_worker_ever_took_the_task() {
    use crate::session::{Action, Session, SessionConfig};
    use std::time::Duration;
    let start = |execution_timeout| {
        let mut s = Session::new(SessionConfig::default());
        s.auto_run = false;
        let Action::Start { workflow_id, input, .. } = Session::workshop_start() else { unreachable!() };
        s.apply(Action::Start { workflow_id, input, execution_timeout }).unwrap();
        s.apply(Action::Run).unwrap();
        s
    };
    let timed_out = |s: &Session| s.history().iter().find(|e| e.event_type() == EventType::ActivityTaskTimedOut).cloned().unwrap();
    // The payment's retries wait for a worker that never polls: with a day for the
    // workflow, each attempt may wait 30 minutes, and the last one's wait is final.
    let mut s = start(Duration::from_secs(86_400));
    s.apply(Action::AdvanceBy { by: Duration::from_secs(1 + 1800) }).unwrap();
    s.apply(Action::AdvanceBy { by: Duration::from_secs(1900) }).unwrap();
    let e = timed_out(&s);
    assert!(
        matches!(&e.attributes, EventAttributes::ActivityTaskTimedOut(t) if t.timeout_type == crate::history::TimeoutType::ScheduleToStart)
    );
    assert!(!s.history().iter().any(|e| e.event_type() == EventType::ActivityTaskStarted), "{}", s.history_table());
    let x = s.explain(e.event_id).unwrap();
    assert!(x.cause.starts_with("No worker took the activity's task within its SCHEDULE_TO_START timeout"), "{}", x.cause);
    // shipProduct, taken by the worker and never reported: it started and did not finish.
    let mut s = start(Duration::from_secs(600));
    while !s.pending_activities().iter().any(|a| a.activity_type == "shipProductComplete" && a.running) {
        if s.apply(Action::Step).is_err() {
            s.apply(Action::AdvanceNext).unwrap();
        }
    }
    s.apply(Action::AdvanceBy { by: Duration::from_secs(61) }).unwrap();
    let e = timed_out(&s);
    assert!(s.history().iter().any(|x| x.event_type() == EventType::ActivityTaskStarted && x.event_id < e.event_id));
    let x = s.explain(e.event_id).unwrap();
    assert!(x.cause.starts_with("The activity did not finish within its START_TO_CLOSE timeout"), "{}", x.cause);
}

#[test]
fn a_closed_workflow_refuses_a_signal_in_the_words_the_refusal_explains() {
    // Not only a completed one: the simulator, like a real server, says "already
    // completed" to a workflow that failed.
    let config = crate::session::SessionConfig {
        postal: crate::postal::PostalConfig { chapter: crate::postal::Chapter::Activities, ..Default::default() },
        ..Default::default()
    };
    let mut s = crate::session::Session::new(config);
    let crate::session::Action::Start { workflow_id, execution_timeout, .. } = crate::session::Session::workshop_start() else {
        unreachable!()
    };
    let input = r#"{"id":"Order123","customer":"","amount":20,"address":"Uber office","sendFrom":"Aarhus"}"#.to_owned();
    s.perform(crate::session::Action::Start { workflow_id, input, execution_timeout }).unwrap();
    assert_eq!(crate::scenario::status_of(s.history()), "failed", "{}", s.history_table());
    let refused = s
        .apply(crate::session::Action::Signal { name: "ScanSignal".into(), input: Some(r#"{"location":"Delft"}"#.into()) })
        .unwrap_err()
        .to_string();
    assert!(refused.contains("workflow execution already completed"), "{refused}");
    let why = explain_refusal(&refused).unwrap();
    assert!(why.contains("\"workflow execution already completed\", even when the workflow failed or was terminated"), "{why}");
}
