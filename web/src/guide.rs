//! The teaching layer in the browser: the guided tour's panel, the selected event's
//! explanation beside its JSON, where the workflow code waits, and the play and
//! live controls ticking on `gloo-timers`. The tour, the explanations, the questions
//! and what a tick does are `postflow_core`'s; this only draws them, keeps the tour's
//! progress in localStorage and gives core the browser's clock.

use std::time::Duration;

use gloo_timers::callback::Interval;
use leptos::prelude::*;
use postflow_core::controls::{self, Command};
use postflow_core::session::{PlayMode, Player, Session};
use postflow_core::workshop::{Explanation, GuideView as TourView, Tour};

use crate::browser;
use crate::state::Playground;

/// The localStorage key of the tour's progress.
pub const TOUR_KEY: &str = "postflow.tour";

/// The teaching state the page shares. `Copy`: signals and stored values are handles.
#[derive(Clone, Copy)]
pub struct Teach {
    pub tour: RwSignal<Tour>,
    pub player: RwSignal<Player>,
    pub guide_open: RwSignal<bool>,
    pub explain_open: RwSignal<bool>,
    /// The running interval while playing or live (dropping it stops it).
    ticker: StoredValue<Option<Interval>, LocalStorage>,
    /// `performance.now()` of the last tick.
    last_tick: StoredValue<f64>,
    /// The selected event's explanation, recomputed when the session or selection changes.
    pub explained: Memo<Option<Explanation>>,
}

impl Teach {
    /// The tour kept in localStorage (a damaged save starts over, and says so).
    pub fn new(session: RwSignal<Session, LocalStorage>, selected: RwSignal<Option<i64>>) -> (Teach, Option<String>) {
        let (tour, problem) = match browser::load(TOUR_KEY).map(|t| Tour::from_saved(&t)) {
            Some(Ok(t)) => (t, None),
            Some(Err(e)) => (Tour::default(), Some(e)),
            None => (Tour::default(), None),
        };
        let teach = Teach {
            tour: RwSignal::new(tour),
            player: RwSignal::new(Player::default()),
            guide_open: RwSignal::new(true),
            explain_open: RwSignal::new(true),
            ticker: StoredValue::new_local(None),
            last_tick: StoredValue::new(0.0),
            explained: Memo::new(move |_| selected.get().and_then(|id| session.with(|s| s.explain(id)))),
        };
        (teach, problem)
    }
}

/// Watches the session for the tour and saves the tour's progress on every change.
pub fn install(pg: Playground) {
    let t = pg.teach;
    // A step whose action came before a reload still completes after it.
    t.tour.update_untracked(|tour| pg.session.with_untracked(|s| tour.resume(s)));
    Effect::new(move |_| {
        let done = pg.session.with(|s| t.tour.try_update(|tour| tour.observe(s)).flatten());
        if let Some(done) = done {
            pg.notice.set(Some(done.notice("open the next chapter's session from the tour", "the tour panel")));
        }
    });
    Effect::new(move |_| t.tour.with(|tour| browser::save(TOUR_KEY, &tour.to_saved())));
}

/// The teaching commands of the shared table; `false` for the others.
pub fn run(pg: Playground, c: Command) -> bool {
    let t = pg.teach;
    match c {
        Command::Explain => t.explain_open.update(|v| *v = !*v),
        Command::Guide => t.guide_open.update(|v| *v = !*v),
        Command::TourNext => pg.session.with_untracked(|s| t.tour.update(|tour| tour.next(s))),
        Command::TourBack => pg.session.with_untracked(|s| t.tour.update(|tour| tour.previous(s))),
        Command::TourChapter => open_chapter(pg),
        Command::Predict => predict(pg, 0),
        Command::Play => {
            pg.session.with_untracked(|s| t.player.update(|p| p.toggle_play(s)));
            retime(pg);
        }
        Command::Live => {
            pg.session.with_untracked(|s| t.player.update(|p| p.toggle_live(s)));
            retime(pg);
        }
        Command::Faster | Command::Slower => {
            t.player.update(|p| if c == Command::Faster { p.faster() } else { p.slower() });
            retime(pg);
        }
        _ => return false,
    }
    if matches!(c, Command::Guide | Command::TourNext | Command::TourBack | Command::TourChapter) {
        show_tour(pg);
    }
    true
}

/// Brings the open tour panel into view after a key for it: in one column (900 px
/// wide or less) it sits below the buttons, and a prediction or a step skipped by key
/// changed a panel out of sight, so the key seemed to do nothing.
fn show_tour(pg: Playground) {
    if pg.teach.guide_open.get_untracked() {
        browser::show("guide");
    }
}

pub fn predict(pg: Playground, choice: usize) {
    pg.teach.guide_open.set(true);
    show_tour(pg);
    match pg.teach.tour.try_update(|t| t.answer(choice)) {
        Some(Err(e)) => pg.error.set(Some(e)),
        _ => pg.error.set(None),
    }
}

/// A fresh session running the tour chapter's workflow code.
fn open_chapter(pg: Playground) {
    let config = pg.teach.tour.with_untracked(Tour::session_config);
    let mut s = Session::new(config);
    s.auto_run = pg.session.with_untracked(Session::auto_run_for_next);
    let number = pg.teach.tour.with_untracked(|t| postflow_core::workshop::ChapterGuide::of(t.chapter()).number);
    // Replaced with a way back: `T` is one key away from losing a session.
    pg.replace_undoably(
        s,
        None,
        Some(format!("tour: chapter {number}'s workflow ({}); start the order to begin", config.postal.chapter.name())),
    );
    // The tour's steps say "the workshop's order": an order left in the form from an
    // earlier step (chapter 1 ends with one without a customer) would fail the run.
    pg.form.set(postflow_core::controls::OrderInput::default());
}

/// Pauses play and live time: a new session (a start, a scenario, a link, an import,
/// a tour chapter) begins paused. Live time kept on saw the new session's cursor behind
/// the old one's and said "you stepped back" in place of what was loaded.
pub fn pause(pg: Playground) {
    pg.teach.player.update(Player::pause);
    retime(pg);
}

/// Starts, changes or stops the interval that ticks play and live time.
fn retime(pg: Playground) {
    let t = pg.teach;
    t.ticker.set_value(None);
    let Some(every) = t.player.with_untracked(Player::tick_every) else { return };
    t.last_tick.set_value(browser::now_ms());
    let interval = Interval::new(every.as_millis() as u32, move || tick(pg));
    t.ticker.set_value(Some(interval));
}

fn tick(pg: Playground) {
    let t = pg.teach;
    let now = browser::now_ms();
    let elapsed = Duration::from_secs_f64(((now - t.last_tick.get_value()) / 1000.0).max(0.0));
    t.last_tick.set_value(now);
    let mut player = t.player.get_untracked();
    pg.session.maybe_update(|s| player.tick(s, elapsed));
    let stopped = player.mode() == PlayMode::Paused;
    if let (true, Some(why)) = (stopped, player.stopped()) {
        pg.notice.set(Some(why.to_owned()));
    }
    t.player.set(player);
    if stopped {
        t.ticker.set_value(None);
    }
}

/// The IDs of the events the selected one relates to, while its explanation shows.
pub fn related_ids(pg: Playground) -> Vec<i64> {
    if !pg.teach.explain_open.get() {
        return Vec::new();
    }
    pg.teach.explained.with(|x| x.as_ref().map(Explanation::related_ids).unwrap_or_default())
}

/// Play, live, slower and faster, with the state they are in.
#[component]
pub fn PlayView(pg: Playground) -> impl IntoView {
    let t = pg.teach;
    // The shared command buttons: disabled with the reason, named by the control's help.
    let button =
        move |id: &'static str, text: &'static str, c: Command| crate::controls::button(pg, id, text, controls::control(c).help, c);
    view! {
        <section class="player" aria-label="Play and live time">
            <h2>"Play"</h2>
            <div class="row">
                {button("play-toggle", "▶ Play / pause", Command::Play)}
                {button("live", "● Live", Command::Live)}
                {button("slower", "−", Command::Slower)}
                {button("faster", "+", Command::Faster)}
            </div>
            <p id="player" aria-live="polite">{move || t.player.with(Player::label)}</p>
        </section>
    }
}

/// The guided tour: the chapter, the step to do with its key, the prediction, the
/// answer once the action gave it, and the score per chapter. Drawn as one piece of
/// HTML with one click handler: it keeps the page's WebAssembly small.
#[component]
pub fn GuideView(pg: Playground) -> impl IntoView {
    let t = pg.teach;
    let html = move || {
        if !t.guide_open.get() {
            // A button too: a touch screen has no G to press.
            return "<h2>Guided tour</h2><button type=\"button\" id=\"tour-open\" data-do=\"open\">Open the tour (key G)</button>"
                .to_owned();
        }
        pg.session.with(|s| t.tour.with(|tour| guide_html(&tour.view(s))))
    };
    view! { <section class="guide" id="guide" tabindex="-1" aria-label="Guided tour" on:click=move |ev| clicked(pg, &ev) inner_html=html></section> }
}

/// The selected event explained, beside its JSON; related events are buttons that
/// select them.
#[component]
pub fn ExplanationView(pg: Playground) -> impl IntoView {
    let html = move || {
        let open = pg.teach.explain_open.get();
        pg.teach.explained.with(|x| x.as_ref().filter(|_| open).map(explanation_html).unwrap_or_default())
    };
    view! { <div class="explain" id="explanation" tabindex="-1" on:click=move |ev| clicked(pg, &ev) inner_html=html></div> }
}

/// A click inside the tour or an explanation: the button's `data-do` says what.
fn clicked(pg: Playground, ev: &leptos::ev::MouseEvent) {
    use wasm_bindgen::JsCast;
    let Some(el) = ev.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()).and_then(|e| e.closest("[data-do]").ok().flatten())
    else {
        return;
    };
    let n = el.get_attribute("data-n").and_then(|n| n.parse::<i64>().ok()).unwrap_or(0);
    // The panel is drawn anew: the focus goes back to the button (or to the panel) for
    // a keyboard user's next press.
    let panel = if el.closest("#guide").ok().flatten().is_some() { "guide" } else { "explanation" };
    browser::refocus(el.id(), panel);
    match el.get_attribute("data-do").as_deref() {
        Some("choice") => predict(pg, n as usize),
        Some("next") => {
            run(pg, Command::TourNext);
        }
        Some("back") => {
            run(pg, Command::TourBack);
        }
        Some("chapter") => open_chapter(pg),
        // Both ways, for a touch screen that has no G to press.
        Some("open") => pg.teach.guide_open.set(true),
        Some("fold") => pg.teach.guide_open.set(false),
        Some("select") => pg.selected_event.set(Some(n)),
        _ => {}
    }
}

/// Text made safe inside HTML.
pub(crate) fn esc(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// The tour panel's HTML.
pub fn guide_html(v: &TourView) -> String {
    use std::fmt::Write as _;
    let mut h = format!(
        "<h2 id=\"tour-position\">{}</h2><p class=\"chapter\"><strong>{} · {}</strong></p>",
        esc(&v.position),
        v.chapter.number,
        esc(v.chapter.title)
    );
    if let Some(r) = &v.reveal {
        let _ = write!(
            h,
            "<p id=\"reveal\" class=\"{}\"><strong>{}</strong>{}<br>{}</p>",
            r.verdict().name(),
            esc(&r.headline()),
            esc(r.answer_text),
            esc(r.why)
        );
        if !r.look_for.is_empty() {
            let _ = write!(h, "<p id=\"reveal-look\"><strong>Look for: </strong>{}</p>", esc(r.look_for));
        }
    }
    if let Some(hint) = &v.session_hint {
        let _ = write!(
            h,
            "<p id=\"tour-hint\">{} <button type=\"button\" id=\"tour-chapter\" data-do=\"chapter\">Open chapter {}</button></p>",
            esc(hint),
            v.chapter.number
        );
    }
    match &v.step {
        None => h.push_str("<p id=\"tour-step\">The tour is done: every chapter's score is below.</p>"),
        Some(step) => {
            let waiting = match (&step.waiting, &step.blocked) {
                (Some(w), None) => format!(" — {}", esc(w)),
                _ => String::new(),
            };
            let _ = write!(
                h,
                "<p id=\"tour-step\"><strong>Do: </strong>{} <kbd>{}</kbd>{waiting}</p>",
                esc(step.instruction),
                esc(&controls::keys_label(step.command))
            );
            if let Some(why) = &step.blocked {
                let number = v.chapter.number;
                let _ = write!(
                    h,
                    "<p id=\"tour-blocked\">{} <button type=\"button\" data-do=\"chapter\">Open chapter {number} again</button></p>",
                    esc(why)
                );
            }
            if let Some(q) = &step.question {
                let _ = write!(h, "<fieldset id=\"prediction\"><legend>Predict first: {}</legend>", esc(q.prompt));
                for (i, c) in q.choices.iter().enumerate() {
                    let pressed = q.chosen == Some(i);
                    let _ = write!(
                        h,
                        "<button type=\"button\" class=\"choice\" id=\"choice-{}\" data-do=\"choice\" data-n=\"{i}\" aria-pressed=\"{pressed}\">{}. {}</button>",
                        i + 1,
                        i + 1,
                        esc(c)
                    );
                }
                h.push_str("</fieldset>");
            }
            if let Some(look_for) = step.look_for {
                let _ = write!(h, "<p id=\"tour-look\"><strong>Look for: </strong>{}</p>", esc(look_for));
            }
        }
    }
    let scores: Vec<String> = v.scores.iter().map(|s| format!("{}: {}", s.number, s.label())).collect();
    let _ = write!(
        h,
        "<details><summary>The idea of this chapter</summary><p>{}</p><p>{}</p></details>\
         <div class=\"row\"><button type=\"button\" id=\"tour-back\" data-do=\"back\">◀ step</button>\
         <button type=\"button\" id=\"tour-next\" data-do=\"next\">step ▶</button>\
         <button type=\"button\" id=\"tour-fold\" data-do=\"fold\">Fold (G)</button></div>\
         <p id=\"tour-scores\" class=\"keys\">Predictions right per chapter: {}</p>",
        esc(v.chapter.concept),
        esc(v.chapter.goal),
        scores.join(" · ")
    );
    h
}

/// An explanation's HTML.
pub fn explanation_html(x: &Explanation) -> String {
    use std::fmt::Write as _;
    let mut h = format!(
        "<h3>{} {} — {}</h3><p><strong>Why: </strong>{}</p><p><strong>What it means: </strong>{}</p><p class=\"related-list\">",
        x.event_id,
        x.event_type,
        esc(&x.headline),
        esc(&x.cause),
        esc(&x.meaning)
    );
    for r in &x.related {
        let _ = write!(
            h,
            "<button type=\"button\" class=\"related\" data-do=\"select\" data-n=\"{0}\" data-related-id=\"{0}\">{0} {1}</button>",
            r.event_id,
            r.role.label()
        );
    }
    h.push_str("</p>");
    if let Some(c) = &x.code {
        let _ = write!(h, "<p><strong>Code: </strong><code id=\"code-line\">{}</code></p>", esc(c));
    }
    if let Some(n) = &x.note {
        let _ = write!(h, "<p class=\"note\">{}</p>", esc(n));
    }
    h
}

/// Where the workflow code waits now: the `__stack_trace` answer.
#[component]
pub fn BlockedView(pg: Playground) -> impl IntoView {
    view! {
        <section class="blocked" aria-label="Where the code waits">
            <h2>"Where the code waits"</h2>
            <pre id="stack-trace">{move || pg.session.with(Session::stack_trace)}</pre>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use postflow_core::session::{Action, SessionConfig};

    #[test]
    fn the_tour_panel_names_its_parts_and_escapes_text() {
        let tour = Tour::default();
        let s = Session::new(SessionConfig::default());
        let h = guide_html(&tour.view(&s));
        for part in [
            "id=\"tour-position\">Tour · chapter 1 of 7 · step 1 of 2<",
            "id=\"tour-hint\"",
            "data-do=\"chapter\"",
            "<kbd>s</kbd>",
            "id=\"tour-next\"",
        ] {
            assert!(h.contains(part), "{part} missing: {h}");
        }
        assert_eq!(esc("<b>\"&\""), "&lt;b&gt;&quot;&amp;&quot;");
    }

    #[test]
    fn a_step_its_run_cannot_reach_says_so_with_a_way_on() {
        // When core's step view says the step cannot happen (core/tests/tour.rs plays
        // such a run), the panel says so, offers the chapter again, and does not wait.
        let mut v = Tour::default().view(&Session::new(SessionConfig::default()));
        let step = v.step.as_mut().unwrap();
        step.waiting = Some("Done so far; the events to look for have not all appeared yet (…).".into());
        step.blocked = Some("This run has failed (see the history), so this step cannot happen in it.".into());
        let h = guide_html(&v);
        assert!(h.contains("<p id=\"tour-blocked\">This run has failed (see the history)"), "{h}");
        assert!(h.contains("data-do=\"chapter\">Open chapter 1 again</button>"), "{h}");
        assert!(!h.contains("Done so far"), "{h}");
    }

    #[test]
    fn an_explanation_lists_its_related_events_as_buttons() {
        let mut s = Session::new(SessionConfig::default());
        s.perform(Session::workshop_start()).unwrap();
        s.perform(Action::AdvanceNext).unwrap();
        s.perform(Action::AdvanceNext).unwrap();
        let h = explanation_html(&s.explain(6).unwrap());
        assert!(h.starts_with("<h3>6 ActivityTaskStarted"), "{h}");
        assert!(h.contains("data-related-id=\"5\">5 scheduledEventId</button>"), "{h}");
        assert!(h.contains("id=\"code-line\">core/src/postal/chapters.rs:"), "{h}");
    }
}
