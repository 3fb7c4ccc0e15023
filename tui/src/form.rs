//! The start form: the workshop order's fields as editable text. What a typed order
//! must look like is core's rule (`postflow_core::controls::OrderInput`), the same
//! in the browser; this module only holds the text, the focus and the cursor in the
//! focused field.

use postflow_core::controls::OrderInput;
use postflow_core::session::Action;

use crate::prompt::{Cursor, Edit};

pub const LABELS: [&str; 7] = ["Workflow ID", "Order ID", "Customer", "Amount", "Address", "Send from", "Timeout (s)"];
const WORKFLOW_ID: usize = 0;

#[derive(Clone, Debug, PartialEq)]
pub struct StartForm {
    /// One text per label; an empty workflow id means "the order id".
    pub values: [String; 7],
    pub focus: usize,
    /// Why the last submit was refused.
    pub error: Option<String>,
    /// The cursor in the focused field; a field moved to has it at its end.
    cursor: Cursor,
}

impl StartForm {
    /// The workshop order, ready to start.
    pub fn workshop() -> StartForm {
        let o = OrderInput::default();
        StartForm {
            values: [o.workflow_id, o.id, o.customer, o.amount, o.address, o.send_from, o.timeout],
            focus: 1,
            error: None,
            cursor: Cursor::default(),
        }
    }

    /// The workshop order with `id` as its order ID, and so as its workflow ID (the
    /// workshop's commands give both the same): what `s` offers for a workflow ID the
    /// server does not have, the one the person asked for.
    pub fn workshop_as(id: &str) -> StartForm {
        let mut form = StartForm::workshop();
        form.values[1] = id.to_owned();
        form
    }

    /// What an empty workflow id field stands for.
    pub fn placeholder(&self, field: usize) -> Option<String> {
        (field == WORKFLOW_ID && self.values[WORKFLOW_ID].is_empty()).then(|| format!("(order id: {})", self.values[1]))
    }

    /// Where the cursor is in the focused field: how many characters are before it.
    pub fn cursor(&self) -> usize {
        self.cursor.at(&self.values[self.focus])
    }

    /// A key's edit of the focused field; a change of the text makes the last error stale.
    pub fn edit(&mut self, edit: Edit) {
        if self.cursor.apply(&mut self.values[self.focus], edit) {
            self.error = None;
        }
    }

    /// Text put in the focused field at the cursor (a paste), the cursor after it.
    pub fn insert(&mut self, text: &str) {
        if self.cursor.insert(&mut self.values[self.focus], text) {
            self.error = None;
        }
    }

    pub fn next_field(&mut self) {
        self.focus = (self.focus + 1) % LABELS.len();
        self.cursor = Cursor::default();
    }

    pub fn prev_field(&mut self) {
        self.focus = (self.focus + LABELS.len() - 1) % LABELS.len();
        self.cursor = Cursor::default();
    }

    /// The start action, or what is wrong with the form.
    pub fn to_action(&self) -> Result<Action, String> {
        self.input().start_action()
    }

    /// The same order under the next workflow ID (core's `OrderInput::next`), the
    /// focus kept and no error: it is a new proposal.
    pub fn next_order(&self) -> StartForm {
        let o = self.input().next();
        StartForm {
            values: [o.workflow_id, o.id, o.customer, o.amount, o.address, o.send_from, o.timeout],
            focus: self.focus,
            error: None,
            cursor: Cursor::default(),
        }
    }

    /// The workflow ID a start would use.
    pub fn workflow_id(&self) -> String {
        self.input().effective_workflow_id().to_owned()
    }

    fn input(&self) -> OrderInput {
        let [workflow_id, id, customer, amount, address, send_from, timeout] = self.values.clone();
        OrderInput { workflow_id, id, customer, amount, address, send_from, timeout }
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
    fn the_next_order_keeps_what_was_typed_under_the_next_id() {
        let mut form = StartForm::workshop();
        form.values[2] = "Ada".into();
        form.focus = 4;
        form.error = Some("Order123 is taken".into());
        let next = form.next_order();
        assert_eq!((next.workflow_id().as_str(), next.values[2].as_str(), next.focus), ("Order124", "Ada", 4));
        assert_eq!(next.error, None);
    }

    #[test]
    fn edits_go_to_the_focused_field_at_its_cursor_and_a_new_field_starts_at_its_end() {
        let mut form = StartForm::workshop();
        form.next_field();
        form.values[2] = "Zürch".into();
        assert_eq!(form.cursor(), 5, "a field moved to has the cursor at its end");
        form.edit(Edit::Left);
        form.edit(Edit::Left);
        form.edit(Edit::Insert('i'));
        assert_eq!((form.values[2].as_str(), form.cursor()), ("Zürich", 4));
        form.edit(Edit::Home);
        form.edit(Edit::Delete);
        form.insert("Z");
        assert_eq!(form.values[2], "Zürich");
        form.next_field();
        form.prev_field();
        assert_eq!(form.cursor(), 6, "back in the field, the cursor is at its end again");
        assert_eq!(form.values[1], "Order123", "the other fields are untouched");
    }

    #[test]
    fn a_bad_amount_or_timeout_is_named() {
        let mut form = StartForm::workshop();
        form.values[3] = "twenty".into();
        assert_eq!(form.to_action().unwrap_err(), r#"Amount: "twenty" is not a number (write it like 12.50)"#);
        form.values[3] = "30".into();
        form.values[6] = "10m".into();
        assert!(form.to_action().unwrap_err().starts_with("Timeout:"));
    }
}
