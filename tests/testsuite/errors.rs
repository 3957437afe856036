//! A broken site: the exact error text, every error of the run, exit 1.

use crate::util::TestSite;

const CONFIG: &str = "title = \"T\"\nbase_url = \"https://example.org/\"\n[collections.roles]\n";

fn site() -> TestSite {
    TestSite::empty()
        .file("site.toml", CONFIG)
        .file("content/_index.md", "---\ntitle: Home\n---\n")
}

#[test]
fn yaml_syntax_error_at_its_line_in_the_file() {
    let s = site().file(
        "content/roles/pm.md",
        "---\ntitle: PM\nstakeholders: [a, b\nsummary: x\n---\nBody\n",
    );
    let run = s.cairn(&["build"]);
    run.failure();
    insta::assert_snapshot!(run.stderr);
}

#[test]
fn every_error_of_every_file_is_reported_sorted() {
    let s = site()
        .file(
            "content/roles/b.md",
            "---\ntitle: B\ndate: 2024-02-30\n---\n",
        )
        .file(
            "content/roles/a.md",
            "---\ntitle: [x]\nweight: heavy\n---\n",
        )
        .file("content/roles/c.md", "---\ntitle: C\n")
        .file("content/plain.md", "no front matter\n");
    let run = s.cairn(&["build"]);
    run.failure();
    assert_eq!(
        run.error_lines(),
        [
            "content/plain.md:1:1: missing front-matter: the first line must be `---`",
            "content/roles/a.md:2:8: `title` must be a string, found a list",
            "content/roles/a.md:3:9: `weight` must be an integer, found a string",
            "content/roles/b.md:3:7: `date` value `2024-02-30` is not a day of February 2024",
            "content/roles/c.md:1:1: front-matter opened with `---` is never closed",
        ]
    );
    assert!(
        run.stderr.ends_with("error: build failed with 5 errors\n"),
        "{}",
        run.stderr
    );
}

#[test]
fn latin1_file_is_named() {
    let s = site();
    s.write_bytes("content/roles/cafe.md", b"---\ntitle: Caf\xe9\n---\n");
    let run = s.cairn(&["build"]);
    run.failure();
    assert_eq!(
        run.error_lines(),
        [
            "content/roles/cafe.md:2:11: file is not valid UTF-8 (it may be Latin-1 or another legacy encoding)"
        ]
    );
}

#[test]
fn toml_front_matter_gets_a_clear_error() {
    let s = site().file("content/x.md", "+++\ntitle = \"x\"\n+++\n");
    let run = s.cairn(&["build"]);
    run.failure();
    assert!(
        run.stderr
            .contains("content/x.md:1:1: TOML front-matter (`+++`) is not supported")
    );
    assert!(run.stderr.contains("help: write the front-matter as YAML"));
}

#[test]
fn duplicate_keys_are_errors() {
    let s = site().file("content/x.md", "---\ntitle: a\ntitle: b\n---\n");
    let run = s.cairn(&["build"]);
    run.failure();
    assert_eq!(
        run.error_lines(),
        ["content/x.md:3:1: duplicate key `title` (first set at line 2)"]
    );
}

#[test]
fn template_syntax_error_names_template_line_and_column() {
    let s = site().file("templates/page.html", "{% extends \"base.html\" %}\n{% block content %}\n{{ page.title \n{% endblock content %}\n");
    let run = s.cairn(&["build"]);
    run.failure();
    // Tera notices the unclosed `{{` where the next tag starts.
    assert_eq!(
        run.error_lines(),
        ["templates/page.html:4:1: found `{` but expected }}."]
    );
}

#[test]
fn template_rendering_error_names_the_page() {
    let s = site()
        .file("templates/page.html", "{{ page.nope.deeper }}")
        .file("content/roles/pm.md", "---\ntitle: PM\n---\n");
    let run = s.cairn(&["build"]);
    run.failure();
    assert!(
        run.stderr.contains("templates/page.html:1:"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("(while rendering `content/roles/pm.md`)"),
        "{}",
        run.stderr
    );
}

#[test]
fn missing_template_named_in_front_matter() {
    let s = site().file("content/x.md", "---\ntitle: X\ntemplate: fancy.html\n---\n");
    let run = s.cairn(&["build"]);
    run.failure();
    assert_eq!(
        run.error_lines(),
        ["content/x.md:3:11: template `fancy.html` not found"]
    );
}

#[test]
fn two_files_with_one_output_path() {
    let s = site()
        .file("content/roles/pm.md", "---\ntitle: PM\n---\n")
        .file(
            "content/roles/product-manager.md",
            "---\ntitle: PM2\nslug: pm\n---\n",
        );
    let run = s.cairn(&["build"]);
    run.failure();
    assert!(
        run.stderr.contains("`content/roles/pm.md` and `content/roles/product-manager.md` map to the same output path `/roles/pm/`"),
        "{}",
        run.stderr
    );
}

#[test]
fn site_toml_errors_point_at_its_lines() {
    let s = site().file("site.toml", "title = \"T\"\nbase_url = \"example.org\"\n");
    let run = s.cairn(&["build"]);
    run.failure();
    assert_eq!(
        run.error_lines(),
        ["site.toml:2:12: `base_url` must start with `https://` or `http://`, got `example.org`"]
    );
}

#[test]
fn missing_site_toml() {
    let s = TestSite::empty();
    let run = s.cairn(&["build"]);
    run.failure();
    assert!(
        run.stderr.starts_with("site.toml: no `site.toml` in `.`"),
        "{}",
        run.stderr
    );
}

#[test]
fn usage_errors_exit_2() {
    let s = site();
    assert_eq!(s.cairn(&["build", "--no-such-flag"]).code, 2);
    assert_eq!(s.cairn(&["frobnicate"]).code, 2);
    assert_eq!(s.cairn(&[]).code, 2);
}

#[test]
fn huge_file_is_refused_quickly() {
    let s = site();
    let mut big = String::from("---\ntitle: Big\n---\n");
    big.push_str(&"word ".repeat(10 * 1024 * 1024 / 5 + 10));
    s.write("content/big.md", &big);
    let run = s.cairn(&["build"]);
    run.failure();
    assert!(
        run.stderr
            .contains("content/big.md: file is 10 MB, over the 8 MB limit"),
        "{}",
        run.stderr
    );
}
