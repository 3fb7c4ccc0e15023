//! The guided tour in the terminal, through a whole chapter (7, the notification
//! timer): the guide pane, predictions with 1-4, the answer revealed by the action,
//! the score; the explanation pane with related events marked in the history; play
//! and live time driven by the loop's tick; progress kept in a state file. Each
//! screen is an insta snapshot reviewed by eye.

use std::time::Duration;

mod common;

use common::{key, scan};
use crossterm::event::KeyCode;
use postflow_core::workshop::Chapter;
use postflow_core::workshop::tour::TOUR;
use postflow_tui::App;
use postflow_tui::teach::Teach;
use postflow_tui::ui::render_text;

const W: u16 = 150;
const H: u16 = 50;

fn screen(app: &App) -> String {
    common::stable(render_text(app, W, H))
}

/// An app whose tour stands at the first step of `chapter`, skipped to with ].
fn at_chapter(chapter: Chapter) -> App {
    let mut app = App::new();
    key(&mut app, KeyCode::Esc);
    key(&mut app, KeyCode::Char('G'));
    let before = TOUR.iter().take_while(|s| s.chapter != chapter).count();
    for _ in 0..before {
        key(&mut app, KeyCode::Char(']'));
    }
    app
}

#[test]
fn the_guide_opens_on_chapter_one_and_asks_for_its_session() {
    let mut app = App::new();
    key(&mut app, KeyCode::Esc);
    key(&mut app, KeyCode::Char('G'));
    let s = screen(&app);
    assert!(s.contains("Tour · chapter 1 of 7 · step 1 of 2"), "{s}");
    assert!(s.contains("1 · Two activities"));
    assert!(s.contains("This chapter runs its own workflow"), "the default session runs chapter 7's code: {s}");
    insta::assert_snapshot!("tour_0_chapter_one", s);
    // T opens chapter 1's session with the start form; Enter does the step.
    key(&mut app, KeyCode::Char('T'));
    assert!(screen(&app).contains("tour: chapter 1 (activities)"));
    key(&mut app, KeyCode::Enter);
    let s = screen(&app);
    assert!(s.contains("tour: chapter 1, step 1 of 2 done ✓"), "{s}");
    assert!(s.contains("Tour · chapter 1 of 7 · step 2 of 2"), "{s}");
    assert!(s.contains("type=validatePayment ") && s.contains("WorkflowExecutionCompleted"), "chapter 1's code ran: {s}");
    // A second order runs the chapter's code again, and the status line still says whose.
    key(&mut app, KeyCode::Char('s'));
    key(&mut app, KeyCode::Enter);
    let s = screen(&app);
    assert!(s.lines().next().unwrap().contains("tour: chapter 1 (activities)"), "{s}");
    assert!(s.contains("type=validatePayment "), "{s}");
}

#[test]
fn a_chapters_session_opens_on_its_question_not_over_it() {
    // Chapter 2 asks its first question at the start: the start form would cover it,
    // and Enter in the form would do the step unpredicted.
    let mut app = at_chapter(Chapter::Retries);
    key(&mut app, KeyCode::Char('T'));
    let s = common::stable(render_text(&app, 80, 24));
    assert!(!s.contains("Start an order"), "no form over the question: {s}");
    assert!(s.contains("predict first (1-3 in the tour pane), then s opens"), "{s}");
    assert!(s.contains("Predict first (keys 1-3)"), "the question and its keys are on screen at 80x24: {s}");
    key(&mut app, KeyCode::Char('2'));
    key(&mut app, KeyCode::Char('s'));
    key(&mut app, KeyCode::Enter);
    let s = screen(&app);
    assert!(s.contains("(you chose 2); the answer was"), "the start answered the prediction made: {s}");
}

#[test]
fn a_step_its_run_cannot_reach_says_so_and_how_to_go_on() {
    // Chapter 2 started with an order without a customer: the payment's retries go as
    // the tour says, then shipping fails the run, and the next step cannot happen.
    let mut app = at_chapter(Chapter::Retries);
    key(&mut app, KeyCode::Char('T'));
    key(&mut app, KeyCode::Char('2'));
    key(&mut app, KeyCode::Char('s'));
    key(&mut app, KeyCode::Tab);
    for _ in 0.."Cadence".len() {
        key(&mut app, KeyCode::Backspace);
    }
    key(&mut app, KeyCode::Enter);
    for _ in 0..10 {
        key(&mut app, KeyCode::Char('t'));
    }
    assert!(app.session.outcome().is_some_and(|o| o.contains("customer is required")), "{:?}", app.session.outcome());
    let s = screen(&app);
    assert!(s.contains("This run has failed (see the history), so this step cannot happen"), "{s}");
    assert!(!s.contains("have not all appeared yet"), "{s}");
}

#[test]
fn chapter_seven_of_the_tour_step_by_step() {
    let mut app = at_chapter(Chapter::Notification);
    let s = screen(&app);
    assert!(s.contains("7 · The notification timer") && s.contains("step 1 of 5"), "{s}");
    key(&mut app, KeyCode::Char('T'));
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Char('t'));
    key(&mut app, KeyCode::Char('t'));
    let s = screen(&app);
    assert!(s.contains("tour: chapter 7, step 1 of 5 done ✓"), "{s}");
    assert!(s.contains("Predict first (keys 1-3): You are about to scan the package"), "{s}");
    insta::assert_snapshot!("tour_7_1_timer_started", s);

    // Predict 2 (the right one), then scan: the action answers it.
    key(&mut app, KeyCode::Char('2'));
    assert!(screen(&app).contains("▶ 2. TimerCanceled"), "{}", screen(&app));
    scan(&mut app, "Delft");
    let s = screen(&app);
    assert!(s.contains("Prediction: ✓ right (you chose 2)"), "{s}");
    assert!(s.contains("tour: chapter 7, step 2 of 5 done ✓"), "{s}");
    insta::assert_snapshot!("tour_7_2_scanned", s);

    // A wrong prediction for the timer's firing.
    key(&mut app, KeyCode::Char('1'));
    key(&mut app, KeyCode::Char('t'));
    let s = screen(&app);
    assert!(s.contains("Prediction: ✗ not this time (you chose 1); the answer was 2"), "{s}");
    assert!(s.contains("Notification sent"), "the log shows the notification");
    insta::assert_snapshot!("tour_7_3_fired", s);

    key(&mut app, KeyCode::Char('3'));
    scan(&mut app, "Lyon");
    assert!(screen(&app).contains("Prediction: ✓ right (you chose 3)"));
    key(&mut app, KeyCode::Char('d'));
    let s = screen(&app);
    // The last step of the last chapter: no next chapter to open, the tour is over.
    assert!(s.contains("tour: chapter 7, step 5 of 5 done ✓ — the tour is finished: your score per chapter is in the guide"), "{s}");
    assert!(s.contains("Tour · finished") && s.contains("7:2/3"), "two of three predictions right in chapter 7: {s}");
    insta::assert_snapshot!("tour_7_4_finished", s);
}

#[test]
fn the_explanation_marks_its_related_events_in_the_history() {
    let mut app = App::new();
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Char('t'));
    key(&mut app, KeyCode::Char('t'));
    scan(&mut app, "Delft");
    // Select TimerCanceled (event 28) from the newest event (35).
    for _ in 0..7 {
        key(&mut app, KeyCode::Up);
    }
    let s = screen(&app);
    assert!(s.contains("Why 28 TimerCanceled"), "{s}");
    assert!(s.contains("updateTimeout"), "{s}");
    for related in ["»23", "»24", "»27"] {
        assert!(s.contains(related), "event {related} is marked related: {s}");
    }
    assert!(s.contains("Code: core/src/postal/workflow.rs:"), "{s}");
    insta::assert_snapshot!("explain_timer_canceled", s);
    // x shows the JSON instead, and the marks go.
    key(&mut app, KeyCode::Char('x'));
    let s = screen(&app);
    assert!(s.contains("\"timerCanceledEventAttributes\"") && !s.contains("»23"), "{s}");
}

#[test]
fn play_and_live_time_move_by_the_loops_tick() {
    let mut app = App::new();
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Char('L'));
    assert!(screen(&app).contains("● live ×10"));
    // Half a second of real time at ×10: the retries at +1 s and +3 s happen by themselves.
    for _ in 0..5 {
        app.tick_player(Duration::from_millis(100));
    }
    let s = screen(&app);
    assert!(s.contains("TimerStarted") && s.contains("(+5s)"), "{s}");
    key(&mut app, KeyCode::Char('+'));
    assert!(screen(&app).contains("● live ×30"));
    key(&mut app, KeyCode::Char('L'));
    assert!(!screen(&app).contains("● live"), "paused");

    // Play: back to the start, then forward one recorded step per second.
    key(&mut app, KeyCode::Home);
    key(&mut app, KeyCode::Char(' '));
    app.tick_player(Duration::from_millis(1000));
    let s = screen(&app);
    assert!(s.contains("▶ play 1 step/s") && s.contains("step 1/"), "{s}");
}

#[test]
fn tour_progress_is_kept_in_the_state_file() {
    let dir = std::env::temp_dir().join(format!("postflow-tour-test-{}", std::process::id()));
    let file = dir.join("tour.txt");
    let _ = std::fs::remove_dir_all(&dir);
    let (teach, problem) = Teach::load(file.clone());
    assert_eq!(problem, None, "a first visit is no error");
    let mut app = App::new();
    app.teach = teach;
    key(&mut app, KeyCode::Esc);
    key(&mut app, KeyCode::Char(']'));
    key(&mut app, KeyCode::Char(']'));
    assert!(std::fs::read_to_string(&file).unwrap().contains("retries/start"));

    // A new run of the app finds the tour where it was.
    let (teach, _) = Teach::load(file.clone());
    let mut again = App::new();
    again.teach = teach;
    key(&mut again, KeyCode::Esc);
    key(&mut again, KeyCode::Char('G'));
    assert!(screen(&again).contains("2 · Failures and retries"), "{}", screen(&again));

    // A damaged file: a fresh tour and a message that says why.
    std::fs::write(&file, "{garbage").unwrap();
    let (teach, problem) = Teach::load(file);
    assert!(problem.unwrap().contains("damaged"));
    assert_eq!(teach.tour.current().unwrap().id, "activities/start");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn at_80x24_the_guide_scrolls_to_the_prediction_choices() {
    let mut app = at_chapter(Chapter::Notification);
    key(&mut app, KeyCode::Char('T'));
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Char('t'));
    key(&mut app, KeyCode::Char('t'));
    let small = |app: &App| render_text(app, 80, 24);
    let s = small(&app);
    assert!(s.contains("Predict first (keys 1-3):"), "{s}");
    // The pane is too short for the question's choices; its border says so.
    assert!(!s.contains("3. A new estimate"), "{s}");
    let first_line = |app: &App| -> usize {
        let s = small(app);
        let note = s.lines().find(|l| l.contains(": { } scroll")).unwrap_or_default().to_owned();
        note.rsplit("lines ").next().and_then(|r| r.split('-').next()).and_then(|n| n.parse().ok()).unwrap_or(0)
    };
    assert_eq!(first_line(&app), 1, "the guide's border names its lines and keys: {s}");
    // } scrolls until the last choice shows; a prediction keeps the place.
    let mut presses = 0;
    while !small(&app).contains("3. A new estimate") {
        key(&mut app, KeyCode::Char('}'));
        presses += 1;
        assert!(presses < 40, "the choices never showed: {}", small(&app));
    }
    let at = first_line(&app);
    assert_eq!(at, presses + 1, "one line per press");
    key(&mut app, KeyCode::Char('2'));
    assert!(small(&app).contains("▶ 2."), "{}", small(&app));
    assert_eq!(first_line(&app), at, "a prediction keeps the place");
    key(&mut app, KeyCode::Char('{'));
    assert_eq!(first_line(&app), at - 1);
    // The next step starts at its top.
    key(&mut app, KeyCode::Char(']'));
    assert_eq!(first_line(&app), 1, "{}", small(&app));
}

#[test]
fn t_keeps_the_session_it_replaces_and_u_puts_it_back() {
    // A session of one's own: the workshop order and a scan.
    let mut app = App::new();
    key(&mut app, KeyCode::Enter);
    scan(&mut app, "Delft");
    let (history, label) = (app.session.history().to_vec(), app.label.clone());
    key(&mut app, KeyCode::Char('G'));
    key(&mut app, KeyCode::Char('T'));
    assert!(app.session.history().is_empty(), "T opens a fresh session");
    let s = screen(&app);
    assert!(s.contains("undo puts it back"), "T says the old session is kept: {s}");
    key(&mut app, KeyCode::Esc);
    assert!(screen(&app).lines().last().unwrap().contains("u undo"), "the key bar offers undo");
    key(&mut app, KeyCode::Char('u'));
    assert_eq!(app.session.history(), &history[..], "u puts the scanned session back");
    assert_eq!(app.label, label);
    assert!(screen(&app).contains("your session is back"));
    // A start in the chapter's (empty) session keeps what T kept: u still brings it back.
    key(&mut app, KeyCode::Char('T'));
    key(&mut app, KeyCode::Enter);
    assert!(!app.session.history().is_empty() && app.session.history() != &history[..]);
    key(&mut app, KeyCode::Char('u'));
    assert_eq!(app.session.history(), &history[..], "u after the chapter's start puts the scanned session back");
}

#[test]
fn a_start_keeps_the_session_it_replaces_until_the_next_action() {
    // s and Enter on a session of one's own replaced it for good.
    let mut app = App::new();
    key(&mut app, KeyCode::Enter);
    scan(&mut app, "Delft");
    let history = app.session.history().to_vec();
    key(&mut app, KeyCode::Char('s'));
    key(&mut app, KeyCode::Enter);
    assert!(app.session.history().len() < history.len(), "a new order, a new session");
    assert!(screen(&app).contains("started; a new session replaced yours; undo puts it back: u"), "{}", screen(&app));
    key(&mut app, KeyCode::Char('u'));
    assert_eq!(app.session.history(), &history[..], "u puts the scanned session back");
    // Kept only until the next action: after a start and a scan, u has nothing to bring back.
    key(&mut app, KeyCode::Char('s'));
    key(&mut app, KeyCode::Enter);
    scan(&mut app, "Lyon");
    key(&mut app, KeyCode::Char('u'));
    assert_ne!(app.session.history(), &history[..]);
    assert!(screen(&app).contains("nothing to undo"), "{}", screen(&app));
}

/// What each way of putting another session on screen does, typed as a user types it.
fn replace_session(app: &mut App, how: &str) {
    match how {
        "p" => {
            key(app, KeyCode::Char('p'));
            key(app, KeyCode::Enter);
        }
        "i" => {
            key(app, KeyCode::Char('i'));
            for c in concat!(env!("CARGO_MANIFEST_DIR"), "/../core/tests/fixtures/real/happy-path.json").chars() {
                key(app, KeyCode::Char(c));
            }
            key(app, KeyCode::Enter);
        }
        "s" => {
            key(app, KeyCode::Char('s'));
            key(app, KeyCode::Enter);
        }
        "T" => key(app, KeyCode::Char('T')),
        _ => unreachable!("{how}"),
    }
}

#[test]
fn a_new_session_starts_paused_and_its_notice_stays() {
    for how in ["p", "i", "s", "T"] {
        for on in ['L', ' '] {
            let mut app = App::new();
            key(&mut app, KeyCode::Enter);
            key(&mut app, KeyCode::Char('t'));
            key(&mut app, KeyCode::Char('t'));
            scan(&mut app, "Delft");
            // Live time runs at the end, moving the clock by itself; play from the start,
            // through the recorded steps.
            key(&mut app, if on == 'L' { KeyCode::End } else { KeyCode::Home });
            key(&mut app, KeyCode::Char(on));
            app.tick_player(Duration::from_millis(1000));
            assert_ne!(app.teach.player.mode(), postflow_core::session::PlayMode::Paused, "{on} runs");
            replace_session(&mut app, how);
            let notice = app.message.clone();
            assert!(notice.is_some(), "{how} {on}: the new session says what it is");
            // The loop's next ticks: the new session's cursor is not a step back.
            for _ in 0..3 {
                app.tick_player(Duration::from_millis(1000));
            }
            let s = screen(&app);
            assert_eq!(app.teach.player.mode(), postflow_core::session::PlayMode::Paused, "{how} {on}: {s}");
            assert_eq!(app.message, notice, "{how} {on}: the new session's notice stays: {s}");
            assert!(!s.contains("stepped back") && !s.contains("● live") && !s.contains("▶ play"), "{how} {on}: {s}");
        }
    }
}
