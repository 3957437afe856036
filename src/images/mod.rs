//! Images: the pictures pages show, resized at build time to the widths
//! of `[images]` (never upscaled) and written in their own format and as
//! WebP; and share cards, one PNG per page drawn from the theme's
//! `card.svg`.
//!
//! Work happens in two steps so that page bodies never wait for pixels:
//! while bodies render, [`Registry::picture`] reads only an image's
//! header and answers with the HTML (sizes and file names follow from the
//! header and the settings); once every body is rendered,
//! [`Registry::outputs`] resizes and encodes every image used, in
//! parallel, each result cached under `.cairn/cache/images/` by content
//! hash and settings, so that a build that changes no image does no image
//! work ([`process`]).

pub mod cards;
mod process;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use rayon::prelude::*;

use crate::config::{Config, ImageSettings};
use crate::diagnostics::Diagnostic;
use crate::html::escape_attr;
use crate::output::OutputFile;

pub use process::{CACHE_DIR, Cache};

/// What an image file is, as far as its processing goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Resized, and re-encoded as JPEG.
    Jpeg,
    /// Resized, and re-encoded as PNG.
    Png,
    /// Resized, and re-encoded as WebP (lossless).
    WebP,
    /// Copied as it is (SVG, GIF: animation and vectors survive).
    Passthrough,
}

impl Format {
    /// The format of a file, by its extension; `None` for what is not an
    /// image cairn knows.
    pub fn of(path: &str) -> Option<Format> {
        let ext = path.rsplit_once('.')?.1.to_ascii_lowercase();
        Some(match ext.as_str() {
            "jpg" | "jpeg" => Format::Jpeg,
            "png" => Format::Png,
            "webp" => Format::WebP,
            "svg" | "gif" => Format::Passthrough,
            _ => return None,
        })
    }

    fn ext(self) -> &'static str {
        match self {
            Format::Jpeg => "jpg",
            Format::Png => "png",
            Format::WebP | Format::Passthrough => "webp",
        }
    }
}

/// One resized copy of an image.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Variant {
    /// Its width and height in pixels.
    pub width: u32,
    /// Its height.
    pub height: u32,
    /// Its output path (`roles/photo-480w.jpg`).
    pub rel: String,
    /// Its format.
    pub format: Format,
}

/// An image a page shows: where it is, its size, and the copies made of
/// it.
#[derive(Debug, Clone)]
pub struct Plan {
    /// The file on disk.
    pub abs: PathBuf,
    /// Its output path (the file is copied there as it is).
    pub rel: String,
    /// Its format.
    pub format: Format,
    /// Its size in pixels (after its EXIF orientation).
    pub width: u32,
    /// Its height.
    pub height: u32,
    /// The copies in its own format, narrowest first (the original
    /// itself, unprocessed, where it is among the widths).
    pub own: Vec<Variant>,
    /// The WebP copies (empty where WebP is off or not worth it).
    pub webp: Vec<Variant>,
}

/// The widths to make of an image `width` pixels wide: the configured
/// widths below it, and its own width where it is not wider than the
/// widest configured one (never upscaled, never more than asked).
pub fn widths_for(width: u32, wanted: &[u32]) -> Vec<u32> {
    let max = wanted.iter().copied().max().unwrap_or(width);
    let mut out: Vec<u32> = wanted.iter().copied().filter(|&w| w < width).collect();
    if width <= max {
        out.push(width);
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// `roles/photo.jpg`, 480, `jpg` -> `roles/photo-480w.jpg`.
pub fn variant_rel(rel: &str, width: u32, ext: &str) -> String {
    let (stem, _) = rel.rsplit_once('.').unwrap_or((rel, ""));
    format!("{stem}-{width}w.{ext}")
}

/// The HTML attributes of one picture, ready to write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Picture {
    /// Root-relative URL of the fallback copy.
    pub src: String,
    /// `srcset` in the image's own format (empty for one copy).
    pub srcset: String,
    /// `srcset` of the WebP copies (empty without them).
    pub webp_srcset: String,
    /// `sizes`.
    pub sizes: String,
    /// Intrinsic width and height (of the fallback copy).
    pub width: u32,
    /// Its height.
    pub height: u32,
}

impl Picture {
    /// The `<picture>` (or plain `<img>`) element. `first_screen`: the
    /// image is likely seen without scrolling, so it is neither lazy nor
    /// decoded late.
    pub fn html(&self, alt: &str, title: &str, first_screen: bool) -> String {
        let mut img = format!(
            "<img src=\"{}\" width=\"{}\" height=\"{}\" alt=\"{}\"",
            escape_attr(&self.src),
            self.width,
            self.height,
            escape_attr(alt)
        );
        if !self.srcset.is_empty() {
            img.push_str(&format!(
                " srcset=\"{}\" sizes=\"{}\"",
                escape_attr(&self.srcset),
                escape_attr(&self.sizes)
            ));
        }
        if !title.is_empty() {
            img.push_str(&format!(" title=\"{}\"", escape_attr(title)));
        }
        img.push_str(if first_screen {
            " fetchpriority=\"high\">"
        } else {
            " loading=\"lazy\" decoding=\"async\">"
        });
        if self.webp_srcset.is_empty() {
            return img;
        }
        format!(
            "<picture><source type=\"image/webp\" srcset=\"{}\" sizes=\"{}\">{img}</picture>",
            escape_attr(&self.webp_srcset),
            escape_attr(&self.sizes)
        )
    }
}

/// Every image the pages of a build show, planned as bodies render and
/// processed once they all have.
pub struct Registry {
    settings: ImageSettings,
    root: PathBuf,
    /// The URL path of the site's root (`/` or `/sub/`).
    root_path: String,
    /// Plans by file and widths, each with the first place that shows it
    /// (for errors found while processing).
    plans: Mutex<HashMap<(PathBuf, Vec<u32>), (Arc<Plan>, Place)>>,
    /// Header reads by file: (length, modified) -> size and format.
    headers: Mutex<HashMap<PathBuf, Header>>,
    cache: Cache,
}

/// Where a page shows an image: (source file, line, column).
pub type Place = (PathBuf, usize, usize);

#[derive(Clone)]
struct Header {
    stamp: (u64, Option<std::time::SystemTime>),
    size: Result<(u32, u32), String>,
}

impl Registry {
    /// The registry of a build of the site of `config`.
    pub fn new(config: &Config) -> Registry {
        Registry {
            settings: config.images.clone(),
            root: config.root.clone(),
            root_path: config.root_path.clone(),
            plans: Mutex::new(HashMap::new()),
            headers: Mutex::new(HashMap::new()),
            cache: Cache::new(&config.root),
        }
    }

    /// The settings images are processed with.
    pub fn settings(&self) -> &ImageSettings {
        &self.settings
    }

    /// Finds the file `src` names, for a page in folder `dir` under
    /// `content/`: relative to the page, else under `static/`; a path
    /// starting with `/` is under `static/`, else `content/`. Returns the
    /// file and its output path.
    pub fn find(&self, src: &str, dir: &str) -> Result<(PathBuf, String), String> {
        let decoded = crate::check::links::percent_decode(src);
        let (path, _) = decoded.split_once(['?', '#']).unwrap_or((&decoded, ""));
        let mut tried = Vec::new();
        let bases: Vec<(&str, String)> = match path.strip_prefix('/') {
            Some(abs) => {
                let abs = abs
                    .strip_prefix(self.root_path.trim_start_matches('/'))
                    .unwrap_or(abs);
                vec![("static", abs.to_string()), ("content", abs.to_string())]
            }
            None => vec![
                ("content", format!("{dir}/{path}")),
                ("static", path.to_string()),
            ],
        };
        for (base, rel) in bases {
            let Some(rel) = normalize(&rel) else {
                return Err(format!("image `{src}` climbs above `{base}/`"));
            };
            let abs = self.root.join(base).join(&rel);
            if abs.is_file() {
                return Ok((abs, rel));
            }
            tried.push(format!("`{base}/{rel}`"));
        }
        Err(format!(
            "missing image `{src}` (looked for {})",
            tried.join(" and ")
        ))
    }

    /// The picture of `src` for a page in folder `dir`, with `widths`
    /// instead of the configured ones where given; registers it for
    /// [`Registry::outputs`]. Reads only the file's header.
    pub fn picture(
        &self,
        src: &str,
        dir: &str,
        widths: Option<&[u32]>,
        place: Place,
    ) -> Result<Picture, String> {
        let (abs, rel) = self.find(src, dir)?;
        let Some(format) = Format::of(&rel) else {
            return Err(format!(
                "`{src}` is not an image cairn can show (use .jpg, .png, .webp, .gif or .svg)"
            ));
        };
        let (width, height) = self
            .header(&abs, format)
            .map_err(|e| format!("cannot read image `{src}`: {e}"))?;
        let wanted = widths.unwrap_or(&self.settings.widths).to_vec();
        let plan = plan(
            abs.clone(),
            rel,
            format,
            (width, height),
            &wanted,
            &self.settings,
        );
        let picture = self.picture_of(&plan);
        let mut plans = self.plans.lock().unwrap_or_else(|e| e.into_inner());
        let slot = plans
            .entry((abs, wanted))
            .or_insert_with(|| (Arc::new(plan), place.clone()));
        if place < slot.1 {
            slot.1 = place;
        }
        Ok(picture)
    }

    fn picture_of(&self, plan: &Plan) -> Picture {
        let url = |rel: &str| format!("{}{}", self.root_path, rel);
        let set = |vs: &[Variant]| {
            if vs.len() < 2 && plan.webp.is_empty() {
                return String::new();
            }
            vs.iter()
                .map(|v| format!("{} {}w", url(&v.rel), v.width))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let fallback = plan.own.last();
        Picture {
            src: url(fallback.map_or(&plan.rel, |v| &v.rel)),
            srcset: set(&plan.own),
            webp_srcset: set(&plan.webp),
            sizes: self.settings.sizes.clone(),
            width: fallback.map_or(plan.width, |v| v.width),
            height: fallback.map_or(plan.height, |v| v.height),
        }
    }

    /// The size of the image at `abs`, read from its header once per
    /// version of the file.
    fn header(&self, abs: &Path, format: Format) -> Result<(u32, u32), String> {
        let meta = std::fs::metadata(abs).map_err(|e| e.to_string())?;
        let stamp = (meta.len(), meta.modified().ok());
        if let Some(h) = self
            .headers
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(abs)
            && h.stamp == stamp
        {
            return h.size.clone();
        }
        let size = process::dimensions(abs, format);
        self.headers
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(
                abs.to_path_buf(),
                Header {
                    stamp,
                    size: size.clone(),
                },
            );
        size
    }

    /// Every copy of every image registered so far, made (or taken from
    /// the cache) in parallel; a problem is an error at the first place
    /// that shows the image. Files that are only copied are not among
    /// them: they are the site's assets already.
    pub fn outputs(&self) -> (Vec<OutputFile>, Vec<Diagnostic>) {
        let plans: Vec<(Arc<Plan>, Place)> = {
            let map = self.plans.lock().unwrap_or_else(|e| e.into_inner());
            let mut v: Vec<_> = map.values().cloned().collect();
            v.sort_by(|a, b| a.1.cmp(&b.1));
            v
        };
        let results: Vec<Result<Vec<OutputFile>, Diagnostic>> = plans
            .par_iter()
            .map(|(plan, (path, line, col))| {
                process::make(plan, &self.settings, &self.cache).map_err(|e| {
                    Diagnostic::error_at(
                        path,
                        *line,
                        *col,
                        format!("cannot process image `{}`: {e}", plan.rel),
                    )
                })
            })
            .collect();
        let mut files: HashMap<String, OutputFile> = HashMap::new();
        let mut ds = Vec::new();
        for r in results {
            match r {
                Ok(list) => {
                    for f in list {
                        files.insert(f.rel.clone(), f);
                    }
                }
                Err(d) => ds.push(d),
            }
        }
        let mut files: Vec<OutputFile> = files.into_values().collect();
        files.sort_by(|a, b| a.rel.cmp(&b.rel));
        (files, ds)
    }

    /// The cache of processed images and cards.
    pub fn cache(&self) -> &Cache {
        &self.cache
    }
}

/// What to make of an image of size `(width, height)`.
pub fn plan(
    abs: PathBuf,
    rel: String,
    format: Format,
    (width, height): (u32, u32),
    wanted: &[u32],
    settings: &ImageSettings,
) -> Plan {
    let mut p = Plan {
        abs,
        rel,
        format,
        width,
        height,
        own: Vec::new(),
        webp: Vec::new(),
    };
    if format == Format::Passthrough || width == 0 || height == 0 {
        return p;
    }
    let scaled = |w: u32| {
        let h = (u64::from(height) * u64::from(w) + u64::from(width) / 2) / u64::from(width);
        (w, (h as u32).max(1))
    };
    for w in widths_for(width, wanted) {
        let (w, h) = scaled(w);
        let rel = if w == width {
            p.rel.clone()
        } else {
            variant_rel(&p.rel, w, format.ext())
        };
        p.own.push(Variant {
            width: w,
            height: h,
            rel,
            format,
        });
        // Lossless WebP beats PNG; it loses to JPEG's lossy coding, so
        // photos keep their JPEG copies only.
        if settings.webp && format == Format::Png {
            p.webp.push(Variant {
                width: w,
                height: h,
                rel: variant_rel(&p.rel, w, "webp"),
                format: Format::WebP,
            });
        }
    }
    p
}

/// `a/./b/../c` -> `a/c`; `None` when it climbs above its start.
fn normalize(path: &str) -> Option<String> {
    let mut parts: Vec<&str> = Vec::new();
    for seg in path.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    Some(parts.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_never_upscale_and_include_the_original_when_it_fits() {
        assert_eq!(
            widths_for(3000, &[480, 800, 1200, 1600]),
            [480, 800, 1200, 1600]
        );
        assert_eq!(widths_for(1000, &[480, 800, 1200, 1600]), [480, 800, 1000]);
        assert_eq!(widths_for(300, &[480, 800]), [300]);
        assert_eq!(widths_for(800, &[480, 800]), [480, 800]);
    }

    #[test]
    fn variant_names_sit_beside_the_original() {
        assert_eq!(
            variant_rel("roles/photo.jpg", 480, "webp"),
            "roles/photo-480w.webp"
        );
        assert_eq!(variant_rel("a.b/c.d.png", 20, "png"), "a.b/c.d-20w.png");
    }

    #[test]
    fn plans_keep_the_aspect_ratio_and_the_original_file() {
        let s = ImageSettings::default();
        let p = plan(
            PathBuf::from("/x/d.png"),
            "d.png".into(),
            Format::Png,
            (1000, 500),
            &s.widths,
            &s,
        );
        let own: Vec<(u32, u32, &str)> = p
            .own
            .iter()
            .map(|v| (v.width, v.height, v.rel.as_str()))
            .collect();
        assert_eq!(
            own,
            [
                (480, 240, "d-480w.png"),
                (800, 400, "d-800w.png"),
                (1000, 500, "d.png")
            ]
        );
        assert_eq!(p.webp.len(), 3);
        assert_eq!(p.webp[2].rel, "d-1000w.webp");
        let j = plan(
            PathBuf::new(),
            "p.jpg".into(),
            Format::Jpeg,
            (4000, 3000),
            &s.widths,
            &s,
        );
        assert_eq!(j.own.last().unwrap().rel, "p-1600w.jpg");
        assert_eq!(j.own.last().unwrap().height, 1200);
        assert!(j.webp.is_empty());
        let svg = plan(
            PathBuf::new(),
            "d.svg".into(),
            Format::Passthrough,
            (10, 10),
            &s.widths,
            &s,
        );
        assert!(svg.own.is_empty());
    }

    #[test]
    fn picture_html_has_sizes_and_loading_hints() {
        let p = Picture {
            src: "/a-800w.png".into(),
            srcset: "/a-480w.png 480w, /a-800w.png 800w".into(),
            webp_srcset: "/a-480w.webp 480w, /a-800w.webp 800w".into(),
            sizes: "100vw".into(),
            width: 800,
            height: 400,
        };
        assert_eq!(
            p.html("A \"chart\"", "", false),
            "<picture><source type=\"image/webp\" srcset=\"/a-480w.webp 480w, /a-800w.webp 800w\" sizes=\"100vw\"><img src=\"/a-800w.png\" width=\"800\" height=\"400\" alt=\"A &quot;chart&quot;\" srcset=\"/a-480w.png 480w, /a-800w.png 800w\" sizes=\"100vw\" loading=\"lazy\" decoding=\"async\"></picture>"
        );
        let one = Picture {
            srcset: String::new(),
            webp_srcset: String::new(),
            ..p
        };
        assert_eq!(
            one.html("x", "t", true),
            "<img src=\"/a-800w.png\" width=\"800\" height=\"400\" alt=\"x\" title=\"t\" fetchpriority=\"high\">"
        );
    }

    #[test]
    fn paths_stay_inside_their_folder() {
        assert_eq!(
            normalize("roles/./a/../b.png").as_deref(),
            Some("roles/b.png")
        );
        assert_eq!(normalize("roles/../../x.png"), None);
    }
}
