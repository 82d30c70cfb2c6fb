//! Test harness: spawns the server on port 0 over a temporary SQLite database (and over a
//! fresh PostgreSQL database of `wastetrail_e2e::pg` when WASTETRAIL_TEST_PG_URL is set), logs
//! participants in and files signed statements.

use std::collections::HashMap;
use std::time::Duration;

use base64::Engine as _;
use ed25519_dalek::Signer as _;
use reqwest::StatusCode;
use serde_json::{Value, json};
use wastetrail_basel::REGISTRY_CASE;
use wastetrail_basel::body::{KeyAdded, KeyRevoked, ParticipantRegistered};
use wastetrail_e2e::pg::{self, FreshDatabase};
use wastetrail_e2e::{registration, typed};
use wastetrail_ledger::checkpoint::Checkpoint;
use wastetrail_ledger::merkle::{self, Hash};
use wastetrail_ledger::note::NoteVerifier;
use wastetrail_ledger::statement::{ParticipantSigner, Submission, Timestamp};
use wastetrail_server::{Application, Config};
use wastetrail_verify::key_info;

pub const ORIGIN: &str = "test.wastetrail.example/log";
const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::STANDARD;

/// A database backend to run a test on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    /// A temporary SQLite file.
    Sqlite,
    /// A fresh database on the PostgreSQL server of WASTETRAIL_TEST_PG_URL
    /// (`wastetrail_e2e::pg`).
    Postgres,
}

/// SQLite always; PostgreSQL too when WASTETRAIL_TEST_PG_URL is set.
pub fn backends() -> Vec<Backend> {
    let mut v = vec![Backend::Sqlite];
    if pg::server_url().is_some() {
        v.push(Backend::Postgres);
    }
    v
}

/// A participant the test holds the key of.
#[derive(Clone, Debug)]
pub struct Actor {
    pub id: String,
    pub kind: String,
    pub country: String,
    pub signer: ParticipantSigner,
}

impl Actor {
    pub fn new(id: &str, kind: &str, country: &str) -> Actor {
        Actor {
            id: id.into(),
            kind: kind.into(),
            country: country.into(),
            signer: ParticipantSigner::generate(),
        }
    }

    /// The `participant.registered` body of this actor (typed, then as JSON).
    pub fn registration(&self) -> Value {
        typed(&ParticipantRegistered {
            name: format!("{} ({})", self.id, self.kind),
            address: format!("1 Test Street, {}", self.country),
            ..registration(
                &self.id,
                &self.kind,
                &self.country,
                &self.signer.public_key(),
            )
        })
    }

    /// The `key.added` body that gives this actor the key `key`.
    pub fn key_added(&self, key: &ParticipantSigner) -> Value {
        typed(&KeyAdded {
            participant: self.id.clone(),
            key: key_info(&key.public_key()),
        })
    }

    /// The `key.revoked` body that revokes this actor's key `key`.
    pub fn key_revoked(&self, key: &ParticipantSigner, reason: &str) -> Value {
        typed(&KeyRevoked {
            participant: self.id.clone(),
            key_id: key.key_id().to_string(),
            reason: reason.into(),
        })
    }
}

/// A running server and a client for it.
pub struct TestApp {
    pub base: String,
    pub client: reqwest::Client,
    pub registrar: Actor,
    pub tokens: HashMap<String, String>,
    pub heads: HashMap<String, Option<String>>,
    pub log_key: NoteVerifier,
    pub backend: Backend,
    /// The configuration the server was built with (spawned servers only).
    pub config: Option<Config>,
    /// The fresh PostgreSQL database of a spawned server (dropped with it).
    pg: Option<FreshDatabase>,
    handle: Option<actix_web::dev::ServerHandle>,
    _dir: Option<tempfile::TempDir>,
}

pub fn today() -> String {
    let t = time::OffsetDateTime::now_utc().date();
    t.format(time::macros::format_description!("[year]-[month]-[day]"))
        .unwrap()
}

pub fn in_days(days: i64) -> String {
    let t = time::OffsetDateTime::now_utc().date() + time::Duration::days(days);
    t.format(time::macros::format_description!("[year]-[month]-[day]"))
        .unwrap()
}

impl TestApp {
    /// Spawns a server with default test settings.
    pub async fn spawn(backend: &Backend) -> TestApp {
        Self::spawn_with(backend, |_| {}).await
    }

    /// Spawns a server; `tweak` may change the configuration.
    pub async fn spawn_with(backend: &Backend, tweak: impl FnOnce(&mut Config)) -> TestApp {
        let dir = tempfile::tempdir().unwrap();
        let registrar = Actor::new("registrar", "registrar", "ZZ");
        let mut config = Config::for_data_dir(dir.path());
        config.listen = "127.0.0.1:0".into();
        config.origin = ORIGIN.into();
        config.registrar_public_key = Some(registrar.signer.public_key().to_base64());
        config.workers = Some(2);
        config.rate_limit_burst = 10_000;
        config.rate_limit_per_minute = 60_000;
        config.challenge_rate_burst = 10_000;
        config.challenge_rate_per_minute = 60_000;
        let pg = match backend {
            Backend::Sqlite => None,
            Backend::Postgres => FreshDatabase::create("a server test"),
        };
        if let Some(db) = &pg {
            config.database_url = Some(db.url().to_owned());
        }
        tweak(&mut config);
        let app = Application::build(config.clone()).await.unwrap();
        let port = app.port();
        let handle = app.handle();
        tokio::spawn(app.run_until_stopped());
        let mut t = Self::attach(port, registrar).await;
        t.backend = *backend;
        t.pg = pg;
        t.config = Some(config);
        t.handle = Some(handle);
        t._dir = Some(dir);
        t
    }

    /// A client for a server already listening on `port`.
    pub async fn attach(port: u16, registrar: Actor) -> TestApp {
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(30))
            .build()
            .unwrap();
        let base = format!("http://127.0.0.1:{port}");
        let info: Value = client
            .get(format!("{base}/api/v1/log"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let log_key = NoteVerifier::parse(info["vkey"].as_str().unwrap()).unwrap();
        TestApp {
            base,
            client,
            registrar,
            tokens: HashMap::new(),
            heads: HashMap::new(),
            log_key,
            backend: Backend::Sqlite,
            config: None,
            pg: None,
            handle: None,
            _dir: None,
        }
    }

    /// A second server instance over the same log (same data directory and database), as
    /// behind a load balancer; stop it with [`TestApp::stop`] before stopping `self`.
    pub async fn spawn_peer(&self) -> TestApp {
        let config = self.config.clone().expect("a spawned server");
        let app = Application::build(config.clone()).await.unwrap();
        let port = app.port();
        let handle = app.handle();
        tokio::spawn(app.run_until_stopped());
        let mut t = Self::attach(port, self.registrar.clone()).await;
        t.config = Some(config);
        t.handle = Some(handle);
        t
    }

    /// The `/metrics` text.
    pub async fn metrics(&self) -> String {
        self.get("/metrics").await.text().await.unwrap()
    }

    pub async fn stop(self) {
        if let Some(h) = &self.handle {
            h.stop(true).await;
        }
        // The fresh PostgreSQL database, if any, is dropped with `self`.
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client.get(self.url(path)).send().await.unwrap()
    }

    pub async fn get_as(&self, who: &str, path: &str) -> reqwest::Response {
        self.client
            .get(self.url(path))
            .bearer_auth(&self.tokens[who])
            .send()
            .await
            .unwrap()
    }

    pub async fn challenge(&self) -> String {
        let r: Value = self
            .client
            .post(self.url("/api/v1/login/challenge"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        r["challenge"].as_str().unwrap().to_owned()
    }

    /// The login request for `who` signing `challenge` with `signer`.
    pub fn login_body(who: &Actor, signer: &ParticipantSigner, challenge: &str) -> Value {
        let msg = wastetrail_server::login_signing_input(ORIGIN, challenge);
        let sk = ed25519_dalek::SigningKey::from_bytes(&signer.seed());
        json!({
            "participant": who.id,
            "key": signer.key_id().to_string(),
            "challenge": challenge,
            "signature": B64.encode(sk.sign(&msg).to_bytes()),
        })
    }

    pub async fn post_login(&self, body: &Value) -> reqwest::Response {
        self.client
            .post(self.url("/api/v1/login"))
            .json(body)
            .send()
            .await
            .unwrap()
    }

    /// Logs `who` in and remembers the bearer token.
    pub async fn login(&mut self, who: &Actor) {
        let c = self.challenge().await;
        let r = self
            .post_login(&Self::login_body(who, &who.signer, &c))
            .await;
        assert_eq!(
            r.status(),
            StatusCode::OK,
            "login of {}: {}",
            who.id,
            r.text().await.unwrap()
        );
        let v: Value = r.json().await.unwrap();
        self.tokens
            .insert(who.id.clone(), v["token"].as_str().unwrap().to_owned());
    }

    /// A submission (signed statement with the disclosure of `body`) as JSON.
    pub fn sign(who: &Actor, kind: &str, case: &str, prev: Option<&str>, body: Value) -> Value {
        Self::sign_at(who, kind, case, prev, body, Timestamp::now())
    }

    /// [`TestApp::sign`] with the signing time given.
    pub fn sign_at(
        who: &Actor,
        kind: &str,
        case: &str,
        prev: Option<&str>,
        body: Value,
        at: Timestamp,
    ) -> Value {
        Submission::seal(
            &who.signer,
            kind,
            case,
            &who.id,
            at,
            prev.map(|p| merkle::hash_from_hex(p).unwrap()),
            body,
        )
        .unwrap()
        .to_value()
    }

    /// Posts raw bytes to /api/v1/statements as `who`.
    pub async fn post_statement_raw(&self, who: &str, bytes: Vec<u8>) -> reqwest::Response {
        self.client
            .post(self.url("/api/v1/statements"))
            .bearer_auth(&self.tokens[who])
            .header("content-type", "application/json")
            .body(bytes)
            .send()
            .await
            .unwrap()
    }

    /// Files a statement on the current head of `case`; returns status and JSON answer, and
    /// advances the head on success.
    pub async fn file(
        &mut self,
        who: &Actor,
        kind: &str,
        case: &str,
        body: Value,
    ) -> (StatusCode, Value) {
        let prev = self.heads.get(case).cloned().flatten();
        let signed = Self::sign(who, kind, case, prev.as_deref(), body);
        let r = self
            .post_statement_raw(&who.id, serde_json::to_vec(&signed).unwrap())
            .await;
        let status = r.status();
        let ct = r
            .headers()
            .get("content-type")
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default();
        let v: Value = r.json().await.unwrap();
        if status == StatusCode::CREATED {
            self.verify_receipt(&v);
            self.heads.insert(
                case.to_owned(),
                Some(v["leaf_hash"].as_str().unwrap().to_owned()),
            );
        } else if !status.is_success() {
            assert_eq!(ct, "application/problem+json", "{v}");
        }
        (status, v)
    }

    /// Files and asserts acceptance.
    pub async fn ok(&mut self, who: &Actor, kind: &str, case: &str, body: Value) -> Value {
        let (s, v) = self.file(who, kind, case, body).await;
        assert_eq!(s, StatusCode::CREATED, "{kind} by {}: {v:#}", who.id);
        v
    }

    /// Checks a receipt's checkpoint signature and inclusion proof with wastetrail_ledger.
    pub fn verify_receipt(&self, v: &Value) {
        let cp = Checkpoint::open(v["checkpoint"].as_str().unwrap().as_bytes(), &self.log_key)
            .expect("checkpoint verifies with the log key");
        assert_eq!(cp.origin, ORIGIN);
        assert_eq!(cp.size, v["size"].as_u64().unwrap());
        let leaf: Hash = merkle::hash_from_hex(v["leaf_hash"].as_str().unwrap()).unwrap();
        let proof: Vec<Hash> = v["proof"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| merkle::hash_from_hex(h.as_str().unwrap()).unwrap())
            .collect();
        merkle::verify_inclusion(
            &leaf,
            v["index"].as_u64().unwrap(),
            cp.size,
            &proof,
            &cp.root,
        )
        .expect("inclusion proof verifies");
    }

    pub async fn tree_size(&self) -> u64 {
        let v: Value = self.get("/api/v1/log").await.json().await.unwrap();
        v["size"].as_u64().unwrap()
    }

    /// Registers `actors` (competent authorities and auditors by the registrar, the others
    /// by the competent authority of their country, which must come earlier in the list).
    pub async fn register(&mut self, actors: &[&Actor]) {
        let registrar = self.registrar.clone();
        if !self.tokens.contains_key(&registrar.id) {
            self.login(&registrar).await;
        }
        let mut cas: HashMap<String, Actor> = HashMap::new();
        for a in actors {
            let by = match a.kind.as_str() {
                "competent_authority" | "auditor" => registrar.clone(),
                _ => cas.get(&a.country).cloned().unwrap_or_else(|| {
                    panic!(
                        "no competent authority of {} registered before {}",
                        a.country, a.id
                    )
                }),
            };
            if !self.tokens.contains_key(&by.id) {
                self.login(&by).await;
            }
            self.ok(
                &by,
                "participant.registered",
                REGISTRY_CASE,
                a.registration(),
            )
            .await;
            if a.kind == "competent_authority" {
                cas.insert(a.country.clone(), (*a).clone());
            }
            self.login(a).await;
        }
    }
}

/// The cast of the standard case: export DE, transit BE, import NL.
pub struct Cast {
    pub ca_de: Actor,
    pub ca_be: Actor,
    pub ca_nl: Actor,
    pub auditor: Actor,
    pub exporter: Actor,
    pub generator: Actor,
    pub importer: Actor,
    pub disposer: Actor,
    pub carrier_de: Actor,
    pub carrier_nl: Actor,
    pub customs_de: Actor,
    pub customs_be_in: Actor,
    pub customs_be_out: Actor,
    pub customs_nl: Actor,
    pub outsider: Actor,
}

impl Cast {
    pub fn new() -> Cast {
        Cast {
            ca_de: Actor::new("ca-de", "competent_authority", "DE"),
            ca_be: Actor::new("ca-be", "competent_authority", "BE"),
            ca_nl: Actor::new("ca-nl", "competent_authority", "NL"),
            auditor: Actor::new("auditor-1", "auditor", "DE"),
            exporter: Actor::new("exporter-de", "exporter", "DE"),
            generator: Actor::new("generator-de", "generator", "DE"),
            importer: Actor::new("importer-nl", "importer", "NL"),
            disposer: Actor::new("disposer-nl", "disposer", "NL"),
            carrier_de: Actor::new("carrier-de", "carrier", "DE"),
            carrier_nl: Actor::new("carrier-nl", "carrier", "NL"),
            customs_de: Actor::new("customs-de", "customs_office", "DE"),
            customs_be_in: Actor::new("customs-be-in", "customs_office", "BE"),
            customs_be_out: Actor::new("customs-be-out", "customs_office", "BE"),
            customs_nl: Actor::new("customs-nl", "customs_office", "NL"),
            outsider: Actor::new("exporter-de-2", "exporter", "DE"),
        }
    }

    pub fn all(&self) -> Vec<&Actor> {
        vec![
            &self.ca_de,
            &self.ca_be,
            &self.ca_nl,
            &self.auditor,
            &self.exporter,
            &self.generator,
            &self.importer,
            &self.disposer,
            &self.carrier_de,
            &self.carrier_nl,
            &self.customs_de,
            &self.customs_be_in,
            &self.customs_be_out,
            &self.customs_nl,
            &self.outsider,
        ]
    }

    /// A general notification for two shipments of e-waste (A1181) for recovery (R4).
    pub fn notification(&self) -> Value {
        json!({
            "kind": "general",
            "reason": "recycling of printed circuit boards",
            "justification": "raw_material_for_recovery",
            "exporter": self.exporter.id,
            "generators": [{"participant": self.generator.id, "site": "Werk 1, Essen", "process": "dismantling of IT equipment"}],
            "importer": self.importer.id,
            "disposer": self.disposer.id,
            "facility": {"name": "Metals Recovery BV", "site": "Haven 5, Rotterdam"},
            "carriers": [self.carrier_de.id, self.carrier_nl.id],
            "export": {"country": "DE", "authority": self.ca_de.id, "customs_office": self.customs_de.id},
            "transit": [{"country": "BE", "authority": self.ca_be.id, "entry_office": self.customs_be_in.id, "exit_office": self.customs_be_out.id}],
            "import": {"country": "NL", "authority": self.ca_nl.id, "customs_office": self.customs_nl.id},
            "period": {"first_departure": today(), "last_departure": in_days(180)},
            "planned_shipments": 2,
            "transport": ["road"],
            "insurance": {"insurer": "Assur AG", "policy": "P-77", "coverage": "EUR 5 000 000"},
            "waste": {
                "description": "waste printed circuit boards",
                "codes": ["A1181"],
                "composition": "copper, precious metals, epoxy, brominated flame retardants",
                "handling": "keep dry; no crushing before shipment"
            },
            "packaging": ["palletised"],
            "quantity": {"total_kg": 40000, "per_shipment_kg": 20000},
            "operation": "R4",
            "esm_assessment": "ISO 14001 certified facility; permit 2024/17",
            "contract": {"reference": "C-2026-001", "concluded_on": today()},
            "declaration_correct": true
        })
    }

    pub fn consent(&self) -> Value {
        json!({
            "valid_from": today(), "valid_until": in_days(200),
            "conditions": {
                "max_total_kg": 40000, "max_kg_per_shipment": 20000, "max_shipments": 2,
                "carriers": [self.carrier_de.id, self.carrier_nl.id],
                "insurance_required": true,
                "other": ["notify the NL authority 3 working days before each shipment"]
            }
        })
    }

    pub fn movement(&self, no: u32) -> Value {
        json!({
            "shipment_no": no, "started_on": today(),
            "exporter": self.exporter.id, "generators": [self.generator.id],
            "disposer": self.disposer.id, "site": "Haven 5, Rotterdam",
            "carriers": [self.carrier_de.id, self.carrier_nl.id], "transport": ["road"],
            "exit_office": self.customs_de.id, "entry_office": self.customs_nl.id,
            "transit": ["BE"],
            "description": "waste printed circuit boards", "codes": ["A1181"],
            "handling": "keep dry", "packages": {"kind": "palletised", "count": 20},
            "quantity_kg": 20000, "declaration_correct": true, "declaration_no_objection": true
        })
    }
}

/// Runs the case up to (and including) the consents, the contract and ready to start shipments.
pub async fn case_ready_to_ship(app: &mut TestApp, cast: &Cast, case: &str) {
    app.ok(
        &cast.exporter,
        "notification.submitted",
        case,
        cast.notification(),
    )
    .await;
    app.ok(
        &cast.ca_de,
        "notification.transmitted",
        case,
        json!({"sent_on": today()}),
    )
    .await;
    app.ok(&cast.ca_nl, "consent.granted", case, cast.consent())
        .await;
    app.ok(
        &cast.ca_be,
        "transit.consented",
        case,
        json!({"valid_from": today(), "valid_until": in_days(200)}),
    )
    .await;
    app.ok(
        &cast.ca_nl,
        "contract.confirmed",
        case,
        json!({"reference": "C-2026-001"}),
    )
    .await;
}

/// The value of the metric line starting with `series ` (0 when absent).
pub fn metric(text: &str, series: &str) -> u64 {
    text.lines()
        .find_map(|l| l.strip_prefix(series).and_then(|r| r.strip_prefix(' ')))
        .map(|v| v.trim().parse().unwrap())
        .unwrap_or(0)
}

/// The hashes of a JSON array of lowercase hex strings (a proof).
pub fn hashes(v: &Value) -> Vec<Hash> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|h| merkle::hash_from_hex(h.as_str().unwrap()).unwrap())
        .collect()
}

/// Problem code of an answer.
pub fn code(v: &Value) -> &str {
    v["code"].as_str().unwrap_or("")
}
