//! Rule identifiers, citations and the answers of the rules: [`Reason`], [`Verdict`],
//! [`Refusal`] and [`Obligation`].
//!
//! Every answer names the rule ([`RuleId`]), its legal citation and one plain sentence. All of them
//! serialize to JSON (the CLI prints them) and implement [`std::fmt::Display`] as plain words.

use std::fmt;

use serde::Serialize;
use time::Date;

/// A rule of the engine.
///
/// `PIC-01`..`PIC-18` and `BAN-01`..`BAN-09` are the rule IDs of the project's reference
/// (`basel-rules.md` §2 and §3). The others are this engine's own: classification (`CLS`),
/// per-shipment checks (`SHP`), post-shipment duties (`ART8`, `ART9`), the participant registry
/// (`REG`) and the case state machine (`CASE`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RuleId {
    /// Notification through the CA of the State of export to every State concerned.
    Pic01,
    /// The notification carries the Annex V A information.
    Pic02,
    /// Notification to a non-Party transit State goes to an appropriate authority.
    Pic03,
    /// The State of import answers in writing; no tacit consent.
    Pic04,
    /// No start without the State of import's confirmation of the exporter-disposer contract.
    Pic05,
    /// A transit Party acknowledges and may answer within 60 days.
    Pic06,
    /// Default for transit: written consent of the State of transit.
    Pic07,
    /// Tacit transit consent after 60 days, only for a Party that waived written consent.
    Pic08,
    /// Transit through a non-Party.
    Pic09,
    /// General notification: same wastes, disposer and customs offices.
    Pic10,
    /// Conditions on a consent to a general notification.
    Pic11,
    /// A general notification covers at most 12 months.
    Pic12,
    /// Chain of custody: whoever takes charge signs.
    Pic13,
    /// The disposer confirms receipt and completion.
    Pic14,
    /// Missing confirmations are notified to the State of import.
    Pic15,
    /// Insurance, bond or guarantee where required.
    Pic16,
    /// Movement document; authorized persons only.
    Pic17,
    /// Wastes hazardous under one State's national definition.
    Pic18,
    /// Import bans notified under Art. 13.
    Ban01,
    /// Export only with the State of import's written consent to the specific import.
    Ban02,
    /// Total import bans; reason to believe there is no ESM.
    Ban03,
    /// No trade with non-Parties.
    Ban04,
    /// No export for disposal south of 60 degrees South.
    Ban05,
    /// Ban Amendment (Art. 4A).
    Ban06,
    /// Art. 11 agreements.
    Ban07,
    /// Justification criteria of Art. 4(9).
    Ban08,
    /// Duty of ESM stays with the State of generation.
    Ban09,
    /// Classification of the wastes with the code lists in force.
    Cls01,
    /// Cumulative quantity and number of shipments within what was notified and consented.
    Shp01,
    /// Carrier, route and wastes of a shipment as notified and consented.
    Shp02,
    /// Duty to re-import.
    Art801,
    /// Illegal traffic.
    Art901,
    /// Illegal traffic caused by the exporter or generator, or reported without a finding: the
    /// State of export takes the wastes back or disposes of them within 30 days.
    Art902,
    /// Illegal traffic caused by the importer or disposer: the State of import ensures
    /// environmentally sound disposal within 30 days.
    Art903,
    /// Illegal traffic whose responsibility cannot be assigned: the States concerned cooperate.
    Art904,
    /// A movement that deviates from its documents (customs office, route, carrier).
    Art905,
    /// Who may register whom.
    Reg01,
    /// Key management.
    Reg02,
    /// The filer must be a registered participant.
    Reg03,
    /// What may be filed in which state of a case.
    Case01,
    /// Well-formed statement bodies.
    Case02,
    /// Case ids: the pattern, the State of export's prefix.
    Case03,
}

impl RuleId {
    /// Every rule ID, in documentation order.
    pub const ALL: [RuleId; 42] = [
        RuleId::Pic01,
        RuleId::Pic02,
        RuleId::Pic03,
        RuleId::Pic04,
        RuleId::Pic05,
        RuleId::Pic06,
        RuleId::Pic07,
        RuleId::Pic08,
        RuleId::Pic09,
        RuleId::Pic10,
        RuleId::Pic11,
        RuleId::Pic12,
        RuleId::Pic13,
        RuleId::Pic14,
        RuleId::Pic15,
        RuleId::Pic16,
        RuleId::Pic17,
        RuleId::Pic18,
        RuleId::Ban01,
        RuleId::Ban02,
        RuleId::Ban03,
        RuleId::Ban04,
        RuleId::Ban05,
        RuleId::Ban06,
        RuleId::Ban07,
        RuleId::Ban08,
        RuleId::Ban09,
        RuleId::Cls01,
        RuleId::Shp01,
        RuleId::Shp02,
        RuleId::Art801,
        RuleId::Art901,
        RuleId::Art902,
        RuleId::Art903,
        RuleId::Art904,
        RuleId::Art905,
        RuleId::Reg01,
        RuleId::Reg02,
        RuleId::Reg03,
        RuleId::Case01,
        RuleId::Case02,
        RuleId::Case03,
    ];

    /// The ID as written in the reference and the docs, e.g. `PIC-05`.
    pub fn as_str(self) -> &'static str {
        match self {
            RuleId::Pic01 => "PIC-01",
            RuleId::Pic02 => "PIC-02",
            RuleId::Pic03 => "PIC-03",
            RuleId::Pic04 => "PIC-04",
            RuleId::Pic05 => "PIC-05",
            RuleId::Pic06 => "PIC-06",
            RuleId::Pic07 => "PIC-07",
            RuleId::Pic08 => "PIC-08",
            RuleId::Pic09 => "PIC-09",
            RuleId::Pic10 => "PIC-10",
            RuleId::Pic11 => "PIC-11",
            RuleId::Pic12 => "PIC-12",
            RuleId::Pic13 => "PIC-13",
            RuleId::Pic14 => "PIC-14",
            RuleId::Pic15 => "PIC-15",
            RuleId::Pic16 => "PIC-16",
            RuleId::Pic17 => "PIC-17",
            RuleId::Pic18 => "PIC-18",
            RuleId::Ban01 => "BAN-01",
            RuleId::Ban02 => "BAN-02",
            RuleId::Ban03 => "BAN-03",
            RuleId::Ban04 => "BAN-04",
            RuleId::Ban05 => "BAN-05",
            RuleId::Ban06 => "BAN-06",
            RuleId::Ban07 => "BAN-07",
            RuleId::Ban08 => "BAN-08",
            RuleId::Ban09 => "BAN-09",
            RuleId::Cls01 => "CLS-01",
            RuleId::Shp01 => "SHP-01",
            RuleId::Shp02 => "SHP-02",
            RuleId::Art801 => "ART8-01",
            RuleId::Art901 => "ART9-01",
            RuleId::Art902 => "ART9-02",
            RuleId::Art903 => "ART9-03",
            RuleId::Art904 => "ART9-04",
            RuleId::Art905 => "ART9-05",
            RuleId::Reg01 => "REG-01",
            RuleId::Reg02 => "REG-02",
            RuleId::Reg03 => "REG-03",
            RuleId::Case01 => "CASE-01",
            RuleId::Case02 => "CASE-02",
            RuleId::Case03 => "CASE-03",
        }
    }

    /// Parses an ID such as `PIC-05`.
    pub fn parse(s: &str) -> Option<RuleId> {
        RuleId::ALL.into_iter().find(|r| r.as_str() == s)
    }

    /// The legal citation (or, for the engine's own bookkeeping rules, the design rule).
    pub fn citation(self) -> &'static str {
        match self {
            RuleId::Pic01 => "Basel Art. 6(1)",
            RuleId::Pic02 => "Basel Art. 6(1), Annex V A; Art. 4(2)(f)",
            RuleId::Pic03 => "Basel Art. 6(10); Art. 7",
            RuleId::Pic04 => "Basel Art. 6(2)",
            RuleId::Pic05 => "Basel Art. 6(3); Art. 4(1)(c)",
            RuleId::Pic06 => "Basel Art. 6(4), sentences 1-2",
            RuleId::Pic07 => "Basel Art. 6(4), sentence 3",
            RuleId::Pic08 => "Basel Art. 6(4), sentences 4-5",
            RuleId::Pic09 => "Basel Art. 7; Art. 2(13); Art. 9(1)(b)",
            RuleId::Pic10 => "Basel Art. 6(6)",
            RuleId::Pic11 => "Basel Art. 6(7)",
            RuleId::Pic12 => "Basel Art. 6(8)",
            RuleId::Pic13 => "Basel Art. 6(9), sentence 1; Art. 4(7)(c)",
            RuleId::Pic14 => "Basel Art. 6(9), sentence 2",
            RuleId::Pic15 => "Basel Art. 6(9), sentence 3",
            RuleId::Pic16 => "Basel Art. 6(11)",
            RuleId::Pic17 => "Basel Art. 4(7)(a)-(c), Annex V B",
            RuleId::Pic18 => "Basel Art. 6(5)",
            RuleId::Ban01 => "Basel Art. 4(1)(a)-(b); Art. 13(2)(c)",
            RuleId::Ban02 => "Basel Art. 4(1)(c); Art. 6(3)(a)",
            RuleId::Ban03 => "Basel Art. 4(2)(e), 4(2)(g)",
            RuleId::Ban04 => "Basel Art. 4(5)",
            RuleId::Ban05 => "Basel Art. 4(6)",
            RuleId::Ban06 => "Basel Art. 4A; Annex VII; Art. 17(5)",
            RuleId::Ban07 => "Basel Art. 11(1)-(2)",
            RuleId::Ban08 => "Basel Art. 4(9)",
            RuleId::Ban09 => "Basel Art. 4(10), 4(11); Annex V A item 20",
            RuleId::Cls01 => "Basel Art. 1(1)-(2); Annexes I, II, VIII, IX",
            RuleId::Shp01 => "Basel Art. 6(3), 6(6)-(8); Art. 9(1)(b)",
            RuleId::Shp02 => "Basel Art. 4(7)(b), 6(3); Art. 9(1)(d)",
            RuleId::Art801 => "Basel Art. 8",
            RuleId::Art901 => "Basel Art. 9(1)-(3)",
            RuleId::Art902 => "Basel Art. 9(2); Art. 9(1)",
            RuleId::Art903 => "Basel Art. 9(3)",
            RuleId::Art904 => "Basel Art. 9(4)",
            RuleId::Art905 => "Basel Art. 9(1)(d)",
            RuleId::Reg01 => "Basel Art. 2(6), 5; wastetrail registry rules",
            RuleId::Reg02 => "wastetrail registry rules: participant keys",
            RuleId::Reg03 => "wastetrail registry rules: registered filers",
            RuleId::Case01 => "Basel Art. 6; wastetrail case state machine",
            RuleId::Case02 => "wastetrail statement format",
            RuleId::Case03 => "Basel Annex V A (notification number); wastetrail case ids",
        }
    }
}

impl fmt::Display for RuleId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for RuleId {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// How one check came out.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// The check is met.
    Met,
    /// The check is not met yet: the shipment must wait.
    Blocks,
    /// The check forbids the movement.
    Prohibits,
}

/// One check with its rule, citation and a plain sentence.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Reason {
    /// The rule.
    pub rule_id: RuleId,
    /// Its legal citation.
    pub citation: &'static str,
    /// One plain sentence.
    pub message: String,
    /// How the check came out.
    pub outcome: Outcome,
    /// True when the check depends on a fact the data does not know (treated conservatively).
    pub unknown_fact: bool,
}

impl Reason {
    pub(crate) fn new(rule_id: RuleId, outcome: Outcome, message: impl Into<String>) -> Self {
        Reason {
            rule_id,
            citation: rule_id.citation(),
            message: message.into(),
            outcome,
            unknown_fact: false,
        }
    }
    pub(crate) fn met(rule_id: RuleId, message: impl Into<String>) -> Self {
        Reason::new(rule_id, Outcome::Met, message)
    }
    pub(crate) fn blocks(rule_id: RuleId, message: impl Into<String>) -> Self {
        Reason::new(rule_id, Outcome::Blocks, message)
    }
    pub(crate) fn prohibits(rule_id: RuleId, message: impl Into<String>) -> Self {
        Reason::new(rule_id, Outcome::Prohibits, message)
    }
    pub(crate) fn unknown(mut self) -> Self {
        self.unknown_fact = true;
        self
    }
    /// Cites the provision of the specific condition checked, instead of the rule's general
    /// citation (e.g. a consent's quantity cap: Art. 6(2) and Annex V A item 15).
    pub(crate) fn cited(mut self, citation: &'static str) -> Self {
        self.citation = citation;
        self
    }
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({}): {}", self.rule_id, self.citation, self.message)
    }
}

/// The decision of [`crate::may_start`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    /// Every check is met: the shipment may start.
    MayStart,
    /// Something is missing (a consent, a confirmation, a fact): the shipment must wait.
    Blocked,
    /// A prohibition applies: the shipment must not take place.
    Prohibited,
}

/// The answer of [`crate::may_start`]: a decision and the checks behind it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Verdict {
    /// The decision.
    pub decision: Decision,
    /// The case (notification number).
    pub case: String,
    /// The shipment number asked about.
    pub shipment_no: u32,
    /// The departure date the checks were made for.
    #[serde(serialize_with = "crate::json::ser_date")]
    pub on: Date,
    /// The rule the decision rests on (the first reason with the decisive outcome).
    pub rule_id: RuleId,
    /// Its citation.
    pub citation: &'static str,
    /// One plain sentence for the decision.
    pub message: String,
    /// Every check made, in evaluation order (for `Prohibited` only the prohibitions).
    pub reasons: Vec<Reason>,
}

impl Verdict {
    pub(crate) fn from_reasons(
        case: &str,
        shipment_no: u32,
        on: Date,
        reasons: Vec<Reason>,
    ) -> Verdict {
        let prohibiting: Vec<Reason> = reasons
            .iter()
            .filter(|r| r.outcome == Outcome::Prohibits)
            .cloned()
            .collect();
        let (decision, reasons) = if !prohibiting.is_empty() {
            (Decision::Prohibited, prohibiting)
        } else if reasons.iter().any(|r| r.outcome == Outcome::Blocks) {
            (Decision::Blocked, reasons)
        } else {
            (Decision::MayStart, reasons)
        };
        let decisive = match decision {
            Decision::Prohibited => reasons.iter().find(|r| r.outcome == Outcome::Prohibits),
            Decision::Blocked => reasons.iter().find(|r| r.outcome == Outcome::Blocks),
            Decision::MayStart => None,
        };
        let not_controlled =
            !reasons.is_empty() && reasons.iter().all(|r| r.rule_id == RuleId::Cls01);
        let (rule_id, message) = match (decision, decisive) {
            (Decision::MayStart, _) if not_controlled => (
                RuleId::Cls01,
                format!(
                    "Shipment {shipment_no} of case {case} may start on {on}: the wastes are not subject to the Basel PIC procedure."
                ),
            ),
            (Decision::MayStart, _) | (_, None) => (
                RuleId::Pic05,
                format!(
                    "Shipment {shipment_no} of case {case} may start on {on}: every check is met."
                ),
            ),
            (Decision::Blocked, Some(r)) => (
                r.rule_id,
                format!(
                    "Shipment {shipment_no} of case {case} may not start yet on {on}: {}",
                    r.message
                ),
            ),
            (Decision::Prohibited, Some(r)) => (
                r.rule_id,
                format!(
                    "Shipment {shipment_no} of case {case} is prohibited: {}",
                    r.message
                ),
            ),
        };
        Verdict {
            decision,
            case: case.to_owned(),
            shipment_no,
            on,
            rule_id,
            citation: rule_id.citation(),
            message,
            reasons,
        }
    }

    /// The reasons that are not met (blocking or prohibiting).
    pub fn failures(&self) -> impl Iterator<Item = &Reason> {
        self.reasons.iter().filter(|r| r.outcome != Outcome::Met)
    }
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.message, self.citation)?;
        for r in &self.reasons {
            let mark = match r.outcome {
                Outcome::Met => "ok",
                Outcome::Blocks => "BLOCKS",
                Outcome::Prohibits => "PROHIBITS",
            };
            write!(f, "\n  [{mark}] {r}")?;
        }
        Ok(())
    }
}

/// One wrong field of a statement body, with its JSON path (`$` is the body).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FieldError {
    /// JSON path, e.g. `$.quantity.total_kg` or `$.carriers[1]`.
    pub path: String,
    /// What is wrong, in plain words.
    pub message: String,
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

/// Why a filing was refused. A refused filing changes nothing.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, thiserror::Error)]
pub struct Refusal {
    /// The rule.
    pub rule_id: RuleId,
    /// Its legal citation.
    pub citation: &'static str,
    /// One plain sentence.
    pub message: String,
    /// Every wrong field of the body (empty when the refusal is not about the body's form).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
    /// True when the refusal rests on a fact the data does not know.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub unknown_fact: bool,
}

impl Refusal {
    /// A refusal under `rule_id` (its citation filled in) with one plain sentence.
    pub fn new(rule_id: RuleId, message: impl Into<String>) -> Self {
        Refusal {
            rule_id,
            citation: rule_id.citation(),
            message: message.into(),
            errors: Vec::new(),
            unknown_fact: false,
        }
    }
    pub(crate) fn with_errors(mut self, errors: Vec<FieldError>) -> Self {
        self.errors = errors;
        self
    }
    pub(crate) fn from_reason(r: &Reason) -> Self {
        Refusal {
            rule_id: r.rule_id,
            citation: r.citation,
            message: r.message.clone(),
            errors: Vec::new(),
            unknown_fact: r.unknown_fact,
        }
    }
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Refused under {} ({}): {}",
            self.rule_id, self.citation, self.message
        )?;
        for e in &self.errors {
            write!(f, "\n  {e}")?;
        }
        Ok(())
    }
}

/// What kind of duty an [`Obligation`] is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ObligationKind {
    /// The disposer must confirm receipt of a shipment.
    ConfirmReceipt,
    /// The disposer must confirm completion of disposal or recovery.
    ConfirmCompletion,
    /// A confirmation is overdue: the State of export or the exporter must tell the State of import.
    NotifyStateOfImport,
    /// The exporter must take the wastes back (Art. 8).
    Reimport,
    /// A movement is illegal traffic: take-back or disposal duty (Art. 9).
    IllegalTraffic,
    /// A consent expires soon.
    ConsentExpiring,
    /// A transit State's 60-day window (Art. 6(4)) is open.
    TransitWindowOpen,
    /// An irregularity that is not (yet) illegal traffic needs the authorities' review (e.g. a
    /// crossing at another customs office, a movement spanning the e-waste amendments).
    Review,
}

/// A duty with its due date, derived from a case by [`crate::obligations`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Obligation {
    /// What kind of duty.
    pub kind: ObligationKind,
    /// The rule.
    pub rule_id: RuleId,
    /// Its legal citation.
    pub citation: &'static str,
    /// One plain sentence.
    pub message: String,
    /// The participant who must act (participant id), when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub party: Option<String>,
    /// The shipment concerned, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shipment_no: Option<u32>,
    /// The due date (or, for windows and expiries, the date the window ends or the consent lapses).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[serde(serialize_with = "crate::json::ser_opt_date")]
    pub due: Option<Date>,
    /// True when the due date has passed.
    pub overdue: bool,
}

impl fmt::Display for Obligation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({}): {}", self.rule_id, self.citation, self.message)?;
        if let Some(due) = self.due {
            write!(
                f,
                " Due {due}{}.",
                if self.overdue { ", overdue" } else { "" }
            )?;
        }
        Ok(())
    }
}
