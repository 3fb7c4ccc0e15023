//! The `bridge` binary's arguments, refused before it talks to any server (so no
//! server is needed here).

use std::process::Command;

#[test]
fn a_load_with_nonsense_counts_is_refused_before_it_starts() {
    for (flag, value, says) in [
        ("--concurrency", "0", "invalid value '0' for '--concurrency <CONCURRENCY>': must be at least 1 (got 0)"),
        ("--concurrency", "-2", "invalid value '-2' for '--concurrency <CONCURRENCY>': must be at least 1 (got -2)"),
        ("--workflows", "-1", "invalid value '-1' for '--workflows <WORKFLOWS>'"),
        ("--scans", "-1", "invalid value '-1' for '--scans <SCANS>'"),
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
