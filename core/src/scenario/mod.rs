//! Scenarios: a small TOML format for a sequence of actions and expectations
//! (`docs/scenario-format.md`), the built-in scenarios of `scenarios/`, and the runner
//! that plays one on a session and checks it.

mod builtin;
mod export;
mod lint;
mod runner;
mod step;

use std::time::Duration;

use serde::Deserialize;
use serde_json::{Map, Value};

pub use builtin::{BUILTIN, Builtin, NAMES, builtin, builtin_json};
pub use export::to_toml;
pub(crate) use runner::status_of;
pub use runner::{Outcome, check_history, event_problems, here, play, run};
pub use step::{Expectation, Step};

use crate::keys::Keys;
use crate::postal::{Chapter, PostalConfig};
use crate::session::SessionConfig;

#[derive(Clone, Debug, PartialEq)]
pub struct Scenario {
    pub name: String,
    pub description: String,
    pub config: SessionConfig,
    pub steps: Vec<Step>,
}

/// A TOML file's top level: the settings as TOML values, the steps with their place in
/// the text. Both are read by `crate::keys`, as a JSON file's are ([`settings`]):
/// serde's derived reader answered `seed = -1` with "invalid value: integer `-1`,
/// expected u64".
#[derive(Deserialize)]
struct TomlFile {
    /// Read one by one ([`Step::read`]), so an error names its step and its line.
    #[serde(default = "Vec::new")]
    steps: Vec<toml::Spanned<toml::Table>>,
    #[serde(flatten)]
    settings: toml::Table,
}

/// The keys of a file's top level besides `steps`.
const SETTINGS: [&str; 5] = ["name", "description", "seed", "chapter", "timer_unit"];

/// The settings of a file's top level, read and checked.
struct Settings {
    name: Option<String>,
    description: String,
    config: SessionConfig,
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
        let file: TomlFile = toml::from_str(text).map_err(|e| err(not_toml(text, &e)))?;
        let settings = settings(&crate::keys::table_from_toml(&file.settings), !file.steps.is_empty()).map_err(err)?;
        let mut steps = Vec::with_capacity(file.steps.len());
        let mut lines = LineCounter::new(text);
        for (i, spanned) in file.steps.iter().enumerate() {
            let line = lines.line_of(spanned.span().start);
            let step = Step::read(&crate::keys::table_from_toml(spanned.get_ref()));
            steps.push(step.map_err(|m| err(format!("step {} (line {line}): {m}", i + 1)))?);
        }
        Ok(settings.into_scenario(origin, steps))
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
        // Read as a plain object, by the same code as the TOML form's settings: a derived
        // reader for the page alone cost it about 2.8 KB gzipped.
        let mut file: Map<String, Value> = serde_json::from_str(text).map_err(|e| err(e.to_string()))?;
        let tables = match file.remove("steps") {
            None => Vec::new(),
            Some(Value::Array(steps)) => steps,
            Some(other) => return Err(err(crate::keys::wrong_type("steps", &other, "a list of steps"))),
        };
        let settings = settings(&file, !tables.is_empty()).map_err(err)?;
        let steps = tables.iter().enumerate().map(|(i, table)| match table {
            Value::Object(table) => Step::read(table).map_err(|m| err(format!("step {}: {m}", i + 1))),
            other => Err(err(format!("step {}: {}", i + 1, crate::keys::wrong_type("steps", other, "a table of keys")))),
        });
        let steps = steps.collect::<Result<_, _>>()?;
        Ok(settings.into_scenario(origin, steps))
    }
}

/// The settings a file's top level (`object`, its steps taken out) asks for, checked.
fn settings(object: &Map<String, Value>, has_steps: bool) -> Result<Settings, String> {
    if let Some(key) = object.keys().find(|k| !SETTINGS.contains(&k.as_str())) {
        return Err(format!("unknown key `{key}` at the top of the file: it takes {} and [[steps]]", SETTINGS.join(", ")));
    }
    let keys = Keys(object);
    let chapter = match keys.string("chapter")? {
        Some(c) => Chapter::parse(&c)?,
        None => Chapter::Notification,
    };
    let timer_unit = match keys.string("timer_unit")? {
        Some(t) => step::duration("timer_unit", &t)?,
        None => Duration::from_secs(60),
    };
    if timer_unit < Duration::from_secs(1) {
        return Err("key `timer_unit` must be at least 1s".into());
    }
    let seed = keys.count::<u64>("seed")?.unwrap_or(1);
    let (name, description) = (keys.string("name")?, keys.string("description")?.unwrap_or_default());
    if !has_steps {
        return Err("no steps: a scenario needs at least one [[steps]] (see docs/scenario-format.md)".into());
    }
    Ok(Settings { name, description, config: SessionConfig { seed, postal: PostalConfig { chapter, timer_unit } } })
}

impl Settings {
    fn into_scenario(self, origin: &str, steps: Vec<Step>) -> Scenario {
        let stem = origin.rsplit(['/', '\\']).next().unwrap_or(origin).trim_end_matches(".toml");
        Scenario { name: self.name.unwrap_or_else(|| stem.to_owned()), description: self.description, config: self.config, steps }
    }
}

/// Line numbers of byte offsets that come in increasing order (the steps of a file),
/// counted once through the text: counting from the start for every step made a file
/// of 200,000 steps take minutes.
struct LineCounter<'a> {
    text: &'a str,
    offset: usize,
    line: usize,
}

impl<'a> LineCounter<'a> {
    fn new(text: &'a str) -> Self {
        LineCounter { text, offset: 0, line: 1 }
    }

    /// The 1-based line of `offset`; an offset before the last one counts afresh.
    fn line_of(&mut self, offset: usize) -> usize {
        let offset = offset.min(self.text.len());
        if offset < self.offset {
            *self = LineCounter::new(self.text);
        }
        self.line += self.text.as_bytes()[self.offset..offset].iter().filter(|b| **b == b'\n').count();
        self.offset = offset;
        self.line
    }
}

/// What is wrong with a file the TOML parser refused. A file that is JSON (a history
/// exported with `--format json`, or a scenario written as JSON) is said to be JSON:
/// the parser's "invalid key" at line 1, column 1 says nothing to its author.
fn not_toml(text: &str, e: &toml::de::Error) -> String {
    if serde_json::from_str::<Value>(text).is_ok_and(|v| v.is_object() || v.is_array()) {
        return "this file is JSON, and a scenario file is TOML: `[[steps]]` tables of `do = \"...\"` keys \
                (docs/scenario-format.md); a history in JSON is read by `scenario --history FILE` and `tui --import FILE`"
            .into();
    }
    shorten_lines(e.to_string().trim_end())
}

/// The TOML parser's message quotes the line it stopped at, whole: for a file written on
/// one long line that is the whole file on the terminal. Each line is cut to a width
/// a person reads (161 characters, the `…` one of them).
fn shorten_lines(message: &str) -> String {
    message.lines().map(|line| crate::wrap::shortened(line, 161)).collect::<Vec<_>>().join("\n")
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
            (
                "do = \"dance\"",
                "do = \"dance\": no such step, expected one of start, signal, terminate, cancel, query, step, run, advance, expect",
            ),
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
    fn a_start_the_server_would_refuse_is_refused_before_anything_runs() {
        let start = |keys: &str| Scenario::parse("x.toml", &format!("[[steps]]\ndo = \"run\"\n[[steps]]\ndo = \"start\"\n{keys}"));
        for (keys, says) in [
            ("input = 'not json'", "step 2 (line 3): do = \"start\": key `input` is not an order: the order is not valid JSON"),
            ("input = '{\"id\":\"A\",\"amount\":\"five\"}'", "key `input` is not an order: the order does not fit {id, customer"),
            ("input = '[1]'", "key `input` is not an order: the order must be a JSON object"),
            ("input = '{}'", "the order has no \"id\" and the step no `workflow_id`"),
            ("input = '{}'\nworkflow_id = \" \"", "key `workflow_id` is empty"),
            ("input = '{\"id\":\"A\"}'\nexecution_timeout = \"0s\"", "key `execution_timeout` must be more than 0s"),
        ] {
            let e = start(keys).unwrap_err();
            assert!(e.message.contains(says), "{keys}: {e} should say {says:?}");
        }
        // The server reads an order as the Go worker does: missing fields are empty.
        assert!(start("input = '{}'\nworkflow_id = \"W\"").is_ok());
    }

    #[test]
    fn what_is_compared_as_json_must_be_json_and_a_query_expects_one_thing() {
        let step = |body: &str| Scenario::parse("x.toml", &format!("[[steps]]\n{body}")).unwrap_err().message;
        let quotes = "a JSON string keeps its quotes: '\"text\"'";
        let e = step("do = \"query\"\nname = \"current_status\"\nexpect = \"delivered\"");
        assert!(
            e.starts_with("step 1 (line 1): do = \"query\": key `expect` is compared as JSON, and \"delivered\" is not JSON")
                && e.ends_with(quotes),
            "{e}"
        );
        let e = step("do = \"expect\"\nresult = \"Order Order123 processed\"");
        assert!(e.contains("key `result` is compared as JSON") && e.ends_with(quotes), "{e}");
        let e = step("do = \"query\"\nname = \"current_status\"\nexpect = \"{}\"\nerror = \"unknown\"");
        assert_eq!(e, "step 1 (line 1): do = \"query\": a query takes `expect` (its answer) or `error` (its refusal), not both");
    }

    #[test]
    fn durations_and_settings_are_refused_naming_their_key_in_plain_words() {
        let message = |text: &str| Scenario::parse("x.toml", text).unwrap_err().message;
        let run = "[[steps]]\ndo = \"run\"\n";
        let e = message(&format!("{run}[[steps]]\ndo = \"advance\"\nby = \"1e9h\""));
        assert!(e.starts_with("step 2 (line 3): do = \"advance\": key `by`: invalid duration \"1e9h\""), "{e}");
        assert!(e.ends_with(r#"unknown unit "e" (the units: ns, us, ms, s, m, h)"#), "{e}");
        let e = message("[[steps]]\ndo = \"start\"\ninput = \"{}\"\nexecution_timeout = \"-1s\"");
        assert!(e.contains("do = \"start\": key `execution_timeout`: invalid duration \"-1s\": negative"), "{e}");
        let e = message(&format!("{run}[[steps]]\ndo = \"advance\"\nto = \"nxt\""));
        assert!(e.contains(r#"do = "advance": key `to` is "nxt": expected "next" or "timers""#), "{e}");
        for (setting, says) in [
            ("timer_unit = \"5x\"", "key `timer_unit`: invalid duration \"5x\": unknown unit \"x\" (the units: ns, us, ms, s, m, h)"),
            ("timer_unit = 60", "key `timer_unit` has the wrong type (integer): expected a string"),
            ("timer_unit = \"500ms\"", "key `timer_unit` must be at least 1s"),
            ("seed = -1", "key `seed` must be 0 or more (got -1)"),
            ("seed = \"7\"", "key `seed` has the wrong type (string): expected a whole number"),
            ("name = 5", "key `name` has the wrong type (integer): expected a string"),
        ] {
            let e = message(&format!("{setting}\n{run}"));
            assert!(e.starts_with(says), "{setting}: {e}");
        }
        let e = message(&format!("nme = \"x\"\n{run}"));
        assert_eq!(e, "unknown key `nme` at the top of the file: it takes name, description, seed, chapter, timer_unit and [[steps]]");
        // The JSON form reads its settings by the same code.
        let e = Scenario::parse_json("x", r#"{"seed": -1, "steps": [{"do": "run"}]}"#).unwrap_err();
        assert_eq!(e.message, "key `seed` must be 0 or more (got -1)");
        let e = Scenario::parse_json("x", r#"{"steps": [{"do": "run"}], "nme": 1}"#).unwrap_err();
        assert!(e.message.starts_with("unknown key `nme` at the top"), "{e}");
    }

    #[test]
    fn a_toml_error_on_a_long_line_quotes_a_readable_part_of_it() {
        let text = format!("x = {}{}\n[[steps]]\ndo = \"run\"\n", "[".repeat(50_000), "]".repeat(50_000));
        let e = Scenario::parse("x.toml", &text).unwrap_err();
        assert!(e.message.starts_with("TOML parse error at line 1"), "{}", &e.message[..200.min(e.message.len())]);
        assert!(e.message.lines().all(|l| l.chars().count() <= 161), "{} bytes", e.message.len());
    }

    #[test]
    fn a_json_file_is_said_to_be_json_rather_than_a_toml_key_error() {
        // A scenario written as JSON, or a history exported with --format json or
        // cli-json and handed to the runner: the parser said "invalid key" at 1:1.
        for text in [r#"{"steps": [{"do": "run"}]}"#, "[{\"eventId\": 1}]\n"] {
            let e = Scenario::parse("x.json", text).unwrap_err();
            assert!(e.message.starts_with("this file is JSON, and a scenario file is TOML: "), "{e}");
            assert!(e.message.contains("`scenario --history FILE`") && e.message.contains("`tui --import FILE`"), "{e}");
        }
        // TOML that does not parse keeps the parser's line and column.
        let e = Scenario::parse("x.toml", "[[steps]\ndo = \"run\"\n").unwrap_err();
        assert!(e.message.starts_with("TOML parse error at line 1, column 8"), "{e}");
    }

    #[test]
    fn a_step_or_a_clock_move_with_no_workflow_to_act_on_says_why() {
        // Before a start, and after the workflow has closed, "the worker waits for the
        // clock or a signal" sent the author looking for a signal that cannot help.
        let idle = "[[steps]]\ndo = \"step\"\n[[steps]]\ndo = \"advance\"\nto = \"next\"\n";
        let outcome = run(&Scenario::parse("x.toml", idle).unwrap());
        assert_eq!(
            outcome.failures,
            [
                "step 1 (step): nothing to step: no workflow was started (a `start` step comes first)",
                "step 2 (advance): nothing is scheduled: no workflow was started (a `start` step comes first)",
            ]
        );
        let start = "[[steps]]\ndo = \"start\"\ninput = '{\"id\":\"Pkg7\",\"customer\":\"Cadence\",\"amount\":20}'\n";
        let text = format!(
            "chapter = \"activities\"\n{start}[[steps]]\ndo = \"run\"\n[[steps]]\ndo = \"expect\"\nstatus = \"completed\"\n\
             [[steps]]\ndo = \"step\"\ncount = 2\n{}",
            &idle[idle.find("[[steps]]\ndo = \"advance\"").unwrap()..]
        );
        let outcome = run(&Scenario::parse("x.toml", &text).unwrap());
        let closed = "the workflow has closed (completed), and a closed workflow gets no more decision tasks, activities or timers";
        assert_eq!(
            outcome.failures,
            [
                format!("step 4 (step): nothing to step: {closed} (after 0 of 2 steps)"),
                format!("step 5 (advance): nothing is scheduled: {closed}")
            ]
        );
        // While the workflow runs, the wait is what stops the worker, and is named.
        let outcome = run(&Scenario::parse("x.toml", &format!("{start}[[steps]]\ndo = \"run\"\n[[steps]]\ndo = \"step\"\n")).unwrap());
        assert_eq!(outcome.failures, ["step 3 (step): nothing to step: the worker waits for the clock or a signal"]);
    }

    #[test]
    fn the_last_of_many_steps_is_named_with_its_line() {
        // Lines are counted in one pass (from the start for every step, 200,000 steps
        // took minutes); the last step's line must still be right.
        let steps = 10_000;
        let text = format!("{}[[steps]]\ndo = \"rn\"\n", "[[steps]]\ndo = \"run\"\n".repeat(steps - 1));
        let e = Scenario::parse("x.toml", &text).unwrap_err();
        assert!(e.message.starts_with(&format!("step {steps} (line {}): do = \"rn\"", 2 * steps - 1)), "{e}");
    }

    #[test]
    fn a_step_count_past_what_the_worker_can_do_says_how_far_it_got() {
        let start = "[[steps]]\ndo = \"start\"\ninput = '{\"id\":\"Pkg7\"}'\n";
        let outcome = run(&Scenario::parse("x.toml", &format!("{start}[[steps]]\ndo = \"step\"\ncount = 10\n")).unwrap());
        assert_eq!(outcome.failures, ["step 2 (step): nothing to step: the worker waits for the clock or a signal (after 3 of 10 steps)"]);
    }

    #[test]
    fn an_expected_refusal_is_placed_where_the_timeline_met_it() {
        let sc = Scenario::load("signal-after-completion").unwrap();
        let outcome = run(&sc);
        let refused = outcome.refused_on_timeline(&sc);
        assert_eq!(refused.len(), 1, "{refused:?}");
        let (at, words) = &refused[0];
        // After the entry that completed the workflow, before the query that follows.
        let timeline = outcome.session.timeline();
        assert!(timeline[at - 1].outcome.contains("CompleteWorkflowExecution"), "{:?}", timeline[at - 1]);
        assert!(matches!(timeline[*at].action, crate::session::Action::Query { .. }), "{:?}", timeline[*at]);
        assert!(words.contains("sending ScanSignal: refused, as the scenario expects: workflow execution already completed"), "{words}");
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
