//! Charts drawn at build time as inline, accessible SVG (no JavaScript):
//!
//! - `ladder`: a layered diagram over a `refs` (or `ref`) field that points
//!   into its own collection, such as `next_roles`; every node links to its
//!   entry. A cycle is an error that names the entries in it.
//! - `range`: horizontal bars of each entry's `range` field on one shared
//!   axis, with the unit.
//!
//! Every chart has a `<title>` and a `<desc>` that says in words what it
//! shows, and uses the theme's colours through CSS classes, so it follows
//! dark mode. Pure: entries in, SVG text out.

use serde::Serialize;

use crate::html::escape_attr;
use crate::render::values::thousands;
use crate::site::LadderNode;

/// A bar of a range chart.
#[derive(Debug, Clone, PartialEq)]
pub struct RangeBar {
    /// The entry's title.
    pub title: String,
    /// Root-relative URL.
    pub url: String,
    /// Lower bound.
    pub min: f64,
    /// Upper bound.
    pub max: f64,
}

/// A drawn chart, as templates see it.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ChartCtx {
    /// The name in site.toml.
    pub name: String,
    /// `ladder` or `range`.
    pub kind: crate::config::ChartKind,
    /// The collection drawn.
    pub collection: String,
    /// A heading.
    pub title: String,
    /// The SVG element.
    pub svg: String,
}

const NODE_W: f64 = 190.0;
const NODE_H: f64 = 44.0;
const GAP_X: f64 = 24.0;
const GAP_Y: f64 = 56.0;
const PAD: f64 = 12.0;

/// Shortens a label to fit a node, with an ellipsis.
fn fit(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_string()
    } else {
        let cut: String = text.chars().take(max - 1).collect();
        format!("{}…", cut.trim_end())
    }
}

/// Draws a ladder. `nodes` must have no cycle. Only entries that lead
/// somewhere or are led to appear.
pub fn ladder(id: &str, title: &str, nodes: &[LadderNode]) -> String {
    let index = |s: &str| nodes.iter().position(|n| n.slug == s);
    let edges: Vec<(usize, usize)> = nodes
        .iter()
        .enumerate()
        .flat_map(|(i, n)| n.next.iter().filter_map(move |s| index(s).map(|j| (i, j))))
        .filter(|(i, j)| i != j)
        .collect();
    let used: Vec<usize> = (0..nodes.len())
        .filter(|i| edges.iter().any(|(a, b)| a == i || b == i))
        .collect();
    // Layer = longest path from a start (an entry nothing leads to).
    let mut layer = vec![0usize; nodes.len()];
    for _ in 0..nodes.len() {
        let mut changed = false;
        for &(a, b) in &edges {
            if layer[b] < layer[a] + 1 {
                layer[b] = layer[a] + 1;
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    let depth = used.iter().map(|&i| layer[i]).max().map_or(0, |d| d + 1);
    let mut rows: Vec<Vec<usize>> = vec![Vec::new(); depth];
    for &i in &used {
        rows[layer[i]].push(i);
    }
    // Order each row by the average position of its parents (fewer
    // crossings), then by title.
    let mut pos = vec![0.0f64; nodes.len()];
    for (r, row) in rows.iter_mut().enumerate() {
        let key = |i: usize| {
            let parents: Vec<f64> = edges
                .iter()
                .filter(|(_, b)| *b == i)
                .map(|(a, _)| pos[*a])
                .collect();
            if r == 0 || parents.is_empty() {
                f64::MAX
            } else {
                parents.iter().sum::<f64>() / parents.len() as f64
            }
        };
        row.sort_by(|&a, &b| {
            key(a)
                .total_cmp(&key(b))
                .then_with(|| nodes[a].title.cmp(&nodes[b].title))
        });
        for (k, &i) in row.iter().enumerate() {
            pos[i] = k as f64;
        }
    }
    let widest = rows.iter().map(Vec::len).max().unwrap_or(0).max(1) as f64;
    let width = PAD * 2.0 + widest * NODE_W + (widest - 1.0) * GAP_X;
    let height = PAD * 2.0 + depth as f64 * NODE_H + depth.saturating_sub(1) as f64 * GAP_Y;
    let mut xy = vec![(0.0f64, 0.0f64); nodes.len()];
    for (r, row) in rows.iter().enumerate() {
        let row_w = row.len() as f64 * NODE_W + row.len().saturating_sub(1) as f64 * GAP_X;
        let x0 = (width - row_w) / 2.0;
        for (k, &i) in row.iter().enumerate() {
            xy[i] = (
                x0 + k as f64 * (NODE_W + GAP_X),
                PAD + r as f64 * (NODE_H + GAP_Y),
            );
        }
    }
    let mut desc: Vec<String> = Vec::new();
    for &i in &used {
        let next: Vec<&str> = edges
            .iter()
            .filter(|(a, _)| *a == i)
            .map(|(_, b)| nodes[*b].title.as_str())
            .collect();
        if !next.is_empty() {
            desc.push(format!("{} leads to {}", nodes[i].title, next.join(" or ")));
        }
    }
    let mut svg = format!(
        "<svg class=\"chart chart-ladder\" role=\"group\" aria-labelledby=\"{id}-title {id}-desc\" viewBox=\"0 0 {width:.0} {height:.0}\" width=\"{width:.0}\" height=\"{height:.0}\" xmlns=\"http://www.w3.org/2000/svg\">\n<title id=\"{id}-title\">{}</title>\n<desc id=\"{id}-desc\">{}.</desc>\n<defs><marker id=\"{id}-arrow\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto-start-reverse\"><path class=\"chart-arrow\" d=\"M0 0L10 5L0 10z\"/></marker></defs>\n",
        escape_attr(title),
        escape_attr(&desc.join("; "))
    );
    for &(a, b) in &edges {
        let (x1, y1) = (xy[a].0 + NODE_W / 2.0, xy[a].1 + NODE_H);
        let (x2, y2) = (xy[b].0 + NODE_W / 2.0, xy[b].1);
        let my = (y1 + y2) / 2.0;
        svg.push_str(&format!(
            "<path class=\"chart-edge\" d=\"M{x1:.1} {y1:.1}C{x1:.1} {my:.1} {x2:.1} {my:.1} {x2:.1} {:.1}\" marker-end=\"url(#{id}-arrow)\"/>\n",
            y2 - 2.0
        ));
    }
    for &i in &used {
        let (x, y) = xy[i];
        let n = &nodes[i];
        svg.push_str(&format!(
            "<a href=\"{}\"><title>{}</title><rect class=\"chart-node\" x=\"{x:.1}\" y=\"{y:.1}\" width=\"{NODE_W}\" height=\"{NODE_H}\" rx=\"8\"/><text class=\"chart-label\" x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\" dominant-baseline=\"central\">{}</text></a>\n",
            escape_attr(&n.url),
            escape_attr(&n.title),
            x + NODE_W / 2.0,
            y + NODE_H / 2.0,
            escape_attr(&fit(&n.title, 26))
        ));
    }
    svg.push_str("</svg>");
    svg
}

/// Round axis ticks covering `lo..=hi`: about five steps of 1, 2 or 5
/// times a power of ten.
pub fn ticks(lo: f64, hi: f64) -> Vec<f64> {
    if !(lo.is_finite() && hi.is_finite()) || hi <= lo {
        return vec![lo];
    }
    let raw = (hi - lo) / 5.0;
    let mag = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * mag)
        .find(|s| raw <= *s)
        .unwrap_or(10.0 * mag);
    let first = (lo / step).floor();
    let last = (hi / step).ceil();
    (0..=((last - first) as usize).min(50))
        .map(|k| (first + k as f64) * step)
        .collect()
}

/// `120000` -> `120k`, for axis labels.
fn short(n: f64) -> String {
    if n.abs() >= 1_000_000.0 && (n / 1_000_000.0).fract() == 0.0 {
        format!("{}M", n / 1_000_000.0)
    } else if n.abs() >= 1000.0 && (n / 1000.0).fract() == 0.0 {
        format!("{}k", n / 1000.0)
    } else {
        thousands(n)
    }
}

/// Draws a range chart.
pub fn ranges(id: &str, title: &str, unit: Option<&str>, bars: &[RangeBar]) -> String {
    const LABEL_W: f64 = 230.0;
    const PLOT_W: f64 = 420.0;
    const BAR_H: f64 = 22.0;
    const ROW_H: f64 = 36.0;
    let lo = bars.iter().map(|b| b.min).fold(f64::INFINITY, f64::min);
    let hi = bars.iter().map(|b| b.max).fold(f64::NEG_INFINITY, f64::max);
    let ticks = ticks(lo, hi);
    let (a0, a1) = (
        ticks.first().copied().unwrap_or(0.0),
        ticks.last().copied().unwrap_or(1.0),
    );
    let span = if a1 > a0 { a1 - a0 } else { 1.0 };
    let x = |v: f64| LABEL_W + (v - a0) / span * PLOT_W;
    let unit_sfx = unit.map(|u| format!(" {u}")).unwrap_or_default();
    let height = PAD + bars.len() as f64 * ROW_H + 34.0;
    let width = LABEL_W + PLOT_W + 110.0;
    let desc: Vec<String> = bars
        .iter()
        .map(|b| {
            format!(
                "{}: {}–{}{unit_sfx}",
                b.title,
                thousands(b.min),
                thousands(b.max)
            )
        })
        .collect();
    let mut svg = format!(
        "<svg class=\"chart chart-range\" role=\"group\" aria-labelledby=\"{id}-title {id}-desc\" viewBox=\"0 0 {width:.0} {height:.0}\" width=\"{width:.0}\" height=\"{height:.0}\" xmlns=\"http://www.w3.org/2000/svg\">\n<title id=\"{id}-title\">{}</title>\n<desc id=\"{id}-desc\">{}.</desc>\n",
        escape_attr(title),
        escape_attr(&desc.join("; "))
    );
    let axis_y = PAD + bars.len() as f64 * ROW_H;
    for t in &ticks {
        svg.push_str(&format!(
            "<line class=\"chart-grid\" x1=\"{0:.1}\" y1=\"{PAD}\" x2=\"{0:.1}\" y2=\"{axis_y:.1}\"/><text class=\"chart-tick\" x=\"{0:.1}\" y=\"{1:.1}\" text-anchor=\"middle\">{2}</text>\n",
            x(*t),
            axis_y + 16.0,
            escape_attr(&short(*t))
        ));
    }
    if let Some(u) = unit {
        svg.push_str(&format!(
            "<text class=\"chart-tick\" x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"start\">{}</text>\n",
            LABEL_W + PLOT_W + 36.0,
            axis_y + 16.0,
            escape_attr(u)
        ));
    }
    for (k, b) in bars.iter().enumerate() {
        let y = PAD + k as f64 * ROW_H + (ROW_H - BAR_H) / 2.0;
        let (x1, x2) = (x(b.min), x(b.max).max(x(b.min) + 3.0));
        svg.push_str(&format!(
            "<a href=\"{}\"><text class=\"chart-label\" x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\" dominant-baseline=\"central\">{}</text></a><rect class=\"chart-bar\" x=\"{x1:.1}\" y=\"{y:.1}\" width=\"{:.1}\" height=\"{BAR_H}\" rx=\"4\"><title>{}: {}–{}{}</title></rect>\n",
            escape_attr(&b.url),
            LABEL_W - 10.0,
            y + BAR_H / 2.0,
            escape_attr(&fit(&b.title, 30)),
            x2 - x1,
            escape_attr(&b.title),
            thousands(b.min),
            thousands(b.max),
            escape_attr(&unit_sfx)
        ));
    }
    svg.push_str("</svg>");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::site::find_cycle;

    fn node(slug: &str, next: &[&str]) -> LadderNode {
        LadderNode {
            slug: slug.into(),
            title: slug.to_uppercase(),
            url: format!("/roles/{slug}/"),
            next: next.iter().map(|s| s.to_string()).collect(),
        }
    }

    #[test]
    fn cycles_are_found_and_named() {
        let ok = [
            node("pm", &["spm"]),
            node("spm", &["gpm"]),
            node("gpm", &[]),
        ];
        assert_eq!(find_cycle(&ok), None);
        let bad = [
            node("pm", &["spm"]),
            node("spm", &["gpm"]),
            node("gpm", &["pm"]),
        ];
        assert_eq!(find_cycle(&bad).unwrap(), ["pm", "spm", "gpm", "pm"]);
        assert_eq!(find_cycle(&[node("a", &["a"])]).unwrap(), ["a", "a"]);
    }

    #[test]
    fn ladder_is_accessible_svg_with_links() {
        let nodes = [
            node("pm", &["spm", "po"]),
            node("spm", &[]),
            node("po", &[]),
            node("alone", &[]),
        ];
        let svg = ladder("c1", "Career <ladder>", &nodes);
        assert!(svg.starts_with(
            "<svg class=\"chart chart-ladder\" role=\"group\" aria-labelledby=\"c1-title c1-desc\""
        ));
        assert!(svg.contains("<title id=\"c1-title\">Career &lt;ladder&gt;</title>"));
        assert!(svg.contains("<desc id=\"c1-desc\">PM leads to SPM or PO.</desc>"));
        assert!(svg.contains("<a href=\"/roles/spm/\">"));
        assert!(!svg.contains("ALONE"), "entries without edges are left out");
        assert_eq!(svg.matches("class=\"chart-edge\"").count(), 2);
        // PM is drawn above its successors.
        let y = |slug: &str| {
            let at = svg.find(&format!("href=\"/roles/{slug}/\"")).unwrap();
            let rest = &svg[at..];
            let y0 = rest.find(" y=\"").unwrap() + 4;
            rest[y0..y0 + rest[y0..].find('"').unwrap()]
                .parse::<f64>()
                .unwrap()
        };
        assert!(y("pm") < y("spm"));
    }

    #[test]
    fn range_chart_has_axis_and_text_alternative() {
        let bars = [
            RangeBar {
                title: "PO".into(),
                url: "/po/".into(),
                min: 90_000.0,
                max: 120_000.0,
            },
            RangeBar {
                title: "PM".into(),
                url: "/pm/".into(),
                min: 110_000.0,
                max: 150_000.0,
            },
        ];
        let svg = ranges("s", "Salaries", Some("USD"), &bars);
        assert!(svg.contains(
            "<desc id=\"s-desc\">PO: 90,000–120,000 USD; PM: 110,000–150,000 USD.</desc>"
        ));
        assert!(svg.contains(">100k</text>"));
        assert_eq!(svg.matches("class=\"chart-bar\"").count(), 2);
    }

    #[test]
    fn nice_ticks() {
        assert_eq!(
            ticks(90_000.0, 150_000.0),
            [80_000.0, 100_000.0, 120_000.0, 140_000.0, 160_000.0]
        );
        assert_eq!(ticks(0.0, 1.0).len(), 6);
        assert_eq!(ticks(5.0, 5.0), [5.0]);
    }
}
