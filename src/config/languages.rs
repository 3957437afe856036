//! `[languages.CODE]`: the languages of a site besides its default
//! `language`, and the configuration each language is built with (its
//! title, description, collection titles, field labels, enum value labels
//! and comparison titles, and its URLs under `/CODE/`).

use toml::Spanned;

use super::raw::{Ordered, RawLangCollection, RawLanguage};
use super::schema::{Collection, ComparisonDef, Pos, Resolver};
use super::{CONFIG_FILE, Config};
use crate::diagnostics::did_you_mean;

/// A language besides the default one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Language {
    /// Its code (`de`, `pt-br`): the file suffix (`pm.de.md`), the URL
    /// folder (`/de/`) and `<html lang>`.
    pub code: String,
    /// The site title in this language (default: the site's).
    pub title: Option<String>,
    /// The site description in this language (default: the site's).
    pub description: Option<String>,
    /// Collection titles and field labels in this language.
    pub collections: Vec<LangCollection>,
    /// Comparison titles in this language, by the comparison's page name
    /// (`product-manager-vs-product-owner`).
    pub comparisons: Vec<(String, String)>,
    /// Chart titles in this language, by the chart's `name`.
    pub charts: Vec<(String, String)>,
    /// Where `[languages.CODE]` is declared.
    pub pos: Pos,
}

/// `[languages.CODE.collections.NAME]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LangCollection {
    /// The collection.
    pub name: String,
    /// Its title in this language.
    pub title: Option<String>,
    /// What one of its entries is called in this language (`Rolle`).
    pub singular: Option<String>,
    /// Its fields' labels: (field, label, help, enum value labels).
    pub fields: Vec<LangField>,
}

/// One field's text in a language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LangField {
    /// The field's key.
    pub name: String,
    /// Its label (table heading) in this language.
    pub label: Option<String>,
    /// Its help text in this language.
    pub help: Option<String>,
    /// How readers of this language see an enum's values.
    pub labels: std::collections::BTreeMap<String, String>,
}

/// Whether `code` is a language code cairn accepts: two or three
/// lowercase letters, optionally followed by `-` and a region or script
/// of two to eight lowercase letters or digits (`de`, `pt-br`, `zh-hant`).
pub fn is_language_code(code: &str) -> bool {
    let mut parts = code.split('-');
    let lang = parts.next().unwrap_or_default();
    (2..=3).contains(&lang.len())
        && lang.bytes().all(|b| b.is_ascii_lowercase())
        && parts.all(|p| {
            (2..=8).contains(&p.len())
                && p.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
}

impl Resolver<'_> {
    /// Every `[languages.CODE]` table, checked against the default
    /// language, the collections, their fields and the comparisons.
    pub(super) fn languages(
        &mut self,
        raw: &Ordered<Spanned<String>, Spanned<RawLanguage>>,
        default: &str,
        collections: &[Collection],
        comparisons: &[ComparisonDef],
        charts: &[super::ChartDef],
    ) -> Vec<Language> {
        let mut out = Vec::new();
        for (code, lang) in &raw.0 {
            let pos = self.at(code.span());
            let c = code.get_ref();
            if !is_language_code(c) {
                let d = self.err(pos, format!("`{c}` is not a language code")).with_hint(
                    "use a lowercase code such as `de`, `fr` or `pt-br` (it names the files, `pm.de.md`, and the URLs, `/de/`)",
                );
                self.ds.push(d);
                continue;
            }
            if c == default {
                let d = self
                    .err(pos, format!("`{c}` is the site's default `language`"))
                    .with_hint("`[languages.CODE]` declares the other languages; the default language's text is the rest of site.toml");
                self.ds.push(d);
                continue;
            }
            if collections.iter().any(|k| k.name == *c) {
                let d = self.err(
                    pos,
                    format!(
                        "language `{c}` would put its pages in `/{c}/`, where collection `{c}` is"
                    ),
                );
                self.ds.push(d);
                continue;
            }
            let lang = lang.get_ref();
            let colls = lang
                .collections
                .0
                .iter()
                .filter_map(|(name, coll)| self.lang_collection(name, coll.get_ref(), collections))
                .collect();
            let names: Vec<String> = comparisons.iter().map(comparison_name).collect();
            let mut titles = Vec::new();
            for (name, title) in &lang.comparisons.0 {
                if names.contains(name.get_ref()) {
                    titles.push((name.get_ref().clone(), title.clone()));
                    continue;
                }
                let mut d = self.err(
                    self.at(name.span()),
                    format!(
                        "no `[[comparisons]]` block makes the page `{}`",
                        name.get_ref()
                    ),
                );
                d = match did_you_mean(name.get_ref(), names.iter().map(String::as_str)) {
                    Some(s) => d.with_hint(format!("did you mean `{s}`?")),
                    None => d.with_hint("name a comparison by its items joined with `-vs-`, as in its URL: `product-manager-vs-product-owner`"),
                };
                self.ds.push(d);
            }
            let mut chart_titles = Vec::new();
            for (name, title) in &lang.charts.0 {
                if charts.iter().any(|ch| ch.name == *name.get_ref()) {
                    chart_titles.push((name.get_ref().clone(), title.clone()));
                    continue;
                }
                let mut d = self.err(
                    self.at(name.span()),
                    format!("no `[[charts]]` block is named `{}`", name.get_ref()),
                );
                if let Some(s) =
                    did_you_mean(name.get_ref(), charts.iter().map(|ch| ch.name.as_str()))
                {
                    d = d.with_hint(format!("did you mean `{s}`?"));
                }
                self.ds.push(d);
            }
            out.push(Language {
                code: c.clone(),
                charts: chart_titles,
                title: lang.title.clone(),
                description: lang.description.clone(),
                collections: colls,
                comparisons: titles,
                pos,
            });
        }
        out
    }

    fn lang_collection(
        &mut self,
        name: &Spanned<String>,
        raw: &RawLangCollection,
        collections: &[Collection],
    ) -> Option<LangCollection> {
        let Some(coll) = collections.iter().find(|c| c.name == *name.get_ref()) else {
            let d = self.missing_collection(collections, "this language's table", name);
            self.ds.push(d);
            return None;
        };
        let mut fields = Vec::new();
        for (fname, f) in &raw.fields.0 {
            let Some(def) = coll.field(fname.get_ref()) else {
                let mut d = self.err(
                    self.at(fname.span()),
                    format!(
                        "collection `{}` declares no field `{}`",
                        coll.name,
                        fname.get_ref()
                    ),
                );
                if let Some(s) =
                    did_you_mean(fname.get_ref(), coll.fields.iter().map(|f| f.name.as_str()))
                {
                    d = d.with_hint(format!("did you mean `{s}`?"));
                }
                self.ds.push(d);
                continue;
            };
            let f = f.get_ref();
            let labels = f
                .labels
                .as_ref()
                .map(|l| l.get_ref().clone())
                .unwrap_or_default();
            if let Some(l) = &f.labels {
                let is_enum = def.ty == super::FieldType::Enum;
                self.enum_labels(l, is_enum, &def.values, &def.name);
            }
            fields.push(LangField {
                name: def.name.clone(),
                label: f.label.clone(),
                help: f.help.clone(),
                labels,
            });
        }
        Some(LangCollection {
            name: coll.name.clone(),
            title: raw.title.clone(),
            singular: raw.singular.clone(),
            fields,
        })
    }
}

/// A comparison's page name: its items joined with `-vs-`.
pub fn comparison_name(def: &ComparisonDef) -> String {
    let slugs: Vec<&str> = def.items.iter().map(|(s, _)| s.as_str()).collect();
    slugs.join("-vs-")
}

impl Config {
    /// The configuration pages in language `code` are built with: its
    /// title, description and labels, and URLs under `/CODE/`; `None` for
    /// an undeclared language. The default language gives the site's own.
    pub fn for_language(&self, code: &str) -> Option<Config> {
        if code == self.default_language {
            return Some(self.clone());
        }
        let lang = self.languages.iter().find(|l| l.code == code)?;
        let mut c = self.clone();
        c.language = code.to_string();
        c.lang_prefix = format!("{code}/");
        c.base_url = format!("{}{code}/", self.root_url);
        c.base_path = format!("{}{code}/", self.root_path);
        if let Some(t) = &lang.title {
            c.title = t.clone();
        }
        if let Some(d) = &lang.description {
            c.description = d.clone();
        }
        // A language's pages are listed in the default language's data
        // files; there is one export.
        c.export_json = false;
        c.export_csv = false;
        for over in &lang.collections {
            let Some(coll) = c.collections.iter_mut().find(|k| k.name == over.name) else {
                continue;
            };
            if let Some(t) = &over.title {
                coll.title = t.clone();
            }
            if over.singular.is_some() {
                coll.singular.clone_from(&over.singular);
            }
            for f in &over.fields {
                let Some(def) = coll.fields.iter_mut().find(|d| d.name == f.name) else {
                    continue;
                };
                if let Some(l) = &f.label {
                    def.label = l.clone();
                }
                if f.help.is_some() {
                    def.help = f.help.clone();
                }
                def.labels.extend(f.labels.clone());
            }
        }
        for chart in &mut c.charts {
            if let Some((_, t)) = lang.charts.iter().find(|(n, _)| *n == chart.name) {
                chart.title = t.clone();
            }
        }
        for def in &mut c.comparisons {
            let name = comparison_name(def);
            if let Some((_, t)) = lang.comparisons.iter().find(|(n, _)| *n == name) {
                def.title = Some(t.clone());
            }
        }
        Some(c)
    }

    /// Every language of the site, the default first.
    pub fn language_codes(&self) -> Vec<&str> {
        std::iter::once(self.default_language.as_str())
            .chain(self.languages.iter().map(|l| l.code.as_str()))
            .collect()
    }

    /// Whether the site has more than one language.
    pub fn is_multilingual(&self) -> bool {
        !self.languages.is_empty()
    }

    /// Where `[languages.CODE]` is declared, for messages about a language.
    pub fn language_pos(&self, code: &str) -> (String, Pos) {
        let pos = self
            .languages
            .iter()
            .find(|l| l.code == code)
            .map_or(Pos { line: 1, col: 1 }, |l| l.pos);
        (CONFIG_FILE.to_string(), pos)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn language_codes() {
        for ok in ["de", "fr", "pt-br", "zh-hant", "gsw"] {
            assert!(is_language_code(ok), "{ok}");
        }
        for bad in ["", "d", "DE", "german", "de_DE", "de-", "1a", "pt-BR"] {
            assert!(!is_language_code(bad), "{bad}");
        }
    }

    fn parse(text: &str) -> Result<Config, Vec<String>> {
        Config::parse(text, std::path::Path::new("/site")).map_err(|ds| {
            ds.sorted()
                .iter()
                .map(|d| d.to_string())
                .collect::<Vec<String>>()
        })
    }

    const SITE: &str = "title = \"Atlas\"\nbase_url = \"https://x.org/atlas/\"\n[collections.roles]\ntitle = \"Roles\"\n[collections.roles.fields]\nfocus = { type = \"string\", label = \"Focus\" }\ntrack = { type = \"enum\", values = [\"strategy\", \"execution\"] }\n[[comparisons]]\ncollection = \"roles\"\nitems = [\"pm\", \"po\"]\n";

    #[test]
    fn a_language_overrides_titles_labels_and_urls() {
        let text = format!(
            "{SITE}[languages.de]\ntitle = \"Atlas DE\"\n[languages.de.collections.roles]\ntitle = \"Rollen\"\n[languages.de.collections.roles.fields]\nfocus = {{ label = \"Schwerpunkt\" }}\ntrack = {{ labels = {{ strategy = \"Strategie\" }} }}\n[languages.de.comparisons]\npm-vs-po = \"PM und PO\"\n"
        );
        let c = parse(&text).unwrap();
        assert_eq!(c.language_codes(), ["en", "de"]);
        let de = c.for_language("de").unwrap();
        assert_eq!(de.title, "Atlas DE");
        assert_eq!(de.base_path, "/atlas/de/");
        assert_eq!(de.base_url, "https://x.org/atlas/de/");
        assert_eq!(de.root_path, "/atlas/");
        assert_eq!(de.lang_prefix, "de/");
        let roles = de.collection("roles").unwrap();
        assert_eq!(roles.title, "Rollen");
        assert_eq!(roles.field("focus").unwrap().label, "Schwerpunkt");
        assert_eq!(
            roles.field("track").unwrap().value_label("strategy"),
            "Strategie"
        );
        assert_eq!(
            roles.field("track").unwrap().value_label("execution"),
            "Execution"
        );
        assert_eq!(de.comparisons[0].title.as_deref(), Some("PM und PO"));
        assert_eq!(c.for_language("en").unwrap().title, "Atlas");
        assert!(c.for_language("fr").is_none());
    }

    #[test]
    fn a_language_names_charts_and_only_declared_ones() {
        let text = format!(
            "{}[[charts]]\nname = \"ladder\"\nkind = \"range\"\ncollection = \"roles\"\nfield = \"salary\"\n[languages.de.charts]\nladder = \"Leiter\"\n",
            SITE.replace("track = ", "salary = { type = \"range\" }\ntrack = ")
        );
        let c = parse(&text).unwrap();
        assert_eq!(c.for_language("de").unwrap().charts[0].title, "Leiter");
        let errs = parse(&text.replace("ladder = \"Leiter\"", "lader = \"Leiter\""))
            .unwrap_err()
            .join("\n");
        assert!(
            errs.contains("no `[[charts]]` block is named `lader`")
                && errs.contains("did you mean `ladder`?"),
            "{errs}"
        );
    }

    #[test]
    fn language_mistakes_are_positioned() {
        let text = format!(
            "{SITE}[languages.en]\n[languages.German]\n[languages.tags]\n[languages.de.collections.rolez]\n[languages.fr.collections.roles.fields]\nfocs = {{ label = \"x\" }}\ntrack = {{ labels = {{ strategie = \"x\" }} }}\n[languages.fr.comparisons]\npm-vs-pp = \"x\"\n"
        );
        let errs = parse(&text).unwrap_err().join("\n");
        for want in [
            "site.toml:13:12: `tags` is not a language code",
            "site.toml:11:12: `en` is the site's default `language`",
            "site.toml:12:12: `German` is not a language code",
            "site.toml:14:27: this language's table names a missing collection `rolez`",
            "site.toml:16:1: collection `roles` declares no field `focs`",
            "did you mean `focus`?",
            "`labels` names `strategie`, which is not one of the values of `track`",
            "site.toml:19:1: no `[[comparisons]]` block makes the page `pm-vs-pp`",
            "did you mean `pm-vs-po`?",
        ] {
            assert!(errs.contains(want), "{want}\n---\n{errs}");
        }
    }
}
