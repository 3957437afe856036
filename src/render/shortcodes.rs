//! Shortcodes inside Markdown bodies: their arguments, the built-in
//! ones (`compare`, `chart`) and the site's own templates.

use serde::Serialize;
use tera::Context;

use super::Shared;
use super::bodies::body_error;
use super::compare::{self, TableCtx};
use crate::content::Page;
use crate::diagnostics::{Cursor, Diagnostic, did_you_mean};
use crate::markdown::shortcodes::{ArgValue, Call};
use crate::site::compare::page_path;

pub(super) fn str_arg<'a>(call: &'a Call, key: &str) -> Result<Option<&'a str>, String> {
    match call.arg(key) {
        None => Ok(None),
        Some(ArgValue::Str(s)) => Ok(Some(s)),
        Some(v) => Err(format!(
            "argument `{key}` of `{}` must be a string, found {}",
            call.name,
            v.kind()
        )),
    }
}

pub(super) fn list_arg(call: &Call, key: &str) -> Result<Option<Vec<String>>, String> {
    match call.arg(key) {
        None => Ok(None),
        Some(ArgValue::List(items)) => items
            .iter()
            .map(|i| match i {
                ArgValue::Str(s) => Ok(s.clone()),
                other => Err(format!(
                    "argument `{key}` of `{}` must be a list of strings, found {} in it",
                    call.name,
                    other.kind()
                )),
            })
            .collect::<Result<Vec<_>, _>>()
            .map(Some),
        Some(v) => Err(format!(
            "argument `{key}` of `{}` must be a list of strings, found {}",
            call.name,
            v.kind()
        )),
    }
}

/// Why a shortcode call did not render.
pub(super) enum ShortcodeFailure {
    /// A problem of the call as a whole: at the call.
    Call(String),
    /// An argument the shortcode does not take: at the argument.
    Arg(usize, String, String),
    /// A problem inside the shortcode's template: at the template.
    Template(Diagnostic),
    /// The template has errors of its own, reported already.
    Silent,
}

impl From<String> for ShortcodeFailure {
    fn from(m: String) -> Self {
        ShortcodeFailure::Call(m)
    }
}

impl From<&str> for ShortcodeFailure {
    fn from(m: &str) -> Self {
        ShortcodeFailure::Call(m.to_string())
    }
}

impl ShortcodeFailure {
    /// The diagnostic, placed in the page's `text` (the call starts at byte
    /// `offset` of the body) or in the template.
    pub(super) fn into_diagnostic(
        self,
        page: &Page,
        cursor: &mut Cursor,
        offset: usize,
    ) -> Option<Diagnostic> {
        match self {
            ShortcodeFailure::Call(m) => Some(body_error(page, cursor, offset, m)),
            ShortcodeFailure::Arg(at, m, hint) => {
                Some(body_error(page, cursor, at, m).with_hint(hint))
            }
            // Placed by the caller, which groups them by template place.
            ShortcodeFailure::Template(d) => Some(d),
            ShortcodeFailure::Silent => None,
        }
    }
}

/// The shortcodes cairn has itself (a site's own are its
/// `templates/shortcodes/*.html`).
pub(super) const BUILTIN: [&str; 4] = ["compare", "chart", "table", "figure"];

/// Variables every shortcode template gets besides its arguments.
pub(super) const SHORTCODE_CONTEXT: [&str; 9] = [
    "image",
    "page",
    "table",
    "site",
    "collections",
    "comparisons",
    "charts",
    "comparison",
    "chart",
];

/// The arguments shortcode `name` takes: fixed for the built-in ones, the
/// variables its template uses for the site's own.
pub(super) fn shortcode_args(sh: &Shared, name: &str, template: &str) -> Vec<String> {
    match name {
        "compare" => ["collection", "items", "fields", "title"]
            .map(String::from)
            .to_vec(),
        "chart" => vec!["name".to_string()],
        "table" => ["data", "columns", "caption"].map(String::from).to_vec(),
        "figure" => ["src", "alt", "caption", "widths"]
            .map(String::from)
            .to_vec(),
        _ => {
            sh.c.templates
                .shortcode_vars(template)
                .iter()
                .filter(|v| !SHORTCODE_CONTEXT.contains(&v.as_str()))
                .cloned()
                .collect()
        }
    }
}

/// Renders one call through `shortcodes/<name>.html`.
pub(super) fn render_shortcode(
    sh: &Shared,
    call: &Call,
    page: &Page,
) -> Result<String, ShortcodeFailure> {
    let template = format!("shortcodes/{}.html", call.name);
    if sh.c.templates.is_broken(&template) {
        return Err(ShortcodeFailure::Silent);
    }
    if !sh.c.templates.tera.contains_template(&template) {
        let names: Vec<&str> =
            sh.c.templates
                .tera
                .get_template_names()
                .filter_map(|n| n.strip_prefix("shortcodes/")?.strip_suffix(".html"))
                .chain(BUILTIN)
                .collect();
        let mut msg = format!("unknown shortcode `{}`", call.name);
        if let Some(s) = did_you_mean(&call.name, names.iter().copied()) {
            msg.push_str(&format!(" (did you mean `{s}`?)"));
        }
        return Err(msg.into());
    }
    let takes = shortcode_args(sh, &call.name, &template);
    for ((key, _), &at) in call.args.iter().zip(&call.arg_offsets) {
        if takes.contains(key) {
            continue;
        }
        let mut msg = format!("shortcode `{}` has no argument `{key}`", call.name);
        if let Some(s) = did_you_mean(key, takes.iter().map(String::as_str)) {
            msg.push_str(&format!(" (did you mean `{s}`?)"));
        }
        let hint = if takes.is_empty() {
            format!("`{}` takes no arguments", call.name)
        } else {
            let list: Vec<String> = takes.iter().map(|t| format!("`{t}`")).collect();
            format!("`{}` takes {}", call.name, list.join(", "))
        };
        return Err(ShortcodeFailure::Arg(at, msg, hint));
    }
    let mut ctx = Context::new();
    for (k, v) in &call.args {
        ctx.insert(k.clone(), v);
    }
    ctx.insert(
        "page",
        &ShortcodePage {
            title: &page.title,
            url: page.url.clone(),
            permalink: page.permalink.clone(),
            path: &page.path,
            slug: &page.slug,
            collection: page.collection(),
        },
    );
    if call.name == "compare" {
        ctx.insert("comparison", &compare_from_call(sh, call)?);
    }
    if call.name == "table" {
        ctx.insert("table", &super::datatable::from_call(sh, call)?);
    }
    if call.name == "figure" {
        ctx.insert("image", &figure_image(sh, call, page)?);
    }
    if call.name == "chart" {
        let name = str_arg(call, "name")?.ok_or("`chart` needs `name=\"...\"`")?;
        let chart = sh.c.charts.iter().find(|c| c.name == name).ok_or_else(|| {
            let mut msg = format!("unknown chart `{name}`");
            if let Some(s) = did_you_mean(name, sh.c.charts.iter().map(|c| c.name.as_str())) {
                msg.push_str(&format!(" (did you mean `{s}`?)"));
            }
            msg
        })?;
        ctx.insert("chart", chart);
    }
    sh.c.templates
        .render(&template, &ctx)
        .map_err(ShortcodeFailure::Template)
}

/// The `image` of a `figure(src=..., alt=..., caption=..., widths=[...])`
/// call: its resized copies, as attributes and as ready HTML.
#[derive(Serialize)]
struct FigureImage {
    src: String,
    srcset: String,
    webp_srcset: String,
    sizes: String,
    width: u32,
    height: u32,
    alt: String,
    html: String,
}

fn figure_image(sh: &Shared, call: &Call, page: &Page) -> Result<FigureImage, ShortcodeFailure> {
    let src = str_arg(call, "src")?.ok_or("`figure` needs `src=\"...\"`")?;
    let alt = str_arg(call, "alt")?.unwrap_or_default().trim().to_string();
    let widths = match call.arg("widths") {
        None => None,
        Some(ArgValue::List(items)) if !items.is_empty() => {
            let mut ws = Vec::new();
            for i in items {
                match i {
                    ArgValue::Int(w) if (16..=8192).contains(w) => ws.push(*w as u32),
                    other => {
                        return Err(format!(
                            "`widths` of `figure` must be whole numbers of pixels from 16 to 8192, found {}",
                            match other {
                                ArgValue::Int(w) => w.to_string(),
                                v => v.kind().to_string(),
                            }
                        )
                        .into());
                    }
                }
            }
            ws.sort_unstable();
            ws.dedup();
            Some(ws)
        }
        Some(_) => {
            return Err(
                "`widths` of `figure` must be a list of widths, such as `[400, 800]`".into(),
            );
        }
    };
    if crate::markdown::is_remote(src) {
        return Err(
            format!("`figure` shows images of the site only; `{src}` is on another site").into(),
        );
    }
    let dir = crate::site::source_dir(&page.source);
    let p =
        sh.c.images
            .picture(src, &dir, widths.as_deref())
            .map_err(ShortcodeFailure::Call)?;
    Ok(FigureImage {
        html: p.html(&alt, "", false),
        src: p.src,
        srcset: p.srcset,
        webp_srcset: p.webp_srcset,
        sizes: p.sizes,
        width: p.width,
        height: p.height,
        alt,
    })
}

/// What a shortcode template knows of the page that calls it.
#[derive(Serialize)]
pub(super) struct ShortcodePage<'a> {
    pub(super) title: &'a str,
    pub(super) url: String,
    pub(super) permalink: String,
    pub(super) path: &'a str,
    pub(super) slug: &'a str,
    pub(super) collection: Option<&'a str>,
}

/// The table of a `compare(collection=..., items=[...], fields=[...])` call.
pub(super) fn compare_from_call(sh: &Shared, call: &Call) -> Result<TableCtx, ShortcodeFailure> {
    let site = sh.site;
    let config = &site.config;
    let collection = str_arg(call, "collection")?.ok_or("`compare` needs `collection=\"...\"`")?;
    let coll = config.collection(collection).ok_or_else(|| {
        let mut msg = format!("unknown collection `{collection}` in `compare`");
        if let Some(s) = did_you_mean(
            collection,
            config.collections.iter().map(|c| c.name.as_str()),
        ) {
            msg.push_str(&format!(" (did you mean `{s}`?)"));
        }
        msg
    })?;
    let items = list_arg(call, "items")?.ok_or("`compare` needs `items=[\"a\", \"b\"]`")?;
    if items.len() < 2 {
        return Err("`compare` needs at least two `items`".into());
    }
    let mut idx = Vec::new();
    for slug in &items {
        match site.index.get(collection, slug) {
            Some(i) => idx.push(i),
            // An entry whose front-matter cannot be read: its own error.
            None if site.index.is_failed(collection, slug) => {
                return Err(ShortcodeFailure::Silent);
            }
            None => {
                return Err(
                    format!("{} in `compare`", site.index.missing(collection, slug)).into(),
                );
            }
        }
    }
    let fields = match list_arg(call, "fields")? {
        Some(f) => f,
        None => coll.fields.iter().map(|f| f.name.clone()).collect(),
    };
    for f in &fields {
        if coll.field(f).is_none() {
            return Err(coll.missing_field(f).into());
        }
    }
    let title = str_arg(call, "title")?;
    let mut t = compare::table(coll, &idx, &fields, title, &site.pages, &sh.c.pages);
    // Link to the comparison page of the same items, if there is one.
    let path = page_path(&items.iter().map(String::as_str).collect::<Vec<_>>());
    if site.comparisons.iter().any(|c| c.path == path) {
        t.url = Some(config.url(&path));
    }
    Ok(t)
}
