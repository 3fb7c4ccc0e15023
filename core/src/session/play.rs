//! Play and live time: what one tick of a front end's clock does to a session.
//!
//! Front ends own the clock (the terminal's event loop, the browser's interval timer)
//! and call [`Player::tick`] with the real time that passed; the player decides what
//! that means, so both front ends behave alike and core stays free of wall clocks.
//!
//! - **Play** moves one step per interval: forward through recorded steps after a
//!   rewind, then the next step of the simulation itself (a worker step, or the clock
//!   to the next due timer or retry), until the workflow waits for a signal or closes.
//! - **Live** runs the virtual clock at a multiple of real time, with the worker always
//!   polling, as on a server: retries start after their backoff and the notification
//!   timer fires by itself while the participant sends scans.
//!
//! Everything is recorded as the session's usual primitive actions (steps and clock
//! moves), so every state stays reachable by rewinding, and a live session replays to
//! the same history from its recorded actions or an exported scenario.

use std::time::Duration;

use super::{Action, Session, advanced};
use crate::engine::WorkflowStatus;

/// Steps per second of play, slowest first.
const PLAY_INTERVALS_MS: [u64; 6] = [2000, 1000, 500, 250, 125, 50];
/// Multiples of real time in live mode, slowest first.
const LIVE_SPEEDS: [u32; 7] = [1, 2, 5, 10, 30, 60, 120];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PlayMode {
    Paused,
    Play,
    Live,
}

/// The play control of one session view.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Player {
    mode: PlayMode,
    play_speed: usize,
    live_speed: usize,
    /// Real milliseconds since the last play step.
    waited_ms: u64,
    /// The cursor after the last tick: a smaller one means the participant rewound.
    last_cursor: usize,
    /// Why the player paused by itself, for the status line.
    stopped: Option<String>,
}

impl Default for Player {
    fn default() -> Player {
        Player { mode: PlayMode::Paused, play_speed: 1, live_speed: 3, waited_ms: 0, last_cursor: 0, stopped: None }
    }
}

impl Player {
    pub fn mode(&self) -> PlayMode {
        self.mode
    }

    /// Why the player stopped by itself, until the next command.
    pub fn stopped(&self) -> Option<&str> {
        self.stopped.as_deref()
    }

    /// Play or pause (from live, play).
    pub fn toggle_play(&mut self, session: &Session) {
        let mode = if self.mode == PlayMode::Play { PlayMode::Paused } else { PlayMode::Play };
        self.set(mode, session);
    }

    /// Live time or pause. Going live at a rewound cursor continues from there: the
    /// steps after it are dropped at the first tick, as with any new action.
    pub fn toggle_live(&mut self, session: &Session) {
        let mode = if self.mode == PlayMode::Live { PlayMode::Paused } else { PlayMode::Live };
        self.set(mode, session);
    }

    pub fn pause(&mut self) {
        self.mode = PlayMode::Paused;
    }

    fn set(&mut self, mode: PlayMode, session: &Session) {
        self.mode = mode;
        self.waited_ms = 0;
        self.last_cursor = session.cursor();
        self.stopped = None;
    }

    /// Faster play, or a larger multiple of real time when live (paused: play speed).
    pub fn faster(&mut self) {
        match self.mode {
            PlayMode::Live => self.live_speed = (self.live_speed + 1).min(LIVE_SPEEDS.len() - 1),
            _ => self.play_speed = (self.play_speed + 1).min(PLAY_INTERVALS_MS.len() - 1),
        }
    }

    pub fn slower(&mut self) {
        match self.mode {
            PlayMode::Live => self.live_speed = self.live_speed.saturating_sub(1),
            _ => self.play_speed = self.play_speed.saturating_sub(1),
        }
    }

    /// The live multiple of real time.
    pub fn live_speed(&self) -> u32 {
        LIVE_SPEEDS[self.live_speed]
    }

    /// Play speed, as text ("0.5 steps/s", "1 step/s").
    fn steps_per_second(&self) -> String {
        let per = 1000.0 / PLAY_INTERVALS_MS[self.play_speed] as f64;
        if per == 1.0 {
            "1 step/s".to_owned()
        } else if per.fract() == 0.0 {
            format!("{per:.0} steps/s")
        } else {
            format!("{per} steps/s")
        }
    }

    /// The control's state for a status line: "paused", "▶ play 1 step/s", "● live ×10".
    pub fn label(&self) -> String {
        match self.mode {
            PlayMode::Paused => format!("paused (play {}, live ×{})", self.steps_per_second(), self.live_speed()),
            PlayMode::Play => format!("▶ play {}", self.steps_per_second()),
            PlayMode::Live => format!("● live ×{}", self.live_speed()),
        }
    }

    /// How often the front end should call [`tick`](Self::tick); `None` when paused.
    pub fn tick_every(&self) -> Option<Duration> {
        match self.mode {
            PlayMode::Paused => None,
            PlayMode::Play => Some(Duration::from_millis(PLAY_INTERVALS_MS[self.play_speed].min(100))),
            PlayMode::Live => Some(Duration::from_millis(100)),
        }
    }

    /// `elapsed` of real time passed: plays or lives that much. Returns whether the
    /// session changed (the front end redraws then).
    pub fn tick(&mut self, session: &mut Session, elapsed: Duration) -> bool {
        let rewound = session.cursor() < self.last_cursor;
        let changed = match self.mode {
            PlayMode::Paused => false,
            PlayMode::Live if rewound => {
                self.stop("live time paused: you stepped back, and live time would drop the steps after this one");
                false
            }
            PlayMode::Play => {
                self.waited_ms += elapsed.as_millis() as u64;
                let interval = PLAY_INTERVALS_MS[self.play_speed];
                if self.waited_ms < interval {
                    false
                } else {
                    // One step per tick at most: a front end that slept does not get a burst.
                    self.waited_ms = (self.waited_ms - interval).min(interval);
                    match play_step(session) {
                        Ok(()) => true,
                        Err(why) => {
                            self.stop(&why);
                            false
                        }
                    }
                }
            }
            PlayMode::Live => match live(session, elapsed * self.live_speed()) {
                Ok(changed) => changed,
                Err(why) => {
                    self.stop(&why);
                    false
                }
            },
        };
        self.last_cursor = session.cursor();
        changed
    }

    fn stop(&mut self, why: &str) {
        self.mode = PlayMode::Paused;
        self.stopped = Some(why.to_owned());
    }
}

/// One step of play: a recorded step after a rewind, else the simulation's next.
fn play_step(session: &mut Session) -> Result<(), String> {
    if session.cursor() < session.timeline().len() {
        session.forward();
        return Ok(());
    }
    if session.is_imported() {
        return Err("played to the end of the history".into());
    }
    if session.workflow_id().is_none() {
        return Err("nothing to play: start an order first".into());
    }
    if session.apply(Action::Step).is_ok() {
        return Ok(());
    }
    // Play moves the clock to timers and retries, not to the workflow's own timeout:
    // a workflow that waits for a signal would otherwise always play into it.
    if session.engine().next_due().is_some_and(|due| Some(due) != session.workflow_deadline()) && session.apply(Action::AdvanceNext).is_ok()
    {
        return Ok(());
    }
    Err(match session.execution_status() {
        Some(WorkflowStatus::Running) | None => "played to where the workflow waits for a signal".into(),
        Some(s) => format!("played to the end: the workflow {}", s.words()),
    })
}

/// `by` of virtual time with the worker always running: each due timer, retry and
/// timeout fires at its own time and the worker reacts before the clock goes on.
fn live(session: &mut Session, by: Duration) -> Result<bool, String> {
    if session.is_imported() {
        return Err("an imported history has no live time".into());
    }
    match session.execution_status() {
        None => return Ok(false), // nothing started yet: the clock waits for an order
        Some(WorkflowStatus::Running) => {}
        Some(s) => return Err(format!("live time stopped: the workflow {}", s.words())),
    }
    // Whole milliseconds keep the recorded clock moves short and exact in text.
    let by = Duration::from_millis(by.as_millis() as u64);
    let before = session.timeline().len();
    let target = session.engine().now().plus(by);
    // Live time's steps are one stretch (`apply_following`): what its first step
    // replaced (live turned on at a rewound step) stays for undo until the person acts
    // again; each later step, replacing nothing, would have forgotten it.
    loop {
        session.apply_following(Action::Run)?;
        match session.engine().next_due() {
            Some(due) if due <= target => {
                let step = due.since(session.engine().now());
                session.apply_following(Action::AdvanceBy { by: step })?;
            }
            _ => break,
        }
    }
    let rest = target.since(session.engine().now());
    if !rest.is_zero() {
        session.pass_time(rest);
    }
    Ok(session.timeline().len() != before || !rest.is_zero())
}

impl Session {
    /// Moves the clock by `by`, when nothing falls due on the way, as one recorded
    /// clock move: live time ticks ten times a second, and a quiet minute stays one
    /// entry of the timeline instead of six hundred.
    fn pass_time(&mut self, by: Duration) {
        let at_end = self.cursor == self.timeline.len();
        let merge = match self.timeline.last() {
            Some(last) if at_end => match last.action {
                // The last clock move fired nothing: the two together are one move.
                Action::AdvanceBy { by: prev } if last.outcome == advanced(prev, &[]) => Some(prev),
                _ => None,
            },
            _ => None,
        };
        match merge {
            Some(prev) => {
                let fired = self.engine.advance_by(by);
                debug_assert!(fired.is_empty(), "pass_time is only called when nothing is due");
                let last = self.timeline.last_mut().expect("checked above");
                last.action = Action::AdvanceBy { by: prev + by };
                last.outcome = advanced(prev + by, &fired);
            }
            None => {
                // Cannot fail: a clock move is always accepted.
                let _ = self.apply_following(Action::AdvanceBy { by });
            }
        }
    }

    /// When the running workflow times out (its executionStartToCloseTimeout).
    pub(crate) fn workflow_deadline(&self) -> Option<crate::time::Timestamp> {
        let e = self.engine.execution(self.workflow_id.as_deref()?)?;
        Some(e.start_time().plus(e.execution_timeout()))
    }

    /// The status of the session's workflow, `None` before a start.
    fn execution_status(&self) -> Option<&WorkflowStatus> {
        self.engine.execution(self.workflow_id.as_deref()?).map(|e| e.status())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::SessionConfig;

    const TICK: Duration = Duration::from_millis(100);

    fn started() -> Session {
        let mut s = Session::new(SessionConfig::default());
        s.perform(Session::workshop_start()).unwrap();
        s
    }

    #[test]
    fn speeds_stay_in_range_and_the_label_says_which() {
        let mut p = Player::default();
        assert!(p.label().starts_with("paused"));
        for _ in 0..20 {
            p.faster();
        }
        let s = Session::new(SessionConfig::default());
        p.toggle_play(&s);
        assert_eq!(p.label(), "▶ play 20 steps/s");
        for _ in 0..20 {
            p.slower();
        }
        assert_eq!(p.label(), "▶ play 0.5 steps/s");
        p.faster();
        assert_eq!(p.label(), "▶ play 1 step/s");
        p.toggle_live(&s);
        assert_eq!(p.label(), "● live ×10");
        p.faster();
        assert_eq!(p.live_speed(), 30);
        p.toggle_live(&s);
        assert_eq!(p.mode(), PlayMode::Paused);
        assert_eq!(p.tick_every(), None);
    }

    #[test]
    fn play_steps_once_per_interval_and_stops_where_the_workflow_waits() {
        let mut s = Session::new(SessionConfig::default());
        s.apply(Session::workshop_start()).unwrap();
        let mut p = Player::default();
        p.toggle_play(&s);
        assert!(!p.tick(&mut s, Duration::from_millis(400)), "one step per second: not yet");
        assert!(p.tick(&mut s, Duration::from_millis(600)));
        assert_eq!(s.timeline().len(), 2, "the worker took one step");
        // A front end that slept for a minute gets one step, not sixty.
        assert!(p.tick(&mut s, Duration::from_secs(60)));
        assert_eq!(s.timeline().len(), 3);
        let mut ticks = 0;
        while p.mode() == PlayMode::Play {
            p.tick(&mut s, Duration::from_secs(1));
            ticks += 1;
            assert!(ticks < 200, "play never stopped");
        }
        assert_eq!(p.stopped(), Some("played to where the workflow waits for a signal"));
        // The clock moved by itself to both retries of the payment and to the timer.
        assert_eq!(s.timeline().iter().filter(|e| e.action == Action::AdvanceNext).count(), 3);
        assert_eq!(s.notifications(), 1, "the notification timer was played too");
        assert_eq!(s.status_line().run_state, "running", "play does not run into the workflow's timeout");
    }

    #[test]
    fn play_after_a_rewind_replays_the_recorded_steps_first() {
        let mut s = started();
        let len = s.timeline().len();
        let history = s.history_json();
        s.seek(1);
        let mut p = Player::default();
        p.toggle_play(&s);
        for _ in 1..len {
            assert!(p.tick(&mut s, Duration::from_secs(1)));
        }
        assert_eq!(s.cursor(), len);
        assert_eq!(s.timeline().len(), len, "nothing was recorded twice");
        assert_eq!(s.history_json(), history);
    }

    #[test]
    fn live_time_fires_retries_and_the_timer_by_themselves() {
        let mut s = started();
        let mut p = Player::default();
        p.toggle_live(&s);
        assert_eq!(p.live_speed(), 10);
        // 0.4 s of real time at ×10: 4 s of virtual time, past both retries (+1 s, +3 s).
        for _ in 0..4 {
            p.tick(&mut s, TICK);
        }
        assert_eq!(s.status_line().elapsed, Duration::from_secs(4));
        assert!(s.history().iter().any(|e| e.event_type().name() == "TimerStarted"), "{}", s.history_table());
        let entries = s.timeline().len();
        // Twenty quiet seconds are one recorded clock move.
        for _ in 0..20 {
            assert!(p.tick(&mut s, TICK));
        }
        assert_eq!(s.timeline().len(), entries);
        assert_eq!(s.status_line().elapsed, Duration::from_secs(24));
        // The timer (180 s from +3 s) fires by itself, and the worker handles it at once.
        while s.notifications() == 0 {
            p.tick(&mut s, TICK);
            assert!(s.status_line().elapsed < Duration::from_secs(200));
        }
        let fired = s.history().iter().find(|e| e.event_type().name() == "TimerFired").unwrap();
        assert_eq!(fired.event_time.since(s.history()[0].event_time), Duration::from_secs(183), "fired at its own time");
        assert_eq!(s.history().last().unwrap().event_type().name(), "DecisionTaskCompleted");
    }

    #[test]
    fn live_time_pauses_when_the_participant_steps_back_and_when_the_workflow_closes() {
        let mut s = started();
        let mut p = Player::default();
        p.toggle_live(&s);
        p.tick(&mut s, TICK);
        s.back();
        assert!(!p.tick(&mut s, TICK));
        assert_eq!(p.mode(), PlayMode::Paused);
        assert!(p.stopped().unwrap().contains("stepped back"));

        let mut s = started();
        s.perform(Action::AdvanceNext).unwrap();
        s.perform(Action::AdvanceNext).unwrap();
        s.perform(Action::Signal { name: "DeliveredSignal".into(), input: None }).unwrap();
        p.toggle_live(&s);
        assert!(!p.tick(&mut s, TICK));
        assert_eq!(p.stopped(), Some("live time stopped: the workflow completed"));

        // Going live at a rewound step drops the steps after it, and undo puts them back,
        // however many ticks later (each tick's steps replaced nothing themselves).
        let mut s = started();
        s.perform(Action::AdvanceNext).unwrap();
        s.perform(Action::Signal { name: "ScanSignal".into(), input: Some(r#"{"location":"Delft"}"#.into()) }).unwrap();
        let scanned = s.timeline().len();
        s.seek(2);
        let mut p = Player::default();
        p.toggle_live(&s);
        for _ in 0..50 {
            p.tick(&mut s, TICK);
        }
        assert!(!s.timeline().iter().any(|e| e.action.label().contains("ScanSignal")), "live time went on from step 2");
        assert!(s.replaced_note().is_some_and(|n| n.contains("acting at step 2 replaced")), "{:?}", s.replaced_note());
        s.undo_replace().unwrap();
        assert_eq!(s.timeline().len(), scanned);
        assert!(s.timeline().iter().any(|e| e.action.label().contains("ScanSignal")));
        p.pause();

        // Before a start, live time waits for the order without recording anything.
        let mut s = Session::new(SessionConfig::default());
        p.toggle_live(&s);
        assert!(!p.tick(&mut s, TICK));
        assert_eq!(p.mode(), PlayMode::Live);
        assert!(s.timeline().is_empty());
    }
}
