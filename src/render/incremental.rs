//! Re-rendering after edits that changed only Markdown bodies: only the
//! edited pages and the pages whose backlinks change are rendered again.
//!
//! A re-render replaces whole records (a page, a page's [`PageParts`]),
//! keeping each replaced one in [`Replaced`]; a re-render that fails puts
//! them all back in one step, so the site and the cache are as they were.

use std::collections::{BTreeSet, HashMap, HashSet};

use rayon::prelude::*;

use super::bodies::{Failed, MetBy, once_per_place, render_body};
use super::jobs::{Job, job_source, render_job};
use super::links::{check_fragments, check_rendered_links, merge_backlinks_for};
use super::outputs::{atom_file, search_doc};
use super::{PageParts, RenderCache, Shared};
use crate::check::links::PageScan;
use crate::content::{Page, PageKind};
use crate::diagnostics::{Diagnostics, timed};
use crate::output::{Data, OutputFile};
use crate::site::Site;

/// What a re-render replaced, to put back if it fails.
#[derive(Default)]
struct Replaced {
    /// Pages, by index, as they were.
    pages: Vec<(usize, Page)>,
    /// Page parts, by index, as they were (each kept once).
    parts: Vec<(usize, PageParts)>,
    /// The links reported at their place, as they were.
    reported: Option<HashSet<(String, String)>>,
    /// Link-check data by output path, as it was (`None`: none then).
    scans: Vec<(String, Option<PageScan>)>,
    /// Output paths added (image copies shown for the first time).
    outputs: Vec<String>,
}

impl Replaced {
    /// Puts `page` in the place of page `i`.
    fn page(&mut self, site: &mut Site, i: usize, page: Page) {
        self.pages
            .push((i, std::mem::replace(&mut site.pages[i].page, page)));
    }

    /// Changes the parts of page `i`, keeping them as they were first.
    fn parts(&mut self, cache: &mut RenderCache, i: usize, change: impl FnOnce(&mut PageParts)) {
        if !self.parts.iter().any(|(k, _)| *k == i) {
            self.parts.push((i, cache.pages[i].clone()));
        }
        change(&mut cache.pages[i]);
    }

    /// Puts back everything replaced.
    fn restore(self, site: &mut Site, cache: &mut RenderCache) {
        for (i, page) in self.pages {
            site.pages[i].page = page;
        }
        for (i, parts) in self.parts {
            cache.pages[i] = parts;
        }
        if let Some(r) = self.reported {
            cache.reported = r;
        }
        for rel in self.outputs {
            cache.outputs.remove(&rel);
        }
        for (rel, old) in self.scans.into_iter().rev() {
            match old {
                Some(s) => cache.scans.insert(rel, s),
                None => cache.scans.remove(&rel),
            };
        }
    }
}

/// Re-renders after edits that changed only the Markdown bodies of some
/// pages (their front-matter is byte for byte the same), so every typed
/// value, title, URL and collection listing is unchanged. Only the edited
/// pages and the pages whose backlinks change are rendered again; links
/// are checked on those, and everywhere if a page's heading ids changed.
/// Returns the re-rendered files and the removed output paths. On error,
/// `site` and `cache` are left as they were.
pub fn rerender_bodies(
    site: &mut Site,
    cache: &mut RenderCache,
    edits: Vec<(usize, Page)>,
) -> Result<(Vec<OutputFile>, Vec<String>, Diagnostics), Diagnostics> {
    let mut replaced = Replaced::default();
    let edited: Vec<usize> = edits.iter().map(|(i, _)| *i).collect();
    match rerender(site, cache, edits, &mut replaced) {
        Ok((files, ds)) => {
            let (files, removed) = update_search(site, cache, &edited, files);
            Ok((files, removed, ds))
        }
        Err(ds) => {
            replaced.restore(site, cache);
            Err(ds)
        }
    }
}

/// The steps of [`rerender_bodies`] that can fail; every change to `site`
/// and `cache` goes through `replaced`.
fn rerender(
    site: &mut Site,
    cache: &mut RenderCache,
    edits: Vec<(usize, Page)>,
    replaced: &mut Replaced,
) -> Result<(Vec<OutputFile>, Diagnostics), Diagnostics> {
    let mut ds = Diagnostics::new();
    let edited: Vec<usize> = edits.iter().map(|(i, _)| *i).collect();
    for (i, mut page) in edits {
        crate::site::settle(&mut page, &site.config, &site.git_days);
        replaced.page(site, i, page);
    }
    let mut bodies = Vec::with_capacity(edited.len());
    {
        let sh = Shared { site, c: cache };
        let mut in_templates = Vec::new();
        for &i in &edited {
            let (body, errors, templates) = render_body(&sh, &site.pages[i], sh.c.first_pass());
            ds.extend(errors);
            in_templates.extend(templates);
            bodies.push((i, body));
        }
        ds.extend(once_per_place(in_templates, MetBy::Calls));
    }
    if ds.has_errors() {
        return Err(ds);
    }
    // Only pages an edited body linked to, before or after, can gain or
    // lose a backlink.
    let mut targets: Vec<usize> = Vec::new();
    // Entries whose collection pages show something new: a collection
    // page shows each entry's first paragraph, and a FAQ's carries every
    // answer in its JSON-LD; the rest of its listing is front matter.
    let mut listed: Vec<usize> = Vec::new();
    for (i, body) in bodies {
        let old = &cache.pages[i].body;
        targets.extend(old.links.iter().chain(&body.links).filter_map(|l| l.page));
        let faq = site.pages[i]
            .collection()
            .is_some_and(|c| super::jobs::config_is_faq(site, c));
        if old.summary != body.summary || (faq && old.text != body.text) {
            listed.push(i);
        }
        replaced.parts(cache, i, |p| p.body = body);
    }
    targets.sort_unstable();
    targets.dedup();
    let reported = timed("incremental: fragments", || {
        check_fragments(site, &cache.pages, &mut ds)
    });
    replaced.reported = Some(std::mem::replace(&mut cache.reported, reported));
    if ds.has_errors() {
        return Err(ds);
    }
    let backlinks = timed("incremental: backlinks", || {
        merge_backlinks_for(site, &cache.pages, &targets, &cache.templates.words)
    });
    let mut affected: BTreeSet<usize> = edited.iter().copied().collect();
    for (j, list) in backlinks {
        if cache.pages[j].backlinks != list {
            affected.insert(j);
            replaced.parts(cache, j, |p| p.backlinks = list);
        }
    }
    let jobs = jobs_to_render(site, cache, &listed, &affected);
    let files = render_again(site, cache, &jobs, &mut ds);
    if ds.has_errors() {
        return Err(ds);
    }
    let mut ids_changed = false;
    for f in files.iter().filter(|f| f.rel.ends_with(".html")) {
        if let Data::Bytes(b) = &f.data {
            let scan = crate::check::links::scan(std::str::from_utf8(b).unwrap_or_default());
            let old = cache.scans.insert(f.rel.clone(), scan);
            ids_changed |= old
                .as_ref()
                .is_none_or(|o| o.ids != cache.scans[&f.rel].ids);
            replaced.scans.push((f.rel.clone(), old));
        }
    }
    let only: Option<Vec<String>> =
        (!ids_changed).then(|| files.iter().map(|f| f.rel.clone()).collect());
    // Images an edited body shows for the first time (made while it
    // rendered, or in the background since): outputs the links may name.
    // Those shown before are written already.
    let mut files = files;
    for f in cache.images.outputs() {
        if cache.outputs.insert(f.rel.clone()) {
            replaced.outputs.push(f.rel.clone());
            files.push(f);
        }
    }
    timed("incremental: check links", || {
        check_rendered_links(site, cache, only.as_deref(), &mut ds)
    });
    if ds.has_errors() {
        return Err(ds);
    }
    Ok((files, ds))
}

/// The jobs of the `affected` pages, and of the collection pages of the
/// `listed` entries (a collection page shows each entry's first paragraph
/// as `summary`, and a FAQ collection page carries every answer in its
/// JSON-LD).
fn jobs_to_render(
    site: &Site,
    cache: &RenderCache,
    listed: &[usize],
    affected: &BTreeSet<usize>,
) -> BTreeSet<usize> {
    let job_of: HashMap<usize, usize> = cache
        .jobs
        .iter()
        .enumerate()
        .filter_map(|(n, (job, _, _))| match job {
            Job::Page(i) => Some((*i, n)),
            _ => None,
        })
        .collect();
    let mut jobs: BTreeSet<usize> = affected
        .iter()
        .filter_map(|i| job_of.get(i).copied())
        .collect();
    for &i in listed {
        let Some(name) = site.pages[i].collection() else {
            continue;
        };
        for (n, (job, _, _)) in cache.jobs.iter().enumerate() {
            let is_page = match job {
                Job::Collection(c) | Job::CollectionPage { name: c, .. } => c == name,
                Job::Page(k) => site.pages[*k].kind == PageKind::Collection(name.to_string()),
                _ => false,
            };
            if is_page {
                jobs.insert(n);
            }
        }
    }
    jobs
}

/// Renders the jobs `jobs` again, and the feed (its summaries may come
/// from first paragraphs); failures go to `ds`.
fn render_again(
    site: &Site,
    cache: &RenderCache,
    jobs: &BTreeSet<usize>,
    ds: &mut Diagnostics,
) -> Vec<OutputFile> {
    let sh = Shared { site, c: cache };
    let is_collection = |n: usize| match &cache.jobs[n].0 {
        Job::Collection(_) | Job::CollectionPage { .. } => true,
        Job::Page(k) => matches!(site.pages[*k].kind, PageKind::Collection(_)),
        _ => false,
    };
    // The listings follow the front matter, which is as it was: those of
    // the last full render serve.
    let listings: &[tera::Value] = if jobs.iter().any(|&n| is_collection(n)) {
        &cache.listings
    } else {
        &[]
    };
    let rendered: Vec<Result<(OutputFile, Option<OutputFile>), Failed>> = jobs
        .par_iter()
        .map(|&n| {
            let (job, template, rel) = &cache.jobs[n];
            render_job(&sh, listings, job, template, rel)
                .map_err(|d| Box::new((d, job_source(site, job))))
        })
        .collect();
    let mut files = Vec::with_capacity(rendered.len() + 1);
    let mut failures = Vec::new();
    for r in rendered {
        match r {
            Ok((f, card)) => {
                files.push(f);
                files.extend(card);
            }
            Err(failed) => failures.push(failed),
        }
    }
    files.push(atom_file(&sh));
    ds.extend(once_per_place(failures, MetBy::Pages));
    files
}

/// Updates the search documents of the `edited` pages (after a successful
/// re-render); returns the files with the changed index files and the
/// index files no longer written.
fn update_search(
    site: &Site,
    cache: &mut RenderCache,
    edited: &[usize],
    mut files: Vec<OutputFile>,
) -> (Vec<OutputFile>, Vec<String>) {
    let mut removed = Vec::new();
    let docs: Vec<(usize, crate::search::DocInput)> = {
        let sh = Shared { site, c: cache };
        match &cache.search {
            Some((_, doc_of)) => edited
                .iter()
                .filter_map(|i| doc_of.get(i).map(|&d| (d, search_doc(&sh, *i))))
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
    (files, removed)
}
