//! Log lines written by workflow code and activities, stamped with virtual time.
//!
//! Like the Go client's replay-aware logger, workflow code logs nothing while it
//! replays history it has already run, so each line appears once.

use crate::time::Timestamp;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LogLine {
    pub time: Timestamp,
    pub level: Level,
    /// `workflow` or the activity type that logged.
    pub source: String,
    pub message: String,
    /// Structured fields as JSON text (`{"signal":"ScanSignal"}`), or empty.
    pub fields: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Level {
    Info,
    Error,
}

impl LogLine {
    pub fn workflow(time: Timestamp, level: Level, message: &str, fields: &str) -> LogLine {
        LogLine { time, level, source: "workflow".into(), message: message.into(), fields: fields.into() }
    }

    pub fn activity(time: Timestamp, activity_type: &str, message: &str, fields: &str) -> LogLine {
        LogLine { time, level: Level::Info, source: activity_type.into(), message: message.into(), fields: fields.into() }
    }
}

impl LogLine {
    /// The fields as a screen shows them: a scan of a megabyte is its start and its
    /// end, as `cadence wf show` shows a long field (the whole line stays in `fields`).
    pub fn shown_fields(&self) -> std::borrow::Cow<'_, str> {
        crate::history::table::trimmed(&self.fields, crate::history::table::MAX_FIELD_LENGTH)
    }
}

impl std::fmt::Display for LogLine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let level = match self.level {
            Level::Info => "INFO ",
            Level::Error => "ERROR",
        };
        write!(f, "{} {level} [{}] {}", self.time, self.source, self.message)?;
        if !self.fields.is_empty() {
            write!(f, " {}", self.shown_fields())?;
        }
        Ok(())
    }
}
