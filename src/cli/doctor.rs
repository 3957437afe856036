//! `cairn doctor`: what cairn finds here, in lines to paste into a bug
//! report: its version and commit, the platform, the site root and its
//! site.toml, the theme's source, the output and cache folders, and, in a
//! checkout of cairn itself, whether the browser tests can run. It reads
//! and never writes; a problem it finds is a line of the report, not a
//! failure (the exit status is 0).

use std::path::Path;
use std::process::{Command, ExitCode};

use clap::Args;

use super::{RootArg, VERSION, plural};
use crate::config::Config;
use crate::output::MANIFEST;

/// Flags of `cairn doctor`.
#[derive(Debug, Args)]
pub struct DoctorArgs {
    #[command(flatten)]
    root: RootArg,
}

pub fn run(a: DoctorArgs) -> ExitCode {
    for (key, value) in report(&a.root.root) {
        println!("{key}: {value}");
    }
    ExitCode::SUCCESS
}

/// The report's lines, as (what, what was found).
fn report(root: &Path) -> Vec<(&'static str, String)> {
    // Absolute, so that every path below is too.
    let root = &crate::output::absolute(root);
    let mut lines = vec![
        (
            "cairn",
            format!("{VERSION}, built for {}", env!("CAIRN_TARGET")),
        ),
        (
            "system",
            format!("{} {}", std::env::consts::OS, std::env::consts::ARCH),
        ),
        ("site root", root.display().to_string()),
    ];
    match Config::load(root) {
        Ok(config) => site_lines(&config, &mut lines),
        Err(ds) => {
            let sorted = ds.sorted();
            let first = sorted.first().map(|d| d.to_string()).unwrap_or_default();
            let first = first.lines().next().unwrap_or_default();
            lines.push((
                "site.toml",
                format!(
                    "{} problem{} (`cairn check` lists them); the first: {first}",
                    sorted.len(),
                    plural(sorted.len())
                ),
            ));
        }
    }
    let browser = root.join("tests/browser");
    if browser.join("package.json").is_file() {
        lines.push(("browser tests", browser_tests(&browser)));
    }
    lines
}

fn site_lines(config: &Config, lines: &mut Vec<(&'static str, String)>) {
    lines.push((
        "site",
        format!(
            "{:?}, base URL {}, language {}, {} collection{}",
            config.title,
            config.base_url,
            config.language,
            config.collections.len(),
            plural(config.collections.len())
        ),
    ));
    let content = config.root.join("content");
    let markdown = walkdir::WalkDir::new(&content)
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file() && e.path().extension().is_some_and(|x| x == "md"))
        .count();
    lines.push((
        "content",
        format!("{markdown} Markdown files in {}", content.display()),
    ));
    lines.push(("theme", crate::render::templates::theme_source(config)));
    let out = &config.output_dir;
    let state = if !out.exists() {
        "not built yet"
    } else if out.join(MANIFEST).is_file() {
        "written by cairn"
    } else if std::fs::read_dir(out).is_ok_and(|mut d| d.next().is_none()) {
        "empty"
    } else {
        "holds files cairn did not write (no manifest): `build` refuses it without --force"
    };
    lines.push(("output folder", format!("{} ({state})", out.display())));
    let cache = config.root.join(crate::images::CACHE_DIR);
    let cached = std::fs::read_dir(&cache).map(Iterator::count).ok();
    lines.push((
        "image cache",
        match cached {
            Some(n) => format!("{} ({n} entries)", cache.display()),
            None => format!("{} (none yet)", cache.display()),
        },
    ));
}

/// For contributors: what `CAIRN_BROWSER_TESTS=1 cargo test` needs.
fn browser_tests(dir: &Path) -> String {
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    let version = |program: &str| {
        Command::new(program)
            .arg("--version")
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
    };
    let chromium = match version(&chromium) {
        Some(v) => format!("{chromium} ({v})"),
        None => format!("no Chromium at {chromium} (set CHROMIUM)"),
    };
    let node = version("node").map_or("no Node.js".to_string(), |v| format!("Node.js {v}"));
    let modules = if dir.join("node_modules/playwright-core").is_dir() {
        "npm packages installed".to_string()
    } else {
        format!("npm packages missing (`npm ci` in {})", dir.display())
    };
    format!("{chromium}; {node}; {modules}")
}

#[cfg(test)]
mod tests {
    use super::report;

    #[test]
    fn a_folder_without_a_site_is_reported_not_failed() {
        let dir = std::env::temp_dir().join(format!("cairn-doctor-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let lines = report(&dir);
        std::fs::remove_dir_all(&dir).unwrap();
        let keys: Vec<&str> = lines.iter().map(|(k, _)| *k).collect();
        assert_eq!(keys, ["cairn", "system", "site root", "site.toml"]);
        assert!(
            lines[0].1.starts_with(env!("CARGO_PKG_VERSION")),
            "{lines:?}"
        );
        assert!(lines[3].1.starts_with("1 problem "), "{lines:?}");
    }
}
