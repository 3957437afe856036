//! The site's glossary: the titles and `terms` of the entries of the
//! collections with `autolink = true`, each claimed by one entry.

use std::collections::HashMap;

use crate::config::Config;
use crate::content::{Page, PageKind};
use crate::diagnostics::Diagnostics;
use crate::markdown::glossary::{Glossary, term_key};

/// The glossary of `pages` (indices as in the site), or `None` when no
/// collection auto-links. A term two entries claim is an error at the
/// second one's `title` or `terms`, naming both files.
pub(super) fn build(config: &Config, pages: &[Page], ds: &mut Diagnostics) -> Option<Glossary> {
    if !config.collections.iter().any(|c| c.autolink) {
        return None;
    }
    let mut claimed: HashMap<String, usize> = HashMap::new();
    let mut terms = Vec::new();
    for (i, p) in pages.iter().enumerate() {
        // Entries only: a collection's own page is not a glossary entry.
        let autolinks = match &p.kind {
            PageKind::Entry(c) => config.collection(c).is_some_and(|c| c.autolink),
            _ => false,
        };
        if !autolinks {
            continue;
        }
        let parts = title_parts(&p.title);
        let named = std::iter::once((&p.title, "title"))
            .chain(p.terms.iter().map(|t| (t, "terms")))
            .chain(parts.iter().map(|t| (t, "")));
        for (term, key) in named {
            let k = term_key(term);
            if k.is_empty() {
                continue;
            }
            match claimed.get(&k) {
                Some(&j) if j == i => {}
                // A part of a title another entry has: left to that one.
                Some(_) if key.is_empty() => {}
                Some(&j) => ds.push(
                    p.error_at(
                        p.positions().value(key),
                        format!(
                            "glossary term `{term}` is claimed by two entries: `{}` and `{}`",
                            pages[j].source.display(),
                            p.source.display()
                        ),
                    )
                    .with_hint("keep the term in one entry's `title` or `terms`"),
                ),
                None => {
                    claimed.insert(k, i);
                    terms.push((term.clone(), i));
                }
            }
        }
    }
    Glossary::new(terms)
}

/// The parts of a title that are names of their own: "Net Promoter Score"
/// and "NPS" in "Net Promoter Score (NPS)", "VP of Product" and "Chief
/// Product Officer" in "VP of Product / Chief Product Officer"; a part of
/// one word is kept only when it is an abbreviation ("Group" of "Group /
/// Principal Product Manager" is not a name).
/// The names a page goes by besides its slug: its `terms`, and the named
/// parts of its title ("NPS" of "Net Promoter Score (NPS)").
pub(crate) fn names_of(p: &Page) -> Vec<String> {
    p.terms
        .iter()
        .cloned()
        .chain(title_parts(&p.title))
        .collect()
}

fn title_parts(title: &str) -> Vec<String> {
    let parts: Vec<String> = title
        .split(['(', ')', '/'])
        .map(|p| p.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|p| p.contains(' ') || crate::markdown::glossary::is_abbreviation(p))
        .collect();
    if parts.len() < 2 { Vec::new() } else { parts }
}

#[cfg(test)]
mod tests {
    #[test]
    fn titles_give_their_named_parts() {
        assert_eq!(
            super::title_parts("Net Promoter Score (NPS)"),
            ["Net Promoter Score", "NPS"]
        );
        assert_eq!(
            super::title_parts("VP of Product / Chief Product Officer"),
            ["VP of Product", "Chief Product Officer"]
        );
        assert!(super::title_parts("Group / Principal Product Manager").is_empty());
        assert!(super::title_parts("Product Owner").is_empty());
    }
}
