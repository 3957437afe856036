//! Issue 23: `taxonomy = true` on an `enum` or `list` field gives term
//! pages with counts, like tags, and the search facets use the same terms.

use std::path::Path;

use crate::util::TestSite;

fn typed_toml() -> String {
    std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/typed/site.toml"),
    )
    .unwrap()
}

fn site() -> TestSite {
    let toml = typed_toml()
        .replace(
            "track      = { type = \"enum\", values = [\"strategy\", \"execution\"] }",
            "track      = { type = \"enum\", values = [\"strategy\", \"execution\", \"leadership\"], labels = { execution = \"Delivery\" }, taxonomy = true }",
        )
        .replace(
            "skills     = { type = \"list\" }",
            "skills     = { type = \"list\", taxonomy = true }",
        );
    assert!(toml.matches("taxonomy = true").count() == 2, "{toml}");
    TestSite::fixture("typed")
        .file("site.toml", &toml)
        .file(
            "content/roles/product-manager.md",
            "---\ntitle: Product Manager\nsummary: Owns the why.\nkpis: [net-promoter-score]\ntrack: strategy\nskills: [prioritisation, Storytelling]\n---\n\nThe PM page.\n",
        )
}

#[test]
fn taxonomy_fields_get_term_pages_with_counts() {
    let s = site();
    let run = s.cairn(&["build"]);
    run.success();
    assert!(run.stderr.is_empty(), "{}", run.stderr);
    let index = s.read("public/roles/track/index.html");
    assert!(index.contains("<h1>Roles by track</h1>"), "{index}");
    // Enum terms in the declared order, by label; unused values left out.
    let strategy = index
        .find(">Strategy</a> <span class=\"count\">(1)</span>")
        .unwrap();
    let delivery = index
        .find(">Delivery</a> <span class=\"count\">(1)</span>")
        .unwrap();
    assert!(strategy < delivery, "{index}");
    assert!(!index.contains("Leadership"), "{index}");
    let term = s.read("public/roles/track/execution/index.html");
    assert!(term.contains("<h1>Track: Delivery</h1>"), "{term}");
    assert!(
        term.contains("<a href=\"/atlas/roles/product-owner/\">Product Owner</a>"),
        "{term}"
    );
    let cards = &term[term.find("<ul class=\"cards\">").unwrap()..];
    let cards = &cards[..cards.find("</ul>").unwrap()];
    assert!(!cards.contains("product-manager"), "{cards}");
    // A list: spellings merged by slug (the first in source order, here
    // the PM's lowercase one), sorted by name.
    let skills = s.read("public/roles/skills/index.html");
    assert!(
        skills.contains(">prioritisation</a> <span class=\"count\">(2)</span>"),
        "{skills}"
    );
    assert!(
        skills.contains(">Storytelling</a> <span class=\"count\">(1)</span>"),
        "{skills}"
    );
    assert!(
        s.path("public/roles/skills/writing-stories/index.html")
            .is_file()
    );
    // The collection page links the terms; the sitemap lists the pages.
    let roles = s.read("public/roles/index.html");
    assert!(
        roles.contains("By track: <a href=\"/atlas/roles/track/strategy/\">Strategy</a>"),
        "{roles}"
    );
    let sitemap = s.read("public/sitemap.xml");
    assert!(
        sitemap.contains("https://example.org/atlas/roles/track/execution/"),
        "{sitemap}"
    );
    // Search facets: the same names as the term pages.
    let meta = s.read("public/search/meta.json");
    assert!(meta.contains("\"Skills\""), "{meta}");
    assert!(
        meta.contains("\"prioritisation\"") && !meta.contains("\"Prioritisation\""),
        "{meta}"
    );
    assert!(meta.contains("\"Delivery\""), "{meta}");
}

#[test]
fn taxonomy_mistakes_are_errors() {
    let toml = typed_toml().replace(
        "levels     = { type = \"int\" }",
        "levels     = { type = \"int\", taxonomy = true }",
    ) + "\n[data.bands.fields]\nrole = { type = \"string\", taxonomy = true }\n";
    let s = TestSite::fixture("typed")
        .file("site.toml", &toml)
        .file("data/bands.csv", "role\npm\n");
    let run = s.cairn(&["check"]);
    run.failure();
    assert!(
        run.stderr
            .contains("`taxonomy` only applies to `enum` and `list` fields, not `int`"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("`taxonomy` applies to the fields of collections, not of data files"),
        "{}",
        run.stderr
    );
    // An entry whose URL is a taxonomy's: both are named.
    let s = site().file(
        "content/roles/track.md",
        "---\ntitle: Track\nsummary: A role called track.\n---\n",
    );
    let run = s.cairn(&["check"]);
    run.failure();
    assert!(run.stderr.contains("both write"), "{}", run.stderr);
    assert!(
        run.stderr.contains("roles/track/index.html"),
        "{}",
        run.stderr
    );
}

/// `paginate_by`: listing pages `/roles/page/N/` with rel links and a
/// numbered pager; page 1 stays `/roles/`.
#[test]
fn paginated_collections_split_their_listing() {
    let toml = typed_toml().replacen(
        "[collections.roles]\ntitle = \"Roles\"\n",
        "[collections.roles]\ntitle = \"Roles\"\npaginate_by = 1\n",
        1,
    );
    assert!(toml.contains("paginate_by = 1"), "{toml}");
    let s = TestSite::fixture("typed").file("site.toml", &toml);
    let run = s.cairn(&["build"]);
    run.success();
    let first = s.read("public/roles/index.html");
    let second = s.read("public/roles/page/2/index.html");
    assert!(!s.path("public/roles/page/1").exists());
    assert!(!s.path("public/roles/page/3").exists());
    let cards = |html: &str| {
        let c = &html[html.find("<ul class=\"cards\">").unwrap()..];
        c[..c.find("</ul>").unwrap()].to_string()
    };
    assert!(
        cards(&first).contains("Product Manager") && !cards(&first).contains("Product Owner"),
        "{first}"
    );
    assert!(
        cards(&second).contains("Product Owner") && !cards(&second).contains("Product Manager"),
        "{second}"
    );
    assert!(
        first.contains("<link rel=\"next\" href=\"/atlas/roles/page/2/\">"),
        "{first}"
    );
    assert!(!first.contains("rel=\"prev\""), "{first}");
    assert!(
        second.contains("<link rel=\"prev\" href=\"/atlas/roles/\">"),
        "{second}"
    );
    assert!(second.contains("<title>Roles (page 2 of 2)"), "{second}");
    assert!(
        second
            .contains("<link rel=\"canonical\" href=\"https://example.org/atlas/roles/page/2/\">"),
        "{second}"
    );
    assert!(
        second.contains("<a href=\"/atlas/roles/page/2/\" aria-current=\"page\">2</a>"),
        "{second}"
    );
    assert!(second.contains("Page 2 of 2 · 2 entries"), "{second}");
    // The structured data lists this page's entries only.
    let ld = |html: &str| {
        let l = &html[html.find("application/ld+json\">").unwrap()..];
        l[..l.find("</script>").unwrap()].to_string()
    };
    assert!(
        ld(&second).contains("Product Owner") && !ld(&second).contains("Product Manager"),
        "{}",
        ld(&second)
    );
    assert!(
        ld(&first).contains("Product Manager") && !ld(&first).contains("Product Owner"),
        "{}",
        ld(&first)
    );
    // A collection without paginate_by has no pager.
    assert!(!s.read("public/kpis/index.html").contains("class=\"pager\""));
    let bad = typed_toml().replacen(
        "[collections.roles]\ntitle = \"Roles\"\n",
        "[collections.roles]\ntitle = \"Roles\"\npaginate_by = 0\n",
        1,
    );
    let run = TestSite::fixture("typed")
        .file("site.toml", &bad)
        .cairn(&["check"]);
    run.failure();
    assert!(
        run.stderr
            .contains("`paginate_by` must be 1 or more, got 0"),
        "{}",
        run.stderr
    );
}
