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
