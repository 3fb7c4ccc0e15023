//! Where workflow code waits: every SDK future that is polled and not ready records
//! what it waits on and the line of workflow code that asked for it. The runtime keeps
//! the records of the last run of each coroutine, which is exactly where the code is
//! blocked between two decision tasks: the answer to Cadence's `__stack_trace` query,
//! and the "blocked on" line of the teaching views.
//!
//! Recording is cheap on purpose (it happens on every poll that waits): a record holds
//! shared names and a `&'static` code location, never a fresh string.

use std::cell::RefCell;
use std::fmt;
use std::panic::Location;
use std::rc::Rc;
use std::time::Duration;

use crate::runtime::machines::CommandId;
use crate::text::Str;

/// What a future waits on, as the SDK knows it while the code runs.
#[derive(Clone, Debug)]
pub(crate) enum WaitOn {
    Activity {
        activity_id: CommandId,
        activity_type: Str,
    },
    Timer {
        timer_id: CommandId,
        after: Duration,
    },
    Signal {
        channel: Str,
    },
    /// A selector (numbered from 1 in the order the run made them, as the Go client
    /// names them) and its cases that can still fire, shared with the selector itself.
    Select(u32, Rc<RefCell<Vec<Option<WaitOn>>>>),
}

/// One place where a coroutine waits.
#[derive(Clone, Debug)]
pub(crate) struct WaitRecord {
    pub coroutine: u32,
    pub at: &'static Location<'static>,
    pub on: WaitOn,
}

/// Where workflow code is blocked, for people and for `__stack_trace`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Blocked {
    /// "1" for the workflow function, "2" and on for coroutines started with `spawn`,
    /// as the Go client numbers its coroutines.
    pub coroutine: String,
    /// What the coroutine is blocked on, in the Go client's words: `selector-1.Select`,
    /// `future.Get`, `ScanSignal.Receive`.
    pub call: String,
    /// The line of workflow code that waits, as `file:line`.
    pub at: String,
    pub on: Waiting,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Waiting {
    /// An activity's result (`execute_activity(..).await`).
    Activity { activity_id: String, activity_type: String },
    /// A timer (`new_timer(..).await`).
    Timer { timer_id: String, after: Duration },
    /// A signal channel's next value, with how many values wait in it unread.
    Signal { channel: String, unread: usize },
    /// The first of several cases (`selector.select().await`), in the order they were added.
    Select(Vec<Waiting>),
}

impl WaitOn {
    /// The public form; `unread` counts the values waiting in a signal channel.
    pub(crate) fn to_waiting(&self, unread: &dyn Fn(&str) -> usize) -> Waiting {
        match self {
            WaitOn::Activity { activity_id, activity_type } => {
                Waiting::Activity { activity_id: activity_id.to_string(), activity_type: activity_type.to_string() }
            }
            WaitOn::Timer { timer_id, after } => Waiting::Timer { timer_id: timer_id.to_string(), after: *after },
            WaitOn::Signal { channel } => Waiting::Signal { channel: channel.to_string(), unread: unread(channel) },
            WaitOn::Select(_, cases) => Waiting::Select(cases.borrow().iter().flatten().map(|c| c.to_waiting(unread)).collect()),
        }
    }
}

impl fmt::Display for Waiting {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Waiting::Activity { activity_id, activity_type } => write!(f, "activity {activity_id} ({activity_type}) to close"),
            Waiting::Timer { timer_id, after } => {
                write!(f, "timer {timer_id} ({}) to fire", crate::time::format_duration(*after))
            }
            Waiting::Signal { channel, unread: 0 } => write!(f, "a {channel} signal"),
            Waiting::Signal { channel, unread } => write!(f, "a {channel} signal ({unread} unread in the channel)"),
            Waiting::Select(cases) => {
                f.write_str("the first of: ")?;
                for (i, c) in cases.iter().enumerate() {
                    if i > 0 {
                        f.write_str("; ")?;
                    }
                    write!(f, "{c}")?;
                }
                Ok(())
            }
        }
    }
}

impl WaitOn {
    /// The Go client's name for the blocking call. A channel is named here where the
    /// Go client (v1.3.0) writes ".Receive": its signal channels have no name.
    pub(crate) fn call(&self) -> String {
        match self {
            WaitOn::Select(id, _) => format!("selector-{id}.Select"),
            WaitOn::Activity { .. } | WaitOn::Timer { .. } => "future.Get".into(),
            WaitOn::Signal { channel } => format!("{channel}.Receive"),
        }
    }
}

impl fmt::Display for Blocked {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "coroutine {} [blocked on {}]:\n\t{}\n\twaiting for {}", self.coroutine, self.call, self.at, self.on)
    }
}

/// A line of code as people read it, `file:line`: the one text form of a code location
/// (stack traces, the "blocked on" lines, panics), with the file's path tidied by
/// [`source_path`].
pub fn source_line(at: &Location<'_>) -> String {
    format!("{}:{}", source_path(at.file()), at.line())
}

/// A source file's path without its `dir/..` detours. An exercise binary includes the
/// participant's file from `exercises/src/bin/` as `../../01_activities.rs`, and the
/// compiler keeps the path as written (`exercises/src/bin/../../01_activities.rs`);
/// people know the file as `exercises/01_activities.rs`. Only the text is changed,
/// nothing is looked up on disk; a `..` with nothing before it to undo stays.
pub fn source_path(file: &str) -> std::borrow::Cow<'_, str> {
    if !file.split(['/', '\\']).any(|part| part == ".." || part == ".") {
        return file.into();
    }
    let mut parts: Vec<&str> = Vec::new();
    for part in file.split(['/', '\\']) {
        match part {
            "." => {}
            ".." if parts.last().is_some_and(|p| *p != ".." && !p.is_empty()) => {
                parts.pop();
            }
            part => parts.push(part),
        }
    }
    parts.join("/").into()
}

/// The text of Cadence's `__stack_trace` query: one paragraph per waiting coroutine,
/// in the Go client's shape ("coroutine 1 [blocked on selector-1.Select]:").
pub fn stack_trace(blocked: &[Blocked]) -> String {
    if blocked.is_empty() {
        // Said in the words of a newcomer reading the pane, who has not met coroutines.
        // (Only code that has run is asked: a query before the first decision task is
        // refused.)
        return "nothing waits: the workflow code has returned".into();
    }
    blocked.iter().map(Blocked::to_string).collect::<Vec<_>>().join("\n\n")
}

#[cfg(test)]
mod tests {
    use super::source_path;

    #[test]
    fn a_path_through_the_exercise_binaries_reads_as_the_participants_file() {
        assert_eq!(source_path("exercises/src/bin/../../01_activities.rs"), "exercises/01_activities.rs");
        assert_eq!(source_path("exercises/tests/../solutions/./07_notification.rs"), "exercises/solutions/07_notification.rs");
        assert_eq!(source_path("/home/me/postflow/exercises/src/bin/../../04_loop.rs"), "/home/me/postflow/exercises/04_loop.rs");
        // Nothing to tidy, or nothing before a `..` to undo: as it was.
        assert_eq!(source_path("core/src/sdk/channel.rs"), "core/src/sdk/channel.rs");
        assert_eq!(source_path("../elsewhere/x.rs"), "../elsewhere/x.rs");
    }
}
