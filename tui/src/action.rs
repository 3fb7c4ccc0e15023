//! What a key can mean. Keys are bound to these through the keymap; the app turns
//! each into a session call or a change of what is on screen.

use postflow_core::controls::Command;

/// A pane whose text can be longer than the pane.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pane {
    /// The one under the history: the selected event's explanation, or its JSON.
    Detail,
    /// The tour's guide.
    Guide,
}

/// One thing the user can ask for, independent of the key that asks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UiAction {
    /// A command both front ends share, with its keys (`postflow_core::controls`).
    Do(Command),
    /// A prediction for the tour's question: the choice the digit key stands for.
    Predict(usize),
    /// Up and down a list: the picker's scenarios, the help, the session's commands;
    /// on the main screen the history's events (k and j there are the shared
    /// `Command::SelectPrevEvent` and `SelectNextEvent`, which end up here).
    SelectPrev,
    SelectNext,
    /// Ten at a time: the history's events, the help's lines.
    PagePrev,
    PageNext,
    /// Scrolling a pane that holds more than it shows, down or back up.
    ScrollDown(Pane),
    ScrollUp(Pane),
    /// Confirm the open form, prompt or picker.
    Submit,
    /// Close the open form, prompt, picker or help without doing anything.
    Cancel,
    NextField,
    PrevField,
}
