//! The checks played for real: every chapter's reference passes its own checks, each
//! untouched starting point fails them, and typical mistakes are named.

use std::time::Duration;

use super::*;
use crate::postal::Chapter;

const MINUTE: Duration = Duration::from_secs(60);

fn reference(chapter: Chapter) -> Registry {
    reference_registry(chapter, MINUTE, vec![])
}

/// The reference of `code`'s chapter handed in as the exercise of `chapter`.
fn as_exercise(code: Chapter, chapter: Chapter) -> Registry {
    let mut r = reference(code);
    let run = r.workflow(ChapterNames::STARTER.workflow).unwrap().run.clone();
    r.register_workflow(exercise_definition(chapter, run));
    r
}

#[test]
fn every_chapter_has_checks_and_every_scenario_parses() {
    for chapter in Chapter::ALL {
        let checks: Vec<_> = Check::of(chapter).collect();
        assert!(checks.len() >= 2, "chapter {chapter:?} has {} checks", checks.len());
        for c in checks {
            assert!(!c.steps().is_empty(), "{}", c.name);
            assert!(c.expectation.len() > 40, "{}: the expectation is too thin", c.name);
        }
    }
    let mut names: Vec<_> = CHECKS.iter().map(|c| c.name).collect();
    names.sort();
    names.dedup();
    assert_eq!(names.len(), CHECKS.len(), "check names are unique");
}

#[test]
fn the_reference_solution_meets_every_expectation_and_passes_its_checks() {
    for check in &CHECKS {
        let run = play(check, reference(check.chapter), MINUTE, |_| {});
        assert_eq!(run.problem, None, "{}", check.name);
        for (step, result) in check.steps().iter().zip(&run.steps) {
            if matches!(step, crate::scenario::Step::Expect(_)) {
                assert_eq!(result, &StepResult::Done, "{}: the reference fails its own expectation", check.name);
            }
        }
        let report = evaluate(check, &run, MINUTE);
        assert!(report.passed, "{}: {:?}", check.name, report);
    }
}

#[test]
fn each_chapters_starting_point_fails_its_checks_with_a_message() {
    // The starting file of chapter N is the solution of chapter N - 1.
    for pair in Chapter::ALL.windows(2) {
        let (before, chapter) = (pair[0], pair[1]);
        let failed: Vec<CheckReport> = Check::of(chapter)
            .map(|check| evaluate(check, &play(check, as_exercise(before, chapter), MINUTE, |_| {}), MINUTE))
            .filter(|r| !r.passed)
            .collect();
        assert!(!failed.is_empty(), "chapter {chapter:?}: the previous chapter's workflow passes every check");
        for r in failed {
            assert!(r.message.as_deref().is_some_and(|m| m.len() > 20), "{}: no message", r.name);
        }
    }
}

#[test]
fn a_run_survives_the_trip_between_processes() {
    let check = Check::of(Chapter::Query).next().unwrap();
    let run = play(check, reference(Chapter::Query), MINUTE, |_| {});
    let text = serde_json::to_string(&run).unwrap();
    let back: Run = serde_json::from_str(&text).unwrap();
    assert_eq!(back, run);
}

#[test]
fn a_different_history_is_shown_side_by_side_at_its_first_difference() {
    let check = Check::of(Chapter::Notification).nth(1).unwrap();
    let good = play(check, reference(Chapter::Notification), MINUTE, |_| {});
    let mut bad = good.clone();
    // The scan's TimerCanceled is lost: the first difference is there.
    let at = bad.history.iter().position(|e| e.event_type() == crate::history::EventType::TimerCanceled).unwrap();
    bad.history.truncate(at);
    let d = report::first_difference(&good.history, &bad.history).unwrap();
    assert_eq!(d.event_id, at as i64 + 1);
    assert!(d.explanation.contains("TimerCanceled"), "{}", d.explanation);
    assert!(d.rows.last().unwrap().differs && d.rows.last().unwrap().yours.is_empty());
    assert!(d.rows.len() > 1 && !d.rows[0].differs);
}

#[test]
fn a_run_cut_short_is_compared_only_as_far_as_it_got() {
    let check = Check::of(Chapter::Loop).nth(1).unwrap();
    // A panic in the first decision task: no step ended, so no history came back.
    // The report names the panic and claims nothing about a history it never saw.
    let nothing = evaluate(check, &Run::failed(Problem::Panicked("no customer at 04_loop.rs:27".into())), MINUTE);
    assert!(nothing.message.as_deref().is_some_and(|m| m.starts_with("your workflow code panicked: no customer")), "{nothing:?}");
    assert_eq!(nothing.difference, None, "not 'your history ends after event 0 (not started)'");
    // A hang later on: the history as the last finished step left it is compared.
    let reference = reference_run(check, &Run::failed(Problem::Panicked(String::new())), MINUTE);
    let so_far = reference.history[..8].to_vec();
    let doing = check.steps()[3].summary();
    let hung = Run { history: so_far, ..Run::failed(Problem::Deadlock { step: 3, after: Duration::from_secs(1), doing }) };
    let report = evaluate(check, &hung, MINUTE);
    let message = report.message.unwrap();
    assert!(message.contains(&format!("({}, the check's step 4)", check.steps()[3].summary())), "{message}");
    let d = report.difference.expect("the history so far is compared");
    assert!(d.explanation.starts_with("your history ends after event 8 (running)"), "{}", d.explanation);
}
