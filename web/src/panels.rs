//! What the session shows: status, the `current_status` answer, the CLI command,
//! pending work, the share link and the log. The history is in [`crate::history`], the
//! timeline in [`crate::timeline_svg`].

use leptos::prelude::*;
use postflow_core::history::table;
use postflow_core::session::{Action, Session, cli, script};
use postflow_core::time::format_elapsed;

use crate::browser;
use crate::state::Playground;

#[component]
pub fn Messages(pg: Playground) -> impl IntoView {
    view! {
        {move || pg.error.get().map(|e| {
            // A refusal a participant meets is explained in Cadence's terms (core's words).
            let why = postflow_core::workshop::explain_refusal(&e).map(|w| view! { <p class="refusal-why" id="error-why">{w}</p> });
            view! { <p class="error" id="error" role="alert">{e}</p> {why} }
        })}
        {move || pg.notice.get().map(|n| view! { <p class="notice" id="notice">{n}</p> })}
    }
}

#[component]
pub fn StatusView(pg: Playground) -> impl IntoView {
    let status = move || pg.session.with(Session::status_line);
    view! {
        <section class="status" aria-label="Status">
            <h2>"Workflow"</h2>
            <dl id="status">
                <dt>"workflow"</dt>
                <dd id="workflow-id">{move || status().workflow_id}</dd>
                <dt>"state"</dt>
                <dd id="run-state">{move || status().run_state}</dd>
                <dt>"virtual time"</dt>
                <dd id="virtual-time">{move || status().virtual_time.to_string()}</dd>
                <dt>"elapsed"</dt>
                <dd id="elapsed">{move || format_elapsed(status().elapsed)}</dd>
                <dt>"notification"</dt>
                <dd id="notification">
                    {move || match pg.session.with(Session::notifications) {
                        0 => "not sent".to_owned(),
                        1 => "sent".to_owned(),
                        n => format!("sent {n} times"),
                    }}
                </dd>
                <dt>"outcome"</dt>
                <dd id="outcome">{move || pg.session.with(Session::outcome).unwrap_or_else(|| "-".into())}</dd>
                <dt>"current_status"</dt>
                <dd>
                    <code id="current-status">
                        {move || {
                            pg.session
                                .with(Session::current_status)
                                .and_then(|q| serde_json::to_string(&q).ok())
                                .map_or_else(|| "(no answer yet)".into(), |a| shown(&a))
                        }}
                    </code>
                </dd>
                <dt>"last query"</dt>
                <dd>
                    <code id="query-result">{move || pg.session.with(last_query).map_or_else(|| "(no query yet)".into(), |a| shown(&a))}</code>
                </dd>
            </dl>
            {move || pg.session.with(|s| s.replay_error().map(|e| view! { <p class="error">"replay: " {e.to_owned()}</p> }))}
        </section>
    }
}

/// A long answer as `cadence wf show` shows a long field, its start and its end: laid
/// out whole, two megabytes of scanned locations held the page for seconds.
fn shown(text: &str) -> String {
    table::trimmed(text, table::MAX_FIELD_LENGTH).into_owned()
}

/// The answer of the last query at or before the cursor.
fn last_query(s: &Session) -> Option<String> {
    s.timeline()[..s.cursor()].iter().rev().find(|e| matches!(e.action, Action::Query { .. })).map(|e| e.outcome.clone())
}

#[component]
pub fn CliView(pg: Playground) -> impl IntoView {
    let last = move || pg.session.with(script::last_command);
    let show = move || pg.session.with(|s| s.workflow_id().map(cli::show));
    view! {
        <section class="cli" aria-label="Cadence CLI">
            <h2>"cadence CLI"</h2>
            <p class="last-action">
                {move || pg.session.with(|s| s.last_entry().map(|e| format!("last step: {} → {}", e.action.label(), shown(&e.outcome))))}
            </p>
            {move || match last() {
                Some(l) => {
                    let copied = l.command.clone();
                    let cursor = pg.session.with(|s| s.cursor());
                    view! {
                        <div class="row">
                            <span class="label" id="cli-from" class:older=l.older_than_step>{l.provenance(cursor)}</span>
                            {copy_button("copy-cli", "copy-cli-said", "Copy", "Copy the CLI command", copied)}
                        </div>
                        <pre id="cli">{l.command}</pre>
                    }
                        .into_any()
                }
                None => view! { <pre id="cli">"(start an order: its cadence command shows here)"</pre> }.into_any(),
            }}
            {move || show().map(|c| view! { <pre id="cli-show">{c}</pre> })}
            <details id="cli-all">
                <summary>{move || format!("every command of this session ({})", pg.session.with(|s| script::commands(s).len()))}</summary>
                <ol>
                    {move || {
                        pg.session
                            .with(script::commands)
                            .into_iter()
                            .map(|(step, c)| view! { <li value=step.to_string()><pre>{c}</pre></li> })
                            .collect_view()
                    }}
                </ol>
            </details>
        </section>
    }
}

#[component]
pub fn PendingView(pg: Playground) -> impl IntoView {
    view! {
        <section class="pending" aria-label="Pending work">
            <h2>"Pending"</h2>
            <ul id="pending">
                {move || {
                    pg.session
                        .with(|s| s.pending())
                        .into_iter()
                        .map(|p| {
                            let kind = p.kind.name();
                            view! {
                                <li data-kind=kind>
                                    {p.text}
                                    {p.detail.map(|d| view! { <span class="detail">{d}</span> })}
                                </li>
                            }
                        })
                        .collect_view()
                }}
                {move || {
                    pg.session
                        .with(|s| s.pending().is_empty())
                        .then(|| view! { <li class="none">"(nothing pending)"</li> })
                }}
            </ul>
        </section>
    }
}

/// What a copy said: the clipboard took it, or the browser refused (it says nothing itself).
pub fn copy_result(ok: bool) -> &'static str {
    if ok { "copied ✓" } else { "the browser did not let the page copy: select it and copy it yourself" }
}

/// A copy button with, beside it, whether the copy worked. Drawn again with each new
/// text, so an old "copied" does not stay beside a newer text.
fn copy_button(id: &'static str, said_id: &'static str, text: &'static str, label: &'static str, copied: String) -> impl IntoView {
    let said = RwSignal::new(None::<bool>);
    view! {
        <button type="button" id=id aria-label=label on:click=move |_| browser::copy(&copied, Box::new(move |ok| _ = said.try_set(Some(ok))))>
            {text}
        </button>
        <span class="copied" id=said_id role="status">{move || said.get().map(copy_result)}</span>
    }
}

#[component]
pub fn ShareView(pg: Playground) -> impl IntoView {
    let link = move || pg.share.with(|share| share.as_deref().map(browser::link_with_hash));
    view! {
        <section class="share" aria-label="Share">
            <h2>"Share"</h2>
            {move || match link() {
                Some(l) if postflow_core::session::link_too_long(&l).is_some() => view! { <span id="share-too-long">{postflow_core::session::link_too_long(&l)}</span> }.into_any(),
                Some(l) => {
                    let copied = l.clone();
                    view! {
                        <a id="share-link" href=l.clone()>"link to this state"</a>
                        " "
                        {copy_button("copy-link", "copy-link-said", "Copy link", "Copy the share link", copied)}
                    }
                        .into_any()
                }
                None => view! { <span>"(an imported history is kept in this browser only)"</span> }.into_any(),
            }}
        </section>
    }
}

#[component]
pub fn LogView(pg: Playground) -> impl IntoView {
    view! {
        <section class="log" aria-label="Workflow log">
            <h2>"Log"</h2>
            <pre id="log">
                {move || pg.session.with(|s| s.logs().iter().map(|l| format!("{l}\n")).collect::<String>())}
            </pre>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use postflow_core::session::SessionConfig;

    #[test]
    fn the_last_query_and_cli_are_found_before_the_cursor() {
        let mut s = Session::new(SessionConfig::default());
        assert_eq!(script::last_command(&s), None);
        s.perform(Session::workshop_start()).unwrap();
        s.perform(postflow_core::controls::query_action()).unwrap();
        assert_eq!(last_query(&s).unwrap(), r#"{"delivered":false,"locationHistory":["Aarhus"]}"#);
        assert!(script::last_command(&s).unwrap().command.contains("wf query --query_type current_status"));
        s.back();
        assert_eq!(last_query(&s), None);
        assert!(script::last_command(&s).unwrap().command.contains("wf start"));
    }
}
