//! The playground's state: the session in a signal, the order form, inline errors and
//! notices, and persistence (URL hash + localStorage) of every change.

use leptos::prelude::*;
use postflow_core::scenario::{self, Scenario};
use postflow_core::session::{Action, Session, SessionConfig};

use crate::browser;
use crate::guide::Teach;
use postflow_core::controls::OrderInput;

/// Everything the components share. `Copy`: signals are handles.
#[derive(Clone, Copy)]
pub struct Playground {
    pub session: RwSignal<Session, LocalStorage>,
    /// The session's share text (`Session::to_share_text`; none for an imported
    /// history), encoded once per change by the effect that saves the session and puts
    /// it in the address, for the share link too: each of the three encoded it itself.
    pub share: RwSignal<Option<String>>,
    /// The JSON of an imported history, kept so it survives a reload.
    pub imported_json: RwSignal<Option<String>>,
    /// The last refused input, shown inline; cleared by the next success.
    pub error: RwSignal<Option<String>>,
    /// Where the current state came from (a scenario, a link, an import).
    pub notice: RwSignal<Option<String>>,
    pub form: RwSignal<OrderInput>,
    pub location: RwSignal<String>,
    /// The reason a terminate or a cancel gives (optional, as on the CLI).
    pub reason: RwSignal<String>,
    /// The history event whose full JSON is shown.
    pub selected_event: RwSignal<Option<i64>>,
    /// The loaded scenario's name and description, kept in view while stepping.
    pub description: RwSignal<Option<String>>,
    /// The tour, the explanation and the play control.
    pub teach: Teach,
    /// The session a tour chapter replaced (its `saved_text`), until the next action:
    /// `T` is one key away from losing a session, so the page offers it back.
    pub replaced: RwSignal<Option<String>>,
}

/// The share text of a session, none for an imported history.
fn share_text(s: &Session) -> Option<String> {
    (!s.is_imported()).then(|| s.to_share_text())
}

/// How the last state is saved in localStorage: a share text (`share`, when it was
/// encoded already), or an imported history.
fn saved_text(s: &Session, imported_json: Option<&str>, share: Option<&str>) -> String {
    match (imported_json, share) {
        (Some(json), _) if s.is_imported() => format!("i:{}:{json}", s.cursor()),
        (_, Some(share)) => format!("s:{share}"),
        _ => format!("s:{}", s.to_share_text()),
    }
}

/// What the address bar's hash holds for a session's [`share_text`]: all of it (an
/// imported history has none: it is too long for an address, and kept in
/// localStorage). Nothing for a session too large for any link either: an address
/// that opens nothing would make a reload fail; localStorage brings it back instead.
fn address_text(share: Option<&str>) -> &str {
    share.filter(|t| postflow_core::session::link_too_long(&browser::link_with_hash(t)).is_none()).unwrap_or_default()
}

/// The session saved by [`saved_text`].
fn restore_saved(text: &str) -> Result<(Session, Option<String>), String> {
    if let Some(share) = text.strip_prefix("s:") {
        return Session::from_share_text(share).map(|s| (s, None)).map_err(|e| e.to_string());
    }
    let rest = text.strip_prefix("i:").ok_or("unknown saved state")?;
    let (cursor, json) = rest.split_once(':').ok_or("damaged saved state")?;
    let mut s = Session::import_history(SessionConfig::default(), json)?;
    s.seek(cursor.parse().map_err(|_| "damaged saved state")?);
    Ok((s, Some(json.to_owned())))
}

/// What opening the page says: where the state came from (a notice), or what could
/// not be opened (an error, in red as every other failure is).
type Said = Option<Result<String, String>>;

/// The state to open with: the link in the URL hash, else the last saved state.
fn initial() -> (Session, Option<String>, Said) {
    let hash = browser::hash();
    if !hash.is_empty() {
        // After a reload the address still holds the last state: that is no new link.
        let reloaded = browser::load(browser::STORAGE_KEY).is_some_and(|t| t.strip_prefix("s:") == Some(hash.as_str()));
        match Session::from_share_text(&hash) {
            Ok(s) => return (s, None, Some(Ok(if reloaded { "restored your last session" } else { "opened the shared link" }.into()))),
            Err(e) => {
                let (s, json, _) = from_storage();
                return (s, json, Some(Err(format!("could not open the link in the address: {e}"))));
            }
        }
    }
    from_storage()
}

fn from_storage() -> (Session, Option<String>, Said) {
    match browser::load(browser::STORAGE_KEY).map(|t| restore_saved(&t)) {
        Some(Ok((s, json))) => (s, json, Some(Ok("restored your last session".into()))),
        // Not the reader's words: they speak of a link to copy again, and the save is
        // nothing a person can mend (damaged, or written by another version of the page).
        Some(Err(_)) => (
            Session::new(SessionConfig::default()),
            None,
            Some(Err("could not restore the last session saved in this browser (it is damaged, or from another version of the page): this is a new one".into())),
        ),
        None => (Session::new(SessionConfig::default()), None, None),
    }
}

impl Playground {
    /// Opens the state in the URL hash or localStorage, and saves every change.
    pub fn new() -> Playground {
        let (session, json, said) = initial();
        let share = RwSignal::new(share_text(&session));
        let session = RwSignal::new_local(session);
        let selected_event = RwSignal::new(None);
        let (teach, tour_problem) = Teach::new(session, selected_event);
        let pg = Playground {
            session,
            share,
            imported_json: RwSignal::new(json),
            error: RwSignal::new(said.clone().and_then(Result::err)),
            notice: RwSignal::new(said.and_then(Result::ok)),
            form: RwSignal::new(OrderInput::default()),
            location: RwSignal::new("Delft".into()),
            reason: RwSignal::new(String::new()),
            selected_event,
            description: RwSignal::new(None),
            teach,
            replaced: RwSignal::new(None),
        };
        // Both said when both are damaged (the session's problem was lost under the tour's).
        if let Some(tour) = tour_problem {
            pg.error.update(|e| *e = Some(e.take().map_or_else(|| tour.clone(), |e| format!("{e}; {tour}"))));
        }
        crate::guide::install(pg);
        Effect::new(move |_| {
            let json = pg.imported_json.get();
            let share = pg.session.with(|s| {
                let share = share_text(s);
                browser::save(browser::STORAGE_KEY, &saved_text(s, json.as_deref(), share.as_deref()));
                share
            });
            browser::set_hash(address_text(share.as_deref()));
            pg.share.set(share);
        });
        pg
    }

    /// Performs an action (an external one is followed by a worker run in auto-run
    /// mode). A refused action shows its reason and changes nothing.
    pub fn act(&self, action: Action) {
        let mut refused = None;
        self.session.maybe_update(|s| match s.perform(action) {
            Ok(()) => true,
            Err(e) => {
                refused = Some(e);
                false
            }
        });
        // What the last load said (a damaged link, a scenario loaded) is past once the
        // participant acts, as the terminal's message line is.
        if refused.is_none() {
            self.notice.set(None);
            self.replaced.set(None);
        }
        self.error.set(refused);
    }

    /// Starts the order in the form as a new session with the current configuration.
    pub fn start_order(&self) {
        let action = match self.form.with(OrderInput::start_action) {
            Ok(a) => a,
            Err(e) => return self.error.set(Some(e)),
        };
        let (config, auto_run) = self.session.with(|s| (if s.is_imported() { SessionConfig::default() } else { s.config() }, s.auto_run));
        let mut s = Session::new(config);
        s.auto_run = auto_run;
        match s.perform(action) {
            // One click on Start must not cost a session that took a while to build.
            Ok(()) => self.replace_undoably(s, None, None),
            Err(e) => self.error.set(Some(e)),
        }
    }

    /// Shows another session (a scenario, a link, an import).
    pub fn replace(&self, s: Session, imported_json: Option<String>, notice: Option<String>) {
        crate::guide::pause(*self);
        self.replaced.set(None);
        self.selected_event.set(None);
        self.description.set(None);
        self.error.set(None);
        self.notice.set(notice);
        self.imported_json.set(imported_json);
        // The tour looks at the new session's timeline from its start.
        self.teach.tour.update_untracked(postflow_core::workshop::Tour::new_session);
        self.session.set(s);
    }

    /// Shows `s` (an imported history with its `imported_json`) instead of the session
    /// now shown, and keeps that one (when it had anything to lose) for `put_back`, as
    /// the terminal does for a start, `T`, a scenario and an import. An empty one keeps
    /// what was kept before: `T` twice still leads back to the session before the first.
    pub fn replace_undoably(&self, s: Session, imported_json: Option<String>, notice: Option<String>) {
        let json = self.imported_json.get_untracked();
        let now = self.session.with_untracked(|old| old.holds_work().then(|| saved_text(old, json.as_deref(), None)));
        let kept = now.or_else(|| self.replaced.get_untracked());
        self.replace(s, imported_json, notice);
        self.replaced.set(kept);
    }

    /// Brings back the session [`replace_undoably`](Self::replace_undoably) replaced.
    fn put_back(&self) {
        let Some(text) = self.replaced.get_untracked() else { return };
        match restore_saved(&text) {
            Ok((s, json)) => self.replace(s, json, Some("your session is back".into())),
            Err(e) => self.error.set(Some(format!("could not put your session back: {e}"))),
        }
    }

    /// Puts back the steps the last action replaced, or the session a tour chapter
    /// replaced.
    pub fn undo(&self) {
        if self.replaced.with_untracked(Option::is_some) {
            return self.put_back();
        }
        let mut refused = None;
        self.session.maybe_update(|s| match s.undo_replace() {
            Ok(()) => true,
            Err(e) => {
                refused = Some(e);
                false
            }
        });
        self.error.set(refused);
    }

    pub fn seek(&self, k: usize) {
        self.session.maybe_update(|s| {
            let moved = s.cursor() != k.min(s.timeline().len());
            s.seek(k);
            moved
        });
    }

    pub fn back(&self) {
        self.seek(self.session.with(|s| s.cursor().saturating_sub(1)));
    }

    pub fn forward(&self) {
        self.seek(self.session.with(|s| s.cursor() + 1));
    }

    pub fn set_auto_run(&self, on: bool) {
        self.session.update(|s| s.auto_run = on);
    }

    /// Runs a built-in scenario, then rewinds it so a person can step through it.
    pub fn play_scenario(&self, name: &str) {
        // The build-time JSON: neither the TOML texts nor a TOML parser in the page.
        let Some(json) = scenario::builtin_json(name) else { return self.error.set(Some(format!("no built-in scenario {name:?}"))) };
        let sc = match Scenario::parse_json(name, json) {
            Ok(sc) => sc,
            Err(e) => return self.error.set(Some(e.to_string())),
        };
        let out = scenario::run(&sc);
        let mut s = out.session;
        // The scenario ran with auto-run off (its steps run the worker themselves); the
        // page's switch stays as it was, or every later order and tour chapter of the
        // page waited for a worker the person had not turned off.
        s.auto_run = self.session.with_untracked(Session::auto_run_for_next);
        let steps = s.timeline().len();
        s.seek(0);
        let mut notice =
            format!("scenario {}: {} — {steps} steps; press → (or Forward) to step through it", sc.name, sc.description.trim());
        if !out.failures.is_empty() {
            notice.push_str(&format!(" (its expectations failed: {})", out.failures.join("; ")));
        }
        // A click on Load must not cost the session either (the terminal's `p` keeps it too).
        self.replace_undoably(s, None, Some(notice));
        self.description.set(Some(format!("{}: {}", sc.name, sc.description.split_whitespace().collect::<Vec<_>>().join(" "))));
    }

    /// Imports a history JSON; a malformed one shows an inline error and changes nothing.
    pub fn import(&self, json: &str) {
        match Session::import_history(SessionConfig::default(), json) {
            Ok(s) => self.show_imported(s, json.to_owned(), None),
            Err(e) => self.refuse_load(format!("cannot import this history: {e}")),
        }
    }

    /// Says why a history or a link could not be opened. What the last load said goes:
    /// "imported a history of 44 events" under "cannot import this history" read as if
    /// the import had half worked.
    fn refuse_load(&self, why: String) {
        self.notice.set(None);
        self.error.set(Some(why));
    }

    /// Shows an imported history (`json`, kept for the page's reload), its notice
    /// naming where it came from (`from`: a fleet's package) when it is not a file.
    pub fn show_imported(&self, s: Session, json: String, from: Option<String>) {
        let n = s.timeline().len();
        let mut notice = format!("imported a history of {n} events; step back and forth through it");
        if let Some(e) = s.replay_error() {
            notice.push_str(&format!(" (this workflow code could not have written it: {e})"));
        }
        if let Some(from) = from {
            notice = format!("{from}: {notice}");
        }
        // The session shown before comes back with undo (a fleet's package, a file alike).
        self.replace_undoably(s, Some(json), Some(notice));
    }

    /// Opens the share text of a link pasted into the address bar.
    pub fn open_link(&self, text: &str) {
        if text.is_empty() || self.session.with(|s| !s.is_imported() && s.to_share_text() == text) {
            return;
        }
        match Session::from_share_text(text) {
            Ok(s) => self.replace_undoably(s, None, Some("opened the shared link".into())),
            Err(e) => {
                self.refuse_load(format!("could not open the link: {e}"));
                // The session stays, so the address goes back to it: a reload or a copy of
                // the address would carry the damaged link on (replaceState: no hashchange).
                browser::set_hash(address_text(self.session.with_untracked(share_text).as_deref()));
            }
        }
    }
}

impl Default for Playground {
    fn default() -> Playground {
        Playground::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn saved_states_come_back() {
        let mut s = Session::new(SessionConfig::default());
        s.perform(Session::workshop_start()).unwrap();
        s.perform(Action::AdvanceNext).unwrap();
        s.back();
        let (back, json) = restore_saved(&saved_text(&s, None, share_text(&s).as_deref())).unwrap();
        assert_eq!(
            (back.cursor(), back.timeline().len(), back.history_table(), json),
            (s.cursor(), s.timeline().len(), s.history_table(), None)
        );

        let exported = s.history_json();
        let mut imported = Session::import_history(SessionConfig::default(), &exported).unwrap();
        imported.seek(3);
        let (back, json) = restore_saved(&saved_text(&imported, Some(&exported), None)).unwrap();
        assert!(back.is_imported());
        assert_eq!((back.cursor(), json.as_deref()), (3, Some(exported.as_str())));
        assert!(restore_saved("x:1").is_err());
    }
}
