//! The shortcode call parser, on arbitrary text: calls found must lie
//! inside the text and start with `{{`.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let (calls, errors) = cairn::markdown::shortcodes::find_calls(text);
    for c in &calls {
        assert!(
            text.get(c.range.clone())
                .is_some_and(|s| s.starts_with("{{") && s.ends_with("}}"))
        );
    }
    for e in &errors {
        assert!(e.offset <= text.len());
    }
});
