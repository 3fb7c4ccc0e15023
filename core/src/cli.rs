//! Process set-up shared by the project's command-line programs (`scenario`, `tui`,
//! `bridge`, `fleet`, `workshop`). Not I/O: it only decides how a program ends when
//! the reader of its output goes away.

/// Lets a closed pipe end the program as it ends `cat` or `grep`: quietly. Rust
/// ignores SIGPIPE, so `scenario happy-path | head` made the next `println!` panic
/// with "failed printing to stdout: Broken pipe" and a backtrace.
pub fn end_quietly_on_a_closed_pipe() {
    #[cfg(unix)]
    // SAFETY: called first thing in `main`, before any thread exists; it sets the
    // signal's disposition back to the default every Unix program starts with.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}
