//! The package workflow at the end of chapter 1 · Two activities, and the start of
//! chapter 2 · Failures and retries: the TODO(chapter 2) lines say what to do next.
//! `cargo run --bin workshop` checks it.

use std::time::Duration;

use postflow_exercises::prelude::*;

/// Registers the workflow and its activities under the workshop's names.
pub fn register_workflow(w: &mut Worker) {
    w.register_workflow("OrderProcessingWorkflow", order_processing_workflow);
    w.register_activity("validatePayment", validate_payment);
    w.register_activity("shipProduct", ship_product);
}

/// Every activity gets a minute to be picked up and a minute to run.
fn activity_options() -> ActivityOptions {
    ActivityOptions {
        schedule_to_start_timeout: Duration::from_secs(60),
        start_to_close_timeout: Duration::from_secs(60),
        ..Default::default()
    }
}

// TODO(chapter 2): options for the payment: the activity options plus the workshop's
// retry policy (1 s initial interval, backoff coefficient 2, at most 10 s between
// attempts, 3 attempts in all).

/// Processes one order: pays and ships it.
pub async fn order_processing_workflow(ctx: WorkflowContext, order: Order) -> Result<String, WorkflowError> {
    // TODO(chapter 2): validate the payment with the retry policy.
    ctx.execute_activity::<String>(&activity_options(), "validatePayment", (&order,))
        .await
        .map_err(|e| WorkflowError::generic(format!("validate payment for order: {e}")))?;
    ctx.execute_activity::<String>(&activity_options(), "shipProduct", (&order,))
        .await
        .map_err(|e| WorkflowError::generic(format!("ship product for order: {e}")))?;
    Ok(format!("Order {} processed successfully for customer {}.", order.id, order.customer))
}

/// Refuses an amount over 25.
pub fn validate_payment(ctx: &mut ActivityContext, order: Order) -> Result<String, String> {
    // TODO(chapter 2): fail on attempts 0 and 1 (ctx.attempt) with "temporary issue,
    // please retry", as a flaky payment provider would.
    if order.amount > 25.0 {
        return Err(format!("payment validation failed for order: {}", order.id));
    }
    ctx.log_info("Payment processed successfully", "");
    Ok("Payment successful".into())
}

/// Refuses an order without a customer.
pub fn ship_product(ctx: &mut ActivityContext, order: Order) -> Result<String, String> {
    if order.customer.is_empty() {
        return Err("customer is required".into());
    }
    ctx.log_info("Shipping product", &format!(r#"{{"orderID":{:?}}}"#, order.id));
    Ok("Product shipped successfully".into())
}
