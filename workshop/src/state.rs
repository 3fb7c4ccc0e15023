//! Progress, kept in `exercises/.workshop-progress.toml` so it survives restarts:
//! the current chapter, which chapters passed, how many hints were shown.
//!
//! Progress is never lost to an error: a file that cannot be read is kept aside
//! untouched (and named in the message), a file from a newer workshop is left alone,
//! and an older or hand-edited one is read for what it still says. Writes go to a
//! temporary file first, then replace the old one in one rename.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// The version this workshop writes.
pub const VERSION: u32 = 1;

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Progress {
    pub version: u32,
    /// The chapter the participant works on (1 to 7).
    pub current: u8,
    /// Per chapter ("1" to "7").
    #[serde(default)]
    pub chapters: BTreeMap<String, ChapterProgress>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChapterProgress {
    #[serde(default)]
    pub passed: bool,
    /// How many of the chapter's hints were shown.
    #[serde(default)]
    pub hints: u8,
}

/// The progress file and what reading it said.
pub struct State {
    path: PathBuf,
    pub progress: Progress,
    /// Set when the file must not be written (it comes from a newer workshop).
    read_only: bool,
    /// What the user should know about the file, once.
    pub notice: Option<String>,
}

impl Progress {
    fn fresh() -> Progress {
        Progress { version: VERSION, current: 1, chapters: BTreeMap::new() }
    }

    pub fn chapter(&self, n: u8) -> ChapterProgress {
        self.chapters.get(&n.to_string()).cloned().unwrap_or_default()
    }

    pub fn chapter_mut(&mut self, n: u8) -> &mut ChapterProgress {
        self.chapters.entry(n.to_string()).or_default()
    }
}

impl State {
    /// Reads the progress file; a missing one is a fresh start.
    pub fn load(path: &Path) -> State {
        let mut state = State { path: path.to_owned(), progress: Progress::fresh(), read_only: false, notice: None };
        let text = match std::fs::read(path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return state,
            Err(e) => {
                state.read_only = true;
                state.notice = Some(format!("cannot read the progress file {}: {e}; progress is not saved this time", path.display()));
                return state;
            }
            Ok(bytes) => bytes,
        };
        let text = String::from_utf8_lossy(&text);
        match toml::from_str::<toml::Value>(&text) {
            Err(e) => {
                let kept = state.keep_aside("unreadable");
                state.notice = Some(format!(
                    "the progress file {} is not valid TOML ({}); it is kept as {} and a new one is started: \
                     `workshop check --all` records every chapter that passes again",
                    path.display(),
                    e.message().trim(),
                    kept
                ));
            }
            Ok(v) => state.read_value(&v),
        }
        state
    }

    fn read_value(&mut self, v: &toml::Value) {
        let version = v.get("version").and_then(toml::Value::as_integer);
        match version {
            Some(n) if n == i64::from(VERSION) => match v.clone().try_into::<Progress>() {
                Ok(p) if (1..=7).contains(&p.current) => self.progress = p,
                Ok(p) => {
                    self.progress = Progress { current: 1, ..p };
                    self.notice =
                        Some(format!("the progress file names chapter {}, which does not exist; back to chapter 1", v["current"]));
                }
                Err(e) => {
                    let kept = self.keep_aside("unreadable");
                    self.progress = lenient(v);
                    self.notice = Some(format!(
                        "the progress file does not fit this workshop ({}); kept as {}, and what could be read of it is used",
                        e.message().trim(),
                        kept
                    ));
                }
            },
            Some(n) if n > i64::from(VERSION) => {
                self.read_only = true;
                self.progress = lenient(v);
                self.notice = Some(format!(
                    "the progress file {} was written by a newer workshop (version {n}); it is left as it is and progress \
                     is not saved by this one: update postflow",
                    self.path.display()
                ));
            }
            _ => {
                let kept = self.keep_aside("old");
                self.progress = lenient(v);
                self.notice = Some(format!(
                    "the progress file {} is from an older workshop; it is kept as {} and its progress carried over",
                    self.path.display(),
                    kept
                ));
            }
        }
    }

    /// Copies the file aside, so nothing the participant had is lost.
    fn keep_aside(&self, why: &str) -> String {
        let mut aside = self.path.clone().into_os_string();
        aside.push(format!(".{why}"));
        let aside = PathBuf::from(aside);
        match std::fs::copy(&self.path, &aside) {
            Ok(_) => aside.display().to_string(),
            Err(e) => format!("(could not copy it: {e})"),
        }
    }

    /// Records a change: the file is read again first and the change made to what it
    /// says now, so that another `workshop` (watch mode in one terminal, `workshop
    /// hint` or `check` in another) does not lose what this one did not see.
    pub fn update(&mut self, change: impl FnOnce(&mut Progress)) -> Result<(), String> {
        self.refresh();
        change(&mut self.progress);
        self.save()
    }

    /// Takes what the file says now, when it says it in this workshop's form; else
    /// (gone, damaged, another version) what this one holds stays as it is.
    pub fn refresh(&mut self) {
        if self.read_only {
            return;
        }
        let Ok(text) = std::fs::read_to_string(&self.path) else { return };
        let Ok(v) = toml::from_str::<toml::Value>(&text) else { return };
        if v.get("version").and_then(toml::Value::as_integer) != Some(i64::from(VERSION)) {
            return;
        }
        if let Ok(p) = v.try_into::<Progress>() {
            if (1..=7).contains(&p.current) {
                self.progress = p;
            }
        }
    }

    /// Writes the progress; a failure is reported, never fatal.
    fn save(&self) -> Result<(), String> {
        if self.read_only {
            return Ok(());
        }
        let body = toml::to_string(&self.progress).map_err(|e| e.to_string())?;
        let text = format!("# The workshop's progress, written by `workshop` (see docs/workshop.md).\n{body}");
        let tmp = self.path.with_extension("toml.tmp");
        std::fs::write(&tmp, text)
            .and_then(|()| std::fs::rename(&tmp, &self.path))
            .map_err(|e| format!("cannot save progress to {}: {e}", self.path.display()))
    }
}

/// What an old or unexpected file still says: a current chapter and passed chapters,
/// in the few shapes a person might write them.
fn lenient(v: &toml::Value) -> Progress {
    let mut p = Progress::fresh();
    if let Some(c) = v.get("current").and_then(toml::Value::as_integer).filter(|c| (1..=7).contains(c)) {
        p.current = c as u8;
    }
    if let Some(done) = v.get("passed").or_else(|| v.get("done")).and_then(toml::Value::as_array) {
        for n in done.iter().filter_map(toml::Value::as_integer).filter(|n| (1..=7).contains(n)) {
            p.chapter_mut(n as u8).passed = true;
        }
    }
    if let Some(chapters) = v.get("chapters").and_then(toml::Value::as_table) {
        for (k, c) in chapters {
            let Ok(n) = k.parse::<u8>() else { continue };
            if !(1..=7).contains(&n) {
                continue;
            }
            let e = p.chapter_mut(n);
            e.passed = c.get("passed").and_then(toml::Value::as_bool).unwrap_or(false);
            e.hints = c.get("hints").and_then(toml::Value::as_integer).unwrap_or(0).clamp(0, 9) as u8;
        }
    }
    p
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dir() -> PathBuf {
        let d = std::env::temp_dir().join(format!("workshop-state-{}-{:?}", std::process::id(), std::thread::current().id()));
        std::fs::create_dir_all(&d).unwrap();
        d
    }

    #[test]
    fn progress_survives_a_restart() {
        let path = dir().join("p.toml");
        let _ = std::fs::remove_file(&path);
        let mut s = State::load(&path);
        assert_eq!(s.progress.current, 1);
        s.update(|p| {
            p.current = 4;
            p.chapter_mut(3).passed = true;
            p.chapter_mut(4).hints = 2;
        })
        .unwrap();
        let again = State::load(&path);
        assert_eq!(again.progress, s.progress);
        assert!(again.notice.is_none());
    }

    #[test]
    fn two_workshops_at_once_keep_what_each_recorded() {
        // Watch mode in one terminal, `workshop hint 2` in another.
        let path = dir().join("two.toml");
        let _ = std::fs::remove_file(&path);
        let mut watch = State::load(&path);
        let mut other = State::load(&path);
        other.update(|p| p.chapter_mut(2).hints = 1).unwrap();
        other.update(|p| p.chapter_mut(3).passed = true).unwrap();
        watch.update(|p| p.chapter_mut(4).passed = true).unwrap();
        let after = State::load(&path).progress;
        assert_eq!((after.chapter(2).hints, after.chapter(3).passed, after.chapter(4).passed), (1, true, true), "{after:?}");
        // And what the other recorded is what watch mode lists now.
        other.update(|p| p.current = 5).unwrap();
        watch.refresh();
        assert_eq!(watch.progress.current, 5);
    }

    #[test]
    fn a_corrupt_file_is_kept_aside_and_named() {
        let path = dir().join("bad.toml");
        std::fs::write(&path, "current = 3\n[chapters.1\npassed = true").unwrap();
        let s = State::load(&path);
        let notice = s.notice.unwrap();
        assert!(notice.contains("not valid TOML") && notice.contains("bad.toml.unreadable"), "{notice}");
        assert_eq!(std::fs::read_to_string(path.with_extension("toml.unreadable")).unwrap(), "current = 3\n[chapters.1\npassed = true");
        assert_eq!(s.progress.current, 1);
    }

    #[test]
    fn an_older_file_carries_its_progress_over_and_a_newer_one_is_left_alone() {
        let path = dir().join("old.toml");
        std::fs::write(&path, "current = 5\npassed = [1, 2, 3, 4]\n").unwrap();
        let s = State::load(&path);
        assert_eq!(s.progress.current, 5);
        assert!(s.progress.chapter(4).passed && !s.progress.chapter(5).passed);
        assert!(s.notice.as_deref().unwrap().contains("older workshop"));
        s.save().unwrap();
        assert!(std::fs::read_to_string(&path).unwrap().contains("version = 1"));

        let newer = dir().join("new.toml");
        std::fs::write(&newer, "version = 9\ncurrent = 6\n").unwrap();
        let s = State::load(&newer);
        assert_eq!(s.progress.current, 6);
        assert!(s.notice.as_deref().unwrap().contains("newer workshop"));
        s.save().unwrap();
        assert_eq!(std::fs::read_to_string(&newer).unwrap(), "version = 9\ncurrent = 6\n", "a newer file is never rewritten");
    }
}
