//! Panics are bugs in cairn, never mistakes of the author: this module
//! turns one into a message asking for a bug report (instead of Rust's bare
//! backtrace and exit status 101), and into an "internal error" diagnostic
//! for `watch` and `serve`, which keep the last good site and go on.
//!
//! The hook records the message of the latest panic; the commands catch
//! the unwinding panic (`std::panic::catch_unwind`) and decide what to do.

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use crate::diagnostics::Diagnostic;

/// The message and place of the latest panic, set by the hook.
static LAST: Mutex<Option<String>> = Mutex::new(None);

/// Set by `watch` and `serve`: they report panics as diagnostics of a
/// rebuild, so the hook only records them.
static QUIET: AtomicBool = AtomicBool::new(false);

/// What is said after every internal error.
pub const REPORT_HINT: &str = "this is a bug in cairn, not a mistake in your site; please report it with the command you ran and the files that trigger it";

/// Installs the hook that records (and, unless quiet, prints) panics.
pub fn install_hook() {
    std::panic::set_hook(Box::new(|info| {
        let payload = info.payload();
        let what = payload
            .downcast_ref::<&str>()
            .map(|s| (*s).to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "an unknown error".to_string());
        let place = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        let message = format!("cairn panicked{place}: {what}");
        if !QUIET.load(Ordering::Relaxed) {
            eprintln!("error: internal error: {message}\n  = help: {REPORT_HINT}");
            if std::env::var_os("RUST_BACKTRACE").is_some_and(|v| v != "0") {
                eprintln!("{}", std::backtrace::Backtrace::force_capture());
            }
        }
        if let Ok(mut last) = LAST.lock()
            && last.is_none()
        {
            *last = Some(message);
        }
    }));
}

/// Makes the hook record panics without printing them (`watch`, `serve`).
pub fn quiet() {
    QUIET.store(true, Ordering::Relaxed);
}

/// The diagnostic for a panic caught while building: the recorded message
/// (taken, so the next panic is recorded afresh) and a request to report it.
pub fn internal_error() -> Diagnostic {
    let message = LAST
        .lock()
        .ok()
        .and_then(|mut l| l.take())
        .unwrap_or_else(|| "cairn panicked".to_string());
    Diagnostic::error("cairn", format!("internal error: {message}")).with_hint(REPORT_HINT)
}

/// For tests of the panic paths: `CAIRN_INJECT_PANIC=TEXT` makes rendering
/// the body of any page that contains TEXT panic. A bug stand-in, since
/// cairn has no known panic left to trigger.
pub fn injected(body: &str) {
    static MARKER: std::sync::OnceLock<Option<String>> = std::sync::OnceLock::new();
    let marker = MARKER.get_or_init(|| {
        std::env::var("CAIRN_INJECT_PANIC")
            .ok()
            .filter(|m| !m.is_empty())
    });
    if let Some(m) = marker
        && body.contains(m.as_str())
    {
        panic!("panic injected by CAIRN_INJECT_PANIC");
    }
}
