//! c2sp.org/tlog-witness `add-checkpoint`: request format and the witness's decision, as
//! pure code (the caller persists the state and does the HTTP).
//!
//! Request body:
//!
//! ```text
//! old <size>\n
//! <base64 consistency-proof hash>\n      × 0..=63
//! \n
//! <checkpoint note with the log's signature(s)>
//! ```
//!
//! Decision order (c2sp.org/tlog-witness): malformed request or checkpoint text → 400;
//! unknown origin → 404; no valid signature by the log key, a bad one, or an unparsable
//! signature block → 403; `old > size` → 400; `old` differs
//! from the size the witness last cosigned for that origin (0 if none) → 409 with body
//! `<size>\n`; consistency proof from the stored (size, root) fails (with
//! [`crate::merkle::verify_consistency`], so `old == 0` needs an empty proof) → 422;
//! otherwise the witness updates its state and answers 200 with its cosignature line(s).
//! The caller must persist the new state atomically (compare-and-swap on the old size)
//! before answering.

use crate::checkpoint::{Checkpoint, CheckpointError};
use crate::cosignature::CosignatureSigner;
use crate::merkle::{self, EMPTY_ROOT, Hash, hash_from_base64};
use crate::note::{self, NoteError, NoteVerifier};
use std::collections::BTreeMap;

/// Most consistency-proof lines in a request.
pub const MAX_PROOF_LINES: usize = 63;
/// Largest request body.
pub const MAX_REQUEST_BYTES: usize = note::MAX_NOTE_BYTES + 8 * 1024;

/// Why a witness refuses an `add-checkpoint` request.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum WitnessError {
    /// Malformed request or checkpoint (400).
    #[error("malformed request: {0}")]
    Malformed(&'static str),
    /// The origin is not a log this witness follows (404).
    #[error("unknown log origin")]
    UnknownOrigin,
    /// The checkpoint is not validly signed by the log's key (403).
    #[error("invalid log signature: {0}")]
    BadSignature(NoteError),
    /// `old` is larger than the checkpoint size (400).
    #[error("old size {old} is larger than the checkpoint size {size}")]
    OldSizeTooLarge {
        /// Old size of the request.
        old: u64,
        /// Checkpoint size.
        size: u64,
    },
    /// `old` is not the size the witness last cosigned (409, body `<size>\n`).
    #[error("old size does not match the witnessed size {size}")]
    SizeConflict {
        /// The size the witness last cosigned for this origin.
        size: u64,
    },
    /// The consistency proof does not verify (422).
    #[error("consistency proof does not verify")]
    BadProof,
}

impl WitnessError {
    /// The HTTP status code tlog-witness prescribes.
    pub fn status(&self) -> u16 {
        match self {
            Self::Malformed(_) | Self::OldSizeTooLarge { .. } => 400,
            Self::UnknownOrigin => 404,
            Self::BadSignature(_) => 403,
            Self::SizeConflict { .. } => 409,
            Self::BadProof => 422,
        }
    }

    /// The response body: `<size>\n` for 409 (content type `text/x.tlog.size`), else a message.
    pub fn response_body(&self) -> String {
        match self {
            Self::SizeConflict { size } => format!("{size}\n"),
            other => format!("{other}\n"),
        }
    }
}

/// A parsed `add-checkpoint` request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AddCheckpointRequest {
    /// The size the client believes the witness last cosigned.
    pub old_size: u64,
    /// Consistency proof from `old_size` to the checkpoint's size.
    pub proof: Vec<Hash>,
    /// The signed checkpoint note.
    pub note: String,
}

impl AddCheckpointRequest {
    /// Parses a request body from untrusted bytes.
    pub fn parse(body: &[u8]) -> Result<Self, WitnessError> {
        if body.len() > MAX_REQUEST_BYTES {
            return Err(WitnessError::Malformed("request too large"));
        }
        let s = std::str::from_utf8(body).map_err(|_| WitnessError::Malformed("not UTF-8"))?;
        let (first, mut rest) = s
            .split_once('\n')
            .ok_or(WitnessError::Malformed("no old line"))?;
        let old = first
            .strip_prefix("old ")
            .ok_or(WitnessError::Malformed("first line is not 'old <size>'"))?;
        if old.is_empty()
            || !old.bytes().all(|b| b.is_ascii_digit())
            || (old.len() > 1 && old.starts_with('0'))
        {
            return Err(WitnessError::Malformed("invalid old size"));
        }
        let old_size: u64 = old
            .parse()
            .map_err(|_| WitnessError::Malformed("invalid old size"))?;
        let mut proof = Vec::new();
        loop {
            let (line, tail) = rest.split_once('\n').ok_or(WitnessError::Malformed(
                "no blank line before the checkpoint",
            ))?;
            rest = tail;
            if line.is_empty() {
                break;
            }
            if proof.len() >= MAX_PROOF_LINES {
                return Err(WitnessError::Malformed("too many proof lines"));
            }
            proof.push(
                hash_from_base64(line)
                    .map_err(|_| WitnessError::Malformed("invalid proof hash"))?,
            );
        }
        Ok(Self {
            old_size,
            proof,
            note: rest.to_owned(),
        })
    }

    /// The request body.
    pub fn to_body(&self) -> String {
        let mut s = format!("old {}\n", self.old_size);
        for h in &self.proof {
            s.push_str(&merkle::hash_to_base64(h));
            s.push('\n');
        }
        s.push('\n');
        s.push_str(&self.note);
        s
    }
}

/// What a witness knows about one log.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WitnessedLog {
    /// The log's note verifier key.
    pub log_key: NoteVerifier,
    /// The last cosigned (size, root), if any.
    pub latest: Option<(u64, Hash)>,
}

/// Decides an `add-checkpoint` request for a log (`None` = unknown origin). On success,
/// returns the verified checkpoint, which becomes the log's new latest state.
pub fn check_add_checkpoint(
    req: &AddCheckpointRequest,
    log: Option<&WitnessedLog>,
) -> Result<Checkpoint, WitnessError> {
    // The origin comes from the (not yet verified) text; the signature block is only
    // looked at once the log is known, so a broken signature line answers 403.
    let text = req
        .note
        .rfind("\n\n")
        .and_then(|i| req.note.get(..=i))
        .ok_or(WitnessError::Malformed("note has no signature block"))?;
    let claimed =
        Checkpoint::parse_text(text).map_err(|_| WitnessError::Malformed("bad checkpoint"))?;
    let log = log.ok_or(WitnessError::UnknownOrigin)?;
    let cp = match Checkpoint::open(req.note.as_bytes(), &log.log_key) {
        Ok(cp) => cp,
        Err(CheckpointError::Note(e)) => return Err(WitnessError::BadSignature(e)),
        Err(CheckpointError::NotSignedByLog) => {
            return Err(WitnessError::BadSignature(NoteError::NoKnownSignature));
        }
        Err(_) => return Err(WitnessError::Malformed("bad checkpoint")),
    };
    debug_assert_eq!(cp, claimed);
    if req.old_size > cp.size {
        return Err(WitnessError::OldSizeTooLarge {
            old: req.old_size,
            size: cp.size,
        });
    }
    let (size, root) = log.latest.unwrap_or((0, EMPTY_ROOT));
    if req.old_size != size {
        return Err(WitnessError::SizeConflict { size });
    }
    merkle::verify_consistency(size, cp.size, &req.proof, &root, &cp.root)
        .map_err(|_| WitnessError::BadProof)?;
    Ok(cp)
}

/// An in-memory witness: the logs it follows (by origin) and its cosigning key.
#[derive(Debug)]
pub struct Witness {
    cosigner: CosignatureSigner,
    logs: BTreeMap<String, WitnessedLog>,
}

impl Witness {
    /// A witness with no logs.
    pub fn new(cosigner: CosignatureSigner) -> Self {
        Self {
            cosigner,
            logs: BTreeMap::new(),
        }
    }

    /// Follows a log (origin and key); no checkpoint cosigned yet.
    pub fn add_log(&mut self, origin: impl Into<String>, log_key: NoteVerifier) {
        self.logs.insert(
            origin.into(),
            WitnessedLog {
                log_key,
                latest: None,
            },
        );
    }

    /// The last cosigned (size, root) of a log.
    pub fn latest(&self, origin: &str) -> Option<(u64, Hash)> {
        self.logs.get(origin).and_then(|l| l.latest)
    }

    /// Handles a request body at `timestamp` (Unix seconds); on success returns the
    /// response body (the cosignature line).
    pub fn add_checkpoint(&mut self, body: &[u8], timestamp: u64) -> Result<String, WitnessError> {
        let req = AddCheckpointRequest::parse(body)?;
        let origin = req
            .note
            .split_once('\n')
            .map(|(o, _)| o.to_owned())
            .ok_or(WitnessError::Malformed("bad checkpoint"))?;
        let cp = check_add_checkpoint(&req, self.logs.get(&origin))?;
        let line = self.cosigner.cosign(&cp, timestamp).to_line();
        if let Some(l) = self.logs.get_mut(&origin) {
            l.latest = Some((cp.size, cp.root));
        }
        Ok(line)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::merkle::{consistency_proof, leaf_hash, root};
    use crate::note::NoteSigner;

    #[test]
    fn witness_flow() {
        let log = NoteSigner::from_seed("example.com/log", &[3; 32]).unwrap();
        let w = CosignatureSigner::from_seed("example.com/witness", &[4; 32]).unwrap();
        let mut wit = Witness::new(w.clone());
        wit.add_log("example.com/log", log.verifier());
        let leaves: Vec<Hash> = (0..10u8).map(|i| leaf_hash(&[i])).collect();
        let note_at = |n: usize| {
            Checkpoint::new("example.com/log", n as u64, root(&leaves[..n]))
                .unwrap()
                .sign(&log)
                .unwrap()
        };
        let req = |old: u64, n: usize| AddCheckpointRequest {
            old_size: old,
            proof: consistency_proof(old, &leaves[..n]).unwrap(),
            note: note_at(n),
        };
        let body = req(0, 4).to_body();
        assert_eq!(
            AddCheckpointRequest::parse(body.as_bytes()).unwrap(),
            req(0, 4)
        );
        let line = wit.add_checkpoint(body.as_bytes(), 100).unwrap();
        assert!(line.starts_with("\u{2014} example.com/witness "));
        crate::cosignature::verify_cosignature(
            &w.verifier(),
            &Checkpoint::new("example.com/log", 4, root(&leaves[..4]))
                .unwrap()
                .to_text(),
            &line,
        )
        .unwrap();
        assert_eq!(wit.latest("example.com/log"), Some((4, root(&leaves[..4]))));
        let e = wit
            .add_checkpoint(req(0, 6).to_body().as_bytes(), 101)
            .unwrap_err();
        assert_eq!((e.status(), e.response_body()), (409, "4\n".into()));
        let mut bad = req(4, 6);
        bad.proof[0][0] ^= 1;
        assert_eq!(
            wit.add_checkpoint(bad.to_body().as_bytes(), 1)
                .unwrap_err()
                .status(),
            422
        );
        let mut big = req(4, 6);
        big.old_size = 7;
        assert_eq!(
            wit.add_checkpoint(big.to_body().as_bytes(), 1)
                .unwrap_err()
                .status(),
            400
        );
        wit.add_checkpoint(req(4, 6).to_body().as_bytes(), 102)
            .unwrap();
        // Same size, same root: accepted again; same size, other root: 422.
        wit.add_checkpoint(req(6, 6).to_body().as_bytes(), 103)
            .unwrap();
        let other = AddCheckpointRequest {
            old_size: 6,
            proof: vec![],
            note: Checkpoint::new("example.com/log", 6, [0; 32])
                .unwrap()
                .sign(&log)
                .unwrap(),
        };
        assert_eq!(
            wit.add_checkpoint(other.to_body().as_bytes(), 1)
                .unwrap_err()
                .status(),
            422
        );
        // Unknown origin, bad signature, malformed.
        let stranger = NoteSigner::from_seed("other.example/log", &[5; 32]).unwrap();
        let unknown = AddCheckpointRequest {
            old_size: 0,
            proof: vec![],
            note: Checkpoint::new("other.example/log", 0, EMPTY_ROOT)
                .unwrap()
                .sign(&stranger)
                .unwrap(),
        };
        assert_eq!(
            wit.add_checkpoint(unknown.to_body().as_bytes(), 1)
                .unwrap_err()
                .status(),
            404
        );
        let forged = AddCheckpointRequest {
            old_size: 6,
            proof: vec![],
            note: note_at(6),
        };
        let mut forged_note = forged.note.clone().into_bytes();
        let n = forged_note.len();
        forged_note[n - 5] = if forged_note[n - 5] == b'A' {
            b'B'
        } else {
            b'A'
        };
        let forged = AddCheckpointRequest {
            note: String::from_utf8(forged_note).unwrap(),
            ..forged
        };
        assert_eq!(
            wit.add_checkpoint(forged.to_body().as_bytes(), 1)
                .unwrap_err()
                .status(),
            403
        );
        for bad in [
            "",
            "old\n\n",
            "old 01\n\nx",
            "old 1\nnot-base64\n\nx",
            "old 1\n",
        ] {
            assert_eq!(
                wit.add_checkpoint(bad.as_bytes(), 1).unwrap_err().status(),
                400,
                "{bad:?}"
            );
        }
    }
}
