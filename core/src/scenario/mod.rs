//! Scenarios: a small TOML format for a sequence of actions and expectations
//! (`docs/scenario-format.md`), the built-in scenarios of `scenarios/`, and the runner
//! that plays one on a session and checks it.

mod builtin;
mod export;
mod runner;
mod step;

use std::time::Duration;

use serde::Deserialize;
use serde_json::{Map, Value};

pub use builtin::{BUILTIN, Builtin, NAMES, builtin, builtin_json};
pub use export::to_toml;
pub(crate) use runner::status_of;
pub use runner::{Outcome, check_history, event_problems, play, run};
pub use step::{Expectation, Step};

use crate::postal::{Chapter, PostalConfig};
use crate::session::SessionConfig;
use crate::time::parse_duration;

#[derive(Clone, Debug, PartialEq)]
pub struct Scenario {
    pub name: String,
    pub description: String,
    pub config: SessionConfig,
    pub steps: Vec<Step>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File<S> {
    name: Option<String>,
    #[serde(default)]
    description: String,
    seed: Option<u64>,
    chapter: Option<String>,
    timer_unit: Option<String>,
    /// Read one by one ([`Step::read`]), so an error names its step (and, in TOML, its line).
    #[serde(default = "Vec::new")]
    steps: Vec<S>,
}

/// A scenario file that cannot be used, with where and why.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{origin}: {message}")]
pub struct ScenarioError {
    pub origin: String,
    pub message: String,
}

impl Scenario {
    /// Parses scenario TOML. `origin` names the file in error messages; its stem is
    /// the default name.
    pub fn parse(origin: &str, text: &str) -> Result<Scenario, ScenarioError> {
        let err = |message: String| ScenarioError { origin: origin.to_owned(), message };
        let file: File<toml::Spanned<toml::Table>> = toml::from_str(text).map_err(|e| err(e.to_string().trim_end().to_owned()))?;
        let config = file.config(origin)?;
        let mut steps = Vec::with_capacity(file.steps.len());
        for (i, spanned) in file.steps.iter().enumerate() {
            let line = text[..spanned.span().start.min(text.len())].matches('\n').count() + 1;
            let step = Step::read(&crate::keys::table_from_toml(spanned.get_ref()));
            steps.push(step.map_err(|m| err(format!("step {} (line {line}): {m}", i + 1)))?);
        }
        Ok(file.into_scenario(origin, config, steps))
    }

    /// `--scenario NAME|PATH`, as the terminal app and the bridge both take it: a
    /// built-in scenario by name, or else a scenario file. A file that exists but cannot
    /// be read says so, rather than that no such scenario exists.
    pub fn load(name_or_path: &str) -> Result<Scenario, ScenarioError> {
        if let Some(b) = builtin(name_or_path) {
            return Scenario::parse(b.name, b.toml);
        }
        let text = std::fs::read_to_string(name_or_path).map_err(|e| {
            let message = if std::path::Path::new(name_or_path).exists() {
                format!("cannot be read as a scenario file: {e}")
            } else {
                format!("not a built-in scenario ({}) and no such file", NAMES.join(", "))
            };
            ScenarioError { origin: name_or_path.to_owned(), message }
        })?;
        Scenario::parse(name_or_path, &text)
    }

    /// Reads a scenario given as JSON (a built-in one's [`Builtin::json`], converted at
    /// build time): the same fields and checks as the TOML form, without a TOML parser.
    pub fn parse_json(origin: &str, text: &str) -> Result<Scenario, ScenarioError> {
        let err = |message: String| ScenarioError { origin: origin.to_owned(), message };
        let mut file: File<Map<String, Value>> = serde_json::from_str(text).map_err(|e| err(e.to_string()))?;
        let config = file.config(origin)?;
        let tables = std::mem::take(&mut file.steps);
        let steps = tables.iter().enumerate().map(|(i, table)| Step::read(table).map_err(|m| err(format!("step {}: {m}", i + 1))));
        let steps = steps.collect::<Result<_, _>>()?;
        Ok(file.into_scenario(origin, config, steps))
    }
}

impl<S> File<S> {
    /// The session configuration the file asks for, checked.
    fn config(&self, origin: &str) -> Result<SessionConfig, ScenarioError> {
        let err = |message: String| ScenarioError { origin: origin.to_owned(), message };
        let chapter = match &self.chapter {
            Some(c) => Chapter::parse(c).map_err(err)?,
            None => Chapter::Notification,
        };
        let timer_unit = match &self.timer_unit {
            Some(t) => parse_duration(t).map_err(err)?,
            None => Duration::from_secs(60),
        };
        if timer_unit < Duration::from_secs(1) {
            return Err(err("timer_unit must be at least 1s".into()));
        }
        if self.steps.is_empty() {
            return Err(err("no steps: a scenario needs at least one [[steps]] (see docs/scenario-format.md)".into()));
        }
        Ok(SessionConfig { seed: self.seed.unwrap_or(1), postal: PostalConfig { chapter, timer_unit } })
    }

    fn into_scenario(self, origin: &str, config: SessionConfig, steps: Vec<Step>) -> Scenario {
        let stem = origin.rsplit(['/', '\\']).next().unwrap_or(origin).trim_end_matches(".toml");
        Scenario { name: self.name.unwrap_or_else(|| stem.to_owned()), description: self.description, config, steps }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn malformed_files_name_the_place_and_the_problem() {
        let e = Scenario::parse("x.toml", "seed = \"seven\"").unwrap_err();
        assert!(e.to_string().starts_with("x.toml: ") && e.message.contains("seed"), "{e}");
        let e = Scenario::parse("x.toml", "[[steps]]\ndo = \"dance\"").unwrap_err();
        assert!(e.message.contains("dance"), "{e}");
        let e = Scenario::parse("x.toml", "[[steps]]\ndo = \"run\"\n[[steps]]\ndo = \"advance\"\nby = \"soon\"").unwrap_err();
        assert!(e.message.contains("step 2") && e.message.contains("soon"), "{e}");
        let e = Scenario::parse("x.toml", "[[steps]]\ndo = \"expect\"\nevents = [\"TimerExploded\"]").unwrap_err();
        assert!(e.message.contains("TimerExploded"), "{e}");
        let e = Scenario::parse("x.toml", "[[steps]]\ndo = \"signal\"\nnam = \"ScanSignal\"").unwrap_err();
        assert!(e.message.contains("nam"), "{e}");
        let e = Scenario::parse("x.toml", "chapter = \"epilogue\"").unwrap_err();
        assert!(e.message.contains("epilogue"), "{e}");
    }

    #[test]
    fn a_scenario_loads_by_name_or_path_and_a_file_it_cannot_read_is_not_called_missing() {
        assert_eq!(Scenario::load("happy-path").unwrap().name, "happy-path");
        let dir = std::env::temp_dir().join(format!("postflow-scenario-load-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("mine.toml");
        std::fs::write(&file, "name = \"mine\"\n[[steps]]\ndo = \"run\"\n").unwrap();
        assert_eq!(Scenario::load(file.to_str().unwrap()).unwrap().name, "mine");

        let e = Scenario::load("no-such-scenario").unwrap_err();
        assert_eq!(e.message, format!("not a built-in scenario ({}) and no such file", NAMES.join(", ")));
        std::fs::write(&file, [0xff, 0xfe, 0x00]).unwrap();
        let e = Scenario::load(file.to_str().unwrap()).unwrap_err();
        assert!(e.message.starts_with("cannot be read as a scenario file: "), "{e}");
        let e = Scenario::load(dir.to_str().unwrap()).unwrap_err();
        assert!(e.message.starts_with("cannot be read as a scenario file: "), "a directory: {e}");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_notification_expectation_that_fails_names_the_log_line_it_looks_for() {
        let start = "[[steps]]\ndo = \"start\"\ninput = '{\"id\":\"Order123\",\"customer\":\"Cadence\",\"amount\":20,\
                     \"address\":\"Uber office\",\"sendFrom\":\"Aarhus\"}'\n[[steps]]\ndo = \"run\"\n";
        // Before the timer fires nothing was logged; after it, one line was.
        for (extra, want, said) in [
            ("", "true", "the customer was not notified: the workflow never logged \"Notification sent\""),
            (
                "[[steps]]\ndo = \"advance\"\nto = \"next\"\n[[steps]]\ndo = \"run\"\n",
                "false",
                "(1 \"Notification sent\" in the workflow's log)",
            ),
        ] {
            let passing = "[[steps]]\ndo = \"advance\"\nto = \"next\"\n[[steps]]\ndo = \"run\"\n".repeat(2);
            let text = format!("{start}{passing}{extra}[[steps]]\ndo = \"expect\"\nnotification_sent = {want}\n");
            let outcome = run(&Scenario::parse("x.toml", &text).unwrap());
            assert!(outcome.failures.iter().any(|f| f.contains(said)), "{:?}\n{}", outcome.failures, outcome.session.history_table());
        }
    }

    #[test]
    fn errors_in_a_later_step_name_the_step_the_line_and_the_key() {
        let text = "name = \"x\"\n[[steps]]\ndo = \"run\"\n\n[[steps]]\ndo = \"signal\"\nname = 3\n";
        let e = Scenario::parse("x.toml", text).unwrap_err();
        assert!(e.message.starts_with("step 2 (line 5): do = \"signal\": key `name` has the wrong type (integer)"), "{e}");
        let e = Scenario::parse("x.toml", "").unwrap_err();
        assert!(e.message.contains("no steps"), "{e}");
        let e = Scenario::parse("x.toml", "[[steps]]\ndo = \"start\"\ninput = \"{}\"\nexecution_timeout = \"3000000000s\"").unwrap_err();
        assert!(e.message.contains("int32 seconds"), "{e}");
    }

    #[test]
    fn a_step_the_player_cannot_use_is_refused_naming_its_key_and_why() {
        let step = |body: &str| Scenario::parse("x.toml", &format!("[[steps]]\n{body}")).unwrap_err().message;
        for (body, says) in [
            ("do = \"dance\"", "do = \"dance\": no such step, expected one of start, signal, query, step, run, advance, expect"),
            ("name = \"x\"", "a step needs a `do` key: one of start, signal"),
            ("do = 3", "key `do` has the wrong type (integer): expected one of start"),
            ("do = \"signal\"\nnam = \"ScanSignal\"", "do = \"signal\": unknown key `nam`: signal takes name, input, error"),
            ("do = \"run\"\ncount = 3", "do = \"run\": unknown key `count`: run takes no other keys"),
            ("do = \"start\"", "do = \"start\": key `input` is missing"),
            ("do = \"query\"\nname = 1979-05-27T07:32:00Z", "key `name` has the wrong type (datetime): expected a string"),
            ("do = \"signal\"\nname = \"ScanSignal\"\ninput = nan", "key `input` has the wrong type (float): expected a string"),
            ("do = \"step\"\ncount = -1", "do = \"step\": key `count` must be 0 or more (got -1)"),
            ("do = \"step\"\ncount = 5000000000", "key `count` must be at most 4294967295 (got 5000000000)"),
            ("do = \"step\"\ncount = 1.5", "key `count` has the wrong type (float): expected a whole number"),
            ("do = \"expect\"\nevents = \"TimerFired\"", "key `events` has the wrong type (string): expected a list of strings"),
            ("do = \"expect\"\nevents = [\"TimerFired\", 1]", "key `events[1]` has the wrong type (integer): expected a string"),
            ("do = \"expect\"\nnotification_sent = \"yes\"", "key `notification_sent` has the wrong type (string): expected true or false"),
            ("do = \"advance\"\nto = { a = 1 }", "key `to` has the wrong type (table): expected a string"),
        ] {
            let message = step(body);
            assert!(message.starts_with("step 1 (line 1): ") && message.contains(says), "{body:?}: {message:?} should say {says:?}");
        }
        let ok = Scenario::parse("x.toml", "[[steps]]\ndo = \"step\"\ncount = 3\n[[steps]]\ndo = \"expect\"\nevents = []").unwrap();
        assert_eq!(ok.steps, [Step::Step { count: Some(3) }, Step::Expect(Expectation::default())]);
        // The JSON form is read by the same code, so it refuses the same way.
        let e = Scenario::parse_json("x", r#"{"steps": [{"do": "run"}, {"do": "run", "count": 3}]}"#).unwrap_err();
        assert_eq!(e.message, "step 2: do = \"run\": unknown key `count`: run takes no other keys");
    }

    #[test]
    fn every_builtin_reads_the_same_from_its_build_time_json() {
        for b in BUILTIN {
            assert_eq!(Scenario::parse_json(b.name, b.json()), Scenario::parse(b.name, b.toml), "{}", b.name);
        }
        assert_eq!(NAMES, BUILTIN.iter().map(|b| b.name).collect::<Vec<_>>(), "the names in the picker's order");
    }

    #[test]
    fn defaults_fill_in_what_a_file_leaves_out() {
        let s = Scenario::parse("dir/my-case.toml", "[[steps]]\ndo = \"run\"").unwrap();
        assert_eq!(s.name, "my-case");
        assert_eq!(s.config, SessionConfig::default());
    }
}
