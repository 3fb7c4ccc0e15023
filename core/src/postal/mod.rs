//! The postal domain of the Cadence workshop "DeliveryManagementSystem": orders,
//! scan signals, the status query, the three activities (mock services with
//! hard-coded behaviour) and the workflow — as it stands at the end of each chapter
//! of the workshop, so exercises can start from any of them.

mod activities;
mod chapters;
mod hello;
mod workflow;

use std::time::Duration;

use serde::{Deserialize, Serialize};

pub use activities::{estimated_delivery_time, ship_product, validate_payment};
pub use chapters::{Chapter, ChapterNames};
pub use hello::{HELLO_WORLD, HELLO_WORLD_ACTIVITY, HelloWorldInput, register_hello_world};

use crate::engine::StartRequest;
use crate::go_json::go_struct;
use crate::payload::Payload;
use crate::registry::{Registry, WorkflowDefinition};

/// The workshop's domain and task list.
pub const DOMAIN: &str = "cadence-workshop";
pub const TASK_LIST: &str = "tasklist";
pub const SCAN_SIGNAL: &str = "ScanSignal";
pub const DELIVERED_SIGNAL: &str = "DeliveredSignal";
pub const CURRENT_STATUS_QUERY: &str = "current_status";

/// An order (the workflow input). Field names and order are the Go struct's, so the
/// JSON this workflow writes into activity inputs is byte-identical to a Go worker's.
#[derive(Clone, Debug, PartialEq, Default, Serialize)]
pub struct Order {
    pub id: String,
    pub customer: String,
    pub amount: f64,
    pub address: String,
    #[serde(rename = "sendFrom")]
    pub send_from: String,
}

go_struct!(Order, "an order (a JSON object)", {
    "id" => id,
    "customer" => customer,
    "amount" => amount,
    "address" => address,
    "sendFrom" => send_from,
});

impl Order {
    /// The workshop's example order.
    pub fn workshop() -> Order {
        Order { id: "Order123".into(), customer: "Cadence".into(), amount: 20.0, address: "Uber office".into(), send_from: "Aarhus".into() }
    }

    /// The order as the CLI's `--input` would carry it (compact JSON).
    pub fn to_input_json(&self) -> String {
        let p = Payload::encode(self);
        let text = p.to_text();
        text.trim_end_matches('\n').to_owned()
    }

    /// A start of the workshop's complete workflow for this order, under the order's
    /// id, as the workshop's `cadence wf start` does (decision task timeout 10 s).
    pub fn start_request(&self, execution_timeout: Duration) -> StartRequest {
        StartRequest {
            workflow_id: self.id.clone(),
            workflow_type: ChapterNames::COMPLETE.workflow.into(),
            task_list: TASK_LIST.into(),
            input: Some(Payload::from(self.to_input_json().as_str())),
            execution_timeout,
            task_timeout: Duration::from_secs(10),
        }
    }
}

/// The `ScanSignal` input: where the package was just scanned.
#[derive(Clone, Debug, PartialEq, Eq, Default, Serialize)]
pub struct ScanSignal {
    pub location: String,
}

go_struct!(ScanSignal, "a scan signal (a JSON object)", { "location" => location });

/// The `current_status` query result.
#[derive(Clone, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct QueryResult {
    pub delivered: bool,
    #[serde(rename = "locationHistory")]
    pub location_history: Vec<String>,
}

/// How the postal workflow is built: which chapter's code, and how long a "day" of
/// delivery estimate lasts (the workshop waits minutes, not days).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PostalConfig {
    pub chapter: Chapter,
    pub timer_unit: Duration,
}

impl Default for PostalConfig {
    fn default() -> PostalConfig {
        PostalConfig { chapter: Chapter::Notification, timer_unit: Duration::from_secs(60) }
    }
}

/// Checks a workflow input before the simulator accepts a start. Stricter than a
/// server, on purpose: Cadence takes any bytes, and a Go worker (or ours) would run a
/// `null` order as an empty one, which fails at shipping; here a participant who meant
/// an order hears what is wrong with it before anything starts.
pub fn validate_order(input: Option<&Payload>) -> Result<(), String> {
    let input = input.filter(|p| !p.is_empty()).ok_or("the order input is missing")?;
    let first = input.as_bytes().iter().find(|b| !b.is_ascii_whitespace());
    if first != Some(&b'{') {
        return match input.decode::<serde::de::IgnoredAny>() {
            Ok(_) => Err(format!("the order must be a JSON object, found {}", input.to_text().trim())),
            Err(e) => Err(format!("the order is not valid JSON: {e}")),
        };
    }
    input.decode::<Order>().map(|_| ()).map_err(|e| {
        if e.0.starts_with("malformed JSON") {
            format!("the order is not valid JSON: {e}")
        } else {
            format!("the order does not fit {{id, customer, amount, address, sendFrom}}: {e}")
        }
    })
}

/// The registry a postal worker serves: the chosen chapter's workflow and its
/// activities, under the chapter's own names.
pub fn registry(config: PostalConfig) -> Registry {
    let mut r = Registry::default();
    register_activities(&mut r, config.chapter, config.chapter.names());
    r.register_workflow(workflow_definition(config, config.chapter.names()));
    r
}

/// Registers the three activities under `names`, behaving as in `chapter`
/// (`validatePayment` fails twice from the retries chapter on).
pub fn register_activities(r: &mut Registry, chapter: Chapter, names: ChapterNames) {
    let transient = chapter.has_retries();
    r.register_activity(activity(names.validate_payment, move |ctx, (order,)| validate_payment(ctx, &order, transient)));
    r.register_activity(activity(names.ship_product, |ctx, (order,)| ship_product(ctx, &order)));
    r.register_activity(activity(names.estimated_delivery_time, |ctx, (order, location): (Order, String)| {
        estimated_delivery_time(ctx, &order, &location)
    }));
}

/// A chapter's workflow registered as `names.workflow`, calling the activities by
/// `names`: the simulator uses each chapter's own names; a worker may serve any
/// chapter under the starter's.
pub fn workflow_definition(config: PostalConfig, names: ChapterNames) -> WorkflowDefinition {
    WorkflowDefinition {
        name: names.workflow.into(),
        run: chapters::workflow_fn(config, names),
        validate_input: validate_order,
        signals: config.chapter.signals(),
        queries: if config.chapter.has_query() { vec![CURRENT_STATUS_QUERY] } else { vec![] },
    }
}

/// Typed activities, as everywhere else in the worker (one wrapper for every activity).
pub(crate) use crate::registry::typed_activity as activity;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn order_json_follows_the_go_struct() {
        assert_eq!(
            Order::workshop().to_input_json(),
            r#"{"id":"Order123","customer":"Cadence","amount":20,"address":"Uber office","sendFrom":"Aarhus"}"#
        );
    }

    #[test]
    fn bad_inputs_are_refused_with_reasons() {
        let p = |s: &str| Payload::from(s);
        assert!(validate_order(None).unwrap_err().contains("missing"));
        assert!(validate_order(Some(&p("{\"id\":"))).unwrap_err().contains("not valid JSON"));
        assert!(validate_order(Some(&p("[1]"))).unwrap_err().contains("JSON object"));
        assert!(validate_order(Some(&p("{\"amount\":\"20\"}"))).unwrap_err().contains("amount"));
        assert!(validate_order(Some(&p("{\"id\":\"A\"}"))).is_ok());
    }
}
