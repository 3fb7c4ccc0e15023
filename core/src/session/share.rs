//! Share links and saved sessions: the configuration and the recorded actions, as
//! URL-safe text. Opening one re-runs the actions, which rebuilds the same state.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Value, json};

use super::{Action, Session, SessionConfig};
use crate::keys::{Keys, type_name};
use crate::postal::{Chapter, PostalConfig};

/// The longest address Chromium opens, in characters (`url::kMaxURLChars`, 2 MiB).
/// A longer link is written into the address bar but opens nothing: measured with a
/// 1.7 MB scan's session, a 2,267,570-character link failed with `net::ERR_ABORTED`.
pub const MAX_LINK_LENGTH: usize = 2 * 1024 * 1024;

/// Why `link` cannot be shared: it is longer than a browser opens. The session's
/// export (a file) carries any size.
pub fn link_too_long(link: &str) -> Option<String> {
    (link.len() > MAX_LINK_LENGTH).then(|| {
        format!(
            "this session is too large for a link ({} characters; a browser opens at most {}): export it to share it",
            crate::count::grouped(link.len() as u64),
            crate::count::grouped(MAX_LINK_LENGTH as u64)
        )
    })
}

/// What a link holds: the configuration, every recorded action, and the cursor.
struct Shared {
    seed: u64,
    chapter: String,
    timer_unit_secs: u64,
    cursor: usize,
    actions: Vec<Action>,
}

impl Shared {
    fn to_json(&self) -> Value {
        json!({
            "seed": self.seed,
            "chapter": self.chapter,
            "timer_unit_secs": self.timer_unit_secs,
            "cursor": self.cursor,
            "actions": self.actions.iter().map(Action::to_json).collect::<Vec<_>>(),
        })
    }

    fn from_json(value: &Value) -> Result<Shared, String> {
        let Value::Object(object) = value else { return Err(format!("a link holds an object, not {}", type_name(value))) };
        let keys = Keys(object);
        let actions = keys.list("actions", "actions")?.iter().enumerate();
        Ok(Shared {
            seed: keys.required_count("seed")?,
            chapter: keys.required("chapter")?,
            timer_unit_secs: keys.required_count("timer_unit_secs")?,
            cursor: keys.required_count("cursor")?,
            actions: actions.map(|(i, a)| Action::from_json(a).map_err(|why| format!("action {i}: {why}"))).collect::<Result<_, _>>()?,
        })
    }
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
        URL_SAFE_NO_PAD.encode(shared.to_json().to_string())
    }

    /// Rebuilds a session from share text.
    pub fn from_share_text(text: &str) -> Result<Session, ShareError> {
        // A link that does not decode, or decodes to no whole JSON, was cut short or
        // changed on its way: say that first, the decoder's words after.
        let mangled = |e: &dyn std::fmt::Display| {
            ShareError::Damaged(format!("it was cut short or changed on its way; copy the whole link again ({e})"))
        };
        let bytes = URL_SAFE_NO_PAD.decode(text.trim().trim_start_matches('#')).map_err(|e| mangled(&e))?;
        // Read as text, as every other JSON here is: a second reader over bytes would
        // be a copy of serde_json's parser in the playground's download.
        let text = std::str::from_utf8(&bytes).map_err(|e| mangled(&e))?;
        let value: Value = serde_json::from_str(text).map_err(|e| mangled(&e))?;
        let shared = Shared::from_json(&value).map_err(ShareError::Damaged)?;
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

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    /// A link the playground made before actions were written by hand (serde's derived
    /// writer, 2026-12-05): a start, steps, a clock move, a scan, a query, a duration,
    /// a delivery without input; the cursor at 7 of 28.
    const OLD_LINK: &str = "eyJzZWVkIjoxLCJjaGFwdGVyIjoibm90aWZpY2F0aW9uIiwidGltZXJfdW5pdF9zZWNzIjo2MCwiY3Vyc29yIjo3LCJhY3Rpb25zIjpbeyJkbyI6InN0YXJ0Iiwid29ya2Zsb3dfaWQiOiJPcmRlcjEyMyIsImlucHV0Ijoie1wiaWRcIjpcIk9yZGVyMTIzXCIsXCJjdXN0b21lclwiOlwiQ2FkZW5jZVwiLFwiYW1vdW50XCI6MjAsXCJhZGRyZXNzXCI6XCJVYmVyIG9mZmljZVwiLFwic2VuZEZyb21cIjpcIkFhcmh1c1wifSIsImV4ZWN1dGlvbl90aW1lb3V0IjoiNjAwcyJ9LHsiZG8iOiJzdGVwIn0seyJkbyI6InN0ZXAifSx7ImRvIjoic3RlcCJ9LHsiZG8iOiJhZHZhbmNlX25leHQifSx7ImRvIjoic3RlcCJ9LHsiZG8iOiJzdGVwIn0seyJkbyI6InNpZ25hbCIsIm5hbWUiOiJTY2FuU2lnbmFsIiwiaW5wdXQiOiJ7XCJsb2NhdGlvblwiOlwiRGVsZnRcIn0ifSx7ImRvIjoicXVlcnkiLCJuYW1lIjoiY3VycmVudF9zdGF0dXMifSx7ImRvIjoiYWR2YW5jZV9ieSIsImJ5IjoiMzBzIn0seyJkbyI6InN0ZXAifSx7ImRvIjoic3RlcCJ9LHsiZG8iOiJzdGVwIn0seyJkbyI6InN0ZXAifSx7ImRvIjoic3RlcCJ9LHsiZG8iOiJzdGVwIn0seyJkbyI6InN0ZXAifSx7ImRvIjoic3RlcCJ9LHsiZG8iOiJzdGVwIn0seyJkbyI6InN0ZXAifSx7ImRvIjoic3RlcCJ9LHsiZG8iOiJzdGVwIn0seyJkbyI6InN0ZXAifSx7ImRvIjoic3RlcCJ9LHsiZG8iOiJzdGVwIn0seyJkbyI6InNpZ25hbCIsIm5hbWUiOiJEZWxpdmVyZWRTaWduYWwifSx7ImRvIjoic3RlcCJ9LHsiZG8iOiJzdGVwIn1dfQ";

    fn link(json: &str) -> String {
        URL_SAFE_NO_PAD.encode(json)
    }

    #[test]
    fn a_link_made_before_still_opens_and_every_action_kind_goes_through_a_link() {
        let old = Session::from_share_text(OLD_LINK).unwrap();
        assert_eq!((old.cursor(), old.timeline().len()), (7, 28));
        let kinds: Vec<String> = old.timeline().iter().map(|e| e.action.label().split(' ').next().unwrap_or_default().to_owned()).collect();
        for kind in ["start", "step", "advance", "signal", "query"] {
            assert!(kinds.iter().any(|k| k == kind), "{kind} in {kinds:?}");
        }
        let again = Session::from_share_text(&old.to_share_text()).unwrap();
        assert_eq!(
            again.timeline().iter().map(|e| &e.action).collect::<Vec<_>>(),
            old.timeline().iter().map(|e| &e.action).collect::<Vec<_>>()
        );
        assert_eq!((again.cursor(), again.history_table()), (old.cursor(), old.history_table()));

        for action in [
            Action::Start { workflow_id: "O".into(), input: "{}".into(), execution_timeout: Duration::from_secs(600) },
            Action::Signal { name: "ScanSignal".into(), input: Some(r#"{"location":"Delft"}"#.into()) },
            Action::Signal { name: "DeliveredSignal".into(), input: None },
            Action::Query { name: "current_status".into() },
            Action::Step,
            Action::Run,
            Action::AdvanceNext,
            Action::AdvanceBy { by: Duration::from_secs(90) },
        ] {
            assert_eq!(Action::from_json(&action.to_json()), Ok(action.clone()), "{}", action.to_json());
        }
    }

    #[test]
    fn a_damaged_link_says_what_is_wrong_and_opens_nothing() {
        let ok_start = r#"{"do":"start","workflow_id":"O","input":"{}","execution_timeout":"600s"}"#;
        for (json, says) in [
            ("[1]".to_owned(), "a link holds an object, not array"),
            (r#"{"chapter":"notification","timer_unit_secs":60,"cursor":0}"#.to_owned(), "key `seed` is missing"),
            (
                r#"{"seed":1,"chapter":"notification","timer_unit_secs":60,"cursor":-1}"#.to_owned(),
                "key `cursor` must be 0 or more (got -1)",
            ),
            (
                r#"{"seed":1,"chapter":"notification","timer_unit_secs":60,"cursor":0,"actions":{}}"#.to_owned(),
                "key `actions` has the wrong type (table): expected a list of actions",
            ),
            (
                format!(r#"{{"seed":1,"chapter":"notification","timer_unit_secs":60,"cursor":0,"actions":[{ok_start},{{"do":"dance"}}]}}"#),
                "action 1: no such action \"dance\"",
            ),
            (
                format!(
                    r#"{{"seed":1,"chapter":"notification","timer_unit_secs":60,"cursor":0,"actions":[{ok_start},{{"do":"signal","name":7}}]}}"#
                ),
                "action 1: key `name` has the wrong type (integer): expected a string",
            ),
            (
                r#"{"seed":1,"chapter":"notification","timer_unit_secs":60,"cursor":0,"actions":[{"do":"advance_by","by":"soon"}]}"#
                    .to_owned(),
                "action 0: key `by`: ",
            ),
            (r#"{"seed":1,"chapter":"epilogue","timer_unit_secs":60,"cursor":0,"actions":[]}"#.to_owned(), "epilogue"),
        ] {
            let e = Session::from_share_text(&link(&json)).err().unwrap_or_else(|| panic!("{json} opened"));
            assert!(matches!(e, ShareError::Damaged(_)) && e.to_string().contains(says), "{json}: {e} should say {says:?}");
        }
    }

    #[test]
    fn a_link_cut_short_or_changed_says_so_before_the_decoders_words() {
        let whole = Session::new(SessionConfig::default()).to_share_text();
        // Cut inside a character (base64 refuses it), cut between two (the JSON stops
        // short), and changed.
        let cut_whole = whole.len() / 4 * 4 - 8;
        for (broken, decoder) in [
            (whole[..whole.len() - 5].to_owned(), "Invalid last symbol"),
            (whole[..cut_whole].to_owned(), "EOF while parsing"),
            (format!("{}!{}", &whole[..10], &whole[11..]), "Invalid symbol"),
        ] {
            let e = Session::from_share_text(&broken).err().unwrap_or_else(|| panic!("{broken} opened")).to_string();
            assert!(
                e.starts_with("the link is damaged: it was cut short or changed on its way; copy the whole link again (")
                    && e.contains(decoder),
                "{e}"
            );
        }
    }
}
