//! Math: `$...$` inline and `$$...$$` display, as pulldown-cmark finds
//! them (its rules keep prices such as "$90k to $120k" as text: an opening
//! `$` must not be followed by a space, a closing one must not be preceded
//! by a space or followed by a digit), rendered to MathML Core at build
//! time by `math-core`: no script and no font to load in the browser.

use std::sync::LazyLock;

use math_core::{LatexToMathML, MathCoreConfig, MathDisplay};

/// Whether inline math ending at byte `end` of `text` is prices instead:
/// Pandoc's rule on top of pulldown-cmark's, a closing `$` followed by a
/// digit closes nothing ("$90k-$120k").
pub(crate) fn is_prices(text: &str, end: usize) -> bool {
    text.as_bytes().get(end).is_some_and(u8::is_ascii_digit)
}

/// One converter for the whole build (it holds no state between formulas).
static CONVERTER: LazyLock<Option<LatexToMathML>> =
    LazyLock::new(|| LatexToMathML::new(MathCoreConfig::default()).ok());

/// The MathML of LaTeX `tex`, as a block (`display`) or in the line; or
/// the byte offset in `tex` of the problem and its message.
pub(crate) fn to_mathml(tex: &str, display: bool) -> Result<String, (usize, String)> {
    let Some(converter) = CONVERTER.as_ref() else {
        return Err((0, "the math converter could not start".to_string()));
    };
    let mode = if display {
        MathDisplay::Block
    } else {
        MathDisplay::Inline
    };
    converter
        .convert_with_local_state(tex, mode)
        .map(|r| r.mathml)
        .map_err(|e| {
            (
                e.0.start.min(tex.len()),
                format!("in math `{}`: {}", shorten(tex), e.error_message()),
            )
        })
}

/// `tex` on one line, cut to 60 characters.
fn shorten(tex: &str) -> String {
    let flat = tex.split_whitespace().collect::<Vec<_>>().join(" ");
    match flat.char_indices().nth(60) {
        Some((at, _)) => format!("{}…", &flat[..at]),
        None => flat,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_become_mathml() {
        let m = to_mathml(r"CLV = ARPU \times L", false).unwrap();
        assert!(
            m.starts_with("<math><mi>C</mi>") && m.contains(">×</mo>"),
            "{m}"
        );
        let m = to_mathml(r"\frac{a}{b}", true).unwrap();
        assert!(
            m.starts_with("<math display=\"block\">") && m.contains("<mfrac>"),
            "{m}"
        );
    }

    #[test]
    fn errors_name_the_problem_and_where() {
        let (at, msg) = to_mathml(r"x + \foo{y}", false).unwrap_err();
        assert_eq!(at, 4);
        assert!(msg.contains(r#"Unknown command "\foo""#), "{msg}");
        let (at, msg) = to_mathml(r"\frac{a}{", false).unwrap_err();
        assert_eq!(at, 9);
        assert!(msg.contains("closing"), "{msg}");
    }
}
