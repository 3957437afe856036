//! Knowledge-base Markdown (issue 22): callouts, math rendered to MathML
//! at build time, and their errors at their line and column.

use crate::util::TestSite;

fn site() -> TestSite {
    TestSite::empty()
        .file(
            "site.toml",
            "title = \"T\"\nbase_url = \"https://example.org/\"\nsearch = false\n\
             [collections.kpis.fields]\nformula = { type = \"text\" }\n",
        )
        .file("content/_index.md", "---\ntitle: Home\n---\n")
}

#[test]
fn callouts_render_as_titled_notes() {
    let s = site().file(
        "content/guide.md",
        "---\ntitle: Guide\n---\n\n> [!TIP] Before you apply\n> Check the **pay**.\n\n\
         > [!WARNING]\n> Titles travel badly.\n\n> A plain quote.\n",
    );
    s.cairn(&["build"]).success();
    let html = s.read("public/guide/index.html");
    assert!(
        html.contains("<div class=\"callout callout-tip\" role=\"note\">"),
        "{html}"
    );
    assert!(
        html.contains("</svg>Before you apply</p>\n<p>Check the <strong>pay</strong>.</p>\n</div>")
    );
    assert!(html.contains("<div class=\"callout callout-warning\" role=\"note\">"));
    assert!(html.contains("</svg>Warning</p>\n<p>Titles travel badly.</p>"));
    assert!(html.contains("<blockquote>\n<p>A plain quote.</p>\n</blockquote>"));
    assert!(!html.contains("[!TIP]"));
}

/// An unknown kind is an error at its marker, with the kinds; the same
/// run reports the page's other problems too.
#[test]
fn an_unknown_callout_kind_is_an_error_at_its_line() {
    let s = site().file(
        "content/guide.md",
        "---\ntitle: Guide\n---\n\nText.\n\n> [!DANGER]\n> Careful.\n\nSee [[nowhere]].\n",
    );
    for cmd in ["check", "build"] {
        let run = s.cairn(&[cmd]);
        run.failure();
        let lines = run.error_lines();
        assert_eq!(lines.len(), 2, "{}", run.stderr);
        assert_eq!(
            lines[0],
            "content/guide.md:7:3: unknown callout kind `[!DANGER]`: the kinds are `[!NOTE]`, \
             `[!TIP]`, `[!IMPORTANT]`, `[!WARNING]`, `[!CAUTION]`"
        );
        assert!(lines[1].starts_with("content/guide.md:10:5: "), "{lines:?}");
    }
}

#[test]
fn math_becomes_mathml_and_prices_stay_text() {
    let s = site()
        .file(
            "content/kpis/clv.md",
            "---\ntitle: CLV\nformula: '$\\text{CLV} = \\text{ARPU} \\times L$'\n---\n\n\
             Inline $a^2 + b^2$ and display:\n\n$$\n\\frac{\\sum_{i=1}^{n} x_i}{n}\n$$\n\n\
             Pay: $90k to $120k, $90k-$120k, $110,000 to\n$150,000 a year.\n",
        )
        .file("content/kpis/_index.md", "---\ntitle: KPIs\n---\n");
    s.cairn(&["build"]).success();
    let html = s.read("public/kpis/clv/index.html");
    assert!(
        html.contains("<math><msup><mi>a</mi><mn>2</mn></msup>"),
        "{html}"
    );
    assert!(html.contains("<math display=\"block\">"));
    assert!(html.contains("<mfrac>"));
    // The text field's formula too.
    assert!(html.contains("<mtext>CLV</mtext><mo>=</mo>"), "{html}");
    assert!(
        html.contains("Pay: $90k to $120k, $90k-$120k, $110,000 to\n$150,000 a year."),
        "{html}"
    );
    assert_eq!(html.matches("<math").count(), 3, "{html}");
}

/// A LaTeX error: at the problem's line and column in the body, at the
/// field's value in front-matter; the run goes on to report both.
#[test]
fn a_latex_error_is_reported_at_its_place() {
    let s = site().file(
        "content/kpis/clv.md",
        "---\ntitle: CLV\nformula: '$\\frac{a}$'\n---\n\nFine $x$, then\nbad $x + \\foo{y}$.\n",
    );
    let run = s.cairn(&["check"]);
    run.failure();
    assert_eq!(
        run.error_lines(),
        [
            "content/kpis/clv.md:3:10: `formula`: in math `\\frac{a}`: Expected argument but reached end of input.",
            "content/kpis/clv.md:7:10: in math `x + \\foo{y}`: Unknown command \"\\foo\".",
        ],
        "{}",
        run.stderr
    );
}

fn glossary_site() -> TestSite {
    TestSite::empty()
        .file(
            "site.toml",
            "title = \"T\"\nbase_url = \"https://example.org/\"\nsearch = false\n\
             [collections.kpis]\ntitle = \"KPIs\"\nautolink = true\n[collections.roles]\n",
        )
        .file("content/_index.md", "---\ntitle: Home\n---\n")
        .file(
            "content/kpis/nps.md",
            "---\ntitle: Net Promoter Score (NPS)\nterms: [promoter score]\n\
             description: How willing customers are to recommend.\n---\n\nThe NPS asks one question.\n",
        )
        .file(
            "content/kpis/cycle-time.md",
            "---\ntitle: Cycle time\n---\n\nFrom start to finish.\n",
        )
        .file("content/roles/po.md", "---\ntitle: PO\n---\n\nOwns cycle time.\n")
}

/// First mention per page, whole words, abbreviations as written; never
/// in headings, links, code or the entry's own page; counted as
/// backlinks; a page may opt out.
#[test]
fn glossary_terms_link_on_their_first_mention() {
    let s = glossary_site()
        .file(
            "content/guide.md",
            "---\ntitle: Guide\n---\n\n## NPS and cycle time\n\n\
             Track `NPS` in code, [the NPS](https://example.com), then NPS and the nps; \
             the net promoter score again; cycle times; bicycle time.\n",
        )
        .file(
            "content/quiet.md",
            "---\ntitle: Quiet\nautolink: false\n---\n\nNPS and cycle time.\n",
        );
    s.cairn(&["build"]).success();
    let html = s.read("public/guide/index.html");
    let links: Vec<&str> = html.matches("<a class=\"autolink\"").collect();
    assert_eq!(links.len(), 2, "{html}");
    assert!(
        html.contains(
            "then <a class=\"autolink\" href=\"/kpis/nps/\" data-title=\"Net Promoter Score (NPS)\" \
             data-kind=\"KPI\" data-summary=\"How willing customers are to recommend.\">NPS</a> and the nps;"
        ),
        "{html}"
    );
    assert!(html.contains(">cycle times</a>; bicycle time."), "{html}");
    assert!(html.contains("<code>NPS</code>"));
    assert!(!html.contains("<h2 id=\"nps-and-cycle-time\"><a"), "{html}");
    // The entry's own page does not link to itself; the opted-out page
    // links nothing.
    assert!(
        !s.read("public/kpis/nps/index.html")
            .contains("class=\"autolink\"")
    );
    assert!(
        !s.read("public/quiet/index.html")
            .contains("class=\"autolink\"")
    );
    // Roles do not auto-link (autolink is per collection), but link to KPIs.
    assert!(
        s.read("public/roles/po/index.html")
            .contains(">cycle time</a>.")
    );
    // Backlinks: the NPS page lists the guide.
    assert!(
        s.read("public/kpis/nps/index.html")
            .contains("href=\"/guide/\"")
    );
}

#[test]
fn a_term_two_entries_claim_is_an_error_naming_both() {
    let s = glossary_site().file(
        "content/kpis/net-promoter.md",
        "---\ntitle: Net promoter\nterms: [Promoter Score]\n---\n",
    );
    let run = s.cairn(&["check"]);
    run.failure();
    assert_eq!(
        run.error_lines(),
        [
            "content/kpis/nps.md:3:8: glossary term `promoter score` is claimed by two entries: \
          `content/kpis/net-promoter.md` and `content/kpis/nps.md`"
        ],
        "{}",
        run.stderr
    );
}

fn embed_site() -> TestSite {
    glossary_site().file(
        "content/kpis/cycle-time.md",
        "---\ntitle: Cycle time\n---\n\nFrom start to finish.\n\n## How to measure\n\n\
             Count working days.\n\n### Pitfalls\n\nWeekends.\n\n## Related\n\nLead time.\n",
    )
}

/// An embed shows the other page's section, headings moved under the
/// embedding heading, with a link to its source; it is a backlink.
#[test]
fn an_embed_shows_another_pages_section() {
    let s = embed_site().file(
        "content/guide.md",
        "---\ntitle: Guide\nautolink: false\n---\n\n## Measuring\n\n![[cycle-time#how-to-measure]]\n\nAfter.\n",
    );
    s.cairn(&["build"]).success();
    let html = s.read("public/guide/index.html");
    assert!(
        html.contains(
            "<div class=\"embed\">\n<p class=\"embed-source\">From <a href=\"/kpis/cycle-time/#how-to-measure\">\
             Cycle time › How to measure</a></p>\n<h3>How to measure</h3>\n<p>Count working days.</p>\n\
             <h4>Pitfalls</h4>\n<p>Weekends.</p>\n</div>\n<p>After.</p>"
        ),
        "{html}"
    );
    assert!(!html.contains("Lead time"));
    assert!(!html.contains("<p></p>"));
    assert!(
        s.read("public/kpis/cycle-time/index.html")
            .contains("href=\"/guide/\"")
    );
}

#[test]
fn embed_mistakes_are_errors_at_their_line() {
    let s = embed_site()
        .file(
            "content/guide.md",
            "---\ntitle: Guide\n---\n\n![[cycle-tim]]\n\n![[cycle-time#how-to-measur]]\n",
        )
        .file("content/a.md", "---\ntitle: A\n---\n\n![[b]]\n")
        .file("content/b.md", "---\ntitle: B\n---\n\n![[a]]\n");
    let run = s.cairn(&["check"]);
    run.failure();
    let lines = run.error_lines();
    assert!(
        lines.contains(&"content/guide.md:5:1: embed of a missing page `![[cycle-tim]]` (did you mean `![[cycle-time]]`?)"),
        "{lines:?}"
    );
    assert!(
        lines.contains(&"content/guide.md:7:1: embed of a missing heading `#how-to-measur` in `![[cycle-time]]` (did you mean `#how-to-measure`?)"),
        "{lines:?}"
    );
    assert!(
        lines.contains(&"content/a.md:5:1: embed cycle: `content/a.md` embeds `content/b.md` embeds `content/a.md`"),
        "{lines:?}"
    );
}

/// A wikilink by an entry's abbreviation or term (`[[nps]]`) is not a
/// link, but the error names the entry it means.
#[test]
fn a_wikilink_by_an_abbreviation_suggests_the_entry() {
    let s = TestSite::fixture("typed")
        .file(
            "content/kpis/net-promoter-score.md",
            "---\ntitle: Net Promoter Score (NPS)\ndefinition: Promoters minus detractors.\n---\n",
        )
        .file(
            "content/kpis/cycle-time.md",
            "---\ntitle: Cycle time\ndefinition: Start to done.\nterms: [lead time to done]\n---\n",
        )
        .file(
            "content/notes.md",
            "---\ntitle: Notes\n---\n\n[[nps]], [[kpis/nps]], [[lead-time-to-done]], [[xyz]].\n",
        );
    let run = s.cairn(&["check"]);
    run.failure();
    let lines = run.error_lines();
    for want in [
        "content/notes.md:5:1: wikilink to a missing page `[[nps]]` (did you mean `[[net-promoter-score]]`?)",
        "content/notes.md:5:10: wikilink to a missing page `[[kpis/nps]]` (did you mean `[[kpis/net-promoter-score]]`?)",
        "content/notes.md:5:24: wikilink to a missing page `[[lead-time-to-done]]` (did you mean `[[cycle-time]]`?)",
        "content/notes.md:5:47: wikilink to a missing page `[[xyz]]`",
    ] {
        assert!(lines.contains(&want), "no {want:?} in:\n{}", run.stderr);
    }
}
