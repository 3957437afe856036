//! `cairn serve`: build in memory, serve locally, rebuild and reload.

use std::net::IpAddr;
use std::process::ExitCode;

use clap::Args;

use super::RootArg;
use crate::live::serve::{self, ServeEvent, ServeOptions};
use crate::site::BuildOptions;

/// Flags of `cairn serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    #[command(flatten)]
    root: RootArg,
    #[command(flatten)]
    schedule: super::ScheduleArgs,
    /// Address to listen on; anything but a loopback address is reachable from other machines
    #[arg(long, default_value = "127.0.0.1", value_name = "ADDR")]
    interface: IpAddr,
    /// Port to listen on (the next free one is used if it is busy)
    #[arg(long, default_value_t = 1111)]
    port: u16,
    /// Publish pages marked `draft: true`
    #[arg(long)]
    drafts: bool,
    /// Open the site in a browser
    #[arg(long)]
    open: bool,
}

pub fn run(a: ServeArgs) -> ExitCode {
    crate::signals::stop_on_signals();
    // site.toml must be readable to know where to serve: its errors are
    // reported like any command's (they used to be wrapped twice).
    if let Err(ds) = crate::config::Config::load(&a.root.root) {
        return super::fail(ds, "serve");
    }
    let opts = ServeOptions {
        build: BuildOptions {
            root: a.root.root,
            drafts: a.drafts,
            future: a.schedule.future,
            as_of: a.schedule.as_of,
            ..BuildOptions::default()
        },
        interface: a.interface,
        port: a.port,
        open: a.open,
    };
    match serve::run(opts, tell) {
        Ok(()) => ExitCode::SUCCESS,
        Err(m) => {
            eprintln!("error: {m}");
            ExitCode::from(1)
        }
    }
}

/// Prints what the server tells: diagnostics and status lines.
fn tell(event: ServeEvent) {
    match event {
        ServeEvent::PortBusy { asked, used } => {
            eprintln!("note: port {asked} is busy; using {used}");
        }
        ServeEvent::Reachable(ip) => eprintln!(
            "warning: serving on {ip} makes the site and its drafts reachable from other machines"
        ),
        ServeEvent::FirstBuildFailed(ds) => {
            super::report(ds.clone());
            eprintln!("error: the first build failed; fix the errors and the page will reload");
        }
        ServeEvent::Warnings(ds) => {
            super::report(ds.clone());
        }
        ServeEvent::Serving { root, url, also } => {
            println!("serving {} at {url} (Ctrl-C to stop)", root.display());
            for u in also {
                println!("  and at {u} from other machines");
            }
        }
        ServeEvent::Rebuilt(delta) => println!(
            "rebuilt in {} ms{}: {} changed, {} removed",
            delta.millis,
            if delta.incremental {
                " (incremental)"
            } else {
                ""
            },
            delta.changed.len(),
            delta.removed.len()
        ),
        ServeEvent::RebuildFailed(ds) => {
            let n = ds.error_count();
            super::report(ds.clone());
            eprintln!(
                "error: rebuild failed with {n} error{}; still serving the last good build",
                super::plural(n)
            );
        }
    }
}
