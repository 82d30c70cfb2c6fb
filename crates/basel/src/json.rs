//! A small collecting JSON reader: every wrong field is reported with its path, not only the first.

use serde_json::{Map, Value};
use time::{Date, OffsetDateTime, format_description::well_known::Rfc3339};

use crate::verdict::FieldError;

/// The errors collected while reading one body.
pub(crate) type Errs = Vec<FieldError>;

pub(crate) fn err(errs: &mut Errs, path: &str, message: impl Into<String>) {
    errs.push(FieldError {
        path: path.to_owned(),
        message: message.into(),
    });
}

/// Longest accepted text field, in characters.
const MAX_TEXT: usize = 4000;

/// A JSON object being read: remembers which keys were asked for, so that unknown keys are errors.
pub(crate) struct Obj<'v> {
    map: Option<&'v Map<String, Value>>,
    path: String,
    known: Vec<&'static str>,
}

impl<'v> Obj<'v> {
    /// Starts reading `v` as an object; reports an error (once) when it is not one.
    pub(crate) fn new(v: &'v Value, path: &str, errs: &mut Errs) -> Obj<'v> {
        let map = match v {
            Value::Object(m) => Some(m),
            _ => {
                err(errs, path, "must be a JSON object");
                None
            }
        };
        Obj {
            map,
            path: path.to_owned(),
            known: Vec::new(),
        }
    }

    fn child(&self, key: &str) -> String {
        format!("{}.{}", self.path, key)
    }

    /// A required field.
    pub(crate) fn req(
        &mut self,
        key: &'static str,
        errs: &mut Errs,
    ) -> Option<(&'v Value, String)> {
        self.known.push(key);
        let map = self.map?;
        match map.get(key) {
            Some(Value::Null) | None => {
                err(errs, &self.child(key), "is required");
                None
            }
            Some(v) => Some((v, self.child(key))),
        }
    }

    /// An optional field (`null` counts as absent).
    pub(crate) fn opt(&mut self, key: &'static str) -> Option<(&'v Value, String)> {
        self.known.push(key);
        let map = self.map?;
        match map.get(key) {
            Some(Value::Null) | None => None,
            Some(v) => Some((v, self.child(key))),
        }
    }

    /// Required field read with `f`.
    pub(crate) fn get<T>(
        &mut self,
        key: &'static str,
        errs: &mut Errs,
        f: impl FnOnce(&'v Value, &str, &mut Errs) -> Option<T>,
    ) -> Option<T> {
        let (v, p) = self.req(key, errs)?;
        f(v, &p, errs)
    }

    /// Optional field read with `f`. The outer `Option` is `None` when the value was present but wrong.
    pub(crate) fn get_opt<T>(
        &mut self,
        key: &'static str,
        errs: &mut Errs,
        f: impl FnOnce(&'v Value, &str, &mut Errs) -> Option<T>,
    ) -> Option<Option<T>> {
        match self.opt(key) {
            None => Some(None),
            Some((v, p)) => f(v, &p, errs).map(Some),
        }
    }

    /// Reports every key that was not asked for.
    pub(crate) fn finish(self, errs: &mut Errs) {
        if let Some(map) = self.map {
            for k in map.keys() {
                if !self.known.contains(&k.as_str()) {
                    err(
                        errs,
                        &format!("{}.{}", self.path, k),
                        "is not a known field",
                    );
                }
            }
        }
    }
}

/// A non-empty string of at most [`MAX_TEXT`] characters.
pub(crate) fn text(v: &Value, path: &str, errs: &mut Errs) -> Option<String> {
    match v {
        Value::String(s) if s.trim().is_empty() => {
            err(errs, path, "must not be empty");
            None
        }
        Value::String(s) if s.chars().count() > MAX_TEXT => {
            err(errs, path, format!("must be at most {MAX_TEXT} characters"));
            None
        }
        Value::String(s) => Some(s.clone()),
        _ => {
            err(errs, path, "must be a string");
            None
        }
    }
}

/// A personal-data placeholder `{"digest": "<64 lowercase hex>"}` (the committed form of a
/// contact person; see `wastetrail_ledger::disclosure`). Returns the digest. The rules read
/// redacted bodies, so a contact in clear here is an error: it could never be erased.
pub(crate) fn personal(v: &Value, path: &str, errs: &mut Errs) -> Option<String> {
    let digest = v
        .as_object()
        .filter(|m| m.len() == 1)
        .and_then(|m| m.get("digest"))
        .and_then(Value::as_str)
        .filter(|s| {
            s.len() == 64
                && s.bytes()
                    .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        });
    match digest {
        Some(d) => Some(d.to_owned()),
        None => {
            err(
                errs,
                path,
                "must be a personal-data placeholder {\"digest\": \"<64 hex>\"}: personal data is committed separately",
            );
            None
        }
    }
}

/// A contact person's details as disclosed (the value behind a placeholder): an object with
/// `name` (required), `phone`, `email` and `fax` (optional), each a non-empty string of at
/// most 200 characters. Every fault is reported with its path.
pub fn check_contact(v: &Value, path: &str) -> Vec<crate::verdict::FieldError> {
    let mut errs = Errs::new();
    let mut o = Obj::new(v, path, &mut errs);
    let _ = o.get("name", &mut errs, text);
    for k in ["phone", "email", "fax"] {
        let _ = o.get_opt(k, &mut errs, text);
    }
    o.finish(&mut errs);
    errs
}

/// A participant id: a non-empty string without whitespace, at most 200 characters.
pub(crate) fn participant(v: &Value, path: &str, errs: &mut Errs) -> Option<String> {
    match v {
        Value::String(s)
            if !s.is_empty()
                && s.len() <= 200
                && !s.chars().any(|c| c.is_whitespace() || c.is_control()) =>
        {
            Some(s.clone())
        }
        Value::String(_) => {
            err(
                errs,
                path,
                "must be a participant id (1 to 200 characters, no spaces)",
            );
            None
        }
        _ => {
            err(errs, path, "must be a participant id (a string)");
            None
        }
    }
}

/// A boolean.
pub(crate) fn boolean(v: &Value, path: &str, errs: &mut Errs) -> Option<bool> {
    match v {
        Value::Bool(b) => Some(*b),
        _ => {
            err(errs, path, "must be true or false");
            None
        }
    }
}

/// A whole number of kilograms, at least 1. Fractions and floats are errors.
pub(crate) fn kg(v: &Value, path: &str, errs: &mut Errs) -> Option<u64> {
    match v.as_u64() {
        Some(0) => {
            err(errs, path, "must be at least 1 kilogram");
            None
        }
        Some(n) if v.is_u64() => Some(n),
        _ => {
            err(
                errs,
                path,
                "must be a whole number of kilograms (no fractions, no units, no strings)",
            );
            None
        }
    }
}

/// A count (shipments, packages, days), at least 1.
pub(crate) fn count(v: &Value, path: &str, errs: &mut Errs) -> Option<u32> {
    match v.as_u64().map(u32::try_from) {
        Some(Ok(0)) => {
            err(errs, path, "must be at least 1");
            None
        }
        Some(Ok(n)) if v.is_u64() => Some(n),
        _ => {
            err(errs, path, "must be a whole number from 1 to 4294967295");
            None
        }
    }
}

/// A calendar date `YYYY-MM-DD`.
pub(crate) fn date(v: &Value, path: &str, errs: &mut Errs) -> Option<Date> {
    let fmt = time::macros::format_description!("[year]-[month]-[day]");
    match v {
        Value::String(s) => match Date::parse(s, &fmt) {
            Ok(d) => Some(d),
            Err(_) => {
                err(errs, path, "must be a date written YYYY-MM-DD");
                None
            }
        },
        _ => {
            err(errs, path, "must be a date written YYYY-MM-DD");
            None
        }
    }
}

/// An RFC 3339 timestamp.
pub(crate) fn timestamp(v: &Value, path: &str, errs: &mut Errs) -> Option<OffsetDateTime> {
    match v {
        Value::String(s) => match OffsetDateTime::parse(s, &Rfc3339) {
            Ok(t) => Some(t),
            Err(_) => {
                err(errs, path, "must be an RFC 3339 timestamp");
                None
            }
        },
        _ => {
            err(errs, path, "must be an RFC 3339 timestamp");
            None
        }
    }
}

/// One of the given spellings.
pub(crate) fn one_of<T: Copy>(
    v: &Value,
    path: &str,
    errs: &mut Errs,
    options: &[(&str, T)],
) -> Option<T> {
    let found = v
        .as_str()
        .and_then(|s| options.iter().find(|(name, _)| *name == s));
    match found {
        Some((_, t)) => Some(*t),
        None => {
            let names: Vec<&str> = options.iter().map(|(n, _)| *n).collect();
            err(errs, path, format!("must be one of: {}", names.join(", ")));
            None
        }
    }
}

/// An array, every element read with `f` (errors of all elements are collected).
pub(crate) fn array<'v, T>(
    v: &'v Value,
    path: &str,
    errs: &mut Errs,
    mut f: impl FnMut(&'v Value, &str, &mut Errs) -> Option<T>,
) -> Option<Vec<T>> {
    let Value::Array(items) = v else {
        err(errs, path, "must be an array");
        return None;
    };
    let mut out = Vec::with_capacity(items.len());
    let mut ok = true;
    for (i, item) in items.iter().enumerate() {
        match f(item, &format!("{path}[{i}]"), errs) {
            Some(t) => out.push(t),
            None => ok = false,
        }
    }
    ok.then_some(out)
}

/// A non-empty array.
pub(crate) fn nonempty_array<'v, T>(
    v: &'v Value,
    path: &str,
    errs: &mut Errs,
    f: impl FnMut(&'v Value, &str, &mut Errs) -> Option<T>,
) -> Option<Vec<T>> {
    if matches!(v, Value::Array(a) if a.is_empty()) {
        err(errs, path, "must have at least one element");
        return None;
    }
    array(v, path, errs, f)
}

/// Serializes a date as `YYYY-MM-DD` (the same form [`date`] reads).
pub(crate) fn ser_date<S: serde::Serializer>(d: &Date, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&fmt_date(*d))
}

/// `YYYY-MM-DD`.
pub(crate) fn fmt_date(d: Date) -> String {
    let fmt = time::macros::format_description!("[year]-[month]-[day]");
    d.format(&fmt).unwrap_or_else(|_| d.to_string())
}

/// Serializes an optional date as `YYYY-MM-DD` or null.
pub(crate) fn ser_opt_date<S: serde::Serializer>(
    d: &Option<Date>,
    s: S,
) -> Result<S::Ok, S::Error> {
    match d {
        Some(d) => s.serialize_str(&fmt_date(*d)),
        None => s.serialize_none(),
    }
}
