//! What the front ends draw, derived from the session's state at its cursor: history
//! rows and groups, pending work, the status line, the workflow's log and status.

use std::time::Duration;

use super::Session;
use crate::engine::{AttemptState, DecisionTaskState, ExecutionView};
use crate::history::{EventAttributes, HistoryEvent, json, table};
use crate::log::LogLine;
use crate::postal::{CURRENT_STATUS_QUERY, QueryResult};
use crate::time::Timestamp;

/// One history event as a row: Cadence's event name and its key attributes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HistoryRow {
    pub event_id: i64,
    /// Seconds of virtual time since the workflow started.
    pub at_secs: u64,
    pub event_type: &'static str,
    pub details: String,
    /// The server transaction the event was written in.
    pub batch: u32,
}

/// Events that belong together: one activity, one timer, one decision task.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Group {
    pub title: String,
    pub event_ids: Vec<i64>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PendingActivityRow {
    pub activity_id: String,
    pub activity_type: String,
    /// Cadence's attempt number, from 0 (as `attempt=` in history); see [`Self::attempt_label`].
    pub attempt: i32,
    pub maximum_attempts: i32,
    pub running: bool,
    /// When the next attempt may start, if it waits for a retry backoff.
    pub next_attempt_in: Option<Duration>,
    pub last_failure: Option<String>,
}

impl PendingActivityRow {
    /// "attempt=1 (try 2 of 3)": the one attempt scheme of every screen.
    pub fn attempt_label(&self) -> String {
        table::attempt_label(self.attempt, self.maximum_attempts)
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PendingTimerRow {
    pub timer_id: String,
    pub fires_in: Duration,
    pub fire_at: Timestamp,
}

/// Signals Cadence holds for the workflow that its code has not read yet: recorded in
/// history and waiting in the channel (for instance while the code still waits on an
/// activity), in the order they arrived.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnreadSignalRow {
    pub channel: String,
    /// The inputs as sent, oldest first (`(none)` for a signal without input).
    pub inputs: Vec<String>,
    /// False when nothing in the workflow code reads this channel at all.
    pub read_by_code: bool,
}

impl UnreadSignalRow {
    /// "2 unread on ScanSignal: {"location":"Delft"}, {"location":"Lyon"}"; an input
    /// longer than [`Self::INPUT_SHOWN`] characters is cut: a pasted 2,000-character
    /// location filled the Pending pane (its history event keeps it whole).
    pub fn describe(&self) -> String {
        let who = if self.read_by_code { "not read by the code yet" } else { "nothing in the code reads this channel" };
        let inputs: Vec<_> = self.inputs.iter().map(|i| crate::wrap::shortened(i, Self::INPUT_SHOWN)).collect();
        format!("{} {} ({who}): {}", self.inputs.len(), self.channel, inputs.join(", "))
    }

    /// The most of one input [`Self::describe`] shows.
    pub const INPUT_SHOWN: usize = 120;
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StatusLine {
    pub workflow_id: String,
    /// In a person's words, as the outcome says them ("timed out"), with a note after
    /// it in parentheses for an imported history or a failing decision task.
    pub run_state: String,
    pub virtual_time: Timestamp,
    pub elapsed: Duration,
    pub seed: u64,
    pub notification_sent: bool,
}

impl Session {
    /// The simulated execution; `None` before a start and for imported histories.
    fn execution(&self) -> Option<ExecutionView<'_>> {
        if self.is_imported() {
            return None;
        }
        self.workflow_id.as_deref().and_then(|w| self.engine.execution(w))
    }

    /// Batch numbers of the events at the cursor; an imported history has none, so
    /// each event counts as its own batch.
    fn batches(&self) -> Vec<u32> {
        match self.execution() {
            Some(e) if !self.is_imported() => e.batches().to_vec(),
            _ => self.history().iter().map(|e| e.event_id as u32).collect(),
        }
    }

    pub fn history_rows(&self) -> Vec<HistoryRow> {
        let history = self.history();
        let start = history.first().map(|e| e.event_time).unwrap_or_default();
        history
            .iter()
            .zip(self.batches())
            .map(|(ev, b)| HistoryRow {
                event_id: ev.event_id,
                at_secs: ev.event_time.since(start).as_secs(),
                event_type: ev.event_type().name(),
                details: table::attributes(&ev.attributes),
                batch: b,
            })
            .collect()
    }

    /// The history in the golden-file text form, with batch separators.
    pub fn history_table(&self) -> String {
        table::render(self.history(), Some(&self.batches()))
    }

    /// The history as Cadence's HTTP API returns it (for export).
    pub fn history_json(&self) -> String {
        json::history_to_json(self.history())
    }

    /// The history as `cadence wf show --output_filename` writes it: the form the Go
    /// client's replayer reads.
    pub fn history_cli_json(&self) -> String {
        crate::history::cli_json::history_to_cli_json(self.history())
    }

    /// One event's full JSON, pretty-printed.
    pub fn event_json(&self, event_id: i64) -> Option<String> {
        let ev = self.history().iter().find(|e| e.event_id == event_id)?;
        serde_json::to_string_pretty(ev).ok()
    }

    /// The grouped view: per activity, per timer, per decision task, in order of first event.
    pub fn groups(&self) -> Vec<Group> {
        // Works for imported histories too: grouping reads only the events.
        group_events(self.history())
    }

    pub fn pending_activities(&self) -> Vec<PendingActivityRow> {
        let Some(e) = self.execution() else { return Vec::new() };
        let now = self.engine.now();
        e.pending_activities()
            .map(|a| PendingActivityRow {
                activity_id: a.activity_id.to_string(),
                activity_type: a.activity_type.to_string(),
                attempt: a.attempt,
                maximum_attempts: a.maximum_attempts(),
                running: matches!(a.state, AttemptState::Started { .. }),
                next_attempt_in: match a.state {
                    AttemptState::Scheduled { since } if since > now => Some(since.since(now)),
                    _ => None,
                },
                last_failure: a.last_failure.as_ref().map(|f| f.details_text()),
            })
            .collect()
    }

    pub fn pending_timers(&self) -> Vec<PendingTimerRow> {
        let Some(e) = self.execution() else { return Vec::new() };
        let now = self.engine.now();
        e.pending_timers()
            .map(|t| PendingTimerRow { timer_id: t.timer_id.to_string(), fires_in: t.fire_at.since(now), fire_at: t.fire_at })
            .collect()
    }

    /// Signals in history that the workflow code has not read yet, per channel, with
    /// their inputs: what the worker's channels hold after replaying the history at
    /// the cursor (as a worker answering a query would). Only while the workflow runs.
    pub fn unread_signals(&self) -> Vec<UnreadSignalRow> {
        let definition = match self.imported_definition() {
            Some(d) => d,
            None => match self.execution() {
                Some(e) if matches!(e.status(), crate::engine::WorkflowStatus::Running) => {
                    match self.engine.registry().workflow(e.workflow_type()) {
                        Some(d) => d,
                        None => return Vec::new(),
                    }
                }
                _ => return Vec::new(),
            },
        };
        let history = self.history();
        if crate::history::derived::derive(history).closed.is_some() {
            return Vec::new();
        }
        let Ok(rt) = crate::runtime::WorkflowRuntime::replay_for_query(definition, "pending", crate::postal::DOMAIN, history) else {
            return Vec::new();
        };
        // By channel name, as the runtime lists them.
        rt.unread_signals()
            .into_iter()
            .map(|(channel, values)| UnreadSignalRow {
                read_by_code: definition.signals.contains(&channel.as_str()),
                inputs: values.iter().map(|p| if p.is_empty() { "(none)".to_owned() } else { p.to_text().trim_end().to_owned() }).collect(),
                channel,
            })
            .collect()
    }

    /// The decision task waiting for the worker, if any, as text.
    pub fn pending_decision(&self) -> Option<String> {
        match self.execution()?.decision_task()? {
            DecisionTaskState::Scheduled { scheduled_event_id } => Some(format!("decision task scheduled (event {scheduled_event_id})")),
            DecisionTaskState::Started { started_event_id, .. } => {
                Some(format!("decision task started (event {started_event_id}), worker running the code"))
            }
        }
    }

    /// Every activity attempt, with start and end on the virtual clock: what a
    /// timeline draws to show the retry backoff that history does not record. An
    /// imported history has only each activity's last attempt (as a server writes it),
    /// those closed by the event at the cursor.
    pub fn attempts(&self) -> &[crate::engine::AttemptRecord] {
        if let Some(i) = &self.imported {
            let shown = i.attempts_closed_at.partition_point(|&at| at < self.cursor);
            return &i.attempts[..shown];
        }
        self.execution().map_or(&[], |e| e.attempts())
    }

    pub fn logs(&self) -> &[LogLine] {
        self.execution().map_or(&[], |e| e.logs())
    }

    /// How many times the workflow notified the customer.
    pub fn notifications(&self) -> usize {
        if self.is_imported() {
            // No log comes with a history; the workshop's code notifies (once) when
            // its timer fires, and history tells that much.
            return usize::from(!crate::history::derived::derive(self.history()).fired_timers.is_empty());
        }
        self.logs().iter().filter(|l| l.source == "workflow" && l.message == "Notification sent").count()
    }

    /// The run's state in a person's words, without the status line's note: "timed
    /// out", "running", "not started".
    pub(crate) fn state_words(&self) -> &'static str {
        let words =
            if self.is_imported() { self.imported_status().map(|st| st.words()) } else { self.execution().map(|e| e.status().words()) };
        words.unwrap_or("not started")
    }

    pub fn status_line(&self) -> StatusLine {
        if self.is_imported() {
            let h = self.history();
            let (start, now) = (h.first().map(|e| e.event_time).unwrap_or_default(), h.last().map(|e| e.event_time).unwrap_or_default());
            let state = self.state_words();
            return StatusLine {
                workflow_id: self.imported_workflow_id().unwrap_or("(imported)").into(),
                run_state: format!("{state} (imported, event {} of {})", self.cursor(), self.timeline().len()),
                virtual_time: now,
                elapsed: now.since(start),
                seed: self.config.seed,
                notification_sent: self.notifications() > 0,
            };
        }
        let now = self.engine.now();
        let (workflow_id, run_state, elapsed) = match self.execution() {
            Some(e) => {
                let mut state = e.status().words().to_owned();
                if e.stuck().is_some() {
                    state.push_str(" (decision task failing)");
                }
                (e.workflow_id().to_owned(), state, now.since(e.start_time()))
            }
            None => ("-".to_owned(), "not started".to_owned(), Duration::ZERO),
        };
        StatusLine {
            workflow_id,
            run_state,
            virtual_time: now,
            elapsed,
            seed: self.config.seed,
            notification_sent: self.notifications() > 0,
        }
    }

    /// The `current_status` answer at the cursor, if the workflow answers it yet.
    pub fn current_status(&self) -> Option<QueryResult> {
        if let Some(definition) = self.imported_definition() {
            let rt =
                crate::runtime::WorkflowRuntime::replay_for_query(definition, "imported", crate::postal::DOMAIN, self.history()).ok()?;
            return rt.query(CURRENT_STATUS_QUERY).ok()?.decode().ok();
        }
        let wid = self.workflow_id.as_deref()?;
        self.engine.query(wid, CURRENT_STATUS_QUERY).ok()?.decode().ok()
    }

    /// The workflow's result or failure, once it has closed (for an imported history,
    /// once the cursor has reached its closing event).
    pub fn outcome(&self) -> Option<String> {
        use crate::engine::WorkflowStatus as S;
        let imported;
        let status = if self.is_imported() {
            imported = self.imported_status()?;
            &imported
        } else {
            self.execution()?.status()
        };
        Some(match status {
            S::Running => return None,
            S::Completed(p) => format!("completed: {}", p.to_text().trim_end()),
            S::Failed(f) => format!("failed: {}", f.details_text()),
            S::TimedOut => "timed out".to_owned(),
            S::Terminated(reason) if reason.is_empty() => "terminated".to_owned(),
            S::Terminated(reason) => format!("terminated: {reason}"),
            S::Canceled(details) if details.is_empty() => "canceled".to_owned(),
            S::Canceled(details) => format!("canceled: {}", details.to_text().trim_end()),
        })
    }

    /// An imported history's workflow status at the cursor, read from its last event
    /// as the engine keeps it for a simulated one; `None` before the first event.
    fn imported_status(&self) -> Option<crate::engine::WorkflowStatus> {
        use crate::engine::WorkflowStatus as S;
        use crate::history::EventAttributes as A;
        Some(match &self.history().last()?.attributes {
            A::WorkflowExecutionCompleted(a) => S::Completed(a.result.clone().unwrap_or_default()),
            A::WorkflowExecutionFailed(a) => S::Failed(Box::new(a.failure.clone().unwrap_or_default())),
            A::WorkflowExecutionTimedOut(_) => S::TimedOut,
            A::WorkflowExecutionTerminated(a) => S::Terminated(a.reason.as_str().into()),
            A::WorkflowExecutionCanceled(a) => S::Canceled(a.details.clone().unwrap_or_default()),
            _ => S::Running,
        })
    }
}

/// Groups events by what they belong to. Works on any history, imported ones too.
pub fn group_events(history: &[HistoryEvent]) -> Vec<Group> {
    let mut groups: Vec<(String, Group)> = Vec::new();
    let mut activity_of = std::collections::HashMap::new();
    for e in history {
        let (key, title) = match &e.attributes {
            EventAttributes::ActivityTaskScheduled(a) => {
                activity_of.insert(e.event_id, a.activity_id.clone());
                (format!("a{}", a.activity_id), format!("activity {} {}", a.activity_id, a.activity_type.name))
            }
            EventAttributes::ActivityTaskStarted(a) => (activity_key(&activity_of, a.scheduled_event_id), String::new()),
            EventAttributes::ActivityTaskCompleted(a) => (activity_key(&activity_of, a.scheduled_event_id), String::new()),
            EventAttributes::ActivityTaskFailed(a) => (activity_key(&activity_of, a.scheduled_event_id), String::new()),
            EventAttributes::ActivityTaskTimedOut(a) => (activity_key(&activity_of, a.scheduled_event_id), String::new()),
            EventAttributes::ActivityTaskCanceled(a) => (activity_key(&activity_of, a.scheduled_event_id), String::new()),
            EventAttributes::ActivityTaskCancelRequested(a) => (format!("a{}", a.activity_id), String::new()),
            EventAttributes::TimerStarted(t) => {
                (format!("t{}", t.timer_id), format!("timer {} ({}s)", t.timer_id, t.start_to_fire_timeout.unwrap_or_default().as_secs()))
            }
            EventAttributes::TimerFired(t) => (format!("t{}", t.timer_id), String::new()),
            EventAttributes::TimerCanceled(t) => (format!("t{}", t.timer_id), String::new()),
            EventAttributes::CancelTimerFailed(t) => (format!("t{}", t.timer_id), format!("timer {}", t.timer_id)),
            EventAttributes::DecisionTaskScheduled(_) => (format!("d{}", e.event_id), format!("decision task {}", e.event_id)),
            EventAttributes::DecisionTaskStarted(d) => (format!("d{}", d.scheduled_event_id), String::new()),
            EventAttributes::DecisionTaskCompleted(d) => (format!("d{}", d.scheduled_event_id), String::new()),
            EventAttributes::DecisionTaskFailed(d) => (format!("d{}", d.scheduled_event_id), String::new()),
            EventAttributes::DecisionTaskTimedOut(d) => (format!("d{}", d.scheduled_event_id), String::new()),
            EventAttributes::WorkflowExecutionSignaled(s) => (format!("s{}", e.event_id), format!("signal {}", s.signal_name)),
            EventAttributes::WorkflowExecutionStarted(_)
            | EventAttributes::WorkflowExecutionCompleted(_)
            | EventAttributes::WorkflowExecutionFailed(_)
            | EventAttributes::WorkflowExecutionTimedOut(_)
            | EventAttributes::WorkflowExecutionTerminated(_)
            | EventAttributes::WorkflowExecutionCancelRequested(_)
            | EventAttributes::WorkflowExecutionCanceled(_) => ("w".to_owned(), "workflow".to_owned()),
        };
        match groups.iter_mut().find(|(k, _)| *k == key) {
            Some((_, g)) => g.event_ids.push(e.event_id),
            None => groups.push((key, Group { title, event_ids: vec![e.event_id] })),
        }
    }
    groups.into_iter().map(|(_, g)| g).collect()
}

fn activity_key(activity_of: &std::collections::HashMap<i64, crate::text::Str>, scheduled_event_id: i64) -> String {
    format!("a{}", activity_of.get(&scheduled_event_id).map_or("?", |id| id.as_str()))
}
