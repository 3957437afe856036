//! The shape of `site.toml` as serde reads it: every key the file may hold,
//! with its place in the text (`Spanned`) where an error may point at it.

use std::fmt;
use std::marker::PhantomData;

use serde::Deserialize;
use serde::de::{Deserializer, MapAccess, Visitor};
use toml::Spanned;

/// A map that keeps its keys in the order of the file.
#[derive(Debug, Clone)]
pub struct Ordered<K, V>(pub Vec<(K, V)>);

impl<K, V> Default for Ordered<K, V> {
    fn default() -> Self {
        Ordered(Vec::new())
    }
}

impl<'de, K: Deserialize<'de>, V: Deserialize<'de>> Deserialize<'de> for Ordered<K, V> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V2<K, V>(PhantomData<(K, V)>);
        impl<'de, K: Deserialize<'de>, V: Deserialize<'de>> Visitor<'de> for V2<K, V> {
            type Value = Ordered<K, V>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a table")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut out = Vec::new();
                while let Some((k, v)) = map.next_entry()? {
                    out.push((k, v));
                }
                Ok(Ordered(out))
            }
        }
        d.deserialize_map(V2(PhantomData))
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawConfig {
    pub(super) title: String,
    pub(super) base_url: Spanned<String>,
    #[serde(default)]
    pub(super) description: String,
    #[serde(default = "default_language")]
    pub(super) language: String,
    #[serde(default = "default_theme")]
    pub(super) theme: Spanned<String>,
    #[serde(default = "default_output")]
    pub(super) output_dir: String,
    #[serde(default = "default_true")]
    pub(super) search: bool,
    #[serde(default = "default_true")]
    pub(super) previews: bool,
    #[serde(default)]
    pub(super) edit_url: Option<Spanned<String>>,
    #[serde(default)]
    pub(super) updated_from_git: bool,
    #[serde(default)]
    pub(super) collections: Ordered<Spanned<String>, Spanned<RawCollection>>,
    #[serde(default)]
    pub(super) comparisons: Vec<Spanned<RawComparison>>,
    #[serde(default)]
    pub(super) charts: Vec<Spanned<RawChart>>,
    #[serde(default)]
    pub(super) data: Ordered<Spanned<String>, Spanned<RawData>>,
    #[serde(default)]
    pub(super) export: RawExport,
    #[serde(default)]
    pub(super) languages: Ordered<Spanned<String>, Spanned<RawLanguage>>,
    #[serde(default)]
    pub(super) images: super::images::RawImages,
    #[serde(default)]
    pub(super) extra: toml::Table,
}

fn default_language() -> String {
    "en".into()
}
fn default_theme() -> Spanned<String> {
    Spanned::new(0..0, "default".into())
}
fn default_output() -> String {
    "public".into()
}
fn default_true() -> bool {
    true
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawCollection {
    pub(super) title: Option<String>,
    pub(super) template: Option<String>,
    #[serde(default)]
    pub(super) sort_by: Option<Spanned<String>>,
    pub(super) kind: Option<Spanned<String>>,
    #[serde(default)]
    pub(super) autolink: bool,
    pub(super) paginate_by: Option<Spanned<i64>>,
    pub(super) card_fields: Option<Vec<Spanned<String>>>,
    #[serde(default)]
    pub(super) fields: Ordered<Spanned<String>, Spanned<RawField>>,
}

/// `[export]`: the collections written as data files too.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawExport {
    #[serde(default)]
    pub(super) json: bool,
    #[serde(default)]
    pub(super) csv: bool,
}

/// `[data.NAME]`: the schema of the records of `data/NAME.*`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawData {
    #[serde(default)]
    pub(super) fields: Ordered<Spanned<String>, Spanned<RawField>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawChart {
    pub(super) name: Spanned<String>,
    pub(super) kind: Spanned<String>,
    pub(super) collection: Spanned<String>,
    pub(super) field: Spanned<String>,
    pub(super) title: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawComparison {
    pub(super) collection: Spanned<String>,
    pub(super) items: Spanned<Vec<Spanned<String>>>,
    pub(super) fields: Option<Vec<Spanned<String>>>,
    pub(super) title: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawField {
    #[serde(rename = "type")]
    pub(super) ty: Spanned<String>,
    #[serde(default)]
    pub(super) required: bool,
    pub(super) label: Option<String>,
    pub(super) help: Option<String>,
    #[serde(default)]
    pub(super) taxonomy: Option<Spanned<bool>>,
    pub(super) to: Option<Spanned<String>>,
    pub(super) values: Option<Spanned<Vec<String>>>,
    pub(super) labels: Option<Spanned<std::collections::BTreeMap<String, String>>>,
    pub(super) unit: Option<String>,
}

/// `[languages.CODE]`: a language besides the default one, with what
/// readers of that language see instead of the default text.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawLanguage {
    pub(super) title: Option<String>,
    pub(super) description: Option<String>,
    #[serde(default)]
    pub(super) collections: Ordered<Spanned<String>, Spanned<RawLangCollection>>,
    #[serde(default)]
    pub(super) comparisons: Ordered<Spanned<String>, String>,
    #[serde(default)]
    pub(super) charts: Ordered<Spanned<String>, String>,
}

/// `[languages.CODE.collections.NAME]`: a collection's title and field
/// labels in that language.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawLangCollection {
    pub(super) title: Option<String>,
    pub(super) singular: Option<String>,
    #[serde(default)]
    pub(super) fields: Ordered<Spanned<String>, Spanned<RawLangField>>,
}

/// One field's label, help and enum value labels in a language.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawLangField {
    pub(super) label: Option<String>,
    pub(super) help: Option<String>,
    pub(super) labels: Option<Spanned<std::collections::BTreeMap<String, String>>>,
}
