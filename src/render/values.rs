//! Typed field values as templates see them: references resolved to
//! `{slug, title, url}`, `text` rendered as inline Markdown, and one HTML
//! rendering per type shared by entry pages, collection matrices and
//! comparison tables, so that a value looks the same everywhere.

use serde::Serialize;

use crate::config::{Collection, FieldDef, FieldType};
use crate::html::escape_attr;
use crate::markdown::render_inline;
use crate::site::fields::{EntryIndex, FieldValue, TypedFields, fmt_num};

/// A reference resolved to the entry it names.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct RefCtx {
    /// The entry's slug.
    pub slug: String,
    /// The entry's title.
    pub title: String,
    /// Root-relative URL.
    pub url: String,
    /// The entry's collection.
    pub collection: String,
    /// The entry's language, when a reference falls back to the default
    /// language's page (it has no translation in the page's language).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lang: Option<String>,
}

/// A field value for templates.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[serde(untagged)]
pub enum Resolved {
    /// `string`, `enum`, `url`, `date`, and `text` (as inline HTML).
    Str(String),
    /// `int`.
    Int(i64),
    /// `float`.
    Float(f64),
    /// `bool`.
    Bool(bool),
    /// `list`.
    List(Vec<String>),
    /// `ref`.
    Ref(RefCtx),
    /// `refs`.
    Refs(Vec<RefCtx>),
    /// `range`.
    Range {
        /// Lower bound.
        #[serde(serialize_with = "ser_num")]
        min: f64,
        /// Upper bound.
        #[serde(serialize_with = "ser_num")]
        max: f64,
        /// Whether the range goes on above `max` ("180,000+").
        max_open: bool,
        /// Unit.
        unit: Option<String>,
    },
    /// A declared field the entry does not set: `null`, so that
    /// `{% if page.fields.salary %}` works in templates.
    Unset,
}

/// One declared field of a page, ready to print in a generic table.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct FieldRow {
    /// The key.
    pub name: String,
    /// The heading.
    pub label: String,
    /// The type name.
    #[serde(rename = "type")]
    pub ty: FieldType,
    /// Whether the entry sets it.
    pub set: bool,
    /// The formatted value (HTML; an em dash with a hidden "not set" when
    /// unset).
    pub html: String,
}

/// The typed fields of one page for templates.
#[derive(Debug, Clone, Default, Serialize)]
pub struct FieldsView {
    /// `page.fields`: name -> resolved value, in declaration order; every
    /// declared field is present, unset ones as `null`.
    #[serde(serialize_with = "ser_pairs")]
    pub values: Vec<(String, Resolved)>,
    /// `page.field_list`: every declared field, set or not, formatted.
    pub list: Vec<FieldRow>,
}

/// Whole numbers as integers (`90000`, not `90000.0`) in templates.
fn ser_num<S: serde::Serializer>(n: &f64, s: S) -> Result<S::Ok, S::Error> {
    if n.fract() == 0.0 && n.abs() < 9e15 {
        s.serialize_i64(*n as i64)
    } else {
        s.serialize_f64(*n)
    }
}

fn ser_pairs<S: serde::Serializer>(v: &[(String, Resolved)], s: S) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeMap;
    let mut m = s.serialize_map(Some(v.len()))?;
    for (k, val) in v {
        m.serialize_entry(k, val)?;
    }
    m.end()
}

/// Where an entry lives, for resolving references.
pub trait Lookup {
    /// The title and root-relative URL of entry `slug` of `collection`.
    fn entry(&self, collection: &str, slug: &str) -> Option<(String, String)>;

    /// The words values are shown with (English unless told).
    fn words(&self) -> &ValueWords {
        static ENGLISH: std::sync::OnceLock<ValueWords> = std::sync::OnceLock::new();
        ENGLISH.get_or_init(ValueWords::default)
    }

    /// The language of entry `slug` of `collection` when it is not the
    /// language of the page being rendered.
    fn foreign_lang(&self, collection: &str, slug: &str) -> Option<String> {
        let _ = (collection, slug);
        None
    }
}

/// Resolves a reference. References are checked before rendering, so a
/// missing one only happens for a bad value that was already reported.
fn resolve_ref(lookup: &dyn Lookup, to: &str, slug: &str) -> RefCtx {
    let (title, url) = lookup
        .entry(to, slug)
        .unwrap_or_else(|| (slug.to_string(), String::new()));
    RefCtx {
        slug: slug.to_string(),
        title,
        url,
        collection: to.to_string(),
        lang: lookup.foreign_lang(to, slug),
    }
}

/// Resolves one typed value.
pub fn resolve(def: &FieldDef, v: &FieldValue, lookup: &dyn Lookup) -> Resolved {
    let to = def.to.as_deref().unwrap_or_default();
    match v {
        FieldValue::String(s) => Resolved::Str(s.clone()),
        FieldValue::Text(s) => Resolved::Str(render_inline(s)),
        FieldValue::Int(n) => Resolved::Int(*n),
        FieldValue::Float(n) => Resolved::Float(*n),
        FieldValue::Bool(b) => Resolved::Bool(*b),
        FieldValue::Date(d) => Resolved::Str(d.0.clone()),
        FieldValue::List(l) => Resolved::List(l.clone()),
        FieldValue::Ref(s) => Resolved::Ref(resolve_ref(lookup, to, s)),
        FieldValue::Refs(l) => {
            Resolved::Refs(l.iter().map(|s| resolve_ref(lookup, to, s)).collect())
        }
        FieldValue::Range {
            min,
            max,
            max_open,
            unit,
        } => Resolved::Range {
            min: *min,
            max: *max,
            max_open: *max_open,
            unit: unit.clone(),
        },
    }
}

/// The words values are shown with, in the page's language.
#[derive(Debug, Clone)]
pub struct ValueWords {
    /// A `bool` that is true.
    pub yes: String,
    /// A `bool` that is false.
    pub no: String,
    /// The HTML of a value that is not set.
    pub not_set_html: String,
    /// Month names, January first, for `date` values.
    pub months: Vec<String>,
    /// The mark between groups of three digits (`,` in English).
    pub group: String,
    /// The decimal mark (`.` in English).
    pub decimal: String,
}

impl Default for ValueWords {
    fn default() -> Self {
        ValueWords {
            yes: "Yes".into(),
            no: "No".into(),
            not_set_html: NOT_SET_HTML.into(),
            months: crate::content::MONTHS.map(String::from).to_vec(),
            group: ",".into(),
            decimal: ".".into(),
        }
    }
}

impl ValueWords {
    /// The words of the theme's `i18n` (`yes`, `no`, `not_set`,
    /// `months`), English where a key is missing.
    pub(crate) fn from_words(words: &super::i18n::Strings) -> Self {
        let mut w = ValueWords::default();
        let get = |k: &str| words.get(k).and_then(|v| v.as_str()).map(String::from);
        if let Some(y) = get("yes") {
            w.yes = y;
        }
        if let Some(n) = get("no") {
            w.no = n;
        }
        if let Some(n) = get("not_set") {
            w.not_set_html = format!(
                "<span aria-hidden=\"true\">—</span><span class=\"visually-hidden\">{}</span>",
                escape_attr(&n)
            );
        }
        if let Some(g) = get("number_group") {
            w.group = g;
        }
        if let Some(d) = get("number_decimal") {
            w.decimal = d;
        }
        if let Some(m) = words.get("months").and_then(|m| m.as_array())
            && m.len() == 12
        {
            w.months = m
                .iter()
                .filter_map(|v| v.as_str().map(String::from))
                .collect();
        }
        w
    }
}

/// HTML for a value that is not set: an em dash, with "not set" for screen
/// readers.
pub const NOT_SET_HTML: &str =
    "<span aria-hidden=\"true\">—</span><span class=\"visually-hidden\">not set</span>";

fn link(r: &RefCtx) -> String {
    if r.url.is_empty() {
        escape_attr(&r.title)
    } else {
        let lang = r
            .lang
            .as_ref()
            .map(|l| format!(" hreflang=\"{}\"", escape_attr(l)))
            .unwrap_or_default();
        format!(
            "<a href=\"{}\"{lang}>{}</a>",
            escape_attr(&r.url),
            escape_attr(&r.title)
        )
    }
}

fn html_list(items: impl Iterator<Item = String>) -> String {
    let mut out = String::from("<ul class=\"value-list\">");
    for i in items {
        out.push_str("<li>");
        out.push_str(&i);
        out.push_str("</li>");
    }
    out.push_str("</ul>");
    out
}

/// `120000` -> `120,000`; keeps decimals as they are.
pub fn thousands(n: f64) -> String {
    thousands_in(n, ",", ".")
}

/// [`thousands`] with the group and decimal marks of a language
/// (`1.234.567,5` in German).
pub fn thousands_in(n: f64, group: &str, decimal: &str) -> String {
    let s = fmt_num(n);
    let (int, frac) = s
        .split_once('.')
        .map_or((s.as_str(), None), |(a, b)| (a, Some(b)));
    let (sign, digits) = int.strip_prefix('-').map_or(("", int), |d| ("-", d));
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push_str(group);
        }
        out.push(c);
    }
    match frac {
        Some(f) => format!("{sign}{out}{decimal}{f}"),
        None => format!("{sign}{out}"),
    }
}

/// `2024-03-05` -> `5 March 2024`, with the month names `months`.
pub fn readable_date_in(iso: &str, months: &[String]) -> String {
    let parts: Vec<&str> = iso.get(..10).unwrap_or(iso).split('-').collect();
    match parts.as_slice() {
        [y, m, d] => {
            let month = m
                .parse::<usize>()
                .ok()
                .and_then(|m| months.get(m.wrapping_sub(1)));
            match (month, d.parse::<u32>()) {
                (Some(month), Ok(day)) => format!("{day} {month} {y}"),
                _ => iso.to_string(),
            }
        }
        _ => iso.to_string(),
    }
}

/// The HTML of a resolved value, by type.
pub fn format_html(def: &FieldDef, v: &Resolved, w: &ValueWords) -> String {
    match v {
        Resolved::Str(s) if def.ty == FieldType::Text => s.clone(),
        Resolved::Str(s) if def.ty == FieldType::Date => {
            format!(
                "<time datetime=\"{}\">{}</time>",
                escape_attr(s),
                escape_attr(&readable_date_in(s, &w.months))
            )
        }
        Resolved::Str(s) if def.ty == FieldType::Enum => escape_attr(&def.value_label(s)),
        Resolved::Str(s) if def.ty == FieldType::Url => {
            format!("<a href=\"{0}\">{0}</a>", escape_attr(s))
        }
        Resolved::Str(s) => escape_attr(s),
        Resolved::Int(n) => thousands_in(*n as f64, &w.group, &w.decimal),
        Resolved::Float(n) => thousands_in(*n, &w.group, &w.decimal),
        Resolved::Bool(b) => (if *b { &w.yes } else { &w.no }).clone(),
        Resolved::List(l) => html_list(l.iter().map(|s| escape_attr(s))),
        Resolved::Ref(r) => link(r),
        Resolved::Refs(l) => html_list(l.iter().map(link)),
        Resolved::Range {
            min,
            max,
            max_open,
            unit,
        } => {
            let unit = unit
                .as_ref()
                .map(|u| format!(" {}", escape_attr(u)))
                .unwrap_or_default();
            let plus = if *max_open { "+" } else { "" };
            if min == max {
                format!("{}{plus}{unit}", thousands_in(*min, &w.group, &w.decimal))
            } else {
                format!(
                    "{}–{}{plus}{unit}",
                    thousands_in(*min, &w.group, &w.decimal),
                    thousands_in(*max, &w.group, &w.decimal)
                )
            }
        }
        Resolved::Unset => w.not_set_html.clone(),
    }
}

/// Builds the template view of a page's typed fields.
pub fn view(coll: &Collection, typed: &TypedFields, lookup: &dyn Lookup) -> FieldsView {
    let mut out = FieldsView::default();
    for def in &coll.fields {
        let value = typed
            .iter()
            .find(|(n, _)| *n == def.name)
            .map(|(_, v)| resolve(def, v, lookup));
        let html = value.as_ref().map_or_else(
            || lookup.words().not_set_html.clone(),
            |v| format_html(def, v, lookup.words()),
        );
        out.list.push(FieldRow {
            name: def.name.clone(),
            label: def.label.clone(),
            ty: def.ty,
            set: value.is_some(),
            html,
        });
        out.values
            .push((def.name.clone(), value.unwrap_or(Resolved::Unset)));
    }
    out
}

/// A lookup over the site's pages through the entry index.
pub struct PageLookup<'a> {
    /// The pages.
    pub pages: &'a [crate::site::SitePage],
    /// The index of entries.
    pub index: &'a EntryIndex,
    /// The language foreign pages are in (the default).
    pub fallback_lang: &'a str,
    /// The words values are shown with.
    pub words: &'a ValueWords,
}

impl Lookup for PageLookup<'_> {
    fn entry(&self, collection: &str, slug: &str) -> Option<(String, String)> {
        let i = self.index.get(collection, slug)?;
        let p = &self.pages[i];
        Some((p.title.clone(), p.url.clone()))
    }

    fn words(&self) -> &ValueWords {
        self.words
    }

    fn foreign_lang(&self, collection: &str, slug: &str) -> Option<String> {
        let p = &self.pages[self.index.get(collection, slug)?];
        p.foreign.then(|| self.fallback_lang.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Pos;

    fn def(ty: FieldType) -> FieldDef {
        FieldDef {
            help: None,
            taxonomy: false,
            name: "f".into(),
            ty,
            required: false,
            label: "F".into(),
            to: Some("roles".into()),
            values: vec![],
            labels: Default::default(),
            unit: Some("USD".into()),
            pos: Pos::default(),
        }
    }

    #[test]
    fn enum_values_show_their_label_or_the_value_humanised() {
        let mut d = def(FieldType::Enum);
        d.values = vec!["operating-model".into(), "b2b".into()];
        d.labels.insert("b2b".into(), "B2B & <partners>".into());
        let show = |v: &str| format_html(&d, &Resolved::Str(v.into()), &ValueWords::default());
        assert_eq!(show("operating-model"), "Operating model");
        assert_eq!(show("b2b"), "B2B &amp; &lt;partners&gt;");
    }

    struct Fake;
    impl Lookup for Fake {
        fn entry(&self, _: &str, slug: &str) -> Option<(String, String)> {
            (slug == "po").then(|| ("Product <Owner>".to_string(), "/roles/po/".to_string()))
        }
    }

    fn html(ty: FieldType, v: FieldValue) -> String {
        let d = def(ty);
        format_html(&d, &resolve(&d, &v, &Fake), &ValueWords::default())
    }

    #[test]
    fn formatting_by_type() {
        assert_eq!(
            html(FieldType::Text, FieldValue::Text("*why*".into())),
            "<em>why</em>"
        );
        assert_eq!(
            html(FieldType::List, FieldValue::List(vec!["a<b".into()])),
            "<ul class=\"value-list\"><li>a&lt;b</li></ul>"
        );
        assert_eq!(
            html(FieldType::Ref, FieldValue::Ref("po".into())),
            "<a href=\"/roles/po/\">Product &lt;Owner&gt;</a>"
        );
        assert_eq!(
            html(
                FieldType::Range,
                FieldValue::Range {
                    min: 90000.0,
                    max: 120000.0,
                    max_open: false,
                    unit: Some("USD".into())
                }
            ),
            "90,000–120,000 USD"
        );
        assert_eq!(
            html(
                FieldType::Range,
                FieldValue::Range {
                    min: 140000.0,
                    max: 180000.0,
                    max_open: true,
                    unit: Some("USD".into())
                }
            ),
            "140,000–180,000+ USD"
        );
        assert_eq!(html(FieldType::Bool, FieldValue::Bool(true)), "Yes");
        assert_eq!(
            html(
                FieldType::Date,
                FieldValue::Date(crate::content::Date("2024-03-05".into()))
            ),
            "<time datetime=\"2024-03-05\">5 March 2024</time>"
        );
        assert_eq!(
            html(FieldType::String, FieldValue::String("<script>".into())),
            "&lt;script&gt;"
        );
    }

    #[test]
    fn numbers() {
        assert_eq!(thousands(1234567.0), "1,234,567");
        assert_eq!(thousands(-1500.5), "-1,500.5");
        assert_eq!(thousands(12.0), "12");
        assert_eq!(thousands_in(1234567.5, ".", ","), "1.234.567,5");
    }
}
