//! The state a workflow run shares between its code (through the SDK) and the
//! runtime that feeds it history: command machines, pending results, signal buffers,
//! query handlers, logs and workflow time.

use std::cell::RefCell;
use std::collections::VecDeque;

use std::rc::Rc;

use super::machines::{CancelOutcome, CommandId, CommandKey, Machines};
use crate::log::LogLine;
use crate::payload::Payload;
use crate::registry::LocalBoxFuture;
use crate::sdk::wait::{WaitOn, WaitRecord};
use crate::sdk::{ActivityError, Canceled, WorkflowError};
use crate::text::Str;
use crate::time::Timestamp;
use crate::vec_map::VecMap;

/// Facts about the run that workflow code may read.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct WorkflowInfo {
    pub workflow_id: String,
    pub domain: String,
    pub workflow_type: String,
    pub task_list: String,
    pub start_time: Timestamp,
}

/// What [`WorkflowInfo`] is made of, kept without an allocation per field: a worker
/// holds one per cached run, and a cache miss builds one.
#[derive(Default)]
pub(crate) struct RunInfo {
    pub workflow_id: Str,
    pub domain: Str,
    pub workflow_type: Str,
    pub task_list: Str,
    pub start_time: Timestamp,
}

impl RunInfo {
    pub fn to_info(&self) -> WorkflowInfo {
        WorkflowInfo {
            workflow_id: self.workflow_id.to_string(),
            domain: self.domain.to_string(),
            workflow_type: self.workflow_type.to_string(),
            task_list: self.task_list.to_string(),
            start_time: self.start_time,
        }
    }
}

/// A result that arrives once, stamped with the order in which it became ready:
/// the selector's "first to become ready wins" rule compares these stamps.
pub(crate) struct Slot<T> {
    value: RefCell<Option<(T, u64)>>,
}

impl<T: Clone> Slot<T> {
    pub fn new() -> Rc<Slot<T>> {
        Rc::new(Slot { value: RefCell::new(None) })
    }

    pub fn get(&self) -> Option<T> {
        self.map(T::clone)
    }

    /// What `f` makes of the value, if it is there, without a copy of it.
    pub fn map<R>(&self, f: impl FnOnce(&T) -> R) -> Option<R> {
        self.value.borrow().as_ref().map(|(v, _)| f(v))
    }

    pub fn ready_seq(&self) -> Option<u64> {
        self.value.borrow().as_ref().map(|(_, s)| *s)
    }

    /// Sets the value unless one is already there (a result settles once).
    pub fn resolve(&self, value: T, seq: u64) -> bool {
        let mut v = self.value.borrow_mut();
        if v.is_some() {
            return false;
        }
        *v = Some((value, seq));
        true
    }
}

/// The slot of a future that is gone, kept for the next future of its kind. The
/// workshop's loop makes an activity future and a timer future at every scan; a
/// reused slot is a `malloc` and a `free` fewer. One is kept, not more: a worker
/// caches many runs, and each keeps its spares while it waits.
pub(crate) struct SpareSlot<T>(Option<Rc<Slot<T>>>);

impl<T> Default for SpareSlot<T> {
    fn default() -> Self {
        SpareSlot(None)
    }
}

impl<T: Clone> SpareSlot<T> {
    /// An empty slot: the spare one, or a new one.
    pub fn take(&mut self) -> Rc<Slot<T>> {
        self.0.take().unwrap_or_else(Slot::new)
    }

    /// Keeps the slot of a future being dropped, emptied, if nothing else holds it (the
    /// runtime lets go of a slot when it fills it, or when its timer is canceled).
    pub fn give_back(&mut self, slot: &Rc<Slot<T>>) {
        if self.0.is_none() && Rc::strong_count(slot) == 1 {
            slot.value.borrow_mut().take();
            self.0 = Some(slot.clone());
        }
    }
}

pub(crate) type ActivitySlot = Rc<Slot<Result<Payload, ActivityError>>>;
pub(crate) type TimerSlot = Rc<Slot<Result<(), Canceled>>>;
pub(crate) type QueryHandler = Box<dyn Fn() -> Payload>;

/// One signal channel: values with the stamp of their arrival, oldest first.
pub(crate) struct Channel {
    pub name: Str,
    pub values: VecDeque<(Payload, u64)>,
}

#[derive(Default)]
pub(crate) struct WorkflowState {
    pub info: RunInfo,
    pub now: Timestamp,
    pub replaying: bool,
    next_id: u64,
    pub machines: Machines,
    pub activities: VecMap<CommandId, ActivitySlot, false>,
    pub timers: VecMap<CommandId, TimerSlot, false>,
    pub spare_activity_slot: SpareSlot<Result<Payload, ActivityError>>,
    pub spare_timer_slot: SpareSlot<Result<(), Canceled>>,
    /// Signal channels in the order they came to be; code holds a channel by its
    /// index here, so a selector finds its channel without a lookup by name.
    pub channels: Vec<Channel>,
    pub query_handlers: VecMap<Str, QueryHandler>,
    pub logs: Vec<LogLine>,
    /// Set when nobody reads the run's log lines (a fleet's worker): the code's
    /// logger then does not even format them.
    pub discard_logs: bool,
    seq: u64,
    /// Bumped by every change that may let blocked code go on.
    pub version: u64,
    pub outcome: Option<Result<Payload, WorkflowError>>,
    pub spawned: Vec<LocalBoxFuture<()>>,
    /// The coroutine being polled, and where each coroutine waits (its last poll's records).
    pub coroutine: u32,
    pub waits: Vec<WaitRecord>,
    /// Selectors made so far: the next one is `selector-<n+1>`.
    pub selectors: u32,
    /// The line of code behind each command, kept only when a teaching view asked for
    /// it (the simulator's own runs pay nothing for it).
    pub code_lines: Option<Vec<CodeLine>>,
    /// History holds a `WorkflowExecutionCancelRequested`: Go's root context is
    /// canceled, and every context made from it.
    pub workflow_canceled: bool,
}

/// Which command a line of workflow code asked for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CommandKind {
    ScheduleActivity,
    StartTimer,
    CancelTimer,
}

#[derive(Clone, Copy, Debug)]
pub(crate) struct CodeLine {
    pub kind: CommandKind,
    /// The activity or timer ID (the Go client's sequence number).
    pub id: u64,
    pub at: &'static std::panic::Location<'static>,
}

impl WorkflowState {
    /// The Go client's `GenerateSequenceID`: one counter for activities and timers, from 0.
    pub fn next_id(&mut self) -> CommandId {
        let id = self.next_id;
        self.next_id += 1;
        self.version += 1;
        id
    }

    /// The next readiness stamp.
    pub fn stamp(&mut self) -> u64 {
        self.seq += 1;
        self.version += 1;
        self.seq
    }

    /// The index of the channel for signal `name`, made on first use by either the
    /// code or an arriving signal.
    pub fn channel(&mut self, name: &Str) -> usize {
        // `Str` against `Str`: names kept inline (all the workshop's) compare as a few
        // words, where `&str` would call `memcmp` at every signal.
        match self.channels.iter().position(|c| c.name == *name) {
            Some(i) => i,
            None => {
                self.channels.push(Channel { name: name.clone(), values: VecDeque::new() });
                self.channels.len() - 1
            }
        }
    }

    pub fn push_signal(&mut self, name: &Str, payload: Payload) {
        let seq = self.stamp();
        let i = self.channel(name);
        self.channels[i].values.push_back((payload, seq));
    }

    pub fn pop_signal(&mut self, channel: usize) -> Option<Payload> {
        let v = self.channels.get_mut(channel)?.values.pop_front()?;
        self.version += 1;
        Some(v.0)
    }

    pub fn signal_ready_seq(&self, channel: usize) -> Option<u64> {
        self.channels.get(channel)?.values.front().map(|(_, s)| *s)
    }

    /// A future of the running coroutine is not ready: remember what it waits on.
    pub fn wait(&mut self, at: &'static std::panic::Location<'static>, on: WaitOn) {
        self.waits.push(WaitRecord { coroutine: self.coroutine, at, on });
    }

    /// Remembers where the code asked for a command, when code lines are kept.
    pub fn code_line(&mut self, kind: CommandKind, id: CommandId, at: &'static std::panic::Location<'static>) {
        if let Some(lines) = self.code_lines.as_mut() {
            lines.push(CodeLine { kind, id, at });
        }
    }

    /// `WorkflowExecutionCancelRequested`, as the Go client takes it: the root context
    /// is canceled, which settles every activity and timer still waiting with a
    /// cancel error at once, and tells the server of those it has heard of (a
    /// `RequestCancelActivityTask` or `CancelTimer` decision). Go cancels in the order
    /// the code made them, the root context's before those of scopes made from it;
    /// here they go by ID, which is the order they were made in.
    pub fn cancel_workflow(&mut self) {
        if std::mem::replace(&mut self.workflow_canceled, true) {
            return;
        }
        let id = |k: &CommandKey| match k {
            CommandKey::Activity(id) | CommandKey::Timer(id) => *id,
            CommandKey::CloseWorkflow => u64::MAX,
        };
        // Each put in its place by ID (the same order a stable sort gives): a handful,
        // and a sort of them was the web page's only standard stable sort, 4.8 KB of
        // code before wasm-opt.
        let mut commands: Vec<CommandKey> = Vec::new();
        let activities = self.activities.iter().map(|(id, _)| CommandKey::Activity(*id));
        for key in activities.chain(self.timers.iter().map(|(id, _)| CommandKey::Timer(*id))) {
            let at = commands.iter().position(|c| id(c) > id(&key)).unwrap_or(commands.len());
            commands.insert(at, key);
        }
        for key in commands {
            self.cancel_command(key);
        }
    }

    /// Cancels an activity or a timer the code still waits for: its future settles with
    /// a cancel error at once, and the machine says whether the server hears of it.
    /// One the server never heard of leaves the maps, as no event will refer to it; one
    /// it did stays, for its close event (an activity's may still come). Whether it
    /// still waited (a timer that fired, an activity that closed, is not canceled).
    pub fn cancel_command(&mut self, key: CommandKey) -> bool {
        let waiting = match key {
            CommandKey::Activity(id) => self.activities.get(&id).is_some_and(|s| s.ready_seq().is_none()),
            CommandKey::Timer(id) => self.timers.get(&id).is_some_and(|s| s.ready_seq().is_none()),
            CommandKey::CloseWorkflow => false,
        };
        if !waiting {
            return false;
        }
        let seq = self.stamp();
        let never_sent = self.machines.cancel(key) == CancelOutcome::NeverSent;
        match key {
            CommandKey::Activity(id) => {
                if let Some(slot) = self.activities.get(&id) {
                    slot.resolve(Err(ActivityError::Canceled), seq);
                }
                if never_sent {
                    self.activities.remove(&id);
                }
            }
            CommandKey::Timer(id) => {
                if let Some(slot) = self.timers.get(&id) {
                    slot.resolve(Err(Canceled), seq);
                }
                if never_sent {
                    self.timers.remove(&id);
                }
            }
            CommandKey::CloseWorkflow => {}
        }
        true
    }

    /// How many values wait unread in a signal channel.
    pub fn unread(&self, name: &str) -> usize {
        self.channels.iter().find(|c| c.name == name).map_or(0, |c| c.values.len())
    }

    /// Whether a log line written now is kept: not while replaying (as the Go
    /// client's replay-aware logger), not when nobody reads them.
    pub fn writes_logs(&self) -> bool {
        !self.replaying && !self.discard_logs
    }

    pub fn log(&mut self, line: LogLine) {
        if self.writes_logs() {
            self.logs.push(line);
        }
    }
}

pub(crate) type SharedState = Rc<RefCell<WorkflowState>>;
