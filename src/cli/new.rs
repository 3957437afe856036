//! `cairn new COLLECTION "Title"`: a new entry with every declared field.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

use super::{RootArg, fail};
use crate::config::{Collection, Config, FieldDef, FieldType, SortBy};
use crate::content::slug::slugify;
use crate::diagnostics::{Diagnostic, Diagnostics, did_you_mean};

/// Flags of `cairn new`.
#[derive(Debug, Args)]
pub struct NewArgs {
    /// The collection to add an entry to
    collection: String,
    /// The entry's title; its slug becomes the file name
    title: String,
    #[command(flatten)]
    root: RootArg,
}

pub fn run(a: NewArgs) -> ExitCode {
    let config = match Config::load(&a.root.root) {
        Ok(c) => c,
        Err(ds) => return fail(ds, "new"),
    };
    match create(&config, &a.collection, &a.title) {
        Ok(rel) => {
            let has_fields = config
                .collection(&a.collection)
                .is_some_and(|c| !c.fields.is_empty());
            let what = if has_fields {
                "fill in its fields and write its text"
            } else {
                "write its text"
            };
            println!(
                "created `{}`; {what}, then run `cairn check`",
                rel.display()
            );
            ExitCode::SUCCESS
        }
        Err(d) => {
            let mut ds = Diagnostics::new();
            ds.push(d);
            fail(ds, "new")
        }
    }
}

/// Writes the new entry and returns its path relative to the root.
pub fn create(config: &Config, collection: &str, title: &str) -> Result<PathBuf, Diagnostic> {
    let Some(coll) = config.collection(collection) else {
        let names = config.collections.iter().map(|c| c.name.as_str());
        let mut d = Diagnostic::error(
            crate::config::CONFIG_FILE,
            format!("no collection `{collection}` in site.toml"),
        );
        if let Some(s) = did_you_mean(collection, names) {
            d = d.with_hint(format!("did you mean `{s}`?"));
        }
        return Err(d);
    };
    let slug = slugify(title);
    if slug.is_empty() {
        return Err(Diagnostic::error(
            format!("content/{collection}"),
            format!("title `{title}` gives an empty slug"),
        )
        .with_hint("use a title with at least one letter or digit"));
    }
    if crate::content::slug::is_windows_reserved(&slug) {
        return Err(Diagnostic::error(
            format!("content/{collection}"),
            format!(
                "title `{title}` gives the slug `{slug}`, a reserved file name on Windows hosts"
            ),
        )
        .with_hint(
            "use a longer title, or create the file by hand with another name and `title:`",
        ));
    }
    let rel = PathBuf::from("content")
        .join(collection)
        .join(format!("{slug}.md"));
    let path = config.root.join(&rel);
    if path.exists() {
        return Err(
            Diagnostic::error(&rel, "already exists; cairn new never overwrites a file")
                .with_hint("pick another title, or edit the existing file"),
        );
    }
    let mut text = scaffold(config, coll, title, &crate::content::today());
    // After `cairn schema`: editors running yaml-language-server check the
    // front-matter against the collection's schema.
    let schema = format!("{}/{collection}.json", super::schema::SCHEMA_DIR);
    if config.root.join(&schema).is_file() {
        text.insert_str(
            4,
            &format!("# yaml-language-server: $schema=../../{schema}\n"),
        );
    }
    let write = || -> std::io::Result<()> {
        std::fs::create_dir_all(path.parent().expect("content path has a parent"))?;
        // `create_new` so that a file appearing meanwhile is not overwritten.
        use std::io::Write;
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)?;
        f.write_all(text.as_bytes())
    };
    write().map_err(|e| Diagnostic::error(&rel, format!("cannot write: {e}")))?;
    Ok(rel)
}

/// A YAML double-quoted string.
fn quote(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c if c.is_control() => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn example_slugs(config: &Config, to: &str) -> Vec<String> {
    let mut stems: Vec<String> = std::fs::read_dir(config.root.join("content").join(to))
        .map(|rd| {
            rd.flatten()
                .filter_map(|e| {
                    e.file_name()
                        .to_str()
                        .and_then(|n| n.strip_suffix(".md"))
                        .map(str::to_string)
                })
                .filter(|n| n != "_index")
                .collect()
        })
        .unwrap_or_default();
    stems.sort();
    stems.truncate(2);
    stems
}

fn placeholder(config: &Config, def: &FieldDef) -> String {
    let examples = |to: &Option<String>| {
        let to = to.as_deref().unwrap_or_default();
        let ex = example_slugs(config, to);
        (to.to_string(), ex)
    };
    match def.ty {
        FieldType::String => "string".into(),
        FieldType::Text => "text, inline Markdown allowed".into(),
        FieldType::Int => "whole number".into(),
        FieldType::Float => "number".into(),
        FieldType::Bool => "true or false".into(),
        FieldType::Date => "date, YYYY-MM-DD".into(),
        FieldType::Url => "URL, https://...".into(),
        FieldType::List => "list of strings: [first, second]".into(),
        FieldType::Enum => format!("one of: {}", def.values.join(", ")),
        FieldType::Ref => {
            let (to, ex) = examples(&def.to);
            match ex.first() {
                Some(e) => format!("slug of an entry of `{to}`, e.g. {e}"),
                None => format!("slug of an entry of `{to}`"),
            }
        }
        FieldType::Refs => {
            let (to, ex) = examples(&def.to);
            if ex.is_empty() {
                format!("list of slugs of entries of `{to}`")
            } else {
                format!(
                    "list of slugs of entries of `{to}`, e.g. [{}]",
                    ex.join(", ")
                )
            }
        }
        FieldType::Range => format!(
            "range: {{ min: 90000, max: 120000 }}{}",
            def.unit
                .as_ref()
                .map(|u| format!(" in {u}"))
                .unwrap_or_default()
        ),
    }
}

/// The text of a new entry: required fields first, each with a comment
/// saying what to write; every placeholder is empty (YAML null), which
/// `cairn check` reports for required fields until they are filled.
pub fn scaffold(config: &Config, coll: &Collection, title: &str, today: &str) -> String {
    let mut out = format!("---\ntitle: {}\n", quote(title));
    if coll.sort_by == SortBy::Date {
        out.push_str(&format!("date: {today}\n"));
    }
    let width = coll.fields.iter().map(|f| f.name.len()).max().unwrap_or(0) + 1;
    let mut section = |required: bool, heading: &str| {
        let fields: Vec<&FieldDef> = coll
            .fields
            .iter()
            .filter(|f| f.required == required)
            .collect();
        if fields.is_empty() {
            return;
        }
        out.push_str(heading);
        for f in fields {
            let key = format!("{}:", f.name);
            out.push_str(&format!(
                "{key:<width$}   # {}\n",
                placeholder(config, f),
                width = width
            ));
        }
    };
    section(true, "# Required: fill in every field below.\n");
    section(false, "# Optional: leave a field empty to omit it.\n");
    out.push_str("---\n\nWrite the page here.\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scaffold_lists_required_fields_first() {
        let config = Config::parse(
            "title = \"T\"\nbase_url = \"https://x.org/\"\n[collections.roles.fields]\nteam = { type = \"list\" }\nsummary = { type = \"string\", required = true }\ntrack = { type = \"enum\", values = [\"a\", \"b\"] }\n",
            std::path::Path::new("/nonexistent"),
        )
        .unwrap();
        let text = scaffold(&config, &config.collections[0], "Say \"hi\"", "2026-01-01");
        assert_eq!(
            text,
            "---\ntitle: \"Say \\\"hi\\\"\"\n# Required: fill in every field below.\nsummary:   # string\n# Optional: leave a field empty to omit it.\nteam:      # list of strings: [first, second]\ntrack:     # one of: a, b\n---\n\nWrite the page here.\n"
        );
    }
}
