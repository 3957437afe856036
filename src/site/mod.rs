//! The checked model of a site: pages with their typed fields, references
//! between entries, links, backlinks, tags, aliases and comparisons.
//!
//! [`Site::load`] reads `site.toml` and every content file and checks
//! them; every problem found is kept in [`Site::diagnostics`] so that the
//! render can add its own and one run reports every mistake.

pub(crate) mod compare;
pub mod data;
pub(crate) mod fields;
mod glossary;
mod ladders;
mod languages;
mod links;
mod tags;
pub mod taxonomy;

pub(crate) use glossary::names_of;
pub use ladders::{LadderNode, find_cycle, ladder_nodes};
pub use links::{Backlink, LinkIndex, source_key};
pub use tags::{TagInfo, alias_path};

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::config::Config;
use crate::content::{self, Asset, Page, PageKind};
use crate::diagnostics::{Diagnostic, Diagnostics, timed};
use fields::{EntryIndex, TypedFields};

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
    /// Publish pages dated after the reference date too.
    pub future: bool,
    /// The reference date (`YYYY-MM-DD`) for scheduled pages; today (UTC)
    /// when unset.
    pub as_of: Option<String>,
    /// Write into a non-empty folder cairn did not create.
    pub force: bool,
    /// List the pages each language has not translated (`cairn check`).
    pub missing_translations: bool,
}

/// (collection, slug) of entries.
type EntryKeys = HashSet<(String, String)>;

/// Scheduled publication: a page dated after the reference date (today,
/// UTC, or `--as-of`) is left out like a draft, unless `--future`.
struct Schedule {
    as_of: String,
    future: bool,
}

impl Schedule {
    fn new(opts: &BuildOptions) -> Self {
        Schedule {
            as_of: opts.as_of.clone().unwrap_or_else(content::today),
            future: opts.future,
        }
    }

    /// Whether page `p` waits for a later day.
    fn holds(&self, p: &Page) -> bool {
        !self.future
            && p.date
                .as_ref()
                .is_some_and(|d| d.0.get(..10).unwrap_or(&d.0) > self.as_of.as_str())
    }

    /// The scheduled pages among `pages`: (source, day) sorted by day, and
    /// the (collection, slug) of the entries among them.
    fn list(&self, pages: &[Page]) -> (Vec<(PathBuf, String)>, EntryKeys) {
        let mut listed = Vec::new();
        let mut entries = HashSet::new();
        for p in pages.iter().filter(|p| self.holds(p)) {
            let day = p.date.as_ref().map(|d| d.0.chars().take(10).collect());
            listed.push((p.source.clone(), day.unwrap_or_default()));
            if let PageKind::Entry(c) = &p.kind {
                entries.insert((c.clone(), p.slug.clone()));
            }
        }
        listed.sort_by(|a: &(PathBuf, String), b| a.1.cmp(&b.1).then_with(|| a.0.cmp(&b.0)));
        (listed, entries)
    }
}

/// A loaded, checked site.
#[derive(Debug)]
pub struct Site {
    /// The resolved site.toml.
    pub config: Config,
    /// Published pages (drafts removed unless asked for), sorted by
    /// source, each with what checking derived from it.
    pub pages: Vec<SitePage>,
    /// Content files copied as they are.
    pub assets: Vec<Asset>,
    /// Published entries by collection and slug.
    pub index: EntryIndex,
    /// The `[[comparisons]]` whose items all exist.
    pub comparisons: Vec<compare::Comparison>,
    /// Lookup tables for internal links.
    pub links: LinkIndex,
    /// Every tag, by slug.
    pub tags: Vec<TagInfo>,
    /// Redirect pages: (output path, page they lead to).
    pub aliases: Vec<(String, usize)>,
    /// Last-commit days of the sources, when `updated_from_git` is set.
    pub git_days: HashMap<PathBuf, content::Date>,
    /// Everything found while loading: warnings, and errors that do not
    /// stop the rest of the site from being checked (a render reports its
    /// own problems too, so that one run shows every mistake).
    pub diagnostics: Diagnostics,
    /// Whether any page has an embed (`![[...]]`): then a save rebuilds in
    /// full (see `live::session`).
    pub has_embeds: bool,
    /// The glossary for auto-links (`autolink = true` collections).
    pub glossary: Option<crate::markdown::glossary::Glossary>,
    /// Pages left out because their `date` is after the reference date:
    /// (source, date), sorted by date.
    pub scheduled: Vec<(PathBuf, String)>,
    /// The data files under `data/`.
    pub data: data::DataSet,
    /// The `taxonomy = true` fields and their terms.
    pub taxonomies: Vec<taxonomy::Taxonomy>,
    /// The site of every other language (`[languages.CODE]`), in
    /// declaration order; empty in those sites themselves.
    pub languages: Vec<Site>,
}

/// One published page and what checking derived from it: its typed fields
/// and the entries that refer to it. It reads as the [`Page`] it holds
/// (`site.pages[i].title`); an incremental re-render replaces the page
/// alone, since a body edit changes neither.
#[derive(Debug)]
pub struct SitePage {
    /// The page as loaded.
    pub page: Page,
    /// Its checked typed fields (empty for pages outside collections).
    pub fields: TypedFields,
    /// The entries that refer to it through a typed field, in collection,
    /// field and title order.
    pub referrers: Vec<Backlink>,
    /// In the site of a language besides the default: a page of the
    /// default language that has no translation, there for links and
    /// references to fall back to, never rendered in this language.
    pub foreign: bool,
}

impl SitePage {
    /// What previews, term pages and the export show as an entry's
    /// summary: its `description`, else its `summary` field.
    pub fn summary_text(&self) -> Option<&str> {
        self.page.description.as_deref().or_else(|| {
            self.fields.iter().find_map(|(k, v)| match (k.as_str(), v) {
                ("summary", fields::FieldValue::String(s) | fields::FieldValue::Text(s)) => {
                    Some(s.as_str())
                }
                _ => None,
            })
        })
    }
}

impl std::ops::Deref for SitePage {
    type Target = Page;
    fn deref(&self) -> &Page {
        &self.page
    }
}

impl Site {
    /// Loads and checks the site at `opts.root`.
    pub fn load(opts: &BuildOptions) -> Result<Site, Diagnostics> {
        let config = timed("config", || config_for(opts))?;
        Site::load_with(opts, config)
    }

    /// Loads and checks the site whose site.toml is already read. Only
    /// site.toml errors stop here; every other problem is recorded in
    /// [`Site::diagnostics`] and the rest of the site is still checked, so
    /// that one run reports every mistake (a page whose front-matter cannot
    /// be read is left out, and links and references to it are not errors).
    pub fn load_with(opts: &BuildOptions, mut config: Config) -> Result<Site, Diagnostics> {
        config.output_dir = output_dir(opts, &config);
        // One `git log` for the whole site, while the content is read.
        let git = config.updated_from_git.then(|| {
            let root = config.root.clone();
            std::thread::spawn(move || content::git::last_commit_days(&root))
        });
        let (mut loaded, mut ds) = timed("load content", || content::load(&config));
        let translations: Vec<Page>;
        (translations, loaded.pages) = loaded.pages.into_iter().partition(|p| p.lang.is_some());
        let git_days = joined_git_days(git, &mut ds);
        let schedule = Schedule::new(opts);
        let is_scheduled = |p: &Page| schedule.holds(p);
        let unpublished = |p: &Page| (p.draft && !opts.drafts) || is_scheduled(p);
        let (scheduled, scheduled_entries) = schedule.list(&loaded.pages);
        let drafts: HashSet<(String, String)> = loaded
            .pages
            .iter()
            .filter(|p| unpublished(p))
            .filter_map(|p| match &p.kind {
                PageKind::Entry(c) => Some((c.clone(), p.slug.clone())),
                _ => None,
            })
            .collect();
        let failed_entries: HashSet<(String, String)> = loaded
            .failed
            .iter()
            .filter_map(|(_, r)| match &r.kind {
                PageKind::Entry(c) => Some((c.clone(), r.slug.clone())),
                _ => None,
            })
            .collect();
        let (mut pages, drafted): (Vec<Page>, Vec<Page>) =
            loaded.pages.into_iter().partition(|p| !unpublished(p));
        for p in &mut pages {
            settle(p, &config, &git_days);
        }
        check_paths(&pages, &mut ds);
        check_page_images(&pages, &config, &mut ds);
        let typed: Vec<TypedFields> = timed("validate", || {
            let results: Vec<_> = pages
                .par_iter()
                .map(|p| fields::check_page(p, &config))
                .collect();
            results
                .into_iter()
                .map(|(typed, errors)| {
                    ds.extend(errors);
                    typed
                })
                .collect()
        });
        let index = EntryIndex::new(&pages, drafts)
            .with_failed(failed_entries)
            .with_scheduled(scheduled_entries);
        timed("refs", || {
            fields::check_refs(&pages, &typed, &config, &index, &mut ds)
        });
        ladders::check_ladders(&config, &pages, &typed, &mut ds);
        let (data, data_errors) = timed("data", || data::load(&config));
        ds.extend(data_errors);
        for f in &data.files {
            for (to, slug, pos) in &f.refs {
                if index.get(to, slug).is_none() {
                    ds.push(
                        Diagnostic::error_at(&f.source, pos.line, pos.col, index.missing(to, slug))
                            .with_source(&f.text),
                    );
                }
            }
        }
        let comparisons = compare::resolve(&config, &index, &mut ds);
        let referrers = timed("typed backlinks", || {
            links::backlinks(&config, &pages, &typed, &index)
        });
        let mut links = timed("link index", || {
            LinkIndex::new(&pages, &drafted, &loaded.failed)
        });
        links.mark_scheduled(drafted.iter().filter(|p| is_scheduled(p)));
        let glossary = glossary::build(&config, &pages, &mut ds);
        let pages_have_embeds = pages.iter().any(|p| p.text.contains("![["));
        let tags = tags::collect_tags(&pages, &mut ds);
        let taxonomies = taxonomy::build(&config, &pages, &typed);
        let aliases = tags::collect_aliases(&pages, &mut ds);
        let pages = pages
            .into_iter()
            .zip(typed)
            .zip(referrers)
            .map(|((page, fields), referrers)| SitePage {
                page,
                fields,
                referrers,
                foreign: false,
            })
            .collect();
        let mut site = Site {
            config,
            pages,
            assets: loaded.assets,
            index,
            comparisons,
            links,
            tags,
            aliases,
            git_days,
            diagnostics: ds,
            has_embeds: pages_have_embeds,
            glossary,
            scheduled,
            data,
            taxonomies,
            languages: Vec::new(),
        };
        site.add_languages(translations, opts);
        Ok(site)
    }

    /// Builds the site of every other language from its translations
    /// (see [`languages`]); their problems join this site's, and each
    /// language's missing translations are one warning.
    fn add_languages(&mut self, translations: Vec<Page>, opts: &BuildOptions) {
        if !self.config.is_multilingual() {
            return;
        }
        let mut ds = Diagnostics::new();
        self.languages = timed("languages", || {
            languages::build(self, translations, opts, &mut ds)
        });
        if opts.missing_translations {
            for l in &self.languages {
                ds.extend(languages::missing(self, l));
            }
        }
        self.diagnostics.extend(ds.sorted());
    }

    /// This site and the site of every other language, the default first.
    pub fn all_languages(&self) -> impl Iterator<Item = &Site> {
        std::iter::once(self).chain(self.languages.iter())
    }

    /// Whether loading found errors (rendering still runs, to report its
    /// own, but nothing is written).
    pub fn has_errors(&self) -> bool {
        self.diagnostics.has_errors()
    }
}

/// The last-commit days `git log` found (on its thread), or none, with a
/// warning when git could not tell.
type GitDays = HashMap<PathBuf, content::Date>;

fn joined_git_days(
    git: Option<std::thread::JoinHandle<Result<GitDays, String>>>,
    ds: &mut Diagnostics,
) -> GitDays {
    match git.map(|t| t.join()) {
        None => HashMap::new(),
        Some(Ok(Ok(days))) => days,
        Some(Ok(Err(why))) => {
            ds.push(
                Diagnostic::error(
                    crate::config::CONFIG_FILE,
                    format!(
                        "`updated_from_git` is set, but {why}; pages without `updated` show no date"
                    ),
                )
                .warning(),
            );
            HashMap::new()
        }
        Some(Err(_)) => HashMap::new(),
    }
}

/// What a loaded page takes from the site: its URLs under the base URL,
/// and its file's last-commit day when it has no `updated` of its own.
pub(crate) fn settle(page: &mut Page, config: &Config, git_days: &HashMap<PathBuf, content::Date>) {
    page.set_base(&config.base_path, &config.base_url);
    if page.updated.is_none() {
        page.updated = git_days.get(&page.source).cloned();
    }
}

pub(crate) fn config_for(opts: &BuildOptions) -> Result<Config, Diagnostics> {
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
/// Every page's `image` names an image file of the site (or is a URL).
fn check_page_images(pages: &[Page], config: &Config, ds: &mut Diagnostics) {
    for p in pages {
        let Some(src) = &p.image else { continue };
        if crate::markdown::is_remote(src) {
            continue;
        }
        let dir = source_dir(&p.source);
        let found = find_image(&config.root, &config.root_path, src, &dir).and_then(|(_, rel)| {
            match rel.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()) {
                Some(e) if ["jpg", "jpeg", "png", "webp", "gif"].contains(&e.as_str()) => Ok(()),
                _ => Err(format!(
                    "`image` must be a .jpg, .png, .webp or .gif file (link previews show no SVG), got `{src}`"
                )),
            }
        });
        if let Err(msg) = found {
            ds.push(p.error_at(p.positions().value("image"), msg));
        }
    }
}

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

/// The output folder of a build: `--output` (relative to the current
/// folder) or `output_dir` of site.toml (relative to the root).
pub(crate) fn output_dir(opts: &BuildOptions, config: &Config) -> PathBuf {
    match &opts.output {
        Some(out) if out.is_absolute() => out.clone(),
        Some(out) => std::env::current_dir().unwrap_or_default().join(out),
        None => config.output_dir.clone(),
    }
}

/// Finds the image file `src` names, for a page in folder `dir` under
/// `content/` of the site at `root` (whose URL path is `root_path`):
/// relative to the page, else under `static/`; a path starting with `/`
/// is under `static/`, else `content/`. Returns the file and its output
/// path (`roles/photo.jpg`), or why it was not found.
pub fn find_image(
    root: &Path,
    root_path: &str,
    src: &str,
    dir: &str,
) -> Result<(PathBuf, String), String> {
    let decoded = crate::check::links::percent_decode(src);
    let (path, _) = decoded.split_once(['?', '#']).unwrap_or((&decoded, ""));
    let bases: Vec<(&str, String)> = match path.strip_prefix('/') {
        Some(abs) => {
            let abs = abs
                .strip_prefix(root_path.trim_start_matches('/'))
                .unwrap_or(abs);
            vec![("static", abs.to_string()), ("content", abs.to_string())]
        }
        None => vec![
            ("content", format!("{dir}/{path}")),
            ("static", path.to_string()),
        ],
    };
    let mut tried = Vec::new();
    for (base, rel) in bases {
        let Some(rel) = normal_rel(&rel) else {
            return Err(format!("image `{src}` climbs above `{base}/`"));
        };
        let abs = root.join(base).join(&rel);
        if abs.is_file() {
            return Ok((abs, rel));
        }
        tried.push(format!("`{base}/{rel}`"));
    }
    Err(format!(
        "missing image `{src}` (looked for {})",
        tried.join(" and ")
    ))
}

/// The folder of a content file under `content/` (`roles` for
/// `content/roles/pm.md`, empty at the top), in normal form C.
pub fn source_dir(source: &Path) -> String {
    let under = source.strip_prefix("content").unwrap_or(source);
    under.parent().map(source_key).unwrap_or_default()
}

/// `a/./b/../c` -> `a/c`; `None` when it climbs above its start.
pub fn normal_rel(path: &str) -> Option<String> {
    let mut parts: Vec<&str> = Vec::new();
    for seg in path.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    Some(parts.join("/"))
}
