//! What a newcomer's walk through the app at 80x24 found: titles cut mid-word, a
//! message left over from an earlier key, keys that did nothing without saying so,
//! a help that would not scroll back, a copy with no word of it, and panes whose
//! words read oddly. Each test drives the app with keys on a `TestBackend`.

mod common;

use common::{key, type_text};
use crossterm::event::KeyCode;
use postflow_tui::App;
use postflow_tui::app::Mode;
use postflow_tui::source;
use postflow_tui::ui::render_text;

/// The smallest screen the panes fit in: what a default terminal window shows.
fn small(app: &App) -> String {
    common::stable(render_text(app, 80, 24))
}

fn started() -> App {
    let mut app = App::new();
    key(&mut app, KeyCode::Enter);
    app
}

/// The message line: the row above the key bar.
fn message(screen: &str) -> String {
    let lines: Vec<&str> = screen.lines().collect();
    lines[lines.len() - 2].trim().to_owned()
}

#[test]
fn pane_titles_at_80_columns_are_whole_or_shorter_never_cut_mid_word() {
    let mut app = source::scenario("happy-path").map(App::from_loaded).unwrap();
    key(&mut app, KeyCode::End);
    let s = small(&app);
    assert!(s.contains("┌ Why 44 WorkflowExecutionCompleted ─"), "the Why title drops its key hint rather than cut it: {s}");
    assert!(!s.contains("(x: JSO"), "{s}");
    key(&mut app, KeyCode::Char('x'));
    let s = small(&app);
    assert!(s.contains("┌ Event 44 WorkflowExecutionCompleted ─"), "{s}");
    assert!(!s.contains("(↑↓ s"), "{s}");
    key(&mut app, KeyCode::Char('G'));
    let s = small(&app);
    assert!(s.contains("┌ chapter 1 of 7 · step 1 of 2 ─"), "the tour's title loses its \"Tour ·\", not its end: {s}");
    assert!(!s.contains("step 1 of┐"), "{s}");
}

#[test]
fn an_imported_historys_query_title_fits_at_80_columns() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../core/tests/fixtures/real/happy-path.json");
    let app = App::from_loaded(source::import(path).unwrap());
    let s = small(&app);
    assert!(s.contains("┌ Query current_status (replayed) ─"), "{s}");
    assert!(!s.contains("(replayed fr"), "{s}");
}

#[test]
fn a_tour_step_does_not_keep_the_message_of_the_step_before() {
    // 1 on chapter 1's first step: it asks nothing. ] moves on to a step that asks;
    // the old "asks no question" must not stand over the question.
    let mut app = App::new();
    key(&mut app, KeyCode::Esc);
    key(&mut app, KeyCode::Char('1'));
    assert!(message(&small(&app)).contains("this step asks no question"));
    key(&mut app, KeyCode::Char(']'));
    let s = small(&app);
    assert!(!s.contains("asks no question"), "{s}");
    assert!(s.contains("step 2 of 2"), "{s}");
}

#[test]
fn a_letter_that_is_no_key_says_so() {
    let mut app = started();
    key(&mut app, KeyCode::Char('Z'));
    assert_eq!(message(&small(&app)), "✗ Z does nothing here: ? lists every key");
    // A key that is one says what it says, and the next one that is not, again.
    key(&mut app, KeyCode::Char('a'));
    assert!(!small(&app).contains("does nothing here"));
}

#[test]
fn the_help_scrolls_back_up_at_once_after_paging_past_its_end() {
    let mut app = started();
    key(&mut app, KeyCode::Char('?'));
    let title = |app: &App| small(app).lines().next().unwrap().to_owned();
    for _ in 0..20 {
        key(&mut app, KeyCode::PageDown);
        // The loop draws after every key; the draw measures how far the help scrolls.
        small(&app);
    }
    let bottom = title(&app);
    assert!(bottom.contains("Keys: lines"), "the help is longer than 24 rows: {bottom}");
    key(&mut app, KeyCode::Up);
    assert_ne!(title(&app), bottom, "one key up moves the help up one line");
}

#[test]
fn copying_in_the_commands_view_says_so_there() {
    // The view covers the whole screen, message line included.
    let mut app = started();
    key(&mut app, KeyCode::Char('o'));
    key(&mut app, KeyCode::Char('y'));
    assert!(matches!(app.mode, Mode::Commands(_)));
    let s = small(&app);
    assert!(s.lines().nth(2).unwrap().starts_with("copied the command of step 1 to the clipboard"), "{s}");
}

#[test]
fn prompt_titles_stand_off_their_corners_as_every_panes_does() {
    let mut app = started();
    key(&mut app, KeyCode::Char('c'));
    assert!(small(&app).contains("┌ Scan the package: location"), "{}", small(&app));
}

#[test]
fn a_one_row_log_shows_where_its_newest_line_was_cut() {
    // At 80x24 the log has one row: the newest line's end, marked, at a word.
    let app = started();
    let s = small(&app);
    assert!(s.contains("│…failure in payment processing"), "{s}");
}

#[test]
fn a_closed_workflows_pending_pane_says_how_it_closed_in_plain_words() {
    let mut app = App::new();
    key(&mut app, KeyCode::Tab);
    key(&mut app, KeyCode::Tab);
    key(&mut app, KeyCode::Backspace);
    key(&mut app, KeyCode::Backspace);
    type_text(&mut app, "30");
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Char('t'));
    key(&mut app, KeyCode::Char('t'));
    let s = common::stable(render_text(&app, 120, 36));
    assert!(s.contains("nothing: the workflow failed: validate payment"), "{s}");
    assert!(!s.contains("is failed"), "{s}");
}

#[test]
fn before_any_event_the_why_pane_does_not_ask_to_select_one() {
    let mut app = source::scenario("happy-path").map(App::from_loaded).unwrap();
    key(&mut app, KeyCode::Home);
    let s = common::stable(render_text(&app, 120, 36));
    assert!(!s.contains("select an event"), "there is none to select: {s}");
    assert!(s.contains("no events at this moment"), "{s}");
    assert!(s.contains("no workflow yet at this step: → steps forward"), "{s}");
}

#[test]
fn live_time_turned_on_can_be_turned_off_where_it_could_not_be_turned_on() {
    // Live time on, then back to the start before its next tick: there is no workflow
    // there, where live time makes no sense; L must still turn it off, not refuse.
    let mut app = started();
    key(&mut app, KeyCode::Char('L'));
    assert!(app.teach.player.label().contains("live"));
    key(&mut app, KeyCode::Home);
    assert_eq!(app.session.workflow_id(), None, "no workflow at the start");
    assert_eq!(app.teach.player.mode(), postflow_core::session::PlayMode::Live, "stepping back leaves live time on until its tick");
    key(&mut app, KeyCode::Char('L'));
    let s = small(&app);
    assert!(!s.contains("✗"), "{s}");
    assert_eq!(app.teach.player.mode(), postflow_core::session::PlayMode::Paused, "{s}");
}

#[test]
fn the_events_json_at_80_columns_wraps_rather_than_cut_its_values() {
    // The completion's result (base64, as Cadence's API writes a payload) is longer
    // than the pane is wide: scrolled near the end, its last characters are there.
    let mut app = source::scenario("happy-path").map(App::from_loaded).unwrap();
    key(&mut app, KeyCode::End);
    key(&mut app, KeyCode::Char('x'));
    let json = app.session.event_json(44).unwrap();
    let data = json.split("\"data\": \"").nth(1).and_then(|d| d.split('"').next()).unwrap();
    assert!(data.len() > 42, "the value is wider than the pane: {data}");
    for _ in 0..40 {
        key(&mut app, KeyCode::Char('J'));
        small(&app);
    }
    key(&mut app, KeyCode::Char('K'));
    let s = small(&app);
    // The pane's rows inside its borders, put together: a wrapped line reads whole.
    let lines: Vec<&str> = s.lines().collect();
    let top = lines.iter().position(|l| l.starts_with("┌ Event")).unwrap();
    let rows: String = lines[top + 1..]
        .iter()
        .take_while(|l| !l.starts_with('└'))
        .map(|l| l.chars().skip(1).take(42).collect::<String>().trim_end().to_owned())
        .collect();
    assert!(rows.contains(&data[data.len() - 12..]), "{s}");
}

#[test]
fn a_loaded_session_says_which_way_it_can_step() {
    // An import opens at its end: → would do nothing there.
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../core/tests/fixtures/real/happy-path.json");
    let app = App::from_loaded(source::import(path).unwrap());
    assert_eq!(message(&small(&app)), "← steps back, Home goes to the start");
    // A scenario without a description of its own opens at its start.
    let file = std::env::temp_dir().join(format!("postflow-walk-{}.toml", std::process::id()));
    std::fs::write(&file, "name = \"bare\"\n\n[[steps]]\ndo = \"start\"\ninput = '{\"id\":\"Order1\",\"customer\":\"C\",\"amount\":1,\"address\":\"A\",\"sendFrom\":\"B\"}'\n").unwrap();
    let loaded = source::scenario(file.to_str().unwrap());
    std::fs::remove_file(&file).unwrap();
    let app = App::from_loaded(loaded.unwrap());
    assert_eq!(message(&small(&app)), "→ steps forward, End goes to the end");
}

#[test]
fn a_message_longer_than_its_three_lines_ends_with_an_ellipsis() {
    // This scenario's description takes four lines at 80 columns.
    let mut app = source::scenario("unreadable-scan").map(App::from_loaded).unwrap();
    key(&mut app, KeyCode::End);
    let s = small(&app);
    let lines: Vec<&str> = s.lines().collect();
    assert!(lines[lines.len() - 4].contains("unreadable-scan: "), "{s}");
    assert!(lines[lines.len() - 2].ends_with('…'), "{s}");
    // One that fits is not marked.
    let mut app = source::scenario("happy-path").map(App::from_loaded).unwrap();
    key(&mut app, KeyCode::End);
    let s = small(&app);
    assert!(message(&s).ends_with("then the package is delivered."), "{s}");
}

#[test]
fn the_terminals_own_keys_say_why_when_they_can_do_nothing() {
    let mut app = App::new();
    key(&mut app, KeyCode::Esc);
    small(&app);
    key(&mut app, KeyCode::Char('J'));
    assert_eq!(message(&small(&app)), "✗ the Why pane shows all it holds: nothing to scroll");
    key(&mut app, KeyCode::Char('}'));
    assert_eq!(message(&small(&app)), "✗ the tour is closed: G opens it");
    key(&mut app, KeyCode::Up);
    assert_eq!(message(&small(&app)), "✗ no events at this moment: nothing to select");
    // Where they can, they act, and the message of the key before goes.
    key(&mut app, KeyCode::Char('s'));
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Char('Z'));
    key(&mut app, KeyCode::Up);
    assert!(!small(&app).contains("does nothing here"));
}

#[test]
fn a_refusal_is_explained_in_the_detail_pane_until_the_next_key() {
    // A scan to the closed workflow of a finished scenario: Cadence refuses it.
    let mut app = source::scenario("happy-path").map(App::from_loaded).unwrap();
    key(&mut app, KeyCode::End);
    key(&mut app, KeyCode::Char('c'));
    let s = common::stable(render_text(&app, 140, 45));
    assert!(message(&s).contains("refuses signals to a closed workflow"), "{}", message(&s));
    assert!(s.contains("Why it was refused") && s.contains("Cadence accepts no signal for a closed workflow"), "{s}");
    // The next key clears the message, and the pane shows the event again.
    key(&mut app, KeyCode::Up);
    let s = common::stable(render_text(&app, 140, 45));
    assert!(!s.contains("Why it was refused") && s.contains("Why 43 "), "{s}");
    // A query to a chapter whose code registers no handler (chapter 1's session).
    let mut app = App::new();
    key(&mut app, KeyCode::Esc);
    key(&mut app, KeyCode::Char('G'));
    key(&mut app, KeyCode::Char('T'));
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Char('a'));
    let s = small(&app);
    assert!(s.contains("✗ query failed: unknown queryType current_status"), "{s}");
    assert!(s.contains("registered no handler") && s.contains("J K scroll"), "at 80x24 too, its end a scroll away: {s}");
    for _ in 0..10 {
        key(&mut app, KeyCode::Char('J'));
    }
    let s = small(&app);
    assert!(s.contains("Chapters before 6 register") && s.contains("✗ query failed"), "J scrolls it and keeps it: {s}");
}

#[test]
fn the_json_pane_with_no_event_says_what_it_will_show() {
    // Esc, then x before any order: the JSON pane was an empty box.
    let mut app = App::new();
    key(&mut app, KeyCode::Esc);
    key(&mut app, KeyCode::Char('x'));
    let s = small(&app);
    assert!(s.contains("Event JSON") && s.contains("no events at this moment") && s.contains("shown as JSON here"), "{s}");
}

/// The row and column (in characters) where `title` starts on `screen`, if it shows.
fn find(screen: &str, title: &str) -> Option<(usize, usize)> {
    screen.lines().enumerate().find_map(|(row, line)| line.find(title).map(|at| (row, line[..at].chars().count())))
}

/// The character at `row`, `column` (in characters) of `screen`.
fn at(screen: &str, row: usize, column: usize) -> Option<char> {
    screen.lines().nth(row).and_then(|l| l.chars().nth(column))
}

#[test]
fn with_the_tour_open_the_query_and_the_log_show_a_line_or_give_their_rows_to_the_guide() {
    // The tour takes the middle of the right column: on a short window the query and
    // the log were squeezed to their borders (100x30: "Workflow log (6 lines)" over
    // nothing) or to a lone top border (80x24 with a two-line message).
    let mut app = started();
    key(&mut app, KeyCode::Char('t'));
    key(&mut app, KeyCode::Char('t'));
    common::scan(&mut app, "Delft");
    key(&mut app, KeyCode::Char('G'));
    for (w, h) in [(80, 24), (100, 30), (120, 36), (160, 50)] {
        // With one message line and with three (the longest a message takes).
        for long in [false, true] {
            app.message = long.then(|| postflow_tui::app::Message { text: "a message that wraps. ".repeat(10), error: false });
            let s = common::stable(render_text(&app, w, h));
            for title in ["┌ Query current_status", "┌ Workflow log"] {
                if let Some((row, column)) = find(&s, title) {
                    assert_eq!(at(&s, row + 1, column), Some('│'), "{title} at {w}x{h} shows a line of text under its title: {s}");
                    assert!(matches!(at(&s, row + 2, column), Some('│' | '└')), "{title} at {w}x{h} ends in its own border: {s}");
                }
            }
            let guide = find(&s, "chapter 1 of 7").expect("the tour shows");
            assert!(s.lines().skip(guide.0).take(12).any(|l| l.contains("1 · Two activities")), "{w}x{h}: {s}");
        }
        app.message = None;
        // Where the log shows, the tour's "the log shows the scan" can be checked.
        let s = render_text(&app, w, h);
        if w >= 100 {
            assert!(s.contains("┌ Workflow log") && s.contains(r#""Delft"}}"#), "{w}x{h}: {s}");
        }
    }
    // Where they gave their rows away, the guide's keys say how to see them.
    let guide = |app: &App| {
        // The guide's column alone, its rows put together.
        let s = render_text(app, 80, 24);
        let column = find(&s, "┌ chapter 1 of 7").expect("the tour shows").1 + 1;
        let rows: Vec<String> = s.lines().map(|l| l.chars().skip(column).take(34).collect()).collect();
        rows.join(" ").split_whitespace().collect::<Vec<_>>().join(" ")
    };
    for _ in 0..80 {
        if guide(&app).contains("G hides the tour and shows the query and the log") {
            break;
        }
        key(&mut app, KeyCode::Char('}'));
    }
    assert!(guide(&app).contains("G hides the tour and shows the query and the log"), "{}", render_text(&app, 80, 24));
    let s = render_text(&app, 160, 50);
    assert!(s.contains("┌ Query current_status") && s.contains("┌ Workflow log"), "{s}");
    assert!(!s.contains("and shows the"), "nothing to point at where they show: {s}");
}

#[test]
fn the_pickers_keys_stay_in_its_box_under_a_long_description() {
    // unreadable-scan's description wraps to four lines in the picker: the box kept
    // its height, and the line with its keys fell out of it.
    let mut app = started();
    key(&mut app, KeyCode::Char('p'));
    while postflow_core::scenario::BUILTIN[match app.mode {
        Mode::Picker(i) => i,
        _ => unreachable!("the picker is open"),
    }]
    .name
        != "unreadable-scan"
    {
        key(&mut app, KeyCode::Down);
    }
    for (w, h) in [(80, 24), (100, 30), (160, 50)] {
        let s = common::stable(render_text(&app, w, h));
        assert!(s.contains("│can read."), "the description's end, at {w}x{h}: {s}");
        assert!(s.contains("│Enter load  ↑/k up  ↓/j down  Esc/q close"), "the keys in the box, at {w}x{h}: {s}");
        assert!(s.contains("│ unreadable-scan "), "the selected scenario in view, at {w}x{h}: {s}");
    }
    // At 80x24 the list (18 scenarios since the cancel ones) shows the part around the
    // selected one and says which part: the keys had fallen out of the box again.
    let s = render_text(&app, 80, 24);
    let n = postflow_core::scenario::BUILTIN.len();
    assert!(s.contains(&format!(" of {n}: ↑↓ ┘")) && !s.contains("│ happy-path"), "{s}");
    key(&mut app, KeyCode::Home);
    while app.mode != Mode::Picker(0) {
        key(&mut app, KeyCode::Down);
    }
    let s = render_text(&app, 80, 24);
    assert!(s.contains("│ happy-path") && s.contains("│Enter load"), "the list scrolls back to its start: {s}");
    // A short description keeps the box as it was.
    key(&mut app, KeyCode::Up);
    let s = render_text(&app, 80, 24);
    assert!(s.contains("│Enter load"), "{s}");
}

#[test]
fn a_scenario_loaded_over_your_session_says_undo_even_when_its_description_is_long() {
    // unreadable-scan's description alone fills the message's three lines at 80x24:
    // the note after it ("a new session replaced yours; undo puts it back: u") was cut
    // to "(a new…", and the key bar has no room for u at 80 columns.
    let mut app = started();
    key(&mut app, KeyCode::Char('p'));
    let at = postflow_core::scenario::BUILTIN.iter().position(|b| b.name == "unreadable-scan").unwrap();
    while app.mode != Mode::Picker(at) {
        key(&mut app, KeyCode::Down);
    }
    key(&mut app, KeyCode::Enter);
    let s = small(&app);
    let lines: Vec<&str> = s.lines().collect();
    let shown = lines[lines.len() - 4..lines.len() - 1].join(" ").split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(shown.contains("a new session replaced yours; undo puts it back: u."), "{s}");
    assert!(!s.contains("u undo"), "the key bar has no room for it, so the message must say it: {s}");
    // The description is the next thing said, and stays once the message goes.
    assert!(shown.contains("A ScanSignal sent without input"), "{s}");
    key(&mut app, KeyCode::Right);
    assert!(small(&app).contains("unreadable-scan: A ScanSignal sent without input"), "{}", small(&app));
}

#[test]
fn a_new_order_started_over_a_scenario_no_longer_shows_the_scenarios_description() {
    // The description stands on the message line whenever nothing else is said. Once an
    // order of your own replaced the scenario ("new order" in the status line), the
    // scenario's "Payment retried twice, ... then the package is delivered" described a
    // run that was no longer on screen.
    let mut app = source::scenario("happy-path").map(App::from_loaded).unwrap();
    key(&mut app, KeyCode::End);
    key(&mut app, KeyCode::Char('s'));
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Left);
    let s = small(&app);
    assert!(s.lines().next().unwrap().contains("new order"), "{s}");
    assert!(!s.contains("happy-path: Payment retried"), "{s}");
    // Undo brings the scenario back, and its description with it.
    key(&mut app, KeyCode::Char('u'));
    key(&mut app, KeyCode::Left);
    assert!(small(&app).contains("happy-path: Payment retried"), "{}", small(&app));
}

#[test]
fn an_export_into_a_folder_that_is_not_there_says_which_folder_and_what_to_do() {
    // The system's words were "x.json: No such file or directory (os error 2)": about a
    // file that is not there, which an export is meant to create.
    let mut app = started();
    let dir = std::env::temp_dir().join(format!("postflow-no-such-folder-{}", std::process::id()));
    key(&mut app, KeyCode::Char('e'));
    for _ in 0.."Order123.history.json".len() {
        key(&mut app, KeyCode::Backspace);
    }
    type_text(&mut app, &dir.join("x.json").to_string_lossy());
    key(&mut app, KeyCode::Enter);
    let Mode::Prompt(p) = &app.mode else { panic!("the prompt stays open: {}", small(&app)) };
    let said = p.error.clone().unwrap_or_default();
    let folder = format!("there is no folder {}: create it first, or type a path in a folder that exists", dir.display());
    assert!(said.ends_with(&folder), "{said}");
    assert!(!said.contains("os error"), "{said}");
    // The prompt shows it whole, wrapped: its end too.
    let s = small(&app);
    assert!(s.contains("folder that exists"), "{s}");
    assert!(!dir.exists());
}
