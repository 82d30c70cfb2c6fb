//! Form fields described once: each field has a name that is its dotted JSON path in the
//! statement body (`quantity.total_kg`, `transit.0.country`), so the body is built from the
//! posted form without per-form code, and a refusal's JSON paths find their field again.

use serde_json::{Map, Value};

use super::forms::{FieldErrors, FormData};

/// How a field is entered and how its value goes into the body.
#[derive(Clone, Debug)]
pub enum Input {
    /// One line of text (a string).
    Text,
    /// Several lines of text (a string).
    Area,
    /// A date, `YYYY-MM-DD` (a string).
    Date,
    /// A whole number (an integer; anything else is sent as typed, for the rules to refuse).
    Number,
    /// One of the options (a string).
    Select(Vec<(String, String)>),
    /// Any of the options (an array of strings).
    Checks(Vec<(String, String)>),
    /// A yes/no box (a boolean).
    Check,
    /// Codes separated by commas or spaces (an array of strings), with suggestions.
    List(&'static str),
    /// Several lines of text, one array element per non-empty line.
    Lines,
    /// A value the form shows but the user does not change (a string, or an array when it
    /// holds several values separated by `, `).
    Fixed { array: bool },
}

/// One field of a form.
#[derive(Clone, Debug)]
pub struct Field {
    /// Dotted JSON path of the value in the body; also the HTML name.
    pub name: String,
    /// The label (translated).
    pub label: String,
    /// A hint under the field (translated), if any.
    pub hint: String,
    /// How it is entered.
    pub input: Input,
    /// Must it be given?
    pub required: bool,
    /// Its value(s) as shown in the form.
    pub values: Vec<String>,
    /// Messages shown next to it.
    pub errors: Vec<String>,
}

impl Field {
    /// A field.
    pub fn new(name: &str, label: String, input: Input) -> Field {
        Field {
            name: name.to_owned(),
            label,
            hint: String::new(),
            input,
            required: false,
            values: Vec::new(),
            errors: Vec::new(),
        }
    }

    /// Marks it required.
    pub fn req(mut self) -> Field {
        self.required = true;
        self
    }

    /// Adds a hint.
    pub fn hint(mut self, hint: String) -> Field {
        self.hint = hint;
        self
    }

    /// Sets its value.
    pub fn val(mut self, v: impl Into<String>) -> Field {
        self.values = vec![v.into()];
        self
    }

    /// Sets its values (checkboxes).
    pub fn vals(mut self, v: Vec<String>) -> Field {
        self.values = v;
        self
    }

    /// The first value.
    pub fn value(&self) -> &str {
        self.values.first().map_or("", String::as_str)
    }

    /// Is `v` among its values?
    pub fn has(&self, v: &str) -> bool {
        self.values.iter().any(|x| x == v)
    }

    /// The HTML id (dots are fine in ids, but not in CSS selectors: use dashes).
    pub fn id(&self) -> String {
        format!("f-{}", self.name.replace('.', "-"))
    }

    /// Kind names for the template.
    pub fn kind(&self) -> &'static str {
        match self.input {
            Input::Text => "text",
            Input::Area => "area",
            Input::Date => "date",
            Input::Number => "number",
            Input::Select(_) => "select",
            Input::Checks(_) => "checks",
            Input::Check => "check",
            Input::List(_) => "list",
            Input::Lines => "area",
            Input::Fixed { .. } => "fixed",
        }
    }

    /// The options of a select or checkboxes.
    pub fn options(&self) -> &[(String, String)] {
        match &self.input {
            Input::Select(o) | Input::Checks(o) => o,
            _ => &[],
        }
    }

    /// The datalist of a list field.
    pub fn datalist(&self) -> &'static str {
        match self.input {
            Input::List(d) => d,
            _ => "",
        }
    }

    /// The value as the review page shows it (option labels instead of codes).
    pub fn shown(&self, yes: &str, no: &str) -> String {
        match &self.input {
            Input::Select(o) | Input::Checks(o) => self
                .values
                .iter()
                .filter(|v| !v.is_empty())
                .map(|v| {
                    o.iter()
                        .find(|(k, _)| k == v)
                        .map_or_else(|| v.clone(), |(_, l)| l.clone())
                })
                .collect::<Vec<_>>()
                .join(", "),
            Input::Check => if self.value() == "on" { yes } else { no }.to_owned(),
            _ => self.values.join(", "),
        }
    }
}

/// A group of fields (a fieldset).
#[derive(Clone, Debug)]
pub struct Section {
    /// Its legend (translated); empty for none.
    pub legend: String,
    /// Its fields.
    pub fields: Vec<Field>,
}

impl Section {
    /// A section.
    pub fn new(legend: String, fields: Vec<Field>) -> Section {
        Section { legend, fields }
    }
}

/// Fills the fields with the posted values (a form sent back for editing or with errors).
pub fn fill(sections: &mut [Section], form: &FormData) {
    for f in sections.iter_mut().flat_map(|s| s.fields.iter_mut()) {
        if matches!(f.input, Input::Fixed { .. }) {
            continue;
        }
        f.values = match f.input {
            Input::Checks(_) => form.all(&f.name).into_iter().map(str::to_owned).collect(),
            Input::Lines | Input::Area => vec![form.raw(&f.name).trim().to_owned()],
            _ => vec![form.get(&f.name).to_owned()],
        };
    }
}

/// The JSON value of one field, or `None` to leave it out (an optional field left empty).
fn json_of(f: &Field) -> Option<Value> {
    let v = f.value();
    match &f.input {
        Input::Checks(_) => {
            let items: Vec<Value> = f
                .values
                .iter()
                .filter(|x| !x.is_empty())
                .map(|x| Value::String(x.clone()))
                .collect();
            (f.required || !items.is_empty()).then_some(Value::Array(items))
        }
        Input::Lines => {
            let items: Vec<Value> = v
                .lines()
                .map(str::trim)
                .filter(|x| !x.is_empty())
                .map(|x| Value::String(x.to_owned()))
                .collect();
            (f.required || !items.is_empty()).then_some(Value::Array(items))
        }
        Input::Check => Some(Value::Bool(v == "on")),
        Input::List(_) | Input::Fixed { array: true } => {
            let items: Vec<Value> = f
                .values
                .iter()
                .flat_map(|x| x.split([',', ' ', ';']))
                .map(str::trim)
                .filter(|x| !x.is_empty())
                .map(|x| Value::String(x.to_owned()))
                .collect();
            (f.required || !items.is_empty()).then_some(Value::Array(items))
        }
        _ if v.is_empty() && !f.required => None,
        Input::Number => Some(
            v.parse::<u64>()
                .map_or_else(|_| Value::String(v.to_owned()), |n| Value::Number(n.into())),
        ),
        _ => Some(Value::String(v.to_owned())),
    }
}

/// Puts `value` at the dotted `path` of `root` (numeric segments index arrays).
fn insert(root: &mut Value, path: &str, value: Value) {
    let mut cur = root;
    let segs: Vec<&str> = path.split('.').collect();
    for (i, seg) in segs.iter().enumerate() {
        let last = i + 1 == segs.len();
        let next_is_index = segs.get(i + 1).is_some_and(|s| s.parse::<usize>().is_ok());
        if let Ok(idx) = seg.parse::<usize>() {
            let Value::Array(a) = cur else { return };
            while a.len() <= idx {
                a.push(Value::Object(Map::new()));
            }
            let Some(slot) = a.get_mut(idx) else { return };
            if last {
                *slot = value;
                return;
            }
            cur = slot;
        } else {
            let Value::Object(m) = cur else { return };
            if last {
                m.insert((*seg).to_owned(), value);
                return;
            }
            cur = m.entry((*seg).to_owned()).or_insert_with(|| {
                if next_is_index {
                    Value::Array(Vec::new())
                } else {
                    Value::Object(Map::new())
                }
            });
        }
    }
}

/// The statement body of the fields: every field at its path. Objects that end up empty
/// (an optional group left blank, e.g. insurance) and array items that are empty objects (a
/// transit row left blank) are dropped.
pub fn body(sections: &[Section]) -> Value {
    let mut root = Value::Object(Map::new());
    // Names that start with `_` are about the statement, not its body (the case id).
    for f in sections
        .iter()
        .flat_map(|s| s.fields.iter())
        .filter(|f| !f.name.starts_with('_'))
    {
        if let Some(v) = json_of(f) {
            insert(&mut root, &f.name, v);
        }
    }
    prune(&mut root);
    root
}

fn prune(v: &mut Value) {
    match v {
        Value::Object(m) => {
            for child in m.values_mut() {
                prune(child);
            }
            m.retain(|_, c| !matches!(c, Value::Object(o) if o.is_empty()));
        }
        Value::Array(a) => {
            for child in a.iter_mut() {
                prune(child);
            }
            a.retain(|c| !matches!(c, Value::Object(o) if o.is_empty()));
        }
        _ => {}
    }
}

/// Attaches messages to their fields; those of no field stay in the returned list.
pub fn attach(sections: &mut [Section], errors: &FieldErrors) -> Vec<String> {
    let mut general = Vec::new();
    for name in errors.fields() {
        let field = sections
            .iter_mut()
            .flat_map(|s| s.fields.iter_mut())
            .find(|f| f.name == name);
        match field {
            Some(f) => f.errors.extend(errors.of(name).iter().cloned()),
            None => general.extend(errors.of(name).iter().cloned()),
        }
    }
    general
}

/// Does any field have this name?
pub fn has_field(sections: &[Section], name: &str) -> bool {
    sections
        .iter()
        .flat_map(|s| s.fields.iter())
        .any(|f| f.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn f(name: &str, input: Input, v: &str) -> Field {
        Field::new(name, String::new(), input).val(v)
    }

    #[test]
    fn the_body_follows_the_field_paths() {
        let sections = vec![Section::new(
            String::new(),
            vec![
                f("reason", Input::Text, "recovery").req(),
                f("quantity.total_kg", Input::Number, "18000").req(),
                f("quantity.per_shipment_kg", Input::Number, ""),
                f("transit.0.country", Input::Text, "BE"),
                f("transit.1.country", Input::Text, ""),
                f("waste.codes", Input::List("codes"), "A1181, Y49").req(),
                f("declaration_correct", Input::Check, "on"),
                f("insurance.insurer", Input::Text, ""),
                f("carriers", Input::Checks(vec![]), "").vals(vec!["c1".into(), "c2".into()]),
                f("count", Input::Number, "12.5").req(),
            ],
        )];
        assert_eq!(
            body(&sections),
            json!({
                "reason": "recovery",
                "quantity": {"total_kg": 18000},
                "transit": [{"country": "BE"}],
                "waste": {"codes": ["A1181", "Y49"]},
                "declaration_correct": true,
                "carriers": ["c1", "c2"],
                "count": "12.5"
            })
        );
    }

    #[test]
    fn errors_find_their_fields() {
        let mut sections = vec![Section::new(
            String::new(),
            vec![
                f("reason", Input::Text, ""),
                f("waste.codes", Input::List("c"), ""),
            ],
        )];
        let mut e = FieldErrors::default();
        e.add("reason", "missing".into());
        e.add("", "general".into());
        e.add("nowhere", "lost".into());
        let general = attach(&mut sections, &e);
        assert_eq!(sections[0].fields[0].errors, ["missing"]);
        assert_eq!(general, ["general", "lost"]);
    }
}
