//! `[images]` in site.toml: the widths images are resized to, their
//! quality and formats, and whether pages get share cards; and each
//! collection's `card_fields`.

use serde::Deserialize;
use toml::Spanned;

use super::raw::RawCollection;
use super::schema::{Collection, FieldType, Resolver};
use crate::diagnostics::did_you_mean;

/// The widths an image is resized to when site.toml names none.
pub const DEFAULT_WIDTHS: [u32; 4] = [480, 800, 1200, 1600];

/// The `sizes` attribute when site.toml gives none: the default theme's
/// text column (46rem at most, less its padding on a phone).
pub const DEFAULT_SIZES: &str = "(min-width: 48rem) 46rem, calc(100vw - 2rem)";

/// How images are processed, and whether pages get share cards.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageSettings {
    /// The widths (ascending) an image is resized to; widths above the
    /// image's own are left out (never upscaled).
    pub widths: Vec<u32>,
    /// JPEG quality, 1 to 100.
    pub quality: u8,
    /// Whether a WebP copy of each width is written besides the original
    /// format (kept only where it is smaller).
    pub webp: bool,
    /// The `sizes` attribute of resized images.
    pub sizes: String,
    /// Whether every page gets a share card (`og:image`).
    pub cards: bool,
}

impl Default for ImageSettings {
    fn default() -> Self {
        ImageSettings {
            widths: DEFAULT_WIDTHS.to_vec(),
            quality: 80,
            webp: true,
            sizes: DEFAULT_SIZES.to_string(),
            cards: true,
        }
    }
}

/// `[images]` as serde reads it.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawImages {
    pub(super) widths: Option<Spanned<Vec<Spanned<i64>>>>,
    pub(super) quality: Option<Spanned<i64>>,
    pub(super) webp: Option<bool>,
    pub(super) sizes: Option<Spanned<String>>,
    pub(super) cards: Option<bool>,
}

/// The largest width cairn resizes to.
const MAX_WIDTH: i64 = 8192;

impl Resolver<'_> {
    /// `[images]`, each mistake at its place.
    pub(super) fn images(&mut self, raw: &RawImages) -> ImageSettings {
        let mut s = ImageSettings::default();
        if let Some(widths) = &raw.widths {
            if widths.get_ref().is_empty() {
                self.push_at(widths.span(), "`widths` needs at least one width");
            }
            let mut seen: Vec<u32> = Vec::new();
            for w in widths.get_ref() {
                match u32::try_from(*w.get_ref()) {
                    Ok(v) if (16..=MAX_WIDTH).contains(&i64::from(v)) => {
                        if seen.contains(&v) {
                            self.push_at(w.span(), format!("width {v} is listed twice"));
                        }
                        seen.push(v);
                    }
                    _ => self.push_at(
                        w.span(),
                        format!(
                            "width {} is out of range (16 to {MAX_WIDTH} pixels)",
                            w.get_ref()
                        ),
                    ),
                }
            }
            seen.sort_unstable();
            seen.dedup();
            if !seen.is_empty() {
                s.widths = seen;
            }
        }
        if let Some(q) = &raw.quality {
            match u8::try_from(*q.get_ref()) {
                Ok(v) if (1..=100).contains(&v) => s.quality = v,
                _ => self.push_at(
                    q.span(),
                    format!("`quality` must be 1 to 100, got {}", q.get_ref()),
                ),
            }
        }
        if let Some(sizes) = &raw.sizes {
            let v = sizes.get_ref().trim();
            if v.is_empty() || v.contains(['"', '<', '>']) {
                self.push_at(
                    sizes.span(),
                    "`sizes` must be a CSS sizes list such as \"(min-width: 48rem) 46rem, 100vw\"",
                );
            } else {
                s.sizes = v.to_string();
            }
        }
        s.webp = raw.webp.unwrap_or(true);
        s.cards = raw.cards.unwrap_or(true);
        s
    }

    /// A collection's `card_fields`: the fields its share cards show.
    /// Without the key, the first three short typed fields (enum, range,
    /// number, date, ref).
    pub(super) fn card_fields(&mut self, coll: &RawCollection, c: &Collection) -> Vec<String> {
        let Some(names) = &coll.card_fields else {
            return c
                .fields
                .iter()
                .filter(|f| {
                    matches!(
                        f.ty,
                        FieldType::Enum
                            | FieldType::Range
                            | FieldType::Int
                            | FieldType::Float
                            | FieldType::Date
                            | FieldType::Ref
                    )
                })
                .take(3)
                .map(|f| f.name.clone())
                .collect();
        };
        let mut out = Vec::new();
        for n in names {
            if c.field(n.get_ref()).is_some() {
                out.push(n.get_ref().clone());
                continue;
            }
            let mut msg = format!(
                "`card_fields` names `{}`, which is not a field of `{}`",
                n.get_ref(),
                c.name
            );
            if let Some(s) = did_you_mean(n.get_ref(), c.fields.iter().map(|f| f.name.as_str())) {
                msg.push_str(&format!(" (did you mean `{s}`?)"));
            }
            self.push_at(n.span(), msg);
        }
        if out.len() > 4 {
            self.push_at(
                names[4].span(),
                "`card_fields` takes at most four fields (a card has room for no more)",
            );
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use crate::config::Config;

    fn errors(text: &str) -> Vec<String> {
        match Config::parse(
            &format!("title = \"T\"\nbase_url = \"https://x.org/\"\n{text}"),
            Path::new("/s"),
        ) {
            Ok(_) => Vec::new(),
            Err(ds) => ds
                .sorted()
                .iter()
                .map(|d| d.to_string().lines().next().unwrap().to_string())
                .collect(),
        }
    }

    #[test]
    fn defaults_without_the_table() {
        let c = Config::parse(
            "title = \"T\"\nbase_url = \"https://x.org/\"\n",
            Path::new("/s"),
        )
        .unwrap();
        assert_eq!(c.images.widths, [480, 800, 1200, 1600]);
        assert_eq!(c.images.quality, 80);
        assert!(c.images.webp && c.images.cards);
    }

    #[test]
    fn widths_are_sorted_and_checked_at_their_place() {
        let c = Config::parse(
            "title = \"T\"\nbase_url = \"https://x.org/\"\n[images]\nwidths = [900, 300]\ncards = false\nquality = 70\n",
            Path::new("/s"),
        )
        .unwrap();
        assert_eq!(c.images.widths, [300, 900]);
        assert!(!c.images.cards);
        assert_eq!(c.images.quality, 70);
        assert_eq!(
            errors("[images]\nwidths = [300, 300, 0, 99999]\nquality = 101\n"),
            [
                "site.toml:4:16: width 300 is listed twice",
                "site.toml:4:21: width 0 is out of range (16 to 8192 pixels)",
                "site.toml:4:24: width 99999 is out of range (16 to 8192 pixels)",
                "site.toml:5:11: `quality` must be 1 to 100, got 101",
            ]
        );
        assert_eq!(
            errors("[images]\nwidths = []\nsizes = \"\"\n"),
            [
                "site.toml:4:10: `widths` needs at least one width",
                "site.toml:5:9: `sizes` must be a CSS sizes list such as \"(min-width: 48rem) 46rem, 100vw\"",
            ]
        );
    }

    #[test]
    fn card_fields_default_to_short_typed_fields_and_are_checked() {
        let head = "[collections.roles]\n";
        let fields = "[collections.roles.fields]\nsummary = { type = \"string\" }\nsalary = { type = \"range\" }\nskills = { type = \"list\" }\ntrack = { type = \"enum\", values = [\"a\"] }\n";
        let c = Config::parse(
            &format!("title = \"T\"\nbase_url = \"https://x.org/\"\n{head}{fields}"),
            Path::new("/s"),
        )
        .unwrap();
        assert_eq!(c.collections[0].card_fields, ["salary", "track"]);
        let c = Config::parse(
            &format!(
                "title = \"T\"\nbase_url = \"https://x.org/\"\n{head}card_fields = [\"summary\"]\n{fields}"
            ),
            Path::new("/s"),
        )
        .unwrap();
        assert_eq!(c.collections[0].card_fields, ["summary"]);
        assert_eq!(
            errors(&format!("{head}card_fields = [\"salry\"]\n{fields}")),
            [
                "site.toml:4:16: `card_fields` names `salry`, which is not a field of `roles` (did you mean `salary`?)"
            ]
        );
    }
}
