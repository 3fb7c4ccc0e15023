//! The `bridge` commands' words when something is wrong: errors mapped to what a
//! user can act on, a domain the server does not have, an input that is no order, a
//! workflow no worker serves, and a workflow the bridge terminated, shown.

use std::process::Command;
use std::time::{Duration, Instant};

use cadence_bridge::BridgeError;
use cadence_bridge::client::StartOptions;
use postflow_core::history::{EventAttributes, EventType};

use crate::common::*;

#[test]
#[ignore = "needs a Cadence server: scripts/test-bridge.sh"]
fn errors_name_what_went_wrong() {
    let c = client();
    let missing = fresh_id("missing");
    let e = c.describe(DOMAIN, &missing, "").unwrap_err();
    assert!(matches!(e, BridgeError::NotFound(_)), "{e}");
    let e = c.signal(DOMAIN, &missing, "", "ScanSignal", None).unwrap_err();
    assert!(e.to_string().starts_with("not found"), "{e}");
    let id = fresh_id("twice");
    start(&c, &id, &order(&id, "Cadence", 20));
    // The same ID again, refused whether its run is open or over.
    let start_again = || {
        c.start_workflow(&StartOptions {
            domain: DOMAIN.into(),
            workflow_id: id.clone(),
            workflow_type: "OrderProcessingWorkflowComplete".into(),
            task_list: "tasklist".into(),
            input: None,
            execution_timeout: Duration::from_secs(60),
            task_timeout: Duration::from_secs(10),
            id_reuse_policy: Some("RejectDuplicate".into()),
        })
        .unwrap_err()
    };
    let e = start_again();
    assert!(matches!(e, BridgeError::AlreadyStarted(_)), "{e}");
    // Visibility is written after the start returns: wait (bounded) for the listing.
    let deadline = Instant::now() + Duration::from_secs(20);
    while !c.list_open(DOMAIN, 1000).unwrap().iter().any(|w| w.workflow_id == id) {
        assert!(Instant::now() < deadline, "a started workflow is not listed as open");
        std::thread::sleep(Duration::from_millis(200));
    }
    c.terminate(DOMAIN, &id, "", "test over").unwrap();
    // A closed workflow is found, and closed: its ID is not wrong. The server answers
    // "not found" with "already completed" for it, and "already started" for its ID
    // under RejectDuplicate although the run is over.
    let e = c.signal(DOMAIN, &id, "", "ScanSignal", Some(r#"{"location":"Delft"}"#)).unwrap_err();
    assert!(matches!(e, BridgeError::Closed(_)), "{e}");
    assert!(e.to_string().contains("has closed") && !e.to_string().contains("not found"), "{e}");
    let e = start_again();
    assert!(matches!(e, BridgeError::AlreadyStarted(_)), "{e}");
    assert!(e.to_string().starts_with("workflow ID in use: ") && e.to_string().contains("already finished"), "{e}");
    let e = c.describe_domain("no-such-domain-here").unwrap_err();
    assert!(matches!(e, BridgeError::NotFound(_)), "{e}");
    let e = c.query(DOMAIN, &id, "", "current_status", None);
    // A terminated workflow that never ran a decision cannot answer: an error, not a hang.
    assert!(e.is_err() || e.as_ref().is_ok_and(|a| a.contains("locationHistory")), "{e:?}");
    // A signal name no workshop workflow reads is recorded (as the cadence CLI's is),
    // but not in silence.
    let open = fresh_id("typo");
    let _open = Cleanup(open.clone());
    start(&c, &open, &order(&open, "Cadence", 20));
    let out = signal_cli(&open, "scanSignal");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("read only ScanSignal and DeliveredSignal") && stderr.contains("\"scanSignal\""), "{stderr}");
    let h = wait_for(&c, &open, Duration::from_secs(10), "the signal", has(EventType::WorkflowExecutionSignaled));
    assert_eq!(count(&h, |a| matches!(a, EventAttributes::WorkflowExecutionSignaled(s) if &*s.signal_name == "scanSignal")), 1);
    // A malformed order is refused before it is sent, as the cadence CLI refuses it:
    // nothing is started (the server would take it, and the workflow would fail).
    let malformed = fresh_id("malformed");
    let out = Command::new(env!("CARGO_BIN_EXE_bridge"))
        .args(["--address", &address(), "wf", "start", "--workflow_id", &malformed, "--input", "{\"id\": Order123}"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success() && stderr.contains("input is not valid JSON"), "{stderr}");
    let e = c.describe(DOMAIN, &malformed, "").unwrap_err();
    assert!(matches!(e, BridgeError::NotFound(_)), "a malformed order was started: {e}");
    // The frontend's tchannel port takes an HTTP request and hangs up: the wrong port
    // is named as a possibility, not only a server that is down.
    let out =
        Command::new(env!("CARGO_BIN_EXE_bridge")).args(["--address", "http://127.0.0.1:7933", "domain", "describe"]).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success() && stderr.contains("not its HTTP API port") && stderr.contains("7933 tchannel"), "{stderr}");
    // The CLI exits non-zero with the message.
    let out = Command::new(env!("CARGO_BIN_EXE_bridge"))
        .args(["--address", &address(), "wf", "show", "--workflow_id", &missing])
        .output()
        .unwrap();
    assert!(!out.status.success());
    // Named as the workflow the user asked for, not the server's storage words alone.
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains(&format!("not found: no workflow {missing} in domain cadence-workshop")), "{stderr}");
    let out = signal_cli(&missing, "ScanSignal");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success() && stderr.contains(&format!("no workflow {missing} in domain")), "{stderr}");
}

/// `bridge wf signal` of a scan at Delft to workflow `id`, under signal name `name`.
fn signal_cli(id: &str, name: &str) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_bridge"))
        .args(["--address", &address(), "wf", "signal", "--workflow_id", id, "--name", name, "--input", r#"{"location":"Delft"}"#])
        .output()
        .unwrap()
}

#[test]
#[ignore = "needs a Cadence server: scripts/test-bridge.sh"]
fn a_domain_the_server_does_not_have_is_named_with_what_to_do_by_every_command() {
    // A typo in --domain: the server's "Domain ... does not exist." alone says nothing of
    // what to do.
    let domain = fresh_id("cadence-workshp");
    let id = fresh_id("nodomain");
    let input = order(&id, "Cadence", 20);
    for args in [
        &["wf", "start", "--workflow_id", &id, "--input", &input][..],
        &["wf", "signal", "--workflow_id", &id, "--name", "ScanSignal", "--input", r#"{"location":"Delft"}"#],
        &["wf", "query", "--workflow_id", &id, "--query_type", "current_status"],
        &["wf", "show", "--workflow_id", &id],
        &["wf", "terminate", "--workflow_id", &id],
        &["wf", "list"],
        &["domain", "describe"],
        &["load", "--workflows", "1"],
        &["scenario", "run", "happy-path"],
    ] {
        let (code, said) = bridge_cli(&[&["--domain", &domain][..], args].concat());
        assert_eq!(code, Some(1), "{args:?}: {said}");
        assert!(said.contains(&format!("not found: Domain {domain} does not exist.")), "{args:?}: {said}");
        let way = format!(
            "The server has no domain {domain}: check --domain (the workshop's is cadence-workshop, the default), or register \
             it with `bridge --domain {domain} domain register`"
        );
        assert!(said.contains(&way), "{args:?}: {said}");
    }
    // Nothing was started under the workshop's domain either.
    assert!(matches!(client().describe(DOMAIN, &id, ""), Err(BridgeError::NotFound(_))));
}

#[test]
#[ignore = "needs a Cadence server: scripts/test-bridge.sh"]
fn an_input_that_is_json_but_not_an_order_is_started_with_a_note_that_it_will_fail() {
    // JSON, so sent (as the cadence CLI sends it), but the workflow cannot read it: the
    // note says so at the start, and the worker's first decision task bears it out.
    let c = client();
    let task_list = fresh_id("tasklist-orders");
    let worker = WorkerProcess::spawn(&["--tasklist", &task_list]);
    let cases = [
        (Some(r#"{"id":"X","customer":"C","amount":"twenty","address":"a","sendFrom":"Aarhus"}"#), "invalid type: string \"twenty\""),
        (Some("[1,2]"), "expected an order (a JSON object)"),
        (None, "EOF while parsing a value"),
    ];
    for (input, why) in cases {
        let id = fresh_id("notanorder");
        let _cleanup = Cleanup(id.clone());
        let mut args = vec!["wf", "start", "--workflow_id", &id, "--tasklist", &task_list];
        args.extend(input.iter().flat_map(|i| ["--input", i]));
        let (code, said) = bridge_cli(&args);
        assert_eq!(code, Some(0), "{input:?}: {said}");
        assert!(
            said.contains("bridge: note: this input is not an order the workflow can read (") && said.contains(why),
            "{input:?}: {said}"
        );
        assert!(said.contains(&format!("`bridge wf show --workflow_id {id}` shows WorkflowExecutionFailed")), "{input:?}: {said}");
        wait_for(&c, &id, Duration::from_secs(30), "the workflow to fail", has(EventType::WorkflowExecutionFailed));
    }
    // An order, even with fields left out (Go reads them as zero), has no note.
    let id = fresh_id("anorder");
    let _cleanup = Cleanup(id.clone());
    let input = format!(r#"{{"id":"{id}"}}"#);
    let (code, said) = bridge_cli(&["wf", "start", "--workflow_id", &id, "--tasklist", &task_list, "--input", &input]);
    assert_eq!(code, Some(0), "{said}");
    assert!(!said.contains("note:"), "{said}");
    drop(worker);
}

#[test]
#[ignore = "needs a Cadence server: scripts/test-bridge.sh"]
fn a_workflow_no_worker_serves_is_said_at_its_start_and_at_its_query() {
    let c = client();
    // A task list no worker polls: a typo of `tasklist`, or a worker not started yet.
    let task_list = fresh_id("tasklst");
    let id = fresh_id("unserved");
    let _cleanup = Cleanup(id.clone());
    let input = order(&id, "Cadence", 20);
    let (code, said) = bridge_cli(&["wf", "start", "--workflow_id", &id, "--tasklist", &task_list, "--input", &input]);
    assert_eq!(code, Some(0), "{said}");
    assert!(said.contains(&format!("no worker polls task list {task_list} in domain cadence-workshop")), "{said}");
    assert!(said.contains("`bridge worker`"), "{said}");
    // Its query has no worker to answer it: said in those terms, with what to do.
    let (code, said) = bridge_cli(&["wf", "query", "--workflow_id", &id, "--query_type", "current_status"]);
    assert_eq!(code, Some(1), "{said}");
    assert!(said.contains("query failed: ") && said.contains("`bridge worker`"), "{said}");
    assert!(!said.contains("server error"), "{said}");
    // Named with the task list that wants a worker: `bridge worker` alone serves `tasklist`.
    assert!(said.contains(&format!("is on task list {task_list}: `bridge worker --tasklist {task_list}` serves it")), "{said}");
    // The same ID again: what to do, for a running workflow and for a closed one.
    let (code, said) = bridge_cli(&["wf", "start", "--workflow_id", &id, "--tasklist", &task_list, "--input", &input]);
    assert_eq!(code, Some(1), "{said}");
    assert!(said.contains("workflow ID in use") && said.contains(&format!("`bridge wf terminate --workflow_id {id}`")), "{said}");
    c.terminate(DOMAIN, &id, "", "test over").unwrap();
    // Closed before any worker ran it: no worker can answer its query, ever.
    let (code, said) = bridge_cli(&["wf", "query", "--workflow_id", &id, "--query_type", "current_status"]);
    assert_eq!(code, Some(1), "{said}");
    assert!(said.contains(&format!("workflow {id} closed (terminated) before any worker ran its code")), "{said}");
    assert!(!said.contains("`bridge worker"), "{said}");
    let (code, said) = bridge_cli(&[
        "wf",
        "start",
        "--workflow_id",
        &id,
        "--tasklist",
        &task_list,
        "--input",
        &input,
        "--workflowidreusepolicy",
        "RejectDuplicate",
    ]);
    assert_eq!(code, Some(1), "{said}");
    assert!(said.contains("--workflowidreusepolicy AllowDuplicate") && !said.contains("terminate"), "{said}");
    // `bridge load` waits for a worker on its task list, bounded, and says so.
    let flag = std::sync::atomic::AtomicBool::new(false);
    let mut told = false;
    let e = cadence_bridge::load::wait_for_worker(&c, DOMAIN, &task_list, Duration::from_secs(1), &flag, || told = true).unwrap_err();
    assert!(told && e.to_string().contains(&format!("no worker polls task list {task_list}")), "{e}");
    let worker = WorkerProcess::spawn(&["--tasklist", &task_list]);
    cadence_bridge::load::wait_for_worker(&c, DOMAIN, &task_list, Duration::from_secs(30), &flag, || {}).unwrap();
    drop(worker);
}

#[test]
#[ignore = "needs a Cadence server: scripts/test-bridge.sh"]
fn a_workflow_the_bridge_terminated_is_shown_with_its_reason() {
    // No worker serves its task list: a workflow waits on its first decision task.
    let unserved = |prefix: &str| {
        let id = fresh_id(prefix);
        client()
            .start_workflow(&StartOptions {
                domain: DOMAIN.into(),
                workflow_id: id.clone(),
                workflow_type: "OrderProcessingWorkflowComplete".into(),
                task_list: format!("{id}-list"),
                input: Some(order(&id, "Cadence", 20)),
                execution_timeout: Duration::from_secs(600),
                task_timeout: Duration::from_secs(10),
                id_reuse_policy: None,
            })
            .unwrap();
        id
    };
    let id = unserved("Terminated");
    let bridge = |args: &[&str]| Command::new(env!("CARGO_BIN_EXE_bridge")).arg("--address").arg(address()).args(args).output().unwrap();
    let out = bridge(&["wf", "terminate", "--workflow_id", &id, "--reason", "lost in the post"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    // Before, `wf show` refused the history: "WorkflowExecutionTerminated events cannot be read here".
    let out = bridge(&["wf", "show", "--workflow_id", &id]);
    let (stdout, stderr) = (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "{stderr}");
    let last = stdout.lines().last().unwrap_or_default();
    assert!(last.contains("WorkflowExecutionTerminated") && last.contains("reason=lost in the post"), "{stdout}");
    // A second terminate is refused, as a signal to a closed workflow is.
    let out = bridge(&["wf", "terminate", "--workflow_id", &id]);
    assert!(!out.status.success() && String::from_utf8_lossy(&out.stderr).contains("already completed"));

    // A cancel request (`cadence wf cancel`, here the Go CLI's) is shown with its cause.
    let cancelled = unserved("Cancelled");
    let _cleanup = Cleanup(cancelled.clone());
    Cadence::new(Cadence::GRPC).run(&["wf", "cancel", "--workflow_id", &cancelled, "--reason", "moved away"]);
    let out = bridge(&["wf", "show", "--workflow_id", &cancelled]);
    let (stdout, stderr) = (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "{stderr}");
    let last = stdout.lines().last().unwrap_or_default();
    assert!(last.contains("WorkflowExecutionCancelRequested") && last.contains("cause=moved away"), "{stdout}");

    // An event the workshop's workflow never writes (a marker, made here by a decision
    // sent by hand): the table cannot show it, and says where the history can be seen.
    let marked = unserved("Marked");
    let _cleanup = Cleanup(marked.clone());
    let c = client();
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    let task = loop {
        if let Some(task) = c.poll_decision_task(DOMAIN, &format!("{marked}-list"), false, Duration::from_secs(5)).unwrap() {
            break task;
        }
        assert!(std::time::Instant::now() < deadline, "no decision task for {marked}");
    };
    let marker = serde_json::json!({
        "taskToken": task["taskToken"],
        "decisions": [{ "recordMarkerDecisionAttributes": { "markerName": "SideEffect" } }],
        "identity": "a test",
    });
    c.call("WorkerAPI", "RespondDecisionTaskCompleted", &marker, Duration::from_secs(10)).unwrap();
    let out = bridge(&["wf", "show", "--workflow_id", &marked]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{stderr}");
    assert!(stderr.contains("MarkerRecorded events cannot be read here"), "{stderr}");
    assert!(stderr.contains("`bridge wf show --json` prints the history as the server sent it"), "{stderr}");
    let out = bridge(&["wf", "show", "--workflow_id", &marked, "--json"]);
    assert!(out.status.success() && String::from_utf8_lossy(&out.stdout).contains("markerRecordedEventAttributes"));
}
