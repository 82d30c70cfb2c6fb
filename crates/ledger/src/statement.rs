//! Signed statements (what participants sign) and log leaves (what the log stores).
//!
//! # Statement
//!
//! A JSON object with exactly these members (no others):
//!
//! | member | value |
//! |---|---|
//! | `type` | statement type, 1–64 bytes of `[a-z0-9._-]`, starting with a letter (e.g. `consent.granted`) |
//! | `case` | case id (notification number, or e.g. `registry`), 1–200 bytes, no control characters |
//! | `actor` | participant id of the signer, 1–200 bytes, no control characters |
//! | `key` | participant key ID: `"ed25519:"` + lowercase hex of the first 8 bytes of SHA-256(32-byte Ed25519 public key) |
//! | `issued_at` | UTC time as `YYYY-MM-DDTHH:MM:SSZ` (RFC 3339, exactly second precision, `Z`) |
//! | `prev` | lowercase hex (64 digits) of the leaf hash of the last entry of this case the actor saw, or `null` for the first statement of a case |
//! | `commitment` | lowercase hex (64 digits) of the salted commitment to the body ([`crate::disclosure`]); the body itself is disclosed beside the log, never in it |
//!
//! **Signing input** = `"wastetrail/statement/v2\n"` ([`STATEMENT_SIGNING_PREFIX`]) followed by
//! the RFC 8785 canonical bytes of the statement. Signature: Ed25519 (RFC 8032), verified with
//! `verify_strict`; in JSON it is `sig` = standard base64 (with padding) of the 64 bytes.
//!
//! # Leaf
//!
//! The leaf bytes are the canonical JSON of `{"statement": <statement>, "sig": <base64>,
//! "integrated_at": <UTC time, same format as issued_at>}`, at most [`MAX_LEAF_BYTES`] bytes
//! (so that a leaf fits a c2sp.org/tlog-tiles entry bundle); leaf hash =
//! `SHA-256(0x00 || leaf bytes)`. [`Leaf::parse`] accepts only canonical bytes, so that the
//! hash of what was parsed is the hash of what is stored.

use crate::jcs::{self, JcsError};
use crate::merkle::{self, Hash};
use base64::Engine as _;
use ed25519_dalek::{Signature, Signer as _, SigningKey, VerifyingKey};
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};
use time::OffsetDateTime;

/// Domain-separation prefix of the statement signing input. `v2`: the statement carries a
/// commitment to its body instead of the body (v1 carried the body).
pub const STATEMENT_SIGNING_PREFIX: &[u8] = b"wastetrail/statement/v2\n";
/// Largest statement JSON accepted (input of [`Statement::parse`] / [`SignedStatement::parse`]).
pub const MAX_STATEMENT_BYTES: usize = 60 * 1024;
/// Largest leaf (canonical bytes); equals the tlog-tiles entry size limit.
pub const MAX_LEAF_BYTES: usize = 65_535;
/// Longest `case` and `actor`.
pub const MAX_ID_BYTES: usize = 200;
/// Longest `type`.
pub const MAX_TYPE_BYTES: usize = 64;

const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::STANDARD;

/// Errors of statements, keys and leaves.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum StatementError {
    /// The JSON is invalid (syntax, duplicate keys, size, floats, unsafe integers).
    #[error(transparent)]
    Json(#[from] JcsError),
    /// The input is larger than allowed.
    #[error("{what} of {size} bytes exceeds the limit of {max}")]
    TooLarge {
        /// Statement or leaf.
        what: &'static str,
        /// Size.
        size: usize,
        /// Limit.
        max: usize,
    },
    /// The value is not a JSON object.
    #[error("{0} is not a JSON object")]
    NotAnObject(&'static str),
    /// A required member is missing.
    #[error("missing member {0:?}")]
    MissingField(&'static str),
    /// A member that is not part of the format.
    #[error("unknown member {0:?}")]
    UnknownField(String),
    /// A member has an invalid value.
    #[error("invalid {field}: {reason}")]
    InvalidField {
        /// Member name.
        field: &'static str,
        /// What is wrong.
        reason: &'static str,
    },
    /// The public key's key ID is not the statement's `key`.
    #[error("statement names key {statement}, but the key given is {given}")]
    KeyMismatch {
        /// Key ID in the statement.
        statement: String,
        /// Key ID of the key given.
        given: String,
    },
    /// The signature does not verify.
    #[error("invalid statement signature")]
    BadSignature,
    /// The public key is not a valid Ed25519 key.
    #[error("invalid Ed25519 public key")]
    InvalidPublicKey,
    /// The private key could not be read.
    #[error("invalid private key: {0}")]
    InvalidPrivateKey(String),
    /// Leaf bytes are not in canonical form.
    #[error("leaf bytes are not canonical JSON")]
    NotCanonical,
    /// The disclosed body is malformed or does not match the commitment.
    #[error(transparent)]
    Disclosure(#[from] crate::disclosure::DisclosureError),
}

fn invalid(field: &'static str, reason: &'static str) -> StatementError {
    StatementError::InvalidField { field, reason }
}

/// A UTC time with second precision, written `YYYY-MM-DDTHH:MM:SSZ` (years 0000–9999).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(OffsetDateTime);

const TS_FORMAT: &[time::format_description::BorrowedFormatItem<'static>] =
    time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]Z");

impl Timestamp {
    /// Parses exactly `YYYY-MM-DDTHH:MM:SSZ`.
    pub fn parse(s: &str) -> Result<Self, StatementError> {
        let b = s.as_bytes();
        let shape_ok = b.len() == 20
            && b.iter().enumerate().all(|(i, c)| match i {
                4 | 7 => *c == b'-',
                10 => *c == b'T',
                13 | 16 => *c == b':',
                19 => *c == b'Z',
                _ => c.is_ascii_digit(),
            });
        if !shape_ok {
            return Err(invalid("time", "not YYYY-MM-DDTHH:MM:SSZ"));
        }
        let t = time::PrimitiveDateTime::parse(s, TS_FORMAT)
            .map_err(|_| invalid("time", "not a valid date and time"))?;
        Ok(Self(t.assume_utc()))
    }

    /// From a date-time, converted to UTC; sub-second parts are dropped.
    pub fn from_datetime(t: OffsetDateTime) -> Result<Self, StatementError> {
        let t = t.to_offset(time::UtcOffset::UTC);
        let t = t
            .replace_nanosecond(0)
            .map_err(|_| invalid("time", "out of range"))?;
        if !(0..=9999).contains(&t.year()) {
            return Err(invalid("time", "year outside 0000-9999"));
        }
        Ok(Self(t))
    }

    /// From Unix seconds.
    pub fn from_unix(secs: i64) -> Result<Self, StatementError> {
        let t = OffsetDateTime::from_unix_timestamp(secs)
            .map_err(|_| invalid("time", "out of range"))?;
        Self::from_datetime(t)
    }

    /// The current time, truncated to the second.
    pub fn now() -> Self {
        let t = OffsetDateTime::now_utc();
        Self(t.replace_nanosecond(0).unwrap_or(t))
    }

    /// Unix seconds.
    pub fn unix(&self) -> i64 {
        self.0.unix_timestamp()
    }

    /// As a `time` date-time (UTC).
    pub fn datetime(&self) -> OffsetDateTime {
        self.0
    }
}

impl std::fmt::Display for Timestamp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let s = self.0.format(TS_FORMAT).map_err(|_| std::fmt::Error)?;
        f.write_str(&s)
    }
}

/// A participant key ID: `"ed25519:"` + 16 lowercase hex digits (first 8 bytes of
/// SHA-256 of the 32-byte public key).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ParticipantKeyId(String);

impl ParticipantKeyId {
    /// The key ID of a public key.
    pub fn of(public_key: &[u8; 32]) -> Self {
        let d = Sha256::digest(public_key);
        Self(format!(
            "ed25519:{}",
            hex::encode(d.get(..8).unwrap_or_default())
        ))
    }

    /// Parses `ed25519:` + 16 lowercase hex digits.
    pub fn parse(s: &str) -> Result<Self, StatementError> {
        let hexpart = s
            .strip_prefix("ed25519:")
            .ok_or(invalid("key", "does not start with ed25519:"))?;
        if hexpart.len() != 16
            || !hexpart
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        {
            return Err(invalid("key", "not 16 lowercase hex digits"));
        }
        Ok(Self(s.to_owned()))
    }

    /// The text form.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for ParticipantKeyId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// A participant's Ed25519 public key (text form: standard base64 of the 32 bytes).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ParticipantPublicKey(VerifyingKey);

impl ParticipantPublicKey {
    /// From the 32 raw bytes; rejects invalid and weak (small-order) keys.
    pub fn from_bytes(b: &[u8; 32]) -> Result<Self, StatementError> {
        let k = VerifyingKey::from_bytes(b).map_err(|_| StatementError::InvalidPublicKey)?;
        if k.is_weak() {
            return Err(StatementError::InvalidPublicKey);
        }
        Ok(Self(k))
    }

    /// Parses standard base64 (with padding) of the 32 bytes.
    pub fn parse_base64(s: &str) -> Result<Self, StatementError> {
        if s.len() > 64 {
            return Err(StatementError::InvalidPublicKey);
        }
        let raw = B64
            .decode(s)
            .map_err(|_| StatementError::InvalidPublicKey)?;
        let b =
            <[u8; 32]>::try_from(raw.as_slice()).map_err(|_| StatementError::InvalidPublicKey)?;
        Self::from_bytes(&b)
    }

    /// Standard base64 of the 32 bytes.
    pub fn to_base64(&self) -> String {
        B64.encode(self.0.as_bytes())
    }

    /// The raw 32 bytes.
    pub fn to_bytes(&self) -> [u8; 32] {
        self.0.to_bytes()
    }

    /// The key ID.
    pub fn key_id(&self) -> ParticipantKeyId {
        ParticipantKeyId::of(self.0.as_bytes())
    }

    /// Verifies a statement signature: the statement must name this key, and the signature
    /// must verify over the signing input.
    pub fn verify(&self, statement: &Statement, sig: &[u8; 64]) -> Result<(), StatementError> {
        let mine = self.key_id();
        if statement.key != mine {
            return Err(StatementError::KeyMismatch {
                statement: statement.key.0.clone(),
                given: mine.0,
            });
        }
        let input = statement.signing_input()?;
        self.0
            .verify_strict(&input, &Signature::from_bytes(sig))
            .map_err(|_| StatementError::BadSignature)
    }
}

/// A participant's signing key (used by clients, tests and the demo; the server never holds
/// participants' keys).
#[derive(Clone)]
pub struct ParticipantSigner(SigningKey);

impl std::fmt::Debug for ParticipantSigner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("ParticipantSigner")
            .field(&self.key_id().0)
            .finish()
    }
}

impl ParticipantSigner {
    /// A new random key.
    pub fn generate() -> Self {
        Self(SigningKey::generate(&mut rand::rngs::OsRng))
    }

    /// From a 32-byte seed (RFC 8032 private key).
    pub fn from_seed(seed: &[u8; 32]) -> Self {
        Self(SigningKey::from_bytes(seed))
    }

    /// The 32-byte seed.
    pub fn seed(&self) -> [u8; 32] {
        self.0.to_bytes()
    }

    /// Reads PKCS#8 PEM (`openssl genpkey -algorithm ed25519`).
    pub fn from_pkcs8_pem(pem: &str) -> Result<Self, StatementError> {
        crate::note::signing_key_from_pkcs8_pem(pem)
            .map(Self)
            .map_err(|e| StatementError::InvalidPrivateKey(e.to_string()))
    }

    /// Writes PKCS#8 PEM.
    pub fn to_pkcs8_pem(&self) -> Result<String, StatementError> {
        crate::note::signing_key_to_pkcs8_pem(&self.0)
            .map_err(|e| StatementError::InvalidPrivateKey(e.to_string()))
    }

    /// The public key.
    pub fn public_key(&self) -> ParticipantPublicKey {
        ParticipantPublicKey(self.0.verifying_key())
    }

    /// The key ID.
    pub fn key_id(&self) -> ParticipantKeyId {
        ParticipantKeyId::of(self.0.verifying_key().as_bytes())
    }

    /// Signs a statement (which should name this key; [`SignedStatement::verify`] checks).
    pub fn sign(&self, statement: Statement) -> Result<SignedStatement, StatementError> {
        let sig = self.0.sign(&statement.signing_input()?).to_bytes();
        Ok(SignedStatement { statement, sig })
    }
}

/// A validated statement.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Statement {
    kind: String,
    case: String,
    actor: String,
    key: ParticipantKeyId,
    issued_at: Timestamp,
    prev: Option<Hash>,
    commitment: Hash,
}

fn check_id(field: &'static str, s: &str, max: usize) -> Result<(), StatementError> {
    if s.is_empty() {
        return Err(invalid(field, "empty"));
    }
    if s.len() > max {
        return Err(invalid(field, "too long"));
    }
    if s.chars().any(char::is_control) {
        return Err(invalid(field, "contains control characters"));
    }
    Ok(())
}

fn check_type(s: &str) -> Result<(), StatementError> {
    if s.is_empty() || s.len() > MAX_TYPE_BYTES {
        return Err(invalid("type", "must be 1-64 bytes"));
    }
    if !s.starts_with(|c: char| c.is_ascii_lowercase())
        || !s
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b))
    {
        return Err(invalid("type", "must be [a-z][a-z0-9._-]*"));
    }
    Ok(())
}

fn parse_hex_hash(field: &'static str, s: &str) -> Result<Hash, StatementError> {
    if s.len() != 64
        || !s
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    {
        return Err(invalid(field, "not 64 lowercase hex digits"));
    }
    merkle::hash_from_hex(s).map_err(|_| invalid(field, "not 64 lowercase hex digits"))
}

fn parse_prev(v: &Value) -> Result<Option<Hash>, StatementError> {
    match v {
        Value::Null => Ok(None),
        Value::String(s) => parse_hex_hash("prev", s).map(Some),
        _ => Err(invalid("prev", "must be a string or null")),
    }
}

/// Untrusted JSON of at most `max` bytes (else [`StatementError::TooLarge`] naming `what`),
/// parsed strictly (duplicate keys and floats refused).
fn parse_limited(json: &[u8], what: &'static str, max: usize) -> Result<Value, StatementError> {
    if json.len() > max {
        return Err(StatementError::TooLarge {
            what,
            size: json.len(),
            max,
        });
    }
    Ok(jcs::parse_strict(json)?)
}

fn take<'a>(m: &'a Map<String, Value>, k: &'static str) -> Result<&'a Value, StatementError> {
    m.get(k).ok_or(StatementError::MissingField(k))
}

fn take_str<'a>(m: &'a Map<String, Value>, k: &'static str) -> Result<&'a str, StatementError> {
    take(m, k)?.as_str().ok_or(invalid(k, "must be a string"))
}

fn only_members(m: &Map<String, Value>, allowed: &[&str]) -> Result<(), StatementError> {
    match m.keys().find(|k| !allowed.contains(&k.as_str())) {
        Some(k) => Err(StatementError::UnknownField(k.clone())),
        None => Ok(()),
    }
}

impl Statement {
    /// A statement from its parts (all checked as documented in the module).
    pub fn new(
        kind: impl Into<String>,
        case: impl Into<String>,
        actor: impl Into<String>,
        key: ParticipantKeyId,
        issued_at: Timestamp,
        prev: Option<Hash>,
        commitment: Hash,
    ) -> Result<Self, StatementError> {
        let (kind, case, actor) = (kind.into(), case.into(), actor.into());
        check_type(&kind)?;
        check_id("case", &case, MAX_ID_BYTES)?;
        check_id("actor", &actor, MAX_ID_BYTES)?;
        Ok(Self {
            kind,
            case,
            actor,
            key,
            issued_at,
            prev,
            commitment,
        })
    }

    /// From a parsed JSON value (exactly the seven members).
    pub fn from_value(v: &Value) -> Result<Self, StatementError> {
        let m = v
            .as_object()
            .ok_or(StatementError::NotAnObject("statement"))?;
        only_members(
            m,
            &[
                "type",
                "case",
                "actor",
                "key",
                "issued_at",
                "prev",
                "commitment",
            ],
        )?;
        let key = ParticipantKeyId::parse(take_str(m, "key")?)?;
        let issued_at = Timestamp::parse(take_str(m, "issued_at")?).map_err(|e| match e {
            StatementError::InvalidField { reason, .. } => invalid("issued_at", reason),
            other => other,
        })?;
        let prev = parse_prev(take(m, "prev")?)?;
        Self::new(
            take_str(m, "type")?,
            take_str(m, "case")?,
            take_str(m, "actor")?,
            key,
            issued_at,
            prev,
            parse_hex_hash("commitment", take_str(m, "commitment")?)?,
        )
    }

    /// Parses statement JSON from untrusted bytes (strict JSON, at most
    /// [`MAX_STATEMENT_BYTES`]).
    pub fn parse(json: &[u8]) -> Result<Self, StatementError> {
        Self::from_value(&parse_limited(json, "statement", MAX_STATEMENT_BYTES)?)
    }

    /// The statement as a JSON value.
    pub fn to_value(&self) -> Value {
        let mut m = Map::new();
        m.insert("type".into(), Value::String(self.kind.clone()));
        m.insert("case".into(), Value::String(self.case.clone()));
        m.insert("actor".into(), Value::String(self.actor.clone()));
        m.insert("key".into(), Value::String(self.key.0.clone()));
        m.insert(
            "issued_at".into(),
            Value::String(self.issued_at.to_string()),
        );
        m.insert(
            "prev".into(),
            self.prev
                .map_or(Value::Null, |h| Value::String(hex::encode(h))),
        );
        m.insert(
            "commitment".into(),
            Value::String(hex::encode(self.commitment)),
        );
        Value::Object(m)
    }

    /// RFC 8785 canonical bytes of the statement.
    pub fn canonical_bytes(&self) -> Result<Vec<u8>, StatementError> {
        Ok(jcs::canonicalize(&self.to_value())?)
    }

    /// `"wastetrail/statement/v2\n" || canonical bytes`.
    pub fn signing_input(&self) -> Result<Vec<u8>, StatementError> {
        let mut v = STATEMENT_SIGNING_PREFIX.to_vec();
        v.extend_from_slice(&self.canonical_bytes()?);
        Ok(v)
    }

    /// Statement type (`type`).
    pub fn kind(&self) -> &str {
        &self.kind
    }
    /// Case id.
    pub fn case(&self) -> &str {
        &self.case
    }
    /// Actor (participant id).
    pub fn actor(&self) -> &str {
        &self.actor
    }
    /// Key ID of the signing key.
    pub fn key(&self) -> &ParticipantKeyId {
        &self.key
    }
    /// Time of issue.
    pub fn issued_at(&self) -> Timestamp {
        self.issued_at
    }
    /// Previous leaf hash of the case, if any.
    pub fn prev(&self) -> Option<&Hash> {
        self.prev.as_ref()
    }
    /// The commitment to the body ([`crate::disclosure::Disclosure::commitment`]).
    pub fn commitment(&self) -> &Hash {
        &self.commitment
    }
}

fn parse_sig(v: &Value) -> Result<[u8; 64], StatementError> {
    let s = v.as_str().ok_or(invalid("sig", "must be a string"))?;
    if s.len() != 88 {
        return Err(invalid("sig", "not base64 of 64 bytes"));
    }
    let raw = B64
        .decode(s)
        .map_err(|_| invalid("sig", "not base64 of 64 bytes"))?;
    <[u8; 64]>::try_from(raw.as_slice()).map_err(|_| invalid("sig", "not base64 of 64 bytes"))
}

/// A statement with its signature, as submitted: `{"statement": {...}, "sig": "<base64>"}`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignedStatement {
    /// The statement.
    pub statement: Statement,
    /// Ed25519 signature over [`Statement::signing_input`].
    pub sig: [u8; 64],
}

impl SignedStatement {
    /// Parses `{"statement": {...}, "sig": "<base64>"}` from untrusted bytes.
    pub fn parse(json: &[u8]) -> Result<Self, StatementError> {
        Self::from_value(&parse_limited(
            json,
            "signed statement",
            MAX_STATEMENT_BYTES,
        )?)
    }

    /// From a parsed JSON value.
    pub fn from_value(v: &Value) -> Result<Self, StatementError> {
        let m = v
            .as_object()
            .ok_or(StatementError::NotAnObject("signed statement"))?;
        only_members(m, &["statement", "sig"])?;
        Ok(Self {
            statement: Statement::from_value(take(m, "statement")?)?,
            sig: parse_sig(take(m, "sig")?)?,
        })
    }

    /// The JSON value.
    pub fn to_value(&self) -> Value {
        let mut m = Map::new();
        m.insert("statement".into(), self.statement.to_value());
        m.insert("sig".into(), Value::String(B64.encode(self.sig)));
        Value::Object(m)
    }

    /// Canonical JSON bytes.
    pub fn to_json_bytes(&self) -> Result<Vec<u8>, StatementError> {
        Ok(jcs::canonicalize(&self.to_value())?)
    }

    /// Verifies the signature with the participant's key (which must be the statement's `key`).
    pub fn verify(&self, key: &ParticipantPublicKey) -> Result<(), StatementError> {
        key.verify(&self.statement, &self.sig)
    }
}

/// A log leaf: signed statement plus the time the log integrated it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Leaf {
    /// The statement.
    pub statement: Statement,
    /// The participant's signature.
    pub sig: [u8; 64],
    /// When the log integrated the statement.
    pub integrated_at: Timestamp,
}

impl Leaf {
    /// A leaf from a signed statement.
    pub fn new(signed: SignedStatement, integrated_at: Timestamp) -> Self {
        Self {
            statement: signed.statement,
            sig: signed.sig,
            integrated_at,
        }
    }

    /// The JSON value `{"statement", "sig", "integrated_at"}`.
    pub fn to_value(&self) -> Value {
        let mut m = Map::new();
        m.insert("statement".into(), self.statement.to_value());
        m.insert("sig".into(), Value::String(B64.encode(self.sig)));
        m.insert(
            "integrated_at".into(),
            Value::String(self.integrated_at.to_string()),
        );
        Value::Object(m)
    }

    /// The leaf bytes (canonical JSON), at most [`MAX_LEAF_BYTES`].
    pub fn to_bytes(&self) -> Result<Vec<u8>, StatementError> {
        let b = jcs::canonicalize(&self.to_value())?;
        if b.len() > MAX_LEAF_BYTES {
            return Err(StatementError::TooLarge {
                what: "leaf",
                size: b.len(),
                max: MAX_LEAF_BYTES,
            });
        }
        Ok(b)
    }

    /// `SHA-256(0x00 || leaf bytes)`.
    pub fn leaf_hash(&self) -> Result<Hash, StatementError> {
        Ok(merkle::leaf_hash(&self.to_bytes()?))
    }

    /// Parses leaf bytes from untrusted input; they must be exactly canonical.
    pub fn parse(bytes: &[u8]) -> Result<Self, StatementError> {
        let v = parse_limited(bytes, "leaf", MAX_LEAF_BYTES)?;
        let m = v.as_object().ok_or(StatementError::NotAnObject("leaf"))?;
        only_members(m, &["statement", "sig", "integrated_at"])?;
        let integrated_at =
            Timestamp::parse(take_str(m, "integrated_at")?).map_err(|e| match e {
                StatementError::InvalidField { reason, .. } => invalid("integrated_at", reason),
                other => other,
            })?;
        let leaf = Self {
            statement: Statement::from_value(take(m, "statement")?)?,
            sig: parse_sig(take(m, "sig")?)?,
            integrated_at,
        };
        if leaf.to_bytes()? != bytes {
            return Err(StatementError::NotCanonical);
        }
        Ok(leaf)
    }

    /// The signed statement inside.
    pub fn signed_statement(&self) -> SignedStatement {
        SignedStatement {
            statement: self.statement.clone(),
            sig: self.sig,
        }
    }
}

/// Largest submission JSON (`{"statement", "sig", "disclosure"}`) accepted.
pub const MAX_SUBMISSION_BYTES: usize = 128 * 1024;

/// What a participant submits: the signed statement and the disclosure of its body,
/// `{"statement": {...}, "sig": "<base64>", "disclosure": {"salt", "body", "personal"}}`.
///
/// The signature covers the statement, which carries the commitment; the disclosure is
/// checked against that commitment ([`Submission::parse`] does), so the signer has committed
/// to exactly the disclosed body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Submission {
    /// The signed statement (as it will be in the leaf).
    pub signed: SignedStatement,
    /// The body, its salt and the personal values (kept beside the log).
    pub disclosure: crate::disclosure::Disclosure,
}

impl Submission {
    /// Seals `body` with fresh salts, builds the statement with its commitment and signs it.
    #[allow(clippy::too_many_arguments)]
    pub fn seal(
        signer: &ParticipantSigner,
        kind: &str,
        case: &str,
        actor: &str,
        issued_at: Timestamp,
        prev: Option<Hash>,
        body: Value,
    ) -> Result<Self, StatementError> {
        let disclosure = crate::disclosure::Disclosure::seal(body)?;
        Self::sign_disclosure(signer, kind, case, actor, issued_at, prev, disclosure)
    }

    /// Builds and signs the statement that commits to an already sealed `disclosure`.
    #[allow(clippy::too_many_arguments)]
    pub fn sign_disclosure(
        signer: &ParticipantSigner,
        kind: &str,
        case: &str,
        actor: &str,
        issued_at: Timestamp,
        prev: Option<Hash>,
        disclosure: crate::disclosure::Disclosure,
    ) -> Result<Self, StatementError> {
        let st = Statement::new(
            kind,
            case,
            actor,
            signer.key_id(),
            issued_at,
            prev,
            disclosure.commitment()?,
        )?;
        Ok(Self {
            signed: signer.sign(st)?,
            disclosure,
        })
    }

    /// Parses untrusted bytes and checks the disclosure against the statement's commitment
    /// (not the signature: that needs the actor's key).
    pub fn parse(json: &[u8]) -> Result<Self, StatementError> {
        let v = parse_limited(json, "submission", MAX_SUBMISSION_BYTES)?;
        let m = v
            .as_object()
            .ok_or(StatementError::NotAnObject("submission"))?;
        only_members(m, &["statement", "sig", "disclosure"])?;
        let signed = SignedStatement {
            statement: Statement::from_value(take(m, "statement")?)?,
            sig: parse_sig(take(m, "sig")?)?,
        };
        let disclosure = crate::disclosure::Disclosure::from_value(take(m, "disclosure")?)?;
        disclosure.check(signed.statement.commitment())?;
        Ok(Self { signed, disclosure })
    }

    /// The JSON value `{"statement", "sig", "disclosure"}`.
    pub fn to_value(&self) -> Value {
        let mut v = self.signed.to_value();
        if let Value::Object(m) = &mut v {
            m.insert("disclosure".into(), self.disclosure.to_value());
        }
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn signer() -> ParticipantSigner {
        ParticipantSigner::from_seed(&[9; 32])
    }

    fn stmt(s: &ParticipantSigner) -> Statement {
        Statement::new(
            "notification.submitted",
            "XA-2026-0001",
            "exporter-1",
            s.key_id(),
            Timestamp::parse("2026-01-02T03:04:05Z").unwrap(),
            None,
            [7; 32],
        )
        .unwrap()
    }

    #[test]
    fn timestamps() {
        let t = Timestamp::parse("2026-01-02T03:04:05Z").unwrap();
        assert_eq!(t.to_string(), "2026-01-02T03:04:05Z");
        assert_eq!(Timestamp::from_unix(t.unix()).unwrap(), t);
        assert_eq!(
            Timestamp::from_unix(0).unwrap().to_string(),
            "1970-01-01T00:00:00Z"
        );
        for bad in [
            "2026-01-02T03:04:05.000Z",
            "2026-01-02T03:04:05+00:00",
            "2026-01-02 03:04:05Z",
            "2026-02-30T03:04:05Z",
            "2026-01-02T24:00:00Z",
            "2026-01-02T23:59:60Z",
            "2026-1-02T03:04:05Z",
            "2026-01-02t03:04:05z",
            "",
            "２026-01-02T03:04:05Z",
        ] {
            assert!(Timestamp::parse(bad).is_err(), "{bad}");
        }
        let now = Timestamp::now();
        assert_eq!(now.datetime().nanosecond(), 0);
    }

    #[test]
    fn key_ids() {
        let s = signer();
        let pk = s.public_key();
        let want = format!(
            "ed25519:{}",
            hex::encode(&Sha256::digest(pk.to_bytes())[..8])
        );
        assert_eq!(s.key_id().as_str(), want);
        assert_eq!(ParticipantKeyId::parse(&want).unwrap(), s.key_id());
        for bad in [
            "ed25519:ABCDEF0123456789",
            "ed25519:abc",
            "x:0123456789abcdef",
            "ed25519:0123456789abcdeg",
        ] {
            assert!(ParticipantKeyId::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(
            ParticipantPublicKey::parse_base64(&pk.to_base64()).unwrap(),
            pk
        );
        assert!(ParticipantPublicKey::parse_base64("AAAA").is_err());
        let pem = s.to_pkcs8_pem().unwrap();
        assert_eq!(
            ParticipantSigner::from_pkcs8_pem(&pem).unwrap().seed(),
            s.seed()
        );
    }

    #[test]
    fn sign_verify_and_leaf() {
        let s = signer();
        let st = stmt(&s);
        let input = st.signing_input().unwrap();
        assert!(input.starts_with(b"wastetrail/statement/v2\n{\"actor\":\"exporter-1\",\"case\":"));
        let signed = s.sign(st.clone()).unwrap();
        signed.verify(&s.public_key()).unwrap();
        let other = ParticipantSigner::from_seed(&[10; 32]);
        assert!(matches!(
            signed.verify(&other.public_key()),
            Err(StatementError::KeyMismatch { .. })
        ));
        let mut bad = signed.clone();
        bad.sig[0] ^= 1;
        assert_eq!(
            bad.verify(&s.public_key()),
            Err(StatementError::BadSignature)
        );
        // Round trip of the submitted form.
        let bytes = signed.to_json_bytes().unwrap();
        assert_eq!(SignedStatement::parse(&bytes).unwrap(), signed);
        // Leaf.
        let leaf = Leaf::new(signed, Timestamp::parse("2026-01-02T03:04:06Z").unwrap());
        let lb = leaf.to_bytes().unwrap();
        assert_eq!(Leaf::parse(&lb).unwrap(), leaf);
        assert_eq!(leaf.leaf_hash().unwrap(), merkle::leaf_hash(&lb));
        // Non-canonical bytes of the same leaf are refused.
        let pretty = serde_json::to_vec_pretty(&leaf.to_value()).unwrap();
        assert_eq!(Leaf::parse(&pretty), Err(StatementError::NotCanonical));
        leaf.signed_statement().verify(&s.public_key()).unwrap();
    }

    #[test]
    fn statement_parse_errors() {
        let s = signer();
        let good = stmt(&s).to_value();
        assert_eq!(Statement::from_value(&good).unwrap(), stmt(&s));
        let with = |k: &str, v: Value| {
            let mut g = good.clone();
            g[k] = v;
            Statement::from_value(&g)
        };
        let without = |k: &str| {
            let mut g = good.clone();
            g.as_object_mut().unwrap().remove(k);
            Statement::from_value(&g)
        };
        assert_eq!(without("prev"), Err(StatementError::MissingField("prev")));
        assert_eq!(
            without("commitment"),
            Err(StatementError::MissingField("commitment"))
        );
        assert_eq!(
            with("body", json!({})),
            Err(StatementError::UnknownField("body".into()))
        );
        assert_eq!(
            with("extra", json!(1)),
            Err(StatementError::UnknownField("extra".into()))
        );
        assert!(matches!(
            with("type", json!("Bad Type")),
            Err(StatementError::InvalidField { field: "type", .. })
        ));
        assert!(matches!(
            with("type", json!("")),
            Err(StatementError::InvalidField { field: "type", .. })
        ));
        assert!(matches!(
            with("case", json!("")),
            Err(StatementError::InvalidField { field: "case", .. })
        ));
        assert!(matches!(
            with("actor", json!("a\nb")),
            Err(StatementError::InvalidField { field: "actor", .. })
        ));
        assert!(matches!(
            with("actor", json!(5)),
            Err(StatementError::InvalidField { field: "actor", .. })
        ));
        assert!(matches!(
            with("issued_at", json!("2026-01-02T03:04:05.1Z")),
            Err(StatementError::InvalidField {
                field: "issued_at",
                ..
            })
        ));
        assert!(matches!(
            with("prev", json!("AB".repeat(32))),
            Err(StatementError::InvalidField { field: "prev", .. })
        ));
        assert!(matches!(
            with("prev", json!(0)),
            Err(StatementError::InvalidField { field: "prev", .. })
        ));
        assert_eq!(
            with("prev", json!("ab".repeat(32))).unwrap().prev(),
            Some(&[0xab; 32])
        );
        assert!(matches!(
            with("commitment", json!("AB".repeat(32))),
            Err(StatementError::InvalidField {
                field: "commitment",
                ..
            })
        ));
        assert!(matches!(
            with("commitment", json!({})),
            Err(StatementError::InvalidField {
                field: "commitment",
                ..
            })
        ));
        assert_eq!(
            Statement::from_value(&json!([])),
            Err(StatementError::NotAnObject("statement"))
        );
        assert!(matches!(
            Statement::parse(br#"{"type":"a","type":"b"}"#),
            Err(StatementError::Json(JcsError::DuplicateKey(_)))
        ));
        let big = vec![b' '; MAX_STATEMENT_BYTES + 1];
        assert!(matches!(
            Statement::parse(&big),
            Err(StatementError::TooLarge { .. })
        ));
        assert!(SignedStatement::parse(br#"{"statement":{},"sig":"AA=="}"#).is_err());
    }

    #[test]
    fn the_largest_statement_fits_a_leaf() {
        let s = signer();
        let st = Statement::new(
            "a".repeat(MAX_TYPE_BYTES),
            "\u{10ffff}".repeat(MAX_ID_BYTES / 4),
            "\\".repeat(MAX_ID_BYTES),
            s.key_id(),
            Timestamp::from_unix(0).unwrap(),
            Some([1; 32]),
            [2; 32],
        )
        .unwrap();
        let leaf = Leaf::new(s.sign(st).unwrap(), Timestamp::from_unix(1).unwrap());
        assert!(leaf.to_bytes().unwrap().len() < MAX_LEAF_BYTES);
    }

    #[test]
    fn submissions_bind_the_disclosure() {
        let s = signer();
        let t = Timestamp::parse("2026-01-02T03:04:05Z").unwrap();
        let body = json!({"quantity_kg": 5, "contact": {"name": "Ana"}});
        let sub = Submission::seal(&s, "a.b", "XA-2026-1", "x", t, None, body.clone()).unwrap();
        sub.signed.verify(&s.public_key()).unwrap();
        let bytes = serde_json::to_vec(&sub.to_value()).unwrap();
        let back = Submission::parse(&bytes).unwrap();
        assert_eq!(back, sub);
        assert_eq!(back.disclosure.full_body(), body);
        // The leaf carries no body.
        let leaf = Leaf::new(sub.signed.clone(), t).to_bytes().unwrap();
        assert!(!String::from_utf8(leaf).unwrap().contains("Ana"));
        // A disclosure of another body is refused.
        let mut v = sub.to_value();
        v["disclosure"]["body"]["quantity_kg"] = json!(6);
        assert!(matches!(
            Submission::parse(&serde_json::to_vec(&v).unwrap()),
            Err(StatementError::Disclosure(_))
        ));
        let mut v = sub.to_value();
        v.as_object_mut().unwrap().remove("disclosure");
        assert_eq!(
            Submission::parse(&serde_json::to_vec(&v).unwrap()),
            Err(StatementError::MissingField("disclosure"))
        );
    }
}
