//! Career ladders: the graph a ladder chart draws (each entry and the
//! entries its field points to), and the check that it has no cycle.

use crate::config::Config;
use crate::content::{Page, PageKind};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::site::fields::TypedFields;

/// A node of a ladder: an entry and where its field points.
#[derive(Debug, Clone, PartialEq)]
pub struct LadderNode {
    /// The entry's slug.
    pub slug: String,
    /// The entry's title.
    pub title: String,
    /// Root-relative URL.
    pub url: String,
    /// Slugs this entry leads to.
    pub next: Vec<String>,
}

/// Finds a cycle among the nodes; returns the slugs along it, first slug
/// repeated at the end.
pub fn find_cycle(nodes: &[LadderNode]) -> Option<Vec<String>> {
    let index = |s: &str| nodes.iter().position(|n| n.slug == s);
    // 0 = new, 1 = on the stack, 2 = done.
    let mut state = vec![0u8; nodes.len()];
    let mut stack: Vec<usize> = Vec::new();
    fn visit(
        i: usize,
        nodes: &[LadderNode],
        index: &dyn Fn(&str) -> Option<usize>,
        state: &mut [u8],
        stack: &mut Vec<usize>,
    ) -> Option<Vec<String>> {
        state[i] = 1;
        stack.push(i);
        for next in &nodes[i].next {
            let Some(j) = index(next) else { continue };
            if state[j] == 1 {
                let from = stack.iter().position(|&k| k == j).unwrap_or(0);
                let mut cycle: Vec<String> = stack[from..]
                    .iter()
                    .map(|&k| nodes[k].slug.clone())
                    .collect();
                cycle.push(nodes[j].slug.clone());
                return Some(cycle);
            }
            if state[j] == 0
                && let Some(c) = visit(j, nodes, index, state, stack)
            {
                return Some(c);
            }
        }
        stack.pop();
        state[i] = 2;
        None
    }
    for i in 0..nodes.len() {
        if state[i] == 0
            && let Some(c) = visit(i, nodes, &index, &mut state, &mut stack)
        {
            return Some(c);
        }
    }
    None
}

/// The nodes of a ladder chart: the entries of its collection (in page
/// order) and the slugs their field points to.
pub fn ladder_nodes<'a>(
    pages: impl Iterator<Item = (&'a Page, &'a TypedFields)>,
    chart: &crate::config::ChartDef,
) -> Vec<LadderNode> {
    use crate::site::fields::FieldValue;
    pages
        .filter(|(p, _)| p.kind == PageKind::Entry(chart.collection.clone()))
        .map(|(p, t)| LadderNode {
            slug: p.slug.clone(),
            title: p.title.clone(),
            url: p.url.clone(),
            next: match t.iter().find(|(n, _)| *n == chart.field).map(|(_, v)| v) {
                Some(FieldValue::Ref(s)) => vec![s.clone()],
                Some(FieldValue::Refs(l)) => l.clone(),
                _ => Vec::new(),
            },
        })
        .collect()
}

/// A ladder chart over a field with a cycle cannot be drawn: an error at
/// the chart's line in site.toml naming the entries in the cycle.
pub(super) fn check_ladders(
    config: &Config,
    pages: &[Page],
    typed: &[TypedFields],
    ds: &mut Diagnostics,
) {
    for chart in config
        .charts
        .iter()
        .filter(|c| c.kind == crate::config::ChartKind::Ladder)
    {
        if let Some(cycle) = find_cycle(&ladder_nodes(pages.iter().zip(typed), chart)) {
            let path: Vec<String> = cycle.iter().map(|s| format!("`{s}`")).collect();

            ds.push(
                Diagnostic::error_at(
                    crate::config::CONFIG_FILE,
                    chart.pos.line,
                    chart.pos.col,
                    format!(
                        "ladder chart `{}` over `{}` has a cycle: {}",
                        chart.name,
                        chart.field,
                        path.join(" -> ")
                    ),
                )
                .with_source(&config.source)
                .with_hint(format!(
                    "a career ladder must only go up: remove one of these `{}` references",
                    chart.field
                )),
            );
        }
    }
}
