//! The `bridge` binary's arguments, refused before it talks to any server (so no
//! server is needed here).

use std::process::Command;

#[test]
fn a_load_with_nonsense_counts_is_refused_before_it_starts() {
    for (flag, value, says) in [
        ("--concurrency", "0", "invalid value '0' for '--concurrency <CONCURRENCY>': must be at least 1 (got 0)"),
        ("--concurrency", "-2", "invalid value '-2' for '--concurrency <CONCURRENCY>': must be at least 1 (got -2)"),
        ("--workflows", "-1", "invalid value '-1' for '--workflows <WORKFLOWS>': must be at least 1 (got -1)"),
        ("--workflows", "0", "invalid value '0' for '--workflows <WORKFLOWS>': must be at least 1 (got 0)"),
        ("--scans", "-1", "invalid value '-1' for '--scans <SCANS>': must be 0 or more (got -1)"),
        ("--scans", "three", "invalid value 'three' for '--scans <SCANS>': expected a whole number, got \"three\""),
    ] {
        // An unreachable address: had the arguments passed, the run would say so instead.
        let out =
            Command::new(env!("CARGO_BIN_EXE_bridge")).args(["--address", "http://127.0.0.1:1", "load", flag, value]).output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{flag} {value}: {stderr}");
        assert!(stderr.contains(says), "{flag} {value}: {stderr}");
        assert!(out.stdout.is_empty(), "{flag} {value} ran anyway: {}", String::from_utf8_lossy(&out.stdout));
    }
}

#[test]
fn negative_durations_and_counts_are_invalid_values_not_unknown_arguments() {
    for (args, says) in [
        (&["worker", "--timer-unit", "-1s"][..], "invalid value '-1s' for '--timer-unit <TIMER_UNIT>': invalid duration \"-1s\": negative"),
        (&["worker", "--poll-timeout", "-5s"], "invalid value '-5s' for '--poll-timeout <POLL_TIMEOUT>'"),
        (
            &["worker", "--decision-pollers", "0"],
            "invalid value '0' for '--decision-pollers <DECISION_POLLERS>': must be at least 1 (got 0)",
        ),
        (&["worker", "--activity-pollers", "-1"], "invalid value '-1' for '--activity-pollers <ACTIVITY_POLLERS>': must be at least 1"),
        (&["worker", "--seed", "-1"], "invalid value '-1' for '--seed <SEED>': must be 0 or more (got -1)"),
        (&["worker", "--sticky-cache-size", "-1"], "invalid value '-1' for '--sticky-cache-size <STICKY_CACHE_SIZE>': must be 0 or more"),
        (&["worker", "--exercise", "0"], "invalid value '0' for '--exercise <EXERCISE>': there is no chapter 0"),
        // A chapter's name is read as `workshop` reads it: a wrong one is named.
        (&["worker", "--exercise", "loops"], "invalid value 'loops' for '--exercise <EXERCISE>': unknown chapter \"loops\""),
        (
            &["wf", "start", "--workflow_id", "x", "--et", "-5"],
            "invalid value '-5' for '--execution_timeout <EXECUTION_TIMEOUT>': must be at least 1",
        ),
        // The server refuses a zero timeout ("A valid ExecutionStartToCloseTimeoutSeconds
        // is not set on request"): said here, in the flag's terms.
        (
            &["wf", "start", "--workflow_id", "x", "--et", "0"],
            "invalid value '0' for '--execution_timeout <EXECUTION_TIMEOUT>': must be at least 1 (got 0)",
        ),
        (
            &["wf", "start", "--workflow_id", "x", "--dt", "0"],
            "invalid value '0' for '--decision_timeout <DECISION_TIMEOUT>': must be at least 1 (got 0)",
        ),
        (
            &["wf", "start", "--workflow_id", "x", "--dt", "1.5"],
            "invalid value '1.5' for '--decision_timeout <DECISION_TIMEOUT>': must be a whole number",
        ),
        (&["wf", "list", "--pagesize", "-1"], "invalid value '-1' for '--pagesize <PAGE_SIZE>': must be 0 or more (got -1)"),
        (
            &["wf", "list", "--pagesize", "4294967296"],
            "invalid value '4294967296' for '--pagesize <PAGE_SIZE>': must be at most 4294967295",
        ),
        (&["domain", "register", "--retention", "-1"], "invalid value '-1' for '--retention <RETENTION_DAYS>': must be 0 or more (got -1)"),
        (&["scenario", "run", "workshop", "--step-timeout", "-1s"], "invalid value '-1s' for '--step-timeout <STEP_TIMEOUT>'"),
        // The same flag as a scenario run's, read the same way.
        (&["load", "--step-timeout", "-1s"], "invalid value '-1s' for '--step-timeout <STEP_TIMEOUT>': invalid duration \"-1s\": negative"),
        (&["load", "--step-timeout", "5"], "invalid value '5' for '--step-timeout <STEP_TIMEOUT>': invalid duration \"5\": missing unit"),
        // A flag where a duration belongs is not called negative.
        (&["worker", "--timer-unit", "--verbose"], "invalid duration \"--verbose\": expected a number"),
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_bridge")).args(["--address", "http://127.0.0.1:1"]).args(args).output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(says), "{args:?}: {stderr}");
    }
}

#[test]
fn a_load_against_a_server_that_is_down_stops_at_one_clear_error() {
    let out =
        Command::new(env!("CARGO_BIN_EXE_bridge")).args(["--address", "http://127.0.0.1:1", "load", "--workflows", "50"]).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert_eq!(stderr.matches("Cadence server not reachable at http://127.0.0.1:1").count(), 1, "{stderr}");
    assert!(stderr.contains("is it running?"), "{stderr}");
    assert!(out.stdout.is_empty(), "no report of a run that did not start: {}", String::from_utf8_lossy(&out.stdout));
}

#[test]
fn a_scenario_run_warns_of_a_misspelled_signal_and_a_down_server_is_said_once() {
    let file = std::env::temp_dir().join(format!("bridge-cli-{}.toml", std::process::id()));
    std::fs::write(&file, "[[steps]]\ndo = \"start\"\ninput = '{\"id\":\"P\"}'\n[[steps]]\ndo = \"signal\"\nname = \"ScanSignl\"\n")
        .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_bridge"))
        .args(["--address", "http://127.0.0.1:1", "scenario", "run", file.to_str().unwrap()])
        .output()
        .unwrap();
    std::fs::remove_file(&file).unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("warning: ") && stderr.contains("signal \"ScanSignl\" is not one"), "{stderr}");
    assert_eq!(stderr.matches("not reachable").count(), 1, "{stderr}");
}

#[test]
fn comparing_a_scenario_a_real_server_cannot_play_is_not_a_pass() {
    // Refused before the server is asked: no server runs at this address.
    let out = Command::new(env!("CARGO_BIN_EXE_bridge"))
        .args(["--address", "http://127.0.0.1:1", "scenario", "run", "scan-then-fired", "--compare"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("scan-then-fired: not comparable on a real server"), "{stderr}");
}

#[test]
fn playing_a_scenario_a_real_server_cannot_play_as_written_says_so_before_it_plays() {
    // Said before the server is asked (none runs at this address): the history printed
    // would otherwise be taken for the scenario's (scans-reset-timer's notification,
    // which it says never fires, fires there: a day lasts 10 s).
    let run = |name: &str| {
        let out =
            Command::new(env!("CARGO_BIN_EXE_bridge")).args(["--address", "http://127.0.0.1:1", "scenario", "run", name]).output().unwrap();
        String::from_utf8_lossy(&out.stderr).into_owned()
    };
    let said = run("scans-reset-timer");
    assert!(
        said.contains("bridge: note: scans-reset-timer: a real server cannot play it as the simulator does (it uses `advance by`"),
        "{said}"
    );
    assert!(said.find("note:") < said.find("not reachable"), "{said}");
    // Its scans come 90 s apart: with a 10 s day its first timer fires before them.
    let words = said.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(words.contains("a day of its timers lasts 10s here (--timer-unit), while the scenario's own durations"), "{said}");
    // A comparable one plays without it.
    let said = run("happy-path");
    assert!(!said.contains("note:") && said.contains("not reachable"), "{said}");
}

#[test]
fn every_flag_of_worker_and_load_says_what_it_does() {
    // docs/bridge.md sends people to `bridge worker --help` for what each flag does.
    for (args, flags) in [
        (
            &["worker", "--help"][..],
            &["--tasklist", "--decision-pollers", "--activity-pollers", "--quiet", "--verbose", "--timer-unit"][..],
        ),
        (&["load", "--help"], &["--workflows", "--scans", "--concurrency", "--prefix", "--step-timeout"]),
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_bridge")).args(args).output().unwrap();
        let help = String::from_utf8_lossy(&out.stdout);
        for flag in flags {
            // The flag's entry: its line, and the lines up to the next flag's.
            let lines: Vec<&str> = help.lines().collect();
            let at = lines
                .iter()
                .position(|l| l.split_whitespace().any(|w| w.trim_end_matches(',') == *flag))
                .unwrap_or_else(|| panic!("{flag} missing from {args:?}:\n{help}"));
            let end = lines[at + 1..].iter().position(|l| l.trim_start().starts_with('-')).map_or(lines.len(), |n| at + 1 + n);
            let entry = lines[at..end].join(" ");
            // What is left without the flag's names, its value and the bracketed defaults.
            let words: Vec<&str> = entry.split_whitespace().filter(|w| !w.starts_with('-') && !w.starts_with('<')).collect();
            let text = words.join(" ");
            let said = text.split('[').next().unwrap_or_default();
            assert!(said.chars().any(char::is_alphabetic), "{flag} has no description in {args:?}: {entry:?}");
        }
    }
}

#[test]
fn a_worker_given_a_port_that_speaks_another_protocol_says_so_and_exits() {
    // What a gRPC port (7833 on the dev server) answers an HTTP/1 request with: an
    // HTTP/2 SETTINGS frame, to every connection.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for conn in listener.incoming() {
            use std::io::{Read, Write};
            let Ok(mut conn) = conn else { continue };
            let _ = conn.write_all(&[0, 0, 0, 4, 0, 0, 0, 0, 0]);
            let _ = conn.read(&mut [0; 1024]);
        }
    });
    let mut worker = Command::new(env!("CARGO_BIN_EXE_bridge"))
        .args(["--address", &format!("http://127.0.0.1:{port}"), "worker"])
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    let status = loop {
        if let Some(status) = worker.try_wait().unwrap() {
            break Some(status);
        }
        if std::time::Instant::now() > deadline {
            let _ = worker.kill();
            break None;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    };
    let mut stderr = String::new();
    std::io::Read::read_to_string(&mut worker.stderr.take().unwrap(), &mut stderr).unwrap();
    assert_eq!(status.and_then(|s| s.code()), Some(1), "the worker kept polling a port that is not the HTTP API:\n{stderr}");
    assert!(stderr.contains("answers, but not as Cadence's HTTP API") && stderr.contains("--address"), "{stderr}");
    assert!(!stderr.contains("retrying"), "{stderr}");
}
