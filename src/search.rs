//! The full-text search index: built during the build from the rendered
//! pages, searched in the browser by the default theme's `search.js`, with
//! no server.
//!
//! The index is split so that a query loads little at any site size:
//!
//! - `search/meta.json`: counts and the facets (collection, tags and every
//!   `enum` field) with their values and counts;
//! - `search/facets.json`: each document's facet values, loaded only when a
//!   filter is used;
//! - `search/terms/<key>.json`: postings of the terms starting with the two
//!   characters `<key>`, or the three when their group is larger than
//!   [`SPLIT_BYTES`] (a query loads one shard per word);
//! - `search/docs/<n>.json`: titles, URLs, excerpts, kinds and headings,
//!   32 documents a chunk (a query loads the chunks of the hits it shows).
//!
//! Terms are lowercased runs of letters and digits (any script) of two to
//! 32 characters, minus a short list of English stop words, stemmed (see
//! [`stem`]). A term's weight in a document is in [`weights`]; whole
//! titles, their parts and initials are phrase terms ending in a space
//! ([`title_phrases`]), found in the shard of their first word. The ranking
//! that uses them is in `search.js` and the manual's search guide.
//! Incremental updates replace one document's postings and rewrite only
//! the shards and chunk it touches.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use serde::Serialize;

use crate::output::{Data, OutputFile};

/// Documents per `docs/<n>.json` chunk.
pub const CHUNK: usize = 32;

/// What the index needs of one page.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DocInput {
    /// Title.
    pub title: String,
    /// Root-relative URL (with the base path).
    pub url: String,
    /// Short description shown under the title.
    pub excerpt: String,
    /// The page's text.
    pub text: String,
    /// Facet values: (facet key, facet label, values).
    pub facets: Vec<(String, String, Vec<String>)>,
    /// What the page is, shown beside the result ("Role", "Comparison").
    pub kind: String,
    /// The page's headings: (id, text), for results that jump to one.
    pub headings: Vec<(String, String)>,
    /// Words that describe the page without being in its text: the words
    /// of its URL, its typed fields' labels and values.
    pub keywords: Vec<String>,
    /// The language of the page, whose stemmer and stop words its terms
    /// take.
    pub lang: Lang,
    /// A comparison page: the page for "X vs Y", its title weighted more.
    pub comparison: bool,
}

/// The stemmer and stop words of a language: German (`de`) has its own,
/// every other language takes the English ones (as before languages).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    /// English.
    #[default]
    English,
    /// German.
    German,
}

impl Lang {
    /// The stemmer of the language with code `code` (`de`, `de-at`...).
    pub fn of(code: &str) -> Lang {
        match code.split('-').next() {
            Some("de") => Lang::German,
            _ => Lang::English,
        }
    }
}

/// Short German words too common to be worth an entry (`search.js` drops
/// the same ones from German queries).
fn is_german_stop_word(t: &str) -> bool {
    matches!(
        t,
        "der"
            | "die"
            | "das"
            | "den"
            | "dem"
            | "des"
            | "ein"
            | "eine"
            | "einer"
            | "eines"
            | "einem"
            | "einen"
            | "und"
            | "oder"
            | "aber"
            | "ist"
            | "sind"
            | "war"
            | "wird"
            | "werden"
            | "hat"
            | "haben"
            | "im"
            | "in"
            | "zu"
            | "zum"
            | "zur"
            | "mit"
            | "von"
            | "vom"
            | "auf"
            | "an"
            | "am"
            | "als"
            | "auch"
            | "es"
            | "er"
            | "sie"
            | "wir"
            | "ihr"
            | "nicht"
            | "so"
            | "wie"
            | "bei"
            | "für"
            | "um"
            | "aus"
            | "nach"
            | "dass"
            | "sich"
            | "noch"
            | "nur"
            | "wenn"
            | "was"
    )
}

/// Short English words too common to be worth an entry (the browser drops
/// the same ones from queries).
fn is_stop_word(t: &str) -> bool {
    matches!(
        t,
        "the"
            | "and"
            | "of"
            | "to"
            | "in"
            | "is"
            | "for"
            | "on"
            | "with"
            | "as"
            | "by"
            | "at"
            | "an"
            | "be"
            | "or"
            | "it"
            | "that"
            | "this"
            | "are"
            | "from"
            | "was"
            | "but"
            | "not"
            | "they"
            | "their"
            | "its"
            | "has"
            | "have"
            | "had"
            | "were"
            | "which"
            | "can"
            | "will"
            | "into"
            | "than"
            | "then"
            | "so"
            | "if"
            | "we"
            | "you"
    )
}

/// The terms of `text`, as the browser tokenises queries. Borrowed when
/// already lowercase, which most words are.
#[cfg(test)]
pub fn tokens(text: &str) -> impl Iterator<Item = std::borrow::Cow<'_, str>> + '_ {
    tokens_in(text, Lang::English)
}

/// The terms of `text` in language `lang` (its stop words left out).
pub fn tokens_in(text: &str, lang: Lang) -> impl Iterator<Item = std::borrow::Cow<'_, str>> + '_ {
    text.split(|c: char| {
        if c.is_ascii() {
            !c.is_ascii_alphanumeric()
        } else {
            !c.is_alphanumeric()
        }
    })
    .filter(|t| t.len() >= 2)
    .map(|t| {
        if t.chars().any(char::is_uppercase) {
            std::borrow::Cow::Owned(t.to_lowercase())
        } else {
            std::borrow::Cow::Borrowed(t)
        }
    })
    .filter(move |t| {
        // Byte length bounds the character count: only short or long
        // words need counting.
        let ok_len = match t.len() {
            4..=32 => true,
            _ => (2..=32).contains(&t.chars().count()),
        };
        ok_len
            && match lang {
                Lang::English => !is_stop_word(t),
                Lang::German => !is_german_stop_word(t),
            }
    })
}

/// A light German stemmer, the same as `stemDe` in `search.js` (after
/// CISTEM, Weissweiler and Fraser 2017, without its prefix and `sch`
/// rules): umlauts and `ß` folded (`ä` -> `a`, `ß` -> `ss`), then, while
/// the word is long enough, `em`, `er` or `nd` off words of more than
/// five letters and `t`, `e`, `s` or `n` off words of more than four, so
/// that "Kennzahlen" finds "Kennzahl" and "Produktmanagers" "Produktmanager".
pub fn stem_de(t: &str) -> std::borrow::Cow<'_, str> {
    use std::borrow::Cow;
    if !t
        .chars()
        .all(|c| c.is_ascii_lowercase() || "äöüß".contains(c))
    {
        return Cow::Borrowed(t);
    }
    let mut w: String = t
        .chars()
        .map(|c| match c {
            'ä' => "a".to_string(),
            'ö' => "o".to_string(),
            'ü' => "u".to_string(),
            'ß' => "ss".to_string(),
            c => c.to_string(),
        })
        .collect();
    loop {
        if w.len() > 5 && (w.ends_with("em") || w.ends_with("er") || w.ends_with("nd")) {
            w.truncate(w.len() - 2);
        } else if w.len() > 4
            && (w.ends_with('t') || w.ends_with('e') || w.ends_with('s') || w.ends_with('n'))
        {
            w.truncate(w.len() - 1);
        } else {
            break;
        }
    }
    if w == t {
        Cow::Borrowed(t)
    } else {
        Cow::Owned(w)
    }
}

/// The stem of term `t` in language `lang`.
pub fn stem_in(t: &str, lang: Lang) -> std::borrow::Cow<'_, str> {
    match lang {
        Lang::English => stem(t),
        Lang::German => stem_de(t),
    }
}

/// A light English stemmer, the same as `stem` in `search.js`: plurals,
/// `-ing` and `-ed` come off ASCII words of four letters or more, so that
/// "metrics" finds "metric" and "planning" finds "plan". Other words are
/// left as they are.
pub fn stem(t: &str) -> std::borrow::Cow<'_, str> {
    use std::borrow::Cow;
    if t.len() < 4 || !t.bytes().all(|b| b.is_ascii_lowercase()) {
        return Cow::Borrowed(t);
    }
    let undouble = |w: &str| -> String {
        let b = w.as_bytes();
        let n = b.len();
        if n >= 2 && b[n - 1] == b[n - 2] && !matches!(b[n - 1], b'l' | b's' | b'z' | b'e' | b'o') {
            w[..n - 1].to_string()
        } else {
            w.to_string()
        }
    };
    if let Some(w) = t.strip_suffix("ies")
        && w.len() >= 2
    {
        return Cow::Owned(format!("{w}y"));
    }
    if let Some(w) = t.strip_suffix("sses") {
        return Cow::Owned(format!("{w}ss"));
    }
    if let Some(w) = t.strip_suffix("es")
        && (w.ends_with("sh") || w.ends_with("ch") || w.ends_with('x') || w.ends_with('z'))
    {
        return Cow::Owned(w.to_string());
    }
    if let Some(w) = t.strip_suffix('s')
        && !(w.ends_with('s') || w.ends_with('u') || w.ends_with('i'))
    {
        return Cow::Owned(w.to_string());
    }
    if let Some(w) = t.strip_suffix("ing")
        && w.len() >= 3
        && w.bytes().any(|b| b"aeiouy".contains(&b))
    {
        return Cow::Owned(undouble(w));
    }
    if let Some(w) = t.strip_suffix("ed")
        && w.len() >= 3
        && w.bytes().any(|b| b"aeiouy".contains(&b))
    {
        return Cow::Owned(undouble(w));
    }
    Cow::Borrowed(t)
}

/// The stemmed terms of `text`, borrowed where neither lowercasing nor
/// stemming changed them.
fn stems(text: &str, lang: Lang) -> impl Iterator<Item = std::borrow::Cow<'_, str>> + '_ {
    use std::borrow::Cow;
    tokens_in(text, lang).map(move |t| match t {
        Cow::Borrowed(b) => stem_in(b, lang),
        Cow::Owned(o) => Cow::Owned(stem_in(&o, lang).into_owned()),
    })
}

/// Whole-title terms: the stemmed words of the title, and of each part of
/// it (split at `/`, parentheses and " vs "), joined by spaces and ending
/// in a space, so that a query equal to a title finds its page first; and
/// the initials of each part of two words or more ("pm " for Product
/// Manager, "pm vs po " for Product Manager vs Product Owner). Weighted
/// 1,000 for the whole title, 300 for a part.
fn title_phrases(title: &str, lang: Lang) -> Vec<(String, u32)> {
    let mut out: Vec<(String, u32)> = Vec::new();
    let mut add = |phrase: String, w: u32| {
        if phrase.trim().is_empty() {
            return;
        }
        match out.iter_mut().find(|(p, _)| *p == phrase) {
            Some((_, old)) => *old = (*old).max(w),
            None => out.push((phrase, w)),
        }
    };
    let words = |s: &str| -> Vec<String> { stems(s, lang).map(|t| t.into_owned()).collect() };
    let initials = |ws: &[String]| -> Option<String> {
        (ws.len() >= 2).then(|| ws.iter().filter_map(|w| w.chars().next()).collect())
    };
    let whole = words(title);
    add(format!("{} ", whole.join(" ")), 1000);
    let lower = title.to_lowercase();
    let sides: Vec<&str> = lower.split(" vs ").collect();
    let mut side_initials = Vec::new();
    for side in &sides {
        for part in side.split(['/', '(', ')', ',', ':']) {
            let ws = words(part);
            if ws.is_empty() {
                continue;
            }
            let w = if ws == whole { 1000 } else { 300 };
            add(format!("{} ", ws.join(" ")), w);
            if let Some(i) = initials(&ws) {
                add(format!("{i} "), w);
            }
        }
        if let Some(i) = initials(&words(side.split(['(', '/']).next().unwrap_or(side))) {
            side_initials.push(i);
        }
    }
    if sides.len() > 1 && side_initials.len() == sides.len() {
        add(format!("{} ", side_initials.join(" vs ")), 1000);
    }
    out
}

/// The term for words `a` and `b` next to each other in a heading
/// (`a~b`): a multi-word query whose words are neighbours there ranks
/// that page higher. Words never hold `~`, so pairs are told apart from
/// words and phrases.
fn pair(a: &str, b: &str) -> String {
    format!("{a}~{b}")
}

/// Whether `term` joins two words or more (a pair or a phrase of several
/// words): those are the terms a shard may move out (see
/// [`PHRASE_SPLIT_BYTES`]).
fn is_multi_word(term: &str) -> bool {
    term.contains('~') || term.trim_end().contains(' ')
}

/// The first character of the second word of multi-word `term`.
fn second_lead(term: &str) -> Option<char> {
    let at = term.find(['~', ' '])?;
    term[at + 1..].chars().next()
}

/// The first two characters of a term.
fn prefix(term: &str) -> String {
    term.chars().take(2).collect()
}

/// The output path of the shard with key `key`.
fn shard_path(key: &str) -> String {
    format!("search/terms/{key}.json")
}

/// A shard key for the leading characters `lead` of a term: themselves
/// when they are ASCII letters or digits, else `u` and the hex of their
/// UTF-8 bytes.
fn key_of(lead: &str) -> String {
    if lead.chars().all(|c| c.is_ascii_alphanumeric()) {
        lead.to_string()
    } else {
        let mut key = String::from("u");
        for b in lead.as_bytes() {
            key.push_str(&format!("{b:02x}"));
        }
        key
    }
}

/// The shard key of a term: its first two characters (see [`key_of`]).
pub fn shard_key(term: &str) -> String {
    key_of(&prefix(term))
}

/// The shard a term is in: its first two characters, or its first three
/// when the group of its first two is split (larger than [`SPLIT_BYTES`])
/// and its third character is a letter or digit (so phrases whose first
/// word has two letters stay with that word).
fn term_key(term: &str, split: bool) -> String {
    let mut chars = term.chars();
    match (split, chars.nth(2)) {
        (true, Some(c)) if c.is_alphanumeric() => key_of(&term.chars().take(3).collect::<String>()),
        _ => shard_key(term),
    }
}

/// A group of terms (those sharing their first two characters) larger
/// than this is split into shards by the first three, so that a query on
/// a large site loads less.
pub const SPLIT_BYTES: usize = 48 * 1024;

/// A shard whose phrases and pairs would add more than this moves them to
/// shards of their own (see `SearchIndex::group`): "role 42" on a site of
/// 8,500 roles titled "Role N" need not load 8,500 phrases.
pub const PHRASE_SPLIT_BYTES: usize = 8 * 1024;

/// A document's terms and their weights: title words ×10 (and the title's
/// initials), title phrases (see [`title_phrases`]), headings ×5, tags
/// and facet values ×4, URL words, field labels and values ×3, the
/// excerpt ×2 and the body ×1 (at most 5).
fn weights(doc: &DocInput) -> BTreeMap<String, u32> {
    // ahash: a body has a thousand words, and SipHash was most of the cost.
    use std::borrow::Cow;
    let mut w: ahash::AHashMap<Cow<'_, str>, u32> = ahash::AHashMap::new();
    for t in stems(&doc.title, doc.lang) {
        *w.entry(t).or_default() += 10;
    }
    // A comparison is the page for "X vs Y": its title counts half again.
    let boost = if doc.comparison { 3 } else { 2 };
    for (phrase, weight) in title_phrases(&doc.title, doc.lang) {
        let weight = weight * boost / 2;
        // Initials are words too ("nps", "pm"), weighted as title words.
        let word = phrase.trim_end();
        if !word.contains(' ') && !w.contains_key(word) && (2..=8).contains(&word.len()) {
            w.insert(Cow::Owned(word.to_string()), 10);
        }
        let e = w.entry(Cow::Owned(phrase)).or_default();
        *e = (*e).max(weight);
    }
    for (_, text) in &doc.headings {
        let mut last: Option<Cow<'_, str>> = None;
        for t in stems(text, doc.lang) {
            // Neighbours in a heading: proximity for multi-word queries.
            if let Some(prev) = last.replace(t.clone()) {
                *w.entry(Cow::Owned(pair(&prev, &t))).or_default() += 5;
            }
            *w.entry(t).or_default() += 5;
        }
    }
    for (_, _, values) in &doc.facets {
        for v in values {
            for t in stems(v, doc.lang) {
                *w.entry(t).or_default() += 4;
            }
        }
    }
    for k in &doc.keywords {
        for t in stems(k, doc.lang) {
            *w.entry(t).or_default() += 3;
        }
    }
    for t in stems(&doc.excerpt, doc.lang) {
        *w.entry(t).or_default() += 2;
    }
    let mut body: ahash::AHashMap<std::borrow::Cow<'_, str>, u32> = ahash::AHashMap::new();
    for t in tokens_in(&doc.text, doc.lang) {
        *body.entry(t).or_default() += 1;
    }
    for (t, n) in body {
        let t = match t {
            Cow::Borrowed(b) => stem_in(b, doc.lang),
            Cow::Owned(o) => Cow::Owned(stem_in(&o, doc.lang).into_owned()),
        };
        *w.entry(t).or_default() += n.min(5);
    }
    w.into_iter().map(|(t, n)| (t.into_owned(), n)).collect()
}

#[derive(Serialize)]
struct FacetMeta<'a> {
    key: &'a str,
    label: &'a str,
    values: Vec<FacetValue<'a>>,
}

#[derive(Serialize)]
struct FacetValue<'a> {
    v: &'a str,
    n: usize,
}

#[derive(Serialize)]
struct Meta<'a> {
    v: u32,
    docs: usize,
    chunk: usize,
    /// Groups (two-character keys) split into three-character shards.
    split: Vec<String>,
    /// Shards whose multi-word terms moved to shards of their own, with
    /// the first characters of the second words (see `SearchIndex::group`).
    phrases: &'a BTreeMap<String, String>,
    facets: Vec<FacetMeta<'a>>,
}

/// A document as `docs/<n>.json` holds it: title, URL, excerpt, kind and
/// headings (id, text).
type ChunkRow<'a> = (&'a str, &'a str, &'a str, &'a str, &'a [(String, String)]);

/// The search index of a site.
#[derive(Debug, Default)]
pub struct SearchIndex {
    docs: Vec<DocInput>,
    postings: BTreeMap<String, BTreeMap<u32, u32>>,
    /// The groups split into three-character shards.
    split: BTreeSet<String>,
}

impl SearchIndex {
    /// Indexes `docs`; a document's id is its position.
    pub fn build(docs: Vec<DocInput>) -> SearchIndex {
        use rayon::prelude::*;
        let terms_of: Vec<BTreeMap<String, u32>> = docs.par_iter().map(weights).collect();
        // Documents come in order, so each list is appended to in order and
        // becomes a map in one bulk build (a hash map first: half a million
        // lookups by string were most of the cost in a sorted map).
        let mut lists: ahash::AHashMap<String, Vec<(u32, u32)>> = ahash::AHashMap::new();
        for (d, terms) in terms_of.into_iter().enumerate() {
            for (t, w) in terms {
                match lists.get_mut(t.as_str()) {
                    Some(list) => list.push((d as u32, w)),
                    None => {
                        lists.insert(t, vec![(d as u32, w)]);
                    }
                }
            }
        }
        let postings: BTreeMap<String, BTreeMap<u32, u32>> = lists
            .into_iter()
            .map(|(t, list)| (t, list.into_iter().collect()))
            .collect();
        let mut ix = SearchIndex {
            docs,
            postings,
            split: BTreeSet::new(),
        };
        ix.split = ix.prefixes().into_iter().filter(|p| ix.splits(p)).collect();
        ix
    }

    /// The terms of group `prefix` (two characters), each as it appears
    /// in a shard: `"term":[doc,weight,...]`.
    fn group_entries(&self, prefix: &str) -> Vec<(&str, String)> {
        self.postings
            .range(prefix.to_string()..)
            .take_while(|(t, _)| t.starts_with(prefix))
            .map(|(term, list)| {
                let mut out = serde_json::to_string(term).unwrap_or_default();
                out.push_str(":[");
                for (n, (d, w)) in list.iter().enumerate() {
                    if n > 0 {
                        out.push(',');
                    }
                    let _ = write!(out, "{d},{w}");
                }
                out.push(']');
                (term.as_str(), out)
            })
            .collect()
    }

    /// Whether group `prefix` is split (its words and phrases in one shard
    /// would be larger than [`SPLIT_BYTES`]).
    fn splits(&self, prefix: &str) -> bool {
        self.group_len(prefix) > SPLIT_BYTES
    }

    /// The bytes `group_entries` would render for group `prefix` (with a
    /// comma after each entry), counted without rendering them.
    fn group_len(&self, prefix: &str) -> usize {
        let digits = |n: u32| n.checked_ilog10().map_or(1, |l| l as usize + 1);
        self.postings
            .range(prefix.to_string()..)
            .take_while(|(t, _)| t.starts_with(prefix))
            .map(|(term, list)| {
                let pairs: usize = list.iter().map(|(d, w)| digits(*d) + digits(*w) + 2).sum();
                // `"term"` `:[` pairs (no comma after the last) `]` `,`
                serde_json::to_string(term).map_or(0, |t| t.len()) + 3 + pairs.saturating_sub(1) + 1
            })
            .sum()
    }

    /// The shard files of group `prefix`: one, or one per three-character
    /// key when the group is split (a phrase goes with its first word);
    /// none when no term starts with it. A shard whose multi-word terms
    /// would add more than [`PHRASE_SPLIT_BYTES`] keeps its words, and its
    /// multi-word terms go to shards `<key>-<c>` by the first character of
    /// their second word: the second value maps such a key to those
    /// characters (meta.json lists them, so the browser asks only for
    /// shards that exist).
    fn group(&self, prefix: &str) -> (Vec<OutputFile>, BTreeMap<String, String>) {
        let split = self.split.contains(prefix);
        // key -> entries in term order, a multi-word term's with the first
        // character of its second word.
        let mut shards: BTreeMap<String, Vec<(Option<char>, String)>> = BTreeMap::new();
        for (term, entry) in self.group_entries(prefix) {
            let lead = second_lead(term).filter(|_| is_multi_word(term));
            shards
                .entry(term_key(term, split))
                .or_default()
                .push((lead, entry));
        }
        let mut files = Vec::new();
        let mut moved = BTreeMap::new();
        let file = |key: String, entries: Vec<String>| OutputFile {
            rel: shard_path(&key),
            data: Data::Bytes(format!("{{{}}}", entries.join(",")).into_bytes()),
        };
        for (key, entries) in shards {
            let multi: usize = entries
                .iter()
                .filter(|(c, _)| c.is_some())
                .map(|(_, e)| e.len() + 1)
                .sum();
            if multi <= PHRASE_SPLIT_BYTES {
                files.push(file(key, entries.into_iter().map(|(_, e)| e).collect()));
                continue;
            }
            let mut words = Vec::new();
            let mut by_lead: BTreeMap<char, Vec<String>> = BTreeMap::new();
            for (c, e) in entries {
                match c {
                    Some(c) => by_lead.entry(c).or_default().push(e),
                    None => words.push(e),
                }
            }
            moved.insert(key.clone(), by_lead.keys().collect());
            for (c, entries) in by_lead {
                files.push(file(format!("{key}-{}", key_of(&c.to_string())), entries));
            }
            files.push(file(key, words));
        }
        (files, moved)
    }

    /// Every group prefix, sorted (terms are sorted, so those sharing a
    /// prefix are neighbours).
    fn prefixes(&self) -> Vec<String> {
        let mut prefixes: Vec<String> = Vec::new();
        for t in self.postings.keys() {
            let end = t.char_indices().nth(2).map_or(t.len(), |(i, _)| i);
            if prefixes.last().map(String::as_str) != Some(&t[..end]) {
                prefixes.push(t[..end].to_string());
            }
        }
        prefixes
    }

    fn chunk(&self, n: usize) -> OutputFile {
        let docs: Vec<ChunkRow> = self.docs[n * CHUNK..((n + 1) * CHUNK).min(self.docs.len())]
            .iter()
            .map(|d| {
                (
                    d.title.as_str(),
                    d.url.as_str(),
                    d.excerpt.as_str(),
                    d.kind.as_str(),
                    d.headings.as_slice(),
                )
            })
            .collect();
        // Titles and excerpts are data for the client, which only ever
        // sets them as text; `<`, `>` and `&` are escaped anyway, so the
        // files hold no markup at all.
        let json = crate::html::script_safe(&serde_json::to_string(&docs).unwrap_or_default());
        OutputFile {
            rel: format!("search/docs/{n}.json"),
            data: Data::Bytes(json.into_bytes()),
        }
    }

    /// Facet keys in a stable order: collection, tags, then the others.
    fn facet_keys(&self) -> Vec<(String, String)> {
        let mut keys: Vec<(String, String)> = Vec::new();
        for d in &self.docs {
            for (k, label, _) in &d.facets {
                if !keys.iter().any(|(x, _)| x == k) {
                    keys.push((k.clone(), label.clone()));
                }
            }
        }
        let rank = |k: &str| match k {
            "collection" => 0,
            "tags" => 1,
            _ => 2,
        };
        keys.sort_by(|a, b| rank(&a.0).cmp(&rank(&b.0)).then_with(|| a.0.cmp(&b.0)));
        keys
    }

    fn facet_files(&self, phrases: &BTreeMap<String, String>) -> (OutputFile, OutputFile) {
        let keys = self.facet_keys();
        let mut metas = Vec::new();
        let mut per_doc = serde_json::Map::new();
        for (key, label) in &keys {
            let mut values: BTreeMap<&str, usize> = BTreeMap::new();
            for d in &self.docs {
                for (k, _, vs) in &d.facets {
                    if k == key {
                        for v in vs {
                            *values.entry(v.as_str()).or_default() += 1;
                        }
                    }
                }
            }
            let names: Vec<&str> = values.keys().copied().collect();
            let column: Vec<Vec<usize>> = self
                .docs
                .iter()
                .map(|d| {
                    d.facets
                        .iter()
                        .filter(|(k, _, _)| k == key)
                        .flat_map(|(_, _, vs)| {
                            vs.iter()
                                .filter_map(|v| names.binary_search(&v.as_str()).ok())
                        })
                        .collect()
                })
                .collect();
            per_doc.insert(
                key.clone(),
                serde_json::to_value(column).unwrap_or_default(),
            );
            metas.push(FacetMeta {
                key,
                label,
                values: values
                    .into_iter()
                    .map(|(v, n)| FacetValue { v, n })
                    .collect(),
            });
        }
        let meta = Meta {
            v: 1,
            docs: self.docs.len(),
            chunk: CHUNK,
            split: self.split.iter().map(|p| shard_key(p)).collect(),
            phrases,
            facets: metas,
        };
        (
            OutputFile {
                rel: "search/meta.json".into(),
                data: Data::Bytes(
                    crate::html::script_safe(&serde_json::to_string(&meta).unwrap_or_default())
                        .into_bytes(),
                ),
            },
            OutputFile {
                rel: "search/facets.json".into(),
                data: Data::Bytes(serde_json::to_vec(&per_doc).unwrap_or_default()),
            },
        )
    }

    /// Every file of the index.
    pub fn files(&self) -> Vec<OutputFile> {
        let mut out = Vec::new();
        let mut moved = BTreeMap::new();
        for p in self.prefixes() {
            let (files, m) = self.group(&p);
            out.extend(files);
            moved.extend(m);
        }
        let (meta, facets) = self.facet_files(&moved);
        out.splice(0..0, [meta, facets]);
        out.extend((0..self.docs.len().div_ceil(CHUNK)).map(|n| self.chunk(n)));
        out
    }

    /// Replaces document `id` (same facets: only its text, title or
    /// excerpt changed). Returns the files that may have changed and the
    /// shards that no longer exist.
    pub fn update(&mut self, id: usize, doc: DocInput) -> (Vec<OutputFile>, Vec<String>) {
        let new_terms = weights(&doc);
        let old_terms = weights(&self.docs[id]);
        // Only terms whose weight in this document changed touch a shard.
        let touched: BTreeSet<String> = old_terms
            .iter()
            .filter(|(t, w)| new_terms.get(*t) != Some(*w))
            .chain(
                new_terms
                    .iter()
                    .filter(|(t, w)| old_terms.get(*t) != Some(*w)),
            )
            .map(|(t, _)| prefix(t))
            .collect();
        let mut before = BTreeSet::new();
        let mut moved_before = BTreeMap::new();
        for p in &touched {
            let (files, moved) = self.group(p);
            before.extend(files.into_iter().map(|f| f.rel));
            moved_before.extend(moved);
        }
        for (t, w) in &old_terms {
            if new_terms.get(t) == Some(w) {
                continue;
            }
            if let Some(list) = self.postings.get_mut(t) {
                list.remove(&(id as u32));
                if list.is_empty() {
                    self.postings.remove(t);
                }
            }
        }
        for (t, w) in new_terms {
            if old_terms.get(&t) == Some(&w) {
                continue;
            }
            self.postings.entry(t).or_default().insert(id as u32, w);
        }
        self.docs[id] = doc;
        // A group that grew past (or shrank under) the split size changes
        // its shards and the list in meta.json.
        let mut resplit = false;
        for p in &touched {
            if self.splits(p) != self.split.contains(p) {
                resplit = true;
                if !self.split.remove(p) {
                    self.split.insert(p.clone());
                }
            }
        }
        let mut files = Vec::new();
        let mut moved_after = BTreeMap::new();
        for p in &touched {
            let (f, moved) = self.group(p);
            files.extend(f);
            moved_after.extend(moved);
        }
        // Phrases moving in or out of their own shards change meta.json too.
        resplit |= moved_before != moved_after;
        let gone = before
            .into_iter()
            .filter(|rel| !files.iter().any(|f| &f.rel == rel))
            .collect();
        if resplit {
            let mut moved = BTreeMap::new();
            for p in self.prefixes() {
                moved.extend(self.group(&p).1);
            }
            files.push(self.facet_files(&moved).0);
        }
        files.push(self.chunk(id / CHUNK));
        (files, gone)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(title: &str, text: &str, collection: &str) -> DocInput {
        DocInput {
            title: title.into(),
            url: format!("/{}/", title.to_lowercase()),
            excerpt: String::new(),
            text: text.into(),
            facets: vec![(
                "collection".into(),
                "Collection".into(),
                vec![collection.into()],
            )],
            ..DocInput::default()
        }
    }

    #[test]
    fn german_stems_fold_umlauts_and_take_endings_off() {
        for (word, want) in [
            ("kennzahlen", "kennzahl"),
            ("kennzahl", "kennzahl"),
            ("rollen", "roll"),
            ("rolle", "roll"),
            ("produktmanagers", "produktmanag"),
            ("produktmanager", "produktmanag"),
            ("gehälter", "gehal"),
            ("gehalt", "gehal"),
            ("größe", "gros"),
            ("groß", "gros"),
            ("team", "team"),
            ("okrs", "okrs"),
            ("café", "café"),
        ] {
            assert_eq!(stem_de(word), want, "{word}");
        }
        let de: Vec<String> = tokens_in("Die Rolle und der Markt", Lang::German)
            .map(|t| t.into_owned())
            .collect();
        assert_eq!(de, ["rolle", "markt"]);
        assert_eq!(Lang::of("de-at"), Lang::German);
        assert_eq!(Lang::of("fr"), Lang::English);
    }

    #[test]
    fn stems_take_plurals_and_endings_off() {
        for (word, want) in [
            ("metrics", "metric"),
            ("owners", "owner"),
            ("companies", "company"),
            ("processes", "process"),
            ("matches", "match"),
            ("planning", "plan"),
            ("delivered", "deliver"),
            ("status", "status"),
            ("analysis", "analysis"),
            ("kpis", "kpis"),
            ("okrs", "okr"),
            ("sing", "sing"),
            ("red", "red"),
            ("café", "café"),
        ] {
            assert_eq!(stem(word), want, "{word}");
        }
    }

    /// `search.js` stems queries with the same rules as the index: its
    /// `stem` runs in Node over a word list and must agree word for word.
    #[test]
    fn the_browser_stems_as_the_index_does() {
        let js = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/themes/default/static/search.js"
        ))
        .unwrap();
        let start = js
            .find("  const stem = (t) => {")
            .expect("stem in search.js");
        let end = start + js[start..].find("\n  };\n").expect("end of stem") + 6;
        let words = [
            "metrics",
            "owners",
            "companies",
            "processes",
            "matches",
            "planning",
            "delivered",
            "status",
            "analysis",
            "kpis",
            "okrs",
            "sing",
            "red",
            "café",
            "boxes",
            "running",
            "stopped",
            "series",
            "bus",
            "added",
            "leading",
            "teams",
            "sprints",
            "goals",
        ];
        let script = format!(
            "{}\nconsole.log(JSON.stringify({}.map(stem)));",
            &js[start..end],
            serde_json::to_string(&words).unwrap()
        );
        let Ok(out) = std::process::Command::new("node")
            .arg("-e")
            .arg(&script)
            .output()
        else {
            eprintln!("skipped: no `node` to run search.js");
            return;
        };
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let from_js: Vec<String> = serde_json::from_slice(&out.stdout).unwrap();
        let from_rust: Vec<String> = words.iter().map(|w| stem(w).into_owned()).collect();
        assert_eq!(from_js, from_rust);
    }

    /// `search.js` stems German queries as the German index does.
    #[test]
    fn the_browser_stems_german_as_the_index_does() {
        let js = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/themes/default/static/search.js"
        ))
        .unwrap();
        let start = js
            .find("  const stemDe = (t) => {")
            .expect("stemDe in search.js");
        let end = start + js[start..].find("\n  };\n").expect("end of stemDe") + 6;
        let words = [
            "kennzahlen",
            "rollen",
            "rolle",
            "produktmanagers",
            "gehälter",
            "größe",
            "groß",
            "verantwortung",
            "verantwortet",
            "team",
            "okrs",
            "café",
            "strategie",
            "umsetzung",
            "übersicht",
            "aufgaben",
            "vergleiche",
            "kennzahl",
            "nps",
        ];
        let script = format!(
            "{}\nconsole.log(JSON.stringify({}.map(stemDe)));",
            &js[start..end],
            serde_json::to_string(&words).unwrap()
        );
        let Ok(out) = std::process::Command::new("node")
            .arg("-e")
            .arg(&script)
            .output()
        else {
            eprintln!("skipped: no `node` to run search.js");
            return;
        };
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let from_js: Vec<String> = serde_json::from_slice(&out.stdout).unwrap();
        let from_rust: Vec<String> = words.iter().map(|w| stem_de(w).into_owned()).collect();
        assert_eq!(from_js, from_rust);
    }

    #[test]
    fn titles_give_phrases_and_initials() {
        let p = |t: &str| -> Vec<(String, u32)> {
            let mut v = title_phrases(t, Lang::English);
            v.sort();
            v
        };
        let pm_po = p("Product Manager vs Product Owner");
        for (phrase, w) in [
            ("product manager vs product owner ", 1000),
            ("product manager ", 300),
            ("pm ", 300),
            ("product owner ", 300),
            ("po ", 300),
            ("pm vs po ", 1000),
        ] {
            assert!(
                pm_po.contains(&(phrase.to_string(), w)),
                "{phrase}: {pm_po:?}"
            );
        }
        let cpo = p("VP of Product / Chief Product Officer");
        assert!(cpo.contains(&("cpo ".to_string(), 300)), "{cpo:?}");
        assert!(cpo.contains(&("vp product ".to_string(), 300)), "{cpo:?}");
        assert_eq!(
            p("Product Owner"),
            [
                ("po ".to_string(), 1000),
                ("product owner ".to_string(), 1000)
            ]
        );
        let nps = p("Net Promoter Score (NPS)");
        assert!(nps.contains(&("nps ".to_string(), 300)), "{nps:?}");
        assert!(
            nps.contains(&("net promoter score ".to_string(), 300)),
            "{nps:?}"
        );
    }

    #[test]
    fn tokens_and_keys() {
        let t: Vec<String> = tokens("The Product-Owner's velocity, Café & x")
            .map(|t| t.into_owned())
            .collect();
        assert_eq!(t, ["product", "owner", "velocity", "café"]);
        assert_eq!(shard_key("velocity"), "ve");
        assert_eq!(shard_key("café"), "ca");
        assert_eq!(shard_key("été"), "uc3a974");
    }

    #[test]
    fn index_files_and_weights() {
        let ix = SearchIndex::build(vec![
            doc("Velocity", "team velocity per sprint", "KPIs"),
            doc("Owner", "owns the backlog velocity", "Roles"),
        ]);
        let files = ix.files();
        let get = |rel: &str| {
            files.iter().find(|f| f.rel == rel).map(|f| match &f.data {
                Data::Bytes(b) => String::from_utf8(b.clone()).unwrap(),
                _ => unreachable!(),
            })
        };
        let ve: serde_json::Value =
            serde_json::from_str(&get("search/terms/ve.json").unwrap()).unwrap();
        // Title ×10 plus body ×1 for doc 0; body only for doc 1.
        assert_eq!(ve["velocity"], serde_json::json!([0, 11, 1, 1]));
        let meta: serde_json::Value =
            serde_json::from_str(&get("search/meta.json").unwrap()).unwrap();
        assert_eq!(meta["docs"], 2);
        assert_eq!(
            meta["facets"][0]["values"][0],
            serde_json::json!({"v": "KPIs", "n": 1})
        );
        let facets: serde_json::Value =
            serde_json::from_str(&get("search/facets.json").unwrap()).unwrap();
        assert_eq!(facets["collection"], serde_json::json!([[0], [1]]));
        let chunk: serde_json::Value =
            serde_json::from_str(&get("search/docs/0.json").unwrap()).unwrap();
        assert_eq!(chunk[1][0], "Owner");
    }

    /// A large group of terms is split into three-letter shards, named in
    /// meta.json; an update that crosses the size rewrites both ways.
    /// The split decision counts exactly what a shard would hold.
    #[test]
    fn the_split_size_is_the_rendered_size() {
        let ix = SearchIndex::build(
            (0..300)
                .map(|n| doc(&format!("Doc {n}"), "revenue \"retention\" 7", "KPIs"))
                .collect(),
        );
        for p in ix.prefixes() {
            let rendered: usize = ix.group_entries(&p).iter().map(|(_, e)| e.len() + 1).sum();
            let counted = ix.group_len(&p);
            assert_eq!(rendered, counted, "{p}");
        }
    }

    #[test]
    fn large_groups_split_into_three_letter_shards() {
        let many = |extra: &str| -> Vec<DocInput> {
            (0..4000)
                .map(|n| {
                    doc(
                        &format!("Doc {n}"),
                        &format!("revenue retention {extra}"),
                        "KPIs",
                    )
                })
                .collect()
        };
        let ix = SearchIndex::build(many(""));
        let rels: Vec<String> = ix.files().into_iter().map(|f| f.rel).collect();
        assert!(
            rels.contains(&"search/terms/rev.json".to_string()),
            "{rels:?}"
        );
        assert!(rels.contains(&"search/terms/ret.json".to_string()));
        assert!(!rels.contains(&"search/terms/re.json".to_string()));
        let meta = ix
            .files()
            .into_iter()
            .find(|f| f.rel == "search/meta.json")
            .unwrap();
        let Data::Bytes(meta) = meta.data else {
            unreachable!()
        };
        let meta: serde_json::Value = serde_json::from_slice(&meta).unwrap();
        assert!(
            meta["split"].as_array().unwrap().contains(&"re".into()),
            "{meta}"
        );
        // Small groups stay whole.
        let small = SearchIndex::build(vec![doc("Revenue", "retention", "KPIs")]);
        let rels: Vec<String> = small.files().into_iter().map(|f| f.rel).collect();
        assert!(
            rels.contains(&"search/terms/re.json".to_string()),
            "{rels:?}"
        );
        assert_eq!(term_key("revenue", true), "rev");
        assert_eq!(term_key("pm vs po ", true), "pm");
        assert_eq!(term_key("été", true), "uc3a974c3a9");
    }

    fn bytes_of(files: Vec<OutputFile>) -> BTreeMap<String, Vec<u8>> {
        files
            .into_iter()
            .map(|f| match f.data {
                Data::Bytes(b) => (f.rel, b),
                _ => unreachable!(),
            })
            .collect()
    }

    /// Neighbouring words of a heading become a pair term; words apart do
    /// not.
    #[test]
    fn heading_neighbours_make_pairs() {
        let mut d = doc("Velocity", "", "KPIs");
        d.headings = vec![("a".into(), "Cycle time and the team".into())];
        let w = weights(&d);
        assert_eq!(w.get("cycle~time"), Some(&5), "{w:?}");
        // "and the" are stop words: "time" and "team" become neighbours.
        assert_eq!(w.get("time~team"), Some(&5));
        assert_eq!(w.get("cycle~team"), None);
    }

    /// A shard with many phrases keeps its words and moves its phrases to
    /// shards by the first letter of their second word, listed in
    /// meta.json; a small one keeps them; updates follow both ways.
    #[test]
    fn many_phrases_move_to_shards_of_their_own() {
        let roles = |n: usize| -> Vec<DocInput> {
            (0..n)
                .map(|n| doc(&format!("Role {n}"), "owner", "Roles"))
                .collect()
        };
        let big = bytes_of(SearchIndex::build(roles(1500)).files());
        let shard = |files: &BTreeMap<String, Vec<u8>>, key: &str| -> serde_json::Value {
            serde_json::from_slice(&files[&format!("search/terms/{key}.json")]).unwrap()
        };
        assert!(shard(&big, "ro").get("role").is_some());
        assert!(shard(&big, "ro").get("role 42 ").is_none());
        assert!(shard(&big, "ro-4").get("role 42 ").is_some());
        assert!(shard(&big, "ro-1").get("role 1499 ").is_some());
        let meta: serde_json::Value = serde_json::from_slice(&big["search/meta.json"]).unwrap();
        // "Role 0" to "Role 9" have one word of two letters or more.
        assert_eq!(meta["phrases"]["ro"], "123456789", "{meta}");
        let small = bytes_of(SearchIndex::build(roles(20)).files());
        assert!(shard(&small, "ro").get("role 12 ").is_some());
        assert!(!small.contains_key("search/terms/ro-1.json"));
        // Growing one title past the size moves the phrases out; the
        // update gives what a fresh build gives, meta.json included.
        let mut docs = roles(700);
        let mut ix = SearchIndex::build(docs.clone());
        let long = format!("Role 3 {}", "with a very long title ".repeat(400));
        docs[3] = doc(&long, "owner", "Roles");
        let (changed, _) = ix.update(3, docs[3].clone());
        let fresh = bytes_of(SearchIndex::build(docs).files());
        let changed = bytes_of(changed);
        assert!(changed.contains_key("search/meta.json"));
        assert!(changed.contains_key("search/terms/ro-3.json"));
        for (rel, b) in changed {
            assert_eq!(fresh[&rel], b, "{rel}");
        }
    }

    #[test]
    fn updates_equal_a_fresh_build() {
        let mut ix = SearchIndex::build(vec![
            doc("Velocity", "team velocity", "KPIs"),
            doc("Owner", "backlog", "Roles"),
        ]);
        let (changed, gone) = ix.update(1, doc("Owner", "sprint goals", "Roles"));
        assert_eq!(gone, ["search/terms/ba.json"]);
        let fresh = SearchIndex::build(vec![
            doc("Velocity", "team velocity", "KPIs"),
            doc("Owner", "sprint goals", "Roles"),
        ]);
        let all: BTreeMap<String, Vec<u8>> = fresh
            .files()
            .into_iter()
            .map(|f| match f.data {
                Data::Bytes(b) => (f.rel, b),
                _ => unreachable!(),
            })
            .collect();
        for f in changed {
            let Data::Bytes(b) = f.data else {
                unreachable!()
            };
            assert_eq!(all[&f.rel], b, "{}", f.rel);
        }
    }
}
