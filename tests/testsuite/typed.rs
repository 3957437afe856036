//! Typed collections: every field type, every schema error at its exact
//! place, typed values in templates, backlinks, the collection matrix and
//! `cairn new`.

use crate::util::TestSite;

fn typed() -> TestSite {
    TestSite::fixture("typed")
}

#[test]
fn typed_values_reach_templates() {
    let s = typed().file(
        "templates/page.html",
        "{% if page.slug == \"product-owner\" %}ref={{ page.fields.reports_to.title }}|{{ page.fields.reports_to.url }}|{{ page.fields.reports_to.slug }}\n\
         refs={% for k in page.fields.kpis %}{{ k.title }}@{{ k.url }};{% endfor %}\n\
         range={{ page.fields.salary.min }}-{{ page.fields.salary.max }} {{ page.fields.salary.unit }}\n\
         text={{ page.fields.focus | safe }}\n\
         date={{ page.fields.since }} int={{ page.fields.levels }} float={{ page.fields.ratio }} bool={{ page.fields.remote }}\n\
         list={{ page.fields.skills | join(sep=\"+\") }} enum={{ page.fields.track }} url={{ page.fields.homepage }}\n{% endif %}",
    );
    s.cairn(&["build"]).success();
    assert_eq!(
        s.read("public/roles/product-owner/index.html"),
        "ref=Product Manager|/atlas/roles/product-manager/|product-manager\n\
         refs=Team velocity@/atlas/kpis/team-velocity/;Cycle time@/atlas/kpis/cycle-time/;\n\
         range=90000-120000 USD\n\
         text=The <strong>how</strong> and the <em>when</em>\n\
         date=2001-02-13 int=3 float=0.75 bool=true\n\
         list=Prioritisation+Writing stories enum=execution url=https://scrumguides.org/\n"
    );
}

#[test]
fn entry_summary_panel_formats_by_type() {
    let s = typed();
    s.cairn(&["build"]).success();
    let html = s.read("public/roles/product-owner/index.html");
    for needle in [
        "<dt>Primary focus</dt>",
        "The <strong>how</strong> and the <em>when</em>",
        r#"<a href="/atlas/roles/product-manager/">Product Manager</a>"#,
        r#"<ul class="value-list"><li><a href="/atlas/kpis/team-velocity/">Team velocity</a></li><li><a href="/atlas/kpis/cycle-time/">Cycle time</a></li></ul>"#,
        "90,000–120,000 USD",
        r#"<time datetime="2001-02-13">13 February 2001</time>"#,
        "<dd class=\"type-bool\">Yes</dd>",
    ] {
        assert!(html.contains(needle), "missing {needle}");
    }
}

#[test]
fn backlinks_are_grouped_by_field() {
    let s = typed();
    s.cairn(&["build"]).success();
    let kpi = s.read("public/kpis/team-velocity/index.html");
    assert!(kpi.contains("<dt>Roles: Success metrics</dt>"), "{kpi}");
    assert!(kpi.contains(r#"<li><a href="/atlas/roles/product-owner/">Product Owner</a></li>"#));
    let pm = s.read("public/roles/product-manager/index.html");
    assert!(pm.contains("<dt>Roles: Reports to</dt>"));
    // The raw list is in the context too, with the field label.
    let s = typed().file(
        "templates/page.html",
        "{% for b in page.backlinks %}{{ b.title }}/{{ b.collection }}/{{ b.field }};{% endfor %}",
    );
    s.cairn(&["build"]).success();
    assert_eq!(
        s.read("public/kpis/cycle-time/index.html"),
        "Product Owner/roles/Success metrics;"
    );
    assert_eq!(
        s.read("public/kpis/net-promoter-score/index.html"),
        "Product Manager/roles/Success metrics;"
    );
    // Naming a target twice in one field links back once.
    let po = "content/roles/product-owner.md";
    s.write(
        po,
        &s.read(po)
            .replace("  - cycle-time\n", "  - cycle-time\n  - cycle-time\n"),
    );
    assert!(s.read(po).matches("- cycle-time").count() == 2);
    s.cairn(&["build"]).success();
    assert_eq!(
        s.read("public/kpis/cycle-time/index.html"),
        "Product Owner/roles/Success metrics;"
    );
}

#[test]
fn collection_matrix_has_every_entry_and_field() {
    let s = typed();
    s.cairn(&["build"]).success();
    let html = s.read("public/roles/index.html");
    let table = &html[html
        .find("<table class=\"matrix stack\" role=\"table\">")
        .unwrap()..html.find("</table>").unwrap()];
    assert!(table.contains("<caption"));
    assert_eq!(
        table
            .matches("<th scope=\"col\" role=\"columnheader\">")
            .count(),
        13,
        "entry column + 12 fields"
    );
    assert!(table.contains("<th scope=\"col\" role=\"columnheader\">Reports to</th>"));
    let pm = table.find(">Product Manager</a></th>").unwrap();
    let po = table.find(">Product Owner</a></th>").unwrap();
    assert!(pm < po, "sorted by title");
    assert!(
        table.contains(r#"<span class="visually-hidden">not set</span>"#),
        "unset fields are marked"
    );
    assert!(table.contains(r#"<a href="/atlas/kpis/net-promoter-score/">Net Promoter Score</a>"#));
}

#[test]
fn schema_errors_at_exact_places() {
    let s = typed()
        .file(
            "content/roles/scrum-master.md",
            "---\ntitle: Scrum Master\nsummary: Coaches.\ntrack: executon\nlevels: two\nkpis:\n  - team-velocity\n  - kpi-velocty\nscpoe: team\n---\n",
        )
        .file("content/roles/coach.md", "---\ntitle: Coach\nsalary: { min: 200, max: 100 }\n---\n");
    let run = s.cairn(&["build"]);
    run.failure();
    assert_eq!(
        run.error_lines(),
        [
            "content/roles/coach.md:1:1: missing required field `summary` (a string)",
            "content/roles/coach.md:3:16: range `salary` has `min` (200) greater than `max` (100)",
            "content/roles/scrum-master.md:4:8: `executon` is not a value of `track` (did you mean `execution`?)",
            "content/roles/scrum-master.md:5:9: `levels` must be an integer, found a string",
            "content/roles/scrum-master.md:8:5: unknown entry `kpi-velocty` in collection `kpis` (did you mean `team-velocity`?)",
            "content/roles/scrum-master.md:9:1: unknown key `scpoe` in collection `roles`",
        ]
    );
    // Reference errors are reported in the same run as the field errors.
    let s = typed().file(
        "content/roles/scrum-master.md",
        "---\ntitle: Scrum Master\nsummary: Coaches.\nreports_to: product-ownr\nkpis:\n  - team-velocity\n  - kpi-velocty\n---\n",
    );
    let run = s.cairn(&["build"]);
    run.failure();
    assert_eq!(
        run.error_lines(),
        [
            "content/roles/scrum-master.md:4:13: unknown entry `product-ownr` in collection `roles` (did you mean `product-owner`?)",
            "content/roles/scrum-master.md:7:5: unknown entry `kpi-velocty` in collection `kpis` (did you mean `team-velocity`?)",
        ]
    );
    assert!(
        !s.path("public").exists(),
        "nothing with a broken reference is published"
    );
}

#[test]
fn refs_to_drafts_fail_unless_drafts_are_built() {
    let s = typed()
        .file(
            "content/kpis/lead-time.md",
            "---\ntitle: Lead time\ndefinition: x\ndraft: true\n---\n",
        )
        .file(
            "content/roles/analyst.md",
            "---\ntitle: Analyst\nsummary: x\nkpis: [lead-time]\n---\n",
        );
    let run = s.cairn(&["build"]);
    run.failure();
    assert_eq!(
        run.error_lines(),
        [
            "content/roles/analyst.md:4:8: entry `lead-time` in collection `kpis` is a draft (build with `--drafts` to include it)"
        ]
    );
    s.cairn(&["build", "--drafts"]).success();
}

#[test]
fn site_toml_schema_errors() {
    let s = typed().file(
        "site.toml",
        "title = \"T\"\nbase_url = \"https://x.org/\"\n[collections.roles.fields]\na = { type = \"strng\" }\nb = { type = \"refs\", to = \"kpi\" }\nc = { type = \"enum\" }\n[collections.kpis]\n",
    );
    let run = s.cairn(&["check"]);
    run.failure();
    assert_eq!(
        run.error_lines(),
        [
            "site.toml:4:14: unknown field type `strng`",
            "site.toml:5:27: `to` names a missing collection `kpi`",
            "site.toml:6:1: enum field `c` has no `values`",
        ]
    );
    assert!(run.stderr.contains("help: did you mean `string`?"));
    assert!(run.stderr.contains("help: did you mean `kpis`?"));
}

#[test]
fn many_errors_in_many_files_all_reported() {
    let s = typed();
    for i in 0..12 {
        s.write(
            &format!("content/roles/r{i:02}.md"),
            &format!("---\ntitle: R{i}\nsummary: s\nremote: maybe\nkpis: [nope-{i}]\n---\n"),
        );
    }
    let run = s.cairn(&["check"]);
    run.failure();
    let lines = run.error_lines();
    // Both mistakes of every file: a wrong type does not hide a broken
    // reference in the same front-matter.
    assert_eq!(lines.len(), 24, "{}", run.stderr);
    assert!(lines[0].starts_with("content/roles/r00.md:4:9: `remote` must be `true` or `false`"));
    assert!(lines[1].starts_with("content/roles/r00.md:5:8: unknown entry `nope-0`"));
    assert!(lines[23].starts_with("content/roles/r11.md:5:8:"));
    assert!(run.stderr.ends_with("error: check failed with 24 errors\n"));
}

#[test]
fn new_entry_is_complete_and_checks_once_filled() {
    let s = typed();
    let run = s.cairn(&["new", "roles", "Growth Product Manager"]);
    run.success();
    let text = s.read("content/roles/growth-product-manager.md");
    insta::assert_snapshot!(text);
    // The placeholders of required fields fail the check...
    let run = s.cairn(&["check"]);
    run.failure();
    assert_eq!(
        run.error_lines(),
        [
            "content/roles/growth-product-manager.md:4:1: missing required field `summary` (a string)"
        ]
    );
    // ...and once filled, the file is accepted.
    s.write(
        "content/roles/growth-product-manager.md",
        &text
            .replace("summary:      #", "summary: Grows the product #")
            .replace("kpis:         #", "kpis: [cycle-time] #"),
    );
    s.cairn(&["check"]).success();
    // Never overwrites.
    let run = s.cairn(&["new", "roles", "Growth Product Manager"]);
    run.failure();
    assert!(run.stderr.contains("already exists"));
    let run = s.cairn(&["new", "role", "X"]);
    run.failure();
    assert!(run.stderr.contains("no collection `role` in site.toml"));
    assert!(run.stderr.contains("did you mean `roles`?"));
}

#[test]
fn extra_stays_free_form() {
    let s = typed()
        .file("templates/page.html", "{% if page.extra.nested %}{{ page.extra.nested.list | join(sep=\",\") }}|{{ page.extra.anything }}{% endif %}")
        .file(
            "content/roles/product-manager.md",
            "---\ntitle: Product Manager\nsummary: Owns the why.\nextra:\n  anything: 42\n  nested: { list: [a, b] }\n---\n",
        );
    s.cairn(&["build"]).success();
    assert_eq!(s.read("public/roles/product-manager/index.html"), "a,b|42");
}

/// Issue 20: readers see an enum value by its label (declared in
/// site.toml, else the value humanised) on the entry page, in the matrix
/// and in the search filters; templates keep the value in `page.fields`.
#[test]
fn enum_values_are_shown_by_label() {
    let s = typed();
    let toml = s.read("site.toml").replace(
        "track      = { type = \"enum\", values = [\"strategy\", \"execution\"] }",
        "track      = { type = \"enum\", values = [\"strategy\", \"execution\"], labels = { execution = \"Delivery and execution\" } }",
    );
    s.write("site.toml", &toml);
    s.cairn(&["build"]).success();
    let po = s.read("public/roles/product-owner/index.html");
    assert!(po.contains(">Delivery and execution</"), "declared label");
    let pm = s.read("public/roles/product-manager/index.html");
    assert!(pm.contains(">Strategy</"), "humanised value");
    assert!(!pm.contains(">strategy</"));
    let matrix = s.read("public/roles/index.html");
    assert!(matrix.contains(">Delivery and execution</") && matrix.contains(">Strategy</"));
    let meta = s.read("public/search/meta.json");
    assert!(
        meta.contains(r#"{"key":"track","label":"Track","values":[{"v":"Delivery and execution","n":1},{"v":"Strategy","n":1}]}"#),
        "{meta}"
    );
}
