//! The start form: the workshop order's fields as editable text, turned into a
//! `Start` action. It only checks what the form itself needs (a number where a number
//! goes); what the workflow thinks of the order is the simulation's business, so an
//! empty customer or a large amount go through and fail where they would in Cadence.

use std::time::Duration;

use postflow_core::postal::Order;
use postflow_core::session::{Action, DEFAULT_EXECUTION_TIMEOUT};

pub const LABELS: [&str; 7] = ["Workflow ID", "Order ID", "Customer", "Amount", "Address", "Send from", "Timeout (s)"];
const WORKFLOW_ID: usize = 0;

#[derive(Clone, Debug, PartialEq)]
pub struct StartForm {
    /// One text per label; an empty workflow id means "the order id".
    pub values: [String; 7],
    pub focus: usize,
    /// Why the last submit was refused.
    pub error: Option<String>,
}

impl StartForm {
    /// The workshop order, ready to start.
    pub fn workshop() -> StartForm {
        let o = Order::workshop();
        StartForm {
            values: [
                String::new(),
                o.id,
                o.customer,
                o.amount.to_string(),
                o.address,
                o.send_from,
                DEFAULT_EXECUTION_TIMEOUT.as_secs().to_string(),
            ],
            focus: 1,
            error: None,
        }
    }

    /// What an empty workflow id field stands for.
    pub fn placeholder(&self, field: usize) -> Option<String> {
        (field == WORKFLOW_ID && self.values[WORKFLOW_ID].is_empty()).then(|| format!("(order id: {})", self.values[1]))
    }

    pub fn type_char(&mut self, c: char) {
        self.values[self.focus].push(c);
        self.error = None;
    }

    pub fn backspace(&mut self) {
        self.values[self.focus].pop();
        self.error = None;
    }

    pub fn next_field(&mut self) {
        self.focus = (self.focus + 1) % LABELS.len();
    }

    pub fn prev_field(&mut self) {
        self.focus = (self.focus + LABELS.len() - 1) % LABELS.len();
    }

    /// The start action, or what is wrong with the form.
    pub fn to_action(&self) -> Result<Action, String> {
        let v = &self.values;
        let amount: f64 = v[3].trim().parse().map_err(|_| format!("Amount: {:?} is not a number", v[3]))?;
        if !amount.is_finite() {
            return Err(format!("Amount: {:?} is not a finite number", v[3]));
        }
        let secs: u64 = v[6].trim().parse().map_err(|_| format!("Timeout: {:?} is not a whole number of seconds", v[6]))?;
        if secs == 0 {
            return Err("Timeout: must be at least 1 second".into());
        }
        let order = Order { id: v[1].clone(), customer: v[2].clone(), amount, address: v[4].clone(), send_from: v[5].clone() };
        let workflow_id = if v[WORKFLOW_ID].trim().is_empty() { order.id.clone() } else { v[WORKFLOW_ID].trim().to_owned() };
        if workflow_id.is_empty() {
            return Err("Workflow ID: give one, or an Order ID to default to".into());
        }
        Ok(Action::Start { workflow_id, input: order.to_input_json(), execution_timeout: Duration::from_secs(secs) })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_workshop_form_starts_the_workshop_order() {
        let form = StartForm::workshop();
        assert_eq!(form.to_action().unwrap(), postflow_core::session::Session::workshop_start());
    }

    #[test]
    fn the_workflow_id_follows_the_order_id_until_typed() {
        let mut form = StartForm::workshop();
        form.values[1] = "Order9".into();
        assert!(matches!(form.to_action().unwrap(), Action::Start { workflow_id, .. } if workflow_id == "Order9"));
        form.values[0] = "mine".into();
        assert!(matches!(form.to_action().unwrap(), Action::Start { workflow_id, .. } if workflow_id == "mine"));
    }

    #[test]
    fn a_bad_amount_or_timeout_is_named() {
        let mut form = StartForm::workshop();
        form.values[3] = "twenty".into();
        assert_eq!(form.to_action().unwrap_err(), r#"Amount: "twenty" is not a number"#);
        form.values[3] = "30".into();
        form.values[6] = "10m".into();
        assert!(form.to_action().unwrap_err().starts_with("Timeout:"));
    }
}
