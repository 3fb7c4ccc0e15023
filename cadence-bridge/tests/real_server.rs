//! Against a real Cadence server (`scripts/test-bridge.sh` starts one and runs these
//! with `-- --ignored --test-threads=1`). They share the workshop's task list, so they
//! must not run at the same time. The server's HTTP address comes from
//! POSTFLOW_CADENCE_HTTP (default http://127.0.0.1:8800).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use cadence_bridge::BridgeError;
use cadence_bridge::client::{Client, StartOptions};
use cadence_bridge::scenario::{COMPARE_TIMER_UNIT, RunOptions, not_comparable, play};
use postflow_core::history::{EventAttributes, EventType, HistoryEvent, compare};
use postflow_core::postal;
use postflow_core::scenario::{BUILTIN, Scenario};

const DOMAIN: &str = postal::DOMAIN;

fn address() -> String {
    std::env::var("POSTFLOW_CADENCE_HTTP").unwrap_or_else(|_| "http://127.0.0.1:8800".into())
}

fn client() -> Client {
    Client::new(&address(), "bridge-test").unwrap()
}

fn repo() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

fn order(id: &str, customer: &str, amount: u32) -> String {
    format!(r#"{{"id":"{id}","customer":"{customer}","amount":{amount},"address":"Uber office","sendFrom":"Aarhus"}}"#)
}

/// A workflow ID no earlier run used, so tests can be repeated on one server.
fn fresh_id(prefix: &str) -> String {
    format!("{prefix}-{}", uuid::Uuid::new_v4().simple())
}

/// `bridge worker` as a child process, its stderr collected.
struct WorkerProcess {
    child: Child,
    stderr: Arc<Mutex<String>>,
}

impl WorkerProcess {
    /// `bridge worker --timer-unit 1s` (timers in seconds, not minutes).
    fn spawn(extra: &[&str]) -> WorkerProcess {
        WorkerProcess::spawn_plain(&[&["--timer-unit", "1s"], extra].concat())
    }

    /// `bridge worker` with only `extra` flags.
    fn spawn_plain(extra: &[&str]) -> WorkerProcess {
        let mut bridge = Command::new(env!("CARGO_BIN_EXE_bridge"));
        bridge.args(["--address", &address(), "worker"]).args(extra);
        WorkerProcess::spawn_command(bridge)
    }

    /// Any worker program (ours or the Go workshop worker), stopped when the test ends
    /// however it ends.
    fn spawn_command(mut command: Command) -> WorkerProcess {
        let mut child = command.stdout(Stdio::null()).stderr(Stdio::piped()).spawn().expect("start the worker");
        let stderr = Arc::new(Mutex::new(String::new()));
        let (mut pipe, sink) = (child.stderr.take().unwrap(), stderr.clone());
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n) = pipe.read(&mut buf) {
                if n == 0 {
                    break;
                }
                sink.lock().unwrap().push_str(&String::from_utf8_lossy(&buf[..n]));
            }
        });
        WorkerProcess { child, stderr }
    }

    fn signal(&mut self, sig: libc::c_int) {
        unsafe { libc::kill(self.child.id() as libc::pid_t, sig) };
    }

    /// The exit status, once the process has ended on its own; fails the test, naming
    /// `what` and what the process said, if it has not within `within`.
    fn exited_within(&mut self, within: Duration, what: &str) -> std::process::ExitStatus {
        let deadline = Instant::now() + within;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            assert!(Instant::now() < deadline, "{what}:\n{}", self.stderr.lock().unwrap());
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// SIGTERM, then the exit status (bounded: SIGKILL after 20 s).
    fn stop(mut self) -> (Option<i32>, String) {
        self.signal(libc::SIGTERM);
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                std::thread::sleep(Duration::from_millis(100)); // let the reader drain
                return (status.code(), self.stderr.lock().unwrap().clone());
            }
            if Instant::now() > deadline {
                self.signal(libc::SIGKILL);
                let _ = self.child.wait();
                return (None, self.stderr.lock().unwrap().clone());
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for WorkerProcess {
    fn drop(&mut self) {
        // A panicking test must not leave a worker that takes the next test's tasks.
        if let Ok(None) = self.child.try_wait() {
            self.signal(libc::SIGKILL);
            let _ = self.child.wait();
        }
    }
}

/// Terminates a test's workflow when the test ends, also when it fails: a workflow
/// left open would keep handing its tasks to the next test's worker.
struct Cleanup(String);

impl Drop for Cleanup {
    fn drop(&mut self) {
        let _ = client().terminate(DOMAIN, &self.0, "", "test over");
    }
}

fn start(c: &Client, id: &str, input: &str) -> String {
    c.start_workflow(&StartOptions {
        domain: DOMAIN.into(),
        workflow_id: id.into(),
        workflow_type: "OrderProcessingWorkflowComplete".into(),
        task_list: postal::TASK_LIST.into(),
        input: Some(input.into()),
        execution_timeout: Duration::from_secs(600),
        task_timeout: Duration::from_secs(10),
        id_reuse_policy: None,
    })
    .unwrap()
}

/// Waits (bounded) until the history satisfies `done`, and returns it.
fn wait_for(c: &Client, id: &str, within: Duration, what: &str, done: impl Fn(&[HistoryEvent]) -> bool) -> Vec<HistoryEvent> {
    let deadline = Instant::now() + within;
    loop {
        let h = c.history(DOMAIN, id, "").unwrap_or_default();
        if done(&h) {
            return h;
        }
        assert!(
            Instant::now() < deadline,
            "{id}: no {what} within {within:?}; history:\n{}",
            postflow_core::history::table::render(&h, None)
        );
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// Asks `current_status` (bounded) until the answer satisfies `done`, and returns it.
/// The evidence that the workflow code has read a signal is what the query shows: a
/// signal is in history as soon as the server accepts it, but the workflow reads it
/// only when its code next waits on the channel, a decision task or more later.
fn wait_for_status(c: &Client, id: &str, within: Duration, what: &str, done: impl Fn(&str) -> bool) -> String {
    let deadline = Instant::now() + within;
    loop {
        let answer = c.query(DOMAIN, id, "", "current_status", None).map_err(|e| e.to_string());
        if let Ok(a) = &answer
            && done(a)
        {
            return a.clone();
        }
        assert!(Instant::now() < deadline, "{id}: {what} within {within:?}; the last answer to current_status was {answer:?}");
        std::thread::sleep(Duration::from_millis(200));
    }
}

fn has(t: EventType) -> impl Fn(&[HistoryEvent]) -> bool {
    move |h| h.iter().any(|e| e.event_type() == t)
}

fn count(h: &[HistoryEvent], pred: impl Fn(&EventAttributes) -> bool) -> usize {
    h.iter().filter(|e| pred(&e.attributes)).count()
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
        let o = RunOptions {
            domain: DOMAIN.into(),
            // A day of 1 s let unreadable-scan's timer fire before its scan on a slow
            // moment: the steps between them outlasted its two-day estimate (2 s).
            timer_unit: Some(COMPARE_TIMER_UNIT),
            step_timeout: Duration::from_secs(60),
            verbose: false,
            interrupt: None,
        };
        match play(&c, &s, &o) {
            Ok(p) if p.equal() => compared.push(b.name),
            Ok(p) => failures.push(format!("{}:\n{}\n{}", b.name, p.problems.join("\n"), p.diff.join("\n"))),
            Err(e) => failures.push(format!("{}: {e}", b.name)),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    // The ones a real server can reproduce; a scenario silently dropping out would be a regression.
    for name in
        ["happy-path", "amount-over-25", "empty-customer", "scan-before-loop", "signal-after-completion", "terminated", "unreadable-scan"]
    {
        assert!(compared.contains(&name), "{name} was not compared: {compared:?}");
    }
}

/// The real `cadence` CLI over one transport: `--transport grpc` on 7833, or the CLI's
/// default, tchannel, on the frontend's 7933 (the dev server's `rpc.port`).
struct Cadence {
    cli: std::path::PathBuf,
    transport: &'static [&'static str],
}

impl Cadence {
    const GRPC: &'static [&'static str] = &["--transport", "grpc", "--address", "127.0.0.1:7833"];
    const TCHANNEL: &'static [&'static str] = &["--address", "127.0.0.1:7933"];

    fn new(transport: &'static [&'static str]) -> Cadence {
        let bin = Command::new(repo().join("scripts/cadence-dev.sh")).arg("bin").output().unwrap();
        let cli = std::path::PathBuf::from(String::from_utf8_lossy(&bin.stdout).trim()).join("cadence");
        assert!(cli.exists(), "no cadence CLI at {}", cli.display());
        Cadence { cli, transport }
    }

    /// `cadence <transport> --domain cadence-workshop <args>`: output and success.
    fn try_run(&self, args: &[&str]) -> (bool, String) {
        let out = Command::new(&self.cli).args(self.transport).args(["--domain", DOMAIN]).args(args).output().unwrap();
        (out.status.success(), format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr)))
    }

    fn run(&self, args: &[&str]) -> String {
        let (ok, text) = self.try_run(args);
        assert!(ok, "cadence {:?} {args:?} failed:\n{text}", self.transport);
        text
    }

    /// `wf start ...` as the workshop writes it; the workflow ID the CLI printed.
    fn start(&self, args: &[&str]) -> String {
        let text = self.run(&[&["wf", "start"], args].concat());
        let id = text.split("Workflow Id: ").nth(1).and_then(|r| r.split(',').next()).map(str::trim);
        id.unwrap_or_else(|| panic!("no workflow ID in:\n{text}")).to_owned()
    }
}

/// The result of a completed workflow, waiting (bounded) for it.
fn completed_result(c: &Client, id: &str, within: Duration) -> String {
    let h = wait_for(c, id, within, "completion", |h| h.last().is_some_and(|e| e.event_type().is_workflow_close()));
    match &h.last().unwrap().attributes {
        EventAttributes::WorkflowExecutionCompleted(a) => a.result.as_ref().unwrap().to_text(),
        other => panic!("{id} did not complete: {other:?}\n{}", postflow_core::history::table::render(&h, None)),
    }
}

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
#[ignore = "needs a Cadence server: scripts/test-bridge.sh; stops and restarts it"]
fn zz_a_stopped_server_is_reported_and_both_recover_when_it_returns() {
    let dev = |cmd: &str| {
        let out = Command::new(repo().join("scripts/cadence-dev.sh")).arg(cmd).output().unwrap();
        assert!(out.status.success(), "cadence-dev.sh {cmd}: {}", String::from_utf8_lossy(&out.stderr));
    };
    let c = client();
    let worker = WorkerProcess::spawn(&[]);
    dev("down");
    let t = Instant::now();
    let e = c.describe_domain(DOMAIN).unwrap_err();
    assert!(matches!(e, BridgeError::Unreachable { .. }) && e.to_string().contains("not reachable"), "{e}");
    assert!(t.elapsed() < Duration::from_secs(10), "the client hung for {:?}", t.elapsed());
    let out = Command::new(env!("CARGO_BIN_EXE_bridge")).args(["--address", &address(), "domain", "describe"]).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    // Both ways of running a server the docs give, not only the dev script.
    assert!(!out.status.success() && stderr.contains("not reachable") && stderr.contains("docker compose up -d"), "{stderr}");
    // The worker says so (once) and keeps trying.
    let deadline = Instant::now() + Duration::from_secs(30);
    while !worker.stderr.lock().unwrap().contains("not reachable") {
        assert!(Instant::now() < deadline, "the worker did not report the server gone:\n{}", worker.stderr.lock().unwrap());
        std::thread::sleep(Duration::from_millis(200));
    }
    dev("up");
    let id = fresh_id("back");
    let _cleanup = Cleanup(id.clone());
    start(&c, &id, &order(&id, "Cadence", 30));
    // amount > 25: payment fails for good after its retries, the workflow fails. The
    // same worker process, never restarted, does all of it.
    let h = wait_for(&c, &id, Duration::from_secs(90), "the failed workflow", has(EventType::WorkflowExecutionFailed));
    assert_eq!(compare::normalise(&h).len(), h.len());
    let (code, log) = worker.stop();
    assert_eq!(code, Some(0), "{log}");
    // Named as the "not reachable at" line names it (no trailing slash).
    assert!(log.contains(&format!("server reachable again at {}\n", address().trim_end_matches('/'))), "{log}");
    // Said by the worker, not by each of its four pollers: once, or twice if the
    // server fails again while it starts (refused, then "unavailable", then refused).
    let away = log.lines().filter(|l| l.contains("not reachable at") && l.ends_with("; retrying")).count();
    assert!((1..=2).contains(&away), "{log}");
    let back = log.lines().filter(|l| l.contains("server reachable again")).count();
    assert!(back <= away, "back more often than away: {log}");
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

/// One package's life through the API, waiting for the server's evidence at each step
/// so both workers meet the same interleaving: start, wait for the notification timer,
/// scan, wait for the new timer, and so on to the end. (Timers of a minute per day:
/// none fires meanwhile.) The inputs are what hand-typed or hand-made signals can be,
/// read by Go's rules, which ours must follow:
/// - the scan's key spelled as the Go field is named, `Location` (keys ignore case);
/// - a `null` scan: a scan with no location (a new estimate and timer);
/// - a lone UTF-16 surrogate, `"\ud800"`: Go reads U+FFFD (serde_json would refuse it);
/// - a scan with no input: it cannot be decoded and is dropped, and the scan case's
///   `Receive` waits for the next scan, so the delivered signal after it (bytes that
///   are not JSON: its value is never read) ends nothing until the next scan comes.
fn scripted_lifecycle(c: &Client, id: &str) -> Vec<HistoryEvent> {
    start(c, id, &order("Order123", "Cadence", 20));
    let timers = |n: usize| move |h: &[HistoryEvent]| h.iter().filter(|e| e.event_type() == EventType::TimerStarted).count() >= n;
    // The n-th signal is in history and a decision task completed after it.
    let handled = |n: usize| {
        move |h: &[HistoryEvent]| {
            let signaled = h.iter().enumerate().filter(|(_, e)| e.event_type() == EventType::WorkflowExecutionSignaled).nth(n - 1);
            signaled.is_some_and(|(at, _)| h[at..].iter().any(|e| e.event_type() == EventType::DecisionTaskCompleted))
        }
    };
    let within = Duration::from_secs(60);
    wait_for(c, id, within, "the first timer", timers(1));
    c.signal(DOMAIN, id, "", "ScanSignal", Some(r#"{"Location":"Delft"}"#)).unwrap();
    wait_for(c, id, within, "the timer after the scan", timers(2));
    c.signal(DOMAIN, id, "", "ScanSignal", Some("null")).unwrap();
    wait_for(c, id, within, "the timer after the null scan", timers(3));
    c.signal(DOMAIN, id, "", "ScanSignal", Some(r#"{"location":"\ud800"}"#)).unwrap();
    wait_for(c, id, within, "the timer after the lone surrogate", timers(4));
    c.signal(DOMAIN, id, "", "ScanSignal", None).unwrap();
    wait_for(c, id, within, "the decision task after the empty scan", handled(4));
    c.signal(DOMAIN, id, "", "DeliveredSignal", Some("not JSON at all")).unwrap();
    wait_for(c, id, within, "the decision task after the delivery", handled(5));
    c.signal(DOMAIN, id, "", "ScanSignal", Some(r#"{"location":"Utrecht"}"#))
        .unwrap_or_else(|e| panic!("{id}: the last scan was refused ({e}): the delivery ended the run while the scan case waited"));
    wait_for(c, id, within, "completion", has(EventType::WorkflowExecutionCompleted))
}

/// The estimates (days) a history's estimate activities returned, in order.
fn estimates(h: &[HistoryEvent]) -> Vec<u64> {
    h.iter()
        .filter_map(|e| match &e.attributes {
            EventAttributes::ActivityTaskCompleted(a) => a.result.as_ref().and_then(|r| r.to_text().trim().parse().ok()),
            _ => None,
        })
        .collect()
}

#[test]
#[ignore = "needs a Cadence server and the Go workshop worker (POSTFLOW_GO_WORKER): scripts/test-bridge.sh"]
fn our_worker_writes_the_go_workers_history_apart_from_the_sticky_list_name() {
    let go_worker =
        std::env::var("POSTFLOW_GO_WORKER").expect("POSTFLOW_GO_WORKER: the workshop-worker binary (scripts/test-bridge.sh builds it)");
    let c = client();
    // The Go worker (the Cadence Go client, gRPC, sticky cache on), seeded estimates.
    // A guard, not a bare child: if this test fails, its Go worker must not live on and
    // answer the next test's workflows.
    let mut go = Command::new(&go_worker);
    go.args(["--address", "127.0.0.1:7833", "--timer-unit", "1m", "--seed", "7"]);
    let go = WorkerProcess::spawn_command(go);
    let go_id = fresh_id("go");
    let _c1 = Cleanup(go_id.clone());
    let go_history = scripted_lifecycle(&c, &go_id);
    let go_failures = failing_orders(&c, "go");
    let (code, log) = go.stop();
    assert_eq!(code, Some(0), "the Go worker did not stop cleanly on SIGTERM:\n{log}");
    // Our worker, with a seed whose first estimates are the ones the Go worker drew.
    let wanted = estimates(&go_history);
    assert_eq!(wanted.len(), 5, "{wanted:?}");
    let seed = (1..)
        .find(|s| {
            let mut r = postflow_core::rng::SplitMix64::new(*s);
            wanted.iter().all(|w| r.one_to(3) == *w)
        })
        .unwrap();
    let ours = WorkerProcess::spawn_plain(&["--timer-unit", "60s", "--seed", &seed.to_string()]);
    let rust_id = fresh_id("rust");
    let _c2 = Cleanup(rust_id.clone());
    let rust_history = scripted_lifecycle(&c, &rust_id);
    let rust_failures = failing_orders(&c, "rust");
    let (code, log) = ours.stop();
    assert_eq!(code, Some(0), "{log}");
    // Both used a sticky list after the first decision task, each its own.
    let sticky = |h: &[HistoryEvent]| -> Vec<String> {
        h.iter()
            .filter_map(|e| match &e.attributes {
                EventAttributes::DecisionTaskScheduled(d) if d.task_list.is_sticky() => Some(d.task_list.name.to_string()),
                _ => None,
            })
            .collect()
    };
    let (go_sticky, rust_sticky) = (sticky(&go_history), sticky(&rust_history));
    assert!(!go_sticky.is_empty() && go_sticky.len() == rust_sticky.len(), "{go_sticky:?} / {rust_sticky:?}");
    assert_ne!(go_sticky[0], rust_sticky[0]);
    // The Go worker read {"Location":"Delft"} as Delft, the null scan as an empty
    // location and the lone surrogate as U+FFFD, and took nothing from the empty scan:
    // its estimates start from these.
    let estimated_from: Vec<String> = go_history
        .iter()
        .filter_map(|e| match &e.attributes {
            EventAttributes::ActivityTaskScheduled(a) if a.activity_type.name.starts_with("estimatedDeliveryTime") => {
                a.input.as_ref().and_then(|i| i.to_text().lines().nth(1).map(str::to_owned))
            }
            _ => None,
        })
        .collect();
    assert_eq!(estimated_from, [r#""Aarhus""#, r#""Delft""#, r#""""#, "\"\u{FFFD}\"", r#""Utrecht""#], "the Go worker's estimates");
    let workers = ["Go worker", "Rust worker"];
    let d = compare::diff_labeled(workers, &compare::normalise(&go_history), &compare::normalise(&rust_history));
    assert!(d.is_empty(), "the Rust worker's history differs from the Go worker's:\n{}", d.join("\n"));
    for ((what, go), (_, rust)) in go_failures.iter().zip(&rust_failures) {
        let d = compare::diff_labeled(workers, &compare::normalise(go), &compare::normalise(rust));
        assert!(d.is_empty(), "{what}: the Rust worker's history differs from the Go worker's:\n{}", d.join("\n"));
    }
}

/// The orders that fail: payment refused after its retries, shipping refused.
fn failing_orders(c: &Client, prefix: &str) -> Vec<(&'static str, Vec<HistoryEvent>)> {
    [("amount over 25", order("Order123", "Cadence", 30)), ("empty customer", order("Order123", "", 20))]
        .into_iter()
        .map(|(what, input)| {
            let id = fresh_id(prefix);
            let _cleanup = Cleanup(id.clone());
            start(c, &id, &input);
            let h = wait_for(c, &id, Duration::from_secs(60), what, has(EventType::WorkflowExecutionFailed));
            (what, h)
        })
        .collect()
}

/// A built-in scenario whose order (and so workflow) ID is `id` instead of `Order123`,
/// in its input and in the results it expects ("Order Order123 processed ...").
fn builtin_as(name: &str, id: &str) -> String {
    let b = BUILTIN.iter().find(|b| b.name == name).unwrap_or_else(|| panic!("no built-in {name}"));
    assert!(b.toml.contains("\"Order123\""), "{name} no longer orders Order123");
    b.toml.replace("Order123", id)
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
    let o = RunOptions {
        domain: DOMAIN.into(),
        timer_unit: Some(COMPARE_TIMER_UNIT),
        step_timeout: Duration::from_secs(60),
        verbose: false,
        interrupt: None,
    };
    let played = play(&c, &s, &o).unwrap();
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

impl WorkerProcess {
    /// Ctrl-C, returning once the process has taken it (no longer pending for it), so
    /// that the next one is a signal of its own, not merged with this one.
    fn interrupt_taken(&mut self) {
        self.signal(libc::SIGINT);
        let status = format!("/proc/{}/status", self.child.id());
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let pending = std::fs::read_to_string(&status).unwrap_or_default();
            let shared = pending.lines().find_map(|l| l.strip_prefix("ShdPnd:")).map(|m| u64::from_str_radix(m.trim(), 16).unwrap());
            if shared.is_none_or(|m| m & (1 << (libc::SIGINT - 1)) == 0) {
                return;
            }
            assert!(Instant::now() < deadline, "SIGINT stayed pending: {pending}");
            std::thread::sleep(Duration::from_millis(1));
        }
    }

    /// Its exit status and all it said, once it has ended and its stderr is read to the end.
    fn ended(mut self, within: Duration, what: &str) -> (Option<i32>, String) {
        let status = self.exited_within(within, what);
        let deadline = Instant::now() + Duration::from_secs(5);
        // The reader thread may still be copying the last lines: ended when they are in.
        let said = loop {
            let said = self.stderr.lock().unwrap().clone();
            if said.contains("bridge: ") || Instant::now() > deadline {
                break said;
            }
            std::thread::sleep(Duration::from_millis(20));
        };
        (status.code(), said)
    }
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
    port: &TerminateGate,
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
    let port = TerminateGate::start(Terminates::Hold);
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
    port.set(Terminates::Pass);
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
    let port = TerminateGate::start(Terminates::Hold);
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
    port.set(Terminates::Refuse);
    port.set(Terminates::Pass);
    let (named, ended) = end_as_told(note, "the scenario's workflow ");
    assert_eq!(named, workflow_id);
    assert!(ended.status.success(), "{}", String::from_utf8_lossy(&ended.stderr));
    let d = c.describe(DOMAIN, &workflow_id, "").unwrap();
    assert_eq!(d["workflowExecutionInfo"]["closeStatus"], "WORKFLOW_EXECUTION_CLOSE_STATUS_TERMINATED", "{said}\n{d}");
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

/// Waits (bounded) until the worker has written `text` to stderr; returns all it wrote.
fn wait_for_worker_line(w: &WorkerProcess, text: &str, within: Duration) -> String {
    let deadline = Instant::now() + within;
    loop {
        let said = w.stderr.lock().unwrap().clone();
        if said.contains(text) {
            return said;
        }
        assert!(Instant::now() < deadline, "the worker did not write {text:?} within {within:?}:\n{said}");
        std::thread::sleep(Duration::from_millis(100));
    }
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

/// `bridge` with `args` against the test server: its exit status and stderr.
fn bridge_cli(args: &[&str]) -> (Option<i32>, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_bridge")).args(["--address", &address()]).args(args).output().unwrap();
    (out.status.code(), String::from_utf8_lossy(&out.stderr).into_owned())
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

    // A cancel request (`cadence wf cancel`) writes an event the workshop's workflow
    // never does: the table cannot show it, and says where the history can be seen.
    let cancelled = unserved("Cancelled");
    let _cleanup = Cleanup(cancelled.clone());
    Cadence::new(Cadence::GRPC).run(&["wf", "cancel", "--workflow_id", &cancelled]);
    let out = bridge(&["wf", "show", "--workflow_id", &cancelled]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{stderr}");
    assert!(stderr.contains("WorkflowExecutionCancelRequested events cannot be read here"), "{stderr}");
    assert!(stderr.contains("`bridge wf show --json` prints the history as the server sent it"), "{stderr}");
    let out = bridge(&["wf", "show", "--workflow_id", &cancelled, "--json"]);
    assert!(out.status.success() && String::from_utf8_lossy(&out.stdout).contains("workflowExecutionCancelRequestedEventAttributes"));
}

/// What the port in front of the server does with a TerminateWorkflowExecution call.
#[derive(Clone, Copy, PartialEq)]
enum Terminates {
    /// Answers HTTP 503 ("unavailable", as a server going away answers).
    Refuse,
    /// Keeps it, unanswered, until told what to do with it: a terminate known to be
    /// under way for as long as the test needs.
    Hold,
    /// Passes it on, as every other call.
    Pass,
}

/// The server behind a port of the test's own that passes every call on but
/// TerminateWorkflowExecution, which it handles as the test says (see [`Terminates`]),
/// and counts.
struct TerminateGate {
    url: String,
    state: Arc<(Mutex<Gate>, Condvar)>,
}

struct Gate {
    terminates: Terminates,
    /// The workflow IDs of the terminates that reached the port, in order.
    arrived: Vec<String>,
    /// Of those, how many it holds now.
    held: usize,
}

impl TerminateGate {
    fn start(terminates: Terminates) -> TerminateGate {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let state = Arc::new((Mutex::new(Gate { terminates, arrived: Vec::new(), held: 0 }), Condvar::new()));
        let s = state.clone();
        std::thread::spawn(move || {
            for conn in listener.incoming().flatten() {
                let s = s.clone();
                std::thread::spawn(move || pass_on(conn, &s));
            }
        });
        TerminateGate { url, state }
    }

    /// Terminates are handled as `terminates` says from now on, the held ones too;
    /// returns once none is held (unless it is to hold them).
    fn set(&self, terminates: Terminates) {
        let (gate, changed) = &*self.state;
        gate.lock().unwrap().terminates = terminates;
        changed.notify_all();
        drop(self.wait(Duration::from_secs(10), "the held terminates to be let go", |g| terminates == Terminates::Hold || g.held == 0));
    }

    /// The workflow IDs of the first `n` terminates that reached the port, once they have.
    fn arrived(&self, n: usize, within: Duration) -> Vec<String> {
        self.wait(within, &format!("{n} terminates to arrive"), |g| g.arrived.len() >= n).arrived[..n].to_vec()
    }

    fn wait(&self, within: Duration, what: &str, done: impl Fn(&Gate) -> bool) -> std::sync::MutexGuard<'_, Gate> {
        let (gate, changed) = &*self.state;
        let (g, timeout) = changed.wait_timeout_while(gate.lock().unwrap(), within, |g| !done(g)).unwrap();
        assert!(!timeout.timed_out(), "the port waited {within:?} for {what}; terminates so far: {:?}", g.arrived);
        g
    }
}

/// Whether the port refuses the terminate of `body` (which has reached it): once it is
/// no longer to hold it.
fn refuses(state: &(Mutex<Gate>, Condvar), body: &[u8]) -> bool {
    let (gate, changed) = state;
    let workflow_id = serde_json::from_slice::<serde_json::Value>(body).unwrap_or_default()["workflowExecution"]["workflowId"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let mut g = gate.lock().unwrap();
    g.arrived.push(workflow_id);
    g.held += 1;
    changed.notify_all();
    let mut g = changed.wait_while(g, |g| g.terminates == Terminates::Hold).unwrap();
    g.held -= 1;
    changed.notify_all();
    g.terminates == Terminates::Refuse
}

/// One connection's requests (HTTP/1.1, kept alive), each answered in turn.
fn pass_on(conn: TcpStream, state: &(Mutex<Gate>, Condvar)) -> std::io::Result<()> {
    let upstream = reqwest::blocking::Client::builder().timeout(None).build().map_err(std::io::Error::other)?;
    let mut reader = BufReader::new(conn.try_clone()?);
    let mut conn = conn;
    loop {
        let mut request_line = String::new();
        if reader.read_line(&mut request_line)? == 0 {
            return Ok(());
        }
        let mut headers = Vec::new();
        loop {
            let mut h = String::new();
            reader.read_line(&mut h)?;
            match h.trim_end().split_once(':') {
                Some((k, v)) => headers.push((k.trim().to_ascii_lowercase(), v.trim().to_owned())),
                None => break,
            }
        }
        let len = headers.iter().find(|(k, _)| k == "content-length").map_or(0, |(_, v)| v.parse().unwrap_or(0));
        let mut body = vec![0; len];
        reader.read_exact(&mut body)?;
        let terminate = headers.iter().any(|(k, v)| k == "rpc-procedure" && v.ends_with("::TerminateWorkflowExecution"));
        let (status, answer_headers, text) = if terminate && refuses(state, &body) {
            (503, vec![("rpc-error-code".to_owned(), "unavailable".to_owned())], b"the test's port refuses terminates".to_vec())
        } else {
            let mut call = upstream.post(format!("{}/", address().trim_end_matches('/')));
            for (k, v) in headers.iter().filter(|(k, _)| k.starts_with("rpc-") || k == "context-ttl-ms" || k == "content-type") {
                call = call.header(k, v);
            }
            let resp = call.body(body).send().map_err(std::io::Error::other)?;
            let status = resp.status().as_u16();
            let answer_headers = resp
                .headers()
                .iter()
                .filter(|(k, _)| k.as_str().starts_with("rpc-") || k.as_str() == "content-type")
                .map(|(k, v)| (k.to_string(), v.to_str().unwrap_or_default().to_owned()))
                .collect();
            (status, answer_headers, resp.bytes().map_err(std::io::Error::other)?.to_vec())
        };
        let mut head = format!("HTTP/1.1 {status} Answer\r\ncontent-length: {}\r\n", text.len());
        for (k, v) in answer_headers {
            head.push_str(&format!("{k}: {v}\r\n"));
        }
        head.push_str("\r\n");
        conn.write_all(head.as_bytes())?;
        conn.write_all(&text)?;
    }
}

/// The workflow a note names ("... workflow W may be open ...") and the command it
/// gives in backquotes after it, run against `address` (by then passing terminates on).
fn end_as_told(note: &str, before: &str) -> (String, std::process::Output) {
    let rest = note.split(before).nth(1).unwrap_or_else(|| panic!("no {before:?} in: {note}"));
    let workflow_id = rest.split(' ').next().unwrap().to_owned();
    let command = rest.split('`').nth(1).unwrap_or_else(|| panic!("no command: {note}"));
    let args: Vec<&str> = command.split_whitespace().collect();
    assert_eq!(args[0], "bridge", "{note}");
    assert!(command.ends_with(&format!("wf terminate --wid {workflow_id}")), "{command}");
    (workflow_id, Command::new(env!("CARGO_BIN_EXE_bridge")).args(&args[1..]).output().unwrap())
}

/// A scenario file, named `name`, that starts an order of a fresh ID and runs it to
/// its first timer: it ends with its workflow running, for the run to terminate.
fn a_scenario_that_ends_running(name: &str) -> std::path::PathBuf {
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
    let port = TerminateGate::start(Terminates::Refuse);
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
    port.set(Terminates::Pass);
    let (named, ended) = end_as_told(note, "its workflow ");
    assert_eq!(named, workflow_id);
    assert!(ended.status.success(), "{}", String::from_utf8_lossy(&ended.stderr));
    let d = c.describe(DOMAIN, &workflow_id, "").unwrap();
    assert_eq!(d["workflowExecutionInfo"]["closeStatus"], "WORKFLOW_EXECUTION_CLOSE_STATUS_TERMINATED", "{d}");
}

/// `bridge load` of many lifecycles, `concurrency` at a time, at `url`, once its first
/// workflow has its first activity: the load's process and its prefix. A worker must be
/// running.
fn a_load_under_way(c: &Client, url: &str, prefix: &str, concurrency: usize) -> (WorkerProcess, String) {
    let prefix = fresh_id(prefix);
    let mut load = Command::new(env!("CARGO_BIN_EXE_bridge"));
    load.args(["--address", url, "load", "--workflows", "200", "--concurrency", &concurrency.to_string(), "--prefix", &prefix]);
    let load = WorkerProcess::spawn_command(load);
    wait_for(c, &format!("{prefix}-0"), Duration::from_secs(60), "the load's first activity", has(EventType::ActivityTaskScheduled));
    (load, prefix)
}

/// The load's workflows still open on the server, ended here so no later test meets them.
fn open_of_the_load(c: &Client, prefix: &str) -> Vec<String> {
    let open: Vec<String> =
        c.list_open(DOMAIN, 1000).unwrap().into_iter().map(|w| w.workflow_id).filter(|w| w.starts_with(&format!("{prefix}-"))).collect();
    for id in &open {
        let _ = c.terminate(DOMAIN, id, "", "test over");
    }
    open
}

/// A load of `concurrency` lifecycles at a time through `port`, stopped where it is: its
/// worker stopped, so that none of its workflows moves on or closes by itself. Returns
/// the load, its prefix and its workflows in flight (all open on the server), in order.
fn a_load_held_still(c: &Client, port: &TerminateGate, prefix: &str, concurrency: usize) -> (WorkerProcess, String, Vec<String>) {
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

fn is_open(c: &Client, workflow_id: &str) -> bool {
    c.describe(DOMAIN, workflow_id, "").unwrap()["workflowExecutionInfo"].get("closeStatus").is_none()
}

/// Workflow IDs of one load in the order of their numbers (`P-9` before `P-10`).
fn in_order(ids: &mut [String]) {
    ids.sort_by_key(|id| (id.len(), id.clone()));
}

#[test]
#[ignore = "needs a Cadence server: scripts/test-bridge.sh"]
fn a_second_ctrl_c_during_a_load_does_not_cut_its_cleanup_short() {
    let c = client();
    let port = TerminateGate::start(Terminates::Hold);
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
    port.set(Terminates::Pass);
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
    let port = TerminateGate::start(Terminates::Hold);
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
    port.set(Terminates::Refuse);
    port.set(Terminates::Pass);
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
    let port = TerminateGate::start(Terminates::Refuse);
    let (mut load, prefix) = a_load_under_way(&c, &port.url, "load-unended", 3);
    load.signal(libc::SIGINT);
    let status = load.exited_within(Duration::from_secs(30), "Ctrl-C did not end the load");
    let said = wait_for_worker_line(&load, "load: interrupted: ", Duration::from_secs(10));
    assert_eq!(status.code(), Some(130), "{said}");
    let notes: Vec<&str> = said.lines().filter(|l| l.starts_with(&format!("load: {prefix}-"))).collect();
    // Every terminate was refused: none is said to be terminated.
    assert!(!notes.is_empty() && said.contains(&format!("; the {} in flight may be open on the server (above)", notes.len())), "{said}");
    // Each one named is open, and what its note says to type ends it.
    port.set(Terminates::Pass);
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
fn a_ctrl_c_after_a_scenarios_last_step_lets_the_run_finish_and_says_it_was_interrupted() {
    // A scenario that ends with its workflow running: once the steps are done, the run
    // terminates it, through a port that holds that terminate until the Ctrl-C is in.
    // The run used to take no notice of a Ctrl-C then, and exit 0.
    let c = client();
    let port = TerminateGate::start(Terminates::Hold);
    let path = a_scenario_that_ends_running("after-last-step");
    let mut run = Command::new(env!("CARGO_BIN_EXE_bridge"));
    run.args(["--address", &port.url, "scenario", "run"]).arg(&path);
    let mut run = WorkerProcess::spawn_command(run);
    let ending = port.arrived(1, Duration::from_secs(60));
    std::fs::remove_file(&path).ok();
    let workflow_id = ending[0].clone();
    let _cleanup = Cleanup(workflow_id.clone());
    run.interrupt_taken();
    port.set(Terminates::Pass);
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

#[test]
#[ignore = "needs a Cadence server: scripts/test-bridge.sh"]
fn a_load_whose_failed_lifecycles_cannot_be_terminated_names_each_with_the_command_that_ends_it() {
    let c = client();
    let port = TerminateGate::start(Terminates::Refuse);
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
    port.set(Terminates::Pass);
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
