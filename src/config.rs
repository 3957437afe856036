//! `site.toml`: read the raw file with serde, then resolve it into a checked
//! [`Config`] (absolute paths, a normalised base URL, collections in
//! declaration order, field schemas with the place each was declared).
//!
//! Parsing is split from reading ([`Config::parse`] vs [`Config::load`]) so
//! the unit tests never touch the disk. Every problem is reported at its line
//! and column in `site.toml`, all of them in one pass.

use std::fmt;
use std::marker::PhantomData;
use std::path::{Path, PathBuf};

use serde::de::{Deserializer, MapAccess, Visitor};
use serde::{Deserialize, Serialize};
use toml::Spanned;

use crate::diagnostics::{Diagnostic, Diagnostics, did_you_mean, line_col};

/// The name of the configuration file at the site root.
pub const CONFIG_FILE: &str = "site.toml";

/// A map that keeps its keys in the order of the file.
#[derive(Debug, Clone)]
pub struct Ordered<K, V>(pub Vec<(K, V)>);

impl<K, V> Default for Ordered<K, V> {
    fn default() -> Self {
        Ordered(Vec::new())
    }
}

impl<'de, K: Deserialize<'de>, V: Deserialize<'de>> Deserialize<'de> for Ordered<K, V> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V2<K, V>(PhantomData<(K, V)>);
        impl<'de, K: Deserialize<'de>, V: Deserialize<'de>> Visitor<'de> for V2<K, V> {
            type Value = Ordered<K, V>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a table")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut out = Vec::new();
                while let Some((k, v)) = map.next_entry()? {
                    out.push((k, v));
                }
                Ok(Ordered(out))
            }
        }
        d.deserialize_map(V2(PhantomData))
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    title: String,
    base_url: Spanned<String>,
    #[serde(default)]
    description: String,
    #[serde(default = "default_language")]
    language: String,
    #[serde(default = "default_theme")]
    theme: Spanned<String>,
    #[serde(default = "default_output")]
    output_dir: String,
    #[serde(default = "default_true")]
    search: bool,
    #[serde(default)]
    collections: Ordered<Spanned<String>, Spanned<RawCollection>>,
    #[serde(default)]
    comparisons: Vec<Spanned<RawComparison>>,
    #[serde(default)]
    charts: Vec<Spanned<RawChart>>,
    #[serde(default)]
    extra: toml::Table,
}

fn default_language() -> String {
    "en".into()
}
fn default_theme() -> Spanned<String> {
    Spanned::new(0..0, "default".into())
}
fn default_output() -> String {
    "public".into()
}
fn default_true() -> bool {
    true
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCollection {
    title: Option<String>,
    template: Option<String>,
    #[serde(default)]
    sort_by: Option<Spanned<String>>,
    kind: Option<Spanned<String>>,
    #[serde(default)]
    fields: Ordered<Spanned<String>, Spanned<RawField>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawChart {
    name: Spanned<String>,
    kind: Spanned<String>,
    collection: Spanned<String>,
    field: Spanned<String>,
    title: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawComparison {
    collection: Spanned<String>,
    items: Spanned<Vec<Spanned<String>>>,
    fields: Option<Vec<Spanned<String>>>,
    title: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawField {
    #[serde(rename = "type")]
    ty: Spanned<String>,
    #[serde(default)]
    required: bool,
    label: Option<String>,
    to: Option<Spanned<String>>,
    values: Option<Spanned<Vec<String>>>,
    unit: Option<String>,
}

/// How a collection's entries are ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SortBy {
    /// Alphabetically by title.
    Title,
    /// Newest first.
    Date,
    /// By `weight`, lightest first, then title.
    Weight,
}

/// The type of a declared field (SPEC.md, "Field types").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FieldType {
    /// One line of text.
    String,
    /// Inline Markdown.
    Text,
    /// A whole number.
    Int,
    /// A number.
    Float,
    /// `true` or `false`.
    Bool,
    /// `YYYY-MM-DD`.
    Date,
    /// An absolute URL or a root-relative path.
    Url,
    /// A list of strings.
    List,
    /// One of `values`.
    Enum,
    /// One slug of collection `to`.
    Ref,
    /// A list of slugs of collection `to`.
    Refs,
    /// `{min, max}` numbers with an optional unit.
    Range,
}

impl FieldType {
    /// Every type name, as written in site.toml.
    pub const NAMES: [&'static str; 12] = [
        "string", "text", "int", "float", "bool", "date", "url", "list", "enum", "ref", "refs",
        "range",
    ];

    fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "string" => Self::String,
            "text" => Self::Text,
            "int" => Self::Int,
            "float" => Self::Float,
            "bool" => Self::Bool,
            "date" => Self::Date,
            "url" => Self::Url,
            "list" => Self::List,
            "enum" => Self::Enum,
            "ref" => Self::Ref,
            "refs" => Self::Refs,
            "range" => Self::Range,
            _ => return None,
        })
    }
}

/// A place in site.toml: 1-based line and column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Pos {
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub col: usize,
}

/// One declared field of a collection.
#[derive(Debug, Clone, Serialize)]
pub struct FieldDef {
    /// The key in front-matter.
    pub name: String,
    /// Its type.
    #[serde(rename = "type")]
    pub ty: FieldType,
    /// Whether every entry must set it.
    pub required: bool,
    /// Heading in tables; defaults to the key, humanised.
    pub label: String,
    /// Target collection of a `ref` or `refs`.
    pub to: Option<String>,
    /// Allowed values of an `enum`.
    pub values: Vec<String>,
    /// Unit of a `range`.
    pub unit: Option<String>,
    /// Where the field is declared in site.toml.
    #[serde(skip)]
    pub pos: Pos,
}

/// A typed collection declared under `[collections.NAME]`.
#[derive(Debug, Clone, Serialize)]
pub struct Collection {
    /// The folder under `content/` and the URL segment.
    pub name: String,
    /// Shown on the collection page.
    pub title: String,
    /// Template for the entries.
    pub template: String,
    /// Order of the entries.
    pub sort_by: SortBy,
    /// `faq` marks question-and-answer entries.
    pub kind: Option<String>,
    /// The schema, in declaration order.
    pub fields: Vec<FieldDef>,
    /// Where the collection is declared in site.toml.
    #[serde(skip)]
    pub pos: Pos,
}

impl Collection {
    /// The declared field called `name`.
    pub fn field(&self, name: &str) -> Option<&FieldDef> {
        self.fields.iter().find(|f| f.name == name)
    }

    /// The message for a field `name` this collection does not declare,
    /// with the nearest declared name as a suggestion.
    pub fn missing_field(&self, name: &str) -> String {
        let mut msg = format!("collection `{}` has no field `{name}`", self.name);
        if let Some(s) = did_you_mean(name, self.fields.iter().map(|f| f.name.as_str())) {
            msg.push_str(&format!(" (did you mean `{s}`?)"));
        }
        msg
    }
}

/// The kind of a chart (`ladder` or `range` in site.toml and templates).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ChartKind {
    /// Layered diagram over a `ref`/`refs` field into the same collection.
    Ladder,
    /// Bars over a `range` field.
    Range,
}

/// One `[[charts]]` block.
#[derive(Debug, Clone)]
pub struct ChartDef {
    /// Unique name (the `chart(name=...)` argument).
    pub name: String,
    /// Ladder or range.
    pub kind: ChartKind,
    /// The collection drawn.
    pub collection: String,
    /// The field drawn.
    pub field: String,
    /// Heading; default from the collection and field.
    pub title: String,
    /// Where `name` is written.
    pub pos: Pos,
}

/// One `[[comparisons]]` block.
#[derive(Debug, Clone)]
pub struct ComparisonDef {
    /// The collection compared.
    pub collection: String,
    /// Entry slugs, with where each is written.
    pub items: Vec<(String, Pos)>,
    /// Fields to compare (default: all declared fields, in order).
    pub fields: Vec<String>,
    /// Title; default "A vs B" from the entries' titles.
    pub title: Option<String>,
    /// Where the block's `items` are written.
    pub pos: Pos,
}

/// The resolved site configuration.
#[derive(Debug, Clone)]
pub struct Config {
    /// The site root (absolute).
    pub root: PathBuf,
    /// Site title.
    pub title: String,
    /// Absolute base URL, always ending in `/`.
    pub base_url: String,
    /// The path part of `base_url`, always starting and ending in `/`.
    pub base_path: String,
    /// Site description.
    pub description: String,
    /// Language code for `<html lang>`.
    pub language: String,
    /// Theme name under `themes/`.
    pub theme: String,
    /// Output folder (absolute).
    pub output_dir: PathBuf,
    /// Whether to build the search index.
    pub search: bool,
    /// Typed collections in declaration order.
    pub collections: Vec<Collection>,
    /// `[[comparisons]]` blocks, checked against the schema; their items
    /// are checked once the content is loaded.
    pub comparisons: Vec<ComparisonDef>,
    /// `[[charts]]` blocks, checked against the schema.
    pub charts: Vec<ChartDef>,
    /// Free-form `[extra]` table.
    pub extra: toml::Table,
    /// The text of site.toml, for error snippets found after parsing.
    pub source: String,
}

impl Config {
    /// Reads and resolves `site.toml` under `root`.
    pub fn load(root: &Path) -> Result<Config, Diagnostics> {
        let path = root.join(CONFIG_FILE);
        let text = std::fs::read_to_string(&path).map_err(|e| {
            let mut ds = Diagnostics::new();
            let msg = if e.kind() == std::io::ErrorKind::NotFound {
                format!("no `{CONFIG_FILE}` in `{}`", root.display())
            } else if e.kind() == std::io::ErrorKind::InvalidData {
                format!("`{CONFIG_FILE}` is not valid UTF-8")
            } else {
                format!("cannot read `{CONFIG_FILE}`: {e}")
            };
            let mut d = Diagnostic::error(CONFIG_FILE, msg);
            if e.kind() == std::io::ErrorKind::NotFound {
                d = d.with_hint("run cairn in a site folder, pass `--root DIR`, or create one with `cairn init DIR`");
            }
            ds.push(d);
            ds
        })?;
        Config::parse(&text, root)
    }

    /// Resolves the text of `site.toml` for a site rooted at `root`.
    pub fn parse(text: &str, root: &Path) -> Result<Config, Diagnostics> {
        let mut ds = Diagnostics::new();
        let at = |span: std::ops::Range<usize>| {
            let (line, col) = line_col(text, span.start);
            Pos { line, col }
        };
        let err = |pos: Pos, msg: String| {
            Diagnostic::error_at(CONFIG_FILE, pos.line, pos.col, msg).with_source(text)
        };
        let raw: RawConfig = match toml::from_str(text) {
            Ok(raw) => raw,
            Err(e) => {
                let pos = at(e.span().unwrap_or(0..0));
                let msg = e.message().trim_end_matches('\n').replace('\n', "; ");
                let mut d = err(pos, msg.clone());
                if msg.starts_with("unknown field") {
                    d = d.with_hint("see the site.toml reference in README.md");
                }
                ds.push(d);
                return Err(ds);
            }
        };

        let (base_url, base_path) = match normalize_base_url(raw.base_url.get_ref()) {
            Ok(v) => v,
            Err(msg) => {
                ds.push(err(at(raw.base_url.span()), msg));
                (String::new(), "/".into())
            }
        };

        let mut collections: Vec<Collection> = Vec::new();
        for (name, coll) in &raw.collections.0 {
            let pos = at(name.span());
            let name = name.get_ref().clone();
            if !is_safe_segment(&name) {
                ds.push(err(
                    pos,
                    format!(
                        "collection name `{name}` must be lowercase letters, digits, `-` or `_`"
                    ),
                ));
            }
            if ["tags", "compare"].contains(&name.as_str()) {
                ds.push(err(
                    pos,
                    format!("collection name `{name}` is reserved for generated pages"),
                ));
            }
            let coll = coll.get_ref();
            let sort_by = match coll.sort_by.as_ref() {
                None => SortBy::Title,
                Some(s) => match s.get_ref().as_str() {
                    "title" => SortBy::Title,
                    "date" => SortBy::Date,
                    "weight" => SortBy::Weight,
                    other => {
                        ds.push(
                            err(at(s.span()), format!("unknown `sort_by` value `{other}`"))
                                .with_hint("use `title`, `date` or `weight`"),
                        );
                        SortBy::Title
                    }
                },
            };
            if let Some(kind) = &coll.kind
                && kind.get_ref() != "faq"
            {
                ds.push(
                    err(
                        at(kind.span()),
                        format!("unknown collection kind `{}`", kind.get_ref()),
                    )
                    .with_hint("the only kind is `faq`"),
                );
            }
            let mut fields = Vec::new();
            for (fname, fdef) in &coll.fields.0 {
                let fpos = at(fname.span());
                let fname = fname.get_ref().clone();
                if crate::content::BUILTIN_KEYS.contains(&fname.as_str()) {
                    ds.push(err(
                        fpos,
                        format!("field `{fname}` clashes with the built-in front-matter key of that name"),
                    ));
                }
                let f = fdef.get_ref();
                let Some(ty) = FieldType::parse(f.ty.get_ref()) else {
                    let mut d = err(
                        at(f.ty.span()),
                        format!("unknown field type `{}`", f.ty.get_ref()),
                    );
                    d = match did_you_mean(f.ty.get_ref(), FieldType::NAMES) {
                        Some(s) => d.with_hint(format!("did you mean `{s}`?")),
                        None => d.with_hint(format!("use one of {}", FieldType::NAMES.join(", "))),
                    };
                    ds.push(d);
                    continue;
                };
                let needs_to = matches!(ty, FieldType::Ref | FieldType::Refs);
                match (&f.to, needs_to) {
                    (None, true) => ds.push(
                        err(
                            fpos,
                            format!("field `{fname}` of type `{}` needs `to`", f.ty.get_ref()),
                        )
                        .with_hint("name the target collection: `to = \"roles\"`"),
                    ),
                    (Some(to), false) => ds.push(err(
                        at(to.span()),
                        format!(
                            "`to` only applies to `ref` and `refs` fields, not `{}`",
                            f.ty.get_ref()
                        ),
                    )),
                    _ => {}
                }
                let values = f
                    .values
                    .as_ref()
                    .map(|v| v.get_ref().clone())
                    .unwrap_or_default();
                if ty == FieldType::Enum && values.is_empty() {
                    ds.push(
                        err(fpos, format!("enum field `{fname}` has no `values`"))
                            .with_hint("list the allowed values: `values = [\"a\", \"b\"]`"),
                    );
                }
                if ty != FieldType::Enum
                    && let Some(v) = &f.values
                {
                    ds.push(err(
                        at(v.span()),
                        "`values` only applies to `enum` fields".to_string(),
                    ));
                }
                fields.push(FieldDef {
                    label: f.label.clone().unwrap_or_else(|| humanize(&fname)),
                    name: fname,
                    ty,
                    required: f.required,
                    to: f.to.as_ref().map(|t| t.get_ref().clone()),
                    values,
                    unit: f.unit.clone(),
                    pos: fpos,
                });
            }
            collections.push(Collection {
                title: coll.title.clone().unwrap_or_else(|| humanize(&name)),
                template: coll.template.clone().unwrap_or_else(|| "page.html".into()),
                sort_by,
                kind: coll.kind.as_ref().map(|k| k.get_ref().clone()),
                fields,
                pos,
                name,
            });
        }

        // `to` must name a declared collection; checked once all are known.
        let names: Vec<&str> = collections.iter().map(|c| c.name.as_str()).collect();
        // `what` names a collection that is not declared.
        let missing_collection = |what: &str, name: &Spanned<String>| {
            let mut d = err(
                at(name.span()),
                format!("{what} names a missing collection `{}`", name.get_ref()),
            );
            if let Some(s) = did_you_mean(name.get_ref(), names.iter().copied()) {
                d = d.with_hint(format!("did you mean `{s}`?"));
            }
            d
        };
        for (_, coll) in &raw.collections.0 {
            for (_, f) in &coll.get_ref().fields.0 {
                if let Some(to) = &f.get_ref().to
                    && !names.contains(&to.get_ref().as_str())
                {
                    ds.push(missing_collection("`to`", to));
                }
            }
        }

        let mut comparisons = Vec::new();
        for c in &raw.comparisons {
            let c = c.get_ref();
            let name = c.collection.get_ref();
            let Some(coll) = collections.iter().find(|x| &x.name == name) else {
                ds.push(missing_collection("comparison", &c.collection));
                continue;
            };
            let items: Vec<(String, Pos)> = c
                .items
                .get_ref()
                .iter()
                .map(|i| (i.get_ref().clone(), at(i.span())))
                .collect();
            if items.len() < 2 {
                ds.push(err(
                    at(c.items.span()),
                    "a comparison needs at least two `items`".to_string(),
                ));
            }
            for (i, (slug, pos)) in items.iter().enumerate() {
                if items[..i].iter().any(|(s, _)| s == slug) {
                    ds.push(err(
                        *pos,
                        format!("`{slug}` is listed twice in this comparison"),
                    ));
                }
            }
            let fields = match &c.fields {
                None => coll.fields.iter().map(|f| f.name.clone()).collect(),
                Some(list) => {
                    for f in list {
                        if coll.field(f.get_ref()).is_none() {
                            ds.push(err(at(f.span()), coll.missing_field(f.get_ref())));
                        }
                    }
                    list.iter().map(|f| f.get_ref().clone()).collect()
                }
            };
            comparisons.push(ComparisonDef {
                collection: name.clone(),
                items,
                fields,
                title: c.title.clone(),
                pos: at(c.items.span()),
            });
        }

        let mut charts: Vec<ChartDef> = Vec::new();
        for c in &raw.charts {
            let c = c.get_ref();
            let name = c.name.get_ref().clone();
            if !is_safe_segment(&name) {
                ds.push(err(
                    at(c.name.span()),
                    format!("chart name `{name}` must be lowercase letters, digits, `-` or `_`"),
                ));
            }
            if charts.iter().any(|x| x.name == name) {
                ds.push(err(
                    at(c.name.span()),
                    format!("two charts are named `{name}`"),
                ));
            }
            let kind = match c.kind.get_ref().as_str() {
                "ladder" => ChartKind::Ladder,
                "range" => ChartKind::Range,
                other => {
                    ds.push(
                        err(at(c.kind.span()), format!("unknown chart kind `{other}`")).with_hint(
                            "use `ladder` (over a refs field) or `range` (over a range field)",
                        ),
                    );
                    continue;
                }
            };
            let coll_name = c.collection.get_ref();
            let Some(coll) = collections.iter().find(|x| &x.name == coll_name) else {
                ds.push(missing_collection("chart", &c.collection));
                continue;
            };
            let field_name = c.field.get_ref();
            let Some(field) = coll.field(field_name) else {
                ds.push(err(
                    at(c.field.span()),
                    format!(
                        "chart over a missing field: {}",
                        coll.missing_field(field_name)
                    ),
                ));
                continue;
            };
            let fits = match kind {
                ChartKind::Ladder => {
                    matches!(field.ty, FieldType::Ref | FieldType::Refs)
                        && field.to.as_deref() == Some(coll_name.as_str())
                }
                ChartKind::Range => field.ty == FieldType::Range,
            };
            if !fits {
                let need = match kind {
                    ChartKind::Ladder => {
                        format!("a `ref` or `refs` field pointing into `{coll_name}` itself")
                    }
                    ChartKind::Range => "a `range` field".to_string(),
                };
                ds.push(err(
                    at(c.field.span()),
                    format!(
                        "a {} chart needs {need}; `{field_name}` is not one",
                        c.kind.get_ref()
                    ),
                ));
                continue;
            }
            charts.push(ChartDef {
                title: c
                    .title
                    .clone()
                    .unwrap_or_else(|| format!("{}: {}", coll.title, field.label)),
                name,
                kind,
                collection: coll_name.clone(),
                field: field_name.clone(),
                pos: at(c.name.span()),
            });
        }

        let theme = raw.theme.get_ref().clone();
        if !is_safe_segment(&theme) {
            ds.push(err(
                at(raw.theme.span()),
                format!("theme name `{theme}` must be a plain folder name"),
            ));
        }
        if ds.has_errors() {
            return Err(ds);
        }
        Ok(Config {
            root: root.to_path_buf(),
            title: raw.title,
            base_url,
            base_path,
            description: raw.description,
            language: raw.language,
            theme,
            output_dir: root.join(raw.output_dir),
            search: raw.search,
            collections,
            comparisons,
            charts,
            extra: raw.extra,
            source: text.to_string(),
        })
    }

    /// Replaces the base URL (the `--base-url` flag).
    pub fn set_base_url(&mut self, url: &str) -> Result<(), String> {
        let (base_url, base_path) = normalize_base_url(url)?;
        self.base_url = base_url;
        self.base_path = base_path;
        Ok(())
    }

    /// The collection called `name`.
    pub fn collection(&self, name: &str) -> Option<&Collection> {
        self.collections.iter().find(|c| c.name == name)
    }
}

/// Splits a base URL into its normalised absolute form (ending in `/`) and
/// its path (`/` or `/sub/path/`).
pub fn normalize_base_url(url: &str) -> Result<(String, String), String> {
    let url = url.trim();
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .ok_or_else(|| {
            format!("`base_url` must start with `https://` or `http://`, got `{url}`")
        })?;
    let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
    if host.is_empty() || host.contains(['?', '#', ' ']) {
        return Err(format!("`base_url` `{url}` has no valid host"));
    }
    if path.contains(['?', '#']) {
        return Err(format!(
            "`base_url` `{url}` must not carry a query or fragment"
        ));
    }
    let path = path.trim_matches('/');
    let base_path = if path.is_empty() {
        "/".to_string()
    } else {
        format!("/{path}/")
    };
    let scheme = &url[..url.len() - rest.len()];
    Ok((format!("{scheme}{host}{base_path}"), base_path))
}

/// `next_roles` -> `Next roles`.
pub fn humanize(key: &str) -> String {
    let s = key.replace(['_', '-'], " ");
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => s,
    }
}

fn is_safe_segment(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Config, Vec<String>> {
        Config::parse(text, Path::new("/site")).map_err(|ds| {
            ds.sorted()
                .into_iter()
                .map(|d| d.to_string().lines().next().unwrap().to_string())
                .collect()
        })
    }

    #[test]
    fn base_url_with_and_without_subpath() {
        assert_eq!(
            normalize_base_url("https://example.org").unwrap(),
            ("https://example.org/".into(), "/".into())
        );
        assert_eq!(
            normalize_base_url("https://me.github.io/atlas").unwrap(),
            ("https://me.github.io/atlas/".into(), "/atlas/".into())
        );
        assert!(normalize_base_url("example.org").is_err());
        assert!(normalize_base_url("https:///x").is_err());
    }

    #[test]
    fn collections_and_fields_keep_declaration_order() {
        let c = parse(
            r#"title = "T"
base_url = "https://x.org/"
[collections.roles]
[collections.roles.fields]
zeta = { type = "string" }
alpha = { type = "refs", to = "kpis", label = "KPIs" }
[collections.kpis]
"#,
        )
        .unwrap();
        assert_eq!(c.collections[0].name, "roles");
        let names: Vec<_> = c.collections[0]
            .fields
            .iter()
            .map(|f| f.name.as_str())
            .collect();
        assert_eq!(names, ["zeta", "alpha"]);
        assert_eq!(c.collections[0].fields[0].label, "Zeta");
        assert_eq!(c.collections[0].fields[1].label, "KPIs");
        assert_eq!(c.collections[0].fields[1].pos, Pos { line: 6, col: 1 });
        assert_eq!(c.output_dir, Path::new("/site/public"));
    }

    #[test]
    fn schema_errors_point_at_site_toml_lines() {
        let errs = parse(
            r#"title = "T"
base_url = "https://x.org/"
[collections.roles.fields]
a = { type = "strng" }
b = { type = "ref", to = "kpi" }
c = { type = "enum" }
"#,
        )
        .unwrap_err();
        assert_eq!(
            errs,
            [
                "site.toml:4:14: unknown field type `strng`",
                "site.toml:5:26: `to` names a missing collection `kpi`",
                "site.toml:6:1: enum field `c` has no `values`",
            ]
        );
    }

    #[test]
    fn toml_syntax_and_unknown_keys_are_positioned() {
        let errs = parse("title = \"T\"\nbase_url = \"https://x.org/\"\ntitel = 3\n").unwrap_err();
        assert!(
            errs[0].starts_with("site.toml:3:1: unknown field `titel`"),
            "{errs:?}"
        );
        let errs = parse("title = \n").unwrap_err();
        assert!(errs[0].starts_with("site.toml:1:"), "{errs:?}");
    }

    #[test]
    fn humanize_keys() {
        assert_eq!(humanize("next_roles"), "Next roles");
        assert_eq!(humanize("time-horizon"), "Time horizon");
    }
}
