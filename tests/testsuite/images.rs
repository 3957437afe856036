//! Images resized at build time (srcset, sizes, the cache), the `figure`
//! shortcode, and share cards: their size, their text and their meta tags.

use std::io::Cursor;
use std::path::Path;

use crate::util::TestSite;

/// A photo-like JPEG of `w` x `h` (smooth colour plus a little texture).
pub fn jpeg(w: u32, h: u32) -> Vec<u8> {
    let img = image::RgbImage::from_fn(w, h, |x, y| {
        let n = ((x * 7919 + y * 104729) % 23) as u8;
        image::Rgb([
            (x * 255 / w) as u8 ^ n,
            (y * 255 / h) as u8,
            128u8.wrapping_add(n),
        ])
    });
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 90)
        .encode_image(&img)
        .unwrap();
    out
}

/// A diagram-like PNG with transparency and grain (so that smaller
/// copies weigh less than the original).
fn png(w: u32, h: u32) -> Vec<u8> {
    let img = image::RgbaImage::from_fn(w, h, |x, y| {
        let n = ((x * 7919 + y * 104729) % 31) as u8;
        image::Rgba([(x * 255 / w) as u8 ^ n, 92, (y * 255 / h) as u8, 200 + n])
    });
    let mut out = Vec::new();
    img.write_to(&mut Cursor::new(&mut out), image::ImageFormat::Png)
        .unwrap();
    out
}

fn dims(bytes: &[u8]) -> (u32, u32) {
    let img = image::load_from_memory(bytes).unwrap();
    (img.width(), img.height())
}

pub fn site() -> TestSite {
    let s = TestSite::fixture("typed");
    s.write_bytes("content/roles/team.jpg", &jpeg(2000, 1000));
    s.write_bytes("static/img/ladder.png", &png(1000, 500));
    s.write(
        "content/roles/product-manager.md",
        "---\ntitle: Product Manager\nsummary: Owns the why.\ntrack: strategy\nsalary: { min: 110000, max: 150000 }\n---\n\n![The team at a planning session](team.jpg)\n\nSome words.\n\n![The career ladder](/img/ladder.png \"Ladder\")\n\n{{ figure(src=\"team.jpg\", alt=\"The team\", caption=\"Planning, week 12\", widths=[300, 600]) }}\n",
    );
    s
}

#[test]
fn images_get_resized_copies_with_srcset_sizes_and_dimensions() {
    let s = site();
    s.cairn(&["build"]).success();
    let html = s.read("public/roles/product-manager/index.html");
    // A 2000-pixel photo: the four configured widths, none larger.
    assert!(html.contains(r#"<img src="/atlas/roles/team-1600w.jpg" width="1600" height="800" alt="The team at a planning session" srcset="/atlas/roles/team-480w.jpg 480w, /atlas/roles/team-800w.jpg 800w, /atlas/roles/team-1200w.jpg 1200w, /atlas/roles/team-1600w.jpg 1600w" sizes="(min-width: 48rem) 46rem, calc(100vw - 2rem)" fetchpriority="high">"#), "{html}");
    for (w, h) in [(480, 240), (800, 400), (1200, 600), (1600, 800)] {
        let bytes = std::fs::read(s.path(&format!("public/roles/team-{w}w.jpg"))).unwrap();
        assert_eq!(dims(&bytes), (w, h));
    }
    // A 1000-pixel diagram: never upscaled, its own width last; the
    // second image of the page loads lazily.
    let ladder = html
        .split("alt=\"The career ladder\"")
        .nth(1)
        .unwrap()
        .split('>')
        .next()
        .unwrap();
    assert!(
        ladder.contains(r#"title="Ladder" loading="lazy" decoding="async""#),
        "{ladder}"
    );
    assert!(
        html.contains("/atlas/img/ladder-480w.png 480w, /atlas/img/ladder-800w.png 800w"),
        "{html}"
    );
    assert!(!s.path("public/img/ladder-1200w.png").exists());
    assert_eq!(
        dims(&std::fs::read(s.path("public/img/ladder-800w.png")).unwrap()),
        (800, 400)
    );
    // The figure's own widths and its caption.
    assert!(html.contains(r#"<img src="/atlas/roles/team-600w.jpg" width="600" height="300" alt="The team" srcset="/atlas/roles/team-300w.jpg 300w, /atlas/roles/team-600w.jpg 600w""#), "{html}");
    assert!(html.contains("<figcaption>Planning, week 12</figcaption>"));
    // A diagram's lossless WebP copies: offered, or not written at all.
    let webp: Vec<bool> = [480, 800, 1000]
        .iter()
        .map(|w| s.path(&format!("public/img/ladder-{w}w.webp")).exists())
        .collect();
    if html.contains(r#"<source type="image/webp" srcset="/atlas/img/ladder-480w.webp 480w, /atlas/img/ladder-800w.webp 800w, /atlas/img/ladder-1000w.webp 1000w""#) {
        assert_eq!(webp, [true, true, true]);
    } else {
        assert_eq!(webp, [false, false, false], "{html}");
    }
}

/// A page placing figures inside paragraphs, the way an author may.
pub const FIGURES_IN_TEXT: &str = "---\ntitle: Figures in text\n---\n\nInline {{ figure(src=\"/img/ladder.png\", alt=\"The ladder\", caption=\"Inline\") }} and after.\n\nText right before\n{{ figure(src=\"/img/ladder.png\", alt=\"The ladder\") }}\n\n*See {{ figure(src=\"/img/ladder.png\", alt=\"The ladder\") }} here.*\n\n[{{ figure(src=\"/img/ladder.png\", alt=\"The ladder, full size\") }}](/atlas/img/ladder.png)\n\n**{{ figure(src=\"/img/ladder.png\", alt=\"The ladder\") }}** Bold around the call only.\n";

#[test]
fn a_figure_inside_a_paragraph_splits_it() {
    let s = site();
    s.write("content/figures.md", FIGURES_IN_TEXT);
    s.cairn(&["build"]).success();
    let html = s.read("public/figures/index.html");
    let figure = "<figure class=\"figure\">\n<picture>";
    assert_eq!(
        html.matches("<figure class=\"figure\">").count(),
        5,
        "{html}"
    );
    assert!(html.contains(&format!("<p>Inline</p>\n{figure}")), "{html}");
    assert!(html.contains("</figure>\n<p>and after.</p>"), "{html}");
    assert!(
        html.contains(&format!("<p>Text right before</p>\n{figure}")),
        "{html}"
    );
    assert!(
        html.contains(&format!("<p><em>See</em></p>\n{figure}")),
        "{html}"
    );
    assert!(html.contains("</figure>\n<p><em>here.</em></p>"), "{html}");
    // A linked figure keeps its link; bold around nothing else goes.
    assert!(
        html.contains(&format!("<a href=\"/atlas/img/ladder.png\">{figure}")),
        "{html}"
    );
    assert!(html.contains("</figure></a>\n"), "{html}");
    assert!(
        html.contains("</figure>\n<p>Bold around the call only.</p>"),
        "{html}"
    );
    assert!(
        !html.contains("<strong></strong>") && !html.contains("<p></p>"),
        "{html}"
    );
    // No paragraph holds a figure.
    for part in html.split("<p>").skip(1) {
        let inside = part.split("</p>").next().unwrap_or_default();
        assert!(!inside.contains("<figure"), "{html}");
    }
}

#[test]
fn a_second_build_takes_every_copy_from_the_cache() {
    let s = site();
    s.cairn(&["build"]).success();
    let cache = s.path(".cairn/cache/images");
    assert!(s.read(".cairn/cache/images/.gitignore").contains('*'));
    // Mark every cached copy: a copy made again would not carry the mark.
    let mut marked = 0;
    for e in std::fs::read_dir(&cache).unwrap().flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        if name.ends_with(".jpg") {
            let mut bytes = std::fs::read(e.path()).unwrap();
            bytes.extend_from_slice(b"CACHED");
            std::fs::write(e.path(), bytes).unwrap();
            marked += 1;
        }
    }
    assert!(marked >= 6, "{marked}");
    // A text edit: the page is built again, the images are not made again.
    let page = s.read("content/roles/product-manager.md") + "\nMore words.\n";
    s.write("content/roles/product-manager.md", &page);
    s.cairn(&["build"]).success();
    let copy = std::fs::read(s.path("public/roles/team-800w.jpg")).unwrap();
    assert!(copy.ends_with(b"CACHED"));
    // A changed image is made again (and its old copies leave the cache).
    let before = std::fs::read_dir(&cache).unwrap().count();
    s.write_bytes("content/roles/team.jpg", &jpeg(1900, 1000));
    s.cairn(&["build"]).success();
    let copy = std::fs::read(s.path("public/roles/team-800w.jpg")).unwrap();
    assert!(!copy.ends_with(b"CACHED"));
    assert_eq!(dims(&copy), (800, 421));
    assert!(std::fs::read_dir(&cache).unwrap().count() <= before);
}

/// Replaces the file's bytes by zeros of the same length and puts its
/// modification time back (what a stamp looks at); returns that time.
fn zero_keeping_length_and_time(path: &Path) -> std::time::SystemTime {
    let meta = std::fs::metadata(path).unwrap();
    std::fs::write(path, vec![0u8; meta.len() as usize]).unwrap();
    let modified = meta.modified().unwrap();
    let f = std::fs::File::options().write(true).open(path).unwrap();
    f.set_modified(modified).unwrap();
    modified
}

/// An image whose length and modification time are as they were is
/// found by its stamp: neither its header nor its bytes are read.
#[test]
fn an_unchanged_image_is_not_read_again() {
    let s = site();
    s.cairn(&["build"]).success();
    assert!(s.path(".cairn/cache/images/stamps.json").is_file());
    let before = s.read("public/roles/product-manager/index.html");
    let copy = std::fs::read(s.path("public/roles/team-800w.jpg")).unwrap();
    // Its bytes replaced by zeros of the same length, its time put back:
    // a build that read it could not decode it.
    let path = s.path("content/roles/team.jpg");
    let modified = zero_keeping_length_and_time(&path);
    std::fs::remove_dir_all(s.path("public")).unwrap();
    s.cairn(&["build"]).success();
    assert_eq!(s.read("public/roles/product-manager/index.html"), before);
    assert_eq!(
        std::fs::read(s.path("public/roles/team-800w.jpg")).unwrap(),
        copy
    );
    // A new modification time: read again, and found broken.
    let f = std::fs::File::options().write(true).open(&path).unwrap();
    f.set_modified(modified + std::time::Duration::from_secs(1))
        .unwrap();
    drop(f);
    let run = s.cairn(&["build"]);
    run.failure();
    assert!(
        run.stderr.contains("cannot read image `team.jpg`"),
        "{}",
        run.stderr
    );
}

/// A stamp serves only while every copy it names is in the cache: with
/// one gone, the image is read again.
#[test]
fn a_stamp_with_a_copy_gone_reads_the_image_again() {
    let s = site();
    s.cairn(&["build"]).success();
    let cache = s.path(".cairn/cache/images");
    let copy = std::fs::read_dir(&cache)
        .unwrap()
        .flatten()
        .find(|e| e.file_name().to_string_lossy().ends_with(".jpg"))
        .unwrap();
    std::fs::remove_file(copy.path()).unwrap();
    // The image unreadable but its length and time as they were: only a
    // build that reads it fails.
    zero_keeping_length_and_time(&s.path("content/roles/team.jpg"));
    let run = s.cairn(&["build"]);
    run.failure();
    assert!(
        run.stderr.contains("cannot read image `team.jpg`"),
        "{}",
        run.stderr
    );
}

#[test]
fn image_mistakes_are_reported_at_their_lines_all_at_once() {
    let s = TestSite::fixture("typed");
    s.write_bytes("content/roles/broken.png", b"\x89PNG\r\n\x1a\nnot really");
    s.write_bytes("content/roles/ok.png", &png(100, 50));
    s.write("content/roles/notes.txt", "not a picture");
    s.write(
        "content/roles/product-manager.md",
        "---\ntitle: Product Manager\nsummary: Owns the why.\ntrack: strategy\nimage: nowhere.png\n---\n\n![A photo](missing.jpg)\n\n![](ok.png)\n\n![Broken](broken.png)\n\n![Notes](notes.txt)\n\n{{ figure(src=\"gone.png\", alt=\"x\") }}\n\n![Up](../../outside.png)\n",
    );
    let run = s.cairn(&["check"]);
    run.failure();
    let lines = run.error_lines();
    let expect = [
        "content/roles/product-manager.md:5:8: missing image `nowhere.png` (looked for `content/roles/nowhere.png` and `static/nowhere.png`)",
        "content/roles/product-manager.md:8:1: missing image `missing.jpg` (looked for `content/roles/missing.jpg` and `static/missing.jpg`)",
        "content/roles/product-manager.md:10:1: warning: image `ok.png` has no alt text (write it between the brackets: `![what it shows](ok.png)`)",
        "content/roles/product-manager.md:12:1: cannot read image `broken.png`:",
        "content/roles/product-manager.md:14:1: `notes.txt` is not an image cairn can show (use .jpg, .png, .webp, .gif or .svg)",
        "content/roles/product-manager.md:16:1: missing image `gone.png`",
        "content/roles/product-manager.md:18:1: image `../../outside.png` climbs above `content/`",
    ];
    for e in expect {
        assert!(
            lines.iter().any(|l| l.starts_with(e)),
            "no `{e}` in:\n{}",
            run.stderr
        );
    }
}

#[test]
fn svg_and_gif_pass_through_with_their_size() {
    let s = TestSite::fixture("typed");
    s.write(
        "content/roles/flow.svg",
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="640" height="320"><rect width="640" height="320" fill="#0b5cad"/></svg>"##,
    );
    s.write_bytes(
        "content/roles/anim.gif",
        b"GIF89a\x20\x00\x10\x00\x00\x00\x00;",
    );
    s.write(
        "content/roles/product-manager.md",
        "---\ntitle: Product Manager\nsummary: Owns the why.\ntrack: strategy\n---\n\n![Flow](flow.svg)\n\n![Spinner](anim.gif)\n",
    );
    s.cairn(&["build"]).success();
    let html = s.read("public/roles/product-manager/index.html");
    assert!(html.contains(r#"<img src="/atlas/roles/flow.svg" width="640" height="320" alt="Flow" fetchpriority="high">"#), "{html}");
    assert!(html.contains(r#"<img src="/atlas/roles/anim.gif" width="32" height="16" alt="Spinner" loading="lazy" decoding="async">"#), "{html}");
    assert_eq!(
        s.read("public/roles/flow.svg"),
        s.read("content/roles/flow.svg")
    );
}

/// The `Title` and `Description` text chunks of a card, and its size.
fn card(bytes: &[u8]) -> (u32, u32, String, Vec<u8>) {
    let mut reader = png::Decoder::new(Cursor::new(bytes)).read_info().unwrap();
    let info = reader.info();
    let size = (info.width, info.height);
    let title = info
        .utf8_text
        .iter()
        .find(|t| t.keyword == "Title")
        .map(|t| t.get_text().unwrap())
        .unwrap_or_default();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    reader.next_frame(&mut buf).unwrap();
    (size.0, size.1, title, buf)
}

#[test]
fn every_page_gets_a_share_card_with_its_title_and_meta_tags() {
    let s = site();
    s.cairn(&["build"]).success();
    for (page, title) in [
        ("roles/product-manager/", "Product Manager"),
        ("roles/", "Roles"),
        ("", "Typed"),
    ] {
        let html = s.read(&format!("public/{page}index.html"));
        let url = format!("https://example.org/atlas/{page}card.png");
        assert!(
            html.contains(&format!(r#"<meta property="og:image" content="{url}">"#)),
            "{page}: {html}"
        );
        assert!(html.contains(r#"<meta property="og:image:width" content="1200">"#));
        assert!(html.contains(r#"<meta property="og:image:height" content="630">"#));
        assert!(html.contains(r#"<meta name="twitter:card" content="summary_large_image">"#));
        let bytes = std::fs::read(s.path(&format!("public/{page}card.png"))).unwrap();
        let (w, h, text, pixels) = card(&bytes);
        assert_eq!((w, h), (1200, 630), "{page}");
        if !page.is_empty() {
            assert_eq!(text, title);
        }
        // Something is drawn in the title's band: dark pixels of the text.
        let band = &pixels[230 * 1200 * 3..300 * 1200 * 3];
        assert!(
            band.chunks(3).filter(|p| p[0] < 80).count() > 1000,
            "{page}"
        );
    }
    // Two pages, two different cards; the same page, the same bytes.
    let a = std::fs::read(s.path("public/roles/product-manager/card.png")).unwrap();
    let b = std::fs::read(s.path("public/roles/product-owner/card.png")).unwrap();
    assert_ne!(card(&a).3, card(&b).3);
    std::fs::remove_dir_all(s.path(".cairn")).unwrap();
    s.cairn(&["build", "--output", "again"]).success();
    assert_eq!(
        a,
        std::fs::read(s.path("again/roles/product-manager/card.png")).unwrap()
    );
}

#[test]
fn letters_no_card_font_has_are_a_warning_naming_the_page() {
    let s = site();
    let page = s.read("content/roles/product-owner.md").replacen(
        "title: Product Owner",
        "title: \"Product Owner (プロダクトオーナー)\"",
        1,
    );
    s.write("content/roles/product-owner.md", &page);
    let card_warnings = |run: &crate::util::Run| -> Vec<String> {
        run.error_lines()
            .into_iter()
            .filter(|l| l.contains("share card"))
            .map(str::to_string)
            .collect()
    };
    let run = s.cairn(&["build"]);
    assert_eq!(
        card_warnings(run.success()),
        [
            "content/roles/product-owner.md: warning: the share card of this page leaves out `オ`, `ク`, `ダ`, `ト`, `ナ`, `プ`, `ロ` and `ー`: no font in `fonts/` has them"
        ],
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("add a font that has them"),
        "{}",
        run.stderr
    );
    // A second page lacking a letter, and the first page's card taken from
    // the cache: both counted.
    let page = s.read("content/roles/product-manager.md").replacen(
        "summary: Owns the why.",
        "summary: Owns the why 🚀",
        1,
    );
    s.write("content/roles/product-manager.md", &page);
    let run = s.cairn(&["build"]);
    assert_eq!(
        card_warnings(run.success()),
        [
            "content/roles/product-manager.md: warning: the share cards of this page and 1 other page leave out `オ`, `ク`, `ダ`, `ト`, `ナ`, `プ`, `ロ`, `ー` and 1 more: no font in `fonts/` has them"
        ],
        "{}",
        run.stderr
    );
    // Without cards, nothing is left out.
    let toml = s.read("site.toml") + "\n[images]\ncards = false\n";
    s.write("site.toml", &toml);
    let run = s.cairn(&["build"]);
    assert!(card_warnings(run.success()).is_empty(), "{}", run.stderr);
}

#[test]
fn a_page_image_replaces_its_card_and_cards_turn_off() {
    let s = site();
    let page = s.read("content/roles/product-manager.md").replacen(
        "track: strategy\n",
        "track: strategy\nimage: team.jpg\n",
        1,
    );
    s.write("content/roles/product-manager.md", &page);
    s.cairn(&["build"]).success();
    let html = s.read("public/roles/product-manager/index.html");
    assert!(
        html.contains(
            r#"<meta property="og:image" content="https://example.org/atlas/roles/team.jpg">"#
        ),
        "{html}"
    );
    assert!(html.contains(r#"<meta property="og:image:width" content="2000">"#));
    assert!(!s.path("public/roles/product-manager/card.png").exists());
    let toml = s.read("site.toml") + "\n[images]\ncards = false\n";
    s.write("site.toml", &toml);
    s.cairn(&["build"]).success();
    let html = s.read("public/roles/product-owner/index.html");
    assert!(!html.contains("og:image"), "{html}");
    assert!(html.contains(r#"<meta name="twitter:card" content="summary">"#));
    assert!(!s.path("public/roles/product-owner/card.png").exists());
}

#[test]
fn a_card_is_drawn_once_then_taken_from_the_cache() {
    let s = site();
    s.cairn(&["build"]).success();
    let cache = s.path(".cairn/cache/images");
    for e in std::fs::read_dir(&cache).unwrap().flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        if name.starts_with("card-") {
            let mut bytes = std::fs::read(e.path()).unwrap();
            bytes.extend_from_slice(b"CACHED");
            std::fs::write(e.path(), bytes).unwrap();
        }
    }
    let page = s.read("content/roles/product-owner.md") + "\nAn edit of the body.\n";
    s.write("content/roles/product-owner.md", &page);
    s.cairn(&["build"]).success();
    assert!(
        std::fs::read(s.path("public/roles/product-owner/card.png"))
            .unwrap()
            .ends_with(b"CACHED")
    );
    // A new title: a new card.
    let page = page.replacen("title: Product Owner", "title: Product Owner (PO)", 1);
    s.write("content/roles/product-owner.md", &page);
    s.cairn(&["build"]).success();
    let bytes = std::fs::read(s.path("public/roles/product-owner/card.png")).unwrap();
    assert_eq!(card(&bytes).2, "Product Owner (PO)");
}
