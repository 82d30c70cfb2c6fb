//! The case: one Basel notification (single or general) and its shipments, as a pure projection
//! of the statements applied to it by [`crate::apply`].

use std::collections::BTreeMap;

use serde::Serialize;
use time::Date;

use crate::body::{Conditions, Consent, MovementDocument, Notification, ReimportGround};
use crate::codes::Operation;
use crate::facts::CountryCode;
use crate::verdict::RuleId;

mod illegal;
pub use illegal::{Duty, Reported, Responsibility};

/// Where a case stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    /// Nothing filed yet.
    New,
    /// Notified by the exporter or generator; waiting for the CA of export to transmit it.
    Submitted,
    /// Transmitted to the States concerned; answers and shipments follow.
    Transmitted,
    /// Denied by the State of import or objected to by a transit State: closed.
    Denied,
    /// Withdrawn by the notifier or the CA of export: closed.
    Withdrawn,
    /// Every planned shipment is completed: closed.
    Completed,
}

/// The answer status of one State concerned (import or transit).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum AnswerStatus {
    /// No answer yet.
    Pending,
    /// The State asked for more information (the notification is pending again).
    InformationRequested {
        /// Date asked.
        #[serde(serialize_with = "crate::json::ser_date")]
        on: Date,
        /// The questions.
        questions: String,
    },
    /// Written consent.
    Consented {
        /// Date the consent was filed.
        #[serde(serialize_with = "crate::json::ser_date")]
        on: Date,
        /// Validity and conditions.
        consent: Consent,
    },
    /// Denied (import) or objected (transit).
    Denied {
        /// Date.
        #[serde(serialize_with = "crate::json::ser_date")]
        on: Date,
        /// Why.
        reason: String,
    },
    /// A consent was withdrawn.
    Withdrawn {
        /// Date.
        #[serde(serialize_with = "crate::json::ser_date")]
        on: Date,
        /// Why.
        reason: String,
    },
}

/// One State concerned other than the State of export, with its answer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct StateAnswer {
    /// The State.
    pub country: CountryCode,
    /// Its authority as named in the notification.
    pub authority: String,
    /// Date it received the notification, as it acknowledged (Art. 6(4)).
    #[serde(serialize_with = "crate::json::ser_opt_date")]
    pub acknowledged_on: Option<Date>,
    /// Start of the 60-day transit period (the acknowledged receipt, or the answer to a request for
    /// information where the settings say such a request restarts the clock).
    #[serde(serialize_with = "crate::json::ser_opt_date")]
    pub clock_from: Option<Date>,
    /// The answer.
    pub answer: AnswerStatus,
}

impl StateAnswer {
    pub(crate) fn new(country: CountryCode, authority: &str) -> Self {
        StateAnswer {
            country,
            authority: authority.to_owned(),
            acknowledged_on: None,
            clock_from: None,
            answer: AnswerStatus::Pending,
        }
    }

    /// The consent in force, if the answer is a consent.
    pub fn consent(&self) -> Option<&Consent> {
        match &self.answer {
            AnswerStatus::Consented { consent, .. } => Some(consent),
            _ => None,
        }
    }

    /// The conditions of the consent in force, if any.
    pub fn conditions(&self) -> Option<&Conditions> {
        self.consent().map(|c| &c.conditions)
    }
}

/// A custody hand-over (Art. 6(9)).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CustodyEvent {
    /// Who took charge.
    pub holder: String,
    /// Who handed over.
    pub from: String,
    /// When.
    #[serde(serialize_with = "crate::json::ser_date")]
    pub on: Date,
}

/// Exit or entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// Left a State.
    Exit,
    /// Entered a State.
    Entry,
}

/// A border crossing seen by a customs office.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Crossing {
    /// Exit or entry.
    pub direction: Direction,
    /// The customs office (participant id).
    pub office: String,
    /// Its country.
    pub country: CountryCode,
    /// When.
    #[serde(serialize_with = "crate::json::ser_date")]
    pub on: Date,
}

/// Something that makes a movement irregular, recorded when observed (e.g. illegal traffic, Art. 9).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Irregularity {
    /// The rule.
    pub rule_id: RuleId,
    /// Its citation.
    pub citation: &'static str,
    /// What happened, in plain words.
    pub message: String,
    /// When it was observed.
    #[serde(serialize_with = "crate::json::ser_date")]
    pub on: Date,
}

impl Irregularity {
    pub(crate) fn new(rule_id: RuleId, message: impl Into<String>, on: Date) -> Self {
        Irregularity {
            rule_id,
            citation: rule_id.citation(),
            message: message.into(),
            on,
        }
    }
}

/// A re-import duty.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Reimport {
    /// Ground.
    pub ground: ReimportGround,
    /// Date the State of export was informed.
    #[serde(serialize_with = "crate::json::ser_date")]
    pub informed_on: Date,
    /// Due date for taking the wastes back.
    #[serde(serialize_with = "crate::json::ser_date")]
    pub due: Date,
    /// Why.
    pub reason: String,
}

/// One shipment (movement) under the notification.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Shipment {
    /// Shipment number.
    pub shipment_no: u32,
    /// The movement document; `None` when the movement was only seen (e.g. at a border) without one.
    pub document: Option<MovementDocument>,
    /// Who holds the wastes now.
    pub holder: Option<String>,
    /// Custody hand-overs.
    pub custody: Vec<CustodyEvent>,
    /// Border crossings.
    pub crossings: Vec<Crossing>,
    /// Receipt (date, quantity).
    #[serde(serialize_with = "crate::json::ser_opt_date")]
    pub received_on: Option<Date>,
    /// Quantity received.
    pub received_kg: Option<u64>,
    /// A difference between the received and the documented quantity within the weighing
    /// tolerance (`quantity_tolerance_percent`): noted in plain words, not an irregularity.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub weighing_difference: Option<String>,
    /// Completion (date).
    #[serde(serialize_with = "crate::json::ser_opt_date")]
    pub completed_on: Option<Date>,
    /// Operation carried out.
    pub completed_operation: Option<Operation>,
    /// Re-import duty, if any.
    pub reimport: Option<Reimport>,
    /// Irregularities observed (illegal traffic and material deviations).
    pub irregularities: Vec<Irregularity>,
    /// The report that opened this shipment, when the log never saw it move (Art. 9(1)).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reported: Option<Reported>,
    /// The finding of who caused its illegal traffic, with the duty (Art. 9(2)-(4)).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub responsibility: Option<Responsibility>,
}

impl Shipment {
    pub(crate) fn new(shipment_no: u32) -> Self {
        Shipment {
            shipment_no,
            document: None,
            holder: None,
            custody: Vec::new(),
            crossings: Vec::new(),
            received_on: None,
            received_kg: None,
            weighing_difference: None,
            completed_on: None,
            completed_operation: None,
            reimport: None,
            irregularities: Vec::new(),
            reported: None,
            responsibility: None,
        }
    }

    /// Date the movement started (from the movement document).
    pub fn started_on(&self) -> Option<Date> {
        self.document.as_ref().map(|d| d.started_on)
    }

    /// True when the movement is illegal traffic (Art. 9) as far as the ledger knows.
    pub fn is_illegal_traffic(&self) -> bool {
        self.irregularities
            .iter()
            .any(|i| matches!(i.rule_id, RuleId::Art901 | RuleId::Art905))
    }
}

/// One Basel notification and everything filed under it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Case {
    /// The notification number.
    pub id: String,
    /// Where the case stands.
    pub phase: Phase,
    /// Who notified (exporter or generator).
    pub notifier: Option<String>,
    /// The notification (Annex V A).
    pub notification: Option<Notification>,
    /// Date submitted.
    #[serde(serialize_with = "crate::json::ser_opt_date")]
    pub submitted_on: Option<Date>,
    /// Date transmitted by the CA of export.
    #[serde(serialize_with = "crate::json::ser_opt_date")]
    pub transmitted_on: Option<Date>,
    /// The State of import's answer.
    pub import: Option<StateAnswer>,
    /// Each transit State's answer, in route order.
    pub transit: Vec<StateAnswer>,
    /// Date the State of import confirmed the contract (Art. 6(3)(b)).
    #[serde(serialize_with = "crate::json::ser_opt_date")]
    pub contract_confirmed_on: Option<Date>,
    /// Shipments by number.
    pub shipments: BTreeMap<u32, Shipment>,
    /// Number of statements applied.
    pub statements: u64,
}

impl Case {
    /// An empty case with the given notification number.
    pub fn new(id: impl Into<String>) -> Case {
        Case {
            id: id.into(),
            phase: Phase::New,
            notifier: None,
            notification: None,
            submitted_on: None,
            transmitted_on: None,
            import: None,
            transit: Vec::new(),
            contract_confirmed_on: None,
            shipments: BTreeMap::new(),
            statements: 0,
        }
    }

    /// True when no new shipment or answer can be filed (denied, withdrawn or completed).
    /// Statements about shipments already under way are still accepted.
    pub fn is_closed(&self) -> bool {
        matches!(
            self.phase,
            Phase::Denied | Phase::Withdrawn | Phase::Completed
        )
    }

    /// The answer of a State concerned (import or transit).
    pub fn answer_of(&self, country: &CountryCode) -> Option<&StateAnswer> {
        self.import
            .iter()
            .chain(self.transit.iter())
            .find(|a| &a.country == country)
    }

    pub(crate) fn answer_of_mut(&mut self, country: &CountryCode) -> Option<&mut StateAnswer> {
        self.import
            .iter_mut()
            .chain(self.transit.iter_mut())
            .find(|a| &a.country == country)
    }

    /// Shipments that started with a movement document, ordered by number.
    pub fn started(&self) -> impl Iterator<Item = &Shipment> {
        self.shipments.values().filter(|s| s.document.is_some())
    }
}
