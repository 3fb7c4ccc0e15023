//! A table of keys read by the type each key must have, with messages that name the
//! key: a scenario file's steps (TOML tables, turned into the JSON objects they are)
//! and a share link's actions. Written by hand, not serde's derived readers: those
//! could not say which key of a tagged enum had the wrong type, let a scenario step
//! carry keys it never reads, and were among the largest pieces of the playground's
//! code. Whether unknown keys are refused is the caller's choice.

use serde_json::{Map, Value};

use crate::count::{Count, zero_or_more};

/// An object's keys, read by the type each must have.
pub(crate) struct Keys<'a>(pub &'a Map<String, Value>);

impl<'a> Keys<'a> {
    pub fn string(&self, key: &str) -> Result<Option<String>, String> {
        match self.0.get(key) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(other) => Err(wrong_type(key, other, "a string")),
        }
    }

    pub fn required(&self, key: &str) -> Result<String, String> {
        self.string(key)?.ok_or_else(|| missing(key))
    }

    /// A whole number of 0 or more, read by `core::count`'s rules.
    pub fn count<T: Count>(&self, key: &str) -> Result<Option<T>, String> {
        match self.0.get(key) {
            None => Ok(None),
            Some(Value::Number(n)) if !n.is_f64() => zero_or_more(&n.to_string()).map(Some).map_err(|why| format!("key `{key}` {why}")),
            Some(other) => Err(wrong_type(key, other, "a whole number")),
        }
    }

    pub fn required_count<T: Count>(&self, key: &str) -> Result<T, String> {
        self.count(key)?.ok_or_else(|| missing(key))
    }

    pub fn boolean(&self, key: &str) -> Result<Option<bool>, String> {
        match self.0.get(key) {
            None => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(other) => Err(wrong_type(key, other, "true or false")),
        }
    }

    /// A list of strings; absent, an empty one.
    pub fn strings(&self, key: &str) -> Result<Vec<String>, String> {
        self.list(key, "strings")?
            .iter()
            .enumerate()
            .map(|(i, item)| match item {
                Value::String(s) => Ok(s.clone()),
                other => Err(wrong_type(&format!("{key}[{i}]"), other, "a string")),
            })
            .collect()
    }

    /// A list of `what`; absent, an empty one.
    pub fn list(&self, key: &str, what: &str) -> Result<&'a [Value], String> {
        match self.0.get(key) {
            None => Ok(&[]),
            Some(Value::Array(items)) => Ok(items),
            Some(other) => Err(wrong_type(key, other, &format!("a list of {what}"))),
        }
    }
}

fn missing(key: &str) -> String {
    format!("key `{key}` is missing")
}

pub(crate) fn wrong_type(key: &str, value: &Value, expected: &str) -> String {
    format!("key `{key}` has the wrong type ({}): expected {expected}", type_name(value))
}

/// A value's type in the words of TOML, the format people write scenarios in.
pub(crate) fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_f64() => "float",
        Value::Number(_) => "integer",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(o) if o.len() == 1 && o.contains_key(DATETIME) => "datetime",
        Value::Object(o) if o.len() == 1 && o.contains_key(ODD_FLOAT) => "float",
        Value::Object(_) => "table",
    }
}

/// A TOML table as the JSON object the readers take.
pub(crate) fn table_from_toml(table: &toml::Table) -> Map<String, Value> {
    table.iter().map(|(k, v)| (k.clone(), from_toml(v))).collect()
}

/// A date-time and a float JSON cannot hold (nan, inf) become marked objects, so that
/// a message still names their TOML type.
fn from_toml(value: &toml::Value) -> Value {
    let marked = |marker: &str, text: String| Value::Object(Map::from_iter([(marker.to_owned(), Value::String(text))]));
    match value {
        toml::Value::String(s) => Value::String(s.clone()),
        toml::Value::Integer(i) => Value::from(*i),
        toml::Value::Float(f) => serde_json::Number::from_f64(*f).map_or_else(|| marked(ODD_FLOAT, f.to_string()), Value::Number),
        toml::Value::Boolean(b) => Value::Bool(*b),
        toml::Value::Datetime(d) => marked(DATETIME, d.to_string()),
        toml::Value::Array(items) => Value::Array(items.iter().map(from_toml).collect()),
        toml::Value::Table(t) => Value::Object(table_from_toml(t)),
    }
}

const DATETIME: &str = "$__postflow_datetime";
const ODD_FLOAT: &str = "$__postflow_float";
