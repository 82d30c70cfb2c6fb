//! `wastetrail file`: fill in, sign and submit one statement, and explain the answer.
//!
//! The input file holds either a **draft** — `{"type", "case", "actor"?, "key"?,
//! "issued_at"?, "prev"?, "body"}`, the statement without its signature, where the missing
//! members are filled in (`key` from the key file, `issued_at` = now, `prev` = the case's head
//! on the server) and the body is sealed (salted commitment, contact persons committed
//! separately; docs/ledger-format.md §3a) — or an already signed **submission**
//! `{"statement": {...}, "sig": "...", "disclosure": {...}}`, which is submitted as it is.
//! `"prev": null` in a draft says "this opens a new case" and is not looked up.

use std::time::Duration;

use serde::Deserialize;
use serde_json::Value;
use wastetrail_ledger::merkle::{self, Hash};
use wastetrail_ledger::statement::{ParticipantSigner, Submission, Timestamp};

use crate::client::{Client, ClientError, Receipt};

/// Where `prev` comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Prev {
    /// Look up the case head on the server (and follow a `stale_prev` answer's head).
    Auto,
    /// As given (`None`: the first statement of a case).
    Given(Option<Hash>),
}

/// A statement to be completed and signed.
#[derive(Clone, Debug, PartialEq)]
pub struct Draft {
    /// Statement type, e.g. `consent.granted`.
    pub kind: String,
    /// Case id (`registry` for registry statements).
    pub case: String,
    /// Actor; when absent, the `--actor` option must name it.
    pub actor: Option<String>,
    /// Key ID; when present it must be the key file's.
    pub key: Option<String>,
    /// Signing time; default now.
    pub issued_at: Option<Timestamp>,
    /// Where `prev` comes from.
    pub prev: Prev,
    /// The body.
    pub body: Value,
}

impl Draft {
    /// A draft with everything filled in automatically but type, case, actor and body.
    pub fn new(kind: &str, case: &str, actor: &str, body: Value) -> Draft {
        Draft {
            kind: kind.to_owned(),
            case: case.to_owned(),
            actor: Some(actor.to_owned()),
            key: None,
            issued_at: None,
            prev: Prev::Auto,
            body,
        }
    }
}

/// The content of a statement file.
#[derive(Clone, Debug, PartialEq)]
pub enum StatementFile {
    /// A draft to fill in and sign.
    Draft(Box<Draft>),
    /// A signed submission, submitted as it is.
    Signed(Box<Submission>),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDraft {
    #[serde(rename = "type")]
    kind: String,
    case: String,
    actor: Option<String>,
    key: Option<String>,
    issued_at: Option<String>,
    #[serde(default, deserialize_with = "present")]
    prev: Option<Option<String>>,
    body: Value,
}

fn present<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Option<String>>, D::Error> {
    Option::<String>::deserialize(d).map(Some)
}

/// Parses a statement file (draft or signed statement). Errors name the JSON path.
pub fn parse_statement_file(text: &str) -> anyhow::Result<StatementFile> {
    let v: Value = serde_json::from_str(text).map_err(|e| anyhow::anyhow!("not JSON: {e}"))?;
    if v.get("sig").is_some() {
        let s = Submission::parse(text.as_bytes())
            .map_err(|e| anyhow::anyhow!("invalid signed submission: {e}"))?;
        return Ok(StatementFile::Signed(Box::new(s)));
    }
    let raw: RawDraft = serde_path_to_error::deserialize(&v).map_err(|e| {
        let path = e.path().to_string();
        anyhow::anyhow!("invalid statement at {path}: {}", e.into_inner())
    })?;
    let issued_at = raw
        .issued_at
        .map(|t| {
            Timestamp::parse(&t).map_err(|e| anyhow::anyhow!("invalid statement at issued_at: {e}"))
        })
        .transpose()?;
    let prev = match raw.prev {
        None => Prev::Auto,
        Some(None) => Prev::Given(None),
        Some(Some(h)) => {
            Prev::Given(Some(merkle::hash_from_hex(&h).map_err(|_| {
                anyhow::anyhow!("invalid statement at prev: not 64 hex digits")
            })?))
        }
    };
    if !raw.body.is_object() {
        anyhow::bail!("invalid statement at body: must be a JSON object");
    }
    Ok(StatementFile::Draft(Box::new(Draft {
        kind: raw.kind,
        case: raw.case,
        actor: raw.actor,
        key: raw.key,
        issued_at,
        prev,
        body: raw.body,
    })))
}

/// Seals the body of `draft` (fresh salts) and signs the statement for `actor` on `prev`.
pub fn sign_draft(
    draft: &Draft,
    actor: &str,
    signer: &ParticipantSigner,
    prev: Option<Hash>,
) -> Result<Submission, ClientError> {
    let key_id = signer.key_id();
    if let Some(k) = &draft.key
        && k != key_id.as_str()
    {
        return Err(ClientError::Invalid(format!(
            "the statement names key {k}, but the key file holds {key_id}"
        )));
    }
    Submission::seal(
        signer,
        &draft.kind,
        &draft.case,
        actor,
        draft.issued_at.unwrap_or_else(Timestamp::now),
        prev,
        draft.body.clone(),
    )
    .map_err(|e| ClientError::Invalid(format!("invalid statement: {e}")))
}

/// How many times a filing is tried (stale head followed, busy server waited for).
const ATTEMPTS: usize = 4;

/// Fills in, signs and submits `draft` as `actor` through a logged-in `client`; follows the
/// case head on `stale_prev` when `prev` was not given, and waits on `Retry-After` (429, 503)
/// up to 10 s. The receipt is verified.
pub async fn file_draft(
    client: &Client,
    actor: &str,
    signer: &ParticipantSigner,
    draft: &Draft,
) -> Result<Receipt, ClientError> {
    let mut prev = match &draft.prev {
        Prev::Given(p) => *p,
        Prev::Auto => client
            .case_head(&draft.case)
            .await?
            .map(|h| merkle::hash_from_hex(&h))
            .transpose()
            .map_err(|_| ClientError::Verification("the case head is not a hash".into()))?,
    };
    let mut last = None;
    for _ in 0..ATTEMPTS {
        let submission = sign_draft(draft, actor, signer, prev)?;
        match client.submit(&submission).await {
            Ok(r) => return Ok(r),
            Err(ClientError::Problem(p)) => {
                if p.code == "stale_prev"
                    && draft.prev == Prev::Auto
                    && let Some(head) = &p.head
                {
                    let head = head
                        .as_deref()
                        .map(merkle::hash_from_hex)
                        .transpose()
                        .map_err(|_| {
                            ClientError::Verification("the case head is not a hash".into())
                        })?;
                    if head != prev {
                        prev = head;
                        last = Some(ClientError::Problem(p));
                        continue;
                    }
                }
                if matches!(p.status, 429 | 503)
                    && let Some(wait) = p.retry_after.filter(|w| *w <= 10)
                {
                    tokio::time::sleep(Duration::from_secs(wait.max(1))).await;
                    last = Some(ClientError::Problem(p));
                    continue;
                }
                return Err(ClientError::Problem(p));
            }
            Err(e) => return Err(e),
        }
    }
    Err(last.unwrap_or_else(|| ClientError::Invalid("no attempt was made".into())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drafts_and_signed_statements_are_told_apart() {
        let d = parse_statement_file(
            r#"{"type":"consent.granted","case":"NL-1","actor":"ca-nl","body":{"valid_from":"2026-01-01"}}"#,
        )
        .unwrap();
        let StatementFile::Draft(d) = d else {
            panic!("not a draft")
        };
        assert_eq!(d.prev, Prev::Auto);
        assert_eq!(d.actor.as_deref(), Some("ca-nl"));

        let d = parse_statement_file(r#"{"type":"x.y","case":"c","prev":null,"body":{}}"#).unwrap();
        let StatementFile::Draft(d) = d else {
            panic!("not a draft")
        };
        assert_eq!(d.prev, Prev::Given(None));

        let s = ParticipantSigner::from_seed(&[7; 32]);
        let signed = sign_draft(&d, "me", &s, None).unwrap();
        let text = serde_json::to_string(&signed.to_value()).unwrap();
        let StatementFile::Signed(back) = parse_statement_file(&text).unwrap() else {
            panic!("not signed")
        };
        assert_eq!(*back, signed);
        back.signed.verify(&s.public_key()).unwrap();
    }

    #[test]
    fn faults_name_the_field() {
        let e =
            parse_statement_file(r#"{"type":"x.y","case":"c","body":{},"colour":1}"#).unwrap_err();
        assert!(e.to_string().contains("colour"), "{e}");
        let e = parse_statement_file(r#"{"type":"x.y","case":7,"body":{}}"#).unwrap_err();
        assert!(e.to_string().contains("case"), "{e}");
        let e = parse_statement_file(r#"{"type":"x.y","case":"c","prev":"abc","body":{}}"#)
            .unwrap_err();
        assert!(e.to_string().contains("prev"), "{e}");
        let e = parse_statement_file(r#"{"type":"x.y","case":"c","body":[]}"#).unwrap_err();
        assert!(e.to_string().contains("body"), "{e}");
    }

    #[test]
    fn a_draft_naming_another_key_is_refused() {
        let mut d = Draft::new("x.y", "c", "me", serde_json::json!({}));
        d.key = Some("ed25519:0000000000000000".into());
        let e = sign_draft(&d, "me", &ParticipantSigner::from_seed(&[1; 32]), None).unwrap_err();
        assert!(e.to_string().contains("key file"), "{e}");
    }
}
