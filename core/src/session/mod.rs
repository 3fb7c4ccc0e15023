//! The session: the view model the terminal and web front ends only draw.
//!
//! A session owns a simulated server and a timeline of primitive actions. Every
//! action (start an order, scan, deliver, query, step, move the clock) is checked,
//! applied and recorded with its `cadence` CLI equivalent; bad input is refused with a
//! message and changes nothing. Moving the cursor back rebuilds the state by re-running
//! the recorded actions — the simulation is deterministic, so that is exact.

mod action;
pub mod cli;
mod pending;
mod play;
pub mod script;
mod share;
mod teach;
mod view;

use std::time::Duration;

pub use action::Action;
pub use pending::{PendingItem, PendingKind, Timeout, pending_items};
pub use play::{PlayMode, Player};
pub use share::{MAX_LINK_LENGTH, ShareError, link_too_long};
pub use view::{Group, HistoryRow, PendingActivityRow, PendingTimerRow, StatusLine, UnreadSignalRow};

use crate::engine::{Engine, StartRequest};
use crate::history::HistoryEvent;
use crate::payload::Payload;
use crate::postal::{self, Order, PostalConfig};
use crate::registry::Registry;

/// What a session simulates: the seed of the activities and which workflow code runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SessionConfig {
    pub seed: u64,
    pub postal: PostalConfig,
}

impl Default for SessionConfig {
    fn default() -> SessionConfig {
        SessionConfig { seed: 1, postal: PostalConfig::default() }
    }
}

/// One recorded action and what came of it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    pub action: Action,
    /// What happened, for people ("decision task completed: StartTimer(timerId 3)").
    pub outcome: String,
    /// The equivalent `cadence` CLI command, when there is one.
    pub cli: Option<String>,
}

/// The default workflow timeout of a start: the workshop's `--execution_timeout 600`.
pub const DEFAULT_EXECUTION_TIMEOUT: Duration = Duration::from_secs(600);

pub struct Session {
    config: SessionConfig,
    /// The code the simulated worker runs and the workflow type a start names: the
    /// chapter's reference workflow, or a participant's own (an exercise).
    workload: Workload,
    /// Set when the session shows an imported history instead of simulating.
    imported: Option<Imported>,
    engine: Engine,
    workflow_id: Option<String>,
    timeline: Vec<Entry>,
    /// How many timeline entries the current state reflects.
    cursor: usize,
    /// Whether external actions are followed by a run of the worker.
    pub auto_run: bool,
    /// The later steps the last action replaced (acting in the middle of the
    /// timeline), with the cursor they hung from: what [`Session::undo_replace`] puts back.
    replaced: Option<(usize, Vec<Entry>)>,
}

/// What the simulated worker serves in a session.
#[derive(Clone)]
struct Workload {
    registry: Registry,
    workflow_type: String,
}

impl Session {
    pub fn new(config: SessionConfig) -> Session {
        let workflow_type = config.postal.chapter.names().workflow.to_owned();
        Session::with_registry(config, postal::registry(config.postal), &workflow_type)
    }

    /// A session whose worker serves `registry` and whose starts name `workflow_type`:
    /// a participant's own workflow runs on the same simulated server as the reference.
    pub fn with_registry(config: SessionConfig, registry: Registry, workflow_type: &str) -> Session {
        let workload = Workload { registry, workflow_type: workflow_type.to_owned() };
        Session {
            config,
            engine: Engine::new(workload.registry.clone(), config.seed),
            workload,
            imported: None,
            workflow_id: None,
            timeline: Vec::new(),
            cursor: 0,
            auto_run: true,
            replaced: None,
        }
    }

    /// The auto-run switch a session that replaces this one takes (a new order, a
    /// chapter's session, a loaded scenario): this one's, or on after an imported
    /// history, which has no switch of its own.
    pub fn auto_run_for_next(&self) -> bool {
        self.auto_run || self.is_imported()
    }

    /// A fresh session that runs the same code with the same settings.
    pub fn restarted(&self) -> Session {
        let mut s = Session::with_registry(self.config, self.workload.registry.clone(), &self.workload.workflow_type);
        s.auto_run = self.auto_run;
        s
    }

    pub fn config(&self) -> SessionConfig {
        self.config
    }

    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    pub fn workflow_id(&self) -> Option<&str> {
        self.workflow_id.as_deref()
    }

    pub fn workflow_type(&self) -> &str {
        &self.workload.workflow_type
    }

    /// The whole timeline, including entries after the cursor (the "redo" part).
    pub fn timeline(&self) -> &[Entry] {
        &self.timeline
    }

    pub fn cursor(&self) -> usize {
        self.cursor
    }

    /// The entry the current state ends with.
    pub fn last_entry(&self) -> Option<&Entry> {
        self.cursor.checked_sub(1).and_then(|i| self.timeline.get(i))
    }

    /// Does an action, and in auto-run mode lets the worker run after an external one.
    pub fn perform(&mut self, action: Action) -> Result<(), String> {
        let external = action.is_external();
        self.apply(action)?;
        if self.auto_run && external {
            // The run belongs to the same action.
            self.apply_following(Action::Run)?;
        }
        Ok(())
    }

    /// Applies an action that follows on from the last one rather than being a new
    /// one of the person's (the run after an action in auto-run mode, live time's
    /// steps): what the last action replaced stays for undo, and for the front end's
    /// note, unless this one replaces something itself.
    pub(crate) fn apply_following(&mut self, action: Action) -> Result<(), String> {
        let earlier = self.replaced.take();
        let applied = self.apply(action);
        if self.replaced.is_none() {
            self.replaced = earlier;
        }
        applied
    }

    /// The step the last action was taken from when it replaced later steps: the
    /// timeline after it is no longer what was there before.
    pub fn replaced_at(&self) -> Option<usize> {
        self.replaced.as_ref().map(|r| r.0)
    }

    /// What the last action replaced, for a front end to say so: "this replaced the
    /// 5 later steps (undo puts them back)".
    pub fn replaced_note(&self) -> Option<String> {
        let (_, dropped) = self.replaced.as_ref()?;
        Some(format!(
            "acting at step {} replaced the {} later step(s) of the timeline; undo puts them back",
            self.replaced.as_ref().map_or(0, |r| r.0),
            dropped.len()
        ))
    }

    /// Puts back the steps the last action replaced, as they were, at the step the
    /// action was taken from.
    pub fn undo_replace(&mut self) -> Result<(), String> {
        let (at, dropped) = self.replaced.take().ok_or("nothing to undo: the last action replaced no steps")?;
        self.timeline.truncate(at);
        self.timeline.extend(dropped);
        self.cursor = self.cursor.min(at);
        let rebuilt = self.rebuilt(at);
        *self = Session { timeline: std::mem::take(&mut self.timeline), ..rebuilt };
        self.cursor = at;
        Ok(())
    }

    /// Applies one action at the cursor. Entries after the cursor are dropped first,
    /// as in any editor's undo history. On error nothing changes.
    pub fn apply(&mut self, action: Action) -> Result<(), String> {
        if self.imported.is_some() {
            return Err("this session shows an imported history; start a new session to simulate".into());
        }
        // A refused action changes nothing (the engine checks before it writes), so the
        // redo entries are only dropped once the action has succeeded.
        let added = self.apply_here(&action)?;
        self.replaced = (self.cursor < self.timeline.len()).then(|| (self.cursor, self.timeline[self.cursor..].to_vec()));
        self.timeline.truncate(self.cursor);
        self.timeline.extend(added);
        self.cursor = self.timeline.len();
        Ok(())
    }

    /// Applies an action to the current state; returns the entries it makes.
    fn apply_here(&mut self, action: &Action) -> Result<Vec<Entry>, String> {
        let entry = |s: &Session, action: Action, outcome: String| {
            let cli = cli::command(&action, s.workflow_type(), s.workflow_id.as_deref().unwrap_or_default());
            Entry { action, outcome, cli }
        };
        match action {
            Action::Start { workflow_id, input, execution_timeout } => {
                let req = StartRequest {
                    workflow_id: workflow_id.clone(),
                    workflow_type: self.workflow_type().into(),
                    task_list: postal::TASK_LIST.into(),
                    input: Some(Payload::from(input.as_str())),
                    execution_timeout: *execution_timeout,
                    task_timeout: Duration::from_secs(10),
                };
                let run_id = self.engine.start_workflow(req).map_err(|e| e.to_string())?;
                self.workflow_id = Some(workflow_id.clone());
                Ok(vec![entry(self, action.clone(), format!("started {workflow_id} (run {run_id})"))])
            }
            Action::Signal { name, input } => {
                let wid = self.require_workflow()?;
                if let Some(i) = input {
                    cli::check_input(i)?;
                }
                self.engine.signal(&wid, name, input.as_deref().map(Payload::from)).map_err(|e| e.to_string())?;
                let outcome = match self.unread_by_code(name) {
                    Some(workflow_type) => {
                        format!("signal {name} recorded in history; nothing in {workflow_type} reads channel {name}, so it stays unread")
                    }
                    None => format!("signal {name} sent"),
                };
                Ok(vec![entry(self, action.clone(), outcome)])
            }
            Action::Query { name } => {
                let wid = self.require_workflow()?;
                let answer = self.engine.query(&wid, name).map_err(|e| e.to_string())?;
                Ok(vec![entry(self, action.clone(), answer.to_text().trim_end().to_owned())])
            }
            Action::Terminate { reason } => {
                let wid = self.require_workflow()?;
                self.engine.terminate(&wid, reason).map_err(|e| e.to_string())?;
                Ok(vec![entry(self, action.clone(), "terminated: the server closed the workflow without asking its code".into())])
            }
            Action::Cancel { reason } => {
                let wid = self.require_workflow()?;
                self.engine.cancel(&wid, reason).map_err(|e| e.to_string())?;
                Ok(vec![entry(self, action.clone(), "cancel requested: the workflow code reads it in its next decision task".into())])
            }
            Action::Step => {
                let report = self.engine.step().ok_or("nothing to step: the worker waits for the clock or a signal")?;
                Ok(vec![entry(self, Action::Step, report.outcome.to_string())])
            }
            Action::Run => {
                let steps = self.engine.run_until_blocked();
                Ok(steps.into_iter().map(|r| entry(self, Action::Step, r.outcome.to_string())).collect())
            }
            Action::AdvanceNext => {
                let before = self.engine.now();
                let fired = self.engine.advance_to_next().map_err(|e| e.to_string())?;
                let moved = self.engine.now().since(before);
                Ok(vec![entry(self, Action::AdvanceNext, advanced(moved, &fired))])
            }
            Action::AdvanceBy { by } => {
                let now = self.engine.now();
                if now.0.checked_add(i64::try_from(by.as_nanos()).unwrap_or(i64::MAX)).is_none() {
                    // A move typed in hours or days reads back as seconds: the years say the size.
                    let most = Duration::from_secs(u64::try_from(i64::MAX.saturating_sub(now.0) / 1_000_000_000).unwrap_or(0));
                    return Err(format!(
                        "the clock cannot move by {}{}: it would pass the year 2262, the end of Cadence's clock; from here \
                         it can move at most {}{}",
                        crate::time::format_duration(*by),
                        in_years(*by),
                        crate::time::format_duration(most),
                        in_years(most)
                    ));
                }
                let fired = self.engine.advance_by(*by);
                Ok(vec![entry(self, action.clone(), advanced(*by, &fired))])
            }
        }
    }

    /// The workflow type, when its code never reads signal channel `name`.
    pub fn unread_by_code(&self, name: &str) -> Option<&str> {
        let t = self.workflow_type();
        let d = self.engine.registry().workflow(t)?;
        (!d.signals.contains(&name)).then_some(t)
    }

    fn require_workflow(&self) -> Result<String, String> {
        self.workflow_id.clone().ok_or_else(|| "no workflow yet: start an order first".to_owned())
    }

    /// Moves the cursor to `k` (0 = before the first action), rebuilding the state.
    pub fn seek(&mut self, k: usize) {
        let k = k.min(self.timeline.len());
        if self.imported.is_some() {
            self.cursor = k;
        } else if k < self.cursor {
            let rebuilt = self.rebuilt(k);
            *self = Session { timeline: std::mem::take(&mut self.timeline), ..rebuilt };
            self.cursor = k;
        } else {
            for i in self.cursor..k {
                let action = self.timeline[i].action.clone();
                // Recorded actions succeeded before; re-running them cannot fail.
                let _ = self.apply_here(&action);
            }
            self.cursor = k;
        }
    }

    pub fn back(&mut self) {
        self.seek(self.cursor.saturating_sub(1));
    }

    pub fn forward(&mut self) {
        self.seek(self.cursor + 1);
    }

    /// A fresh session with the first `k` entries of this timeline applied.
    fn rebuilt(&self, k: usize) -> Session {
        let mut s = self.restarted();
        for e in &self.timeline[..k] {
            if let Ok(entries) = s.apply_here(&e.action) {
                s.timeline.extend(entries);
            }
        }
        s.cursor = s.timeline.len();
        s
    }

    /// The start action for the workshop's example order.
    pub fn workshop_start() -> Action {
        let order = Order::workshop();
        Action::Start { workflow_id: order.id.to_string(), input: order.to_input_json(), execution_timeout: DEFAULT_EXECUTION_TIMEOUT }
    }

    /// The history as it stands at the cursor.
    pub fn history(&self) -> &[HistoryEvent] {
        match &self.imported {
            Some(i) => &i.events[..self.cursor],
            None => self.workflow_id.as_deref().and_then(|w| self.engine.execution(w)).map_or(&[], |e| e.history()),
        }
    }

    /// A session that steps through a history exported from a simulation or fetched
    /// from a real Cadence server. Each timeline entry is one event. The history is
    /// replayed through this session's workflow code, so a history the code could not
    /// have written is reported.
    pub fn import_history(config: SessionConfig, json: &str) -> Result<Session, String> {
        let events = crate::history::json::history_from_json(json).map_err(|e| e.to_string())?;
        Self::import_events(config, events, None)
    }

    /// [`Self::import_history`] of events already read, with the workflow ID when it is
    /// known (a history carries none: a fleet's package knows it, a pasted file not).
    pub fn import_events(config: SessionConfig, events: Vec<HistoryEvent>, workflow_id: Option<String>) -> Result<Session, String> {
        let workflow_type = match events.first().map(|e| &e.attributes) {
            Some(crate::history::EventAttributes::WorkflowExecutionStarted(a)) => a.workflow_type.name.clone(),
            _ => return Err("the history does not begin with WorkflowExecutionStarted".into()),
        };
        let (chapter, replay_error) = chapter_for(config.postal, &workflow_type, &events);
        let config = SessionConfig { postal: PostalConfig { chapter, ..config.postal }, ..config };
        let definition = postal::workflow_definition(config.postal, chapter.names());
        let timeline = events
            .iter()
            .map(|e| Entry { action: Action::Step, outcome: format!("{} {}", e.event_id, e.event_type().name()), cli: None })
            .collect::<Vec<_>>();
        let mut s = Session::new(config);
        s.cursor = timeline.len();
        s.timeline = timeline;
        let (attempts, attempts_closed_at) = attempts_in(&events);
        s.imported = Some(Imported { events, replay_error, definition, workflow_id, attempts, attempts_closed_at });
        Ok(s)
    }

    /// For an imported history: whether the workflow code could have written it.
    pub fn replay_error(&self) -> Option<&str> {
        self.imported.as_ref()?.replay_error.as_deref()
    }

    pub fn is_imported(&self) -> bool {
        self.imported.is_some()
    }

    /// Whether replacing this session would lose anything: an import, or a step taken.
    /// Both front ends keep a replaced session for undo only then, so that an empty
    /// one leaves what was kept before it.
    pub fn holds_work(&self) -> bool {
        self.is_imported() || !self.timeline.is_empty()
    }

    pub(crate) fn imported_definition(&self) -> Option<&crate::registry::WorkflowDefinition> {
        self.imported.as_ref().map(|i| &i.definition)
    }

    /// For an imported history: its workflow ID, when the importer knew it.
    pub(crate) fn imported_workflow_id(&self) -> Option<&str> {
        self.imported.as_ref()?.workflow_id.as_deref()
    }
}

/// The chapter whose code an imported history is replayed with, and why that code
/// could not have written the history, if it could not. The session's own chapter
/// first; else, as the tour's and the exercises' chapter sessions export histories of
/// the starter's workflow type, which six chapters share, the latest of them whose
/// code replays it (else the first of them tried, with its error).
fn chapter_for(postal: PostalConfig, workflow_type: &str, events: &[HistoryEvent]) -> (postal::Chapter, Option<String>) {
    let own = postal.chapter;
    let mut first_error = None;
    let of_type = |c: &postal::Chapter| c.names().workflow == workflow_type;
    for chapter in std::iter::once(own).chain(postal::Chapter::ALL.into_iter().rev().filter(|c| *c != own)).filter(of_type) {
        // Replay runs no activity: the workflow's definition is all it needs (and a
        // chapter, not a definition, is what is kept: moving those costs the page).
        let definition = postal::workflow_definition(PostalConfig { chapter, ..postal }, chapter.names());
        match crate::runtime::WorkflowRuntime::replay(&definition, "imported", postal::DOMAIN, events) {
            Ok(_) => return (chapter, None),
            Err(e) => {
                first_error.get_or_insert_with(|| (chapter, e.to_string()));
            }
        }
    }
    match first_error {
        Some((chapter, e)) => (chapter, Some(e)),
        None => (own, Some(format!("the history is of workflow type {workflow_type}; this session runs {}", own.names().workflow))),
    }
}

struct Imported {
    events: Vec<HistoryEvent>,
    replay_error: Option<String>,
    definition: crate::registry::WorkflowDefinition,
    workflow_id: Option<String>,
    /// Each activity's last attempt, read from the events (see [`attempts_in`]), and
    /// the position of the event that closed it.
    attempts: Vec<crate::engine::AttemptRecord>,
    attempts_closed_at: Vec<usize>,
}

/// The activity attempts a history records: only each activity's last (a server
/// writes the started event of a retried activity only when it closes), from its
/// started event (none when it never started) to its close, in the engine's words.
fn attempts_in(events: &[HistoryEvent]) -> (Vec<crate::engine::AttemptRecord>, Vec<usize>) {
    use crate::history::EventAttributes as A;
    let event = |id: i64| events.iter().find(|e| e.event_id == id);
    let (mut attempts, mut closed_at) = (Vec::new(), Vec::new());
    for (at, e) in events.iter().enumerate() {
        let (scheduled, started, outcome) = match &e.attributes {
            A::ActivityTaskCompleted(a) => (a.scheduled_event_id, a.started_event_id, "completed".to_owned()),
            A::ActivityTaskFailed(a) => {
                let why = a.failure.as_ref().map_or(String::new(), |f| f.details_text());
                (a.scheduled_event_id, a.started_event_id, format!("failed: {why}"))
            }
            A::ActivityTaskTimedOut(a) => {
                (a.scheduled_event_id, a.started_event_id, format!("timed out ({})", a.timeout_type.short_name()))
            }
            _ => continue,
        };
        let Some(A::ActivityTaskScheduled(s)) = event(scheduled).map(|e| &e.attributes) else { continue };
        let start = event(started);
        attempts.push(crate::engine::AttemptRecord {
            activity_id: s.activity_id.clone(),
            activity_type: s.activity_type.name.clone(),
            attempt: match start.map(|e| &e.attributes) {
                Some(A::ActivityTaskStarted(a)) => a.attempt,
                _ => 0,
            },
            started_at: start.map(|e| e.event_time),
            ended_at: e.event_time,
            outcome,
        });
        closed_at.push(at);
    }
    (attempts, closed_at)
}

/// " (about 292 years)" for a duration of a year or more; nothing for a shorter one.
fn in_years(d: Duration) -> String {
    // Julian years, as astronomers count them: close enough for "about".
    let years = d.as_secs() / 31_557_600;
    if years == 0 { String::new() } else { format!(" (about {})", crate::count::many(years, "year")) }
}

fn advanced(by: Duration, fired: &[String]) -> String {
    // "moved", not "+": the status line's "+2m 3s" is the time since the start.
    let mut s = format!("clock moved {}", crate::time::format_duration(by));
    if !fired.is_empty() {
        s.push_str(": ");
        s.push_str(&fired.join("; "));
    }
    s
}
