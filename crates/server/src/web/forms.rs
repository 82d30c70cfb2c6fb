//! Form posts: the fields as sent, and the errors shown next to them.

use std::collections::BTreeMap;

/// The fields of a form post (`application/x-www-form-urlencoded`), repeated names kept.
#[derive(Clone, Debug, Default)]
pub struct FormData {
    fields: Vec<(String, String)>,
}

impl FormData {
    /// The fields as posted.
    pub fn new(fields: Vec<(String, String)>) -> FormData {
        FormData { fields }
    }

    /// The first value of `name`, trimmed (empty when absent).
    pub fn get(&self, name: &str) -> &str {
        self.fields
            .iter()
            .find(|(k, _)| k == name)
            .map_or("", |(_, v)| v.trim())
    }

    /// The first value of `name` as sent (multi-line text keeps its lines).
    pub fn raw(&self, name: &str) -> &str {
        self.fields
            .iter()
            .find(|(k, _)| k == name)
            .map_or("", |(_, v)| v.as_str())
    }

    /// Every non-empty value of `name`, trimmed.
    pub fn all(&self, name: &str) -> Vec<&str> {
        self.fields
            .iter()
            .filter(|(k, v)| k == name && !v.trim().is_empty())
            .map(|(_, v)| v.trim())
            .collect()
    }

    /// The fields without the form's own bookkeeping (`csrf`, `_edit`, `_refusal`).
    pub fn user_fields(&self) -> Vec<(String, String)> {
        self.fields
            .iter()
            .filter(|(k, _)| !k.starts_with('_') && k != "csrf")
            .cloned()
            .collect()
    }
}

/// Messages shown next to fields (by field name) and above the form (`""`).
#[derive(Clone, Debug, Default)]
pub struct FieldErrors {
    by_field: BTreeMap<String, Vec<String>>,
}

impl FieldErrors {
    /// Adds a message for `field` (`""`: the whole form).
    pub fn add(&mut self, field: &str, message: String) {
        self.by_field
            .entry(field.to_owned())
            .or_default()
            .push(message);
    }

    /// The messages of `field`.
    pub fn of(&self, field: &str) -> &[String] {
        self.by_field.get(field).map_or(&[], Vec::as_slice)
    }

    /// No message at all?
    pub fn is_empty(&self) -> bool {
        self.by_field.is_empty()
    }

    /// Every field with messages.
    pub fn fields(&self) -> impl Iterator<Item = &str> {
        self.by_field.keys().map(String::as_str)
    }
}

/// The form field name of a JSON path of a statement body: `$.transit[0].authority` is
/// `transit.0.authority`, `$` the whole form (`""`).
pub fn field_of_path(path: &str) -> String {
    let p = path.strip_prefix('$').unwrap_or(path);
    let p = p.strip_prefix('.').unwrap_or(p);
    p.replace('[', ".").replace(']', "")
}

/// The field among `names` that a JSON path concerns: the exact field, else the nearest
/// enclosing one (`waste.codes.1` falls back to `waste.codes`), else `""` (the whole form).
pub fn nearest_field(path: &str, names: impl Fn(&str) -> bool) -> String {
    let mut f = field_of_path(path);
    loop {
        if f.is_empty() || names(&f) {
            return f;
        }
        match f.rfind('.') {
            Some(i) => f.truncate(i),
            None => return String::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_paths_map_to_form_fields() {
        assert_eq!(field_of_path("$.waste.codes[1]"), "waste.codes.1");
        assert_eq!(field_of_path("$.quantity.total_kg"), "quantity.total_kg");
        assert_eq!(
            field_of_path("$.transit[0].authority"),
            "transit.0.authority"
        );
        assert_eq!(field_of_path("$"), "");
        let known = |f: &str| ["waste.codes", "transit.0.authority"].contains(&f);
        assert_eq!(nearest_field("$.waste.codes[1]", known), "waste.codes");
        assert_eq!(
            nearest_field("$.transit[0].authority", known),
            "transit.0.authority"
        );
        assert_eq!(nearest_field("$.transit[0]", known), "");
        assert_eq!(nearest_field("$.nothing.here", known), "");
    }

    #[test]
    fn repeated_fields_are_kept() {
        let f = FormData::new(vec![
            ("carriers".into(), "a".into()),
            ("carriers".into(), " b ".into()),
            ("carriers".into(), "".into()),
            ("csrf".into(), "t".into()),
            ("_edit".into(), "1".into()),
        ]);
        assert_eq!(f.all("carriers"), ["a", "b"]);
        assert_eq!(f.get("carriers"), "a");
        assert_eq!(f.user_fields().len(), 3);
    }
}
