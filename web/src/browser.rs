//! The few browser calls the playground makes: localStorage, the URL hash, a file
//! download and the clipboard. Failures are ignored on purpose: a browser that
//! refuses storage or the clipboard still runs the simulation.

use wasm_bindgen::{JsCast, JsValue};

/// The localStorage key of the last state.
pub const STORAGE_KEY: &str = "postflow.state";

fn window() -> Option<web_sys::Window> {
    web_sys::window()
}

pub fn load(key: &str) -> Option<String> {
    window()?.local_storage().ok()??.get_item(key).ok()?
}

pub fn save(key: &str, value: &str) {
    if let Some(Ok(Some(s))) = window().map(|w| w.local_storage()) {
        let _ = s.set_item(key, value);
    }
}

/// The URL hash without its `#`.
pub fn hash() -> String {
    window().and_then(|w| w.location().hash().ok()).map(|h| h.trim_start_matches('#').to_owned()).unwrap_or_default()
}

/// Replaces the URL hash without a navigation (no history entry, no `hashchange`).
pub fn set_hash(text: &str) {
    let Some(w) = window() else { return };
    if hash() == text {
        return;
    }
    let url = if text.is_empty() {
        let l = w.location();
        format!("{}{}", l.pathname().unwrap_or_default(), l.search().unwrap_or_default())
    } else {
        format!("#{text}")
    };
    if let Ok(h) = w.history() {
        let _ = h.replace_state_with_url(&JsValue::NULL, "", Some(&url));
    }
}

/// The page's address with `hash` as its fragment: a share link.
pub fn link_with_hash(text: &str) -> String {
    let Some(w) = window() else { return format!("#{text}") };
    let l = w.location();
    let base = format!("{}{}{}", l.origin().unwrap_or_default(), l.pathname().unwrap_or_default(), l.search().unwrap_or_default());
    format!("{base}#{text}")
}

/// Offers `text` as a file download.
pub fn download(file_name: &str, mime: &str, text: &str) {
    let Some(doc) = window().and_then(|w| w.document()) else { return };
    let parts = js_sys::Array::of1(&JsValue::from_str(text));
    let props = web_sys::BlobPropertyBag::new();
    props.set_type(mime);
    let Ok(blob) = web_sys::Blob::new_with_str_sequence_and_options(&parts, &props) else { return };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else { return };
    if let Some(a) = doc.create_element("a").ok().and_then(|e| e.dyn_into::<web_sys::HtmlAnchorElement>().ok()) {
        a.set_href(&url);
        a.set_download(file_name);
        a.click();
    }
    let _ = web_sys::Url::revoke_object_url(&url);
}

/// Copies `text` to the clipboard, then tells `done` whether the browser let it: a
/// refusal (no permission, or no clipboard at all outside a secure context, as on
/// `http://` from another machine) is the caller's to say.
pub fn copy(text: &str, done: Box<dyn FnOnce(bool)>) {
    let Some(w) = window() else { return done(false) };
    // Outside a secure context `navigator.clipboard` is undefined: calling it would throw.
    let has_clipboard = js_sys::Reflect::get(&w.navigator(), &JsValue::from_str("clipboard")).is_ok_and(|c| !c.is_undefined());
    if !has_clipboard {
        return done(false);
    }
    let promise = w.navigator().clipboard().write_text(text);
    wasm_bindgen_futures::spawn_local(async move {
        done(wasm_bindgen_futures::JsFuture::from(promise).await.is_ok());
    });
}

/// Scrolls the element with this id into view, as little as needed, once the page has
/// drawn what the last change added.
pub fn show(id: &'static str) {
    let Some(w) = window() else { return };
    let scroll = wasm_bindgen::closure::Closure::once_into_js(move || {
        let Some(el) = window().and_then(|w| w.document()).and_then(|d| d.get_element_by_id(id)) else { return };
        let options = web_sys::ScrollIntoViewOptions::new();
        options.set_block(web_sys::ScrollLogicalPosition::Nearest);
        el.scroll_into_view_with_scroll_into_view_options(&options);
    });
    let _ = w.request_animation_frame(scroll.unchecked_ref());
}

/// Gives the keyboard focus back once the page has redrawn, when a redraw took it: to
/// the element with `id` (the pressed button, drawn anew), else to `fallback`. A panel
/// drawn as one piece of HTML replaces the button pressed in it, and the focus fell to
/// the page: a second Enter did nothing, and a second Space played the session.
pub fn refocus(id: String, fallback: &'static str) {
    let Some(w) = window() else { return };
    let f = wasm_bindgen::closure::Closure::once_into_js(move || {
        let Some(d) = window().and_then(|w| w.document()) else { return };
        // Only when the focus was lost: a person may have moved it on meanwhile.
        let body: Option<web_sys::Element> = d.body().map(Into::into);
        if d.active_element().is_some() && d.active_element() != body {
            return;
        }
        let el = d.get_element_by_id(&id).or_else(|| d.get_element_by_id(fallback));
        if let Some(el) = el.and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok()) {
            let _ = el.focus();
        }
    });
    let _ = w.request_animation_frame(f.unchecked_ref());
}

/// Gives the element with this id the keyboard focus (the browser scrolls to it).
pub fn focus(id: &str) {
    let el = window().and_then(|w| w.document()).and_then(|d| d.get_element_by_id(id));
    if let Some(el) = el.and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok()) {
        let _ = el.focus();
    }
}

/// Opens a `<details>` element and scrolls it into view.
pub fn reveal(id: &str) {
    let Some(el) = window().and_then(|w| w.document()).and_then(|d| d.get_element_by_id(id)) else { return };
    let _ = el.set_attribute("open", "");
    el.scroll_into_view();
}

/// Reads a picked history file as the terminal app reads one (core's
/// `history_file_text`): UTF-8, or UTF-16 with its byte order mark (what Windows
/// PowerShell's `>` writes), and a binary file named as such. The browser's text
/// reader made a binary file "not valid JSON (... line 1 column 1)", and whether it
/// reads UTF-16 is the browser's choice (Chromium's does; the File API's UTF-8 decode
/// does not).
pub async fn read_file(file: web_sys::File) -> Result<String, String> {
    let buffer = wasm_bindgen_futures::JsFuture::from(file.array_buffer()).await.map_err(|e| format!("cannot read the file: {e:?}"))?;
    postflow_core::history::json::history_file_text(js_sys::Uint8Array::new(&buffer).to_vec())
}

/// Milliseconds on the page's monotonic clock (`performance.now()`): the tick of play
/// and live time measures real time with it.
pub fn now_ms() -> f64 {
    window().and_then(|w| w.performance()).map_or(0.0, |p| p.now())
}
