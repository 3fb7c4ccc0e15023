//! The controls both front ends offer, defined once: every command a person can give,
//! its keys, its name in a key bar and its line in a help screen, when it makes sense
//! (and why not, when it does not), and the rules for what a person types. The
//! terminal app and the web playground only translate their own key events and
//! clicks into these commands, so a key does the same thing in both, and the same
//! input is accepted or refused with the same words.

use std::time::Duration;

use crate::engine::limits::{ID_LENGTH_LIMIT, too_long};
use crate::postal::{CURRENT_STATUS_QUERY, DELIVERED_SIGNAL, Order, SCAN_SIGNAL};
use crate::session::{Action, PlayMode, Session};

/// One thing a person can ask for, whatever the key or button.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Command {
    Help,
    Quit,
    /// Start an order (the form's order): `cadence wf start`.
    Start,
    /// Send ScanSignal with a location.
    Scan,
    Delivered,
    /// Close the workflow without asking its code: `cadence wf terminate`.
    Terminate,
    /// Ask the workflow's code to stop, which decides what it does: `cadence wf cancel`.
    Cancel,
    Query,
    /// One step of the worker.
    Step,
    /// Move the clock to the next timer, retry or timeout.
    NextTimer,
    /// Let the worker run until it waits for the clock or a signal.
    Run,
    Back,
    Forward,
    First,
    Last,
    /// Point at the history event before the selected one (with none selected, as on a
    /// page at first, the newest): the explanation and the JSON follow the selection.
    SelectPrevEvent,
    /// Point at the history event after the selected one.
    SelectNextEvent,
    ToggleGrouped,
    ToggleAutoRun,
    Scenarios,
    Export,
    Import,
    /// Every `cadence` command of the session, in full.
    Commands,
    /// Copy the shown `cadence` command to the clipboard.
    Copy,
    /// Put back the later steps an action in the middle of the timeline replaced.
    Undo,
    /// Explain the selected event (cause, meaning, related events), or show its JSON.
    Explain,
    /// Show or hide the guided tour.
    Guide,
    TourNext,
    TourBack,
    /// A fresh session running the tour chapter's workflow code.
    TourChapter,
    /// A prediction for the tour step's question: the key's digit is the choice.
    Predict,
    /// Play the timeline one step at a time; again pauses.
    Play,
    /// Live time: the clock runs at a multiple of real time.
    Live,
    Faster,
    Slower,
}

/// A key, as both front ends can name it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Key {
    Char(char),
    Left,
    Right,
    Home,
    End,
}

impl Key {
    /// A browser `KeyboardEvent.key` value.
    pub fn from_dom(key: &str) -> Option<Key> {
        match key {
            "ArrowLeft" => Some(Key::Left),
            "ArrowRight" => Some(Key::Right),
            "Home" => Some(Key::Home),
            "End" => Some(Key::End),
            k => {
                let mut chars = k.chars();
                match (chars.next(), chars.next()) {
                    (Some(c), None) => Some(Key::Char(c)),
                    _ => None,
                }
            }
        }
    }

    /// How the key is written on screen.
    pub fn label(self) -> String {
        match self {
            Key::Char(' ') => "Space".into(),
            Key::Char(c) => c.to_string(),
            Key::Left => "←".into(),
            Key::Right => "→".into(),
            Key::Home => "Home".into(),
            Key::End => "End".into(),
        }
    }
}

/// One line of the table.
#[derive(Debug)]
pub struct Control {
    pub command: Command,
    pub keys: &'static [Key],
    /// The word in a key bar or on a button.
    pub name: &'static str,
    /// The sentence in a help screen or a tooltip.
    pub help: &'static str,
    /// Shown in a key bar (the help shows every control).
    pub in_bar: bool,
}

use Command as C;
use Key::*;

const fn bar(command: Command, keys: &'static [Key], name: &'static str, help: &'static str) -> Control {
    Control { command, keys, name, help, in_bar: true }
}

const fn more(command: Command, keys: &'static [Key], name: &'static str, help: &'static str) -> Control {
    Control { command, keys, name, help, in_bar: false }
}

/// Every control, in the order key bars and help screens list them.
pub const CONTROLS: &[Control] = &[
    bar(C::Help, &[Char('?')], "help", "show every key"),
    // Second: the tour is where a newcomer starts, and a narrow key bar keeps its start.
    bar(C::Guide, &[Char('G')], "tour", "the guided tour: the chapter, the step to do, a prediction"),
    bar(C::Quit, &[Char('q')], "quit", "quit (ctrl-c quits anywhere)"),
    bar(C::Start, &[Char('s')], "start", "start an order (cadence wf start)"),
    bar(C::Scan, &[Char('c')], "scan", "send ScanSignal with a location"),
    bar(C::Delivered, &[Char('d')], "delivered", "send DeliveredSignal"),
    bar(C::Query, &[Char('a')], "query", "ask the current_status query"),
    more(C::Terminate, &[Char('X')], "terminate", "close the workflow at once, its code not asked (cadence wf terminate)"),
    more(C::Cancel, &[Char('C')], "cancel", "ask the code to stop; it decides and may go on (cadence wf cancel)"),
    bar(C::Step, &[Char('n')], "step", "one step of the worker"),
    bar(C::NextTimer, &[Char('t')], "timer", "move the clock to the next timer, retry or timeout"),
    bar(C::Run, &[Char('r')], "run", "run the worker until it waits for the clock or a signal"),
    bar(C::Back, &[Left, Char('h')], "back", "one step back in the timeline (everything shows that moment)"),
    bar(C::Forward, &[Right, Char('l')], "fwd", "one step forward in the timeline"),
    more(C::First, &[Home], "first", "back to before the first action"),
    more(C::Last, &[End], "last", "forward to the end of the timeline"),
    // Moving in time, then pointing at an event of that moment. A terminal adds ↑ and ↓
    // (on a page the arrows scroll it).
    bar(C::SelectPrevEvent, &[Char('k')], "event", "select the previous history event"),
    bar(C::SelectNextEvent, &[Char('j')], "event", "select the next history event"),
    bar(C::ToggleGrouped, &[Char('g')], "group", "history: flat, or grouped per activity, timer and decision task"),
    bar(C::ToggleAutoRun, &[Char('m')], "auto-run", "let the worker run after each signal, start or clock move"),
    bar(C::Scenarios, &[Char('p')], "scenarios", "load a built-in scenario and step through it"),
    bar(C::Export, &[Char('e')], "export", "save the history JSON (API or CLI form) or a replay script"),
    bar(C::Import, &[Char('i')], "import", "read a Cadence history JSON and step through it"),
    bar(C::Commands, &[Char('o')], "commands", "every cadence command of the session, in full, to copy"),
    bar(C::Copy, &[Char('y')], "copy", "copy the last cadence command to the clipboard"),
    bar(C::Undo, &[Char('u')], "undo", "put back the steps or the session the last action replaced"),
    bar(C::Explain, &[Char('x')], "why", "explain the selected event, related ones marked; again: its JSON"),
    more(C::TourNext, &[Char(']')], "tour next", "tour: skip to the next step (the tour never insists)"),
    more(C::TourBack, &[Char('[')], "tour back", "tour: back to the previous step"),
    more(C::TourChapter, &[Char('T')], "chapter", "tour: a fresh session running the chapter's workflow code"),
    more(C::Predict, &[Char('1'), Char('2'), Char('3'), Char('4')], "predict", "tour: predict choice 1 to 4 before doing the step"),
    bar(C::Play, &[Char(' ')], "play", "play a step at a time (worker, clock to timers); again pauses"),
    bar(C::Live, &[Char('L')], "live", "live: the clock runs at a multiple of real time, the worker polls"),
    more(C::Faster, &[Char('+'), Char('=')], "faster", "play faster, or a larger multiple of real time when live"),
    more(C::Slower, &[Char('-')], "slower", "play slower, or a smaller multiple of real time when live"),
];

/// The choice a prediction key stands for: `1` is the first (0).
pub fn prediction_choice(key: Key) -> Option<usize> {
    match key {
        Key::Char(d @ '1'..='9') => Some(d as usize - '1' as usize),
        _ => None,
    }
}

/// The control of a command.
pub fn control(command: Command) -> &'static Control {
    CONTROLS.iter().find(|c| c.command == command).expect("every command is in the table")
}

/// The command a key gives.
pub fn command_for(key: Key) -> Option<Command> {
    CONTROLS.iter().find(|c| c.keys.contains(&key)).map(|c| c.command)
}

/// "←/h": all keys of a command, as written on screen.
pub fn keys_label(command: Command) -> String {
    control(command).keys.iter().map(|k| k.label()).collect::<Vec<_>>().join("/")
}

/// What both front ends say of a key (`key` as written on screen) bound to nothing.
pub fn unbound_key(key: &str) -> String {
    format!("{key} does nothing here: {} lists every key", keys_label(Command::Help))
}

/// Whether a command makes sense now, and if not, why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Availability {
    Available,
    Unavailable(String),
}

impl Availability {
    pub fn is_available(&self) -> bool {
        *self == Availability::Available
    }

    fn when(ok: bool, why: impl FnOnce() -> String) -> Availability {
        if ok { Availability::Available } else { Availability::Unavailable(why()) }
    }
}

/// Why no event can be selected: the history at the cursor has none (before the start,
/// or back at step 0). The terminal's PgUp and PgDn, which select ten events at a time,
/// say the same.
pub const NOTHING_TO_SELECT: &str = "no events at this moment: nothing to select";

/// Whether `command` makes sense for the session as it stands at its cursor.
pub fn availability(command: Command, s: &Session) -> Availability {
    let imported = s.is_imported();
    let started = s.workflow_id().is_some() && !imported;
    let running = started && s.status_line().run_state.starts_with("running");
    let asked = if command == C::Cancel { cancel_requested(s) } else { None };
    let not_running = || -> String {
        if imported {
            "an imported history is read-only: step through it with ← and →".into()
        } else if !started && s.cursor() < s.timeline().len() {
            // A scenario at its start: its steps are ahead, and a start here would replace them.
            format!("no workflow yet at step {}: → steps forward ({} steps ahead)", s.cursor(), s.timeline().len() - s.cursor())
        } else if !started {
            "no workflow yet: start an order first (s)".into()
        } else {
            format!("the workflow has {}: nothing runs any more", closed_word(s))
        }
    };
    match command {
        C::Help | C::Quit | C::Start | C::Scenarios | C::Import => Availability::Available,
        // The tour decides about its own steps and predictions, and says why not.
        C::Explain | C::Guide | C::TourNext | C::TourBack | C::TourChapter | C::Predict => Availability::Available,
        C::Faster | C::Slower => Availability::Available,
        C::Play => Availability::when(running || s.cursor() < s.timeline().len(), || {
            if imported { "played to the end of the history".into() } else { not_running() }
        }),
        // Live time moves a running workflow's clock: with none started (an empty page, a
        // scenario at its start) it would show "live" and do nothing. (`running` is never
        // true of an imported history.)
        C::Live => Availability::when(running, || if imported { "an imported history has no live time".into() } else { not_running() }),
        // A workflow is asked to cancel once: the server refuses a second request.
        C::Cancel if running && asked.is_some() => Availability::Unavailable(format!(
            "cancellation already requested for this workflow execution (event {}): its code was asked, and decides",
            asked.unwrap_or_default()
        )),
        C::Scan | C::Delivered | C::Terminate | C::Cancel => Availability::when(running, || {
            if started {
                let (refuses, says) = match command {
                    C::Terminate => ("to terminate", ""),
                    // With the server's words, by which the refusal's explanation is found.
                    C::Cancel => ("to cancel", " (workflow execution already completed)"),
                    _ => ("signals to", ""),
                };
                format!(
                    "the workflow has {}: Cadence refuses {refuses} a closed workflow{says}; {} starts a new order",
                    closed_word(s),
                    keys_label(C::Start)
                )
            } else {
                not_running()
            }
        }),
        C::Query => Availability::when(started, not_running),
        C::Step | C::Run => Availability::when(running && s.engine().has_step(), || {
            if running { "the worker waits for the clock or a signal (t moves the clock)".into() } else { not_running() }
        }),
        C::NextTimer => Availability::when(running && s.engine().next_due().is_some(), || {
            if running { "nothing is scheduled: no timer, retry or timeout is pending".into() } else { not_running() }
        }),
        C::Back | C::First => Availability::when(s.cursor() > 0, || "already at the start of the timeline".into()),
        C::Forward | C::Last => Availability::when(s.cursor() < s.timeline().len(), || "already at the end of the timeline".into()),
        C::SelectPrevEvent | C::SelectNextEvent => Availability::when(!s.history().is_empty(), || NOTHING_TO_SELECT.into()),
        C::ToggleGrouped | C::Export => Availability::when(!s.history().is_empty(), || "the history is empty".into()),
        C::ToggleAutoRun => Availability::when(!imported, || "an imported history is read-only".into()),
        C::Undo => Availability::when(s.replaced_note().is_some(), || "nothing to undo: the last action replaced no steps".into()),
        C::Commands | C::Copy => Availability::when(crate::session::script::last_command(s).is_some(), || {
            if imported { "an imported history has no commands".into() } else { "no cadence command yet: start an order first (s)".into() }
        }),
    }
}

/// The `WorkflowExecutionCancelRequested` event at the cursor, if someone asked the
/// workflow to cancel.
fn cancel_requested(s: &Session) -> Option<i64> {
    s.history()
        .iter()
        .find(|e| matches!(e.attributes, crate::history::EventAttributes::WorkflowExecutionCancelRequested(_)))
        .map(|e| e.event_id)
}

/// What a front end holds beside the session that changes what makes sense now.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FrontState {
    /// What the player does: play or live time that is on can always be turned off,
    /// even where turning it on would make no sense (live time kept on while a
    /// scenario loads would otherwise be stuck on, its key refused).
    pub play: PlayMode,
    /// The session the tour's chapter replaced is kept, and undo brings it back.
    pub session_kept: bool,
}

/// What a front end says while it keeps the session a new one replaced (a start, the
/// tour's chapter, a scenario, an import; in the page also a fleet's package or a
/// pasted link), until the next action.
pub const SESSION_KEPT_NOTE: &str = "a new session replaced yours; undo puts it back";

/// [`availability`], knowing what the front end holds beside the session.
pub fn availability_in(command: Command, s: &Session, front: FrontState) -> Availability {
    match (command, front.play) {
        (C::Live, PlayMode::Live) | (C::Play, PlayMode::Play) => Availability::Available,
        (C::Undo, _) if front.session_kept => Availability::Available,
        _ => availability(command, s),
    }
}

/// How a closed workflow closed, in words after "has": "completed", "timed out", "been
/// canceled".
pub(crate) fn closed_word(s: &Session) -> String {
    match s.state_words() {
        w @ ("terminated" | "canceled") => format!("been {w}"),
        w => w.to_owned(),
    }
}

/// The fields of the start form, as typed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OrderInput {
    /// Empty: the order id is the workflow id.
    pub workflow_id: String,
    pub id: String,
    pub customer: String,
    pub amount: String,
    pub address: String,
    pub send_from: String,
    /// The execution timeout in whole seconds.
    pub timeout: String,
}

/// Cadence keeps timeouts in int32 seconds: a longer one is refused by a real server.
pub const MAX_TIMEOUT_SECS: u64 = i32::MAX as u64;

impl Default for OrderInput {
    /// The workshop's example order.
    fn default() -> OrderInput {
        let o = Order::workshop();
        OrderInput {
            workflow_id: String::new(),
            id: o.id,
            customer: o.customer,
            amount: format_amount(o.amount),
            address: o.address,
            send_from: o.send_from,
            timeout: crate::session::DEFAULT_EXECUTION_TIMEOUT.as_secs().to_string(),
        }
    }
}

fn format_amount(a: f64) -> String {
    if a.fract() == 0.0 { format!("{a:.0}") } else { a.to_string() }
}

/// What a person typed, quoted for an error message: long input is cut (a message
/// must fit on a screen; the field still holds it all).
pub fn shown(typed: &str) -> String {
    const MAX: usize = 40;
    if typed.chars().count() <= MAX {
        return format!("{typed:?}");
    }
    let head: String = typed.chars().take(MAX).collect();
    format!("{head:?}… ({} characters)", typed.chars().count())
}

/// An amount as typed: a finite number, zero or more.
pub fn parse_amount(text: &str) -> Result<f64, String> {
    let t = text.trim();
    if t.is_empty() {
        return Err("Amount: empty; give a number, such as 20 or 12.50".into());
    }
    // A decimal comma is the likeliest slip: say how the number is written.
    let not_a_number = || format!("Amount: {} is not a number (write it like 12.50)", shown(t));
    let a: f64 = t.parse().map_err(|_| not_a_number())?;
    // Rust's parser takes "NaN", which no payment service would.
    if a.is_nan() {
        return Err(not_a_number());
    }
    if a.is_infinite() {
        return Err(format!("Amount: {} is too large to be a number a payment service would take", shown(t)));
    }
    if a < 0.0 {
        return Err(format!("Amount: {} is negative; an order's amount is zero or more", shown(t)));
    }
    Ok(a)
}

/// An execution timeout as typed: whole seconds, at least 1, at most what Cadence stores.
pub fn parse_timeout(text: &str) -> Result<Duration, String> {
    let t = text.trim();
    let too_long =
        |secs: &dyn std::fmt::Display| format!("Timeout: {secs} s is more than Cadence accepts ({MAX_TIMEOUT_SECS} s, about 68 years)");
    let secs: u64 = t.parse().map_err(|e: std::num::ParseIntError| match e.kind() {
        std::num::IntErrorKind::PosOverflow => too_long(&shown(t)),
        _ => format!("Timeout: {} is not a whole number of seconds", shown(t)),
    })?;
    if secs == 0 {
        return Err("Timeout: must be at least 1 second".into());
    }
    if secs > MAX_TIMEOUT_SECS {
        return Err(too_long(&secs));
    }
    Ok(Duration::from_secs(secs))
}

impl OrderInput {
    /// The workflow ID a start would use: the typed one, or the order id.
    pub fn effective_workflow_id(&self) -> &str {
        let typed = self.workflow_id.trim();
        if typed.is_empty() { self.id.trim() } else { typed }
    }

    /// The same order under the next workflow ID (`Order123` → `Order124`), for a
    /// server where the last one is taken: Cadence keeps a closed workflow's ID, and
    /// its default reuse policy refuses a second start of one that completed. The
    /// typed workflow ID moves on if there is one, else the order ID it stands for.
    pub fn next(&self) -> OrderInput {
        let mut next = self.clone();
        if self.workflow_id.trim().is_empty() {
            next.id = next_id(self.id.trim());
        } else {
            next.workflow_id = next_id(self.workflow_id.trim());
        }
        next
    }

    /// The start action for this order, or what is wrong with the form. Only the
    /// form's own rules: whether the workflow likes the order (an empty customer, a
    /// large amount) is the workflow's business, as in Cadence.
    pub fn start_action(&self) -> Result<Action, String> {
        let amount = parse_amount(&self.amount)?;
        let execution_timeout = parse_timeout(&self.timeout)?;
        let workflow_id = self.effective_workflow_id();
        if workflow_id.is_empty() {
            // Said without the terminal's Workflow ID field: the page has none.
            return Err("Order ID: give one (the workflow takes it as its ID)".into());
        }
        // Cadence counts bytes (Go's len), so a name in another script reaches the limit sooner.
        if let Some(bytes) = too_long(workflow_id) {
            return Err(format!("Workflow ID: {bytes} bytes in UTF-8; Cadence takes at most {ID_LENGTH_LIMIT}"));
        }
        let order = Order {
            id: self.id.trim().to_owned(),
            customer: self.customer.clone(),
            amount,
            address: self.address.clone(),
            send_from: self.send_from.clone(),
        };
        Ok(Action::Start { workflow_id: workflow_id.to_owned(), input: order.to_input_json(), execution_timeout })
    }
}

/// The ScanSignal for a location as typed.
pub fn scan_action(location: &str) -> Result<Action, String> {
    let location = location.trim();
    if location.is_empty() {
        return Err("type the location where the package was scanned".into());
    }
    Ok(Action::Signal { name: SCAN_SIGNAL.into(), input: Some(serde_json::json!({ "location": location }).to_string()) })
}

pub fn delivered_action() -> Action {
    Action::Signal { name: DELIVERED_SIGNAL.into(), input: None }
}

/// `cadence wf terminate` with the reason as typed; a reason is optional, as on the CLI.
pub fn terminate_action(reason: &str) -> Action {
    Action::Terminate { reason: reason.trim().to_owned() }
}

/// `cadence wf cancel` with the reason as typed (the request's cause); optional, as on the CLI.
pub fn cancel_action(reason: &str) -> Action {
    Action::Cancel { reason: reason.trim().to_owned() }
}

pub fn query_action() -> Action {
    Action::Query { name: CURRENT_STATUS_QUERY.into() }
}

/// What a session can be exported as, with the same file names in both front ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExportKind {
    /// The history as Cadence's HTTP API returns it (`GetWorkflowExecutionHistory`).
    History,
    /// The history as `cadence wf show --output_filename` writes it: what the Go
    /// client's replayer (`ReplayWorkflowHistoryFromJSONFile`) reads.
    CliHistory,
    /// A shell script of `cadence` commands that replays the session on a real server.
    Script,
}

impl ExportKind {
    pub const ALL: [ExportKind; 3] = [ExportKind::History, ExportKind::CliHistory, ExportKind::Script];

    /// On a button or in a prompt.
    pub fn label(self) -> &'static str {
        match self {
            ExportKind::History => "history JSON (HTTP API form)",
            ExportKind::CliHistory => "history JSON (cadence wf show form, for the Go replayer)",
            ExportKind::Script => "shell script of the cadence commands",
        }
    }

    fn suffix(self) -> &'static str {
        match self {
            ExportKind::History => ".history.json",
            ExportKind::CliHistory => ".cli-history.json",
            ExportKind::Script => ".replay.sh",
        }
    }

    pub fn file_name(self, s: &Session) -> String {
        format!("{}{}", file_stem(s.workflow_id().unwrap_or("imported")), self.suffix())
    }

    /// The kind a typed file name asks for: `.sh` a script, `.cli-history.json` the
    /// CLI's form, anything else the HTTP API's JSON.
    pub fn for_path(path: &str) -> ExportKind {
        if path.ends_with(".sh") {
            ExportKind::Script
        } else if path.ends_with(ExportKind::CliHistory.suffix()) {
            ExportKind::CliHistory
        } else {
            ExportKind::History
        }
    }

    pub fn media_type(self) -> &'static str {
        match self {
            ExportKind::Script => "text/x-shellscript",
            _ => "application/json",
        }
    }

    pub fn contents(self, s: &Session) -> String {
        match self {
            ExportKind::History => s.history_json(),
            ExportKind::CliHistory => s.history_cli_json(),
            ExportKind::Script => s.replay_script(),
        }
    }

    /// "42 events" or "5 commands": what an export message says was written.
    pub fn what(self, s: &Session) -> String {
        match self {
            ExportKind::Script => crate::count::many(crate::session::script::commands(s).len() as u64, "command"),
            _ => crate::count::many(s.history().len() as u64, "event"),
        }
    }
}

/// A workflow ID made safe as a file name: no path separators, no control characters.
fn file_stem(id: &str) -> String {
    let stem: String = id.chars().map(|c| if c.is_alphanumeric() || "-_.".contains(c) { c } else { '_' }).take(100).collect();
    if stem.is_empty() || stem.starts_with('.') { format!("workflow{stem}") } else { stem }
}

/// The ID after `id`: its trailing number plus one, as wide as it was
/// (`Order009` → `Order010`), or `2` appended when it ends in no digit.
fn next_id(id: &str) -> String {
    let stem = id.trim_end_matches(|c: char| c.is_ascii_digit());
    let digits = &id[stem.len()..];
    if digits.is_empty() {
        return format!("{id}2");
    }
    // Adding one by hand carries through any number of digits, where a u64 would overflow.
    let mut out: Vec<u8> = digits.bytes().collect();
    let mut i = out.len();
    loop {
        if i == 0 {
            out.insert(0, b'1');
            break;
        }
        i -= 1;
        if out[i] == b'9' {
            out[i] = b'0';
        } else {
            out[i] += 1;
            break;
        }
    }
    format!("{stem}{}", String::from_utf8(out).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::SessionConfig;

    #[test]
    fn the_next_order_moves_the_id_the_workflow_id_comes_from() {
        assert_eq!(next_id("Order123"), "Order124");
        assert_eq!(next_id("Order009"), "Order010");
        assert_eq!(next_id("Order99"), "Order100");
        assert_eq!(next_id("Order"), "Order2");
        assert_eq!(next_id("99999999999999999999999"), "100000000000000000000000");
        let o = OrderInput::default();
        let next = o.next();
        assert_eq!((next.id.as_str(), next.workflow_id.as_str(), next.customer.as_str()), ("Order124", "", o.customer.as_str()));
        let typed = OrderInput { workflow_id: "pkg-7".into(), ..OrderInput::default() }.next();
        assert_eq!((typed.id.as_str(), typed.workflow_id.as_str()), ("Order123", "pkg-8"));
    }

    #[test]
    fn no_key_means_two_things() {
        for (i, a) in CONTROLS.iter().enumerate() {
            for b in &CONTROLS[i + 1..] {
                for k in a.keys {
                    assert!(!b.keys.contains(k), "{k:?} is bound to {:?} and {:?}", a.command, b.command);
                }
                assert_ne!(a.command, b.command, "{:?} is in the table twice", a.command);
            }
        }
    }

    #[test]
    fn keys_and_browser_names_agree() {
        assert_eq!(Key::from_dom("ArrowLeft").and_then(command_for), Some(C::Back));
        assert_eq!(Key::from_dom("s").and_then(command_for), Some(C::Start));
        assert_eq!(Key::from_dom("Enter"), None);
        assert_eq!(keys_label(C::Back), "←/h");
        assert_eq!(Key::from_dom(" ").and_then(command_for), Some(C::Play));
        assert_eq!(keys_label(C::Play), "Space");
        assert_eq!(Key::from_dom("3").and_then(command_for), Some(C::Predict));
        assert_eq!(Key::from_dom("3").and_then(prediction_choice), Some(2));
    }

    #[test]
    fn the_key_bar_follows_the_workflow() {
        let mut s = Session::new(SessionConfig::default());
        assert!(!availability(C::Scan, &s).is_available());
        assert!(availability(C::Start, &s).is_available());
        s.perform(Session::workshop_start()).unwrap();
        assert!(availability(C::Scan, &s).is_available());
        assert!(availability(C::NextTimer, &s).is_available(), "the payment retry is due");
        assert_eq!(
            availability(C::Step, &s),
            Availability::Unavailable("the worker waits for the clock or a signal (t moves the clock)".into())
        );
        for a in [Action::AdvanceNext, Action::AdvanceNext, delivered_action()] {
            s.perform(a).unwrap();
        }
        for c in [C::Scan, C::Delivered, C::Step, C::Run, C::NextTimer] {
            let Availability::Unavailable(why) = availability(c, &s) else { panic!("{c:?} offered after completion") };
            assert!(why.contains("completed"), "{c:?}: {why}");
        }
        assert!(availability(C::Query, &s).is_available(), "a closed workflow still answers queries");
    }

    #[test]
    fn a_cancel_is_asked_once_of_a_running_workflow_in_the_servers_words() {
        let mut s = Session::new(SessionConfig::default());
        let Availability::Unavailable(why) = availability(C::Cancel, &s) else { panic!("a cancel before the start") };
        assert_eq!(why, "no workflow yet: start an order first (s)");
        s.auto_run = false;
        for a in [Session::workshop_start(), Action::Run] {
            s.perform(a).unwrap();
        }
        assert_eq!(availability(C::Cancel, &s), Availability::Available);
        assert_eq!(command_for(Key::Char('C')), Some(C::Cancel));
        s.perform(cancel_action("  order withdrawn ")).unwrap();
        assert_eq!(s.last_entry().map(|e| e.action.label()).as_deref(), Some("cancel: order withdrawn"), "the reason as typed, trimmed");
        // Recorded, and the workflow still runs (until its code decides): a second is refused as the engine would.
        let Availability::Unavailable(why) = availability(C::Cancel, &s) else { panic!("a second cancel offered") };
        let engine_says = s.perform(cancel_action("")).unwrap_err();
        let words = "cancellation already requested for this workflow execution";
        assert!(why.starts_with(words) && engine_says.starts_with(words), "{why} / {engine_says}");
        assert!(why.contains("(event 6)"), "{why}");
        assert!(availability(C::Terminate, &s).is_available(), "a terminate still closes it");
        // Back before the request, it can be asked again (and would replace what followed).
        s.seek(2);
        assert!(availability(C::Cancel, &s).is_available());
        s.seek(s.timeline().len());
        s.perform(Action::Run).unwrap();
        assert_eq!(s.outcome().as_deref(), Some("canceled: validate payment for order: CanceledError"));
        let Availability::Unavailable(why) = availability(C::Cancel, &s) else { panic!("a cancel of a closed workflow") };
        assert_eq!(
            why,
            "the workflow has been canceled: Cadence refuses to cancel a closed workflow (workflow execution already completed); s \
             starts a new order"
        );
        assert!(crate::workshop::explain_refusal(&why).is_some(), "the Why pane explains it");
        assert_eq!(cancel_action(" ").label(), "cancel", "no reason: none, as on the CLI");
    }

    #[test]
    fn live_time_needs_a_running_workflow_and_always_turns_off() {
        let mut s = Session::new(SessionConfig::default());
        assert_eq!(availability(C::Live, &s), Availability::Unavailable("no workflow yet: start an order first (s)".into()));
        let front = |play| FrontState { play, session_kept: false };
        assert!(availability_in(C::Live, &s, front(PlayMode::Live)).is_available(), "live time that is on turns off");
        assert!(!availability_in(C::Live, &s, front(PlayMode::Paused)).is_available());
        assert!(!availability_in(C::Undo, &s, front(PlayMode::Paused)).is_available());
        let kept = FrontState { play: PlayMode::Paused, session_kept: true };
        assert!(availability_in(C::Undo, &s, kept).is_available(), "a kept session can be put back");
        s.perform(Session::workshop_start()).unwrap();
        assert!(availability(C::Live, &s).is_available());
        for a in [Action::AdvanceNext, Action::AdvanceNext, delivered_action()] {
            s.perform(a).unwrap();
        }
        let Availability::Unavailable(why) = availability(C::Live, &s) else { panic!("live time after completion") };
        assert!(why.contains("completed"), "{why}");
    }

    #[test]
    fn the_form_refuses_what_a_server_would_and_names_the_field() {
        let ok = OrderInput::default();
        assert_eq!(ok.start_action().unwrap(), Session::workshop_start());
        let with = |f: fn(&mut OrderInput)| {
            let mut i = OrderInput::default();
            f(&mut i);
            i.start_action().unwrap_err()
        };
        assert_eq!(with(|i| i.amount = "twenty".into()), r#"Amount: "twenty" is not a number (write it like 12.50)"#);
        assert!(with(|i| i.amount = "-1".into()).contains("negative"));
        assert!(with(|i| i.amount = "1e309".into()).contains("too large"));
        assert_eq!(with(|i| i.amount = "NaN".into()), r#"Amount: "NaN" is not a number (write it like 12.50)"#);
        assert_eq!(with(|i| i.amount = " ".into()), "Amount: empty; give a number, such as 20 or 12.50");
        let long = with(|i| i.amount = "9".repeat(200_000) + "x");
        assert!(long.len() < 120 && long.contains("(200001 characters)"), "a long input is not echoed whole: {long}");
        assert!(with(|i| i.timeout = "0".into()).contains("at least 1"));
        assert!(with(|i| i.timeout = "3000000000".into()).contains("more than Cadence accepts"));
        let huge = with(|i| i.timeout = "99999999999999999999".into());
        assert!(huge.contains("\"99999999999999999999\" s is more than Cadence accepts"), "a whole number, only too large: {huge}");
        assert!(with(|i| i.timeout = "1.5".into()).contains("not a whole number"));
        assert_eq!(with(|i| i.workflow_id = "ü".repeat(501)), "Workflow ID: 1002 bytes in UTF-8; Cadence takes at most 1000");
        assert!(with(|i| i.id = " ".into()).starts_with("Order ID: give one"));
        assert!(with(|i| i.workflow_id = "x".repeat(1001)).contains("at most 1000"));
        assert_eq!(scan_action("  ").unwrap_err(), "type the location where the package was scanned");
        let Action::Signal { input: Some(i), .. } = scan_action(r#"O"Hare "#).unwrap() else { panic!() };
        assert_eq!(i, r#"{"location":"O\"Hare"}"#);
    }

    #[test]
    fn at_a_scenarios_start_the_way_on_is_forward_not_a_new_order() {
        let mut s = Session::new(SessionConfig::default());
        for a in [Session::workshop_start(), Action::AdvanceNext, Action::AdvanceNext] {
            s.perform(a).unwrap();
        }
        s.seek(0);
        let Availability::Unavailable(why) = availability(C::Scan, &s) else { panic!("a scan before the start") };
        assert_eq!(why, format!("no workflow yet at step 0: → steps forward ({} steps ahead)", s.timeline().len()));
        let fresh = Session::new(SessionConfig::default());
        let Availability::Unavailable(why) = availability(C::Scan, &fresh) else { panic!() };
        assert_eq!(why, "no workflow yet: start an order first (s)");
    }

    #[test]
    fn export_names_are_files_not_paths() {
        let mut s = Session::new(SessionConfig::default());
        s.perform(Session::workshop_start()).unwrap();
        let names: Vec<String> = ExportKind::ALL.iter().map(|k| k.file_name(&s)).collect();
        assert_eq!(names, ["Order123.history.json", "Order123.cli-history.json", "Order123.replay.sh"]);
        for k in ExportKind::ALL {
            assert_eq!(ExportKind::for_path(&format!("/tmp/{}", k.file_name(&s))), k, "the name says the form");
        }
        assert!(ExportKind::CliHistory.contents(&s).starts_with("[\n{\"eventId\":1,"));
        assert!(ExportKind::Script.contents(&s).starts_with("#!/bin/sh"));
        assert_eq!(ExportKind::Script.what(&s), "1 command", "one start: one command, said in the singular");
        assert_eq!(file_stem("../etc/passwd"), "workflow.._etc_passwd");
        assert_eq!(file_stem("a/b c"), "a_b_c");
    }
}
