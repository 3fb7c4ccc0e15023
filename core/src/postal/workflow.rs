//! The order processing workflow as the workshop ends: validate the payment (with
//! retries), ship, then track scans until delivered, notifying the customer once when
//! a delivery estimate runs out with no newer scan (the workshop's "about a day away":
//! its timer runs the whole estimate). Written to read like the workshop's Go code.

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use serde::de::IgnoredAny;

use super::chapters::{ACTIVITY_OPTIONS, ChapterNames, PAYMENT_OPTIONS, processed, received, ship, validate};
use super::{CURRENT_STATUS_QUERY, DELIVERED_SIGNAL, Order, QueryResult, SCAN_SIGNAL, ScanSignal};
use crate::sdk::{Canceled, CancellationScope, JsonString, Logger, Selector, WorkflowContext, WorkflowError};

/// What the selector's cases hand back (Go's three callbacks).
pub(super) enum Selected {
    Scanned(ScanSignal),
    Delivered,
    Timer(Result<(), Canceled>),
}

pub(super) async fn order_processing(
    ctx: WorkflowContext,
    order: Order,
    names: &ChapterNames,
    timer_unit: Duration,
) -> Result<String, WorkflowError> {
    let status = Rc::new(RefCell::new(QueryResult { delivered: false, location_history: vec![order.send_from.clone()] }));
    let view = status.clone();
    ctx.set_query_handler(CURRENT_STATUS_QUERY, move || view.borrow().clone())
        .map_err(|e| WorkflowError::generic(format!("set query handler: {e}")))?;

    let logger = ctx.logger();
    validate(&ctx, &PAYMENT_OPTIONS, names, &order).await?;
    ship(&ctx, names, &order).await?;

    let mut s = ctx.new_selector::<Selected>();
    let mut notification_sent = false;
    let mut timer_cancel = update_timeout(&ctx, &mut s, None, notification_sent, &order, &status, names, timer_unit)
        .await
        .map_err(|e| WorkflowError::generic(format!("update timeout: {e}")))?;

    s.add_receive(&ctx.signal_channel::<ScanSignal>(SCAN_SIGNAL), Selected::Scanned);
    s.add_receive(&ctx.signal_channel::<IgnoredAny>(DELIVERED_SIGNAL), |_| Selected::Delivered);

    while !status.borrow().delivered {
        match s.select().await {
            Selected::Scanned(signal) => {
                received(&logger, &signal);
                status.borrow_mut().location_history.push(signal.location);
                match update_timeout(&ctx, &mut s, timer_cancel.take(), notification_sent, &order, &status, names, timer_unit).await {
                    Ok(cancel) => timer_cancel = cancel,
                    Err(e) => logger.error_with("Error updating timeout", format_args!(r#"{{"error":{}}}"#, JsonString(&e))),
                }
            }
            Selected::Delivered => status.borrow_mut().delivered = true,
            Selected::Timer(result) => handle_timeout(result, &mut notification_sent, &logger),
        }
    }
    Ok(processed(&order))
}

/// Cancels the previous notification timer and, unless the notification went out
/// already, starts a new one from a fresh delivery estimate, made from where the
/// package was seen last.
#[allow(clippy::too_many_arguments)]
async fn update_timeout(
    ctx: &WorkflowContext,
    s: &mut Selector<Selected>,
    timer_cancel: Option<CancellationScope>,
    notification_sent: bool,
    order: &Order,
    status: &RefCell<QueryResult>,
    names: &ChapterNames,
    timer_unit: Duration,
) -> Result<Option<CancellationScope>, String> {
    if let Some(cancel) = timer_cancel {
        cancel.cancel();
    }
    if notification_sent {
        return Ok(None);
    }
    // The last location is read in place, not copied (a copy per scan that replay
    // would make only to drop): the status is borrowed only while the activity is
    // scheduled, as a query may read it while the workflow waits.
    let estimate = {
        let status = status.borrow();
        let last_location = status.location_history.last().map_or("", String::as_str);
        ctx.execute_activity(&ACTIVITY_OPTIONS, names.estimated_delivery_time, (order, last_location))
    };
    let days: i64 = estimate.await.map_err(|e| format!("estimated delivery time: {e}"))?;
    let timer_ctx = ctx.cancellation_scope();
    // Days become timer units (minutes in the workshop), so a demo waits minutes, not days.
    let timer = timer_ctx.new_timer(timer_unit * u32::try_from(days.max(0)).unwrap_or(u32::MAX));
    s.add_future(timer, Selected::Timer);
    Ok(Some(timer_ctx))
}

fn handle_timeout(result: Result<(), Canceled>, notification_sent: &mut bool, logger: &Logger) {
    // A canceled timer's future is ready at once; that is not a notification.
    if result.is_err() {
        return;
    }
    *notification_sent = true;
    logger.info("Notification sent", "");
}
