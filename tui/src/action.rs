//! What a key can mean. Keys are bound to these through the keymap; the app turns
//! each into a session call or a change of what is on screen.

use postflow_core::controls::Command;

/// One thing the user can ask for, independent of the key that asks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UiAction {
    /// A command both front ends share, with its keys (`postflow_core::controls`).
    Do(Command),
    /// A prediction for the tour's question: the choice the digit key stands for.
    Predict(usize),
    /// History selection: the terminal's own way of pointing at an event.
    SelectPrev,
    SelectNext,
    PagePrev,
    PageNext,
    /// The pane under the history (the selected event's explanation or JSON), when
    /// it holds more than it shows.
    DetailUp,
    DetailDown,
    /// Confirm the open form, prompt or picker.
    Submit,
    /// Close the open form, prompt, picker or help without doing anything.
    Cancel,
    NextField,
    PrevField,
}
