//! Integration tests: the `cairn` binary run on small fixture sites, one
//! tiny site per case (see `util.rs` for the builder).

mod authoring;
mod browser;
mod build;
mod charts;
mod compare;
mod data;
mod docs;
mod errors;
mod export;
mod golden;
mod hostile;
mod images;
mod init;
mod kb_markdown;
mod languages;
mod layout;
mod links;
mod live;
mod output;
mod publish;
mod release;
mod schedule;
mod shipped;
mod taxonomy;
mod typed;
mod util;
