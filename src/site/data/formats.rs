//! Reading the four data formats into a [`DataValue`], each with its own
//! parser (serde_json, toml, serde_yaml, csv), and finding where a
//! record's keys and values are written, for errors that point at them.
//!
//! Positions are only worked out when a schema error is reported: JSON is
//! YAML too, so the YAML event scan gives its positions; TOML has its own
//! spanned parse; a CSV's are counted from the record's line.

use std::collections::HashMap;

use super::value::DataValue;
use crate::content::yaml::{self, Pos, Positions};
use crate::diagnostics::line_col;

/// The formats by extension.
pub const EXTENSIONS: [&str; 5] = ["csv", "json", "toml", "yaml", "yml"];

/// A problem reading a data file, at a place in it.
#[derive(Debug, Clone, PartialEq)]
pub struct ParseError {
    /// Where it is (line 1, column 1 when the parser gives no place).
    pub pos: Pos,
    /// What is wrong.
    pub message: String,
}

fn at(line: usize, col: usize, message: impl Into<String>) -> ParseError {
    ParseError {
        pos: Pos {
            line: line.max(1),
            col: col.max(1),
        },
        message: message.into(),
    }
}

/// A CSV file: its header row and, per record, its line and its cells
/// with the column each starts at.
#[derive(Debug, Clone, Default)]
pub struct Csv {
    /// The header row, as written.
    pub headers: Vec<String>,
    /// (line, cells as (text, column)) per record.
    pub records: Vec<(usize, Vec<(String, usize)>)>,
}

/// Parses a JSON, TOML or YAML file (by its extension `ext`).
pub fn parse_tree(text: &str, ext: &str) -> Result<DataValue, ParseError> {
    match ext {
        "json" => serde_json::from_str(text).map_err(|e| {
            let msg = e.to_string();
            let msg = msg.split(" at line ").next().unwrap_or(&msg).to_string();
            at(e.line(), e.column(), msg)
        }),
        "toml" => toml::from_str(text).map_err(|e| {
            let (line, col) = line_col(text, e.span().map_or(0, |s| s.start));
            at(line, col, e.message().trim_end().replace('\n', "; "))
        }),
        _ => serde_yaml::from_str::<DataValue>(text).map_err(|e| {
            let (line, col) = e.location().map_or((1, 1), |l| (l.line(), l.column()));
            let msg = e.to_string();
            let msg = msg.split(" at line ").next().unwrap_or(&msg).to_string();
            at(line, col, msg)
        }),
    }
}

/// Parses a CSV file with a header row. Every record must have as many
/// cells as the header.
pub fn parse_csv(text: &str) -> Result<Csv, ParseError> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(text.as_bytes());
    let csv_error = |e: csv::Error| {
        let line = e.position().map_or(1, |p| p.line() as usize);
        let message = match e.kind() {
            csv::ErrorKind::UnequalLengths {
                expected_len, len, ..
            } => format!(
                "this row has {len} cell{}, but the header row has {expected_len}",
                if *len == 1 { "" } else { "s" }
            ),
            csv::ErrorKind::Utf8 { .. } => "this row is not valid UTF-8".to_string(),
            _ => e.to_string(),
        };
        at(line, 1, message)
    };
    let headers: Vec<String> = reader
        .headers()
        .map_err(csv_error)?
        .iter()
        .map(|h| h.trim().to_string())
        .collect();
    if headers.iter().all(String::is_empty) {
        return Err(at(1, 1, "a CSV file needs a header row naming its columns"));
    }
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for (i, h) in headers.iter().enumerate() {
        if h.is_empty() {
            return Err(at(
                1,
                cell_columns(text, 0)[i],
                format!("column {} has no name in the header row", i + 1),
            ));
        }
        if let Some(first) = seen.insert(h, i) {
            return Err(at(
                1,
                cell_columns(text, 0)[i],
                format!(
                    "column `{h}` is named twice in the header row (columns {} and {})",
                    first + 1,
                    i + 1
                ),
            ));
        }
    }
    let mut records = Vec::new();
    for rec in reader.records() {
        let rec = rec.map_err(csv_error)?;
        let Some(p) = rec.position() else { continue };
        let cols = cell_columns(text, p.byte() as usize);
        let line = p.line() as usize;
        let cells = rec
            .iter()
            .enumerate()
            .map(|(i, c)| (c.to_string(), cols.get(i).copied().unwrap_or(1)))
            .collect();
        records.push((line, cells));
    }
    Ok(Csv { headers, records })
}

/// The 1-based column at which each cell of the record starting at byte
/// `start` begins (commas inside quotes do not count).
pub(super) fn cell_columns(text: &str, start: usize) -> Vec<usize> {
    let line_start = text[..start.min(text.len())]
        .rfind('\n')
        .map_or(0, |i| i + 1);
    let mut col = text[line_start..start.min(text.len())].chars().count() + 1;
    let mut out = vec![col];
    let mut quoted = false;
    for c in text[start.min(text.len())..].chars() {
        col += 1;
        match c {
            '"' => quoted = !quoted,
            ',' if !quoted => out.push(col),
            '\n' if !quoted => break,
            _ => {}
        }
    }
    out
}

/// Where the keys and values of a JSON, TOML or YAML file are, by path
/// (`0/name` is key `name` of the first record).
pub fn positions(text: &str, ext: &str) -> Positions {
    if ext != "toml" {
        return yaml::positions(text, 1);
    }
    let mut out = Positions::starting_at(Pos { line: 1, col: 1 });
    if let Ok(doc) = toml::de::DeTable::parse(text) {
        walk_toml_table(text, doc.get_ref(), "", &mut out);
    }
    out
}

fn pos_of(text: &str, byte: usize) -> Pos {
    let (line, col) = line_col(text, byte);
    Pos { line, col }
}

fn join(prefix: &str, key: &str) -> String {
    if prefix.is_empty() {
        key.to_string()
    } else {
        format!("{prefix}/{key}")
    }
}

fn walk_toml_table(text: &str, table: &toml::de::DeTable, prefix: &str, out: &mut Positions) {
    for (k, v) in table.iter() {
        let path = join(prefix, k.get_ref());
        out.insert(
            path.clone(),
            Some(pos_of(text, k.span().start)),
            pos_of(text, v.span().start),
        );
        walk_toml_value(text, v.get_ref(), &path, out);
    }
}

fn walk_toml_value(text: &str, v: &toml::de::DeValue, path: &str, out: &mut Positions) {
    match v {
        toml::de::DeValue::Table(t) => walk_toml_table(text, t, path, out),
        toml::de::DeValue::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                let p = join(path, &i.to_string());
                out.insert(p.clone(), None, pos_of(text, item.span().start));
                walk_toml_value(text, item.get_ref(), &p, out);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_errors_have_places() {
        let e = parse_tree("{\n  \"a\": 1,\n  \"b\": \n}\n", "json").unwrap_err();
        assert_eq!((e.pos.line, e.pos.col), (4, 1), "{e:?}");
        let e = parse_tree("a = 1\nb = [1,\n", "toml").unwrap_err();
        assert_eq!((e.pos.line, e.pos.col), (2, 8), "{e:?}");
        let e = parse_tree("a: 1\nb: [1, 2\nc: 3\n", "yaml").unwrap_err();
        assert_eq!((e.pos.line, e.pos.col), (3, 2), "{e:?}");
        let e = parse_csv("role,min,max\npm,1,2\npo,3\n").unwrap_err();
        assert_eq!(e.pos.line, 3);
        assert_eq!(e.message, "this row has 2 cells, but the header row has 3");
        let e = parse_csv("role,min,role\n").unwrap_err();
        assert_eq!((e.pos.line, e.pos.col), (1, 10));
    }

    #[test]
    fn csv_cells_know_their_columns() {
        let csv = parse_csv("role,note,max\npm,\"a, b\",2\n").unwrap();
        assert_eq!(csv.headers, ["role", "note", "max"]);
        assert_eq!(
            csv.records[0],
            (
                2,
                vec![("pm".into(), 1), ("a, b".into(), 4), ("2".into(), 11)]
            )
        );
    }

    #[test]
    fn toml_and_json_positions() {
        let p = positions("[[band]]\nrole = \"pm\"\nmin = \"x\"\n", "toml");
        assert_eq!(p.value("band/0/min"), Pos { line: 3, col: 7 });
        assert_eq!(p.key("band/0/min"), Pos { line: 3, col: 1 });
        let p = positions("[\n  {\"role\": \"pm\",\n   \"min\": \"x\"}\n]\n", "json");
        assert_eq!(p.value("0/min").line, 3);
    }
}
