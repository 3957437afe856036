//! A live build for `watch` and `serve`: the last good output kept in
//! memory, rebuilt when sources change, and the difference to the previous
//! build worked out so that only changed files are written or reloaded.
//!
//! A failed rebuild leaves the last good output in place and keeps its
//! errors, so a server can go on serving it and show what is wrong.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Instant;

use crate::diagnostics::Diagnostics;
use crate::output::{Data, OutputFile};
use crate::site::{BuildOptions, Site};
use crate::watch::ChangeSet;

/// The bytes of one output file, shared cheaply with a server.
pub type Bytes = Arc<Vec<u8>>;

/// What a rebuild changed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Delta {
    /// Output paths whose bytes changed or that are new.
    pub changed: Vec<String>,
    /// Output paths that are gone.
    pub removed: Vec<String>,
    /// Only stylesheets changed.
    pub css_only: bool,
    /// Milliseconds the rebuild took.
    pub millis: u128,
}

/// The live state of a site.
pub struct Session {
    opts: BuildOptions,
    /// The last good output, by path.
    pub files: BTreeMap<String, Bytes>,
    /// The errors of the last attempt, if it failed.
    pub errors: Option<Diagnostics>,
    /// Warnings of the last good build.
    pub warnings: Diagnostics,
    /// Counts good builds.
    pub generation: u64,
}

fn read_all(files: Vec<OutputFile>) -> Result<BTreeMap<String, Bytes>, Diagnostics> {
    let mut out = BTreeMap::new();
    let mut ds = Diagnostics::new();
    for f in files {
        let bytes = match f.data {
            Data::Bytes(b) => b,
            Data::Static(b) => b.to_vec(),
            Data::File(p) => match std::fs::read(&p) {
                Ok(b) => b,
                Err(e) => {
                    ds.push(crate::diagnostics::Diagnostic::error(
                        &p,
                        format!("cannot read: {e}"),
                    ));
                    continue;
                }
            },
        };
        out.insert(f.rel, Arc::new(bytes));
    }
    if ds.has_errors() { Err(ds) } else { Ok(out) }
}

impl Session {
    /// Builds the site in memory for the first time. A failed first build
    /// gives an empty session holding the errors.
    pub fn start(opts: BuildOptions) -> Session {
        let mut s = Session {
            opts,
            files: BTreeMap::new(),
            errors: None,
            warnings: Diagnostics::new(),
            generation: 0,
        };
        let _ = s.rebuild(&ChangeSet {
            everything: true,
            ..ChangeSet::default()
        });
        s
    }

    /// The options of the build.
    pub fn options(&self) -> &BuildOptions {
        &self.opts
    }

    /// Rebuilds after `changes`. On success the new output replaces the old
    /// and the difference is returned; on failure nothing changes but
    /// `errors`.
    pub fn rebuild(&mut self, changes: &ChangeSet) -> Result<Delta, Diagnostics> {
        let start = Instant::now();
        let result = Site::load(&self.opts)
            .and_then(|site| site.render())
            .and_then(|(files, warnings)| {
                let files = read_all(files)?;
                Ok((files, warnings))
            });
        let (files, warnings) = match result {
            Ok(r) => r,
            Err(ds) => {
                self.errors = Some(ds.clone());
                return Err(ds);
            }
        };
        let mut delta = Delta::default();
        for (rel, bytes) in &files {
            if self.files.get(rel).is_none_or(|old| old != bytes) {
                delta.changed.push(rel.clone());
            }
        }
        delta.removed = self
            .files
            .keys()
            .filter(|k| !files.contains_key(*k))
            .cloned()
            .collect();
        delta.css_only = changes.css_only()
            && self.errors.is_none()
            && delta.removed.is_empty()
            && delta.changed.iter().all(|r| r.ends_with(".css"));
        self.files = files;
        self.warnings = warnings;
        self.errors = None;
        self.generation += 1;
        delta.millis = start.elapsed().as_millis();
        Ok(delta)
    }
}
