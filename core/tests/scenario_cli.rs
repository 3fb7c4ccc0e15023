//! The `scenario` runner as a user types it: its answer to a name it does not know
//! (the terminal app's words for `--scenario`, from the one loader they share), its
//! usage on an 80-column terminal, bad formats and empty histories, and output that
//! stays one document when piped.

use std::process::Command;

use postflow_core::scenario::NAMES;

fn scenario(args: &[&str]) -> (Option<i32>, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_scenario")).args(args).output().expect("the scenario binary runs");
    (out.status.code(), String::from_utf8_lossy(&out.stdout).into_owned(), String::from_utf8_lossy(&out.stderr).into_owned())
}

#[test]
fn an_unknown_name_lists_the_built_in_scenarios_and_exits_2() {
    let (code, stdout, stderr) = scenario(&["happy-pth"]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stdout.is_empty(), "{stdout}");
    let expected = format!("error: happy-pth: not a built-in scenario ({}) and no such file\n", NAMES.join(", "));
    assert_eq!(stderr, expected);
}

#[test]
fn a_directory_is_named_as_unreadable_not_as_missing() {
    let dir = env!("CARGO_MANIFEST_DIR");
    let (code, _, stderr) = scenario(&[dir]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.starts_with(&format!("error: {dir}: cannot be read as a scenario file: ")), "{stderr}");
}

#[test]
fn help_fits_an_80_column_terminal() {
    let (code, stdout, _) = scenario(&["--help"]);
    assert_eq!(code, Some(0));
    assert!(stdout.contains("--history FILE"), "{stdout}");
    for line in stdout.lines() {
        assert!(line.chars().count() <= 80, "{} characters: {line}", line.chars().count());
    }
}

#[test]
fn the_transcript_leaves_json_and_scripts_whole_on_stdout() {
    let (code, stdout, stderr) = scenario(&["happy-path", "--format", "json", "--transcript"]);
    assert_eq!(code, Some(0), "{stderr}");
    let history: serde_json::Value = serde_json::from_str(&stdout).expect("stdout is one JSON document");
    assert!(history["history"]["events"].as_array().is_some_and(|e| !e.is_empty()), "{stdout}");
    assert!(stderr.contains("$ cadence --domain cadence-workshop wf start"), "the transcript is on stderr: {stderr}");
    let (_, script, _) = scenario(&["happy-path", "--format", "script", "--transcript"]);
    assert!(script.starts_with("#!/bin/sh"), "{script}");
    // With the table, the transcript comes first on stdout, for reading.
    let (_, table, _) = scenario(&["happy-path", "--transcript"]);
    assert!(table.trim_start().starts_with("1  start"), "{table}");
}

#[test]
fn a_bad_format_is_refused_before_the_scenario_runs() {
    let (code, stdout, stderr) = scenario(&["happy-path", "--format", "bogus", "--transcript"]);
    assert_eq!(code, Some(2));
    assert!(stdout.is_empty(), "nothing ran: {stdout}");
    assert_eq!(stderr, "error: unknown format bogus: table, json, cli-json, script or golden\n");
}

#[test]
fn an_empty_history_is_refused_as_the_terminal_app_refuses_it() {
    let file = std::env::temp_dir().join(format!("postflow-empty-{}.json", std::process::id()));
    std::fs::write(&file, "[]").unwrap();
    let (code, stdout, stderr) = scenario(&["--history", file.to_str().unwrap()]);
    std::fs::remove_file(&file).unwrap();
    assert_eq!(code, Some(2));
    assert!(stdout.is_empty(), "{stdout}");
    assert!(stderr.contains("history JSON has no events"), "{stderr}");
}

#[cfg(unix)]
#[test]
fn a_reader_that_goes_away_ends_the_output_quietly() {
    // `scenario happy-path | head -1`: a pipe whose reading end is closed before
    // anything is written, so that the first write meets it (no race with a reader).
    use std::os::fd::{FromRawFd, OwnedFd};
    use std::os::unix::process::ExitStatusExt;
    let mut fds = [0; 2];
    // SAFETY: `fds` has room for the two descriptors pipe(2) writes; the reading end
    // is closed here and the writing end owned by `writer` alone.
    let writer = unsafe {
        assert_eq!(libc::pipe(fds.as_mut_ptr()), 0);
        libc::close(fds[0]);
        OwnedFd::from_raw_fd(fds[1])
    };
    let out = Command::new(env!("CARGO_BIN_EXE_scenario"))
        .args(["happy-path", "--format", "json"])
        .stdout(writer)
        .output()
        .expect("the scenario binary runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.is_empty(), "no panic, no backtrace: {stderr}");
    assert_eq!(out.status.signal(), Some(libc::SIGPIPE), "ended as cat or grep end: {:?}", out.status);
}
