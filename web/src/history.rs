//! The history: one row per event (click for its full JSON), and grouped by activity,
//! timer, decision task and signal.

use leptos::prelude::*;
use postflow_core::session::Session;

use crate::state::Playground;

#[component]
pub fn HistoryView(pg: Playground) -> impl IntoView {
    let selected_json = move || pg.selected_event.get().and_then(|id| pg.session.with(|s| s.event_json(id)));
    view! {
        <section class="history" aria-label="History">
            <h2>"History"</h2>
            <div class="table-scroll">
            <table id="history">
                <thead>
                    <tr>
                        <th>"id"</th>
                        <th>"time"</th>
                        <th>"event"</th>
                        <th>"attributes"</th>
                    </tr>
                </thead>
                <tbody>
                    {move || {
                        pg.session
                            .with(Session::history_rows)
                            .into_iter()
                            .map(|r| {
                                let id = r.event_id;
                                view! {
                                    <tr
                                        class="event"
                                        class:selected=move || pg.selected_event.get() == Some(id)
                                        class:related=move || crate::guide::related_ids(pg).contains(&id)
                                        class:batch-odd=r.batch % 2 == 1
                                        data-event-type=r.event_type
                                        data-event-id=id.to_string()
                                        tabindex="0"
                                        on:click=move |_| open_event(pg, id)
                                        // Focusable, so it opens from the keyboard as a button does.
                                        on:keydown=move |ev| {
                                            if ev.key() == "Enter" || ev.key() == " " {
                                                ev.prevent_default();
                                                ev.stop_propagation();
                                                open_event(pg, id);
                                            }
                                        }
                                    >
                                        <td>{id}</td>
                                        <td>{format!("+{}s", r.at_secs)}</td>
                                        <td class="type">{r.event_type}</td>
                                        <td class="details">{r.details}</td>
                                    </tr>
                                }
                            })
                            .collect_view()
                    }}
                </tbody>
            </table>
            </div>
            {move || {
                selected_json()
                    .map(|j| {
                        view! {
                            <div class="event-detail" id="event-detail">
                                <crate::guide::ExplanationView pg=pg />
                                <div class="event-json">
                                    <button type="button" aria-label="Close the event JSON" on:click=move |_| pg.selected_event.set(None)>
                                        "×"
                                    </button>
                                    <pre id="event-json">{j}</pre>
                                </div>
                            </div>
                        }
                    })
            }}
        </section>
    }
}

/// Selects an event and brings its explanation and JSON into view: they are drawn below
/// the whole table, a screen or more under a row near its top. A click asks why, so the
/// explanation shows even after `x` hid it (an `x` pressed with no row selected hid
/// every explanation after it, silently, and a touch screen has no `x` to undo it).
pub(crate) fn open_event(pg: Playground, id: i64) {
    pg.teach.explain_open.set(true);
    pg.selected_event.set(Some(id));
    crate::browser::show("event-detail");
}

/// The event `by` before (negative) or after the selected one, opened as a click opens
/// it: k and j, as in the terminal (↑ and ↓ there; here the arrows scroll the page), so
/// a keyboard user need not Tab past some 50 controls to reach a row. With none selected
/// the first press opens the newest, which the terminal shows unasked. Core's
/// availability has refused the keys already when there is no event.
pub(crate) fn select_by(pg: Playground, by: i64) {
    let len = pg.session.with_untracked(|s| s.history().len() as i64);
    if len > 0 {
        open_event(pg, pg.selected_event.get_untracked().map_or(len, |id| (id + by).clamp(1, len)));
    }
}

#[component]
pub fn GroupsView(pg: Playground) -> impl IntoView {
    // One piece of HTML, as the tour's panel is: as a list of views it cost the page
    // 936 bytes more (gzipped).
    let html = move || {
        pg.session.with(|s| {
            let rows = s.history_rows();
            s.groups()
                .into_iter()
                .map(|g| {
                    let events = g
                        .event_ids
                        .iter()
                        .filter_map(|id| rows.iter().find(|r| r.event_id == *id))
                        .map(|r| format!("{} {}", r.event_id, r.event_type))
                        .collect::<Vec<_>>()
                        .join(", ");
                    format!("<li><strong>{}</strong>: {}</li>", crate::guide::esc(&g.title), crate::guide::esc(&events))
                })
                .collect::<String>()
        })
    };
    view! {
        <section class="groups" aria-label="Grouped history">
            <h2>"Grouped"</h2>
            <ul id="groups" inner_html=html></ul>
        </section>
    }
}
