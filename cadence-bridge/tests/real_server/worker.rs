//! `bridge worker`: the workshop's own commands on one default worker (the real
//! `cadence` CLI over gRPC and tchannel), failures reported once, SIGTERM and SIGKILL
//! mid-workflow with nothing lost, a nondeterministic history, the code's log lines,
//! and a domain the server does not have.

use std::process::Command;
use std::time::{Duration, Instant};

use cadence_bridge::client::StartOptions;
use postflow_core::history::{EventAttributes, EventType};
use postflow_core::postal;

use crate::common::*;

#[test]
#[ignore = "needs a Cadence server: scripts/test-bridge.sh"]
fn the_workshops_commands_run_on_one_default_worker_over_grpc_and_tchannel() {
    // No flags: the worker a participant starts instead of `go run main.go`.
    let worker = WorkerProcess::spawn_plain(&[]);
    let c = client();
    let order = r#"{"id":"Order123", "customer": "Cadence", "amount": 20, "address": "Uber office", "sendFrom": "Aarhus"}"#;
    for transport in [Cadence::GRPC, Cadence::TCHANNEL] {
        let cadence = Cadence::new(transport);
        // "To start the hello world workflow": word for word.
        let hello = cadence.start(&[
            "--tasklist",
            "tasklist",
            "--execution_timeout",
            "10",
            "--workflow_type",
            "HelloWorld",
            "--input",
            r#"{"message":"Cadence"}"#,
        ]);
        let _c1 = Cleanup(hello.clone());
        assert_eq!(completed_result(&c, &hello, Duration::from_secs(30)), "\"Hello, Cadence!\"\n", "{transport:?}");
        // The starter's first command ("Implementing the first activities"): word for word.
        let starter = cadence.start(&[
            "--tasklist",
            "tasklist",
            "--execution_timeout",
            "10",
            "--workflow_type",
            "OrderProcessingWorkflow",
            "--input",
            order,
        ]);
        let _c2 = Cleanup(starter.clone());
        assert_eq!(
            completed_result(&c, &starter, Duration::from_secs(30)),
            "\"Order Order123 processed successfully for customer Cadence.\"\n",
            "{transport:?}"
        );
        // The signal, query and delivered commands, on the complete workflow (its own
        // workflow ID so the test can be repeated; the text uses Order123).
        let id = fresh_id("Order123");
        let _c3 = Cleanup(id.clone());
        cadence.start(&[
            "--tasklist",
            "tasklist",
            "--execution_timeout",
            "600",
            "--workflow_type",
            "OrderProcessingWorkflowComplete",
            "--workflow_id",
            &id,
            "--input",
            order,
        ]);
        wait_for(&c, &id, Duration::from_secs(60), "TimerStarted", has(EventType::TimerStarted));
        // Cadence's built-in queries: where the code waits, and which queries it answers.
        let stack = cadence.run(&["wf", "stack", "--workflow_id", &id]);
        assert!(
            stack.contains("coroutine 1 [blocked on selector-1.Select]")
                && stack.contains("waiting for the first of: timer 3")
                && stack.contains("a ScanSignal signal; a DeliveredSignal signal"),
            "{transport:?}: {stack}"
        );
        let types = cadence.run(&["wf", "query", "--query_type", "__query_types", "--workflow_id", &id]);
        assert!(types.contains(r#"["__open_sessions","__query_types","__stack_trace","current_status"]"#), "{transport:?}: {types}");
        // `bridge wf query` prints what `cadence wf query` prints: the answer alone, on its line.
        let ours = Command::new(env!("CARGO_BIN_EXE_bridge"))
            .args(["--address", &address(), "wf", "query", "--query_type", "__query_types", "--workflow_id", &id])
            .output()
            .unwrap();
        assert!(ours.status.success(), "{}", String::from_utf8_lossy(&ours.stderr));
        assert_eq!(String::from_utf8_lossy(&ours.stdout), types, "{transport:?}");
        cadence.run(&["wf", "signal", "--name", "ScanSignal", "--workflow_id", &id, "--input", r#"{"location":"delft"}"#]);
        // The workshop's query, asked again until the workflow has read the scan (the
        // signal is in history at once; the selector reads it in a later decision task).
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let answer = cadence.run(&["wf", "query", "--query_type", "current_status", "--workflow_id", &id]);
            if answer.contains(r#"{"delivered":false,"locationHistory":["Aarhus","delft"]}"#) {
                break;
            }
            assert!(Instant::now() < deadline, "the scan never showed in current_status; the last answer was:\n{answer}");
            std::thread::sleep(Duration::from_millis(200));
        }
        cadence.run(&["wf", "signal", "--name", "DeliveredSignal", "--workflow_id", &id]);
        let result = completed_result(&c, &id, Duration::from_secs(30));
        assert!(result.contains("Order Order123 processed successfully for customer Cadence."), "{result}");
        // An unknown query type is answered with the runtime's message, not a hang.
        let (ok, text) = cadence.try_run(&["wf", "query", "--query_type", "nope", "--workflow_id", &id]);
        assert!(!ok && text.contains("unknown queryType nope"), "{text}");
    }
    let (code, log) = worker.stop();
    assert_eq!(code, Some(0), "the worker did not stop cleanly on SIGTERM:\n{log}");
    // Sticky execution: after each run's first decision task, the cached run went on.
    let hits: usize = log.split("sticky cache hits ").nth(1).and_then(|r| r.split(',').next()).and_then(|n| n.parse().ok()).unwrap_or(0);
    assert!(hits >= 8, "the sticky cache was hardly used:\n{log}");
}

#[test]
#[ignore = "needs a Cadence server: scripts/test-bridge.sh"]
fn an_unknown_workflow_type_is_reported_once_not_on_every_attempt() {
    let worker = WorkerProcess::spawn_plain(&[]);
    let c = client();
    let id = fresh_id("unknown");
    let _cleanup = Cleanup(id.clone());
    c.start_workflow(&StartOptions {
        domain: DOMAIN.into(),
        workflow_id: id.clone(),
        workflow_type: "NoSuchWorkflow".into(),
        task_list: postal::TASK_LIST.into(),
        input: Some("{}".into()),
        execution_timeout: Duration::from_secs(120),
        // Short decision timeouts: the server retries every 2 s.
        task_timeout: Duration::from_secs(2),
        id_reuse_policy: None,
    })
    .unwrap();
    // Evidence from the server that it handed the task to the worker again after the
    // reported failure: the pending decision's attempt number, and that it is started.
    // (v1.4.1 backs off between later attempts, so two retries take a few seconds.)
    let deadline = Instant::now() + Duration::from_secs(60);
    let attempts = loop {
        let d = c.describe(DOMAIN, &id, "").unwrap();
        let attempt = &d["pendingDecision"]["attempt"];
        let attempt = attempt.as_i64().or_else(|| attempt.as_str().and_then(|a| a.parse().ok())).unwrap_or(0);
        if attempt >= 2 && d["pendingDecision"]["state"] == "PENDING_DECISION_STATE_STARTED" {
            break attempt;
        }
        assert!(Instant::now() < deadline, "the server did not retry the decision task: {d}");
        std::thread::sleep(Duration::from_millis(200));
    };
    let (code, log) = worker.stop();
    assert_eq!(code, Some(0), "{log}");
    // The worker counts its own RespondDecisionTaskFailed calls.
    let calls: usize = log
        .split("RespondDecisionTaskFailed calls ")
        .nth(1)
        .and_then(|r| r.split(')').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no call count in the worker's log:\n{log}"));
    let failed: usize = log.split("(failed ").nth(1).and_then(|r| r.split(',').next()).and_then(|n| n.parse().ok()).unwrap_or_default();
    assert!(failed as i64 > attempts, "the worker saw {failed} failing tasks for {attempts} retries:\n{log}");
    assert!((1..=2).contains(&calls), "{calls} RespondDecisionTaskFailed calls for {failed} failing decision tasks:\n{log}");
    assert_eq!(log.matches("unable to find workflow type: NoSuchWorkflow").count(), calls, "{log}");
    // History shows the one reported failure, with the reason.
    let h = c.history(DOMAIN, &id, "").unwrap();
    let failed: Vec<String> = h
        .iter()
        .filter_map(|e| match &e.attributes {
            EventAttributes::DecisionTaskFailed(a) => a.failure.as_ref().map(|f| f.details_text()),
            _ => None,
        })
        .collect();
    assert_eq!(failed.len(), 1, "{failed:?}");
    assert!(failed[0].contains("unable to find workflow type: NoSuchWorkflow"), "{failed:?}");
}

#[test]
#[ignore = "needs a Cadence server: scripts/test-bridge.sh"]
fn sigterm_stops_the_worker_fast_and_the_next_worker_finishes_the_workflow_with_nothing_lost() {
    let c = client();
    let id = fresh_id("handover");
    let _cleanup = Cleanup(id.clone());
    let worker = WorkerProcess::spawn(&[]);
    start(&c, &id, &order(&id, "Cadence", 20));
    // In flight: the package is being tracked (the cached run waits in its selector on
    // the sticky list) and a scan is on its way.
    wait_for(&c, &id, Duration::from_secs(60), "TimerStarted", has(EventType::TimerStarted));
    c.signal(DOMAIN, &id, "", "ScanSignal", Some(r#"{"location":"Delft"}"#)).unwrap();
    let t = Instant::now();
    let (code, log) = worker.stop();
    let took = t.elapsed();
    assert_eq!(code, Some(0), "{log}");
    assert!(took < Duration::from_secs(10), "SIGTERM took {took:?} to stop the worker:\n{log}");
    // A scan while no worker runs waits in history.
    c.signal(DOMAIN, &id, "", "ScanSignal", Some(r#"{"location":"Utrecht"}"#)).unwrap();
    let next = WorkerProcess::spawn(&[]);
    wait_for_status(&c, &id, Duration::from_secs(60), "the scans never showed", |a| a.contains(r#"["Aarhus","Delft","Utrecht"]"#));
    c.signal(DOMAIN, &id, "", "DeliveredSignal", None).unwrap();
    let h = wait_for(&c, &id, Duration::from_secs(60), "completion", has(EventType::WorkflowExecutionCompleted));
    // Nothing stranded: no task waited for a timeout (a decision task on the stopped
    // worker's sticky list, or a task handed to a poll it left open).
    let timed_out: Vec<String> = h
        .iter()
        .filter(|e| matches!(e.event_type(), EventType::DecisionTaskTimedOut | EventType::ActivityTaskTimedOut))
        .map(|e| e.to_string())
        .collect();
    assert!(timed_out.is_empty(), "tasks timed out: {timed_out:?}\n{}", postflow_core::history::table::render(&h, None));
    let (code, log) = next.stop();
    assert_eq!(code, Some(0), "{log}");
}

#[test]
#[ignore = "needs a Cadence server: scripts/test-bridge.sh"]
fn a_worker_killed_mid_workflow_and_restarted_finishes_it_with_nothing_lost() {
    let c = client();
    let id = fresh_id("kill");
    let _cleanup = Cleanup(id.clone());
    let mut worker = WorkerProcess::spawn(&[]);
    start(&c, &id, &order(&id, "Cadence", 20));
    // Mid-workflow, where a package spends its life: paid, shipped, its notification
    // timer started, waiting for scans. Not while an activity runs: an activity that
    // dies with its worker is lost to its 60 s start-to-close timeout, and shipping has
    // no retry policy, so the workflow would fail there (as it does with the Go worker).
    // Killing on "shipProduct scheduled" raced the worker's own poll for exactly that.
    wait_for(&c, &id, Duration::from_secs(60), "TimerStarted", has(EventType::TimerStarted));
    worker.signal(libc::SIGKILL);
    let _ = worker.child.wait();
    drop(worker);
    // A signal sent while no worker runs waits in history.
    c.signal(DOMAIN, &id, "", "ScanSignal", Some(r#"{"location":"Delft"}"#)).unwrap();
    let worker = WorkerProcess::spawn(&[]);
    // The killed worker never handed back its sticky list: the scan's decision task waits
    // there for its schedule-to-start timeout, then the restarted worker replays the
    // whole history and reads the scan. The query shows Delft once it has.
    wait_for_status(&c, &id, Duration::from_secs(120), "the scan sent while the worker was down never showed", |a| {
        a.contains(r#"["Aarhus","Delft"]"#)
    });
    c.signal(DOMAIN, &id, "", "DeliveredSignal", None).unwrap();
    let h = wait_for(&c, &id, Duration::from_secs(120), "completion", has(EventType::WorkflowExecutionCompleted));
    let completed = |name: &'static str| {
        let scheduled: Vec<i64> = h
            .iter()
            .filter(|e| matches!(&e.attributes, EventAttributes::ActivityTaskScheduled(a) if a.activity_type.name == name))
            .map(|e| e.event_id)
            .collect();
        count(&h, |a| matches!(a, EventAttributes::ActivityTaskCompleted(x) if scheduled.contains(&x.scheduled_event_id)))
    };
    assert_eq!(completed("validatePaymentComplete"), 1, "payment taken more than once");
    assert_eq!(completed("shipProductComplete"), 1, "shipped more than once");
    assert_eq!(count(&h, |a| matches!(a, EventAttributes::WorkflowExecutionCompleted(_))), 1);
    let (code, log) = worker.stop();
    assert_eq!(code, Some(0), "{log}");
}

#[test]
#[ignore = "needs a Cadence server: scripts/test-bridge.sh"]
fn a_nondeterministic_history_fails_the_decision_task_and_the_worker_goes_on() {
    let c = client();
    let id = fresh_id("nondeterminism");
    let _cleanup = Cleanup(id.clone());
    // The scan-once chapter ships, then waits for a scan without deciding anything.
    let worker = WorkerProcess::spawn(&["--chapter", "scan-once"]);
    c.start_workflow(&StartOptions {
        domain: DOMAIN.into(),
        workflow_id: id.clone(),
        workflow_type: "OrderProcessingWorkflow".into(),
        task_list: postal::TASK_LIST.into(),
        input: Some(order(&id, "Cadence", 20)),
        execution_timeout: Duration::from_secs(600),
        task_timeout: Duration::from_secs(10),
        id_reuse_policy: None,
    })
    .unwrap();
    wait_for(&c, &id, Duration::from_secs(60), "the shipment handled", |h| {
        let shipped = h.iter().position(|e| matches!(&e.attributes, EventAttributes::ActivityTaskCompleted(a) if a.result.as_ref().is_some_and(|r| r.to_text().contains("shipped"))));
        shipped.is_some_and(|i| h[i..].iter().any(|e| e.event_type() == EventType::DecisionTaskCompleted))
    });
    let (code, log) = worker.stop();
    assert_eq!(code, Some(0), "{log}");
    // The activities chapter would have completed the workflow right after shipping:
    // its code cannot have written this history.
    let mut worker = WorkerProcess::spawn(&["--chapter", "activities"]);
    c.signal(DOMAIN, &id, "", "ScanSignal", Some(r#"{"location":"Delft"}"#)).unwrap();
    let h = wait_for(&c, &id, Duration::from_secs(60), "DecisionTaskFailed", has(EventType::DecisionTaskFailed));
    let failed = h.iter().find_map(|e| match &e.attributes {
        EventAttributes::DecisionTaskFailed(a) => Some(a.clone()),
        _ => None,
    });
    let details = failed.as_ref().and_then(|a| a.failure.as_ref()).map(|f| f.details_text()).unwrap_or_default();
    assert!(details.contains("nondeterministic"), "{failed:?}");
    assert!(matches!(worker.child.try_wait(), Ok(None)), "the worker died on a nondeterministic history");
    c.terminate(DOMAIN, &id, "", "test over").unwrap();
    let (code, log) = worker.stop();
    assert_eq!(code, Some(0), "{log}");
    assert!(log.contains("nondeterministic"), "the worker did not say why it failed the task:\n{log}");
}

#[test]
#[ignore = "needs a Cadence server: scripts/test-bridge.sh"]
fn the_worker_prints_what_the_workflow_and_its_activities_log_once_each() {
    // Without its cache the worker replays the whole history on every task: a line
    // written again on replay would show up more than once.
    let c = client();
    let worker = WorkerProcess::spawn(&["--sticky-cache-size", "0"]);
    let id = fresh_id("logs");
    let _cleanup = Cleanup(id.clone());
    start(&c, &id, &order(&id, "Cadence", 20));
    wait_for(&c, &id, Duration::from_secs(60), "the notification timer", has(EventType::TimerStarted));
    c.signal(DOMAIN, &id, "", "ScanSignal", Some("oops")).unwrap();
    c.signal(DOMAIN, &id, "", "ScanSignal", Some(r#"{"location":"Delft"}"#)).unwrap();
    c.signal(DOMAIN, &id, "", "DeliveredSignal", None).unwrap();
    wait_for(&c, &id, Duration::from_secs(60), "completion", has(EventType::WorkflowExecutionCompleted));
    let received = format!(r#"{id}: "#);
    let said =
        wait_for_worker_line(&worker, r#"Received signal! {"signal":"ScanSignal","value":{"location":"Delft"}}"#, Duration::from_secs(10));
    let lines: Vec<&str> = said.lines().filter(|l| l.starts_with(&format!("worker: {received}"))).collect();
    let once = |text: &str| {
        let n = lines.iter().filter(|l| l.contains(text)).count();
        assert_eq!(n, 1, "{text:?} written {n} times:\n{said}");
    };
    once("ERROR [workflow] Corrupt signal received on channel ScanSignal");
    once("INFO  [workflow] Received signal!");
    once(&format!(r#"[shipProductComplete] Shipping product {{"orderID":"{id}"}}"#));
    once("[validatePaymentComplete] Payment processed successfully");
    let (code, log) = worker.stop();
    assert_eq!(code, Some(0), "{log}");
}

#[test]
#[ignore = "needs a Cadence server: scripts/test-bridge.sh"]
fn a_worker_for_a_domain_the_server_does_not_have_says_so_and_exits() {
    let domain = fresh_id("no-such-domain");
    let mut w = Command::new(env!("CARGO_BIN_EXE_bridge"));
    w.args(["--address", &address(), "--domain", &domain, "worker"]);
    let mut w = WorkerProcess::spawn_command(w);
    let status = w.exited_within(Duration::from_secs(20), "the worker polls a domain that does not exist");
    let said = wait_for_worker_line(&w, "domain register", Duration::from_secs(5));
    assert_eq!(status.code(), Some(1), "{said}");
    assert!(said.contains(&format!("the domain {domain} is not registered")), "{said}");
    assert!(!said.contains("retrying"), "{said}");
}
