//! Ctrl-C during a scenario run and during a load: once (the workflows ended, status
//! 130), twice (the cleanup not cut short), three times (what is left named, with the
//! command that ends it), with the terminates refused, and after a scenario's last step.

use std::process::Command;
use std::time::{Duration, Instant};

use cadence_bridge::BridgeError;
use cadence_bridge::client::Client;
use postflow_core::history::EventType;

use crate::common::*;
use crate::gate::{CallGate, Calls, end_as_told};
use crate::load::{a_load_under_way, open_of_the_load};
use crate::scenario::a_scenario_that_ends_running;

/// `bridge scenario run --compare -v` of happy-path under a fresh ID against `url`, once
/// its workflow has its first activity on the server: the run's process and its
/// workflow's ID. The workflow stays open until the run signals it on.
fn a_scenario_run_under_way(c: &Client, url: &str, prefix: &str) -> (WorkerProcess, String) {
    let id = fresh_id(prefix);
    let path = std::env::temp_dir().join(format!("{id}.toml"));
    std::fs::write(&path, builtin_as("happy-path", &id)).unwrap();
    let mut run = Command::new(env!("CARGO_BIN_EXE_bridge"));
    run.args(["--address", url, "scenario", "run", "--compare", "-v"]).arg(&path);
    let run = WorkerProcess::spawn_command(run);
    // -v names the run's workflow; wait for it, then for its first events on the server.
    let deadline = Instant::now() + Duration::from_secs(30);
    let workflow_id = loop {
        let said = run.stderr.lock().unwrap().clone();
        if let Some(w) = said.lines().find_map(|l| l.split(": workflow ").nth(1)).and_then(|r| r.split(' ').next()) {
            break w.to_owned();
        }
        assert!(Instant::now() < deadline, "the run did not name its workflow:\n{said}");
        std::thread::sleep(Duration::from_millis(100));
    };
    std::fs::remove_file(&path).ok();
    wait_for(c, &workflow_id, Duration::from_secs(30), "the scenario's first activity", has(EventType::ActivityTaskScheduled));
    (run, workflow_id)
}

#[test]
#[ignore = "needs a Cadence server: scripts/test-bridge.sh"]
fn ctrl_c_during_a_scenario_run_ends_it_and_terminates_its_workflow() {
    let c = client();
    let (mut run, workflow_id) = a_scenario_run_under_way(&c, &address(), "interrupted");
    let _cleanup = Cleanup(workflow_id.clone());
    run.signal(libc::SIGINT);
    let (code, said) = run.ended(Duration::from_secs(20), "Ctrl-C did not end the run");
    assert_eq!(code, Some(130), "{said}");
    assert!(said.contains("interrupted") && said.contains(&format!("its workflow {workflow_id} on the server was terminated")), "{said}");
    let d = c.describe(DOMAIN, &workflow_id, "").unwrap();
    assert_eq!(d["workflowExecutionInfo"]["closeStatus"], "WORKFLOW_EXECUTION_CLOSE_STATUS_TERMINATED", "{d}");
}

/// Ctrl-C to `run` (a scenario run or a load, through `port`, which holds terminates),
/// and once the `n` terminates of its cleanup are under way (held at the port), Ctrl-C
/// again: what that says, `finishing`, is awaited. Returns the workflows being
/// terminated, in order. Every Ctrl-C after the first thus comes while the cleanup is
/// unfinished.
fn interrupt_during_the_cleanup(
    run: &mut WorkerProcess,
    port: &CallGate,
    n: usize,
    finishing: impl Fn(&[String]) -> String,
) -> Vec<String> {
    run.interrupt_taken();
    let mut ending = port.arrived(n, Duration::from_secs(30));
    in_order(&mut ending);
    run.interrupt_taken();
    wait_for_worker_line(run, &finishing(&ending), Duration::from_secs(10));
    ending
}

#[test]
#[ignore = "needs a Cadence server: scripts/test-bridge.sh"]
fn a_second_ctrl_c_during_a_scenario_run_does_not_cut_its_cleanup_short() {
    // Ctrl-C pressed twice, the second while the run's terminate is under way: it used
    // to quit at once, leaving the run's workflow open until its execution timeout, with
    // not a word.
    let c = client();
    let port = CallGate::terminates(Calls::Hold);
    let (mut run, workflow_id) = a_scenario_run_under_way(&c, &port.url, "interrupted-twice");
    let _cleanup = Cleanup(workflow_id.clone());
    let finishing = |_: &[String]| {
        format!(
            "bridge: finishing the cleanup: ending the scenario's workflow {workflow_id} on the server (interrupt again to quit \
             now and leave it open until its execution timeout)\n"
        )
    };
    assert_eq!(interrupt_during_the_cleanup(&mut run, &port, 1, finishing), std::slice::from_ref(&workflow_id));
    // Still running, the terminate unanswered: let it through.
    assert!(run.child.try_wait().unwrap().is_none(), "{}", run.stderr.lock().unwrap());
    port.set(Calls::Pass);
    let (code, said) = run.ended(Duration::from_secs(20), "Ctrl-C twice did not end the run");
    assert_eq!(code, Some(130), "{said}");
    assert!(said.contains(&format!("its workflow {workflow_id} on the server was terminated")), "{said}");
    assert!(!said.contains("quit before the cleanup ended"), "{said}");
    let d = c.describe(DOMAIN, &workflow_id, "").unwrap();
    assert_eq!(d["workflowExecutionInfo"]["closeStatus"], "WORKFLOW_EXECUTION_CLOSE_STATUS_TERMINATED", "{said}\n{d}");
}

#[test]
#[ignore = "needs a Cadence server: scripts/test-bridge.sh"]
fn a_third_ctrl_c_during_a_scenario_run_quits_naming_the_workflow_it_may_leave_and_how_to_end_it() {
    let c = client();
    let port = CallGate::terminates(Calls::Hold);
    let (mut run, workflow_id) = a_scenario_run_under_way(&c, &port.url, "interrupted-thrice");
    let _cleanup = Cleanup(workflow_id.clone());
    interrupt_during_the_cleanup(&mut run, &port, 1, |_| {
        format!("bridge: finishing the cleanup: ending the scenario's workflow {workflow_id} ")
    });
    run.interrupt_taken();
    wait_for_worker_line(&run, "bridge: quit before the cleanup ended", Duration::from_secs(10));
    let (code, said) = run.ended(Duration::from_secs(20), "Ctrl-C three times did not end the run");
    assert_eq!(code, Some(130), "{said}");
    // It quit with the terminate unanswered: the workflow is open, and the note says so.
    let d = c.describe(DOMAIN, &workflow_id, "").unwrap();
    assert!(d["workflowExecutionInfo"].get("closeStatus").is_none(), "{said}\n{d}");
    let note = said.lines().find(|l| l.starts_with("bridge: quit before")).unwrap();
    let quit = format!(
        "bridge: quit before the cleanup ended: the scenario's workflow {workflow_id} may be open on the server until its \
         execution timeout; end it with `bridge --address {} --domain {DOMAIN} wf terminate --wid {workflow_id}`",
        port.url
    );
    assert_eq!(note, quit, "{said}");
    // What it says to type ends it (the held terminate, whose caller is gone, refused first).
    port.set(Calls::Refuse);
    port.set(Calls::Pass);
    let (named, ended) = end_as_told(note, "the scenario's workflow ");
    assert_eq!(named, workflow_id);
    assert!(ended.status.success(), "{}", String::from_utf8_lossy(&ended.stderr));
    let d = c.describe(DOMAIN, &workflow_id, "").unwrap();
    assert_eq!(d["workflowExecutionInfo"]["closeStatus"], "WORKFLOW_EXECUTION_CLOSE_STATUS_TERMINATED", "{said}\n{d}");
}

#[test]
#[ignore = "needs a Cadence server: scripts/test-bridge.sh"]
fn ctrl_c_during_a_load_ends_it_and_terminates_the_workflows_in_flight() {
    let c = client();
    let worker = WorkerProcess::spawn(&["-q"]);
    let prefix = fresh_id("load-interrupted");
    let mut load = Command::new(env!("CARGO_BIN_EXE_bridge"));
    load.args(["--address", &address(), "load", "--workflows", "200", "--concurrency", "3", "--prefix", &prefix]);
    let mut load = WorkerProcess::spawn_command(load);
    // In flight: the first lifecycle's workflow has started its first activity.
    let first = format!("{prefix}-0");
    wait_for(&c, &first, Duration::from_secs(60), "the load's first activity", has(EventType::ActivityTaskScheduled));
    load.signal(libc::SIGINT);
    let status = load.exited_within(Duration::from_secs(30), "Ctrl-C did not end the load");
    // The reader thread may not have passed the last lines on yet.
    let said = wait_for_worker_line(&load, "terminated", Duration::from_secs(30));
    assert_eq!(status.code(), Some(130), "{said}");
    assert!(said.contains("load: interrupted: ") && said.contains("in flight were terminated on the server"), "{said}");
    // Not one of the load's workflows is left open on the server: each is completed or
    // terminated, and the rest were never started.
    let mut started = 0;
    for i in 0..200 {
        match c.describe(DOMAIN, &format!("{prefix}-{i}"), "") {
            Ok(d) => {
                started += 1;
                let status = d["workflowExecutionInfo"]["closeStatus"].as_str().unwrap_or("open").to_owned();
                assert!(
                    ["WORKFLOW_EXECUTION_CLOSE_STATUS_COMPLETED", "WORKFLOW_EXECUTION_CLOSE_STATUS_TERMINATED"].contains(&status.as_str()),
                    "{prefix}-{i} left {status}: {said}"
                );
            }
            Err(BridgeError::NotFound(_)) => {}
            Err(e) => panic!("{prefix}-{i}: {e}"),
        }
    }
    assert!(started < 200, "the load was not interrupted: {said}");
    let (code, log) = worker.stop();
    assert_eq!(code, Some(0), "{log}");
}

/// A load of `concurrency` lifecycles at a time through `port`, stopped where it is: its
/// worker stopped, so that none of its workflows moves on or closes by itself. Returns
/// the load, its prefix and its workflows in flight (all open on the server), in order.
fn a_load_held_still(c: &Client, port: &CallGate, prefix: &str, concurrency: usize) -> (WorkerProcess, String, Vec<String>) {
    let worker = WorkerProcess::spawn(&["-q"]);
    let (load, prefix) = a_load_under_way(c, &port.url, prefix, concurrency);
    let (code, log) = worker.stop();
    assert_eq!(code, Some(0), "{log}");
    // Each lifecycle started its workflow, or starts one and waits for it in vain. The
    // list of open workflows can lag behind a close; describe does not.
    let deadline = Instant::now() + Duration::from_secs(30);
    let in_flight = loop {
        let open: Vec<String> = c
            .list_open(DOMAIN, 1000)
            .unwrap()
            .into_iter()
            .map(|w| w.workflow_id)
            .filter(|w| w.starts_with(&format!("{prefix}-")) && is_open(c, w))
            .collect();
        if open.len() == concurrency {
            break open;
        }
        assert!(Instant::now() < deadline, "not {concurrency} of the load open: {open:?}\n{}", load.stderr.lock().unwrap());
        std::thread::sleep(Duration::from_millis(100));
    };
    let mut in_flight = in_flight;
    in_order(&mut in_flight);
    (load, prefix, in_flight)
}

/// Workflow IDs of one load in the order of their numbers (`P-9` before `P-10`).
fn in_order(ids: &mut [String]) {
    ids.sort_by_key(|id| (id.len(), id.clone()));
}

#[test]
#[ignore = "needs a Cadence server: scripts/test-bridge.sh"]
fn a_second_ctrl_c_during_a_load_does_not_cut_its_cleanup_short() {
    let c = client();
    let port = CallGate::terminates(Calls::Hold);
    let (mut load, prefix, in_flight) = a_load_held_still(&c, &port, "load-twice", 3);
    // The second Ctrl-C comes once the 3 terminates are under way, and names those 3.
    let finishing = |ids: &[String]| {
        format!(
            "bridge: finishing the cleanup: terminating the load's 3 workflows in flight ({}) on the server (interrupt again to \
             quit now and leave them open until their execution timeout)\n",
            ids.join(", ")
        )
    };
    assert_eq!(interrupt_during_the_cleanup(&mut load, &port, 3, finishing), in_flight);
    assert!(load.child.try_wait().unwrap().is_none(), "{}", load.stderr.lock().unwrap());
    port.set(Calls::Pass);
    let status = load.exited_within(Duration::from_secs(30), "Ctrl-C twice did not end the load");
    let said = wait_for_worker_line(&load, "load: interrupted: ", Duration::from_secs(10));
    assert_eq!(status.code(), Some(130), "{said}");
    assert!(said.contains("; the 3 in flight were terminated on the server"), "{said}");
    assert!(!said.contains("quit before the cleanup ended"), "{said}");
    let open: Vec<&String> = in_flight.iter().filter(|id| is_open(&c, id)).collect();
    assert!(open.is_empty(), "left open: {open:?}\n{said}");
    open_of_the_load(&c, &prefix);
}

#[test]
#[ignore = "needs a Cadence server: scripts/test-bridge.sh"]
fn a_third_ctrl_c_during_a_load_quits_naming_its_workflows_in_flight_and_how_to_end_each() {
    // 7 in flight: 5 are named, each with its command; the other 2 are counted, and the
    // list it names shows them.
    let c = client();
    let port = CallGate::terminates(Calls::Hold);
    let (mut load, prefix, in_flight) = a_load_held_still(&c, &port, "load-thrice", 7);
    let finishing = |ids: &[String]| format!("terminating the load's 7 workflows in flight ({} and 2 more)", ids[..5].join(", "));
    let ending = interrupt_during_the_cleanup(&mut load, &port, 7, finishing);
    assert_eq!(ending, in_flight);
    load.interrupt_taken();
    wait_for_worker_line(&load, "bridge: quit before the cleanup ended", Duration::from_secs(10));
    let (code, said) = load.ended(Duration::from_secs(30), "Ctrl-C three times did not end the load");
    assert_eq!(code, Some(130), "{said}");
    eprintln!("{said}");
    // It quit with every terminate unanswered: all 7 are open.
    assert!(in_flight.iter().all(|id| is_open(&c, id)), "{said}");
    let note: Vec<&str> = said.lines().skip_while(|l| !l.starts_with("bridge: quit before")).collect();
    assert_eq!(
        note[0],
        "bridge: quit before the cleanup ended: the load's 7 workflows in flight may be open on the server until their \
         execution timeout (600 s); end them with:",
        "{said}"
    );
    let commands: Vec<&str> = note[1..6].iter().map(|l| l.trim_start()).collect();
    let list = format!("`bridge --address {} --domain {DOMAIN} wf list`", port.url);
    assert_eq!(note[6], format!("  and 2 more ({prefix}-N): {list} lists them among the open workflows"), "{said}");
    assert_eq!(note.len(), 7, "{said}");
    // Each command ends its workflow (the held terminates, whose caller is gone, refused
    // first), and the list shows the other two.
    port.set(Calls::Refuse);
    port.set(Calls::Pass);
    let bridge = |command: &str| {
        let args: Vec<&str> = command.split_whitespace().collect();
        assert_eq!(args[..3], ["bridge", "--address", &port.url], "{command}");
        let out = Command::new(env!("CARGO_BIN_EXE_bridge")).args(&args[1..]).output().unwrap();
        assert!(out.status.success(), "{command}: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    for (command, id) in commands.iter().zip(&in_flight) {
        assert_eq!(*command, format!("bridge --address {} --domain {DOMAIN} wf terminate --wid {id}", port.url));
        bridge(command);
    }
    let listed = bridge(list.trim_matches('`'));
    for id in &in_flight[..5] {
        assert!(!is_open(&c, id), "{id} named, and still open after its command");
    }
    for id in &in_flight[5..] {
        assert!(is_open(&c, id) && listed.contains(id.as_str()), "{id} open but not listed:\n{listed}");
    }
    open_of_the_load(&c, &prefix);
}

#[test]
#[ignore = "needs a Cadence server: scripts/test-bridge.sh"]
fn a_load_whose_terminates_fail_on_ctrl_c_names_each_workflow_left_open_and_how_to_end_it() {
    let c = client();
    let worker = WorkerProcess::spawn(&["-q"]);
    let port = CallGate::terminates(Calls::Refuse);
    let (mut load, prefix) = a_load_under_way(&c, &port.url, "load-unended", 3);
    load.signal(libc::SIGINT);
    let status = load.exited_within(Duration::from_secs(30), "Ctrl-C did not end the load");
    let said = wait_for_worker_line(&load, "load: interrupted: ", Duration::from_secs(10));
    assert_eq!(status.code(), Some(130), "{said}");
    let notes: Vec<&str> = said.lines().filter(|l| l.starts_with(&format!("load: {prefix}-"))).collect();
    // Every terminate was refused: none is said to be terminated.
    assert!(!notes.is_empty() && said.contains(&format!("; the {} in flight may be open on the server (above)", notes.len())), "{said}");
    // Each one named is open, and what its note says to type ends it.
    port.set(Calls::Pass);
    for note in &notes {
        assert!(note.contains("may be open on the server until its execution timeout (server error (unavailable, HTTP 503)"), "{note}");
        let (id, ended) = end_as_told(note, "load: ");
        assert!(ended.status.success(), "{id}: {}", String::from_utf8_lossy(&ended.stderr));
    }
    let open = open_of_the_load(&c, &prefix);
    assert!(open.is_empty(), "open, and not named: {open:?}\n{said}");
    let (code, log) = worker.stop();
    assert_eq!(code, Some(0), "{log}");
}

#[test]
#[ignore = "needs a Cadence server: scripts/test-bridge.sh"]
fn a_ctrl_c_after_a_scenarios_last_step_lets_the_run_finish_and_says_it_was_interrupted() {
    // A scenario that ends with its workflow running: once the steps are done, the run
    // terminates it, through a port that holds that terminate until the Ctrl-C is in.
    // The run used to take no notice of a Ctrl-C then, and exit 0.
    let c = client();
    let port = CallGate::terminates(Calls::Hold);
    let path = a_scenario_that_ends_running("after-last-step");
    let mut run = Command::new(env!("CARGO_BIN_EXE_bridge"));
    run.args(["--address", &port.url, "scenario", "run"]).arg(&path);
    let mut run = WorkerProcess::spawn_command(run);
    let ending = port.arrived(1, Duration::from_secs(60));
    std::fs::remove_file(&path).ok();
    let workflow_id = ending[0].clone();
    let _cleanup = Cleanup(workflow_id.clone());
    run.interrupt_taken();
    port.set(Calls::Pass);
    let (code, said) = run.ended(Duration::from_secs(20), "the run did not end");
    assert_eq!(code, Some(130), "{said}");
    assert!(
        said.contains("bridge: after-last-step: interrupted after the last step; the run was finished, and its result above is complete"),
        "{said}"
    );
    // Finished indeed: its workflow was terminated, as at the end of any such run.
    let d = c.describe(DOMAIN, &workflow_id, "").unwrap();
    assert_eq!(d["workflowExecutionInfo"]["closeStatus"], "WORKFLOW_EXECUTION_CLOSE_STATUS_TERMINATED", "{said}\n{d}");
}
