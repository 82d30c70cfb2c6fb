//! The reference API client of a wastetrail server: challenge login with a participant key,
//! filing signed statements (with the case head as `prev`), checking every receipt against the
//! log key, and the public read paths (checkpoint, entry bundles).
//!
//! The client trusts the server for nothing it can check: a receipt is accepted only when its
//! checkpoint carries a valid signature of the log key and the inclusion proof leads from the
//! leaf hash to the checkpoint's root; leaves fetched from entry bundles are checked against a
//! signed checkpoint by recomputing the root.

use std::time::Duration;

use base64::Engine as _;
use ed25519_dalek::Signer as _;
use serde_json::Value;
use wastetrail_ledger::checkpoint::Checkpoint;
use wastetrail_ledger::merkle::{self, Hash};
use wastetrail_ledger::note::NoteVerifier;
use wastetrail_ledger::statement::{ParticipantSigner, Submission};
use wastetrail_ledger::tiles::{self, EntryBundleId};

const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::STANDARD;

use wastetrail_server::routes::login::{ChallengeResponse, LoginRequest, LoginResponse};

// The wire types of the API, declared once, in the server crate.
pub use wastetrail_server::{LogInfo, Problem, ProblemFieldError, Receipt};

/// Errors of the client.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ClientError {
    /// The server could not be reached, or the connection failed.
    #[error("cannot talk to the server: {0}")]
    Transport(#[from] reqwest::Error),
    /// The server answered with a problem (4xx or 5xx).
    #[error("the server refused: {0}")]
    Problem(Box<Problem>),
    /// The server answered something this client does not understand.
    #[error("unexpected answer from the server ({status}): {detail}")]
    Unexpected {
        /// HTTP status.
        status: u16,
        /// What was wrong.
        detail: String,
    },
    /// The server's answer does not verify (checkpoint signature, inclusion proof, root).
    #[error("the server's answer does not verify: {0}")]
    Verification(String),
    /// A local input is invalid (statement, key).
    #[error("{0}")]
    Invalid(String),
}

impl ClientError {
    /// The problem of a refusal, if that is what this is.
    pub fn problem(&self) -> Option<&Problem> {
        match self {
            ClientError::Problem(p) => Some(p),
            _ => None,
        }
    }
}

/// A client of one server.
#[derive(Clone, Debug)]
pub struct Client {
    http: reqwest::Client,
    base: String,
    origin: String,
    log_key: NoteVerifier,
    token: Option<String>,
}

fn parse_hex_hash(what: &str, s: &str) -> Result<Hash, ClientError> {
    merkle::hash_from_hex(s)
        .map_err(|_| ClientError::Verification(format!("{what} is not a hash: {s:?}")))
}

async fn problem_of(resp: reqwest::Response) -> ClientError {
    let status = resp.status().as_u16();
    let text = match resp.text().await {
        Ok(t) => t,
        Err(e) => return ClientError::Transport(e),
    };
    match serde_json::from_str::<Problem>(&text) {
        Ok(mut p) if !p.code.is_empty() => {
            if p.status == 0 {
                p.status = status;
            }
            ClientError::Problem(Box::new(p))
        }
        _ => ClientError::Unexpected {
            status,
            detail: text.chars().take(300).collect(),
        },
    }
}

async fn json_of<T: serde::de::DeserializeOwned>(
    resp: reqwest::Response,
) -> Result<T, ClientError> {
    if !resp.status().is_success() {
        return Err(problem_of(resp).await);
    }
    let status = resp.status().as_u16();
    let bytes = resp.bytes().await?;
    serde_json::from_slice(&bytes).map_err(|e| ClientError::Unexpected {
        status,
        detail: format!("invalid JSON: {e}"),
    })
}

impl Client {
    /// Connects to the server at `base` (e.g. `http://127.0.0.1:8080`) and learns the log's
    /// origin and key from `GET /api/v1/log`. When `pinned_log_key` is given, the server's key
    /// must be exactly that one (otherwise the server's key is trusted on first use).
    pub async fn connect(base: &str, pinned_log_key: Option<&str>) -> Result<Client, ClientError> {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(60))
            .build()?;
        Self::connect_with(http, base, pinned_log_key).await
    }

    /// Like [`Client::connect`] with a given HTTP client (connection pool settings).
    pub async fn connect_with(
        http: reqwest::Client,
        base: &str,
        pinned_log_key: Option<&str>,
    ) -> Result<Client, ClientError> {
        let base = base.trim_end_matches('/').to_owned();
        let info: LogInfo = json_of(http.get(format!("{base}/api/v1/log")).send().await?).await?;
        let log_key = NoteVerifier::parse(&info.vkey).map_err(|e| {
            ClientError::Verification(format!("the log key {:?} is invalid: {e}", info.vkey))
        })?;
        if let Some(pinned) = pinned_log_key
            && pinned.trim() != info.vkey
        {
            return Err(ClientError::Verification(format!(
                "the server's log key {} is not the expected {}",
                info.vkey,
                pinned.trim()
            )));
        }
        Ok(Client {
            http,
            base,
            origin: info.origin,
            log_key,
            token: None,
        })
    }

    /// The base URL.
    pub fn base(&self) -> &str {
        &self.base
    }

    /// The log origin.
    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// The log key (note verifier).
    pub fn log_key(&self) -> &NoteVerifier {
        &self.log_key
    }

    /// The bearer token of the session, once logged in.
    pub fn token(&self) -> Option<&str> {
        self.token.as_deref()
    }

    /// The same server, without a session (for another participant).
    pub fn anonymous(&self) -> Client {
        Client {
            token: None,
            ..self.clone()
        }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    fn get(&self, path: &str) -> reqwest::RequestBuilder {
        let r = self.http.get(self.url(path));
        match &self.token {
            Some(t) => r.bearer_auth(t),
            None => r,
        }
    }

    /// Logs in as `participant` with `signer`: asks for a challenge and signs
    /// `"wastetrail/login/v1\n" + origin + "\n" + challenge`.
    pub async fn login(
        &mut self,
        participant: &str,
        signer: &ParticipantSigner,
    ) -> Result<(), ClientError> {
        let c: ChallengeResponse = json_of(
            self.http
                .post(self.url("/api/v1/login/challenge"))
                .send()
                .await?,
        )
        .await?;
        if c.origin != self.origin {
            return Err(ClientError::Verification(format!(
                "the challenge is for origin {:?}, the log is {:?}",
                c.origin, self.origin
            )));
        }
        let msg = wastetrail_server::login_signing_input(&self.origin, &c.challenge);
        let sk = ed25519_dalek::SigningKey::from_bytes(&signer.seed());
        let body = LoginRequest {
            participant: Some(participant.to_owned()),
            key: signer.key_id().to_string(),
            signature: B64.encode(sk.sign(&msg).to_bytes()),
            challenge: c.challenge,
        };
        let s: LoginResponse = json_of(
            self.http
                .post(self.url("/api/v1/login"))
                .json(&body)
                .send()
                .await?,
        )
        .await?;
        self.token = Some(s.token);
        Ok(())
    }

    /// The head of a case as the logged-in participant sees it: `Ok(Some(hex))` for the leaf
    /// hash of its last entry, `Ok(None)` when the case is unknown (or not visible). The
    /// registry's head comes from `GET /api/v1/registry`.
    pub async fn case_head(&self, case: &str) -> Result<Option<String>, ClientError> {
        if case == wastetrail_basel::REGISTRY_CASE {
            let v = self.get_json("/api/v1/registry").await?;
            return Ok(v["head"].as_str().map(str::to_owned));
        }
        let resp = self
            .get(&format!("/api/v1/cases/{}", path_segment(case)))
            .send()
            .await?;
        if resp.status() == reqwest::StatusCode::NOT_FOUND {
            return Ok(None);
        }
        let v: Value = json_of(resp).await?;
        match v["summary"]["head"].as_str() {
            Some(h) => Ok(Some(h.to_owned())),
            None => Err(ClientError::Unexpected {
                status: 200,
                detail: "the case has no summary.head".into(),
            }),
        }
    }

    /// The status and bytes of `GET path` (with the session, if any), whatever the status.
    pub async fn get_raw(&self, path: &str) -> Result<(u16, Vec<u8>), ClientError> {
        let resp = self.get(path).send().await?;
        let status = resp.status().as_u16();
        Ok((status, resp.bytes().await?.to_vec()))
    }

    /// A JSON read (`GET path`) with the session, if any.
    pub async fn get_json(&self, path: &str) -> Result<Value, ClientError> {
        json_of(self.get(path).send().await?).await
    }

    /// Posts a submission (signed statement and the disclosure of its body) and returns the
    /// server's receipt, after checking it with [`Client::verify_receipt`]. Refusals are
    /// [`ClientError::Problem`].
    pub async fn submit(&self, submission: &Submission) -> Result<Receipt, ClientError> {
        let bytes = serde_json::to_vec(&submission.to_value())
            .map_err(|e| ClientError::Invalid(format!("the statement cannot be encoded: {e}")))?;
        self.submit_bytes(bytes, true).await
    }

    /// Posts statement bytes as they are; `verify` checks the receipt.
    pub async fn submit_bytes(&self, bytes: Vec<u8>, verify: bool) -> Result<Receipt, ClientError> {
        let mut req = self
            .http
            .post(self.url("/api/v1/statements"))
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(bytes);
        if let Some(t) = &self.token {
            req = req.bearer_auth(t);
        }
        let receipt: Receipt = json_of(req.send().await?).await?;
        if verify {
            self.verify_receipt(&receipt)?;
        }
        Ok(receipt)
    }

    /// Checks a receipt: the checkpoint is signed by the log key for this origin, its size is
    /// the receipt's, and the inclusion proof leads from the leaf hash to its root.
    pub fn verify_receipt(&self, r: &Receipt) -> Result<Checkpoint, ClientError> {
        let cp = Checkpoint::open(r.checkpoint.as_bytes(), &self.log_key)
            .map_err(|e| ClientError::Verification(format!("checkpoint: {e}")))?;
        if cp.origin != self.origin {
            return Err(ClientError::Verification(format!(
                "checkpoint origin {:?} is not {:?}",
                cp.origin, self.origin
            )));
        }
        if cp.size != r.size {
            return Err(ClientError::Verification(format!(
                "checkpoint size {} is not the receipt's {}",
                cp.size, r.size
            )));
        }
        let leaf = parse_hex_hash("leaf_hash", &r.leaf_hash)?;
        let proof = r
            .proof
            .iter()
            .map(|h| parse_hex_hash("proof hash", h))
            .collect::<Result<Vec<_>, _>>()?;
        merkle::verify_inclusion(&leaf, r.index, cp.size, &proof, &cp.root).map_err(|e| {
            ClientError::Verification(format!("inclusion proof of entry {}: {e}", r.index))
        })?;
        Ok(cp)
    }

    /// The latest signed checkpoint note, checked with the log key.
    pub async fn checkpoint(&self) -> Result<(String, Checkpoint), ClientError> {
        let resp = self.http.get(self.url("/checkpoint")).send().await?;
        if !resp.status().is_success() {
            return Err(problem_of(resp).await);
        }
        let note = resp.text().await?;
        let cp = Checkpoint::open(note.as_bytes(), &self.log_key)
            .map_err(|e| ClientError::Verification(format!("checkpoint: {e}")))?;
        if cp.origin != self.origin {
            return Err(ClientError::Verification(format!(
                "checkpoint origin {:?} is not {:?}",
                cp.origin, self.origin
            )));
        }
        Ok((note, cp))
    }

    async fn bundle(&self, id: EntryBundleId) -> Result<Vec<Vec<u8>>, ClientError> {
        let resp = self.get(&format!("/{}", id.path())).send().await?;
        let (bytes, want) = if resp.status() == reqwest::StatusCode::NOT_FOUND && id.width < 256 {
            // The partial bundle became full meanwhile (C2SP tlog-tiles): take the full one.
            let full = EntryBundleId {
                index: id.index,
                width: 256,
            };
            let resp = self.get(&format!("/{}", full.path())).send().await?;
            if !resp.status().is_success() {
                return Err(problem_of(resp).await);
            }
            (resp.bytes().await?, usize::from(id.width))
        } else {
            if !resp.status().is_success() {
                return Err(problem_of(resp).await);
            }
            (resp.bytes().await?, usize::from(id.width))
        };
        let entries = tiles::parse_entry_bundle(&bytes)
            .map_err(|e| ClientError::Verification(format!("entry bundle {}: {e}", id.path())))?;
        if entries.len() < want {
            return Err(ClientError::Verification(format!(
                "entry bundle {} holds {} entries, expected {want}",
                id.path(),
                entries.len()
            )));
        }
        Ok(entries.into_iter().take(want).map(<[u8]>::to_vec).collect())
    }

    /// Every leaf of the tree of `cp` (in index order), fetched from the public entry bundles
    /// and checked: the root recomputed from their leaf hashes must be the checkpoint's root.
    pub async fn leaves(&self, cp: &Checkpoint) -> Result<Vec<Vec<u8>>, ClientError> {
        let mut out = Vec::with_capacity(usize::try_from(cp.size).unwrap_or(0));
        for id in tiles::entry_bundles_for_size(cp.size) {
            out.extend(self.bundle(id).await?);
        }
        let hashes: Vec<Hash> = out.iter().map(|l| merkle::leaf_hash(l)).collect();
        if merkle::root(&hashes) != cp.root {
            return Err(ClientError::Verification(format!(
                "the root of the {} leaves served is not the root of the signed checkpoint",
                cp.size
            )));
        }
        Ok(out)
    }
}

/// Percent-encodes a path segment (case ids may hold `/` or spaces).
pub fn path_segment(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_segments_are_escaped() {
        assert_eq!(path_segment("DE-2026/01 x"), "DE-2026%2F01%20x");
        assert_eq!(path_segment("NL.1_a~"), "NL.1_a~");
    }
}
