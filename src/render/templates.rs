//! Templates: loading the theme and the site's overrides into Tera, the
//! filters and functions cairn adds, and turning Tera's errors into
//! diagnostics that name the template file, line and column.
//!
//! Template lookup, file by file: the site's `templates/` first, then
//! `themes/<theme>/templates/` under the site root, then (for the `default`
//! theme only) the copy of `themes/default/` compiled into the binary.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

use tera::{Context, ErrorKind, Kwargs, State, Tera};

use crate::config::{CONFIG_FILE, Config};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::output::{Data, OutputFile};
use crate::render::budget;

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/theme.rs"));
}

/// The default theme's files as compiled into the binary.
pub fn embedded_theme() -> &'static [(&'static str, &'static [u8])] {
    embedded::DEFAULT_THEME
}

/// Where a theme comes from.
#[derive(Debug, Clone)]
enum ThemeDir {
    Disk(PathBuf),
    Embedded,
}

fn theme_dir(config: &Config) -> Result<ThemeDir, Diagnostic> {
    let dir = config.root.join("themes").join(&config.theme);
    if dir.is_dir() {
        Ok(ThemeDir::Disk(dir))
    } else if config.theme == "default" {
        Ok(ThemeDir::Embedded)
    } else {
        Err(Diagnostic::error(
            CONFIG_FILE,
            format!("theme `{}` not found in `themes/`", config.theme),
        )
        .with_hint("remove `theme` to use the built-in default theme"))
    }
}

/// Where the site's theme comes from, in words (`cairn doctor`).
pub fn theme_source(config: &Config) -> String {
    match theme_dir(config) {
        Ok(ThemeDir::Disk(dir)) => format!("`{}`, from {}", config.theme, dir.display()),
        Ok(ThemeDir::Embedded) => format!(
            "`{}`, built into cairn (no themes/{}/ folder in the site)",
            config.theme, config.theme
        ),
        Err(d) => format!("`{}`: {}", config.theme, d.message),
    }
}

/// A template's text and the path shown in its errors.
struct Source {
    shown: PathBuf,
    text: String,
    /// Compiled into cairn (the default theme), not a file of the site.
    built_in: bool,
}

/// Files under `sub` (`templates` or `static`) of the theme, then of the site,
/// the site's replacing the theme's of the same relative path. Values are the
/// path shown to users and the data.
fn layered_files(
    config: &Config,
    sub: &str,
    ds: &mut Diagnostics,
) -> BTreeMap<String, (PathBuf, Data)> {
    let mut files = BTreeMap::new();
    match theme_dir(config) {
        Ok(ThemeDir::Embedded) => {
            let prefix = format!("{sub}/");
            for (rel, bytes) in embedded_theme() {
                if let Some(r) = rel.strip_prefix(&prefix) {
                    files.insert(
                        r.to_string(),
                        (
                            PathBuf::from(format!("themes/default/{rel} (built in)")),
                            Data::Static(bytes),
                        ),
                    );
                }
            }
        }
        Ok(ThemeDir::Disk(dir)) => walk_into(&config.root, &dir.join(sub), &mut files, ds),
        Err(d) => ds.push(d),
    }
    walk_into(&config.root, &config.root.join(sub), &mut files, ds);
    files
}

fn walk_into(
    root: &Path,
    dir: &Path,
    files: &mut BTreeMap<String, (PathBuf, Data)>,
    ds: &mut Diagnostics,
) {
    if !dir.is_dir() {
        return;
    }
    let canonical_root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    for entry in walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !crate::content::is_hidden_or_temp(e.file_name()))
    {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                let p = e
                    .path()
                    .map_or_else(|| dir.to_path_buf(), |p| crate::content::rel_to(root, p));
                ds.push(Diagnostic::error(p, format!("cannot read: {e}")));
                continue;
            }
        };
        let path = entry.path();
        let shown = crate::content::rel_to(root, path);
        if entry.file_type().is_symlink() {
            let inside = path
                .canonicalize()
                .is_ok_and(|t| t.starts_with(&canonical_root));
            if !inside || path.is_dir() {
                ds.push(
                    Diagnostic::error(
                        &shown,
                        "symlink points outside the site (or to a folder) and is not followed",
                    )
                    .warning(),
                );
                continue;
            }
        } else if !entry.file_type().is_file() {
            continue;
        }
        let Some(rel) = path.strip_prefix(dir).ok().and_then(Path::to_str) else {
            ds.push(Diagnostic::error(&shown, "file name is not valid UTF-8").warning());
            continue;
        };
        files.insert(
            rel.replace('\\', "/"),
            (shown, Data::File(path.to_path_buf())),
        );
    }
}

/// The fonts share cards are drawn with: the `.ttf` and `.otf` files of
/// the theme's `fonts/`, then of the site's (a site's file replaces the
/// theme's of the same name).
pub fn font_files(config: &Config, ds: &mut Diagnostics) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    for (name, (shown, data)) in layered_files(config, "fonts", ds) {
        let lower = name.to_ascii_lowercase();
        if !(lower.ends_with(".ttf") || lower.ends_with(".otf")) {
            continue;
        }
        match data {
            Data::Static(b) => out.push(b.to_vec()),
            Data::Bytes(b) => out.push(b),
            Data::File(p) => match std::fs::read(&p) {
                Ok(b) => out.push(b),
                Err(e) => ds.push(Diagnostic::error(&shown, format!("cannot read: {e}"))),
            },
        }
    }
    out
}

/// The static files to copy: the theme's `static/`, overridden by the site's.
pub fn static_files(config: &Config, ds: &mut Diagnostics) -> Vec<OutputFile> {
    layered_files(config, "static", ds)
        .into_iter()
        .map(|(rel, (_, data))| OutputFile { rel, data })
        .collect()
}

/// The loaded templates: every template that is sound, the names of
/// those that are not (their errors are reported), and every template's
/// text, to quote in errors at render time.
pub struct Templates {
    /// The sound templates, ready to render.
    pub tera: Tera,
    /// Templates left out because of their own errors, or because they
    /// extend or include one that has: pages using them are not rendered,
    /// and say nothing more.
    pub broken: HashSet<String>,
    sources: BTreeMap<String, Source>,
    /// The variables each shortcode template uses (its arguments), by
    /// template name, worked out once.
    shortcode_vars: std::collections::HashMap<String, Vec<String>>,
    /// The theme's words in this language (the `i18n` variable).
    pub words: super::i18n::Strings,
}

impl Templates {
    /// The text of template `name`, when it exists.
    pub fn source_text(&self, name: &str) -> Option<&str> {
        self.sources.get(name).map(|s| s.text.as_str())
    }

    /// The variables shortcode template `name` uses (sorted).
    pub fn shortcode_vars(&self, name: &str) -> &[String] {
        self.shortcode_vars.get(name).map_or(&[], Vec::as_slice)
    }

    /// Whether any template may read data files (`data` or `load_data`):
    /// then a data edit re-renders every page, not only those whose body
    /// shows the data.
    pub fn read_data(&self) -> bool {
        self.sources.values().any(|s| reads_data(&s.text))
    }

    /// Whether `name` exists but was left out for its errors.
    pub fn is_broken(&self, name: &str) -> bool {
        self.broken.contains(name)
    }

    /// The diagnostic of a Tera error: at the template file, line and
    /// column, with the line quoted and a hint.
    pub fn error(&self, e: &tera::Error) -> Diagnostic {
        crate::render::template_errors::diagnostic(e, &self.view())
    }

    /// Renders `template` (a page's or a shortcode's) under the budgets of
    /// [`budget`]; an error is at the template file, line and column.
    pub fn render(&self, template: &str, ctx: &Context) -> Result<String, Diagnostic> {
        match budget::render(&self.tera, template, ctx) {
            Ok(html) => Ok(html),
            Err(budget::Failure::Tera(e)) => Err(self.error(&e)),
            Err(budget::Failure::Overrun(o)) => Err(self.overrun(template, &o)),
        }
    }

    /// A render stopped by its budget, at the line of the last text it
    /// wrote (looked for in `template` first, then in the others).
    fn overrun(&self, template: &str, o: &budget::Overrun) -> Diagnostic {
        let first = self.sources.get_key_value(template);
        let order = first
            .into_iter()
            .chain(self.sources.iter().filter(|(n, _)| n.as_str() != template))
            .map(|(n, s)| (n.as_str(), s.text.as_str()));
        let d = match budget::locate(&o.last_text, order) {
            Some((name, line, col)) => {
                let s = &self.sources[name];
                Diagnostic::error_at(&s.shown, line, col, o.message()).with_source(&s.text)
            }
            None => Diagnostic::error(
                self.sources.get(template).map_or_else(
                    || PathBuf::from(format!("templates/{template}")),
                    |s| s.shown.clone(),
                ),
                o.message(),
            ),
        };
        d.with_hint(match o.what {
            "size" => "a page this large is almost always a loop inside a loop",
            _ => "`CAIRN_TEMPLATE_BUDGET=SECONDS` gives each page more time, if the page really needs it",
        })
    }

    fn view(&self) -> crate::render::template_errors::Sources<'_> {
        files(&self.sources)
    }
}

/// The texts of `sources` as template errors read them.
fn files(sources: &BTreeMap<String, Source>) -> crate::render::template_errors::Sources<'_> {
    crate::render::template_errors::Sources {
        files: sources
            .iter()
            .map(|(n, s)| (n.as_str(), (s.shown.as_path(), s.text.as_str(), s.built_in)))
            .collect(),
    }
}

/// Loads every template into one Tera instance. Every template problem is
/// pushed to `ds`, each at its file, line and column; templates with
/// problems (and those built on them) are left out, so that the rest of
/// the site is still rendered and checked.
pub fn load_templates(config: &Config, ds: &mut Diagnostics) -> Templates {
    let words = super::i18n::strings(config, ds);
    let mut sources: BTreeMap<String, Source> = BTreeMap::new();
    for (name, (shown, data)) in layered_files(config, "templates", ds) {
        let (text, built_in) = match data {
            Data::Static(b) => (String::from_utf8_lossy(b).into_owned(), true),
            Data::File(p) => match crate::content::read_text(&p, &shown) {
                Ok(t) => (t, false),
                Err(d) => {
                    ds.extend(d);
                    continue;
                }
            },
            Data::Bytes(b) => (String::from_utf8_lossy(&b).into_owned(), false),
        };
        let shown = match built_in {
            true => PathBuf::from(format!("themes/default/templates/{name}")),
            false => shown,
        };
        sources.insert(
            name,
            Source {
                shown,
                text,
                built_in,
            },
        );
    }
    let mut broken: HashSet<String> = HashSet::new();
    // Syntax errors one template at a time, so that all are reported.
    for (name, src) in &sources {
        let mut probe = Tera::new();
        if let Err(e) = probe.add_raw_template(name, &src.text)
            && matches!(e.kind(), ErrorKind::SyntaxError(_))
        {
            ds.push(crate::render::template_errors::diagnostic(
                &e,
                &files(&sources),
            ));
            broken.insert(name.clone());
        }
    }
    // Then the set as a whole (parents, includes, filters, functions):
    // each failure names the templates at fault, which are left out
    // before the next try.
    let tera = loop {
        let mut tera = Tera::new();
        register(&mut tera, config, &words);
        let sound = sources
            .iter()
            .filter(|(n, _)| !broken.contains(*n))
            .map(|(n, s)| (n.as_str(), s.text.as_str()));
        let Err(e) = tera.add_raw_templates(sound) else {
            break tera;
        };
        let found = crate::render::template_errors::set_errors(&e, &files(&sources), &broken);
        let before = broken.len();
        for (name, d) in found {
            broken.insert(name);
            ds.extend(d);
        }
        if broken.len() == before {
            ds.push(Diagnostic::error("templates", e.to_string()));
            let mut empty = Tera::new();
            register(&mut empty, config, &words);
            break empty;
        }
    };
    for required in ["index.html", "collection.html", "page.html", "404.html"] {
        if !tera.contains_template(required) && !broken.contains(required) {
            ds.push(Diagnostic::error(
                format!("templates/{required}"),
                format!("template `{required}` is missing from the theme and the site"),
            ));
        }
    }
    let shortcode_vars = tera
        .get_template_names()
        .filter(|n| n.starts_with("shortcodes/"))
        .map(|n| {
            let mut vars: Vec<String> = tera
                .get_template_variables(n)
                .map(|v| v.into_iter().map(String::from).collect())
                .unwrap_or_default();
            vars.sort();
            (n.to_string(), vars)
        })
        .collect();
    Templates {
        tera,
        broken,
        sources,
        shortcode_vars,
        words,
    }
}

/// Renders `template` with `ctx`; an error is at the template file, line
/// and column where it happened (see [`Templates::error`]).
pub fn render_page(
    templates: &Templates,
    template: &str,
    ctx: &Context,
) -> Result<String, Diagnostic> {
    templates.render(template, ctx)
}

/// Whether a template's text uses the `data` variable (`data.x`,
/// `data["x"]`, `{{ data }}`) or `load_data(...)`; not `metadata`,
/// `data_table`, `page.data`, an HTML `data-kind` or a path `'data/'`.
fn reads_data(text: &str) -> bool {
    // Only inside `{{ ... }}` and `{% ... %}`: "Big data." in the HTML is
    // not a variable.
    let mut rest = text;
    while let Some(open) = rest.find(['{']) {
        let tag = &rest[open..];
        let close = match tag.get(..2) {
            Some("{{") => "}}",
            Some("{%") => "%}",
            _ => {
                rest = &rest[open + 1..];
                continue;
            }
        };
        let end = tag.find(close).map_or(tag.len(), |e| e + 2);
        if uses_data(&tag[..end]) {
            return true;
        }
        rest = &tag[end..];
    }
    false
}

/// Whether the code of one tag names `data` or calls `load_data`.
fn uses_data(code: &str) -> bool {
    code.match_indices("data").any(|(at, _)| {
        let before = code[..at].chars().next_back();
        let after = code[at + 4..].chars().next();
        let word = |c: Option<char>, extra: &str| {
            c.is_some_and(|c| c.is_alphanumeric() || c == '_' || extra.contains(c))
        };
        if code[..at].ends_with("load_") {
            return after == Some('(') || after == Some(' ');
        }
        after.is_none_or(|c| ".[ }|),%".contains(c)) && !word(before, "-./'\"")
    })
}

/// Registers cairn's functions and filters (listed, with one example each,
/// in the manual's "Filters and functions" (docs/content/guides/themes-and-templates.md);
/// their names in
/// `template_errors::FILTERS` and `FUNCTIONS`).
fn register(tera: &mut Tera, config: &Config, words: &super::i18n::Strings) {
    // The share card's SVG is XML: values are escaped in it too.
    tera.autoescape_on(vec![".html", ".htm", ".xml", ".svg"]);
    let root_path = config.root_path.clone();
    let codes: Vec<String> = config.languages.iter().map(|l| l.code.clone()).collect();
    // `get_url(path="style.css")` -> `/sub/style.css`: root-relative, with
    // the base URL's subpath. `lang="de"` puts a page path in that
    // language's folder: `get_url(path="search/", lang="de")` -> `/sub/de/search/`.
    tera.register_function(
        "get_url",
        move |kwargs: Kwargs, _: &State| -> tera::TeraResult<String> {
            let path: &str = kwargs.must_get("path")?;
            let path = path.trim_start_matches('/');
            match kwargs.get::<&str>("lang")? {
                Some(code) if codes.iter().any(|c| c == code) => {
                    Ok(format!("{root_path}{code}/{path}"))
                }
                _ => Ok(format!("{root_path}{path}")),
            }
        },
    );
    let months: Vec<String> = words
        .get("months")
        .and_then(|m| m.as_array())
        .map(|m| {
            m.iter()
                .filter_map(|v| v.as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default();
    tera.register_filter(
        "date",
        move |v: &str, kwargs: Kwargs, _: &State| -> tera::TeraResult<String> {
            filter_date(v, kwargs, &months)
        },
    );
    tera.register_function("range", budget::range);
    // `load_data(path="data/bands.csv")`: a data file by its path from
    // the site root (never outside it), read once per build.
    let root = config.root.clone();
    let loaded: std::sync::Mutex<HashMap<String, Result<tera::Value, String>>> =
        std::sync::Mutex::default();
    tera.register_function(
        "load_data",
        move |kwargs: Kwargs, _: &State| -> tera::TeraResult<tera::Value> {
            let path: &str = kwargs.must_get("path")?;
            let mut loaded = loaded.lock().unwrap_or_else(|e| e.into_inner());
            let value = loaded.entry(path.to_string()).or_insert_with(|| {
                crate::site::data::load_path(&root, path)
                    .map(|v| tera::Value::from_serializable(&v))
            });
            value.clone().map_err(tera::Error::message)
        },
    );
    tera.register_filter("slugify", |v: &str, _: Kwargs, _: &State| {
        crate::content::slug::slugify(v)
    });
    tera.register_filter("striptags", |v: &str, _: Kwargs, _: &State| {
        crate::html::strip_tags(v)
    });
    tera.register_filter(
        "markdown",
        |v: &str, kwargs: Kwargs, _: &State| -> tera::TeraResult<tera::Value> {
            let html = if kwargs.get::<bool>("inline")?.unwrap_or(false) {
                crate::markdown::render_inline(v)
            } else {
                crate::markdown::render(v).html
            };
            Ok(tera::Value::safe_string(&html))
        },
    );
    tera.register_filter("urlencode", |v: &str, _: Kwargs, _: &State| {
        crate::html::urlencode(v)
    });
    tera.register_filter(
        "json_encode",
        |v: tera::Value, _: Kwargs, _: &State| -> tera::TeraResult<String> {
            serde_json::to_string(&v).map_err(|e| tera::Error::message(e.to_string()))
        },
    );
}

/// `{{ page.date | date(format="%-d %B %Y") }}`: a `YYYY-MM-DD` date, or a
/// date and time, formatted with strftime directives (default
/// `%Y-%m-%d`).
fn filter_date(v: &str, kwargs: Kwargs, months: &[String]) -> tera::TeraResult<String> {
    let format = kwargs.get::<&str>("format")?.unwrap_or("%Y-%m-%d");
    let fail = |why: String| tera::Error::message(format!("`date` cannot use `{v}`: {why}"));
    let date = crate::content::Date::parse(v).map_err(|e| fail(format!("it {}", e.reason)))?;
    let day = date.calendar_day();
    // Month names in the page's language (`months` of its words).
    let format = super::i18n::localise_format(format, day.month() as usize, months);
    let format = format.as_str();
    let out = match date.wall_clock() {
        Some(time) => jiff::fmt::strtime::format(format, time),
        None => jiff::fmt::strtime::format(format, day),
    };
    out.map_err(|e| fail(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_reading_templates_are_told_apart() {
        for yes in [
            "{{ data.bands }}",
            "{{ data[\"salary-bands\"] }}",
            "{% for r in data.teams.eu %}",
            "{% set x = load_data(path=\"a.json\") %}",
            "{{ data | json_encode }}",
        ] {
            assert!(reads_data(yes), "{yes}");
        }
        for no in [
            "<a data-kind=\"Role\">",
            "{{ page.metadata }}",
            "{{ get_url(path='data/') }}",
            "{{ page.data.x }}",
            "{{ data_table }}",
            "<p>Big data.</p>",
        ] {
            assert!(!reads_data(no), "{no}");
        }
    }

    fn one_off(template: &str) -> Result<String, String> {
        let config = Config::parse(
            "title = \"T\"\nbase_url = \"https://x.org/sub/\"\n",
            Path::new("/s"),
        )
        .unwrap();
        let mut tera = Tera::new();
        register(&mut tera, &config, &Default::default());
        tera.add_raw_template("t", template)
            .map_err(|e| e.to_string())?;
        tera.render("t", &Context::new()).map_err(|e| e.to_string())
    }

    #[test]
    fn cairn_filters_and_functions() {
        let cases = [
            ("{{ \"2024-03-05\" | date }}", "2024-03-05"),
            (
                "{{ \"2024-03-05\" | date(format=\"%-d %B %Y\") }}",
                "5 March 2024",
            ),
            (
                "{{ \"2024-03-05T10:30:00Z\" | date(format=\"%H:%M\") }}",
                "10:30",
            ),
            (
                "{{ \"2024-03-05 10:30:00\" | date(format=\"%d/%m %H\") }}",
                "05/03 10",
            ),
            ("{{ \"Product Owner & Co\" | slugify }}", "product-owner-co"),
            (
                "{{ \"<p>A <b>bold</b> move</p>\" | striptags }}",
                "A bold move",
            ),
            ("{{ \"*why*\" | markdown(inline=true) }}", "<em>why</em>"),
            (
                "{{ \"# T\" | markdown }}",
                "<h1 id=\"t\">T<a class=\"anchor\" href=\"#t\" aria-label=\"Link to this section\">#</a></h1>\n",
            ),
            ("{{ \"a b/c?d=é\" | urlencode }}", "a%20b/c%3Fd%3D%C3%A9"),
            ("{{ [1, \"x\"] | json_encode | safe }}", "[1,\"x\"]"),
            ("{{ \"a long title\" | truncate(length=6) }}", "a long…"),
            ("{{ get_url(path=\"style.css\") }}", "/sub/style.css"),
        ];
        for (template, want) in cases {
            assert_eq!(one_off(template).unwrap(), want, "{template}");
        }
        let e = one_off("{{ \"2024-02-30\" | date }}").unwrap_err();
        assert!(e.contains("`date` cannot use `2024-02-30`"), "{e}");
    }

    /// The manual's table lists every filter and function there is.
    #[test]
    fn the_manual_lists_every_filter_and_function() {
        let readme = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/docs/content/guides/themes-and-templates.md"
        ))
        .unwrap();
        let table = &readme[readme.find("### Filters and functions").unwrap()..];
        for name in crate::render::template_errors::FILTERS
            .iter()
            .chain(crate::render::template_errors::FUNCTIONS)
        {
            assert!(
                table.contains(&format!("`{name}`")),
                "{name} is not in the manual"
            );
        }
    }

    /// The names did-you-mean offers are real: every listed filter and
    /// function is known to a template.
    #[test]
    fn listed_names_exist() {
        for f in crate::render::template_errors::FILTERS {
            let e = one_off(&format!("{{{{ 1 | {f} }}}}"))
                .err()
                .unwrap_or_default();
            assert!(!e.contains("Unknown filter"), "{f}: {e}");
        }
        for f in crate::render::template_errors::FUNCTIONS {
            let e = one_off(&format!("{{{{ {f}() }}}}"))
                .err()
                .unwrap_or_default();
            assert!(!e.contains("Unknown function"), "{f}: {e}");
        }
    }

    #[test]
    fn embedded_theme_has_the_required_templates() {
        let names: Vec<&str> = embedded_theme().iter().map(|(n, _)| *n).collect();
        for t in [
            "templates/base.html",
            "templates/index.html",
            "templates/page.html",
            "templates/404.html",
        ] {
            assert!(names.contains(&t), "{t} missing from {names:?}");
        }
    }
}
