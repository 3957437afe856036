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

/// `CAIRN_COMMIT`: the commit's short hash and date, from git; else what
/// the environment's `CAIRN_COMMIT` says (a packager building from an
/// archive), else "unknown commit".
fn commit() {
    println!("cargo:rerun-if-env-changed=CAIRN_COMMIT");
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let git = root.join(".git");
    // A new commit moves HEAD or the branch it names (loose or packed).
    for f in ["HEAD", "packed-refs"] {
        if git.join(f).exists() {
            println!("cargo:rerun-if-changed={}", git.join(f).display());
        }
    }
    if let Ok(head) = std::fs::read_to_string(git.join("HEAD"))
        && let Some(branch) = head.trim().strip_prefix("ref: ")
        && git.join(branch).exists()
    {
        println!("cargo:rerun-if-changed={}", git.join(branch).display());
    }
    let from_git = std::process::Command::new("git")
        .args(["log", "-1", "--format=%h %cs", "--abbrev=12"])
        .current_dir(root)
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .filter(|s| !s.is_empty());
    let commit = from_git
        .or_else(|| std::env::var("CAIRN_COMMIT").ok())
        .unwrap_or_else(|| "unknown commit".to_string());
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
