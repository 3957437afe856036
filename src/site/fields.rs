//! Typed collections: every entry's front-matter checked against the fields
//! its collection declares in `site.toml`.
//!
//! [`check_page`] turns the raw YAML values of one page into typed
//! [`FieldValue`]s, reporting each problem at the key or value that causes it
//! (unknown keys with the nearest declared name, wrong types, missing
//! required fields, enum values, ranges). [`check_refs`] runs once all pages
//! are known and checks that every `ref`/`refs` names a published entry of
//! its target collection.

use std::collections::{HashMap, HashSet};

use serde::Serialize;

use crate::config::BUILTIN_KEYS;
use crate::config::{Config, FieldDef, FieldType};
use crate::content::yaml::{Pos, Value, kind_name};
use crate::content::{Date, Page, PageKind};
use crate::diagnostics::{Diagnostic, Diagnostics, did_you_mean};

/// A checked field value.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum FieldValue {
    /// `string`, `enum` and `url`.
    String(String),
    /// `text`: the Markdown source (rendered when the page is rendered).
    Text(String),
    /// `int`.
    Int(i64),
    /// `float`.
    Float(f64),
    /// `bool`.
    Bool(bool),
    /// `date`.
    Date(Date),
    /// `list`.
    List(Vec<String>),
    /// `ref`: the slug.
    Ref(String),
    /// `refs`: the slugs.
    Refs(Vec<String>),
    /// `range`.
    Range {
        /// Lower bound.
        min: f64,
        /// Upper bound.
        max: f64,
        /// The upper bound is where the range is known to reach, not where
        /// it ends ("$180,000+"): `max_open: true`, or `max: "180000+"`.
        max_open: bool,
        /// Unit, from the entry or else the field declaration.
        unit: Option<String>,
    },
}

/// The typed fields of one page, in declaration order (unset ones left out).
pub type TypedFields = Vec<(String, FieldValue)>;

/// Where checked values come from: a page's front-matter, or one record
/// of a data file. Paths are those of [`crate::content::yaml::Positions`]
/// (`kpis/1`, `salary/min`), relative to the front-matter or record.
pub(crate) trait Source {
    /// An error at `pos` of the source's file.
    fn err(&self, pos: Pos, message: String) -> Diagnostic;
    /// Where the key at `path` is written.
    fn key_pos(&self, path: &str) -> Pos;
    /// Where the value at `path` starts.
    fn value_pos(&self, path: &str) -> Pos;
    /// Where a missing key is reported: the start of the whole.
    fn start(&self) -> Pos;
}

impl Source for Page {
    fn err(&self, pos: Pos, message: String) -> Diagnostic {
        self.error_at(pos, message)
    }
    fn key_pos(&self, path: &str) -> Pos {
        self.positions().key(path)
    }
    fn value_pos(&self, path: &str) -> Pos {
        self.positions().value(path)
    }
    fn start(&self) -> Pos {
        Pos { line: 1, col: 1 }
    }
}

/// Checks the raw fields of `page` against its collection. Pages outside a
/// collection, and collection pages (`_index.md`), may only use built-in
/// keys. Returns the fields that are right and the problems of the others:
/// a wrong field does not stop the page's body from being checked.
pub fn check_page(page: &Page, config: &Config) -> (TypedFields, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let coll = match &page.kind {
        PageKind::Entry(c) => config.collection(c),
        _ => None,
    };
    let Some(coll) = coll else {
        for (key, _) in &page.fields {
            let mut d = page.error_at(page.positions().key(key), format!("unknown key `{key}`"));
            d = match did_you_mean(key, BUILTIN_KEYS) {
                Some(s) => d.with_hint(format!("did you mean `{s}`? typed fields are only allowed on the entries of a collection")),
                None => d.with_hint(format!(
                    "only entries of a collection have typed fields; this page may use {}",
                    BUILTIN_KEYS.map(|k| format!("`{k}`")).join(", ")
                )),
            };
            diags.push(d);
        }
        return (Vec::new(), diags);
    };
    check_in(page, coll)
}

/// Checks the typed fields a translation sets itself (`original` holds
/// the values of the page it translates, which it inherits): a field the
/// original sets is not required of it.
pub fn check_translation(
    page: &Page,
    config: &Config,
    original: &TypedFields,
) -> (TypedFields, Vec<Diagnostic>) {
    let coll = match &page.kind {
        PageKind::Entry(c) => config.collection(c),
        _ => None,
    };
    let Some(coll) = coll else {
        return check_page(page, config);
    };
    let mut relaxed = coll.clone();
    for f in &mut relaxed.fields {
        f.required &= !original.iter().any(|(k, _)| *k == f.name);
    }
    check_in(page, &relaxed)
}

fn check_in(page: &Page, coll: &crate::config::Collection) -> (TypedFields, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let mut values: HashMap<&str, &Value> = HashMap::new();
    for (key, value) in &page.fields {
        if coll.field(key).is_some() {
            values.insert(key, value);
            continue;
        }
        let names = coll
            .fields
            .iter()
            .map(|f| f.name.as_str())
            .chain(BUILTIN_KEYS);
        let mut msg = format!("unknown key `{key}` in collection `{}`", coll.name);
        if let Some(s) = did_you_mean(key, names) {
            msg.push_str(&format!(" (did you mean `{s}`?)"));
        }
        let mut d = page.error_at(page.positions().key(key), msg);
        if !coll.fields.is_empty() {
            let declared: Vec<String> = coll
                .fields
                .iter()
                .map(|f| format!("`{}`", f.name))
                .collect();
            d = d.with_hint(format!(
                "`{}` declares {}; put free-form data under `extra`",
                coll.name,
                declared.join(", ")
            ));
        } else {
            d = d.with_hint(format!(
                "`{}` declares no fields; put free-form data under `extra`",
                coll.name
            ));
        }
        diags.push(d);
    }
    let (typed, mut errors) = check_fields(&coll.fields, &values, page);
    diags.append(&mut errors);
    (typed, diags)
}

/// Checks the values of the declared `fields` (`values` by key; unknown
/// keys are the caller's to report): missing required ones, types,
/// enums, ranges. Returns the typed values that are right and the
/// problems of the others.
pub(crate) fn check_fields(
    fields: &[FieldDef],
    values: &HashMap<&str, &Value>,
    src: &dyn Source,
) -> (TypedFields, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let mut typed = Vec::new();
    for def in fields {
        match values.get(def.name.as_str()) {
            None | Some(Value::Null) => {
                if def.required {
                    let at = if values.contains_key(def.name.as_str()) {
                        src.key_pos(&def.name)
                    } else {
                        src.start()
                    };
                    diags.push(
                        src.err(
                            at,
                            format!("missing required field `{}` ({})", def.name, type_desc(def)),
                        )
                        .with_hint(format!("add `{}: ...` to the front-matter", def.name)),
                    );
                }
            }
            Some(v) => match check_value(def, v, src) {
                Ok(fv) => typed.push((def.name.clone(), fv)),
                Err(mut ds) => diags.append(&mut ds),
            },
        }
    }
    (typed, diags)
}

/// A short description of a field's type for messages.
pub fn type_desc(def: &FieldDef) -> String {
    match def.ty {
        FieldType::String => "a string".into(),
        FieldType::Text => "a string of inline Markdown".into(),
        FieldType::Int => "an integer".into(),
        FieldType::Float => "a number".into(),
        FieldType::Bool => "`true` or `false`".into(),
        FieldType::Date => "a date, YYYY-MM-DD".into(),
        FieldType::Url => "a URL".into(),
        FieldType::List => "a list of strings".into(),
        FieldType::Enum => format!("one of {}", quoted_list(&def.values)),
        FieldType::Ref => format!(
            "the slug of an entry of `{}`",
            def.to.as_deref().unwrap_or("?")
        ),
        FieldType::Refs => format!(
            "a list of slugs of entries of `{}`",
            def.to.as_deref().unwrap_or("?")
        ),
        FieldType::Range => format!(
            "a range `{{ min: ..., max: ... }}`{}",
            def.unit
                .as_ref()
                .map(|u| format!(" in {u}"))
                .unwrap_or_default()
        ),
    }
}

fn quoted_list(values: &[String]) -> String {
    values
        .iter()
        .map(|v| format!("`{v}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The error for a value of the wrong type, with the fix when there is an
/// obvious one (quotes to add or to remove).
fn wrong_type(def: &FieldDef, found: &Value, page: &dyn Source) -> Diagnostic {
    let name = &def.name;
    let mut d = page.err(
        page.value_pos(name),
        format!(
            "`{name}` must be {}, found {}",
            type_desc(def),
            kind_name(found)
        ),
    );
    if matches!(def.ty, FieldType::String | FieldType::Text)
        && !matches!(found, Value::Sequence(_) | Value::Mapping(_))
    {
        d = d.with_hint("quote the value to make it a string");
    }
    // `team_size: "8"`: a number or boolean written in quotes.
    if let Value::String(s) = found {
        let unquoted = match def.ty {
            FieldType::Int => s.trim().parse::<i64>().is_ok(),
            FieldType::Float => s.trim().parse::<f64>().is_ok_and(f64::is_finite),
            FieldType::Bool => matches!(s.trim(), "true" | "false"),
            _ => false,
        };
        if unquoted {
            d = d.with_hint(format!("remove the quotes: `{name}: {}`", s.trim()));
        }
    }
    d
}

fn check_value(
    def: &FieldDef,
    v: &Value,
    page: &dyn Source,
) -> Result<FieldValue, Vec<Diagnostic>> {
    let name = &def.name;
    let at = || page.value_pos(name);
    let wrong = |found: &Value| vec![wrong_type(def, found, page)];
    let string = |v: &Value| -> Option<String> { v.as_str().map(str::to_string) };
    match def.ty {
        FieldType::String | FieldType::Text => {
            let s = string(v).ok_or_else(|| wrong(v))?;
            if def.required && s.trim().is_empty() {
                return Err(vec![
                    page.err(at(), format!("required field `{name}` is empty")),
                ]);
            }
            if def.ty == FieldType::Text
                && let Some((_, msg)) = crate::markdown::inline_math_errors(&s).into_iter().next()
            {
                return Err(vec![page.err(at(), format!("`{name}`: {msg}"))]);
            }
            Ok(if def.ty == FieldType::Text {
                FieldValue::Text(s)
            } else {
                FieldValue::String(s)
            })
        }
        FieldType::Int => v.as_i64().map(FieldValue::Int).ok_or_else(|| wrong(v)),
        FieldType::Float => v.as_f64().map(FieldValue::Float).ok_or_else(|| wrong(v)),
        FieldType::Bool => v.as_bool().map(FieldValue::Bool).ok_or_else(|| wrong(v)),
        FieldType::Date => {
            let s = string(v).ok_or_else(|| wrong(v))?;
            Date::parse(&s).map(FieldValue::Date).map_err(|e| {
                let d = page.err(at(), format!("`{name}` value `{s}` {}", e.reason));
                vec![if e.bad_shape {
                    d.with_hint("write dates as YYYY-MM-DD")
                } else {
                    d
                }]
            })
        }
        FieldType::Url => {
            let s = string(v).ok_or_else(|| wrong(v))?;
            if is_url(&s) {
                Ok(FieldValue::String(s))
            } else {
                Err(vec![
                    page.err(at(), format!("`{name}` value `{s}` is not a URL"))
                        .with_hint("use an absolute `https://...` URL, a `mailto:` address or a root-relative `/path`"),
                ])
            }
        }
        FieldType::Enum => {
            let s = match v {
                Value::String(s) => s.clone(),
                Value::Bool(_) | Value::Number(_) => return Err(wrong(v)),
                _ => return Err(wrong(v)),
            };
            if def.values.contains(&s) {
                Ok(FieldValue::String(s))
            } else {
                let mut msg = format!("`{s}` is not a value of `{name}`");
                if let Some(sug) = did_you_mean(&s, def.values.iter().map(String::as_str)) {
                    msg.push_str(&format!(" (did you mean `{sug}`?)"));
                }
                Err(vec![page.err(at(), msg).with_hint(format!(
                    "use one of {}",
                    quoted_list(&def.values)
                ))])
            }
        }
        FieldType::Ref => string(v).map(FieldValue::Ref).ok_or_else(|| wrong(v)),
        FieldType::List | FieldType::Refs => {
            let Value::Sequence(items) = v else {
                let d = wrong(v);
                return Err(match v.as_str() {
                    Some(s) => d
                        .into_iter()
                        .map(|d| d.with_hint(format!("write a list: `{name}: [{s}]`")))
                        .collect(),
                    None => d,
                });
            };
            let mut out = Vec::with_capacity(items.len());
            let mut errs = Vec::new();
            for (i, item) in items.iter().enumerate() {
                match item.as_str() {
                    Some(s) => out.push(s.to_string()),
                    None => errs.push(page.err(
                        page.value_pos(&format!("{name}/{i}")),
                        format!(
                            "item {} of `{name}` must be a string, found {}",
                            i + 1,
                            kind_name(item)
                        ),
                    )),
                }
            }
            if !errs.is_empty() {
                return Err(errs);
            }
            if def.required && out.is_empty() {
                return Err(vec![
                    page.err(at(), format!("required field `{name}` is empty")),
                ]);
            }
            Ok(if def.ty == FieldType::Refs {
                FieldValue::Refs(out)
            } else {
                FieldValue::List(out)
            })
        }
        FieldType::Range => check_range(def, v, page),
    }
}

fn check_range(
    def: &FieldDef,
    v: &Value,
    page: &dyn Source,
) -> Result<FieldValue, Vec<Diagnostic>> {
    let name = &def.name;
    let Value::Mapping(m) = v else {
        return Err(vec![
            page.err(
                page.value_pos(name),
                format!(
                    "`{name}` must be {}, found {}",
                    type_desc(def),
                    kind_name(v)
                ),
            )
            .with_hint(format!("write `{name}: {{ min: 90000, max: 120000 }}`")),
        ]);
    };
    let mut errs = Vec::new();
    let mut min = None;
    let mut max = None;
    let mut max_open = false;
    let mut unit = def.unit.clone();
    for (k, val) in m {
        let key = k.as_str().unwrap_or("?");
        let path = format!("{name}/{key}");
        match key {
            "min" | "max" => match (val.as_f64(), val.as_str()) {
                (Some(n), _) if key == "min" => min = Some(n),
                (Some(n), _) => max = Some(n),
                // "180000+": open above, as pay figures are often written.
                (None, Some(s)) if key == "max" && open_number(s).is_some() => {
                    max = open_number(s);
                    max_open = true;
                }
                _ => {
                    let mut e = page.err(
                        page.value_pos(&path),
                        format!("`{name}.{key}` must be a number, found {}", kind_name(val)),
                    );
                    if key == "max" {
                        e = e.with_hint(
                            "for a range with no fixed top write `max: 180000, max_open: true` (or `max: \"180000+\"`)",
                        );
                    }
                    errs.push(e);
                }
            },
            "max_open" => match val.as_bool() {
                Some(b) => max_open = max_open || b,
                None => errs.push(page.err(
                    page.value_pos(&path),
                    format!(
                        "`{name}.max_open` must be `true` or `false`, found {}",
                        kind_name(val)
                    ),
                )),
            },
            "unit" => match val.as_str() {
                Some(u) => unit = Some(u.to_string()),
                None => errs.push(page.err(
                    page.value_pos(&path),
                    format!("`{name}.unit` must be a string"),
                )),
            },
            other => {
                let mut msg = format!("unknown key `{other}` in range `{name}`");
                if let Some(s) = did_you_mean(other, ["min", "max", "max_open", "unit"]) {
                    msg.push_str(&format!(" (did you mean `{s}`?)"));
                }
                errs.push(page.err(page.key_pos(&path), msg));
            }
        }
    }
    if !errs.is_empty() {
        return Err(errs);
    }
    let (Some(min), Some(max)) = (min, max) else {
        let missing = if min.is_none() { "min" } else { "max" };
        return Err(vec![page.err(
            page.value_pos(name),
            format!("range `{name}` has no `{missing}`"),
        )]);
    };
    if min > max {
        return Err(vec![page.err(
            page.value_pos(&format!("{name}/min")),
            format!(
                "range `{name}` has `min` ({}) greater than `max` ({})",
                fmt_num(min),
                fmt_num(max)
            ),
        )]);
    }
    Ok(FieldValue::Range {
        min,
        max,
        max_open,
        unit,
    })
}

/// `"180000+"` -> 180000: a number followed by `+` (spaces and thousands
/// separators such as `180,000+` are not numbers in YAML either).
fn open_number(s: &str) -> Option<f64> {
    let n = s.trim().strip_suffix('+')?.trim_end();
    if n.is_empty() || !n.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        return None;
    }
    n.parse::<f64>().ok().filter(|n| n.is_finite())
}

/// A number without a needless `.0`.
pub fn fmt_num(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

fn is_url(s: &str) -> bool {
    let lower = s.to_ascii_lowercase();
    let with_host = |p: &str| {
        lower
            .strip_prefix(p)
            .is_some_and(|rest| !rest.is_empty() && !rest.starts_with('/'))
    };
    (with_host("https://")
        || with_host("http://")
        || lower.starts_with("mailto:")
        || (s.starts_with('/') && !s.starts_with("//")))
        && !s.chars().any(|c| c.is_whitespace() || c.is_control())
}

/// The published entries, by collection and slug, and the draft ones (left
/// out of this build), for reference checks.
#[derive(Debug, Default, Clone)]
pub struct EntryIndex {
    published: HashMap<String, HashMap<String, usize>>,
    drafts: HashSet<(String, String)>,
    /// Entries whose front-matter could not be read (their own errors are
    /// reported): references to them are not errors of their own.
    failed: HashSet<(String, String)>,
    /// Entries among the drafts that are scheduled for later instead.
    scheduled: HashSet<(String, String)>,
}

impl EntryIndex {
    /// Indexes the entries of `pages`; `drafts` are (collection, slug) of
    /// entries left out because they are drafts.
    pub fn new(pages: &[Page], drafts: HashSet<(String, String)>) -> Self {
        let mut published: HashMap<String, HashMap<String, usize>> = HashMap::new();
        for (i, p) in pages.iter().enumerate() {
            if let PageKind::Entry(c) = &p.kind {
                published
                    .entry(c.clone())
                    .or_default()
                    .insert(p.slug.clone(), i);
            }
        }
        EntryIndex {
            published,
            drafts,
            failed: HashSet::new(),
            scheduled: HashSet::new(),
        }
    }

    /// Records entries left out because they are dated after the
    /// reference date.
    pub fn with_scheduled(mut self, scheduled: HashSet<(String, String)>) -> Self {
        self.scheduled = scheduled;
        self
    }

    /// Records entries that exist but could not be loaded.
    pub fn with_failed(mut self, failed: HashSet<(String, String)>) -> Self {
        self.failed = failed;
        self
    }

    /// Whether entry `slug` of `collection` exists but could not be loaded,
    /// so that a reference to it is not checked.
    pub fn is_failed(&self, collection: &str, slug: &str) -> bool {
        self.failed
            .contains(&(collection.to_string(), slug.to_string()))
    }

    /// The page index of entry `slug` of `collection`.
    pub fn get(&self, collection: &str, slug: &str) -> Option<usize> {
        self.published.get(collection)?.get(slug).copied()
    }

    /// The error message for a reference that does not resolve.
    pub fn missing(&self, collection: &str, slug: &str) -> String {
        let key = (collection.to_string(), slug.to_string());
        if self.scheduled.contains(&key) {
            return format!(
                "entry `{slug}` in collection `{collection}` is scheduled for later (build with `--future` to include it)"
            );
        }
        if self.drafts.contains(&key) {
            return format!(
                "entry `{slug}` in collection `{collection}` is a draft (build with `--drafts` to include it)"
            );
        }
        let mut msg = format!("unknown entry `{slug}` in collection `{collection}`");
        let slugs = self
            .published
            .get(collection)
            .into_iter()
            .flat_map(|m| m.keys().map(String::as_str));
        if let Some(s) = did_you_mean(slug, slugs) {
            msg.push_str(&format!(" (did you mean `{s}`?)"));
        }
        msg
    }
}

/// Checks that every `ref`/`refs` of every page names a published entry.
pub fn check_refs(
    pages: &[Page],
    typed: &[TypedFields],
    config: &Config,
    index: &EntryIndex,
    ds: &mut Diagnostics,
) {
    for (page, fields) in pages.iter().zip(typed) {
        let Some(coll) = page.collection().and_then(|c| config.collection(c)) else {
            continue;
        };
        for (name, value) in fields {
            let Some(to) = coll.field(name).and_then(|d| d.to.as_deref()) else {
                continue;
            };
            let slugs: Vec<(String, &String)> = match value {
                FieldValue::Ref(s) => vec![(name.clone(), s)],
                FieldValue::Refs(list) => list
                    .iter()
                    .enumerate()
                    .map(|(i, s)| (format!("{name}/{i}"), s))
                    .collect(),
                _ => continue,
            };
            for (path, slug) in slugs {
                if index.get(to, slug).is_none() && !index.is_failed(to, slug) {
                    ds.push(page.error_at(page.positions().value(&path), index.missing(to, slug)));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    const TOML: &str = r#"title = "T"
base_url = "https://x.org/"
[collections.roles.fields]
scope = { type = "string", required = true }
focus = { type = "text" }
years = { type = "int" }
ratio = { type = "float" }
remote = { type = "bool" }
since = { type = "date" }
home = { type = "url" }
skills = { type = "list" }
track = { type = "enum", values = ["strategy", "execution"] }
boss = { type = "ref", to = "roles" }
kpis = { type = "refs", to = "kpis" }
salary = { type = "range", unit = "USD" }
[collections.kpis]
"#;

    fn config() -> Config {
        Config::parse(TOML, Path::new("/s")).unwrap()
    }

    fn check(front: &str) -> Result<TypedFields, Vec<String>> {
        let text = format!("---\ntitle: T\n{front}---\n");
        let page = crate::content::parse_page(
            Path::new("content/roles/x.md"),
            Path::new("roles/x.md"),
            text,
            &["roles", "kpis"],
        )
        .unwrap();
        let (typed, ds) = check_page(&page, &config());
        if ds.is_empty() {
            Ok(typed)
        } else {
            Err(ds
                .iter()
                .map(|d| d.to_string().lines().next().unwrap().to_string())
                .collect())
        }
    }

    #[test]
    fn every_type_accepts_good_values() {
        let t = check(
            "scope: Team\nfocus: \"*why*\"\nyears: 3\nratio: 0.5\nremote: true\nsince: 2024-01-02\nhome: https://x.org/a\nskills: [a, b]\ntrack: strategy\nboss: y\nkpis: [nps]\nsalary: { min: 1, max: 2 }\n",
        )
        .unwrap();
        let names: Vec<&str> = t.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(
            names,
            [
                "scope", "focus", "years", "ratio", "remote", "since", "home", "skills", "track",
                "boss", "kpis", "salary"
            ]
        );
        assert_eq!(t[2].1, FieldValue::Int(3));
        assert_eq!(t[3].1, FieldValue::Float(0.5));
        assert_eq!(
            t[11].1,
            FieldValue::Range {
                min: 1.0,
                max: 2.0,
                max_open: false,
                unit: Some("USD".into())
            }
        );
    }

    #[test]
    fn wrong_types_point_at_values() {
        assert_eq!(
            check("scope: [a]\nyears: many\nremote: 1\nsince: 2024-13-01\nhome: javascript:alert(1)\nskills: [a, 3]\n").unwrap_err(),
            [
                "content/roles/x.md:3:8: `scope` must be a string, found a list",
                "content/roles/x.md:4:8: `years` must be an integer, found a string",
                "content/roles/x.md:5:9: `remote` must be `true` or `false`, found an integer",
                "content/roles/x.md:6:8: `since` value `2024-13-01` has no month 13: months run from 01 to 12",
                "content/roles/x.md:7:7: `home` value `javascript:alert(1)` is not a URL",
                "content/roles/x.md:8:13: item 2 of `skills` must be a string, found an integer",
            ]
        );
    }

    #[test]
    fn a_quoted_number_or_boolean_gets_the_unquoted_form_as_help() {
        let text =
            "---\ntitle: T\nscope: s\nyears: \"8\"\nremote: \"true\"\nratio: \"many\"\n---\n";
        let page = crate::content::parse_page(
            Path::new("content/roles/x.md"),
            Path::new("roles/x.md"),
            text.to_string(),
            &["roles", "kpis"],
        )
        .unwrap();
        let (_, ds) = check_page(&page, &config());
        let hints: Vec<Option<&str>> = ds.iter().map(|d| d.hint.as_deref()).collect();
        assert_eq!(
            hints,
            [
                Some("remove the quotes: `years: 8`"),
                None,
                Some("remove the quotes: `remote: true`"),
            ]
        );
    }

    #[test]
    fn unknown_keys_suggest_the_nearest_field() {
        assert_eq!(
            check("scpoe: x\n").unwrap_err(),
            [
                "content/roles/x.md:3:1: unknown key `scpoe` in collection `roles` (did you mean `scope`?)",
                "content/roles/x.md:1:1: missing required field `scope` (a string)",
            ]
        );
    }

    #[test]
    fn required_enum_and_range_rules() {
        assert_eq!(
            check("scope: \"\"\ntrack: stratgy\nsalary: { min: 5, max: 2 }\n").unwrap_err(),
            [
                "content/roles/x.md:3:8: required field `scope` is empty",
                "content/roles/x.md:4:8: `stratgy` is not a value of `track` (did you mean `strategy`?)",
                "content/roles/x.md:5:16: range `salary` has `min` (5) greater than `max` (2)",
            ]
        );
        assert_eq!(
            check("scope: x\nsalary: { min: 5, maxi: 9 }\n").unwrap_err(),
            ["content/roles/x.md:4:19: unknown key `maxi` in range `salary` (did you mean `max`?)"]
        );
    }

    /// Issue 28: "$140,000 – $180,000+" has no fixed top.
    #[test]
    fn a_range_may_be_open_above() {
        let salary = |front: &str| {
            let t = check(&format!("scope: x\n{front}")).unwrap();
            t.into_iter().find(|(n, _)| n == "salary").unwrap().1
        };
        let open = FieldValue::Range {
            min: 140000.0,
            max: 180000.0,
            max_open: true,
            unit: Some("USD".into()),
        };
        assert_eq!(
            salary("salary: { min: 140000, max: 180000, max_open: true }\n"),
            open
        );
        assert_eq!(salary("salary: { min: 140000, max: \"180000+\" }\n"), open);
        assert_eq!(salary("salary: { min: 140000, max: '180000 +' }\n"), open);
        let FieldValue::Range { max_open, .. } =
            salary("salary: { min: 1, max: 2, max_open: false }\n")
        else {
            panic!()
        };
        assert!(!max_open);
        assert_eq!(
            check("scope: x\nsalary: { min: 1, max: \"180,000+\", max_open: yes }\n").unwrap_err(),
            [
                "content/roles/x.md:4:24: `salary.max` must be a number, found a string",
                "content/roles/x.md:4:46: `salary.max_open` must be `true` or `false`, found a string",
            ]
        );
        assert_eq!(open_number("2.5+"), Some(2.5));
        for bad in ["+", "180000", "-5+", "1e3+", "abc+"] {
            assert_eq!(open_number(bad), None, "{bad}");
        }
    }

    /// Issue 16: `stakeholders: Sales` where a list is declared panicked
    /// (index out of bounds) instead of reporting the value.
    #[test]
    fn a_single_value_where_a_list_is_declared_is_an_error_not_a_panic() {
        let errs = check("scope: x\nskills: Sales\nkpis: cycle-time\n").unwrap_err();
        assert_eq!(
            errs,
            [
                "content/roles/x.md:4:9: `skills` must be a list of strings, found a string",
                "content/roles/x.md:5:7: `kpis` must be a list of slugs of entries of `kpis`, found a string",
            ]
        );
    }

    #[test]
    fn null_means_unset_for_optional_fields() {
        let t = check("scope: x\ntrack:\nsalary:\n").unwrap();
        assert_eq!(t.len(), 1);
    }

    #[test]
    fn plain_pages_may_only_use_builtin_keys() {
        let page = crate::content::parse_page(
            Path::new("content/about.md"),
            Path::new("about.md"),
            "---\ntitle: A\ntitel: B\n---\n".into(),
            &["roles"],
        )
        .unwrap();
        let (_, errs) = check_page(&page, &config());
        assert_eq!(
            errs[0].to_string().lines().next().unwrap(),
            "content/about.md:3:1: unknown key `titel`"
        );
        assert!(
            errs[0]
                .hint
                .as_deref()
                .unwrap()
                .contains("did you mean `title`?")
        );
    }

    #[test]
    fn urls() {
        assert!(is_url("https://example.org/x"));
        assert!(is_url("/roles/"));
        assert!(is_url("mailto:a@b.c"));
        assert!(!is_url("javascript:alert(1)"));
        assert!(!is_url("//evil.org"));
        assert!(!is_url("https://"));
        assert!(!is_url("example.org"));
    }
}
