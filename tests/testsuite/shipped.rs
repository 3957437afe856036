//! The shipped Product Career Atlas builds, and every page the home page
//! links to exists.

use std::path::Path;

use crate::util::{TestSite, copy_dir};

pub fn shipped_site() -> TestSite {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let s = TestSite::empty();
    std::fs::copy(repo.join("site.toml"), s.path("site.toml")).unwrap();
    copy_dir(&repo.join("content"), &s.path("content"));
    copy_dir(&repo.join("data"), &s.path("data"));
    s
}

/// Root-relative link targets in `html`, as output paths.
pub fn internal_targets(html: &str) -> Vec<String> {
    html.split("href=\"")
        .skip(1)
        .filter_map(|part| {
            let href = &part[..part.find('"')?];
            let href = href.split('#').next()?;
            if !href.starts_with('/') || href.starts_with("//") {
                return None;
            }
            let rel = href.trim_start_matches('/');
            Some(if rel.is_empty() || rel.ends_with('/') {
                format!("{rel}index.html")
            } else {
                rel.to_string()
            })
        })
        .collect()
}

#[test]
fn shipped_site_builds_and_home_links_resolve() {
    let s = shipped_site();
    let run = s.cairn(&["build"]);
    run.success();
    assert!(
        run.stderr.is_empty(),
        "no warnings expected: {}",
        run.stderr
    );
    let home = s.read("public/index.html");
    let targets = internal_targets(&home);
    assert!(targets.len() >= 10, "{targets:?}");
    for t in targets {
        assert!(
            s.path(&format!("public/{t}")).exists(),
            "home links to missing {t}"
        );
    }
}

const ROLES: [&str; 11] = [
    "product-manager",
    "product-owner",
    "senior-product-manager",
    "group-principal-product-manager",
    "director-of-product",
    "vp-of-product-cpo",
    "senior-product-owner",
    "scrum-master",
    "agile-coach",
    "ai-product-manager",
    "ai-product-owner",
];

const KPIS: [&str; 17] = [
    "revenue-growth",
    "monthly-recurring-revenue",
    "average-revenue-per-user",
    "customer-lifetime-value",
    "market-share",
    "net-promoter-score",
    "customer-satisfaction",
    "churn-rate",
    "session-time",
    "click-through-rate",
    "team-velocity",
    "sprint-goal-completion-rate",
    "cycle-time",
    "escaped-defects",
    "precision",
    "recall",
    "f1-score",
];

const FRAMEWORKS: [&str; 7] = [
    "scrum",
    "agile",
    "safe",
    "okrs",
    "large-enterprise",
    "startup",
    "mid-size-company",
];

#[test]
fn shipped_site_has_every_role_kpi_and_framework_within_two_clicks() {
    let s = shipped_site();
    s.cairn(&["build"]).success();
    let home = internal_targets(&s.read("public/index.html"));
    // One click: everything the home page links to; two clicks: what those
    // pages link to.
    let mut reach: std::collections::BTreeSet<String> = home.iter().cloned().collect();
    for t in &home {
        if t.ends_with(".html") && s.path(&format!("public/{t}")).exists() {
            reach.extend(internal_targets(&s.read(&format!("public/{t}"))));
        }
    }
    for (coll, slugs) in [
        ("roles", &ROLES[..]),
        ("kpis", &KPIS[..]),
        ("frameworks", &FRAMEWORKS[..]),
    ] {
        for slug in slugs {
            let page = format!("{coll}/{slug}/index.html");
            assert!(s.path(&format!("public/{page}")).exists(), "{page} missing");
            assert!(
                reach.contains(&page),
                "{page} is more than two clicks from home"
            );
        }
    }
    for faq in ["po-to-pm", "best-path-to-leadership", "startup-pm-or-po"] {
        assert!(s.path(&format!("public/faqs/{faq}/index.html")).exists());
    }
    for guide in [
        "pm-vs-po",
        "organisations-and-frameworks",
        "career-paths-and-pay",
        "ai-product-roles",
        "from-strategy-to-backlog",
    ] {
        let html = s.read(&format!("public/guides/{guide}/index.html"));
        assert!(
            html.contains("<table class=\"compare") || html.contains("chart-"),
            "{guide} uses a generated table or chart"
        );
    }
}

#[test]
fn shipped_pm_vs_po_comparison_has_the_six_dimensions() {
    let s = shipped_site();
    s.cairn(&["build"]).success();
    let html = s.read("public/compare/product-manager-vs-product-owner/index.html");
    let rows: Vec<&str> = html
        .split("<th scope=\"row\" role=\"rowheader\">")
        .skip(1)
        .map(|r| &r[..r.find("</th>").unwrap()])
        .collect();
    assert_eq!(
        rows,
        [
            "Primary focus",
            "Key stakeholders",
            "Core artifacts",
            "Time horizon",
            "Success metrics",
            "Job-posting language"
        ]
    );
    for other in [
        "ai-product-manager-vs-ai-product-owner",
        "product-owner-vs-scrum-master",
        "senior-product-manager-vs-senior-product-owner",
    ] {
        assert!(
            s.path(&format!("public/compare/{other}/index.html"))
                .exists(),
            "{other}"
        );
    }
    let roles = s.read("public/roles/index.html");
    assert!(roles.contains("chart-ladder") && roles.contains("chart-range"));
    let faq = s.read("public/faqs/index.html");
    assert!(faq.contains("\"@type\":\"FAQPage\""));
}

/// Lowercased words of a text, apostrophes dropped.
fn words(text: &str) -> Vec<String> {
    text.to_lowercase()
        .replace(['\'', '’'], "")
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

#[test]
fn shipped_content_shares_no_eight_word_run_with_the_seed() {
    let seed_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/seed");
    let Ok(entries) = std::fs::read_dir(&seed_dir) else {
        eprintln!("skipping: no seed article at {}", seed_dir.display());
        return;
    };
    let mut grams = std::collections::HashSet::new();
    for e in entries.flatten() {
        let w = words(&std::fs::read_to_string(e.path()).unwrap());
        for g in w.windows(8) {
            grams.insert(g.join(" "));
        }
    }
    assert!(grams.len() > 1000, "the seed was read");
    let mut shared = Vec::new();
    let content = Path::new(env!("CARGO_MANIFEST_DIR")).join("content");
    for entry in walk(&content) {
        let w = words(&std::fs::read_to_string(&entry).unwrap());
        for g in w.windows(8) {
            let g = g.join(" ");
            if grams.contains(&g) {
                shared.push(format!(
                    "{}: {g}",
                    entry.strip_prefix(&content).unwrap().display()
                ));
            }
        }
    }
    assert!(
        shared.is_empty(),
        "runs of eight words copied from the seed:\n{}",
        shared.join("\n")
    );
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else if p.extension().is_some_and(|x| x == "md") {
            out.push(p);
        }
    }
    out.sort();
    out
}

/// Issue 20: the FAQ index listed every question twice (cards, then a
/// matrix of its one field); a `kind = "faq"` collection gets no matrix,
/// other collections keep theirs.
#[test]
fn the_faq_index_lists_each_question_once() {
    let s = shipped_site();
    s.cairn(&["build"]).success();
    let faqs = s.read("public/faqs/index.html");
    assert!(
        !faqs.contains("class=\"matrix"),
        "no matrix on the FAQ index"
    );
    let question = "What does an AI Product Manager need beyond classic product skills?";
    // In the page's main content (the sidebar and the JSON-LD name it too).
    let main = &faqs[faqs.find("<main").unwrap()..faqs.find("</main>").unwrap()];
    assert_eq!(main.matches(question).count(), 1, "the question once");
    assert!(
        s.read("public/roles/index.html")
            .contains("class=\"matrix stack\"")
    );
}

/// Issue 22 on the shipped atlas: the salary pages' dollar amounts stay
/// prices, the KPI formulas are MathML, the guides have callouts and an
/// embed, and glossary terms link.
#[test]
fn the_atlas_uses_knowledge_base_markdown() {
    let s = shipped_site();
    s.cairn(&["build"]).success();
    for page in [
        "faqs/salary-gap",
        "roles/senior-product-manager",
        "roles/senior-product-owner",
    ] {
        let html = s.read(&format!("public/{page}/index.html"));
        assert!(!html.contains("<math"), "{page}: a price became math");
        assert!(html.contains("$110,000"), "{page}");
    }
    let clv = s.read("public/kpis/customer-lifetime-value/index.html");
    assert!(clv.contains("<math><mtext>CLV</mtext>"), "{clv}");
    let guide = s.read("public/guides/pm-vs-po/index.html");
    assert!(guide.contains("class=\"callout callout-warning\""));
    assert_eq!(guide.matches("<div class=\"embed\">").count(), 2);
    let career = s.read("public/guides/career-paths-and-pay/index.html");
    assert!(career.contains("class=\"callout callout-tip\""));
    assert!(career.contains("<a class=\"autolink\" href=\"/roles/product-owner/\""));
    // Issue 23: the track of the roles is a taxonomy.
    let track = s.read("public/roles/track/strategy/index.html");
    assert!(track.contains("<h1>Track: Strategy</h1>"), "{track}");
    assert!(
        track.contains("/roles/product-manager/\">Product Manager</a>"),
        "{track}"
    );
    // The collections are exported, and the salary bands come from
    // data/salary-bands.yaml.
    for coll in ["roles", "kpis", "frameworks", "faqs", "guides"] {
        assert!(
            s.path(&format!("public/data/{coll}.json")).is_file(),
            "{coll}"
        );
        assert!(
            s.path(&format!("public/data/{coll}.schema.json")).is_file(),
            "{coll}"
        );
    }
    assert!(career.contains("<figure class=\"data-table\">"), "{career}");
}

/// Issue 28: the seed gives the senior PM's pay as "$140,000 – $180,000+";
/// the atlas keeps the "+" in the data table, the roles table, the
/// comparison and the range chart.
#[test]
fn the_senior_pm_pay_stays_open_ended_everywhere_it_is_shown() {
    let s = shipped_site();
    s.cairn(&["build"]).success();
    let career = s.read("public/guides/career-paths-and-pay/index.html");
    assert!(
        career.contains("<th scope=\"row\"><a href=\"/roles/senior-product-manager/\">Senior Product Manager</a></th><td>Senior</td><td>140,000–180,000+ USD</td>"),
        "{career}"
    );
    assert!(
        career.contains("Senior Product Owner</a></th><td>Senior</td><td>110,000–140,000 USD</td>"),
        "{career}"
    );
    // The range chart: "180k+" and an arrowhead past the bar, on the
    // senior PM's bar only (once in each of the chart's two drawings).
    assert!(career.contains(">140k–180k+</tspan>"), "{career}");
    assert_eq!(career.matches("chart-open").count(), 2, "{career}");
    assert!(career.contains("Senior Product Manager: 140,000–180,000+ USD"));
    let roles = s.read("public/roles/index.html");
    assert!(roles.contains("140,000–180,000+ USD"), "the roles table");
    assert!(roles.contains("110,000–150,000 USD"), "the roles table");
    let compare =
        s.read("public/compare/senior-product-manager-vs-senior-product-owner/index.html");
    assert!(compare.contains("140,000–180,000+ USD"), "{compare}");
    let entry = s.read("public/roles/senior-product-manager/index.html");
    assert!(entry.contains("140,000–180,000+ USD"), "{entry}");
    // Data out: the export says so too.
    let json = s.read("public/data/roles.json");
    assert!(
        json.contains("\"max\":180000.0,\"max_open\":true,\"min\":140000.0"),
        "{json}"
    );
}

/// Issue 28: what the accuracy pass fixed stays fixed. Each check is a
/// claim the seed does not make, or a link the seed does not support.
#[test]
fn the_atlas_keeps_to_what_its_source_says() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let read = |p: &str| std::fs::read_to_string(repo.join(p)).unwrap();
    let front = |p: &str, key: &str| -> String {
        let text = read(p);
        let line = text
            .lines()
            .find(|l| l.starts_with(&format!("{key}:")))
            .unwrap_or_else(|| panic!("{p} has no {key}"));
        line[key.len() + 1..].trim().to_string()
    };
    // The pay figures have no stated country or publisher.
    let mut all = read("site.toml");
    for f in walk(&repo.join("content")) {
        all.push_str(&std::fs::read_to_string(f).unwrap());
    }
    for claim in [
        "US salary",
        "US ranges",
        "US figures",
        "published by Techademy",
        "Sprint ceremonies",
        "almost always titled",
        "one of the most common moves",
        "rise in churn",
        "what each step pays",
    ] {
        assert!(!all.contains(claim), "the atlas says {claim:?} again");
    }
    // Metrics and owners as the seed gives them: churn is the PM's (in the
    // Spotify story), precision the AI PO's; the AI PM sets the target.
    assert_eq!(
        front("content/kpis/churn-rate.md", "owners"),
        "[product-manager]"
    );
    assert_eq!(
        front("content/kpis/precision.md", "owners"),
        "[ai-product-owner]"
    );
    assert!(!front("content/roles/ai-product-manager.md", "kpis").contains("precision"));
    // The body of the senior PO page says some move to product manager.
    assert!(
        front("content/roles/senior-product-owner.md", "next_roles").contains("product-manager")
    );
    // The startup vision: the seed says three years in one place and 18
    // months in another; both pages give the span.
    for p in [
        "content/frameworks/startup.md",
        "content/faqs/startup-pm-or-po.md",
    ] {
        let t = read(p);
        assert!(t.contains("18 months") && t.contains("three years"), "{p}");
    }
}
