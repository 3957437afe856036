//! The parts of a Markdown pass that knowledge-base Markdown adds:
//! callouts, math and glossary auto-links (see [`super::Walk`]), and math
//! in short inline Markdown (`text` fields).

use pulldown_cmark::{CowStr, Event, Options, Parser, Tag, TagEnd};

use super::{LinkRef, Walk, anchor, callouts, math, render_inline};
use crate::html::{escape_attr, escape_text};

impl<'a> Walk<'a, '_> {
    /// A block quote starting at `start` in `text`: a callout when its
    /// first line is a marker (`> [!TIP] Title`), whose line is then read
    /// here and replaced by the callout's title.
    pub(super) fn quote(
        &mut self,
        parser: &mut impl Iterator<Item = (Event<'a>, std::ops::Range<usize>)>,
        text: &str,
        start: usize,
        kind: Option<pulldown_cmark::BlockQuoteKind>,
    ) {
        let marker = match callouts::marker(text.get(start..).unwrap_or_default()) {
            Some(Ok(m)) => Some(m),
            Some(Err((at, msg))) => {
                self.out.errors.push((start + at, msg));
                None
            }
            None => None,
        };
        self.quotes.push(marker.is_some());
        let Some(marker) = marker else {
            self.other(Event::Start(Tag::BlockQuote(kind)));
            return;
        };
        // The marker's line: the start of the first paragraph, up to its
        // first line break (or its end, when the marker is all of it).
        let mut whole = false;
        for (e, _) in &mut *parser {
            match e {
                Event::SoftBreak | Event::HardBreak => break,
                Event::End(TagEnd::Paragraph) => {
                    whole = true;
                    break;
                }
                _ => {}
            }
        }
        let (kind, english) = callouts::KINDS[marker.kind];
        let key = format!("callout_{}", kind.to_ascii_lowercase());
        let title = render_inline(match marker.title {
            "" => self.resolver.word(&key).unwrap_or(english),
            custom => custom,
        });
        if !marker.title.is_empty() {
            self.take_text(&crate::html::strip_tags(&title));
        }
        if self.want_html {
            let html = callouts::open(marker.kind, &title);
            self.kept.push(Event::Html(CowStr::from(html)));
        }
        if !whole {
            self.other(Event::Start(Tag::Paragraph));
        }
    }

    /// Math whose LaTeX `tex` starts at byte `start` of the text: MathML,
    /// or an error at the problem's place (the formula is then shown as
    /// code).
    pub(super) fn math(&mut self, tex: &str, display: bool, start: usize) {
        self.take_text(tex);
        let html = match math::to_mathml(tex, display) {
            Ok(mathml) => mathml,
            Err((at, msg)) => {
                self.out.errors.push((start + at, msg));
                format!(
                    "<code class=\"math-error\">{}</code>",
                    crate::html::escape_text(tex)
                )
            }
        };
        if self.want_html {
            self.kept.push(Event::InlineHtml(CowStr::from(html)));
        }
    }

    /// The end of a block quote, or of a callout.
    pub(super) fn quote_end(&mut self, kind: Option<pulldown_cmark::BlockQuoteKind>) {
        if self.quotes.pop() == Some(true) {
            if self.want_html {
                self.kept.push(Event::Html(CowStr::from(callouts::CLOSE)));
            }
            if self.want_text {
                self.out.text.push(' ');
            }
        } else {
            self.other(Event::End(TagEnd::BlockQuote(kind)));
        }
    }

    /// An embed, `![[dest]]` or `![[dest#heading]]` at `offset`: the other
    /// page's body (or section) in a box with a link to its source, in
    /// place of the paragraph it stands in; it counts as a link there.
    pub(super) fn embed(
        &mut self,
        parser: &mut impl Iterator<Item = (Event<'a>, std::ops::Range<usize>)>,
        dest: &str,
        offset: usize,
    ) {
        // The text between the brackets comes as the image's alt text.
        for (e, _) in &mut *parser {
            if matches!(e, Event::End(TagEnd::Image)) {
                break;
            }
        }
        let (path, fragment) = match dest.split_once('#') {
            Some((p, f)) => (p.trim(), Some(f.trim())),
            None => (dest.trim(), None),
        };
        let level = self.flat.last().map_or(1, |(l, _, _)| *l);
        let embedded = match self.resolver.embed(path, fragment, level) {
            Ok(Some(e)) => e,
            Ok(None) => return,
            Err(msg) => {
                self.out.errors.push((offset, msg));
                return;
            }
        };
        self.linked.push(embedded.page);
        self.out.links.push(LinkRef {
            page: Some(embedded.page),
            fragment: None,
            offset,
        });
        if self.want_html {
            let (close, open) = if self.paragraph_depth > 0 {
                ("</p>\n", "<p>")
            } else {
                ("", "")
            };
            let html = format!(
                "{close}<div class=\"embed\">\n<p class=\"embed-source\">From <a href=\"{}\">{}</a></p>\n{}</div>\n{open}",
                escape_attr(&embedded.url),
                escape_text(&embedded.title),
                embedded.html
            );
            self.embedded |= !close.is_empty();
            self.kept.push(Event::Html(CowStr::from(html)));
        }
    }

    /// Text outside links: its glossary terms link to their entries on
    /// their first mention in the page (and count as links, for
    /// backlinks).
    pub(super) fn autolink(&mut self, event: Event<'a>, text: &str) {
        let Some((glossary, own)) = self.glossary else {
            return;
        };
        let mut pieces: Vec<Event<'a>> = Vec::new();
        let mut at = 0;
        for (s, e, page) in glossary.find(text) {
            if Some(page) == own || self.linked.contains(&page) {
                continue;
            }
            let Some(target) = self.resolver.page(page) else {
                continue;
            };
            self.linked.push(page);
            self.out.links.push(LinkRef {
                page: Some(page),
                fragment: None,
                offset: 0,
            });
            if self.want_html {
                pieces.push(Event::Text(CowStr::from(text[at..s].to_string())));
                pieces.push(Event::InlineHtml(CowStr::from(anchor(
                    &target, "", "autolink",
                ))));
                pieces.push(Event::Text(CowStr::from(text[s..e].to_string())));
                pieces.push(Event::InlineHtml(CowStr::from("</a>")));
            }
            at = e;
        }
        if !self.want_html {
            return;
        }
        if at == 0 {
            self.kept.push(event);
            return;
        }
        pieces.push(Event::Text(CowStr::from(text[at..].to_string())));
        self.kept.extend(pieces);
    }
}

/// The events of a short piece of inline Markdown, math rendered (a
/// formula in error as code), with the math errors: (byte offset, message).
pub(super) fn inline_events(
    text: &str,
) -> impl Iterator<Item = (Event<'_>, Option<(usize, String)>)> {
    Parser::new_ext(text, Options::ENABLE_STRIKETHROUGH | Options::ENABLE_MATH)
        .into_offset_iter()
        .map(move |(event, range)| {
            let (tex, display, start) = match &event {
                Event::InlineMath(_) if math::is_prices(text, range.end) => {
                    return (Event::Text(CowStr::Borrowed(&text[range])), None);
                }
                Event::InlineMath(t) => (t, false, range.start + 1),
                Event::DisplayMath(t) => (t, true, range.start + 2),
                _ => return (event, None),
            };
            match math::to_mathml(tex, display) {
                Ok(m) => (Event::InlineHtml(CowStr::from(m)), None),
                Err((at, msg)) => (
                    Event::InlineHtml(CowStr::from(format!(
                        "<code class=\"math-error\">{}</code>",
                        crate::html::escape_text(tex)
                    ))),
                    Some((start + at, msg)),
                ),
            }
        })
}

/// The errors of the math in a short piece of inline Markdown (a `text`
/// field): (byte offset, message).
pub fn inline_math_errors(text: &str) -> Vec<(usize, String)> {
    if !text.contains('$') {
        return Vec::new();
    }
    inline_events(text).filter_map(|(_, e)| e).collect()
}

/// The section of `html` (a rendered body) under the heading with id
/// `id`, up to the next heading of its level or higher; `None` when no
/// heading has that id.
pub fn section<'h>(html: &'h str, id: &str) -> Option<&'h str> {
    let at = html.find(&format!(" id=\"{}\"", escape_attr(id)))?;
    let start = html[..at].rfind("<h")?;
    let level = html[start + 2..].chars().next()?.to_digit(10)?;
    let rest = start + 3;
    let end = (1..=level)
        .filter_map(|k| html[rest..].find(&format!("<h{k} ")).map(|e| rest + e))
        .min()
        .unwrap_or(html.len());
    Some(&html[start..end])
}

/// `html` with its headings moved so that the highest is level `top`
/// (at most 6), their ids and hover anchors removed (the embedding page
/// has its own).
pub fn shift_headings(html: &str, top: u8) -> String {
    let highest = (1..=6u8)
        .find(|k| html.contains(&format!("<h{k} ")) || html.contains(&format!("<h{k}>")))
        .unwrap_or(top);
    let delta = i16::from(top) - i16::from(highest);
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(at) = rest.find("<h").into_iter().chain(rest.find("</h")).min() {
        out.push_str(&rest[..at]);
        let closing = rest[at..].starts_with("</h");
        let digit_at = at + if closing { 3 } else { 2 };
        match rest[digit_at..].chars().next().and_then(|c| c.to_digit(10)) {
            Some(k) if (1..=6).contains(&k) => {
                let shifted = (i16::try_from(k).unwrap_or(1) + delta).clamp(1, 6);
                out.push_str(if closing { "</h" } else { "<h" });
                out.push_str(&shifted.to_string());
                rest = &rest[digit_at + 1..];
                if !closing && rest.starts_with(" id=\"") {
                    let end = rest[5..].find('"').map_or(rest.len(), |e| e + 6);
                    rest = &rest[end..];
                }
            }
            _ => {
                out.push_str(&rest[at..digit_at]);
                rest = &rest[digit_at..];
            }
        }
    }
    out.push_str(rest);
    // The hover anchors lead to ids that are gone.
    const ANCHOR: &str = "<a class=\"anchor\"";
    while let Some(at) = out.find(ANCHOR) {
        let end = out[at..].find("</a>").map_or(out.len(), |e| at + e + 4);
        out.replace_range(at..end, "");
    }
    out
}
