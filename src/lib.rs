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

pub(crate) mod build;
pub(crate) mod check;
pub mod cli;
pub mod config;
pub mod content;
pub mod diagnostics;
pub(crate) mod live;
pub mod markdown;
pub(crate) mod output;
pub(crate) mod panics;
pub(crate) mod publish;
pub mod render;
pub(crate) mod search;
pub(crate) mod signals;
pub mod site;
