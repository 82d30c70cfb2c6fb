//! Statement types and their typed bodies.
//!
//! [`Body::parse`] reads the JSON body of a statement and reports **every** wrong field with its
//! JSON path (`$` is the body), not only the first. Quantities are whole kilograms (`u64`); there are
//! no floats anywhere. Parties are participant ids (strings), countries are [`CountryCode`]s.

use std::fmt;

use serde::Serialize;
use serde_json::Value;
use time::{Date, OffsetDateTime};

use crate::codes::{HazardClass, Operation, WasteCode};
use crate::facts::CountryCode;
use crate::json::{self, Errs, Obj};
use crate::verdict::FieldError;

pub mod illegal;
pub use illegal::{
    Art9Point, Cause, IllegalTrafficReport, ResponsibilityDetermined, StateAuthority, WasteSeen,
};

/// The type of a statement (the envelope's `type`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum StatementType {
    /// `participant.registered`
    ParticipantRegistered,
    /// `key.added`
    KeyAdded,
    /// `key.revoked`
    KeyRevoked,
    /// `notification.submitted`: the notifier's Annex V A notification.
    NotificationSubmitted,
    /// `notification.transmitted`: the CA of export transmits it to the States concerned.
    NotificationTransmitted,
    /// `notification.acknowledged`: a CA of a State concerned acknowledges receipt (Art. 6(4)).
    NotificationAcknowledged,
    /// `notification.withdrawn`
    NotificationWithdrawn,
    /// `information.requested`: a CA of import or transit asks for more information.
    InformationRequested,
    /// `information.provided`: the notifier's answer.
    InformationProvided,
    /// `consent.granted`: the CA of import consents in writing (with conditions and validity).
    ConsentGranted,
    /// `consent.denied`
    ConsentDenied,
    /// `transit.consented`
    TransitConsented,
    /// `transit.objected`
    TransitObjected,
    /// `contract.confirmed`: the State of import confirms the exporter-disposer contract.
    ContractConfirmed,
    /// `consent.withdrawn`
    ConsentWithdrawn,
    /// `movement.started`: the movement document (Annex V B).
    MovementStarted,
    /// `custody.transferred`
    CustodyTransferred,
    /// `border.exited`
    BorderExited,
    /// `border.entered`
    BorderEntered,
    /// `receipt.confirmed`
    ReceiptConfirmed,
    /// `disposal.completed`
    DisposalCompleted,
    /// `reimport.required`
    ReimportRequired,
    /// `illegal_traffic.reported`: a movement the log never saw is reported (Art. 9(1)).
    IllegalTrafficReported,
    /// `responsibility.determined`: who caused the illegal traffic (Art. 9(2)-(4)).
    ResponsibilityDetermined,
}

impl StatementType {
    /// Every statement type.
    pub const ALL: [StatementType; 24] = [
        StatementType::ParticipantRegistered,
        StatementType::KeyAdded,
        StatementType::KeyRevoked,
        StatementType::NotificationSubmitted,
        StatementType::NotificationTransmitted,
        StatementType::NotificationAcknowledged,
        StatementType::NotificationWithdrawn,
        StatementType::InformationRequested,
        StatementType::InformationProvided,
        StatementType::ConsentGranted,
        StatementType::ConsentDenied,
        StatementType::TransitConsented,
        StatementType::TransitObjected,
        StatementType::ContractConfirmed,
        StatementType::ConsentWithdrawn,
        StatementType::MovementStarted,
        StatementType::CustodyTransferred,
        StatementType::BorderExited,
        StatementType::BorderEntered,
        StatementType::ReceiptConfirmed,
        StatementType::DisposalCompleted,
        StatementType::ReimportRequired,
        StatementType::IllegalTrafficReported,
        StatementType::ResponsibilityDetermined,
    ];

    /// The wire name, e.g. `consent.granted`.
    pub fn as_str(self) -> &'static str {
        match self {
            StatementType::ParticipantRegistered => "participant.registered",
            StatementType::KeyAdded => "key.added",
            StatementType::KeyRevoked => "key.revoked",
            StatementType::NotificationSubmitted => "notification.submitted",
            StatementType::NotificationTransmitted => "notification.transmitted",
            StatementType::NotificationAcknowledged => "notification.acknowledged",
            StatementType::NotificationWithdrawn => "notification.withdrawn",
            StatementType::InformationRequested => "information.requested",
            StatementType::InformationProvided => "information.provided",
            StatementType::ConsentGranted => "consent.granted",
            StatementType::ConsentDenied => "consent.denied",
            StatementType::TransitConsented => "transit.consented",
            StatementType::TransitObjected => "transit.objected",
            StatementType::ContractConfirmed => "contract.confirmed",
            StatementType::ConsentWithdrawn => "consent.withdrawn",
            StatementType::MovementStarted => "movement.started",
            StatementType::CustodyTransferred => "custody.transferred",
            StatementType::BorderExited => "border.exited",
            StatementType::BorderEntered => "border.entered",
            StatementType::ReceiptConfirmed => "receipt.confirmed",
            StatementType::DisposalCompleted => "disposal.completed",
            StatementType::ReimportRequired => "reimport.required",
            StatementType::IllegalTrafficReported => "illegal_traffic.reported",
            StatementType::ResponsibilityDetermined => "responsibility.determined",
        }
    }

    /// Parses a wire name.
    pub fn parse(s: &str) -> Option<StatementType> {
        StatementType::ALL.into_iter().find(|t| t.as_str() == s)
    }

    /// True for the registry's own statements (participants and keys), which are not about a case.
    pub fn is_registry(self) -> bool {
        matches!(
            self,
            StatementType::ParticipantRegistered
                | StatementType::KeyAdded
                | StatementType::KeyRevoked
        )
    }
}

impl fmt::Display for StatementType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for StatementType {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// Kinds of participants.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ParticipantKind {
    /// Registers competent authorities and auditors (bootstrap key from configuration).
    Registrar,
    /// Competent authority of a State (Art. 2(6)).
    CompetentAuthority,
    /// A customs office.
    CustomsOffice,
    /// Exporter (Art. 2(15)).
    Exporter,
    /// Generator (Art. 2(18)).
    Generator,
    /// Importer (Art. 2(16)).
    Importer,
    /// Carrier (Art. 2(17)).
    Carrier,
    /// Disposer (Art. 2(19)).
    Disposer,
    /// Auditor (reads; files nothing about cases).
    Auditor,
}

impl ParticipantKind {
    /// Every kind with its wire name.
    pub const NAMES: [(&'static str, ParticipantKind); 9] = [
        ("registrar", ParticipantKind::Registrar),
        ("competent_authority", ParticipantKind::CompetentAuthority),
        ("customs_office", ParticipantKind::CustomsOffice),
        ("exporter", ParticipantKind::Exporter),
        ("generator", ParticipantKind::Generator),
        ("importer", ParticipantKind::Importer),
        ("carrier", ParticipantKind::Carrier),
        ("disposer", ParticipantKind::Disposer),
        ("auditor", ParticipantKind::Auditor),
    ];

    /// The wire name, e.g. `competent_authority`.
    pub fn as_str(self) -> &'static str {
        ParticipantKind::NAMES
            .iter()
            .find(|(_, k)| *k == self)
            .map_or("unknown", |(n, _)| n)
    }

    /// Parses a wire name.
    pub fn parse(s: &str) -> Option<ParticipantKind> {
        ParticipantKind::NAMES
            .iter()
            .find(|(n, _)| *n == s)
            .map(|(_, k)| *k)
    }
}

impl fmt::Display for ParticipantKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.as_str().replace('_', " "))
    }
}

/// `participant.registered`
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ParticipantRegistered {
    /// The new participant's id.
    pub id: String,
    /// Its kind.
    pub kind: ParticipantKind,
    /// Its country.
    pub country: CountryCode,
    /// Its name.
    pub name: String,
    /// Its address.
    pub address: String,
    /// Its first key.
    pub key: KeyInfo,
}

/// A public key of a participant (the rules treat it as opaque text; the ledger checks signatures).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct KeyInfo {
    /// Key id as used in the envelope's `key` field.
    pub key_id: String,
    /// The public key (as the ledger encodes it).
    pub public_key: String,
    /// End of validity, if any.
    #[serde(
        skip_serializing_if = "Option::is_none",
        with = "time::serde::rfc3339::option"
    )]
    pub valid_until: Option<OffsetDateTime>,
}

impl KeyInfo {
    /// A key without an end of validity.
    pub fn new(key_id: impl Into<String>, public_key: impl Into<String>) -> KeyInfo {
        KeyInfo {
            key_id: key_id.into(),
            public_key: public_key.into(),
            valid_until: None,
        }
    }
}

/// `key.added`
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct KeyAdded {
    /// Whose key.
    pub participant: String,
    /// The key.
    pub key: KeyInfo,
}

/// `key.revoked`
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct KeyRevoked {
    /// Whose key.
    pub participant: String,
    /// Which key.
    pub key_id: String,
    /// Why.
    pub reason: String,
}

/// Single or general notification (Annex V A item 9).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NotificationKind {
    /// One shipment.
    Single,
    /// Several shipments to the same disposer via the same customs offices, at most 12 months (Art. 6(6)-(8)).
    General,
}

/// The declared justification under Art. 4(9) (BAN-08; not mechanically checkable).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Justification {
    /// (a) the State of export lacks capacity or facilities for ESM disposal.
    NoCapacityInStateOfExport,
    /// (b) the wastes are raw material for recycling or recovery industries in the State of import.
    RawMaterialForRecovery,
    /// (c) other criteria set by the Conference of the Parties.
    OtherCopCriteria,
}

/// Means of transport (Annex V A item 11).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TransportMode {
    /// Road.
    Road,
    /// Rail.
    Rail,
    /// Sea.
    Sea,
    /// Air.
    Air,
    /// Inland waterways.
    InlandWaterways,
}

/// Type of packaging (Annex V A item 14).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Packaging {
    /// Bulk.
    Bulk,
    /// Drums.
    Drummed,
    /// Tanker.
    Tanker,
    /// Pallets, boxes.
    Palletised,
    /// Containers.
    Container,
    /// Other.
    Other,
}

const TRANSPORT: [(&str, TransportMode); 5] = [
    ("road", TransportMode::Road),
    ("rail", TransportMode::Rail),
    ("sea", TransportMode::Sea),
    ("air", TransportMode::Air),
    ("inland_waterways", TransportMode::InlandWaterways),
];
const PACKAGING: [(&str, Packaging); 6] = [
    ("bulk", Packaging::Bulk),
    ("drummed", Packaging::Drummed),
    ("tanker", Packaging::Tanker),
    ("palletised", Packaging::Palletised),
    ("container", Packaging::Container),
    ("other", Packaging::Other),
];

/// A generator and its site (Annex V A item 3, 16).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Generator {
    /// Participant id of the generator.
    pub participant: String,
    /// Site of generation.
    pub site: String,
    /// Process by which the waste is generated.
    pub process: String,
}

/// The State of export or import with its competent authority and customs office.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct StateRef {
    /// The State.
    pub country: CountryCode,
    /// Participant id of its competent authority.
    pub authority: String,
    /// Participant id of the customs office of exit (State of export) or entry (State of import).
    pub customs_office: String,
}

/// A transit State with its authority and customs offices.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TransitRef {
    /// The State of transit.
    pub country: CountryCode,
    /// Participant id of its competent authority (for a non-Party: the appropriate authority, Art. 6(10)).
    pub authority: String,
    /// Customs office of entry into the transit State, if designated.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub entry_office: Option<String>,
    /// Customs office of exit from the transit State, if designated.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exit_office: Option<String>,
}

/// The disposal facility (Annex V A item 4).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Facility {
    /// Name of the facility.
    pub name: String,
    /// Actual site of disposal (address).
    pub site: String,
}

/// Period of the notification (Annex V A item 10).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Period {
    /// First intended departure.
    #[serde(serialize_with = "crate::json::ser_date")]
    pub first_departure: Date,
    /// Last intended departure.
    #[serde(serialize_with = "crate::json::ser_date")]
    pub last_departure: Date,
}

/// Waste designation (Annex V A items 13, 17).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct WasteDescription {
    /// Designation and physical description.
    pub description: String,
    /// Basel codes (Annex VIII/IX entries and Y numbers).
    pub codes: Vec<WasteCode>,
    /// UN number, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub un_number: Option<String>,
    /// UN class, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub un_class: Option<String>,
    /// Annex III characteristics (H numbers).
    pub hazard_classes: Vec<HazardClass>,
    /// Composition (nature and concentration of the most hazardous components).
    pub composition: String,
    /// Special handling requirements and emergency provisions.
    pub handling: String,
}

/// Quantity (Annex V A item 15), whole kilograms.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Quantity {
    /// Estimated total.
    pub total_kg: u64,
    /// Estimated quantity per shipment (required for a general notification).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub per_shipment_kg: Option<u64>,
}

/// Insurance information (Annex V A item 12).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Insurance {
    /// Insurer or guarantor.
    pub insurer: String,
    /// Policy, bond or guarantee reference.
    pub policy: String,
    /// How exporter, carrier and disposer meet the requirements.
    pub coverage: String,
}

/// Contract between exporter and disposer (Annex V A item 21).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Contract {
    /// Contract reference.
    pub reference: String,
    /// Date concluded.
    #[serde(serialize_with = "crate::json::ser_date")]
    pub concluded_on: Date,
}

/// `notification.submitted`: the Annex V A notification.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Notification {
    /// Single or general (item 9).
    pub kind: NotificationKind,
    /// Reason for waste export (item 1).
    pub reason: String,
    /// Declared Art. 4(9) justification (BAN-08). `None` is refused by the rules.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub justification: Option<Justification>,
    /// Exporter (item 2).
    pub exporter: String,
    /// Generators and sites (items 3, 16).
    pub generators: Vec<Generator>,
    /// Importer.
    pub importer: String,
    /// Disposer (item 4).
    pub disposer: String,
    /// Actual site of disposal (item 4).
    pub facility: Facility,
    /// Intended carriers, if known (item 5).
    pub carriers: Vec<String>,
    /// State of export, CA, customs office of exit (item 6).
    pub export: StateRef,
    /// States of transit, in route order (item 7).
    pub transit: Vec<TransitRef>,
    /// State of import, CA, customs office of entry (item 8).
    pub import: StateRef,
    /// Period (item 10).
    pub period: Period,
    /// Planned number of shipments (1 for a single notification).
    pub planned_shipments: u32,
    /// Means of transport (item 11).
    pub transport: Vec<TransportMode>,
    /// Insurance (item 12), if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub insurance: Option<Insurance>,
    /// Waste (items 13, 17).
    pub waste: WasteDescription,
    /// Packaging (item 14).
    pub packaging: Vec<Packaging>,
    /// Quantity (item 15).
    pub quantity: Quantity,
    /// D/R operation (item 18).
    pub operation: Operation,
    /// Final operation, required when `operation` is interim (D13-D15, R12, R13).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub final_operation: Option<Operation>,
    /// The exporter's assessment that the wastes will be managed in an ESM way (item 20, BAN-09).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub esm_assessment: Option<String>,
    /// Contract (item 21).
    pub contract: Contract,
    /// States in which the wastes are hazardous only under national law (Art. 1(1)(b), PIC-18).
    pub national_hazardous_in: Vec<CountryCode>,
    /// Declaration that the information is correct (item 19); must be `true`.
    pub declaration_correct: bool,
    /// Digest of the exporter's contact person (personal data, disclosed separately and
    /// erasable; Annex V A item 2), if given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub contact: Option<String>,
}

impl Notification {
    /// Every State concerned: export, transit (route order), import.
    pub fn states_concerned(&self) -> Vec<&CountryCode> {
        let mut v = vec![&self.export.country];
        v.extend(self.transit.iter().map(|t| &t.country));
        v.push(&self.import.country);
        v
    }
}

/// Conditions attached to a consent (machine-checkable ones plus free text).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Conditions {
    /// Maximum total quantity over all shipments.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_total_kg: Option<u64>,
    /// Maximum quantity per shipment (Art. 6(7): exact quantities).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_kg_per_shipment: Option<u64>,
    /// Maximum number of shipments.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_shipments: Option<u32>,
    /// Only these carriers (participant ids) may be used.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub carriers: Option<Vec<String>>,
    /// The shipment must pass these customs offices (participant ids).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub customs_offices: Option<Vec<String>>,
    /// Insurance, bond or guarantee is required (Art. 6(11)).
    pub insurance_required: bool,
    /// Conditions that are not machine-checkable.
    pub other: Vec<String>,
}

/// `consent.granted` and `transit.consented`: a written consent.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Consent {
    /// First day of validity.
    #[serde(serialize_with = "crate::json::ser_date")]
    pub valid_from: Date,
    /// Last day of validity (inclusive).
    #[serde(serialize_with = "crate::json::ser_date")]
    pub valid_until: Date,
    /// Conditions.
    pub conditions: Conditions,
}

/// A body that only carries a reason (denials, objections, withdrawals).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Reasoned {
    /// Why, in plain words.
    pub reason: String,
}

/// `notification.transmitted`
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Transmitted {
    /// Date the notification was sent to the States concerned.
    #[serde(serialize_with = "crate::json::ser_date")]
    pub sent_on: Date,
}

/// `notification.acknowledged`
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Acknowledged {
    /// Date the acknowledging State received the notification (starts the Art. 6(4) 60 days).
    #[serde(serialize_with = "crate::json::ser_date")]
    pub received_on: Date,
}

/// `information.requested`
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct InformationRequested {
    /// What is asked.
    pub questions: String,
}

/// `information.provided`
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct InformationProvided {
    /// The State whose request is answered.
    pub to: CountryCode,
    /// The answer.
    pub answer: String,
}

/// `contract.confirmed`
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ContractConfirmed {
    /// The contract reference confirmed (must match the notification).
    pub reference: String,
}

/// Type and number of packages (Annex V B item 10).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Packages {
    /// Type.
    pub kind: Packaging,
    /// Number.
    pub count: u32,
}

/// `movement.started`: the movement document (Annex V B).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct MovementDocument {
    /// Shipment number under the notification (item 5).
    pub shipment_no: u32,
    /// Date the movement started (item 6).
    #[serde(serialize_with = "crate::json::ser_date")]
    pub started_on: Date,
    /// Exporter (item 1).
    pub exporter: String,
    /// Generators (item 2).
    pub generators: Vec<String>,
    /// Disposer (item 3).
    pub disposer: String,
    /// Actual site of disposal (item 3).
    pub site: String,
    /// Carriers (item 4), in order.
    pub carriers: Vec<String>,
    /// Means of transport (item 7).
    pub transport: Vec<TransportMode>,
    /// Customs office of exit from the State of export (item 7).
    pub exit_office: String,
    /// Customs office of entry into the State of import (item 7).
    pub entry_office: String,
    /// States of transit in route order (item 7).
    pub transit: Vec<CountryCode>,
    /// General description of the waste (item 8).
    pub description: String,
    /// Basel codes (item 8).
    pub codes: Vec<WasteCode>,
    /// UN number (item 8), if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub un_number: Option<String>,
    /// UN shipping name and class (item 8), if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub un_class: Option<String>,
    /// H numbers (item 8).
    pub hazard_classes: Vec<HazardClass>,
    /// Special handling and emergency provisions (item 9).
    pub handling: String,
    /// Packages (item 10).
    pub packages: Packages,
    /// Quantity (item 11).
    pub quantity_kg: u64,
    /// Declaration that the information is correct (item 12); must be `true`.
    pub declaration_correct: bool,
    /// Declaration that no CA of a State concerned that is a Party has objected (item 13); must be `true`.
    pub declaration_no_objection: bool,
    /// Digest of the exporter's contact person (personal data, disclosed separately and
    /// erasable; Annex V B item 1), if given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub contact: Option<String>,
}

/// `custody.transferred`: the filer (a carrier) takes charge of a shipment.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CustodyTransferred {
    /// Shipment number.
    pub shipment_no: u32,
    /// Who handed over (participant id).
    pub from: String,
    /// Date of hand-over.
    #[serde(serialize_with = "crate::json::ser_date")]
    pub on: Date,
}

/// `border.exited` and `border.entered`: the filer (a customs office) saw the shipment cross.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct BorderCrossing {
    /// Shipment number.
    pub shipment_no: u32,
    /// Date of crossing.
    #[serde(serialize_with = "crate::json::ser_date")]
    pub on: Date,
    /// What crossed, as customs saw it (codes, quantity), if recorded.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub waste: Option<WasteSeen>,
    /// What the officer found that differs from the movement document, if anything.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub discrepancies: Option<Discrepancies>,
}

/// What a customs officer found at the border that differs from the movement document
/// (Annex V B items 7, 10, 11). At least one member is given.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Discrepancies {
    /// The quantity found, in kilograms, where it differs from the document.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub quantity_kg: Option<u64>,
    /// The number of packages found, where it differs from the document.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub packages: Option<u32>,
    /// The state of the seals (broken, missing, numbers that do not match).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub seals: Option<String>,
    /// The vehicle found, where it is not the one documented (registration, vessel, wagon).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vehicle: Option<String>,
    /// Anything else, in the officer's words.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// `receipt.confirmed`
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ReceiptConfirmed {
    /// Shipment number.
    pub shipment_no: u32,
    /// Date received.
    #[serde(serialize_with = "crate::json::ser_date")]
    pub received_on: Date,
    /// Quantity received.
    pub quantity_kg: u64,
    /// Of the quantity received, what the disposer rejects (partial or, when equal to
    /// `quantity_kg`, full rejection); given together with `rejection_reasons`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rejected_kg: Option<u64>,
    /// Why the disposer rejects (non-empty exactly when `rejected_kg` is given).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub rejection_reasons: Vec<String>,
}

impl ReceiptConfirmed {
    /// Is the whole quantity received rejected?
    pub fn fully_rejected(&self) -> bool {
        self.rejected_kg == Some(self.quantity_kg)
    }
}

/// `disposal.completed`
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DisposalCompleted {
    /// Shipment number.
    pub shipment_no: u32,
    /// Date completed.
    #[serde(serialize_with = "crate::json::ser_date")]
    pub completed_on: Date,
    /// Operation carried out.
    pub operation: Operation,
}

/// Ground of a re-import duty.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ReimportGround {
    /// Art. 8: the movement cannot be completed as contracted (90 days).
    CannotBeCompleted,
    /// Art. 9(2): illegal traffic by the exporter or generator (30 days).
    IllegalTraffic,
}

/// `reimport.required`
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ReimportRequired {
    /// Shipment number.
    pub shipment_no: u32,
    /// Ground.
    pub ground: ReimportGround,
    /// Date the State of export (and the Secretariat) was informed.
    #[serde(serialize_with = "crate::json::ser_date")]
    pub informed_on: Date,
    /// Another period agreed by the States concerned, in days.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub agreed_days: Option<u32>,
    /// Why.
    pub reason: String,
}

/// A typed statement body.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum Body {
    /// `participant.registered`
    ParticipantRegistered(ParticipantRegistered),
    /// `key.added`
    KeyAdded(KeyAdded),
    /// `key.revoked`
    KeyRevoked(KeyRevoked),
    /// `notification.submitted`
    NotificationSubmitted(Box<Notification>),
    /// `notification.transmitted`
    NotificationTransmitted(Transmitted),
    /// `notification.acknowledged`
    NotificationAcknowledged(Acknowledged),
    /// `notification.withdrawn`
    NotificationWithdrawn(Reasoned),
    /// `information.requested`
    InformationRequested(InformationRequested),
    /// `information.provided`
    InformationProvided(InformationProvided),
    /// `consent.granted`
    ConsentGranted(Consent),
    /// `consent.denied`
    ConsentDenied(Reasoned),
    /// `transit.consented`
    TransitConsented(Consent),
    /// `transit.objected`
    TransitObjected(Reasoned),
    /// `contract.confirmed`
    ContractConfirmed(ContractConfirmed),
    /// `consent.withdrawn`
    ConsentWithdrawn(Reasoned),
    /// `movement.started`
    MovementStarted(Box<MovementDocument>),
    /// `custody.transferred`
    CustodyTransferred(CustodyTransferred),
    /// `border.exited`
    BorderExited(BorderCrossing),
    /// `border.entered`
    BorderEntered(BorderCrossing),
    /// `receipt.confirmed`
    ReceiptConfirmed(ReceiptConfirmed),
    /// `disposal.completed`
    DisposalCompleted(DisposalCompleted),
    /// `reimport.required`
    ReimportRequired(ReimportRequired),
    /// `illegal_traffic.reported`
    IllegalTrafficReported(Box<IllegalTrafficReport>),
    /// `responsibility.determined`
    ResponsibilityDetermined(ResponsibilityDetermined),
}

impl Body {
    /// Reads the body of a statement of type `kind`. On error, returns every wrong field.
    pub fn parse(kind: StatementType, v: &Value) -> Result<Body, Vec<FieldError>> {
        let mut errs = Errs::new();
        let p = "$";
        let e = &mut errs;
        let body = match kind {
            StatementType::ParticipantRegistered => {
                read_participant(v, p, e).map(Body::ParticipantRegistered)
            }
            StatementType::KeyAdded => read_key_added(v, p, e).map(Body::KeyAdded),
            StatementType::KeyRevoked => read_key_revoked(v, p, e).map(Body::KeyRevoked),
            StatementType::NotificationSubmitted => {
                read_notification(v, p, e).map(|n| Body::NotificationSubmitted(Box::new(n)))
            }
            StatementType::NotificationTransmitted => {
                read_transmitted(v, p, e).map(Body::NotificationTransmitted)
            }
            StatementType::NotificationAcknowledged => {
                read_acknowledged(v, p, e).map(Body::NotificationAcknowledged)
            }
            StatementType::NotificationWithdrawn => {
                read_reasoned(v, p, e).map(Body::NotificationWithdrawn)
            }
            StatementType::InformationRequested => {
                read_info_requested(v, p, e).map(Body::InformationRequested)
            }
            StatementType::InformationProvided => {
                read_info_provided(v, p, e).map(Body::InformationProvided)
            }
            StatementType::ConsentGranted => read_consent(v, p, e).map(Body::ConsentGranted),
            StatementType::ConsentDenied => read_reasoned(v, p, e).map(Body::ConsentDenied),
            StatementType::TransitConsented => read_consent(v, p, e).map(Body::TransitConsented),
            StatementType::TransitObjected => read_reasoned(v, p, e).map(Body::TransitObjected),
            StatementType::ContractConfirmed => {
                read_contract_confirmed(v, p, e).map(Body::ContractConfirmed)
            }
            StatementType::ConsentWithdrawn => read_reasoned(v, p, e).map(Body::ConsentWithdrawn),
            StatementType::MovementStarted => {
                read_movement(v, p, e).map(|m| Body::MovementStarted(Box::new(m)))
            }
            StatementType::CustodyTransferred => {
                read_custody(v, p, e).map(Body::CustodyTransferred)
            }
            StatementType::BorderExited => read_border(v, p, e).map(Body::BorderExited),
            StatementType::BorderEntered => read_border(v, p, e).map(Body::BorderEntered),
            StatementType::ReceiptConfirmed => read_receipt(v, p, e).map(Body::ReceiptConfirmed),
            StatementType::DisposalCompleted => {
                read_completed(v, p, e).map(Body::DisposalCompleted)
            }
            StatementType::ReimportRequired => read_reimport(v, p, e).map(Body::ReimportRequired),
            StatementType::IllegalTrafficReported => {
                illegal::read_report(v, p, e).map(|r| Body::IllegalTrafficReported(Box::new(r)))
            }
            StatementType::ResponsibilityDetermined => {
                illegal::read_responsibility(v, p, e).map(Body::ResponsibilityDetermined)
            }
        };
        match body {
            Some(b) if errs.is_empty() => Ok(b),
            _ => {
                if errs.is_empty() {
                    json::err(&mut errs, "$", "is not a valid body");
                }
                Err(errs)
            }
        }
    }

    /// The body as JSON (the same shape [`Body::parse`] reads).
    pub fn to_json(&self) -> Value {
        serde_json::to_value(self).unwrap_or(Value::Null)
    }
}

// ---- readers for data-helper types ----

/// Reads a string at `path` and parses it with `parse`; a parse failure is recorded as
/// "is not <what>: <reason>".
fn parsed<T, E: std::fmt::Display>(
    v: &Value,
    path: &str,
    errs: &mut Errs,
    what: &str,
    parse: impl FnOnce(&str) -> Result<T, E>,
) -> Option<T> {
    let s = json::text(v, path, errs)?;
    match parse(&s) {
        Ok(c) => Some(c),
        Err(e) => {
            json::err(errs, path, format!("is not {what}: {e}"));
            None
        }
    }
}

fn country(v: &Value, path: &str, errs: &mut Errs) -> Option<CountryCode> {
    parsed(v, path, errs, "a country code", CountryCode::parse)
}

fn waste_code(v: &Value, path: &str, errs: &mut Errs) -> Option<WasteCode> {
    parsed(v, path, errs, "a Basel waste code", WasteCode::parse)
}

fn read_operation(v: &Value, path: &str, errs: &mut Errs) -> Option<Operation> {
    parsed(v, path, errs, "an Annex IV operation", Operation::parse)
}

fn hazard_class(v: &Value, path: &str, errs: &mut Errs) -> Option<HazardClass> {
    parsed(
        v,
        path,
        errs,
        "an Annex III characteristic",
        HazardClass::parse,
    )
}

// ---- body readers ----
//
// Each reader reads every field (so that all errors are collected) and only then combines them.

fn read_key(v: &Value, path: &str, e: &mut Errs) -> Option<KeyInfo> {
    let mut o = Obj::new(v, path, e);
    let key_id = o.get("key_id", e, json::participant);
    let public_key = o.get("public_key", e, json::text);
    let valid_until = o.get_opt("valid_until", e, json::timestamp);
    o.finish(e);
    Some(KeyInfo {
        key_id: key_id?,
        public_key: public_key?,
        valid_until: valid_until?,
    })
}

fn read_participant(v: &Value, path: &str, e: &mut Errs) -> Option<ParticipantRegistered> {
    let mut o = Obj::new(v, path, e);
    let id = o.get("id", e, json::participant);
    let kind = o.get("kind", e, |v, p, e| {
        json::one_of(v, p, e, &ParticipantKind::NAMES)
    });
    let country = o.get("country", e, country);
    let name = o.get("name", e, json::text);
    let address = o.get("address", e, json::text);
    let key = o.get("key", e, read_key);
    o.finish(e);
    Some(ParticipantRegistered {
        id: id?,
        kind: kind?,
        country: country?,
        name: name?,
        address: address?,
        key: key?,
    })
}

fn read_key_added(v: &Value, path: &str, e: &mut Errs) -> Option<KeyAdded> {
    let mut o = Obj::new(v, path, e);
    let participant = o.get("participant", e, json::participant);
    let key = o.get("key", e, read_key);
    o.finish(e);
    Some(KeyAdded {
        participant: participant?,
        key: key?,
    })
}

fn read_key_revoked(v: &Value, path: &str, e: &mut Errs) -> Option<KeyRevoked> {
    let mut o = Obj::new(v, path, e);
    let participant = o.get("participant", e, json::participant);
    let key_id = o.get("key_id", e, json::participant);
    let reason = o.get("reason", e, json::text);
    o.finish(e);
    Some(KeyRevoked {
        participant: participant?,
        key_id: key_id?,
        reason: reason?,
    })
}

fn read_state(v: &Value, path: &str, e: &mut Errs) -> Option<StateRef> {
    let mut o = Obj::new(v, path, e);
    let country = o.get("country", e, country);
    let authority = o.get("authority", e, json::participant);
    let customs_office = o.get("customs_office", e, json::participant);
    o.finish(e);
    Some(StateRef {
        country: country?,
        authority: authority?,
        customs_office: customs_office?,
    })
}

fn read_transit(v: &Value, path: &str, e: &mut Errs) -> Option<TransitRef> {
    let mut o = Obj::new(v, path, e);
    let country = o.get("country", e, country);
    let authority = o.get("authority", e, json::participant);
    let entry_office = o.get_opt("entry_office", e, json::participant);
    let exit_office = o.get_opt("exit_office", e, json::participant);
    o.finish(e);
    Some(TransitRef {
        country: country?,
        authority: authority?,
        entry_office: entry_office?,
        exit_office: exit_office?,
    })
}

fn read_generator(v: &Value, path: &str, e: &mut Errs) -> Option<Generator> {
    let mut o = Obj::new(v, path, e);
    let participant = o.get("participant", e, json::participant);
    let site = o.get("site", e, json::text);
    let process = o.get("process", e, json::text);
    o.finish(e);
    Some(Generator {
        participant: participant?,
        site: site?,
        process: process?,
    })
}

fn read_notification(v: &Value, path: &str, e: &mut Errs) -> Option<Notification> {
    let mut o = Obj::new(v, path, e);
    let kind = o.get("kind", e, |v, p, e| {
        json::one_of(
            v,
            p,
            e,
            &[
                ("single", NotificationKind::Single),
                ("general", NotificationKind::General),
            ],
        )
    });
    let reason = o.get("reason", e, json::text);
    let justification = o.get_opt("justification", e, |v, p, e| {
        json::one_of(
            v,
            p,
            e,
            &[
                (
                    "no_capacity_in_state_of_export",
                    Justification::NoCapacityInStateOfExport,
                ),
                (
                    "raw_material_for_recovery",
                    Justification::RawMaterialForRecovery,
                ),
                ("other_cop_criteria", Justification::OtherCopCriteria),
            ],
        )
    });
    let exporter = o.get("exporter", e, json::participant);
    let generators = o.get("generators", e, |v, p, e| {
        json::nonempty_array(v, p, e, read_generator)
    });
    let importer = o.get("importer", e, json::participant);
    let disposer = o.get("disposer", e, json::participant);
    let facility = o.get("facility", e, |v, p, e| {
        let mut f = Obj::new(v, p, e);
        let name = f.get("name", e, json::text);
        let site = f.get("site", e, json::text);
        f.finish(e);
        Some(Facility {
            name: name?,
            site: site?,
        })
    });
    let carriers = o
        .get_opt("carriers", e, |v, p, e| {
            json::array(v, p, e, json::participant)
        })
        .map(Option::unwrap_or_default);
    let export = o.get("export", e, read_state);
    let transit = o
        .get_opt("transit", e, |v, p, e| json::array(v, p, e, read_transit))
        .map(Option::unwrap_or_default);
    let import = o.get("import", e, read_state);
    let period = o.get("period", e, |v, p, e| {
        let mut f = Obj::new(v, p, e);
        let first = f.get("first_departure", e, json::date);
        let last = f.get("last_departure", e, json::date);
        f.finish(e);
        let (first, last) = (first?, last?);
        if last < first {
            json::err(
                e,
                &format!("{p}.last_departure"),
                "must not be before first_departure",
            );
            return None;
        }
        Some(Period {
            first_departure: first,
            last_departure: last,
        })
    });
    let planned_shipments = o.get("planned_shipments", e, json::count);
    let transport = o.get("transport", e, |v, p, e| {
        json::nonempty_array(v, p, e, |v, p, e| json::one_of(v, p, e, &TRANSPORT))
    });
    let insurance = o.get_opt("insurance", e, |v, p, e| {
        let mut f = Obj::new(v, p, e);
        let insurer = f.get("insurer", e, json::text);
        let policy = f.get("policy", e, json::text);
        let coverage = f.get("coverage", e, json::text);
        f.finish(e);
        Some(Insurance {
            insurer: insurer?,
            policy: policy?,
            coverage: coverage?,
        })
    });
    let waste = o.get("waste", e, |v, p, e| {
        let mut f = Obj::new(v, p, e);
        let description = f.get("description", e, json::text);
        let codes = f.get("codes", e, |v, p, e| {
            json::nonempty_array(v, p, e, waste_code)
        });
        let un_number = f.get_opt("un_number", e, json::text);
        let un_class = f.get_opt("un_class", e, json::text);
        let hazard_classes = f
            .get_opt("hazard_classes", e, |v, p, e| {
                json::array(v, p, e, hazard_class)
            })
            .map(Option::unwrap_or_default);
        let composition = f.get("composition", e, json::text);
        let handling = f.get("handling", e, json::text);
        f.finish(e);
        Some(WasteDescription {
            description: description?,
            codes: codes?,
            un_number: un_number?,
            un_class: un_class?,
            hazard_classes: hazard_classes?,
            composition: composition?,
            handling: handling?,
        })
    });
    let packaging = o.get("packaging", e, |v, p, e| {
        json::nonempty_array(v, p, e, |v, p, e| json::one_of(v, p, e, &PACKAGING))
    });
    let quantity = o.get("quantity", e, |v, p, e| {
        let mut f = Obj::new(v, p, e);
        let total_kg = f.get("total_kg", e, json::kg);
        let per_shipment_kg = f.get_opt("per_shipment_kg", e, json::kg);
        f.finish(e);
        let (total_kg, per_shipment_kg) = (total_kg?, per_shipment_kg?);
        if per_shipment_kg.is_some_and(|s| s > total_kg) {
            json::err(
                e,
                &format!("{p}.per_shipment_kg"),
                "must not exceed total_kg",
            );
            return None;
        }
        Some(Quantity {
            total_kg,
            per_shipment_kg,
        })
    });
    let operation = o.get("operation", e, read_operation);
    let final_operation = o.get_opt("final_operation", e, read_operation);
    let esm_assessment = o.get_opt("esm_assessment", e, json::text);
    let contract = o.get("contract", e, |v, p, e| {
        let mut f = Obj::new(v, p, e);
        let reference = f.get("reference", e, json::text);
        let concluded_on = f.get("concluded_on", e, json::date);
        f.finish(e);
        Some(Contract {
            reference: reference?,
            concluded_on: concluded_on?,
        })
    });
    let national_hazardous_in = o
        .get_opt("national_hazardous_in", e, |v, p, e| {
            json::array(v, p, e, country)
        })
        .map(Option::unwrap_or_default);
    let declaration_correct = o.get("declaration_correct", e, json::boolean);
    let contact = o.get_opt("contact", e, json::personal);
    o.finish(e);

    // Cross-field checks (Annex V A and its footnotes).
    if let (Some(k), Some(n)) = (kind, planned_shipments)
        && k == NotificationKind::Single
        && n != 1
    {
        json::err(
            e,
            &format!("{path}.planned_shipments"),
            "must be 1 for a single notification",
        );
    }
    if let (Some(NotificationKind::General), Some(q)) = (kind, quantity.as_ref())
        && q.per_shipment_kg.is_none()
    {
        json::err(
            e,
            &format!("{path}.quantity.per_shipment_kg"),
            "is required for a general notification (Annex V A, footnote 6)",
        );
    }
    if let Some(op) = operation.as_ref()
        && op.is_interim()
        && final_operation.as_ref().is_none_or(|f| f.is_none())
    {
        json::err(
            e,
            &format!("{path}.final_operation"),
            "is required when the operation is interim (D13-D15, R12, R13)",
        );
    }
    if declaration_correct == Some(false) {
        json::err(
            e,
            &format!("{path}.declaration_correct"),
            "must be true (Annex V A item 19)",
        );
    }
    if let (Some(x), Some(i)) = (export.as_ref(), import.as_ref())
        && x.country == i.country
    {
        json::err(
            e,
            &format!("{path}.import.country"),
            "must differ from the State of export (Art. 2(3))",
        );
    }
    Some(Notification {
        kind: kind?,
        reason: reason?,
        justification: justification?,
        exporter: exporter?,
        generators: generators?,
        importer: importer?,
        disposer: disposer?,
        facility: facility?,
        carriers: carriers?,
        export: export?,
        transit: transit?,
        import: import?,
        period: period?,
        planned_shipments: planned_shipments?,
        transport: transport?,
        insurance: insurance?,
        waste: waste?,
        packaging: packaging?,
        quantity: quantity?,
        operation: operation?,
        final_operation: final_operation?,
        esm_assessment: esm_assessment?,
        contract: contract?,
        national_hazardous_in: national_hazardous_in?,
        declaration_correct: declaration_correct?,
        contact: contact?,
    })
}

fn read_transmitted(v: &Value, path: &str, e: &mut Errs) -> Option<Transmitted> {
    let mut o = Obj::new(v, path, e);
    let sent_on = o.get("sent_on", e, json::date);
    o.finish(e);
    Some(Transmitted { sent_on: sent_on? })
}

fn read_acknowledged(v: &Value, path: &str, e: &mut Errs) -> Option<Acknowledged> {
    let mut o = Obj::new(v, path, e);
    let received_on = o.get("received_on", e, json::date);
    o.finish(e);
    Some(Acknowledged {
        received_on: received_on?,
    })
}

fn read_reasoned(v: &Value, path: &str, e: &mut Errs) -> Option<Reasoned> {
    let mut o = Obj::new(v, path, e);
    let reason = o.get("reason", e, json::text);
    o.finish(e);
    Some(Reasoned { reason: reason? })
}

fn read_info_requested(v: &Value, path: &str, e: &mut Errs) -> Option<InformationRequested> {
    let mut o = Obj::new(v, path, e);
    let questions = o.get("questions", e, json::text);
    o.finish(e);
    Some(InformationRequested {
        questions: questions?,
    })
}

fn read_info_provided(v: &Value, path: &str, e: &mut Errs) -> Option<InformationProvided> {
    let mut o = Obj::new(v, path, e);
    let to = o.get("to", e, country);
    let answer = o.get("answer", e, json::text);
    o.finish(e);
    Some(InformationProvided {
        to: to?,
        answer: answer?,
    })
}

fn read_conditions(v: &Value, path: &str, e: &mut Errs) -> Option<Conditions> {
    let mut o = Obj::new(v, path, e);
    let max_total_kg = o.get_opt("max_total_kg", e, json::kg);
    let max_kg_per_shipment = o.get_opt("max_kg_per_shipment", e, json::kg);
    let max_shipments = o.get_opt("max_shipments", e, json::count);
    let carriers = o.get_opt("carriers", e, |v, p, e| {
        json::nonempty_array(v, p, e, json::participant)
    });
    let customs_offices = o.get_opt("customs_offices", e, |v, p, e| {
        json::nonempty_array(v, p, e, json::participant)
    });
    let insurance_required = o
        .get_opt("insurance_required", e, json::boolean)
        .map(|b| b.unwrap_or(false));
    let other = o
        .get_opt("other", e, |v, p, e| json::array(v, p, e, json::text))
        .map(Option::unwrap_or_default);
    o.finish(e);
    Some(Conditions {
        max_total_kg: max_total_kg?,
        max_kg_per_shipment: max_kg_per_shipment?,
        max_shipments: max_shipments?,
        carriers: carriers?,
        customs_offices: customs_offices?,
        insurance_required: insurance_required?,
        other: other?,
    })
}

fn read_consent(v: &Value, path: &str, e: &mut Errs) -> Option<Consent> {
    let mut o = Obj::new(v, path, e);
    let valid_from = o.get("valid_from", e, json::date);
    let valid_until = o.get("valid_until", e, json::date);
    let conditions = o
        .get_opt("conditions", e, read_conditions)
        .map(Option::unwrap_or_default);
    o.finish(e);
    let (valid_from, valid_until) = (valid_from?, valid_until?);
    if valid_until < valid_from {
        json::err(
            e,
            &format!("{path}.valid_until"),
            "must not be before valid_from",
        );
        return None;
    }
    Some(Consent {
        valid_from,
        valid_until,
        conditions: conditions?,
    })
}

fn read_contract_confirmed(v: &Value, path: &str, e: &mut Errs) -> Option<ContractConfirmed> {
    let mut o = Obj::new(v, path, e);
    let reference = o.get("reference", e, json::text);
    o.finish(e);
    Some(ContractConfirmed {
        reference: reference?,
    })
}

fn read_movement(v: &Value, path: &str, e: &mut Errs) -> Option<MovementDocument> {
    let mut o = Obj::new(v, path, e);
    let shipment_no = o.get("shipment_no", e, json::count);
    let started_on = o.get("started_on", e, json::date);
    let exporter = o.get("exporter", e, json::participant);
    let generators = o.get("generators", e, |v, p, e| {
        json::nonempty_array(v, p, e, json::participant)
    });
    let disposer = o.get("disposer", e, json::participant);
    let site = o.get("site", e, json::text);
    let carriers = o.get("carriers", e, |v, p, e| {
        json::nonempty_array(v, p, e, json::participant)
    });
    let transport = o.get("transport", e, |v, p, e| {
        json::nonempty_array(v, p, e, |v, p, e| json::one_of(v, p, e, &TRANSPORT))
    });
    let exit_office = o.get("exit_office", e, json::participant);
    let entry_office = o.get("entry_office", e, json::participant);
    let transit = o
        .get_opt("transit", e, |v, p, e| json::array(v, p, e, country))
        .map(Option::unwrap_or_default);
    let description = o.get("description", e, json::text);
    let codes = o.get("codes", e, |v, p, e| {
        json::nonempty_array(v, p, e, waste_code)
    });
    let un_number = o.get_opt("un_number", e, json::text);
    let un_class = o.get_opt("un_class", e, json::text);
    let hazard_classes = o
        .get_opt("hazard_classes", e, |v, p, e| {
            json::array(v, p, e, hazard_class)
        })
        .map(Option::unwrap_or_default);
    let handling = o.get("handling", e, json::text);
    let packages = o.get("packages", e, |v, p, e| {
        let mut f = Obj::new(v, p, e);
        let kind = f.get("kind", e, |v, p, e| json::one_of(v, p, e, &PACKAGING));
        let count = f.get("count", e, json::count);
        f.finish(e);
        Some(Packages {
            kind: kind?,
            count: count?,
        })
    });
    let quantity_kg = o.get("quantity_kg", e, json::kg);
    let declaration_correct = o.get("declaration_correct", e, json::boolean);
    let declaration_no_objection = o.get("declaration_no_objection", e, json::boolean);
    let contact = o.get_opt("contact", e, json::personal);
    o.finish(e);
    if declaration_correct == Some(false) {
        json::err(
            e,
            &format!("{path}.declaration_correct"),
            "must be true (Annex V B item 12)",
        );
    }
    if declaration_no_objection == Some(false) {
        json::err(
            e,
            &format!("{path}.declaration_no_objection"),
            "must be true (Annex V B item 13)",
        );
    }
    Some(MovementDocument {
        shipment_no: shipment_no?,
        started_on: started_on?,
        exporter: exporter?,
        generators: generators?,
        disposer: disposer?,
        site: site?,
        carriers: carriers?,
        transport: transport?,
        exit_office: exit_office?,
        entry_office: entry_office?,
        transit: transit?,
        description: description?,
        codes: codes?,
        un_number: un_number?,
        un_class: un_class?,
        hazard_classes: hazard_classes?,
        handling: handling?,
        packages: packages?,
        quantity_kg: quantity_kg?,
        declaration_correct: declaration_correct?,
        declaration_no_objection: declaration_no_objection?,
        contact: contact?,
    })
}

fn read_custody(v: &Value, path: &str, e: &mut Errs) -> Option<CustodyTransferred> {
    let mut o = Obj::new(v, path, e);
    let shipment_no = o.get("shipment_no", e, json::count);
    let from = o.get("from", e, json::participant);
    let on = o.get("on", e, json::date);
    o.finish(e);
    Some(CustodyTransferred {
        shipment_no: shipment_no?,
        from: from?,
        on: on?,
    })
}

fn read_border(v: &Value, path: &str, e: &mut Errs) -> Option<BorderCrossing> {
    let mut o = Obj::new(v, path, e);
    let shipment_no = o.get("shipment_no", e, json::count);
    let on = o.get("on", e, json::date);
    let waste = o.get_opt("waste", e, illegal::read_waste_seen);
    let discrepancies = o.get_opt("discrepancies", e, read_discrepancies);
    o.finish(e);
    Some(BorderCrossing {
        shipment_no: shipment_no?,
        on: on?,
        waste: waste?,
        discrepancies: discrepancies?,
    })
}

fn read_discrepancies(v: &Value, path: &str, e: &mut Errs) -> Option<Discrepancies> {
    let mut o = Obj::new(v, path, e);
    let quantity_kg = o.get_opt("quantity_kg", e, json::kg);
    let packages = o.get_opt("packages", e, json::count);
    let seals = o.get_opt("seals", e, json::text);
    let vehicle = o.get_opt("vehicle", e, json::text);
    let note = o.get_opt("note", e, json::text);
    o.finish(e);
    let d = Discrepancies {
        quantity_kg: quantity_kg?,
        packages: packages?,
        seals: seals?,
        vehicle: vehicle?,
        note: note?,
    };
    let empty = d.quantity_kg.is_none()
        && d.packages.is_none()
        && d.seals.is_none()
        && d.vehicle.is_none()
        && d.note.is_none();
    if empty {
        json::err(
            e,
            path,
            "must name at least one discrepancy (quantity_kg, packages, seals, vehicle or note); leave it out when there is none",
        );
        return None;
    }
    Some(d)
}

fn read_receipt(v: &Value, path: &str, e: &mut Errs) -> Option<ReceiptConfirmed> {
    let mut o = Obj::new(v, path, e);
    let shipment_no = o.get("shipment_no", e, json::count);
    let received_on = o.get("received_on", e, json::date);
    let quantity_kg = o.get("quantity_kg", e, json::kg);
    let rejected_kg = o.get_opt("rejected_kg", e, json::kg);
    let reasons = o.get_opt("rejection_reasons", e, |v, p, e| {
        json::nonempty_array(v, p, e, json::text)
    });
    o.finish(e);
    let (quantity_kg, rejected_kg, reasons) = (quantity_kg?, rejected_kg?, reasons?);
    if let Some(r) = rejected_kg
        && r > quantity_kg
    {
        json::err(
            e,
            &format!("{path}.rejected_kg"),
            format!("must not exceed the {quantity_kg} kg received"),
        );
    }
    match (rejected_kg, &reasons) {
        (Some(_), None) => json::err(
            e,
            &format!("{path}.rejection_reasons"),
            "must give the reasons for the rejection",
        ),
        (None, Some(_)) => json::err(
            e,
            &format!("{path}.rejected_kg"),
            "must say how many kilograms are rejected when reasons are given",
        ),
        _ => {}
    }
    Some(ReceiptConfirmed {
        shipment_no: shipment_no?,
        received_on: received_on?,
        quantity_kg,
        rejected_kg,
        rejection_reasons: reasons.unwrap_or_default(),
    })
}

fn read_completed(v: &Value, path: &str, e: &mut Errs) -> Option<DisposalCompleted> {
    let mut o = Obj::new(v, path, e);
    let shipment_no = o.get("shipment_no", e, json::count);
    let completed_on = o.get("completed_on", e, json::date);
    let operation = o.get("operation", e, read_operation);
    o.finish(e);
    Some(DisposalCompleted {
        shipment_no: shipment_no?,
        completed_on: completed_on?,
        operation: operation?,
    })
}

fn read_reimport(v: &Value, path: &str, e: &mut Errs) -> Option<ReimportRequired> {
    let mut o = Obj::new(v, path, e);
    let shipment_no = o.get("shipment_no", e, json::count);
    let ground = o.get("ground", e, |v, p, e| {
        json::one_of(
            v,
            p,
            e,
            &[
                ("cannot_be_completed", ReimportGround::CannotBeCompleted),
                ("illegal_traffic", ReimportGround::IllegalTraffic),
            ],
        )
    });
    let informed_on = o.get("informed_on", e, json::date);
    let agreed_days = o.get_opt("agreed_days", e, json::count);
    let reason = o.get("reason", e, json::text);
    o.finish(e);
    Some(ReimportRequired {
        shipment_no: shipment_no?,
        ground: ground?,
        informed_on: informed_on?,
        agreed_days: agreed_days?,
        reason: reason?,
    })
}
