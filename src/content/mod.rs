//! Content: finding the Markdown files under `content/`, splitting and
//! parsing their front-matter, checking the built-in keys, and mapping each
//! file to its URL (SPEC.md, "Content").
//!
//! [`parse_page`] works on a string and is what the unit tests use;
//! [`load`] walks the disk and parses every file in parallel, collecting the
//! problems of all files instead of stopping at the first.

mod builtins;
pub mod frontmatter;
pub mod git;
pub(crate) mod slug;
mod translations;
pub mod yaml;

use std::path::{Component, Path, PathBuf};

use rayon::prelude::*;
use serde::Serialize;

use crate::config::Config;
use crate::content::slug::slugify;
use crate::diagnostics::{Diagnostic, Diagnostics};
use builtins::{Builtins, Taken};
pub use translations::translation_of;
use translations::{NO_TITLE, parse_translation};
use yaml::{Positions, Value};

/// The names of the months, January first.
pub const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// Largest content file cairn reads; far above any real page, it bounds
/// memory and time on a runaway file.
pub const MAX_FILE_BYTES: u64 = 8 * 1024 * 1024;

/// What a content file is, by its place under `content/`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase", tag = "kind", content = "collection")]
pub enum PageKind {
    /// `content/_index.md`.
    Home,
    /// `content/<collection>/_index.md`.
    Collection(String),
    /// `content/<collection>/<slug>.md`.
    Entry(String),
    /// Any other file.
    Plain,
}

/// A date from front-matter: `YYYY-MM-DD`, optionally followed by an
/// RFC 3339 time (`T10:00:00Z`). Kept as written, since ISO strings sort
/// chronologically.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Date(pub String);

/// Today's date, `YYYY-MM-DD` (UTC), from the system clock.
pub fn today() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    civil_from_days((secs / 86_400) as i64)
}

/// Days since 1970-01-01 to a calendar date (Howard Hinnant's algorithm).
pub(crate) fn civil_from_days(z: i64) -> String {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

/// Why a date string is not a date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DateError {
    /// What is wrong, to follow "`date` value `...`": `is not a day of
    /// February 2024`.
    pub reason: String,
    /// Whether the shape itself is wrong (not `YYYY-MM-DD...`), so that the
    /// format is worth showing.
    pub bad_shape: bool,
}

impl Date {
    /// Parses and checks a date: `YYYY-MM-DD`, optionally followed by a time
    /// (`T10:00:00`, with `Z` or an offset such as `+02:00`; a space may
    /// stand for the `T`). The calendar and the time are checked by jiff.
    pub fn parse(s: &str) -> Result<Date, DateError> {
        let shape = |reason: &str| DateError {
            reason: reason.to_string(),
            bad_shape: true,
        };
        let b = s.as_bytes();
        let digits = |r: std::ops::Range<usize>| {
            b.get(r.clone())
                .is_some_and(|x| x.iter().all(u8::is_ascii_digit))
        };
        if b.len() < 10
            || !digits(0..4)
            || b[4] != b'-'
            || !digits(5..7)
            || b[7] != b'-'
            || !digits(8..10)
        {
            return Err(shape("is not a date"));
        }
        let num = |r: std::ops::Range<usize>| s[r].parse::<i16>().unwrap_or(0);
        let (y, m, d) = (num(0..4), num(5..7), num(8..10));
        if !(1..=12).contains(&m) {
            return Err(DateError {
                reason: format!("has no month {m:02}: months run from 01 to 12"),
                bad_shape: false,
            });
        }
        if jiff::civil::Date::new(y, m as i8, d as i8).is_err() {
            return Err(DateError {
                reason: format!("is not a day of {} {y}", MONTHS[m as usize - 1]),
                bad_shape: false,
            });
        }
        if b.len() > 10 {
            if b[10] != b'T' && b[10] != b' ' {
                return Err(shape("is not a date: a time must follow a `T`"));
            }
            let t = s.replacen(' ', "T", 1);
            let zoned = t[10..].contains(['Z', 'z', '+']) || t[11..].contains('-');
            let parsed = if zoned {
                t.parse::<jiff::Timestamp>()
                    .map(|_| ())
                    .map_err(|e| e.to_string())
            } else {
                t.parse::<jiff::civil::DateTime>()
                    .map(|_| ())
                    .map_err(|e| e.to_string())
            };
            if let Err(e) = parsed {
                return Err(DateError {
                    reason: format!("is not a date and time ({e})"),
                    bad_shape: true,
                });
            }
        }
        Ok(Date(s.to_string()))
    }

    /// The calendar day, for formatting (a checked date always has one).
    pub fn calendar_day(&self) -> jiff::civil::Date {
        self.day().parse().unwrap_or_default()
    }

    /// The date and time as written, before any offset (`Z`, `+02:00`);
    /// `None` for a date alone.
    pub fn wall_clock(&self) -> Option<jiff::civil::DateTime> {
        let t = self.0.get(10..)?;
        if t.is_empty() {
            return None;
        }
        let end = t[1..].find(['Z', 'z', '+', '-']).map_or(t.len(), |i| i + 1);
        format!("{}T{}", self.day(), &t[1..end]).parse().ok()
    }

    /// The calendar day, `YYYY-MM-DD`.
    pub fn day(&self) -> &str {
        &self.0[..10]
    }
}

/// One parsed content file.
#[derive(Debug, Clone)]
pub struct Page {
    /// Path relative to the site root, e.g. `content/roles/pm.md`.
    pub source: PathBuf,
    /// The whole text of the file (BOM removed), for error snippets; empty
    /// once released (see [`Page::release_text`]).
    pub text: String,
    /// Home, collection page, entry or plain page.
    pub kind: PageKind,
    /// The last URL segment.
    pub slug: String,
    /// Output path relative to the site root, `roles/pm/` (`""` for home).
    pub path: String,
    /// Root-relative URL with the base URL's subpath, `/atlas/roles/pm/`
    /// (set with [`Page::set_base`] once the site's base URL is known).
    pub url: String,
    /// Absolute URL, `https://example.org/atlas/roles/pm/`.
    pub permalink: String,
    /// `title`.
    pub title: String,
    /// `description`.
    pub description: Option<String>,
    /// `date`.
    pub date: Option<Date>,
    /// `updated`.
    pub updated: Option<Date>,
    /// `draft`.
    pub draft: bool,
    /// `weight`.
    pub weight: Option<i64>,
    /// `tags`.
    pub tags: Vec<String>,
    /// `aliases`.
    pub aliases: Vec<String>,
    /// `terms`: more names the glossary links to this entry (synonyms,
    /// abbreviations).
    pub terms: Vec<String>,
    /// `autolink` (default true): whether glossary terms link in this page.
    pub autolink: bool,
    /// `image`: the picture link previews show instead of the page's
    /// share card (a path like an image in the body, or a URL).
    pub image: Option<String>,
    /// `template`.
    pub template: Option<String>,
    /// `extra`, free-form.
    pub extra: Value,
    /// Every other key, in file order, for the collection schema to check.
    pub fields: Vec<(String, Value)>,
    /// Byte offset of the Markdown body in `text`.
    pub body_offset: usize,
    /// 1-based line of the file where the body starts.
    pub body_line: usize,
    /// Where every front-matter key and value is: worked out from `text`
    /// the first time a diagnostic needs it (see [`Page::positions`]).
    positions: std::sync::OnceLock<Positions>,
    /// Set once `text` is released: a hash of the released text, so that
    /// reading the file again can tell whether it changed meanwhile.
    pub released: Option<u64>,
    /// For a translation (`roles/pm.de.md`): its language code.
    pub lang: Option<String>,
    /// For a translation: the source of the page it translates
    /// (`content/roles/pm.md`).
    pub original: Option<PathBuf>,
}

impl Page {
    /// The Markdown body (empty once the text is released).
    pub fn body(&self) -> &str {
        self.text.get(self.body_offset..).unwrap_or_default()
    }

    /// Frees the file's text once a build no longer needs it in memory
    /// (every check that quotes it has run); [`Page::source_text`] reads it
    /// again where it is needed. Later diagnostics carry no source line.
    pub fn release_text(&mut self) {
        if self.released.is_none() {
            self.released = Some(text_hash(&self.text));
            self.text = String::new();
        }
    }

    /// The file's text: kept in memory, or read again from `root` after
    /// [`Page::release_text`], refusing a file that changed meanwhile.
    pub fn source_text(&self, root: &Path) -> Result<std::borrow::Cow<'_, str>, Diagnostic> {
        let Some(hash) = self.released else {
            return Ok(std::borrow::Cow::Borrowed(&self.text));
        };
        let text =
            read_text(&root.join(&self.source), &self.source).map_err(|mut d| d.remove(0))?;
        let text = without_bom(text);
        if text_hash(&text) != hash {
            return Err(Diagnostic::error(
                &self.source,
                "the file changed while the site was being built; build again",
            ));
        }
        Ok(std::borrow::Cow::Owned(text))
    }

    /// Computes [`Page::url`] and [`Page::permalink`] from the site's base
    /// path (`/atlas/`) and base URL (`https://example.org/atlas/`).
    pub fn set_base(&mut self, base_path: &str, base_url: &str) {
        self.url = format!("{base_path}{}", self.path);
        self.permalink = format!("{base_url}{}", self.path);
    }

    /// The collection this page belongs to (entries and collection pages).
    pub fn collection(&self) -> Option<&str> {
        match &self.kind {
            PageKind::Collection(c) | PageKind::Entry(c) => Some(c),
            _ => None,
        }
    }

    /// Where every front-matter key and value is, from the text in memory
    /// (no positions, only the first line, once the text is released).
    pub fn positions(&self) -> &Positions {
        self.positions.get_or_init(|| positions_in(&self.text))
    }

    /// An error at a place in this page's text.
    pub fn error_at(&self, pos: yaml::Pos, message: impl Into<String>) -> Diagnostic {
        self.error_in(&self.text, pos, message)
    }

    /// An error at a place in `text`, this page's text read again after
    /// [`Page::release_text`].
    pub fn error_in(&self, text: &str, pos: yaml::Pos, message: impl Into<String>) -> Diagnostic {
        Diagnostic::error_at(&self.source, pos.line, pos.col, message).with_source(text)
    }
}

/// Where every front-matter key and value of a page's text is.
pub fn positions_in(text: &str) -> Positions {
    match frontmatter::split(text) {
        Ok(split) => yaml::positions(split.yaml, split.yaml_line),
        Err(_) => Positions::starting_at(yaml::Pos { line: 1, col: 1 }),
    }
}

/// A file's text without its byte-order mark.
fn without_bom(text: String) -> String {
    match text.strip_prefix('\u{feff}') {
        Some(t) => t.to_string(),
        None => text,
    }
}

/// A hash of a file's text, to recognise it when read again.
fn text_hash(text: &str) -> u64 {
    // Fixed seeds: the same text hashes the same within and across runs.
    ahash::RandomState::with_seeds(1, 2, 3, 4).hash_one(text)
}

/// Where a content file goes, from its path under `content/`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Route {
    /// What the file is.
    pub kind: PageKind,
    /// The last URL segment.
    pub slug: String,
    /// Output path relative to the site root (`""`, `roles/`, `roles/pm/`).
    pub path: String,
}

/// Maps a path under `content/` (e.g. `roles/pm.md`) to its route. `slug`
/// is the front-matter override of the file stem.
pub fn route(rel: &Path, collections: &[&str], slug: Option<&str>) -> Result<Route, String> {
    let mut parts: Vec<String> = Vec::new();
    for c in rel.components() {
        match c {
            Component::Normal(s) => parts.push(
                s.to_str()
                    .ok_or_else(|| format!("file name `{}` is not valid UTF-8", rel.display()))?
                    .to_string(),
            ),
            _ => return Err(format!("unexpected path `{}`", rel.display())),
        }
    }
    let file = parts.pop().ok_or("empty path")?;
    let stem = file.strip_suffix(".md").unwrap_or(&file);
    let dirs: Vec<String> = parts.iter().map(|d| slugify(d)).collect();
    if dirs.iter().any(String::is_empty) {
        return Err(format!(
            "folder names in `{}` must contain a letter or digit",
            rel.display()
        ));
    }
    let is_index = stem == "_index";
    if is_index && slug.is_some() {
        return Err(
            "`slug` cannot be set on an `_index.md` page; rename its folder instead".into(),
        );
    }
    let slug = match slug {
        Some(s) => s.to_string(),
        None if is_index => dirs.last().cloned().unwrap_or_default(),
        None => {
            let s = slugify(stem);
            if s.is_empty() {
                return Err(format!(
                    "file name `{file}` gives an empty slug; set `slug` or rename the file"
                ));
            }
            s
        }
    };
    if let Some(d) = dirs
        .iter()
        .chain([&slug])
        .find(|d| slug::is_windows_reserved(d))
    {
        return Err(format!(
            "`{}` makes the URL segment `{d}`, a reserved file name on Windows hosts; rename it or set `slug`",
            rel.display()
        ));
    }
    let prefix: String = dirs.iter().map(|d| format!("{d}/")).collect();
    let in_collection = parts.len() == 1 && collections.contains(&parts[0].as_str());
    let (kind, path) = match (is_index, parts.len(), in_collection) {
        (true, 0, _) => (PageKind::Home, String::new()),
        (true, _, true) => (PageKind::Collection(parts[0].clone()), prefix),
        (true, _, false) => (PageKind::Plain, prefix),
        (false, _, true) => (
            PageKind::Entry(parts[0].clone()),
            format!("{prefix}{slug}/"),
        ),
        (false, _, false) => (PageKind::Plain, format!("{prefix}{slug}/")),
    };
    Ok(Route { kind, slug, path })
}

/// Parses one content file's text. `source` is its path relative to the
/// site root (`content/...`), `rel` its path under `content/`. Any problem
/// is an error (see [`parse_page_lenient`] for the build's way).
pub fn parse_page(
    source: &Path,
    rel: &Path,
    text: String,
    collections: &[&str],
) -> Result<Page, Vec<Diagnostic>> {
    match parse_page_lenient(source, rel, text, collections)? {
        (page, diags) if diags.is_empty() => Ok(page),
        (_, diags) => Err(diags),
    }
}

/// A page with the problems of its built-in values, or the problems that
/// stop the file from being read at all.
pub type Parsed = Result<(Page, Vec<Diagnostic>), Vec<Diagnostic>>;

/// Parses one content file's text, keeping the page when only some
/// built-in values are wrong: those are reported and left unset (a missing
/// title becomes the slug), so that the page's fields and body are still
/// checked. `Err` only when the front-matter cannot be read at all (no
/// `---` lines, invalid YAML) or the file gives no URL.
pub fn parse_page_lenient(source: &Path, rel: &Path, text: String, collections: &[&str]) -> Parsed {
    let text = without_bom(text);
    let err =
        |line, col, msg: String| Diagnostic::error_at(source, line, col, msg).with_source(&text);
    let split = match frontmatter::split(&text) {
        Ok(s) => s,
        Err(e) => return Err(vec![err(e.line, e.col, e.message).with_hint(e.hint)]),
    };
    let map = match yaml::parse_front_matter(split.yaml, split.yaml_line) {
        Ok(map) => map,
        Err(e) => {
            let d = err(e.pos.line, e.pos.col, e.message);
            return Err(vec![match e.hint {
                Some(h) => d.with_hint(h),
                None => d,
            }]);
        }
    };
    let (body_offset, body_line) = (split.body_offset, split.body_line);
    // Positions only for diagnostics: scanned when the first one is made.
    let positions = std::sync::OnceLock::new();
    let pos = || positions.get_or_init(|| yaml::positions(split.yaml, split.yaml_line));
    let mut diags = Vec::new();
    let mut b = Builtins::default();
    let mut fields = Vec::new();
    for (k, v) in map {
        let Value::String(key) = k else {
            diags.push(err(
                pos().start_line(),
                1,
                "front-matter keys must be strings".into(),
            ));
            continue;
        };
        match b.take(&key, v) {
            Taken::Builtin => {}
            Taken::Field(v) => fields.push((key, v)),
            Taken::Bad { message, hint } => {
                let at = pos().value(&key);
                let d = err(at.line, at.col, message);
                diags.push(match hint {
                    Some(h) => d.with_hint(h),
                    None => d,
                });
            }
        }
    }
    if b.title.is_none() && !diags.iter().any(|d| d.message.starts_with("`title`")) {
        diags.push(
            err(split.yaml_line.saturating_sub(1).max(1), 1, NO_TITLE.into())
                .with_hint("add a line `title: ...` between the `---` lines"),
        );
    }
    let route = match route(rel, collections, b.slug.as_deref()) {
        Ok(r) => r,
        Err(m) => {
            let at = if b.slug.is_some() {
                pos().value("slug")
            } else {
                yaml::Pos { line: 1, col: 1 }
            };
            diags.push(err(at.line, at.col, m));
            // The URL from the file name, if the slug was the problem.
            match route(rel, collections, None) {
                Ok(r) if b.slug.is_some() => r,
                _ => return Err(diags),
            }
        }
    };
    let title = b.title.unwrap_or_else(|| route.slug.clone());
    let page = Page {
        source: source.to_path_buf(),
        kind: route.kind,
        slug: route.slug,
        url: String::new(),
        permalink: String::new(),
        path: route.path,
        title,
        description: b.description,
        date: b.date,
        updated: b.updated,
        draft: b.draft,
        weight: b.weight,
        tags: b.tags,
        aliases: b.aliases,
        terms: b.terms,
        autolink: b.autolink.unwrap_or(true),
        image: b.image,
        template: b.template,
        extra: b.extra,
        fields,
        body_offset,
        body_line,
        positions: std::sync::OnceLock::new(),
        text,
        released: None,
        lang: None,
        original: None,
    };
    Ok((page, diags))
}

impl Positions {
    fn start_line(&self) -> usize {
        self.value("").line
    }
}

/// A non-Markdown file under `content/`, copied to the same path.
#[derive(Debug, Clone)]
pub struct Asset {
    /// Absolute path on disk.
    pub abs: PathBuf,
    /// Output path relative to the output folder.
    pub rel: String,
}

/// Everything found under `content/`.
#[derive(Debug, Default)]
pub struct Loaded {
    /// Parsed pages, sorted by source path. Drafts are included; the site
    /// decides what to publish.
    pub pages: Vec<Page>,
    /// Files to copy as they are.
    pub assets: Vec<Asset>,
    /// Content files whose front-matter could not be read at all (their
    /// errors are reported), with the route their file name gives: links
    /// and references to them are not errors of their own.
    pub failed: Vec<(PathBuf, Route)>,
}

/// Walks `content/` and parses every file. Problems of all files are
/// returned together.
pub fn load(config: &Config) -> (Loaded, Diagnostics) {
    let root = &config.root;
    let content = root.join("content");
    let mut ds = Diagnostics::new();
    let mut md_files = Vec::new();
    let mut assets = Vec::new();
    if !content.is_dir() {
        ds.push(
            Diagnostic::error("content", "no `content/` folder in the site")
                .with_hint("create `content/_index.md` for the home page"),
        );
        return (Loaded::default(), ds);
    }
    let canonical_root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    for entry in walkdir::WalkDir::new(&content)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !is_hidden_or_temp(e.file_name()))
    {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                let p = e
                    .path()
                    .map(|p| rel_to(root, p))
                    .unwrap_or_else(|| PathBuf::from("content"));
                ds.push(Diagnostic::error(p, format!("cannot read: {e}")));
                continue;
            }
        };
        let path = entry.path();
        let mut ft = entry.file_type();
        if ft.is_symlink() {
            match path.canonicalize() {
                Ok(target) if target.starts_with(&canonical_root) => {
                    ft = match std::fs::metadata(path) {
                        Ok(m) => m.file_type(),
                        Err(_) => continue,
                    };
                    if ft.is_dir() {
                        ds.push(
                            Diagnostic::error(
                                rel_to(root, path),
                                "symlinked folders are not followed",
                            )
                            .warning(),
                        );
                        continue;
                    }
                }
                _ => {
                    ds.push(
                        Diagnostic::error(
                            rel_to(root, path),
                            "symlink points outside the site (or nowhere) and is not followed",
                        )
                        .warning(),
                    );
                    continue;
                }
            }
        }
        if !ft.is_file() {
            continue;
        }
        let rel = path.strip_prefix(&content).unwrap_or(path).to_path_buf();
        if path.extension().is_some_and(|e| e == "md") {
            md_files.push(rel);
        } else if let Some(r) = rel.to_str() {
            assets.push(Asset {
                abs: path.to_path_buf(),
                rel: r.replace('\\', "/"),
            });
        } else {
            ds.push(
                Diagnostic::error(rel_to(root, path), "file name is not valid UTF-8").warning(),
            );
        }
    }
    let names: Vec<&str> = config.collections.iter().map(|c| c.name.as_str()).collect();
    let results: Vec<Parsed> = md_files
        .par_iter()
        .map(|rel| {
            let source = Path::new("content").join(rel);
            let lang = translation_of(rel, config)
                .map_err(|m| vec![Diagnostic::error(&source, m.0).with_hint(m.1)])?;
            let text = read_text(&content.join(rel), &source)?;
            match lang {
                None => parse_page_lenient(&source, rel, text, &names),
                Some((code, original)) => parse_translation(&source, &original, code, text, &names),
            }
        })
        .collect();
    let mut pages = Vec::with_capacity(results.len());
    let mut failed = Vec::new();
    for (r, rel) in results.into_iter().zip(&md_files) {
        match r {
            Ok((p, errors)) => {
                ds.extend(errors);
                pages.push(p);
            }
            Err(d) => {
                ds.extend(d);
                if let Ok(None) = translation_of(rel, config)
                    && let Ok(route) = route(rel, &names, None)
                {
                    failed.push((rel.clone(), route));
                }
            }
        }
    }
    (
        Loaded {
            pages,
            assets,
            failed,
        },
        ds,
    )
}

/// Reads a file as UTF-8, with errors that name the file and, for bad
/// encoding, the place of the first bad byte.
pub fn read_text(abs: &Path, shown: &Path) -> Result<String, Vec<Diagnostic>> {
    use std::io::Read;
    let fail = |m: String| vec![Diagnostic::error(shown, m)];
    let cannot = |e: std::io::Error| fail(format!("cannot read: {e}"));
    // One open and one fstat: files are read up to three times per build.
    let mut file = std::fs::File::open(abs).map_err(cannot)?;
    let len = file.metadata().map_err(cannot)?.len();
    if len > MAX_FILE_BYTES {
        return Err(fail(format!(
            "file is {} MB, over the {} MB limit for content files",
            len / (1024 * 1024),
            MAX_FILE_BYTES / (1024 * 1024)
        )));
    }
    let mut bytes = Vec::with_capacity(len as usize);
    file.read_to_end(&mut bytes).map_err(cannot)?;
    if let Some(order) = utf16(&bytes) {
        return Err(vec![
            Diagnostic::error(shown, format!("file is UTF-16 ({order}), not UTF-8")).with_hint(
                "save the file as UTF-8 (most editors offer it under \"Save with encoding\")",
            ),
        ]);
    }
    String::from_utf8(bytes).map_err(|e| {
        let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        let valid = std::str::from_utf8(valid).unwrap_or_default();
        let (line, col) = crate::diagnostics::line_col(valid, valid.len());
        vec![
            Diagnostic::error_at(
                shown,
                line,
                col,
                "file is not valid UTF-8 (it may be Latin-1 or another legacy encoding)",
            )
            .with_hint("save the file as UTF-8"),
        ]
    })
}

/// The byte order of a UTF-16 text: by its byte-order mark, or, without
/// one, by ASCII text whose every other byte is zero.
fn utf16(bytes: &[u8]) -> Option<&'static str> {
    match bytes {
        [0xFF, 0xFE, ..] => return Some("little-endian"),
        [0xFE, 0xFF, ..] => return Some("big-endian"),
        _ => {}
    }
    let head = &bytes[..bytes.len().min(64) & !1];
    if head.len() < 4 {
        return None;
    }
    let zeros = |odd: usize| head.iter().skip(odd).step_by(2).all(|&b| b == 0);
    if zeros(1) && !zeros(0) {
        Some("little-endian")
    } else if zeros(0) && !zeros(1) {
        Some("big-endian")
    } else {
        None
    }
}

/// Dot-files and editor leftovers are never content.
pub fn is_hidden_or_temp(name: &std::ffi::OsStr) -> bool {
    let Some(n) = name.to_str() else { return false };
    n.starts_with('.')
        || n.ends_with('~')
        || n.ends_with(".swp")
        || n.ends_with(".swx")
        || n.ends_with(".bak")
        || n.ends_with(".bck")
        || n.contains("___jb_")
        || n == "4913"
}

/// `path` relative to `root` when it is under it.
pub fn rel_to(root: &Path, path: &Path) -> PathBuf {
    path.strip_prefix(root).unwrap_or(path).to_path_buf()
}

#[cfg(test)]
mod tests {
    #[test]
    fn dates_from_days() {
        assert_eq!(super::civil_from_days(0), "1970-01-01");
        assert_eq!(super::civil_from_days(19_782), "2024-02-29");
        assert_eq!(super::civil_from_days(20_784), "2026-11-27");
    }

    use super::*;

    #[test]
    fn released_text_is_read_again_and_a_changed_file_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("content")).unwrap();
        let text = "\u{feff}---\ntitle: A\n---\nBody\n";
        std::fs::write(root.join("content/a.md"), text).unwrap();
        let mut page = parse_page(
            Path::new("content/a.md"),
            Path::new("a.md"),
            text.to_string(),
            &[],
        )
        .unwrap();
        let kept = page.source_text(root).unwrap().into_owned();
        page.release_text();
        assert_eq!(page.body(), "", "released");
        assert_eq!(
            page.source_text(root).unwrap(),
            kept,
            "read again, BOM removed"
        );
        std::fs::write(root.join("content/a.md"), "---\ntitle: A\n---\nBody!\n").unwrap();
        let err = page.source_text(root).unwrap_err();
        assert!(
            err.to_string()
                .contains("changed while the site was being built")
        );
        std::fs::remove_file(root.join("content/a.md")).unwrap();
        assert!(
            page.source_text(root)
                .unwrap_err()
                .to_string()
                .contains("cannot read")
        );
    }

    const COLLS: [&str; 2] = ["roles", "kpis"];

    fn r(path: &str, slug: Option<&str>) -> Result<(PageKind, String), String> {
        route(Path::new(path), &COLLS, slug).map(|r| (r.kind, r.path))
    }

    #[test]
    fn url_mapping_follows_the_spec() {
        assert_eq!(r("_index.md", None).unwrap(), (PageKind::Home, "".into()));
        assert_eq!(
            r("roles/_index.md", None).unwrap(),
            (PageKind::Collection("roles".into()), "roles/".into())
        );
        assert_eq!(
            r("roles/product-owner.md", None).unwrap(),
            (
                PageKind::Entry("roles".into()),
                "roles/product-owner/".into()
            )
        );
        assert_eq!(
            r("roles/po.md", Some("product-owner")).unwrap(),
            (
                PageKind::Entry("roles".into()),
                "roles/product-owner/".into()
            )
        );
        assert_eq!(
            r("about.md", None).unwrap(),
            (PageKind::Plain, "about/".into())
        );
        assert_eq!(
            r("guides/x/How To.md", None).unwrap(),
            (PageKind::Plain, "guides/x/how-to/".into())
        );
        assert_eq!(
            r("misc/_index.md", None).unwrap(),
            (PageKind::Plain, "misc/".into())
        );
        // Deeper files inside a collection folder are plain pages.
        assert_eq!(
            r("roles/x/y.md", None).unwrap(),
            (PageKind::Plain, "roles/x/y/".into())
        );
    }

    #[test]
    fn unusable_names_are_errors() {
        assert!(r("roles/!!!.md", None).is_err());
        assert!(r("roles/_index.md", Some("x")).is_err());
    }

    fn page(text: &str) -> Result<Page, Vec<String>> {
        parse_page(
            Path::new("content/roles/pm.md"),
            Path::new("roles/pm.md"),
            text.into(),
            &COLLS,
        )
        .map_err(|ds| {
            ds.iter()
                .map(|d| d.to_string().lines().next().unwrap().to_string())
                .collect()
        })
    }

    #[test]
    fn builtin_keys_are_typed() {
        let p = page(
            "---\ntitle: PM\ndate: 2024-02-29\ntags: [a, b]\nweight: 3\nfocus: x\n---\n# Hi\n",
        )
        .unwrap();
        assert_eq!(p.title, "PM");
        assert_eq!(p.date, Some(Date("2024-02-29".into())));
        assert_eq!(p.tags, ["a", "b"]);
        assert_eq!(p.weight, Some(3));
        assert_eq!(p.fields[0].0, "focus");
        assert_eq!(p.body(), "# Hi\n");
        assert_eq!(p.body_line, 8);
    }

    #[test]
    fn builtin_type_errors_point_at_values() {
        let errs =
            page("---\ntitle: [a]\ndate: 2023-02-30\ndraft: yes\nslug: ../x\n---\n").unwrap_err();
        assert_eq!(
            errs,
            [
                "content/roles/pm.md:2:8: `title` must be a string, found a list",
                "content/roles/pm.md:3:7: `date` value `2023-02-30` is not a day of February 2023",
                "content/roles/pm.md:4:8: `draft` must be `true` or `false`, found a string",
                "content/roles/pm.md:5:7: slug `../x` must be lowercase letters, digits, `-` and `_` only",
            ]
        );
    }

    #[test]
    fn missing_title_and_split_errors() {
        assert_eq!(
            page("---\ndescription: x\n---\n").unwrap_err(),
            ["content/roles/pm.md:1:1: missing `title` in front-matter"]
        );
        assert_eq!(
            page("---\ntitle: x\n").unwrap_err(),
            ["content/roles/pm.md:1:1: front-matter opened with `---` is never closed"]
        );
    }

    #[test]
    fn bom_and_crlf_are_accepted() {
        let p = page("\u{feff}---\r\ntitle: PM\r\n---\r\nBody\r\n").unwrap();
        assert_eq!(p.title, "PM");
        assert_eq!(p.body(), "Body\r\n");
    }

    #[test]
    fn dates() {
        let reason = |s: &str| Date::parse(s).unwrap_err().reason;
        assert!(Date::parse("2024-01-31").is_ok());
        assert!(Date::parse("2024-02-29").is_ok());
        assert!(Date::parse("2024-01-31T10:00:00Z").is_ok());
        assert!(Date::parse("2024-01-31T10:00:00+02:00").is_ok());
        assert!(Date::parse("2024-01-31 10:00:00").is_ok());
        assert!(Date::parse("2024-01-31T10:00:00.250Z").is_ok());
        assert_eq!(reason("2024-02-30"), "is not a day of February 2024");
        assert_eq!(reason("2023-02-29"), "is not a day of February 2023");
        assert_eq!(
            reason("2024-13-01"),
            "has no month 13: months run from 01 to 12"
        );
        assert_eq!(reason("31/01/2024"), "is not a date");
        assert!(Date::parse("31/01/2024").unwrap_err().bad_shape);
        // Issue 16: junk after the time was accepted and reached atom.xml.
        for junk in [
            "2024-03-05T10:00:00junk",
            "2024-03-05T10:00:00junkZ",
            "2024-03-05T25:00:00Z",
            "2024-03-05Tx",
        ] {
            assert!(reason(junk).starts_with("is not a date and time"), "{junk}");
        }
    }
}
