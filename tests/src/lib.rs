//! # wastetrail-e2e
//!
//! Cross-crate tests of wastetrail and what they share: [`generate`] builds a realistic signed
//! log — a registry and complete cases of every statement type, each statement admitted by the
//! one admission path as it is built — and [`Mirror`] holds it as a C2SP tlog-tiles mirror in
//! memory (checkpoint, hash tiles of every level, entry bundles, disclosures) that the verifier
//! reads through its `LogSource` trait; [`process`] runs the real `wastetrail` binary, and
//! [`pg`] is the one fresh-PostgreSQL harness of the workspace's tests. Not part of the
//! product: test support only.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

pub mod pg;
pub mod process;
pub mod stream;

use std::collections::{BTreeSet, HashMap};

use serde_json::{Value, json};
use time::OffsetDateTime;
use wastetrail_basel::body::{KeyAdded, KeyRevoked, ParticipantRegistered};
use wastetrail_basel::{Case, CountryCode, Facts, ParticipantKind, REGISTRY_CASE, Registry};
use wastetrail_ledger::checkpoint::Checkpoint;
use wastetrail_ledger::merkle::{self, Hash};
use wastetrail_ledger::note::NoteSigner;
use wastetrail_ledger::statement::{
    Leaf, ParticipantPublicKey, ParticipantSigner, Submission, Timestamp,
};
use wastetrail_ledger::tiles::{self, EntryBundleId, TileId};
use wastetrail_verify::log::SourceError;
use wastetrail_verify::{Effect, LogSource, Registrar, Trust, admit, key_info};

/// The log origin of generated logs.
pub const ORIGIN: &str = "e2e.wastetrail.example/log";

/// A generated log: leaves and their disclosures, the keys that signed them.
#[derive(Clone)]
pub struct GeneratedLog {
    /// Leaf bytes in log order.
    pub leaves: Vec<Vec<u8>>,
    /// The disclosure of each leaf.
    pub disclosures: Vec<Value>,
    /// Participant keys by id.
    pub keys: HashMap<String, ParticipantSigner>,
    /// Keys revoked in the registry (participant id, key), for tests that misuse them.
    pub revoked: Vec<(String, ParticipantSigner)>,
    /// The log key.
    pub log: NoteSigner,
    /// Statement types present.
    pub kinds: BTreeSet<String>,
    /// Case ids.
    pub cases: Vec<String>,
}

#[derive(Clone)]
pub(crate) struct Builder {
    facts: Facts,
    registry: Registry,
    registry_head: Option<Hash>,
    cases: HashMap<String, (Case, Hash)>,
    out: GeneratedLog,
    clock: i64,
}

/// Midnight (UTC) of the generated log's first day: 2026-03-01.
pub(crate) const DAY0: i64 = 1_772_323_200;

fn day(d: i64) -> String {
    let t = OffsetDateTime::from_unix_timestamp(DAY0 + d * 86_400).unwrap();
    format!("{:04}-{:02}-{:02}", t.year(), u8::from(t.month()), t.day())
}

impl Builder {
    fn file(&mut self, actor: &str, kind: &str, case: &str, body: Value) {
        self.clock += 7;
        let issued = Timestamp::from_unix(self.clock).unwrap();
        let at = Timestamp::from_unix(self.clock + 1).unwrap();
        let signer = self.out.keys[actor].clone();
        let (head, state) = if case == wastetrail_basel::REGISTRY_CASE {
            (self.registry_head, None)
        } else {
            match self.cases.get(case) {
                Some((c, h)) => (Some(*h), Some(c)),
                None => (None, None),
            }
        };
        let s = Submission::seal(&signer, kind, case, actor, issued, head, body).unwrap();
        let admitted = admit(
            &self.registry,
            state,
            head,
            &s.signed,
            s.disclosure.body_value(),
            &self.facts,
            at.datetime(),
        )
        .unwrap_or_else(|r| panic!("{kind} by {actor} in {case}: {r}"));
        let leaf = Leaf::new(s.signed, at).to_bytes().unwrap();
        let lh = merkle::leaf_hash(&leaf);
        match admitted.effect {
            Effect::Registry { registry, .. } => {
                self.registry = registry;
                self.registry_head = Some(lh);
            }
            Effect::Case(c) => {
                self.cases.insert(case.to_owned(), (*c, lh));
            }
        }
        self.out.leaves.push(leaf);
        self.out.disclosures.push(s.disclosure.to_value());
        self.out.kinds.insert(kind.to_owned());
    }

    fn register(&mut self, by: &str, id: &str, kind: &str, country: &str) {
        let k = ParticipantSigner::from_seed(&seed_of(id));
        let body = ParticipantRegistered {
            name: format!("{id} (generated)"),
            ..registration(id, kind, country, &k.public_key())
        };
        self.out.keys.insert(id.to_owned(), k);
        self.file(by, "participant.registered", REGISTRY_CASE, typed(&body));
    }
}

/// The `participant.registered` body of `id`, a participant of `kind` (wire name, e.g.
/// `competent_authority`) in `country`, named after its id, at `1 Test Street`, with `key`.
pub fn registration(
    id: &str,
    kind: &str,
    country: &str,
    key: &ParticipantPublicKey,
) -> ParticipantRegistered {
    ParticipantRegistered {
        id: id.to_owned(),
        kind: ParticipantKind::parse(kind).unwrap_or_else(|| panic!("kind {kind:?}")),
        country: CountryCode::parse(country).unwrap(),
        name: id.to_owned(),
        address: "1 Test Street".into(),
        key: key_info(key),
    }
}

/// A typed statement body (`wastetrail_basel::body`) as the JSON a statement carries.
pub fn typed(body: &impl serde::Serialize) -> Value {
    serde_json::to_value(body).unwrap()
}

fn seed_of(id: &str) -> [u8; 32] {
    let mut s = [0u8; 32];
    for (i, b) in id.bytes().enumerate() {
        s[i % 32] = s[i % 32].wrapping_mul(31).wrapping_add(b);
    }
    s[31] ^= 0x5a;
    s
}

fn notification(d: i64, kind: &str, shipments: u32, per_kg: u64, contract: &str) -> Value {
    let mut n = json!({
        "kind": kind, "reason": "recovery of metals from printed circuit boards",
        "justification": "raw_material_for_recovery",
        "exporter": "exporter-de",
        "generators": [{"participant": "generator-de", "site": "Werk 1, Essen", "process": "dismantling"}],
        "importer": "importer-nl", "disposer": "disposer-nl",
        "facility": {"name": "Metals Recovery BV", "site": "Haven 5, Rotterdam"},
        "carriers": ["carrier-de", "carrier-nl"],
        "export": {"country": "DE", "authority": "ca-de", "customs_office": "customs-de"},
        "transit": [{"country": "BE", "authority": "ca-be", "entry_office": "customs-be-in", "exit_office": "customs-be-out"}],
        "import": {"country": "NL", "authority": "ca-nl", "customs_office": "customs-nl"},
        "period": {"first_departure": day(d), "last_departure": day(d + 180)},
        "planned_shipments": shipments, "transport": ["road"],
        "insurance": {"insurer": "Rhein Versicherung AG", "policy": "P-77", "coverage": "EUR 5 000 000"},
        "waste": {"description": "waste printed circuit boards", "codes": ["A1181"],
                  "composition": "copper, gold, epoxy", "handling": "keep dry"},
        "packaging": ["palletised"],
        "quantity": {"total_kg": per_kg * u64::from(shipments), "per_shipment_kg": per_kg},
        "operation": "R4", "esm_assessment": "ISO 14001 certified facility",
        "contract": {"reference": contract, "concluded_on": day(d)},
        "declaration_correct": true,
        "contact": {"name": "Jana Beispiel", "phone": "+49 201 555 0100"}
    });
    if kind == "single" {
        n["quantity"]
            .as_object_mut()
            .unwrap()
            .remove("per_shipment_kg");
    }
    n
}

fn movement(d: i64, no: u32, kg: u64) -> Value {
    json!({
        "shipment_no": no, "started_on": day(d), "exporter": "exporter-de", "generators": ["generator-de"],
        "disposer": "disposer-nl", "site": "Haven 5, Rotterdam", "carriers": ["carrier-de", "carrier-nl"],
        "transport": ["road"], "exit_office": "customs-de", "entry_office": "customs-nl", "transit": ["BE"],
        "description": "waste printed circuit boards", "codes": ["A1181"], "handling": "keep dry",
        "packages": {"kind": "palletised", "count": 20}, "quantity_kg": kg,
        "declaration_correct": true, "declaration_no_objection": true
    })
}

/// Builds a log of the registry and `cases` cases (at least 7 to hold every statement type),
/// each statement signed by its participant and admitted by the one admission path.
pub fn generate(cases: usize) -> GeneratedLog {
    let mut b = Builder::registry();
    for i in 0..cases {
        b.case(i);
    }
    b.out
}

/// Entries of case `i` (by `i % 7`): every case of [`generate`] is one of seven kinds.
pub(crate) const CASE_ENTRIES: [u64; 7] = [4, 5, 3, 5, 9, 14, 14];

impl Builder {
    /// The registrar's registry with every participant registered and the exporter's key
    /// rotated (key.added, key.revoked).
    pub(crate) fn registry() -> Builder {
        let registrar = ParticipantSigner::from_seed(&[1; 32]);
        let registry = Registry::bootstrap(
            "registrar",
            CountryCode::parse("ZZ").unwrap(),
            "Registrar",
            key_info(&registrar.public_key()),
            OffsetDateTime::UNIX_EPOCH,
        );
        let mut keys = HashMap::new();
        keys.insert("registrar".to_owned(), registrar);
        let mut b = Builder {
            facts: Facts::try_builtin().unwrap(),
            registry,
            registry_head: None,
            cases: HashMap::new(),
            out: GeneratedLog {
                leaves: Vec::new(),
                disclosures: Vec::new(),
                keys,
                revoked: Vec::new(),
                log: NoteSigner::from_seed(ORIGIN, &[2; 32]).unwrap(),
                kinds: BTreeSet::new(),
                cases: Vec::new(),
            },
            clock: DAY0 + 3600,
        };
        for (id, c) in [("ca-de", "DE"), ("ca-be", "BE"), ("ca-nl", "NL")] {
            b.register("registrar", id, "competent_authority", c);
        }
        b.register("registrar", "auditor", "auditor", "DE");
        for (id, kind) in [
            ("exporter-de", "exporter"),
            ("generator-de", "generator"),
            ("carrier-de", "carrier"),
            ("customs-de", "customs_office"),
        ] {
            b.register("ca-de", id, kind, "DE");
        }
        for (id, kind) in [
            ("customs-be-in", "customs_office"),
            ("customs-be-out", "customs_office"),
        ] {
            b.register("ca-be", id, kind, "BE");
        }
        for (id, kind) in [
            ("importer-nl", "importer"),
            ("disposer-nl", "disposer"),
            ("carrier-nl", "carrier"),
            ("customs-nl", "customs_office"),
        ] {
            b.register("ca-nl", id, kind, "NL");
        }
        // A second key for the exporter, and the first one revoked (key.added, key.revoked).
        let old = b.out.keys["exporter-de"].clone();
        let new = ParticipantSigner::from_seed(&seed_of("exporter-de-2"));
        let added = KeyAdded {
            participant: "exporter-de".into(),
            key: key_info(&new.public_key()),
        };
        b.file("ca-de", "key.added", REGISTRY_CASE, typed(&added));
        let revoked = KeyRevoked {
            participant: "exporter-de".into(),
            key_id: old.key_id().to_string(),
            reason: "rotated".into(),
        };
        b.file("ca-de", "key.revoked", REGISTRY_CASE, typed(&revoked));
        b.out.keys.insert("exporter-de".into(), new);
        b.out.revoked.push(("exporter-de".into(), old));
        b
    }

    /// Files the whole case number `i` (of kind `i % 7`), [`CASE_ENTRIES`] statements.
    pub(crate) fn case(&mut self, i: usize) {
        let b = self;
        let case = format!("DE-2026-{:05}", i + 1);
        b.out.cases.push(case.clone());
        let c = case.as_str();
        // Every date of a case is the day its first statement is filed.
        let d = (b.clock - DAY0) / 86_400;
        b.file(
            "exporter-de",
            "notification.submitted",
            c,
            notification(d, "single", 1, 18_000, &format!("K-{i}")),
        );
        match i % 7 {
            0 => {
                b.file(
                    "exporter-de",
                    "notification.withdrawn",
                    c,
                    json!({"reason": "contract cancelled"}),
                );
                // The wastes leave anyway: customs stops them at the border (Art. 9(1)(b)),
                // and the State of export finds that the exporter caused it (Art. 9(2)).
                b.file(
                    "customs-de",
                    "illegal_traffic.reported",
                    c,
                    json!({"shipment_no": 1, "point": "b",
                    "export": {"country": "DE", "authority": "ca-de"},
                    "import": {"country": "NL", "authority": "ca-nl"}, "transit": ["BE"],
                    "found_in": "DE", "found_at": "motorway exit", "found_on": day(d),
                    "waste": {"codes": ["A1181"], "quantity_kg": 18_000},
                    "grounds": "shipped after the notification was withdrawn"}),
                );
                b.file(
                    "ca-de",
                    "responsibility.determined",
                    c,
                    json!({"shipment_no": 1, "caused_by": "exporter",
                    "grounds": "the exporter loaded the wastes without consent"}),
                );
                return;
            }
            1 => {
                b.file(
                    "ca-de",
                    "notification.transmitted",
                    c,
                    json!({"sent_on": day(d)}),
                );
                b.file(
                    "ca-nl",
                    "information.requested",
                    c,
                    json!({"questions": "Which permit covers R4?"}),
                );
                b.file(
                    "exporter-de",
                    "information.provided",
                    c,
                    json!({"to": "NL", "answer": "Permit 2024/17."}),
                );
                b.file(
                    "ca-nl",
                    "consent.denied",
                    c,
                    json!({"reason": "capacity exhausted"}),
                );
                return;
            }
            2 => {
                b.file(
                    "ca-de",
                    "notification.transmitted",
                    c,
                    json!({"sent_on": day(d)}),
                );
                b.file(
                    "ca-be",
                    "transit.objected",
                    c,
                    json!({"reason": "route closed"}),
                );
                return;
            }
            _ => {}
        }
        b.file(
            "ca-de",
            "notification.transmitted",
            c,
            json!({"sent_on": day(d)}),
        );
        b.file(
            "ca-be",
            "notification.acknowledged",
            c,
            json!({"received_on": day(d)}),
        );
        b.file("ca-nl", "consent.granted", c, json!({"valid_from": day(d), "valid_until": day(d + 300),
            "conditions": {"max_total_kg": 18_000, "max_shipments": 1, "insurance_required": true}}));
        if i % 7 == 3 {
            b.file(
                "ca-nl",
                "consent.withdrawn",
                c,
                json!({"reason": "permit of the facility suspended"}),
            );
            return;
        }
        b.file(
            "ca-be",
            "transit.consented",
            c,
            json!({"valid_from": day(d), "valid_until": day(d + 300)}),
        );
        b.file(
            "ca-nl",
            "contract.confirmed",
            c,
            json!({"reference": format!("K-{i}")}),
        );
        b.file("exporter-de", "movement.started", c, movement(d, 1, 18_000));
        b.file(
            "customs-de",
            "border.exited",
            c,
            json!({"shipment_no": 1, "on": day(d)}),
        );
        if i % 7 == 4 {
            b.file(
                "ca-nl",
                "reimport.required",
                c,
                json!({"shipment_no": 1, "ground": "cannot_be_completed",
                "informed_on": day(d), "reason": "the facility closed"}),
            );
            return;
        }
        b.file(
            "carrier-nl",
            "custody.transferred",
            c,
            json!({"shipment_no": 1, "from": "exporter-de", "on": day(d)}),
        );
        b.file(
            "customs-be-in",
            "border.entered",
            c,
            json!({"shipment_no": 1, "on": day(d)}),
        );
        b.file(
            "customs-be-out",
            "border.exited",
            c,
            json!({"shipment_no": 1, "on": day(d),
            "waste": {"codes": ["A1181"], "quantity_kg": 18_000}}),
        );
        b.file(
            "customs-nl",
            "border.entered",
            c,
            json!({"shipment_no": 1, "on": day(d)}),
        );
        b.file(
            "disposer-nl",
            "receipt.confirmed",
            c,
            json!({"shipment_no": 1, "received_on": day(d), "quantity_kg": 18_000}),
        );
        b.file(
            "disposer-nl",
            "disposal.completed",
            c,
            json!({"shipment_no": 1, "completed_on": day(d), "operation": "R4"}),
        );
    }
}

/// A tiles mirror in memory: path → bytes.
#[derive(Clone, Debug, Default)]
pub struct Mirror {
    /// The files, by C2SP path (and `disclosures/...`).
    pub files: HashMap<String, Vec<u8>>,
}

impl Mirror {
    /// The mirror of `leaves` with `disclosures`, its checkpoint signed by `log`.
    pub fn of(log: &NoteSigner, leaves: &[Vec<u8>], disclosures: &[Value]) -> Mirror {
        let size = leaves.len() as u64;
        let mut levels: Vec<Vec<Hash>> =
            vec![leaves.iter().map(|l| merkle::leaf_hash(l)).collect()];
        while levels.last().unwrap().len() >= 256 {
            let next: Vec<Hash> = levels
                .last()
                .unwrap()
                .chunks(256)
                .filter(|c| c.len() == 256)
                .map(merkle::root)
                .collect();
            levels.push(next);
        }
        let mut files = HashMap::new();
        let cp = Checkpoint::new(ORIGIN, size, merkle::root(&levels[0])).unwrap();
        files.insert("checkpoint".to_owned(), cp.sign(log).unwrap().into_bytes());
        for id in tiles::tiles_for_size(size) {
            let start = (id.index * 256) as usize;
            let hashes = &levels[usize::from(id.level)][start..start + usize::from(id.width)];
            files.insert(id.path(), tiles::tile_bytes(hashes));
        }
        put_entries(&mut files, leaves, disclosures);
        Mirror { files }
    }

    /// Writes the mirror into a directory.
    pub fn write(&self, dir: &std::path::Path) {
        for (rel, bytes) in &self.files {
            let p = dir.join(rel);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, bytes).unwrap();
        }
    }
}

/// The entry bundles and disclosure files of `leaves`.
fn put_entries(files: &mut HashMap<String, Vec<u8>>, leaves: &[Vec<u8>], disclosures: &[Value]) {
    for id in tiles::entry_bundles_for_size(leaves.len() as u64) {
        let start = (id.index * 256) as usize;
        let end = start + usize::from(id.width);
        files.insert(
            id.path(),
            tiles::entry_bundle_bytes(&leaves[start..end]).unwrap(),
        );
        let items: Vec<Value> = (start..end)
            .filter_map(|i| {
                disclosures
                    .get(i)
                    .map(|d| json!({"index": i, "disclosure": d}))
            })
            .collect();
        files.insert(
            wastetrail_verify::DirSource::disclosures_path(id),
            serde_json::to_vec(&items).unwrap(),
        );
    }
}

fn missing(path: &str) -> SourceError {
    SourceError {
        path: path.to_owned(),
        reason: "missing".into(),
    }
}

impl LogSource for Mirror {
    fn checkpoint(&self) -> Result<Vec<u8>, SourceError> {
        self.files
            .get("checkpoint")
            .cloned()
            .ok_or_else(|| missing("checkpoint"))
    }
    fn tile(&self, id: TileId) -> Result<Option<Vec<u8>>, SourceError> {
        Ok(self.files.get(&id.path()).cloned())
    }
    fn entry_bundle(&self, id: EntryBundleId) -> Result<Option<Vec<u8>>, SourceError> {
        Ok(self.files.get(&id.path()).cloned())
    }
    fn disclosures(&self, id: EntryBundleId) -> Result<Vec<(u64, Vec<u8>)>, SourceError> {
        let Some(bytes) = self
            .files
            .get(&wastetrail_verify::DirSource::disclosures_path(id))
        else {
            return Ok(Vec::new());
        };
        let v: Value = serde_json::from_slice(bytes).map_err(|e| SourceError {
            path: "disclosures".into(),
            reason: e.to_string(),
        })?;
        Ok(v.as_array()
            .into_iter()
            .flatten()
            .map(|d| {
                (
                    d["index"].as_u64().unwrap_or(u64::MAX),
                    serde_json::to_vec(&d["disclosure"]).unwrap(),
                )
            })
            .collect())
    }
}

/// What the auditor trusts for a generated log.
pub fn trust(log: &GeneratedLog) -> Trust {
    Trust {
        log_key: log.log.verifier(),
        registrar: Some(Registrar {
            id: "registrar".into(),
            key: log.keys["registrar"].public_key(),
            country: CountryCode::parse("ZZ").unwrap(),
        }),
        witnesses: Vec::new(),
        quorum: 0,
    }
}

impl Mirror {
    /// This mirror with its entry bundles and disclosures rebuilt from `leaves` and
    /// `disclosures`, and its checkpoint and hash tiles left as they were: what someone who
    /// tampers with a published mirror (without the log key) produces.
    pub fn with_entries(&self, leaves: &[Vec<u8>], disclosures: &[Value]) -> Mirror {
        let mut files: HashMap<String, Vec<u8>> = self
            .files
            .iter()
            .filter(|(k, _)| !k.starts_with("tile/entries/") && !k.starts_with("disclosures/"))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        put_entries(&mut files, leaves, disclosures);
        Mirror { files }
    }
}
