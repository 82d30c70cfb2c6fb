//! c2sp.org/signed-note with the key text formats of Go's `golang.org/x/mod/sumdb/note`.
//!
//! # Formats
//!
//! * Note: `text` (valid UTF-8, non-empty, every line ends in `\n`, no control characters
//!   other than `\n`), then one blank line, then one or more signature lines
//!   `— <name> <base64(key ID (4 bytes, big-endian) || signature)>\n` (`—` is U+2014).
//!   The *last* `\n\n` of a note separates text from signatures.
//! * Key name: non-empty, no Unicode white space, no `+`, no control characters.
//! * Key ID: `SHA-256(name || 0x0A || type || public key)[:4]` read as a big-endian u32, with
//!   `type` = `0x01` (Ed25519, [`SIG_TYPE_ED25519`]) or `0x04` (tlog-cosignature/v1
//!   timestamped Ed25519, [`SIG_TYPE_COSIGNATURE_V1`]).
//! * Verifier key (vkey): `<name>+<8 lowercase hex digits of key ID>+<base64(type || 32-byte public key)>`.
//! * Signer key (skey, Go convention): `PRIVATE+KEY+<name>+<hex8 key ID>+<base64(type || 32-byte seed)>`.
//!   Base64 is the standard alphabet with padding; since it may contain `+`, key strings
//!   are split with `splitn(3, '+')` / `splitn(5, '+')`. Parsing checks that the key ID
//!   matches the key (upper-case hex digits are accepted on input, written lower-case).
//! * Ed25519 signatures (type 0x01) are RFC 8032 signatures over the text bytes (including
//!   the final `\n`); verification uses `verify_strict` (rejects small-order keys and
//!   non-canonical signatures).
//! * Cosignatures (type 0x04, c2sp.org/tlog-cosignature): the signature is
//!   `u64 big-endian timestamp || Ed25519 signature` over
//!   `"cosignature/v1\ntime <timestamp>\n" || text`; a [`NoteVerifier`] of type 0x04 checks
//!   such lines, so [`open_note`] can verify log signatures and witness cosignatures at once.
//!
//! Opening ([`open_note`]): signature lines of unknown (name, key ID) pairs are ignored; a
//! known key whose signature does not verify rejects the whole note; at least one known
//! signature is required. Limits: [`MAX_NOTE_BYTES`] bytes and [`MAX_SIGNATURES`] signature
//! lines (the spec requires accepting at least 16).

use base64::Engine as _;
use ed25519_dalek::{Signature, Signer as _, SigningKey, VerifyingKey};
use sha2::{Digest, Sha256};

/// Signature type byte of plain Ed25519 note signatures.
pub const SIG_TYPE_ED25519: u8 = 0x01;
/// Signature type byte of tlog-cosignature/v1 timestamped Ed25519 cosignatures.
pub const SIG_TYPE_COSIGNATURE_V1: u8 = 0x04;
/// Largest note accepted by [`open_note`] / [`parse_note`].
pub const MAX_NOTE_BYTES: usize = 1 << 20;
/// Largest number of signature lines accepted in a note.
pub const MAX_SIGNATURES: usize = 100;
/// Longest key name accepted.
pub const MAX_NAME_BYTES: usize = 1024;

const EM_DASH_PREFIX: &str = "\u{2014} ";
const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::STANDARD;

/// Errors of keys and notes.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum NoteError {
    /// A key string does not have the expected `+`-separated fields.
    #[error("malformed key string")]
    MalformedKey,
    /// A key name is empty, too long, or contains `+`, white space or control characters.
    #[error("invalid key name")]
    InvalidName,
    /// The key ID field is not 8 hex digits.
    #[error("invalid key ID field")]
    InvalidKeyIdField,
    /// The key ID does not match the name and key.
    #[error("key ID does not match the key")]
    KeyIdMismatch,
    /// The key material is not valid base64 or has the wrong length.
    #[error("invalid key material")]
    InvalidKeyMaterial,
    /// The key is not an Ed25519 key of an accepted signature type.
    #[error("unsupported signature type 0x{0:02x}")]
    UnsupportedAlgorithm(u8),
    /// The public key is not a valid (or is a weak) Ed25519 point.
    #[error("invalid Ed25519 public key")]
    InvalidPublicKey,
    /// PKCS#8 PEM could not be decoded as an Ed25519 private key.
    #[error("invalid PKCS#8 PEM Ed25519 private key: {0}")]
    Pkcs8(String),
    /// The text to sign is empty, does not end in `\n`, or has forbidden characters.
    #[error("malformed note text")]
    MalformedText,
    /// The note is not well-formed.
    #[error("malformed note: {0}")]
    MalformedNote(&'static str),
    /// The note is larger than [`MAX_NOTE_BYTES`].
    #[error("note too large")]
    TooLarge,
    /// The note has more than [`MAX_SIGNATURES`] signature lines.
    #[error("too many signatures")]
    TooManySignatures,
    /// A known key's signature does not verify.
    #[error("invalid signature by {name} ({key_id:08x})")]
    InvalidSignature {
        /// Key name.
        name: String,
        /// Key ID.
        key_id: u32,
    },
    /// No signature by a known key.
    #[error("no signature by a known key")]
    NoKnownSignature,
    /// No signer given to [`sign_note`].
    #[error("no signers")]
    NoSigners,
}

/// `SHA-256(name || 0x0A || sig_type || public_key)[:4]` as a big-endian u32.
pub fn key_id(name: &str, sig_type: u8, public_key: &[u8]) -> u32 {
    let mut h = Sha256::new();
    h.update(name.as_bytes());
    h.update([b'\n', sig_type]);
    h.update(public_key);
    let d: [u8; 32] = h.finalize().into();
    let (id, _) = d.split_first_chunk::<4>().unwrap_or((&[0; 4], &[]));
    u32::from_be_bytes(*id)
}

/// Checks a key name: non-empty, at most [`MAX_NAME_BYTES`], no `+`, no white space, no
/// control characters.
pub fn is_valid_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= MAX_NAME_BYTES
        && !name
            .chars()
            .any(|c| c == '+' || c.is_whitespace() || c.is_control())
}

fn parse_key_id_field(s: &str) -> Result<u32, NoteError> {
    if s.len() != 8 || !s.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(NoteError::InvalidKeyIdField);
    }
    u32::from_str_radix(s, 16).map_err(|_| NoteError::InvalidKeyIdField)
}

/// Decodes `base64(type || 32 bytes)`.
fn parse_typed_key(s: &str) -> Result<(u8, [u8; 32]), NoteError> {
    if s.len() > 64 {
        return Err(NoteError::InvalidKeyMaterial);
    }
    let raw = B64.decode(s).map_err(|_| NoteError::InvalidKeyMaterial)?;
    let (ty, key) = raw.split_first().ok_or(NoteError::InvalidKeyMaterial)?;
    if *ty != SIG_TYPE_ED25519 && *ty != SIG_TYPE_COSIGNATURE_V1 {
        return Err(NoteError::UnsupportedAlgorithm(*ty));
    }
    let key = <[u8; 32]>::try_from(key).map_err(|_| NoteError::InvalidKeyMaterial)?;
    Ok((*ty, key))
}

fn typed_key_b64(ty: u8, key: &[u8; 32]) -> String {
    let mut raw = Vec::with_capacity(33);
    raw.push(ty);
    raw.extend_from_slice(key);
    B64.encode(raw)
}

/// Parses an skey of the given type: returns (name, key ID, signing key).
pub(crate) fn parse_skey(
    skey: &str,
    want_type: u8,
) -> Result<(String, u32, SigningKey), NoteError> {
    let skey = skey.trim_end_matches(['\n', '\r']);
    let mut parts = skey.splitn(5, '+');
    let (Some("PRIVATE"), Some("KEY"), Some(name), Some(id), Some(b64)) = (
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
    ) else {
        return Err(NoteError::MalformedKey);
    };
    if !is_valid_name(name) {
        return Err(NoteError::InvalidName);
    }
    let id = parse_key_id_field(id)?;
    let (ty, seed) = parse_typed_key(b64)?;
    if ty != want_type {
        return Err(NoteError::UnsupportedAlgorithm(ty));
    }
    let key = SigningKey::from_bytes(&seed);
    if key_id(name, ty, key.verifying_key().as_bytes()) != id {
        return Err(NoteError::KeyIdMismatch);
    }
    Ok((name.to_owned(), id, key))
}

pub(crate) fn format_skey(name: &str, ty: u8, id: u32, key: &SigningKey) -> String {
    format!(
        "PRIVATE+KEY+{name}+{id:08x}+{}",
        typed_key_b64(ty, &key.to_bytes())
    )
}

pub(crate) fn signing_key_from_pkcs8_pem(pem: &str) -> Result<SigningKey, NoteError> {
    use ed25519_dalek::pkcs8::DecodePrivateKey as _;
    if pem.len() > 16 * 1024 {
        return Err(NoteError::Pkcs8("PEM too large".into()));
    }
    SigningKey::from_pkcs8_pem(pem).map_err(|e| NoteError::Pkcs8(e.to_string()))
}

/// PKCS#8 v1 (RFC 8410, no embedded public key), exactly what `openssl genpkey` writes;
/// ed25519-dalek's own encoder writes v2, which OpenSSL 3.0 refuses to load.
pub(crate) fn signing_key_to_pkcs8_pem(key: &SigningKey) -> Result<String, NoteError> {
    use ed25519_dalek::pkcs8::{EncodePrivateKey as _, KeypairBytes, spki::der::pem::LineEnding};
    KeypairBytes {
        secret_key: key.to_bytes(),
        public_key: None,
    }
    .to_pkcs8_pem(LineEnding::LF)
    .map(|z| z.to_string())
    .map_err(|e| NoteError::Pkcs8(e.to_string()))
}

/// A note signer: key name, key ID and Ed25519 signing key (signature type 0x01).
#[derive(Clone)]
pub struct NoteSigner {
    name: String,
    key_id: u32,
    key: SigningKey,
}

impl std::fmt::Debug for NoteSigner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NoteSigner")
            .field("name", &self.name)
            .field("key_id", &format_args!("{:08x}", self.key_id))
            .finish_non_exhaustive()
    }
}

impl NoteSigner {
    /// Parses `PRIVATE+KEY+<name>+<hex8>+<base64(0x01 || seed)>`.
    pub fn parse(skey: &str) -> Result<Self, NoteError> {
        let (name, key_id, key) = parse_skey(skey, SIG_TYPE_ED25519)?;
        Ok(Self { name, key_id, key })
    }

    /// A signer from a 32-byte Ed25519 seed (RFC 8032 private key).
    pub fn from_seed(name: &str, seed: &[u8; 32]) -> Result<Self, NoteError> {
        Self::from_signing_key(name, SigningKey::from_bytes(seed))
    }

    fn from_signing_key(name: &str, key: SigningKey) -> Result<Self, NoteError> {
        if !is_valid_name(name) {
            return Err(NoteError::InvalidName);
        }
        let key_id = key_id(name, SIG_TYPE_ED25519, key.verifying_key().as_bytes());
        Ok(Self {
            name: name.to_owned(),
            key_id,
            key,
        })
    }

    /// Reads an Ed25519 private key from PKCS#8 PEM (`-----BEGIN PRIVATE KEY-----`, as written
    /// by `openssl genpkey -algorithm ed25519`) and names it.
    pub fn from_pkcs8_pem(name: &str, pem: &str) -> Result<Self, NoteError> {
        Self::from_signing_key(name, signing_key_from_pkcs8_pem(pem)?)
    }

    /// Writes the private key as PKCS#8 v1 PEM, byte for byte what `openssl genpkey` writes.
    pub fn to_pkcs8_pem(&self) -> Result<String, NoteError> {
        signing_key_to_pkcs8_pem(&self.key)
    }

    /// Generates a new key from the operating system's random generator. The name is not
    /// checked here (use [`Self::try_generate`]); a signer with an invalid name cannot sign.
    pub fn generate(name: &str) -> (Self, String) {
        let key = SigningKey::generate(&mut rand::rngs::OsRng);
        let key_id = key_id(name, SIG_TYPE_ED25519, key.verifying_key().as_bytes());
        let s = Self {
            name: name.to_owned(),
            key_id,
            key,
        };
        let skey = s.to_skey();
        (s, skey)
    }

    /// Like [`Self::generate`], but rejects an invalid name.
    pub fn try_generate(name: &str) -> Result<(Self, String), NoteError> {
        if !is_valid_name(name) {
            return Err(NoteError::InvalidName);
        }
        Ok(Self::generate(name))
    }

    /// Key name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Key ID.
    pub fn key_id(&self) -> u32 {
        self.key_id
    }

    /// Ed25519 public key bytes.
    pub fn public_key(&self) -> [u8; 32] {
        self.key.verifying_key().to_bytes()
    }

    /// The matching verifier.
    pub fn verifier(&self) -> NoteVerifier {
        NoteVerifier {
            name: self.name.clone(),
            key_id: self.key_id,
            sig_type: SIG_TYPE_ED25519,
            key: self.key.verifying_key(),
        }
    }

    /// `PRIVATE+KEY+<name>+<hex8>+<base64(0x01 || seed)>`.
    pub fn to_skey(&self) -> String {
        format_skey(&self.name, SIG_TYPE_ED25519, self.key_id, &self.key)
    }

    /// Signs `msg` with Ed25519 (no note framing).
    pub fn sign_bytes(&self, msg: &[u8]) -> [u8; 64] {
        self.key.sign(msg).to_bytes()
    }
}

/// A note verifier: name, key ID, signature type (0x01 or 0x04) and Ed25519 public key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NoteVerifier {
    name: String,
    key_id: u32,
    sig_type: u8,
    key: VerifyingKey,
}

impl NoteVerifier {
    /// Parses `<name>+<hex8>+<base64(type || public key)>` with type 0x01 or 0x04.
    pub fn parse(vkey: &str) -> Result<Self, NoteError> {
        let vkey = vkey.trim_end_matches(['\n', '\r']);
        let mut parts = vkey.splitn(3, '+');
        let (Some(name), Some(id), Some(b64)) = (parts.next(), parts.next(), parts.next()) else {
            return Err(NoteError::MalformedKey);
        };
        if !is_valid_name(name) {
            return Err(NoteError::InvalidName);
        }
        let id = parse_key_id_field(id)?;
        let (ty, pk) = parse_typed_key(b64)?;
        if key_id(name, ty, &pk) != id {
            return Err(NoteError::KeyIdMismatch);
        }
        Self::new(name, ty, &pk)
    }

    /// A verifier from its parts (key ID computed).
    pub fn new(name: &str, sig_type: u8, public_key: &[u8; 32]) -> Result<Self, NoteError> {
        if !is_valid_name(name) {
            return Err(NoteError::InvalidName);
        }
        if sig_type != SIG_TYPE_ED25519 && sig_type != SIG_TYPE_COSIGNATURE_V1 {
            return Err(NoteError::UnsupportedAlgorithm(sig_type));
        }
        let key = VerifyingKey::from_bytes(public_key).map_err(|_| NoteError::InvalidPublicKey)?;
        if key.is_weak() {
            return Err(NoteError::InvalidPublicKey);
        }
        Ok(Self {
            name: name.to_owned(),
            key_id: key_id(name, sig_type, public_key),
            sig_type,
            key,
        })
    }

    /// `<name>+<hex8>+<base64(type || public key)>`.
    pub fn to_vkey(&self) -> String {
        format!(
            "{}+{:08x}+{}",
            self.name,
            self.key_id,
            typed_key_b64(self.sig_type, self.key.as_bytes())
        )
    }

    /// Key name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Key ID.
    pub fn key_id(&self) -> u32 {
        self.key_id
    }

    /// Signature type: [`SIG_TYPE_ED25519`] or [`SIG_TYPE_COSIGNATURE_V1`].
    pub fn sig_type(&self) -> u8 {
        self.sig_type
    }

    /// Ed25519 public key bytes.
    pub fn public_key(&self) -> [u8; 32] {
        self.key.to_bytes()
    }

    /// Verifies a signature (the bytes after the key ID) over `text`; returns the cosignature
    /// timestamp for type 0x04.
    pub fn verify(&self, text: &str, sig: &[u8]) -> Result<Option<u64>, NoteError> {
        let bad = || NoteError::InvalidSignature {
            name: self.name.clone(),
            key_id: self.key_id,
        };
        if self.sig_type == SIG_TYPE_COSIGNATURE_V1 {
            let (ts, sig) = sig.split_first_chunk::<8>().ok_or_else(bad)?;
            let ts = u64::from_be_bytes(*ts);
            let sig = Signature::from_slice(sig).map_err(|_| bad())?;
            let msg = crate::cosignature::cosignature_message(text, ts);
            self.key.verify_strict(&msg, &sig).map_err(|_| bad())?;
            Ok(Some(ts))
        } else {
            let sig = Signature::from_slice(sig).map_err(|_| bad())?;
            self.key
                .verify_strict(text.as_bytes(), &sig)
                .map_err(|_| bad())?;
            Ok(None)
        }
    }
}

/// One signature line of a note.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NoteSignature {
    /// Key name.
    pub name: String,
    /// Key ID (first 4 bytes of the decoded signature).
    pub key_id: u32,
    /// The signature bytes after the key ID (64 bytes for Ed25519, 72 for cosignatures).
    pub signature: Vec<u8>,
    /// For verified cosignatures (type 0x04): the timestamp.
    pub timestamp: Option<u64>,
}

impl NoteSignature {
    /// `— <name> <base64(key ID || signature)>\n`.
    pub fn to_line(&self) -> String {
        let mut raw = Vec::with_capacity(4 + self.signature.len());
        raw.extend_from_slice(&self.key_id.to_be_bytes());
        raw.extend_from_slice(&self.signature);
        format!("{EM_DASH_PREFIX}{} {}\n", self.name, B64.encode(raw))
    }

    /// Parses one signature line (with or without its final `\n`).
    pub fn parse_line(line: &str) -> Result<Self, NoteError> {
        let line = line.strip_suffix('\n').unwrap_or(line);
        let rest = line
            .strip_prefix(EM_DASH_PREFIX)
            .ok_or(NoteError::MalformedNote(
                "signature line does not start with '— '",
            ))?;
        let (name, b64) = rest
            .split_once(' ')
            .ok_or(NoteError::MalformedNote("signature line has no signature"))?;
        if !is_valid_name(name) {
            return Err(NoteError::MalformedNote(
                "invalid key name in signature line",
            ));
        }
        let raw = B64
            .decode(b64)
            .map_err(|_| NoteError::MalformedNote("signature is not base64"))?;
        let (id, sig) = raw
            .split_first_chunk::<4>()
            .ok_or(NoteError::MalformedNote("signature too short"))?;
        if sig.is_empty() {
            return Err(NoteError::MalformedNote("signature too short"));
        }
        Ok(Self {
            name: name.to_owned(),
            key_id: u32::from_be_bytes(*id),
            signature: sig.to_vec(),
            timestamp: None,
        })
    }
}

/// A note with the signatures that verified.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Note {
    /// The signed text, ending in `\n`.
    pub text: String,
    /// Verified signatures, in note order.
    pub signatures: Vec<NoteSignature>,
}

/// A parsed but unverified note: text and every signature line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnverifiedNote {
    /// The text, ending in `\n`.
    pub text: String,
    /// All signature lines, in note order.
    pub signatures: Vec<NoteSignature>,
}

/// Checks note text: non-empty, ends in `\n`, no control characters but `\n`.
pub fn check_text(text: &str) -> Result<(), NoteError> {
    if text.is_empty() || !text.ends_with('\n') || text.chars().any(|c| c.is_control() && c != '\n')
    {
        return Err(NoteError::MalformedText);
    }
    Ok(())
}

/// Parses a note without verifying any signature.
pub fn parse_note(note: &[u8]) -> Result<UnverifiedNote, NoteError> {
    if note.len() > MAX_NOTE_BYTES {
        return Err(NoteError::TooLarge);
    }
    let s = std::str::from_utf8(note).map_err(|_| NoteError::MalformedNote("not UTF-8"))?;
    if s.chars().any(|c| c.is_control() && c != '\n') {
        return Err(NoteError::MalformedNote("control character"));
    }
    let split = s
        .rfind("\n\n")
        .ok_or(NoteError::MalformedNote("no blank line before signatures"))?;
    let (text, sigs) = s.split_at(split + 1);
    let sigs = sigs
        .strip_prefix('\n')
        .ok_or(NoteError::MalformedNote("no blank line before signatures"))?;
    if !sigs.ends_with('\n') {
        return Err(NoteError::MalformedNote(
            "signature block does not end in newline",
        ));
    }
    check_text(text).map_err(|_| NoteError::MalformedNote("invalid text"))?;
    let mut signatures = Vec::new();
    for line in sigs.split_terminator('\n') {
        if signatures.len() >= MAX_SIGNATURES {
            return Err(NoteError::TooManySignatures);
        }
        signatures.push(NoteSignature::parse_line(line)?);
    }
    if signatures.is_empty() {
        return Err(NoteError::MalformedNote("no signatures"));
    }
    Ok(UnverifiedNote {
        text: text.to_owned(),
        signatures,
    })
}

/// Opens a note: verifies the signatures of known keys, ignores unknown ones, rejects the
/// note if a known key's signature is bad or no known key signed. Returns only the verified
/// signatures (a key that signed twice appears once).
pub fn open_note(note: &[u8], verifiers: &[NoteVerifier]) -> Result<Note, NoteError> {
    let parsed = parse_note(note)?;
    let mut verified: Vec<NoteSignature> = Vec::new();
    for sig in parsed.signatures {
        let Some(v) = verifiers
            .iter()
            .find(|v| v.key_id == sig.key_id && v.name == sig.name)
        else {
            continue;
        };
        let timestamp = v.verify(&parsed.text, &sig.signature)?;
        if verified
            .iter()
            .any(|s| s.key_id == sig.key_id && s.name == sig.name)
        {
            continue;
        }
        verified.push(NoteSignature { timestamp, ..sig });
    }
    if verified.is_empty() {
        return Err(NoteError::NoKnownSignature);
    }
    Ok(Note {
        text: parsed.text,
        signatures: verified,
    })
}

/// Signs `text` with every signer; returns the note (text, blank line, signature lines).
pub fn sign_note(text: &str, signers: &[&NoteSigner]) -> Result<String, NoteError> {
    check_text(text)?;
    if signers.is_empty() {
        return Err(NoteError::NoSigners);
    }
    let mut out = String::with_capacity(text.len() + 1 + signers.len() * 100);
    out.push_str(text);
    out.push('\n');
    for s in signers {
        if !is_valid_name(&s.name) {
            return Err(NoteError::InvalidName);
        }
        let sig = NoteSignature {
            name: s.name.clone(),
            key_id: s.key_id,
            signature: s.sign_bytes(text.as_bytes()).to_vec(),
            timestamp: None,
        };
        out.push_str(&sig.to_line());
    }
    if out.len() > MAX_NOTE_BYTES {
        return Err(NoteError::TooLarge);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const PETER_SKEY: &str =
        "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";
    const PETER_VKEY: &str = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
    const TEXT: &str = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";

    #[test]
    fn keys_round_trip() {
        let s = NoteSigner::parse(PETER_SKEY).unwrap();
        assert_eq!(s.to_skey(), PETER_SKEY);
        assert_eq!(s.verifier().to_vkey(), PETER_VKEY);
        assert_eq!(NoteVerifier::parse(PETER_VKEY).unwrap(), s.verifier());
        assert_eq!(s.key_id(), 0xc74f20a3);
        let pem = s.to_pkcs8_pem().unwrap();
        let again = NoteSigner::from_pkcs8_pem("PeterNeumann", &pem).unwrap();
        assert_eq!(again.to_skey(), PETER_SKEY);
    }

    #[test]
    fn bad_keys_are_rejected() {
        for (k, e) in [
            (
                "PRIVATE+KEY+PeterNeumann+c74f20a4+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz",
                NoteError::KeyIdMismatch,
            ),
            (
                "PRIVATE+KEY+PeterNeumann+c74f20a+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz",
                NoteError::InvalidKeyIdField,
            ),
            (
                "PRIVATE+KEY+Peter Neumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz",
                NoteError::InvalidName,
            ),
            ("PRIVATE+KEY+PeterNeumann", NoteError::MalformedKey),
            (
                "PUBLIC+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz",
                NoteError::MalformedKey,
            ),
            (
                "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKD",
                NoteError::InvalidKeyMaterial,
            ),
            (
                "PRIVATE+KEY+PeterNeumann+c74f20a3+BYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz",
                NoteError::UnsupportedAlgorithm(5),
            ),
        ] {
            assert_eq!(NoteSigner::parse(k).unwrap_err(), e, "{k}");
        }
        assert_eq!(
            NoteVerifier::parse("a+b").unwrap_err(),
            NoteError::MalformedKey
        );
        assert_eq!(
            NoteVerifier::parse("+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW")
                .unwrap_err(),
            NoteError::InvalidName
        );
        // The identity point is a weak key.
        let mut id = [0u8; 32];
        id[0] = 1;
        assert_eq!(
            NoteVerifier::new("x", SIG_TYPE_ED25519, &id).unwrap_err(),
            NoteError::InvalidPublicKey
        );
    }

    #[test]
    fn sign_and_open() {
        let s = NoteSigner::parse(PETER_SKEY).unwrap();
        let (other, _) = NoteSigner::try_generate("other.example/key").unwrap();
        let note = sign_note(TEXT, &[&s, &other]).unwrap();
        let n = open_note(note.as_bytes(), &[s.verifier()]).unwrap();
        assert_eq!(n.text, TEXT);
        assert_eq!(n.signatures.len(), 1);
        let n = open_note(note.as_bytes(), &[s.verifier(), other.verifier()]).unwrap();
        assert_eq!(n.signatures.len(), 2);
        assert_eq!(
            open_note(note.as_bytes(), &[]).unwrap_err(),
            NoteError::NoKnownSignature
        );
        // Tampered text.
        let bad = note.replacen("cryptography", "cryptographY", 1);
        assert!(matches!(
            open_note(bad.as_bytes(), &[s.verifier()]),
            Err(NoteError::InvalidSignature { .. })
        ));
        // Same name and key ID, other key: the known-key signature fails -> reject.
        let forged = sign_note(TEXT, &[&other]).unwrap();
        let line = forged.lines().last().unwrap();
        let mut sig = NoteSignature::parse_line(line).unwrap();
        sig.name = s.name().into();
        sig.key_id = s.key_id();
        let note2 = format!("{note}{}", sig.to_line());
        assert!(matches!(
            open_note(note2.as_bytes(), &[s.verifier()]),
            Err(NoteError::InvalidSignature { .. })
        ));
        assert_eq!(sign_note("", &[&s]).unwrap_err(), NoteError::MalformedText);
        assert_eq!(
            sign_note("no newline", &[&s]).unwrap_err(),
            NoteError::MalformedText
        );
        assert_eq!(
            sign_note("a\tb\n", &[&s]).unwrap_err(),
            NoteError::MalformedText
        );
        assert_eq!(sign_note(TEXT, &[]).unwrap_err(), NoteError::NoSigners);
        let (bad_name, _) = NoteSigner::generate("bad name");
        assert_eq!(
            sign_note(TEXT, &[&bad_name]).unwrap_err(),
            NoteError::InvalidName
        );
    }

    #[test]
    fn many_signatures_and_limits() {
        let signers: Vec<NoteSigner> = (0..MAX_SIGNATURES)
            .map(|i| NoteSigner::from_seed(&format!("s{i}"), &[i as u8; 32]).unwrap())
            .collect();
        let refs: Vec<&NoteSigner> = signers.iter().collect();
        let note = sign_note(TEXT, &refs).unwrap();
        let verifiers: Vec<NoteVerifier> = signers.iter().map(|s| s.verifier()).collect();
        assert_eq!(
            open_note(note.as_bytes(), &verifiers)
                .unwrap()
                .signatures
                .len(),
            MAX_SIGNATURES
        );
        let extra = NoteSigner::from_seed("extra", &[200; 32]).unwrap();
        let line = sign_note(TEXT, &[&extra]).unwrap();
        let too_many = format!("{note}{}", line.lines().last().unwrap()) + "\n";
        assert_eq!(
            open_note(too_many.as_bytes(), &verifiers).unwrap_err(),
            NoteError::TooManySignatures
        );
        let huge = format!("{}\n\n{}", "a".repeat(MAX_NOTE_BYTES), line);
        assert_eq!(
            parse_note(huge.as_bytes()).unwrap_err(),
            NoteError::TooLarge
        );
    }

    #[test]
    fn malformed_notes() {
        let s = NoteSigner::parse(PETER_SKEY).unwrap();
        let note = sign_note(TEXT, &[&s]).unwrap();
        let cases: Vec<Vec<u8>> = vec![
            b"".to_vec(),
            b"text\n".to_vec(),
            b"text\n\n".to_vec(),
            note.trim_end().as_bytes().to_vec(),
            note.replace('\u{2014}', "-").into_bytes(),
            note.replace("\n\n", "\n\n\n").into_bytes(),
            [note.as_bytes(), b"\xff"].concat(),
            note.replacen("If", "\rIf", 1).into_bytes(),
            format!("{TEXT}\n\u{2014} PeterNeumann AAAA\n").into_bytes(),
            format!("{TEXT}\n\u{2014} PeterNeumann !!!!\n").into_bytes(),
            format!("{TEXT}\n\u{2014} PeterNeumann\n").into_bytes(),
        ];
        for c in cases {
            assert!(
                open_note(&c, &[s.verifier()]).is_err(),
                "{:?}",
                String::from_utf8_lossy(&c)
            );
        }
    }
}
