//! `cairn check`: the build pipeline stopped before writing, plus, with
//! `--external`, a check of every external link.

use std::process::ExitCode;
use std::time::Duration;

use clap::Args;

use super::{RootArg, fail, plural, report};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::output::{Data, OutputFile};
use crate::site::{BuildOptions, Site};

/// Flags of `cairn check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    root: RootArg,
    #[command(flatten)]
    schedule: super::ScheduleArgs,
    /// Check drafts too
    #[arg(long)]
    drafts: bool,
    /// Also request every external http(s) link (needs network)
    #[arg(long)]
    external: bool,
    /// Treat every warning (a missing translation, a missing alt text...) as an error
    #[arg(long)]
    strict: bool,
    /// Seconds to wait for each external link
    #[arg(long, default_value_t = 10, value_name = "SECS", requires = "external")]
    timeout: u64,
}

pub fn run(a: CheckArgs) -> ExitCode {
    let opts = BuildOptions {
        root: a.root.root,
        drafts: a.drafts,
        future: a.schedule.future,
        as_of: a.schedule.as_of,
        missing_translations: true,
        ..BuildOptions::default()
    };
    let mut site = match Site::load(&opts) {
        Ok(s) => s,
        Err(ds) => return fail(ds, "check"),
    };
    let (files, mut warnings) = match crate::render::render(&mut site) {
        Ok(r) => r,
        Err(ds) => return fail(ds, "check"),
    };
    if a.external {
        let errors = external(&site, &files, Duration::from_secs(a.timeout.max(1)));
        if errors.has_errors() {
            let mut all = errors;
            all.extend(warnings.sorted());
            return fail(all, "check");
        }
        warnings.extend(errors.sorted());
    }
    if a.strict && warnings.warning_count() > 0 {
        let mut all = Diagnostics::new();
        all.extend(warnings.sorted().into_iter().map(|mut d| {
            d.severity = crate::diagnostics::Severity::Error;
            d
        }));
        return fail(all, "check");
    }
    let (_, w) = report(warnings);
    for (source, day) in &site.scheduled {
        println!("scheduled: {} (dated {day})", source.display());
    }
    println!(
        "checked: no errors, {w} warning{}, {} output files",
        plural(w),
        files.len()
    );
    ExitCode::SUCCESS
}

/// Requests every external link of the rendered pages; each failure is an
/// error naming the content files that link there.
fn external(site: &Site, files: &[OutputFile], timeout: Duration) -> Diagnostics {
    let source_of = |rel: &str| {
        site.pages
            .iter()
            .find(|p| format!("{}index.html", p.path) == rel)
            .map_or_else(|| format!("/{rel}"), |p| p.source.display().to_string())
    };
    let mut links = Vec::new();
    for f in files.iter().filter(|f| f.rel.ends_with(".html")) {
        if let Data::Bytes(b) = &f.data
            && let Ok(html) = std::str::from_utf8(b)
        {
            // Absolute links to the site itself (canonical, Open Graph) are
            // internal pages, checked already.
            for l in crate::check::links::external_links(html)
                .into_iter()
                .filter(|l| !l.starts_with(&site.config.base_url))
            {
                links.push((l, source_of(&f.rel)));
            }
        }
    }
    let start = std::time::Instant::now();
    let r = crate::check::external::check(&links, timeout);
    let mut ds = Diagnostics::new();
    for (url, outcome, sources) in &r.broken {
        let why = match outcome {
            crate::check::external::Outcome::Status(code) => format!("answered {code}"),
            crate::check::external::Outcome::Failed(e) => e.clone(),
            crate::check::external::Outcome::Ok => continue,
        };
        for s in sources {
            ds.push(Diagnostic::error(
                s,
                format!("external link `{url}` is broken: {why}"),
            ));
        }
    }
    println!(
        "external links: {} checked on {} host{}, {} broken, in {:.1} s",
        r.checked,
        r.hosts,
        plural(r.hosts),
        r.broken.len(),
        start.elapsed().as_secs_f64()
    );
    ds
}
