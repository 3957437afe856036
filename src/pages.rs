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
use tera::{Context, Tera};

use crate::compare::{self, TableCtx};
use crate::config::{Config, FieldDef, SortBy};
use crate::content::{Date, Page, PageKind, yaml::Value};
use crate::diagnostics::{Diagnostic, Diagnostics, did_you_mean, line_col};
use crate::markdown::{self, TocEntry};
use crate::output::{Data, OutputFile};
use crate::render;
use crate::shortcodes::{self, ArgValue, Call};
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
}

/// Everything computed once per build and shared by every page.
struct Shared<'a> {
    site: &'a Site,
    tera: Tera,
    bodies: Vec<markdown::Rendered>,
    views: &'a [FieldsView],
    tables: &'a [TableCtx],
    /// For each page, the comparisons it appears in.
    appears_in: &'a [Vec<ComparisonLink>],
}

/// A link to a comparison page.
#[derive(Debug, Clone, Serialize)]
struct ComparisonLink {
    title: String,
    url: String,
}

/// Renders every output file of `site` in memory.
pub fn render(site: &Site) -> Result<Vec<OutputFile>, Diagnostics> {
    let config = &site.config;
    let mut tera = timed("templates", || render::load_templates(config))?;
    let mut ds = Diagnostics::new();
    let lookup = PageLookup {
        pages: &site.pages,
        index: &site.index,
        base_path: &config.base_path,
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
    let globals = Globals::new(site, &views, &tables);
    tera.global_context().insert("site", &globals.site);
    tera.global_context()
        .insert("collections", &globals.collections);
    tera.global_context()
        .insert("comparisons", &globals.comparisons);

    let mut shared = Shared {
        site,
        tera,
        bodies: Vec::new(),
        views: &views,
        tables: &tables,
        appears_in: &appears_in,
    };
    let bodies: Vec<Result<markdown::Rendered, Vec<Diagnostic>>> = timed("markdown", || {
        site.pages
            .par_iter()
            .map(|p| render_body(&shared, p))
            .collect()
    });
    shared.bodies = bodies
        .into_iter()
        .map(|r| {
            r.unwrap_or_else(|d| {
                ds.extend(d);
                markdown::Rendered::default()
            })
        })
        .collect();

    let jobs = jobs(&shared, &mut ds);
    let rendered: Vec<Result<OutputFile, Diagnostic>> = timed("render", || {
        jobs.par_iter()
            .map(|(job, template, rel)| render_job(&shared, &globals, job, template, rel))
            .collect()
    });
    let mut files = Vec::with_capacity(rendered.len() + site.assets.len());
    for r in rendered {
        match r {
            Ok(f) => files.push(f),
            Err(d) => ds.push(d),
        }
    }
    let mut statics = render::static_files(config, &mut ds);
    statics.extend(site.assets.iter().map(|a| OutputFile {
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

/// Every page to render: (job, template, output path).
fn jobs(sh: &Shared, ds: &mut Diagnostics) -> Vec<(Job, String, String)> {
    let site = sh.site;
    let mut jobs = Vec::new();
    for (i, page) in site.pages.iter().enumerate() {
        let template = page_template(&site.config, page);
        if !sh.tera.contains_template(&template) {
            ds.push(match &page.template {
                Some(_) => page.error_at(
                    page.positions.value("template"),
                    format!("template `{template}` not found"),
                ),
                None => Diagnostic::error(
                    crate::config::CONFIG_FILE,
                    format!(
                        "template `{template}` (for `{}`) not found",
                        page.source.display()
                    ),
                ),
            });
            continue;
        }
        jobs.push((Job::Page(i), template, format!("{}index.html", page.path)));
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
    jobs.push((Job::NotFound, "404.html".into(), "404.html".into()));
    for (_, template, rel) in &jobs {
        if !sh.tera.contains_template(template) && !ds.has_errors() {
            ds.push(Diagnostic::error(
                format!("templates/{template}"),
                format!(
                    "template `{template}` (for `/{rel}`) is missing from the theme and the site"
                ),
            ));
        }
    }
    jobs
}

fn render_job(
    sh: &Shared,
    g: &Globals,
    job: &Job,
    template: &str,
    rel: &str,
) -> Result<OutputFile, Diagnostic> {
    let site = sh.site;
    let config = &site.config;
    let mut ctx = Context::new();
    let (page_ctx, source) = match job {
        Job::Page(i) => {
            let i = *i;
            let p = &site.pages[i];
            let ctx = PageCtx::new(
                p,
                &sh.bodies[i],
                &sh.views[i],
                &site.backlinks[i],
                &sh.appears_in[i],
                config,
            );
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
            let t = &sh.tables[*n];
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
    };
    ctx.insert("page", &page_ctx);
    let collection_name = match job {
        Job::Collection(name) => Some(name.as_str()),
        Job::Page(i) if matches!(site.pages[*i].kind, PageKind::Collection(_)) => {
            site.pages[*i].collection()
        }
        _ => None,
    };
    if let Some(name) = collection_name
        && let Some(c) = g.collections.iter().find(|c| c.name == name)
    {
        let content = match job {
            Job::Page(i) => sh.bodies[*i].html.as_str(),
            _ => "",
        };
        ctx.insert("collection", &CollectionPageCtx { inner: c, content });
    }
    let html = render::render_page(&sh.tera, template, &ctx, &source)?;
    Ok(OutputFile {
        rel: rel.to_string(),
        data: Data::Bytes(html.into_bytes()),
    })
}

// ---------------------------------------------------------------------------
// Markdown bodies and shortcodes.

/// A marker that survives Markdown rendering untouched (private-use
/// characters), replaced by the shortcode's HTML afterwards.
fn placeholder(n: usize) -> String {
    format!("\u{E000}{n}\u{E001}")
}

/// Renders a page's Markdown, expanding shortcodes. Shortcode problems are
/// errors at the call's line and column in the file.
fn render_body(sh: &Shared, page: &Page) -> Result<markdown::Rendered, Vec<Diagnostic>> {
    let body = page.body();
    let (calls, errors) = shortcodes::find_calls(body);
    let at = |offset: usize| {
        let (line, col) = line_col(body, offset);
        crate::content::yaml::Pos {
            line: line + page.body_line - 1,
            col,
        }
    };
    let mut diags: Vec<Diagnostic> = errors
        .iter()
        .map(|e| {
            page.error_at(
                at(e.offset),
                format!("invalid shortcode call: {}", e.message),
            )
        })
        .collect();
    if calls.is_empty() {
        return if diags.is_empty() {
            Ok(markdown::render(body))
        } else {
            Err(diags)
        };
    }
    let mut source = String::with_capacity(body.len());
    let mut outputs = Vec::with_capacity(calls.len());
    let mut last = 0;
    for (n, call) in calls.iter().enumerate() {
        source.push_str(&body[last..call.range.start]);
        source.push_str(&placeholder(n));
        last = call.range.end;
        match render_shortcode(sh, call, page) {
            Ok(html) => outputs.push(html),
            Err(msg) => {
                diags.push(page.error_at(at(call.range.start), msg));
                outputs.push(String::new());
            }
        }
    }
    source.push_str(&body[last..]);
    if !diags.is_empty() {
        return Err(diags);
    }
    let mut r = markdown::render(&source);
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
    }
    Ok(r)
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

/// Renders one call through `shortcodes/<name>.html`; the message of the
/// error otherwise.
fn render_shortcode(sh: &Shared, call: &Call, page: &Page) -> Result<String, String> {
    let template = format!("shortcodes/{}.html", call.name);
    if !sh.tera.contains_template(&template) {
        let names: Vec<&str> = sh
            .tera
            .get_template_names()
            .filter_map(|n| n.strip_prefix("shortcodes/")?.strip_suffix(".html"))
            .collect();
        let mut msg = format!("unknown shortcode `{}`", call.name);
        if let Some(s) = did_you_mean(&call.name, names.iter().copied()) {
            msg.push_str(&format!(" (did you mean `{s}`?)"));
        }
        return Err(msg);
    }
    let mut ctx = Context::new();
    for (k, v) in &call.args {
        ctx.insert(k.clone(), v);
    }
    let config = &sh.site.config;
    ctx.insert(
        "page",
        &ShortcodePage {
            title: &page.title,
            url: format!("{}{}", config.base_path, page.path),
            permalink: format!("{}{}", config.base_url, page.path),
            path: &page.path,
            slug: &page.slug,
            collection: page.collection(),
        },
    );
    if call.name == "compare" {
        ctx.insert("comparison", &compare_from_call(sh, call)?);
    }
    sh.tera.render(&template, &ctx).map_err(|e| {
        let detail = match e.kind() {
            tera::ErrorKind::RenderingError(r) => r.message().to_string(),
            _ => e.to_string(),
        };
        format!("shortcode `{}` failed to render: {detail}", call.name)
    })
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
fn compare_from_call(sh: &Shared, call: &Call) -> Result<TableCtx, String> {
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
            None => {
                return Err(format!(
                    "{} in `compare`",
                    site.index.missing(collection, slug)
                ));
            }
        }
    }
    let fields = match list_arg(call, "fields")? {
        Some(f) => f,
        None => coll.fields.iter().map(|f| f.name.clone()).collect(),
    };
    for f in &fields {
        if coll.field(f).is_none() {
            let mut msg = format!("collection `{collection}` has no field `{f}`");
            if let Some(s) = did_you_mean(f, coll.fields.iter().map(|x| x.name.as_str())) {
                msg.push_str(&format!(" (did you mean `{s}`?)"));
            }
            return Err(msg);
        }
    }
    let title = str_arg(call, "title")?;
    let mut t = compare::table(
        coll,
        &idx,
        &fields,
        title,
        &site.pages,
        sh.views,
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
    collections: Vec<CollectionCtx<'a>>,
    comparisons: &'a [TableCtx],
}

impl<'a> Globals<'a> {
    fn new(site: &'a Site, views: &'a [FieldsView], comparisons: &'a [TableCtx]) -> Self {
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
            comparisons,
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
            url: format!("{}{}", c.base_path, p.path),
            permalink: format!("{}{}", c.base_url, p.path),
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
