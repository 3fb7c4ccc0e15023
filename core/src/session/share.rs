//! Share links and saved sessions: the configuration and the recorded actions, as
//! URL-safe text. Opening one re-runs the actions, which rebuilds the same state.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};

use super::{Action, Session, SessionConfig};
use crate::postal::{Chapter, PostalConfig};

#[derive(Serialize, Deserialize)]
struct Shared {
    seed: u64,
    chapter: String,
    timer_unit_secs: u64,
    cursor: usize,
    actions: Vec<Action>,
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ShareError {
    #[error("the link is damaged: {0}")]
    Damaged(String),
    #[error("the link's action {index} ({action}) was refused: {reason}")]
    Refused { index: usize, action: String, reason: String },
}

impl Session {
    /// The whole timeline and the cursor, as URL-safe text.
    pub fn to_share_text(&self) -> String {
        let shared = Shared {
            seed: self.config.seed,
            chapter: self.config.postal.chapter.name().into(),
            timer_unit_secs: self.config.postal.timer_unit.as_secs(),
            cursor: self.cursor,
            actions: self.timeline.iter().map(|e| e.action.clone()).collect(),
        };
        URL_SAFE_NO_PAD.encode(serde_json::to_vec(&shared).expect("actions serialize"))
    }

    /// Rebuilds a session from share text.
    pub fn from_share_text(text: &str) -> Result<Session, ShareError> {
        let bytes = URL_SAFE_NO_PAD.decode(text.trim().trim_start_matches('#')).map_err(|e| ShareError::Damaged(e.to_string()))?;
        let shared: Shared = serde_json::from_slice(&bytes).map_err(|e| ShareError::Damaged(e.to_string()))?;
        let chapter = Chapter::parse(&shared.chapter).map_err(ShareError::Damaged)?;
        if shared.timer_unit_secs == 0 {
            return Err(ShareError::Damaged("timer unit must be at least 1s".into()));
        }
        let config = SessionConfig {
            seed: shared.seed,
            postal: PostalConfig { chapter, timer_unit: std::time::Duration::from_secs(shared.timer_unit_secs) },
        };
        let mut s = Session::new(config);
        for (index, action) in shared.actions.into_iter().enumerate() {
            let label = action.label();
            s.apply(action).map_err(|reason| ShareError::Refused { index, action: label, reason })?;
        }
        s.seek(shared.cursor);
        Ok(s)
    }
}
