//! The one pipeline: load -> validate -> render -> write.
//!
//! [`Site::load`] reads `site.toml` and every content file and checks them;
//! [`Site::render`] renders every output file in memory, in parallel (for
//! `check`, `watch` and `serve`); [`build`] renders the same way but hands
//! each file to the output stager (`output::Stager`) as soon as it is done, and commits
//! the output only when the whole build succeeded. A failure in any stage
//! leaves the output folder as it was. `cairn check` is the same pipeline
//! stopped before the write.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::time::Instant;

use rayon::prelude::*;
use serde::Serialize;

use crate::compare;
use crate::config::Config;
use crate::content::{self, Asset, Page, PageKind};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::output::{self, OutputFile, SyncStats};
use crate::schema::{self, EntryIndex, FieldValue, TypedFields};

/// What the CLI asks of a build.
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    /// The site root.
    pub root: PathBuf,
    /// Output folder; default `output_dir` from site.toml.
    pub output: Option<PathBuf>,
    /// Overrides `base_url` for this build.
    pub base_url: Option<String>,
    /// Publish drafts too.
    pub drafts: bool,
    /// Write into a non-empty folder cairn did not create.
    pub force: bool,
}

/// A loaded, checked site.
#[derive(Debug)]
pub struct Site {
    /// The resolved site.toml.
    pub config: Config,
    /// Published pages (drafts removed unless asked for), sorted by source.
    pub pages: Vec<Page>,
    /// Content files copied as they are.
    pub assets: Vec<Asset>,
    /// The checked typed fields of each page (same order as `pages`).
    pub typed: Vec<TypedFields>,
    /// Published entries by collection and slug.
    pub index: EntryIndex,
    /// Who refers to each page (same order as `pages`).
    pub backlinks: Vec<Vec<Backlink>>,
    /// The `[[comparisons]]` whose items all exist.
    pub comparisons: Vec<compare::Comparison>,
    /// Lookup tables for internal links.
    pub links: LinkIndex,
    /// Every tag, by slug.
    pub tags: Vec<TagInfo>,
    /// Redirect pages: (output path, page they lead to).
    pub aliases: Vec<(String, usize)>,
    /// Everything found while loading: warnings, and errors that do not
    /// stop the rest of the site from being checked (a render reports its
    /// own problems too, so that one run shows every mistake).
    pub diagnostics: Diagnostics,
}

/// The nodes of a ladder chart: the entries of its collection (in page
/// order) and the slugs their field points to.
pub fn ladder_nodes(
    pages: &[Page],
    typed: &[TypedFields],
    chart: &crate::config::ChartDef,
) -> Vec<crate::charts::LadderNode> {
    use crate::schema::FieldValue;
    pages
        .iter()
        .zip(typed)
        .filter(|(p, _)| p.kind == PageKind::Entry(chart.collection.clone()))
        .map(|(p, t)| crate::charts::LadderNode {
            slug: p.slug.clone(),
            title: p.title.clone(),
            url: p.url.clone(),
            next: match t.iter().find(|(n, _)| *n == chart.field).map(|(_, v)| v) {
                Some(FieldValue::Ref(s)) => vec![s.clone()],
                Some(FieldValue::Refs(l)) => l.clone(),
                _ => Vec::new(),
            },
        })
        .collect()
}

/// A ladder chart over a field with a cycle cannot be drawn: an error at
/// the chart's line in site.toml naming the entries in the cycle.
fn check_ladders(config: &Config, pages: &[Page], typed: &[TypedFields], ds: &mut Diagnostics) {
    for chart in config
        .charts
        .iter()
        .filter(|c| c.kind == crate::config::ChartKind::Ladder)
    {
        if let Some(cycle) = crate::charts::find_cycle(&ladder_nodes(pages, typed, chart)) {
            let path: Vec<String> = cycle.iter().map(|s| format!("`{s}`")).collect();

            ds.push(
                Diagnostic::error_at(
                    crate::config::CONFIG_FILE,
                    chart.pos.line,
                    chart.pos.col,
                    format!(
                        "ladder chart `{}` over `{}` has a cycle: {}",
                        chart.name,
                        chart.field,
                        path.join(" -> ")
                    ),
                )
                .with_source(&config.source)
                .with_hint(format!(
                    "a career ladder must only go up: remove one of these `{}` references",
                    chart.field
                )),
            );
        }
    }
}

/// A tag and the pages that carry it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TagInfo {
    /// The name as first written (by source path order).
    pub name: String,
    /// The URL segment, `/tags/<slug>/`.
    pub slug: String,
    /// The pages, in source order.
    pub pages: Vec<usize>,
}

/// Groups tags by slug. Tags that differ only in spelling (`Product Owner`,
/// `product-owner`) are merged with a warning; a tag with no letter or digit
/// is an error.
fn collect_tags(pages: &[Page], ds: &mut Diagnostics) -> Vec<TagInfo> {
    let mut by_slug: std::collections::BTreeMap<String, TagInfo> =
        std::collections::BTreeMap::new();
    for (i, p) in pages.iter().enumerate() {
        for (k, name) in p.tags.iter().enumerate() {
            let at = || p.positions().value(&format!("tags/{k}"));
            let slug = crate::slug::slugify(name);
            if slug.is_empty() {
                ds.push(p.error_at(
                    at(),
                    format!("tag `{name}` has no letter or digit to make a URL from"),
                ));
                continue;
            }
            let tag = by_slug.entry(slug.clone()).or_insert_with(|| TagInfo {
                name: name.clone(),
                slug: slug.clone(),
                pages: Vec::new(),
            });
            if tag.name != *name {
                ds.push(
                    p.error_at(
                        at(),
                        format!(
                            "tag `{name}` is merged with `{}`: both make `/tags/{slug}/`",
                            tag.name
                        ),
                    )
                    .with_hint(format!("write `{}` everywhere to silence this", tag.name))
                    .warning(),
                );
            }
            if tag.pages.last() != Some(&i) {
                tag.pages.push(i);
            }
        }
    }
    by_slug.into_values().collect()
}

/// The output paths of `aliases`: old URLs that redirect to their page.
fn collect_aliases(pages: &[Page], ds: &mut Diagnostics) -> Vec<(String, usize)> {
    let mut out = Vec::new();
    for (i, p) in pages.iter().enumerate() {
        for (k, alias) in p.aliases.iter().enumerate() {
            let at = || p.positions().value(&format!("aliases/{k}"));
            match alias_path(alias) {
                Ok(rel) => out.push((rel, i)),
                Err(m) => ds.push(p.error_at(at(), format!("alias `{alias}` {m}"))),
            }
        }
    }
    out
}

/// `/old/path/` -> `old/path/index.html`; `/old.html` stays a file.
pub fn alias_path(alias: &str) -> Result<String, String> {
    let trimmed = alias.trim().trim_start_matches('/');
    if trimmed.is_empty() {
        return Err("is the site root".into());
    }
    if trimmed.contains(['\\', '\0', '?', '#', ':']) || trimmed.chars().any(char::is_control) {
        return Err("must be a plain path like `/old/page/`".into());
    }
    let segments: Vec<&str> = trimmed.trim_end_matches('/').split('/').collect();
    if segments
        .iter()
        .any(|s| s.is_empty() || *s == "." || *s == "..")
    {
        return Err("must not contain empty, `.` or `..` segments".into());
    }
    let joined = segments.join("/");
    Ok(if trimmed.ends_with(".html") {
        joined
    } else {
        format!("{joined}/index.html")
    })
}

/// Lookup tables for `@/` links and wikilinks.
#[derive(Debug, Default)]
pub struct LinkIndex {
    /// Path under `content/` (`roles/pm.md`) -> page.
    pub by_source: HashMap<String, usize>,
    /// Output path without slashes (`roles/pm`) -> page.
    pub by_path: HashMap<String, usize>,
    /// Slug -> pages (more than one makes `[[slug]]` ambiguous).
    pub by_slug: HashMap<String, Vec<usize>>,
    /// The same keys for drafts left out of this build.
    pub draft_sources: HashSet<String>,
    /// Output paths of drafts.
    pub draft_paths: HashSet<String>,
    /// Slugs of drafts.
    pub draft_slugs: HashSet<String>,
    /// The same keys for files whose front-matter could not be read: links
    /// to them are not checked (the file's own errors are reported).
    pub failed_sources: HashSet<String>,
    /// Output paths of those files.
    pub failed_paths: HashSet<String>,
    /// Slugs of those files.
    pub failed_slugs: HashSet<String>,
}

/// The key of a content file in link lookups: its path under `content/`
/// with forward slashes, in Unicode normal form C (what authors type).
pub fn source_key(rel: &Path) -> String {
    use unicode_normalization::UnicodeNormalization;
    rel.to_string_lossy().replace('\\', "/").nfc().collect()
}

impl LinkIndex {
    fn new(pages: &[Page], drafts: &[Page], failed: &[(PathBuf, content::Route)]) -> Self {
        let source_key =
            |p: &Page| source_key(p.source.strip_prefix("content").unwrap_or(&p.source));
        let mut ix = LinkIndex::default();
        for (i, p) in pages.iter().enumerate() {
            ix.by_source.insert(source_key(p), i);
            if p.kind != PageKind::Home {
                ix.by_path
                    .insert(p.path.trim_end_matches('/').to_string(), i);
                ix.by_slug.entry(p.slug.clone()).or_default().push(i);
            }
        }
        for p in drafts {
            ix.draft_sources.insert(source_key(p));
            ix.draft_paths
                .insert(p.path.trim_end_matches('/').to_string());
            ix.draft_slugs.insert(p.slug.clone());
        }
        for (rel, route) in failed {
            ix.failed_sources.insert(self::source_key(rel));
            ix.failed_paths
                .insert(route.path.trim_end_matches('/').to_string());
            ix.failed_slugs.insert(route.slug.clone());
        }
        ix
    }
}

/// An entry that refers to a page through a typed field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Backlink {
    /// The referring entry's title.
    pub title: String,
    /// Its root-relative URL.
    pub url: String,
    /// Its slug.
    pub slug: String,
    /// Its collection.
    pub collection: String,
    /// The title of its collection.
    pub collection_title: String,
    /// The label of the referring field.
    pub field: String,
    /// The key of the referring field.
    pub field_name: String,
}

/// What a finished build did.
#[derive(Debug, Clone)]
pub struct BuildReport {
    /// Pages rendered.
    pub pages: usize,
    /// Files in the output.
    pub files: usize,
    /// What the write did.
    pub sync: SyncStats,
    /// The output folder written.
    pub output: PathBuf,
    /// Set when nothing changed since the last build, which was not redone:
    /// the warnings that build printed.
    pub replayed_warnings: Option<String>,
}

pub(crate) fn timed<T>(step: &str, f: impl FnOnce() -> T) -> T {
    let start = Instant::now();
    let out = f();
    if std::env::var_os("CAIRN_LOG").is_some_and(|v| v == "debug") {
        eprintln!(
            "[debug] {step}: {:.1} ms{}",
            start.elapsed().as_secs_f64() * 1e3,
            memory_note()
        );
    }
    out
}

/// The resident and peak memory of this process, for the debug log (Linux
/// only; empty elsewhere).
fn memory_note() -> String {
    let Ok(status) = std::fs::read_to_string("/proc/self/status") else {
        return String::new();
    };
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.split_whitespace().next()?.parse::<u64>().ok())
            .map_or(0, |kb| kb / 1024)
    };
    format!(" (rss {} MB, peak {} MB)", field("VmRSS:"), field("VmHWM:"))
}

impl Site {
    /// Loads and checks the site at `opts.root`.
    pub fn load(opts: &BuildOptions) -> Result<Site, Diagnostics> {
        let config = timed("config", || config_for(opts))?;
        Site::load_with(opts, config)
    }

    /// Loads and checks the site whose site.toml is already read. Only
    /// site.toml errors stop here; every other problem is recorded in
    /// [`Site::diagnostics`] and the rest of the site is still checked, so
    /// that one run reports every mistake (a page whose front-matter cannot
    /// be read is left out, and links and references to it are not errors).
    pub fn load_with(opts: &BuildOptions, mut config: Config) -> Result<Site, Diagnostics> {
        config.output_dir = output_dir(opts, &config);
        let (loaded, mut ds) = timed("load content", || content::load(&config));
        let drafts: HashSet<(String, String)> = loaded
            .pages
            .iter()
            .filter(|p| p.draft && !opts.drafts)
            .filter_map(|p| match &p.kind {
                PageKind::Entry(c) => Some((c.clone(), p.slug.clone())),
                _ => None,
            })
            .collect();
        let failed_entries: HashSet<(String, String)> = loaded
            .failed
            .iter()
            .filter_map(|(_, r)| match &r.kind {
                PageKind::Entry(c) => Some((c.clone(), r.slug.clone())),
                _ => None,
            })
            .collect();
        let (mut pages, drafted): (Vec<Page>, Vec<Page>) = loaded
            .pages
            .into_iter()
            .partition(|p| opts.drafts || !p.draft);
        for p in &mut pages {
            p.set_base(&config.base_path, &config.base_url);
        }
        check_paths(&pages, &mut ds);
        let typed: Vec<TypedFields> = timed("validate", || {
            let results: Vec<_> = pages
                .par_iter()
                .map(|p| schema::check_page(p, &config))
                .collect();
            results
                .into_iter()
                .map(|(typed, errors)| {
                    ds.extend(errors);
                    typed
                })
                .collect()
        });
        let index = EntryIndex::new(&pages, drafts).with_failed(failed_entries);
        timed("refs", || {
            schema::check_refs(&pages, &typed, &config, &index, &mut ds)
        });
        check_ladders(&config, &pages, &typed, &mut ds);
        let comparisons = compare::resolve(&config, &index, &mut ds);
        let backlinks = timed("typed backlinks", || {
            backlinks(&config, &pages, &typed, &index)
        });
        let links = timed("link index", || {
            LinkIndex::new(&pages, &drafted, &loaded.failed)
        });
        let tags = collect_tags(&pages, &mut ds);
        let aliases = collect_aliases(&pages, &mut ds);
        Ok(Site {
            config,
            pages,
            assets: loaded.assets,
            typed,
            index,
            backlinks,
            comparisons,
            links,
            tags,
            aliases,
            diagnostics: ds,
        })
    }

    /// Whether loading found errors (rendering still runs, to report its
    /// own, but nothing is written).
    pub fn has_errors(&self) -> bool {
        self.diagnostics.has_errors()
    }

    /// Renders every output file in memory; returns the files and every
    /// warning of the run, or every error of the run (loading and
    /// rendering).
    pub fn render(&mut self) -> Result<(Vec<OutputFile>, Diagnostics), Diagnostics> {
        crate::pages::render(self)
    }
}

fn config_for(opts: &BuildOptions) -> Result<Config, Diagnostics> {
    let mut config = Config::load(&opts.root)?;
    if let Some(url) = &opts.base_url
        && let Err(m) = config.set_base_url(url)
    {
        let mut ds = Diagnostics::new();
        ds.push(Diagnostic::error("--base-url", m));
        return Err(ds);
    }
    Ok(config)
}

/// Two published sources that map to one output path are an error naming
/// both; so are paths that differ only in case, which collide on
/// case-insensitive hosts.
fn check_paths(pages: &[Page], ds: &mut Diagnostics) {
    let mut seen: HashMap<String, &Page> = HashMap::new();
    for p in pages {
        let key = p.path.to_lowercase();
        if let Some(first) = seen.get(&key) {
            let what = if first.path == p.path {
                "the same output path"
            } else {
                "output paths that differ only in case"
            };
            ds.push(
                Diagnostic::error(
                    &p.source,
                    format!(
                        "`{}` and `{}` map to {what} `/{}`",
                        first.source.display(),
                        p.source.display(),
                        p.path
                    ),
                )
                .with_hint("set a different `slug` on one of them"),
            );
        } else {
            seen.insert(key, p);
        }
    }
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
    let options = format!(
        "drafts={} base_url={} output={}",
        opts.drafts,
        config.base_url,
        out.display()
    );
    let inputs = timed("fingerprint", || {
        crate::output::uptodate::inputs(&config.root, &config.theme, &out, &options)
    });
    if let Some(state) = crate::output::uptodate::read(&out)
        && !out.join(output::TMP_DIR).exists()
        && !out.join(output::BUILDING).exists()
        && state.inputs == inputs
        && crate::output::uptodate::outputs(&out) == Some(state.outputs)
    {
        return Ok((
            BuildReport {
                pages: state.pages,
                files: state.files,
                sync: SyncStats {
                    written: 0,
                    unchanged: state.files,
                    removed: 0,
                },
                output: out,
                replayed_warnings: Some(state.warnings),
            },
            Diagnostics::new(),
        ));
    }

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
        return match crate::pages::render_into(&mut site, &output::InMemory, true) {
            Err(ds) => Err(ds),
            Ok((_, ds, _)) => Err(ds),
        };
    }
    // Each page goes to disk (as a temporary file) as soon as it is
    // rendered; the commit after a successful render puts them in place.
    let stager = output::Stager::begin(&out).map_err(write_error)?;
    let (_, warnings, cache) = match crate::pages::render_into(&mut site, &stager, true) {
        Ok(r) => r,
        Err(ds) => {
            stager.abort();
            return Err(ds);
        }
    };
    let all = cache.output_paths();
    drop_aside(cache);
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
            output: out,
            replayed_warnings: None,
        },
        warnings,
    ))
}

/// The output folder of a build: `--output` (relative to the current
/// folder) or `output_dir` of site.toml (relative to the root).
pub(crate) fn output_dir(opts: &BuildOptions, config: &Config) -> PathBuf {
    match &opts.output {
        Some(out) if out.is_absolute() => out.clone(),
        Some(out) => std::env::current_dir().unwrap_or_default().join(out),
        None => config.output_dir.clone(),
    }
}

fn display_out(root: &Path, out: &Path) -> PathBuf {
    content::rel_to(root, out)
}

fn backlinks(
    config: &Config,
    pages: &[Page],
    typed: &[TypedFields],
    index: &EntryIndex,
) -> Vec<Vec<Backlink>> {
    let mut out: Vec<Vec<(usize, usize, Backlink)>> = vec![Vec::new(); pages.len()];
    // (target, source page, field): a page that names its target twice in
    // one field links back once. A set, not a scan of the target's list,
    // which made entries named by thousands of others quadratic.
    let mut seen: std::collections::HashSet<(usize, usize, usize)> =
        std::collections::HashSet::new();
    for (i, (page, fields)) in pages.iter().zip(typed).enumerate() {
        let Some((ci, coll)) = page.collection().and_then(|c| {
            config
                .collections
                .iter()
                .enumerate()
                .find(|(_, x)| x.name == c)
        }) else {
            continue;
        };
        for (name, value) in fields {
            let Some((fi, def)) = coll
                .fields
                .iter()
                .enumerate()
                .find(|(_, f)| f.name == *name)
            else {
                continue;
            };
            let Some(to) = def.to.as_deref() else {
                continue;
            };
            let slugs: Vec<&String> = match value {
                FieldValue::Ref(s) => vec![s],
                FieldValue::Refs(l) => l.iter().collect(),
                _ => continue,
            };
            for slug in slugs {
                let Some(j) = index.get(to, slug) else {
                    continue;
                };
                if !seen.insert((j, i, fi)) {
                    continue;
                }
                let b = Backlink {
                    title: page.title.clone(),
                    url: page.url.clone(),
                    slug: page.slug.clone(),
                    collection: coll.name.clone(),
                    collection_title: coll.title.clone(),
                    field: def.label.clone(),
                    field_name: def.name.clone(),
                };
                out[j].push((ci, fi, b));
            }
        }
    }
    out.into_iter()
        .map(|mut v| {
            v.sort_by_cached_key(|(ci, fi, b)| (*ci, *fi, b.title.to_lowercase()));
            v.into_iter().map(|(_, _, b)| b).collect()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alias_paths() {
        assert_eq!(alias_path("/old/po/").unwrap(), "old/po/index.html");
        assert_eq!(alias_path("old/po").unwrap(), "old/po/index.html");
        assert_eq!(alias_path("/legacy.html").unwrap(), "legacy.html");
        assert!(alias_path("/").is_err());
        assert!(alias_path("/../x/").is_err());
        assert!(alias_path("/a//b/").is_err());
        assert!(alias_path("https://x.org/").is_err());
    }
}
