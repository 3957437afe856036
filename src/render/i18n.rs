//! The theme's words in the language being built: `i18n/CODE.toml` of the
//! theme, overridden key by key by the site's own `i18n/CODE.toml`. The
//! theme's English file (`i18n/en.toml`) names every key; a key a language
//! lacks shows the default language's text (else the English) and is a
//! warning, so a template never meets a missing word.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::config::Config;
use crate::diagnostics::{Diagnostic, Diagnostics, line_col};

/// The words of one language: key -> a string, or a list of strings
/// (`months`).
pub(crate) type Strings = BTreeMap<String, serde_json::Value>;

/// The language every theme's keys are named in.
const REFERENCE: &str = "en";

/// One `i18n/CODE.toml`: where it is shown from and its text.
struct File {
    shown: PathBuf,
    text: String,
}

/// The theme's file for `code`, on disk or built in.
fn theme_file(config: &Config, code: &str) -> Option<File> {
    let rel = format!("i18n/{code}.toml");
    let dir = config.root.join("themes").join(&config.theme);
    if dir.is_dir() {
        let path = dir.join(&rel);
        let text = std::fs::read_to_string(&path).ok()?;
        return Some(File {
            shown: crate::content::rel_to(&config.root, &path),
            text,
        });
    }
    if config.theme != "default" {
        return None;
    }
    super::templates::embedded_theme()
        .iter()
        .find(|(name, _)| *name == rel)
        .map(|(_, bytes)| File {
            shown: PathBuf::from(format!("themes/default/{rel} (built in)")),
            text: String::from_utf8_lossy(bytes).into_owned(),
        })
}

/// The site's own file for `code`.
fn site_file(config: &Config, code: &str) -> Option<File> {
    let path = config.root.join("i18n").join(format!("{code}.toml"));
    let text = std::fs::read_to_string(&path).ok()?;
    Some(File {
        shown: Path::new("i18n").join(format!("{code}.toml")),
        text,
    })
}

/// Reads one file into `into`; its problems at their line and column.
fn read(file: &File, into: &mut Strings, ds: &mut Diagnostics) {
    let table: toml::Spanned<toml::Table> = match toml::from_str(&file.text) {
        Ok(t) => t,
        Err(e) => {
            let (line, col) = line_col(&file.text, e.span().map_or(0, |s| s.start));
            ds.push(
                Diagnostic::error_at(&file.shown, line, col, e.message().trim().to_string())
                    .with_source(&file.text),
            );
            return;
        }
    };
    for (key, value) in table.into_inner() {
        let at = || {
            file.text
                .lines()
                .position(|l| l.trim_start().starts_with(key.as_str()))
                .map_or(1, |n| n + 1)
        };
        if key == "months" && value.as_array().is_none_or(|m| m.len() != 12) {
            ds.push(
                Diagnostic::error_at(
                    &file.shown,
                    at(),
                    1,
                    "`months` must list the 12 month names, January first",
                )
                .with_source(&file.text),
            );
            continue;
        }
        let v = match value {
            toml::Value::String(s) => serde_json::Value::String(s),
            toml::Value::Array(items) if items.iter().all(toml::Value::is_str) => {
                serde_json::Value::Array(
                    items
                        .into_iter()
                        .filter_map(|i| i.as_str().map(serde_json::Value::from))
                        .collect(),
                )
            }
            _ => {
                ds.push(
                    Diagnostic::error_at(
                        &file.shown,
                        at(),
                        1,
                        format!("`{key}` must be a string (or a list of strings)"),
                    )
                    .with_source(&file.text),
                );
                continue;
            }
        };
        into.insert(key, v);
    }
}

/// The words of `config.language`, with their fallbacks; warnings for the
/// keys the language lacks.
pub(crate) fn strings(config: &Config, ds: &mut Diagnostics) -> Strings {
    // A regional variant takes its language's words (`de-at` those of
    // `de`, `en-gb` the English) unless it has its own.
    let full = config.language.to_ascii_lowercase();
    let primary = full.split('-').next().unwrap_or_default().to_string();
    let code = if theme_file(config, &full).is_some() || site_file(config, &full).is_some() {
        full.as_str()
    } else {
        primary.as_str()
    };
    let mut reference = Strings::new();
    if let Some(f) = theme_file(config, REFERENCE) {
        read(&f, &mut reference, ds);
    }
    let mut own = Strings::new();
    let theme = theme_file(config, code).filter(|_| code != REFERENCE);
    let site = site_file(config, code);
    for f in theme.iter().chain(site.iter()) {
        read(f, &mut own, ds);
    }
    if reference.is_empty() && own.is_empty() {
        return own;
    }
    let mut fallback = Strings::new();
    if config.default_language != code && config.default_language != REFERENCE {
        for f in theme_file(config, &config.default_language)
            .iter()
            .chain(site_file(config, &config.default_language).iter())
        {
            read(f, &mut fallback, &mut Diagnostics::new());
        }
    }
    let missing: Vec<&String> = reference
        .keys()
        .filter(|k| code != REFERENCE && !own.contains_key(*k))
        .collect();
    if !missing.is_empty() {
        let shown: Vec<String> = missing.iter().take(8).map(|k| format!("`{k}`")).collect();
        let more = missing.len().saturating_sub(8);
        let (file, hint) = match (&theme, &site) {
            (_, Some(f)) | (Some(f), None) => (
                f.shown.clone(),
                format!("add the missing keys to `i18n/{code}.toml` at the site root"),
            ),
            (None, None) => (
                PathBuf::from(format!("i18n/{code}.toml")),
                format!(
                    "the theme has no words for `{code}`: copy its `i18n/{REFERENCE}.toml` to `i18n/{code}.toml` at the site root and translate it"
                ),
            ),
        };
        ds.push(
            Diagnostic::error(
                file,
                format!(
                    "no `{code}` text for {}{}; the {} text is shown",
                    shown.join(", "),
                    if more > 0 {
                        format!(" and {more} more")
                    } else {
                        String::new()
                    },
                    if fallback.is_empty() {
                        REFERENCE
                    } else {
                        config.default_language.as_str()
                    }
                ),
            )
            .with_hint(hint)
            .warning(),
        );
    }
    let mut out = reference;
    out.extend(fallback);
    out.extend(own);
    out
}

/// The words the default theme's scripts show (search.js, previews.js,
/// compare.js, theme.js), given to them as one JSON object.
const SCRIPT_KEYS: [&str; 26] = [
    "search",
    "close",
    "results",
    "all_results",
    "page_kind",
    "type_to_search",
    "type_two_letters",
    "results_one",
    "results_other",
    "results_first",
    "open_page",
    "copy",
    "copied",
    "copy_failed",
    "colours_system",
    "colours_light",
    "colours_dark",
    "colours_title",
    "field",
    "not_set",
    "versus",
    "open_comparison",
    "not_in_collection",
    "pick_entries",
    "data_not_loaded",
    "choose_collection_first",
];

/// The `i18n_script` variable: the scripts' words as a JSON object, safe
/// inside `<script type="application/json">`; worked out once per
/// language rather than on every page.
pub(crate) fn script_json(words: &Strings) -> String {
    let picked: serde_json::Map<String, serde_json::Value> = SCRIPT_KEYS
        .iter()
        .filter_map(|k| Some((k.to_string(), words.get(*k)?.clone())))
        .collect();
    crate::html::script_safe(&serde_json::to_string(&picked).unwrap_or_default())
}

/// The name of language `code` in that language (`language_name` of its
/// words), else the code.
pub(crate) fn language_name(config: &Config, code: &str) -> String {
    let mut words = Strings::new();
    for f in theme_file(config, code)
        .iter()
        .chain(site_file(config, code).iter())
    {
        read(f, &mut words, &mut Diagnostics::new());
    }
    words
        .get("language_name")
        .and_then(|v| v.as_str())
        .map_or_else(|| code.to_string(), str::to_string)
}

/// `strftime` with the month names of the language: `%B` and `%b` become
/// the words of `months` before jiff formats the rest.
pub(crate) fn localise_format(format: &str, month: usize, months: &[String]) -> String {
    let Some(name) = months.get(month.wrapping_sub(1)) else {
        return format.to_string();
    };
    let short: String = name.chars().take(3).collect();
    format
        .replace("%B", &name.replace('%', "%%"))
        .replace("%b", &short.replace('%', "%%"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn month_names_follow_the_language() {
        let de: Vec<String> = ["Januar", "Februar", "März"].map(String::from).to_vec();
        assert_eq!(localise_format("%-d. %B %Y", 3, &de), "%-d. März %Y");
        assert_eq!(localise_format("%d %b", 2, &de), "%d Feb");
        assert_eq!(localise_format("%B", 13, &de), "%B");
    }

    #[test]
    fn the_shipped_theme_has_every_word_in_every_language() {
        let mut ds = Diagnostics::new();
        for code in ["en", "de"] {
            let text =
                format!("title = \"T\"\nbase_url = \"https://x.org/\"\nlanguage = \"{code}\"\n");
            let config = Config::parse(&text, Path::new("/nowhere")).unwrap();
            let words = strings(&config, &mut ds);
            assert!(words.contains_key("language_name"), "{code}");
            assert_eq!(words["months"].as_array().map(Vec::len), Some(12), "{code}");
        }
        assert!(ds.is_empty(), "{:?}", ds.sorted());
    }

    /// The shipped languages have the same keys: English names every key
    /// (the manual says so), and German lacks none.
    #[test]
    fn the_shipped_languages_have_the_same_keys() {
        let keys = |code: &str| -> Vec<String> {
            let text =
                format!("title = \"T\"\nbase_url = \"https://x.org/\"\nlanguage = \"{code}\"\n");
            let config = Config::parse(&text, Path::new("/nowhere")).unwrap();
            let file = theme_file(&config, code).unwrap();
            let mut words = Strings::new();
            read(&file, &mut words, &mut Diagnostics::new());
            words.into_keys().collect()
        };
        assert_eq!(keys("en"), keys("de"));
    }
}
