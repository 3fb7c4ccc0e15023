//! The fleet screen (`tui --fleet N`) on ratatui's TestBackend: its charts and
//! packages as a snapshot reviewed by eye, and a package opened from it in the
//! normal screens with exactly the history the fleet wrote.

use std::time::Duration;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use postflow_core::fleet::{FleetConfig, grouped};
use postflow_core::history::EventType;
use postflow_tui::App;
use postflow_tui::ui::fleet::{FleetKey, FleetScreen};
use postflow_tui::ui::{render_fleet_text, render_text};

fn screen() -> FleetScreen {
    FleetScreen::run(
        FleetConfig {
            packages: 120,
            shards: 8,
            workers: 8,
            worker_cache: 40,
            retention: Duration::from_secs(365 * 86_400),
            ..FleetConfig::default()
        },
        |_| {},
    )
    .unwrap()
}

#[test]
fn the_fleet_screen_shows_its_series_shards_and_packages() {
    let s = screen();
    let text = render_fleet_text(&s, 120, 40);
    for expected in ["history events per second", "timers live", "worker cache hit rate", "shards by events", "packages (120)", "Order1 "] {
        assert!(text.contains(expected), "{expected:?} missing from\n{text}");
    }
    insta::assert_snapshot!("fleet_screen", text);
    // The time axis says its unit at every size, and nothing is drawn over the line.
    for (w, h) in [(80, 24), (140, 45)] {
        let text = render_fleet_text(&s, w, h);
        assert!(
            text.lines().any(|l| l.split('│').any(|cell| cell.trim_end().ends_with(" h") && cell.trim_start().starts_with('0'))),
            "no unit on the time axis at {w}x{h}:\n{text}"
        );
        assert!(!text.contains("hours"), "{text}");
        // The header's second line, the run's summary, is there whole.
        assert!(text.contains("completed,") && text.contains("cache hits"), "no run summary at {w}x{h}:\n{text}");
    }
}

#[test]
fn every_shard_is_counted_in_the_histogram_at_every_width() {
    let s = screen();
    for width in [80, 100, 120, 160] {
        let text = render_fleet_text(&s, width, 40);
        let lines: Vec<&str> = text.lines().collect();
        // The histogram's bottom rows: each bar's count in it, then the bins' lower bounds.
        let labels = lines.iter().position(|l| l.matches("+ ").count() >= 2).unwrap_or_else(|| panic!("no bin labels at {width}:\n{text}"));
        let pane = |l: &str| l.split('│').nth(1).unwrap_or_default().to_owned();
        let counts = pane(lines[labels - 1]);
        let shown: u64 = counts.split(|c: char| !c.is_ascii_digit()).filter_map(|n| n.parse::<u64>().ok()).sum();
        assert_eq!(shown, 8, "at {width} columns the histogram counts {shown} of the 8 shards:\n{counts}\n{}", pane(lines[labels]));
        let spread = s.fleet.report().shard_spread();
        let title = lines.iter().find(|l| l.contains("┌ shards")).unwrap_or_else(|| panic!("no histogram title at {width}:\n{text}"));
        assert!(title.contains(&format!("max {}", grouped(spread.max))), "at {width} columns the title hides the busiest shard: {title}");
    }
}

fn plain(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, KeyModifiers::NONE)
}

#[test]
fn enter_opens_the_selected_package_with_the_fleets_history() {
    let mut s = screen();
    assert_eq!(s.handle(plain(KeyCode::Down)), FleetKey::Nothing);
    assert_eq!(s.handle(plain(KeyCode::Down)), FleetKey::Nothing);
    assert_eq!(s.handle(plain(KeyCode::Enter)), FleetKey::Open(2));
    let (session, label) = s.session(2).unwrap();
    assert!(label.starts_with("fleet package Order3 (shard "), "{label}");
    let history = s.fleet.package_history(2).unwrap();
    assert_eq!(session.history(), &history[..]);
    assert!(history.last().unwrap().event_type().is_workflow_close());
    assert_eq!(session.replay_error(), None, "the workflow code replays the fleet's history");
    assert!(history.iter().any(|e| e.event_type() == EventType::WorkflowExecutionSignaled));
    assert_eq!(s.handle(KeyEvent::new(KeyCode::Char('q'), KeyModifiers::ALT)), FleetKey::Nothing, "Alt-q is not q");
    assert_eq!(s.handle(plain(KeyCode::Char('q'))), FleetKey::Quit);
    assert_eq!(s.handle(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL)), FleetKey::Quit, "Ctrl-C quits, as everywhere");
    // In the package's screens, q leads back to the fleet, and the key bar says so.
    let (session, label) = s.session(2).unwrap();
    let package = render_text(&App::fleet_package(session, label), 80, 24);
    let bar = package.lines().last().unwrap();
    assert!(bar.contains("q back to fleet") && !bar.contains("quit"), "{bar}");
    assert!(package.contains("q goes back to the fleet"), "{package}");
    // The status line names the package, not "(imported)": the fleet knows its ID.
    let status = package.lines().next().unwrap();
    assert!(status.contains("Order3") && !status.contains("(imported)"), "{status}");
}

#[test]
fn the_fleet_header_groups_its_counts_as_the_summary_does() {
    let s = FleetScreen::run(FleetConfig { packages: 1_500, shards: 16_384, ..FleetConfig::default() }, |_| {}).unwrap();
    let text = render_fleet_text(&s, 140, 45);
    assert!(text.contains("1,500 packages · 16,384 shards · 64 worker slots · cache 100,000"), "{text}");
    assert!(text.contains("┌ packages (1,500) "), "the list groups its count as the header does:\n{text}");
}

#[test]
fn a_terminal_too_small_for_the_fleet_says_so() {
    // Before, 40x12 showed the cache and shard charts alone: no packages, no keys.
    let s = screen();
    for (w, h) in [(40, 12), (79, 24), (80, 23)] {
        let text = render_fleet_text(&s, w, h);
        let words = text.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(
            words.contains(&format!(
                "postflow: the terminal is {w}x{h}; the fleet needs at least 80x24. Make it larger, or press q to quit."
            )),
            "{text}"
        );
        assert!(!text.contains("shards"), "{text}");
    }
    assert!(!render_fleet_text(&s, 80, 24).contains("the fleet needs at least"));
}

#[test]
fn the_cache_hit_rate_has_its_whole_title_and_spans_the_run() {
    let s = screen();
    let last = s.fleet.report().intervals.last().unwrap().cache_hit_rate().unwrap_or(0.0);
    assert!(last >= 0.5, "the last hour has hits, so its column is drawn: {last}");
    for (w, h) in [(80, 24), (120, 40), (200, 50)] {
        let text = render_fleet_text(&s, w, h);
        let lines: Vec<&str> = text.lines().collect();
        let top = lines.iter().position(|l| l.contains("hit rate, 0-100 %")).unwrap_or_else(|| panic!("no hit rate at {w}x{h}:\n{text}"));
        // Its title is whole: at 80 columns it read "worker cache hit rate, 0-100 % over the".
        let title = lines[top].split('┌').nth(1).unwrap().split('┐').next().unwrap();
        assert!(!title.contains("over the") || title.contains("over the run"), "cut title at {w}x{h}: {title}");
        // The pane's columns reach its right border: the run's last hours are drawn.
        let pane = |l: &str| l.split('│').nth(1).unwrap_or_default().to_owned();
        let inner = pane(lines[top + 1]).chars().count();
        let drawn =
            (top + 1..).map_while(|i| lines.get(i).filter(|l| !l.starts_with('└'))).map(|l| pane(l).trim_end().chars().count()).max();
        assert_eq!(drawn, Some(inner), "at {w}x{h} the hit rate stops short of its pane's edge:\n{}", lines[top..top + 4].join("\n"));
    }
}
