//! The built-in scenarios of `scenarios/`, compiled in so every front end (and the
//! browser) has them, each with its reviewed golden history.

pub struct Builtin {
    pub name: &'static str,
    pub toml: &'static str,
    pub golden: &'static str,
}

macro_rules! builtins {
    ($($name:literal),+ $(,)?) => {
        /// Every built-in scenario, in the order a picker shows them.
        pub const BUILTIN: &[Builtin] = &[$(Builtin {
            name: $name,
            toml: include_str!(concat!("../../../scenarios/", $name, ".toml")),
            golden: include_str!(concat!("../../../scenarios/", $name, ".history")),
        },)+];
    };
}

builtins!(
    "happy-path",
    "payment-retries",
    "amount-over-25",
    "empty-customer",
    "scans-reset-timer",
    "notification-then-scans",
    "delivered-before-notification",
    "scan-before-loop",
    "signal-during-activity",
    "fired-then-scan",
    "scan-then-fired",
    "signal-after-completion",
    "workflow-timeout",
    "unhandled-decision",
);

pub fn builtin(name: &str) -> Option<&'static Builtin> {
    BUILTIN.iter().find(|b| b.name == name)
}
