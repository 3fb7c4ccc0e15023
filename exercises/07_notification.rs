//! The package workflow at the end of chapter 6 · The current_status query, and the start of
//! chapter 7 · The notification timer: the TODO(chapter 7) lines say what to do next.
//! `cargo run --bin workshop` checks it.

use std::cell::RefCell;
use std::rc::Rc;
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

/// What the selector's cases hand back (Go's callbacks, as values).
enum Selected {
    Scanned(ScanSignal),
    Delivered,
    // TODO(chapter 7): a case for the notification timer firing (or being canceled).
    // A timer that fires notifies the customer: log "Notification sent".
}

/// Processes one order: pays, ships, and tracks the package until it is delivered.
pub async fn order_processing_workflow(ctx: WorkflowContext, order: Order) -> Result<String, WorkflowError> {
    let status = Rc::new(RefCell::new(QueryResult { delivered: false, location_history: vec![order.send_from.clone()] }));
    let view = status.clone();
    ctx.set_query_handler("current_status", move || view.borrow().clone())
        .map_err(|e| WorkflowError::generic(format!("set query handler: {e}")))?;
    let logger = ctx.logger();

    ctx.execute_activity::<String>(&payment_options(), "validatePayment", (&order,))
        .await
        .map_err(|e| WorkflowError::generic(format!("validate payment for order: {e}")))?;
    ctx.execute_activity::<String>(&activity_options(), "shipProduct", (&order,))
        .await
        .map_err(|e| WorkflowError::generic(format!("ship product for order: {e}")))?;

    let mut s = ctx.new_selector::<Selected>();
    // TODO(chapter 7): before the receive cases, start the notification timer: ask
    // estimatedDeliveryTime how many days are left from the last location, start a
    // timer of that many minutes in a fresh cancellation scope, add it to the selector,
    // and keep the scope. Remember whether the customer was notified.
    s.add_receive(&ctx.signal_channel::<ScanSignal>("ScanSignal"), Selected::Scanned);
    s.add_receive(&ctx.signal_channel::<IgnoredAny>("DeliveredSignal"), |_| Selected::Delivered);
    while !status.borrow().delivered {
        match s.select().await {
            Selected::Scanned(scan) => {
                logger.info("Received signal!", &format!(r#"{{"location":{:?}}}"#, scan.location));
                status.borrow_mut().location_history.push(scan.location);
                // TODO(chapter 7): cancel the old timer; unless the customer was notified
                // already, estimate again from this location and start a new timer.
            }
            Selected::Delivered => status.borrow_mut().delivered = true,
        }
    }
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

// TODO(chapter 7): write the estimatedDeliveryTime activity: from the order and the
// current location it returns 1 to 3 days, drawn at random (ctx.rng.one_to(3)).
