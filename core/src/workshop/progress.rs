//! Progress through the guided tour: which step is current, which are done, the
//! predictions given and the score per chapter; and the watch that moves the tour on
//! when the participant does a step's action and its events appear.
//!
//! The tour never blocks anything: it only looks at the session after each change
//! ([`Tour::observe`]). Front ends keep the progress where they keep things (a state
//! file, localStorage) as the text of [`Tour::to_saved`], and draw [`Tour::view`].

use std::collections::{BTreeMap, BTreeSet};

use super::questions::{Question, question_for};
use super::tour::{TOUR, TourAction, TourStep, step as tour_step, steps_of};
use super::{Chapter, ChapterGuide, GUIDES};
use crate::postal::PostalConfig;
use crate::scenario::event_problems;
use crate::session::{Action, Session, SessionConfig};

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Tour {
    /// The ID of the current step; empty at the very start, "done" at the end.
    step: String,
    done: BTreeSet<String>,
    /// The choice given for each question, by its step's ID.
    answers: BTreeMap<String, usize>,
    watch: Watch,
    /// The last question answered by an action, until the next one is asked.
    reveal: Option<&'static str>,
}

/// What the tour saw of the session at its last look.
#[derive(Clone, Debug, Default, PartialEq)]
struct Watch {
    cursor: usize,
    history: usize,
    /// The step's action happened: its timeline index and the history length before it.
    armed: Option<(usize, usize)>,
    /// The step's premise did not hold at the last look before its action: the action
    /// came too early or too late, and its events cannot come in this run.
    premise_unmet: bool,
}

const END: &str = "done";
/// The first line of saved progress: what it is, and the version of its form.
const SAVED_HEADER: &str = "postflow tour 1";

/// Everything a front end draws of the tour.
#[derive(Clone, Debug, PartialEq)]
pub struct GuideView {
    pub chapter: &'static ChapterGuide,
    /// "Tour · chapter 2 of 7 · step 3 of 4".
    pub position: String,
    /// `None` once the tour is over.
    pub step: Option<StepView>,
    /// Set when the session does not run this chapter's workflow: what to do about it.
    pub session_hint: Option<String>,
    /// The last prediction, answered by the action.
    pub reveal: Option<Reveal>,
    pub scores: Vec<ChapterScore>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct StepView {
    pub instruction: &'static str,
    /// The command that does the step's action: front ends show its keys.
    pub command: crate::controls::Command,
    /// What to look for in the events the action writes. Held back while the step's
    /// question waits for a prediction, since it is the answer; it comes with the
    /// answer ([`Reveal::look_for`]).
    pub look_for: Option<&'static str>,
    /// The action was done and the expected events have not all appeared yet: what
    /// brings them (the worker, the clock), in words with the keys.
    pub waiting: Option<String>,
    /// Why the step cannot happen in this session at all (its run closed another way,
    /// say an order without a customer failed), and how to go on.
    pub blocked: Option<String>,
    pub question: Option<QuestionView>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct QuestionView {
    pub prompt: &'static str,
    pub choices: Vec<&'static str>,
    /// The participant's prediction so far; it can change until the action is done.
    pub chosen: Option<usize>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Reveal {
    pub prompt: &'static str,
    pub chosen: Option<usize>,
    pub answer: usize,
    pub answer_text: &'static str,
    pub correct: bool,
    pub why: &'static str,
    /// The answered step's "look for", held back while its question was open.
    pub look_for: &'static str,
    /// The number of the chapter the question was in, when the tour has moved on to
    /// another: the answer is still shown, under that chapter's name.
    pub earlier_chapter: Option<u8>,
}

/// How a prediction turned out. A step done without one is not called wrong: the
/// tour never insists on predicting, and the participant may not have seen the
/// question.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    Right,
    Wrong,
    NotPredicted,
}

impl Verdict {
    /// The mark the front ends show: `✓ right`, `✗ not this time`, `– no prediction`.
    pub fn mark(self) -> &'static str {
        match self {
            Verdict::Right => "✓ right",
            Verdict::Wrong => "✗ not this time",
            Verdict::NotPredicted => "– no prediction",
        }
    }

    /// A name for styling (the page's CSS class).
    pub fn name(self) -> &'static str {
        match self {
            Verdict::Right => "right",
            Verdict::Wrong => "wrong",
            Verdict::NotPredicted => "skipped",
        }
    }
}

impl Reveal {
    pub fn verdict(&self) -> Verdict {
        match self.chosen {
            None => Verdict::NotPredicted,
            Some(_) if self.correct => Verdict::Right,
            Some(_) => Verdict::Wrong,
        }
    }

    /// "Prediction: ✓ right (you chose 2); the answer was 2: " — the answer's text follows.
    pub fn headline(&self) -> String {
        let verdict = self.verdict();
        let chose = match self.chosen {
            Some(c) => format!(" (you chose {})", c + 1),
            None => String::new(),
        };
        let whose = match self.earlier_chapter {
            Some(n) => format!("Chapter {n}'s last prediction"),
            None => "Prediction".to_owned(),
        };
        format!("{whose}: {}{chose}; the answer was {}: ", verdict.mark(), self.answer + 1)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ChapterScore {
    pub number: u8,
    pub steps_done: usize,
    pub steps: usize,
    pub correct: usize,
    /// Questions answered with a prediction, among the steps done: a question skipped
    /// (or not reached yet) is neither right nor wrong.
    pub predicted: usize,
    pub questions: usize,
}

impl ChapterScore {
    /// "2/3": right of the predictions given, or "–" before any: a question skipped
    /// or not reached yet is not a wrong answer ("0/3" on a fresh tour, or "1/3" after
    /// one right answer, read as wrong answers already).
    pub fn label(&self) -> String {
        if self.predicted == 0 { "–".to_owned() } else { format!("{}/{}", self.correct, self.predicted) }
    }
}

/// What [`Tour::observe`] saw happen.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TourEvent {
    /// A step's events appeared; the tour moved on (to the next chapter, when
    /// `chapter_done`; past its end, when `tour_done`).
    StepDone { step: &'static str, chapter_done: bool, tour_done: bool },
}

impl TourEvent {
    /// What the front ends tell the participant, in their words for two things:
    /// `open_chapter`, how the next chapter's session opens there ("T opens the next
    /// chapter's session"), and `panel`, where the tour's steps and scores are shown
    /// ("the guide").
    pub fn notice(&self, open_chapter: &str, panel: &str) -> String {
        let TourEvent::StepDone { step, chapter_done, tour_done } = self;
        let Some(done) = tour_step(step) else { return format!("tour: {step} done ✓") };
        let number = ChapterGuide::of(done.chapter).number;
        let steps: Vec<&TourStep> = steps_of(done.chapter).collect();
        let k = steps.iter().position(|s| s.id == done.id).map_or(0, |i| i + 1);
        let next = if *tour_done {
            format!("the tour is finished: your score per chapter is in {panel}")
        } else if *chapter_done {
            format!("chapter {number} done: {open_chapter}")
        } else {
            format!("next step in {panel}")
        };
        format!("tour: chapter {number}, step {k} of {} done ✓ — {next}", steps.len())
    }
}

impl Tour {
    /// Reads saved progress. A damaged save is refused with a reason; the caller
    /// starts a fresh tour then, and the participant is told.
    pub fn from_saved(text: &str) -> Result<Tour, String> {
        let damaged = |why: String| format!("the saved tour progress is damaged ({why}); starting over");
        let mut lines = text.lines();
        if lines.next() != Some(SAVED_HEADER) {
            return Err(damaged(format!("it does not begin with {SAVED_HEADER:?}")));
        }
        let mut tour = Tour::default();
        for line in lines.filter(|l| !l.trim().is_empty()) {
            let mut words = line.split_whitespace();
            match (words.next(), words.next(), words.next()) {
                (Some("step"), Some(id), None) => tour.step = if id == "-" { String::new() } else { id.to_owned() },
                (Some("done"), Some(id), None) => {
                    tour.done.insert(id.to_owned());
                }
                (Some("answer"), Some(id), Some(n)) => {
                    tour.answers.insert(id.to_owned(), n.parse().map_err(|_| damaged(format!("the line {line:?}")))?);
                }
                // The answer to the last question, shown until the next prediction: a
                // reload in between dropped it.
                (Some("reveal"), Some(id), None) => tour.reveal = question_for(id).map(|q| q.step),
                (Some("armed"), Some(at), Some(from)) => {
                    let n = |w: &str| w.parse::<usize>().map_err(|_| damaged(format!("the line {line:?}")));
                    tour.watch.armed = Some((n(at)?, n(from)?));
                    tour.watch.premise_unmet = words.next() == Some("unmet");
                }
                _ => return Err(damaged(format!("the line {line:?}"))),
            }
        }
        if !tour.step.is_empty() && tour.step != END && tour_step(&tour.step).is_none() {
            return Err(format!("the saved tour progress names an unknown step {:?}; starting over", tour.step));
        }
        Ok(tour)
    }

    /// The progress as a few lines of text (read back by [`from_saved`](Self::from_saved)).
    pub fn to_saved(&self) -> String {
        let mut out = format!("{SAVED_HEADER}\nstep {}\n", if self.step.is_empty() { "-" } else { &self.step });
        for id in &self.done {
            out.push_str(&format!("done {id}\n"));
        }
        for (id, n) in &self.answers {
            out.push_str(&format!("answer {id} {n}\n"));
        }
        if let Some(id) = self.reveal {
            out.push_str(&format!("reveal {id}\n"));
        }
        // The step's action done, its events still to come: kept, or a reload in
        // between would wait for an action that is already in the session.
        if let Some((at, from)) = self.watch.armed {
            out.push_str(&format!("armed {at} {from}{}\n", if self.watch.premise_unmet { " unmet" } else { "" }));
        }
        out
    }

    /// Watches `session` after a restore: as [`rebase`](Self::rebase), keeping a saved
    /// action of the step's that the session still holds where it was.
    pub fn resume(&mut self, session: &Session) {
        let (armed, unmet) = (self.watch.armed, self.watch.premise_unmet);
        self.rebase(session);
        let timeline = session.timeline();
        let still_there = |(at, from): (usize, usize)| {
            at < session.cursor()
                && from <= session.history().len()
                && self.current().is_some_and(|step| timeline.get(at).is_some_and(|e| step.action.matches(&e.action)))
        };
        if let Some(kept) = armed.filter(|&a| still_there(a)) {
            self.watch.armed = Some(kept);
            self.watch.premise_unmet = unmet;
        }
    }

    /// The current step, `None` once the tour is over.
    pub fn current(&self) -> Option<&'static TourStep> {
        match self.step.as_str() {
            "" => TOUR.first(),
            END => None,
            id => tour_step(id),
        }
    }

    fn index(&self) -> usize {
        self.current().and_then(|c| TOUR.iter().position(|s| s.id == c.id)).unwrap_or(TOUR.len())
    }

    /// The chapter the tour is in (the last one once it is over).
    pub fn chapter(&self) -> Chapter {
        self.current().map_or(Chapter::Notification, |s| s.chapter)
    }

    /// A session for the tour's chapter: that chapter's workflow code, the default seed.
    pub fn session_config(&self) -> SessionConfig {
        SessionConfig { postal: PostalConfig { chapter: self.chapter(), ..PostalConfig::default() }, ..SessionConfig::default() }
    }

    /// Whether the session runs the workflow the current chapter is about.
    pub fn fits(&self, session: &Session) -> bool {
        !session.is_imported() && session.config().postal.chapter == self.chapter()
    }

    fn go(&mut self, index: usize, session: &Session) {
        self.step = TOUR.get(index).map_or(END.to_owned(), |s| s.id.to_owned());
        self.rebase(session);
    }

    /// Skips to the next step (the tour never insists).
    pub fn next(&mut self, session: &Session) {
        self.go((self.index() + 1).min(TOUR.len()), session);
    }

    pub fn previous(&mut self, session: &Session) {
        self.go(self.index().saturating_sub(1), session);
    }

    /// Jumps to the first step of a chapter.
    pub fn go_to_chapter(&mut self, chapter: Chapter, session: &Session) {
        let index = TOUR.iter().position(|s| s.chapter == chapter).unwrap_or(0);
        self.go(index, session);
    }

    /// Starts watching from the session's present state: after the front end replaced
    /// the session, or when a step begins.
    pub fn rebase(&mut self, session: &Session) {
        self.watch = Watch {
            cursor: session.cursor(),
            history: session.history().len(),
            armed: None,
            premise_unmet: self.current().is_some_and(|s| premise_unmet(s, session)),
        };
    }

    /// The front end replaced the session with another one (a fresh session for a new
    /// start, a loaded scenario): everything the next session's timeline holds is new.
    pub fn new_session(&mut self) {
        self.watch = Watch::default();
    }

    /// Records a prediction for the current step's question. Refused once the step's
    /// action was done: the action answers the question.
    pub fn answer(&mut self, choice: usize) -> Result<(), String> {
        let step = self.current().ok_or("the tour is over")?;
        let q = question_for(step.id).ok_or("this step asks no question")?;
        if choice >= q.choices.len() {
            return Err(format!("choose 1 to {}", q.choices.len()));
        }
        if !self.question_open(step) {
            return Err("the action was done already: its events answer the question".into());
        }
        self.answers.insert(step.id.to_owned(), choice);
        self.reveal = None;
        Ok(())
    }

    /// Whether the step's action has not answered its question yet: not done, or done
    /// only as clock moves that have written nothing (live time moves the clock in
    /// ticks; until one reaches the timer, nothing is answered).
    fn question_open(&self, step: &TourStep) -> bool {
        match self.watch.armed {
            None => true,
            Some((_, from)) => matches!(step.action, TourAction::NextTimer) && self.watch.history <= from,
        }
    }

    /// Looks at the session after a change. When the step's action was done and its
    /// events have appeared, the step is done and the tour moves on.
    pub fn observe(&mut self, session: &Session) -> Option<TourEvent> {
        let step = self.current()?;
        let (cursor, history_len) = (session.cursor(), session.history().len());
        if !self.fits(session) {
            self.rebase(session);
            return None;
        }
        if self.watch.armed.is_some_and(|(at, from)| at >= cursor || from > history_len) {
            // Rewound before the action, or a new run replaced the history: it no longer counts.
            self.watch.armed = None;
        }
        // Whether the premise held is kept from the last look before the action: the
        // action changes the run (a scan cancels the timer it was meant to meet).
        let unmet_before = self.watch.premise_unmet;
        if self.watch.armed.is_none() {
            self.watch.premise_unmet = premise_unmet(step, session);
        }
        if cursor > self.watch.cursor && self.watch.armed.is_none() {
            let timeline = session.timeline();
            if let Some(at) = (self.watch.cursor..cursor).find(|&k| step.action.matches(&timeline[k].action)) {
                // A start begins a new run: its events are the whole new history.
                let from = if matches!(timeline[at].action, Action::Start { .. }) { 0 } else { self.watch.history.min(history_len) };
                self.watch.armed = Some((at, from));
                self.watch.premise_unmet = unmet_before;
            }
        }
        self.watch.cursor = cursor;
        self.watch.history = history_len;
        let (_, from) = self.watch.armed?;
        if self.watch.premise_unmet {
            // Done past its moment: whatever it writes is not what the step is about.
            return None;
        }
        let new = &session.history()[from.min(history_len)..];
        if !event_problems(new, step.events, step.no_events).is_empty() {
            return None;
        }
        self.done.insert(step.id.to_owned());
        self.reveal = question_for(step.id).map(|q| q.step);
        let index = self.index();
        self.go(index + 1, session);
        let chapter_done = self.current().is_none_or(|next| next.chapter != step.chapter);
        Some(TourEvent::StepDone { step: step.id, chapter_done, tour_done: self.current().is_none() })
    }

    /// The score of each chapter: steps done, predictions right.
    pub fn scores(&self) -> Vec<ChapterScore> {
        GUIDES
            .iter()
            .map(|g| {
                let steps: Vec<&TourStep> = steps_of(g.chapter).collect();
                let questions: Vec<&Question> = steps.iter().filter_map(|s| question_for(s.id)).collect();
                ChapterScore {
                    number: g.number,
                    steps_done: steps.iter().filter(|s| self.done.contains(s.id)).count(),
                    steps: steps.len(),
                    correct: questions.iter().filter(|q| self.done.contains(q.step) && self.answers.get(q.step) == Some(&q.answer)).count(),
                    predicted: questions.iter().filter(|q| self.done.contains(q.step) && self.answers.contains_key(q.step)).count(),
                    questions: questions.len(),
                }
            })
            .collect()
    }

    /// A step whose run has closed: its action is refused, or its events can no
    /// longer come. Said, or the participant waits for what will never happen.
    fn blocked(&self, step: &TourStep, session: &Session) -> Option<String> {
        if !self.fits(session) {
            return None;
        }
        // A start of another order sends the run down another path at once: said then,
        // not once the run has ended.
        let armed_by = self.watch.armed.and_then(|(at, _)| session.timeline().get(at));
        if let Some(asked) = armed_by.and_then(|e| step.action.other_order(&e.action)) {
            return Some(format!(
                "This start's order is not the step's: it asks for {asked}. Start again ({}) with that order; a start \
                 begins a new run.",
                crate::controls::keys_label(crate::controls::Command::Start)
            ));
        }
        // A step whose premise the run is past (the clock moved on) or has not reached
        // can never see its events: before its action, and after an action done anyway
        // (checked at the last look before it; the action itself moves the run on).
        let unmet = if self.watch.armed.is_some() { self.watch.premise_unmet } else { premise_unmet(step, session) };
        if let Some(p) = step.premise.filter(|_| unmet) {
            return Some(p.unmet());
        }
        session.outcome()?;
        let refused = !crate::controls::availability(step.action.command(), session).is_available();
        (refused || self.watch.armed.is_some()).then(|| {
            let outcome = crate::controls::closed_word(session);
            // A start begins a new run: the way forward is the step's own order, not a
            // step back, nor the chapter's session with the workshop's order (chapter 1's
            // second step asks for another one).
            if step.action.command() == crate::controls::Command::Start {
                return format!(
                    "This run has {outcome} (see the history), not as this step asks: start again ({}) with the order \
                     the step describes; a start begins a new run.",
                    crate::controls::keys_label(crate::controls::Command::Start)
                );
            }
            format!(
                "This run has {outcome} (see the history), so this step cannot happen in it: step back ({}) to \
                 before that, or the chapter's session starts it again with the workshop's order.",
                crate::controls::keys_label(crate::controls::Command::Back)
            )
        })
    }

    /// What to draw for the session the participant has now.
    pub fn view(&self, session: &Session) -> GuideView {
        let chapter = ChapterGuide::of(self.chapter());
        let chapter_steps: Vec<&TourStep> = steps_of(chapter.chapter).collect();
        let step = self.current();
        let position = match step {
            Some(s) => format!(
                "Tour · chapter {} of {} · step {} of {}",
                chapter.number,
                GUIDES.len(),
                chapter_steps.iter().position(|c| c.id == s.id).map_or(0, |i| i + 1),
                chapter_steps.len()
            ),
            None => "Tour · finished".to_owned(),
        };
        let session_hint = (step.is_some() && !self.fits(session)).then(|| {
            // Only a session with work in it is kept for undo (`Session::holds_work`).
            let kept = if session.holds_work() {
                "; the session you have now is kept, and undo brings it back until you act in the new one"
            } else {
                ""
            };
            format!(
                "This chapter runs its own workflow: chapter {}'s code ({}). Open the chapter's session to follow the \
                 tour{kept}.",
                chapter.number,
                chapter.chapter.name()
            )
        });
        GuideView {
            chapter,
            position,
            step: step.map(|s| {
                let blocked = self.blocked(s, session);
                let open_question = question_for(s.id).is_some() && self.question_open(s);
                StepView {
                    instruction: s.instruction,
                    command: s.action.command(),
                    look_for: (!open_question).then_some(s.look_for),
                    // A blocked step waits for nothing: its events cannot come.
                    waiting: (self.watch.armed.is_some() && blocked.is_none()).then(|| waiting_note(session)),
                    blocked,
                    question: question_for(s.id).map(|q| QuestionView {
                        prompt: q.prompt,
                        choices: q.choices.iter().map(|c| c.text).collect(),
                        chosen: self.answers.get(s.id).copied(),
                    }),
                }
            }),
            session_hint,
            reveal: self.reveal.and_then(question_for).map(|q| {
                let chosen = self.answers.get(q.step).copied();
                let answered = tour_step(q.step);
                let number = answered.map(|s| ChapterGuide::of(s.chapter).number);
                Reveal {
                    prompt: q.prompt,
                    chosen,
                    answer: q.answer,
                    answer_text: q.choices[q.answer].text,
                    correct: chosen == Some(q.answer),
                    why: q.why,
                    look_for: answered.map_or("", |s| s.look_for),
                    earlier_chapter: number.filter(|&n| n != chapter.number),
                }
            }),
            scores: self.scores(),
        }
    }
}

/// Whether the run is past the state `step` is written for, or not there yet. A run
/// not started is neither: the step's action is refused, or starts it.
fn premise_unmet(step: &TourStep, session: &Session) -> bool {
    step.premise.is_some_and(|p| !session.history().is_empty() && !p.holds(session))
}

/// What a step whose action is done still waits for. A step may take more than its
/// first key ("start the order and move the clock twice"): the session knows whether
/// the worker has a task to take or only the clock can bring the next event.
fn waiting_note(session: &Session) -> String {
    use crate::controls::{Command, availability, keys_label};
    let next = if availability(Command::Run, session).is_available() {
        format!("the worker has a task to take: {} runs it, {} steps it", keys_label(Command::Run), keys_label(Command::Step))
    } else if session.engine().next_due().is_some_and(|due| session.workflow_deadline().is_some_and(|end| due >= end)) {
        // Nothing but the workflow's own timeout is on the clock: moving it ends the run.
        format!(
            "the workflow waits for a signal ({} scans, {} delivers); {} would move the clock to its timeout and end the run",
            keys_label(Command::Scan),
            keys_label(Command::Delivered),
            keys_label(Command::NextTimer)
        )
    } else if availability(Command::NextTimer, session).is_available() {
        format!("the worker waits for the clock: {} moves it to the next timer", keys_label(Command::NextTimer))
    } else {
        "the workflow waits for a signal".to_owned()
    };
    format!("Done so far; the events to look for have not all appeared yet ({next}).")
}
