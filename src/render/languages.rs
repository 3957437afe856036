//! Rendering a site in several languages: every language is its own
//! [`Site`] rendered with its own [`RenderCache`] into its folder
//! (`/de/...`, through [`Prefixed`]); what ties them together is worked
//! out here once every language has planned its pages: which pages
//! translate which ([`Alternates`]: the language switcher, `hreflang`
//! links and the sitemap's alternates), and every output path of the site
//! for the link check of a language's pages.

use std::collections::{HashMap, HashSet};

use serde::Serialize;

use super::RenderCache;
use super::jobs::Job;
use crate::output::{OutputFile, Sink};
use crate::publish::SitemapEntry;
use crate::site::Site;

/// A sink that puts every file in a language's folder (`de/`).
pub(super) struct Prefixed<'a> {
    pub(super) inner: &'a dyn Sink,
    pub(super) prefix: &'a str,
}

impl Sink for Prefixed<'_> {
    fn put(&self, mut file: OutputFile) -> std::io::Result<Option<OutputFile>> {
        file.rel = format!("{}{}", self.prefix, file.rel);
        self.inner.put(file)
    }
}

/// One language of the site, as templates see it (`languages`).
#[derive(Debug, Clone, Serialize)]
pub(crate) struct LangCtx {
    /// Its code.
    pub code: String,
    /// Its name in itself (`Deutsch`).
    pub name: String,
    /// Its home page, root-relative.
    pub url: String,
    /// Its home page, absolute.
    pub permalink: String,
}

/// A page in one language, as templates see it (`page.translations`):
/// the page itself, or its translation, or (when the language has none)
/// that language's home.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Translation {
    /// The language's code.
    pub lang: String,
    /// The language's name in itself.
    pub name: String,
    /// Root-relative URL of the translation (else of the language's home).
    pub url: String,
    /// Absolute URL of the same.
    pub permalink: String,
    /// Whether this is the page being rendered.
    pub current: bool,
    /// Whether the language has this page (else `url` is its home).
    pub exists: bool,
}

/// Which pages of the languages translate which.
#[derive(Debug, Default)]
pub(crate) struct Alternates {
    /// Every language, the default first.
    pub langs: Vec<LangCtx>,
    /// Root-relative and absolute base of each language (`/de/`).
    bases: Vec<(String, String)>,
    /// A page's key -> its output path (within its language's folder) in
    /// each language that has it.
    by_key: HashMap<String, Vec<Option<String>>>,
    /// Every page of every language for the sitemap, with its alternates.
    pub sitemap: Vec<SitemapEntry>,
    /// Every page path of every language, root-relative (`de/roles/pm/index.html`).
    pub pages: HashSet<String>,
}

/// What makes pages in two languages one page: a content page's place in
/// the sites (they line up), else the output path within the language.
fn key(job: &Job, rel: &str) -> Option<String> {
    match job {
        Job::Page(i) => Some(format!("#{i}")),
        Job::Alias(_) | Job::NotFound => None,
        _ => Some(rel.to_string()),
    }
}

/// The page path of an output (`roles/pm/index.html` -> `roles/pm/`).
fn page_path(rel: &str) -> &str {
    rel.strip_suffix("index.html").unwrap_or(rel)
}

impl Alternates {
    /// Works out the alternates of every planned page of `sites` (the
    /// default first) from their caches.
    pub(super) fn new(sites: &[&Site], caches: &[&RenderCache]) -> Alternates {
        let n = sites.len();
        let mut a = Alternates::default();
        for (site, cache) in sites.iter().zip(caches) {
            let c = &site.config;
            a.langs.push(LangCtx {
                code: c.language.clone(),
                name: super::i18n::language_name(c, &c.language),
                url: c.base_path.clone(),
                permalink: c.base_url.clone(),
            });
            a.bases.push((c.base_path.clone(), c.base_url.clone()));
            let _ = cache;
        }
        for (l, cache) in caches.iter().enumerate() {
            let prefix = &sites[l].config.lang_prefix;
            for (job, _, rel) in &cache.jobs {
                a.pages.insert(format!("{prefix}{rel}"));
                if let Some(k) = key(job, rel) {
                    a.by_key.entry(k).or_insert_with(|| vec![None; n])[l] = Some(rel.clone());
                }
            }
        }
        for (l, (site, cache)) in sites.iter().zip(caches).enumerate() {
            for (job, _, rel) in &cache.jobs {
                if matches!(job, Job::Alias(_) | Job::NotFound | Job::Search) {
                    continue;
                }
                let lastmod = super::jobs::lastmod(site, job);
                let alternates = a
                    .for_job(l, job, rel)
                    .into_iter()
                    .filter(|t| t.exists)
                    .map(|t| (t.lang, t.permalink))
                    .collect::<Vec<_>>();
                let alternates = with_default(alternates, &a.langs[0].code);
                a.sitemap.push(SitemapEntry {
                    loc: format!("{}{}", a.bases[l].1, page_path(rel)),
                    lastmod,
                    alternates,
                });
            }
        }
        a.sitemap.sort_by(|x, y| x.loc.cmp(&y.loc));
        a
    }

    /// The page of `job` at `rel` in language `l`, in every language; empty
    /// for a site in one language.
    pub(crate) fn for_job(&self, l: usize, job: &Job, rel: &str) -> Vec<Translation> {
        if self.langs.len() < 2 {
            return Vec::new();
        }
        let found = key(job, rel).and_then(|k| self.by_key.get(&k));
        self.langs
            .iter()
            .enumerate()
            .map(|(k, lang)| {
                let there = found.and_then(|f| f[k].as_deref());
                let (url, permalink) = match there {
                    Some(r) => (
                        format!("{}{}", self.bases[k].0, page_path(r)),
                        format!("{}{}", self.bases[k].1, page_path(r)),
                    ),
                    None => (lang.url.clone(), lang.permalink.clone()),
                };
                Translation {
                    lang: lang.code.clone(),
                    name: lang.name.clone(),
                    url,
                    permalink,
                    current: k == l,
                    exists: there.is_some(),
                }
            })
            .collect()
    }
}

/// The `hreflang` alternates of a page with `x-default` (the default
/// language's page) when the page has more than one language.
fn with_default(alternates: Vec<(String, String)>, default: &str) -> Vec<(String, String)> {
    if alternates.len() < 2 {
        return Vec::new();
    }
    let x = alternates
        .iter()
        .find(|(l, _)| l == default)
        .map(|(_, u)| ("x-default".to_string(), u.clone()));
    alternates.into_iter().chain(x).collect()
}
