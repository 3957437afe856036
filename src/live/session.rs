//! A live build for `watch` and `serve`: the last good output kept in
//! memory, rebuilt when sources change, and the difference to the previous
//! build worked out so that only changed files are written or reloaded.
//!
//! A failed rebuild leaves the last good output in place and keeps its
//! errors, so a server can go on serving it and show what is wrong.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Instant;

use crate::content::{self, Page};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::live::watch::ChangeSet;
use crate::output::{Data, OutputFile};
use crate::render::RenderCache;
use crate::site::{BuildOptions, Site};

/// One output file as the live build holds it, shared cheaply with a
/// server: rendered bytes in memory, or a file on disk read when it is
/// asked for (image copies and share cards in the image cache, assets
/// copied as they are), which keeps a site's pictures out of memory.
#[derive(Debug, Clone)]
pub enum Held {
    /// Rendered in memory.
    Bytes(Arc<Vec<u8>>),
    /// Rendered in memory, gzipped (pages: a sixth of their size).
    Gzip(Arc<Vec<u8>>),
    /// Embedded in the binary (the default theme's files).
    Static(&'static [u8]),
    /// A file on disk, as it was when the build saw it.
    File(Arc<OnDisk>),
}

/// A file on disk, and what tells its versions apart.
#[derive(Debug, PartialEq, Eq)]
pub struct OnDisk {
    /// Where it is.
    pub path: std::path::PathBuf,
    /// Its length.
    pub len: u64,
    /// Its modification time.
    pub modified: Option<std::time::SystemTime>,
}

impl PartialEq for Held {
    fn eq(&self, other: &Held) -> bool {
        match (self, other) {
            (Held::File(a), Held::File(b)) => a == b,
            (Held::File(_), _) | (_, Held::File(_)) => false,
            // Compression is deterministic: the same bytes, the same gzip.
            (Held::Gzip(a), Held::Gzip(b)) => a == b,
            (a, b) => a.bytes().ok() == b.bytes().ok(),
        }
    }
}

impl Held {
    /// Holds rendered bytes: gzipped where that is worth it.
    fn rendered(bytes: Vec<u8>) -> Held {
        if bytes.len() < GZIP_FROM {
            return Held::Bytes(Arc::new(bytes));
        }
        let mut z = flate2::write::GzEncoder::new(
            Vec::with_capacity(bytes.len() / 4),
            flate2::Compression::fast(),
        );
        use std::io::Write;
        match z.write_all(&bytes).and_then(|()| z.finish()) {
            Ok(gz) => Held::Gzip(Arc::new(gz)),
            Err(_) => Held::Bytes(Arc::new(bytes)),
        }
    }

    /// The bytes (a file on disk read, gzip undone).
    pub fn bytes(&self) -> std::io::Result<std::borrow::Cow<'_, [u8]>> {
        use std::borrow::Cow;
        match self {
            Held::Bytes(b) => Ok(Cow::Borrowed(b)),
            Held::Static(b) => Ok(Cow::Borrowed(b)),
            Held::Gzip(z) => {
                use std::io::Read;
                let mut out = Vec::with_capacity(z.len() * 6);
                flate2::read::GzDecoder::new(z.as_slice()).read_to_end(&mut out)?;
                Ok(Cow::Owned(out))
            }
            Held::File(f) => std::fs::read(&f.path).map(Cow::Owned),
        }
    }

    /// The file as output data, to write.
    pub fn data(&self) -> std::io::Result<Data> {
        Ok(match self {
            Held::Bytes(b) => Data::Bytes(b.to_vec()),
            Held::Static(b) => Data::Static(b),
            Held::Gzip(_) => Data::Bytes(self.bytes()?.into_owned()),
            Held::File(f) => Data::File(f.path.clone()),
        })
    }
}

/// Gives the memory a full build freed back to the system. glibc keeps
/// freed memory in its arenas (one per thread that rendered), so that a
/// server would go on holding the peak of its last full build.
fn trim_heap() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim takes no pointer; it only returns free pages
    // of the allocator's own arenas to the system.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// Rendered files this long or longer are held gzipped.
const GZIP_FROM: usize = 1024;

/// What a rebuild changed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Delta {
    /// Output paths whose bytes changed or that are new.
    pub changed: Vec<String>,
    /// Output paths that are gone.
    pub removed: Vec<String>,
    /// Only stylesheets changed.
    pub css_only: bool,
    /// Milliseconds the rebuild took.
    pub millis: u128,
    /// Whether only edited bodies and their dependants were re-rendered.
    pub incremental: bool,
}

/// The live state of a site.
pub struct Session {
    opts: BuildOptions,
    /// The last good output, by path.
    pub files: BTreeMap<String, Held>,
    /// The errors of the last attempt, if it failed.
    pub errors: Option<Diagnostics>,
    /// What changed since the last good build: the changes of the
    /// rebuilds that failed.
    pending: ChangeSet,
    /// Warnings of the last good build.
    pub warnings: Diagnostics,
    /// Counts good builds.
    pub generation: u64,
    /// Outputs removed by the last rebuild.
    removed: Vec<String>,
    /// The loaded site and render cache of the last good build, for
    /// incremental rebuilds.
    state: Option<(Site, RenderCache)>,
    /// The data files before an incremental data rebuild, put back if
    /// it fails.
    old_data: Option<crate::site::data::DataSet>,
    /// The images of the builds, kept from one to the next while the
    /// site's image settings stay the same.
    images: Option<Arc<crate::images::Registry>>,
    /// What wakes the watcher when an image made in the background is
    /// done; set once the first build is served.
    waker: Option<crate::images::Waker>,
    /// Output paths of the images made in the background whose pages
    /// still show them as they were.
    made: Vec<String>,
}

/// The output files as the session holds them: files on disk stay there,
/// known by their length and time.
fn hold_all(files: Vec<OutputFile>) -> Result<BTreeMap<String, Held>, Diagnostics> {
    use rayon::prelude::*;
    // In parallel: 140 MB of pages to compress at 10,000.
    let held: Vec<Result<(String, Held), Diagnostic>> = files
        .into_par_iter()
        .map(|f| {
            let held = match f.data {
                Data::Bytes(b) => Held::rendered(b),
                Data::Static(b) => Held::Static(b),
                Data::File(path) => match std::fs::metadata(&path) {
                    Ok(m) => Held::File(Arc::new(OnDisk {
                        len: m.len(),
                        modified: m.modified().ok(),
                        path,
                    })),
                    Err(e) => return Err(Diagnostic::error(&path, format!("cannot read: {e}"))),
                },
            };
            Ok((f.rel, held))
        })
        .collect();
    let mut out = BTreeMap::new();
    let mut ds = Diagnostics::new();
    for h in held {
        match h {
            Ok((rel, held)) => {
                out.insert(rel, held);
            }
            Err(d) => ds.push(d),
        }
    }
    if ds.has_errors() { Err(ds) } else { Ok(out) }
}

impl Session {
    /// Builds the site in memory for the first time. A failed first build
    /// gives an empty session holding the errors.
    pub fn start(opts: BuildOptions) -> Session {
        let mut s = Session {
            opts,
            files: BTreeMap::new(),
            errors: None,
            pending: ChangeSet::default(),
            warnings: Diagnostics::new(),
            generation: 0,
            removed: Vec::new(),
            state: None,
            old_data: None,
            images: None,
            waker: None,
            made: Vec::new(),
        };
        let _ = s.rebuild(&ChangeSet {
            everything: true,
            ..ChangeSet::default()
        });
        s
    }

    /// Waits for the next change `watcher` sees, then rebuilds: the one
    /// loop step of `watch` and `serve`.
    pub fn rebuild_on_change(
        &mut self,
        watcher: &mut crate::live::watch::Watcher,
    ) -> Result<Delta, Diagnostics> {
        if self.waker.is_none() {
            // From now on a new image does not hold up its page: the page
            // shows the original until the copies are made.
            let waker = watcher.waker();
            if let Some(images) = &self.images {
                images.defer(waker.clone());
            }
            self.waker = Some(waker);
        }
        loop {
            if let Some(changes) = watcher.next(std::time::Duration::from_secs(3600)) {
                // Folders that came back are watched again.
                watcher.refresh();
                let result = self.rebuild(&changes);
                for e in watcher.take_errors() {
                    self.warnings.push(
                        Diagnostic::error(&self.opts.root, format!("file watching: {e}")).warning(),
                    );
                }
                return result;
            }
        }
    }

    /// The base path of the last good build (`/` or `/sub/path/`).
    pub fn base_path(&self) -> Option<&str> {
        self.state
            .as_ref()
            .map(|(site, _)| site.config.base_path.as_str())
    }

    /// Rebuilds after `changes`. On success the new output replaces the old
    /// and the difference is returned; on failure nothing changes but
    /// `errors`.
    ///
    /// Edits that change only the Markdown body of existing pages take the
    /// incremental path ([`crate::render::rerender_bodies`]); anything else
    /// (front-matter, new or deleted files, templates, site.toml, static
    /// files) rebuilds everything in memory, then writes only what differs.
    ///
    /// A panic in the rebuild (a bug in cairn) is caught and reported as an
    /// internal error like any failure; the next rebuild is a full one, so
    /// nothing half-updated by the panic is used again.
    pub fn rebuild(&mut self, changes: &ChangeSet) -> Result<Delta, Diagnostics> {
        let attempt =
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| self.try_rebuild(changes)));
        attempt.unwrap_or_else(|_| {
            self.state = None;
            let mut ds = Diagnostics::new();
            ds.push(crate::panics::internal_error());
            self.errors = Some(ds.clone());
            Err(ds)
        })
    }

    fn try_rebuild(&mut self, new: &ChangeSet) -> Result<Delta, Diagnostics> {
        let start = Instant::now();
        // The changes of failed rebuilds are tried again with these, so
        // that an incremental rebuild starting from the last good site
        // still sees (and reports) what broke it.
        let mut changes = std::mem::take(&mut self.pending);
        changes.merge(new.clone());
        let changes = &changes;
        if let Some(images) = &self.images {
            self.made.extend(images.take_done());
        }
        let edits =
            crate::diagnostics::timed("incremental: read and parse", || self.body_edits(changes));
        let edits = match edits {
            None => crate::diagnostics::timed("incremental: data", || self.data_edits(changes)),
            some => some,
        };
        let incremental = matches!(edits, Some(Ok(_)));
        let result = match edits {
            Some(Ok(edits)) if edits.is_empty() => Ok(Vec::new()),
            Some(Ok(edits)) => self.rerender(edits),
            Some(Err(ds)) => Err(ds),
            None => self.full(),
        };
        match result {
            Ok(changed) => {
                self.made.clear();
                if let Some(images) = &self.images {
                    images.save_stamps(false);
                }
                let mut delta = Delta {
                    css_only: changes.css_only() && self.errors.is_none(),
                    incremental,
                    ..Delta::default()
                };
                delta.changed = changed;
                self.errors = None;
                self.generation += 1;
                delta.css_only &=
                    !delta.changed.is_empty() && delta.changed.iter().all(|r| r.ends_with(".css"));
                delta.millis = start.elapsed().as_millis();
                Ok(delta)
            }
            Err(ds) => {
                self.errors = Some(ds.clone());
                self.pending = changes.clone();
                Err(ds)
            }
        }
        .map(|mut d: Delta| {
            d.removed = std::mem::take(&mut self.removed);
            d
        })
    }

    /// The pages whose body alone changed, re-read and parsed, each with
    /// its language (0 for the default, else 1 + its place in
    /// `[languages]`); `None` when the changes need a full rebuild.
    fn body_edits(&self, changes: &ChangeSet) -> Option<Result<Vec<Edit>, Diagnostics>> {
        if changes.everything
            || changes.assets
            || !changes.statics.is_empty()
            || !changes.data.is_empty()
            || (changes.content.is_empty() && !changes.images)
        {
            return None;
        }
        let (site, _) = self.state.as_ref()?;
        let names: Vec<&str> = site
            .config
            .collections
            .iter()
            .map(|c| c.name.as_str())
            .collect();
        let mut edits = Vec::new();
        // An embed shows another page's body, in any language.
        if site.all_languages().any(|s| s.has_embeds) {
            return None;
        }
        for path in &changes.content {
            let rel = path.strip_prefix("content").ok()?;
            // The same key as the link index: normal form C, so that a
            // file name stored decomposed (macOS) is found. A translation
            // is in its language's site.
            let key = crate::site::source_key(rel);
            let (lang, site) = match content::translation_of(rel, &site.config) {
                Ok(None) => (0, site),
                Ok(Some((code, _))) => site
                    .languages
                    .iter()
                    .enumerate()
                    .find(|(_, l)| l.config.language == code)
                    .map(|(n, l)| (n + 1, l))?,
                Err(_) => return None,
            };
            let &i = site.links.by_source.get(&key)?;
            if site.pages[i].source != *path {
                return None;
            }
            let abs = site.config.root.join(path);
            if !abs.is_file() {
                return None;
            }
            let text = match content::read_text(&abs, path) {
                Ok(t) => t,
                Err(d) => {
                    let mut ds = Diagnostics::new();
                    ds.extend(d);
                    return Some(Err(ds));
                }
            };
            let parsed = match lang {
                0 => content::parse_page(path, rel, text, &names),
                _ => content::parse_page_lenient(path, rel, text, &names).map(|(p, _)| p),
            };
            let page = match parsed {
                Ok(p) => p,
                Err(d) => {
                    let mut ds = Diagnostics::new();
                    ds.extend(d);
                    return Some(Err(ds));
                }
            };
            let old = &site.pages[i];
            if page.text[..page.body_offset] != old.text[..old.body_offset] || page.draft {
                return None;
            }
            // Same front-matter: what the page took from it (and, for a
            // translation, from its original) stays; only the text is new.
            let page = match lang {
                0 => page,
                _ => {
                    let mut same = old.page.clone();
                    same.text = page.text;
                    same
                }
            };
            // An embed (`![[...]]`) shows another page's body: with one
            // anywhere, the full path decides what changes.
            if site.has_embeds || page.text.contains("![[") {
                return None;
            }
            if page.text != old.text {
                edits.push((lang, i, page));
            }
        }
        if changes.images {
            self.image_edits(site, &mut edits);
        }
        Some(Ok(edits))
    }

    /// Adds to `edits` the pages that may show an image made in the
    /// background since they were rendered (those whose text names its
    /// file): rendered again, they show its copies.
    fn image_edits(&self, site: &Site, edits: &mut Vec<Edit>) {
        let names: Vec<&str> = self
            .made
            .iter()
            .map(|rel| rel.rsplit('/').next().unwrap_or(rel))
            .collect();
        if names.is_empty() {
            return;
        }
        for (lang, s) in site.all_languages().enumerate() {
            for (i, p) in s.pages.iter().enumerate() {
                let edited = edits.iter().any(|(l, j, _)| *l == lang && *j == i);
                if !edited && names.iter().any(|n| p.text.contains(n)) {
                    edits.push((lang, i, p.page.clone()));
                }
            }
        }
    }

    /// When only data files changed and no template reads `data`: the
    /// data read again into the site, and the pages whose body shows a
    /// data file (a `table` call) as edits to re-render; `None` when the
    /// changes need a full rebuild. On an error the site keeps its data.
    fn data_edits(&mut self, changes: &ChangeSet) -> Option<Result<Vec<Edit>, Diagnostics>> {
        if changes.everything
            || changes.assets
            || !changes.statics.is_empty()
            || !changes.content.is_empty()
            || changes.data.is_empty()
        {
            return None;
        }
        let (site, cache) = self.state.as_mut()?;
        // A data file may show in every language: rebuilt in full there.
        if cache.templates_read_data() || site.config.is_multilingual() {
            return None;
        }
        let (data, errors) = crate::site::data::load(&site.config);
        let mut ds = Diagnostics::new();
        ds.extend(
            errors
                .into_iter()
                .filter(|d| d.severity == crate::diagnostics::Severity::Error),
        );
        for f in &data.files {
            for (to, slug, pos) in &f.refs {
                if site.index.get(to, slug).is_none() {
                    ds.push(
                        Diagnostic::error_at(
                            &f.source,
                            pos.line,
                            pos.col,
                            site.index.missing(to, slug),
                        )
                        .with_source(&f.text),
                    );
                }
            }
        }
        if ds.has_errors() {
            return Some(Err(ds));
        }
        let old = std::mem::replace(&mut site.data, data);
        self.old_data = Some(old);
        let edits = site
            .pages
            .iter()
            .enumerate()
            .filter(|(_, p)| p.text.contains("table("))
            .map(|(i, p)| (0, i, p.page.clone()))
            .collect();
        Some(Ok(edits))
    }

    /// The incremental path: re-render the edited bodies and what depends
    /// on them.
    fn rerender(&mut self, edits: Vec<Edit>) -> Result<Vec<String>, Diagnostics> {
        let (site, cache) = self
            .state
            .as_mut()
            .expect("body edits need a previous build");
        let old_data = self.old_data.take();
        let mut langs: Vec<usize> = edits.iter().map(|(l, _, _)| *l).collect();
        langs.sort_unstable();
        langs.dedup();
        let mut files = Vec::new();
        let mut removed = Vec::new();
        let mut edits = edits;
        for lang in langs {
            let these: Vec<(usize, Page)> = edits
                .extract_if(.., |(l, _, _)| *l == lang)
                .map(|(_, i, p)| (i, p))
                .collect();
            let (site, cache) = match lang {
                0 => (&mut *site, &mut *cache),
                n => (&mut site.languages[n - 1], &mut cache.languages[n - 1]),
            };
            let prefix = site.config.lang_prefix.clone();
            let done = crate::diagnostics::timed("incremental: re-render", || {
                crate::render::rerender_bodies(site, cache, these)
            });
            let (f, r, _) = match done {
                Ok(d) => d,
                Err(ds) => {
                    match (&old_data, lang) {
                        (Some(old), 0) => site.data = old.clone(),
                        // Another language may be updated already: the
                        // next rebuild starts over.
                        (_, n) if n > 0 && files.len() + removed.len() > 0 => {
                            self.state = None;
                        }
                        _ => {}
                    }
                    return Err(ds);
                }
            };
            files.extend(f.into_iter().map(|mut f| {
                f.rel = format!("{prefix}{}", f.rel);
                f
            }));
            removed.extend(r.into_iter().map(|r| format!("{prefix}{r}")));
        }
        drop(old_data);
        for r in &removed {
            self.files.remove(r);
        }
        self.removed = removed;
        let mut changed = Vec::new();
        // Pages are in memory; image copies and share cards are files of
        // the image cache.
        for (rel, b) in hold_all(files)? {
            if self.files.get(&rel).is_none_or(|old| *old != b) {
                changed.push(rel.clone());
                self.files.insert(rel, b);
            }
        }
        changed.sort();
        Ok(changed)
    }

    /// The full path: load and render everything, keep what differs.
    fn full(&mut self) -> Result<Vec<String>, Diagnostics> {
        let mut site = Site::load(&self.opts)?;
        let images = match &self.images {
            Some(r) if r.fits(&site.config) => r.clone(),
            _ => {
                let r = Arc::new(crate::images::Registry::new(&site.config));
                if let Some(w) = &self.waker {
                    r.defer(w.clone());
                }
                r
            }
        };
        self.images = Some(images.clone());
        let (files, all_warnings, cache) = crate::render::render_cached_with(&mut site, images)?;
        let files = hold_all(files)?;
        let mut changed = Vec::new();
        for (rel, bytes) in &files {
            if self.files.get(rel).is_none_or(|old| old != bytes) {
                changed.push(rel.clone());
            }
        }
        self.removed = self
            .files
            .keys()
            .filter(|k| !files.contains_key(*k))
            .cloned()
            .collect();
        self.files = files;
        self.warnings = all_warnings;
        self.state = Some((site, cache));
        trim_heap();
        Ok(changed)
    }
}

/// A page whose body alone changed: (language, page index, the page).
type Edit = (usize, usize, Page);
