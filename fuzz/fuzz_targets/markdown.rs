//! Markdown rendering with link resolution (every @/ link and wikilink goes
//! through a resolver) and shortcode discovery, on arbitrary text.
#![no_main]
use cairn::markdown::{LinkKind, LinkResolver, Target, render_with};
use libfuzzer_sys::fuzz_target;

struct Resolver;

impl LinkResolver for Resolver {
    fn resolve(&self, kind: LinkKind, dest: &str) -> Result<Option<Target>, String> {
        match (kind, dest.len() % 4) {
            (_, 0) => Err(format!("no page `{dest}`")),
            (_, 1) => Ok(None),
            _ => Ok(Some(Target {
                url: format!("/pages/{}/", dest.len()),
                title: dest.chars().rev().collect(),
                page: dest.len(),
            })),
        }
    }
}

fuzz_target!(|text: &str| {
    let r = render_with(text, &Resolver);
    // Every link offset points into the text.
    for l in &r.links {
        assert!(l.offset <= text.len());
    }
    for (offset, _) in cairn::markdown::plain_links(text) {
        assert!(offset <= text.len());
    }
    let _ = cairn::markdown::shortcodes::find_calls(text);
});
