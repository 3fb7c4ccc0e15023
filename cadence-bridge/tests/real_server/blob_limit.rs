//! Cadence's 2 MiB limit on one payload, on the real server, with the workshop's Go
//! worker, with ours, and in the simulator: a scan over the limit is refused and
//! writes nothing; an answer over the Go client's own 2,000,000 bytes fails the query
//! and the workflow goes on; a scan
//! whose location grows past the limit in the estimate's input (Go's JSON writes `<`
//! as `\u003c`) fails the workflow, written by the server with its own reason. Beside
//! it, the server's 1,000-byte limit on a workflow ID and a signal name.

use std::time::Duration;

use cadence_bridge::client::{Client, StartOptions};
use postflow_core::engine::limits::{
    BLOB_SIZE_LIMIT, DECISION_BLOB_SIZE_EXCEEDS_LIMIT, ID_LENGTH_LIMIT, SIGNAL_NAME_TOO_LONG, WORKFLOW_ID_TOO_LONG,
};
use postflow_core::history::{EventAttributes, EventType, HistoryEvent, compare};
use postflow_core::postal::{CURRENT_STATUS_QUERY, SCAN_SIGNAL};
use postflow_core::session::{Action, Session, SessionConfig};

use crate::common::*;

/// A scan's input whose location is `n` times `c`: `{"location":"..."}`, 15 bytes
/// around the location.
fn scan_input(c: char, n: usize) -> String {
    format!("{{\"location\":\"{}\"}}", c.to_string().repeat(n))
}

/// The moves, in order: what each sends, and (for the refused ones) the server's words.
fn over_the_limit() -> String {
    scan_input('x', BLOB_SIZE_LIMIT - 15 + 1)
}
const LONG: usize = 1_100_000;
const ESCAPED: usize = 400_000;

/// The package's life on the server, waiting for its evidence at each move.
fn lifecycle(c: &Client, id: &str) -> Vec<HistoryEvent> {
    start(c, id, &order("Order123", "Cadence", 20));
    let within = Duration::from_secs(120);
    let timers = |n: usize| move |h: &[HistoryEvent]| h.iter().filter(|e| e.event_type() == EventType::TimerStarted).count() >= n;
    let before = wait_for(c, id, within, "the first timer", timers(1));
    let err = c.signal(DOMAIN, id, "", SCAN_SIGNAL, Some(&over_the_limit())).unwrap_err().to_string();
    assert!(err.contains("Blob data size exceeds limit."), "{id}: {err}");
    assert_eq!(c.history(DOMAIN, id, "").unwrap().len(), before.len(), "{id}: the refused scan wrote something");
    c.signal(DOMAIN, id, "", SCAN_SIGNAL, Some(&scan_input('a', LONG))).unwrap();
    wait_for(c, id, within, "the timer after the first long scan", timers(2));
    c.signal(DOMAIN, id, "", SCAN_SIGNAL, Some(&scan_input('b', LONG))).unwrap();
    wait_for(c, id, within, "the timer after the second long scan", timers(3));
    let err = c.query(DOMAIN, id, "", CURRENT_STATUS_QUERY, None).unwrap_err().to_string();
    assert!(err.contains("query result size (2200055) exceeds limit (2000000)"), "{id}: {err}");
    c.signal(DOMAIN, id, "", SCAN_SIGNAL, Some(&scan_input('<', ESCAPED))).unwrap();
    wait_for(c, id, within, "the failure", has(EventType::WorkflowExecutionFailed))
}

/// An order whose customer takes 1.5 MB: it fits in the start and in the payment's and
/// shipment's inputs, but with a 600 kB location beside it the estimate's input does
/// not. Its failure, and then its answer to `current_status` (the locations only, well
/// under 2,000,000 bytes), which a worker gives by replaying the closed history.
fn big_order() -> String {
    order("Order123", &"C".repeat(1_500_000), 20)
}

fn failed_then_asked(c: &Client, id: &str) -> (Vec<HistoryEvent>, String) {
    start(c, id, &big_order());
    let within = Duration::from_secs(120);
    wait_for(c, id, within, "the first timer", has(EventType::TimerStarted));
    c.signal(DOMAIN, id, "", SCAN_SIGNAL, Some(&scan_input('x', 600_000))).unwrap();
    let h = wait_for(c, id, within, "the failure", has(EventType::WorkflowExecutionFailed));
    let answer = c.query(DOMAIN, id, "", CURRENT_STATUS_QUERY, None).unwrap_or_else(|e| panic!("{id}: {e}"));
    (h, answer)
}

/// The same moves in the simulator.
fn simulated(seed: u64) -> (Session, Vec<String>) {
    let mut s = Session::new(SessionConfig { seed, ..Default::default() });
    let input = order("Order123", "Cadence", 20);
    s.perform(Action::Start { workflow_id: "Order123".into(), input, execution_timeout: Duration::from_secs(600) }).unwrap();
    while !has(EventType::TimerStarted)(s.history()) {
        s.perform(Action::AdvanceNext).unwrap();
    }
    let scan = |input: String| Action::Signal { name: SCAN_SIGNAL.into(), input: Some(input) };
    let mut refusals = vec![s.perform(scan(over_the_limit())).unwrap_err()];
    s.perform(scan(scan_input('a', LONG))).unwrap();
    s.perform(scan(scan_input('b', LONG))).unwrap();
    refusals.push(s.perform(Action::Query { name: CURRENT_STATUS_QUERY.into() }).unwrap_err());
    s.perform(scan(scan_input('<', ESCAPED))).unwrap();
    (s, refusals)
}

/// A difference of histories whose lines hold megabytes, cut to be read.
fn readable(d: &[String]) -> String {
    d.iter()
        .map(|l| {
            if l.len() > 300 {
                format!("{}… ({} bytes)", &l[..l.char_indices().nth(300).map_or(l.len(), |(i, _)| i)], l.len())
            } else {
                l.clone()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
#[ignore = "needs a Cadence server and the Go workshop worker (POSTFLOW_GO_WORKER): scripts/test-bridge.sh"]
fn the_payload_limit_refuses_fails_the_query_and_fails_the_workflow_as_the_simulator_says() {
    let c = client();
    // An order over the limit is not started, here and in the simulator.
    let big_id = fresh_id("limit-order");
    let big = order("Order123", &"C".repeat(BLOB_SIZE_LIMIT), 20);
    let err = c
        .start_workflow(&StartOptions {
            domain: DOMAIN.into(),
            workflow_id: big_id.clone(),
            workflow_type: "OrderProcessingWorkflowComplete".into(),
            task_list: postflow_core::postal::TASK_LIST.into(),
            input: Some(big.clone()),
            execution_timeout: Duration::from_secs(600),
            task_timeout: Duration::from_secs(10),
            id_reuse_policy: None,
        })
        .unwrap_err()
        .to_string();
    assert!(err.contains("Blob data size exceeds limit."), "{err}");
    assert!(c.history(DOMAIN, &big_id, "").is_err(), "{big_id} was started");
    let mut s = Session::new(SessionConfig::default());
    let err = s.perform(Action::Start { workflow_id: big_id, input: big, execution_timeout: Duration::from_secs(600) }).unwrap_err();
    assert!(err.starts_with("Blob data size exceeds limit."), "{err}");

    let go = go_worker();
    let go_id = fresh_id("go-limit");
    let _c1 = Cleanup(go_id.clone());
    let go_history = lifecycle(&c, &go_id);
    let (code, log) = go.stop();
    assert_eq!(code, Some(0), "the Go worker did not stop cleanly on SIGTERM:\n{log}");

    // Ours, and the simulator, with a seed whose estimates are the ones the Go worker drew.
    let wanted = estimates(&go_history);
    assert_eq!(wanted.len(), 3, "{wanted:?}");
    let seed = seed_drawing(&wanted);
    let ours = seeded_worker(seed);
    let rust_id = fresh_id("rust-limit");
    let _c2 = Cleanup(rust_id.clone());
    let rust_history = lifecycle(&c, &rust_id);
    let (code, log) = ours.stop();
    assert_eq!(code, Some(0), "{log}");
    let (session, refusals) = simulated(seed);

    // The big order, each worker fresh: our worker draws each run's estimates from the
    // seed anew, the Go worker from one sequence.
    let go = go_worker();
    let go_asked_id = fresh_id("go-limit-asked");
    let _c3 = Cleanup(go_asked_id.clone());
    let (go_asked, go_answer) = failed_then_asked(&c, &go_asked_id);
    let (code, log) = go.stop();
    assert_eq!(code, Some(0), "{log}");
    let seed = seed_drawing(&estimates(&go_asked));
    let ours = seeded_worker(seed);
    let rust_asked_id = fresh_id("rust-limit-asked");
    let _c4 = Cleanup(rust_asked_id.clone());
    let (rust_asked, rust_answer) = failed_then_asked(&c, &rust_asked_id);
    let (code, log) = ours.stop();
    assert_eq!(code, Some(0), "{log}");
    let mut asked = Session::new(SessionConfig { seed, ..Default::default() });
    asked
        .perform(Action::Start { workflow_id: "Order123".into(), input: big_order(), execution_timeout: Duration::from_secs(600) })
        .unwrap();
    while !has(EventType::TimerStarted)(asked.history()) {
        asked.perform(Action::AdvanceNext).unwrap();
    }
    asked.perform(Action::Signal { name: SCAN_SIGNAL.into(), input: Some(scan_input('x', 600_000)) }).unwrap();
    asked.perform(Action::Query { name: CURRENT_STATUS_QUERY.into() }).unwrap();

    // The server wrote the failure in place of the estimate's schedule: after the
    // decision task, the old timer's cancel, and nothing after the failure.
    let tail: Vec<&str> = go_history.iter().rev().take(3).rev().map(|e| e.event_type().name()).collect();
    assert_eq!(tail, ["DecisionTaskCompleted", "TimerCanceled", "WorkflowExecutionFailed"]);
    let EventAttributes::WorkflowExecutionFailed(f) = &go_history.last().unwrap().attributes else { unreachable!() };
    let failure = f.failure.as_ref().unwrap();
    assert_eq!(failure.reason, DECISION_BLOB_SIZE_EXCEEDS_LIMIT);
    assert_eq!(String::from_utf8_lossy(&failure.details), "ScheduleActivityTaskDecisionAttributes.Input exceeds size limit.");

    let go = compare::normalise(&go_history);
    let d = compare::diff_labeled(["Go worker", "Rust worker"], &go, &compare::normalise(&rust_history));
    assert!(d.is_empty(), "the Rust worker's history differs from the Go worker's:\n{}", readable(&d));
    let d = compare::diff_labeled(["Go worker", "simulator"], &go, &compare::normalise(session.history()));
    assert!(d.is_empty(), "the simulator's history differs from the Go worker's:\n{}", readable(&d));
    // A workflow the server failed so still answers its query, replayed by the Go
    // worker, by ours and by the simulator alike.
    let go = compare::normalise(&go_asked);
    let d = compare::diff_labeled(["Go worker", "Rust worker"], &go, &compare::normalise(&rust_asked));
    assert!(d.is_empty(), "the big order: the Rust worker's history differs from the Go worker's:\n{}", readable(&d));
    let d = compare::diff_labeled(["Go worker", "simulator"], &go, &compare::normalise(asked.history()));
    assert!(d.is_empty(), "the big order: the simulator's history differs from the Go worker's:\n{}", readable(&d));
    let want = format!(r#"{{"delivered":false,"locationHistory":["Aarhus","{}"]}}"#, "x".repeat(600_000));
    assert!(
        go_answer == want && rust_answer == want,
        "{} / {}",
        &go_answer[..60.min(go_answer.len())],
        &rust_answer[..60.min(rust_answer.len())]
    );
    assert_eq!(asked.last_entry().unwrap().outcome, want);
    // The simulator refuses in the server's words.
    assert!(refusals[0].starts_with("Blob data size exceeds limit."), "{}", refusals[0]);
    assert_eq!(refusals[1], "query failed: query result size (2200055) exceeds limit (2000000)");
}

#[test]
#[ignore = "needs a Cadence server: scripts/test-bridge.sh"]
fn inputs_too_long_for_a_command_line_come_from_a_file_and_the_limit_is_said_with_the_size() {
    let dir = std::env::temp_dir().join(fresh_id("limit-files"));
    std::fs::create_dir_all(&dir).unwrap();
    let id = fresh_id("limit-cli");
    let _cleanup = Cleanup(id.clone());
    let file = |name: &str, text: &str| {
        let path = dir.join(name);
        std::fs::write(&path, text).unwrap();
        path.to_string_lossy().into_owned()
    };
    // A task list of its own, which no worker polls: only the server acts here.
    let order_file = file("order.json", &order(&id, "Cadence", 20));
    let (code, stdout, stderr) = bridge_wf(&["start", "--wid", &id, "--tl", &format!("{id}-list"), "--if", &order_file]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stdout.starts_with(&format!("Started Workflow Id: {id}")), "{stdout}");
    let big = file("big.json", &over_the_limit());
    let (code, _, stderr) = bridge_wf(&["signal", "--wid", &id, "-n", SCAN_SIGNAL, "--input_file", &big]);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(
        stderr.contains("Blob data size exceeds limit. (the input is 2,097,153 bytes; Cadence takes at most 2,097,152 bytes"),
        "{stderr}"
    );
    let small = file("scan.json", r#"{"location":"Delft"}"#);
    let (code, stdout, stderr) = bridge_wf(&["signal", "--wid", &id, "-n", SCAN_SIGNAL, "--if", &small]);
    assert_eq!((code, stdout.as_str()), (Some(0), "Signal workflow succeeded.\n"), "{stderr}");
    let h = client().history(DOMAIN, &id, "").unwrap();
    let signals: Vec<String> = h
        .iter()
        .filter_map(|e| match &e.attributes {
            EventAttributes::WorkflowExecutionSignaled(s) => s.input.as_ref().map(|i| i.to_text()),
            _ => None,
        })
        .collect();
    assert_eq!(signals, [r#"{"location":"Delft"}"#], "only the file's scan was written");
    let (code, _, stderr) = bridge_wf(&["signal", "--wid", &id, "-n", SCAN_SIGNAL, "--if", &dir.join("none.json").to_string_lossy()]);
    assert_eq!(code, Some(1));
    assert!(stderr.contains("error reading input file") && stderr.contains("none.json"), "{stderr}");
    let (code, _, stderr) = bridge_wf(&["signal", "--wid", &id, "-n", SCAN_SIGNAL, "--if", &small, "--input", "{}"]);
    assert_eq!(code, Some(2), "both an input and a file: {stderr}");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
#[ignore = "needs a Cadence server: scripts/test-bridge.sh"]
fn a_workflow_id_or_a_signal_name_over_1000_bytes_is_refused_by_the_server_as_by_the_simulator() {
    let base = fresh_id("limit-id");
    let id_of = |n: usize| format!("{base}{}", "x".repeat(n - base.len()));
    let (long, longest) = (id_of(ID_LENGTH_LIMIT + 1), id_of(ID_LENGTH_LIMIT));
    let _cleanup = Cleanup(longest.clone());
    let order = order("Order123", "Cadence", 20);
    // A task list of its own, which no worker polls: only the server acts here.
    let list = format!("{base}-list");
    let mut s = Session::new(SessionConfig::default());
    let start = |id: &str| Action::Start { workflow_id: id.into(), input: order.clone(), execution_timeout: Duration::from_secs(600) };

    let (code, _, stderr) = bridge_wf(&["start", "--wid", &long, "--tl", &list, "--input", &order]);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(stderr.contains(&format!("{WORKFLOW_ID_TOO_LONG} (the workflow ID is 1,001 bytes; Cadence takes at most 1,000")), "{stderr}");
    assert!(client().history(DOMAIN, &long, "").is_err(), "the long ID was started");
    let err = s.perform(start(&long)).unwrap_err();
    assert!(err.starts_with(WORKFLOW_ID_TOO_LONG), "{err}");

    let (code, _, stderr) = bridge_wf(&["start", "--wid", &longest, "--tl", &list, "--input", &order]);
    assert_eq!(code, Some(0), "an ID of exactly the limit: {stderr}");
    s.perform(start(&longest)).unwrap();

    // The name's length is checked at the front door, before the workflow is looked
    // for: a missing workflow gets the same answer.
    let name = |n: usize| "S".repeat(n);
    let before = client().history(DOMAIN, &longest, "").unwrap().len();
    for target in [longest.as_str(), "no-such-workflow"] {
        let (code, _, stderr) = bridge_wf(&["signal", "--wid", target, "-n", &name(ID_LENGTH_LIMIT + 1)]);
        assert_eq!(code, Some(1), "{stderr}");
        assert!(stderr.contains(&format!("{SIGNAL_NAME_TOO_LONG} (the signal name is 1,001 bytes")), "{target}: {stderr}");
    }
    let err = s.perform(Action::Signal { name: name(ID_LENGTH_LIMIT + 1), input: None }).unwrap_err();
    assert!(err.starts_with(SIGNAL_NAME_TOO_LONG), "{err}");
    assert_eq!(client().history(DOMAIN, &longest, "").unwrap().len(), before, "a refused signal wrote something");
    let (code, stdout, stderr) = bridge_wf(&["signal", "--wid", &longest, "-n", &name(ID_LENGTH_LIMIT)]);
    assert_eq!((code, stdout.as_str()), (Some(0), "Signal workflow succeeded.\n"), "{stderr}");
    let h = client().history(DOMAIN, &longest, "").unwrap();
    assert!(
        h.iter().any(|e| matches!(&e.attributes, EventAttributes::WorkflowExecutionSignaled(a) if a.signal_name.len() == ID_LENGTH_LIMIT)),
        "the signal of a 1,000-byte name was not written"
    );
    s.perform(Action::Signal { name: name(ID_LENGTH_LIMIT), input: None }).unwrap();
}
