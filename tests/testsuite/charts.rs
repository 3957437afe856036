//! Build-time charts: ladders and ranges from `[[charts]]`, on collection
//! pages and through the `chart` shortcode, and their errors.

use crate::util::TestSite;

const CHARTS: &str = r#"
[[charts]]
name = "ladder"
kind = "ladder"
collection = "roles"
field = "reports_to"
title = "Who reports to whom"

[[charts]]
name = "pay"
kind = "range"
collection = "roles"
field = "salary"
"#;

fn site() -> TestSite {
    let s = TestSite::fixture("typed");
    let toml = s.read("site.toml") + CHARTS;
    s.write("site.toml", &toml);
    s.write(
        "content/roles/product-manager.md",
        "---\ntitle: Product Manager\nsummary: Owns the why.\nkpis: [net-promoter-score]\ntrack: strategy\nsalary: { min: 110000, max: 150000 }\n---\n\nThe PM page.\n",
    );
    s
}

#[test]
fn charts_on_the_collection_page() {
    let s = site();
    s.cairn(&["build"]).success();
    let html = s.read("public/roles/index.html");
    assert!(html.contains("<figcaption>Who reports to whom</figcaption>"));
    assert!(html.contains(r#"<svg class="chart chart-ladder chart-wide" role="group" aria-labelledby="chart-ladder-title chart-ladder-desc""#));
    // A second drawing for phones, with ids of its own.
    assert!(html.contains(r#"<svg class="chart chart-ladder chart-narrow" role="group" aria-labelledby="chart-ladder-narrow-title chart-ladder-narrow-desc""#));
    assert!(html.contains(r#"<marker id="chart-ladder-narrow-arrow""#));
    assert!(
        html.contains(
            "<desc id=\"chart-ladder-desc\">Product Owner leads to Product Manager.</desc>"
        )
    );
    assert!(html.contains(r#"<a href="/atlas/roles/product-manager/"><rect class="chart-node""#));
    // Whole labels, and every entry of the collection, linked or not.
    let s2 = site().file(
        "content/roles/group-principal-product-manager.md",
        "---\ntitle: Group / Principal Product Manager of Very Large Things\nsummary: Leads.\n---\n",
    );
    s2.cairn(&["build"]).success();
    let roles = s2.read("public/roles/index.html");
    for word in ["Group /", "Principal", "Things<"] {
        assert!(roles.contains(word), "{word}");
    }
    assert!(!roles.contains('…'));
    assert!(roles.contains("not linked: Group / Principal Product Manager of Very Large Things"));
    // Values are written beside the bars.
    assert!(roles.contains(">90k–120k</tspan>"));
    assert!(
        html.contains("<figcaption>Roles: Salary</figcaption>"),
        "default title from collection and field label"
    );
    assert!(html.contains("<desc id=\"chart-pay-desc\">Product Owner: 90,000–120,000 USD; Product Manager: 110,000–150,000 USD.</desc>"));
    // Charts belong to their collection's page only.
    assert!(!s.read("public/kpis/index.html").contains("<svg"));
}

#[test]
fn chart_shortcode_in_markdown() {
    let s = site().file(
        "content/about.md",
        "---\ntitle: About\n---\n\n{{ chart(name=\"pay\") }}\n",
    );
    s.cairn(&["build"]).success();
    let html = s.read("public/about/index.html");
    assert!(html.contains(r#"<svg class="chart chart-range chart-wide""#));
    assert!(html.contains(r#"<svg class="chart chart-range chart-narrow""#));
    assert!(
        !html.contains("<p><figure"),
        "a chart alone replaces its paragraph"
    );
    let s = site().file(
        "content/about.md",
        "---\ntitle: About\n---\n\n{{ chart(name=\"paay\") }}\n",
    );
    let run = s.cairn(&["build"]);
    run.failure();
    assert_eq!(
        run.error_lines(),
        ["content/about.md:5:1: unknown chart `paay` (did you mean `pay`?)"]
    );
}

#[test]
fn chart_errors() {
    let s = TestSite::fixture("typed");
    let toml = s.read("site.toml")
        + "\n[[charts]]\nname = \"a\"\nkind = \"ladder\"\ncollection = \"roles\"\nfield = \"next\"\n\n[[charts]]\nname = \"b\"\nkind = \"range\"\ncollection = \"roles\"\nfield = \"levels\"\n\n[[charts]]\nname = \"c\"\nkind = \"pie\"\ncollection = \"roles\"\nfield = \"salary\"\n";
    s.write("site.toml", &toml);
    let run = s.cairn(&["check"]);
    run.failure();
    assert_eq!(
        run.error_lines(),
        [
            "site.toml:29:9: chart over a missing field: collection `roles` has no field `next`",
            "site.toml:35:9: a range chart needs a `range` field; `levels` is not one",
            "site.toml:39:8: unknown chart kind `pie`",
        ]
    );
}

#[test]
fn ladder_with_a_cycle_names_it() {
    let s = site();
    s.write(
        "content/roles/product-manager.md",
        "---\ntitle: Product Manager\nsummary: Owns the why.\nreports_to: product-owner\n---\n",
    );
    let run = s.cairn(&["check"]);
    run.failure();
    assert_eq!(
        run.error_lines(),
        [
            "site.toml:26:8: ladder chart `ladder` over `reports_to` has a cycle: `product-manager` -> `product-owner` -> `product-manager`"
        ]
    );
}
