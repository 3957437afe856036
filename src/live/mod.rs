//! The live site of `watch` and `serve`: watching the sources
//! ([`watch`]: events, debounced and sorted into what to rebuild), the
//! last good build kept in memory and rebuilt on change ([`session`]:
//! incremental when only bodies changed, a panic caught as an internal
//! error), and the preview server ([`serve`]: answers from memory, live
//! reload, the error overlay; [`http`]: its connections). Nothing here prints: the command line is
//! told what happens and says it.

mod http;
pub(crate) mod serve;
pub(crate) mod session;
pub(crate) mod watch;
