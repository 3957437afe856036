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
pub mod images;
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
pub const LAYERS: [&str; 17] = [
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
    "images",
    "search",
    "render",
    "build",
    "live",
    "cli",
];

/// The manual's reference (`docs/content/reference/`) has an entry for
/// every command, flag, site.toml key, front-matter key, field type,
/// filter and function, each named `<kind>-<name>.md`, so that adding one
/// to the code without documenting it fails here.
#[cfg(test)]
mod manual_reference {
    use std::path::Path;

    fn has(slug: &str) -> bool {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("docs/content/reference")
            .join(format!("{slug}.md"))
            .is_file()
    }

    fn slug(kind: &str, name: &str) -> String {
        format!("{kind}-{}", name.trim_start_matches('-').replace('_', "-"))
    }

    #[test]
    fn every_name_a_user_can_type_has_an_entry() {
        use clap::CommandFactory;
        let mut wanted: Vec<String> = Vec::new();
        let cli = crate::cli::Cli::command();
        for sub in cli.get_subcommands() {
            wanted.push(slug("command", sub.get_name()));
            for arg in sub.get_arguments() {
                if let Some(long) = arg.get_long()
                    && long != "help"
                {
                    wanted.push(slug("flag", long));
                }
            }
        }
        // The keys site.toml accepts, as its parser lists them.
        let err = crate::config::Config::parse("no_such_key = 1", Path::new("."))
            .err()
            .map(|ds| ds.sorted()[0].message.clone())
            .unwrap_or_default();
        let keys: Vec<&str> = err
            .split("expected one of")
            .nth(1)
            .unwrap_or_default()
            .split('`')
            .skip(1)
            .step_by(2)
            .collect();
        assert!(keys.contains(&"base_url"), "{err}");
        wanted.extend(keys.iter().map(|k| slug("config", k)));
        let lists: [(&str, &[&str]); 5] = [
            ("front-matter", &crate::config::BUILTIN_KEYS),
            ("type", &crate::config::FieldType::NAMES),
            ("filter", crate::render::template_errors::FILTERS),
            ("function", crate::render::template_errors::FUNCTIONS),
            ("shortcode", crate::render::shortcodes_builtin()),
        ];
        for (kind, names) in lists {
            wanted.extend(names.iter().map(|k| slug(kind, k)));
        }
        let missing: Vec<&String> = wanted.iter().filter(|s| !has(s)).collect();
        assert!(
            missing.is_empty(),
            "no reference entry in docs/content/reference/ for: {missing:?}"
        );
    }
}
