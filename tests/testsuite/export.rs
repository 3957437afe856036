//! Issue 23, data out: `cairn schema` (front-matter schemas an editor
//! checks while typing) and `[export] json` (each collection as JSON with
//! its JSON Schema), both validated with a JSON Schema validator.

use std::path::Path;

use serde_json::Value;

use crate::util::TestSite;

fn json(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap())
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The front-matter of a content file as JSON (as an editor's YAML
/// server sees it).
fn front_matter(text: &str) -> Value {
    let yaml = text
        .strip_prefix("---\n")
        .and_then(|t| t.split("\n---").next())
        .unwrap_or_default();
    serde_yaml::from_str(yaml).unwrap()
}

/// Schema errors as (instance path, message).
fn schema_errors(schema: &Value, instance: &Value) -> Vec<(String, String)> {
    let v = jsonschema::validator_for(schema).expect("a valid schema");
    v.iter_errors(instance)
        .map(|e| (e.instance_path().to_string(), e.to_string()))
        .collect()
}

#[test]
fn every_shipped_entry_validates_against_the_schema_of_its_collection() {
    let s = crate::shipped::shipped_site();
    let run = s.cairn(&["schema"]);
    run.success();
    assert!(run.stdout.contains("\"yaml.schemas\""), "{}", run.stdout);
    let mut checked = 0;
    for coll in ["roles", "kpis", "frameworks", "faqs", "guides"] {
        let schema_path = s.path(&format!(".cairn/schema/{coll}.json"));
        if !schema_path.exists() {
            continue;
        }
        let schema = json(&schema_path);
        assert_eq!(
            schema["$schema"],
            "https://json-schema.org/draft/2020-12/schema"
        );
        for e in std::fs::read_dir(s.path(&format!("content/{coll}"))).unwrap() {
            let p = e.unwrap().path();
            // Collection pages, and translations (`pm.de.md`), which
            // inherit the keys they leave out from their original.
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            if name.starts_with("_index.") || name.trim_end_matches(".md").contains('.') {
                continue;
            }
            let fm = front_matter(&std::fs::read_to_string(&p).unwrap());
            let errors = schema_errors(&schema, &fm);
            assert!(errors.is_empty(), "{}: {errors:?}", p.display());
            checked += 1;
        }
    }
    assert!(checked >= 40, "only {checked} entries checked");
    // The refs of a role are the slugs of the KPIs.
    let roles = json(&s.path(".cairn/schema/roles.json"));
    let kpis = roles["properties"]["kpis"].to_string();
    assert!(kpis.contains("net-promoter-score"), "{kpis}");
}

#[test]
fn the_schema_rejects_what_check_rejects_at_the_same_keys() {
    let s = TestSite::fixture("typed");
    s.cairn(&["schema"]).success();
    let schema = json(&s.path(".cairn/schema/roles.json"));
    let good = s.read("content/roles/product-owner.md");
    assert!(schema_errors(&schema, &front_matter(&good)).is_empty());
    // Each mistake an author makes, alone in an otherwise good entry: the
    // key the schema names, and the key cairn check names.
    let cases = [
        (
            "track: execution",
            "track: executon",
            "/track",
            "`executon` is not a value of `track`",
        ),
        (
            "reports_to: product-manager",
            "reports_to: product-manger",
            "/reports_to",
            "unknown entry `product-manger` in collection `roles`",
        ),
        (
            "summary: ",
            "sumary: ",
            "",
            "missing required field `summary`",
        ),
        (
            "levels: 3",
            "levels: \"3\"",
            "/levels",
            "`levels` must be an integer, found a string",
        ),
    ];
    for (from, to, path, message) in cases {
        assert!(good.contains(from), "the fixture has no {from:?}");
        let bad = good.replacen(from, to, 1);
        let errors = schema_errors(&schema, &front_matter(&bad));
        assert!(
            errors.iter().any(|(p, _)| p == path),
            "{to:?}: the schema reports {errors:?}, not at {path:?}"
        );
        s.write("content/roles/product-owner.md", &bad);
        let run = s.cairn(&["check"]);
        run.failure();
        assert!(
            run.error_lines()
                .iter()
                .any(|l| l.starts_with("content/roles/product-owner.md:") && l.contains(message)),
            "{to:?}: cairn check says\n{}",
            run.stderr
        );
        s.write("content/roles/product-owner.md", &good);
    }
}

#[test]
fn new_entries_name_the_schema_and_vscode_settings_are_merged() {
    let s = TestSite::fixture("typed").file(
        ".vscode/settings.json",
        "{\n  \"editor.tabSize\": 2,\n  \"yaml.schemas\": {\"other.json\": [\"x.yaml\"]},\n  \"a.last\": true\n}\n",
    );
    s.cairn(&["new", "roles", "Before Schema"]).success();
    assert!(
        !s.read("content/roles/before-schema.md")
            .contains("yaml-language-server")
    );
    s.cairn(&["schema", "--vscode"]).success();
    let settings = s.read(".vscode/settings.json");
    let v: Value = serde_json::from_str(&settings).unwrap();
    assert_eq!(v["editor.tabSize"], 2);
    assert_eq!(v["yaml.schemas"]["other.json"][0], "x.yaml");
    assert_eq!(
        v["yaml.schemas"]["./.cairn/schema/roles.json"][0],
        "content/roles/*.md"
    );
    // The user's keys keep their order.
    assert!(settings.find("editor.tabSize").unwrap() < settings.find("a.last").unwrap());
    s.cairn(&["new", "roles", "After Schema"]).success();
    let text = s.read("content/roles/after-schema.md");
    assert!(
        text.starts_with(
            "---\n# yaml-language-server: $schema=../../.cairn/schema/roles.json\ntitle:"
        ),
        "{text}"
    );
    // Settings with comments are not plain JSON: left as they are.
    let jsonc = "{\n  // mine\n  \"editor.tabSize\": 4\n}\n";
    s.write(".vscode/settings.json", jsonc);
    let run = s.cairn(&["schema", "--vscode"]);
    run.failure();
    assert!(run.stderr.contains("not plain JSON"), "{}", run.stderr);
    assert_eq!(s.read(".vscode/settings.json"), jsonc);
    // Nor is a file whose shape cairn does not know rewritten.
    for (text, why) in [
        ("[1, 2]\n", "is not a JSON object"),
        ("{\"yaml.schemas\": 3}\n", "`yaml.schemas` is not an object"),
    ] {
        s.write(".vscode/settings.json", text);
        let run = s.cairn(&["schema", "--vscode"]);
        run.failure();
        assert!(run.stderr.contains(why), "{}", run.stderr);
        assert_eq!(s.read(".vscode/settings.json"), text);
    }
}

#[test]
fn export_writes_each_collection_as_json_valid_against_its_schema() {
    let toml = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/typed/site.toml"),
    )
    .unwrap()
        + "\n[export]\njson = true\ncsv = true\n";
    let s = TestSite::fixture("typed").file("site.toml", &toml);
    s.cairn(&["build"]).success();
    let index = json(&s.path("public/data/index.json"));
    assert_eq!(index["collections"][0]["collection"], "roles");
    assert_eq!(index["collections"][0]["json"], "/atlas/data/roles.json");
    for coll in ["roles", "kpis"] {
        let doc = json(&s.path(&format!("public/data/{coll}.json")));
        let schema = json(&s.path(&format!("public/data/{coll}.schema.json")));
        let errors = schema_errors(&schema, &doc);
        assert!(errors.is_empty(), "{coll}: {errors:?}");
    }
    let roles = json(&s.path("public/data/roles.json"));
    let po = roles["entries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["slug"] == "product-owner")
        .unwrap();
    assert_eq!(po["url"], "/atlas/roles/product-owner/");
    assert_eq!(
        po["permalink"],
        "https://example.org/atlas/roles/product-owner/"
    );
    assert_eq!(
        po["fields"]["reports_to"],
        serde_json::json!({"slug": "product-manager", "title": "Product Manager", "url": "/atlas/roles/product-manager/"})
    );
    assert!(
        po["html"]["reports_to"]
            .as_str()
            .unwrap()
            .contains("<a href=\"/atlas/roles/product-manager/\">")
    );
    let csv = s.read("public/data/roles.csv");
    let header = csv.lines().next().unwrap();
    assert!(
        header.starts_with("slug,title,url,permalink,date,updated,summary"),
        "{header}"
    );
    assert!(header.contains("salary_min,salary_max"), "{header}");
    assert!(!header.contains("kpis"), "lists are not scalar: {header}");
    // Not pages: the sitemap leaves them out.
    assert!(!s.read("public/sitemap.xml").contains("/data/"));
    // The same content gives the same bytes.
    s.cairn(&["build", "--output", "again"]).success();
    for f in [
        "data/roles.json",
        "data/roles.schema.json",
        "data/index.json",
        "data/roles.csv",
    ] {
        assert_eq!(
            s.read(&format!("public/{f}")),
            s.read(&format!("again/{f}")),
            "{f}"
        );
    }
}

#[test]
fn without_export_no_data_folder_and_no_picker() {
    let toml = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/typed/site.toml"),
    )
    .unwrap()
        + "\n[[comparisons]]\ncollection = \"roles\"\nitems = [\"product-manager\", \"product-owner\"]\n";
    let s = TestSite::fixture("typed").file("site.toml", &toml);
    s.cairn(&["build"]).success();
    assert!(!s.path("public/data").exists());
    let html = s.read("public/compare/index.html");
    assert!(
        !html.contains("compare-picker") && !html.contains("compare.js"),
        "{html}"
    );
}
