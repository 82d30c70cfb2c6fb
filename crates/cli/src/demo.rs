//! `wastetrail demo`: a demo deployment with real keys and real filings.
//!
//! It creates a directory with a PKCS#8 PEM key for every participant (the registrar's key is
//! the deployment's root of trust and goes into the configuration), a configuration file and a
//! data directory; starts the server; files three cases through the HTTP API, each statement
//! signed by its participant's key and checked against the log key (one completed, one with a
//! shipment on its way, one waiting for the States' answers); and keeps serving.
//!
//! Run again on the same directory, it only serves what is there.

use std::path::{Path, PathBuf};

use anyhow::Context as _;
use serde_json::{Value, json};
use wastetrail_basel::body::ParticipantRegistered;
use wastetrail_basel::{CountryCode, ParticipantKind, REGISTRY_CASE};
use wastetrail_ledger::statement::ParticipantSigner;
use wastetrail_server::{Application, Config};

use crate::client::{Client, Receipt};
use crate::filing::{Draft, file_draft};
use crate::keys;

/// The log origin of demo deployments.
pub const DEMO_ORIGIN: &str = "demo.wastetrail.example/log";
/// Name of the demo's configuration file inside its directory.
pub const CONFIG_FILE: &str = "wastetrail.toml";
/// Name of the demo's description (participants, keys, cases) inside its directory.
pub const MANIFEST_FILE: &str = "demo.json";

/// One participant of the demo.
#[derive(Clone, Debug)]
pub struct DemoParticipant {
    /// Participant id.
    pub id: &'static str,
    /// Kind (`registrar`, `competent_authority`, ...).
    pub kind: &'static str,
    /// Country.
    pub country: &'static str,
    /// Name.
    pub name: &'static str,
    /// Address.
    pub address: &'static str,
}

const fn p(
    id: &'static str,
    kind: &'static str,
    country: &'static str,
    name: &'static str,
    address: &'static str,
) -> DemoParticipant {
    DemoParticipant {
        id,
        kind,
        country,
        name,
        address,
    }
}

/// The registrar, then the competent authorities of four States (export DE, transit LU and
/// BE, import NL) and the auditor (registered by the registrar), then everybody else
/// (registered by the competent authority of their country). The notification rules need a
/// generator and an importer too, so they are part of the cast.
pub const CAST: &[DemoParticipant] = &[
    p(
        "registrar",
        "registrar",
        "ZZ",
        "Demo Registrar",
        "Registry House 1, Geneva",
    ),
    p(
        "ca-de",
        "competent_authority",
        "DE",
        "Umweltbundesamt (demo)",
        "Woerlitzer Platz 1, Dessau",
    ),
    p(
        "ca-lu",
        "competent_authority",
        "LU",
        "Administration de l'environnement (demo)",
        "1 Avenue du Rock'n'Roll, Esch-sur-Alzette",
    ),
    p(
        "ca-be",
        "competent_authority",
        "BE",
        "OVAM (demo)",
        "Stationsstraat 110, Mechelen",
    ),
    p(
        "ca-nl",
        "competent_authority",
        "NL",
        "ILT (demo)",
        "Rijnstraat 8, Den Haag",
    ),
    p(
        "auditor",
        "auditor",
        "DE",
        "Basel Audit GmbH (demo)",
        "Prüferweg 3, Bonn",
    ),
    p(
        "exporter-de",
        "exporter",
        "DE",
        "Elektro Recycling Export GmbH",
        "Hafenstraße 12, Duisburg",
    ),
    p(
        "generator-de",
        "generator",
        "DE",
        "IT-Rücknahme Essen GmbH",
        "Werk 1, Essen",
    ),
    p(
        "carrier-de",
        "carrier",
        "DE",
        "Rhein Logistik GmbH",
        "Am Zoll 4, Emmerich",
    ),
    p(
        "customs-de",
        "customs_office",
        "DE",
        "Zollamt Emmerich",
        "Zollstraße 1, Emmerich",
    ),
    p(
        "customs-be-in",
        "customs_office",
        "BE",
        "Douane Eynatten",
        "Eynatten 1",
    ),
    p(
        "customs-be-out",
        "customs_office",
        "BE",
        "Douane Meer",
        "Meer 1",
    ),
    p(
        "importer-nl",
        "importer",
        "NL",
        "Metals Import BV",
        "Haven 5, Rotterdam",
    ),
    p(
        "disposer-nl",
        "disposer",
        "NL",
        "Metals Recovery BV",
        "Haven 5, Rotterdam",
    ),
    p(
        "carrier-nl",
        "carrier",
        "NL",
        "Maas Transport BV",
        "Kade 2, Venlo",
    ),
    p(
        "customs-nl",
        "customs_office",
        "NL",
        "Douane Venlo",
        "Venlo 1",
    ),
];

/// The keys of the cast, read from or written to `<dir>/keys/<id>.pem`.
struct Keys {
    signers: Vec<(DemoParticipant, ParticipantSigner)>,
}

impl Keys {
    fn of(&self, id: &str) -> anyhow::Result<&ParticipantSigner> {
        self.signers
            .iter()
            .find(|(p, _)| p.id == id)
            .map(|(_, s)| s)
            .with_context(|| format!("no demo key for {id}"))
    }
}

/// Where the key of `id` lives.
pub fn key_path(dir: &Path, id: &str) -> PathBuf {
    dir.join("keys").join(format!("{id}.pem"))
}

/// Options of `wastetrail demo`.
#[derive(Clone, Debug)]
pub struct DemoOptions {
    /// The demo directory.
    pub dir: PathBuf,
    /// Listen address (overrides the configuration file's).
    pub listen: Option<String>,
    /// Stop after filing (do not keep serving): for scripts and tests.
    pub no_serve: bool,
}

/// The date `days` from today, `YYYY-MM-DD`.
fn day(days: i64) -> String {
    let d = time::OffsetDateTime::now_utc().date() + time::Duration::days(days);
    format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}

fn create(dir: &Path, listen: &str) -> anyhow::Result<Keys> {
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let dir = dir
        .canonicalize()
        .with_context(|| format!("cannot resolve {}", dir.display()))?;
    let mut signers = Vec::new();
    for p in CAST {
        let s = ParticipantSigner::generate();
        keys::write_signer(&key_path(&dir, p.id), &s)?;
        signers.push((p.clone(), s));
    }
    let keys = Keys { signers };
    let registrar = keys.of("registrar")?;
    let facts = json!({
        "format": "wastetrail-facts/1",
        "settings": {"quantity_tolerance_percent": DEMO_TOLERANCE_PERCENT},
    });
    std::fs::write(
        dir.join(FACTS_FILE),
        serde_json::to_string_pretty(&facts)? + "\n",
    )
    .context("cannot write the demo law data")?;
    let toml = format!(
        "{CONFIG_HEADER}\n\
         # The registrar's public key is the root of trust of this deployment; its private key\n\
         # is keys/registrar.pem.\n\
         listen = {listen:?}\n\
         data_dir = {data:?}\n\
         origin = {DEMO_ORIGIN:?}\n\
         registrar_id = \"registrar\"\n\
         registrar_country = \"ZZ\"\n\
         registrar_name = \"Demo Registrar\"\n\
         registrar_public_key = {rk:?}\n\
         # A weighing difference of up to 1 % is a noted discrepancy, not illegal traffic.\n\
         facts_file = {facts:?}\n",
        data = dir.join("data").display().to_string(),
        facts = dir.join(FACTS_FILE).display().to_string(),
        rk = registrar.public_key().to_base64(),
    );
    std::fs::write(dir.join(CONFIG_FILE), toml).context("cannot write the demo configuration")?;
    Ok(keys)
}

fn load_keys(dir: &Path) -> anyhow::Result<Keys> {
    let mut signers = Vec::new();
    for p in CAST {
        signers.push((p.clone(), keys::read_signer(&key_path(dir, p.id))?));
    }
    Ok(Keys { signers })
}

/// The client address for a listen address (`0.0.0.0` is reached as `127.0.0.1`).
pub fn client_url(listen: &str, port: u16) -> String {
    let host = listen.rsplit_once(':').map_or(listen, |(h, _)| h);
    let host = match host {
        "" | "0.0.0.0" => "127.0.0.1",
        "[::]" => "[::1]",
        h => h,
    };
    format!("http://{host}:{port}")
}

/// Name of the demo's law-data override (the weighing tolerance) inside its directory.
pub const FACTS_FILE: &str = "facts.json";
/// The first line of a demo configuration: what makes a directory a demo deployment.
const CONFIG_HEADER: &str = "# wastetrail demo deployment (written by `wastetrail demo`).";
/// The demo's weighing tolerance (`quantity_tolerance_percent`, ART9-01): a received quantity
/// within 1 % of the movement document is a noted discrepancy, not illegal traffic.
pub const DEMO_TOLERANCE_PERCENT: u64 = 1;

/// Removes what an unfinished demo run left in `dir` (its configuration, law data, keys and
/// data directory), so that the next run starts clean. Only a directory whose configuration is
/// a demo configuration and that has no manifest is touched.
fn discard_unfinished(dir: &Path) -> anyhow::Result<bool> {
    let config = dir.join(CONFIG_FILE);
    if dir.join(MANIFEST_FILE).exists() || !config.exists() {
        return Ok(false);
    }
    let text = std::fs::read_to_string(&config).unwrap_or_default();
    anyhow::ensure!(
        text.starts_with(CONFIG_HEADER),
        "{} exists but is not a demo configuration; choose another --dir",
        config.display()
    );
    for sub in ["keys", "data"] {
        let p = dir.join(sub);
        if p.exists() {
            std::fs::remove_dir_all(&p)
                .with_context(|| format!("cannot remove {}", p.display()))?;
        }
    }
    for f in [CONFIG_FILE, FACTS_FILE] {
        let p = dir.join(f);
        if p.exists() {
            std::fs::remove_file(&p).with_context(|| format!("cannot remove {}", p.display()))?;
        }
    }
    Ok(true)
}

/// Runs `wastetrail demo`.
///
/// A deployment is complete once its manifest (`demo.json`) is written, after every case was
/// filed. A run that fails before (port busy, disk full, a refused filing) removes what it
/// created, and a later run that finds an unfinished deployment all the same (the process was
/// killed) starts it anew: the demo never serves an empty or half-filed log as the demo.
pub async fn run(opts: DemoOptions) -> anyhow::Result<()> {
    run_deployment(&opts).await
}

/// A demo deployment served by this process: what [`start`] returns.
pub struct RunningDemo {
    /// The address clients use, e.g. `http://127.0.0.1:8080`.
    pub url: String,
    /// A handle to stop the server.
    pub handle: wastetrail_server::ServerHandle,
    /// The server task (ends when the server stops).
    pub server: tokio::task::JoinHandle<std::io::Result<()>>,
    /// The cases filed by this run (case, state, statements); empty for an existing deployment.
    pub filed: Vec<(String, &'static str, usize)>,
}

/// Creates (or reopens) the demo deployment in `opts.dir`, starts its server in this process
/// and files the demo cases through its API; returns once they are filed (the server keeps
/// running). Tests start a fresh deployment on port 0 with it.
pub async fn start(opts: &DemoOptions) -> anyhow::Result<RunningDemo> {
    if discard_unfinished(&opts.dir)? {
        println!(
            "wastetrail demo: {} held an unfinished demo deployment (no {MANIFEST_FILE}); it was removed and is created anew",
            opts.dir.display()
        );
    }
    let fresh = !opts.dir.join(CONFIG_FILE).exists();
    let result = start_deployment(opts, fresh).await;
    if result.is_err() && fresh {
        // Leave nothing half-created behind (best effort: the error is what matters).
        let _ = discard_unfinished(&opts.dir);
    }
    result
}

async fn start_deployment(opts: &DemoOptions, fresh: bool) -> anyhow::Result<RunningDemo> {
    let config_path = opts.dir.join(CONFIG_FILE);
    // The file gets the default address; --listen applies to this run only.
    let keys = if fresh {
        create(&opts.dir, "127.0.0.1:8080")?
    } else {
        load_keys(&opts.dir)?
    };
    let mut config =
        Config::load(Some(&config_path)).context("cannot load the demo configuration")?;
    if let Some(l) = &opts.listen {
        config.listen = l.clone();
    }
    let listen = config.listen.clone();
    let app = Application::build(config)
        .await
        .context("cannot start the demo server")?;
    let url = client_url(&listen, app.port());
    let handle = app.handle();
    let server = tokio::spawn(app.run_until_stopped());

    let filed = if fresh {
        match populate(&url, &keys).await {
            Ok(cases) => {
                write_manifest(&opts.dir, &keys, &cases)?;
                cases
            }
            Err(e) => {
                handle.stop(true).await;
                return Err(e.context("filing the demo cases failed"));
            }
        }
    } else {
        Vec::new()
    };
    Ok(RunningDemo {
        url,
        handle,
        server,
        filed,
    })
}

async fn run_deployment(opts: &DemoOptions) -> anyhow::Result<()> {
    let RunningDemo {
        url,
        handle,
        server,
        filed,
    } = start(opts).await?;
    let fresh = !filed.is_empty();
    let dir = opts.dir.canonicalize().unwrap_or(opts.dir.clone());
    println!("wastetrail demo: serving at {url} (Ctrl-C stops it)");
    if fresh {
        for (case, what, n) in &filed {
            println!("  case {case}: {what} ({n} statements)");
        }
    } else {
        println!("  (existing demo deployment; nothing new was filed)");
    }
    println!(
        "  participant keys (PKCS#8 PEM): {}",
        dir.join("keys").display()
    );
    println!(
        "  registrar key (root of trust):  {}",
        key_path(&dir, "registrar").display()
    );
    println!(
        "  configuration:                  {}",
        dir.join(CONFIG_FILE).display()
    );
    println!(
        "  participants and cases:         {}",
        dir.join(MANIFEST_FILE).display()
    );
    println!(
        "  in a browser: open {url}/ and sign in with a key file from {}",
        dir.join("keys").display()
    );
    println!("  try: curl {url}/checkpoint");
    use std::io::Write as _;
    let _ = std::io::stdout().flush();
    if opts.no_serve {
        handle.stop(true).await;
    }
    server
        .await
        .context("the server task failed")?
        .context("the server stopped with an error")?;
    Ok(())
}

fn write_manifest(
    dir: &Path,
    keys: &Keys,
    cases: &[(String, &'static str, usize)],
) -> anyhow::Result<()> {
    let participants: Vec<Value> = keys
        .signers
        .iter()
        .map(|(p, s)| {
            json!({
                "id": p.id, "kind": p.kind, "country": p.country, "name": p.name,
                "key_file": format!("keys/{}.pem", p.id),
                "key_id": s.key_id().to_string(),
                "public_key": s.public_key().to_base64(),
            })
        })
        .collect();
    let cases: Vec<Value> = cases
        .iter()
        .map(|(c, what, n)| json!({"case": c, "state": what, "statements": n}))
        .collect();
    let doc = json!({
        "format": "wastetrail-demo/1",
        "origin": DEMO_ORIGIN,
        "registrar": "registrar",
        "participants": participants,
        "cases": cases,
    });
    let text = serde_json::to_string_pretty(&doc)? + "\n";
    std::fs::write(dir.join(MANIFEST_FILE), text).context("cannot write the demo manifest")
}

/// A logged-in client per participant.
struct Session {
    anon: Client,
    clients: std::collections::HashMap<&'static str, Client>,
}

impl Session {
    async fn client(&mut self, keys: &Keys, id: &'static str) -> anyhow::Result<&Client> {
        if !self.clients.contains_key(id) {
            let mut c = self.anon.anonymous();
            c.login(id, keys.of(id)?)
                .await
                .with_context(|| format!("login of {id}"))?;
            self.clients.insert(id, c);
        }
        self.clients.get(id).context("session vanished")
    }

    async fn file(
        &mut self,
        keys: &Keys,
        actor: &'static str,
        kind: &str,
        case: &str,
        body: Value,
    ) -> anyhow::Result<Receipt> {
        let signer = keys.of(actor)?.clone();
        let client = self.client(keys, actor).await?;
        file_draft(client, actor, &signer, &Draft::new(kind, case, actor, body))
            .await
            .with_context(|| format!("{kind} in {case} by {actor}"))
    }
}

fn registration(p: &DemoParticipant, s: &ParticipantSigner) -> anyhow::Result<Value> {
    let body = ParticipantRegistered {
        id: p.id.to_owned(),
        kind: ParticipantKind::parse(p.kind)
            .with_context(|| format!("{}: unknown kind {:?}", p.id, p.kind))?,
        country: CountryCode::parse(p.country).with_context(|| p.id.to_owned())?,
        name: p.name.to_owned(),
        address: p.address.to_owned(),
        key: wastetrail_verify::key_info(&s.public_key()),
    };
    Ok(serde_json::to_value(body)?)
}

fn notification(
    kind: &str,
    transit: Value,
    shipments: u32,
    per_shipment_kg: u64,
    reference: &str,
) -> Value {
    let mut n = json!({
        "kind": kind,
        "reason": "recovery of copper and precious metals from printed circuit boards",
        "justification": "raw_material_for_recovery",
        "exporter": "exporter-de",
        "generators": [{"participant": "generator-de", "site": "Werk 1, Essen", "process": "dismantling of collected IT equipment"}],
        "importer": "importer-nl",
        "disposer": "disposer-nl",
        "facility": {"name": "Metals Recovery BV", "site": "Haven 5, Rotterdam"},
        "carriers": ["carrier-de", "carrier-nl"],
        "export": {"country": "DE", "authority": "ca-de", "customs_office": "customs-de"},
        "transit": transit,
        "import": {"country": "NL", "authority": "ca-nl", "customs_office": "customs-nl"},
        "period": {"first_departure": day(0), "last_departure": day(180)},
        "planned_shipments": shipments,
        "transport": ["road"],
        "insurance": {"insurer": "Rhein Versicherung AG", "policy": "P-2026-77", "coverage": "EUR 5 000 000"},
        "waste": {
            "description": "waste printed circuit boards from IT equipment",
            "codes": ["A1181"],
            "composition": "copper, gold, silver, palladium, epoxy, brominated flame retardants",
            "handling": "keep dry; no crushing before shipment"
        },
        "packaging": ["palletised"],
        "quantity": {"total_kg": per_shipment_kg * u64::from(shipments), "per_shipment_kg": per_shipment_kg},
        "operation": "R4",
        "esm_assessment": "ISO 14001 certified facility, permit 2024/17",
        "contract": {"reference": reference, "concluded_on": day(0)},
        "declaration_correct": true,
        "contact": contact()
    });
    if kind == "single"
        && let Some(q) = n.get_mut("quantity").and_then(Value::as_object_mut)
    {
        q.remove("per_shipment_kg");
    }
    n
}

fn movement(no: u32, kg: u64, transit: &[&str]) -> Value {
    json!({
        "shipment_no": no, "started_on": day(0),
        "exporter": "exporter-de", "generators": ["generator-de"],
        "disposer": "disposer-nl", "site": "Haven 5, Rotterdam",
        "carriers": ["carrier-de", "carrier-nl"], "transport": ["road"],
        "exit_office": "customs-de", "entry_office": "customs-nl",
        "transit": transit,
        "description": "waste printed circuit boards from IT equipment", "codes": ["A1181"],
        "handling": "keep dry", "packages": {"kind": "palletised", "count": 20},
        "quantity_kg": kg, "declaration_correct": true, "declaration_no_objection": true,
        "contact": contact()
    })
}

/// The exporter's contact person (personal data: committed separately and erasable,
/// docs/privacy.md).
fn contact() -> Value {
    json!({"name": "Jana Beispiel", "phone": "+49 201 555 0100", "email": "jana.beispiel@exporter-de.example"})
}

/// Registers the cast and files the demo cases; returns (case, state, statements) per case.
async fn populate(url: &str, keys: &Keys) -> anyhow::Result<Vec<(String, &'static str, usize)>> {
    let anon = Client::connect(url, None)
        .await
        .context("cannot reach the demo server")?;
    let mut s = Session {
        anon,
        clients: std::collections::HashMap::new(),
    };
    // The registry: the registrar registers the competent authorities and the auditor; each
    // competent authority the participants of its country.
    for (p, signer) in &keys.signers {
        let by: &'static str = match p.kind {
            "registrar" => continue,
            "competent_authority" | "auditor" => "registrar",
            _ => match p.country {
                "DE" => "ca-de",
                "BE" => "ca-be",
                "NL" => "ca-nl",
                "LU" => "ca-lu",
                other => anyhow::bail!("no demo authority for {other}"),
            },
        };
        s.file(
            keys,
            by,
            "participant.registered",
            REGISTRY_CASE,
            registration(p, signer)?,
        )
        .await?;
    }

    let year = time::OffsetDateTime::now_utc().year();
    let mut cases = Vec::new();

    // Case 1: DE -> BE -> NL, one shipment, from notification to disposal.
    let c1 = format!("DE-{year}-0001");
    let transit_be = json!([{"country": "BE", "authority": "ca-be", "entry_office": "customs-be-in", "exit_office": "customs-be-out"}]);
    let steps: Vec<(&'static str, &str, Value)> = vec![
        (
            "exporter-de",
            "notification.submitted",
            notification("single", transit_be.clone(), 1, 18_000, "C-0001"),
        ),
        (
            "ca-de",
            "notification.transmitted",
            json!({"sent_on": day(0)}),
        ),
        (
            "ca-be",
            "notification.acknowledged",
            json!({"received_on": day(0)}),
        ),
        (
            "ca-nl",
            "consent.granted",
            json!({"valid_from": day(0), "valid_until": day(300),
            "conditions": {"max_total_kg": 18_000, "max_shipments": 1, "insurance_required": true}}),
        ),
        (
            "ca-be",
            "transit.consented",
            json!({"valid_from": day(0), "valid_until": day(300)}),
        ),
        (
            "ca-nl",
            "contract.confirmed",
            json!({"reference": "C-0001"}),
        ),
        (
            "exporter-de",
            "movement.started",
            movement(1, 18_000, &["BE"]),
        ),
        (
            "customs-de",
            "border.exited",
            json!({"shipment_no": 1, "on": day(0)}),
        ),
        (
            "carrier-nl",
            "custody.transferred",
            json!({"shipment_no": 1, "from": "exporter-de", "on": day(0)}),
        ),
        (
            "customs-be-in",
            "border.entered",
            json!({"shipment_no": 1, "on": day(0)}),
        ),
        (
            "customs-be-out",
            "border.exited",
            json!({"shipment_no": 1, "on": day(0)}),
        ),
        (
            "customs-nl",
            "border.entered",
            json!({"shipment_no": 1, "on": day(0)}),
        ),
        (
            "disposer-nl",
            "receipt.confirmed",
            json!({"shipment_no": 1, "received_on": day(0), "quantity_kg": 17_950}),
        ),
        (
            "disposer-nl",
            "disposal.completed",
            json!({"shipment_no": 1, "completed_on": day(0), "operation": "R4"}),
        ),
    ];
    let n = steps.len();
    for (actor, kind, body) in steps {
        s.file(keys, actor, kind, &c1, body).await?;
    }
    cases.push((c1, "completed: shipment 1 received and recovered (R4)", n));

    // Case 2: DE -> NL, general notification of three shipments; shipment 1 is on its way.
    let c2 = format!("DE-{year}-0002");
    let steps: Vec<(&'static str, &str, Value)> = vec![
        (
            "exporter-de",
            "notification.submitted",
            notification("general", json!([]), 3, 20_000, "C-0002"),
        ),
        (
            "ca-de",
            "notification.transmitted",
            json!({"sent_on": day(0)}),
        ),
        (
            "ca-nl",
            "consent.granted",
            json!({"valid_from": day(0), "valid_until": day(330),
            "conditions": {"max_total_kg": 60_000, "max_kg_per_shipment": 20_000, "max_shipments": 3}}),
        ),
        (
            "ca-nl",
            "contract.confirmed",
            json!({"reference": "C-0002"}),
        ),
        ("exporter-de", "movement.started", movement(1, 19_500, &[])),
        (
            "customs-de",
            "border.exited",
            json!({"shipment_no": 1, "on": day(0)}),
        ),
        (
            "carrier-nl",
            "custody.transferred",
            json!({"shipment_no": 1, "from": "exporter-de", "on": day(0)}),
        ),
    ];
    let n = steps.len();
    for (actor, kind, body) in steps {
        s.file(keys, actor, kind, &c2, body).await?;
    }
    cases.push((
        c2,
        "in progress: shipment 1 of 3 on its way (left DE, not yet received)",
        n,
    ));

    // Case 3: DE -> LU -> BE -> NL, waiting for the States concerned.
    let c3 = format!("DE-{year}-0003");
    let transit = json!([
        {"country": "LU", "authority": "ca-lu"},
        {"country": "BE", "authority": "ca-be", "entry_office": "customs-be-in", "exit_office": "customs-be-out"}
    ]);
    let steps: Vec<(&'static str, &str, Value)> = vec![
        (
            "exporter-de",
            "notification.submitted",
            notification("single", transit, 1, 12_000, "C-0003"),
        ),
        (
            "ca-de",
            "notification.transmitted",
            json!({"sent_on": day(0)}),
        ),
        (
            "ca-lu",
            "notification.acknowledged",
            json!({"received_on": day(0)}),
        ),
        (
            "ca-nl",
            "information.requested",
            json!({"questions": "Which permit of the facility covers R4 for A1181?"}),
        ),
    ];
    let n = steps.len();
    for (actor, kind, body) in steps {
        s.file(keys, actor, kind, &c3, body).await?;
    }
    cases.push((
        c3,
        "in progress: transmitted; NL asked for information, no consent yet",
        n,
    ));
    Ok(cases)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_urls() {
        assert_eq!(client_url("127.0.0.1:0", 4000), "http://127.0.0.1:4000");
        assert_eq!(client_url("0.0.0.0:8080", 8080), "http://127.0.0.1:8080");
        assert_eq!(client_url("[::]:8080", 8080), "http://[::1]:8080");
        assert_eq!(client_url("example.org:80", 80), "http://example.org:80");
    }

    #[test]
    fn cast_covers_the_required_roles() {
        let kinds: Vec<&str> = CAST.iter().map(|p| p.kind).collect();
        assert_eq!(
            kinds
                .iter()
                .filter(|k| **k == "competent_authority")
                .count(),
            4
        );
        assert_eq!(kinds.iter().filter(|k| **k == "carrier").count(), 2);
        for k in [
            "registrar",
            "exporter",
            "disposer",
            "auditor",
            "customs_office",
        ] {
            assert!(kinds.contains(&k), "{k}");
        }
        let mut ids: Vec<&str> = CAST.iter().map(|p| p.id).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), CAST.len());
    }

    #[test]
    fn single_notifications_have_no_per_shipment_quantity() {
        let n = notification("single", json!([]), 1, 100, "C");
        assert!(n["quantity"].get("per_shipment_kg").is_none());
        let n = notification("general", json!([]), 2, 100, "C");
        assert_eq!(n["quantity"]["total_kg"], 200);
    }
}
