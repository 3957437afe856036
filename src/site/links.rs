//! Who links where: the lookup tables of `@/` links and wikilinks, and the
//! typed backlinks (entries that refer to a page through a field).

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use serde::Serialize;

use super::fields::{EntryIndex, FieldValue, TypedFields};
use crate::config::Config;
use crate::content::{self, Page, PageKind};

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
    /// The keys (source, path, slug) of the pages among the drafts that are
    /// scheduled for later rather than drafts, for the message.
    pub scheduled: HashSet<String>,
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
    /// Records `pages` (left out with the drafts) as scheduled for later.
    pub(crate) fn mark_scheduled<'p>(&mut self, pages: impl Iterator<Item = &'p Page>) {
        for p in pages {
            let rel = p.source.strip_prefix("content").unwrap_or(&p.source);
            self.scheduled.insert(source_key(rel));
            self.scheduled
                .insert(p.path.trim_end_matches('/').to_string());
            self.scheduled.insert(p.slug.clone());
        }
    }

    pub(crate) fn new(
        pages: &[Page],
        drafts: &[Page],
        failed: &[(PathBuf, content::Route)],
    ) -> Self {
        let source_key =
            |p: &Page| source_key(p.source.strip_prefix("content").unwrap_or(&p.source));
        let mut ix = LinkIndex::default();
        for (i, p) in pages.iter().enumerate() {
            ix.by_source.insert(source_key(p), i);
            // A translation answers to its original's path too: `@/` links
            // resolve within the page's language.
            if let Some(o) = &p.original {
                ix.by_source
                    .insert(self::source_key(o.strip_prefix("content").unwrap_or(o)), i);
            }
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

pub(crate) fn backlinks(
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
