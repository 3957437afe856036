//! Checking the rendered site: every internal `href`/`src` of every HTML
//! page must lead to a file of the output, and every `#fragment` to an `id`
//! in the target page. This catches broken links written by templates and
//! shortcodes, which the Markdown-level checks cannot see.
//!
//! Pure: HTML strings and the set of output paths in, problems out.

use std::collections::{HashMap, HashSet};

use crate::html::{attr_values, attributes, decode_entities};

/// The `http(s)` links of `html` (`href` and `src`), entity-decoded.
pub fn external_links(html: &str) -> Vec<String> {
    attr_values(html, "href")
        .into_iter()
        .chain(attr_values(html, "src"))
        .map(decode_entities)
        .filter(|l| {
            let lower = l.to_ascii_lowercase();
            lower.starts_with("http://") || lower.starts_with("https://")
        })
        .collect()
}

/// A link as it compares with another: entities and `%XX` escapes decoded,
/// so that a Markdown link and the `href` written for it are equal.
pub fn normalized(link: &str) -> String {
    percent_decode(&decode_entities(link))
}

/// `%XX` escapes decoded (invalid ones kept as written).
pub fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let Some(hex) = s.get(i + 1..i + 3)
            && let Ok(b) = u8::from_str_radix(hex, 16)
        {
            out.push(b);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Whether a link leaves the site (a scheme, or protocol-relative).
pub(crate) fn is_external(link: &str) -> bool {
    if link.starts_with("//") {
        return true;
    }
    match link.find(':') {
        Some(colon) => {
            let scheme = &link[..colon];
            !scheme.is_empty()
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '+' || c == '-' || c == '.')
                && !link[..colon].contains('/')
        }
        None => false,
    }
}

/// Resolves `link` found on the page at output path `page_rel` to an output
/// path (and fragment). `None` for links this check does not follow.
fn resolve(
    link: &str,
    page_rel: &str,
    base_path: &str,
) -> Option<Result<(String, Option<String>), String>> {
    let link = decode_entities(link);
    if link.is_empty() || is_external(&link) {
        return None;
    }
    let (path, fragment) = match link.split_once('#') {
        Some((p, f)) => (p.to_string(), Some(percent_decode(f))),
        None => (link.clone(), None),
    };
    let path = path.split(['?']).next().unwrap_or_default().to_string();
    let dir = page_rel.rsplit_once('/').map_or("", |(d, _)| d);
    let joined = if path.is_empty() {
        return Some(Ok((page_rel.to_string(), fragment)));
    } else if let Some(abs) = path.strip_prefix('/') {
        let base = base_path.trim_start_matches('/');
        match abs.strip_prefix(base) {
            Some(rest) => rest.to_string(),
            None if format!("{abs}/") == base => String::new(),
            None => {
                return Some(Err(format!(
                    "points outside the site's base path `{base_path}`"
                )));
            }
        }
    } else if dir.is_empty() {
        path
    } else {
        format!("{dir}/{path}")
    };
    // Normalise `.` and `..`.
    let mut parts: Vec<&str> = Vec::new();
    for seg in joined.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                if parts.pop().is_none() {
                    return Some(Err("climbs above the site root".into()));
                }
            }
            s => parts.push(s),
        }
    }
    let mut rel = percent_decode(&parts.join("/"));
    if joined.ends_with('/') || rel.is_empty() {
        if !rel.is_empty() {
            rel.push('/');
        }
        rel.push_str("index.html");
    }
    Some(Ok((rel, fragment)))
}

/// What the link check needs of one page: the ids it defines and the links
/// it writes (`href` and `src`, each once, in order).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PageScan {
    /// `id` and `name` attribute values.
    pub ids: HashSet<String>,
    /// Link targets as written.
    pub links: Vec<String>,
}

/// Scans one page's HTML.
pub fn scan(html: &str) -> PageScan {
    let mut ids = HashSet::new();
    let mut links: Vec<String> = Vec::new();
    let mut seen: HashSet<&str> = HashSet::new();
    attributes(html, |name, value| match name {
        "href" | "src" if seen.insert(value) => links.push(value.to_string()),
        "id" | "name" => {
            ids.insert(if value.contains('&') {
                decode_entities(value)
            } else {
                value.to_string()
            });
        }
        _ => {}
    });
    PageScan { ids, links }
}

/// What is wrong with `link` on the page at `rel`, if anything.
pub fn link_problem(
    link: &str,
    rel: &str,
    files: &HashSet<String>,
    scans: &HashMap<String, PageScan>,
    base_path: &str,
) -> Option<String> {
    match resolve(link, rel, base_path) {
        None => None,
        Some(Err(m)) => Some(m),
        Some(Ok((target, fragment))) => {
            // A folder link without its slash still works on most hosts
            // through a redirect; accept it if the folder's index exists.
            let folder = format!("{target}/index.html");
            let target = if files.contains(&target) {
                target
            } else if files.contains(&folder) {
                folder
            } else {
                return Some(format!(
                    "leads to `/{target}`, which the site does not have"
                ));
            };
            let f = fragment.filter(|f| !f.is_empty())?;
            let t = scans.get(&target)?;
            (!t.ids.contains(&f))
                .then(|| format!("has no target: `/{target}` has no element with id `{f}`"))
        }
    }
}

/// The problems of every distinct root-relative link (`/...`) of `scans`:
/// they do not depend on the page they are on, and most pages share most
/// of them (navigation), so each is checked once.
pub fn absolute_problems(
    files: &HashSet<String>,
    scans: &HashMap<String, PageScan>,
    base_path: &str,
) -> Memo {
    use rayon::prelude::*;
    let unique: HashSet<&str, ahash::RandomState> = scans
        .values()
        .flat_map(|s| s.links.iter().map(String::as_str))
        .filter(|l| l.starts_with('/') && !l.starts_with("//"))
        .collect();
    unique
        .into_par_iter()
        .map(|l| (l.to_string(), link_problem(l, "", files, scans, base_path)))
        .collect()
}

/// The problem (or none) of each distinct root-relative link of a site;
/// looked up once per link of every page, hence the faster hash.
pub type Memo = HashMap<String, Option<String>, ahash::RandomState>;

/// Checks the links of the page at `rel` against the output paths `files`
/// and the ids of the scanned pages; `memo` holds the problems of
/// root-relative links (see [`absolute_problems`]).
pub fn check_page(
    rel: &str,
    scan: &PageScan,
    files: &HashSet<String>,
    scans: &HashMap<String, PageScan>,
    base_path: &str,
    memo: &Memo,
) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for link in &scan.links {
        let problem = match memo.get(link) {
            Some(p) => p.clone(),
            None => link_problem(link, rel, files, scans, base_path),
        };
        if let Some(m) = problem {
            out.push((link.clone(), m));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One broken link found in a page.
    #[derive(Debug, Clone, PartialEq, Eq)]
    struct Broken {
        /// Index of the page (in the slice given to [`check`]).
        page: usize,
        /// The link as written.
        link: String,
        /// What is wrong.
        message: String,
    }

    /// Checks every internal link of `pages` (output path, HTML) against the
    /// output paths in `files` and the ids of the target pages.
    fn check(pages: &[(&str, &str)], files: &HashSet<&str>, base_path: &str) -> Vec<Broken> {
        use rayon::prelude::*;
        let scans: HashMap<String, PageScan> = pages
            .par_iter()
            .map(|(rel, html)| (rel.to_string(), scan(html)))
            .collect();
        let files: HashSet<String> = files.iter().map(|f| f.to_string()).collect();
        let mut out = Vec::new();
        for (i, (rel, _)) in pages.iter().enumerate() {
            for (link, message) in check_page(
                rel,
                &scans[*rel],
                &files,
                &scans,
                base_path,
                &Memo::default(),
            ) {
                out.push(Broken {
                    page: i,
                    link,
                    message,
                });
            }
        }
        out
    }

    #[test]
    fn resolves_relative_absolute_and_fragments() {
        let r = |l: &str| resolve(l, "roles/pm/index.html", "/atlas/");
        assert_eq!(
            r("/atlas/roles/po/"),
            Some(Ok(("roles/po/index.html".into(), None)))
        );
        assert_eq!(r("/atlas/"), Some(Ok(("index.html".into(), None))));
        assert_eq!(r("/atlas"), Some(Ok(("index.html".into(), None))));
        assert_eq!(
            r("../po/#x"),
            Some(Ok(("roles/po/index.html".into(), Some("x".into()))))
        );
        assert_eq!(
            r("#top"),
            Some(Ok(("roles/pm/index.html".into(), Some("top".into()))))
        );
        assert_eq!(
            r("/atlas/style.css?v=1"),
            Some(Ok(("style.css".into(), None)))
        );
        assert_eq!(
            r("/atlas/caf%C3%A9/"),
            Some(Ok(("café/index.html".into(), None)))
        );
        assert!(r("/other/").unwrap().is_err());
        assert!(r("../../../../x").unwrap().is_err());
        assert_eq!(r("https://example.org/"), None);
        assert_eq!(r("mailto:a@b.c"), None);
        assert_eq!(r("//cdn.example.org/x.js"), None);
    }

    #[test]
    fn finds_broken_links_and_fragments() {
        let a = r##"<a href="/b/">ok</a><a href="/b/#there">ok</a><a href="/b/#nowhere">bad</a><img src="/missing.png"><a href="#self">self</a><h2 id="self">S</h2>"##;
        let b = r#"<h2 id="there">T</h2><a href="https://x.org/">ext</a>"#;
        let pages = [("index.html", a), ("b/index.html", b)];
        let files: HashSet<&str> = ["index.html", "b/index.html"].into_iter().collect();
        let broken = check(&pages, &files, "/");
        let links: Vec<&str> = broken.iter().map(|b| b.link.as_str()).collect();
        assert_eq!(links, ["/b/#nowhere", "/missing.png"]);
        assert!(broken[0].message.contains("no element with id `nowhere`"));
    }
}
