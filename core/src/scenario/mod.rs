//! Scenarios: a small TOML format for a sequence of actions and expectations
//! (`docs/scenario-format.md`), the built-in scenarios of `scenarios/`, and the runner
//! that plays one on a session and checks it.

mod builtin;
mod export;
mod runner;

use std::time::Duration;

use serde::Deserialize;

pub use builtin::{BUILTIN, Builtin, NAMES, builtin, builtin_json};
pub use export::to_toml;
pub(crate) use runner::status_of;
pub use runner::{Outcome, check_history, event_problems, play, run};

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

/// One step of a scenario, as written in the file.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(tag = "do", rename_all = "snake_case", deny_unknown_fields)]
pub enum Step {
    Start {
        workflow_id: Option<String>,
        input: String,
        execution_timeout: Option<String>,
    },
    Signal {
        name: String,
        input: Option<String>,
        /// The signal must be refused with a message containing this.
        error: Option<String>,
    },
    Query {
        name: String,
        /// The answer, compared as JSON.
        expect: Option<String>,
        /// The query must fail with a message containing this.
        error: Option<String>,
    },
    Step {
        count: Option<u32>,
    },
    Run,
    Advance {
        to: Option<String>,
        by: Option<String>,
    },
    Expect(Expectation),
}

#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Expectation {
    pub status: Option<String>,
    pub result: Option<String>,
    pub failure: Option<String>,
    #[serde(default)]
    pub events: Vec<String>,
    #[serde(default)]
    pub no_events: Vec<String>,
    pub notification_sent: Option<bool>,
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
    /// In TOML, read one by one (see [`read_step`]), so an error names its step and line.
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
            let step = read_step(spanned.get_ref()).and_then(|s| s.check().map(|()| s));
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
        let mut file: File<Step> = serde_json::from_str(text).map_err(|e| err(e.to_string()))?;
        let config = file.config(origin)?;
        let steps = std::mem::take(&mut file.steps);
        for (i, step) in steps.iter().enumerate() {
            step.check().map_err(|m| err(format!("step {}: {m}", i + 1)))?;
        }
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

/// One `[[steps]]` table as a step. serde cannot say which key of an internally
/// tagged enum had the wrong type, so a type error names the key from the schema.
fn read_step(table: &toml::Table) -> Result<Step, String> {
    let kind = table.get("do").and_then(|d| d.as_str()).unwrap_or("?").to_owned();
    toml::Value::Table(table.clone()).try_into::<Step>().map_err(|e| {
        let message = e.to_string().trim_end().to_owned();
        let wrong = table.iter().find(|(k, v)| match k.as_str() {
            "count" => !v.is_integer(),
            "events" | "no_events" => !v.is_array(),
            "notification_sent" => !v.is_bool(),
            _ => !v.is_str(),
        });
        match wrong {
            Some((k, v)) if message.contains("invalid type") => {
                format!("do = {kind:?}: key `{k}` has the wrong type ({}): {message}", v.type_str())
            }
            _ => format!("do = {kind:?}: {message}"),
        }
    })
}

impl Step {
    /// Checks what TOML alone cannot: durations and the choice between `to` and `by`.
    fn check(&self) -> Result<(), String> {
        match self {
            Step::Start { execution_timeout: Some(t), .. } => {
                let d = parse_duration(t)?;
                if d.as_secs() > i32::MAX as u64 {
                    return Err(format!("execution_timeout {t}: Cadence keeps timeouts in int32 seconds, at most {} s", i32::MAX));
                }
                Ok(())
            }
            Step::Advance { to: Some(to), by: None } if to == "next" || to == "timers" => Ok(()),
            Step::Advance { to: Some(to), by: None } => {
                Err(format!(r#"advance to = {to:?}: "next" or "timers" (or by = "30s" for a duration)"#))
            }
            Step::Advance { to: None, by: Some(by) } => parse_duration(by).map(|_| ()),
            Step::Advance { .. } => Err(r#"advance needs exactly one of to = "next", to = "timers" or by = "<duration>""#.into()),
            Step::Expect(e) => {
                if let Some(s) = &e.status {
                    if !["running", "completed", "failed", "timed_out"].contains(&s.as_str()) {
                        return Err(format!("unknown status {s:?}: running, completed, failed or timed_out"));
                    }
                }
                for name in e.events.iter().chain(&e.no_events) {
                    if crate::history::EventType::from_name(name).is_none() {
                        return Err(format!("unknown event type {name:?}"));
                    }
                }
                Ok(())
            }
            _ => Ok(()),
        }
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
