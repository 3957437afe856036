//! Markdown to HTML, with stable heading ids, a table of contents and a word
//! count. Pure: a string in, a [`Rendered`] out.
//!
//! Extensions: tables, footnotes, strikethrough, task lists and explicit
//! heading ids (`## Title {#my-id}`). Raw HTML in Markdown passes through
//! unchanged, as in Zola and Hugo's "unsafe" mode: content is written by the
//! site's own authors, and knowledge bases often need a `<details>` or a
//! `<kbd>`. Template syntax in Markdown (`{{ ... }}`, `{% ... %}`) is never
//! evaluated: it is text.
//!
//! Here too: [`shortcodes`] finds and parses the calls in a body (their
//! rendering is the site's), and `highlight` colours code blocks at build
//! time.

mod callouts;
pub mod glossary;
mod images;
mod kb;

pub use images::{ImageRef, is_remote};
use kb::inline_events;
pub use kb::{inline_math_errors, section, shift_headings};
pub(crate) mod highlight;
mod math;
pub mod shortcodes;

use pulldown_cmark::{CowStr, Event, HeadingLevel, LinkType, Options, Parser, Tag, TagEnd, html};
use serde::Serialize;

use crate::content::slug::slugify;
use crate::html::escape_attr;

/// One heading in the table of contents.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TocEntry {
    /// The heading's id (the URL fragment).
    pub id: String,
    /// The heading's text.
    pub title: String,
    /// 1 to 6.
    pub level: u8,
    /// Lower-level headings under this one.
    pub children: Vec<TocEntry>,
}

/// The result of rendering one Markdown document.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Rendered {
    /// The HTML.
    pub html: String,
    /// Nested headings.
    pub toc: Vec<TocEntry>,
    /// Every heading id in the page, in order.
    pub ids: Vec<String>,
    /// Words of text (code included).
    pub word_count: usize,
    /// Text of the first paragraph, for descriptions.
    pub summary: String,
    /// All the text of the page, blocks separated by spaces (for the search
    /// index and FAQ answers).
    pub text: String,
    /// Resolved internal links (`@/` and wikilinks), for fragment checks
    /// and backlinks.
    pub links: Vec<LinkRef>,
    /// Problems in the body (internal links that did not resolve, unknown
    /// callout kinds): (byte offset, message).
    pub errors: Vec<(usize, String)>,
    /// Lesser problems (an image without alt text): (byte offset,
    /// message).
    pub warnings: Vec<(usize, String)>,
}

/// How an internal link was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkKind {
    /// `[[slug]]`, `[[collection/slug]]`.
    Wiki,
    /// `[text](@/path.md)`.
    ContentPath,
    /// `[text](../roles/pm.md)`: a content file, relative to the linking
    /// file's folder, as written for GitHub.
    Relative,
}

/// Where an internal link leads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// Root-relative URL of the page.
    pub url: String,
    /// The page's title (the text of a wikilink without a label).
    pub title: String,
    /// The page's index in the site.
    pub page: usize,
    /// What a link preview shows of an entry: its kind ("KPI") and summary;
    /// `None` for other pages, or with previews off.
    pub preview: Option<(String, String)>,
    /// The target's language, when it is not the language of the page
    /// that links to it (a link that falls back to the default language):
    /// written as `hreflang` for the theme to mark.
    pub hreflang: Option<String>,
}

/// A page's body, or a section of it, ready to embed in another page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Embedded {
    /// The HTML, headings shifted, without their ids and anchors.
    pub html: String,
    /// The embedded page's index in the site.
    pub page: usize,
    /// Where the source is: the page's URL, with the heading's fragment.
    pub url: String,
    /// The page's title, and the heading's after " › " for a section.
    pub title: String,
}

/// Resolves internal links for [`render_with`].
pub trait LinkResolver {
    /// Resolves `dest` (without its `#fragment`); the message of the error
    /// otherwise. `Ok(None)`: the target exists but could not be loaded
    /// (its own errors are reported), so the link is left unchecked.
    fn resolve(&self, kind: LinkKind, dest: &str) -> Result<Option<Target>, String>;

    /// The glossary whose terms link on their first mention, and the page
    /// being rendered (which its own terms never link to); `None` when
    /// nothing auto-links here.
    fn glossary(&self) -> Option<(&glossary::Glossary, Option<usize>)> {
        None
    }

    /// The body of page `dest` (a wikilink target), or its section under
    /// heading `fragment`, rendered for an embed (`![[dest#fragment]]`)
    /// with its headings moved under level `level`; `Ok(None)` when the
    /// target could not be loaded (its own errors are reported).
    fn embed(
        &self,
        dest: &str,
        fragment: Option<&str>,
        level: u8,
    ) -> Result<Option<Embedded>, String> {
        let _ = (fragment, level);
        Err(format!("cannot embed `![[{dest}]]` outside a site"))
    }

    /// Where page `page` of the site leads, for an auto-link.
    fn page(&self, page: usize) -> Option<Target> {
        let _ = page;
        None
    }

    /// The theme's word `key` in the page's language (see the `i18n`
    /// template variable), for the few words Markdown writes itself: a
    /// heading's anchor label, callout titles. `None`: English.
    fn word(&self, key: &str) -> Option<&str> {
        let _ = key;
        None
    }

    /// The HTML of the image `![alt](src "title")` at byte `offset`
    /// (resized copies, `srcset`, its size); `first_screen` when it is
    /// likely seen without scrolling. `Ok(None)`: written as Markdown
    /// writes it (an image on another site).
    fn image(&self, image: &ImageRef) -> Result<Option<String>, String> {
        let _ = image;
        Ok(None)
    }
}

/// A resolver for text with no site around it: every internal link is an
/// error.
pub struct NoLinks;

impl LinkResolver for NoLinks {
    fn resolve(&self, _: LinkKind, dest: &str) -> Result<Option<Target>, String> {
        Err(format!("cannot resolve `{dest}` outside a site"))
    }
}

/// An internal link found in a body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkRef {
    /// The target page, or `None` for a link within the same page.
    pub page: Option<usize>,
    /// The `#fragment`, if any.
    pub fragment: Option<String>,
    /// Byte offset of the link in the text.
    pub offset: usize,
}

/// Minutes needed to read `words` at 200 words a minute, at least one.
pub fn reading_time(words: usize) -> usize {
    words.div_ceil(200).max(1)
}

fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_WIKILINKS
        | Options::ENABLE_MATH
        | Options::ENABLE_DEFINITION_LIST
}

fn level_num(l: HeadingLevel) -> u8 {
    l as u8
}

/// Renders `text` to HTML with no internal links to resolve.
pub fn render(text: &str) -> Rendered {
    render_with(text, &NoLinks)
}

/// Renders `text` to HTML, resolving `@/` links and wikilinks.
pub fn render_with(text: &str, resolver: &dyn LinkResolver) -> Rendered {
    render_full(text, resolver, true, Pass::Full)
}

/// Which parts of [`Rendered`] one Markdown pass computes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pass {
    /// Everything.
    Full,
    /// Everything but the HTML (no highlighting, no HTML writing): the
    /// first pass of a build that renders each body again in its page job.
    NoHtml,
    /// The HTML, heading ids, table of contents and links, without the
    /// word count, the summary or the plain text: that second render, which
    /// has those from the first pass.
    HtmlOnly,
}

/// Renders `text` to HTML; `want_text` keeps the page's plain text in
/// [`Rendered::text`] (the search index and FAQ answers need it; without
/// them it would only cost memory); `pass` says what else to compute.
pub fn render_full(
    text: &str,
    resolver: &dyn LinkResolver,
    want_text: bool,
    pass: Pass,
) -> Rendered {
    let mut walk = Walk {
        resolver,
        want_html: pass != Pass::NoHtml,
        want_text: want_text && pass != Pass::HtmlOnly,
        // Word count and summary; the summary also needs paragraph depth.
        want_stats: pass != Pass::HtmlOnly,
        kept: Vec::new(),
        out: Rendered::default(),
        flat: Vec::new(),
        ids: HeadingIds::default(),
        paragraph_depth: 0,
        summary_done: false,
        label: None,
        quotes: Vec::new(),
        glossary: resolver.glossary(),
        link_depth: 0,
        linked: Vec::new(),
        embedded: false,
        images: 0,
    };
    // One pass over the parser's events: each is looked at, rewritten where
    // needed and, with `want_html`, kept for the HTML writer. Rewriting on
    // the way (instead of inserting into a collected list) keeps the pass
    // linear in the number of events.
    let mut parser = Parser::new_ext(text, options()).into_offset_iter();
    while let Some((mut event, range)) = parser.next() {
        if let Some(title) = walk.label.take()
            && let Event::Text(t) = &mut event
        {
            *t = CowStr::from(title);
        }
        match event {
            Event::Start(Tag::Heading {
                level,
                id,
                classes,
                attrs,
            }) => walk.heading(&mut parser, level, id, classes, attrs),
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) if matches!(link_type, LinkType::WikiLink { .. })
                || dest_url.starts_with("@/")
                || is_relative_md(&dest_url) =>
            {
                walk.link(link_type, dest_url, title, id, range.start)
            }
            Event::Start(Tag::CodeBlock(kind)) => walk.code_block(&mut parser, kind),
            Event::Start(Tag::Image {
                link_type: LinkType::WikiLink { .. },
                dest_url,
                ..
            }) => walk.embed(&mut parser, &dest_url, range.start),
            Event::Start(tag @ Tag::Image { .. }) => walk.image(&mut parser, tag, range.start),
            Event::Start(Tag::BlockQuote(kind)) => walk.quote(&mut parser, text, range.start, kind),
            Event::End(TagEnd::BlockQuote(kind)) => walk.quote_end(kind),
            Event::InlineMath(_) if math::is_prices(text, range.end) => {
                walk.other(Event::Text(CowStr::Borrowed(&text[range])))
            }
            Event::InlineMath(tex) => walk.math(&tex, false, range.start + 1),
            Event::DisplayMath(tex) => walk.math(&tex, true, range.start + 2),
            event => walk.other(event),
        }
    }
    walk.finish(text.len())
}

/// The state of one pass over a document's events.
struct Walk<'a, 'r> {
    resolver: &'r dyn LinkResolver,
    want_html: bool,
    want_text: bool,
    want_stats: bool,
    /// The events for the HTML writer (with `want_html`).
    kept: Vec<Event<'a>>,
    out: Rendered,
    /// Every heading: (level, id, title), for the table of contents.
    flat: Vec<(u8, String, String)>,
    /// The ids given so far.
    ids: HeadingIds,
    paragraph_depth: usize,
    summary_done: bool,
    /// A wikilink without a label shows its target's title: set by the
    /// link, applied to the text event right after it.
    label: Option<String>,
    /// For each block quote open, whether it is a callout.
    quotes: Vec<bool>,
    /// The glossary and the page itself (see [`LinkResolver::glossary`]).
    glossary: Option<(&'r glossary::Glossary, Option<usize>)>,
    /// Links and images open around the text at hand (no auto-link there).
    link_depth: usize,
    /// The pages auto-linked so far (each on its first mention only).
    linked: Vec<usize>,
    /// Whether an embed closed a paragraph around it (empty `<p></p>`
    /// pairs to drop from the HTML).
    embedded: bool,
    /// Images seen so far.
    images: usize,
}

impl<'a> Walk<'a, '_> {
    /// A heading: its text read up to its end, a unique id, a hover anchor.
    fn heading(
        &mut self,
        parser: &mut impl Iterator<Item = (Event<'a>, std::ops::Range<usize>)>,
        level: HeadingLevel,
        id: Option<CowStr<'a>>,
        classes: Vec<CowStr<'a>>,
        attrs: Vec<(CowStr<'a>, Option<CowStr<'a>>)>,
    ) {
        let explicit = id.map(|s| s.to_string());
        let mut title = String::new();
        let mut inner = Vec::new();
        for (e, _) in &mut *parser {
            if matches!(e, Event::End(TagEnd::Heading(_))) {
                break;
            }
            if let Event::Text(t) | Event::Code(t) = &e {
                title.push_str(t);
            }
            if self.want_html {
                inner.push(e);
            }
        }
        let base = explicit.unwrap_or_else(|| {
            let s = slugify(&title);
            if s.is_empty() {
                "section".to_string()
            } else {
                s
            }
        });
        let id = self.ids.unique(&base);
        self.out.ids.push(id.clone());
        self.take_text(&title);
        if self.want_html {
            // A hover anchor at the end of the heading.
            let anchor = format!(
                "<a class=\"anchor\" href=\"#{}\" aria-label=\"{}\">#</a>",
                escape_attr(&id),
                escape_attr(
                    self.resolver
                        .word("anchor_label")
                        .unwrap_or("Link to this section")
                )
            );
            self.kept.push(Event::Start(Tag::Heading {
                level,
                id: Some(CowStr::from(id.clone())),
                classes,
                attrs,
            }));
            self.kept.append(&mut inner);
            self.kept.push(Event::InlineHtml(CowStr::from(anchor)));
            self.kept.push(Event::End(TagEnd::Heading(level)));
        }
        self.flat
            .push((level_num(level), id, title.trim().to_string()));
    }

    /// A link to resolve (`@/`, wikilink, relative `.md`), at `offset`.
    fn link(
        &mut self,
        link_type: LinkType,
        dest_url: CowStr<'a>,
        title: CowStr<'a>,
        id: CowStr<'a>,
        offset: usize,
    ) {
        let wiki = match link_type {
            LinkType::WikiLink { has_pothole } => Some(has_pothole),
            _ => None,
        };
        let relative = wiki.is_none() && !dest_url.starts_with("@/");
        let dest = if wiki.is_some() || relative {
            &dest_url[..]
        } else {
            &dest_url[2..]
        };
        let (path, fragment) = match dest.split_once('#') {
            Some((p, f)) => (p.trim(), Some(f.trim().to_string())),
            None => (dest.trim(), None),
        };
        let kind = match (wiki, relative) {
            (Some(_), _) => LinkKind::Wiki,
            (None, true) => LinkKind::Relative,
            (None, false) => LinkKind::ContentPath,
        };
        let resolved = if path.is_empty() && fragment.is_some() {
            Ok(None)
        } else {
            self.resolver.resolve(kind, path)
        };
        let event = match resolved {
            // A target that could not be loaded: not checked.
            Ok(None) if !path.is_empty() => Event::Start(Tag::Link {
                link_type,
                dest_url: CowStr::from(""),
                title,
                id,
            }),
            Ok(target) => {
                let base = target.as_ref().map_or("", |t| t.url.as_str());
                let url = match &fragment {
                    Some(f) => format!("{base}#{f}"),
                    None => base.to_string(),
                };
                if let (Some(false), Some(t)) = (wiki, &target) {
                    self.label = Some(t.title.clone());
                }
                let preview = target
                    .as_ref()
                    .filter(|t| t.preview.is_some() || t.hreflang.is_some())
                    .map(|t| (t.title.clone(), t.preview.clone(), t.hreflang.clone()));
                // A page linked to by hand is not auto-linked after.
                if let Some(t) = &target {
                    self.linked.push(t.page);
                }
                self.out.links.push(LinkRef {
                    page: target.map(|t| t.page),
                    fragment,
                    offset,
                });
                match preview {
                    Some((name, preview, hreflang)) => Event::InlineHtml(CowStr::from(anchor(
                        &Target {
                            url: url.clone(),
                            title: name,
                            page: 0,
                            preview,
                            hreflang,
                        },
                        &title,
                        "",
                    ))),
                    None => Event::Start(Tag::Link {
                        link_type: LinkType::Inline,
                        dest_url: CowStr::from(url),
                        title,
                        id,
                    }),
                }
            }
            // Reported here, at its place: the link in the HTML
            // (never written) leads nowhere to check again.
            Err(msg) => {
                self.out.errors.push((offset, msg));
                Event::Start(Tag::Link {
                    link_type,
                    dest_url: CowStr::from(""),
                    title,
                    id,
                })
            }
        };
        self.link_depth += 1;
        if self.want_html {
            self.kept.push(event);
        }
    }

    /// A code block, highlighted at build time and put back as HTML.
    fn code_block(
        &mut self,
        parser: &mut impl Iterator<Item = (Event<'a>, std::ops::Range<usize>)>,
        kind: pulldown_cmark::CodeBlockKind<'a>,
    ) {
        // Highlight the block at build time and put it back as HTML.
        let lang = match kind {
            pulldown_cmark::CodeBlockKind::Fenced(info) => {
                info.split([' ', ',', '{']).next().map(str::to_string)
            }
            pulldown_cmark::CodeBlockKind::Indented => None,
        };
        let mut code = String::new();
        for (e, _) in &mut *parser {
            match e {
                Event::End(TagEnd::CodeBlock) => break,
                Event::Text(t) => code.push_str(&t),
                _ => {}
            }
        }
        self.take_text(&code);
        if self.want_html {
            let html = crate::markdown::highlight::code_block(&code, lang.as_deref());
            self.kept.push(Event::Html(CowStr::from(html)));
        }
    }

    /// Any other event: counted, kept for the text and summary, passed on.
    fn other(&mut self, event: Event<'a>) {
        match &event {
            Event::Start(Tag::Paragraph) => self.paragraph_depth += 1,
            Event::End(TagEnd::Paragraph) => {
                if self.want_text {
                    self.out.text.push(' ');
                }
                self.paragraph_depth = self.paragraph_depth.saturating_sub(1);
                if !self.out.summary.is_empty() {
                    self.summary_done = true;
                }
            }
            Event::Text(t) | Event::Code(t) => {
                if self.want_stats {
                    self.out.word_count += count_words(t);
                }
                if self.want_text {
                    self.out.text.push_str(t);
                }
                if self.want_stats && self.paragraph_depth > 0 && !self.summary_done {
                    self.out.summary.push_str(t);
                }
            }
            Event::SoftBreak | Event::HardBreak => {
                if self.want_text {
                    self.out.text.push(' ');
                }
                if self.want_stats && self.paragraph_depth > 0 && !self.summary_done {
                    self.out.summary.push(' ');
                }
            }
            Event::End(_) if self.want_text => self.out.text.push(' '),
            _ => {}
        }
        match &event {
            Event::Start(Tag::Link { .. } | Tag::Image { .. }) => self.link_depth += 1,
            Event::End(TagEnd::Link | TagEnd::Image) => {
                self.link_depth = self.link_depth.saturating_sub(1);
            }
            Event::Text(t) if self.link_depth == 0 && self.glossary.is_some() => {
                let t = t.clone();
                return self.autolink(event, &t);
            }
            _ => {}
        }
        if self.want_html {
            self.kept.push(event);
        }
    }

    /// Counts the words of a heading's or code block's `text` and keeps it
    /// for the plain text.
    fn take_text(&mut self, text: &str) {
        if self.want_stats {
            self.out.word_count += count_words(text);
        }
        if self.want_text {
            self.out.text.push_str(text);
            self.out.text.push(' ');
        }
    }

    /// The rendered document; `text_len` sizes the HTML buffer.
    fn finish(mut self, text_len: usize) -> Rendered {
        self.out.summary = self
            .out
            .summary
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        self.out.text = if self.want_text {
            self.out
                .text
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
        } else {
            String::new()
        };
        self.out.toc = nest(&self.flat);
        if !self.want_html {
            return self.out;
        }
        self.out.html.reserve(text_len * 3 / 2);
        html::push_html(&mut self.out.html, self.kept.into_iter());
        if self.embedded {
            self.out.html = self.out.html.replace("<p></p>\n", "");
        }
        // Kept until the page is rendered: give back the unused reserve.
        self.out.html.shrink_to_fit();
        self.out
    }
}

/// The opening tag of a link to `target` with link-preview data when it
/// has some (see the default theme's previews.js), a `title` attribute
/// when `title` is not empty and a class when `class` is not; its href as
/// the HTML writer would write it.
fn anchor(target: &Target, title: &str, class: &str) -> String {
    let mut out = String::from("<a");
    if !class.is_empty() {
        out.push_str(&format!(" class=\"{}\"", escape_attr(class)));
    }
    out.push_str(" href=\"");
    let _ = pulldown_cmark_escape::escape_href(&mut out, &target.url);
    out.push('"');
    if !title.is_empty() {
        out.push_str(&format!(" title=\"{}\"", escape_attr(title)));
    }
    if let Some(lang) = &target.hreflang {
        out.push_str(&format!(" hreflang=\"{}\"", escape_attr(lang)));
    }
    if let Some((kind, summary)) = &target.preview {
        out.push_str(&format!(
            " data-title=\"{}\" data-kind=\"{}\" data-summary=\"{}\"",
            escape_attr(&target.title),
            escape_attr(kind),
            escape_attr(summary)
        ));
    }
    out.push('>');
    out
}

/// The plain internal links and images of `text` (`/roles/pm/`, `#id`,
/// `../x/`; not `@/` links, wikilinks or relative `.md` links, which are
/// resolved while rendering), as written, with their byte offsets. Only
/// looked for when the check of the rendered site found a broken link on
/// the page, to report it at its place: a build without broken links
/// never pays for it.
pub fn plain_links(text: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    for (event, range) in Parser::new_ext(text, options()).into_offset_iter() {
        if let Event::Start(
            Tag::Link {
                link_type,
                dest_url,
                ..
            }
            | Tag::Image {
                link_type,
                dest_url,
                ..
            },
        ) = event
            && !matches!(link_type, LinkType::WikiLink { .. })
            && !dest_url.starts_with("@/")
            && is_internal(&dest_url)
            && !is_relative_md(&dest_url)
        {
            out.push((range.start, dest_url.to_string()));
        }
    }
    out
}

/// Whether a link leads into the site: not empty and not elsewhere
/// (another scheme such as `https:` or `mailto:`, or protocol-relative).
fn is_internal(dest: &str) -> bool {
    !dest.is_empty() && !crate::check::links::is_external(dest)
}

/// Whether a link is a relative path to a Markdown file (`../roles/pm.md`,
/// `pm.md#duties`), which cairn resolves like an `@/` link.
fn is_relative_md(dest: &str) -> bool {
    let path = dest.split(['#', '?']).next().unwrap_or_default();
    let md = path.len() >= 3
        && path
            .get(path.len() - 3..)
            .is_some_and(|e| e.eq_ignore_ascii_case(".md"));
    md && !path.starts_with('/') && !path.starts_with("@/") && is_internal(dest)
}

/// The number of words of `s`, as `s.split_whitespace().count()`, but
/// branch-free over ASCII text, three times faster (word counts run over
/// every page's whole text, twice per build).
pub fn count_words(s: &str) -> usize {
    if !s.is_ascii() {
        return s.split_whitespace().count();
    }
    let mut words = 0;
    let mut after_space = true;
    for &b in s.as_bytes() {
        // ASCII whitespace as `char::is_whitespace` has it: 9..=13 and 32.
        let space = b == b' ' || (b'\t'..=b'\r').contains(&b);
        words += usize::from(after_space && !space);
        after_space = space;
    }
    words
}

/// Renders a short piece of inline Markdown (a `text` field): the HTML of a
/// single paragraph without its `<p>` wrapper.
/// Math in it becomes MathML (see [`inline_math_errors`] for its errors).
pub fn render_inline(text: &str) -> String {
    let mut html = String::with_capacity(text.len() + 16);
    html::push_html(&mut html, inline_events(text).map(|(e, _)| e));
    let trimmed = html.trim_end();
    match trimmed
        .strip_prefix("<p>")
        .and_then(|s| s.strip_suffix("</p>"))
    {
        Some(inner) if !inner.contains("<p>") => inner.to_string(),
        _ => trimmed.to_string(),
    }
}

/// The heading ids of one page: each new id is its base, or the base with
/// the smallest suffix `-1`, `-2`... not taken yet. Linear in the number
/// of headings: each base remembers where its suffixes stopped, so a page
/// of thousands of equal headings does not try every suffix again.
#[derive(Default)]
struct HeadingIds {
    taken: std::collections::HashSet<String>,
    next: std::collections::HashMap<String, usize>,
}

impl HeadingIds {
    fn unique(&mut self, base: &str) -> String {
        if self.taken.insert(base.to_string()) {
            return base.to_string();
        }
        let n = self.next.entry(base.to_string()).or_insert(1);
        loop {
            let candidate = format!("{base}-{n}");
            *n += 1;
            if self.taken.insert(candidate.clone()) {
                return candidate;
            }
        }
    }
}

fn nest(flat: &[(u8, String, String)]) -> Vec<TocEntry> {
    let mut out: Vec<TocEntry> = Vec::new();
    for (level, id, title) in flat {
        let entry = TocEntry {
            id: id.clone(),
            title: title.clone(),
            level: *level,
            children: Vec::new(),
        };
        insert(&mut out, entry);
    }
    out
}

fn insert(list: &mut Vec<TocEntry>, entry: TocEntry) {
    match list.last_mut() {
        Some(last) if last.level < entry.level => insert(&mut last.children, entry),
        _ => list.push(entry),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_two_passes_of_a_build_add_up_to_a_full_render() {
        let text = "# Title\n\nFirst *para* here.\n\n```rust\nfn main() {}\n```\n\n## Next {#n}\n\nMore [x](https://e.org).\n";
        let full = render_full(text, &NoLinks, true, Pass::Full);
        let first = render_full(text, &NoLinks, true, Pass::NoHtml);
        let second = render_full(text, &NoLinks, true, Pass::HtmlOnly);
        assert_eq!(second.html, full.html);
        assert_eq!(second.ids, full.ids);
        assert_eq!(second.toc, full.toc);
        assert_eq!(second.links, full.links);
        assert_eq!((second.word_count, second.summary.as_str()), (0, ""));
        assert!(second.text.is_empty());
        assert!(first.html.is_empty());
        assert!(full.html.contains("<pre"), "{}", full.html);
        assert_eq!(first.ids, full.ids);
        assert_eq!(first.toc, full.toc);
        assert_eq!(first.summary, full.summary);
        assert_eq!(first.text, full.text);
        assert_eq!(first.word_count, full.word_count);
    }

    #[test]
    fn callouts_render_as_notes_with_a_title() {
        let r = render(
            "> [!TIP] Before *you* apply\n> Check the **pay**.\n\n> [!note]\n>\n> Body.\n\n> plain\n\n> [!DANGER]\n> x\n",
        );
        let h = &r.html;
        assert!(
            h.contains("<div class=\"callout callout-tip\" role=\"note\">"),
            "{h}"
        );
        assert!(h.contains("</svg>Before <em>you</em> apply</p>\n<p>Check the <strong>pay</strong>.</p>\n</div>"), "{h}");
        assert!(
            h.contains("<div class=\"callout callout-note\" role=\"note\">"),
            "{h}"
        );
        assert!(h.contains("</svg>Note</p>\n<p>Body.</p>\n</div>"), "{h}");
        assert!(
            h.contains("<blockquote>\n<p>plain</p>\n</blockquote>"),
            "{h}"
        );
        assert!(h.contains("aria-hidden=\"true\""));
        assert!(!h.contains("[!TIP]") && !h.contains("[!note]"), "{h}");
        // An unknown kind stays a quote and is an error at its marker.
        assert!(h.contains("<blockquote>\n<p>[!DANGER]"), "{h}");
        let at = text_offset("> [!DANGER]");
        assert_eq!(r.errors.len(), 1, "{:?}", r.errors);
        assert_eq!(r.errors[0].0, at);
        assert!(
            r.text.contains("Before you apply Check the pay"),
            "{}",
            r.text
        );
        assert!(!r.text.contains("[!TIP"), "{}", r.text);
        assert_eq!(r.summary, "Check the pay.");
    }

    fn text_offset(needle: &str) -> usize {
        "> [!TIP] Before *you* apply\n> Check the **pay**.\n\n> [!note]\n>\n> Body.\n\n> plain\n\n> [!DANGER]\n> x\n"
            .find(needle)
            .unwrap()
            + 2
    }

    #[test]
    fn word_count_matches_split_whitespace() {
        for s in [
            "",
            "   ",
            "one",
            " two  words ",
            "tab\tand\nnewline\r\nand\x0bvt\x0cff",
            "caf\u{e9} na\u{ef}ve \u{2014} dash",
            "no\u{a0}break\u{2003}em\u{3000}ideographic\u{85}nel",
            "\u{1f600}\u{1f600} \u{1f600}",
            "\u{feff}bom is not a space",
        ] {
            assert_eq!(count_words(s), s.split_whitespace().count(), "{s:?}");
        }
    }

    #[test]
    fn heading_ids_are_stable_and_unique() {
        let r =
            render("# Overview\n\n## Key Stakeholders\n\n## Overview\n\n## Overview {#custom}\n");
        assert_eq!(
            r.ids,
            ["overview", "key-stakeholders", "overview-1", "custom"]
        );
        assert!(r.html.contains("<h2 id=\"key-stakeholders\">Key Stakeholders<a class=\"anchor\" href=\"#key-stakeholders\""));
    }

    #[test]
    fn toc_is_nested() {
        let r = render("## A\n### A1\n### A2\n## B\n#### B1\n");
        assert_eq!(r.toc.len(), 2);
        assert_eq!(r.toc[0].children.len(), 2);
        assert_eq!(r.toc[1].children[0].title, "B1");
        assert_eq!(r.toc[1].children[0].level, 4);
    }

    #[test]
    fn extensions_are_on() {
        let r =
            render("| a | b |\n|---|---|\n| 1 | 2 |\n\n~~x~~ [^1]\n\n[^1]: note\n\n- [x] done\n");
        assert!(r.html.contains("<table>"));
        assert!(r.html.contains("<del>x</del>"));
        assert!(r.html.contains("footnote-definition"));
        assert!(r.html.contains("type=\"checkbox\""));
    }

    #[test]
    fn template_syntax_is_text_and_raw_html_passes() {
        let r = render("{{ config }} {% include \"x\" %}\n\n<kbd>K</kbd>\n");
        assert!(r.html.contains("{{ config }} {% include \"x\" %}"));
        assert!(r.html.contains("<kbd>K</kbd>"));
    }

    #[test]
    fn word_count_and_summary() {
        let r = render("# Title here\n\nFirst para\nline two.\n\nSecond para.\n");
        assert_eq!(r.summary, "First para line two.");
        assert_eq!(r.text, "Title here First para line two. Second para.");
        assert_eq!(r.word_count, 2 + 4 + 2);
        assert_eq!(reading_time(r.word_count), 1);
        assert_eq!(reading_time(401), 3);
    }

    #[test]
    fn inline_markdown() {
        assert_eq!(
            render_inline("The **why** and `what`"),
            "The <strong>why</strong> and <code>what</code>"
        );
        assert_eq!(render_inline("a\n\nb"), "<p>a</p>\n<p>b</p>");
    }

    #[test]
    fn code_fence_language_is_escaped() {
        let r = render("```\"><script>\nx\n```\n");
        assert!(!r.html.contains("<script>"), "{}", r.html);
    }

    #[test]
    fn pathological_input_is_fast() {
        let text = "[ (](".repeat(20000);
        let t = std::time::Instant::now();
        render(&text);
        assert!(t.elapsed().as_secs() < 5);
    }
}
