//! `cairn serve`: the site built in memory, served over HTTP on the local
//! machine, rebuilt on every change, with live reload and an error overlay.
//!
//! The server never reads the disk for a request: every response comes from
//! the map of the last good build held by the [`Session`]. A request path is
//! only ever a key into that map, so `..`, encoded dots, backslashes, NUL
//! bytes or symlinks cannot reach a file outside the site by construction;
//! they get a 404 and the server goes on. Requests whose `Host` is not the
//! bound address or `localhost` are refused (DNS rebinding), and so are
//! event-stream connections from a foreign `Origin`.
//!
//! Live reload uses Server-Sent Events at `/__cairn/events`: `reload` after a
//! rebuild that changed pages, `css` when only stylesheets changed (the page
//! swaps them without reloading), `errors` (JSON) when a rebuild failed, so
//! the page shows an overlay while the last good build stays served.

use std::collections::BTreeMap;
use std::convert::Infallible;
use std::net::{IpAddr, SocketAddr, TcpListener};
use std::path::PathBuf;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use tokio::sync::broadcast;

use crate::diagnostics::{Diagnostics, shown_per_file};
use crate::live::session::{Held, Session};
use crate::live::watch::Watcher;
use crate::site::BuildOptions;

/// What `cairn serve` was asked for.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// Site root, drafts.
    pub build: BuildOptions,
    /// Address to bind.
    pub interface: IpAddr,
    /// First port to try.
    pub port: u16,
    /// Open a browser.
    pub open: bool,
}

/// What happens while serving, for the command line to tell: this module
/// prints nothing itself.
pub enum ServeEvent<'a> {
    /// The port asked for was busy; the next free one is used.
    PortBusy {
        /// The port asked for.
        asked: u16,
        /// The port used.
        used: u16,
    },
    /// The server listens on an address other machines can reach.
    Reachable(IpAddr),
    /// The first build failed with these errors.
    FirstBuildFailed(&'a Diagnostics),
    /// Warnings of a good build (the first or a rebuild).
    Warnings(&'a Diagnostics),
    /// The server is up.
    Serving {
        /// Where other machines reach it too (bound to every interface).
        also: &'a [String],
        /// The site root.
        root: &'a std::path::Path,
        /// Where to open it.
        url: &'a str,
    },
    /// A rebuild succeeded.
    Rebuilt(&'a crate::live::session::Delta),
    /// A rebuild failed; the last good build is still served.
    RebuildFailed(&'a Diagnostics),
}

/// One error shown in the browser overlay.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct ErrorInfo {
    /// File, relative to the site root.
    pub file: String,
    /// 1-based line, 0 when unknown.
    pub line: usize,
    /// 1-based column, 0 when unknown.
    pub col: usize,
    /// The message.
    pub message: String,
    /// The quoted line with a caret under the column, as the terminal shows
    /// it (empty when the problem has no place in a text).
    pub snippet: String,
    /// The suggested fix, if any.
    pub hint: String,
    /// The whole diagnostic as the terminal prints it.
    pub text: String,
}

/// Diagnostics as overlay data.
pub fn error_infos(ds: &Diagnostics) -> Vec<ErrorInfo> {
    let errors: Vec<_> = ds
        .clone()
        .sorted()
        .into_iter()
        .filter(|d| d.is_error())
        .collect();
    let mut out = Vec::new();
    for (shown, more) in shown_per_file(&errors) {
        out.extend(shown.iter().map(|d| ErrorInfo {
            file: crate::diagnostics::shown_path(&d.path).into_owned(),
            line: d.line.unwrap_or(0),
            col: d.col.unwrap_or(0),
            message: d.message.clone(),
            snippet: d.quoted_line().unwrap_or_default(),
            hint: d.hint.as_deref().unwrap_or_default().to_string(),
            text: d.to_string(),
        }));
        if more > 0 {
            let file = crate::diagnostics::shown_path(&shown[0].path).into_owned();
            let message = format!("and {more} more errors in this file");
            out.push(ErrorInfo {
                text: format!("{file}: {message}"),
                file,
                line: 0,
                col: 0,
                message,
                snippet: String::new(),
                hint: String::new(),
            });
        }
    }
    out
}

/// A message to every open page.
#[derive(Debug, Clone)]
enum Push {
    Reload,
    Css,
    Errors(String),
}

/// What the request handlers share.
struct Shared {
    files: RwLock<Arc<BTreeMap<String, Held>>>,
    /// JSON of the current errors, if the last rebuild failed.
    errors: RwLock<Option<String>>,
    tx: broadcast::Sender<Push>,
    /// The site's base path, followed when site.toml changes it.
    base_path: RwLock<String>,
    /// `Host` header values accepted (without port), lowercase.
    hosts: Vec<String>,
    /// Serving beyond loopback: any IP address is a good Host.
    any_ip: bool,
    port: u16,
}

/// The live-reload client, injected into every HTML page.
const CLIENT: &str = r#"<script id="cairn-live-reload">
(() => {
  const es = new EventSource("/__cairn/events");
  const overlay = (errors) => {
    let box = document.getElementById("cairn-errors");
    if (!box) {
      box = document.createElement("div");
      box.id = "cairn-errors";
      box.setAttribute("role", "alert");
      box.style.cssText = "position:fixed;inset:0;z-index:2147483647;overflow:auto;background:rgba(20,20,20,.94);color:#fff;font:14px/1.5 ui-monospace,monospace;padding:2rem";
      document.body.appendChild(box);
    }
    box.textContent = "";
    const h = document.createElement("h2");
    h.textContent = document.body.hasAttribute("data-cairn-waiting")
      ? "cairn: the site has errors (nothing built yet; this page reloads once they are fixed)"
      : "cairn: the last rebuild failed (showing the last good build underneath)";
    h.style.cssText = "color:#ff8a80;font-size:16px;margin:0 0 1rem";
    box.appendChild(h);
    for (const e of errors) {
      // What the terminal shows: place and message, the line with a caret
      // (kept on one line, scrolling sideways), and the hint (wrapped).
      const p = document.createElement("div");
      p.className = "cairn-error";
      p.style.cssText = "margin:0 0 1rem";
      const head = document.createElement("div");
      head.style.cssText = "white-space:pre-wrap;overflow-wrap:anywhere;font-weight:bold";
      head.textContent = e.file + (e.line ? ":" + e.line + ":" + e.col : "") + ": " + e.message;
      p.appendChild(head);
      if (e.snippet) {
        const pre = document.createElement("pre");
        pre.style.cssText = "margin:0;overflow-x:auto;font:inherit";
        pre.textContent = e.snippet;
        p.appendChild(pre);
      }
      if (e.hint) {
        const h = document.createElement("div");
        h.style.cssText = "white-space:pre-wrap;overflow-wrap:anywhere;color:rgb(155,233,168)";
        h.textContent = "  = help: " + e.hint;
        p.appendChild(h);
      }
      box.appendChild(p);
    }
  };
  es.addEventListener("reload", () => location.reload());
  es.addEventListener("css", () => {
    for (const l of document.querySelectorAll('link[rel="stylesheet"]')) {
      const u = new URL(l.href);
      u.searchParams.set("cairn-reload", Date.now());
      l.href = u.toString();
    }
  });
  es.addEventListener("errors", (ev) => overlay(JSON.parse(ev.data)));
})();
</script>
"#;

/// What every request gets while no build has succeeded yet.
const WAITING: &str = "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>cairn: waiting for a good build</title>\n</head>\n<body data-cairn-waiting>\n<p>cairn: the site has errors and has not been built yet. This page reloads once they are fixed.</p>\n</body>\n</html>\n";

/// Inserts the live-reload client before `</body>` (or at the end).
pub fn inject(html: &[u8]) -> Vec<u8> {
    let text = String::from_utf8_lossy(html);
    let mut out = String::with_capacity(text.len() + CLIENT.len());
    match text.rfind("</body>") {
        Some(i) => {
            out.push_str(&text[..i]);
            out.push_str(CLIENT);
            out.push_str(&text[i..]);
        }
        None => {
            out.push_str(&text);
            out.push_str(CLIENT);
        }
    }
    out.into_bytes()
}

/// The Content-Type of an output path.
pub fn content_type(rel: &str) -> &'static str {
    let ext = rel
        .rsplit_once('.')
        .map_or("", |(_, e)| e)
        .to_ascii_lowercase();
    match ext.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "xml" => "application/xml",
        "txt" => "text/plain; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "ico" => "image/x-icon",
        "woff" => "font/woff",
        "woff2" => "font/woff2",
        "pdf" => "application/pdf",
        "wasm" => "application/wasm",
        _ => "application/octet-stream",
    }
}

/// Where a request path leads.
#[derive(Debug, PartialEq, Eq)]
pub enum Lookup {
    /// An output file.
    File(String),
    /// A folder asked for without its trailing slash: redirect here.
    Redirect(String),
    /// Nothing (or a hostile path).
    NotFound,
}

/// Maps a raw request path to an output path of `files`. Anything odd
/// (backslashes, NUL, invalid UTF-8, `.`/`..` segments, a path outside
/// `base_path`) is `NotFound`.
pub fn lookup(raw: &str, base_path: &str, has: impl Fn(&str) -> bool) -> Lookup {
    let lower = raw.to_ascii_lowercase();
    if raw.contains('\\') || lower.contains("%5c") || lower.contains("%00") || raw.contains('\0') {
        return Lookup::NotFound;
    }
    let bytes = raw.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            match raw
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
            {
                Some(b) => {
                    decoded.push(b);
                    i += 3;
                    continue;
                }
                None => return Lookup::NotFound,
            }
        }
        decoded.push(bytes[i]);
        i += 1;
    }
    let Ok(path) = String::from_utf8(decoded) else {
        return Lookup::NotFound;
    };
    if path.contains('\0') || path.contains('\\') {
        return Lookup::NotFound;
    }
    let Some(rest) = path.strip_prefix(base_path) else {
        return if format!("{path}/") == base_path {
            Lookup::Redirect(base_path.to_string())
        } else {
            Lookup::NotFound
        };
    };
    if rest
        .split('/')
        .any(|s| s == "." || s == ".." || s.contains(':'))
    {
        return Lookup::NotFound;
    }
    if rest.is_empty() || rest.ends_with('/') {
        let rel = format!("{rest}index.html");
        return if has(&rel) {
            Lookup::File(rel)
        } else {
            Lookup::NotFound
        };
    }
    if has(rest) {
        return Lookup::File(rest.to_string());
    }
    if has(&format!("{rest}/index.html")) {
        return Lookup::Redirect(format!("{base_path}{rest}/"));
    }
    Lookup::NotFound
}

fn host_allowed(st: &Shared, headers: &HeaderMap) -> bool {
    let Some(host) = headers.get(header::HOST).and_then(|h| h.to_str().ok()) else {
        return false;
    };
    let host = host.to_ascii_lowercase();
    let (name, port) = match host.rsplit_once(':') {
        Some((n, p)) if !n.ends_with(']') || host.starts_with('[') => match p.parse::<u16>() {
            Ok(p) => (n.to_string(), Some(p)),
            Err(_) => (host.clone(), None),
        },
        _ => (host.clone(), None),
    };
    (st.hosts.contains(&name) || st.any_ip && is_ip_literal(&name))
        && port.is_none_or(|p| p == st.port)
}

/// Whether a Host name is an IP address (`192.168.1.20`, `[fe80::1]`): a
/// name no DNS rebinding can send, so safe to accept when serving beyond
/// loopback, where other machines reach this one by its addresses.
fn is_ip_literal(name: &str) -> bool {
    name.parse::<std::net::Ipv4Addr>().is_ok()
        || name
            .strip_prefix('[')
            .and_then(|n| n.strip_suffix(']'))
            .is_some_and(|n| n.parse::<std::net::Ipv6Addr>().is_ok())
}

/// This machine's address on its default route, as other machines reach
/// it: a UDP socket "connected" to a documentation address (no packet is
/// sent) says which local address the system would use.
fn primary_ip(v6: bool) -> Option<IpAddr> {
    let (bind, to) = if v6 {
        ("[::]:0", "[2001:db8::1]:9")
    } else {
        ("0.0.0.0:0", "192.0.2.1:9")
    };
    let socket = std::net::UdpSocket::bind(bind).ok()?;
    socket.connect(to).ok()?;
    Some(socket.local_addr().ok()?.ip()).filter(|ip| !ip.is_unspecified())
}

fn origin_allowed(st: &Shared, headers: &HeaderMap) -> bool {
    match headers.get(header::ORIGIN).and_then(|h| h.to_str().ok()) {
        None => true,
        Some(origin) => {
            let origin = origin.to_ascii_lowercase();
            st.hosts
                .iter()
                .any(|h| origin == format!("http://{h}:{}", st.port))
                || st.any_ip
                    && origin
                        .strip_prefix("http://")
                        .and_then(|o| o.strip_suffix(&format!(":{}", st.port)))
                        .is_some_and(is_ip_literal)
        }
    }
}

fn plain(status: StatusCode, text: &'static str) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        text,
    )
        .into_response()
}

async fn handle(State(st): State<Arc<Shared>>, req: Request) -> Response {
    if !host_allowed(&st, req.headers()) {
        return plain(
            StatusCode::FORBIDDEN,
            "cairn serve: this Host is not allowed\n",
        );
    }
    if req.method() != Method::GET && req.method() != Method::HEAD {
        return plain(StatusCode::METHOD_NOT_ALLOWED, "only GET and HEAD\n");
    }
    let path = req.uri().path().to_string();
    if path == "/__cairn/events" {
        return events(st, req.headers()).await;
    }
    let files = st.files.read().map(|f| Arc::clone(&f)).unwrap_or_default();
    if files.is_empty() {
        // No good build yet: every page is one that shows the errors in
        // the overlay and reloads once they are fixed.
        return Response::builder()
            .status(StatusCode::SERVICE_UNAVAILABLE)
            .header(header::CONTENT_TYPE, "text/html; charset=utf-8")
            .header(header::CACHE_CONTROL, "no-store")
            .body(Body::from(inject(WAITING.as_bytes())))
            .unwrap_or_default();
    }
    let base_path = st
        .base_path
        .read()
        .map(|b| b.clone())
        .unwrap_or_else(|_| "/".into());
    let (status, rel) = match lookup(&path, &base_path, |r| files.contains_key(r)) {
        Lookup::File(rel) => (StatusCode::OK, rel),
        Lookup::Redirect(to) => {
            return Response::builder()
                .status(StatusCode::MOVED_PERMANENTLY)
                .header(header::LOCATION, to)
                .body(Body::empty())
                .unwrap_or_default();
        }
        Lookup::NotFound => (StatusCode::NOT_FOUND, "404.html".to_string()),
    };
    let Some(held) = files.get(&rel).cloned() else {
        return plain(StatusCode::NOT_FOUND, "not found\n");
    };
    drop(files);
    let ct = content_type(&rel);
    let html = ct.starts_with("text/html");
    // Pages get the live-reload script; every other file is sent from the
    // build's own copy, never copied per request, or read from disk (image
    // copies, cards and assets stay there).
    let gzip_ok = req
        .headers()
        .get_all(header::ACCEPT_ENCODING)
        .iter()
        .any(|v| v.to_str().is_ok_and(|v| v.contains("gzip")));
    let mut gzipped = false;
    let body = match held {
        Held::Bytes(b) if html => Body::from(inject(&b)),
        Held::Static(b) if html => Body::from(inject(b)),
        Held::Bytes(b) => Body::from(bytes::Bytes::from_owner(FileBody(b))),
        Held::Static(b) => Body::from(bytes::Bytes::from_static(b)),
        // Sent as held where the browser takes gzip; a page is unpacked
        // for the live-reload script.
        Held::Gzip(z) if !html && gzip_ok => {
            gzipped = true;
            Body::from(bytes::Bytes::from_owner(FileBody(z)))
        }
        held @ (Held::Gzip(_) | Held::File(_)) => {
            let bytes = tokio::task::spawn_blocking(move || held.bytes().map(|b| b.into_owned()));
            match bytes.await {
                Ok(Ok(b)) if html => Body::from(inject(&b)),
                Ok(Ok(b)) => Body::from(b),
                // A file removed since the build (a `cairn build` pruning
                // the image cache meanwhile): the next rebuild finds out.
                _ => {
                    return plain(
                        StatusCode::NOT_FOUND,
                        "cairn serve: this file is gone since the last build; save a file to rebuild\n",
                    );
                }
            }
        }
    };
    let mut resp = Response::builder();
    if gzipped {
        resp = resp.header(header::CONTENT_ENCODING, "gzip");
    }
    resp = resp.header(header::VARY, "accept-encoding");
    resp.status(status)
        .header(header::CONTENT_TYPE, ct)
        .header(header::CACHE_CONTROL, "no-store")
        .header("x-content-type-options", "nosniff")
        .body(body)
        .unwrap_or_default()
}

/// An output file shared with the build, as a response body.
struct FileBody(Arc<Vec<u8>>);

impl AsRef<[u8]> for FileBody {
    fn as_ref(&self) -> &[u8] {
        self.0.as_slice()
    }
}

/// The event stream. Every event carries data: browsers drop events whose
/// data is empty, which would silently lose `reload` and `css`.
async fn events(st: Arc<Shared>, headers: &HeaderMap) -> Response {
    if !origin_allowed(&st, headers) {
        return plain(
            StatusCode::FORBIDDEN,
            "cairn serve: this Origin is not allowed\n",
        );
    }
    let mut rx = st.tx.subscribe();
    let first = st.errors.read().ok().and_then(|e| e.clone());
    let stream =
        futures_util::stream::unfold((first, rx.resubscribe()), |(first, mut rx)| async move {
            if let Some(json) = first {
                return Some((
                    Ok::<Event, Infallible>(Event::default().event("errors").data(json)),
                    (None, rx),
                ));
            }
            loop {
                match rx.recv().await {
                    Ok(Push::Reload) => {
                        return Some((
                            Ok(Event::default().event("reload").data("now")),
                            (None, rx),
                        ));
                    }
                    Ok(Push::Css) => {
                        return Some((Ok(Event::default().event("css").data("now")), (None, rx)));
                    }
                    Ok(Push::Errors(json)) => {
                        return Some((Ok(Event::default().event("errors").data(json)), (None, rx)));
                    }
                    Err(broadcast::error::RecvError::Lagged(_)) => continue,
                    Err(broadcast::error::RecvError::Closed) => return None,
                }
            }
        });
    let _ = rx.try_recv();
    let mut resp = Sse::new(stream)
        .keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
        .into_response();
    resp.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    resp
}

/// Binds `interface:port`, or the next free port of the ten after it.
fn bind(interface: IpAddr, port: u16, tell: &dyn Fn(ServeEvent)) -> Result<TcpListener, String> {
    let mut last = String::new();
    for p in port..=port.saturating_add(10) {
        match TcpListener::bind(SocketAddr::new(interface, p)) {
            Ok(l) => {
                if p != port {
                    tell(ServeEvent::PortBusy {
                        asked: port,
                        used: p,
                    });
                }
                return Ok(l);
            }
            Err(e) if e.kind() == std::io::ErrorKind::AddrInUse => last = e.to_string(),
            Err(e) => return Err(format!("cannot listen on {interface}:{p}: {e}")),
        }
    }
    Err(format!(
        "ports {port} to {} are all busy ({last}); pass `--port`",
        port.saturating_add(10)
    ))
}

/// Rebuilds on every change the watcher reports, publishing each result
/// to the server (files, errors) and to the browsers (reload, CSS, error
/// overlay); `tell` hears each.
fn rebuild_forever(
    mut session: Session,
    mut watcher: Watcher,
    bg: &Shared,
    tell: &(impl Fn(ServeEvent) + Send + Sync),
) -> ! {
    loop {
        match session.rebuild_on_change(&mut watcher) {
            Ok(delta) => {
                // The served map follows the session's by the delta alone
                // (a copy of 10,000 entries per save cost milliseconds);
                // a request still holding the old map makes this copy it.
                {
                    let mut f = bg.files.write().unwrap_or_else(|e| e.into_inner());
                    let served = Arc::make_mut(&mut *f);
                    for rel in &delta.removed {
                        served.remove(rel);
                    }
                    for rel in &delta.changed {
                        match session.files.get(rel) {
                            Some(held) => served.insert(rel.clone(), held.clone()),
                            None => served.remove(rel),
                        };
                    }
                }
                // A `base_url` edited while serving moves the site.
                if let Some(path) = session.base_path()
                    && let Ok(mut b) = bg.base_path.write()
                    && *b != path
                {
                    *b = path.to_string();
                }
                let had_errors = bg
                    .errors
                    .write()
                    .map(|mut e| e.take().is_some())
                    .unwrap_or(false);
                tell(ServeEvent::Warnings(&session.warnings));
                tell(ServeEvent::Rebuilt(&delta));
                let push = if delta.css_only && !had_errors {
                    Push::Css
                } else {
                    Push::Reload
                };
                if had_errors || !delta.changed.is_empty() || !delta.removed.is_empty() {
                    let _ = bg.tx.send(push);
                }
            }
            Err(ds) => {
                let json = serde_json::to_string(&error_infos(&ds)).unwrap_or_default();
                if let Ok(mut e) = bg.errors.write() {
                    *e = Some(json.clone());
                }
                tell(ServeEvent::RebuildFailed(&ds));
                let _ = bg.tx.send(Push::Errors(json));
            }
        }
    }
}

/// Runs the server until the process ends; `tell` hears what happens.
pub fn run(
    opts: ServeOptions,
    tell: impl Fn(ServeEvent) + Send + Sync + 'static,
) -> Result<(), String> {
    if !opts.interface.is_loopback() {
        tell(ServeEvent::Reachable(opts.interface));
    }
    let listener = bind(opts.interface, opts.port, &tell)?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    // Panics in rebuilds become internal errors in the terminal and the
    // overlay; the server keeps the last good site.
    crate::panics::quiet();
    let session = Session::start(opts.build.clone());
    let config = crate::config::Config::load(&opts.build.root).map_err(|ds| {
        let first = ds
            .sorted()
            .into_iter()
            .next()
            .map(|d| d.to_string())
            .unwrap_or_default();
        format!("cannot load site.toml: {first}")
    })?;
    let mut hosts = vec![
        "localhost".to_string(),
        "127.0.0.1".to_string(),
        "[::1]".to_string(),
    ];
    let ip = match addr.ip() {
        IpAddr::V6(v6) => format!("[{v6}]"),
        v4 => v4.to_string(),
    };
    if !hosts.contains(&ip) {
        hosts.push(ip.clone());
    }
    let (tx, _) = broadcast::channel(64);
    let errors_json = |s: &Session| {
        s.errors
            .as_ref()
            .map(|ds| serde_json::to_string(&error_infos(ds)).unwrap_or_default())
    };
    let shared = Arc::new(Shared {
        files: RwLock::new(Arc::new(session.files.clone())),
        errors: RwLock::new(errors_json(&session)),
        tx,
        base_path: RwLock::new(config.base_path.clone()),
        hosts,
        any_ip: !addr.ip().is_loopback(),
        port: addr.port(),
    });
    match &session.errors {
        Some(ds) => tell(ServeEvent::FirstBuildFailed(ds)),
        None => tell(ServeEvent::Warnings(&session.warnings)),
    }
    let url = format!(
        "http://{}:{}{}",
        if addr.ip().is_loopback() || addr.ip().is_unspecified() {
            "127.0.0.1".to_string()
        } else {
            ip
        },
        addr.port(),
        config.base_path
    );
    // Bound to every interface: where other machines find it.
    let also: Vec<String> = if addr.ip().is_unspecified() {
        primary_ip(addr.is_ipv6())
            .map(|ip| match ip {
                IpAddr::V6(v6) => format!("http://[{v6}]:{}{}", addr.port(), config.base_path),
                v4 => format!("http://{v4}:{}{}", addr.port(), config.base_path),
            })
            .into_iter()
            .collect()
    } else {
        Vec::new()
    };
    // Rebuilds run on their own thread; the server only reads the result.
    // The watch starts before the address is announced, so that no edit
    // made after the announcement is missed.
    let output: PathBuf = config.output_dir.clone();
    let watcher = Watcher::new(&opts.build.root, &output)?;
    tell(ServeEvent::Serving {
        root: &opts.build.root,
        url: &url,
        also: &also,
    });
    let bg = Arc::clone(&shared);
    std::thread::spawn(move || rebuild_forever(session, watcher, &bg, &tell));

    if opts.open {
        open_browser(&url);
    }
    let app = Router::new().fallback(handle).with_state(shared);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the server: {e}"))?;
    rt.block_on(async move {
        listener.set_nonblocking(true).map_err(|e| e.to_string())?;
        let listener = tokio::net::TcpListener::from_std(listener).map_err(|e| e.to_string())?;
        super::http::accept_forever(listener, app).await;
        Ok(())
    })
}

/// The command that opens `url` in the default browser on `os` (a value
/// of `std::env::consts::OS`): `open` on macOS, `start` through `cmd` on
/// Windows (its empty first argument is the window title), `xdg-open`
/// elsewhere.
fn browser_command(os: &str, url: &str) -> (&'static str, Vec<String>) {
    match os {
        "macos" => ("open", vec![url.to_string()]),
        "windows" => ("cmd", ["/C", "start", "", url].map(str::to_string).to_vec()),
        _ => ("xdg-open", vec![url.to_string()]),
    }
}

/// Opens `url` in the default browser; says so when that cannot start.
fn open_browser(url: &str) {
    let (program, args) = browser_command(std::env::consts::OS, url);
    let started = std::process::Command::new(program)
        .args(&args)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn();
    if let Err(e) = started {
        eprintln!("warning: could not open a browser ({program}: {e}); open {url} yourself");
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn the_browser_is_opened_the_way_each_platform_does() {
        let url = "http://127.0.0.1:1111/";
        assert_eq!(
            browser_command("macos", url),
            ("open", vec![url.to_string()])
        );
        assert_eq!(
            browser_command("windows", url),
            ("cmd", ["/C", "start", "", url].map(str::to_string).to_vec())
        );
        assert_eq!(
            browser_command("linux", url),
            ("xdg-open", vec![url.to_string()])
        );
        assert_eq!(browser_command("freebsd", url).0, "xdg-open");
    }

    use super::*;

    fn look(raw: &str) -> Lookup {
        let files = [
            "index.html",
            "roles/index.html",
            "roles/pm/index.html",
            "style.css",
            "café/index.html",
        ];
        lookup(raw, "/", |r| files.contains(&r))
    }

    #[test]
    fn lookups() {
        assert_eq!(look("/"), Lookup::File("index.html".into()));
        assert_eq!(
            look("/roles/pm/"),
            Lookup::File("roles/pm/index.html".into())
        );
        assert_eq!(look("/roles/pm"), Lookup::Redirect("/roles/pm/".into()));
        assert_eq!(look("/style.css"), Lookup::File("style.css".into()));
        assert_eq!(look("/caf%C3%A9/"), Lookup::File("café/index.html".into()));
        assert_eq!(look("/nope"), Lookup::NotFound);
    }

    #[test]
    fn hostile_paths_are_not_found() {
        for raw in [
            "/../etc/passwd",
            "/roles/../../etc/passwd",
            "/%2e%2e/etc/passwd",
            "/%2E%2E%2Fetc%2Fpasswd",
            "/..%2fetc/passwd",
            "/%252e%252e/etc/passwd",
            "/%5c..%5cetc",
            "/..\\etc",
            "/%00",
            "/index.html%00.css",
            "/%ff",
            "/c:/windows/win.ini",
            "/roles/./pm/",
            "/%",
            "/%zz",
        ] {
            assert_eq!(look(raw), Lookup::NotFound, "{raw}");
        }
    }

    #[test]
    fn subpath_sites() {
        let has = |r: &str| r == "index.html" || r == "roles/index.html";
        assert_eq!(
            lookup("/atlas/", "/atlas/", has),
            Lookup::File("index.html".into())
        );
        assert_eq!(
            lookup("/atlas", "/atlas/", has),
            Lookup::Redirect("/atlas/".into())
        );
        assert_eq!(lookup("/roles/", "/atlas/", has), Lookup::NotFound);
    }

    #[test]
    fn client_is_injected_before_body_end() {
        let out = String::from_utf8(inject(b"<html><body><p>x</p></body></html>")).unwrap();
        assert!(out.contains("<p>x</p><script id=\"cairn-live-reload\">"));
        assert!(out.ends_with("</script>\n</body></html>"));
    }
}
