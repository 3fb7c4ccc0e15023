//! The terminal's keymap: the commands both front ends share, with the keys
//! `postflow_core::controls` gives them (and ↑ ↓ beside k j, which a terminal has to
//! spare), plus the bindings only a terminal needs (paging through the history,
//! scrolling a pane, forms, prompts, the picker). Key handling looks keys up here, and
//! the key bar and the help overlay are drawn from the same bindings, so what the
//! screen says is always what the keys do.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use postflow_core::controls::{self, CONTROLS, Key};

use crate::action::{Pane, UiAction};
use crate::prompt::Edit;

/// Where the keyboard focus is; each context has its own bindings.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Context {
    Main,
    Form,
    Prompt,
    Picker,
    Help,
    Commands,
}

impl Context {
    pub fn title(self) -> &'static str {
        match self {
            Context::Main => "main screen",
            Context::Form => "start form",
            Context::Prompt => "prompts (scan location, terminate or cancel reason, export/import path)",
            Context::Picker => "scenario picker",
            Context::Help => "this help",
            Context::Commands => "the session's cadence commands",
        }
    }
}

pub struct Binding {
    pub context: Context,
    pub keys: Vec<KeyCode>,
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

/// The terminal's own bindings: (context, keys, action, key bar word, help, in the bar).
type Own = (Context, &'static [KeyCode], UiAction, &'static str, &'static str, bool);

const OWN: &[Own] = &[
    (Main, &[PageUp], A::PagePrev, "page", "select ten events up", false),
    (Main, &[PageDown], A::PageNext, "page", "select ten events down", false),
    (Main, &[Char('J')], A::ScrollDown(Pane::Detail), "scroll", "scroll the Why / JSON pane down, when it holds more than it shows", false),
    (Main, &[Char('K')], A::ScrollUp(Pane::Detail), "scroll", "scroll the Why / JSON pane back up", false),
    (Main, &[Char('}')], A::ScrollDown(Pane::Guide), "scroll", "scroll the tour's guide down, when it holds more than it shows", false),
    (Main, &[Char('{')], A::ScrollUp(Pane::Guide), "scroll", "scroll the tour's guide back up", false),
    (Form, &[Enter], A::Submit, "start", "start the order", true),
    (Form, &[Tab, Down], A::NextField, "next field", "next field", true),
    (Form, &[BackTab, Up], A::PrevField, "prev field", "previous field", true),
    // Esc "closes", never "cancels": C asks a workflow to cancel.
    (Form, &[Esc], A::Cancel, "close", "close the form, start nothing", true),
    (Prompt, &[Enter], A::Submit, "ok", "confirm", true),
    (Prompt, &[Esc], A::Cancel, "close", "close, change nothing", true),
    (Picker, &[Enter], A::Submit, "load", "load the scenario, at its first step", true),
    (Picker, &[Up, Char('k')], A::SelectPrev, "up", "previous scenario", true),
    (Picker, &[Down, Char('j')], A::SelectNext, "down", "next scenario", true),
    (Picker, &[Esc, Char('q')], A::Cancel, "close", "close the picker", true),
    (Help, &[Esc, Char('?'), Char('q')], A::Cancel, "close", "close the help", true),
    (Help, &[Up, Char('k')], A::SelectPrev, "up", "scroll up", true),
    (Help, &[Down, Char('j')], A::SelectNext, "down", "scroll down", true),
    (Help, &[PageUp], A::PagePrev, "page up", "scroll a page up", false),
    (Help, &[PageDown], A::PageNext, "page down", "scroll a page down", false),
    (Commands, &[Up, Char('k')], A::SelectPrev, "up", "previous command", true),
    (Commands, &[Down, Char('j')], A::SelectNext, "down", "next command", true),
    (Commands, &[Char('y'), Enter], A::Do(controls::Command::Copy), "copy", "copy the selected command (OSC 52)", true),
    (Commands, &[Esc, Char('o'), Char('q')], A::Cancel, "close", "back to the main screen", true),
];

/// The terminal's own keys for a shared command, shown before the command's shared keys:
/// ↑ and ↓ select an event as k and j do (in a browser the arrows scroll the page, so
/// the shared table leaves them out).
const EXTRA: &[(controls::Command, &[KeyCode])] =
    &[(controls::Command::SelectPrevEvent, &[Up]), (controls::Command::SelectNextEvent, &[Down])];

fn extra(command: controls::Command) -> &'static [KeyCode] {
    EXTRA.iter().find(|e| e.0 == command).map_or(&[], |e| e.1)
}

/// The terminal key of a shared key.
pub fn code(key: Key) -> KeyCode {
    match key {
        Key::Char(c) => Char(c),
        Key::Left => Left,
        Key::Right => Right,
        Key::Home => Home,
        Key::End => End,
    }
}

fn shared(code: KeyCode) -> Option<Key> {
    match code {
        Char(c) => Some(Key::Char(c)),
        Left => Some(Key::Left),
        Right => Some(Key::Right),
        Home => Some(Key::Home),
        End => Some(Key::End),
        _ => None,
    }
}

/// The bindings of a context, in the order the key bar and help show them: on the
/// main screen the shared commands, with the terminal's own keys right after the
/// shared selection's (moving in time, pointing at an event, then paging and scrolling).
pub fn bindings(context: Context) -> Vec<Binding> {
    let own = || {
        OWN.iter().filter(move |b| b.0 == context).map(|&(context, keys, action, name, help, in_bar)| Binding {
            context,
            keys: keys.to_vec(),
            action,
            name,
            help,
            in_bar,
        })
    };
    if context != Main {
        return own().collect();
    }
    let mut out = Vec::new();
    for c in CONTROLS {
        out.push(Binding {
            context: Main,
            keys: extra(c.command).iter().copied().chain(c.keys.iter().map(|k| code(*k))).collect(),
            action: A::Do(c.command),
            name: c.name,
            help: c.help,
            in_bar: c.in_bar,
        });
        if c.command == controls::Command::SelectNextEvent {
            out.extend(own());
        }
    }
    out
}

/// The action a key has in a context. Ctrl-C quits everywhere, so a user stuck in a
/// form can always leave.
pub fn lookup(context: Context, key: KeyEvent) -> Option<UiAction> {
    if key.modifiers.contains(KeyModifiers::CONTROL) {
        return is_ctrl_c(key).then_some(A::Do(controls::Command::Quit));
    }
    if !is_plain(key) {
        return None;
    }
    if context == Main {
        // A key no shared command takes may still be one of the terminal's own (J, K, { }).
        if let Some((shared, command)) = shared(key.code).and_then(|k| Some((k, controls::command_for(k)?))) {
            return match command {
                // One control for the prediction keys: the digit is the choice.
                controls::Command::Predict => controls::prediction_choice(shared).map(A::Predict),
                command => Some(A::Do(command)),
            };
        }
        if let Some(&(command, _)) = EXTRA.iter().find(|e| e.1.contains(&key.code)) {
            return Some(A::Do(command));
        }
    }
    OWN.iter().find(|b| b.0 == context && b.1.contains(&key.code)).map(|b| b.2)
}

/// What a key does to the text of a form field or a prompt, for the keys no binding of
/// the context takes (`lookup` first): ←/→ move by a character, Home/End and the
/// shell's Ctrl-A/Ctrl-E go to the start/end, Backspace and Delete delete before and at
/// the cursor, and a plain character is typed at the cursor. On the main screen
/// ←/→/Home/End move in time instead: they are the text's only where text is typed.
pub fn edit(context: Context, key: KeyEvent) -> Option<Edit> {
    if !matches!(context, Form | Prompt) {
        return None;
    }
    if key.modifiers.contains(KeyModifiers::CONTROL) {
        // Only Ctrl and Shift: Ctrl-Alt-a is not Ctrl-A.
        if !(key.modifiers - KeyModifiers::CONTROL - KeyModifiers::SHIFT).is_empty() {
            return None;
        }
        return match key.code {
            Char('a' | 'A') => Some(Edit::Home),
            Char('e' | 'E') => Some(Edit::End),
            _ => None,
        };
    }
    if !is_plain(key) {
        return None;
    }
    match key.code {
        Char(c) => Some(Edit::Insert(c)),
        code => EDIT_KEYS.iter().find(|(k, ..)| *k == code).map(|(_, e, _)| *e),
    }
}

/// The editing keys of a form field or a prompt, with their lines in the help (the
/// shell's Ctrl-A and Ctrl-E are in `edit`, named in the Home and End lines).
pub const EDIT_KEYS: &[(KeyCode, Edit, &str)] = &[
    (Left, Edit::Left, "move the cursor one character left"),
    (Right, Edit::Right, "move the cursor one character right"),
    (Home, Edit::Home, "to the start of the text (also Ctrl-A)"),
    (End, Edit::End, "to the end of the text (also Ctrl-E)"),
    (Backspace, Edit::Backspace, "delete the character before the cursor"),
    (Delete, Edit::Delete, "delete the character at the cursor"),
];

/// Ctrl-C, which quits every screen (the fleet's too, which has keys of its own).
pub fn is_ctrl_c(key: KeyEvent) -> bool {
    key.modifiers.contains(KeyModifiers::CONTROL) && key.code == Char('c')
}

/// Whether a key is pressed without Ctrl, Alt or a system key (Shift is part of the
/// letter). Chords are the terminal's or the desktop's own, as the page leaves them to
/// the browser: Alt-x is not x, and Ctrl-b types nothing into a form
/// (the shell's Ctrl-A and Ctrl-E are the text's: [`edit`]).
pub fn is_plain(key: KeyEvent) -> bool {
    (key.modifiers - KeyModifiers::SHIFT).is_empty()
}

/// How a key is written on screen.
pub fn key_name(code: KeyCode) -> String {
    match code {
        Char(' ') => "Space".into(),
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

    const CONTEXTS: [Context; 5] = [Main, Form, Prompt, Picker, Help];

    #[test]
    fn no_key_means_two_things_in_one_context() {
        for context in CONTEXTS {
            let all = bindings(context);
            for (i, a) in all.iter().enumerate() {
                for b in &all[i + 1..] {
                    for k in &a.keys {
                        assert!(!b.keys.contains(k), "{k:?} is bound twice in {context:?}");
                    }
                }
            }
        }
    }

    #[test]
    fn typing_in_a_form_never_triggers_a_command() {
        // Forms and prompts take text: a bound letter there would be swallowed.
        for context in [Form, Prompt] {
            for b in bindings(context) {
                assert!(b.keys.iter().all(|k| !matches!(k, Char(_))), "{} binds a letter", b.name);
            }
        }
    }

    #[test]
    fn in_a_form_or_a_prompt_the_arrows_and_home_end_edit_the_text() {
        let plain = |code| KeyEvent::new(code, KeyModifiers::NONE);
        let ctrl = |c| KeyEvent::new(Char(c), KeyModifiers::CONTROL);
        for context in [Form, Prompt] {
            for (key, want) in [
                (plain(Left), Edit::Left),
                (plain(Right), Edit::Right),
                (plain(Home), Edit::Home),
                (plain(End), Edit::End),
                (ctrl('a'), Edit::Home),
                (ctrl('e'), Edit::End),
                (plain(Backspace), Edit::Backspace),
                (plain(Delete), Edit::Delete),
                (plain(Char('ü')), Edit::Insert('ü')),
                (KeyEvent::new(Char('Z'), KeyModifiers::SHIFT), Edit::Insert('Z')),
            ] {
                // No binding of the context takes the key first.
                assert_eq!(lookup(context, key), None, "{context:?} {key:?} is bound");
                assert_eq!(edit(context, key), Some(want), "{context:?} {key:?}");
            }
            assert_eq!(edit(context, KeyEvent::new(Char('x'), KeyModifiers::ALT)), None, "Alt-x types nothing");
            assert_eq!(edit(context, KeyEvent::new(Char('a'), KeyModifiers::CONTROL | KeyModifiers::ALT)), None);
            assert_eq!(edit(context, ctrl('c')), None, "Ctrl-C quits, it is no edit");
            assert_eq!(edit(context, plain(Enter)), None);
            assert_eq!(edit(context, plain(Up)), None);
        }
        // On the main screen the same keys move in time.
        assert_eq!(edit(Main, plain(Left)), None);
        assert_eq!(lookup(Main, plain(Left)), Some(A::Do(controls::Command::Back)));
    }

    #[test]
    fn a_chord_is_not_its_letter() {
        for (modifiers, what) in [(KeyModifiers::ALT, "Alt"), (KeyModifiers::SUPER, "Super"), (KeyModifiers::META, "Meta")] {
            assert_eq!(lookup(Main, KeyEvent::new(Char('x'), modifiers)), None, "{what}-x");
            assert_eq!(lookup(Main, KeyEvent::new(Char('q'), modifiers)), None, "{what}-q");
        }
        // Terminals report a capital letter with Shift held.
        assert_eq!(lookup(Main, KeyEvent::new(Char('G'), KeyModifiers::SHIFT)), Some(A::Do(controls::Command::Guide)));
        assert_eq!(lookup(Form, KeyEvent::new(Char('c'), KeyModifiers::CONTROL)), Some(A::Do(controls::Command::Quit)));
    }

    #[test]
    fn every_shared_command_has_its_shared_keys_here() {
        for c in CONTROLS {
            for k in c.keys {
                let event = KeyEvent::new(code(*k), KeyModifiers::NONE);
                let want = match c.command {
                    controls::Command::Predict => A::Predict(controls::prediction_choice(*k).unwrap()),
                    command => A::Do(command),
                };
                assert_eq!(lookup(Main, event), Some(want), "{k:?}");
            }
        }
    }

    #[test]
    fn the_arrows_select_events_as_the_shared_k_and_j_do() {
        let plain = |code| KeyEvent::new(code, KeyModifiers::NONE);
        let (prev, next) = (A::Do(controls::Command::SelectPrevEvent), A::Do(controls::Command::SelectNextEvent));
        assert_eq!((lookup(Main, plain(Up)), lookup(Main, plain(Char('k')))), (Some(prev), Some(prev)));
        assert_eq!((lookup(Main, plain(Down)), lookup(Main, plain(Char('j')))), (Some(next), Some(next)));
        // One binding each, the terminal's arrow first, and the paging right after.
        let main = bindings(Main);
        let at = main.iter().position(|b| b.action == prev).unwrap();
        let shown: Vec<String> = main[at..at + 3].iter().map(|b| format!("{} {}", keys_text(b), b.name)).collect();
        assert_eq!(shown, ["↑/k event", "↓/j event", "PgUp page"]);
        assert_eq!(main.iter().filter(|b| b.keys.contains(&Up)).count(), 1);
        // Elsewhere the same keys move that screen's own list.
        for context in [Picker, Help, Commands] {
            assert_eq!(lookup(context, plain(Char('k'))), Some(A::SelectPrev), "{context:?}");
            assert_eq!(lookup(context, plain(Down)), Some(A::SelectNext), "{context:?}");
        }
    }

    #[test]
    fn every_key_the_help_lists_does_what_it_says() {
        // The help and the key bar are drawn from these bindings: a key listed there
        // must reach its action, in every context (j and k on the main screen once did not).
        for context in CONTEXTS {
            // The prediction keys are one binding whose digit is the choice (tested above).
            for b in bindings(context).into_iter().filter(|b| b.action != A::Do(controls::Command::Predict)) {
                for k in &b.keys {
                    let modifiers = if *k == BackTab { KeyModifiers::SHIFT } else { KeyModifiers::NONE };
                    assert_eq!(lookup(context, KeyEvent::new(*k, modifiers)), Some(b.action), "{context:?} {k:?}");
                }
            }
        }
    }
}
