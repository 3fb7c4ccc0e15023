//! The progress line while a fleet runs, on stderr. It must end two columns before
//! the terminal's edge, and the cursor with it: on Ctrl-C the terminal echoes `^C`
//! at the cursor, and an echo that does not fit wraps to the next row, which the
//! bar's clearing then took for the bar's row — the bar stayed standing above the
//! report. (A line the terminal wraps is not wholly cleared either.)

use std::io::{self, Write};
use std::sync::Mutex;

use indicatif::{ProgressDrawTarget, ProgressStyle, TermLike};
use postflow_core::fleet::{Progress, grouped};

use crate::plot;

/// Columns before the message: `00:01:02 [=====>      ] `.
const BEFORE_MESSAGE: usize = 24;

/// Columns left free at the end of the line: the echoed `^C`.
const ECHO: usize = 2;

/// A short bar, then the message.
pub fn style() -> ProgressStyle {
    ProgressStyle::with_template("{elapsed_precise} [{bar:12}] {msg}").expect("the template is valid").progress_chars("=> ")
}

/// Where the run is, cut to leave the last two of `columns` free: the virtual day
/// first (what a newcomer watches move), then the workflows closed and arrived, then
/// the history events written.
pub fn message(p: &Progress, columns: usize) -> String {
    let text = format!(
        "day {:.1}: {} of {} closed, {} arrived, {} events",
        p.virtual_secs as f64 / 86_400.0,
        grouped(p.closed),
        grouped(p.packages),
        grouped(p.arrived),
        plot::short(p.events as f64)
    );
    // Two columns are left for the `^C` the terminal echoes on Ctrl-C.
    text.chars().take(columns.saturating_sub(BEFORE_MESSAGE + ECHO)).collect()
}

/// Where the bar is drawn: stderr when it is a terminal, nowhere otherwise (a log
/// file gets the report, not a bar's redraws).
pub fn target() -> ProgressDrawTarget {
    // SAFETY: isatty only looks at the descriptor.
    if unsafe { libc::isatty(libc::STDERR_FILENO) } == 1 {
        ProgressDrawTarget::term_like_with_hz(Box::new(Terminal { out: Mutex::new(io::stderr()), columns: terminal_columns }), 20)
    } else {
        ProgressDrawTarget::hidden()
    }
}

/// The width of the terminal stderr writes to, as it is now (it may be resized
/// during a run), or 80 when it cannot be asked.
pub fn terminal_columns() -> usize {
    // SAFETY: TIOCGWINSZ only fills the winsize it is given.
    let mut size: libc::winsize = unsafe { std::mem::zeroed() };
    let asked = unsafe { libc::ioctl(libc::STDERR_FILENO, libc::TIOCGWINSZ, &mut size) };
    if asked == 0 && size.ws_col > 0 { usize::from(size.ws_col) } else { 80 }
}

/// A terminal for indicatif that leaves the cursor where the bar's text ends.
/// indicatif pads its last line with spaces to the right edge, to put whatever is
/// printed next on a new row; nothing is printed while the bar is up, and the
/// padding is what put the cursor in the last column (see above), so it is left out.
#[derive(Debug)]
struct Terminal<W: Write + Send + std::fmt::Debug> {
    out: Mutex<W>,
    columns: fn() -> usize,
}

impl<W: Write + Send + std::fmt::Debug> Terminal<W> {
    fn put(&self, s: &str) -> io::Result<()> {
        self.out.lock().unwrap_or_else(|e| e.into_inner()).write_all(s.as_bytes())
    }
}

impl<W: Write + Send + std::fmt::Debug> TermLike for Terminal<W> {
    fn width(&self) -> u16 {
        u16::try_from((self.columns)()).unwrap_or(u16::MAX)
    }
    fn move_cursor_up(&self, n: usize) -> io::Result<()> {
        if n == 0 { Ok(()) } else { self.put(&format!("\x1b[{n}A")) }
    }
    fn move_cursor_down(&self, n: usize) -> io::Result<()> {
        if n == 0 { Ok(()) } else { self.put(&format!("\x1b[{n}B")) }
    }
    fn move_cursor_right(&self, n: usize) -> io::Result<()> {
        if n == 0 { Ok(()) } else { self.put(&format!("\x1b[{n}C")) }
    }
    fn move_cursor_left(&self, n: usize) -> io::Result<()> {
        if n == 0 { Ok(()) } else { self.put(&format!("\x1b[{n}D")) }
    }
    fn write_line(&self, s: &str) -> io::Result<()> {
        self.put(s)?;
        self.put("\n")
    }
    fn write_str(&self, s: &str) -> io::Result<()> {
        // The padding to the right edge comes as a string of spaces of its own.
        if !s.is_empty() && s.bytes().all(|b| b == b' ') { Ok(()) } else { self.put(s) }
    }
    fn clear_line(&self) -> io::Result<()> {
        self.put("\r\x1b[2K")
    }
    fn flush(&self) -> io::Result<()> {
        self.out.lock().unwrap_or_else(|e| e.into_inner()).flush()
    }
}

#[cfg(test)]
mod tests {
    use indicatif::ProgressBar;

    use super::*;

    /// What a terminal of `columns` shows after the bar was drawn and the run
    /// stopped, and the cursor's column on its last row.
    fn drawn(columns: fn() -> usize) -> (String, usize) {
        // A million packages half way, the widest numbers a run shows.
        let p = Progress {
            arrived: 1_000_000,
            closed: 512_345,
            packages: 1_000_000,
            virtual_secs: 3 * 86_400,
            events: 98_765_432,
            done: false,
        };
        let terminal = std::sync::Arc::new(Mutex::new(Vec::<u8>::new()));
        #[derive(Debug)]
        struct Shared(std::sync::Arc<Mutex<Vec<u8>>>);
        impl Write for Shared {
            fn write(&mut self, b: &[u8]) -> io::Result<usize> {
                self.0.lock().unwrap().write(b)
            }
            fn flush(&mut self) -> io::Result<()> {
                Ok(())
            }
        }
        let target = ProgressDrawTarget::term_like(Box::new(Terminal { out: Mutex::new(Shared(terminal.clone())), columns }));
        let bar = ProgressBar::with_draw_target(Some(p.packages), target);
        bar.set_style(style());
        bar.set_position(p.closed);
        bar.set_message(message(&p, columns()));
        // Drawn however recently it was drawn: the test waits for no refresh.
        bar.abandon();
        let text = String::from_utf8(terminal.lock().unwrap().clone()).unwrap();
        let last_row = text.rsplit(['\n', '\r']).next().unwrap_or_default().trim_start_matches("\x1b[2K");
        (text.clone(), last_row.chars().count())
    }

    #[test]
    fn the_bar_and_the_cursor_end_before_the_terminal_s_last_column() {
        let (text, cursor) = drawn(|| 80);
        assert!(text.contains("day 3.0: 512,345 of"), "{text:?}");
        assert!(cursor + ECHO <= 80, "an echoed ^C would wrap to the next row: {text:?}");
        let (text, cursor) = drawn(|| 140);
        assert!(text.contains("day 3.0: 512,345 of 1,000,000 closed, 1,000,000 arrived, 98.8M events"), "{text:?}");
        assert!(cursor + ECHO <= 140, "{text:?}");
    }

    #[test]
    fn the_message_is_cut_to_the_terminal() {
        let p = Progress { arrived: 10, closed: 5, packages: 10, virtual_secs: 0, events: 0, done: false };
        assert_eq!(message(&p, 140), "day 0.0: 5 of 10 closed, 10 arrived, 0 events");
        assert_eq!(message(&p, 40), "day 0.0: 5 of ");
        assert_eq!(message(&p, 10), "");
    }
}
