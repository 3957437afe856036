//! Syntax highlighting of code blocks at build time, with syntect.
//!
//! Output uses CSS classes (`hl-keyword`, `hl-string`, ...) rather than
//! inline colours, so the theme's stylesheet picks colours for light and
//! dark mode. A block with an unknown language, or none, is plain escaped
//! text: never an error.

use std::sync::OnceLock;

use syntect::html::{ClassStyle, ClassedHTMLGenerator};
use syntect::parsing::SyntaxSet;
use syntect::util::LinesWithEndings;

use crate::html::{escape_attr, escape_text};

fn syntaxes() -> &'static SyntaxSet {
    static SET: OnceLock<SyntaxSet> = OnceLock::new();
    SET.get_or_init(SyntaxSet::load_defaults_newlines)
}

/// The highlighted HTML of `code` in language `lang` (a fence token such as
/// `rust`, `yaml` or `toml`), or `None` if the language is unknown.
pub fn highlight(code: &str, lang: &str) -> Option<String> {
    let set = syntaxes();
    let syntax = set.find_syntax_by_token(lang)?;
    let mut html = ClassedHTMLGenerator::new_with_class_style(
        syntax,
        set,
        ClassStyle::SpacedPrefixed { prefix: "hl-" },
    );
    for line in LinesWithEndings::from(code) {
        html.parse_html_for_line_which_includes_newline(line).ok()?;
    }
    Some(html.finalize())
}

/// A whole `<pre><code>` block: highlighted when the language is known,
/// escaped plain text otherwise.
pub fn code_block(code: &str, lang: Option<&str>) -> String {
    let lang = lang.map(str::trim).filter(|l| !l.is_empty());
    let body = lang
        .and_then(|l| highlight(code, l))
        .unwrap_or_else(|| escape_text(code));
    match lang {
        Some(l) => format!(
            "<pre class=\"code\" data-lang=\"{0}\" tabindex=\"0\"><code class=\"language-{0}\">{body}</code></pre>\n",
            escape_attr(l)
        ),
        None => format!("<pre class=\"code\" tabindex=\"0\"><code>{body}</code></pre>\n"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_languages_get_classes() {
        let html = code_block("fn main() { let x = 1; }\n", Some("rust"));
        assert!(html.starts_with(
            "<pre class=\"code\" data-lang=\"rust\" tabindex=\"0\"><code class=\"language-rust\">"
        ));
        assert!(
            html.contains("hl-keyword") || html.contains("hl-storage"),
            "{html}"
        );
        let yaml = code_block("title: PM\n", Some("yaml"));
        assert!(
            yaml.contains("hl-entity") || yaml.contains("hl-string"),
            "{yaml}"
        );
    }

    #[test]
    fn unknown_or_hostile_languages_are_plain_and_escaped() {
        assert_eq!(
            code_block("a < b\n", Some("no-such-lang")),
            "<pre class=\"code\" data-lang=\"no-such-lang\" tabindex=\"0\"><code class=\"language-no-such-lang\">a &lt; b\n</code></pre>\n"
        );
        let html = code_block("x\n", Some("\"><script>alert(1)</script>"));
        assert!(!html.contains("<script>"), "{html}");
        assert_eq!(
            code_block("<b>\n", None),
            "<pre class=\"code\" tabindex=\"0\"><code>&lt;b&gt;\n</code></pre>\n"
        );
    }
}
