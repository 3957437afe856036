//! Rendering a checked [`Site`]: every output file in memory, in parallel,
//! handed to a [`Sink`](crate::output::Sink) as soon as it is done.
//!
//! The steps of [`render_into`]: load the templates; derive what every
//! page shares (formatted fields, comparison tables, order, navigation,
//! charts: [`PageParts`] and [`RenderCache`]); render the Markdown bodies
//! with their shortcodes (`bodies`, `shortcodes`); check internal links
//! and merge backlinks (`links`); plan one job per output page (`jobs`)
//! and render each through its template with its context (`context`,
//! `seo`); add the files beside the pages (`outputs`). [`rerender_bodies`]
//! (`incremental`) re-renders only what a body edit changes. Nothing here
//! touches the disk.

mod bodies;
pub(crate) mod budget;
pub(crate) mod cards;
pub(crate) mod charts;
mod compare;
mod context;
mod datatable;
mod export;
pub(crate) mod i18n;
mod incremental;
mod jobs;
mod languages;
mod links;
mod outputs;
mod seo;
mod shortcodes;
pub(crate) mod template_errors;
pub(crate) mod templates;
pub(crate) mod values;

use std::collections::{HashMap, HashSet};

use rayon::prelude::*;

use crate::check::links::PageScan;
use crate::content::{self, PageKind};
use crate::diagnostics::timed;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::markdown;
use crate::output::{Data, OutputFile, Sink};
use crate::site::{Backlink, Site};
use bodies::{Failed, MetBy, once_per_place, render_body};
use compare::TableCtx;
use context::{ComparisonLink, Globals, Nav, collection_order, navigation};
pub use incremental::rerender_bodies;
use jobs::{Job, alias_page, is_listing, job_source, render_job};
use links::{check_fragments, check_rendered_links, merge_backlinks};
use outputs::{build_search, draw_charts, publishing_files};
use values::{FieldsView, PageLookup};

/// What a render derived from one page, kept with it between builds.
#[derive(Clone, Default)]
struct PageParts {
    /// Its typed fields, formatted for templates (entries only).
    view: FieldsView,
    /// The comparison pages it appears in.
    appears_in: Vec<ComparisonLink>,
    /// Breadcrumbs and, for entries, neighbours.
    nav: Nav,
    /// Its rendered Markdown (without the HTML unless
    /// [`RenderCache::html_kept`]).
    body: markdown::Rendered,
    /// Typed references and body links to it, as shown on the page.
    backlinks: Vec<Backlink>,
}

/// Everything computed once per build and shared by every page. Kept
/// between builds by `watch` and `serve`, so that an edit re-renders only
/// what depends on it.
pub struct RenderCache {
    templates: templates::Templates,
    /// One record per page of the site, in the same order.
    pages: Vec<PageParts>,
    tables: Vec<TableCtx>,
    /// Entries of each collection in `sort_by` order.
    order: Vec<Vec<usize>>,
    /// Whether the bodies hold the HTML; a streaming build renders it again
    /// for each page instead of keeping every page's HTML at once.
    html_kept: bool,
    /// Every output page: (job, template, output path).
    jobs: Vec<(Job, String, String)>,
    /// Links reported at their place in a content file, as (output path,
    /// normalised `href`): the check of the rendered HTML skips them.
    reported: HashSet<(String, String)>,
    /// The link-check data of every HTML page, by output path.
    scans: HashMap<String, PageScan>,
    /// Every output path.
    outputs: HashSet<String>,
    /// The charts of site.toml, drawn.
    charts: Vec<charts::ChartCtx>,
    /// Each collection's listing as a template value, kept by `watch` and
    /// `serve` (it follows the front matter alone, which an incremental
    /// rebuild leaves as it was; the values are shared with the global
    /// context, so keeping them costs no copy).
    listings: Vec<tera::Value>,
    /// The search index (when `search = true`) and each page's document.
    search: Option<(crate::search::SearchIndex, HashMap<usize, usize>)>,
    /// Which pages of the languages translate which (empty for a site in
    /// one language).
    alternates: std::sync::Arc<languages::Alternates>,
    /// This language's place among the site's (0 for the default).
    lang_index: usize,
    /// This language's folder (`de/`; empty for the default).
    lang_prefix: String,
    /// The render caches of the other languages, in the order of
    /// [`Site::languages`] (on the default language's cache).
    pub(crate) languages: Vec<RenderCache>,
    /// For a language besides the default: every output path of the site,
    /// root-relative, for links that leave the language's folder.
    root_outputs: std::sync::Arc<HashSet<String>>,
    /// The images the pages show, shared by every language (they are the
    /// site's, at its root).
    images: std::sync::Arc<crate::images::Registry>,
    /// The fonts share cards are drawn with (when cards are on), shared
    /// by every language.
    fonts: Option<std::sync::Arc<crate::images::cards::Fonts>>,
}

impl RenderCache {
    /// Whether a template may read data files (see
    /// [`templates::Templates::read_data`]).
    pub fn templates_read_data(&self) -> bool {
        self.templates.read_data()
    }

    /// The Markdown pass that fills the bodies.
    fn first_pass(&self) -> markdown::Pass {
        if self.html_kept {
            markdown::Pass::Full
        } else {
            markdown::Pass::NoHtml
        }
    }

    /// Removes the cached image copies and cards this build did not use
    /// and the stamps of images it did not show (after a full build
    /// only); returns how many files were removed.
    pub fn prune_image_cache(&self) -> usize {
        self.images.save_stamps(true);
        self.images.cache().prune()
    }

    /// The images of this build.
    pub fn images(&self) -> &std::sync::Arc<crate::images::Registry> {
        &self.images
    }

    /// Every output path of the build, every language's included.
    pub fn output_paths(&self) -> Vec<String> {
        let mut all: Vec<String> = self
            .outputs
            .iter()
            .map(|o| format!("{}{o}", self.lang_prefix))
            .collect();
        for l in &self.languages {
            all.extend(l.output_paths());
        }
        all
    }
}

/// A borrowed view of a site and its render cache.
struct Shared<'a> {
    site: &'a Site,
    c: &'a RenderCache,
}

impl<'a> Shared<'a> {
    /// [`Shared::word`], borrowed from the render cache.
    fn word_ref(&self, key: &str, english: &'static str) -> &'a str {
        let c: &'a RenderCache = self.c;
        c.templates
            .words
            .get(key)
            .and_then(|v| v.as_str())
            .unwrap_or(english)
    }

    /// The theme's word `key` in the site's language (its `i18n`), else
    /// `english`: for the few words cairn writes itself.
    fn word(&self, key: &str, english: &str) -> String {
        self.c
            .templates
            .words
            .get(key)
            .and_then(|v| v.as_str())
            .unwrap_or(english)
            .to_string()
    }
}

/// The names of cairn's own shortcodes (for the manual's coverage test).
#[cfg(test)]
pub(crate) fn shortcodes_builtin() -> &'static [&'static str] {
    &shortcodes::BUILTIN
}

/// Renders every output file of `site` in memory.
pub fn render(site: &mut Site) -> Result<(Vec<OutputFile>, Diagnostics), Diagnostics> {
    render_cached(site).map(|(files, ds, _)| (files, ds))
}

/// Renders every output file of `site` in memory and keeps what an
/// incremental re-render needs.
pub fn render_cached(
    site: &mut Site,
) -> Result<(Vec<OutputFile>, Diagnostics, RenderCache), Diagnostics> {
    let images = std::sync::Arc::new(crate::images::Registry::new(&site.config));
    render_with(site, &crate::output::InMemory, false, true, images)
}

/// [`render_cached`] for `watch` and `serve`, with the images of
/// `images`, a registry kept from an earlier build of the same site. The
/// pages' texts stay in memory but not their HTML bodies (a third of a
/// server's memory at 10,000 pages): a page rendered again renders its
/// Markdown again, as a one-off build does.
pub fn render_cached_with(
    site: &mut Site,
    images: std::sync::Arc<crate::images::Registry>,
) -> Result<(Vec<OutputFile>, Diagnostics, RenderCache), Diagnostics> {
    render_with(site, &crate::output::InMemory, false, false, images)
}

/// Renders every output file of `site`, handing each to `sink` as soon as
/// it is done; returns the files the sink gave back, the warnings, and what
/// an incremental re-render needs. Nothing is handed on once an error is
/// known, and the caller discards what was handed on if this fails. With
/// `release_sources` (a one-off build), neither the pages' texts nor their
/// HTML bodies stay in memory: each page's Markdown is rendered again in
/// its own job, from its file. `watch` and `serve` keep both.
pub fn render_into(
    site: &mut Site,
    sink: &dyn Sink,
    release_sources: bool,
) -> Result<(Vec<OutputFile>, Diagnostics, RenderCache), Diagnostics> {
    let images = std::sync::Arc::new(crate::images::Registry::new(&site.config));
    render_with(site, sink, release_sources, !release_sources, images)
}

fn render_with(
    site: &mut Site,
    sink: &dyn Sink,
    release_sources: bool,
    keep_html: bool,
    images: std::sync::Arc<crate::images::Registry>,
) -> Result<(Vec<OutputFile>, Diagnostics, RenderCache), Diagnostics> {
    // Loading has checked everything that quotes the front matter; from
    // here on a one-off build reads each file again where its body is
    // rendered (twice: once for links and headings, once in its page job)
    // instead of keeping every text in memory.
    if release_sources {
        timed("release sources", || {
            site.pages
                .par_iter_mut()
                .for_each(|p| p.page.release_text());
            for l in &mut site.languages {
                l.pages.par_iter_mut().for_each(|p| p.page.release_text());
            }
        });
    }
    let site = &*site;
    // The problems found while loading come first; every later step still
    // runs, so that one run reports every mistake of the site.
    let mut ds = site.diagnostics.clone();
    let fonts = site.config.images.cards.then(|| {
        std::sync::Arc::new(crate::images::cards::Fonts::new(templates::font_files(
            &site.config,
            &mut ds,
        )))
    });
    let shared = (images, fonts);
    let keep = (keep_html, !release_sources);
    let (mut cache, listings) = begin(site, 0, keep, &shared, &mut ds);
    let mut files = Vec::new();
    if site.languages.is_empty() {
        files = finish(site, &mut cache, &listings, sink, &mut ds);
    } else {
        // Every language plans its pages before any is rendered, so that
        // each page knows its translations.
        let mut rest: Vec<(RenderCache, Vec<tera::Value>)> = site
            .languages
            .iter()
            .enumerate()
            .map(|(n, l)| begin(l, n + 1, keep, &shared, &mut ds))
            .collect();
        let all: Vec<&Site> = site.all_languages().collect();
        let caches: Vec<&RenderCache> = std::iter::once(&cache)
            .chain(rest.iter().map(|(c, _)| c))
            .collect();
        let alternates = std::sync::Arc::new(timed("languages: alternates", || {
            languages::Alternates::new(&all, &caches)
        }));
        cache.alternates = alternates.clone();
        cache.root_outputs = std::sync::Arc::new(alternates.pages.clone());
        files.extend(finish(site, &mut cache, &listings, sink, &mut ds));
        let mut root: HashSet<String> = alternates.pages.clone();
        root.extend(cache.outputs.iter().cloned());
        let root = std::sync::Arc::new(root);
        for (l, (c, listings)) in site.languages.iter().zip(&mut rest) {
            c.alternates = alternates.clone();
            c.root_outputs = root.clone();
            let sink = languages::Prefixed {
                inner: sink,
                prefix: &l.config.lang_prefix,
            };
            files.extend(finish(l, c, listings, &sink, &mut ds));
        }
        cache.languages = rest.into_iter().map(|(c, _)| c).collect();
    }
    if let Some(fonts) = &shared.1
        && let Some(d) = cards::lacking_letters(fonts)
    {
        ds.push(d);
    }
    if ds.has_errors() {
        return Err(ds);
    }
    Ok((files, ds, cache))
}

/// The steps of a render before any page is written: what pages share,
/// the template globals, the Markdown bodies, links and backlinks, and
/// the plan of every output page. `lang_index` is the site's place among
/// the languages (0 for the default); `(html_kept, live)`: whether the
/// bodies keep their HTML, and whether the cache serves incremental
/// rebuilds (`watch`, `serve`).
fn begin(
    site: &Site,
    lang_index: usize,
    (html_kept, live): (bool, bool),
    (images, fonts): &SharedAssets,
    ds: &mut Diagnostics,
) -> (RenderCache, Vec<tera::Value>) {
    let mut cache = prepare(site, html_kept, ds);
    cache.images = images.clone();
    cache.fonts = fonts.clone();
    cache.lang_index = lang_index;
    // One listing of every collection, for the global template context and
    // for collection pages.
    let listings = timed("globals", || {
        let mut globals = Globals::new(site, &cache.pages, &cache.tables, &cache.order);
        let tera = &cache.templates.tera;
        if !site.tags.is_empty()
            && tera.contains_template("tags.html")
            && tera.contains_template("tag.html")
        {
            globals.site.tags_url = Some(site.config.url("tags/"));
        }
        let gc = cache.templates.tera.global_context();
        gc.insert("charts", &cache.charts);
        gc.insert("site", &globals.site);
        gc.insert_value("collections", tera::Value::from(globals.values.clone()));
        gc.insert("comparisons", &globals.comparisons);
        gc.insert("data", &site.data.tree());
        gc.insert("i18n", &cache.templates.words);
        gc.insert("i18n_script", &i18n::script_json(&cache.templates.words));
        let taxonomies: Vec<_> = site
            .taxonomies
            .iter()
            .map(|t| context::taxonomy_ctx(site, t, None, &[]).0)
            .collect();
        gc.insert("taxonomies", &taxonomies);
        globals.values
    });
    render_all_bodies(site, &mut cache, ds);
    cache.reported = check_fragments(site, &cache.pages, ds);
    let backlinks = timed("backlinks", || {
        merge_backlinks(site, &cache.pages, &cache.templates.words)
    });
    for (parts, list) in cache.pages.iter_mut().zip(backlinks) {
        parts.backlinks = list;
    }
    cache.jobs = jobs::plan(&Shared { site, c: &cache }, ds);
    if live {
        cache.listings = listings.clone();
    }
    (cache, listings)
}

/// The steps of a render that write: the files beside the pages, then
/// every page, handed to `sink` as it is done (nothing once an error is
/// known), then the check of the links of the rendered pages.
fn finish(
    site: &Site,
    cache: &mut RenderCache,
    listings: &[tera::Value],
    sink: &dyn Sink,
    ds: &mut Diagnostics,
) -> Vec<OutputFile> {
    {
        let gc = cache.templates.tera.global_context();
        gc.insert("languages", &cache.alternates.langs);
    }
    // Every file besides the pages is known before a page is rendered, so
    // collisions are found before anything is handed to the sink.
    let statics = statics(site, cache, ds);
    let cards: Vec<(String, String)> = {
        let sh = Shared { site, c: cache };
        cache
            .jobs
            .iter()
            .filter_map(|(job, _, rel)| cards::planned(&sh, job, rel))
            .map(|card| (card.clone(), format!("the share card `/{card}`")))
            .collect()
    };
    timed("collisions", || {
        check_collisions(site, &cache.jobs, &statics, &cards, ds)
    });
    cache.outputs = cache
        .jobs
        .iter()
        .map(|(_, _, rel)| rel.clone())
        .chain(statics.iter().map(|f| f.rel.clone()))
        .chain(cards.into_iter().map(|(rel, _)| rel))
        .collect();
    // With errors already found, pages are still rendered (to report every
    // error of the run) but nothing is handed on.
    let hand_on = HandOn {
        sink,
        site,
        on: !ds.has_errors(),
    };
    let mut files = Vec::new();
    // Assets can be many and large: copied in parallel too.
    let handed: Vec<Result<Option<OutputFile>, Diagnostic>> =
        statics.into_par_iter().map(|f| hand_on.put(f)).collect();
    for r in handed {
        match r {
            Ok(kept) => files.extend(kept),
            Err(d) => ds.push(d),
        }
    }
    let mut failures = Vec::new();
    for r in render_jobs(site, cache, listings, &hand_on) {
        match r {
            Ok((kept, scan)) => {
                files.extend(kept);
                cache.scans.extend(scan);
            }
            Err(failed) => failures.push(failed),
        }
    }
    ds.extend(once_per_place(failures, MetBy::Pages));
    timed("check links", || {
        check_rendered_links(site, cache, None, ds)
    });
    files
}

/// What every page shares, computed before any body is rendered: the
/// templates, each page's formatted fields, comparison tables and the
/// comparisons it appears in, the order of each collection, navigation and
/// charts.
fn prepare(site: &Site, html_kept: bool, ds: &mut Diagnostics) -> RenderCache {
    let config = &site.config;
    let templates = timed("templates", || templates::load_templates(config, ds));
    let words = values::ValueWords::from_words(&templates.words);
    let lookup = PageLookup {
        pages: &site.pages,
        index: &site.index,
        fallback_lang: &site.config.default_language,
        words: &words,
    };
    let mut pages: Vec<PageParts> = timed("fields", || {
        site.pages
            .par_iter()
            .map(|p| PageParts {
                view: match p.collection().and_then(|c| config.collection(c)) {
                    // A foreign page is shown in its own language only.
                    Some(coll) if matches!(p.kind, PageKind::Entry(_)) && !p.foreign => {
                        values::view(coll, &p.fields, &lookup)
                    }
                    _ => FieldsView::default(),
                },
                ..PageParts::default()
            })
            .collect()
    });
    let mut tables = Vec::with_capacity(site.comparisons.len());
    for c in &site.comparisons {
        let def = &config.comparisons[c.def];
        let Some(coll) = config.collection(&def.collection) else {
            continue;
        };
        let mut t = compare::table(
            coll,
            &c.items,
            &def.fields,
            def.title.as_deref(),
            &site.pages,
            &pages,
        );
        let url = config.url(&c.path);
        t.url = Some(url.clone());
        for &i in &c.items {
            pages[i].appears_in.push(ComparisonLink {
                title: t.title.clone(),
                url: url.clone(),
            });
        }
        tables.push(t);
    }
    let order = timed("order", || collection_order(site));
    let charts = draw_charts(
        site,
        &crate::render::charts::ChartWords::from_words(&templates.words),
    );
    let nav = timed("nav", || navigation(site, &order));
    for (parts, nav) in pages.iter_mut().zip(nav) {
        parts.nav = nav;
    }
    RenderCache {
        templates,
        pages,
        tables,
        order,
        html_kept,
        jobs: Vec::new(),
        scans: HashMap::new(),
        reported: HashSet::new(),
        outputs: HashSet::new(),
        search: None,
        charts,
        listings: Vec::new(),
        alternates: Default::default(),
        lang_index: 0,
        lang_prefix: config.lang_prefix.clone(),
        languages: Vec::new(),
        root_outputs: Default::default(),
        images: std::sync::Arc::new(crate::images::Registry::new(config)),
        fonts: None,
    }
}

/// What every language of a build shares: the images and the card fonts.
type SharedAssets = (
    std::sync::Arc<crate::images::Registry>,
    Option<std::sync::Arc<crate::images::cards::Fonts>>,
);

/// Renders the Markdown body of every page into its [`PageParts`];
/// failures of shortcode templates are reported once per place.
fn render_all_bodies(site: &Site, cache: &mut RenderCache, ds: &mut Diagnostics) {
    let bodies: Vec<(markdown::Rendered, Vec<Diagnostic>, Vec<Failed>)> = timed("markdown", || {
        let sh = Shared { site, c: cache };
        site.pages
            .par_iter()
            .map(|p| {
                // A foreign page's body is the default language's.
                if p.foreign {
                    return Default::default();
                }
                render_body(&sh, p, sh.c.first_pass())
            })
            .collect()
    });
    let mut in_templates = Vec::new();
    for (parts, (body, errors, templates)) in cache.pages.iter_mut().zip(bodies) {
        ds.extend(errors);
        in_templates.extend(templates);
        parts.body = body;
    }
    ds.extend(once_per_place(in_templates, MetBy::Calls));
}

/// The files besides the pages: the search index (kept in the cache for
/// incremental updates), sitemap, feed and robots.txt, the theme's static
/// files and the site's assets.
fn statics(site: &Site, cache: &mut RenderCache, ds: &mut Diagnostics) -> Vec<OutputFile> {
    let mut statics = Vec::new();
    if site.config.search {
        let (index, doc_of) = timed("search index", || build_search(&Shared { site, c: cache }));
        statics = index.files();
        cache.search = Some((index, doc_of));
    }
    statics.extend(timed("publishing files", || {
        publishing_files(&Shared { site, c: cache })
    }));
    statics.extend(timed("export", || {
        export::files(&Shared { site, c: cache })
    }));
    if !site.config.lang_prefix.is_empty() {
        // The theme's files and the assets are the site's, at its root.
        return statics;
    }
    statics.extend(templates::static_files(&site.config, ds));
    statics.extend(site.assets.iter().map(|a| OutputFile {
        rel: a.rel.clone(),
        data: Data::File(a.abs.clone()),
    }));
    // Every language's bodies are rendered by now: the images any of
    // them shows.
    statics.extend(cache.images.outputs());
    statics
}

/// Hands finished files to the sink, unless errors are known already.
struct HandOn<'a> {
    sink: &'a dyn Sink,
    site: &'a Site,
    on: bool,
}

impl HandOn<'_> {
    fn put(&self, f: OutputFile) -> Result<Option<OutputFile>, Diagnostic> {
        if !self.on {
            return Ok(None);
        }
        let rel = f.rel.clone();
        let from = match &f.data {
            Data::File(p) => format!(
                " (from `{}`)",
                content::rel_to(&self.site.config.root, p).display()
            ),
            _ => String::new(),
        };
        self.sink.put(f).map_err(|e| {
            let config = &self.site.config;
            // In a language's folder.
            let rel = format!("{}{rel}", config.lang_prefix);
            Diagnostic::error(
                content::rel_to(&config.root, &config.output_dir.join(&rel)),
                format!("cannot write `/{rel}`{from}: {e}"),
            )
        })
    }
}

/// A rendered job: the file the sink gave back and its link-check data,
/// or the failure.
type Done = Result<(Vec<OutputFile>, Option<(String, PageScan)>), Failed>;

/// Renders every job in parallel, handing each page on as it is done;
/// results in job order.
fn render_jobs(
    site: &Site,
    cache: &RenderCache,
    listings: &[tera::Value],
    hand_on: &HandOn,
) -> Vec<Done> {
    timed("render", || {
        let sh = Shared { site, c: cache };
        // Listings first: a collection of thousands of entries makes one
        // page many times bigger than any other, which, started last,
        // would leave the other threads idle while it renders.
        let mut order: Vec<usize> = (0..cache.jobs.len()).collect();
        order.sort_by_key(|&n| !is_listing(site, &cache.jobs[n].0));
        let one = |(job, template, rel): &(Job, String, String)| -> Done {
            if !template.is_empty() && !sh.c.templates.tera.contains_template(template) {
                // Missing or broken: reported already.
                return Ok((Vec::new(), None));
            }
            let (f, card) = match job {
                Job::Alias(n) => (alias_page(&sh, *n, rel), None),
                _ => render_job(&sh, listings, job, template, rel)
                    .map_err(|d| Box::new((d, job_source(site, job))))?,
            };
            let mut kept = Vec::new();
            if let Some(card) = card {
                kept.extend(
                    hand_on
                        .put(card)
                        .map_err(|d| Box::new((d, String::new())))?,
                );
            }
            // The link-check data is taken now, so the page itself need not
            // be kept.
            let scan = match (&f.data, job) {
                (_, Job::Alias(_)) => None,
                (Data::Bytes(b), _) if rel.ends_with(".html") => std::str::from_utf8(b)
                    .ok()
                    .map(|s| (rel.clone(), crate::check::links::scan(s))),
                _ => None,
            };
            kept.extend(hand_on.put(f).map_err(|d| Box::new((d, String::new())))?);
            Ok((kept, scan))
        };
        let mut done: Vec<(usize, Done)> = order
            .par_iter()
            .map(|&n| (n, one(&cache.jobs[n])))
            .collect();
        done.sort_unstable_by_key(|(n, _)| *n);
        done.into_iter().map(|(_, d)| d).collect()
    })
}

/// Two outputs at one path, or at paths that differ only in case (they
/// collide on case-insensitive hosts), are errors naming both sources.
fn check_collisions(
    site: &Site,
    jobs: &[(Job, String, String)],
    statics: &[OutputFile],
    cards: &[(String, String)],
    ds: &mut Diagnostics,
) {
    let mut seen: HashMap<String, (String, String)> = HashMap::new();
    // Two content pages at one path are reported by loading already.
    let mut page_paths: std::collections::HashSet<String> = std::collections::HashSet::new();
    let entries = jobs
        .iter()
        .filter(|(job, _, rel)| {
            !matches!(job, Job::Page(_)) || page_paths.insert(rel.to_lowercase())
        })
        .map(|(job, _, rel)| (rel.clone(), job_source(site, job)))
        .chain(statics.iter().map(|f| {
            let src = match &f.data {
                Data::File(p) => crate::content::rel_to(&site.config.root, p)
                    .display()
                    .to_string(),
                Data::Static(_) => {
                    format!("themes/{}/static/{} (built in)", site.config.theme, f.rel)
                }
                Data::Bytes(_) => format!("`{}` (generated)", f.rel),
            };
            (f.rel.clone(), src)
        }))
        .chain(cards.iter().cloned());
    for (rel, source) in entries {
        let key = rel.to_lowercase();
        match seen.get(&key) {
            Some((first_rel, first)) => {
                let what = if *first_rel == rel {
                    "the same output"
                } else {
                    "outputs that differ only in case"
                };
                ds.push(
                    Diagnostic::error(source.clone(), format!("`{first}` and `{source}` both write {what} `/{rel}`"))
                        .with_hint("change a slug, an alias or a file name so that each output has its own path"),
                );
            }
            None => {
                seen.insert(key, (rel, source));
            }
        }
    }
    // A file where another output needs a folder (`sitemap.xml` and an
    // alias `/sitemap.xml/`, a static file `roles` and the `roles/` pages).
    let mut folders: Vec<(&str, &(String, String))> = Vec::new();
    for (key, entry) in &seen {
        let mut at = 0;
        while let Some(slash) = key[at..].find('/') {
            let folder = &key[..at + slash];
            at += slash + 1;
            if seen.contains_key(folder) {
                folders.push((folder, entry));
            }
        }
    }
    folders.sort();
    folders.dedup_by_key(|(folder, _)| *folder);
    for (folder, (rel, source)) in folders {
        let (file_rel, file_source) = &seen[folder];
        // Reported at the side an author can change.
        let at = if file_source.contains("(generated)") || file_source.contains("(built in)") {
            source
        } else {
            file_source
        };
        ds.push(
            Diagnostic::error(
                at.clone(),
                format!(
                    "{file_source} writes the file `/{file_rel}`, where {source} needs a folder for `/{rel}`"
                ),
            )
            .with_hint("change a slug, an alias or a file name so that no output is both a file and a folder"),
        );
    }
}
