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
