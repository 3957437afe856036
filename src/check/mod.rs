//! Checks of the rendered site: every internal link and fragment against
//! the output ([`links`], pure), and, with `cairn check --external`, every
//! outside link over the network ([`external`]). Links written in Markdown
//! are checked earlier, where they are resolved (see `markdown`); these
//! catch what templates and shortcodes write.

pub(crate) mod external;
pub(crate) mod links;
