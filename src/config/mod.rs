//! `site.toml`: read the raw file with serde, then resolve it into a checked
//! [`Config`] (absolute paths, a normalised base URL, collections in
//! declaration order, field schemas with the place each was declared).
//!
//! Parsing is split from reading ([`Config::parse`] vs [`Config::load`]) so
//! the unit tests never touch the disk. Every problem is reported at its line
//! and column in `site.toml`, all of them in one pass.

mod images;
mod languages;
mod raw;
mod schema;

use std::path::{Path, PathBuf};

pub use images::{DEFAULT_SIZES, DEFAULT_WIDTHS, ImageSettings};
pub use languages::{LangCollection, LangField, Language, comparison_name, is_language_code};
pub use schema::{
    BUILTIN_KEYS, ChartDef, ChartKind, Collection, ComparisonDef, DataSchema, FieldDef, FieldType,
    Pos, SortBy,
};

use crate::diagnostics::{Diagnostic, Diagnostics};
use raw::RawConfig;
use schema::Resolver;

/// The name of the configuration file at the site root.
pub const CONFIG_FILE: &str = "site.toml";

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
    /// Language code for `<html lang>`: the default language, or the
    /// language this configuration builds (see [`Config::for_language`]).
    pub language: String,
    /// The site's default language (`language` of site.toml).
    pub default_language: String,
    /// `[languages.CODE]`: the other languages, in declaration order.
    pub languages: Vec<Language>,
    /// `CODE/` for a language besides the default, where its pages go;
    /// empty for the default language.
    pub lang_prefix: String,
    /// The site's root URL (`base_url` of site.toml), which `base_url`
    /// is for the default language; theme files and assets are there.
    pub root_url: String,
    /// The path part of `root_url`.
    pub root_path: String,
    /// Theme name under `themes/`.
    pub theme: String,
    /// Output folder (absolute).
    pub output_dir: PathBuf,
    /// Whether to build the search index.
    pub search: bool,
    /// Whether links to entries carry what a preview card shows (kind and
    /// summary) for the theme's link previews.
    pub previews: bool,
    /// Where a page's source can be edited: a URL with `{path}` (the
    /// source file relative to the site root), or a prefix it is added to.
    pub edit_url: Option<String>,
    /// Whether a page without `updated` takes its file's last commit date.
    pub updated_from_git: bool,
    /// Typed collections in declaration order.
    pub collections: Vec<Collection>,
    /// `[[comparisons]]` blocks, checked against the schema; their items
    /// are checked once the content is loaded.
    pub comparisons: Vec<ComparisonDef>,
    /// `[[charts]]` blocks, checked against the schema.
    pub charts: Vec<ChartDef>,
    /// `[data.NAME]` schemas of data files.
    pub data: Vec<DataSchema>,
    /// `[export] json`: every collection also as `/data/NAME.json` with
    /// its JSON Schema.
    pub export_json: bool,
    /// `[export] csv`: the scalar fields of every collection as
    /// `/data/NAME.csv`.
    pub export_csv: bool,
    /// `[images]`: how images are resized, and whether pages get share
    /// cards.
    pub images: ImageSettings,
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
        let mut r = Resolver {
            text,
            ds: Diagnostics::new(),
        };
        let raw: RawConfig = match toml::from_str(text) {
            Ok(raw) => raw,
            Err(e) => {
                let pos = r.at(e.span().unwrap_or(0..0));
                let msg = e.message().trim_end_matches('\n').replace('\n', "; ");
                let mut d = r.err(pos, msg.clone());
                if msg.starts_with("unknown field") {
                    d = d.with_hint(
                        "see the site.toml guide of the manual (docs/content/guides/site-toml.md)",
                    );
                }
                r.ds.push(d);
                return Err(r.ds);
            }
        };
        let (base_url, base_path) = match normalize_base_url(raw.base_url.get_ref()) {
            Ok(v) => v,
            Err(msg) => {
                let d = r.err(r.at(raw.base_url.span()), msg);
                r.ds.push(d);
                (String::new(), "/".into())
            }
        };
        let edit_url = raw
            .edit_url
            .as_ref()
            .and_then(|u| match check_edit_url(u.get_ref()) {
                Ok(v) => Some(v),
                Err(msg) => {
                    let d = r.err(r.at(u.span()), msg);
                    r.ds.push(d);
                    None
                }
            });
        let collections = r.collections(&raw.collections);
        let comparisons = r.comparisons(&raw.comparisons, &collections);
        let charts = r.charts(&raw.charts, &collections);
        let data = r.data(&raw.data, &collections);
        let languages = r.languages(
            &raw.languages,
            &raw.language,
            &collections,
            &comparisons,
            &charts,
        );
        let images = r.images(&raw.images);
        let theme = raw.theme.get_ref().clone();
        if !is_safe_segment(&theme) {
            let d = r.err(
                r.at(raw.theme.span()),
                format!("theme name `{theme}` must be a plain folder name"),
            );
            r.ds.push(d);
        }
        if r.ds.has_errors() {
            return Err(r.ds);
        }
        Ok(Config {
            root: root.to_path_buf(),
            title: raw.title,
            root_url: base_url.clone(),
            root_path: base_path.clone(),
            base_url,
            base_path,
            description: raw.description,
            default_language: raw.language.clone(),
            language: raw.language,
            languages,
            lang_prefix: String::new(),
            theme,
            output_dir: root.join(raw.output_dir),
            search: raw.search,
            previews: raw.previews,
            edit_url,
            updated_from_git: raw.updated_from_git,
            collections,
            comparisons,
            charts,
            data,
            export_json: raw.export.json,
            export_csv: raw.export.csv,
            images,
            extra: raw.extra,
            source: text.to_string(),
        })
    }

    /// Replaces the base URL (the `--base-url` flag).
    pub fn set_base_url(&mut self, url: &str) -> Result<(), String> {
        let (base_url, base_path) = normalize_base_url(url)?;
        self.base_url = format!("{base_url}{}", self.lang_prefix);
        self.base_path = format!("{base_path}{}", self.lang_prefix);
        self.root_url = base_url;
        self.root_path = base_path;
        Ok(())
    }

    /// The root-relative URL of the output path `path` (`roles/pm/` ->
    /// `/sub/roles/pm/` under a base URL with a path).
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base_path)
    }

    /// The collection called `name`.
    pub fn collection(&self, name: &str) -> Option<&Collection> {
        self.collections.iter().find(|c| c.name == name)
    }
}

/// Checks `edit_url`: an absolute http(s) URL; without `{path}` the
/// source path is added after it, so it gets a `/` at the end.
fn check_edit_url(url: &str) -> Result<String, String> {
    let url = url.trim();
    if !(url.starts_with("https://") || url.starts_with("http://")) {
        return Err(format!(
            "`edit_url` must start with `https://` or `http://`, got `{url}`"
        ));
    }
    if url.contains(char::is_whitespace) {
        return Err(format!("`edit_url` `{url}` contains a space"));
    }
    Ok(if url.contains("{path}") || url.ends_with('/') {
        url.to_string()
    } else {
        format!("{url}/")
    })
}

impl Config {
    /// Where the page from `source` (relative to the site root) can be
    /// edited, when `edit_url` is set.
    pub fn edit_url_of(&self, source: &std::path::Path) -> Option<String> {
        let pattern = self.edit_url.as_ref()?;
        let path: Vec<String> = source
            .components()
            .map(|c| crate::html::urlencode(&c.as_os_str().to_string_lossy()))
            .collect();
        let path = path.join("/");
        Some(if pattern.contains("{path}") {
            pattern.replace("{path}", &path)
        } else {
            format!("{pattern}{path}")
        })
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
    fn enum_labels_must_name_declared_values() {
        let head = "title = \"T\"\nbase_url = \"https://x.org/\"\n[collections.roles.fields]\n";
        let c = parse(&format!(
            "{head}track = {{ type = \"enum\", values = [\"strategy\", \"b2b\"], labels = {{ b2b = \"B2B\" }} }}\n"
        ))
        .unwrap();
        let track = &c.collections[0].fields[0];
        assert_eq!(track.value_label("b2b"), "B2B");
        assert_eq!(track.value_label("strategy"), "Strategy");
        assert_eq!(
            parse(&format!(
                "{head}track = {{ type = \"enum\", values = [\"strategy\"], labels = {{ stratgy = \"S\" }} }}\nyears = {{ type = \"int\", labels = {{ a = \"b\" }} }}\n"
            ))
            .unwrap_err(),
            [
                "site.toml:4:58: `labels` names `stratgy`, which is not one of the values of `track` (did you mean `strategy`?)",
                "site.toml:5:34: `labels` only applies to `enum` fields",
            ]
        );
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
