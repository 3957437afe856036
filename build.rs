//! Embeds `themes/default/` into the binary, so a site without a themes
//! folder still builds with the default theme (SPEC.md, "Themes"), and
//! names the commit and target cairn is built from for `cairn --version`
//! and `cairn doctor`.

use std::fmt::Write as _;
use std::path::Path;

fn main() {
    let theme = Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default");
    println!("cargo:rerun-if-changed={}", theme.display());
    let mut files = Vec::new();
    collect(&theme, &theme, &mut files);
    files.sort();
    let mut out = String::from(
        "/// Files of the default theme: (path under the theme, bytes).\npub static DEFAULT_THEME: &[(&str, &[u8])] = &[\n",
    );
    for (rel, abs) in &files {
        println!("cargo:rerun-if-changed={abs}");
        writeln!(out, "    ({rel:?}, include_bytes!({abs:?})),").unwrap();
    }
    out.push_str("];\n");
    let dest = Path::new(&std::env::var("OUT_DIR").unwrap()).join("theme.rs");
    std::fs::write(dest, out).unwrap();
    commit();
    println!(
        "cargo:rustc-env=CAIRN_TARGET={}",
        std::env::var("TARGET").unwrap_or_default()
    );
}

/// `CAIRN_COMMIT`: what the environment's `CAIRN_COMMIT` says (a packager
/// building from an archive), else the commit's short hash and date from
/// git when cairn's folder is the top of its own checkout (not a folder
/// inside some other repository), else "unknown commit".
fn commit() {
    println!("cargo:rerun-if-env-changed=CAIRN_COMMIT");
    if let Ok(given) = std::env::var("CAIRN_COMMIT") {
        println!("cargo:rustc-env=CAIRN_COMMIT={given}");
        return;
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let git = |args: &[&str]| {
        std::process::Command::new("git")
            .args(args)
            .current_dir(root)
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
            .filter(|s| !s.is_empty())
    };
    let own = git(&["rev-parse", "--show-toplevel"])
        .and_then(|top| std::fs::canonicalize(top).ok())
        .is_some_and(|top| std::fs::canonicalize(root).is_ok_and(|r| r == top));
    let mut commit = None;
    if own {
        // A new commit, checkout or reset moves HEAD's log (and HEAD or
        // the branch it names, loose or packed): any of them reruns this.
        for name in ["HEAD", "logs/HEAD", "packed-refs"] {
            if let Some(path) = git(&["rev-parse", "--git-path", name])
                && root.join(&path).exists()
            {
                println!("cargo:rerun-if-changed={}", root.join(path).display());
            }
        }
        if let Some(branch) = git(&["symbolic-ref", "-q", "HEAD"])
            && let Some(path) = git(&["rev-parse", "--git-path", &branch])
            && root.join(&path).exists()
        {
            println!("cargo:rerun-if-changed={}", root.join(path).display());
        }
        commit = git(&["log", "-1", "--format=%h %cs", "--abbrev=12"]);
    }
    let commit = commit.unwrap_or_else(|| "unknown commit".to_string());
    println!("cargo:rustc-env=CAIRN_COMMIT={commit}");
}
fn collect(base: &Path, dir: &Path, out: &mut Vec<(String, String)>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if e.file_name().to_string_lossy().starts_with('.') {
            continue;
        }
        if p.is_dir() {
            println!("cargo:rerun-if-changed={}", p.display());
            collect(base, &p, out);
        } else {
            let rel = p
                .strip_prefix(base)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            out.push((rel, p.to_string_lossy().into_owned()));
        }
    }
}
