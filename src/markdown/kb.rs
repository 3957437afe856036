//! The parts of a Markdown pass that knowledge-base Markdown adds:
//! callouts, math and glossary auto-links (see [`super::Walk`]), and math
//! in short inline Markdown (`text` fields).

use pulldown_cmark::{CowStr, Event, Options, Parser, Tag, TagEnd};

use super::{LinkRef, Walk, anchor, callouts, math, render_inline};

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
        let title = render_inline(match marker.title {
            "" => callouts::KINDS[marker.kind].1,
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
                Event::InlineMath(_)
                    if text
                        .as_bytes()
                        .get(range.end)
                        .is_some_and(u8::is_ascii_digit) =>
                {
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
