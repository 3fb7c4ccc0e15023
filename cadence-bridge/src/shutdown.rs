//! SIGINT and SIGTERM set a flag instead of killing the process, so the worker can
//! finish the tasks it holds before it exits. A second signal exits at once, for a
//! person who does not want to wait, unless quitting then would leave something behind
//! on the server (a workflow open until its execution timeout): while an [`Unfinished`]
//! is held, the second signal says that the cleanup is being finished and what a third
//! would leave, and only a third exits at once, saying what it left.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicPtr, AtomicUsize, Ordering};
use std::sync::{Mutex, OnceLock};

use crate::client::Client;
use crate::error::BridgeError;

static FLAG: OnceLock<Arc<AtomicBool>> = OnceLock::new();

/// Signals received so far.
static SIGNALS: AtomicUsize = AtomicUsize::new(0);

/// What the handler writes while an [`Unfinished`] is held; null when none is.
static NOTES: AtomicPtr<Notes> = AtomicPtr::new(std::ptr::null_mut());

/// Handlers that may be reading [`NOTES`]: notes taken out of it are freed only once
/// none is (a handler that starts after that reads the ones put in).
static READING: AtomicUsize = AtomicUsize::new(0);

/// The [`Unfinished`] whose notes are in [`NOTES`] (0: none), and the last one handed
/// out; taken by whatever puts notes in or takes them out, never by the handler.
static HOLDER: Mutex<(u64, u64)> = Mutex::new((0, 0));

struct Notes {
    /// Written on the second signal: the cleanup goes on.
    finishing: Box<[u8]>,
    /// Written on the third, just before exiting: what is left behind.
    left: Box<[u8]>,
}

extern "C" fn on_signal(_: libc::c_int) {
    // Only async-signal-safe calls here: atomics, write(2) and _exit, not
    // std::process::exit or eprintln!.
    if let Some(flag) = FLAG.get() {
        flag.store(true, Ordering::SeqCst);
    }
    let n = SIGNALS.fetch_add(1, Ordering::SeqCst) + 1;
    if n == 1 {
        return;
    }
    READING.fetch_add(1, Ordering::SeqCst);
    let notes = NOTES.load(Ordering::SeqCst);
    if notes.is_null() {
        unsafe { libc::_exit(130) };
    }
    // SAFETY: notes taken out of NOTES are freed only once READING is back to 0 (see
    // publish), and this handler counts in it until it is done with them.
    let notes = unsafe { &*notes };
    let text = if n == 2 { &notes.finishing } else { &notes.left };
    unsafe { libc::write(libc::STDERR_FILENO, text.as_ptr().cast(), text.len()) };
    if n > 2 {
        unsafe { libc::_exit(130) };
    }
    READING.fetch_sub(1, Ordering::SeqCst);
}

/// Installs the handlers; the returned flag turns true on the first signal.
pub fn install() -> Arc<AtomicBool> {
    let flag = FLAG.get_or_init(|| Arc::new(AtomicBool::new(false))).clone();
    let handler = on_signal as extern "C" fn(libc::c_int) as *const () as libc::sighandler_t;
    // SAFETY: the handler only touches atomics and calls write and _exit, all
    // async-signal-safe.
    unsafe {
        libc::signal(libc::SIGINT, handler);
        libc::signal(libc::SIGTERM, handler);
    }
    flag
}

/// Held while quitting would leave something behind on the server, from before the
/// call that creates it until the call that ends it has returned. A second signal then
/// writes `finishing` (the cleanup goes on, and what a third signal would leave) and
/// does not exit; a third writes `left` (what is left and how to end it) and exits with
/// status 130. One is held at a time: the latest counts, and dropping an older one
/// changes nothing. What is left can change (a load's workflows in flight): hold anew,
/// as often as needed; the notes replaced are freed.
pub struct Unfinished(u64);

impl Unfinished {
    pub fn hold(finishing: &str, left: &str) -> Unfinished {
        let line = |s: &str| format!("{}\n", s.trim_end()).into_bytes().into_boxed_slice();
        let notes = Box::new(Notes { finishing: line(finishing), left: line(left) });
        let mut holder = HOLDER.lock().unwrap_or_else(|p| p.into_inner());
        holder.1 += 1;
        holder.0 = holder.1;
        publish(Box::into_raw(notes));
        Unfinished(holder.1)
    }
}

impl Drop for Unfinished {
    fn drop(&mut self) {
        let mut holder = HOLDER.lock().unwrap_or_else(|p| p.into_inner());
        if holder.0 == self.0 {
            holder.0 = 0;
            publish(std::ptr::null_mut());
        }
    }
}

/// Puts `notes` in [`NOTES`] and frees the ones it replaces once no handler can be
/// reading them. Called with [`HOLDER`] taken. A handler running on this thread has
/// returned before this goes on, so the wait ends (one that exits does not return).
fn publish(notes: *mut Notes) {
    let old = NOTES.swap(notes, Ordering::SeqCst);
    if old.is_null() {
        return;
    }
    while READING.load(Ordering::SeqCst) != 0 {
        std::thread::yield_now();
    }
    // SAFETY: `old` came from Box::into_raw in hold, and is no longer in NOTES nor read.
    drop(unsafe { Box::from_raw(old) });
}

/// The `bridge` command line that runs `args` against the server and domain `client`
/// works with, for a note on what is left open there: `bridge --address URL --domain
/// cadence-workshop wf list`.
pub fn bridge_command(client: &Client, domain: &str, args: &str) -> String {
    format!("bridge --address {} --domain {domain} {args}", client.url().trim_end_matches('/'))
}

/// The command that ends workflow `workflow_id` by hand.
pub fn terminate_command(client: &Client, domain: &str, workflow_id: &str) -> String {
    bridge_command(client, domain, &format!("wf terminate --wid {workflow_id}"))
}

/// What is said of a workflow whose terminate failed with `error`: it stays open until
/// its execution timeout unless someone ends it, with the command that does.
pub fn may_be_open(client: &Client, domain: &str, workflow_id: &str, error: &BridgeError) -> String {
    format!(
        "{workflow_id} may be open on the server until its execution timeout ({error}); end it with `{}`",
        terminate_command(client, domain, workflow_id)
    )
}

#[cfg(test)]
mod tests {
    use std::process::Command;
    use std::sync::atomic::Ordering;

    use super::{SIGNALS, Unfinished, install};

    /// Set in the child process that the test below runs: this same test binary.
    const CHILD: &str = "POSTFLOW_SHUTDOWN_TEST_CHILD";

    #[test]
    fn while_a_cleanup_is_unfinished_a_second_signal_waits_for_it_and_a_third_says_what_it_leaves() {
        if let Ok(signals) = std::env::var(CHILD) {
            // The child: a run with a workflow open, interrupted `signals` times; raise()
            // returns once the handler has run.
            let flag = install();
            // What is left changed once (a load's workflows in flight): the latest
            // notes count, and dropping the older hold changes nothing.
            let older = Unfinished::hold("cleanup: finishing V", "cleanup: left V open");
            let unfinished = Unfinished::hold("cleanup: finishing", "cleanup: left W open");
            drop(older);
            for _ in 0..signals.parse::<usize>().unwrap() {
                unsafe { libc::raise(libc::SIGINT) };
            }
            assert!(flag.load(Ordering::SeqCst));
            eprintln!("child: cleanup done after {} signals", SIGNALS.load(Ordering::SeqCst));
            drop(unfinished);
            // Nothing left behind now: the next signal quits at once.
            unsafe { libc::raise(libc::SIGINT) };
            eprintln!("child: still running");
            return;
        }
        let child = |signals: &str| {
            let out = Command::new(std::env::current_exe().unwrap())
                .args([
                    "--exact",
                    "shutdown::tests::while_a_cleanup_is_unfinished_a_second_signal_waits_for_it_and_a_third_says_what_it_leaves",
                ])
                .args(["--nocapture", "--test-threads=1"])
                .env(CHILD, signals)
                .output()
                .unwrap();
            (out.status.code(), String::from_utf8_lossy(&out.stderr).into_owned())
        };
        // Ctrl-C, Ctrl-C: the cleanup is not cut short; it says so, and the signal after
        // it quits at once (status 130).
        let (code, err) = child("2");
        assert_eq!(code, Some(130), "{err}");
        assert!(err.contains("cleanup: finishing\n") && err.contains("child: cleanup done after 2 signals"), "{err}");
        assert!(!err.contains("left W open") && !err.contains("still running"), "{err}");
        // A third quits before the cleanup ends, saying what it leaves.
        let (code, err) = child("3");
        assert_eq!(code, Some(130), "{err}");
        assert!(err.contains("cleanup: finishing\ncleanup: left W open\n"), "{err}");
        assert!(!err.contains("cleanup done") && !err.contains(" V"), "{err}");
        // One signal only sets the flag, as before.
        let (_, err) = child("1");
        assert!(err.contains("child: cleanup done after 1 signals") && !err.contains("cleanup: finishing"), "{err}");
    }
}
