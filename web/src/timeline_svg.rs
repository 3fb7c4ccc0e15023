//! The timeline SVG: draws the marks that [`crate::timeline::layout`] computes, each
//! with a stable `data-kind` (and `data-outcome`) for CSS and tests, as SVG text.

use std::fmt::Write;

use leptos::prelude::*;

use crate::guide::esc;
use crate::state::Playground;
use crate::timeline::{self, LANE_HEIGHT, Layout, Scale, TOP, WIDTH};

#[component]
pub fn TimelineView(pg: Playground) -> impl IntoView {
    let sqrt = RwSignal::new(true);
    let layout = move || {
        let scale = if sqrt.get() { Scale::Sqrt } else { Scale::Linear };
        pg.session.with(|s| timeline::layout(s, scale))
    };
    view! {
        <section class="timeline" aria-label="Timeline">
            <h2>"Timeline (virtual time)"</h2>
            <label class="check">
                <input
                    type="checkbox"
                    id="sqrt-scale"
                    aria-label="Square-root time axis"
                    prop:checked=move || sqrt.get()
                    on:change=move |ev| sqrt.set(event_target_checked(&ev))
                />
                " square-root time axis (seconds and minutes both visible)"
            </label>
            // On a phone the drawing keeps a readable minimum width and scrolls sideways
            // in this box (style.css), instead of shrinking to a third of its size.
            // One piece of SVG text, as the tour's panel is one piece of HTML: drawn as
            // typed views, the marks cost the page some 20 KB of code before wasm-opt.
            <div class="timeline-scroll" inner_html=move || svg(&layout(), &crate::guide::related_ids(pg))></div>
            <p class="legend">
                "Bars: activity attempts (green completed, red failed), red dashes: retry backoff. Timers: blue dot started, red ring canceled (dashed: when it would have fired), green dot fired. Purple: signals. Ticks: decision tasks completed (red: failed)."
            </p>
        </section>
    }
}

/// The drawing: ticks, lane names, marks (`related` ones, which the selected event's
/// explanation points at, marked), signal labels and the cursor's time.
pub fn svg(l: &Layout, related: &[i64]) -> String {
    let height = l.height;
    let mut out = format!(
        "<svg id=\"timeline\" role=\"img\" aria-label=\"Timeline of attempts, timers, signals and decisions\" \
         viewBox=\"0 0 {WIDTH:.0} {height:.0}\" preserveAspectRatio=\"xMinYMin meet\">"
    );
    for (x, label) in &l.ticks {
        _ = write!(
            out,
            "<g class=\"tick\"><line x1=\"{x:.1}\" x2=\"{x:.1}\" y1=\"14\" y2=\"{height:.0}\"></line>\
             <text x=\"{x:.1}\" y=\"11\" text-anchor=\"middle\">{}</text></g>",
            esc(label)
        );
    }
    for (i, name) in l.lanes.iter().enumerate() {
        _ = write!(out, "<text class=\"lane\" x=\"4\" y=\"{:.1}\">{}</text>", timeline::lane_y(i) + 4.0, esc(name));
    }
    for m in &l.marks {
        mark(&mut out, m, m.event_id.is_some_and(|id| related.contains(&id)));
    }
    for lb in &l.labels {
        let y = timeline::lane_y(lb.lane) + if lb.above { -8.0 } else { 16.0 };
        _ = write!(
            out,
            "<text class=\"signal-label\" data-kind=\"signal-label\" x=\"{:.1}\" y=\"{y:.1}\">{}</text>",
            lb.x - 3.0,
            esc(&lb.text)
        );
    }
    if let Some(x) = l.now_x {
        _ = write!(
            out,
            "<line class=\"now\" data-kind=\"now\" x1=\"{x:.1}\" x2=\"{x:.1}\" y1=\"{TOP:.0}\" y2=\"{height:.0}\"><title>now</title></line>"
        );
    }
    out.push_str("</svg>");
    out
}

/// One mark; `related` when the selected event's explanation points at it.
fn mark(out: &mut String, m: &timeline::Mark, related: bool) {
    let y = timeline::lane_y(m.lane);
    let (x1, x2, kind, outcome) = (m.x1, m.x2, m.kind, m.outcome);
    let mut class = if outcome.is_empty() { kind.to_owned() } else { format!("{kind} {outcome}") };
    if related {
        class.push_str(" related");
    }
    // The element and its place; every mark has its class, kind and tooltip.
    let (element, place) = match kind {
        "attempt" | "timer" | "timer-planned" => {
            let h = if kind == "attempt" { LANE_HEIGHT * 0.6 } else { LANE_HEIGHT * 0.3 };
            ("rect", format!("x=\"{x1:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{h:.1}\"", y - h / 2.0, (x2 - x1).max(2.0)))
        }
        "backoff" => ("line", format!("x1=\"{x1:.1}\" x2=\"{x2:.1}\" y1=\"{y:.1}\" y2=\"{y:.1}\"")),
        "decision" | "decision-failed" => {
            let d = LANE_HEIGHT * 0.35;
            ("line", format!("x1=\"{x1:.1}\" x2=\"{x1:.1}\" y1=\"{:.1}\" y2=\"{:.1}\"", y - d, y + d))
        }
        // Points: timer started / canceled / fired, signals.
        _ => ("circle", format!("cx=\"{x1:.1}\" cy=\"{y:.1}\" r=\"{}\"", if kind == "signal" { 6 } else { 5 })),
    };
    // Decisions had no data-outcome; an empty one is no outcome.
    let outcome = if outcome.is_empty() { String::new() } else { format!(" data-outcome=\"{outcome}\"") };
    _ = write!(out, "<{element} class=\"{class}\" data-kind=\"{kind}\"{outcome} {place}><title>{}</title></{element}>", esc(&m.title));
}

#[cfg(test)]
mod tests {
    use postflow_core::session::{Action, Session, SessionConfig};

    use super::*;

    #[test]
    fn the_drawing_is_svg_text_with_every_mark_its_kind_and_the_labels_escaped() {
        let mut s = Session::new(SessionConfig::default());
        for a in [Session::workshop_start(), Action::AdvanceNext, Action::AdvanceNext] {
            s.perform(a).unwrap();
        }
        s.perform(postflow_core::controls::scan_action("<b>Delft & \"co\"</b>").unwrap()).unwrap();
        let l = timeline::layout(&s, Scale::Sqrt);
        let canceled = l.marks.iter().find(|m| m.kind == "timer").and_then(|m| m.event_id).unwrap();
        let svg = svg(&l, &[canceled]);
        assert!(svg.starts_with("<svg id=\"timeline\" role=\"img\"") && svg.contains("viewBox=\"0 0 1000 ") && svg.ends_with("</svg>"));
        for m in &l.marks {
            assert!(svg.contains(&format!("data-kind=\"{}\"", m.kind)), "{}", m.kind);
        }
        assert_eq!(svg.matches("<rect class=\"attempt failed\" data-kind=\"attempt\" data-outcome=\"failed\" x=").count(), 2, "{svg}");
        assert_eq!(svg.matches("<circle class=\"signal\" data-kind=\"signal\" cx=").count(), 1, "{svg}");
        assert!(svg.contains("<rect class=\"timer canceled related\" data-kind=\"timer\" data-outcome=\"canceled\""), "{svg}");
        let related = l.marks.iter().filter(|m| m.event_id == Some(canceled)).count();
        assert_eq!(svg.matches(" related\"").count(), related, "only the related event's marks are marked: {svg}");
        assert!(svg.contains("&lt;b&gt;Delft &amp; &quot;co&quot;&lt;/b&gt;</text>"), "the label is text, not markup: {svg}");
        assert!(!svg.contains("<b>"), "{svg}");
        assert_eq!(svg.matches("<g class=\"tick\">").count(), l.ticks.len());
        assert!(svg.contains("<line class=\"now\" data-kind=\"now\""));
    }
}
