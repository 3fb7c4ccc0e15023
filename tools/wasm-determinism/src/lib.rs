//! The simulator as a bare WebAssembly module, so a JavaScript host (Node in CI) can
//! run the built-in scenarios and compare the histories with native runs byte for
//! byte. `scripts/wasm-determinism.sh` builds and drives it.
//!
//! ABI: `alloc(len) -> ptr` for the scenario name; `history_json(ptr, len) -> u64` runs
//! that built-in scenario and returns `ptr << 32 | len` of its history JSON, which
//! stays allocated (the host reads it and exits).

use postflow_core::scenario::{self, Scenario};

#[unsafe(no_mangle)]
pub extern "C" fn alloc(len: usize) -> *mut u8 {
    let mut v = Vec::<u8>::with_capacity(len);
    let p = v.as_mut_ptr();
    std::mem::forget(v);
    p
}

/// # Safety
/// `ptr` must point to `len` initialised bytes, e.g. a buffer from [`alloc`] that the
/// host filled.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn history_json(ptr: *const u8, len: usize) -> u64 {
    // SAFETY: the caller guarantees `len` readable bytes at `ptr`.
    let name = unsafe { std::slice::from_raw_parts(ptr, len) };
    let name = String::from_utf8_lossy(name);
    let json = match scenario::builtin(&name).map(|b| Scenario::parse(b.name, b.toml)) {
        Some(Ok(s)) => scenario::run(&s).session.history_json(),
        Some(Err(e)) => format!("error: {e}"),
        None => format!("error: no built-in scenario {name}"),
    };
    let bytes = json.into_bytes().into_boxed_slice();
    let (p, n) = (bytes.as_ptr() as u64, bytes.len() as u64);
    std::mem::forget(bytes);
    (p << 32) | n
}
