//! The test-site builder: a fixture folder copied into a fresh temp dir,
//! files added or changed per test, and the `cairn` binary run on it with a
//! clean environment.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use tempfile::TempDir;

pub struct TestSite {
    _dir: TempDir,
    pub root: PathBuf,
}

#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    #[track_caller]
    pub fn success(&self) -> &Self {
        assert_eq!(
            self.code, 0,
            "expected success\nstdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        self
    }

    #[track_caller]
    pub fn failure(&self) -> &Self {
        assert_eq!(
            self.code, 1,
            "expected exit 1\nstdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        self
    }

    /// The first line of every diagnostic (`path:line:col: message`).
    pub fn error_lines(&self) -> Vec<&str> {
        self.stderr
            .lines()
            .filter(|l| {
                !l.starts_with(' ')
                    && !l.starts_with(|c: char| c.is_ascii_digit())
                    && !l.starts_with("error:")
            })
            .collect()
    }
}

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let dest = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &dest);
        } else {
            std::fs::copy(e.path(), dest).unwrap();
        }
    }
}

impl TestSite {
    /// A copy of `tests/fixtures/<name>`.
    pub fn fixture(name: &str) -> Self {
        let s = Self::empty();
        copy_dir(&fixtures().join(name), &s.root);
        s
    }

    /// An empty site folder.
    pub fn empty() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("site");
        std::fs::create_dir_all(&root).unwrap();
        TestSite { _dir: dir, root }
    }

    /// Adds or replaces a file.
    pub fn file(self, rel: &str, text: &str) -> Self {
        self.write(rel, text);
        self
    }

    pub fn write(&self, rel: &str, text: &str) {
        self.write_bytes(rel, text.as_bytes());
    }

    pub fn write_bytes(&self, rel: &str, bytes: &[u8]) {
        let p = self.root.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, bytes).unwrap();
    }

    pub fn remove(&self, rel: &str) {
        std::fs::remove_file(self.root.join(rel)).unwrap();
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.root.join(rel)
    }

    pub fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.root.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
    }

    /// Runs `cairn ARGS` in the site root with a clean environment.
    pub fn cairn(&self, args: &[&str]) -> Run {
        run_in(&self.root, args)
    }

    /// Runs `cairn ARGS` with extra environment variables.
    pub fn cairn_with(&self, args: &[&str], env: &[(&str, &str)]) -> Run {
        run_with(&self.root, args, env)
    }

    /// Runs the cairn executable at `exe` (a copy of the one under test).
    pub fn cairn_at(&self, exe: &Path, args: &[&str]) -> Run {
        run_command(Command::new(exe), &self.root, args, &[])
    }

    /// Runs `cairn ARGS` with its address space limited to `bytes`
    /// (`ulimit -v`): a run that needs more fails instead of swapping.
    pub fn cairn_limited(&self, args: &[&str], bytes: u64) -> Run {
        let mut cmd = Command::new("sh");
        cmd.arg("-c")
            .arg(format!("ulimit -v {}; exec \"$0\" \"$@\"", bytes / 1024))
            .arg(env!("CARGO_BIN_EXE_cairn"));
        run_command(cmd, &self.root, args, &[])
    }

    /// Every file under `rel` (relative path -> bytes), but cairn's
    /// `.cairn-state` (which records where and from what it was built).
    pub fn tree(&self, rel: &str) -> BTreeMap<String, Vec<u8>> {
        tree(&self.root.join(rel))
    }
}

/// A finished command's standard output, then its standard error.
pub fn output_text(out: &std::process::Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

pub fn run_in(dir: &Path, args: &[&str]) -> Run {
    run_with(dir, args, &[])
}

/// Runs `cairn ARGS` in `dir` with a clean environment plus `env`.
pub fn run_with(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Run {
    run_command(Command::new(env!("CARGO_BIN_EXE_cairn")), dir, args, env)
}

/// Runs `cmd ARGS` (cairn, or a shell that execs it) in `dir` with a
/// clean environment plus `env`.
fn run_command(mut cmd: Command, dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Run {
    let out = cmd
        .args(args)
        .current_dir(dir)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .envs(env.iter().copied())
        .output()
        .unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

pub fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    fn walk(base: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        let Ok(rd) = std::fs::read_dir(dir) else {
            return;
        };
        for e in rd {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(base, &p, out);
            } else {
                let rel = p
                    .strip_prefix(base)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/");
                if rel != ".cairn-state" {
                    out.insert(rel, std::fs::read(&p).unwrap());
                }
            }
        }
    }
    walk(dir, dir, &mut out);
    out
}

/// A 2 MB tmpfs mounted at `rel` in the site, unmounted when dropped
/// (passed or not); `None`, with a message, where mounting needs root.
pub fn small_tmpfs(s: &TestSite, rel: &str) -> Option<Mounted> {
    let is_root = std::process::Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0");
    if !is_root {
        eprintln!("skipped: mounting a small tmpfs needs root");
        return None;
    }
    let disk = s.path(rel);
    std::fs::create_dir_all(&disk).unwrap();
    let mounted = std::process::Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=2m", "tmpfs"])
        .arg(&disk)
        .status()
        .is_ok_and(|st| st.success());
    if !mounted {
        eprintln!("skipped: cannot mount a tmpfs here");
        return None;
    }
    Some(Mounted(disk))
}

/// A test filesystem, unmounted when the test ends.
pub struct Mounted(PathBuf);

impl Mounted {
    /// A path inside the filesystem.
    pub fn join(&self, rel: &str) -> PathBuf {
        self.0.join(rel)
    }

    /// Fills the filesystem but for `left` bytes; returns the filler file.
    pub fn fill_but(&self, left: u64) -> PathBuf {
        let probe = std::process::Command::new("df")
            .args(["-B1", "--output=avail"])
            .arg(&self.0)
            .output()
            .unwrap();
        let free = String::from_utf8_lossy(&probe.stdout)
            .lines()
            .nth(1)
            .and_then(|l| l.trim().parse::<u64>().ok())
            .unwrap();
        let filler = self.0.join("filler");
        std::fs::write(&filler, vec![0u8; free.saturating_sub(left) as usize]).unwrap();
        filler
    }
}

impl Drop for Mounted {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount").arg(&self.0).status();
    }
}
