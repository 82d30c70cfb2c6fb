//! c2sp.org/tlog-proof@v1: an offline-verifiable proof that one entry is in a log.
//!
//! ```text
//! c2sp.org/tlog-proof@v1
//! extra <base64 of opaque data>            (optional)
//! index <decimal, no leading zeros>
//! <base64 hash>                             (the inclusion proof, leaf's sibling first)
//! …
//!                                           (an empty line)
//! <the checkpoint note, verbatim>
//! ```
//!
//! wastetrail puts the entry's **leaf bytes** in `extra` (the spec's "data necessary to
//! reconstruct the record hash"), so one proof carries the statement it proves. `extra` is not
//! authenticated by the proof: the verifier recomputes the leaf hash from it and checks the
//! inclusion proof against the checkpoint, whose signature it checks with the log key it
//! trusts ([`TlogProof::verify`]).

use base64::Engine as _;

use crate::checkpoint::{Checkpoint, CheckpointError};
use crate::merkle::{self, Hash, ProofError};
use crate::note::NoteVerifier;

/// The first line of a proof.
pub const TLOG_PROOF_HEADER: &str = "c2sp.org/tlog-proof@v1";
/// Largest proof text accepted (a leaf of at most 64 KiB in `extra`, 64 hashes, a checkpoint
/// with cosignatures).
pub const MAX_TLOG_PROOF_BYTES: usize = 160 * 1024;

const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::STANDARD;

/// Why a proof text is malformed or does not verify.
#[derive(Debug, thiserror::Error)]
pub enum TlogProofError {
    /// Not the format.
    #[error("not a c2sp.org/tlog-proof@v1: {0}")]
    Malformed(&'static str),
    /// The checkpoint does not open with the trusted keys.
    #[error("the proof's checkpoint: {0}")]
    Checkpoint(#[from] CheckpointError),
    /// The inclusion proof does not lead to the checkpoint's root.
    #[error("the inclusion proof: {0}")]
    Inclusion(#[from] ProofError),
}

/// A parsed tlog-proof.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TlogProof {
    /// The opaque extra data (wastetrail: the leaf bytes).
    pub extra: Option<Vec<u8>>,
    /// Zero-based index of the entry.
    pub index: u64,
    /// The inclusion proof, leaf's sibling first.
    pub hashes: Vec<Hash>,
    /// The checkpoint note, verbatim (signature lines included).
    pub checkpoint: String,
}

impl TlogProof {
    /// The proof as text.
    pub fn to_text(&self) -> String {
        let mut out = String::with_capacity(256 + self.hashes.len() * 45 + self.checkpoint.len());
        out.push_str(TLOG_PROOF_HEADER);
        out.push('\n');
        if let Some(extra) = &self.extra {
            out.push_str("extra ");
            out.push_str(&B64.encode(extra));
            out.push('\n');
        }
        out.push_str(&format!("index {}\n", self.index));
        for h in &self.hashes {
            out.push_str(&B64.encode(h));
            out.push('\n');
        }
        out.push('\n');
        out.push_str(&self.checkpoint);
        out
    }

    /// Parses a proof from untrusted text.
    pub fn parse(text: &str) -> Result<Self, TlogProofError> {
        let bad = TlogProofError::Malformed;
        if text.len() > MAX_TLOG_PROOF_BYTES {
            return Err(bad("too long"));
        }
        let (head, checkpoint) = text
            .split_once("\n\n")
            .ok_or(bad("no empty line before the checkpoint"))?;
        let mut lines = head.split('\n');
        if lines.next() != Some(TLOG_PROOF_HEADER) {
            return Err(bad("the first line is not c2sp.org/tlog-proof@v1"));
        }
        let mut line = lines.next().ok_or(bad("no index line"))?;
        let extra = match line.strip_prefix("extra ") {
            Some(b) => {
                let data = B64
                    .decode(b)
                    .map_err(|_| bad("the extra line is not base64"))?;
                line = lines.next().ok_or(bad("no index line"))?;
                Some(data)
            }
            None => None,
        };
        let index = line
            .strip_prefix("index ")
            .ok_or(bad("no index line"))
            .and_then(|n| decimal(n).ok_or(bad("the index is not a decimal number")))?;
        let hashes = lines
            .map(|l| merkle::hash_from_base64(l).map_err(|_| bad("a proof line is not a hash")))
            .collect::<Result<Vec<_>, _>>()?;
        if hashes.len() > 64 {
            return Err(bad("more than 64 proof hashes"));
        }
        if checkpoint.is_empty() {
            return Err(bad("no checkpoint"));
        }
        Ok(Self {
            extra,
            index,
            hashes,
            checkpoint: checkpoint.to_owned(),
        })
    }

    /// Verifies the proof for the entry whose leaf hash is `leaf_hash`: the checkpoint opens
    /// with `log_key` (and the cosignatures of `witnesses` that are there verify), and the
    /// inclusion proof leads from the leaf to its root. Returns the checkpoint and the names
    /// of the witnesses whose cosignatures verified.
    pub fn verify(
        &self,
        leaf_hash: &Hash,
        log_key: &NoteVerifier,
        witnesses: &[NoteVerifier],
    ) -> Result<(Checkpoint, Vec<String>), TlogProofError> {
        let (cp, opened) = Checkpoint::open_with(self.checkpoint.as_bytes(), log_key, witnesses)?;
        merkle::verify_inclusion(leaf_hash, self.index, cp.size, &self.hashes, &cp.root)?;
        let cosigned = witnesses
            .iter()
            .filter(|w| {
                opened
                    .signatures
                    .iter()
                    .any(|s| s.name == w.name() && s.key_id == w.key_id())
            })
            .map(|w| w.name().to_owned())
            .collect();
        Ok((cp, cosigned))
    }
}

fn decimal(s: &str) -> Option<u64> {
    if s.is_empty() || (s.len() > 1 && s.starts_with('0')) || !s.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    s.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> TlogProof {
        TlogProof {
            extra: Some(b"{\"leaf\":1}".to_vec()),
            index: 73894,
            hashes: vec![[1; 32], [2; 32]],
            checkpoint: "example.com/log\n3\nAAAA\n\n\u{2014} example.com/log abc=\n".into(),
        }
    }

    #[test]
    fn text_round_trips() {
        let p = sample();
        let text = p.to_text();
        assert!(text.starts_with("c2sp.org/tlog-proof@v1\nextra eyJsZWFmIjoxfQ==\nindex 73894\n"));
        assert_eq!(TlogProof::parse(&text).unwrap(), p);
        let mut bare = p.clone();
        bare.extra = None;
        bare.hashes.clear();
        assert_eq!(TlogProof::parse(&bare.to_text()).unwrap(), bare);
    }

    #[test]
    fn malformed_proofs_are_refused() {
        let good = sample().to_text();
        for bad in [
            good.replacen("tlog-proof@v1", "tlog-proof@v2", 1),
            good.replacen("index 73894", "index 073894", 1),
            good.replacen("index 73894", "idx 73894", 1),
            good.replacen("extra eyJsZWFmIjoxfQ==", "extra !!", 1),
            good.replacen("\n\n", "\n", 1),
            good.replacen("AQEB", "AQE", 1),
        ] {
            assert!(TlogProof::parse(&bad).is_err(), "{bad:?}");
        }
    }
}
