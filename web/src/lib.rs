//! postflow-web: the postflow playground in the browser.
//!
//! A thin leptos (client-side rendering) shell over [`postflow_core::session::Session`]:
//! the whole simulated Cadence server runs here as WebAssembly. Every decision about
//! the workflow lives in the core; this crate only draws the session's view model,
//! turns clicks and keys into [`Action`](postflow_core::session::Action)s and keeps
//! the state in the URL hash and in localStorage.
//!
//! - [`app`]: the page, assembled from [`controls`], [`panels`], [`history`] and
//!   [`timeline_svg`];
//! - [`state`]: the session signal, inline errors, persistence;
//! - [`timeline`]: the layout of the timeline SVG (pure, tested natively);
//! - the commands, their keys and the input rules are core's
//!   ([`postflow_core::controls`]), the same as the terminal app's;
//! - [`guide`]: the teaching layer (the tour, explanations, where the code waits,
//!   play and live time) drawn from core's `workshop` and `session::Player`;
//! - [`fleet`]: many packages run in the page in chunks, as charts; a package opens
//!   above;
//! - [`browser`]: the few browser calls (storage, URL hash, download, clipboard).

pub mod app;
pub mod browser;
pub mod controls;
pub mod fleet;
pub mod guide;
pub mod history;
pub mod panels;
pub mod state;
pub mod timeline;
pub mod timeline_svg;

/// Mounts the playground on `<body>`.
pub fn start() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(app::App);
    // The first render is done (CSR mounts synchronously): the e2e test reads this mark.
    if let Some(p) = web_sys::window().and_then(|w| w.performance()) {
        let _ = p.mark("postflow:mounted");
    }
}
