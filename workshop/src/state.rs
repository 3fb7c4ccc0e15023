//! Progress, kept in `exercises/.workshop-progress.toml` so it survives restarts:
//! the current chapter, which chapters passed, how many hints were shown, and the
//! track the participant last named (Rust or Go).
//!
//! Progress is never lost to an error: a file that cannot be read is kept aside
//! untouched (and named in the message), a file from a newer workshop is left alone,
//! and an older or hand-edited one is read for what it still says. Writes go to a
//! temporary file first, then replace the old one in one rename.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub use postflow_core::workshop::checks::Track;
use postflow_core::workshop::{ChapterGuide, GUIDES};
use serde::{Deserialize, Serialize};

/// The version this workshop writes.
pub const VERSION: u32 = 1;

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Progress {
    pub version: u32,
    /// The chapter the participant works on (1 to 7).
    pub current: u8,
    /// The track the participant last named (`--go`, `--rust`, a check on either):
    /// what `list`, `hint`, `solution` and `reset` show without a flag. Not written
    /// while it is Rust, so a Rust participant's file is as it always was. (Before the
    /// tables: TOML writes plain values first.)
    #[serde(default, skip_serializing_if = "is_rust")]
    pub track: Track,
    /// Per chapter ("1" to "7").
    #[serde(default)]
    pub chapters: BTreeMap<String, ChapterProgress>,
}

fn is_rust(t: &Track) -> bool {
    *t == Track::Rust
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
        Progress { version: VERSION, current: 1, track: Track::Rust, chapters: BTreeMap::new() }
    }

    /// Chapter `n`'s progress; never more hints used than the chapter has (a
    /// hand-edited file may say more).
    pub fn chapter(&self, n: u8) -> ChapterProgress {
        let mut c = self.chapters.get(&n.to_string()).cloned().unwrap_or_default();
        if let Some(g) = GUIDES.iter().find(|g| g.number == n) {
            c.hints = c.hints.min(u8::try_from(g.hints.len()).unwrap_or(u8::MAX));
        }
        c
    }

    /// The first chapter not passed yet, else the last: where to go on when the file
    /// names no chapter that exists.
    fn first_not_passed(&self) -> u8 {
        GUIDES.iter().map(|g| g.number).find(|&n| !self.chapter(n).passed).unwrap_or(GUIDES.len() as u8)
    }

    pub fn chapter_mut(&mut self, n: u8) -> &mut ChapterProgress {
        self.chapters.entry(n.to_string()).or_default()
    }

    /// Chapter `n` passed: recorded, and, when it was the current chapter, the current
    /// one moves on to the next chapter not passed yet (after it, else from chapter 1),
    /// so that `workshop check` and `workshop hint` follow. Passing another chapter (an
    /// earlier one again, a later one ahead) moves nothing, and when every chapter has
    /// passed the current one stays. The one rule for both tracks and watch mode;
    /// returns the chapter the current one moved to.
    pub fn pass(&mut self, n: u8) -> Option<u8> {
        self.chapter_mut(n).passed = true;
        if self.current != n {
            return None;
        }
        let last = GUIDES.len() as u8;
        let next = (n + 1..=last).chain(1..n).find(|&c| !self.chapter(c).passed)?;
        self.current = next;
        Some(next)
    }

    /// Hint `level` (from 0) of chapter `n` was shown: a hint shown is a hint used.
    pub fn saw_hint(&mut self, n: u8, level: usize) {
        let c = self.chapter_mut(n);
        c.hints = c.hints.max(u8::try_from(level + 1).unwrap_or(u8::MAX));
    }

    /// The hint a failing check shows with its result: the last one shown, or the first.
    pub fn hint_with_checks(&self, g: &ChapterGuide) -> usize {
        usize::from(self.chapter(g.number).hints).saturating_sub(1).min(g.hints.len() - 1)
    }

    /// The hint `workshop hint` and watch mode's h show: the next one, or the last again.
    pub fn next_hint(&self, g: &ChapterGuide) -> usize {
        usize::from(self.chapter(g.number).hints).min(g.hints.len() - 1)
    }
}

/// The TOML parser's message, whose parts it puts on lines of their own, on one line:
/// it stands inside a sentence of the notice.
fn one_line(message: &str) -> String {
    message.lines().map(str::trim).filter(|l| !l.is_empty()).collect::<Vec<_>>().join(": ")
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
        let bytes = text;
        let text = String::from_utf8_lossy(&bytes);
        if text.trim().is_empty() {
            // Nothing to lose and nothing to carry over (a write cut short, a `touch`).
            state.notice = Some(match state.save() {
                Ok(()) => format!("the progress file {} was empty; a new one is started", path.display()),
                Err(e) => format!("the progress file {} is empty, and {e}", path.display()),
            });
            return state;
        }
        match toml::from_str::<toml::Value>(&text) {
            Err(e) => {
                let line = e.span().map_or(String::new(), |at| format!("line {}: ", text[..at.start].matches('\n').count() + 1));
                let why = format!("the progress file {} is not valid TOML ({line}{})", path.display(), one_line(e.message()));
                state.notice = Some(match state.keep_aside(&bytes, "unreadable") {
                    Ok(kept) => {
                        format!(
                            "{why}; it is kept as {kept} and a new one is started: `workshop check --all` records every chapter that \
                             passes again (on the Go track, `workshop check --go N` with your worker running chapter N's code)"
                        )
                    }
                    Err(not) => format!("{why}; {not}"),
                });
            }
            Ok(v) => state.read_value(&v, &bytes),
        }
        state
    }

    fn read_value(&mut self, v: &toml::Value, bytes: &[u8]) {
        let version = v.get("version").and_then(toml::Value::as_integer);
        match version {
            Some(n) if n == i64::from(VERSION) => match v.clone().try_into::<Progress>() {
                Ok(p) if (1..=7).contains(&p.current) => self.progress = p,
                Ok(p) => {
                    // Everything else it says holds: only the current chapter is put right,
                    // and written, so that this is said once.
                    self.progress = p;
                    self.progress.current = self.progress.first_not_passed();
                    let why = format!(
                        "the progress file names chapter {} as the current one, which does not exist; the current chapter \
                         is now chapter {}",
                        v["current"], self.progress.current
                    );
                    self.notice = Some(match self.save() {
                        Ok(()) => why,
                        Err(e) => format!("{why} ({e})"),
                    });
                }
                Err(e) => {
                    self.progress = lenient(v);
                    let why = format!("the progress file does not fit this workshop ({})", one_line(e.message()));
                    self.notice = Some(match self.keep_aside(bytes, "unreadable") {
                        Ok(kept) => format!("{why}; kept as {kept}, and what could be read of it is used"),
                        Err(not) => format!("{why}; what could be read of it is used, and {not}"),
                    });
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
                self.progress = lenient(v);
                let why = format!("the progress file {} is from an older workshop", self.path.display());
                self.notice = Some(match self.keep_aside(bytes, "old") {
                    Ok(kept) => format!("{why}; it is kept as {kept} and its progress carried over"),
                    Err(not) => format!("{why}; its progress is carried over, and {not}"),
                });
            }
        }
    }

    /// Keeps the file's `bytes` aside as `<file>.<why>` (`-2`, `-3`… when an earlier
    /// one is there: a copy kept before is never overwritten), then writes what is
    /// used now in its place, so that the next command reads that and says nothing
    /// again. When the copy cannot be made the file is left as it is and nothing is
    /// written: the error is what to say about it.
    fn keep_aside(&mut self, bytes: &[u8], why: &str) -> Result<String, String> {
        let mut aside = self.path.clone().into_os_string();
        aside.push(format!(".{why}"));
        match crate::keep(&PathBuf::from(aside), bytes) {
            Ok(kept) => {
                if let Err(e) = self.save() {
                    return Ok(format!("{} ({e})", kept.display()));
                }
                Ok(kept.display().to_string())
            }
            Err(e) => {
                self.read_only = true;
                Err(format!("it could not be kept aside ({e}), so it is left as it is and progress is not saved this time"))
            }
        }
    }

    /// Chapter `n`'s checks passed: recorded by [`Progress::pass`]'s rule; the chapter
    /// the current one moved to, if it moved.
    pub fn passed(&mut self, n: u8) -> Result<Option<u8>, String> {
        let mut moved = None;
        self.update(|p| moved = p.pass(n))?;
        Ok(moved)
    }

    /// Hint `level` of chapter `n` was shown: recorded as used.
    pub fn hint_shown(&mut self, n: u8, level: usize) -> Result<(), String> {
        self.update(|p| p.saw_hint(n, level))
    }

    /// The participant named track `t` (a flag, or a check on it): recorded; whether
    /// that changed the track.
    pub fn named_track(&mut self, t: Track) -> Result<bool, String> {
        self.refresh();
        if self.progress.track == t {
            return Ok(false);
        }
        self.update(|p| p.track = t)?;
        Ok(true)
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
        if let Ok(p) = v.try_into::<Progress>()
            && (1..=7).contains(&p.current)
        {
            self.progress = p;
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
    if v.get("track").and_then(toml::Value::as_str).is_some_and(|t| t.eq_ignore_ascii_case("go")) {
        p.track = Track::Go;
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
    fn the_track_named_is_kept_and_a_rust_participants_file_stays_as_it_was() {
        let path = dir().join("track.toml");
        let _ = std::fs::remove_file(&path);
        let mut s = State::load(&path);
        s.update(|p| p.chapter_mut(1).passed = true).unwrap();
        // Naming the Rust track, the default, changes nothing and writes no new line.
        assert!(!s.named_track(Track::Rust).unwrap());
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(!text.contains("track"), "{text}");
        assert!(s.named_track(Track::Go).unwrap());
        assert!(!s.named_track(Track::Go).unwrap(), "named again: no change");
        let again = State::load(&path);
        assert_eq!((again.progress.track, again.progress.chapter(1).passed, again.notice), (Track::Go, true, None));
        assert!(std::fs::read_to_string(&path).unwrap().contains("track = \"go\"\n"));
        // Another workshop running meanwhile (watch mode) keeps what this one named.
        let mut other = State::load(&path);
        s.named_track(Track::Rust).unwrap();
        other.update(|p| p.chapter_mut(2).hints = 1).unwrap();
        assert_eq!(State::load(&path).progress.track, Track::Rust);
        // A hand-written "Go" is read as the Go track, the rest kept.
        std::fs::write(&path, "version = 1\ncurrent = 3\ntrack = \"Go\"\n").unwrap();
        let s = State::load(&path);
        assert_eq!((s.progress.track, s.progress.current), (Track::Go, 3));
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
    fn a_corrupt_file_is_kept_aside_and_named_once_and_never_overwritten() {
        let path = dir().join("bad.toml");
        let aside = |n: &str| PathBuf::from(format!("{}.unreadable{n}", path.display()));
        let _ = std::fs::remove_file(aside(""));
        let _ = std::fs::remove_file(aside("-2"));
        std::fs::write(&path, "current = 3\n[chapters.1\npassed = true").unwrap();
        let s = State::load(&path);
        let notice = s.notice.unwrap();
        assert!(notice.contains("not valid TOML") && notice.contains("bad.toml.unreadable and a new one"), "{notice}");
        // What records the chapters again, on both tracks (`--all` is refused on the Go track).
        assert!(notice.contains("(on the Go track, `workshop check --go N` with your worker running chapter N's code)"), "{notice}");
        // The parser's reason, with its line, inside the sentence: not broken over lines.
        assert!(notice.contains("TOML (line 2: "), "{notice}");
        assert!(!notice.contains('\n'), "{notice}");
        assert_eq!(std::fs::read_to_string(aside("")).unwrap(), "current = 3\n[chapters.1\npassed = true");
        assert_eq!(s.progress.current, 1);
        // A new one is started, as said: the next command (a `list`, which records
        // nothing) reads it and says nothing more.
        let again = State::load(&path);
        assert_eq!(again.notice, None);
        assert_eq!(again.progress.current, 1);
        // A second corruption is kept beside the first, which stays as it was.
        std::fs::write(&path, "current = [oops").unwrap();
        let notice = State::load(&path).notice.unwrap();
        assert!(notice.contains("bad.toml.unreadable-2"), "{notice}");
        assert_eq!(std::fs::read_to_string(aside("-2")).unwrap(), "current = [oops");
        assert_eq!(std::fs::read_to_string(aside("")).unwrap(), "current = 3\n[chapters.1\npassed = true");
        assert_eq!(State::load(&path).notice, None);
    }

    #[test]
    fn a_current_chapter_that_does_not_exist_is_put_right_once_and_the_rest_kept() {
        let path = dir().join("out-of-range.toml");
        std::fs::write(&path, "version = 1\ncurrent = 99\n[chapters.1]\npassed = true\nhints = 2\n[chapters.2]\npassed = true\n").unwrap();
        let s = State::load(&path);
        let notice = s.notice.unwrap();
        assert!(notice.contains("names chapter 99") && notice.contains("the current chapter is now chapter 3"), "{notice}");
        assert_eq!((s.progress.current, s.progress.chapter(1).hints, s.progress.chapter(2).passed), (3, 2, true));
        // Said once: the file says chapter 3 now, and still what was passed.
        let again = State::load(&path);
        assert_eq!((again.notice, again.progress), (None, s.progress));
    }

    #[test]
    fn an_empty_file_is_a_fresh_start_not_an_older_workshop() {
        let path = dir().join("empty.toml");
        let _ = std::fs::remove_file(format!("{}.old", path.display()));
        std::fs::write(&path, "").unwrap();
        let notice = State::load(&path).notice.unwrap();
        assert!(notice.contains("was empty; a new one is started") && !notice.contains("older"), "{notice}");
        assert!(!PathBuf::from(format!("{}.old", path.display())).exists());
        let again = State::load(&path);
        assert_eq!((again.notice, again.progress.current), (None, 1));
    }

    #[test]
    fn more_hints_than_a_chapter_has_count_as_all_of_them() {
        let path = dir().join("hints.toml");
        std::fs::write(&path, "version = 1\ncurrent = 2\n[chapters.2]\nhints = 7\n").unwrap();
        let s = State::load(&path);
        let g = ChapterGuide::number(2).unwrap();
        assert_eq!((s.progress.chapter(2).hints, s.progress.next_hint(g)), (3, 2));
        // A file too odd for the form (300 is no u8) is read leniently, as far as it goes.
        std::fs::write(&path, "version = 1\ncurrent = 2\n[chapters.2]\nhints = 300\n").unwrap();
        assert_eq!(State::load(&path).progress.chapter(2).hints, 3);
    }

    #[test]
    fn an_older_file_is_carried_over_once() {
        let path = dir().join("older.toml");
        let _ = std::fs::remove_file(format!("{}.old", path.display()));
        std::fs::write(&path, "current = 2\npassed = [1]\n").unwrap();
        assert!(State::load(&path).notice.unwrap().contains("older.toml.old"));
        let again = State::load(&path);
        assert_eq!((again.notice, again.progress.current, again.progress.chapter(1).passed), (None, 2, true));
    }

    #[test]
    fn passing_the_current_chapter_moves_it_on_to_the_next_not_passed() {
        let mut p = Progress::fresh();
        assert_eq!(p.pass(1), Some(2));
        assert_eq!(p.current, 2);
        // Another chapter passing moves nothing: not an earlier one again, not a later one.
        assert_eq!(p.pass(1), None);
        assert_eq!(p.pass(4), None);
        assert_eq!(p.current, 2);
        assert!(p.chapter(4).passed);
        // Past the ones passed already.
        p.pass(3);
        assert_eq!(p.pass(2), Some(5));
        for n in [5, 6] {
            p.pass(n);
        }
        assert_eq!(p.current, 7);
        // The last one passed, every chapter passed: it stays.
        assert_eq!(p.pass(7), None);
        assert_eq!(p.current, 7);
        // The last one passed with an earlier one not passed: back to that one.
        let mut p = Progress { current: 7, ..Progress::fresh() };
        p.chapter_mut(1).passed = true;
        assert_eq!(p.pass(7), Some(2));
    }

    #[test]
    fn a_hint_shown_is_a_hint_used() {
        let g = ChapterGuide::number(2).unwrap();
        let mut p = Progress::fresh();
        // A failing check shows the first hint; `workshop hint` then shows the next one.
        assert_eq!(p.hint_with_checks(g), 0);
        p.saw_hint(2, p.hint_with_checks(g));
        assert_eq!(p.chapter(2).hints, 1);
        assert_eq!(p.next_hint(g), 1);
        p.saw_hint(2, p.next_hint(g));
        assert_eq!(p.hint_with_checks(g), 1);
        // Showing an earlier one again takes nothing back; the last is shown again.
        p.saw_hint(2, 0);
        assert_eq!(p.chapter(2).hints, 2);
        p.saw_hint(2, p.next_hint(g));
        assert_eq!((p.chapter(2).hints, p.next_hint(g), p.hint_with_checks(g)), (3, 2, 2));
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
