//! Watching a site for changes: file-system events, debounced, filtered and
//! sorted into a [`ChangeSet`] that says how much to rebuild.
//!
//! Editors save in odd ways (a temporary file renamed over the original,
//! a backup file, vim's `4913` probe); `git checkout` touches hundreds of
//! files at once. Events are debounced by notify's full debouncer (which
//! also pairs the two halves of a rename), reads are dropped (a rebuild
//! opens every file, which must not trigger another rebuild), and batches
//! that keep arriving close together are merged, so each of these makes one
//! rebuild. Editor leftovers, dot-files and the output folder are ignored.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender, channel};
use std::time::Duration;

use notify_debouncer_full::notify::event::{
    AccessKind, AccessMode, EventKind, MetadataKind, ModifyKind,
};
use notify_debouncer_full::notify::{RecommendedWatcher, RecursiveMode};
use notify_debouncer_full::{DebounceEventResult, Debouncer, RecommendedCache, new_debouncer};

use crate::content::is_hidden_or_temp;

/// What changed since the last build, and so how much to rebuild.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ChangeSet {
    /// Changed, created or deleted Markdown files (relative to the root).
    pub content: BTreeSet<PathBuf>,
    /// Other files under `content/` (assets).
    pub assets: bool,
    /// Files under `static/` or a theme's `static/`.
    pub statics: BTreeSet<PathBuf>,
    /// Files under `data/`.
    pub data: BTreeSet<PathBuf>,
    /// `site.toml`, templates or a theme changed: rebuild everything.
    pub everything: bool,
    /// Images made in the background are done: the pages showing them
    /// are rendered again with their copies.
    pub images: bool,
}

impl ChangeSet {
    /// Whether nothing relevant changed.
    pub fn is_empty(&self) -> bool {
        self.content.is_empty()
            && !self.assets
            && self.statics.is_empty()
            && self.data.is_empty()
            && !self.everything
            && !self.images
    }

    /// Whether only stylesheets changed, so a browser can swap them
    /// without reloading the page.
    pub fn css_only(&self) -> bool {
        !self.everything
            && !self.images
            && !self.assets
            && self.content.is_empty()
            && self.data.is_empty()
            && !self.statics.is_empty()
            && self
                .statics
                .iter()
                .all(|p| p.extension().is_some_and(|e| e == "css"))
    }

    /// Adds another batch to this one.
    pub fn merge(&mut self, other: ChangeSet) {
        self.content.extend(other.content);
        self.statics.extend(other.statics);
        self.data.extend(other.data);
        self.assets |= other.assets;
        self.everything |= other.everything;
        self.images |= other.images;
    }
}

/// Sorts changed paths (absolute, under `root`) into a change set. Paths in
/// the output folder, dot-files and editor temporary files are ignored.
pub fn classify(root: &Path, output: &Path, paths: &[PathBuf]) -> ChangeSet {
    let mut set = ChangeSet::default();
    for path in paths {
        if path.starts_with(output) {
            continue;
        }
        let Ok(rel) = path.strip_prefix(root) else {
            continue;
        };
        if rel.components().any(|c| is_hidden_or_temp(c.as_os_str())) {
            continue;
        }
        let first = rel
            .components()
            .next()
            .map(|c| c.as_os_str().to_string_lossy().into_owned());
        match first.as_deref() {
            Some("site.toml") if rel.components().count() == 1 => set.everything = true,
            // The theme's words (`i18n/`) show on every page.
            Some("templates" | "i18n") => set.everything = true,
            Some("themes") => {
                // A theme's static files are static; the rest (templates)
                // changes every page.
                if rel
                    .components()
                    .nth(2)
                    .is_some_and(|c| c.as_os_str() == "static")
                {
                    set.statics.insert(rel.to_path_buf());
                } else {
                    set.everything = true;
                }
            }
            Some("static") => {
                set.statics.insert(rel.to_path_buf());
            }
            Some("data") => {
                set.data.insert(rel.to_path_buf());
            }
            Some("content") => {
                if rel.extension().is_some_and(|e| e == "md") {
                    set.content.insert(rel.to_path_buf());
                } else if rel.extension().is_some() {
                    set.assets = true;
                } else {
                    // A folder created, deleted or renamed: its files may
                    // have come or gone without events of their own.
                    set.content.insert(rel.to_path_buf());
                }
            }
            _ => {}
        }
    }
    set
}

/// What the watcher's channel carries.
enum Message {
    /// A debounced batch of file-system events.
    Files(DebounceEventResult),
    /// Images made in the background are done.
    ImagesMade,
}

/// A running watch on a site's sources.
pub struct Watcher {
    rx: Receiver<Message>,
    tx: Sender<Message>,
    root: PathBuf,
    output: PathBuf,
    debouncer: Debouncer<RecommendedWatcher, RecommendedCache>,
    /// Source folders being watched recursively.
    watched: Vec<PathBuf>,
    /// What the watcher reported as going wrong since it was last asked.
    errors: Vec<String>,
    /// Source folders whose own path changed since the last refresh.
    rewatch: std::collections::BTreeSet<PathBuf>,
}

/// The folders of a site that are watched recursively.
const SOURCE_DIRS: [&str; 6] = ["content", "templates", "static", "themes", "data", "i18n"];

/// Whether an event kind can change what a build produces. Opening or
/// reading a file cannot; a build reads every file.
pub fn relevant(kind: &EventKind) -> bool {
    match kind {
        EventKind::Access(AccessKind::Close(AccessMode::Write)) => true,
        EventKind::Access(_) => false,
        EventKind::Modify(ModifyKind::Metadata(MetadataKind::AccessTime)) => false,
        EventKind::Create(_) | EventKind::Modify(_) | EventKind::Remove(_) | EventKind::Any => true,
        EventKind::Other => false,
    }
}

/// Debounce window of the file-system events.
const DEBOUNCE: Duration = Duration::from_millis(10);
/// A batch is merged with the next one if that arrives within this time
/// (editors that save in several steps).
const SETTLE: Duration = Duration::from_millis(20);
/// After a burst of many files (a `git checkout`, a script writing a
/// folder), wait longer for the rest before rebuilding.
const SETTLE_BULK: Duration = Duration::from_millis(300);
/// How many changed paths make a burst.
const BULK: usize = 8;

impl Watcher {
    /// Watches `content/`, `templates/`, `static/`, `themes/`, `data/`
    /// and `site.toml` under `root`. `output` is ignored.
    pub fn new(root: &Path, output: &Path) -> Result<Watcher, String> {
        let root = crate::output::absolute(root);
        let output = crate::output::absolute(output);
        let (tx, rx) = channel();
        let files = tx.clone();
        let mut debouncer = new_debouncer(DEBOUNCE, None, move |r: DebounceEventResult| {
            let _ = files.send(Message::Files(r));
        })
        .map_err(|e| format!("cannot watch files: {e}"))?;
        let w = &mut debouncer;
        // The root itself, not recursively: site.toml, and folders that
        // appear later.
        w.watch(&root, RecursiveMode::NonRecursive)
            .map_err(|e| format!("cannot watch `{}`: {e}", root.display()))?;
        let mut watched = Vec::new();
        for dir in SOURCE_DIRS {
            let d = root.join(dir);
            if d.is_dir() {
                w.watch(&d, RecursiveMode::Recursive)
                    .map_err(|e| format!("cannot watch `{}`: {e}", d.display()))?;
                watched.push(d);
            }
        }
        Ok(Watcher {
            rx,
            tx,
            root,
            output,
            debouncer,
            watched,
            errors: Vec::new(),
            rewatch: std::collections::BTreeSet::new(),
        })
    }

    /// Waits for the next relevant change (at most `timeout`), merging
    /// bursts of events into one set. `None` on timeout.
    pub fn next(&mut self, timeout: Duration) -> Option<ChangeSet> {
        let mut set = ChangeSet::default();
        let mut wait = timeout;
        let mut seen = 0usize;
        loop {
            match self.rx.recv_timeout(wait) {
                Ok(Message::ImagesMade) => {
                    set.images = true;
                    wait = SETTLE;
                }
                Ok(Message::Files(Ok(events))) => {
                    let paths: Vec<PathBuf> = events
                        .into_iter()
                        .filter(|e| relevant(&e.event.kind))
                        .flat_map(|e| e.event.paths)
                        .collect();
                    seen += paths.len();
                    // A source folder itself moved, removed or created (a
                    // `mv content x && mv x content`): its watch may be
                    // gone even if it is back; watched again at refresh.
                    for p in &paths {
                        if p.parent() == Some(self.root.as_path())
                            && let Some(name) = p.file_name().and_then(|n| n.to_str())
                            && SOURCE_DIRS.contains(&name)
                        {
                            self.rewatch.insert(self.root.join(name));
                        }
                    }
                    set.merge(classify(&self.root, &self.output, &paths));
                    if !set.is_empty() {
                        wait = if seen > BULK { SETTLE_BULK } else { SETTLE };
                    }
                }
                Ok(Message::Files(Err(errors))) => {
                    self.errors.extend(errors.iter().map(ToString::to_string));
                }
                Err(RecvTimeoutError::Timeout) | Err(RecvTimeoutError::Disconnected) => {
                    return (!set.is_empty()).then_some(set);
                }
            }
        }
    }

    /// What tells this watcher that images made in the background are
    /// done (see [`crate::images::Registry::defer`]).
    pub fn waker(&self) -> crate::images::Waker {
        let tx = self.tx.clone();
        std::sync::Arc::new(move || {
            let _ = tx.send(Message::ImagesMade);
        })
    }

    /// What went wrong while watching since the last call (a lost event,
    /// a watch limit reached).
    pub fn take_errors(&mut self) -> Vec<String> {
        std::mem::take(&mut self.errors)
    }

    /// Adds watches for source folders created since the start (a
    /// `templates/` made while serving, say).
    pub fn refresh(&mut self) {
        // Folders moved away and back, or replaced: their old watch may
        // be gone, so they are watched anew.
        for d in std::mem::take(&mut self.rewatch) {
            let _ = self.debouncer.unwatch(&d);
            self.watched.retain(|w| *w != d);
        }
        for dir in SOURCE_DIRS {
            let d = self.root.join(dir);
            let is_watched = self.watched.contains(&d);
            match (d.is_dir(), is_watched) {
                (true, false) if self.debouncer.watch(&d, RecursiveMode::Recursive).is_ok() => {
                    self.watched.push(d);
                }
                (false, true) => {
                    // Deleted: its watch is gone; watch it again if it returns.
                    self.watched.retain(|w| *w != d);
                }
                _ => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(paths: &[&str]) -> ChangeSet {
        let root = Path::new("/site");
        let abs: Vec<PathBuf> = paths.iter().map(|p| root.join(p)).collect();
        classify(root, Path::new("/site/public"), &abs)
    }

    #[test]
    fn sorts_paths_by_what_they_rebuild() {
        let s = set(&["content/roles/pm.md", "static/style.css"]);
        assert_eq!(s.content.len(), 1);
        assert!(!s.everything && !s.css_only());
        assert!(set(&["site.toml"]).everything);
        assert!(set(&["templates/page.html"]).everything);
        assert!(set(&["themes/default/templates/base.html"]).everything);
        assert!(set(&["themes/default/static/style.css"]).css_only());
        assert!(set(&["static/a.css", "static/b.css"]).css_only());
        assert!(!set(&["static/app.js"]).css_only());
        assert!(set(&["content/roles/diagram.png"]).assets);
        assert_eq!(set(&["data/bands.csv"]).data.len(), 1);
        assert!(!set(&["data/bands.csv"]).is_empty());
        assert!(
            !set(&["content/roles"]).content.is_empty(),
            "a folder event counts"
        );
    }

    #[test]
    fn reads_do_not_count() {
        use notify_debouncer_full::notify::event::{CreateKind, RemoveKind};
        assert!(!relevant(&EventKind::Access(AccessKind::Open(
            AccessMode::Any
        ))));
        assert!(!relevant(&EventKind::Access(AccessKind::Close(
            AccessMode::Read
        ))));
        assert!(relevant(&EventKind::Access(AccessKind::Close(
            AccessMode::Write
        ))));
        assert!(relevant(&EventKind::Create(CreateKind::File)));
        assert!(relevant(&EventKind::Remove(RemoveKind::Any)));
        assert!(relevant(&EventKind::Modify(ModifyKind::Any)));
    }

    #[test]
    fn ignores_editor_files_output_and_elsewhere() {
        for p in [
            "content/roles/.pm.md.swp",
            "content/roles/pm.md~",
            "content/roles/4913",
            "content/roles/pm.md___jb_tmp___",
            "content/roles/.#pm.md",
            "content/roles/pm.md.bak",
            "public/index.html",
            "target/debug/x",
            "README.md",
            ".git/index",
        ] {
            assert!(set(&[p]).is_empty(), "{p}");
        }
    }
}
