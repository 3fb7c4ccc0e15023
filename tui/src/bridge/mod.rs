//! Bridge mode: the app drives a real Cadence server instead of the simulator.
//!
//! The screen still draws a core `Session`: every ~500 ms (and right after each
//! action) the watched workflow's history is fetched and shown read-only through
//! `Session::import_history`, and `DescribeWorkflowExecution` fills the pending pane
//! (both read by `cadence_bridge::watch`).
//! Keys become client calls (start, signal, terminate, cancel, query); the clock is the
//! server's real one, so step, timer and run have nothing to do. The workflow code
//! runs in a separate `bridge worker`, never here. Every call runs off the UI thread
//! ([`calls`]); errors come back as messages and polling goes on, so the app outlives
//! a server that goes away and picks up again when it is back.

pub mod calls;

use std::time::{Duration, Instant};

use cadence_bridge::client::{Client, StartOptions};
use cadence_bridge::error::BridgeError;
use cadence_bridge::watch::{self, ServerState, Snapshot};
use postflow_core::controls::{Command, keys_label};
use postflow_core::postal::{CURRENT_STATUS_QUERY, DELIVERED_SIGNAL, DOMAIN, SCAN_SIGNAL, TASK_LIST};
use postflow_core::session::{Action, Session, SessionConfig};
use postflow_core::time::Timestamp;

use crate::app::Message;
use crate::form::StartForm;
use calls::Calls;

/// How often the watched workflow is fetched again.
pub const REFRESH_EVERY: Duration = Duration::from_millis(500);
/// The decision task timeout of a start, as the workshop's CLI sets it.
const TASK_TIMEOUT: Duration = Duration::from_secs(10);

/// The workflow on screen: started here, or named with `--workflow-id`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Watched {
    pub workflow_id: String,
    /// Empty until known: then the server's latest run.
    pub run_id: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Health {
    Unknown,
    Reachable,
    /// Why the last call could not reach the server.
    Down(String),
}

/// The last start, signal, terminate, cancel or query sent from here, and what came of it.
#[derive(Clone, Debug, PartialEq)]
pub struct LastAction {
    pub action: Action,
    pub outcome: String,
    /// The server was not reached: the action never got there, and is to be sent again.
    pub not_sent: bool,
}

impl LastAction {
    fn done(action: Action, outcome: impl Into<String>) -> LastAction {
        LastAction { action, outcome: outcome.into(), not_sent: false }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct QueryAnswer {
    pub at: Timestamp,
    pub answer: Result<String, String>,
}

/// What a server reply means for the app.
pub enum Update {
    /// A newer history to show.
    Session(Box<Session>),
    Message(Message),
    /// A refused start: the form again, with the error.
    FormError(StartForm),
}

/// A server's reply to one call; `Sent` is a signal's, a terminate's or a cancel's, whose answer is
/// only yes or why not. A refresh's `no_workflow`: the server answered that it has no
/// such workflow, in a domain it has.
enum Reply {
    Refreshed { epoch: u64, result: Result<Option<Snapshot>, BridgeError>, no_workflow: bool },
    Started { action: Action, form: Box<StartForm>, result: Result<String, BridgeError> },
    Sent { action: Action, result: Result<(), BridgeError> },
    Queried { epoch: u64, result: Result<String, BridgeError> },
}

pub struct Bridge {
    calls: Calls<Reply>,
    /// The server's HTTP API, as given.
    pub url: String,
    /// The workflow code the history is replayed with (chapter, timer unit).
    pub config: SessionConfig,
    pub watched: Option<Watched>,
    /// The form `s` opens next: the last order started, under the next workflow ID
    /// (the server keeps the last one's); for a workflow watched with `--workflow-id`,
    /// the workshop's order under the ID after it, as after a start of it, or under the
    /// ID itself once the server says it does not have it.
    pub next_form: Option<StartForm>,
    /// Bumped whenever another workflow is watched: replies about the one before are dropped.
    epoch: u64,
    pub health: Health,
    /// What the server last said about the watched workflow.
    pub server: Option<ServerState>,
    pub query: Option<QueryAnswer>,
    pub last: Option<LastAction>,
    /// The watched workflow is not on the server (it said so): what to do instead.
    /// Refreshing stops until another workflow is started; asking again gets the same answer.
    pub missing: Option<String>,
    /// Events in the session on screen; a refresh with more replaces it.
    shown: usize,
    /// The last error of a refresh, so it is reported once, not every 500 ms.
    refresh_error: Option<String>,
    /// Whether the replay warning was given for this workflow.
    warned: bool,
    refreshing: bool,
    /// Refresh as soon as possible (after an action).
    dirty: bool,
    next_refresh: Instant,
}

fn message(text: impl Into<String>, error: bool) -> Update {
    Update::Message(Message { text: text.into(), error })
}

impl Bridge {
    /// A bridge to the server at `url`, watching `workflow_id` if given. Makes no call yet.
    pub fn new(url: &str, config: SessionConfig, workflow_id: Option<String>) -> Result<Bridge, String> {
        let client = Client::new(url, &format!("postflow-tui@{}", std::process::id())).map_err(|e| e.to_string())?;
        Ok(Bridge {
            calls: Calls::new(client),
            url: url.trim_end_matches('/').to_owned(),
            config,
            // The server keeps the watched one's ID, open or closed: as after a start.
            next_form: workflow_id.as_deref().map(|id| StartForm::workshop_as(id).next_order()),
            watched: workflow_id.map(|workflow_id| Watched { workflow_id, run_id: String::new() }),
            epoch: 0,
            health: Health::Unknown,
            server: None,
            query: None,
            last: None,
            missing: None,
            shown: 0,
            refresh_error: None,
            warned: false,
            refreshing: false,
            dirty: true,
            next_refresh: Instant::now(),
        })
    }

    pub fn workflow_type(&self) -> &'static str {
        self.config.postal.chapter.names().workflow
    }

    /// `StartWorkflowExecution` with the form's order; the form comes back on refusal.
    pub fn start(&mut self, action: Action, form: StartForm) {
        let Action::Start { workflow_id, input, execution_timeout } = &action else { return };
        let options = StartOptions {
            domain: DOMAIN.into(),
            workflow_id: workflow_id.clone(),
            workflow_type: self.workflow_type().into(),
            task_list: TASK_LIST.into(),
            input: Some(input.clone()),
            execution_timeout: *execution_timeout,
            task_timeout: TASK_TIMEOUT,
            id_reuse_policy: None,
        };
        let form = Box::new(form);
        self.calls.spawn(move |c| Reply::Started { result: c.start_workflow(&options), action, form });
    }

    /// `SignalWorkflowExecution` to the watched workflow.
    pub fn signal(&mut self, name: &str, input: Option<String>) -> Result<(), String> {
        self.send(Action::Signal { name: name.into(), input })
    }

    /// `TerminateWorkflowExecution` of the watched workflow (`cadence wf terminate`);
    /// an empty reason is sent as the CLI sends it, empty.
    pub fn terminate(&mut self, reason: &str) -> Result<(), String> {
        self.send(Action::Terminate { reason: reason.to_owned() })
    }

    /// `RequestCancelWorkflowExecution` of the watched workflow (`cadence wf cancel`), the
    /// reason as its cause; an empty one is sent as the CLI sends it, empty.
    pub fn cancel(&mut self, reason: &str) -> Result<(), String> {
        self.send(Action::Cancel { reason: reason.to_owned() })
    }

    /// Sends a signal, a terminate or a cancel request to the watched workflow; the
    /// reply (`Reply::Sent`) says how it went.
    fn send(&mut self, action: Action) -> Result<(), String> {
        let w = self.watched.clone().ok_or("no workflow yet: s starts one")?;
        self.calls.spawn(move |c| {
            let (id, run) = (w.workflow_id.as_str(), w.run_id.as_str());
            let result = match &action {
                Action::Signal { name, input } => c.signal(DOMAIN, id, run, name, input.as_deref()),
                Action::Terminate { reason } => c.terminate(DOMAIN, id, run, reason),
                Action::Cancel { reason } => c.request_cancel(DOMAIN, id, run, reason, &cadence_bridge::client::request_id()),
                other => unreachable!("only signal, terminate and cancel build a Sent reply, not {}", other.label()),
            };
            Reply::Sent { action, result }
        });
        Ok(())
    }

    /// `QueryWorkflow current_status`: a worker answers it, so it may take a moment.
    pub fn query(&mut self) -> Result<(), String> {
        let w = self.watched.clone().ok_or("no workflow yet: s starts one")?;
        let epoch = self.epoch;
        self.calls.spawn(move |c| Reply::Queried { result: c.query(DOMAIN, &w.workflow_id, &w.run_id, CURRENT_STATUS_QUERY, None), epoch });
        Ok(())
    }

    /// Takes the replies that arrived and sends the next refresh when it is due.
    pub fn poll(&mut self) -> Vec<Update> {
        let mut out = Vec::new();
        while let Some(r) = self.calls.try_recv() {
            out.extend(self.apply(r));
        }
        let now = Instant::now();
        if !self.refreshing && (self.dirty || now >= self.next_refresh) {
            self.refresh(now);
        }
        out
    }

    /// Waits (at most `timeout`) until every call sent so far, and the refresh that
    /// follows an action, has been answered. For `--print` and tests.
    pub fn settle(&mut self, timeout: Duration) -> Vec<Update> {
        let deadline = Instant::now() + timeout;
        let mut out = self.poll();
        while let Some(r) = self.calls.recv_until(deadline) {
            out.extend(self.apply(r));
            if self.dirty && !self.refreshing {
                self.refresh(Instant::now());
            }
        }
        out
    }

    /// Why nothing on screen comes from the server, in the words the message line used:
    /// the workflow is not there, or the server did not answer (down, another protocol
    /// at the URL, past the deadline, without our domain), or has not answered yet.
    /// `None` once it has answered. `--print` exits 1 on it.
    pub fn unanswered(&self) -> Option<String> {
        if let Some(why) = self.missing.as_ref().or(self.refresh_error.as_ref()) {
            return Some(why.clone());
        }
        match &self.health {
            Health::Reachable => None,
            Health::Down(why) => Some(why.clone()),
            Health::Unknown => Some(format!("no answer yet from the Cadence server at {}", self.url)),
        }
    }

    /// Calls still out.
    pub fn busy(&self) -> bool {
        self.calls.in_flight() > 0
    }

    fn refresh(&mut self, now: Instant) {
        if self.missing.is_some() {
            self.dirty = false;
            return;
        }
        self.refreshing = true;
        self.dirty = false;
        self.next_refresh = now + REFRESH_EVERY;
        let (watched, epoch) = (self.watched.clone(), self.epoch);
        self.calls.spawn(move |c| {
            let mut no_workflow = false;
            let result = match &watched {
                // No workflow yet: is the server there, with our domain?
                None => c.describe_domain(DOMAIN).map(|_| None),
                Some(w) => match c.snapshot(DOMAIN, &w.workflow_id, &w.run_id) {
                    // Not found: the workflow, or the domain it was looked for in. The
                    // domain's own description tells which (the server's words for a
                    // missing workflow are its database's).
                    Err(BridgeError::NotFound(m)) => match c.describe_domain(DOMAIN) {
                        Ok(_) => {
                            no_workflow = true;
                            Err(BridgeError::NotFound(m))
                        }
                        Err(e) => Err(e),
                    },
                    other => other.map(Some),
                },
            };
            Reply::Refreshed { epoch, result, no_workflow }
        });
    }

    fn apply(&mut self, reply: Reply) -> Vec<Update> {
        match reply {
            Reply::Refreshed { epoch, result, no_workflow } => {
                self.refreshing = false;
                // A refresh of a workflow no longer on screen tells nothing.
                if epoch != self.epoch {
                    self.dirty = true;
                    return Vec::new();
                }
                self.refreshed(result, no_workflow)
            }
            Reply::Started { action, mut form, result } => {
                self.dirty = true;
                match result {
                    Ok(run_id) => {
                        let Action::Start { workflow_id, .. } = &action else { return Vec::new() };
                        self.watched = Some(Watched { workflow_id: workflow_id.clone(), run_id: run_id.clone() });
                        self.next_form = Some(form.next_order());
                        self.epoch += 1;
                        self.server = None;
                        self.query = None;
                        self.shown = 0;
                        self.warned = false;
                        self.refresh_error = None;
                        self.missing = None;
                        self.last = Some(LastAction::done(action, format!("started, run {run_id}")));
                        vec![
                            Update::Session(Box::new(Session::new(self.config))),
                            message("started on the server; the worker runs it", false),
                        ]
                    }
                    Err(e) => {
                        self.note_health(&e);
                        let text = match (e.id_in_use_reason(), &action) {
                            // The server's whole text (run ID, reuse policy) did not fit the
                            // form at 80x24 and cut off the way out; this says what to do,
                            // and the form already holds the next ID.
                            (Some(why), Action::Start { workflow_id, .. }) => {
                                *form = form.next_order();
                                let next = form.workflow_id();
                                format!("{workflow_id} is taken ({why}): Enter starts {next}, or watch it with --workflow-id {workflow_id}")
                            }
                            _ => e.to_string(),
                        };
                        form.error = Some(text.clone());
                        // The message line said "sending to the server…": it gets the answer too.
                        vec![Update::FormError(*form), message(format!("{}: {text}", action.label()), true)]
                    }
                }
            }
            Reply::Sent { action, result } => {
                self.dirty = true;
                match result {
                    Ok(()) => {
                        let (text, outcome): (String, String) = match &action {
                            Action::Terminate { reason } => {
                                let done = crate::app::terminated_words(reason);
                                (format!("{done} on the server: closed at once, its code not asked"), "closed by the server".into())
                            }
                            Action::Cancel { reason } => {
                                let done = crate::app::cancel_words(reason);
                                (format!("{done} on the server: the workflow code decides what to do"), "requested".into())
                            }
                            _ => (format!("{}: sent", action.label()), "sent".into()),
                        };
                        self.last = Some(LastAction::done(action, outcome));
                        vec![message(text, false)]
                    }
                    Err(e) => {
                        self.note_health(&e);
                        let text = format!("{}: {e}", action.label());
                        // The pane keeps it once the message line has moved on (the server
                        // back, a refresh's news): a scan not sent must not look sent.
                        let not_sent = matches!(e, BridgeError::Unreachable { .. } | BridgeError::NotHttpApi { .. });
                        let outcome = if not_sent { format!("✗ not sent: {e}") } else { format!("✗ {e}") };
                        self.last = Some(LastAction { action, outcome, not_sent });
                        vec![message(text, true)]
                    }
                }
            }
            Reply::Queried { epoch, result } => {
                if epoch != self.epoch {
                    return Vec::new();
                }
                let answer = result.map_err(|e| e.to_string());
                let update = match &answer {
                    Ok(_) => message("query current_status: answered", false),
                    Err(e) => message(format!("query current_status: {e}"), true),
                };
                let outcome = match &answer {
                    Ok(a) => a.clone(),
                    Err(e) => format!("✗ {e}"),
                };
                self.last = Some(LastAction::done(Action::Query { name: CURRENT_STATUS_QUERY.into() }, outcome));
                self.query = Some(QueryAnswer { at: watch::now(), answer });
                vec![update]
            }
        }
    }

    fn refreshed(&mut self, result: Result<Option<Snapshot>, BridgeError>, no_workflow: bool) -> Vec<Update> {
        let mut out = Vec::new();
        let snapshot = match result {
            Ok(s) => s,
            Err(_) if no_workflow => {
                // The server answered, so it is there; it has no such workflow, and would
                // say so again every refresh.
                let id = self.watched.as_ref().map_or("", |w| w.workflow_id.as_str());
                let text = format!(
                    "no workflow {id} in domain {DOMAIN}: {} starts one, or check the ID (bridge wf list)",
                    keys_label(Command::Start)
                );
                self.health = Health::Reachable;
                self.refresh_error = None;
                self.missing = Some(text.clone());
                // `s starts one`: this one, the ID asked for, not the workshop's Order123.
                self.next_form = Some(StartForm::workshop_as(id));
                out.push(message(text, true));
                return out;
            }
            Err(e) => {
                // An action that just failed for this very reason said so already, naming
                // itself (a scan not sent): its message stays rather than this one's.
                let said = matches!(&self.health, Health::Down(why) if *why == e.to_string());
                self.note_health(&e);
                let text = match &e {
                    // A missing workflow is told apart above: this is the domain.
                    BridgeError::NotFound(_) => format!("{e}: is the domain {DOMAIN} registered? (bridge domain register)"),
                    _ => e.to_string(),
                };
                if self.refresh_error.as_deref() != Some(text.as_str()) {
                    self.refresh_error = Some(text.clone());
                    if !said {
                        out.push(message(format!("{text}; retrying"), true));
                    }
                }
                return out;
            }
        };
        if self.health != Health::Reachable {
            let again = matches!(self.health, Health::Down(_));
            self.health = Health::Reachable;
            if again {
                let unsent = self.last.as_ref().filter(|l| l.not_sent).map(|l| {
                    let resend = resend_key(&l.action).map(|k| format!(": {k} sends it again")).unwrap_or_default();
                    format!("; the last action, {}, was not sent{resend}", l.action.label())
                });
                let text = format!("server reachable again at {}{}", self.url, unsent.clone().unwrap_or_default());
                // Not sent is worth the red of an error: the package was not scanned.
                out.push(message(text, unsent.is_some()));
            }
        }
        if self.refresh_error.take().is_some() && out.is_empty() {
            out.push(message("the server answers again", false));
        }
        let Some(snapshot) = snapshot else { return out };
        if let Some(w) = &mut self.watched
            && w.run_id.is_empty()
        {
            w.run_id = snapshot.state.run_id.clone();
        }
        if snapshot.events.len() != self.shown {
            match Session::import_history(self.config, &snapshot.history_json()) {
                Ok(session) => {
                    self.shown = snapshot.events.len();
                    if let (Some(e), false) = (session.replay_error(), self.warned) {
                        self.warned = true;
                        out.push(message(
                            format!("our workflow code could not have written this history: {e} (does the worker run with the same --timer-unit and chapter?)"),
                            true,
                        ));
                    }
                    out.push(Update::Session(Box::new(session)));
                }
                Err(e) => out.push(message(format!("cannot read the server's history: {e}"), true)),
            }
        }
        self.server = Some(snapshot.state);
        out
    }

    fn note_health(&mut self, e: &BridgeError) {
        if matches!(e, BridgeError::Unreachable { .. } | BridgeError::NotHttpApi { .. } | BridgeError::Timeout { .. }) {
            self.health = Health::Down(e.to_string());
        }
    }
}

/// The key that sends an action of bridge mode again, as the key bar names it.
fn resend_key(action: &Action) -> Option<String> {
    let command = match action {
        Action::Signal { name, .. } if name == SCAN_SIGNAL => Command::Scan,
        Action::Signal { name, .. } if name == DELIVERED_SIGNAL => Command::Delivered,
        Action::Terminate { .. } => Command::Terminate,
        Action::Cancel { .. } => Command::Cancel,
        Action::Query { .. } => Command::Query,
        Action::Start { .. } => Command::Start,
        _ => return None,
    };
    Some(keys_label(command))
}

#[cfg(test)]
mod tests {
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

    use super::*;
    use crate::App;
    use crate::app::Mode;

    #[test]
    fn s_offers_the_id_after_a_watched_workflow_the_server_has() {
        // `tui --bridge URL --workflow-id Order200`, and the server's answer: it has it.
        let mut bridge = Bridge::new("http://127.0.0.1:9", SessionConfig::default(), Some("Order200".into())).unwrap();
        let state = ServerState { run_id: "run-1".into(), ..Default::default() };
        bridge.apply(Reply::Refreshed { epoch: 0, result: Ok(Some(Snapshot { state, events: Vec::new() })), no_workflow: false });
        assert_eq!(bridge.health, Health::Reachable);
        let mut app = App::bridged(bridge);
        app.handle_key(KeyEvent::new(KeyCode::Char('s'), KeyModifiers::NONE));
        let Mode::Form(form) = &app.mode else { panic!("s opens the form: {:?}", app.mode) };
        assert_eq!(form.workflow_id(), "Order201", "{form:?}");
        let screen = crate::ui::render_text(&app, 80, 24);
        assert!(screen.contains("Workflow ID (order id: Order201)") && screen.contains("Order ID Order201"), "{screen}");
        // An ID that does not end in a number gets one, as a start's next does.
        let bridge = Bridge::new("http://127.0.0.1:9", SessionConfig::default(), Some("mine".into())).unwrap();
        assert_eq!(bridge.next_form.map(|f| f.workflow_id()).as_deref(), Some("mine2"));
    }

    #[test]
    fn s_offers_the_workflow_id_the_server_does_not_have() {
        // `tui --bridge URL --workflow-id Nope`, and the server's answer to the first
        // refresh: no such workflow, in a domain it has (tests/bridge.rs meets it on a
        // real server).
        let mut bridge = Bridge::new("http://127.0.0.1:9", SessionConfig::default(), Some("Nope".into())).unwrap();
        let said = bridge.apply(Reply::Refreshed {
            epoch: 0,
            result: Err(BridgeError::NotFound("workflow execution not found".into())),
            no_workflow: true,
        });
        assert!(matches!(&said[..], [Update::Message(m)] if m.text.starts_with("no workflow Nope in domain")), "{}", said.len());
        let mut app = App::bridged(bridge);
        app.handle_key(KeyEvent::new(KeyCode::Char('s'), KeyModifiers::NONE));
        let Mode::Form(form) = &app.mode else { panic!("s opens the form: {:?}", app.mode) };
        assert_eq!(form.workflow_id(), "Nope", "{form:?}");
        let screen = crate::ui::render_text(&app, 80, 24);
        assert!(screen.contains("Workflow ID (order id: Nope)") && screen.contains("Order ID Nope"), "{screen}");
    }
}
