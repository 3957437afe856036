//! Files and data beside the pages: the charts of site.toml, the search
//! index, the sitemap, robots.txt and the feed.

use std::collections::HashMap;

use rayon::prelude::*;

use super::Shared;
use super::jobs::Job;
use super::seo::describe;
use super::values::Resolved;
use crate::content::PageKind;
use crate::output::{Data, OutputFile};
use crate::publish;
use crate::site::Site;

/// Draws every `[[charts]]` block (ladders have been checked for cycles).
pub(super) fn draw_charts(
    site: &Site,
    words: &crate::render::charts::ChartWords,
) -> Vec<crate::render::charts::ChartCtx> {
    use crate::config::ChartKind;
    let config = &site.config;
    config
        .charts
        .iter()
        .map(|c| {
            let id = format!("chart-{}", c.name);
            let (svg, svg_narrow) = match c.kind {
                ChartKind::Ladder => {
                    let nodes = crate::site::ladder_nodes(
                        site.pages.iter().map(|p| (&p.page, &p.fields)),
                        c,
                    );
                    // A cycle is an error of loading; nothing to draw.
                    if crate::site::find_cycle(&nodes).is_some() {
                        (String::new(), String::new())
                    } else {
                        crate::render::charts::ladder(&id, &c.title, &nodes, words)
                    }
                }
                ChartKind::Range => {
                    let unit = config
                        .collection(&c.collection)
                        .and_then(|x| x.field(&c.field))
                        .and_then(|f| f.unit.clone());
                    // Every entry, untranslated ones too (leading to the
                    // default language's page), as the ladder shows them.
                    let kind = PageKind::Entry(c.collection.clone());
                    let mut bars: Vec<crate::render::charts::RangeBar> = (0..site.pages.len())
                        .filter(|&i| site.pages[i].kind == kind)
                        .filter_map(|i| {
                            let (_, v) =
                                site.pages[i].fields.iter().find(|(n, _)| *n == c.field)?;
                            let crate::site::fields::FieldValue::Range {
                                min, max, max_open, ..
                            } = v
                            else {
                                return None;
                            };
                            Some(crate::render::charts::RangeBar {
                                title: site.pages[i].title.clone(),
                                url: site.pages[i].url.clone(),
                                min: *min,
                                max: *max,
                                max_open: *max_open,
                            })
                        })
                        .collect();
                    bars.sort_by(|a, b| {
                        a.min
                            .total_cmp(&b.min)
                            .then(a.max.total_cmp(&b.max))
                            .then_with(|| a.title.cmp(&b.title))
                    });
                    crate::render::charts::ranges(&id, &c.title, unit.as_deref(), &bars)
                }
            };
            crate::render::charts::ChartCtx {
                name: c.name.clone(),
                kind: c.kind,
                collection: c.collection.clone(),
                title: c.title.clone(),
                svg,
                svg_narrow,
            }
        })
        .collect()
}

/// The search document of page `i`.
pub(super) fn search_doc(sh: &Shared, i: usize) -> crate::search::DocInput {
    let site = sh.site;
    let config = &site.config;
    let p = &site.pages[i];
    let mut facets = Vec::new();
    let coll = p.collection().and_then(|c| config.collection(c));
    facets.push((
        "collection".to_string(),
        sh.word("facet_collection", "Collection"),
        vec![coll.map_or_else(|| sh.word("facet_pages", "Pages"), |c| c.title.clone())],
    ));
    if !p.tags.is_empty() {
        // Merged spellings use the tag's first name everywhere.
        let names: Vec<String> = p
            .tags
            .iter()
            .map(|t| {
                let slug = crate::content::slug::slugify(t);
                site.tags
                    .iter()
                    .find(|x| x.slug == slug)
                    .map_or_else(|| t.clone(), |x| x.name.clone())
            })
            .collect();
        facets.push(("tags".to_string(), sh.word("facet_tags", "Tags"), names));
    }
    if let (Some(coll), PageKind::Entry(_)) = (coll, &p.kind) {
        for def in coll
            .fields
            .iter()
            .filter(|f| f.ty == crate::config::FieldType::Enum)
        {
            if let Some((_, Resolved::Str(v))) = sh.c.pages[i]
                .view
                .values
                .iter()
                .find(|(n, _)| *n == def.name)
            {
                // Readers filter by the value's label, as pages show it.
                facets.push((
                    def.name.clone(),
                    def.label.clone(),
                    vec![def.value_label(v)],
                ));
            }
        }
        // A `list` taxonomy is a facet too, by the names of its term
        // pages (spellings merged as there).
        for t in site.taxonomies.iter().filter(|t| t.collection == coll.name) {
            let Some(def) = coll
                .field(&t.field)
                .filter(|d| d.ty == crate::config::FieldType::List)
            else {
                continue;
            };
            if let Some((_, crate::site::fields::FieldValue::List(items))) =
                p.fields.iter().find(|(n, _)| *n == def.name)
            {
                let mut names: Vec<String> = Vec::new();
                for item in items {
                    if let Some(term) = t.term_of(item)
                        && !names.contains(&term.name)
                    {
                        names.push(term.name.clone());
                    }
                }
                if !names.is_empty() {
                    facets.push((def.name.clone(), def.label.clone(), names));
                }
            }
        }
    }
    let kind = match (&p.kind, coll) {
        (PageKind::Entry(_), Some(c)) => c.singular_title(),
        (PageKind::Collection(_), _) => sh.word("kind_collection", "Collection"),
        _ => sh.word("kind_page", "Page"),
    };
    let mut headings = Vec::new();
    flatten_toc(&sh.c.pages[i].body.toc, &mut headings);
    // The words of the URL, and the labels and values of the set fields.
    let mut keywords: Vec<String> = vec![p.path.replace(['/', '-', '_'], " ")];
    for row in sh.c.pages[i].view.list.iter().filter(|r| r.set) {
        keywords.push(row.label.clone());
        keywords.push(crate::html::strip_tags(&row.html));
    }
    crate::search::DocInput {
        title: p.title.clone(),
        url: p.url.clone(),
        excerpt: describe(sh, i, ""),
        text: sh.c.pages[i].body.text.clone(),
        facets,
        kind,
        headings,
        keywords,
        lang: crate::search::Lang::of(&config.language),
        comparison: false,
    }
}

/// Every heading of a contents tree, in order: (id, text).
fn flatten_toc(toc: &[crate::markdown::TocEntry], out: &mut Vec<(String, String)>) {
    for h in toc {
        out.push((h.id.clone(), h.title.clone()));
        flatten_toc(&h.children, out);
    }
}

/// The search index: every content page but the home page, and every
/// comparison page.
pub(super) fn build_search(sh: &Shared) -> (crate::search::SearchIndex, HashMap<usize, usize>) {
    let site = sh.site;
    let config = &site.config;
    let pages: Vec<usize> = (0..site.pages.len())
        .filter(|&i| site.pages[i].kind != PageKind::Home && !site.pages[i].foreign)
        .collect();
    let mut docs: Vec<crate::search::DocInput> =
        crate::diagnostics::timed("search: documents", || {
            pages.par_iter().map(|&i| search_doc(sh, i)).collect()
        });
    let doc_of: HashMap<usize, usize> = pages.iter().enumerate().map(|(d, &i)| (i, d)).collect();
    for (t, c) in sh.c.tables.iter().zip(&site.comparisons) {
        let mut text = String::new();
        for row in &t.rows {
            text.push_str(&row.label);
            text.push(' ');
            for v in &row.values {
                text.push_str(&crate::html::strip_tags(v));
                text.push(' ');
            }
        }
        let names: Vec<&str> = t.items.iter().map(|i| i.title.as_str()).collect();
        docs.push(crate::search::DocInput {
            title: t.title.clone(),
            url: config.url(&c.path),
            excerpt: sh
                .word("side_by_side_excerpt", "Side by side: {items}.")
                .replace("{items}", &names.join(", ")),
            text,
            facets: vec![(
                "collection".to_string(),
                sh.word("facet_collection", "Collection"),
                vec![sh.word("facet_comparisons", "Comparisons")],
            )],
            kind: sh.word("kind_comparison", "Comparison"),
            headings: Vec::new(),
            keywords: vec![c.path.replace(['/', '-', '_'], " ")],
            lang: crate::search::Lang::of(&config.language),
            comparison: true,
        });
    }
    (
        crate::diagnostics::timed("search: postings", || {
            crate::search::SearchIndex::build(docs)
        }),
        doc_of,
    )
}

/// `sitemap.xml`, `atom.xml` and `robots.txt`.
pub(super) fn publishing_files(sh: &Shared) -> Vec<OutputFile> {
    let site = sh.site;
    let config = &site.config;
    // A language besides the default has its own feed; the sitemap and
    // robots.txt are the site's, at its root.
    if !config.lang_prefix.is_empty() {
        return vec![atom_file(sh)];
    }
    let mut entries = Vec::new();
    for (job, _, rel) in &sh.c.jobs {
        if matches!(job, Job::Alias(_) | Job::NotFound | Job::Search) {
            continue;
        }
        let path = rel.strip_suffix("index.html").unwrap_or(rel);
        let lastmod = super::jobs::lastmod(site, job);
        entries.push(publish::SitemapEntry {
            loc: format!("{}{path}", config.base_url),
            lastmod,
            alternates: Vec::new(),
        });
    }
    entries.sort_by(|a, b| a.loc.cmp(&b.loc));
    if !sh.c.alternates.sitemap.is_empty() {
        entries.clone_from(&sh.c.alternates.sitemap);
    }
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
pub(super) fn atom_file(sh: &Shared) -> OutputFile {
    let site = sh.site;
    let config = &site.config;
    let mut dated: Vec<usize> = (0..site.pages.len())
        .filter(|&i| {
            matches!(site.pages[i].kind, PageKind::Entry(_) | PageKind::Plain)
                && site.pages[i].date.is_some()
                && !site.pages[i].foreign
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
