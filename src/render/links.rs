//! The link checks of a render: `#fragment`s of internal links, the
//! rendered HTML of every page, and backlinks from page bodies.

use std::collections::HashMap;

use rayon::prelude::*;

use super::bodies::body_error;
use super::jobs::{Job, job_source};
use super::{PageParts, RenderCache};
use crate::content::PageKind;
use crate::diagnostics::{Cursor, Diagnostic, Diagnostics, SHOWN_PER_FILE, did_you_mean};
use crate::markdown;
use crate::site::{Backlink, Site};

/// Every `#fragment` of an `@/` link or wikilink must name a heading of its
/// target page.
/// Returns the links reported, as (output path of the page, normalised
/// `href`), so that the check of the rendered HTML does not repeat them.
pub(super) fn check_fragments(
    site: &Site,
    parts: &[PageParts],
    ds: &mut Diagnostics,
) -> std::collections::HashSet<(String, String)> {
    let mut reported = std::collections::HashSet::new();
    // The ids of each page linked to with a fragment, as a set.
    let mut id_sets: HashMap<usize, std::collections::HashSet<&str>> = HashMap::new();
    for (i, body) in parts.iter().map(|p| &p.body).enumerate() {
        let page = &site.pages[i];
        // (offset, message) of each broken fragment of this page.
        let mut broken: Vec<(usize, String)> = Vec::new();
        for l in &body.links {
            let Some(f) = &l.fragment else { continue };
            let t = l.page.unwrap_or(i);
            // A foreign page's body is the default language's, checked there.
            if site.pages[t].foreign {
                continue;
            }
            let ids = &parts[t].body.ids;
            let set = id_sets
                .entry(t)
                .or_insert_with(|| ids.iter().map(String::as_str).collect());
            if f.is_empty() || set.contains(f.as_str()) {
                continue;
            }
            let mut msg = format!(
                "link to a missing heading `#{f}` in `{}`",
                site.pages[t].source.display()
            );
            // Suggestions only where the problem is shown.
            if broken.len() < SHOWN_PER_FILE
                && let Some(s) = did_you_mean(f, ids.iter().map(String::as_str))
            {
                msg.push_str(&format!(" (did you mean `#{s}`?)"));
            }
            broken.push((l.offset, msg));
            let href = match l.page {
                Some(t) => format!("{}#{f}", site.pages[t].url),
                None => format!("#{f}"),
            };
            reported.insert((
                format!("{}index.html", page.path),
                crate::check::links::normalized(&href),
            ));
        }
        if broken.is_empty() {
            continue;
        }
        match page.source_text(&site.config.root) {
            Ok(text) => {
                let mut at = Cursor::new(&text);
                ds.extend(
                    broken
                        .into_iter()
                        .map(|(offset, msg)| body_error(page, &mut at, offset, msg)),
                );
            }
            Err(d) => ds.push(d),
        }
    }
    reported
}

/// Typed backlinks plus pages whose text links here, without duplicates: a
/// page that both refers and links here is listed once, by its field.
pub(super) fn merge_backlinks(
    site: &Site,
    parts: &[PageParts],
    words: &super::i18n::Strings,
) -> Vec<Vec<Backlink>> {
    let all: Vec<usize> = (0..site.pages.len()).collect();
    merge_backlinks_for(site, parts, &all, words)
        .into_iter()
        .map(|(_, list)| list)
        .collect()
}

/// The merged backlinks of the pages `targets` (sorted page indexes).
pub(super) fn merge_backlinks_for(
    site: &Site,
    parts: &[PageParts],
    targets: &[usize],
    words: &super::i18n::Strings,
) -> Vec<(usize, Vec<Backlink>)> {
    let config = &site.config;
    let word = |k: &str, english: &str| {
        words
            .get(k)
            .and_then(|v| v.as_str())
            .unwrap_or(english)
            .to_string()
    };
    let (mentioned_in, other_pages) = (
        word("mentioned_in", "Mentioned in"),
        word("other_pages", "other pages"),
    );
    let slot = |j: usize| targets.binary_search(&j).ok();
    let mut out: Vec<(usize, Vec<Backlink>)> = targets
        .iter()
        .map(|&j| (j, site.pages[j].referrers.clone()))
        .collect();
    let mut mentions: Vec<Vec<Backlink>> = vec![Vec::new(); targets.len()];
    // A page mentioned by thousands (a glossary entry every page links
    // to) must not cost a scan of its list per mention: the last page
    // that mentioned each target, and the URLs of its typed referrers.
    let mut last_from: Vec<usize> = vec![usize::MAX; targets.len()];
    let referred: Vec<std::collections::HashSet<&str>> = out
        .iter()
        .map(|(_, list)| list.iter().map(|b| b.url.as_str()).collect())
        .collect();
    for (i, body) in parts.iter().map(|p| &p.body).enumerate() {
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
            if last_from[k] == i || referred[k].contains(url.as_str()) {
                continue;
            }
            last_from[k] = i;
            let (collection, collection_title) =
                match from.collection().and_then(|c| config.collection(c)) {
                    Some(c) if matches!(from.kind, PageKind::Entry(_)) => {
                        (c.name.clone(), c.title.clone())
                    }
                    _ => (String::new(), other_pages.clone()),
                };
            mentions[k].push(Backlink {
                title: from.title.clone(),
                url: url.clone(),
                slug: from.slug.clone(),
                collection,
                collection_title,
                field: mentioned_in.clone(),
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

/// Checks the internal links of the scanned pages (all of them, or those at
/// `only`), catching broken links written by templates and shortcodes as
/// well as by Markdown.
pub(super) fn check_rendered_links(
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
    let mut memo = match only {
        Some(_) => crate::check::links::Memo::default(),
        None => crate::check::links::absolute_problems(&cache.outputs, &cache.scans, base),
    };
    // In a language's folder, links that leave it (the theme's files, the
    // default language's pages a link falls back to, other languages) are
    // checked against the whole site.
    if cache.alternates.langs.len() > 1 {
        let root = &site.config.root_path;
        let others: Vec<String> = cache.alternates.langs[1..]
            .iter()
            .map(|l| format!("{root}{}/", l.code))
            .collect();
        let leaves = |link: &str| {
            link.starts_with(root.as_str())
                && if site.config.lang_prefix.is_empty() {
                    others.iter().any(|o| link.starts_with(o.as_str()))
                } else {
                    !link.starts_with(base.as_str())
                }
        };
        let none = HashMap::new();
        for rel in &rels {
            for link in &cache.scans[*rel].links {
                if leaves(link) && !memo.get(link).is_some_and(Option::is_none) {
                    let problem = crate::check::links::link_problem(
                        link,
                        "",
                        &cache.root_outputs,
                        &none,
                        root,
                    );
                    memo.insert(link.clone(), problem);
                }
            }
        }
    }
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
pub(super) fn plain_links_at_their_place(
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
    let mut found: Vec<(usize, String, String)> = Vec::new();
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
                    .map(|p| site.config.url(p))
                    .collect::<Vec<String>>()
            });
            // Suggestions only where the problem is shown.
            let known: &[String] = if found.len() < SHOWN_PER_FILE {
                known
            } else {
                &[]
            };
            let (suggestion, hint) = plain_link_hint(&site.config.base_path, known, dest);
            if let Some(s) = suggestion {
                msg.push_str(&format!(" (did you mean `{s}`?)"));
            }
            found.push((*offset, msg, hint));
        }
    }
    // In the order of the text: one pass over it for every position.
    found.sort_by_key(|(offset, _, _)| *offset);
    let mut at = Cursor::new(&text);
    for (offset, msg, hint) in found {
        ds.push(body_error(page, &mut at, offset, msg).with_hint(hint));
    }
    rest
}

/// A suggestion for a broken plain link (the nearest of the page URLs
/// `known`) and a hint.
pub(super) fn plain_link_hint(
    base: &str,
    known: &[String],
    dest: &str,
) -> (Option<String>, String) {
    let path = dest.split('#').next().unwrap_or_default();
    let hint = "link to pages by their file, `[text](@/COLLECTION/PAGE.md)`, so that the link follows the page if its URL changes".to_string();
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
