//! The languages of a site besides its default one: each is a [`Site`] of
//! its own, built with [`Config::for_language`] (URLs under `/CODE/`,
//! translated titles and labels), whose pages line up with the default
//! site's: page `i` is the translation of the default site's page `i` when
//! there is one, else that page itself, kept as a *foreign* page that links
//! and references fall back to and that is never rendered in this
//! language.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;

use super::{BuildOptions, Schedule, Site, SitePage, fields, settle, tags, taxonomy};
use crate::config::Config;
use crate::content::{Page, slug::slugify};
use crate::diagnostics::{Diagnostic, Diagnostics};

/// Builds the site of every language besides the default from the
/// translations among the loaded pages; their problems go to `ds`.
pub(super) fn build(
    default: &Site,
    translations: Vec<Page>,
    opts: &BuildOptions,
    ds: &mut Diagnostics,
) -> Vec<Site> {
    let config = &default.config;
    let mut by_lang: HashMap<String, Vec<Page>> = HashMap::new();
    for p in translations {
        by_lang
            .entry(p.lang.clone().unwrap_or_default())
            .or_default()
            .push(p);
    }
    let mut sites = Vec::new();
    for lang in &config.languages {
        let Some(lconfig) = config.for_language(&lang.code) else {
            continue;
        };
        let pages = by_lang.remove(&lang.code).unwrap_or_default();
        sites.push(language_site(default, lconfig, pages, opts, ds));
    }
    sites
}

/// The page of `default` a translation translates.
fn original_of(default: &Site, by_source: &HashMap<&PathBuf, usize>, p: &Page) -> Option<usize> {
    let _ = default;
    by_source.get(p.original.as_ref()?).copied()
}

/// What a translation takes from its original: every built-in key it does
/// not set but `tags`, `aliases` and `terms` (words of its own language),
/// the original's slug as its name in references and wikilinks, and its
/// URL unless it sets a `slug` of its own.
fn inherit(p: &mut Page, o: &Page) {
    if p.title.is_empty() {
        p.title = o.title.clone();
    }
    if p.description.is_none() {
        p.description = o.description.clone();
    }
    if p.date.is_none() {
        p.date = o.date.clone();
    }
    if p.updated.is_none() {
        p.updated = o.updated.clone();
    }
    if p.weight.is_none() {
        p.weight = o.weight;
    }
    if p.template.is_none() {
        p.template = o.template.clone();
    }
    if p.extra.is_null() {
        p.extra = o.extra.clone();
    }
    let stem = p
        .original
        .as_ref()
        .and_then(|s| s.file_stem())
        .map(|s| slugify(&s.to_string_lossy()))
        .unwrap_or_default();
    let own_slug = p.slug != stem && p.slug != o.slug;
    if !own_slug {
        p.path = o.path.clone();
    }
    p.slug = o.slug.clone();
}

/// A foreign page: the default language's page where this language has
/// no translation, for links and references to fall back to. Its text,
/// tags and aliases stay with the default site.
fn foreign(p: &Page) -> Page {
    p.fallback_copy()
}

/// The translations of one language that are published, checked, with
/// what they inherit: by the page of the default site they translate;
/// and the scheduled ones, (source, day).
type Own = (
    HashMap<usize, (Page, fields::TypedFields)>,
    Vec<(PathBuf, String)>,
);

fn own_pages(
    default: &Site,
    config: &Config,
    translations: Vec<Page>,
    opts: &BuildOptions,
    ds: &mut Diagnostics,
) -> Own {
    let by_source: HashMap<&PathBuf, usize> = default
        .pages
        .iter()
        .enumerate()
        .map(|(i, p)| (&p.source, i))
        .collect();
    let schedule = Schedule::new(opts);
    let mut own: HashMap<usize, (Page, fields::TypedFields)> = HashMap::new();
    let mut scheduled = Vec::new();
    for mut p in translations {
        let Some(i) = original_of(default, &by_source, &p) else {
            let original = p.original.clone().unwrap_or_default();
            // A translation of a draft, or of a page whose own errors are
            // reported, waits with it.
            let quiet = default.links.draft_sources.contains(&key_of(&original))
                || default.links.failed_sources.contains(&key_of(&original));
            if !quiet {
                ds.push(
                    Diagnostic::error(
                        &p.source,
                        format!(
                            "translation of `{}`, which does not exist",
                            original.display()
                        ),
                    )
                    .with_hint("a translation sits next to its original and has its name plus the language: `pm.md` and `pm.de.md`"),
                );
            }
            continue;
        };
        if (p.draft && !opts.drafts) || schedule.holds(&p) {
            if schedule.holds(&p) {
                let day = p.date.as_ref().map(|d| d.day().to_string());
                scheduled.push((p.source.clone(), day.unwrap_or_default()));
            }
            continue;
        }
        let o = &default.pages[i];
        inherit(&mut p, &o.page);
        settle(&mut p, config, &default.git_days);
        let (typed, errors) = fields::check_translation(&p, config, &o.fields);
        ds.extend(errors);
        own.insert(i, (p, typed));
    }
    (own, scheduled)
}

/// A translation's typed values: its own, else its original's, in the
/// schema's order.
fn merged(
    config: &Config,
    page: &Page,
    own: &fields::TypedFields,
    o: &SitePage,
) -> fields::TypedFields {
    let Some(coll) = page.collection().and_then(|c| config.collection(c)) else {
        return Vec::new();
    };
    coll.fields
        .iter()
        .filter_map(|def| {
            own.iter()
                .chain(o.fields.iter())
                .find(|(k, _)| *k == def.name)
                .cloned()
        })
        .collect()
}

fn language_site(
    default: &Site,
    config: Config,
    translations: Vec<Page>,
    opts: &BuildOptions,
    ds: &mut Diagnostics,
) -> Site {
    let (mut own, mut scheduled) = own_pages(default, &config, translations, opts, ds);
    let (own_list, own_typed): (Vec<Page>, Vec<fields::TypedFields>) =
        own.values().map(|(p, t)| (p.clone(), t.clone())).unzip();
    fields::check_refs(&own_list, &own_typed, &config, &default.index, ds);
    drop(own_list);
    // The pages, in the default site's order, and their typed values: a
    // foreign page's are the default language's (charts and references
    // show them), but only this language's own refer (backlinks) and
    // count (taxonomies).
    let mut plain: Vec<Page> = Vec::with_capacity(default.pages.len());
    let mut typed: Vec<fields::TypedFields> = Vec::with_capacity(default.pages.len());
    let mut is_foreign: Vec<bool> = Vec::with_capacity(default.pages.len());
    for (i, o) in default.pages.iter().enumerate() {
        match own.remove(&i) {
            Some((page, t)) => {
                typed.push(merged(&config, &page, &t, o));
                plain.push(page);
                is_foreign.push(false);
            }
            None => {
                plain.push(foreign(&o.page));
                typed.push(Vec::new());
                is_foreign.push(true);
            }
        }
    }
    let index = default.index.clone();
    let mut lds = Diagnostics::new();
    let comparisons: Vec<_> = super::compare::resolve(&config, &index, &mut lds)
        .into_iter()
        .filter(|c| c.items.iter().all(|&i| !is_foreign[i]))
        .collect();
    let referrers = super::links::backlinks(&config, &plain, &typed, &index);
    let taxonomies = taxonomy::build(&config, &plain, &typed);
    let mut links = super::links::LinkIndex::new(&plain, &[], &[]);
    links.draft_sources.clone_from(&default.links.draft_sources);
    links.draft_paths.clone_from(&default.links.draft_paths);
    links.draft_slugs.clone_from(&default.links.draft_slugs);
    links
        .failed_sources
        .clone_from(&default.links.failed_sources);
    links.failed_paths.clone_from(&default.links.failed_paths);
    links.failed_slugs.clone_from(&default.links.failed_slugs);
    links.scheduled.clone_from(&default.links.scheduled);
    let own_sources: HashSet<PathBuf> = plain
        .iter()
        .zip(&is_foreign)
        .filter(|(_, f)| !**f)
        .map(|(p, _)| p.source.clone())
        .collect();
    let glossary = super::glossary::build(&config, &plain, &mut lds);
    ds.extend(
        lds.sorted()
            .into_iter()
            .filter(|d| own_sources.contains(&d.path)),
    );
    let tags = tags::collect_tags(&plain, ds);
    let aliases = tags::collect_aliases(&plain, ds);
    let has_embeds = plain.iter().any(|p| p.text.contains("![["));
    let pages: Vec<SitePage> = plain
        .into_iter()
        .zip(typed)
        .zip(referrers)
        .zip(is_foreign)
        .enumerate()
        .map(|(i, (((page, fields), referrers), foreign))| SitePage {
            fields: if foreign {
                default.pages[i].fields.clone()
            } else {
                fields
            },
            page,
            referrers,
            foreign,
        })
        .collect();
    scheduled.sort_by(|a, b| a.1.cmp(&b.1).then_with(|| a.0.cmp(&b.0)));
    Site {
        config,
        pages,
        assets: Vec::new(),
        index,
        comparisons,
        links,
        tags,
        aliases,
        git_days: HashMap::new(),
        diagnostics: Diagnostics::new(),
        has_embeds,
        glossary,
        scheduled,
        data: default.data.clone(),
        taxonomies,
        languages: Vec::new(),
    }
}

fn key_of(source: &std::path::Path) -> String {
    super::source_key(source.strip_prefix("content").unwrap_or(source))
}

/// The pages of the default language that language `site` does not
/// translate, as one warning per language at its `[languages.CODE]` line
/// (an error with `--strict`).
pub(super) fn missing(default: &Site, site: &Site) -> Option<Diagnostic> {
    let missing: Vec<&PathBuf> = site
        .pages
        .iter()
        .filter(|p| p.foreign)
        .map(|p| &p.source)
        .collect();
    if missing.is_empty() {
        return None;
    }
    let code = &site.config.language;
    let (file, pos) = default.config.language_pos(code);
    let mut list: Vec<String> = missing
        .iter()
        .take(10)
        .map(|s| format!("`{}`", s.display()))
        .collect();
    if missing.len() > 10 {
        list.push(format!("and {} more", missing.len() - 10));
    }
    Some(
        Diagnostic::error_at(
            file,
            pos.line,
            pos.col,
            format!(
                "{} of {} pages have no `{code}` translation: {}",
                missing.len(),
                site.pages.len(),
                list.join(", ")
            ),
        )
        .with_source(&default.config.source)
        .with_hint(format!(
            "translate a page `content/PATH.md` as `content/PATH.{code}.md`; until then links in `{code}` lead to the `{}` page",
            default.config.default_language
        ))
        .warning(),
    )
}
