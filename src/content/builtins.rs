//! The built-in front-matter keys every page may use (`title`, `date`,
//! `tags`...): each value checked against its kind, its problem described
//! without a place (the caller knows where the key is).

use super::Date;
use super::slug::{check_slug, slugify};
use super::yaml::{self, Value};

/// The built-in values of one page, as far as they are right.
#[derive(Default)]
pub(super) struct Builtins {
    pub(super) title: Option<String>,
    pub(super) description: Option<String>,
    pub(super) date: Option<Date>,
    pub(super) updated: Option<Date>,
    pub(super) draft: bool,
    pub(super) slug: Option<String>,
    pub(super) weight: Option<i64>,
    pub(super) tags: Vec<String>,
    pub(super) aliases: Vec<String>,
    pub(super) terms: Vec<String>,
    pub(super) autolink: Option<bool>,
    pub(super) image: Option<String>,
    pub(super) template: Option<String>,
    pub(super) extra: Value,
}

/// What became of one front-matter key.
#[derive(Debug, PartialEq)]
pub(super) enum Taken {
    /// A built-in key with a right value, now set.
    Builtin,
    /// Not a built-in key: a field of the page's collection, checked later.
    Field(Value),
    /// A built-in key with a wrong value, left unset.
    Bad {
        message: String,
        hint: Option<String>,
    },
}

impl Builtins {
    /// Takes the value `v` of `key` if `key` is built in.
    pub(super) fn take(&mut self, key: &str, v: Value) -> Taken {
        let bad = |expected: &str| Taken::Bad {
            message: format!("`{key}` must be {expected}, found {}", yaml::kind_name(&v)),
            hint: None,
        };
        match key {
            "title" => match &v {
                Value::String(s) if !s.trim().is_empty() => self.title = Some(s.clone()),
                Value::String(_) => return bad("a non-empty string"),
                _ => return bad("a string"),
            },
            "description" => match &v {
                Value::String(s) => self.description = Some(s.clone()),
                _ => return bad("a string"),
            },
            "date" | "updated" => match &v {
                Value::String(s) => match Date::parse(s) {
                    Ok(d) if key == "date" => self.date = Some(d),
                    Ok(d) => self.updated = Some(d),
                    Err(e) => {
                        return Taken::Bad {
                            message: format!("`{key}` value `{s}` {}", e.reason),
                            hint: e.bad_shape.then(|| {
                                "write dates as YYYY-MM-DD, or 2024-03-05T10:00:00Z with a time"
                                    .to_string()
                            }),
                        };
                    }
                },
                _ => return bad("a date (YYYY-MM-DD)"),
            },
            "draft" => match &v {
                Value::Bool(x) => self.draft = *x,
                _ => return bad("`true` or `false`"),
            },
            "slug" => match &v {
                Value::String(s) => match check_slug(s) {
                    Ok(()) => self.slug = Some(s.clone()),
                    Err(message) => {
                        let fixed = slugify(s);
                        return Taken::Bad {
                            message,
                            hint: (!fixed.is_empty()).then(|| format!("write `slug: {fixed}`")),
                        };
                    }
                },
                _ => return bad("a string"),
            },
            "weight" => match v.as_i64() {
                Some(w) => self.weight = Some(w),
                None => return bad("an integer"),
            },
            "autolink" => match &v {
                Value::Bool(x) => self.autolink = Some(*x),
                _ => return bad("`true` or `false`"),
            },
            "tags" | "aliases" | "terms" => match string_list(&v) {
                Some(list) if key == "tags" => self.tags = list,
                Some(list) if key == "terms" => self.terms = list,
                Some(list) => self.aliases = list,
                None => {
                    let Taken::Bad { message, .. } = bad("a list of strings") else {
                        unreachable!("bad() is always Bad")
                    };
                    return Taken::Bad {
                        message,
                        hint: v
                            .as_str()
                            .map(|one| format!("write a list: `{key}: [{one}]`")),
                    };
                }
            },
            "image" => match &v {
                Value::String(s) if !s.trim().is_empty() => self.image = Some(s.trim().to_string()),
                _ => return bad("the path of an image (`image: card.png`) or its URL"),
            },
            "template" => match &v {
                Value::String(s) => self.template = Some(s.clone()),
                _ => return bad("a string"),
            },
            "extra" => match &v {
                Value::Mapping(_) => self.extra = v,
                _ => return bad("a mapping"),
            },
            _ => return Taken::Field(v),
        }
        Taken::Builtin
    }
}

fn string_list(v: &Value) -> Option<Vec<String>> {
    match v {
        Value::Sequence(items) => items
            .iter()
            .map(|i| i.as_str().map(str::to_string))
            .collect(),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrong_values_are_described_and_left_unset() {
        let mut b = Builtins::default();
        assert_eq!(b.take("title", Value::String("PM".into())), Taken::Builtin);
        assert_eq!(b.title.as_deref(), Some("PM"));
        let Taken::Bad { message, hint } = b.take("tags", Value::String("Sales".into())) else {
            panic!("a single tag is not a list")
        };
        assert_eq!(message, "`tags` must be a list of strings, found a string");
        assert_eq!(hint.as_deref(), Some("write a list: `tags: [Sales]`"));
        assert!(b.tags.is_empty());
        let Taken::Bad { hint, .. } = b.take("slug", Value::String("Product Owner".into())) else {
            panic!("a slug with a space is wrong")
        };
        assert_eq!(hint.as_deref(), Some("write `slug: product-owner`"));
        assert_eq!(
            b.take("stakeholders", Value::Bool(true)),
            Taken::Field(Value::Bool(true))
        );
    }
}
