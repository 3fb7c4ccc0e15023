//! The page: header, controls on the left, what the session shows on the right.

use leptos::prelude::*;

use crate::controls::{self, ActionsView, ImportExportView, OrderFormView, ScenariosView};
use crate::guide::{BlockedView, GuideView, PlayView};
use crate::history::{GroupsView, HistoryView};
use crate::panels::{CliView, LogView, Messages, PendingView, ShareView, StatusView};
use crate::state::Playground;
use crate::timeline_svg::TimelineView;

#[component]
pub fn App() -> impl IntoView {
    let pg = Playground::new();
    controls::install_shortcuts(pg);
    // A link pasted into the address bar of an open playground.
    let hashchange = window_event_listener(leptos::ev::hashchange, move |_| pg.open_link(&crate::browser::hash()));
    std::mem::forget(hashchange);
    view! {
        <header>
            <h1>"postflow playground"</h1>
            <p>"The Cadence workshop's postal workflow on a simulated Cadence server, running in your browser."</p>
        </header>
        <Messages pg=pg />
        <main id="app" data-ready="true">
            <div class="left">
                <OrderFormView pg=pg />
                <ActionsView pg=pg />
                <PlayView pg=pg />
                <ScenariosView pg=pg />
                <ImportExportView pg=pg />
                <ShareView pg=pg />
            </div>
            <div class="right">
                <GuideView pg=pg />
                <StatusView pg=pg />
                <CliView pg=pg />
                <PendingView pg=pg />
                <BlockedView pg=pg />
                <TimelineView pg=pg />
                <HistoryView pg=pg />
                <GroupsView pg=pg />
                <LogView pg=pg />
            </div>
        </main>
        <crate::fleet::FleetView pg=pg />
    }
}
