//! The output folder: guarded, synchronised, untouched by failed builds.

use crate::util::{TestSite, tree};

#[test]
fn failed_build_leaves_previous_output_byte_for_byte() {
    let s = TestSite::fixture("basic");
    s.cairn(&["build"]).success();
    let before = s.tree("public");
    // Change one page (would be rewritten) and break another.
    s.write("content/about.md", "---\ntitle: About changed\n---\n");
    s.write(
        "content/roles/product-manager.md",
        "---\ntitle: [broken\n---\n",
    );
    s.cairn(&["build"]).failure();
    assert_eq!(s.tree("public"), before);
}

/// Every folder under `dir`, relative.
fn folders(dir: &std::path::Path) -> Vec<String> {
    let mut out: Vec<String> = walkdir::WalkDir::new(dir)
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_dir())
        .map(|e| e.path().strip_prefix(dir).unwrap().display().to_string())
        .collect();
    out.sort();
    out
}

#[test]
fn failure_found_after_pages_were_staged_leaves_previous_output_byte_for_byte() {
    let s = TestSite::fixture("basic");
    s.cairn(&["build"]).success();
    let before = s.tree("public");
    let dirs = folders(&s.path("public"));
    // A new page (a new folder), a changed page, and a broken plain link
    // that only the check of the rendered pages finds, after every page
    // has been handed to the output.
    s.write(
        "content/roles/brand-new.md",
        "---\ntitle: Brand New\n---\nNew.\n",
    );
    s.write(
        "content/about.md",
        "---\ntitle: About changed\n---\nSee [nowhere](/nowhere/).\n",
    );
    let run = s.cairn(&["build"]);
    run.failure();
    assert!(
        run.stderr.contains("broken link `/nowhere/`"),
        "{}",
        run.stderr
    );
    assert_eq!(
        s.tree("public"),
        before,
        "no file changed, none left behind"
    );
    assert_eq!(folders(&s.path("public")), dirs, "no folder left behind");
    // A failed first build leaves no output folder at all.
    let run = s.cairn(&["build", "--output", "fresh"]);
    run.failure();
    assert!(!s.path("fresh").exists());
}

#[test]
fn unchanged_rebuild_writes_nothing_and_stale_files_go() {
    let s = TestSite::fixture("basic");
    s.cairn(&["build"]).success();
    let run = s.cairn(&["build"]);
    run.success();
    assert!(run.stdout.contains(" 0 written,"), "{}", run.stdout);
    s.write("public/notes-of-mine.txt", "keep");
    s.write("public/.git/HEAD", "ref");
    s.remove("content/about.md");
    let run = s.cairn(&["build"]);
    run.success();
    // The page and its share card.
    assert!(run.stdout.contains("2 removed"), "{}", run.stdout);
    assert!(!s.path("public/about").exists());
    assert_eq!(s.read("public/notes-of-mine.txt"), "keep");
    assert_eq!(s.read("public/.git/HEAD"), "ref");
}

#[test]
fn rebuild_equals_clean_build() {
    let s = TestSite::fixture("basic");
    s.cairn(&["build"]).success();
    s.write(
        "content/roles/new-role.md",
        "---\ntitle: New Role\n---\nHi\n",
    );
    s.remove("content/kpis/nps.md");
    s.write("content/about.md", "---\ntitle: About two\n---\nChanged\n");
    s.cairn(&["build"]).success();
    let incremental = s.tree("public");
    s.cairn(&["build", "--output", "clean"]).success();
    assert_eq!(incremental, tree(&s.path("clean")));
}

/// Changes the fixture's site title, which is on every page.
fn retitle(s: &TestSite) {
    s.write(
        "site.toml",
        &s.read("site.toml")
            .replace("title = \"Basic\"", "title = \"Basic two\""),
    );
}

#[test]
fn a_rebuild_that_changes_every_page_writes_what_a_clean_build_writes() {
    let s = TestSite::fixture("basic");
    s.cairn(&["build"]).success();
    let before = s.tree("public");
    retitle(&s);
    let run = s.cairn(&["build"]);
    run.success();
    let after = s.tree("public");
    let pages: Vec<&String> = before.keys().filter(|k| k.ends_with(".html")).collect();
    assert!(pages.len() >= 5, "{pages:?}");
    for p in &pages {
        assert_ne!(before[*p], after[*p], "{p} was rewritten");
        assert!(String::from_utf8_lossy(&after[*p]).contains("Basic two"));
    }
    assert!(!s.path("public/.cairn-tmp").exists());
    s.cairn(&["build", "--output", "clean"]).success();
    assert_eq!(after, tree(&s.path("clean")));
}

#[test]
fn hard_linked_copies_of_the_output_keep_their_bytes() {
    let s = TestSite::fixture("basic");
    s.cairn(&["build"]).success();
    let mut before = s.tree("public");
    before.retain(|rel, _| !rel.starts_with(".cairn"));
    // A snapshot of the output made of hard links, as `cp -al` makes.
    for rel in before.keys() {
        let copy = s.path("snapshot").join(rel);
        std::fs::create_dir_all(copy.parent().unwrap()).unwrap();
        std::fs::hard_link(s.path("public").join(rel), copy).unwrap();
    }
    retitle(&s);
    s.cairn(&["build"]).success();
    // Rewritten pages never reuse a file another link still shows.
    assert_eq!(tree(&s.path("snapshot")), before);
    s.cairn(&["build", "--output", "clean"]).success();
    assert_eq!(s.tree("public"), tree(&s.path("clean")));
}

#[test]
fn a_reader_holding_an_output_file_open_keeps_reading_its_old_bytes() {
    use std::io::Read;
    let s = TestSite::fixture("basic");
    s.cairn(&["build"]).success();
    let before = s.tree("public");
    // A web server in the middle of sending some pages.
    let open: Vec<(String, std::fs::File)> = before
        .keys()
        .filter(|rel| rel.ends_with(".html"))
        .map(|rel| {
            (
                rel.clone(),
                std::fs::File::open(s.path("public").join(rel)).unwrap(),
            )
        })
        .collect();
    retitle(&s);
    s.cairn(&["build"]).success();
    for (rel, mut f) in open {
        let mut bytes = Vec::new();
        f.read_to_end(&mut bytes).unwrap();
        assert_eq!(bytes, before[&rel], "{rel} changed under an open reader");
    }
}

#[test]
fn output_guards() {
    let s = TestSite::fixture("basic");
    let refuse = |args: &[&str], msg: &str| {
        let run = s.cairn(args);
        run.failure();
        assert!(run.stderr.contains(msg), "{args:?}: {}", run.stderr);
    };
    refuse(&["build", "--output", "."], "is the site root");
    refuse(&["build", "--output", ".."], "contains the site itself");
    refuse(
        &["build", "--output", "content/out"],
        "lies inside `content/`",
    );
    s.write("elsewhere/site.toml", "");
    refuse(
        &["build", "--output", "elsewhere"],
        "contains `content/` or `site.toml`",
    );
    s.write("mine/photo.jpg", "x");
    refuse(
        &["build", "--output", "mine"],
        "not empty and was not created by cairn",
    );
    // --force overrides only the last case, and keeps the foreign file.
    s.cairn(&["build", "--output", "mine", "--force"]).success();
    assert_eq!(s.read("mine/photo.jpg"), "x");
    assert!(s.path("mine/index.html").exists());
    let run = s.cairn(&["build", "--output", ".", "--force"]);
    run.failure();
    // Nothing was written into the site root.
    assert!(!s.path("index.html").exists());
}

#[test]
fn no_temporary_files_remain() {
    let s = TestSite::fixture("basic");
    s.cairn(&["build"]).success();
    assert!(!s.path("public/.cairn-tmp").exists());
    // A leftover from a killed build is cleaned up by the next one.
    s.write("public/.cairn-tmp/17", "half");
    s.cairn(&["build"]).success();
    assert!(!s.path("public/.cairn-tmp").exists());
}

#[test]
fn nothing_changed_is_detected_and_any_change_rebuilds() {
    let s = TestSite::fixture("links");
    s.write(
        "content/roles/product-manager.md",
        &s.read("content/roles/product-manager.md")
            .replace("tags: [Agile]", "tags: [agile]"),
    );
    let first = s.cairn(&["build"]);
    first.success();
    assert!(first.stderr.contains("warning: tag"), "{}", first.stderr);
    let again = s.cairn(&["build"]);
    again.success();
    assert!(again.stdout.contains("nothing changed"), "{}", again.stdout);
    assert_eq!(again.stderr, first.stderr, "the warnings are printed again");
    // A touched source file makes a real build.
    std::thread::sleep(std::time::Duration::from_millis(20));
    s.write("content/about.md", "---\ntitle: About\n---\nNew.\n");
    let run = s.cairn(&["build"]);
    assert!(!run.stdout.contains("nothing changed"), "{}", run.stdout);
    assert!(s.read("public/about/index.html").contains("New."));
    // A hand-edited output file is noticed and put back.
    s.write("public/index.html", "tampered");
    let run = s.cairn(&["build"]);
    assert!(!run.stdout.contains("nothing changed"), "{}", run.stdout);
    assert!(s.read("public/index.html").contains("Links home"));
    // Other options are another build.
    let run = s.cairn(&["build", "--base-url", "https://other.example/"]);
    assert!(!run.stdout.contains("nothing changed"), "{}", run.stdout);
    assert!(
        s.read("public/index.html")
            .contains("https://other.example/")
    );
}

/// A rebuilt cairn of the same version may write other pages (issue 20's
/// charts were stale after a rebuild): the executable is part of what a
/// build is up to date with.
#[test]
fn another_cairn_executable_rebuilds_an_up_to_date_site() {
    let s = TestSite::fixture("links");
    let exe = s.path("cairn-copy");
    std::fs::copy(env!("CARGO_BIN_EXE_cairn"), &exe).unwrap();
    s.cairn_at(&exe, &["build"]).success();
    let again = s.cairn_at(&exe, &["build"]);
    assert!(again.stdout.contains("nothing changed"), "{}", again.stdout);
    let later = std::time::SystemTime::now() + std::time::Duration::from_secs(3600);
    std::fs::File::options()
        .write(true)
        .open(&exe)
        .unwrap()
        .set_modified(later)
        .unwrap();
    let rebuilt = s.cairn_at(&exe, &["build"]);
    rebuilt.success();
    assert!(
        !rebuilt.stdout.contains("nothing changed"),
        "{}",
        rebuilt.stdout
    );
}

/// Issue 18, case 10: two builds into one folder at once left stray
/// temporary files. The output folder is locked for one writer.
#[test]
fn a_second_cairn_writing_the_same_folder_waits_its_turn_with_an_error() {
    let s = TestSite::fixture("basic");
    s.cairn(&["build"]).success();
    let before = s.tree("public");
    s.write("content/about.md", "---\ntitle: About changed\n---\nNew.\n");
    {
        let held = std::fs::File::open(s.path("public")).unwrap();
        held.lock().unwrap();
        let run = s.cairn(&["build"]);
        run.failure();
        assert!(
            run.stderr.contains("another cairn is writing"),
            "{}",
            run.stderr
        );
        assert_eq!(s.tree("public"), before, "untouched while locked");
    }
    // Really at once: whichever loses says so; nothing stray is left.
    for round in 0..8 {
        s.write(
            "content/about.md",
            &format!("---\ntitle: About {round}\n---\nRound {round}.\n"),
        );
        let root = s.root.clone();
        let other = std::thread::spawn(move || crate::util::run_in(&root, &["build"]));
        let mine = s.cairn(&["build"]);
        let theirs = other.join().unwrap();
        assert!(mine.code == 0 || theirs.code == 0, "{mine:?}\n{theirs:?}");
        for run in [&mine, &theirs] {
            assert!(
                run.code == 0 || run.stderr.contains("another cairn is writing"),
                "{run:?}"
            );
        }
        let stray: Vec<String> = walkdir::WalkDir::new(s.path("public"))
            .into_iter()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.contains("cairn-tmp") || n == ".cairn-building")
            .collect();
        assert!(stray.is_empty(), "round {round}: {stray:?}");
    }
    s.cairn(&["build", "--output", "clean"]).success();
    assert_eq!(s.tree("public"), tree(&s.path("clean")));
}

/// Issue 18, case 11: with fixed modification times (archives, CI caches,
/// `touch -d`), a same-size edit went unseen and the output stayed stale.
#[test]
fn an_edit_that_keeps_size_and_modification_time_is_still_built() {
    let s = TestSite::fixture("basic");
    s.write("content/about.md", "---\ntitle: About\n---\nAlpha.\n");
    let path = s.path("content/about.md");
    let fixed = std::time::UNIX_EPOCH + std::time::Duration::from_secs(315_532_800);
    std::fs::File::options()
        .write(true)
        .open(&path)
        .unwrap()
        .set_modified(fixed)
        .unwrap();
    s.cairn(&["build"]).success();
    s.write("content/about.md", "---\ntitle: About\n---\nOmega.\n");
    std::fs::File::options()
        .write(true)
        .open(&path)
        .unwrap()
        .set_modified(fixed)
        .unwrap();
    let run = s.cairn(&["build"]);
    run.success();
    assert!(!run.stdout.contains("nothing changed"), "{}", run.stdout);
    assert!(s.read("public/about/index.html").contains("Omega."));
}

/// Issue 18, case 11, where there is no status-change time (Windows) or it
/// cannot be trusted: `CAIRN_FINGERPRINT=content` (the default off Unix)
/// vouches for sources by their bytes, so the same edit is seen with no
/// timestamp at all, and a touched but unchanged file is no change.
#[test]
fn content_fingerprints_see_an_edit_that_keeps_size_and_times() {
    let s = TestSite::fixture("basic");
    let env = [("CAIRN_FINGERPRINT", "content")];
    let path = s.path("content/about.md");
    let fixed = std::time::UNIX_EPOCH + std::time::Duration::from_secs(315_532_800);
    let set_fixed = || {
        std::fs::File::options()
            .write(true)
            .open(&path)
            .unwrap()
            .set_modified(fixed)
            .unwrap()
    };
    s.write("content/about.md", "---\ntitle: About\n---\nAlpha.\n");
    set_fixed();
    s.cairn_with(&["build"], &env).success();
    let run = s.cairn_with(&["build"], &env);
    assert!(run.stdout.contains("nothing changed"), "{}", run.stdout);
    s.write("content/about.md", "---\ntitle: About\n---\nOmega.\n");
    set_fixed();
    let run = s.cairn_with(&["build"], &env);
    run.success();
    assert!(!run.stdout.contains("nothing changed"), "{}", run.stdout);
    assert!(s.read("public/about/index.html").contains("Omega."));
    // Rewriting the same bytes (a new status-change time) is no change.
    s.write("content/about.md", "---\ntitle: About\n---\nOmega.\n");
    let run = s.cairn_with(&["build"], &env);
    assert!(run.stdout.contains("nothing changed"), "{}", run.stdout);
}

/// Issue 18, case 7: a file the user put in the output was overwritten by
/// a static file of the same name, and deleted when that file went away.
#[test]
fn a_file_cairn_did_not_write_is_never_overwritten_unasked_or_deleted() {
    let s = TestSite::fixture("basic");
    s.cairn(&["build"]).success();
    s.write("public/google123.html", "site verification\n");
    s.write("static/google123.html", "from static\n");
    let run = s.cairn(&["build"]);
    run.failure();
    assert!(
        run.stderr
            .contains("google123.html` was not written by cairn")
            && run.stderr.contains("(from `static/google123.html`)"),
        "{}",
        run.stderr
    );
    assert_eq!(s.read("public/google123.html"), "site verification\n");
    let run = s.cairn(&["build", "--force"]);
    run.success();
    assert!(
        run.stderr
            .contains("google123.html: warning: was not written by cairn and is overwritten"),
        "{}",
        run.stderr
    );
    assert_eq!(s.read("public/google123.html"), "from static\n");
    // Still not cairn's: when the static file goes, the file stays.
    s.remove("static/google123.html");
    s.cairn(&["build"]).success();
    assert_eq!(s.read("public/google123.html"), "from static\n");
}

/// Issue 18, case 8: `public/img` replaced by a link to another folder
/// made cairn delete files there, and watch create folders there. Unix
/// only: a symbolic link on Windows needs a privilege.
#[cfg(unix)]
#[test]
fn a_link_inside_the_output_is_never_written_or_deleted_through() {
    let s = TestSite::fixture("basic");
    s.write("static/img/a.txt", "a\n");
    s.write("static/img/b.txt", "b\n");
    s.cairn(&["build"]).success();
    let victim = s.path("victim");
    std::fs::rename(s.path("public/img"), &victim).unwrap();
    std::os::unix::fs::symlink(&victim, s.path("public/img")).unwrap();
    // A file that goes away is not deleted through the link.
    s.remove("static/img/b.txt");
    let run = s.cairn(&["build"]);
    // A file that changes is not written through it either.
    assert!(victim.join("b.txt").exists(), "deleted through the link");
    s.write("static/img/a.txt", "changed\n");
    s.write("static/img/c.txt", "c\n");
    let run2 = s.cairn(&["build"]);
    run2.failure();
    assert!(
        run2.stderr
            .contains("is a symbolic link where cairn needs a folder"),
        "{}\n{}",
        run.stderr,
        run2.stderr
    );
    assert_eq!(
        std::fs::read_to_string(victim.join("a.txt")).unwrap(),
        "a\n"
    );
    assert!(!victim.join("c.txt").exists());
}

/// A stale file under a folder made a link to another file system: it is
/// neither removed through the link nor backed up (a hard link across file
/// systems fails), so the build goes on. Root only (a tmpfs is mounted).
#[cfg(unix)]
#[test]
fn a_stale_file_behind_a_link_to_another_file_system_does_not_fail_the_build() {
    let s = TestSite::fixture("basic");
    s.write("static/img/a.txt", "a\n");
    s.write("static/img/b.txt", "b\n");
    s.cairn(&["build"]).success();
    let Some(disk) = crate::util::small_tmpfs(&s, "disk") else {
        return;
    };
    let victim = disk.join("img");
    std::fs::create_dir(&victim).unwrap();
    for f in ["a.txt", "b.txt"] {
        std::fs::copy(s.path(&format!("public/img/{f}")), victim.join(f)).unwrap();
    }
    std::fs::remove_dir_all(s.path("public/img")).unwrap();
    std::os::unix::fs::symlink(&victim, s.path("public/img")).unwrap();
    s.remove("static/img/b.txt");
    let run = s.cairn(&["build"]);
    run.success();
    assert_eq!(
        std::fs::read_to_string(victim.join("b.txt")).unwrap(),
        "b\n"
    );
}

/// Issue 18, case 5: a rebuild that ran out of space left new pages beside
/// old ones and cairn's temporary files. Every byte is written before the
/// first file is put in place; a failure leaves the output as it was.
#[test]
fn a_full_disk_leaves_the_previous_output_byte_for_byte() {
    let s = TestSite::fixture("basic");
    let Some(disk) = crate::util::small_tmpfs(&s, "disk") else {
        return;
    };
    let out = disk.join("public");
    let out_s = out.to_string_lossy().into_owned();
    s.cairn(&["build", "--output", &out_s]).success();
    let before = tree(&out);
    // Fill the disk but for a few KB, then change every page.
    let filler = disk.fill_but(12 * 1024);
    retitle(&s);
    let run = s.cairn(&["build", "--output", &out_s]);
    run.failure();
    assert!(
        run.stderr.contains("No space left") || run.stderr.contains("os error 28"),
        "{}",
        run.stderr
    );
    assert_eq!(tree(&out), before, "the previous output, byte for byte");
    let leftovers: Vec<String> = walkdir::WalkDir::new(&out)
        .into_iter()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("cairn-tmp") || n == ".cairn-building")
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    // Space again: the build goes through.
    std::fs::remove_file(&filler).unwrap();
    s.cairn(&["build", "--output", &out_s]).success();
    s.cairn(&["build", "--output", "clean"]).success();
    assert_eq!(tree(&out), tree(&s.path("clean")));
}

/// Issue 27: a stale file that cannot be removed (on Windows, one another
/// program holds open; here, one in a folder made immutable) fails the
/// build, and the output is left as it was: the stale file removed before
/// it comes back, the changed page keeps its old bytes. Needs root and a
/// file system with `chattr +i` (skipped otherwise).
#[test]
fn a_stale_file_that_cannot_go_leaves_the_output_as_it_was() {
    let s = TestSite::fixture("basic");
    s.cairn(&["build"]).success();
    let before = s.tree("public");
    // Two pages go (their outputs are stale, `about/` first), one changes.
    s.remove("content/about.md");
    s.remove("content/kpis/nps.md");
    let pm = s.read("content/roles/product-manager.md");
    s.write(
        "content/roles/product-manager.md",
        &format!("{pm}\nOne more line.\n"),
    );
    let locked = s.path("public/kpis/net-promoter-score");
    assert!(locked.join("index.html").is_file());
    let chattr = |flag: &str| {
        std::process::Command::new("chattr")
            .arg(flag)
            .arg(&locked)
            .status()
            .is_ok_and(|st| st.success())
    };
    if !chattr("+i") {
        eprintln!("skipping: chattr +i is not available here");
        return;
    }
    let run = s.cairn(&["build"]);
    chattr("-i");
    run.failure();
    assert!(
        run.stderr.contains("cannot remove `")
            && run.stderr.contains("/public/kpis/net-promoter-score/")
            && run.stderr.contains("Operation not permitted"),
        "{}",
        run.stderr
    );
    let after = s.tree("public");
    let differ: Vec<&String> = before
        .keys()
        .chain(after.keys())
        .filter(|k| before.get(*k) != after.get(*k))
        .collect();
    assert!(differ.is_empty(), "changed: {differ:?}\n{}", run.stderr);
    // Once the file can go, the build goes through.
    s.cairn(&["build"]).success();
    assert!(!s.path("public/about/index.html").exists());
    assert!(!locked.exists());
}
