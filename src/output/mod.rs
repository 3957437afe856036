//! Writing the output folder: guarded, synchronised, atomic per file.
//!
//! A build hands each file over as soon as it is rendered ([`Sink`]); the
//! [`Stager`] writes changed bytes to a temporary dot-file next to a new
//! target, or to one pack file when they replace an existing file (or, into
//! an empty folder, under their own names in a hidden tree), and puts
//! them all in place only once the whole build has succeeded, so a build
//! that fails leaves the previous output byte for byte as it was, and
//! memory never holds the whole site. The folder is synchronised rather
//! than recreated:
//!
//! - a file is written only when its bytes changed, and put in place in one
//!   atomic step (a rename, or an exchange with a spare file that then takes
//!   the old inode), so no reader and no killed build ever sees a
//!   half-written file;
//! - files that cairn wrote before (listed in the manifest `.cairn-manifest`)
//!   and no longer produces are removed; nothing else is ever deleted.
//!
//! The manifest is also the ownership marker: cairn refuses to write into a
//! non-empty folder without one unless `--force` is given. Before any file is
//! replaced, the manifest is extended with the new paths, so a build killed
//! half-way still knows every file it may have written; while files are
//! staged, `.cairn-building` tells the next build to clear the temporary
//! files of a killed one.

pub(crate) mod uptodate;

use std::collections::HashSet;
use std::fs;
use std::io::{self, Write};
use std::path::{Component, Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use rayon::prelude::*;

/// Present while a sync runs: a build that finds it was preceded by one
/// that was killed, and clears that build's temporary files.
pub const BUILDING: &str = ".cairn-building";

/// Suffix of the temporary file written next to each target.
const TMP_SUFFIX: &str = ".cairn-tmp";

/// The temporary path of `target`: a dot-file in the same folder, never a
/// page.
fn temp_path(target: &Path) -> PathBuf {
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    target.with_file_name(format!(".{name}{TMP_SUFFIX}"))
}

/// Removes the temporary files a killed build left next to its targets.
fn clear_leftovers(out: &Path) -> io::Result<()> {
    for entry in walkdir::WalkDir::new(out).into_iter().flatten() {
        let name = entry.file_name().to_string_lossy();
        if entry.file_type().is_file() && name.starts_with('.') && name.ends_with(TMP_SUFFIX) {
            fs::remove_file(entry.path())?;
        }
    }
    Ok(())
}

/// The manifest of files cairn wrote, one path per line.
pub const MANIFEST: &str = ".cairn-manifest";
/// Where files are written before being renamed into place.
pub const TMP_DIR: &str = ".cairn-tmp";
/// The folder of `TMP_DIR` holding a fresh build's files under their own
/// names.
const TREE: &str = "tree";
const MANIFEST_HEADER: &str = "# files written by cairn; do not edit";

/// The bytes of one output file.
#[derive(Debug, Clone)]
pub enum Data {
    /// Rendered in memory.
    Bytes(Vec<u8>),
    /// Embedded in the binary (the default theme's static files).
    Static(&'static [u8]),
    /// Copied from a file on disk when written.
    File(PathBuf),
}

impl Data {
    /// The bytes, unless they are still in a file.
    fn in_memory(&self) -> Option<&[u8]> {
        match self {
            Data::Bytes(b) => Some(b),
            Data::Static(b) => Some(b),
            Data::File(_) => None,
        }
    }
}

/// One file of the output, at a `/`-separated path relative to the output
/// folder.
#[derive(Debug, Clone)]
pub struct OutputFile {
    /// Relative path, `roles/pm/index.html`.
    pub rel: String,
    /// Its content.
    pub data: Data,
}

/// What a sync did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct SyncStats {
    /// Files whose bytes changed or that are new.
    pub written: usize,
    /// Files already as they should be.
    pub unchanged: usize,
    /// Stale files removed.
    pub removed: usize,
}

/// Checks that `out` is a safe place to write the site rooted at `root`.
/// Returns the message of the refusal.
pub fn guard(root: &Path, out: &Path, force: bool) -> Result<(), String> {
    let root = absolute(root);
    let out = absolute(out);
    let shown = out.display();
    if out == root {
        return Err(format!("output folder `{shown}` is the site root"));
    }
    if root.starts_with(&out) {
        return Err(format!("output folder `{shown}` contains the site itself"));
    }
    if out.join("content").exists() || out.join(crate::config::CONFIG_FILE).exists() {
        return Err(format!(
            "output folder `{shown}` contains `content/` or `site.toml`"
        ));
    }
    for inner in ["content", "static", "templates", "themes"] {
        if out.starts_with(root.join(inner)) {
            return Err(format!("output folder `{shown}` lies inside `{inner}/`"));
        }
    }
    if out.is_file() {
        return Err(format!("output path `{shown}` is a file"));
    }
    // A first build killed before its manifest was written leaves its
    // marker: that folder is cairn's too, and the next build completes it.
    if !force && !out.join(MANIFEST).is_file() && !out.join(BUILDING).is_file() {
        let non_empty = fs::read_dir(&out)
            .map(|mut d| d.next().is_some())
            .unwrap_or(false);
        if non_empty {
            return Err(format!(
                "output folder `{shown}` is not empty and was not created by cairn; use `--force` to write into it anyway (cairn will still only remove files it wrote)"
            ));
        }
    }
    Ok(())
}

/// Makes a path absolute and resolves `.`/`..` and symlinks of the part that
/// exists, so that two spellings of one folder compare equal.
pub fn absolute(p: &Path) -> PathBuf {
    let p = if p.is_absolute() {
        p.to_path_buf()
    } else {
        std::env::current_dir().unwrap_or_default().join(p)
    };
    // Canonicalise the longest existing prefix, then append the rest.
    let mut existing = p.as_path();
    let mut rest = Vec::new();
    loop {
        if let Ok(c) = existing.canonicalize() {
            let mut out = c;
            for r in rest.iter().rev() {
                out.push(r);
            }
            return normalize(&out);
        }
        match (existing.parent(), existing.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(name.to_os_string());
                existing = parent;
            }
            _ => return normalize(&p),
        }
    }
}

fn normalize(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

/// A relative output path that cannot leave the output folder.
fn safe_rel(rel: &str) -> Option<PathBuf> {
    let p = Path::new(rel);
    if rel.is_empty() || rel.contains('\0') || rel.contains('\\') {
        return None;
    }
    p.components()
        .all(|c| matches!(c, Component::Normal(_)))
        .then(|| p.to_path_buf())
}

/// The paths listed in the text of a manifest, in file order.
pub fn manifest_paths(text: &str) -> impl Iterator<Item = &str> {
    text.lines()
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
}

fn read_manifest(out: &Path) -> HashSet<String> {
    fs::read_to_string(out.join(MANIFEST))
        .map(|t| manifest_paths(&t).map(str::to_string).collect())
        .unwrap_or_default()
}

fn write_manifest(out: &Path, paths: &mut Vec<&str>) -> io::Result<()> {
    paths.sort_unstable();
    paths.dedup();
    let mut text = String::from(MANIFEST_HEADER);
    text.push('\n');
    for p in paths.iter() {
        text.push_str(p);
        text.push('\n');
    }
    let tmp = out.join(TMP_DIR).join("manifest");
    write_new(&tmp, text.as_bytes())?;
    fs::rename(&tmp, out.join(MANIFEST))
}

fn write_new(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut f = fs::File::create(path)?;
    f.write_all(bytes)?;
    Ok(())
}

/// Writes `data` to a new file at `path`.
fn write_data(path: &Path, data: &Data) -> io::Result<()> {
    match data {
        Data::File(p) => fs::copy(p, path)
            .map(|_| ())
            .map_err(|e| io::Error::other(format!("cannot copy `{}`: {e}", p.display()))),
        Data::Bytes(b) => write_new(path, b),
        Data::Static(b) => write_new(path, b),
    }
}

/// Whether the file at `target`, whose metadata (not following symlinks) is
/// `meta`, already holds `data`.
fn same_as(meta: Option<&fs::Metadata>, target: &Path, data: &Data) -> bool {
    use std::io::Read;
    let Some(meta) = meta.filter(|m| m.is_file()) else {
        return false;
    };
    let expected_len = match data {
        Data::Bytes(b) => b.len() as u64,
        Data::Static(b) => b.len() as u64,
        Data::File(p) => match fs::metadata(p) {
            Ok(m) => m.len(),
            Err(_) => return false,
        },
    };
    if meta.len() != expected_len {
        return false;
    }
    let mut existing = Vec::with_capacity(expected_len as usize);
    if fs::File::open(target)
        .and_then(|mut f| f.read_to_end(&mut existing))
        .is_err()
    {
        return false;
    }
    match data {
        Data::Bytes(b) => existing == *b,
        Data::Static(b) => existing == *b,
        Data::File(p) => fs::read(p).is_ok_and(|b| b == existing),
    }
}

/// Where a staged file waits for the commit.
#[derive(Debug)]
struct Staged {
    /// Its path relative to the output folder.
    rel: PathBuf,
    /// The temporary file holding its new bytes.
    tmp: PathBuf,
}

/// A changed file whose target already exists: its bytes wait in the pack
/// until the commit swaps them into the target's inode's place.
#[derive(Debug)]
struct Packed {
    /// Its path relative to the output folder.
    rel: PathBuf,
    /// Where its bytes are in the pack.
    offset: u64,
    len: usize,
}

/// One append-only file in `.cairn-tmp/` holding the new bytes of every
/// changed file that replaces an existing one. A template change rewrites
/// every page: with a temporary file each, that is one new inode per page
/// and one freed when it is renamed over the old file, which on ext4
/// without a journal makes every later allocation skip the freed inodes
/// one by one for a minute. With the pack, the commit writes each page into
/// a spare file and swaps it with its target (`RENAME_EXCHANGE`): the
/// target is replaced atomically as before, and the old inode becomes the
/// spare for the next page, so a rebuild allocates and frees one inode per
/// thread instead of one per page.
#[cfg(unix)]
struct Pack {
    file: fs::File,
    len: std::sync::atomic::AtomicU64,
}

#[cfg(unix)]
impl Pack {
    fn create(path: &Path) -> io::Result<Pack> {
        let file = fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create_new(true)
            .open(path)?;
        Ok(Pack {
            file,
            len: std::sync::atomic::AtomicU64::new(0),
        })
    }

    /// Appends `bytes` (from any thread); returns their offset.
    fn append(&self, bytes: &[u8]) -> io::Result<u64> {
        use std::os::unix::fs::FileExt;
        let offset = self.len.fetch_add(bytes.len() as u64, Ordering::Relaxed);
        self.file.write_all_at(bytes, offset)?;
        Ok(offset)
    }

    fn read(&self, p: &Packed, buf: &mut Vec<u8>) -> io::Result<()> {
        use std::os::unix::fs::FileExt;
        buf.resize(p.len, 0);
        self.file.read_exact_at(buf, p.offset)
    }
}

/// Swaps the files at `a` and `b` atomically (Linux `renameat2` with
/// `RENAME_EXCHANGE`); an error where the system or filesystem cannot.
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> io::Result<()> {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    let c = |p: &Path| CString::new(p.as_os_str().as_bytes()).map_err(io::Error::other);
    let (a, b) = (c(a)?, c(b)?);
    // SAFETY: both paths are NUL-terminated strings that outlive the call.
    let r = unsafe {
        libc::renameat2(
            libc::AT_FDCWD,
            a.as_ptr(),
            libc::AT_FDCWD,
            b.as_ptr(),
            libc::RENAME_EXCHANGE,
        )
    };
    if r == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}

#[cfg(all(unix, not(target_os = "linux")))]
fn exchange(_: &Path, _: &Path) -> io::Result<()> {
    Err(io::ErrorKind::Unsupported.into())
}

/// How far [`Stager::ensure_dir`] got.
enum DirState {
    /// The folder exists (or was created) inside the output folder.
    Ready,
    /// A stale file of ours stands where the folder must go: it may only be
    /// removed at the commit, so the file is staged in `.cairn-tmp/`.
    Blocked,
}

/// A write of the output folder in two phases, so that a build can hand
/// over each file as soon as it is rendered without ever touching the
/// previous output before the whole build has succeeded:
///
/// 1. [`Stager::stage`] compares a file with what is on disk and, when its
///    bytes changed, appends them to the pack if they replace an existing
///    file, else writes them to a temporary dot-file next to the target
///    (creating the target's folder if it is new). Into an empty folder it
///    writes the file under its own name into `.cairn-tmp/tree/` instead.
///    Nothing the previous build wrote is modified, and the caller need not
///    keep the bytes.
/// 2. [`Stager::commit`] extends the manifest, moves the fresh tree's
///    top-level entries into place, renames every temporary file into
///    place and swaps every packed one in (an atomic replacement each),
///    removes the stale files and writes the final manifest.
///    [`Stager::abort`] (also run on drop) instead removes the temporary
///    files and the folders this build created.
///
/// Creating every new inode before replacing (and so freeing) any old one
/// also keeps a build's own freed inodes out of the way of its allocations
/// on ext4 without a journal, which skips recently freed inodes one by one
/// (README, "Performance").
pub struct Stager {
    out: PathBuf,
    old: HashSet<String>,
    /// The output folder did not exist before this build.
    created_out: bool,
    /// Folders (relative) known to be real folders inside the output.
    ready: Mutex<HashSet<PathBuf>>,
    /// Folders this build created, to remove on abort.
    made: Mutex<Vec<PathBuf>>,
    staged: Mutex<Vec<Staged>>,
    /// Where replacements wait (none where the pack could not be made).
    #[cfg(unix)]
    pack: Option<Pack>,
    packed: Mutex<Vec<Packed>>,
    /// The output folder held nothing: every file is written under its
    /// own name in `.cairn-tmp/tree/`, whose top-level entries the commit
    /// moves into place (see [`Stager::begin`]).
    fresh: bool,
    /// Files written to the fresh tree.
    fresh_files: AtomicUsize,
    unchanged: AtomicUsize,
    fallback: AtomicUsize,
    finished: bool,
}

impl Stager {
    /// Prepares `out` for a build: creates it if needed, clears what a
    /// killed build left, and marks the folder as being written. The
    /// caller has already run [`guard`].
    pub fn begin(out: &Path) -> io::Result<Stager> {
        let err = |m: String| io::Error::other(m);
        let created_out = !out.exists();
        fs::create_dir_all(out)
            .map_err(|e| err(format!("cannot create `{}`: {e}", out.display())))?;
        let out = out.canonicalize()?;
        let tmp_dir = out.join(TMP_DIR);
        // Leftovers of a killed build are ours: clear them.
        if tmp_dir.exists() {
            fs::remove_dir_all(&tmp_dir)?;
        }
        fs::create_dir_all(&tmp_dir)?;
        let building = out.join(BUILDING);
        if building.exists() {
            clear_leftovers(&out)?;
        }
        write_new(&building, b"a cairn build is writing this folder\n")?;
        let old = read_manifest(&out);
        // Into an empty folder (a first build, or after `rm -rf public`),
        // nothing can be replaced and every file is new: rather than a
        // temporary file renamed into place per file, the files are
        // written under their own names into a hidden tree, and the commit
        // moves its few top-level entries, each a folder of thousands of
        // pages, in one rename each.
        let fresh = old.is_empty()
            && fs::read_dir(&out)?
                .flatten()
                .all(|e| e.file_name() == TMP_DIR || e.file_name() == BUILDING);
        if fresh {
            fs::create_dir(tmp_dir.join(TREE))?;
        }
        Ok(Stager {
            fresh,
            fresh_files: AtomicUsize::new(0),
            #[cfg(unix)]
            // A fresh build replaces nothing.
            pack: (!fresh)
                .then(|| Pack::create(&tmp_dir.join("pack")).ok())
                .flatten(),
            out,
            old,
            created_out,
            ready: Mutex::new(HashSet::new()),
            made: Mutex::new(Vec::new()),
            staged: Mutex::new(Vec::new()),
            packed: Mutex::new(Vec::new()),
            unchanged: AtomicUsize::new(0),
            fallback: AtomicUsize::new(0),
            finished: false,
        })
    }

    /// Makes sure the folder `rel` exists inside the output, creating what
    /// is missing; never follows a symlink out of the output folder.
    fn ensure_dir(&self, rel: &Path) -> io::Result<DirState> {
        let err = |m: String| io::Error::other(m);
        if rel.as_os_str().is_empty() || self.ready.lock().unwrap().contains(rel) {
            return Ok(DirState::Ready);
        }
        if let Some(parent) = rel.parent()
            && let DirState::Blocked = self.ensure_dir(parent)?
        {
            return Ok(DirState::Blocked);
        }
        let full = self.out.join(rel);
        let meta = match fs::symlink_metadata(&full) {
            Ok(m) => Some(m),
            Err(e) if e.kind() == io::ErrorKind::NotFound => None,
            Err(e) => return Err(e),
        };
        match meta {
            None => match fs::create_dir(&full) {
                Ok(()) => self.made.lock().unwrap().push(rel.to_path_buf()),
                // Another thread was quicker.
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists && full.is_dir() => {}
                Err(e) => return Err(e),
            },
            Some(m) if m.is_dir() => {}
            Some(m) if m.file_type().is_symlink() && full.is_dir() => {
                if !full.canonicalize()?.starts_with(&self.out) {
                    return Err(err(format!(
                        "`{}` leads outside the output folder",
                        full.display()
                    )));
                }
            }
            Some(_) => {
                let rel_s = rel.to_string_lossy().replace('\\', "/");
                if self.old.contains(&rel_s) {
                    return Ok(DirState::Blocked);
                }
                return Err(err(format!(
                    "`{}` is in the way of a folder cairn needs",
                    full.display()
                )));
            }
        }
        self.ready.lock().unwrap().insert(rel.to_path_buf());
        Ok(DirState::Ready)
    }

    /// Stages one file: nothing happens if the output already holds these
    /// bytes; otherwise they go to a temporary file until the commit.
    pub fn stage(&self, rel: &str, data: &Data) -> io::Result<()> {
        let err = |m: String| io::Error::other(m);
        let relp = safe_rel(rel).ok_or_else(|| {
            err(format!(
                "refusing to write outside the output folder: `{rel}`"
            ))
        })?;
        if self.fresh {
            return self.stage_fresh(&relp, data);
        }
        let target = self.out.join(&relp);
        let meta = fs::symlink_metadata(&target).ok();
        if same_as(meta.as_ref(), &target, data) {
            self.unchanged.fetch_add(1, Ordering::Relaxed);
            return Ok(());
        }
        if meta.as_ref().is_some_and(|m| m.is_dir()) {
            return Err(err(format!(
                "`{}` is a folder; cairn needs to write a file there",
                target.display()
            )));
        }
        let parent = relp.parent().unwrap_or(Path::new(""));
        let dir = self.ensure_dir(parent)?;
        // Rendered bytes replacing an existing file wait in the pack.
        #[cfg(unix)]
        if let (Some(pack), DirState::Ready, Some(bytes)) = (&self.pack, &dir, data.in_memory())
            && meta.as_ref().is_some_and(|m| m.is_file())
        {
            let offset = pack.append(bytes)?;
            self.packed.lock().unwrap().push(Packed {
                rel: relp,
                offset,
                len: bytes.len(),
            });
            return Ok(());
        }
        // The temporary file sits next to its target: a rename inside one
        // folder is cheaper than across folders.
        let tmp = match dir {
            DirState::Ready => temp_path(&target),
            DirState::Blocked => {
                let n = self.fallback.fetch_add(1, Ordering::Relaxed);
                self.out.join(TMP_DIR).join(n.to_string())
            }
        };
        write_data(&tmp, data)?;
        self.staged.lock().unwrap().push(Staged { rel: relp, tmp });
        Ok(())
    }

    /// Writes one file of a fresh build into the hidden tree.
    fn stage_fresh(&self, relp: &Path, data: &Data) -> io::Result<()> {
        let tree = self.out.join(TMP_DIR).join(TREE);
        if let Some(parent) = relp.parent()
            && !parent.as_os_str().is_empty()
            && !self.ready.lock().unwrap().contains(parent)
        {
            fs::create_dir_all(tree.join(parent))?;
            self.ready.lock().unwrap().insert(parent.to_path_buf());
        }
        write_data(&tree.join(relp), data)?;
        self.fresh_files.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }

    /// Puts every staged file in place, removes stale files of earlier
    /// builds, and records `all`, every file of this build, in the
    /// manifest.
    pub fn commit(mut self, all: &[&str]) -> io::Result<SyncStats> {
        self.finished = true;
        let out = self.out.clone();
        extend_manifest(&out, &self.old, all.iter().copied())?;
        let staged = std::mem::take(&mut *self.staged.lock().unwrap());
        // Stale files of ours in the way of new folders go first.
        for s in staged
            .iter()
            .filter(|s| s.tmp.starts_with(out.join(TMP_DIR)))
        {
            let mut dir = PathBuf::new();
            for c in s.rel.parent().into_iter().flat_map(Path::components) {
                dir.push(c);
                let full = out.join(&dir);
                if fs::symlink_metadata(&full).is_ok_and(|m| !m.is_dir()) {
                    fs::remove_file(&full)?;
                }
            }
            if let Some(parent) = s.rel.parent() {
                fs::create_dir_all(out.join(parent))?;
            }
        }
        staged
            .par_iter()
            .try_for_each(|s| fs::rename(&s.tmp, out.join(&s.rel)))?;
        if self.fresh {
            // Nothing else was written into the folder meanwhile: a
            // name taken now is an error, never overwritten.
            for entry in fs::read_dir(out.join(TMP_DIR).join(TREE))? {
                let entry = entry?;
                let target = out.join(entry.file_name());
                if fs::symlink_metadata(&target).is_ok() {
                    return Err(io::Error::other(format!(
                        "`{}` appeared while the site was being built",
                        target.display()
                    )));
                }
                fs::rename(entry.path(), target)?;
            }
        }
        let packed = std::mem::take(&mut *self.packed.lock().unwrap());
        #[cfg(unix)]
        if let Some(pack) = &self.pack {
            swap_in(&out, pack, &packed)?;
        }

        let new: HashSet<&str> = all.iter().copied().collect();
        let mut stale: Vec<&str> = self
            .old
            .iter()
            .map(String::as_str)
            .filter(|p| !new.contains(p))
            .collect();
        stale.sort_unstable();
        let removed = remove_files(&out, stale)?;
        let mut now: Vec<&str> = all.to_vec();
        write_manifest(&out, &mut now)?;
        fs::remove_dir_all(out.join(TMP_DIR))?;
        fs::remove_file(out.join(BUILDING))?;
        let written = staged.len() + packed.len() + self.fresh_files.load(Ordering::Relaxed);
        Ok(SyncStats {
            written,
            unchanged: self.unchanged.load(Ordering::Relaxed),
            removed,
        })
    }

    /// Gives up: removes every temporary file and every folder this build
    /// created, leaving the output folder as it was.
    pub fn abort(mut self) {
        self.undo();
    }

    fn undo(&mut self) {
        if self.finished {
            return;
        }
        self.finished = true;
        for s in self.staged.lock().unwrap().drain(..) {
            let _ = fs::remove_file(&s.tmp);
        }
        let mut made = std::mem::take(&mut *self.made.lock().unwrap());
        // Deepest first.
        made.sort_by_key(|p| std::cmp::Reverse(p.components().count()));
        for d in made {
            let _ = fs::remove_dir(self.out.join(d));
        }
        let _ = fs::remove_dir_all(self.out.join(TMP_DIR));
        let _ = fs::remove_file(self.out.join(BUILDING));
        if self.created_out {
            let _ = fs::remove_dir(&self.out);
        }
    }
}

impl Drop for Stager {
    fn drop(&mut self) {
        self.undo();
    }
}

/// Puts the packed files in place: each thread writes a file's bytes into
/// its spare and exchanges spare and target, so the target is replaced in
/// one step and its old inode becomes the spare for the next file. Where
/// the filesystem cannot exchange, the spare is renamed over the target
/// instead (the next file gets a new spare), and where the target is on
/// another filesystem, a temporary file next to it is.
#[cfg(unix)]
fn swap_in(out: &Path, pack: &Pack, packed: &[Packed]) -> io::Result<()> {
    if packed.is_empty() {
        return Ok(());
    }
    let per_thread = packed.len().div_ceil(rayon::current_num_threads().max(1));
    packed
        .par_chunks(per_thread)
        .enumerate()
        .try_for_each(|(k, part)| {
            let spare = out.join(TMP_DIR).join(format!("spare-{k}"));
            let mut buf = Vec::new();
            for p in part {
                pack.read(p, &mut buf)?;
                fill_spare(&spare, &buf)?;
                let target = out.join(&p.rel);
                if exchange(&spare, &target).is_err() {
                    match fs::rename(&spare, &target) {
                        // Another filesystem mounted inside the output:
                        // a temporary file next to the target, as for new
                        // files.
                        Err(e) if e.kind() == io::ErrorKind::CrossesDevices => {
                            let tmp = temp_path(&target);
                            write_new(&tmp, &buf)?;
                            fs::rename(&tmp, &target)?;
                        }
                        other => other?,
                    }
                }
            }
            // The last old inode (the folder goes at the end of the commit).
            let _ = fs::remove_file(&spare);
            Ok(())
        })
}

/// Writes `bytes` into the spare file at `path`: the old file the last
/// exchange took out, reused only when nothing else can see it, else a new
/// file. A hard-linked copy of the output elsewhere, or a reader that
/// opened the old file before it was swapped out (a web server sending
/// it), keeps its bytes.
#[cfg(unix)]
fn fill_spare(path: &Path, bytes: &[u8]) -> io::Result<()> {
    use std::os::unix::fs::MetadataExt;
    let mut f = match fs::OpenOptions::new().write(true).open(path) {
        Ok(f) if f.metadata()?.nlink() == 1 && unshared(&f) => {
            f.set_len(0)?;
            f
        }
        Ok(_) => {
            fs::remove_file(path)?;
            fs::File::create_new(path)?
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => fs::File::create_new(path)?,
        Err(e) => return Err(e),
    };
    f.write_all(bytes)
}

/// Whether no other open file refers to `f`'s file: Linux grants a write
/// lease only then. Elsewhere, and where leases are off or not allowed,
/// never assumed.
#[cfg(target_os = "linux")]
fn unshared(f: &fs::File) -> bool {
    use std::os::fd::AsRawFd;
    // `F_SETSIG` of `<asm-generic/fcntl.h>` (the libc crate lacks it), on
    // the architectures known to use that header; elsewhere no spare is
    // reused.
    let f_setsig: libc::c_int = if cfg!(any(
        target_arch = "x86_64",
        target_arch = "aarch64",
        target_arch = "riscv64"
    )) {
        10
    } else {
        return false;
    };
    let fd = f.as_raw_fd();
    // SAFETY: fcntl on a descriptor this function borrows, with integer
    // arguments. Were the lease broken in the instant it is held, the
    // holder would get SIGURG (ignored unless handled) rather than the
    // default SIGIO, which would end the process.
    unsafe {
        if libc::fcntl(fd, f_setsig, libc::SIGURG) != 0
            || libc::fcntl(fd, libc::F_SETLEASE, libc::F_WRLCK) != 0
        {
            return false;
        }
        libc::fcntl(fd, libc::F_SETLEASE, libc::F_UNLCK);
    }
    true
}

#[cfg(all(unix, not(target_os = "linux")))]
fn unshared(_: &fs::File) -> bool {
    false
}

/// Adds `new` to the manifest of `out`, whose paths are `old`: done before
/// any file is replaced, so that a killed build still knows its files.
fn extend_manifest<'a>(
    out: &Path,
    old: &'a HashSet<String>,
    new: impl Iterator<Item = &'a str>,
) -> io::Result<()> {
    let mut union: Vec<&str> = old.iter().map(String::as_str).chain(new).collect();
    write_manifest(out, &mut union)
}

/// Removes the files at `rels` (paths cairn wrote) and the folders they
/// leave empty; folders and unsafe paths are skipped. Returns how many
/// files went.
fn remove_files<'a>(out: &Path, rels: impl IntoIterator<Item = &'a str>) -> io::Result<usize> {
    let mut removed = 0;
    for rel in rels {
        let Some(relp) = safe_rel(rel) else { continue };
        let target = out.join(&relp);
        if fs::symlink_metadata(&target).is_ok_and(|m| !m.is_dir()) {
            fs::remove_file(&target)?;
            removed += 1;
            remove_empty_parents(out, &relp);
        }
    }
    Ok(removed)
}

/// Removes the folders left empty above `relp`, up to the output root.
fn remove_empty_parents(out: &Path, relp: &Path) {
    let mut dir = relp.parent();
    while let Some(d) = dir.filter(|d| !d.as_os_str().is_empty()) {
        if fs::remove_dir(out.join(d)).is_err() {
            break;
        }
        dir = d.parent();
    }
}

/// Where a build hands its rendered files, one at a time and from any
/// thread.
pub trait Sink: Sync {
    /// Takes one finished file; gives it back when the output is kept in
    /// memory, `None` when it went to disk.
    fn put(&self, file: OutputFile) -> io::Result<Option<OutputFile>>;
}

/// Keeps every file in memory (`check`, `watch` and `serve`).
pub struct InMemory;

impl Sink for InMemory {
    fn put(&self, file: OutputFile) -> io::Result<Option<OutputFile>> {
        Ok(Some(file))
    }
}

impl Sink for Stager {
    fn put(&self, file: OutputFile) -> io::Result<Option<OutputFile>> {
        self.stage(&file.rel, &file.data)?;
        Ok(None)
    }
}

/// Writes the files of `changed` and removes those of `removed`, for a
/// watch-mode rebuild whose previous output is known to be on disk: no other
/// file is read or compared. `all` is every file of the new build (for the
/// manifest). Same guarantees as a [`Stager`]: atomic writes, and only files
/// cairn wrote are removed.
pub fn write_delta(
    out: &Path,
    all: &std::collections::BTreeMap<String, std::sync::Arc<Vec<u8>>>,
    changed: &[String],
    removed: &[String],
) -> io::Result<SyncStats> {
    let err = |m: String| io::Error::other(m);
    let out = out.canonicalize()?;
    let tmp_dir = out.join(TMP_DIR);
    fs::create_dir_all(&tmp_dir)?;
    let owned = read_manifest(&out);
    extend_manifest(&out, &owned, changed.iter().map(String::as_str))?;
    for (n, rel) in changed.iter().enumerate() {
        let relp = safe_rel(rel).ok_or_else(|| {
            err(format!(
                "refusing to write outside the output folder: `{rel}`"
            ))
        })?;
        let bytes = all
            .get(rel)
            .ok_or_else(|| err(format!("no data for `{rel}`")))?;
        let target = out.join(&relp);
        if let Some(parent) = target.parent() {
            fs::create_dir_all(parent)?;
            if !parent.canonicalize()?.starts_with(&out) {
                return Err(err(format!(
                    "`{}` leads outside the output folder",
                    parent.display()
                )));
            }
        }
        let tmp = tmp_dir.join(n.to_string());
        write_new(&tmp, bytes)?;
        fs::rename(&tmp, &target)?;
    }
    let gone = remove_files(
        &out,
        removed
            .iter()
            .filter(|r| owned.contains(*r))
            .map(String::as_str),
    )?;
    let mut now: Vec<&str> = all.keys().map(String::as_str).collect();
    write_manifest(&out, &mut now)?;
    fs::remove_dir_all(&tmp_dir)?;
    Ok(SyncStats {
        written: changed.len(),
        unchanged: all.len() - changed.len(),
        removed: gone,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Synchronises `out` with `files` in one go.
    fn sync(out: &Path, files: &[OutputFile]) -> io::Result<SyncStats> {
        let stager = Stager::begin(out)?;
        files
            .par_iter()
            .try_for_each(|f| stager.stage(&f.rel, &f.data))?;
        let all: Vec<&str> = files.iter().map(|f| f.rel.as_str()).collect();
        stager.commit(&all)
    }

    fn file(rel: &str, s: &str) -> OutputFile {
        OutputFile {
            rel: rel.into(),
            data: Data::Bytes(s.as_bytes().to_vec()),
        }
    }

    #[test]
    fn rel_paths_cannot_escape() {
        assert!(safe_rel("a/b/index.html").is_some());
        assert!(safe_rel("../x").is_none());
        assert!(safe_rel("/etc/passwd").is_none());
        assert!(safe_rel("a/../../x").is_none());
        assert!(safe_rel("a\\..\\x").is_none());
        assert!(safe_rel("").is_none());
    }

    #[test]
    fn sync_writes_changes_and_removes_only_its_own_stale_files() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let s = sync(
            &out,
            &[file("a/index.html", "A"), file("b/index.html", "B")],
        )
        .unwrap();
        assert_eq!(
            s,
            SyncStats {
                written: 2,
                unchanged: 0,
                removed: 0
            }
        );
        fs::write(out.join("user.txt"), "mine").unwrap();
        fs::create_dir_all(out.join(".git")).unwrap();
        let s = sync(&out, &[file("a/index.html", "A2")]).unwrap();
        assert_eq!(
            s,
            SyncStats {
                written: 1,
                unchanged: 0,
                removed: 1
            }
        );
        assert_eq!(fs::read_to_string(out.join("a/index.html")).unwrap(), "A2");
        assert!(
            !out.join("b").exists(),
            "empty folder of a stale file is removed"
        );
        assert!(out.join("user.txt").exists());
        assert!(out.join(".git").exists());
        assert!(!out.join(TMP_DIR).exists());
        let s = sync(&out, &[file("a/index.html", "A2")]).unwrap();
        assert_eq!(
            s,
            SyncStats {
                written: 0,
                unchanged: 1,
                removed: 0
            }
        );
    }

    #[test]
    fn a_stale_file_of_ours_gives_way_to_a_folder_only_at_the_commit() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        sync(&out, &[file("a/b", "file"), file("c.txt", "C")]).unwrap();
        // `a/b` becomes a folder: nothing changes until the commit...
        let stager = Stager::begin(&out).unwrap();
        stager
            .stage("a/b/index.html", &Data::Bytes(b"page".to_vec()))
            .unwrap();
        assert_eq!(fs::read_to_string(out.join("a/b")).unwrap(), "file");
        let stats = stager.commit(&["a/b/index.html", "c.txt"]).unwrap();
        assert_eq!(stats.written, 1);
        assert_eq!(
            fs::read_to_string(out.join("a/b/index.html")).unwrap(),
            "page"
        );
        assert!(!out.join(TMP_DIR).exists());
        // ...and an abort leaves the old file where it was.
        sync(&out, &[file("x", "old")]).unwrap();
        let stager = Stager::begin(&out).unwrap();
        stager
            .stage("x/index.html", &Data::Bytes(b"new".to_vec()))
            .unwrap();
        stager.abort();
        assert_eq!(fs::read_to_string(out.join("x")).unwrap(), "old");
        assert!(!out.join(TMP_DIR).exists());
        assert!(!out.join(BUILDING).exists());
    }

    #[test]
    fn a_foreign_file_in_the_way_of_a_folder_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        sync(&out, &[file("index.html", "home")]).unwrap();
        fs::write(out.join("mine"), "user file").unwrap();
        let err = sync(&out, &[file("mine/index.html", "page")]).unwrap_err();
        assert!(err.to_string().contains("in the way of a folder"), "{err}");
        assert_eq!(fs::read_to_string(out.join("mine")).unwrap(), "user file");
        assert_eq!(fs::read_to_string(out.join("index.html")).unwrap(), "home");
    }

    #[test]
    fn guard_refuses_dangerous_outputs() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("site");
        fs::create_dir_all(root.join("content")).unwrap();
        fs::write(root.join("site.toml"), "").unwrap();
        assert!(guard(&root, &root, true).unwrap_err().contains("site root"));
        assert!(
            guard(&root, dir.path(), true)
                .unwrap_err()
                .contains("contains the site")
        );
        assert!(
            guard(&root, &root.join("content/out"), true)
                .unwrap_err()
                .contains("inside `content/`")
        );
        assert!(guard(&root, &root.join("public"), false).is_ok());
        let other = dir.path().join("other");
        fs::create_dir_all(&other).unwrap();
        fs::write(other.join("x"), "").unwrap();
        assert!(guard(&root, &other, false).unwrap_err().contains("--force"));
        assert!(guard(&root, &other, true).is_ok());
        assert!(guard(&root, &root.join("content/../public"), false).is_ok());
    }
}
