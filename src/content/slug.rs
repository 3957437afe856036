//! Slugs: the URL-safe names of pages, headings and tags.
//!
//! One function makes them everywhere so that `## Key Stakeholders`, a tag
//! `Key Stakeholders` and a file `key-stakeholders.md` all agree.

/// Lowercases `text`, keeps letters and digits (any script), and turns every
/// run of other characters into a single `-`, trimmed at both ends. The
/// result is in Unicode normal form C, so `café` typed on any system (or a
/// file name stored decomposed, as macOS does) gives the same slug.
pub fn slugify(text: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    let mut out = String::with_capacity(text.len());
    let mut dash = false;
    for c in text.nfc() {
        if c.is_alphanumeric() || c == '_' {
            if dash && !out.is_empty() {
                out.push('-');
            }
            dash = false;
            out.extend(c.to_lowercase());
        } else {
            dash = true;
        }
    }
    out
}

/// Names that Windows refuses as file or folder names.
const WINDOWS_RESERVED: [&str; 22] = [
    "con", "prn", "aux", "nul", "com1", "com2", "com3", "com4", "com5", "com6", "com7", "com8",
    "com9", "lpt1", "lpt2", "lpt3", "lpt4", "lpt5", "lpt6", "lpt7", "lpt8", "lpt9",
];

/// Whether `segment` (a file or folder name) is a device name on Windows
/// hosts, with or without an extension (`con`, `nul.txt`, `COM1`).
pub fn is_windows_reserved(segment: &str) -> bool {
    let stem = segment.split('.').next().unwrap_or_default();
    WINDOWS_RESERVED.contains(&stem.to_ascii_lowercase().as_str())
}

/// Checks a slug given by an author: it must already be in slug form, so
/// that it is one safe path segment on every host.
pub fn check_slug(slug: &str) -> Result<(), String> {
    if slug.is_empty() {
        return Err("slug is empty".into());
    }
    if slugify(slug) != slug {
        return Err(format!(
            "slug `{slug}` must be lowercase letters, digits, `-` and `_` only"
        ));
    }
    if is_windows_reserved(slug) {
        return Err(format!(
            "slug `{slug}` is a reserved file name on Windows hosts"
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugify_headings_and_titles() {
        assert_eq!(slugify("Key Stakeholders"), "key-stakeholders");
        assert_eq!(
            slugify("  PM vs. PO: the (real) difference! "),
            "pm-vs-po-the-real-difference"
        );
        assert_eq!(slugify("Product_Owner"), "product_owner");
        assert_eq!(slugify("Café Crème"), "café-crème");
        assert_eq!(slugify("!!!"), "");
        // Decomposed (e + combining acute) and composed forms agree.
        assert_eq!(slugify("Cafe\u{301}"), "café");
        assert_eq!(slugify("Cafe\u{301}"), slugify("Caf\u{e9}"));
    }

    #[test]
    fn author_slugs_must_be_safe_segments() {
        assert!(check_slug("product-owner").is_ok());
        assert!(check_slug("../../x").is_err());
        assert!(check_slug("a/b").is_err());
        assert!(check_slug("").is_err());
        assert!(check_slug("con").is_err());
        assert!(check_slug("Upper").is_err());
    }
}
