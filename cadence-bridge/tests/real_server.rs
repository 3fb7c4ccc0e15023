//! Against a real Cadence server (`scripts/test-bridge.sh` starts one and runs these
//! with `-- --ignored --test-threads=1`). They share the workshop's task list, so they
//! must not run at the same time. The server's HTTP address comes from
//! POSTFLOW_CADENCE_HTTP (default http://127.0.0.1:8800).

use std::io::Read;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use cadence_bridge::client::{Client, StartOptions};
use cadence_bridge::scenario::{RunOptions, not_comparable, play};
use cadence_bridge::{BridgeError, compare};
use postflow_core::history::{EventAttributes, EventType, HistoryEvent};
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
    fn spawn(extra: &[&str]) -> WorkerProcess {
        let mut child = Command::new(env!("CARGO_BIN_EXE_bridge"))
            .args(["--address", &address(), "worker", "--timer-unit", "1s", "--poll-timeout", "5s"])
            .args(extra)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start bridge worker");
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
        if let Ok(a) = &answer {
            if done(a) {
                return a.clone();
            }
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
            timer_unit: Some(Duration::from_secs(1)),
            step_timeout: Duration::from_secs(60),
            verbose: false,
        };
        match play(&c, &s, &o) {
            Ok(p) if p.equal() => compared.push(b.name),
            Ok(p) => failures.push(format!("{}:\n{}\n{}", b.name, p.problems.join("\n"), p.diff.join("\n"))),
            Err(e) => failures.push(format!("{}: {e}", b.name)),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    // The ones a real server can reproduce; a scenario silently dropping out would be a regression.
    for name in ["happy-path", "amount-over-25", "empty-customer", "scan-before-loop", "signal-after-completion"] {
        assert!(compared.contains(&name), "{name} was not compared: {compared:?}");
    }
}

#[test]
#[ignore = "needs a Cadence server: scripts/test-bridge.sh"]
fn the_workshops_cadence_cli_commands_drive_our_worker() {
    let bin = Command::new(repo().join("scripts/cadence-dev.sh")).arg("bin").output().unwrap();
    let cli = std::path::PathBuf::from(String::from_utf8_lossy(&bin.stdout).trim()).join("cadence");
    assert!(cli.exists(), "no cadence CLI at {}", cli.display());
    let cadence = |args: &[&str]| {
        let out = Command::new(&cli)
            .args(["--transport", "grpc", "--address", "127.0.0.1:7833", "--domain", DOMAIN, "workflow"])
            .args(args)
            .output()
            .unwrap();
        let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
        assert!(out.status.success(), "cadence {args:?} failed:\n{text}");
        text
    };
    let worker = WorkerProcess::spawn(&[]);
    let c = client();
    let id = fresh_id("cli");
    let _cleanup = Cleanup(id.clone());
    let input = order(&id, "Cadence", 20);
    // The workshop's commands, word for word apart from the ID.
    cadence(&[
        "start",
        "--tasklist",
        "tasklist",
        "--workflow_type",
        "OrderProcessingWorkflowComplete",
        "--execution_timeout",
        "600",
        "--workflow_id",
        &id,
        "--input",
        &input,
    ]);
    wait_for(&c, &id, Duration::from_secs(60), "TimerStarted", has(EventType::TimerStarted));
    let answer = cadence(&["query", "--workflow_id", &id, "--query_type", "current_status"]);
    assert!(answer.contains("Aarhus") && answer.contains("false"), "{answer}");
    cadence(&["signal", "--workflow_id", &id, "--name", "ScanSignal", "--input", r#"{"location":"Delft"}"#]);
    // The workshop's query, asked again until the workflow has read the scan (the
    // signal is in history at once; the selector reads it in a later decision task).
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let answer = cadence(&["query", "--workflow_id", &id, "--query_type", "current_status"]);
        if answer.contains("Delft") {
            break;
        }
        assert!(Instant::now() < deadline, "the scan never showed in current_status; the last answer was:\n{answer}");
        std::thread::sleep(Duration::from_millis(200));
    }
    cadence(&["signal", "--workflow_id", &id, "--name", "DeliveredSignal"]);
    let h = wait_for(&c, &id, Duration::from_secs(30), "completion", has(EventType::WorkflowExecutionCompleted));
    match &h.last().unwrap().attributes {
        EventAttributes::WorkflowExecutionCompleted(a) => {
            let result = a.result.as_ref().unwrap().to_text();
            assert!(result.contains(&format!("Order {id} processed successfully for customer Cadence")), "{result}");
        }
        other => panic!("{other:?}"),
    }
    // An unknown query type is answered with the runtime's message, not a hang.
    let out = Command::new(&cli)
        .args([
            "--transport",
            "grpc",
            "--address",
            "127.0.0.1:7833",
            "--domain",
            DOMAIN,
            "workflow",
            "query",
            "--workflow_id",
            &id,
            "--query_type",
            "nope",
        ])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stderr).to_string() + &String::from_utf8_lossy(&out.stdout);
    assert!(!out.status.success() && text.contains("unknown queryType nope"), "{text}");
    let (code, log) = worker.stop();
    assert_eq!(code, Some(0), "the worker did not stop cleanly on SIGTERM:\n{log}");
    assert!(log.contains("stopped;"), "{log}");
}

#[test]
#[ignore = "needs a Cadence server: scripts/test-bridge.sh"]
fn a_worker_killed_mid_workflow_and_restarted_finishes_it_with_nothing_lost() {
    let c = client();
    let id = fresh_id("kill");
    let _cleanup = Cleanup(id.clone());
    let mut worker = WorkerProcess::spawn(&[]);
    start(&c, &id, &order(&id, "Cadence", 20));
    // Mid-workflow: the payment went through and shipping has been scheduled.
    wait_for(&c, &id, Duration::from_secs(60), "shipProduct", |h| {
        h.iter()
            .any(|e| matches!(&e.attributes, EventAttributes::ActivityTaskScheduled(a) if a.activity_type.name == "shipProductComplete"))
    });
    worker.signal(libc::SIGKILL);
    let _ = worker.child.wait();
    drop(worker);
    // A signal sent while no worker runs waits in history.
    c.signal(DOMAIN, &id, "", "ScanSignal", Some(r#"{"location":"Delft"}"#)).unwrap();
    let worker = WorkerProcess::spawn(&[]);
    // The restarted worker ships, estimates, starts the timer and only then reaches the
    // selector that reads the scan: the query shows Delft once it has.
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
    let e = c
        .start_workflow(&StartOptions {
            domain: DOMAIN.into(),
            workflow_id: id.clone(),
            workflow_type: "OrderProcessingWorkflowComplete".into(),
            task_list: "tasklist".into(),
            input: None,
            execution_timeout: Duration::from_secs(60),
            task_timeout: Duration::from_secs(10),
            id_reuse_policy: Some("RejectDuplicate".into()),
        })
        .unwrap_err();
    assert!(matches!(e, BridgeError::AlreadyStarted(_)), "{e}");
    assert!(c.list_open(DOMAIN, 1000).unwrap().iter().any(|w| w.workflow_id == id), "a started workflow is not listed as open");
    c.terminate(DOMAIN, &id, "", "test over").unwrap();
    let e = c.describe_domain("no-such-domain-here").unwrap_err();
    assert!(matches!(e, BridgeError::NotFound(_)), "{e}");
    let e = c.query(DOMAIN, &id, "", "current_status", None);
    // A terminated workflow that never ran a decision cannot answer: an error, not a hang.
    assert!(e.is_err() || e.as_ref().is_ok_and(|a| a.contains("locationHistory")), "{e:?}");
    // The CLI exits non-zero with the message.
    let out = Command::new(env!("CARGO_BIN_EXE_bridge"))
        .args(["--address", &address(), "wf", "show", "--workflow_id", &missing])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("not found"), "{}", String::from_utf8_lossy(&out.stderr));
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
    assert!(!out.status.success() && String::from_utf8_lossy(&out.stderr).contains("not reachable"));
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
    assert!(log.contains("reachable again"), "{log}");
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
