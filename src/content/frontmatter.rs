//! Splitting a content file into its YAML front-matter and its Markdown body.
//!
//! Pure string work, no YAML parsing: the front-matter is the text between a
//! first line `---` and the next line `---` (trailing spaces and CRLF line
//! endings allowed, a leading byte-order mark skipped). Line numbers returned
//! here are counted from the start of the file, so later stages can report
//! errors at the file's own lines.

/// A file split into front-matter and body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Split<'a> {
    /// The YAML text between the delimiters (may be empty).
    pub yaml: &'a str,
    /// 1-based line of the file where `yaml` starts.
    pub yaml_line: usize,
    /// The Markdown body after the closing delimiter.
    pub body: &'a str,
    /// 1-based line of the file where `body` starts.
    pub body_line: usize,
    /// Byte offset of `body` in the text given to [`split`] (after the BOM).
    pub body_offset: usize,
}

/// Why a file could not be split.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SplitError {
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub col: usize,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub hint: String,
}

/// Removes a leading UTF-8 byte-order mark.
pub fn strip_bom(text: &str) -> &str {
    text.strip_prefix('\u{feff}').unwrap_or(text)
}

fn is_delimiter(line: &str, delim: &str) -> bool {
    line.trim_end_matches(['\r', '\n'])
        .strip_prefix(delim)
        .is_some_and(|rest| rest.chars().all(|c| c == ' ' || c == '\t'))
}

/// Splits `text` (BOM already stripped) into front-matter and body.
pub fn split(text: &str) -> Result<Split<'_>, SplitError> {
    let mut lines = text.split_inclusive('\n');
    let first = lines.next().unwrap_or("");
    if !is_delimiter(first, "---") {
        let (message, hint) = if is_delimiter(first, "+++") {
            (
                "TOML front-matter (`+++`) is not supported".to_string(),
                "write the front-matter as YAML between two `---` lines".to_string(),
            )
        } else if text.trim().is_empty() {
            (
                "the file is empty".to_string(),
                "start it with front-matter: `---`, `title: ...`, `---`".to_string(),
            )
        } else {
            (
                "missing front-matter: the first line must be `---`".to_string(),
                "start the file with `---`, then `title: ...`, then `---`".to_string(),
            )
        };
        return Err(SplitError {
            line: 1,
            col: 1,
            message,
            hint,
        });
    }
    let yaml_start = first.len();
    let mut offset = yaml_start;
    for (line_no, line) in (2..).zip(lines) {
        if is_delimiter(line, "---") {
            return Ok(Split {
                yaml: &text[yaml_start..offset],
                yaml_line: 2,
                body: &text[offset + line.len()..],
                body_line: line_no + 1,
                body_offset: offset + line.len(),
            });
        }
        offset += line.len();
    }
    Err(SplitError {
        line: 1,
        col: 1,
        message: "front-matter opened with `---` is never closed".to_string(),
        hint: "add a line `---` after the last front-matter key".to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_split() {
        let s = split("---\ntitle: A\n---\nBody\n").unwrap();
        assert_eq!(s.yaml, "title: A\n");
        assert_eq!(s.yaml_line, 2);
        assert_eq!(s.body, "Body\n");
        assert_eq!(s.body_line, 4);
    }

    #[test]
    fn bom_is_skipped() {
        let text = strip_bom("\u{feff}---\ntitle: A\n---\nB");
        assert_eq!(split(text).unwrap().yaml, "title: A\n");
    }

    #[test]
    fn crlf_line_endings() {
        let s = split("---\r\ntitle: A\r\n---\r\nBody\r\n").unwrap();
        assert_eq!(s.yaml, "title: A\r\n");
        assert_eq!(s.body, "Body\r\n");
        assert_eq!(s.body_line, 4);
    }

    #[test]
    fn delimiters_with_trailing_spaces() {
        let s = split("---  \ntitle: A\n--- \t\nBody").unwrap();
        assert_eq!(s.yaml, "title: A\n");
        assert_eq!(s.body, "Body");
    }

    #[test]
    fn delimiter_with_other_text_is_not_a_delimiter() {
        let e = split("---\ntitle: A\n---x\nBody").unwrap_err();
        assert!(e.message.contains("never closed"));
    }

    #[test]
    fn missing_closing_delimiter() {
        let e = split("---\ntitle: A\nBody\n").unwrap_err();
        assert_eq!((e.line, e.col), (1, 1));
        assert_eq!(e.message, "front-matter opened with `---` is never closed");
    }

    #[test]
    fn empty_front_matter_and_no_body() {
        let s = split("---\n---\n").unwrap();
        assert_eq!(s.yaml, "");
        assert_eq!(s.body, "");
        assert_eq!(s.body_line, 3);
    }

    #[test]
    fn missing_front_matter_toml_and_empty_file() {
        assert!(
            split("# Title\n")
                .unwrap_err()
                .message
                .contains("missing front-matter")
        );
        assert!(
            split("+++\ntitle = 'a'\n+++\n")
                .unwrap_err()
                .message
                .contains("TOML")
        );
        assert!(split("").unwrap_err().message.contains("empty"));
    }

    #[test]
    fn closing_delimiter_at_end_of_file_without_newline() {
        let s = split("---\ntitle: A\n---").unwrap();
        assert_eq!(s.yaml, "title: A\n");
        assert_eq!(s.body, "");
    }
}
