//! The `cairn` binary: parse the command line, run, exit with its status.

fn main() -> std::process::ExitCode {
    cairn::cli::run()
}
