//! Template contexts (SPEC.md, "Template context"): serialisable structs
//! built from the model for each page, apart from the model itself.

use serde::Serialize;
use serde::ser::SerializeMap;

use super::PageParts;
use super::compare::TableCtx;
use super::values::{FieldRow, FieldsView, Resolved};
use crate::config::{Config, FieldDef, SortBy};
use crate::content::{Date, Page, PageKind, yaml::Value};
use crate::markdown::{self, TocEntry};
use crate::site::{Backlink, Site};

/// A link with a title, for breadcrumbs, neighbours and tags.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub(super) struct Crumb {
    pub(super) title: String,
    pub(super) url: String,
}

/// Where a page sits: its breadcrumbs and, for entries, the previous and
/// next entries of its collection in `sort_by` order.
#[derive(Debug, Clone, Default, Serialize)]
pub(super) struct Nav {
    pub(super) breadcrumbs: Vec<Crumb>,
    pub(super) previous: Option<Crumb>,
    pub(super) next: Option<Crumb>,
}

/// A link to a comparison page.
#[derive(Debug, Clone, Serialize)]
pub(super) struct ComparisonLink {
    pub(super) title: String,
    pub(super) url: String,
}

/// Breadcrumbs (home, collection or parent folders, page) and previous/next
/// entries in collection order.
pub(super) fn navigation(site: &Site, order: &[Vec<usize>]) -> Vec<Nav> {
    let config = &site.config;
    let crumb = |i: usize| Crumb {
        title: site.pages[i].title.clone(),
        url: site.pages[i].url.clone(),
    };
    let home_title = site
        .pages
        .iter()
        .find(|p| p.kind == PageKind::Home && !p.foreign)
        .map_or_else(|| config.title.clone(), |p| p.title.clone());
    let home = Crumb {
        title: home_title,
        url: config.base_path.clone(),
    };
    let mut nav: Vec<Nav> = vec![Nav::default(); site.pages.len()];
    for (i, page) in site.pages.iter().enumerate() {
        if page.kind == PageKind::Home || page.foreign {
            continue;
        }
        let mut crumbs = vec![home.clone()];
        // Every ancestor folder that has a page of its own.
        let segments: Vec<&str> = page.path.trim_end_matches('/').split('/').collect();
        for n in 1..segments.len() {
            let ancestor = segments[..n].join("/");
            // A foreign page (not translated) is not in this language's
            // folder: a collection's generated page stands in for it.
            let own = site
                .links
                .by_path
                .get(&ancestor)
                .filter(|&&a| !site.pages[a].foreign);
            if let Some(&a) = own {
                crumbs.push(crumb(a));
            } else if let Some(c) = config.collection(&ancestor) {
                crumbs.push(Crumb {
                    title: c.title.clone(),
                    url: config.url(&format!("{}/", c.name)),
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

/// Where a listing page stands among the pages of its collection
/// (`page.paginator`).
#[derive(Debug, Serialize)]
pub(super) struct Paginator {
    /// This page's number, from 1.
    pub(super) number: usize,
    /// How many pages.
    pub(super) total: usize,
    /// Entries per page.
    pub(super) per_page: usize,
    /// Entries in the collection.
    pub(super) entries: usize,
    pub(super) previous: Option<String>,
    pub(super) next: Option<String>,
    pub(super) first: String,
    pub(super) last: String,
    /// The links of a numbered pager: the first and last pages, and two
    /// on each side of this one; `number` 0 marks a gap.
    pub(super) pages: Vec<PagerLink>,
}

#[derive(Debug, Serialize)]
pub(super) struct PagerLink {
    pub(super) number: usize,
    pub(super) url: String,
    pub(super) current: bool,
}

/// The URL path of listing page `n` of collection `name` (`roles/`,
/// `roles/page/2/`).
pub(super) fn listing_path(name: &str, n: usize) -> String {
    if n <= 1 {
        format!("{name}/")
    } else {
        format!("{name}/page/{n}/")
    }
}

/// The positions (in collection order) of the entries listing page
/// `number` shows: all without `paginate_by`.
pub(super) fn page_range(
    number: usize,
    per_page: Option<usize>,
    entries: usize,
) -> std::ops::Range<usize> {
    match per_page {
        Some(n) => {
            let start = ((number.max(1) - 1) * n).min(entries);
            start..(start + n).min(entries)
        }
        None => 0..entries,
    }
}

/// How many listing pages `entries` entries take at `per_page` (at
/// least one).
pub(super) fn listing_pages(entries: usize, per_page: usize) -> usize {
    entries.div_ceil(per_page.max(1)).max(1)
}

/// The paginator of page `number` of collection `name`.
pub(super) fn paginator(
    c: &Config,
    name: &str,
    number: usize,
    per_page: usize,
    entries: usize,
) -> Paginator {
    let total = listing_pages(entries, per_page);
    let url = |n: usize| c.url(&listing_path(name, n));
    let mut pages = Vec::new();
    for n in 1..=total {
        let shown = n == 1 || n == total || n.abs_diff(number) <= 2;
        if shown {
            pages.push(PagerLink {
                number: n,
                url: url(n),
                current: n == number,
            });
        } else if pages.last().is_some_and(|p: &PagerLink| p.number != 0) {
            pages.push(PagerLink {
                number: 0,
                url: String::new(),
                current: false,
            });
        }
    }
    Paginator {
        number,
        total,
        per_page,
        entries,
        previous: (number > 1).then(|| url(number - 1)),
        next: (number < total).then(|| url(number + 1)),
        first: url(1),
        last: url(total),
        pages,
    }
}

/// A tag as templates see it.
#[derive(Serialize)]
pub(super) struct TagCtx<'a> {
    pub(super) name: &'a str,
    pub(super) slug: &'a str,
    pub(super) url: String,
    pub(super) count: usize,
    pub(super) pages: Vec<TaggedPage<'a>>,
}

/// A taxonomy field as templates see it (`taxonomy`), with its terms
/// (`terms`, each without its pages).
#[derive(Serialize)]
pub(super) struct TaxonomyCtx<'a> {
    pub(super) collection: &'a str,
    pub(super) collection_title: &'a str,
    pub(super) collection_url: String,
    pub(super) field: &'a str,
    pub(super) label: &'a str,
    pub(super) url: String,
    pub(super) terms: Vec<TagCtx<'a>>,
}

/// The taxonomy `t` of the site; the pages of its term `with_pages` (in
/// the collection's order, `order`) when given.
pub(super) fn taxonomy_ctx<'a>(
    site: &'a Site,
    t: &'a crate::site::taxonomy::Taxonomy,
    with_pages: Option<usize>,
    order: &[usize],
) -> (TaxonomyCtx<'a>, Option<TagCtx<'a>>) {
    let config = &site.config;
    let coll = config.collection(&t.collection);
    let term = |k: usize, pages: bool| {
        let term = &t.terms[k];
        let mut listed: Vec<usize> = Vec::new();
        if pages {
            listed = order
                .iter()
                .copied()
                .filter(|i| term.pages.contains(i))
                .collect();
        }
        TagCtx {
            name: &term.name,
            slug: &term.slug,
            url: config.url(&t.term_path(term)),
            count: term.pages.len(),
            pages: listed
                .into_iter()
                .map(|i| {
                    let p = &site.pages[i];
                    TaggedPage {
                        title: &p.title,
                        url: p.url.clone(),
                        collection: p.collection(),
                        description: p.summary_text(),
                    }
                })
                .collect(),
        }
    };
    let ctx = TaxonomyCtx {
        collection: &t.collection,
        collection_title: coll.map_or(t.collection.as_str(), |c| c.title.as_str()),
        collection_url: config.url(&format!("{}/", t.collection)),
        field: &t.field,
        label: &t.label,
        url: config.url(&t.path()),
        terms: (0..t.terms.len()).map(|k| term(k, false)).collect(),
    };
    (ctx, with_pages.map(|k| term(k, true)))
}

#[derive(Serialize)]
pub(super) struct TaggedPage<'a> {
    pub(super) title: &'a str,
    pub(super) url: String,
    pub(super) collection: Option<&'a str>,
    pub(super) description: Option<&'a str>,
}

pub(super) fn tag_ctx<'a>(
    site: &'a Site,
    t: &'a crate::site::TagInfo,
    with_pages: bool,
) -> TagCtx<'a> {
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
        url: site.config.url(&format!("tags/{}/", t.slug)),
        count: t.pages.len(),
        pages,
    }
}

pub(super) struct Globals<'a> {
    pub(super) site: SiteCtx<'a>,
    /// Each collection's listing (config order) as a template value.
    pub(super) values: Vec<tera::Value>,
    pub(super) comparisons: &'a [TableCtx],
}

impl<'a> Globals<'a> {
    pub(super) fn new(
        site: &'a Site,
        parts: &'a [PageParts],
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
                    .map(|&i| EntryCtx::new(&site.pages[i], &parts[i].view))
                    .collect();
                CollectionCtx {
                    name: &coll.name,
                    title: &coll.title,
                    url: c.url(&format!("{}/", coll.name)),
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
pub(super) fn collection_order(site: &Site) -> Vec<Vec<usize>> {
    site.config
        .collections
        .iter()
        .map(|coll| {
            let mut idx: Vec<usize> = (0..site.pages.len())
                .filter(|&i| {
                    site.pages[i].kind == PageKind::Entry(coll.name.clone())
                        && !site.pages[i].foreign
                })
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
    pub(super) fn new(c: &'a Config) -> Self {
        SiteCtx {
            title: &c.title,
            base_url: &c.base_url,
            base_path: &c.base_path,
            description: &c.description,
            language: &c.language,
            search: c.search,
            previews: c.previews,
            export_json: c.export_json,
            extra: &c.extra,
            tags_url: None,
        }
    }
}

#[derive(Serialize)]
pub(super) struct SiteCtx<'a> {
    pub(super) title: &'a str,
    pub(super) base_url: &'a str,
    pub(super) base_path: &'a str,
    pub(super) description: &'a str,
    pub(super) language: &'a str,
    pub(super) search: bool,
    /// Whether links to entries carry preview data (and the theme loads
    /// its preview script).
    pub(super) previews: bool,
    pub(super) export_json: bool,
    pub(super) extra: &'a toml::Table,
    /// The URL of the tags page, when one is written.
    pub(super) tags_url: Option<String>,
}

#[derive(Serialize)]
pub(super) struct CollectionCtx<'a> {
    pub(super) name: &'a str,
    pub(super) title: &'a str,
    pub(super) url: String,
    pub(super) permalink: String,
    pub(super) sort_by: SortBy,
    pub(super) kind: Option<&'a str>,
    pub(super) fields: &'a [FieldDef],
    pub(super) entries: Vec<EntryCtx<'a>>,
}

/// The typed fields of a page as a map, in declaration order.
pub(super) struct FieldsCtx<'a>(&'a [(String, Resolved)]);

/// Backlinks grouped by the collection and field they come from.
#[derive(Serialize)]
pub(super) struct BacklinkGroup<'a> {
    pub(super) collection: &'a str,
    pub(super) collection_title: &'a str,
    pub(super) field: &'a str,
    pub(super) field_name: &'a str,
    pub(super) entries: Vec<&'a Backlink>,
}

pub(super) fn group_backlinks(list: &[Backlink]) -> Vec<BacklinkGroup<'_>> {
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
pub(super) struct EntryCtx<'a> {
    pub(super) title: &'a str,
    pub(super) slug: &'a str,
    pub(super) url: String,
    pub(super) permalink: String,
    pub(super) path: &'a str,
    pub(super) description: Option<&'a str>,
    pub(super) date: Option<&'a Date>,
    pub(super) updated: Option<&'a Date>,
    pub(super) weight: Option<i64>,
    pub(super) tags: &'a [String],
    pub(super) fields: FieldsCtx<'a>,
    pub(super) field_list: &'a [FieldRow],
}

impl<'a> EntryCtx<'a> {
    pub(super) fn new(p: &'a Page, v: &'a FieldsView) -> Self {
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
pub(super) struct PageCtx<'a> {
    pub(super) title: &'a str,
    pub(super) description: Option<&'a str>,
    pub(super) summary: &'a str,
    pub(super) date: Option<&'a Date>,
    pub(super) updated: Option<&'a Date>,
    pub(super) url: String,
    pub(super) permalink: String,
    pub(super) path: String,
    pub(super) slug: &'a str,
    pub(super) content: &'a str,
    pub(super) toc: &'a [TocEntry],
    pub(super) heading_count: usize,
    pub(super) word_count: usize,
    pub(super) reading_time: usize,
    pub(super) tags: &'a [String],
    pub(super) collection: Option<&'a str>,
    pub(super) kind: &'static str,
    pub(super) fields: FieldsCtx<'a>,
    pub(super) field_list: &'a [FieldRow],
    pub(super) backlinks: &'a [Backlink],
    pub(super) backlink_groups: Vec<BacklinkGroup<'a>>,
    pub(super) comparisons: &'a [ComparisonLink],
    pub(super) tag_links: Vec<Crumb>,
    pub(super) meta_description: String,
    pub(super) jsonld: String,
    pub(super) og_type: &'static str,
    /// What link previews show: the page's `image`, or its share card.
    pub(super) image: Option<super::cards::OgImage>,
    /// Where the source can be edited (`edit_url` in site.toml).
    pub(super) edit_url: Option<String>,
    /// On the listing pages of a collection with `paginate_by`.
    pub(super) paginator: Option<Paginator>,
    /// The page in every language of the site (empty for one language).
    pub(super) translations: Vec<super::languages::Translation>,
    #[serde(flatten)]
    pub(super) nav: Option<&'a Nav>,
    pub(super) extra: &'a Value,
}

pub(super) static NO_VALUE: Value = Value::Null;

impl<'a> PageCtx<'a> {
    pub(super) fn new(
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
                    url: c.url(&format!("tags/{}/", crate::content::slug::slugify(t))),
                })
                .collect(),
            meta_description: String::new(),
            jsonld: String::new(),
            og_type: "website",
            image: None,
            edit_url: c.edit_url_of(&p.source),
            paginator: None,
            translations: Vec::new(),
            nav: None,
            extra: &p.extra,
        }
    }

    /// The page context of a page with no source file.
    pub(super) fn generated(
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
            url: c.url(path),
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
            image: None,
            edit_url: None,
            paginator: None,
            translations: Vec::new(),
            nav: None,
            extra: &NO_VALUE,
        }
    }
}

pub(super) fn kind_name(k: &PageKind) -> &'static str {
    match k {
        PageKind::Home => "home",
        PageKind::Collection(_) => "collection",
        PageKind::Entry(_) => "entry",
        PageKind::Plain => "page",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Whether the manual's reference has `variable-<group>-<key>.md`.
    fn in_manual(group: &str, key: &str) -> bool {
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("docs/content/reference")
            .join(format!("variable-{group}-{}.md", key.replace('_', "-")))
            .is_file()
    }

    /// The `group.key` names of the serialized `values` with no entry.
    fn not_in_manual<const N: usize>(values: [(&str, serde_json::Value); N]) -> Vec<String> {
        let mut missing = Vec::new();
        for (group, value) in values {
            for key in value.as_object().unwrap().keys() {
                if !in_manual(group, key) {
                    missing.push(format!("{group}.{key}"));
                }
            }
        }
        missing
    }

    /// Every key of `page` has an entry in the manual's reference
    /// (`docs/content/reference/variable-page-<key>.md`).
    #[test]
    fn the_pager_shows_the_ends_and_the_neighbours() {
        let c = Config::parse(
            "title = \"T\"\nbase_url = \"https://x.org/sub/\"\n",
            std::path::Path::new("/s"),
        )
        .unwrap();
        let p = paginator(&c, "roles", 6, 10, 95);
        assert_eq!(
            (p.total, p.previous.as_deref(), p.next.as_deref()),
            (10, Some("/sub/roles/page/5/"), Some("/sub/roles/page/7/"))
        );
        let numbers: Vec<usize> = p.pages.iter().map(|l| l.number).collect();
        assert_eq!(numbers, [1, 0, 4, 5, 6, 7, 8, 0, 10]);
        assert_eq!(p.pages[0].url, "/sub/roles/");
        let one = paginator(&c, "roles", 1, 10, 0);
        assert_eq!((one.total, one.previous, one.next), (1, None, None));
    }

    #[test]
    fn every_page_variable_is_in_the_manual() {
        let config = crate::config::Config::parse(
            "title = \"T\"\nbase_url = \"https://example.org/\"\n",
            std::path::Path::new("."),
        )
        .unwrap();
        let nav = Nav::default();
        let mut ctx = PageCtx::generated(&config, "T", "home", "", None);
        ctx.nav = Some(&nav);
        let value = serde_json::to_value(&ctx).unwrap();
        let keys: Vec<&String> = value.as_object().unwrap().keys().collect();
        assert!(keys.len() > 20, "{keys:?}");
        let missing: Vec<&&String> = keys.iter().filter(|k| !in_manual("page", k)).collect();
        assert!(
            missing.is_empty(),
            "no reference entry for page.{missing:?}"
        );
    }
    /// Every key of `site` and of a collection has an entry too.
    #[test]
    fn every_site_and_collection_variable_is_in_the_manual() {
        let config = crate::config::Config::parse(
            "title = \"T\"\nbase_url = \"https://example.org/\"\n[collections.roles]\n",
            std::path::Path::new("."),
        )
        .unwrap();
        let site = serde_json::to_value(SiteCtx::new(&config)).unwrap();
        let coll = &config.collections[0];
        let collection = serde_json::to_value(CollectionCtx {
            name: &coll.name,
            title: &coll.title,
            url: String::new(),
            permalink: String::new(),
            sort_by: coll.sort_by,
            kind: None,
            fields: &coll.fields,
            entries: Vec::new(),
        })
        .unwrap();
        let missing = not_in_manual([("site", site), ("collection", collection)]);
        assert!(missing.is_empty(), "no reference entry for {missing:?}");
    }

    /// Every key of `comparison`, `tag` and `chart` has an entry, and so
    /// has every top-level name a template can read.
    #[test]
    fn every_comparison_tag_and_chart_variable_is_in_the_manual() {
        let table = serde_json::to_value(TableCtx {
            title: String::new(),
            collection: String::new(),
            url: None,
            items: Vec::new(),
            rows: Vec::new(),
        })
        .unwrap();
        let tag = serde_json::to_value(TagCtx {
            name: "",
            slug: "",
            url: String::new(),
            count: 0,
            pages: Vec::new(),
        })
        .unwrap();
        let chart = serde_json::to_value(crate::render::charts::ChartCtx {
            name: String::new(),
            kind: crate::config::ChartKind::Ladder,
            collection: String::new(),
            title: String::new(),
            svg: String::new(),
            svg_narrow: String::new(),
        })
        .unwrap();
        let mut missing = not_in_manual([("comparison", table), ("tag", tag), ("chart", chart)]);
        let reference =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/content/reference");
        // The globals (render/mod.rs) and what a page kind or shortcode adds
        // (render/jobs.rs, render/shortcodes.rs); groups have one entry per key.
        for name in ["collections", "comparisons", "charts", "tags"] {
            if !reference.join(format!("variable-{name}.md")).is_file() {
                missing.push(name.to_string());
            }
        }
        assert!(missing.is_empty(), "no reference entry for {missing:?}");
    }

    /// Every page kind (`page.kind`) has an entry naming its template.
    #[test]
    fn every_page_kind_is_in_the_manual() {
        let reference =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/content/reference");
        let content = [
            PageKind::Home,
            PageKind::Collection(String::new()),
            PageKind::Entry(String::new()),
            PageKind::Plain,
        ];
        let generated = ["comparison", "comparisons", "tags", "tag", "search", "404"];
        let kinds = content.iter().map(kind_name).chain(generated);
        for kind in kinds {
            let text = std::fs::read_to_string(reference.join(format!("kind-{kind}.md")))
                .unwrap_or_else(|_| panic!("no reference entry kind-{kind}.md"));
            assert!(
                text.contains(&format!("`page.kind`: `{kind}`")),
                "kind-{kind}.md"
            );
            assert!(text.contains("- Template: `templates/"), "kind-{kind}.md");
        }
    }
}
