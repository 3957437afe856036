//! Issue 24: a site in two languages. English at the root, German under
//! `/de/`: translations next to their originals (`pm.de.md`), inheriting
//! what they do not set, links and references that fall back to the
//! default language, and everything per language (listings, comparisons,
//! tags, taxonomies, feeds, search, sitemap alternates).

use std::collections::{BTreeMap, BTreeSet};

use crate::util::TestSite;

fn site() -> TestSite {
    TestSite::fixture("languages")
}

fn built() -> TestSite {
    let s = site();
    s.cairn(&["build"]).success();
    s
}

#[test]
fn translations_get_their_own_urls_and_inherit_what_they_do_not_set() {
    let s = built();
    let pm = s.read("public/de/roles/product-manager/index.html");
    assert!(
        pm.starts_with("<!doctype html>\n<html lang=\"de\">"),
        "{pm}"
    );
    // The title and the typed fields it does not set come from the
    // original; the labels are the German ones of site.toml.
    assert!(pm.contains("<h1>Product Manager</h1>"), "{pm}");
    assert!(pm.contains("<dt>Schwerpunkt</dt>"), "{pm}");
    assert!(pm.contains("Markt und Strategie"), "{pm}");
    assert!(pm.contains("<dt>Ausrichtung</dt>"), "{pm}");
    assert!(pm.contains(">Strategie</dd>"), "{pm}");
    // Numbers in German style.
    assert!(pm.contains("100.000–140.000 USD"), "{pm}");
    // A reference to an entry German has: the German page; to one it does
    // not: the English page, marked with its language.
    assert!(
        pm.contains("<a href=\"/atlas/de/kpis/velocity/\">Velocity (Teamgeschwindigkeit)</a>"),
        "{pm}"
    );
    assert!(
        pm.contains(
            "<a href=\"/atlas/kpis/net-promoter-score/\" hreflang=\"en\">Net Promoter Score</a>"
        ),
        "{pm}"
    );
    // Wikilinks likewise, in the body.
    assert!(
        pm.contains("href=\"/atlas/de/roles/produktverantwortlicher/\""),
        "{pm}"
    );
    assert!(
        pm.contains("<a href=\"/atlas/kpis/net-promoter-score/\" hreflang=\"en\" data-title=\"Net Promoter Score\""),
        "{pm}"
    );
    // Previews name the kind in the language (`singular`), breadcrumbs
    // lead to the language's own collection page.
    assert!(
        pm.contains("hreflang=\"en\" data-title=\"Net Promoter Score\" data-kind=\"Kennzahl\""),
        "{pm}"
    );
    assert!(
        pm.contains("<a href=\"/atlas/de/roles/\">Rollen</a>"),
        "{pm}"
    );
    // A translated slug.
    let po = s.read("public/de/roles/produktverantwortlicher/index.html");
    assert!(
        po.contains("<h1>Product Owner (Produktverantwortlicher)</h1>"),
        "{po}"
    );
    assert!(
        po.contains("href=\"/atlas/de/roles/product-manager/#aufgaben\""),
        "{po}"
    );
    // The English site is untouched by the translations.
    let en = s.read("public/roles/product-manager/index.html");
    assert!(en.starts_with("<!doctype html>\n<html lang=\"en\">"));
    assert!(
        en.contains("<dt>Primary focus</dt>") && !en.contains("Schwerpunkt"),
        "{en}"
    );
    assert!(!s.path("public/de/kpis/net-promoter-score").exists());
}

#[test]
fn listings_comparisons_tags_and_taxonomies_are_per_language() {
    let s = built();
    let roles = s.read("public/de/roles/index.html");
    assert!(roles.contains("<h1>Rollen</h1>"), "{roles}");
    let kpis = s.read("public/de/kpis/index.html");
    assert!(kpis.contains("Velocity (Teamgeschwindigkeit)"), "{kpis}");
    assert!(
        !kpis.contains("Net Promoter Score</a>"),
        "German lists German pages only: {kpis}"
    );
    let cmp = s.read("public/de/compare/product-manager-vs-product-owner/index.html");
    assert!(
        cmp.contains("Product Manager und Product Owner im Vergleich"),
        "{cmp}"
    );
    assert!(
        cmp.contains("Schwerpunkt") && cmp.contains("Backlog und Umsetzung"),
        "{cmp}"
    );
    assert!(cmp.contains("Umsetzung"), "{cmp}");
    let tag = s.read("public/de/tags/strategie/index.html");
    assert!(tag.contains("/atlas/de/roles/product-manager/"), "{tag}");
    assert!(
        !s.path("public/de/tags/strategy").exists(),
        "tags are the translation's own"
    );
    let term = s.read("public/de/roles/track/execution/index.html");
    assert!(
        term.contains("/atlas/de/roles/produktverantwortlicher/"),
        "{term}"
    );
    // Aliases are per language.
    let alias = s.read("public/de/rollen/pm/index.html");
    assert!(
        alias.contains("url=/atlas/de/roles/product-manager/"),
        "{alias}"
    );
}

#[test]
fn feeds_and_structured_data_are_per_language() {
    let s = built();
    let feed = s.read("public/de/atom.xml");
    let doc = roxmltree::Document::parse(&feed).unwrap();
    let titles: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("entry"))
        .filter_map(|e| e.children().find(|c| c.has_tag_name("title"))?.text())
        .collect();
    assert_eq!(
        titles,
        ["Product Manager", "Velocity (Teamgeschwindigkeit)"]
    );
    assert!(feed.contains("<title>Rollen-Atlas</title>"), "{feed}");
    assert!(!s.read("public/atom.xml").contains("Teamgeschwindigkeit"));
    let pm = s.read("public/de/roles/product-manager/index.html");
    assert!(pm.contains("\"inLanguage\":\"de\""), "{pm}");
    // The site's files are at its root only.
    for root_only in ["style.css", "robots.txt", "sitemap.xml", "404.html"] {
        assert!(s.path(&format!("public/{root_only}")).exists());
        assert!(
            !s.path(&format!("public/de/{root_only}")).exists(),
            "{root_only}"
        );
    }
}

/// The sitemap lists every page of every language, each with the
/// `hreflang` alternates of all its translations (itself included) and
/// `x-default`; the alternates are reciprocal, as search engines require.
#[test]
fn the_sitemap_links_every_translation_both_ways() {
    let s = built();
    let xml = s.read("public/sitemap.xml");
    let doc = roxmltree::Document::parse(&xml).expect("well-formed sitemap");
    let xhtml = "http://www.w3.org/1999/xhtml";
    let mut alts: BTreeMap<String, BTreeSet<(String, String)>> = BTreeMap::new();
    for url in doc.descendants().filter(|n| n.has_tag_name("url")) {
        let loc = url
            .children()
            .find(|c| c.has_tag_name("loc"))
            .and_then(|c| c.text())
            .unwrap()
            .to_string();
        let set = url
            .children()
            .filter(|c| c.has_tag_name((xhtml, "link")))
            .map(|l| {
                assert_eq!(l.attribute("rel"), Some("alternate"));
                (
                    l.attribute("hreflang").unwrap().to_string(),
                    l.attribute("href").unwrap().to_string(),
                )
            })
            .collect();
        alts.insert(loc, set);
    }
    let pm = &alts["https://example.org/atlas/roles/product-manager/"];
    let want: BTreeSet<(String, String)> = [
        ("de", "https://example.org/atlas/de/roles/product-manager/"),
        ("en", "https://example.org/atlas/roles/product-manager/"),
        (
            "x-default",
            "https://example.org/atlas/roles/product-manager/",
        ),
    ]
    .iter()
    .map(|(a, b)| (a.to_string(), b.to_string()))
    .collect();
    assert_eq!(pm, &want);
    assert_eq!(
        alts["https://example.org/atlas/de/roles/product-manager/"],
        want
    );
    // Reciprocal everywhere; untranslated pages carry none.
    for (loc, set) in &alts {
        for (lang, href) in set.iter().filter(|(l, _)| l != "x-default") {
            assert!(
                alts.get(href)
                    .is_some_and(|back| back.iter().any(|(_, h)| h == loc)),
                "{loc} lists {lang} {href}, which does not list it back"
            );
        }
    }
    assert!(alts["https://example.org/atlas/kpis/net-promoter-score/"].is_empty());
    assert!(alts.contains_key("https://example.org/atlas/de/roles/produktverantwortlicher/"));
}

#[test]
fn translation_mistakes_are_errors_at_their_path() {
    let s = site()
        .file("content/roles/ghost.de.md", "---\ntitle: Geist\n---\n")
        .file("content/roles/product-owner.fr.md", "---\ntitle: PO\n---\n")
        .file("content/roles/product-owner.en.md", "---\ntitle: PO\n---\n")
        .file(
            "content/kpis/velocity.de.md",
            "---\nsummary: 3\ntrack: x\n---\n\nSiehe [[nirgendwo]].\n",
        );
    let run = s.cairn(&["check"]);
    run.failure();
    let err = &run.stderr;
    for want in [
        "content/roles/ghost.de.md: translation of `content/roles/ghost.md`, which does not exist",
        "content/roles/product-owner.fr.md: `fr` is not a language of this site (it has `en`, `de`)",
        "content/roles/product-owner.en.md: `en` is the default language: its pages have no language suffix",
        // A translation's own values are checked against the same schema,
        // and its links like any page's, in one run.
        "content/kpis/velocity.de.md:3:1: unknown key `track` in collection `kpis`",
        "content/kpis/velocity.de.md:6:7: wikilink to a missing page `[[nirgendwo]]`",
    ] {
        assert!(err.contains(want), "{want}\n---\n{err}");
    }
}

#[test]
fn missing_translations_are_a_warning_and_an_error_with_strict() {
    let s = site();
    let run = s.cairn(&["check"]);
    run.success();
    assert!(
        run.stderr.contains("site.toml:28:12: warning: 1 of 5 pages have no `de` translation: `content/kpis/net-promoter-score.md`"),
        "{}",
        run.stderr
    );
    let strict = s.cairn(&["check", "--strict"]);
    strict.failure();
    assert!(
        strict
            .stderr
            .contains("site.toml:28:12: 1 of 5 pages have no `de` translation"),
        "{}",
        strict.stderr
    );
}

#[test]
fn a_single_language_site_is_unchanged_by_the_feature() {
    // No `[languages]`: a file named like a translation is a page like any.
    let s = TestSite::fixture("basic").file(
        "content/notes.de.md",
        "---\ntitle: Notes\n---\n\nA page whose name ends in `.de`.\n",
    );
    s.cairn(&["build"]).success();
    assert!(s.path("public/notes-de/index.html").exists());
    let sitemap = s.read("public/sitemap.xml");
    assert!(!sitemap.contains("xhtml"), "{sitemap}");
}

/// The theme's words and dates are the page's language's; a site changes
/// a word, or adds a language, with its own `i18n/CODE.toml`, key by key;
/// mistakes in such a file are errors at their line, and missing words a
/// warning naming them.
#[test]
fn the_themes_words_follow_the_language_and_the_site_can_change_them() {
    let s = built();
    let de = s.read("public/de/roles/product-manager/index.html");
    assert!(
        de.contains("Zuletzt aktualisiert am <time datetime=\"2024-03-20\">20. März 2024</time>"),
        "{de}"
    );
    assert!(de.contains(">Zum Inhalt springen</a>"), "{de}");
    let en = s.read("public/roles/product-manager/index.html");
    assert!(
        en.contains("Last updated <time datetime=\"2024-03-20\">20 March 2024</time>"),
        "{en}"
    );
    assert!(en.contains(">Skip to content</a>"), "{en}");
    // The site's own words, key by key, over the theme's.
    s.write("i18n/de.toml", "skip_to_content = \"Direkt zum Inhalt\"\n");
    s.cairn(&["build"]).success();
    let de = s.read("public/de/roles/product-manager/index.html");
    assert!(de.contains(">Direkt zum Inhalt</a>"), "{de}");
    assert!(
        de.contains("20. März 2024"),
        "the other German words stay: {de}"
    );
    // A language the theme does not have: the site brings its words; the
    // keys it lacks are English, with a warning that names them.
    let toml = s.read("site.toml") + "\n[languages.fr]\ntitle = \"Atlas des rôles\"\n";
    s.write("site.toml", &toml);
    s.write(
        "content/roles/product-owner.fr.md",
        "---\ntitle: Product Owner\nsummary: Ordonne le backlog.\n---\n\nLe PO.\n",
    );
    s.write("i18n/fr.toml", "language_name = \"Français\"\nskip_to_content = \"Aller au contenu\"\nmonths = [\"janvier\", \"février\", \"mars\", \"avril\", \"mai\", \"juin\", \"juillet\", \"août\", \"septembre\", \"octobre\", \"novembre\", \"décembre\"]\n");
    let run = s.cairn(&["build"]);
    run.success();
    assert!(
        run.stderr
            .contains("i18n/fr.toml: warning: no `fr` text for"),
        "{}",
        run.stderr
    );
    let fr = s.read("public/fr/roles/product-owner/index.html");
    assert!(
        fr.starts_with("<!doctype html>\n<html lang=\"fr\">"),
        "{fr}"
    );
    assert!(
        fr.contains(">Aller au contenu</a>")
            && fr.contains("<span class=\"lang-name\">Français</span>"),
        "{fr}"
    );
    // A value that is not text is an error at its line.
    s.write("i18n/fr.toml", "language_name = \"Français\"\nmenu = 3\n");
    let run = s.cairn(&["check"]);
    run.failure();
    assert!(
        run.stderr
            .contains("i18n/fr.toml:2:1: `menu` must be a string (or a list of strings)"),
        "{}",
        run.stderr
    );
}

/// The home page of a language leaves out a collection with nothing in
/// that language; a data file edited alone rebuilds (`data/` is part of
/// what "nothing changed" looks at).
#[test]
fn a_language_home_leaves_out_empty_collections() {
    let s = site();
    let toml = s.read("site.toml").replace(
        "[languages.de]",
        "[collections.faqs]\ntitle = \"FAQ\"\n\n[languages.de]",
    );
    s.write("site.toml", &toml);
    s.write("content/faqs/why.md", "---\ntitle: Why?\n---\n\nBecause.\n");
    s.write("data/bands.csv", "role,max\npm,1\n");
    s.cairn(&["build"]).success();
    assert!(s.read("public/index.html").contains("id=\"c-faqs\""));
    let de = s.read("public/de/index.html");
    assert!(
        !de.contains("id=\"c-faqs\"") && de.contains("id=\"c-roles\""),
        "{de}"
    );
    s.write(
        "content/_index.md",
        &(s.read("content/_index.md") + "\n{{ table(data=\"bands\") }}\n"),
    );
    s.cairn(&["build"]).success();
    s.write("data/bands.csv", "role,max\npm,2\n");
    let run = s.cairn(&["build"]);
    run.success();
    assert!(!run.stdout.contains("nothing changed"), "{}", run.stdout);
}
