//! A strict replay: the workflow code is run again over its own history, decision
//! task by decision task, and every decision it makes is compared with the event the
//! first run wrote, attribute by attribute.
//!
//! An ordinary replay (the runtime's, like the Go client's) only matches decisions by
//! kind and ID, so a timer of another length or an activity with other input goes
//! unnoticed until it matters. Comparing everything names code that reads the wall
//! clock or draws random numbers: it decides differently each time it runs.

use crate::decision::Decision;
use crate::history::{EventAttributes, EventType, HistoryEvent};
use crate::registry::WorkflowDefinition;
use crate::runtime::WorkflowRuntime;

/// Replays `history` through `definition`; the first decision that differs from the
/// history, described, or `Ok` when every decision task decides the same again.
pub fn replay_strictly(definition: &WorkflowDefinition, history: &[HistoryEvent]) -> Result<(), String> {
    for (i, e) in history.iter().enumerate() {
        if e.event_type() != EventType::DecisionTaskStarted
            || history.get(i + 1).map(HistoryEvent::event_type) != Some(EventType::DecisionTaskCompleted)
        {
            continue;
        }
        let decisions = match WorkflowRuntime::replay(definition, "replay", crate::postal::DOMAIN, &history[..=i]) {
            Ok((_, decisions)) => decisions.unwrap_or_default(),
            Err(err) => return Err(err.to_string()),
        };
        let recorded: Vec<&HistoryEvent> = history[i + 2..].iter().take_while(|e| e.event_type().is_command_event()).collect();
        for (k, d) in decisions.iter().enumerate() {
            match recorded.get(k) {
                None => {
                    return Err(format!(
                        "on replay, the decision task of event {} made {}, which its history does not have",
                        e.event_id,
                        compared(d)
                    ));
                }
                Some(ev) => {
                    if let Some(why) = differs(d, ev) {
                        return Err(format!(
                            "on replay, the decision task of event {} made {}, but event {} is {why}",
                            e.event_id,
                            compared(d),
                            ev.event_id
                        ));
                    }
                }
            }
        }
        if let Some(ev) = recorded.get(decisions.len()) {
            return Err(format!(
                "on replay, the decision task of event {} did not make the decision behind event {} {}",
                e.event_id,
                ev.event_id,
                ev.event_type().name()
            ));
        }
    }
    Ok(())
}

/// Decision `d` with the attributes [`differs`] compares, written as the history
/// table writes an event's, so the two sides of a mismatch read alike.
fn compared(d: &Decision) -> String {
    use crate::history::table::{failure, payload, retry};
    match d {
        Decision::ScheduleActivityTask(a) => {
            let input = a.input.as_ref().map_or(String::new(), |p| format!(" input={}", payload(p)));
            let policy = a.retry_policy.as_ref().map_or(String::new(), |r| format!(" retry={}", retry(r)));
            format!("ScheduleActivityTask activityId={} type={}{input}{policy}", a.activity_id, a.activity_type.name)
        }
        Decision::StartTimer(a) => {
            format!("StartTimer timerId={} fireAfter={}s", a.timer_id, a.start_to_fire_timeout.unwrap_or_default().as_secs())
        }
        Decision::CancelTimer(a) => format!("CancelTimer timerId={}", a.timer_id),
        Decision::RequestCancelActivityTask(a) => format!("RequestCancelActivityTask activityId={}", a.activity_id),
        Decision::CompleteWorkflowExecution(a) => {
            format!("CompleteWorkflowExecution{}", a.result.as_ref().map_or(String::new(), |p| format!(" result={}", payload(p))))
        }
        Decision::FailWorkflowExecution(a) => {
            format!("FailWorkflowExecution{}", a.failure.as_ref().map_or(String::new(), |f| format!(" failure={}", failure(f))))
        }
    }
}

/// How `event` differs from what decision `d` would write, if it does.
fn differs(d: &Decision, event: &HistoryEvent) -> Option<String> {
    let summary = || format!("{} {}", event.event_type().name(), crate::history::table::attributes(&event.attributes));
    let same = match (d, &event.attributes) {
        (Decision::ScheduleActivityTask(d), EventAttributes::ActivityTaskScheduled(e)) => {
            d.activity_id == e.activity_id && d.activity_type == e.activity_type && d.input == e.input && d.retry_policy == e.retry_policy
        }
        (Decision::StartTimer(d), EventAttributes::TimerStarted(e)) => {
            d.timer_id == e.timer_id && d.start_to_fire_timeout == e.start_to_fire_timeout
        }
        (Decision::CancelTimer(d), EventAttributes::TimerCanceled(e)) => d.timer_id == e.timer_id,
        (Decision::CancelTimer(d), EventAttributes::CancelTimerFailed(e)) => d.timer_id == e.timer_id,
        (Decision::CompleteWorkflowExecution(d), EventAttributes::WorkflowExecutionCompleted(e)) => d.result == e.result,
        (Decision::FailWorkflowExecution(d), EventAttributes::WorkflowExecutionFailed(e)) => d.failure == e.failure,
        (Decision::FailWorkflowExecution(d), EventAttributes::WorkflowExecutionCanceled(e)) => {
            d.failure.as_ref().map(|f| &f.details[..]) == e.details.as_ref().map(|p| p.as_bytes())
        }
        (Decision::RequestCancelActivityTask(d), EventAttributes::ActivityTaskCancelRequested(e)) => d.activity_id == e.activity_id,
        _ => false,
    };
    (!same).then(summary)
}

#[cfg(test)]
mod tests {
    use std::cell::Cell;
    use std::time::Duration;

    use super::*;
    use crate::registry::typed_workflow;
    use crate::session::{Session, SessionConfig};

    thread_local! {
        static DRAW: Cell<u64> = const { Cell::new(1) };
    }

    fn timer_workflow(random: bool) -> WorkflowDefinition {
        WorkflowDefinition {
            name: "Timers".into(),
            run: typed_workflow(move |ctx: crate::sdk::WorkflowContext, _: serde_json::Value| async move {
                // A "random" length that changes on every run, as an unseeded draw would.
                let secs = if random {
                    DRAW.with(|d| {
                        d.set(d.get() % 3 + 1);
                        d.get()
                    })
                } else {
                    2
                };
                ctx.new_timer(Duration::from_secs(secs * 60)).await.ok();
                Ok::<_, crate::sdk::WorkflowError>("done".to_owned())
            }),
            validate_input: |_| Ok(()),
            signals: vec![],
            queries: vec![],
        }
    }

    fn history_of(def: &WorkflowDefinition) -> Vec<HistoryEvent> {
        let mut r = crate::registry::Registry::default();
        r.register_workflow(def.clone());
        let mut s = Session::with_registry(SessionConfig::default(), r, "Timers");
        s.perform(crate::session::Action::Start {
            workflow_id: "w".into(),
            input: "{}".into(),
            execution_timeout: Duration::from_secs(600),
        })
        .unwrap();
        s.history().to_vec()
    }

    #[test]
    fn the_same_decisions_again_pass_and_a_different_timer_is_named() {
        let steady = timer_workflow(false);
        assert_eq!(replay_strictly(&steady, &history_of(&steady)), Ok(()));
        let random = timer_workflow(true);
        let h = history_of(&random);
        // The ordinary replay sees the same timer ID and finds nothing wrong.
        assert!(WorkflowRuntime::replay(&random, "w", "d", &h).is_ok());
        let err = replay_strictly(&random, &h).unwrap_err();
        // Both lengths are named: the one decided now and the one the history holds.
        let fire_after = |side: &str| side.split("fireAfter=").nth(1).and_then(|v| v.split('s').next()).map(str::to_owned);
        let (made, recorded) = err.split_once(", but event 5 is TimerStarted timerId=0").unwrap_or_else(|| panic!("{err}"));
        assert!(made.ends_with(&format!("made StartTimer timerId=0 fireAfter={}s", fire_after(made).unwrap())), "{err}");
        assert_ne!(fire_after(made), fire_after(recorded), "{err}");
    }
}
