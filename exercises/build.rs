//! Writes the test-only typical mistakes (`mistakes.toml`) as modules for
//! `tests/mistakes.rs`: each is a chapter's solution with the listed edits. An edit
//! whose text is not in the solution exactly once stops the build, so the mistakes
//! stay in step with the solutions.

use std::fmt::Write as _;

const SOLUTIONS: [&str; 8] =
    ["00_begin", "01_activities", "02_retries", "03_scan_once", "04_loop", "05_delivered", "06_query", "07_notification"];

fn main() {
    println!("cargo::rerun-if-changed=mistakes.toml");
    println!("cargo::rerun-if-changed=solutions");
    let text = std::fs::read_to_string("mistakes.toml").expect("exercises/mistakes.toml");
    let file: toml::Value = toml::from_str(&text).unwrap_or_else(|e| panic!("mistakes.toml: {e}"));
    let mut modules = String::new();
    let mut table = String::from("pub const MISTAKES: &[Mistake] = &[\n");
    // A test runs a mistake by its name: a second of the same name would run the first's code.
    let mut names = std::collections::HashSet::new();
    for (i, m) in file["mistake"].as_array().expect("[[mistake]] entries").iter().enumerate() {
        let chapter = m["chapter"].as_integer().expect("chapter") as usize;
        let name = m["name"].as_str().expect("name");
        let message = m["message"].as_str().expect("message");
        assert!(names.insert(name), "mistake {name}: the name is used twice in mistakes.toml");
        // Optional: what the exercise program prints beside its runs, and what the
        // failed check's first difference says.
        let printed = m.get("printed").map(|v| v.as_str().expect("printed"));
        let difference = m.get("difference").map(|v| v.as_str().expect("difference"));
        let path = format!("solutions/{}.rs", SOLUTIONS[chapter]);
        println!("cargo::rerun-if-changed={path}");
        let mut code = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
        for edit in m["edits"].as_array().expect("edits") {
            let (from, to) = (edit[0].as_str().expect("from"), edit[1].as_str().expect("to"));
            let found = code.matches(from).count();
            assert!(found == 1, "mistake {name}: the edit's text is found {found} times in {path}, not once:\n{from}");
            code = code.replacen(from, to, 1);
        }
        // Inner doc comments cannot stand inside an included module.
        let code: String = code.lines().filter(|l| !l.starts_with("//!")).map(|l| format!("    {l}\n")).collect();
        let _ = writeln!(modules, "#[allow(unused, clippy::all)]\npub mod mistake_{i} {{\n{code}}}\n");
        let _ = writeln!(
            table,
            "    Mistake {{ chapter: {chapter}, name: {name:?}, message: {message:?}, printed: {printed:?}, difference: \
             {difference:?}, register: mistake_{i}::register_workflow }},"
        );
    }
    table.push_str("];\n");
    let out = std::path::Path::new(&std::env::var("OUT_DIR").expect("OUT_DIR")).join("mistakes.rs");
    std::fs::write(out, modules + &table).expect("write mistakes.rs");
}
