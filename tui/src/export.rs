//! Where things leave the app: a path as typed in the export (and import) prompt,
//! with `~` expanded as a shell would, and text for the clipboard as an OSC 52 escape
//! (the terminal copies it, also over ssh and in tmux with `set-clipboard on`).

use std::path::PathBuf;

use base64::Engine as _;

/// The OSC 52 sequence that asks the terminal to put `text` on the clipboard.
pub fn osc52(text: &str) -> String {
    format!("\x1b]52;c;{}\x07", base64::engine::general_purpose::STANDARD.encode(text))
}

/// `~` and `~/...` become the home directory; anything else stays as typed.
pub fn expand_home(typed: &str) -> PathBuf {
    let home = std::env::var_os("HOME").filter(|h| !h.is_empty());
    match (typed.strip_prefix('~'), home) {
        (Some(""), Some(h)) => PathBuf::from(h),
        (Some(rest), Some(h)) if rest.starts_with('/') => PathBuf::from(h).join(&rest[1..]),
        _ => PathBuf::from(typed),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_clipboard_escape_carries_the_whole_command() {
        let cmd = "cadence --domain cadence-workshop wf signal --name ScanSignal --workflow_id Order123 --input '{\"location\":\"Delft\"}'";
        let seq = osc52(cmd);
        assert!(seq.starts_with("\x1b]52;c;") && seq.ends_with('\x07'));
        let b64 = &seq["\x1b]52;c;".len()..seq.len() - 1];
        assert_eq!(base64::engine::general_purpose::STANDARD.decode(b64).unwrap(), cmd.as_bytes());
    }

    #[test]
    fn a_tilde_is_the_home_directory() {
        let home = PathBuf::from(std::env::var_os("HOME").unwrap());
        assert_eq!(expand_home("~/x.json"), home.join("x.json"));
        assert_eq!(expand_home("~"), home);
        assert_eq!(expand_home("~bob/x"), PathBuf::from("~bob/x"), "another user's home is left alone");
        assert_eq!(expand_home("a/~/b"), PathBuf::from("a/~/b"));
    }
}
