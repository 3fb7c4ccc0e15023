//! What one `bridge worker` serves, by the names the workshop's Go worker registers
//! (its `workflow.Module` registers three packages at once):
//!
//! - `HelloWorld` with `HelloWorldActivity` (the workshop's first command);
//! - the starter `OrderProcessingWorkflow` with `validatePayment`, `shipProduct` and
//!   `estimatedDeliveryTime`: the package a participant edits, chapter by chapter;
//! - `OrderProcessingWorkflowComplete` with the `…Complete` activities: the finished
//!   workflow.
//!
//! Which code answers to the starter name is the caller's choice: a chapter's code
//! ([`chapter_starter`], `bridge worker --chapter NAME`), or a participant's own
//! workflow (an exercise) passed to [`workshop_registry`] as a definition.

use std::time::Duration;

use postflow_core::postal::{self, Chapter, ChapterNames, PostalConfig};
use postflow_core::registry::{Registry, WorkflowDefinition};

/// The chapter whose code answers to the starter name by default: `activities`, the
/// state the workshop's text expects at its first `OrderProcessingWorkflow` command
/// (`--execution_timeout 10`, no signals), which then completes in well under 10 s.
/// Later chapters wait for signals and would time out on that command.
pub const DEFAULT_CHAPTER: Chapter = Chapter::Activities;

/// A chapter's workflow under the starter name, calling the starter activities. The
/// final chapter (`notification`) works too: the finished code under the starter names.
pub fn chapter_starter(chapter: Chapter, timer_unit: Duration) -> WorkflowDefinition {
    postal::workflow_definition(PostalConfig { chapter, timer_unit }, ChapterNames::STARTER)
}

/// Everything the workshop's Go worker serves, with `starter` answering to
/// `OrderProcessingWorkflow` (whatever name it was built with) and the starter
/// activities behaving as in `starter_chapter` (from `retries` on, `validatePayment`
/// fails twice before it succeeds). `timer_unit` is the complete workflow's "day".
pub fn workshop_registry(starter: WorkflowDefinition, starter_chapter: Chapter, timer_unit: Duration) -> Registry {
    let mut r = Registry::default();
    postal::register_hello_world(&mut r);
    postal::register_activities(&mut r, starter_chapter, ChapterNames::STARTER);
    r.register_workflow(WorkflowDefinition { name: ChapterNames::STARTER.workflow.into(), ..starter });
    let complete = PostalConfig { chapter: Chapter::Notification, timer_unit };
    postal::register_activities(&mut r, complete.chapter, ChapterNames::COMPLETE);
    r.register_workflow(postal::workflow_definition(complete, ChapterNames::COMPLETE));
    r
}

/// The default worker's registry with `chapter`'s code behind the starter name.
pub fn for_chapter(chapter: Chapter, timer_unit: Duration) -> Registry {
    workshop_registry(chapter_starter(chapter, timer_unit), chapter, timer_unit)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_worker_serves_the_workshops_three_packages_by_their_go_names() {
        let r = for_chapter(DEFAULT_CHAPTER, Duration::from_secs(60));
        let mut names = r.workflow_names();
        names.sort();
        assert_eq!(names, ["HelloWorld", "OrderProcessingWorkflow", "OrderProcessingWorkflowComplete"]);
        for a in [
            "HelloWorldActivity",
            "validatePayment",
            "shipProduct",
            "estimatedDeliveryTime",
            "validatePaymentComplete",
            "shipProductComplete",
            "estimatedDeliveryTimeComplete",
        ] {
            assert!(r.activity(a).is_some(), "{a} is not registered");
        }
    }

    #[test]
    fn the_chapter_decides_what_answers_to_the_starter_name() {
        // The query chapter answers current_status; the activities chapter has no query.
        let query = for_chapter(Chapter::Query, Duration::from_secs(60));
        assert_eq!(query.workflow("OrderProcessingWorkflow").unwrap().queries, ["current_status"]);
        let first = for_chapter(Chapter::Activities, Duration::from_secs(60));
        assert!(first.workflow("OrderProcessingWorkflow").unwrap().queries.is_empty());
        // The complete workflow is the same whatever the chapter.
        assert_eq!(first.workflow("OrderProcessingWorkflowComplete").unwrap().queries, ["current_status"]);
        // The final chapter under the starter name signals as the complete one does.
        let last = for_chapter(Chapter::Notification, Duration::from_secs(60));
        let signals = last.workflow("OrderProcessingWorkflow").unwrap().signals.clone();
        assert_eq!(signals, ["ScanSignal", "DeliveredSignal"]);
    }
}
