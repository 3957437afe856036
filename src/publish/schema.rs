//! JSON Schemas (draft 2020-12) from the typed collections: one of each
//! collection's front-matter, for editors that check YAML while it is
//! typed (`cairn schema`), and one of each collection's JSON export
//! (`[export] json`).

use serde_json::{Map, Value, json};

use crate::config::{Collection, FieldDef, FieldType};

/// The draft every schema declares.
pub const DRAFT: &str = "https://json-schema.org/draft/2020-12/schema";

/// What a field's description says: its label, its help text and its
/// type in words.
fn describe(def: &FieldDef) -> String {
    let mut out = format!("{} ({})", def.label, crate::site::fields::type_desc(def));
    if let Some(h) = &def.help {
        out.push_str(": ");
        out.push_str(h);
    }
    if def.ty == FieldType::Enum && !def.labels.is_empty() {
        let shown: Vec<String> = def
            .values
            .iter()
            .map(|v| format!("{v} ({})", def.value_label(v)))
            .collect();
        out.push_str(&format!(". One of: {}", shown.join(", ")));
    }
    if let Some(unit) = &def.unit {
        out.push_str(&format!(". Unit: {unit}"));
    }
    out
}

/// A `YYYY-MM-DD` day (`format: date`), or a date and time.
fn date() -> Value {
    json!({
        "type": "string",
        "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}([T ].+)?$",
        "anyOf": [{"format": "date"}, {"format": "date-time"}]
    })
}

fn strings() -> Value {
    json!({"type": "array", "items": {"type": "string"}})
}

/// The schema of one typed field's value. In front-matter a `ref` is a
/// slug of `slugs` (the target collection's entries); in the export it is
/// `{slug, title, url}`.
fn field_value(def: &FieldDef, slugs: Option<&[String]>, export: bool) -> Value {
    let slug = || match slugs {
        Some(s) => json!({"type": "string", "enum": s}),
        None => json!({"type": "string"}),
    };
    let mut v = match def.ty {
        FieldType::String | FieldType::Text => json!({"type": "string"}),
        FieldType::Int => json!({"type": "integer"}),
        FieldType::Float => json!({"type": "number"}),
        FieldType::Bool => json!({"type": "boolean"}),
        FieldType::Date => date(),
        FieldType::Url => json!({"type": "string", "anyOf": [
            {"pattern": "^[hH][tT][tT][pP][sS]?://[^/\\s]\\S*$"},
            {"pattern": "^mailto:\\S+$"},
            {"pattern": "^/([^/\\s]\\S*)?$"}
        ]}),
        FieldType::List => strings(),
        FieldType::Enum => json!({"type": "string", "enum": def.values}),
        FieldType::Ref if export => json!({"$ref": "#/$defs/ref"}),
        FieldType::Ref => slug(),
        FieldType::Refs if export => json!({"type": "array", "items": {"$ref": "#/$defs/ref"}}),
        FieldType::Refs => json!({"type": "array", "items": slug()}),
        FieldType::Range => json!({
            "type": "object",
            "properties": {
                "min": {"type": "number"},
                "max": if export {
                    json!({"type": "number"})
                } else {
                    json!({"anyOf": [{"type": "number"}, {"type": "string", "pattern": "^[0-9]+(\\.[0-9]+)?\\+$"}]})
                },
                "max_open": {"type": "boolean"},
                "unit": if export { json!({"type": ["string", "null"]}) } else { json!({"type": "string"}) }
            },
            "required": ["min", "max"],
            "additionalProperties": false
        }),
    };
    if def.required && !export {
        match def.ty {
            FieldType::String | FieldType::Text => {
                v["minLength"] = json!(1);
            }
            FieldType::List | FieldType::Refs => {
                v["minItems"] = json!(1);
            }
            _ => {}
        }
    }
    v["title"] = json!(def.label);
    v["description"] = json!(describe(def));
    v
}

/// The built-in front-matter keys every page may use.
fn builtins() -> Vec<(&'static str, Value)> {
    vec![
        (
            "title",
            json!({"type": "string", "minLength": 1, "description": "The page's title"}),
        ),
        (
            "description",
            json!({"type": "string", "description": "One or two sentences for search engines and previews"}),
        ),
        ("date", {
            let mut d = date();
            d["description"] = json!("Publication day (YYYY-MM-DD); a later day is scheduled");
            d
        }),
        ("updated", {
            let mut d = date();
            d["description"] = json!("Day of the last real change (YYYY-MM-DD)");
            d
        }),
        (
            "draft",
            json!({"type": "boolean", "description": "Left out unless built with --drafts"}),
        ),
        (
            "slug",
            json!({"type": "string", "description": "The last URL segment, instead of the file name"}),
        ),
        (
            "weight",
            json!({"type": "integer", "description": "Order in collections sorted by weight"}),
        ),
        ("tags", {
            let mut s = strings();
            s["description"] = json!("Tags, each with a page under /tags/");
            s
        }),
        ("aliases", {
            let mut s = strings();
            s["description"] = json!("Old URLs that redirect here");
            s
        }),
        (
            "template",
            json!({"type": "string", "description": "A template instead of the collection's"}),
        ),
        (
            "extra",
            json!({"type": "object", "description": "Free-form data for templates"}),
        ),
        ("terms", {
            let mut s = strings();
            s["description"] = json!("Glossary synonyms and abbreviations that auto-link here");
            s
        }),
        (
            "autolink",
            json!({"type": "boolean", "description": "false: no glossary auto-links in this page"}),
        ),
    ]
}

/// The JSON Schema of the front-matter of `coll`'s entries. `slugs_of`
/// gives the entries of a collection, for the slugs a `ref` may name.
pub fn front_matter(coll: &Collection, slugs_of: &dyn Fn(&str) -> Vec<String>) -> Value {
    let mut props = Map::new();
    for (k, v) in builtins() {
        props.insert(k.to_string(), v);
    }
    let mut required = vec![json!("title")];
    for f in &coll.fields {
        let slugs = f.to.as_deref().map(slugs_of);
        let mut v = field_value(f, slugs.as_deref(), false);
        if f.required {
            required.push(json!(f.name));
        } else {
            // An optional field left empty (`focus:`, as `cairn new`
            // writes it) is unset, not wrong.
            let (title, description) = (v["title"].take(), v["description"].take());
            if let Value::Object(m) = &mut v {
                m.remove("title");
                m.remove("description");
            }
            v = json!({"anyOf": [v, {"type": "null"}], "title": title, "description": description});
        }
        props.insert(f.name.clone(), v);
    }
    json!({
        "$schema": DRAFT,
        "title": format!("Front-matter of an entry of {}", coll.title),
        "description": format!("The keys of content/{}/*.md: cairn's built-in keys and the fields `[collections.{}.fields]` declares in site.toml.", coll.name, coll.name),
        "type": "object",
        "properties": props,
        "required": required,
        "additionalProperties": false
    })
}

/// The JSON Schema of `/data/COLLECTION.json`.
pub fn export(coll: &Collection, id: &str) -> Value {
    let mut fields = Map::new();
    for f in &coll.fields {
        fields.insert(f.name.clone(), field_value(f, None, true));
    }
    let day = json!({"type": ["string", "null"], "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"});
    json!({
        "$schema": DRAFT,
        "$id": id,
        "title": format!("{} as data", coll.title),
        "description": format!("Every published entry of the collection `{}`, with its typed fields; written by cairn with `[export] json = true`.", coll.name),
        "type": "object",
        "properties": {
            "collection": {"const": coll.name},
            "title": {"type": "string"},
            "url": {"type": "string"},
            "fields": {
                "description": "The declared fields, in order: name, label, type and options",
                "type": "array",
                "items": {"type": "object", "required": ["name", "label", "type"]}
            },
            "entries": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "slug": {"type": "string"},
                        "title": {"type": "string"},
                        "url": {"type": "string", "description": "Root-relative, with the base URL's path"},
                        "permalink": {"type": "string", "description": "Absolute"},
                        "summary": {"type": ["string", "null"]},
                        "tags": strings(),
                        "date": day,
                        "updated": day,
                        "fields": {
                            "type": "object",
                            "properties": fields,
                            "additionalProperties": false
                        },
                        "html": {
                            "description": "Each set field as the site shows it (HTML)",
                            "type": "object",
                            "additionalProperties": {"type": "string"}
                        }
                    },
                    "required": ["slug", "title", "url", "permalink", "summary", "tags", "date", "updated", "fields", "html"],
                    "additionalProperties": false
                }
            }
        },
        "required": ["collection", "title", "url", "fields", "entries"],
        "additionalProperties": false,
        "$defs": {
            "ref": {
                "type": "object",
                "properties": {
                    "slug": {"type": "string"},
                    "title": {"type": "string"},
                    "url": {"type": "string"}
                },
                "required": ["slug", "title", "url"],
                "additionalProperties": false
            }
        }
    })
}
