//! The `[[comparisons]]` of site.toml resolved against the loaded entries:
//! which comparison pages exist and where (the tables themselves are drawn
//! by `render::compare`).

use crate::config::Config;
use crate::site::fields::EntryIndex;

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
    fn paths() {
        assert_eq!(
            page_path(&["product-manager", "product-owner"]),
            "compare/product-manager-vs-product-owner/"
        );
        assert_eq!(page_path(&["a", "b", "c"]), "compare/a-vs-b-vs-c/");
    }
}
