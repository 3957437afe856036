//! `[export] json = true`: every collection written as data beside the
//! pages, for other tools and for the comparison picker:
//! `/data/COLLECTION.json` (each entry's title, URLs, summary, tags,
//! dates, typed fields with refs resolved, and the fields as the site
//! shows them), `/data/COLLECTION.schema.json` (its JSON Schema) and
//! `/data/index.json`; with `csv = true`, `/data/COLLECTION.csv` of the
//! scalar fields. The output depends only on the content, so two builds
//! write the same bytes.

use serde_json::{Map, Value, json};

use super::Shared;
use super::values::{PageLookup, format_html, resolve};
use crate::config::{Collection, FieldType};
use crate::output::{Data, OutputFile};
use crate::site::fields::FieldValue;

/// The folder of the exported files in the output.
pub(crate) const EXPORT_DIR: &str = "data";

/// The exported files, when site.toml asks for them.
pub(super) fn files(sh: &Shared) -> Vec<OutputFile> {
    let config = &sh.site.config;
    if !config.export_json && !config.export_csv {
        return Vec::new();
    }
    let mut out = Vec::new();
    let mut listed = Vec::new();
    for (ci, coll) in config.collections.iter().enumerate() {
        let order = sh.c.order.get(ci).map(Vec::as_slice).unwrap_or_default();
        let mut item = json!({
            "collection": coll.name,
            "title": coll.title,
            "count": order.len(),
        });
        if config.export_json {
            let doc = document(sh, coll, order);
            let rel = format!("{EXPORT_DIR}/{}.json", coll.name);
            let schema_rel = format!("{EXPORT_DIR}/{}.schema.json", coll.name);
            let schema =
                crate::publish::schema::export(coll, &format!("{}{schema_rel}", config.base_url));
            item["json"] = json!(config.url(&rel));
            item["schema"] = json!(config.url(&schema_rel));
            // The data compact (a collection of thousands is megabytes),
            // the schema and the index readable.
            let mut text = serde_json::to_string(&doc).unwrap_or_default();
            text.push('\n');
            out.push(OutputFile {
                rel,
                data: Data::Bytes(text.into_bytes()),
            });
            out.push(json_file(schema_rel, &schema));
        }
        if config.export_csv {
            let rel = format!("{EXPORT_DIR}/{}.csv", coll.name);
            item["csv"] = json!(config.url(&rel));
            out.push(OutputFile {
                rel,
                data: Data::Bytes(csv(sh, coll, order)),
            });
        }
        listed.push(item);
    }
    out.push(json_file(
        format!("{EXPORT_DIR}/index.json"),
        &json!({"site": config.title, "base_url": config.base_url, "collections": listed}),
    ));
    out
}

fn json_file(rel: String, v: &Value) -> OutputFile {
    let mut text = serde_json::to_string_pretty(v).unwrap_or_default();
    text.push('\n');
    OutputFile {
        rel,
        data: Data::Bytes(text.into_bytes()),
    }
}

/// `/data/COLLECTION.json`.
fn document(sh: &Shared, coll: &Collection, order: &[usize]) -> Value {
    let site = sh.site;
    let words = super::values::ValueWords::from_words(&sh.c.templates.words);
    let lookup = PageLookup {
        pages: &site.pages,
        index: &site.index,
        fallback_lang: &site.config.default_language,
        words: &words,
    };
    let entries: Vec<Value> = order
        .iter()
        .map(|&i| {
            let p = &site.pages[i];
            let mut fields = Map::new();
            let mut html = Map::new();
            for def in &coll.fields {
                let Some((_, v)) = p.fields.iter().find(|(n, _)| *n == def.name) else {
                    continue;
                };
                let resolved = resolve(def, v, &lookup);
                html.insert(
                    def.name.clone(),
                    json!(format_html(def, &resolved, lookup.words)),
                );
                fields.insert(def.name.clone(), export_value(v, &resolved));
            }
            let day = |d: &Option<crate::content::Date>| d.as_ref().map(|d| d.day().to_string());
            json!({
                "slug": p.slug,
                "title": p.title,
                "url": p.url,
                "permalink": p.permalink,
                "summary": p.summary_text(),
                "tags": p.tags,
                "date": day(&p.date),
                "updated": day(&p.updated),
                "fields": fields,
                "html": html,
            })
        })
        .collect();
    let fields: Vec<Value> = coll
        .fields
        .iter()
        .map(|f| {
            let mut v = json!({"name": f.name, "label": f.label, "type": f.ty});
            if f.ty == FieldType::Enum {
                let labels: Map<String, Value> = f
                    .values
                    .iter()
                    .map(|x| (x.clone(), json!(f.value_label(x))))
                    .collect();
                v["values"] = json!(f.values);
                v["labels"] = Value::Object(labels);
            }
            if let Some(to) = &f.to {
                v["to"] = json!(to);
            }
            if let Some(u) = &f.unit {
                v["unit"] = json!(u);
            }
            v
        })
        .collect();
    json!({
        "collection": coll.name,
        "title": coll.title,
        "url": site.config.url(&format!("{}/", coll.name)),
        "fields": fields,
        "entries": entries,
    })
}

/// A typed value as data: refs as `{slug, title, url}`, the rest as is
/// (a `text` field as its Markdown).
fn export_value(v: &FieldValue, resolved: &super::values::Resolved) -> Value {
    use super::values::Resolved;
    let reference =
        |r: &super::values::RefCtx| json!({"slug": r.slug, "title": r.title, "url": r.url});
    match (v, resolved) {
        (_, Resolved::Ref(r)) => reference(r),
        (_, Resolved::Refs(l)) => Value::Array(l.iter().map(reference).collect()),
        (FieldValue::Text(s), _) => json!(s),
        _ => serde_json::to_value(v).unwrap_or(Value::Null),
    }
}

/// `/data/COLLECTION.csv`: one row per entry, the scalar fields (a ref
/// as its slug, a range as `NAME_min` and `NAME_max`; lists left out).
fn csv(sh: &Shared, coll: &Collection, order: &[usize]) -> Vec<u8> {
    let site = sh.site;
    let mut header: Vec<String> = ["slug", "title", "url", "permalink", "date", "updated"]
        .map(String::from)
        .to_vec();
    for f in &coll.fields {
        match f.ty {
            FieldType::List | FieldType::Refs => {}
            FieldType::Range => {
                header.push(format!("{}_min", f.name));
                header.push(format!("{}_max", f.name));
                header.push(format!("{}_max_open", f.name));
            }
            _ => header.push(f.name.clone()),
        }
    }
    let mut w = csv::Writer::from_writer(Vec::new());
    let _ = w.write_record(&header);
    for &i in order {
        let p = &site.pages[i];
        let day = |d: &Option<crate::content::Date>| {
            d.as_ref().map(|d| d.day().to_string()).unwrap_or_default()
        };
        let mut row = vec![
            p.slug.clone(),
            p.title.clone(),
            p.url.clone(),
            p.permalink.clone(),
            day(&p.date),
            day(&p.updated),
        ];
        for f in &coll.fields {
            let v = p.fields.iter().find(|(n, _)| *n == f.name).map(|(_, v)| v);
            match (f.ty, v) {
                (FieldType::List | FieldType::Refs, _) => {}
                (
                    FieldType::Range,
                    Some(FieldValue::Range {
                        min, max, max_open, ..
                    }),
                ) => {
                    row.push(crate::site::fields::fmt_num(*min));
                    row.push(crate::site::fields::fmt_num(*max));
                    row.push(max_open.to_string());
                }
                (FieldType::Range, _) => row.extend([String::new(), String::new(), String::new()]),
                (_, None) => row.push(String::new()),
                (_, Some(v)) => row.push(match v {
                    FieldValue::String(s) | FieldValue::Text(s) | FieldValue::Ref(s) => s.clone(),
                    FieldValue::Int(n) => n.to_string(),
                    FieldValue::Float(n) => crate::site::fields::fmt_num(*n),
                    FieldValue::Bool(b) => b.to_string(),
                    FieldValue::Date(d) => d.0.clone(),
                    _ => String::new(),
                }),
            }
        }
        let _ = w.write_record(&row);
    }
    w.into_inner().unwrap_or_default()
}
