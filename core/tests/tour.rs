//! The guided tour against the simulator: every step's suggested actions write the
//! events the step expects, every prediction's stated answer is what the simulator
//! writes and every other choice is contradicted by it, and the progress model moves
//! on exactly when a step's action and events happen.

use std::time::Duration;

use postflow_core::scenario::event_problems;
use postflow_core::session::{Action, PendingKind, Session};
use postflow_core::workshop::questions::{QUESTIONS, question_for};
use postflow_core::workshop::tour::{Premise, TOUR, TourStep, WORKSHOP_ORDER, steps_of};
use postflow_core::workshop::{Chapter, GUIDES, Tour, TourEvent, Verdict};

/// A session for a step's chapter, as the tour opens it.
fn chapter_session(chapter: Chapter) -> (Tour, Session) {
    let mut tour = Tour::default();
    let s = Session::new(tour.session_config());
    tour.go_to_chapter(chapter, &s);
    let s = Session::new(tour.session_config());
    tour.rebase(&s);
    (tour, s)
}

/// A chapter's session with its first `steps` steps played as written.
fn played(chapter: Chapter, steps: usize) -> (Tour, Session) {
    let (mut tour, mut s) = chapter_session(chapter);
    for step in steps_of(chapter).take(steps) {
        play(step, &mut s);
        tour.observe(&s);
    }
    (tour, s)
}

/// The clock moved through the payment's two retries, then a scan at Delft, the tour
/// watching each.
fn paid_and_scanned(tour: &mut Tour, s: &mut Session) {
    for a in [
        Action::AdvanceNext,
        Action::AdvanceNext,
        Action::Signal { name: "ScanSignal".into(), input: Some(r#"{"location":"Delft"}"#.into()) },
    ] {
        s.perform(a).unwrap();
        tour.observe(s);
    }
}

/// Plays the tour's steps as written, the tour watching, until step `id` is the current one.
fn play_until(tour: &mut Tour, s: &mut Session, id: &str) {
    while tour.current().unwrap().id != id {
        let step = tour.current().unwrap();
        play(step, s);
        tour.observe(s);
    }
}

/// Plays a step's suggested actions; returns the events they added (a start begins a
/// new run, whose events are all new).
fn play(step: &TourStep, s: &mut Session) -> Vec<postflow_core::history::HistoryEvent> {
    let before = if matches!(step.action.action(), Action::Start { .. }) { 0 } else { s.history().len() };
    for a in std::iter::once(&step.action).chain(step.then) {
        a.perform(s).unwrap_or_else(|e| panic!("{}: {:?} refused: {e}", step.id, a));
    }
    s.history()[before..].to_vec()
}

#[test]
fn every_step_writes_the_events_it_expects_and_the_tour_moves_on() {
    let mut done_steps = 0;
    for g in &GUIDES {
        let (mut tour, mut s) = chapter_session(g.chapter);
        let steps: Vec<&TourStep> = steps_of(g.chapter).collect();
        assert!((2..=6).contains(&steps.len()), "chapter {} has {} steps", g.number, steps.len());
        for (i, step) in steps.iter().enumerate() {
            assert_eq!(tour.current().map(|c| c.id), Some(step.id));
            assert_eq!(tour.view(&s).step.and_then(|v| v.blocked), None, "{}: the steps as written are never blocked", step.id);
            let mut events = Vec::new();
            let before = if matches!(step.action.action(), Action::Start { .. }) { 0 } else { s.history().len() };
            let mut moved = None;
            for a in std::iter::once(&step.action).chain(step.then) {
                a.perform(&mut s).unwrap();
                // Front ends look after every change; the step is done only at the end.
                if let Some(e) = tour.observe(&s) {
                    moved = Some(e);
                }
            }
            events.extend_from_slice(&s.history()[before..]);
            let problems = event_problems(&events, step.events, step.no_events);
            assert!(problems.is_empty(), "{}: {problems:?}\n{}", step.id, s.history_table());
            let (chapter_done, tour_done) = (i + 1 == steps.len(), step.id == TOUR[TOUR.len() - 1].id);
            assert_eq!(moved, Some(TourEvent::StepDone { step: step.id, chapter_done, tour_done }), "{}", step.id);
            done_steps += 1;
        }
    }
    assert_eq!(done_steps, TOUR.len());
}

#[test]
fn every_prediction_is_what_the_simulator_writes_and_no_other_choice_is() {
    assert!(QUESTIONS.len() >= 7, "a question in most chapters");
    for q in QUESTIONS {
        let target = TOUR.iter().find(|s| s.id == q.step).unwrap_or_else(|| panic!("{} names no step", q.step));
        assert!(q.answer < q.choices.len() && (3..=4).contains(&q.choices.len()), "{}", q.step);
        // Reach the moment of the question by playing the chapter's steps before it.
        let (_, mut s) = chapter_session(target.chapter);
        for step in steps_of(target.chapter).take_while(|st| st.id != q.step) {
            play(step, &mut s);
        }
        let events = play(target, &mut s);
        for (i, c) in q.choices.iter().enumerate() {
            let problems = event_problems(&events, c.events, c.no_events);
            if i == q.answer {
                assert!(
                    problems.is_empty(),
                    "{}: the stated answer {:?} is contradicted: {problems:?}\n{}",
                    q.step,
                    c.text,
                    s.history_table()
                );
            } else {
                assert!(!problems.is_empty(), "{}: the wrong choice {:?} is what the simulator writes", q.step, c.text);
            }
        }
    }
}

#[test]
fn the_tour_starts_in_chapter_one_and_asks_for_the_chapters_session() {
    let tour = Tour::default();
    let s = Session::new(postflow_core::session::SessionConfig::default());
    let v = tour.view(&s);
    assert_eq!(v.chapter.number, 1);
    assert_eq!(v.position, "Tour · chapter 1 of 7 · step 1 of 2");
    // The default session runs chapter 7's workflow: the tour says so and does not watch it.
    let hint = v.session_hint.unwrap();
    assert!(hint.contains("chapter 1's code (activities)"), "{hint}");
    // An empty session is not kept for undo, so the hint promises nothing of it ...
    assert!(!hint.contains("undo"), "{hint}");
    // ... and one with work in it is.
    let mut worked = Session::new(postflow_core::session::SessionConfig::default());
    worked.apply(Session::workshop_start()).unwrap();
    assert!(tour.view(&worked).session_hint.unwrap().contains("undo brings it back"));
    assert_eq!(tour.session_config().postal.chapter, Chapter::Activities);
    let right = Session::new(tour.session_config());
    assert_eq!(tour.view(&right).session_hint, None);
    assert_eq!(v.step.unwrap().command, postflow_core::controls::Command::Start);
}

#[test]
fn a_step_of_several_actions_says_the_clock_is_what_it_waits_for() {
    // "Start the workshop's order and move the clock twice": after the start alone the
    // worker has run (auto-run) and only the clock brings the retries.
    let (mut tour, mut s) = chapter_session(Chapter::Loop);
    let step = TOUR.iter().find(|st| st.id == "loop/wait").unwrap();
    step.action.perform(&mut s).unwrap();
    assert_eq!(tour.observe(&s), None);
    let waiting = tour.view(&s).step.unwrap().waiting.unwrap();
    assert!(waiting.contains("the worker waits for the clock: t moves it"), "{waiting}");
    for a in step.then {
        a.perform(&mut s).unwrap();
    }
    assert!(matches!(tour.observe(&s), Some(TourEvent::StepDone { step: "loop/wait", .. })));
}

#[test]
fn a_step_whose_run_moved_past_its_premise_says_so_and_stepping_back_lifts_it() {
    // Chapter 6: the query is asked "while the payment is still being retried"; a
    // participant who moved the clock on is past it.
    let (mut tour, mut s) = chapter_session(Chapter::Query);
    WORKSHOP_ORDER.perform(&mut s).unwrap();
    assert!(matches!(tour.observe(&s), Some(TourEvent::StepDone { step: "query/start", .. })));
    assert_eq!(tour.view(&s).step.unwrap().blocked, None);
    for _ in 0..2 {
        s.perform(Action::AdvanceNext).unwrap();
        tour.observe(&s);
    }
    let blocked = tour.view(&s).step.unwrap().blocked.unwrap();
    assert!(blocked.contains("needs a payment still being retried") && blocked.contains("step back"), "{blocked}");
    // Back to just before the last clock move: a retry is still to come.
    let last_move = s.timeline().iter().rposition(|e| matches!(e.action, Action::AdvanceNext)).unwrap();
    s.seek(last_move);
    tour.observe(&s);
    assert_eq!(tour.view(&s).step.unwrap().blocked, None, "stepped back before the payment went through");
    // Chapter 7: "scan while the timer runs" after the timer fired could never complete.
    let (mut tour, mut s) = chapter_session(Chapter::Notification);
    play(TOUR.iter().find(|st| st.id == "notification/timer").unwrap(), &mut s);
    tour.observe(&s);
    assert_eq!(tour.current().unwrap().id, "notification/scan");
    assert_eq!(tour.view(&s).step.unwrap().blocked, None);
    s.perform(Action::AdvanceNext).unwrap();
    tour.observe(&s);
    let blocked = tour.view(&s).step.unwrap().blocked.unwrap();
    assert!(blocked.contains("needs the notification timer running"), "{blocked}");
}

#[test]
fn unrelated_actions_and_rewinds_never_complete_or_block_a_step() {
    let (mut tour, mut s) = chapter_session(Chapter::Notification);
    let first = play(TOUR.iter().find(|st| st.id == "notification/timer").unwrap(), &mut s);
    assert!(!first.is_empty());
    tour.observe(&s);
    assert_eq!(tour.current().unwrap().id, "notification/scan");
    // Free play: a query and a rewind do not count as the scan.
    s.perform(Action::Query { name: "current_status".into() }).unwrap();
    assert_eq!(tour.observe(&s), None);
    // The scan done, then undone by rewinding before the events were looked at.
    s.auto_run = false;
    s.perform(Action::Signal { name: "ScanSignal".into(), input: Some(r#"{"location":"Delft"}"#.into()) }).unwrap();
    assert_eq!(tour.observe(&s), None, "the events are not there yet (the worker did not run)");
    let waiting = tour.view(&s).step.unwrap().waiting.unwrap();
    assert!(waiting.contains("the worker has a task to take: r runs it"), "{waiting}");
    s.back();
    assert_eq!(tour.observe(&s), None);
    assert_eq!(tour.view(&s).step.unwrap().waiting, None, "the rewound scan no longer counts");
    s.perform(Action::Run).unwrap();
    assert_eq!(tour.observe(&s), None, "running the worker is not the scan");
    // Done for real: a scan, the worker run by hand.
    s.perform(Action::Signal { name: "ScanSignal".into(), input: Some(r#"{"location":"Delft"}"#.into()) }).unwrap();
    s.perform(Action::Run).unwrap();
    assert!(matches!(tour.observe(&s), Some(TourEvent::StepDone { step: "notification/scan", .. })));
}

#[test]
fn a_prediction_is_locked_by_the_action_and_scored_per_chapter() {
    let (mut tour, mut s) = chapter_session(Chapter::Notification);
    TOUR[TOUR.iter().position(|st| st.id == "notification/timer").unwrap()].action.perform(&mut s).unwrap();
    for a in TOUR.iter().find(|st| st.id == "notification/timer").unwrap().then {
        a.perform(&mut s).unwrap();
    }
    tour.observe(&s);
    let q = question_for("notification/scan").unwrap();
    assert!(tour.answer(9).unwrap_err().contains("choose 1 to 3"));
    let wrong = (q.answer + 1) % q.choices.len();
    tour.answer(wrong).unwrap();
    tour.answer(q.answer).unwrap(); // a mind may change before acting
    assert_eq!(tour.view(&s).step.unwrap().question.unwrap().chosen, Some(q.answer));
    s.auto_run = false;
    s.perform(Action::Signal { name: "ScanSignal".into(), input: Some(r#"{"location":"Delft"}"#.into()) }).unwrap();
    tour.observe(&s);
    assert!(tour.answer(wrong).unwrap_err().contains("action was done"));
    s.perform(Action::Run).unwrap();
    tour.observe(&s);
    let reveal = tour.view(&s).reveal.expect("the answer is revealed after the action");
    assert!(reveal.correct && reveal.why.contains("updateTimeout"));
    assert_eq!(reveal.verdict(), Verdict::Right);
    assert_eq!(reveal.headline(), format!("Prediction: ✓ right (you chose {0}); the answer was {0}: ", q.answer + 1));
    // The next question gets no prediction: no point, and not called wrong either.
    s.auto_run = true;
    play(TOUR.iter().find(|st| st.id == "notification/fire").unwrap(), &mut s);
    tour.observe(&s);
    let reveal = tour.view(&s).reveal.unwrap();
    assert_eq!((reveal.chosen, reveal.correct), (None, false));
    assert_eq!(reveal.verdict(), Verdict::NotPredicted);
    assert!(reveal.headline().starts_with("Prediction: – no prediction; the answer was "), "{}", reveal.headline());
    let score = tour.scores()[6];
    assert_eq!((score.number, score.correct, score.predicted, score.questions, score.steps_done, score.steps), (7, 1, 1, 3, 3, 5));
    assert_eq!(score.label(), "1/1", "one right of one predicted: the skipped one and the one not reached are not wrong");
    assert_eq!(tour.scores()[0].label(), "–", "no step of chapter 1 done: no score yet, not 0/1");
}

#[test]
fn progress_survives_a_save_and_a_damaged_save_is_refused() {
    let (mut tour, mut s) = chapter_session(Chapter::Retries);
    tour.answer(1).unwrap();
    play(&TOUR[TOUR.iter().position(|st| st.id == "retries/start").unwrap()], &mut s);
    tour.observe(&s);
    let saved = tour.to_saved();
    let back = Tour::from_saved(&saved).unwrap();
    assert_eq!(back.current().unwrap().id, "retries/second-attempt");
    assert_eq!(back.scores(), tour.scores());
    assert_eq!(back.scores()[1].correct, 1);
    // The answer to the question just done is still shown after a reload.
    let reveal = |t: &Tour| t.view(&s).reveal.map(|r| (r.prompt, r.correct));
    assert!(reveal(&tour).is_some());
    assert_eq!(reveal(&back), reveal(&tour));
    assert!(saved.starts_with("postflow tour 1\nstep retries/second-attempt\n"), "{saved}");
    assert!(Tour::from_saved("{not json").unwrap_err().contains("damaged"));
    assert!(Tour::from_saved("postflow tour 1\nanswer retries/start two").unwrap_err().contains("damaged"));
    assert!(Tour::from_saved("postflow tour 1\nstep chapter-9/nowhere").unwrap_err().contains("unknown step"));
    assert_eq!(Tour::from_saved(&Tour::default().to_saved()).unwrap(), Tour::default());
    // Skipping and going back move freely; the end of the tour is a state too.
    let mut t = back;
    for _ in 0..TOUR.len() + 3 {
        t.next(&s);
    }
    assert_eq!(t.current(), None);
    assert_eq!(t.view(&s).position, "Tour · finished");
    t.previous(&s);
    assert_eq!(t.current().unwrap().id, TOUR.last().unwrap().id);
}

#[test]
fn steps_and_questions_are_well_formed_data() {
    let mut ids = std::collections::BTreeSet::new();
    let mut last_chapter = Chapter::Activities;
    for s in TOUR {
        assert!(ids.insert(s.id), "step {} twice", s.id);
        assert!(s.id.starts_with(s.chapter.name()), "{} is not named after its chapter", s.id);
        assert!(s.chapter >= last_chapter, "{} is out of chapter order", s.id);
        last_chapter = s.chapter;
        for text in [s.instruction, s.look_for] {
            assert!(text.len() > 15 && text.len() < 400, "{}: {text:?}", s.id);
        }
    }
    let mut asked = std::collections::BTreeSet::new();
    for q in QUESTIONS {
        assert!(ids.contains(q.step), "{} names no step", q.step);
        assert!(asked.insert(q.step), "two questions for {}", q.step);
        assert!(q.why.len() > 40 && q.prompt.ends_with('?'), "{}", q.step);
    }
    // A prediction in every chapter.
    for g in &GUIDES {
        assert!(steps_of(g.chapter).any(|s| question_for(s.id).is_some()), "chapter {} asks nothing", g.number);
    }
}

#[test]
fn a_start_in_a_fresh_session_counts_as_the_steps_action() {
    // Front ends start a new order in a fresh session, whose timeline is shorter than
    // the one the tour watched before.
    let (mut tour, s) = played(Chapter::Retries, 3);
    assert_eq!(tour.current().unwrap().id, "retries/over-25");
    let mut fresh = Session::new(tour.session_config());
    let step = TOUR.iter().find(|st| st.id == "retries/over-25").unwrap();
    for a in std::iter::once(&step.action).chain(step.then) {
        a.perform(&mut fresh).unwrap();
    }
    assert!(fresh.cursor() < s.cursor(), "the fresh session's timeline is shorter");
    tour.new_session();
    assert!(matches!(tour.observe(&fresh), Some(TourEvent::StepDone { step: "retries/over-25", chapter_done: true, .. })));
}

#[test]
fn a_step_its_run_can_no_longer_reach_says_so() {
    // Chapter 2 started with chapter 1's last order (no customer): the payment is
    // retried as the step expects, then shipping fails the run, and the step that
    // waits for the next retry can never happen.
    let (mut tour, mut s) = chapter_session(Chapter::Retries);
    let no_customer = r#"{"id":"Order123","customer":"","amount":20,"address":"Uber office","sendFrom":"Aarhus"}"#;
    s.perform(Action::Start {
        workflow_id: "Order123".into(),
        input: no_customer.into(),
        execution_timeout: std::time::Duration::from_secs(600),
    })
    .unwrap();
    tour.observe(&s);
    while s.outcome().is_none() {
        s.perform(Action::AdvanceNext).unwrap();
        tour.observe(&s);
    }
    assert!(s.outcome().unwrap().starts_with("failed"), "{:?}", s.outcome());
    let step = tour.view(&s).step.expect("the tour is in chapter 2");
    let blocked = step.blocked.expect("the step says it cannot happen");
    assert!(blocked.starts_with("This run has failed (see the history), so this step cannot happen"), "{blocked}");
    assert!(blocked.contains("step back (←/h) to before that"), "the way back is named, not only a new session: {blocked}");
}

#[test]
fn a_steps_action_done_past_its_moment_leaves_the_step_blocked_not_waiting() {
    // Chapter 7's "scan while the timer runs" after the timer fired: blocked, as before.
    // The scan done anyway cancels nothing; the tour went on to say "Done so far ... t
    // moves the clock", and t timed the run out.
    let (mut tour, mut s) = chapter_session(Chapter::Notification);
    play(steps_of(Chapter::Notification).next().unwrap(), &mut s);
    tour.observe(&s);
    assert_eq!(tour.current().unwrap().id, "notification/scan");
    s.perform(Action::AdvanceNext).unwrap();
    tour.observe(&s);
    assert!(s.notifications() == 1 && tour.view(&s).step.unwrap().blocked.is_some(), "the timer fired: blocked");
    s.perform(Action::Signal { name: "ScanSignal".into(), input: Some(r#"{"location":"Delft"}"#.into()) }).unwrap();
    tour.observe(&s);
    let step = tour.view(&s).step.unwrap();
    let blocked = step.blocked.expect("still blocked after the scan");
    assert!(blocked.starts_with("This step needs the notification timer running") && blocked.contains("step back (←/h)"), "{blocked}");
    assert_eq!(step.waiting, None, "a blocked step waits for nothing");
    // Stepping back to before the firing lifts it, and the step can then be done.
    while !Premise::TimerRunning.holds(&s) {
        s.back();
    }
    tour.observe(&s);
    assert_eq!(tour.view(&s).step.unwrap().blocked, None);

    // Chapter 6's "ask again" on a run that timed out before any scan: a query still
    // answers on a closed run, and would have completed the step with Aarhus alone.
    let (mut tour, mut s) = played(Chapter::Query, 2);
    while s.outcome().is_none() {
        s.perform(Action::AdvanceNext).unwrap();
        tour.observe(&s);
    }
    tour.next(&s);
    assert_eq!(tour.current().unwrap().id, "query/after-scan");
    let blocked = tour.view(&s).step.unwrap().blocked.expect("no scan was read: the query cannot list Delft");
    assert!(blocked.starts_with("This step needs a scan the code has read"), "{blocked}");
    s.perform(Action::Query { name: "current_status".into() }).unwrap();
    assert_eq!(tour.observe(&s), None, "the query does not complete the step");
}

#[test]
fn a_step_done_is_told_by_its_chapter_and_place_and_the_last_one_ends_the_tour() {
    let words = |step: &'static str, chapter_done, tour_done| {
        TourEvent::StepDone { step, chapter_done, tour_done }.notice("T opens the next chapter's session", "the guide")
    };
    let first = &TOUR[0];
    let n = steps_of(first.chapter).count();
    assert_eq!(words(first.id, false, false), format!("tour: chapter 1, step 1 of {n} done ✓ — next step in the guide"));
    let last_of_first: &TourStep = steps_of(first.chapter).last().unwrap();
    assert_eq!(
        words(last_of_first.id, true, false),
        format!("tour: chapter 1, step {n} of {n} done ✓ — chapter 1 done: T opens the next chapter's session")
    );
    let last = &TOUR[TOUR.len() - 1];
    let n = steps_of(last.chapter).count();
    assert_eq!(
        words(last.id, true, true),
        format!("tour: chapter 7, step {n} of {n} done ✓ — the tour is finished: your score per chapter is in the guide")
    );
}

#[test]
fn chapter_six_is_done_only_once_the_query_is_asked_again_after_the_scan() {
    // The chapter's last instruction is to ask the query again after the scan; the
    // tour moved on at the scan, before the answer it promised (Aarhus, Delft) was asked.
    let (mut tour, mut s) = chapter_session(Chapter::Query);
    for step in steps_of(Chapter::Query).take_while(|st| st.id != "query/scan") {
        play(step, &mut s);
        tour.observe(&s);
    }
    assert_eq!(tour.current().unwrap().id, "query/scan");
    paid_and_scanned(&mut tour, &mut s);
    let v = tour.view(&s);
    assert_eq!(v.position, "Tour · chapter 6 of 7 · step 4 of 4", "the scan alone does not end the chapter");
    let step = v.step.unwrap();
    assert_eq!(step.command, postflow_core::controls::Command::Query);
    assert_eq!(step.blocked, None);
    let before = s.history().len();
    s.perform(Action::Query { name: "current_status".into() }).unwrap();
    assert!(matches!(tour.observe(&s), Some(TourEvent::StepDone { step: "query/after-scan", chapter_done: true, .. })));
    // What the step told the participant to look for is what the query answered.
    let answer = s.current_status().unwrap();
    assert_eq!(answer.location_history, ["Aarhus", "Delft"]);
    let look_for = step.look_for.expect("a step without a question says what to look for");
    assert!(look_for.contains("Aarhus, Delft"), "{look_for}");
    assert_eq!(s.history().len(), before, "asking wrote nothing");
}

#[test]
fn a_step_for_a_moment_not_reached_yet_says_how_to_get_there() {
    // Chapter 7: the timer's firing skipped (`]`), "scan again" with the timer still
    // running writes TimerCanceled and a new timer, never what the step expects; the
    // tour waited for it and pointed at the clock, which times the run out.
    let (mut tour, mut s) = played(Chapter::Notification, 2);
    assert_eq!(tour.current().unwrap().id, "notification/fire");
    tour.next(&s);
    assert_eq!(tour.current().unwrap().id, "notification/scan-after");
    let blocked = tour.view(&s).step.unwrap().blocked.expect("the customer was not notified yet: the step says so");
    assert_eq!(
        blocked,
        "This step needs the customer notified, and in this run no notification timer has fired yet: move the clock to \
         the timer first (t), as the step before does."
    );
    s.perform(Action::AdvanceNext).unwrap();
    tour.observe(&s);
    assert_eq!(s.notifications(), 1);
    assert_eq!(tour.view(&s).step.unwrap().blocked, None, "notified: the step can happen now");
    play(TOUR.iter().find(|st| st.id == "notification/scan-after").unwrap(), &mut s);
    assert!(matches!(tour.observe(&s), Some(TourEvent::StepDone { step: "notification/scan-after", .. })));

    // Chapter 7 again: the order started, the clock not moved, the first step skipped:
    // the timer has not started yet, and stepping back is no way to it.
    let (mut tour, mut s) = chapter_session(Chapter::Notification);
    WORKSHOP_ORDER.perform(&mut s).unwrap();
    tour.observe(&s);
    tour.next(&s);
    assert_eq!(tour.current().unwrap().id, "notification/scan");
    let blocked = tour.view(&s).step.unwrap().blocked.expect("no timer runs yet");
    assert!(blocked.contains("if it has not started yet, move the clock on (t) until the package is shipped"), "{blocked}");
    for _ in 0..2 {
        s.perform(Action::AdvanceNext).unwrap();
        tour.observe(&s);
    }
    assert_eq!(tour.view(&s).step.unwrap().blocked, None, "the timer runs now");

    // Chapter 6: the query "again" with the scan skipped would list Aarhus alone.
    let (mut tour, mut s) = played(Chapter::Query, 2);
    tour.next(&s);
    assert_eq!(tour.current().unwrap().id, "query/after-scan");
    let blocked = tour.view(&s).step.unwrap().blocked.expect("no scan read yet");
    assert!(blocked.starts_with("This step needs a scan the code has read") && blocked.contains("scan first (c)"), "{blocked}");
    paid_and_scanned(&mut tour, &mut s);
    assert_eq!(tour.view(&s).step.unwrap().blocked, None);
}

#[test]
fn the_notification_chapter_says_when_the_timer_really_fires() {
    // The goal said "when the package is about a day away"; the timer runs the whole
    // estimate, so the customer hears at the estimated delivery, not a day before it.
    let guide = GUIDES.iter().find(|g| g.chapter == Chapter::Notification).unwrap();
    assert!(!guide.goal.contains("a day away"), "{}", guide.goal);
    assert!(guide.goal.contains("close to delivery") && guide.goal.contains("whole estimate ran out"), "{}", guide.goal);
    let (_, mut s) = chapter_session(Chapter::Notification);
    play(TOUR.iter().find(|st| st.id == "notification/timer").unwrap(), &mut s);
    s.perform(Action::AdvanceNext).unwrap();
    let h = s.history();
    let days: i64 = h
        .iter()
        .rev()
        .find_map(|e| match &e.attributes {
            postflow_core::history::EventAttributes::ActivityTaskCompleted(a) => {
                a.result.as_ref().and_then(|r| r.to_text().trim().parse().ok())
            }
            _ => None,
        })
        .unwrap();
    let time_of = |name: &str| h.iter().find(|e| e.event_type().name() == name).unwrap().event_time;
    assert_eq!(time_of("TimerFired").since(time_of("TimerStarted")).as_secs(), days as u64 * 60, "the timer lasts the whole estimate");
    assert_eq!(s.notifications(), 1);
}

#[test]
fn chapter_four_says_what_two_scans_sent_at_once_write() {
    // "Two scans sent at once are two signals, handled one after the other", next to
    // "every scan adds a signal and a decision task", promised two decision tasks; the
    // simulator writes one, whose code reads both.
    let guide = GUIDES.iter().find(|g| g.chapter == Chapter::Loop).unwrap();
    assert!(guide.look_for.contains("two signals and one decision task"), "{}", guide.look_for);
    let (_, mut s) = chapter_session(Chapter::Loop);
    play(TOUR.iter().find(|st| st.id == "loop/wait").unwrap(), &mut s);
    let before = s.history().len();
    s.auto_run = false;
    for place in ["Delft", "Lyon"] {
        s.perform(Action::Signal { name: "ScanSignal".into(), input: Some(format!(r#"{{"location":"{place}"}}"#)) }).unwrap();
    }
    s.perform(Action::Run).unwrap();
    let new: Vec<&str> = s.history()[before..].iter().map(|e| e.event_type().name()).collect();
    assert_eq!(new.iter().filter(|t| **t == "WorkflowExecutionSignaled").count(), 2, "{new:?}");
    assert_eq!(new.iter().filter(|t| **t == "DecisionTaskCompleted").count(), 1, "{new:?}");
    assert_eq!(s.logs().iter().filter(|l| l.message == "Received signal!").count(), 2, "the loop went round twice");
    assert_eq!(s.outcome(), None);
}

#[test]
fn a_step_whose_action_came_before_a_reload_completes_after_it() {
    // The page saves the tour and the session; chapter 3's first step (start, then the
    // clock twice) with one clock move before the reload never completed after it.
    let (mut tour, mut s) = chapter_session(Chapter::ScanOnce);
    let step = tour.current().unwrap();
    assert_eq!(step.action.action(), Session::workshop_start());
    step.action.perform(&mut s).unwrap();
    tour.observe(&s);
    s.perform(Action::AdvanceNext).unwrap();
    tour.observe(&s);
    assert!(tour.view(&s).step.unwrap().waiting.is_some(), "the action was done, its events are still to come");
    let mut restored = Tour::from_saved(&tour.to_saved()).unwrap();
    restored.resume(&s);
    s.perform(Action::AdvanceNext).unwrap();
    assert!(matches!(restored.observe(&s), Some(TourEvent::StepDone { .. })), "{:?}", restored.view(&s).step);
    // A session that does not hold the action where the save says (another link): watched afresh.
    let mut other = Tour::from_saved(&tour.to_saved()).unwrap();
    let fresh = Session::new(tour.session_config());
    other.resume(&fresh);
    assert!(other.view(&fresh).step.unwrap().waiting.is_none());
}

#[test]
fn a_start_step_done_with_the_wrong_order_says_to_start_again_with_the_steps_order() {
    // Chapter 1's second step asks for an order without a customer; a participant who
    // starts the workshop's order again (the form still holds it) must not be sent back
    // to "the chapter's session with the workshop's order".
    let (mut tour, mut s) = chapter_session(Chapter::Activities);
    WORKSHOP_ORDER.perform(&mut s).unwrap();
    assert!(matches!(tour.observe(&s), Some(TourEvent::StepDone { step: "activities/start", .. })));
    WORKSHOP_ORDER.perform(&mut s).unwrap();
    tour.observe(&s);
    assert!(s.outcome().unwrap().starts_with("completed"), "{:?}", s.outcome());
    let blocked = tour.view(&s).step.expect("still chapter 1's second step").blocked.expect("the step says it did not happen");
    assert!(
        blocked.starts_with("This start's order is not the step's: it asks for an order of 20 without a customer. Start again (s)"),
        "{blocked}"
    );
    assert!(!blocked.contains("workshop's order"), "{blocked}");
}

#[test]
fn a_start_of_another_order_is_said_at_once_not_once_the_run_has_ended() {
    // Chapter 2's order of 30: started with 20, the run waits for its payment's retry,
    // and the step said "Done so far; ... t moves it", on the wrong path.
    let (mut tour, mut s) = chapter_session(Chapter::Retries);
    play_until(&mut tour, &mut s, "retries/over-25");
    WORKSHOP_ORDER.perform(&mut s).unwrap();
    tour.observe(&s);
    assert_eq!(s.outcome(), None, "the run is still going");
    let step = tour.view(&s).step.unwrap();
    assert_eq!(step.waiting, None, "{:?}", step.waiting);
    let blocked = step.blocked.expect("the wrong order is said");
    assert!(blocked.contains("it asks for an order of 30 for Cadence"), "{blocked}");
    // The step's own order, started as the front ends start one over a running
    // workflow (a fresh session), takes it on.
    let mut s = s.restarted();
    tour.new_session();
    let step = tour.current().unwrap();
    play(step, &mut s);
    assert!(matches!(tour.observe(&s), Some(TourEvent::StepDone { step: "retries/over-25", .. })));
}

#[test]
fn chapter_three_points_at_what_the_screens_show_of_the_waiting_code() {
    // The look-fors named a "Blocked on" view that no screen has, and said it counted
    // a scan the code had not read: the stack trace, waiting on the payment, does not.
    let step = |id: &str| TOUR.iter().find(|st| st.id == id).unwrap();
    let (_, mut s) = chapter_session(Chapter::ScanOnce);
    play(step("scan-once/wait"), &mut s);
    assert!(step("scan-once/wait").look_for.contains("\"blocked on selector-1.Select\" names the line"));
    assert!(s.stack_trace().contains("[blocked on selector-1.Select]"), "{}", s.stack_trace());
    play(step("scan-once/scan"), &mut s);
    play(step("scan-once/restart"), &mut s);
    play(step("scan-once/early-scan"), &mut s);
    assert!(step("scan-once/early-scan").look_for.contains("Pending lists it as not read yet"));
    let pending: Vec<String> = s.pending().iter().filter(|p| p.kind == PendingKind::Signal).map(|p| p.text.clone()).collect();
    assert!(pending.iter().any(|p| p.contains("ScanSignal (not read by the code yet)")), "{pending:?}");
    let trace = s.stack_trace();
    assert!(trace.contains("[blocked on future.Get]") && !trace.contains("ScanSignal"), "{trace}");
}

#[test]
fn what_to_look_for_waits_while_the_question_is_open_and_comes_with_the_answer() {
    // "Only ActivityTaskScheduled: attempt 0 failed..." is the answer to the step's
    // question: shown beside it, it would give the prediction away.
    let (mut tour, mut s) = chapter_session(Chapter::Retries);
    let step = tour.current().unwrap();
    assert_eq!(step.id, "retries/start");
    let q = question_for(step.id).unwrap();
    let view = tour.view(&s).step.unwrap();
    assert!(view.question.is_some() && view.look_for.is_none(), "{:?}", view.look_for);
    tour.answer(q.answer).unwrap();
    assert_eq!(tour.view(&s).step.unwrap().look_for, None, "a prediction made does not answer it yet");
    play(step, &mut s);
    assert!(matches!(tour.observe(&s), Some(TourEvent::StepDone { step: "retries/start", .. })));
    let v = tour.view(&s);
    let reveal = v.reveal.unwrap();
    assert_eq!(reveal.look_for, step.look_for);
    assert_eq!(reveal.earlier_chapter, None);
    // A step that asks nothing says what to look for from the start.
    let next = v.step.unwrap();
    assert!(next.question.is_none() && next.look_for == Some(tour.current().unwrap().look_for), "{next:?}");
}

#[test]
fn the_last_answer_of_a_chapter_shown_in_the_next_says_whose_it_is() {
    let (mut tour, mut s) = chapter_session(Chapter::Activities);
    let last = steps_of(Chapter::Activities).last().unwrap();
    let q = question_for(last.id).expect("chapter 1 ends on a question");
    for step in steps_of(Chapter::Activities) {
        if step.id == last.id {
            tour.answer(q.answer).unwrap();
        }
        play(step, &mut s);
        tour.observe(&s);
    }
    let v = tour.view(&s);
    assert_eq!(v.chapter.number, 2, "the tour moved on to chapter 2");
    let reveal = v.reveal.unwrap();
    assert_eq!(reveal.earlier_chapter, Some(1));
    assert!(reveal.headline().starts_with("Chapter 1's last prediction: ✓ right"), "{}", reveal.headline());
}

#[test]
fn live_times_quiet_ticks_leave_the_timers_question_open_until_it_fires() {
    use postflow_core::session::Player;
    let (mut tour, mut s) = chapter_session(Chapter::Notification);
    play_until(&mut tour, &mut s, "notification/fire");
    let q = question_for("notification/fire").unwrap();
    let mut live = Player::default();
    live.toggle_live(&s);
    let history = s.history().len();
    for _ in 0..3 {
        live.tick(&mut s, Duration::from_millis(100));
        assert_eq!(tour.observe(&s), None);
    }
    assert_eq!(s.history().len(), history, "the ticks were quiet: the timer has not fired");
    tour.answer(q.answer).expect("a quiet clock move does not answer the question");
    assert_eq!(tour.view(&s).step.unwrap().look_for, None, "nor does it show the answer");
    let mut done = None;
    for _ in 0..100_000 {
        live.tick(&mut s, Duration::from_millis(100));
        done = tour.observe(&s);
        if done.is_some() {
            break;
        }
    }
    assert!(matches!(done, Some(TourEvent::StepDone { step: "notification/fire", .. })), "{done:?}");
    assert!(tour.view(&s).reveal.unwrap().correct);
}

#[test]
fn a_step_waiting_for_a_scan_does_not_send_the_clock_into_the_workflows_timeout() {
    // Chapter 6, "move the clock on until the payment goes through, then scan": after
    // the two moves only the workflow's timeout is on the clock. Pointing at the clock
    // (as the note did) led into the timeout, and the step could never be done.
    let (mut tour, mut s) = chapter_session(Chapter::Query);
    play_until(&mut tour, &mut s, "query/scan");
    for _ in 0..2 {
        s.perform(Action::AdvanceNext).unwrap();
        tour.observe(&s);
    }
    let waiting = tour.view(&s).step.unwrap().waiting.expect("the step waits for its scan");
    assert!(waiting.contains("waits for a signal (c scans, d delivers); t would move the clock to its timeout"), "{waiting}");
    // Earlier, with the payment's retry due, the clock is the way on.
    let (mut tour, mut s) = chapter_session(Chapter::Query);
    play_until(&mut tour, &mut s, "query/scan");
    s.perform(Action::AdvanceNext).unwrap();
    tour.observe(&s);
    let waiting = tour.view(&s).step.unwrap().waiting.unwrap();
    assert!(waiting.contains("waits for the clock: t moves it"), "{waiting}");
}
