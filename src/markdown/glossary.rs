//! Glossary auto-links: the titles and `terms` of the entries of the
//! collections with `autolink = true`, found in a page's text in one pass
//! of an Aho-Corasick automaton. Whole words only; phrases match in any
//! ASCII case, short all-capital abbreviations ("NPS", "PO") only as
//! written, so that "po" in a word or a sentence is left alone.

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};

/// The terms of a site's glossary and the pages they lead to.
#[derive(Debug)]
pub struct Glossary {
    automaton: AhoCorasick,
    /// For each pattern: the term as written, whether it must match
    /// exactly (an abbreviation), and its page.
    terms: Vec<(String, bool, usize)>,
}

/// Whether `term` is an abbreviation: at most six characters, capital
/// letters and digits, at least one letter ("NPS", "OKR", "F1").
pub fn is_abbreviation(term: &str) -> bool {
    term.chars().count() <= 6
        && term.chars().any(|c| c.is_ascii_uppercase())
        && term
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
}

/// The key two entries may not share: an abbreviation as written, another
/// term in lower case with its spaces collapsed.
pub fn term_key(term: &str) -> String {
    let t = term.split_whitespace().collect::<Vec<_>>().join(" ");
    if is_abbreviation(&t) {
        t
    } else {
        t.to_lowercase()
    }
}

impl Glossary {
    /// A glossary of `terms`: (term, page); `None` when there are none.
    pub fn new(terms: Vec<(String, usize)>) -> Option<Glossary> {
        let terms: Vec<(String, bool, usize)> = terms
            .into_iter()
            .map(|(t, p)| {
                let t = t.split_whitespace().collect::<Vec<_>>().join(" ");
                let exact = is_abbreviation(&t);
                (t, exact, p)
            })
            .filter(|(t, _, _)| !t.is_empty())
            .collect();
        if terms.is_empty() {
            return None;
        }
        // A DFA: built once per site (a few milliseconds for 10,000
        // terms), it scans every body about twice as fast as the default.
        let automaton = AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::LeftmostLongest)
            .kind(Some(AhoCorasickKind::DFA))
            .build(terms.iter().map(|(t, _, _)| t.as_str()))
            .ok()?;
        Some(Glossary { automaton, terms })
    }

    /// The mentions in `text`: (start, end, page), in order, whole words
    /// only, abbreviations only as written.
    pub fn find(&self, text: &str) -> Vec<(usize, usize, usize)> {
        let word = |c: Option<char>| c.is_some_and(char::is_alphanumeric);
        self.automaton
            .find_iter(text)
            .filter_map(|m| {
                let (term, exact, page) = &self.terms[m.pattern().as_usize()];
                let (s, mut e) = (m.start(), m.end());
                // A plural is the same word: "product owners", "KPIs".
                if text[e..].starts_with('s') && !word(text[e + 1..].chars().next()) {
                    e += 1;
                }
                if word(text[..s].chars().next_back()) || word(text[e..].chars().next()) {
                    return None;
                }
                if *exact && &text[s..m.end()] != term {
                    return None;
                }
                Some((s, e, *page))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_words_and_exact_abbreviations() {
        let g = Glossary::new(vec![
            ("Net Promoter Score".into(), 0),
            ("NPS".into(), 0),
            ("Product Owner".into(), 1),
            ("PO".into(), 1),
        ])
        .unwrap();
        let text = "The net promoter score (NPS) is the PO's; a product owner, not a \
                    po or POSE or NPSes; product ownership; two product owners.";
        let found: Vec<&str> = g.find(text).iter().map(|(s, e, _)| &text[*s..*e]).collect();
        assert_eq!(
            found,
            [
                "net promoter score",
                "NPS",
                "PO",
                "product owner",
                "product owners"
            ]
        );
    }

    #[test]
    fn keys_fold_case_except_for_abbreviations() {
        assert_eq!(term_key("Net  Promoter score"), "net promoter score");
        assert_eq!(term_key("NPS"), "NPS");
        assert!(is_abbreviation("F1") && !is_abbreviation("Scrum") && !is_abbreviation("42"));
    }
}
