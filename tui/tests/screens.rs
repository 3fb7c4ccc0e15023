//! What a user sees, driven by scripted keys and drawn on ratatui's `TestBackend`:
//! the workshop walk-through (start, two scans, the notification, delivery, the
//! query, rewinding), the form's inline errors, overlays, imports, the tiny-terminal
//! message and resizing. Each screen is an insta snapshot reviewed by eye.

mod common;

use common::{key, scan, type_text};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use postflow_tui::keymap::Context;
use postflow_tui::ui::{render, render_text};
use postflow_tui::{App, source};
use ratatui::style::Modifier;

const W: u16 = 120;
const H: u16 = 36;

fn screen(app: &App) -> String {
    common::stable(render_text(app, W, H))
}

/// The workshop order started from the form that opens first.
fn started() -> App {
    let mut app = App::new();
    key(&mut app, KeyCode::Enter);
    app
}

/// The workshop order paid (the clock moved to both retries) and shipped: it waits for scans.
fn shipped() -> App {
    let mut app = started();
    key(&mut app, KeyCode::Char('t'));
    key(&mut app, KeyCode::Char('t'));
    app
}

#[test]
fn it_opens_on_the_workshop_order_ready_to_start() {
    let app = App::new();
    let s = screen(&app);
    for field in ["Order123", "Cadence", "20", "Uber office", "Aarhus", "(order id: Order123)", "600"] {
        assert!(s.contains(field), "the form shows {field}");
    }
    insta::assert_snapshot!("opening_form", s);
}

#[test]
fn the_workshop_walk_through() {
    let mut app = started();
    let s = screen(&app);
    assert!(s.contains("attempt=1 (try 2"), "the payment retry is pending: {s}");
    assert!(s.contains("$ cadence --domain cadence-workshop wf start"));
    insta::assert_snapshot!("1_started", s);

    key(&mut app, KeyCode::Char('t'));
    key(&mut app, KeyCode::Char('t'));
    scan(&mut app, "Delft");
    scan(&mut app, "Amsterdam");
    let s = screen(&app);
    assert!(s.contains("$ cadence --domain cadence-workshop wf signal --name ScanSignal --workflow_id Order123 --input"), "{s}");
    assert!(s.contains(r#"'{"location":"Amsterdam"}'"#), "the scan's CLI command is shown: {s}");
    assert!(s.contains("notification not sent"));
    insta::assert_snapshot!("2_scanned_twice", s);

    key(&mut app, KeyCode::Char('t'));
    let s = screen(&app);
    assert!(s.contains("notification sent"), "{s}");
    assert!(s.contains("Notification sent"), "the workflow log says so: {s}");
    insta::assert_snapshot!("3_notification", s);

    key(&mut app, KeyCode::Char('d'));
    key(&mut app, KeyCode::Char('a'));
    let s = screen(&app);
    assert!(s.contains("WorkflowExecutionCompleted") && s.contains("completed"));
    assert!(s.contains(r#"{"delivered":true,"locationHistory":["Aarhus","Delft","Amsterdam"]}"#), "{s}");
    insta::assert_snapshot!("4_delivered_and_queried", s);

    // Rewind to before the notification: every pane goes back with the cursor.
    let end = app.session.cursor();
    while app.session.status_line().notification_sent {
        key(&mut app, KeyCode::Left);
    }
    let s = screen(&app);
    assert!(s.contains("│ running │") && s.contains("notification not sent") && !s.contains("WorkflowExecutionCompleted"), "{s}");
    assert!(s.contains("not asked yet"), "the query pane shows the state at the cursor");
    assert!(!s.contains("workflow Notification sent"), "the log is as of the cursor");
    assert!(s.contains("→ fwd"), "the key bar offers going forward again");
    insta::assert_snapshot!("5_rewound", s);

    key(&mut app, KeyCode::End);
    assert_eq!(app.session.cursor(), end, "End goes forward to where we were");
    assert!(screen(&app).contains("WorkflowExecutionCompleted"));
}

#[test]
fn a_bad_amount_is_refused_inline_and_changes_nothing() {
    let mut app = App::new();
    key(&mut app, KeyCode::Down); // Customer
    key(&mut app, KeyCode::Down); // Amount
    type_text(&mut app, "x");
    key(&mut app, KeyCode::Enter);
    let s = screen(&app);
    assert!(s.contains(r#"✗ Amount: "20x" is not a number (write it like 12.50)"#), "{s}");
    assert_eq!(app.session.timeline().len(), 0, "nothing was started");
    insta::assert_snapshot!("form_error", s);

    // Fixing the field starts the order.
    key(&mut app, KeyCode::Backspace);
    key(&mut app, KeyCode::Enter);
    assert!(screen(&app).contains("Order123 │ running"));
}

#[test]
fn an_order_that_fails_payment_can_be_started_from_the_form() {
    let mut app = App::new();
    for _ in 0..2 {
        key(&mut app, KeyCode::Down);
    }
    key(&mut app, KeyCode::Backspace);
    key(&mut app, KeyCode::Backspace);
    type_text(&mut app, "30");
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Char('r'));
    for _ in 0..3 {
        key(&mut app, KeyCode::Char('t'));
    }
    let s = screen(&app);
    assert!(s.contains("failed") && s.contains("WorkflowExecutionFailed"), "{s}");
}

#[test]
fn signals_before_a_start_get_an_inline_error() {
    let mut app = App::new();
    key(&mut app, KeyCode::Esc);
    key(&mut app, KeyCode::Char('d'));
    let s = screen(&app);
    assert!(s.contains("✗ no workflow yet: start an order first"), "{s}");
    assert!(!s.contains(" d delivered"), "the key bar offers no signal before a start");
    assert!(s.contains(" s start"));
}

#[test]
fn the_grouped_history_and_the_selected_events_json() {
    let mut app = started();
    key(&mut app, KeyCode::Char('t'));
    key(&mut app, KeyCode::Char('g'));
    for _ in 0..3 {
        key(&mut app, KeyCode::Up);
    }
    // The lower pane explains the selected event; x shows its JSON instead.
    assert!(screen(&app).contains("Why 2 DecisionTaskScheduled (x: JSON)"), "{}", screen(&app));
    key(&mut app, KeyCode::Char('x'));
    let s = screen(&app);
    assert!(s.contains("activity 0 validatePaymentComplete") && s.contains("decision task 2"), "{s}");
    assert!(s.contains("\"eventId\":"), "the selected event's JSON is shown");
    insta::assert_snapshot!("grouped", s);
}

#[test]
fn help_overlay_lists_the_keymap() {
    let mut app = started();
    key(&mut app, KeyCode::Char('?'));
    let s = common::stable(render_text(&app, 120, 80));
    // The help's own column (84 wide, centred), its rows read on: a sentence longer
    // than the column goes on in the row under it.
    let column: Vec<String> = s.lines().map(|l| l.chars().skip(19).take(82).collect::<String>().trim().to_owned()).collect();
    let read = column.join(" ").split_whitespace().collect::<Vec<_>>().join(" ");
    for context in [Context::Main, Context::Form, Context::Prompt, Context::Picker, Context::Commands, Context::Help] {
        for b in postflow_tui::keymap::bindings(context) {
            assert!(read.contains(b.help), "help lists {:?}", b.help);
        }
    }
    insta::assert_snapshot!("help", s);
    key(&mut app, KeyCode::Esc);
    assert!(!screen(&app).contains("Keys (Esc closes)"));
}

#[test]
fn a_tiny_terminal_gets_a_message_not_a_broken_screen() {
    let app = started();
    let s = render_text(&app, 40, 10);
    assert!(s.contains("needs at least 80x24"), "{s}");
    insta::assert_snapshot!("tiny", s);
}

#[test]
fn resizing_redraws_for_the_new_size() {
    use ratatui::{Terminal, backend::TestBackend};
    let app = started();
    let mut terminal = Terminal::new(TestBackend::new(80, 24)).unwrap();
    terminal.draw(|f| postflow_tui::ui::draw(f, &app)).unwrap();
    let small = common::stable(postflow_tui::ui::buffer_text(terminal.backend().buffer()));
    insta::assert_snapshot!("resize_80x24", small);
    terminal.backend_mut().resize(60, 20);
    terminal.draw(|f| postflow_tui::ui::draw(f, &app)).unwrap();
    assert!(postflow_tui::ui::buffer_text(terminal.backend().buffer()).contains("the terminal is 60x20"));
    terminal.backend_mut().resize(160, 40);
    terminal.draw(|f| postflow_tui::ui::draw(f, &app)).unwrap();
    let big = common::stable(postflow_tui::ui::buffer_text(terminal.backend().buffer()));
    assert!(big.lines().all(|l| l.chars().count() <= 160) && big.lines().count() == 40);
    assert!(big.contains("Pending") && big.contains("History"), "the panes are back after growing");
    insta::assert_snapshot!("resize_160x40", big);
}

#[test]
fn the_scenario_picker_loads_a_scenario_at_its_start() {
    let mut app = started();
    key(&mut app, KeyCode::Char('p'));
    key(&mut app, KeyCode::Down);
    let s = screen(&app);
    assert!(s.contains("payment-retries"));
    insta::assert_snapshot!("picker", s);
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.session.cursor(), 0);
    assert!(screen(&app).contains("scenario payment-retries"));
    key(&mut app, KeyCode::Right);
    assert!(screen(&app).contains("WorkflowExecutionStarted"), "→ plays the first step");
}

#[test]
fn a_scenario_steps_forward_from_its_start() {
    let mut app = App::from_loaded(source::scenario("happy-path").unwrap());
    let s = screen(&app);
    assert!(s.contains("step 0/"));
    // The way on is forward: s would start a new order in place of the scenario.
    assert!(s.contains("no workflow yet at this step: → steps forward") && !s.contains("s opens the start form"), "{s}");
    key(&mut app, KeyCode::Char('c'));
    assert!(screen(&app).contains("no workflow yet at step 0: → steps forward"), "{}", screen(&app));
    for _ in 0..5 {
        key(&mut app, KeyCode::Right);
    }
    assert!(screen(&app).contains("step 5/"));
    key(&mut app, KeyCode::End);
    assert!(screen(&app).contains("WorkflowExecutionCompleted"));
    // A new order leaves the scenario: the status line no longer names it.
    key(&mut app, KeyCode::Char('s'));
    key(&mut app, KeyCode::Enter);
    let status = screen(&app).lines().next().unwrap().to_owned();
    assert!(status.contains("new order") && !status.contains("happy-path"), "{status}");
}

#[test]
fn a_real_server_history_imports_and_steps_back() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../core/tests/fixtures/real/happy-path.json");
    let mut app = App::from_loaded(source::import(path).unwrap());
    let s = screen(&app);
    assert!(s.contains("completed (imported") && s.contains("WorkflowExecutionCompleted"), "{s}");
    assert!(!s.contains(" c scan"), "an imported history offers no signals");
    key(&mut app, KeyCode::Home);
    key(&mut app, KeyCode::Right);
    let s = screen(&app);
    assert!(s.contains("running (imported, event 1 of"), "{s}");
}

#[test]
fn every_real_server_fixture_imports() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../core/tests/fixtures/real");
    let mut seen = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "json") {
            let app = App::from_loaded(source::import(path.to_str().unwrap()).unwrap());
            let s = screen(&app);
            let last = app.session.history_rows().last().unwrap().event_type;
            assert!(s.contains("(imported, event") && s.contains(last), "{}: {s}", path.display());
            seen += 1;
        }
    }
    assert!(seen >= 5, "the fixtures were found");
}

#[test]
fn ctrl_c_quits_even_from_the_form() {
    let mut app = App::new();
    app.handle_key(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL));
    assert!(app.should_quit);
    let mut app = App::new();
    key(&mut app, KeyCode::Char('q'));
    assert!(!app.should_quit, "q in the form is text, not quit");
    key(&mut app, KeyCode::Esc);
    key(&mut app, KeyCode::Char('q'));
    assert!(app.should_quit);
}

#[test]
fn chords_are_neither_text_nor_commands() {
    // Alt-x, Ctrl-b: the terminal's or the desktop's own keys, not a letter typed.
    let mut app = App::new();
    app.handle_key(KeyEvent::new(KeyCode::Char('b'), KeyModifiers::CONTROL));
    app.handle_key(KeyEvent::new(KeyCode::Char('x'), KeyModifiers::ALT));
    type_text(&mut app, "9");
    key(&mut app, KeyCode::Enter);
    let s = screen(&app);
    assert!(s.contains("Order1239 │ running"), "only the plain key reached the Workflow ID field: {s}");
    app.handle_key(KeyEvent::new(KeyCode::Char('q'), KeyModifiers::ALT));
    assert!(!app.should_quit, "Alt-q is not q");
}

#[test]
fn export_then_import_round_trips_through_the_prompts() {
    let mut app = started();
    let dir = std::env::temp_dir().join(format!("postflow-tui-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("order.json");
    key(&mut app, KeyCode::Char('e'));
    for _ in 0.."Order123.history.json".len() {
        key(&mut app, KeyCode::Backspace);
    }
    type_text(&mut app, file.to_str().unwrap());
    key(&mut app, KeyCode::Enter);
    let events = app.session.history().len();
    assert!(screen(&app).contains(&format!("exported {events} events")));

    key(&mut app, KeyCode::Char('i'));
    type_text(&mut app, "/nonexistent/history.json");
    key(&mut app, KeyCode::Enter);
    assert!(screen(&app).contains("✗ /nonexistent/history.json"), "a bad path is refused inline");
    assert!(!app.session.is_imported(), "and changes nothing");
    key(&mut app, KeyCode::Esc);

    key(&mut app, KeyCode::Char('i'));
    type_text(&mut app, file.to_str().unwrap());
    key(&mut app, KeyCode::Enter);
    assert!(app.session.is_imported());
    assert_eq!(app.session.history().len(), events);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn after_delivery_the_keys_follow_the_closed_workflow() {
    let mut app = started();
    for _ in 0..2 {
        key(&mut app, KeyCode::Char('t'));
    }
    key(&mut app, KeyCode::Char('d'));
    let bar = screen(&app).lines().last().unwrap().to_owned();
    for gone in ["c scan", "d delivered", "n step", "t timer", "r run"] {
        assert!(!bar.contains(gone), "the key bar still offers {gone:?} after completion: {bar}");
    }
    assert!(bar.contains("a query"), "a closed workflow still answers queries: {bar}");
    // The key still says why it does nothing, instead of opening the scan prompt.
    key(&mut app, KeyCode::Char('c'));
    let s = screen(&app);
    assert!(s.contains("the workflow has completed: Cadence refuses signals to a closed workflow"), "{s}");
    assert!(!s.contains("Scan the package"), "{s}");
    key(&mut app, KeyCode::Char('n'));
    assert!(screen(&app).contains("the workflow has completed: nothing runs any more"));
}

#[test]
fn scans_the_code_has_not_read_yet_show_in_pending() {
    // Two scans while the payment retries: Cadence records them, the code reads them
    // only when it tracks the package. Pending says so, with the locations.
    let mut app = started();
    scan(&mut app, "Delft");
    scan(&mut app, "Lyon");
    let s = render_text(&app, 160, 40);
    assert!(s.contains("2 ScanSignal (not read by the code yet)"), "{s}");
    assert!(s.contains(r#"{"location":"Delft"},"#) && s.contains(r#"{"location":"Lyon"}"#), "{s}");
    key(&mut app, KeyCode::Char('t'));
    key(&mut app, KeyCode::Char('t'));
    let s = render_text(&app, 160, 40);
    assert!(!s.contains("not read by the code yet"), "read once the code tracks the package: {s}");
}

#[test]
fn an_imported_history_tells_what_is_open_and_that_the_notification_went_out() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../core/tests/fixtures/cli/happy-path-scan.json");
    let mut app = App::from_loaded(source::import(path).unwrap());
    let s = render_text(&app, 220, 40);
    assert!(s.contains("notification sent"), "the history has TimerFired: {s}");
    assert!(s.contains(r#""locationHistory":["Aarhus","Delft"]"#), "the query pane replays the history: {s}");
    assert!(!s.contains("a asks it"), "no key that is disabled here is offered: {s}");
    // Back to just after the first timer started: Pending reads it from the history.
    for _ in 0..21 {
        key(&mut app, KeyCode::Left);
    }
    let s = render_text(&app, 160, 40);
    assert!(s.contains("timer 3: fires in"), "{s}");
    assert!(s.contains("workflow timeout: in"), "{s}");
}

#[test]
fn every_command_of_the_session_shows_in_full_unboxed_and_copies() {
    let mut app = started();
    type_text(&mut app, "");
    key(&mut app, KeyCode::Char('c'));
    type_text(&mut app, "Schiphol Airport, Amsterdam, the Netherlands");
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Char('o'));
    let s = render_text(&app, 80, 24);
    let start = app.session.timeline()[0].cli.clone().unwrap();
    // The command, wrapped only by the screen's width: no border, no indent.
    let joined: String = s.lines().collect::<Vec<_>>().concat();
    assert!(joined.contains(&start), "the whole start command at 80x24:\n{s}");
    assert!(!s.lines().any(|l| l.starts_with("cadence") && l.contains('│')), "no box around a command:\n{s}");
    // y copies the selected (newest) command; ↑ then y the start command.
    key(&mut app, KeyCode::Char('y'));
    let scan = app.clipboard.take().unwrap();
    assert!(scan.ends_with(r#"--input '{"location":"Schiphol Airport, Amsterdam, the Netherlands"}'"#), "{scan}");
    key(&mut app, KeyCode::Up);
    key(&mut app, KeyCode::Char('y'));
    assert_eq!(app.clipboard.take().unwrap(), start);
    key(&mut app, KeyCode::Esc);
    // On the main screen y copies the last command; after a clock move it is marked older.
    key(&mut app, KeyCode::Char('t'));
    let s = render_text(&app, 160, 40);
    assert!(s.contains("$ is from step 5: the steps since have no cadence command"), "the scan was step 5: {s}");
    key(&mut app, KeyCode::Char('y'));
    assert_eq!(app.clipboard.take().unwrap(), scan);
}

#[test]
fn keys_do_nothing_while_the_terminal_is_too_small() {
    let mut app = started();
    app.too_small = true;
    let events = app.session.history().len();
    for c in ['t', 's', 'c', '?'] {
        key(&mut app, KeyCode::Char(c));
    }
    assert_eq!(app.mode, postflow_tui::app::Mode::Main, "no overlay opened unseen");
    assert_eq!(app.session.history().len(), events, "nothing happened unseen");
    key(&mut app, KeyCode::Char('q'));
    assert!(app.should_quit, "quitting still works");
}

#[test]
fn the_status_line_at_80_columns_says_whether_the_customer_was_notified() {
    let app = started();
    let s = render_text(&app, 80, 24);
    let status = s.lines().next().unwrap_or_default();
    assert!(status.contains("notification not sent"), "{status}");
    assert!(status.contains("+"), "the elapsed virtual time stays: {status}");
    let wide = render_text(&app, 160, 50);
    let wide = wide.lines().next().unwrap_or_default();
    assert!(wide.contains("2009-11-10T23:00:00Z") && wide.ends_with("seed 1 │ auto-run"), "a wide one shows the clock too: {wide}");
    // What does not fit is left out whole, not cut mid-word ("workshop ord", "see").
    let parts: Vec<&str> = status.trim().split(" │ ").collect();
    let whole: Vec<&str> = wide.trim().split(" │ ").collect();
    assert!(parts.len() < whole.len(), "{status}");
    for part in &parts[1..] {
        assert!(whole.contains(part) || part.starts_with('+'), "{part:?} is cut: {status}");
    }
}

#[test]
fn the_help_scrolls_at_80x24() {
    let mut app = started();
    key(&mut app, KeyCode::Char('?'));
    let s = render_text(&app, 80, 24);
    assert!(s.contains("Keys: lines 1-"), "the title says there is more: {s}");
    let last_help = "close the help";
    assert!(!s.contains(last_help), "{s}");
    for _ in 0..5 {
        key(&mut app, KeyCode::PageDown);
    }
    let s = render_text(&app, 80, 24);
    assert!(s.contains(last_help), "scrolled to the end: {s}");
    key(&mut app, KeyCode::Esc);
    assert_eq!(app.mode, postflow_tui::app::Mode::Main);
}

#[test]
fn the_log_pane_shows_the_scanned_location_whole() {
    let mut app = shipped();
    scan(&mut app, "Rotterdam Europoort");
    let s = render_text(&app, 80, 24);
    assert!(s.contains("Europoort"), "{s}");
}

#[test]
fn export_expands_the_home_directory_asks_before_overwriting_and_says_where() {
    let home = std::env::temp_dir().join(format!("postflow-home-{}", std::process::id()));
    std::fs::create_dir_all(&home).unwrap();
    // SAFETY: this test binary's tests do not read HOME concurrently except through expand_home.
    unsafe { std::env::set_var("HOME", &home) };
    let mut app = started();
    let export = |app: &mut App, name: &str| {
        key(app, KeyCode::Char('e'));
        for _ in 0.."Order123.history.json".len() {
            key(app, KeyCode::Backspace);
        }
        type_text(app, name);
        key(app, KeyCode::Enter);
    };
    export(&mut app, "~/run.replay.sh");
    let path = home.join("run.replay.sh");
    let script = std::fs::read_to_string(&path).unwrap();
    assert!(script.starts_with("#!/bin/sh") && script.contains("wf start"), "{script}");
    assert!(render_text(&app, 200, 40).contains(&format!("to {}", path.canonicalize().unwrap().display())));
    // The same name again: asked first, written on the second Enter.
    std::fs::write(&path, "mine").unwrap();
    export(&mut app, "~/run.replay.sh");
    assert!(render_text(&app, 120, 36).contains("exists: press Enter again"));
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "mine", "not overwritten without asking");
    key(&mut app, KeyCode::Enter);
    assert!(std::fs::read_to_string(&path).unwrap().starts_with("#!/bin/sh"));
    // The CLI's form, by its name.
    export(&mut app, "~/o.cli-history.json");
    assert!(std::fs::read_to_string(home.join("o.cli-history.json")).unwrap().starts_with("[\n{\"eventId\":1,"));
    // A directory is no file to overwrite.
    export(&mut app, "~");
    let s = render_text(&app, 160, 36);
    assert!(s.contains(&format!("{} is a directory: type a file name in it", home.display())), "{s}");
    assert!(home.is_dir());
    key(&mut app, KeyCode::Esc);
    // What was exported to ~/... imports from ~/... too.
    key(&mut app, KeyCode::Char('i'));
    type_text(&mut app, "~/o.cli-history.json");
    key(&mut app, KeyCode::Enter);
    let s = render_text(&app, 160, 36);
    assert!(s.contains("running (imported, event 5 of 5)"), "{s}");
    std::fs::remove_dir_all(&home).unwrap();
}

#[test]
fn acting_mid_timeline_says_what_it_replaced_and_u_undoes_it() {
    let mut app = shipped();
    let len = app.session.timeline().len();
    key(&mut app, KeyCode::Home);
    key(&mut app, KeyCode::Right);
    key(&mut app, KeyCode::Right);
    scan(&mut app, "Delft");
    let s = screen(&app);
    assert!(s.contains("acting at step 2 replaced the") && s.contains("undo puts them back (u)"), "{s}");
    assert!(s.contains(" undo "), "the key bar offers undo: {s}");
    key(&mut app, KeyCode::Char('u'));
    assert_eq!(app.session.timeline().len(), len);
    assert!(screen(&app).contains("the replaced steps are back"));
}

#[test]
fn a_loaded_scenarios_description_stays_in_view() {
    let mut app = App::from_loaded(source::scenario("scans-reset-timer").unwrap());
    for _ in 0..3 {
        key(&mut app, KeyCode::Right);
    }
    let s = render_text(&app, 200, 40);
    assert!(s.contains("scans-reset-timer: "), "{s}");
    // On a narrow terminal it wraps above the key bar instead of being cut.
    let description = app.description.clone().unwrap();
    let last_word = description.split_whitespace().last().unwrap();
    let narrow = render_text(&app, 80, 24);
    let lines: Vec<&str> = narrow.lines().collect();
    let message = lines[lines.len() - 3..lines.len() - 1].join(" ");
    assert!(description.len() > 80 && message.trim_end().ends_with(last_word), "{narrow}");
    assert!(lines[lines.len() - 1].contains("? help"), "the key bar stays: {narrow}");
    assert_eq!(lines.len(), 24);
}

#[test]
fn a_message_longer_than_the_terminal_is_wide_is_read_whole() {
    // An export says where the file went: the path is what the user came for.
    let mut app = started();
    let dir = std::env::temp_dir().join(format!("postflow-tui-test-message-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = std::fs::canonicalize(&dir).unwrap().join("the-workshop-order.history.json");
    key(&mut app, KeyCode::Char('e'));
    for _ in 0.."Order123.history.json".len() {
        key(&mut app, KeyCode::Backspace);
    }
    type_text(&mut app, file.to_str().unwrap());
    key(&mut app, KeyCode::Enter);
    let message = app.message.as_ref().expect("the export says where").text.clone();
    assert!(message.chars().count() > 80, "{message}");
    let narrow = render_text(&app, 80, 24);
    assert!(narrow.lines().any(|l| l.trim() == file.to_str().unwrap()), "the whole path, on a line of its own: {narrow}");
    assert!(narrow.lines().last().unwrap().contains("? help"), "the key bar stays at the bottom: {narrow}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_long_command_is_shown_whole_where_there_is_room_and_said_to_be_cut_where_not() {
    let app = started();
    let pane = |s: &str| -> String {
        let lines: Vec<&str> = s.lines().collect();
        let top = lines.iter().position(|l| l.contains("┌ Last action")).unwrap();
        let bottom = top + lines[top..].iter().position(|l| l.starts_with('└')).unwrap();
        lines[top..=bottom].join("\n")
    };
    let tall = pane(&render_text(&app, 120, 40));
    assert!(tall.contains(r#""sendFrom":"Aarhus"}'"#), "the start's input to its end: {tall}");
    assert!(!tall.contains("more:"), "{tall}");
    let small = pane(&render_text(&app, 80, 24));
    assert!(!small.contains("sendFrom"), "80x24 has no rows to spare: {small}");
    assert!(small.lines().last().unwrap().contains("more: o shows every command whole"), "{small}");
}

#[test]
fn the_last_actions_title_at_80_columns_keeps_its_parts_whole() {
    // A clock move has no cadence command: the command shown is the start's, older.
    let mut app = started();
    key(&mut app, KeyCode::Char('t'));
    let title = |s: &str| s.lines().find(|l| l.contains("Last action")).unwrap_or_default().to_owned();
    let narrow = title(&render_text(&app, 80, 24));
    assert!(narrow.contains("$ is from step 1 ") && narrow.contains("o: all commands · y: copy"), "{narrow}");
    assert!(!narrow.contains("the steps since"), "no sentence cut at the border: {narrow}");
    let wide = title(&render_text(&app, 160, 40));
    assert!(wide.contains("$ is from step 1: the steps since have no cadence command"), "{wide}");
}

#[test]
fn the_why_and_json_pane_scrolls_when_it_holds_more_than_it_shows() {
    let mut app = started();
    let pane = |s: &str, title: &str| -> Vec<String> {
        // The pane: from its title to its bottom border, as wide as its title's border.
        let lines: Vec<&str> = s.lines().collect();
        let top = lines.iter().position(|l| l.starts_with(title)).unwrap();
        let bottom = top + lines[top..].iter().position(|l| l.starts_with('└')).unwrap();
        let width = lines[top].chars().position(|c| c == '┐').unwrap() + 1;
        lines[top..=bottom].iter().map(|l| l.chars().take(width).collect()).collect()
    };
    let before = pane(&render_text(&app, 80, 24), "┌ Why");
    let note = before.last().unwrap().clone();
    assert!(note.contains("lines 1-5 of") && note.contains("J K scroll"), "{before:#?}");
    let first_line = before[1].clone();
    key(&mut app, KeyCode::Char('J'));
    let after = pane(&render_text(&app, 80, 24), "┌ Why");
    assert!(after.last().unwrap().contains("lines 2-6 of"), "{after:#?}");
    assert_eq!(after[1], before[2], "the text moved up a line");
    assert!(!after.contains(&first_line));
    // Past the end it stops at the last line.
    for _ in 0..100 {
        key(&mut app, KeyCode::Char('J'));
    }
    let end = pane(&render_text(&app, 80, 24), "┌ Why");
    let total: usize = note.split(" of ").nth(1).unwrap().split(':').next().unwrap().trim().parse().unwrap();
    assert!(end.last().unwrap().contains(&format!("-{total} of {total}")), "{end:#?}");
    key(&mut app, KeyCode::Char('K'));
    let back = pane(&render_text(&app, 80, 24), "┌ Why");
    assert!(back.last().unwrap().contains(&format!("-{} of {total}", total - 1)), "{back:#?}");
    // Another event starts at the top again.
    key(&mut app, KeyCode::Up);
    let other = pane(&render_text(&app, 80, 24), "┌ Why");
    assert!(other.last().unwrap().contains("lines 1-") || other.last().unwrap().ends_with("──┘"), "{other:#?}");
    // A pane that shows everything has nothing to scroll, and says nothing.
    let wide = render_text(&app, 200, 60);
    assert!(!wide.contains("J K scroll"), "{wide}");
    // The event's JSON (x) scrolls the same way.
    key(&mut app, KeyCode::Char('x'));
    let json = pane(&render_text(&app, 80, 24), "┌ Event");
    assert!(json[1].contains('{') && json.last().unwrap().contains("lines 1-5 of"), "{json:#?}");
    key(&mut app, KeyCode::Char('J'));
    let json = pane(&render_text(&app, 80, 24), "┌ Event");
    assert!(!json[1].contains('{') && json.last().unwrap().contains("lines 2-6 of"), "{json:#?}");
}

#[test]
fn the_workflow_log_ends_with_the_newest_line_whole() {
    // Log lines wrap at words; counting characters undercounted their rows, and the
    // pane cut the newest line's end off (here the shipment's order ID).
    let app = shipped();
    for (w, h) in [(80, 24), (100, 34)] {
        let s = render_text(&app, w, h);
        let lines: Vec<&str> = s.lines().collect();
        let top = lines.iter().position(|l| l.contains("Workflow log (")).unwrap_or_else(|| panic!("no log pane: {s}"));
        let left = lines[top].chars().position(|c| c == '┌').unwrap_or(0);
        let pane: Vec<String> = lines[top + 1..]
            .iter()
            .take_while(|l| l.chars().nth(left).is_none_or(|c| c != '└'))
            .map(|l| l.chars().skip(left + 1).collect::<String>().trim_end_matches(['│', ' ']).to_owned())
            .collect();
        let last = pane.iter().rev().find(|r| !r.is_empty()).unwrap_or_else(|| panic!("an empty log at {w}x{h}: {s}"));
        assert!(last.ends_with(r#"{"orderID":"Order123"}"#), "at {w}x{h}: {pane:#?}\n{s}");
        // Where the pane has room, its first row is the start of a line, at its time.
        if h > 24 {
            assert!(pane[0].get(2..3) == Some(":") && pane[0].get(5..6) == Some(":"), "at {w}x{h}: {pane:#?}");
        }
    }
}

#[test]
fn the_pending_pane_takes_the_rows_it_needs_and_says_when_it_has_more() {
    // Just before the timeout: the pending pane warns that the next clock move times
    // the workflow out, and says where the code waits.
    let mut app = shipped();
    scan(&mut app, "Delft");
    key(&mut app, KeyCode::Char('t'));
    key(&mut app, KeyCode::Char('d'));
    for _ in 0..3 {
        key(&mut app, KeyCode::Left);
    }
    let tall = render_text(&app, 140, 40);
    for whole in ["fires it: the workflow will", "time out", "waiting for the first of: a ScanSignal signal; a", "DeliveredSignal"] {
        assert!(tall.contains(whole), "{whole:?} is shown at 140x40:\n{tall}");
    }
    assert!(!tall.contains("a taller window"), "{tall}");
    // At 80x24 it cannot all fit, and the pane's border says there is more.
    let small = render_text(&app, 80, 24);
    assert!(small.contains("─ more: a taller window shows it ┘"), "{small}");
}

#[test]
fn prompts_at_80x24_show_their_forms_and_keep_their_keys_under_a_long_error() {
    let mut app = started();
    key(&mut app, KeyCode::Char('e'));
    let s = render_text(&app, 80, 24);
    assert!(s.contains(".sh a replay script"), "every form the name can pick is named: {s}");
    key(&mut app, KeyCode::Esc);
    key(&mut app, KeyCode::Char('i'));
    type_text(&mut app, "/no/such/place/with/a/rather/long/path/and/then/some/more/folders/history-file.json");
    key(&mut app, KeyCode::Enter);
    let s = render_text(&app, 80, 24);
    assert!(s.contains("No such file or directory") && s.contains("│Enter ok  Esc close"), "{s}");
}

#[test]
fn a_long_value_in_the_start_form_keeps_every_field_and_the_keys_in_view() {
    let mut app = App::new();
    type_text(&mut app, &"é".repeat(150));
    let s = render_text(&app, 80, 24);
    assert!(s.contains("ééé_"), "the focused field shows its end, where typing goes: {s}");
    for _ in 0..5 {
        key(&mut app, KeyCode::Tab);
    }
    let s = render_text(&app, 80, 24);
    assert!(s.contains("Timeout (s) 600_"), "the field tabbed to is in view: {s}");
    assert!(s.contains("Order123ééé") && s.contains("é…"), "a long field not focused shows its start, cut: {s}");
    assert!(s.contains("Tab/↓ next field"), "the form's keys stay in its box: {s}");
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.session.workflow_id(), Some(format!("Order123{}", "é".repeat(150)).as_str()), "the whole value is started");
}

#[test]
fn a_scenario_or_an_import_loaded_over_a_session_can_be_undone() {
    let mut app = shipped();
    scan(&mut app, "Delft");
    let events = app.session.history().len();
    key(&mut app, KeyCode::Char('p'));
    key(&mut app, KeyCode::Enter);
    assert!(screen(&app).contains("undo puts it back: u"), "the message says the session is kept: {}", screen(&app));
    key(&mut app, KeyCode::Char('u'));
    assert_eq!(app.session.history().len(), events, "u brings the session back after a scenario");
    assert!(screen(&app).contains("your session is back"));

    let dir = std::env::temp_dir().join(format!("postflow-tui-undo-import-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("other.json");
    std::fs::write(&file, started().session.history_json()).unwrap();
    key(&mut app, KeyCode::Char('i'));
    type_text(&mut app, file.to_str().unwrap());
    key(&mut app, KeyCode::Enter);
    assert!(app.session.is_imported());
    key(&mut app, KeyCode::Char('u'));
    assert!(!app.session.is_imported(), "u brings the session back after an import");
    assert_eq!(app.session.history().len(), events);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_pasted_text_of_two_lines_is_typed_into_the_prompt_and_never_run_as_keys() {
    let mut app = shipped();
    key(&mut app, KeyCode::Char('c'));
    app.paste("Delft\ndam\r\n");
    let s = render_text(&app, 80, 24);
    assert!(s.contains("> Delft dam_"), "the line break is a space, the last one dropped: {s}");
    key(&mut app, KeyCode::Enter);
    let s = render_text(&app, 200, 50);
    assert!(s.contains(r#"--input '{"location":"Delft dam"}'"#), "one scan, of both lines: {s}");
    assert!(!s.contains("signal=DeliveredSignal"), "nothing delivered: {s}");

    let events = app.session.history().len();
    app.paste("d");
    assert_eq!(app.session.history().len(), events, "a paste on the main screen runs no key");
    assert!(screen(&app).contains("✗ pasted text is read only in a form or a prompt"), "{}", screen(&app));

    key(&mut app, KeyCode::Char('s'));
    key(&mut app, KeyCode::Tab);
    for _ in 0.."Cadence".len() {
        key(&mut app, KeyCode::Backspace);
    }
    app.paste("Ada\tLovelace\n");
    assert!(render_text(&app, 80, 24).contains("Customer Ada Lovelace_"), "{}", render_text(&app, 80, 24));
}

#[test]
fn a_long_workflow_id_leaves_the_run_state_in_the_status_line() {
    let mut app = App::new();
    key(&mut app, KeyCode::Up);
    type_text(&mut app, &"w".repeat(300));
    key(&mut app, KeyCode::Enter);
    let s = render_text(&app, 80, 24);
    let status = s.lines().next().unwrap();
    assert!(status.contains("www…") && status.contains("│ running │ step 4/4"), "{status}");
}

#[test]
fn a_long_pasted_location_keeps_the_prompts_keys_in_view_and_is_sent_whole() {
    let mut app = shipped();
    key(&mut app, KeyCode::Char('c'));
    app.paste(&"y".repeat(3000));
    type_text(&mut app, "END");
    let s = render_text(&app, 80, 24);
    assert!(s.contains("yyyEND_") && s.contains("│Enter ok  Esc close"), "the end, where typing goes, and the keys: {s}");
    key(&mut app, KeyCode::Enter);
    let (_, last) = postflow_core::session::script::commands(&app.session).pop().unwrap();
    assert!(last.contains(&format!(r#"{{"location":"{}END"}}"#, "y".repeat(3000))), "the whole location is sent: {last}");
}

/// `X`, a reason typed, Enter: `cadence wf terminate` of the running workflow.
fn terminate(app: &mut App, reason: &str) {
    key(app, KeyCode::Char('X'));
    type_text(app, reason);
    key(app, KeyCode::Enter);
}

#[test]
fn x_asks_for_a_reason_and_terminates_the_workflow() {
    let mut app = shipped();
    key(&mut app, KeyCode::Char('X'));
    let s = screen(&app);
    assert!(s.contains("Terminate the workflow: reason (cadence wf terminate --reason)"), "{s}");
    assert!(s.contains("The reason is optional"), "the prompt says Enter needs no reason: {s}");
    insta::assert_snapshot!("terminate_prompt", s);

    type_text(&mut app, "lost in the post");
    key(&mut app, KeyCode::Enter);
    let s = screen(&app);
    assert_eq!(app.mode, postflow_tui::app::Mode::Main, "the prompt closed");
    assert!(s.contains("Order123 │ terminated │"), "the status line says terminated: {s}");
    assert!(s.contains("WorkflowExecutionTerminated reason=lost in the post"), "the history shows the close: {s}");
    assert!(s.contains("Order123 terminated (reason: lost in the post): closed at once"), "the message line says what happened: {s}");
    assert!(s.contains("Why 24 WorkflowExecutionTerminated") && s.contains("The workflow was terminated"), "the Why pane explains it: {s}");
    assert!(s.contains("$ cadence --domain cadence-workshop wf terminate --workflow_id Order123 --reason 'lost in the post'"), "{s}");
    insta::assert_snapshot!("terminated", s);

    // A closed workflow takes no second terminate, and no prompt opens for one.
    key(&mut app, KeyCode::Char('X'));
    let s = screen(&app);
    assert!(s.contains("✗ the workflow has been terminated: Cadence refuses to terminate a closed workflow; s starts"), "{s}");
    assert!(!s.contains("Terminate the workflow: reason"), "{s}");
    assert!(!s.contains(" c scan") && !s.contains(" d delivered"), "nothing is offered that a closed workflow refuses: {s}");
}

#[test]
fn a_terminate_needs_no_reason_and_esc_changes_nothing() {
    let mut app = shipped();
    let steps = app.session.timeline().len();
    key(&mut app, KeyCode::Char('X'));
    type_text(&mut app, "never mind");
    key(&mut app, KeyCode::Esc);
    let s = screen(&app);
    assert_eq!(app.session.timeline().len(), steps, "Esc sent nothing");
    assert!(s.contains("Order123 │ running │") && !s.contains("WorkflowExecutionTerminated"), "{s}");
    assert!(s.contains("nothing terminated: the workflow goes on as it was"), "{s}");

    // Enter on an empty line (spaces only count as nothing) terminates with no reason.
    terminate(&mut app, "  ");
    let s = screen(&app);
    assert!(s.contains("Order123 │ terminated │"), "{s}");
    let row = s.lines().find(|l| l.contains("WorkflowExecutionTerminated")).unwrap_or_default();
    assert!(!row.contains("never mind"), "the text Esc dropped is not the reason: {row}");
    assert!(s.contains("Order123 terminated (no reason given)"), "{s}");
    assert!(s.contains("$ cadence --domain cadence-workshop wf terminate --workflow_id Order123"), "{s}");
    assert!(!s.contains("--reason"), "the CLI command has no --reason either: {s}");
}

#[test]
fn after_a_terminate_a_step_back_and_a_new_action_work_as_for_any_action() {
    let mut app = shipped();
    terminate(&mut app, "wrong address");
    let steps = app.session.timeline().len();
    key(&mut app, KeyCode::Left);
    let s = screen(&app);
    assert!(s.contains("Order123 │ running │") && !s.contains("WorkflowExecutionTerminated"), "← goes back to before it: {s}");
    assert!(s.contains(" c scan"), "the running workflow's keys are back: {s}");
    key(&mut app, KeyCode::Right);
    assert!(screen(&app).contains("WorkflowExecutionTerminated reason=wrong address"), "→ goes forward to it again");
    key(&mut app, KeyCode::Left);

    // Acting there replaces the terminate, as any later step is replaced, and u puts it back.
    scan(&mut app, "Delft");
    let s = screen(&app);
    assert!(s.contains("Order123 │ running │") && !s.contains("WorkflowExecutionTerminated"), "{s}");
    assert!(s.contains("acting at step") && s.contains("(u)"), "{s}");
    key(&mut app, KeyCode::Char('u'));
    assert_eq!(app.session.timeline().len(), steps);
    key(&mut app, KeyCode::End);
    assert!(screen(&app).contains("Order123 │ terminated │"), "the terminate is back");
}

#[test]
fn x_where_nothing_runs_says_why_and_opens_no_prompt() {
    let refused = |app: &mut App, why: &str| {
        key(app, KeyCode::Char('X'));
        let s = screen(app);
        assert!(s.contains(&format!("✗ {why}")), "{s}");
        assert_eq!(app.mode, postflow_tui::app::Mode::Main, "no prompt opened: {s}");
    };
    let mut app = App::new();
    key(&mut app, KeyCode::Esc);
    refused(&mut app, "no workflow yet: start an order first (s)");

    let mut app = shipped();
    key(&mut app, KeyCode::Char('d'));
    refused(&mut app, "the workflow has completed: Cadence refuses to terminate a closed workflow");

    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../core/tests/fixtures/real/started-only.json");
    let mut app = App::from_loaded(source::import(path).unwrap());
    refused(&mut app, "an imported history is read-only: step through it with ← and →");

    // An imported history of a terminated workflow reads as terminated.
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../core/tests/fixtures/real/terminated-in-flight.json");
    let app = App::from_loaded(source::import(path).unwrap());
    assert!(screen(&app).contains("terminated (imported, event"), "{}", screen(&app));
}

#[test]
fn the_help_lists_x_for_terminate() {
    let mut app = started();
    key(&mut app, KeyCode::Char('?'));
    let s = render_text(&app, 120, 80);
    let line = s.lines().find(|l| l.contains("close the workflow at once, its code not asked (cadence wf terminate)")).unwrap_or_default();
    assert!(line.trim_start_matches([' ', '│']).starts_with('X'), "the help lists X with its line: {line:?}");
}

/// The row of a `width`x`height` screen that holds `marker`, trailing blanks trimmed,
/// with its reversed cells in brackets: a text field's cursor is the reversed character
/// (the focused field's label is reversed too).
fn row_with_cursor(app: &App, width: u16, height: u16, marker: &str) -> String {
    let buffer = render(app, width, height);
    let area = buffer.area;
    for y in area.top()..area.bottom() {
        let (mut row, mut plain, mut reversed, mut covered) = (String::new(), String::new(), false, 0);
        for x in area.left()..area.right() {
            let cell = &buffer[(x, y)];
            // The cells a wide character covers after its own are not text.
            if covered > 0 {
                covered -= 1;
                continue;
            }
            covered = ratatui::text::Span::raw(cell.symbol()).width().saturating_sub(1);
            if cell.modifier.contains(Modifier::REVERSED) != reversed {
                reversed = !reversed;
                row.push(if reversed { '[' } else { ']' });
            }
            row.push_str(cell.symbol());
            plain.push_str(cell.symbol());
        }
        if plain.contains(marker) {
            return row.trim_end().to_owned();
        }
    }
    panic!("no row holds {marker}: {}", render_text(app, width, height));
}

fn ctrl(app: &mut App, c: char) {
    app.handle_key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL));
}

#[test]
fn a_typo_in_the_scan_location_is_fixed_with_the_arrows_and_backspace() {
    let mut app = shipped();
    let step = app.session.cursor();
    key(&mut app, KeyCode::Char('c'));
    type_text(&mut app, "Delfft");
    key(&mut app, KeyCode::Left);
    assert!(
        row_with_cursor(&app, 80, 24, "> Delf").contains("> Delff[t]"),
        "← puts the cursor on the t: {}",
        row_with_cursor(&app, 80, 24, "> Delf")
    );
    key(&mut app, KeyCode::Backspace);
    assert!(row_with_cursor(&app, 80, 24, "> Del").contains("> Delf[t]"), "Backspace deletes the f before it");
    // Home/End (and the shell's Ctrl-A/Ctrl-E): typing goes in where the cursor is.
    key(&mut app, KeyCode::Home);
    type_text(&mut app, "Nieuw ");
    ctrl(&mut app, 'e');
    type_text(&mut app, " Zuid");
    ctrl(&mut app, 'a');
    key(&mut app, KeyCode::Delete);
    type_text(&mut app, "n");
    key(&mut app, KeyCode::End);
    let s = render_text(&app, 80, 24);
    assert!(s.contains("> nieuw Delft Zuid_"), "{s}");
    assert_eq!(app.session.cursor(), step, "← and Home in the prompt moved the text's cursor, not the timeline");
    key(&mut app, KeyCode::Enter);
    let (_, last) = postflow_core::session::script::commands(&app.session).pop().unwrap();
    assert!(last.contains(r#"{"location":"nieuw Delft Zuid"}"#), "the fixed location is sent: {last}");
    // Out of the prompt, ← is the timeline's again.
    let after = app.session.cursor();
    key(&mut app, KeyCode::Left);
    assert_eq!(app.session.cursor(), after - 1, "← on the main screen steps back");
}

#[test]
fn umlauts_wide_characters_and_emoji_move_and_delete_as_one_character() {
    let mut app = App::new();
    key(&mut app, KeyCode::Tab);
    for _ in 0.."Cadence".len() {
        key(&mut app, KeyCode::Backspace);
    }
    type_text(&mut app, "Zürich東京📦");
    assert!(row_with_cursor(&app, 80, 24, "Customer").contains("] Zürich東京📦_"), "{}", render_text(&app, 80, 24));
    // `--print` writes what a terminal shows: a wide character's second cell is no space.
    assert!(render_text(&app, 80, 24).contains("Zürich東京📦_"), "{}", render_text(&app, 80, 24));
    key(&mut app, KeyCode::Left);
    assert!(row_with_cursor(&app, 80, 24, "Customer").contains("] Zürich東京[📦]"));
    key(&mut app, KeyCode::Backspace);
    assert!(row_with_cursor(&app, 80, 24, "Customer").contains("] Zürich東[📦]"), "Backspace took 京 whole");
    key(&mut app, KeyCode::Left);
    key(&mut app, KeyCode::Left);
    assert!(row_with_cursor(&app, 80, 24, "Customer").contains("] Züric[h]東📦"), "{}", row_with_cursor(&app, 80, 24, "Customer"));
    key(&mut app, KeyCode::Home);
    key(&mut app, KeyCode::Right);
    assert!(row_with_cursor(&app, 80, 24, "Customer").contains("] Z[ü]rich東📦"));
    key(&mut app, KeyCode::Delete);
    type_text(&mut app, "ue");
    assert!(row_with_cursor(&app, 80, 24, "Customer").contains("] Zue[r]ich東📦"), "Delete took ü whole, typing went in before r");
    key(&mut app, KeyCode::End);
    key(&mut app, KeyCode::Backspace);
    key(&mut app, KeyCode::Enter);
    let (_, start) = postflow_core::session::script::commands(&app.session).into_iter().next().unwrap();
    assert!(start.contains("Zuerich東") && !start.contains('📦'), "the edited customer is started: {start}");
}

#[test]
fn a_long_field_shows_the_part_around_its_cursor() {
    // The form: one row per field; Home shows the start, with the cursor on it.
    let mut app = App::new();
    type_text(&mut app, &"é".repeat(150));
    key(&mut app, KeyCode::Home);
    let row = row_with_cursor(&app, 80, 24, "Order ID");
    assert!(row.contains("] [O]rder123ééé") && row.contains("é…│"), "{row}");
    type_text(&mut app, "#");
    assert!(row_with_cursor(&app, 80, 24, "Order ID").contains("] #[O]rder123"));
    // In the middle both sides are cut, the cursor in view.
    for _ in 0..60 {
        key(&mut app, KeyCode::Right);
    }
    let row = row_with_cursor(&app, 80, 24, "Order ID");
    assert!(row.contains("] …ééé") && row.contains("é[é]é") && row.contains("é…│"), "{row}");
    key(&mut app, KeyCode::End);
    let row = row_with_cursor(&app, 80, 24, "Order ID");
    assert!(row.contains("] …ééé") && row.contains("ééé_│"), "End: the end, where typing goes: {row}");
    let s = render_text(&app, 80, 24);
    assert!(s.contains("Tab/↓ next field") && s.contains("Timeout (s) 600"), "every field and the keys stay in the box: {s}");

    // A prompt: at most four rows, its keys in view wherever the cursor is.
    let mut app = shipped();
    key(&mut app, KeyCode::Char('c'));
    app.paste(&format!("START{}END", "y".repeat(3000)));
    key(&mut app, KeyCode::Home);
    let s = render_text(&app, 80, 24);
    assert!(s.contains("> START") && s.contains("│Enter ok  Esc close") && !s.contains("END"), "{s}");
    assert!(row_with_cursor(&app, 80, 24, "> ").contains("> [S]TARTyyy"));
    for _ in 0..1500 {
        key(&mut app, KeyCode::Right);
    }
    let s = render_text(&app, 80, 24);
    assert!(s.contains("> …yyy") && !s.contains("START") && !s.contains("END") && s.contains("│Enter ok  Esc close"), "{s}");
    key(&mut app, KeyCode::End);
    assert!(render_text(&app, 80, 24).contains("yyyEND_"));
}

#[test]
fn a_paste_goes_in_at_the_cursor() {
    let mut app = shipped();
    key(&mut app, KeyCode::Char('c'));
    type_text(&mut app, "Delft");
    key(&mut app, KeyCode::Home);
    app.paste("Nieuw ");
    assert!(row_with_cursor(&app, 80, 24, "> Nieuw").contains("> Nieuw [D]elft"), "{}", render_text(&app, 80, 24));
    key(&mut app, KeyCode::Enter);
    let (_, last) = postflow_core::session::script::commands(&app.session).pop().unwrap();
    assert!(last.contains(r#"{"location":"Nieuw Delft"}"#), "{last}");
}

/// `C`, a reason typed, Enter: `cadence wf cancel` of the running workflow.
fn cancel(app: &mut App, reason: &str) {
    key(app, KeyCode::Char('C'));
    type_text(app, reason);
    key(app, KeyCode::Enter);
}

#[test]
fn c_asks_the_code_to_cancel_and_the_tracking_goes_on_until_delivery() {
    let mut app = shipped();
    scan(&mut app, "Delft");
    key(&mut app, KeyCode::Char('C'));
    let s = screen(&app);
    assert!(s.contains("Cancel the workflow: reason (cadence wf cancel --reason)"), "{s}");
    assert!(s.contains("the server closes nothing") && s.contains("The reason is optional"), "the prompt says what a cancel is: {s}");
    assert!(s.contains("│Enter ok  Esc close"), "Esc is not called cancel where it cancels nothing: {s}");
    insta::assert_snapshot!("cancel_prompt", s);

    type_text(&mut app, "customer moved away");
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.mode, postflow_tui::app::Mode::Main, "the prompt closed");
    // A window tall enough for the history from the scan on.
    let tall = common::stable(render_text(&app, W, 60));
    assert!(tall.contains("Order123 │ running │"), "a cancel closes nothing by itself: {tall}");
    assert!(tall.contains("36 3s WorkflowExecutionCancelRequested cause=customer moved"), "the history shows the request: {tall}");
    assert!(tall.contains("40 3s TimerCanceled"), "the code canceled its notification timer: {tall}");
    assert!(!tall.contains("TimerStarted                       timerId=6"), "and started no other: {tall}");
    let said = app.message.clone().unwrap();
    assert!(
        !said.error && said.text.starts_with("Order123: cancel requested (reason: customer moved away); its code heard it and goes on"),
        "the message line says what happened: {said:?}"
    );
    let s = screen(&app);
    assert!(s.contains("$ cadence --domain cadence-workshop wf cancel --workflow_id Order123 --reason 'customer moved away'"), "{s}");
    insta::assert_snapshot!("canceled_while_tracking", s);

    // A second request is refused in the server's words, and no prompt opens for it.
    let steps = app.session.timeline().len();
    key(&mut app, KeyCode::Char('C'));
    let s = screen(&app);
    assert!(s.contains("✗ cancellation already requested for this workflow execution (event 36)"), "{s}");
    assert!(!s.contains("Cancel the workflow: reason"), "{s}");
    assert_eq!(app.session.timeline().len(), steps, "nothing was sent");
    insta::assert_snapshot!("cancel_refused", s);

    // The code goes on: the delivery still completes it, and a closed workflow takes no cancel.
    scan(&mut app, "Utrecht");
    key(&mut app, KeyCode::Char('d'));
    assert!(screen(&app).contains("Order123 │ completed │"), "{}", screen(&app));
    key(&mut app, KeyCode::Char('C'));
    let s = screen(&app);
    assert!(s.contains("✗ the workflow has completed: Cadence refuses to cancel a closed workflow (workflow execution already"), "{s}");
    assert_eq!(app.mode, postflow_tui::app::Mode::Main);
}

#[test]
fn a_cancel_in_the_payment_closes_it_as_canceled_and_esc_requests_nothing() {
    let mut app = started();
    let steps = app.session.timeline().len();
    key(&mut app, KeyCode::Char('C'));
    type_text(&mut app, "never mind");
    key(&mut app, KeyCode::Esc);
    let s = screen(&app);
    assert_eq!(app.session.timeline().len(), steps, "Esc sent nothing");
    assert!(s.contains("nothing canceled: no cancel was requested, the workflow goes on as it was"), "{s}");
    assert!(!s.contains("WorkflowExecutionCancelRequested"), "{s}");

    // Enter on an empty line asks with no reason; the payment's future fails, and the code gives up.
    cancel(&mut app, " ");
    let s = screen(&app);
    assert!(s.contains("Order123 │ canceled │"), "the status line says canceled: {s}");
    assert!(s.contains("11 0s WorkflowExecutionCanceled        details=validate payment"), "{s}");
    let said = app.message.clone().unwrap().text;
    assert!(
        said.starts_with(
            "Order123: cancel requested (no reason given); its code gave up, and the workflow canceled: validate payment for order: CanceledError"
        ),
        "{said}"
    );
    assert!(s.contains("$ cadence --domain cadence-workshop wf cancel --workflow_id Order123"), "{s}");
    assert!(!s.contains("--reason"), "no reason, no --reason: {s}");
    assert!(s.contains("nothing: the workflow canceled: validate payment for"), "the pending pane: {s}");

    // Without auto-run the request waits for the worker, and the message says which key runs it.
    let mut app = started();
    key(&mut app, KeyCode::Char('m'));
    cancel(&mut app, "order withdrawn");
    let s = screen(&app);
    assert!(s.contains("Order123 │ running │"), "{s}");
    assert!(app.message.clone().unwrap().text.contains("its code hears it in the next decision task (r runs the worker)"), "{s}");
    key(&mut app, KeyCode::Char('r'));
    assert!(screen(&app).contains("Order123 │ canceled │"), "{}", screen(&app));
}

#[test]
fn a_help_taller_than_the_screen_leaves_the_key_bar_that_says_how_to_close_it() {
    for (w, h) in [(80, 24), (120, 36)] {
        let mut app = started();
        key(&mut app, KeyCode::Char('?'));
        let s = render_text(&app, w, h);
        let last = s.lines().last().unwrap_or_default();
        assert!(last.contains("Esc close") && !last.contains('┘'), "{w}x{h}: the key bar is covered: {last:?}\n{s}");
        // The help's own bottom edge is just above the bar.
        let above = s.lines().nth(usize::from(h) - 2).unwrap_or_default();
        assert!(above.contains('┘'), "{w}x{h}: {above:?}");
    }
}

#[test]
fn a_long_location_is_shown_by_its_start_and_end_in_the_log_and_the_query_as_wf_show_cuts_a_field() {
    let mut app = shipped();
    let location = format!("{}{}", "a".repeat(2_500), "z".repeat(2_500));
    scan(&mut app, &location);
    key(&mut app, KeyCode::Char('a'));
    let s = render_text(&app, 200, 60);
    // No pane wraps five thousand letters into rows: the middle is left out (` ... `),
    // the start and the end stay.
    let cut = s.lines().filter(|l| l.contains("a ...")).count();
    assert!(cut >= 2, "the log line and the last action, each cut: {cut}\n{s}");
    let z = s.lines().filter(|l| l.contains("zzzz")).count();
    assert!((2..=6).contains(&z), "the location's end, a row or two in each: {z}\n{s}");
}

#[test]
fn a_refusal_the_scenario_expects_is_shown_where_it_happened_and_goes_with_a_new_branch() {
    let mut app = App::from_loaded(source::scenario("signal-after-completion").unwrap());
    let (at, _) = app.refused[0].clone();
    let refusal = "then ✗ step 12 (signal), sending ScanSignal: refused, as the scenario expects: workflow execution already";
    for _ in 0..at - 1 {
        key(&mut app, KeyCode::Right);
    }
    assert!(!screen(&app).contains(refusal), "one step early: {}", screen(&app));
    key(&mut app, KeyCode::Right);
    let s = screen(&app);
    assert!(s.contains(refusal), "the step where the scenario's scan was refused: {s}");
    key(&mut app, KeyCode::Right);
    assert!(!screen(&app).contains(refusal), "the next step is the query");
    // Acting earlier in the scenario replaces what followed, the refusal with it.
    for _ in 0..3 {
        key(&mut app, KeyCode::Left);
    }
    key(&mut app, KeyCode::Char('a'));
    assert!(app.refused.is_empty(), "{:?}", app.refused);
}

#[test]
fn stepping_through_a_scenario_at_80_columns_keeps_back_and_forward_in_the_key_bar() {
    let mut app = App::from_loaded(source::scenario("scans-reset-timer").unwrap());
    for _ in 0..12 {
        key(&mut app, KeyCode::Right);
    }
    let s = render_text(&app, 80, 24);
    let bar = s.lines().last().unwrap();
    assert!(bar.contains("← back  → fwd"), "{s}");
    // At the end of the timeline the signals come first again.
    key(&mut app, KeyCode::End);
    let s = render_text(&app, 80, 24);
    assert!(!s.lines().last().unwrap().contains("→ fwd"), "{s}");
}

#[test]
fn a_loaded_scenario_leaves_auto_run_as_it_was_for_the_next_order() {
    let mut app = App::from_loaded(source::scenario("happy-path").unwrap());
    assert!(app.session.auto_run, "the scenario ran with auto-run off, the switch did not");
    key(&mut app, KeyCode::Char('s'));
    key(&mut app, KeyCode::Enter);
    assert!(
        app.session.history().iter().any(|e| e.event_type() == postflow_core::history::EventType::ActivityTaskScheduled),
        "the new order's worker ran: {}",
        screen(&app)
    );
    // Turned off, it stays off across a load.
    key(&mut app, KeyCode::Char('m'));
    key(&mut app, KeyCode::Char('p'));
    key(&mut app, KeyCode::Enter);
    assert!(!app.session.auto_run);
}
