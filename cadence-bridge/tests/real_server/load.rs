//! `bridge load`: lifecycles that do not move on (their workflows terminated, a
//! rerun under the same prefix passes, a workflow already under a load's ID left
//! alone), and failed lifecycles whose terminates are refused; the helpers that start
//! a load for the Ctrl-C tests.

use std::process::Command;
use std::time::{Duration, Instant};

use cadence_bridge::client::Client;
use postflow_core::history::{EventAttributes, EventType};
use postflow_core::postal;

use crate::common::*;
use crate::gate::{CallGate, Calls, end_as_told};

/// `bridge load` of many lifecycles, `concurrency` at a time, at `url`, once its first
/// workflow has its first activity: the load's process and its prefix. A worker must be
/// running.
pub fn a_load_under_way(c: &Client, url: &str, prefix: &str, concurrency: usize) -> (WorkerProcess, String) {
    let prefix = fresh_id(prefix);
    let mut load = Command::new(env!("CARGO_BIN_EXE_bridge"));
    load.args(["--address", url, "load", "--workflows", "200", "--concurrency", &concurrency.to_string(), "--prefix", &prefix]);
    let load = WorkerProcess::spawn_command(load);
    wait_for(c, &format!("{prefix}-0"), Duration::from_secs(60), "the load's first activity", has(EventType::ActivityTaskScheduled));
    (load, prefix)
}

/// The load's workflows still open on the server, ended here so no later test meets them.
pub fn open_of_the_load(c: &Client, prefix: &str) -> Vec<String> {
    let open: Vec<String> =
        c.list_open(DOMAIN, 1000).unwrap().into_iter().map(|w| w.workflow_id).filter(|w| w.starts_with(&format!("{prefix}-"))).collect();
    for id in &open {
        let _ = c.terminate(DOMAIN, id, "", "test over");
    }
    open
}

/// A `bridge worker` that polled `tasklist` a moment ago and is gone: the server lists
/// it still, for a while, so `bridge load` goes ahead, and its lifecycles wait in vain.
fn a_worker_polled_and_stopped(c: &Client) {
    let worker = WorkerProcess::spawn_plain(&["-q"]);
    // This worker's own poll (one of an earlier test's may be listed too).
    let identity = format!("bridge@{}", worker.child.id());
    let deadline = Instant::now() + Duration::from_secs(30);
    while !c.decision_pollers(DOMAIN, postal::TASK_LIST).unwrap().contains(&identity) {
        assert!(Instant::now() < deadline, "the worker did not poll:\n{}", worker.stderr.lock().unwrap());
        std::thread::sleep(Duration::from_millis(100));
    }
    let (code, log) = worker.stop();
    assert_eq!(code, Some(0), "{log}");
}

#[test]
#[ignore = "needs a Cadence server: scripts/test-bridge.sh"]
fn a_load_whose_lifecycles_do_not_move_on_terminates_their_workflows_and_a_rerun_reuses_their_ids() {
    // No worker runs, but one polled a moment ago: the server lists it still, so `bridge
    // load` goes ahead, and each lifecycle waits in vain for its first decision. Their
    // workflows used to stay open until their execution timeout, unnamed, and a rerun
    // with the same prefix was refused every start ("workflow ID in use").
    let c = client();
    a_worker_polled_and_stopped(&c);
    let prefix = fresh_id("load-stuck");
    let load = |step_timeout: &str| {
        let args = ["load", "--workflows", "2", "--concurrency", "2", "--scans", "1", "--prefix", &prefix, "--step-timeout", step_timeout];
        bridge_cli(&args)
    };
    let ids = [format!("{prefix}-0"), format!("{prefix}-1")];
    let _cleanup: Vec<Cleanup> = ids.iter().cloned().map(Cleanup).collect();
    let (code, said) = load("2s");
    assert_eq!(code, Some(1), "{said}");
    for id in &ids {
        let line = said.lines().find(|l| l.starts_with(&format!("load: {id}: "))).unwrap_or_else(|| panic!("{id} not named:\n{said}"));
        assert!(line.contains(": waited 2s (--step-timeout) for the first notification timer to start, and the history stopped"), "{line}");
        let show = format!("bridge --address {} --domain {DOMAIN} wf show --wid {id}", address());
        assert!(line.ends_with(&format!("; its workflow was terminated on the server (`{show}` shows where it stopped)")), "{line}");
        let d = c.describe(DOMAIN, id, "").unwrap();
        assert_eq!(d["workflowExecutionInfo"]["closeStatus"], "WORKFLOW_EXECUTION_CLOSE_STATUS_TERMINATED", "{said}\n{d}");
        // Its history, read as the line says, ends where the load gave up on it.
        let args: Vec<&str> = show.split_whitespace().skip(1).collect();
        let out = Command::new(env!("CARGO_BIN_EXE_bridge")).args(&args).output().unwrap();
        let table = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success() && table.lines().last().unwrap_or_default().contains("WorkflowExecutionTerminated"), "{table}");
    }
    assert!(said.contains("load: 2 lifecycles of 2 failed (above, each with what became of its workflow)\n"), "{said}");
    // Run again under the same prefix, with a worker: every lifecycle starts and completes.
    let worker = WorkerProcess::spawn_plain(&["-q"]);
    let (code, said) = load("60s");
    assert_eq!(code, Some(0), "{said}");
    assert!(!said.contains(&format!("load: {prefix}-")), "{said}");
    // A workflow running under one of a load's IDs (one a killed load left, or anyone's)
    // is not the load's to end: named, with the two ways on.
    let taken = fresh_id("load-taken");
    let id = format!("{taken}-0");
    let _mine = Cleanup(id.clone());
    start(&c, &id, &order(&id, "Cadence", 20));
    let (code, said) = bridge_cli(&["load", "--workflows", "1", "--scans", "1", "--prefix", &taken]);
    assert_eq!(code, Some(1), "{said}");
    let line = said.lines().find(|l| l.starts_with(&format!("load: {id}: "))).unwrap_or_else(|| panic!("{id} not named:\n{said}"));
    let end = format!("bridge --address {} --domain {DOMAIN} wf terminate --wid {id}", address());
    assert_eq!(
        line,
        format!(
            "load: {id}: not started: Workflow execution is already running under this ID (left open by an earlier load with \
             this --prefix?): run the load with another --prefix, or end that workflow with `{end}`"
        )
    );
    assert!(is_open(&c, &id), "{said}");
    let out = Command::new(env!("CARGO_BIN_EXE_bridge")).args(end.split_whitespace().skip(1)).output().unwrap();
    assert!(out.status.success() && !is_open(&c, &id), "{}", String::from_utf8_lossy(&out.stderr));
    let (code, log) = worker.stop();
    assert_eq!(code, Some(0), "{log}");
}

#[test]
#[ignore = "needs a Cadence server: scripts/test-bridge.sh"]
fn a_load_whose_failed_lifecycles_cannot_be_terminated_names_each_with_the_command_that_ends_it() {
    let c = client();
    let port = CallGate::terminates(Calls::Refuse);
    a_worker_polled_and_stopped(&c);
    let prefix = fresh_id("load-stuck-open");
    let ids = [format!("{prefix}-0"), format!("{prefix}-1")];
    let _cleanup: Vec<Cleanup> = ids.iter().cloned().map(Cleanup).collect();
    let out = Command::new(env!("CARGO_BIN_EXE_bridge"))
        .args(["--address", &port.url, "load", "--workflows", "2", "--concurrency", "2", "--prefix", &prefix, "--step-timeout", "2s"])
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(1), "{said}");
    assert!(said.contains("load: 2 lifecycles of 2 failed (above, each with what became of its workflow); 2 of their workflows may be open on the server\n"), "{said}");
    // Each named, open, and what its line says to type ends it.
    port.set(Calls::Pass);
    for id in &ids {
        let line = said.lines().find(|l| l.starts_with(&format!("load: {id}: "))).unwrap_or_else(|| panic!("{id} not named:\n{said}"));
        assert!(
            line.contains(&format!("; {id} may be open on the server until its execution timeout (server error (unavailable, HTTP 503)")),
            "{line}"
        );
        assert!(is_open(&c, id), "{line}");
        let (named, ended) = end_as_told(line, "(its log says why a task failed); ");
        assert_eq!(&named, id, "{line}");
        assert!(ended.status.success() && !is_open(&c, id), "{line}: {}", String::from_utf8_lossy(&ended.stderr));
    }
}

#[test]
#[ignore = "needs a Cadence server: scripts/test-bridge.sh"]
fn a_start_or_a_signal_whose_answer_is_lost_is_sent_again_and_taken_once() {
    // A port in front of the server passes the load's first start, or its first signal,
    // on, and hangs up instead of answering: the server took the call, and the load does
    // not know it. It used to fail the lifecycle there ("Cadence server not reachable").
    // Sent again under a new request ID, the start would be refused (the workflow is
    // running) and the scan recorded twice.
    let c = client();
    let worker = WorkerProcess::spawn_plain(&["-q"]);
    for procedure in ["StartWorkflowExecution", "SignalWorkflowExecution"] {
        let port = CallGate::on(procedure, Calls::LoseAnswer);
        let prefix = fresh_id("load-lost");
        let out = Command::new(env!("CARGO_BIN_EXE_bridge"))
            .args(["--address", &port.url, "load", "--workflows", "1", "--scans", "2", "--prefix", &prefix])
            .output()
            .unwrap();
        let (stdout, said) = (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
        assert_eq!(out.status.code(), Some(0), "{procedure}: {said}{stdout}");
        assert!(stdout.starts_with("lifecycles 1 of 1 in "), "{procedure}: {said}{stdout}");
        // The call sent again reached the server: the first and the second are one call.
        let id = format!("{prefix}-0");
        assert_eq!(port.arrived(2, Duration::from_secs(1)), [id.clone(), id.clone()], "{procedure}");
        // Said as a server away and back: a hang-up is all the load saw.
        let url = port.url.trim_end_matches('/');
        let lines: Vec<&str> = said.lines().filter(|l| !l.starts_with("load: waiting for a worker")).collect();
        assert_eq!(lines.len(), 2, "{procedure}: {said}");
        assert!(lines[0].starts_with(&format!("load: Cadence server not reachable at {url} (")), "{procedure}: {said}");
        assert_eq!(lines[1], format!("load: server reachable again at {url}"), "{procedure}: {said}");
        let h = c.history(DOMAIN, &id, "").unwrap();
        assert!(has(EventType::WorkflowExecutionCompleted)(&h), "{procedure}");
        let scans = count(&h, |a| matches!(a, EventAttributes::WorkflowExecutionSignaled(s) if &*s.signal_name == "ScanSignal"));
        assert_eq!(scans, 2, "{procedure}: {}", postflow_core::history::table::render(&h, None));
    }
    let (code, log) = worker.stop();
    assert_eq!(code, Some(0), "{log}");
}
