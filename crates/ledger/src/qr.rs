//! The payload of the QR code printed on a movement document: which log, which leaf.
//!
//! `wt1:<index>:<size>:<leaf hash>:<origin>` — `wt1` the format version; `index` the leaf
//! index of the `movement.started` entry and `size` the tree size of the checkpoint printed
//! with it (decimal, no leading zeros); `leaf hash` its RFC 9162 leaf hash in base64url
//! without padding (43 characters); `origin` the log's checkpoint origin (last, so that it may
//! itself contain `:`). About 100 bytes: a version-5 QR code at error correction level M.
//! Whoever scans it asks the log (or an evidence file) for the inclusion proof of that leaf
//! in a checkpoint signed by the log key they trust; the payload itself proves nothing.

use base64::Engine as _;

use crate::merkle::Hash;

/// The format prefix.
pub const QR_PREFIX: &str = "wt1";
/// Longest payload accepted (origins are short names).
pub const MAX_QR_BYTES: usize = 512;

const B64URL: base64::engine::GeneralPurpose = base64::engine::general_purpose::URL_SAFE_NO_PAD;

/// Why a payload is not a wastetrail QR payload.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("not a wastetrail QR payload: {0}")]
pub struct QrError(&'static str);

/// A movement document's reference: log origin, leaf index, leaf hash, checkpoint size.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MovementRef {
    /// The log's origin.
    pub origin: String,
    /// Leaf index of the movement document.
    pub index: u64,
    /// Tree size of the checkpoint printed with it (`index < size`).
    pub size: u64,
    /// Its leaf hash.
    pub leaf_hash: Hash,
}

fn number(s: &str) -> Result<u64, QrError> {
    if s.is_empty() || (s.len() > 1 && s.starts_with('0')) || !s.bytes().all(|b| b.is_ascii_digit())
    {
        return Err(QrError("a number is not decimal without leading zeros"));
    }
    s.parse().map_err(|_| QrError("a number is out of range"))
}

impl MovementRef {
    /// Parses a payload from untrusted text (e.g. a scanned code or a typed number).
    pub fn parse(s: &str) -> Result<Self, QrError> {
        let s = s.trim();
        if s.len() > MAX_QR_BYTES {
            return Err(QrError("too long"));
        }
        let mut parts = s.splitn(5, ':');
        let (Some(v), Some(index), Some(size), Some(hash), Some(origin)) = (
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
        ) else {
            return Err(QrError("it does not have five parts"));
        };
        if v != QR_PREFIX {
            return Err(QrError("it does not start with wt1"));
        }
        let (index, size) = (number(index)?, number(size)?);
        if index >= size {
            return Err(QrError("the leaf index is not below the tree size"));
        }
        if hash.len() != 43 {
            return Err(QrError("the leaf hash is not 43 base64url characters"));
        }
        let raw = B64URL
            .decode(hash)
            .map_err(|_| QrError("the leaf hash is not base64url"))?;
        let leaf_hash =
            Hash::try_from(raw.as_slice()).map_err(|_| QrError("the leaf hash is not 32 bytes"))?;
        if origin.is_empty() || origin.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(QrError("the origin is empty or has spaces"));
        }
        Ok(Self {
            origin: origin.to_owned(),
            index,
            size,
            leaf_hash,
        })
    }
}

impl std::fmt::Display for MovementRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{QR_PREFIX}:{}:{}:{}:{}",
            self.index,
            self.size,
            B64URL.encode(self.leaf_hash),
            self.origin
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_refusals() {
        let r = MovementRef {
            origin: "demo.wastetrail.example/log".into(),
            index: 15,
            size: 40,
            leaf_hash: [0xfb; 32],
        };
        let text = r.to_string();
        assert!(text.starts_with("wt1:15:40:-_v7"), "{text}");
        assert_eq!(MovementRef::parse(&text).unwrap(), r);
        assert_eq!(MovementRef::parse(&format!("  {text}\n")).unwrap(), r);
        let with_colon = MovementRef {
            origin: "host:8080/log".into(),
            ..r.clone()
        };
        assert_eq!(
            MovementRef::parse(&with_colon.to_string()).unwrap(),
            with_colon
        );
        let h = B64URL.encode([0xfb; 32]);
        for bad in [
            "".to_owned(),
            format!("wt2:15:40:{h}:o"),
            format!("wt1:015:40:{h}:o"),
            format!("wt1:40:40:{h}:o"),
            format!("wt1:15:40:{h}x:o"),
            format!("wt1:15:40:{h}:"),
            format!("wt1:15:40:{h}:a b"),
            format!("wt1:-1:40:{h}:o"),
            "wt1:1:2:AAAA:o".to_owned(),
            format!("wt1:15:40:{}:o", "x".repeat(600)),
        ] {
            assert!(MovementRef::parse(&bad).is_err(), "{bad}");
        }
    }
}
