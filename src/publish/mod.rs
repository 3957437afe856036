//! What a static host and search engines need besides the pages: the
//! sitemap, the Atom feed, robots.txt, the meta description, and JSON-LD
//! structured data generated from the typed content.
//!
//! Pure functions over plain data. Every URL here is absolute (built from
//! `base_url`, subpath included). Dates come from the content (`updated`,
//! else `date`), never from the clock, so two builds of the same content are
//! byte-identical.

mod feeds;
pub mod schema;
mod seo;

pub use feeds::{FEED_SIZE, FeedEntry, SitemapEntry, atom, rfc3339, robots, sitemap};
pub use seo::{Crumb, Faq, LdKind, json_ld, meta_description};
