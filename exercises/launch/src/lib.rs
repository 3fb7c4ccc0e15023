//! Builds the binary of one exercise (a participant's starting file, or a reference
//! solution) with cargo, so the programs that run a participant's code never link it:
//! a file that does not compile breaks only its own binary. `workshop` checks it,
//! `tui --exercise N` and `bridge worker --exercise N` hand over to it.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The checkout this was built from, unless `POSTFLOW_WORKSHOP_ROOT` names another.
pub fn root() -> PathBuf {
    std::env::var_os("POSTFLOW_WORKSHOP_ROOT").map(PathBuf::from).unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../.."))
}

/// A built exercise binary, and what the compiler said about it.
pub struct Built {
    pub exe: PathBuf,
    pub warnings: String,
}

pub enum BuildError {
    /// The code does not compile: the compiler's own words.
    Compile(String),
    /// Cargo itself could not run or said something else.
    Other(String),
}

impl std::fmt::Display for BuildError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            BuildError::Compile(text) | BuildError::Other(text) => f.write_str(text.trim_end()),
        }
    }
}

/// `cargo build` of one binary of the exercises package (`exercise-3`,
/// `solution-7`); with `drivers`, the terminal app and the worker are built in too.
pub fn build(root: &Path, bin: &str, drivers: bool, color: bool) -> Result<Built, BuildError> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut cmd = Command::new(&cargo);
    cmd.current_dir(root).args(["build", "--quiet", "--message-format=json-render-diagnostics", "-p", "postflow-exercises", "--bin", bin]);
    if drivers {
        cmd.args(["--features", "drivers"]);
    }
    let out = cmd
        .arg(if color { "--color=always" } else { "--color=never" })
        .stdin(Stdio::null())
        .output()
        .map_err(|e| BuildError::Other(format!("cannot run cargo ({}): {e}", Path::new(&cargo).display())))?;
    // The compiler names a file by the path its binary includes it by
    // (exercises/src/bin/../../01_activities.rs); the participant knows it as
    // exercises/01_activities.rs.
    let stderr = String::from_utf8_lossy(&out.stderr).replace("exercises/src/bin/../../", "exercises/");
    if !out.status.success() {
        // Cargo's own last word on code that does not compile (colours cannot split it).
        return Err(if stderr.contains("could not compile") {
            BuildError::Compile(stderr)
        } else {
            BuildError::Other(format!("cargo build --bin {bin} failed: {stderr}"))
        });
    }
    let exe = String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter(|v| v["reason"] == "compiler-artifact" && v["target"]["name"] == bin)
        .find_map(|v| v["executable"].as_str().map(PathBuf::from))
        .ok_or_else(|| BuildError::Other(format!("cargo built {bin} but did not say where")))?;
    Ok(Built { exe, warnings: stderr })
}

/// Builds exercise `chapter` with the drivers and hands this process over to it with
/// `args` (`tui ...`, `worker ...`). Returns only if that cannot be done, with why.
pub fn hand_over(chapter: u32, args: &[String]) -> String {
    if !(1..=7).contains(&chapter) {
        return format!("there is no exercise {chapter}: the workshop has chapters 1 to 7");
    }
    let root = root();
    let color = std::io::IsTerminal::is_terminal(&std::io::stderr());
    // Cargo builds quietly (its output is read for the binary's path), and a first build
    // takes a while: without this line the terminal stayed blank, as if nothing ran.
    eprintln!("building exercise {chapter} (cargo build -p postflow-exercises --bin exercise-{chapter})…");
    let built = match build(&root, &format!("exercise-{chapter}"), true, color) {
        Ok(b) => b,
        Err(BuildError::Compile(text)) => {
            return format!(
                "exercise {chapter} does not compile yet; the compiler says:\n\n{}\n\n`cargo run --bin workshop` checks it as you \
                 fix it",
                text.trim_end()
            );
        }
        Err(e) => return e.to_string(),
    };
    let mut cmd = Command::new(&built.exe);
    cmd.args(args);
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        let e = cmd.exec();
        format!("cannot run {}: {e}", built.exe.display())
    }
    #[cfg(not(unix))]
    match cmd.status() {
        Ok(s) => std::process::exit(s.code().unwrap_or(1)),
        Err(e) => format!("cannot run {}: {e}", built.exe.display()),
    }
}
