//! `cadence wf terminate`: the server closes a run without asking its code. The
//! simulator must write what a real Cadence server (v1.4.1) wrote for the same moves
//! (fixtures recorded with `scripts/cadence-dev.sh`: the history API's form in
//! `fixtures/real/terminated-*.json`, the CLI's in `fixtures/cli/terminated-waiting.json`),
//! and every front end must read, explain, export and replay such a history.

use std::time::Duration;

use postflow_core::history::cli_json::history_to_cli_json;
use postflow_core::history::compare::normalise;
use postflow_core::history::json::{history_from_json, history_to_json};
use postflow_core::history::table::normalize;
use postflow_core::history::{EventType, HistoryEvent};
use postflow_core::postal::{self, PostalConfig};
use postflow_core::runtime::WorkflowRuntime;
use postflow_core::scenario::{self, Scenario};
use postflow_core::session::{Action, Session, SessionConfig};

/// A recorded history, its task list renamed to the simulator's (the recordings used
/// their own, so that no worker would pick them up).
fn real(name: &str, task_list: &str) -> Vec<HistoryEvent> {
    let path = format!("{}/tests/fixtures/real/{name}.json", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(path).unwrap().replace(&format!("{{\"name\":\"{task_list}\"}}"), "{\"name\":\"tasklist\"}");
    history_from_json(&text).unwrap()
}

/// A session of the recordings' order, the worker stepped by hand.
fn started(id: &str, execution_timeout: Duration) -> Session {
    let mut s = Session::new(SessionConfig::default());
    s.auto_run = false;
    let input = format!(r#"{{"id":"{id}","customer":"ann","amount":10}}"#);
    s.apply(Action::Start { workflow_id: id.into(), input, execution_timeout }).unwrap();
    s
}

fn terminate(s: &mut Session, reason: &str) {
    s.apply(Action::Terminate { reason: reason.into() }).unwrap();
}

/// Through the payment's retries to the first notification timer (a scan when the
/// workflow waits for one), and not past it.
fn to_the_notification_timer(s: &mut Session) {
    let scan = Action::Signal { name: "ScanSignal".into(), input: Some(r#"{"location":"Delft"}"#.into()) };
    loop {
        s.apply(Action::Run).unwrap();
        if s.history().iter().any(|e| e.event_type() == EventType::TimerStarted) {
            return;
        }
        if s.apply(Action::AdvanceNext).is_err() {
            s.apply(scan.clone()).unwrap();
        }
    }
}

fn last_lines(s: &Session, n: usize) -> Vec<String> {
    let lines = normalize(&s.history_table());
    lines[lines.len().saturating_sub(n)..].to_vec()
}

#[test]
fn terminating_a_workflow_whose_decision_task_waits_writes_only_the_close() {
    let mut s = started("S1", Duration::from_secs(600));
    terminate(&mut s, "");
    assert_eq!(normalise(s.history()), normalise(&real("terminated-scheduled", "stl")));
    assert_eq!(s.outcome().as_deref(), Some("terminated"));
    assert_eq!(last_lines(&s, 1), ["3 +0s WorkflowExecutionTerminated"], "no reason, no empty reason=");
    assert!(s.apply(Action::Step).is_err(), "the dropped decision task is not run: {}", s.history_table());
    assert_eq!(s.stack_trace(), "the workflow was terminated before its code ever ran; none of it will run");
}

#[test]
fn a_decision_task_in_flight_is_failed_first_and_the_signals_that_waited_come_before_the_close() {
    let mut s = started("F1", Duration::from_secs(600));
    s.apply(Action::Step).unwrap();
    s.apply(Action::Signal { name: "ScanSignal".into(), input: Some(r#"{"location":"Delft"}"#.into()) }).unwrap();
    terminate(&mut s, "stuck decision");
    assert_eq!(normalise(s.history()), normalise(&real("terminated-in-flight", "ftl")));
    assert_eq!(
        last_lines(&s, 3),
        [
            "4 +0s DecisionTaskFailed scheduled=2 started=3 cause=FORCE_CLOSE_DECISION",
            "5 +0s WorkflowExecutionSignaled signal=ScanSignal input={\"location\":\"Delft\"}",
            "6 +0s WorkflowExecutionTerminated reason=stuck decision",
        ]
    );
    // The worker's late answer finds nothing to answer.
    assert!(s.apply(Action::Step).is_err());
    let json = s.history_json();
    assert!(json.contains(r#""identity": "history-service""#), "{json}");
}

#[test]
fn a_waiting_workflow_is_closed_its_timer_dropped_and_every_later_request_refused() {
    let mut s = Session::new(SessionConfig::default());
    s.apply(Session::workshop_start()).unwrap();
    to_the_notification_timer(&mut s);
    terminate(&mut s, "lost in the post");
    assert_eq!(s.outcome().as_deref(), Some("terminated: lost in the post"));
    assert_eq!(s.status_line().run_state.split_whitespace().next(), Some("terminated"));
    let last = s.history().last().unwrap();
    assert_eq!(last.event_type(), EventType::WorkflowExecutionTerminated);
    assert!(s.engine().execution("Order123").unwrap().pending_timers().next().is_none(), "the notification timer is dropped");
    assert!(s.apply(Action::AdvanceNext).is_err(), "nothing is left on the clock");
    let len = s.history().len();
    for refused in [Action::Signal { name: "DeliveredSignal".into(), input: None }, Action::Terminate { reason: "again".into() }] {
        let why = s.apply(refused.clone()).unwrap_err();
        assert!(why.contains("already completed"), "{refused:?}: {why}");
    }
    assert_eq!(s.history().len(), len, "a refusal writes nothing");
    // Both front ends refuse the key before sending, in words the refusal's explanation knows.
    let postflow_core::controls::Availability::Unavailable(why) =
        postflow_core::controls::availability(postflow_core::controls::Command::Terminate, &s)
    else {
        panic!("terminate offered on a closed workflow")
    };
    assert_eq!(why, "the workflow has been terminated: Cadence refuses to terminate a closed workflow; s starts a new order");
    let explained = postflow_core::workshop::explain::explain_refusal(&why).unwrap();
    assert!(explained.contains("nor a terminate"), "{explained}");
    // The `cadence` command a participant can run against a real server.
    let cli = s.timeline().last().unwrap().cli.clone().unwrap();
    assert_eq!(cli, "cadence --domain cadence-workshop wf terminate --workflow_id Order123 --reason 'lost in the post'");
}

#[test]
fn the_workflow_timeout_fails_a_decision_task_in_flight_too() {
    // Cadence's history service closes a timed-out run as it closes a terminated one
    // (`timeoutWorkflow` beside `TerminateWorkflow`): a started decision task is failed
    // with FORCE_CLOSE_DECISION first.
    let mut s = started("T1", Duration::from_secs(5));
    s.apply(Action::Step).unwrap();
    s.apply(Action::AdvanceNext).unwrap();
    assert_eq!(
        last_lines(&s, 2),
        [
            "4 +5s DecisionTaskFailed scheduled=2 started=3 cause=FORCE_CLOSE_DECISION",
            "5 +5s WorkflowExecutionTimedOut timeoutType=START_TO_CLOSE",
        ]
    );
    let closed = s.explain(5).unwrap();
    assert!(closed.cause.contains("event 4 threw its answer away"), "{}", closed.cause);
    assert!(closed.related.iter().any(|r| r.event_id == 4), "the cut-off decision task is marked: {:?}", closed.related);
    let failed = s.explain(4).unwrap();
    assert!(failed.cause.contains("its execution timeout"), "{}", failed.cause);
}

#[test]
fn a_timed_out_workflow_is_told_which_of_its_timers_were_dropped() {
    let mut s = Session::new(SessionConfig::default());
    let input = r#"{"id":"T2","customer":"ann","amount":10}"#.to_owned();
    s.apply(Action::Start { workflow_id: "T2".into(), input, execution_timeout: Duration::from_secs(60) }).unwrap();
    to_the_notification_timer(&mut s);
    let timer = s.history().iter().rev().find(|e| e.event_type() == EventType::TimerStarted).unwrap().event_id;
    // The notification timer is a day (a minute) or more away; the timeout comes first.
    s.apply(Action::AdvanceNext).unwrap();
    let last = s.history().last().unwrap();
    assert_eq!(last.event_type(), EventType::WorkflowExecutionTimedOut, "{}", s.history_table());
    let closed = s.explain(last.event_id).unwrap();
    assert!(closed.meaning.contains(&format!("(started in event {timer})")), "{}", closed.meaning);
    assert!(!closed.cause.contains("threw its answer away"), "no decision task was running: {}", closed.cause);
    // The code stopped where it waited; the pane must not read as if it still waits.
    let trace = s.stack_trace();
    assert!(trace.starts_with("the workflow timed out while its code waited here; none of it runs any more"), "{trace}");
    assert!(trace.contains("blocked on selector-1.Select"), "{trace}");
}

#[test]
fn a_terminated_history_from_the_cli_reads_replays_and_explains_what_was_dropped() {
    let text = include_str!("fixtures/cli/terminated-waiting.json");
    let events = history_from_json(text).unwrap();
    let def = postal::registry(PostalConfig::default()).workflow("OrderProcessingWorkflowComplete").cloned().unwrap();
    WorkflowRuntime::replay(&def, "T1", postal::DOMAIN, &events).unwrap();

    let s = Session::import_history(SessionConfig::default(), text).unwrap();
    assert_eq!(s.replay_error(), None);
    assert_eq!(s.outcome().as_deref(), Some("terminated: lost in the post"));
    let x = s.explain(24).unwrap();
    assert_eq!(x.headline, "The workflow was terminated");
    assert!(x.cause.contains("\"lost in the post\"") && x.cause.contains("no decision task ran"), "{}", x.cause);
    assert!(x.meaning.contains("timer 3 (started in event 23)"), "{}", x.meaning);
    // The code was stopped where it waited, and a query's replay shows it there.
    let trace = s.stack_trace();
    assert!(trace.starts_with("the workflow was terminated while its code waited here; none of it runs any more"), "{trace}");
    assert!(trace.contains("coroutine 1 [blocked on selector-1.Select]:"), "{trace}");

    // Both export forms read back to the same events.
    assert_eq!(history_from_json(&history_to_json(&events)).unwrap(), events);
    assert_eq!(history_from_json(&history_to_cli_json(&events)).unwrap(), events);
}

#[test]
fn the_forced_failure_is_explained_as_the_servers_not_the_codes() {
    let s = Session::import_history(SessionConfig::default(), &history_to_json(&real("terminated-in-flight", "ftl"))).unwrap();
    let failed = s.explain(4).unwrap();
    assert_eq!(failed.headline, "Decision task cut off: FORCE_CLOSE_DECISION");
    assert!(failed.cause.contains("a terminate request") && failed.cause.contains("history-service"), "{}", failed.cause);
    assert!(failed.related.iter().any(|r| r.event_id == 6), "the close is marked: {:?}", failed.related);
    let closed = s.explain(6).unwrap();
    assert!(closed.cause.contains("cadence-cli@vm") && closed.cause.contains("event 4 threw its answer away"), "{}", closed.cause);
}

#[test]
fn a_scenario_terminates_expects_it_and_a_session_exports_the_step() {
    let toml = r#"
name = "terminated"
[[steps]]
do = "start"
input = '{"id":"Order9","customer":"ann","amount":10}'
[[steps]]
do = "run"
[[steps]]
do = "terminate"
reason = "customer moved"
[[steps]]
do = "expect"
status = "terminated"
events = ["WorkflowExecutionTerminated"]
[[steps]]
do = "terminate"
error = "already completed"
"#;
    let outcome = scenario::run(&Scenario::parse("terminated.toml", toml).unwrap());
    assert!(outcome.passed(), "{:?}", outcome.failures);
    let exported = scenario::to_toml(&outcome.session, "again");
    assert!(exported.contains("do = \"terminate\"\nreason = \"customer moved\"\n"), "{exported}");
    let again = scenario::run(&Scenario::parse("again.toml", &exported).unwrap());
    assert_eq!(again.session.history(), outcome.session.history());

    // A reason over two lines (a scenario, a share link, a CLI's $'...') keeps the
    // history table at one line per event.
    let two_lines = toml.replace("reason = \"customer moved\"", "reason = \"customer\\nmoved\"");
    let outcome = scenario::run(&Scenario::parse("two-lines.toml", &two_lines).unwrap());
    let table = outcome.session.history_table();
    assert!(table.lines().any(|l| l.ends_with(r"WorkflowExecutionTerminated reason=customer\nmoved")), "{table}");

    let wrong = toml.replace("status = \"terminated\"", "status = \"killed\"");
    let err = Scenario::parse("wrong.toml", &wrong).unwrap_err().to_string();
    assert!(err.contains("unknown status \"killed\": running, completed, failed, timed_out, terminated or canceled"), "{err}");
}
