//! The manual in `docs/` is a cairn site: it checks without a warning, and
//! its tutorial's commands run as written and print what the page shows.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

fn docs() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("docs")
}

/// The fenced blocks of a page: (info string, body).
fn blocks(text: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        let Some(info) = line.strip_prefix("```") else {
            continue;
        };
        let mut body = String::new();
        for l in lines.by_ref() {
            if l == "```" {
                break;
            }
            body.push_str(l);
            body.push('\n');
        }
        out.push((info.trim().to_string(), body));
    }
    out
}

/// A `PATH` that finds the `cairn` under test first.
fn path_with_cairn() -> std::ffi::OsString {
    let bin = Path::new(env!("CARGO_BIN_EXE_cairn"))
        .parent()
        .unwrap()
        .to_path_buf();
    let mut paths = vec![bin];
    paths.extend(std::env::split_paths(
        &std::env::var_os("PATH").unwrap_or_default(),
    ));
    std::env::join_paths(paths).unwrap()
}

/// Runs `script` with `sh -e` in `dir`; returns (exit status, output).
fn sh(dir: &Path, script: &str) -> (i32, String) {
    let out = Command::new("sh")
        .args(["-ec", script])
        .current_dir(dir)
        .env_clear()
        .env("PATH", path_with_cairn())
        .env("HOME", dir)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        crate::util::output_text(&out),
    )
}

/// Starts `cairn serve` in `dir`, waits until it serves and fetches the
/// home page; returns what it printed.
fn serve_briefly(dir: &Path) -> String {
    let mut child = Command::new(env!("CARGO_BIN_EXE_cairn"))
        .args(["serve", "--port", "0"])
        .current_dir(dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let port = crate::live::port_of(&line);
    let home = std::net::TcpStream::connect(("127.0.0.1", port)).map(|mut s| {
        use std::io::{Read, Write};
        write!(
            s,
            "GET / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n"
        )
        .unwrap();
        let mut r = String::new();
        let _ = s.read_to_string(&mut r);
        r
    });
    let _ = child.kill();
    let _ = child.wait();
    assert!(home.unwrap().starts_with("HTTP/1.1 200"), "serve answers");
    line
}

#[test]
fn the_tutorial_runs_as_written_and_prints_what_it_shows() {
    let text = std::fs::read_to_string(docs().join("content/tutorial.md")).unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let mut cwd = tmp.path().to_path_buf();
    let mut last = String::new();
    let mut ran = 0;
    for (info, body) in blocks(&text) {
        match info.as_str() {
            "text" => {
                for want in body.lines().filter(|l| !l.trim().is_empty()) {
                    assert!(
                        last.lines().any(|l| matches_shown(l, want)),
                        "the tutorial shows {want:?}, cairn printed:\n{last}"
                    );
                }
            }
            "sh" | "sh fails" => {
                last.clear();
                let mut script = String::new();
                for line in body.lines() {
                    if let Some(dir) = line.strip_prefix("cd ") {
                        if !script.is_empty() {
                            let (code, out) = sh(&cwd, &script);
                            assert_eq!(code, 0, "{script}\n{out}");
                            last.push_str(&out);
                            script.clear();
                        }
                        cwd = cwd.join(dir.trim());
                    } else if line.starts_with("cairn serve") {
                        last.push_str(&serve_briefly(&cwd));
                    } else {
                        script.push_str(line);
                        script.push('\n');
                    }
                }
                if !script.trim().is_empty() {
                    let (code, out) = sh(&cwd, &script);
                    let expected = if info == "sh fails" { 1 } else { 0 };
                    assert_eq!(code, expected, "{script}\n{out}");
                    last.push_str(&out);
                }
                ran += 1;
            }
            _ => {}
        }
    }
    assert!(ran >= 10, "{ran} blocks run");
    // What it promises at the end is there.
    let public = cwd.join("public");
    for page in [
        "compare/product-manager-vs-product-owner/index.html",
        "roles/index.html",
        "faqs/index.html",
        "roles/senior-product-manager/index.html",
    ] {
        assert!(public.join(page).is_file(), "{page}");
    }
    assert!(cwd.join(".github/workflows/pages.yml").is_file());
    // The field added in step 2 reaches the comparison table.
    let table =
        std::fs::read_to_string(public.join("compare/product-manager-vs-product-owner/index.html"))
            .unwrap();
    assert!(table.contains("Salary") && table.contains("USD"), "{table}");
}

#[test]
fn the_manual_checks_without_a_warning() {
    let out = Command::new(env!("CARGO_BIN_EXE_cairn"))
        .args(["check", "--root"])
        .arg(docs())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(!stderr.contains(": warning"), "{stderr}");
}

/// The guide and reference indexes list every page of their folder in the
/// Markdown itself (a reader on GitHub follows them as on the built site),
/// so a new entry that is not listed fails here.
#[test]
fn the_indexes_link_every_page_of_their_folder() {
    for folder in ["guides", "reference"] {
        let dir = docs().join("content").join(folder);
        let index = std::fs::read_to_string(dir.join("_index.md")).unwrap();
        let mut missing = Vec::new();
        for entry in std::fs::read_dir(&dir).unwrap() {
            let name = entry.unwrap().file_name().to_string_lossy().into_owned();
            if name.ends_with(".md")
                && name != "_index.md"
                && !index.contains(&format!("(@/{folder}/{name})"))
            {
                missing.push(name);
            }
        }
        assert!(
            missing.is_empty(),
            "{folder}/_index.md does not link {missing:?}"
        );
    }
}

/// Every message cairn builds for a diagnostic in its source (the first
/// sentence-like string literal after a diagnostic constructor, an error
/// `message:` or a `msg = format!`) appears in an `error-*` entry of the
/// reference: its longest fixed part, with `…` where the message has a
/// value. A new message with no entry fails here, naming file and line.
#[test]
fn every_error_message_is_in_the_reference() {
    let reference = docs().join("content/reference");
    let mut entries = String::new();
    for e in std::fs::read_dir(&reference).unwrap() {
        let path = e.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if name.starts_with("error-") {
            entries.push_str(&std::fs::read_to_string(&path).unwrap());
        }
    }
    const OPENERS: [&str; 14] = [
        "Diagnostic::error_at(",
        "Diagnostic::error(",
        "error_at(",
        "error_in(",
        ".error(",
        ".err(",
        "Err(format!(",
        "Err(String::from(",
        "Error::other(format!(",
        "message: format!(",
        "message: \"",
        "let mut msg = format!(",
        "let msg = format!(",
        "src.at(",
    ];
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut missing = Vec::new();
    let mut checked = 0;
    for file in walkdir::WalkDir::new(&src).into_iter().flatten() {
        if file.path().extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let text = std::fs::read_to_string(file.path()).unwrap();
        let code = text.split("#[cfg(test)]").next().unwrap();
        for opener in OPENERS {
            for (at, _) in code.match_indices(opener) {
                // An opener ending in a quote starts the literal itself.
                let from = at + opener.len() - usize::from(opener.ends_with('"'));
                let Some(message) = first_sentence_literal(&code[from..]) else {
                    continue;
                };
                let Some(part) = longest_fixed_part(&message) else {
                    continue;
                };
                checked += 1;
                if !entries.contains(&part) {
                    let line = code[..at].lines().count();
                    missing.push(format!(
                        "{}:{line}: {message}",
                        file.path().strip_prefix(&src).unwrap().display()
                    ));
                }
            }
        }
    }
    assert!(
        checked > 100,
        "only {checked} messages found: the scan is broken"
    );
    missing.sort();
    missing.dedup();
    assert!(
        missing.is_empty(),
        "messages with no error-* entry in docs/content/reference:\n{}",
        missing.join("\n")
    );
}

/// The first string literal with a space in `code`, up to the call's
/// closing parenthesis (at most 600 bytes on).
fn first_sentence_literal(code: &str) -> Option<String> {
    let bytes = code.as_bytes();
    let (mut i, mut depth) = (0, 1);
    while i < bytes.len().min(600) && depth > 0 {
        match bytes[i] {
            b'"' => {
                let start = i + 1;
                let mut j = start;
                while j < bytes.len() && (bytes[j] != b'"' || bytes[j - 1] == b'\\') {
                    j += 1;
                }
                let lit = &code[start..j.min(code.len())];
                if lit.contains(' ') {
                    return Some(lit.replace("\\\"", "\""));
                }
                i = j + 1;
                continue;
            }
            b'(' => depth += 1,
            b')' => depth -= 1,
            _ => {}
        }
        i += 1;
    }
    None
}

/// The longest stretch of `message` between `{...}` placeholders, with
/// `{{`/`}}` as printed; `None` when under 8 bytes (too short to tell).
fn longest_fixed_part(message: &str) -> Option<String> {
    let mut parts = vec![String::new()];
    let mut chars = message.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '{' if chars.peek() == Some(&'{') => {
                chars.next();
                parts.last_mut().unwrap().push('{');
            }
            '}' if chars.peek() == Some(&'}') => {
                chars.next();
                parts.last_mut().unwrap().push('}');
            }
            '{' => {
                for c in chars.by_ref() {
                    if c == '}' {
                        break;
                    }
                }
                parts.push(String::new());
            }
            _ => parts.last_mut().unwrap().push(c),
        }
    }
    let best = parts
        .into_iter()
        .map(|p| p.trim().to_string())
        .max_by_key(String::len)?;
    (best.len() >= 8).then_some(best)
}

/// Whether a printed `line` holds what the manual shows, `…` standing for
/// any text (a port, a count, a time).
fn matches_shown(line: &str, shown: &str) -> bool {
    let mut rest = line;
    for piece in shown.split('…') {
        match rest.find(piece) {
            Some(at) => rest = &rest[at + piece.len()..],
            None => return false,
        }
    }
    true
}

#[test]
fn shown_output_matches_with_ellipses() {
    assert!(matches_shown(
        "built 13 pages (85 files) in 20 ms",
        "built 13 pages (… files) in … ms"
    ));
    assert!(matches_shown(
        "serving . at http://127.0.0.1:1111/",
        "serving . at http://127.0.0.1:…"
    ));
    assert!(!matches_shown(
        "built 12 pages (85 files)",
        "built 13 pages (… files)"
    ));
    assert!(!matches_shown(
        "in 20 ms built 13 pages",
        "built 13 pages … in"
    ));
}
