//! What a key can mean. Keys are bound to these through the keymap; the app turns
//! each into a session call or a change of what is on screen.

/// One thing the user can ask for, independent of the key that asks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UiAction {
    OpenStartForm,
    OpenScanPrompt,
    Delivered,
    Query,
    Step,
    AdvanceNext,
    Run,
    Back,
    Forward,
    First,
    Last,
    SelectPrev,
    SelectNext,
    PagePrev,
    PageNext,
    ToggleGrouped,
    ToggleAutoRun,
    OpenPicker,
    OpenExport,
    OpenImport,
    ToggleHelp,
    Quit,
    /// Confirm the open form, prompt or picker.
    Submit,
    /// Close the open form, prompt, picker or help without doing anything.
    Cancel,
    NextField,
    PrevField,
}
