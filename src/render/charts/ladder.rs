//! The ladder chart: a layered drawing of a `refs` (or `ref`) field that
//! points into its own collection, read upward (an entry sits above every
//! entry that leads to it).
//!
//! The layout is the classic layered one: a layer per rung (the longest
//! path from a start), a slot on each rung an edge passes through (so an
//! edge spanning rungs never crosses a box), rungs ordered to cut
//! crossings, then boxes moved towards the boxes they connect to. Boxes
//! are as wide as the width allows and their labels wrap; the result is
//! drawn for a given width instead of being scaled down to it.

use crate::html::escape_attr;
use crate::site::LadderNode;

use super::text::{LABEL_PX, LINE_H, text, widest_word, wrap};
use super::{PAD, Variant, svg_open};

/// Widest box, so that a short ladder on a wide page stays compact.
const BOX_MAX: f64 = 180.0;
/// Narrowest box (a word wider than the rest widens every box).
const BOX_MIN: f64 = 72.0;
/// Space between a box's border and its label.
const INSET: f64 = 7.0;
/// Width of the slot an edge takes on a rung it passes.
const SLOT: f64 = 10.0;
/// Space between rungs.
const RUNG_GAP: f64 = 44.0;

/// A vertex of the layered graph: an entry or a point an edge passes.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Vertex {
    Entry(usize),
    Pass,
}

/// The ladder as rungs of vertices, before it is given a width.
struct Layered {
    /// What each vertex is.
    kind: Vec<Vertex>,
    /// The rung of each vertex (0 = bottom).
    rung: Vec<usize>,
    /// Rungs, bottom first, each in drawing order (left to right).
    rungs: Vec<Vec<usize>>,
    /// Each edge of the field as the vertices it passes, lower end first.
    chains: Vec<Vec<usize>>,
    /// Neighbours one rung down and one rung up.
    down: Vec<Vec<usize>>,
    up: Vec<Vec<usize>>,
}

impl Layered {
    /// Rungs by the longest path; passes for edges spanning rungs; an
    /// order of each rung with few crossings. `nodes` must have no cycle.
    fn new(nodes: &[LadderNode]) -> Layered {
        let index = |s: &str| nodes.iter().position(|n| n.slug == s);
        let mut edges: Vec<(usize, usize)> = Vec::new();
        for (i, n) in nodes.iter().enumerate() {
            for j in n.next.iter().filter_map(|s| index(s)) {
                if i != j && !edges.contains(&(i, j)) {
                    edges.push((i, j));
                }
            }
        }
        let mut rung = vec![0usize; nodes.len()];
        for _ in 0..nodes.len() {
            let mut changed = false;
            for &(a, b) in &edges {
                if rung[b] < rung[a] + 1 {
                    rung[b] = rung[a] + 1;
                    changed = true;
                }
            }
            if !changed {
                break;
            }
        }
        let mut kind: Vec<Vertex> = (0..nodes.len()).map(Vertex::Entry).collect();
        let mut chains = Vec::new();
        for &(a, b) in &edges {
            let mut chain = vec![a];
            for r in rung[a] + 1..rung[b] {
                kind.push(Vertex::Pass);
                rung.push(r);
                chain.push(kind.len() - 1);
            }
            chain.push(b);
            chains.push(chain);
        }
        let n = kind.len();
        let (mut down, mut up) = (vec![Vec::new(); n], vec![Vec::new(); n]);
        for chain in &chains {
            for w in chain.windows(2) {
                up[w[0]].push(w[1]);
                down[w[1]].push(w[0]);
            }
        }
        let depth = rung.iter().max().map_or(0, |d| d + 1);
        let mut rungs: Vec<Vec<usize>> = vec![Vec::new(); depth];
        // Entries in page order, the unconnected ones last, then passes.
        let linked = |v: usize| !up[v].is_empty() || !down[v].is_empty();
        for v in (0..n)
            .filter(|&v| linked(v))
            .chain((0..n).filter(|&v| !linked(v)))
        {
            rungs[rung[v]].push(v);
        }
        let mut l = Layered {
            kind,
            rung,
            rungs,
            chains,
            down,
            up,
        };
        l.order();
        l
    }

    /// Edge crossings between every two neighbouring rungs.
    fn crossings(&self) -> usize {
        let mut pos = vec![0usize; self.kind.len()];
        for r in &self.rungs {
            for (k, &v) in r.iter().enumerate() {
                pos[v] = k;
            }
        }
        let mut count = 0;
        for r in &self.rungs {
            let segs: Vec<(usize, usize)> = r
                .iter()
                .flat_map(|&v| self.up[v].iter().map(move |&u| (v, u)))
                .map(|(v, u)| (pos[v], pos[u]))
                .collect();
            for (k, a) in segs.iter().enumerate() {
                count += segs[k + 1..]
                    .iter()
                    .filter(|b| (a.0 < b.0 && a.1 > b.1) || (a.0 > b.0 && a.1 < b.1))
                    .count();
            }
        }
        count
    }

    /// Sweeps up and down the rungs, sorting each by the mean position of
    /// its neighbours on the rung before; keeps the order with the fewest
    /// crossings.
    fn order(&mut self) {
        let mut best = (self.crossings(), self.rungs.clone());
        for sweep in 0..4 {
            let upward = sweep % 2 == 0;
            let depth = self.rungs.len();
            let seq: Vec<usize> = if upward {
                (1..depth).collect()
            } else {
                (0..depth.saturating_sub(1)).rev().collect()
            };
            for r in seq {
                let (reference, near) = if upward {
                    (&self.rungs[r - 1], &self.down)
                } else {
                    (&self.rungs[r + 1], &self.up)
                };
                let at = |v: usize| reference.iter().position(|&x| x == v).unwrap_or(0) as f64;
                let keys: Vec<(usize, f64)> = self.rungs[r]
                    .iter()
                    .enumerate()
                    .map(|(k, &v)| {
                        let ns = &near[v];
                        let alone = self.up[v].is_empty() && self.down[v].is_empty();
                        let key = if alone {
                            f64::INFINITY
                        } else if ns.is_empty() {
                            k as f64
                        } else {
                            ns.iter().map(|&u| at(u)).sum::<f64>() / ns.len() as f64
                        };
                        (v, key)
                    })
                    .collect();
                let mut sorted = keys;
                sorted.sort_by(|a, b| a.1.total_cmp(&b.1));
                self.rungs[r] = sorted.into_iter().map(|(v, _)| v).collect();
            }
            let c = self.crossings();
            if c < best.0 {
                best = (c, self.rungs.clone());
            }
        }
        self.rungs = best.1;
        self.transpose();
    }

    /// Total length of the edges, measuring a vertex by its place on its
    /// rung (0 to 1); a segment through a slot counts double, so that long
    /// edges run straight.
    fn length(&self) -> f64 {
        let mut pos = vec![0.0f64; self.kind.len()];
        for r in &self.rungs {
            for (k, &v) in r.iter().enumerate() {
                pos[v] = (k as f64 + 0.5) / r.len() as f64;
            }
        }
        let mut total = 0.0;
        for (v, ups) in self.up.iter().enumerate() {
            for &u in ups {
                let through = [v, u].iter().any(|&x| self.kind[x] == Vertex::Pass);
                total += (pos[v] - pos[u]).abs() * if through { 2.0 } else { 1.0 };
            }
        }
        total
    }

    /// Swaps neighbours on a rung while that shortens the edges without
    /// adding a crossing (ties of the sweeps are broken this way).
    fn transpose(&mut self) {
        let mut cost = (self.crossings(), self.length());
        for _ in 0..8 {
            let mut better = false;
            for r in 0..self.rungs.len() {
                for k in 1..self.rungs[r].len() {
                    self.rungs[r].swap(k - 1, k);
                    let c = (self.crossings(), self.length());
                    if c.0 < cost.0 || (c.0 == cost.0 && c.1 < cost.1 - 1e-9) {
                        cost = c;
                        better = true;
                    } else {
                        self.rungs[r].swap(k - 1, k);
                    }
                }
            }
            if !better {
                break;
            }
        }
    }
}

/// Places boxes of `widths` in order, each as near its wanted centre as
/// the order and `gap` allow (overlapping groups settle at their mean),
/// inside `lo..hi`. Returns the centres.
fn place(widths: &[f64], wanted: &[f64], gap: f64, lo: f64, hi: f64) -> Vec<f64> {
    // Blocks of consecutive boxes that touch: (first, last, left edge).
    let mut blocks: Vec<(usize, usize, f64)> = Vec::new();
    let offset = |first: usize, k: usize| {
        widths[first..k].iter().sum::<f64>() + (k - first) as f64 * gap + widths[k] / 2.0
    };
    let span = |first: usize, last: usize| {
        widths[first..=last].iter().sum::<f64>() + (last - first) as f64 * gap
    };
    let settle = |first: usize, last: usize| {
        (first..=last)
            .map(|k| wanted[k] - offset(first, k))
            .sum::<f64>()
            / (last - first + 1) as f64
    };
    for k in 0..widths.len() {
        blocks.push((k, k, wanted[k] - widths[k] / 2.0));
        while blocks.len() > 1 {
            let (f1, l1, x1) = blocks[blocks.len() - 2];
            let (_, l2, x2) = blocks[blocks.len() - 1];
            if x1 + span(f1, l1) + gap <= x2 {
                break;
            }
            blocks.truncate(blocks.len() - 2);
            blocks.push((f1, l2, settle(f1, l2)));
        }
    }
    let mut centres = vec![0.0; widths.len()];
    let mut right_limit = hi;
    for &(first, last, x) in blocks.iter().rev() {
        let x = x.min(right_limit - span(first, last));
        for (k, c) in centres.iter_mut().enumerate().take(last + 1).skip(first) {
            *c = x + offset(first, k);
        }
        right_limit = x - gap;
    }
    // Pushed past the left edge: slide right, keeping the order.
    let mut left_limit = lo;
    for k in 0..widths.len() {
        let left = centres[k] - widths[k] / 2.0;
        if left < left_limit {
            centres[k] += left_limit - left;
        }
        left_limit = centres[k] + widths[k] / 2.0 + gap;
    }
    centres
}

impl Layered {
    /// The width of a box: as wide as the fullest rung allows within
    /// [`BOX_MIN`]..[`BOX_MAX`], and never narrower than the widest word.
    fn box_width(&self, nodes: &[LadderNode], v: &Variant) -> f64 {
        let floor = nodes
            .iter()
            .map(|n| widest_word(&n.title, LABEL_PX) + 2.0 * INSET)
            .fold(BOX_MIN, f64::max);
        let fits = self
            .rungs
            .iter()
            .map(|r| {
                let entries = r
                    .iter()
                    .filter(|&&x| matches!(self.kind[x], Vertex::Entry(_)))
                    .count();
                let slots = r.len() - entries;
                let free = v.max_width
                    - 2.0 * PAD
                    - slots as f64 * SLOT
                    - r.len().saturating_sub(1) as f64 * v.gap;
                if entries == 0 {
                    BOX_MAX
                } else {
                    free / entries as f64
                }
            })
            .fold(BOX_MAX, f64::min);
        fits.max(floor).floor()
    }

    /// Whether a vertex is an entry with no edge at all.
    fn alone(&self, x: usize) -> bool {
        self.up[x].is_empty() && self.down[x].is_empty()
    }

    /// The centre of every vertex across the drawing: rungs start packed
    /// and centred, then each box is pulled towards the boxes it connects
    /// to, up, down and up again; unconnected entries make room at the side.
    fn across(&self, w_of: &dyn Fn(usize) -> f64, width: f64, gap: f64) -> Vec<f64> {
        let mut cx = vec![0.0f64; self.kind.len()];
        let depth = self.rungs.len();
        for pass in 0..4 {
            let seq: Vec<usize> = match pass {
                0 => (0..depth).collect(),
                1 | 3 => (1..depth).collect(),
                _ => (0..depth.saturating_sub(1)).rev().collect(),
            };
            for r in seq {
                let near = if pass == 2 { &self.up } else { &self.down };
                let row = &self.rungs[r];
                let ws: Vec<f64> = row.iter().map(|&x| w_of(x)).collect();
                let wanted: Vec<f64> = row
                    .iter()
                    .map(|&x| {
                        let ns = &near[x];
                        if pass == 0 {
                            width / 2.0
                        } else if self.alone(x) {
                            width
                        } else if ns.is_empty() {
                            cx[x]
                        } else {
                            ns.iter().map(|&u| cx[u]).sum::<f64>() / ns.len() as f64
                        }
                    })
                    .collect();
                for (k, c) in place(&ws, &wanted, gap, PAD, width - PAD)
                    .into_iter()
                    .enumerate()
                {
                    cx[row[k]] = c;
                }
            }
        }
        cx
    }

    /// The `<desc>`: where each entry leads, then the unconnected ones.
    fn describe(&self, nodes: &[LadderNode], words: &super::ChartWords) -> String {
        let mut desc: Vec<String> = Vec::new();
        for (i, n) in nodes.iter().enumerate() {
            let next: Vec<&str> = self
                .chains
                .iter()
                .filter(|c| c[0] == i)
                .filter_map(|c| c.last())
                .map(|&b| nodes[b].title.as_str())
                .collect();
            if !next.is_empty() {
                desc.push(
                    words
                        .leads_to
                        .replace("{from}", &n.title)
                        .replace("{to}", &next.join(&words.or)),
                );
            }
        }
        let alone: Vec<&str> = (0..nodes.len())
            .filter(|&i| self.alone(i))
            .map(|i| nodes[i].title.as_str())
            .collect();
        if !alone.is_empty() {
            desc.push(words.not_linked.replace("{list}", &alone.join(", ")));
        }
        desc.join("; ")
    }

    /// Where an edge between `x` and `other` meets `x`'s box (on top when
    /// `up`): edges are spread along the side in the order of their other
    /// ends, so that arrows do not pile up.
    fn port(&self, cx: &[f64], box_w: f64, x: usize, other: usize, up: bool) -> f64 {
        let mut ends: Vec<usize> = if up { &self.up[x] } else { &self.down[x] }.clone();
        ends.sort_by(|a, b| cx[*a].total_cmp(&cx[*b]));
        let n = ends.len() as f64;
        let step = match self.kind[x] {
            Vertex::Pass => 0.0,
            Vertex::Entry(_) => (box_w * 0.6 / n).min(14.0),
        };
        ends.iter()
            .position(|&u| u == other)
            .map_or(cx[x], |k| cx[x] + (k as f64 - (n - 1.0) / 2.0) * step)
    }
}

/// Draws a ladder for `v`. `nodes` must have no cycle; every node is drawn,
/// those with no edge on the bottom rung.
pub(super) fn draw(
    id: &str,
    title: &str,
    nodes: &[LadderNode],
    v: &Variant,
    words: &super::ChartWords,
) -> String {
    let g = Layered::new(nodes);
    let box_w = g.box_width(nodes, v);
    let w_of = |x: usize| match g.kind[x] {
        Vertex::Entry(_) => box_w,
        Vertex::Pass => SLOT,
    };
    let lines: Vec<Vec<String>> = nodes
        .iter()
        .map(|n| wrap(&n.title, box_w - 2.0 * INSET, LABEL_PX))
        .collect();
    let width = g
        .rungs
        .iter()
        .map(|r| {
            2.0 * PAD
                + r.iter().map(|&x| w_of(x)).sum::<f64>()
                + r.len().saturating_sub(1) as f64 * v.gap
        })
        .fold(0.0, f64::max)
        .ceil();
    let cx = g.across(&w_of, width, v.gap);
    // Down the page: the top rung first; a rung is as tall as its
    // tallest label.
    let depth = g.rungs.len();
    let rung_h: Vec<f64> = g
        .rungs
        .iter()
        .map(|r| {
            let most = r
                .iter()
                .filter_map(|&x| match g.kind[x] {
                    Vertex::Entry(i) => Some(lines[i].len()),
                    Vertex::Pass => None,
                })
                .max()
                .unwrap_or(1);
            most as f64 * LINE_H + 2.0 * INSET + 6.0
        })
        .collect();
    let mut top = vec![0.0f64; depth];
    let mut y = PAD;
    for r in (0..depth).rev() {
        top[r] = y;
        y += rung_h[r] + RUNG_GAP;
    }
    let height = (y - RUNG_GAP + PAD).max(2.0 * PAD).ceil();

    let mut svg = svg_open(
        "ladder",
        id,
        title,
        &g.describe(nodes, words),
        width,
        height,
        v,
    );
    svg.push_str(&format!(
        "<defs><marker id=\"{id}{sfx}-arrow\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto-start-reverse\"><path class=\"chart-arrow\" d=\"M0 0L10 5L0 10z\"/></marker></defs>\n",
        sfx = v.suffix
    ));
    for chain in &g.chains {
        let mut d = String::new();
        for (k, w) in chain.windows(2).enumerate() {
            let (a, b) = (w[0], w[1]);
            let (x1, y1) = (g.port(&cx, box_w, a, b, true), top[g.rung[a]]);
            let x2 = g.port(&cx, box_w, b, a, false);
            // The last segment stops a pixel short, for the arrow's tip.
            let end = if k == chain.len() - 2 { 1.0 } else { 0.0 };
            let y2 = top[g.rung[b]] + rung_h[g.rung[b]] + end;
            let my = (y1 + y2) / 2.0;
            // Through a rung the edge passes, in its own slot.
            d.push_str(&format!(
                "{}{x1:.1} {y1:.1}",
                if k == 0 { 'M' } else { 'L' }
            ));
            d.push_str(&format!("C{x1:.1} {my:.1} {x2:.1} {my:.1} {x2:.1} {y2:.1}"));
        }
        svg.push_str(&format!(
            "<path class=\"chart-edge\" d=\"{d}\" marker-end=\"url(#{id}{}-arrow)\"/>\n",
            v.suffix
        ));
    }
    // Boxes in reading order (top rung first, left to right), which is
    // also the keyboard's order.
    for r in (0..depth).rev() {
        let mut row: Vec<usize> = g.rungs[r]
            .iter()
            .filter_map(|&x| match g.kind[x] {
                Vertex::Entry(i) => Some(i),
                Vertex::Pass => None,
            })
            .collect();
        row.sort_by(|a, b| cx[*a].total_cmp(&cx[*b]));
        for i in row {
            let (x, y) = (cx[i] - box_w / 2.0, top[r]);
            svg.push_str(&format!(
                "<a href=\"{}\"><rect class=\"chart-node\" x=\"{x:.1}\" y=\"{y:.1}\" width=\"{box_w}\" height=\"{:.1}\" rx=\"8\"/>{}</a>\n",
                escape_attr(&nodes[i].url),
                rung_h[r],
                text("chart-label", &lines[i], cx[i], y + rung_h[r] / 2.0, "middle")
            ));
        }
    }
    svg.push_str("</svg>");
    svg
}

#[cfg(test)]
mod tests {
    use super::super::tests::node;
    use super::*;

    #[test]
    fn boxes_keep_their_order_and_gap_and_settle_near_their_wish() {
        let c = place(&[10.0, 10.0], &[50.0, 50.0], 4.0, 0.0, 100.0);
        assert_eq!(c, [43.0, 57.0]);
        // Far apart: each where it wants.
        let c = place(&[10.0, 10.0], &[20.0, 80.0], 4.0, 0.0, 100.0);
        assert_eq!(c, [20.0, 80.0]);
        // Against the edges: pushed inside, order kept.
        let c = place(&[10.0, 10.0, 10.0], &[0.0, 0.0, 0.0], 2.0, 0.0, 100.0);
        assert_eq!(c, [5.0, 17.0, 29.0]);
        let c = place(&[10.0, 10.0], &[100.0, 100.0], 2.0, 0.0, 100.0);
        assert_eq!(c, [83.0, 95.0]);
    }

    #[test]
    fn long_edges_pass_rungs_in_slots_and_crossings_are_undone() {
        // a -> b -> c and a -> c: the edge a -> c passes rung 1.
        let g = Layered::new(&[node("a", &["b", "c"]), node("b", &["c"]), node("c", &[])]);
        assert_eq!(g.rungs.len(), 3);
        assert_eq!(g.rungs[1].len(), 2, "b and the slot of a -> c");
        assert_eq!(g.chains.iter().map(Vec::len).max(), Some(3));
        // Two crossing pairs in page order are untangled.
        let g = Layered::new(&[
            node("x", &["q"]),
            node("y", &["p"]),
            node("p", &[]),
            node("q", &[]),
        ]);
        assert_eq!(g.crossings(), 0);
    }
}
