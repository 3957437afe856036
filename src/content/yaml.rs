//! Every YAML call of cairn lives here.
//!
//! Front-matter goes through two parsers, for two different jobs:
//!
//! 1. `serde_yaml` (the `yaml_serde` continuation of serde_yaml, on libyaml)
//!    produces the values. It is parsed into a generic [`Value`] first, so a
//!    syntax error is reported where libyaml actually found it rather than at
//!    an earlier position where a typed deserialisation happened to fail.
//! 2. `saphyr-parser`, an event parser that keeps a span for every node,
//!    records where each key and value starts ([`positions`]). serde_yaml
//!    alone gives no positions for values, and a schema error must point at
//!    the offending key or list item. Only diagnostics need positions, so
//!    this second parse runs when one is reported, not for every file: it
//!    was a tenth of the CPU time of a build.
//!
//! All positions are 1-based and counted from the start of the file, not of
//! the front-matter.

use std::collections::HashMap;

use saphyr_parser::{Event, Parser};
pub use serde_yaml::{Mapping, Value};

/// Where a node starts in the file: 1-based line and column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Pos {
    /// 1-based line.
    pub line: usize,
    /// 1-based column (characters).
    pub col: usize,
}

/// Positions of the nodes of one front-matter, by path.
///
/// A path is the chain of mapping keys and sequence indexes from the top,
/// joined by `/`: `kpis` is the top-level key `kpis`, `kpis/1` its second
/// item, `salary/min` a nested key.
#[derive(Debug, Clone, Default)]
pub struct Positions {
    keys: HashMap<String, Pos>,
    values: HashMap<String, Pos>,
    start: Pos,
}

impl Positions {
    /// No positions known: everything falls back to `start`.
    pub fn starting_at(start: Pos) -> Positions {
        Positions {
            start,
            ..Positions::default()
        }
    }

    /// Records where the node at `path` is: its key (for a mapping entry)
    /// and its value.
    pub fn insert(&mut self, path: String, key: Option<Pos>, value: Pos) {
        if let Some(k) = key {
            self.keys.insert(path.clone(), k);
        }
        self.values.insert(path, value);
    }

    /// Where the key at `path` is written, else where the front-matter starts.
    pub fn key(&self, path: &str) -> Pos {
        self.keys.get(path).copied().unwrap_or(self.start)
    }

    /// Where the value at `path` starts, falling back to its key, then to the
    /// nearest enclosing node.
    pub fn value(&self, path: &str) -> Pos {
        let mut p = path;
        loop {
            if let Some(pos) = self.values.get(p).or_else(|| self.keys.get(p)) {
                return *pos;
            }
            match p.rsplit_once('/') {
                Some((parent, _)) => p = parent,
                None => return self.start,
            }
        }
    }
}

/// A YAML problem at a place in the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YamlError {
    /// Where it is.
    pub pos: Pos,
    /// What is wrong.
    pub message: String,
    /// How to fix it, for the common mistakes.
    pub hint: Option<&'static str>,
}

/// Upper bound on nesting, far beyond any real front-matter; keeps hostile
/// input from exhausting the stack.
const MAX_DEPTH: usize = 64;

fn start_of(first_line: usize) -> Pos {
    Pos {
        line: first_line.saturating_sub(1).max(1),
        col: 1,
    }
}

/// Parses front-matter text that starts at `first_line` of its file into
/// its top-level mapping.
pub fn parse_front_matter(yaml: &str, first_line: usize) -> Result<Mapping, YamlError> {
    let start = start_of(first_line);
    let value: Value = match serde_yaml::from_str(yaml) {
        Ok(v) if depth(&v) <= MAX_DEPTH => v,
        // The event scan names duplicate keys with the line of the first
        // one and bounds nesting; libyaml's own message otherwise.
        Ok(_) => {
            return Err(scan(yaml, first_line)
                .err()
                .unwrap_or_else(|| too_deep(start)));
        }
        Err(e) => {
            return Err(scan(yaml, first_line)
                .err()
                .unwrap_or_else(|| translate_error(&e, yaml, first_line, start)));
        }
    };
    match value {
        Value::Null => Ok(Mapping::new()),
        Value::Mapping(m) => Ok(m),
        other => Err(YamlError {
            pos: positions(yaml, first_line).value(""),
            message: format!(
                "front-matter must be a mapping of `key: value` lines, found {}",
                kind_name(&other)
            ),
            hint: None,
        }),
    }
}

/// Where every key and value of front-matter text starting at `first_line`
/// is. Text that does not parse gives the positions found up to the error.
pub fn positions(yaml: &str, first_line: usize) -> Positions {
    scan_positions(yaml, first_line, start_of(first_line), false)
        .unwrap_or_else(|_| Positions::starting_at(start_of(first_line)))
}

fn scan(yaml: &str, first_line: usize) -> Result<Positions, YamlError> {
    scan_positions(yaml, first_line, start_of(first_line), true)
}

fn too_deep(pos: Pos) -> YamlError {
    YamlError {
        pos,
        message: format!("front-matter is nested more than {MAX_DEPTH} levels deep"),
        hint: None,
    }
}

/// How deeply a value nests: 0 for a scalar, 1 for a flat list or mapping.
fn depth(v: &Value) -> usize {
    match v {
        Value::Sequence(items) => 1 + items.iter().map(depth).max().unwrap_or(0),
        Value::Mapping(m) => {
            1 + m
                .iter()
                .map(|(k, v)| depth(k).max(depth(v)))
                .max()
                .unwrap_or(0)
        }
        Value::Tagged(t) => depth(&t.value),
        _ => 0,
    }
}

fn translate_error(e: &serde_yaml::Error, yaml: &str, first_line: usize, start: Pos) -> YamlError {
    let pos = e.location().map_or(start, |l| Pos {
        line: l.line() + first_line - 1,
        col: l.column(),
    });
    let raw = e.to_string();
    // libyaml writes "... at line 3 column 2, while parsing ... at line 2
    // column 4": drop the primary position (it is in the prefix) and shift
    // the others to file lines.
    let mut msg = String::new();
    let mut rest = raw.as_str();
    let mut first = true;
    while let Some(i) = rest.find(" at line ") {
        msg.push_str(&rest[..i]);
        let after = &rest[i + " at line ".len()..];
        let digits: String = after.chars().take_while(char::is_ascii_digit).collect();
        let tail = &after[digits.len()..];
        let (col_text, tail) = match tail.strip_prefix(" column ") {
            Some(t) => {
                let c: String = t.chars().take_while(char::is_ascii_digit).collect();
                let rest = &t[c.len()..];
                (Some(c), rest)
            }
            None => (None, tail),
        };
        if !first {
            let n: usize = digits.parse().unwrap_or(0);
            msg.push_str(&format!(" at line {}", n + first_line - 1));
            if let Some(c) = col_text {
                msg.push_str(&format!(" column {c}"));
            }
        }
        first = false;
        rest = tail;
    }
    msg.push_str(rest);
    if msg.contains("duplicate entry") {
        msg = msg.replace("duplicate entry with key", "duplicate key");
    }
    // The line of the error, in the front-matter's own numbering.
    let lines: Vec<&str> = yaml.lines().collect();
    let at = pos.line.saturating_sub(first_line);
    let line = lines.get(at).copied().unwrap_or_default();
    let hint = if msg.contains("mapping values are not allowed") {
        Some(if indented_under_a_value(&lines, at) {
            "this line is indented under a key that already has a value; remove the indentation"
        } else {
            "a value that contains `: ` must be quoted: `key: \"text: more text\"`"
        })
    } else if line.contains('\t') {
        Some("YAML does not allow tabs for indentation; indent with spaces")
    } else {
        None
    };
    YamlError {
        pos,
        message: format!("invalid YAML front-matter: {msg}"),
        hint,
    }
}

/// Whether line `at` of `lines` is a `key: value` indented under a line
/// that has a value already (`title: X` then `  summary: y`): YAML then
/// reads it as a continuation of that value, and the fix is the indentation,
/// not quoting.
fn indented_under_a_value(lines: &[&str], at: usize) -> bool {
    let indent = |l: &str| l.len() - l.trim_start().len();
    let Some(line) = lines.get(at) else {
        return false;
    };
    let Some(prev) = lines[..at].iter().rev().find(|l| !l.trim().is_empty()) else {
        return false;
    };
    let key_with_value = |l: &str| {
        l.trim_start()
            .split_once(": ")
            .is_some_and(|(k, v)| !k.contains(' ') && !v.trim().is_empty())
    };
    indent(line) > indent(prev) && key_with_value(prev) && line.trim_start().contains(": ")
}

/// A short name for the kind of a value, for error messages.
pub fn kind_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "nothing",
        Value::Bool(_) => "a boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "an integer",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Sequence(_) => "a list",
        Value::Mapping(_) => "a mapping",
        Value::Tagged(_) => "a tagged value",
    }
}

enum Frame {
    Map {
        path: String,
        key: Option<String>,
        seen: HashMap<String, Pos>,
    },
    Seq {
        path: String,
        index: usize,
    },
    /// A non-scalar mapping key: its contents are not tracked.
    ComplexKey,
}

fn join(parent: &str, seg: &str) -> String {
    if parent.is_empty() {
        seg.to_string()
    } else {
        format!("{parent}/{seg}")
    }
}

/// Walks the events of `yaml`, recording where each node starts. `strict`
/// makes a duplicate key or excessive nesting an error; otherwise the walk
/// keeps the first of two keys and stops at the nesting bound.
fn scan_positions(
    yaml: &str,
    first_line: usize,
    start: Pos,
    strict: bool,
) -> Result<Positions, YamlError> {
    let mut out = Positions::starting_at(start);
    let mut stack: Vec<Frame> = Vec::new();
    let to_pos = |line: usize, col: usize| Pos {
        line: line + first_line - 1,
        col: col + 1,
    };
    for item in Parser::new_from_str(yaml) {
        // A scan error is left to libyaml, whose messages users know; the
        // positions found so far stay usable.
        let Ok((event, span)) = item else { break };
        let pos = to_pos(span.start.line(), span.start.col());
        let is_node = matches!(
            event,
            Event::Scalar(..)
                | Event::SequenceStart(..)
                | Event::MappingStart(..)
                | Event::Alias(..)
        );
        if is_node {
            // Where does this node sit: as a key, or as a value at a path?
            let mut as_key = None;
            let path = match stack.last_mut() {
                None => String::new(),
                Some(Frame::Map { path, key, seen }) => match key.take() {
                    None => {
                        let name = match &event {
                            Event::Scalar(s, ..) => s.to_string(),
                            _ => "?".to_string(),
                        };
                        if let Some(first) = seen.get(&name)
                            && strict
                        {
                            return Err(YamlError {
                                pos,
                                message: format!(
                                    "duplicate key `{name}` (first set at line {})",
                                    first.line
                                ),
                                hint: None,
                            });
                        }
                        seen.entry(name.clone()).or_insert(pos);
                        as_key = Some(join(path, &name));
                        *key = Some(name);
                        String::new()
                    }
                    Some(k) => join(path, &k),
                },
                Some(Frame::Seq { path, index }) => {
                    let p = join(path, &index.to_string());
                    *index += 1;
                    p
                }
                Some(Frame::ComplexKey) => String::new(),
            };
            // A key whose value is pending keeps `key` set; a value clears it.
            if as_key.is_none()
                && let Some(Frame::Map { key, .. }) = stack.last_mut()
            {
                *key = None;
            }
            let in_complex_key = matches!(stack.last(), Some(Frame::ComplexKey));
            match &as_key {
                Some(k) => {
                    out.keys.entry(k.clone()).or_insert(pos);
                }
                None if !in_complex_key => {
                    out.values.entry(path.clone()).or_insert(pos);
                }
                None => {}
            }
            let container_path = if as_key.is_some() || in_complex_key {
                None
            } else {
                Some(path)
            };
            match event {
                Event::MappingStart(..) | Event::SequenceStart(..) => {
                    if stack.len() >= MAX_DEPTH {
                        if strict {
                            return Err(too_deep(pos));
                        }
                        break;
                    }
                    let frame = match (container_path, matches!(event, Event::MappingStart(..))) {
                        (None, _) => Frame::ComplexKey,
                        (Some(path), true) => Frame::Map {
                            path,
                            key: None,
                            seen: HashMap::new(),
                        },
                        (Some(path), false) => Frame::Seq { path, index: 0 },
                    };
                    stack.push(frame);
                }
                _ => {}
            }
        } else if matches!(event, Event::MappingEnd | Event::SequenceEnd) {
            stack.pop();
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pos(line: usize, col: usize) -> Pos {
        Pos { line, col }
    }

    #[test]
    fn syntax_error_lines_count_from_the_start_of_the_file() {
        // Front-matter starts at line 2 of the file.
        let e = parse_front_matter("title: A\nkpis: [a, b\nsummary: x\n", 2).unwrap_err();
        // libyaml notices the unclosed list at the `:` of the next key.
        assert_eq!(e.pos, pos(4, 8));
        assert_eq!(
            e.message,
            "invalid YAML front-matter: did not find expected ',' or ']', while parsing a flow sequence at line 3 column 7"
        );
    }

    #[test]
    fn mapping_value_in_wrong_place() {
        let e = parse_front_matter("title: x\n  bad: y: z\n", 2).unwrap_err();
        assert_eq!(e.pos, pos(3, 6));
        assert!(
            e.message.contains("mapping values are not allowed"),
            "{}",
            e.message
        );
    }

    #[test]
    fn unquoted_colon_gets_a_hint() {
        let e = parse_front_matter("title: x\nfocus: The why: markets\n", 2).unwrap_err();
        assert_eq!(e.pos, pos(3, 15));
        assert!(e.hint.unwrap().contains("must be quoted"));
    }

    /// Issue 16: a key indented under nothing was told to quote its value.
    #[test]
    fn hints_follow_the_mistake() {
        let e = parse_front_matter("title: x\n  summary: y\n", 2).unwrap_err();
        assert_eq!(
            e.hint,
            Some(
                "this line is indented under a key that already has a value; remove the indentation"
            )
        );
        let e = parse_front_matter("title: x\nkpis:\n\t- nps\n", 2).unwrap_err();
        assert!(
            e.hint.unwrap().contains("tabs"),
            "a tab is named when there is one"
        );
        let e = parse_front_matter("title: x\nkpis: [a, b\n", 2).unwrap_err();
        assert!(e.hint.is_none_or(|h| !h.contains("tabs")), "{:?}", e.hint);
    }

    #[test]
    fn key_and_value_positions() {
        let yaml = "title: PO\nkpis:\n  - nps\n  - kpi-velocty\nsalary: { min: 1, max: 2 }\nlist: [a, b]\n";
        assert!(parse_front_matter(yaml, 2).is_ok());
        let p = &positions(yaml, 2);
        assert_eq!(p.key("title"), pos(2, 1));
        assert_eq!(p.value("title"), pos(2, 8));
        assert_eq!(p.key("kpis"), pos(3, 1));
        assert_eq!(p.value("kpis/1"), pos(5, 5));
        assert_eq!(p.value("salary/max"), pos(6, 24));
        assert_eq!(p.value("list/1"), pos(7, 11));
        // Unknown paths fall back to the nearest known ancestor.
        assert_eq!(p.value("list/9"), pos(7, 7));
    }

    #[test]
    fn duplicate_keys_are_an_error_at_the_second_key() {
        let e = parse_front_matter("title: a\ndesc: b\ntitle: c\n", 2).unwrap_err();
        assert_eq!(e.pos, pos(4, 1));
        assert_eq!(e.message, "duplicate key `title` (first set at line 2)");
    }

    #[test]
    fn empty_front_matter_is_an_empty_mapping() {
        assert!(parse_front_matter("", 2).unwrap().is_empty());
    }

    #[test]
    fn non_mapping_front_matter() {
        let e = parse_front_matter("- a\n- b\n", 2).unwrap_err();
        assert!(e.message.contains("found a list"));
        assert_eq!(e.pos, pos(2, 1));
    }

    #[test]
    fn deep_nesting_is_bounded() {
        let yaml = format!("a: {}{}\n", "[".repeat(500), "]".repeat(500));
        let e = parse_front_matter(&yaml, 2).unwrap_err();
        assert!(
            e.message.contains("nest") || e.message.contains("recursion"),
            "{}",
            e.message
        );
    }

    #[test]
    fn nesting_past_the_bound_is_an_error_even_where_libyaml_accepts_it() {
        // 70 levels: within libyaml's recursion limit, past ours.
        let yaml = format!("a: {}{}\n", "[".repeat(70), "]".repeat(70));
        let e = parse_front_matter(&yaml, 2).unwrap_err();
        assert_eq!(e.message, "front-matter is nested more than 64 levels deep");
        assert_eq!(e.pos.line, 2);
        let ok = format!("a: {}{}\n", "[".repeat(60), "]".repeat(60));
        assert!(parse_front_matter(&ok, 2).is_ok());
    }

    #[test]
    fn positions_of_text_with_a_duplicate_key_keep_the_first() {
        let p = positions("title: a\ndesc: b\ntitle: c\n", 2);
        assert_eq!(p.key("title"), pos(2, 1));
        assert_eq!(p.value("desc"), pos(3, 7));
    }

    #[test]
    fn positions_of_text_that_does_not_parse_stop_at_the_error() {
        let p = positions("title: a\nkpis: [x\n", 2);
        assert_eq!(p.value("title"), pos(2, 8));
        assert_eq!(p.value("missing"), pos(1, 1));
    }

    #[test]
    fn alias_bomb_is_bounded() {
        let mut yaml = String::from("a: &a [x, x, x, x, x, x, x, x, x]\n");
        for i in 0..12 {
            let prev = if i == 0 {
                "a".to_string()
            } else {
                format!("l{}", i - 1)
            };
            yaml.push_str(&format!(
                "l{i}: &l{i} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"
            ));
        }
        let t = std::time::Instant::now();
        assert!(parse_front_matter(&yaml, 2).is_err());
        assert!(t.elapsed().as_secs() < 5);
    }
}
