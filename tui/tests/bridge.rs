//! Bridge mode without a server: a URL where nothing listens must give a clear "not
//! reachable" on screen, refused actions inline, and no crash; the key bar hides what
//! only the simulator can do (step, timer, run). The real-server walk-through is in
//! scripts/test-bridge.sh, which also runs the `#[ignore]`d tests here against its
//! server (POSTFLOW_CADENCE_HTTP, default http://127.0.0.1:8800).

use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use cadence_bridge::client::{Client, StartOptions};

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use postflow_core::history::EventType;
use postflow_core::session::{Action, Session, SessionConfig};
use postflow_tui::App;
use postflow_tui::app::Mode;
use postflow_tui::bridge::{Bridge, Health};
use postflow_tui::ui::render_text;

/// Port 9 (discard) is closed here: connections are refused at once.
const DOWN: &str = "http://127.0.0.1:9";

fn app(workflow_id: Option<&str>) -> App {
    let mut app = App::bridged(Bridge::new(DOWN, SessionConfig::default(), workflow_id.map(str::to_owned)).unwrap());
    app.settle(Duration::from_secs(10));
    app
}

fn key(app: &mut App, code: KeyCode) {
    app.handle_key(KeyEvent::new(code, KeyModifiers::NONE));
    app.settle(Duration::from_secs(10));
}

/// A scan at `location`, through the prompt, as a user types it.
fn scan(app: &mut App, location: &str) {
    app.handle_key(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::NONE));
    for ch in location.chars() {
        app.handle_key(KeyEvent::new(KeyCode::Char(ch), KeyModifiers::NONE));
    }
    key(app, KeyCode::Enter);
}

fn key_bar(screen: &str) -> &str {
    screen.lines().last().unwrap()
}

#[test]
fn a_server_that_is_down_is_named_and_nothing_crashes() {
    let mut app = app(None);
    assert!(matches!(app.bridge.as_ref().unwrap().health, Health::Down(_)));
    let s = render_text(&app, 160, 45);
    assert!(s.contains("bridge http://127.0.0.1:9"), "the status line names the server: {s}");
    assert!(s.contains("✗ server not reachable"), "{s}");
    assert!(s.contains("✗ Cadence server not reachable at http://127.0.0.1:9"), "the message line says why: {s}");
    assert!(s.contains("Start an order"), "the start form is open: {s}");

    // Starting is refused inline, in the form, which stays open.
    key(&mut app, KeyCode::Enter);
    let Mode::Form(form) = &app.mode else { panic!("the form stays open: {:?}", app.mode) };
    assert!(form.error.as_deref().unwrap_or_default().contains("not reachable"), "{:?}", form.error);
    assert!(render_text(&app, 160, 45).contains("✗ Cadence server not reachable"));

    // Polling goes on: more ticks, still drawn, still the same clear message.
    key(&mut app, KeyCode::Esc);
    for _ in 0..3 {
        app.tick();
        app.settle(Duration::from_secs(10));
    }
    let s = render_text(&app, 160, 45);
    assert!(s.contains("not reachable"), "{s}");
    assert!(s.contains("nothing: no workflow yet"), "{s}");
    // Small terminals and the help overlay draw too; the line still says the server is down.
    let narrow = render_text(&app, 80, 24);
    let status = narrow.lines().next().unwrap();
    assert!(status.starts_with(" - │ not started │ ✗ server not reachable │ "), "{status}");
    assert!(!status.contains("real clock"), "what does not fit is left out, whole: {status}");
    let wide = render_text(&app, 200, 45);
    let whole: Vec<&str> = wide.lines().next().unwrap().trim_end().split(" │ ").collect();
    for part in status.trim_end().split(" │ ").filter(|p| !p.contains("UTC")) {
        assert!(whole.contains(&part), "{part:?} is cut: {status}");
    }
    key(&mut app, KeyCode::Char('?'));
    assert!(render_text(&app, 160, 45).contains("bridge mode: a real Cadence server"));
}

#[test]
fn the_key_bar_hides_what_only_the_simulator_does() {
    let mut app = app(Some("Order123"));
    let s = render_text(&app, 160, 45);
    let bar = key_bar(&s);
    for shown in ["s start", "c scan", "d delivered", "a query"] {
        assert!(bar.contains(shown), "{shown} in {bar:?}");
    }
    for hidden in ["n step", "t timer", "r run", "m auto-run", "p scenarios", "i import"] {
        assert!(!bar.contains(hidden), "{hidden} hidden in bridge mode: {bar:?}");
    }
    // The keys do nothing but say why.
    key(&mut app, KeyCode::Char('t'));
    let m = app.message.clone().unwrap();
    assert!(m.error && m.text.contains("the clock is real"), "{m:?}");
    assert!(s.contains("not known: the server is not reachable"), "{s}");

    // A signal to a server that is down: the error inline, the app goes on.
    key(&mut app, KeyCode::Char('d'));
    let m = app.message.clone().unwrap();
    assert!(m.error && m.text.contains("signal DeliveredSignal") && m.text.contains("not reachable"), "{m:?}");
    key(&mut app, KeyCode::Char('a'));
    let s = render_text(&app, 160, 45);
    assert!(s.contains("Query current_status (asked"), "{s}");
}

#[test]
fn a_terminate_goes_to_the_server_and_its_failure_is_said() {
    // Nothing watched: nothing to terminate, and no prompt opens.
    let mut none = app(None);
    key(&mut none, KeyCode::Esc);
    key(&mut none, KeyCode::Char('X'));
    let m = none.message.clone().unwrap();
    assert!(m.error && m.text == "start or watch a workflow on the server first", "{m:?}");
    assert_eq!(none.mode, Mode::Main);

    // Watched: the prompt asks for the reason; the server is down, so the call fails and says why.
    let mut app = app(Some("Order123"));
    key(&mut app, KeyCode::Char('X'));
    assert!(render_text(&app, 160, 45).contains("Terminate the workflow: reason"), "X opens the prompt in bridge mode too");
    for c in "stuck".chars() {
        app.handle_key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE));
    }
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.mode, Mode::Main, "the prompt closed: the call went out");
    let m = app.message.clone().unwrap();
    assert!(m.error && m.text.starts_with("terminate: stuck: Cadence server not reachable"), "{m:?}");
    let last = app.bridge.as_ref().unwrap().last.clone().expect("the failed terminate stays in the Last action pane");
    assert!(
        last.not_sent && last.outcome.starts_with("✗ not sent: Cadence server not reachable"),
        "nothing was done on the server: {last:?}"
    );
}

#[test]
fn a_cancel_goes_to_the_server_and_its_failure_is_said() {
    // Nothing watched: nothing to cancel, and no prompt opens.
    let mut none = app(None);
    key(&mut none, KeyCode::Esc);
    key(&mut none, KeyCode::Char('C'));
    let m = none.message.clone().unwrap();
    assert!(m.error && m.text == "start or watch a workflow on the server first", "{m:?}");
    assert_eq!(none.mode, Mode::Main);

    // Watched: the prompt asks for the reason; the server is down, so the request fails and says why.
    let mut app = app(Some("Order123"));
    key(&mut app, KeyCode::Char('C'));
    assert!(render_text(&app, 160, 45).contains("Cancel the workflow: reason"), "C opens the prompt in bridge mode too");
    for c in "moved".chars() {
        app.handle_key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE));
    }
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.mode, Mode::Main, "the prompt closed: the call went out");
    let m = app.message.clone().unwrap();
    assert!(m.error && m.text.starts_with("cancel: moved: Cadence server not reachable"), "{m:?}");
    let last = app.bridge.as_ref().unwrap().last.clone().expect("the failed cancel stays in the Last action pane");
    assert!(last.not_sent && last.action == Action::Cancel { reason: "moved".into() }, "nothing was done on the server: {last:?}");
}

#[test]
fn a_scan_the_server_never_got_stays_in_the_last_action_pane_as_not_sent() {
    let mut app = app(Some("Order123"));
    scan(&mut app, "Delft");
    let m = app.message.clone().unwrap();
    assert!(m.error && m.text.starts_with(r#"signal ScanSignal {"location":"Delft"}: Cadence server not reachable"#), "{m:?}");
    // The message line moves on (here: Esc's word); the pane still says the scan never left.
    key(&mut app, KeyCode::Char('s'));
    key(&mut app, KeyCode::Esc);
    assert!(!app.message.clone().unwrap().text.contains("ScanSignal"));
    let s = render_text(&app, 160, 45);
    assert!(s.contains(r#"signal ScanSignal {"location":"Delft"} → ✗ not sent: Cadence server not reachable"#), "{s}");
}

#[test]
fn the_query_pane_keeps_the_time_of_its_answer_at_80_columns() {
    let mut app = app(Some("Order123"));
    key(&mut app, KeyCode::Char('a'));
    let at = app.bridge.as_ref().unwrap().query.as_ref().expect("asked").at.to_rfc3339();
    let s = render_text(&app, 80, 24);
    assert!(s.contains(&format!("({})", &at[11..19])), "the query pane's title lost its time: {s}");
}

#[test]
fn a_timed_out_workflow_reads_timed_out_at_its_end_and_moved_back() {
    // A history that ends in a timeout (the simulator's, written as a server writes it)
    // and the server's close status for it: the status line says both in the same words.
    let mut sim = Session::new(SessionConfig::default());
    sim.perform(Action::Start {
        workflow_id: "T".into(),
        input: r#"{"id":"T","amount":20}"#.into(),
        execution_timeout: Duration::from_secs(2),
    })
    .unwrap();
    while sim.outcome().is_none() {
        sim.perform(Action::AdvanceNext).unwrap();
    }
    let mut app = app(Some("T"));
    let b = app.bridge.as_mut().unwrap();
    b.health = Health::Reachable;
    let describe = serde_json::json!({ "workflowExecutionInfo": { "closeStatus": "WORKFLOW_EXECUTION_CLOSE_STATUS_TIMED_OUT" } });
    b.server = Some(cadence_bridge::watch::ServerState::read(&describe, &[]));
    app.session = Session::import_history(SessionConfig::default(), &sim.history_json()).unwrap();
    app.changed();

    let s = render_text(&app, 160, 45);
    let status = s.lines().next().unwrap();
    assert!(status.starts_with(" T │ timed out │ server reachable │ "), "following, the server's word: {status}");
    assert!(s.contains("nothing: the workflow timed out"), "as the simulator's pending pane says it: {s}");
    // The history's own reading of its end (as `i` shows it imported) says the same.
    let imported = app.session.status_line().run_state;
    assert_eq!(imported.split(" (imported").next(), Some("timed out"), "{imported}");
    // One step back: the moment before the timeout, read from the history; forward again, the end.
    app.handle_key(KeyEvent::new(KeyCode::Left, KeyModifiers::NONE));
    let back = render_text(&app, 160, 45).lines().next().unwrap().to_owned();
    assert!(back.starts_with(" T │ running │ server reachable │ event 5/6 "), "{back}");
    app.handle_key(KeyEvent::new(KeyCode::Right, KeyModifiers::NONE));
    let end = render_text(&app, 160, 45).lines().next().unwrap().to_owned();
    assert!(end.starts_with(" T │ timed out │ server reachable │ event 6/6 "), "{end}");
}

fn server() -> String {
    std::env::var("POSTFLOW_CADENCE_HTTP").unwrap_or_else(|_| "http://127.0.0.1:8800".into())
}

/// The workshop's order started on the server under a new ID `<prefix>-<pid>-<nanos>`:
/// the server's address, a client and the ID.
fn started_on_server(prefix: &str) -> (String, Client, String) {
    let url = server();
    let nanos = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_nanos();
    let id = format!("{prefix}-{}-{nanos}", std::process::id());
    let c = Client::new(&url, "tui-test").unwrap();
    c.start_workflow(&StartOptions {
        domain: "cadence-workshop".into(),
        workflow_id: id.clone(),
        workflow_type: "OrderProcessingWorkflowComplete".into(),
        task_list: "tasklist".into(),
        input: Some(format!(r#"{{"id":"{id}","customer":"Cadence","amount":20,"address":"Uber office","sendFrom":"Aarhus"}}"#)),
        execution_timeout: Duration::from_secs(60),
        task_timeout: Duration::from_secs(10),
        id_reuse_policy: None,
    })
    .unwrap();
    (url, c, id)
}

#[test]
#[ignore = "needs a Cadence server: scripts/test-bridge.sh"]
fn a_start_under_a_taken_workflow_id_says_what_to_do_in_the_form_and_on_the_message_line() {
    let (url, c, id) = started_on_server("taken");
    let mut app = App::bridged(Bridge::new(&url, SessionConfig::default(), None).unwrap());
    app.settle(Duration::from_secs(10));
    // The form opens on the Order ID; one field up is the Workflow ID.
    key(&mut app, KeyCode::Up);
    for ch in id.chars() {
        app.handle_key(KeyEvent::new(KeyCode::Char(ch), KeyModifiers::NONE));
    }
    key(&mut app, KeyCode::Enter);
    let _ = c.terminate("cadence-workshop", &id, "", "test over");
    let Mode::Form(form) = &app.mode else { panic!("the form stays open: {:?}", app.mode) };
    let error = form.error.clone().unwrap_or_default();
    assert!(error.starts_with(&format!("{id} is taken (Workflow execution is already running)")), "{error}");
    assert!(error.ends_with(&format!("--workflow-id {id}")), "{error}");
    let m = app.message.clone().unwrap();
    assert!(m.error && m.text.contains("is taken") && !m.text.contains("sending"), "the message line still waits: {m:?}");
    // At 80x24 the way out is on screen, not cut off.
    let s = render_text(&app, 80, 24);
    assert!(s.contains("--workflow-id"), "{s}");
    // The form holds the next ID already, and the error names it: Enter starts it.
    let next = form.workflow_id();
    assert!(next != id && next.starts_with("taken-") && error.contains(&format!("Enter starts {next},")), "{next}: {error}");
    key(&mut app, KeyCode::Enter);
    let watched = app.bridge.as_ref().and_then(|b| b.watched.clone()).map(|w| w.workflow_id);
    let _ = c.terminate("cadence-workshop", &next, "", "test over");
    assert_eq!(watched.as_deref(), Some(next.as_str()), "{:?}", app.message);
    // And `s` proposes the one after it, not the ID just taken.
    key(&mut app, KeyCode::Char('s'));
    let Mode::Form(form) = &app.mode else { panic!("s opens the form: {:?}", app.mode) };
    assert!(form.workflow_id() != next && form.workflow_id() != id && form.error.is_none(), "{form:?}");
}

#[test]
#[ignore = "needs a Cadence server: scripts/test-bridge.sh"]
fn x_terminates_the_watched_workflow_on_the_server_and_a_second_is_refused_in_the_servers_words() {
    let (url, c, id) = started_on_server("terminated");
    let mut app = App::bridged(Bridge::new(&url, SessionConfig::default(), Some(id.clone())).unwrap());
    app.settle(Duration::from_secs(10));
    key(&mut app, KeyCode::Char('X'));
    for ch in "lost in the post".chars() {
        app.handle_key(KeyEvent::new(KeyCode::Char(ch), KeyModifiers::NONE));
    }
    key(&mut app, KeyCode::Enter);
    // The history comes from the server: the close is the server's own event.
    let history = c.history_json("cadence-workshop", &id, "").unwrap();
    let last = history.last().unwrap();
    let _ = c.terminate("cadence-workshop", &id, "", "test over");
    assert_eq!(last["workflowExecutionTerminatedEventAttributes"]["reason"], "lost in the post", "{last}");
    let m = app.message.clone().unwrap();
    assert!(!m.error && m.text.contains("terminated (reason: lost in the post) on the server"), "{m:?}");
    let s = render_text(&app, 160, 45);
    assert!(s.contains("WorkflowExecutionTerminated reason=lost in the post"), "the refreshed history shows it: {s}");
    assert!(s.contains("│ terminated"), "the status line says so: {s}");
    assert!(s.contains(&format!("wf terminate --workflow_id {id} --reason 'lost in the post'")), "the last action's command: {s}");

    // A second terminate reaches the server, which refuses it; its words are shown.
    key(&mut app, KeyCode::Char('X'));
    key(&mut app, KeyCode::Enter);
    let m = app.message.clone().unwrap();
    assert!(m.error && m.text.starts_with("terminate: the workflow has closed") && m.text.contains("already completed"), "{m:?}");
}

#[test]
#[ignore = "needs a Cadence server: scripts/test-bridge.sh"]
fn c_asks_the_server_to_cancel_the_watched_workflow_and_a_second_is_refused_in_the_servers_words() {
    let (url, c, id) = started_on_server("canceled");
    let mut app = App::bridged(Bridge::new(&url, SessionConfig::default(), Some(id.clone())).unwrap());
    app.settle(Duration::from_secs(10));
    key(&mut app, KeyCode::Char('C'));
    for ch in "moved away".chars() {
        app.handle_key(KeyEvent::new(KeyCode::Char(ch), KeyModifiers::NONE));
    }
    key(&mut app, KeyCode::Enter);
    // The request is the server's own event; no worker runs here, so nothing closes.
    let history = c.history_json("cadence-workshop", &id, "").unwrap();
    let m = app.message.clone().unwrap();
    let s = render_text(&app, 160, 45);
    // A second request reaches the server, which refuses it; its words are shown.
    key(&mut app, KeyCode::Char('C'));
    key(&mut app, KeyCode::Enter);
    let second = app.message.clone().unwrap();
    let _ = c.terminate("cadence-workshop", &id, "", "test over");
    let requested = history.iter().find(|e| e["workflowExecutionCancelRequestedEventAttributes"].is_object()).expect("a cancel request");
    assert_eq!(requested["workflowExecutionCancelRequestedEventAttributes"]["cause"], "moved away", "{requested}");
    assert!(!m.error && m.text.contains("cancel requested (reason: moved away) on the server"), "{m:?}");
    assert!(s.contains("WorkflowExecutionCancelRequested cause=moved away"), "the refreshed history shows it: {s}");
    assert!(s.contains("│ running"), "a cancel closes nothing by itself: {s}");
    assert!(s.contains(&format!("wf cancel --workflow_id {id} --reason 'moved away'")), "the last action's command: {s}");
    assert!(second.error && second.text.starts_with("cancel: ") && second.text.contains("already requested"), "{second:?}");
}

/// The real server behind a port of its own that a test takes down and brings back: down,
/// the port refuses connections and the open ones are cut, as when the server stops.
struct Switch {
    addr: std::net::SocketAddr,
    upstream: std::net::SocketAddr,
    open: Arc<Mutex<Vec<TcpStream>>>,
    accepting: Option<(Arc<AtomicBool>, std::thread::JoinHandle<()>)>,
}

impl Switch {
    fn new(upstream_url: &str) -> Switch {
        let host = upstream_url.trim_start_matches("http://").trim_end_matches('/');
        let upstream = std::net::ToSocketAddrs::to_socket_addrs(host).unwrap().next().unwrap();
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let mut s = Switch { addr: listener.local_addr().unwrap(), upstream, open: Arc::default(), accepting: None };
        s.accept(listener);
        s
    }

    fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    fn accept(&mut self, listener: TcpListener) {
        let (stop, open, upstream) = (Arc::new(AtomicBool::new(false)), self.open.clone(), self.upstream);
        let stopping = stop.clone();
        let thread = std::thread::spawn(move || {
            for client in listener.incoming() {
                if stopping.load(Ordering::SeqCst) {
                    return;
                }
                let Ok(client) = client else { continue };
                let Ok(server) = TcpStream::connect(upstream) else { continue };
                let mut all = open.lock().unwrap();
                all.extend([client.try_clone().unwrap(), server.try_clone().unwrap()]);
                for (mut from, mut to) in [(client.try_clone().unwrap(), server.try_clone().unwrap()), (server, client)] {
                    std::thread::spawn(move || {
                        let _ = std::io::copy(&mut from, &mut to);
                        let _ = to.shutdown(Shutdown::Both);
                    });
                }
            }
        });
        self.accepting = Some((stop, thread));
    }

    fn down(&mut self) {
        let (stop, thread) = self.accepting.take().expect("up");
        stop.store(true, Ordering::SeqCst);
        // Wakes the accepting thread, which sees the stop and drops the listener.
        let _ = TcpStream::connect(self.addr);
        thread.join().unwrap();
        for c in self.open.lock().unwrap().drain(..) {
            let _ = c.shutdown(Shutdown::Both);
        }
    }

    fn up(&mut self) {
        let listener = TcpListener::bind(self.addr).unwrap();
        self.accept(listener);
    }
}

/// Ticks the app as its loop does until `done`, at most 20 s.
fn until(app: &mut App, what: &str, done: impl Fn(&App) -> bool) {
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while !done(app) {
        assert!(std::time::Instant::now() < deadline, "{what}: not within 20 s: {:?}", app.message);
        app.tick();
        app.settle(Duration::from_secs(10));
        std::thread::yield_now();
    }
}

#[test]
#[ignore = "needs a Cadence server: scripts/test-bridge.sh"]
fn a_workflow_the_server_timed_out_reads_timed_out() {
    // No worker needed: the server times the workflow out after its 1 s.
    let url = server();
    let nanos = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_nanos();
    let id = format!("timeout-{}-{nanos}", std::process::id());
    let c = Client::new(&url, "tui-test").unwrap();
    c.start_workflow(&StartOptions {
        domain: "cadence-workshop".into(),
        workflow_id: id.clone(),
        workflow_type: "OrderProcessingWorkflowComplete".into(),
        task_list: "no-worker-here".into(),
        input: Some(format!(r#"{{"id":"{id}","amount":20}}"#)),
        execution_timeout: Duration::from_secs(1),
        task_timeout: Duration::from_secs(1),
        id_reuse_policy: None,
    })
    .unwrap();
    let mut app = App::bridged(Bridge::new(&url, SessionConfig::default(), Some(id.clone())).unwrap());
    until(&mut app, "the timeout in the history", |a| {
        a.session.history().last().is_some_and(|e| e.event_type() == EventType::WorkflowExecutionTimedOut)
            && a.bridge.as_ref().unwrap().server.as_ref().is_some_and(|v| v.close_status.is_some())
    });
    let s = render_text(&app, 160, 45);
    let status = s.lines().next().unwrap();
    assert!(status.starts_with(&format!(" {id} │ timed out │ server reachable │ ")), "{status}");
    assert!(s.contains("nothing: the workflow timed out"), "{s}");
}

#[test]
#[ignore = "needs a Cadence server: scripts/test-bridge.sh"]
fn a_scan_sent_while_the_server_is_down_is_said_not_sent_when_it_is_back() {
    let (url, c, id) = started_on_server("unsent");
    let mut switch = Switch::new(&url);
    let mut app = App::bridged(Bridge::new(&switch.url(), SessionConfig::default(), Some(id.clone())).unwrap());
    until(&mut app, "the history on screen", |a| !a.session.history().is_empty());
    assert_eq!(app.bridge.as_ref().unwrap().health, Health::Reachable);

    switch.down();
    scan(&mut app, "Delft");
    let m = app.message.clone().unwrap();
    assert!(m.error && m.text.contains("signal ScanSignal") && m.text.contains("not reachable"), "{m:?}");

    switch.up();
    until(&mut app, "the server back", |a| a.bridge.as_ref().unwrap().health == Health::Reachable);
    let m = app.message.clone().unwrap();
    let _ = c.terminate("cadence-workshop", &id, "", "test over");
    let s = render_text(&app, 160, 45);
    assert!(
        m.error
            && m.text.starts_with(&format!("server reachable again at {}", switch.url()))
            && m.text.ends_with(r#"; the last action, signal ScanSignal {"location":"Delft"}, was not sent: c sends it again"#),
        "{m:?}"
    );
    assert!(s.contains(r#"signal ScanSignal {"location":"Delft"} → ✗ not sent"#), "the pane still says so: {s}");
    let history = c.history_json("cadence-workshop", &id, "").unwrap();
    assert!(!history.iter().any(|e| e.to_string().contains("ScanSignal")), "the server never got it: {history:?}");
}

#[test]
#[ignore = "needs a Cadence server: scripts/test-bridge.sh"]
fn a_workflow_id_the_server_does_not_have_is_said_once_and_print_fails() {
    let nanos = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_nanos();
    let id = format!("Nope-{}-{nanos}", std::process::id());
    let mut app = App::bridged(Bridge::new(&server(), SessionConfig::default(), Some(id.clone())).unwrap());
    app.settle(Duration::from_secs(10));
    let want = format!("no workflow {id} in domain cadence-workshop: s starts one, or check the ID (bridge wf list)");
    let m = app.message.clone().unwrap();
    assert!(m.error && m.text == want, "{m:?}");
    let s = render_text(&app, 160, 45);
    let status = s.lines().next().unwrap();
    assert!(status.contains("not on the server │ server reachable"), "the server answered: {status}");
    assert!(!s.contains("connecting") && !s.contains("sql:") && !s.contains("retrying"), "{s}");
    assert!(!key_bar(&s).contains("c scan") && key_bar(&s).contains("s start"), "{}", key_bar(&s));
    // No more asking: the loop's ticks send nothing.
    for _ in 0..3 {
        app.tick();
        assert!(!app.bridge.as_ref().unwrap().busy(), "a refresh went out again");
    }
    key(&mut app, KeyCode::Char('c'));
    assert_eq!(app.mode, Mode::Main, "no scan prompt for a workflow that is not there");

    let out = std::process::Command::new(env!("CARGO_BIN_EXE_tui"))
        .args(["--bridge", &server(), "--workflow-id", &id, "--print"])
        .output()
        .unwrap();
    let (stdout, stderr) = (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert_eq!(out.status.code(), Some(1), "--print exits 1: {stdout}");
    assert!(stderr.contains(&want), "{stderr}");
    assert!(stdout.contains(&format!("no workflow {id} in domain")), "{stdout}");

    // "s starts one": the one asked for, not the workshop's Order123; Enter starts it.
    key(&mut app, KeyCode::Char('s'));
    let Mode::Form(form) = &app.mode else { panic!("s opens the form: {:?}", app.mode) };
    assert_eq!(form.workflow_id(), id, "{form:?}");
    key(&mut app, KeyCode::Enter);
    let c = Client::new(&server(), "tui-test").unwrap();
    let _ = c.terminate("cadence-workshop", &id, "", "test over");
    let b = app.bridge.as_ref().unwrap();
    assert_eq!(b.watched.as_ref().map(|w| w.workflow_id.as_str()), Some(id.as_str()), "{:?}", app.message);
    assert!(b.missing.is_none() && b.unanswered().is_none(), "{:?}", b.unanswered());
}

#[test]
#[ignore = "needs a Cadence server: scripts/test-bridge.sh"]
fn s_while_watching_a_workflow_the_server_has_offers_the_id_after_it() {
    // The server keeps the watched one's ID: `s` offers the next, as after a start, and
    // Enter starts it (not "Order123 is taken", nor the watched one refused).
    let (url, c, id) = started_on_server("watched");
    let (stem, n) = id.rsplit_once('-').unwrap();
    let next = format!("{stem}-{}", n.parse::<u128>().unwrap() + 1);
    let mut app = App::bridged(Bridge::new(&url, SessionConfig::default(), Some(id.clone())).unwrap());
    app.settle(Duration::from_secs(10));
    assert!(app.bridge.as_ref().unwrap().unanswered().is_none(), "{:?}", app.message);
    key(&mut app, KeyCode::Char('s'));
    let Mode::Form(form) = &app.mode else { panic!("s opens the form: {:?}", app.mode) };
    assert_eq!(form.workflow_id(), next, "{form:?}");
    key(&mut app, KeyCode::Enter);
    let _ = c.terminate("cadence-workshop", &id, "", "test over");
    let _ = c.terminate("cadence-workshop", &next, "", "test over");
    let watched = app.bridge.as_ref().and_then(|b| b.watched.clone()).map(|w| w.workflow_id);
    assert_eq!(watched.as_deref(), Some(next.as_str()), "{:?}", app.message);
}

#[test]
#[ignore = "needs a Cadence server: scripts/test-bridge.sh"]
fn print_of_a_workflow_the_server_has_exits_0() {
    // The other side of a server that is down (tests/print.rs) or a workflow it lacks
    // (above): the server answered with the workflow, and the screen is a result.
    let (url, c, id) = started_on_server("printed");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_tui"))
        .args(["--bridge", &url, "--workflow-id", &id, "--print", "--size", "120x30"])
        .output()
        .unwrap();
    let _ = c.terminate("cadence-workshop", &id, "", "test over");
    let (stdout, stderr) = (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert_eq!(out.status.code(), Some(0), "{stderr}\n{stdout}");
    assert!(stdout.contains("WorkflowExecutionStarted") && stdout.contains("server reachable"), "{stdout}");
}
