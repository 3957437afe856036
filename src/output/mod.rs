//! Writing the output folder: guarded, synchronised, atomic per file.
//!
//! A build hands each file over as soon as it is rendered ([`Sink`]); the
//! [`Stager`] writes changed bytes to a temporary dot-file next to their
//! target (or, into an empty folder, under their own names in a hidden
//! tree), and puts
//! them all in place only once the whole build has succeeded, so a build
//! that fails leaves the previous output byte for byte as it was, and
//! memory never holds the whole site. The folder is synchronised rather
//! than recreated:
//!
//! - a file is written only when its bytes changed, and put in place in one
//!   atomic step (a rename), so no reader and no killed build ever sees a
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

mod stager;
pub(crate) mod uptodate;

pub use stager::{Stager, write_delta};

use std::collections::HashSet;
use std::fs;
use std::io::{self, Write};
use std::path::{Component, Path, PathBuf};

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

/// How long a file another program holds open is waited for, one wait
/// per retry: about two seconds in all.
const HELD_WAITS_MS: [u64; 6] = [20, 50, 100, 200, 500, 1000];

/// Renames `from` over `to` in one step. Windows refuses to replace or
/// remove a file that another program holds open without sharing its
/// deletion (an editor, a virus scanner, a search indexer reading the
/// page); such a refusal is retried for about two seconds, then reported
/// naming the file. Elsewhere the rename replaces an open file at once.
fn replace(from: &Path, to: &Path) -> io::Result<()> {
    held_retried(to, None, || fs::rename(from, to))
}

/// Removes the file `path`, waiting for another program as [`replace`];
/// any error names the file.
fn remove(path: &Path) -> io::Result<()> {
    held_retried(path, Some("remove"), || fs::remove_file(path))
}

/// Runs `op` on `path`, retrying while another program holds it (see
/// [`replace`]); a lasting refusal is reported naming the file, and so is
/// any other error when `verb` says what was being done.
fn held_retried(
    path: &Path,
    verb: Option<&str>,
    op: impl FnMut() -> io::Result<()>,
) -> io::Result<()> {
    let waits = HELD_WAITS_MS.map(std::time::Duration::from_millis);
    retried(op, held_by_another_program, &waits).map_err(|e| {
        let shown = path.display();
        let message = if held_by_another_program(&e) {
            format!(
                "cannot replace or remove `{shown}`, which another program may hold open ({e}); close it and build again"
            )
        } else if let Some(verb) = verb {
            format!("cannot {verb} `{shown}`: {e}")
        } else {
            return e;
        };
        io::Error::new(e.kind(), message)
    })
}

/// Windows' "access denied", "sharing violation" and "lock violation":
/// what a rename over, or the removal of, a file open elsewhere gets.
fn held_by_another_program(e: &io::Error) -> bool {
    cfg!(windows) && matches!(e.raw_os_error(), Some(5 | 32 | 33))
}

/// Runs `op`, and again after each of `waits` while it fails with an
/// error `transient` accepts; returns the last result.
fn retried<T>(
    mut op: impl FnMut() -> io::Result<T>,
    transient: impl Fn(&io::Error) -> bool,
    waits: &[std::time::Duration],
) -> io::Result<T> {
    let mut waits = waits.iter();
    loop {
        match op() {
            Err(e) if transient(&e) => match waits.next() {
                Some(w) => std::thread::sleep(*w),
                None => return Err(e),
            },
            result => return result,
        }
    }
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
        // Only cairn's temporary folder (left by a build of an earlier
        // version killed before it wrote its marker) is empty too.
        let non_empty = fs::read_dir(&out)
            .map(|d| d.flatten().any(|e| e.file_name() != TMP_DIR))
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
        .map(|l| l.strip_prefix(KEPT).unwrap_or(l))
}

/// The prefix of a manifest line naming a file cairn overwrote with
/// `--force` but did not create: rewritten by later builds, never deleted.
const KEPT: &str = "! ";

/// The manifest of `out`: the files cairn wrote, and the files it
/// overwrote but keeps (see [`KEPT`]).
#[derive(Debug, Default)]
struct Manifest {
    owned: HashSet<String>,
    kept: HashSet<String>,
}

fn read_manifest(out: &Path) -> Manifest {
    let mut m = Manifest::default();
    if let Ok(text) = fs::read_to_string(out.join(MANIFEST)) {
        for line in text
            .lines()
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
        {
            match line.strip_prefix(KEPT) {
                Some(p) => m.kept.insert(p.to_string()),
                None => m.owned.insert(line.to_string()),
            };
        }
    }
    m
}

fn write_manifest(out: &Path, paths: &mut Vec<&str>, kept: &[&str]) -> io::Result<()> {
    let tmp = prepare_manifest(out, paths, kept, "manifest")?;
    replace(&tmp, &out.join(MANIFEST))
}

/// Writes the manifest listing `paths` (and `kept`) to
/// `.cairn-tmp/<name>`, ready to be renamed into place; returns its path.
fn prepare_manifest(
    out: &Path,
    paths: &mut Vec<&str>,
    kept: &[&str],
    name: &str,
) -> io::Result<PathBuf> {
    paths.sort_unstable();
    paths.dedup();
    let mut kept = kept.to_vec();
    kept.sort_unstable();
    kept.dedup();
    let mut text = String::from(MANIFEST_HEADER);
    text.push('\n');
    for p in paths.iter() {
        text.push_str(p);
        text.push('\n');
    }
    for p in kept {
        text.push_str(KEPT);
        text.push_str(p);
        text.push('\n');
    }
    let tmp = out.join(TMP_DIR).join(name);
    write_new(&tmp, text.as_bytes())?;
    Ok(tmp)
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

/// Adds `new` to the manifest of `out`, whose paths are `old`: done before
/// any file is replaced, so that a killed build still knows its files.
fn extend_manifest<'a>(
    out: &Path,
    old: &'a HashSet<String>,
    new: impl Iterator<Item = &'a str>,
    kept: &[&str],
) -> io::Result<()> {
    let mut union: Vec<&str> = old.iter().map(String::as_str).chain(new).collect();
    write_manifest(out, &mut union, kept)
}

/// Removes the files at `rels` (paths cairn wrote, each [`removable`])
/// and the folders they leave empty. Returns how many files went.
fn remove_files(out: &Path, rels: &[PathBuf]) -> io::Result<usize> {
    for relp in rels {
        remove(&out.join(relp))?;
        remove_empty_parents(out, relp);
    }
    Ok(rels.len())
}

/// The path under `out` of the file `rel` names, where removing it is
/// safe: inside the folder, a file (or link) that is there, and never
/// through a link (`public/img` made a link to another folder would have
/// its files deleted there).
fn removable(out: &Path, rel: &str) -> Option<PathBuf> {
    let relp = safe_rel(rel)?;
    let file = !through_link(out, &relp)
        && fs::symlink_metadata(out.join(&relp)).is_ok_and(|m| !m.is_dir());
    file.then_some(relp)
}

/// Whether a folder on the way to `relp` under `out` is a symbolic link.
fn through_link(out: &Path, relp: &Path) -> bool {
    let mut dir = out.to_path_buf();
    let parents: Vec<_> = relp
        .parent()
        .into_iter()
        .flat_map(Path::components)
        .collect();
    parents.into_iter().any(|c| {
        dir.push(c);
        fs::symlink_metadata(&dir).is_ok_and(|m| m.file_type().is_symlink())
    })
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

#[cfg(test)]
mod tests {
    use super::*;
    use rayon::prelude::*;

    /// Synchronises `out` with `files` in one go.
    fn sync(out: &Path, files: &[OutputFile]) -> io::Result<SyncStats> {
        let stager = Stager::begin(out, false)?;
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
    fn a_transient_failure_is_retried_and_a_lasting_one_reported() {
        use std::cell::Cell;
        let busy = |e: &io::Error| e.kind() == io::ErrorKind::ResourceBusy;
        let waits = [std::time::Duration::ZERO; 3];
        // Busy twice, then done: three calls, success.
        let calls = Cell::new(0);
        let op = || {
            calls.set(calls.get() + 1);
            if calls.get() < 3 {
                Err(io::Error::from(io::ErrorKind::ResourceBusy))
            } else {
                Ok(calls.get())
            }
        };
        assert_eq!(retried(op, busy, &waits).unwrap(), 3);
        // Always busy: one call and one per wait, then the error.
        calls.set(0);
        let op = || -> io::Result<()> {
            calls.set(calls.get() + 1);
            Err(io::Error::from(io::ErrorKind::ResourceBusy))
        };
        assert_eq!(
            retried(op, busy, &waits).unwrap_err().kind(),
            io::ErrorKind::ResourceBusy
        );
        assert_eq!(calls.get(), 4);
        // Any other error: no retry.
        calls.set(0);
        let op = || -> io::Result<()> {
            calls.set(calls.get() + 1);
            Err(io::Error::from(io::ErrorKind::PermissionDenied))
        };
        assert!(retried(op, busy, &waits).is_err());
        assert_eq!(calls.get(), 1);
        // Only Windows' codes count as a file held open elsewhere.
        assert_eq!(
            held_by_another_program(&io::Error::from_raw_os_error(32)),
            cfg!(windows)
        );
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
        let stager = Stager::begin(&out, false).unwrap();
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
        let stager = Stager::begin(&out, false).unwrap();
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
        // A first build killed as it began (a CI flake: killed after its
        // temporary folder, before its marker) left a folder that is
        // still cairn's; the marker now comes first.
        let killed = dir.path().join("killed");
        fs::create_dir_all(killed.join(TMP_DIR)).unwrap();
        assert!(guard(&root, &killed, false).is_ok());
        fs::write(killed.join("x"), "").unwrap();
        assert!(guard(&root, &killed, false).is_err());
    }
}
