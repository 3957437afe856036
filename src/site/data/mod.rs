//! Data files: tables and trees of figures under `data/` (`.csv`, `.json`,
//! `.toml`, `.yaml`), read once per build, for templates (`data.NAME`)
//! and the `table` shortcode.
//!
//! A file's name is its path under `data/` without the extension
//! (`data/salary-bands.csv` is `salary-bands`, `data/teams/eu.yaml` is
//! `teams/eu`). A CSV file is a list of records keyed by its header row,
//! with numbers typed. A `[data.NAME]` schema in site.toml makes the
//! file a list of records checked like entries' front-matter, with the
//! same messages, at `data/FILE:LINE:COL`.

pub mod formats;
pub mod value;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

pub use value::DataValue;

use super::fields::{Source, check_fields};
use crate::config::{Config, DataSchema, FieldDef, FieldType};
use crate::content::yaml::{Pos, Positions, Value as Yaml};
use crate::diagnostics::{Diagnostic, did_you_mean};
use formats::{Csv, EXTENSIONS};

/// The folder of data files under the site root.
pub const DATA_DIR: &str = "data";

/// One data file, read and checked.
#[derive(Debug, Clone)]
pub struct DataFile {
    /// Its path under `data/` without the extension, `/`-separated.
    pub name: String,
    /// The file, relative to the site root (`data/salary-bands.csv`).
    pub source: PathBuf,
    /// What it holds.
    pub value: DataValue,
    /// The keys of its records in order (a CSV's header), when it is a
    /// list of records.
    pub columns: Vec<String>,
    /// With a schema: each record's checked values (the fields that are
    /// right), for tables that show them by type.
    pub typed: Vec<crate::site::fields::TypedFields>,
    /// `ref` and `refs` values of a schema, checked once entries are known:
    /// (collection, slug, where).
    pub refs: Vec<(String, String, Pos)>,
    /// The file's text, for the snippets of errors found later.
    pub text: String,
}

/// Every data file of a site, by name.
#[derive(Debug, Clone, Default)]
pub struct DataSet {
    /// Sorted by name.
    pub files: Vec<DataFile>,
}

impl DataSet {
    /// The file called `name`.
    pub fn get(&self, name: &str) -> Option<&DataFile> {
        self.files.iter().find(|f| f.name == name)
    }

    /// The message for a name no file has, with the nearest name.
    pub fn missing(&self, name: &str) -> String {
        let mut msg = format!("no data file `{name}` under `data/`");
        if let Some(s) = did_you_mean(name, self.files.iter().map(|f| f.name.as_str())) {
            msg.push_str(&format!(" (did you mean `{s}`?)"));
        } else if self.files.is_empty() {
            msg.push_str(" (the site has no data files)");
        }
        msg
    }

    /// The files as one tree for templates: `data/teams/eu.yaml` is
    /// `data.teams.eu`.
    pub fn tree(&self) -> DataValue {
        let mut root = DataValue::Map(Vec::new());
        for f in &self.files {
            let mut node = &mut root;
            let parts: Vec<&str> = f.name.split('/').collect();
            for (i, part) in parts.iter().enumerate() {
                let DataValue::Map(entries) = node else { break };
                let at = match entries.iter().position(|(k, _)| k == part) {
                    Some(at) => at,
                    None => {
                        let v = if i + 1 == parts.len() {
                            f.value.clone()
                        } else {
                            DataValue::Map(Vec::new())
                        };
                        entries.push((part.to_string(), v));
                        entries.len() - 1
                    }
                };
                node = &mut entries[at].1;
            }
        }
        root
    }
}

/// Reads every data file under `root/data/` and checks those with a
/// schema. Problems come back as diagnostics; a file that cannot be read
/// is left out.
pub fn load(config: &Config) -> (DataSet, Vec<Diagnostic>) {
    let mut ds = Vec::new();
    let dir = config.root.join(DATA_DIR);
    let mut files: Vec<DataFile> = Vec::new();
    let mut paths: Vec<PathBuf> = Vec::new();
    if dir.is_dir() {
        for entry in walkdir::WalkDir::new(&dir)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|e| e.depth() == 0 || !crate::content::is_hidden_or_temp(e.file_name()))
        {
            match entry {
                Ok(e) if e.file_type().is_file() => paths.push(e.into_path()),
                Ok(_) => {}
                Err(e) => ds.push(Diagnostic::error(DATA_DIR, format!("cannot read: {e}"))),
            }
        }
    }
    for abs in paths {
        let rel = abs.strip_prefix(&config.root).unwrap_or(&abs).to_path_buf();
        let Some(ext) = data_extension(&rel) else {
            ds.push(
                Diagnostic::error(&rel, "not a data file; it is left out")
                    .with_hint("data files end in `.csv`, `.json`, `.toml`, `.yaml` or `.yml`")
                    .warning(),
            );
            continue;
        };
        let name = data_name(&rel);
        if let Some(other) = files.iter().find(|f| f.name == name) {
            ds.push(Diagnostic::error(
                &rel,
                format!(
                    "`{}` and `{}` are both the data file `{name}`",
                    other.source.display(),
                    rel.display()
                ),
            ));
            continue;
        }
        let text = match crate::content::read_text(&abs, &rel) {
            Ok(t) => t,
            Err(mut e) => {
                ds.append(&mut e);
                continue;
            }
        };
        let schema = config.data.iter().find(|s| s.name == name);
        match read(&rel, &name, &ext, text, schema) {
            Ok((file, mut errors)) => {
                ds.append(&mut errors);
                files.push(file);
            }
            Err(d) => ds.push(d),
        }
    }
    for s in &config.data {
        if !files.iter().any(|f| f.name == s.name) {
            ds.push(
                Diagnostic::error_at(
                    crate::config::CONFIG_FILE,
                    s.pos.line,
                    s.pos.col,
                    format!(
                        "`[data.{}]` declares a schema for a missing data file",
                        s.name
                    ),
                )
                .with_source(&config.source)
                .with_hint(format!(
                    "add `data/{}.csv` (or `.json`, `.toml`, `.yaml`), or remove the schema",
                    s.name
                )),
            );
        }
    }
    files.sort_by(|a, b| a.name.cmp(&b.name));
    (DataSet { files }, ds)
}

/// Reads the data file at `path`, relative to the site root, for a
/// template's `load_data(path="...")`. Paths that are absolute, climb out
/// with `..`, or lead out through a link are refused.
pub fn load_path(root: &Path, path: &str) -> Result<DataValue, String> {
    use std::path::Component;
    let rel = Path::new(path);
    if path.is_empty()
        || rel.is_absolute()
        || rel
            .components()
            .any(|c| !matches!(c, Component::Normal(_) | Component::CurDir))
    {
        return Err(format!(
            "`load_data` reads files inside the site root; `{path}` is not a relative path below it"
        ));
    }
    let abs = root.join(rel);
    let inside = match (abs.canonicalize(), root.canonicalize()) {
        (Ok(file), Ok(root)) => file.starts_with(root),
        (Err(e), _) => return Err(format!("`load_data` cannot read `{path}`: {e}")),
        (_, Err(e)) => return Err(format!("`load_data` cannot read the site root: {e}")),
    };
    if !inside {
        return Err(format!(
            "`load_data` reads files inside the site root; `{path}` leads outside it through a link"
        ));
    }
    let Some(ext) = data_extension(rel) else {
        return Err(format!(
            "`load_data` reads `.csv`, `.json`, `.toml` and `.yaml` files, not `{path}`"
        ));
    };
    let text = std::fs::read_to_string(&abs)
        .map_err(|e| format!("`load_data` cannot read `{path}`: {e}"))?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let at = |e: formats::ParseError| format!("{path}:{}:{}: {}", e.pos.line, e.pos.col, e.message);
    if ext == "csv" {
        Ok(csv_value(&formats::parse_csv(text).map_err(at)?, None))
    } else {
        formats::parse_tree(text, &ext).map_err(at)
    }
}

/// The format of a data file by its extension (any case), if it is one.
fn data_extension(path: &Path) -> Option<String> {
    let ext = path.extension()?.to_str()?.to_ascii_lowercase();
    EXTENSIONS.contains(&ext.as_str()).then_some(ext)
}

/// `data/teams/eu.yaml` -> `teams/eu`.
fn data_name(rel: &Path) -> String {
    let inner = rel.strip_prefix(DATA_DIR).unwrap_or(rel).with_extension("");
    inner
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/")
}

/// Reads one file: its value, and the schema's errors.
fn read(
    rel: &Path,
    name: &str,
    ext: &str,
    text: String,
    schema: Option<&DataSchema>,
) -> Result<(DataFile, Vec<Diagnostic>), Diagnostic> {
    let fail = |e: formats::ParseError| {
        Diagnostic::error_at(rel, e.pos.line, e.pos.col, e.message).with_source(&text)
    };
    let mut file = DataFile {
        name: name.to_string(),
        source: rel.to_path_buf(),
        value: DataValue::Null,
        columns: Vec::new(),
        typed: Vec::new(),
        refs: Vec::new(),
        text: String::new(),
    };
    let mut errors = Vec::new();
    if ext == "csv" {
        let csv = formats::parse_csv(&text).map_err(fail)?;
        file.columns = csv.headers.clone();
        file.value = csv_value(&csv, schema);
        if let Some(schema) = schema {
            errors = check_csv(rel, &text, &csv, schema, &mut file);
        }
    } else {
        file.value = formats::parse_tree(&text, ext).map_err(fail)?;
        file.columns = record_keys(&file.value);
        if let Some(schema) = schema {
            errors = check_tree(rel, &text, ext, schema, &mut file);
        }
    }
    file.text = text;
    Ok((file, errors))
}

/// The keys of the records of a list of records, in order of appearance.
fn record_keys(v: &DataValue) -> Vec<String> {
    let mut keys: Vec<String> = Vec::new();
    if let DataValue::List(items) = v {
        for item in items {
            if let DataValue::Map(m) = item {
                for (k, _) in m {
                    if !keys.contains(k) {
                        keys.push(k.clone());
                    }
                }
            }
        }
    }
    keys
}

/// A CSV's records as a list of tables. Without a schema a cell that is
/// a number becomes one; with one, each column takes its field's type
/// (a `string` column keeps `007` as written, a `list` splits on `;`),
/// and an empty cell is unset.
fn csv_value(csv: &Csv, schema: Option<&DataSchema>) -> DataValue {
    let defs: Vec<Option<&FieldDef>> = csv
        .headers
        .iter()
        .map(|h| schema.and_then(|s| s.fields.iter().find(|f| f.name == *h)))
        .collect();
    DataValue::List(
        csv.records
            .iter()
            .map(|(_, cells)| {
                DataValue::Map(
                    csv.headers
                        .iter()
                        .zip(cells)
                        .zip(&defs)
                        .map(|((h, (cell, _)), def)| {
                            (h.clone(), cell_value(cell, *def, schema.is_some()))
                        })
                        .collect(),
                )
            })
            .collect(),
    )
}

fn cell_value(cell: &str, def: Option<&FieldDef>, typed: bool) -> DataValue {
    let t = cell.trim();
    if typed && t.is_empty() {
        return DataValue::Null;
    }
    let text = || DataValue::String(t.to_string());
    match def.map(|d| d.ty) {
        None | Some(FieldType::Int | FieldType::Float) => infer(t),
        Some(FieldType::Bool) => match t {
            "true" => DataValue::Bool(true),
            "false" => DataValue::Bool(false),
            _ => text(),
        },
        Some(FieldType::List | FieldType::Refs) => DataValue::List(
            t.split(';')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(|s| DataValue::String(s.to_string()))
                .collect(),
        ),
        Some(_) => text(),
    }
}

/// A cell's number, if it is one (`120000`, `-3`, `4.5`), else its text.
fn infer(t: &str) -> DataValue {
    if let Ok(n) = t.parse::<i64>() {
        return DataValue::Int(n);
    }
    let numeric = !t.is_empty()
        && t.bytes().any(|b| b.is_ascii_digit())
        && t.bytes()
            .all(|b| b.is_ascii_digit() || b"+-.eE".contains(&b));
    match t.parse::<f64>() {
        Ok(f) if numeric && f.is_finite() => DataValue::Float(f),
        _ => DataValue::String(t.to_string()),
    }
}

/// One record of a data file as a [`Source`] for the field checks.
struct Record<'a> {
    rel: &'a Path,
    text: &'a str,
    positions: &'a Positions,
    /// The record's path in `positions` (`3`, `band/3`).
    prefix: String,
}

impl Source for Record<'_> {
    fn err(&self, pos: Pos, message: String) -> Diagnostic {
        Diagnostic::error_at(self.rel, pos.line, pos.col, message).with_source(self.text)
    }
    fn key_pos(&self, path: &str) -> Pos {
        self.positions.key(&format!("{}/{path}", self.prefix))
    }
    fn value_pos(&self, path: &str) -> Pos {
        self.positions.value(&format!("{}/{path}", self.prefix))
    }
    fn start(&self) -> Pos {
        self.positions.value(&self.prefix)
    }
}

/// The message for a record key the schema does not declare.
fn unknown_key(key: &str, schema: &DataSchema, what: &str) -> (String, String) {
    let mut msg = format!("unknown {what} `{key}` in data `{}`", schema.name);
    if let Some(s) = did_you_mean(key, schema.fields.iter().map(|f| f.name.as_str())) {
        msg.push_str(&format!(" (did you mean `{s}`?)"));
    }
    let declared: Vec<String> = schema
        .fields
        .iter()
        .map(|f| format!("`{}`", f.name))
        .collect();
    let hint = format!(
        "`[data.{}]` in site.toml declares {}",
        schema.name,
        if declared.is_empty() {
            "no fields".to_string()
        } else {
            declared.join(", ")
        }
    );
    (msg, hint)
}

/// What checking records gives besides errors.
#[derive(Default)]
struct Checked {
    typed: Vec<crate::site::fields::TypedFields>,
    refs: Vec<(String, String, Pos)>,
}

/// Checks every record of a list against `schema`; `records` are the
/// values with their paths in `positions`.
fn check_records(
    rel: &Path,
    text: &str,
    positions: &Positions,
    schema: &DataSchema,
    records: &[(String, &DataValue)],
    out: &mut Checked,
    report_unknown: bool,
) -> Vec<Diagnostic> {
    let mut ds = Vec::new();
    for (prefix, rec) in records {
        let src = Record {
            rel,
            text,
            positions,
            prefix: prefix.clone(),
        };
        let DataValue::Map(entries) = rec else {
            ds.push(src.err(
                src.start(),
                format!(
                    "a record of data `{}` must be a table, found {}",
                    schema.name,
                    rec.kind()
                ),
            ));
            continue;
        };
        let yaml: Vec<(&str, Yaml)> = entries
            .iter()
            .map(|(k, v)| (k.as_str(), v.to_yaml()))
            .collect();
        let mut values: HashMap<&str, &Yaml> = HashMap::new();
        for (k, v) in &yaml {
            if schema.fields.iter().any(|f| f.name == *k) {
                values.insert(k, v);
            } else if report_unknown {
                let (msg, hint) = unknown_key(k, schema, "key");
                ds.push(src.err(src.key_pos(k), msg).with_hint(hint));
            }
        }
        let (typed, mut errors) = check_fields(&schema.fields, &values, &src);
        ds.append(&mut errors);
        out.typed.push(typed.clone());
        for (name, v) in typed {
            let Some(to) = schema
                .fields
                .iter()
                .find(|f| f.name == name)
                .and_then(|f| f.to.clone())
            else {
                continue;
            };
            let slugs = match v {
                crate::site::fields::FieldValue::Ref(s) => vec![(s, src.value_pos(&name))],
                crate::site::fields::FieldValue::Refs(l) => l
                    .into_iter()
                    .enumerate()
                    .map(|(i, s)| (s, src.value_pos(&format!("{name}/{i}"))))
                    .collect(),
                _ => Vec::new(),
            };
            out.refs
                .extend(slugs.into_iter().map(|(s, pos)| (to.clone(), s, pos)));
        }
    }
    ds
}

fn check_csv(
    rel: &Path,
    text: &str,
    csv: &Csv,
    schema: &DataSchema,
    file: &mut DataFile,
) -> Vec<Diagnostic> {
    let mut ds = Vec::new();
    let err = |line: usize, col: usize, msg: String| {
        Diagnostic::error_at(rel, line, col, msg).with_source(text)
    };
    let starts = formats::cell_columns(text, 0);
    for (i, h) in csv.headers.iter().enumerate() {
        if !schema.fields.iter().any(|f| f.name == *h) {
            let (msg, hint) = unknown_key(h, schema, "column");
            ds.push(err(1, starts.get(i).copied().unwrap_or(1), msg).with_hint(hint));
        }
    }
    for f in &schema.fields {
        if f.ty == FieldType::Range {
            ds.push(err(
                1,
                1,
                format!(
                    "`{}` is a `range`, which one CSV cell cannot hold; declare two `float` columns (say `{0}_min` and `{0}_max`) instead",
                    f.name
                ),
            ));
        }
    }
    let mut positions = Positions::starting_at(Pos { line: 1, col: 1 });
    for (i, (line, cells)) in csv.records.iter().enumerate() {
        positions.insert(
            i.to_string(),
            None,
            Pos {
                line: *line,
                col: 1,
            },
        );
        for (h, (_, c)) in csv.headers.iter().zip(cells) {
            let p = Pos {
                line: *line,
                col: *c,
            };
            positions.insert(format!("{i}/{h}"), Some(p), p);
        }
    }
    let DataValue::List(items) = &file.value else {
        return ds;
    };
    let records: Vec<(String, &DataValue)> = items
        .iter()
        .enumerate()
        .map(|(i, r)| (i.to_string(), r))
        .collect();
    let mut out = Checked::default();
    ds.extend(check_records(
        rel, text, &positions, schema, &records, &mut out, false,
    ));
    (file.typed, file.refs) = (out.typed, out.refs);
    ds
}

fn check_tree(
    rel: &Path,
    text: &str,
    ext: &str,
    schema: &DataSchema,
    file: &mut DataFile,
) -> Vec<Diagnostic> {
    let records: Vec<(String, &DataValue)> = match &file.value {
        DataValue::List(items) => items
            .iter()
            .enumerate()
            .map(|(i, r)| (i.to_string(), r))
            .collect(),
        DataValue::Map(m) if m.len() == 1 && matches!(m[0].1, DataValue::List(_)) => {
            let DataValue::List(items) = &m[0].1 else {
                unreachable!()
            };
            items
                .iter()
                .enumerate()
                .map(|(i, r)| (format!("{}/{i}", m[0].0), r))
                .collect()
        }
        other => {
            return vec![
                Diagnostic::error_at(rel, 1, 1, format!(
                    "data `{}` has a schema in site.toml, so it must be a list of records, found {}",
                    schema.name,
                    other.kind()
                ))
                .with_source(text)
                .with_hint(if ext == "toml" {
                    "write each record as a `[[records]]` table"
                } else {
                    "write a list of tables, one per record"
                }),
            ];
        }
    };
    let positions = formats::positions(text, ext);
    let mut out = Checked::default();
    let ds = check_records(rel, text, &positions, schema, &records, &mut out, true);
    (file.typed, file.refs) = (out.typed, out.refs);
    ds
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_cells_are_typed() {
        assert_eq!(infer("120000"), DataValue::Int(120000));
        assert_eq!(infer("4.5"), DataValue::Float(4.5));
        assert_eq!(infer("inf"), DataValue::String("inf".into()));
        assert_eq!(
            infer("Product Manager"),
            DataValue::String("Product Manager".into())
        );
        assert_eq!(infer(""), DataValue::String(String::new()));
    }

    #[test]
    fn names_nest_into_a_tree() {
        let f = |name: &str, v: i64| DataFile {
            name: name.into(),
            source: PathBuf::new(),
            value: DataValue::Int(v),
            columns: Vec::new(),
            typed: Vec::new(),
            refs: Vec::new(),
            text: String::new(),
        };
        let set = DataSet {
            files: vec![f("bands", 1), f("teams/eu", 2), f("teams/us", 3)],
        };
        assert_eq!(
            serde_json::to_string(&set.tree()).unwrap(),
            r#"{"bands":1,"teams":{"eu":2,"us":3}}"#
        );
        assert_eq!(
            set.missing("band"),
            "no data file `band` under `data/` (did you mean `bands`?)"
        );
        assert_eq!(data_name(Path::new("data/teams/eu.yaml")), "teams/eu");
    }
}
