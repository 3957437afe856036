//! Comparison tables generated from typed fields: the `[[comparisons]]`
//! pages of site.toml and the `compare` shortcode share one builder, so a
//! table can never drift from the entries it shows.
//!
//! Rows are fields (headed by their label), columns are entries (headed by
//! links to them), and each cell is the value formatted by type exactly as on
//! the entry page. Rows whose cells are all equal are marked `same`, so a
//! theme can de-emphasise them.

use serde::Serialize;

use crate::config::{Collection, Config};
use crate::content::Page;
use crate::schema::EntryIndex;
use crate::values::FieldsView;

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
    pages: &[Page],
    views: &[FieldsView],
    base_path: &str,
) -> TableCtx {
    let item_ctx: Vec<ItemCtx> = items
        .iter()
        .map(|&i| ItemCtx {
            title: pages[i].title.clone(),
            slug: pages[i].slug.clone(),
            url: format!("{base_path}{}", pages[i].path),
        })
        .collect();
    let rows = fields
        .iter()
        .filter_map(|name| {
            let def = coll.field(name)?;
            let values: Vec<String> = items
                .iter()
                .map(|&i| {
                    views[i].list.iter().find(|r| r.name == *name).map_or_else(
                        || crate::values::NOT_SET_HTML.to_string(),
                        |r| r.html.clone(),
                    )
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

/// `compare/a-vs-b/` from the item slugs.
pub fn page_path(slugs: &[&str]) -> String {
    format!("compare/{}/", slugs.join("-vs-"))
}

/// A `[[comparisons]]` block whose items all exist.
#[derive(Debug, Clone)]
pub struct Comparison {
    /// Index into `config.comparisons`.
    pub def: usize,
    /// Page indexes of the items, in the block's order.
    pub items: Vec<usize>,
    /// Output path, `compare/a-vs-b/`.
    pub path: String,
}

/// Resolves the items of every `[[comparisons]]` block against the loaded
/// entries. Unknown items are errors at their place in site.toml; two blocks
/// with the same path are an error too.
pub fn resolve(
    config: &Config,
    index: &EntryIndex,
    ds: &mut crate::diagnostics::Diagnostics,
) -> Vec<Comparison> {
    use crate::diagnostics::Diagnostic;
    let mut out: Vec<Comparison> = Vec::new();
    let source = &config.source;

    for (n, def) in config.comparisons.iter().enumerate() {
        let mut items = Vec::new();
        for (slug, pos) in &def.items {
            match index.get(&def.collection, slug) {
                Some(i) => items.push(i),
                // Its own errors are reported; no page for this comparison.
                None if index.is_failed(&def.collection, slug) => {}
                None => ds.push(
                    Diagnostic::error_at(
                        crate::config::CONFIG_FILE,
                        pos.line,
                        pos.col,
                        index.missing(&def.collection, slug),
                    )
                    .with_source(source),
                ),
            }
        }
        if items.len() != def.items.len() {
            continue;
        }
        let slugs: Vec<&str> = def.items.iter().map(|(s, _)| s.as_str()).collect();
        let path = page_path(&slugs);
        if let Some(prev) = out.iter().find(|c| c.path == path) {
            let first = &config.comparisons[prev.def].pos;
            ds.push(
                Diagnostic::error_at(
                    crate::config::CONFIG_FILE,
                    def.pos.line,
                    def.pos.col,
                    format!(
                        "this comparison has the same page `/{path}` as the one at line {}",
                        first.line
                    ),
                )
                .with_source(source),
            );
            continue;
        }
        out.push(Comparison {
            def: n,
            items,
            path,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_and_titles() {
        assert_eq!(
            page_path(&["product-manager", "product-owner"]),
            "compare/product-manager-vs-product-owner/"
        );
        assert_eq!(page_path(&["a", "b", "c"]), "compare/a-vs-b-vs-c/");
        let items = ["Product Manager", "Product Owner"].map(|t| ItemCtx {
            title: t.into(),
            slug: String::new(),
            url: String::new(),
        });
        assert_eq!(default_title(&items), "Product Manager vs Product Owner");
    }
}
