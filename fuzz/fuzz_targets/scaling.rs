//! Super-linear time (issue 18): the fuzzer's input, at most 64 bytes, is
//! repeated into a page body of 128 KB and built through the whole
//! pipeline (Markdown, shortcodes, links, diagnostics, templates). Run with
//! `-timeout=5`: an input whose repetition takes longer than that is a shape
//! whose cost grows faster than its size, and libFuzzer keeps it as a
//! crash. Seeds in `fuzz/seeds/scaling/` are the shapes found so far.
#![no_main]
use std::path::PathBuf;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;

const SITE: &str = "title = \"Scaling\"\nbase_url = \"https://example.org/\"\n[collections.roles]\n";

fn dir() -> &'static PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let base = if std::path::Path::new("/dev/shm").is_dir() {
            PathBuf::from("/dev/shm")
        } else {
            std::env::temp_dir()
        };
        base.join(format!("cairn-fuzz-scaling-{}", std::process::id()))
    })
}

fuzz_target!(|unit: &str| {
    if unit.is_empty() || unit.len() > 64 {
        return;
    }
    let root = dir();
    let _ = std::fs::remove_dir_all(root);
    std::fs::create_dir_all(root.join("content/roles")).unwrap();
    std::fs::create_dir_all(root.join("templates/shortcodes")).unwrap();
    std::fs::write(root.join("site.toml"), SITE).unwrap();
    std::fs::write(root.join("templates/shortcodes/note.html"), "<aside>{{ body }}</aside>").unwrap();
    let body = unit.repeat((128 * 1024) / unit.len());
    std::fs::write(
        root.join("content/roles/page.md"),
        format!("---\ntitle: Page\n---\n{body}\n"),
    )
    .unwrap();
    let opts = cairn::site::BuildOptions {
        root: root.clone(),
        ..Default::default()
    };
    if let Ok(mut site) = cairn::site::Site::load(&opts) {
        let _ = cairn::render::render(&mut site);
    }
});
