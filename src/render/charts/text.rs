//! Text in a chart: SVG cannot wrap, so labels are measured and broken
//! into lines at build time. The widths are estimates for a sans-serif
//! system font, chosen on the wide side (DejaVu Sans, the widest common
//! default) so that a label fits its box in any browser.

use crate::html::escape_attr;

/// Font size of node and bar labels, in CSS px (the theme sets the same).
pub const LABEL_PX: f64 = 13.0;
/// Font size of axis ticks and values, in CSS px.
pub const SMALL_PX: f64 = 12.0;
/// Distance between two lines of a label.
pub const LINE_H: f64 = 16.0;

/// Estimated advance of one character, in ems.
fn advance(c: char) -> f64 {
    match c {
        ' ' | 'i' | 'j' | 'l' | '.' | ',' | ':' | ';' | '\'' | '|' | '!' => 0.32,
        'f' | 't' | 'r' | 'I' | '(' | ')' | '[' | ']' | '/' | '-' => 0.42,
        'm' | 'w' => 0.92,
        'M' | 'W' => 0.98,
        '–' | '—' => 0.62,
        'A'..='Z' | '&' | '%' | '@' | '#' => 0.74,
        '0'..='9' => 0.64,
        'a'..='z' => 0.6,
        // Anything else (accents, other scripts, CJK) as a wide letter.
        _ => 1.0,
    }
}

/// The estimated width of `s` at `px`.
pub fn width(s: &str, px: f64) -> f64 {
    s.chars().map(advance).sum::<f64>() * px
}

/// The width of the widest word of `s`: no box can be narrower.
pub fn widest_word(s: &str, px: f64) -> f64 {
    s.split_whitespace()
        .map(|w| width(w, px))
        .fold(0.0, f64::max)
}

/// Breaks `s` into lines no wider than `max` at its spaces. Words are
/// never cut and nothing is left out: a word wider than `max` gets a line
/// of its own.
pub fn wrap(s: &str, max: f64, px: f64) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in s.split_whitespace() {
        if line.is_empty() {
            line.push_str(word);
        } else if width(&line, px) + width(" ", px) + width(word, px) <= max {
            line.push(' ');
            line.push_str(word);
        } else {
            lines.push(std::mem::take(&mut line));
            line.push_str(word);
        }
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

/// A `<text>` of `lines` centred on `(x, y)` (each line's middle), with
/// `anchor` as its SVG text-anchor.
pub fn text(class: &str, lines: &[String], x: f64, y: f64, anchor: &str) -> String {
    let first = y - (lines.len() as f64 - 1.0) * LINE_H / 2.0;
    let mut out = format!("<text class=\"{class}\" text-anchor=\"{anchor}\">");
    for (k, line) in lines.iter().enumerate() {
        out.push_str(&format!(
            "<tspan x=\"{x:.1}\" y=\"{:.1}\" dominant-baseline=\"central\">{}</tspan>",
            first + k as f64 * LINE_H,
            escape_attr(line)
        ));
    }
    out.push_str("</text>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrapping_keeps_every_word_and_respects_the_width() {
        let label = "Group / Principal Product Manager";
        let lines = wrap(label, 110.0, LABEL_PX);
        assert_eq!(lines.join(" "), label);
        assert!(lines.len() > 1);
        for line in &lines {
            assert!(
                width(line, LABEL_PX) <= 110.0 || !line.contains(' '),
                "{line}"
            );
        }
        // A word wider than the line stands alone rather than being cut.
        assert_eq!(
            wrap("a Supercalifragilistic b", 40.0, LABEL_PX),
            ["a", "Supercalifragilistic", "b"]
        );
        assert_eq!(wrap("", 40.0, LABEL_PX), [""]);
        assert_eq!(wrap("  two   spaces ", 400.0, LABEL_PX), ["two spaces"]);
    }

    #[test]
    fn widths_grow_with_the_text_and_the_size() {
        assert!(width("WWW", 13.0) > width("iii", 13.0) * 2.0);
        assert!((width("abc", 26.0) - 2.0 * width("abc", 13.0)).abs() < 1e-9);
        assert_eq!(widest_word("Agile Coach", 10.0), width("Coach", 10.0));
    }

    #[test]
    fn multi_line_text_is_centred_on_its_point() {
        let svg = text(
            "l",
            &["One".into(), "Two & more".into()],
            50.0,
            100.0,
            "middle",
        );
        assert_eq!(
            svg,
            "<text class=\"l\" text-anchor=\"middle\"><tspan x=\"50.0\" y=\"92.0\" dominant-baseline=\"central\">One</tspan><tspan x=\"50.0\" y=\"108.0\" dominant-baseline=\"central\">Two &amp; more</tspan></text>"
        );
    }
}
