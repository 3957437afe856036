//! The value of a data file, one model for the four formats: maps keep the
//! order of the file (a CSV's columns, a YAML mapping's keys), numbers
//! stay integers or floats, and TOML dates become `YYYY-MM-DD` strings.

use std::fmt;

use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};

use crate::content::yaml::{Mapping, Value as Yaml};

/// A value read from a data file.
#[derive(Debug, Clone, PartialEq)]
pub enum DataValue {
    /// No value (`null`, `~`).
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A whole number.
    Int(i64),
    /// Any other number.
    Float(f64),
    /// Text.
    String(String),
    /// A list.
    List(Vec<DataValue>),
    /// A table, in the order of the file.
    Map(Vec<(String, DataValue)>),
}

/// The key toml's deserializer wraps a date or time in.
const TOML_DATETIME: &str = "$__toml_private_datetime";

impl DataValue {
    /// The entry of a map at `key`.
    pub fn get(&self, key: &str) -> Option<&DataValue> {
        match self {
            DataValue::Map(m) => m.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// What kind of value this is, for messages.
    pub fn kind(&self) -> &'static str {
        match self {
            DataValue::Null => "nothing",
            DataValue::Bool(_) => "a boolean",
            DataValue::Int(_) | DataValue::Float(_) => "a number",
            DataValue::String(_) => "a string",
            DataValue::List(_) => "a list",
            DataValue::Map(_) => "a table",
        }
    }

    /// The same value as YAML, for the checks front-matter goes through.
    pub fn to_yaml(&self) -> Yaml {
        match self {
            DataValue::Null => Yaml::Null,
            DataValue::Bool(b) => Yaml::Bool(*b),
            DataValue::Int(n) => Yaml::Number((*n).into()),
            DataValue::Float(f) => Yaml::Number((*f).into()),
            DataValue::String(s) => Yaml::String(s.clone()),
            DataValue::List(l) => Yaml::Sequence(l.iter().map(DataValue::to_yaml).collect()),
            DataValue::Map(m) => {
                let mut out = Mapping::new();
                for (k, v) in m {
                    out.insert(Yaml::String(k.clone()), v.to_yaml());
                }
                Yaml::Mapping(out)
            }
        }
    }

    /// The text a reader sees for a scalar (empty for null, lists joined
    /// with commas).
    pub fn text(&self) -> String {
        match self {
            DataValue::Null | DataValue::Map(_) => String::new(),
            DataValue::Bool(b) => b.to_string(),
            DataValue::Int(n) => n.to_string(),
            DataValue::Float(f) => crate::site::fields::fmt_num(*f),
            DataValue::String(s) => s.clone(),
            DataValue::List(l) => l.iter().map(DataValue::text).collect::<Vec<_>>().join(", "),
        }
    }
}

impl Serialize for DataValue {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            DataValue::Null => s.serialize_unit(),
            DataValue::Bool(b) => s.serialize_bool(*b),
            DataValue::Int(n) => s.serialize_i64(*n),
            DataValue::Float(f) => s.serialize_f64(*f),
            DataValue::String(v) => s.serialize_str(v),
            DataValue::List(l) => {
                let mut seq = s.serialize_seq(Some(l.len()))?;
                for v in l {
                    seq.serialize_element(v)?;
                }
                seq.end()
            }
            DataValue::Map(m) => {
                let mut map = s.serialize_map(Some(m.len()))?;
                for (k, v) in m {
                    map.serialize_entry(k, v)?;
                }
                map.end()
            }
        }
    }
}

impl<'de> Deserialize<'de> for DataValue {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(DataVisitor)
    }
}

struct DataVisitor;

impl<'de> Visitor<'de> for DataVisitor {
    type Value = DataValue;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a data value")
    }
    fn visit_unit<E>(self) -> Result<DataValue, E> {
        Ok(DataValue::Null)
    }
    fn visit_none<E>(self) -> Result<DataValue, E> {
        Ok(DataValue::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<DataValue, D::Error> {
        DataValue::deserialize(d)
    }
    fn visit_bool<E>(self, v: bool) -> Result<DataValue, E> {
        Ok(DataValue::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<DataValue, E> {
        Ok(DataValue::Int(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<DataValue, E> {
        Ok(i64::try_from(v).map_or(DataValue::Float(v as f64), DataValue::Int))
    }
    fn visit_f64<E>(self, v: f64) -> Result<DataValue, E> {
        Ok(DataValue::Float(v))
    }
    fn visit_str<E>(self, v: &str) -> Result<DataValue, E> {
        Ok(DataValue::String(v.to_string()))
    }
    fn visit_string<E>(self, v: String) -> Result<DataValue, E> {
        Ok(DataValue::String(v))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<DataValue, A::Error> {
        let mut out = Vec::new();
        while let Some(v) = seq.next_element()? {
            out.push(v);
        }
        Ok(DataValue::List(out))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<DataValue, A::Error> {
        let mut out: Vec<(String, DataValue)> = Vec::new();
        while let Some(key) = map.next_key::<DataValue>()? {
            let value: DataValue = map.next_value()?;
            let key = match key {
                DataValue::String(k) => k,
                other => other.text(),
            };
            // A TOML date or time: its text.
            if key == TOML_DATETIME && out.is_empty() {
                return Ok(value);
            }
            match out.iter_mut().find(|(k, _)| *k == key) {
                Some(slot) => slot.1 = value,
                None => out.push((key, value)),
            }
        }
        Ok(DataValue::Map(out))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_three_formats_keep_order_and_types() {
        let json: DataValue =
            serde_json::from_str(r#"{"b": 1, "a": [2.5, "x", null, true]}"#).unwrap();
        let yaml: DataValue = serde_yaml::from_str("b: 1\na: [2.5, x, ~, true]\n").unwrap();
        let toml: DataValue =
            toml::from_str("b = 1\na = [2.5, \"x\", true]\nday = 2026-11-30\n").unwrap();
        let want = DataValue::Map(vec![
            ("b".into(), DataValue::Int(1)),
            (
                "a".into(),
                DataValue::List(vec![
                    DataValue::Float(2.5),
                    DataValue::String("x".into()),
                    DataValue::Null,
                    DataValue::Bool(true),
                ]),
            ),
        ]);
        assert_eq!(json, want);
        assert_eq!(yaml, want);
        assert_eq!(
            toml.get("day"),
            Some(&DataValue::String("2026-11-30".into()))
        );
        assert_eq!(
            serde_json::to_string(&json).unwrap(),
            r#"{"b":1,"a":[2.5,"x",null,true]}"#
        );
    }
}
