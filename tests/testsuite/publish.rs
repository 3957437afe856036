//! Ready to publish: sitemap, Atom feed and robots.txt (parsed as XML),
//! head metadata, JSON-LD from the typed data, and subpath hosting.

use crate::shipped::internal_targets;
use crate::util::TestSite;

fn site() -> TestSite {
    let s = TestSite::fixture("publish");
    s.cairn(&["build"]).success();
    s
}

/// Every `<script type="application/ld+json">` block, parsed.
fn json_ld(html: &str) -> Vec<serde_json::Value> {
    html.split("<script type=\"application/ld+json\">")
        .skip(1)
        .map(|rest| serde_json::from_str(&rest[..rest.find("</script>").unwrap()]).unwrap())
        .collect()
}

fn types(ld: &serde_json::Value) -> Vec<String> {
    ld["@graph"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["@type"].as_str().unwrap().to_string())
        .collect()
}

fn meta(html: &str, attr: &str, name: &str) -> String {
    let needle = format!("<meta {attr}=\"{name}\" content=\"");
    let start = html.find(&needle).unwrap_or_else(|| panic!("no {name}")) + needle.len();
    html[start..start + html[start..].find('"').unwrap()].to_string()
}

#[test]
fn sitemap_lists_every_page_with_lastmod() {
    let s = site();
    let xml = s.read("public/sitemap.xml");
    let doc = roxmltree::Document::parse(&xml).unwrap();
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "urlset");
    assert_eq!(
        root.tag_name().namespace(),
        Some("http://www.sitemaps.org/schemas/sitemap/0.9")
    );
    let urls: Vec<(String, Option<String>)> = root
        .children()
        .filter(|n| n.has_tag_name("url"))
        .map(|u| {
            let child = |name: &str| {
                u.children()
                    .find(|c| c.has_tag_name(name))
                    .and_then(|c| c.text())
                    .map(str::to_string)
            };
            (child("loc").unwrap(), child("lastmod"))
        })
        .collect();
    let locs: Vec<&str> = urls.iter().map(|(l, _)| l.as_str()).collect();
    for expected in [
        "https://user.github.io/atlas/",
        "https://user.github.io/atlas/guides/",
        "https://user.github.io/atlas/guides/first/",
        "https://user.github.io/atlas/guides/undated/",
        "https://user.github.io/atlas/faqs/why/",
    ] {
        assert!(locs.contains(&expected), "{expected} missing from {locs:?}");
    }
    assert!(!locs.iter().any(|l| l.contains("404")));
    let lastmod = |loc: &str| urls.iter().find(|(l, _)| l == loc).unwrap().1.clone();
    assert_eq!(
        lastmod("https://user.github.io/atlas/guides/first/").as_deref(),
        Some("2024-01-10")
    );
    assert_eq!(
        lastmod("https://user.github.io/atlas/guides/second/").as_deref(),
        Some("2024-03-15"),
        "updated wins"
    );
    assert_eq!(
        lastmod("https://user.github.io/atlas/guides/undated/"),
        None
    );
    assert_eq!(
        s.read("public/robots.txt"),
        "User-agent: *\nAllow: /\n\nSitemap: https://user.github.io/atlas/sitemap.xml\n"
    );
}

#[test]
fn atom_feed_is_valid_and_reproducible() {
    let s = site();
    let xml = s.read("public/atom.xml");
    let doc = roxmltree::Document::parse(&xml).unwrap();
    let feed = doc.root_element();
    let ns = "http://www.w3.org/2005/Atom";
    assert_eq!(feed.tag_name().namespace(), Some(ns));
    let text = |n: roxmltree::Node, name: &str| {
        n.children()
            .find(|c| c.has_tag_name((ns, name)))
            .and_then(|c| c.text())
            .map(str::to_string)
    };
    assert_eq!(text(feed, "title").as_deref(), Some("Publish & Co"));
    assert_eq!(
        text(feed, "id").as_deref(),
        Some("https://user.github.io/atlas/")
    );
    assert_eq!(
        text(feed, "updated").as_deref(),
        Some("2024-03-15T00:00:00Z"),
        "from the content, not the clock"
    );
    let entries: Vec<roxmltree::Node> = feed
        .children()
        .filter(|c| c.has_tag_name((ns, "entry")))
        .collect();
    assert_eq!(entries.len(), 2, "only dated pages");
    assert_eq!(
        text(entries[0], "title").as_deref(),
        Some("Second </script><script>alert(1)</script> guide")
    );
    assert_eq!(
        text(entries[0], "updated").as_deref(),
        Some("2024-03-15T00:00:00Z")
    );
    assert_eq!(
        text(entries[0], "published").as_deref(),
        Some("2024-02-01T00:00:00Z")
    );
    assert_eq!(
        text(entries[1], "id").as_deref(),
        Some("https://user.github.io/atlas/guides/first/")
    );
    assert_eq!(
        text(entries[1], "summary").as_deref(),
        Some("The summary field of the first guide.")
    );
    let self_link = feed
        .children()
        .find(|c| c.has_tag_name((ns, "link")) && c.attribute("rel") == Some("self"))
        .unwrap();
    assert_eq!(
        self_link.attribute("href"),
        Some("https://user.github.io/atlas/atom.xml")
    );
    // Two builds, same bytes.
    s.cairn(&["build", "--output", "again"]).success();
    assert_eq!(s.read("again/atom.xml"), xml);
    assert_eq!(s.read("again/sitemap.xml"), s.read("public/sitemap.xml"));
}

#[test]
fn head_metadata() {
    let s = site();
    let first = s.read("public/guides/first/index.html");
    assert!(first.contains(r#"<html lang="en-GB">"#));
    assert!(first.contains("<title>First guide · Publish &amp; Co</title>"));
    assert_eq!(
        meta(&first, "name", "description"),
        "The summary field of the first guide.",
        "summary field before first paragraph"
    );
    assert!(
        first.contains(
            r#"<link rel="canonical" href="https://user.github.io/atlas/guides/first/">"#
        )
    );
    assert!(first.contains(r#"<link rel="alternate" type="application/atom+xml" title="Publish &amp; Co" href="/atlas/atom.xml">"#));
    assert_eq!(
        meta(&first, "property", "og:url"),
        "https://user.github.io/atlas/guides/first/"
    );
    assert_eq!(meta(&first, "property", "og:type"), "article");
    assert_eq!(meta(&first, "property", "og:title"), "First guide");
    // Every page's share card, named for link previews.
    assert_eq!(meta(&first, "name", "twitter:card"), "summary_large_image");
    assert_eq!(
        meta(&first, "property", "og:image"),
        "https://user.github.io/atlas/guides/first/card.png"
    );
    assert_eq!(meta(&first, "property", "og:image:alt"), "First guide");
    let second = s.read("public/guides/second/index.html");
    assert_eq!(
        meta(&second, "name", "description"),
        "Quotes &quot; and &lt;tags&gt; &amp; ampersands",
        "description wins, escaped"
    );
    let undated = s.read("public/guides/undated/index.html");
    assert_eq!(
        meta(&undated, "name", "description"),
        "Only the first paragraph describes this one."
    );
}

#[test]
fn json_ld_from_typed_data() {
    let s = site();
    let home = json_ld(&s.read("public/index.html"));
    assert_eq!(types(&home[0]), ["WebSite"]);
    assert_eq!(home[0]["@graph"][0]["url"], "https://user.github.io/atlas/");
    let guide = json_ld(&s.read("public/guides/second/index.html"));
    assert_eq!(types(&guide[0]), ["Article", "BreadcrumbList"]);
    let article = &guide[0]["@graph"][0];
    assert_eq!(
        article["headline"],
        "Second </script><script>alert(1)</script> guide"
    );
    assert_eq!(article["datePublished"], "2024-02-01");
    assert_eq!(article["dateModified"], "2024-03-15");
    assert_eq!(article["description"], "Quotes \" and <tags> & ampersands");
    let crumbs = &guide[0]["@graph"][1]["itemListElement"];
    assert_eq!(crumbs[1]["item"], "https://user.github.io/atlas/guides/");
    assert_eq!(crumbs[2]["position"], 3);
    // The title cannot close the script element.
    let raw = s.read("public/guides/second/index.html");
    assert_eq!(
        raw.matches("</script>").count(),
        raw.matches("<script").count()
    );
    let faq = json_ld(&s.read("public/faqs/why/index.html"));
    assert_eq!(types(&faq[0]), ["FAQPage", "BreadcrumbList"]);
    assert_eq!(
        faq[0]["@graph"][0]["mainEntity"][0]["name"],
        "Why publish with cairn?"
    );
    assert_eq!(
        faq[0]["@graph"][0]["mainEntity"][0]["acceptedAnswer"]["text"],
        "Because every answer is checked."
    );
    let faqs = json_ld(&s.read("public/faqs/index.html"));
    assert_eq!(types(&faqs[0]), ["ItemList", "FAQPage", "BreadcrumbList"]);
    let questions: Vec<&str> = faqs[0]["@graph"][1]["mainEntity"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| q["name"].as_str().unwrap())
        .collect();
    assert_eq!(questions, ["How do I deploy?", "Why publish with cairn?"]);
    // The FAQ page lists each question once, with its answer's first
    // paragraph (issue 20), and no matrix.
    let index = s.read("public/faqs/index.html");
    assert!(index.contains(
        "<h2 id=\"q-why\"><a href=\"/atlas/faqs/why/\">Why publish with cairn?</a></h2>\n    <p>Because every answer is checked.</p>"
    ), "{index}");
    assert_eq!(index.matches("<section class=\"faq-item\"").count(), 2);
    assert!(!index.contains("<table"));
    let guides = json_ld(&s.read("public/guides/index.html"));
    assert_eq!(types(&guides[0]), ["ItemList", "BreadcrumbList"]);
    assert_eq!(guides[0]["@graph"][0]["numberOfItems"], 3);
    assert_eq!(
        guides[0]["@graph"][0]["itemListElement"][0]["url"],
        "https://user.github.io/atlas/guides/second/",
        "sorted by date, newest first"
    );
}

#[test]
fn subpath_build_resolves_every_link_under_the_subpath() {
    let s = site();
    for page in [
        "public/index.html",
        "public/guides/first/index.html",
        "public/faqs/index.html",
        "public/404.html",
    ] {
        let html = s.read(page);
        for t in internal_targets(&html) {
            assert!(
                t.starts_with("atlas/"),
                "{page}: link `/{t}` escapes the subpath"
            );
            let local = t.trim_start_matches("atlas/");
            assert!(
                s.path(&format!("public/{local}")).exists(),
                "{page}: `/{t}` does not exist"
            );
        }
    }
    // --base-url overrides for one build: the preview points elsewhere.
    s.cairn(&[
        "build",
        "--base-url",
        "https://preview.example.net/pr-7/",
        "--output",
        "preview",
    ])
    .success();
    let html = s.read("preview/guides/first/index.html");
    assert!(html.contains(r#"href="/pr-7/style.css""#));
    assert!(html.contains(
        r#"<link rel="canonical" href="https://preview.example.net/pr-7/guides/first/">"#
    ));
    assert!(
        s.read("preview/sitemap.xml")
            .contains("<loc>https://preview.example.net/pr-7/</loc>")
    );
}
