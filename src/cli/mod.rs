//! The command line: clap definitions and dispatch, one file per subcommand.
//! Flags become options here; the work is done by the library.

mod build;
mod check;
mod doctor;
mod init;
mod new;
mod schema;
mod serve;
mod watch;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

use crate::diagnostics::{Diagnostics, shown_per_file};

/// `cairn --version`: the version and the commit (short hash and date)
/// cairn was built from.
pub const VERSION: &str = concat!(env!("CARGO_PKG_VERSION"), " (", env!("CAIRN_COMMIT"), ")");

/// cairn: a static site generator for typed product-career knowledge bases.
#[derive(Debug, Parser)]
#[command(name = "cairn", version = VERSION, about)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Scaffold a new site in DIR (default: the current directory, which must be empty)
    Init(init::InitArgs),
    /// Build the site into the output folder
    Build(build::BuildArgs),
    /// Load, validate and render the site without writing anything
    Check(check::CheckArgs),
    /// Create content/COLLECTION/<slug>.md with every field of the collection's schema
    New(new::NewArgs),
    /// Write a JSON Schema of each collection's front-matter to .cairn/schema/, for editors
    Schema(schema::SchemaArgs),
    /// Build, then rebuild on every change to content, templates, static files and site.toml
    Watch(watch::WatchArgs),
    /// Serve the site locally from memory, rebuilding and reloading the browser on every change
    Serve(serve::ServeArgs),
    /// Print what cairn finds here (version, platform, site, theme, output and cache folders), for a bug report
    Doctor(doctor::DoctorArgs),
}

/// The flags for scheduled pages, shared by `build`, `check`, `watch` and
/// `serve`.
#[derive(Debug, Args)]
pub struct ScheduleArgs {
    /// Publish pages whose `date` is after the reference date
    #[arg(long)]
    pub future: bool,
    /// The reference date for scheduled pages (default: today, UTC), for a reproducible build
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_day)]
    pub as_of: Option<String>,
}

/// A day written `YYYY-MM-DD`, checked against the calendar.
fn parse_day(s: &str) -> Result<String, String> {
    let day = s.trim();
    if day.len() != 10 {
        return Err("write the date as YYYY-MM-DD".to_string());
    }
    crate::content::Date::parse(day)
        .map(|d| d.0)
        .map_err(|e| format!("`{day}` {}", e.reason))
}

/// The `--root` flag shared by every command that works on a site.
#[derive(Debug, Args)]
pub struct RootArg {
    /// The site root (the folder holding site.toml)
    #[arg(long, default_value = ".", value_name = "DIR")]
    pub root: PathBuf,
}

/// Parses the command line and runs it. Exit codes: 0 success, 1 the site
/// has errors, 2 bad usage (clap exits with 2 itself).
pub fn run() -> ExitCode {
    let cli = Cli::parse();
    crate::panics::install_hook();
    // A panic is a bug in cairn, never the author's fault: the hook has
    // printed it with a request to report it, and the exit status is the
    // one of any failed run (1), not Rust's 101.
    std::panic::catch_unwind(move || dispatch(cli)).unwrap_or(ExitCode::from(1))
}

fn dispatch(cli: Cli) -> ExitCode {
    match cli.command {
        Command::Init(a) => init::run(a),
        Command::Build(a) => build::run(a),
        Command::Check(a) => check::run(a),
        Command::New(a) => new::run(a),
        Command::Schema(a) => schema::run(a),
        Command::Watch(a) => watch::run(a),
        Command::Serve(a) => serve::run(a),
        Command::Doctor(a) => doctor::run(a),
    }
}

/// Prints every diagnostic to stderr, sorted, and a summary line.
pub(crate) fn report(ds: Diagnostics) -> (usize, usize) {
    let errors = ds.error_count();
    let warnings = ds.warning_count();
    let sorted = ds.sorted();
    for (shown, more) in shown_per_file(&sorted) {
        for d in shown {
            eprintln!("{d}");
        }
        if more > 0 {
            eprintln!(
                "{}: and {more} more problem{} in this file",
                crate::diagnostics::shown_path(&shown[0].path),
                plural(more)
            );
        }
    }
    (errors, warnings)
}

/// Prints diagnostics of a failed run and returns exit status 1.
pub(crate) fn fail(ds: Diagnostics, what: &str) -> ExitCode {
    let (errors, warnings) = report(ds);
    let w = if warnings > 0 {
        format!(", {warnings} warning{}", plural(warnings))
    } else {
        String::new()
    };
    eprintln!(
        "error: {what} failed with {errors} error{}{w}",
        plural(errors)
    );
    ExitCode::from(1)
}

pub(crate) fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}
