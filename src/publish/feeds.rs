//! The sitemap, robots.txt and the Atom feed.

use crate::html::xml_escape;

/// One page of the sitemap.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SitemapEntry {
    /// Absolute URL.
    pub loc: String,
    /// `YYYY-MM-DD`, from `updated` or `date`.
    pub lastmod: Option<String>,
    /// The page in every language that has it, `x-default` last:
    /// (hreflang, absolute URL); empty for a site in one language.
    pub alternates: Vec<(String, String)>,
}

/// `sitemap.xml` (sitemaps.org protocol 0.9).
pub fn sitemap(entries: &[SitemapEntry]) -> String {
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\"",
    );
    // Translations as Google reads them: `xhtml:link rel="alternate"`.
    if entries.iter().any(|e| !e.alternates.is_empty()) {
        out.push_str(" xmlns:xhtml=\"http://www.w3.org/1999/xhtml\"");
    }
    out.push_str(">\n");
    for e in entries {
        out.push_str("  <url>\n    <loc>");
        out.push_str(&xml_escape(&e.loc));
        out.push_str("</loc>\n");
        if let Some(d) = &e.lastmod {
            out.push_str("    <lastmod>");
            out.push_str(&xml_escape(d));
            out.push_str("</lastmod>\n");
        }
        for (lang, href) in &e.alternates {
            out.push_str(&format!(
                "    <xhtml:link rel=\"alternate\" hreflang=\"{}\" href=\"{}\"/>\n",
                xml_escape(lang),
                xml_escape(href)
            ));
        }
        out.push_str("  </url>\n");
    }
    out.push_str("</urlset>\n");
    out
}

/// `robots.txt`, pointing at the sitemap.
pub fn robots(base_url: &str) -> String {
    format!("User-agent: *\nAllow: /\n\nSitemap: {base_url}sitemap.xml\n")
}

/// One entry of the Atom feed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedEntry {
    /// Title.
    pub title: String,
    /// Absolute URL (also the entry's id).
    pub url: String,
    /// Publication date, `YYYY-MM-DD` or RFC 3339.
    pub published: String,
    /// Last update, `YYYY-MM-DD` or RFC 3339.
    pub updated: String,
    /// A plain-text summary.
    pub summary: String,
    /// The collection's title, as the category.
    pub category: Option<String>,
}

/// A date as RFC 3339: `2024-03-05` becomes `2024-03-05T00:00:00Z`; a
/// datetime without an offset gets `Z`.
pub fn rfc3339(date: &str) -> String {
    if date.len() == 10 {
        return format!("{date}T00:00:00Z");
    }
    let t = date.replacen(' ', "T", 1);
    let has_offset = t.ends_with('Z') || t[10..].contains('+') || t[11..].contains('-');
    if has_offset { t } else { format!("{t}Z") }
}

/// How many entries the feed lists.
pub const FEED_SIZE: usize = 20;

/// `atom.xml` (RFC 4287) over the newest entries. `entries` must already be
/// sorted newest first and cut to size.
pub fn atom(title: &str, subtitle: &str, base_url: &str, entries: &[FeedEntry]) -> String {
    let updated = entries
        .iter()
        .map(|e| rfc3339(&e.updated))
        .max()
        .unwrap_or_else(|| "1970-01-01T00:00:00Z".to_string());
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">\n",
    );
    out.push_str(&format!("  <title>{}</title>\n", xml_escape(title)));
    if !subtitle.is_empty() {
        out.push_str(&format!(
            "  <subtitle>{}</subtitle>\n",
            xml_escape(subtitle)
        ));
    }
    out.push_str(&format!("  <id>{}</id>\n", xml_escape(base_url)));
    out.push_str(&format!(
        "  <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n",
        xml_escape(base_url)
    ));
    out.push_str(&format!(
        "  <link rel=\"self\" type=\"application/atom+xml\" href=\"{}atom.xml\"/>\n",
        xml_escape(base_url)
    ));
    out.push_str(&format!("  <updated>{updated}</updated>\n"));
    out.push_str(&format!(
        "  <author><name>{}</name></author>\n",
        xml_escape(title)
    ));
    out.push_str("  <generator>cairn</generator>\n");
    for e in entries {
        out.push_str("  <entry>\n");
        out.push_str(&format!("    <title>{}</title>\n", xml_escape(&e.title)));
        out.push_str(&format!("    <id>{}</id>\n", xml_escape(&e.url)));
        out.push_str(&format!(
            "    <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n",
            xml_escape(&e.url)
        ));
        out.push_str(&format!(
            "    <published>{}</published>\n",
            xml_escape(&rfc3339(&e.published))
        ));
        out.push_str(&format!(
            "    <updated>{}</updated>\n",
            xml_escape(&rfc3339(&e.updated))
        ));
        if let Some(c) = &e.category {
            out.push_str(&format!("    <category term=\"{}\"/>\n", xml_escape(c)));
        }
        if !e.summary.is_empty() {
            out.push_str(&format!(
                "    <summary type=\"text\">{}</summary>\n",
                xml_escape(&e.summary)
            ));
        }
        out.push_str("  </entry>\n");
    }
    out.push_str("</feed>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::html::xml_escape;
    #[test]
    fn xml_is_escaped() {
        assert_eq!(xml_escape("a<b & \"c\"\u{1}"), "a&lt;b &amp; &quot;c&quot;");
        let s = sitemap(&[SitemapEntry {
            alternates: Vec::new(),
            loc: "https://x.org/a?b=1&c=2".into(),
            lastmod: Some("2024-01-02".into()),
        }]);
        assert!(s.contains("<loc>https://x.org/a?b=1&amp;c=2</loc>"));
        assert!(s.contains("<lastmod>2024-01-02</lastmod>"));
    }
    #[test]
    fn dates_become_rfc3339() {
        assert_eq!(rfc3339("2024-03-05"), "2024-03-05T00:00:00Z");
        assert_eq!(rfc3339("2024-03-05T10:00:00"), "2024-03-05T10:00:00Z");
        assert_eq!(
            rfc3339("2024-03-05T10:00:00+02:00"),
            "2024-03-05T10:00:00+02:00"
        );
        assert_eq!(rfc3339("2024-03-05 10:00:00Z"), "2024-03-05T10:00:00Z");
    }
}
