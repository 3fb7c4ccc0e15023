//! The fleet screen (`tui --fleet N`): a fleet run's series as charts — history
//! events per second and timers live over virtual time, the worker cache's hit rate,
//! events per shard — and its packages; Enter opens the selected package in the
//! normal single-workflow screens. Everything shown comes from `core::fleet`.

use postflow_core::fleet::stats::Report;
use postflow_core::fleet::{Fleet, FleetConfig, Progress, grouped};
use postflow_core::session::Session;
use ratatui::Frame;
use ratatui::layout::{Constraint, Direction, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::symbols;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Axis, BarChart, Block, Borders, Chart, Dataset, GraphType, List, ListItem, ListState, Paragraph, Sparkline, Wrap};

/// The fleet screen's state: the finished fleet and the selected package.
pub struct FleetScreen {
    pub fleet: Fleet,
    pub selected: usize,
}

/// What a key on the fleet screen asks for.
#[derive(Debug, PartialEq, Eq)]
pub enum FleetKey {
    Nothing,
    Quit,
    /// Open package `i` in the single-workflow screens.
    Open(u64),
}

impl FleetScreen {
    /// Runs a fleet of `config` to its end, telling `progress` where it is between
    /// chunks (a big fleet takes minutes in a debug build).
    pub fn run(config: FleetConfig, mut progress: impl FnMut(Progress)) -> Result<FleetScreen, String> {
        let mut fleet = Fleet::new(config).map_err(|e| e.to_string())?;
        fleet.run(50_000, |f| {
            progress(f.progress());
            true
        });
        Ok(FleetScreen { fleet, selected: 0 })
    }

    pub fn handle(&mut self, key: crossterm::event::KeyEvent) -> FleetKey {
        use crossterm::event::KeyCode::*;
        // Ctrl-C quits here as on every other screen; other chords are not keys of ours.
        if crate::keymap::is_ctrl_c(key) {
            return FleetKey::Quit;
        }
        if !crate::keymap::is_plain(key) {
            return FleetKey::Nothing;
        }
        let last = self.fleet.progress().arrived.saturating_sub(1) as usize;
        match key.code {
            Up | Char('k') => self.selected = self.selected.saturating_sub(1),
            Down | Char('j') => self.selected = (self.selected + 1).min(last),
            PageUp => self.selected = self.selected.saturating_sub(20),
            PageDown => self.selected = (self.selected + 20).min(last),
            // The list's ends: the last of 10,000 packages was 500 PageDowns away.
            Home => self.selected = 0,
            End => self.selected = last,
            Enter => return FleetKey::Open(self.selected as u64),
            Char('q') | Esc => return FleetKey::Quit,
            _ => {}
        }
        FleetKey::Nothing
    }

    /// Package `i` as a session to step through (core's, as the page opens it).
    pub fn session(&self, i: u64) -> Result<(Session, String), String> {
        self.fleet.package_session(i)
    }
}

pub fn draw(f: &mut Frame, s: &FleetScreen) {
    let area = f.area();
    // As the other screens: below 80x24 the packages' list and the keys were pushed
    // out, and what was left was a chart or two with their titles cut.
    if super::too_small(f, "the fleet", "q") {
        return;
    }
    // The header takes the rows its wrapped lines need, its title and border: at a
    // fixed three rows the run's summary line was never shown.
    let header = summary(s);
    let header_rows = u16::try_from(header.line_count(area.width)).unwrap_or(u16::MAX).min(area.height / 3);
    let rows = Layout::default()
        .direction(Direction::Vertical)
        .constraints([Constraint::Length(header_rows), Constraint::Min(10), Constraint::Length(1)])
        .split(area);
    f.render_widget(header, rows[0]);
    let cols = Layout::default().direction(Direction::Horizontal).constraints([Constraint::Min(40), Constraint::Length(38)]).split(rows[1]);
    let charts = Layout::default()
        .direction(Direction::Vertical)
        .constraints([Constraint::Percentage(35), Constraint::Percentage(35), Constraint::Length(4), Constraint::Min(6)])
        .split(cols[0]);
    let r = s.fleet.report();
    series_chart(f, charts[0], "history events per second", r, |i| i.events_per_second());
    series_chart(f, charts[1], "timers live", r, |i| i.timers_live as f64);
    hit_rate(f, charts[2], r);
    shards(f, charts[3], r);
    packages(f, cols[1], s);
    f.render_widget(
        Paragraph::new("↑↓ PgUp PgDn Home End select a package · Enter open it · q quit").style(Style::default().fg(Color::DarkGray)),
        rows[2],
    );
}

fn summary(s: &FleetScreen) -> Paragraph<'static> {
    let c = s.fleet.config();
    let t = &s.fleet.report().totals;
    let text = vec![
        Line::from(format!(
            "{} packages · {} shards · {} worker slots · cache {} · seed {}",
            grouped(c.packages),
            grouped(c.shards.into()),
            grouped(c.workers.into()),
            grouped(c.worker_cache as u64),
            c.seed
        )),
        Line::from(t.summary_line()),
    ];
    Paragraph::new(text).wrap(Wrap { trim: true }).block(Block::default().borders(Borders::BOTTOM).title(" fleet "))
}

fn series_chart(f: &mut Frame, area: Rect, title: &str, r: &Report, value: impl Fn(&postflow_core::fleet::stats::Interval) -> f64) {
    let points: Vec<(f64, f64)> = r.intervals.iter().map(|i| (i.start_secs as f64 / 3600.0, value(i))).collect();
    let x_max = points.last().map_or(1.0, |p| p.0.max(1.0));
    let y_max = points.iter().map(|p| p.1).fold(0.0, f64::max).max(0.1);
    let data = [Dataset::default()
        .marker(symbols::Marker::Braille)
        .graph_type(GraphType::Line)
        .style(Style::default().fg(Color::Cyan))
        .data(&points)];
    let chart = Chart::new(data.to_vec())
        .block(Block::default().borders(Borders::ALL).title(format!(" {title} ")))
        // The unit on the last label, not as the axis title: ratatui draws the title
        // over the line's end, and leaves it out on a small pane.
        .x_axis(Axis::default().bounds([0.0, x_max]).labels(["0".to_string(), format!("{x_max:.0} h")]))
        .y_axis(
            Axis::default()
                .bounds([0.0, y_max])
                // Grouped as the header's counts: "9,697" under "9,697 timers live at the peak".
                .labels(["0".to_string(), if y_max < 10.0 { format!("{y_max:.1}") } else { grouped(y_max.round() as u64) }]),
        );
    f.render_widget(chart, area);
}

fn hit_rate(f: &mut Frame, area: Rect, r: &Report) {
    let rates: Vec<f64> = r.intervals.iter().map(|i| i.cache_hit_rate().unwrap_or(0.0) * 100.0).collect();
    // One column per interval drew only the first ones (hours 0-38 at 80 columns under
    // charts of 0-142 h): each column is the mean of the intervals it stands for.
    let inner = usize::from(area.width.saturating_sub(2));
    let data = squeezed(&rates, inner);
    // The whole title where it fits; at 80 columns it was cut to "... over the".
    let mut title = " worker cache hit rate, 0-100 % over the run ";
    if title.chars().count() > inner {
        title = " cache hit rate, 0-100 % ";
    }
    let spark = Sparkline::default()
        .block(Block::default().borders(Borders::ALL).title(title))
        .data(&data)
        .max(100)
        .style(Style::default().fg(Color::Green));
    f.render_widget(spark, area);
}

/// `values` in `columns` columns, so that the whole run spans the pane as the charts
/// above do: with more values than columns each column is the rounded mean of its
/// share of them; with fewer, each value is drawn over the columns its time takes (at
/// one column per value, a wide pane ended the run three quarters of the way across).
fn squeezed(values: &[f64], columns: usize) -> Vec<u64> {
    let columns = columns.max(1);
    if values.len() < columns {
        return (0..columns * usize::from(!values.is_empty())).map(|c| values[c * values.len() / columns].round() as u64).collect();
    }
    (0..columns)
        .filter_map(|c| {
            let part = &values[c * values.len() / columns..(c + 1) * values.len() / columns];
            (!part.is_empty()).then(|| (part.iter().sum::<f64>() / part.len() as f64).round() as u64)
        })
        .collect()
}

fn shards(f: &mut Frame, area: Rect, r: &Report) {
    let spread = r.shard_spread();
    let histogram = |bins| r.shard_histogram(bins).into_iter().map(|(from, n)| (format!("{}+", grouped(from)), n)).collect::<Vec<_>>();
    // Eight bins across the pane, or as many as fit with their labels whole: a bin drawn
    // past the pane's edge is cut off, and with it the busiest shards.
    let room = area.width.saturating_sub(2) + 1;
    let label = histogram(8).iter().map(|(l, _)| l.len() as u16).max().unwrap_or(1);
    let bar_width = label.max(room / 8 - 1).max(1);
    let bins = histogram(usize::from((room / (bar_width + 1)).clamp(1, 8)));
    let bars: Vec<(&str, u64)> = bins.iter().map(|(l, n)| (l.as_str(), *n)).collect();
    let (min, median, max) = (grouped(spread.min), grouped(spread.median), grouped(spread.max));
    let mut title = format!(" shards by events: min {min} / median {median} / max {max} ");
    if title.chars().count() > usize::from(area.width.saturating_sub(2)) {
        title = format!(" shards: min {min} med {median} max {max} ");
    }
    let chart = BarChart::default()
        .block(Block::default().borders(Borders::ALL).title(title))
        .data(&bars)
        .bar_width(bar_width)
        .bar_gap(1)
        .bar_style(Style::default().fg(Color::Yellow));
    f.render_widget(chart, area);
}

fn packages(f: &mut Frame, area: Rect, s: &FleetScreen) {
    let count = s.fleet.progress().arrived as usize;
    // Only the rows that fit are built: a fleet may hold many packages.
    let height = area.height.saturating_sub(2) as usize;
    let first = s.selected.saturating_sub(height / 2).min(count.saturating_sub(height));
    let items: Vec<ListItem> = (first..count.min(first + height))
        .filter_map(|i| {
            let (id, shard) = s.fleet.package(i as u64)?;
            let status = s.fleet.package_status(i as u64).unwrap_or("purged");
            Some(ListItem::new(Line::from(vec![
                Span::raw(format!("{id:<12}")),
                Span::raw(format!(" shard {shard:<5} ")),
                Span::raw(status),
            ])))
        })
        .collect();
    let mut state = ListState::default().with_selected(Some(s.selected - first));
    let list = List::new(items)
        .block(Block::default().borders(Borders::ALL).title(format!(" packages ({}) ", grouped(count as u64))))
        .highlight_style(Style::default().add_modifier(Modifier::REVERSED));
    f.render_stateful_widget(list, area, &mut state);
}

#[cfg(test)]
mod tests {
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    use postflow_core::fleet::FleetConfig;

    use super::*;

    #[test]
    fn home_and_end_reach_the_list_s_ends() {
        let config = FleetConfig { packages: 60, shards: 4, workers: 4, worker_cache: 20, ..FleetConfig::default() };
        let mut s = FleetScreen::run(config, |_| {}).unwrap();
        let key = |code| KeyEvent::new(code, KeyModifiers::NONE);
        assert_eq!(s.handle(key(KeyCode::End)), FleetKey::Nothing);
        assert_eq!(s.handle(key(KeyCode::Enter)), FleetKey::Open(59), "End selects the last package");
        s.handle(key(KeyCode::Home));
        assert_eq!(s.handle(key(KeyCode::Enter)), FleetKey::Open(0), "Home the first");
    }

    #[test]
    fn the_axes_group_their_thousands_as_the_header_does() {
        let config = FleetConfig { packages: 2_000, shards: 4, workers: 16, worker_cache: 1_000, ..FleetConfig::default() };
        let s = FleetScreen::run(config, |_| {}).unwrap();
        let text = crate::ui::render_fleet_text(&s, 120, 40);
        let peak = s.fleet.report().intervals.iter().map(|i| i.timers_live).max().unwrap();
        assert!(peak >= 1_000, "{peak}");
        // Before: "1938" on the axis under "1,938 timers live at the peak".
        assert!(text.contains(&format!("│{}│", grouped(peak))), "the timers' axis top is {}, grouped:\n{text}", grouped(peak));
    }

    #[test]
    fn the_hit_rate_spans_the_whole_run_in_the_columns_it_has() {
        let rates: Vec<f64> = (0..143).map(|h| if h < 100 { 0.0 } else { 100.0 }).collect();
        let columns = super::squeezed(&rates, 78);
        assert_eq!(columns.len(), 78);
        assert_eq!((columns[0], *columns.last().unwrap()), (0, 100), "the last hours are drawn too: {columns:?}");
        assert_eq!(super::squeezed(&[40.0, 60.0], 4), [40, 40, 60, 60], "fewer intervals than columns: each spread over its share");
        assert_eq!(super::squeezed(&[40.0, 60.0], 2), [40, 60]);
        assert!(super::squeezed(&[], 78).is_empty());
    }
}
