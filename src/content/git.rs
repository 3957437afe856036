//! Last-updated dates from git (`updated_from_git = true` in site.toml):
//! the date of the last commit that touched each file, read with one
//! `git log` over the site's history rather than a process per file.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use super::Date;

/// The day of the last commit of every file under `root` that git knows,
/// keyed by its path relative to `root`. An error says why git could not
/// tell (not installed, not a repository).
pub fn last_commit_days(root: &Path) -> Result<HashMap<PathBuf, Date>, String> {
    let out = Command::new("git")
        .args([
            "-c",
            "core.quotepath=off",
            "log",
            "--format=%x01%cs",
            "--name-only",
            "--no-renames",
            "--relative",
            "--",
            ".",
        ])
        .current_dir(root)
        .output()
        .map_err(|e| format!("cannot run `git`: {e}"))?;
    if !out.status.success() {
        let why = String::from_utf8_lossy(&out.stderr);
        return Err(format!(
            "`git log` failed: {}",
            why.lines().next().unwrap_or("no message").trim()
        ));
    }
    Ok(parse_log(&String::from_utf8_lossy(&out.stdout)))
}

/// Reads `git log --format=%x01%cs --name-only`: newest commit first, so a
/// file's first appearance is its last change.
fn parse_log(log: &str) -> HashMap<PathBuf, Date> {
    let mut days = HashMap::new();
    let mut day: Option<Date> = None;
    for line in log.lines() {
        if let Some(d) = line.strip_prefix('\u{1}') {
            day = Date::parse(d.trim()).ok();
        } else if !line.is_empty()
            && let Some(d) = &day
        {
            days.entry(PathBuf::from(line)).or_insert_with(|| d.clone());
        }
    }
    days
}

/// The commit checked out under `root`, for the "nothing changed" check
/// (a new commit can change a page's date without changing its file).
pub fn head(root: &Path) -> Option<String> {
    let out = Command::new("git")
        .args(["rev-parse", "HEAD"])
        .current_dir(root)
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_newest_commit_of_a_file_wins() {
        let log = "\u{1}2026-11-29\n\ncontent/a.md\ncontent/b.md\n\u{1}2026-10-01\n\ncontent/a.md\ncontent/c é.md\n";
        let days = parse_log(log);
        assert_eq!(days[Path::new("content/a.md")].day(), "2026-11-29");
        assert_eq!(days[Path::new("content/b.md")].day(), "2026-11-29");
        assert_eq!(days[Path::new("content/c é.md")].day(), "2026-10-01");
        assert_eq!(days.len(), 3);
    }
}
