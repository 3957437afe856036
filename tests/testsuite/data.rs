//! Issue 23, data in: files under `data/` for templates (`data.NAME`,
//! `load_data`) and the `table` shortcode; parse errors at
//! `data/FILE:LINE:COL`; `[data.NAME]` schemas checked with the messages
//! front-matter gets.

use crate::util::TestSite;

const BANDS: &str =
    "role,level,min,max\nproduct-manager,senior,120000,150000\nproduct-owner,mid,90000,110000\n";

fn site() -> TestSite {
    TestSite::fixture("typed")
        .file("data/bands.csv", BANDS)
        .file("data/teams/eu.yaml", "size: 12\ncities: [Berlin, Lisbon]\n")
        .file("data/notes.json", "{\"b\": 1, \"a\": \"two\"}\n")
        .file("data/limits.toml", "[[limit]]\nname = \"wip\"\nvalue = 3\n")
        .file(
            "templates/shortcodes/headcount.html",
            "<p class=\"hc\">{{ data.teams.eu.size }} in {{ data.teams.eu.cities | join(sep=\"/\") }}; {{ data.limits.limit[0].name }}; {% set x = load_data(path=\"extra/facts.json\") %}{{ x.answer }}; {% for k, v in data.notes %}{{ k }}{% endfor %}</p>",
        )
        .file("extra/facts.json", "{\"answer\": 42}\n")
        .file(
            "content/pay.md",
            "---\ntitle: Pay\n---\n\n{{ table(data=\"bands\", caption=\"Salary bands\") }}\n\n{{ table(data=\"bands\", columns=[\"role\", \"max\"]) }}\n\n{{ headcount() }}\n",
        )
}

#[test]
fn data_files_reach_templates_and_tables() {
    let s = site();
    let run = s.cairn(&["build"]);
    run.success();
    assert!(run.stderr.is_empty(), "{}", run.stderr);
    let html = s.read("public/pay/index.html");
    assert!(html.contains("<caption>Salary bands</caption>"), "{html}");
    assert!(html.contains("<th scope=\"col\">role</th><th scope=\"col\">level</th><th scope=\"col\" class=\"num\">min</th>"), "{html}");
    assert!(
        html.contains(
            "<th scope=\"row\">product-manager</th><td>senior</td><td class=\"num\">120000</td>"
        ),
        "{html}"
    );
    // Only the columns asked for, and the data's name as the caption.
    assert!(html.contains("<caption>bands</caption>"), "{html}");
    assert!(
        html.contains("<th scope=\"col\">role</th><th scope=\"col\" class=\"num\">max</th></tr>"),
        "{html}"
    );
    // Templates: nested names, TOML arrays of tables, load_data by path,
    // JSON keys in the file's order.
    assert!(
        html.contains("<p class=\"hc\">12 in Berlin/Lisbon; wip; 42; ba</p>"),
        "{html}"
    );
}

#[test]
fn a_schema_types_the_records_and_the_table_shows_them_by_type() {
    let toml = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/typed/site.toml"),
    )
    .unwrap()
        + "\n[data.bands.fields]\nrole = { type = \"ref\", to = \"roles\", label = \"Role\" }\nlevel = { type = \"enum\", values = [\"mid\", \"senior\"], labels = { mid = \"Mid-level\" } }\nmin = { type = \"int\", label = \"From (USD)\" }\nmax = { type = \"int\", required = true }\n";
    let s = site().file("site.toml", &toml);
    s.cairn(&["build"]).success();
    let html = s.read("public/pay/index.html");
    assert!(html.contains("<th scope=\"col\">Role</th><th scope=\"col\">Level</th><th scope=\"col\" class=\"num\">From (USD)</th>"), "{html}");
    assert!(html.contains("<th scope=\"row\"><a href=\"/atlas/roles/product-manager/\">Product Manager</a></th><td>Senior</td><td class=\"num\">120,000</td>"), "{html}");
    assert!(html.contains("<td>Mid-level</td>"), "{html}");
}

#[test]
fn data_parse_errors_are_positioned_and_all_reported() {
    let s = TestSite::fixture("typed")
        .file("data/a.json", "{\n  \"a\": 1,\n  \"b\": \n}\n")
        .file("data/b.toml", "x = 1\ny = [1,\n")
        .file("data/c.yaml", "a: 1\nb: [1, 2\nc: 3\n")
        .file("data/d.csv", "role,min,max\npm,1,2\npo,3\n")
        .file("data/e.csv", "role,min,role\n")
        .file("data/readme.txt", "not data");
    let run = s.cairn(&["check"]);
    run.failure();
    let lines = run.error_lines();
    let has = |prefix: &str| lines.iter().any(|l| l.starts_with(prefix));
    assert!(has("data/a.json:4:1: "), "{}", run.stderr);
    assert!(has("data/b.toml:2:8: unclosed array"), "{}", run.stderr);
    assert!(has("data/c.yaml:3:2: "), "{}", run.stderr);
    assert!(
        lines.contains(&"data/d.csv:3:1: this row has 2 cells, but the header row has 3"),
        "{}",
        run.stderr
    );
    assert!(
        lines.contains(
            &"data/e.csv:1:10: column `role` is named twice in the header row (columns 1 and 3)"
        ),
        "{}",
        run.stderr
    );
    assert!(
        lines.contains(&"data/readme.txt: warning: not a data file; it is left out"),
        "{}",
        run.stderr
    );
}

#[test]
fn schema_errors_read_like_front_matter_errors() {
    let toml = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/typed/site.toml"),
    )
    .unwrap()
        + "\n[data.bands.fields]\nrole = { type = \"ref\", to = \"roles\" }\nlevel = { type = \"enum\", values = [\"mid\", \"senior\"] }\nmin = { type = \"int\" }\nmax = { type = \"int\", required = true }\n\n[data.people.fields]\nname = { type = \"string\", required = true }\nsince = { type = \"date\" }\n\n[data.ghost.fields]\nx = { type = \"int\" }\n";
    let s = TestSite::fixture("typed")
        .file("site.toml", &toml)
        .file(
            "data/bands.csv",
            "role,level,min,max,extra\nproduct-manger,senior,lots,150000,1\nproduct-owner,junior,90000,,2\n",
        )
        .file(
            "data/people.yaml",
            "- name: Ada\n  since: 2024-13-01\n- nmae: Bob\n",
        );
    let run = s.cairn(&["check"]);
    run.failure();
    let lines = run.error_lines();
    for want in [
        "data/bands.csv:1:20: unknown column `extra` in data `bands`",
        "data/bands.csv:2:1: unknown entry `product-manger` in collection `roles` (did you mean `product-manager`?)",
        "data/bands.csv:2:23: `min` must be an integer, found a string",
        "data/bands.csv:3:15: `junior` is not a value of `level`",
        "data/bands.csv:3:28: missing required field `max` (an integer)",
        "data/people.yaml:3:3: unknown key `nmae` in data `people` (did you mean `name`?)",
        "data/people.yaml:3:3: missing required field `name` (a string)",
        "site.toml:",
    ] {
        assert!(
            lines.iter().any(|l| l.starts_with(want)),
            "no line starting {want:?} in:\n{}",
            run.stderr
        );
    }
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("data/people.yaml:2:10: `since` value `2024-13-01`")),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("`[data.ghost]` declares a schema for a missing data file"),
        "{}",
        run.stderr
    );
}

#[test]
fn table_mistakes_are_errors_at_the_call() {
    let s = site().file(
        "content/pay.md",
        "---\ntitle: Pay\n---\n\n{{ table(data=\"band\") }}\n\n{{ table(data=\"bands\", columns=[\"role\", \"maxx\"]) }}\n\n{{ table(data=\"teams/eu\") }}\n\n{{ table(caption=\"x\") }}\n",
    );
    let run = s.cairn(&["check"]);
    run.failure();
    let lines = run.error_lines();
    for want in [
        "content/pay.md:5:1: no data file `band` under `data/` (did you mean `bands`?)",
        "content/pay.md:7:1: data `bands` has no column `maxx` (did you mean `max`?); its columns are `role`, `level`, `min`, `max`",
        "content/pay.md:9:1: data `teams/eu` is a table, not a list of records",
        "content/pay.md:11:1: `table` needs `data=\"NAME\"`",
    ] {
        assert!(
            lines.iter().any(|l| l.starts_with(want)),
            "no line starting {want:?} in:\n{}",
            run.stderr
        );
    }
}

#[test]
fn load_data_never_reads_outside_the_site_root() {
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("secret.json"), "{\"pin\": 1234}").unwrap();
    for (path, why) in [
        ("../secret.json", "is not a relative path below it"),
        ("/etc/hostname", "is not a relative path below it"),
        ("linked/secret.json", "leads outside it through a link"),
    ] {
        let s = TestSite::fixture("typed")
            .file(
                "templates/shortcodes/peek.html",
                &format!("{{% set x = load_data(path=\"{path}\") %}}{{{{ x.pin }}}}"),
            )
            .file("content/p.md", "---\ntitle: P\n---\n\n{{ peek() }}\n");
        #[cfg(unix)]
        std::os::unix::fs::symlink(outside.path(), s.path("linked")).unwrap();
        let run = s.cairn(&["build"]);
        run.failure();
        assert!(run.stderr.contains(why), "{path}: {}", run.stderr);
        assert!(!run.stderr.contains("1234"), "{}", run.stderr);
        assert!(!s.path("public/p/index.html").exists());
    }
}
