//! Shortcodes: Zola-style calls inside Markdown, `{{ name(key=value, ...) }}`.
//!
//! This module only finds and parses calls (pure string work): calls inside
//! code spans and fenced or indented code blocks are left alone, and `{{`
//! not followed by `name(` is ordinary text (so `{{ config }}` stays text).
//! Arguments are keyword arguments whose values are strings, integers,
//! floats, booleans or lists of those. Rendering the calls is the site's job.

use pulldown_cmark::{Event, Options, Parser, Tag};
use serde::Serialize;

/// A shortcode argument value.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum ArgValue {
    /// `"text"`.
    Str(String),
    /// `42`.
    Int(i64),
    /// `1.5`.
    Float(f64),
    /// `true` / `false`.
    Bool(bool),
    /// `[...]`.
    List(Vec<ArgValue>),
}

impl ArgValue {
    /// A short name of the value's type, for messages.
    pub fn kind(&self) -> &'static str {
        match self {
            ArgValue::Str(_) => "a string",
            ArgValue::Int(_) => "an integer",
            ArgValue::Float(_) => "a number",
            ArgValue::Bool(_) => "a boolean",
            ArgValue::List(_) => "a list",
        }
    }
}

/// One call found in a Markdown text.
#[derive(Debug, Clone, PartialEq)]
pub struct Call {
    /// The shortcode's name.
    pub name: String,
    /// Keyword arguments in call order.
    pub args: Vec<(String, ArgValue)>,
    /// Byte offset of each argument's name, in the order of `args`.
    pub arg_offsets: Vec<usize>,
    /// Byte range of the whole call, `{{` to `}}`.
    pub range: std::ops::Range<usize>,
}

impl Call {
    /// The argument called `key`.
    pub fn arg(&self, key: &str) -> Option<&ArgValue> {
        self.args.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }
}

/// A malformed call, at a byte offset of the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallError {
    /// Byte offset of the problem.
    pub offset: usize,
    /// What is wrong.
    pub message: String,
    /// How to fix it, where that is clear.
    pub hint: Option<String>,
}

/// Byte ranges of code spans and code blocks, where calls are not expanded.
fn code_ranges(text: &str) -> Vec<std::ops::Range<usize>> {
    let mut out = Vec::new();
    let mut in_block: Option<usize> = None;
    for (ev, range) in Parser::new_ext(text, Options::all()).into_offset_iter() {
        match ev {
            Event::Start(Tag::CodeBlock(_)) => in_block = Some(range.start),
            Event::End(pulldown_cmark::TagEnd::CodeBlock) => {
                if let Some(s) = in_block.take() {
                    out.push(s..range.end);
                }
            }
            Event::Code(_) => out.push(range),
            _ => {}
        }
    }
    out
}

/// Finds every call in `text`. Malformed calls are reported; the scan goes
/// on after them.
pub fn find_calls(text: &str) -> (Vec<Call>, Vec<CallError>) {
    let mut calls = Vec::new();
    let mut errors = Vec::new();
    if !text.contains("{{") && !text.contains("{%") {
        return (calls, errors);
    }
    let code = code_ranges(text);
    // `{% name(...) %}` is how templates call tags, not how Markdown calls
    // shortcodes: a likely slip, reported with the right form.
    let mut j = 0;
    while let Some(found) = text[j..].find("{%") {
        let start = j + found;
        j = start + 2;
        let k = code.partition_point(|r| r.end <= start);
        if code.get(k).is_some_and(|r| r.start <= start) {
            continue;
        }
        let mut c = Cursor { text, pos: j };
        c.ws();
        if let Some(name) = c.ident() {
            c.ws();
            if c.eat("(") {
                errors.push(CallError {
                    offset: start,
                    message: format!("`{{% {name}(...) %}}` is not a shortcode call"),
                    hint: Some(format!(
                        "shortcodes are called with double braces: `{{{{ {name}(...) }}}}`"
                    )),
                });
            }
        }
    }
    if !text.contains("{{") {
        return (calls, errors);
    }
    let mut i = 0;
    while let Some(found) = text[i..].find("{{") {
        let start = i + found;
        // Code ranges are sorted and disjoint: find the first that ends
        // after `start`.
        let k = code.partition_point(|r| r.end <= start);
        if let Some(r) = code.get(k).filter(|r| r.start <= start) {
            i = r.end.max(start + 2);
            continue;
        }
        match parse_call(text, start) {
            None => i = start + 2,
            Some(Ok(call)) => {
                i = call.range.end;
                calls.push(call);
            }
            Some(Err(e)) => {
                errors.push(e);
                i = start + 2;
            }
        }
    }
    (calls, errors)
}

struct Cursor<'a> {
    text: &'a str,
    pos: usize,
}

impl Cursor<'_> {
    fn peek(&self) -> Option<char> {
        self.text[self.pos..].chars().next()
    }
    fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.pos += c.len_utf8();
        Some(c)
    }
    fn ws(&mut self) {
        while self.peek().is_some_and(char::is_whitespace) {
            self.bump();
        }
    }
    fn eat(&mut self, s: &str) -> bool {
        if self.text[self.pos..].starts_with(s) {
            self.pos += s.len();
            true
        } else {
            false
        }
    }
    fn ident(&mut self) -> Option<String> {
        let start = self.pos;
        match self.peek() {
            Some(c) if c.is_ascii_alphabetic() || c == '_' => {}
            _ => return None,
        }
        while self
            .peek()
            .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_')
        {
            self.bump();
        }
        Some(self.text[start..self.pos].to_string())
    }
    fn err<T>(&self, message: impl Into<String>) -> Result<T, CallError> {
        Err(CallError {
            offset: self.pos,
            message: message.into(),
            hint: None,
        })
    }
}

/// Longest call accepted, and deepest list nesting: bounds on hostile input.
const MAX_CALL_LEN: usize = 64 * 1024;
const MAX_DEPTH: usize = 8;

/// Parses a call starting at `start` (which points at `{{`). `None` when the
/// text is not a call at all.
pub fn parse_call(text: &str, start: usize) -> Option<Result<Call, CallError>> {
    let mut c = Cursor {
        text,
        pos: start + 2,
    };
    c.ws();
    let name = c.ident()?;
    c.ws();
    if !c.eat("(") {
        return None;
    }
    Some(parse_rest(&mut c, name, start))
}

fn parse_rest(c: &mut Cursor, name: String, start: usize) -> Result<Call, CallError> {
    let mut args: Vec<(String, ArgValue)> = Vec::new();
    let mut arg_offsets = Vec::new();
    loop {
        c.ws();
        if c.pos - start > MAX_CALL_LEN {
            return c.err(format!(
                "shortcode call `{name}` is longer than {MAX_CALL_LEN} bytes"
            ));
        }
        if c.eat(")") {
            break;
        }
        if !args.is_empty() && !c.eat(",") {
            return c.err(format!("expected `,` or `)` in the call of `{name}`"));
        }
        c.ws();
        if c.eat(")") {
            break; // trailing comma
        }
        let key_at = c.pos;
        let Some(key) = c.ident() else {
            return c.err("expected an argument name: shortcodes take `key=value` arguments");
        };
        c.ws();
        if !c.eat("=") {
            return c.err(format!("expected `=` after argument `{key}`"));
        }
        c.ws();
        let value = parse_value(c, 0)?;
        if args.iter().any(|(k, _)| *k == key) {
            return Err(CallError {
                offset: key_at,
                message: format!("argument `{key}` is given twice"),
                hint: None,
            });
        }
        args.push((key, value));
        arg_offsets.push(key_at);
    }
    c.ws();
    if !c.eat("}}") {
        return c.err(format!("expected `}}}}` to close the call of `{name}`"));
    }
    Ok(Call {
        name,
        args,
        arg_offsets,
        range: start..c.pos,
    })
}

fn parse_value(c: &mut Cursor, depth: usize) -> Result<ArgValue, CallError> {
    match c.peek() {
        Some('"') | Some('\'') => {
            let quote = c.bump().unwrap_or('"');
            let mut s = String::new();
            loop {
                match c.bump() {
                    None => return c.err("unterminated string"),
                    Some('\\') => match c.bump() {
                        Some('n') => s.push('\n'),
                        Some('t') => s.push('\t'),
                        Some(other) => s.push(other),
                        None => return c.err("unterminated string"),
                    },
                    Some(ch) if ch == quote => return Ok(ArgValue::Str(s)),
                    Some(ch) => s.push(ch),
                }
            }
        }
        Some('[') => {
            if depth >= MAX_DEPTH {
                return c.err("lists nested too deeply");
            }
            c.bump();
            let mut items = Vec::new();
            loop {
                c.ws();
                if c.eat("]") {
                    return Ok(ArgValue::List(items));
                }
                if !items.is_empty() {
                    if !c.eat(",") {
                        return c.err("expected `,` or `]` in a list");
                    }
                    c.ws();
                    if c.eat("]") {
                        return Ok(ArgValue::List(items));
                    }
                }
                items.push(parse_value(c, depth + 1)?);
            }
        }
        Some(ch) if ch == '-' || ch.is_ascii_digit() => {
            let start = c.pos;
            c.bump();
            while c
                .peek()
                .is_some_and(|ch| ch.is_ascii_digit() || ch == '.' || ch == '_')
            {
                c.bump();
            }
            let s = c.text[start..c.pos].replace('_', "");
            if let Ok(n) = s.parse::<i64>() {
                Ok(ArgValue::Int(n))
            } else if let Ok(f) = s.parse::<f64>() {
                Ok(ArgValue::Float(f))
            } else {
                Err(CallError {
                    offset: start,
                    message: format!("`{s}` is not a number"),
                    hint: None,
                })
            }
        }
        _ => {
            let at = c.pos;
            match c.ident().as_deref() {
                Some("true") => Ok(ArgValue::Bool(true)),
                Some("false") => Ok(ArgValue::Bool(false)),
                Some(word) => Err(CallError {
                    offset: at,
                    message: format!("`{word}` is not a value: quote strings, as in `\"{word}\"`"),
                    hint: None,
                }),
                None => c.err("expected a value: a string, number, boolean or list"),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn calls(text: &str) -> Vec<Call> {
        let (c, e) = find_calls(text);
        assert!(e.is_empty(), "{e:?}");
        c
    }

    #[test]
    fn parses_every_argument_type() {
        let text = r#"x {{ compare(collection="roles", items=["a", 'b'], n=3, f=-1.5, ok=true, nested=[[1], []]) }} y"#;
        let c = calls(text);
        assert_eq!(c.len(), 1);
        assert_eq!(c[0].name, "compare");
        assert_eq!(c[0].arg("collection"), Some(&ArgValue::Str("roles".into())));
        assert_eq!(
            c[0].arg("items"),
            Some(&ArgValue::List(vec![
                ArgValue::Str("a".into()),
                ArgValue::Str("b".into())
            ]))
        );
        assert_eq!(c[0].arg("n"), Some(&ArgValue::Int(3)));
        assert_eq!(c[0].arg("f"), Some(&ArgValue::Float(-1.5)));
        assert_eq!(c[0].arg("ok"), Some(&ArgValue::Bool(true)));
        let call = &text[c[0].range.clone()];
        assert!(
            call.starts_with("{{ compare(") && call.ends_with(") }}"),
            "{call}"
        );
    }

    #[test]
    fn not_a_call_is_text() {
        assert!(calls("{{ config }} and {{ page.title }} and {{").is_empty());
    }

    #[test]
    fn calls_in_code_are_left_alone() {
        let text = "`{{ a() }}`\n\n```\n{{ b() }}\n```\n\n    {{ c() }}\n\n{{ d() }}\n";
        let c = calls(text);
        assert_eq!(c.len(), 1);
        assert_eq!(c[0].name, "d");
    }

    #[test]
    fn malformed_calls_are_errors_at_the_problem() {
        let text = "ab {{ compare(items=[\"a\" \"b\"]) }}";
        let (c, e) = find_calls(text);
        assert!(c.is_empty());
        assert_eq!(e[0].message, "expected `,` or `]` in a list");
        assert_eq!(&text[e[0].offset..e[0].offset + 3], "\"b\"");
        let (_, e) = find_calls("{{ x(a=roles) }}");
        assert!(e[0].message.contains("quote strings"));
        let (_, e) = find_calls("{{ x(\"pos\") }}");
        assert!(e[0].message.contains("key=value"));
        let (_, e) = find_calls("{{ x(a=1, a=2) }}");
        assert_eq!(e[0].message, "argument `a` is given twice");
        let (_, e) = find_calls("{{ x(a=1) ");
        assert!(e[0].message.contains("to close the call"));
    }

    #[test]
    fn hostile_input_is_bounded() {
        let deep = format!("{{{{ x(a={}) }}}}", "[".repeat(10_000));
        let (_, e) = find_calls(&deep);
        assert!(e[0].message.contains("nested too deeply"));
        let args: String = (0..20_000).map(|i| format!("a{i}=1, ")).collect();
        let long = format!("{{{{ x({args}) }}}}");
        let (_, e) = find_calls(&long);
        assert!(e[0].message.contains("longer than"));
        let many = "{{ ".repeat(100_000);
        let t = std::time::Instant::now();
        let _ = find_calls(&many);
        assert!(t.elapsed().as_secs() < 2);
    }
}
