//! `cairn build`.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use clap::Args;

use super::{RootArg, fail, plural, report};
use crate::site::BuildOptions;

/// Flags of `cairn build`.
#[derive(Debug, Args)]
pub struct BuildArgs {
    #[command(flatten)]
    root: RootArg,
    #[command(flatten)]
    schedule: super::ScheduleArgs,
    /// Output folder (default: `output_dir` of site.toml, relative to the root)
    #[arg(long, value_name = "DIR")]
    output: Option<PathBuf>,
    /// Base URL for this build, overriding site.toml (for preview deployments)
    #[arg(long, value_name = "URL")]
    base_url: Option<String>,
    /// Publish pages marked `draft: true`
    #[arg(long)]
    drafts: bool,
    /// Write into a non-empty output folder that cairn did not create
    #[arg(long)]
    force: bool,
}

pub fn run(a: BuildArgs) -> ExitCode {
    let start = Instant::now();
    let opts = BuildOptions {
        root: a.root.root,
        output: a.output,
        base_url: a.base_url,
        drafts: a.drafts,
        future: a.schedule.future,
        as_of: a.schedule.as_of,
        force: a.force,
        missing_translations: false,
    };
    match crate::build::build(&opts) {
        Ok((r, warnings)) => {
            report(warnings);
            if let Some(replayed) = &r.replayed_warnings {
                eprint!("{replayed}");
            }
            let note = if r.replayed_warnings.is_some() {
                "; nothing changed"
            } else {
                ""
            };
            println!(
                "built {} page{} ({} files: {} written, {} unchanged, {} removed{note}) in {} ms",
                r.pages,
                plural(r.pages),
                r.files,
                r.sync.written,
                r.sync.unchanged,
                r.sync.removed,
                start.elapsed().as_millis()
            );
            ExitCode::SUCCESS
        }
        Err(ds) => fail(ds, "build"),
    }
}
