//! The `fleet` binary as a user runs it: bad input refused with a clear message
//! before anything runs, a fleet too large for memory (packages or shards) refused
//! with its estimate, Ctrl-C answered with what the run has so far (and no capacity
//! model from it), and a small run's report (in lines an 80-column terminal shows
//! whole).

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

fn fleet(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_fleet")).args(args).output().unwrap();
    (out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stdout).into(), String::from_utf8_lossy(&out.stderr).into())
}

#[test]
fn nonsense_parameters_are_refused_with_what_is_wrong() {
    for (args, says) in [
        (vec!["--packages", "0"], "invalid value '0' for '--packages <PACKAGES>': must be at least 1 (got 0)"),
        (vec!["--packages", "-5"], "invalid value '-5' for '--packages <PACKAGES>': must be at least 1 (got -5)"),
        (vec!["--packages", "2.5"], "invalid value '2.5' for '--packages <PACKAGES>': must be a whole number (got 2.5)"),
        (vec!["--shards", "0"], "invalid value '0' for '--shards <SHARDS>': must be at least 1 (got 0)"),
        (vec!["--shards", "4294967296"], "must be at most 4294967295 (got 4294967296)"),
        (vec!["--workers", "-2"], "invalid value '-2' for '--workers <WORKERS>': must be at least 1 (got -2)"),
        (vec!["--cache", "-1"], "invalid value '-1' for '--cache <CACHE>': must be 0 or more (got -1)"),
        (vec!["--delivery-days", "5-1"], "--delivery-days must be LOW-HIGH with 0 < LOW <= HIGH, e.g. 1-5 (got \"5-1\")"),
        (vec!["--scan-hours", "0-0"], "--scan-hours must be LOW-HIGH with 0 < LOW <= HIGH, e.g. 3-9 (got \"0-0\")"),
        (vec!["--timer-unit", "3 parsecs"], "--timer-unit: invalid duration \"3 parsecs\""),
        (vec!["--timer-unit", "-1d"], "--timer-unit must be a number of days from 0"),
        (vec!["--timer-unit", "0d"], "--timer-unit must be more than zero (got \"0d\")"),
        (vec!["--interval", "-30m"], "--interval: invalid duration \"-30m\": negative"),
        (vec!["--interval", "0s"], "--interval must be more than zero"),
        (vec!["--over-limit", "1.5"], "--over-limit must be a share between 0 and 1 (got 1.5)"),
        (vec!["--over-limit", "0.6", "--no-customer", "0.5"], "--over-limit and --no-customer add up to more than every order (0.6 + 0.5)"),
        (vec!["--workers", "1", "--decision-ms", "500"], "1 worker cannot keep up"),
        (vec!["--over-limit", "-0.5"], "--over-limit must be a share between 0 and 1 (got -0.5)"),
        (vec!["--decision-ms", "-1"], "--decision-ms must be zero or more milliseconds (got -1)"),
        (vec!["--arrival-hours", "-1"], "--arrival-hours must be more than zero (got -1)"),
        // Before: "must be more than zero (got inf)".
        (vec!["--arrival-hours", "inf"], "--arrival-hours must be a number of hours (got inf)"),
        (vec!["--model", "--shard-write-budget", "0"], "--shard-write-budget must be a number more than zero (got 0)"),
        (vec!["--model", "--decision-wait-ms", "-5"], "--decision-wait-ms must be a number more than zero (got -5)"),
        (vec!["--shard-write-budget", "50"], "the following required arguments were not provided:\n  --model"),
        (vec!["--delivery-days", "-1-5"], "--delivery-days must be LOW-HIGH with 0 < LOW <= HIGH"),
        (vec!["--max-memory-gib", "nan"], "--max-memory-gib must be more than zero (got NaN)"),
        (vec!["--max-memory-gib", "-1"], "--max-memory-gib must be more than zero (got -1)"),
        (vec!["--max-memory-gib", "0"], "--max-memory-gib must be more than zero (got 0)"),
        (vec!["--seed", "-1"], "invalid value '-1' for '--seed <SEED>': must be 0 or more (got -1)"),
        (
            vec!["--delivery-days", "1-40"],
            "an execution timeout of 7d ends workflows before their deliveries (up to 40 days): make it longer (--execution-timeout 41d)",
        ),
        (vec!["--execution-timeout", "36h"], "an execution timeout of 36h ends workflows before their deliveries (up to 5 days)"),
        (vec!["--execution-timeout", "0d"], "--execution-timeout must be more than zero"),
        (vec!["--execution-timeout", "30000d"], "--execution-timeout is more than Cadence accepts (2147483647 s, about 68 years)"),
        // Past what a duration holds: before, a panic ("cannot convert float seconds to Duration").
        (vec!["--arrival-hours", "1e300"], "--arrival-hours is more hours than a run can last (got 1e300)"),
        (vec!["--scan-hours", "3-1e300"], "--scan-hours is more hours than a run can last (got 1e300)"),
        (vec!["--decision-ms", "1e300"], "--decision-ms is more milliseconds than a run can last (got 1e300)"),
        (vec!["--activity-ms", "1e300"], "--activity-ms is more milliseconds than a run can last (got 1e300)"),
        // Before, read as 4294967295 days, and the refusal suggested `--execution-timeout 0d`.
        (
            vec!["--delivery-days", "1-99999999999"],
            "--delivery-days: at most 24,854 days (got 4294967295): a workflow's execution timeout must outlast its delivery",
        ),
        // Before, a row of the report per second ran (on 16,384 shards it took 20 s for 50
        // packages, and 1ns never ended).
        (
            vec!["--packages", "50", "--shards", "4", "--interval", "1s"],
            "--interval 1s makes about 518,400 rows of the report over the run's 6 days (orders over 24 h, deliveries up to 5 days); \
             at most 50,000: use --interval 11s or longer",
        ),
    ] {
        let (code, stdout, stderr) = fleet(&args);
        assert_eq!(code, 2, "{args:?}: {stderr}");
        assert!(stderr.contains(says), "{args:?}: {stderr}");
        assert!(stdout.is_empty(), "{args:?} ran anyway: {stdout}");
    }
    // A CSV path that cannot take the files is refused before the run, not after it.
    let file = std::env::temp_dir().join(format!("fleet-cli-file-{}", std::process::id()));
    std::fs::write(&file, "mine").unwrap();
    let (code, stdout, stderr) = fleet(&["--packages", "50", "--csv", file.to_str().unwrap()]);
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "mine");
    std::fs::remove_file(&file).unwrap();
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains(&format!("cannot write the CSV files into {}: it is a file, not a directory", file.display())), "{stderr}");
    assert!(!stderr.contains("File exists"), "the system's words read as if existing were the fault: {stderr}");
    assert!(stdout.is_empty() && !stderr.contains("fleet: 50 packages"), "the run did not begin: {stderr}");
    let (code, _, stderr) = fleet(&["--shards", "many"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("invalid value 'many' for '--shards <SHARDS>': expected a whole number, got \"many\""), "{stderr}");
}

#[test]
fn long_deliveries_run_with_the_execution_timeout_the_refusal_names() {
    let (code, stdout, stderr) =
        fleet(&["--packages", "60", "--shards", "4", "--workers", "4", "--delivery-days", "8-9", "--execution-timeout", "10d"]);
    assert_eq!(code, 0, "{stderr}");
    let line = stdout.lines().find(|l| l.trim_start().starts_with("packages")).unwrap_or_default();
    assert!(line.contains("60 started") && line.contains("0 timed out"), "{line}");
}

#[test]
fn a_fleet_too_large_for_memory_is_refused_with_its_estimate() {
    let (code, stdout, stderr) = fleet(&["--packages", "1000000", "--max-memory-gib", "0.5"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("1,000,000 packages need about") && stderr.contains("GiB of memory at their peak"), "{stderr}");
    assert!(stdout.is_empty());
    // Too large for both the memory and the workers: memory is said first, since
    // adding the workers it asks for would only lead to that refusal.
    let (code, stdout, stderr) = fleet(&["--packages", "1000000000", "--max-memory-gib", "20"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("1,000,000,000 packages need about 3.0 TiB of memory"), "{stderr}");
    assert!(!stderr.contains("cannot keep up") && stdout.is_empty(), "{stderr}");
}

#[test]
fn a_small_fleet_reports_its_lifecycles_shards_and_plots() {
    let dir = std::env::temp_dir().join(format!("fleet-cli-{}", std::process::id()));
    let (code, stdout, stderr) =
        fleet(&["--packages", "200", "--shards", "4", "--workers", "4", "--cache", "20", "--csv", dir.to_str().unwrap(), "--model"]);
    assert_eq!(code, 0, "{stderr}");
    for expected in [
        "200 started",
        "history events",
        "worker cache",
        "history shards  4: events per shard",
        "timers live",
        "shards by events over the run",
        "10^8 packages in flight",
        "history shards",
    ] {
        assert!(stdout.contains(expected), "{expected:?} missing from\n{stdout}");
    }
    // The summary, the plots and the model are laid out for an 80-column terminal:
    // a longer line would be broken by the terminal, mid-word.
    for line in stdout.lines().chain(stderr.split(['\n', '\r'])) {
        assert!(line.chars().count() <= 80, "over 80 columns: {line:?}");
    }
    assert!(stdout.contains("  persistence writes per lifecycle            68.60\n      measured:"), "{stdout}");
    // The default world fires no notification timer, and the report says why.
    assert!(stdout.contains("0 fired") && stdout.contains("canceled by the next scan"), "{stdout}");
    let intervals = std::fs::read_to_string(dir.join("intervals.csv")).unwrap();
    assert!(intervals.starts_with("start_seconds,") && intervals.lines().count() > 24, "{intervals}");
    assert_eq!(std::fs::read_to_string(dir.join("shards.csv")).unwrap().lines().count(), 5);
    std::fs::remove_dir_all(dir).ok();
}

#[test]
fn the_model_of_the_fleets_own_rate_is_its_orders_kept_up() {
    // Orders over half an hour: before, the run said "over 0 h" and the model's last
    // scenario "this fleet's rate (200 packages in 0 h)", with far more packages in
    // flight than the run had and nothing saying why.
    let (code, stdout, stderr) = fleet(&["--packages", "200", "--shards", "4", "--workers", "4", "--arrival-hours", "0.5", "--model"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.starts_with("fleet: 200 packages over 30 min, 4 history shards"), "{stderr}");
    let heading = "this fleet's order rate, kept up without end (200 packages every 30 min):\n  orders ";
    assert!(stdout.contains(heading), "{stdout}");
    let in_flight = stdout[stdout.find(heading).unwrap()..].lines().find(|l| l.trim_start().starts_with("packages in flight")).unwrap();
    let n: u64 = in_flight.split_whitespace().nth(3).unwrap().replace(',', "").parse().unwrap();
    assert!(n > 200, "orders kept coming: more in flight than this run's 200: {in_flight}");
}

#[test]
fn ctrl_c_prints_what_the_run_has_so_far() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_fleet"))
        .args(["--packages", "300000", "--max-memory-gib", "64", "--model"])
        .env_remove("GLIBC_TUNABLES")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // The run has begun once it says what it runs.
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    let mut line = String::new();
    stderr.read_line(&mut line).unwrap();
    assert!(line.contains("300,000 packages"), "{line}");
    // It restarted itself with huge pages for its heap (what makes a big fleet faster).
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        let environ = std::fs::read(format!("/proc/{}/environ", child.id())).unwrap();
        assert!(environ.split(|b| *b == 0).any(|v| v == b"GLIBC_TUNABLES=glibc.malloc.hugetlb=1"), "{}", String::from_utf8_lossy(&environ));
    }
    // SAFETY: sending a signal to our own child process.
    unsafe {
        libc::kill(child.id() as libc::pid_t, libc::SIGINT);
    }
    let out = child.wait_with_output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(130), "{stdout}");
    assert!(stdout.contains("(interrupted: ") && stdout.contains("history events"), "{stdout}");
    // The lifecycles closed so far are the short ones: no capacity model from them.
    assert!(!stdout.contains("Capacity model") && stdout.contains("No capacity model: the run was interrupted"), "{stdout}");
}

#[test]
fn more_shards_than_memory_holds_are_refused_with_the_estimate() {
    // Four billion shards' counters: before, an allocation failure (exit 134).
    let (code, stdout, stderr) = fleet(&["--packages", "1000", "--shards", "4294967295", "--max-memory-gib", "64"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("1,000 packages need about 384.") && stderr.contains("use fewer --shards"), "{stderr}");
    assert!(stdout.is_empty());
}

#[test]
fn a_csv_file_that_cannot_be_written_is_named_before_the_run() {
    let dir = std::env::temp_dir().join(format!("fleet-cli-csv-dir-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("intervals.csv")).unwrap();
    let (code, stdout, stderr) = fleet(&["--packages", "50", "--csv", dir.to_str().unwrap()]);
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains(&format!("cannot write {}", dir.join("intervals.csv").display())), "{stderr}");
    assert!(stdout.is_empty() && !stderr.contains("fleet: 50 packages"), "the run did not begin: {stderr}");
}

#[test]
fn the_model_s_planning_figures_are_flags() {
    // docs/scale.md: "change it to your database's number"; before, only by editing
    // the source.
    let run = |extra: &[&str]| {
        let mut args = vec!["--packages", "200", "--shards", "4", "--workers", "4", "--model"];
        args.extend_from_slice(extra);
        let (code, stdout, stderr) = fleet(&args);
        assert_eq!(code, 0, "{stderr}");
        stdout
    };
    // The first scenario's row `name`'s value, 10^8 packages a year.
    let row = |text: &str, name: &str| -> f64 {
        let from = text.find("10^8 packages a year:").unwrap();
        let line = text[from..].lines().find(|l| l.trim_start().starts_with(name)).unwrap_or_else(|| panic!("{name} in {text}"));
        line[name.len() + 2..].split_whitespace().next().unwrap().replace(',', "").parse().unwrap()
    };
    let (planned, mine) = (run(&[]), run(&["--shard-write-budget", "10", "--decision-wait-ms", "1"]));
    let words = mine.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(words.contains("per-shard write budget (/s) 10 your planning figure"), "{mine}");
    assert!(words.contains("/ 10 writes/s per shard") && words.contains("mean wait <= 1 ms at 5.5 ms"), "{mine}");
    let (shards, slots) = (row(&planned, "history shards"), row(&planned, "worker slots"));
    assert!(row(&mine, "history shards") >= 9.0 * shards, "a tenth of the budget: ten times the shards ({shards} before)\n{mine}");
    assert!(row(&mine, "worker slots") > slots, "a shorter wait takes more workers ({slots} before)\n{mine}");
}
