//! Checking external links (`cairn check --external`): every distinct
//! `http(s)` URL the rendered site links to is requested once, with a
//! timeout, at most one request at a time per host, and a few hosts in
//! parallel. Nothing here runs unless asked: the default build needs no
//! network.

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::time::Duration;

/// The outcome for one URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// 2xx or 3xx (after redirects).
    Ok,
    /// The server answered with an error status.
    Status(u16),
    /// No answer: DNS, connection, TLS or timeout.
    Failed(String),
}

/// What a check found.
#[derive(Debug, Default)]
pub struct Report {
    /// Distinct URLs checked.
    pub checked: usize,
    /// Distinct hosts.
    pub hosts: usize,
    /// URLs that failed, with where they appear.
    pub broken: Vec<(String, Outcome, Vec<String>)>,
}

/// Hosts checked at the same time.
const PARALLEL_HOSTS: usize = 8;

fn host_of(url: &str) -> &str {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    rest.split(['/', '?', '#']).next().unwrap_or(rest)
}

/// Linux: rustls with its bundled roots (ureq's default).
#[cfg(target_os = "linux")]
fn tls() -> ureq::tls::TlsConfig {
    ureq::tls::TlsConfig::default()
}

/// Elsewhere: the system's TLS and certificate store (see Cargo.toml).
#[cfg(not(target_os = "linux"))]
fn tls() -> ureq::tls::TlsConfig {
    use ureq::tls::{RootCerts, TlsConfig, TlsProvider};
    TlsConfig::builder()
        .provider(TlsProvider::NativeTls)
        .root_certs(RootCerts::PlatformVerifier)
        .build()
}

fn fetch(agent: &ureq::Agent, url: &str) -> Outcome {
    let status = |r: Result<ureq::http::Response<ureq::Body>, ureq::Error>| match r {
        Ok(resp) => Ok(resp.status().as_u16()),
        Err(ureq::Error::Timeout(_)) => Err("timed out".to_string()),
        Err(e) => Err(e.to_string()),
    };
    match status(agent.head(url).call()) {
        // Some servers refuse HEAD; ask again with GET.
        Ok(405) | Ok(403) | Ok(501) => match status(agent.get(url).call()) {
            Ok(code) if code < 400 => Outcome::Ok,
            Ok(code) => Outcome::Status(code),
            Err(e) => Outcome::Failed(e),
        },
        Ok(code) if code < 400 => Outcome::Ok,
        Ok(code) => Outcome::Status(code),
        Err(e) => Outcome::Failed(e),
    }
}

fn next_host(queue: &Mutex<Vec<Vec<String>>>) -> Option<Vec<String>> {
    queue.lock().ok()?.pop()
}

/// Checks `links` (URL, where it appears). Fragments are ignored.
pub fn check(links: &[(String, String)], timeout: Duration) -> Report {
    let mut by_url: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (url, source) in links {
        let url = url.split('#').next().unwrap_or(url).to_string();
        let sources = by_url.entry(url).or_default();
        if !sources.contains(source) {
            sources.push(source.clone());
        }
    }
    let mut by_host: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for url in by_url.keys() {
        by_host
            .entry(host_of(url).to_ascii_lowercase())
            .or_default()
            .push(url.clone());
    }
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(timeout))
        .http_status_as_error(false)
        .user_agent("cairn link checker")
        .tls_config(tls())
        .build()
        .into();
    let queue = Mutex::new(by_host.values().cloned().collect::<Vec<_>>());
    let results = Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for _ in 0..PARALLEL_HOSTS.min(by_host.len()) {
            s.spawn(|| {
                // The lock is taken and released inside `next_host`, never
                // held while a request is in flight.
                while let Some(urls) = next_host(&queue) {
                    for url in urls {
                        let outcome = fetch(&agent, &url);
                        if let Ok(mut r) = results.lock() {
                            r.push((url, outcome));
                        }
                    }
                }
            });
        }
    });
    let mut results = results.into_inner().unwrap_or_default();
    results.sort();
    Report {
        checked: by_url.len(),
        hosts: by_host.len(),
        broken: results
            .into_iter()
            .filter(|(_, o)| *o != Outcome::Ok)
            .map(|(url, o)| {
                let sources = by_url.get(&url).cloned().unwrap_or_default();
                (url, o, sources)
            })
            .collect(),
    }
}

impl PartialOrd for Outcome {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Outcome {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        format!("{self:?}").cmp(&format!("{other:?}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts() {
        assert_eq!(host_of("https://Example.org/a?b"), "Example.org");
        assert_eq!(host_of("http://127.0.0.1:8080/x"), "127.0.0.1:8080");
    }
}
