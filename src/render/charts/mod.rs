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

//! Charts drawn at build time as inline, accessible SVG (no JavaScript):
//!
//! - `ladder` ([`ladder`]): a layered diagram over a `refs` (or `ref`)
//!   field that points into its own collection, such as `next_roles`,
//!   read upward; every node links to its entry. A cycle is an error that
//!   names the entries in it.
//! - `range` ([`range`]): horizontal bars of each entry's `range` field on
//!   one shared axis, with the values and the unit written out.
//!
//! Each chart is drawn twice, for a wide box (up to [`WIDE`] px) and a
//! narrow one (up to [`NARROW`] px, a phone), and the theme shows the one
//! that fits: a chart is laid out for the width it gets instead of being
//! scaled down, so its text keeps its size. Labels wrap, never cut.
//! Every chart has a `<title>` and a `<desc>` that says in words what it
//! shows, and uses the theme's colours through CSS classes, so it follows
//! dark mode. Pure: entries in, SVG text out.

mod ladder;
mod range;
mod text;

use serde::Serialize;

use crate::html::escape_attr;
use crate::site::LadderNode;

/// The widest a chart is drawn (it fits the reading column).
pub const WIDE: f64 = 640.0;
/// The width of the phone drawing (a 360 px screen less its margins).
pub const NARROW: f64 = 320.0;
/// Space around a drawing.
const PAD: f64 = 12.0;

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
    /// The range goes on above `max`: drawn with an arrowhead, written
    /// "180k+".
    pub max_open: bool,
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
    /// The SVG element for a box of at least [`WIDE`] px.
    pub svg: String,
    /// The same chart laid out for a phone ([`NARROW`] px).
    pub svg_narrow: String,
}

/// One of the two drawings.
pub(crate) struct Variant {
    /// The width to lay out for.
    max_width: f64,
    /// A phone: labels above bars, less space between boxes.
    narrow: bool,
    /// Space between boxes on a rung.
    gap: f64,
    /// Class of the `<svg>` and suffix of its ids.
    class: &'static str,
    suffix: &'static str,
}

const VARIANTS: [Variant; 2] = [
    Variant {
        max_width: WIDE,
        narrow: false,
        gap: 20.0,
        class: "chart-wide",
        suffix: "",
    },
    Variant {
        max_width: NARROW,
        narrow: true,
        gap: 10.0,
        class: "chart-narrow",
        suffix: "-narrow",
    },
];

/// The `<svg>` start tag, title and description shared by all charts.
fn svg_open(
    kind: &str,
    id: &str,
    title: &str,
    desc: &str,
    width: f64,
    height: f64,
    v: &Variant,
) -> String {
    let id = format!("{id}{}", v.suffix);
    format!(
        "<svg class=\"chart chart-{kind} {class}\" role=\"group\" aria-labelledby=\"{id}-title {id}-desc\" viewBox=\"0 0 {width:.0} {height:.0}\" width=\"{width:.0}\" height=\"{height:.0}\" xmlns=\"http://www.w3.org/2000/svg\">\n<title id=\"{id}-title\">{}</title>\n<desc id=\"{id}-desc\">{}.</desc>\n",
        escape_attr(title),
        escape_attr(desc),
        class = v.class,
    )
}

/// The words of a ladder's description (its `<desc>`), in the page's
/// language: `{from} leads to {to}`, the `or` between targets, and
/// `not linked: {list}`.
#[derive(Debug, Clone)]
pub struct ChartWords {
    /// "{from} leads to {to}".
    pub leads_to: String,
    /// " or ".
    pub or: String,
    /// "not linked: {list}".
    pub not_linked: String,
}

impl Default for ChartWords {
    fn default() -> Self {
        ChartWords {
            leads_to: "{from} leads to {to}".into(),
            or: " or ".into(),
            not_linked: "not linked: {list}".into(),
        }
    }
}

impl ChartWords {
    /// The words of the theme's `i18n` (`chart_leads_to`, `chart_or`,
    /// `chart_not_linked`), English where a key is missing.
    pub(crate) fn from_words(words: &crate::render::i18n::Strings) -> Self {
        let mut w = ChartWords::default();
        let get = |k: &str| words.get(k).and_then(|v| v.as_str()).map(String::from);
        if let Some(s) = get("chart_leads_to") {
            w.leads_to = s;
        }
        if let Some(s) = get("chart_or") {
            w.or = format!(" {} ", s.trim());
        }
        if let Some(s) = get("chart_not_linked") {
            w.not_linked = s;
        }
        w
    }
}

/// Draws a ladder, wide and narrow. `nodes` (the entries of the
/// collection) must have no cycle; all of them are drawn.
pub fn ladder(id: &str, title: &str, nodes: &[LadderNode], words: &ChartWords) -> (String, String) {
    let [wide, narrow] = VARIANTS
        .each_ref()
        .map(|v| ladder::draw(id, title, nodes, v, words));
    (wide, narrow)
}

/// Draws a range chart, wide and narrow.
pub fn ranges(id: &str, title: &str, unit: Option<&str>, bars: &[RangeBar]) -> (String, String) {
    let [wide, narrow] = VARIANTS
        .each_ref()
        .map(|v| range::draw(id, title, unit, bars, v));
    (wide, narrow)
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use crate::site::find_cycle;

    /// A ladder node `slug` (titled in capitals) leading to `next`.
    pub(in crate::render::charts) fn node(slug: &str, next: &[&str]) -> LadderNode {
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
        let (svg, narrow) = ladder("c1", "Career <ladder>", &nodes, &ChartWords::default());
        assert!(narrow.contains("class=\"chart chart-ladder chart-narrow\""));
        assert!(narrow.contains("<title id=\"c1-narrow-title\">"));
        assert!(svg.starts_with(
            "<svg class=\"chart chart-ladder chart-wide\" role=\"group\" aria-labelledby=\"c1-title c1-desc\""
        ));
        assert!(svg.contains("<title id=\"c1-title\">Career &lt;ladder&gt;</title>"));
        assert!(
            svg.contains("<desc id=\"c1-desc\">PM leads to SPM or PO; not linked: ALONE.</desc>")
        );
        assert!(svg.contains("<a href=\"/roles/spm/\">"));
        assert!(
            svg.contains(">ALONE<"),
            "entries without edges are drawn too"
        );
        assert_eq!(svg.matches("class=\"chart-edge\"").count(), 2);
        // The ladder reads upward: PM below what it leads to.
        let y = |slug: &str| {
            let at = svg.find(&format!("href=\"/roles/{slug}/\"")).unwrap();
            let rest = &svg[at..];
            let y0 = rest.find(" y=\"").unwrap() + 4;
            rest[y0..y0 + rest[y0..].find('"').unwrap()]
                .parse::<f64>()
                .unwrap()
        };
        assert!(y("pm") > y("spm"));
    }

    #[test]
    fn range_chart_has_axis_and_text_alternative() {
        let bars = [
            RangeBar {
                title: "PO".into(),
                url: "/po/".into(),
                min: 90_000.0,
                max: 120_000.0,
                max_open: false,
            },
            RangeBar {
                title: "PM".into(),
                url: "/pm/".into(),
                min: 110_000.0,
                max: 150_000.0,
                max_open: false,
            },
        ];
        let (svg, narrow) = ranges("s", "Salaries", Some("USD"), &bars);
        assert!(narrow.contains(">90k–120k<"), "values are written out");
        assert!(svg.contains(
            "<desc id=\"s-desc\">PO: 90,000–120,000 USD; PM: 110,000–150,000 USD.</desc>"
        ));
        assert!(svg.contains(">100k</text>"));
        assert_eq!(svg.matches("class=\"chart-bar\"").count(), 2);
    }
}
