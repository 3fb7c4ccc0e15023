//! The fleet view: a fleet of packages (`core::fleet`, docs/scale.md) run in the
//! page in small chunks between frames, so the page stays responsive, then its
//! series as SVG charts — history events per second and timers live over virtual
//! time, the worker cache's hit rate, events per shard — and its packages; a click
//! on one opens it in the single-workflow view above (as an imported history).

use std::fmt::Write;
use std::time::Duration;

use leptos::prelude::*;
use postflow_core::fleet::stats::Report;
use postflow_core::fleet::{Fleet, FleetConfig, grouped};

use crate::guide::esc;
use crate::state::Playground;

/// Where the fleet is kept: in the page's thread only (it holds the engine).
type FleetCell = StoredValue<Option<Fleet>, LocalStorage>;

/// Engine operations per chunk: a few milliseconds of work between two frames.
const CHUNK: u64 = 3_000;
const WIDTH: f64 = 560.0;
const HEIGHT: f64 = 90.0;

/// The most packages a fleet in the page may have: the browser is for small fleets.
const MAX_PACKAGES: u64 = 20_000;

/// The package count typed in the form, read by the rules of every other count
/// (`core::count`), with the page's own upper bound.
fn package_count(text: &str) -> Result<u64, String> {
    let t = text.trim();
    // What was typed, as every count's error echoes it ("20,001" stays so).
    let too_many =
        || format!("packages: must be at most {} in the browser (got {t}); the fleet binary runs millions", grouped(MAX_PACKAGES));
    // Past the page's bound gets the page's words, even past what a u64 holds.
    if !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit()) && t.parse::<u64>().is_err() {
        return Err(too_many());
    }
    let n = postflow_core::count::at_least_one::<u64>(t).map_err(|why| format!("packages: {why}"))?;
    if n > MAX_PACKAGES {
        return Err(too_many());
    }
    Ok(n)
}

/// A chart's top value as a person reads it: a count as a whole number, a rate with
/// its first digits that are not 0 (a fleet of one has rates like 0.03 events per
/// second, and "top 0.0" sat above a line that plainly rose). A count's thousands are
/// grouped as in the summary above it ("top 1,938" under "1,938 timers live at the
/// peak"); the rates stay far below a thousand in a fleet the page runs.
fn top_text(top: f64) -> String {
    if top < 1e-9 {
        return "0".into();
    }
    if top.fract() == 0.0 {
        return grouped(top as u64);
    }
    let mut decimals = 1;
    // Below 1, two significant digits (a loop: log10 is a kilobyte of the page).
    let mut t = top;
    while t < 1.0 {
        decimals = decimals.max(2) + usize::from(t < 0.1);
        t *= 10.0;
    }
    format!("{top:.decimals$}")
}

/// What the view shows of a finished (or running) fleet.
#[derive(Clone, Debug, PartialEq)]
struct Shown {
    report: Report,
    /// (package index, workflow ID, shard, status) of the packages listed.
    packages: Vec<(u64, String, u32, &'static str)>,
}

#[component]
pub fn FleetView(pg: Playground) -> impl IntoView {
    let packages = RwSignal::new("2000".to_string());
    let progress = RwSignal::new(None::<(u64, u64)>);
    let shown = RwSignal::new(None::<Shown>);
    let error = RwSignal::new(None::<String>);
    // The fleet lives outside the reactive graph: it is big and changes in place.
    let fleet: FleetCell = StoredValue::new_local(None);
    let run = {
        move || {
            let n = match package_count(&packages.get_untracked()) {
                Ok(n) => n,
                Err(why) => return error.set(Some(why)),
            };
            let config = FleetConfig::for_view(n);
            match Fleet::new(config) {
                Ok(f) => {
                    error.set(None);
                    shown.set(None);
                    progress.set(Some((0, n)));
                    fleet.set_value(Some(f));
                    chunk(fleet, progress, shown);
                }
                Err(e) => error.set(Some(e.to_string())),
            }
        }
    };
    let open = {
        move |i: u64| {
            match fleet.with_value(|f| f.as_ref().map(|f| f.package_session(i))) {
                Some(Ok((s, label))) => {
                    let json = postflow_core::history::json::history_to_json(s.history());
                    // The notice names the package, and the page goes up to it and the slider.
                    pg.show_imported(s, json, Some(label));
                    crate::browser::show("notice");
                }
                Some(Err(e)) => error.set(Some(e)),
                None => error.set(Some("that package's history is gone".into())),
            }
        }
    };
    view! {
        <section class="fleet" id="fleet" aria-label="Fleet">
            <h2>"Fleet (many packages, as Cadence carries them)"</h2>
            <p class="hint">
                {FleetConfig::for_view(0).describe()}
                " The run happens in small steps, so the page stays usable."
            </p>
            // A form, so that Enter in the count runs the fleet, as the button does.
            <form
                class="row"
                on:submit=move |ev| {
                    ev.prevent_default();
                    run();
                }
            >
            <label>
                "packages "
                <input
                    id="fleet-packages"
                    // Text, not a number field: the browser reports a number field's
                    // unfinished text ("-", "2.") as empty, the value bound to it then
                    // wiped what was typed, and "2.5" ran 52 packages. The count's own
                    // rules answer what is typed.
                    type="text"
                    inputmode="numeric"
                    prop:value=move || packages.get()
                    on:input=move |ev| packages.set(event_target_value(&ev))
                />
            </label>
            <button type="submit" id="fleet-run">"Run the fleet"</button>
            </form>
            {move || error.get().map(|e| view! { <p class="error" id="fleet-error">{e}</p> })}
            <p id="fleet-progress">
                {move || match progress.get() {
                    Some((done, n)) if done < n => format!("running: {} of {} done", grouped(done), postflow_core::count::many(n, "package")),
                    Some((_, n)) => format!("done: {}", postflow_core::count::many(n, "package")),
                    None => String::new(),
                }}
            </p>
            {move || shown.get().map(|s| view! { <div class="fleet-charts" inner_html=charts(&s.report)></div> })}
            {move || {
                shown
                    .get()
                    .map(|s| {
                        view! {
                            <div class="table-scroll">
                            <table id="fleet-packages-table">
                                <caption id="fleet-table-hint">"The first 200 packages (or all, if fewer); click one to open its history in the view above."</caption>
                                <tr>
                                    <th>"package"</th>
                                    <th>"shard"</th>
                                    <th>"status"</th>
                                </tr>
                                {s
                                    .packages
                                    .into_iter()
                                    .map(|(i, id, shard, status)| {
                                        view! {
                                            // Focusable, and Enter or Space opens it: a keyboard
                                            // user reaches a package as a click does.
                                            <tr
                                                class="package"
                                                data-status=status
                                                tabindex="0"
                                                on:click=move |_| open(i)
                                                on:keydown=move |ev| {
                                                    if ev.key() == "Enter" || ev.key() == " " {
                                                        // Not also the page's shortcut (Space plays).
                                                        ev.prevent_default();
                                                        ev.stop_propagation();
                                                        open(i);
                                                    }
                                                }
                                            >
                                                <td class="id">{id}</td>
                                                <td>{shard}</td>
                                                <td>{status}</td>
                                            </tr>
                                        }
                                    })
                                    .collect_view()}
                            </table>
                            </div>
                        }
                    })
            }}
        </section>
    }
}

/// Runs one chunk, shows the progress, and schedules the next chunk after the
/// browser had a chance to draw and take input.
fn chunk(fleet: FleetCell, progress: RwSignal<Option<(u64, u64)>>, shown: RwSignal<Option<Shown>>) {
    let Some((done, p)) = fleet.try_update_value(|f| f.as_mut().map(|f| (f.run_for(CHUNK), f.progress()))).flatten() else { return };
    progress.set(Some((if done { p.packages } else { p.closed }, p.packages)));
    if done {
        let listed = fleet.with_value(|f| {
            let f = f.as_ref()?;
            let packages = (0..p.packages.min(200))
                .filter_map(|i| {
                    let (id, shard) = f.package(i)?;
                    Some((i, id, shard, f.package_status(i).unwrap_or("purged")))
                })
                .collect();
            Some(Shown { report: f.report().clone(), packages })
        });
        shown.set(listed);
        return;
    }
    set_timeout(move || chunk(fleet, progress, shown), Duration::ZERO);
}

/// The summary and the charts, as one piece of HTML (as the timeline is): drawn as
/// typed views they were some 12 KB of the page's code before wasm-opt.
fn charts(r: &Report) -> String {
    let t = &r.totals;
    let spread = r.shard_spread();
    let hist = r.shard_histogram(12);
    let most = hist.iter().map(|(_, n)| *n).max().unwrap_or(1).max(1);
    let bar_w = WIDTH / hist.len().max(1) as f64;
    let mut out = format!("<p id=\"fleet-summary\">{}</p>", esc(&t.summary_line()));
    line_chart(&mut out, "fleet-events", "history events per second", r, |i| Some(i.events_per_second()));
    line_chart(&mut out, "fleet-timers", "timers live", r, |i| Some(i.timers_live as f64));
    // An interval without a decision task has no hit rate: no point, not a drop to 0 %.
    line_chart(&mut out, "fleet-cache", "worker cache hit rate (%)", r, |i| i.cache_hit_rate().map(|h| h * 100.0));
    _ = write!(
        out,
        "<h3 id=\"fleet-shards-title\">shards by events: min {} / median {} / max {}</h3>",
        grouped(spread.min),
        grouped(spread.median),
        grouped(spread.max)
    );
    svg_open(&mut out, "fleet-shards", "Shards by events");
    for (i, (from, n)) in hist.iter().enumerate() {
        let h = *n as f64 / most as f64 * (HEIGHT - 14.0);
        _ = write!(
            out,
            "<rect class=\"bar\" x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{h:.1}\"><title>{n} {} with {}+ events</title></rect>",
            i as f64 * bar_w + 1.0,
            HEIGHT - 14.0 - h,
            bar_w - 2.0,
            postflow_core::count::plural(*n, "shard"),
            grouped(*from)
        );
    }
    let y = HEIGHT - 2.0;
    _ = write!(
        out,
        "<text x=\"2\" y=\"{y:.0}\">{}</text><text x=\"{:.0}\" y=\"{y:.0}\" text-anchor=\"end\">{} events</text></svg>",
        grouped(spread.min),
        WIDTH - 2.0,
        grouped(spread.max)
    );
    out
}

/// A chart's `<svg>` start tag, sized as every chart is.
fn svg_open(out: &mut String, id: &str, title: &str) {
    _ = write!(
        out,
        "<svg id=\"{id}\" role=\"img\" aria-label=\"{title}\" width=\"100%\" style=\"max-width: {WIDTH:.0}px\" viewBox=\"0 0 {WIDTH:.0} {HEIGHT:.0}\">"
    );
}

fn line_chart(
    out: &mut String,
    id: &'static str,
    title: &'static str,
    r: &Report,
    value: fn(&postflow_core::fleet::stats::Interval) -> Option<f64>,
) {
    let values: Vec<Option<f64>> = r.intervals.iter().map(value).collect();
    let top = values.iter().flatten().copied().fold(0.0, f64::max).max(f64::MIN_POSITIVE);
    let n = values.len().max(2) - 1;
    let points: String = values
        .iter()
        .enumerate()
        .filter_map(|(i, v)| Some((i, (*v)?)))
        .map(|(i, v)| format!("{:.1},{:.1}", i as f64 / n as f64 * WIDTH, HEIGHT - 4.0 - v / top * (HEIGHT - 8.0)))
        .collect::<Vec<_>>()
        .join(" ");
    let hours = r.intervals.last().map_or(0, |i| (i.start_secs + i.seconds) / 3600);
    _ = write!(out, "<h3>{title} (0 to {hours} h; top {})</h3>", top_text(top));
    svg_open(out, id, title);
    _ = write!(out, "<polyline class=\"series\" fill=\"none\" points=\"{points}\"></polyline></svg>");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_package_count_is_read_like_every_count_with_the_page_s_bound() {
        assert_eq!(package_count(" 1500 "), Ok(1500));
        assert_eq!(package_count("20000"), Ok(20_000));
        for (typed, says) in [
            ("0", "packages: must be at least 1 (got 0)"),
            ("-5", "packages: must be at least 1 (got -5)"),
            ("2.5", "packages: must be a whole number (got 2.5)"),
            ("lots", "packages: expected a whole number, got \"lots\""),
            ("20001", "packages: must be at most 20,000 in the browser (got 20001); the fleet binary runs millions"),
            ("20,001", "packages: must be at most 20,000 in the browser (got 20,001); the fleet binary runs millions"),
            (
                "99999999999999999999",
                "packages: must be at most 20,000 in the browser (got 99999999999999999999); the fleet binary runs millions",
            ),
        ] {
            assert_eq!(package_count(typed), Err(says.to_string()), "{typed:?}");
        }
    }

    #[test]
    fn the_charts_are_html_with_every_chart_its_id_and_a_bar_per_shard_group() {
        let mut f = Fleet::new(FleetConfig::for_view(200)).unwrap();
        while !f.run_for(100_000) {}
        let r = f.report();
        let html = charts(r);
        assert!(html.starts_with(&format!("<p id=\"fleet-summary\">{}</p>", r.totals.summary_line())), "{html}");
        for id in ["fleet-events", "fleet-timers", "fleet-cache", "fleet-shards"] {
            assert_eq!(html.matches(&format!("<svg id=\"{id}\" role=\"img\"")).count(), 1, "{id}: {html}");
        }
        assert_eq!(html.matches("<polyline class=\"series\" fill=\"none\" points=\"0.0,").count(), 3, "{html}");
        assert_eq!(html.matches("<rect class=\"bar\"").count(), r.shard_histogram(12).len(), "{html}");
        let spread = r.shard_spread();
        let title =
            format!("shards by events: min {} / median {} / max {}</h3>", grouped(spread.min), grouped(spread.median), grouped(spread.max));
        assert!(html.contains(&title) && html.contains(&format!("{} events</text></svg>", grouped(spread.max))), "{html}");
        assert!(html.contains("<h3>timers live (0 to ") && html.ends_with("</svg>"), "{html}");
    }

    #[test]
    fn counts_and_tops_read_as_a_person_reads_them() {
        // A count as a whole number, a rate with a tenth, a small rate with its digits.
        // A count's thousands grouped, as the summary groups them.
        for (top, says) in [
            (12.0, "12"),
            (3.25, "3.2"),
            (0.5, "0.50"),
            (0.034, "0.034"),
            (0.0012, "0.0012"),
            (f64::MIN_POSITIVE, "0"),
            (1938.0, "1,938"),
            (20_000.0, "20,000"),
        ] {
            assert_eq!(top_text(top), says, "{top}");
        }
    }
}
