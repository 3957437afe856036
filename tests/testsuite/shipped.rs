//! The shipped Product Career Atlas builds, and every page the home page
//! links to exists.

use std::path::Path;

use crate::util::{TestSite, copy_dir};

pub fn shipped_site() -> TestSite {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let s = TestSite::empty();
    std::fs::copy(repo.join("site.toml"), s.path("site.toml")).unwrap();
    copy_dir(&repo.join("content"), &s.path("content"));
    s
}

/// Root-relative link targets in `html`, as output paths.
pub fn internal_targets(html: &str) -> Vec<String> {
    html.split("href=\"")
        .skip(1)
        .filter_map(|part| {
            let href = &part[..part.find('"')?];
            let href = href.split('#').next()?;
            if !href.starts_with('/') || href.starts_with("//") {
                return None;
            }
            let rel = href.trim_start_matches('/');
            Some(if rel.is_empty() || rel.ends_with('/') {
                format!("{rel}index.html")
            } else {
                rel.to_string()
            })
        })
        .collect()
}

#[test]
fn shipped_site_builds_and_home_links_resolve() {
    let s = shipped_site();
    let run = s.cairn(&["build"]);
    run.success();
    assert!(
        run.stderr.is_empty(),
        "no warnings expected: {}",
        run.stderr
    );
    let home = s.read("public/index.html");
    let targets = internal_targets(&home);
    assert!(targets.len() >= 10, "{targets:?}");
    for t in targets {
        assert!(
            s.path(&format!("public/{t}")).exists(),
            "home links to missing {t}"
        );
    }
}
