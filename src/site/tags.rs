//! Tags (grouped by slug, with merged spellings reported) and aliases (old
//! URLs that redirect to a page).

use crate::content::Page;
use crate::diagnostics::Diagnostics;

/// A tag and the pages that carry it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TagInfo {
    /// The name as first written (by source path order).
    pub name: String,
    /// The URL segment, `/tags/<slug>/`.
    pub slug: String,
    /// The pages, in source order.
    pub pages: Vec<usize>,
}

/// Groups tags by slug. Tags that differ only in spelling (`Product Owner`,
/// `product-owner`) are merged with a warning; a tag with no letter or digit
/// is an error.
pub(crate) fn collect_tags(pages: &[Page], ds: &mut Diagnostics) -> Vec<TagInfo> {
    let mut by_slug: std::collections::BTreeMap<String, TagInfo> =
        std::collections::BTreeMap::new();
    for (i, p) in pages.iter().enumerate() {
        for (k, name) in p.tags.iter().enumerate() {
            let at = || p.positions().value(&format!("tags/{k}"));
            let slug = crate::content::slug::slugify(name);
            if slug.is_empty() {
                ds.push(p.error_at(
                    at(),
                    format!("tag `{name}` has no letter or digit to make a URL from"),
                ));
                continue;
            }
            let tag = by_slug.entry(slug.clone()).or_insert_with(|| TagInfo {
                name: name.clone(),
                slug: slug.clone(),
                pages: Vec::new(),
            });
            if tag.name != *name {
                ds.push(
                    p.error_at(
                        at(),
                        format!(
                            "tag `{name}` is merged with `{}`: both make `/tags/{slug}/`",
                            tag.name
                        ),
                    )
                    .with_hint(format!("write `{}` everywhere to silence this", tag.name))
                    .warning(),
                );
            }
            if tag.pages.last() != Some(&i) {
                tag.pages.push(i);
            }
        }
    }
    by_slug.into_values().collect()
}

/// The output paths of `aliases`: old URLs that redirect to their page.
pub(crate) fn collect_aliases(pages: &[Page], ds: &mut Diagnostics) -> Vec<(String, usize)> {
    let mut out = Vec::new();
    for (i, p) in pages.iter().enumerate() {
        for (k, alias) in p.aliases.iter().enumerate() {
            let at = || p.positions().value(&format!("aliases/{k}"));
            match alias_path(alias) {
                Ok(rel) => out.push((rel, i)),
                Err(m) => ds.push(p.error_at(at(), format!("alias `{alias}` {m}"))),
            }
        }
    }
    out
}

/// `/old/path/` -> `old/path/index.html`; `/old.html` stays a file.
pub fn alias_path(alias: &str) -> Result<String, String> {
    let trimmed = alias.trim().trim_start_matches('/');
    if trimmed.is_empty() {
        return Err("is the site root".into());
    }
    if trimmed.contains(['\\', '\0', '?', '#', ':']) || trimmed.chars().any(char::is_control) {
        return Err("must be a plain path like `/old/page/`".into());
    }
    let segments: Vec<&str> = trimmed.trim_end_matches('/').split('/').collect();
    if segments
        .iter()
        .any(|s| s.is_empty() || *s == "." || *s == "..")
    {
        return Err("must not contain empty, `.` or `..` segments".into());
    }
    if let Some(s) = segments.iter().find(|s| s.starts_with('.')) {
        return Err(format!(
            "must not lead into a hidden folder or file like `{s}` (`.git` is never written)"
        ));
    }
    if let Some(s) = segments
        .iter()
        .find(|s| crate::content::slug::is_windows_reserved(s))
    {
        return Err(format!("uses `{s}`, a reserved file name on Windows hosts"));
    }
    let joined = segments.join("/");
    Ok(if trimmed.ends_with(".html") {
        joined
    } else {
        format!("{joined}/index.html")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alias_paths() {
        assert_eq!(alias_path("/old/po/").unwrap(), "old/po/index.html");
        assert_eq!(alias_path("old/po").unwrap(), "old/po/index.html");
        assert_eq!(alias_path("/legacy.html").unwrap(), "legacy.html");
        assert!(alias_path("/").is_err());
        assert!(alias_path("/../x/").is_err());
        assert!(alias_path("/a//b/").is_err());
        assert!(alias_path("https://x.org/").is_err());
        assert!(alias_path("/.git/hooks/").is_err());
        assert!(alias_path("/docs/.env").is_err());
        assert!(alias_path("/old/con/").is_err());
        assert!(alias_path("/nul.html").is_err());
        assert_eq!(alias_path("/console/").unwrap(), "console/index.html");
    }
}
