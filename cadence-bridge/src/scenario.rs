//! Plays a scenario on a real Cadence server with our worker, in lockstep with the
//! simulator, then compares the two histories.
//!
//! `start`, `signal` and `query` steps become API calls. `run` and `advance to next`
//! have no counterpart on a real server (it runs on its own clock), so they become
//! bounded waits until the real history has as many events as the simulator's after
//! the same step. Scenarios whose meaning is an exact interleaving of worker steps
//! and clock moves cannot be reproduced by a real server; [`not_comparable`] says why.
//!
//! A run is kept apart from whatever else uses the server: its workflow runs on a task
//! list of its own (served only by the run's in-process worker, never by a `bridge
//! worker` someone left running on `tasklist`, whose timer unit and seed would write
//! another history) under a workflow ID of its own (so it never terminates or collides
//! with the participant's `Order123`). Neither name is in the simulator's history: the
//! task list's name is put back to `tasklist` before the comparison.
//!
//! A server that goes away during the run is waited for at each step, within the step
//! timeout ([`crate::away`]); the run's worker and its steps say it once together.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use postflow_core::engine::WorkflowStatus;
use postflow_core::history::{HistoryEvent, compare};
use postflow_core::postal::{Order, TASK_LIST};
use postflow_core::scenario::{Scenario, Step, check_history};
use postflow_core::session::{Action, DEFAULT_EXECUTION_TIMEOUT, Session};
use postflow_core::time::parse_duration;

use crate::away::{GaveUp, ServerAway, until_answered, waited_while_away};
use crate::client::{Client, StartOptions, request_id};
use crate::error::BridgeError;
use crate::shutdown::{Unfinished, may_be_open, terminate_command};
use crate::worker::{Worker, WorkerConfig};

/// The "day" of a scenario played on a real server unless told otherwise. A
/// notification timer the scenario does not advance to must not fire while the steps
/// after its start run, or the server writes `TimerFired` where the simulator has the
/// scan that resets it. Those steps are a few decision tasks of real time (seconds on a
/// slow machine); an estimate is at least one day, so a day of 10 s leaves them 10 s,
/// and a scenario that does advance to the timer waits at most three days: 30 s.
pub const COMPARE_TIMER_UNIT: Duration = Duration::from_secs(10);

/// Why a scenario cannot be compared on a real server, or `None` if it can.
pub fn not_comparable(s: &Scenario) -> Option<String> {
    let by_name = match s.name.as_str() {
        "signal-during-activity" => Some("it signals between a decision and the activity it dispatched (exact worker steps)"),
        "unhandled-decision" => Some("it signals while one decision task is in flight (exact worker steps)"),
        "scan-then-fired" => Some("it needs the scan and the timer firing in one decision task (exact clock)"),
        "fired-then-scan" => Some("it needs the timer to fire and a scan to arrive before the worker's next decision (exact interleaving)"),
        "workflow-timeout" => Some("it races the workflow timeout against a timer (exact clock)"),
        "payment-retries" => Some("it stops the worker between an activity's start and completion (exact worker steps)"),
        "canceled-in-payment" => Some("it cancels in the payment's retry backoff, which leaves no event to wait for (exact clock)"),
        _ => None,
    };
    if let Some(why) = by_name {
        return Some(why.into());
    }
    if s.steps.iter().any(|st| matches!(st, Step::Step { .. })) {
        return Some("it uses `step`: a real server's worker cannot be stopped between single steps".into());
    }
    if s.steps.iter().any(|st| matches!(st, Step::Advance { by: Some(_), .. })) {
        return Some("it uses `advance by`: where it stops depends on the simulated clock, not on history".into());
    }
    None
}

/// What playing a scenario on both sides gave.
pub struct Played {
    /// Where the real run was: its own workflow ID and task list.
    pub workflow_id: String,
    pub task_list: String,
    pub simulated: Vec<HistoryEvent>,
    /// As the server wrote it (on the run's own task list).
    pub real: Vec<HistoryEvent>,
    /// Step outcomes that differed (a refusal on one side only, a wrong query answer).
    pub problems: Vec<String>,
    /// The readable difference of the normalised histories; empty when equal.
    pub diff: Vec<String>,
    /// The real workflow was still running when the scenario ended, and terminating it
    /// failed: a note naming it and the command that ends it.
    pub left_open: Option<String>,
}

impl Played {
    pub fn equal(&self) -> bool {
        self.problems.is_empty() && self.diff.is_empty()
    }
}

/// Options of a scenario run on the server.
#[derive(Clone, Debug)]
pub struct RunOptions {
    pub domain: String,
    /// Replaces the scenario's timer unit on both sides (real timers take real time).
    pub timer_unit: Option<Duration>,
    /// How long one `run`/`advance` may wait for the real server.
    pub step_timeout: Duration,
    pub verbose: bool,
    /// Set (by Ctrl-C) to end the run early: the run's workflow is terminated, not
    /// left on the server.
    pub interrupt: Option<Arc<AtomicBool>>,
}

/// Where one run plays on the server: names no one else uses.
struct Place {
    /// Appended to the scenario's workflow ID.
    suffix: String,
    task_list: String,
}

impl Place {
    fn new() -> Place {
        let run = uuid::Uuid::new_v4().simple().to_string();
        Place { suffix: format!("-scenario-{}", &run[..8]), task_list: format!("{TASK_LIST}-scenario-{}", &run[..8]) }
    }
}

/// Plays `scenario` on the server at `client` (with its own in-process worker) and on
/// the simulator, and compares.
pub fn play(client: &Client, scenario: &Scenario, o: &RunOptions) -> Result<Played, BridgeError> {
    // A server that is down or a domain it lacks, said once before the run's worker
    // starts polling (whose own "retrying" line said it first, a second way).
    client.describe_domain(&o.domain)?;
    let mut config = scenario.config;
    if let Some(u) = o.timer_unit {
        config.postal.timer_unit = u;
    }
    let mut session = Session::new(config);
    session.auto_run = false;
    let place = Place::new();
    // One poller of each kind and short polls: the worker must be gone before the next
    // scenario starts, or its leftover poll could take that scenario's tasks.
    let worker = Worker::start(
        client.clone(),
        WorkerConfig {
            domain: o.domain.clone(),
            task_list: place.task_list.clone(),
            decision_pollers: 1,
            activity_pollers: 1,
            registry: crate::registry::for_chapter(config.postal.chapter, config.postal.timer_unit),
            seed: config.seed,
            poll_ttl: Duration::from_secs(5),
            verbose: o.verbose,
            logs: o.verbose,
            ..WorkerConfig::default()
        },
        Arc::new(AtomicBool::new(false)),
    );
    // The run's worker and its steps say once, together, that the server went away and
    // that it is back; the steps wait for it (each within the step timeout).
    let server = Server { client, away: worker.server_away(), o };
    let mut workflow_id = String::new();
    let mut unfinished = None;
    let result = play_steps(&server, scenario, &mut session, &place, &mut workflow_id, &mut unfinished);
    let problems = match result {
        Ok(p) => p,
        Err(e) => {
            // Do not leave a half-played workflow running: it would hold the ID and
            // hand its tasks to whatever worker serves the task list next. Ended before
            // the worker stops (its open polls take seconds to end), so a second Ctrl-C
            // finds nothing left to cut short, and said in the error.
            let why = if interrupted(o) { "scenario run interrupted" } else { "scenario run failed" };
            let ended = end_workflow(client, &o.domain, &workflow_id, why).map(|r| r.unwrap_or_else(|open| open));
            drop(unfinished);
            if interrupted(o) {
                // The process is going away: the polls end on their own, on the run's
                // own task list, which nothing else serves and nothing is left on.
                worker.stop(Duration::ZERO);
            } else {
                worker.stop_and_join();
            }
            return Err(match ended {
                None if interrupted(o) => BridgeError::Invalid(format!("{e}; nothing was started on the server")),
                None => e,
                Some(ended) => BridgeError::Invalid(format!("{e}; {ended}")),
            });
        }
    };
    let sim_id = session.workflow_id().unwrap_or_default().to_owned();
    let running = matches!(session.engine().execution(&sim_id).map(|e| e.status()), Some(WorkflowStatus::Running));
    if !running {
        // Closed on the server too (play_steps waited for it): nothing is left open.
        drop(unfinished.take());
    }
    worker.stop_and_join();
    let simulated = session.history().to_vec();
    // A read, sent again while the server is away. The steps are over: a Ctrl-C now
    // cuts nothing short.
    let json = server
        .call(Instant::now() + o.step_timeout, "to read the real history", &|| false, || client.history_json(&o.domain, &workflow_id, ""));
    let json = json.map_err(|g| server.gave_up("after the last step", g));
    // The scenario ended, not the workflow: the real one goes on in real time, so only
    // the part the simulator played is compared (read above). It is ended so it does
    // not linger, whether or not its history could be read; if that fails, it is named.
    let left_open = if running { end_workflow(client, &o.domain, &workflow_id, "scenario finished").and_then(Result::err) } else { None };
    drop(unfinished);
    let compared = json.and_then(|mut json| {
        let real = crate::client::events_from_json(json.clone())?;
        rename_task_list(&mut json, &place.task_list, TASK_LIST);
        let renamed = crate::client::events_from_json(json)?;
        let real_cmp = if running { &renamed[..renamed.len().min(simulated.len())] } else { &renamed[..] };
        Ok((compare::diff(&compare::normalise(&simulated), &compare::normalise(real_cmp)), real))
    });
    let (diff, real) = match (compared, &left_open) {
        (Ok(c), _) => c,
        (Err(e), None) => return Err(e),
        // An unreadable history does not hide what is left open.
        (Err(e), Some(open)) => return Err(BridgeError::Invalid(format!("{e}; {open}"))),
    };
    Ok(Played { workflow_id, task_list: place.task_list, simulated, real, problems, diff, left_open })
}

/// The server as a run's steps use it: each call is made again while the server is
/// away, within the step timeout; what the process says about that goes through the
/// run's worker's [`ServerAway`].
struct Server<'a> {
    client: &'a Client,
    away: Arc<ServerAway>,
    o: &'a RunOptions,
}

impl Server<'_> {
    /// `call`, made again while the server is away, until `deadline` or until `stop`.
    fn call<T>(
        &self,
        deadline: Instant,
        what: &str,
        stop: &dyn Fn() -> bool,
        call: impl FnMut() -> Result<T, BridgeError>,
    ) -> Result<T, (String, GaveUp)> {
        until_answered(&self.away, self.client.url(), deadline, stop, call).map_err(|g| (what.to_owned(), g))
    }

    /// A step's call, within the step timeout from now, until the run is interrupted.
    fn step_call<T>(&self, what: &str, call: impl FnMut() -> Result<T, BridgeError>) -> Result<T, (String, GaveUp)> {
        self.call(Instant::now() + self.o.step_timeout, what, &|| interrupted(self.o), call)
    }

    /// What a call that gave up at step `here` ends the run with: the server's refusal,
    /// or, named, the server that stayed away.
    fn gave_up(&self, here: &str, (what, g): (String, GaveUp)) -> BridgeError {
        match g {
            GaveUp::Refused(e) => e,
            GaveUp::Away { error, since } => {
                BridgeError::Invalid(format!("{here}: {}", waited_while_away(self.o.step_timeout, &what, self.client.url(), since, &error)))
            }
            GaveUp::Stopped => BridgeError::Invalid(format!("{here}: interrupted")),
        }
    }

    /// A step's call whose refusal is an outcome of the step, compared with the
    /// simulator's: a server that stayed away, or a Ctrl-C, ends the run instead.
    fn outcome<T>(&self, here: &str, r: Result<T, (String, GaveUp)>) -> Result<Result<T, String>, BridgeError> {
        match r {
            Ok(v) => Ok(Ok(v)),
            Err((_, GaveUp::Refused(e))) => Ok(Err(e.to_string())),
            Err(g) => Err(self.gave_up(here, g)),
        }
    }
}

fn play_steps(
    server: &Server,
    scenario: &Scenario,
    session: &mut Session,
    place: &Place,
    workflow_id: &mut String,
    unfinished: &mut Option<Unfinished>,
) -> Result<Vec<String>, BridgeError> {
    let (client, o) = (server.client, server.o);
    let mut problems = Vec::new();
    for (i, step) in scenario.steps.iter().enumerate() {
        let here = format!("step {}", i + 1);
        if interrupted(o) {
            return Err(BridgeError::Invalid(format!("{here}: interrupted")));
        }
        match step {
            Step::Start { workflow_id: wid, input, execution_timeout } => {
                let sim_id =
                    wid.clone().or_else(|| serde_json::from_str::<Order>(input).ok().map(|o| o.id.to_string())).unwrap_or_default();
                let timeout = execution_timeout.as_deref().map(parse_duration).transpose().map_err(BridgeError::Invalid)?;
                let timeout = timeout.unwrap_or(DEFAULT_EXECUTION_TIMEOUT);
                session
                    .apply(Action::Start { workflow_id: sim_id.clone(), input: input.clone(), execution_timeout: timeout })
                    .map_err(|e| BridgeError::Invalid(format!("{here}: the simulator refused the start: {e}")))?;
                // The workflow ID is not in the history, so the run's own one changes
                // nothing there; it keeps the run off any workflow of the same name.
                *workflow_id = format!("{sim_id}{}", place.suffix);
                if o.verbose {
                    eprintln!("scenario {}: workflow {workflow_id} on {}/{}", scenario.name, o.domain, place.task_list);
                }
                // From the start call on, Ctrl-C must not quit before the workflow is ended.
                *unfinished = Some(left_open(client, &o.domain, workflow_id));
                let options = StartOptions {
                    domain: o.domain.clone(),
                    workflow_id: workflow_id.clone(),
                    workflow_type: session.workflow_type().into(),
                    task_list: place.task_list.clone(),
                    input: Some(input.clone()),
                    execution_timeout: timeout,
                    task_timeout: Duration::from_secs(10),
                    id_reuse_policy: Some("AllowDuplicate".into()),
                };
                // One request ID for every send: a start the server took, whose answer
                // was lost, is answered as that start, not made twice.
                let request = request_id();
                server
                    .step_call("to start the workflow", || client.start_workflow_as(&options, &request))
                    .map_err(|g| server.gave_up(&here, g))?;
            }
            Step::Signal { name, input, .. } => {
                let sim = session.apply(Action::Signal { name: name.clone(), input: input.clone() });
                // The simulator refuses what the `cadence` CLI refuses before sending
                // (input that is not JSON); do the same so both refuse alike. Any
                // name and any JSON reach the server, which records them.
                let checked = input.as_deref().map_or(Ok(()), postflow_core::session::cli::check_input);
                // One request ID for every send: the server records the signal once.
                let request = request_id();
                let real = match checked {
                    Err(e) => Err(e),
                    Ok(()) => server.outcome(
                        &here,
                        server.step_call(&format!("to signal {name}"), || {
                            client.signal_as(&o.domain, workflow_id, "", name, input.as_deref(), &request)
                        }),
                    )?,
                };
                if sim.is_ok() != real.is_ok() {
                    problems.push(format!("{here} (signal {name}): simulator {}, real server {}", outcome(&sim), outcome(&real)));
                }
            }
            Step::Terminate { reason, .. } => {
                let reason = reason.clone().unwrap_or_default();
                let sim = session.apply(Action::Terminate { reason: reason.clone() });
                // A terminate has no request ID: one sent again after a send whose answer
                // was lost finds the workflow closed, by that first send.
                let mut sent = false;
                let real = server.outcome(
                    &here,
                    server.step_call("to terminate the workflow", || match client.terminate(&o.domain, workflow_id, "", &reason) {
                        Err(BridgeError::Closed(_)) if sent => Ok(()),
                        r => {
                            sent = r.as_ref().is_err_and(BridgeError::is_transient);
                            r
                        }
                    }),
                )?;
                if sim.is_ok() != real.is_ok() {
                    problems.push(format!("{here} (terminate): simulator {}, real server {}", outcome(&sim), outcome(&real)));
                }
                wait_for_events(server, workflow_id, session.history().len()).map_err(|e| BridgeError::Invalid(format!("{here}: {e}")))?;
            }
            Step::Cancel { reason, .. } => {
                let reason = reason.clone().unwrap_or_default();
                let sim = session.apply(Action::Cancel { reason: reason.clone() });
                // One request ID for every send: the server takes the same request again
                // as done, where a second request is refused.
                let request = request_id();
                let real = server.outcome(
                    &here,
                    server.step_call("to cancel the workflow", || client.request_cancel(&o.domain, workflow_id, "", &reason, &request)),
                )?;
                if sim.is_ok() != real.is_ok() {
                    problems.push(format!("{here} (cancel): simulator {}, real server {}", outcome(&sim), outcome(&real)));
                }
            }
            Step::Query { name, .. } => {
                let sim = session.apply(Action::Query { name: name.clone() });
                let sim_answer = session.last_entry().map(|e| e.outcome.clone()).unwrap_or_default();
                // A read: sent again while the server is away.
                let real = server.outcome(
                    &here,
                    server.step_call(&format!("to query {name}"), || client.query(&o.domain, workflow_id, "", name, None)),
                )?;
                match (&sim, &real) {
                    (Ok(()), Ok(answer)) if !json_equal(&sim_answer, answer) => {
                        problems.push(format!("{here} (query {name}): simulator answered {sim_answer}, real server {answer}"))
                    }
                    (Ok(()), Ok(_)) | (Err(_), Err(_)) => {}
                    _ => problems.push(format!("{here} (query {name}): simulator {}, real server {}", outcome(&sim), outcome(&real))),
                }
            }
            Step::Run | Step::Advance { .. } | Step::Step { .. } => {
                let action = match step {
                    Step::Run => Action::Run,
                    Step::Advance { by: Some(by), .. } => Action::AdvanceBy { by: parse_duration(by).map_err(BridgeError::Invalid)? },
                    Step::Advance { .. } => Action::AdvanceNext,
                    _ => Action::Step,
                };
                session.apply(action).map_err(|e| BridgeError::Invalid(format!("{here}: the simulator refused: {e}")))?;
                wait_for_events(server, workflow_id, session.history().len()).map_err(|e| BridgeError::Invalid(format!("{here}: {e}")))?;
            }
            // The scenario's own expectations, on the simulator's side as the `scenario`
            // runner checks them: a scenario whose expectation fails is not a pass here
            // either, however well the two histories agree.
            Step::Expect(e) => {
                if let Err(why) = check_history(e, session.history(), Some(session.notifications())) {
                    problems.push(format!("{here} (expect): the simulator's history fails it: {why}"));
                }
            }
        }
    }
    // The simulator may have closed the workflow: wait until the real one closed too.
    if !workflow_id.is_empty() {
        wait_for_events(server, workflow_id, session.history().len()).map_err(|e| BridgeError::Invalid(format!("at the end: {e}")))?;
    }
    Ok(problems)
}

fn interrupted(o: &RunOptions) -> bool {
    o.interrupt.as_ref().is_some_and(|f| f.load(Ordering::SeqCst))
}

/// What a second and a third Ctrl-C say while the run's workflow may be open.
fn left_open(client: &Client, domain: &str, workflow_id: &str) -> Unfinished {
    Unfinished::hold(
        &format!(
            "bridge: finishing the cleanup: ending the scenario's workflow {workflow_id} on the server (interrupt again to quit \
             now and leave it open until its execution timeout)"
        ),
        &format!(
            "bridge: quit before the cleanup ended: the scenario's workflow {workflow_id} may be open on the server until its \
             execution timeout; end it with `{}`",
            terminate_command(client, domain, workflow_id)
        ),
    )
}

/// Terminates the run's workflow, if one was started, and says how that went: `None`
/// if none was, an error if it may be left open (naming it, with the command that ends it).
fn end_workflow(client: &Client, domain: &str, workflow_id: &str, reason: &str) -> Option<Result<String, String>> {
    if workflow_id.is_empty() {
        return None;
    }
    Some(match client.terminate(domain, workflow_id, "", reason) {
        Ok(()) => Ok(format!("its workflow {workflow_id} on the server was terminated")),
        Err(BridgeError::Closed(_)) => Ok(format!("its workflow {workflow_id} had closed on the server already")),
        Err(BridgeError::NotFound(_)) => Ok(format!("its workflow {workflow_id} was not started on the server")),
        Err(e) => Err(format!("its workflow {}", may_be_open(client, domain, workflow_id, &e))),
    })
}

fn outcome<T>(r: &Result<T, String>) -> String {
    match r {
        Ok(_) => "accepted".into(),
        Err(e) => format!("refused ({e})"),
    }
}

fn json_equal(a: &str, b: &str) -> bool {
    match (serde_json::from_str::<serde_json::Value>(a.trim()), serde_json::from_str::<serde_json::Value>(b.trim())) {
        (Ok(x), Ok(y)) => x == y,
        _ => a.trim() == b.trim(),
    }
}

/// Writes `to` for the task list `from` wherever an event names it (the workflow's,
/// its decision tasks', its activities').
fn rename_task_list(events: &mut [serde_json::Value], from: &str, to: &str) {
    for attrs in events.iter_mut().filter_map(|e| e.as_object_mut()).flat_map(|e| e.values_mut()) {
        if let Some(name) = attrs.pointer_mut("/taskList/name").filter(|n| n.as_str() == Some(from)) {
            *name = serde_json::Value::String(to.to_owned());
        }
    }
}

/// Waits until the real history has at least `n` events: polls the history every
/// 100 ms, within the step timeout, or until the run is interrupted. A server that is
/// away meanwhile is waited for; one still away at the step timeout is named.
fn wait_for_events(server: &Server, workflow_id: &str, n: usize) -> Result<usize, String> {
    let (client, o) = (server.client, server.o);
    let timeout = o.step_timeout;
    let deadline = Instant::now() + timeout;
    let mut last = 0;
    let cut_short = |last: usize| format!("interrupted while the real history had {last} of {n} events");
    loop {
        if interrupted(o) {
            return Err(cut_short(last));
        }
        let what = format!("for the real history to have the simulator's {n} events (it had {last})");
        match server.call(deadline, &what, &|| interrupted(o), || client.history_json(&o.domain, workflow_id, "")) {
            Ok(events) if events.len() >= n => return Ok(events.len()),
            Ok(events) => last = events.len(),
            Err((_, GaveUp::Refused(e))) => return Err(e.to_string()),
            Err((_, GaveUp::Stopped)) => return Err(cut_short(last)),
            Err((what, GaveUp::Away { error, since })) => return Err(waited_while_away(timeout, &what, client.url(), since, &error)),
        }
        if Instant::now() >= deadline {
            return Err(format!("the real history stayed at {last} events for {timeout:?}, the simulator's has {n}"));
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_step_the_server_was_away_for_names_the_server_not_only_the_histories_length() {
        // Port 9 (discard) is closed here: the server is away for the whole step.
        let client = Client::new("http://127.0.0.1:9", "test").unwrap();
        let o = RunOptions {
            domain: "cadence-workshop".into(),
            timer_unit: None,
            step_timeout: Duration::from_millis(1500),
            verbose: false,
            interrupt: None,
        };
        let server = Server { client: &client, away: Arc::new(ServerAway::new("worker")), o: &o };
        let said = wait_for_events(&server, "Order123-scenario-1", 12).unwrap_err();
        assert_eq!(
            said,
            "waited 1.5s (--step-timeout) for the real history to have the simulator's 12 events (it had 0), and the Cadence \
             server at http://127.0.0.1:9 was not reachable for the last 1.5s (Connection refused (os error 111)); is it \
             running? (scripts/cadence-dev.sh up, or docker compose up -d)"
        );
        // A call of a step, as well: the run ends there, naming the server.
        let e = server.step_call("to signal ScanSignal", || client.signal("cadence-workshop", "W", "", "ScanSignal", None));
        let e = server.outcome("step 4", e).unwrap_err().to_string();
        assert!(e.starts_with("step 4: waited 1.5s (--step-timeout) to signal ScanSignal, and the Cadence server at"), "{e}");
    }
}
