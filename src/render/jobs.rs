//! The jobs of a build, one per output page, and rendering one job
//! through its template.

use tera::Context;

use super::bodies::render_body;
use super::context::{PageCtx, TagCtx, tag_ctx};
use super::{Shared, seo, templates};
use crate::config::Config;
use crate::content::{Page, PageKind};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::markdown;
use crate::output::{Data, OutputFile};
use crate::site::Site;

/// What one output page is.
pub(super) enum Job {
    /// A content file.
    Page(usize),
    /// A collection page without `_index.md`.
    Collection(String),
    /// Listing page `number` (2 and up) of a collection with
    /// `paginate_by`, and its title.
    CollectionPage {
        name: String,
        number: usize,
        title: String,
    },
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
    /// `/COLLECTION/FIELD/`, the terms of a taxonomy field (index into
    /// the site's taxonomies).
    Taxonomy(usize),
    /// `/COLLECTION/FIELD/TERM/`: (taxonomy, term).
    Term(usize, usize),
    /// A redirect page for an alias (index into the site's aliases).
    Alias(usize),
    /// `/search/`, when the search index is built.
    Search,
}

/// The source a generated output comes from, for messages.
pub(super) fn job_source(site: &Site, job: &Job) -> String {
    match job {
        Job::Page(i) => site.pages[*i].source.display().to_string(),
        Job::Alias(a) => format!(
            "{} (alias)",
            site.pages[site.aliases[*a].1].source.display()
        ),
        Job::Compare(_) => crate::config::CONFIG_FILE.to_string(),
        Job::Tag(t) => format!("tag `{}`", site.tags[*t].name),
        Job::Taxonomy(t) | Job::Term(t, _) => format!(
            "taxonomy `{}` of collection `{}`",
            site.taxonomies[*t].field, site.taxonomies[*t].collection
        ),
        Job::Collection(c) | Job::CollectionPage { name: c, .. } => format!("collection `{c}`"),
        Job::Home | Job::NotFound | Job::CompareIndex | Job::Tags | Job::Search => {
            "(generated)".to_string()
        }
    }
}

/// The sitemap's `lastmod` of a job's page: its `updated`, else its
/// `date` (content pages only).
pub(super) fn lastmod(site: &Site, job: &Job) -> Option<String> {
    let Job::Page(i) = job else {
        return None;
    };
    let p = &site.pages[*i];
    p.updated
        .as_ref()
        .or(p.date.as_ref())
        .map(|d| d.day().to_string())
}

/// The template of a content page.
pub(super) fn page_template(config: &Config, page: &Page) -> String {
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
pub(super) fn is_listing(site: &Site, job: &Job) -> bool {
    match job {
        Job::Collection(_) | Job::CollectionPage { .. } => true,
        Job::Page(i) => matches!(site.pages[*i].kind, PageKind::Collection(_)),
        _ => false,
    }
}

/// Every page to render: (job, template, output path).
pub(super) fn plan(sh: &Shared, ds: &mut Diagnostics) -> Vec<(Job, String, String)> {
    let site = sh.site;
    let mut jobs = Vec::new();
    let mut told: std::collections::HashSet<String> = std::collections::HashSet::new();
    for (i, page) in site.pages.iter().enumerate() {
        // Rendered in its own language only.
        if page.foreign {
            continue;
        }
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
            let suggestion = crate::render::template_errors::nearest(&template, &names)
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
    if !site
        .pages
        .iter()
        .any(|p| p.kind == PageKind::Home && !p.foreign)
    {
        jobs.push((Job::Home, "index.html".into(), "index.html".into()));
    }
    collection_jobs(sh, &mut jobs);
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
    listing_jobs(sh, &mut jobs, ds);
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
    // One 404 page for the site, at its root.
    if site.config.lang_prefix.is_empty() {
        jobs.push((Job::NotFound, "404.html".into(), "404.html".into()));
    }
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
pub(super) fn collection_template_error(
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
pub(super) fn alias_page(sh: &Shared, n: usize, rel: &str) -> OutputFile {
    let site = sh.site;
    let config = &site.config;
    let moved = crate::html::escape_attr(&sh.word("moved_to", "This page has moved to"));
    let page = &site.pages[site.aliases[n].1];
    let url = crate::html::escape_attr(&page.url);
    let permalink = crate::html::escape_attr(&page.permalink);
    let title = crate::html::escape_attr(&page.title);
    let html = format!(
        "<!doctype html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n<title>{title}</title>\n<link rel=\"canonical\" href=\"{permalink}\">\n<meta name=\"robots\" content=\"noindex\">\n<meta http-equiv=\"refresh\" content=\"0; url={url}\">\n</head>\n<body>\n<p>{moved} <a href=\"{url}\">{title}</a>.</p>\n</body>\n</html>\n",
        lang = crate::html::escape_attr(&config.language),
    );
    OutputFile {
        rel: rel.to_string(),
        data: Data::Bytes(html.into_bytes()),
    }
}

pub(super) fn config_is_faq(site: &Site, collection: &str) -> bool {
    site.config
        .collection(collection)
        .is_some_and(|c| c.kind.as_deref() == Some("faq"))
}

/// A streaming build keeps no page's HTML between the Markdown pass and
/// the page job: the body of a content page rendered again, to be used
/// and dropped.
fn fresh_body(sh: &Shared, job: &Job) -> Option<markdown::Rendered> {
    match job {
        Job::Page(i) if !sh.c.html_kept => {
            let page = &sh.site.pages[*i];
            // The first pass reported the body's problems, and a build
            // with problems writes nothing: they are not repeated here.
            let (mut body, _, _) = render_body(sh, page, markdown::Pass::HtmlOnly);
            // What the HTML pass skips, as the first pass found it (the
            // plain text stays there, where the search index and FAQ
            // answers read it).
            let first = &sh.c.pages[*i].body;
            body.word_count = first.word_count;
            body.summary.clone_from(&first.summary);
            Some(body)
        }
        _ => None,
    }
}

/// The generated collection pages: page 1 where there is no `_index.md`,
/// and pages 2 and up of the collections with `paginate_by`.
fn collection_jobs(sh: &Shared, jobs: &mut Vec<(Job, String, String)>) {
    let site = sh.site;
    for c in &site.config.collections {
        if !site
            .pages
            .iter()
            .any(|p| p.kind == PageKind::Collection(c.name.clone()) && !p.foreign)
        {
            jobs.push((
                Job::Collection(c.name.clone()),
                "collection.html".into(),
                format!("{}/index.html", c.name),
            ));
        }
    }
    for (ci, c) in site.config.collections.iter().enumerate() {
        let Some(per_page) = c.paginate_by else {
            continue;
        };
        let entries = sh.c.order.get(ci).map_or(0, Vec::len);
        let total = super::context::listing_pages(entries, per_page);
        let template = site
            .pages
            .iter()
            .find(|p| p.kind == PageKind::Collection(c.name.clone()) && !p.foreign)
            .map_or_else(
                || "collection.html".to_string(),
                |p| page_template(&site.config, p),
            );
        for number in 2..=total {
            jobs.push((
                Job::CollectionPage {
                    name: c.name.clone(),
                    number,
                    title: format!("{} (page {number} of {total})", c.title),
                },
                template.clone(),
                format!(
                    "{}index.html",
                    super::context::listing_path(&c.name, number)
                ),
            ));
        }
    }
}

/// The jobs of the tag pages and the taxonomy pages, when the theme has
/// their templates (a warning when it has not).
fn listing_jobs(sh: &Shared, jobs: &mut Vec<(Job, String, String)>, ds: &mut Diagnostics) {
    let site = sh.site;
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
    let taxonomy_templates = sh.c.templates.tera.contains_template("taxonomy.html")
        && sh.c.templates.tera.contains_template("term.html");
    if !site.taxonomies.is_empty() && !taxonomy_templates {
        ds.push(
            Diagnostic::error(
                format!("themes/{}/templates", site.config.theme),
                "the theme has no `taxonomy.html` and `term.html`, so no taxonomy pages are written",
            )
            .warning(),
        );
    }
    if taxonomy_templates {
        for (n, t) in site.taxonomies.iter().enumerate() {
            jobs.push((
                Job::Taxonomy(n),
                "taxonomy.html".into(),
                format!("{}index.html", t.path()),
            ));
            for (k, term) in t.terms.iter().enumerate() {
                jobs.push((
                    Job::Term(n, k),
                    "term.html".into(),
                    format!("{}index.html", t.term_path(term)),
                ));
            }
        }
    }
}

/// The `page` context of a job (its body from `body` when given), with
/// what a generated page adds to `ctx` (`comparison`, `tags`, `tag`).
fn job_context<'s>(
    sh: &'s Shared,
    job: &'s Job,
    body: Option<&'s markdown::Rendered>,
    ctx: &mut Context,
) -> PageCtx<'s> {
    let site = sh.site;
    let config = &site.config;
    match job {
        Job::Page(i) => {
            let i = *i;
            let p = &site.pages[i];
            let mut ctx = PageCtx::new(
                p,
                body.unwrap_or(&sh.c.pages[i].body),
                &sh.c.pages[i].view,
                &sh.c.pages[i].backlinks,
                &sh.c.pages[i].appears_in,
                config,
            );
            ctx.nav = Some(&sh.c.pages[i].nav);
            ctx
        }
        Job::Collection(name) => {
            let title = config
                .collection(name)
                .map_or(name.as_str(), |c| c.title.as_str());
            PageCtx::generated(config, title, "collection", &format!("{name}/"), Some(name))
        }
        Job::CollectionPage {
            name,
            number,
            title,
        } => PageCtx::generated(
            config,
            title,
            "collection",
            &super::context::listing_path(name, *number),
            Some(name),
        ),
        Job::Home => PageCtx::generated(config, &config.title, "home", "", None),
        Job::NotFound => {
            let title = sh.word_ref("not_found_title", "Page not found");
            PageCtx::generated(config, title, "404", "404.html", None)
        }
        Job::Compare(n) => {
            let t = &sh.c.tables[*n];
            ctx.insert("comparison", t);
            PageCtx::generated(
                config,
                &t.title,
                "comparison",
                &site.comparisons[*n].path,
                None,
            )
        }
        Job::CompareIndex => {
            let title = sh.word_ref("comparisons", "Comparisons");
            PageCtx::generated(config, title, "comparisons", "compare/", None)
        }
        Job::Search => {
            let title = sh.word_ref("search", "Search");
            PageCtx::generated(config, title, "search", "search/", None)
        }
        Job::Tags => {
            let tags: Vec<TagCtx> = site.tags.iter().map(|t| tag_ctx(site, t, false)).collect();
            ctx.insert("tags", &tags);
            let title = sh.word_ref("tags", "Tags");
            PageCtx::generated(config, title, "tags", "tags/", None)
        }
        Job::Tag(n) => {
            let t = &site.tags[*n];
            ctx.insert("tag", &tag_ctx(site, t, true));
            PageCtx::generated(config, &t.name, "tag", &format!("tags/{}/", t.slug), None)
        }
        Job::Taxonomy(n) | Job::Term(n, _) => {
            let t = &site.taxonomies[*n];
            let k = match job {
                Job::Term(_, k) => Some(*k),
                _ => None,
            };
            let pos = config
                .collections
                .iter()
                .position(|c| c.name == t.collection)
                .unwrap_or(0);
            let order = sh.c.order.get(pos).map(Vec::as_slice).unwrap_or_default();
            let (tax, term) = super::context::taxonomy_ctx(site, t, k, order);
            ctx.insert("taxonomy", &tax);
            match (k, term) {
                (Some(k), Some(term)) => {
                    ctx.insert("term", &term);
                    let path = t.term_path(&t.terms[k]);
                    PageCtx::generated(config, &t.terms[k].name, "term", &path, Some(&t.collection))
                }
                _ => {
                    PageCtx::generated(config, &t.label, "taxonomy", &t.path(), Some(&t.collection))
                }
            }
        }
        Job::Alias(_) => unreachable!("alias pages are not templated"),
    }
}

/// The paginator of a listing page of a collection with `paginate_by`.
fn listing_paginator(sh: &Shared, job: &Job) -> Option<super::context::Paginator> {
    let site = sh.site;
    let (name, number) = match job {
        Job::Collection(name) => (name.as_str(), 1),
        Job::CollectionPage { name, number, .. } => (name.as_str(), *number),
        Job::Page(i) if matches!(site.pages[*i].kind, PageKind::Collection(_)) => {
            (site.pages[*i].collection()?, 1)
        }
        _ => return None,
    };
    let k = site
        .config
        .collections
        .iter()
        .position(|c| c.name == name)?;
    let per_page = site.config.collections[k].paginate_by?;
    let entries = sh.c.order.get(k).map_or(0, Vec::len);
    Some(super::context::paginator(
        &site.config,
        name,
        number,
        per_page,
        entries,
    ))
}

/// Renders one page. `listings` holds each collection's listing as a
/// template value (config order); only collection pages read it.
pub(super) fn render_job(
    sh: &Shared,
    listings: &[tera::Value],
    job: &Job,
    template: &str,
    rel: &str,
) -> Result<(OutputFile, Option<OutputFile>), Diagnostic> {
    let site = sh.site;
    let config = &site.config;
    let mut ctx = Context::new();
    let fresh = fresh_body(sh, job);
    let body_of = |i: usize| fresh.as_ref().unwrap_or(&sh.c.pages[i].body);
    let mut page_ctx = job_context(sh, job, fresh.as_ref(), &mut ctx);
    let (description, jsonld, og_type) = seo::for_job(sh, job, page_ctx.title, &page_ctx.path);
    page_ctx.meta_description = description;
    page_ctx.jsonld = jsonld;
    page_ctx.og_type = og_type;
    page_ctx.image = super::cards::og_image(sh, job, rel, page_ctx.title);
    let card = super::cards::card_file(sh, job, rel, page_ctx.title, &page_ctx.meta_description)
        .transpose()?;
    page_ctx.paginator = listing_paginator(sh, job);
    page_ctx.translations = sh.c.alternates.for_job(sh.c.lang_index, job, rel);
    ctx.insert("page", &page_ctx);
    let collection_name = match job {
        Job::Collection(name) | Job::CollectionPage { name, .. } => Some(name.as_str()),
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
        // With `paginate_by`, this page's share of the entries.
        let number = match job {
            Job::CollectionPage { number, .. } => *number,
            _ => 1,
        };
        let range = super::context::page_range(
            number,
            config.collections[k].paginate_by,
            sh.c.order[k].len(),
        );
        // The shared listing plus this page's own content, and each
        // entry's first paragraph (here only: a body edit re-renders its
        // collection page, not every page that lists `collections`).
        let mut value = listing.clone();
        value.insert("content".into(), tera::Value::from(content));
        if let Some(entries) = value
            .get(&tera::value::Key::from("entries"))
            .and_then(tera::Value::as_array)
        {
            let with_summaries: Vec<tera::Value> = entries
                .iter()
                .zip(&sh.c.order[k])
                .enumerate()
                .filter(|(n, _)| range.contains(n))
                .map(|(_, pair)| pair)
                .map(|(e, &i)| {
                    let mut e = e.as_map().cloned().unwrap_or_default();
                    e.insert(
                        "summary".into(),
                        tera::Value::from(sh.c.pages[i].body.summary.as_str()),
                    );
                    tera::Value::from(e)
                })
                .collect();
            value.insert("entries".into(), tera::Value::from(with_summaries));
        }
        ctx.insert_value("collection", tera::Value::from(value));
    }
    let html = templates::render_page(&sh.c.templates, template, &ctx)?;
    Ok((
        OutputFile {
            rel: rel.to_string(),
            data: Data::Bytes(html.into_bytes()),
        },
        card,
    ))
}
