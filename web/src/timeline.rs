//! The timeline's layout: what the SVG draws on the virtual time axis, computed from
//! the session (activity attempts with their backoff gaps, timers started, canceled
//! and fired, signals and decisions). Pure, so it is tested natively; the component
//! in [`crate::panels`] only turns marks into SVG elements.

use std::time::Duration;

use postflow_core::history::table::{self, attempt_label};
use postflow_core::history::{EventAttributes, HistoryEvent};
use postflow_core::session::Session;
use postflow_core::time::Timestamp;

/// Width of the drawing, lane labels included.
pub const WIDTH: f64 = 1000.0;
/// Where the time axis starts (left of it: the lane labels).
pub const AXIS_X: f64 = 260.0;
/// Room right of the axis for the last tick's label.
const RIGHT: f64 = 24.0;

/// How virtual time maps to x.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scale {
    /// Proportional to time.
    Linear,
    /// Proportional to the square root of time: a 1 s retry backoff and a 3 min
    /// timer are both visible.
    Sqrt,
}
pub const LANE_HEIGHT: f64 = 24.0;
/// Room above the first lane for the axis ticks.
pub const TOP: f64 = 22.0;

/// One thing drawn: a bar from `x1` to `x2` or a point at `x1` (when `x1 == x2`).
#[derive(Clone, Debug, PartialEq)]
pub struct Mark {
    /// Stable name for CSS and tests: `attempt`, `backoff`, `timer`, `timer-planned`
    /// (where a canceled timer would have fired), `timer-started`, `timer-canceled`,
    /// `timer-fired`, `signal`, `decision`, `decision-failed`.
    pub kind: &'static str,
    /// For attempts: `completed`, `failed` or `timed-out`; for timers: `fired`,
    /// `canceled` or `pending`; empty otherwise.
    pub outcome: &'static str,
    pub lane: usize,
    pub x1: f64,
    pub x2: f64,
    /// Tooltip text.
    pub title: String,
    /// The history event the mark stands for, if one does: explanations highlight it.
    pub event_id: Option<i64>,
}

/// A word drawn next to a mark, above it (`above`) or below, so that neighbours
/// do not print over each other.
#[derive(Clone, Debug, PartialEq)]
pub struct Label {
    pub lane: usize,
    pub x: f64,
    pub above: bool,
    pub text: String,
}

/// Roughly how wide a label is in the SVG's units (11 px text).
fn label_width(text: &str) -> f64 {
    text.chars().count() as f64 * 6.2
}

/// What a signal is, in a word: the scanned location, "delivered", or its name.
pub fn signal_label(name: &str, input: &str) -> String {
    match name {
        "ScanSignal" => match serde_json::from_str::<serde_json::Value>(input).ok().and_then(|v| v.get("location").cloned()) {
            Some(serde_json::Value::String(l)) if !l.is_empty() => l.chars().take(24).collect(),
            _ => "scan".into(),
        },
        "DeliveredSignal" => "delivered".into(),
        other => other.chars().take(24).collect(),
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Layout {
    pub lanes: Vec<String>,
    pub marks: Vec<Mark>,
    /// Axis ticks: x and label.
    pub ticks: Vec<(f64, String)>,
    /// Visible words next to marks: each signal's scan location or name.
    pub labels: Vec<Label>,
    /// The cursor's virtual time, when a workflow runs.
    pub now_x: Option<f64>,
    pub height: f64,
}

/// The y of a lane's middle.
pub fn lane_y(lane: usize) -> f64 {
    TOP + LANE_HEIGHT * lane as f64 + LANE_HEIGHT / 2.0
}

struct Lanes(Vec<(String, String)>);

impl Lanes {
    /// The lane of `key`, added with `label` the first time.
    fn of(&mut self, key: String, label: impl FnOnce() -> String) -> usize {
        match self.0.iter().position(|(k, _)| *k == key) {
            Some(i) => i,
            None => {
                self.0.push((key, label()));
                self.0.len() - 1
            }
        }
    }
}

pub fn layout(session: &Session, scale: Scale) -> Layout {
    let history = session.history();
    let Some(start) = history.first().map(|e| e.event_time) else {
        return Layout { lanes: Vec::new(), marks: Vec::new(), labels: Vec::new(), ticks: Vec::new(), now_x: None, height: TOP };
    };
    let now = if session.is_imported() { history.last().map_or(start, |e| e.event_time) } else { session.status_line().virtual_time };
    let secs = |t: Timestamp| t.since(start).as_secs_f64();
    // The axis ends at the latest thing shown: now, or a timer due later.
    let mut end = secs(now);
    for e in history {
        if let EventAttributes::TimerStarted(t) = &e.attributes {
            end = end.max(secs(e.event_time) + t.start_to_fire_timeout.unwrap_or_default().as_secs_f64());
        }
    }
    let end = nice_end(end);
    let x = |s: f64| {
        let f = match scale {
            Scale::Linear => s / end,
            Scale::Sqrt => (s.max(0.0) / end).sqrt(),
        };
        AXIS_X + (WIDTH - AXIS_X - RIGHT) * f.min(1.0)
    };

    let mut lanes = Lanes(vec![("decisions".into(), "decision tasks".into())]);
    let mut marks = Vec::new();
    for a in session.attempts() {
        let lane = lanes.of(format!("a{}", a.activity_id), || format!("activity {} {}", a.activity_id, a.activity_type));
        let outcome = match a.outcome.as_str() {
            "completed" => "completed",
            o if o.starts_with("failed") => "failed",
            _ => "timed-out",
        };
        let end_x = x(secs(a.ended_at));
        let start_x = a.started_at.map_or(end_x, |t| x(secs(t)));
        marks.push(Mark {
            kind: "attempt",
            outcome,
            lane,
            x1: start_x,
            x2: end_x,
            title: format!("{} {}: {}", a.activity_type, attempt_label(a.attempt, 0), a.outcome),
            event_id: None,
        });
    }
    // Backoff gaps: from the end of one attempt to the start of the next of the same activity.
    let attempts = session.attempts();
    for (i, a) in attempts.iter().enumerate() {
        if let Some(next) = attempts[i + 1..].iter().find(|b| b.activity_id == a.activity_id)
            && let Some(next_start) = next.started_at
        {
            let lane = lanes.of(format!("a{}", a.activity_id), String::new);
            let gap = next_start.since(a.ended_at);
            marks.push(Mark {
                kind: "backoff",
                outcome: "",
                lane,
                x1: x(secs(a.ended_at)),
                x2: x(secs(next_start)),
                title: format!("retry backoff {}s before {}", gap.as_secs(), attempt_label(next.attempt, 0)),
                event_id: None,
            });
        }
    }
    // A retry waiting now: the backoff so far.
    if let Some(last) = attempts.last() {
        for p in session.pending_activities() {
            if p.activity_id == last.activity_id
                && let Some(wait) = p.next_attempt_in
            {
                let lane = lanes.of(format!("a{}", p.activity_id), String::new);
                marks.push(Mark {
                    kind: "backoff",
                    outcome: "pending",
                    lane,
                    x1: x(secs(last.ended_at)),
                    x2: x(secs(now) + wait.as_secs_f64()),
                    title: format!("retry backoff: {} in {}s", p.attempt_label(), wait.as_secs()),
                    event_id: None,
                });
            }
        }
    }
    timer_marks(history, &mut lanes, &mut marks, &secs, &x, now);
    let mut labels: Vec<Label> = Vec::new();
    let mut last_dot: Option<f64> = None;
    for e in history {
        let at = x(secs(e.event_time));
        match &e.attributes {
            EventAttributes::WorkflowExecutionSignaled(s) => {
                let lane = lanes.of("signals".into(), || "signals".into());
                let input = s
                    .input
                    .as_ref()
                    .map(|p| table::trimmed(p.to_text().trim_end(), table::MAX_FIELD_LENGTH).into_owned())
                    .unwrap_or_default();
                // Signals at the same moment would print as one dot: set each a dot apart.
                let dot = match last_dot {
                    Some(prev) if at < prev + 13.0 => prev + 13.0,
                    _ => at,
                };
                last_dot = Some(dot);
                let text = signal_label(&s.signal_name, &input);
                // Above or below, on the side free first: at its dot, or else just after
                // the side's last label (looking at the last label only, a third signal
                // close by was written over the first: "Delftdelivered").
                let free = |above: bool| {
                    let end =
                        labels.iter().rev().find(|l| l.lane == lane && l.above == above).map_or(dot, |l| l.x + label_width(&l.text) + 4.0);
                    end.max(dot)
                };
                let (up, down) = (free(true), free(false));
                let above = up <= down;
                labels.push(Label { lane, x: if above { up } else { down }, above, text });
                marks.push(Mark {
                    kind: "signal",
                    outcome: "",
                    lane,
                    x1: dot,
                    x2: dot,
                    title: format!("event {}: {} {input}", e.event_id, s.signal_name),
                    event_id: Some(e.event_id),
                });
            }
            EventAttributes::DecisionTaskCompleted(_) | EventAttributes::DecisionTaskFailed(_) => {
                let kind = if matches!(e.attributes, EventAttributes::DecisionTaskFailed(_)) { "decision-failed" } else { "decision" };
                marks.push(Mark {
                    kind,
                    outcome: "",
                    lane: 0,
                    x1: at,
                    x2: at,
                    title: format!("event {}: {}", e.event_id, e.event_type().name()),
                    event_id: Some(e.event_id),
                });
            }
            _ => {}
        }
    }
    let ticks = ticks(end, scale).into_iter().map(|s| (x(s as f64), format!("{s}s"))).collect();
    let lane_count = lanes.0.len();
    Layout {
        lanes: lanes.0.into_iter().map(|(_, l)| l).collect(),
        marks,
        // Labels below the last lane need room under it.
        height: TOP + LANE_HEIGHT * lane_count as f64 + if labels.iter().any(|l| !l.above) { 14.0 } else { 6.0 },
        labels,
        ticks,
        now_x: Some(x(secs(now))),
    }
}

/// Timers: a bar from start to fire (or cancel), with a mark at each end.
fn timer_marks(
    history: &[HistoryEvent],
    lanes: &mut Lanes,
    marks: &mut Vec<Mark>,
    secs: &impl Fn(Timestamp) -> f64,
    x: &impl Fn(f64) -> f64,
    now: Timestamp,
) {
    for e in history {
        let EventAttributes::TimerStarted(t) = &e.attributes else { continue };
        let timeout = t.start_to_fire_timeout.unwrap_or(Duration::ZERO);
        let lane = lanes.of(format!("t{}", t.timer_id), || format!("timer {} ({}s)", t.timer_id, timeout.as_secs()));
        let started = secs(e.event_time);
        marks.push(Mark {
            kind: "timer-started",
            outcome: "",
            lane,
            x1: x(started),
            x2: x(started),
            title: format!("event {}: TimerStarted {} ({}s)", e.event_id, t.timer_id, timeout.as_secs()),
            event_id: Some(e.event_id),
        });
        let closed = history.iter().find_map(|c| match &c.attributes {
            EventAttributes::TimerFired(f) if f.started_event_id == e.event_id => Some(("timer-fired", "fired", c)),
            EventAttributes::TimerCanceled(f) if f.started_event_id == e.event_id => Some(("timer-canceled", "canceled", c)),
            _ => None,
        });
        let (outcome, end) = match closed {
            Some((kind, outcome, c)) => {
                let at = x(secs(c.event_time));
                if kind == "timer-canceled" {
                    marks.push(Mark {
                        kind: "timer-planned",
                        outcome: "",
                        lane,
                        x1: at,
                        x2: x(started + timeout.as_secs_f64()),
                        title: format!("timer {} would have fired at +{}s", t.timer_id, (started + timeout.as_secs_f64()).round()),
                        event_id: None,
                    });
                }
                marks.push(Mark {
                    kind,
                    outcome: "",
                    lane,
                    x1: at,
                    x2: at,
                    title: format!("event {}: {} {}", c.event_id, c.event_type().name(), t.timer_id),
                    event_id: Some(c.event_id),
                });
                (outcome, at)
            }
            None => ("pending", x(started + timeout.as_secs_f64())),
        };
        let title = match outcome {
            "pending" => format!("timer {}: fires in {}s", t.timer_id, (started + timeout.as_secs_f64() - secs(now)).max(0.0).round()),
            o => format!("timer {}: {o}", t.timer_id),
        };
        marks.push(Mark { kind: "timer", outcome, lane, x1: x(started), x2: end, title, event_id: Some(e.event_id) });
    }
}

/// Tick positions in seconds: evenly spaced on a linear axis, round numbers that do
/// not crowd each other on a square-root one.
fn ticks(end: f64, scale: Scale) -> Vec<u64> {
    match scale {
        Scale::Linear => (0..=4).map(|i| (end * f64::from(i) / 4.0).round() as u64).collect(),
        Scale::Sqrt => {
            let mut out: Vec<u64> = Vec::new();
            for t in [0, 1, 2, 5, 10, 20, 30, 60, 120, 180, 300, 600, 900, 1200, 1800, 2400, 3600, 7200] {
                let (t, last) = (t as f64, out.last().map_or(-1.0, |&l| l as f64));
                // At least 1/12 of the axis apart (in sqrt units).
                if t <= end && (last < 0.0 || (t / end).sqrt() - (last / end).sqrt() >= 1.0 / 12.0) {
                    out.push(t as u64);
                }
            }
            if out.last().is_some_and(|&l| 1.0 - (l as f64 / end).sqrt() >= 1.0 / 12.0) {
                out.push(end as u64);
            }
            out
        }
    }
}

/// A round end for the axis, at least 10 s.
fn nice_end(secs: f64) -> f64 {
    let s = secs.max(10.0);
    let step = [10.0, 20.0, 40.0, 60.0, 120.0, 240.0, 300.0, 600.0, 1200.0, 1800.0, 3600.0].into_iter().find(|&n| s <= n);
    step.unwrap_or((s / 3600.0).ceil() * 3600.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use postflow_core::session::{Action, SessionConfig};

    fn kinds(l: &Layout, kind: &str) -> Vec<Mark> {
        l.marks.iter().filter(|m| m.kind == kind).cloned().collect()
    }

    #[test]
    fn an_empty_session_draws_nothing() {
        let l = layout(&Session::new(SessionConfig::default()), Scale::Sqrt);
        assert!(l.marks.is_empty() && l.now_x.is_none());
    }

    #[test]
    fn retries_timers_and_signals_are_drawn() {
        let mut s = Session::new(SessionConfig::default());
        s.perform(Session::workshop_start()).unwrap();
        let l = layout(&s, Scale::Sqrt);
        assert_eq!(kinds(&l, "attempt").len(), 1);
        assert_eq!(kinds(&l, "backoff")[0].outcome, "pending", "the payment retry waits");
        s.perform(Action::AdvanceNext).unwrap();
        s.perform(Action::AdvanceNext).unwrap();
        s.perform(postflow_core::controls::scan_action("Delft").unwrap()).unwrap();
        let l = layout(&s, Scale::Linear);
        let attempts = kinds(&l, "attempt");
        assert!(attempts.iter().any(|a| a.outcome == "failed") && attempts.iter().any(|a| a.outcome == "completed"));
        let gap = kinds(&l, "backoff").into_iter().find(|b| b.outcome.is_empty()).expect("a finished backoff");
        assert!(gap.x2 > gap.x1);
        assert_eq!(kinds(&l, "timer-canceled").len(), 1, "the scan reset the notification timer");
        let planned = &kinds(&l, "timer-planned")[0];
        assert!(planned.x2 > planned.x1, "the canceled timer would have fired later");
        assert_eq!(kinds(&l, "timer-started").len(), 2);
        assert_eq!(kinds(&l, "signal").len(), 1);
        assert!(!kinds(&l, "decision").is_empty());
        assert!(l.lanes.iter().any(|n| n.starts_with("timer ")));
        for m in &l.marks {
            assert!(m.x1 >= AXIS_X && m.x2 <= WIDTH && m.x1 <= m.x2 + 1e-9, "{m:?}");
        }
        s.perform(Action::AdvanceNext).unwrap();
        for scale in [Scale::Linear, Scale::Sqrt] {
            let l = layout(&s, scale);
            assert_eq!(kinds(&l, "timer-fired").len(), 1);
            assert!(l.ticks.windows(2).all(|w| w[1].0 > w[0].0), "{:?}", l.ticks);
            assert!(l.marks.iter().all(|m| m.x1 >= AXIS_X && m.x2 <= WIDTH), "{scale:?}");
        }
    }

    #[test]
    fn signals_are_labeled_and_never_drawn_on_top_of_each_other() {
        let mut s = Session::new(SessionConfig::default());
        s.perform(Session::workshop_start()).unwrap();
        for place in ["Delft", "Lyon"] {
            s.perform(postflow_core::controls::scan_action(place).unwrap()).unwrap();
        }
        s.perform(postflow_core::controls::delivered_action()).unwrap();
        let l = layout(&s, Scale::Sqrt);
        let texts: Vec<&str> = l.labels.iter().map(|l| l.text.as_str()).collect();
        assert_eq!(texts, ["Delft", "Lyon", "delivered"]);
        let dots: Vec<f64> = kinds(&l, "signal").iter().map(|m| m.x1).collect();
        assert!(dots.windows(2).all(|w| w[1] - w[0] >= 13.0), "three signals at +0s stay apart: {dots:?}");
        assert!(l.labels.windows(2).all(|w| w[0].above != w[1].above), "close labels alternate sides");
        // No label on one side starts before the one before it on that side has ended
        // (the third, "delivered", was written over "Delft").
        for side in [true, false] {
            let on: Vec<&Label> = l.labels.iter().filter(|l| l.above == side).collect();
            assert!(on.windows(2).all(|w| w[1].x >= w[0].x + label_width(&w[0].text)), "{:?}", l.labels);
        }
    }

    #[test]
    fn an_imported_history_draws_its_activities() {
        // A fleet's package, a real server's history or an export showed no activity
        // at all under a legend that speaks of them.
        let mut s = Session::new(SessionConfig::default());
        s.perform(Session::workshop_start()).unwrap();
        s.perform(Action::AdvanceNext).unwrap();
        s.perform(Action::AdvanceNext).unwrap();
        let imported = Session::import_history(SessionConfig::default(), &s.history_json()).unwrap();
        let l = layout(&imported, Scale::Sqrt);
        let attempts = kinds(&l, "attempt");
        assert_eq!(attempts.iter().map(|a| a.outcome).collect::<Vec<_>>(), ["completed"; 3]);
        assert!(attempts.iter().all(|a| a.x1 <= a.x2), "{attempts:?}");
        assert_eq!(l.lanes, layout(&s, Scale::Sqrt).lanes, "the same lanes as the simulator's own session");
    }
}
