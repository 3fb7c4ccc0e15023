//! Keyboard shortcuts for the main actions.

/// What a key does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Command {
    Start,
    Scan,
    Delivered,
    Query,
    Step,
    NextTimer,
    Run,
    Back,
    Forward,
}

/// Every shortcut, for the help line.
pub const SHORTCUTS: &[(&str, Command, &str)] = &[
    ("o", Command::Start, "start order"),
    ("c", Command::Scan, "scan"),
    ("d", Command::Delivered, "delivered"),
    ("q", Command::Query, "query"),
    ("s", Command::Step, "step"),
    ("n", Command::NextTimer, "next timer"),
    ("r", Command::Run, "run until blocked"),
    ("←", Command::Back, "back"),
    ("→", Command::Forward, "forward"),
];

/// The command of a `KeyboardEvent.key`, without modifiers.
pub fn command(key: &str) -> Option<Command> {
    match key {
        "ArrowLeft" => Some(Command::Back),
        "ArrowRight" => Some(Command::Forward),
        k => SHORTCUTS.iter().find(|(name, ..)| name.eq_ignore_ascii_case(k)).map(|&(_, c, _)| c),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_map_to_commands() {
        assert_eq!(command("s"), Some(Command::Step));
        assert_eq!(command("N"), Some(Command::NextTimer));
        assert_eq!(command("ArrowLeft"), Some(Command::Back));
        assert_eq!(command("x"), None);
        assert_eq!(command("Enter"), None);
    }
}
