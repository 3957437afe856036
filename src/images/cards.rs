//! Share cards: the theme's `card.svg`, filled in per page, drawn to a
//! 1200 x 630 PNG with resvg using only the fonts the theme ships (no font
//! of the machine is looked up, so a card is the same on every machine).
//!
//! SVG text does not wrap: [`Fonts::fit`] breaks a title into lines with
//! the fonts' own glyph widths before the template places them.

use std::collections::{BTreeSet, HashSet};
use std::sync::{Arc, Mutex};

use resvg::usvg::fontdb;
use skrifa::MetadataProvider;
use skrifa::instance::{LocationRef, Size};

/// The size of a share card, as Open Graph recommends.
pub const CARD_WIDTH: u32 = 1200;
/// Its height.
pub const CARD_HEIGHT: u32 = 630;

/// Characters that are never drawn on their own: spaces, controls, soft
/// hyphens, joiners, direction marks and variation selectors.
fn invisible(c: char) -> bool {
    c.is_whitespace()
        || c.is_control()
        || matches!(
            c,
            '\u{ad}'
                | '\u{61c}'
                | '\u{200b}'..='\u{200f}'
                | '\u{202a}'..='\u{202e}'
                | '\u{2060}'..='\u{206f}'
                | '\u{fe00}'..='\u{fe0f}'
                | '\u{feff}'
                | '\u{e0100}'..='\u{e01ef}'
        )
}

/// The fonts cards are drawn with.
pub struct Fonts {
    db: Arc<fontdb::Database>,
    /// The first family loaded: what text without a `font-family` uses.
    family: String,
    /// A hash of every font file, part of each card's cache key.
    pub hash: String,
    /// Every character some font draws: ASCII in a table (most text),
    /// the rest in a set.
    ascii: [bool; 128],
    covered: HashSet<char>,
    /// Characters cards were to show that no font draws, and the cards.
    lacking: Mutex<(BTreeSet<char>, BTreeSet<String>)>,
}

/// Text broken into lines at a font size.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct TextBlock {
    /// The font size in pixels.
    pub size: f32,
    /// The lines, each narrower than the width asked for.
    pub lines: Vec<String>,
}

impl Fonts {
    /// The fonts of `files` (OpenType or TrueType data).
    pub fn new(files: Vec<Vec<u8>>) -> Fonts {
        let mut db = fontdb::Database::new();
        let parts: Vec<&[u8]> = files.iter().map(Vec::as_slice).collect();
        let hash = super::Cache::key(&parts);
        for f in files {
            db.load_font_data(f);
        }
        let family = db
            .faces()
            .next()
            .and_then(|f| f.families.first())
            .map(|(name, _)| name.clone())
            .unwrap_or_default();
        if !family.is_empty() {
            db.set_sans_serif_family(family.clone());
        }
        let (mut ascii, mut covered) = ([false; 128], HashSet::new());
        for face in db.faces() {
            db.with_face_data(face.id, |data, index| {
                let Ok(font) = skrifa::FontRef::from_index(data, index) else {
                    return;
                };
                for c in font
                    .charmap()
                    .mappings()
                    .filter_map(|(c, _)| char::from_u32(c))
                {
                    match c.is_ascii() {
                        true => ascii[c as usize] = true,
                        false => _ = covered.insert(c),
                    }
                }
            });
        }
        Fonts {
            db: Arc::new(db),
            family,
            hash,
            ascii,
            covered,
            lacking: Mutex::default(),
        }
    }

    /// Notes the characters of `texts` that no font draws, as lacking on
    /// the card `card`. Spaces and invisible characters (joiners,
    /// variation selectors) are never lacking.
    pub fn note_lacking<'a>(
        &self,
        texts: impl IntoIterator<Item = &'a str>,
        card: impl FnOnce() -> String,
    ) {
        let mut missing = texts
            .into_iter()
            .flat_map(str::chars)
            .filter(|&c| {
                let drawn = match c.is_ascii() {
                    true => self.ascii[c as usize],
                    false => self.covered.contains(&c),
                };
                !drawn && !invisible(c)
            })
            .peekable();
        if missing.peek().is_none() {
            return;
        }
        let mut lacking = self.lacking.lock().unwrap_or_else(|e| e.into_inner());
        lacking.0.extend(missing);
        lacking.1.insert(card());
    }

    /// The characters cards lacked, and the cards that lacked them, in
    /// order; `None` when every card was drawn whole.
    pub fn lacking(&self) -> Option<(Vec<char>, Vec<String>)> {
        let lacking = self.lacking.lock().unwrap_or_else(|e| e.into_inner());
        (!lacking.0.is_empty()).then(|| {
            (
                lacking.0.iter().copied().collect(),
                lacking.1.iter().cloned().collect(),
            )
        })
    }

    /// Whether any font loaded.
    pub fn is_empty(&self) -> bool {
        self.db.is_empty()
    }

    /// The width of `text` at `size` pixels, in the heaviest face of at
    /// least weight 600 with `bold`, else the lightest face of at least
    /// 400; characters a face lacks count as the width of an `n`.
    pub fn width(&self, text: &str, size: f32, bold: bool) -> f32 {
        let face = self
            .db
            .faces()
            .filter(|f| (f.weight.0 >= 600) == bold)
            .min_by_key(|f| f.weight.0.abs_diff(if bold { 700 } else { 400 }))
            .or_else(|| self.db.faces().next());
        let Some(face) = face else {
            return text.chars().count() as f32 * size * 0.55;
        };
        self.db
            .with_face_data(face.id, |data, index| {
                let font = skrifa::FontRef::from_index(data, index).ok()?;
                let charmap = font.charmap();
                let metrics = font.glyph_metrics(Size::new(size), LocationRef::default());
                let fallback = charmap
                    .map('n')
                    .and_then(|g| metrics.advance_width(g))
                    .unwrap_or(size * 0.55);
                Some(
                    text.chars()
                        .map(|c| {
                            charmap
                                .map(c)
                                .and_then(|g| metrics.advance_width(g))
                                .unwrap_or(fallback)
                        })
                        .sum(),
                )
            })
            .flatten()
            .unwrap_or(text.chars().count() as f32 * size * 0.55)
    }

    /// `text` in lines no wider than `width` at `size`, breaking at
    /// spaces (a word wider than a line stays whole on its own line).
    pub fn wrap(&self, text: &str, size: f32, width: f32, bold: bool) -> Vec<String> {
        let mut lines: Vec<String> = Vec::new();
        let mut line = String::new();
        for word in text.split_whitespace() {
            let candidate = if line.is_empty() {
                word.to_string()
            } else {
                format!("{line} {word}")
            };
            if line.is_empty() || self.width(&candidate, size, bold) <= width {
                line = candidate;
            } else {
                lines.push(std::mem::replace(&mut line, word.to_string()));
            }
        }
        if !line.is_empty() {
            lines.push(line);
        }
        lines
    }

    /// `text` at the largest of `sizes` (largest first) that fits in
    /// `max_lines` lines of `width`; else at the smallest, its last line
    /// cut with an ellipsis.
    pub fn fit(
        &self,
        text: &str,
        sizes: &[f32],
        width: f32,
        max_lines: usize,
        bold: bool,
    ) -> TextBlock {
        let mut last = TextBlock {
            size: sizes.last().copied().unwrap_or(32.0),
            lines: Vec::new(),
        };
        for &size in sizes {
            let lines = self.wrap(text, size, width, bold);
            if lines.len() <= max_lines {
                return TextBlock { size, lines };
            }
            last = TextBlock { size, lines };
        }
        last.lines.truncate(max_lines.max(1));
        if let Some(l) = last.lines.last_mut() {
            while !l.is_empty() && self.width(&format!("{l}…"), last.size, bold) > width {
                l.pop();
            }
            *l = format!("{}…", l.trim_end());
        }
        last
    }

    /// Draws `svg` as a card: a 1200 x 630 PNG (the drawing scaled to
    /// fill it), with `texts` as its text chunks (`Title`,
    /// `Description`...), so that tools and tests can read what it says.
    pub fn rasterise(&self, svg: &str, texts: &[(&str, &str)]) -> Result<Vec<u8>, String> {
        use resvg::tiny_skia::{Color, Pixmap, Transform};
        use resvg::usvg;
        let opts = usvg::Options {
            fontdb: self.db.clone(),
            font_family: self.family.clone(),
            ..usvg::Options::default()
        };
        let tree = usvg::Tree::from_str(svg, &opts).map_err(|e| e.to_string())?;
        let mut pixmap = Pixmap::new(CARD_WIDTH, CARD_HEIGHT).ok_or("cannot allocate the card")?;
        // Cards are opaque: drawn over white, so every pixel ends with full
        // alpha and premultiplied RGBA is plain RGBA.
        pixmap.fill(Color::WHITE);
        let size = tree.size();
        let scale = Transform::from_scale(
            CARD_WIDTH as f32 / size.width(),
            CARD_HEIGHT as f32 / size.height(),
        );
        resvg::render(&tree, scale, &mut pixmap.as_mut());
        // Dropping alpha is done by `image`, an optimised dependency even in
        // dev builds (a per-pixel loop here made test builds' cards slow).
        let rgba = image::RgbaImage::from_raw(CARD_WIDTH, CARD_HEIGHT, pixmap.take())
            .ok_or("the card's pixels do not fill it")?;
        let rgb = image::DynamicImage::ImageRgba8(rgba).into_rgb8().into_raw();
        encode_png(&rgb, texts)
    }
}

/// An RGB card as PNG, with text chunks.
fn encode_png(rgb: &[u8], texts: &[(&str, &str)]) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    let mut enc = png::Encoder::new(&mut out, CARD_WIDTH, CARD_HEIGHT);
    enc.set_color(png::ColorType::Rgb);
    enc.set_depth(png::BitDepth::Eight);
    enc.set_compression(png::Compression::Fast);
    for (k, v) in texts {
        // tEXt is Latin-1; iTXt (UTF-8) holds any text.
        enc.add_itxt_chunk((*k).to_string(), (*v).to_string())
            .map_err(|e| e.to_string())?;
    }
    let mut w = enc.write_header().map_err(|e| e.to_string())?;
    w.write_image_data(rgb).map_err(|e| e.to_string())?;
    w.finish().map_err(|e| e.to_string())?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fonts() -> Fonts {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default/fonts");
        Fonts::new(vec![
            std::fs::read(dir.join("Inter-Regular.otf")).unwrap(),
            std::fs::read(dir.join("Inter-Bold.otf")).unwrap(),
        ])
    }

    #[test]
    fn letters_no_font_has_are_noted_with_their_cards() {
        let f = fonts();
        f.note_lacking(
            [
                "Product Owner: Überblick — “quoted” 1 €",
                "\u{200b}\u{fe0f}\u{202b}\u{2067}\n",
            ],
            || "a".into(),
        );
        assert_eq!(f.lacking(), None);
        f.note_lacking(["Product Owner プロダクト", "🚀"], || {
            "content/b.md".into()
        });
        f.note_lacking(["ト"], || "/compare/x/".into());
        f.note_lacking(["fine"], || unreachable!("a card drawn whole is not named"));
        let (chars, cards) = f.lacking().unwrap();
        assert_eq!(chars, ['ク', 'ダ', 'ト', 'プ', 'ロ', '🚀']);
        assert_eq!(cards, ["/compare/x/", "content/b.md"]);
    }

    #[test]
    fn widths_grow_with_text_size_and_weight() {
        let f = fonts();
        let a = f.width("Product Manager", 40.0, false);
        assert!(a > 200.0 && a < 400.0, "{a}");
        assert!((f.width("Product Manager", 80.0, false) - 2.0 * a).abs() < 0.5);
        assert!(f.width("Product Manager", 40.0, true) > a);
    }

    #[test]
    fn titles_wrap_then_shrink_then_cut() {
        let f = fonts();
        let short = f.fit("NPS", &[72.0, 56.0], 1000.0, 3, true);
        assert_eq!((short.size, short.lines.len()), (72.0, 1));
        let long =
            "Product Manager vs Product Owner: who owns the backlog, the roadmap and the outcome";
        let t = f.fit(long, &[72.0, 56.0], 1000.0, 3, true);
        assert!(t.lines.len() <= 3, "{t:?}");
        for l in &t.lines {
            assert!(f.width(l, t.size, true) <= 1000.0, "{l}");
        }
        assert_eq!(t.lines.join(" "), long);
        let cut = f.fit(&long.repeat(3), &[72.0], 1000.0, 2, true);
        assert_eq!(cut.lines.len(), 2);
        assert!(cut.lines[1].ends_with('…'));
    }

    #[test]
    fn a_card_is_a_1200_by_630_png_with_its_text() {
        let f = fonts();
        let svg = r##"<svg xmlns="http://www.w3.org/2000/svg" width="1200" height="630"><rect width="1200" height="630" fill="#123"/><text x="60" y="300" font-size="80" fill="#fff" font-weight="700">Product Owner</text></svg>"##;
        let png = f.rasterise(svg, &[("Title", "Product Owner")]).unwrap();
        let decoder = png::Decoder::new(std::io::Cursor::new(&png));
        let mut reader = decoder.read_info().unwrap();
        let info = reader.info();
        assert_eq!((info.width, info.height), (1200, 630));
        assert_eq!(info.utf8_text[0].keyword, "Title");
        let mut buf = vec![0; reader.output_buffer_size().unwrap()];
        reader.next_frame(&mut buf).unwrap();
        // The text is drawn: pixels in its row are lighter than the
        // background's.
        let row = 280 * 1200 * 3;
        let light = buf[row..row + 1200 * 3]
            .chunks(3)
            .filter(|p| p[0] > 200)
            .count();
        assert!(light > 50, "{light}");
    }
}
