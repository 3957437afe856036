//! Callouts: GitHub's alert syntax on a block quote's first line,
//! `> [!NOTE]`, `[!TIP]`, `[!IMPORTANT]`, `[!WARNING]` or `[!CAUTION]`,
//! with an optional title after it (`> [!TIP] Before you apply`), which
//! GitHub shows as plain text and Obsidian as the title.

/// The kinds of callout, as written (upper case) and as the default title.
pub(crate) const KINDS: [(&str, &str); 5] = [
    ("NOTE", "Note"),
    ("TIP", "Tip"),
    ("IMPORTANT", "Important"),
    ("WARNING", "Warning"),
    ("CAUTION", "Caution"),
];

/// A callout marker at the start of a block quote.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Marker<'a> {
    /// Index in [`KINDS`].
    pub kind: usize,
    /// The title written after the marker, trimmed (may be empty).
    pub title: &'a str,
}

/// Reads the marker at the start of `quote`, the source from a block
/// quote's `>` on: `None` when the quote is a plain one; an error (byte
/// offset in `quote`, message) for a marker of an unknown kind.
pub(crate) fn marker(quote: &str) -> Option<Result<Marker<'_>, (usize, String)>> {
    let line = quote.lines().next().unwrap_or_default();
    let rest = line.strip_prefix('>')?;
    let at = line.len() - rest.trim_start().len();
    let body = rest.trim_start().strip_prefix("[!")?;
    let end = body.find(']')?;
    let name = &body[..end];
    if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphabetic()) {
        return None;
    }
    let title = body[end + 1..].trim();
    Some(
        match KINDS.iter().position(|(k, _)| k.eq_ignore_ascii_case(name)) {
            Some(kind) => Ok(Marker { kind, title }),
            None => Err((
                at,
                format!(
                    "unknown callout kind `[!{name}]`: the kinds are {}",
                    KINDS
                        .iter()
                        .map(|(k, _)| format!("`[!{k}]`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            )),
        },
    )
}

/// The opening HTML of a callout of kind `kind` with the title
/// `title_html` (already HTML): a `note` (its role), the icon hidden from
/// assistive technology, the title visible.
pub(crate) fn open(kind: usize, title_html: &str) -> String {
    let (name, _) = KINDS[kind];
    let class = name.to_ascii_lowercase();
    format!(
        "<div class=\"callout callout-{class}\" role=\"note\">\n<p class=\"callout-title\">\
         <svg class=\"callout-icon\" aria-hidden=\"true\" focusable=\"false\" viewBox=\"0 0 16 16\" \
         width=\"16\" height=\"16\"><g fill=\"none\" stroke=\"currentColor\" stroke-width=\"1.5\" \
         stroke-linecap=\"round\" stroke-linejoin=\"round\">{}</g></svg>{title_html}</p>\n",
        icon(kind)
    )
}

/// The closing HTML of a callout.
pub(crate) const CLOSE: &str = "</div>\n";

/// The icon's drawing (16 by 16): an "i" in a circle, a light bulb, a
/// speech bubble, a triangle and an octagon, the last three with "!".
fn icon(kind: usize) -> &'static str {
    match kind {
        0 => "<circle cx=\"8\" cy=\"8\" r=\"6.5\"/><path d=\"M8 7.2v4M8 4.8v.1\"/>",
        1 => "<path d=\"M5.5 10.2A4.6 4.6 0 1 1 10.5 10.2V12h-5zM6.5 14.5h3\"/>",
        2 => "<path d=\"M2 2.5h12v8.5H8.5L5.5 14v-3H2z\"/><path d=\"M8 4.8v2.8M8 9.4v.1\"/>",
        3 => "<path d=\"M8 1.8 15 14.2H1z\"/><path d=\"M8 6.2v3.6M8 11.9v.1\"/>",
        _ => {
            "<path d=\"M5.3 1.5h5.4l3.8 3.8v5.4l-3.8 3.8H5.3l-3.8-3.8V5.3z\"/>\
             <path d=\"M8 4.6v4M8 11.2v.1\"/>"
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markers_are_read_from_the_first_line() {
        assert_eq!(
            marker("> [!NOTE]\n> text"),
            Some(Ok(Marker { kind: 0, title: "" }))
        );
        assert_eq!(
            marker(">[!tip] Before you apply \n> text"),
            Some(Ok(Marker {
                kind: 1,
                title: "Before you apply"
            }))
        );
        assert_eq!(marker("> plain quote"), None);
        assert_eq!(marker("> [link](x)"), None);
        assert_eq!(marker("> [!] x"), None);
        let Some(Err((at, msg))) = marker(">  [!DANGER]\n") else {
            panic!()
        };
        assert_eq!(at, 3);
        assert!(
            msg.contains("`[!DANGER]`") && msg.contains("`[!CAUTION]`"),
            "{msg}"
        );
    }
}
