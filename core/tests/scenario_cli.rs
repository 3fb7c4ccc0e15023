//! The `scenario` runner as a user types it: its answer to a name it does not know
//! (the terminal app's words for `--scenario`, from the one loader they share), and
//! its usage on an 80-column terminal.

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
