//! Taxonomies: an `enum` or `list` field declared with `taxonomy = true`
//! groups its collection's entries by value, like tags do for every page:
//! `/roles/track/` lists the terms with their counts and
//! `/roles/track/strategy/` the entries of one. The search facet of the
//! field uses the same term names.

use super::fields::{FieldValue, TypedFields};
use crate::config::{Config, FieldType};
use crate::content::slug::slugify;
use crate::content::{Page, PageKind};

/// One taxonomy field of one collection.
#[derive(Debug, Clone)]
pub struct Taxonomy {
    /// The collection.
    pub collection: String,
    /// The field's name (the URL segment).
    pub field: String,
    /// The field's label.
    pub label: String,
    /// The terms that entries use, in the enum's order or, for a list, by
    /// name.
    pub terms: Vec<Term>,
}

/// One value of a taxonomy field and the entries that have it.
#[derive(Debug, Clone)]
pub struct Term {
    /// What readers see: an enum value's label, a list item as first
    /// written.
    pub name: String,
    /// The URL segment.
    pub slug: String,
    /// The entries (page indexes, in source order).
    pub pages: Vec<usize>,
}

impl Taxonomy {
    /// `roles/track/`.
    pub fn path(&self) -> String {
        format!("{}/{}/", self.collection, self.field)
    }

    /// `roles/track/strategy/`.
    pub fn term_path(&self, term: &Term) -> String {
        format!("{}{}/", self.path(), term.slug)
    }

    /// The term a value of the field belongs to.
    pub fn term_of(&self, value: &str) -> Option<&Term> {
        let slug = slugify(value);
        self.terms.iter().find(|t| t.slug == slug)
    }
}

/// Every taxonomy of the site, from the checked fields of the entries.
pub(crate) fn build(config: &Config, pages: &[Page], typed: &[TypedFields]) -> Vec<Taxonomy> {
    let mut out = Vec::new();
    for coll in &config.collections {
        for def in coll.fields.iter().filter(|f| f.taxonomy) {
            let mut terms: Vec<Term> = match def.ty {
                FieldType::Enum => def
                    .values
                    .iter()
                    .map(|v| Term {
                        name: def.value_label(v),
                        slug: slugify(v),
                        pages: Vec::new(),
                    })
                    .collect(),
                _ => Vec::new(),
            };
            for (i, (p, fields)) in pages.iter().zip(typed).enumerate() {
                if p.kind != PageKind::Entry(coll.name.clone()) {
                    continue;
                }
                let values: Vec<&String> = match fields.iter().find(|(n, _)| *n == def.name) {
                    Some((_, FieldValue::String(v))) => vec![v],
                    Some((_, FieldValue::List(l))) => l.iter().collect(),
                    _ => Vec::new(),
                };
                for v in values {
                    let slug = slugify(v);
                    if slug.is_empty() {
                        continue;
                    }
                    match terms.iter_mut().find(|t| t.slug == slug) {
                        Some(t) if t.pages.last() != Some(&i) => t.pages.push(i),
                        Some(_) => {}
                        None => terms.push(Term {
                            name: v.clone(),
                            slug,
                            pages: vec![i],
                        }),
                    }
                }
            }
            terms.retain(|t| !t.pages.is_empty());
            if def.ty == FieldType::List {
                terms.sort_by_key(|t| t.name.to_lowercase());
            }
            out.push(Taxonomy {
                collection: coll.name.clone(),
                field: def.name.clone(),
                label: def.label.clone(),
                terms,
            });
        }
    }
    out
}
