//! Hostile input and faults, the cases not already covered by the other
//! suites (see the manual's docs/content/guides/guarantees.md for the full list and where each
//! case is tested): odd files, odd paths, symlinks, killed builds, and
//! content that tries to run as a template or script.

use std::time::Duration;

use crate::util::{TestSite, tree};

const CONFIG: &str = "title = \"T\"\nbase_url = \"https://example.org/\"\n[collections.roles]\n[collections.roles.fields]\nhome = { type = \"url\" }\n";

fn site() -> TestSite {
    TestSite::empty()
        .file("site.toml", CONFIG)
        .file("content/_index.md", "---\ntitle: Home\n---\n")
}

fn first_error(s: &TestSite) -> String {
    let run = s.cairn(&["build"]);
    run.failure();
    run.error_lines()
        .first()
        .map(|l| l.to_string())
        .unwrap_or_default()
}

#[test]
fn odd_files_get_clear_errors() {
    let s = site().file("content/empty.md", "");
    assert_eq!(first_error(&s), "content/empty.md:1:1: the file is empty");
    let s = site().file("content/tabs.md", "---\ntitle: T\n\tdescription: x\n---\n");
    let e = first_error(&s);
    assert!(e.starts_with("content/tabs.md:3:"), "{e}");
    let mut deep = String::from("---\ntitle: T\nextra: ");
    deep.push_str(&"[".repeat(300));
    deep.push_str(&"]".repeat(300));
    deep.push_str("\n---\n");
    let s = site().file("content/deep.md", &deep);
    assert!(first_error(&s).starts_with("content/deep.md:3:"));
    let mut bomb = String::from("---\ntitle: T\nextra:\n  a: &a [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 0..10 {
        let prev = if i == 0 {
            "a".to_string()
        } else {
            format!("b{}", i - 1)
        };
        bomb.push_str(&format!("  b{i}: &b{i} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"));
    }
    bomb.push_str("---\n");
    let s = site().file("content/bomb.md", &bomb);
    let t = std::time::Instant::now();
    let e = first_error(&s);
    assert!(e.starts_with("content/bomb.md:"), "{e}");
    assert!(
        t.elapsed() < Duration::from_secs(10),
        "an alias bomb is bounded"
    );
}

#[test]
fn fifty_megabytes_is_refused_quickly() {
    let s = site();
    let mut big = String::from("---\ntitle: Big\n---\n");
    big.push_str(&"lorem ipsum ".repeat(50 * 1024 * 1024 / 12));
    s.write("content/big.md", &big);
    let t = std::time::Instant::now();
    assert_eq!(
        first_error(&s),
        "content/big.md: file is 50 MB, over the 8 MB limit for content files"
    );
    assert!(t.elapsed() < Duration::from_secs(5));
}

#[test]
fn hostile_slugs_and_names() {
    for (slug, expected) in [
        (
            "../../x",
            "slug `../../x` must be lowercase letters, digits, `-` and `_` only",
        ),
        (
            "a/b",
            "slug `a/b` must be lowercase letters, digits, `-` and `_` only",
        ),
        ("\"\"", "slug is empty"),
        ("con", "slug `con` is a reserved file name on Windows hosts"),
        (
            "a:b",
            "slug `a:b` must be lowercase letters, digits, `-` and `_` only",
        ),
        (
            "x.",
            "slug `x.` must be lowercase letters, digits, `-` and `_` only",
        ),
    ] {
        let s = site().file(
            "content/roles/r.md",
            &format!("---\ntitle: R\nslug: {slug}\n---\n"),
        );
        assert_eq!(
            first_error(&s),
            format!("content/roles/r.md:3:7: {expected}"),
            "{slug}"
        );
        assert!(!s.path("public").exists(), "nothing written for {slug}");
    }
    let s = site().file("content/roles/!!!.md", "---\ntitle: R\n---\n");
    assert!(first_error(&s).contains("gives an empty slug"));
    let run = site().cairn(&["new", "roles", "!!!"]);
    run.failure();
    assert!(run.stderr.contains("title `!!!` gives an empty slug"));
}

#[test]
fn unicode_slugs_are_built_linked_and_served() {
    let s = site()
        .file(
            "content/roles/café-crème.md",
            "---\ntitle: Café\n---\n\nSee [[rôle-été]].\n",
        )
        .file("content/roles/rôle-été.md", "---\ntitle: Été\n---\n");
    s.cairn(&["build"]).success();
    assert!(s.path("public/roles/café-crème/index.html").exists());
    assert!(
        s.read("public/roles/café-crème/index.html")
            .contains("href=\"/roles/rôle-été/\"")
    );
}

/// Unix only: a symbolic link on Windows needs a privilege.
#[cfg(unix)]
#[test]
fn symlinks_out_of_the_site_are_not_followed() {
    let s = site();
    std::fs::write(s.path("../outside.md"), "---\ntitle: Outside secret\n---\n").unwrap();
    std::fs::write(s.path("../outside.css"), "secret").unwrap();
    std::fs::create_dir_all(s.path("static")).unwrap();
    std::os::unix::fs::symlink(s.path("../outside.md"), s.path("content/leak.md")).unwrap();
    std::os::unix::fs::symlink(s.path("../outside.css"), s.path("static/leak.css")).unwrap();
    // Inside the site, symlinks work.
    s.write("shared/inside.md", "---\ntitle: Inside\n---\n");
    std::os::unix::fs::symlink(s.path("shared/inside.md"), s.path("content/inside.md")).unwrap();
    let run = s.cairn(&["build"]);
    run.success();
    assert!(
        run.stderr
            .contains("content/leak.md: warning: symlink points outside the site"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("static/leak.css: warning: symlink points outside the site"),
        "{}",
        run.stderr
    );
    assert!(!s.path("public/leak").exists());
    assert!(!s.path("public/leak.css").exists());
    assert!(s.read("public/inside/index.html").contains("Inside"));
}

#[test]
fn template_syntax_in_content_is_text_and_scripts_are_escaped() {
    let s = site().file(
        "content/roles/x.md",
        "---\ntitle: \"<script>alert('t')</script> & \\\"q\\\"\"\ndescription: \"</script><script>alert(1)</script>\"\nhome: \"https://example.org/?a=<b>\"\ntags: [\"<img src=x onerror=alert(1)>\"]\n---\n\n{{ config }} {% include \"base.html\" %} {{ site.title }}\n",
    );
    s.cairn(&["build"]).success();
    let html = s.read("public/roles/x/index.html");
    assert!(
        html.contains("{{ config }} {% include \"base.html\" %} {{ site.title }}"),
        "template syntax stays text"
    );
    assert!(
        !html.contains("<script>alert"),
        "no title or field becomes a script element"
    );
    assert!(!html.contains("<img src=x"));
    let ld_start = html.find("application/ld+json\">").unwrap();
    let ld = &html[ld_start..ld_start + html[ld_start..].find("</script>").unwrap()];
    assert!(!ld.contains('<'), "JSON-LD escapes every <");
    for f in [
        "public/atom.xml",
        "public/sitemap.xml",
        "public/tags/index.html",
    ] {
        let text = s.read(f);
        assert!(
            !text.contains("<script>") && !text.contains("<img src=x"),
            "{f}"
        );
    }
    let (_, files) = (0, tree(&s.path("public/search")));
    for (name, bytes) in files.into_iter().filter(|(n, _)| n.ends_with(".json")) {
        let text = String::from_utf8_lossy(&bytes);
        assert!(!text.contains('<'), "search/{name} holds raw markup");
    }
    // A javascript: URL in a url field is refused.
    s.write(
        "content/roles/y.md",
        "---\ntitle: Y\nhome: \"javascript:alert(1)\"\n---\n",
    );
    assert_eq!(
        first_error(&s),
        "content/roles/y.md:3:7: `home` value `javascript:alert(1)` is not a URL"
    );
}

#[test]
fn templates_that_include_or_extend_themselves_are_errors() {
    let s = site()
        .file("templates/page.html", "{% include \"page.html\" %}")
        .file("content/x.md", "---\ntitle: X\n---\n");
    let run = s.cairn(&["build"]);
    run.failure();
    assert!(
        run.stderr.to_lowercase().contains("circular"),
        "{}",
        run.stderr
    );
    let s = site()
        .file("templates/page.html", "{% extends \"page.html\" %}")
        .file("content/x.md", "---\ntitle: X\n---\n");
    let run = s.cairn(&["build"]);
    run.failure();
    assert!(
        run.stderr.to_lowercase().contains("circular"),
        "{}",
        run.stderr
    );
}

/// A site big enough that a build takes a noticeable time to write.
/// Share cards are off: these tests are about the output folder, and
/// 1,500 cards drawn on every build would only slow them down.
fn big_site(version: &str) -> TestSite {
    let s = site();
    s.write("site.toml", &format!("{CONFIG}\n[images]\ncards = false\n"));
    for i in 0..1500 {
        s.write(
            &format!("content/roles/r{i:04}.md"),
            &format!(
                "---\ntitle: Role {i}\n---\n\n## Part one\n\n{version} {}\n",
                "text ".repeat(200)
            ),
        );
    }
    s
}

/// Starts `cairn build` in `s` and SIGKILLs it after `delay_ms`.
fn kill_build_after(s: &TestSite, delay_ms: u64) {
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_cairn"))
        .arg("build")
        .current_dir(&s.root)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(delay_ms));
    let _ = child.kill(); // SIGKILL
    let _ = child.wait();
}

/// Every file in `public/` of `s` equals the same file of one of
/// `versions` (cairn's bookkeeping and the temporary files the next build
/// clears aside).
fn assert_only_whole_files(
    s: &TestSite,
    delay_ms: u64,
    versions: &[&std::collections::BTreeMap<String, Vec<u8>>],
) {
    for (rel, bytes) in tree(&s.path("public")) {
        if rel.starts_with(".cairn") || rel.ends_with(".cairn-tmp") {
            continue;
        }
        assert!(
            versions.iter().any(|v| v.get(&rel) == Some(&bytes)),
            "after a kill at {delay_ms} ms, {rel} is not a whole file of any version"
        );
    }
}

#[test]
fn killed_builds_leave_whole_files_and_the_next_build_completes() {
    let s = big_site("old");
    s.cairn(&["build"]).success();
    let old = tree(&s.path("public"));
    // Change every page, then kill builds at several moments.
    for i in 0..1500 {
        s.write(
            &format!("content/roles/r{i:04}.md"),
            &format!(
                "---\ntitle: Role {i}\n---\n\n## Part one\n\nnew {}\n",
                "text ".repeat(200)
            ),
        );
    }
    s.cairn(&["build", "--output", "reference"]).success();
    let new = tree(&s.path("reference"));
    for delay in [30u64, 80, 150, 250, 400] {
        kill_build_after(&s, delay);
        assert_only_whole_files(&s, delay, &[&old, &new]);
    }
    s.cairn(&["build"]).success();
    assert_eq!(
        tree(&s.path("public")),
        new,
        "the next build completes the output"
    );
    assert!(!s.path("public/.cairn-tmp").exists());
}

#[test]
fn killed_first_builds_show_only_whole_files_and_the_next_build_completes() {
    let s = big_site("first");
    s.cairn(&["build", "--output", "reference"]).success();
    let whole = tree(&s.path("reference"));
    for delay in [30u64, 80, 150, 250, 400] {
        // Into an empty folder each time (files go to a hidden tree whose
        // folders are moved into place at the end).
        let _ = std::fs::remove_dir_all(s.path("public"));
        kill_build_after(&s, delay);
        assert_only_whole_files(&s, delay, &[&whole]);
        s.cairn(&["build"]).success();
        assert_eq!(
            tree(&s.path("public")),
            whole,
            "the next build completes the output (kill at {delay} ms)"
        );
        assert!(!s.path("public/.cairn-tmp").exists());
    }
}

#[test]
fn front_matter_edge_cases_in_one_place() {
    // Accepted: a byte-order mark, CRLF, delimiters with trailing spaces.
    let s = site()
        .file("content/bom.md", "\u{feff}---\ntitle: Bom\n---\nText\n")
        .file("content/crlf.md", "---\r\ntitle: Crlf\r\n---\r\nText\r\n")
        .file("content/spaces.md", "---   \ntitle: Spaces\n--- \t\nText\n");
    s.cairn(&["build"]).success();
    for p in ["bom", "crlf", "spaces"] {
        assert!(s.path(&format!("public/{p}/index.html")).exists(), "{p}");
    }
    // Refused, each at its place.
    for (text, expected) in [
        (
            "---\ntitle: Open\nno end\n",
            "content/x.md:1:1: front-matter opened with `---` is never closed",
        ),
        (
            "+++\ntitle = \"t\"\n+++\n",
            "content/x.md:1:1: TOML front-matter (`+++`) is not supported",
        ),
        (
            "---\ntitle: a\ntitle: b\n---\n",
            "content/x.md:3:1: duplicate key `title` (first set at line 2)",
        ),
    ] {
        let s = site().file("content/x.md", text);
        assert_eq!(first_error(&s), expected);
    }
    let s = site();
    s.write_bytes("content/x.md", b"---\ntitle: Caf\xe9\n---\n");
    assert_eq!(
        first_error(&s),
        "content/x.md:2:11: file is not valid UTF-8 (it may be Latin-1 or another legacy encoding)"
    );
}

#[test]
fn pathological_markdown_builds_in_bounded_time() {
    let mut body = "[ (](".repeat(20_000);
    body.push_str("\n\n");
    body.push_str(&"*".repeat(20_000));
    body.push_str("\n\n");
    body.push_str(&"[".repeat(10_000));
    body.push_str(&"]".repeat(10_000));
    body.push_str("\n\n");
    for i in 0..5000 {
        body.push_str(&format!("[ref{i}]: https://example.org/{i}\n"));
    }
    let s = site().file("content/p.md", &format!("---\ntitle: P\n---\n\n{body}"));
    let t = std::time::Instant::now();
    let run = s.cairn(&["build"]);
    assert!(
        t.elapsed() < Duration::from_secs(20),
        "took {:?}",
        t.elapsed()
    );
    // Thousands of nested brackets make a wikilink to a page that does not
    // exist: a clean error at its place, not a hang or a crash.
    run.failure();
    assert!(
        run.error_lines()
            .iter()
            .all(|l| l.starts_with("content/p.md:")),
        "{}",
        run.stderr
    );
    let s = site().file(
        "content/c.md",
        "---\ntitle: C\n---\n\n```\"><script>alert(1)</script>\ncode\n```\n",
    );
    s.cairn(&["build"]).success();
    assert!(
        !s.read("public/c/index.html").contains("<script>alert"),
        "a hostile fence language is escaped"
    );
}

#[test]
fn output_paths_that_collide_are_refused_before_writing() {
    let s = site()
        .file("content/roles/a.md", "---\ntitle: A\nslug: same\n---\n")
        .file("content/roles/b.md", "---\ntitle: B\nslug: same\n---\n");
    let run = s.cairn(&["build"]);
    run.failure();
    assert!(
        run.stderr
            .contains("map to the same output path `/roles/same/`")
    );
    let s = site()
        .file("content/Guide.md", "---\ntitle: G\nslug: guide-x\n---\n")
        .file("content/guide-x.md", "---\ntitle: g\n---\n");
    let run = s.cairn(&["build"]);
    run.failure();
    assert!(!s.path("public").exists());
}

#[test]
fn decomposed_unicode_file_names_meet_composed_links() {
    // A file name stored decomposed (e + U+0301, as macOS writes it), linked
    // from text typed composed (U+00E9).
    let s = site()
        .file(
            "content/roles/cafe\u{301}-guide.md",
            "---\ntitle: Café guide\n---\n",
        )
        .file(
            "content/roles/links.md",
            "---\ntitle: Links\n---\n\n[[caf\u{e9}-guide]] and [g](@/roles/caf\u{e9}-guide.md)\n",
        );
    s.cairn(&["build"]).success();
    assert!(
        s.path("public/roles/caf\u{e9}-guide/index.html").exists(),
        "the slug is composed"
    );
    let html = s.read("public/roles/links/index.html");
    // Link URLs are percent-encoded by the Markdown renderer.
    assert_eq!(
        html.matches("href=\"/roles/caf%C3%A9-guide/\"").count(),
        2,
        "both links resolve"
    );
}

/// Issue 18, case 1: each diagnostic copied its whole source line, so a
/// 240 KB line of broken wikilinks took 18.8 GB. Now a bounded excerpt, one
/// pass over the text for all positions, and 20 problems printed per file.
#[test]
fn forty_thousand_broken_links_on_one_line_fit_in_little_memory() {
    let body = "[[n]] ".repeat(40_000);
    let s = site().file("content/links.md", &format!("---\ntitle: L\n---\n{body}\n"));
    let t = std::time::Instant::now();
    let run = s.cairn_limited(&["check"], 1 << 30);
    run.failure();
    assert!(t.elapsed() < Duration::from_secs(60), "{:?}", t.elapsed());
    let firsts = run.error_lines();
    assert_eq!(
        firsts
            .iter()
            .filter(|l| l.starts_with("content/links.md:4:"))
            .count(),
        20,
        "{}",
        &run.stderr[..run.stderr.len().min(3000)]
    );
    assert!(
        run.stderr
            .contains("content/links.md: and 39980 more problems in this file"),
        "{}",
        &run.stderr[run.stderr.len().saturating_sub(2000)..]
    );
    assert!(run.stderr.contains("check failed with 40000 errors"));
    // The quoted line is an excerpt around the column, caret under it.
    assert!(run.stderr.lines().all(|l| l.chars().count() < 400));
    let quoted: Vec<&str> = run
        .stderr
        .lines()
        .filter(|l| l.starts_with("4 | "))
        .collect();
    assert_eq!(quoted.len(), 20);
    assert!(quoted.iter().all(|q| q.ends_with('…')), "{}", quoted[5]);
}

/// Issue 18, case 2: heading ids were found by trying every suffix against
/// every id so far (cubic); five thousand equal headings took 116 s. Each
/// known worst shape, 1 MB of it, must now build in bounded time.
#[test]
fn a_megabyte_of_each_worst_shape_builds_in_bounded_time() {
    let shapes = [
        ("equal-headings", "## a\n\n"),
        ("equal-explicit-ids", "## t {#x}\n\n"),
        ("mixed-levels", "# a\n\n### a\n\n## a-1\n\n"),
        ("fragment-links", "## a\n\n[[#a-7]] [[#nowhere]]\n\n"),
        ("wikilinks", "[[missing]] [[#x]] "),
        ("shortcode-errors", "{{ nope() }} "),
    ];
    for (name, unit) in shapes {
        let body = unit.repeat((1 << 20) / unit.len());
        let s = site().file(
            &format!("content/{name}.md"),
            &format!("---\ntitle: W\n---\n{body}\n"),
        );
        let t = std::time::Instant::now();
        let run = s.cairn_limited(&["check"], 2 << 30);
        let took = t.elapsed();
        assert!(
            run.code == 0 || run.code == 1,
            "{name}: {}",
            &run.stderr[..run.stderr.len().min(2000)]
        );
        assert!(took < Duration::from_secs(60), "{name} took {took:?}");
    }
}

/// Issue 18, case 6: an alias or static file that needs a file where
/// another output needs a folder passed `check`, then broke `build` half
/// way (and turned `sitemap.xml` into a folder). Now one check of every
/// output path, file against folder included, in `check` and `build`.
#[test]
fn a_file_where_another_output_needs_a_folder_is_an_error_before_any_write() {
    let s = site().file(
        "content/roles/po.md",
        "---\ntitle: PO\naliases: [\"/sitemap.xml\"]\n---\nBody\n",
    );
    for cmd in ["check", "build"] {
        let run = s.cairn(&[cmd]);
        run.failure();
        assert!(
            run.stderr.contains("content/roles/po.md (alias): `sitemap.xml` (generated) writes the file `/sitemap.xml`, where content/roles/po.md (alias) needs a folder for `/sitemap.xml/index.html`"),
            "{cmd}: {}",
            run.stderr
        );
    }
    assert!(!s.path("public").exists(), "nothing written");
    let s = site()
        .file("content/roles/po.md", "---\ntitle: PO\n---\nBody\n")
        .file("static/roles", "a file named like the collection");
    for cmd in ["check", "build"] {
        let run = s.cairn(&[cmd]);
        run.failure();
        assert!(
            run.stderr
                .contains("static/roles: static/roles writes the file `/roles`, where "),
            "{cmd}: {}",
            run.stderr
        );
    }
}

/// Issue 18, case 9: `aliases: ["/.git/hooks/"]` wrote into `.git`, and
/// `cairn new roles "Con"` made `con.md`, a device name on Windows.
#[test]
fn no_output_path_leads_into_a_dot_folder_or_a_windows_device_name() {
    let s = site().file(
        "content/roles/po.md",
        "---\ntitle: PO\naliases: [\"/.git/hooks/\", \"/old/nul/\"]\n---\nBody\n",
    );
    let run = s.cairn(&["build"]);
    run.failure();
    assert!(
        run.stderr.contains(
            "alias `/.git/hooks/` must not lead into a hidden folder or file like `.git`"
        ),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("alias `/old/nul/` uses `nul`, a reserved file name on Windows hosts"),
        "{}",
        run.stderr
    );
    assert!(!s.path("public").exists());
    let s = site().file("content/roles/con.md", "---\ntitle: Con\n---\n");
    let run = s.cairn(&["check"]);
    run.failure();
    assert!(
        run.stderr
            .contains("makes the URL segment `con`, a reserved file name on Windows hosts"),
        "{}",
        run.stderr
    );
    let s = site();
    let run = s.cairn(&["new", "roles", "Con"]);
    run.failure();
    assert!(
        run.stderr
            .contains("gives the slug `con`, a reserved file name on Windows hosts"),
        "{}",
        run.stderr
    );
    assert!(!s.path("content/roles/con.md").exists());
}

/// Issue 18, case 3, beyond `range`: loops over a stored range (or any
/// list) are not counted by `range`, so everything a page's template
/// writes is metered: past the time budget (`CAIRN_TEMPLATE_BUDGET`,
/// seconds) or 100 MB, the render stops with an error at the line of the
/// last text it wrote, and the previous output stays as it was.
#[test]
fn runaway_loops_over_a_stored_range_stop_at_their_template_line() {
    let s = site();
    s.cairn(&["build"]).success();
    let before = published(&s);
    // Slow and small (20 MB in all, written once per 999 turns): the time
    // budget stops it, never the size budget.
    s.write(
        "templates/index.html",
        "<html><body>\n{% set r = range(end=999) %}\n{% for a in r %}{% for b in r %}{% for c in r %}{% if c == 0 %}\n  <b class=\"cell\">\n{% endif %}{% endfor %}{% endfor %}{% endfor %}\n</body></html>\n",
    );
    let t = std::time::Instant::now();
    let run = s.cairn_with(&["build"], &[("CAIRN_TEMPLATE_BUDGET", "1")]);
    run.failure();
    assert!(t.elapsed() < Duration::from_secs(20), "{:?}", t.elapsed());
    let first = run.error_lines()[0].to_string();
    assert!(
        first.starts_with("templates/index.html:4:3: rendering stopped after 1 s"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("CAIRN_TEMPLATE_BUDGET"),
        "{}",
        run.stderr
    );
    assert!(published(&s) == before, "the output changed");
    // Fast and large: the size budget stops it, whatever the time budget
    // (raised here, so that a loaded machine cannot let time win first).
    s.write(
        "templates/index.html",
        "<html><body>\n{% set r = range(end=999) %}\n{% for a in r %}{% for b in r %}{% for c in r %}\n  <i class=\"cell\">{{ c }}</i>\n{% endfor %}{% endfor %}{% endfor %}\n</body></html>\n",
    );
    let run = s.cairn_with(&["build"], &[("CAIRN_TEMPLATE_BUDGET", "300")]);
    run.failure();
    let first = run.error_lines()[0].to_string();
    assert!(
        first.starts_with(
            "templates/index.html:4:3: rendering stopped: this template wrote more than 100 MB"
        ),
        "{}",
        run.stderr
    );
    assert!(published(&s) == before, "the output changed");
    // A loop that writes nothing cannot be stopped from inside: after six
    // budgets the process ends, saying where, and the output is untouched.
    s.write(
        "templates/index.html",
        "<html><body>\n{% set r = range(end=999) %}\n{% for a in r %}{% for b in r %}{% for c in r %}{% endfor %}{% endfor %}{% endfor %}\n</body></html>\n",
    );
    let t = std::time::Instant::now();
    let run = s.cairn_with(&["build"], &[("CAIRN_TEMPLATE_BUDGET", "0.5")]);
    run.failure();
    assert!(t.elapsed() < Duration::from_secs(20), "{:?}", t.elapsed());
    assert!(
        run.stderr.starts_with("templates/index.html: rendering one page has run for more than 3 s without writing anything"),
        "{}",
        run.stderr
    );
    assert!(published(&s) == before, "the output changed");
    // A real page is far inside every budget.
    s.write(
        "templates/index.html",
        "<html><body>{% for i in range(end=50000) %}<i>{{ i }}</i>{% endfor %}</body></html>\n",
    );
    s.cairn_with(&["build"], &[("CAIRN_TEMPLATE_BUDGET", "5")])
        .success();
    assert!(s.read("public/index.html").contains("<i>49999</i>"));
}

/// The output folder without cairn's marks of a build that was stopped
/// (`.cairn-building`, `.cairn-tmp/`), which the next build clears.
fn published(s: &TestSite) -> std::collections::BTreeMap<String, Vec<u8>> {
    let mut t = s.tree("public");
    t.retain(|k, _| !k.starts_with(".cairn-building") && !k.starts_with(".cairn-tmp"));
    t
}

/// Issue 18, case 3: nested `range(end=99999)` loops ran for minutes (ten
/// billion iterations). A page may draw at most a million values from
/// `range`; past that, an error at the template's line.
#[test]
fn nested_range_loops_end_in_an_error_at_their_template_line() {
    let s = site().file(
        "templates/index.html",
        "<html><body>\n{% for i in range(end=99999) %}\n{% for j in range(end=99999) %}{{ j }}{% endfor %}\n{% endfor %}\n</body></html>\n",
    );
    let t = std::time::Instant::now();
    let run = s.cairn(&["check"]);
    run.failure();
    assert!(t.elapsed() < Duration::from_secs(30), "{:?}", t.elapsed());
    let first = run.error_lines()[0].to_string();
    assert!(
        first.starts_with("templates/index.html:3:"),
        "{}",
        run.stderr
    );
    assert!(
        first.contains("`range` would go past 1000000 values"),
        "{}",
        run.stderr
    );
    // An ordinary range is untouched.
    let s = site().file(
        "templates/index.html",
        "<html><body>{% for i in range(start=3, end=0, step_by=-1) %}{{ i }}{% endfor %}|{{ range(end=5) | join(sep=\",\") }}</body></html>\n",
    );
    s.cairn(&["build"]).success();
    assert!(
        s.read("public/index.html").contains("321|0,1,2,3,4"),
        "{}",
        s.read("public/index.html")
    );
}
