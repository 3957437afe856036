//! `cairn watch` and `cairn serve` as running processes: rebuilds on edits
//! (with editors' save patterns), stale output removed, incremental equal to
//! a clean build, and the server's pages, live reload, error overlay data,
//! and refusals of hostile requests.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration, Instant};

use crate::util::{TestSite, tree};

/// A running `cairn` whose stdout and stderr lines arrive on a channel.
struct Running {
    child: Child,
    lines: Receiver<String>,
    seen: Vec<String>,
}

impl Running {
    fn start(site: &TestSite, args: &[&str]) -> Running {
        Running::start_with(site, args, &[])
    }

    /// Starts `cairn ARGS` with extra environment variables.
    fn start_with(site: &TestSite, args: &[&str], env: &[(&str, &str)]) -> Running {
        Running::spawn(site, Command::new(env!("CARGO_BIN_EXE_cairn")), args, env)
    }

    /// Starts `cairn ARGS` with at most `files` open file descriptors.
    fn start_limited(site: &TestSite, args: &[&str], env: &[(&str, &str)], files: u32) -> Running {
        let mut cmd = Command::new("sh");
        cmd.arg("-c")
            .arg(format!("ulimit -n {files}; exec \"$0\" \"$@\""))
            .arg(env!("CARGO_BIN_EXE_cairn"));
        Running::spawn(site, cmd, args, env)
    }

    fn spawn(site: &TestSite, mut cmd: Command, args: &[&str], env: &[(&str, &str)]) -> Running {
        let mut child = cmd
            .args(args)
            .current_dir(&site.root)
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .envs(env.iter().copied())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let (tx, rx) = channel();
        for pipe in [
            Box::new(child.stdout.take().unwrap()) as Box<dyn Read + Send>,
            Box::new(child.stderr.take().unwrap()),
        ] {
            let tx = tx.clone();
            std::thread::spawn(move || {
                for line in BufReader::new(pipe).lines().map_while(Result::ok) {
                    if tx.send(line).is_err() {
                        break;
                    }
                }
            });
        }
        Running {
            child,
            lines: rx,
            seen: Vec::new(),
        }
    }

    /// Waits for a line containing `needle`; returns it.
    #[track_caller]
    fn wait_for(&mut self, needle: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(30);
        while Instant::now() < deadline {
            if let Ok(line) = self.lines.recv_timeout(Duration::from_millis(100)) {
                self.seen.push(line.clone());
                if line.contains(needle) {
                    return line;
                }
            }
        }
        panic!("no line with {needle:?}; saw:\n{}", self.seen.join("\n"));
    }

    /// A line containing `needle` that already arrived, or the next one.
    /// For lines on different streams (stdout and stderr are read by two
    /// threads, so their order between streams is not kept).
    #[track_caller]
    fn seen_or_wait_for(&mut self, needle: &str) -> String {
        match self.seen.iter().find(|l| l.contains(needle)) {
            Some(line) => line.clone(),
            None => self.wait_for(needle),
        }
    }

    /// Lines that arrive within `quiet` of each other, until silence.
    fn drain(&mut self, quiet: Duration) -> Vec<String> {
        let mut out = Vec::new();
        while let Ok(line) = self.lines.recv_timeout(quiet) {
            self.seen.push(line.clone());
            out.push(line);
        }
        out
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The output folder equals, byte for byte, what a fresh `cairn build`
/// writes.
#[track_caller]
fn assert_equals_clean_build(s: &TestSite) {
    assert_folder_equals_clean_build(s, &s.path("public"));
}

/// `out` equals, byte for byte, what a fresh `cairn build` writes.
#[track_caller]
fn assert_folder_equals_clean_build(s: &TestSite, out: &std::path::Path) {
    let incremental = tree(out);
    s.cairn(&["build", "--output", "clean"]).success();
    let clean = tree(&s.path("clean"));
    assert_eq!(
        incremental.keys().collect::<Vec<_>>(),
        clean.keys().collect::<Vec<_>>()
    );
    for (k, v) in &clean {
        assert!(
            incremental[k] == *v,
            "{k} differs from a clean build:\n{}\n---\n{}",
            String::from_utf8_lossy(&incremental[k]),
            String::from_utf8_lossy(v)
        );
    }
}

fn pause() {
    std::thread::sleep(Duration::from_millis(300));
}

// ---------------------------------------------------------------------------
// watch

#[test]
fn watch_rebuilds_once_per_save_whatever_the_editor() {
    let s = TestSite::fixture("links");
    let mut w = Running::start(&s, &["watch"]);
    w.wait_for("watching");
    let about = "content/about.md";
    // A plain write.
    s.write(about, "---\ntitle: About one\n---\n");
    w.wait_for("rebuilt in");
    assert!(s.read("public/about/index.html").contains("About one"));
    // vim: probe file 4913, swap file, write to a new file and rename over.
    s.write("content/4913", "");
    s.remove("content/4913");
    s.write("content/.about.md.swp", "swap");
    s.write("content/about.md~", "backup");
    s.write("content/about.md.tmp-save", "---\ntitle: About two\n---\n");
    std::fs::rename(s.path("content/about.md.tmp-save"), s.path(about)).unwrap();
    w.wait_for("rebuilt in");
    assert!(s.read("public/about/index.html").contains("About two"));
    let extra = w.drain(Duration::from_millis(600));
    assert!(
        extra.iter().all(|l| !l.contains("rebuilt")),
        "one save, one rebuild: {extra:?}"
    );
    // JetBrains: write a temp file, rename the old one away, rename in.
    s.write(
        "content/about.md___jb_tmp___",
        "---\ntitle: About three\n---\n",
    );
    std::fs::rename(s.path(about), s.path("content/about.md___jb_old___")).unwrap();
    std::fs::rename(s.path("content/about.md___jb_tmp___"), s.path(about)).unwrap();
    s.remove("content/about.md___jb_old___");
    w.wait_for("rebuilt in");
    assert!(s.read("public/about/index.html").contains("About three"));
    let extra = w.drain(Duration::from_millis(600));
    assert!(extra.iter().all(|l| !l.contains("rebuilt")), "{extra:?}");
    // No editor leftovers reached the output.
    assert!(
        !tree(&s.path("public"))
            .keys()
            .any(|k| k.contains("swp") || k.contains("jb_") || k.ends_with('~'))
    );
}

#[test]
fn watch_merges_a_checkout_into_one_rebuild() {
    let s = TestSite::fixture("links");
    // 300 share cards would only slow the rebuild this test waits for.
    let toml = s.read("site.toml") + "\n[images]\ncards = false\n";
    s.write("site.toml", &toml);
    let mut w = Running::start(&s, &["watch"]);
    w.wait_for("watching");
    for i in 0..300 {
        s.write(
            &format!("content/notes/n{i:03}.md"),
            &format!("---\ntitle: Note {i}\n---\n"),
        );
    }
    w.wait_for("rebuilt in");
    let extra = w.drain(Duration::from_millis(800));
    let rebuilds = 1 + extra.iter().filter(|l| l.contains("rebuilt")).count();
    assert_eq!(rebuilds, 1, "{extra:?}");
    assert!(s.path("public/notes/n299/index.html").exists());
}

#[test]
fn watch_removes_stale_output_and_survives_errors() {
    let s = TestSite::fixture("links");
    s.write("content/guides/one.md", "---\ntitle: One\n---\n");
    s.write("content/guides/two.md", "---\ntitle: Two\n---\n");
    let mut w = Running::start(&s, &["watch"]);
    w.wait_for("watching");
    s.remove("content/guides/one.md");
    w.wait_for("rebuilt in");
    assert!(!s.path("public/guides/one").exists());
    assert!(s.path("public/guides/two/index.html").exists());
    // A whole folder.
    std::fs::remove_dir_all(s.path("content/guides")).unwrap();
    w.wait_for("rebuilt in");
    assert!(!s.path("public/guides").exists());
    // A broken file keeps the last good output; fixing it rebuilds.
    let before = tree(&s.path("public"));
    s.write("content/about.md", "---\ntitle: [broken\n---\n");
    w.wait_for("rebuild failed");
    assert_eq!(tree(&s.path("public")), before);
    s.write("content/about.md", "---\ntitle: Fixed\n---\n");
    w.wait_for("rebuilt in");
    assert!(s.read("public/about/index.html").contains("Fixed"));
}

#[test]
fn watch_after_many_edits_equals_a_clean_build() {
    let s = TestSite::fixture("links");
    let mut w = Running::start(&s, &["watch"]);
    w.wait_for("watching");
    type Edit = Box<dyn Fn(&TestSite)>;
    let edits: Vec<Edit> = vec![
        Box::new(|s| {
            s.write("content/roles/product-manager.md", "---\ntitle: Product Manager\nweight: 1\ntags: [Agile]\n---\n\n## Duties\n\nChanged body.\n")
        }),
        Box::new(|s| {
            s.write(
                "content/kpis/cycle-time.md",
                "---\ntitle: Cycle time\ntags: [Flow]\n---\n\nSee [[product-owner]].\n",
            )
        }),
        Box::new(|s| s.write("static/extra.css", "body{}")),
        Box::new(|s| {
            s.write(
                "content/roles/product-owner.md",
                &s.read("content/roles/product-owner.md")
                    .replace("kpis: [velocity]", "kpis: [velocity, cycle-time]"),
            )
        }),
        Box::new(|s| {
            s.write(
                "content/roles/product-owner.md",
                &s.read("content/roles/product-owner.md")
                    .replace("kpis: [velocity, cycle-time]", "kpis: [velocity]"),
            )
        }),
        Box::new(|s| s.remove("content/kpis/cycle-time.md")),
        Box::new(|s| {
            s.write("templates/page.html", "{% extends \"base.html\" %}{% block content %}<h1>{{ page.title }}</h1>{{ page.content | safe }}{% endblock content %}")
        }),
        Box::new(|s| {
            s.write(
                "site.toml",
                &s.read("site.toml")
                    .replace("title = \"Links\"", "title = \"Links renamed\""),
            )
        }),
    ];
    for edit in &edits {
        edit(&s);
        let line = w.wait_for("rebuil");
        assert!(line.contains("rebuilt in"), "{line}\n{}", w.seen.join("\n"));
        pause();
    }
    drop(w);
    assert_equals_clean_build(&s);
}

// ---------------------------------------------------------------------------
// serve

struct Resp {
    status: u16,
    head: String,
    body: String,
}

/// One raw HTTP/1.1 request; the path is sent exactly as given.
fn request(port: u16, method: &str, path: &str, extra: &str) -> Resp {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let host = if extra.contains("Host:") {
        String::new()
    } else {
        format!("Host: 127.0.0.1:{port}\r\n")
    };
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\n{host}{extra}Connection: close\r\n\r\n"
    )
    .unwrap();
    let mut raw = Vec::new();
    let _ = stream.read_to_end(&mut raw);
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    Resp {
        status,
        head: head.to_ascii_lowercase(),
        body: body.to_string(),
    }
}

fn get(port: u16, path: &str) -> Resp {
    request(port, "GET", path, "")
}

fn serve(s: &TestSite) -> (Running, u16) {
    serve_with(s, &[])
}

fn serve_with(s: &TestSite, env: &[(&str, &str)]) -> (Running, u16) {
    let mut r = Running::start_with(s, &["serve", "--port", "0"], env);
    let port = port_of(&r.wait_for("at http://127.0.0.1:"));
    (r, port)
}

/// The port in `serving ... at http://127.0.0.1:PORT/...`.
#[track_caller]
pub fn port_of(line: &str) -> u16 {
    line.split("127.0.0.1:")
        .nth(1)
        .and_then(|p| p.split('/').next())
        .and_then(|p| p.parse().ok())
        .unwrap_or_else(|| panic!("no port in {line:?}"))
}

/// An open event stream; `next_event` returns the next `event:` name and data.
struct Events {
    reader: BufReader<TcpStream>,
}

impl Events {
    fn open(port: u16) -> Events {
        let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(15)))
            .unwrap();
        write!(stream, "GET /__cairn/events HTTP/1.1\r\nHost: localhost:{port}\r\nOrigin: http://localhost:{port}\r\n\r\n").unwrap();
        let mut reader = BufReader::new(stream);
        let mut line = String::new();
        reader.read_line(&mut line).unwrap();
        assert!(line.contains(" 200 "), "{line}");
        Events { reader }
    }

    fn next_event(&mut self) -> (String, String) {
        let (mut name, mut data) = (String::new(), String::new());
        loop {
            let mut line = String::new();
            if self.reader.read_line(&mut line).unwrap_or(0) == 0 {
                panic!("event stream closed");
            }
            let line = line.trim_end();
            if let Some(n) = line.strip_prefix("event: ") {
                name = n.to_string();
            } else if let Some(d) = line
                .strip_prefix("data: ")
                .or_else(|| line.strip_prefix("data:"))
            {
                data = d.to_string();
            } else if line.is_empty() && !name.is_empty() {
                return (name, data);
            }
        }
    }
}

#[test]
fn serve_pages_status_types_and_redirects() {
    let s = TestSite::fixture("links");
    let (_r, port) = serve(&s);
    let home = get(port, "/kb/");
    assert_eq!(home.status, 200);
    assert!(home.head.contains("content-type: text/html; charset=utf-8"));
    assert!(home.body.contains("Links home"));
    assert!(
        home.body.contains("<script id=\"cairn-live-reload\">"),
        "live reload is injected"
    );
    // ...by the server only: `cairn build` writes none.
    s.cairn(&["build", "--output", "built"]).success();
    assert!(!s.read("built/index.html").contains("cairn-live-reload"));
    assert!(
        get(port, "/kb/style.css")
            .head
            .contains("content-type: text/css")
    );
    let redirect = get(port, "/kb/roles/product-owner");
    assert_eq!(redirect.status, 301);
    assert!(redirect.head.contains("location: /kb/roles/product-owner/"));
    let missing = get(port, "/kb/no/such/page/");
    assert_eq!(missing.status, 404);
    assert!(missing.body.contains("Page not found"));
    let head = request(port, "HEAD", "/kb/", "");
    assert_eq!(head.status, 200);
    assert!(head.body.is_empty());
    assert_eq!(
        request(port, "POST", "/kb/", "Content-Length: 0\r\n").status,
        405
    );
    // Nothing was written to the output folder.
    assert!(!s.path("public").exists());
}

/// Issue 26: `serve` holds rendered files gzipped and sends them so to a
/// browser that takes gzip (pages are unpacked for the live-reload
/// script), and reads image copies and cards from disk; every byte is
/// what `cairn build` writes.
#[test]
fn serve_sends_what_build_writes_gzipped_where_asked() {
    use std::io::Read as _;
    let s = TestSite::fixture("links");
    for n in 0..8 {
        s.write(
            &format!("content/notes/note-{n}.md"),
            &format!("---\ntitle: Note {n}\n---\nA note.\n"),
        );
    }
    let (_r, port) = serve(&s);
    s.cairn(&["build", "--output", "built"]).success();
    let raw = |path: &str, extra: &str| {
        let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
        write!(
            stream,
            "GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n{extra}Connection: close\r\n\r\n"
        )
        .unwrap();
        let mut all = Vec::new();
        stream.read_to_end(&mut all).unwrap();
        let at = all.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
        let head = String::from_utf8_lossy(&all[..at]).to_ascii_lowercase();
        (head, all[at + 4..].to_vec())
    };
    let sitemap = std::fs::read(s.path("built/sitemap.xml")).unwrap();
    assert!(sitemap.len() > 1024, "long enough to be held gzipped");
    let (head, body) = raw("/kb/sitemap.xml", "Accept-Encoding: gzip, br\r\n");
    assert!(head.contains("content-encoding: gzip"), "{head}");
    let mut unpacked = Vec::new();
    flate2::read::GzDecoder::new(body.as_slice())
        .read_to_end(&mut unpacked)
        .unwrap();
    assert_eq!(unpacked, sitemap);
    let (head, body) = raw("/kb/sitemap.xml", "");
    assert!(!head.contains("content-encoding"), "{head}");
    assert_eq!(body, sitemap);
    let (head, body) = raw("/kb/roles/product-manager/", "Accept-Encoding: gzip\r\n");
    assert!(!head.contains("content-encoding"), "{head}");
    let page = String::from_utf8(body).unwrap();
    let built = s.read("built/roles/product-manager/index.html");
    assert_eq!(
        page.replace(
            &page[page.find("<script id=\"cairn-live-reload\">").unwrap()
                ..page.rfind("</body>").unwrap()],
            ""
        ),
        built
    );
    let card = std::fs::read(s.path("built/roles/product-manager/card.png")).unwrap();
    assert_eq!(
        raw(
            "/kb/roles/product-manager/card.png",
            "Accept-Encoding: gzip\r\n"
        )
        .1,
        card
    );
}

#[test]
fn serve_refuses_hostile_requests_and_keeps_serving() {
    let s = TestSite::fixture("links");
    std::fs::write(s.path("../secret.txt"), "top secret").unwrap();
    std::fs::create_dir_all(s.path("static")).unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink(s.path("../secret.txt"), s.path("static/leak.txt")).unwrap();
    let (_r, port) = serve(&s);
    for path in [
        "/kb/../secret.txt",
        "/../secret.txt",
        "/kb/%2e%2e/secret.txt",
        "/kb/%2E%2E%2Fsecret.txt",
        "/kb/..%2fsecret.txt",
        "/kb/%252e%252e/secret.txt",
        "/kb/%5c..%5csecret.txt",
        "/kb/..\\secret.txt",
        "/kb/%00",
        "/kb/index.html%00.css",
        "/kb/%ff",
        "/kb/c:/windows/win.ini",
        "/kb/leak.txt",
    ] {
        let r = get(port, path);
        assert_eq!(r.status, 404, "{path}");
        assert!(!r.body.contains("top secret"), "{path}");
        assert_eq!(get(port, "/kb/").status, 200, "still serving after {path}");
    }
    // DNS rebinding: a foreign Host is refused.
    assert_eq!(
        request(port, "GET", "/kb/", "Host: evil.example\r\n").status,
        403
    );
    assert_eq!(
        request(port, "GET", "/kb/", &format!("Host: localhost:{port}\r\n")).status,
        200
    );
    // The reload channel refuses foreign origins.
    assert_eq!(
        request(
            port,
            "GET",
            "/__cairn/events",
            "Origin: http://evil.example\r\n"
        )
        .status,
        403
    );
    assert_eq!(get(port, "/kb/").status, 200);
}

#[test]
fn serve_reloads_after_edits_and_shows_errors() {
    let s = TestSite::fixture("links").file("static/extra.css", "p {}");
    let (mut r, port) = serve(&s);
    let mut ev = Events::open(port);
    s.write(
        "content/about.md",
        "---\ntitle: About\n---\n\nFirst version.\n",
    );
    assert_eq!(ev.next_event().0, "reload");
    assert!(get(port, "/kb/about/").body.contains("First version."));
    // CSS alone: swap stylesheets, no reload.
    s.write("static/extra.css", "p { color: teal; }");
    assert_eq!(ev.next_event().0, "css");
    assert!(get(port, "/kb/extra.css").body.contains("teal"));
    // A broken file: the overlay data names the place; the last good build
    // stays served.
    s.write("content/about.md", "---\ntitle: [broken\n---\n");
    let (name, data) = ev.next_event();
    assert_eq!(name, "errors");
    let errors: serde_json::Value = serde_json::from_str(&data).unwrap();
    assert_eq!(errors[0]["file"], "content/about.md");
    assert_eq!(errors[0]["line"], 3);
    assert!(
        errors[0]["message"]
            .as_str()
            .unwrap()
            .contains("invalid YAML")
    );
    // The overlay shows what the terminal shows: the line and its caret.
    let snippet = errors[0]["snippet"].as_str().unwrap();
    assert!(
        snippet.contains("3 | ---") && snippet.contains('^'),
        "{snippet}"
    );
    assert!(
        errors[0]["text"]
            .as_str()
            .unwrap()
            .starts_with("content/about.md:3:1: invalid YAML")
    );
    assert!(get(port, "/kb/about/").body.contains("First version."));
    r.wait_for("rebuild failed");
    // A page opened now gets the errors at once.
    let mut late = Events::open(port);
    assert_eq!(late.next_event().0, "errors");
    // Fixing it reloads.
    s.write(
        "content/about.md",
        "---\ntitle: About\n---\n\nSecond version.\n",
    );
    assert_eq!(ev.next_event().0, "reload");
    assert!(get(port, "/kb/about/").body.contains("Second version."));
}

#[test]
fn a_non_loopback_interface_is_warned_about() {
    let s = TestSite::fixture("links");
    let mut r = Running::start(&s, &["serve", "--interface", "0.0.0.0", "--port", "0"]);
    let line = r.wait_for("warning:");
    assert!(line.contains("reachable from other machines"), "{line}");
    r.seen_or_wait_for("serving");
}

#[test]
fn watch_removes_a_deleted_collection_folder() {
    let s = TestSite::fixture("links");
    let toml = s.read("site.toml") + "\n[collections.notes]\ntitle = \"Notes\"\n";
    s.write("site.toml", &toml);
    s.write("content/notes/one.md", "---\ntitle: One\n---\n");
    s.write("content/notes/two.md", "---\ntitle: Two\n---\n");
    let mut w = Running::start(&s, &["watch"]);
    w.wait_for("watching");
    assert!(s.path("public/notes/one/index.html").exists());
    std::fs::remove_dir_all(s.path("content/notes")).unwrap();
    w.wait_for("rebuilt in");
    assert!(!s.path("public/notes/one").exists() && !s.path("public/notes/two").exists());
    // The collection page itself stays: the collection is still declared.
    assert!(s.path("public/notes/index.html").exists());
}

#[test]
fn busy_port_moves_to_the_next() {
    let s = TestSite::fixture("links");
    let blocker = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let busy = blocker.local_addr().unwrap().port();
    let mut r = Running::start(&s, &["serve", "--port", &busy.to_string()]);
    let note = r.wait_for("is busy");
    assert!(note.contains(&format!("port {busy} is busy")), "{note}");
    // The note goes to stderr and the address to stdout: either may come
    // first.
    let line = r.seen_or_wait_for("serving");
    assert!(!line.contains(&format!(":{busy}/")), "{line}");
}

#[test]
fn incremental_body_edits_equal_a_clean_build() {
    let s = TestSite::fixture("links").file(
        "site.toml",
        "title = \"Links\"\nbase_url = \"https://example.org/kb/\"\n\n[collections.roles]\ntitle = \"Roles\"\nsort_by = \"weight\"\n[collections.roles.fields]\nkpis = { type = \"refs\", to = \"kpis\", label = \"Success metrics\" }\n\n[collections.kpis]\ntitle = \"KPIs\"\n",
    );
    let pm = "content/roles/product-manager.md";
    let head = "---\ntitle: Product Manager\nweight: 1\ntags: [Agile]\n---\n";
    let mut w = Running::start(&s, &["watch"]);
    w.wait_for("watching");
    let steps: Vec<(String, &str)> = vec![
        // A new body link: velocity gains a backlink.
        (
            format!("{head}\n## Duties\n\nWatch [[velocity]] closely.\n"),
            "rebuilt in",
        ),
        // A shortcode in the body.
        (
            format!(
                "{head}\n## Duties\n\n{{{{ compare(collection=\"roles\", items=[\"product-manager\", \"product-owner\"]) }}}}\n"
            ),
            "rebuilt in",
        ),
        // Removing a heading another page links to is an error...
        (
            format!("{head}\n## Tasks\n\nNo duties heading.\n"),
            "rebuild failed",
        ),
        // ...and putting it back recovers.
        (
            format!("{head}\n## Duties\n\nBack again, linking [[product-owner#overview]].\n"),
            "rebuilt in",
        ),
        // The first paragraph as it was: the collection page is not
        // rendered again, and stays as a clean build writes it.
        (
            format!(
                "{head}\n## Duties\n\nBack again, linking [[product-owner#overview]].\n\nA second paragraph.\n"
            ),
            "rebuilt in",
        ),
    ];
    for (n, (text, expect)) in steps.iter().enumerate() {
        s.write(pm, text);
        let line = w.wait_for("rebuil");
        assert!(line.contains(expect), "{line}\n{}", w.seen.join("\n"));
        if expect.starts_with("rebuilt") {
            assert!(
                line.contains("(incremental)"),
                "a body edit takes the incremental path: {line}"
            );
        }
        if n == 0 {
            let velocity = s.read("public/kpis/velocity/index.html");
            assert!(
                backlinks(&velocity)
                    .contains(r#"<a href="/kb/roles/product-manager/">Product Manager</a>"#),
                "the body link adds a backlink"
            );
        }
        pause();
    }
    let velocity = s.read("public/kpis/velocity/index.html");
    assert!(
        !backlinks(&velocity)
            .contains(r#"<a href="/kb/roles/product-manager/">Product Manager</a>"#),
        "and removing the link removes it"
    );
    // The collection page shows each entry's first paragraph: a body edit
    // renders it again.
    assert!(
        s.read("public/roles/index.html")
            .contains("<p>Back again, linking")
    );
    drop(w);
    assert_equals_clean_build(&s);
}

/// Issue 16: a panic in a rebuild (a bug) must not leave the preview dead.
/// It is an internal error in the terminal and the overlay, the last good
/// site stays served, and the next save rebuilds normally.
#[test]
fn a_panic_in_a_rebuild_is_an_internal_error_and_serve_recovers() {
    let s = TestSite::fixture("links");
    let (mut r, port) = serve_with(&s, &[("CAIRN_INJECT_PANIC", "PANIC-HERE")]);
    let mut ev = Events::open(port);
    s.write("content/about.md", "---\ntitle: About\n---\n\nPANIC-HERE\n");
    let (name, data) = ev.next_event();
    assert_eq!(name, "errors");
    let errors: serde_json::Value = serde_json::from_str(&data).unwrap();
    let message = errors[0]["message"].as_str().unwrap();
    assert!(
        message.starts_with("internal error: cairn panicked"),
        "{message}"
    );
    r.wait_for("internal error");
    assert_eq!(get(port, "/kb/").status, 200, "the last good site stays");
    s.write("content/about.md", "---\ntitle: About\n---\n\nMended.\n");
    assert_eq!(ev.next_event().0, "reload");
    assert!(get(port, "/kb/about/").body.contains("Mended."));
    let _ = &mut r;
}

/// The same for `watch`: it reports the internal error, keeps the output,
/// and rebuilds on the next save.
#[test]
fn a_panic_in_a_watch_rebuild_is_reported_and_watch_goes_on() {
    let s = TestSite::fixture("links");
    let mut w = Running::start_with(&s, &["watch"], &[("CAIRN_INJECT_PANIC", "PANIC-HERE")]);
    w.wait_for("watching");
    s.write("content/about.md", "---\ntitle: About\n---\n\nPANIC-HERE\n");
    w.wait_for("internal error: cairn panicked");
    w.wait_for("rebuild failed");
    s.write("content/about.md", "---\ntitle: About\n---\n\nMended.\n");
    w.wait_for("rebuilt in");
    assert!(s.read("public/about/index.html").contains("Mended."));
    assert_equals_clean_build(&s);
}

/// Issue 16: `serve` and `watch` stop at once on SIGTERM, even as the
/// first process of a PID namespace (a container's PID 1), where the
/// kernel ignores signals that have no handler.
#[test]
fn serve_and_watch_stop_at_once_on_sigterm_even_as_pid_1() {
    let s = TestSite::fixture("links");
    let as_root = std::process::Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| o.stdout.starts_with(b"0\n"));
    for args in [&["serve", "--port", "0"][..], &["watch"][..]] {
        let mut cmd = if as_root {
            let mut c = Command::new("unshare");
            c.args([
                "--pid",
                "--fork",
                "--kill-child",
                env!("CARGO_BIN_EXE_cairn"),
            ]);
            c
        } else {
            eprintln!("not root: SIGTERM checked without a PID namespace");
            Command::new(env!("CARGO_BIN_EXE_cairn"))
        };
        let mut child = cmd
            .args(args)
            .current_dir(&s.root)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut out = BufReader::new(child.stdout.take().unwrap());
        let mut line = String::new();
        while !line.contains("serving") && !line.contains("watching") {
            line.clear();
            assert!(
                out.read_line(&mut line).unwrap() > 0,
                "{args:?} ended early"
            );
        }
        // The process to signal: cairn itself, inside the namespace.
        let target = if as_root {
            let kids = Command::new("pgrep")
                .args(["-P", &child.id().to_string()])
                .output()
                .unwrap();
            String::from_utf8_lossy(&kids.stdout).trim().to_string()
        } else {
            child.id().to_string()
        };
        let start = Instant::now();
        Command::new("kill")
            .args(["-TERM", &target])
            .status()
            .unwrap();
        let stopped = loop {
            let state = std::fs::read_to_string(format!("/proc/{target}/stat")).unwrap_or_default();
            if state.is_empty() || state.split(' ').nth(2) == Some("Z") {
                break true;
            }
            if start.elapsed() > Duration::from_secs(5) {
                break false;
            }
            std::thread::sleep(Duration::from_millis(10));
        };
        let _ = child.kill();
        let _ = child.wait();
        assert!(stopped, "{args:?} ignored SIGTERM for 5 s");
        assert!(
            start.elapsed() < Duration::from_secs(1),
            "{args:?} took {:?}",
            start.elapsed()
        );
    }
}

/// Issue 16, "Done means": the site of planted mistakes under `serve`
/// shows every one of them in the overlay data, each at its place, and
/// recovers once they are fixed.
#[test]
fn serve_shows_every_planted_mistake_and_recovers() {
    let s = crate::authoring::planted();
    let check = s.cairn(&["check"]);
    let (mut r, port) = serve(&s);
    // Printed on stderr, which may arrive before or after stdout's
    // address line.
    r.seen_or_wait_for("the first build failed");
    let mut ev = Events::open(port);
    let (name, data) = ev.next_event();
    assert_eq!(name, "errors");
    let errors: serde_json::Value = serde_json::from_str(&data).unwrap();
    let shown: Vec<String> = errors
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            e["text"]
                .as_str()
                .unwrap()
                .lines()
                .next()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(
        shown,
        check.error_lines(),
        "the overlay shows what check prints"
    );
    assert_eq!(shown.len(), 14);
    // With no good build yet, every page is one that shows the overlay.
    let waiting = get(port, "/kpis/nps/");
    assert_eq!(waiting.status, 503);
    assert!(
        waiting.body.contains("cairn-live-reload"),
        "{}",
        waiting.body
    );
    // Fix every file.
    s.write("content/roles/pm.md", "---\ntitle: Product Manager\nstakeholders: [Sales]\nkpis: [nps, cycle-time]\n---\n## Duties\n\nSee [the PO](@/roles/po.md), [[cycle-time#overview]] and [[nps]].\n");
    s.write("content/roles/po.md", "---\ntitle: Product Owner\ntrack: execution\ndate: 2024-02-29\n---\n{{ compare(collection=\"roles\", items=[\"pm\", \"po\"]) }}\n\nBack to [roles](/roles/).\n");
    s.write(
        "content/kpis/nps.md",
        "---\ntitle: NPS\n---\nNet promoter score.\n",
    );
    s.write("content/guides/start.md", "---\ntitle: Start\n---\nRead [the PM page](../roles/pm.md) and [below](#end).\n\n<p id=\"end\">End.</p>\n");
    s.write("templates/kpi.html", "{% extends \"base.html\" %}\n{% block content %}\n<h1>{{ page.title | upper }}</h1>\n{{ page.content | safe }}\n{% endblock content %}\n");
    // The saves may land in one rebuild or several; the last one reloads.
    loop {
        let (name, data) = ev.next_event();
        if name == "reload" {
            break;
        }
        let errors: serde_json::Value = serde_json::from_str(&data).unwrap();
        assert!(errors.as_array().unwrap().len() < 14, "no progress: {data}");
    }
    assert!(get(port, "/kpis/nps/").body.contains("<h1>NPS</h1>"));
    assert!(s.cairn(&["check"]).code == 0, "the fixed site checks clean");
    assert!(
        get(port, "/guides/start/")
            .body
            .contains("href=\"/roles/pm/\"")
    );
}

/// Issue 16: the author's loop never breaks. `watch` on a site with
/// errors reports them and goes on watching (it used to exit); the first
/// good save writes the output in full.
#[test]
fn watch_starts_on_a_broken_site_and_writes_once_it_is_fixed() {
    let s = TestSite::fixture("links").file("content/about.md", "---\ntitle: [broken\n---\n");
    let mut w = Running::start(&s, &["watch"]);
    w.wait_for("content/about.md:3:1: invalid YAML");
    w.wait_for("the first build failed");
    w.wait_for("watching");
    assert!(!s.path("public/index.html").exists());
    s.write("content/about.md", "---\ntitle: About\n---\n\nFixed.\n");
    w.wait_for("built ");
    assert!(s.read("public/about/index.html").contains("Fixed."));
    assert_equals_clean_build(&s);
    // Later saves are incremental as usual.
    s.write(
        "content/about.md",
        "---\ntitle: About\n---\n\nFixed again.\n",
    );
    w.wait_for("rebuilt in");
    assert!(s.read("public/about/index.html").contains("Fixed again."));
}

/// A file name stored decomposed (`café` as `cafe` + U+0301, as macOS
/// writes it) keeps its body edits incremental: the session looked it up
/// without the normalisation the link index uses, and rebuilt in full.
#[test]
fn a_decomposed_file_name_keeps_edits_incremental() {
    let s = TestSite::fixture("links");
    let name = "content/cafe\u{301}.md";
    s.write(name, "---\ntitle: Café\n---\n\nFirst.\n");
    let mut w = Running::start(&s, &["watch"]);
    w.wait_for("watching");
    s.write(name, "---\ntitle: Café\n---\n\nSecond.\n");
    let line = w.wait_for("rebuilt in");
    assert!(line.contains("(incremental)"), "{line}");
    assert!(s.read("public/café/index.html").contains("Second."));
}

// ---------------------------------------------------------------------------
// Issue 18: faults while watching and serving.

/// Case 12: a body edit elsewhere used to take the incremental path from
/// the last good site and forget the error; the error stays until fixed.
#[test]
fn an_error_stays_reported_until_it_is_fixed() {
    let s = TestSite::fixture("links");
    let mut w = Running::start(&s, &["watch"]);
    w.wait_for("watching");
    let good = s.read("content/roles/product-owner.md");
    s.write(
        "content/roles/product-owner.md",
        "---\ntitle: [broken\n---\n",
    );
    w.wait_for("rebuild failed");
    pause();
    let pm = s.read("content/roles/product-manager.md");
    s.write(
        "content/roles/product-manager.md",
        &format!("{pm}\nOne more line.\n"),
    );
    let line = w.wait_for("rebuil");
    assert!(
        line.contains("rebuild failed"),
        "{line}\n{}",
        w.seen.join("\n")
    );
    s.write("content/roles/product-owner.md", &good);
    w.wait_for("rebuilt in");
    pause();
    assert_equals_clean_build(&s);
}

/// Case 13: after `rm -rf public` while watching, rebuilds failed or wrote
/// only what changed; the output is written whole again.
#[test]
fn watch_writes_the_whole_output_again_after_it_was_removed() {
    let s = TestSite::fixture("links");
    let mut w = Running::start(&s, &["watch"]);
    w.wait_for("watching");
    std::fs::remove_dir_all(s.path("public")).unwrap();
    pause();
    let pm = s.read("content/roles/product-manager.md");
    s.write(
        "content/roles/product-manager.md",
        &format!("{pm}\nAgain.\n"),
    );
    w.wait_for("rebuilt in");
    pause();
    assert_equals_clean_build(&s);
}

/// Case 13, the full disk: a rebuild that failed for want of space left
/// the previous output (case 5); the next rebuild, once space was back,
/// wrote only what its own edit changed, so the pages of the failed one
/// stayed stale. After any failed write the whole output is synced again.
#[test]
fn watch_writes_the_whole_output_again_after_a_full_disk_is_freed() {
    let s = TestSite::fixture("links");
    let Some(disk) = crate::util::small_tmpfs(&s, "disk") else {
        return;
    };
    let out = disk.join("public");
    let out_s = out.to_string_lossy().into_owned();
    let mut w = Running::start(&s, &["watch", "--output", &out_s]);
    w.wait_for("watching");
    let filler = disk.fill_but(8 * 1024);
    // Every page changes; the rebuild cannot write them.
    let toml = s.read("site.toml");
    let retitled = toml.replacen("title = \"", "title = \"Renamed ", 1);
    assert_ne!(toml, retitled);
    s.write("site.toml", &retitled);
    w.wait_for("cannot write the output: No space left on device");
    std::fs::remove_file(&filler).unwrap();
    pause();
    let pm = s.read("content/roles/product-manager.md");
    s.write(
        "content/roles/product-manager.md",
        &format!("{pm}\nAfter the disk was freed.\n"),
    );
    w.wait_for("rebuilt in");
    pause();
    assert_folder_equals_clean_build(&s, &out);
}

/// Case 14: `mv content x && mv x content` left watch blind to `content/`.
#[test]
fn watch_sees_a_source_folder_moved_away_and_back() {
    let s = TestSite::fixture("links");
    let mut w = Running::start(&s, &["watch"]);
    w.wait_for("watching");
    let away = s.root.parent().unwrap().join(format!(
        "away-{}",
        s.root.file_name().unwrap().to_string_lossy()
    ));
    std::fs::rename(s.path("content"), &away).unwrap();
    std::fs::rename(&away, s.path("content")).unwrap();
    w.drain(Duration::from_millis(1500));
    let pm = s.read("content/roles/product-manager.md");
    s.write(
        "content/roles/product-manager.md",
        &format!("{pm}\nSeen after the move.\n"),
    );
    w.wait_for("rebuilt in");
    pause();
    assert!(
        s.read("public/roles/product-manager/index.html")
            .contains("Seen after the move.")
    );
}

/// Case 15: a `base_url` edited while serving broke every link until a
/// restart; the server follows the new base path.
#[test]
fn serve_follows_a_base_url_edited_while_serving() {
    let s = TestSite::fixture("links");
    let (mut r, port) = serve(&s);
    assert_eq!(get(port, "/kb/roles/product-manager/").status, 200);
    let toml = s
        .read("site.toml")
        .replace("https://example.org/kb/", "https://example.org/atlas/");
    s.write("site.toml", &toml);
    r.wait_for("rebuilt in");
    assert_eq!(get(port, "/atlas/roles/product-manager/").status, 200);
    assert_eq!(get(port, "/kb/roles/product-manager/").status, 404);
}

/// Case 16: bound to every interface, requests by this machine's address
/// got 403; IP addresses are accepted there, other names still refused.
#[test]
fn serve_on_every_interface_accepts_requests_by_address() {
    let s = TestSite::fixture("links");
    let mut r = Running::start(&s, &["serve", "--interface", "0.0.0.0", "--port", "0"]);
    let port = port_of(&r.wait_for("at http://127.0.0.1:"));
    let by_ip = request(
        port,
        "GET",
        "/kb/",
        &format!("Host: 10.11.12.13:{port}\r\n"),
    );
    assert_eq!(by_ip.status, 200, "{}", by_ip.head);
    let by_name = request(
        port,
        "GET",
        "/kb/",
        &format!("Host: evil.example:{port}\r\n"),
    );
    assert_eq!(by_name.status, 403);
    // On loopback only, an address other than loopback is still refused.
    let (_r2, port2) = serve(&s);
    let other = request(
        port2,
        "GET",
        "/kb/",
        &format!("Host: 10.11.12.13:{port2}\r\n"),
    );
    assert_eq!(other.status, 403);
}

/// Case 4: no header timeout, no idle timeout, no connection cap; a held
/// connection kept its descriptor forever and 300 of them starved a
/// rebuild. (Timeouts shortened for the test by `CAIRN_SERVE_TIMEOUTS`.)
#[test]
fn serve_drops_slow_and_idle_connections_and_keeps_descriptors_for_rebuilds() {
    let s = TestSite::fixture("links");
    let mut r = Running::start_limited(
        &s,
        &["serve", "--port", "0"],
        &[("CAIRN_SERVE_TIMEOUTS", "1,2")],
        256,
    );
    let port = port_of(&r.wait_for("at http://127.0.0.1:"));
    // Half a request: closed after the header timeout.
    let mut slow = TcpStream::connect(("127.0.0.1", port)).unwrap();
    slow.set_read_timeout(Some(Duration::from_secs(8))).unwrap();
    write!(slow, "GET /kb/ HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n").unwrap();
    let t = Instant::now();
    let mut sink = Vec::new();
    let _ = slow.read_to_end(&mut sink);
    assert!(t.elapsed() < Duration::from_secs(6), "{:?}", t.elapsed());
    // An idle keep-alive connection: closed after the idle timeout.
    let mut idle = TcpStream::connect(("127.0.0.1", port)).unwrap();
    idle.set_read_timeout(Some(Duration::from_secs(8))).unwrap();
    write!(idle, "GET /kb/ HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n").unwrap();
    let mut buf = [0u8; 65536];
    assert!(idle.read(&mut buf).unwrap() > 0);
    let t = Instant::now();
    while idle.read(&mut buf).is_ok_and(|n| n > 0) {}
    assert!(t.elapsed() < Duration::from_secs(6), "{:?}", t.elapsed());
    // Many held connections do not starve a rebuild of descriptors.
    let addr = std::net::SocketAddr::from(([127, 0, 0, 1], port));
    let held: Vec<TcpStream> = (0..300)
        .filter_map(|_| TcpStream::connect_timeout(&addr, Duration::from_millis(300)).ok())
        .collect();
    let pm = s.read("content/roles/product-manager.md");
    s.write(
        "content/roles/product-manager.md",
        &format!("{pm}\nStill rebuilt.\n"),
    );
    r.wait_for("rebuilt in");
    drop(held);
    std::thread::sleep(Duration::from_secs(3));
    assert!(
        get(port, "/kb/roles/product-manager/")
            .body
            .contains("Still rebuilt.")
    );
}

/// The "Referred to by" section of a page (empty when it has none): the
/// sidebar links every entry too, so a backlink is looked for here only.
fn backlinks(html: &str) -> &str {
    html.find("<section class=\"backlinks\"")
        .map_or("", |start| {
            let rest = &html[start..];
            &rest[..rest.find("</section>").unwrap_or(rest.len())]
        })
}

/// Issue 22: a page that embeds another shows its new text after a save of
/// the other one (with an embed in the site, saves rebuild in full).
#[test]
fn an_embedding_page_follows_the_embedded_one() {
    let s = TestSite::fixture("links")
        .file("content/a.md", "---\ntitle: A\n---\n\n![[b#part]]\n")
        .file(
            "content/b.md",
            "---\ntitle: B\n---\n\n## Part\n\nFirst text.\n",
        );
    let mut w = Running::start(&s, &["watch"]);
    w.wait_for("watching");
    assert!(s.read("public/a/index.html").contains("First text."));
    s.write(
        "content/b.md",
        "---\ntitle: B\n---\n\n## Part\n\nSecond text.\n",
    );
    let line = w.wait_for("rebuilt in");
    assert!(!line.contains("(incremental)"), "{line}");
    assert!(s.read("public/a/index.html").contains("Second text."));
    assert_equals_clean_build(&s);
}

/// Issue 23: saving a data file rebuilds what shows it, a broken one is
/// reported and the next good save recovers; the output equals a clean
/// build.
#[test]
fn watch_rebuilds_on_data_file_changes() {
    let s = TestSite::fixture("links")
        .file("data/bands.csv", "role,max\npm,150000\n")
        .file(
            "content/pay.md",
            "---\ntitle: Pay\n---\n\n{{ table(data=\"bands\") }}\n",
        );
    let mut w = Running::start(&s, &["watch"]);
    w.wait_for("watching");
    assert!(s.read("public/pay/index.html").contains("150000"));
    s.write("data/bands.csv", "role,max\npm,160000\n");
    // No template reads `data`: only the pages with a `table` call are
    // rendered again.
    let line = w.wait_for("rebuilt in");
    assert!(line.contains("(incremental)"), "{line}");
    assert!(s.read("public/pay/index.html").contains("160000"));
    s.write("data/bands.csv", "role,max\npm,1,2\n");
    w.wait_for("data/bands.csv:2:1: this row has 3 cells, but the header row has 2");
    w.wait_for("rebuild failed");
    s.write("data/bands.csv", "role,max\npm,170000\n");
    w.wait_for("rebuilt in");
    assert!(s.read("public/pay/index.html").contains("170000"));
    assert_equals_clean_build(&s);
}

/// With a template that reads `data`, a data edit renders everything again
/// (the template may show the data on any page).
#[test]
fn a_template_reading_data_makes_data_edits_rebuild_in_full() {
    let s = TestSite::fixture("links")
        .file("data/team.yaml", "size: 12\n")
        .file(
            "templates/shortcodes/size.html",
            "<b>{{ data.team.size }}</b>",
        )
        .file("content/pay.md", "---\ntitle: Pay\n---\n\n{{ size() }}\n");
    let mut w = Running::start(&s, &["watch"]);
    w.wait_for("watching");
    assert!(s.read("public/pay/index.html").contains("<b>12</b>"));
    s.write("data/team.yaml", "size: 14\n");
    let line = w.wait_for("rebuilt in");
    assert!(!line.contains("(incremental)"), "{line}");
    assert!(s.read("public/pay/index.html").contains("<b>14</b>"));
    assert_equals_clean_build(&s);
}

/// Issue 23: a body edit in a paginated collection re-renders its listing
/// pages (their summaries) like a clean build.
#[test]
fn a_paginated_listing_follows_a_body_edit() {
    let toml = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/typed/site.toml"),
    )
    .unwrap()
    .replacen(
        "[collections.roles]\ntitle = \"Roles\"\n",
        "[collections.roles]\ntitle = \"Roles\"\npaginate_by = 1\n",
        1,
    );
    let s = TestSite::fixture("typed").file("site.toml", &toml);
    let mut w = Running::start(&s, &["watch"]);
    w.wait_for("watching");
    let po = s.read("content/roles/product-owner.md");
    s.write(
        "content/roles/product-owner.md",
        &po.replace("The PO page.", "The PO page, edited."),
    );
    let line = w.wait_for("rebuilt in");
    assert!(line.contains("(incremental)"), "{line}");
    assert!(
        s.read("public/roles/product-owner/index.html")
            .contains("edited")
    );
    assert_equals_clean_build(&s);
}

/// Issue 24: a body edit to a translation re-renders only its language's
/// pages that depend on it (incremental), an edit to an original only the
/// default language's, and the output stays what a clean build writes.
#[test]
fn translation_edits_are_incremental_and_equal_a_clean_build() {
    let s = TestSite::fixture("languages");
    let mut w = Running::start(&s, &["watch"]);
    w.wait_for("watching");
    let de = "content/roles/product-manager.de.md";
    let text = s.read(de);
    s.write(de, &text.replace("im Alltag", "jeden Tag"));
    let line = w.wait_for("rebuilt in");
    assert!(line.contains("(incremental)"), "{line}");
    let pm = s.read("public/de/roles/product-manager/index.html");
    assert!(pm.contains("jeden Tag arbeitet er eng"), "{pm}");
    pause();
    // A new link in the German body: the German target gains a backlink.
    s.write(
        de,
        &text.replace("## Aufgaben", "## Aufgaben\n\nSiehe auch [[velocity]]."),
    );
    let line = w.wait_for("rebuilt in");
    assert!(line.contains("(incremental)"), "{line}");
    let velocity = s.read("public/de/kpis/velocity/index.html");
    assert!(
        backlinks(&velocity).contains("/atlas/de/roles/product-manager/"),
        "{velocity}"
    );
    pause();
    let en = "content/roles/product-owner.md";
    s.write(
        en,
        &s.read(en)
            .replace("orders the backlog", "orders and refines the backlog"),
    );
    let line = w.wait_for("rebuilt in");
    assert!(line.contains("(incremental)"), "{line}");
    pause();
    // Front-matter of a translation: a full rebuild, still exact.
    s.write(
        de,
        &text.replace("focus: Markt und Strategie", "focus: Markt"),
    );
    let line = w.wait_for("rebuilt in");
    assert!(!line.contains("(incremental)"), "{line}");
    drop(w);
    assert_equals_clean_build(&s);
}

/// A FAQ collection page carries every answer whole in its JSON-LD: an
/// edit past an answer's first paragraph renders it again too.
#[test]
fn a_faq_answer_edit_reaches_its_collection_page() {
    let s = TestSite::fixture("publish");
    let mut w = Running::start(&s, &["watch"]);
    w.wait_for("watching");
    let how = "content/faqs/how.md";
    s.write(
        how,
        &(s.read(how) + "\nAnd a later paragraph, added while watching.\n"),
    );
    let line = w.wait_for("rebuil");
    assert!(line.contains("(incremental)"), "{line}");
    assert!(
        s.read("public/faqs/index.html")
            .contains("And a later paragraph, added while watching.")
    );
    drop(w);
    assert_equals_clean_build(&s);
}

/// Issue 25: a body edit that shows an image for the first time is
/// written at once, the page showing the original with its size; the
/// resized copies are made off the rebuild's path, then the page is
/// rendered again with them (on the incremental path both times), and
/// ends equal to a clean build.
#[test]
fn a_new_image_is_shown_at_once_and_its_copies_follow() {
    let s = TestSite::fixture("links");
    let img = image::RgbImage::from_fn(2000, 1000, |x, y| {
        image::Rgb([(x % 251) as u8, (y % 241) as u8, ((x * y) % 239) as u8])
    });
    let mut jpg = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpg, 90)
        .encode_image(&img)
        .unwrap();
    s.write_bytes("content/roles/board.jpg", &jpg);
    let mut w = Running::start(&s, &["watch"]);
    w.wait_for("watching");
    let pm = "content/roles/product-manager.md";
    let text = s.read(pm) + "\nThe board, in a picture.\n\n![The planning board](board.jpg)\n";
    s.write(pm, &text);
    let line = w.wait_for("rebuil");
    assert!(line.contains("(incremental)"), "{line}");
    let html = s.read("public/roles/product-manager/index.html");
    assert!(
        html.contains(r#"<img src="/kb/roles/board.jpg" width="2000" height="1000" alt="The planning board" fetchpriority="high">"#),
        "{html}"
    );
    let line = w.wait_for("rebuil");
    assert!(line.contains("(incremental)"), "{line}");
    let html = s.read("public/roles/product-manager/index.html");
    assert!(html.contains(r#"<img src="/kb/roles/board-1600w.jpg" width="1600" height="800" alt="The planning board" srcset="/kb/roles/board-480w.jpg 480w, /kb/roles/board-800w.jpg 800w, /kb/roles/board-1200w.jpg 1200w, /kb/roles/board-1600w.jpg 1600w""#), "{html}");
    assert!(s.path("public/roles/board-1600w.jpg").exists());
    drop(w);
    assert_equals_clean_build(&s);
}
