//! The terminal app's share of the teaching layer: which teaching panes are open, the
//! play control, and where the tour's progress is kept (a state file). The tour, the
//! explanations and what a tick does are `postflow_core`'s; this only keeps them.

use std::path::{Path, PathBuf};

use postflow_core::session::Player;
use postflow_core::workshop::Tour;

pub struct Teach {
    pub tour: Tour,
    /// The guide pane (the tour's current step) is shown.
    pub guide_open: bool,
    /// The lower-left pane explains the selected event instead of showing its JSON.
    pub explain_open: bool,
    pub player: Player,
    /// Where the tour's progress is saved; `None` keeps it in memory only (tests, `--print`).
    state_file: Option<PathBuf>,
}

impl Default for Teach {
    fn default() -> Teach {
        Teach { tour: Tour::default(), guide_open: false, explain_open: true, player: Player::default(), state_file: None }
    }
}

impl Teach {
    /// The tour progress kept in `file`, or a fresh tour with the reason when the file
    /// cannot be read (a missing file is a first visit, not an error).
    pub fn load(file: PathBuf) -> (Teach, Option<String>) {
        let (tour, problem) = match std::fs::read_to_string(&file) {
            Ok(text) => match Tour::from_saved(&text) {
                Ok(t) => (t, None),
                Err(e) => (Tour::default(), Some(format!("{}: {e}", file.display()))),
            },
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => (Tour::default(), None),
            Err(e) => (Tour::default(), Some(format!("{}: {e}; the tour starts over", file.display()))),
        };
        (Teach { tour, state_file: Some(file), ..Teach::default() }, problem)
    }

    /// Writes the tour's progress; the reason when it could not be written.
    pub fn save(&self) -> Result<(), String> {
        let Some(file) = &self.state_file else { return Ok(()) };
        let write = || -> std::io::Result<()> {
            if let Some(dir) = file.parent() {
                std::fs::create_dir_all(dir)?;
            }
            // Write, then rename: a crash never leaves half a file.
            let tmp = file.with_extension("txt.tmp");
            std::fs::write(&tmp, self.tour.to_saved())?;
            std::fs::rename(&tmp, file)
        };
        write().map_err(|e| format!("could not save the tour progress to {}: {e}", file.display()))
    }

    pub fn state_file(&self) -> Option<&Path> {
        self.state_file.as_deref()
    }
}

/// Where the tour's progress lives: `$POSTFLOW_STATE/tour.txt`, else
/// `$XDG_STATE_HOME/postflow/tour.txt`, else `~/.local/state/postflow/tour.txt`.
pub fn default_state_file() -> Option<PathBuf> {
    let var = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty()).map(PathBuf::from);
    let dir = var("POSTFLOW_STATE")
        .or_else(|| var("XDG_STATE_HOME").map(|d| d.join("postflow")))
        .or_else(|| var("HOME").map(|h| h.join(".local/state/postflow")))?;
    Some(dir.join("tour.txt"))
}
