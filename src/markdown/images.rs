//! Images in Markdown: `![alt](src "title")` handed to the resolver,
//! which answers with the HTML of the resized copies.

use pulldown_cmark::{CowStr, Event, Tag, TagEnd};

use super::Walk;

/// An image of the body, as [`LinkResolver::image`] sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageRef<'a> {
    /// Its `src` as written.
    pub src: &'a str,
    /// Its alt text.
    pub alt: &'a str,
    /// Its title.
    pub title: &'a str,
    /// Its byte offset in the text.
    pub offset: usize,
    /// Whether it is likely seen without scrolling: the body's first
    /// image, within its first 600 bytes.
    pub first_screen: bool,
}

/// Whether an image `src` is on another site (or inline data): left as
/// it is.
pub fn is_remote(src: &str) -> bool {
    src.starts_with("//")
        || src.starts_with("data:")
        || src.split_once(':').is_some_and(|(scheme, _)| {
            !scheme.is_empty()
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
        })
}

impl<'a> Walk<'a, '_> {
    /// An image: its alt text read up to its end, then the resolver's HTML
    /// for it, or the events as they were.
    pub(super) fn image(
        &mut self,
        parser: &mut impl Iterator<Item = (Event<'a>, std::ops::Range<usize>)>,
        tag: Tag<'a>,
        offset: usize,
    ) {
        let mut inner = Vec::new();
        let mut depth = 1;
        for (e, _) in parser.by_ref() {
            match &e {
                Event::Start(Tag::Image { .. }) => depth += 1,
                Event::End(TagEnd::Image) => {
                    depth -= 1;
                    if depth == 0 {
                        break;
                    }
                }
                _ => {}
            }
            inner.push(e);
        }
        let alt: String = inner
            .iter()
            .filter_map(|e| match e {
                Event::Text(t) | Event::Code(t) => Some(t.as_ref()),
                Event::SoftBreak | Event::HardBreak => Some(" "),
                _ => None,
            })
            .collect();
        let Tag::Image {
            dest_url, title, ..
        } = &tag
        else {
            return;
        };
        self.images += 1;
        let html = if is_remote(dest_url) {
            Ok(None)
        } else {
            if alt.trim().is_empty() {
                self.out.warnings.push((
                    offset,
                    format!("image `{dest_url}` has no alt text (write it between the brackets: `![what it shows]({dest_url})`)"),
                ));
            }
            self.resolver.image(&ImageRef {
                src: dest_url,
                alt: alt.trim(),
                title,
                offset,
                first_screen: self.images == 1 && offset < 600,
            })
        };
        let html = match html {
            Ok(h) => h,
            Err(msg) => {
                // Reported here; left out of the page, which is not
                // written anyway.
                self.out.errors.push((offset, msg));
                return;
            }
        };
        match html {
            Some(h) => {
                self.take_text(&alt);
                if self.want_html {
                    self.kept.push(Event::InlineHtml(CowStr::from(h)));
                }
            }
            None => {
                self.other(Event::Start(tag));
                for e in inner {
                    self.other(e);
                }
                self.other(Event::End(TagEnd::Image));
            }
        }
    }
}
