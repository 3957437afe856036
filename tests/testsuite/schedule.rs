//! Scheduled publication (issue 22): a page dated after the reference
//! date is left out unless `--future`; `--as-of` fixes the reference date;
//! `cairn check` lists the scheduled pages.

use crate::util::TestSite;

fn site() -> TestSite {
    TestSite::empty()
        .file(
            "site.toml",
            "title = \"T\"\nbase_url = \"https://example.org/\"\nsearch = false\n\
             [collections.kpis]\n",
        )
        .file("content/_index.md", "---\ntitle: Home\n---\n")
        .file(
            "content/now.md",
            "---\ntitle: Now\ndate: 2026-01-10\n---\nOut already.\n",
        )
        .file(
            "content/kpis/later.md",
            "---\ntitle: Later\ndate: 2026-03-01T09:00:00Z\n---\nComing.\n",
        )
}

#[test]
fn a_page_dated_later_is_published_on_its_day() {
    let s = site();
    s.cairn(&["build", "--as-of", "2026-02-01"]).success();
    assert!(s.path("public/now/index.html").exists());
    assert!(!s.path("public/kpis/later/index.html").exists());
    assert!(!s.read("public/sitemap.xml").contains("/kpis/later/"));
    assert!(!s.read("public/kpis/index.html").contains("Later"));
    // On its day it is out; the reference date is part of what makes a
    // build up to date, so nothing else needs to change.
    let run = s.cairn(&["build", "--as-of", "2026-03-01"]);
    run.success();
    assert!(s.path("public/kpis/later/index.html").exists());
    // `--future` publishes it whatever the date.
    s.cairn(&["build", "--as-of", "2026-02-01"]).success();
    assert!(!s.path("public/kpis/later/index.html").exists());
    s.cairn(&["build", "--as-of", "2026-02-01", "--future"])
        .success();
    assert!(s.path("public/kpis/later/index.html").exists());
}

#[test]
fn check_lists_scheduled_pages_and_links_to_them_say_why() {
    let s = site();
    let run = s.cairn(&["check", "--as-of", "2026-02-01"]);
    run.success();
    assert!(
        run.stdout
            .contains("scheduled: content/kpis/later.md (dated 2026-03-01)"),
        "{}",
        run.stdout
    );
    s.write(
        "content/now.md",
        "---\ntitle: Now\ndate: 2026-01-10\n---\nSee [[later]] and [it](@/kpis/later.md).\n",
    );
    let run = s.cairn(&["check", "--as-of", "2026-02-01"]);
    run.failure();
    assert_eq!(
        run.error_lines(),
        [
            "content/now.md:5:5: wikilink to a page scheduled for later: `[[later]]` (build with `--future` to include it)",
            "content/now.md:5:19: link to a page scheduled for later: `content/kpis/later.md` (build with `--future` to include it)",
        ]
    );
    s.cairn(&["check", "--as-of", "2026-02-01", "--future"])
        .success();
}

#[test]
fn a_bad_reference_date_is_a_usage_error() {
    let s = site();
    for bad in ["2026-02-30", "tomorrow", "2026-2-1"] {
        let run = s.cairn(&["build", "--as-of", bad]);
        assert_eq!(run.code, 2, "{bad}: {}", run.stderr);
        assert!(run.stderr.contains("--as-of"), "{}", run.stderr);
    }
}
