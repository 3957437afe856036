//! What each page tells search engines and link previews: its
//! description, Open Graph type and JSON-LD, gathered from the model for
//! [`crate::publish`].

use super::Shared;
use super::jobs::Job;
use super::values::Resolved;
use crate::content::PageKind;
use crate::publish;

/// The description of page `i`, for meta tags, the feed and search: its
/// `description`, else its `summary` field, else its first paragraph, else
/// `fallback`.
pub(super) fn describe(sh: &Shared, i: usize, fallback: &str) -> String {
    let p = &sh.site.pages[i];
    let summary = sh.c.pages[i]
        .view
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
        &sh.c.pages[i].body.summary,
        fallback,
    )
}

/// An FAQ entry's question and answer for structured data.
fn faq(sh: &Shared, i: usize) -> publish::Faq {
    publish::Faq {
        question: sh.site.pages[i].title.clone(),
        answer: sh.c.pages[i].body.text.clone(),
    }
}

/// The structured data of a listing page of collection `name`: its
/// entries, all or, with `paginate_by`, those of page `number`.
fn collection_ld(sh: &Shared, name: &str, number: usize) -> publish::LdKind {
    let site = sh.site;
    let config = &site.config;
    let coll = config.collection(name);
    let pos = config.collections.iter().position(|c| c.name == name);
    let all: &[usize] = pos.map_or(&[], |n| sh.c.order[n].as_slice());
    let order =
        &all[super::context::page_range(number, coll.and_then(|c| c.paginate_by), all.len())];
    let items = order
        .iter()
        .map(|&e| (site.pages[e].title.clone(), site.pages[e].permalink.clone()))
        .collect();
    let faqs = if coll.is_some_and(|c| c.kind.as_deref() == Some("faq")) {
        order.iter().map(|&e| faq(sh, e)).collect()
    } else {
        Vec::new()
    };
    publish::LdKind::Collection { items, faqs }
}

/// The meta description, JSON-LD and Open Graph type of a page.
pub(super) fn for_job(
    sh: &Shared,
    job: &Job,
    title: &str,
    path: &str,
) -> (String, String, &'static str) {
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
    let faq_of = |i: usize| faq(sh, i);
    let collection_kind = |name: &str, number: usize| collection_ld(sh, name, number);
    let (description, crumbs, kind, og_type) = match job {
        Job::Page(i) => {
            let i = *i;
            let p = &site.pages[i];
            let description = page_description(i);
            let crumbs: Vec<publish::Crumb> = sh.c.pages[i]
                .nav
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
                PageKind::Collection(c) => collection_kind(c, 1),
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
        Job::Collection(name) | Job::CollectionPage { name, .. } => {
            let crumb = publish::Crumb {
                name: title.to_string(),
                url: url.clone(),
            };
            let number = match job {
                Job::CollectionPage { number, .. } => *number,
                _ => 1,
            };
            (
                format!("{title}: {}", config.title),
                vec![home, crumb],
                collection_kind(name, number),
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
    let lang = config.is_multilingual().then_some(config.language.as_str());
    let ld = publish::json_ld(&config.title, title, &url, &crumbs, &kind, lang);
    (description, ld, og_type)
}
