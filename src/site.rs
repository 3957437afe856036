//! The one pipeline: load -> validate -> render -> write.
//!
//! [`Site::load`] reads `site.toml` and every content file and checks them;
//! [`Site::render`] renders every output file in memory, in parallel;
//! [`build`] runs both, then hands the files to [`crate::output::sync`]. A
//! failure in any stage before the write leaves the output folder untouched.
//! `cairn check` is the same pipeline stopped before the write.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::time::Instant;

use rayon::prelude::*;
use serde::Serialize;
use serde::ser::SerializeMap;
use tera::{Context, Tera};

use crate::config::{Collection, Config, FieldDef, SortBy};
use crate::content::{self, Asset, Date, Page, PageKind, yaml::Value};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::markdown::{self, TocEntry};
use crate::output::{self, Data, OutputFile, SyncStats};
use crate::render;
use crate::schema::{self, EntryIndex, FieldValue, TypedFields};
use crate::values::{self, FieldRow, FieldsView, PageLookup, Resolved};

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
    /// Warnings found while loading.
    pub warnings: Diagnostics,
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
#[derive(Debug, Clone, Copy)]
pub struct BuildReport {
    /// Pages rendered.
    pub pages: usize,
    /// Files in the output.
    pub files: usize,
    /// What the write did.
    pub sync: SyncStats,
}

fn timed<T>(step: &str, f: impl FnOnce() -> T) -> T {
    let start = Instant::now();
    let out = f();
    if std::env::var_os("CAIRN_LOG").is_some_and(|v| v == "debug") {
        eprintln!(
            "[debug] {step}: {:.1} ms",
            start.elapsed().as_secs_f64() * 1e3
        );
    }
    out
}

impl Site {
    /// Loads and checks the site at `opts.root`.
    pub fn load(opts: &BuildOptions) -> Result<Site, Diagnostics> {
        let mut config = timed("config", || config_for(opts))?;
        if let Some(out) = &opts.output {
            config.output_dir = if out.is_absolute() {
                out.clone()
            } else {
                std::env::current_dir().unwrap_or_default().join(out)
            };
        }
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
        let pages: Vec<Page> = loaded
            .pages
            .into_iter()
            .filter(|p| opts.drafts || !p.draft)
            .collect();
        check_paths(&pages, &mut ds);
        let typed: Vec<TypedFields> = timed("validate", || {
            let results: Vec<_> = pages
                .par_iter()
                .map(|p| schema::check_page(p, &config))
                .collect();
            results
                .into_iter()
                .map(|r| {
                    r.unwrap_or_else(|d| {
                        ds.extend(d);
                        Vec::new()
                    })
                })
                .collect()
        });
        let index = EntryIndex::new(&pages, drafts);
        schema::check_refs(&pages, &typed, &config, &index, &mut ds);
        if ds.has_errors() {
            return Err(ds);
        }
        let backlinks = backlinks(&config, &pages, &typed, &index);
        Ok(Site {
            config,
            pages,
            assets: loaded.assets,
            typed,
            index,
            backlinks,
            warnings: ds,
        })
    }

    /// Renders every output file in memory.
    pub fn render(&self) -> Result<Vec<OutputFile>, Diagnostics> {
        let tera = timed("templates", || render::load_templates(&self.config))?;
        let mut ds = Diagnostics::new();
        let bodies: Vec<markdown::Rendered> = timed("markdown", || {
            self.pages
                .par_iter()
                .map(|p| markdown::render(p.body()))
                .collect()
        });
        let lookup = PageLookup {
            pages: &self.pages,
            index: &self.index,
            base_path: &self.config.base_path,
        };
        let views: Vec<FieldsView> = timed("fields", || {
            self.pages
                .par_iter()
                .zip(&self.typed)
                .map(
                    |(p, t)| match p.collection().and_then(|c| self.config.collection(c)) {
                        Some(coll) if matches!(p.kind, PageKind::Entry(_)) => {
                            values::view(coll, t, &lookup)
                        }
                        _ => FieldsView::default(),
                    },
                )
                .collect()
        });
        let globals = Globals::new(self, &views);
        let mut tera = tera;
        tera.global_context().insert("site", &globals.site);
        tera.global_context()
            .insert("collections", &globals.collections);
        let tera = tera;

        let mut jobs: Vec<Job> = Vec::new();
        for (i, page) in self.pages.iter().enumerate() {
            let template = match (&page.template, &page.kind) {
                (Some(t), _) => t.clone(),
                (None, PageKind::Home) => "index.html".into(),
                (None, PageKind::Collection(_)) => "collection.html".into(),
                (None, PageKind::Entry(c)) => self
                    .config
                    .collection(c)
                    .map_or_else(|| "page.html".into(), |c| c.template.clone()),
                (None, PageKind::Plain) => "page.html".into(),
            };
            if !tera.contains_template(&template) {
                let at = page.positions.value("template");
                let d = match &page.template {
                    Some(_) => page.error_at(at, format!("template `{template}` not found")),
                    None => Diagnostic::error(
                        CONFIG_FOR_TEMPLATES,
                        format!(
                            "template `{template}` (for `{}`) not found",
                            page.source.display()
                        ),
                    ),
                };
                ds.push(d);
                continue;
            }
            jobs.push(Job {
                page: Some(i),
                collection: page
                    .collection()
                    .filter(|_| matches!(page.kind, PageKind::Collection(_)))
                    .map(str::to_string),
                template,
                rel: format!("{}index.html", page.path),
            });
        }
        // Generated pages: the home page and collection pages that have no
        // `_index.md`, and the 404 page.
        if !self.pages.iter().any(|p| p.kind == PageKind::Home) {
            jobs.push(Job {
                page: None,
                collection: None,
                template: "index.html".into(),
                rel: "index.html".into(),
            });
        }
        for c in &self.config.collections {
            if !self
                .pages
                .iter()
                .any(|p| p.kind == PageKind::Collection(c.name.clone()))
            {
                jobs.push(Job {
                    page: None,
                    collection: Some(c.name.clone()),
                    template: "collection.html".into(),
                    rel: format!("{}/index.html", c.name),
                });
            }
        }
        jobs.push(Job {
            page: None,
            collection: None,
            template: "404.html".into(),
            rel: "404.html".into(),
        });

        let rendered: Vec<Result<OutputFile, Diagnostic>> = timed("render", || {
            jobs.par_iter()
                .map(|job| self.render_job(&tera, job, &bodies, &views, &globals))
                .collect()
        });
        let mut files = Vec::with_capacity(rendered.len() + self.assets.len());
        for r in rendered {
            match r {
                Ok(f) => files.push(f),
                Err(d) => ds.push(d),
            }
        }
        let mut statics = render::static_files(&self.config, &mut ds);
        statics.extend(self.assets.iter().map(|a| OutputFile {
            rel: a.rel.clone(),
            data: Data::File(a.abs.clone()),
        }));
        let taken: HashMap<&str, ()> = files.iter().map(|f| (f.rel.as_str(), ())).collect();
        for s in &statics {
            if taken.contains_key(s.rel.as_str()) {
                ds.push(Diagnostic::error(
                    &s.rel,
                    format!("static file `{}` collides with a generated page", s.rel),
                ));
            }
        }
        files.extend(statics);
        if ds.has_errors() {
            return Err(ds);
        }
        Ok(files)
    }

    fn render_job(
        &self,
        tera: &Tera,
        job: &Job,
        bodies: &[markdown::Rendered],
        views: &[FieldsView],
        g: &Globals,
    ) -> Result<OutputFile, Diagnostic> {
        let mut ctx = Context::new();
        let page_ctx = match job.page {
            Some(i) => PageCtx::new(
                &self.pages[i],
                &bodies[i],
                &views[i],
                &self.backlinks[i],
                &self.config,
            ),
            None => PageCtx::generated(&self.config, job),
        };
        ctx.insert("page", &page_ctx);
        if let Some(name) = &job.collection
            && let Some(c) = g.collections.iter().find(|c| c.name == name.as_str())
        {
            let mut cc = CollectionPageCtx {
                inner: c,
                content: "",
            };
            if let Some(i) = job.page {
                cc.content = &bodies[i].html;
            }
            ctx.insert("collection", &cc);
        }
        let source = job
            .page
            .map_or_else(|| PathBuf::from(&job.rel), |i| self.pages[i].source.clone());
        let html = render::render_page(tera, &job.template, &ctx, &source)?;
        Ok(OutputFile {
            rel: job.rel.clone(),
            data: Data::Bytes(html.into_bytes()),
        })
    }
}

const CONFIG_FOR_TEMPLATES: &str = "site.toml";

struct Job {
    page: Option<usize>,
    collection: Option<String>,
    template: String,
    rel: String,
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

/// Builds the site: load, render, then write the output folder.
pub fn build(opts: &BuildOptions) -> Result<(BuildReport, Diagnostics), Diagnostics> {
    let site = Site::load(opts)?;
    let out = site.config.output_dir.clone();
    if let Err(m) = output::guard(&site.config.root, &out, opts.force) {
        let mut ds = Diagnostics::new();
        ds.push(Diagnostic::error(display_out(&site.config.root, &out), m));
        return Err(ds);
    }
    let files = site.render().map_err(|mut ds| {
        ds.extend(site.warnings.clone().sorted());
        ds
    })?;
    let sync = timed("write", || output::sync(&out, &files)).map_err(|e| {
        let mut ds = Diagnostics::new();
        ds.push(Diagnostic::error(
            display_out(&site.config.root, &out),
            format!("cannot write the output: {e}"),
        ));
        ds
    })?;
    let pages = files.iter().filter(|f| f.rel.ends_with(".html")).count();
    Ok((
        BuildReport {
            pages,
            files: files.len(),
            sync,
        },
        site.warnings,
    ))
}

/// Loads and renders the site without writing anything.
pub fn check(opts: &BuildOptions) -> Result<(usize, Diagnostics), Diagnostics> {
    let site = Site::load(opts)?;
    let files = site.render()?;
    Ok((files.len(), site.warnings))
}

fn display_out(root: &Path, out: &Path) -> PathBuf {
    content::rel_to(root, out)
}

// ---------------------------------------------------------------------------
// Template contexts (SPEC.md, "Template context").

struct Globals<'a> {
    site: SiteCtx<'a>,
    collections: Vec<CollectionCtx<'a>>,
}

impl<'a> Globals<'a> {
    fn new(site: &'a Site, views: &'a [FieldsView]) -> Self {
        let c = &site.config;
        let collections = c
            .collections
            .iter()
            .map(|coll| {
                let mut entries: Vec<EntryCtx> = site
                    .pages
                    .iter()
                    .zip(views)
                    .filter(|(p, _)| p.kind == PageKind::Entry(coll.name.clone()))
                    .map(|(p, v)| EntryCtx::new(p, v, c))
                    .collect();
                sort_entries(&mut entries, coll.sort_by);
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
        Globals {
            site: SiteCtx {
                title: &c.title,
                base_url: &c.base_url,
                base_path: &c.base_path,
                description: &c.description,
                language: &c.language,
                search: c.search,
                extra: &c.extra,
            },
            collections,
        }
    }
}

fn sort_entries(entries: &mut [EntryCtx], by: SortBy) {
    let title_key = |e: &EntryCtx| e.title.to_lowercase();
    match by {
        SortBy::Title => entries.sort_by_cached_key(title_key),
        SortBy::Date => entries.sort_by(|a, b| {
            b.date
                .cmp(&a.date)
                .then_with(|| title_key(a).cmp(&title_key(b)))
        }),
        SortBy::Weight => entries.sort_by(|a, b| {
            let w = |e: &EntryCtx| (e.weight.is_none(), e.weight);
            w(a).cmp(&w(b))
                .then_with(|| title_key(a).cmp(&title_key(b)))
        }),
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

#[derive(Serialize)]
struct CollectionPageCtx<'a> {
    #[serde(flatten)]
    inner: &'a CollectionCtx<'a>,
    content: &'a str,
}

/// The typed fields of a page as a map, in declaration order.
struct FieldsCtx<'a>(&'a [(String, Resolved)]);

/// Backlinks grouped by the collection and field they come from.
#[derive(Serialize)]
struct BacklinkGroup<'a> {
    collection: &'a str,
    collection_title: &'a str,
    field: &'a str,
    entries: Vec<&'a Backlink>,
}

fn group_backlinks(list: &[Backlink]) -> Vec<BacklinkGroup<'_>> {
    let mut groups: Vec<BacklinkGroup> = Vec::new();
    for b in list {
        match groups.last_mut() {
            Some(g) if g.collection == b.collection && g.field == b.field => g.entries.push(b),
            _ => groups.push(BacklinkGroup {
                collection: &b.collection,
                collection_title: &b.collection_title,
                field: &b.field,
                entries: vec![b],
            }),
        }
    }
    groups
}

/// Who refers to each page through typed fields, sorted by the referring
/// collection and field (declaration order), then title.
fn backlinks(
    config: &Config,
    pages: &[Page],
    typed: &[TypedFields],
    index: &EntryIndex,
) -> Vec<Vec<Backlink>> {
    let mut out: Vec<Vec<(usize, usize, Backlink)>> = vec![Vec::new(); pages.len()];
    for (page, fields) in pages.iter().zip(typed) {
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
                let b = Backlink {
                    title: page.title.clone(),
                    url: format!("{}{}", config.base_path, page.path),
                    slug: page.slug.clone(),
                    collection: coll.name.clone(),
                    collection_title: coll.title.clone(),
                    field: def.label.clone(),
                    field_name: def.name.clone(),
                };
                if !out[j].iter().any(|(_, _, x)| *x == b) {
                    out[j].push((ci, fi, b));
                }
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
    fn new(p: &'a Page, v: &'a FieldsView, c: &Config) -> Self {
        EntryCtx {
            title: &p.title,
            slug: &p.slug,
            url: format!("{}{}", c.base_path, p.path),
            permalink: format!("{}{}", c.base_url, p.path),
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
    path: &'a str,
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
    extra: &'a Value,
}

static NO_VALUE: Value = Value::Null;

impl<'a> PageCtx<'a> {
    fn new(
        p: &'a Page,
        body: &'a markdown::Rendered,
        view: &'a FieldsView,
        backlinks: &'a [Backlink],
        c: &Config,
    ) -> Self {
        PageCtx {
            title: &p.title,
            description: p.description.as_deref(),
            summary: &body.summary,
            date: p.date.as_ref(),
            updated: p.updated.as_ref(),
            url: format!("{}{}", c.base_path, p.path),
            permalink: format!("{}{}", c.base_url, p.path),
            path: &p.path,
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
            extra: &p.extra,
        }
    }

    /// The page context of a page with no source file.
    fn generated(c: &'a Config, job: &'a Job) -> Self {
        let (title, kind, path) = match (&job.collection, job.rel.as_str()) {
            (Some(name), _) => (
                c.collection(name)
                    .map_or(name.as_str(), |x: &Collection| x.title.as_str()),
                "collection",
                job.rel.trim_end_matches("index.html"),
            ),
            (None, "index.html") => (c.title.as_str(), "home", ""),
            (None, _) => ("Page not found", "404", job.rel.as_str()),
        };
        PageCtx {
            title,
            description: None,
            summary: "",
            date: None,
            updated: None,
            url: format!("{}{}", c.base_path, path),
            permalink: format!("{}{}", c.base_url, path),
            path,
            slug: "",
            content: "",
            toc: &[],
            heading_count: 0,
            word_count: 0,
            reading_time: 0,
            tags: &[],
            collection: job.collection.as_deref(),
            kind,
            fields: FieldsCtx(&[]),
            field_list: &[],
            backlinks: &[],
            backlink_groups: Vec::new(),
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
