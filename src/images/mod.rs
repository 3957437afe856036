//! Images: the pictures pages show, resized at build time to the widths
//! of `[images]` (never upscaled) and written in their own format and as
//! WebP; and share cards, one PNG per page drawn from the theme's
//! `card.svg`.
//!
//! An image is made where a page first shows it, while bodies render in
//! parallel ([`Registry::picture`]): its copies are weighed before the
//! page's HTML is written, so that a copy never weighs more than the file
//! it was made from and WebP is offered only where it is lighter. Each
//! copy is cached under `.cairn/cache/images/` by content hash and
//! settings, so that a build that changes no image does no image work
//! ([`process`]); `watch` and `serve` keep the registry between builds,
//! so a text edit does not even read an image.

pub mod cards;
mod process;
mod stamps;

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock};

use crate::config::{Config, ImageSettings};
use crate::html::escape_attr;
use crate::output::OutputFile;

pub use process::{CACHE_DIR, Cache};

/// What an image file is, as far as its processing goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
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

/// The size of the image file at `abs` (by its extension's format), from
/// its header.
pub fn dimensions(abs: &std::path::Path) -> Result<(u32, u32), String> {
    let format = Format::of(&abs.to_string_lossy()).ok_or("not an image")?;
    process::dimensions(abs, format)
}

/// One resized copy of an image.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
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

impl Plan {
    /// The copies to make: every variant but the original file itself,
    /// which the site copies as an asset.
    pub fn copies(&self) -> impl Iterator<Item = &Variant> {
        self.own
            .iter()
            .chain(&self.webp)
            .filter(move |v| v.rel != self.rel)
    }
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

/// Every image the pages of a build show, made as bodies render (each
/// once, whatever the number of pages showing it) and kept between the
/// builds of `watch` and `serve`.
pub struct Registry {
    settings: ImageSettings,
    root: PathBuf,
    /// The URL path of the site's root (`/` or `/sub/`).
    root_path: String,
    /// Made images by file, widths and version of the file.
    made: Mutex<HashMap<Key, Slot>>,
    cache: Arc<Cache>,
    stamps: Arc<stamps::Stamps>,
    /// Set once `watch` or `serve` has built the site: images not made
    /// yet are then made in the background, and this is called when one
    /// is done.
    waker: Mutex<Option<Waker>>,
    background: Arc<Background>,
}

/// Called when an image made in the background is done.
pub type Waker = Arc<dyn Fn() + Send + Sync>;

/// The images being made in the background, and the output paths of
/// those done since last asked.
#[derive(Default)]
struct Background {
    running: Mutex<std::collections::HashSet<Key>>,
    done: Mutex<Vec<String>>,
    /// The one thread that makes them, one after the other (two hundred
    /// new photos at once must not decode two hundred at once), started
    /// with the first (and again, should it ever end).
    queue: Mutex<Option<std::sync::mpsc::Sender<Job>>>,
}

/// Work for the background thread.
type Job = Box<dyn FnOnce() + Send>;

impl Background {
    /// Runs `job` on the background thread.
    fn run(&self, job: Job) {
        let mut queue = self.queue.lock().unwrap_or_else(|e| e.into_inner());
        let job = match queue.as_ref() {
            Some(q) => match q.send(job) {
                Ok(()) => return,
                Err(e) => e.0,
            },
            None => job,
        };
        let (tx, rx) = std::sync::mpsc::channel::<Job>();
        std::thread::spawn(move || {
            for job in rx {
                job();
            }
        });
        let _ = tx.send(job);
        *queue = Some(tx);
    }
}

/// An image being made, or made (or why it could not be).
type Slot = Arc<OnceLock<Result<Made, String>>>;

/// A file, the widths asked of it, and its length and modification time.
type Key = (PathBuf, Vec<u32>, u64, Option<std::time::SystemTime>);

/// An image made: its plan, as trimmed by what the copies weigh, and the
/// copies.
#[derive(Clone)]
struct Made {
    plan: Plan,
    files: Vec<OutputFile>,
}

/// What making one image needs, apart from the registry.
struct Work {
    abs: PathBuf,
    rel: String,
    format: Format,
    wanted: Vec<u32>,
    settings: ImageSettings,
    cache: Arc<Cache>,
    stamps: Arc<stamps::Stamps>,
    /// Its stamp's key, if it can have one.
    stamp: Option<String>,
    /// Its size, where its header was read already.
    size: Option<(u32, u32)>,
}

impl Work {
    /// Makes the copies (or finds them in the cache), and stamps the
    /// file with what they are.
    fn run(self) -> Result<Made, String> {
        let size = match self.size {
            Some(size) => size,
            None => process::dimensions(&self.abs, self.format)?,
        };
        let plan = plan(
            self.abs,
            self.rel,
            self.format,
            size,
            &self.wanted,
            &self.settings,
        );
        let (plan, files) = process::make(plan, &self.settings, &self.cache)?;
        let names: Option<Vec<(String, String)>> = files
            .iter()
            .map(|f| match &f.data {
                crate::output::Data::File(p) => p
                    .file_name()
                    .map(|n| (f.rel.clone(), n.to_string_lossy().into_owned())),
                _ => None,
            })
            .collect();
        if let (Some(key), Some(files)) = (self.stamp, names) {
            let stamp = stamps::Stamp {
                width: plan.width,
                height: plan.height,
                own: plan.own.clone(),
                webp: plan.webp.clone(),
                files,
            };
            self.stamps.put(key, stamp);
        }
        Ok(Made { plan, files })
    }
}

impl Registry {
    /// The registry of a build of the site of `config`.
    pub fn new(config: &Config) -> Registry {
        let cache = Cache::new(&config.root);
        let stamps = stamps::Stamps::new(cache.dir());
        Registry {
            settings: config.images.clone(),
            root: config.root.clone(),
            root_path: config.root_path.clone(),
            made: Mutex::new(HashMap::new()),
            cache: Arc::new(cache),
            stamps: Arc::new(stamps),
            waker: Mutex::new(None),
            background: Arc::default(),
        }
    }

    /// Whether this registry can serve a build of the site of `config`
    /// (same folder, URL path and settings).
    pub fn fits(&self, config: &Config) -> bool {
        self.settings == config.images
            && self.root == config.root
            && self.root_path == config.root_path
    }

    /// From now on, images not made yet are made in the background: a
    /// page first shows the original, and `waker` is called when the
    /// copies are done (see [`Registry::take_done`]).
    pub fn defer(&self, waker: Waker) {
        *self.waker.lock().unwrap_or_else(|e| e.into_inner()) = Some(waker);
    }

    /// The output paths of the images made in the background since the
    /// last call: the pages showing them are to be rendered again.
    pub fn take_done(&self) -> Vec<String> {
        std::mem::take(
            &mut *self
                .background
                .done
                .lock()
                .unwrap_or_else(|e| e.into_inner()),
        )
    }

    /// Writes down what each image was made into, for the next build
    /// (after a full build, `all_used`, only the images it showed).
    pub fn save_stamps(&self, all_used: bool) {
        self.stamps.save(all_used);
    }

    /// The settings images are processed with.
    pub fn settings(&self) -> &ImageSettings {
        &self.settings
    }

    /// Finds the file `src` names, for a page in folder `dir` under
    /// `content/` (see [`crate::site::find_image`]).
    pub fn find(&self, src: &str, dir: &str) -> Result<(PathBuf, String), String> {
        crate::site::find_image(&self.root, &self.root_path, src, dir)
    }

    /// The picture of `src` for a page in folder `dir`, with `widths`
    /// instead of the configured ones where given. The image is made the
    /// first time it is asked for (or taken from the cache, by its stamp
    /// without reading it); a page that shows it again, or a later build
    /// of `watch` and `serve` with the file unchanged, does no image
    /// work. Once [`Registry::defer`] is called, an image not made yet
    /// is shown as it is while its copies are made in the background.
    pub fn picture(&self, src: &str, dir: &str, widths: Option<&[u32]>) -> Result<Picture, String> {
        let (abs, rel) = self.find(src, dir)?;
        let Some(format) = Format::of(&rel) else {
            return Err(format!(
                "`{src}` is not an image cairn can show (use .jpg, .png, .webp, .gif or .svg)"
            ));
        };
        let meta =
            std::fs::metadata(&abs).map_err(|e| format!("cannot read image `{src}`: {e}"))?;
        let wanted = widths.unwrap_or(&self.settings.widths).to_vec();
        let key: Key = (
            abs.clone(),
            wanted.clone(),
            meta.len(),
            meta.modified().ok(),
        );
        let slot = self
            .made
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .entry(key.clone())
            .or_default()
            .clone();
        let answer = |made: &Result<Made, String>| match made {
            Ok(m) => Ok(self.picture_of(&m.plan)),
            Err(e) => Err(format!("cannot read image `{src}`: {e}")),
        };
        if let Some(made) = slot.get() {
            return answer(made);
        }
        let widths: Vec<u8> = wanted.iter().flat_map(|w| w.to_le_bytes()).collect();
        let stamp = stamps::key(
            &abs,
            &rel,
            meta.len(),
            meta.modified().ok(),
            &[
                &widths,
                &[self.settings.quality, u8::from(self.settings.webp)],
            ],
        );
        if let Some(made) = stamp
            .as_deref()
            .and_then(|k| self.stamped(k, &abs, &rel, format))
        {
            return answer(slot.get_or_init(|| Ok(made)));
        }
        let mut work = Work {
            abs,
            rel,
            format,
            wanted,
            settings: self.settings.clone(),
            cache: self.cache.clone(),
            stamps: self.stamps.clone(),
            stamp,
            size: None,
        };
        let waker = self.waker.lock().unwrap_or_else(|e| e.into_inner()).clone();
        if let Some(waker) = waker {
            let size = process::dimensions(&work.abs, format)
                .map_err(|e| format!("cannot read image `{src}`: {e}"))?;
            work.size = Some(size);
            let first = plan(
                work.abs.clone(),
                work.rel.clone(),
                format,
                size,
                &work.wanted,
                &self.settings,
            );
            if first.copies().next().is_some() {
                self.in_background(key, slot, work, waker);
                return Ok(self.picture_of(&Plan {
                    own: Vec::new(),
                    webp: Vec::new(),
                    ..first
                }));
            }
        }
        // Made outside the lock: other images are made meanwhile; a page
        // showing this one waits for it.
        answer(slot.get_or_init(|| work.run()))
    }

    /// Makes an image on the background thread, unless that is under way.
    fn in_background(&self, key: Key, slot: Slot, work: Work, waker: Waker) {
        let bg = self.background.clone();
        if !bg
            .running
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(key.clone())
        {
            return;
        }
        let shared = bg.clone();
        bg.run(Box::new(move || {
            let rel = work.rel.clone();
            // A panic (a bug in cairn) ends this image's work, not the
            // thread's: its pages then report the image as unreadable.
            let made = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| work.run()))
                .unwrap_or_else(|_| Err(crate::panics::REPORT_HINT.to_string()));
            let _ = slot.set(made);
            shared
                .running
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .remove(&key);
            shared
                .done
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .push(rel);
            waker();
        }));
    }

    /// The image as its stamp says it was made, if every copy is still
    /// in the cache.
    fn stamped(&self, key: &str, abs: &std::path::Path, rel: &str, format: Format) -> Option<Made> {
        let s = self.stamps.get(key)?;
        let files = s
            .files
            .iter()
            .map(|(out, name)| {
                let (path, _) = self.cache.get(name)?;
                Some(OutputFile {
                    rel: out.clone(),
                    data: crate::output::Data::File(path),
                })
            })
            .collect::<Option<Vec<_>>>()?;
        let plan = Plan {
            abs: abs.to_path_buf(),
            rel: rel.to_string(),
            format,
            width: s.width,
            height: s.height,
            own: s.own,
            webp: s.webp,
        };
        Some(Made { plan, files })
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

    /// Every copy made of every image still as it was when made (files
    /// only copied are not among them: they are the site's assets).
    pub fn outputs(&self) -> Vec<OutputFile> {
        let made = self.made.lock().unwrap_or_else(|e| e.into_inner());
        let mut files: HashMap<&str, &OutputFile> = HashMap::new();
        for ((abs, _, len, modified), slot) in made.iter() {
            let current = std::fs::metadata(abs)
                .is_ok_and(|m| m.len() == *len && m.modified().ok() == *modified);
            if let (true, Some(Ok(m))) = (current, slot.get()) {
                for f in &m.files {
                    files.insert(&f.rel, f);
                }
            }
        }
        let mut files: Vec<OutputFile> = files.into_values().cloned().collect();
        files.sort_by(|a, b| a.rel.cmp(&b.rel));
        files
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
            crate::site::normal_rel("roles/./a/../b.png").as_deref(),
            Some("roles/b.png")
        );
        assert_eq!(crate::site::normal_rel("roles/../../x.png"), None);
    }
}
