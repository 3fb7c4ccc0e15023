//! Where a session comes from: a fresh simulator, a scenario (built-in or file), or
//! an imported history file. Used by the command line and by the in-app picker and
//! import prompt alike.

use postflow_core::scenario::{self, Scenario};
use postflow_core::session::{Session, SessionConfig};

/// A session ready to show, and what to tell the user about it.
pub struct Loaded {
    pub session: Session,
    /// "scenario happy-path", "imported path.json".
    pub label: String,
    pub note: Option<String>,
    /// Expectations of a scenario that did not hold.
    pub failures: Vec<String>,
    /// A scenario's description, kept on screen while it is stepped through.
    pub description: Option<String>,
}

/// Plays a built-in scenario (by name) or a scenario file (by path), then rewinds to
/// the start so the user can step through it.
pub fn scenario(name_or_path: &str) -> Result<Loaded, String> {
    let sc = Scenario::load(name_or_path).map_err(|e| e.to_string())?;
    let out = scenario::run(&sc);
    let mut session = out.session;
    session.seek(0);
    let note = (!sc.description.is_empty()).then(|| sc.description.clone());
    let description = note.clone().map(|d| format!("{}: {}", sc.name, d.split_whitespace().collect::<Vec<_>>().join(" ")));
    Ok(Loaded { session, label: format!("scenario {}", sc.name), note, failures: out.failures, description })
}

/// Reads a history JSON file (exported here or fetched from a real server).
pub fn import(path: &str) -> Result<Loaded, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"))?;
    let session = Session::import_history(SessionConfig::default(), &text).map_err(|e| format!("{path}: {e}"))?;
    let note = session.replay_error().map(|e| format!("the workflow code could not have written this history: {e}"));
    Ok(Loaded { session, label: format!("imported {path}"), note, failures: Vec::new(), description: None })
}
