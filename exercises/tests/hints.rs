//! The code a chapter's hints show is the reference solution's code: a participant
//! who types it into the exercise file has code that compiles against the file's own
//! names (`activity_options()`, the `"ScanSignal"` channel) and passes the checks.
//! Each block of a hint (blocks are separated by an empty line) is an excerpt of the
//! chapter's solution, laid out for an 80-column terminal.

use std::path::Path;

use postflow_core::workshop::GUIDES;

/// Code without its layout: no whitespace, no trailing comma before a closing
/// bracket (rustfmt adds one when it breaks a list over lines) or at the end (a
/// match arm shown on its own), and no line that is only a comment (a hint's comment
/// may say where its block goes, which the solution does not need to say).
fn bare(code: &str) -> String {
    let code: Vec<&str> = code.lines().filter(|l| !l.trim_start().starts_with("//")).collect();
    let mut out: String = code.join("\n").chars().filter(|c| !c.is_whitespace()).collect();
    for close in [")", "]", "}"] {
        out = out.replace(&format!(",{close}"), close);
    }
    out.trim_end_matches(',').to_owned()
}

fn solution(chapter: u8) -> String {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("solutions");
    let prefix = format!("{chapter:02}_");
    let entry = std::fs::read_dir(&dir)
        .expect("exercises/solutions")
        .flatten()
        .find(|e| e.file_name().to_string_lossy().starts_with(&prefix))
        .unwrap_or_else(|| panic!("no solution for chapter {chapter}"));
    std::fs::read_to_string(entry.path()).expect("a readable solution")
}

#[test]
fn every_block_of_rust_a_hint_shows_is_in_the_chapters_solution() {
    let mut blocks = 0;
    for g in &GUIDES {
        let solution = bare(&solution(g.number));
        for (i, h) in g.hints.iter().enumerate() {
            for block in h.rust.split("\n\n").filter(|b| !b.trim().is_empty()) {
                assert!(
                    solution.contains(&bare(block)),
                    "chapter {} hint {}: this block is not in the solution, so it may not compile in the exercise:\n{block}",
                    g.number,
                    i + 1
                );
                blocks += 1;
            }
        }
    }
    assert!(blocks >= 7, "every chapter's last hint shows code ({blocks} blocks)");
}
