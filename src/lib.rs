//! cairn: a static site generator for typed knowledge bases about product
//! careers.
//!
//! The pipeline, one way: load -> check -> render -> write, each stage a
//! folder with plain-data input and output (I/O only at the two ends):
//!
//! ```text
//!  site.toml ──► config ──┐
//!                         ├──► site::Site::load ──► render::render_into ──► output::Stager
//!  content/*.md ─► content┘   (the checked model)   (markdown, templates,    (staged, atomic
//!                                                     publish, search)        writes, stale removal)
//! ```
//!
//! `build` runs it end to end; `live` runs it again on every change for
//! `watch` and `serve`; `cli` parses the arguments and does all printing.
//! A module imports only modules listed before it in [`LAYERS`] (checked
//! by a test), so the folders read in pipeline order.
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
pub(crate) mod html;
pub(crate) mod live;
pub mod markdown;
pub(crate) mod output;
pub(crate) mod panics;
pub(crate) mod publish;
pub mod render;
pub(crate) mod search;
pub(crate) mod signals;
pub mod site;

/// The modules in pipeline order: each may use only those before it.
pub const LAYERS: [&str; 16] = [
    "diagnostics",
    "panics",
    "signals",
    "html",
    "config",
    "content",
    "check",
    "markdown",
    "site",
    "publish",
    "output",
    "search",
    "render",
    "build",
    "live",
    "cli",
];
