//! Diagnostics: every problem cairn finds in a site, with the place it comes from.
//!
//! A [`Diagnostic`] names a file (relative to the site root), and when the
//! problem comes from that file's text, the 1-based line and column counted
//! from the start of the file. Stages never stop at the first problem: they
//! push into a [`Diagnostics`] list, and the CLI prints all of them, sorted by
//! file and position, before failing. The first line of each printed
//! diagnostic is always `path:line:col: message`, so editors and CI logs can
//! jump to it; a snippet of the offending line and an optional hint follow.

use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// How bad a diagnostic is. Errors fail the run; warnings do not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// The site cannot be built correctly.
    Error,
    /// Worth fixing, but the build goes on.
    Warning,
}

/// One problem found in a site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// The file, relative to the site root where possible.
    pub path: PathBuf,
    /// 1-based line, when the problem has a place in the file's text.
    pub line: Option<usize>,
    /// 1-based column (in characters), when `line` is set.
    pub col: Option<usize>,
    /// What is wrong: lowercase, no trailing period, user input in backticks.
    pub message: String,
    /// A suggested fix.
    pub hint: Option<Box<str>>,
    /// The text of the offending line, shown under the message.
    pub snippet: Option<Box<str>>,
}

impl Diagnostic {
    /// An error about a whole file (no position).
    pub fn error(path: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            path: path.into(),
            line: None,
            col: None,
            message: message.into(),
            hint: None,
            snippet: None,
        }
    }

    /// An error at a 1-based line and column of a file.
    pub fn error_at(
        path: impl Into<PathBuf>,
        line: usize,
        col: usize,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            line: Some(line.max(1)),
            col: Some(col.max(1)),
            ..Diagnostic::error(path, message)
        }
    }

    /// Turns this diagnostic into a warning.
    pub fn warning(mut self) -> Self {
        self.severity = Severity::Warning;
        self
    }

    /// Adds a suggested fix.
    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into().into_boxed_str());
        self
    }

    /// Attaches the offending source line, taken from the file's full text.
    pub fn with_source(mut self, source: &str) -> Self {
        if let Some(line) = self.line {
            self.snippet = source
                .lines()
                .nth(line - 1)
                .map(|l| l.trim_end_matches('\r').into());
        }
        self
    }

    /// The offending line, quoted with its line number and a caret under
    /// the column, as printed under the message (three lines).
    pub fn quoted_line(&self) -> Option<String> {
        let (Some(snippet), Some(line), Some(col)) = (&self.snippet, self.line, self.col) else {
            return None;
        };
        let gutter = line.to_string();
        let pad = " ".repeat(gutter.len());
        // Tabs keep their width so the caret lines up under the column.
        let lead: String = snippet
            .chars()
            .take(col.saturating_sub(1))
            .map(|c| if c == '\t' { '\t' } else { ' ' })
            .collect();
        Some(format!("{pad} |\n{gutter} | {snippet}\n{pad} | {lead}^"))
    }

    /// Whether this diagnostic fails the run.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    fn sort_key(&self) -> (&Path, usize, usize, Severity, &str) {
        (
            &self.path,
            self.line.unwrap_or(0),
            self.col.unwrap_or(0),
            self.severity,
            &self.message,
        )
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.path.display())?;
        if let (Some(line), Some(col)) = (self.line, self.col) {
            write!(f, ":{line}:{col}")?;
        }
        let level = match self.severity {
            Severity::Error => "",
            Severity::Warning => "warning: ",
        };
        write!(f, ": {level}{}", self.message)?;
        if let Some(block) = self.quoted_line() {
            write!(f, "\n{block}")?;
        }
        if let Some(hint) = &self.hint {
            write!(f, "\n  = help: {hint}")?;
        }
        Ok(())
    }
}

/// All diagnostics of one run.
#[derive(Debug, Default, Clone)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    /// An empty list.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds one diagnostic.
    pub fn push(&mut self, d: Diagnostic) {
        self.items.push(d);
    }

    /// Adds many diagnostics.
    pub fn extend(&mut self, ds: impl IntoIterator<Item = Diagnostic>) {
        self.items.extend(ds);
    }

    /// Whether any diagnostic is an error.
    pub fn has_errors(&self) -> bool {
        self.items.iter().any(Diagnostic::is_error)
    }

    /// Number of errors.
    pub fn error_count(&self) -> usize {
        self.items.iter().filter(|d| d.is_error()).count()
    }

    /// Number of warnings.
    pub fn warning_count(&self) -> usize {
        self.items.len() - self.error_count()
    }

    /// Whether the list is empty.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// The diagnostics sorted by file, line and column, duplicates removed.
    pub fn sorted(mut self) -> Vec<Diagnostic> {
        self.items.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        self.items.dedup();
        self.items
    }
}

/// Converts a byte offset into `text` to a 1-based (line, column) pair,
/// counting columns in characters.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = floor_char_boundary(text, offset.min(text.len()));
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let col = before[line_start..].chars().count() + 1;
    (line, col)
}

fn floor_char_boundary(text: &str, mut i: usize) -> usize {
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// The name in `candidates` closest to `name`, if it is close enough to be a
/// likely typo: an edit distance of at most a third of the name (at least
/// 1), or names at least 60% alike (`kpi-velocty` -> `team-velocity`).
pub fn did_you_mean<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let len = name.chars().count();
    let limit = (len / 3).max(1);
    candidates
        .into_iter()
        .filter(|c| *c != name)
        .map(|c| (edit_distance(name, c), c))
        .filter(|(d, c)| {
            let longest = len.max(c.chars().count()).max(1);
            *d <= limit || (*d as f64) <= 0.4 * longest as f64
        })
        .min_by_key(|(d, c)| (*d, *c))
        .map(|(_, c)| c)
}

/// Edit distance where swapping two neighbouring characters counts as one
/// edit (optimal string alignment), since that is the commonest typo.
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let w = b.len() + 1;
    let mut d = vec![0usize; (a.len() + 1) * w];
    for i in 0..=a.len() {
        d[i * w] = i;
    }
    for (j, cell) in d.iter_mut().enumerate().take(w) {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (d[(i - 1) * w + j] + 1)
                .min(d[i * w + j - 1] + 1)
                .min(d[(i - 1) * w + j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(d[(i - 2) * w + j - 2] + 1);
            }
            d[i * w + j] = v;
        }
    }
    d[a.len() * w + b.len()]
}

/// Runs `f`; with `CAIRN_LOG=debug`, prints how long it took and the
/// memory in use after it.
pub(crate) fn timed<T>(step: &str, f: impl FnOnce() -> T) -> T {
    let start = Instant::now();
    let out = f();
    if std::env::var_os("CAIRN_LOG").is_some_and(|v| v == "debug") {
        eprintln!(
            "[debug] {step}: {:.1} ms{}",
            start.elapsed().as_secs_f64() * 1e3,
            memory_note()
        );
    }
    out
}

/// The resident and peak memory of this process, for the debug log (Linux
/// only; empty elsewhere).
fn memory_note() -> String {
    let Ok(status) = std::fs::read_to_string("/proc/self/status") else {
        return String::new();
    };
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.split_whitespace().next()?.parse::<u64>().ok())
            .map_or(0, |kb| kb / 1024)
    };
    format!(" (rss {} MB, peak {} MB)", field("VmRSS:"), field("VmHWM:"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_from_one_in_characters() {
        let text = "ab\nçd\nef";
        assert_eq!(line_col(text, 0), (1, 1));
        assert_eq!(line_col(text, 3), (2, 1));
        // 'ç' is two bytes; 'd' is the second character of line 2.
        assert_eq!(line_col(text, 5), (2, 2));
        assert_eq!(line_col(text, 100), (3, 3));
    }

    #[test]
    fn display_has_position_snippet_and_hint() {
        let d = Diagnostic::error_at("content/a.md", 2, 3, "bad thing")
            .with_hint("do this")
            .with_source("one\ntwo three\n");
        assert_eq!(
            d.to_string(),
            "content/a.md:2:3: bad thing\n  |\n2 | two three\n  |   ^\n  = help: do this"
        );
    }

    #[test]
    fn warnings_are_labelled_and_do_not_count_as_errors() {
        let mut ds = Diagnostics::new();
        ds.push(Diagnostic::error("b.md", "x").warning());
        assert!(!ds.has_errors());
        assert_eq!(ds.warning_count(), 1);
        assert_eq!(ds.sorted()[0].to_string(), "b.md: warning: x");
    }

    #[test]
    fn sorted_by_file_then_line() {
        let mut ds = Diagnostics::new();
        ds.push(Diagnostic::error_at("b.md", 1, 1, "x"));
        ds.push(Diagnostic::error_at("a.md", 9, 1, "y"));
        ds.push(Diagnostic::error_at("a.md", 2, 5, "z"));
        let order: Vec<_> = ds.sorted().into_iter().map(|d| d.message).collect();
        assert_eq!(order, ["z", "y", "x"]);
    }

    #[test]
    fn suggestions_only_for_close_names() {
        let names = ["scope", "summary", "focus"];
        assert_eq!(did_you_mean("scpoe", names), Some("scope"));
        assert_eq!(did_you_mean("focsu", names), Some("focus"));
        assert_eq!(did_you_mean("zzzzzz", names), None);
        let kpis = ["team-velocity", "net-promoter-score", "cycle-time"];
        assert_eq!(did_you_mean("kpi-velocty", kpis), Some("team-velocity"));
        assert_eq!(did_you_mean("revenue", kpis), None);
    }
}
