//! Builds the binary of one exercise (a participant's starting file, or a reference
//! solution) with cargo, so the programs that run a participant's code never link it:
//! a file that does not compile breaks only its own binary. `workshop` checks it,
//! `tui --exercise N` and `bridge worker --exercise N` hand over to it.

pub mod compiler;

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

/// What `hand_over` says of an exercise that does not compile: the compiler's words,
/// laid out for `width` (`usize::MAX`: as the compiler wrote them).
fn does_not_compile(chapter: u32, text: &str, width: usize) -> String {
    format!(
        "exercise {chapter} does not compile yet; the compiler says:\n\n{}\n\n`cargo run --bin workshop` checks it as you fix it",
        compiler::fit(text.trim_end(), width).trim_end()
    )
}

/// What `hand_over` says of an exercise that compiles with `warnings` (cargo's output),
/// before it hands over; `None` when the compiler warned of nothing. A program that takes
/// the whole screen (`full_screen`, the terminal app) would cover the warnings at once:
/// one line says there are some and where to read them, and it is still there when the
/// app ends. A program that writes lines (the worker, `tui --print`) gets the warnings
/// themselves, laid out for `width` (`usize::MAX`: as the compiler wrote them).
fn compiles_with_warnings(chapter: u32, warnings: &str, full_screen: bool, width: usize) -> Option<String> {
    if warnings.trim().is_empty() {
        return None;
    }
    if full_screen {
        let line = format!("the compiler warns; `cargo run --bin workshop -- check {chapter}` shows the warnings");
        return Some(compiler::fit(&line, width).trim_end().to_owned());
    }
    // A blank line parts them from what the program writes next.
    Some(format!("exercise {chapter} compiles, and the compiler warns:\n\n{}\n", compiler::fit(warnings.trim_end(), width).trim_end()))
}

/// The variable through which [`hand_over`] tells the terminal app what the compiler
/// warned of (one line, [`warning_in_the_app`]), so that the app shows it while it runs
/// (`postflow_tui::run::interactive`): the line before the app is covered at once.
pub const COMPILER_WARNS: &str = "POSTFLOW_EXERCISE_COMPILER_WARNS";

/// The compiler's `warnings` (cargo's output, colored or not) in one sentence for the
/// terminal app's message line: the first warning, where it is and its note (for a
/// forgotten `.await`, the SDK's words on what the code does instead), how many more,
/// and where to read them whole. `None` when the compiler warned of nothing.
pub fn warning_in_the_app(chapter: u32, warnings: &str) -> Option<String> {
    let text = without_colors(warnings);
    let lines: Vec<&str> = text.lines().collect();
    // Cargo's own count at the end ("`postflow-exercises` (bin …) generated 1 warning") is none of them.
    let starts: Vec<usize> =
        (0..lines.len()).filter(|&i| lines[i].starts_with("warning: ") && !lines[i].contains(") generated ")).collect();
    let &first = starts.first()?;
    let end = starts.get(1).copied().unwrap_or(lines.len());
    let what = short_paths(lines[first].trim_start_matches("warning: ").trim());
    let at = lines[first..end].iter().find_map(|l| l.trim_start().strip_prefix("--> ")).map(str::trim);
    // The first note that says something about the code (not which lint is on).
    let note =
        lines[first..end].iter().filter_map(|l| l.trim_start().strip_prefix("= note: ")).find(|n| !n.starts_with("`#[")).map(str::trim);
    let mut s = String::from("The compiler warns");
    if let Some(at) = at {
        s.push_str(&format!(", {at}"));
    }
    s.push_str(&format!(": {what}"));
    if let Some(note) = note {
        s.push_str(&format!(": {note}"));
    }
    match starts.len() - 1 {
        0 => {}
        1 => s.push_str(" (and 1 more warning)"),
        n => s.push_str(&format!(" (and {n} more warnings)")),
    }
    s.push_str(&format!(". `cargo run --bin workshop -- check {chapter}` shows the warnings."));
    Some(s)
}

/// `text` without its color codes.
pub(crate) fn without_colors(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut escape = false;
    for c in text.chars() {
        match c {
            '\x1b' => escape = true,
            c if escape => escape = !c.is_ascii_alphabetic(),
            c => out.push(c),
        }
    }
    out
}

/// A type named by its whole path in backticks (`postflow_core::sdk::future::ActivityFuture`)
/// by its name alone (`ActivityFuture`), as the participant's code names it.
fn short_paths(text: &str) -> String {
    let mut parts: Vec<String> = text.split('`').map(str::to_owned).collect();
    for part in parts.iter_mut().skip(1).step_by(2) {
        let segments: Vec<&str> = part.split("::").collect();
        let modules = segments.len().saturating_sub(1);
        if modules > 0
            && segments[..modules]
                .iter()
                .all(|m| !m.is_empty() && m.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'))
            && segments[modules].starts_with(|c: char| c.is_ascii_uppercase())
        {
            *part = segments[modules].to_owned();
        }
    }
    parts.join("`")
}

/// Whether the program `args` starts takes the whole screen: the terminal app, unless
/// it prints one screen as text (`--print`).
fn takes_the_screen(args: &[String]) -> bool {
    args.first().is_some_and(|a| a == "tui") && !args.iter().any(|a| a == "--print")
}

/// What `hand_over` says when cargo could not build for a reason other than the code:
/// cargo's words, laid out for `width` as the compiler's are.
fn could_not_build(e: &BuildError, width: usize) -> String {
    compiler::fit(&e.to_string(), width).trim_end().to_owned()
}

/// The columns of the terminal stderr writes to; `None` when it is not a terminal (a
/// pipe or a file gets whole lines). Asked of `stty size` on that terminal: this crate
/// stays without a terminal library.
fn stderr_width() -> Option<usize> {
    if !std::io::IsTerminal::is_terminal(&std::io::stderr()) {
        return None;
    }
    #[cfg(unix)]
    {
        use std::os::fd::AsFd;
        let tty = std::io::stderr().as_fd().try_clone_to_owned().ok()?;
        let out = Command::new("stty").arg("size").stdin(Stdio::from(tty)).stderr(Stdio::null()).output().ok()?;
        let columns: usize = String::from_utf8_lossy(&out.stdout).split_whitespace().nth(1)?.parse().ok()?;
        // As the workshop: a terminal said to be 0 columns wide is one that did not say.
        (columns > 0).then_some(columns.max(40))
    }
    #[cfg(not(unix))]
    None
}

/// The line said while exercise `chapter` builds, within `width` columns: the command
/// it runs is longer than the rest of an 80-column line.
fn building(chapter: u32, width: usize) -> String {
    let line = format!("building exercise {chapter} (cargo build -p postflow-exercises --features drivers --bin exercise-{chapter})…");
    compiler::fit(&line, width).trim_end().to_owned()
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
    let width = || stderr_width().unwrap_or(usize::MAX);
    eprintln!("{}", building(chapter, width()));
    let built = match build(&root, &format!("exercise-{chapter}"), true, color) {
        Ok(b) => b,
        Err(BuildError::Compile(text)) => return does_not_compile(chapter, &text, width()),
        Err(e) => return could_not_build(&e, width()),
    };
    // A forgotten `.await` compiles: the compiler's warning is the participant's only clue.
    if let Some(told) = compiles_with_warnings(chapter, &built.warnings, takes_the_screen(args), width()) {
        eprintln!("{told}");
    }
    let mut cmd = Command::new(&built.exe);
    cmd.args(args);
    // The line above is covered by the app at once: the app shows the warning itself.
    match warning_in_the_app(chapter, &built.warnings).filter(|_| takes_the_screen(args)) {
        Some(w) => cmd.env(COMPILER_WARNS, w),
        None => cmd.env_remove(COMPILER_WARNS),
    };
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

#[cfg(test)]
mod tests {
    use super::{BuildError, compiles_with_warnings, could_not_build, does_not_compile, takes_the_screen, warning_in_the_app};

    const MESSAGE: &str = "error[E0277]: the arguments of an activity or a workflow are a tuple, not one value\n   --> \
                           exercises/01_activities.rs:35:72\nerror: could not compile `postflow-exercises` (bin \"exercise-1\") due \
                           to 1 previous error\n";

    #[test]
    fn a_file_that_does_not_compile_is_told_at_the_terminals_width_and_whole_into_a_pipe() {
        let told = does_not_compile(1, MESSAGE, 80);
        assert!(told.lines().all(|l| l.chars().count() <= 80), "{told}");
        assert!(
            told.contains("\n\nerror[E0277]: the arguments of an activity or a workflow are a tuple, not one\n              value\n"),
            "{told}"
        );
        assert!(told.starts_with("exercise 1 does not compile yet; the compiler says:\n\n"), "{told}");
        assert!(told.ends_with("previous error\n\n`cargo run --bin workshop` checks it as you fix it"), "{told}");
        let piped = does_not_compile(1, MESSAGE, usize::MAX);
        assert!(piped.contains(MESSAGE.trim_end()), "{piped}");
    }

    /// What rustc wrote for an activity whose `.await` was forgotten (a wide terminal).
    const FORGOTTEN_AWAIT: &str = "warning: unused `postflow_core::sdk::future::ActivityFuture` that must be used\n  --> \
                                   exercises/01_activities.rs:35:5\n   |\n35 |     ctx.execute_activity::<String>(&activity_options(), \
                                   \"shipProduct\", (&order,))\n   |     \
                                   ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^\n   |\n   = note: the \
                                   workflow code goes on without waiting for the activity: `.await` its result\n";

    #[test]
    fn a_warning_is_one_line_before_the_terminal_app_and_whole_before_a_worker() {
        // The terminal app covers the screen: one line, naming where the warnings are.
        let app = ["tui".to_owned()];
        assert!(takes_the_screen(&app));
        let told = compiles_with_warnings(1, FORGOTTEN_AWAIT, takes_the_screen(&app), 80).expect("the compiler warned");
        assert_eq!(told, "the compiler warns; `cargo run --bin workshop -- check 1` shows the warnings");
        // Lines written one after another (the worker, `tui --print`): the warnings
        // themselves, laid out for the terminal, or whole into a pipe.
        let worker = ["worker".to_owned(), "--address".to_owned(), "http://127.0.0.1:7933".to_owned()];
        let print = ["tui".to_owned(), "--print".to_owned()];
        assert!(!takes_the_screen(&worker) && !takes_the_screen(&print));
        let told = compiles_with_warnings(1, FORGOTTEN_AWAIT, false, 80).expect("the compiler warned");
        assert!(told.starts_with("exercise 1 compiles, and the compiler warns:\n\nwarning: unused"), "{told}");
        assert!(told.lines().all(|l| l.chars().count() <= 80), "{told}");
        assert!(
            told.contains("   = note: the workflow code goes on without waiting for the activity: `.await`\n           its result\n"),
            "{told}"
        );
        let piped = compiles_with_warnings(1, FORGOTTEN_AWAIT, false, usize::MAX).expect("the compiler warned");
        assert!(piped.contains(FORGOTTEN_AWAIT.trim_end()), "{piped}");
        // No warnings, nothing said.
        assert_eq!(compiles_with_warnings(1, "", true, 80), None);
        assert_eq!(compiles_with_warnings(1, "\n", false, 80), None);
    }

    #[test]
    fn the_building_line_fits_the_terminal_and_names_the_whole_command() {
        let said = super::building(1, 80);
        assert!(said.lines().all(|l| l.chars().count() <= 80), "{said}");
        assert!(said.lines().count() == 2, "{said}");
        let words = said.split_whitespace().collect::<Vec<_>>().join(" ");
        assert_eq!(words, "building exercise 1 (cargo build -p postflow-exercises --features drivers --bin exercise-1)…");
        // Into a pipe (no width), one line.
        assert_eq!(super::building(7, usize::MAX).lines().count(), 1);
    }

    #[test]
    fn the_terminal_app_is_told_the_first_warning_where_it_is_and_what_it_means() {
        // The app covers the line printed before it: it shows this one while it runs.
        let told = warning_in_the_app(1, FORGOTTEN_AWAIT).expect("the compiler warned");
        assert_eq!(
            told,
            "The compiler warns, exercises/01_activities.rs:35:5: unused `ActivityFuture` that must be used: the workflow \
             code goes on without waiting for the activity: `.await` its result. `cargo run --bin workshop -- check 1` shows \
             the warnings."
        );
        // As cargo writes it to a terminal: in color, with the lint's own note and its
        // count after it, and a second warning.
        let colored = format!(
            "\x1b[0m\x1b[1m\x1b[33mwarning\x1b[0m\x1b[1m: unused variable: `scan`\x1b[0m\n  \x1b[1m\x1b[94m--> \x1b[0mexercises/04_loop.rs:40:9\n   \
             |\n   = note: `#[warn(unused_variables)]` on by default\n{}\x1b[1m\x1b[33mwarning\x1b[0m: `postflow-exercises` (bin \
             \"exercise-4\") generated 2 warnings\n",
            FORGOTTEN_AWAIT
        );
        let told = warning_in_the_app(4, &colored).expect("the compiler warned");
        assert_eq!(
            told,
            "The compiler warns, exercises/04_loop.rs:40:9: unused variable: `scan` (and 1 more warning). `cargo run --bin \
             workshop -- check 4` shows the warnings."
        );
        assert_eq!(warning_in_the_app(1, ""), None);
        assert_eq!(warning_in_the_app(1, "warning: `postflow-exercises` (bin \"exercise-1\") generated 0 warnings\n"), None);
    }

    #[test]
    fn cargos_own_failure_is_laid_out_at_the_terminals_width_and_whole_into_a_pipe() {
        let cargo = "error: failed to load manifest for workspace member `/home/participant/postflow/exercises`\nreferenced by \
                     workspace at `/home/participant/postflow/Cargo.toml`\n";
        let e = BuildError::Other(format!("cargo build --bin exercise-1 failed: {cargo}"));
        let told = could_not_build(&e, 80);
        assert!(told.lines().all(|l| l.chars().count() <= 80), "{told}");
        assert_eq!(
            told,
            "cargo build --bin exercise-1 failed: error: failed to load manifest for\n  workspace member \
             `/home/participant/postflow/exercises`\nreferenced by workspace at `/home/participant/postflow/Cargo.toml`"
        );
        assert_eq!(could_not_build(&e, usize::MAX), e.to_string());
    }
}
