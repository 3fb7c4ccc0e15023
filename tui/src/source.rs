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
    /// The refusals a scenario expected, by the cursor that shows the state they met:
    /// a refused action leaves no step of its own to show it.
    pub refused: Vec<(usize, String)>,
}

/// Plays a built-in scenario (by name) or a scenario file (by path), then rewinds to
/// the start so the user can step through it.
pub fn scenario(name_or_path: &str) -> Result<Loaded, String> {
    let sc = Scenario::load(name_or_path).map_err(|e| e.to_string())?;
    let out = scenario::run(&sc);
    let refused = out.refused_on_timeline(&sc);
    let mut session = out.session;
    session.seek(0);
    // A warning (a signal the code never reads) comes first; the description stays on
    // screen once the message goes.
    let warnings = sc.warnings();
    let note = if warnings.is_empty() {
        (!sc.description.is_empty()).then(|| sc.description.clone())
    } else {
        Some(format!("warning: {}", warnings.join("; ")))
    };
    let description =
        (!sc.description.is_empty()).then(|| format!("{}: {}", sc.name, sc.description.split_whitespace().collect::<Vec<_>>().join(" ")));
    Ok(Loaded { session, label: format!("scenario {}", sc.name), note, failures: out.failures, description, refused })
}

/// Reads a history JSON file (exported here or fetched from a real server).
pub fn import(path: &str) -> Result<Loaded, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("{path}: {e}"))?;
    // Core reads UTF-16 (PowerShell's `>`) and names a binary file for what it is, as the
    // scenario binary does.
    let text = postflow_core::history::json::history_file_text(bytes).map_err(|why| format!("{path}: {why}"))?;
    let session = Session::import_history(SessionConfig::default(), &text).map_err(|e| format!("{path}: {e}"))?;
    let note = session.replay_error().map(|e| format!("the workflow code could not have written this history: {e}"));
    Ok(Loaded { session, label: format!("imported {path}"), note, failures: Vec::new(), description: None, refused: Vec::new() })
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_scenarios_warning_is_what_the_app_says_first() {
        let file = std::env::temp_dir().join(format!("postflow-source-{}.toml", std::process::id()));
        let start = "[[steps]]\ndo = \"start\"\ninput = '{\"id\":\"Pkg1\"}'\n";
        std::fs::write(&file, format!("description = \"mine\"\n{start}[[steps]]\ndo = \"signal\"\nname = \"ScanSignl\"\n")).unwrap();
        let loaded = super::scenario(file.to_str().unwrap());
        std::fs::remove_file(&file).unwrap();
        let loaded = loaded.unwrap();
        let note = loaded.note.unwrap();
        assert!(note.starts_with("warning: step 2: signal \"ScanSignl\" is not one"), "{note}");
        assert!(loaded.description.unwrap().ends_with(": mine"));
    }

    #[test]
    fn a_utf16_file_is_read_as_its_text() {
        // What Windows PowerShell's `>` writes: UTF-16 with its byte order mark.
        let file = std::env::temp_dir().join(format!("postflow-source-{}.json", std::process::id()));
        let mut s = postflow_core::session::Session::new(Default::default());
        s.perform(postflow_core::session::Session::workshop_start()).unwrap();
        let json = s.history_json();
        std::fs::write(&file, [0xFF, 0xFE].into_iter().chain(json.encode_utf16().flat_map(u16::to_le_bytes)).collect::<Vec<u8>>()).unwrap();
        let loaded = super::import(file.to_str().unwrap());
        std::fs::remove_file(&file).unwrap();
        let loaded = loaded.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(loaded.session.history(), s.history());
    }
}
