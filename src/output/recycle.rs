//! Replacing existing output files by recycling their inodes (Linux only,
//! on unless `CAIRN_RECYCLE=0`, which is for measuring it).
//!
//! The portable way to replace a file atomically is a temporary file
//! renamed over it, which the [`Stager`](super::stager::Stager) does by
//! default. This module is the alternative the stager can hand
//! replacements to instead: their bytes are appended to one pack file
//! while the build renders, and at the commit each is written into a spare
//! file that is then exchanged with its target (`renameat2` with
//! `RENAME_EXCHANGE`), so the old inode becomes the next spare. A template
//! change that rewrites 10,000 pages then allocates and frees one inode per
//! thread instead of one per page, which mattered on ext4 without a
//! journal. A spare is reused only when Linux grants a write lease on it
//! (no one else has it open) and it has one link, so a reader or a
//! hard-linked copy keeps its bytes.
//!
//! The interface is three calls: [`Recycler::new`] (`None` where it is off
//! or unsupported), [`Recycler::hold`] and [`Recycler::put_in_place`].

#[cfg(target_os = "linux")]
pub(super) use linux::Recycler;

/// Elsewhere there is no recycler: every replacement is a renamed
/// temporary file.
#[cfg(not(target_os = "linux"))]
pub(super) enum Recycler {}

#[cfg(not(target_os = "linux"))]
impl Recycler {
    pub(super) fn new(_: &std::path::Path) -> Option<Recycler> {
        None
    }
    pub(super) fn hold(&self, _: std::path::PathBuf, _: &[u8]) -> std::io::Result<()> {
        match *self {}
    }
    pub(super) fn put_in_place(&self, _: &std::path::Path) -> std::io::Result<usize> {
        match *self {}
    }
}

#[cfg(target_os = "linux")]
mod linux {
    use std::fs;
    use std::io::{self, Write};
    use std::path::{Path, PathBuf};
    use std::sync::Mutex;
    use std::sync::atomic::Ordering;

    use rayon::prelude::*;

    use super::super::{TMP_DIR, temp_path, write_new};

    /// Replacements waiting in a pack file for the commit.
    pub(in crate::output) struct Recycler {
        pack: Pack,
        held: Mutex<Vec<Packed>>,
    }

    impl Recycler {
        /// A recycler whose pack is in `tmp_dir`, or `None` when recycling
        /// is off or the pack cannot be made.
        pub(in crate::output) fn new(tmp_dir: &Path) -> Option<Recycler> {
            if std::env::var_os("CAIRN_RECYCLE").is_some_and(|v| v == "0") {
                return None;
            }
            Some(Recycler {
                pack: Pack::create(&tmp_dir.join("pack")).ok()?,
                held: Mutex::new(Vec::new()),
            })
        }

        /// Keeps the new bytes of the existing file `rel` until the commit.
        pub(in crate::output) fn hold(&self, rel: PathBuf, bytes: &[u8]) -> io::Result<()> {
            let offset = self.pack.append(bytes)?;
            self.held.lock().unwrap().push(Packed {
                rel,
                offset,
                len: bytes.len(),
            });
            Ok(())
        }

        /// Puts every held file in place under `out`; returns how many.
        pub(in crate::output) fn put_in_place(&self, out: &Path) -> io::Result<usize> {
            let held = std::mem::take(&mut *self.held.lock().unwrap());
            swap_in(out, &self.pack, &held)?;
            Ok(held.len())
        }
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
    struct Pack {
        file: fs::File,
        len: std::sync::atomic::AtomicU64,
    }

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

    /// Puts the packed files in place: each thread writes a file's bytes into
    /// its spare and exchanges spare and target, so the target is replaced in
    /// one step and its old inode becomes the spare for the next file. Where
    /// the filesystem cannot exchange, the spare is renamed over the target
    /// instead (the next file gets a new spare), and where the target is on
    /// another filesystem, a temporary file next to it is.
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
}
