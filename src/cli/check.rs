//! `cairn check`: the build pipeline stopped before writing.

use std::process::ExitCode;

use clap::Args;

use super::{RootArg, fail, report};
use crate::site::{self, BuildOptions};

/// Flags of `cairn check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    root: RootArg,
    /// Check drafts too
    #[arg(long)]
    drafts: bool,
}

pub fn run(a: CheckArgs) -> ExitCode {
    let opts = BuildOptions {
        root: a.root.root,
        drafts: a.drafts,
        ..BuildOptions::default()
    };
    match site::check(&opts) {
        Ok((files, warnings)) => {
            let (_, w) = report(warnings);
            println!(
                "checked: no errors, {w} warning{}, {files} output files",
                super::plural(w)
            );
            ExitCode::SUCCESS
        }
        Err(ds) => fail(ds, "check"),
    }
}
