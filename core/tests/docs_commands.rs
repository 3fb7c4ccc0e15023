//! What the README and docs/ give a newcomer to copy and to count on: an `--input` is
//! JSON (the cadence CLI and `bridge wf start` refuse anything else before it reaches
//! the server: "input is not valid JSON"), and a count the README states is the count
//! there is.

use std::path::Path;

fn read(rel: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(rel);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The pages a newcomer copies commands from.
fn pages() -> Vec<String> {
    let mut pages = vec!["README.md".to_owned()];
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs");
    let mut docs: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|name| name.ends_with(".md"))
        .map(|name| format!("docs/{name}"))
        .collect();
    docs.sort();
    pages.extend(docs);
    pages
}

/// Every `--input '...'` on a page, with its line number.
fn inputs(page: &str) -> Vec<(usize, String)> {
    let mut found = Vec::new();
    for (n, line) in page.lines().enumerate() {
        let mut rest = line;
        while let Some(at) = rest.find("--input '") {
            let after = &rest[at + "--input '".len()..];
            let Some(end) = after.find('\'') else { break };
            found.push((n + 1, after[..end].to_owned()));
            rest = &after[end + 1..];
        }
    }
    found
}

#[test]
fn every_input_the_docs_give_to_copy_is_json() {
    let mut seen = 0;
    for page in pages() {
        for (line, input) in inputs(&read(&page)) {
            seen += 1;
            assert!(
                serde_json::from_str::<serde_json::Value>(&input).is_ok(),
                "{page}:{line}: --input '{input}' is not JSON; copied, the command is refused (\"input is not valid JSON\")"
            );
        }
    }
    // The workshop's start, signal and HelloWorld commands are among them.
    assert!(seen >= 5, "only {seen} --input found: has the search stopped finding them?");
}

#[test]
fn the_pages_count_the_typical_mistakes_there_are() {
    let mistakes = read("exercises/mistakes.toml").lines().filter(|l| l.trim() == "[[mistake]]").count();
    for (page, said) in [
        ("README.md", format!("{mistakes} typical mistakes are each named")),
        ("docs/workshop.md", format!("the {mistakes} typical mistakes of `exercises/mistakes.toml`")),
    ] {
        assert!(
            read(page).split_whitespace().collect::<Vec<_>>().join(" ").contains(&said),
            "{page} should say \"{said}\": exercises/mistakes.toml has {mistakes}"
        );
    }
}
