//! The `bridge` binary's arguments, refused before it talks to any server (so no
//! server is needed here).

use std::process::Command;

#[test]
fn a_load_with_no_lifecycles_in_flight_is_refused_before_it_starts() {
    // An unreachable address: had the arguments passed, the run would say so instead.
    let out = Command::new(env!("CARGO_BIN_EXE_bridge"))
        .args(["--address", "http://127.0.0.1:1", "load", "--workflows", "3", "--concurrency", "0"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("invalid value '0' for '--concurrency <CONCURRENCY>': must be at least 1"), "{stderr}");
    assert!(out.stdout.is_empty(), "it ran anyway: {}", String::from_utf8_lossy(&out.stdout));
}
