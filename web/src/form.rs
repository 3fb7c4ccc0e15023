//! The order form's text fields, turned into the workflow input. Only parsing of what
//! a person typed lives here; whether the workflow accepts the order is the core's call.

use postflow_core::postal::Order;
use postflow_core::session::{Action, DEFAULT_EXECUTION_TIMEOUT};

/// What the order form holds, as typed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OrderForm {
    pub id: String,
    pub customer: String,
    pub amount: String,
    pub address: String,
    pub send_from: String,
}

impl Default for OrderForm {
    /// The workshop's example order.
    fn default() -> OrderForm {
        let o = Order::workshop();
        OrderForm { id: o.id, customer: o.customer, amount: format_amount(o.amount), address: o.address, send_from: o.send_from }
    }
}

fn format_amount(a: f64) -> String {
    if a.fract() == 0.0 { format!("{a:.0}") } else { a.to_string() }
}

/// Parses an amount as typed: a finite, non-negative number.
pub fn parse_amount(text: &str) -> Result<f64, String> {
    let t = text.trim();
    let a: f64 = t.parse().map_err(|_| format!("the amount must be a number, found {t:?}"))?;
    if !a.is_finite() || a < 0.0 {
        return Err(format!("the amount must be zero or more, found {t}"));
    }
    Ok(a)
}

impl OrderForm {
    /// The start action for this order, or why the form is not a valid order.
    pub fn start_action(&self) -> Result<Action, String> {
        let id = self.id.trim();
        if id.is_empty() {
            return Err("the order needs an id (it is the workflow id)".into());
        }
        let order = Order {
            id: id.to_owned(),
            customer: self.customer.clone(),
            amount: parse_amount(&self.amount)?,
            address: self.address.clone(),
            send_from: self.send_from.clone(),
        };
        Ok(Action::Start { workflow_id: order.id.clone(), input: order.to_input_json(), execution_timeout: DEFAULT_EXECUTION_TIMEOUT })
    }
}

/// The `ScanSignal` action for a location, its input JSON-escaped.
pub fn scan_action(location: &str) -> Action {
    let input = serde_json::json!({ "location": location.trim() }).to_string();
    Action::Signal { name: postflow_core::postal::SCAN_SIGNAL.into(), input: Some(input) }
}

pub fn delivered_action() -> Action {
    Action::Signal { name: postflow_core::postal::DELIVERED_SIGNAL.into(), input: None }
}

pub fn query_action() -> Action {
    Action::Query { name: postflow_core::postal::CURRENT_STATUS_QUERY.into() }
}

#[cfg(test)]
mod tests {
    use super::*;
    use postflow_core::session::Session;

    #[test]
    fn the_default_form_is_the_workshop_order() {
        assert_eq!(OrderForm::default().start_action().unwrap(), Session::workshop_start());
    }

    #[test]
    fn bad_amounts_are_refused() {
        for bad in ["", "abc", "-1", "NaN", "inf", "20 EUR"] {
            let form = OrderForm { amount: bad.into(), ..OrderForm::default() };
            assert!(form.start_action().unwrap_err().contains("amount"), "{bad:?}");
        }
        assert_eq!(parse_amount(" 25.5 ").unwrap(), 25.5);
    }

    #[test]
    fn scan_locations_are_escaped() {
        let Action::Signal { input: Some(i), .. } = scan_action(r#"O"Hare "#) else { panic!() };
        assert_eq!(i, r#"{"location":"O\"Hare"}"#);
    }
}
