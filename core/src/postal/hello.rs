//! The workshop's first workflow, `HelloWorld`: the one a participant starts before
//! writing any code (`wf start --workflow_type HelloWorld --input '{"message":"Cadence"}'`).
//! It runs one activity, `HelloWorldActivity`, whose greeting is the result:
//! `"Hello, Cadence!"`.

use serde::Serialize;

use super::activity;
use super::chapters::ACTIVITY_OPTIONS;
use crate::go_json::go_struct;
use crate::payload::Payload;
use crate::registry::{Registry, WorkflowDefinition, decode_workflow_input};
use crate::sdk::WorkflowError;

pub const HELLO_WORLD: &str = "HelloWorld";
pub const HELLO_WORLD_ACTIVITY: &str = "HelloWorldActivity";

/// The input, `{"message": ...}`; a missing field reads as empty, as Go's decoder does.
#[derive(Clone, Debug, PartialEq, Eq, Default, Serialize)]
pub struct HelloWorldInput {
    pub message: String,
}

go_struct!(HelloWorldInput, "a greeting's input (a JSON object)", { "message" => message });

/// The activity: builds the greeting.
pub fn greeting(input: &HelloWorldInput) -> String {
    format!("Hello, {}!", input.message)
}

/// Registers the workflow and its activity.
pub fn register_hello_world(r: &mut Registry) {
    r.register_activity(activity(HELLO_WORLD_ACTIVITY, |ctx, (input,): (HelloWorldInput,)| {
        ctx.log_info("HelloWorldActivity started", "");
        Ok::<_, String>(greeting(&input))
    }));
    r.register_workflow(WorkflowDefinition {
        name: HELLO_WORLD.into(),
        run: std::sync::Arc::new(|ctx, input: Payload| {
            Box::pin(async move {
                let input: HelloWorldInput = decode_workflow_input(input)?;
                ctx.logger().info("HelloWorldWorkflow started", "");
                let greeting = ctx
                    .execute_activity::<String>(&ACTIVITY_OPTIONS, HELLO_WORLD_ACTIVITY, (&input,))
                    .await
                    .map_err(|e| WorkflowError::generic(e.to_string()))?;
                Ok(Payload::encode(&greeting))
            })
        }),
        validate_input: validate_hello,
        signals: vec![],
        queries: vec![],
    });
}

/// Checks a HelloWorld input: a JSON object (the message may be missing).
pub fn validate_hello(input: Option<&Payload>) -> Result<(), String> {
    let input = input.filter(|p| !p.is_empty()).ok_or(r#"HelloWorld needs an input like {"message":"Cadence"}"#)?;
    match input.decode::<serde_json::Value>() {
        Ok(serde_json::Value::Object(_)) => Ok(()),
        Ok(other) => Err(format!("the HelloWorld input must be a JSON object, found {other}")),
        Err(e) => Err(format!("the HelloWorld input is not valid JSON: {e}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decision::Decision;
    use crate::history::*;
    use crate::runtime::WorkflowRuntime;
    use crate::runtime::test_history::{decision_task, event, first_decision_task, first_decision_task_completed};

    #[test]
    fn hello_world_greets_with_the_activitys_result() {
        let mut r = Registry::default();
        register_hello_world(&mut r);
        let def = r.workflow(HELLO_WORLD).unwrap();
        // The activity, run as a worker would.
        let act = r.activity(HELLO_WORLD_ACTIVITY).unwrap();
        let mut rng = crate::rng::SplitMix64::new(1);
        let mut ctx = crate::registry::ActivityContext {
            workflow_id: "w",
            activity_id: "0",
            activity_type: HELLO_WORLD_ACTIVITY,
            attempt: 0,
            rng: &mut rng,
            logs: None,
            now: crate::time::EPOCH,
        };
        let input = Payload::from(r#"{"message":"Cadence"}"#);
        let result = (act.run)(&mut ctx, &Payload::encode(&HelloWorldInput { message: "Cadence".into() })).unwrap();
        assert_eq!(result.to_text(), "\"Hello, Cadence!\"\n");

        // The workflow: first task schedules the activity with the input as Go encodes it.
        let mut events = first_decision_task(HELLO_WORLD, Some(input));
        let (_, decisions) = WorkflowRuntime::replay(def, "w", "d", &events).unwrap();
        let decisions = decisions.unwrap();
        let Decision::ScheduleActivityTask(a) = &decisions[0] else { panic!("{decisions:?}") };
        assert_eq!(a.activity_type.name, HELLO_WORLD_ACTIVITY);
        assert_eq!(a.input.as_ref().unwrap().to_text(), "{\"message\":\"Cadence\"}\n");

        // Once the activity completed, the workflow completes with the greeting.
        events.extend([
            first_decision_task_completed(),
            event(
                5,
                EventAttributes::ActivityTaskScheduled(Box::new(ActivityTaskScheduledEventAttributes {
                    activity_id: a.activity_id.clone(),
                    activity_type: a.activity_type.clone(),
                    decision_task_completed_event_id: 4,
                    ..Default::default()
                })),
            ),
            event(
                6,
                EventAttributes::ActivityTaskStarted(ActivityTaskStartedEventAttributes { scheduled_event_id: 5, ..Default::default() }),
            ),
            event(
                7,
                EventAttributes::ActivityTaskCompleted(ActivityTaskCompletedEventAttributes {
                    scheduled_event_id: 5,
                    started_event_id: 6,
                    result: Some(result),
                    ..Default::default()
                }),
            ),
        ]);
        events.extend(decision_task(8));
        let (_, decisions) = WorkflowRuntime::replay(def, "w", "d", &events).unwrap();
        match &decisions.unwrap()[..] {
            [Decision::CompleteWorkflowExecution(c)] => assert_eq!(c.result.as_ref().unwrap().to_text(), "\"Hello, Cadence!\"\n"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_hello_input_that_is_not_an_object_is_refused() {
        assert!(validate_hello(Some(&Payload::from(r#"{"message":"Cadence"}"#))).is_ok());
        assert!(validate_hello(Some(&Payload::from("[1]"))).unwrap_err().contains("JSON object"));
        assert!(validate_hello(None).is_err());
    }
}
