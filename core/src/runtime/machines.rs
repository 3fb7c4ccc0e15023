//! One small state machine per command, as the Go client keeps them
//! (`internal_decision_state_machine.go`): it decides which decisions a decision task
//! sends, and in which order.
//!
//! The machines live in one list, ordered as the Go client orders its own: a new
//! machine goes to the back; touching a machine (cancel, or replaying one of its
//! events) moves it to the back. A decision task sends, in that order, each machine's
//! pending decision: that is why a scan writes `TimerCanceled` before the new
//! estimate's `ActivityTaskScheduled`. A touch stamps the machine rather than moving
//! it, as the order is only read when decisions are taken.

use std::fmt;
use std::time::Duration;

use crate::decision::{
    CancelTimerDecisionAttributes, Decision, RequestCancelActivityTaskDecisionAttributes, ScheduleActivityTaskDecisionAttributes,
    StartTimerDecisionAttributes, write_schedule_activity,
};
use crate::history::ActivityType;
use crate::text::Str;

/// A command's decision as a decision task holds it. A task being answered sends its
/// decisions in full. A task already in history only has its decisions matched
/// against the events that follow, by activity ID and type or timer ID (as the Go
/// client matches them), so a replayed activity keeps just those: every scan of a
/// replay would otherwise build and drop the ~400 bytes of attributes the server reads.
/// Timer decisions are that small anyway, and are kept as numbers until they are sent.
#[derive(Debug)]
pub(crate) enum Command {
    Decision(Decision),
    ReplayedActivity { activity_id: CommandId, activity_type: Str },
    StartTimer { timer_id: CommandId, start_to_fire: Duration },
    CancelTimer { timer_id: CommandId },
    RequestCancelActivity { activity_id: CommandId },
}

impl Command {
    /// The decision to send. (A task being answered makes only full activity
    /// decisions; a replayed activity becomes the decision it was matched as.)
    pub fn into_decision(self) -> Decision {
        match self {
            Command::Decision(d) => d,
            Command::ReplayedActivity { activity_id, activity_type } => {
                Decision::ScheduleActivityTask(Box::new(ScheduleActivityTaskDecisionAttributes {
                    activity_id: Str::from_u64(activity_id),
                    activity_type: ActivityType { name: activity_type },
                    ..Default::default()
                }))
            }
            Command::StartTimer { timer_id, start_to_fire } => Decision::StartTimer(StartTimerDecisionAttributes {
                timer_id: Str::from_u64(timer_id),
                start_to_fire_timeout: Some(start_to_fire),
            }),
            Command::CancelTimer { timer_id } => Decision::CancelTimer(CancelTimerDecisionAttributes { timer_id: Str::from_u64(timer_id) }),
            Command::RequestCancelActivity { activity_id } => {
                Decision::RequestCancelActivityTask(RequestCancelActivityTaskDecisionAttributes { activity_id: Str::from_u64(activity_id) })
            }
        }
    }

    pub fn as_ref(&self) -> CommandRef<'_> {
        match self {
            Command::Decision(d) => CommandRef::Decision(d),
            Command::ReplayedActivity { activity_id, activity_type } => {
                CommandRef::ReplayedActivity { activity_id: *activity_id, activity_type }
            }
            &Command::StartTimer { timer_id, start_to_fire } => CommandRef::StartTimer { timer_id, start_to_fire },
            &Command::CancelTimer { timer_id } => CommandRef::CancelTimer { timer_id },
            &Command::RequestCancelActivity { activity_id } => CommandRef::RequestCancelActivity { activity_id },
        }
    }
}

/// A sent command as replay matches it against its event: borrowed from a task's
/// [`Command`]s or from the decisions a task being answered sent. An event's ID comes
/// with its number, parsed once by the caller ([`command_id`]).
#[derive(Clone, Copy)]
pub(crate) enum CommandRef<'a> {
    Decision(&'a Decision),
    ReplayedActivity { activity_id: CommandId, activity_type: &'a str },
    StartTimer { timer_id: CommandId, start_to_fire: Duration },
    CancelTimer { timer_id: CommandId },
    RequestCancelActivity { activity_id: CommandId },
}

impl<'a> CommandRef<'a> {
    /// Whether this is the `ScheduleActivityTask` an `ActivityTaskScheduled` event records.
    #[inline]
    pub fn schedules(self, id: &str, number: Option<CommandId>, ty: &str) -> bool {
        match self {
            CommandRef::Decision(Decision::ScheduleActivityTask(s)) => s.activity_id == id && s.activity_type.name == ty,
            CommandRef::ReplayedActivity { activity_id, activity_type } => number == Some(activity_id) && activity_type == ty,
            _ => false,
        }
    }

    /// Whether this is the `StartTimer` a `TimerStarted` event records.
    #[inline]
    pub fn starts_timer(self, id: &str, number: Option<CommandId>) -> bool {
        match self {
            CommandRef::Decision(Decision::StartTimer(s)) => s.timer_id == id,
            CommandRef::StartTimer { timer_id, .. } => number == Some(timer_id),
            _ => false,
        }
    }

    /// Whether this is the `CancelTimer` a `TimerCanceled` or `CancelTimerFailed` event records.
    #[inline]
    pub fn cancels_timer(self, id: &str, number: Option<CommandId>) -> bool {
        match self {
            CommandRef::Decision(Decision::CancelTimer(s)) => s.timer_id == id,
            CommandRef::CancelTimer { timer_id } => number == Some(timer_id),
            _ => false,
        }
    }

    /// Whether this is the `RequestCancelActivityTask` an `ActivityTaskCancelRequested` event records.
    #[inline]
    pub fn cancels_activity(self, id: &str, number: Option<CommandId>) -> bool {
        match self {
            CommandRef::Decision(Decision::RequestCancelActivityTask(s)) => s.activity_id == id,
            CommandRef::RequestCancelActivity { activity_id } => number == Some(activity_id),
            _ => false,
        }
    }

    /// The decision, for the events matched by more than an ID.
    #[inline]
    pub fn decision(self) -> Option<&'a Decision> {
        match self {
            CommandRef::Decision(d) => Some(d),
            _ => None,
        }
    }
}

/// As the decision prints: a nondeterminism error names it so.
impl fmt::Display for CommandRef<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            CommandRef::Decision(d) => d.fmt(f),
            CommandRef::ReplayedActivity { activity_id, activity_type } => {
                write_schedule_activity(f, &activity_id.to_string(), activity_type)
            }
            // Printed only for an error: the decision it stands for is built for that.
            CommandRef::StartTimer { timer_id, start_to_fire } => Command::StartTimer { timer_id, start_to_fire }.into_decision().fmt(f),
            CommandRef::CancelTimer { timer_id } => Command::CancelTimer { timer_id }.into_decision().fmt(f),
            CommandRef::RequestCancelActivity { activity_id } => Command::RequestCancelActivity { activity_id }.into_decision().fmt(f),
        }
    }
}

/// The ID the code gives an activity or a timer: the Go client's sequence number
/// (`GenerateSequenceID`), written in decimal in decisions and events. The runtime
/// keeps the number, so finding a command compares integers, not strings.
pub(crate) type CommandId = u64;

/// The command an event's activity or timer ID names: only the decimal form the Go
/// client writes ("7", never "07" or "+7") is one; any other ID names no command.
pub(crate) fn command_id(id: &str) -> Option<CommandId> {
    match id.as_bytes() {
        [] => None,
        [b'0', _, ..] => None,
        digits => digits.iter().try_fold(0u64, |n, &b| {
            let digit = b.wrapping_sub(b'0');
            if digit > 9 {
                return None;
            }
            n.checked_mul(10)?.checked_add(u64::from(digit))
        }),
    }
}

/// What a command is: its kind and the ID the code gave it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum CommandKey {
    Activity(CommandId),
    Timer(CommandId),
    CloseWorkflow,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum MachineState {
    /// Made by the code, not yet sent.
    Created,
    /// Sent in a decision task; its event is not yet in history.
    DecisionSent,
    /// Canceled after being sent but before its event was seen.
    CanceledBeforeInitiated,
    /// Its event (`ActivityTaskScheduled`, `TimerStarted`) is in history.
    Initiated,
    /// Canceled after its event: a `CancelTimer` or `RequestCancelActivityTask`
    /// decision is pending.
    CanceledAfterInitiated,
    /// The cancel decision sent; waiting for `TimerCanceled` or `ActivityTaskCancelRequested`.
    CancellationDecisionSent,
    /// An activity's cancel is in history; its close may still come.
    CancelRequested,
    /// Done: nothing more to send or receive.
    Completed,
}

#[derive(Debug)]
pub(crate) struct CommandMachine {
    pub key: CommandKey,
    pub state: MachineState,
    /// The decision to send; taken when it is sent.
    decision: Option<Command>,
    /// Its place in the list: the stamp of its last touch.
    order: u64,
}

/// What cancelling a timer or an activity does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum CancelOutcome {
    /// It was made and canceled in the same decision task: nothing is sent.
    NeverSent,
    /// A `CancelTimer` or `RequestCancelActivityTask` decision will be sent.
    Decision,
    /// Nothing to send now (unknown timer, or its start is still on the way).
    Nothing,
}

/// A history event that no machine can take: the caller turns it into a
/// nondeterminism error naming the event.
#[derive(Debug)]
pub(crate) struct Unexpected(pub String);

#[derive(Debug, Default)]
pub(crate) struct Machines {
    list: Vec<CommandMachine>,
    touches: u64,
}

impl Machines {
    pub fn add(&mut self, key: CommandKey, decision: Command) {
        self.touches += 1;
        self.list.push(CommandMachine { key, state: MachineState::Created, decision: Some(decision), order: self.touches });
    }

    /// Finds a machine and moves it to the back of the list.
    fn touch(&mut self, key: CommandKey) -> Option<&mut CommandMachine> {
        let m = self.list.iter_mut().find(|m| m.key == key)?;
        self.touches += 1;
        m.order = self.touches;
        Some(m)
    }

    /// Cancels a timer or an activity (`key`), and says what that means for the server.
    pub fn cancel(&mut self, key: CommandKey) -> CancelOutcome {
        let Some(m) = self.touch(key) else { return CancelOutcome::Nothing };
        let (state, outcome) = match m.state {
            // Never sent: the server never hears of it.
            MachineState::Created => (MachineState::Completed, CancelOutcome::NeverSent),
            MachineState::DecisionSent => (MachineState::CanceledBeforeInitiated, CancelOutcome::Nothing),
            MachineState::Initiated => (MachineState::CanceledAfterInitiated, CancelOutcome::Decision),
            other => (other, CancelOutcome::Nothing),
        };
        m.state = state;
        outcome
    }

    /// The decisions to send now, in list order, appended to `out`; completed machines are dropped.
    pub fn take_decisions(&mut self, out: &mut Vec<Command>) {
        // Mostly already in order, and mostly nothing to drop: a decision task looks
        // at two or three machines, and a replay takes decisions at every one. An
        // insertion sort fits a short list that is nearly in order (each order is
        // unique, so any sort gives this order), and the standard sort's code was
        // 2.9 KB of the page.
        for i in 1..self.list.len() {
            let mut j = i;
            while j > 0 && self.list[j - 1].order > self.list[j].order {
                self.list.swap(j - 1, j);
                j -= 1;
            }
        }
        let mut any_completed = false;
        for m in &mut self.list {
            match m.state {
                MachineState::Created => {
                    out.extend(m.decision.take());
                    m.state = MachineState::DecisionSent;
                }
                MachineState::CanceledAfterInitiated => {
                    match m.key {
                        CommandKey::Timer(timer_id) => out.push(Command::CancelTimer { timer_id }),
                        CommandKey::Activity(activity_id) => out.push(Command::RequestCancelActivity { activity_id }),
                        CommandKey::CloseWorkflow => {}
                    }
                    m.state = MachineState::CancellationDecisionSent;
                }
                MachineState::Completed => any_completed = true,
                _ => {}
            }
        }
        if any_completed {
            self.list.retain(|m| m.state != MachineState::Completed);
        }
    }

    /// The command's event (`ActivityTaskScheduled`, `TimerStarted`, workflow close) is in history.
    pub fn initiated(&mut self, key: CommandKey) -> Result<(), Unexpected> {
        let m = self.touch(key).ok_or_else(|| Unexpected(format!("no command {key:?}")))?;
        m.state = match (m.state, &m.key) {
            (MachineState::DecisionSent, CommandKey::CloseWorkflow) => MachineState::Completed,
            (MachineState::DecisionSent, _) => MachineState::Initiated,
            // The code canceled it before seeing the event: now the cancel must be sent.
            (MachineState::CanceledBeforeInitiated, _) => MachineState::CanceledAfterInitiated,
            (s, _) => return Err(Unexpected(format!("{key:?} is {s:?}, not waiting for its start"))),
        };
        Ok(())
    }

    /// An activity closed or a timer fired or was canceled: its machine is done, and
    /// leaves the list. (Its place does not matter: the list is put in touch order
    /// when decisions are taken.)
    pub fn completed(&mut self, key: CommandKey) {
        if let Some(i) = self.list.iter().position(|m| m.key == key) {
            self.list.swap_remove(i);
        }
    }

    /// `ActivityTaskCancelRequested`: the server has the cancel; the activity's close
    /// event, if one comes, ends the machine.
    pub fn cancel_requested(&mut self, key: CommandKey) {
        if let Some(m) = self.touch(key) {
            m.state = MachineState::CancelRequested;
        }
    }

    /// `CancelTimerFailed`: the timer is back to running as far as the code knows.
    pub fn cancel_failed(&mut self, key: CommandKey) {
        if let Some(m) = self.touch(key) {
            m.state = MachineState::Initiated;
        }
    }

    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.list.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn timer(timer_id: CommandId) -> Command {
        Command::StartTimer { timer_id, start_to_fire: Duration::from_secs(60) }
    }

    fn take(m: &mut Machines) -> Vec<Decision> {
        let mut out = Vec::new();
        m.take_decisions(&mut out);
        out.into_iter().map(Command::into_decision).collect()
    }

    #[test]
    fn a_timer_canceled_before_it_is_sent_emits_nothing() {
        let mut m = Machines::default();
        m.add(CommandKey::Timer(0), timer(0));
        assert_eq!(m.cancel(CommandKey::Timer(0)), CancelOutcome::NeverSent);
        assert!(take(&mut m).is_empty());
        assert_eq!(m.len(), 0);
    }

    #[test]
    fn cancel_moves_the_timer_before_later_commands() {
        let mut m = Machines::default();
        m.add(CommandKey::Timer(3), timer(3));
        take(&mut m);
        m.initiated(CommandKey::Timer(3)).unwrap();
        assert_eq!(m.cancel(CommandKey::Timer(3)), CancelOutcome::Decision);
        m.add(CommandKey::Timer(4), timer(4));
        let names: Vec<String> = take(&mut m).iter().map(|d| d.to_string()).collect();
        assert_eq!(names, ["CancelTimer(timerId 3)", "StartTimer(timerId 4)"]);
    }

    #[test]
    fn an_event_for_an_unknown_command_is_reported() {
        let mut m = Machines::default();
        assert!(m.initiated(CommandKey::Timer(9)).is_err());
    }

    #[test]
    fn only_the_go_clients_decimal_form_names_a_command() {
        assert_eq!([command_id("0"), command_id("7"), command_id("1234")], [Some(0), Some(7), Some(1234)]);
        for other in ["", "07", "+7", "-1", " 7", "7 ", "x", "18446744073709551616"] {
            assert_eq!(command_id(other), None, "{other:?}");
        }
    }
}
