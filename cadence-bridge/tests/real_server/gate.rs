//! A port of the test's own in front of the server, which passes every call on but one
//! procedure's (TerminateWorkflowExecution, or another): that one it refuses, holds,
//! passes, or passes and loses the answer of, as the test says, so that a cleanup's
//! terminates can be failed, a call caught under way, or an answer lost. A server that
//! is away behind it (stopped) is passed on as a hang-up: what a client sees of a
//! server that goes away mid-call. And the command a note gives for a workflow left
//! open, run as a user would type it.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::Command;
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

use crate::common::address;

/// What the port in front of the server does with a call of its procedure.
#[derive(Clone, Copy, PartialEq, Debug)]
pub enum Calls {
    /// Answers HTTP 503 ("unavailable", as a server going away answers).
    Refuse,
    /// Keeps it, unanswered, until told what to do with it: a call known to be under
    /// way for as long as the test needs.
    Hold,
    /// Passes it on, as every other call.
    Pass,
    /// Passes it on, and hangs up instead of answering: the server took it, and its
    /// caller does not know. Once; then it passes them on.
    LoseAnswer,
}

/// The server behind a port of the test's own that passes every call on but those of
/// one procedure, which it handles as the test says (see [`Calls`]), and counts.
pub struct CallGate {
    pub url: String,
    state: Arc<(Mutex<Gate>, Condvar)>,
}

struct Gate {
    /// The procedure's name after `::` (`TerminateWorkflowExecution`).
    procedure: &'static str,
    calls: Calls,
    /// The workflow IDs of the calls of the procedure that reached the port, in order
    /// (empty for a call that names none: a task's answer names its task token).
    arrived: Vec<String>,
    /// Of those, how many it holds now.
    held: usize,
}

impl CallGate {
    /// A gate for TerminateWorkflowExecution.
    pub fn terminates(calls: Calls) -> CallGate {
        CallGate::on("TerminateWorkflowExecution", calls)
    }

    /// A gate for `procedure` (`SignalWorkflowExecution`, the name after `::`).
    pub fn on(procedure: &'static str, calls: Calls) -> CallGate {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let state = Arc::new((Mutex::new(Gate { procedure, calls, arrived: Vec::new(), held: 0 }), Condvar::new()));
        let s = state.clone();
        std::thread::spawn(move || {
            for conn in listener.incoming().flatten() {
                let s = s.clone();
                std::thread::spawn(move || pass_on(conn, &s));
            }
        });
        CallGate { url, state }
    }

    /// Calls are handled as `calls` says from now on, the held ones too; returns once
    /// none is held (unless it is to hold them).
    pub fn set(&self, calls: Calls) {
        let (gate, changed) = &*self.state;
        gate.lock().unwrap().calls = calls;
        changed.notify_all();
        drop(self.wait(Duration::from_secs(10), "the held calls to be let go", |g| calls == Calls::Hold || g.held == 0));
    }

    /// The workflow IDs of the first `n` calls that reached the port, once they have.
    pub fn arrived(&self, n: usize, within: Duration) -> Vec<String> {
        self.wait(within, &format!("{n} calls to arrive"), |g| g.arrived.len() >= n).arrived[..n].to_vec()
    }

    fn wait(&self, within: Duration, what: &str, done: impl Fn(&Gate) -> bool) -> std::sync::MutexGuard<'_, Gate> {
        let (gate, changed) = &*self.state;
        let (g, timeout) = changed.wait_timeout_while(gate.lock().unwrap(), within, |g| !done(g)).unwrap();
        assert!(!timeout.timed_out(), "the port waited {within:?} for {what}; {} calls so far: {:?}", g.procedure, g.arrived);
        g
    }
}

/// What the port does with the call of `body` (which has reached it), once it is no
/// longer to hold it.
fn handling(state: &(Mutex<Gate>, Condvar), body: &[u8]) -> Calls {
    let (gate, changed) = state;
    // A start names its workflow at the top; a call on a workflow, in its execution.
    let body = serde_json::from_slice::<serde_json::Value>(body).unwrap_or_default();
    let workflow_id = body["workflowExecution"]["workflowId"].as_str().or(body["workflowId"].as_str()).unwrap_or_default().to_owned();
    let mut g = gate.lock().unwrap();
    g.arrived.push(workflow_id);
    g.held += 1;
    changed.notify_all();
    let mut g = changed.wait_while(g, |g| g.calls == Calls::Hold).unwrap();
    g.held -= 1;
    let calls = g.calls;
    if calls == Calls::LoseAnswer {
        g.calls = Calls::Pass;
    }
    changed.notify_all();
    calls
}

/// One connection's requests (HTTP/1.1, kept alive), each answered in turn. A server
/// that cannot be reached behind the port ends the connection without an answer.
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
        let procedure = state.0.lock().unwrap().procedure;
        let gated = headers.iter().any(|(k, v)| k == "rpc-procedure" && v.rsplit("::").next() == Some(procedure));
        let calls = if gated { handling(state, &body) } else { Calls::Pass };
        let (status, answer_headers, text) = if calls == Calls::Refuse {
            (
                503,
                vec![("rpc-error-code".to_owned(), "unavailable".to_owned())],
                format!("the test's port refuses {procedure}").into_bytes(),
            )
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
        if calls == Calls::LoseAnswer {
            // The server took it; its caller hears nothing.
            return Ok(());
        }
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
pub fn end_as_told(note: &str, before: &str) -> (String, std::process::Output) {
    let rest = note.split(before).nth(1).unwrap_or_else(|| panic!("no {before:?} in: {note}"));
    let workflow_id = rest.split(' ').next().unwrap().to_owned();
    let command = rest.split('`').nth(1).unwrap_or_else(|| panic!("no command: {note}"));
    let args: Vec<&str> = command.split_whitespace().collect();
    assert_eq!(args[0], "bridge", "{note}");
    assert!(command.ends_with(&format!("wf terminate --wid {workflow_id}")), "{command}");
    (workflow_id, Command::new(env!("CARGO_BIN_EXE_bridge")).args(&args[1..]).output().unwrap())
}
