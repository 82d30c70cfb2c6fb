//! The forms of the filings: one list of fields per statement type, with the values a form
//! starts from (the movement document is pre-filled from the notification and the consents).

use wastetrail_basel::body::NotificationKind;
use wastetrail_basel::case::AnswerStatus;
use wastetrail_basel::codes::{HazardClass, Operation};
use wastetrail_basel::{Case, ParticipantKind, RuleId, StatementType};

use super::Ctx;
use super::ctx::User;
use super::fields::{Field, Input, Section};
use super::views::date;
use crate::world::World;

/// What a form is built from.
pub struct Env<'a> {
    /// The request.
    pub c: &'a Ctx,
    /// The replayed log.
    pub w: &'a World,
    /// Who files.
    pub user: &'a User,
    /// The case, for filings in an existing case.
    pub case: Option<&'a Case>,
    /// Today, `YYYY-MM-DD`.
    pub today: time::Date,
    /// The shipment the filing is about, when the page was opened for one (`?shipment=`).
    pub shipment: Option<u32>,
}

impl Env<'_> {
    fn l(&self, key: &str) -> String {
        self.c.t.m(format!("fld-{key}"))
    }

    fn f(&self, name: &str, input: Input) -> Field {
        Field::new(name, self.l(&name.replace('.', "-")), input)
    }

    /// Participants of a kind (and country), as options `(id, "Name (CC)")`.
    fn who(&self, kind: ParticipantKind, country: Option<&str>) -> Vec<(String, String)> {
        self.w
            .registry
            .participants()
            .filter(|p| p.kind == kind && country.is_none_or(|c| p.country.as_str() == c))
            .map(|p| (p.id.clone(), format!("{} ({})", p.name, p.country.as_str())))
            .collect()
    }

    fn with_blank(&self, mut o: Vec<(String, String)>) -> Vec<(String, String)> {
        o.insert(0, (String::new(), self.c.t.m("choose")));
        o
    }

    fn select(&self, name: &str, options: Vec<(String, String)>) -> Field {
        self.f(name, Input::Select(self.with_blank(options)))
    }
}

/// The options of an enumeration with translated labels (`val-<value>`).
fn enum_options(c: &Ctx, values: &[&str]) -> Vec<(String, String)> {
    values
        .iter()
        .map(|v| ((*v).to_owned(), c.t.m(format!("val-{v}"))))
        .collect()
}

fn operations(c: &Ctx) -> Vec<(String, String)> {
    Operation::all()
        .map(|o| {
            let code = o.as_str();
            (
                code.to_owned(),
                format!("{code} — {}", c.t.m(format!("op-{code}"))),
            )
        })
        .collect()
}

fn hazard_classes(c: &Ctx) -> Vec<(String, String)> {
    HazardClass::all()
        .map(|h| {
            let code = h.as_str();
            (
                code.to_owned(),
                format!(
                    "{code} — {}",
                    c.t.m(format!("hz-{}", code.replace('.', "_")))
                ),
            )
        })
        .collect()
}

const TRANSPORT: [&str; 5] = ["road", "rail", "sea", "air", "inland_waterways"];
const PACKAGING: [&str; 6] = [
    "bulk",
    "drummed",
    "tanker",
    "palletised",
    "container",
    "other",
];

/// The fields of a filing of `kind`, with their starting values; `None` when the web pages
/// offer no form for it.
pub fn sections(kind: StatementType, e: &Env) -> Option<Vec<Section>> {
    use StatementType as T;
    let one = |fields: Vec<Field>| Some(vec![Section::new(String::new(), fields)]);
    let today = date(e.today);
    match kind {
        T::NotificationSubmitted => Some(notification(e)),
        T::NotificationTransmitted => one(vec![e.f("sent_on", Input::Date).req().val(today)]),
        T::NotificationAcknowledged => one(vec![e.f("received_on", Input::Date).req().val(today)]),
        T::NotificationWithdrawn | T::ConsentDenied | T::TransitObjected | T::ConsentWithdrawn => {
            one(vec![e.f("reason", Input::Area).req()])
        }
        T::InformationRequested => one(vec![e.f("questions", Input::Area).req()]),
        T::InformationProvided => one(vec![
            e.select("to", asking_states(e)).req(),
            e.f("answer", Input::Area).req(),
        ]),
        T::ContractConfirmed => one(vec![
            e.f("reference", Input::Text).req().val(
                e.case
                    .and_then(|c| c.notification.as_ref())
                    .map(|n| n.contract.reference.clone())
                    .unwrap_or_default(),
            ),
        ]),
        T::ConsentGranted | T::TransitConsented => Some(consent(e)),
        T::MovementStarted => Some(movement(e)),
        T::CustodyTransferred
        | T::BorderExited
        | T::BorderEntered
        | T::ReceiptConfirmed
        | T::DisposalCompleted => Some(custody_step(kind, e)),
        T::ParticipantRegistered => Some(registration(e)),
        T::KeyAdded => one(vec![
            e.select("participant", managed(e)).req(),
            e.f("key.public_key", Input::Text)
                .req()
                .hint(e.c.t.m("hint-public-key")),
        ]),
        T::KeyRevoked => one(vec![
            Field::new(
                "_key",
                e.l("key_id"),
                Input::Select(e.with_blank(managed_keys(e))),
            )
            .req(),
            e.f("reason", Input::Area).req(),
        ]),
        _ => None,
    }
}

/// The kinds a participant may register: the registrar registers competent authorities and
/// auditors, a competent authority the operators and customs offices of its State (REG-01).
pub fn registrable(u: &User) -> &'static [&'static str] {
    match u.kind {
        ParticipantKind::Registrar => &["competent_authority", "auditor"],
        ParticipantKind::CompetentAuthority => &[
            "exporter",
            "generator",
            "importer",
            "carrier",
            "disposer",
            "customs_office",
        ],
        _ => &[],
    }
}

/// The participants whose keys the user manages: itself and those it registered (REG-02).
pub fn managed(e: &Env) -> Vec<(String, String)> {
    e.w.registry
        .participants()
        .filter(|p| p.id == e.user.id || p.registered_by == e.user.id)
        .map(|p| (p.id.clone(), format!("{} ({})", p.name, p.id)))
        .collect()
}

/// The keys still valid of the participants the user manages, as `participant|key_id`.
fn managed_keys(e: &Env) -> Vec<(String, String)> {
    let now = time::OffsetDateTime::now_utc();
    e.w.registry
        .participants()
        .filter(|p| p.id == e.user.id || p.registered_by == e.user.id)
        .flat_map(|p| {
            p.keys
                .iter()
                .filter(move |k| k.valid_at(now))
                .map(move |k| {
                    (
                        format!("{}|{}", p.id, k.key_id),
                        format!("{} — {}", p.id, k.key_id),
                    )
                })
        })
        .collect()
}

fn registration(e: &Env) -> Vec<Section> {
    let c = e.c;
    let kinds: Vec<(String, String)> = registrable(e.user)
        .iter()
        .map(|k| ((*k).to_owned(), c.t.m(format!("kind-{k}"))))
        .collect();
    let country = if e.user.kind == ParticipantKind::Registrar {
        e.f("country", Input::Text)
            .req()
            .hint(c.t.m("hint-country"))
    } else {
        e.f("country", Input::Fixed { array: false })
            .val(e.user.country.as_str())
    };
    vec![Section::new(
        String::new(),
        vec![
            e.f("id", Input::Text)
                .req()
                .hint(c.t.m("hint-participant-id")),
            Field::new(
                "kind",
                c.t.m("fld-participant-kind"),
                Input::Select(e.with_blank(kinds)),
            )
            .req(),
            country,
            e.f("name", Input::Text).req(),
            e.f("address", Input::Text).req(),
            e.f("key.public_key", Input::Text)
                .req()
                .hint(c.t.m("hint-public-key")),
        ],
    )]
}

/// The form of a step of the chain of custody: the shipment (among those where the step is
/// still to come), its date, and what the step says (who handed over, the quantity received,
/// the operation carried out).
fn custody_step(kind: StatementType, e: &Env) -> Vec<Section> {
    use StatementType as T;
    let c = e.c;
    let Some(case) = e.case else {
        return Vec::new();
    };
    let Some(n) = &case.notification else {
        return Vec::new();
    };
    let open = super::case_view::open_shipments(kind, &e.user.id, e.user.country, case);
    let chosen = e
        .shipment
        .filter(|no| open.contains(no))
        .or_else(|| open.first().copied());
    let ship = chosen.and_then(|no| case.shipments.get(&no));
    let doc = ship.and_then(|s| s.document.as_ref());
    let name = |id: &str| {
        e.w.registry
            .get(id)
            .map_or_else(|| id.to_owned(), |p| format!("{} ({id})", p.name))
    };
    let options: Vec<(String, String)> = open
        .iter()
        .filter_map(|no| case.shipments.get(no))
        .map(|s| {
            let kg = s.document.as_ref().map_or(0, |d| d.quantity_kg);
            let started = s.started_on().map(date).unwrap_or_default();
            (
                s.shipment_no.to_string(),
                format!(
                    "{} — {} — {started}",
                    c.t.m1("shipment-n", "n", s.shipment_no),
                    c.t.m1("kg", "n", kg)
                ),
            )
        })
        .collect();
    let today = date(e.today);
    let mut fields = vec![
        e.f("shipment_no", Input::Select(options))
            .req()
            .val(chosen.map(|no| no.to_string()).unwrap_or_default()),
    ];
    match kind {
        T::CustodyTransferred => {
            let mut holders: Vec<(String, String)> = open
                .iter()
                .filter_map(|no| case.shipments.get(no))
                .filter_map(|s| s.holder.clone())
                .map(|h| (h.clone(), name(&h)))
                .collect();
            holders.sort();
            holders.dedup();
            fields.push(
                e.f("from", Input::Select(holders))
                    .req()
                    .val(ship.and_then(|s| s.holder.clone()).unwrap_or_default()),
            );
            fields.push(e.f("on", Input::Date).req().val(today));
        }
        T::BorderExited | T::BorderEntered => {
            fields.push(e.f("on", Input::Date).req().val(today));
            return vec![
                Section::new(String::new(), fields),
                Section::new(c.t.m("sec-discrepancies"), discrepancy_fields(e)),
            ];
        }
        T::ReceiptConfirmed => {
            fields.push(e.f("received_on", Input::Date).req().val(today));
            fields.push(
                e.f("quantity_kg", Input::Number)
                    .req()
                    .val(doc.map(|d| d.quantity_kg.to_string()).unwrap_or_default())
                    .hint(c.t.m("hint-received-kg")),
            );
            let rejection = vec![
                e.f("rejected_kg", Input::Number)
                    .hint(c.t.m("hint-rejected-kg")),
                e.f("rejection_reasons", Input::Lines)
                    .hint(c.t.m("hint-rejection-reasons")),
            ];
            return vec![
                Section::new(String::new(), fields),
                Section::new(c.t.m("sec-rejection"), rejection),
            ];
        }
        T::DisposalCompleted => {
            fields.push(e.f("completed_on", Input::Date).req().val(today));
            fields.push(
                e.f("operation", Input::Select(operations(c)))
                    .req()
                    .val(n.operation.as_str()),
            );
        }
        _ => {}
    }
    vec![Section::new(String::new(), fields)]
}

/// What a customs officer may note at the border where the shipment differs from its
/// movement document; all optional, left out of the body when blank.
fn discrepancy_fields(e: &Env) -> Vec<Field> {
    let c = e.c;
    vec![
        e.f("discrepancies.quantity_kg", Input::Number)
            .hint(c.t.m("hint-discrepancy-kg")),
        e.f("discrepancies.packages", Input::Number)
            .hint(c.t.m("hint-discrepancy-packages")),
        e.f("discrepancies.seals", Input::Text),
        e.f("discrepancies.vehicle", Input::Text),
        e.f("discrepancies.note", Input::Area),
    ]
}

/// Completes a body with what the form does not ask: the key id of a public key
/// (docs/ledger-format.md §2) and the participant and key id of a key to revoke.
pub fn derive(kind: StatementType, form_key: &str, body: &mut serde_json::Value) {
    use base64::Engine as _;
    use sha2::Digest as _;
    if let Some(key) = body.get_mut("key").and_then(|k| k.as_object_mut())
        && let Some(pk) = key.get("public_key").and_then(|v| v.as_str())
        && let Ok(raw) = base64::engine::general_purpose::STANDARD.decode(pk.trim())
        && raw.len() == 32
    {
        let id = format!("ed25519:{}", hex::encode(&sha2::Sha256::digest(&raw)[..8]));
        key.insert("key_id".into(), serde_json::Value::String(id));
    }
    // A shipment chosen from a list is sent as its number.
    if let Some(no) = body.get_mut("shipment_no")
        && let Some(n) = no.as_str().and_then(|s| s.trim().parse::<u64>().ok())
    {
        *no = serde_json::Value::Number(n.into());
    }
    if kind == StatementType::KeyRevoked
        && let Some((participant, key_id)) = form_key.split_once('|')
        && let Some(o) = body.as_object_mut()
    {
        o.insert("participant".into(), participant.into());
        o.insert("key_id".into(), key_id.into());
    }
}

/// The States with an open request for information (the `to` of an answer).
fn asking_states(e: &Env) -> Vec<(String, String)> {
    let Some(case) = e.case else {
        return Vec::new();
    };
    case.import
        .iter()
        .chain(case.transit.iter())
        .filter(|a| matches!(a.answer, AnswerStatus::InformationRequested { .. }))
        .map(|a| {
            let q = match &a.answer {
                AnswerStatus::InformationRequested { questions, .. } => questions.clone(),
                _ => String::new(),
            };
            (
                a.country.as_str().to_owned(),
                format!("{} — {q}", a.country.as_str()),
            )
        })
        .collect()
}

fn consent(e: &Env) -> Vec<Section> {
    let n = e.case.and_then(|c| c.notification.as_ref());
    let carriers: Vec<(String, String)> = e
        .who(ParticipantKind::Carrier, None)
        .into_iter()
        .filter(|(id, _)| n.is_none_or(|n| n.carriers.contains(id)))
        .collect();
    let concerned: Vec<String> = n
        .map(|n| {
            n.states_concerned()
                .iter()
                .map(|c| c.as_str().to_owned())
                .collect()
        })
        .unwrap_or_default();
    let offices: Vec<(String, String)> = e
        .who(ParticipantKind::CustomsOffice, None)
        .into_iter()
        .filter(|(id, _)| {
            e.w.registry
                .get(id)
                .is_some_and(|p| concerned.iter().any(|c| c == p.country.as_str()))
        })
        .collect();
    let until = n.map_or_else(|| date(e.today), |n| date(n.period.last_departure));
    vec![
        Section::new(
            e.c.t.m("sec-validity"),
            vec![
                e.f("valid_from", Input::Date).req().val(date(e.today)),
                e.f("valid_until", Input::Date).req().val(until),
            ],
        ),
        Section::new(
            e.c.t.m("sec-conditions"),
            vec![
                e.f("conditions.max_total_kg", Input::Number).val(
                    n.map(|n| n.quantity.total_kg.to_string())
                        .unwrap_or_default(),
                ),
                e.f("conditions.max_kg_per_shipment", Input::Number),
                e.f("conditions.max_shipments", Input::Number).val(
                    n.map(|n| n.planned_shipments.to_string())
                        .unwrap_or_default(),
                ),
                e.f("conditions.carriers", Input::Checks(carriers))
                    .hint(e.c.t.m("hint-conditions-carriers")),
                e.f("conditions.customs_offices", Input::Checks(offices))
                    .hint(e.c.t.m("hint-conditions-offices")),
                e.f("conditions.insurance_required", Input::Check),
                e.f("conditions.other", Input::Lines)
                    .hint(e.c.t.m("hint-lines")),
            ],
        ),
    ]
}

fn notification(e: &Env) -> Vec<Section> {
    let c = e.c;
    let me = e.user;
    let cc = me.country.as_str();
    let next_serial = (1..10_000)
        .map(|n| format!("{cc}-{}-{n:04}", e.today.year()))
        .find(|id| !e.w.cases.contains_key(id))
        .unwrap_or_default();
    let first = |kind, country: Option<&str>| {
        e.who(kind, country)
            .into_iter()
            .next()
            .map(|(id, _)| id)
            .unwrap_or_default()
    };
    let all_ca = e.who(ParticipantKind::CompetentAuthority, None);
    let all_customs = e.who(ParticipantKind::CustomsOffice, None);
    let countries: Vec<(String, String)> = {
        let mut v: Vec<String> = e
            .w
            .registry
            .participants()
            .filter(|p| p.kind == ParticipantKind::CompetentAuthority && p.country != me.country)
            .map(|p| p.country.as_str().to_owned())
            .collect();
        v.sort();
        v.dedup();
        v.into_iter().map(|x| (x.clone(), x)).collect()
    };
    let transit_row = |i: usize| {
        vec![
            e.select(&format!("transit.{i}.country"), countries.clone()),
            e.select(&format!("transit.{i}.authority"), all_ca.clone()),
            e.select(&format!("transit.{i}.entry_office"), all_customs.clone()),
            e.select(&format!("transit.{i}.exit_office"), all_customs.clone()),
        ]
    };
    let relabel = |mut f: Field, i: usize| {
        f.label = format!("{} {}", f.label, i + 1);
        f
    };
    let mut transit = Vec::new();
    for i in 0..2 {
        transit.extend(transit_row(i).into_iter().map(|f| relabel(f, i)));
    }
    vec![
        Section::new(
            c.t.m("sec-notification"),
            vec![
                Field::new("_case", e.l("case"), Input::Text)
                    .req()
                    .val(next_serial)
                    .hint(c.t.m1("hint-case", "country", cc)),
                e.f(
                    "kind",
                    Input::Select(enum_options(c, &["single", "general"])),
                )
                .req()
                .val("single"),
                e.f("reason", Input::Text).req(),
                e.select(
                    "justification",
                    enum_options(
                        c,
                        &[
                            "no_capacity_in_state_of_export",
                            "raw_material_for_recovery",
                            "other_cop_criteria",
                        ],
                    ),
                )
                .req(),
                e.f("planned_shipments", Input::Number).req().val("1"),
                e.f("period.first_departure", Input::Date)
                    .req()
                    .val(date(e.today)),
                e.f("period.last_departure", Input::Date)
                    .req()
                    .val(date(e.today + time::Duration::days(180))),
            ],
        ),
        Section::new(
            c.t.m("sec-parties"),
            vec![
                e.f("exporter", Input::Fixed { array: false })
                    .val(me.id.clone()),
                e.select(
                    "generators.0.participant",
                    e.who(ParticipantKind::Generator, Some(cc)),
                )
                .req(),
                e.f("generators.0.site", Input::Text).req(),
                e.f("generators.0.process", Input::Text).req(),
                e.select("importer", e.who(ParticipantKind::Importer, None))
                    .req(),
                e.select("disposer", e.who(ParticipantKind::Disposer, None))
                    .req(),
                e.f("facility.name", Input::Text).req(),
                e.f("facility.site", Input::Text).req(),
                e.f(
                    "carriers",
                    Input::Checks(e.who(ParticipantKind::Carrier, None)),
                )
                .req(),
            ],
        ),
        Section::new(
            c.t.m("sec-states"),
            [
                vec![
                    e.f("export.country", Input::Fixed { array: false }).val(cc),
                    e.select(
                        "export.authority",
                        e.who(ParticipantKind::CompetentAuthority, Some(cc)),
                    )
                    .req()
                    .val(first(ParticipantKind::CompetentAuthority, Some(cc))),
                    e.select(
                        "export.customs_office",
                        e.who(ParticipantKind::CustomsOffice, Some(cc)),
                    )
                    .req()
                    .val(first(ParticipantKind::CustomsOffice, Some(cc))),
                    e.select("import.country", countries.clone()).req(),
                    e.select("import.authority", all_ca.clone()).req(),
                    e.select("import.customs_office", all_customs.clone()).req(),
                ],
                transit,
            ]
            .concat(),
        ),
        Section::new(
            c.t.m("sec-wastes"),
            vec![
                e.f("waste.description", Input::Text).req(),
                e.f("waste.codes", Input::List("waste-codes"))
                    .req()
                    .hint(c.t.m("hint-codes")),
                e.f("waste.composition", Input::Text).req(),
                e.f("waste.handling", Input::Text).req(),
                e.f("waste.un_number", Input::Text),
                e.f("waste.un_class", Input::Text),
                e.f("waste.hazard_classes", Input::Checks(hazard_classes(c))),
                e.f("packaging", Input::Checks(enum_options(c, &PACKAGING)))
                    .req(),
                e.f("quantity.total_kg", Input::Number).req(),
                e.f("quantity.per_shipment_kg", Input::Number)
                    .hint(c.t.m("hint-per-shipment")),
                e.select("operation", operations(c)).req(),
                e.select("final_operation", operations(c)),
            ],
        ),
        Section::new(
            c.t.m("sec-transport"),
            vec![
                e.f("transport", Input::Checks(enum_options(c, &TRANSPORT)))
                    .req()
                    .vals(vec!["road".into()]),
                e.f("insurance.insurer", Input::Text),
                e.f("insurance.policy", Input::Text),
                e.f("insurance.coverage", Input::Text),
                e.f("contract.reference", Input::Text).req(),
                e.f("contract.concluded_on", Input::Date).req(),
                e.f("esm_assessment", Input::Area).req(),
            ],
        ),
        Section::new(
            c.t.m("sec-contact"),
            vec![
                e.f("contact.name", Input::Text).hint(c.t.m("hint-contact")),
                e.f("contact.phone", Input::Text),
                e.f("contact.email", Input::Text),
                e.f("declaration_correct", Input::Check).req(),
            ],
        ),
    ]
}

fn movement(e: &Env) -> Vec<Section> {
    let c = e.c;
    let case = e.case;
    let n = case.and_then(|c| c.notification.as_ref());
    let Some(n) = n else { return Vec::new() };
    let no = case.and_then(super::case_view::next_shipment).unwrap_or(1);
    let per = n.quantity.per_shipment_kg.unwrap_or(match n.kind {
        NotificationKind::Single => n.quantity.total_kg,
        NotificationKind::General => n.quantity.total_kg / u64::from(n.planned_shipments.max(1)),
    });
    let names = |ids: &[String]| ids.join(", ");
    let carriers: Vec<(String, String)> = e
        .who(ParticipantKind::Carrier, None)
        .into_iter()
        .filter(|(id, _)| n.carriers.contains(id))
        .collect();
    let codes: Vec<&str> = n.waste.codes.iter().map(|x| x.as_str()).collect();
    let transit: Vec<&str> = n.transit.iter().map(|t| t.country.as_str()).collect();
    let generators: Vec<String> = n.generators.iter().map(|g| g.participant.clone()).collect();
    let export_customs = e.who(
        ParticipantKind::CustomsOffice,
        Some(n.export.country.as_str()),
    );
    let import_customs = e.who(
        ParticipantKind::CustomsOffice,
        Some(n.import.country.as_str()),
    );
    vec![
        Section::new(
            c.t.m("sec-shipment"),
            vec![
                e.f("shipment_no", Input::Number).req().val(no.to_string()),
                e.f("started_on", Input::Date).req().val(date(e.today)),
                e.f("quantity_kg", Input::Number).req().val(per.to_string()),
                e.select("packages.kind", enum_options(c, &PACKAGING))
                    .req()
                    .val(
                        n.packaging
                            .first()
                            .map(|p| packaging_str(*p))
                            .unwrap_or_default(),
                    ),
                e.f("packages.count", Input::Number).req(),
            ],
        ),
        Section::new(
            c.t.m("sec-route"),
            vec![
                e.f("exporter", Input::Fixed { array: false })
                    .val(n.exporter.clone()),
                e.f("generators", Input::Fixed { array: true })
                    .val(names(&generators)),
                e.f("disposer", Input::Fixed { array: false })
                    .val(n.disposer.clone()),
                e.f("site", Input::Fixed { array: false })
                    .val(n.facility.site.clone()),
                e.f("carriers", Input::Checks(carriers))
                    .req()
                    .vals(n.carriers.clone()),
                e.f("transport", Input::Checks(enum_options(c, &TRANSPORT)))
                    .req()
                    .vals(
                        n.transport
                            .iter()
                            .map(|t| transport_str(*t).to_owned())
                            .collect(),
                    ),
                e.select("exit_office", export_customs)
                    .req()
                    .val(n.export.customs_office.clone()),
                e.select("entry_office", import_customs)
                    .req()
                    .val(n.import.customs_office.clone()),
                e.f("transit", Input::Fixed { array: true })
                    .val(transit.join(", ")),
            ],
        ),
        Section::new(
            c.t.m("sec-wastes"),
            vec![
                e.f("description", Input::Text)
                    .req()
                    .val(n.waste.description.clone()),
                e.f("codes", Input::List("waste-codes"))
                    .req()
                    .val(codes.join(", ")),
                e.f("un_number", Input::Text)
                    .val(n.waste.un_number.clone().unwrap_or_default()),
                e.f("un_class", Input::Text)
                    .val(n.waste.un_class.clone().unwrap_or_default()),
                e.f("hazard_classes", Input::Checks(hazard_classes(c)))
                    .vals(
                        n.waste
                            .hazard_classes
                            .iter()
                            .map(|h| h.as_str().to_owned())
                            .collect(),
                    ),
                e.f("handling", Input::Text)
                    .req()
                    .val(n.waste.handling.clone()),
            ],
        ),
        Section::new(
            c.t.m("sec-contact"),
            vec![
                e.f("contact.name", Input::Text).hint(c.t.m("hint-contact")),
                e.f("contact.phone", Input::Text),
                e.f("contact.email", Input::Text),
                e.f("declaration_correct", Input::Check).req(),
                e.f("declaration_no_objection", Input::Check).req(),
            ],
        ),
    ]
}

fn packaging_str(p: wastetrail_basel::body::Packaging) -> String {
    serde_json::to_value(p)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

fn transport_str(t: wastetrail_basel::body::TransportMode) -> String {
    serde_json::to_value(t)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

/// The fields a rule refusal without a JSON path concerns, most specific first.
pub fn rule_fields(rule: RuleId) -> &'static [&'static str] {
    use RuleId as R;
    match rule {
        R::Case03 => &["_case"],
        R::Cls01 | R::Pic18 => &["waste.codes", "codes"],
        R::Pic12 => &["period.last_departure", "valid_until"],
        R::Ban08 => &["justification"],
        R::Ban09 => &["esm_assessment"],
        R::Pic16 => &["insurance.insurer"],
        R::Shp01 | R::Pic11 => &[
            "quantity_kg",
            "shipment_no",
            "quantity.total_kg",
            "period.first_departure",
        ],
        R::Pic10 | R::Shp02 => &["entry_office", "carriers"],
        R::Pic05 => &["reference"],
        R::Ban01 | R::Ban02 | R::Ban03 | R::Ban04 | R::Ban05 | R::Ban06 | R::Ban07 => {
            &["import.country"]
        }
        R::Pic02 => &["importer", "disposer"],
        R::Pic03 => &["transit.0.authority"],
        R::Reg01 => &["kind", "country", "id"],
        R::Pic13 => &["from", "shipment_no"],
        R::Pic14 | R::Pic17 => &["shipment_no"],
        R::Reg02 => &["participant", "_key", "key.public_key"],
        _ => &[],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::web::i18n::{Lang, Tr};

    /// The field names the forms use, read from this file (`e.f("…")`, `e.select("…")`).
    fn field_names() -> Vec<String> {
        let src = include_str!("filings.rs");
        let mut out = Vec::new();
        for pat in ["e.f(\"", "e.select(\"", "&format!(\"transit.{i}."] {
            for (i, _) in src.match_indices(pat) {
                let rest = &src[i + pat.len()..];
                let name = rest.split('"').next().unwrap_or_default();
                if name.is_empty()
                    || !name.chars().all(|c| {
                        c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '.'
                    })
                {
                    continue;
                }
                if pat.starts_with("&format") {
                    for n in 0..2 {
                        out.push(format!("transit.{n}.{name}"));
                    }
                } else {
                    out.push(name.to_owned());
                }
            }
        }
        out
    }

    #[test]
    fn every_form_field_and_value_has_words_in_every_language() {
        let names = field_names();
        assert!(names.len() > 60, "{}", names.len());
        for lang in Lang::ALL {
            let t = Tr::new(lang);
            for n in &names {
                let key = format!("fld-{}", n.replace('.', "-"));
                assert!(t.has(&key), "{lang:?}: {key}");
            }
            for v in TRANSPORT.iter().chain(PACKAGING.iter()).chain(
                [
                    "single",
                    "general",
                    "no_capacity_in_state_of_export",
                    "raw_material_for_recovery",
                    "other_cop_criteria",
                ]
                .iter(),
            ) {
                assert!(t.has(&format!("val-{v}")), "{lang:?}: {v}");
            }
            for o in Operation::all() {
                assert!(
                    t.has(&format!("op-{}", o.as_str())),
                    "{lang:?}: {}",
                    o.as_str()
                );
            }
            for h in HazardClass::all() {
                let key = format!("hz-{}", h.as_str().replace('.', "_"));
                assert!(t.has(&key), "{lang:?}: {key}");
            }
        }
    }

    #[test]
    fn every_statement_type_obligation_phase_and_role_has_words() {
        use wastetrail_basel::{ObligationKind as K, Phase};
        for lang in Lang::ALL {
            let t = Tr::new(lang);
            for kind in StatementType::ALL {
                let key = kind.as_str().replace('.', "-");
                assert!(t.has(&format!("st-{key}")), "{lang:?}: st-{key}");
                let e_kind = kind;
                let has_form = !matches!(
                    e_kind,
                    StatementType::ReimportRequired
                        | StatementType::ConsentWithdrawn
                        | StatementType::IllegalTrafficReported
                        | StatementType::ResponsibilityDetermined
                );
                if has_form {
                    assert!(t.has(&format!("do-{key}")), "{lang:?}: do-{key}");
                    assert!(t.has(&format!("intro-{key}")), "{lang:?}: intro-{key}");
                }
            }
            for k in [
                K::ConfirmReceipt,
                K::ConfirmCompletion,
                K::NotifyStateOfImport,
                K::Reimport,
                K::IllegalTraffic,
                K::ConsentExpiring,
                K::TransitWindowOpen,
                K::Review,
            ] {
                let key = format!("due-{}", crate::web::pages::cases::obligation_key(k));
                assert!(t.has(&key), "{lang:?}: {key}");
            }
            for p in [
                Phase::New,
                Phase::Submitted,
                Phase::Transmitted,
                Phase::Denied,
                Phase::Withdrawn,
                Phase::Completed,
            ] {
                assert!(
                    t.has(crate::web::views::phase_badge(p).0),
                    "{lang:?}: {p:?}"
                );
            }
            for r in crate::routes::reads::ROLES {
                assert!(t.has(&format!("role-{r}")), "{lang:?}: {r}");
            }
        }
    }
}
