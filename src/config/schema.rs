//! The schema a site declares in `site.toml`: collections and their typed
//! fields, comparisons and charts, resolved from the raw tables and checked
//! against each other (every `to`, comparison and chart names a declared
//! collection and field).

use serde::Serialize;
use toml::Spanned;

use super::raw::{Ordered, RawChart, RawCollection, RawComparison, RawData, RawField};
use super::{CONFIG_FILE, humanize, is_safe_segment};
use crate::diagnostics::{Diagnostic, Diagnostics, did_you_mean, line_col};

/// Front-matter keys every page may use, whatever its collection.
pub const BUILTIN_KEYS: [&str; 14] = [
    "title",
    "description",
    "date",
    "updated",
    "draft",
    "slug",
    "weight",
    "tags",
    "aliases",
    "template",
    "extra",
    "terms",
    "autolink",
    "image",
];

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

    pub(super) fn parse(s: &str) -> Option<Self> {
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
    /// What the field holds, for authors (shown by editors through
    /// `cairn schema`).
    pub help: Option<String>,
    /// An `enum` or `list` field whose values get term pages
    /// (`/roles/track/strategy/`) and a search facet.
    pub taxonomy: bool,
    /// Target collection of a `ref` or `refs`.
    pub to: Option<String>,
    /// Allowed values of an `enum`.
    pub values: Vec<String>,
    /// How readers see an `enum`'s values, where not the value humanised
    /// (`operating-model` -> `Operating model`).
    pub labels: std::collections::BTreeMap<String, String>,
    /// Unit of a `range`.
    pub unit: Option<String>,
    /// Where the field is declared in site.toml.
    #[serde(skip)]
    pub pos: Pos,
}

impl FieldDef {
    /// What readers see for the `enum` value `v`: its label from
    /// `labels`, else the value humanised (`operating-model` ->
    /// `Operating model`).
    pub fn value_label(&self, v: &str) -> String {
        self.labels.get(v).cloned().unwrap_or_else(|| humanize(v))
    }
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
    /// Whether the titles and `terms` of the entries link on their first
    /// mention in every page's body.
    pub autolink: bool,
    /// Entries per listing page (`/roles/page/2/`...), when set.
    pub paginate_by: Option<usize>,
    /// What one entry is called (`Role`), where not the title's first
    /// word without its plural `s` (set per language).
    pub singular: Option<String>,
    /// The fields a share card of an entry shows (`card_fields`).
    pub card_fields: Vec<String>,
    /// Where the collection is declared in site.toml.
    #[serde(skip)]
    pub pos: Pos,
}

/// `[data.NAME]` in site.toml: the fields every record of the data file
/// `data/NAME.*` is checked against.
#[derive(Debug, Clone, Serialize)]
pub struct DataSchema {
    /// The data file's name: its path under `data/` without the extension.
    pub name: String,
    /// The fields, in declaration order.
    pub fields: Vec<FieldDef>,
    /// Where the schema is declared in site.toml.
    #[serde(skip)]
    pub pos: Pos,
}

impl Collection {
    /// What one entry is called, for previews and search results: its
    /// `singular`, else the title's first word without a plural `s`
    /// ("KPIs" -> "KPI", "Roles" -> "Role").
    pub fn singular_title(&self) -> String {
        if let Some(s) = &self.singular {
            return s.clone();
        }
        let first = self.title.split_whitespace().next().unwrap_or(&self.title);
        match first.strip_suffix('s') {
            Some(one) if one.len() >= 2 && !one.ends_with('s') => one.to_string(),
            _ => first.to_string(),
        }
    }

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

/// Resolves the raw tables of site.toml, collecting every problem at its
/// place in the text.
pub(super) struct Resolver<'a> {
    pub(super) text: &'a str,
    pub(super) ds: Diagnostics,
}

impl Resolver<'_> {
    /// The line and column of a byte span.
    pub(super) fn at(&self, span: std::ops::Range<usize>) -> Pos {
        let (line, col) = line_col(self.text, span.start);
        Pos { line, col }
    }

    /// An error at `pos`, with the quoted line.
    pub(super) fn err(&self, pos: Pos, msg: impl Into<String>) -> Diagnostic {
        Diagnostic::error_at(CONFIG_FILE, pos.line, pos.col, msg.into()).with_source(self.text)
    }

    /// Records an error at the start of `span`.
    pub(super) fn push_at(&mut self, span: std::ops::Range<usize>, msg: impl Into<String>) {
        let d = self.err(self.at(span), msg);
        self.ds.push(d);
    }

    /// Checks an `enum` field's `labels` (in a collection, or in a
    /// language's table): only on an `enum`, naming its `values` only.
    pub(super) fn enum_labels(
        &mut self,
        labels: &Spanned<std::collections::BTreeMap<String, String>>,
        is_enum: bool,
        values: &[String],
        fname: &str,
    ) {
        if !is_enum {
            self.push_at(labels.span(), "`labels` only applies to `enum` fields");
            return;
        }
        for key in labels.get_ref().keys().filter(|k| !values.contains(k)) {
            let mut msg =
                format!("`labels` names `{key}`, which is not one of the values of `{fname}`");
            if let Some(s) = did_you_mean(key, values.iter().map(String::as_str)) {
                msg.push_str(&format!(" (did you mean `{s}`?)"));
            }
            self.push_at(labels.span(), msg);
        }
    }

    /// The error for `what` naming a collection that is not declared.
    pub(super) fn missing_collection(
        &self,
        known: &[Collection],
        what: &str,
        name: &Spanned<String>,
    ) -> Diagnostic {
        let d = self.err(
            self.at(name.span()),
            format!("{what} names a missing collection `{}`", name.get_ref()),
        );
        match did_you_mean(name.get_ref(), known.iter().map(|c| c.name.as_str())) {
            Some(s) => d.with_hint(format!("did you mean `{s}`?")),
            None => d,
        }
    }

    /// Every `[collections.NAME]` table, in declaration order; then every
    /// `to` is checked against the declared names.
    pub(super) fn collections(
        &mut self,
        raw: &Ordered<Spanned<String>, Spanned<RawCollection>>,
    ) -> Vec<Collection> {
        let collections: Vec<Collection> = raw
            .0
            .iter()
            .map(|(name, coll)| self.collection(name, coll.get_ref()))
            .collect();
        for (_, coll) in &raw.0 {
            for (_, f) in &coll.get_ref().fields.0 {
                if let Some(to) = &f.get_ref().to
                    && !collections.iter().any(|c| c.name == *to.get_ref())
                {
                    let d = self.missing_collection(&collections, "`to`", to);
                    self.ds.push(d);
                }
            }
        }
        collections
    }

    fn collection(&mut self, name: &Spanned<String>, coll: &RawCollection) -> Collection {
        let pos = self.at(name.span());
        let name = name.get_ref().clone();
        if !is_safe_segment(&name) {
            let d = self.err(
                pos,
                format!("collection name `{name}` must be lowercase letters, digits, `-` or `_`"),
            );
            self.ds.push(d);
        }
        if ["tags", "compare"].contains(&name.as_str()) {
            let d = self.err(
                pos,
                format!("collection name `{name}` is reserved for generated pages"),
            );
            self.ds.push(d);
        }
        let sort_by = match coll.sort_by.as_ref() {
            None => SortBy::Title,
            Some(s) => match s.get_ref().as_str() {
                "title" => SortBy::Title,
                "date" => SortBy::Date,
                "weight" => SortBy::Weight,
                other => {
                    let d = self
                        .err(
                            self.at(s.span()),
                            format!("unknown `sort_by` value `{other}`"),
                        )
                        .with_hint("use `title`, `date` or `weight`");
                    self.ds.push(d);
                    SortBy::Title
                }
            },
        };
        if let Some(kind) = &coll.kind
            && kind.get_ref() != "faq"
        {
            let d = self
                .err(
                    self.at(kind.span()),
                    format!("unknown collection kind `{}`", kind.get_ref()),
                )
                .with_hint("the only kind is `faq`");
            self.ds.push(d);
        }
        let fields = coll
            .fields
            .0
            .iter()
            .filter_map(|(fname, fdef)| self.field(fname, fdef.get_ref()))
            .collect();
        let paginate_by = match &coll.paginate_by {
            Some(n) if *n.get_ref() >= 1 => usize::try_from(*n.get_ref()).ok(),
            Some(n) => {
                self.push_at(
                    n.span(),
                    format!("`paginate_by` must be 1 or more, got {}", n.get_ref()),
                );
                None
            }
            None => None,
        };
        let mut c = Collection {
            title: coll.title.clone().unwrap_or_else(|| humanize(&name)),
            template: coll.template.clone().unwrap_or_else(|| "page.html".into()),
            sort_by,
            kind: coll.kind.as_ref().map(|k| k.get_ref().clone()),
            fields,
            autolink: coll.autolink,
            singular: None,
            card_fields: Vec::new(),
            paginate_by,
            pos,
            name,
        };
        c.card_fields = self.card_fields(coll, &c);
        c
    }

    /// One declared field of a collection; `None` when its type is
    /// unknown.
    fn field(&mut self, fname: &Spanned<String>, f: &RawField) -> Option<FieldDef> {
        if BUILTIN_KEYS.contains(&fname.get_ref().as_str()) {
            let d = self.err(
                self.at(fname.span()),
                format!(
                    "field `{}` clashes with the built-in front-matter key of that name",
                    fname.get_ref()
                ),
            );
            self.ds.push(d);
        }
        self.field_def(fname, f)
    }

    /// Every `[data.NAME]` schema, in declaration order (a data file's
    /// records have no built-in keys, so `title` is a field like any).
    pub(super) fn data(
        &mut self,
        raw: &Ordered<Spanned<String>, Spanned<RawData>>,
        collections: &[Collection],
    ) -> Vec<DataSchema> {
        let mut out = Vec::new();
        for (name, schema) in &raw.0 {
            let pos = self.at(name.span());
            let fields: Vec<FieldDef> = schema
                .get_ref()
                .fields
                .0
                .iter()
                .filter_map(|(fname, f)| self.field_def(fname, f.get_ref()))
                .collect();
            for (_, f) in &schema.get_ref().fields.0 {
                if let Some(t) = &f.get_ref().taxonomy {
                    self.push_at(
                        t.span(),
                        "`taxonomy` applies to the fields of collections, not of data files",
                    );
                }
                if let Some(to) = &f.get_ref().to
                    && !collections.iter().any(|c| c.name == *to.get_ref())
                {
                    let d = self.missing_collection(collections, "`to`", to);
                    self.ds.push(d);
                }
            }
            out.push(DataSchema {
                name: name.get_ref().clone(),
                fields,
                pos,
            });
        }
        out
    }

    /// A field's type and options; `None` when its type is unknown.
    fn field_def(&mut self, fname: &Spanned<String>, f: &RawField) -> Option<FieldDef> {
        let fpos = self.at(fname.span());
        let fname = fname.get_ref().clone();
        let Some(ty) = FieldType::parse(f.ty.get_ref()) else {
            let d = self.err(
                self.at(f.ty.span()),
                format!("unknown field type `{}`", f.ty.get_ref()),
            );
            let d = match did_you_mean(f.ty.get_ref(), FieldType::NAMES) {
                Some(s) => d.with_hint(format!("did you mean `{s}`?")),
                None => d.with_hint(format!("use one of {}", FieldType::NAMES.join(", "))),
            };
            self.ds.push(d);
            return None;
        };
        let needs_to = matches!(ty, FieldType::Ref | FieldType::Refs);
        match (&f.to, needs_to) {
            (None, true) => {
                let d = self
                    .err(
                        fpos,
                        format!("field `{fname}` of type `{}` needs `to`", f.ty.get_ref()),
                    )
                    .with_hint("name the target collection: `to = \"roles\"`");
                self.ds.push(d);
            }
            (Some(to), false) => self.push_at(
                to.span(),
                format!(
                    "`to` only applies to `ref` and `refs` fields, not `{}`",
                    f.ty.get_ref()
                ),
            ),
            _ => {}
        }
        let values = f
            .values
            .as_ref()
            .map(|v| v.get_ref().clone())
            .unwrap_or_default();
        if ty == FieldType::Enum && values.is_empty() {
            let d = self
                .err(fpos, format!("enum field `{fname}` has no `values`"))
                .with_hint("list the allowed values: `values = [\"a\", \"b\"]`");
            self.ds.push(d);
        }
        if ty != FieldType::Enum
            && let Some(v) = &f.values
        {
            self.push_at(v.span(), "`values` only applies to `enum` fields");
        }
        if let Some(t) = &f.taxonomy
            && *t.get_ref()
            && !matches!(ty, FieldType::Enum | FieldType::List)
        {
            self.push_at(
                t.span(),
                format!(
                    "`taxonomy` only applies to `enum` and `list` fields, not `{}`",
                    f.ty.get_ref()
                ),
            );
        }
        let labels = f
            .labels
            .as_ref()
            .map(|l| l.get_ref().clone())
            .unwrap_or_default();
        if let Some(l) = &f.labels {
            self.enum_labels(l, ty == FieldType::Enum, &values, &fname);
        }
        Some(FieldDef {
            label: f.label.clone().unwrap_or_else(|| humanize(&fname)),
            help: f.help.clone(),
            taxonomy: f.taxonomy.as_ref().is_some_and(|t| *t.get_ref()),
            name: fname,
            ty,
            required: f.required,
            to: f.to.as_ref().map(|t| t.get_ref().clone()),
            values,
            labels,
            unit: f.unit.clone(),
            pos: fpos,
        })
    }

    /// The `[[comparisons]]` blocks over declared collections and fields.
    pub(super) fn comparisons(
        &mut self,
        raw: &[Spanned<RawComparison>],
        collections: &[Collection],
    ) -> Vec<ComparisonDef> {
        let mut out = Vec::new();
        for c in raw {
            let c = c.get_ref();
            let name = c.collection.get_ref();
            let Some(coll) = collections.iter().find(|x| &x.name == name) else {
                let d = self.missing_collection(collections, "comparison", &c.collection);
                self.ds.push(d);
                continue;
            };
            let items: Vec<(String, Pos)> = c
                .items
                .get_ref()
                .iter()
                .map(|i| (i.get_ref().clone(), self.at(i.span())))
                .collect();
            if items.len() < 2 {
                self.push_at(c.items.span(), "a comparison needs at least two `items`");
            }
            for (i, (slug, pos)) in items.iter().enumerate() {
                if items[..i].iter().any(|(s, _)| s == slug) {
                    let d = self.err(*pos, format!("`{slug}` is listed twice in this comparison"));
                    self.ds.push(d);
                }
            }
            let fields = match &c.fields {
                None => coll.fields.iter().map(|f| f.name.clone()).collect(),
                Some(list) => {
                    for f in list {
                        if coll.field(f.get_ref()).is_none() {
                            self.push_at(f.span(), coll.missing_field(f.get_ref()));
                        }
                    }
                    list.iter().map(|f| f.get_ref().clone()).collect()
                }
            };
            out.push(ComparisonDef {
                collection: name.clone(),
                items,
                fields,
                title: c.title.clone(),
                pos: self.at(c.items.span()),
            });
        }
        out
    }

    /// The `[[charts]]` blocks: unique names, over a field that fits the
    /// kind of chart.
    pub(super) fn charts(
        &mut self,
        raw: &[Spanned<RawChart>],
        collections: &[Collection],
    ) -> Vec<ChartDef> {
        let mut charts: Vec<ChartDef> = Vec::new();
        for c in raw {
            let c = c.get_ref();
            let name = c.name.get_ref().clone();
            if !is_safe_segment(&name) {
                self.push_at(
                    c.name.span(),
                    format!("chart name `{name}` must be lowercase letters, digits, `-` or `_`"),
                );
            }
            if charts.iter().any(|x| x.name == name) {
                self.push_at(c.name.span(), format!("two charts are named `{name}`"));
            }
            if let Some(chart) = self.chart(c, name, collections) {
                charts.push(chart);
            }
        }
        charts
    }

    fn chart(
        &mut self,
        c: &RawChart,
        name: String,
        collections: &[Collection],
    ) -> Option<ChartDef> {
        let kind = match c.kind.get_ref().as_str() {
            "ladder" => ChartKind::Ladder,
            "range" => ChartKind::Range,
            other => {
                let d = self
                    .err(
                        self.at(c.kind.span()),
                        format!("unknown chart kind `{other}`"),
                    )
                    .with_hint("use `ladder` (over a refs field) or `range` (over a range field)");
                self.ds.push(d);
                return None;
            }
        };
        let coll_name = c.collection.get_ref();
        let Some(coll) = collections.iter().find(|x| &x.name == coll_name) else {
            let d = self.missing_collection(collections, "chart", &c.collection);
            self.ds.push(d);
            return None;
        };
        let field_name = c.field.get_ref();
        let Some(field) = coll.field(field_name) else {
            self.push_at(
                c.field.span(),
                format!(
                    "chart over a missing field: {}",
                    coll.missing_field(field_name)
                ),
            );
            return None;
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
            self.push_at(
                c.field.span(),
                format!(
                    "a {} chart needs {need}; `{field_name}` is not one",
                    c.kind.get_ref()
                ),
            );
            return None;
        }
        Some(ChartDef {
            title: c
                .title
                .clone()
                .unwrap_or_else(|| format!("{}: {}", coll.title, field.label)),
            name,
            kind,
            collection: coll_name.clone(),
            field: field_name.clone(),
            pos: self.at(c.name.span()),
        })
    }
}
