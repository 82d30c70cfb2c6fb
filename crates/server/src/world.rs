//! The in-process view of the log: the registry, every case and the indexes the API needs,
//! rebuilt by replaying the log's entries in order with the very same rules
//! (`wastetrail_basel::{apply, Registry::apply}`) the append path runs.
//!
//! The view is a cache of the log, never a second source of truth: before every decision and
//! every read it catches up with the store's current tree size (one cheap query), so several
//! server processes on one PostgreSQL log see each other's entries. Cases are replayed from
//! the log because their state types are not deserializable by design: the log is the only
//! input the verifier trusts, and the server derives its state the same way.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use sha2::{Digest, Sha256};
use wastetrail_basel::{Case, CountryCode, Facts, Participant, ParticipantKind, Registry, Verdict};
use wastetrail_ledger::disclosure::Disclosure;
use wastetrail_ledger::merkle::Hash;
use wastetrail_ledger::statement::{Leaf, SignedStatement};
use wastetrail_store::{Entry, LedgerStore, Store, StoreError};
use wastetrail_verify::Effect;

use wastetrail_basel::REGISTRY_CASE;

/// What the view remembers of every entry.
#[derive(Clone, Debug)]
pub struct EntryMeta {
    /// Leaf index.
    pub index: u64,
    /// Leaf hash.
    pub leaf_hash: Hash,
    /// The statement's case (`registry` for registry statements).
    pub case: String,
    /// The statement type.
    pub kind: String,
    /// The actor.
    pub actor: String,
    /// `issued_at` as written.
    pub issued_at: String,
    /// `integrated_at` as written.
    pub integrated_at: String,
    /// False when replaying the entry was refused by the rules (a fault in the log or a change
    /// of law data); the entry still counts for the hash chain.
    pub applied: bool,
}

/// One case and its bookkeeping.
#[derive(Clone, Debug)]
pub struct CaseState {
    /// The case as the rules see it.
    pub case: Case,
    /// Leaf hash of the case's last entry.
    pub head: Hash,
    /// Leaf indexes of the case's entries, in order.
    pub entries: Vec<u64>,
    /// Everyone who filed a statement in the case.
    pub filers: BTreeSet<String>,
}

/// A `movement.started` entry: what a customs officer checks at the border.
#[derive(Clone, Debug)]
pub struct MovementInfo {
    /// Leaf index.
    pub index: u64,
    /// The case.
    pub case: String,
    /// The shipment number.
    pub shipment_no: u32,
    /// `may_start` evaluated on the case as it stood just before the movement, at its start.
    pub verdict: Verdict,
}

/// The replayed view of the log.
#[derive(Clone, Debug)]
pub struct World {
    /// Entries replayed (= tree size covered).
    pub size: u64,
    /// The participant registry.
    pub registry: Registry,
    /// Cases by id.
    pub cases: BTreeMap<String, CaseState>,
    /// Head of the registry chain.
    pub registry_head: Option<Hash>,
    /// SHA-256 of a signed statement's canonical JSON -> its leaf index (idempotency).
    pub statements: HashMap<Hash, u64>,
    /// Per entry, by index.
    pub entries: Vec<EntryMeta>,
    /// Leaf hash of the last registry entry that changed a participant.
    pub participant_versions: HashMap<String, Hash>,
    /// Movement documents by leaf hash.
    pub movements: HashMap<Hash, MovementInfo>,
    /// Leaf hash -> index.
    pub by_leaf_hash: HashMap<Hash, u64>,
    /// Entries whose replay was refused.
    pub replay_faults: u64,
}

/// SHA-256 of the canonical JSON of a signed statement: its identity for idempotency.
pub fn statement_digest(s: &SignedStatement) -> Option<Hash> {
    let bytes = s.to_json_bytes().ok()?;
    Some(Sha256::digest(&bytes).into())
}

/// The role(s) a participant has in a case.
pub fn roles_in(p: &Participant, cs: &CaseState) -> Vec<&'static str> {
    let mut roles = Vec::new();
    if p.kind == ParticipantKind::Auditor {
        roles.push("auditor");
    }
    let c = &cs.case;
    if c.notifier.as_deref() == Some(p.id.as_str()) {
        roles.push("notifier");
    }
    if let Some(n) = &c.notification {
        if n.exporter == p.id {
            roles.push("exporter");
        }
        if n.generators.iter().any(|g| g.participant == p.id) {
            roles.push("generator");
        }
        if n.importer == p.id {
            roles.push("importer");
        }
        if n.disposer == p.id {
            roles.push("disposer");
        }
        let named_carrier = n.carriers.contains(&p.id)
            || c.shipments.values().any(|s| {
                s.document
                    .as_ref()
                    .is_some_and(|d| d.carriers.contains(&p.id))
                    || s.custody.iter().any(|e| e.holder == p.id)
            });
        if named_carrier {
            roles.push("carrier");
        }
        let concerned: Vec<&CountryCode> = n.states_concerned();
        if p.kind == ParticipantKind::CompetentAuthority && concerned.contains(&&p.country) {
            if p.country == n.export.country {
                roles.push("authority_of_export");
            }
            if p.country == n.import.country {
                roles.push("authority_of_import");
            }
            if n.transit.iter().any(|t| t.country == p.country) {
                roles.push("authority_of_transit");
            }
        }
        if p.kind == ParticipantKind::CustomsOffice && concerned.contains(&&p.country) {
            roles.push("customs");
        }
    }
    if roles.is_empty() && cs.filers.contains(&p.id) {
        roles.push("filer");
    }
    // A customs office that recorded a crossing, or an authority or customs of a State an
    // illegal-traffic report names (export, import, transit, where found), concerns the case.
    if roles.is_empty() {
        let seen_in = c
            .shipments
            .values()
            .flat_map(|s| s.crossings.iter().map(|x| x.country))
            .chain(c.reported_states())
            .any(|country| country == p.country);
        if seen_in
            && matches!(
                p.kind,
                ParticipantKind::CompetentAuthority | ParticipantKind::CustomsOffice
            )
        {
            roles.push(if p.kind == ParticipantKind::CustomsOffice {
                "customs"
            } else {
                "authority"
            });
        }
    }
    roles
}

/// May `p` see the case? Its parties, the authorities and customs of the States concerned,
/// anyone who filed in it, and auditors.
pub fn may_see(p: &Participant, cs: &CaseState) -> bool {
    !roles_in(p, cs).is_empty()
}

/// The countries a case concerns (export, transit, import).
pub fn countries_of(cs: &CaseState) -> Vec<CountryCode> {
    cs.case
        .notification
        .as_ref()
        .map(|n| n.states_concerned().into_iter().copied().collect())
        .unwrap_or_default()
}

impl World {
    /// An empty view over a registry bootstrapped from the configuration.
    pub fn new(registry: Registry) -> World {
        World {
            size: 0,
            registry,
            cases: BTreeMap::new(),
            registry_head: None,
            statements: HashMap::new(),
            entries: Vec::new(),
            participant_versions: HashMap::new(),
            movements: HashMap::new(),
            by_leaf_hash: HashMap::new(),
            replay_faults: 0,
        }
    }

    /// The head of a chain (`registry` or a case id).
    pub fn head_of(&self, case: &str) -> Option<Hash> {
        if case == REGISTRY_CASE {
            self.registry_head
        } else {
            self.cases.get(case).map(|c| c.head)
        }
    }

    /// Replays one stored entry with the disclosure stored beside it (the rules read its
    /// redacted body; without a disclosure that matches the leaf's commitment the entry
    /// counts for the hash chain but is a replay fault). Entries must come in index order.
    pub fn apply_entry(&mut self, entry: &Entry, disclosure: Option<&[u8]>, facts: &Facts) {
        let Ok(leaf) = Leaf::parse(&entry.data) else {
            tracing::error!(index = entry.index, "log entry is not a wastetrail leaf");
            self.replay_faults += 1;
            self.entries.push(EntryMeta {
                index: entry.index,
                leaf_hash: entry.leaf_hash,
                case: String::new(),
                kind: String::new(),
                actor: String::new(),
                issued_at: String::new(),
                integrated_at: String::new(),
                applied: false,
            });
            self.by_leaf_hash
                .entry(entry.leaf_hash)
                .or_insert(entry.index);
            self.size = entry.index + 1;
            return;
        };
        let body = disclosure
            .and_then(|d| Disclosure::parse(d).ok())
            .filter(|d| d.check(leaf.statement.commitment()).is_ok())
            .map(|d| d.body_value());
        if body.is_none() {
            tracing::error!(
                index = entry.index,
                "log entry has no disclosure matching its commitment"
            );
        }
        let applied = self.apply_leaf(entry.index, entry.leaf_hash, &leaf, body, facts);
        if !applied {
            self.replay_faults += 1;
            tracing::error!(
                index = entry.index,
                "replaying a log entry was refused by the rules"
            );
        }
        self.size = entry.index + 1;
    }

    fn apply_leaf(
        &mut self,
        index: u64,
        leaf_hash: Hash,
        leaf: &Leaf,
        body: Option<serde_json::Value>,
        facts: &Facts,
    ) -> bool {
        let st = &leaf.statement;
        let signed = leaf.signed_statement();
        if let Some(d) = statement_digest(&signed) {
            self.statements.entry(d).or_insert(index);
        }
        self.by_leaf_hash.entry(leaf_hash).or_insert(index);
        let at = leaf.integrated_at.datetime();
        let mut applied = false;
        if let Some(body) = body {
            // The one admission path, as the server ran it when appending: signature, key
            // window, prev, registry or Basel rules at the leaf's integration time.
            let head = self.head_of(st.case());
            let case = self.cases.get(st.case()).map(|c| &c.case);
            let movement_verdict = wastetrail_verify::movement_verdict(case, &signed, &body, facts);
            match wastetrail_verify::admit(&self.registry, case, head, &signed, body, facts, at) {
                Ok(admitted) => {
                    applied = true;
                    match admitted.effect {
                        Effect::Registry { registry, target } => {
                            if let Some(target) = target {
                                self.participant_versions.insert(target, leaf_hash);
                            }
                            self.registry = registry;
                        }
                        Effect::Case(next) => {
                            if let Some((shipment_no, verdict)) = movement_verdict {
                                self.movements.insert(
                                    leaf_hash,
                                    MovementInfo {
                                        index,
                                        case: st.case().to_owned(),
                                        shipment_no,
                                        verdict,
                                    },
                                );
                            }
                            let cs = self.cases.entry(st.case().to_owned()).or_insert_with(|| {
                                CaseState {
                                    case: Case::new(st.case()),
                                    head: leaf_hash,
                                    entries: Vec::new(),
                                    filers: BTreeSet::new(),
                                }
                            });
                            cs.case = *next;
                        }
                    }
                }
                Err(r) => {
                    tracing::error!(index, code = r.code(), refusal = %r, "the log holds an entry the admission path refuses");
                }
            }
        }
        // The chain advances whether or not the replay succeeded.
        if st.case() == REGISTRY_CASE {
            self.registry_head = Some(leaf_hash);
        } else {
            let cs = self
                .cases
                .entry(st.case().to_owned())
                .or_insert_with(|| CaseState {
                    case: Case::new(st.case()),
                    head: leaf_hash,
                    entries: Vec::new(),
                    filers: BTreeSet::new(),
                });
            cs.head = leaf_hash;
            cs.entries.push(index);
            cs.filers.insert(st.actor().to_owned());
        }
        self.entries.push(EntryMeta {
            index,
            leaf_hash,
            case: st.case().to_owned(),
            kind: st.kind().to_owned(),
            actor: st.actor().to_owned(),
            issued_at: st.issued_at().to_string(),
            integrated_at: leaf.integrated_at.to_string(),
            applied,
        });
        applied
    }

    /// May `p` see the entry?
    pub fn may_see_entry(&self, p: &Participant, e: &EntryMeta) -> bool {
        if e.case == REGISTRY_CASE || p.kind == ParticipantKind::Auditor {
            return true;
        }
        self.cases.get(&e.case).is_some_and(|cs| may_see(p, cs))
    }
}

pub use wastetrail_verify::admission::registry_target;

/// Brings `world` up to the store's current tree size.
pub async fn catch_up(
    world: &tokio::sync::RwLock<World>,
    store: &Store,
    facts: &Facts,
) -> Result<u64, StoreError> {
    let size = store.tree_size().await?;
    loop {
        let from = world.read().await.size;
        if from >= size {
            return Ok(from);
        }
        // Read the missing entries WITHOUT holding the lock (database reads are the slow part),
        // then apply them under the write lock, skipping any that a concurrent catch-up
        // applied meanwhile. The write lock is held only for the (pure, CPU-only) replay.
        let batch = store.entries(from, 1024).await?;
        if batch.is_empty() {
            return Ok(from);
        }
        let count = u32::try_from(batch.len()).unwrap_or(u32::MAX);
        let disclosures: HashMap<u64, Vec<u8>> = store
            .disclosures(from, count)
            .await?
            .into_iter()
            .map(|d| (d.index, d.data))
            .collect();
        let mut w = world.write().await;
        for e in &batch {
            if e.index == w.size {
                w.apply_entry(e, disclosures.get(&e.index).map(Vec::as_slice), facts);
            }
        }
    }
}
