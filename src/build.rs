//! `cairn build`, the whole pipeline in one place: is the output up to
//! date? load and check the site ([`Site::load_with`]), render it
//! ([`crate::render::render_into`]) handing each file to the output
//! stager, then commit the output and remember what was built. A failure in
//! any stage leaves the output folder as it was.

use crate::config::Config;
use std::path::{Path, PathBuf};

use crate::content;
use crate::diagnostics::{Diagnostic, Diagnostics, timed};
use crate::output::{self, SyncStats};
use crate::site::{BuildOptions, Site, config_for, output_dir};

/// What a finished build did.
#[derive(Debug, Clone)]
pub struct BuildReport {
    /// Pages rendered.
    pub pages: usize,
    /// Files in the output.
    pub files: usize,
    /// What the write did.
    pub sync: SyncStats,
    /// Set when nothing changed since the last build, which was not redone:
    /// the warnings that build printed.
    pub replayed_warnings: Option<String>,
}

/// Frees `value` on a thread of its own. Freeing a 10,000-page site's
/// render data (millions of small allocations) took a tenth of a second
/// of a build's critical path; on another thread it overlaps with writing
/// the output, and a process that exits first does not wait for it.
fn drop_aside<T: Send + 'static>(value: T) {
    // Without a thread to be had, the failed spawn frees it right here.
    let _ = std::thread::Builder::new()
        .name("cairn-free".into())
        .spawn(move || drop(value));
}

/// The report of the last build when nothing it depends on has changed
/// since (decided from file metadata alone, before any parsing); else the
/// fingerprint of the inputs, for the build to record.
fn up_to_date(opts: &BuildOptions, config: &Config, out: &Path) -> Result<BuildReport, u64> {
    // The reference date is an input: a page scheduled for tomorrow is
    // published by tomorrow's build even if no file changed.
    let options = format!(
        "drafts={} future={} as_of={} base_url={} output={} git={:?}",
        opts.drafts,
        opts.future,
        opts.as_of.clone().unwrap_or_else(crate::content::today),
        config.base_url,
        out.display(),
        // Pages dated from git change with a commit, not with their file.
        config
            .updated_from_git
            .then(|| crate::content::git::head(&config.root))
    );
    let inputs = timed("fingerprint", || {
        crate::output::uptodate::inputs(
            crate::output::uptodate::Vouch::for_this_system(),
            &config.root,
            &config.theme,
            out,
            &options,
            crate::render::templates::embedded_theme(),
        )
    });
    if let Some(state) = crate::output::uptodate::read(out)
        && !out.join(output::TMP_DIR).exists()
        && !out.join(output::BUILDING).exists()
        && state.inputs == inputs
        && crate::output::uptodate::outputs(out) == Some(state.outputs)
    {
        return Ok(BuildReport {
            pages: state.pages,
            files: state.files,
            sync: SyncStats {
                written: 0,
                unchanged: state.files,
                removed: 0,
            },
            replayed_warnings: Some(state.warnings),
        });
    }
    Err(inputs)
}

/// Builds the site: load, render, then write the output folder.
pub fn build(opts: &BuildOptions) -> Result<(BuildReport, Diagnostics), Diagnostics> {
    // Up to date? Decided from file metadata alone, before any parsing.
    let config = config_for(opts)?;
    let out = output_dir(opts, &config);
    if let Err(m) = output::guard(&config.root, &out, opts.force) {
        let mut ds = Diagnostics::new();
        ds.push(Diagnostic::error(display_out(&config.root, &out), m));
        return Err(ds);
    }
    let inputs = match up_to_date(opts, &config, &out) {
        Ok(report) => return Ok((report, Diagnostics::new())),
        Err(inputs) => inputs,
    };

    let mut site = Site::load_with(opts, config)?;
    let shown_out = display_out(&site.config.root, &out);
    let write_error = |e: std::io::Error| {
        let mut ds = Diagnostics::new();
        ds.push(Diagnostic::error(
            shown_out.clone(),
            format!("cannot write the output: {e}"),
        ));
        ds
    };
    // A site with errors is still rendered, to report the render's own
    // problems too, but nothing goes near the output folder.
    if site.has_errors() {
        return match crate::render::render_into(&mut site, &output::InMemory, true) {
            Err(ds) => Err(ds),
            Ok((_, ds, _)) => Err(ds),
        };
    }
    // Each page goes to disk (as a temporary file) as soon as it is
    // rendered; the commit after a successful render puts them in place.
    let stager = output::Stager::begin(&out, opts.force).map_err(write_error)?;
    let (_, mut warnings, cache) = match crate::render::render_into(&mut site, &stager, true) {
        Ok(r) => r,
        Err(ds) => {
            stager.abort();
            return Err(ds);
        }
    };
    let all = cache.output_paths();
    // Every image and card of the site was asked for: the rest of the
    // cache is from content that is gone.
    cache.prune_image_cache();
    drop_aside(cache);
    for rel in stager.overwritten() {
        warnings.push(
            Diagnostic::error(
                shown_out.join(&rel),
                "was not written by cairn and is overwritten (`--force`); it stays out of the manifest, so cairn never deletes it",
            )
            .warning(),
        );
    }
    let rels: Vec<&str> = all.iter().map(String::as_str).collect();
    let sync = timed("write", || stager.commit(&rels)).map_err(write_error)?;
    let pages = all.iter().filter(|f| f.ends_with(".html")).count();
    // Remember what was built, for the next "nothing changed" check. A
    // failure here only costs the next build its shortcut.
    let state_outputs = timed("record outputs", || crate::output::uptodate::outputs(&out));
    drop_aside(site);
    if let Some(outputs) = state_outputs {
        let text: Vec<String> = warnings
            .clone()
            .sorted()
            .iter()
            .map(|d| d.to_string())
            .collect();
        let _ = crate::output::uptodate::write(
            &out,
            &crate::output::uptodate::State {
                inputs,
                outputs,
                pages,
                files: all.len(),
                warnings: if text.is_empty() {
                    String::new()
                } else {
                    text.join("\n") + "\n"
                },
            },
        );
    }
    Ok((
        BuildReport {
            pages,
            files: all.len(),
            sync,
            replayed_warnings: None,
        },
        warnings,
    ))
}

fn display_out(root: &Path, out: &Path) -> PathBuf {
    content::rel_to(root, out)
}
