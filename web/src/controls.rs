//! The controls: the order form, the action buttons and the time slider, the
//! scenario picker, import and export, and the keyboard shortcuts. Commands, keys,
//! button words and tooltips, when a command makes sense, and the input rules are
//! core's (`postflow_core::controls`), the same as in the terminal app.

use leptos::prelude::*;
use postflow_core::controls::{self, Availability, Command, ExportKind, Key, OrderInput};
use postflow_core::scenario::NAMES;
use postflow_core::session::Action;
use wasm_bindgen::JsCast;

use crate::browser;
use crate::state::Playground;

/// The shared commands the page offers, in the order its key list shows them.
pub const PAGE_COMMANDS: &[Command] = &[
    Command::Help,
    Command::Start,
    Command::Scan,
    Command::Delivered,
    Command::Query,
    Command::Terminate,
    Command::Cancel,
    Command::Step,
    Command::NextTimer,
    Command::Run,
    Command::Back,
    Command::Forward,
    Command::First,
    Command::Last,
    Command::SelectPrevEvent,
    Command::SelectNextEvent,
    Command::ToggleAutoRun,
    Command::Scenarios,
    Command::Import,
    Command::Export,
    Command::Commands,
    Command::Copy,
    Command::Undo,
    Command::Explain,
    Command::Guide,
    Command::TourNext,
    Command::TourBack,
    Command::TourChapter,
    Command::Predict,
    Command::Play,
    Command::Live,
    Command::Faster,
    Command::Slower,
];

/// Whether a command makes sense now (read reactively: buttons follow the state). The
/// player's mode counts: live time that is on can be turned off wherever it is.
fn availability(pg: Playground, c: Command) -> Availability {
    // The session a tour chapter replaced is put back by undo (`Playground::put_back`).
    let front = controls::FrontState { play: pg.teach.player.with(|p| p.mode()), session_kept: pg.replaced.with(Option::is_some) };
    pg.session.with(|s| controls::availability_in(c, s, front))
}

/// Says why a command makes no sense now (`true`), or else clears what the last
/// refusal said: it is about an earlier moment, as in the terminal, and a command that
/// says nothing of its own (auto-run, a step back) must not leave it standing.
fn refused(pg: Playground, c: Command) -> bool {
    let why = match untrack(|| availability(pg, c)) {
        Availability::Unavailable(why) => Some(why),
        Availability::Available => None,
    };
    let refused = why.is_some();
    pg.error.set(why);
    refused
}

/// Does what a shortcut or a button says; a command that makes no sense now says why.
pub fn run(pg: Playground, c: Command) {
    if refused(pg, c) {
        return;
    }
    match c {
        Command::Start => pg.start_order(),
        Command::Scan => match controls::scan_action(&pg.location.get_untracked()) {
            Ok(a) => pg.act(a),
            Err(e) => pg.error.set(Some(e)),
        },
        Command::Delivered => pg.act(controls::delivered_action()),
        Command::Terminate => pg.act(controls::terminate_action(&pg.reason.get_untracked())),
        Command::Cancel => pg.act(controls::cancel_action(&pg.reason.get_untracked())),
        Command::Query => pg.act(controls::query_action()),
        Command::Step => pg.act(Action::Step),
        Command::NextTimer => pg.act(Action::AdvanceNext),
        Command::Run => pg.act(Action::Run),
        Command::Back => pg.back(),
        Command::Forward => pg.forward(),
        Command::First => pg.seek(0),
        Command::Last => pg.seek(usize::MAX),
        Command::SelectPrevEvent => crate::history::select_by(pg, -1),
        Command::SelectNextEvent => crate::history::select_by(pg, 1),
        Command::ToggleAutoRun => pg.set_auto_run(!pg.session.with_untracked(|s| s.auto_run)),
        Command::Export => export(pg),
        Command::Copy => {
            if let Some(last) = pg.session.with_untracked(postflow_core::session::script::last_command) {
                // The key has no button beside which to say it: the message line says it.
                browser::copy(
                    &last.command,
                    Box::new(move |ok| {
                        let said = format!("the last cadence command: {}", crate::panels::copy_result(ok));
                        _ = if ok { pg.notice.try_set(Some(said)) } else { pg.error.try_set(Some(said)) };
                    }),
                );
            }
        }
        Command::Commands => browser::reveal("cli-all"),
        // The terminal's help, picker and import prompt are always on the page: a key
        // learnt in one front end goes to the same thing in the other (it did nothing).
        Command::Help => browser::focus("keys"),
        Command::Scenarios => browser::focus("scenario"),
        Command::Import => browser::focus("import-text"),
        Command::Undo => pg.undo(),
        Command::Explain
        | Command::Guide
        | Command::TourNext
        | Command::TourBack
        | Command::TourChapter
        | Command::Predict
        | Command::Play
        | Command::Live
        | Command::Faster
        | Command::Slower => {
            crate::guide::run(pg, c);
        }
        // The terminal's: quitting, and a history flat or grouped (the page shows both).
        Command::Quit | Command::ToggleGrouped => {}
    }
}

fn export(pg: Playground) {
    export_as(pg, ExportKind::History);
}

/// Downloads the session in one of the export forms, named as the terminal names it.
pub fn export_as(pg: Playground, kind: ExportKind) {
    let (name, text) = pg.session.with_untracked(|s| (kind.file_name(s), kind.contents(s)));
    browser::download(&name, kind.media_type(), &text);
}

/// Keyboard shortcuts on the whole page, except while typing in a field.
pub fn install_shortcuts(pg: Playground) {
    let handle = window_event_listener(leptos::ev::keydown, move |ev| {
        if ev.ctrl_key() || ev.meta_key() || ev.alt_key() {
            return;
        }
        let target = ev.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok());
        // Typing is in a text field: a clicked checkbox or the slider keeps the focus,
        // and the page's keys went dead after them (t after a drag of the slider did nothing).
        let typing = target.as_ref().is_some_and(|e| match e.tag_name().as_str() {
            "INPUT" => e.get_attribute("type").as_deref() == Some("text"),
            tag => tag == "TEXTAREA" || tag == "SELECT",
        });
        // Space and Enter on a focused button, link or other control press it, as
        // everywhere on the web: a keyboard user's Space on "Query" must ask the query
        // (and on a checkbox tick it), not play.
        let pressing = matches!(ev.key().as_str(), " " | "Enter")
            && target.as_ref().is_some_and(|e| matches!(e.tag_name().as_str(), "BUTTON" | "A" | "SUMMARY" | "INPUT"));
        if typing || pressing {
            return;
        }
        // Escape closes the event's JSON and explanation, as it closes the terminal's
        // overlays: the panel sits below the whole table, so its × may be screens away.
        if ev.key() == "Escape" && pg.selected_event.get_untracked().is_some() {
            ev.prevent_default();
            pg.selected_event.set(None);
            return;
        }
        let key = Key::from_dom(&ev.key());
        match key.and_then(controls::command_for).filter(|c| PAGE_COMMANDS.contains(c)) {
            Some(c) => {
                ev.prevent_default();
                // The digit of a prediction key is the choice.
                match key.and_then(controls::prediction_choice).filter(|_| c == Command::Predict) {
                    Some(choice) => crate::guide::predict(pg, choice),
                    None => run(pg, c),
                }
            }
            // A letter that is no key says so, as in the terminal: typed with the focus
            // outside a field (a location after a click on Scan), it seemed to go nowhere.
            None => {
                if let Some(k) = key {
                    pg.error.set(Some(controls::unbound_key(&k.label())));
                }
            }
        }
    });
    // The listener lives as long as the page.
    std::mem::forget(handle);
}

fn field(pg: Playground, label: &'static str, get: fn(&OrderInput) -> String, set: fn(&mut OrderInput, String)) -> impl IntoView {
    view! {
        <label class="field">
            <span>{label}</span>
            <input
                type="text"
                name=label
                aria-label=format!("Order {label}")
                prop:value=move || pg.form.with(get)
                on:input=move |ev| {
                    let v = event_target_value(&ev);
                    pg.form.update(|f| set(f, v));
                }
            />
        </label>
    }
}

#[component]
pub fn OrderFormView(pg: Playground) -> impl IntoView {
    view! {
        <form
            class="order"
            aria-label="Order"
            on:submit=move |ev| {
                ev.prevent_default();
                pg.start_order();
            }
        >
            <h2>"Order"</h2>
            {field(pg, "id", |f| f.id.clone(), |f, v| f.id = v)}
            {field(pg, "customer", |f| f.customer.clone(), |f, v| f.customer = v)}
            {field(pg, "amount", |f| f.amount.clone(), |f, v| f.amount = v)}
            {field(pg, "address", |f| f.address.clone(), |f, v| f.address = v)}
            {field(pg, "sendFrom", |f| f.send_from.clone(), |f, v| f.send_from = v)}
            <button type="submit" id="start" aria-label="Start the order workflow" title="Starts a new session with this order (key s)">
                "Start order"
            </button>
        </form>
    }
}

/// `aria-disabled` while the command makes no sense now. Not `disabled`: a disabled
/// button swallows a tap without a word (its tooltip needs a mouse), so the button
/// looks disabled and a press says why, as the key does.
fn unavailable(pg: Playground, c: Command) -> Option<&'static str> {
    (!availability(pg, c).is_available()).then_some("true")
}

/// A button for a shared command: its tooltip names the key, and it is marked
/// disabled, with the reason as its tooltip and as what a press says, when the
/// command makes no sense now.
pub(crate) fn button(pg: Playground, id: &'static str, text: &'static str, label: &'static str, c: Command) -> impl IntoView {
    let key = controls::keys_label(c);
    let title = move || match availability(pg, c) {
        Availability::Available => format!("{label} (key {key})"),
        Availability::Unavailable(why) => why,
    };
    view! {
        <button
            type="button"
            id=id
            aria-label=label
            title=title
            aria-disabled=move || unavailable(pg, c)
            on:click=move |_| run(pg, c)
        >
            {text}
        </button>
    }
}

/// The state at a glance, next to the buttons: on a phone the full status is a
/// screen further down, so what a tap did must show here.
#[component]
fn CompactStatus(pg: Playground) -> impl IntoView {
    let line = move || {
        pg.session.with(|s| {
            let st = s.status_line();
            let last = s.last_entry().map(|e| format!(" · {}", e.outcome)).unwrap_or_default();
            format!("{} · {} · step {}/{}{last}", st.workflow_id, st.run_state, s.cursor(), s.timeline().len())
        })
    };
    view! {
        <p id="compact-status" class="compact-status" aria-live="polite">{line}</p>
        {move || {
            pg.session
                .with(|s| s.replaced_note())
                .or_else(|| pg.replaced.with(|r| r.as_ref().map(|_| controls::SESSION_KEPT_NOTE.to_owned())))
                .map(|n| {
                    view! {
                        <p id="replaced" class="notice">
                            {n}
                            " "
                            <button type="button" id="undo" on:click=move |_| pg.undo()>"Undo"</button>
                        </p>
                    }
                })
        }}
        {move || pg.error.get().map(|e| view! { <p class="error compact" id="action-error">{e}</p> })}
    }
}

#[component]
pub fn ActionsView(pg: Playground) -> impl IntoView {
    let len = move || pg.session.with(|s| s.timeline().len());
    let cursor = move || pg.session.with(|s| s.cursor());
    let imported = move || pg.session.with(|s| s.is_imported());
    view! {
        <section class="actions" aria-label="Actions">
            <h2>"Actions"</h2>
            <CompactStatus pg=pg />
            // A form, so that Enter in the location field sends the scan, as the button does.
            <form
                class="row"
                aria-label="Scan"
                on:submit=move |ev| {
                    ev.prevent_default();
                    run(pg, Command::Scan);
                }
            >
                <input
                    type="text"
                    id="location"
                    aria-label="Scan location"
                    placeholder="location"
                    prop:value=move || pg.location.get()
                    on:input=move |ev| pg.location.set(event_target_value(&ev))
                />
                {button(pg, "scan", "Scan", "Send ScanSignal with this location", Command::Scan)}
            </form>
            <div class="row">
                {button(pg, "delivered", "Delivered", "Send DeliveredSignal", Command::Delivered)}
                {button(pg, "query", "Query", "Query current_status", Command::Query)}
            </div>
            // One reason for both, which may stay empty, as on the CLI. Enter in it
            // chooses neither: it terminated (the first button), and a reason typed for
            // a cancel closed the workflow without asking its code.
            <form
                class="row"
                aria-label="Terminate or cancel"
                on:submit=move |ev| {
                    ev.prevent_default();
                    pg.error.set(Some(ENTER_IN_REASON.into()));
                }
            >
                <input
                    type="text"
                    id="reason"
                    aria-label="Terminate or cancel reason"
                    placeholder="reason (optional)"
                    prop:value=move || pg.reason.get()
                    on:input=move |ev| pg.reason.set(event_target_value(&ev))
                />
                {button(pg, "terminate", "Terminate", "Terminate the workflow (cadence wf terminate) with this reason", Command::Terminate)}
                {button(pg, "cancel", "Cancel", "Ask the workflow code to cancel (cadence wf cancel) with this reason", Command::Cancel)}
            </form>
            <div class="row">
                {button(pg, "step", "Step", "Step the worker once", Command::Step)}
                {button(pg, "next-timer", "Next timer", "Advance the clock to the next timer or retry", Command::NextTimer)}
                {button(pg, "run", "Run", "Run the worker until it is blocked", Command::Run)}
            </div>
            <label class="check">
                <input
                    type="checkbox"
                    id="auto-run"
                    aria-label="Run the worker after each external action"
                    prop:checked=move || pg.session.with(|s| s.auto_run)
                    prop:disabled=imported
                    on:change=move |ev| pg.set_auto_run(event_target_checked(&ev))
                />
                " auto-run the worker after signals and clock moves"
            </label>
            <div class="row time">
                {button(pg, "back", "◀", "Back one step", Command::Back)}
                <input
                    type="range"
                    id="slider"
                    aria-label="Position in the timeline"
                    min="0"
                    max=move || len().to_string()
                    prop:value=move || cursor().to_string()
                    on:input=move |ev| {
                        if let Ok(k) = event_target_value(&ev).parse() {
                            pg.seek(k);
                        }
                    }
                />
                {button(pg, "forward", "▶", "Forward one step", Command::Forward)}
                <span id="position" aria-live="polite">{move || format!("{} / {}", cursor(), len())}</span>
            </div>
            <p class="keys" id="keys" tabindex="-1">
                "Keys: "
                {PAGE_COMMANDS
                    .iter()
                    .map(|c| format!("{} {}", controls::keys_label(*c), controls::control(*c).name))
                    .collect::<Vec<_>>()
                    .join(" · ")}
            </p>
        </section>
    }
}

#[component]
pub fn ScenariosView(pg: Playground) -> impl IntoView {
    let chosen = RwSignal::new(NAMES[0].to_owned());
    view! {
        <section class="scenarios" aria-label="Scenarios">
            <h2>"Scenarios"</h2>
            <div class="row">
                <select
                    id="scenario"
                    aria-label="Built-in scenario"
                    on:change=move |ev| chosen.set(event_target_value(&ev))
                >
                    {NAMES.iter().map(|name| view! { <option value=*name>{*name}</option> }).collect_view()}
                </select>
                <button
                    type="button"
                    id="play"
                    aria-label="Load the chosen scenario"
                    on:click=move |_| pg.play_scenario(&chosen.get_untracked())
                >
                    "Load"
                </button>
            </div>
            {move || pg.description.get().map(|d| view! { <p id="scenario-description" class="description">{d}</p> })}
        </section>
    }
}

/// What Enter in the reason field says: the field serves two commands.
const ENTER_IN_REASON: &str = "the reason is for both: press Terminate (the server closes the workflow) or Cancel (its code is asked)";

/// What Import says with nothing pasted.
const EMPTY_BOX: &str = "nothing to import: paste a history JSON into the box first, or pick a file";

#[component]
pub fn ImportExportView(pg: Playground) -> impl IntoView {
    let text = RwSignal::new(String::new());
    // What this card's last import or export refused, shown under its buttons too while
    // it is the page's error: the page's message line is at its top, a screen or more
    // above the box (two on a phone), and a refused import seemed to do nothing.
    let said = RwSignal::new(None::<String>);
    let heard = move || said.set(pg.error.get_untracked());
    let on_file = move |ev: leptos::ev::Event| {
        let input: web_sys::HtmlInputElement = event_target(&ev);
        let file = input.files().and_then(|l| l.get(0));
        // Emptied, so that picking the same file again (changed since, or after another
        // import) is a change the page hears; it was not, and the pick did nothing.
        input.set_value("");
        if let Some(file) = file {
            leptos::task::spawn_local(async move {
                match browser::read_file(file).await {
                    Ok(t) => pg.import(&t),
                    Err(e) => pg.error.set(Some(e)),
                }
                heard();
            });
        }
    };
    view! {
        <section class="import" aria-label="Import and export">
            <h2>"Import / export"</h2>
            <textarea
                id="import-text"
                aria-label="History JSON to import"
                placeholder="paste a history JSON (cadence wf show --output_filename, or an export)"
                rows="3"
                prop:value=move || text.get()
                on:input=move |ev| text.set(event_target_value(&ev))
            ></textarea>
            <div class="row">
                <button
                    type="button"
                    id="import"
                    aria-label="Import the pasted history"
                    on:click=move |_| {
                        // Core would call an empty text an empty file: here it is a box not filled in.
                        if text.with_untracked(|t| t.trim().is_empty()) {
                            pg.error.set(Some(EMPTY_BOX.into()));
                        } else {
                            pg.import(&text.get_untracked());
                        }
                        heard();
                    }
                >
                    "Import"
                </button>
                <input type="file" id="import-file" accept=".json,application/json" aria-label="Import a history file" on:change=on_file />
            </div>
            // Empty (and hidden) unless it is the page's error: the next action clears it.
            <p id="import-said" class="error" role="alert">
                {move || said.get().filter(|m| pg.error.with(|e| e.as_ref() == Some(m))).unwrap_or_default()}
            </p>
            // The three forms; the e key downloads the first.
            <div class="row exports">
                "Export (key e): "
                {ExportKind::ALL
                    .into_iter()
                    .map(|k| {
                        let id = match k {
                            ExportKind::History => "export-history",
                            ExportKind::CliHistory => "export-cli-history",
                            ExportKind::Script => "export-script",
                        };
                        view! {
                            <button
                                type="button"
                                id=id
                                // The Export command's rule, as its button and the e key have it.
                                title=move || match availability(pg, Command::Export) {
                                    Availability::Available => pg.session.with(|s| k.file_name(s)),
                                    Availability::Unavailable(why) => why,
                                }
                                aria-disabled=move || unavailable(pg, Command::Export)
                                on:click=move |_| {
                                    if !refused(pg, Command::Export) {
                                        export_as(pg, k)
                                    }
                                    heard();
                                }
                            >
                                {k.label()}
                            </button>
                        }
                    })
                    .collect_view()}
            </div>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_key_list_holds_every_shared_command_the_page_has() {
        // The terminal's quit and flat/grouped switch are all the page leaves out: it
        // shows both views and has no quitting.
        for c in controls::CONTROLS {
            let left_out = matches!(c.command, Command::Quit | Command::ToggleGrouped);
            assert_eq!(PAGE_COMMANDS.contains(&c.command), !left_out, "{:?}", c.command);
        }
        // k and j reach the shortcuts through the shared table, as every other key does.
        for (key, want) in [("k", Command::SelectPrevEvent), ("j", Command::SelectNextEvent)] {
            let c = Key::from_dom(key).and_then(controls::command_for);
            assert_eq!(c, Some(want));
            assert!(c.is_some_and(|c| PAGE_COMMANDS.contains(&c)), "{key}");
        }
    }
}
