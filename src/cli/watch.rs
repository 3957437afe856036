//! `cairn watch`: build, then rebuild on every change to the sources.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

use super::{RootArg, fail, report};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::live::session::Session;
use crate::live::watch::Watcher;
use crate::site::{self, BuildOptions};

/// Flags of `cairn watch`.
#[derive(Debug, Args)]
pub struct WatchArgs {
    #[command(flatten)]
    root: RootArg,
    #[command(flatten)]
    schedule: super::ScheduleArgs,
    /// Output folder (default: `output_dir` of site.toml, relative to the root)
    #[arg(long, value_name = "DIR")]
    output: Option<PathBuf>,
    /// Publish pages marked `draft: true`
    #[arg(long)]
    drafts: bool,
    /// Write into a non-empty output folder that cairn did not create
    #[arg(long)]
    force: bool,
}

pub fn run(a: WatchArgs) -> ExitCode {
    crate::signals::stop_on_signals();
    let opts = BuildOptions {
        root: a.root.root,
        output: a.output,
        drafts: a.drafts,
        future: a.schedule.future,
        as_of: a.schedule.as_of,
        force: a.force,
        ..BuildOptions::default()
    };
    // site.toml says where the output goes; its guards are checked before
    // anything else. Both are fatal: there is nothing to watch into.
    let config = match crate::config::Config::load(&opts.root) {
        Ok(c) => c,
        Err(ds) => return fail(ds, "watch"),
    };
    let out = site::output_dir(&opts, &config);
    if let Err(m) = crate::output::guard(&config.root, &out, opts.force) {
        let mut ds = Diagnostics::new();
        ds.push(Diagnostic::error(
            crate::content::rel_to(&config.root, &out),
            m,
        ));
        return fail(ds, "watch");
    }
    // The first build writes the folder in full. A site with errors is
    // watched all the same: the first good rebuild then writes it in full.
    let mut synced = match build_in_full(&opts) {
        Ok(()) => true,
        Err(ds) => {
            let n = ds.error_count();
            report(ds);
            eprintln!(
                "error: the first build failed with {n} error{}; fix them and the output will be written",
                super::plural(n)
            );
            false
        }
    };
    // From here on a panic in a rebuild is an internal error of that
    // rebuild; the output keeps the last good build.
    crate::panics::quiet();
    let mut session = Session::start(opts.clone());
    let mut watcher = match Watcher::new(&opts.root, &out) {
        Ok(w) => w,
        Err(m) => {
            let mut ds = Diagnostics::new();
            ds.push(Diagnostic::error(&opts.root, m));
            return fail(ds, "watch");
        }
    };
    println!(
        "watching {} for changes (Ctrl-C to stop)",
        opts.root.display()
    );
    let mut resync = false;
    loop {
        match session.rebuild_on_change(&mut watcher) {
            Ok(_) if !synced => match build_in_full(&opts) {
                Ok(()) => synced = true,
                Err(ds) => {
                    report(ds);
                }
            },
            Ok(delta) => {
                let all: Vec<&str> = session.files.keys().map(String::as_str).collect();
                let data = |rel: &str| match session.files.get(rel) {
                    Some(held) => held.data(),
                    None => Err(std::io::Error::other(format!("no data for `{rel}`"))),
                };
                match crate::output::write_delta(
                    &out,
                    &all,
                    data,
                    &delta.changed,
                    resync,
                    opts.force,
                ) {
                    Ok(s) => {
                        resync = false;
                        report(session.warnings.clone());
                        let how = if delta.incremental {
                            " (incremental)"
                        } else {
                            ""
                        };
                        println!(
                            "rebuilt in {} ms{how}: {} written, {} removed",
                            delta.millis, s.written, s.removed
                        );
                    }
                    Err(e) => {
                        // The next rebuild compares every file with the disk.
                        resync = true;
                        eprintln!(
                            "error: cannot write the output: {e}; the next rebuild writes it all again"
                        );
                    }
                }
            }
            Err(ds) => {
                let n = ds.error_count();
                report(ds);
                eprintln!(
                    "error: rebuild failed with {n} error{}; the output keeps the last good build",
                    super::plural(n)
                );
            }
        }
    }
}

/// A full `cairn build` into the output folder: synchronised with what the
/// site produces, stale files of earlier builds removed.
fn build_in_full(opts: &BuildOptions) -> Result<(), Diagnostics> {
    let (r, warnings) = crate::build::build(opts)?;
    report(warnings);
    println!(
        "built {} pages ({} written, {} unchanged, {} removed)",
        r.pages, r.sync.written, r.sync.unchanged, r.sync.removed
    );
    Ok(())
}
