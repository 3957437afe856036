//! Golden hashes of whole outputs: every fixture site and the shipped atlas
//! are built, and the list of their output files with a hash and the size
//! of each is a snapshot. A change that alters any byte of any output shows
//! here as the files it touched; a refactor (issue 17) must leave these
//! snapshots as they are.

use std::fmt::Write as _;
use std::hash::Hasher as _;
use std::path::Path;

use crate::util::{TestSite, run_in, tree};

/// One line per output file: FNV-1a 64 of its bytes, its size, its path.
/// (`.cairn-state` is left out: it records where and when it was built.)
fn manifest(dir: &Path) -> String {
    let mut out = String::new();
    for (rel, bytes) in tree(dir) {
        let mut h = fnv::FnvHasher::default();
        h.write(&bytes);
        let _ = writeln!(out, "{:016x} {:>8} {rel}", h.finish(), bytes.len());
    }
    out
}

#[test]
fn fixture_outputs_are_unchanged() {
    for name in ["basic", "links", "publish", "typed"] {
        let s = TestSite::fixture(name);
        s.cairn(&["build"]).success();
        insta::assert_snapshot!(format!("golden_{name}"), manifest(&s.path("public")));
    }
}

#[test]
fn shipped_atlas_output_is_unchanged() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = tempfile::tempdir().unwrap();
    let dest = out.path().join("atlas");
    run_in(repo, &["build", "--output", dest.to_str().unwrap()]).success();
    insta::assert_snapshot!("golden_atlas", manifest(&dest));
}
