//! `og:image` of every page: the page's own `image`, or its share card,
//! drawn from the theme's `card.svg` with what the page is (title, kind,
//! key fields) and cached like processed images.

use serde::Serialize;
use tera::Context;

use super::Shared;
use super::jobs::Job;
use crate::content::PageKind;
use crate::diagnostics::Diagnostic;
use crate::images::Cache;
use crate::images::cards::{CARD_HEIGHT, CARD_WIDTH, Fonts, TextBlock};
use crate::output::{Data, OutputFile};

/// The template share cards are drawn from.
pub(super) const CARD_TEMPLATE: &str = "card.svg";

/// What link previews show of a page (`page.image`).
#[derive(Debug, Clone, Serialize)]
pub(super) struct OgImage {
    /// Absolute URL.
    pub url: String,
    /// Its size, where known.
    pub width: Option<u32>,
    /// Its height.
    pub height: Option<u32>,
    /// What it shows.
    pub alt: String,
    /// Whether it is the page's share card (else the page's `image`).
    pub card: bool,
}

/// Where the card of the page written at `rel` goes (`roles/pm/index.html`
/// -> `roles/pm/card.png`); pages not written as an `index.html` get none.
pub(super) fn card_rel(rel: &str) -> Option<String> {
    rel.strip_suffix("index.html")
        .map(|d| format!("{d}card.png"))
}

/// Whether pages get cards: on in site.toml, with a `card.svg` template
/// and fonts to draw with.
fn cards_on(sh: &Shared) -> bool {
    sh.site.config.images.cards
        && sh.c.fonts.as_ref().is_some_and(|f| !f.is_empty())
        && sh.c.templates.tera.contains_template(CARD_TEMPLATE)
}

/// The `og:image` of the page `job` writes at `rel`.
pub(super) fn og_image(sh: &Shared, job: &Job, rel: &str, title: &str) -> Option<OgImage> {
    let config = &sh.site.config;
    if let Job::Page(i) = job
        && let Some(src) = &sh.site.pages[*i].image
    {
        if crate::markdown::is_remote(src) {
            return Some(OgImage {
                url: src.clone(),
                width: None,
                height: None,
                alt: title.to_string(),
                card: false,
            });
        }
        let p = &sh.site.pages[*i];
        let dir = crate::site::source_dir(&p.source);
        // Checked when the site loaded; a file gone since has no image.
        let (abs, rel) = sh.c.images.find(src, &dir).ok()?;
        let size = crate::images::dimensions(&abs).ok();
        return Some(OgImage {
            url: format!("{}{}", config.root_url, rel),
            width: size.map(|s| s.0),
            height: size.map(|s| s.1),
            alt: title.to_string(),
            card: false,
        });
    }
    if !cards_on(sh) || matches!(job, Job::Alias(_) | Job::NotFound) {
        return None;
    }
    // Further listing pages share the first one's card.
    let path = match job {
        Job::CollectionPage { name, .. } => format!("{name}/card.png"),
        _ => card_rel(rel)?,
    };
    Some(OgImage {
        url: format!("{}{path}", config.base_url),
        width: Some(CARD_WIDTH),
        height: Some(CARD_HEIGHT),
        alt: title.to_string(),
        card: true,
    })
}

/// What a card shows (the `card` variable of `card.svg`).
#[derive(Serialize)]
struct CardData<'a> {
    /// The site's title.
    site: &'a str,
    /// The site's host and path (`example.org/atlas`).
    host: String,
    /// What the page is: "Role", "Comparison"; empty for the home page.
    kind: String,
    /// The title, fitted to at most three lines.
    title: TextBlock,
    /// The description, fitted to at most two lines.
    description: TextBlock,
    /// For entries, the `card_fields` they set.
    fields: Vec<CardField>,
    /// The width of one field's column (the text width shared out).
    column: f32,
    /// The page's language.
    lang: &'a str,
}

#[derive(Serialize)]
struct CardField {
    label: String,
    value: String,
    /// The value's font size, fitted to its column.
    size: f32,
}

/// The width text may take on the default card.
const TEXT_WIDTH: f32 = 1040.0;

/// Where the share card of the page `job` writes at `rel` goes, when it
/// gets one.
pub(super) fn planned(sh: &Shared, job: &Job, rel: &str) -> Option<String> {
    if !cards_on(sh)
        || matches!(
            job,
            Job::Alias(_) | Job::NotFound | Job::CollectionPage { .. }
        )
    {
        return None;
    }
    if let Job::Page(i) = job
        && sh.site.pages[*i].image.is_some()
    {
        return None;
    }
    card_rel(rel)
}

/// The share card of the page `job` writes at `rel`, drawn (or taken from
/// the cache); `None` when the page gets none.
pub(super) fn card_file(
    sh: &Shared,
    job: &Job,
    rel: &str,
    title: &str,
    description: &str,
) -> Option<Result<OutputFile, Diagnostic>> {
    let out = planned(sh, job, rel)?;
    let fonts: &Fonts = sh.c.fonts.as_deref()?;
    let config = &sh.site.config;
    let fields = fields_of(sh, job, fonts);
    let column = (TEXT_WIDTH / fields.len().max(1) as f32).floor();
    let data = CardData {
        site: &config.title,
        host: config
            .base_url
            .split_once("://")
            .map_or(config.base_url.as_str(), |(_, h)| h)
            .trim_end_matches('/')
            .to_string(),
        kind: kind_of(sh, job),
        // Two lines of large type, else three of smaller.
        title: if fonts.wrap(title, 64.0, TEXT_WIDTH, true).len() <= 2 {
            fonts.fit(title, &[76.0, 64.0], TEXT_WIDTH, 2, true)
        } else {
            fonts.fit(title, &[56.0, 48.0], TEXT_WIDTH, 3, true)
        },
        description: fonts.fit(description, &[30.0], TEXT_WIDTH, 2, false),
        fields,
        column,
        lang: &config.language,
    };
    let drawn = [data.site, data.kind.as_str(), data.host.as_str()]
        .into_iter()
        .chain(data.title.lines.iter().map(String::as_str))
        .chain(data.description.lines.iter().map(String::as_str))
        .chain(
            data.fields
                .iter()
                .flat_map(|f| [f.label.as_str(), f.value.as_str()]),
        );
    // The card's page, named only when its card lacks a letter.
    fonts.note_lacking(drawn, || match job {
        Job::Page(i) => sh.site.pages[*i].source.display().to_string(),
        _ => format!("/{}", rel.strip_suffix("index.html").unwrap_or(rel)),
    });
    let template =
        sh.c.templates
            .source_text(CARD_TEMPLATE)
            .unwrap_or_default();
    let json = serde_json::to_vec(&data).unwrap_or_default();
    let name = format!(
        "card-{}.png",
        Cache::key(&[&json, fonts.hash.as_bytes(), template.as_bytes()])
    );
    let cache = sh.c.images.cache();
    let data = match cache.get(&name) {
        Some((path, _)) => Data::File(path),
        None => {
            let mut ctx = Context::new();
            ctx.insert("card", &data);
            let svg = match sh.c.templates.render(CARD_TEMPLATE, &ctx) {
                Ok(s) => s,
                Err(d) => return Some(Err(d)),
            };
            let png = fonts.rasterise(&svg, &[("Title", title), ("Description", description)]);
            match png {
                Ok(bytes) => cache.put(&name, bytes),
                Err(e) => {
                    return Some(Err(Diagnostic::error(
                        format!("templates/{CARD_TEMPLATE}"),
                        format!("cannot draw the share card of `/{rel}`: {e}"),
                    )));
                }
            }
        }
    };
    Some(Ok(OutputFile { rel: out, data }))
}

/// What the page is, in the site's language.
fn kind_of(sh: &Shared, job: &Job) -> String {
    let site = sh.site;
    match job {
        Job::Page(i) => match &site.pages[*i].kind {
            PageKind::Entry(c) => site
                .config
                .collection(c)
                .map(|c| c.singular_title())
                .unwrap_or_default(),
            PageKind::Collection(c) => site
                .config
                .collection(c)
                .map(|c| c.title.clone())
                .unwrap_or_default(),
            PageKind::Home => String::new(),
            PageKind::Plain => sh.word("kind_page", "Page"),
        },
        Job::Home => String::new(),
        Job::Collection(name) => site
            .config
            .collection(name)
            .map(|c| c.title.clone())
            .unwrap_or_default(),
        Job::Compare(_) | Job::CompareIndex => sh.word("kind_comparison", "Comparison"),
        _ => sh.word("kind_page", "Page"),
    }
}

/// The `card_fields` an entry sets, as text fitted to a column.
fn fields_of(sh: &Shared, job: &Job, fonts: &Fonts) -> Vec<CardField> {
    let Job::Page(i) = job else {
        return Vec::new();
    };
    let Some(coll) = sh.site.pages[*i]
        .collection()
        .and_then(|c| sh.site.config.collection(c))
    else {
        return Vec::new();
    };
    let rows = &sh.c.pages[*i].view.list;
    let set: Vec<_> = coll
        .card_fields
        .iter()
        .filter_map(|name| rows.iter().find(|r| &r.name == name && r.set))
        .collect();
    let width = (TEXT_WIDTH / set.len().max(1) as f32).floor() - 30.0;
    set.into_iter()
        .map(|r| {
            let text = unescape(&crate::html::strip_tags(&r.html));
            let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
            let value = fonts.fit(&text, &[30.0, 26.0], width, 1, true);
            CardField {
                label: r.label.clone(),
                value: value.lines.join(" "),
                size: value.size,
            }
        })
        .collect()
}

/// Text of HTML with its character references written out.
fn unescape(html: &str) -> String {
    html.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&nbsp;", "\u{a0}")
        .replace("&amp;", "&")
}

/// A warning naming the letters share cards were to show that no font of
/// the theme's (or site's) `fonts/` has: they are left out of the cards.
pub(super) fn lacking_letters(fonts: &Fonts) -> Option<Diagnostic> {
    let (chars, cards) = fonts.lacking()?;
    const SHOWN: usize = 8;
    let mut letters: Vec<String> = chars.iter().take(SHOWN).map(|c| format!("`{c}`")).collect();
    if chars.len() > SHOWN {
        letters.push(format!("{} more", chars.len() - SHOWN));
    }
    // A page's own file where one lacks them, else the template, with
    // the first card's address.
    let page = cards.iter().find(|c| !c.starts_with('/'));
    let (file, first) = match page {
        Some(p) => (p.clone(), "this page".to_string()),
        None => (
            format!("templates/{CARD_TEMPLATE}"),
            format!("`{}`", cards[0]),
        ),
    };
    let subject = match cards.len() {
        1 => format!("the share card of {first} leaves"),
        2 => format!("the share cards of {first} and 1 other page leave"),
        n => format!("the share cards of {first} and {} other pages leave", n - 1),
    };
    let them = if chars.len() == 1 { "it" } else { "them" };
    Some(
        Diagnostic::error(
            &file,
            format!(
                "{subject} out {}: no font in `fonts/` has {them}",
                join_and(&letters)
            ),
        )
        .warning()
        .with_hint(format!(
            "add a font that has {them} (.ttf or .otf) to the site's `fonts/` folder, or give such pages their own `image:`"
        )),
    )
}

/// `a`, `a and b`, `a, b and c`.
fn join_and(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cards_sit_in_the_page_folder() {
        assert_eq!(
            card_rel("roles/pm/index.html").as_deref(),
            Some("roles/pm/card.png")
        );
        assert_eq!(card_rel("index.html").as_deref(), Some("card.png"));
        assert_eq!(card_rel("404.html"), None);
    }

    #[test]
    fn lists_read_as_a_sentence() {
        let l = |v: &[&str]| join_and(&v.iter().map(|s| s.to_string()).collect::<Vec<_>>());
        assert_eq!(l(&[]), "");
        assert_eq!(l(&["`a`"]), "`a`");
        assert_eq!(l(&["`a`", "`b`"]), "`a` and `b`");
        assert_eq!(l(&["`a`", "`b`", "2 more"]), "`a`, `b` and 2 more");
    }
}
