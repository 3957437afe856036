//! Translations: `content/roles/pm.de.md` is the German translation of
//! `content/roles/pm.md` in a site that declares `[languages.de]`.

use std::path::{Path, PathBuf};

use super::{Page, Parsed, parse_page_lenient};
use crate::config::Config;

/// Whether the content file `rel` is a translation (`roles/pm.de.md`): its
/// language and the path of the page it translates (`roles/pm.md`). Only a
/// site with `[languages]` has translations; there a language suffix that
/// is not declared is an error (message, hint).
pub fn translation_of<'c>(
    rel: &Path,
    config: &'c Config,
) -> Result<Option<(&'c str, PathBuf)>, (String, String)> {
    if !config.is_multilingual() {
        return Ok(None);
    }
    let Some(stem) = rel
        .file_name()
        .and_then(|f| f.to_str()?.strip_suffix(".md"))
    else {
        return Ok(None);
    };
    let Some((base, code)) = stem.rsplit_once('.') else {
        return Ok(None);
    };
    if !crate::config::is_language_code(code) || base.is_empty() {
        return Ok(None);
    }
    let original = rel.with_file_name(format!("{base}.md"));
    if code == config.default_language {
        return Err((
            format!("`{code}` is the default language: its pages have no language suffix"),
            format!("rename the file `{}`", original.display()),
        ));
    }
    match config.languages.iter().find(|l| l.code == code) {
        Some(l) => Ok(Some((l.code.as_str(), original))),
        None => {
            let declared: Vec<String> = config
                .language_codes()
                .iter()
                .map(|c| format!("`{c}`"))
                .collect();
            Err((
                format!(
                    "`{code}` is not a language of this site (it has {})",
                    declared.join(", ")
                ),
                format!("declare `[languages.{code}]` in site.toml, or rename the file"),
            ))
        }
    }
}

/// The message for a page without `title`.
pub(super) const NO_TITLE: &str = "missing `title` in front-matter";

/// Parses a translation: routed like the page it translates (`original`,
/// under `content/`), with its own `slug` if it sets one; a title it does
/// not set comes from the original (see `site`), left empty here.
pub(super) fn parse_translation(
    source: &Path,
    original: &Path,
    code: &str,
    text: String,
    names: &[&str],
) -> Parsed {
    let (mut page, mut diags) = parse_page_lenient(source, original, text, names)?;
    let before = diags.len();
    diags.retain(|d| d.message != NO_TITLE);
    if diags.len() < before {
        page.title = String::new();
    }
    page.lang = Some(code.to_string());
    page.original = Some(Path::new("content").join(original));
    Ok((page, diags))
}

impl Page {
    /// What another language's site keeps of this page where it has no
    /// translation of it (see `site::languages`): where it is and what it
    /// is called, without its text, tags, aliases, raw fields or `extra`,
    /// which stay with this language.
    pub fn fallback_copy(&self) -> Page {
        Page {
            source: self.source.clone(),
            text: String::new(),
            kind: self.kind.clone(),
            slug: self.slug.clone(),
            path: self.path.clone(),
            url: self.url.clone(),
            permalink: self.permalink.clone(),
            title: self.title.clone(),
            description: self.description.clone(),
            date: self.date.clone(),
            updated: self.updated.clone(),
            draft: self.draft,
            weight: self.weight,
            tags: Vec::new(),
            aliases: Vec::new(),
            terms: self.terms.clone(),
            autolink: self.autolink,
            image: self.image.clone(),
            template: self.template.clone(),
            extra: super::Value::Null,
            fields: Vec::new(),
            body_offset: self.body_offset,
            body_line: self.body_line,
            positions: std::sync::OnceLock::new(),
            released: None,
            lang: self.lang.clone(),
            original: self.original.clone(),
        }
    }
}
