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
fn list_names_every_built_in_scenario_and_takes_nothing_else() {
    let (code, stdout, _) = scenario(&["--list"]);
    assert_eq!(code, Some(0));
    assert_eq!(stdout.lines().count(), NAMES.len(), "{stdout}");
    // --format json beside it printed the table without a word.
    let (code, stdout, stderr) = scenario(&["--list", "--format", "json"]);
    assert_eq!(code, Some(2), "{stdout}");
    assert!(stdout.is_empty() && stderr.starts_with("error: --list prints the built-in scenarios' names and takes no other"), "{stderr}");
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
    assert!(table.starts_with("step 1 (start): starting the order\n   1  start Order123"), "{table}");
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

/// A scenario file of the test's own, in a directory of the test's own (the file's stem
/// is the scenario's name), removed when the test ends.
struct TempFile(std::path::PathBuf);

impl TempFile {
    fn new(name: &str, text: &str) -> TempFile {
        let dir = std::env::temp_dir().join(format!("postflow-scenario-cli-{}-{name}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(name);
        std::fs::write(&path, text).unwrap();
        TempFile(path)
    }

    fn path(&self) -> &str {
        self.0.to_str().unwrap()
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(self.0.parent().unwrap());
    }
}

const START: &str = "[[steps]]\ndo = \"start\"\n\
    input = '{\"id\":\"Pkg7\",\"customer\":\"Ada\",\"amount\":5,\"address\":\"Dam 1\",\"sendFrom\":\"Ede\"}'\n\
    [[steps]]\ndo = \"run\"\n";

#[test]
fn a_history_beside_a_scenario_is_refused_not_one_of_them_ignored() {
    let (code, stdout, stderr) = scenario(&["happy-path", "--history", "h.json"]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stdout.is_empty(), "{stdout}");
    assert!(
        stderr.starts_with("error: --history converts a history and runs no scenario: give either happy-path or --history h.json\n"),
        "{stderr}"
    );
}

#[test]
fn an_order_the_server_would_refuse_exits_2_naming_the_file_the_step_and_the_line() {
    let file = TempFile::new("bad-order.toml", "[[steps]]\ndo = \"start\"\ninput = '{\"id\":\"Pkg7\", '\n");
    let (code, stdout, stderr) = scenario(&[file.path()]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stdout.is_empty(), "nothing ran: {stdout}");
    let expected =
        format!("error: {}: step 1 (line 1): do = \"start\": key `input` is not an order: the order is not valid JSON", file.path());
    assert!(stderr.starts_with(&expected), "{stderr}");
}

#[test]
fn a_history_the_runner_exported_is_not_run_as_a_scenario_and_the_way_to_read_it_is_named() {
    // A participant saves `--format json` (or cli-json) and hands the file back to the
    // runner: the TOML parser's "invalid key" at line 1, column 1 told them nothing.
    for format in ["json", "cli-json"] {
        let (code, history, _) = scenario(&["happy-path", "--format", format]);
        assert_eq!(code, Some(0));
        let file = TempFile::new(&format!("happy-path-{format}.json"), &history);
        let (code, stdout, stderr) = scenario(&[file.path()]);
        assert_eq!(code, Some(2), "{stderr}");
        assert!(stdout.is_empty(), "nothing ran: {stdout}");
        let expected = format!("error: {}: this file is JSON, and a scenario file is TOML: ", file.path());
        assert!(stderr.starts_with(&expected) && stderr.contains("`scenario --history FILE`"), "{format}: {stderr}");
        // ...and the way it names works on this very file.
        let (code, table, stderr) = scenario(&["--history", file.path()]);
        assert_eq!(code, Some(0), "{stderr}");
        assert!(table.contains("WorkflowExecutionCompleted"), "{table}");
    }
}

#[test]
fn a_step_after_the_workflow_closed_says_it_closed_not_that_it_waits_for_a_signal() {
    let file = TempFile::new("after-close.toml", &format!("{START}[[steps]]\ndo = \"advance\"\nby = \"700s\"\n[[steps]]\ndo = \"step\"\n"));
    let (code, _, stderr) = scenario(&[file.path(), "--transcript"]);
    assert_eq!(code, Some(1), "{stderr}");
    assert_eq!(
        stderr,
        "FAILED after-close: step 4 (step): nothing to step: the workflow has closed (timed out), and a closed workflow \
         gets no more decision tasks, activities or timers\n"
    );
}

#[test]
fn a_failed_expectation_exits_1_and_names_its_step() {
    let file = TempFile::new("fails.toml", &format!("{START}[[steps]]\ndo = \"expect\"\nstatus = \"completed\"\n"));
    let (code, stdout, stderr) = scenario(&[file.path()]);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(stdout.contains("WorkflowExecutionStarted"), "the history is printed all the same: {stdout}");
    assert_eq!(stderr, "FAILED fails: step 3 (expect): status is running, expected completed\n");
}

#[test]
fn a_signal_the_workflow_does_not_read_is_warned_about_and_still_sent() {
    let file = TempFile::new(
        "typo.toml",
        &format!("{START}[[steps]]\ndo = \"signal\"\nname = \"ScanSignl\"\ninput = '{{\"location\":\"Delft\"}}'\n"),
    );
    let (code, stdout, stderr) = scenario(&[file.path()]);
    assert_eq!(code, Some(0), "Cadence accepts a signal of any name: {stderr}");
    assert!(stdout.contains("WorkflowExecutionSignaled   signal=ScanSignl"), "{stdout}");
    let warning = format!(
        "warning: {}: step 3: signal \"ScanSignl\" is not one OrderProcessingWorkflowComplete reads \
         (it reads ScanSignal, DeliveredSignal): Cadence records it in the history, and the workflow never sees it\n",
        file.path()
    );
    assert!(stderr.starts_with(&warning), "{stderr}");
}

#[test]
fn a_second_scenario_is_refused_not_run_in_place_of_the_first() {
    let (code, stdout, stderr) = scenario(&["happy-path", "payment-retries"]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stdout.is_empty(), "nothing ran: {stdout}");
    assert!(stderr.starts_with("error: one scenario at a time: payment-retries given after happy-path\n"), "{stderr}");
}

#[test]
fn the_transcript_numbers_steps_as_the_file_does_and_shows_what_failed_where() {
    // A refused signal adds nothing to the session, and an expectation nothing either:
    // they have their lines all the same, so "FAILED ...: step 4" can be found.
    let file = TempFile::new(
        "refused.toml",
        &format!(
            "{START}[[steps]]\ndo = \"signal\"\nname = \"ScanSignal\"\ninput = \"Delft\"\n[[steps]]\ndo = \"expect\"\nstatus = \"running\"\n"
        ),
    );
    let (code, stdout, _) = scenario(&[file.path(), "--transcript"]);
    assert_eq!(code, Some(1));
    let transcript = &stdout[..stdout.find("\n\n").expect("a blank line after the transcript")];
    let heads: Vec<&str> = transcript.lines().filter(|l| l.starts_with("step ") || l.contains("FAILED")).collect();
    assert_eq!(
        heads,
        [
            "step 1 (start): starting the order",
            "step 2 (run): letting the worker run",
            "step 3 (signal): sending ScanSignal",
            "      FAILED: refused: input is not valid JSON (expected value at line 1 column 1); the cadence CLI refuses it before it reaches the server",
            "step 4 (expect): looking at the history",
        ],
        "{transcript}"
    );
    // A refusal the scenario expects is said too: the step added nothing to the timeline.
    let (code, stdout, _) = scenario(&["signal-after-completion", "--transcript"]);
    assert_eq!(code, Some(0));
    let at = stdout.find("step 12 (signal): sending ScanSignal\n").expect(&stdout);
    assert!(
        stdout[at..]
            .lines()
            .nth(1)
            .is_some_and(|l| l == "      refused, as the scenario expects: workflow execution already completed (workflow Order123)"),
        "{stdout}"
    );
}

/// Windows PowerShell's `cadence ... > h.json` writes UTF-16 with a byte order mark, in
/// either byte order: it reads as the same history as the UTF-8 file.
#[test]
fn a_history_saved_as_utf16_reads_as_the_utf8_one_does() {
    let happy = include_str!("fixtures/cli/happy-path-scan.json");
    let dir = std::env::temp_dir().join(format!("postflow-scenario-cli-{}-utf16", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let utf8 = dir.join("h8.json");
    std::fs::write(&utf8, happy).unwrap();
    let (code, expected, stderr) = scenario(&["--history", utf8.to_str().unwrap()]);
    assert_eq!(code, Some(0), "{stderr}");
    for (name, bom, unit) in
        [("le.json", [0xFF, 0xFE], u16::to_le_bytes as fn(u16) -> [u8; 2]), ("be.json", [0xFE, 0xFF], u16::to_be_bytes)]
    {
        let bytes: Vec<u8> = bom.into_iter().chain(happy.encode_utf16().flat_map(unit)).collect();
        let path = dir.join(name);
        std::fs::write(&path, bytes).unwrap();
        let (code, table, stderr) = scenario(&["--history", path.to_str().unwrap()]);
        assert_eq!(code, Some(0), "{name}: {stderr}");
        assert_eq!(table, expected, "{name}");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

/// `--history` with a file that is not a history: each is named for what it is, with
/// the file's name, and nothing is printed on stdout.
#[test]
fn a_history_file_that_is_no_history_is_named_for_what_it_is() {
    let dir = std::env::temp_dir().join(format!("postflow-scenario-cli-{}-not-histories", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let write = |name: &str, bytes: &[u8]| {
        let path = dir.join(name);
        std::fs::write(&path, bytes).unwrap();
        path.to_str().unwrap().to_owned()
    };
    // UTF-16 that breaks off inside a character (a lone high surrogate).
    let utf16: Vec<u8> = [0xFF, 0xFE, b'[', 0, 0x00, 0xD8].into();
    let happy = include_str!("fixtures/cli/happy-path-scan.json");
    let cases = [
        (write("h16.json", &utf16), "the file begins as UTF-16 text (Windows PowerShell's `>` writes it so) but is not"),
        (write("h.gz", &[0x1F, 0x8B, 0x08, 0x00, 0xFF]), "not a text file (byte 2 on line 1 is no UTF-8 character)"),
        (write("empty.json", b""), "the file is empty"),
        (
            write("cut.json", &happy.as_bytes()[..5000]),
            "the JSON stops at line 1, column 5000 before it is complete: the file was cut short",
        ),
        (write("order.json", br#"{"id":"Order123","customer":"Cadence","amount":20}"#), "(an order, not a history)"),
        (
            write("happy.toml", include_bytes!("../../scenarios/happy-path.toml")),
            "this is a scenario file, not a history: run it with `scenario ",
        ),
    ];
    for (path, says) in &cases {
        let (code, stdout, stderr) = scenario(&["--history", path]);
        assert_eq!(code, Some(2), "{path}: {stderr}");
        assert!(stdout.is_empty(), "{path}: {stdout}");
        assert!(stderr.starts_with(&format!("error: {path}: ")) && stderr.contains(says), "{path}: {stderr} should say {says:?}");
    }
    // A mistyped format is named before the file is even read.
    let (code, _, stderr) = scenario(&["--history", &cases[0].0, "--format", "tabel"]);
    assert_eq!((code, stderr.as_str()), (Some(2), "error: unknown format tabel: table, json or cli-json (--history converts a history)\n"));
    // A byte order mark (Notepad's) is no reason to refuse a history.
    let bom = write("bom.json", format!("\u{feff}{happy}").as_bytes());
    let (code, stdout, stderr) = scenario(&["--history", &bom, "--format", "cli-json"]);
    assert_eq!(code, Some(0), "{stderr}");
    let (_, plain, _) = scenario(&["--history", &write("plain.json", happy.as_bytes()), "--format", "cli-json"]);
    assert!(stdout.starts_with("[\n{\"eventId\":1,") && stdout == plain, "{stdout}");
    std::fs::remove_dir_all(&dir).unwrap();
}
