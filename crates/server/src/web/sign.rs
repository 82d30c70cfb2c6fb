//! The review-and-sign page of every filing: the server has checked the form against the
//! rules; the page shows what will be filed, and the browser seals the body (salts drawn in
//! the browser), signs the statement with the key kept since sign-in, and submits it to
//! `POST /api/v1/statements`. On request it shows the exact bytes it signs. If the ledger
//! refuses the filing, the page posts the form back with the refusal, so that it is shown
//! next to its field and nothing typed is lost.

use askama::Template;
use serde_json::{Value, json};

use super::Ctx;
use super::fields::{Input, Section};

/// A filing ready to be signed in the browser.
pub struct Prepared {
    /// Statement type.
    pub kind: String,
    /// Case id.
    pub case: String,
    /// Who signs.
    pub actor: String,
    /// The key id they signed in with.
    pub key: String,
    /// The case's head (the statement's `prev`), lowercase hex.
    pub prev: Option<String>,
    /// The full body (contact persons in clear: the browser seals them).
    pub body: Value,
    /// Where the form posts (to go back to it).
    pub form_action: String,
    /// Where to go after filing.
    pub done: String,
}

/// One group of the summary.
pub struct SummaryGroup {
    legend: String,
    rows: Vec<(String, String)>,
}

/// The review-and-sign page.
#[derive(Template)]
#[template(path = "sign.html")]
pub struct SignPage<'a> {
    c: &'a Ctx,
    title: String,
    groups: Vec<SummaryGroup>,
    fields: Vec<(String, String)>,
    data: String,
    form_action: String,
    messages: String,
}

/// The summary of the fields as the user filled them (translated labels and option names).
fn summary(c: &Ctx, sections: &[Section]) -> Vec<SummaryGroup> {
    let yes = c.t.m("yes");
    let no = c.t.m("no");
    sections
        .iter()
        .map(|s| SummaryGroup {
            legend: s.legend.clone(),
            rows: s
                .fields
                .iter()
                .filter(|f| !f.value().is_empty() || matches!(f.input, Input::Check))
                .map(|f| (f.label.clone(), f.shown(&yes, &no)))
                .collect(),
        })
        .filter(|g| !g.rows.is_empty())
        .collect()
}

impl<'a> SignPage<'a> {
    /// The page of a prepared filing; `fields` are the posted form fields, carried along to
    /// go back to the form.
    pub fn new(
        c: &'a Ctx,
        p: &Prepared,
        sections: &[Section],
        fields: Vec<(String, String)>,
        server_time: i64,
    ) -> SignPage<'a> {
        let data = json!({
            "type": p.kind, "case": p.case, "actor": p.actor, "key": p.key,
            "prev": p.prev, "body": p.body, "server_time": server_time, "done": p.done,
        });
        let messages = json!({
            "working": c.t.m("sign-working"),
            "nokey": c.t.m("sign-nokey"),
            "failed": c.t.m("sign-failed"),
            "filed": c.t.m1("sign-filed", "index", "{index}"),
        });
        SignPage {
            c,
            title: c.t.m(format!("do-{}", p.kind.replace('.', "-"))),
            groups: summary(c, sections),
            fields,
            data: script_json(&data),
            form_action: p.form_action.clone(),
            messages: script_json(&messages),
        }
    }
}

/// JSON safe to put inside a `<script type="application/json">` element: `<`, `>` and `&`
/// are escaped, so no `</script>` can end it early.
pub fn script_json(v: &Value) -> String {
    v.to_string()
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_json_cannot_close_the_script_element() {
        let s = script_json(&json!({"x": "</script><b>&"}));
        assert!(!s.contains("</script>"));
        assert!(!s.contains('<') && !s.contains('&'));
        let back: Value = serde_json::from_str(&s).unwrap();
        assert_eq!(back["x"], "</script><b>&");
    }
}
