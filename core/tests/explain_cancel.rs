//! The explanations of a `cadence wf cancel`, checked against what the simulator and
//! a real server (v1.4.1, the workshop's Go worker) write: the request wakes the code
//! like a signal, the code's canceled context cancels its timer or activity, later
//! estimates fail unsent, and the workflow closes as canceled only when its function
//! returns an error. Event IDs are the built-in scenarios' golden histories'
//! (`scenarios/canceled-while-tracking.history`, `scenarios/canceled-in-payment.history`).

use postflow_core::history::{ActivityTaskFailedEventAttributes, EventAttributes, EventType};
use postflow_core::payload::Failure;
use postflow_core::scenario::{self, Scenario};
use postflow_core::session::{Action, Session, SessionConfig};
use postflow_core::workshop::{Explanation, Role, explain, explain_refusal};

fn scenario(name: &str) -> Session {
    let outcome = scenario::run(&Scenario::load(name).unwrap());
    assert!(outcome.passed(), "{name}: {:?}", outcome.failures);
    outcome.session
}

fn fixture(name: &str) -> Session {
    let path = format!("{}/tests/fixtures/real/{name}.json", env!("CARGO_MANIFEST_DIR"));
    Session::import_history(SessionConfig::default(), &std::fs::read_to_string(path).unwrap()).unwrap()
}

fn ex(s: &Session, id: i64) -> Explanation {
    let x = s.explain(id).unwrap_or_else(|| panic!("no event {id}"));
    assert_eq!(x.event_id, id);
    x
}

#[track_caller]
fn assert_type(s: &Session, id: i64, ty: EventType) {
    let e = s.history().iter().find(|e| e.event_id == id).unwrap();
    assert_eq!(e.event_type(), ty, "event {id}\n{}", s.history_table());
}

#[track_caller]
fn assert_related(x: &Explanation, want: &[(i64, Role)]) {
    for (id, role) in want {
        let got = x.related.iter().find(|r| r.event_id == *id).map(|r| r.role);
        assert_eq!(got, Some(*role), "event {} {}: related {:?}\n{}", x.event_id, x.event_type, x.related, x.to_text());
    }
}

#[track_caller]
fn assert_says(text: &str, want: &[&str], not: &[&str]) {
    for w in want {
        assert!(text.contains(w), "missing {w:?} in:\n{text}");
    }
    for n in not {
        assert!(!text.contains(n), "unexpected {n:?} in:\n{text}");
    }
}

/// Step the worker until it writes an event of type `ty`.
fn step_until(s: &mut Session, ty: EventType) {
    for _ in 0..20 {
        let before = s.history().len();
        s.perform(Action::Step).unwrap();
        if s.history()[before..].iter().any(|e| e.event_type() == ty) {
            return;
        }
    }
    panic!("no {}:\n{}", ty.name(), s.history_table());
}

fn scan(s: &mut Session, at: &str) {
    s.perform(Action::Signal { name: "ScanSignal".into(), input: Some(format!(r#"{{"location":"{at}"}}"#)) }).unwrap();
}

#[test]
fn the_cancel_request_wakes_the_code_and_its_decision_task_hands_it_over() {
    let s = scenario("canceled-while-tracking");
    assert_type(&s, 36, EventType::WorkflowExecutionCancelRequested);
    let request = ex(&s, 36);
    assert_says(&request.cause, &["reason \"customer moved away\"", "scheduled one (event 37)"], &[]);
    // What it led to: its decision task, and the timer that task canceled.
    assert_related(&request, &[(37, Role::Next), (38, Role::Next), (40, Role::Next)]);

    let scheduled = ex(&s, 37);
    assert_eq!(scheduled.headline, "Cadence wakes the workflow");
    assert_says(&scheduled.cause, &["The cancel request of event 36"], &[]);
    assert_related(&scheduled, &[(36, Role::Cause), (38, Role::Next)]);

    let started = ex(&s, 38);
    assert_says(&started.meaning, &["hands the code the cancel request of event 36"], &[]);
    assert_related(&started, &[(36, Role::Handled)]);
    let completed = ex(&s, 39);
    assert_says(&completed.meaning, &["40 CancelTimer (timer 5)"], &[]);
    assert_related(&completed, &[(36, Role::Handled), (40, Role::Decision)]);
}

#[test]
fn the_timer_is_canceled_by_the_cancel_request_not_by_a_scan() {
    for (s, timer, task, request) in [(scenario("canceled-while-tracking"), 40, 39, 36), (fixture("cancel-while-tracking"), 28, 27, 24)] {
        assert_type(&s, timer, EventType::TimerCanceled);
        let x = ex(&s, timer);
        assert_says(
            &x.cause,
            &[&format!("The decision task of event {task} handed the code the cancel request of event {request}"), "CancelTimer"],
            &["scan", "signal"],
        );
        assert_says(&x.meaning, &["CanceledError", "no notification"], &["fresh estimate", "new timer for it"]);
        assert_related(&x, &[(request, Role::Cause), (task, Role::DecisionTask)]);
    }
}

#[test]
fn a_scan_after_the_cancel_schedules_nothing_as_its_estimate_fails_at_once() {
    let s = scenario("canceled-while-tracking");
    assert_type(&s, 41, EventType::WorkflowExecutionSignaled);
    let signal = ex(&s, 41);
    assert_says(&signal.meaning, &["since the cancel request of event 36", "schedules nothing"], &["resets the notification timer"]);
    assert_related(&signal, &[(42, Role::Next)]);

    assert_type(&s, 44, EventType::DecisionTaskCompleted);
    let quiet = ex(&s, 44);
    assert_says(&quiet.meaning, &["made no decisions", "since the cancel request of event 36, its estimate fails at once"], &[]);
    assert_related(&quiet, &[(41, Role::Handled), (36, Role::Cause)]);
    // The log says so, as the explanation tells.
    let failed = s.logs().iter().find(|l| l.message == "Error updating timeout").expect("the log line the explanation names");
    assert!(failed.fields.contains("CanceledError"), "{}", failed.fields);
}

#[test]
fn the_delivery_still_completes_a_canceled_loop() {
    let s = scenario("canceled-while-tracking");
    assert_type(&s, 49, EventType::WorkflowExecutionCompleted);
    let done = ex(&s, 49);
    assert_says(
        &done.cause,
        &["The DeliveredSignal of event 45 ended its loop", "The cancel request of event 36 did not end the loop"],
        &[],
    );
    assert_related(&done, &[(45, Role::Cause), (48, Role::DecisionTask)]);
}

#[test]
fn a_cancel_in_the_payment_is_handed_over_and_closes_the_workflow_as_canceled() {
    for (s, name) in [(scenario("canceled-in-payment"), "simulated"), (fixture("cancel-during-payment"), "real")] {
        assert_type(&s, 6, EventType::WorkflowExecutionCancelRequested);
        assert_related(&ex(&s, 6), &[(7, Role::Next), (8, Role::Next), (10, Role::Next), (11, Role::Next)]);
        let woken = ex(&s, 7);
        assert_eq!(woken.headline, "Cadence wakes the workflow", "{name}");
        assert_related(&woken, &[(6, Role::Cause)]);
        let started = ex(&s, 8);
        assert_says(&started.meaning, &["the cancel request of event 6", "until the workflow function returns"], &[]);
        // The decisions: the activity's cancel and the close the server wrote as canceled.
        let completed = ex(&s, 9);
        assert_says(&completed.cause, &["until it returned"], &[]);
        assert_says(
            &completed.meaning,
            &["10 RequestCancelActivityTask (activity 0), 11 FailWorkflowExecution (written as canceled)"],
            &["no decisions"],
        );
        assert_related(&completed, &[(6, Role::Handled), (10, Role::Decision), (11, Role::Decision)]);
        let asked = ex(&s, 10);
        assert_says(&asked.headline, &["activity 0 (validatePaymentComplete)"], &[]);
        assert_related(&asked, &[(5, Role::Scheduled), (6, Role::Cause), (9, Role::DecisionTask)]);
        // The payment's ExecuteActivity: the future the cancel failed.
        assert_eq!(asked.code, ex(&s, 5).code, "{name}");
        assert!(asked.code.is_some(), "{name}");
        let closed = ex(&s, 11);
        assert_says(&closed.meaning, &["dropped without an event of its own: activity validatePaymentComplete"], &[]);
        assert_related(&closed, &[(6, Role::Cause), (9, Role::DecisionTask)]);
    }
}

#[test]
fn a_cancel_while_a_decision_task_runs_is_buffered_like_a_signal() {
    let mut s = Session::new(SessionConfig::default());
    s.auto_run = false;
    s.perform(Session::workshop_start()).unwrap();
    step_until(&mut s, EventType::DecisionTaskStarted);
    s.perform(Action::Cancel { reason: String::new() }).unwrap();
    s.perform(Action::Run).unwrap();
    assert_type(&s, 4, EventType::DecisionTaskCompleted);
    assert_type(&s, 6, EventType::WorkflowExecutionCancelRequested);
    let request = ex(&s, 6);
    assert_says(&request.cause, &["held it back (buffered)", "ended in event 4"], &[]);
    assert_related(&request, &[(4, Role::Cause), (7, Role::Next)]);
    let scheduled = ex(&s, 7);
    assert_eq!(scheduled.headline, "A decision task for events that were buffered");
    assert_related(&scheduled, &[(6, Role::Cause), (4, Role::Cause)]);
}

#[test]
fn an_activity_given_up_on_a_cancel_is_not_waited_for_and_its_result_changes_nothing() {
    // A scan asks for an estimate; the cancel comes while it runs, then another scan.
    let mut s = Session::new(SessionConfig::default());
    s.perform(Session::workshop_start()).unwrap();
    s.perform(Action::AdvanceNext).unwrap();
    s.perform(Action::AdvanceNext).unwrap();
    s.auto_run = false;
    scan(&mut s, "Delft");
    step_until(&mut s, EventType::ActivityTaskScheduled);
    s.perform(Action::Cancel { reason: String::new() }).unwrap();
    step_until(&mut s, EventType::ActivityTaskCancelRequested);
    scan(&mut s, "Lyon");
    s.perform(Action::Run).unwrap();
    assert_type(&s, 35, EventType::ActivityTaskCancelRequested);
    assert_type(&s, 36, EventType::WorkflowExecutionSignaled);
    assert_type(&s, 40, EventType::ActivityTaskCompleted);

    // The scan's decision task: the code no longer waits on the estimate's future.
    let quiet = ex(&s, 39);
    assert_says(&quiet.meaning, &["its estimate fails at once"], &["blocked on the future of activity 4"]);
    // The server did not stop the running attempt: its result comes, and is dropped.
    assert_related(&ex(&s, 35), &[(29, Role::Scheduled), (40, Role::Closed)]);
    let late = ex(&s, 40);
    assert_says(&late.meaning, &["gave this activity up when the worker asked to cancel it (event 35)"], &["timer"]);
    let after = ex(&s, 43);
    assert_says(&after.meaning, &["made no decisions", "(event 35)", "changes nothing"], &["went on with the result"]);

    // Had the attempt failed instead, its error would not fail the workflow either.
    let mut failed = s.history().to_vec();
    failed[39].attributes = EventAttributes::ActivityTaskFailed(ActivityTaskFailedEventAttributes {
        failure: Some(Failure { reason: "boom".into(), ..Default::default() }),
        scheduled_event_id: 29,
        started_event_id: 30,
        identity: Default::default(),
    });
    let x = explain(&failed, 40).unwrap();
    assert_says(&x.cause, &["boom"], &["retry policy", "attempts are used up"]);
    assert_says(&x.meaning, &["(event 35)", "this failure changes nothing"], &["fails the workflow"]);
}

#[test]
fn a_cancel_with_nothing_to_cancel_changes_nothing_for_the_loop() {
    // The timer fired and the customer was notified: the code waits on signals only.
    let mut s = Session::new(SessionConfig::default());
    s.perform(Session::workshop_start()).unwrap();
    for _ in 0..3 {
        s.perform(Action::AdvanceNext).unwrap();
    }
    s.perform(Action::Cancel { reason: String::new() }).unwrap();
    let request = s.history().iter().find(|e| e.event_type() == EventType::WorkflowExecutionCancelRequested).unwrap().event_id;
    let last = s.history().last().unwrap();
    assert_eq!(last.event_type(), EventType::DecisionTaskCompleted, "{}", s.history_table());
    let x = ex(&s, last.event_id);
    assert_says(&x.meaning, &["waited for no activity or timer"], &[]);
    assert_related(&x, &[(request, Role::Handled)]);
}

#[test]
fn a_cancel_of_a_closed_workflow_is_explained_as_refused() {
    let why =
        explain_refusal("the workflow has canceled: Cadence refuses to cancel a closed workflow (workflow execution already completed)");
    assert_says(why.unwrap(), &["nor a terminate or a cancel"], &[]);
}

#[test]
fn a_second_cancel_is_explained_as_the_one_request_a_run_keeps() {
    let mut s = scenario("canceled-while-tracking");
    let refused = s.perform(Action::Cancel { reason: "again".into() }).unwrap_err();
    assert!(refused.contains("already completed"), "{refused}");
    // Back where the workflow runs with its request: the engine's words for a second one.
    let mut s = Session::new(SessionConfig::default());
    s.auto_run = false;
    s.perform(Session::workshop_start()).unwrap();
    s.perform(Action::Cancel { reason: String::new() }).unwrap();
    let refused = s.perform(Action::Cancel { reason: "again".into() }).unwrap_err();
    let why = explain_refusal(&refused).unwrap_or_else(|| panic!("no explanation for {refused:?}"));
    assert_says(why, &["one cancel request per run", "terminate it"], &["closed"]);
}

#[test]
fn an_activity_canceled_after_its_start_was_told_by_a_heartbeat() {
    // What a worker whose activity heartbeats writes (RespondActivityTaskCanceled): the
    // workshop's activities do not, so the history is made by hand from a real one.
    let s = fixture("cancel-during-payment");
    let mut h = s.history().to_vec();
    let last = h.last_mut().unwrap();
    last.attributes = EventAttributes::ActivityTaskCanceled(postflow_core::history::ActivityTaskCanceledEventAttributes {
        scheduled_event_id: 5,
        started_event_id: 9,
        latest_cancel_requested_event_id: 10,
        ..Default::default()
    });
    let x = postflow_core::workshop::explain(&h, 11).unwrap();
    assert_says(&x.cause, &["heartbeat", "event 10"], &["before a worker had started it"]);
    let fixture = ex(&s, 11);
    assert_eq!(fixture.event_type, "WorkflowExecutionCanceled");
}
