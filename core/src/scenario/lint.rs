//! Warnings about a scenario that plays but probably does not do what its author
//! meant. Cadence accepts a signal of any name and records it in the history, so a
//! misspelled `ScanSignl` is no error to the server: the workflow simply never reads
//! it, and the scenario's later expectations fail far from the cause.

use super::{Scenario, Step};

impl Scenario {
    /// One line per suspicious step, naming the step: a signal that the chapter's
    /// workflow code does not read; and a scenario that starts no order, where `run`
    /// and `advance` have nothing to act on and every expectation meets an empty history.
    pub fn warnings(&self) -> Vec<String> {
        let mut warnings = Vec::new();
        if !self.steps.iter().any(|s| matches!(s, Step::Start { .. })) {
            warnings.push("no step starts an order (do = \"start\"), so the simulated server writes nothing".to_owned());
        }
        warnings.extend(self.unread_signals());
        warnings
    }

    fn unread_signals(&self) -> Vec<String> {
        let chapter = self.config.postal.chapter;
        let read = chapter.signals();
        let reads = match read.as_slice() {
            [] => "it reads no signals in this chapter".to_owned(),
            names => format!("it reads {}", names.join(", ")),
        };
        let workflow = chapter.names().workflow;
        self.steps
            .iter()
            .enumerate()
            .filter_map(|(i, step)| match step {
                Step::Signal { name, .. } if !read.contains(&name.as_str()) => Some(format!(
                    "step {}: signal {name:?} is not one {workflow} reads ({reads}): Cadence records it in the history, and the workflow never sees it",
                    i + 1
                )),
                _ => None,
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use crate::scenario::{BUILTIN, Scenario};

    #[test]
    fn a_misspelled_signal_is_named_and_the_built_in_scenarios_have_none() {
        let start = "[[steps]]\ndo = \"start\"\ninput = '{\"id\":\"Pkg1\"}'\n";
        let text =
            &format!("{start}[[steps]]\ndo = \"signal\"\nname = \"ScanSignl\"\n[[steps]]\ndo = \"signal\"\nname = \"DeliveredSignal\"\n");
        let s = Scenario::parse("x.toml", text).unwrap();
        assert_eq!(
            s.warnings(),
            ["step 2: signal \"ScanSignl\" is not one OrderProcessingWorkflowComplete reads (it reads ScanSignal, DeliveredSignal): \
              Cadence records it in the history, and the workflow never sees it"]
        );
        // An early chapter's code reads fewer signals, and says so.
        let early = Scenario::parse("x.toml", &format!("chapter = \"activities\"\n{text}")).unwrap();
        assert!(early.warnings()[1].contains("(it reads no signals in this chapter)"), "{:?}", early.warnings());
        let idle = Scenario::parse("x.toml", "[[steps]]\ndo = \"run\"\n").unwrap();
        assert_eq!(idle.warnings(), ["no step starts an order (do = \"start\"), so the simulated server writes nothing"]);
        for b in BUILTIN {
            assert_eq!(Scenario::parse(b.name, b.toml).unwrap().warnings(), Vec::<String>::new(), "{}", b.name);
        }
    }
}
