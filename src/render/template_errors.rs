//! Template errors in cairn's house format: every problem Tera reports,
//! at load or render time, becomes a [`Diagnostic`] whose first line is
//! `templates/FILE:LINE:COL: message` (the site's or the theme's path, as
//! the author would open it), with the line quoted, a caret and a hint:
//! did-you-mean for unknown variables, fields, filters, functions and
//! templates, the tag left open for an unclosed block, the `extends` line
//! for a missing parent.
//!
//! Pure: Tera's error and the templates' texts in, diagnostics out. Tera 2
//! reports some load-time problems (unknown filters, functions, includes)
//! only as formatted text, which [`set_errors`] reads back.

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

use tera::ErrorKind;

use crate::diagnostics::{Diagnostic, did_you_mean, line_col};

/// The templates' texts: name -> (path shown, text, built into cairn).
pub struct Sources<'a> {
    /// Every template by name.
    pub files: BTreeMap<&'a str, (&'a Path, &'a str, bool)>,
}

/// Tera's built-in filters, and cairn's (see `render::register`).
pub const FILTERS: &[&str] = &[
    "safe",
    "default",
    "upper",
    "lower",
    "wordcount",
    "escape",
    "escape_html",
    "escape_xml",
    "newlines_to_br",
    "pluralize",
    "trim",
    "trim_start",
    "trim_end",
    "replace",
    "capitalize",
    "title",
    "truncate",
    "indent",
    "str",
    "int",
    "float",
    "length",
    "reverse",
    "split",
    "abs",
    "round",
    "first",
    "last",
    "nth",
    "join",
    "sort",
    "unique",
    "get",
    "values",
    "keys",
    "pairs",
    "group_by",
    "date",
    "slugify",
    "striptags",
    "markdown",
    "urlencode",
    "json_encode",
];

/// What authors coming from Hugo, Jekyll (Liquid) or Jinja type for a
/// filter cairn has under another name.
const ALIASES: [(&str, &str); 14] = [
    ("upcase", "upper"),
    ("downcase", "lower"),
    ("strip", "trim"),
    ("size", "length"),
    ("count", "length"),
    ("strip_html", "striptags"),
    ("plainify", "striptags"),
    ("jsonify", "json_encode"),
    ("tojson", "json_encode"),
    ("url_encode", "urlencode"),
    ("markdownify", "markdown"),
    ("date_format", "date"),
    ("urlize", "slugify"),
    ("humanize", "title"),
];

/// Tera's built-in functions, and cairn's.
pub const FUNCTIONS: &[&str] = &["range", "throw", "get_url", "load_data"];

impl Sources<'_> {
    fn shown(&self, name: &str) -> PathBuf {
        self.files.get(name).map_or_else(
            || PathBuf::from(format!("templates/{name}")),
            |f| f.0.to_path_buf(),
        )
    }

    fn text(&self, name: &str) -> &str {
        self.files.get(name).map_or("", |f| f.1)
    }

    fn built_in(&self, name: &str) -> bool {
        self.files.get(name).is_some_and(|f| f.2)
    }

    fn names(&self) -> Vec<&str> {
        self.files.keys().copied().collect()
    }

    /// A diagnostic at a 1-based line and column of template `name`.
    fn at(&self, name: &str, line: usize, col: usize, message: String) -> Diagnostic {
        Diagnostic::error_at(self.shown(name), line, col, message).with_source(self.text(name))
    }

    /// Gives every template error a hint (a general one where nothing
    /// more precise is known) and adds the note every error in a built-in
    /// template carries.
    fn finish(&self, name: &str, mut d: Diagnostic) -> Diagnostic {
        if d.hint.is_none() {
            d = d.with_hint(
                "the template syntax and every filter and function are in the manual, \"Themes and templates\"",
            );
        }
        if !self.built_in(name) {
            return d;
        }
        let note = format!(
            "this template is built into cairn (the default theme); to change it, copy it to `templates/{name}`"
        );
        let hint = match &d.hint {
            Some(h) => format!("{h}; {note}"),
            None => note,
        };
        d.with_hint(hint)
    }
}

/// The template name nearest to `name`, compared without the `.html`
/// they all share (which would make any two names look alike).
pub fn nearest<'a>(name: &str, names: &[&'a str]) -> Option<&'a str> {
    let stem = |n: &str| n.strip_suffix(".html").unwrap_or(n).to_string();
    let stems: Vec<String> = names.iter().map(|n| stem(n)).collect();
    let found = did_you_mean(&stem(name), stems.iter().map(String::as_str))?;
    let k = stems.iter().position(|s| s == found)?;
    Some(names[k])
}

/// `Field` -> `field`: cairn's messages start in lowercase.
fn lowercase_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_lowercase().chain(c).collect(),
        None => String::new(),
    }
}

/// The diagnostic of one Tera error.
pub fn diagnostic(e: &tera::Error, src: &Sources) -> Diagnostic {
    match e.kind() {
        ErrorKind::SyntaxError(r) | ErrorKind::RenderingError(r) => {
            let name = r.filename();
            let span = r.span();
            let d = report(src, name, span.start_line, span.start_col + 1, r.message());
            src.finish(name, d)
        }
        ErrorKind::MissingParent { current, parent } => missing_parent(src, current, parent),
        ErrorKind::CircularExtend { tpl, .. } | ErrorKind::CircularInclude { tpl, .. } => src
            .finish(
                tpl,
                Diagnostic::error(src.shown(tpl), lowercase_first(&e.to_string())),
            ),
        ErrorKind::TemplateNotFound(name) => {
            let mut msg = format!("template `{name}` not found");
            if let Some(s) = nearest(name, &src.names()) {
                msg.push_str(&format!(" (did you mean `{s}`?)"));
            }
            Diagnostic::error(format!("templates/{name}"), msg)
        }
        ErrorKind::Msg(text) => match parse_reports(text).into_iter().next() {
            Some((name, line, col, message)) => {
                let d = report(src, &name, line, col, &message);
                src.finish(&name, d)
            }
            None => Diagnostic::error("templates", lowercase_first(text)),
        },
        _ => Diagnostic::error("templates", lowercase_first(&e.to_string())),
    }
}

/// The problems of a set of templates that failed to load together, each
/// with the template at fault. Problems caused by a template already
/// left out (`broken`), such as extending it, name their template with no
/// diagnostic: the cause is reported already.
pub fn set_errors(
    e: &tera::Error,
    src: &Sources,
    broken: &HashSet<String>,
) -> Vec<(String, Vec<Diagnostic>)> {
    match e.kind() {
        ErrorKind::MissingParent { current, parent } => {
            let d = if broken.contains(parent) {
                Vec::new()
            } else {
                vec![missing_parent(src, current, parent)]
            };
            vec![(current.clone(), d)]
        }
        ErrorKind::CircularExtend { tpl, .. } | ErrorKind::CircularInclude { tpl, .. } => {
            vec![(tpl.clone(), vec![diagnostic(e, src)])]
        }
        ErrorKind::SyntaxError(r) | ErrorKind::RenderingError(r) => {
            vec![(r.filename().to_string(), vec![diagnostic(e, src)])]
        }
        ErrorKind::Msg(text) => {
            let mut out: BTreeMap<String, Vec<Diagnostic>> = BTreeMap::new();
            for (name, line, col, message) in parse_reports(text) {
                let list = out.entry(name.clone()).or_default();
                let included = message
                    .strip_prefix("Unknown template `")
                    .and_then(|m| m.strip_suffix('`'));
                if included.is_some_and(|t| broken.contains(t)) {
                    continue;
                }
                let d = report(src, &name, line, col, &message);
                list.push(src.finish(&name, d));
            }
            out.into_iter().collect()
        }
        _ => Vec::new(),
    }
}

/// Tera's formatted reports (`error: MESSAGE` then ` --> NAME:LINE:COL`),
/// read back as (template, line, column, message).
fn parse_reports(text: &str) -> Vec<(String, usize, usize, String)> {
    let mut out = Vec::new();
    let mut message: Option<&str> = None;
    for line in text.lines() {
        if let Some(m) = line.strip_prefix("error: ") {
            message = Some(m);
        } else if let (Some(m), Some(loc)) = (message, line.trim_start().strip_prefix("--> ")) {
            let mut parts = loc.rsplitn(3, ':');
            let col = parts.next().and_then(|c| c.parse().ok());
            let row = parts.next().and_then(|l| l.parse().ok());
            if let (Some(col), Some(row), Some(name)) = (col, row, parts.next()) {
                out.push((name.to_string(), row, col, m.to_string()));
            }
            message = None;
        }
    }
    out
}

/// A Tera message at a place of template `name`, rewritten in cairn's
/// words with a hint where one helps.
fn report(src: &Sources, name: &str, line: usize, col: usize, message: &str) -> Diagnostic {
    let text = src.text(name);
    // `Field `titel` is not defined. Available fields: title, url`
    for (what, list) in [
        ("Field", " Available fields: "),
        ("Variable", " Available variables: "),
    ] {
        if let Some(rest) = message.strip_prefix(&format!("{what} `"))
            && let Some((missing, tail)) = rest.split_once("` is not defined.")
        {
            let available: Vec<&str> = tail
                .strip_prefix(list)
                .map(|l| l.split(", ").collect())
                .unwrap_or_default();
            let mut msg = format!("{} `{missing}` is not defined", what.to_lowercase());
            if let Some(s) = did_you_mean(missing, available.iter().copied()) {
                msg.push_str(&format!(" (did you mean `{s}`?)"));
            }
            let d = src.at(name, line, col, msg);
            return if available.is_empty() {
                d.with_hint(format!(
                    "test it first with `{{% if {missing} is defined %}}`, or give a fallback with `| default(value=\"\")`"
                ))
            } else {
                d.with_hint(format!("available here: {}", available.join(", ")))
            };
        }
    }
    for (what, known) in [("filter", FILTERS), ("function", FUNCTIONS)] {
        if let Some(unknown) = message
            .strip_prefix(&format!("Unknown {what} `"))
            .and_then(|m| m.strip_suffix('`'))
        {
            let mut msg = format!("unknown {what} `{unknown}`");
            let alias = ALIASES
                .iter()
                .find(|(a, _)| what == "filter" && *a == unknown)
                .map(|(_, f)| *f);
            if let Some(s) = alias.or_else(|| did_you_mean(unknown, known.iter().copied())) {
                msg.push_str(&format!(" (did you mean `{s}`?)"));
            }
            return src.at(name, line, col, msg).with_hint(format!(
                "the {what}s cairn's templates have are listed in the manual (\"Themes and templates\", \"Filters and functions\")"
            ));
        }
    }
    if let Some(unknown) = message
        .strip_prefix("Unknown template `")
        .and_then(|m| m.strip_suffix('`'))
    {
        let mut msg = format!("template `{unknown}` not found");
        if let Some(s) = nearest(unknown, &src.names()) {
            msg.push_str(&format!(" (did you mean `{s}`?)"));
        }
        return src.at(name, line, col, msg);
    }
    if message == "Unknown tag"
        && let Some(offset) = offset_of(text, line, col)
    {
        // An `end...` tag that closes nothing open: a block opened inside
        // the one it closes was left open.
        let word: String = text[offset..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        if let Some(closed) = word.strip_prefix("end")
            && let Some((open, at)) = unclosed_tag(&text[..offset])
            && open != closed
        {
            let (l, c) = line_col(text, at);
            return src
                .at(
                    name,
                    l,
                    c,
                    format!("`{{% {open} %}}` is never closed: `{{% {word} %}}` at line {line} comes first"),
                )
                .with_hint(format!("close it with `{{% end{open} %}}` before line {line}"));
        }
        if word.is_empty() || !word.starts_with("end") {
            return src.at(name, line, col, format!("unknown tag `{word}`")).with_hint(
                "tags are `if`, `for`, `set`, `block`, `extends`, `include`, `filter`, `raw` and `component`; call functions with `{{ ... }}`",
            );
        }
    }
    if message == "Unexpected end of input"
        && let Some((tag, offset)) = unclosed_tag(text)
    {
        let (l, c) = line_col(text, offset);
        let end = text.lines().count().max(1);
        return src
            .at(
                name,
                l,
                c,
                format!("`{{% {tag} %}}` is never closed: the template ends first (line {end})"),
            )
            .with_hint(format!("close it with `{{% end{tag} %}}`"));
    }
    let d = src.at(name, line, col, lowercase_first(message));
    if message.contains("expected }}") {
        d.with_hint("an expression opened with `{{` is closed with `}}`")
    } else if message.contains("expected %}") {
        d.with_hint("a tag opened with `{%` is closed with `%}`")
    } else if message.contains("expected") {
        d.with_hint("Tera 2 syntax: `{{ expression }}`, `{% tag %}`, `{# comment #}`")
    } else {
        d
    }
}

/// The byte offset of a 1-based line and column (in characters) of `text`.
fn offset_of(text: &str, line: usize, col: usize) -> Option<usize> {
    let start: usize = text
        .split_inclusive('\n')
        .take(line.checked_sub(1)?)
        .map(str::len)
        .sum();
    let rest = text.get(start..)?;
    let within = rest
        .char_indices()
        .nth(col.checked_sub(1)?)
        .map_or(rest.len(), |(i, _)| i);
    Some(start + within)
}

/// A template extending one that does not exist: at the `extends` line.
fn missing_parent(src: &Sources, current: &str, parent: &str) -> Diagnostic {
    let text = src.text(current);
    let offset = text
        .find(parent)
        .or_else(|| text.find("extends"))
        .unwrap_or(0);
    let (line, col) = line_col(text, offset);
    let mut msg = format!("`{current}` extends `{parent}`, which does not exist");
    if let Some(s) = nearest(parent, &src.names()) {
        msg.push_str(&format!(" (did you mean `{s}`?)"));
    }
    let d = src
        .at(current, line, col, msg)
        .with_hint("extend a template of the site or the theme, such as `base.html`");
    src.finish(current, d)
}

/// Tags that open a block closed by `end<tag>`.
const BLOCK_TAGS: [&str; 6] = ["if", "for", "block", "filter", "component", "raw"];

/// The innermost block tag of `text` left open at its end, and the byte
/// offset of its `{%`. `{% set x %}` (without `=`) opens a block too.
pub fn unclosed_tag(text: &str) -> Option<(String, usize)> {
    let mut stack: Vec<(String, usize)> = Vec::new();
    let mut i = 0;
    while let Some(found) = text[i..].find('{') {
        let at = i + found;
        let rest = &text[at..];
        if rest.starts_with("{#") {
            i = rest.find("#}").map_or(text.len(), |e| at + e + 2);
            continue;
        }
        if !rest.starts_with("{%") {
            i = at + 1;
            continue;
        }
        let end = rest.find("%}").map_or(text.len(), |e| at + e + 2);
        let inner = text[at + 2..end.saturating_sub(2).max(at + 2)]
            .trim_matches(|c: char| c == '-' || c.is_whitespace());
        let word: String = inner
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        i = end;
        if let Some(closed) = word.strip_prefix("end") {
            if stack.last().is_some_and(|(t, _)| t == closed) {
                stack.pop();
            }
        } else if BLOCK_TAGS.contains(&word.as_str()) || (word == "set" && !inner.contains('=')) {
            if word == "raw" {
                // Nothing inside a raw block is a tag.
                match text[i..].find("endraw") {
                    Some(e) => i += e + "endraw".len(),
                    None => return Some((word, at)),
                }
                continue;
            }
            stack.push((word, at));
        }
    }
    stack.pop()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unclosed_tags_name_the_innermost_open_block() {
        assert_eq!(
            unclosed_tag("{% if a %}\n{% for x in y %}{% endfor %}\n"),
            Some(("if".into(), 0))
        );
        assert_eq!(
            unclosed_tag("{% block b %}{% if a %}x{% endif %}"),
            Some(("block".into(), 0))
        );
        assert_eq!(unclosed_tag("{% if a %}{% endif %}{# {% if #}"), None);
        assert_eq!(unclosed_tag("{% set x = 1 %}"), None);
        assert_eq!(unclosed_tag("{% set x %}y"), Some(("set".into(), 0)));
        assert_eq!(unclosed_tag("{% raw %}{% if %}{% endraw %}"), None);
    }

    #[test]
    fn reports_are_read_back() {
        let text = "error: Unknown filter `x`\n --> a b.html:3:4\n  |\n3 | {{ 1 | x }}\n  |    ^\n\nerror: Unknown function `f`\n --> c.html:1:2\n";
        assert_eq!(
            parse_reports(text),
            [
                (
                    "a b.html".to_string(),
                    3,
                    4,
                    "Unknown filter `x`".to_string()
                ),
                (
                    "c.html".to_string(),
                    1,
                    2,
                    "Unknown function `f`".to_string()
                ),
            ]
        );
    }
}
