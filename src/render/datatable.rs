//! The `table(data="NAME", columns=[...], caption="...")` shortcode: a
//! data file's records as an accessible table (a caption, column headers,
//! the first column as row headers, numbers aligned right).

use serde::Serialize;

use super::Shared;
use super::shortcodes::{ShortcodeFailure, list_arg, str_arg};
use super::values::{PageLookup, format_html, resolve};
use crate::diagnostics::did_you_mean;
use crate::html::escape_attr;
use crate::markdown::shortcodes::Call;
use crate::site::data::{DataFile, DataValue};

/// What `shortcodes/table.html` gets as `table`.
#[derive(Debug, Serialize)]
pub(super) struct DataTableCtx {
    /// The caption: the `caption` argument, else the data's name.
    pub caption: String,
    /// The data file, relative to the site root.
    pub source: String,
    /// The columns shown.
    pub columns: Vec<Column>,
    /// One row per record: each cell's HTML.
    pub rows: Vec<Vec<String>>,
}

/// One column of a data table.
#[derive(Debug, Serialize)]
pub(super) struct Column {
    /// The record key.
    pub key: String,
    /// The header: the schema's label, else the key as written.
    pub label: String,
    /// Whether every value set in it is a number (aligned right).
    pub numeric: bool,
}

/// The table of one `table(...)` call.
pub(super) fn from_call(sh: &Shared, call: &Call) -> Result<DataTableCtx, ShortcodeFailure> {
    let site = sh.site;
    let name =
        str_arg(call, "data")?.ok_or("`table` needs `data=\"NAME\"` (a file under `data/`)")?;
    let file = site.data.get(name).ok_or_else(|| site.data.missing(name))?;
    let DataValue::List(records) = &file.value else {
        return Err(format!(
            "data `{name}` is {}, not a list of records; `table` shows a CSV file or a list of tables",
            file.value.kind()
        )
        .into());
    };
    let columns = match list_arg(call, "columns")? {
        Some(c) => c,
        None => file.columns.clone(),
    };
    for c in &columns {
        if !file.columns.contains(c) {
            let mut msg = format!("data `{name}` has no column `{c}`");
            if let Some(s) = did_you_mean(c, file.columns.iter().map(String::as_str)) {
                msg.push_str(&format!(" (did you mean `{s}`?)"));
            }
            let list: Vec<String> = file.columns.iter().map(|c| format!("`{c}`")).collect();
            msg.push_str(&format!("; its columns are {}", list.join(", ")));
            return Err(msg.into());
        }
    }
    if columns.is_empty() {
        return Err(format!("data `{name}` has no columns to show").into());
    }
    let schema = site.config.data.iter().find(|s| s.name == name);
    let words = super::values::ValueWords::from_words(&sh.c.templates.words);
    let lookup = PageLookup {
        pages: &site.pages,
        index: &site.index,
        fallback_lang: &site.config.default_language,
        words: &words,
    };
    let rows: Vec<Vec<String>> = records
        .iter()
        .enumerate()
        .map(|(i, rec)| {
            columns
                .iter()
                .map(|c| cell_html(file, i, rec, c, schema, &lookup))
                .collect()
        })
        .collect();
    let columns = columns
        .into_iter()
        .map(|key| {
            let def = schema.and_then(|s| s.fields.iter().find(|f| f.name == key));
            let numeric = records.iter().all(|r| {
                matches!(
                    r.get(&key),
                    None | Some(DataValue::Null | DataValue::Int(_) | DataValue::Float(_))
                ) || matches!(r.get(&key), Some(DataValue::String(s)) if s.is_empty())
            }) && records
                .iter()
                .any(|r| matches!(r.get(&key), Some(DataValue::Int(_) | DataValue::Float(_))));
            Column {
                label: def.map_or_else(|| key.clone(), |d| d.label.clone()),
                numeric,
                key,
            }
        })
        .collect();
    Ok(DataTableCtx {
        caption: str_arg(call, "caption")?.unwrap_or(name).to_string(),
        source: file.source.to_string_lossy().replace('\\', "/"),
        columns,
        rows,
    })
}

/// One cell: by the schema's type when the file has one (an enum's label,
/// a linked entry, thousands separators), else the value as written.
fn cell_html(
    file: &DataFile,
    i: usize,
    rec: &DataValue,
    key: &str,
    schema: Option<&crate::config::DataSchema>,
    lookup: &PageLookup,
) -> String {
    if let Some(def) = schema.and_then(|s| s.fields.iter().find(|f| f.name == key)) {
        let typed = file
            .typed
            .get(i)
            .and_then(|t| t.iter().find(|(n, _)| n == key));
        return match typed {
            Some((_, v)) => format_html(def, &resolve(def, v, lookup), lookup.words),
            None => String::new(),
        };
    }
    match rec.get(key) {
        None | Some(DataValue::Null) => String::new(),
        Some(v) => escape_attr(&v.text()),
    }
}
