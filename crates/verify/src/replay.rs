//! The replay of a log's entries in index order through the one admission path, shared by
//! the whole-log check ([`crate::log::verify`]) and the check of proven entries (evidence
//! files and case bundles, [`crate::proven`]).
//!
//! Each entry is checked at the highest level its inputs allow: **full** with the trusted
//! registry and the entry's disclosed body ([`crate::admit`]: signature, key window, `prev`,
//! registry or Basel rules), **public** with the registry but no body (signature, key window
//! and `prev`), **integrity** without a registry (`prev` only). While it runs, it keeps the
//! state of every case it could replay in full — what findings and reports read at the end —
//! and, for one watched case, the trail of its steps.

use std::collections::{BTreeMap, HashMap};

use time::OffsetDateTime;
use wastetrail_basel::{Case, Facts, Obligation, ObligationKind, Registry, Verdict};
use wastetrail_ledger::disclosure::Disclosure;
use wastetrail_ledger::merkle::{self, Hash};
use wastetrail_ledger::statement::Leaf;

use crate::admission::{
    Checked, Effect, KeySnapshot, admit_with, authenticate_with, movement_verdict,
};
use crate::log::{Fault, Level, Registrar, fault};
use wastetrail_basel::REGISTRY_CASE;

/// One statement of a watched case, as the chain-of-custody report shows it.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Step {
    /// Leaf index.
    pub index: u64,
    /// Leaf hash, lowercase hex.
    pub leaf_hash: String,
    /// Statement type, e.g. `consent.granted`.
    #[serde(rename = "type")]
    pub kind: String,
    /// Who signed it (participant id).
    pub actor: String,
    /// With which key (key id).
    pub key: String,
    /// When the actor says it issued it (RFC 3339).
    pub issued_at: String,
    /// When the log integrated it (RFC 3339).
    pub integrated_at: String,
    /// The level it was verified at.
    pub level: Level,
    /// Its redacted body, when disclosed (personal data stays out).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body: Option<serde_json::Value>,
    /// For a `movement.started`: the shipment and what `may_start` answered at its start.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub movement: Option<MovementVerdict>,
}

/// What `may_start` answered for a movement when it started.
#[derive(Clone, Debug, serde::Serialize)]
pub struct MovementVerdict {
    /// The shipment number.
    pub shipment_no: u32,
    /// The verdict (decision, rule, citation and every check behind it).
    pub verdict: Verdict,
}

impl MovementVerdict {
    /// True when the movement had every consent it needed.
    pub fn consented(&self) -> bool {
        self.verdict.decision == wastetrail_basel::Decision::MayStart
    }
}

/// A duty of a case, at the log's time, that an auditor should look at: overdue
/// confirmations, illegal traffic, re-imports and consents about to lapse. Reported, not a
/// fault, unless the verifier runs with `--strict`.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Finding {
    /// The case.
    pub case: String,
    /// The duty, with its rule, citation, party and due date.
    #[serde(flatten)]
    pub obligation: Obligation,
}

/// Whether an obligation is a finding: something has gone wrong or is about to.
pub fn is_finding(o: &Obligation) -> bool {
    o.overdue
        || matches!(
            o.kind,
            ObligationKind::IllegalTraffic
                | ObligationKind::Reimport
                | ObligationKind::ConsentExpiring
        )
}

/// What is checked of one entry without the replay's state, so that it can run ahead of the
/// replay on all cores: the leaf parsed (canonical bytes), its hash, the disclosure parsed
/// and checked against the commitment (its body), and the signature verified with the key a
/// registry held before the entry (reused by the replay only if it is still that key).
pub(crate) struct Prepared {
    leaf: Result<Leaf, String>,
    hash: Hash,
    body: Option<Result<serde_json::Value, String>>,
    checked: Option<Checked>,
}

impl Prepared {
    /// Prepares the entry `bytes` with its `disclosure`, verifying its signature with the key
    /// `keys` holds (none: the replay verifies it).
    pub(crate) fn new(
        bytes: &[u8],
        disclosure: Option<&[u8]>,
        keys: Option<&KeySnapshot>,
    ) -> Prepared {
        let hash = merkle::leaf_hash(bytes);
        let leaf = match Leaf::parse(bytes) {
            Ok(l) => l,
            Err(e) => {
                return Prepared {
                    leaf: Err(e.to_string()),
                    hash,
                    body: None,
                    checked: None,
                };
            }
        };
        let body = disclosure.map(|d| {
            let d = Disclosure::parse(d).map_err(|e| e.to_string())?;
            d.check(leaf.statement.commitment())
                .map_err(|e| e.to_string())?;
            Ok(d.body_value())
        });
        let checked = match (keys, &body) {
            // A refused disclosure stops the replay before the signature.
            (Some(k), None | Some(Ok(_))) => k.check(&leaf.statement, &leaf.sig),
            _ => None,
        };
        Prepared {
            leaf: Ok(leaf),
            hash,
            body,
            checked,
        }
    }
}

/// Replay state: the registry and each case's head and state.
pub(crate) struct Replay<'a> {
    facts: &'a Facts,
    pub(crate) registry: Option<Registry>,
    registry_head: Option<Hash>,
    heads: HashMap<String, Hash>,
    pub(crate) cases: HashMap<String, Case>,
    pub(crate) levels: BTreeMap<String, Level>,
    pub(crate) signatures: u64,
    pub(crate) disclosures: u64,
    /// The log's time: the last entry's `integrated_at`.
    pub(crate) last_time: Option<OffsetDateTime>,
    watch: Option<String>,
    pub(crate) trail: Vec<Step>,
}

impl<'a> Replay<'a> {
    /// A replay starting from the registrar the auditor trusts (none: integrity only), which
    /// keeps the trail of `watch`.
    pub(crate) fn new(
        facts: &'a Facts,
        registrar: Option<&Registrar>,
        watch: Option<&str>,
    ) -> Self {
        // As the server bootstraps it: the key valid from the Unix epoch, so replay is
        // deterministic.
        let registry = registrar.map(|r| {
            Registry::bootstrap(
                &r.id,
                r.country,
                "Registrar",
                crate::admission::key_info(&r.key),
                OffsetDateTime::UNIX_EPOCH,
            )
        });
        Self {
            facts,
            registry,
            registry_head: None,
            heads: HashMap::new(),
            cases: HashMap::new(),
            levels: BTreeMap::new(),
            signatures: 0,
            disclosures: 0,
            last_time: None,
            watch: watch.map(str::to_owned),
            trail: Vec::new(),
        }
    }

    /// Checks and applies the entry at `index` with its disclosure, if any; its leaf hash.
    pub(crate) fn entry(
        &mut self,
        index: u64,
        bytes: &[u8],
        disclosure: Option<&[u8]>,
    ) -> Result<Hash, Box<Fault>> {
        self.apply(index, Prepared::new(bytes, disclosure, None))
    }

    /// Applies the entry at `index`, prepared by [`Prepared::new`] (possibly ahead of the
    /// replay, in parallel), in log order; its leaf hash. The faults and their order are
    /// those of checking the entry from its bytes here.
    pub(crate) fn apply(&mut self, index: u64, p: Prepared) -> Result<Hash, Box<Fault>> {
        let at_leaf = |mut f: Fault| {
            f.index = Some(index);
            Box::new(f)
        };
        let leaf = p.leaf.map_err(|e| at_leaf(fault("leaf", e)))?;
        let lh = p.hash;
        let st = &leaf.statement;
        let locate = |mut f: Fault| {
            f.index = Some(index);
            f.case = Some(st.case().to_owned());
            f.kind = Some(st.kind().to_owned());
            Box::new(f)
        };
        let body = match p.body {
            Some(b) => {
                let b = b.map_err(|e| locate(fault("disclosure", e)))?;
                self.disclosures += 1;
                Some(b)
            }
            None => None,
        };
        let checked = p.checked.as_ref();
        let is_registry = st.case() == REGISTRY_CASE;
        let head = if is_registry {
            self.registry_head
        } else {
            self.heads.get(st.case()).copied()
        };
        let at: OffsetDateTime = leaf.integrated_at.datetime();
        let watched = self.watch.as_deref() == Some(st.case());
        let mut movement = None;
        // A case that lacked one body is replayed without bodies from there on: the rules
        // cannot run over a state with a statement missing.
        let partial = !is_registry
            && self
                .levels
                .get(st.case())
                .is_some_and(|l| *l != Level::Full);
        let level = match (&self.registry, body.clone().filter(|_| !partial)) {
            (Some(registry), Some(body)) => {
                if watched {
                    movement = movement_verdict(
                        self.cases.get(st.case()),
                        &leaf.signed_statement(),
                        &body,
                        self.facts,
                    )
                    .map(|(shipment_no, verdict)| MovementVerdict {
                        shipment_no,
                        verdict,
                    });
                }
                let admitted = admit_with(
                    registry,
                    self.cases.get(st.case()),
                    head,
                    &leaf.signed_statement(),
                    body,
                    self.facts,
                    at,
                    checked,
                )
                .map_err(|r| {
                    let mut f = locate(fault("admission", r.to_string()));
                    if let crate::Refusal::Rule(rule) = &r {
                        f.rule_id = Some(rule.rule_id.as_str().to_owned());
                    } else {
                        f.rule_id = Some(r.code().to_owned());
                    }
                    f
                })?;
                self.signatures += 1;
                match admitted.effect {
                    Effect::Registry { registry, .. } => self.registry = Some(registry),
                    Effect::Case(c) => {
                        self.cases.insert(st.case().to_owned(), *c);
                    }
                }
                Level::Full
            }
            (Some(registry), None) => {
                if is_registry {
                    // Without the registry's bodies no later key is known.
                    self.registry = None;
                    Level::Integrity
                } else {
                    authenticate_with(registry, &leaf.signed_statement(), at, checked)
                        .map_err(|r| locate(fault("signature", r.to_string())))?;
                    self.signatures += 1;
                    if let Some(f) = check_prev(st.prev().copied(), head) {
                        return Err(locate(f));
                    }
                    Level::Public
                }
            }
            (None, _) => {
                if let Some(f) = check_prev(st.prev().copied(), head) {
                    return Err(locate(f));
                }
                Level::Integrity
            }
        };
        self.last_time = Some(at);
        if is_registry {
            self.registry_head = Some(lh);
        } else {
            self.heads.insert(st.case().to_owned(), lh);
            let worst = self.levels.entry(st.case().to_owned()).or_insert(level);
            if level_rank(level) < level_rank(*worst) {
                *worst = level;
            }
        }
        if watched {
            self.trail.push(Step {
                index,
                leaf_hash: hex::encode(lh),
                kind: st.kind().to_owned(),
                actor: st.actor().to_owned(),
                key: st.key().to_string(),
                issued_at: st.issued_at().to_string(),
                integrated_at: leaf.integrated_at.to_string(),
                level,
                body,
                movement,
            });
        }
        Ok(lh)
    }

    /// The findings of every case replayed in full, at the log's time.
    pub(crate) fn findings(&self) -> Vec<Finding> {
        let Some(at) = self.last_time else {
            return Vec::new();
        };
        let mut cases: Vec<(&String, &Case)> = self
            .cases
            .iter()
            .filter(|(id, _)| self.levels.get(*id) == Some(&Level::Full))
            .collect();
        cases.sort_by_key(|(id, _)| *id);
        cases
            .into_iter()
            .flat_map(|(id, case)| {
                wastetrail_basel::obligations(case, self.facts, at)
                    .into_iter()
                    .filter(is_finding)
                    .map(|obligation| Finding {
                        case: id.clone(),
                        obligation,
                    })
            })
            .collect()
    }

    /// The level of the log as a whole: the lowest of its cases.
    pub(crate) fn level(&self, leaves: u64) -> Level {
        self.levels
            .values()
            .copied()
            .min_by_key(|l| level_rank(*l))
            .unwrap_or(if leaves > 0 && self.registry.is_some() {
                Level::Full
            } else {
                Level::Integrity
            })
    }
}

/// `None` when `prev` is the chain's head, else the fault.
fn check_prev(prev: Option<Hash>, head: Option<Hash>) -> Option<Fault> {
    (prev != head).then(|| fault("prev", "prev is not the previous entry of the case"))
}

fn level_rank(l: Level) -> u8 {
    match l {
        Level::Integrity => 0,
        Level::Public => 1,
        Level::Full => 2,
    }
}

/// The chain of custody of one case: its steps, who signed them, its state and duties.
#[derive(Clone, Debug, serde::Serialize)]
pub struct CaseTrail {
    /// The case id.
    pub case: String,
    /// The level it was verified at.
    pub level: Level,
    /// Its statements in log order.
    pub steps: Vec<Step>,
    /// Who the signers are, from the replayed registry (participant id → who).
    pub participants: BTreeMap<String, Signer>,
    /// The case as the rules see it after its last statement (verified in full only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub state: Option<Case>,
    /// Its open duties at the log's time (verified in full only).
    pub obligations: Vec<Obligation>,
}

/// A signer as the registry knows it.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Signer {
    /// Its name.
    pub name: String,
    /// Its role (`competent_authority`, `exporter`, `customs`, …).
    pub kind: String,
    /// Its State.
    pub country: String,
}

impl Replay<'_> {
    /// The trail of the watched case, if it has any step.
    pub(crate) fn case_trail(&self) -> Option<CaseTrail> {
        let case = self.watch.clone()?;
        let level = *self.levels.get(&case)?;
        let participants = self
            .registry
            .as_ref()
            .map(|r| {
                self.trail
                    .iter()
                    .filter_map(|s| {
                        let p = r.get(&s.actor)?;
                        Some((
                            s.actor.clone(),
                            Signer {
                                name: p.name.clone(),
                                kind: p.kind.as_str().to_owned(),
                                country: p.country.as_str().to_owned(),
                            },
                        ))
                    })
                    .collect()
            })
            .unwrap_or_default();
        let state = (level == Level::Full)
            .then(|| self.cases.get(&case).cloned())
            .flatten();
        let obligations = match (&state, self.last_time) {
            (Some(c), Some(at)) => wastetrail_basel::obligations(c, self.facts, at),
            _ => Vec::new(),
        };
        Some(CaseTrail {
            case,
            level,
            steps: self.trail.clone(),
            participants,
            state,
            obligations,
        })
    }
}
