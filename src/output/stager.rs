//! The one atomic writer of the output folder: [`Stager`] stages each
//! file as it is rendered and puts them all in place at the commit;
//! [`write_delta`] is the same for a watch-mode rebuild.

use std::collections::HashSet;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use rayon::prelude::*;

use super::{
    BUILDING, Data, MANIFEST, Manifest, OutputFile, Sink, SyncStats, TMP_DIR, TREE,
    clear_leftovers, extend_manifest, prepare_manifest, read_manifest, removable, remove_files,
    safe_rel, same_as, temp_path, write_data, write_new,
};

/// Where a staged file waits for the commit.
#[derive(Debug, Clone)]
struct Staged {
    /// Its path relative to the output folder.
    rel: PathBuf,
    /// The temporary file holding its new bytes.
    tmp: PathBuf,
}

impl AsRef<Path> for Staged {
    fn as_ref(&self) -> &Path {
        &self.rel
    }
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
///    bytes changed, writes them to a temporary dot-file next to the target
///    (creating the target's folder if it is new). Into an empty folder it
///    writes the file under its own name into `.cairn-tmp/tree/` instead.
///    Nothing the previous build wrote is modified, and the caller need not
///    keep the bytes.
/// 2. [`Stager::commit`] extends the manifest, moves the fresh tree's
///    top-level entries into place, renames every temporary file into
///    place (an atomic replacement each), removes the stale files and writes the final manifest.
///    [`Stager::abort`] (also run on drop) instead removes the temporary
///    files and the folders this build created.
///
/// Creating every new inode before replacing (and so freeing) any old one
/// also keeps a build's own freed inodes out of the way of its allocations
/// on ext4 without a journal, which skips recently freed inodes one by one
/// (the manual, "Performance").
pub struct Stager {
    out: PathBuf,
    /// The output folder, locked for this build (released when the stager
    /// is dropped, after its clean-up).
    _lock: Option<fs::File>,
    old: HashSet<String>,
    /// The output folder did not exist before this build.
    created_out: bool,
    /// `--force`: files cairn did not write may be overwritten.
    force: bool,
    /// Files cairn overwrote with `--force` in earlier builds: rewritten
    /// when they change, never deleted.
    kept: HashSet<String>,
    /// Files cairn did not write that this build overwrites (with
    /// `--force`): kept from then on, never owned, so never deleted.
    foreign: Mutex<Vec<String>>,
    /// Files cairn did not write that already hold this build's bytes:
    /// left alone and out of the manifest.
    untouched: Mutex<Vec<String>>,
    /// Folders (relative) known to be real folders inside the output.
    ready: Mutex<HashSet<PathBuf>>,
    /// Folders this build created, to remove on abort.
    made: Mutex<Vec<PathBuf>>,
    staged: Mutex<Vec<Staged>>,
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
    pub fn begin(out: &Path, force: bool) -> io::Result<Stager> {
        let err = |m: String| io::Error::other(m);
        let created_out = !out.exists();
        fs::create_dir_all(out)
            .map_err(|e| err(format!("cannot create `{}`: {e}", out.display())))?;
        let out = out.canonicalize()?;
        let lock = lock(&out)?;
        let tmp_dir = out.join(TMP_DIR);
        // The marker first: a build killed at any later point leaves a
        // folder the next build recognises as its own (see `guard`).
        let building = out.join(BUILDING);
        if building.exists() {
            clear_leftovers(&out)?;
        }
        write_new(&building, b"a cairn build is writing this folder\n")?;
        // Leftovers of a killed build are ours: clear them.
        if tmp_dir.exists() {
            fs::remove_dir_all(&tmp_dir)?;
        }
        fs::create_dir_all(&tmp_dir)?;
        let Manifest { owned: old, kept } = read_manifest(&out);
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
            _lock: lock,
            force,
            kept,
            foreign: Mutex::new(Vec::new()),
            untouched: Mutex::new(Vec::new()),
            fresh,
            fresh_files: AtomicUsize::new(0),
            out,
            old,
            created_out,
            ready: Mutex::new(HashSet::new()),
            made: Mutex::new(Vec::new()),
            staged: Mutex::new(Vec::new()),
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
            // A link in the output is never followed, wherever it leads:
            // writing through it would touch files cairn did not write.
            Some(m) if m.file_type().is_symlink() => {
                return Err(err(format!(
                    "`{}` is a symbolic link where cairn needs a folder; cairn never writes through a link in the output",
                    full.display()
                )));
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
    /// bytes; otherwise they go to a temporary file until the commit. A
    /// file cairn did not write (not in the manifest) is an error unless
    /// the stager was begun with `force`; then it is overwritten and kept
    /// (listed as `! path`: rewritten later, never deleted).
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
        // Someone else's file: not in the manifest.
        let foreign = meta.as_ref().is_some_and(|m| !m.is_dir())
            && !self.old.contains(rel)
            && !self.kept.contains(rel);
        if same_as(meta.as_ref(), &target, data) {
            if foreign {
                self.untouched.lock().unwrap().push(rel.to_string());
            }
            self.unchanged.fetch_add(1, Ordering::Relaxed);
            return Ok(());
        }
        if meta.as_ref().is_some_and(|m| m.is_dir()) {
            return Err(err(format!(
                "`{}` is a folder; cairn needs to write a file there",
                target.display()
            )));
        }
        if foreign {
            // Never replaced without `--force`, and then never made
            // cairn's: kept, not owned, so never deleted.
            if !self.force {
                return Err(err(format!(
                    "`{}` was not written by cairn (it is not in `{MANIFEST}`) and would be overwritten; move it away, or build with `--force` to overwrite it",
                    target.display()
                )));
            }
            self.foreign.lock().unwrap().push(rel.to_string());
        }
        let parent = relp.parent().unwrap_or(Path::new(""));
        let dir = self.ensure_dir(parent)?;
        // The temporary file sits next to its target: a rename inside one
        // folder is cheaper than across folders.
        let tmp = match dir {
            DirState::Ready => temp_path(&target),
            DirState::Blocked => {
                let n = self.fallback.fetch_add(1, Ordering::Relaxed);
                self.out.join(TMP_DIR).join(n.to_string())
            }
        };
        if let Err(e) = write_data(&tmp, data) {
            // A full disk leaves a partial file: not left beside the page.
            let _ = fs::remove_file(&tmp);
            return Err(e);
        }
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
        // On error the stager is dropped unfinished: its clean-up removes
        // what it staged, after the failed step put back what it replaced.
        let stats = self.try_commit(all)?;
        self.finished = true;
        Ok(stats)
    }

    fn try_commit(&mut self, all: &[&str]) -> io::Result<SyncStats> {
        let out = self.out.clone();
        let overwritten: Vec<String> = self.foreign.lock().unwrap().clone();
        let untouched: HashSet<String> = self.untouched.lock().unwrap().iter().cloned().collect();
        let produced: HashSet<&str> = all.iter().copied().collect();
        // Kept: overwritten now, or before and still produced.
        let kept: Vec<&str> = overwritten
            .iter()
            .map(String::as_str)
            .chain(
                self.kept
                    .iter()
                    .map(String::as_str)
                    .filter(|k| produced.contains(k)),
            )
            .collect();
        let kept_set: HashSet<&str> = kept.iter().copied().collect();
        let ours: Vec<&str> = all
            .iter()
            .copied()
            .filter(|p| !kept_set.contains(p) && !untouched.contains(*p))
            .collect();
        // Everything that needs space is written before the first file is
        // put in place: the manifest grown by the new paths (so a killed
        // build knows them), the final manifest, and a link to each file
        // about to be replaced (to put back if a later step fails).
        let old_manifest = out.join(TMP_DIR).join("manifest.old");
        let had_manifest = fs::hard_link(out.join(MANIFEST), &old_manifest).is_ok();
        let restore_manifest = || {
            if had_manifest {
                let _ = super::replace(&old_manifest, &out.join(MANIFEST));
            }
        };
        let staged: Vec<Staged> = self.staged.lock().unwrap().clone();
        let prepared = extend_manifest(&out, &self.old, ours.iter().copied(), &kept)
            .and_then(|()| prepare_manifest(&out, &mut ours.clone(), &kept, "manifest.next"))
            .and_then(|m| Ok((m, back_up(&out, "old", &staged)?)));
        let (manifest, backups) = match prepared {
            Ok(p) => p,
            Err(e) => {
                restore_manifest();
                return Err(e);
            }
        };
        if let Err(e) = self.put_in_place(&out, &staged) {
            roll_back(&out, &staged, &backups);
            restore_manifest();
            return Err(e);
        }
        let new: HashSet<&str> = all.iter().copied().collect();
        let mut stale: Vec<&str> = self
            .old
            .iter()
            .map(String::as_str)
            .filter(|p| !new.contains(p))
            .collect();
        stale.sort_unstable();
        // A stale file that cannot go (held open on Windows, a folder
        // made read-only) fails the build like any other step: the files
        // already removed come back from their links, the new ones go.
        let stale_rels: Vec<PathBuf> = stale.iter().filter_map(|r| removable(&out, r)).collect();
        let removed = back_up(&out, "stale", &stale_rels).and_then(|links| {
            remove_files(&out, &stale_rels).inspect_err(|_| put_back(&out, &stale_rels, &links))
        });
        let removed = match removed {
            Ok(n) => n,
            Err(e) => {
                roll_back(&out, &staged, &backups);
                restore_manifest();
                return Err(e);
            }
        };
        super::replace(&manifest, &out.join(MANIFEST))?;
        // The old files' last links, in parallel: thousands of them after a
        // template change.
        backups.par_iter().flatten().for_each(|b| {
            let _ = fs::remove_file(b);
        });
        fs::remove_dir_all(out.join(TMP_DIR))?;
        fs::remove_file(out.join(BUILDING))?;
        let written = staged.len() + self.fresh_files.load(Ordering::Relaxed);
        Ok(SyncStats {
            written,
            unchanged: self.unchanged.load(Ordering::Relaxed),
            removed,
        })
    }

    /// The paths of files cairn did not write that the commit will
    /// overwrite (only with `--force`).
    pub fn overwritten(&self) -> Vec<String> {
        let mut list = self.foreign.lock().unwrap().clone();
        list.sort();
        list
    }

    /// Renames every staged file into place, and moves the fresh tree's
    /// top-level entries in.
    fn put_in_place(&self, out: &Path, staged: &[Staged]) -> io::Result<()> {
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
                    super::remove(&full)?;
                }
            }
            if let Some(parent) = s.rel.parent() {
                fs::create_dir_all(out.join(parent))?;
            }
        }
        staged
            .par_iter()
            .try_for_each(|s| super::replace(&s.tmp, &out.join(&s.rel)))?;
        if self.fresh {
            // Nothing else was written into the folder meanwhile: a
            // name taken now is an error, never overwritten.
            // The folder was empty: what was moved in goes again on error.
            let mut moved: Vec<PathBuf> = Vec::new();
            let result = (|| {
                for entry in fs::read_dir(out.join(TMP_DIR).join(TREE))? {
                    let entry = entry?;
                    let target = out.join(entry.file_name());
                    if fs::symlink_metadata(&target).is_ok() {
                        return Err(io::Error::other(format!(
                            "`{}` appeared while the site was being built",
                            target.display()
                        )));
                    }
                    fs::rename(entry.path(), &target)?;
                    moved.push(target);
                }
                Ok(())
            })();
            if result.is_err() {
                for m in &moved {
                    let _ = fs::remove_dir_all(m).or_else(|_| fs::remove_file(m));
                }
            }
            result?;
        }
        Ok(())
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

impl Sink for Stager {
    fn put(&self, file: OutputFile) -> io::Result<Option<OutputFile>> {
        self.stage(&file.rel, &file.data)?;
        Ok(None)
    }
}

/// Links each of the output paths `rels` that is a file into
/// `.cairn-tmp/NAME/` (no bytes copied), before any is replaced or
/// removed, so that a commit that fails half way can put the old files
/// back; returns, per path, its backup if it had one.
fn back_up<T: AsRef<Path> + Sync>(
    out: &Path,
    name: &str,
    rels: &[T],
) -> io::Result<Vec<Option<PathBuf>>> {
    let dir = out.join(TMP_DIR).join(name);
    fs::create_dir_all(&dir)?;
    rels.par_iter()
        .enumerate()
        .map(|(n, rel)| {
            let target = out.join(rel);
            if !fs::symlink_metadata(&target).is_ok_and(|m| m.is_file()) {
                return Ok(None);
            }
            let backup = dir.join(n.to_string());
            fs::hard_link(&target, &backup)?;
            Ok(Some(backup))
        })
        .collect()
}

/// Puts back, from their backups, the files of `rels` a failed commit
/// had removed already.
fn put_back(out: &Path, rels: &[PathBuf], backups: &[Option<PathBuf>]) {
    for (rel, backup) in rels.iter().zip(backups) {
        let target = out.join(rel);
        if let Some(backup) = backup
            && fs::symlink_metadata(&target).is_err()
        {
            if let Some(parent) = target.parent() {
                let _ = fs::create_dir_all(parent);
            }
            let _ = fs::rename(backup, &target);
        }
    }
}

/// Puts the old files back after a failed commit: each staged file that
/// reached its place is replaced by its backup, or removed if it is new.
fn roll_back(out: &Path, staged: &[Staged], backups: &[Option<PathBuf>]) {
    for (s, backup) in staged.iter().zip(backups) {
        if s.tmp.exists() {
            // Never moved: nothing to undo.
            continue;
        }
        let target = out.join(&s.rel);
        match backup {
            Some(b) => {
                let _ = fs::rename(b, &target);
            }
            None => {
                let _ = fs::remove_file(&target);
            }
        }
    }
}

/// Locks the output folder `out` for one writer (an advisory `flock` on
/// the folder itself): a second cairn writing into it at the same time
/// stops with an error instead of mixing its files with the first one's.
/// Where a folder cannot be opened as a file (Windows), there is no lock.
fn lock(out: &Path) -> io::Result<Option<fs::File>> {
    let Ok(folder) = fs::File::open(out) else {
        return Ok(None);
    };
    match folder.try_lock() {
        Ok(()) => Ok(Some(folder)),
        Err(fs::TryLockError::WouldBlock) => Err(io::Error::other(format!(
            "another cairn is writing `{}`; wait for it to finish",
            out.display()
        ))),
        // Locks not supported here: go on without.
        Err(fs::TryLockError::Error(_)) => Ok(None),
    }
}

/// Writes a watch-mode rebuild: stages the files of `changed` (`data`
/// gives the bytes of any path of `all`, every file of the new build) and
/// commits, so the stale files of the manifest go. No other file is read
/// or compared, unless the output cannot be trusted to hold the previous
/// build: with `resync` (a write failed before) or when the folder is
/// empty or has no manifest (removed while watching), every file of `all`
/// is staged, which compares each with the disk and writes what differs.
/// `force` is `--force` (see [`Stager::stage`]).
pub fn write_delta(
    out: &Path,
    all: &[&str],
    data: impl Fn(&str) -> io::Result<Data>,
    changed: &[String],
    resync: bool,
    force: bool,
) -> io::Result<SyncStats> {
    let stager = Stager::begin(out, force)?;
    let to_stage: Vec<&str> = if resync || stager.fresh || stager.old.is_empty() {
        all.to_vec()
    } else {
        changed.iter().map(String::as_str).collect()
    };
    for rel in to_stage {
        stager.stage(rel, &data(rel)?)?;
    }
    let s = stager.commit(all)?;
    Ok(SyncStats {
        written: s.written,
        unchanged: all.len() - s.written,
        removed: s.removed,
    })
}
