//! The output folder: guarded, synchronised, untouched by failed builds.

use crate::util::{TestSite, tree};

#[test]
fn failed_build_leaves_previous_output_byte_for_byte() {
    let s = TestSite::fixture("basic");
    s.cairn(&["build"]).success();
    let before = s.tree("public");
    // Change one page (would be rewritten) and break another.
    s.write("content/about.md", "---\ntitle: About changed\n---\n");
    s.write(
        "content/roles/product-manager.md",
        "---\ntitle: [broken\n---\n",
    );
    s.cairn(&["build"]).failure();
    assert_eq!(s.tree("public"), before);
}

/// Every folder under `dir`, relative.
fn folders(dir: &std::path::Path) -> Vec<String> {
    let mut out: Vec<String> = walkdir::WalkDir::new(dir)
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_dir())
        .map(|e| e.path().strip_prefix(dir).unwrap().display().to_string())
        .collect();
    out.sort();
    out
}

#[test]
fn failure_found_after_pages_were_staged_leaves_previous_output_byte_for_byte() {
    let s = TestSite::fixture("basic");
    s.cairn(&["build"]).success();
    let before = s.tree("public");
    let dirs = folders(&s.path("public"));
    // A new page (a new folder), a changed page, and a broken plain link
    // that only the check of the rendered pages finds, after every page
    // has been handed to the output.
    s.write(
        "content/roles/brand-new.md",
        "---\ntitle: Brand New\n---\nNew.\n",
    );
    s.write(
        "content/about.md",
        "---\ntitle: About changed\n---\nSee [nowhere](/nowhere/).\n",
    );
    let run = s.cairn(&["build"]);
    run.failure();
    assert!(
        run.stderr.contains("broken link `/nowhere/`"),
        "{}",
        run.stderr
    );
    assert_eq!(
        s.tree("public"),
        before,
        "no file changed, none left behind"
    );
    assert_eq!(folders(&s.path("public")), dirs, "no folder left behind");
    // A failed first build leaves no output folder at all.
    let run = s.cairn(&["build", "--output", "fresh"]);
    run.failure();
    assert!(!s.path("fresh").exists());
}

#[test]
fn unchanged_rebuild_writes_nothing_and_stale_files_go() {
    let s = TestSite::fixture("basic");
    s.cairn(&["build"]).success();
    let run = s.cairn(&["build"]);
    run.success();
    assert!(run.stdout.contains(" 0 written,"), "{}", run.stdout);
    s.write("public/notes-of-mine.txt", "keep");
    s.write("public/.git/HEAD", "ref");
    s.remove("content/about.md");
    let run = s.cairn(&["build"]);
    run.success();
    assert!(run.stdout.contains("1 removed"), "{}", run.stdout);
    assert!(!s.path("public/about").exists());
    assert_eq!(s.read("public/notes-of-mine.txt"), "keep");
    assert_eq!(s.read("public/.git/HEAD"), "ref");
}

#[test]
fn rebuild_equals_clean_build() {
    let s = TestSite::fixture("basic");
    s.cairn(&["build"]).success();
    s.write(
        "content/roles/new-role.md",
        "---\ntitle: New Role\n---\nHi\n",
    );
    s.remove("content/kpis/nps.md");
    s.write("content/about.md", "---\ntitle: About two\n---\nChanged\n");
    s.cairn(&["build"]).success();
    let incremental = s.tree("public");
    s.cairn(&["build", "--output", "clean"]).success();
    assert_eq!(incremental, tree(&s.path("clean")));
}

/// Changes the fixture's site title, which is on every page.
fn retitle(s: &TestSite) {
    s.write(
        "site.toml",
        &s.read("site.toml")
            .replace("title = \"Basic\"", "title = \"Basic two\""),
    );
}

#[test]
fn a_rebuild_that_changes_every_page_writes_what_a_clean_build_writes() {
    let s = TestSite::fixture("basic");
    s.cairn(&["build"]).success();
    let before = s.tree("public");
    retitle(&s);
    let run = s.cairn(&["build"]);
    run.success();
    let after = s.tree("public");
    let pages: Vec<&String> = before.keys().filter(|k| k.ends_with(".html")).collect();
    assert!(pages.len() >= 5, "{pages:?}");
    for p in &pages {
        assert_ne!(before[*p], after[*p], "{p} was rewritten");
        assert!(String::from_utf8_lossy(&after[*p]).contains("Basic two"));
    }
    assert!(!s.path("public/.cairn-tmp").exists());
    s.cairn(&["build", "--output", "clean"]).success();
    assert_eq!(after, tree(&s.path("clean")));
}

#[test]
fn hard_linked_copies_of_the_output_keep_their_bytes() {
    let s = TestSite::fixture("basic");
    s.cairn(&["build"]).success();
    let mut before = s.tree("public");
    before.retain(|rel, _| !rel.starts_with(".cairn"));
    // A snapshot of the output made of hard links, as `cp -al` makes.
    for rel in before.keys() {
        let copy = s.path("snapshot").join(rel);
        std::fs::create_dir_all(copy.parent().unwrap()).unwrap();
        std::fs::hard_link(s.path("public").join(rel), copy).unwrap();
    }
    retitle(&s);
    s.cairn(&["build"]).success();
    // Rewritten pages never reuse a file another link still shows.
    assert_eq!(tree(&s.path("snapshot")), before);
    s.cairn(&["build", "--output", "clean"]).success();
    assert_eq!(s.tree("public"), tree(&s.path("clean")));
}

#[test]
fn a_reader_holding_an_output_file_open_keeps_reading_its_old_bytes() {
    use std::io::Read;
    let s = TestSite::fixture("basic");
    s.cairn(&["build"]).success();
    let before = s.tree("public");
    // A web server in the middle of sending some pages.
    let open: Vec<(String, std::fs::File)> = before
        .keys()
        .filter(|rel| rel.ends_with(".html"))
        .map(|rel| {
            (
                rel.clone(),
                std::fs::File::open(s.path("public").join(rel)).unwrap(),
            )
        })
        .collect();
    retitle(&s);
    s.cairn(&["build"]).success();
    for (rel, mut f) in open {
        let mut bytes = Vec::new();
        f.read_to_end(&mut bytes).unwrap();
        assert_eq!(bytes, before[&rel], "{rel} changed under an open reader");
    }
}

#[test]
fn output_guards() {
    let s = TestSite::fixture("basic");
    let refuse = |args: &[&str], msg: &str| {
        let run = s.cairn(args);
        run.failure();
        assert!(run.stderr.contains(msg), "{args:?}: {}", run.stderr);
    };
    refuse(&["build", "--output", "."], "is the site root");
    refuse(&["build", "--output", ".."], "contains the site itself");
    refuse(
        &["build", "--output", "content/out"],
        "lies inside `content/`",
    );
    s.write("elsewhere/site.toml", "");
    refuse(
        &["build", "--output", "elsewhere"],
        "contains `content/` or `site.toml`",
    );
    s.write("mine/photo.jpg", "x");
    refuse(
        &["build", "--output", "mine"],
        "not empty and was not created by cairn",
    );
    // --force overrides only the last case, and keeps the foreign file.
    s.cairn(&["build", "--output", "mine", "--force"]).success();
    assert_eq!(s.read("mine/photo.jpg"), "x");
    assert!(s.path("mine/index.html").exists());
    let run = s.cairn(&["build", "--output", ".", "--force"]);
    run.failure();
    // Nothing was written into the site root.
    assert!(!s.path("index.html").exists());
}

#[test]
fn no_temporary_files_remain() {
    let s = TestSite::fixture("basic");
    s.cairn(&["build"]).success();
    assert!(!s.path("public/.cairn-tmp").exists());
    // A leftover from a killed build is cleaned up by the next one.
    s.write("public/.cairn-tmp/17", "half");
    s.cairn(&["build"]).success();
    assert!(!s.path("public/.cairn-tmp").exists());
}

#[test]
fn nothing_changed_is_detected_and_any_change_rebuilds() {
    let s = TestSite::fixture("links");
    s.write(
        "content/roles/product-manager.md",
        &s.read("content/roles/product-manager.md")
            .replace("tags: [Agile]", "tags: [agile]"),
    );
    let first = s.cairn(&["build"]);
    first.success();
    assert!(first.stderr.contains("warning: tag"), "{}", first.stderr);
    let again = s.cairn(&["build"]);
    again.success();
    assert!(again.stdout.contains("nothing changed"), "{}", again.stdout);
    assert_eq!(again.stderr, first.stderr, "the warnings are printed again");
    // A touched source file makes a real build.
    std::thread::sleep(std::time::Duration::from_millis(20));
    s.write("content/about.md", "---\ntitle: About\n---\nNew.\n");
    let run = s.cairn(&["build"]);
    assert!(!run.stdout.contains("nothing changed"), "{}", run.stdout);
    assert!(s.read("public/about/index.html").contains("New."));
    // A hand-edited output file is noticed and put back.
    s.write("public/index.html", "tampered");
    let run = s.cairn(&["build"]);
    assert!(!run.stdout.contains("nothing changed"), "{}", run.stdout);
    assert!(s.read("public/index.html").contains("Links home"));
    // Other options are another build.
    let run = s.cairn(&["build", "--base-url", "https://other.example/"]);
    assert!(!run.stdout.contains("nothing changed"), "{}", run.stdout);
    assert!(
        s.read("public/index.html")
            .contains("https://other.example/")
    );
}
