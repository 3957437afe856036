//! cairn: a static site generator for typed knowledge bases about product
//! careers.
//!
//! The pipeline, one way, each stage a module with plain-data input and
//! output (I/O only at the two ends):
//!
//! ```text
//!  site.toml ──► config ──┐
//!                         ├──► site::Site::load ──► site::Site::render ──► output::Stager
//!  content/*.md ─► content┘      (validate)          (markdown + render)     (staged, atomic
//!                 (frontmatter,                                               writes, stale removal)
//!                  yaml)
//! ```
//!
//! Every stage collects [`diagnostics::Diagnostic`]s instead of stopping at
//! the first problem; the CLI prints them all and exits 1.
#![deny(missing_docs)]

pub mod charts;
pub mod cli;
pub mod compare;
pub mod config;
pub mod content;
pub mod diagnostics;
pub mod external;
pub mod highlight;
pub mod linkcheck;
pub mod markdown;
pub mod output;
pub mod pages;
pub mod panics;
pub mod publish;
pub mod render;
pub mod schema;
pub mod search;
pub mod serve;
pub mod session;
pub mod shortcodes;
pub mod signals;
pub mod site;
pub mod slug;
pub mod template_errors;
pub mod uptodate;
pub mod values;
pub mod watch;
