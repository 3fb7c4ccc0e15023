//! The `workshop` binary's answers to chapters that do not exist: refused with the
//! chapters there are, before anything is checked, reset or written.

use std::process::Command;

#[test]
fn a_chapter_that_does_not_exist_is_named_as_such() {
    for args in [["hint", "-1"], ["check", "-2"], ["reset", "-1"], ["solution", "-3"], ["hint", "0"], ["check", "8"]] {
        let out = Command::new(env!("CARGO_BIN_EXE_workshop")).args(args).output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(&format!("there is no chapter {}: the workshop has chapters 1 to 7", args[1])), "{args:?}: {stderr}");
        assert!(out.stdout.is_empty(), "{args:?} printed: {}", String::from_utf8_lossy(&out.stdout));
    }
}
