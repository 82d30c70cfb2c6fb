//! c2sp.org/tlog-cosignature/v1 with Ed25519 (signature type 0x04): witness cosignatures of
//! checkpoints.
//!
//! * Key ID: `SHA-256(name || 0x0A || 0x04 || public key)[:4]`; vkey
//!   `<name>+<hex8>+<base64(0x04 || public key)>` (a [`NoteVerifier`] of type 0x04);
//!   skey `PRIVATE+KEY+<name>+<hex8>+<base64(0x04 || seed)>`.
//! * Signed message: `"cosignature/v1\ntime " || decimal(timestamp) || "\n" || checkpoint text`
//!   (the whole note text, extension lines included).
//! * Signature line: `— <name> base64(key ID || u64 big-endian timestamp || Ed25519 sig)`,
//!   i.e. 4 + 8 + 64 = 76 bytes; the timestamp is in seconds since the Unix epoch.

use crate::checkpoint::Checkpoint;
use crate::note::{self, NoteError, NoteSignature, NoteVerifier, SIG_TYPE_COSIGNATURE_V1};
use ed25519_dalek::{Signer as _, SigningKey};

/// The message a cosigner signs: `cosignature/v1\ntime <timestamp>\n<text>`.
pub fn cosignature_message(checkpoint_text: &str, timestamp: u64) -> Vec<u8> {
    format!("cosignature/v1\ntime {timestamp}\n{checkpoint_text}").into_bytes()
}

/// Decodes the timestamp of a cosignature (the 72 bytes after the key ID).
pub fn cosignature_timestamp(signature: &[u8]) -> Option<u64> {
    if signature.len() != 72 {
        return None;
    }
    let (ts, _) = signature.split_first_chunk::<8>()?;
    Some(u64::from_be_bytes(*ts))
}

/// A witness cosigner: name, key ID (type 0x04) and Ed25519 key.
#[derive(Clone)]
pub struct CosignatureSigner {
    name: String,
    key_id: u32,
    key: SigningKey,
    verifier: NoteVerifier,
}

impl std::fmt::Debug for CosignatureSigner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CosignatureSigner")
            .field("name", &self.name)
            .field("key_id", &format_args!("{:08x}", self.key_id))
            .finish_non_exhaustive()
    }
}

impl CosignatureSigner {
    /// A cosigner from a 32-byte Ed25519 seed.
    pub fn from_seed(name: &str, seed: &[u8; 32]) -> Result<Self, NoteError> {
        Self::from_key(name, SigningKey::from_bytes(seed))
    }

    fn from_key(name: &str, key: SigningKey) -> Result<Self, NoteError> {
        let verifier = NoteVerifier::new(
            name,
            SIG_TYPE_COSIGNATURE_V1,
            key.verifying_key().as_bytes(),
        )?;
        Ok(Self {
            name: name.to_owned(),
            key_id: verifier.key_id(),
            key,
            verifier,
        })
    }

    /// Parses `PRIVATE+KEY+<name>+<hex8>+<base64(0x04 || seed)>`.
    pub fn parse(skey: &str) -> Result<Self, NoteError> {
        let (name, _, key) = note::parse_skey(skey, SIG_TYPE_COSIGNATURE_V1)?;
        Self::from_key(&name, key)
    }

    /// Reads the Ed25519 key from PKCS#8 PEM.
    pub fn from_pkcs8_pem(name: &str, pem: &str) -> Result<Self, NoteError> {
        Self::from_key(name, note::signing_key_from_pkcs8_pem(pem)?)
    }

    /// A new random cosigner key; returns it and its skey.
    pub fn generate(name: &str) -> Result<(Self, String), NoteError> {
        let s = Self::from_key(name, SigningKey::generate(&mut rand::rngs::OsRng))?;
        let skey = s.to_skey();
        Ok((s, skey))
    }

    /// `PRIVATE+KEY+<name>+<hex8>+<base64(0x04 || seed)>`.
    pub fn to_skey(&self) -> String {
        note::format_skey(&self.name, SIG_TYPE_COSIGNATURE_V1, self.key_id, &self.key)
    }

    /// Key name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Key ID.
    pub fn key_id(&self) -> u32 {
        self.key_id
    }

    /// The type-0x04 verifier.
    pub fn verifier(&self) -> NoteVerifier {
        self.verifier.clone()
    }

    /// Cosigns checkpoint text at `timestamp`; returns the signature (append
    /// [`NoteSignature::to_line`] to the checkpoint note).
    pub fn cosign_text(&self, checkpoint_text: &str, timestamp: u64) -> NoteSignature {
        let sig = self
            .key
            .sign(&cosignature_message(checkpoint_text, timestamp));
        let mut bytes = Vec::with_capacity(72);
        bytes.extend_from_slice(&timestamp.to_be_bytes());
        bytes.extend_from_slice(&sig.to_bytes());
        NoteSignature {
            name: self.name.clone(),
            key_id: self.key_id,
            signature: bytes,
            timestamp: Some(timestamp),
        }
    }

    /// Cosigns a checkpoint at `timestamp`.
    pub fn cosign(&self, checkpoint: &Checkpoint, timestamp: u64) -> NoteSignature {
        self.cosign_text(&checkpoint.to_text(), timestamp)
    }
}

/// Verifies one cosignature line over checkpoint text with a type-0x04 verifier; returns
/// the timestamp.
pub fn verify_cosignature(
    verifier: &NoteVerifier,
    checkpoint_text: &str,
    line: &str,
) -> Result<u64, NoteError> {
    if verifier.sig_type() != SIG_TYPE_COSIGNATURE_V1 {
        return Err(NoteError::UnsupportedAlgorithm(verifier.sig_type()));
    }
    let sig = NoteSignature::parse_line(line)?;
    if sig.name != verifier.name() || sig.key_id != verifier.key_id() {
        return Err(NoteError::NoKnownSignature);
    }
    verifier
        .verify(checkpoint_text, &sig.signature)?
        .ok_or(NoteError::NoKnownSignature)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::merkle::leaf_hash;
    use crate::note::{NoteSigner, open_note};

    #[test]
    fn cosign_and_verify() {
        let log = NoteSigner::from_seed("example.com/log", &[1; 32]).unwrap();
        let w = CosignatureSigner::from_seed("witness.example/w1", &[2; 32]).unwrap();
        let cp = Checkpoint::new("example.com/log", 5, leaf_hash(b"x")).unwrap();
        let note = cp.sign(&log).unwrap();
        let cosig = w.cosign(&cp, 1_700_000_000);
        assert_eq!(cosig.signature.len(), 72);
        assert_eq!(cosignature_timestamp(&cosig.signature), Some(1_700_000_000));
        let line = cosig.to_line();
        assert_eq!(
            verify_cosignature(&w.verifier(), &cp.to_text(), &line).unwrap(),
            1_700_000_000
        );
        let full = format!("{note}{line}");
        let (got, n) =
            Checkpoint::open_with(full.as_bytes(), &log.verifier(), &[w.verifier()]).unwrap();
        assert_eq!(got, cp);
        assert_eq!(n.signatures[1].timestamp, Some(1_700_000_000));
        // The vkey starts with the type byte 0x04 ("B" in base64) and round-trips.
        let vkey = w.verifier().to_vkey();
        assert!(vkey.split('+').nth(2).unwrap().starts_with('B'));
        assert_eq!(NoteVerifier::parse(&vkey).unwrap(), w.verifier());
        assert_eq!(
            CosignatureSigner::parse(&w.to_skey()).unwrap().to_skey(),
            w.to_skey()
        );
        // Other text or timestamp fails.
        let other = Checkpoint::new("example.com/log", 6, leaf_hash(b"x")).unwrap();
        assert!(verify_cosignature(&w.verifier(), &other.to_text(), &line).is_err());
        let mut moved = cosig.clone();
        moved.signature[7] ^= 1;
        assert!(verify_cosignature(&w.verifier(), &cp.to_text(), &moved.to_line()).is_err());
        // A cosignature is not a plain note signature of the same key.
        let plain = NoteVerifier::new(w.name(), 1, &w.verifier().public_key()).unwrap();
        assert!(open_note(full.as_bytes(), &[plain]).is_err());
        assert!(verify_cosignature(&log.verifier(), &cp.to_text(), &line).is_err());
    }
}
