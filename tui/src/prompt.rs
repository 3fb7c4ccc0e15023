//! One-line prompts: the scan location, the reason of a terminate or a cancel and the
//! export/import paths; and the editing at a cursor that they share with the start form's fields
//! ([`Edit`], [`Cursor`]).

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PromptKind {
    Scan,
    /// `cadence wf terminate`: the reason, which may be left empty.
    Terminate,
    /// `cadence wf cancel`: the reason (the request's cause), which may be left empty.
    Cancel,
    Export,
    Import,
}

impl PromptKind {
    /// The title, padded by a space on each side as every pane's is.
    pub fn title(self) -> &'static str {
        match self {
            PromptKind::Scan => " Scan the package: location (cadence wf signal --name ScanSignal) ",
            PromptKind::Terminate => " Terminate the workflow: reason (cadence wf terminate --reason) ",
            PromptKind::Cancel => " Cancel the workflow: reason (cadence wf cancel --reason) ",
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
            PromptKind::Cancel => Some(
                "the server closes nothing: it records the request, and the workflow code hears it in its next decision \
                 task and decides (ours cancels its timer or activity, and may go on). The reason is optional: Enter on \
                 an empty line sends none",
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
    cursor: Cursor,
}

impl Prompt {
    /// A prompt holding `input`, with the cursor after it.
    pub fn new(kind: PromptKind, input: impl Into<String>) -> Prompt {
        Prompt { kind, input: input.into(), error: None, cursor: Cursor::default() }
    }

    /// Where the cursor is: how many characters of the input are before it.
    pub fn cursor(&self) -> usize {
        self.cursor.at(&self.input)
    }

    /// A key's edit: a change of the text makes the last error stale (not a move: the
    /// overwrite question still stands while the name is the same).
    pub fn edit(&mut self, edit: Edit) {
        if self.cursor.apply(&mut self.input, edit) {
            self.error = None;
        }
    }

    /// Text put in at the cursor (a paste), the cursor after it.
    pub fn insert(&mut self, text: &str) {
        if self.cursor.insert(&mut self.input, text) {
            self.error = None;
        }
    }

    /// The file was found to exist and Enter was pressed again without a change.
    pub fn confirmed_overwrite(&self, text: &str) -> bool {
        self.error.as_deref().is_some_and(|e| e.contains("exists: press Enter again")) && self.input.trim() == text
    }
}

/// What an editing key does to a line of text (`keymap::edit` says which key is which).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Edit {
    /// One character back (←).
    Left,
    /// One character on (→).
    Right,
    /// To the start (Home, Ctrl-A).
    Home,
    /// To the end (End, Ctrl-E).
    End,
    /// Deletes the character before the cursor.
    Backspace,
    /// Deletes the character at the cursor.
    Delete,
    /// Puts a character in at the cursor, the cursor after it.
    Insert(char),
}

/// A cursor in a line of text, counted in characters (`char`s), never in bytes: "ü",
/// "東" and "📦" are one step and one Backspace each, however many bytes UTF-8 gives
/// them. The text lives beside it (a prompt's input, a form field), so a cursor is
/// read against the text it is in, never past its end. It starts at the end, where
/// typing goes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Cursor(Option<usize>);

impl Cursor {
    /// The cursor's place in `text`: how many characters are before it.
    pub fn at(self, text: &str) -> usize {
        let len = text.chars().count();
        self.0.map_or(len, |at| at.min(len))
    }

    /// Applies `edit` to `text`; whether the text changed (a move changes none).
    pub fn apply(&mut self, text: &mut String, edit: Edit) -> bool {
        let (at, len) = (self.at(text), text.chars().count());
        let (to, changed) = match edit {
            Edit::Left => (at.saturating_sub(1), false),
            Edit::Right => ((at + 1).min(len), false),
            Edit::Home => (0, false),
            Edit::End => (len, false),
            Edit::Backspace if at > 0 => {
                text.remove(byte_index(text, at - 1));
                (at - 1, true)
            }
            Edit::Delete if at < len => {
                text.remove(byte_index(text, at));
                (at, true)
            }
            Edit::Backspace | Edit::Delete => (at, false),
            Edit::Insert(c) => {
                text.insert(byte_index(text, at), c);
                (at + 1, true)
            }
        };
        self.0 = Some(to);
        changed
    }

    /// Puts `more` in at the cursor, the cursor after it; whether there was anything to put.
    pub fn insert(&mut self, text: &mut String, more: &str) -> bool {
        let at = self.at(text);
        text.insert_str(byte_index(text, at), more);
        self.0 = Some(at + more.chars().count());
        !more.is_empty()
    }
}

/// The byte where character `n` of `text` starts (the text's length past its last).
fn byte_index(text: &str, n: usize) -> usize {
    text.char_indices().nth(n).map_or(text.len(), |(i, _)| i)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `text` with the cursor `at`, after `edits`: the text and where the cursor ends up.
    fn edited(text: &str, at: usize, edits: &[Edit]) -> (String, usize) {
        let mut text = text.to_owned();
        let mut cursor = Cursor(Some(at));
        for e in edits {
            cursor.apply(&mut text, *e);
        }
        let at = cursor.at(&text);
        (text, at)
    }

    #[test]
    fn the_cursor_starts_at_the_end_where_typing_goes() {
        let mut p = Prompt::new(PromptKind::Export, "Order123.json");
        assert_eq!(p.cursor(), 13);
        p.edit(Edit::Insert('x'));
        assert_eq!(p.input, "Order123.jsonx");
    }

    #[test]
    fn moves_and_deletes_go_by_characters_not_bytes() {
        // ü is two bytes, 東 and 京 three, 📦 four: each is one step and one delete.
        assert_eq!(edited("Zürich", 6, &[Edit::Left; 4]), ("Zürich".into(), 2));
        assert_eq!(edited("Zürich", 2, &[Edit::Backspace]), ("Zrich".into(), 1));
        assert_eq!(edited("Zürich", 1, &[Edit::Delete]), ("Zrich".into(), 1));
        assert_eq!(edited("東京", 2, &[Edit::Left, Edit::Insert('・')]), ("東・京".into(), 2));
        assert_eq!(edited("東京", 1, &[Edit::Backspace, Edit::Delete]), ("".into(), 0));
        assert_eq!(edited("a📦b", 0, &[Edit::Right, Edit::Right, Edit::Backspace]), ("ab".into(), 1));
        assert_eq!(edited("a📦b", 1, &[Edit::Delete, Edit::Insert('🚚')]), ("a🚚b".into(), 2));
    }

    #[test]
    fn every_edit_at_every_place_of_a_mixed_text_keeps_the_text_whole() {
        // Each edit from each cursor place: no char boundary is ever cut (that would
        // panic), and the text is what the edit says.
        let text = "Zü東📦x";
        let chars: Vec<char> = text.chars().collect();
        for at in 0..=chars.len() {
            let (before, after) = (chars[..at].iter().collect::<String>(), chars[at..].iter().collect::<String>());
            let (cut_back, cut_on) =
                (chars[..at.saturating_sub(1)].iter().collect::<String>(), chars[(at + 1).min(chars.len())..].iter().collect::<String>());
            assert_eq!(edited(text, at, &[Edit::Backspace]), (format!("{cut_back}{after}"), at.saturating_sub(1)), "Backspace at {at}");
            assert_eq!(edited(text, at, &[Edit::Delete]), (format!("{before}{cut_on}"), at), "Delete at {at}");
            assert_eq!(edited(text, at, &[Edit::Insert('é')]), (format!("{before}é{after}"), at + 1), "typing at {at}");
            assert_eq!(edited(text, at, &[Edit::Left]).1, at.saturating_sub(1));
            assert_eq!(edited(text, at, &[Edit::Right]).1, (at + 1).min(chars.len()));
        }
    }

    #[test]
    fn the_ends_stop_the_cursor_and_home_and_end_jump_to_them() {
        assert_eq!(edited("Delft", 0, &[Edit::Left, Edit::Backspace]), ("Delft".into(), 0));
        assert_eq!(edited("Delft", 5, &[Edit::Right, Edit::Delete]), ("Delft".into(), 5));
        assert_eq!(edited("Delft", 2, &[Edit::Home, Edit::Insert('>')]), (">Delft".into(), 1));
        assert_eq!(edited("Delft", 2, &[Edit::End, Edit::Insert('!')]), ("Delft!".into(), 6));
    }

    #[test]
    fn a_cursor_past_a_text_made_shorter_is_read_at_its_end() {
        let mut text = String::from("Amsterdam");
        let mut cursor = Cursor(Some(9));
        text.truncate(3);
        assert_eq!(cursor.at(&text), 3);
        cursor.apply(&mut text, Edit::Backspace);
        assert_eq!(text, "Am");
    }

    #[test]
    fn a_paste_goes_in_at_the_cursor() {
        let mut p = Prompt::new(PromptKind::Scan, "Delft");
        p.edit(Edit::Home);
        p.insert("Nieuw 東京 ");
        assert_eq!((p.input.as_str(), p.cursor()), ("Nieuw 東京 Delft", 9));
    }

    #[test]
    fn a_change_clears_the_last_error_and_a_move_keeps_it() {
        let mut p = Prompt::new(PromptKind::Export, "x.json");
        p.error = Some("x.json exists: press Enter again to overwrite it".into());
        p.edit(Edit::Left);
        p.edit(Edit::End);
        assert!(p.confirmed_overwrite("x.json"), "moving changes nothing: Enter still overwrites");
        p.edit(Edit::Backspace);
        assert_eq!(p.error, None);
    }
}
