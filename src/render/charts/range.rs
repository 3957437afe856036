//! The range chart: a bar from each entry's lower to upper bound on one
//! shared axis, the values written beside the bar. Wide, labels sit in a
//! column on the left; narrow, each label sits on its own lines above its
//! bar so the bars keep the width.

use crate::html::escape_attr;
use crate::render::values::thousands;

use super::text::{LABEL_PX, LINE_H, SMALL_PX, text, width, wrap};
use super::{PAD, RangeBar, Variant, svg_open};

const BAR_H: f64 = 18.0;
/// Space between rows.
const ROW_GAP: f64 = 12.0;
/// The label column of the wide layout, at most.
const LABEL_COL: f64 = 190.0;

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

/// `120000` -> `120k`, for axis labels and values.
pub fn short(n: f64) -> String {
    if n.abs() >= 1_000_000.0 && (n / 1_000_000.0).fract() == 0.0 {
        format!("{}M", n / 1_000_000.0)
    } else if n.abs() >= 1000.0 && (n / 1000.0).fract() == 0.0 {
        format!("{}k", n / 1000.0)
    } else {
        thousands(n)
    }
}

/// The text written beside a bar ("180k+" for an open top).
fn value(b: &RangeBar) -> String {
    let plus = if b.max_open { "+" } else { "" };
    if b.min == b.max {
        format!("{}{plus}", short(b.min))
    } else {
        format!("{}–{}{plus}", short(b.min), short(b.max))
    }
}

/// The bar's values in full, for its tooltip and the chart's description.
fn full(b: &RangeBar, unit_sfx: &str) -> String {
    let plus = if b.max_open { "+" } else { "" };
    format!("{}–{}{plus}{unit_sfx}", thousands(b.min), thousands(b.max))
}

/// How far an open top's arrowhead reaches past the bar.
const ARROW: f64 = 9.0;

/// The shared axis: where the plot is and its round ticks.
struct Axis {
    ticks: Vec<f64>,
    plot_x: f64,
    plot_w: f64,
    widest_tick: f64,
}

impl Axis {
    /// Where value `n` is across the drawing.
    fn x(&self, n: f64) -> f64 {
        let (a0, a1) = (
            self.ticks.first().copied().unwrap_or(0.0),
            self.ticks.last().copied().unwrap_or(1.0),
        );
        let span = if a1 > a0 { a1 - a0 } else { 1.0 };
        self.plot_x + (n - a0) / span * self.plot_w
    }

    /// Grid lines over `bands` (vertical extents), tick labels at
    /// `axis_y` (every other one dropped while they would touch), and the
    /// unit after the last.
    fn draw(&self, bands: &[(f64, f64)], axis_y: f64, unit: Option<&str>, width_px: f64) -> String {
        let mut svg = String::new();
        let step_px = if self.ticks.len() > 1 {
            self.plot_w / (self.ticks.len() - 1) as f64
        } else {
            self.plot_w
        };
        let every = (1..=self.ticks.len().max(1))
            .find(|k| step_px * *k as f64 >= self.widest_tick + 6.0)
            .unwrap_or(1);
        for (k, t) in self.ticks.iter().enumerate() {
            for (y1, y2) in bands {
                svg.push_str(&format!(
                    "<line class=\"chart-grid\" x1=\"{0:.1}\" y1=\"{y1:.1}\" x2=\"{0:.1}\" y2=\"{y2:.1}\"/>",
                    self.x(*t)
                ));
            }
            if k % every == 0 {
                svg.push_str(&format!(
                    "<text class=\"chart-tick\" x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>",
                    self.x(*t),
                    axis_y + 16.0,
                    escape_attr(&short(*t))
                ));
            }
            svg.push('\n');
        }
        if let (Some(u), Some(last)) = (unit, self.ticks.last()) {
            svg.push_str(&format!(
                "<text class=\"chart-tick\" x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"start\">{}</text>\n",
                (self.x(*last) + self.widest_tick / 2.0 + 6.0).min(width_px - PAD - width(u, SMALL_PX)),
                axis_y + 16.0,
                escape_attr(u)
            ));
        }
        svg
    }
}

/// Draws a range chart for `v`.
pub(super) fn draw(
    id: &str,
    title: &str,
    unit: Option<&str>,
    bars: &[RangeBar],
    v: &Variant,
) -> String {
    let lo = bars.iter().map(|b| b.min).fold(f64::INFINITY, f64::min);
    let hi = bars.iter().map(|b| b.max).fold(f64::NEG_INFINITY, f64::max);
    let ticks = ticks(lo, hi);
    let values: Vec<String> = bars.iter().map(value).collect();
    let value_w = values
        .iter()
        .map(|s| width(s, SMALL_PX))
        .fold(0.0, f64::max)
        + 8.0
        + if bars.iter().any(|b| b.max_open) {
            ARROW
        } else {
            0.0
        };
    let unit_w = unit.map_or(0.0, |u| width(u, SMALL_PX) + 8.0);
    let inner = v.max_width - 2.0 * PAD;
    // Wide: labels in a column as wide as the longest needs; narrow:
    // above the bar, across the whole width.
    let beside = !v.narrow;
    let label_w = if beside {
        bars.iter()
            .map(|b| width(&b.title, LABEL_PX))
            .fold(0.0, f64::max)
            .clamp(60.0, LABEL_COL)
    } else {
        inner
    };
    let widest_tick = ticks
        .iter()
        .map(|t| width(&short(*t), SMALL_PX))
        .fold(0.0, f64::max);
    // Room for half the first tick's label left of the axis.
    let plot_x = PAD
        + if beside {
            label_w + 10.0
        } else {
            widest_tick / 2.0
        };
    let axis = Axis {
        plot_w: (v.max_width - PAD - plot_x - value_w.max(unit_w)).max(80.0),
        plot_x,
        ticks,
        widest_tick,
    };
    let x = |n: f64| axis.x(n);
    let labels: Vec<Vec<String>> = bars
        .iter()
        .map(|b| wrap(&b.title, label_w, LABEL_PX))
        .collect();

    let mut rows = String::new();
    // Narrow, grid lines run only beside the bars, not through the labels.
    let mut bands: Vec<(f64, f64)> = Vec::new();
    let mut y = PAD;
    let mut desc: Vec<String> = Vec::new();
    let unit_sfx = unit.map(|u| format!(" {u}")).unwrap_or_default();
    for ((b, lines), val) in bars.iter().zip(&labels).zip(&values) {
        let label_h = lines.len() as f64 * LINE_H;
        let (label_y, bar_y, row_h) = if beside {
            let h = label_h.max(BAR_H);
            (y + h / 2.0, y + (h - BAR_H) / 2.0, h)
        } else {
            (y + label_h / 2.0, y + label_h + 4.0, label_h + 4.0 + BAR_H)
        };
        bands.push((bar_y - ROW_GAP / 2.0, bar_y + BAR_H + ROW_GAP / 2.0));
        let (x1, x2) = (x(b.min), x(b.max).max(x(b.min) + 3.0));
        let (label_x, anchor) = if beside {
            (plot_x - 10.0, "end")
        } else {
            (PAD, "start")
        };
        desc.push(format!("{}: {}", b.title, full(b, &unit_sfx)));
        // An open top: an arrowhead past the bar's end, pointing on.
        let (arrow, value_x) = if b.max_open {
            (
                format!(
                    "<path class=\"chart-bar chart-open\" d=\"M{:.1} {bar_y:.1}l{ARROW} {:.1}l-{ARROW} {:.1}z\"/>",
                    x2 + 1.0,
                    BAR_H / 2.0,
                    BAR_H / 2.0
                ),
                x2 + 7.0 + ARROW,
            )
        } else {
            (String::new(), x2 + 6.0)
        };
        rows.push_str(&format!(
            "<a href=\"{}\">{}<rect class=\"chart-bar\" x=\"{x1:.1}\" y=\"{bar_y:.1}\" width=\"{:.1}\" height=\"{BAR_H}\" rx=\"4\"><title>{}: {}</title></rect>{arrow}{}</a>\n",
            escape_attr(&b.url),
            text("chart-label", lines, label_x, label_y, anchor),
            x2 - x1,
            escape_attr(&b.title),
            escape_attr(&full(b, &unit_sfx)),
            text("chart-value", std::slice::from_ref(val), value_x, bar_y + BAR_H / 2.0, "start"),
        ));
        y += row_h + ROW_GAP;
    }
    let axis_y = y - ROW_GAP + 6.0;
    let height = (axis_y + 22.0 + PAD).ceil();
    let width_px = v.max_width.ceil();

    let mut svg = svg_open("range", id, title, &desc.join("; "), width_px, height, v);
    if beside {
        bands = vec![(PAD, axis_y)];
    } else if let Some(last) = bands.last_mut() {
        last.1 = axis_y;
    }
    svg.push_str(&axis.draw(&bands, axis_y, unit, width_px));
    svg.push_str(&rows);
    svg.push_str("</svg>");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nice_ticks() {
        assert_eq!(
            ticks(90_000.0, 150_000.0),
            [80_000.0, 100_000.0, 120_000.0, 140_000.0, 160_000.0]
        );
        assert_eq!(ticks(0.0, 1.0).len(), 6);
        assert_eq!(ticks(5.0, 5.0), [5.0]);
    }

    #[test]
    fn values_are_short() {
        let bar = |min, max| RangeBar {
            title: String::new(),
            url: String::new(),
            min,
            max,
            max_open: false,
        };
        assert_eq!(value(&bar(90_000.0, 120_000.0)), "90k–120k");
        assert_eq!(value(&bar(2_000_000.0, 2_000_000.0)), "2M");
        assert_eq!(value(&bar(1.5, 97_500.0)), "1.5–97,500");
        let open = RangeBar {
            max_open: true,
            ..bar(140_000.0, 180_000.0)
        };
        assert_eq!(value(&open), "140k–180k+");
        assert_eq!(full(&open, " USD"), "140,000–180,000+ USD");
    }

    #[test]
    fn an_open_top_gets_an_arrowhead_past_its_bar() {
        let bars = [
            RangeBar {
                title: "PO".into(),
                url: "/po/".into(),
                min: 90_000.0,
                max: 120_000.0,
                max_open: false,
            },
            RangeBar {
                title: "Senior PM".into(),
                url: "/spm/".into(),
                min: 140_000.0,
                max: 180_000.0,
                max_open: true,
            },
        ];
        let (wide, narrow) = super::super::ranges("c", "Pay", Some("USD"), &bars);
        let svg = wide + &narrow;
        // One arrowhead per layout (wide and narrow), on the open bar only.
        assert_eq!(svg.matches("chart-open").count(), 2, "{svg}");
        assert!(svg.contains(">140k–180k+</tspan>"), "{svg}");
        assert!(svg.contains("Senior PM: 140,000–180,000+ USD"), "{svg}");
        assert!(svg.contains("PO: 90,000–120,000 USD"), "{svg}");
    }
}
