//! Salted commitments to statement bodies, their disclosures, and erasure of personal data.
//!
//! A statement does not carry its body: it carries a **commitment** to it (the `commitment`
//! member, [`crate::statement::Statement`]), and the signer signs that. The body travels and
//! is stored beside the log as a [`Disclosure`], served only to those entitled to it. Whoever
//! holds a disclosure proves that it is the body the signer committed to
//! ([`Disclosure::check`]); whoever holds only the leaf learns nothing of the body (the salt
//! is 32 random bytes, so a guessed body cannot be confirmed).
//!
//! # Personal data
//!
//! Every object member named `contact` ([`PERSONAL_MEMBERS`]) anywhere in a body holds
//! personal data (a contact person's name, telephone, e-mail). Its value is committed
//! **separately**, with a salt of its own, in the manner of SD-JWT disclosures: in the
//! committed (redacted) body the value is replaced by the placeholder
//! `{"digest": "<hex SHA-256(prefix ‖ salt ‖ JCS(value))>"}`, and the value and its salt are
//! kept in the disclosure's `personal` list under the member's JSON pointer (RFC 6901).
//! Erasing personal data ([`Disclosure::erase_personal`]) drops those values and salts: the
//! redacted body, its salt and so the commitment, the signature and every proof still
//! verify, and the placeholder's digest reveals nothing of the erased value.
//!
//! # Bytes
//!
//! * body commitment = `SHA-256("wastetrail/body/v1\n" ‖ salt (32 bytes) ‖ JCS(redacted body))`
//! * personal digest = `SHA-256("wastetrail/personal/v1\n" ‖ salt (32 bytes) ‖ JCS(value))`
//! * disclosure JSON: `{"salt": b64, "body": {…redacted…}, "personal": [{"path", "salt",
//!   "value"}, …]}` (salts in standard base64 with padding; `personal` sorted by path).
//!
//! The rules (`wastetrail-basel`) read the **redacted** body, so no decision can depend on
//! personal data and a replay after erasure reaches the same decisions.

use base64::Engine as _;
use rand::RngCore as _;
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use crate::jcs::{self, JcsError};
use crate::merkle::{self, Hash};

/// Domain-separation prefix of a body commitment.
pub const BODY_COMMITMENT_PREFIX: &[u8] = b"wastetrail/body/v1\n";
/// Domain-separation prefix of a personal-data digest.
pub const PERSONAL_DIGEST_PREFIX: &[u8] = b"wastetrail/personal/v1\n";
/// Object members whose values are personal data, committed separately and erasable.
pub const PERSONAL_MEMBERS: &[&str] = &["contact"];
/// Bytes of every salt.
pub const SALT_BYTES: usize = 32;
/// Largest disclosure JSON accepted from untrusted input.
pub const MAX_DISCLOSURE_BYTES: usize = 60 * 1024;

const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::STANDARD;

/// What is wrong with a disclosure.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DisclosureError {
    /// The JSON is invalid (syntax, duplicate keys, size, floats, unsafe integers).
    #[error(transparent)]
    Json(#[from] JcsError),
    /// Larger than [`MAX_DISCLOSURE_BYTES`].
    #[error("disclosure of {0} bytes exceeds the limit of {MAX_DISCLOSURE_BYTES}")]
    TooLarge(usize),
    /// Not of the documented shape.
    #[error("disclosure: {0}")]
    Shape(String),
    /// The body and salt do not hash to the statement's commitment.
    #[error("the disclosed body does not match the statement's commitment")]
    CommitmentMismatch,
    /// A personal-data member holds a value, not a placeholder, in the committed body.
    #[error("personal data at {0} must be committed separately (placeholder {{\"digest\": …}})")]
    PersonalInClear(String),
    /// A personal value does not match the placeholder at its path.
    #[error("the personal data disclosed for {0} does not match its digest")]
    PersonalMismatch(String),
}

fn shape(msg: impl Into<String>) -> DisclosureError {
    DisclosureError::Shape(msg.into())
}

/// A 32-byte random salt.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Salt([u8; SALT_BYTES]);

impl Salt {
    /// A fresh salt from the operating system's random source.
    pub fn random() -> Self {
        let mut b = [0u8; SALT_BYTES];
        rand::rngs::OsRng.fill_bytes(&mut b);
        Self(b)
    }

    /// From its bytes.
    pub fn from_bytes(b: [u8; SALT_BYTES]) -> Self {
        Self(b)
    }

    /// Parses standard base64 (with padding) of 32 bytes.
    pub fn parse(s: &str) -> Result<Self, DisclosureError> {
        let bad = || shape("a salt is not base64 of 32 bytes");
        if s.len() != 44 {
            return Err(bad());
        }
        let raw = B64.decode(s).map_err(|_| bad())?;
        Ok(Self(
            <[u8; SALT_BYTES]>::try_from(raw.as_slice()).map_err(|_| bad())?,
        ))
    }

    /// Standard base64 with padding.
    pub fn to_base64(&self) -> String {
        B64.encode(self.0)
    }
}

fn salted_hash(prefix: &[u8], salt: &Salt, value: &Value) -> Result<Hash, DisclosureError> {
    let mut h = Sha256::new();
    h.update(prefix);
    h.update(salt.0);
    h.update(jcs::canonicalize(value)?);
    Ok(h.finalize().into())
}

/// The placeholder of a personal value with this digest.
fn placeholder(digest: &Hash) -> Value {
    let mut m = Map::new();
    m.insert("digest".into(), Value::String(hex::encode(digest)));
    Value::Object(m)
}

/// The digest of a placeholder, or `None` if `v` is not one.
fn placeholder_digest(v: &Value) -> Option<Hash> {
    let m = v.as_object()?;
    if m.len() != 1 {
        return None;
    }
    let s = m.get("digest")?.as_str()?;
    if s.len() != 64
        || !s
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    {
        return None;
    }
    merkle::hash_from_hex(s).ok()
}

/// RFC 6901 escaping of one reference token.
fn pointer_token(s: &str) -> String {
    s.replace('~', "~0").replace('/', "~1")
}

/// Calls `f(pointer, value)` for every personal member in `v` (not descending into them).
fn for_each_personal(
    v: &mut Value,
    path: &str,
    f: &mut dyn FnMut(&str, &mut Value) -> Result<(), DisclosureError>,
) -> Result<(), DisclosureError> {
    match v {
        Value::Object(m) => {
            for (k, child) in m.iter_mut() {
                let p = format!("{path}/{}", pointer_token(k));
                if PERSONAL_MEMBERS.contains(&k.as_str()) {
                    f(&p, child)?;
                } else {
                    for_each_personal(child, &p, f)?;
                }
            }
        }
        Value::Array(a) => {
            for (i, child) in a.iter_mut().enumerate() {
                for_each_personal(child, &format!("{path}/{i}"), f)?;
            }
        }
        _ => {}
    }
    Ok(())
}

/// One personal value with its own salt.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PersonalValue {
    /// JSON pointer (RFC 6901) of the member in the body, e.g. `/contact`.
    pub path: String,
    /// Its salt.
    pub salt: Salt,
    /// The value (e.g. `{"name": …, "phone": …, "email": …}`).
    pub value: Value,
}

/// A statement body as disclosed: salt, redacted body and the personal values not yet erased.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Disclosure {
    salt: Salt,
    body: Map<String, Value>,
    personal: Vec<PersonalValue>,
}

impl Disclosure {
    /// Seals a full body with fresh random salts: personal members are replaced by
    /// placeholders and kept as separately salted values.
    pub fn seal(body: Value) -> Result<Self, DisclosureError> {
        Self::seal_with(body, &mut Salt::random)
    }

    /// Seals a full body, drawing every salt from `next_salt` (the body's first, then one per
    /// personal member in document order). For tests and worked examples; use [`Self::seal`].
    pub fn seal_with(
        body: Value,
        next_salt: &mut dyn FnMut() -> Salt,
    ) -> Result<Self, DisclosureError> {
        let Value::Object(map) = body else {
            return Err(shape("the body is not a JSON object"));
        };
        jcs::check_safe_integers(&Value::Object(map.clone()))?;
        let salt = next_salt();
        let mut redacted = Value::Object(map);
        let mut personal = Vec::new();
        for_each_personal(&mut redacted, "", &mut |path, v| {
            if placeholder_digest(v).is_some() {
                return Err(shape(format!("{path} is already a placeholder")));
            }
            let s = next_salt();
            let digest = salted_hash(PERSONAL_DIGEST_PREFIX, &s, v)?;
            let value = std::mem::replace(v, placeholder(&digest));
            personal.push(PersonalValue {
                path: path.to_owned(),
                salt: s,
                value,
            });
            Ok(())
        })?;
        personal.sort_by(|a, b| a.path.cmp(&b.path));
        let Value::Object(body) = redacted else {
            return Err(shape("the body is not a JSON object"));
        };
        Ok(Self {
            salt,
            body,
            personal,
        })
    }

    /// The commitment the statement must carry:
    /// `SHA-256("wastetrail/body/v1\n" ‖ salt ‖ JCS(redacted body))`.
    pub fn commitment(&self) -> Result<Hash, DisclosureError> {
        salted_hash(
            BODY_COMMITMENT_PREFIX,
            &self.salt,
            &Value::Object(self.body.clone()),
        )
    }

    /// Checks the disclosure against a statement's commitment: the body hashes to it, every
    /// personal member of the body is a placeholder, and every personal value disclosed
    /// matches the placeholder at its path.
    pub fn check(&self, commitment: &Hash) -> Result<(), DisclosureError> {
        if &self.commitment()? != commitment {
            return Err(DisclosureError::CommitmentMismatch);
        }
        let digests = self.placeholders()?;
        let mut seen: Vec<&str> = Vec::new();
        for p in &self.personal {
            let expected = digests
                .iter()
                .find(|(path, _)| *path == p.path)
                .map(|(_, d)| *d)
                .ok_or_else(|| DisclosureError::PersonalMismatch(p.path.clone()))?;
            if seen.contains(&p.path.as_str())
                || salted_hash(PERSONAL_DIGEST_PREFIX, &p.salt, &p.value)? != expected
            {
                return Err(DisclosureError::PersonalMismatch(p.path.clone()));
            }
            seen.push(&p.path);
        }
        Ok(())
    }

    /// Every personal member's path and placeholder digest; an error if one holds a value.
    fn placeholders(&self) -> Result<Vec<(String, Hash)>, DisclosureError> {
        let mut out = Vec::new();
        let mut body = Value::Object(self.body.clone());
        for_each_personal(&mut body, "", &mut |path, v| {
            let d = placeholder_digest(v)
                .ok_or_else(|| DisclosureError::PersonalInClear(path.to_owned()))?;
            out.push((path.to_owned(), d));
            Ok(())
        })?;
        Ok(out)
    }

    /// The redacted body (personal members as placeholders): what the rules read.
    pub fn body(&self) -> &Map<String, Value> {
        &self.body
    }

    /// The redacted body as a JSON value.
    pub fn body_value(&self) -> Value {
        Value::Object(self.body.clone())
    }

    /// The personal values not erased.
    pub fn personal(&self) -> &[PersonalValue] {
        &self.personal
    }

    /// The body with the personal values that are still held put back in place (erased ones
    /// stay placeholders).
    pub fn full_body(&self) -> Value {
        let mut body = Value::Object(self.body.clone());
        for p in &self.personal {
            if let Some(slot) = body.pointer_mut(&p.path) {
                *slot = p.value.clone();
            }
        }
        body
    }

    /// Erases every personal value (and its salt). Returns how many were erased.
    pub fn erase_personal(&mut self) -> usize {
        let n = self.personal.len();
        self.personal.clear();
        n
    }

    /// The JSON value `{"salt", "body", "personal"}`.
    pub fn to_value(&self) -> Value {
        let personal = self
            .personal
            .iter()
            .map(|p| {
                let mut m = Map::new();
                m.insert("path".into(), Value::String(p.path.clone()));
                m.insert("salt".into(), Value::String(p.salt.to_base64()));
                m.insert("value".into(), p.value.clone());
                Value::Object(m)
            })
            .collect();
        let mut m = Map::new();
        m.insert("salt".into(), Value::String(self.salt.to_base64()));
        m.insert("body".into(), Value::Object(self.body.clone()));
        m.insert("personal".into(), Value::Array(personal));
        Value::Object(m)
    }

    /// Canonical JSON bytes (as stored).
    pub fn to_bytes(&self) -> Result<Vec<u8>, DisclosureError> {
        Ok(jcs::canonicalize(&self.to_value())?)
    }

    /// Parses untrusted bytes (strict JSON, at most [`MAX_DISCLOSURE_BYTES`]). Does not check
    /// a commitment: call [`Self::check`].
    pub fn parse(json: &[u8]) -> Result<Self, DisclosureError> {
        if json.len() > MAX_DISCLOSURE_BYTES {
            return Err(DisclosureError::TooLarge(json.len()));
        }
        Self::from_value(&jcs::parse_strict(json)?)
    }

    /// From a parsed JSON value.
    pub fn from_value(v: &Value) -> Result<Self, DisclosureError> {
        let m = v.as_object().ok_or_else(|| shape("not a JSON object"))?;
        if let Some(k) = m
            .keys()
            .find(|k| !["salt", "body", "personal"].contains(&k.as_str()))
        {
            return Err(shape(format!("unknown member {k:?}")));
        }
        let salt = Salt::parse(
            m.get("salt")
                .and_then(Value::as_str)
                .ok_or_else(|| shape("missing salt"))?,
        )?;
        let body = m
            .get("body")
            .and_then(Value::as_object)
            .ok_or_else(|| shape("body must be a JSON object"))?
            .clone();
        jcs::check_safe_integers(&Value::Object(body.clone()))?;
        let list = match m.get("personal") {
            None => Vec::new(),
            Some(Value::Array(a)) => a.clone(),
            Some(_) => return Err(shape("personal must be an array")),
        };
        let mut personal = Vec::with_capacity(list.len());
        for item in &list {
            let p = item
                .as_object()
                .filter(|p| p.len() == 3)
                .ok_or_else(|| shape("a personal value is not {path, salt, value}"))?;
            let path = p
                .get("path")
                .and_then(Value::as_str)
                .ok_or_else(|| shape("a personal value has no path"))?;
            let salt = Salt::parse(
                p.get("salt")
                    .and_then(Value::as_str)
                    .ok_or_else(|| shape("a personal value has no salt"))?,
            )?;
            let value = p
                .get("value")
                .ok_or_else(|| shape("a personal value has no value"))?
                .clone();
            personal.push(PersonalValue {
                path: path.to_owned(),
                salt,
                value,
            });
        }
        personal.sort_by(|a, b| a.path.cmp(&b.path));
        Ok(Self {
            salt,
            body,
            personal,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn counter() -> impl FnMut() -> Salt {
        let mut n = 0u8;
        move || {
            n += 1;
            Salt::from_bytes([n; SALT_BYTES])
        }
    }

    fn body() -> Value {
        json!({
            "quantity_kg": 12500,
            "contact": {"name": "Ana Ruiz", "phone": "+34 600 000 000"},
            "generators": [{"site": "Plant 1", "contact": {"name": "Li Wei"}}]
        })
    }

    #[test]
    fn seal_redacts_personal_members_and_checks() {
        let d = Disclosure::seal_with(body(), &mut counter()).unwrap();
        let text = serde_json::to_string(d.body()).unwrap();
        assert!(
            !text.contains("Ana Ruiz") && !text.contains("Li Wei"),
            "{text}"
        );
        assert!(text.contains("Plant 1"));
        let paths: Vec<_> = d.personal().iter().map(|p| p.path.as_str()).collect();
        assert_eq!(paths, ["/contact", "/generators/0/contact"]);
        let c = d.commitment().unwrap();
        d.check(&c).unwrap();
        assert_eq!(d.full_body(), body());
        // Round trip through bytes.
        let back = Disclosure::parse(&d.to_bytes().unwrap()).unwrap();
        assert_eq!(back, d);
        back.check(&c).unwrap();
    }

    #[test]
    fn erasure_keeps_the_commitment() {
        let mut d = Disclosure::seal_with(body(), &mut counter()).unwrap();
        let c = d.commitment().unwrap();
        assert_eq!(d.erase_personal(), 2);
        d.check(&c).unwrap();
        let bytes = String::from_utf8(d.to_bytes().unwrap()).unwrap();
        assert!(
            !bytes.contains("Ana Ruiz") && !bytes.contains("+34"),
            "{bytes}"
        );
        assert_eq!(d.full_body()["contact"], d.body()["contact"]);
    }

    #[test]
    fn tampering_is_detected() {
        let d = Disclosure::seal_with(body(), &mut counter()).unwrap();
        let c = d.commitment().unwrap();
        // Another value for a committed field.
        let mut v = d.to_value();
        v["body"]["quantity_kg"] = json!(12501);
        let e = Disclosure::from_value(&v).unwrap().check(&c).unwrap_err();
        assert_eq!(e, DisclosureError::CommitmentMismatch);
        // Another salt.
        let mut v = d.to_value();
        v["salt"] = json!(Salt::from_bytes([9; 32]).to_base64());
        assert!(Disclosure::from_value(&v).unwrap().check(&c).is_err());
        // Another personal value.
        let mut v = d.to_value();
        v["personal"][0]["value"]["name"] = json!("Someone Else");
        let e = Disclosure::from_value(&v).unwrap().check(&c).unwrap_err();
        assert_eq!(e, DisclosureError::PersonalMismatch("/contact".into()));
    }

    #[test]
    fn personal_data_in_clear_is_refused() {
        // A client that commits to a body with a contact in clear: the commitment matches,
        // but the disclosure is refused because the value could never be erased.
        let mut v = Disclosure::seal_with(json!({"a": 1}), &mut counter())
            .unwrap()
            .to_value();
        v["body"]["contact"] = json!({"name": "Ana Ruiz"});
        let d = Disclosure::from_value(&v).unwrap();
        let c = d.commitment().unwrap();
        assert_eq!(
            d.check(&c).unwrap_err(),
            DisclosureError::PersonalInClear("/contact".into())
        );
    }

    #[test]
    fn hostile_shapes_are_refused() {
        for bad in [
            &b"[]"[..],
            br#"{"salt":"x","body":{}}"#,
            br#"{"salt":"AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE=","body":[]}"#,
            br#"{"salt":"AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE=","body":{},"x":1}"#,
            br#"{"salt":"AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE=","body":{},"personal":[{}]}"#,
            br#"{"salt":"AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE=","body":{"q":1.5}}"#,
        ] {
            assert!(
                Disclosure::parse(bad).is_err(),
                "{}",
                String::from_utf8_lossy(bad)
            );
        }
        assert!(matches!(
            Disclosure::parse(&vec![b' '; MAX_DISCLOSURE_BYTES + 1]),
            Err(DisclosureError::TooLarge(_))
        ));
    }
}
