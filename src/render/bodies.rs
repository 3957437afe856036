//! Markdown bodies: each page's body rendered with its shortcodes and
//! internal links resolved, and the grouping of their failures.

use std::collections::HashMap;
use std::path::PathBuf;

use super::Shared;
use super::jobs::config_is_faq;
use super::shortcodes::{ShortcodeFailure, render_shortcode};
use crate::content::Page;
use crate::diagnostics::{Cursor, Diagnostic, SHOWN_PER_FILE, did_you_mean, line_col};
use crate::markdown;
use crate::site::Site;

/// A marker that survives Markdown rendering untouched (private-use
/// characters), replaced by the shortcode's HTML afterwards.
pub(super) fn placeholder(n: usize) -> String {
    format!("\u{E000}{n}\u{E001}")
}

/// `text` with each [`placeholder`] replaced by `output(n)`, in one pass;
/// in `html`, as [`place_in_html`] places it.
fn fill_placeholders(text: &str, html: bool, output: impl Fn(usize) -> String) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find('\u{E000}') {
        let after = &rest[start + '\u{E000}'.len_utf8()..];
        let Some(end) = after.find('\u{E001}') else {
            break;
        };
        let Ok(n) = after[..end].parse::<usize>() else {
            out.push_str(&rest[..start + '\u{E000}'.len_utf8()]);
            rest = after;
            continue;
        };
        let tail = &after[end + '\u{E001}'.len_utf8()..];
        if html {
            rest = place_in_html(&mut out, &rest[..start], &output(n), tail);
        } else {
            out.push_str(&rest[..start]);
            out.push_str(&output(n));
            rest = tail;
        }
    }
    out.push_str(rest);
    out
}

/// Where the paragraph that `html` ends inside began: its last `<p>`, when
/// no `</p>` follows it (paragraphs do not nest).
fn open_paragraph(html: &str) -> Option<usize> {
    html.rfind("<p>").filter(|&p| !html[p..].contains("</p>"))
}

/// Writes `before` and a shortcode's HTML `made`, and gives back what of
/// `tail` is still to write. A call alone in its paragraph takes the
/// paragraph's place, so that a block (a table, a figure) is not wrapped
/// in `<p>`. A block inside a paragraph with other text ends the
/// paragraph, and the inline elements it is in, before it, and opens them
/// again after it: a paragraph cannot hold a block (a browser would end it
/// there and make a stray `</p>` an empty paragraph). No element is left
/// empty on either side, and a link around nothing but the call stays
/// around the block (a link may hold one).
fn place_in_html<'a>(out: &mut String, before: &str, made: &str, tail: &'a str) -> &'a str {
    use crate::html::{PHRASING, has_block, open_elements};
    if let (Some(before), Some(tail)) = (before.strip_suffix("<p>"), tail.strip_prefix("</p>")) {
        out.push_str(before);
        out.push_str(made);
        return tail;
    }
    out.push_str(before);
    let Some(p) = Some(made)
        .filter(|made| has_block(made))
        .and_then(|_| open_paragraph(out))
    else {
        out.push_str(made);
        return tail;
    };
    let inline: Vec<(String, String)> = open_elements(&out[p + "<p>".len()..])
        .into_iter()
        .map(|(name, tag)| (name.to_ascii_lowercase(), tag.to_string()))
        .collect();
    // Inside a list or a block of the author's HTML, or after a `<p>`
    // left open: no paragraph of Markdown's to split.
    if !tail.contains("</p>") || !inline.iter().all(|(n, _)| PHRASING.contains(&n.as_str())) {
        out.push_str(made);
        return tail;
    }
    // Before the call: the elements opened right before it go; the rest
    // are ended, then the paragraph, unless nothing is left in it.
    let mut open_before = inline.len();
    loop {
        out.truncate(out.trim_end().len());
        match open_before.checked_sub(1) {
            Some(k) if out.ends_with(&inline[k].1) => {
                out.truncate(out.len() - inline[k].1.len());
                open_before = k;
            }
            _ => break,
        }
    }
    let empty_before = out.len() == p + "<p>".len();
    if empty_before {
        out.truncate(p);
    } else {
        for (name, _) in inline[..open_before].iter().rev() {
            out.push_str(&format!("</{name}>"));
        }
        out.push_str("</p>\n");
    }
    // After it: the elements ended right after it are not opened again.
    let mut open_after = inline.len();
    let mut rest = tail.trim_start();
    while let Some(k) = open_after.checked_sub(1) {
        match rest.strip_prefix(&format!("</{}>", inline[k].0)) {
            Some(r) => (rest, open_after) = (r.trim_start(), k),
            None => break,
        }
    }
    let empty_after = open_after == 0 && rest.starts_with("</p>");
    // A link around nothing but the call stays around the block.
    let mut links = 0;
    if empty_before && empty_after {
        for (_, tag) in inline.iter().filter(|(n, _)| n == "a") {
            out.push_str(tag);
            links += 1;
        }
    }
    out.push_str(made.trim_end());
    out.push_str(&"</a>".repeat(links));
    out.push('\n');
    if empty_after {
        return &rest["</p>".len()..];
    }
    out.push_str("<p>");
    out.extend(inline[..open_after].iter().map(|(_, t)| t.as_str()));
    rest
}

/// Renders a page's Markdown, expanding shortcodes and resolving internal
/// links. Shortcode and link problems are errors at their line and column
/// in the file.
/// Besides the rendered body and the problems at places of the page, the
/// problems inside shortcode templates, each with the place of its call
/// (see [`once_per_place`]).
pub(super) fn render_body(
    sh: &Shared,
    page: &Page,
    pass: markdown::Pass,
) -> (markdown::Rendered, Vec<Diagnostic>, Vec<Failed>) {
    let text = match page.source_text(&sh.site.config.root) {
        Ok(t) => t,
        Err(d) => return (markdown::Rendered::default(), vec![d], Vec::new()),
    };
    let body = text.get(page.body_offset..).unwrap_or_default();
    crate::panics::injected(body);
    let (calls, errors) = crate::markdown::shortcodes::find_calls(body);
    let mut in_templates: Vec<Failed> = Vec::new();
    let mut at = Cursor::new(&text);
    let mut diags: Vec<Diagnostic> = errors
        .iter()
        .map(|e| {
            let d = body_error(
                page,
                &mut at,
                e.offset,
                format!("invalid shortcode call: {}", e.message),
            );
            match &e.hint {
                Some(h) => d.with_hint(h.clone()),
                None => d,
            }
        })
        .collect();
    // Offsets in the text given to the Markdown renderer, mapped back to the
    // body: each placeholder shortens or lengthens the text after it.
    let mut shifts: Vec<(usize, isize)> = Vec::with_capacity(calls.len());
    let mut source = String::with_capacity(body.len());
    let mut outputs = Vec::with_capacity(calls.len());
    let mut last = 0;
    for (n, call) in calls.iter().enumerate() {
        source.push_str(&body[last..call.range.start]);
        let mark = placeholder(n);
        source.push_str(&mark);
        shifts.push((
            source.len(),
            call.range.end as isize - source.len() as isize,
        ));
        last = call.range.end;
        match render_shortcode(sh, call, page) {
            Ok(html) => outputs.push(html),
            Err(failure) => {
                match failure {
                    ShortcodeFailure::Template(d) => {
                        let body = text.get(page.body_offset..).unwrap_or_default();
                        let (line, col) = line_col(body, call.range.start);
                        let place = format!(
                            "{}:{}:{col}",
                            page.source.display(),
                            line + page.body_line - 1
                        );
                        in_templates.push(Box::new((d, place)));
                    }
                    other => diags.extend(other.into_diagnostic(page, &mut at, call.range.start)),
                }
                outputs.push(String::new());
            }
        }
    }
    source.push_str(&body[last..]);
    let to_body = |offset: usize| {
        let k = shifts.partition_point(|(end, _)| *end <= offset);
        let delta = if k == 0 { 0 } else { shifts[k - 1].1 };
        (offset as isize + delta).max(0) as usize
    };
    let resolver = SiteLinks::new(sh, page);
    // The plain text is kept only where something reads it: the search
    // index, and FAQ answers in JSON-LD.
    let want_text =
        sh.site.config.search || page.collection().is_some_and(|c| config_is_faq(sh.site, c));
    let mut r = markdown::render_full(&source, &resolver, want_text, pass);
    for (offset, msg) in &r.errors {
        diags.push(body_error(page, &mut at, to_body(*offset), msg.clone()));
    }
    for (offset, msg) in &r.warnings {
        diags.push(body_error(page, &mut at, to_body(*offset), msg.clone()).warning());
    }
    for l in &mut r.links {
        l.offset = to_body(l.offset);
    }
    // One pass over each text, whatever the number of calls.
    if !outputs.is_empty() {
        r.html = fill_placeholders(&r.html, true, |n| outputs[n].clone());
        r.summary = fill_placeholders(&r.summary, false, |_| String::new());
        // The plain text (search, FAQ answers in JSON-LD) carries the
        // shortcode's text, not its placeholder.
        r.text = fill_placeholders(&r.text, false, |n| crate::html::strip_tags(&outputs[n]));
    }
    (r, diags, in_templates)
}

/// A page that failed to render: the problem and the page's source.
pub(super) type Failed = Box<(Diagnostic, String)>;

/// What a failure at a place of a template was met by.
#[derive(Clone, Copy)]
pub(super) enum MetBy {
    /// Pages being rendered (the source of each).
    Pages,
    /// Shortcode calls (the place of each, `content/x.md:3:1`).
    Calls,
}

/// Failures at one place of a template are one problem: reported once,
/// with what met it (the page rendered or the shortcode call), or their
/// number and the first of them, instead of once each. `failures` pairs
/// each problem with the page's source or the call's place.
pub(super) fn once_per_place(failures: Vec<Failed>, met_by: MetBy) -> Vec<Diagnostic> {
    let mut groups: Vec<(Diagnostic, Vec<String>)> = Vec::new();
    let mut at: HashMap<(PathBuf, Option<usize>, Option<usize>, String), usize> = HashMap::new();
    for failed in failures {
        let (d, source) = *failed;
        let key = (d.path.clone(), d.line, d.col, d.message.clone());
        match at.get(&key) {
            Some(&n) => groups[n].1.push(source),
            None => {
                at.insert(key, groups.len());
                groups.push((d, vec![source]));
            }
        }
    }
    groups
        .into_iter()
        .map(|(mut d, mut sources)| {
            sources.retain(|s| !s.is_empty());
            // Pages by name; calls come in page and text order already.
            if let MetBy::Pages = met_by {
                sources.sort();
                sources.dedup();
            }
            let n = sources.len();
            let note = match (met_by, sources.first()) {
                (_, None) => return d,
                (MetBy::Pages, Some(one)) if n == 1 => format!("while rendering `{one}`"),
                (MetBy::Pages, Some(first)) => format!("in {n} pages; first: `{first}`"),
                (MetBy::Calls, Some(one)) if n == 1 => format!("in a shortcode called at {one}"),
                (MetBy::Calls, Some(first)) => format!("in {n} shortcode calls; first at {first}"),
            };
            d.message = format!("{} ({note})", d.message);
            d
        })
        .collect()
}

/// An error at a byte offset of a page's body; `text` is the file's text.
pub(super) fn body_error(
    page: &Page,
    at: &mut Cursor,
    offset: usize,
    msg: impl Into<String>,
) -> Diagnostic {
    let (line, col) = at.line_col(page.body_offset + offset);
    Diagnostic::error_at(&page.source, line, col, msg).with_excerpt(at)
}

/// Resolves `@/` links, wikilinks and relative `.md` links against the
/// site's pages, for the page whose body is rendered.
pub(super) struct SiteLinks<'a> {
    pub(super) site: &'a Site,
    /// What rendering another page's body for an embed needs.
    sh: &'a Shared<'a>,
    /// The linking page's folder under `content/` (`roles`, or `` at the
    /// top), for relative links.
    pub(super) dir: String,
    /// Links that failed so far: only those shown get a suggestion, which
    /// costs a look at every page of the site.
    failed: std::sync::atomic::AtomicUsize,
    /// The linking page's index in the site, and whether glossary terms
    /// link in it (`autolink`, default true).
    own: (Option<usize>, bool),
}

impl<'a> SiteLinks<'a> {
    pub(super) fn new(sh: &'a Shared<'a>, page: &Page) -> Self {
        let site = sh.site;
        let under = page.source.strip_prefix("content").unwrap_or(&page.source);
        let dir = crate::site::source_dir(&page.source);
        let key = crate::site::source_key(under);
        SiteLinks {
            site,
            sh,
            dir,
            failed: std::sync::atomic::AtomicUsize::new(0),
            own: (site.links.by_source.get(&key).copied(), page.autolink),
        }
    }

    /// Whether the failed link at hand is among those shown, and so worth a
    /// suggestion.
    /// The one page whose terms or title parts name the last segment of
    /// `dest` (`[[kpis/nps]]` -> `net-promoter-score` of "Net Promoter
    /// Score (NPS)"), as a wikilink target: its path with `as_path`, else
    /// its slug when that is unique.
    fn named(&self, dest: &str, as_path: bool) -> Option<String> {
        let key = crate::content::slug::slugify(dest.rsplit('/').next()?);
        let mut found = self.site.pages.iter().filter(|p| {
            crate::site::names_of(p)
                .iter()
                .any(|n| crate::content::slug::slugify(n) == key)
        });
        let p = found.next()?;
        if found.next().is_some() {
            return None;
        }
        let unique = self
            .site
            .links
            .by_slug
            .get(&p.slug)
            .is_some_and(|v| v.len() == 1);
        Some(if unique && !as_path {
            p.slug.clone()
        } else {
            p.path.trim_end_matches('/').to_string()
        })
    }

    fn suggest(&self) -> bool {
        self.failed
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed)
            < SHOWN_PER_FILE
    }

    pub(super) fn target(&self, i: usize) -> Option<markdown::Target> {
        let p = &self.site.pages[i];
        Some(markdown::Target {
            url: p.url.clone(),
            title: p.title.clone(),
            page: i,
            preview: self.preview(p),
            hreflang: p.foreign.then(|| self.site.config.default_language.clone()),
        })
    }

    /// What a preview card shows of page `p`, when previews are on and it
    /// is an entry: its collection's title in the singular and its
    /// `description` (or its `summary` field).
    fn preview(&self, p: &crate::site::SitePage) -> Option<(String, String)> {
        if !self.site.config.previews {
            return None;
        }
        let coll = p.collection()?;
        let kind = self.site.config.collection(coll)?.singular_title();
        let summary = p.summary_text().unwrap_or_default().to_string();
        Some((kind, summary))
    }

    /// `dest` relative to the linking page's folder, `..` resolved: the
    /// content path it names, if it stays inside `content/`.
    pub(super) fn relative(&self, dest: &str) -> Option<String> {
        crate::site::normal_rel(&format!("{}/{dest}", self.dir))
    }

    /// How `path` (under `content/`) is written relative to this page.
    pub(super) fn written_relative(&self, path: &str) -> String {
        let from: Vec<&str> = self.dir.split('/').filter(|s| !s.is_empty()).collect();
        let to: Vec<&str> = path.split('/').collect();
        let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
        let mut out: Vec<&str> = vec![".."; from.len() - common];
        out.extend(&to[common..]);
        out.join("/")
    }
}

/// One of the link tables (`@/` paths, wikilink paths): the pages by key,
/// and the keys of files that failed to load and of drafts.
type Table<'t> = (
    &'t std::collections::HashMap<String, usize>,
    &'t std::collections::HashSet<String>,
    &'t std::collections::HashSet<String>,
);

impl SiteLinks<'_> {
    /// `key` in `table`: the page, or nothing for a file that could not be
    /// loaded (its own errors are reported); else the error for a draft
    /// left out or for nothing there, the link shown as `shown` (`link to a
    /// missing file `content/x.md``), with the nearest key written back by
    /// `written` as a suggestion.
    fn find(
        &self,
        (pages, failed, drafts): Table,
        key: &str,
        (noun, missing, shown): (&str, &str, &str),
        written: impl Fn(&str) -> String,
    ) -> Result<Option<markdown::Target>, String> {
        if let Some(&i) = pages.get(key) {
            return Ok(self.target(i));
        }
        if failed.contains(key) {
            return Ok(None);
        }
        if drafts.contains(key) && self.site.links.scheduled.contains(key) {
            return Err(format!(
                "{noun} to a page scheduled for later: `{shown}` (build with `--future` to include it)"
            ));
        }
        if drafts.contains(key) {
            return Err(format!(
                "{noun} to a draft: `{shown}` (build with `--drafts` to include it)"
            ));
        }
        let mut msg = format!("{noun} to a missing {missing} `{shown}`");
        if self.suggest() {
            let near = did_you_mean(key, pages.keys().map(String::as_str))
                .map(str::to_string)
                .or_else(|| {
                    (noun == "wikilink")
                        .then(|| self.named(key, true))
                        .flatten()
                });
            if let Some(s) = near {
                msg.push_str(&format!(" (did you mean `{}`?)", written(&s)));
            }
        }
        Err(msg)
    }
}

impl markdown::LinkResolver for SiteLinks<'_> {
    fn image(&self, image: &markdown::ImageRef) -> Result<Option<String>, String> {
        let picture = self.sh.c.images.picture(image.src, &self.dir, None)?;
        Ok(Some(picture.html(
            image.alt,
            image.title,
            image.first_screen,
        )))
    }

    fn glossary(&self) -> Option<(&markdown::glossary::Glossary, Option<usize>)> {
        let (own, on) = self.own;
        Some((self.site.glossary.as_ref().filter(|_| on)?, own))
    }

    fn page(&self, page: usize) -> Option<markdown::Target> {
        self.target(page)
    }

    fn word(&self, key: &str) -> Option<&str> {
        self.sh.c.templates.words.get(key)?.as_str()
    }

    fn embed(
        &self,
        dest: &str,
        fragment: Option<&str>,
        level: u8,
    ) -> Result<Option<markdown::Embedded>, String> {
        let target = match self.resolve(markdown::LinkKind::Wiki, dest) {
            Ok(Some(t)) => t,
            Ok(None) => return Ok(None),
            Err(msg) => {
                return Err(msg
                    .replacen("wikilink to", "embed of", 1)
                    .replace("`[[", "`![["));
            }
        };
        // The pages whose bodies are being rendered for embeds, outermost
        // first: a page already among them closes a cycle.
        thread_local! {
            static EMBEDDING: std::cell::RefCell<Vec<usize>> = const { std::cell::RefCell::new(Vec::new()) };
        }
        let own = self.own.0;
        let mut chain = EMBEDDING.with(|c| c.borrow().clone());
        chain.extend(own);
        if chain.contains(&target.page) {
            chain.push(target.page);
            let names: Vec<String> = chain
                .iter()
                .map(|&i| format!("`{}`", self.site.pages[i].source.display()))
                .collect();
            return Err(format!("embed cycle: {}", names.join(" embeds ")));
        }
        EMBEDDING.with(|c| c.borrow_mut().extend(own));
        let page = &self.site.pages[target.page];
        let (body, problems, _) = render_body(self.sh, page, markdown::Pass::HtmlOnly);
        EMBEDDING.with(|c| {
            if own.is_some() {
                c.borrow_mut().pop();
            }
        });
        // The embedded page's own problems are reported where it is
        // rendered; a cycle found inside it is this embed's too.
        if let Some(cycle) = problems
            .into_iter()
            .find(|d| d.message.starts_with("embed cycle: "))
        {
            return Err(cycle.message);
        }
        let top = (level + 1).max(2);
        let (html, url, title) = match fragment {
            None => (body.html.as_str(), target.url.clone(), target.title.clone()),
            Some(id) => {
                let Some(part) = markdown::section(&body.html, id) else {
                    let mut msg = format!("embed of a missing heading `#{id}` in `![[{dest}]]`");
                    if let Some(s) = did_you_mean(id, body.ids.iter().map(String::as_str)) {
                        msg.push_str(&format!(" (did you mean `#{s}`?)"));
                    }
                    return Err(msg);
                };
                let heading = flat_title(&body.toc, id).unwrap_or(id);
                (
                    part,
                    format!("{}#{id}", target.url),
                    format!("{} › {heading}", target.title),
                )
            }
        };
        Ok(Some(markdown::Embedded {
            html: markdown::shift_headings(html, top),
            page: target.page,
            url,
            title,
        }))
    }

    fn resolve(
        &self,
        kind: markdown::LinkKind,
        dest: &str,
    ) -> Result<Option<markdown::Target>, String> {
        use unicode_normalization::UnicodeNormalization;
        // Keys are in normal form C; so is what the author typed, now.
        let dest: String = dest.nfc().collect();
        let dest = dest.as_str();
        let links = &self.site.links;
        match kind {
            markdown::LinkKind::Relative => {
                let decoded = crate::check::links::percent_decode(dest);
                let Some(path) = self.relative(&decoded) else {
                    return Err(format!("link `{dest}` climbs above `content/`"));
                };
                self.find(
                    (
                        &links.by_source,
                        &links.failed_sources,
                        &links.draft_sources,
                    ),
                    &path,
                    ("link", "file", &format!("content/{path}")),
                    |s| self.written_relative(s),
                )
            }
            markdown::LinkKind::ContentPath => {
                let dest = dest.trim_start_matches('/');
                self.find(
                    (
                        &links.by_source,
                        &links.failed_sources,
                        &links.draft_sources,
                    ),
                    dest,
                    ("link", "file", &format!("content/{dest}")),
                    |s| format!("@/{s}"),
                )
            }
            markdown::LinkKind::Wiki if dest.contains('/') => {
                let path = dest.trim_matches('/');
                self.find(
                    (&links.by_path, &links.failed_paths, &links.draft_paths),
                    path,
                    ("wikilink", "page", &format!("[[{dest}]]")),
                    |s| format!("[[{s}]]"),
                )
            }
            markdown::LinkKind::Wiki => match links.by_slug.get(dest).map(Vec::as_slice) {
                Some([i]) => Ok(self.target(*i)),
                Some(many) if many.len() > 1 => {
                    let pages = &self.site.pages;
                    let sources: Vec<String> = many
                        .iter()
                        .map(|&i| format!("`{}`", pages[i].source.display()))
                        .collect();
                    let forms: Vec<String> = many
                        .iter()
                        .map(|&i| format!("`[[{}]]`", pages[i].path.trim_end_matches('/')))
                        .collect();
                    Err(format!(
                        "wikilink `[[{dest}]]` is ambiguous: it matches {}; write {}",
                        sources.join(" and "),
                        forms.join(" or ")
                    ))
                }
                _ => {
                    if links.failed_slugs.contains(dest) {
                        return Ok(None);
                    }
                    if links.draft_slugs.contains(dest) && links.scheduled.contains(dest) {
                        return Err(format!(
                            "wikilink to a page scheduled for later: `[[{dest}]]` (build with `--future` to include it)"
                        ));
                    }
                    if links.draft_slugs.contains(dest) {
                        return Err(format!(
                            "wikilink to a draft: `[[{dest}]]` (build with `--drafts` to include it)"
                        ));
                    }
                    let mut msg = format!("wikilink to a missing page `[[{dest}]]`");
                    if self.suggest() {
                        let near = did_you_mean(dest, links.by_slug.keys().map(String::as_str))
                            .map(str::to_string)
                            .or_else(|| self.named(dest, false));
                        if let Some(s) = near {
                            msg.push_str(&format!(" (did you mean `[[{s}]]`?)"));
                        }
                    }
                    Err(msg)
                }
            },
        }
    }
}

/// The title of the heading with id `id` in a contents tree.
fn flat_title<'t>(toc: &'t [markdown::TocEntry], id: &str) -> Option<&'t str> {
    toc.iter().find_map(|h| {
        if h.id == id {
            Some(h.title.as_str())
        } else {
            flat_title(&h.children, id)
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn filled(html: &str, made: &[&str]) -> String {
        fill_placeholders(html, true, |n| made[n].to_string())
    }

    #[test]
    fn a_call_alone_in_its_paragraph_takes_its_place() {
        let figure = "<figure>\n<img src=\"a.png\">\n</figure>\n";
        assert_eq!(
            filled("<p>\u{E000}0\u{E001}</p>\n<p>Next</p>\n", &[figure]),
            format!("{figure}\n<p>Next</p>\n")
        );
    }

    #[test]
    fn a_block_inside_a_paragraph_splits_it() {
        let figure = "<figure><img src=\"a.png\"></figure>";
        // Text on both sides: two paragraphs around the block.
        assert_eq!(
            filled("<p>Before \u{E000}0\u{E001} after.</p>\n", &[figure]),
            format!("<p>Before</p>\n{figure}\n<p>after.</p>\n")
        );
        // Text only before (the call on the paragraph's last line).
        assert_eq!(
            filled("<p>Text right before\n\u{E000}0\u{E001}</p>\n", &[figure]),
            format!("<p>Text right before</p>\n{figure}\n\n")
        );
        // Text only after.
        assert_eq!(
            filled("<p>\u{E000}0\u{E001}\nand after.</p>\n", &[figure]),
            format!("{figure}\n<p>and after.</p>\n")
        );
        // Inside emphasis and a link: both end before the block and open
        // again after it.
        assert_eq!(
            filled(
                "<p>See <em>the <a href=\"/x/\">chart \u{E000}0\u{E001} here</a></em>.</p>",
                &[figure]
            ),
            format!(
                "<p>See <em>the <a href=\"/x/\">chart</a></em></p>\n{figure}\n<p><em><a href=\"/x/\">here</a></em>.</p>"
            )
        );
        // Nothing but emphasis on one side: no empty element is left.
        assert_eq!(
            filled("<p><em>\u{E000}0\u{E001}</em> text</p>", &[figure]),
            format!("{figure}\n<p>text</p>")
        );
        assert_eq!(
            filled(
                "<p>Some <em>text <strong>\u{E000}0\u{E001} more</strong></em></p>",
                &[figure]
            ),
            format!("<p>Some <em>text</em></p>\n{figure}\n<p><em><strong>more</strong></em></p>")
        );
        // A linked figure keeps its link, which may hold a block.
        assert_eq!(
            filled(
                "<p><a href=\"/big.png\">\u{E000}0\u{E001}</a></p>\n",
                &[figure]
            ),
            format!("<a href=\"/big.png\">{figure}</a>\n\n")
        );
        // In a loose list item's paragraph.
        assert_eq!(
            filled("<li>\n<p>One \u{E000}0\u{E001} two</p>\n</li>", &[figure]),
            format!("<li>\n<p>One</p>\n{figure}\n<p>two</p>\n</li>")
        );
        // A list is a block too.
        assert_eq!(
            filled("<p>See \u{E000}0\u{E001}</p>", &["<ul><li>a</li></ul>"]),
            "<p>See</p>\n<ul><li>a</li></ul>\n"
        );
        // Two blocks in one paragraph.
        assert_eq!(
            filled(
                "<p>A \u{E000}0\u{E001} B \u{E000}1\u{E001} C</p>",
                &[figure, figure]
            ),
            format!("<p>A</p>\n{figure}\n<p>B</p>\n{figure}\n<p>C</p>")
        );
    }

    #[test]
    fn inline_output_and_blocks_outside_paragraphs_stay_where_they_are() {
        let kbd = "<kbd>Ctrl</kbd>";
        assert_eq!(
            filled("<p>Press \u{E000}0\u{E001} now.</p>", &[kbd]),
            "<p>Press <kbd>Ctrl</kbd> now.</p>"
        );
        // A list item (a tight list has no paragraphs) and a table cell may
        // hold a block.
        let figure = "<figure></figure>";
        assert_eq!(
            filled(
                "<ul>\n<li>One \u{E000}0\u{E001}</li>\n</ul>\n<p>Done</p>",
                &[figure]
            ),
            "<ul>\n<li>One <figure></figure></li>\n</ul>\n<p>Done</p>"
        );
        // A table cell holds no paragraph.
        assert_eq!(
            filled(
                "<table><tr><td>One \u{E000}0\u{E001}</td></tr></table>\n<p>Done</p>",
                &[figure]
            ),
            "<table><tr><td>One <figure></figure></td></tr></table>\n<p>Done</p>"
        );
        // A `<p>` of the author's left open before a list: not split.
        assert_eq!(
            filled(
                "<p>Open\n<ul>\n<li>One \u{E000}0\u{E001}</li>\n</ul>",
                &[figure]
            ),
            "<p>Open\n<ul>\n<li>One <figure></figure></li>\n</ul>"
        );
        // Plain text is filled in as it is.
        assert_eq!(
            fill_placeholders("a \u{E000}0\u{E001} b", false, |_| "x".into()),
            "a x b"
        );
    }
}
