//! Proof that the checks catch what they are for, on the real exercise code path
//! (each case runs in its own process, as an exercise binary does, so a mistake that
//! blocks its thread is caught by the watchdog and ends only that process):
//!
//! - every reference solution passes its chapter's checks;
//! - every untouched starting file (the previous chapter's solution) fails them;
//! - every typical mistake of `mistakes.toml` is caught with its own message.

use std::process::{Command, ExitCode};
use std::time::Duration;

use postflow_core::workshop::ChapterGuide;
use postflow_core::workshop::checks::{Check, CheckReport, Track, evaluate};
use postflow_exercises::Worker;

pub struct Mistake {
    chapter: u8,
    name: &'static str,
    message: &'static str,
    /// A line the exercise program prints beside its runs, if one is expected.
    printed: Option<&'static str>,
    /// What the first difference of the check that names it says, if that matters.
    difference: Option<&'static str>,
    register: fn(&mut Worker),
}

include!(concat!(env!("OUT_DIR"), "/mistakes.rs"));

macro_rules! solutions {
    ($($m:ident = $path:literal),+) => {
        $(#[allow(unused)] #[path = $path] mod $m;)+
        const SOLUTIONS: &[fn(&mut Worker)] = &[$($m::register_workflow),+];
    };
}

solutions!(
    s0 = "../solutions/00_begin.rs",
    s1 = "../solutions/01_activities.rs",
    s2 = "../solutions/02_retries.rs",
    s3 = "../solutions/03_scan_once.rs",
    s4 = "../solutions/04_loop.rs",
    s5 = "../solutions/05_delivered.rs",
    s6 = "../solutions/06_query.rs",
    s7 = "../solutions/07_notification.rs"
);

fn guide(n: u8) -> &'static ChapterGuide {
    ChapterGuide::number(n).expect("chapters 1 to 7")
}

/// Plays chapter `chapter`'s checks on `code` in a child process and judges them.
fn judge(code: &[&str], chapter: u8) -> Vec<CheckReport> {
    judge_printed(code, chapter).0
}

/// [`judge`], with the lines the child printed beside its runs.
fn judge_printed(code: &[&str], chapter: u8) -> (Vec<CheckReport>, Vec<String>) {
    let out = Command::new(std::env::current_exe().expect("own path"))
        .args(["--run"])
        .args(code)
        .arg(chapter.to_string())
        .output()
        .expect("run a child");
    let text = String::from_utf8_lossy(&out.stdout);
    let output = postflow_exercises::read_runs(&text).expect("readable runs");
    let g = guide(chapter);
    let reports = Check::of(g.chapter)
        .filter_map(|c| output.runs.iter().find(|(n, _)| n == c.name).map(|(_, r)| evaluate(c, r, Duration::from_secs(60), Track::Rust)))
        .collect();
    (reports, output.printed)
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    // A child: `--run solution N CHAPTER` or `--run mistake NAME CHAPTER`.
    if let Some(i) = args.iter().position(|a| a == "--run") {
        let (kind, which, chapter) = (&args[i + 1], &args[i + 2], args[i + 3].parse::<u8>().expect("chapter"));
        let register = match kind.as_str() {
            "solution" => SOLUTIONS[which.parse::<usize>().expect("solution number")],
            _ => MISTAKES.iter().find(|m| m.name == which).expect("a known mistake").register,
        };
        return postflow_exercises::check(guide(chapter).chapter, register);
    }
    let mut failures = Vec::new();
    let mut passed = 0;
    let mut verdict = |name: String, ok: Result<(), String>| match ok {
        Ok(()) => {
            println!("test {name} ... ok");
            passed += 1;
        }
        Err(why) => {
            println!("test {name} ... FAILED\n{why}");
            failures.push(name);
        }
    };
    // Each chapter's solution is byte for byte the next chapter's starting file, so a
    // learner can join at any chapter (and `workshop reset` restores from it).
    const STEMS: [&str; 8] =
        ["00_begin", "01_activities", "02_retries", "03_scan_once", "04_loop", "05_delivered", "06_query", "07_notification"];
    let dir = env!("CARGO_MANIFEST_DIR");
    for n in 1..=7usize {
        let start = std::fs::read(format!("{dir}/{}.rs", STEMS[n])).unwrap_or_default();
        let before = std::fs::read(format!("{dir}/solutions/{}.rs", STEMS[n - 1])).unwrap_or_default();
        verdict(
            format!("starting_file_{n}_is_solution_{}_byte_for_byte", n - 1),
            if !start.is_empty() && start == before {
                Ok(())
            } else {
                Err(format!(
                    "exercises/{}.rs is not solutions/{}.rs byte for byte (while you do the workshop that is your work; \
                     `workshop reset {n}` restores the starting file)",
                    STEMS[n],
                    STEMS[n - 1]
                ))
            },
        );
    }
    for n in 1..=7u8 {
        let reports = judge(&["solution", &n.to_string()], n);
        let all = reports.len() == Check::of(guide(n).chapter).count() && reports.iter().all(|r| r.passed);
        let text: String = reports.iter().map(|r| r.render(usize::MAX)).collect();
        verdict(format!("solution_{n}_passes_its_checks"), if all { Ok(()) } else { Err(text) });

        let reports = judge(&["solution", &(n - 1).to_string()], n);
        let failed: Vec<&CheckReport> = reports.iter().filter(|r| !r.passed).collect();
        let explained = !failed.is_empty() && failed.iter().all(|r| r.message.is_some() || r.difference.is_some());
        verdict(
            format!("untouched_start_of_chapter_{n}_fails_with_a_reason"),
            if explained { Ok(()) } else { Err(format!("{} checks failed, all explained: {explained}", failed.len())) },
        );
    }
    for m in MISTAKES {
        let (reports, printed) = judge_printed(&["mistake", m.name], m.chapter);
        let named = reports.iter().find(|r| !r.passed && r.message.as_deref().is_some_and(|t| t.contains(m.message)));
        let text: String = reports.iter().map(|r| r.render(usize::MAX)).collect();
        // `MISTAKES_SHOW=<part of a name>` prints what the workshop says to those mistakes.
        if std::env::var("MISTAKES_SHOW").is_ok_and(|show| m.name.contains(&show)) {
            println!("--- {}\n{}{text}", m.name, printed.iter().map(|l| format!("  | {l}\n")).collect::<String>());
        }
        let difference = named.and_then(|r| r.difference.as_ref()).map(|d| d.explanation.as_str()).unwrap_or_default();
        let ok = match (named, m.difference, m.printed) {
            (None, ..) => Err(format!("expected a failed check saying {:?}, got:\n{text}", m.message)),
            (Some(_), Some(want), _) if !difference.contains(want) => {
                Err(format!("expected its first difference to say {want:?}, got {difference:?}:\n{text}"))
            }
            (Some(_), _, Some(want)) if !printed.iter().any(|l| l.contains(want)) => {
                Err(format!("expected the exercise program to print {want:?}, it printed {printed:?}"))
            }
            _ => Ok(()),
        };
        verdict(format!("mistake_{}_{}_is_named", m.chapter, m.name.replace('-', "_")), ok);
    }
    let per_chapter = (1..=7u8).all(|n| MISTAKES.iter().filter(|m| m.chapter == n).count() >= 2);
    verdict("every_chapter_has_two_typical_mistakes".into(), if per_chapter { Ok(()) } else { Err("a chapter has fewer than two".into()) });
    println!("\ntest result: {}. {passed} passed; {} failed", if failures.is_empty() { "ok" } else { "FAILED" }, failures.len());
    if failures.is_empty() { ExitCode::SUCCESS } else { ExitCode::FAILURE }
}
