//! c2sp.org/tlog-checkpoint: the signed tree head.
//!
//! Text (the body of a signed note):
//!
//! ```text
//! <origin>\n                 non-empty, no control characters
//! <size>\n                   ASCII decimal, no sign, no leading zeros ("0" for the empty tree)
//! <base64(root)>\n           standard base64 with padding of the 32-byte RFC 6962 root
//! [<extension line>\n]*      optional, non-empty, opaque
//! ```

use crate::merkle::{Hash, hash_from_base64, hash_to_base64};
use crate::note::{self, NoteError, NoteSigner, NoteVerifier};

/// Largest checkpoint text accepted.
pub const MAX_CHECKPOINT_TEXT: usize = 64 * 1024;

/// Errors of checkpoints.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CheckpointError {
    /// The origin is empty or contains control characters.
    #[error("invalid origin line")]
    InvalidOrigin,
    /// The size line is not a canonical decimal u64.
    #[error("invalid tree size line")]
    InvalidSize,
    /// The root line is not base64 of 32 bytes.
    #[error("invalid root hash line")]
    InvalidRoot,
    /// An extension line is empty or has control characters.
    #[error("invalid extension line")]
    InvalidExtension,
    /// The text has fewer than three lines or does not end in a newline.
    #[error("malformed checkpoint text")]
    Malformed,
    /// The text is larger than [`MAX_CHECKPOINT_TEXT`].
    #[error("checkpoint too large")]
    TooLarge,
    /// The signed note is invalid or not signed by the log key.
    #[error("checkpoint note: {0}")]
    Note(#[from] NoteError),
    /// The verified note is not signed by the given log key (only by other known keys).
    #[error("checkpoint is not signed by the log key")]
    NotSignedByLog,
}

/// A checkpoint: origin, tree size, root hash, extension lines.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Checkpoint {
    /// Log origin (first line), e.g. `wastetrail.example/log`.
    pub origin: String,
    /// Tree size.
    pub size: u64,
    /// RFC 6962 root hash of the first `size` leaves.
    pub root: Hash,
    /// Extension lines (without their `\n`).
    pub extensions: Vec<String>,
}

fn valid_line(s: &str) -> bool {
    !s.is_empty() && !s.chars().any(char::is_control)
}

fn parse_size(s: &str) -> Option<u64> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) || (s.len() > 1 && s.starts_with('0'))
    {
        return None;
    }
    s.parse().ok()
}

impl Checkpoint {
    /// A checkpoint without extension lines; the origin must be a valid line.
    pub fn new(origin: impl Into<String>, size: u64, root: Hash) -> Result<Self, CheckpointError> {
        let origin = origin.into();
        if !valid_line(&origin) {
            return Err(CheckpointError::InvalidOrigin);
        }
        Ok(Self {
            origin,
            size,
            root,
            extensions: Vec::new(),
        })
    }

    /// Adds an extension line.
    pub fn with_extension(mut self, line: impl Into<String>) -> Result<Self, CheckpointError> {
        let line = line.into();
        if !valid_line(&line) {
            return Err(CheckpointError::InvalidExtension);
        }
        self.extensions.push(line);
        Ok(self)
    }

    /// The note text: `origin\nsize\nbase64(root)\n` plus extension lines.
    pub fn to_text(&self) -> String {
        let mut s = format!(
            "{}\n{}\n{}\n",
            self.origin,
            self.size,
            hash_to_base64(&self.root)
        );
        for e in &self.extensions {
            s.push_str(e);
            s.push('\n');
        }
        s
    }

    /// Parses checkpoint text (the note text, without signatures).
    pub fn parse_text(text: &str) -> Result<Self, CheckpointError> {
        if text.len() > MAX_CHECKPOINT_TEXT {
            return Err(CheckpointError::TooLarge);
        }
        let body = text.strip_suffix('\n').ok_or(CheckpointError::Malformed)?;
        let mut lines = body.split('\n');
        let (Some(origin), Some(size), Some(root)) = (lines.next(), lines.next(), lines.next())
        else {
            return Err(CheckpointError::Malformed);
        };
        if !valid_line(origin) {
            return Err(CheckpointError::InvalidOrigin);
        }
        let size = parse_size(size).ok_or(CheckpointError::InvalidSize)?;
        let root = hash_from_base64(root).map_err(|_| CheckpointError::InvalidRoot)?;
        let mut extensions = Vec::new();
        for e in lines {
            if !valid_line(e) {
                return Err(CheckpointError::InvalidExtension);
            }
            extensions.push(e.to_owned());
        }
        Ok(Self {
            origin: origin.to_owned(),
            size,
            root,
            extensions,
        })
    }

    /// Signs the checkpoint as a note; returns the note text.
    pub fn sign(&self, signer: &NoteSigner) -> Result<String, CheckpointError> {
        Ok(note::sign_note(&self.to_text(), &[signer])?)
    }

    /// Opens a signed checkpoint that must carry a valid signature by `log_key` (other
    /// signature lines are ignored).
    pub fn open(note: &[u8], log_key: &NoteVerifier) -> Result<Checkpoint, CheckpointError> {
        Ok(Self::open_with(note, log_key, &[])?.0)
    }

    /// Opens a signed checkpoint that must be signed by `log_key`, also verifying the
    /// signatures (e.g. witness cosignatures) of `others`; returns the checkpoint and the
    /// verified note (its signatures include the log's and every verified other one).
    pub fn open_with(
        note: &[u8],
        log_key: &NoteVerifier,
        others: &[NoteVerifier],
    ) -> Result<(Checkpoint, note::Note), CheckpointError> {
        let mut all = Vec::with_capacity(1 + others.len());
        all.push(log_key.clone());
        all.extend_from_slice(others);
        let n = note::open_note(note, &all)?;
        if !n
            .signatures
            .iter()
            .any(|s| s.name == log_key.name() && s.key_id == log_key.key_id())
        {
            return Err(CheckpointError::NotSignedByLog);
        }
        let cp = Self::parse_text(&n.text)?;
        Ok((cp, n))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::merkle::{EMPTY_ROOT, leaf_hash};

    #[test]
    fn text_round_trip() {
        let cp = Checkpoint::new("example.com/log", 42, leaf_hash(b"x"))
            .unwrap()
            .with_extension("ext line")
            .unwrap();
        let t = cp.to_text();
        assert_eq!(Checkpoint::parse_text(&t).unwrap(), cp);
        let empty = Checkpoint::new("o", 0, EMPTY_ROOT).unwrap();
        assert_eq!(
            empty.to_text(),
            "o\n0\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n"
        );
    }

    #[test]
    fn bad_texts() {
        let root = "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=";
        for (t, e) in [
            (format!("o\n1\n{root}"), CheckpointError::Malformed),
            ("o\n1\n".to_string(), CheckpointError::Malformed),
            (format!("\n1\n{root}\n"), CheckpointError::InvalidOrigin),
            (format!("o\n01\n{root}\n"), CheckpointError::InvalidSize),
            (format!("o\n+1\n{root}\n"), CheckpointError::InvalidSize),
            (
                format!("o\n18446744073709551616\n{root}\n"),
                CheckpointError::InvalidSize,
            ),
            (
                format!("o\n1\n{}\n", &root[..43]),
                CheckpointError::InvalidRoot,
            ),
            (
                "o\n1\nZG9uJ3QgY2FyZSAy\n".to_string(),
                CheckpointError::InvalidRoot,
            ),
            (
                format!("o\n1\n{root}\n\n"),
                CheckpointError::InvalidExtension,
            ),
            (
                format!("o\n1\n{root}\na\tb\n"),
                CheckpointError::InvalidExtension,
            ),
        ] {
            assert_eq!(Checkpoint::parse_text(&t).unwrap_err(), e, "{t:?}");
        }
        assert_eq!(
            Checkpoint::new("a\nb", 0, EMPTY_ROOT).unwrap_err(),
            CheckpointError::InvalidOrigin
        );
    }

    #[test]
    fn sign_and_open() {
        let log = NoteSigner::from_seed("example.com/log", &[7; 32]).unwrap();
        let other = NoteSigner::from_seed("other", &[8; 32]).unwrap();
        let cp = Checkpoint::new("example.com/log", 3, leaf_hash(b"r")).unwrap();
        let note = cp.sign(&log).unwrap();
        assert_eq!(
            Checkpoint::open(note.as_bytes(), &log.verifier()).unwrap(),
            cp
        );
        assert!(matches!(
            Checkpoint::open(note.as_bytes(), &other.verifier()),
            Err(CheckpointError::Note(NoteError::NoKnownSignature))
        ));
        let by_other = cp.sign(&other).unwrap();
        assert_eq!(
            Checkpoint::open_with(by_other.as_bytes(), &log.verifier(), &[other.verifier()])
                .unwrap_err(),
            CheckpointError::NotSignedByLog
        );
        // A signed non-checkpoint note is rejected after verification.
        let n = note::sign_note("hello\n", &[&log]).unwrap();
        assert_eq!(
            Checkpoint::open(n.as_bytes(), &log.verifier()).unwrap_err(),
            CheckpointError::Malformed
        );
    }
}
