//! The `tui` binary without a terminal: `--print` for scripts and dumb terminals,
//! its exit status when a scenario's expectation fails, and bad arguments.

use std::process::Command;

fn tui(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_tui")).args(args).output().unwrap();
    (out.status.code().unwrap_or(-1), String::from_utf8(out.stdout).unwrap(), String::from_utf8(out.stderr).unwrap())
}

#[test]
fn print_shows_where_a_scenario_ends() {
    let (code, screen, _) = tui(&["--scenario", "happy-path", "--print"]);
    assert_eq!(code, 0);
    assert!(screen.contains("│ completed │") && screen.contains("WorkflowExecutionCompleted"), "{screen}");
    assert!(screen.contains("scenario happy-path") && screen.contains("notification sent"));
    assert_eq!(screen.lines().count(), 50, "the default screen is 160x50");
}

#[test]
fn print_takes_a_size() {
    let (code, screen, _) = tui(&["--scenario", "amount-over-25", "--print", "--size", "100x30"]);
    assert_eq!(code, 0);
    assert_eq!(screen.lines().count(), 30);
    assert!(screen.lines().all(|l| l.chars().count() <= 100));
    assert!(screen.contains("failed"), "{screen}");
}

#[test]
fn a_failing_expectation_exits_non_zero_and_says_which() {
    let file = std::env::temp_dir().join(format!("postflow-tui-bad-{}.toml", std::process::id()));
    std::fs::write(&file, "[[steps]]\ndo = \"start\"\ninput = '{\"id\":\"X\"}'\n[[steps]]\ndo = \"expect\"\nstatus = \"completed\"\n")
        .unwrap();
    let (code, screen, err) = tui(&["--scenario", file.to_str().unwrap(), "--print"]);
    std::fs::remove_file(&file).unwrap();
    assert_eq!(code, 1);
    assert!(err.contains("expectation failed: step 2 (expect)"), "{err}");
    assert!(screen.contains("1 expectation(s) failed"), "the status line says so too: {screen}");
}

#[test]
fn print_imports_a_real_server_history() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../core/tests/fixtures/real/happy-path.json");
    let (code, screen, _) = tui(&["--import", path, "--print"]);
    assert_eq!(code, 0);
    assert!(screen.contains("completed (imported, event"), "{screen}");
    assert!(!screen.contains('✗'), "a good history has no error on the screen: {screen}");

    // One the code could not have written: the message line says why, as interactively.
    let text = std::fs::read_to_string(path).unwrap().replacen("validatePaymentComplete", "chargeCard", 1);
    let file = std::env::temp_dir().join(format!("postflow-tui-nondeterministic-{}.json", std::process::id()));
    std::fs::write(&file, text).unwrap();
    let (_, screen, _) = tui(&["--import", file.to_str().unwrap(), "--print"]);
    std::fs::remove_file(&file).unwrap();
    assert!(screen.contains("✗ the workflow code could not have written this history"), "{screen}");
    assert!(!screen.contains("already at the end"), "{screen}");
}

#[test]
fn bad_arguments_and_unknown_scenarios_are_named() {
    let (code, _, err) = tui(&["--scenario", "no-such-scenario", "--print"]);
    assert_eq!(code, 2);
    assert!(err.contains("not a built-in scenario (happy-path"), "{err}");
    let (code, _, err) = tui(&["--frobnicate"]);
    assert_eq!(code, 2);
    assert!(err.contains("unknown argument") && err.contains("usage: tui"));
    // Counts read by the same rules as the fleet's and the bridge's.
    for (value, says) in
        [("0", "--fleet: must be at least 1 (got 0)"), ("-3", "--fleet: must be at least 1 (got -3)"), ("ten", "expected a whole number")]
    {
        let (code, _, err) = tui(&["--fleet", value, "--print"]);
        assert_eq!(code, 2, "{err}");
        assert!(err.contains(says), "{value}: {err}");
    }
}

#[test]
fn without_a_terminal_it_points_to_print() {
    // Under `cargo test` stdout is a pipe, as in CI: the app must not try raw mode.
    let (code, _, err) = tui(&[]);
    assert_eq!(code, 2);
    assert!(err.contains("use --print"), "{err}");
}

#[test]
fn print_in_bridge_mode_with_the_server_down_says_so_and_fails() {
    // A script that checks the status must not take a screen of nothing for a result: as
    // for a workflow the server does not have, the status is 1 and stderr says why.
    for watched in [&[][..], &["--workflow-id", "Order123"]] {
        let (code, screen, err) = tui(&[&["--bridge", "http://127.0.0.1:9", "--print", "--size", "120x30"], watched].concat());
        assert_eq!(code, 1, "{watched:?}: {err}");
        assert!(screen.contains("bridge http://127.0.0.1:9") && screen.contains("not reachable"), "{screen}");
        assert!(err.starts_with("tui: Cadence server not reachable at http://127.0.0.1:9 ("), "{watched:?}: {err}");
        assert!(err.contains("is it running? (scripts/cadence-dev.sh up"), "{err}");
    }
    let (code, _, err) = tui(&["--workflow-id", "x"]);
    assert_eq!(code, 2);
    assert!(err.contains("go with --bridge"), "{err}");
}

#[test]
fn a_huge_print_size_is_refused_not_allocated() {
    let (code, _, err) = tui(&["--scenario", "happy-path", "--print", "--size", "65535x65535"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("at most 1000x1000"), "{err}");
    // Past what a terminal's side can be, too.
    let (code, _, err) = tui(&["--scenario", "happy-path", "--print", "--size", "100000x100000"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("at most 1000x1000"), "{err}");
}

#[test]
fn a_print_size_smaller_than_the_screens_is_refused_not_printed_empty() {
    for size in ["0x0", "79x24", "80x23"] {
        let (code, screen, err) = tui(&["--scenario", "happy-path", "--print", "--size", size]);
        assert_eq!(code, 2, "{size}: {err}");
        assert!(err.contains(&format!("--size {size}: the screens need at least 80x24")), "{size}: {err}");
        assert!(screen.is_empty(), "{size}: printed anyway: {screen}");
    }
    let (code, screen, err) = tui(&["--scenario", "happy-path", "--print", "--size", "80x24"]);
    assert_eq!(code, 0, "{err}");
    assert!(screen.contains("History"), "{screen}");
}

/// `--exercise` hands the arguments over to the exercise's own binary, which once read
/// `--size` without limits: 65535x65535 was a 171 GB frame and an abort.
#[test]
fn an_exercise_print_size_is_checked_by_the_same_rules() {
    for (size, says) in [("65535x65535", "--size 65535x65535: at most 1000x1000"), ("0x0", "--size 0x0: the screens need at least 80x24")] {
        let (code, screen, err) = tui(&["--exercise", "7", "--print", "--size", size]);
        assert_eq!(code, 2, "{size}: {err}");
        assert!(err.contains(says), "{size}: {err}");
        assert!(screen.is_empty(), "{size}: printed anyway: {screen}");
    }
}

#[test]
fn help_fits_an_80_column_terminal() {
    let (code, stdout, _) = tui(&["--help"]);
    assert_eq!(code, 0);
    assert!(stdout.contains("--fleet N"), "{stdout}");
    // The usage lines name every way to call it, --list too.
    let usage: String = stdout.lines().take_while(|l| !l.is_empty()).collect();
    assert!(usage.contains("tui --list"), "{usage}");
    for line in stdout.lines() {
        assert!(line.chars().count() <= 80, "{} characters: {line}", line.chars().count());
    }
}
