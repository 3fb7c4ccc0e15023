//! A server that goes away (stopped, restarting, overloaded) and comes back, as every
//! part of the bridge that talks to it lives through it: the worker's pollers, and the
//! drivers (`bridge load`, `bridge scenario run`) that wait for a history or send a
//! call again.
//!
//! - [`ServerAway`] says it once for the whole process, however many threads meet it:
//!   that the server is not reachable (with why), and that it is back.
//! - [`until_answered`] sends a call again while the server is away, within a
//!   deadline. Only a call the server takes once however often it arrives may be sent
//!   again: a read, or a start or a signal whose request ID is kept across its sends
//!   (the server deduplicates by it).

use std::sync::Mutex;
use std::time::{Duration, Instant};

use postflow_core::time::format_duration_short;

use crate::error::BridgeError;

/// What one process says about the server's health: a lasting problem (the server
/// away or overloaded) once when it starts or changes, not on every retry of every
/// thread, and that the server is back once; a refusal (any other error) once until a
/// call gets through or another refusal comes. Each line starts with `who` (`worker`,
/// `load`).
pub struct ServerAway {
    who: &'static str,
    said: Mutex<Said>,
    /// The lines said, for the tests.
    #[cfg(test)]
    lines: Mutex<Vec<String>>,
}

/// The trouble last said (0: none) and how many times one was said.
#[derive(Default)]
struct Said {
    trouble: u8,
    count: u64,
    /// The last refusal said (a domain deleted under the worker): said again only once
    /// a call got through, not by every poller on every retry.
    refused: Option<String>,
}

/// Taken when a call starts: a call (a long poll) that began before the trouble was
/// said proves nothing when it ends well (a server shutting down answers its open polls
/// empty, and the next poll is refused).
#[derive(Clone, Copy)]
pub struct Ticket(u64);

impl ServerAway {
    pub fn new(who: &'static str) -> ServerAway {
        ServerAway {
            who,
            said: Mutex::new(Said::default()),
            #[cfg(test)]
            lines: Mutex::new(Vec::new()),
        }
    }

    fn said(&self) -> std::sync::MutexGuard<'_, Said> {
        self.said.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub fn ticket(&self) -> Ticket {
        Ticket(self.said().count)
    }

    /// A call failed: the line to print, if any.
    pub fn failed(&self, e: &BridgeError) -> Option<String> {
        let trouble = match e {
            _ if !e.is_transient() => {
                let line = format!("{}: {e}; retrying", self.who);
                let mut said = self.said();
                return (said.refused.as_deref() != Some(line.as_str())).then(|| {
                    said.refused = Some(line.clone());
                    line
                });
            }
            BridgeError::Unreachable { .. } => 1,
            BridgeError::Timeout { .. } => 2,
            BridgeError::Busy(_) => 3,
            _ => 4,
        };
        let mut said = self.said();
        (said.trouble != trouble).then(|| {
            (said.trouble, said.count) = (trouble, said.count + 1);
            format!("{}: {e}; retrying", self.who)
        })
    }

    /// A call that started with `ticket` reached the server at `url`: the line to
    /// print, if it had been away when the call started.
    pub fn reached(&self, ticket: Ticket, url: &str) -> Option<String> {
        let mut said = self.said();
        said.refused = None;
        (said.trouble != 0 && said.count == ticket.0).then(|| {
            said.trouble = 0;
            // As the "not reachable at" line names it, without the client's trailing slash.
            format!("{}: server reachable again at {}", self.who, url.trim_end_matches('/'))
        })
    }

    /// The lines said so far.
    #[cfg(test)]
    pub fn said_lines(&self) -> Vec<String> {
        self.lines.lock().unwrap().clone()
    }

    /// Prints `line` on stderr, if there is one.
    pub fn say(&self, line: Option<String>) {
        if let Some(line) = line {
            eprintln!("{line}");
            #[cfg(test)]
            self.lines.lock().unwrap().push(line);
        }
    }
}

/// Why [`until_answered`] gave up.
#[derive(Debug)]
pub enum GaveUp {
    /// Refused, or failed in a way that sending it again would not change.
    Refused(BridgeError),
    /// The server was still away at the deadline: the last error, and how long the call
    /// had been failing.
    Away { error: BridgeError, since: Duration },
    /// `stop` said so (Ctrl-C, a worker stopping) while the call was being sent again.
    Stopped,
}

/// The longest pause between two sends of a call to a server that is away.
const MOST_PAUSE: Duration = Duration::from_secs(1);

/// Makes `call`, and makes it again while it fails for a reason that passes (the
/// server away, restarting, overloaded: [`BridgeError::is_transient`]), until it is
/// answered or `deadline` passes; `stop` ends the sending again early (it is asked
/// before each send after the first). The server's going and coming back is said
/// through `away`, whose `url` names the server. Only a call the server takes once
/// however often it arrives may be passed here (see the module's text).
pub fn until_answered<T>(
    away: &ServerAway,
    url: &str,
    deadline: Instant,
    stop: &dyn Fn() -> bool,
    mut call: impl FnMut() -> Result<T, BridgeError>,
) -> Result<T, GaveUp> {
    let mut pause = Duration::from_millis(100);
    let mut failing_since = None;
    loop {
        let ticket = away.ticket();
        match call() {
            Ok(v) => {
                away.say(away.reached(ticket, url));
                return Ok(v);
            }
            Err(e) if !e.is_transient() => return Err(GaveUp::Refused(e)),
            Err(e) => {
                away.say(away.failed(&e));
                let since = *failing_since.get_or_insert_with(Instant::now);
                let now = Instant::now();
                if now >= deadline {
                    return Err(GaveUp::Away { error: e, since: now - since });
                }
                // Not past the deadline: its last send comes at it at the latest.
                let until = (now + pause).min(deadline);
                while Instant::now() < until {
                    if stop() {
                        return Err(GaveUp::Stopped);
                    }
                    std::thread::sleep(Duration::from_millis(50).min(until - Instant::now()));
                }
                if stop() {
                    return Err(GaveUp::Stopped);
                }
                pause = (pause * 2).min(MOST_PAUSE);
            }
        }
    }
}

/// What a step that ran out of time while the server was away says after what it
/// waited for: "waited 15s (--step-timeout) for the scan to be handled, and the Cadence
/// server at URL was not reachable for the last 12s (Connection refused ...); is it
/// running? ...": the server by its address, and not "check that a worker runs".
pub fn waited_while_away(bound: Duration, what: &str, url: &str, since: Duration, error: &BridgeError) -> String {
    let reason = match error {
        BridgeError::Unreachable { reason, .. } => reason.clone(),
        e => e.to_string(),
    };
    format!(
        "waited {} (--step-timeout) {what}, and the Cadence server at {} was not reachable for the last {} ({reason}); is it \
         running? (scripts/cadence-dev.sh up, or docker compose up -d)",
        format_duration_short(bound),
        url.trim_end_matches('/'),
        format_duration_short(since.min(bound))
    )
}

#[cfg(test)]
mod tests {
    use std::cell::Cell;

    use super::*;

    #[test]
    fn a_server_that_is_away_is_reported_once_by_all_the_pollers_and_its_return_once() {
        let away = ServerAway::new("worker");
        let url = "http://127.0.0.1:9";
        let gone = BridgeError::Unreachable { url: url.into(), reason: "Connection refused".into() };
        // Four pollers had long polls open when the server went away.
        let before = away.ticket();
        let said: Vec<String> = (0..8).filter_map(|_| away.failed(&gone)).collect();
        assert_eq!(said.len(), 1, "{said:?}");
        assert!(said[0].contains("not reachable at http://127.0.0.1:9") && said[0].ends_with("; retrying"), "{said:?}");
        // One of the open polls ends well (a server shutting down answers them empty):
        // that proves nothing, and the next refusal is not said again.
        assert_eq!(away.reached(before, url), None);
        assert_eq!(away.failed(&gone), None);
        // A refusal (a domain deleted under the worker) is said once, not by every poller
        // on every retry; another refusal is said; another way of being away (the server
        // starting answers "unavailable") once.
        let refused = BridgeError::NotFound("Domain nope does not exist.".into());
        assert!(away.failed(&refused).is_some() && away.failed(&refused).is_none());
        assert!(away.failed(&BridgeError::Invalid("bad task".into())).is_some());
        let starting = BridgeError::Server { code: "unavailable".into(), status: 503, message: "starting".into() };
        assert!(away.failed(&starting).is_some() && away.failed(&starting).is_none());
        // Polls started now, while it is away, that reach it: back, said once.
        let tickets = [away.ticket(), away.ticket(), away.ticket()];
        let back: Vec<String> = tickets.iter().filter_map(|t| away.reached(*t, url)).collect();
        assert_eq!(back, ["worker: server reachable again at http://127.0.0.1:9"]);
        // A poll got through: a refusal after that is news again.
        assert!(away.failed(&refused).is_some());
        // Gone again: said again.
        assert!(away.failed(&gone).is_some());
    }

    fn gone() -> BridgeError {
        BridgeError::Unreachable { url: "http://127.0.0.1:9".into(), reason: "Connection refused (os error 111)".into() }
    }

    #[test]
    fn a_call_is_sent_again_while_the_server_is_away_and_its_going_and_return_are_said_once() {
        let away = ServerAway::new("load");
        let calls = Cell::new(0);
        let deadline = Instant::now() + Duration::from_secs(60);
        let answered = until_answered(&away, "http://127.0.0.1:9/", deadline, &|| false, || {
            calls.set(calls.get() + 1);
            if calls.get() < 4 { Err(gone()) } else { Ok("answered") }
        });
        assert_eq!(answered.unwrap(), "answered");
        assert_eq!(calls.get(), 4);
        let lines = away.said_lines();
        assert_eq!(lines.len(), 2, "{lines:?}");
        assert!(lines[0].starts_with("load: Cadence server not reachable at http://127.0.0.1:9 (Connection refused"), "{lines:?}");
        assert_eq!(lines[1], "load: server reachable again at http://127.0.0.1:9");
    }

    #[test]
    fn a_refusal_is_not_sent_again_nor_said() {
        let away = ServerAway::new("load");
        let calls = Cell::new(0);
        let deadline = Instant::now() + Duration::from_secs(60);
        let r: Result<(), _> = until_answered(&away, "http://127.0.0.1:9", deadline, &|| false, || {
            calls.set(calls.get() + 1);
            Err(BridgeError::Closed("Workflow execution already completed.".into()))
        });
        assert!(matches!(r, Err(GaveUp::Refused(BridgeError::Closed(_)))), "{r:?}");
        assert_eq!(calls.get(), 1);
        assert!(away.said_lines().is_empty());
    }

    #[test]
    fn a_server_away_past_the_deadline_gives_the_last_error_and_how_long_it_lasted() {
        let away = ServerAway::new("load");
        let t0 = Instant::now();
        let deadline = t0 + Duration::from_millis(300);
        // The server is away from its first failed answer, which comes after `t0` and
        // before the second send starts: `since` is bounded by those two instants.
        let (calls, second_send) = (Cell::new(0), Cell::new(None));
        let r: Result<(), _> = until_answered(&away, "http://127.0.0.1:9", deadline, &|| false, || {
            calls.set(calls.get() + 1);
            if calls.get() == 2 {
                second_send.set(Some(Instant::now()));
            }
            Err(gone())
        });
        let waited = t0.elapsed();
        let Err(GaveUp::Away { error, since }) = r else { panic!("{r:?}") };
        assert!(matches!(error, BridgeError::Unreachable { .. }));
        let second_send = second_send.get().expect("sent again within the 300 ms");
        assert!(waited >= Duration::from_millis(300) && waited < Duration::from_secs(5), "gave up after {waited:?}");
        assert!(since <= waited && since >= deadline.saturating_duration_since(second_send), "away {since:?} of {waited:?}");
        // Said with the whole bound as the time away (the wording, apart from the clock).
        let since = Duration::from_millis(300);
        let said = waited_while_away(Duration::from_millis(300), "for the scan to be handled", "http://127.0.0.1:9/", since, &error);
        assert_eq!(
            said,
            "waited 0.3s (--step-timeout) for the scan to be handled, and the Cadence server at http://127.0.0.1:9 was not \
             reachable for the last 0.3s (Connection refused (os error 111)); is it running? (scripts/cadence-dev.sh up, or \
             docker compose up -d)"
        );
        assert!(!said.contains("bridge worker"), "{said}");
    }

    #[test]
    fn a_stop_ends_the_sending_again_but_not_the_first_send() {
        let away = ServerAway::new("worker");
        let calls = Cell::new(0);
        let deadline = Instant::now() + Duration::from_secs(60);
        let r: Result<(), _> = until_answered(&away, "http://127.0.0.1:9", deadline, &|| true, || {
            calls.set(calls.get() + 1);
            Err(gone())
        });
        assert!(matches!(r, Err(GaveUp::Stopped)), "{r:?}");
        assert_eq!(calls.get(), 1);
    }
}
