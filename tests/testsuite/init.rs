//! `cairn init`: a scaffold that builds at once; never over existing files.

use crate::util::{TestSite, run_in};

#[test]
fn init_then_build() {
    let s = TestSite::empty();
    let run = s.cairn(&["init", "new-site"]);
    run.success();
    let run = s.cairn(&["build", "--root", "new-site"]);
    run.success();
    assert!(
        s.path("new-site/public/roles/product-manager/index.html")
            .exists()
    );
    assert!(
        s.path("new-site/public/kpis/net-promoter-score/index.html")
            .exists()
    );
}

#[test]
fn init_in_current_empty_folder() {
    let s = TestSite::empty();
    run_in(&s.root, &["init"]).success();
    assert!(s.path("site.toml").exists());
    run_in(&s.root, &["check"]).success();
}

#[test]
fn init_refuses_a_non_empty_folder() {
    let s = TestSite::empty().file("notes.txt", "keep me");
    let run = s.cairn(&["init", "."]);
    run.failure();
    assert!(run.stderr.contains("folder is not empty"));
    assert_eq!(s.read("notes.txt"), "keep me");
    assert!(!s.path("site.toml").exists());
}
