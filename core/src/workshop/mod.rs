//! The workshop's chapters as data, defined once: for each chapter of the Cadence
//! workshop, what it adds to the package workflow, the Cadence idea it teaches, why
//! that matters on a real cluster, and hints from gentle to explicit.
//!
//! Everything that teaches reads this one definition: the exercises (the `workshop`
//! binary, both tracks), the guided tour and the front ends. What a chapter is
//! *checked* against and what the tour *does* are keyed by the same [`Chapter`], so
//! nothing about a chapter is written twice.

mod chapters;
pub mod checks;
pub mod explain;
pub mod progress;
pub mod questions;
pub mod tour;

pub use crate::postal::Chapter;
pub use chapters::GUIDES;
pub use explain::{Explanation, Related, Role, explain, explain_refusal};
pub use progress::{GuideView, Reveal, Tour, TourEvent, Verdict};

/// One chapter of the workshop, for someone meeting Cadence for the first time.
#[derive(Debug, PartialEq, Eq)]
pub struct ChapterGuide {
    pub chapter: Chapter,
    /// 1 to 7, as the workshop counts.
    pub number: u8,
    pub title: &'static str,
    /// What the participant builds, in the workshop's terms.
    pub goal: &'static str,
    /// The Cadence idea this chapter teaches.
    pub concept: &'static str,
    /// Why it matters when the workflow runs for a hundred million packages.
    pub why: &'static str,
    /// What to look for in the history once it works.
    pub look_for: &'static str,
    /// From a nudge to the answer; the last one shows the code.
    pub hints: &'static [Hint],
}

/// A hint: words for both tracks, and, for the explicit ones, the code in each
/// language (empty when the words are enough).
#[derive(Debug, PartialEq, Eq)]
pub struct Hint {
    pub text: &'static str,
    pub rust: &'static str,
    pub go: &'static str,
}

impl ChapterGuide {
    /// The guide of a chapter.
    pub fn of(chapter: Chapter) -> &'static ChapterGuide {
        GUIDES.iter().find(|g| g.chapter == chapter).expect("every chapter has a guide")
    }

    /// The guide of chapter `n` (1 to 7), or a message that says which numbers exist.
    pub fn number(n: impl Into<i64>) -> Result<&'static ChapterGuide, String> {
        let n = n.into();
        GUIDES
            .iter()
            .find(|g| i64::from(g.number) == n)
            .ok_or_else(|| format!("there is no chapter {n}: the workshop has chapters 1 to {}", GUIDES.len()))
    }

    /// Reads a chapter given as a number ("3", and "-1" is no chapter, not a name) or a
    /// name ("scan-once").
    pub fn parse(text: &str) -> Result<&'static ChapterGuide, String> {
        let text = text.trim();
        match text.parse::<i64>() {
            Ok(n) => ChapterGuide::number(n),
            // Digits too many for a number are still a number, not a chapter's name.
            Err(_) if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) => {
                Err(format!("there is no chapter {text}: the workshop has chapters 1 to {}", GUIDES.len()))
            }
            Err(_) => Chapter::parse(text).map(ChapterGuide::of),
        }
    }

    /// The chapter before this one, if any: its end state is where this one starts.
    pub fn previous(&self) -> Option<&'static ChapterGuide> {
        GUIDES.iter().find(|g| g.number + 1 == self.number)
    }

    pub fn next(&self) -> Option<&'static ChapterGuide> {
        GUIDES.iter().find(|g| g.number == self.number + 1)
    }

    /// "3 · One scan signal".
    pub fn heading(&self) -> String {
        format!("{} · {}", self.number, self.title)
    }

    /// Said above the first line a participant's program prints again during the
    /// checks: the same line many times is the first replay a newcomer meets. The
    /// checks replay each run twice more, strictly, and such a replay takes each run's
    /// last decision task for a new one, so a line under `is_replaying()` still comes
    /// three times per check there.
    pub fn repeated_output_note(&self) -> String {
        format!(
            "Lines repeat from here: Cadence rebuilds a workflow's state by running its code again from the start (a \
             replay); each check is a new run, replayed twice more. ctx.logger() writes a line once (tui --exercise {} \
             shows its log); `if !ctx.is_replaying()` skips a worker's replays, not the checks'.",
            self.number
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_chapter_is_found_as_people_type_it() {
        assert_eq!(ChapterGuide::parse("Loop").map(|g| g.number), Ok(4));
        assert_eq!(ChapterGuide::parse("scan_once").map(|g| g.number), Ok(3));
        assert_eq!(ChapterGuide::parse(" 7 ").map(|g| g.number), Ok(7));
        assert_eq!(
            ChapterGuide::parse("99999999999999999999").map(|g| g.number),
            Err("there is no chapter 99999999999999999999: the workshop has chapters 1 to 7".into())
        );
        assert!(ChapterGuide::parse("loops").unwrap_err().starts_with("unknown chapter \"loops\"; chapters are"));
    }

    #[test]
    fn every_chapter_has_one_guide_in_workshop_order() {
        let chapters: Vec<Chapter> = GUIDES.iter().map(|g| g.chapter).collect();
        assert_eq!(chapters, Chapter::ALL);
        for (i, g) in GUIDES.iter().enumerate() {
            assert_eq!(usize::from(g.number), i + 1, "{}", g.title);
        }
    }

    #[test]
    fn hints_go_from_words_to_code() {
        for g in &GUIDES {
            assert!((2..=3).contains(&g.hints.len()), "chapter {} has {} hints", g.number, g.hints.len());
            assert!(g.hints[0].rust.is_empty() && g.hints[0].go.is_empty(), "chapter {}: the first hint gives code away", g.number);
            let last = g.hints.last().unwrap();
            assert!(!last.rust.is_empty() && !last.go.is_empty(), "chapter {}: the last hint shows no code", g.number);
        }
    }

    #[test]
    fn hint_code_fits_an_80_column_terminal() {
        // The workshop prints code under a hint four columns in; code cannot be wrapped.
        for g in &GUIDES {
            for (i, h) in g.hints.iter().enumerate() {
                for line in h.rust.lines().chain(h.go.lines()) {
                    assert!(line.chars().count() <= 76, "chapter {} hint {}: {} characters: {line}", g.number, i + 1, line.chars().count());
                }
            }
        }
    }

    #[test]
    fn texts_are_written_and_short_enough_for_a_terminal() {
        for g in &GUIDES {
            for (what, text) in [("goal", g.goal), ("concept", g.concept), ("why", g.why), ("look for", g.look_for)] {
                assert!(text.len() > 40, "chapter {} {what} is too thin", g.number);
                assert!(text.len() < 900, "chapter {} {what} is {} bytes: too long to read in a pane", g.number, text.len());
            }
        }
    }

    #[test]
    fn chapters_are_found_by_number_or_name_and_wrong_ones_are_named() {
        assert_eq!(ChapterGuide::parse("3").unwrap().chapter, Chapter::ScanOnce);
        assert_eq!(ChapterGuide::parse("notification").unwrap().number, 7);
        assert!(ChapterGuide::parse("8").unwrap_err().contains("chapters 1 to 7"));
        assert_eq!(ChapterGuide::parse("-1").unwrap_err(), "there is no chapter -1: the workshop has chapters 1 to 7");
        assert!(ChapterGuide::parse("loops").unwrap_err().contains("unknown chapter"));
        assert_eq!(ChapterGuide::of(Chapter::Loop).previous().unwrap().chapter, Chapter::ScanOnce);
        assert!(ChapterGuide::of(Chapter::Activities).previous().is_none());
        assert!(ChapterGuide::of(Chapter::Notification).next().is_none());
    }
}
