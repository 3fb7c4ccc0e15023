//! A load driver: full order lifecycles (start, N scans, delivered) through a real
//! server, served by a separately running `bridge worker`. Not a test: it measures. A
//! server that goes away meanwhile is waited for, step by step (see [`run`]).
//!
//! Latency is read from the histories the server wrote (DecisionTaskScheduled to
//! DecisionTaskCompleted event times), so it includes matching's dispatch, the HTTP
//! round trips and our replay, as a user of the server would see it.

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use postflow_core::count::plural;
use postflow_core::history::{EventAttributes, EventType, HistoryEvent};

use crate::away::{GaveUp, ServerAway, until_answered, waited_while_away};
use crate::client::{Client, StartOptions, request_id};
use crate::error::BridgeError;
use crate::shutdown::{Unfinished, bridge_command, may_be_open, terminate_command};

/// What a load runs.
pub struct Plan<'a> {
    /// Lifecycles in all.
    pub workflows: usize,
    /// Lifecycles in flight at once.
    pub concurrency: usize,
    /// Scans per lifecycle.
    pub scans: usize,
    /// Workflow IDs are PREFIX-N.
    pub prefix: &'a str,
    /// How long one step of a lifecycle may go without its history moving on.
    pub step_timeout: Duration,
}

/// A lifecycle that did not complete.
pub struct Failure {
    /// What went wrong and what became of its workflow: `load-3: waited ...; its
    /// workflow was terminated on the server ...`.
    pub said: String,
    /// Its workflow may be open on the server (`said` gives the command that ends it).
    pub left_open: bool,
}

pub struct LoadReport {
    pub lifecycles: usize,
    /// In the order they happened.
    pub failures: Vec<Failure>,
    /// The run was interrupted (Ctrl-C): no lifecycle started after it.
    pub interrupted: bool,
    /// Workflows in flight when it was interrupted, terminated on the server.
    pub terminated: usize,
    /// Workflows in flight whose terminate failed: each named, with the command that ends it.
    pub left_open: Vec<String>,
    /// A lifecycle failed because the server was away for a whole step timeout: no
    /// lifecycle started after that (they would each wait out the timeout in turn), and
    /// this many of the plan's were never started.
    pub never_started: Option<usize>,
    pub elapsed: Duration,
    /// Server-side decision-task latencies, scheduled to completed.
    pub decision_latencies: Vec<Duration>,
}

impl LoadReport {
    pub fn percentile(&self, q: f64) -> Duration {
        let mut l = self.decision_latencies.clone();
        if l.is_empty() {
            return Duration::ZERO;
        }
        l.sort();
        l[((l.len() as f64 * q).ceil() as usize).clamp(1, l.len()) - 1]
    }
}

/// A lifecycle's workflow timeout: how long one left open stays open.
const EXECUTION_TIMEOUT: Duration = Duration::from_secs(600);

/// Waits (bounded by `within`, or until `interrupt`) until a worker polls `task_list`
/// (the lifecycles' is the workshop's) for decision tasks; `waiting` is called once if
/// none does at first. The lifecycles need one: without it each would wait out its
/// bound in silence.
pub fn wait_for_worker(
    client: &Client,
    domain: &str,
    task_list: &str,
    within: Duration,
    interrupt: &AtomicBool,
    waiting: impl FnOnce(),
) -> Result<(), BridgeError> {
    let deadline = Instant::now() + within;
    let mut waiting = Some(waiting);
    while client.decision_pollers(domain, task_list)?.is_empty() {
        if interrupt.load(Ordering::SeqCst) {
            return Err(BridgeError::Invalid("interrupted while waiting for a worker; nothing was started".into()));
        }
        if Instant::now() >= deadline {
            return Err(BridgeError::Invalid(format!(
                "no worker polls task list {task_list} in domain {domain} (waited {} s): `bridge load` starts workflows that a \
                 worker runs; start `bridge worker` in another terminal, then the load again",
                within.as_secs()
            )));
        }
        if let Some(w) = waiting.take() {
            w();
        }
        std::thread::sleep(Duration::from_millis(250));
    }
    Ok(())
}

/// Runs the lifecycles of `plan`. A lifecycle that fails (one of its steps did not move
/// on within the step timeout, or a call failed) has its workflow terminated, so that
/// it does not hold its ID until its execution timeout (a rerun with the same prefix
/// would meet it running); the failure says so, or names the workflow with the command
/// that ends it. Once `interrupt` is set no lifecycle starts, and those in flight stop
/// and terminate their workflows; a second signal does not cut that short, and a third
/// names the workflows it leaves (see [`Unfinished`]; the load keeps its workflows in
/// flight for it).
///
/// A server that goes away (stopped and started again, say) is ridden out: each step
/// reads the history and sends its start or signal again until the server is back or
/// the step timeout has passed (the start and the signals under a request ID kept
/// across their sends, so the server takes each once), and the load says once that
/// the server is not reachable and once that it is back. A lifecycle the server stayed
/// away from for a whole step timeout fails, naming the server; then no more start.
pub fn run(client: &Client, domain: &str, plan: &Plan, interrupt: &AtomicBool) -> LoadReport {
    let Plan { workflows: n, concurrency, scans, prefix, step_timeout } = *plan;
    let in_flight = InFlight::new(client, domain, prefix);
    let away = ServerAway::new("load");
    // The server stayed away for a whole step timeout: no lifecycle starts after that.
    let gone = AtomicBool::new(false);
    let next = AtomicUsize::new(0);
    let open = Mutex::new(Vec::new());
    let failures = Mutex::new(Vec::new());
    let latencies = Mutex::new(Vec::new());
    let done = AtomicUsize::new(0);
    let terminated = AtomicUsize::new(0);
    let t0 = Instant::now();
    let failed = |said: String, left_open: bool| failures.lock().unwrap_or_else(|p| p.into_inner()).push(Failure { said, left_open });
    std::thread::scope(|scope| {
        for _ in 0..concurrency.max(1) {
            scope.spawn(|| {
                loop {
                    if interrupt.load(Ordering::SeqCst) || gone.load(Ordering::SeqCst) {
                        break;
                    }
                    let i = next.fetch_add(1, Ordering::SeqCst);
                    if i >= n {
                        break;
                    }
                    let id = format!("{prefix}-{i}");
                    // From before its start until it is closed: a third Ctrl-C names it.
                    in_flight.add(i);
                    let l = Lifecycle { c: client, away: &away, domain, id: &id, bound: step_timeout, interrupt };
                    // Empty until the server has answered the start.
                    let mut run_id = String::new();
                    let outcome = l.start().and_then(|r| {
                        run_id = r;
                        l.rest(scans)
                    });
                    match outcome {
                        Ok(h) => {
                            in_flight.remove(i);
                            done.fetch_add(1, Ordering::SeqCst);
                            latencies.lock().unwrap_or_else(|p| p.into_inner()).extend(decision_latencies(&h));
                        }
                        // Before its start was answered, the workflow is ended by its ID:
                        // what runs under it is this load's (a start the server refuses
                        // for a running workflow is not sent again).
                        Err(Step::Interrupted) => match client.terminate(domain, &id, &run_id, "bridge load interrupted") {
                            Ok(()) => {
                                in_flight.remove(i);
                                terminated.fetch_add(1, Ordering::SeqCst);
                            }
                            // Closed on its own meanwhile, or never started: nothing left.
                            Err(BridgeError::Closed(_) | BridgeError::NotFound(_)) => in_flight.remove(i),
                            // Still named by a third Ctrl-C, and at the end.
                            Err(e) => open.lock().unwrap_or_else(|p| p.into_inner()).push(may_be_open(client, domain, &id, &e)),
                        },
                        Err(Step::Failed(e)) if run_id.is_empty() => {
                            // Refused: nothing of this load's is open under the ID; one that
                            // is running there is someone else's to end.
                            in_flight.remove(i);
                            failed(format!("{id}: {}", not_started(client, domain, &id, &e)), false);
                        }
                        Err(Step::Failed(e)) => {
                            // Ended, as a Ctrl-C ends it (named by a third one until then):
                            // left open, it would refuse a rerun's start of its ID.
                            let (ended, left_open) = end_failed(client, domain, &id, &run_id);
                            in_flight.remove(i);
                            failed(format!("{id}: {}; {ended}", e.to_string().trim_end_matches('.')), left_open);
                        }
                        Err(Step::Away(said)) => {
                            gone.store(true, Ordering::SeqCst);
                            let (ended, left_open) = if run_id.is_empty() {
                                end_unanswered(client, domain, &id)
                            } else {
                                end_failed(client, domain, &id, &run_id)
                            };
                            in_flight.remove(i);
                            failed(format!("{id}: {said}; {ended}"), left_open);
                        }
                    }
                }
            });
        }
    });
    let taken = next.load(Ordering::SeqCst).min(n);
    LoadReport {
        lifecycles: done.load(Ordering::SeqCst),
        failures: failures.into_inner().unwrap_or_default(),
        interrupted: interrupt.load(Ordering::SeqCst),
        terminated: terminated.load(Ordering::SeqCst),
        left_open: open.into_inner().unwrap_or_default(),
        never_started: gone.load(Ordering::SeqCst).then_some(n - taken),
        elapsed: t0.elapsed(),
        decision_latencies: latencies.into_inner().unwrap_or_default(),
    }
}

/// How many workflows a Ctrl-C's note names one by one; the rest are counted.
const NAMED: usize = 5;

/// The load's workflows that may be open on the server (from before their start until
/// they closed or were terminated), and the notes a second and a third Ctrl-C write
/// about them, held anew at every change: none while there is none, so that then a
/// second Ctrl-C quits at once, as there is nothing to wait for.
struct InFlight<'a> {
    client: &'a Client,
    domain: &'a str,
    prefix: &'a str,
    now: Mutex<(std::collections::BTreeSet<usize>, Option<Unfinished>)>,
}

impl<'a> InFlight<'a> {
    fn new(client: &'a Client, domain: &'a str, prefix: &'a str) -> InFlight<'a> {
        InFlight { client, domain, prefix, now: Mutex::new(Default::default()) }
    }

    fn add(&self, i: usize) {
        self.change(|ids| ids.insert(i));
    }

    fn remove(&self, i: usize) {
        self.change(|ids| ids.remove(&i));
    }

    fn change(&self, f: impl FnOnce(&mut std::collections::BTreeSet<usize>) -> bool) {
        let mut now = self.now.lock().unwrap_or_else(|p| p.into_inner());
        let (ids, held) = &mut *now;
        if !f(ids) {
            return;
        }
        let ids: Vec<String> = ids.iter().map(|i| format!("{}-{i}", self.prefix)).collect();
        *held = (!ids.is_empty()).then(|| {
            let (finishing, left) = notes(self.client, self.domain, self.prefix, &ids);
            Unfinished::hold(&finishing, &left)
        });
    }
}

/// What a second and a third Ctrl-C say while the workflows `ids` of a load may be
/// open: the first [`NAMED`] of them by name, each with the command that ends it, and
/// how many more, with the command that lists them.
fn notes(client: &Client, domain: &str, prefix: &str, ids: &[String]) -> (String, String) {
    let (them, their) = if ids.len() == 1 { ("it", "its") } else { ("them", "their") };
    let more = ids.len().saturating_sub(NAMED);
    let mut names = ids[..ids.len().min(NAMED)].join(", ");
    if more > 0 {
        names.push_str(&format!(" and {more} more"));
    }
    let finishing = format!(
        "bridge: finishing the cleanup: terminating the load's {} in flight ({names}) on the server (interrupt again to quit \
         now and leave {them} open until {their} execution timeout)",
        workflows(ids.len())
    );
    let mut left = format!(
        "bridge: quit before the cleanup ended: the load's {} in flight may be open on the server until {their} execution \
         timeout ({} s); end {them} with:",
        workflows(ids.len()),
        EXECUTION_TIMEOUT.as_secs()
    );
    for id in ids.iter().take(NAMED) {
        left.push_str(&format!("\n  {}", terminate_command(client, domain, id)));
    }
    if more > 0 {
        left.push_str(&format!(
            "\n  and {more} more ({prefix}-N): `{}` lists them among the open workflows",
            bridge_command(client, domain, "wf list")
        ));
    }
    (finishing, left)
}

fn workflows(n: usize) -> String {
    format!("{n} {}", plural(n as u64, "workflow"))
}

/// Why a lifecycle ended early.
#[derive(Debug)]
enum Step {
    /// Ctrl-C, with its workflow open on the server.
    Interrupted,
    Failed(BridgeError),
    /// The server was away for the whole step timeout: what the lifecycle waited for,
    /// and the server, named.
    Away(String),
}

/// What is said of a lifecycle whose workflow `start` refused to start with `error`.
fn not_started(client: &Client, domain: &str, id: &str, error: &BridgeError) -> String {
    match error.id_in_use_reason() {
        // An earlier load's, left open (killed, or quit with a third Ctrl-C), or anyone's:
        // not this load's to end.
        Some(reason) if reason.contains("already running") => format!(
            "not started: {reason} under this ID (left open by an earlier load with this --prefix?): run the load with another \
             --prefix, or end that workflow with `{}`",
            terminate_command(client, domain, id)
        ),
        _ => format!("not started: {error}"),
    }
}

/// Terminates the workflow (run `run_id`) of a lifecycle that failed, and says what
/// became of it, and whether it may be open still.
fn end_failed(client: &Client, domain: &str, id: &str, run_id: &str) -> (String, bool) {
    let show = bridge_command(client, domain, &format!("wf show --wid {id}"));
    match client.terminate(domain, id, run_id, "bridge load: its lifecycle failed") {
        Ok(()) => (format!("its workflow was terminated on the server (`{show}` shows where it stopped)"), false),
        Err(BridgeError::Closed(_) | BridgeError::NotFound(_)) => {
            (format!("its workflow had closed on the server already (`{show}` shows how)"), false)
        }
        Err(e) => (may_be_open(client, domain, id, &e), true),
    }
}

/// Ends lifecycle `id`'s workflow whose start the server never answered (it was away
/// the whole step timeout): a start sent while the server went away may have started
/// it. Says what became of it, and whether it may be open still.
fn end_unanswered(client: &Client, domain: &str, id: &str) -> (String, bool) {
    match client.terminate(domain, id, "", "bridge load: its lifecycle failed") {
        Ok(()) => ("its start had reached the server: its workflow was terminated on the server".into(), false),
        Err(BridgeError::Closed(_) | BridgeError::NotFound(_)) => ("its workflow was not started".into(), false),
        Err(e) => (format!("its start may have reached the server: {}", may_be_open(client, domain, id, &e)), true),
    }
}

const PLACES: [&str; 5] = ["Delft", "Utrecht", "Amsterdam", "Rotterdam", "Leiden"];

/// One lifecycle's calls and waits: each step (its start and first timer, each scan,
/// its delivery) within `bound`, riding out a server that is away meanwhile.
struct Lifecycle<'a> {
    c: &'a Client,
    away: &'a ServerAway,
    domain: &'a str,
    id: &'a str,
    bound: Duration,
    interrupt: &'a AtomicBool,
}

impl Lifecycle<'_> {
    /// Starts the workflow: its run ID. Sent again while the server is away, under one
    /// request ID, so that a start the server took but whose answer was lost is not a
    /// second start: the server answers it with the first one's run ID.
    fn start(&self) -> Result<String, Step> {
        let input = format!(r#"{{"id":"{}","customer":"Cadence","amount":20,"address":"Uber office","sendFrom":"Aarhus"}}"#, self.id);
        let options = StartOptions {
            domain: self.domain.into(),
            workflow_id: self.id.into(),
            workflow_type: "OrderProcessingWorkflowComplete".into(),
            task_list: postflow_core::postal::TASK_LIST.into(),
            input: Some(input),
            execution_timeout: EXECUTION_TIMEOUT,
            task_timeout: Duration::from_secs(10),
            id_reuse_policy: Some("AllowDuplicate".into()),
        };
        let request = request_id();
        self.call(Instant::now() + self.bound, "to start its workflow", || self.c.start_workflow_as(&options, &request))
    }

    /// The rest, once started: its scans and its delivery, each step awaited in the
    /// history, which it returns once closed.
    fn rest(&self, scans: usize) -> Result<Vec<HistoryEvent>, Step> {
        let deadline = Instant::now() + self.bound;
        self.wait(deadline, "the first notification timer to start", &|h| h.iter().any(|e| e.event_type() == EventType::TimerStarted))?;
        for (k, place) in PLACES.iter().cycle().take(scans).enumerate() {
            let deadline = Instant::now() + self.bound;
            self.signal(deadline, "ScanSignal", Some(&format!(r#"{{"location":"{place}"}}"#)))?;
            // The scan is handled once a decision completed after the (k+1)-th signal.
            self.wait(deadline, "the scan to be handled", &|h| {
                let signals: Vec<usize> =
                    h.iter().enumerate().filter(|(_, e)| e.event_type() == EventType::WorkflowExecutionSignaled).map(|(i, _)| i).collect();
                signals.get(k).is_some_and(|&at| h[at..].iter().any(|e| e.event_type() == EventType::DecisionTaskCompleted))
                    && !h.iter().rev().take(1).any(|e| e.event_type() == EventType::ActivityTaskScheduled)
            })?;
        }
        let deadline = Instant::now() + self.bound;
        self.signal(deadline, "DeliveredSignal", None)?;
        self.wait(deadline, "the workflow to close", &|h| h.last().is_some_and(|e| e.event_type().is_workflow_close()))
    }

    /// Signals, sent again while the server is away under one request ID: the server
    /// records it once however often it arrives.
    fn signal(&self, deadline: Instant, name: &str, input: Option<&str>) -> Result<(), Step> {
        let request = request_id();
        self.call(deadline, &format!("to signal {name}"), || self.c.signal_as(self.domain, self.id, "", name, input, &request))
    }

    /// Polls the history until `done` holds, until `deadline` (the step's), or until the
    /// run is interrupted.
    fn wait(&self, deadline: Instant, what: &str, done: &dyn Fn(&[HistoryEvent]) -> bool) -> Result<Vec<HistoryEvent>, Step> {
        loop {
            if self.interrupt.load(Ordering::SeqCst) {
                return Err(Step::Interrupted);
            }
            let h = self.call(deadline, &format!("for {what}"), || self.c.history(self.domain, self.id, ""))?;
            if done(&h) {
                return Ok(h);
            }
            if Instant::now() >= deadline {
                return Err(Step::Failed(BridgeError::Invalid(stuck(what, self.bound, &h))));
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// `call`, made again while the server is away, until `deadline`; `what` says what
    /// the step waited for, if the server stays away that long.
    fn call<T>(&self, deadline: Instant, what: &str, call: impl FnMut() -> Result<T, BridgeError>) -> Result<T, Step> {
        let interrupted = || self.interrupt.load(Ordering::SeqCst);
        until_answered(self.away, self.c.url(), deadline, &interrupted, call).map_err(|g| match g {
            GaveUp::Refused(e) => Step::Failed(e),
            GaveUp::Away { error, since } => Step::Away(waited_while_away(self.bound, what, self.c.url(), since, &error)),
            GaveUp::Stopped => Step::Interrupted,
        })
    }
}

/// A lifecycle that did not move on within `bound`, said with where it stopped.
fn stuck(what: &str, bound: Duration, h: &[HistoryEvent]) -> String {
    let last = h.last().map_or_else(|| "none".to_owned(), |e| format!("{} {:?}", e.event_id, e.event_type()));
    format!(
        "waited {} (--step-timeout) for {what}, and the history stopped at {} events (the last: {last}): check that a \
         `bridge worker` runs (its log says why a task failed)",
        postflow_core::time::format_duration_short(bound),
        h.len()
    )
}

/// Scheduled-to-completed time of every completed decision task in a history.
pub fn decision_latencies(h: &[HistoryEvent]) -> Vec<Duration> {
    h.iter()
        .filter_map(|e| match &e.attributes {
            EventAttributes::DecisionTaskCompleted(a) => {
                let scheduled = h.get(usize::try_from(a.scheduled_event_id).ok()?.checked_sub(1)?)?;
                Some(e.event_time.since(scheduled.event_time))
            }
            _ => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use std::io::{BufRead, BufReader, Read, Write};
    use std::sync::Arc;

    use serde_json::Value;

    use super::*;

    /// A server at a port of the test's own that takes the first request and hangs up
    /// without an answer (what a client sees of a server that goes away mid-call, or of
    /// an answer lost on the way), and answers every later one with `answer`: its URL,
    /// and the bodies of the requests it got.
    fn hangs_up_once_then_answers(answer: &'static str) -> (String, Arc<Mutex<Vec<Value>>>) {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let bodies = Arc::new(Mutex::new(Vec::new()));
        let got = bodies.clone();
        std::thread::spawn(move || {
            for (n, conn) in listener.incoming().flatten().enumerate() {
                let mut reader = BufReader::new(conn.try_clone().unwrap());
                let mut len = 0;
                loop {
                    let mut line = String::new();
                    reader.read_line(&mut line).unwrap();
                    if line.trim().is_empty() {
                        break;
                    }
                    if let Some((k, v)) = line.split_once(':')
                        && k.eq_ignore_ascii_case("content-length")
                    {
                        len = v.trim().parse().unwrap();
                    }
                }
                let mut body = vec![0; len];
                reader.read_exact(&mut body).unwrap();
                got.lock().unwrap().push(serde_json::from_slice(&body).unwrap());
                if n > 0 {
                    let mut conn = conn;
                    let head = format!("HTTP/1.1 200 OK\r\ncontent-length: {}\r\nconnection: close\r\n\r\n", answer.len());
                    conn.write_all(head.as_bytes()).unwrap();
                    conn.write_all(answer.as_bytes()).unwrap();
                }
            }
        });
        (url, bodies)
    }

    fn lifecycle<'a>(c: &'a Client, away: &'a ServerAway, bound: Duration, interrupt: &'a AtomicBool) -> Lifecycle<'a> {
        Lifecycle { c, away, domain: "cadence-workshop", id: "load-7", bound, interrupt }
    }

    #[test]
    fn a_start_whose_answer_was_lost_is_sent_again_under_its_request_id() {
        let (url, bodies) = hangs_up_once_then_answers(r#"{"runId":"run-1"}"#);
        let c = Client::new(&url, "test").unwrap();
        let (away, interrupt) = (ServerAway::new("load"), AtomicBool::new(false));
        let run_id = lifecycle(&c, &away, Duration::from_secs(30), &interrupt).start().unwrap();
        // The server took the first start, or not: the second, under the same request ID,
        // is answered with the first one's run ID, and starts nothing else.
        assert_eq!(run_id, "run-1");
        let bodies = bodies.lock().unwrap();
        assert_eq!(bodies.len(), 2, "{bodies:?}");
        assert_eq!(bodies[0], bodies[1]);
        assert!(bodies[0]["requestId"].as_str().is_some_and(|r| r.len() == 36), "{bodies:?}");
    }

    #[test]
    fn a_signal_whose_answer_was_lost_is_sent_again_under_its_request_id_and_the_server_said_away_and_back_once() {
        let (url, bodies) = hangs_up_once_then_answers("{}");
        let c = Client::new(&url, "test").unwrap();
        let (away, interrupt) = (ServerAway::new("load"), AtomicBool::new(false));
        let l = lifecycle(&c, &away, Duration::from_secs(30), &interrupt);
        l.signal(Instant::now() + l.bound, "ScanSignal", Some(r#"{"location":"Delft"}"#)).unwrap();
        let bodies = bodies.lock().unwrap();
        assert_eq!(bodies.len(), 2, "{bodies:?}");
        // The server records a signal once however often its request ID comes.
        assert_eq!(bodies[0], bodies[1]);
        assert_eq!(bodies[0]["signalName"], "ScanSignal");
        assert!(bodies[0]["requestId"].as_str().is_some_and(|r| r.len() == 36), "{bodies:?}");
        let said = away.said_lines();
        assert_eq!(said.len(), 2, "{said:?}");
        assert!(said[0].starts_with(&format!("load: Cadence server not reachable at {url} (")), "{said:?}");
        assert_eq!(said[1], format!("load: server reachable again at {url}"));
    }

    #[test]
    fn a_step_the_server_was_away_for_names_the_server_not_the_worker() {
        // Port 9 (discard) is closed here: the server is away for the whole step.
        let c = Client::new("http://127.0.0.1:9", "test").unwrap();
        let (away, interrupt) = (ServerAway::new("load"), AtomicBool::new(false));
        let l = lifecycle(&c, &away, Duration::from_millis(1500), &interrupt);
        let e = l.wait(Instant::now() + l.bound, "the scan to be handled", &|_| true).unwrap_err();
        let Step::Away(said) = e else { panic!("{e:?}") };
        assert!(
            said.starts_with(
                "waited 1.5s (--step-timeout) for the scan to be handled, and the Cadence server at http://127.0.0.1:9 was not \
                 reachable for the last 1.5s (Connection refused"
            ),
            "{said}"
        );
        assert!(!said.contains("bridge worker"), "{said}");
        // A start, as well.
        let Err(Step::Away(said)) = l.start() else { panic!() };
        assert!(said.starts_with("waited 1.5s (--step-timeout) to start its workflow, and the Cadence server at"), "{said}");
    }

    #[test]
    fn a_ctrl_c_names_the_loads_workflows_in_flight_and_how_to_end_each() {
        let c = Client::new("http://127.0.0.1:8800/", "test").unwrap();
        let end = "bridge --address http://127.0.0.1:8800 --domain cadence-workshop wf terminate --wid";
        let (finishing, left) = notes(&c, "cadence-workshop", "load", &["load-7".into()]);
        assert_eq!(
            finishing,
            "bridge: finishing the cleanup: terminating the load's 1 workflow in flight (load-7) on the server (interrupt again \
             to quit now and leave it open until its execution timeout)"
        );
        assert_eq!(
            left,
            format!(
                "bridge: quit before the cleanup ended: the load's 1 workflow in flight may be open on the server until its \
                 execution timeout (600 s); end it with:\n  {end} load-7"
            )
        );
        // Past a handful, the rest are counted, with the command that lists them.
        let ids: Vec<String> = (3..10).map(|i| format!("load-{i}")).collect();
        let (finishing, left) = notes(&c, "cadence-workshop", "load", &ids);
        assert!(finishing.contains("the load's 7 workflows in flight (load-3, load-4, load-5, load-6, load-7 and 2 more)"), "{finishing}");
        assert!(finishing.ends_with("leave them open until their execution timeout)"), "{finishing}");
        let lines: Vec<&str> = left.lines().collect();
        assert_eq!(lines.len(), 7, "{left}");
        assert!(lines[0].contains("the load's 7 workflows in flight may be open") && lines[0].ends_with("end them with:"), "{left}");
        for (line, i) in lines[1..6].iter().zip(3..) {
            assert_eq!(*line, format!("  {end} load-{i}"));
        }
        assert_eq!(
            lines[6],
            "  and 2 more (load-N): `bridge --address http://127.0.0.1:8800 --domain cadence-workshop wf list` lists them among \
             the open workflows"
        );
    }

    #[test]
    fn a_lifecycle_that_does_not_move_on_says_where_it_stopped_and_what_to_check() {
        let path = format!("{}/../core/tests/fixtures/real/happy-path.json", env!("CARGO_MANIFEST_DIR"));
        let h = postflow_core::history::json::history_from_json(&std::fs::read_to_string(path).unwrap()).unwrap();
        let said = stuck("the first notification timer to start", Duration::from_millis(1500), &h[..2]);
        assert_eq!(
            said,
            "waited 1.5s (--step-timeout) for the first notification timer to start, and the history stopped at 2 events (the \
             last: 2 DecisionTaskScheduled): check that a `bridge worker` runs (its log says why a task failed)"
        );
    }
}
