//! The timeline SVG: draws the marks that [`crate::timeline::layout`] computes, each
//! with a stable `data-kind` (and `data-outcome`) for CSS and tests.

use leptos::prelude::*;

use crate::state::Playground;
use crate::timeline::{self, LANE_HEIGHT, Scale, TOP, WIDTH};

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
            <div class="timeline-scroll">
            {move || {
                let l = layout();
                let height = format!("{:.0}", l.height);
                view! {
                    <svg
                        id="timeline"
                        role="img"
                        aria-label="Timeline of attempts, timers, signals and decisions"
                        viewBox=format!("0 0 {WIDTH:.0} {height}")
                        preserveAspectRatio="xMinYMin meet"
                    >
                        {l
                            .ticks
                            .iter()
                            .map(|(x, label)| {
                                let x = format!("{x:.1}");
                                view! {
                                    <g class="tick">
                                        <line x1=x.clone() x2=x.clone() y1="14" y2=format!("{:.0}", l.height)></line>
                                        <text x=x y="11" text-anchor="middle">{label.clone()}</text>
                                    </g>
                                }
                            })
                            .collect_view()}
                        {l
                            .lanes
                            .iter()
                            .enumerate()
                            .map(|(i, name)| {
                                view! {
                                    <text class="lane" x="4" y=format!("{:.1}", timeline::lane_y(i) + 4.0)>
                                        {name.clone()}
                                    </text>
                                }
                            })
                            .collect_view()}
                        {
                            let related = crate::guide::related_ids(pg);
                            l.marks.iter().map(|m| mark(m, m.event_id.is_some_and(|id| related.contains(&id)))).collect_view()
                        }
                        {l
                            .labels
                            .iter()
                            .map(|lb| {
                                let y = timeline::lane_y(lb.lane) + if lb.above { -8.0 } else { 16.0 };
                                view! {
                                    <text class="signal-label" data-kind="signal-label" x=format!("{:.1}", lb.x - 3.0) y=format!("{y:.1}")>
                                        {lb.text.clone()}
                                    </text>
                                }
                            })
                            .collect_view()}
                        {l
                            .now_x
                            .map(|x| {
                                let x = format!("{x:.1}");
                                view! {
                                    <line class="now" data-kind="now" x1=x.clone() x2=x y1=format!("{TOP:.0}") y2=format!("{:.0}", l.height)>
                                        <title>"now"</title>
                                    </line>
                                }
                            })}
                    </svg>
                }
            }}
            </div>
            <p class="legend">
                "Bars: activity attempts (green completed, red failed), red dashes: retry backoff. Timers: blue dot started, red ring canceled (dashed: when it would have fired), green dot fired. Purple: signals. Ticks: decision tasks completed (red: failed)."
            </p>
        </section>
    }
}

/// One mark; `related` when the selected event's explanation points at it.
fn mark(m: &timeline::Mark, related: bool) -> AnyView {
    let y = timeline::lane_y(m.lane);
    let (x1, x2) = (format!("{:.1}", m.x1), format!("{:.1}", m.x2));
    let title = m.title.clone();
    let mut class = if m.outcome.is_empty() { m.kind.to_owned() } else { format!("{} {}", m.kind, m.outcome) };
    if related {
        class.push_str(" related");
    }
    match m.kind {
        "attempt" | "timer" | "timer-planned" => {
            let h = if m.kind == "attempt" { LANE_HEIGHT * 0.6 } else { LANE_HEIGHT * 0.3 };
            view! {
                <rect
                    class=class
                    data-kind=m.kind
                    data-outcome=m.outcome
                    x=x1
                    y=format!("{:.1}", y - h / 2.0)
                    width=format!("{:.1}", (m.x2 - m.x1).max(2.0))
                    height=format!("{h:.1}")
                >
                    <title>{title}</title>
                </rect>
            }
            .into_any()
        }
        "backoff" => view! {
            <line class=class data-kind=m.kind data-outcome=m.outcome x1=x1 x2=x2 y1=format!("{y:.1}") y2=format!("{y:.1}")>
                <title>{title}</title>
            </line>
        }
        .into_any(),
        "decision" | "decision-failed" => view! {
            <line
                class=class
                data-kind=m.kind
                x1=x1.clone()
                x2=x1
                y1=format!("{:.1}", y - LANE_HEIGHT * 0.35)
                y2=format!("{:.1}", y + LANE_HEIGHT * 0.35)
            >
                <title>{title}</title>
            </line>
        }
        .into_any(),
        _ => {
            // Points: timer started / canceled / fired, signals.
            let r = if m.kind == "signal" { 6.0 } else { 5.0 };
            view! {
                <circle class=class data-kind=m.kind cx=x1 cy=format!("{y:.1}") r=format!("{r:.0}")>
                    <title>{title}</title>
                </circle>
            }
            .into_any()
        }
    }
}
