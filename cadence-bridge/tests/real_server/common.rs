//! What every server test shares: the server's address and a client of it, fresh
//! workflow IDs, `bridge` (a worker, a load, a scenario run) as a child process whose
//! stderr is collected, the guards that end a test's workflow and process however the
//! test ends, waits for evidence in a history or a query's answer, and the real
//! `cadence` CLI.

use std::io::Read;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use cadence_bridge::client::{Client, StartOptions};
use postflow_core::history::{EventAttributes, EventType, HistoryEvent};
use postflow_core::postal;
use postflow_core::scenario::BUILTIN;

pub const DOMAIN: &str = postal::DOMAIN;

pub fn address() -> String {
    std::env::var("POSTFLOW_CADENCE_HTTP").unwrap_or_else(|_| "http://127.0.0.1:8800".into())
}

pub fn client() -> Client {
    Client::new(&address(), "bridge-test").unwrap()
}

pub fn repo() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

pub fn order(id: &str, customer: &str, amount: u32) -> String {
    format!(r#"{{"id":"{id}","customer":"{customer}","amount":{amount},"address":"Uber office","sendFrom":"Aarhus"}}"#)
}

/// A workflow ID no earlier run used, so tests can be repeated on one server.
pub fn fresh_id(prefix: &str) -> String {
    format!("{prefix}-{}", uuid::Uuid::new_v4().simple())
}

/// `bridge worker` as a child process, its stderr collected (and its stdout: a load's or
/// a scenario run's result).
pub struct WorkerProcess {
    pub child: Child,
    pub stderr: Arc<Mutex<String>>,
    pub stdout: Arc<Mutex<String>>,
}

/// Copies what `pipe` gives into a string, from a thread of its own, until it ends.
fn collect(mut pipe: impl Read + Send + 'static) -> Arc<Mutex<String>> {
    let text = Arc::new(Mutex::new(String::new()));
    let sink = text.clone();
    std::thread::spawn(move || {
        let mut buf = [0u8; 4096];
        while let Ok(n) = pipe.read(&mut buf) {
            if n == 0 {
                break;
            }
            sink.lock().unwrap().push_str(&String::from_utf8_lossy(&buf[..n]));
        }
    });
    text
}

impl WorkerProcess {
    /// `bridge worker --timer-unit 1s` (timers in seconds, not minutes).
    pub fn spawn(extra: &[&str]) -> WorkerProcess {
        WorkerProcess::spawn_plain(&[&["--timer-unit", "1s"], extra].concat())
    }

    /// `bridge worker` with only `extra` flags.
    pub fn spawn_plain(extra: &[&str]) -> WorkerProcess {
        let mut bridge = Command::new(env!("CARGO_BIN_EXE_bridge"));
        bridge.args(["--address", &address(), "worker"]).args(extra);
        WorkerProcess::spawn_command(bridge)
    }

    /// Any worker program (ours or the Go workshop worker), stopped when the test ends
    /// however it ends.
    pub fn spawn_command(mut command: Command) -> WorkerProcess {
        let mut child = command.stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().expect("start the worker");
        let stderr = collect(child.stderr.take().unwrap());
        let stdout = collect(child.stdout.take().unwrap());
        WorkerProcess { child, stderr, stdout }
    }

    pub fn signal(&mut self, sig: libc::c_int) {
        unsafe { libc::kill(self.child.id() as libc::pid_t, sig) };
    }

    /// The exit status, once the process has ended on its own; fails the test, naming
    /// `what` and what the process said, if it has not within `within`.
    pub fn exited_within(&mut self, within: Duration, what: &str) -> std::process::ExitStatus {
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
    pub fn stop(mut self) -> (Option<i32>, String) {
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

    /// Ctrl-C, returning once the process has taken it (no longer pending for it), so
    /// that the next one is a signal of its own, not merged with this one.
    pub fn interrupt_taken(&mut self) {
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
    pub fn ended(mut self, within: Duration, what: &str) -> (Option<i32>, String) {
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
pub struct Cleanup(pub String);

impl Drop for Cleanup {
    fn drop(&mut self) {
        let _ = client().terminate(DOMAIN, &self.0, "", "test over");
    }
}

pub fn start(c: &Client, id: &str, input: &str) -> String {
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
pub fn wait_for(c: &Client, id: &str, within: Duration, what: &str, done: impl Fn(&[HistoryEvent]) -> bool) -> Vec<HistoryEvent> {
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
pub fn wait_for_status(c: &Client, id: &str, within: Duration, what: &str, done: impl Fn(&str) -> bool) -> String {
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

pub fn has(t: EventType) -> impl Fn(&[HistoryEvent]) -> bool {
    move |h| h.iter().any(|e| e.event_type() == t)
}

pub fn count(h: &[HistoryEvent], pred: impl Fn(&EventAttributes) -> bool) -> usize {
    h.iter().filter(|e| pred(&e.attributes)).count()
}

/// The real `cadence` CLI over one transport: `--transport grpc` on 7833, or the CLI's
/// default, tchannel, on the frontend's 7933 (the dev server's `rpc.port`).
pub struct Cadence {
    cli: std::path::PathBuf,
    transport: &'static [&'static str],
}

impl Cadence {
    pub const GRPC: &'static [&'static str] = &["--transport", "grpc", "--address", "127.0.0.1:7833"];
    pub const TCHANNEL: &'static [&'static str] = &["--address", "127.0.0.1:7933"];

    pub fn new(transport: &'static [&'static str]) -> Cadence {
        let bin = Command::new(repo().join("scripts/cadence-dev.sh")).arg("bin").output().unwrap();
        let cli = std::path::PathBuf::from(String::from_utf8_lossy(&bin.stdout).trim()).join("cadence");
        assert!(cli.exists(), "no cadence CLI at {}", cli.display());
        Cadence { cli, transport }
    }

    /// `cadence <transport> --domain cadence-workshop <args>`: output and success.
    pub fn try_run(&self, args: &[&str]) -> (bool, String) {
        let out = Command::new(&self.cli).args(self.transport).args(["--domain", DOMAIN]).args(args).output().unwrap();
        (out.status.success(), format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr)))
    }

    pub fn run(&self, args: &[&str]) -> String {
        let (ok, text) = self.try_run(args);
        assert!(ok, "cadence {:?} {args:?} failed:\n{text}", self.transport);
        text
    }

    /// `wf start ...` as the workshop writes it; the workflow ID the CLI printed.
    pub fn start(&self, args: &[&str]) -> String {
        let text = self.run(&[&["wf", "start"], args].concat());
        let id = text.split("Workflow Id: ").nth(1).and_then(|r| r.split(',').next()).map(str::trim);
        id.unwrap_or_else(|| panic!("no workflow ID in:\n{text}")).to_owned()
    }
}

/// The result of a completed workflow, waiting (bounded) for it.
pub fn completed_result(c: &Client, id: &str, within: Duration) -> String {
    let h = wait_for(c, id, within, "completion", |h| h.last().is_some_and(|e| e.event_type().is_workflow_close()));
    match &h.last().unwrap().attributes {
        EventAttributes::WorkflowExecutionCompleted(a) => a.result.as_ref().unwrap().to_text(),
        other => panic!("{id} did not complete: {other:?}\n{}", postflow_core::history::table::render(&h, None)),
    }
}

/// A built-in scenario whose order (and so workflow) ID is `id` instead of `Order123`,
/// in its input and in the results it expects ("Order Order123 processed ...").
pub fn builtin_as(name: &str, id: &str) -> String {
    let b = BUILTIN.iter().find(|b| b.name == name).unwrap_or_else(|| panic!("no built-in {name}"));
    assert!(b.toml.contains("\"Order123\""), "{name} no longer orders Order123");
    b.toml.replace("Order123", id)
}

/// Waits (bounded) until the worker has written `text` to stderr; returns all it wrote.
pub fn wait_for_worker_line(w: &WorkerProcess, text: &str, within: Duration) -> String {
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

/// Waits (bounded) until the process has written `text` to stdout; returns all it wrote.
pub fn wait_for_worker_output(w: &WorkerProcess, text: &str, within: Duration) -> String {
    let deadline = Instant::now() + within;
    loop {
        let said = w.stdout.lock().unwrap().clone();
        if said.contains(text) {
            return said;
        }
        assert!(Instant::now() < deadline, "the process did not print {text:?} within {within:?}:\n{said}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// `bridge` with `args` against the test server: its exit status and stderr.
pub fn bridge_cli(args: &[&str]) -> (Option<i32>, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_bridge")).args(["--address", &address()]).args(args).output().unwrap();
    (out.status.code(), String::from_utf8_lossy(&out.stderr).into_owned())
}

pub fn is_open(c: &Client, workflow_id: &str) -> bool {
    c.describe(DOMAIN, workflow_id, "").unwrap()["workflowExecutionInfo"].get("closeStatus").is_none()
}

/// The workshop's Go worker (`POSTFLOW_GO_WORKER`: the Cadence Go client, gRPC, sticky
/// cache on), a minute per day, its estimates seeded. A guard, not a bare child: if a
/// test fails, its Go worker must not live on and answer the next test's workflows.
pub fn go_worker() -> WorkerProcess {
    let path =
        std::env::var("POSTFLOW_GO_WORKER").expect("POSTFLOW_GO_WORKER: the workshop-worker binary (scripts/test-bridge.sh builds it)");
    let mut go = Command::new(path);
    go.args(["--address", "127.0.0.1:7833", "--timer-unit", "1m", "--seed", "7"]);
    WorkerProcess::spawn_command(go)
}

/// Our worker as [`go_worker`] runs the Go one: a minute per day, its estimates drawn
/// from `seed` (each run's anew; see [`seed_drawing`]).
pub fn seeded_worker(seed: u64) -> WorkerProcess {
    WorkerProcess::spawn_plain(&["--timer-unit", "60s", "--seed", &seed.to_string()])
}

/// The estimates (days) a history's estimate activities returned, in order.
pub fn estimates(h: &[HistoryEvent]) -> Vec<u64> {
    h.iter()
        .filter_map(|e| match &e.attributes {
            EventAttributes::ActivityTaskCompleted(a) => a.result.as_ref().and_then(|r| r.to_text().trim().parse().ok()),
            _ => None,
        })
        .collect()
}

/// A seed whose first estimates are `wanted`: our worker (`--seed`) and the simulator
/// (its session's seed) then draw what the Go worker's estimator drew.
pub fn seed_drawing(wanted: &[u64]) -> u64 {
    (1..)
        .find(|s| {
            let mut r = postflow_core::rng::SplitMix64::new(*s);
            wanted.iter().all(|w| r.one_to(3) == *w)
        })
        .unwrap()
}

/// `bridge wf <args>` against the test server: exit status, stdout, stderr.
pub fn bridge_wf(args: &[&str]) -> (Option<i32>, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_bridge")).args(["--address", &address(), "wf"]).args(args).output().unwrap();
    (out.status.code(), String::from_utf8_lossy(&out.stdout).into_owned(), String::from_utf8_lossy(&out.stderr).into_owned())
}
