//! Where the workshop's files are: the checkout, its `exercises/` folder, each
//! chapter's starting file (the participant's), the reference solutions and the
//! progress file.

use std::path::{Path, PathBuf};

use postflow_core::workshop::{ChapterGuide, GUIDES};

/// The file stem of each chapter's exercise, in workshop order (1 to 7); the
/// solution of "chapter 0" is where the workshop begins.
const STEMS: [&str; 8] =
    ["00_begin", "01_activities", "02_retries", "03_scan_once", "04_loop", "05_delivered", "06_query", "07_notification"];

#[derive(Clone, Debug)]
pub struct Layout {
    pub root: PathBuf,
}

impl Layout {
    /// The checkout this binary was built from, unless `--root` or
    /// `POSTFLOW_WORKSHOP_ROOT` names another.
    pub fn find(root: Option<PathBuf>) -> Result<Layout, String> {
        let root = root.unwrap_or_else(postflow_exercise_launch::root);
        let root = root.canonicalize().map_err(|e| format!("{}: {e}", root.display()))?;
        let layout = Layout { root };
        if !layout.exercises().join("Cargo.toml").is_file() {
            return Err(format!(
                "{} has no exercises/Cargo.toml: run the workshop in a postflow checkout (or give --root)",
                layout.root.display()
            ));
        }
        Ok(layout)
    }

    pub fn exercises(&self) -> PathBuf {
        self.root.join("exercises")
    }

    /// The participant's file of a chapter (1 to 7).
    pub fn exercise(&self, g: &ChapterGuide) -> PathBuf {
        self.exercises().join(format!("{}.rs", STEMS[usize::from(g.number)]))
    }

    /// The reference solution of chapter `n` (0 to 7).
    pub fn solution(&self, n: u8) -> PathBuf {
        self.exercises().join("solutions").join(format!("{}.rs", STEMS[usize::from(n)]))
    }

    /// The starting file as it was handed out: the previous chapter's solution, byte
    /// for byte.
    pub fn pristine(&self, g: &ChapterGuide) -> PathBuf {
        self.solution(g.number - 1)
    }

    /// The file's path as the participant sees it, relative to the checkout.
    pub fn show(&self, p: &Path) -> String {
        p.strip_prefix(&self.root).unwrap_or(p).display().to_string()
    }

    pub fn state_file(&self) -> PathBuf {
        self.exercises().join(".workshop-progress.toml")
    }

    /// Where `reset` keeps the file it replaces.
    pub fn backups(&self) -> PathBuf {
        self.exercises().join(".backup")
    }
}

/// Every chapter, in order.
pub fn chapters() -> impl Iterator<Item = &'static ChapterGuide> {
    GUIDES.iter()
}
