//! Super-linear time (issue 18): the fuzzer's input, at most 64 bytes, is
//! repeated into a page body of 16 KB and of 64 KB, each built through the
//! whole pipeline (Markdown, shortcodes, links, diagnostics, templates).
//! Four times the text may take about four times as long; an input whose
//! larger build takes more than ten times the smaller one (and over half a
//! second) is a shape whose cost grows faster than its size: the target
//! panics and libFuzzer keeps it. A ratio, not a time limit, because the
//! sanitizer and coverage make every build many times slower; and the
//! fastest of a few runs of each, since other work on the machine only
//! ever adds time. Seeds in
//! `fuzz/seeds/scaling/` are the shapes found so far.
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
    // The fastest of a few runs: other work on the machine only ever adds.
    let small = (0..3).map(|_| build(unit, 16 * 1024)).min().unwrap_or_default();
    let large = (0..2).map(|_| build(unit, 64 * 1024)).min().unwrap_or_default();
    assert!(
        large.as_secs_f64() < 0.5 || large.as_secs_f64() < 10.0 * small.as_secs_f64(),
        "four times the text took {:.1} times as long ({small:?} -> {large:?}): {unit:?}",
        large.as_secs_f64() / small.as_secs_f64().max(1e-6)
    );
});

/// Builds a site whose one page is `unit` repeated to `size` bytes; returns
/// how long loading and rendering took.
fn build(unit: &str, size: usize) -> std::time::Duration {
    let root = dir();
    let _ = std::fs::remove_dir_all(root);
    std::fs::create_dir_all(root.join("content/roles")).unwrap();
    std::fs::create_dir_all(root.join("templates/shortcodes")).unwrap();
    std::fs::write(root.join("site.toml"), SITE).unwrap();
    std::fs::write(root.join("templates/shortcodes/note.html"), "<aside>{{ body }}</aside>").unwrap();
    let body = unit.repeat(size / unit.len());
    std::fs::write(
        root.join("content/roles/page.md"),
        format!("---\ntitle: Page\n---\n{body}\n"),
    )
    .unwrap();
    let opts = cairn::site::BuildOptions {
        root: root.clone(),
        ..Default::default()
    };
    let start = std::time::Instant::now();
    if let Ok(mut site) = cairn::site::Site::load(&opts) {
        let _ = cairn::render::render(&mut site);
    }
    start.elapsed()
}
