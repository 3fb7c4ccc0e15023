//! Where the workshop begins, and the start of chapter 1 · Two activities: the
//! workflow calls a payment activity that does nothing yet, and nothing ships. The
//! TODO(chapter 1) lines say what to do; `cargo run --bin workshop` checks it.

use std::time::Duration;

use postflow_exercises::prelude::*;

/// Registers the workflow and its activities under the workshop's names.
pub fn register_workflow(w: &mut Worker) {
    w.register_workflow("OrderProcessingWorkflow", order_processing_workflow);
    w.register_activity("validatePayment", validate_payment);
    // TODO(chapter 1): register shipProduct here too, the same way.
}

/// Every activity gets a minute to be picked up and a minute to run.
fn activity_options() -> ActivityOptions {
    ActivityOptions {
        schedule_to_start_timeout: Duration::from_secs(60),
        start_to_close_timeout: Duration::from_secs(60),
        ..Default::default()
    }
}

/// Processes one order: pays and ships it.
pub async fn order_processing_workflow(ctx: WorkflowContext, order: Order) -> Result<String, WorkflowError> {
    // Step 1: validate the payment; if it fails, the workflow fails with its error.
    ctx.execute_activity::<String>(&activity_options(), "validatePayment", (&order,))
        .await
        .map_err(|e| WorkflowError::generic(format!("validate payment for order: {e}")))?;
    // TODO(chapter 1): step 2, ship the package: execute shipProduct once the payment
    // went through; if it fails, fail the workflow with "ship product for order: <error>".
    Ok(format!("Order {} processed successfully for customer {}.", order.id, order.customer))
}

/// Validates the payment of an order.
pub fn validate_payment(ctx: &mut ActivityContext, order: Order) -> Result<String, String> {
    // TODO(chapter 1): refuse an amount over 25 with the error "payment validation failed
    // for order: <id>"; otherwise log "Payment processed successfully" and return
    // "Payment successful".
    Ok(String::new())
}

// TODO(chapter 1): write the shipProduct activity: it refuses an order without a
// customer with the error "customer is required", and otherwise returns "Product
// shipped successfully".
