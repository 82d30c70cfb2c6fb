//! Shared fixtures for the rules tests: fictional countries (user-assigned codes), a registry
//! with participants in each, notification and movement-document builders, and a case runner.
#![allow(dead_code)]

use serde_json::{Value, json};
use time::macros::datetime;
use time::{Duration, OffsetDateTime};
use wastetrail_basel::body::{KeyAdded, KeyInfo, KeyRevoked, ParticipantRegistered, StatementType};
use wastetrail_basel::{
    Case, CountryCode, Facts, Filing, ParticipantKind, REGISTRY_CASE, Refusal, Registry,
};

/// The first time of the fixtures.
pub const T0: OffsetDateTime = datetime!(2026-03-02 10:00 UTC);

fn yes(v: Option<bool>) -> Value {
    json!([{ "value": v, "source": "TEST" }])
}

fn country(
    name: &str,
    party: Option<bool>,
    ban: Option<bool>,
    oecd: Option<bool>,
    waiver: Option<bool>,
    bans: Value,
) -> Value {
    json!({
        "name": name,
        "basel_party": yes(party),
        "ban_amendment": yes(ban),
        "oecd_member": yes(oecd),
        "eu_member": yes(Some(false)),
        "transit_waiver": yes(waiver),
        "import_bans": bans,
    })
}

fn no_bans() -> Value {
    json!({ "source": "TEST", "bans": [] })
}

/// Fictional countries:
/// - XA: Party, Annex VII (OECD), Ban Amendment in force, no transit waiver (exports).
/// - XB: Party, not Annex VII, waived written transit consent (Art. 6(4)).
/// - XC: Party, Annex VII, Ban Amendment, no waiver, no import bans (imports).
/// - XD: Party, not Annex VII, no Ban Amendment.
/// - XE: not a Party; Art. 11 agreement XA -> XE for R4.
/// - XF: Party, not Annex VII, bans imports of A1181 and Y49 for disposal.
/// - XG: Party, not Annex VII, bans all imports (Art. 4(2)(e)).
/// - XH: Party, Annex VII, no waiver.
/// - XN: not a Party (transit).
/// - XU: every fact unknown.
pub fn facts() -> Facts {
    let overrides = json!({
        "format": "wastetrail-facts/1",
        "description": "wastetrail-basel rules test fixture",
        "sources": { "TEST": { "title": "rules test fixture", "url": null, "as_of": "2026-01-01" } },
        "countries": {
            "XA": country("Xa", Some(true), Some(true), Some(true), Some(false), no_bans()),
            "XB": country("Xb", Some(true), Some(false), Some(false), Some(true), no_bans()),
            "XC": country("Xc", Some(true), Some(true), Some(true), Some(false), no_bans()),
            "XD": country("Xd", Some(true), Some(false), Some(false), Some(false), no_bans()),
            "XE": country("Xe", Some(false), Some(false), Some(false), Some(false), no_bans()),
            "XF": country("Xf", Some(true), Some(false), Some(false), Some(false), json!({
                "source": "TEST",
                "bans": [{ "scope": "no e-waste for disposal", "codes": ["A1181", "Y49"], "operations": "disposal", "source": "TEST gazette" }]
            })),
            "XG": country("Xg", Some(true), Some(false), Some(false), Some(false), json!({
                "source": "TEST",
                "bans": [{ "scope": "all wastes", "source": "TEST gazette" }]
            })),
            "XH": country("Xh", Some(true), Some(true), Some(true), Some(false), no_bans()),
            "XN": country("Xn", Some(false), Some(false), Some(false), Some(false), no_bans()),
            "XU": {
                "name": "Xu",
                "basel_party": [], "ban_amendment": [], "oecd_member": [], "eu_member": [], "transit_waiver": []
            }
        },
        "art11_agreements": [{
            "id": "XA-XE-TEST",
            "name": "Xa-Xe recycling agreement",
            "pairs": [{ "export": "XA", "import": "XE" }],
            "operations": ["R4"],
            "from": null,
            "until": null,
            "source": "TEST",
            "note": null
        }]
    });
    Facts::builtin()
        .unwrap()
        .with_overrides(&overrides)
        .unwrap()
}

pub const COUNTRIES: [&str; 11] = [
    "XA", "XB", "XC", "XD", "XE", "XF", "XG", "XH", "XN", "XU", "AQ",
];

pub fn cc(s: &str) -> CountryCode {
    CountryCode::parse(s).unwrap()
}

pub fn filing(kind: &str, case: &str, actor: &str, at: OffsetDateTime, body: Value) -> Filing {
    Filing::new(StatementType::parse(kind).unwrap(), case, actor, at, body)
}

pub fn key(id: &str) -> Value {
    serde_json::to_value(key_info(id)).unwrap()
}

/// The fixture key `id` (its public key is `pk-<id>`: the rules never check signatures).
pub fn key_info(id: &str) -> KeyInfo {
    KeyInfo::new(id, format!("pk-{id}"))
}

/// A `key.added` body: `participant` gets the fixture key `key`.
pub fn key_added(participant: &str, key: &str) -> Value {
    let body = KeyAdded {
        participant: participant.into(),
        key: key_info(key),
    };
    serde_json::to_value(body).unwrap()
}

/// A `key.revoked` body: `participant`'s key `key_id` is revoked.
pub fn key_revoked(participant: &str, key_id: &str, reason: &str) -> Value {
    let body = KeyRevoked {
        participant: participant.into(),
        key_id: key_id.into(),
        reason: reason.into(),
    };
    serde_json::to_value(body).unwrap()
}

/// A valid `participant.registered` body (typed, as JSON) for a fixture participant.
pub fn registration(id: &str, kind: &str, country: &str, address: &str) -> Value {
    let body = ParticipantRegistered {
        id: id.into(),
        kind: ParticipantKind::parse(kind).unwrap(),
        country: cc(country),
        name: id.into(),
        address: address.into(),
        key: key_info(&format!("{id}-1")),
    };
    serde_json::to_value(body).unwrap()
}

/// A registry with, in each fixture country `XX` (lower case `xx`): `ca-xx`, `exp-xx`, `gen-xx`,
/// `imp-xx`, `dis-xx`, `dis2-xx`, `cus-xx`, `cus2-xx`, `car-xx`, `car2-xx`, and the auditor `aud`.
pub fn registry() -> Registry {
    registry_with(&COUNTRIES)
}

/// [`registry`] for other countries (e.g. real ones).
pub fn registry_with(countries: &[&str]) -> Registry {
    let mut r = Registry::bootstrap(
        "reg",
        cc("XA"),
        "Registrar",
        KeyInfo::new("reg-1", "pk-reg"),
        T0 - Duration::days(30),
    );
    let at = T0 - Duration::days(20);
    let reg = |r: &Registry, actor: &str, id: &str, kind: &str, country: &str| {
        let body = registration(id, kind, country, "1 Test Street");
        r.apply(
            &filing("participant.registered", REGISTRY_CASE, actor, at, body),
            at,
        )
        .unwrap()
    };
    r = reg(&r, "reg", "aud", "auditor", "XA");
    for &c in countries {
        let l = c.to_lowercase();
        let ca = format!("ca-{l}");
        r = reg(&r, "reg", &ca, "competent_authority", c);
        for (p, kind) in [
            ("exp", "exporter"),
            ("gen", "generator"),
            ("imp", "importer"),
            ("dis", "disposer"),
            ("dis2", "disposer"),
            ("cus", "customs_office"),
            ("cus2", "customs_office"),
            ("car", "carrier"),
            ("car2", "carrier"),
        ] {
            r = reg(&r, &ca, &format!("{p}-{l}"), kind, c);
        }
    }
    r
}

pub fn l(c: &str) -> String {
    c.to_lowercase()
}

/// A complete single notification from `export` through `transit` to `import` of A1181 for R4.
pub fn notification(export: &str, transit: &[&str], import: &str) -> Value {
    let (x, m) = (l(export), l(import));
    let transit: Vec<Value> = transit
        .iter()
        .map(|t| {
            let t_l = l(t);
            json!({ "country": t, "authority": format!("ca-{t_l}"), "entry_office": format!("cus-{t_l}"), "exit_office": format!("cus2-{t_l}") })
        })
        .collect();
    json!({
        "kind": "single",
        "reason": "No facility for recovery of these metals in the State of export.",
        "justification": "raw_material_for_recovery",
        "exporter": format!("exp-{x}"),
        "generators": [{ "participant": format!("gen-{x}"), "site": "Plant 1", "process": "Dismantling of used IT equipment" }],
        "importer": format!("imp-{m}"),
        "disposer": format!("dis-{m}"),
        "facility": { "name": "Smelter", "site": "2 Smelter Road" },
        "carriers": [format!("car-{x}"), format!("car2-{x}")],
        "export": { "country": export, "authority": format!("ca-{x}"), "customs_office": format!("cus-{x}") },
        "transit": transit,
        "import": { "country": import, "authority": format!("ca-{m}"), "customs_office": format!("cus-{m}") },
        "period": { "first_departure": "2026-03-01", "last_departure": "2026-12-31" },
        "planned_shipments": 1,
        "transport": ["road"],
        "waste": {
            "description": "Printed circuit boards with lead solder",
            "codes": ["A1181"],
            "hazard_classes": ["H11"],
            "composition": "Lead up to 2 %",
            "handling": "Keep dry"
        },
        "packaging": ["palletised"],
        "quantity": { "total_kg": 20000 },
        "operation": "R4",
        "esm_assessment": "Facility permit No. 7 and audit report 2025",
        "contract": { "reference": "C-2026-1", "concluded_on": "2026-01-15" },
        "declaration_correct": true
    })
}

/// A general notification for `shipments` shipments of 5 000 kg each.
pub fn general(export: &str, transit: &[&str], import: &str, shipments: u32) -> Value {
    let mut n = notification(export, transit, import);
    n["kind"] = json!("general");
    n["planned_shipments"] = json!(shipments);
    n["quantity"] = json!({ "total_kg": 5000 * u64::from(shipments), "per_shipment_kg": 5000 });
    n
}

/// A movement document for shipment `no` that matches notification `n`.
pub fn movement(n: &Value, no: u32, kg: u64, started_on: &str) -> Value {
    let transit: Vec<Value> = n["transit"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["country"].clone())
        .collect();
    json!({
        "shipment_no": no,
        "started_on": started_on,
        "exporter": n["exporter"],
        "generators": [n["generators"][0]["participant"]],
        "disposer": n["disposer"],
        "site": n["facility"]["site"],
        "carriers": [n["carriers"][0]],
        "transport": ["road"],
        "exit_office": n["export"]["customs_office"],
        "entry_office": n["import"]["customs_office"],
        "transit": transit,
        "description": n["waste"]["description"],
        "codes": n["waste"]["codes"],
        "hazard_classes": n["waste"]["hazard_classes"],
        "handling": "Keep dry",
        "packages": { "kind": "palletised", "count": 20 },
        "quantity_kg": kg,
        "declaration_correct": true,
        "declaration_no_objection": true
    })
}

pub fn consent(from: &str, until: &str) -> Value {
    json!({ "valid_from": from, "valid_until": until })
}

/// A case being filed, step by step.
pub struct Run {
    pub reg: Registry,
    pub facts: Facts,
    pub case: Case,
    pub at: OffsetDateTime,
    pub n: Value,
}

impl Run {
    /// A run of a case opened under the notification's State of export (CASE-03).
    pub fn new(n: Value) -> Run {
        let export = n["export"]["country"].as_str().unwrap_or("XA").to_owned();
        Run {
            reg: registry(),
            facts: facts(),
            case: Case::new(format!("{export}-2026-0001")),
            at: T0,
            n,
        }
    }

    /// Tries a filing without changing the run.
    pub fn try_file(&self, kind: &str, actor: &str, body: Value) -> Result<Case, Refusal> {
        let f = filing(kind, &self.case.id, actor, self.at, body);
        wastetrail_basel::apply(&self.case, &f, &self.reg, &self.facts, self.at)
    }

    /// Files and keeps the new case; returns the refusal if refused.
    pub fn file(&mut self, kind: &str, actor: &str, body: Value) -> Result<(), Refusal> {
        self.case = self.try_file(kind, actor, body)?;
        Ok(())
    }

    /// Files and panics with the refusal if refused.
    pub fn ok(&mut self, kind: &str, actor: &str, body: Value) -> &mut Run {
        if let Err(r) = self.file(kind, actor, body) {
            panic!("{kind} by {actor} refused: {r}");
        }
        self
    }

    pub fn days(&mut self, d: i64) -> &mut Run {
        self.at += Duration::days(d);
        self
    }

    pub fn today(&self) -> String {
        self.at.date().to_string()
    }

    fn role(&self, key: &str) -> String {
        self.n[key].as_str().unwrap().to_owned()
    }
    pub fn exporter(&self) -> String {
        self.role("exporter")
    }
    pub fn disposer(&self) -> String {
        self.role("disposer")
    }
    pub fn export_ca(&self) -> String {
        self.n["export"]["authority"].as_str().unwrap().to_owned()
    }
    pub fn import_ca(&self) -> String {
        self.n["import"]["authority"].as_str().unwrap().to_owned()
    }
    pub fn transit_cas(&self) -> Vec<String> {
        self.n["transit"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["authority"].as_str().unwrap().to_owned())
            .collect()
    }

    /// Submits and transmits the notification.
    pub fn transmitted(&mut self) -> &mut Run {
        let (exp, ca, n) = (self.exporter(), self.export_ca(), self.n.clone());
        self.ok("notification.submitted", &exp, n);
        let today = self.today();
        self.ok("notification.transmitted", &ca, json!({ "sent_on": today }))
    }

    /// Import consent (2026-03-01 to 2026-12-31) and contract confirmation.
    pub fn import_consented(&mut self) -> &mut Run {
        let ca = self.import_ca();
        let reference = self.n["contract"]["reference"].clone();
        self.ok("consent.granted", &ca, consent("2026-03-01", "2026-12-31"));
        self.ok("contract.confirmed", &ca, json!({ "reference": reference }))
    }

    /// Every transit State consents (2026-03-01 to 2026-12-31).
    pub fn transit_consented(&mut self) -> &mut Run {
        for ca in self.transit_cas() {
            self.ok(
                "transit.consented",
                &ca,
                consent("2026-03-01", "2026-12-31"),
            );
        }
        self
    }

    /// Everything needed before a start.
    pub fn ready(&mut self) -> &mut Run {
        self.transmitted().import_consented().transit_consented()
    }

    /// Starts shipment `no` today with `kg`.
    pub fn start(&mut self, no: u32, kg: u64) -> Result<(), Refusal> {
        let doc = movement(&self.n, no, kg, &self.today());
        let exp = self.exporter();
        self.file("movement.started", &exp, doc)
    }

    pub fn may_start(&self, no: u32) -> wastetrail_basel::Verdict {
        wastetrail_basel::may_start(&self.case, no, &self.facts, self.at)
    }
}
