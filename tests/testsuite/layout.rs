//! The shape of `src/` that the manual's design notes (docs/content/guides/design.md) describe: modules use
//! only modules before them in `cairn::LAYERS` (no import cycle between
//! folders), and no source file or function grows past the sizes that keep
//! it readable.

use std::path::{Path, PathBuf};

fn sources(dir: &Path) -> Vec<PathBuf> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .flatten()
        .filter(|e| e.path().extension().is_some_and(|x| x == "rs"))
        .map(|e| e.into_path())
        .collect()
}

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// The top-level module a source file belongs to (`src/render/jobs.rs` ->
/// `render`), `None` for `lib.rs` and `main.rs`.
fn module_of(path: &Path) -> Option<String> {
    let rel = path.strip_prefix(src()).ok()?;
    let first = rel.components().next()?.as_os_str().to_string_lossy();
    let name = first.trim_end_matches(".rs").to_string();
    (name != "lib" && name != "main").then_some(name)
}

#[test]
fn modules_use_only_earlier_layers() {
    let layer = |m: &str| cairn::LAYERS.iter().position(|l| *l == m);
    let mut wrong = Vec::new();
    for path in sources(&src()) {
        let Some(module) = module_of(&path) else {
            continue;
        };
        let me = layer(&module).unwrap_or_else(|| panic!("`{module}` is not in cairn::LAYERS"));
        let text = std::fs::read_to_string(&path).unwrap();
        for (n, line) in text.lines().enumerate() {
            for (k, _) in line.match_indices("crate::") {
                let used: String = line[k + 7..]
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect();
                if used.is_empty() || used == module {
                    continue;
                }
                match layer(&used) {
                    Some(l) if l < me => {}
                    _ => wrong.push(format!(
                        "{}:{}: `{module}` uses `{used}`",
                        path.display(),
                        n + 1
                    )),
                }
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "imports against the layers:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn files_and_functions_stay_readable() {
    const FILE_LINES: usize = 800;
    const FN_LINES: usize = 125;
    let mut long = Vec::new();
    for path in sources(&src()) {
        let text = std::fs::read_to_string(&path).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        // Unit tests at the end of a file do not count.
        let code = lines
            .iter()
            .position(|l| l.starts_with("#[cfg(test)]"))
            .unwrap_or(lines.len());
        if code > FILE_LINES {
            long.push(format!("{}: {code} lines", path.display()));
        }
        for (i, line) in lines[..code].iter().enumerate() {
            let indent = line.len() - line.trim_start().len();
            let rest = line.trim_start();
            let rest = rest
                .strip_prefix("pub(crate) ")
                .or_else(|| rest.strip_prefix("pub(super) "))
                .or_else(|| rest.strip_prefix("pub "))
                .unwrap_or(rest);
            if !rest.starts_with("fn ") || line.trim_end().ends_with(';') {
                continue;
            }
            let close = format!("{}}}", " ".repeat(indent));
            let end = lines[i + 1..code]
                .iter()
                .position(|l| *l == close)
                .map_or(code, |k| i + 1 + k);
            if end - i + 1 > FN_LINES {
                long.push(format!(
                    "{}:{}: fn of {} lines",
                    path.display(),
                    i + 1,
                    end - i + 1
                ));
            }
        }
    }
    assert!(long.is_empty(), "too long:\n{}", long.join("\n"));
}
