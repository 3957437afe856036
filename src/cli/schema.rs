//! `cairn schema`: a JSON Schema of each collection's front-matter in
//! `.cairn/schema/COLLECTION.json`, and the editor settings that use them.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args;

use super::{RootArg, fail};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::site::data::DataValue;
use crate::site::{BuildOptions, Site};

/// Where the schemas go, under the site root.
pub const SCHEMA_DIR: &str = ".cairn/schema";

/// Flags of `cairn schema`.
#[derive(Debug, Args)]
pub struct SchemaArgs {
    #[command(flatten)]
    root: RootArg,
    /// Also add the `yaml.schemas` settings to `.vscode/settings.json`
    #[arg(long)]
    vscode: bool,
}

pub fn run(a: SchemaArgs) -> ExitCode {
    let root = a.root.root;
    let opts = BuildOptions {
        root: root.clone(),
        ..BuildOptions::default()
    };
    // Content errors do not matter here: the schema comes from site.toml,
    // the slugs from the entries that load.
    let site = match Site::load(&opts) {
        Ok(s) => s,
        Err(ds) => return fail(ds, "schema"),
    };
    let mut written = Vec::new();
    let mut settings: Vec<(String, DataValue)> = Vec::new();
    for coll in &site.config.collections {
        let slugs_of = |to: &str| -> Vec<String> {
            let mut s: Vec<String> = site
                .pages
                .iter()
                .filter(|p| {
                    p.collection() == Some(to)
                        && matches!(p.kind, crate::content::PageKind::Entry(_))
                })
                .map(|p| p.slug.clone())
                .collect();
            s.sort();
            s
        };
        let rel = format!("{SCHEMA_DIR}/{}.json", coll.name);
        let schema = crate::publish::schema::front_matter(coll, &slugs_of);
        let mut text = serde_json::to_string_pretty(&schema).unwrap_or_default();
        text.push('\n');
        if let Err(d) = write(&root, &rel, &text) {
            return fail(one(d), "schema");
        }
        settings.push((
            format!("./{rel}"),
            DataValue::List(vec![DataValue::String(format!(
                "content/{}/*.md",
                coll.name
            ))]),
        ));
        written.push(rel);
    }
    let block = DataValue::Map(settings.clone());
    if a.vscode {
        match add_to_vscode(&root, settings) {
            Ok(rel) => println!("added the `yaml.schemas` settings to `{rel}`"),
            Err(d) => return fail(one(d), "schema"),
        }
    } else {
        let shown = DataValue::Map(vec![("yaml.schemas".to_string(), block)]);
        println!(
            "{}",
            serde_json::to_string_pretty(&shown).unwrap_or_default()
        );
        eprintln!(
            "add these settings to your editor's (VS Code: `.vscode/settings.json`, or run `cairn schema --vscode`)"
        );
    }
    eprintln!(
        "wrote {} schema{} to `{SCHEMA_DIR}/`",
        written.len(),
        super::plural(written.len())
    );
    ExitCode::SUCCESS
}

fn one(d: Diagnostic) -> Diagnostics {
    let mut ds = Diagnostics::new();
    ds.push(d);
    ds
}

fn write(root: &Path, rel: &str, text: &str) -> Result<(), Diagnostic> {
    let path = root.join(rel);
    let parent = path.parent().unwrap_or(root);
    std::fs::create_dir_all(parent)
        .and_then(|()| std::fs::write(&path, text))
        .map_err(|e| Diagnostic::error(PathBuf::from(rel), format!("cannot write: {e}")))
}

/// Sets `yaml.schemas` entries in `.vscode/settings.json`, keeping every
/// other setting and its order. A settings file that is not plain JSON
/// (VS Code allows comments) is left alone, with the settings to add by
/// hand.
fn add_to_vscode(root: &Path, entries: Vec<(String, DataValue)>) -> Result<String, Diagnostic> {
    let rel = ".vscode/settings.json";
    let path = root.join(rel);
    let mut doc = match std::fs::read_to_string(&path) {
        Ok(text) if text.trim().is_empty() => DataValue::Map(Vec::new()),
        Ok(text) => serde_json::from_str::<DataValue>(&text).map_err(|e| {
            let shown = DataValue::Map(vec![(
                "yaml.schemas".to_string(),
                DataValue::Map(entries.clone()),
            )]);
            Diagnostic::error_at(
                rel,
                e.line(),
                e.column(),
                "not plain JSON (comments or trailing commas?); it is left as it is",
            )
            .with_hint(format!(
                "add these settings by hand: {}",
                serde_json::to_string(&shown).unwrap_or_default()
            ))
        })?,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => DataValue::Map(Vec::new()),
        Err(e) => return Err(Diagnostic::error(rel, format!("cannot read: {e}"))),
    };
    let DataValue::Map(top) = &mut doc else {
        return Err(Diagnostic::error(
            rel,
            "is not a JSON object; it is left as it is",
        ));
    };
    let at = match top.iter().position(|(k, _)| k == "yaml.schemas") {
        Some(at) => at,
        None => {
            top.push(("yaml.schemas".to_string(), DataValue::Map(Vec::new())));
            top.len() - 1
        }
    };
    let DataValue::Map(schemas) = &mut top[at].1 else {
        return Err(Diagnostic::error(
            rel,
            "`yaml.schemas` is not an object; it is left as it is",
        ));
    };
    for (k, v) in entries {
        match schemas.iter_mut().find(|(name, _)| *name == k) {
            Some(slot) => slot.1 = v,
            None => schemas.push((k, v)),
        }
    }
    let mut text = serde_json::to_string_pretty(&doc).unwrap_or_default();
    text.push('\n');
    write(root, rel, &text)?;
    Ok(rel.to_string())
}
