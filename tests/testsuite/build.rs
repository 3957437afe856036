//! A good site builds: the output tree, URL mapping, key HTML, drafts,
//! base URL subpaths, static files and template overrides.

use crate::shipped::internal_targets;
use crate::util::TestSite;

fn main_of(html: &str) -> &str {
    let start = html.find("<main").expect("a <main> element");
    let end = html.find("</main>").expect("a </main>") + "</main>".len();
    &html[start..end]
}

#[test]
fn basic_site_output_tree() {
    let site = TestSite::fixture("basic");
    let run = site.cairn(&["build"]);
    run.success();
    assert!(run.stdout.starts_with("built "), "{}", run.stdout);
    let files: Vec<String> = site.tree("public").into_keys().collect();
    assert_eq!(
        files,
        [
            ".cairn-manifest",
            "404.html",
            "about/card.png",
            "about/index.html",
            "atom.xml",
            "card.png",
            "compare.js",
            "extra.css",
            "favicon.svg",
            "index.html",
            "kpis/card.png",
            "kpis/index.html",
            "kpis/net-promoter-score/card.png",
            "kpis/net-promoter-score/index.html",
            "previews.js",
            "robots.txt",
            "roles/card.png",
            "roles/diagram.png",
            "roles/index.html",
            "roles/product-manager/card.png",
            "roles/product-manager/index.html",
            "roles/product-owner/card.png",
            "roles/product-owner/index.html",
            "search.js",
            "sitemap.xml",
            "style.css",
            "tags/agile/card.png",
            "tags/agile/index.html",
            "tags/card.png",
            "tags/index.html",
            "theme.js",
        ]
    );
}

#[test]
fn entry_page_html() {
    let site = TestSite::fixture("basic");
    site.cairn(&["build"]).success();
    let html = site.read("public/roles/product-owner/index.html");
    assert!(html.contains("<title>Product Owner · Basic</title>"));
    assert!(
        html.contains(r#"<link rel="canonical" href="https://example.org/roles/product-owner/">"#)
    );
    assert!(html.contains(r#"<html lang="en">"#));
    insta::assert_snapshot!(main_of(&html));
}

#[test]
fn collection_page_sorts_by_weight_and_skips_drafts() {
    let site = TestSite::fixture("basic");
    site.cairn(&["build"]).success();
    let html = site.read("public/roles/index.html");
    let pm = html.find("Product Manager").unwrap();
    let po = html.find("Product Owner").unwrap();
    assert!(pm < po, "weight 1 before weight 2");
    assert!(html.contains("Roles intro."));
    assert!(!html.contains("Secret Role"));
    assert!(!site.path("public/roles/secret").exists());
}

#[test]
fn drafts_flag_publishes_drafts() {
    let site = TestSite::fixture("basic");
    site.cairn(&["build", "--drafts"]).success();
    assert!(
        site.read("public/roles/secret/index.html")
            .contains("Not published.")
    );
}

#[test]
fn home_links_resolve_to_files() {
    let site = TestSite::fixture("basic");
    site.cairn(&["build"]).success();
    let targets = internal_targets(&site.read("public/index.html"));
    assert!(
        targets.len() >= 5,
        "home page links to the collections and entries"
    );
    for t in targets {
        assert!(site.path(&format!("public/{t}")).exists(), "{t} missing");
    }
}

#[test]
fn base_url_subpath_prefixes_every_link() {
    let site = TestSite::fixture("basic");
    site.cairn(&["build", "--base-url", "https://me.github.io/atlas"])
        .success();
    let html = site.read("public/roles/product-owner/index.html");
    assert!(html.contains(r#"href="/atlas/style.css""#));
    assert!(html.contains(r#"href="/atlas/roles/""#));
    assert!(html.contains(r#"href="https://me.github.io/atlas/roles/product-owner/""#));
    assert!(!html.contains(r#"href="/roles/"#));
}

#[test]
fn headings_get_unique_ids_and_the_toc_needs_three() {
    let site = TestSite::fixture("basic");
    site.cairn(&["build"]).success();
    let po = site.read("public/roles/product-owner/index.html");
    assert!(po.contains(r#"<h2 id="overview">"#) && po.contains(r#"<h2 id="overview-1">"#));
    assert!(!po.contains(r#"class="toc""#), "two headings: no TOC");
    let about = site.read("public/about/index.html");
    assert!(about.contains(r#"<nav class="toc" aria-labelledby="toc-heading">"#));
}

#[test]
fn site_templates_and_static_override_the_theme() {
    let site = TestSite::fixture("basic")
        .file("templates/page.html", "{% extends \"base.html\" %}{% block content %}CUSTOM {{ page.title }}{% endblock content %}")
        .file("static/style.css", "/* mine */");
    site.cairn(&["build"]).success();
    assert!(
        site.read("public/about/index.html")
            .contains("CUSTOM About")
    );
    assert_eq!(site.read("public/style.css"), "/* mine */");
    // The theme's other templates still apply.
    assert!(
        site.read("public/roles/index.html")
            .contains("Roles intro.")
    );
}

#[test]
fn a_themes_folder_replaces_the_embedded_theme() {
    let site = TestSite::fixture("basic");
    for t in [
        "base.html",
        "index.html",
        "collection.html",
        "page.html",
        "404.html",
    ] {
        site.write(
            &format!("themes/plain/templates/{t}"),
            &format!("{t}:{{{{ page.title }}}}"),
        );
    }
    site.write("themes/plain/static/plain.css", "p{}");
    let toml = site
        .read("site.toml")
        .replace("description =", "theme = \"plain\"\ndescription =");
    site.write("site.toml", &toml);
    site.cairn(&["build"]).success();
    assert_eq!(site.read("public/about/index.html"), "page.html:About");
    assert!(site.path("public/plain.css").exists());
    assert!(!site.path("public/style.css").exists());
}

#[test]
fn an_unknown_theme_is_an_error() {
    let site = TestSite::fixture("basic");
    let toml = site
        .read("site.toml")
        .replace("description =", "theme = \"nope\"\ndescription =");
    site.write("site.toml", &toml);
    let run = site.cairn(&["build"]);
    run.failure();
    assert!(
        run.stderr
            .contains("site.toml: theme `nope` not found in `themes/`"),
        "{}",
        run.stderr
    );
}

#[test]
fn check_writes_nothing() {
    let site = TestSite::fixture("basic");
    let run = site.cairn(&["check"]);
    run.success();
    assert!(run.stdout.contains("no errors"));
    assert!(!site.path("public").exists());
}

#[test]
fn bom_and_crlf_files_build() {
    let site = TestSite::fixture("basic").file(
        "content/crlf.md",
        "\u{feff}---\r\ntitle: Windows\r\n---\r\n\r\n## Saved on Windows\r\n",
    );
    site.cairn(&["build"]).success();
    assert!(
        site.read("public/crlf/index.html")
            .contains(r#"<h2 id="saved-on-windows">"#)
    );
}

#[test]
fn collection_template_is_used_for_its_entries() {
    let site = TestSite::fixture("basic")
        .file("templates/role.html", "ROLE {{ page.title }}")
        .file(
            "site.toml",
            "title = \"Basic\"\nbase_url = \"https://example.org/\"\nsearch = false\n\n[collections.roles]\ntitle = \"Roles\"\ntemplate = \"role.html\"\nsort_by = \"weight\"\n[collections.roles.fields]\nsummary = { type = \"string\" }\nstakeholders = { type = \"list\" }\n\n[collections.kpis]\ntitle = \"KPIs\"\n",
        );
    site.cairn(&["build"]).success();
    assert_eq!(
        site.read("public/roles/product-owner/index.html"),
        "ROLE Product Owner"
    );
    assert!(
        site.read("public/kpis/net-promoter-score/index.html")
            .starts_with("<!doctype html>"),
        "other collections keep page.html"
    );
}

/// Issue 20: "Edit this page" from `edit_url` (a pattern with `{path}`, or
/// a prefix), and "Last updated" from `updated`.
#[test]
fn edit_links_and_last_updated_dates() {
    let s = TestSite::fixture("links").file(
        "content/notes/on call.md",
        "---\ntitle: On call\nupdated: 2024-04-01\n---\n\nNotes.\n",
    );
    let toml = s.read("site.toml");
    s.write(
        "site.toml",
        &toml.replace(
            "base_url = \"https://example.org/kb/\"\n",
            "base_url = \"https://example.org/kb/\"\nedit_url = \"https://github.com/me/kb/edit/main/{path}\"\n",
        ),
    );
    s.cairn(&["build"]).success();
    let html = s.read("public/notes/on-call/index.html");
    assert!(html.contains(
        r#"<p class="page-meta">Last updated <time datetime="2024-04-01">1 April 2024</time><span class="edit-link"> · <a href="https://github.com/me/kb/edit/main/content/notes/on%20call.md">Edit this page</a></span></p>"#
    ), "{html}");
    // No date: the link alone. Generated pages have no source to edit.
    let pm = s.read("public/roles/product-manager/index.html");
    assert!(pm.contains(r#"<p class="page-meta"><span class="edit-link"><a href="https://github.com/me/kb/edit/main/content/roles/product-manager.md">"#));
    assert!(!s.read("public/tags/index.html").contains("Edit this page"));
    // A prefix gets the path after a slash.
    s.write(
        "site.toml",
        &toml.replace(
            "base_url = \"https://example.org/kb/\"\n",
            "base_url = \"https://example.org/kb/\"\nedit_url = \"https://git.example/kb/-/edit/main\"\n",
        ),
    );
    s.cairn(&["build"]).success();
    assert!(s.read("public/roles/product-manager/index.html").contains(r#"href="https://git.example/kb/-/edit/main/content/roles/product-manager.md">Edit this page"#));
    // Not a URL: an error at its place.
    s.write(
        "site.toml",
        &toml.replace(
            "base_url = \"https://example.org/kb/\"\n",
            "base_url = \"https://example.org/kb/\"\nedit_url = \"github.com/me/kb\"\n",
        ),
    );
    let run = s.cairn(&["check"]);
    run.failure();
    assert_eq!(
        run.error_lines(),
        [
            "site.toml:3:12: `edit_url` must start with `https://` or `http://`, got `github.com/me/kb`"
        ]
    );
}

/// Issue 20: with `updated_from_git`, a page without `updated` is dated by
/// its file's last commit (one `git log` for the site); `updated` wins; a
/// new commit is a new build; outside a repository, a warning.
#[test]
fn last_updated_from_the_last_commit() {
    let s = TestSite::fixture("links").file(
        "content/about.md",
        "---\ntitle: About\nupdated: 2020-01-02\n---\n\nAbout.\n",
    );
    let toml = s.read("site.toml");
    s.write("site.toml", &format!("updated_from_git = true\n{toml}"));
    let run = s.cairn(&["build"]);
    run.success();
    assert!(
        run.stderr.contains(
            "warning: `updated_from_git` is set, but `git log` failed: fatal: not a git repository"
        ),
        "{}",
        run.stderr
    );
    let git = |args: &[&str], date: &str| {
        let out = std::process::Command::new("git")
            .args(["-c", "user.name=A", "-c", "user.email=a@example.org"])
            .args(args)
            .current_dir(&s.root)
            .env("GIT_AUTHOR_DATE", date)
            .env("GIT_COMMITTER_DATE", date)
            .output()
            .expect("git is installed");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    git(&["init", "-q"], "");
    git(&["add", "content", "site.toml"], "");
    git(&["commit", "-qm", "first"], "2025-03-04T12:00:00Z");
    let run = s.cairn(&["build"]);
    run.success();
    assert!(!run.stderr.contains("warning"), "{}", run.stderr);
    let pm = s.read("public/roles/product-manager/index.html");
    assert!(
        pm.contains(r#"Last updated <time datetime="2025-03-04">4 March 2025</time>"#),
        "{pm}"
    );
    assert!(
        s.read("public/sitemap.xml")
            .contains("<lastmod>2025-03-04</lastmod>")
    );
    assert!(
        s.read("public/about/index.html")
            .contains(r#"<time datetime="2020-01-02">"#),
        "`updated` wins"
    );
    // A later commit of the page: the next build sees it.
    s.write(
        "content/roles/product-manager.md",
        &(s.read("content/roles/product-manager.md") + "\nMore.\n"),
    );
    git(&["commit", "-qam", "second"], "2025-05-06T12:00:00Z");
    let run = s.cairn(&["build"]);
    assert!(!run.stdout.contains("nothing changed"), "{}", run.stdout);
    assert!(
        s.read("public/roles/product-manager/index.html")
            .contains("6 May 2025")
    );
    // A commit that leaves every file as it was is still a new build.
    git(
        &["commit", "-q", "--allow-empty", "-m", "third"],
        "2025-06-07T12:00:00Z",
    );
    let run = s.cairn(&["build"]);
    assert!(!run.stdout.contains("nothing changed"), "{}", run.stdout);
}

/// Issue 27: an author on Windows saves with CRLF line ends. The shipped
/// atlas with every file an author writes (site.toml, content, data)
/// turned to CRLF builds the same site byte for byte, and a mistake in a
/// CRLF file is reported at the same line and column as in an LF one.
#[test]
fn crlf_everywhere_builds_the_same_site() {
    let lf = crate::shipped::shipped_site();
    let crlf = crate::shipped::shipped_site();
    let mut files = vec![crlf.path("site.toml")];
    for dir in ["content", "data"] {
        for e in walkdir::WalkDir::new(crlf.path(dir)).into_iter().flatten() {
            let is_text = e.path().extension().is_some_and(|x| {
                ["md", "toml", "yaml", "yml", "json", "csv"].contains(&x.to_str().unwrap_or(""))
            });
            if e.file_type().is_file() && is_text {
                files.push(e.path().to_path_buf());
            }
        }
    }
    assert!(files.len() > 50, "{}", files.len());
    for f in &files {
        let text = std::fs::read_to_string(f).unwrap();
        std::fs::write(f, text.replace("\r\n", "\n").replace('\n', "\r\n")).unwrap();
    }
    lf.cairn(&["build", "--as-of", "2030-01-01"]).success();
    crlf.cairn(&["build", "--as-of", "2030-01-01"]).success();
    let (a, b) = (lf.tree("public"), crlf.tree("public"));
    assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>());
    let differ: Vec<&String> = a.keys().filter(|k| a[*k] != b[*k]).collect();
    assert!(differ.is_empty(), "outputs differ: {differ:?}");

    // The same mistake, LF and CRLF: the same position.
    let bad = "---\ntitle: Broken\nlevel: [unclosed\n---\n\nText.\n";
    lf.write("content/roles/broken.md", bad);
    crlf.write("content/roles/broken.md", &bad.replace('\n', "\r\n"));
    let (x, y) = (lf.cairn(&["check"]), crlf.cairn(&["check"]));
    x.failure();
    y.failure();
    assert_eq!(x.error_lines(), y.error_lines());
    assert!(
        x.error_lines()
            .iter()
            .any(|l| l.starts_with("content/roles/broken.md:4:1:")),
        "{}",
        x.stderr
    );
}
