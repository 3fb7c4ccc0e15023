//! The package workflow at the end of chapter 7 · The notification timer: the
//! workshop's whole workflow. `cargo run --bin workshop` checks it.

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use postflow_exercises::prelude::*;

/// Registers the workflow and its activities under the workshop's names.
pub fn register_workflow(w: &mut Worker) {
    w.register_workflow("OrderProcessingWorkflow", order_processing_workflow);
    w.register_activity("validatePayment", validate_payment);
    w.register_activity("shipProduct", ship_product);
    w.register_activity("estimatedDeliveryTime", estimated_delivery_time);
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
    Timer(Result<(), Canceled>),
}

/// Processes one order: pays, ships, tracks the package until it is delivered.
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
    let mut notification_sent = false;
    let mut timer_cancel = update_timeout(&ctx, &mut s, None, notification_sent, &order, last_location(&status))
        .await
        .map_err(|e| WorkflowError::generic(format!("update timeout: {e}")))?;
    s.add_receive(&ctx.signal_channel::<ScanSignal>("ScanSignal"), Selected::Scanned);
    s.add_receive(&ctx.signal_channel::<IgnoredAny>("DeliveredSignal"), |_| Selected::Delivered);

    while !status.borrow().delivered {
        match s.select().await {
            Selected::Scanned(scan) => {
                logger.info("Received signal!", &format!(r#"{{"location":{:?}}}"#, scan.location));
                status.borrow_mut().location_history.push(scan.location);
                match update_timeout(&ctx, &mut s, timer_cancel.take(), notification_sent, &order, last_location(&status)).await {
                    Ok(cancel) => timer_cancel = cancel,
                    Err(e) => logger.error("Error updating timeout", &format!(r#"{{"error":{e:?}}}"#)),
                }
            }
            Selected::Delivered => status.borrow_mut().delivered = true,
            Selected::Timer(fired) => {
                // A canceled timer's case is ready at once: that is not a notification.
                if fired.is_ok() {
                    notification_sent = true;
                    logger.info("Notification sent", "");
                }
            }
        }
    }
    Ok(format!("Order {} processed successfully for customer {}.", order.id, order.customer))
}

/// Where the package was seen last (a copy: the status cannot stay borrowed while the
/// workflow waits).
fn last_location(status: &RefCell<QueryResult>) -> String {
    status.borrow().location_history.last().cloned().unwrap_or_default()
}

/// Cancels the old notification timer and, unless the customer was notified already,
/// starts a new one from a fresh estimate, as a case of the selector.
async fn update_timeout(
    ctx: &WorkflowContext,
    s: &mut Selector<Selected>,
    timer_cancel: Option<CancellationScope>,
    notification_sent: bool,
    order: &Order,
    last_location: String,
) -> Result<Option<CancellationScope>, String> {
    if let Some(cancel) = timer_cancel {
        cancel.cancel();
    }
    if notification_sent {
        return Ok(None);
    }
    let days: i64 = ctx
        .execute_activity(&activity_options(), "estimatedDeliveryTime", (order, last_location))
        .await
        .map_err(|e| format!("estimated delivery time: {e}"))?;
    let timer_ctx = ctx.cancellation_scope();
    // A day is a minute here, as in the workshop.
    s.add_future(timer_ctx.new_timer(Duration::from_secs(60) * days as u32), Selected::Timer);
    Ok(Some(timer_ctx))
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

/// Days until delivery from the last location: 1 to 3, drawn at random (an activity
/// may; the workflow may not).
pub fn estimated_delivery_time(ctx: &mut ActivityContext, order: Order, current_location: String) -> Result<i64, String> {
    Ok(ctx.rng.one_to(3) as i64)
}
