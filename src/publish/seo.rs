//! What search engines and link previews read in a page's head: the meta
//! description and JSON-LD structured data generated from the typed
//! content.

use serde::Serialize;
use serde_json::{Value, json};

use crate::html::script_safe;

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
/// end the script element. `in_language` (set on a site with more than
/// one language) is each node's `inLanguage`.
pub fn json_ld(
    site_name: &str,
    title: &str,
    url: &str,
    crumbs: &[Crumb],
    kind: &LdKind,
    in_language: Option<&str>,
) -> String {
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
    if let Some(lang) = in_language {
        for node in &mut graph {
            node["inLanguage"] = json!(lang);
        }
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

#[cfg(test)]
mod tests {
    use super::*;
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
            None,
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
            Some("de"),
        );
        let v: Value = serde_json::from_str(&ld).unwrap();
        assert_eq!(v["@graph"][0]["inLanguage"], "de");
        assert_eq!(v["@graph"][1]["inLanguage"], "de");
        assert_eq!(v["@graph"][0]["@type"], "ItemList");
        assert_eq!(v["@graph"][1]["@type"], "FAQPage");
        assert_eq!(
            v["@graph"][1]["mainEntity"][1]["acceptedAnswer"]["text"],
            "A2"
        );
    }
}
