//! The front-matter splitter and YAML parser, and the whole page parse
//! with built-in key checks, on arbitrary text: errors are fine, panics,
//! hangs and runaway memory are not.
#![no_main]
use std::path::Path;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    if let Ok(split) =
        cairn::content::frontmatter::split(cairn::content::frontmatter::strip_bom(text))
    {
        let _ = cairn::content::yaml::parse_front_matter(split.yaml, split.yaml_line);
        // Positions are scanned only for diagnostics, on any text.
        let _ = cairn::content::yaml::positions(split.yaml, split.yaml_line).value("a/0");
    }
    if let Ok(page) = cairn::content::parse_page(
        Path::new("content/roles/x.md"),
        Path::new("roles/x.md"),
        text.to_string(),
        &["roles"],
    ) {
        // Positions of every key must be computable too.
        for (key, _) in &page.fields {
            let _ = page.positions().value(key);
        }
    }
});
