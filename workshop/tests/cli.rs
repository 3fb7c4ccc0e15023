//! The `workshop` binary as a participant runs it, on workshops of its own (a
//! temporary `exercises/`): chapters that do not exist, a corrupt progress file, a
//! chapter whose file is gone.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

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

#[test]
fn go_track_options_that_cannot_go_together_are_refused_not_dropped() {
    // --cli went to the server and --address was dropped without a word; --solutions
    // on the Go track checked the participant's worker anyway.
    for (args, says) in [
        (
            &["check", "--go", "1", "--cli", "cadence", "--address", "http://127.0.0.1:8800"][..],
            "'--cli <CLI>' cannot be used with '--address",
        ),
        (&["check", "--go", "1", "--solutions"], "'--go' cannot be used with '--solutions'"),
    ] {
        let out =
            Command::new(env!("CARGO_BIN_EXE_workshop")).args(args).env("POSTFLOW_CADENCE_HTTP", "http://127.0.0.1:9").output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(says), "{args:?}: {stderr}");
    }
}

/// A workshop of its own: `exercises/` with every chapter's file but those in `without`.
fn workshop(name: &str, without: &[&str]) -> PathBuf {
    let root = std::env::temp_dir().join(format!("workshop-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    let ex = root.join("exercises");
    std::fs::create_dir_all(&ex).unwrap();
    std::fs::write(ex.join("Cargo.toml"), "").unwrap();
    for f in ["01_activities", "02_retries", "03_scan_once", "04_loop", "05_delivered", "06_query", "07_notification"] {
        if !without.contains(&f) {
            std::fs::write(ex.join(format!("{f}.rs")), "// the participant's\n").unwrap();
        }
    }
    root
}

fn run(root: &Path, args: &[&str]) -> (Output, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_workshop")).arg("--root").arg(root).args(args).output().unwrap();
    let (stdout, stderr) = (String::from_utf8_lossy(&out.stdout).into_owned(), String::from_utf8_lossy(&out.stderr).into_owned());
    (out, stdout, stderr)
}

#[test]
fn a_corrupt_progress_file_is_kept_aside_once_and_a_new_one_started() {
    let root = workshop("corrupt", &[]);
    let progress = root.join("exercises/.workshop-progress.toml");
    let aside = |n: &str| PathBuf::from(format!("{}.unreadable{n}", progress.display()));
    std::fs::write(&progress, "current = [oops\n").unwrap();
    let (out, stdout, stderr) = run(&root, &["list"]);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains("is not valid TOML") && stderr.contains(".workshop-progress.toml.unreadable and a new one is started"),
        "{stderr}"
    );
    assert!(stdout.contains(">  1  Two activities"), "{stdout}");
    // Said once: the next command (read-only as `list` is) finds the new file.
    let (_, _, stderr) = run(&root, &["list"]);
    assert!(stderr.is_empty(), "the notice came again: {stderr}");
    // A second corruption is kept beside the first, never over it.
    std::fs::write(&progress, "current = [oops, again\n").unwrap();
    let (_, _, stderr) = run(&root, &["list"]);
    assert!(stderr.contains(".workshop-progress.toml.unreadable-2 and a new one"), "{stderr}");
    assert_eq!(std::fs::read_to_string(aside("")).unwrap(), "current = [oops\n");
    assert_eq!(std::fs::read_to_string(aside("-2")).unwrap(), "current = [oops, again\n");
    std::fs::remove_dir_all(&root).unwrap();
}

#[test]
fn the_list_says_when_a_chapters_file_is_gone_and_how_to_get_it_back() {
    let root = workshop("missing", &["04_loop", "05_delivered"]);
    let progress = "version = 1\ncurrent = 5\n[chapters.4]\npassed = true\nhints = 1\n";
    std::fs::write(root.join("exercises/.workshop-progress.toml"), progress).unwrap();
    let (out, stdout, stderr) = run(&root, &["list"]);
    assert!(out.status.success(), "{stderr}");
    assert!(stdout.contains("   4  Scans in a loop           exercises/04_loop.rs          missing  1/3\n"), "{stdout}");
    assert!(stdout.contains(">  5  The delivered signal      exercises/05_delivered.rs     missing  0/3\n"), "{stdout}");
    assert!(stdout.contains("   3  One scan signal           exercises/03_scan_once.rs     -        0/3\n"), "{stdout}");
    assert!(
        stdout.contains(
            "exercises/04_loop.rs is missing: `workshop reset 4` puts the starting file back (the chapter counts as not passed then"
        ),
        "{stdout}"
    );
    assert!(stdout.contains("exercises/05_delivered.rs is missing: `workshop reset 5` puts the starting file back.\n"), "{stdout}");
    assert!(!stdout.contains("done     "), "{stdout}");
    std::fs::remove_dir_all(&root).unwrap();
}

/// A `cargo` that "builds" every exercise into a program that ends at once without a
/// result: every check of every chapter fails ("stopped before this check"), as an
/// untouched starting file does, without building anything.
#[cfg(unix)]
fn cargo_whose_exercises_fail(root: &Path) -> PathBuf {
    cargo_building(root, "exit 0\n")
}

/// A `cargo` that "builds" every exercise into a shell program of `script`.
#[cfg(unix)]
fn cargo_building(root: &Path, script: &str) -> PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let exe = root.join("exercise-program");
    std::fs::write(&exe, format!("#!/bin/sh\n{script}")).unwrap();
    let cargo = root.join("fake-cargo");
    std::fs::write(
        &cargo,
        format!(
            "#!/bin/sh\nfor a; do [ \"$prev\" = --bin ] && bin=$a; prev=$a; done\n\
             printf '{{\"reason\":\"compiler-artifact\",\"target\":{{\"name\":\"%s\"}},\"executable\":\"%s\"}}\\n' \"$bin\" '{}'\n",
            exe.display()
        ),
    )
    .unwrap();
    for f in [&exe, &cargo] {
        std::fs::set_permissions(f, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    cargo
}

#[cfg(unix)]
#[test]
fn check_all_spends_a_hint_on_the_current_chapter_only() {
    // A participant at chapter 2 runs `check --all` to see where they stand: the
    // chapters ahead fail, as they must, and their hints stay unused.
    let root = workshop("all", &[]);
    let progress = root.join("exercises/.workshop-progress.toml");
    std::fs::write(&progress, "version = 1\ncurrent = 2\n").unwrap();
    let cargo = cargo_whose_exercises_fail(&root);
    let out = Command::new(env!("CARGO_BIN_EXE_workshop"))
        .env("CARGO", &cargo)
        .arg("--root")
        .arg(&root)
        .args(["check", "--all"])
        .output()
        .unwrap();
    let (stdout, stderr) = (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert_eq!(out.status.code(), Some(1), "{stdout}\n{stderr}");
    assert_eq!(stdout.matches(" checks: 0 of ").count(), 7, "{stdout}");
    for n in 1..=7 {
        assert_eq!(stdout.contains(&format!("Hint 1 of 3 for chapter {n}:")), n == 2, "chapter {n}:\n{stdout}");
    }
    assert!(
        stdout.contains("No hint for chapters 1, 3, 4, 5, 6 and 7: `check --all` shows the hint of the chapter you are at (chapter 2)"),
        "{stdout}"
    );
    let (_, list, _) = run(&root, &["list"]);
    for n in 1..=7 {
        let used = if n == 2 { "1/3" } else { "0/3" };
        let row = list.lines().find(|l| l.get(2..4).is_some_and(|c| c.trim() == n.to_string())).unwrap();
        assert!(row.ends_with(used), "chapter {n} should have {used} hints used:\n{list}");
    }
    // `check 3` asks for chapter 3 by name: its hint is shown, and counted.
    let out =
        Command::new(env!("CARGO_BIN_EXE_workshop")).env("CARGO", &cargo).arg("--root").arg(&root).args(["check", "3"]).output().unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains("Hint 1 of 3 for chapter 3:"));
    std::fs::remove_dir_all(&root).unwrap();
}

#[cfg(unix)]
#[test]
fn what_the_code_writes_to_stderr_is_shown_also_when_the_program_ends_well() {
    // A participant debugging with dbg! or eprintln! (both write to stderr) saw only
    // what println! wrote: stderr was shown only when the program failed.
    let root = workshop("stderr", &[]);
    let cargo = cargo_building(
        &root,
        "echo 'scanned at Delft'\n\
         echo '[exercises/src/bin/../../01_activities.rs:30:5] &order.amount = 20.0' >&2\n\
         exit 0\n",
    );
    let out =
        Command::new(env!("CARGO_BIN_EXE_workshop")).env("CARGO", &cargo).arg("--root").arg(&root).args(["check", "1"]).output().unwrap();
    let (stdout, stderr) = (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert_eq!(out.status.code(), Some(1), "{stdout}\n{stderr}");
    // dbg! names the participant's file as they know it, not as the binary includes it.
    assert!(
        stdout.contains("Your program printed:\n  | scanned at Delft\n  | [exercises/01_activities.rs:30:5] &order.amount = 20.0\n"),
        "{stdout}"
    );
    std::fs::remove_dir_all(&root).unwrap();
}

/// A Go participant's workshop: chapter 1 passed on their worker with two hints seen,
/// chapter 2 the current one, and the Go reference beside the exercises.
fn go_participant(name: &str) -> PathBuf {
    let root = workshop(name, &[]);
    std::fs::write(root.join("exercises/.workshop-progress.toml"), "version = 1\ncurrent = 2\n[chapters.1]\npassed = true\nhints = 2\n")
        .unwrap();
    std::fs::create_dir_all(root.join("cadence-dev/workshop")).unwrap();
    std::fs::write(root.join("cadence-dev/workshop/workshop.go"), "package workshop\n").unwrap();
    root
}

#[test]
fn a_go_participant_reads_their_own_track_in_list_hint_solution_and_reset() {
    // docs/workshop.md's Go track: `hint --go`, `check --go`. `list` then showed the
    // Rust track's files, `solution` its Rust file, and `reset` undid a chapter passed
    // on the worker for a Rust file it never reads.
    let root = go_participant("go-track");
    let (out, stdout, stderr) = run(&root, &["hint", "--go", "1"]);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stdout.contains("workflow.ExecuteActivity(ctx, validatePayment, order)") && !stdout.contains("ctx.execute_activity"),
        "{stdout}"
    );
    assert!(
        stderr.contains("you are on the Go track now: `workshop chapter`, `list`, `hint` and `solution` show it without --go"),
        "{stderr}"
    );

    let (out, stdout, stderr) = run(&root, &["list"]);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.is_empty(), "said once, at the change: {stderr}");
    assert!(!stdout.contains("exercises/") && !stdout.contains("file"), "{stdout}");
    assert!(
        stdout.starts_with("   #  chapter                   status   hints\n   1  Two activities            done     3/3\n"),
        "{stdout}"
    );
    assert!(stdout.contains(">  2  Failures and retries      current  0/3\n"), "{stdout}");
    assert!(stdout.contains("\n1 of 7 chapters done\n"), "{stdout}");
    assert!(stdout.contains("On the Go track: `workshop check --go` checks chapter 2 once your worker runs its code"), "{stdout}");

    // The chapter's texts end with where the code is on this track: the worker, not a file.
    let (out, stdout, stderr) = run(&root, &["chapter"]);
    assert!(out.status.success(), "{stderr}");
    let words = stdout.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(stdout.starts_with("Chapter 2 · Failures and retries\n") && words.contains("Why it matters in Cadence"), "{stdout}");
    assert!(words.contains("Your code: your Go worker, started with this chapter's code; `workshop check --go 2` checks it"), "{stdout}");
    assert!(!stdout.contains("exercises/") && !stdout.contains("tui --exercise"), "{stdout}");
    let (_, stdout, _) = run(&root, &["chapter", "7", "--rust"]);
    assert!(stdout.contains("Your file: exercises/07_notification.rs (the TODO(chapter 7) lines)"), "{stdout}");
    let (_, _, stderr) = run(&root, &["chapter", "--go"]);
    assert!(stderr.contains("you are on the Go track now"), "{stderr}");

    // Without --go, the hints' code is Go's now.
    let (_, stdout, _) = run(&root, &["hint", "1"]);
    assert!(stdout.contains("workflow.RegisterOptions{Name: \"OrderProcessingWorkflow\"}") && !stdout.contains("ctx."), "{stdout}");

    let (out, stdout, stderr) = run(&root, &["solution", "1"]);
    assert!(out.status.success(), "{stderr}");
    assert!(stdout.starts_with("Chapter 1 · Two activities on the Go track: the Go code of its hints"), "{stdout}");
    assert!(stdout.contains("workflow.ExecuteActivity(ctx, validatePayment, order)"), "{stdout}");
    assert!(!stdout.contains("exercises/solutions") && !stdout.contains("ctx.execute_activity"), "{stdout}");
    assert!(stdout.contains("The whole workflow in Go, every chapter in one file: cadence-dev/workshop/workshop.go"), "{stdout}");
    // Not passed yet: where to pass it, on this track.
    let (out, _, stderr) = run(&root, &["solution", "2"]);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("(`workshop check --go 2`, with your worker running its code)") && !stderr.contains("`workshop check 2`"),
        "{stderr}"
    );

    let (out, stdout, stderr) = run(&root, &["reset", "1"]);
    assert_eq!(out.status.code(), Some(1), "{stdout}{stderr}");
    assert!(stderr.contains("you are on the Go track, where your code is your Go worker's own"), "{stderr}");
    assert!(stderr.contains("counts chapter 1 as not passed again; to do that all the same: `workshop reset 1 --rust`"), "{stderr}");
    assert_eq!(std::fs::read_to_string(root.join("exercises/01_activities.rs")).unwrap(), "// the participant's\n");
    let (_, list, _) = run(&root, &["list"]);
    assert!(list.contains("\n1 of 7 chapters done\n"), "the reset undid the chapter:\n{list}");
    std::fs::remove_dir_all(&root).unwrap();
}

#[test]
fn check_go_puts_a_participant_on_the_go_track_even_when_the_server_is_down() {
    let root = go_participant("check-go");
    let (out, _, stderr) = run(&root, &["check", "--go", "--address", "http://127.0.0.1:9"]);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("you are on the Go track now"), "{stderr}");
    let (_, list, stderr) = run(&root, &["list"]);
    assert!(stderr.is_empty() && !list.contains("exercises/") && list.contains("checks chapter 2 once your worker"), "{list}{stderr}");
    // --rust on a command that shows things takes them back to the Rust track, and says so.
    let (_, list, stderr) = run(&root, &["list", "--rust"]);
    assert!(stderr.contains("you are on the Rust track now"), "{stderr}");
    assert!(list.contains("exercises/02_retries.rs") && !list.contains("On the Go track"), "{list}");
    std::fs::remove_dir_all(&root).unwrap();
}

#[cfg(unix)]
#[test]
fn a_check_on_the_rust_track_takes_a_go_participant_back_and_says_so() {
    let root = go_participant("back-to-rust");
    let cargo = cargo_whose_exercises_fail(&root);
    let workshop = |args: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_workshop")).env("CARGO", &cargo).arg("--root").arg(&root).args(args).output().unwrap();
        (out.status.code(), String::from_utf8_lossy(&out.stdout).into_owned(), String::from_utf8_lossy(&out.stderr).into_owned())
    };
    let (_, _, stderr) = workshop(&["list", "--go"]);
    assert!(stderr.contains("you are on the Go track now"), "{stderr}");
    // `workshop check` without --go checks the Rust file, as it always has: said, once.
    let (status, stdout, stderr) = workshop(&["check", "2"]);
    assert_eq!(status, Some(1), "{stdout}{stderr}");
    assert!(stderr.contains("you are on the Rust track now (your files in exercises/, checked on the simulator)"), "{stderr}");
    assert!(stderr.contains("`workshop check --go`, or --go, goes back to the Go track"), "{stderr}");
    let (_, _, stderr) = workshop(&["check", "2"]);
    assert!(stderr.is_empty(), "{stderr}");
    let (_, list, _) = workshop(&["list"]);
    assert!(list.contains("exercises/02_retries.rs") && !list.contains("On the Go track"), "{list}");
    // The reference solutions are nobody's track: checking them names none.
    let (_, _, stderr) = workshop(&["list", "--go"]);
    assert!(stderr.contains("Go track now"), "{stderr}");
    workshop(&["check", "1", "--solutions"]);
    let (_, list, _) = workshop(&["list"]);
    assert!(list.contains("On the Go track"), "{list}");
    std::fs::remove_dir_all(&root).unwrap();
}

#[cfg(unix)]
#[test]
fn watch_mode_says_it_is_the_rust_track_to_a_go_participant() {
    use std::io::Write as _;
    use std::process::Stdio;
    let root = go_participant("watch");
    std::fs::write(root.join("exercises/.workshop-progress.toml"), "version = 1\ncurrent = 2\ntrack = \"go\"\n").unwrap();
    let cargo = cargo_whose_exercises_fail(&root);
    let mut child = Command::new(env!("CARGO_BIN_EXE_workshop"))
        .env("CARGO", &cargo)
        .arg("--root")
        .arg(&root)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(b"q\n").unwrap();
    let out = child.wait_with_output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}");
    let note = stdout.find("You are on the Rust track now (your files in exercises/, checked on the simulator)").expect(&stdout);
    assert!(stdout.find("checks: 0 of 2 pass").unwrap() < note, "under the first screen:\n{stdout}");
    let (_, list, _) = run(&root, &["list"]);
    assert!(list.contains("exercises/02_retries.rs"), "{list}");
    std::fs::remove_dir_all(&root).unwrap();
}
