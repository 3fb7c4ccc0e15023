//! `bridge scenario run`: the comparable built-in scenarios equal to the simulator's
//! histories, a run kept off a running worker and the participant's workflow, a
//! scenario whose own expectation fails, and one whose final terminate is refused.

use std::process::Command;
use std::time::Duration;

use cadence_bridge::scenario::{COMPARE_TIMER_UNIT, RunOptions, not_comparable, play};
use postflow_core::history::EventType;
use postflow_core::postal;
use postflow_core::scenario::{BUILTIN, Scenario};

use crate::common::*;
use crate::gate::{CallGate, Calls, end_as_told};

/// How the comparisons run a scenario: in the workshop's domain, a day of
/// [`COMPARE_TIMER_UNIT`], a minute per step.
fn compare_options() -> RunOptions {
    RunOptions {
        domain: DOMAIN.into(),
        // A day of 1 s let unreadable-scan's timer fire before its scan on a slow
        // moment: the steps between them outlasted its two-day estimate (2 s).
        timer_unit: Some(COMPARE_TIMER_UNIT),
        step_timeout: Duration::from_secs(60),
        verbose: false,
        interrupt: None,
    }
}

#[test]
#[ignore = "needs a Cadence server: scripts/test-bridge.sh"]
fn comparable_builtin_scenarios_give_the_simulators_history_on_a_real_server() {
    let c = client();
    let mut compared = Vec::new();
    let mut failures = Vec::new();
    for b in BUILTIN {
        let s = Scenario::parse(b.name, b.toml).unwrap();
        if let Some(why) = not_comparable(&s) {
            eprintln!("{}: not comparable: {why}", b.name);
            continue;
        }
        match play(&c, &s, &compare_options()) {
            Ok(p) if p.equal() => compared.push(b.name),
            Ok(p) => failures.push(format!("{}:\n{}\n{}", b.name, p.problems.join("\n"), p.diff.join("\n"))),
            Err(e) => failures.push(format!("{}: {e}", b.name)),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    // The ones a real server can reproduce; a scenario silently dropping out would be a regression.
    for name in [
        "happy-path",
        "amount-over-25",
        "empty-customer",
        "scan-before-loop",
        "signal-after-completion",
        "terminated",
        "canceled-while-tracking",
        "unreadable-scan",
    ] {
        assert!(compared.contains(&name), "{name} was not compared: {compared:?}");
    }
}

#[test]
#[ignore = "needs a Cadence server: scripts/test-bridge.sh"]
fn a_scenario_run_keeps_off_a_running_worker_and_off_the_participants_workflow() {
    // What a participant following the README has: a default `bridge worker` (a day of
    // 60 s, its own estimates) on cadence-workshop/tasklist, and their own order open
    // under the ID the scenario orders.
    let c = client();
    let id = fresh_id("mine");
    let _cleanup = Cleanup(id.clone());
    let worker = WorkerProcess::spawn_plain(&[]);
    start(&c, &id, &order(&id, "Cadence", 20));
    // Evidence that the worker serves tasklist: it answered the order's first decision task.
    wait_for(&c, &id, Duration::from_secs(30), "first decision by the running worker", has(EventType::DecisionTaskCompleted));
    let s = Scenario::parse("signal-after-completion", &builtin_as("signal-after-completion", &id)).unwrap();
    let played = play(&c, &s, &compare_options()).unwrap();
    assert!(
        played.equal(),
        "the running worker's tasks got into the comparison:\n{}\n{}",
        played.problems.join("\n"),
        played.diff.join("\n")
    );
    assert_ne!(played.workflow_id, id, "the scenario ran under the participant's workflow ID");
    assert_ne!(played.task_list, postal::TASK_LIST);
    // The participant's order was neither terminated nor touched.
    let d = c.describe(DOMAIN, &id, "").unwrap();
    assert!(d["workflowExecutionInfo"].get("closeStatus").is_none(), "the participant's workflow was closed: {d}");
    let h = c.history(DOMAIN, &id, "").unwrap();
    assert!(!has(EventType::WorkflowExecutionSignaled)(&h), "the scenario's signals reached the participant's workflow");
    let (code, log) = worker.stop();
    assert_eq!(code, Some(0), "{log}");
}

#[test]
#[ignore = "needs a Cadence server: scripts/test-bridge.sh"]
fn a_scenario_whose_expectation_fails_is_not_a_pass_on_a_real_server() {
    // The workflow waits for scans after the run: "completed" is the author's mistake,
    // which the `scenario` runner reports; the histories agree all the same.
    let id = fresh_id("expects");
    let path = std::env::temp_dir().join(format!("{id}.toml"));
    let file = format!(
        "[[steps]]\ndo = \"start\"\ninput = '{}'\n[[steps]]\ndo = \"run\"\n[[steps]]\ndo = \"expect\"\nstatus = \"completed\"\n",
        order(&id, "Cadence", 20)
    );
    std::fs::write(&path, file).unwrap();
    let run = |compare: bool| {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_bridge"));
        cmd.args(["--address", &address(), "scenario", "run"]).arg(&path);
        if compare {
            cmd.arg("--compare");
        }
        let out = cmd.output().unwrap();
        (out.status.code(), String::from_utf8_lossy(&out.stdout).into_owned(), String::from_utf8_lossy(&out.stderr).into_owned())
    };
    let why = "step 3 (expect): the simulator's history fails it: status is running, expected completed";
    let (code, stdout, stderr) = run(true);
    assert_eq!(code, Some(1), "{stdout}{stderr}");
    assert!(stdout.contains(why), "{stdout}{stderr}");
    // Without --compare it prints the server's history, and the failed expectation beside it.
    let (code, stdout, stderr) = run(false);
    std::fs::remove_file(&path).ok();
    assert_eq!(code, Some(0), "{stdout}{stderr}");
    assert!(stdout.contains("WorkflowExecutionStarted") && stderr.contains(&format!("bridge: note: {id}: {why}")), "{stdout}{stderr}");
}

/// A scenario file, named `name`, that starts an order of a fresh ID and runs it to
/// its first timer: it ends with its workflow running, for the run to terminate.
pub fn a_scenario_that_ends_running(name: &str) -> std::path::PathBuf {
    let id = fresh_id(name);
    let path = std::env::temp_dir().join(format!("{id}.toml"));
    let toml = format!(
        "name = \"{name}\"\nseed = 1\n\n[[steps]]\ndo = \"start\"\ninput = '{}'\n\n[[steps]]\ndo = \"run\"\n",
        order(&id, "Cadence", 20)
    );
    std::fs::write(&path, toml).unwrap();
    path
}

#[test]
#[ignore = "needs a Cadence server: scripts/test-bridge.sh"]
fn a_scenario_whose_final_terminate_fails_names_its_workflow_and_the_command_that_ends_it() {
    // A scenario that ends with its workflow running: the run terminates it, and the
    // server refuses. It used to leave it open until its execution timeout, silently.
    let c = client();
    let port = CallGate::terminates(Calls::Refuse);
    let path = a_scenario_that_ends_running("unended");
    let out = Command::new(env!("CARGO_BIN_EXE_bridge")).args(["--address", &port.url, "scenario", "run"]).arg(&path).output().unwrap();
    std::fs::remove_file(&path).ok();
    let said = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(0), "the scenario played: {said}");
    assert!(String::from_utf8_lossy(&out.stdout).contains("ActivityTaskScheduled"), "{said}");
    let note =
        said.lines().find(|l| l.starts_with("bridge: note: unended: the scenario finished, but its workflow ")).unwrap_or_else(|| {
            panic!("no note: {said}");
        });
    assert!(note.contains("may be open on the server until its execution timeout (server error (unavailable, HTTP 503)"), "{note}");
    assert!(note.contains(&format!("end it with `bridge --address {} --domain {DOMAIN} wf terminate --wid ", port.url)), "{note}");
    // It is open indeed; what the note says to type ends it.
    let workflow_id = note.split("its workflow ").nth(1).unwrap().split(' ').next().unwrap().to_owned();
    let _cleanup = Cleanup(workflow_id.clone());
    let d = c.describe(DOMAIN, &workflow_id, "").unwrap();
    assert!(d["workflowExecutionInfo"].get("closeStatus").is_none(), "{d}");
    port.set(Calls::Pass);
    let (named, ended) = end_as_told(note, "its workflow ");
    assert_eq!(named, workflow_id);
    assert!(ended.status.success(), "{}", String::from_utf8_lossy(&ended.stderr));
    let d = c.describe(DOMAIN, &workflow_id, "").unwrap();
    assert_eq!(d["workflowExecutionInfo"]["closeStatus"], "WORKFLOW_EXECUTION_CLOSE_STATUS_TERMINATED", "{d}");
}
