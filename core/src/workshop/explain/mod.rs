//! Every history event explained, in its context, for someone meeting Cadence for the
//! first time: what caused it, what it means for the workflow, the events it points at
//! (with their role, so a front end can highlight them) and, where the session knows
//! the code, the line of workflow code behind it.
//!
//! [`explain`] reads nothing but the history, so simulated, exported and real-server
//! histories are explained alike. The session adds what only the code can tell (the
//! line that asked for a command, a replay that does not match): see
//! `Session::explain`.

mod links;
mod texts;

use crate::history::HistoryEvent;
use links::Links;

/// What one event means, in its history.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Explanation {
    pub event_id: i64,
    pub event_type: &'static str,
    /// One line: what happened.
    pub headline: String,
    /// What made Cadence write it.
    pub cause: String,
    /// What it means for the workflow and its code.
    pub meaning: String,
    /// The events it points at or that point at it, each with its role.
    pub related: Vec<Related>,
    /// The line of workflow code behind it (`file:line`), when the session knows the code.
    pub code: Option<String>,
    /// What the code itself adds: the code's line for this event, or why a replay of
    /// the history through the code stops here.
    pub note: Option<String>,
}

/// Another event of the history, and why it matters to the one explained.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Related {
    pub event_id: i64,
    pub role: Role,
}

/// How a related event is tied to the one explained. The first four are the IDs
/// Cadence writes into events; the others are what history shows by position.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    /// `scheduledEventId`: where the task was requested.
    Scheduled,
    /// `startedEventId`: where a worker took it (or the timer was started).
    Started,
    /// `decisionTaskCompletedEventId`: the decision task whose decision wrote it.
    DecisionTask,
    /// The event that closed it: the activity's result, the timer's firing or cancel,
    /// the end of a decision task.
    Closed,
    /// An event this decision task's decisions wrote.
    Decision,
    /// An event the decision task handed to the workflow code.
    Handled,
    /// What led to it: the event that woke the workflow, the signal behind a cancel,
    /// the failure behind a workflow failure, events buffered behind a decision task.
    Cause,
    /// What it led to: the decision task scheduled for it, the decision task that
    /// handed it to the code.
    Next,
}

impl Role {
    /// A few words for a front end's legend.
    pub fn label(self) -> &'static str {
        match self {
            Role::Scheduled => "scheduledEventId",
            Role::Started => "startedEventId",
            Role::DecisionTask => "decisionTaskCompletedEventId",
            Role::Closed => "closed by",
            Role::Decision => "decision",
            Role::Handled => "handed to the code",
            Role::Cause => "caused by",
            Role::Next => "led to",
        }
    }
}

impl Explanation {
    /// The IDs of the related events, for highlighting.
    pub fn related_ids(&self) -> Vec<i64> {
        self.related.iter().map(|r| r.event_id).collect()
    }

    /// The explanation as plain text, wrapped by whoever shows it: a headline, the
    /// cause, the meaning, the related events and the code line.
    pub fn to_text(&self) -> String {
        let mut out =
            format!("{} {} — {}\n\nWhy: {}\n\nWhat it means: {}", self.event_id, self.event_type, self.headline, self.cause, self.meaning);
        if !self.related.is_empty() {
            out.push_str("\n\nRelated: ");
            out.push_str(&self.related.iter().map(|r| format!("{} ({})", r.event_id, r.role.label())).collect::<Vec<_>>().join(", "));
        }
        if let Some(code) = &self.code {
            out.push_str("\n\nCode: ");
            out.push_str(code);
        }
        if let Some(note) = &self.note {
            out.push_str("\n\n");
            out.push_str(note);
        }
        out
    }
}

/// Explains the event `event_id` of `history`, from the history alone. `None` when
/// the history has no such event.
pub fn explain(history: &[HistoryEvent], event_id: i64) -> Option<Explanation> {
    let links = Links::new(history);
    let i = links.index(event_id)?;
    Some(texts::explain_at(&links, i))
}

/// Explains why an action was refused, in Cadence's terms, for the refusals a
/// workshop participant meets: `None` when the message speaks for itself.
pub fn explain_refusal(message: &str) -> Option<&'static str> {
    texts::REFUSALS.iter().find(|(needles, _)| needles.iter().any(|n| message.contains(n))).map(|(_, text)| *text)
}

#[cfg(test)]
mod tests;
