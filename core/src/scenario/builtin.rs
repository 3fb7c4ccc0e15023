//! The built-in scenarios of `scenarios/`, compiled in so every front end (and the
//! browser) has them, each with its reviewed golden history.

pub struct Builtin {
    pub name: &'static str,
    pub toml: &'static str,
}

impl Builtin {
    /// The reviewed golden history. Kept apart from [`BUILTIN`] so that a program that
    /// only plays scenarios (the web playground) does not carry every golden file.
    pub fn golden(&self) -> &'static str {
        GOLDEN.iter().find(|(name, _)| *name == self.name).map_or("", |(_, text)| text)
    }

    /// The scenario file as JSON (converted at build time, see `core/build.rs`): read
    /// it with [`Scenario::parse_json`](super::Scenario::parse_json) where a TOML parser
    /// would cost too much (the web playground's download).
    pub fn json(&self) -> &'static str {
        builtin_json(self.name).unwrap_or("{}")
    }
}

/// A built-in scenario as JSON, by name, without [`BUILTIN`]: a program that uses only
/// this and [`NAMES`] carries neither the TOML texts nor a TOML parser.
pub fn builtin_json(name: &str) -> Option<&'static str> {
    JSON.iter().find(|(n, _)| *n == name).map(|(_, text)| *text)
}

include!(concat!(env!("OUT_DIR"), "/builtin_json.rs"));

macro_rules! builtins {
    ($($name:literal),+ $(,)?) => {
        /// The built-in scenarios' names, in the order a picker shows them.
        pub const NAMES: &[&str] = &[$($name,)+];

        /// Every built-in scenario, in the order a picker shows them.
        pub const BUILTIN: &[Builtin] = &[$(Builtin {
            name: $name,
            toml: include_str!(concat!("../../../scenarios/", $name, ".toml")),
        },)+];

        static GOLDEN: &[(&str, &str)] = &[$(($name, include_str!(concat!("../../../scenarios/", $name, ".history"))),)+];
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
    "terminated",
    "canceled-while-tracking",
    "canceled-in-payment",
    "unreadable-scan",
    "workflow-timeout",
    "unhandled-decision",
);

pub fn builtin(name: &str) -> Option<&'static Builtin> {
    BUILTIN.iter().find(|b| b.name == name)
}
