//! SIGINT and SIGTERM set a flag instead of killing the process, so the worker can
//! finish the tasks it holds before it exits. A second signal exits at once, for a
//! person who does not want to wait.

use std::sync::Arc;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, Ordering};

static FLAG: OnceLock<Arc<AtomicBool>> = OnceLock::new();

extern "C" fn on_signal(_: libc::c_int) {
    if let Some(flag) = FLAG.get()
        && flag.swap(true, Ordering::SeqCst)
    {
        // Only async-signal-safe calls here: _exit, not std::process::exit.
        unsafe { libc::_exit(130) };
    }
}

/// Installs the handlers; the returned flag turns true on the first signal.
pub fn install() -> Arc<AtomicBool> {
    let flag = FLAG.get_or_init(|| Arc::new(AtomicBool::new(false))).clone();
    let handler = on_signal as extern "C" fn(libc::c_int) as *const () as libc::sighandler_t;
    // SAFETY: the handler only touches an atomic and calls _exit, both async-signal-safe.
    unsafe {
        libc::signal(libc::SIGINT, handler);
        libc::signal(libc::SIGTERM, handler);
    }
    flag
}
