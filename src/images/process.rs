//! Decoding, resizing and encoding images, and the cache that makes a
//! second build free: each made file is kept under `.cairn/cache/images/`
//! named by a hash of its source's bytes and of everything that shapes it
//! (width, format, quality, this code's version), and handed to the
//! output as a file to copy.

use std::collections::{HashMap, HashSet};
use std::hash::BuildHasher;
use std::io::Cursor;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use image::{DynamicImage, ExtendedColorType, ImageDecoder, ImageEncoder};

use super::{Format, Plan, Variant};
use crate::config::ImageSettings;
use crate::output::{Data, OutputFile};

/// Where processed images and share cards are kept, under the site root.
pub const CACHE_DIR: &str = ".cairn/cache/images";

/// Changed whenever what this code makes of the same input changes, so
/// that older cached files are not used; a change to one format's
/// encoding changes its [`recipe`] instead, which keeps the others' files.
const VERSION: u64 = 1;

/// The size of an image from its header (after EXIF orientation): no
/// pixel is decoded.
pub(super) fn dimensions(abs: &Path, format: Format) -> Result<(u32, u32), String> {
    if format == Format::Passthrough {
        let bytes = std::fs::read(abs).map_err(|e| e.to_string())?;
        return passthrough_size(&bytes);
    }
    let reader = image::ImageReader::open(abs)
        .map_err(|e| e.to_string())?
        .with_guessed_format()
        .map_err(|e| e.to_string())?;
    let mut decoder = reader.into_decoder().map_err(|e| e.to_string())?;
    let (w, h) = decoder.dimensions();
    let turned = decoder.orientation().is_ok_and(|o| {
        use image::metadata::Orientation::*;
        matches!(o, Rotate90 | Rotate270 | Rotate90FlipH | Rotate270FlipH)
    });
    if w == 0 || h == 0 {
        return Err("the image has no pixels".into());
    }
    Ok(if turned { (h, w) } else { (w, h) })
}

/// The size of a GIF (its logical screen) or of an SVG (its `width` and
/// `height`, else its `viewBox`).
fn passthrough_size(bytes: &[u8]) -> Result<(u32, u32), String> {
    if bytes.starts_with(b"GIF8") {
        return match bytes.get(6..10) {
            Some(b) => Ok((
                u32::from(u16::from_le_bytes([b[0], b[1]])),
                u32::from(u16::from_le_bytes([b[2], b[3]])),
            )),
            None => Err("truncated GIF header".into()),
        };
    }
    let opts = resvg::usvg::Options::default();
    let tree = resvg::usvg::Tree::from_data(bytes, &opts).map_err(|e| e.to_string())?;
    let size = tree.size();
    Ok((
        size.width().round().max(1.0) as u32,
        size.height().round().max(1.0) as u32,
    ))
}

/// The cache of made files, and what this build used of it.
pub struct Cache {
    /// The folder; `None` where it cannot be made (a read-only site):
    /// files are then kept in memory for the build.
    dir: Option<PathBuf>,
    used: Mutex<HashSet<String>>,
    hits: AtomicUsize,
    made: AtomicUsize,
}

impl Cache {
    /// The cache of the site at `root`.
    pub fn new(root: &Path) -> Cache {
        Cache {
            dir: Some(root.join(CACHE_DIR)),
            used: Mutex::new(HashSet::new()),
            hits: AtomicUsize::new(0),
            made: AtomicUsize::new(0),
        }
    }

    /// The folder, where there is one.
    pub fn dir(&self) -> Option<&Path> {
        self.dir.as_deref()
    }

    /// (files taken from the cache, files made) in this build so far.
    pub fn counts(&self) -> (usize, usize) {
        (
            self.hits.load(Ordering::Relaxed),
            self.made.load(Ordering::Relaxed),
        )
    }

    /// The stable key of `parts` (a 128-bit hash, as hex).
    pub fn key(parts: &[&[u8]]) -> String {
        let a = ahash::RandomState::with_seeds(1, 2, 3, 4);
        let b = ahash::RandomState::with_seeds(5, 6, 7, 8);
        let mut ha = a.build_hasher();
        let mut hb = b.build_hasher();
        use std::hash::{Hash, Hasher};
        VERSION.hash(&mut ha);
        VERSION.hash(&mut hb);
        for p in parts {
            p.hash(&mut ha);
            p.hash(&mut hb);
        }
        format!("{:016x}{:016x}", ha.finish(), hb.finish())
    }

    /// The cached file named `name` and its length, if it is there
    /// (marked used).
    pub fn get(&self, name: &str) -> Option<(PathBuf, u64)> {
        let path = self.dir.as_ref()?.join(name);
        let meta = std::fs::metadata(&path).ok().filter(|m| m.is_file())?;
        self.mark(name);
        self.hits.fetch_add(1, Ordering::Relaxed);
        Some((path, meta.len()))
    }

    fn mark(&self, name: &str) {
        self.used
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(name.to_string());
    }

    /// Keeps `bytes` as the file `name`; what the output copies. Written
    /// to a temporary name and renamed, so that a killed build never
    /// leaves half a file under a good name.
    pub fn put(&self, name: &str, bytes: Vec<u8>) -> Data {
        self.made.fetch_add(1, Ordering::Relaxed);
        self.mark(name);
        let Some(dir) = &self.dir else {
            return Data::Bytes(bytes);
        };
        let path = dir.join(name);
        let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
        let written = std::fs::create_dir_all(dir)
            .and_then(|()| ignore_file(dir))
            .and_then(|()| std::fs::write(&tmp, &bytes))
            .and_then(|()| std::fs::rename(&tmp, &path));
        match written {
            Ok(()) => Data::File(path),
            Err(_) => {
                let _ = std::fs::remove_file(&tmp);
                Data::Bytes(bytes)
            }
        }
    }

    /// Removes the cached files this build did not use (after a full
    /// build only: a partial one does not know every file in use).
    /// Returns how many were removed.
    pub fn prune(&self) -> usize {
        let Some(dir) = &self.dir else {
            return 0;
        };
        let Ok(entries) = std::fs::read_dir(dir) else {
            return 0;
        };
        let used = self.used.lock().unwrap_or_else(|e| e.into_inner());
        let mut removed = 0;
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            if name == ".gitignore" || name == super::stamps::FILE || used.contains(&name) {
                continue;
            }
            if e.file_type().is_ok_and(|t| t.is_file()) && std::fs::remove_file(e.path()).is_ok() {
                removed += 1;
            }
        }
        removed
    }
}

/// A `.gitignore` that keeps the cache out of version control.
fn ignore_file(dir: &Path) -> std::io::Result<()> {
    let path = dir.join(".gitignore");
    if path.exists() {
        return Ok(());
    }
    std::fs::write(
        path,
        "# Made by cairn: processed images and share cards.\n*\n",
    )
}

/// Makes (or takes from the cache) every copy of `plan` but the original
/// file itself, which the site copies as an asset; then trims the plan by
/// weight: a copy no lighter than the original gives way to it, and the
/// WebP copies stay only where they weigh less than the others.
pub(super) fn make(
    mut plan: Plan,
    settings: &ImageSettings,
    cache: &Cache,
) -> Result<(Plan, Vec<OutputFile>), String> {
    let todo: Vec<Variant> = plan.copies().cloned().collect();
    if todo.is_empty() {
        return Ok((plan, Vec::new()));
    }
    let source = std::fs::read(&plan.abs).map_err(|e| e.to_string())?;
    let original = source.len() as u64;
    let quality = [settings.quality];
    let mut decoded: Option<DynamicImage> = None;
    let mut made: HashMap<String, (OutputFile, u64)> = HashMap::new();
    for v in &todo {
        let key = Cache::key(&[
            &source,
            &v.width.to_le_bytes(),
            v.format.ext().as_bytes(),
            &quality,
            recipe(v.format),
        ]);
        let name = format!("{key}.{}", v.format.ext());
        let (data, len) = match cache.get(&name) {
            Some((path, len)) => (Data::File(path), len),
            None => {
                if decoded.is_none() {
                    decoded = Some(decode(&source)?);
                }
                let img = decoded.as_ref().ok_or("no image")?;
                let bytes = encode(&resize(img, v.width, v.height)?, v.format, settings.quality)?;
                let len = bytes.len() as u64;
                (cache.put(&name, bytes), len)
            }
        };
        let file = OutputFile {
            rel: v.rel.clone(),
            data,
        };
        made.insert(v.rel.clone(), (file, len));
    }
    let weight = |v: &Variant| made.get(&v.rel).map_or(original, |(_, len)| *len);
    // A copy at least as heavy as the original: the original instead.
    let whole = Variant {
        width: plan.width,
        height: plan.height,
        rel: plan.rel.clone(),
        format: plan.format,
    };
    let mut own: Vec<Variant> = Vec::new();
    for v in &plan.own {
        let v = if weight(v) >= original {
            whole.clone()
        } else {
            v.clone()
        };
        if !own.contains(&v) {
            own.push(v);
        }
    }
    let own_weight: u64 = own.iter().map(weight).sum();
    let webp_weight: u64 = plan.webp.iter().map(weight).sum();
    if webp_weight >= own_weight {
        plan.webp.clear();
    }
    plan.own = own;
    let keep: Vec<&str> = plan
        .own
        .iter()
        .chain(&plan.webp)
        .map(|v| v.rel.as_str())
        .collect();
    let mut files: Vec<OutputFile> = made
        .into_values()
        .filter(|(f, _)| keep.contains(&f.rel.as_str()))
        .map(|(f, _)| f)
        .collect();
    files.sort_by(|a, b| a.rel.cmp(&b.rel));
    Ok((plan, files))
}

/// Decodes an image and turns it upright (EXIF orientation).
fn decode(bytes: &[u8]) -> Result<DynamicImage, String> {
    let reader = image::ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| e.to_string())?;
    let mut decoder = reader.into_decoder().map_err(|e| e.to_string())?;
    let orientation = decoder.orientation().ok();
    let mut img = DynamicImage::from_decoder(decoder).map_err(|e| e.to_string())?;
    if let Some(o) = orientation {
        img.apply_orientation(o);
    }
    Ok(img)
}

/// `img` resized to `width` x `height` (Lanczos 3), in 8-bit RGB, or
/// RGBA where it has an alpha channel.
fn resize(img: &DynamicImage, width: u32, height: u32) -> Result<DynamicImage, String> {
    use fast_image_resize::{FilterType, PixelType, ResizeAlg, ResizeOptions, Resizer, images};
    let alpha = img.color().has_alpha();
    let (src, pixel) = if alpha {
        (img.to_rgba8().into_raw(), PixelType::U8x4)
    } else {
        (img.to_rgb8().into_raw(), PixelType::U8x3)
    };
    let src = images::Image::from_vec_u8(img.width(), img.height(), src, pixel)
        .map_err(|e| e.to_string())?;
    let mut dst = images::Image::new(width, height, pixel);
    Resizer::new()
        .resize(
            &src,
            &mut dst,
            &ResizeOptions::new().resize_alg(ResizeAlg::Convolution(FilterType::Lanczos3)),
        )
        .map_err(|e| e.to_string())?;
    let raw = dst.into_vec();
    let out = if alpha {
        image::RgbaImage::from_raw(width, height, raw).map(DynamicImage::ImageRgba8)
    } else {
        image::RgbImage::from_raw(width, height, raw).map(DynamicImage::ImageRgb8)
    };
    out.ok_or_else(|| "resize gave a buffer of the wrong size".to_string())
}

/// How a format's copies are encoded, beyond its quality: part of each
/// copy's cache key, so that a change here makes copies again.
fn recipe(format: Format) -> &'static [u8] {
    match format {
        Format::Jpeg => b"jpeg-encoder 4:2:0 optimised huffman",
        _ => b"",
    }
}

/// Encodes `img` in `format`. JPEG copies are made as the web's encoders
/// make them (libjpeg's and mozjpeg's defaults, Go's, sharp's): colour at
/// half the resolution of brightness (4:2:0), which the eye hardly sees in
/// a photograph, with Huffman tables fitted to the image.
fn encode(img: &DynamicImage, format: Format, quality: u8) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    let (w, h) = (img.width(), img.height());
    let (bytes, color) = match img {
        DynamicImage::ImageRgba8(b) => (b.as_raw().as_slice(), ExtendedColorType::Rgba8),
        DynamicImage::ImageRgb8(b) => (b.as_raw().as_slice(), ExtendedColorType::Rgb8),
        _ => return Err("unexpected pixel format".into()),
    };
    match format {
        Format::Jpeg => {
            let rgb;
            let bytes = if color == ExtendedColorType::Rgba8 {
                rgb = img.to_rgb8();
                rgb.as_raw().as_slice()
            } else {
                bytes
            };
            let (Ok(w), Ok(h)) = (u16::try_from(w), u16::try_from(h)) else {
                return Err(format!("{w}x{h} pixels is too large for a JPEG"));
            };
            let mut encoder = jpeg_encoder::Encoder::new(&mut out, quality);
            encoder.set_sampling_factor(jpeg_encoder::SamplingFactor::R_4_2_0);
            encoder.set_optimized_huffman_tables(true);
            encoder
                .encode(bytes, w, h, jpeg_encoder::ColorType::Rgb)
                .map_err(|e| e.to_string())?;
        }
        Format::Png => image::codecs::png::PngEncoder::new(&mut out)
            .write_image(bytes, w, h, color)
            .map_err(|e| e.to_string())?,
        Format::WebP | Format::Passthrough => {
            image::codecs::webp::WebPEncoder::new_lossless(&mut out)
                .write_image(bytes, w, h, color)
                .map_err(|e| e.to_string())?
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gif_and_svg_sizes_come_from_their_headers() {
        let gif = b"GIF89a\x40\x01\xc8\x00\x00\x00\x00;";
        assert_eq!(passthrough_size(gif).unwrap(), (320, 200));
        let svg = br#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 300 150"></svg>"#;
        assert_eq!(passthrough_size(svg).unwrap(), (300, 150));
        assert!(passthrough_size(b"GIF8").is_err());
        assert!(passthrough_size(b"<svg").is_err());
    }

    /// The sampling factors of each component in a JPEG's frame header.
    fn sampling(jpeg: &[u8]) -> Vec<u8> {
        let sof = jpeg
            .windows(2)
            .position(|m| m == [0xFF, 0xC0])
            .expect("a baseline frame header");
        let count = jpeg[sof + 9] as usize;
        (0..count).map(|i| jpeg[sof + 11 + i * 3]).collect()
    }

    #[test]
    fn jpeg_copies_halve_colour_resolution_and_weigh_less() {
        // A photograph-like image: smooth colour with grain.
        let img = image::RgbImage::from_fn(640, 427, |x, y| {
            let n = ((x * 7919 + y * 104729) % 23) as u8;
            image::Rgb([(x / 3) as u8 ^ n, (y / 2) as u8, ((x + y) / 5) as u8 + n])
        });
        let img = DynamicImage::ImageRgb8(img);
        let copy = encode(&img, Format::Jpeg, 80).unwrap();
        // Luma 2x2, each chroma 1x1: 4:2:0.
        assert_eq!(sampling(&copy), [0x22, 0x11, 0x11]);
        let back = image::load_from_memory(&copy).unwrap();
        assert_eq!((back.width(), back.height()), (640, 427));
        // Lighter than image's own encoder at the same quality (4:4:4).
        let mut full = Vec::new();
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut full, 80)
            .write_image(img.as_bytes(), 640, 427, ExtendedColorType::Rgb8)
            .unwrap();
        assert_eq!(sampling(&full), [0x11, 0x11, 0x11]);
        assert!(
            copy.len() * 10 < full.len() * 9,
            "{} vs {}",
            copy.len(),
            full.len()
        );
    }

    #[test]
    fn keys_differ_by_every_part() {
        let a = Cache::key(&[b"abc", b"1"]);
        assert_eq!(a, Cache::key(&[b"abc", b"1"]));
        assert_ne!(a, Cache::key(&[b"abc", b"2"]));
        assert_ne!(a, Cache::key(&[b"ab", b"c1"]));
        assert_eq!(a.len(), 32);
    }

    #[test]
    fn resize_and_encode_round_trip() {
        let img = DynamicImage::ImageRgb8(image::RgbImage::from_fn(64, 32, |x, y| {
            image::Rgb([(x * 4) as u8, (y * 8) as u8, 128])
        }));
        let small = resize(&img, 16, 8).unwrap();
        for format in [Format::Jpeg, Format::Png, Format::WebP] {
            let bytes = encode(&small, format, 80).unwrap();
            let back = image::load_from_memory(&bytes).unwrap();
            assert_eq!((back.width(), back.height()), (16, 8), "{format:?}");
        }
    }
}
