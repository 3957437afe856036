//! Generated comparison tables: pages from `[[comparisons]]`, the `compare`
//! shortcode, and every error at its place.

use crate::util::TestSite;

const BLOCK: &str =
    "\n[[comparisons]]\ncollection = \"roles\"\nitems = [\"product-owner\", \"product-manager\"]\n";

fn site(extra_toml: &str) -> TestSite {
    let s = TestSite::fixture("typed");
    let toml = s.read("site.toml") + extra_toml;
    s.write("site.toml", &toml);
    s
}

fn rows(html: &str) -> Vec<(String, String)> {
    let body =
        &html[html.find("<tbody role=\"rowgroup\">").unwrap()..html.find("</tbody>").unwrap()];
    body.split("<tr role=\"row\" class=\"")
        .skip(1)
        .map(|r| {
            let class = r[..r.find('"').unwrap()].to_string();
            let label_start = r.find("<th scope=\"row\" role=\"rowheader\">").unwrap()
                + "<th scope=\"row\" role=\"rowheader\">".len();
            let label =
                r[label_start..label_start + r[label_start..].find("</th>").unwrap()].to_string();
            (label, class)
        })
        .collect()
}

#[test]
fn comparison_page_has_every_field_as_a_row() {
    let s = site(BLOCK);
    s.write(
        "content/roles/product-manager.md",
        "---\ntitle: Product Manager\nsummary: Owns the why.\nkpis: [net-promoter-score]\ntrack: strategy\nremote: true\n---\n",
    );
    s.cairn(&["build"]).success();
    let html = s.read("public/compare/product-owner-vs-product-manager/index.html");
    assert!(html.contains("<title>Product Owner vs Product Manager · Typed</title>"));
    assert!(html.contains("<caption>Product Owner vs Product Manager</caption>"));
    assert!(html.contains(r#"<th scope="col" role="columnheader"><a href="/atlas/roles/product-owner/">Product Owner</a></th><th scope="col" role="columnheader"><a href="/atlas/roles/product-manager/">Product Manager</a></th>"#));
    assert!(html.contains(r#"<div class="table-scroll" role="region""#));
    let labels: Vec<String> = rows(&html).into_iter().map(|(l, _)| l).collect();
    assert_eq!(
        labels,
        [
            "Summary",
            "Primary focus",
            "Levels",
            "Ratio",
            "Remote",
            "Since",
            "Homepage",
            "Skills",
            "Track",
            "Reports to",
            "Success metrics",
            "Salary"
        ]
    );
    let same: Vec<String> = rows(&html)
        .into_iter()
        .filter(|(_, c)| c == "same")
        .map(|(l, _)| l)
        .collect();
    assert_eq!(same, ["Remote"], "only the row where both agree is marked");
    // Cells are formatted by type (compared without the attributes that
    // only serve the stacked phone layout: the role and the column name).
    let mut plain = html.replace("<td role=\"cell\" ", "<td ");
    while let Some(at) = plain.find(" data-col=\"") {
        let end =
            at + " data-col=\"".len() + plain[at + " data-col=\"".len()..].find('"').unwrap() + 1;
        plain.replace_range(at..end, "");
    }
    assert!(html.contains("<td role=\"cell\" class=\"type-int\" data-col=\"Product Owner\">"));
    for cell in [
        "<td class=\"type-text\">The <strong>how</strong> and the <em>when</em></td>",
        "<td class=\"type-int\">3</td>",
        "<td class=\"type-float\">0.75</td>",
        "<td class=\"type-bool\">Yes</td><td class=\"type-bool\">Yes</td>",
        "<td class=\"type-date\"><time datetime=\"2001-02-13\">13 February 2001</time></td>",
        "<td class=\"type-url\"><a href=\"https://scrumguides.org/\">https://scrumguides.org/</a></td>",
        "<td class=\"type-list\"><ul class=\"value-list\"><li>Prioritisation</li><li>Writing stories</li></ul></td>",
        "<td class=\"type-enum\">Execution</td><td class=\"type-enum\">Strategy</td>",
        "<td class=\"type-ref\"><a href=\"/atlas/roles/product-manager/\">Product Manager</a></td>",
        "<td class=\"type-range\">90,000–120,000 USD</td>",
        "<td class=\"type-range\"><span aria-hidden=\"true\">—</span><span class=\"visually-hidden\">not set</span></td>",
    ] {
        assert!(plain.contains(cell), "missing {cell}");
    }
}

#[test]
fn index_entry_links_and_three_way_paths() {
    let s = site(&format!(
        "{BLOCK}\n[[comparisons]]\ncollection = \"kpis\"\nitems = [\"team-velocity\", \"cycle-time\", \"net-promoter-score\"]\ntitle = \"Three metrics\"\n"
    ));
    s.cairn(&["build"]).success();
    let index = s.read("public/compare/index.html");
    assert!(index.contains(r#"<a href="/atlas/compare/product-owner-vs-product-manager/">Product Owner vs Product Manager</a>"#));
    assert!(index.contains(r#"<a href="/atlas/compare/team-velocity-vs-cycle-time-vs-net-promoter-score/">Three metrics</a>"#));
    let po = s.read("public/roles/product-owner/index.html");
    assert!(po.contains("<h2 id=\"compared-heading\">Compared in</h2>"));
    assert!(po.contains(r#"<li><a href="/atlas/compare/product-owner-vs-product-manager/">Product Owner vs Product Manager</a></li>"#));
    assert!(
        s.read("public/index.html")
            .contains("/atlas/compare/team-velocity-vs-cycle-time-vs-net-promoter-score/")
    );
}

#[test]
fn one_field_change_updates_every_table() {
    let s = site(BLOCK).file(
        "content/roles/guide.md",
        "---\ntitle: Guide\nsummary: g\n---\n\n{{ compare(collection=\"roles\", items=[\"product-owner\", \"product-manager\"], fields=[\"summary\"]) }}\n",
    );
    s.cairn(&["build"]).success();
    assert!(
        s.read("public/compare/product-owner-vs-product-manager/index.html")
            .contains("Orders the backlog.")
    );
    let po = s
        .read("content/roles/product-owner.md")
        .replace("Orders the backlog.", "Keeps the backlog ready.");
    s.write("content/roles/product-owner.md", &po);
    s.cairn(&["build"]).success();
    for page in [
        "public/compare/product-owner-vs-product-manager/index.html",
        "public/roles/guide/index.html",
        "public/roles/index.html",
    ] {
        let html = s.read(page);
        assert!(html.contains("Keeps the backlog ready."), "{page}");
        assert!(!html.contains("Orders the backlog."), "{page}");
    }
}

#[test]
fn shortcode_in_a_paragraph_and_not_in_code() {
    let s = site("").file(
        "content/about.md",
        "---\ntitle: About\n---\n\nBefore {{ compare(collection=\"kpis\", items=[\"cycle-time\", \"team-velocity\"]) }} after.\n\n\
         {{ compare(collection=\"roles\", items=[\"product-owner\", \"product-manager\"], fields=[\"track\", \"kpis\"], title=\"Tracks\") }}\n\n\
         `{{ compare(collection=\"nope\") }}`\n\n```\n{{ compare(collection=\"nope\", items=[]) }}\n```\n",
    );
    s.cairn(&["build"]).success();
    let html = s.read("public/about/index.html");
    // A table inside a paragraph's text ends the paragraph before it and
    // opens one after it (a paragraph cannot hold a block).
    assert!(
        html.contains("<p>Before</p>\n<figure class=\"comparison\">"),
        "{html}"
    );
    assert!(html.contains("</figure>\n<p>after.</p>"), "{html}");
    assert!(!html.contains("<p>Before <figure"), "{html}");
    assert!(html.contains("<caption>Cycle time vs Team velocity</caption>"));
    assert!(html.contains("<caption>Tracks</caption>"));
    assert!(!html.contains("<p><figure class=\"comparison\">\n<div class=\"table-scroll\" role=\"region\" aria-label=\"Tracks\""), "a call alone replaces its paragraph");
    assert!(
        html.contains("<code>{{ compare(collection=&quot;nope&quot;) }}</code>")
            || html.contains("<code>{{ compare(collection=\"nope\") }}</code>")
    );
    assert!(html.contains("{{ compare(collection=\"nope\", items=[]) }}\n</code></pre>"));
    assert_eq!(
        html.matches("<table class=\"compare stack\" role=\"table\">")
            .count(),
        2
    );
}

#[test]
fn shortcode_errors_at_the_call() {
    let s = site("").file(
        "content/about.md",
        "---\ntitle: About\n---\n\nText {{ comprae(collection=\"roles\") }}\n\
         {{ compare(collection=\"role\", items=[\"a\", \"b\"]) }}\n\
         {{ compare(collection=\"roles\", items=[\"product-owner\", \"product-ownr\"]) }}\n\
         {{ compare(collection=\"roles\", items=[\"product-owner\", \"product-manager\"], fields=[\"tracks\"]) }}\n\
         {{ compare(collection=\"roles\", items=[\"product-owner\" \"x\"]) }}\n",
    );
    let run = s.cairn(&["build"]);
    run.failure();
    assert_eq!(
        run.error_lines(),
        [
            "content/about.md:5:6: unknown shortcode `comprae` (did you mean `compare`?)",
            "content/about.md:6:1: unknown collection `role` in `compare` (did you mean `roles`?)",
            "content/about.md:7:1: unknown entry `product-ownr` in collection `roles` (did you mean `product-owner`?) in `compare`",
            "content/about.md:8:1: collection `roles` has no field `tracks` (did you mean `track`?)",
            "content/about.md:9:55: invalid shortcode call: expected `,` or `]` in a list",
        ]
    );
}

#[test]
fn comparison_block_errors_point_at_site_toml() {
    let s = site(
        "\n[[comparisons]]\ncollection = \"rolse\"\nitems = [\"a\", \"b\"]\n\n[[comparisons]]\ncollection = \"roles\"\nitems = [\"product-owner\", \"product-managr\"]\nfields = [\"summary\", \"focsu\"]\n",
    );
    let run = s.cairn(&["build"]);
    run.failure();
    assert_eq!(
        run.error_lines(),
        [
            "site.toml:26:14: comparison names a missing collection `rolse`",
            "site.toml:32:22: collection `roles` has no field `focsu` (did you mean `focus`?)",
        ]
    );
    // Entries are checked once the schema is right.
    let s = site(
        "\n[[comparisons]]\ncollection = \"roles\"\nitems = [\"product-owner\", \"product-managr\"]\n",
    );
    let run = s.cairn(&["build"]);
    run.failure();
    assert_eq!(
        run.error_lines(),
        [
            "site.toml:27:27: unknown entry `product-managr` in collection `roles` (did you mean `product-manager`?)"
        ]
    );
}

#[test]
fn user_shortcodes_take_every_argument_type() {
    let s = site("")
        .file("templates/shortcodes/note.html", "<aside>{{ text }}|{{ n + 1 }}|{{ f }}|{{ flag }}|{{ tags | join(sep=\",\") }}|{{ page.title }}</aside>")
        .file("content/about.md", "---\ntitle: About\n---\n\n{{ note(text=\"Hi <b>\", n=41, f=2.5, flag=false, tags=[\"a\", \"b\"]) }}\n");
    s.cairn(&["build"]).success();
    assert!(
        s.read("public/about/index.html")
            .contains("<aside>Hi &lt;b&gt;|42|2.5|false|a,b|About</aside>")
    );
}

#[test]
fn site_shortcode_overrides_the_theme_and_comparisons_are_ordinary_pages() {
    let s = site(BLOCK)
        .file("templates/shortcodes/compare.html", "<div class=\"mine\">{{ comparison.title }}: {{ comparison.rows | length }} rows</div>")
        .file("content/about.md", "---\ntitle: About\n---\n\n{{ compare(collection=\"roles\", items=[\"product-owner\", \"product-manager\"], fields=[\"summary\"]) }}\n");
    s.cairn(&["build"]).success();
    assert!(
        s.read("public/about/index.html")
            .contains("<div class=\"mine\">Product Owner vs Product Manager: 1 rows</div>")
    );
    // In the sitemap and the search index like any page.
    assert!(s.read("public/sitemap.xml").contains(
        "<loc>https://example.org/atlas/compare/product-owner-vs-product-manager/</loc>"
    ));
    let docs: String = crate::util::tree(&s.path("public/search/docs"))
        .values()
        .map(|b| String::from_utf8_lossy(b).into_owned())
        .collect();
    assert!(docs.contains("/atlas/compare/product-owner-vs-product-manager/"));
}
