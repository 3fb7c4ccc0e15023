//! Checks a Rust-track exercise: builds the chapter's own binary with cargo
//! (`postflow_exercise_launch`: a file that does not compile breaks only its own
//! binary, never this program), runs its
//! checks on the simulator in that binary, and judges each run against the reference
//! solution with core's checks.

use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use postflow_core::workshop::ChapterGuide;
use postflow_core::workshop::checks::{self, Check, CheckReport};
use postflow_exercise_launch::BuildError;

use crate::layout::Layout;

/// The longest an exercise binary may run: its own watchdog ends a blocked decision
/// task within a second or two, so this only catches the unforeseen.
const RUN_LIMIT: Duration = Duration::from_secs(120);

/// Whose code is checked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Code {
    /// The participant's starting file of the chapter.
    Exercise,
    /// The reference solution of the chapter.
    Solution,
}

pub enum Outcome {
    /// The participant's file is gone.
    Missing(PathBuf),
    /// It does not compile: the compiler's own words.
    CompileError(String),
    /// The checks ran. `printed` is what the code wrote itself (stdout, then stderr); `warnings`
    /// what the compiler said about a file that compiled.
    Checked { reports: Vec<CheckReport>, printed: Vec<String>, warnings: String },
    /// Something outside the participant's code failed (cargo, the binary).
    Failed(String),
}

impl Outcome {
    pub fn passed(&self) -> bool {
        matches!(self, Outcome::Checked { reports, .. } if reports.iter().all(|r| r.passed))
    }

    /// The checks ran and one failed: the result shows the hint reached.
    pub fn checks_failed(&self) -> bool {
        matches!(self, Outcome::Checked { reports, .. } if reports.iter().any(|r| !r.passed))
    }
}

/// Builds and checks chapter `g` with `code`.
pub fn check(layout: &Layout, g: &ChapterGuide, code: Code, color: bool) -> Outcome {
    let (bin, file) = match code {
        Code::Exercise => (format!("exercise-{}", g.number), layout.exercise(g)),
        Code::Solution => (format!("solution-{}", g.number), layout.solution(g.number)),
    };
    if !file.is_file() {
        return Outcome::Missing(file);
    }
    let (exe, warnings) = match postflow_exercise_launch::build(&layout.root, &bin, false, color) {
        Ok(built) => (built.exe, built.warnings),
        Err(BuildError::Compile(out)) => return Outcome::CompileError(out),
        Err(BuildError::Other(why)) => return Outcome::Failed(why),
    };
    match run(&exe, g) {
        Ok(postflow_exercises::Output { runs, printed }) => {
            let reports = Check::of(g.chapter)
                .map(|c| match runs.iter().find(|(name, _)| name == c.name) {
                    Some((_, run)) => checks::evaluate(c, run, Duration::from_secs(60), checks::Track::Rust),
                    None => CheckReport {
                        label: c.label(),
                        name: c.name.into(),
                        expectation: c.expectation.into(),
                        passed: false,
                        message: Some("the exercise program stopped before this check (see its output above)".into()),
                        difference: None,
                    },
                })
                .collect();
            Outcome::Checked { reports, printed, warnings }
        }
        Err(why) => Outcome::Failed(why),
    }
}

/// Runs `exe check --chapter N`; the runs it printed, by check name, and its other output.
fn run(exe: &Path, g: &ChapterGuide) -> Result<postflow_exercises::Output, String> {
    let mut child = Command::new(exe)
        .args(["check", "--chapter", &g.number.to_string()])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run {}: {e}", exe.display()))?;
    let stdout = child.stdout.take().ok_or("no output")?;
    let mut stderr = child.stderr.take().ok_or("no output")?;
    let reader = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = BufReader::new(stdout).read_to_string(&mut s);
        s
    });
    let errors = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = stderr.read_to_string(&mut s);
        s
    });
    let started = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if started.elapsed() > RUN_LIMIT => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!("the exercise program ran for more than {}s and was stopped", RUN_LIMIT.as_secs()));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(20)),
            Err(e) => return Err(e.to_string()),
        }
    };
    let output = reader.join().unwrap_or_default();
    // What the code wrote to stderr is shown whether the program ended well or not:
    // `dbg!` and `eprintln!` write there, and a participant debugging with them saw
    // nothing. `dbg!` names the file as the binary includes it; the participant knows
    // it as exercises/NN_name.rs, as the compiler's messages name it.
    let stderr = errors.join().unwrap_or_default().replace("exercises/src/bin/../../", "exercises/");
    let postflow_exercises::Output { runs, mut printed } = postflow_exercises::read_runs(&output)?;
    printed.extend(stderr.lines().map(str::to_owned));
    if !status.success() {
        printed.push(format!("(the exercise program ended with {status})"));
    }
    Ok(postflow_exercises::Output { runs, printed })
}
