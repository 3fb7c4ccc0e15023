//! The checks played for real: every chapter's reference passes its own checks, each
//! untouched starting point fails them, and typical mistakes are named.

use std::time::Duration;

use super::*;
use crate::history::EventAttributes;
use crate::postal::Chapter;

const MINUTE: Duration = Duration::from_secs(60);

fn reference(chapter: Chapter) -> Registry {
    reference_registry(chapter, MINUTE, vec![])
}

/// The reference of `code`'s chapter handed in as the exercise of `chapter`.
fn as_exercise(code: Chapter, chapter: Chapter) -> Registry {
    let mut r = reference(code);
    let run = r.workflow(ChapterNames::STARTER.workflow).unwrap().run.clone();
    r.register_workflow(exercise_definition(chapter, run));
    r
}

#[test]
fn every_chapter_has_checks_and_every_scenario_parses() {
    for chapter in Chapter::ALL {
        let checks: Vec<_> = Check::of(chapter).collect();
        assert!(checks.len() >= 2, "chapter {chapter:?} has {} checks", checks.len());
        for c in checks {
            assert!(!c.steps().is_empty(), "{}", c.name);
            assert!(c.expectation.len() > 40, "{}: the expectation is too thin", c.name);
        }
    }
    let mut names: Vec<_> = CHECKS.iter().map(|c| c.name).collect();
    names.sort();
    names.dedup();
    assert_eq!(names.len(), CHECKS.len(), "check names are unique");
}

#[test]
fn the_reference_solution_meets_every_expectation_and_passes_its_checks() {
    for check in &CHECKS {
        let run = play(check, reference(check.chapter), MINUTE, |_| {});
        assert_eq!(run.problem, None, "{}", check.name);
        for (step, result) in check.steps().iter().zip(&run.steps) {
            match step {
                crate::scenario::Step::Expect(_) => {
                    assert_eq!(result, &StepResult::Done, "{}: the reference fails its own expectation", check.name);
                }
                crate::scenario::Step::Query { expect: Some(want), .. } => match result {
                    StepResult::Answer(answer) => {
                        let json = |t: &str| serde_json::from_str::<serde_json::Value>(t).unwrap();
                        assert_eq!(json(answer), json(want), "{}: the reference's answer", check.name);
                    }
                    other => panic!("{}: the reference's query gave {other:?}", check.name),
                },
                _ => {}
            }
        }
        let report = evaluate(check, &run, MINUTE, Track::Rust);
        assert!(report.passed, "{}: {:?}", check.name, report);
        // As a real server's run comes back to `check --go`, judged in the Go track's words.
        let go = Run { notifications: None, stack_trace: None, unread: None, ..run };
        let report = evaluate(check, &go, MINUTE, Track::Go);
        assert!(report.passed, "{} on the Go track: {:?}", check.name, report);
    }
}

#[test]
fn each_chapters_starting_point_fails_its_checks_with_a_message() {
    // The starting file of chapter N is the solution of chapter N - 1.
    for pair in Chapter::ALL.windows(2) {
        let (before, chapter) = (pair[0], pair[1]);
        let failed: Vec<CheckReport> = Check::of(chapter)
            .map(|check| evaluate(check, &play(check, as_exercise(before, chapter), MINUTE, |_| {}), MINUTE, Track::Rust))
            .filter(|r| !r.passed)
            .collect();
        assert!(!failed.is_empty(), "chapter {chapter:?}: the previous chapter's workflow passes every check");
        for r in failed {
            assert!(r.message.as_deref().is_some_and(|m| m.len() > 20), "{}: no message", r.name);
        }
    }
}

#[test]
fn a_run_survives_the_trip_between_processes() {
    let check = Check::of(Chapter::Query).next().unwrap();
    let run = play(check, reference(Chapter::Query), MINUTE, |_| {});
    let text = serde_json::to_string(&run).unwrap();
    let back: Run = serde_json::from_str(&text).unwrap();
    assert_eq!(back, run);
}

#[test]
fn a_different_history_is_shown_side_by_side_at_its_first_difference() {
    let check = Check::of(Chapter::Notification).nth(1).unwrap();
    let good = play(check, reference(Chapter::Notification), MINUTE, |_| {});
    let mut bad = good.clone();
    // The scan's TimerCanceled is lost: the first difference is there.
    let at = bad.history.iter().position(|e| e.event_type() == crate::history::EventType::TimerCanceled).unwrap();
    bad.history.truncate(at);
    let d = report::first_difference(&good.history, &bad.history).unwrap();
    assert_eq!(d.event_id, at as i64 + 1);
    assert!(d.explanation.contains("TimerCanceled"), "{}", d.explanation);
    assert!(d.rows.last().unwrap().differs && d.rows.last().unwrap().yours.is_empty());
    assert!(d.rows.len() > 1 && !d.rows[0].differs);
}

#[test]
fn a_run_cut_short_is_compared_only_as_far_as_it_got() {
    let check = Check::of(Chapter::Loop).nth(1).unwrap();
    // A panic in the first decision task: no step ended, so no history came back.
    // The report names the panic and claims nothing about a history it never saw.
    let nothing = evaluate(check, &Run::failed(Problem::Panicked("no customer at 04_loop.rs:27".into())), MINUTE, Track::Rust);
    assert!(nothing.message.as_deref().is_some_and(|m| m.starts_with("your workflow code panicked: no customer")), "{nothing:?}");
    assert_eq!(nothing.difference, None, "not 'your history ends after event 0 (not started)'");
    // A hang later on: the history as the last finished step left it is compared.
    let reference = reference_run(check, &Run::failed(Problem::Panicked(String::new())), MINUTE);
    let so_far = reference.history[..8].to_vec();
    let doing = check.steps()[3].summary();
    let hung = Run { history: so_far, ..Run::failed(Problem::Deadlock { step: 3, after: Duration::from_secs(1), doing }) };
    let report = evaluate(check, &hung, MINUTE, Track::Rust);
    let message = report.message.unwrap();
    assert!(message.contains(&format!("({}, the check's step 4)", check.steps()[3].summary())), "{message}");
    let d = report.difference.expect("the history so far is compared");
    assert!(d.explanation.starts_with("your history ends after event 8 (running)"), "{}", d.explanation);
}

/// The reference's run of the check `name`, as a real server's run would come back:
/// no notification count, no stack trace, no unread signals (the Go track).
fn go_run(name: &str) -> (&'static Check, Run) {
    let check = CHECKS.iter().find(|c| c.name == name).unwrap();
    let run = play(check, reference(check.chapter), MINUTE, |_| {});
    (check, Run { notifications: None, stack_trace: None, unread: None, ..run })
}

fn at(run: &Run, t: crate::history::EventType) -> Vec<usize> {
    run.history.iter().enumerate().filter(|(_, e)| e.event_type() == t).map(|(i, _)| i).collect()
}

fn message(check: &Check, run: &Run, track: Track) -> String {
    let report = evaluate(check, run, MINUTE, track);
    assert!(!report.passed, "{report:?}");
    report.message.unwrap_or_default()
}

#[test]
fn a_canceled_timer_taken_for_the_notification_is_named_on_both_tracks() {
    use crate::history::EventType::TimerCanceled;
    // The second scan cancels the timer, and no estimate nor timer follows it.
    let (check, mut go) = go_run("delivered-before-the-timer");
    let second = at(&go, TimerCanceled)[1];
    go.history.truncate(second + 1);
    let m = message(check, &go, Track::Go);
    assert!(m.starts_with("the customer is never notified: a scan canceled the timer but asked for no new estimate"), "{m}");
    assert!(m.contains("*cadence.CanceledError"), "{m}");
    let rust = Run { notifications: Some(1), ..go };
    let m = message(check, &rust, Track::Rust);
    assert!(m.contains("Err(Canceled)") && !m.contains("cadence.CanceledError"), "{m}");
}

#[test]
fn a_scan_that_leaves_the_timer_running_is_named() {
    use crate::history::EventType::WorkflowExecutionSignaled;
    for name in ["scan-resets-the-timer", "delivered-before-the-timer"] {
        let (check, mut go) = go_run(name);
        // Nothing after the scan: no TimerCanceled, no new estimate, no new timer.
        let scan = at(&go, WorkflowExecutionSignaled)[0];
        go.history.truncate(scan + 1);
        let m = message(check, &go, Track::Go);
        assert!(m.starts_with("a scan did not restart the notification timer"), "{name}: {m}");
    }
}

#[test]
fn timers_left_running_say_how_often_the_customer_is_or_would_be_notified() {
    use crate::history::EventType::TimerCanceled;
    let (check, mut go) = go_run("delivered-before-the-timer");
    // No timer canceled: three timers run, none fired before delivery ended it all.
    let canceled = at(&go, TimerCanceled);
    for i in canceled.into_iter().rev() {
        go.history.remove(i);
    }
    let m = message(check, &go, Track::Go);
    assert!(m.starts_with("the customer would be notified 3 times: the old timer was not canceled when the package was scanned"), "{m}");
    assert!(m.ends_with("(none fired before the check ended)"), "{m}");
    // Two that fired: said as it happened.
    let m = message(check, &Run { notifications: Some(2), ..go }, Track::Rust);
    assert!(m.starts_with("the customer was notified twice: the old timer was not canceled when the package was scanned"), "{m}");
}

#[test]
fn a_timer_of_another_day_length_names_the_timer_unit_on_the_go_track() {
    let (check, mut go) = go_run("timer-after-shipping");
    let days = go
        .history
        .iter_mut()
        .find_map(|e| match &mut e.attributes {
            EventAttributes::TimerStarted(t) => {
                let days = t.start_to_fire_timeout.unwrap().as_secs() / 60;
                t.start_to_fire_timeout = Some(Duration::from_secs(5 * days));
                Some(days)
            }
            _ => None,
        })
        .unwrap();
    let m = message(check, &go, Track::Go);
    assert!(m.starts_with(&format!("a timer waits {}s where the estimate of {days} day", 5 * days)), "{m}");
    assert!(m.contains("the check counts a day as 60s (its --timer-unit, 60s unless you give another)"), "{m}");
    assert!(m.contains("If your worker's day lasts 5s, run the check with --timer-unit 5s"), "{m}");
    assert!(!m.contains("Duration::from_secs"), "no Rust code on the Go track: {m}");
    // The Rust track keeps its own words.
    let m = message(check, &Run { notifications: Some(0), ..go }, Track::Rust);
    assert!(m.contains("Duration::from_secs(60) * days"), "{m}");
}

#[test]
fn a_decision_task_that_timed_out_is_named() {
    use crate::history::{DecisionTaskTimedOutEventAttributes, EventType, HistoryEvent, TimeoutType};
    let (check, mut go) = go_run("waits-for-a-scan");
    // The scan's decision task was taken and never answered.
    let started = *at(&go, EventType::DecisionTaskStarted).last().unwrap();
    go.history.truncate(started + 1);
    let last = go.history.last().unwrap().clone();
    go.history.push(HistoryEvent {
        event_id: last.event_id + 1,
        attributes: EventAttributes::DecisionTaskTimedOut(DecisionTaskTimedOutEventAttributes {
            scheduled_event_id: last.event_id - 1,
            started_event_id: last.event_id,
            timeout_type: TimeoutType::StartToClose,
        }),
        ..last
    });
    let m = message(check, &go, Track::Go);
    assert!(m.starts_with("a decision task of your workflow timed out"), "{m}");
    assert!(m.contains("(10s)") && m.contains("a busy loop, or a sleep") && m.contains("never time.Sleep"), "{m}");
}

#[test]
fn a_retry_policy_is_said_in_words_and_a_missing_one_explains_the_timeouts() {
    let (check, go) = go_run("flaky-payment-retried");
    let edit = |f: &dyn Fn(&mut crate::history::ActivityTaskScheduledEventAttributes)| {
        let mut run = go.clone();
        for e in &mut run.history {
            if let EventAttributes::ActivityTaskScheduled(a) = &mut e.attributes
                && a.activity_type.name == "validatePayment"
            {
                f(a);
            }
        }
        run
    };
    let two = edit(&|a| a.retry_policy.as_mut().unwrap().maximum_attempts = 2);
    let report = evaluate(check, &two, MINUTE, Track::Go);
    let m = report.message.unwrap();
    assert!(
        m.starts_with(
            "validatePayment's retry policy has initial interval 1s, backoff coefficient 2, maximum interval 10s, maximum \
             attempts 2; the workshop's has initial interval 1s, backoff coefficient 2, maximum interval 10s, maximum attempts 3"
        ),
        "{m}"
    );
    let d = report.difference.unwrap();
    assert!(
        d.explanation
            .ends_with("(retry= lists the retry policy's initial interval, backoff coefficient, maximum interval and maximum attempts)"),
        "{}",
        d.explanation
    );
    // No policy: the server did not stretch the timeouts, and the difference says why.
    let none = edit(&|a| {
        a.retry_policy = None;
        a.schedule_to_start_timeout = Some(MINUTE);
        a.schedule_to_close_timeout = Some(2 * MINUTE);
    });
    let d = report::first_difference(&reference_run(check, &none, MINUTE).history, &none.history).unwrap();
    assert!(d.explanation.contains("but retryPolicy is "), "{}", d.explanation);
    assert!(d.explanation.contains("the timeouts differ only because of the retry policy"), "{}", d.explanation);
}

#[test]
fn a_query_handler_under_another_name_is_named() {
    let (check, mut go) = go_run("status-while-paying");
    let why = "query failed: unknown queryType current_status. KnownQueryTypes=[__stack_trace __open_sessions currentStatus]";
    for s in &mut go.steps {
        if matches!(s, StepResult::Answer(_)) {
            *s = StepResult::Refused(why.into());
        }
    }
    let m = message(check, &go, Track::Go);
    assert!(m.starts_with("the workflow does not answer current_status: its query handler is registered as \"currentStatus\""), "{m}");
    assert!(m.contains("the query types __stack_trace, __open_sessions, currentStatus"), "{m}");
}

#[test]
fn no_chapter_7_title_counts_in_minutes() {
    for c in Check::of(Chapter::Notification) {
        assert!(!c.expectation.contains("minute") || c.expectation.contains("--timer-unit"), "{}", c.expectation);
    }
}

#[test]
fn a_workflow_that_never_ships_is_told_so_on_every_check_that_ships() {
    use crate::history::EventType::ActivityTaskScheduled;
    for name in ["paid-and-shipped", "no-customer", "amount-of-25-is-fine"] {
        let (check, mut go) = go_run(name);
        // Paid, then nothing: shipProduct is never scheduled.
        let ship = at(&go, ActivityTaskScheduled)[1];
        go.history.truncate(ship);
        let m = message(check, &go, Track::Go);
        assert!(m.starts_with("the workflow never calls shipProduct"), "{name}: {m}");
    }
}

#[test]
fn a_signal_that_reached_the_workflow_but_was_not_acted_on_names_the_channels_name() {
    for (name, says) in [
        ("waits-for-a-scan", "the name must match exactly, case included (\"ScanSignal\", not \"scanSignal\")"),
        ("delivered-right-away", "if your selector has no case for a channel named exactly \"DeliveredSignal\" (case included)"),
    ] {
        let (check, mut go) = go_run(name);
        // Still running: the completion is gone, the signal is there.
        go.history.pop();
        let m = message(check, &go, Track::Go);
        assert!(m.contains(says), "{name}: {m}");
    }
}

#[test]
fn an_activity_a_go_worker_never_answers_is_named_with_its_registration() {
    use crate::history::EventType::{ActivityTaskCompleted, ActivityTaskScheduled};
    // shipProduct scheduled, then nothing: a Go worker without it takes the task and never answers.
    // Without a retry policy the server writes ActivityTaskStarted as a worker takes the task.
    let (check, go) = go_run("paid-and-shipped");
    let ship = at(&go, ActivityTaskScheduled)[1];
    for end in [ship + 1, ship + 2] {
        let taken = Run { history: go.history[..end].to_vec(), ..go.clone() };
        let m = message(check, &taken, Track::Go);
        assert!(m.starts_with("shipProduct was scheduled but never completed, where the reference solution's completed at once"), "{m}");
        assert!(m.contains("unable to find activityType=shipProduct") && m.contains("RegisterOptions{Name: \"shipProduct\"}"), "{m}");
    }
    // Still in flight at the reference's own pace (the payment's retries): not this.
    let (check, mut go) = go_run("flaky-payment-retried");
    let paid = at(&go, ActivityTaskCompleted)[0];
    go.history.truncate(paid - 1);
    let m = message(check, &go, Track::Go);
    assert!(!m.contains("never completed"), "{m}");
}

/// The reference's run of `name` on the Go track, with shipProduct's completion
/// replaced by `end` (written with the completion's IDs).
fn ship_ends_with(name: &str, end: impl Fn(i64, i64) -> EventAttributes) -> (&'static Check, Run) {
    use crate::history::EventType::ActivityTaskCompleted;
    let (check, mut go) = go_run(name);
    let shipped = at(&go, ActivityTaskCompleted)[1];
    let EventAttributes::ActivityTaskCompleted(done) = &go.history[shipped].attributes else { unreachable!() };
    let (scheduled, started) = (done.scheduled_event_id, done.started_event_id);
    go.history.truncate(shipped + 1);
    go.history[shipped].attributes = end(scheduled, started);
    (check, go)
}

#[test]
fn an_activity_that_panicked_is_named_as_the_activitys_panic() {
    use crate::history::ActivityTaskFailedEventAttributes;
    // A Go worker's panic: the message, then the goroutine's stack.
    let failure = crate::sdk::activity_panic(
        "strconv.Atoi: parsing \"Cadence\": invalid syntax",
        "activity for tasklist [panic]:\ngoroutine 1 [running]:\nmain.shipProduct(...)\n\t/src/workshop.go:38 +0x1d",
    );
    // shipProduct's attempt failed with `failure`, as the worker reported it.
    let failed_with = |failure: crate::payload::Failure| {
        ship_ends_with("paid-and-shipped", move |scheduled_event_id, started_event_id| {
            EventAttributes::ActivityTaskFailed(ActivityTaskFailedEventAttributes {
                failure: Some(failure.clone()),
                scheduled_event_id,
                started_event_id,
                identity: "worker".into(),
            })
        })
    };
    let (check, go) = failed_with(failure);
    let m = message(check, &go, Track::Go);
    assert!(m.starts_with("your activity shipProduct panicked: strconv.Atoi: parsing \"Cadence\": invalid syntax. A Go worker"), "{m}");
    assert!(m.contains("fails that activity alone (ActivityTaskFailed, reason cadenceInternal:Panic), not the decision task"), "{m}");
    // The Rust track's stack is the line that panicked: said where.
    let failure = crate::sdk::activity_panic("no number", "activity for tasklist [panic]:\n\texercises/01_activities.rs:38");
    let (check, rust) = failed_with(failure);
    let m = message(check, &Run { notifications: Some(0), ..rust }, Track::Rust);
    assert!(m.starts_with("your activity shipProduct panicked at exercises/01_activities.rs:38: no number. "), "{m}");
}

#[test]
fn an_activity_that_timed_out_while_running_is_named() {
    use crate::history::{ActivityTaskTimedOutEventAttributes, TimeoutType};
    let (check, go) = ship_ends_with("paid-and-shipped", |scheduled_event_id, started_event_id| {
        EventAttributes::ActivityTaskTimedOut(ActivityTaskTimedOutEventAttributes {
            details: None,
            scheduled_event_id,
            started_event_id,
            timeout_type: TimeoutType::StartToClose,
            last_failure: None,
        })
    });
    let m = message(check, &go, Track::Go);
    assert!(m.starts_with("your activity shipProduct did not return within its start-to-close timeout (60s)"), "{m}");
}

#[test]
fn a_retry_policy_on_the_wrong_activity_is_explained_the_right_way_round() {
    // shipProduct with the payment's retry policy: the server stretched its timeouts.
    let (check, mut go) = go_run("flaky-payment-retried");
    let policy = go.history.iter().find_map(|e| match &e.attributes {
        EventAttributes::ActivityTaskScheduled(a) if a.activity_type.name == "validatePayment" => a.retry_policy.clone(),
        _ => None,
    });
    for e in &mut go.history {
        if let EventAttributes::ActivityTaskScheduled(a) = &mut e.attributes
            && a.activity_type.name == "shipProduct"
        {
            a.retry_policy = policy.clone();
            a.schedule_to_start_timeout = Some(10 * MINUTE);
            a.schedule_to_close_timeout = Some(10 * MINUTE);
        }
    }
    let report = evaluate(check, &go, MINUTE, Track::Go);
    assert_eq!(report.message.as_deref(), Some("shipProduct got the retry policy too: the workshop gives it to validatePayment only"));
    let d = report.difference.unwrap();
    assert!(d.explanation.contains("the timeouts differ only because of the retry policy"), "{}", d.explanation);
    assert!(d.explanation.contains("the reference solution gives this activity none: take the retry policy off it"), "{}", d.explanation);
    assert!(!d.explanation.contains("give the activity the retry policy"), "{}", d.explanation);
}

#[test]
fn a_query_handler_that_panics_fails_the_query_alone_and_is_named() {
    use crate::sdk::{WorkflowContext, WorkflowError};
    // As a Go worker's query handler that panics: the query fails, the workflow and the
    // check go on, and the participant is told it was the handler, not the workflow.
    let mut r = reference(Chapter::Query);
    let run = crate::registry::typed_workflow(|ctx: WorkflowContext, order: crate::postal::Order| async move {
        ctx.set_query_handler("current_status", || -> crate::postal::QueryResult { panic!("no status yet") })?;
        Ok::<_, WorkflowError>(order.id)
    });
    r.register_workflow(exercise_definition(Chapter::Query, run));
    let check = CHECKS.iter().find(|c| c.name == "status-while-paying").unwrap();
    let yours = play(check, r, MINUTE, |_| {});
    assert_eq!(yours.problem, None, "a query handler's panic is not the workflow's");
    let queries: Vec<&StepResult> =
        check.steps().iter().zip(&yours.steps).filter(|(s, _)| matches!(s, crate::scenario::Step::Query { .. })).map(|(_, r)| r).collect();
    assert!(queries.len() > 1, "{:?}", yours.steps);
    for q in queries {
        assert_eq!(q, &StepResult::Refused(format!("{QUERY_HANDLER_PANIC}no status yet")), "every query was asked, and failed alone");
    }
    let m = message(check, &yours, Track::Rust);
    assert!(m.starts_with("your current_status query handler panicked: no status yet (the check's step "), "{m}");
    assert!(m.contains("fails that query alone") && !m.contains("retry it forever"), "{m}");
}

#[test]
fn a_workflow_that_does_not_wait_for_a_scan_is_told_the_call_of_its_track() {
    // Chapter 3's check on chapter 2's code: it completes right after shipping.
    let check = CHECKS.iter().find(|c| c.name == "waits-for-a-scan").unwrap();
    let run = play(check, reference(Chapter::Retries), MINUTE, |_| {});
    let go = message(check, &Run { notifications: None, stack_trace: None, unread: None, ..run.clone() }, Track::Go);
    assert!(go.starts_with("the workflow completed right after shipping without waiting for a scan"), "{go}");
    assert!(go.ends_with("(Receive waits; ReceiveAsync does not)") && !go.contains(".await"), "Go words on the Go track: {go}");
    let rust = message(check, &run, Track::Rust);
    assert!(rust.ends_with("(receive().await waits; try_receive, Go's ReceiveAsync, does not)"), "{rust}");
}

#[test]
fn an_activity_that_outlasts_the_checks_wait_is_not_said_to_be_stopped_by_a_real_server() {
    // The checks wait 3 s; a real server lets an attempt run for its start-to-close
    // timeout (a minute in the workshop). A 4 s activity is slow, not doomed.
    let check = CHECKS.iter().find(|c| c.name == "paid-and-shipped").unwrap();
    let p = Problem::ActivityDidNotReturn {
        activity_type: "shipProduct".into(),
        attempt: 0,
        step: 1,
        after: Duration::from_secs(3),
        doing: String::new(),
    };
    let m = diagnose::problem(&p, check);
    assert!(m.contains("after 3s (the check's step 2), which is as long as the checks wait"), "{m}");
    assert!(m.contains("A real Cadence server would wait longer, up to the attempt's start-to-close timeout"), "{m}");
    assert!(m.contains("then write ActivityTaskTimedOut (with a retry policy, only once no attempt is left)"), "{m}");
}

#[test]
fn a_retried_activity_that_outlasts_its_start_to_close_timeout_is_tried_again_first() {
    // What the message above says of a retry policy, on the simulator: the payment's
    // attempts, each taken by a worker that never reports, time out one by one, and
    // only the third writes ActivityTaskTimedOut.
    use crate::session::{Action, Session, SessionConfig};
    let config =
        SessionConfig { postal: crate::postal::PostalConfig { chapter: Chapter::Retries, ..Default::default() }, ..Default::default() };
    let mut s = Session::new(config);
    s.auto_run = false;
    s.apply(Session::workshop_start()).unwrap();
    let timed_out = |s: &Session| s.history().iter().filter(|e| e.event_type() == crate::history::EventType::ActivityTaskTimedOut).count();
    for attempt in 0..3 {
        while !s.pending_activities().iter().any(|a| a.activity_type == "validatePayment" && a.running) {
            if s.apply(Action::Step).is_err() {
                s.apply(Action::AdvanceNext).unwrap();
            }
        }
        assert_eq!(s.pending_activities()[0].attempt, attempt, "{}", s.history_table());
        assert_eq!(timed_out(&s), 0, "attempt {attempt}: {}", s.history_table());
        s.apply(Action::AdvanceBy { by: MINUTE + Duration::from_secs(1) }).unwrap();
    }
    assert_eq!(timed_out(&s), 1, "{}", s.history_table());
    assert!(s.history_table().contains("timeoutType=START_TO_CLOSE"), "{}", s.history_table());
}

#[test]
fn a_scan_lost_to_the_delivery_beside_it_is_named_as_the_selectors_order_on_both_tracks() {
    // Chapter 6 on a real server: the history is the reference's, but the answer after
    // completion lacks Delft (the DeliveredSignal case was added first).
    let (check, mut go) = go_run("status-after-scan-and-delivery");
    let last = go.steps.len() - 1;
    go.steps[last] = StepResult::Answer(r#"{"delivered":true,"locationHistory":["Aarhus"]}"#.into());
    let m = message(check, &go, Track::Go);
    assert!(m.starts_with("the workflow completed without reading the scan in Delft"), "{m}");
    assert!(m.contains("yours has the DeliveredSignal case before the ScanSignal case"), "{m}");
    assert!(!m.contains("not a copy"), "not taken for a handler that copied the state: {m}");
    // Chapter 5 on the simulator: only the unread scan tells.
    let (check, go) = go_run("scan-and-delivery-waiting");
    let rust = Run { unread: Some(vec![("ScanSignal".into(), 1)]), ..go };
    let m = message(check, &rust, Track::Rust);
    assert!(m.starts_with("the workflow completed without reading the scan in Delft"), "{m}");
}

#[test]
fn a_line_printed_outside_replay_comes_three_times_per_check_as_the_workshop_note_says() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};
    // The workflow's first lines, as a participant's `println!` would run them: every
    // time, and only when not replaying.
    let (every, fresh) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
    let mut r = reference(Chapter::Retries);
    let inner = r.workflow(ChapterNames::STARTER.workflow).unwrap().run.clone();
    let (e, f) = (every.clone(), fresh.clone());
    let run: crate::registry::WorkflowFn = Arc::new(move |ctx, input| {
        let (e, f, inner) = (e.clone(), f.clone(), inner.clone());
        Box::pin(async move {
            e.fetch_add(1, Ordering::Relaxed);
            if !ctx.is_replaying() {
                f.fetch_add(1, Ordering::Relaxed);
            }
            inner(ctx, input).await
        })
    });
    r.register_workflow(exercise_definition(Chapter::Retries, run));
    let check = Check::of(Chapter::Retries).next().unwrap();
    let run = play(check, r, MINUTE, |_| {});
    assert_eq!(run.problem, None);
    let note = crate::workshop::ChapterGuide::of(Chapter::Retries).repeated_output_note();
    assert!(note.contains("replayed twice more") && note.contains("not the checks'"), "{note}");
    assert_eq!(fresh.load(Ordering::Relaxed), 3, "the run and its two strict replays, each with a new last decision task");
    assert!(every.load(Ordering::Relaxed) > 3, "unguarded, the line repeats more: {}", every.load(Ordering::Relaxed));
}

#[test]
fn scans_waited_for_on_a_misnamed_channel_are_named_as_never_read_not_as_the_selectors_order() {
    // Chapter 6 with the scans read from "Scansignal": the same history (reading a signal
    // writes no event), and every answer without Delft and Amsterdam.
    let (check, mut go) = go_run("status-follows-scans");
    let answers = go.steps.iter().filter(|s| matches!(s, StepResult::Answer(_))).count();
    let mut seen = 0;
    for s in go.steps.iter_mut() {
        if let StepResult::Answer(_) = s {
            seen += 1;
            let delivered = seen == answers;
            *s = StepResult::Answer(format!(r#"{{"delivered":{delivered},"locationHistory":["Aarhus"]}}"#));
        }
    }
    let m = message(check, &go, Track::Go);
    assert!(m.starts_with("the workflow never read 2 scans (Delft, Amsterdam): a decision task ran after they arrived"), "{m}");
    assert!(m.contains("it must be \"ScanSignal\" exactly, case included (a Go worker logs \"Workflow has unhandled signals\""), "{m}");
    assert!(!m.contains("DeliveredSignal case before") && !m.contains("Rc<RefCell"), "not the cases' order, no Rust: {m}");
    // The simulator knows they are still in the channel.
    let rust = Run { unread: Some(vec![("ScanSignal".into(), 2)]), ..go.clone() };
    let m = message(check, &rust, Track::Rust);
    assert!(m.starts_with("the workflow never read 2 scans (Delft, Amsterdam)") && !m.contains("Go worker"), "{m}");
    // A handler that returns a copy made at its registration: delivered stays false too.
    for s in go.steps.iter_mut() {
        if let StepResult::Answer(_) = s {
            *s = StepResult::Answer(r#"{"delivered":false,"locationHistory":["Aarhus"]}"#.into());
        }
    }
    let m = message(check, &go, Track::Go);
    assert!(m.contains("either the handler returns a copy made when it was registered") && !m.contains("Rc<RefCell"), "{m}");
    assert!(m.contains("the channel it waits on must be named \"ScanSignal\" exactly"), "{m}");
    assert!(message(check, &go, Track::Rust).contains("e.g. in an Rc<RefCell<..>>"));
}

#[test]
fn a_go_function_registered_without_a_name_is_told_how_to_name_it() {
    use crate::history::{EventAttributes, EventType};
    // The Go client names a function registered without a name by its Go name.
    let (check, mut go) = go_run("paid-and-shipped");
    let started = at(&go, EventType::DecisionTaskStarted)[0];
    go.history.truncate(started + 1);
    let mut failed = go.history[started].clone();
    failed.event_id += 1;
    failed.attributes = EventAttributes::DecisionTaskFailed(crate::history::DecisionTaskFailedEventAttributes {
        scheduled_event_id: started as i64,
        started_event_id: started as i64 + 1,
        cause: "WORKFLOW_WORKER_UNHANDLED_FAILURE".into(),
        failure: Some(crate::payload::Failure::generic(
            "unable to find workflow type: OrderProcessingWorkflow. Supported types: [main.OrderProcessingWorkflow]",
        )),
        ..Default::default()
    });
    go.history.push(failed);
    let m = message(check, &go, Track::Go);
    assert!(m.starts_with("your worker does not run OrderProcessingWorkflow"), "{m}");
    assert!(m.contains("by its Go name (main.OrderProcessingWorkflow)"), "{m}");
    assert!(
        m.contains("w.RegisterWorkflowWithOptions(OrderProcessingWorkflow, workflow.RegisterOptions{Name: \"OrderProcessingWorkflow\"})"),
        "{m}"
    ); // Registered under a name of its own: nothing about Go names.
    let last = go.history.len() - 1;
    if let EventAttributes::DecisionTaskFailed(f) = &mut go.history[last].attributes {
        f.failure = Some(crate::payload::Failure::generic(
            "unable to find workflow type: OrderProcessingWorkflow. Supported types: [PackageProcessingWorkflow]",
        ));
    }
    let m = message(check, &go, Track::Go);
    assert!(m.starts_with("your worker does not run OrderProcessingWorkflow") && !m.contains("Go name"), "{m}");
}
