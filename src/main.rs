//! The `cairn` binary: parse the command line, run, exit with its status.

/// The static Linux build's allocator (see Cargo.toml): musl's own made
/// builds four times slower.
#[cfg(target_env = "musl")]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    cairn::cli::run()
}
