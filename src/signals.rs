//! Stopping `watch` and `serve` at once on SIGINT, SIGTERM and SIGHUP.
//!
//! Without a handler the kernel ignores these signals for the first process
//! of a PID namespace (PID 1 in a container), so `docker stop` waited out
//! its timeout. The signals are blocked in every thread and one thread
//! waits for them with `sigwait`, then ends the process (128 + the signal,
//! the shell's convention). Ending at any moment is safe: the output is
//! only ever changed by atomic steps (see the manual, "The output folder").

/// Makes SIGINT, SIGTERM and SIGHUP end the process promptly. Call before
/// any other thread starts, so that all of them inherit the blocked mask.
#[cfg(target_os = "linux")]
pub fn stop_on_signals() {
    // SAFETY: plain libc calls on a sigset_t this function owns; the mask
    // is set before the process has other threads.
    unsafe {
        let mut set: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut set);
        for sig in [libc::SIGINT, libc::SIGTERM, libc::SIGHUP] {
            libc::sigaddset(&mut set, sig);
        }
        if libc::pthread_sigmask(libc::SIG_BLOCK, &set, std::ptr::null_mut()) != 0 {
            return;
        }
        let waiter = std::thread::Builder::new()
            .name("cairn-signals".into())
            .spawn(move || {
                let mut sig: libc::c_int = 0;
                if libc::sigwait(&set, &mut sig) == 0 {
                    std::process::exit(128 + sig);
                }
            });
        if waiter.is_err() {
            // No thread to wait: give the signals their default action back.
            libc::pthread_sigmask(libc::SIG_UNBLOCK, &set, std::ptr::null_mut());
        }
    }
}

/// Elsewhere the default actions stop the process.
#[cfg(not(target_os = "linux"))]
pub fn stop_on_signals() {}
