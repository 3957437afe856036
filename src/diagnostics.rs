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
    /// The offending line, shown under the message: the whole line, or
    /// the part around the column (`…` where cut) when it is long.
    pub snippet: Option<Box<str>>,
    /// Where the caret goes under `snippet`: 0-based, in characters (at
    /// most about [`EXCERPT`]).
    pub caret: u32,
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
            caret: 0,
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

    /// Attaches the offending source line, taken from the file's full
    /// text: at most [`EXCERPT`] bytes either side of the column, so that a
    /// thousand problems on one long line do not each copy the line. For
    /// many problems in one text, [`Diagnostic::with_excerpt`] with one
    /// [`Cursor`] costs one pass over it instead of one each.
    pub fn with_source(self, source: &str) -> Self {
        self.with_excerpt(&mut Cursor::new(source))
    }

    /// [`Diagnostic::with_source`] through a cursor over the text.
    pub fn with_excerpt(mut self, cursor: &mut Cursor) -> Self {
        if let (Some(line), Some(col)) = (self.line, self.col)
            && let Some((snippet, caret)) = cursor.excerpt(line, col)
        {
            self.snippet = Some(snippet.into());
            self.caret = u32::try_from(caret).unwrap_or(u32::MAX);
        }
        self
    }

    /// The offending line, quoted with its line number and a caret under
    /// the column, as printed under the message (three lines).
    pub fn quoted_line(&self) -> Option<String> {
        let (Some(snippet), Some(line)) = (&self.snippet, self.line) else {
            return None;
        };
        let gutter = line.to_string();
        let pad = " ".repeat(gutter.len());
        // Tabs keep their width so the caret lines up under the column.
        let lead: String = snippet
            .chars()
            .take(self.caret as usize)
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

/// A path as diagnostics show it: one relative to the site root with `/`
/// between its parts on every platform (Windows' `\` too), so that
/// messages, the manual and the tests read the same everywhere.
pub(crate) fn shown_path(path: &Path) -> std::borrow::Cow<'_, str> {
    let shown = path.to_string_lossy();
    if cfg!(windows) && path.is_relative() {
        shown.replace('\\', "/").into()
    } else {
        shown
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", shown_path(&self.path))?;
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
    Cursor::new(text).line_col(offset)
}

/// How many problems of one file are printed; the rest are counted ("and
/// N more"), and still fail the run. Costly suggestions ("did you mean")
/// are looked for only for these.
pub const SHOWN_PER_FILE: usize = 20;

/// `sorted` (sorted by file) cut into each file's problems: those shown,
/// at most [`SHOWN_PER_FILE`], and how many more there are.
pub fn shown_per_file(sorted: &[Diagnostic]) -> Vec<(&[Diagnostic], usize)> {
    let mut out = Vec::new();
    let mut k = 0;
    while k < sorted.len() {
        let file = &sorted[k].path;
        let n = sorted[k..].iter().take_while(|d| d.path == *file).count();
        let shown = n.min(SHOWN_PER_FILE);
        out.push((&sorted[k..k + shown], n - shown));
        k += n;
    }
    out
}

/// How far a quoted line reaches either side of the column, in bytes.
pub const EXCERPT: usize = 120;

/// A place in a text, moved forward from lookup to lookup: the positions
/// and quoted lines of the many problems of one file, found in order, cost
/// one pass over its text instead of one each.
pub struct Cursor<'t> {
    text: &'t str,
    byte: usize,
    /// The start of the line `byte` is on.
    line_start: usize,
    line: usize,
    col: usize,
}

impl<'t> Cursor<'t> {
    /// A cursor at the start of `text`.
    pub fn new(text: &'t str) -> Self {
        Cursor {
            text,
            byte: 0,
            line_start: 0,
            line: 1,
            col: 1,
        }
    }

    /// The 1-based line and column (in characters) of the byte `offset`.
    pub fn line_col(&mut self, offset: usize) -> (usize, usize) {
        let text = self.text;
        let offset = floor_char_boundary(text, offset.min(text.len()));
        if offset < self.byte {
            *self = Cursor::new(text);
        }
        let between = &text.as_bytes()[self.byte..offset];
        match memchr::memrchr(b'\n', between) {
            Some(last) => {
                self.line += memchr::memchr_iter(b'\n', between).count();
                self.line_start = self.byte + last + 1;
                self.col = text[self.line_start..offset].chars().count() + 1;
            }
            None => self.col += text[self.byte..offset].chars().count(),
        }
        self.byte = offset;
        (self.line, self.col)
    }

    /// Moves to 1-based `line` and `col` (the end of the line if it is
    /// shorter); `None` past the last line.
    fn seek(&mut self, line: usize, col: usize) -> Option<()> {
        let text = self.text;
        if (line, col) < (self.line, self.col) {
            *self = Cursor::new(text);
        }
        while self.line < line {
            let next = memchr::memchr(b'\n', &text.as_bytes()[self.line_start..])?;
            self.line += 1;
            self.line_start += next + 1;
            self.byte = self.line_start;
            self.col = 1;
        }
        for c in text[self.byte..].chars() {
            if self.col >= col || c == '\n' {
                break;
            }
            self.byte += c.len_utf8();
            self.col += 1;
        }
        Some(())
    }

    /// The quoted line at `line` and `col`, cut to [`EXCERPT`] bytes either
    /// side (`…` where cut), and where the caret goes in it.
    fn excerpt(&mut self, line: usize, col: usize) -> Option<(String, usize)> {
        self.seek(line, col)?;
        let (text, start, at) = (self.text, self.line_start, self.byte);
        let end = text.as_bytes()[at..]
            .iter()
            .take(EXCERPT + 1)
            .position(|&b| b == b'\n')
            .map_or(at + EXCERPT, |n| at + n)
            .min(text.len());
        let end = ceil_char_boundary(text, end);
        let from = floor_char_boundary(text, at.saturating_sub(EXCERPT).max(start)).max(start);
        let mut out = String::new();
        if from > start {
            out.push('…');
        }
        out.push_str(text[from..end].trim_end_matches('\r'));
        if end < text.len() && !text[end..].starts_with(['\n', '\r']) {
            out.push('…');
        }
        let caret = usize::from(from > start) + text[from..at].chars().count();
        Some((out, caret))
    }
}

fn floor_char_boundary(text: &str, mut i: usize) -> usize {
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn ceil_char_boundary(text: &str, mut i: usize) -> usize {
    while i < text.len() && !text.is_char_boundary(i) {
        i += 1;
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
    fn long_lines_are_quoted_around_the_column() {
        let line = "ab ".repeat(1000);
        let text = format!("first\n{line}\nlast\n");
        let mut at = Cursor::new(&text);
        let (l, c) = at.line_col(6 + 1500);
        assert_eq!((l, c), (2, 1501));
        let d = Diagnostic::error_at("f.md", l, c, "here").with_excerpt(&mut at);
        let snippet = d.snippet.as_deref().unwrap();
        assert!(
            snippet.starts_with('…') && snippet.ends_with('…'),
            "{snippet}"
        );
        assert!(snippet.len() < 2 * EXCERPT + 10);
        let quoted = d.quoted_line().unwrap();
        let caret_line = quoted.lines().nth(2).unwrap();
        let text_line = quoted.lines().nth(1).unwrap();
        // The caret stands under the character at the column: `b`... of
        // the repeated `ab `, at byte 1500 of the line (an `a`).
        let caret = caret_line.chars().count() - 1;
        assert_eq!(text_line.chars().nth(caret), Some('a'), "{quoted}");
        // Short lines are quoted whole; positions further on reuse the cursor.
        let d = Diagnostic::error_at("f.md", 3, 2, "x").with_excerpt(&mut at);
        assert_eq!(d.snippet.as_deref(), Some("last"));
        assert_eq!(at.line_col(text.len() - 1), (3, 5));
        assert_eq!(at.line_col(2), (1, 3));
    }

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
