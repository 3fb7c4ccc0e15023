//! The package workflow at the end of chapter 2 · Failures and retries, and the start
//! of chapter 3 · One scan signal: the TODO(chapter 3) lines say what to do next.
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

/// The payment is retried by the server: after 1 s, then 2 s; three attempts in all.
fn payment_options() -> ActivityOptions {
    ActivityOptions {
        retry_policy: Some(RetryPolicy {
            initial_interval: Duration::from_secs(1),
            backoff_coefficient: 2.0,
            maximum_interval: Duration::from_secs(10),
            maximum_attempts: 3,
            ..Default::default()
        }),
        ..activity_options()
    }
}

/// Processes one order: pays and ships it.
pub async fn order_processing_workflow(ctx: WorkflowContext, order: Order) -> Result<String, WorkflowError> {
    // TODO(chapter 3): keep the package's locations in a list that starts with the
    // order's sendFrom.
    ctx.execute_activity::<String>(&payment_options(), "validatePayment", (&order,))
        .await
        .map_err(|e| WorkflowError::generic(format!("validate payment for order: {e}")))?;
    ctx.execute_activity::<String>(&activity_options(), "shipProduct", (&order,))
        .await
        .map_err(|e| WorkflowError::generic(format!("ship product for order: {e}")))?;
    // TODO(chapter 3): wait for one ScanSignal: a selector with a receive case on the
    // "ScanSignal" channel, one select; log "Received signal!" and add the location to
    // the list.
    Ok(format!("Order {} processed successfully for customer {}.", order.id, order.customer))
}

/// Refuses an amount over 25; fails on its first two attempts, as a flaky payment
/// provider would.
pub fn validate_payment(ctx: &mut ActivityContext, order: Order) -> Result<String, String> {
    if ctx.attempt < 2 {
        ctx.log_info("Temporary failure in payment processing", "");
        return Err("temporary issue, please retry".into());
    }
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
