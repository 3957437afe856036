//! A whole site through the pipeline: a site.toml with typed collections
//! (refs, enums, ranges, a comparison and a ladder chart), extended by the
//! fuzzer's first part, and several content files made of the next parts,
//! loaded, validated, linked and rendered through the built-in theme.
//! Errors are fine; panics, hangs and runaway memory are not.
#![no_main]
use std::path::PathBuf;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;

const SITE: &str = r#"title = "Fuzz"
base_url = "https://example.org/kb/"
[collections.roles]
[collections.roles.fields]
summary = { type = "string", required = true }
focus = { type = "text" }
stakeholders = { type = "list" }
kpis = { type = "refs", to = "kpis" }
next_roles = { type = "refs", to = "roles" }
boss = { type = "ref", to = "roles" }
salary = { type = "range", unit = "USD" }
track = { type = "enum", values = ["strategy", "execution"] }
since = { type = "date" }
years = { type = "int" }
home = { type = "url" }
[collections.kpis]
kind = "faq"
[collections.kpis.fields]
owners = { type = "refs", to = "roles" }
[[comparisons]]
collection = "roles"
items = ["a", "b"]
[[charts]]
name = "ladder"
kind = "ladder"
collection = "roles"
field = "next_roles"
[[charts]]
name = "pay"
kind = "range"
collection = "roles"
field = "salary"
"#;

/// Where the parts go: the site.toml addition, then these files.
const FILES: [&str; 6] = [
    "content/_index.md",
    "content/roles/a.md",
    "content/roles/b.md",
    "content/kpis/c.md",
    "content/guide.md",
    "templates/shortcodes/note.html",
];

fn dir() -> &'static PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let base = if std::path::Path::new("/dev/shm").is_dir() {
            PathBuf::from("/dev/shm")
        } else {
            std::env::temp_dir()
        };
        base.join(format!("cairn-fuzz-site-{}", std::process::id()))
    })
}

fuzz_target!(|input: &str| {
    let root = dir();
    let _ = std::fs::remove_dir_all(root);
    let mut parts = input.split("\n%%\n");
    let extra = parts.next().unwrap_or_default();
    std::fs::create_dir_all(root.join("content/roles")).unwrap();
    std::fs::create_dir_all(root.join("content/kpis")).unwrap();
    std::fs::create_dir_all(root.join("templates/shortcodes")).unwrap();
    std::fs::write(root.join("site.toml"), format!("{SITE}{extra}")).unwrap();
    for (file, text) in FILES.iter().zip(parts) {
        std::fs::write(root.join(file), text).unwrap();
    }
    let opts = cairn::site::BuildOptions {
        root: root.clone(),
        ..Default::default()
    };
    if let Ok(mut site) = cairn::site::Site::load(&opts) {
        let _ = cairn::render::render(&mut site);
    }
});
