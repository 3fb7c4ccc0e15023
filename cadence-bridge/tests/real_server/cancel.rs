//! `bridge wf cancel` and the client's cancel request: what the server records, and its
//! refusals (a second request, a closed workflow, no such workflow, no server) in words.
//! The workflows here run on task lists no worker polls, so what is asserted is the
//! server's doing alone, whatever a worker would make of the request.

use std::process::Command;
use std::time::{Duration, Instant};

use cadence_bridge::BridgeError;
use cadence_bridge::client::{Client, StartOptions, request_id};
use serde_json::Value;

use crate::common::*;

/// A workflow started on a task list of its own that no worker polls: its first
/// decision task stays scheduled, and nothing but the test and the server touch it.
fn unserved(c: &Client, prefix: &str) -> (String, String) {
    let id = fresh_id(prefix);
    let task_list = format!("{id}-list");
    c.start_workflow(&StartOptions {
        domain: DOMAIN.into(),
        workflow_id: id.clone(),
        workflow_type: "OrderProcessingWorkflowComplete".into(),
        task_list: task_list.clone(),
        input: Some(order(&id, "Cadence", 20)),
        execution_timeout: Duration::from_secs(600),
        task_timeout: Duration::from_secs(10),
        id_reuse_policy: None,
    })
    .unwrap();
    (id, task_list)
}

/// The history as `bridge wf show --json` prints it: each event's type (the name of its
/// attributes, `WorkflowExecutionCancelRequested`) and its attributes.
fn shown(id: &str) -> Vec<(String, Value)> {
    let (code, stdout, stderr) = bridge_wf(&["show", "--workflow_id", id, "--json"]);
    assert_eq!(code, Some(0), "{stderr}");
    let v: Value = serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("`wf show --json` printed no JSON ({e}):\n{stdout}"));
    v["history"]["events"]
        .as_array()
        .unwrap_or_else(|| panic!("no events in:\n{stdout}"))
        .iter()
        .map(|e| {
            let (key, attributes) = e.as_object().unwrap().iter().find(|(k, _)| k.ends_with("EventAttributes")).unwrap();
            let name = key.trim_end_matches("EventAttributes");
            (name[..1].to_ascii_uppercase() + &name[1..], attributes.clone())
        })
        .collect()
}

fn types(h: &[(String, Value)]) -> Vec<&str> {
    h.iter().map(|(t, _)| t.as_str()).collect()
}

#[test]
#[ignore = "needs a Cadence server: scripts/test-bridge.sh"]
fn cancel_records_the_request_with_its_cause_and_the_bridges_identity() {
    let c = client();
    let (id, _) = unserved(&c, "cancel");
    let _cleanup = Cleanup(id.clone());
    let (code, stdout, stderr) = bridge_wf(&["cancel", "--workflow_id", &id, "--reason", "the customer moved away"]);
    assert_eq!(code, Some(0), "{stderr}");
    // What `cadence wf cancel` prints.
    assert_eq!(stdout, "Cancel workflow succeeded.\n", "{stderr}");
    let h = shown(&id);
    // The first decision task is still pending (no worker polls its list): the server
    // schedules no second one for the request.
    assert_eq!(types(&h), ["WorkflowExecutionStarted", "DecisionTaskScheduled", "WorkflowExecutionCancelRequested"]);
    let request = &h[2].1;
    assert_eq!(request["cause"], "the customer moved away", "{request}");
    let identity = request["identity"].as_str().unwrap_or_default();
    assert!(identity.starts_with("bridge@"), "{request}");
    assert!(request["requestId"].as_str().is_some_and(|r| uuid::Uuid::parse_str(r).is_ok()), "{request}");
    // The workflow runs on: a cancel is a request to its code, not an end.
    assert!(is_open(&c, &id));

    // Without --reason, the cause says where the request came from. And a workflow with
    // no decision task pending (its first one completed, here by the test, with no
    // decisions) gets one scheduled, after the request, for its code to see it.
    let (id, task_list) = unserved(&c, "cancel-default");
    let _cleanup = Cleanup(id.clone());
    let deadline = Instant::now() + Duration::from_secs(30);
    let task = loop {
        if let Some(task) = c.poll_decision_task(DOMAIN, &task_list, false, Duration::from_secs(5)).unwrap() {
            break task;
        }
        assert!(Instant::now() < deadline, "no decision task for {id} on {task_list}");
    };
    c.respond_decision_completed(task["taskToken"].as_str().unwrap(), &[], None, None).unwrap();
    let (code, stdout, stderr) = bridge_wf(&["cancel", "--workflow_id", &id]);
    assert_eq!((code, stdout.as_str()), (Some(0), "Cancel workflow succeeded.\n"), "{stderr}");
    let h = shown(&id);
    assert_eq!(
        types(&h),
        [
            "WorkflowExecutionStarted",
            "DecisionTaskScheduled",
            "DecisionTaskStarted",
            "DecisionTaskCompleted",
            "WorkflowExecutionCancelRequested",
            "DecisionTaskScheduled"
        ]
    );
    assert_eq!(h[4].1["cause"], "canceled with bridge", "{}", h[4].1);
}

#[test]
#[ignore = "needs a Cadence server: scripts/test-bridge.sh"]
fn a_second_cancel_is_refused_in_the_servers_words_and_the_same_request_sent_again_is_not_a_second() {
    let c = client();
    let (id, _) = unserved(&c, "cancel-twice");
    let _cleanup = Cleanup(id.clone());
    let (code, _, stderr) = bridge_wf(&["cancel", "--workflow_id", &id]);
    assert_eq!(code, Some(0), "{stderr}");
    let (code, stdout, stderr) = bridge_wf(&["cancel", "--workflow_id", &id, "--reason", "once more"]);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(stdout.is_empty(), "{stdout}");
    // One line: the server's reason, what becomes of the first request, and how to end it.
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.starts_with("bridge: cancellation already requested for this workflow execution: "), "{stderr}");
    assert!(stderr.contains(&format!("workflow {id} keeps the cancel request it has")), "{stderr}");
    assert!(stderr.contains(&format!("`bridge wf terminate --workflow_id {id}` ends it now")), "{stderr}");
    assert!(!stderr.contains("409") && !stderr.contains("already exists") && !stderr.contains("server error"), "{stderr}");
    let requests = |id: &str| shown(id).into_iter().filter(|(t, _)| t == "WorkflowExecutionCancelRequested").collect::<Vec<_>>();
    assert_eq!(requests(&id).len(), 1);

    // A request sent again under its request ID (its answer lost, say) is answered as
    // the first was, and recorded once; under another ID it is a second request.
    let (id, _) = unserved(&c, "cancel-resent");
    let _cleanup = Cleanup(id.clone());
    let request = request_id();
    c.request_cancel(DOMAIN, &id, "", "sent twice", &request).unwrap();
    c.request_cancel(DOMAIN, &id, "", "sent twice", &request).unwrap();
    let recorded = requests(&id);
    assert_eq!(recorded.len(), 1, "{recorded:?}");
    assert_eq!(recorded[0].1["requestId"], request.as_str());
    let e = c.request_cancel(DOMAIN, &id, "", "sent twice", &request_id()).unwrap_err();
    assert!(matches!(e, BridgeError::CancelAlreadyRequested(_)), "{e:?}");
}

#[test]
#[ignore = "needs a Cadence server: scripts/test-bridge.sh"]
fn a_cancel_of_a_closed_or_unknown_workflow_is_refused_naming_it() {
    let c = client();
    let (id, _) = unserved(&c, "cancel-closed");
    c.terminate(DOMAIN, &id, "", "test over").unwrap();
    let (code, stdout, stderr) = bridge_wf(&["cancel", "--workflow_id", &id]);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(stdout.is_empty(), "{stdout}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("the workflow has closed") && stderr.contains("already completed"), "{stderr}");
    assert!(!stderr.contains("not found"), "{stderr}");
    // Nothing was written after the terminate.
    assert_eq!(shown(&id).last().map(|(t, _)| t.clone()).as_deref(), Some("WorkflowExecutionTerminated"));

    let missing = fresh_id("cancel-missing");
    let (code, _, stderr) = bridge_wf(&["cancel", "--workflow_id", &missing]);
    assert_eq!(code, Some(1), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains(&format!("not found: no workflow {missing} in domain cadence-workshop")), "{stderr}");
}

#[test]
fn a_cancel_against_a_server_that_is_down_names_the_server() {
    // Needs no server: a port nothing listens on is what a stopped one looks like.
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let url = format!("http://127.0.0.1:{port}");
    let out =
        Command::new(env!("CARGO_BIN_EXE_bridge")).args(["--address", &url, "wf", "cancel", "--workflow_id", "Order123"]).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(out.stdout.is_empty(), "{}", String::from_utf8_lossy(&out.stdout));
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.starts_with(&format!("bridge: Cadence server not reachable at {url} (")), "{stderr}");
    assert!(stderr.contains("is it running?"), "{stderr}");
}
