//! Comparison tables generated from typed fields: the `[[comparisons]]`
//! pages of site.toml and the `compare` shortcode share one builder, so a
//! table can never drift from the entries it shows.
//!
//! Rows are fields (headed by their label), columns are entries (headed by
//! links to them), and each cell is the value formatted by type exactly as on
//! the entry page. Rows whose cells are all equal are marked `same`, so a
//! theme can de-emphasise them.

use serde::Serialize;

use super::PageParts;
use super::values::NOT_SET_HTML;
use crate::config::Collection;
use crate::site::SitePage;

/// A column: one compared entry.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ItemCtx {
    /// The entry's title.
    pub title: String,
    /// Its slug.
    pub slug: String,
    /// Its root-relative URL.
    pub url: String,
}

/// A row: one field across the compared entries.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct RowCtx {
    /// The field's label.
    pub label: String,
    /// The field's key.
    pub name: String,
    /// The field's type.
    #[serde(rename = "type")]
    pub ty: crate::config::FieldType,
    /// Whether every entry has the same value (or none sets it).
    pub same: bool,
    /// One formatted value (HTML) per item.
    pub values: Vec<String>,
}

/// A whole comparison table, as templates see it (`comparison`).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct TableCtx {
    /// "Product Manager vs Product Owner".
    pub title: String,
    /// The compared collection.
    pub collection: String,
    /// Root-relative URL of the comparison page, if there is one.
    pub url: Option<String>,
    /// The columns.
    pub items: Vec<ItemCtx>,
    /// The rows.
    pub rows: Vec<RowCtx>,
}

/// Builds a table over entries `items` (page indexes) of `coll` and the
/// fields `fields` (all must be declared; checked by the caller).
pub fn table(
    coll: &Collection,
    items: &[usize],
    fields: &[String],
    title: Option<&str>,
    pages: &[SitePage],
    parts: &[PageParts],
) -> TableCtx {
    let item_ctx: Vec<ItemCtx> = items
        .iter()
        .map(|&i| ItemCtx {
            title: pages[i].title.clone(),
            slug: pages[i].slug.clone(),
            url: pages[i].url.clone(),
        })
        .collect();
    let rows = fields
        .iter()
        .filter_map(|name| {
            let def = coll.field(name)?;
            let values: Vec<String> = items
                .iter()
                .map(|&i| {
                    parts[i]
                        .view
                        .list
                        .iter()
                        .find(|r| r.name == *name)
                        .map_or_else(|| NOT_SET_HTML.to_string(), |r| r.html.clone())
                })
                .collect();
            let same = values.windows(2).all(|w| w[0] == w[1]);
            Some(RowCtx {
                label: def.label.clone(),
                name: name.clone(),
                ty: def.ty,
                same,
                values,
            })
        })
        .collect();
    TableCtx {
        title: title.map_or_else(|| default_title(&item_ctx), str::to_string),
        collection: coll.name.clone(),
        url: None,
        items: item_ctx,
        rows,
    }
}

/// "A vs B vs C" from the entries' titles.
pub fn default_title(items: &[ItemCtx]) -> String {
    items
        .iter()
        .map(|i| i.title.as_str())
        .collect::<Vec<_>>()
        .join(" vs ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_titles() {
        let items = ["Product Manager", "Product Owner"].map(|t| ItemCtx {
            title: t.into(),
            slug: String::new(),
            url: String::new(),
        });
        assert_eq!(default_title(&items), "Product Manager vs Product Owner");
    }
}
