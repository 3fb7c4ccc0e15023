//! One-line prompts: the scan location, the reason of a terminate and the export/import paths.

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PromptKind {
    Scan,
    /// `cadence wf terminate`: the reason, which may be left empty.
    Terminate,
    Export,
    Import,
}

impl PromptKind {
    /// The title, padded by a space on each side as every pane's is.
    pub fn title(self) -> &'static str {
        match self {
            PromptKind::Scan => " Scan the package: location (cadence wf signal --name ScanSignal) ",
            PromptKind::Terminate => " Terminate the workflow: reason (cadence wf terminate --reason) ",
            PromptKind::Export => " Export to file ",
            PromptKind::Import => " Import a Cadence history JSON file ",
        }
    }

    /// What the prompt's input decides, shown under it (a title has no room for it at 80 columns).
    pub fn note(self) -> Option<&'static str> {
        match self {
            PromptKind::Export => Some(
                "the name's end picks the form: .json the API's history · .cli-history.json the CLI's and Go replayer's · .sh a replay script",
            ),
            PromptKind::Terminate => Some(
                "the server closes the workflow at once, without asking its code; its open activities and timers are dropped. \
                 The reason is optional: Enter on an empty line terminates with none",
            ),
            PromptKind::Scan | PromptKind::Import => None,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Prompt {
    pub kind: PromptKind,
    pub input: String,
    /// Why the last submit was refused; the prompt stays open so the text can be fixed.
    pub error: Option<String>,
}

impl Prompt {
    pub fn new(kind: PromptKind, input: impl Into<String>) -> Prompt {
        Prompt { kind, input: input.into(), error: None }
    }

    pub fn type_char(&mut self, c: char) {
        self.input.push(c);
        self.error = None;
    }

    /// The file was found to exist and Enter was pressed again without a change.
    pub fn confirmed_overwrite(&self, text: &str) -> bool {
        self.error.as_deref().is_some_and(|e| e.contains("exists: press Enter again")) && self.input.trim() == text
    }

    pub fn backspace(&mut self) {
        self.input.pop();
        self.error = None;
    }
}
