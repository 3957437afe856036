//! `cairn init [DIR]`: scaffold a site that builds at once.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args;

/// Flags of `cairn init`.
#[derive(Debug, Args)]
pub struct InitArgs {
    /// Folder to create the site in; must be empty or missing
    #[arg(default_value = ".", value_name = "DIR")]
    dir: PathBuf,
}

/// The files of a new site, relative to its root.
const FILES: [(&str, &str); 6] = [
    ("site.toml", include_str!("scaffold/site.toml")),
    (
        "content/_index.md",
        include_str!("scaffold/content/_index.md"),
    ),
    (
        "content/roles/_index.md",
        include_str!("scaffold/content/roles/_index.md"),
    ),
    (
        "content/roles/product-manager.md",
        include_str!("scaffold/content/roles/product-manager.md"),
    ),
    (
        "content/roles/product-owner.md",
        include_str!("scaffold/content/roles/product-owner.md"),
    ),
    (
        "content/kpis/net-promoter-score.md",
        include_str!("scaffold/content/kpis/net-promoter-score.md"),
    ),
];

pub fn run(a: InitArgs) -> ExitCode {
    match scaffold(&a.dir) {
        Ok(()) => {
            println!("created a new site in `{}`", a.dir.display());
            println!("next: cairn build --root {}", a.dir.display());
            ExitCode::SUCCESS
        }
        Err(m) => {
            eprintln!("{}: {m}", a.dir.display());
            ExitCode::from(1)
        }
    }
}

/// Writes the scaffold into `dir`, refusing a non-empty folder.
pub fn scaffold(dir: &Path) -> Result<(), String> {
    if dir.exists() {
        if !dir.is_dir() {
            return Err("exists and is not a folder".into());
        }
        let non_empty = std::fs::read_dir(dir)
            .map_err(|e| format!("cannot read: {e}"))?
            .next()
            .is_some();
        if non_empty {
            return Err(
                "folder is not empty; cairn init only writes into an empty or new folder".into(),
            );
        }
    }
    for (rel, text) in FILES {
        let path = dir.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| format!("cannot create `{}`: {e}", parent.display()))?;
        }
        std::fs::write(&path, text)
            .map_err(|e| format!("cannot write `{}`: {e}", path.display()))?;
    }
    Ok(())
}
