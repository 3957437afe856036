//! The author's loop (issue 16): no input makes cairn panic, a bug that
//! does is reported as one (exit 1, never 101), and every mistake of a run
//! is reported in that run, at its line.

use crate::util::TestSite;

fn roles_site() -> TestSite {
    TestSite::empty()
        .file(
            "site.toml",
            "title = \"T\"\nbase_url = \"https://example.org/\"\n\
             [collections.roles.fields]\nstakeholders = { type = \"list\" }\n\
             kpis = { type = \"refs\", to = \"kpis\" }\n[collections.kpis]\n",
        )
        .file("content/_index.md", "---\ntitle: Home\n---\n")
        .file(
            "content/kpis/cycle-time.md",
            "---\ntitle: Cycle time\n---\n",
        )
}

/// Issue 16: `stakeholders: Sales` (one value where a list is declared)
/// panicked at src/schema.rs:269 with exit status 101.
#[test]
fn a_single_value_where_a_list_is_declared_is_reported() {
    let s = roles_site().file(
        "content/roles/pm.md",
        "---\ntitle: PM\nstakeholders: Sales\nkpis: cycle-time\n---\n",
    );
    for cmd in ["check", "build"] {
        let run = s.cairn(&[cmd]);
        run.failure();
        assert_eq!(
            run.error_lines(),
            [
                "content/roles/pm.md:3:15: `stakeholders` must be a list of strings, found a string",
                "content/roles/pm.md:4:7: `kpis` must be a list of slugs of entries of `kpis`, found a string",
            ]
        );
        assert!(
            run.stderr
                .contains("help: write a list: `stakeholders: [Sales]`")
        );
        assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    }
}

/// A bug that panics is an internal error asking for a report, exit 1.
#[test]
fn a_panic_is_an_internal_error_with_exit_status_1() {
    let s = roles_site().file("content/about.md", "---\ntitle: A\n---\nPANIC-HERE\n");
    for cmd in ["check", "build"] {
        let run = s.cairn_with(&[cmd], &[("CAIRN_INJECT_PANIC", "PANIC-HERE")]);
        run.failure();
        assert!(
            run.stderr
                .starts_with("error: internal error: cairn panicked at src/"),
            "{}",
            run.stderr
        );
        assert!(run.stderr.contains("please report it"), "{}", run.stderr);
        assert!(!run.stderr.contains("RUST_BACKTRACE"), "{}", run.stderr);
    }
    assert!(!s.path("public").exists(), "nothing written");
}

/// Issue 16: hints that point the right way.
#[test]
fn hints_name_the_actual_mistake() {
    let s = roles_site()
        .file(
            "content/a.md",
            "---\ntitle: A\n  description: indented\n---\n",
        )
        .file("content/b.md", "---\ntitle: B\ndate: 2024-02-30\n---\n")
        .file(
            "content/c.md",
            "---\ntitle: C\ndate: 2024-03-05T10:00:00junk\n---\n",
        )
        .file("content/e.md", "---\ntitle: E\ntags: Scrum\n---\n");
    let utf16: Vec<u8> = "---\ntitle: D\n---\n"
        .encode_utf16()
        .flat_map(u16::to_le_bytes)
        .collect();
    s.write_bytes("content/d.md", &[&[0xFF, 0xFE][..], &utf16].concat());
    let run = s.cairn(&["check"]);
    run.failure();
    let err = &run.stderr;
    assert!(
        err.contains("content/a.md:3:14: invalid YAML front-matter"),
        "{err}"
    );
    assert!(err.contains("remove the indentation"), "{err}");
    assert!(!err.contains("must be quoted"), "{err}");
    assert!(!err.contains("tabs"), "{err}");
    assert!(
        err.contains("content/b.md:3:7: `date` value `2024-02-30` is not a day of February 2024"),
        "{err}"
    );
    assert!(
        err.contains(
            "content/c.md:3:7: `date` value `2024-03-05T10:00:00junk` is not a date and time"
        ),
        "{err}"
    );
    assert!(
        err.contains("content/d.md: file is UTF-16 (little-endian), not UTF-8"),
        "{err}"
    );
    assert!(err.contains("help: write a list: `tags: [Scrum]`"), "{err}");
}

fn template_site() -> TestSite {
    TestSite::empty()
        .file(
            "site.toml",
            "title = \"T\"\nbase_url = \"https://example.org/\"\n\n[collections.kpis]\ntemplate = \"kpi.html\"\n",
        )
        .file("content/_index.md", "---\ntitle: Home\n---\n")
        .file("content/kpis/nps.md", "---\ntitle: NPS\n---\n")
        .file("content/kpis/clv.md", "---\ntitle: CLV\n---\n")
        .file("content/kpis/churn.md", "---\ntitle: Churn\n---\n")
}

/// What `cairn check` prints (and that it fails) when the KPI template's
/// content block is `block`.
fn check_kpi_template(block: &str) -> String {
    let s = template_site().file(
        "templates/kpi.html",
        &format!("{{% extends \"base.html\" %}}\n{{% block content %}}\n{block}{{% endblock content %}}\n"),
    );
    let run = s.cairn(&["check"]);
    run.failure();
    run.stderr
}

/// Issue 16: a render-time error in the house format, once for all the
/// pages it hits, with a did-you-mean from the fields that exist.
#[test]
fn template_render_error_is_reported_once_at_its_place() {
    insta::assert_snapshot!(check_kpi_template("<h1>{{ page.titel }}</h1>\n"));
}

/// Unknown filters and functions, with suggestions, all in one run.
#[test]
fn template_unknown_filter_and_function() {
    insta::assert_snapshot!(check_kpi_template(
        "<h1>{{ page.title | upcase }}</h1>\n<p>{{ get_ulr(path=\"x\") }}</p>\n"
    ));
}

/// An unclosed block names the tag left open and where it opened.
#[test]
fn template_unclosed_block_names_its_tag() {
    insta::assert_snapshot!(check_kpi_template(
        "{% if page.title %}\n<h1>{{ page.title }}</h1>\n"
    ));
}

/// A missing `extends` target points at the line that names it, and a
/// collection `template` that does not exist at its line in site.toml.
#[test]
fn missing_parent_and_collection_template_point_at_their_lines() {
    let s = template_site().file(
        "templates/kpi.html",
        "{% extends \"bsae.html\" %}\n{% block content %}x{% endblock content %}\n",
    );
    let run = s.cairn(&["check"]);
    run.failure();
    insta::assert_snapshot!("missing_parent", run.stderr);
    let s = template_site();
    let run = s.cairn(&["check"]);
    run.failure();
    insta::assert_snapshot!("missing_collection_template", run.stderr);
}

/// Issue 16: an FAQ answer with a shortcode carried the shortcode's
/// placeholder into its FAQPage JSON-LD ("Compare: 0"); it carries the
/// rendered text.
#[test]
fn faq_answers_in_json_ld_carry_rendered_shortcodes() {
    let s = TestSite::empty()
        .file(
            "site.toml",
            "title = \"T\"\nbase_url = \"https://example.org/\"\n[collections.faqs]\nkind = \"faq\"\n",
        )
        .file("content/_index.md", "---\ntitle: Home\n---\n")
        .file("templates/shortcodes/term.html", "<b>{{ word }}</b> ({{ means }})")
        .file(
            "content/faqs/why.md",
            "---\ntitle: Why?\n---\nCompare: {{ term(word=\"NPS\", means=\"net promoter score\") }} and more.\n",
        );
    s.cairn(&["build"]).success();
    let html = s.read("public/faqs/why/index.html");
    let start = html.find("application/ld+json\">").unwrap() + "application/ld+json\">".len();
    let json: serde_json::Value =
        serde_json::from_str(&html[start..start + html[start..].find("</script>").unwrap()])
            .unwrap();
    assert_eq!(
        json["@graph"][0]["mainEntity"][0]["acceptedAnswer"]["text"],
        "Compare: NPS (net promoter score) and more."
    );
}

/// Issue 16: `serve` without a site.toml said `cannot load site.toml:
/// site.toml: ...`; `cairn new` on a collection without fields said to
/// fill in its fields.
#[test]
fn small_messages_say_it_once_and_right() {
    let s = TestSite::empty();
    let run = s.cairn(&["serve", "--port", "0"]);
    run.failure();
    assert!(
        run.stderr.starts_with("site.toml: no `site.toml` in `.`"),
        "{}",
        run.stderr
    );
    assert_eq!(
        run.stderr.matches("site.toml:").count(),
        1,
        "{}",
        run.stderr
    );
    let s = TestSite::empty()
        .file(
            "site.toml",
            "title = \"T\"\nbase_url = \"https://example.org/\"\n[collections.faqs]\nkind = \"faq\"\n",
        )
        .file("content/_index.md", "---\ntitle: Home\n---\n");
    let run = s.cairn(&["new", "faqs", "Why cairn?"]);
    run.success();
    assert_eq!(
        run.stdout,
        "created `content/faqs/why-cairn.md`; write its text, then run `cairn check`\n"
    );
}

/// The site of the "dozen planted mistakes" (issue 16, "Done means"):
/// fourteen mistakes of different kinds over five files and a template,
/// several per file.
pub(crate) fn planted() -> TestSite {
    TestSite::empty()
        .file(
            "site.toml",
            "title = \"Planted\"\nbase_url = \"https://example.org/\"\n\n\
             [collections.roles.fields]\nstakeholders = { type = \"list\" }\n\
             kpis = { type = \"refs\", to = \"kpis\" }\n\
             track = { type = \"enum\", values = [\"strategy\", \"execution\"] }\n\n\
             [collections.kpis]\ntemplate = \"kpi.html\"\n",
        )
        .file("content/_index.md", "---\ntitle: Home\n---\nWelcome.\n")
        .file(
            // 1 a single value for a list, 2 an unknown entry in refs, 3 a
            // link to a missing file, 4 a missing heading; the link to the
            // page whose front-matter is broken is not a mistake.
            "content/roles/pm.md",
            "---\ntitle: Product Manager\nstakeholders: Sales\nkpis: [nps, cycle-tme]\n---\n\
             ## Duties\n\nSee [the PO](@/roles/product-ownr.md), [[cycle-time#nope]] and [[nps]].\n",
        )
        .file(
            // 5 an enum typo, 6 a day that does not exist, 7 a shortcode
            // argument it does not take, 8 a plain link to nowhere.
            "content/roles/po.md",
            "---\ntitle: Product Owner\ntrack: executon\ndate: 2024-02-30\n---\n\
             {{ compare(collection=\"roles\", items=[\"pm\", \"po\"], colour=\"red\") }}\n\n\
             Back to [roles](/roles/nope/).\n",
        )
        .file(
            // 9 front-matter that cannot be read: its body is not checked.
            "content/kpis/nps.md",
            "---\ntitle: [broken\n---\n[never checked](@/nowhere.md)\n",
        )
        .file("content/kpis/cycle-time.md", "---\ntitle: Cycle time\n---\n## Overview\n")
        .file(
            // 10 an unknown key on a plain page, 11 a relative link with a
            // typo, 12 a fragment that is not on the page, 13 a shortcode
            // called with `{%`.
            "content/guides/start.md",
            "---\ntitle: Start\ntitel: oops\n---\n\
             Read [the PM page](../roles/p-m.md) and [below](#no-such-id).\n\n\
             {% compare(collection=\"roles\", items=[\"pm\", \"po\"]) %}\n",
        )
        .file(
            // 14 an unknown filter in a template.
            "templates/kpi.html",
            "{% extends \"base.html\" %}\n{% block content %}\n<h1>{{ page.title | upcase }}</h1>\n{% endblock content %}\n",
        )
}

/// Every planted mistake in one `cairn check`, each at its line, exit 1,
/// no panic; `build` reports the same and writes nothing.
#[test]
fn every_planted_mistake_in_one_run() {
    let s = planted();
    let run = s.cairn(&["check"]);
    run.failure();
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    insta::assert_snapshot!(run.stderr);
    let lines = run.error_lines();
    assert_eq!(lines.len(), 14, "{}", run.stderr);
    let build = s.cairn(&["build"]);
    build.failure();
    assert_eq!(build.error_lines(), lines);
    assert!(!s.path("public").exists());
}

/// A page whose front-matter cannot be read is one mistake: comparisons,
/// references, wikilinks, `@/` and relative links that name it are not
/// reported again.
#[test]
fn an_unreadable_page_is_one_mistake_not_many() {
    let s = roles_site()
        .file(
            "site.toml",
            "title = \"T\"\nbase_url = \"https://example.org/\"\n\
             [collections.roles.fields]\nnext = { type = \"refs\", to = \"roles\" }\n\
             [[comparisons]]\ncollection = \"roles\"\nitems = [\"a\", \"b\"]\n",
        )
        .file("content/roles/a.md", "---\ntitle: [A\n---\n")
        .file("content/roles/b.md", "---\ntitle: B\nnext: [a]\n---\n")
        .file(
            "content/guide.md",
            "---\ntitle: G\n---\n{{ compare(collection=\"roles\", items=[\"a\", \"b\"]) }}\n\n\
             [[a]], [[roles/a]], [A](@/roles/a.md), [A](roles/a.md#x).\n",
        );
    let run = s.cairn(&["check"]);
    run.failure();
    assert_eq!(
        run.error_lines(),
        [
            "content/roles/a.md:3:1: invalid YAML front-matter: did not find expected ',' or ']', while parsing a flow sequence at line 2 column 8"
        ]
    );
}

/// An error inside a shortcode's template is reported at the template, once
/// for all the calls it hits.
#[test]
fn a_shortcode_template_error_is_reported_once() {
    let s = roles_site()
        .file(
            "templates/shortcodes/note.html",
            "<aside>\n{{ text | truncate(length=\"x\") }}</aside>",
        )
        .file(
            "content/a.md",
            "---\ntitle: A\n---\n{{ note(text=\"x\") }}\n",
        )
        .file(
            "content/b.md",
            "---\ntitle: B\n---\nHi.\n\n{{ note(text=\"y\") }}\n",
        );
    let run = s.cairn(&["check"]);
    run.failure();
    assert_eq!(
        run.error_lines(),
        [
            "templates/shortcodes/note.html:2:4: invalid type for the value, expected `usize` but got `string` (in 2 shortcode calls; first at content/a.md:4:1)"
        ]
    );
}

/// Did-you-mean for an unknown variable (not only a field) and for an
/// included template; a broken image written in Markdown at its place.
#[test]
fn suggestions_for_variables_includes_and_images() {
    let stderr = check_kpi_template("<h1>{{ pge.title }}</h1>\n");
    assert!(
        stderr.contains(
            "templates/kpi.html:3:8: variable `pge` is not defined (did you mean `page`?)"
        ),
        "{stderr}"
    );
    let stderr = check_kpi_template("{% include \"partials/compare_tabel.html\" %}\n");
    assert!(
        stderr.contains("template `partials/compare_tabel.html` not found (did you mean `partials/compare_table.html`?)"),
        "{stderr}"
    );
    let s = roles_site().file(
        "content/a.md",
        "---\ntitle: A\n---\nSee\n![chart](/img/nope.png)\n",
    );
    let run = s.cairn(&["check"]);
    run.failure();
    assert!(
        run.error_lines()[0].starts_with(
            "content/a.md:5:1: missing image `/img/nope.png` (looked for `static/img/nope.png` and `content/img/nope.png`)"
        ),
        "{}",
        run.stderr
    );
}
