//! The app state: the session being shown, which overlay has the keyboard, the
//! history selection, and the last message. Keys come in through the keymap and go
//! out as session calls, or in bridge mode as calls to a real server (see
//! [`crate::bridge`]); nothing here decides anything about the workflow.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use crossterm::event::{KeyCode, KeyEvent};
use postflow_core::controls::{self, Availability, Command};
use postflow_core::postal::{DELIVERED_SIGNAL, SCAN_SIGNAL};
use postflow_core::scenario::{BUILTIN, Scenario};
use postflow_core::session::{Action, Group, HistoryRow, Session, SessionConfig};

use crate::action::{Pane, UiAction};
use crate::bridge::{Bridge, Update};
use crate::form::StartForm;
use crate::keymap::{self, Context};
use crate::prompt::{Prompt, PromptKind};
use crate::source::{self, Loaded};
use crate::teach::Teach;

/// What has the keyboard.
#[derive(Clone, Debug, PartialEq)]
pub enum Mode {
    Main,
    Form(StartForm),
    Prompt(Prompt),
    /// The scenario picker, with the selected index.
    Picker(usize),
    /// The key help, scrolled by this many lines.
    Help(u16),
    /// Every cadence command of the session, with the selected one.
    Commands(usize),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Message {
    pub text: String,
    pub error: bool,
}

pub struct App {
    pub session: Session,
    pub mode: Mode,
    /// Where the session came from, for the status line.
    pub label: String,
    /// The label of the workflow code the session runs, when it is not the reference
    /// ("exercise 3", "tour: chapter 4 (loop)"): a new order runs the same code, and says so.
    code_label: Option<String>,
    /// History pane: grouped per activity/timer/decision, or flat.
    pub grouped: bool,
    /// The selected history event (index); `None` follows the newest event.
    pub selected: Option<usize>,
    pub message: Option<Message>,
    /// Failed expectations of the loaded scenario.
    pub failures: Vec<String>,
    pub should_quit: bool,
    /// Text to put on the clipboard: the interactive loop writes it to the terminal
    /// as an OSC 52 escape after the next draw.
    pub clipboard: Option<String>,
    /// The terminal is too small for the panes: only quitting does anything.
    pub too_small: bool,
    /// What the loaded scenario is about; shown whenever no message is.
    pub description: Option<String>,
    /// The refusals the loaded scenario expected, by the cursor where they happened
    /// ([`source::Loaded::refused`]), while the timeline up to there is the scenario's.
    pub refused: Vec<(usize, String)>,
    /// Bridge mode: the real server this app drives; `None` for the simulator.
    pub bridge: Option<Bridge>,
    /// The key bar's name for q: "quit", or where q leads back to.
    pub quit_name: &'static str,
    /// The tour, the teaching panes and the play control.
    pub teach: Teach,
    /// The session the tour's chapter (`T`) replaced, until the next action: `T` is
    /// one key away from losing a session, and undo puts it back.
    kept: Option<Kept>,
    /// How far the pane under the history and the guide are scrolled.
    pub detail_scroll: PaneScroll<DetailAt>,
    pub guide_scroll: PaneScroll<GuideAt>,
    /// The most the help can scroll, as the last draw measured it: scrolling past it
    /// would make the next keys up seem to do nothing.
    pub help_max: Cell<u16>,
    /// Bumped on every change of the session, to key the rows cache.
    generation: u64,
    /// History rows are rebuilt only when the session changed, not on every frame.
    rows: RefCell<Option<(u64, Rc<Vec<HistoryRow>>)>>,
    groups: RefCell<Option<(u64, Rc<Vec<Group>>)>>,
    /// The selected event's explanation and the stack trace, per change and selection.
    explained: RefCell<Option<(u64, Option<usize>, Explained)>>,
    trace: RefCell<Option<(u64, Rc<String>)>>,
}

impl Default for App {
    fn default() -> App {
        App::new()
    }
}

impl App {
    /// The embedded simulator with the workshop order in the start form.
    pub fn new() -> App {
        App {
            session: Session::new(SessionConfig::default()),
            mode: Mode::Form(StartForm::workshop()),
            label: "workshop order".into(),
            code_label: None,
            grouped: false,
            selected: None,
            message: Some(info(
                "Enter starts the workshop order (edit any field first if you like); Esc closes the form, then G opens the guided tour",
            )),
            failures: Vec::new(),
            should_quit: false,
            clipboard: None,
            too_small: false,
            description: None,
            refused: Vec::new(),
            bridge: None,
            quit_name: "quit",
            teach: Teach::default(),
            detail_scroll: PaneScroll::default(),
            guide_scroll: PaneScroll::default(),
            help_max: Cell::new(u16::MAX),
            kept: None,
            generation: 0,
            rows: RefCell::new(None),
            groups: RefCell::new(None),
            explained: RefCell::new(None),
            trace: RefCell::new(None),
        }
    }

    /// The simulator running another workflow than the reference's (an exercise),
    /// with the workshop order in the start form.
    pub fn with_session(session: Session, label: &str) -> App {
        App { session, label: label.into(), code_label: Some(label.into()), ..App::new() }
    }

    /// An app showing a scenario or an imported history.
    pub fn from_loaded(loaded: Loaded) -> App {
        let mut app = App { mode: Mode::Main, ..App::new() };
        app.show(loaded);
        app
    }

    /// One package of a fleet, opened from the fleet screen, to which q goes back.
    pub fn fleet_package(session: Session, label: String) -> App {
        let note = Some("q goes back to the fleet".into());
        let mut app = App::from_loaded(Loaded { session, label, note, failures: Vec::new(), description: None, refused: Vec::new() });
        app.quit_name = "back to fleet";
        app
    }

    /// Bridge mode: the screens of the simulator, showing a real server's workflow.
    /// Opens on the start form unless a workflow to watch was named.
    pub fn bridged(bridge: Bridge) -> App {
        let watching = bridge.watched.is_some();
        let mut app = App {
            label: format!("bridge {}", bridge.url),
            mode: if watching { Mode::Main } else { Mode::Form(StartForm::workshop()) },
            message: Some(info(if watching {
                "watching the workflow on the server; the worker runs outside this app (bridge worker)"
            } else {
                "bridge mode: Enter starts the order on the server; a worker must run outside this app (bridge worker)"
            })),
            ..App::new()
        };
        app.bridge = Some(bridge);
        app
    }

    /// Bridge mode: takes the server's replies and sends the next refresh when due.
    /// Call it often (the interactive loop does, between keys); a no-op otherwise.
    pub fn tick(&mut self) {
        if let Some(b) = &mut self.bridge {
            let updates = b.poll();
            self.apply(updates);
        }
    }

    /// Bridge mode: waits (at most `timeout`) until the calls sent so far are answered.
    pub fn settle(&mut self, timeout: std::time::Duration) {
        if let Some(b) = &mut self.bridge {
            let updates = b.settle(timeout);
            self.apply(updates);
        }
    }

    fn apply(&mut self, updates: Vec<Update>) {
        for u in updates {
            match u {
                Update::Session(session) => {
                    // Follow the newest event unless the user moved back in the timeline.
                    let (at, following) = (self.session.cursor(), self.session.cursor() >= self.session.timeline().len());
                    self.session = *session;
                    if !following {
                        self.session.seek(at);
                    }
                    self.changed();
                }
                Update::Message(m) => self.message = Some(m),
                Update::FormError(form) => {
                    if self.mode == Mode::Main {
                        self.mode = Mode::Form(form);
                    } else {
                        self.message = Some(err(form.error.unwrap_or_default()));
                    }
                }
            }
        }
    }

    fn show(&mut self, mut loaded: Loaded) {
        // A scenario ran with auto-run off (its steps run the worker themselves); the
        // switch stays as it was, or every later order would wait for a worker nobody
        // turned off (as on the page).
        if !loaded.session.is_imported() {
            loaded.session.auto_run = self.session.auto_run_for_next();
        }
        // A scenario (`p`) or an import (`i`) replaces the session, as a start or `T` does.
        self.replace_session(Kept {
            session: loaded.session,
            label: loaded.label,
            code_label: None,
            failures: loaded.failures,
            description: loaded.description,
            refused: loaded.refused,
        });
        self.selected = None;
        let mut message = match (&self.failures[..], loaded.note) {
            ([first, ..], _) => err(format!("{} expectation(s) failed: {first}", self.failures.len())),
            ([], Some(note)) if self.session.replay_error().is_some() => err(note),
            ([], Some(note)) => info(note),
            ([], None) => info(stepping_hint(&self.session)),
        };
        if let Some(note) = self.kept_note() {
            // The note first: a scenario's description (read a moment ago in the picker,
            // and on screen again once the message goes) fills the message's three lines
            // at 80 columns and cut the note off, the one place that says undo is there.
            // An error keeps its own words first.
            message.text = if message.error { format!("{} ({note})", message.text) } else { format!("{note}. {}", message.text) };
        }
        self.message = Some(message);
        self.changed();
    }

    /// Puts `next` in place of the session and what goes with it. The session it
    /// replaces is kept for undo until the next action when it holds work; an empty one
    /// leaves what was kept before it (`T` twice still leads back to the first).
    /// The new session starts paused: play would run it on unasked, and live time took
    /// its cursor, behind the old one's, for a step back and said so over its notice.
    fn replace_session(&mut self, next: Kept) {
        self.teach.player.pause();
        let old = Kept {
            session: std::mem::replace(&mut self.session, next.session),
            label: std::mem::replace(&mut self.label, next.label),
            code_label: std::mem::replace(&mut self.code_label, next.code_label),
            failures: std::mem::replace(&mut self.failures, next.failures),
            description: std::mem::replace(&mut self.description, next.description),
            refused: std::mem::replace(&mut self.refused, next.refused),
        };
        if old.session.holds_work() {
            self.kept = Some(old);
        }
    }

    /// What a message says while a replaced session is kept ("...; undo puts it back: u").
    fn kept_note(&self) -> Option<String> {
        self.kept.as_ref().map(|_| format!("{}: {}", controls::SESSION_KEPT_NOTE, controls::keys_label(Command::Undo)))
    }

    pub fn context(&self) -> Context {
        match self.mode {
            Mode::Main => Context::Main,
            Mode::Form(_) => Context::Form,
            Mode::Prompt(_) => Context::Prompt,
            Mode::Picker(_) => Context::Picker,
            Mode::Help(_) => Context::Help,
            Mode::Commands(_) => Context::Commands,
        }
    }

    pub fn handle_key(&mut self, key: KeyEvent) {
        let action = keymap::lookup(self.context(), key);
        if self.too_small {
            // The panes are not drawn: a key must not act unseen. Quitting still works.
            if matches!(action, Some(UiAction::Do(Command::Quit))) {
                self.should_quit = true;
            }
            return;
        }
        if let Some(action) = action {
            self.dispatch(action);
            return;
        }
        // Keys the keymap does not bind edit the text of forms and prompts, at the
        // cursor (typing, ←/→, Home/End, Backspace, Delete); other chords are not text.
        if let Some(edit) = keymap::edit(self.context(), key) {
            match &mut self.mode {
                Mode::Form(f) => f.edit(edit),
                Mode::Prompt(p) => p.edit(edit),
                _ => {}
            }
            return;
        }
        // A letter that is no key at all must not leave the last message standing
        // as if it were the answer (a newcomer tries keys).
        if let (Mode::Main, KeyCode::Char(c)) = (&self.mode, key.code)
            && keymap::is_plain(key)
        {
            self.message = Some(unbound(c));
        }
    }

    /// Text pasted into the terminal (bracketed paste: it arrives whole, not as keys).
    /// In a form or a prompt it is typed at the cursor, its line breaks and tabs as
    /// spaces (a copied line's own line break dropped), so a paste of two lines cannot
    /// press Enter and have its second line run as commands (`d` delivers); anywhere
    /// else it does nothing, and says so.
    pub fn paste(&mut self, text: &str) {
        if self.too_small {
            return;
        }
        let text: String = text
            .trim_end_matches(['\r', '\n'])
            .replace("\r\n", "\n")
            .chars()
            .filter_map(|c| match c {
                '\n' | '\r' | '\t' => Some(' '),
                c if c.is_control() => None,
                c => Some(c),
            })
            .collect();
        match &mut self.mode {
            Mode::Form(f) => f.insert(&text),
            Mode::Prompt(p) => p.insert(&text),
            _ => {
                self.message = Some(err("pasted text is read only in a form or a prompt (c asks for a scan's location): nothing was done"))
            }
        }
    }

    /// Whether an action makes sense now; the key bar shows only those.
    pub fn available(&self, action: UiAction) -> bool {
        match action {
            UiAction::Do(c) => self.availability(c).is_available(),
            // Paging through the history needs events; the picker's, the help's and the
            // commands' lists move whether or not the session has any (their bars hid ↑ ↓).
            UiAction::PagePrev | UiAction::PageNext if self.mode == Mode::Main => !self.session.history().is_empty(),
            UiAction::ScrollDown(Pane::Detail) | UiAction::ScrollUp(Pane::Detail) => self.detail_scroll.max.get() > 0,
            UiAction::ScrollDown(Pane::Guide) | UiAction::ScrollUp(Pane::Guide) => self.teach.guide_open && self.guide_scroll.max.get() > 0,
            _ => true,
        }
    }

    /// A shared command's availability: the core's rules, or in bridge mode the
    /// server's (the clock is real and the worker runs outside).
    pub fn availability(&self, c: Command) -> Availability {
        if let Some(b) = &self.bridge {
            let watched = b.watched.is_some();
            match c {
                // Whether the workflow still runs is the server's to say: a refusal comes
                // back in its own words.
                Command::Scan | Command::Delivered | Command::Query | Command::Terminate | Command::Cancel if !watched => {
                    return Availability::Unavailable("start or watch a workflow on the server first".into());
                }
                // The server said it has no such workflow: every call would get that answer.
                // (A `match` on `b.missing`, not an `if let` guard: those need Rust 1.95.)
                Command::Scan | Command::Delivered | Command::Query | Command::Terminate | Command::Cancel => {
                    return match &b.missing {
                        Some(why) => Availability::Unavailable(why.clone()),
                        None => Availability::Available,
                    };
                }
                Command::Step | Command::NextTimer | Command::Run | Command::ToggleAutoRun | Command::Play | Command::Live => {
                    return Availability::Unavailable(
                        "bridge mode: the clock is real and the worker (bridge worker) runs the workflow; nothing to step".into(),
                    );
                }
                Command::Scenarios | Command::Import | Command::TourChapter => {
                    return Availability::Unavailable(
                        "bridge mode shows the server's workflow; scenarios and imports are for the simulator (tui without --bridge)"
                            .into(),
                    );
                }
                _ => {}
            }
        }
        // Play and live time that are on can always be turned off, even where turning
        // them on would make no sense (a scenario loaded while live, at its start).
        let front = controls::FrontState { play: self.teach.player.mode(), session_kept: self.kept.is_some() };
        controls::availability_in(c, &self.session, front)
    }

    pub fn dispatch(&mut self, action: UiAction) {
        match action {
            UiAction::Do(c) => self.command(c),
            UiAction::Predict(choice) => self.predict(choice),
            UiAction::Cancel => {
                // The form's own message ("Enter starts…") would go on promising what Enter no longer does.
                if matches!(self.mode, Mode::Form(_)) {
                    let next = if self.session.workflow_id().is_none() { "; G opens the guided tour" } else { "" };
                    self.message = Some(info(format!("no order started: s opens the start form again{next}")));
                }
                // A terminate is the one prompt whose Esc is a decision worth confirming.
                if matches!(&self.mode, Mode::Prompt(p) if p.kind == PromptKind::Terminate) {
                    self.message = Some(info("nothing terminated: the workflow goes on as it was"));
                }
                if matches!(&self.mode, Mode::Prompt(p) if p.kind == PromptKind::Cancel) {
                    self.message = Some(info("nothing canceled: no cancel was requested, the workflow goes on as it was"));
                }
                self.mode = Mode::Main;
            }
            // The terminal's own keys on the main screen answer as the shared commands
            // do: with why, when they can do nothing now, and clearing the last message.
            // (↑ ↓ k j there are the shared selection commands.)
            UiAction::PagePrev | UiAction::PageNext | UiAction::ScrollDown(_) | UiAction::ScrollUp(_)
                if self.mode == Mode::Main && !self.available(action) =>
            {
                self.message = Some(err(self.own_key_refusal(action)));
            }
            UiAction::SelectPrev | UiAction::SelectNext | UiAction::PagePrev | UiAction::PageNext => {
                if self.mode == Mode::Main {
                    self.message = None;
                }
                self.select(action)
            }
            UiAction::ScrollDown(pane) | UiAction::ScrollUp(pane) => {
                // The detail pane's keys scroll a refusal's explanation, which stands
                // as long as its message does.
                if !(pane == Pane::Detail && self.refusal_explained().is_some()) {
                    self.message = None;
                }
                let down = matches!(action, UiAction::ScrollDown(_));
                match pane {
                    Pane::Detail => self.detail_scroll.scroll(self.detail_at(), down),
                    Pane::Guide if self.teach.guide_open => self.guide_scroll.scroll(self.guide_at(), down),
                    Pane::Guide => {}
                }
            }
            UiAction::Submit => self.submit(),
            UiAction::NextField | UiAction::PrevField => {
                if let Mode::Form(f) = &mut self.mode {
                    if action == UiAction::NextField { f.next_field() } else { f.prev_field() }
                }
            }
        }
    }

    /// Why one of the terminal's own main-screen keys (paging through the events, pane scrolling)
    /// can do nothing now.
    fn own_key_refusal(&self, action: UiAction) -> String {
        match action {
            UiAction::ScrollDown(Pane::Guide) | UiAction::ScrollUp(Pane::Guide) if !self.teach.guide_open => {
                format!("the tour is closed: {} opens it", controls::keys_label(Command::Guide))
            }
            UiAction::ScrollDown(Pane::Guide) | UiAction::ScrollUp(Pane::Guide) => {
                "the tour's guide shows all it holds: nothing to scroll".into()
            }
            UiAction::ScrollDown(Pane::Detail) | UiAction::ScrollUp(Pane::Detail) => {
                let pane = if self.teach.explain_open { "Why" } else { "event JSON" };
                format!("the {pane} pane shows all it holds: nothing to scroll")
            }
            // The page keys: a selection ten events at a time, refused as k and j are.
            _ => controls::NOTHING_TO_SELECT.into(),
        }
    }

    /// A shared command: refused with the reason when it makes no sense now, so the
    /// message always says why a key did nothing.
    fn command(&mut self, c: Command) {
        if let Availability::Unavailable(why) = self.availability(c) {
            self.message = Some(err(why));
            return;
        }
        // What the last key said is about an earlier moment: a command that says
        // nothing of its own (a tour step, the grouped view) must not leave it
        // standing, e.g. "this step asks no question" over a step that asks one.
        self.message = None;
        if self.bridge.is_some() && self.bridge_command(c) {
            return;
        }
        match c {
            Command::Quit => self.should_quit = true,
            Command::Help => self.mode = Mode::Help(0),
            Command::Commands => {
                let n = postflow_core::session::script::commands(&self.session).len();
                self.mode = Mode::Commands(n.saturating_sub(1));
            }
            Command::Undo if self.kept.is_some() => self.put_back(),
            Command::Undo => match self.session.undo_replace() {
                Ok(()) => {
                    self.message = Some(info(format!("the replaced steps are back; at step {}", self.session.cursor())));
                    self.changed();
                }
                Err(e) => self.message = Some(err(e)),
            },
            Command::Copy => {
                let cmds = postflow_core::session::script::commands(&self.session);
                let (step, text) = match self.mode {
                    Mode::Commands(i) => cmds.get(i).cloned(),
                    _ => cmds.last().cloned(),
                }
                .unwrap_or_default();
                self.message =
                    Some(info(format!("copied the command of step {step} to the clipboard ({} characters, OSC 52)", text.len())));
                self.clipboard = Some(text);
            }
            Command::Start => {
                let next = self.bridge.as_ref().and_then(|b| b.next_form.clone());
                self.mode = Mode::Form(next.unwrap_or_else(StartForm::workshop));
            }
            Command::Scan => self.mode = Mode::Prompt(Prompt::new(PromptKind::Scan, "")),
            Command::Terminate => self.mode = Mode::Prompt(Prompt::new(PromptKind::Terminate, "")),
            Command::Cancel => self.mode = Mode::Prompt(Prompt::new(PromptKind::Cancel, "")),
            Command::Export => {
                let name = match self.bridge.as_ref().and_then(|b| b.watched.as_ref()) {
                    Some(w) if self.session.workflow_id().is_none() => format!("{}.history.json", w.workflow_id),
                    _ => controls::ExportKind::History.file_name(&self.session),
                };
                self.mode = Mode::Prompt(Prompt::new(PromptKind::Export, name));
            }
            Command::Import => self.mode = Mode::Prompt(Prompt::new(PromptKind::Import, "")),
            Command::Scenarios => self.mode = Mode::Picker(0),
            Command::Delivered => self.perform(controls::delivered_action()),
            Command::Query => self.perform(controls::query_action()),
            Command::Step => self.perform(Action::Step),
            Command::NextTimer => self.perform(Action::AdvanceNext),
            Command::Run => self.perform(Action::Run),
            Command::Back => self.seek(self.session.cursor().saturating_sub(1)),
            Command::Forward => self.seek(self.session.cursor() + 1),
            Command::First => self.seek(0),
            Command::Last => self.seek(self.session.timeline().len()),
            Command::SelectPrevEvent => self.select(UiAction::SelectPrev),
            Command::SelectNextEvent => self.select(UiAction::SelectNext),
            Command::ToggleGrouped => self.grouped = !self.grouped,
            Command::ToggleAutoRun => {
                self.session.auto_run = !self.session.auto_run;
                let on = if self.session.auto_run { "on: the worker runs after each signal, start and clock move" } else { "off" };
                self.message = Some(info(format!("auto-run {on}")));
            }
            Command::Explain => self.teach.explain_open = !self.teach.explain_open,
            Command::Guide => {
                self.teach.guide_open = !self.teach.guide_open;
                self.teach.tour.rebase(&self.session);
            }
            Command::TourNext | Command::TourBack => {
                self.teach.guide_open = true;
                if c == Command::TourNext {
                    self.teach.tour.next(&self.session)
                } else {
                    self.teach.tour.previous(&self.session)
                }
                self.save_tour();
            }
            Command::TourChapter => self.open_tour_chapter(),
            // The digit is the choice: the keymap turns the key into `UiAction::Predict`.
            Command::Predict => self.predict(0),
            Command::Play => {
                self.teach.player.toggle_play(&self.session);
                self.message = Some(info(self.teach.player.label()));
            }
            Command::Live => {
                self.teach.player.toggle_live(&self.session);
                self.message = Some(info(self.teach.player.label()));
            }
            Command::Faster | Command::Slower => {
                if c == Command::Faster {
                    self.teach.player.faster()
                } else {
                    self.teach.player.slower()
                }
                self.message = Some(info(self.teach.player.label()));
            }
        }
    }

    fn predict(&mut self, choice: usize) {
        self.teach.guide_open = true;
        self.message = Some(match self.teach.tour.answer(choice) {
            Ok(()) => {
                self.save_tour();
                info(format!("prediction {}: now do the step and see", choice + 1))
            }
            Err(e) => err(e),
        });
    }

    /// The commands that go to the server in bridge mode; `false` for the rest.
    fn bridge_command(&mut self, c: Command) -> bool {
        let Some(b) = &mut self.bridge else { return false };
        let sent = match c {
            Command::Delivered => b.signal(DELIVERED_SIGNAL, None).map(|()| "sending DeliveredSignal…"),
            Command::Query => b.query().map(|()| "asking current_status (a worker answers it)…"),
            _ => return false,
        };
        self.message = Some(match sent {
            Ok(text) => info(text),
            Err(e) => err(e),
        });
        true
    }

    fn select(&mut self, action: UiAction) {
        let up = matches!(action, UiAction::SelectPrev | UiAction::PagePrev);
        let by = if matches!(action, UiAction::PagePrev | UiAction::PageNext) { 10 } else { 1 };
        if let Mode::Help(scroll) = &mut self.mode {
            let max = crate::ui::help_lines(self.bridge.is_some()).min(self.help_max.get());
            *scroll = if up { scroll.saturating_sub(by) } else { scroll.saturating_add(by).min(max) };
            return;
        }
        if let Mode::Commands(i) = &mut self.mode {
            let n = postflow_core::session::script::commands(&self.session).len();
            *i = if up { i.saturating_sub(1) } else { (*i + 1).min(n.saturating_sub(1)) };
            return;
        }
        if let Mode::Picker(i) = &mut self.mode {
            let n = BUILTIN.len();
            *i = if action == UiAction::SelectPrev { (*i + n - 1) % n } else { (*i + 1) % n };
            return;
        }
        let len = self.session.history().len();
        if len == 0 {
            return;
        }
        let at = self.selected_index().unwrap_or(len - 1) as isize;
        let by = match action {
            UiAction::SelectPrev => -1,
            UiAction::SelectNext => 1,
            UiAction::PagePrev => -10,
            _ => 10,
        };
        let to = (at + by).clamp(0, len as isize - 1) as usize;
        // Moving back onto the newest event goes back to following it.
        self.selected = (to + 1 < len).then_some(to);
    }

    /// What the pane under the history shows: the session's state, the selected
    /// event, and whether it is the explanation (or the JSON).
    pub fn detail_at(&self) -> DetailAt {
        (self.generation, self.selected_index(), self.teach.explain_open)
    }

    /// What the guide shows: the session's state and the tour's step (a prediction
    /// changes neither, so the guide stays where it was scrolled to).
    pub fn guide_at(&self) -> GuideAt {
        (self.generation, self.teach.tour.current().map(|s| s.id))
    }

    /// The selected history index at the cursor (the newest event when following).
    pub fn selected_index(&self) -> Option<usize> {
        let len = self.session.history().len();
        match self.selected {
            _ if len == 0 => None,
            Some(i) => Some(i.min(len - 1)),
            None => Some(len - 1),
        }
    }

    fn submit(&mut self) {
        match std::mem::replace(&mut self.mode, Mode::Main) {
            Mode::Form(mut form) => {
                if let Err(e) = self.start(&form) {
                    form.error = Some(e);
                    self.mode = Mode::Form(form);
                }
            }
            Mode::Prompt(mut p) => {
                if let Err(e) = self.answer(&p) {
                    p.error = Some(e);
                    self.mode = Mode::Prompt(p);
                }
            }
            Mode::Picker(i) => match source::scenario(BUILTIN[i].name) {
                Ok(loaded) => self.show(loaded),
                Err(e) => self.message = Some(err(e)),
            },
            other => self.mode = other,
        }
    }

    /// Starts the form's order. A session that already runs a workflow (or shows an
    /// import) is replaced by a fresh one only once the start has succeeded, so a
    /// refused start changes nothing.
    fn start(&mut self, form: &StartForm) -> Result<(), String> {
        let action = form.to_action()?;
        if let Some(b) = &mut self.bridge {
            let label = action.label();
            b.start(action, form.clone());
            self.message = Some(info(format!("{label}: sending to the server…")));
            self.selected = None;
            return Ok(());
        }
        if self.session.workflow_id().is_some() || self.session.is_imported() {
            let imported = self.session.is_imported();
            let mut fresh = if imported { Session::new(SessionConfig::default()) } else { self.session.restarted() };
            fresh.auto_run = self.session.auto_run_for_next();
            fresh.perform(action)?;
            // An imported history's code is not run for a new order: the reference is.
            let code_label = if imported { None } else { self.code_label.clone() };
            let label = code_label.clone().unwrap_or_else(|| "new order".into());
            // What is said of the code (an exercise's compiler warning) holds for the new
            // order; a scenario's description is of the run the new order replaces.
            let description = code_label.as_ref().and(self.description.clone());
            self.replace_session(Kept { session: fresh, label, code_label, failures: Vec::new(), description, refused: Vec::new() });
            self.teach.tour.new_session();
        } else {
            self.session.perform(action)?;
        }
        // What the start replaced (or what `T` kept before an empty session) stays
        // within reach until the next action.
        let kept = self.kept.take();
        self.after_action();
        self.kept = kept;
        if let (Some(note), None) = (self.kept_note(), &self.message) {
            self.message = Some(info(format!("started; {note}")));
        }
        Ok(())
    }

    fn answer(&mut self, p: &Prompt) -> Result<(), String> {
        let text = p.input.trim();
        match p.kind {
            PromptKind::Scan => {
                let action = controls::scan_action(text)?;
                if let (Some(b), Action::Signal { input, .. }) = (&mut self.bridge, &action) {
                    b.signal(SCAN_SIGNAL, input.clone())?;
                    self.message = Some(info("sending ScanSignal…"));
                    return Ok(());
                }
                self.session.perform(action)?;
                self.after_action();
            }
            PromptKind::Terminate => {
                let action = controls::terminate_action(text);
                let Action::Terminate { reason } = &action else { unreachable!("terminate_action gives a terminate") };
                if let Some(b) = &mut self.bridge {
                    b.terminate(reason)?;
                    self.message = Some(info("sending the terminate to the server…"));
                    return Ok(());
                }
                let done = format!(
                    "{} {}: closed at once, its code not asked; {} goes back to before it",
                    self.session.workflow_id().unwrap_or("the workflow"),
                    terminated_words(reason),
                    controls::keys_label(Command::Back),
                );
                self.session.perform(action)?;
                self.after_action();
                // What the action replaced (undo) or the tour said stays on the line too.
                let also = self.message.take().map(|m| format!("; {}", m.text)).unwrap_or_default();
                self.message = Some(info(format!("{done}{also}")));
            }
            PromptKind::Cancel => {
                let action = controls::cancel_action(text);
                let Action::Cancel { reason } = &action else { unreachable!("cancel_action gives a cancel") };
                if let Some(b) = &mut self.bridge {
                    b.cancel(reason)?;
                    self.message = Some(info("sending the cancel request to the server…"));
                    return Ok(());
                }
                let asked = format!("{}: {}", self.session.workflow_id().unwrap_or("the workflow"), cancel_words(reason));
                self.session.perform(action)?;
                self.after_action();
                // What the code made of it: with auto-run the worker has run already.
                let then = match self.session.outcome() {
                    Some(o) => format!("its code gave up, and the workflow {o}"),
                    None if self.session.auto_run => "its code heard it and goes on (the history shows what it did)".into(),
                    None => format!("its code hears it in the next decision task ({} runs the worker)", controls::keys_label(Command::Run)),
                };
                let also = self.message.take().map(|m| format!("; {}", m.text)).unwrap_or_default();
                let back = controls::keys_label(Command::Back);
                self.message = Some(info(format!("{asked}; {then}; {back} goes back to before it{also}")));
            }
            PromptKind::Export => {
                if text.is_empty() {
                    return Err("type a file name".into());
                }
                let path = crate::export::expand_home(text);
                if path.is_dir() {
                    let example = path.join(controls::ExportKind::History.file_name(&self.session));
                    return Err(format!("{} is a directory: type a file name in it, e.g. {}", path.display(), example.display()));
                }
                // A file that is there already is overwritten only when asked twice.
                if path.exists() && !p.confirmed_overwrite(text) {
                    return Err(format!("{} exists: press Enter again to overwrite it, or change the name", path.display()));
                }
                // The system says "No such file or directory" of a file an export is to create.
                if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty() && !d.is_dir()) {
                    return Err(format!(
                        "{}: there is no folder {}: create it first, or type a path in a folder that exists",
                        path.display(),
                        dir.display()
                    ));
                }
                let kind = controls::ExportKind::for_path(text);
                std::fs::write(&path, kind.contents(&self.session)).map_err(|e| format!("{}: {e}", path.display()))?;
                let full = std::fs::canonicalize(&path).unwrap_or(path);
                self.message = Some(info(format!("exported {} as {} to {}", kind.what(&self.session), kind.label(), full.display())));
            }
            PromptKind::Import => {
                if text.is_empty() {
                    return Err("type the path of a history JSON file".into());
                }
                // As typed to export: `~/x.json` written there is read back from there.
                let loaded = source::import(&crate::export::expand_home(text).to_string_lossy())?;
                self.show(loaded);
            }
        }
        Ok(())
    }

    fn perform(&mut self, action: Action) {
        match self.session.perform(action) {
            Ok(()) => self.after_action(),
            Err(e) => self.message = Some(err(e)),
        }
    }

    fn seek(&mut self, k: usize) {
        self.session.seek(k);
        self.message = None;
        self.changed();
    }

    fn after_action(&mut self) {
        // Acting in the middle of the scenario replaced what followed: its refusals
        // there no longer happened.
        if let Some(at) = self.session.replaced_at() {
            self.refused.retain(|(p, _)| *p <= at);
        }
        self.kept = None;
        self.message = self.session.replaced_note().map(|n| info(format!("{n} (u)")));
        self.selected = None;
        self.changed();
    }

    /// Drops what was derived from the session (history rows, groups) and lets the
    /// tour look at the change. The app calls it after every change it makes; call it
    /// after changing `session` directly.
    pub fn changed(&mut self) {
        self.generation += 1;
        if let Some(done) = self.teach.tour.observe(&self.session) {
            self.teach.guide_open = true;
            self.message = Some(info(done.notice("T opens the next chapter's session", "the guide")));
            self.save_tour();
        }
    }

    fn save_tour(&mut self) {
        if let Err(e) = self.teach.save() {
            self.message = Some(err(e));
        }
    }

    /// A fresh session running the tour chapter's workflow, with the start form open.
    fn open_tour_chapter(&mut self) {
        if self.bridge.is_some() {
            self.message = Some(err("the tour runs on the simulator (tui without --bridge)"));
            return;
        }
        let config = self.teach.tour.session_config();
        let mut fresh = Session::new(config);
        fresh.auto_run = self.session.auto_run_for_next();
        // By number first, as the tour pane heads it; the name is the code's (`--chapter`).
        let chapter = config.postal.chapter;
        let label = format!("tour: chapter {} ({})", postflow_core::workshop::ChapterGuide::of(chapter).number, chapter.name());
        // A start in it runs under the tour's label.
        self.replace_session(Kept {
            session: fresh,
            label: label.clone(),
            code_label: Some(label),
            failures: Vec::new(),
            description: None,
            refused: Vec::new(),
        });
        self.selected = None;
        self.teach.guide_open = true;
        self.teach.tour.new_session();
        self.changed();
        // The form would cover the tour's question, and Enter would answer it unseen.
        let question = self.teach.tour.view(&self.session).step.and_then(|s| s.question).filter(|q| q.chosen.is_none());
        let undo = self.kept_note().map(|note| format!(" ({note})")).unwrap_or_default();
        if let Some(q) = question {
            self.mode = Mode::Main;
            self.message = Some(info(format!(
                "{}: predict first (1-{} in the tour pane), then s opens the start form{undo}",
                self.label,
                q.choices.len()
            )));
        } else {
            self.mode = Mode::Form(StartForm::workshop());
            self.message = Some(info(format!("{}: Enter starts the workshop order{undo}", self.label)));
        }
    }

    /// Brings back the session the tour's chapter replaced.
    fn put_back(&mut self) {
        let Some(k) = self.kept.take() else { return };
        self.session = k.session;
        self.label = k.label;
        self.code_label = k.code_label;
        self.failures = k.failures;
        self.description = k.description;
        self.refused = k.refused;
        self.selected = None;
        self.teach.player.pause();
        self.message = Some(info("your session is back"));
        self.changed();
    }

    /// The tick of the interactive loop: plays or lives `elapsed` of real time.
    pub fn tick_player(&mut self, elapsed: std::time::Duration) {
        let was = self.teach.player.mode();
        if self.teach.player.tick(&mut self.session, elapsed) {
            self.selected = None;
            self.changed();
        }
        if was != self.teach.player.mode()
            && let Some(why) = self.teach.player.stopped()
        {
            self.message = Some(info(why.to_owned()));
        }
    }

    /// Why the action on the message line was refused, in Cadence's terms, while the
    /// message stands (core's `explain_refusal`): the detail pane shows it in place of
    /// the event, whichever of JSON and Why it shows.
    pub fn refusal_explained(&self) -> Option<&'static str> {
        self.message.as_ref().filter(|m| m.error).and_then(|m| postflow_core::workshop::explain_refusal(&m.text))
    }

    /// The selected event explained, with the line of workflow code behind it.
    pub fn explanation(&self) -> Explained {
        let at = self.selected_index();
        let mut cache = self.explained.borrow_mut();
        match &*cache {
            Some((g, s, x)) if *g == self.generation && *s == at => x.clone(),
            _ => {
                let rows = self.rows();
                let x = Rc::new(at.and_then(|i| rows.get(i)).and_then(|row| self.session.explain(row.event_id)));
                *cache = Some((self.generation, at, x.clone()));
                x
            }
        }
    }

    /// Where the workflow code waits now (`__stack_trace`), once per change.
    pub fn stack_trace(&self) -> Rc<String> {
        cached(&self.trace, self.generation, || self.session.stack_trace())
    }

    /// The keys of a command, as the guide names them ("c").
    pub fn keys_of(&self, command: Command) -> String {
        controls::keys_label(command)
    }

    /// The history rows at the cursor, built once per change of the session.
    pub fn rows(&self) -> Rc<Vec<HistoryRow>> {
        cached(&self.rows, self.generation, || self.session.history_rows())
    }

    /// The grouped view's groups at the cursor, built once per change of the session.
    pub fn groups(&self) -> Rc<Vec<Group>> {
        cached(&self.groups, self.generation, || self.session.groups())
    }

    /// The answer of the last query at or before the cursor, with its step number.
    pub fn last_query(&self) -> Option<(usize, &str)> {
        let done = &self.session.timeline()[..self.session.cursor()];
        done.iter().enumerate().rev().find(|(_, e)| matches!(e.action, Action::Query { .. })).map(|(i, e)| (i + 1, e.outcome.as_str()))
    }

    /// What the loaded scenario tried at the cursor and was refused, if anything.
    pub fn refused_here(&self) -> Option<&str> {
        let cursor = self.session.cursor();
        self.refused.iter().find(|(at, _)| *at == cursor).map(|(_, words)| words.as_str())
    }

    /// Descriptions of the built-in scenarios, for the picker.
    pub fn scenario_description(index: usize) -> String {
        let b = &BUILTIN[index];
        Scenario::parse(b.name, b.toml).map(|s| s.description).unwrap_or_default()
    }
}

/// The explanation of the selected event, if an event is selected.
pub type Explained = Rc<Option<postflow_core::workshop::Explanation>>;

/// A value derived from the session, rebuilt only when the generation moved on: a
/// frame for a long history then costs only what is on screen.
fn cached<T>(cell: &RefCell<Option<(u64, Rc<T>)>>, generation: u64, build: impl FnOnce() -> T) -> Rc<T> {
    let mut cache = cell.borrow_mut();
    match &*cache {
        Some((g, v)) if *g == generation => v.clone(),
        _ => {
            let v = Rc::new(build());
            *cache = Some((generation, v.clone()));
            v
        }
    }
}

/// "terminated (reason: lost)" or "terminated (no reason given)": what a terminate did,
/// on the message line of the simulator and of bridge mode alike.
pub(crate) fn terminated_words(reason: &str) -> String {
    if reason.is_empty() { "terminated (no reason given)".into() } else { format!("terminated (reason: {reason})") }
}

/// "cancel requested (reason: moved)" or "cancel requested (no reason given)": what a
/// cancel did, on the message line of the simulator and of bridge mode alike.
pub(crate) fn cancel_words(reason: &str) -> String {
    if reason.is_empty() { "cancel requested (no reason given)".into() } else { format!("cancel requested (reason: {reason})") }
}

fn info(text: impl Into<String>) -> Message {
    Message { text: text.into(), error: false }
}

fn err(text: impl Into<String>) -> Message {
    Message { text: text.into(), error: true }
}

/// How to move through a session just loaded: a scenario opens at its start, an
/// import at its end, where "→ steps forward" would promise what → does not do.
fn stepping_hint(s: &Session) -> &'static str {
    match (s.cursor(), s.timeline().len()) {
        (at, len) if at >= len => "← steps back, Home goes to the start",
        (0, _) => "→ steps forward, End goes to the end",
        _ => "→ steps forward, ← back",
    }
}

/// What a letter that no binding takes says: that it did nothing, and where the keys are.
fn unbound(c: char) -> Message {
    let key = crate::keymap::key_name(KeyCode::Char(c));
    err(controls::unbound_key(&key))
}

/// A session put aside by the tour's chapter, with what the status line said of it.
struct Kept {
    session: Session,
    label: String,
    code_label: Option<String>,
    failures: Vec<String>,
    description: Option<String>,
    refused: Vec<(usize, String)>,
}

/// What the pane under the history shows: (session change, selected event, Why or JSON).
pub type DetailAt = (u64, Option<usize>, bool);
/// What the guide shows: (session change, tour step).
pub type GuideAt = (u64, Option<&'static str>);

/// How far a pane is scrolled. The offset belongs to what the pane showed when it was
/// scrolled (`At`): another event, step or view starts at the top again.
#[derive(Debug)]
pub struct PaneScroll<At> {
    at: Option<At>,
    by: u16,
    /// The most the pane can scroll, as the last draw measured it.
    pub max: Cell<u16>,
}

impl<At> Default for PaneScroll<At> {
    fn default() -> PaneScroll<At> {
        PaneScroll { at: None, by: 0, max: Cell::new(0) }
    }
}

impl<At: PartialEq> PaneScroll<At> {
    /// The offset to draw `at` with.
    pub fn offset(&self, at: &At) -> u16 {
        if self.at.as_ref() == Some(at) { self.by.min(self.max.get()) } else { 0 }
    }

    fn scroll(&mut self, at: At, down: bool) {
        let from = self.offset(&at);
        self.at = Some(at);
        self.by = if down { from.saturating_add(1).min(self.max.get()) } else { from.saturating_sub(1) };
    }
}
