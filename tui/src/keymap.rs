//! The one keymap: which key does what in which context. Key handling looks keys up
//! here, and the key bar and the help overlay are drawn from the same table, so what
//! the screen says is always what the keys do.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::action::UiAction;

/// Where the keyboard focus is; each context has its own bindings.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Context {
    Main,
    Form,
    Prompt,
    Picker,
    Help,
}

impl Context {
    pub fn title(self) -> &'static str {
        match self {
            Context::Main => "main screen",
            Context::Form => "start form",
            Context::Prompt => "prompts (scan location, export/import path)",
            Context::Picker => "scenario picker",
            Context::Help => "this help",
        }
    }
}

pub struct Binding {
    pub context: Context,
    pub keys: &'static [KeyCode],
    pub action: UiAction,
    /// The word in the key bar.
    pub name: &'static str,
    /// The sentence in the help overlay.
    pub help: &'static str,
    /// Shown in the key bar too (the help overlay shows every binding).
    pub in_bar: bool,
}

use Context::*;
use KeyCode::*;
use UiAction as A;

const fn bind(context: Context, keys: &'static [KeyCode], action: UiAction, name: &'static str, help: &'static str) -> Binding {
    Binding { context, keys, action, name, help, in_bar: true }
}

/// A binding listed only in the help overlay, to keep the key bar short.
const fn more(context: Context, keys: &'static [KeyCode], action: UiAction, name: &'static str, help: &'static str) -> Binding {
    Binding { context, keys, action, name, help, in_bar: false }
}

/// Every binding, in the order the key bar and help show them.
pub const KEYMAP: &[Binding] = &[
    bind(Main, &[Char('?')], A::ToggleHelp, "help", "show every key"),
    bind(Main, &[Char('q')], A::Quit, "quit", "quit (ctrl-c quits anywhere)"),
    bind(Main, &[Char('s')], A::OpenStartForm, "start", "start an order from the form (cadence wf start)"),
    bind(Main, &[Char('c')], A::OpenScanPrompt, "scan", "send ScanSignal; asks for the location"),
    bind(Main, &[Char('d')], A::Delivered, "delivered", "send DeliveredSignal"),
    bind(Main, &[Char('a')], A::Query, "query", "ask the current_status query"),
    bind(Main, &[Char('n')], A::Step, "step", "one step of the worker"),
    bind(Main, &[Char('t')], A::AdvanceNext, "timer", "move the clock to the next timer, retry or timeout"),
    bind(Main, &[Char('r')], A::Run, "run", "run the worker until it waits for the clock or a signal"),
    bind(Main, &[Left, Char('h')], A::Back, "back", "one step back in the timeline (every pane shows that moment)"),
    bind(Main, &[Right, Char('l')], A::Forward, "fwd", "one step forward in the timeline"),
    more(Main, &[Home], A::First, "first", "back to before the first action"),
    more(Main, &[End], A::Last, "last", "forward to the end of the timeline"),
    bind(Main, &[Up, Char('k')], A::SelectPrev, "event", "select the previous history event"),
    bind(Main, &[Down, Char('j')], A::SelectNext, "event", "select the next history event"),
    more(Main, &[PageUp], A::PagePrev, "page", "select ten events up"),
    more(Main, &[PageDown], A::PageNext, "page", "select ten events down"),
    bind(Main, &[Char('g')], A::ToggleGrouped, "group", "history: flat or grouped per activity, timer, decision task"),
    bind(Main, &[Char('m')], A::ToggleAutoRun, "auto-run", "let the worker run after each signal, start or clock move"),
    bind(Main, &[Char('p')], A::OpenPicker, "scenarios", "load a built-in scenario and step through it"),
    bind(Main, &[Char('e')], A::OpenExport, "export", "write the history as Cadence JSON to a file"),
    bind(Main, &[Char('i')], A::OpenImport, "import", "read a Cadence history JSON file and step through it"),
    bind(Form, &[Enter], A::Submit, "start", "start the order"),
    bind(Form, &[Tab, Down], A::NextField, "next field", "next field"),
    bind(Form, &[BackTab, Up], A::PrevField, "prev field", "previous field"),
    bind(Form, &[Esc], A::Cancel, "cancel", "close the form, start nothing"),
    bind(Prompt, &[Enter], A::Submit, "ok", "confirm"),
    bind(Prompt, &[Esc], A::Cancel, "cancel", "close, change nothing"),
    bind(Picker, &[Enter], A::Submit, "load", "load the scenario, at its first step"),
    bind(Picker, &[Up, Char('k')], A::SelectPrev, "up", "previous scenario"),
    bind(Picker, &[Down, Char('j')], A::SelectNext, "down", "next scenario"),
    bind(Picker, &[Esc, Char('q')], A::Cancel, "cancel", "close the picker"),
    bind(Help, &[Esc, Char('?'), Char('q')], A::Cancel, "close", "close the help"),
];

/// The action a key has in a context. Ctrl-C quits everywhere, so a user stuck in a
/// form can always leave.
pub fn lookup(context: Context, key: KeyEvent) -> Option<UiAction> {
    if key.modifiers.contains(KeyModifiers::CONTROL) {
        return (key.code == Char('c')).then_some(A::Quit);
    }
    KEYMAP.iter().find(|b| b.context == context && b.keys.contains(&key.code)).map(|b| b.action)
}

/// The bindings of a context, in keymap order.
pub fn bindings(context: Context) -> impl Iterator<Item = &'static Binding> {
    KEYMAP.iter().filter(move |b| b.context == context)
}

/// How a key is written on screen.
pub fn key_name(code: KeyCode) -> String {
    match code {
        Char(c) => c.to_string(),
        Left => "←".into(),
        Right => "→".into(),
        Up => "↑".into(),
        Down => "↓".into(),
        Home => "Home".into(),
        End => "End".into(),
        PageUp => "PgUp".into(),
        PageDown => "PgDn".into(),
        Enter => "Enter".into(),
        Esc => "Esc".into(),
        Tab => "Tab".into(),
        BackTab => "S-Tab".into(),
        other => format!("{other:?}"),
    }
}

/// All keys of a binding: "←/h".
pub fn keys_text(b: &Binding) -> String {
    b.keys.iter().map(|k| key_name(*k)).collect::<Vec<_>>().join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_key_means_two_things_in_one_context() {
        for (i, a) in KEYMAP.iter().enumerate() {
            for b in &KEYMAP[i + 1..] {
                if a.context == b.context {
                    for k in a.keys {
                        assert!(!b.keys.contains(k), "{k:?} is bound twice in {:?}", a.context);
                    }
                }
            }
        }
    }

    #[test]
    fn typing_in_a_form_never_triggers_a_command() {
        // Forms and prompts take text: a bound letter there would be swallowed.
        for b in KEYMAP.iter().filter(|b| matches!(b.context, Form | Prompt)) {
            assert!(b.keys.iter().all(|k| !matches!(k, Char(_))), "{} binds a letter", b.name);
        }
    }
}
