//! Rendering pages: the jobs of a build (one per output page), their
//! template contexts (SPEC.md, "Template context"), comparison pages, and
//! the expansion of shortcodes inside Markdown bodies.
//!
//! Everything here works on a loaded, checked [`Site`] and produces output
//! files in memory; nothing touches the disk.

use std::collections::HashMap;
use std::path::PathBuf;

use rayon::prelude::*;
use serde::Serialize;
use serde::ser::SerializeMap;
use tera::Context;

use crate::compare::{self, TableCtx};
use crate::config::{Config, FieldDef, SortBy};
use crate::content::{self, Date, Page, PageKind, yaml::Value};
use crate::diagnostics::{Diagnostic, Diagnostics, did_you_mean, line_col};
use crate::markdown::shortcodes::{self, ArgValue, Call};
use crate::markdown::{self, TocEntry};
use crate::output::{Data, OutputFile};
use crate::publish;
use crate::render;
use crate::site::{Backlink, Site, timed};
use crate::values::{self, FieldRow, FieldsView, PageLookup, Resolved};

/// What one output page is.
enum Job {
    /// A content file.
    Page(usize),
    /// A collection page without `_index.md`.
    Collection(String),
    /// The home page without `content/_index.md`.
    Home,
    /// `404.html`.
    NotFound,
    /// A `[[comparisons]]` page (index into the resolved comparisons).
    Compare(usize),
    /// `/compare/`, the list of comparisons.
    CompareIndex,
    /// `/tags/`.
    Tags,
    /// `/tags/<slug>/` (index into the site's tags).
    Tag(usize),
    /// A redirect page for an alias (index into the site's aliases).
    Alias(usize),
    /// `/search/`, when the search index is built.
    Search,
}

/// Everything computed once per build and shared by every page. Kept
/// between builds by `watch` and `serve`, so that an edit re-renders only
/// what depends on it.
pub struct RenderCache {
    templates: render::Templates,
    views: Vec<FieldsView>,
    tables: Vec<TableCtx>,
    /// For each page, the comparisons it appears in.
    appears_in: Vec<Vec<ComparisonLink>>,
    /// Entries of each collection in `sort_by` order.
    order: Vec<Vec<usize>>,
    /// For each page, breadcrumbs and neighbours.
    nav: Vec<Nav>,
    /// Each page's rendered Markdown (without its HTML unless
    /// `html_kept`).
    bodies: Vec<markdown::Rendered>,
    /// Whether `bodies` hold the HTML; a streaming build renders it again
    /// for each page instead of keeping every page's HTML at once.
    html_kept: bool,
    /// For each page, typed references and body links to it.
    backlinks: Vec<Vec<Backlink>>,
    /// Every output page: (job, template, output path).
    jobs: Vec<(Job, String, String)>,
    /// Links reported at their place in a content file, as (output path,
    /// normalised `href`): the check of the rendered HTML skips them.
    reported: std::collections::HashSet<(String, String)>,
    /// The link-check data of every HTML page, by output path.
    scans: HashMap<String, crate::check::links::PageScan>,
    /// Every output path.
    outputs: std::collections::HashSet<String>,
    /// The charts of site.toml, drawn.
    charts: Vec<crate::charts::ChartCtx>,
    /// The search index (when `search = true`) and each page's document.
    search: Option<(crate::search::SearchIndex, HashMap<usize, usize>)>,
}

impl RenderCache {
    /// The Markdown pass that fills `bodies`.
    fn first_pass(&self) -> markdown::Pass {
        if self.html_kept {
            markdown::Pass::Full
        } else {
            markdown::Pass::NoHtml
        }
    }

    /// Every output path of the build.
    pub fn output_paths(&self) -> Vec<String> {
        self.outputs.iter().cloned().collect()
    }
}

/// A borrowed view of a site and its render cache.
struct Shared<'a> {
    site: &'a Site,
    c: &'a RenderCache,
}

/// A link with a title, for breadcrumbs, neighbours and tags.
#[derive(Debug, Clone, Serialize, PartialEq)]
struct Crumb {
    title: String,
    url: String,
}

/// Where a page sits: its breadcrumbs and, for entries, the previous and
/// next entries of its collection in `sort_by` order.
#[derive(Debug, Clone, Default, Serialize)]
struct Nav {
    breadcrumbs: Vec<Crumb>,
    previous: Option<Crumb>,
    next: Option<Crumb>,
}

/// A link to a comparison page.
#[derive(Debug, Clone, Serialize)]
struct ComparisonLink {
    title: String,
    url: String,
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
    render_into(site, &crate::output::InMemory, false)
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
    sink: &dyn crate::output::Sink,
    release_sources: bool,
) -> Result<(Vec<OutputFile>, Diagnostics, RenderCache), Diagnostics> {
    // Loading has checked everything that quotes the front matter; from
    // here on a one-off build reads each file again where its body is
    // rendered (twice: once for links and headings, once in its page job)
    // instead of keeping every text in memory.
    if release_sources {
        timed("release sources", || {
            site.pages.par_iter_mut().for_each(Page::release_text)
        });
    }
    let config = &site.config;
    // The problems found while loading come first; every later step still
    // runs, so that one run reports every mistake of the site.
    let mut ds = site.diagnostics.clone();
    let templates = timed("templates", || render::load_templates(config, &mut ds));
    let lookup = PageLookup {
        pages: &site.pages,
        index: &site.index,
    };
    let views: Vec<FieldsView> = timed("fields", || {
        site.pages
            .par_iter()
            .zip(&site.typed)
            .map(
                |(p, t)| match p.collection().and_then(|c| config.collection(c)) {
                    Some(coll) if matches!(p.kind, PageKind::Entry(_)) => {
                        values::view(coll, t, &lookup)
                    }
                    _ => FieldsView::default(),
                },
            )
            .collect()
    });
    let mut tables = Vec::with_capacity(site.comparisons.len());
    let mut appears_in: Vec<Vec<ComparisonLink>> = vec![Vec::new(); site.pages.len()];
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
            &views,
            &config.base_path,
        );
        let url = format!("{}{}", config.base_path, c.path);
        t.url = Some(url.clone());
        for &i in &c.items {
            appears_in[i].push(ComparisonLink {
                title: t.title.clone(),
                url: url.clone(),
            });
        }
        tables.push(t);
    }
    let order = timed("order", || collection_order(site));
    let charts = draw_charts(site, &order);
    let nav = timed("nav", || navigation(site, &order));
    let mut cache = RenderCache {
        templates,
        views,
        tables,
        appears_in,
        order,
        nav,
        bodies: Vec::new(),
        html_kept: !release_sources,
        backlinks: Vec::new(),
        jobs: Vec::new(),
        scans: HashMap::new(),
        reported: std::collections::HashSet::new(),
        outputs: std::collections::HashSet::new(),
        search: None,
        charts,
    };
    // One listing of every collection, for the global template context and
    // for collection pages.
    let listings = timed("globals", || {
        let globals = Globals::new(site, &cache.views, &cache.tables, &cache.order);
        let gc = cache.templates.tera.global_context();
        gc.insert("charts", &cache.charts);
        gc.insert("site", &globals.site);
        gc.insert_value("collections", tera::Value::from(globals.values.clone()));
        gc.insert("comparisons", &globals.comparisons);
        globals.values
    });
    let bodies: Vec<(markdown::Rendered, Vec<Diagnostic>, Vec<Failed>)> = timed("markdown", || {
        let sh = Shared { site, c: &cache };
        site.pages
            .par_iter()
            .map(|p| render_body(&sh, p, sh.c.first_pass()))
            .collect()
    });
    let mut in_templates = Vec::new();
    cache.bodies = bodies
        .into_iter()
        .map(|(body, errors, templates)| {
            ds.extend(errors);
            in_templates.extend(templates);
            body
        })
        .collect();
    ds.extend(once_per_place(in_templates, MetBy::Calls));
    cache.reported = check_fragments(site, &cache.bodies, &mut ds);
    cache.backlinks = timed("backlinks", || merge_backlinks(site, &cache.bodies));
    cache.jobs = jobs(&Shared { site, c: &cache }, &mut ds);

    // Every file besides the pages is known before a page is rendered, so
    // collisions are found before anything is handed to the sink.
    let mut statics = Vec::new();
    if config.search {
        let (index, doc_of) = timed("search index", || build_search(&Shared { site, c: &cache }));
        statics = index.files();
        cache.search = Some((index, doc_of));
    }
    statics.extend(timed("publishing files", || {
        publishing_files(&Shared { site, c: &cache })
    }));
    statics.extend(render::static_files(config, &mut ds));
    statics.extend(site.assets.iter().map(|a| OutputFile {
        rel: a.rel.clone(),
        data: Data::File(a.abs.clone()),
    }));
    timed("collisions", || {
        check_collisions(site, &cache.jobs, &statics, &mut ds)
    });
    cache.outputs = cache
        .jobs
        .iter()
        .map(|(_, _, rel)| rel.clone())
        .chain(statics.iter().map(|f| f.rel.clone()))
        .collect();
    // With errors already found, pages are still rendered (to report every
    // error of the run) but nothing is handed on.
    let handing_on = !ds.has_errors();
    let hand_on = |f: OutputFile| -> Result<Option<OutputFile>, Diagnostic> {
        if !handing_on {
            return Ok(None);
        }
        let rel = f.rel.clone();
        sink.put(f).map_err(|e| {
            Diagnostic::error(
                content::rel_to(&config.root, &config.output_dir.join(&rel)),
                format!("cannot write: {e}"),
            )
        })
    };
    let mut files = Vec::new();
    // Assets can be many and large: copied in parallel too.
    let handed: Vec<Result<Option<OutputFile>, Diagnostic>> =
        statics.into_par_iter().map(hand_on).collect();
    for r in handed {
        match r {
            Ok(kept) => files.extend(kept),
            Err(d) => ds.push(d),
        }
    }
    type Done = Result<
        (
            Option<OutputFile>,
            Option<(String, crate::check::links::PageScan)>,
        ),
        Failed,
    >;
    let rendered: Vec<Done> = timed("render", || {
        let sh = Shared { site, c: &cache };
        // Listings first: a collection of thousands of entries makes one
        // page many times bigger than any other, which, started last,
        // would leave the other threads idle while it renders.
        let mut order: Vec<usize> = (0..cache.jobs.len()).collect();
        order.sort_by_key(|&n| !is_listing(site, &cache.jobs[n].0));
        let one = |(job, template, rel): &(Job, String, String)| -> Done {
            if !template.is_empty() && !sh.c.templates.tera.contains_template(template) {
                // Missing or broken: reported already.
                return Ok((None, None));
            }
            let f = match job {
                Job::Alias(n) => alias_page(site, *n, rel),
                _ => render_job(&sh, &listings, job, template, rel)
                    .map_err(|d| Box::new((d, job_source(site, job))))?,
            };
            // The link-check data is taken now, so the page itself need not
            // be kept.
            let scan = match (&f.data, job) {
                (_, Job::Alias(_)) => None,
                (Data::Bytes(b), _) if rel.ends_with(".html") => std::str::from_utf8(b)
                    .ok()
                    .map(|s| (rel.clone(), crate::check::links::scan(s))),
                _ => None,
            };
            Ok((hand_on(f).map_err(|d| Box::new((d, String::new())))?, scan))
        };
        let mut done: Vec<(usize, Done)> = order
            .par_iter()
            .map(|&n| (n, one(&cache.jobs[n])))
            .collect();
        done.sort_unstable_by_key(|(n, _)| *n);
        done.into_iter().map(|(_, d)| d).collect()
    });
    let mut failures = Vec::new();
    for r in rendered {
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
        check_rendered_links(site, &cache, None, &mut ds)
    });
    if ds.has_errors() {
        return Err(ds);
    }
    Ok((files, ds, cache))
}

/// Re-renders after edits that changed only the Markdown bodies of some
/// pages (their front-matter is byte for byte the same), so every typed
/// value, title, URL and collection listing is unchanged. Only the edited
/// pages and the pages whose backlinks change are rendered again; links
/// are checked on those, and everywhere if a page's heading ids changed.
/// Returns the re-rendered files. On error, `site` and `cache` are left as
/// they were.
pub fn rerender_bodies(
    site: &mut Site,
    cache: &mut RenderCache,
    edits: Vec<(usize, Page)>,
) -> Result<(Vec<OutputFile>, Vec<String>, Diagnostics), Diagnostics> {
    let mut ds = Diagnostics::new();
    // Swap the new pages in; keep the old ones to roll back.
    let mut old_pages = Vec::with_capacity(edits.len());
    for (i, mut page) in edits {
        page.set_base(&site.config.base_path, &site.config.base_url);
        old_pages.push((i, std::mem::replace(&mut site.pages[i], page)));
    }
    let rollback = |site: &mut Site, old_pages: Vec<(usize, Page)>| {
        for (i, p) in old_pages {
            site.pages[i] = p;
        }
    };
    let mut new_bodies = Vec::with_capacity(old_pages.len());
    {
        let sh = Shared { site, c: cache };
        let mut in_templates = Vec::new();
        for (i, _) in &old_pages {
            let (body, errors, templates) = render_body(&sh, &site.pages[*i], sh.c.first_pass());
            ds.extend(errors);
            in_templates.extend(templates);
            new_bodies.push((*i, body));
        }
        ds.extend(once_per_place(in_templates, MetBy::Calls));
    }
    if ds.has_errors() {
        rollback(site, old_pages);
        return Err(ds);
    }
    let mut old_bodies = Vec::with_capacity(new_bodies.len());
    for (i, b) in new_bodies {
        old_bodies.push((i, std::mem::replace(&mut cache.bodies[i], b)));
    }
    let reported = timed("incremental: fragments", || {
        check_fragments(site, &cache.bodies, &mut ds)
    });
    let old_reported = std::mem::replace(&mut cache.reported, reported);
    if ds.has_errors() {
        cache.reported = old_reported;
        for (i, b) in old_bodies {
            cache.bodies[i] = b;
        }
        rollback(site, old_pages);
        return Err(ds);
    }
    // Only pages an edited body linked to, before or after, can gain or
    // lose a backlink.
    let mut targets: Vec<usize> = old_bodies
        .iter()
        .flat_map(|(i, old)| {
            old.links
                .iter()
                .chain(&cache.bodies[*i].links)
                .filter_map(|l| l.page)
        })
        .collect();
    targets.sort_unstable();
    targets.dedup();
    let backlinks = timed("incremental: backlinks", || {
        merge_backlinks_for(site, &cache.bodies, &targets)
    });
    let mut affected: std::collections::BTreeSet<usize> =
        old_bodies.iter().map(|(i, _)| *i).collect();
    let mut old_backlinks = Vec::new();
    for (j, list) in backlinks {
        if cache.backlinks[j] != list {
            affected.insert(j);
            old_backlinks.push((j, std::mem::replace(&mut cache.backlinks[j], list)));
        }
    }
    let job_of: HashMap<usize, usize> = cache
        .jobs
        .iter()
        .enumerate()
        .filter_map(|(n, (job, _, _))| match job {
            Job::Page(i) => Some((*i, n)),
            _ => None,
        })
        .collect();
    // A FAQ collection page carries every answer in its JSON-LD.
    let mut jobs_to_render: std::collections::BTreeSet<usize> = affected
        .iter()
        .filter_map(|i| job_of.get(i).copied())
        .collect();
    for (i, _) in &old_bodies {
        let Some(name) = site.pages[*i].collection() else {
            continue;
        };
        if config_is_faq(site, name) {
            for (n, (job, _, _)) in cache.jobs.iter().enumerate() {
                let is_page = match job {
                    Job::Collection(c) => c == name,
                    Job::Page(k) => site.pages[*k].kind == PageKind::Collection(name.to_string()),
                    _ => false,
                };
                if is_page {
                    jobs_to_render.insert(n);
                }
            }
        }
    }
    let rendered: Vec<Result<OutputFile, Failed>> = {
        let sh = Shared { site, c: cache };
        let needs_globals = jobs_to_render
            .iter()
            .any(|&n| matches!(&cache.jobs[n].0, Job::Collection(_)) || matches!(&cache.jobs[n].0, Job::Page(k) if matches!(site.pages[*k].kind, PageKind::Collection(_))));
        let listings = if needs_globals {
            Globals::new(site, &cache.views, &cache.tables, &cache.order).values
        } else {
            Vec::new()
        };
        let mut out: Vec<Result<OutputFile, Failed>> = jobs_to_render
            .par_iter()
            .map(|&n| {
                let (job, template, rel) = &cache.jobs[n];
                render_job(&sh, &listings, job, template, rel)
                    .map_err(|d| Box::new((d, job_source(site, job))))
            })
            .collect();
        // The feed's summaries may come from first paragraphs.
        out.push(Ok(atom_file(&sh)));
        out
    };
    let mut files = Vec::with_capacity(rendered.len());
    let mut failures = Vec::new();
    for r in rendered {
        match r {
            Ok(f) => files.push(f),
            Err(failed) => failures.push(failed),
        }
    }
    ds.extend(once_per_place(failures, MetBy::Pages));
    let mut ids_changed = false;
    let mut old_scans = Vec::new();
    if !ds.has_errors() {
        for f in files.iter().filter(|f| f.rel.ends_with(".html")) {
            if let Data::Bytes(b) = &f.data {
                let scan = crate::check::links::scan(std::str::from_utf8(b).unwrap_or_default());
                let old = cache.scans.insert(f.rel.clone(), scan);
                ids_changed |= old
                    .as_ref()
                    .is_none_or(|o| o.ids != cache.scans[&f.rel].ids);
                old_scans.push((f.rel.clone(), old));
            }
        }
        let only: Option<Vec<String>> =
            (!ids_changed).then(|| files.iter().map(|f| f.rel.clone()).collect());
        timed("incremental: check links", || {
            check_rendered_links(site, cache, only.as_deref(), &mut ds)
        });
    }
    if ds.has_errors() {
        for (rel, old) in old_scans {
            match old {
                Some(s) => cache.scans.insert(rel, s),
                None => cache.scans.remove(&rel),
            };
        }
        for (j, list) in old_backlinks {
            cache.backlinks[j] = list;
        }
        cache.reported = old_reported;
        for (i, b) in old_bodies {
            cache.bodies[i] = b;
        }
        rollback(site, old_pages);
        return Err(ds);
    }
    // The search index: the edited documents only.
    let mut removed = Vec::new();
    let docs: Vec<(usize, crate::search::DocInput)> = {
        let sh = Shared { site, c: cache };
        match &cache.search {
            Some((_, doc_of)) => old_bodies
                .iter()
                .filter_map(|(i, _)| doc_of.get(i).map(|&d| (d, search_doc(&sh, *i))))
                .collect(),
            None => Vec::new(),
        }
    };
    if let Some((index, _)) = &mut cache.search {
        for (d, doc) in docs {
            let (changed, gone) = index.update(d, doc);
            files.retain(|f| !changed.iter().any(|c| c.rel == f.rel));
            files.extend(changed);
            removed.extend(gone);
        }
    }
    removed.sort();
    removed.dedup();
    removed.retain(|r| !files.iter().any(|f| f.rel == *r));
    for r in &removed {
        cache.outputs.remove(r);
    }
    for f in &files {
        cache.outputs.insert(f.rel.clone());
    }
    Ok((files, removed, ds))
}

/// Every `#fragment` of an `@/` link or wikilink must name a heading of its
/// target page.
/// Returns the links reported, as (output path of the page, normalised
/// `href`), so that the check of the rendered HTML does not repeat them.
fn check_fragments(
    site: &Site,
    bodies: &[markdown::Rendered],
    ds: &mut Diagnostics,
) -> std::collections::HashSet<(String, String)> {
    let mut reported = std::collections::HashSet::new();
    for (i, body) in bodies.iter().enumerate() {
        for l in &body.links {
            let Some(f) = &l.fragment else { continue };
            let t = l.page.unwrap_or(i);
            let ids = &bodies[t].ids;
            if f.is_empty() || ids.iter().any(|id| id == f) {
                continue;
            }
            let page = &site.pages[i];
            let mut msg = format!(
                "link to a missing heading `#{f}` in `{}`",
                site.pages[t].source.display()
            );
            if let Some(s) = did_you_mean(f, ids.iter().map(String::as_str)) {
                msg.push_str(&format!(" (did you mean `#{s}`?)"));
            }
            ds.push(match page.source_text(&site.config.root) {
                Ok(text) => body_error(page, &text, l.offset, msg),
                Err(d) => d,
            });
            let href = match l.page {
                Some(t) => format!("{}#{f}", site.pages[t].url),
                None => format!("#{f}"),
            };
            reported.insert((
                format!("{}index.html", page.path),
                crate::check::links::normalized(&href),
            ));
        }
    }
    reported
}

/// Typed backlinks plus pages whose text links here, without duplicates: a
/// page that both refers and links here is listed once, by its field.
fn merge_backlinks(site: &Site, bodies: &[markdown::Rendered]) -> Vec<Vec<Backlink>> {
    let all: Vec<usize> = (0..site.pages.len()).collect();
    merge_backlinks_for(site, bodies, &all)
        .into_iter()
        .map(|(_, list)| list)
        .collect()
}

/// The merged backlinks of the pages `targets` (sorted page indexes).
fn merge_backlinks_for(
    site: &Site,
    bodies: &[markdown::Rendered],
    targets: &[usize],
) -> Vec<(usize, Vec<Backlink>)> {
    let config = &site.config;
    let slot = |j: usize| targets.binary_search(&j).ok();
    let mut out: Vec<(usize, Vec<Backlink>)> = targets
        .iter()
        .map(|&j| (j, site.backlinks[j].clone()))
        .collect();
    let mut mentions: Vec<Vec<Backlink>> = vec![Vec::new(); targets.len()];
    for (i, body) in bodies.iter().enumerate() {
        let from = &site.pages[i];
        let mut url: Option<String> = None;
        for (j, k) in body
            .links
            .iter()
            .filter_map(|l| l.page)
            .filter(|&j| j != i)
            .filter_map(|j| slot(j).map(|k| (j, k)))
        {
            let url = url.get_or_insert_with(|| from.url.clone());
            debug_assert_eq!(out[k].0, j);
            if out[k].1.iter().chain(&mentions[k]).any(|b| b.url == *url) {
                continue;
            }
            let (collection, collection_title) =
                match from.collection().and_then(|c| config.collection(c)) {
                    Some(c) if matches!(from.kind, PageKind::Entry(_)) => {
                        (c.name.clone(), c.title.clone())
                    }
                    _ => (String::new(), "other pages".to_string()),
                };
            mentions[k].push(Backlink {
                title: from.title.clone(),
                url: url.clone(),
                slug: from.slug.clone(),
                collection,
                collection_title,
                field: "Mentioned in".to_string(),
                field_name: String::new(),
            });
        }
    }
    for ((_, list), mut extra) in out.iter_mut().zip(mentions) {
        extra.sort_by_cached_key(|b| {
            (
                b.collection.is_empty(),
                b.collection.clone(),
                b.title.to_lowercase(),
            )
        });
        list.extend(extra);
    }
    out
}

/// Breadcrumbs (home, collection or parent folders, page) and previous/next
/// entries in collection order.
fn navigation(site: &Site, order: &[Vec<usize>]) -> Vec<Nav> {
    let config = &site.config;
    let crumb = |i: usize| Crumb {
        title: site.pages[i].title.clone(),
        url: site.pages[i].url.clone(),
    };
    let home_title = site
        .pages
        .iter()
        .find(|p| p.kind == PageKind::Home)
        .map_or_else(|| config.title.clone(), |p| p.title.clone());
    let home = Crumb {
        title: home_title,
        url: config.base_path.clone(),
    };
    let mut nav: Vec<Nav> = vec![Nav::default(); site.pages.len()];
    for (i, page) in site.pages.iter().enumerate() {
        if page.kind == PageKind::Home {
            continue;
        }
        let mut crumbs = vec![home.clone()];
        // Every ancestor folder that has a page of its own.
        let segments: Vec<&str> = page.path.trim_end_matches('/').split('/').collect();
        for n in 1..segments.len() {
            let ancestor = segments[..n].join("/");
            if let Some(&a) = site.links.by_path.get(&ancestor) {
                crumbs.push(crumb(a));
            } else if let Some(c) = config.collection(&ancestor) {
                crumbs.push(Crumb {
                    title: c.title.clone(),
                    url: format!("{}{}/", config.base_path, c.name),
                });
            }
        }
        crumbs.push(crumb(i));
        nav[i].breadcrumbs = crumbs;
    }
    for list in order {
        for (k, &i) in list.iter().enumerate() {
            nav[i].previous = k.checked_sub(1).map(|p| crumb(list[p]));
            nav[i].next = list.get(k + 1).map(|&n| crumb(n));
        }
    }
    nav
}

/// The source a generated output comes from, for messages.
fn job_source(site: &Site, job: &Job) -> String {
    match job {
        Job::Page(i) => site.pages[*i].source.display().to_string(),
        Job::Alias(a) => format!(
            "{} (alias)",
            site.pages[site.aliases[*a].1].source.display()
        ),
        Job::Compare(_) => crate::config::CONFIG_FILE.to_string(),
        Job::Tag(t) => format!("tag `{}`", site.tags[*t].name),
        Job::Collection(c) => format!("collection `{c}`"),
        Job::Home | Job::NotFound | Job::CompareIndex | Job::Tags | Job::Search => {
            "(generated)".to_string()
        }
    }
}

/// Checks the internal links of the scanned pages (all of them, or those at
/// `only`), catching broken links written by templates and shortcodes as
/// well as by Markdown.
fn check_rendered_links(
    site: &Site,
    cache: &RenderCache,
    only: Option<&[String]>,
    ds: &mut Diagnostics,
) {
    let by_rel: HashMap<&str, &Job> = cache
        .jobs
        .iter()
        .map(|(j, _, rel)| (rel.as_str(), j))
        .collect();
    let mut rels: Vec<&String> = match only {
        Some(list) => list
            .iter()
            .filter(|r| cache.scans.contains_key(*r))
            .collect(),
        None => cache.scans.keys().collect(),
    };
    rels.sort();
    let base = &site.config.base_path;
    let memo = match only {
        Some(_) => crate::check::links::Memo::default(),
        None => crate::check::links::absolute_problems(&cache.outputs, &cache.scans, base),
    };
    let broken: Vec<(&String, Vec<(String, String)>)> = rels
        .par_iter()
        .map(|rel| {
            (
                *rel,
                crate::check::links::check_page(
                    rel,
                    &cache.scans[*rel],
                    &cache.outputs,
                    &cache.scans,
                    base,
                    &memo,
                ),
            )
        })
        .collect();
    for (rel, mut list) in broken {
        // Links reported at their place in Markdown already (headings)
        // are not repeated; plain Markdown links are reported at theirs.
        list.retain(|(link, _)| {
            !cache
                .reported
                .contains(&(rel.to_string(), crate::check::links::normalized(link)))
        });
        if let Some(Job::Page(i)) = by_rel.get(rel.as_str())
            && !list.is_empty()
        {
            list = plain_links_at_their_place(site, cache, *i, list, ds);
        }
        for (link, message) in list {
            let source = by_rel
                .get(rel.as_str())
                .map_or_else(|| rel.to_string(), |job| job_source(site, job));
            ds.push(
                Diagnostic::error(source, format!("broken link `{link}` on `/{rel}`: {message}"))
                    .with_hint("the link is written by a template or shortcode, or is a plain Markdown link; fix its target"),
            );
        }
    }
}

/// Of the broken links found in the HTML of page `i`, those written as
/// plain Markdown links are reported at their line and column in the
/// content file, with the nearest page as a suggestion; the others (written
/// by templates and shortcodes) are given back.
fn plain_links_at_their_place(
    site: &Site,
    cache: &RenderCache,
    i: usize,
    broken: Vec<(String, String)>,
    ds: &mut Diagnostics,
) -> Vec<(String, String)> {
    let page = &site.pages[i];
    let Ok(text) = page.source_text(&site.config.root) else {
        return broken;
    };
    let body = text.get(page.body_offset..).unwrap_or_default();
    // Each link as the HTML check sees it -> where it is written (linear
    // in the page's links, whatever their number).
    let mut plain: HashMap<String, Vec<(usize, String)>> = HashMap::new();
    for (offset, dest) in markdown::plain_links(body) {
        plain
            .entry(crate::check::links::normalized(&dest))
            .or_default()
            .push((offset, dest));
    }
    let mut rest = Vec::new();
    // The site's page URLs, for suggestions: listed once per page.
    let mut known: Option<Vec<String>> = None;
    for (link, problem) in broken {
        let Some(written) = plain.get(&crate::check::links::normalized(&link)) else {
            rest.push((link, problem));
            continue;
        };
        for (offset, dest) in written {
            let mut msg = format!("broken link `{dest}`: {problem}");
            let known = known.get_or_insert_with(|| {
                cache
                    .outputs
                    .iter()
                    .filter_map(|o| o.strip_suffix("index.html"))
                    .map(|p| format!("{}{p}", site.config.base_path))
                    .collect::<Vec<String>>()
            });
            let (suggestion, hint) = plain_link_hint(&site.config.base_path, known, dest);
            if let Some(s) = suggestion {
                msg.push_str(&format!(" (did you mean `{s}`?)"));
            }
            ds.push(body_error(page, &text, *offset, msg).with_hint(hint));
        }
    }
    rest
}

/// A suggestion for a broken plain link (the nearest of the page URLs
/// `known`) and a hint.
fn plain_link_hint(base: &str, known: &[String], dest: &str) -> (Option<String>, String) {
    let path = dest.split('#').next().unwrap_or_default();
    let hint = "link to pages by their file, `[text](@/roles/product-owner.md)`, so that the link follows the page".to_string();
    if path.is_empty() {
        return (
            None,
            "a `#fragment` must be the `id` of a heading or element of the page".into(),
        );
    }
    if path.starts_with('/') && !path.starts_with(base) {
        let with_base = format!("{base}{}", path.trim_start_matches('/'));
        if known.contains(&with_base) {
            return (Some(with_base), hint);
        }
    }
    let suggestion = did_you_mean(path, known.iter().map(String::as_str)).map(str::to_string);
    (suggestion, hint)
}

/// Two outputs at one path, or at paths that differ only in case (they
/// collide on case-insensitive hosts), are errors naming both sources.
fn check_collisions(
    site: &Site,
    jobs: &[(Job, String, String)],
    statics: &[OutputFile],
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
        }));
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
}

/// The template of a content page.
fn page_template(config: &Config, page: &Page) -> String {
    match (&page.template, &page.kind) {
        (Some(t), _) => t.clone(),
        (None, PageKind::Home) => "index.html".into(),
        (None, PageKind::Collection(_)) => "collection.html".into(),
        (None, PageKind::Entry(c)) => config
            .collection(c)
            .map_or_else(|| "page.html".into(), |c| c.template.clone()),
        (None, PageKind::Plain) => "page.html".into(),
    }
}

/// Whether `job` lists a collection's entries (a generated collection page
/// or a collection's own `_index.md`).
fn is_listing(site: &Site, job: &Job) -> bool {
    match job {
        Job::Collection(_) => true,
        Job::Page(i) => matches!(site.pages[*i].kind, PageKind::Collection(_)),
        _ => false,
    }
}

/// Every page to render: (job, template, output path).
fn jobs(sh: &Shared, ds: &mut Diagnostics) -> Vec<(Job, String, String)> {
    let site = sh.site;
    let mut jobs = Vec::new();
    let mut told: std::collections::HashSet<String> = std::collections::HashSet::new();
    for (i, page) in site.pages.iter().enumerate() {
        let template = page_template(&site.config, page);
        // A page whose template is missing or has errors keeps its job, so
        // that links to it are fine; it is just not rendered.
        let job = (
            Job::Page(i),
            template.clone(),
            format!("{}index.html", page.path),
        );
        if !sh.c.templates.is_broken(&template) && !sh.c.templates.tera.contains_template(&template)
        {
            // A collection's missing template is one mistake, told once.
            if page.template.is_none() && !told.insert(template.clone()) {
                jobs.push(job);
                continue;
            }
            let names: Vec<&str> = sh.c.templates.tera.get_template_names().collect();
            let suggestion = crate::template_errors::nearest(&template, &names)
                .map(|s| format!(" (did you mean `{s}`?)"))
                .unwrap_or_default();
            ds.push(match &page.template {
                // A one-off build has released the text: read it again to
                // point at the `template:` line.
                Some(_) => match page.source_text(&site.config.root) {
                    Ok(text) => page.error_in(
                        &text,
                        crate::content::positions_in(&text).value("template"),
                        format!("template `{template}` not found{suggestion}"),
                    ),
                    Err(d) => d,
                },
                None => collection_template_error(&site.config, page, &template, &suggestion),
            });
        }
        jobs.push(job);
    }
    if !site.pages.iter().any(|p| p.kind == PageKind::Home) {
        jobs.push((Job::Home, "index.html".into(), "index.html".into()));
    }
    for c in &site.config.collections {
        if !site
            .pages
            .iter()
            .any(|p| p.kind == PageKind::Collection(c.name.clone()))
        {
            jobs.push((
                Job::Collection(c.name.clone()),
                "collection.html".into(),
                format!("{}/index.html", c.name),
            ));
        }
    }
    for (n, c) in site.comparisons.iter().enumerate() {
        jobs.push((
            Job::Compare(n),
            "compare.html".into(),
            format!("{}index.html", c.path),
        ));
    }
    if !site.comparisons.is_empty() {
        jobs.push((
            Job::CompareIndex,
            "comparisons.html".into(),
            "compare/index.html".into(),
        ));
    }
    let tag_templates = sh.c.templates.tera.contains_template("tags.html")
        && sh.c.templates.tera.contains_template("tag.html");
    if !site.tags.is_empty() && !tag_templates {
        ds.push(
            Diagnostic::error(
                format!("themes/{}/templates", site.config.theme),
                "the theme has no `tags.html` and `tag.html`, so no tag pages are written",
            )
            .warning(),
        );
    }
    if !site.tags.is_empty() && tag_templates {
        jobs.push((Job::Tags, "tags.html".into(), "tags/index.html".into()));
        for (n, t) in site.tags.iter().enumerate() {
            jobs.push((
                Job::Tag(n),
                "tag.html".into(),
                format!("tags/{}/index.html", t.slug),
            ));
        }
    }
    for (n, (rel, _)) in site.aliases.iter().enumerate() {
        jobs.push((Job::Alias(n), String::new(), rel.clone()));
    }
    if site.config.search && sh.c.templates.tera.contains_template("search.html") {
        jobs.push((
            Job::Search,
            "search.html".into(),
            "search/index.html".into(),
        ));
    }
    jobs.push((Job::NotFound, "404.html".into(), "404.html".into()));
    jobs.retain(|(job, template, rel)| {
        if sh.c.templates.is_broken(template) || matches!(job, Job::Page(_)) {
            return true;
        }
        let missing = !template.is_empty() && !sh.c.templates.tera.contains_template(template);
        if missing {
            ds.push(Diagnostic::error(
                format!("templates/{template}"),
                format!(
                    "template `{template}` (for `/{rel}`) is missing from the theme and the site"
                ),
            ));
        }
        !missing
    });
    jobs
}

/// A collection's `template` that does not exist: at the line of site.toml
/// that names it (else at the collection's table).
fn collection_template_error(
    config: &Config,
    page: &Page,
    template: &str,
    suggestion: &str,
) -> Diagnostic {
    let coll = page.collection().and_then(|c| config.collection(c));
    let start = coll.map_or(1, |c| c.pos.line);
    let (line, col) = config
        .source
        .lines()
        .enumerate()
        .skip(start.saturating_sub(1))
        .take_while(|(n, l)| *n + 1 == start || !l.trim_start().starts_with('['))
        .find_map(|(n, l)| {
            let t = l.trim_start();
            (t.starts_with("template") && l.contains(template))
                .then(|| (n + 1, l.find(template).map_or(1, |c| c + 1)))
        })
        .unwrap_or((start, 1));
    Diagnostic::error_at(
        crate::config::CONFIG_FILE,
        line,
        col,
        format!(
            "template `{template}` of collection `{}` not found{suggestion}",
            page.collection().unwrap_or_default()
        ),
    )
    .with_source(&config.source)
}

/// A redirect page: meta refresh plus a canonical link to the new URL.
fn alias_page(site: &Site, n: usize, rel: &str) -> OutputFile {
    let config = &site.config;
    let page = &site.pages[site.aliases[n].1];
    let url = markdown::escape_attr(&page.url);
    let permalink = markdown::escape_attr(&page.permalink);
    let title = markdown::escape_attr(&page.title);
    let html = format!(
        "<!doctype html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n<title>{title}</title>\n<link rel=\"canonical\" href=\"{permalink}\">\n<meta name=\"robots\" content=\"noindex\">\n<meta http-equiv=\"refresh\" content=\"0; url={url}\">\n</head>\n<body>\n<p>This page has moved to <a href=\"{url}\">{title}</a>.</p>\n</body>\n</html>\n",
        lang = markdown::escape_attr(&config.language),
    );
    OutputFile {
        rel: rel.to_string(),
        data: Data::Bytes(html.into_bytes()),
    }
}

/// A tag as templates see it.
#[derive(Serialize)]
struct TagCtx<'a> {
    name: &'a str,
    slug: &'a str,
    url: String,
    count: usize,
    pages: Vec<TaggedPage<'a>>,
}

#[derive(Serialize)]
struct TaggedPage<'a> {
    title: &'a str,
    url: String,
    collection: Option<&'a str>,
    description: Option<&'a str>,
}

fn tag_ctx<'a>(site: &'a Site, t: &'a crate::site::TagInfo, with_pages: bool) -> TagCtx<'a> {
    let base = &site.config.base_path;
    let mut pages: Vec<TaggedPage> = if with_pages {
        t.pages
            .iter()
            .map(|&i| {
                let p = &site.pages[i];
                TaggedPage {
                    title: &p.title,
                    url: p.url.clone(),
                    collection: p.collection(),
                    description: p.description.as_deref(),
                }
            })
            .collect()
    } else {
        Vec::new()
    };
    pages.sort_by_cached_key(|p| p.title.to_lowercase());
    TagCtx {
        name: &t.name,
        slug: &t.slug,
        url: format!("{base}tags/{}/", t.slug),
        count: t.pages.len(),
        pages,
    }
}

fn config_is_faq(site: &Site, collection: &str) -> bool {
    site.config
        .collection(collection)
        .is_some_and(|c| c.kind.as_deref() == Some("faq"))
}

/// Renders one page. `listings` holds each collection's listing as a
/// template value (config order); only collection pages read it.
fn render_job(
    sh: &Shared,
    listings: &[tera::Value],
    job: &Job,
    template: &str,
    rel: &str,
) -> Result<OutputFile, Diagnostic> {
    let site = sh.site;
    let config = &site.config;
    let mut ctx = Context::new();
    // A streaming build keeps no page's HTML between the Markdown pass and
    // this one: render it again here, where it is used and dropped.
    let fresh = match job {
        Job::Page(i) if !sh.c.html_kept => {
            let page = &site.pages[*i];
            // The first pass reported the body's problems, and a build
            // with problems writes nothing: they are not repeated here.
            let (mut body, _, _) = render_body(sh, page, markdown::Pass::HtmlOnly);
            // What the HTML pass skips, as the first pass found it (the
            // plain text stays there, where the search index and FAQ
            // answers read it).
            let first = &sh.c.bodies[*i];
            body.word_count = first.word_count;
            body.summary.clone_from(&first.summary);
            Some(body)
        }
        _ => None,
    };
    let body_of = |i: usize| fresh.as_ref().unwrap_or(&sh.c.bodies[i]);
    let (page_ctx, _) = match job {
        Job::Page(i) => {
            let i = *i;
            let p = &site.pages[i];
            let mut ctx = PageCtx::new(
                p,
                body_of(i),
                &sh.c.views[i],
                &sh.c.backlinks[i],
                &sh.c.appears_in[i],
                config,
            );
            ctx.nav = Some(&sh.c.nav[i]);
            (ctx, p.source.clone())
        }
        Job::Collection(name) => {
            let title = config
                .collection(name)
                .map_or(name.as_str(), |c| c.title.as_str());
            (
                PageCtx::generated(config, title, "collection", &format!("{name}/"), Some(name)),
                PathBuf::from(rel),
            )
        }
        Job::Home => (
            PageCtx::generated(config, &config.title, "home", "", None),
            PathBuf::from(rel),
        ),
        Job::NotFound => (
            PageCtx::generated(config, "Page not found", "404", "404.html", None),
            PathBuf::from(rel),
        ),
        Job::Compare(n) => {
            let t = &sh.c.tables[*n];
            ctx.insert("comparison", t);
            (
                PageCtx::generated(
                    config,
                    &t.title,
                    "comparison",
                    &site.comparisons[*n].path,
                    None,
                ),
                PathBuf::from(crate::config::CONFIG_FILE),
            )
        }
        Job::CompareIndex => (
            PageCtx::generated(config, "Comparisons", "comparisons", "compare/", None),
            PathBuf::from(rel),
        ),
        Job::Search => (
            PageCtx::generated(config, "Search", "search", "search/", None),
            PathBuf::from(rel),
        ),
        Job::Tags => {
            let tags: Vec<TagCtx> = site.tags.iter().map(|t| tag_ctx(site, t, false)).collect();
            ctx.insert("tags", &tags);
            (
                PageCtx::generated(config, "Tags", "tags", "tags/", None),
                PathBuf::from(rel),
            )
        }
        Job::Tag(n) => {
            let t = &site.tags[*n];
            ctx.insert("tag", &tag_ctx(site, t, true));
            (
                PageCtx::generated(config, &t.name, "tag", &format!("tags/{}/", t.slug), None),
                PathBuf::from(rel),
            )
        }
        Job::Alias(_) => unreachable!("alias pages are not templated"),
    };
    let mut page_ctx = page_ctx;
    let (description, jsonld, og_type) = seo(sh, job, page_ctx.title, &page_ctx.path);
    page_ctx.meta_description = description;
    page_ctx.jsonld = jsonld;
    page_ctx.og_type = og_type;
    ctx.insert("page", &page_ctx);
    let collection_name = match job {
        Job::Collection(name) => Some(name.as_str()),
        Job::Page(i) if matches!(site.pages[*i].kind, PageKind::Collection(_)) => {
            site.pages[*i].collection()
        }
        _ => None,
    };
    if let Some(name) = collection_name
        && let Some(k) = config.collections.iter().position(|c| c.name == name)
        && let Some(listing) = listings.get(k).and_then(tera::Value::as_map)
    {
        let content = match job {
            Job::Page(i) => body_of(*i).html.as_str(),
            _ => "",
        };
        // The shared listing plus this page's own content.
        let mut value = listing.clone();
        value.insert("content".into(), tera::Value::from(content));
        ctx.insert_value("collection", tera::Value::from(value));
    }
    let html = render::render_page(&sh.c.templates, template, &ctx)?;
    Ok(OutputFile {
        rel: rel.to_string(),
        data: Data::Bytes(html.into_bytes()),
    })
}

/// The description of page `i`, for meta tags, the feed and search: its
/// `description`, else its `summary` field, else its first paragraph, else
/// `fallback`.
fn describe(sh: &Shared, i: usize, fallback: &str) -> String {
    let p = &sh.site.pages[i];
    let summary = sh.c.views[i]
        .values
        .iter()
        .find(|(n, _)| n == "summary")
        .and_then(|(_, v)| match v {
            Resolved::Str(s) => Some(s.as_str()),
            _ => None,
        });
    publish::meta_description(
        p.description.as_deref(),
        summary,
        &sh.c.bodies[i].summary,
        fallback,
    )
}

/// The meta description, JSON-LD and Open Graph type of a page.
fn seo(sh: &Shared, job: &Job, title: &str, path: &str) -> (String, String, &'static str) {
    let site = sh.site;
    let config = &site.config;
    let absolute = |root_relative: &str| {
        let rest = root_relative
            .strip_prefix(config.base_path.as_str())
            .unwrap_or(root_relative.trim_start_matches('/'));
        format!("{}{rest}", config.base_url)
    };
    let url = format!("{}{path}", config.base_url);
    let home = publish::Crumb {
        name: config.title.clone(),
        url: config.base_url.clone(),
    };
    let page_description = |i: usize| describe(sh, i, &config.description);
    let faq_of = |i: usize| publish::Faq {
        question: site.pages[i].title.clone(),
        answer: sh.c.bodies[i].text.clone(),
    };
    let collection_kind = |name: &str| {
        let coll = config.collection(name);
        let pos = config.collections.iter().position(|c| c.name == name);
        let order: &[usize] = pos.map_or(&[], |n| sh.c.order[n].as_slice());
        let items = order
            .iter()
            .map(|&e| (site.pages[e].title.clone(), site.pages[e].permalink.clone()))
            .collect();
        let faqs = if coll.is_some_and(|c| c.kind.as_deref() == Some("faq")) {
            order.iter().map(|&e| faq_of(e)).collect()
        } else {
            Vec::new()
        };
        publish::LdKind::Collection { items, faqs }
    };
    let (description, crumbs, kind, og_type) = match job {
        Job::Page(i) => {
            let i = *i;
            let p = &site.pages[i];
            let description = page_description(i);
            let crumbs: Vec<publish::Crumb> = sh.c.nav[i]
                .breadcrumbs
                .iter()
                .map(|c| publish::Crumb {
                    name: c.title.clone(),
                    url: absolute(&c.url),
                })
                .collect();
            let kind = match &p.kind {
                PageKind::Home => publish::LdKind::Home {
                    description: description.clone(),
                },
                PageKind::Collection(c) => collection_kind(c),
                PageKind::Entry(c)
                    if config
                        .collection(c)
                        .is_some_and(|c| c.kind.as_deref() == Some("faq")) =>
                {
                    publish::LdKind::FaqEntry(faq_of(i))
                }
                PageKind::Entry(_) | PageKind::Plain => publish::LdKind::Article {
                    description: description.clone(),
                    published: p.date.as_ref().map(|d| d.0.clone()),
                    modified: p.updated.as_ref().or(p.date.as_ref()).map(|d| d.0.clone()),
                },
            };
            let og = if matches!(p.kind, PageKind::Entry(_) | PageKind::Plain) {
                "article"
            } else {
                "website"
            };
            (description, crumbs, kind, og)
        }
        Job::Home => (
            config.description.clone(),
            Vec::new(),
            publish::LdKind::Home {
                description: config.description.clone(),
            },
            "website",
        ),
        Job::NotFound => (
            config.description.clone(),
            Vec::new(),
            publish::LdKind::Other,
            "website",
        ),
        Job::Collection(name) => {
            let crumb = publish::Crumb {
                name: title.to_string(),
                url: url.clone(),
            };
            (
                format!("{title}: {}", config.title),
                vec![home, crumb],
                collection_kind(name),
                "website",
            )
        }
        _ => {
            let crumb = publish::Crumb {
                name: title.to_string(),
                url: url.clone(),
            };
            (
                format!("{title}: {}", config.title),
                vec![home, crumb],
                publish::LdKind::Other,
                "website",
            )
        }
    };
    let ld = publish::json_ld(&config.title, title, &url, &crumbs, &kind);
    (description, ld, og_type)
}

/// Draws every `[[charts]]` block (ladders have been checked for cycles).
fn draw_charts(site: &Site, order: &[Vec<usize>]) -> Vec<crate::charts::ChartCtx> {
    use crate::config::ChartKind;
    let config = &site.config;
    config
        .charts
        .iter()
        .map(|c| {
            let id = format!("chart-{}", c.name);
            let svg = match c.kind {
                ChartKind::Ladder => {
                    let nodes = crate::site::ladder_nodes(&site.pages, &site.typed, c);
                    // A cycle is an error of loading; nothing to draw.
                    if crate::charts::find_cycle(&nodes).is_some() {
                        String::new()
                    } else {
                        crate::charts::ladder(&id, &c.title, &nodes)
                    }
                }
                ChartKind::Range => {
                    let pos = config
                        .collections
                        .iter()
                        .position(|x| x.name == c.collection)
                        .unwrap_or(0);
                    let unit = config
                        .collection(&c.collection)
                        .and_then(|x| x.field(&c.field))
                        .and_then(|f| f.unit.clone());
                    let mut bars: Vec<crate::charts::RangeBar> = order
                        .get(pos)
                        .map(Vec::as_slice)
                        .unwrap_or_default()
                        .iter()
                        .filter_map(|&i| {
                            let (_, v) = site.typed[i].iter().find(|(n, _)| *n == c.field)?;
                            let crate::schema::FieldValue::Range { min, max, .. } = v else {
                                return None;
                            };
                            Some(crate::charts::RangeBar {
                                title: site.pages[i].title.clone(),
                                url: site.pages[i].url.clone(),
                                min: *min,
                                max: *max,
                            })
                        })
                        .collect();
                    bars.sort_by(|a, b| {
                        a.min
                            .total_cmp(&b.min)
                            .then(a.max.total_cmp(&b.max))
                            .then_with(|| a.title.cmp(&b.title))
                    });
                    crate::charts::ranges(&id, &c.title, unit.as_deref(), &bars)
                }
            };
            crate::charts::ChartCtx {
                name: c.name.clone(),
                kind: c.kind,
                collection: c.collection.clone(),
                title: c.title.clone(),
                svg,
            }
        })
        .collect()
}

/// The search document of page `i`.
fn search_doc(sh: &Shared, i: usize) -> crate::search::DocInput {
    let site = sh.site;
    let config = &site.config;
    let p = &site.pages[i];
    let mut facets = Vec::new();
    let coll = p.collection().and_then(|c| config.collection(c));
    facets.push((
        "collection".to_string(),
        "Collection".to_string(),
        vec![coll.map_or_else(|| "Pages".to_string(), |c| c.title.clone())],
    ));
    if !p.tags.is_empty() {
        // Merged spellings use the tag's first name everywhere.
        let names: Vec<String> = p
            .tags
            .iter()
            .map(|t| {
                let slug = crate::slug::slugify(t);
                site.tags
                    .iter()
                    .find(|x| x.slug == slug)
                    .map_or_else(|| t.clone(), |x| x.name.clone())
            })
            .collect();
        facets.push(("tags".to_string(), "Tags".to_string(), names));
    }
    if let (Some(coll), PageKind::Entry(_)) = (coll, &p.kind) {
        for def in coll
            .fields
            .iter()
            .filter(|f| f.ty == crate::config::FieldType::Enum)
        {
            if let Some((_, Resolved::Str(v))) =
                sh.c.views[i].values.iter().find(|(n, _)| *n == def.name)
            {
                facets.push((def.name.clone(), def.label.clone(), vec![v.clone()]));
            }
        }
    }
    crate::search::DocInput {
        title: p.title.clone(),
        url: p.url.clone(),
        excerpt: describe(sh, i, ""),
        text: sh.c.bodies[i].text.clone(),
        facets,
    }
}

/// The search index: every content page but the home page, and every
/// comparison page.
fn build_search(sh: &Shared) -> (crate::search::SearchIndex, HashMap<usize, usize>) {
    let site = sh.site;
    let config = &site.config;
    let pages: Vec<usize> = (0..site.pages.len())
        .filter(|&i| site.pages[i].kind != PageKind::Home)
        .collect();
    let mut docs: Vec<crate::search::DocInput> =
        pages.par_iter().map(|&i| search_doc(sh, i)).collect();
    let doc_of: HashMap<usize, usize> = pages.iter().enumerate().map(|(d, &i)| (i, d)).collect();
    for (t, c) in sh.c.tables.iter().zip(&site.comparisons) {
        let mut text = String::new();
        for row in &t.rows {
            text.push_str(&row.label);
            text.push(' ');
            for v in &row.values {
                text.push_str(&crate::check::links::strip_tags(v));
                text.push(' ');
            }
        }
        let names: Vec<&str> = t.items.iter().map(|i| i.title.as_str()).collect();
        docs.push(crate::search::DocInput {
            title: t.title.clone(),
            url: format!("{}{}", config.base_path, c.path),
            excerpt: format!("Side by side: {}.", names.join(", ")),
            text,
            facets: vec![(
                "collection".to_string(),
                "Collection".to_string(),
                vec!["Comparisons".to_string()],
            )],
        });
    }
    (crate::search::SearchIndex::build(docs), doc_of)
}

/// `sitemap.xml`, `atom.xml` and `robots.txt`.
fn publishing_files(sh: &Shared) -> Vec<OutputFile> {
    let site = sh.site;
    let config = &site.config;
    let mut entries = Vec::new();
    for (job, _, rel) in &sh.c.jobs {
        if matches!(job, Job::Alias(_) | Job::NotFound | Job::Search) {
            continue;
        }
        let path = rel.strip_suffix("index.html").unwrap_or(rel);
        let lastmod = match job {
            Job::Page(i) => {
                let p = &site.pages[*i];
                p.updated
                    .as_ref()
                    .or(p.date.as_ref())
                    .map(|d| d.day().to_string())
            }
            _ => None,
        };
        entries.push(publish::SitemapEntry {
            loc: format!("{}{path}", config.base_url),
            lastmod,
        });
    }
    entries.sort_by(|a, b| a.loc.cmp(&b.loc));
    vec![
        OutputFile {
            rel: "sitemap.xml".into(),
            data: Data::Bytes(publish::sitemap(&entries).into_bytes()),
        },
        atom_file(sh),
        OutputFile {
            rel: "robots.txt".into(),
            data: Data::Bytes(publish::robots(&config.base_url).into_bytes()),
        },
    ]
}

/// `atom.xml`: the newest dated entries and pages.
fn atom_file(sh: &Shared) -> OutputFile {
    let site = sh.site;
    let config = &site.config;
    let mut dated: Vec<usize> = (0..site.pages.len())
        .filter(|&i| {
            matches!(site.pages[i].kind, PageKind::Entry(_) | PageKind::Plain)
                && site.pages[i].date.is_some()
        })
        .collect();
    let newest = |i: usize| {
        site.pages[i]
            .updated
            .as_ref()
            .or(site.pages[i].date.as_ref())
            .map(|d| publish::rfc3339(&d.0))
    };
    dated.sort_by(|&a, &b| {
        newest(b)
            .cmp(&newest(a))
            .then_with(|| site.pages[a].title.cmp(&site.pages[b].title))
    });
    dated.truncate(publish::FEED_SIZE);
    let entries: Vec<publish::FeedEntry> = dated
        .iter()
        .map(|&i| {
            let p = &site.pages[i];
            let date = p.date.as_ref().map(|d| d.0.clone()).unwrap_or_default();
            publish::FeedEntry {
                title: p.title.clone(),
                url: p.permalink.clone(),
                published: date.clone(),
                updated: p.updated.as_ref().map_or(date, |d| d.0.clone()),
                summary: describe(sh, i, ""),
                category: p
                    .collection()
                    .and_then(|c| config.collection(c))
                    .map(|c| c.title.clone()),
            }
        })
        .collect();
    OutputFile {
        rel: "atom.xml".into(),
        data: Data::Bytes(
            publish::atom(
                &config.title,
                &config.description,
                &config.base_url,
                &entries,
            )
            .into_bytes(),
        ),
    }
}

// ---------------------------------------------------------------------------
// Markdown bodies and shortcodes.

/// A marker that survives Markdown rendering untouched (private-use
/// characters), replaced by the shortcode's HTML afterwards.
fn placeholder(n: usize) -> String {
    format!("\u{E000}{n}\u{E001}")
}

/// Renders a page's Markdown, expanding shortcodes and resolving internal
/// links. Shortcode and link problems are errors at their line and column
/// in the file.
/// Besides the rendered body and the problems at places of the page, the
/// problems inside shortcode templates, each with the place of its call
/// (see [`once_per_place`]).
fn render_body(
    sh: &Shared,
    page: &Page,
    pass: markdown::Pass,
) -> (markdown::Rendered, Vec<Diagnostic>, Vec<Failed>) {
    let text = match page.source_text(&sh.site.config.root) {
        Ok(t) => t,
        Err(d) => return (markdown::Rendered::default(), vec![d], Vec::new()),
    };
    let body = text.get(page.body_offset..).unwrap_or_default();
    crate::panics::injected(body);
    let (calls, errors) = shortcodes::find_calls(body);
    let mut in_templates: Vec<Failed> = Vec::new();
    let mut diags: Vec<Diagnostic> = errors
        .iter()
        .map(|e| {
            let d = body_error(
                page,
                &text,
                e.offset,
                format!("invalid shortcode call: {}", e.message),
            );
            match &e.hint {
                Some(h) => d.with_hint(h.clone()),
                None => d,
            }
        })
        .collect();
    // Offsets in the text given to the Markdown renderer, mapped back to the
    // body: each placeholder shortens or lengthens the text after it.
    let mut shifts: Vec<(usize, isize)> = Vec::with_capacity(calls.len());
    let mut source = String::with_capacity(body.len());
    let mut outputs = Vec::with_capacity(calls.len());
    let mut last = 0;
    for (n, call) in calls.iter().enumerate() {
        source.push_str(&body[last..call.range.start]);
        let mark = placeholder(n);
        source.push_str(&mark);
        shifts.push((
            source.len(),
            call.range.end as isize - source.len() as isize,
        ));
        last = call.range.end;
        match render_shortcode(sh, call, page) {
            Ok(html) => outputs.push(html),
            Err(failure) => {
                match failure {
                    ShortcodeFailure::Template(d) => {
                        let body = text.get(page.body_offset..).unwrap_or_default();
                        let (line, col) = line_col(body, call.range.start);
                        let place = format!(
                            "{}:{}:{col}",
                            page.source.display(),
                            line + page.body_line - 1
                        );
                        in_templates.push(Box::new((d, place)));
                    }
                    other => diags.extend(other.into_diagnostic(page, &text, call.range.start)),
                }
                outputs.push(String::new());
            }
        }
    }
    source.push_str(&body[last..]);
    let resolver = SiteLinks::new(sh.site, page);
    // The plain text is kept only where something reads it: the search
    // index, and FAQ answers in JSON-LD.
    let want_text =
        sh.site.config.search || page.collection().is_some_and(|c| config_is_faq(sh.site, c));
    let mut r = markdown::render_full(&source, &resolver, want_text, pass);
    let to_body = |offset: usize| {
        let k = shifts.partition_point(|(end, _)| *end <= offset);
        let delta = if k == 0 { 0 } else { shifts[k - 1].1 };
        (offset as isize + delta).max(0) as usize
    };
    for (offset, msg) in &r.link_errors {
        diags.push(body_error(page, &text, to_body(*offset), msg.clone()));
    }
    for l in &mut r.links {
        l.offset = to_body(l.offset);
    }
    for (n, html) in outputs.iter().enumerate() {
        let mark = placeholder(n);
        // A call alone in its paragraph replaces the paragraph, so that
        // block output (a table) is not wrapped in `<p>`.
        let alone = format!("<p>{mark}</p>");
        if r.html.contains(&alone) {
            r.html = r.html.replacen(&alone, html, 1);
        } else {
            r.html = r.html.replacen(&mark, html, 1);
        }
        r.summary = r.summary.replace(&mark, "");
        // The plain text (search, FAQ answers in JSON-LD) carries the
        // shortcode's text, not its placeholder.
        if r.text.contains(&mark) {
            r.text = r
                .text
                .replacen(&mark, &crate::check::links::strip_tags(html), 1);
        }
    }
    (r, diags, in_templates)
}

/// A page that failed to render: the problem and the page's source.
type Failed = Box<(Diagnostic, String)>;

/// What a failure at a place of a template was met by.
#[derive(Clone, Copy)]
enum MetBy {
    /// Pages being rendered (the source of each).
    Pages,
    /// Shortcode calls (the place of each, `content/x.md:3:1`).
    Calls,
}

/// Failures at one place of a template are one problem: reported once,
/// with what met it (the page rendered or the shortcode call), or their
/// number and the first of them, instead of once each. `failures` pairs
/// each problem with the page's source or the call's place.
fn once_per_place(failures: Vec<Failed>, met_by: MetBy) -> Vec<Diagnostic> {
    let mut groups: Vec<(Diagnostic, Vec<String>)> = Vec::new();
    let mut at: HashMap<(PathBuf, Option<usize>, Option<usize>, String), usize> = HashMap::new();
    for failed in failures {
        let (d, source) = *failed;
        let key = (d.path.clone(), d.line, d.col, d.message.clone());
        match at.get(&key) {
            Some(&n) => groups[n].1.push(source),
            None => {
                at.insert(key, groups.len());
                groups.push((d, vec![source]));
            }
        }
    }
    groups
        .into_iter()
        .map(|(mut d, mut sources)| {
            sources.retain(|s| !s.is_empty());
            // Pages by name; calls come in page and text order already.
            if let MetBy::Pages = met_by {
                sources.sort();
                sources.dedup();
            }
            let n = sources.len();
            let note = match (met_by, sources.first()) {
                (_, None) => return d,
                (MetBy::Pages, Some(one)) if n == 1 => format!("while rendering `{one}`"),
                (MetBy::Pages, Some(first)) => format!("in {n} pages; first: `{first}`"),
                (MetBy::Calls, Some(one)) if n == 1 => format!("in a shortcode called at {one}"),
                (MetBy::Calls, Some(first)) => format!("in {n} shortcode calls; first at {first}"),
            };
            d.message = format!("{} ({note})", d.message);
            d
        })
        .collect()
}

/// An error at a byte offset of a page's body; `text` is the file's text.
fn body_error(page: &Page, text: &str, offset: usize, msg: impl Into<String>) -> Diagnostic {
    let body = text.get(page.body_offset..).unwrap_or_default();
    let (line, col) = line_col(body, offset);
    let pos = crate::content::yaml::Pos {
        line: line + page.body_line - 1,
        col,
    };
    page.error_in(text, pos, msg)
}

/// Resolves `@/` links, wikilinks and relative `.md` links against the
/// site's pages, for the page whose body is rendered.
struct SiteLinks<'a> {
    site: &'a Site,
    /// The linking page's folder under `content/` (`roles`, or `` at the
    /// top), for relative links.
    dir: String,
}

impl<'a> SiteLinks<'a> {
    fn new(site: &'a Site, page: &Page) -> Self {
        let under = page.source.strip_prefix("content").unwrap_or(&page.source);
        let dir = under
            .parent()
            .map(crate::site::source_key)
            .unwrap_or_default();
        SiteLinks { site, dir }
    }

    fn target(&self, i: usize) -> Option<markdown::Target> {
        let p = &self.site.pages[i];
        Some(markdown::Target {
            url: p.url.clone(),
            title: p.title.clone(),
            page: i,
        })
    }

    /// `dest` relative to the linking page's folder, `..` resolved: the
    /// content path it names, if it stays inside `content/`.
    fn relative(&self, dest: &str) -> Option<String> {
        let mut parts: Vec<&str> = self.dir.split('/').filter(|s| !s.is_empty()).collect();
        for seg in dest.split('/') {
            match seg {
                "" | "." => {}
                ".." => {
                    parts.pop()?;
                }
                s => parts.push(s),
            }
        }
        Some(parts.join("/"))
    }

    /// How `path` (under `content/`) is written relative to this page.
    fn written_relative(&self, path: &str) -> String {
        let from: Vec<&str> = self.dir.split('/').filter(|s| !s.is_empty()).collect();
        let to: Vec<&str> = path.split('/').collect();
        let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
        let mut out: Vec<&str> = vec![".."; from.len() - common];
        out.extend(&to[common..]);
        out.join("/")
    }
}

impl markdown::LinkResolver for SiteLinks<'_> {
    fn resolve(
        &self,
        kind: markdown::LinkKind,
        dest: &str,
    ) -> Result<Option<markdown::Target>, String> {
        use unicode_normalization::UnicodeNormalization;
        // Keys are in normal form C; so is what the author typed, now.
        let dest: String = dest.nfc().collect();
        let dest = dest.as_str();
        let links = &self.site.links;
        match kind {
            markdown::LinkKind::Relative => {
                let decoded = crate::check::links::percent_decode(dest);
                let Some(path) = self.relative(&decoded) else {
                    return Err(format!("link `{dest}` climbs above `content/`"));
                };
                if let Some(&i) = links.by_source.get(&path) {
                    return Ok(self.target(i));
                }
                if links.failed_sources.contains(&path) {
                    return Ok(None);
                }
                if links.draft_sources.contains(&path) {
                    return Err(format!(
                        "link to a draft: `content/{path}` (build with `--drafts` to include it)"
                    ));
                }
                let mut msg = format!("link to a missing file `content/{path}`");
                if let Some(s) = did_you_mean(&path, links.by_source.keys().map(String::as_str)) {
                    msg.push_str(&format!(" (did you mean `{}`?)", self.written_relative(s)));
                }
                Err(msg)
            }
            markdown::LinkKind::ContentPath => {
                let dest = dest.trim_start_matches('/');
                if let Some(&i) = links.by_source.get(dest) {
                    return Ok(self.target(i));
                }
                if links.failed_sources.contains(dest) {
                    return Ok(None);
                }
                if links.draft_sources.contains(dest) {
                    return Err(format!(
                        "link to a draft: `content/{dest}` (build with `--drafts` to include it)"
                    ));
                }
                let mut msg = format!("link to a missing file `content/{dest}`");
                if let Some(s) = did_you_mean(dest, links.by_source.keys().map(String::as_str)) {
                    msg.push_str(&format!(" (did you mean `@/{s}`?)"));
                }
                Err(msg)
            }
            markdown::LinkKind::Wiki if dest.contains('/') => {
                let path = dest.trim_matches('/');
                if let Some(&i) = links.by_path.get(path) {
                    return Ok(self.target(i));
                }
                if links.failed_paths.contains(path) {
                    return Ok(None);
                }
                if links.draft_paths.contains(path) {
                    return Err(format!(
                        "wikilink to a draft: `[[{dest}]]` (build with `--drafts` to include it)"
                    ));
                }
                let mut msg = format!("wikilink to a missing page `[[{dest}]]`");
                if let Some(s) = did_you_mean(path, links.by_path.keys().map(String::as_str)) {
                    msg.push_str(&format!(" (did you mean `[[{s}]]`?)"));
                }
                Err(msg)
            }
            markdown::LinkKind::Wiki => match links.by_slug.get(dest).map(Vec::as_slice) {
                Some([i]) => Ok(self.target(*i)),
                Some(many) if many.len() > 1 => {
                    let pages = &self.site.pages;
                    let sources: Vec<String> = many
                        .iter()
                        .map(|&i| format!("`{}`", pages[i].source.display()))
                        .collect();
                    let forms: Vec<String> = many
                        .iter()
                        .map(|&i| format!("`[[{}]]`", pages[i].path.trim_end_matches('/')))
                        .collect();
                    Err(format!(
                        "wikilink `[[{dest}]]` is ambiguous: it matches {}; write {}",
                        sources.join(" and "),
                        forms.join(" or ")
                    ))
                }
                _ => {
                    if links.failed_slugs.contains(dest) {
                        return Ok(None);
                    }
                    if links.draft_slugs.contains(dest) {
                        return Err(format!(
                            "wikilink to a draft: `[[{dest}]]` (build with `--drafts` to include it)"
                        ));
                    }
                    let mut msg = format!("wikilink to a missing page `[[{dest}]]`");
                    if let Some(s) = did_you_mean(dest, links.by_slug.keys().map(String::as_str)) {
                        msg.push_str(&format!(" (did you mean `[[{s}]]`?)"));
                    }
                    Err(msg)
                }
            },
        }
    }
}

fn str_arg<'a>(call: &'a Call, key: &str) -> Result<Option<&'a str>, String> {
    match call.arg(key) {
        None => Ok(None),
        Some(ArgValue::Str(s)) => Ok(Some(s)),
        Some(v) => Err(format!(
            "argument `{key}` of `{}` must be a string, found {}",
            call.name,
            v.kind()
        )),
    }
}

fn list_arg(call: &Call, key: &str) -> Result<Option<Vec<String>>, String> {
    match call.arg(key) {
        None => Ok(None),
        Some(ArgValue::List(items)) => items
            .iter()
            .map(|i| match i {
                ArgValue::Str(s) => Ok(s.clone()),
                other => Err(format!(
                    "argument `{key}` of `{}` must be a list of strings, found {} in it",
                    call.name,
                    other.kind()
                )),
            })
            .collect::<Result<Vec<_>, _>>()
            .map(Some),
        Some(v) => Err(format!(
            "argument `{key}` of `{}` must be a list of strings, found {}",
            call.name,
            v.kind()
        )),
    }
}

/// Why a shortcode call did not render.
enum ShortcodeFailure {
    /// A problem of the call as a whole: at the call.
    Call(String),
    /// An argument the shortcode does not take: at the argument.
    Arg(usize, String, String),
    /// A problem inside the shortcode's template: at the template.
    Template(Diagnostic),
    /// The template has errors of its own, reported already.
    Silent,
}

impl From<String> for ShortcodeFailure {
    fn from(m: String) -> Self {
        ShortcodeFailure::Call(m)
    }
}

impl From<&str> for ShortcodeFailure {
    fn from(m: &str) -> Self {
        ShortcodeFailure::Call(m.to_string())
    }
}

impl ShortcodeFailure {
    /// The diagnostic, placed in the page's `text` (the call starts at byte
    /// `offset` of the body) or in the template.
    fn into_diagnostic(self, page: &Page, text: &str, offset: usize) -> Option<Diagnostic> {
        match self {
            ShortcodeFailure::Call(m) => Some(body_error(page, text, offset, m)),
            ShortcodeFailure::Arg(at, m, hint) => {
                Some(body_error(page, text, at, m).with_hint(hint))
            }
            // Placed by the caller, which groups them by template place.
            ShortcodeFailure::Template(d) => Some(d),
            ShortcodeFailure::Silent => None,
        }
    }
}

/// Variables every shortcode template gets besides its arguments.
const SHORTCODE_CONTEXT: [&str; 7] = [
    "page",
    "site",
    "collections",
    "comparisons",
    "charts",
    "comparison",
    "chart",
];

/// The arguments shortcode `name` takes: fixed for the built-in ones, the
/// variables its template uses for the site's own.
fn shortcode_args(sh: &Shared, name: &str, template: &str) -> Vec<String> {
    match name {
        "compare" => ["collection", "items", "fields", "title"]
            .map(String::from)
            .to_vec(),
        "chart" => vec!["name".to_string()],
        _ => {
            sh.c.templates
                .shortcode_vars(template)
                .iter()
                .filter(|v| !SHORTCODE_CONTEXT.contains(&v.as_str()))
                .cloned()
                .collect()
        }
    }
}

/// Renders one call through `shortcodes/<name>.html`.
fn render_shortcode(sh: &Shared, call: &Call, page: &Page) -> Result<String, ShortcodeFailure> {
    let template = format!("shortcodes/{}.html", call.name);
    if sh.c.templates.is_broken(&template) {
        return Err(ShortcodeFailure::Silent);
    }
    if !sh.c.templates.tera.contains_template(&template) {
        let names: Vec<&str> =
            sh.c.templates
                .tera
                .get_template_names()
                .filter_map(|n| n.strip_prefix("shortcodes/")?.strip_suffix(".html"))
                .collect();
        let mut msg = format!("unknown shortcode `{}`", call.name);
        if let Some(s) = did_you_mean(&call.name, names.iter().copied()) {
            msg.push_str(&format!(" (did you mean `{s}`?)"));
        }
        return Err(msg.into());
    }
    let takes = shortcode_args(sh, &call.name, &template);
    for ((key, _), &at) in call.args.iter().zip(&call.arg_offsets) {
        if takes.contains(key) {
            continue;
        }
        let mut msg = format!("shortcode `{}` has no argument `{key}`", call.name);
        if let Some(s) = did_you_mean(key, takes.iter().map(String::as_str)) {
            msg.push_str(&format!(" (did you mean `{s}`?)"));
        }
        let hint = if takes.is_empty() {
            format!("`{}` takes no arguments", call.name)
        } else {
            let list: Vec<String> = takes.iter().map(|t| format!("`{t}`")).collect();
            format!("`{}` takes {}", call.name, list.join(", "))
        };
        return Err(ShortcodeFailure::Arg(at, msg, hint));
    }
    let mut ctx = Context::new();
    for (k, v) in &call.args {
        ctx.insert(k.clone(), v);
    }
    ctx.insert(
        "page",
        &ShortcodePage {
            title: &page.title,
            url: page.url.clone(),
            permalink: page.permalink.clone(),
            path: &page.path,
            slug: &page.slug,
            collection: page.collection(),
        },
    );
    if call.name == "compare" {
        ctx.insert("comparison", &compare_from_call(sh, call)?);
    }
    if call.name == "chart" {
        let name = str_arg(call, "name")?.ok_or("`chart` needs `name=\"...\"`")?;
        let chart = sh.c.charts.iter().find(|c| c.name == name).ok_or_else(|| {
            let mut msg = format!("unknown chart `{name}`");
            if let Some(s) = did_you_mean(name, sh.c.charts.iter().map(|c| c.name.as_str())) {
                msg.push_str(&format!(" (did you mean `{s}`?)"));
            }
            msg
        })?;
        ctx.insert("chart", chart);
    }
    sh.c.templates
        .tera
        .render(&template, &ctx)
        .map_err(|e| ShortcodeFailure::Template(sh.c.templates.error(&e)))
}

/// What a shortcode template knows of the page that calls it.
#[derive(Serialize)]
struct ShortcodePage<'a> {
    title: &'a str,
    url: String,
    permalink: String,
    path: &'a str,
    slug: &'a str,
    collection: Option<&'a str>,
}

/// The table of a `compare(collection=..., items=[...], fields=[...])` call.
fn compare_from_call(sh: &Shared, call: &Call) -> Result<TableCtx, ShortcodeFailure> {
    let site = sh.site;
    let config = &site.config;
    let collection = str_arg(call, "collection")?.ok_or("`compare` needs `collection=\"...\"`")?;
    let coll = config.collection(collection).ok_or_else(|| {
        let mut msg = format!("unknown collection `{collection}` in `compare`");
        if let Some(s) = did_you_mean(
            collection,
            config.collections.iter().map(|c| c.name.as_str()),
        ) {
            msg.push_str(&format!(" (did you mean `{s}`?)"));
        }
        msg
    })?;
    let items = list_arg(call, "items")?.ok_or("`compare` needs `items=[\"a\", \"b\"]`")?;
    if items.len() < 2 {
        return Err("`compare` needs at least two `items`".into());
    }
    let mut idx = Vec::new();
    for slug in &items {
        match site.index.get(collection, slug) {
            Some(i) => idx.push(i),
            // An entry whose front-matter cannot be read: its own error.
            None if site.index.is_failed(collection, slug) => {
                return Err(ShortcodeFailure::Silent);
            }
            None => {
                return Err(
                    format!("{} in `compare`", site.index.missing(collection, slug)).into(),
                );
            }
        }
    }
    let fields = match list_arg(call, "fields")? {
        Some(f) => f,
        None => coll.fields.iter().map(|f| f.name.clone()).collect(),
    };
    for f in &fields {
        if coll.field(f).is_none() {
            return Err(coll.missing_field(f).into());
        }
    }
    let title = str_arg(call, "title")?;
    let mut t = compare::table(
        coll,
        &idx,
        &fields,
        title,
        &site.pages,
        &sh.c.views,
        &config.base_path,
    );
    // Link to the comparison page of the same items, if there is one.
    let path = compare::page_path(&items.iter().map(String::as_str).collect::<Vec<_>>());
    if site.comparisons.iter().any(|c| c.path == path) {
        t.url = Some(format!("{}{}", config.base_path, path));
    }
    Ok(t)
}

// ---------------------------------------------------------------------------
// Template contexts (SPEC.md, "Template context").

struct Globals<'a> {
    site: SiteCtx<'a>,
    /// Each collection's listing (config order) as a template value.
    values: Vec<tera::Value>,
    comparisons: &'a [TableCtx],
}

impl<'a> Globals<'a> {
    fn new(
        site: &'a Site,
        views: &'a [FieldsView],
        comparisons: &'a [TableCtx],
        order: &[Vec<usize>],
    ) -> Self {
        let c = &site.config;
        let collections: Vec<CollectionCtx> = c
            .collections
            .iter()
            .zip(order)
            .map(|(coll, order)| {
                let entries: Vec<EntryCtx> = order
                    .iter()
                    .map(|&i| EntryCtx::new(&site.pages[i], &views[i]))
                    .collect();
                CollectionCtx {
                    name: &coll.name,
                    title: &coll.title,
                    url: format!("{}{}/", c.base_path, coll.name),
                    permalink: format!("{}{}/", c.base_url, coll.name),
                    sort_by: coll.sort_by,
                    kind: coll.kind.as_deref(),
                    fields: &coll.fields,
                    entries,
                }
            })
            .collect();
        // Serialised once: the global `collections` and each collection
        // page share these values (tera values are reference-counted).
        let values = collections
            .iter()
            .map(tera::Value::from_serializable)
            .collect();
        Globals {
            site: SiteCtx::new(c),
            values,
            comparisons,
        }
    }
}

/// The entries of each collection (config order), sorted by `sort_by`:
/// title, date (newest first), or weight (lightest first); ties by title.
fn collection_order(site: &Site) -> Vec<Vec<usize>> {
    site.config
        .collections
        .iter()
        .map(|coll| {
            let mut idx: Vec<usize> = (0..site.pages.len())
                .filter(|&i| site.pages[i].kind == PageKind::Entry(coll.name.clone()))
                .collect();
            let p = &site.pages;
            let title = |i: usize| p[i].title.to_lowercase();
            match coll.sort_by {
                SortBy::Title => idx.sort_by_cached_key(|&i| title(i)),
                SortBy::Date => idx.sort_by(|&a, &b| {
                    p[b].date
                        .cmp(&p[a].date)
                        .then_with(|| title(a).cmp(&title(b)))
                }),
                SortBy::Weight => idx.sort_by(|&a, &b| {
                    let w = |i: usize| (p[i].weight.is_none(), p[i].weight);
                    w(a).cmp(&w(b)).then_with(|| title(a).cmp(&title(b)))
                }),
            }
            idx
        })
        .collect()
}

impl<'a> SiteCtx<'a> {
    fn new(c: &'a Config) -> Self {
        SiteCtx {
            title: &c.title,
            base_url: &c.base_url,
            base_path: &c.base_path,
            description: &c.description,
            language: &c.language,
            search: c.search,
            extra: &c.extra,
        }
    }
}

#[derive(Serialize)]
struct SiteCtx<'a> {
    title: &'a str,
    base_url: &'a str,
    base_path: &'a str,
    description: &'a str,
    language: &'a str,
    search: bool,
    extra: &'a toml::Table,
}

#[derive(Serialize)]
struct CollectionCtx<'a> {
    name: &'a str,
    title: &'a str,
    url: String,
    permalink: String,
    sort_by: SortBy,
    kind: Option<&'a str>,
    fields: &'a [FieldDef],
    entries: Vec<EntryCtx<'a>>,
}

/// The typed fields of a page as a map, in declaration order.
struct FieldsCtx<'a>(&'a [(String, Resolved)]);

/// Backlinks grouped by the collection and field they come from.
#[derive(Serialize)]
struct BacklinkGroup<'a> {
    collection: &'a str,
    collection_title: &'a str,
    field: &'a str,
    field_name: &'a str,
    entries: Vec<&'a Backlink>,
}

fn group_backlinks(list: &[Backlink]) -> Vec<BacklinkGroup<'_>> {
    let mut groups: Vec<BacklinkGroup> = Vec::new();
    for b in list {
        match groups.last_mut() {
            Some(g)
                if g.collection == b.collection
                    && g.field_name == b.field_name
                    && g.field == b.field =>
            {
                g.entries.push(b)
            }
            _ => groups.push(BacklinkGroup {
                collection: &b.collection,
                collection_title: &b.collection_title,
                field: &b.field,
                field_name: &b.field_name,
                entries: vec![b],
            }),
        }
    }
    groups
}

/// Who refers to each page through typed fields, sorted by the referring
/// collection and field (declaration order), then title.
impl Serialize for FieldsCtx<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in self.0 {
            m.serialize_entry(k, v)?;
        }
        m.end()
    }
}

#[derive(Serialize)]
struct EntryCtx<'a> {
    title: &'a str,
    slug: &'a str,
    url: String,
    permalink: String,
    path: &'a str,
    description: Option<&'a str>,
    date: Option<&'a Date>,
    updated: Option<&'a Date>,
    weight: Option<i64>,
    tags: &'a [String],
    fields: FieldsCtx<'a>,
    field_list: &'a [FieldRow],
}

impl<'a> EntryCtx<'a> {
    fn new(p: &'a Page, v: &'a FieldsView) -> Self {
        EntryCtx {
            title: &p.title,
            slug: &p.slug,
            url: p.url.clone(),
            permalink: p.permalink.clone(),
            path: &p.path,
            description: p.description.as_deref(),
            date: p.date.as_ref(),
            updated: p.updated.as_ref(),
            weight: p.weight,
            tags: &p.tags,
            fields: FieldsCtx(&v.values),
            field_list: &v.list,
        }
    }
}

#[derive(Serialize)]
struct PageCtx<'a> {
    title: &'a str,
    description: Option<&'a str>,
    summary: &'a str,
    date: Option<&'a Date>,
    updated: Option<&'a Date>,
    url: String,
    permalink: String,
    path: String,
    slug: &'a str,
    content: &'a str,
    toc: &'a [TocEntry],
    heading_count: usize,
    word_count: usize,
    reading_time: usize,
    tags: &'a [String],
    collection: Option<&'a str>,
    kind: &'static str,
    fields: FieldsCtx<'a>,
    field_list: &'a [FieldRow],
    backlinks: &'a [Backlink],
    backlink_groups: Vec<BacklinkGroup<'a>>,
    comparisons: &'a [ComparisonLink],
    tag_links: Vec<Crumb>,
    meta_description: String,
    jsonld: String,
    og_type: &'static str,
    #[serde(flatten)]
    nav: Option<&'a Nav>,
    extra: &'a Value,
}

static NO_VALUE: Value = Value::Null;

impl<'a> PageCtx<'a> {
    fn new(
        p: &'a Page,
        body: &'a markdown::Rendered,
        view: &'a FieldsView,
        backlinks: &'a [Backlink],
        comparisons: &'a [ComparisonLink],
        c: &Config,
    ) -> Self {
        PageCtx {
            title: &p.title,
            description: p.description.as_deref(),
            summary: &body.summary,
            date: p.date.as_ref(),
            updated: p.updated.as_ref(),
            url: p.url.clone(),
            permalink: p.permalink.clone(),
            path: p.path.clone(),
            slug: &p.slug,
            content: &body.html,
            toc: &body.toc,
            heading_count: body.ids.len(),
            word_count: body.word_count,
            reading_time: markdown::reading_time(body.word_count),
            tags: &p.tags,
            collection: p.collection(),
            kind: kind_name(&p.kind),
            fields: FieldsCtx(&view.values),
            field_list: &view.list,
            backlinks,
            backlink_groups: group_backlinks(backlinks),
            comparisons,
            tag_links: p
                .tags
                .iter()
                .map(|t| Crumb {
                    title: t.clone(),
                    url: format!("{}tags/{}/", c.base_path, crate::slug::slugify(t)),
                })
                .collect(),
            meta_description: String::new(),
            jsonld: String::new(),
            og_type: "website",
            nav: None,
            extra: &p.extra,
        }
    }

    /// The page context of a page with no source file.
    fn generated(
        c: &Config,
        title: &'a str,
        kind: &'static str,
        path: &str,
        collection: Option<&'a str>,
    ) -> Self {
        PageCtx {
            title,
            description: None,
            summary: "",
            date: None,
            updated: None,
            url: format!("{}{}", c.base_path, path),
            permalink: format!("{}{}", c.base_url, path),
            path: path.to_string(),
            slug: "",
            content: "",
            toc: &[],
            heading_count: 0,
            word_count: 0,
            reading_time: 0,
            tags: &[],
            collection,
            kind,
            fields: FieldsCtx(&[]),
            field_list: &[],
            backlinks: &[],
            backlink_groups: Vec::new(),
            comparisons: &[],
            tag_links: Vec::new(),
            meta_description: String::new(),
            jsonld: String::new(),
            og_type: "website",
            nav: None,
            extra: &NO_VALUE,
        }
    }
}

fn kind_name(k: &PageKind) -> &'static str {
    match k {
        PageKind::Home => "home",
        PageKind::Collection(_) => "collection",
        PageKind::Entry(_) => "entry",
        PageKind::Plain => "page",
    }
}
