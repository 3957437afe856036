//! "Nothing changed": skipping a build whose inputs and output are exactly
//! as the last build left them, the way `make` does.
//!
//! A build's output depends only on its inputs (cairn never reads the
//! clock): the site's files, the options, and the cairn binary (which
//! carries the default theme). So after a successful build cairn stores two
//! fingerprints in `.cairn-state` in the output folder: one of the inputs
//! (every source file's path, size, modification and status-change time,
//! the options and
//! the binary's version and embedded theme) and one of the output (every
//! written file's path, size and modification time). The next build
//! computes both again from file metadata only; if both match, the output
//! is already what a build would write, and the build stops there,
//! reprinting the warnings of the build that made it.
//!
//! Where the status-change time is missing (Windows) or cannot be trusted
//! (`CAIRN_FINGERPRINT=content`, for file systems that fake it), a source
//! file is vouched for by its size and bytes instead ([`Vouch::Content`]):
//! slower, as every source is read, but blind to timestamps.

use std::hash::{Hash, Hasher};
use std::path::Path;
use std::time::UNIX_EPOCH;

/// The state file, next to the manifest.
pub const STATE: &str = ".cairn-state";

/// How the inputs' fingerprint vouches for a source file's bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Vouch {
    /// Size, modification and status-change time (Unix).
    Metadata,
    /// Size and the bytes themselves.
    Content,
}

impl Vouch {
    /// [`Vouch::Metadata`] where the status-change time exists (Unix),
    /// [`Vouch::Content`] elsewhere or when `CAIRN_FINGERPRINT=content`.
    pub fn for_this_system() -> Vouch {
        match std::env::var("CAIRN_FINGERPRINT").as_deref() {
            Ok("content") => Vouch::Content,
            _ if cfg!(unix) => Vouch::Metadata,
            _ => Vouch::Content,
        }
    }
}

/// Hashes what a file's metadata says about its bytes: its size, its
/// modification time and, on Unix, its status-change time. The last cannot
/// be set by hand (`touch -d`, archives and some CI caches set the
/// modification time only, to a fixed or earlier one) and moves with every
/// write, so an edit that keeps the size and the modification time is
/// still seen.
fn hash_meta(h: &mut impl Hasher, rel: &str, meta: &std::fs::Metadata) {
    rel.hash(h);
    meta.len().hash(h);
    meta.modified()
        .ok()
        .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
        .map(|d| d.as_nanos())
        .hash(h);
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        (meta.ctime(), meta.ctime_nsec()).hash(h);
    }
}

/// Hashes a source file as `vouch` says: its metadata, or its size and
/// bytes (a file that cannot be read hashes as its metadata).
fn hash_source(
    h: &mut impl Hasher,
    vouch: Vouch,
    path: &Path,
    rel: &str,
    meta: &std::fs::Metadata,
) {
    if vouch == Vouch::Content
        && let Ok(bytes) = std::fs::read(path)
    {
        rel.hash(h);
        bytes.hash(h);
        return;
    }
    hash_meta(h, rel, meta);
}

fn hash_tree(h: &mut impl Hasher, vouch: Vouch, root: &Path, dir: &Path, skip: &Path) {
    if !dir.exists() {
        "-".hash(h);
        return;
    }
    for entry in walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.path() != skip)
        .flatten()
    {
        // Symlinks are followed for their metadata: a change to the target
        // is a change.
        let Ok(meta) = std::fs::metadata(entry.path()) else {
            continue;
        };
        if meta.is_file() {
            let rel = entry.path().strip_prefix(root).unwrap_or(entry.path());
            hash_source(h, vouch, entry.path(), &rel.to_string_lossy(), &meta);
        }
    }
}

/// The fingerprint of a build's inputs. `options` describes everything
/// else the output depends on (drafts, base URL, output folder), and
/// `embedded` the files of the theme built into cairn.
pub fn inputs(
    vouch: Vouch,
    root: &Path,
    theme: &str,
    output: &Path,
    options: &str,
    embedded: &[(&str, &[u8])],
) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    env!("CARGO_PKG_VERSION").hash(&mut h);
    // A rebuilt cairn of the same version (a development build, a patched
    // package) may write different pages: its executable is an input too.
    if let Some(meta) = std::env::current_exe()
        .ok()
        .and_then(|exe| std::fs::metadata(exe).ok())
    {
        meta.len().hash(&mut h);
        meta.modified().ok().hash(&mut h);
    }
    for (name, bytes) in embedded {
        name.hash(&mut h);
        bytes.hash(&mut h);
    }
    options.hash(&mut h);
    let config = root.join(crate::config::CONFIG_FILE);
    if let Ok(meta) = std::fs::metadata(&config) {
        hash_source(&mut h, vouch, &config, crate::config::CONFIG_FILE, &meta);
    }
    for dir in ["content", "static", "templates", "data", "i18n", "fonts"] {
        hash_tree(&mut h, vouch, root, &root.join(dir), output);
    }
    hash_tree(
        &mut h,
        vouch,
        root,
        &root.join("themes").join(theme),
        output,
    );
    h.finish()
}

/// The fingerprint of the files listed in the output's manifest; `None` if
/// one is missing.
pub fn outputs(out: &Path) -> Option<u64> {
    let manifest = std::fs::read_to_string(out.join(crate::output::MANIFEST)).ok()?;
    let mut h = std::collections::hash_map::DefaultHasher::new();
    for rel in crate::output::manifest_paths(&manifest) {
        let meta = std::fs::symlink_metadata(out.join(rel)).ok()?;
        if !meta.is_file() {
            return None;
        }
        hash_meta(&mut h, rel, &meta);
    }
    Some(h.finish())
}

/// What `.cairn-state` records.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct State {
    /// Fingerprint of the inputs.
    pub inputs: u64,
    /// Fingerprint of the output files.
    pub outputs: u64,
    /// Number of pages and files of the build, for the summary line.
    pub pages: usize,
    /// Files written by that build.
    pub files: usize,
    /// The warnings it printed, to print again.
    pub warnings: String,
}

/// Reads the state of the last build from `out`.
pub fn read(out: &Path) -> Option<State> {
    let text = std::fs::read_to_string(out.join(STATE)).ok()?;
    let mut lines = text.splitn(5, '\n');
    fn parse<T: std::str::FromStr>(l: Option<&str>, key: &str) -> Option<T> {
        l?.strip_prefix(key)?.trim().parse().ok()
    }
    Some(State {
        inputs: parse(lines.next(), "inputs ")?,
        outputs: parse(lines.next(), "outputs ")?,
        pages: parse(lines.next(), "pages ")?,
        files: parse(lines.next(), "files ")?,
        warnings: lines.next().unwrap_or_default().to_string(),
    })
}

/// Writes the state after a successful build (atomically).
pub fn write(out: &Path, state: &State) -> std::io::Result<()> {
    let text = format!(
        "inputs {}\noutputs {}\npages {}\nfiles {}\n{}",
        state.inputs, state.outputs, state.pages, state.files, state.warnings
    );
    let tmp = out.join(".cairn-state.tmp");
    std::fs::write(&tmp, text)?;
    super::replace(&tmp, &out.join(STATE))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn state_round_trips() {
        let dir = tempfile::tempdir().unwrap();
        let s = State {
            inputs: 1,
            outputs: 2,
            pages: 3,
            files: 4,
            warnings: "a.md: warning: x\nb.md: warning: y\n".into(),
        };
        write(dir.path(), &s).unwrap();
        assert_eq!(read(dir.path()), Some(s));
    }

    #[test]
    fn any_source_change_changes_the_fingerprint() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("content")).unwrap();
        std::fs::write(root.join("site.toml"), "x").unwrap();
        std::fs::write(root.join("content/a.md"), "one").unwrap();
        let out = root.join("public");
        for (vouch, edit) in [(Vouch::Metadata, "two!"), (Vouch::Content, "three")] {
            let a = inputs(vouch, root, "default", &out, "", &[]);
            assert_eq!(a, inputs(vouch, root, "default", &out, "", &[]));
            assert_ne!(a, inputs(vouch, root, "default", &out, "--drafts", &[]));
            std::fs::write(root.join("content/a.md"), edit).unwrap();
            assert_ne!(a, inputs(vouch, root, "default", &out, "", &[]));
        }
    }

    #[test]
    fn content_vouching_sees_bytes_not_timestamps() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("content")).unwrap();
        let page = root.join("content/a.md");
        std::fs::write(&page, "one").unwrap();
        let out = root.join("public");
        let a = inputs(Vouch::Content, root, "default", &out, "", &[]);
        // A new modification time alone is no change...
        let later = std::time::UNIX_EPOCH + std::time::Duration::from_secs(2_000_000_000);
        let f = std::fs::File::options().write(true).open(&page).unwrap();
        f.set_modified(later).unwrap();
        drop(f);
        assert_eq!(a, inputs(Vouch::Content, root, "default", &out, "", &[]));
        // ...and a same-size edit with the old time put back is one.
        std::fs::write(&page, "owe").unwrap();
        let f = std::fs::File::options().write(true).open(&page).unwrap();
        f.set_modified(later).unwrap();
        drop(f);
        assert_ne!(a, inputs(Vouch::Content, root, "default", &out, "", &[]));
    }
}
