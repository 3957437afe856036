//! What a static host and search engines need besides the pages: the
//! sitemap, the Atom feed, robots.txt, the meta description, and JSON-LD
//! structured data generated from the typed content.
//!
//! Pure functions over plain data. Every URL here is absolute (built from
//! `base_url`, subpath included). Dates come from the content (`updated`,
//! else `date`), never from the clock, so two builds of the same content are
//! byte-identical.

use serde::Serialize;
use serde_json::{Value, json};

/// One page of the sitemap.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SitemapEntry {
    /// Absolute URL.
    pub loc: String,
    /// `YYYY-MM-DD`, from `updated` or `date`.
    pub lastmod: Option<String>,
}

/// Escapes text for XML content and attribute values.
pub fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Characters XML 1.0 does not allow at all.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => {}
            c => out.push(c),
        }
    }
    out
}

/// `sitemap.xml` (sitemaps.org protocol 0.9).
pub fn sitemap(entries: &[SitemapEntry]) -> String {
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for e in entries {
        out.push_str("  <url>\n    <loc>");
        out.push_str(&xml_escape(&e.loc));
        out.push_str("</loc>\n");
        if let Some(d) = &e.lastmod {
            out.push_str("    <lastmod>");
            out.push_str(&xml_escape(d));
            out.push_str("</lastmod>\n");
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

/// Shortens text to at most `max` characters at a word boundary, with an
/// ellipsis when cut.
pub fn truncate_words(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let cut: String = text.chars().take(max).collect();
    let cut = cut.rfind(' ').map_or(cut.as_str(), |i| &cut[..i]);
    format!("{}…", cut.trim_end_matches([',', ';', ':', '.', ' ']))
}

/// The meta description of a page: its `description`, else its `summary`
/// field, else its first paragraph, else the site's description.
pub fn meta_description(
    description: Option<&str>,
    summary_field: Option<&str>,
    first_paragraph: &str,
    site: &str,
) -> String {
    let text = [
        description,
        summary_field,
        Some(first_paragraph),
        Some(site),
    ]
    .into_iter()
    .flatten()
    .map(str::trim)
    .find(|s| !s.is_empty())
    .unwrap_or_default();
    truncate_words(&text.split_whitespace().collect::<Vec<_>>().join(" "), 160)
}

/// A crumb of the breadcrumb trail, with an absolute URL.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Crumb {
    /// Name.
    pub name: String,
    /// Absolute URL.
    pub url: String,
}

/// A question and its answer, for FAQPage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Faq {
    /// The question (the entry's title).
    pub question: String,
    /// The answer as plain text (the entry's body).
    pub answer: String,
}

/// What kind of page the JSON-LD describes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LdKind {
    /// The home page: `WebSite`.
    Home {
        /// Site description.
        description: String,
    },
    /// An entry or a plain page: `Article`.
    Article {
        /// Description.
        description: String,
        /// `date`.
        published: Option<String>,
        /// `updated`, else `date`.
        modified: Option<String>,
    },
    /// A FAQ entry: `FAQPage` with one question.
    FaqEntry(Faq),
    /// A collection page: `ItemList`, plus `FAQPage` for a FAQ collection.
    Collection {
        /// (name, absolute URL) of each entry, in order.
        items: Vec<(String, String)>,
        /// The questions of a FAQ collection.
        faqs: Vec<Faq>,
    },
    /// Anything else: breadcrumbs only.
    Other,
}

/// The JSON-LD of one page, ready to put inside
/// `<script type="application/ld+json">`: `<`, `>` and `&` are escaped as
/// `\u003c` and so on, so no value (a title containing `</script>`, say) can
/// end the script element.
pub fn json_ld(site_name: &str, title: &str, url: &str, crumbs: &[Crumb], kind: &LdKind) -> String {
    let mut graph: Vec<Value> = Vec::new();
    match kind {
        LdKind::Home { description } => graph.push(json!({
            "@type": "WebSite",
            "name": site_name,
            "url": url,
            "description": description,
        })),
        LdKind::Article {
            description,
            published,
            modified,
        } => {
            let mut a = json!({
                "@type": "Article",
                "headline": title,
                "description": description,
                "url": url,
                "mainEntityOfPage": url,
                "publisher": { "@type": "Organization", "name": site_name },
            });
            if let Some(p) = published {
                a["datePublished"] = json!(p);
            }
            if let Some(m) = modified {
                a["dateModified"] = json!(m);
            }
            graph.push(a);
        }
        LdKind::FaqEntry(faq) => graph.push(faq_page(std::slice::from_ref(faq), url)),
        LdKind::Collection { items, faqs } => {
            graph.push(json!({
                "@type": "ItemList",
                "name": title,
                "url": url,
                "numberOfItems": items.len(),
                "itemListElement": items.iter().enumerate().map(|(i, (name, u))| json!({
                    "@type": "ListItem",
                    "position": i + 1,
                    "name": name,
                    "url": u,
                })).collect::<Vec<_>>(),
            }));
            if !faqs.is_empty() {
                graph.push(faq_page(faqs, url));
            }
        }
        LdKind::Other => {}
    }
    if !crumbs.is_empty() {
        graph.push(json!({
            "@type": "BreadcrumbList",
            "itemListElement": crumbs.iter().enumerate().map(|(i, c)| json!({
                "@type": "ListItem",
                "position": i + 1,
                "name": c.name,
                "item": c.url,
            })).collect::<Vec<_>>(),
        }));
    }
    let doc = json!({ "@context": "https://schema.org", "@graph": graph });
    script_safe(&serde_json::to_string(&doc).unwrap_or_default())
}

fn faq_page(faqs: &[Faq], url: &str) -> Value {
    json!({
        "@type": "FAQPage",
        "url": url,
        "mainEntity": faqs.iter().map(|f| json!({
            "@type": "Question",
            "name": f.question,
            "acceptedAnswer": { "@type": "Answer", "text": f.answer },
        })).collect::<Vec<_>>(),
    })
}

/// JSON safe to embed in an HTML `<script>`: the characters that could end
/// the element or start a comment are written as JSON escapes.
pub fn script_safe(json: &str) -> String {
    json.replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_is_escaped() {
        assert_eq!(xml_escape("a<b & \"c\"\u{1}"), "a&lt;b &amp; &quot;c&quot;");
        let s = sitemap(&[SitemapEntry {
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

    #[test]
    fn descriptions_fall_back_in_order() {
        assert_eq!(meta_description(Some("D"), Some("S"), "P", "X"), "D");
        assert_eq!(meta_description(None, Some("S"), "P", "X"), "S");
        assert_eq!(meta_description(Some(" "), None, "P", "X"), "P");
        assert_eq!(meta_description(None, None, "", "X"), "X");
        let long = "word ".repeat(60);
        let d = meta_description(None, None, &long, "");
        assert!(d.chars().count() <= 161 && d.ends_with('…'));
    }

    #[test]
    fn json_ld_cannot_break_out_of_its_script() {
        let ld = json_ld(
            "S",
            "</script><script>alert(1)</script>",
            "https://x.org/",
            &[],
            &LdKind::Article {
                description: "a & b".into(),
                published: None,
                modified: None,
            },
        );
        assert!(!ld.contains("</script>"));
        assert!(!ld.contains('<') && !ld.contains('&'));
        let v: Value = serde_json::from_str(&ld).unwrap();
        assert_eq!(
            v["@graph"][0]["headline"],
            "</script><script>alert(1)</script>"
        );
        assert_eq!(v["@graph"][0]["description"], "a & b");
    }

    #[test]
    fn faq_collections_list_every_question() {
        let faqs = vec![
            Faq {
                question: "Q1?".into(),
                answer: "A1".into(),
            },
            Faq {
                question: "Q2?".into(),
                answer: "A2".into(),
            },
        ];
        let ld = json_ld(
            "S",
            "FAQ",
            "https://x.org/faqs/",
            &[],
            &LdKind::Collection {
                items: vec![("Q1?".into(), "https://x.org/faqs/q1/".into())],
                faqs,
            },
        );
        let v: Value = serde_json::from_str(&ld).unwrap();
        assert_eq!(v["@graph"][0]["@type"], "ItemList");
        assert_eq!(v["@graph"][1]["@type"], "FAQPage");
        assert_eq!(
            v["@graph"][1]["mainEntity"][1]["acceptedAnswer"]["text"],
            "A2"
        );
    }
}
