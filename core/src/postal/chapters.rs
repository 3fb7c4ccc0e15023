//! The workflow at the end of each workshop chapter, so exercises can start from any
//! of them: activities; failures and retries; one scan signal; a loop of scans; the
//! delivered signal; the status query; the notification timer (the final workflow).

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use serde::de::IgnoredAny;

use super::{CURRENT_STATUS_QUERY, DELIVERED_SIGNAL, Order, PostalConfig, QueryResult, SCAN_SIGNAL, ScanSignal};
use crate::payload::Payload;
use crate::registry::{WorkflowFn, decode_workflow_input};
use crate::sdk::{ActivityOptions, JsonString, Logger, RetryPolicy, WorkflowContext, WorkflowError};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Chapter {
    /// validatePayment and shipProduct, no retries.
    Activities,
    /// validatePayment fails twice and a retry policy carries it through.
    Retries,
    /// The location list and one ScanSignal.
    ScanOnce,
    /// Scans in a loop that never ends.
    Loop,
    /// DeliveredSignal ends the loop.
    Delivered,
    /// The `current_status` query.
    Query,
    /// The notification timer, reset on every scan: the final workflow.
    Notification,
}

/// The registered names a chapter's worker uses: the workshop's plain `shipping`
/// package for the chapters, the `shippingcomplete` names for the final workflow.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ChapterNames {
    pub workflow: &'static str,
    pub validate_payment: &'static str,
    pub ship_product: &'static str,
    pub estimated_delivery_time: &'static str,
}

impl ChapterNames {
    /// The workshop's starter package (`workflow/shipping`), which participants edit.
    pub const STARTER: ChapterNames = ChapterNames {
        workflow: "OrderProcessingWorkflow",
        validate_payment: "validatePayment",
        ship_product: "shipProduct",
        estimated_delivery_time: "estimatedDeliveryTime",
    };
    /// The workshop's finished workflow (`workflow/shippingcomplete`).
    pub const COMPLETE: ChapterNames = ChapterNames {
        workflow: "OrderProcessingWorkflowComplete",
        validate_payment: "validatePaymentComplete",
        ship_product: "shipProductComplete",
        estimated_delivery_time: "estimatedDeliveryTimeComplete",
    };
}

impl Chapter {
    pub const ALL: [Chapter; 7] = [
        Chapter::Activities,
        Chapter::Retries,
        Chapter::ScanOnce,
        Chapter::Loop,
        Chapter::Delivered,
        Chapter::Query,
        Chapter::Notification,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Chapter::Activities => "activities",
            Chapter::Retries => "retries",
            Chapter::ScanOnce => "scan-once",
            Chapter::Loop => "loop",
            Chapter::Delivered => "delivered",
            Chapter::Query => "query",
            Chapter::Notification => "notification",
        }
    }

    pub fn parse(name: &str) -> Result<Chapter, String> {
        // "Loop" and "scan_once" are what people type for "loop" and "scan-once".
        let typed = name.trim().to_ascii_lowercase().replace('_', "-");
        Chapter::ALL
            .into_iter()
            .find(|c| c.name() == typed)
            .ok_or_else(|| format!("unknown chapter {name:?}; chapters are {}", Chapter::ALL.map(Chapter::name).join(", ")))
    }

    /// The names a chapter registers under in the simulator: the final workflow's
    /// `…Complete` names for `notification`, the starter's for the others.
    pub fn names(self) -> ChapterNames {
        if self == Chapter::Notification { ChapterNames::COMPLETE } else { ChapterNames::STARTER }
    }

    pub(crate) fn has_retries(self) -> bool {
        self >= Chapter::Retries
    }

    pub(crate) fn has_query(self) -> bool {
        self >= Chapter::Query
    }

    /// The signal channels this chapter's code reads.
    pub(crate) fn signals(self) -> Vec<&'static str> {
        let mut v = Vec::new();
        if self >= Chapter::ScanOnce {
            v.push(SCAN_SIGNAL);
        }
        if self >= Chapter::Delivered {
            v.push(DELIVERED_SIGNAL);
        }
        v
    }
}

/// ScheduleToStart and StartToClose of one minute, as in the workshop. The option sets
/// are statics, not values built at each call, because a temporary built in an awaited
/// call lives in the workflow's future across the await: 176 bytes of every cached run.
pub(super) static ACTIVITY_OPTIONS: ActivityOptions = ONE_MINUTE_EACH;

/// What both sets share (a const: a static's fields cannot be moved out).
const ONE_MINUTE_EACH: ActivityOptions = ActivityOptions {
    task_list: None,
    schedule_to_start_timeout: Duration::from_secs(60),
    start_to_close_timeout: Duration::from_secs(60),
    schedule_to_close_timeout: Duration::ZERO,
    heartbeat_timeout: Duration::ZERO,
    retry_policy: None,
};

/// The workshop's payment retry policy: 1 s, x2, at most 10 s, 3 attempts in all.
pub(super) static PAYMENT_OPTIONS: ActivityOptions = ActivityOptions {
    retry_policy: Some(RetryPolicy {
        initial_interval: Duration::from_secs(1),
        backoff_coefficient: 2.0,
        maximum_interval: Duration::from_secs(10),
        maximum_attempts: 3,
        expiration_interval: Duration::ZERO,
        non_retriable_error_reasons: Vec::new(),
    }),
    ..ONE_MINUTE_EACH
};

pub(super) async fn validate(
    ctx: &WorkflowContext,
    options: &ActivityOptions,
    names: &ChapterNames,
    order: &Order,
) -> Result<String, WorkflowError> {
    ctx.execute_activity::<String>(options, names.validate_payment, (order,))
        .await
        .map_err(|e| WorkflowError::generic(format!("validate payment for order: {e}")))
}

pub(super) async fn ship(ctx: &WorkflowContext, names: &ChapterNames, order: &Order) -> Result<String, WorkflowError> {
    ctx.execute_activity::<String>(&ACTIVITY_OPTIONS, names.ship_product, (order,))
        .await
        .map_err(|e| WorkflowError::generic(format!("ship product for order: {e}")))
}

/// The workshop's log line for a scan (`zap.Any("value", signalVal)`).
pub(super) fn received(logger: &Logger, signal: &ScanSignal) {
    logger.info_with(
        "Received signal!",
        format_args!(r#"{{"signal":"ScanSignal","value":{{"location":{}}}}}"#, JsonString(&signal.location)),
    );
}

pub(super) fn processed(order: &Order) -> String {
    format!("Order {} processed successfully for customer {}.", order.id, order.customer)
}

/// The workflow function of a chapter, calling its activities by `names`: decodes the
/// order, runs, encodes the result.
pub(super) fn workflow_fn(config: PostalConfig, names: ChapterNames) -> WorkflowFn {
    std::sync::Arc::new(move |ctx, input: Payload| {
        Box::pin(async move {
            // The order goes straight into the chapter's code: a local here would keep a
            // second, moved-from slot for it in every run's future. The input it is read
            // from goes as it is read, not kept as long as the run.
            let result = match config.chapter {
                Chapter::Notification => {
                    super::workflow::order_processing(ctx, decode_workflow_input(input)?, &names, config.timer_unit).await?
                }
                chapter => tracking(ctx, decode_workflow_input(input)?, &names, chapter).await?,
            };
            Ok(Payload::encode(&result))
        })
    })
}

/// Chapters one to six: each adds one step of the workshop to the last.
async fn tracking(ctx: WorkflowContext, order: Order, names: &ChapterNames, chapter: Chapter) -> Result<String, WorkflowError> {
    let status = Rc::new(RefCell::new(QueryResult { delivered: false, location_history: vec![order.send_from.clone()] }));
    if chapter.has_query() {
        let view = status.clone();
        ctx.set_query_handler(CURRENT_STATUS_QUERY, move || view.borrow().clone())
            .map_err(|e| WorkflowError::generic(format!("set query handler: {e}")))?;
    }
    let options = if chapter.has_retries() { &PAYMENT_OPTIONS } else { &ACTIVITY_OPTIONS };
    validate(&ctx, options, names, &order).await?;
    ship(&ctx, names, &order).await?;
    if chapter < Chapter::ScanOnce {
        return Ok(processed(&order));
    }

    enum Selected {
        Scanned(ScanSignal),
        Delivered,
    }
    let logger = ctx.logger();
    let mut s = ctx.new_selector::<Selected>();
    s.add_receive(&ctx.signal_channel::<ScanSignal>(SCAN_SIGNAL), Selected::Scanned);
    if chapter >= Chapter::Delivered {
        s.add_receive(&ctx.signal_channel::<IgnoredAny>(DELIVERED_SIGNAL), |_| Selected::Delivered);
    }
    loop {
        match s.select().await {
            Selected::Scanned(signal) => {
                received(&logger, &signal);
                status.borrow_mut().location_history.push(signal.location);
            }
            Selected::Delivered => status.borrow_mut().delivered = true,
        }
        if chapter == Chapter::ScanOnce || status.borrow().delivered {
            return Ok(processed(&order));
        }
    }
}
