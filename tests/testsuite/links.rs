//! A linked site: every link form resolved or reported at its place, tags,
//! aliases, collisions, breadcrumbs, neighbours, and the rendered-link check.

use crate::util::TestSite;

fn links() -> TestSite {
    TestSite::fixture("links")
}

fn with_body(s: &TestSite, body: &str) {
    s.write(
        "content/about.md",
        &format!("---\ntitle: About\n---\n\n{body}"),
    );
}

#[test]
fn every_link_form_resolves_with_the_subpath() {
    let s = links();
    let run = s.cairn(&["build"]);
    run.success();
    assert!(run.stderr.is_empty(), "{}", run.stderr);
    // Without the link-preview attributes (see `previews` in site.toml).
    let mut po = s.read("public/roles/product-owner/index.html");
    for attr in [" data-title=\"", " data-kind=\"", " data-summary=\""] {
        while let Some(at) = po.find(attr) {
            let end = po[at + attr.len()..].find('"').unwrap() + at + attr.len() + 1;
            po.replace_range(at..end, "");
        }
    }
    for needle in [
        r#"<a href="/kb/roles/product-manager/">the PM</a>"#,
        r#"<a href="/kb/roles/product-manager/#duties">PM duties</a>"#,
        r#"<a href="/kb/roles/product-manager/">Product Manager</a>"#,
        r#"<a href="/kb/roles/product-manager/">the manager</a>"#,
        r#"<a href="/kb/roles/product-manager/#duties">Product Manager</a>"#,
        r#"<a href="/kb/kpis/velocity/">Team velocity</a>"#,
        r##"<a href="#overview">"##,
        "<code>[[not-a-link]]</code>",
        "<code>[x](@/nowhere.md)</code>",
        "[[also-not-a-link]]\n</code></pre>",
    ] {
        assert!(po.contains(needle), "missing {needle}");
    }
}

#[test]
fn broken_links_are_errors_at_their_place() {
    let s = links();
    with_body(
        &s,
        "[a](@/roles/product-ownr.md) and [b](@/roles/product-owner.md#nope)\n\n\
         See [[product-managr]], [[roles/missing]] and [[product-manager#dutie]].\n\n\
         `[[in-code]]`\n",
    );
    let run = s.cairn(&["check"]);
    run.failure();
    assert_eq!(
        run.error_lines(),
        [
            "content/about.md:5:1: link to a missing file `content/roles/product-ownr.md` (did you mean `@/roles/product-owner.md`?)",
            "content/about.md:5:34: link to a missing heading `#nope` in `content/roles/product-owner.md`",
            "content/about.md:7:5: wikilink to a missing page `[[product-managr]]` (did you mean `[[product-manager]]`?)",
            "content/about.md:7:25: wikilink to a missing page `[[roles/missing]]`",
            "content/about.md:7:47: link to a missing heading `#dutie` in `content/roles/product-manager.md` (did you mean `#duties`?)",
        ]
    );
    // Headings are checked in the same run as the links (issue 16: they
    // used to wait until every link resolved).
    with_body(
        &s,
        "[b](@/roles/product-owner.md#nope)\n\nSee [[product-manager#dutie]].\n",
    );
    let run = s.cairn(&["check"]);
    run.failure();
    assert_eq!(
        run.error_lines(),
        [
            "content/about.md:5:1: link to a missing heading `#nope` in `content/roles/product-owner.md`",
            "content/about.md:7:5: link to a missing heading `#dutie` in `content/roles/product-manager.md` (did you mean `#duties`?)",
        ]
    );
    // `build` no longer holds the texts when it checks headings: the same
    // errors, with the offending line quoted.
    let build = s.cairn(&["build"]);
    build.failure();
    assert_eq!(build.error_lines(), run.error_lines());
    assert!(
        build.stderr.contains("See [[product-manager#dutie]]."),
        "{}",
        build.stderr
    );
}

#[test]
fn links_to_drafts_fail_unless_drafts_are_built() {
    let s = links().file(
        "content/secret.md",
        "---\ntitle: Secret\ndraft: true\n---\n",
    );
    with_body(&s, "[s](@/secret.md) and [[secret]]\n");
    let run = s.cairn(&["check"]);
    run.failure();
    assert_eq!(
        run.error_lines(),
        [
            "content/about.md:5:1: link to a draft: `content/secret.md` (build with `--drafts` to include it)",
            "content/about.md:5:22: wikilink to a draft: `[[secret]]` (build with `--drafts` to include it)",
        ]
    );
    s.cairn(&["check", "--drafts"]).success();
}

#[test]
fn ambiguous_wikilink_lists_both() {
    let s = links().file(
        "content/kpis/product-owner.md",
        "---\ntitle: PO metric\n---\n",
    );
    with_body(&s, "Ask the [[product-owner]].\n");
    let run = s.cairn(&["check"]);
    run.failure();
    let lines = run.error_lines();
    // The fixture's own [[product-owner]] links are ambiguous now too.
    assert!(lines.contains(
        &"content/about.md:5:9: wikilink `[[product-owner]]` is ambiguous: it matches `content/kpis/product-owner.md` and `content/roles/product-owner.md`; write `[[kpis/product-owner]]` or `[[roles/product-owner]]`"
    ), "{lines:?}");
}

#[test]
fn heading_ids_stay_unique() {
    let s = links();
    s.cairn(&["build"]).success();
    let pm = s.read("public/roles/product-manager/index.html");
    assert!(pm.contains(r#"<h2 id="overview">"#) && pm.contains(r#"<h2 id="overview-1">"#));
    assert!(
        pm.contains(r#"<nav class="toc" aria-labelledby="toc-heading">"#),
        "three headings get a TOC"
    );
    assert!(pm.contains(r##"<a class="anchor" href="#duties""##));
}

#[test]
fn body_links_are_backlinks_without_duplicates() {
    let s = links().file(
        "templates/page.html",
        "{% for b in page.backlinks %}{{ b.title }}|{{ b.field }};{% endfor %}",
    );
    s.write(
        "content/kpis/velocity.md",
        "---\ntitle: Team velocity\n---\n\nOwned by the [[product-owner]].\n",
    );
    s.cairn(&["build"]).success();
    // Velocity: the PO refers to it by field and links it in the text: once.
    assert_eq!(
        s.read("public/kpis/velocity/index.html"),
        "Product Owner|Success metrics;"
    );
    assert_eq!(
        s.read("public/roles/product-owner/index.html"),
        "Team velocity|Mentioned in;Links home|Mentioned in;"
    );
    assert_eq!(
        s.read("public/roles/product-manager/index.html"),
        "Product Owner|Mentioned in;"
    );
}

#[test]
fn tags_pages_and_merging() {
    let s = links();
    s.cairn(&["build"]).success();
    let tags = s.read("public/tags/index.html");
    assert!(
        tags.contains(r#"<a href="/kb/tags/agile/">Agile</a> <span class="count">(2)</span>"#),
        "{tags}"
    );
    assert!(tags.contains(r#"<a href="/kb/tags/scrum/">Scrum</a> <span class="count">(2)</span>"#));
    let scrum = s.read("public/tags/scrum/index.html");
    assert!(scrum.contains(r#"<a href="/kb/roles/product-owner/">Product Owner</a>"#));
    assert!(scrum.contains(r#"<a href="/kb/kpis/velocity/">Team velocity</a>"#));
    assert!(
        s.read("public/roles/product-owner/index.html")
            .contains(r#"<a href="/kb/tags/agile/" rel="tag">Agile</a>"#)
    );
    // Two spellings of one slug: merged, with a warning, written once.
    let pm = s
        .read("content/roles/product-manager.md")
        .replace("tags: [Agile]", "tags: [agile]");
    s.write("content/roles/product-manager.md", &pm);
    let run = s.cairn(&["build"]);
    run.success();
    assert_eq!(
        run.error_lines(),
        [
            "content/roles/product-owner.md:5:8: warning: tag `Agile` is merged with `agile`: both make `/tags/agile/`"
        ]
    );
    assert!(
        s.read("public/tags/agile/index.html")
            .contains("Product Owner")
    );
}

#[test]
fn aliases_redirect_and_collisions_are_errors() {
    let s = links();
    s.cairn(&["build"]).success();
    let po = s.read("public/po/index.html");
    assert!(
        po.contains(r#"<meta http-equiv="refresh" content="0; url=/kb/roles/product-owner/">"#)
    );
    assert!(
        po.contains(r#"<link rel="canonical" href="https://example.org/kb/roles/product-owner/">"#)
    );
    assert!(s.path("public/old/product-owner.html").exists());
    // An alias on a real page.
    s.write(
        "content/kpis/velocity.md",
        "---\ntitle: Team velocity\naliases: [/roles/product-manager/]\n---\n",
    );
    let run = s.cairn(&["build"]);
    run.failure();
    assert_eq!(
        run.error_lines(),
        [
            "content/kpis/velocity.md (alias): `content/roles/product-manager.md` and `content/kpis/velocity.md (alias)` both write the same output `/roles/product-manager/index.html`"
        ]
    );
    s.write(
        "content/kpis/velocity.md",
        "---\ntitle: Team velocity\naliases: [../../etc/]\n---\n",
    );
    let run = s.cairn(&["build"]);
    run.failure();
    assert_eq!(
        run.error_lines(),
        [
            "content/kpis/velocity.md:3:11: alias `../../etc/` must not contain empty, `.` or `..` segments"
        ]
    );
}

#[test]
fn paths_differing_only_in_case_collide() {
    let s = links()
        .file(
            "content/Roles-Guide.md",
            "---\ntitle: A\nslug: roles-guide\n---\n",
        )
        .file("content/roles-guide.md", "---\ntitle: B\n---\n");
    let run = s.cairn(&["build"]);
    run.failure();
    assert!(
        run.stderr
            .contains("map to the same output path `/roles-guide/`"),
        "{}",
        run.stderr
    );
    let s = links().file("static/Style.css", "x");
    let run = s.cairn(&["build"]);
    run.failure();
    assert!(
        run.stderr
            .contains("both write outputs that differ only in case `/style.css`"),
        "{}",
        run.stderr
    );
}

#[test]
fn breadcrumbs_and_neighbours() {
    let s = links();
    s.cairn(&["build"]).success();
    let po = s.read("public/roles/product-owner/index.html");
    assert!(po.contains(r#"<li><a href="/kb/">Links home</a></li><li><a href="/kb/roles/">Roles</a></li><li><span aria-current="page">Product Owner</span></li>"#));
    assert!(po.contains(r#"<a class="prev" rel="prev" href="/kb/roles/product-manager/">"#));
    assert!(!po.contains(r#"class="next""#));
    let pm = s.read("public/roles/product-manager/index.html");
    assert!(pm.contains(r#"<a class="next" rel="next" href="/kb/roles/product-owner/">"#));
}

#[test]
fn check_catches_broken_links_written_by_templates() {
    let s = links().file(
        "templates/page.html",
        "{% extends \"base.html\" %}{% block content %}<a href=\"{{ site.base_path }}roles/ghost/\">x</a><a href=\"{{ page.url }}#missing-id\">y</a>{{ page.content | safe }}{% endblock content %}",
    );
    let run = s.cairn(&["check"]);
    run.failure();
    let lines = run.error_lines();
    assert!(lines.contains(&"content/roles/product-owner.md: broken link `/kb/roles/ghost/` on `/roles/product-owner/index.html`: leads to `/roles/ghost/index.html`, which the site does not have"), "{lines:?}");
    assert!(
        lines.iter().any(
            |l| l.contains("broken link `/kb/roles/product-owner/#missing-id`")
                && l.contains("no element with id `missing-id`")
        ),
        "{lines:?}"
    );
    // build runs the same check and writes nothing.
    s.cairn(&["build"]).failure();
    assert!(!s.path("public").exists());
    // Plain Markdown links are checked the same way, and reported at their
    // line and column.
    let s = links();
    with_body(&s, "[gone](/kb/nowhere/)\n");
    let run = s.cairn(&["check"]);
    run.failure();
    assert_eq!(
        run.error_lines(),
        [
            "content/about.md:5:1: broken link `/kb/nowhere/`: leads to `/nowhere/index.html`, which the site does not have"
        ]
    );
}

/// A tiny HTTP server on a free local port: `/ok` answers 200, `/gone` 404,
/// `/slow` waits three seconds. Returns the port.
fn local_server() -> u16 {
    use std::io::{BufRead, BufReader, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming().take(50) {
            let Ok(mut stream) = stream else { continue };
            std::thread::spawn(move || {
                let mut line = String::new();
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                reader.read_line(&mut line).unwrap_or(0);
                // Drain the headers.
                let mut h = String::new();
                while reader.read_line(&mut h).unwrap_or(0) > 2 {
                    h.clear();
                }
                let status = if line.contains(" /ok ") {
                    "200 OK"
                } else if line.contains(" /slow ") {
                    std::thread::sleep(std::time::Duration::from_secs(3));
                    "200 OK"
                } else {
                    "404 Not Found"
                };
                let _ = write!(
                    stream,
                    "HTTP/1.1 {status}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                );
            });
        }
    });
    port
}

#[test]
fn external_links_are_checked_only_when_asked() {
    let port = local_server();
    let s = links();
    with_body(
        &s,
        &format!(
            "[ok](http://127.0.0.1:{port}/ok) [gone](http://127.0.0.1:{port}/gone) [slow](http://127.0.0.1:{port}/slow)\n"
        ),
    );
    // The default needs no network and does not look.
    s.cairn(&["check"]).success();
    let run = s.cairn(&["check", "--external", "--timeout", "1"]);
    run.failure();
    assert_eq!(
        run.error_lines(),
        [
            format!("content/about.md: external link `http://127.0.0.1:{port}/gone` is broken: answered 404").as_str(),
            format!("content/about.md: external link `http://127.0.0.1:{port}/slow` is broken: timed out").as_str(),
        ]
    );
    assert!(
        run.stdout
            .contains("external links: 3 checked on 1 host, 2 broken"),
        "{}",
        run.stdout
    );
}

/// HTML shown in a code block is text: its `href="..."` and `id="..."`
/// are neither links to check nor anchors (a theme guide that showed a
/// template in an untagged code block failed the build).
#[test]
fn html_shown_in_a_code_block_is_not_a_link() {
    let s = TestSite::fixture("links");
    s.write(
        "content/shown.md",
        "---\ntitle: Shown\n---\n\nSee [the anchor](#real).\n\n```\n<a href=\"{{ page.permalink }}\">x</a>\n<p id=\"fake\"></p>\n```\n\n    <link href=\"missing.css\">\n\n## Real\n",
    );
    let run = s.cairn(&["build"]);
    run.success();
    let html = s.read("public/shown/index.html");
    assert!(
        html.contains("href=&quot;{{ page.permalink }}&quot;")
            || html.contains("href=\"{{ page.permalink }}\""),
        "{html}"
    );
    // An anchor that exists only inside the code block is still missing.
    s.write(
        "content/shown.md",
        "---\ntitle: Shown\n---\n\nSee [it](#fake).\n\n```\n<p id=\"fake\"></p>\n```\n",
    );
    let run = s.cairn(&["check"]);
    run.failure();
    assert!(run.stderr.contains("#fake"), "{}", run.stderr);
}
