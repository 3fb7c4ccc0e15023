//! Every built-in scenario plays without a failed expectation and writes exactly its
//! reviewed golden history (`scenarios/NAME.history`); the format page's example plays too.

use postflow_core::history::table;
use postflow_core::scenario::{self, BUILTIN, Scenario};

#[test]
fn every_builtin_scenario_matches_its_golden_history() {
    let mut problems = Vec::new();
    for b in BUILTIN {
        let s = Scenario::parse(b.name, b.toml).unwrap_or_else(|e| panic!("{e}"));
        let outcome = scenario::run(&s);
        for f in &outcome.failures {
            problems.push(format!("{}: {f}", b.name));
        }
        if let Some(diff) = table::diff(b.golden(), &outcome.session.history_table()) {
            problems.push(format!("{}: history differs from scenarios/{}.history\n{diff}", b.name, b.name));
        }
    }
    assert!(problems.is_empty(), "\n{}", problems.join("\n"));
}

#[test]
fn every_scenario_file_is_built_in() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../scenarios");
    let mut on_disk: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().into_string().ok()?.strip_suffix(".toml").map(str::to_owned))
        .collect();
    on_disk.sort();
    let mut built_in: Vec<String> = BUILTIN.iter().map(|b| b.name.to_owned()).collect();
    built_in.sort();
    assert_eq!(on_disk, built_in, "add new scenario files to core/src/scenario/builtin.rs");
}

#[test]
fn the_format_pages_example_plays_and_holds() {
    // docs/scenario-format.md shows every key in one file; a reader may copy it.
    let page = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/scenario-format.md")).unwrap();
    let start = page.find("```toml\n").expect("the page has its example") + "```toml\n".len();
    let toml = &page[start..start + page[start..].find("```").unwrap()];
    let s = Scenario::parse("every-key", toml).unwrap_or_else(|e| panic!("{e}"));
    assert!(s.steps.len() >= 12, "the whole example was read: {} steps", s.steps.len());
    let outcome = scenario::run(&s);
    assert!(outcome.failures.is_empty(), "{:?}", outcome.failures);
    assert!(outcome.session.history_table().contains("WorkflowExecutionCompleted"));
}
