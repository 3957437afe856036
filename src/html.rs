//! HTML and XML text, used by every stage that writes or reads markup:
//! escaping text for a text node, an attribute or XML, and the one scanner
//! of quoted attributes (links to check, the text of an HTML fragment).

/// Escapes text for an HTML text node (`&`, `<`, `>`).
pub fn escape_text(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// Escapes text for an HTML attribute or text node (also quotes).
pub fn escape_attr(s: &str) -> String {
    escape(s, "&#39;", false)
}

/// Escapes text for XML content and attribute values, dropping the
/// control characters XML 1.0 does not allow at all.
pub fn xml_escape(s: &str) -> String {
    escape(s, "&apos;", true)
}

fn escape(s: &str, apostrophe: &str, xml: bool) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str(apostrophe),
            c if xml && (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => {}
            c => out.push(c),
        }
    }
    out
}

/// Values of `attr="..."` (or `'...'`) in `html`, entity-decoded for `&amp;`.
pub fn attr_values<'a>(html: &'a str, attr: &str) -> Vec<&'a str> {
    let mut out = Vec::new();
    attributes(html, |name, value| {
        if name == attr {
            out.push(value);
        }
    });
    out
}

/// Calls `f(name, value)` for every quoted attribute of `html`, in one pass
/// over the text: each `=` inside a tag followed by a quote, with the
/// attribute name right before it. Text between tags (a code block that
/// shows `href="..."`) holds no attributes.
pub fn attributes<'a>(html: &'a str, mut f: impl FnMut(&str, &'a str)) {
    let bytes = html.as_bytes();
    let mut at = 0;
    // Whether `seen` (where the tag state was last worked out) is inside a
    // tag; each stretch of text is looked at once, so the pass stays linear.
    let (mut seen, mut in_tag) = (0, false);
    while let Some(found) = memchr::memchr(b'=', &bytes[at..]) {
        let eq = at + found;
        at = eq + 1;
        let between = &bytes[seen..eq];
        match (
            memchr::memrchr(b'<', between),
            memchr::memrchr(b'>', between),
        ) {
            (Some(lt), Some(gt)) => in_tag = lt > gt,
            (Some(_), None) => in_tag = true,
            (None, Some(_)) => in_tag = false,
            (None, None) => {}
        }
        seen = eq;
        if !in_tag {
            continue;
        }
        let Some(&quote) = bytes.get(eq + 1) else {
            break;
        };
        if quote != b'"' && quote != b'\'' {
            continue;
        }
        let mut start = eq;
        while start > 0 && (bytes[start - 1].is_ascii_alphanumeric() || bytes[start - 1] == b'-') {
            start -= 1;
        }
        if start == eq || start == 0 || !bytes[start - 1].is_ascii_whitespace() {
            continue;
        }
        let Some(len) = memchr::memchr(quote, &bytes[eq + 2..]) else {
            break;
        };
        let value = &html[eq + 2..eq + 2 + len];
        f(&html[start..eq], value);
        at = eq + 2 + len + 1;
        // A quoted value may hold `<` or `>`; the tag goes on after it.
        seen = at;
    }
}

/// The text of an HTML fragment: tags dropped, entities decoded, spaces
/// collapsed.
pub fn strip_tags(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => {
                in_tag = true;
                out.push(' ');
            }
            '>' if in_tag => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    decode_entities(&out)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Elements that are blocks (flow content that a paragraph cannot hold).
const BLOCKS: [&str; 32] = [
    "address",
    "article",
    "aside",
    "blockquote",
    "details",
    "dialog",
    "div",
    "dl",
    "fieldset",
    "figcaption",
    "figure",
    "footer",
    "form",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hgroup",
    "hr",
    "main",
    "menu",
    "nav",
    "ol",
    "p",
    "pre",
    "search",
    "section",
    "table",
    "ul",
];

/// Elements a paragraph's text may be inside (phrasing content that
/// Markdown and authors write), which are ended and opened again around a
/// block.
pub const PHRASING: [&str; 22] = [
    "a", "abbr", "b", "bdi", "bdo", "cite", "code", "data", "del", "dfn", "em", "i", "ins", "kbd",
    "mark", "q", "s", "small", "span", "strong", "sub", "sup",
];

/// Elements that have no end tag.
const VOID: [&str; 13] = [
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track",
    "wbr",
];

/// Each tag of `html` in order, as (name, whole tag, whether it is an end
/// tag); comments are skipped. A `>` inside a quoted attribute value is
/// taken as the tag's end, which the HTML cairn writes never has.
fn tags(html: &str) -> impl Iterator<Item = (&str, &str, bool)> {
    let mut rest = html;
    std::iter::from_fn(move || {
        loop {
            let start = rest.find('<')?;
            let tag = &rest[start..];
            if let Some(comment) = tag.strip_prefix("<!--") {
                rest = comment.find("-->").map_or("", |e| &comment[e + 3..]);
                continue;
            }
            let end = tag.find('>')?;
            let (whole, after) = (&tag[..=end], &tag[end + 1..]);
            rest = after;
            let (inner, closing) = match whole[1..].strip_prefix('/') {
                Some(inner) => (inner, true),
                None => (&whole[1..], false),
            };
            let name = inner
                .split(|c: char| c.is_ascii_whitespace() || c == '>' || c == '/')
                .next()
                .unwrap_or_default();
            if name.starts_with(|c: char| c.is_ascii_alphabetic()) {
                return Some((name, whole, closing));
            }
        }
    })
}

/// Whether `html` has a block element (a `<figure>`, a `<table>`, a
/// `<div>`...), which cannot stand inside a paragraph.
pub fn has_block(html: &str) -> bool {
    tags(html)
        .any(|(name, _, closing)| !closing && BLOCKS.iter().any(|b| b.eq_ignore_ascii_case(name)))
}

/// The elements still open at the end of `fragment`, a piece of HTML that
/// begins outside any element: each name with its start tag, outermost
/// first. An end tag closes its element and any left open inside it.
pub fn open_elements(fragment: &str) -> Vec<(&str, &str)> {
    let mut open: Vec<(&str, &str)> = Vec::new();
    for (name, whole, closing) in tags(fragment) {
        if closing {
            if let Some(k) = open.iter().rposition(|(n, _)| n.eq_ignore_ascii_case(name)) {
                open.truncate(k);
            }
        } else if !whole.ends_with("/>") && !VOID.iter().any(|v| v.eq_ignore_ascii_case(name)) {
            open.push((name, whole));
        }
    }
    open
}

pub fn decode_entities(s: &str) -> String {
    s.replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// JSON safe to embed in an HTML `<script>`: the characters that could end
/// the element or start a comment are written as JSON escapes.
pub fn script_safe(json: &str) -> String {
    json.replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

/// Percent-encodes everything but ASCII letters, digits, `-`, `_`, `.`,
/// `~` and `/`, as Zola's and Jinja's `urlencode` do.
pub fn urlencode(v: &str) -> String {
    let mut out = String::with_capacity(v.len());
    for b in v.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~' | b'/') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_are_told_from_inline_elements() {
        assert!(has_block(
            "<figure class=\"figure\">\n<img src=\"a.png\">\n</figure>"
        ));
        assert!(has_block("<!-- <span> --><span>a</span><DIV>b</DIV>"));
        assert!(has_block("<ul><li>a</li></ul>"));
        assert!(!has_block(
            "<span class=\"k\">Ctrl</span> <img src=\"a.png\"> <picture></picture>"
        ));
        assert!(!has_block("</div> text <!-- <table> -->"));
        assert!(!has_block("a < b and 3 > 2"));
    }

    #[test]
    fn open_elements_are_those_not_yet_ended() {
        assert_eq!(
            open_elements("Some <em>text, <a href=\"/x/\">a link"),
            vec![("em", "<em>"), ("a", "<a href=\"/x/\">")]
        );
        assert!(
            open_elements("<strong>bold</strong> <br> <img src=\"a\"/> <code>x</code>").is_empty()
        );
        // An end tag closes what was left open inside it.
        assert_eq!(
            open_elements("<em><strong>x</em> <span>"),
            vec![("span", "<span>")]
        );
        // A stray end tag closes nothing.
        assert_eq!(open_elements("</b><i>"), vec![("i", "<i>")]);
    }

    fn all(html: &str) -> Vec<(String, String)> {
        let mut out = Vec::new();
        attributes(html, |n, v| out.push((n.to_string(), v.to_string())));
        out
    }

    #[test]
    fn attributes_are_read_inside_tags_only() {
        assert_eq!(
            all("<a href=\"/x/\" title='a > b'>t</a> <img src=\"i.png\" alt=\"\">"),
            [
                ("href".into(), "/x/".into()),
                ("title".into(), "a > b".into()),
                ("src".into(), "i.png".into()),
                ("alt".into(), String::new()),
            ]
        );
        // A code block showing HTML: its `<` are escaped, its quotes not.
        assert_eq!(
            all(
                "<pre><code>&lt;a href=\"{{ page.permalink }}\"&gt; x id=\"y\"</code></pre><p id=\"z\">"
            ),
            [("id".into(), "z".into())]
        );
        assert_eq!(
            all("a = \"b\" <p class=\"c\" data-x=\"1 > 0\" id=\"d\">"),
            [
                ("class".into(), "c".into()),
                ("data-x".into(), "1 > 0".into()),
                ("id".into(), "d".into()),
            ]
        );
    }
}
